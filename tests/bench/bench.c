/* Benchmark: runs the fixed national workload (tests/bench/national_fixed.cfg: the national
 * scenario as it was before it became Korea, frozen so that speed stays comparable across
 * versions), today's national scenario and synthetic populations of 10^3 to 10^6 firms, each in its
 * own child process (so peak memory is its own), and reports agent-steps per second, wall time,
 * peak resident memory, bytes of state per firm and the time of every phase of the step. Each run
 * is repeated (five times unless a fourth argument says) and the fastest is kept. Not part of the
 * test suite: `cmake --build build --target bench` (see doc/internals.md, "Speed"). */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/workspace.h"
#include "model/world.h"
#include "ricsim/sim.h"
#include "run/output.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Bytes reserved per firm slot: every column, the id map, the workspace's per-firm lists. */
static double bytes_per_firm(void)
{
    const ric_workspace *ws = NULL;
    const ric_firms *f = NULL;
    double b = RIC_FIRM_COLUMN_BYTES + sizeof *f->index_of;
    b += sizeof *ws->want + sizeof *ws->spinoff_queue + sizeof *ws->transfer_queue +
         sizeof *ws->births + sizeof *ws->dead + sizeof *ws->linked + sizeof *ws->cap_next;
    return b;
}

/* A synthetic country: N firms over 20 regions with institutes and universities, one programme,
 * 10 years of monthly steps. Rates as in scenarios/national.cfg. */
static char *synthetic(long n)
{
    char *s = malloc(1 << 16);
    int k = snprintf(
        s, 1 << 16,
        "name = \"synthetic_%ld\";\nseed = 7L;\n"
        "time = { start = 2000.0; end = 2010.0; steps_per_year = 12; output_every = %s; };\n"
        "capital_region = \"r0\";\nregions = {\n",
        n, getenv("RIC_BENCH_YEARLY") ? "12" : "1");
    for (int r = 0; r < 20; r++)
        k += snprintf(s + k, (size_t)(1 << 16) - (size_t)k,
                      "  r%d = { labour_pool = %ld.0; pool_inflow_per_year = %ld.0; "
                      "pool_exit_rate = 0.3; startup_rate = %ld.0; };\n",
                      r, n / 20 + 100, n / 10 + 100, n / 200 + 1);
    snprintf(s + k, (size_t)(1 << 16) - (size_t)k,
             "};\norganisations = {\n"
             "  u = { kind = \"university\"; region = \"*\"; count = %ld; staff = 400.0; "
             "knowledge = 1.3; tto_per_year = 3.0; graduates_per_year = 600.0; };\n"
             "  i = { kind = \"ri_gvt\"; region = \"*\"; count = %ld; staff = 300.0; "
             "knowledge = 1.5; tto_per_year = 4.0; incubator_rooms = 10; };\n};\n"
             "firms = { all = { region = \"*\"; count = %ld; employees = 12.0; }; };\n"
             "rules = { spinoff = { institute_rate = 0.0012; firm_rate = 0.0003; "
             "founders_mean = 2.5; }; jobs = { small_premium = 0.45; growth_capability = 0.1; }; "
             "exit = { base_rate = 0.12; }; };\n"
             "programmes = { grant = { phases = ( { start = 2002.0; end = 2008.0; "
             "budget_usd_m = 100.0; } ); overhead = 0.05; instruments = { x = { "
             "applicants = \"university\"; call = 2002.0; duration_years = 4.0; award_usd_m = 2.0; "
             "max_winners = 40; consortium_firms = 10; channels = { capability = 0.05; "
             "links = 1.0; graduates = 10.0; }; }; }; }; };\n",
             n / 330 + 2, n / 260 + 2, n);
    return s;
}

/* Runs one scenario in this process and prints one TSV row. */
static int bench_one(const char *label, ric_scenario *sc, FILE *out)
{
    ric_err err = {{0}};
    ric_sim *s = NULL;
    if (ric_sim_alloc(sc, &s, &err) != RIC_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    double *row = malloc(ric_sim_ncols(s) * sizeof *row);
    FILE *sink = fopen("/dev/null", "w"); /* formatting cost counted, disk not */
    double t0 = now(), t_out = 0, firm_steps = 0;
    long steps = 0;
    while (!ric_sim_done(s)) {
        if (ric_sim_step(s, &err) != RIC_OK) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
        firm_steps += (double)ric_sim_world(s)->firms.n;
        steps++;
        if (ric_sim_output_due(s)) {
            double a = now();
            ric_sim_row(s, row);
            for (size_t i = 0; i < ric_sim_ncols(s); i++)
                fprintf(sink, "%.10g\t", row[i]);
            fputc('\n', sink);
            t_out += now() - a;
        }
    }
    double wall = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(out, "%s\t%.0f\t%ld\t%.0f\t%.4f\t%.1f\t%.1f\t%.2f", label, firm_steps / (double)steps,
            steps, firm_steps / wall, wall, (double)ru.ru_maxrss / 1024.0, bytes_per_firm(),
            1e9 * wall / firm_steps);
    for (size_t p = 0; p < ric_sim_nphases(); p++)
        fprintf(out, "\t%.4f", ric_sim_phase_seconds(s, p));
    fprintf(out, "\t%.4f\n", t_out);
    fflush(out);
    fclose(sink);
    free(row);
    ric_sim_free(s);
    return 0;
}

/* Runs LABEL in a child process (so that its peak memory is its own) and reads back its row. */
static int run_child(const char *label, const char *path, const char *text, char *row, size_t size)
{
    int fd[2];
    if (pipe(fd) != 0) {
        perror("bench: pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        FILE *out = fdopen(fd[1], "w");
        gsl_set_error_handler_off();
        ric_err err = {{0}};
        ric_scenario *sc = NULL;
        ric_status st = path ? ric_scenario_load(path, NULL, 0, &sc, &err)
                             : ric_scenario_load_string(text, label, NULL, NULL, 0, &sc, &err);
        if (st != RIC_OK || !out) {
            fprintf(stderr, "bench: %s\n", err.msg);
            _exit(1);
        }
        int rc = bench_one(label, sc, out);
        fclose(out);
        ric_scenario_free(sc);
        _exit(rc);
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t k;
    while (got + 1 < size && (k = read(fd[0], row + got, size - 1 - got)) > 0)
        got += (size_t)k;
    row[got] = '\0';
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && got > 0 ? 0 : 1;
}

/* The fastest of REPEATS runs (wall time is the row's fifth field): on a shared machine the
 * slower runs measure the neighbours. */
static int run_best(const char *label, const char *path, const char *text, int repeats, FILE *out)
{
    char best[4096] = "", row[4096];
    double best_wall = INFINITY;
    for (int r = 0; r < repeats; r++) {
        if (run_child(label, path, text, row, sizeof row) != 0)
            return 1;
        const char *f = row;
        for (int field = 0; field < 4 && f; field++)
            f = strchr(f, '\t') ? strchr(f, '\t') + 1 : NULL;
        double wall = f ? strtod(f, NULL) : INFINITY;
        if (wall < best_wall) {
            best_wall = wall;
            memcpy(best, row, sizeof row);
        }
    }
    fputs(best, out);
    fflush(out);
    return 0;
}

/* RIC_BENCH_KERNELS_OFF: kernels to switch off, by name, comma-separated ("all": every one), to
 * measure what each is worth. */
static void select_kernels(void)
{
    const char *off = getenv("RIC_BENCH_KERNELS_OFF");
    if (!off || !*off)
        return;
    unsigned mask = RIC_KERNELS_ALL;
    for (size_t k = 0; k < ric_kernels_n(); k++) {
        const char *name = ric_kernel_name(k), *p = strstr(off, name);
        const size_t len = strlen(name);
        if (strcmp(off, "all") == 0 ||
            (p && (p == off || p[-1] == ',') && (p[len] == '\0' || p[len] == ',')))
            mask &= ~(1u << k);
    }
    ric_kernels_select(mask);
}

int main(int argc, char **argv)
{
    select_kernels();
    const char *national = argc > 1 ? argv[1] : "scenarios/national.cfg";
    const char *tsv = argc > 2 ? argv[2] : "bench.tsv";
    long max_n = argc > 3 ? atol(argv[3]) : 1000000;
    int repeats = argc > 4 ? atoi(argv[4]) : 5;
    const char *fixed = argc > 5 ? argv[5] : "tests/bench/national_fixed.cfg";
    if (repeats < 1)
        repeats = 1;
    FILE *out = fopen(tsv, "w");
    if (!out) {
        perror(tsv);
        return 1;
    }
    fprintf(out,
            "# ricsim %s benchmark: one thread, each run in its own process, the fastest of %d; "
            "phase times in seconds\n# kernels:",
            RIC_VERSION, repeats);
    const unsigned on = ric_kernels_selected();
    for (size_t k = 0; k < ric_kernels_n(); k++)
        fprintf(out, " %s=%s", ric_kernel_name(k), on & (1u << k) ? "on" : "off");
    fprintf(out, "\n");
    fprintf(out, "run\tfirms_mean\tsteps\tfirm_steps_per_s\twall_s\tpeak_rss_mb\tbytes_per_firm"
                 "\tns_per_firm_step");
    for (size_t p = 0; p < ric_sim_nphases(); p++)
        fprintf(out, "\t%s_s", ric_sim_phase_name(p));
    fprintf(out, "\toutput_s\n");
    int rc = run_best("national_fixed", fixed, NULL, repeats, out);
    if (rc == 0)
        rc = run_best("national", national, NULL, repeats, out);
    for (long n = 1000; n <= max_n && rc == 0; n *= 10) {
        char label[64];
        snprintf(label, sizeof label, "synthetic_%ld", n);
        char *text = synthetic(n);
        rc = run_best(label, NULL, text, repeats, out);
        free(text);
    }
    fclose(out);
    return rc;
}
