/* The ricsim command, run as a child process (posix_spawn, output captured to files): exit codes
 * and messages of every usage and scenario error, the three output files of a run, their refusal to
 * overwrite without --force, and the reproducibility of a run from its written scenario.cfg. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tmpdir.h"

#define DAEDEOK RIC_SOURCE_DIR "/scenarios/daedeok.cfg"

extern char **environ;

/* the tiny scenario of tests/tmpdir.h */
static const char tiny_cfg[] = TINY_CFG_TEXT;

/* ---- helpers -------------------------------------------------------------------------------- */

typedef struct {
    int code;  /* exit status, or -1 if killed by a signal */
    char *out; /* captured stdout */
    char *err; /* captured stderr */
} result;

/* a file-size limit (bytes) for the next ricsim child, with SIGXFSZ at its default; 0: none */
static rlim_t fsize_limit;

/* Runs ricsim with ARGS (NULL-terminated, no argv[0]); stdout and stderr go to files in tmp. */
static result ricsim(const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = RIC_BINARY;
    for (; *args; args++) {
        cr_assert(n < 31);
        argv[n++] = *args;
    }
    argv[n] = NULL;

    char out_path[256], err_path[256];
    snprintf(out_path, sizeof out_path, "%s/.stdout", tmp);
    snprintf(err_path, sizeof err_path, "%s/.stderr", tmp);
    posix_spawn_file_actions_t fa;
    cr_assert_eq(posix_spawn_file_actions_init(&fa), 0);
    cr_assert_eq(
        posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
    cr_assert_eq(
        posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
    posix_spawnattr_t at;
    cr_assert_eq(posix_spawnattr_init(&at), 0);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGXFSZ);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
    struct rlimit old;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    if (fsize_limit) {
        struct rlimit lim = {fsize_limit, old.rlim_max};
        cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    }
    pid_t pid;
    int rc = posix_spawn(&pid, RIC_BINARY, &fa, &at, (char *const *)argv, environ);
    if (fsize_limit)
        setrlimit(RLIMIT_FSIZE, &old);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "cannot start %s", RIC_BINARY);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    result r = {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out_path), slurp(err_path)};
    cr_assert_not_null(r.out);
    cr_assert_not_null(r.err);
    unlink(out_path);
    unlink(err_path);
    return r;
}

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Runs ricsim, which must exit with CODE and print an error starting with ERR_PREFIX. */
static void fails_with(const char *const *args, int code, const char *err_prefix)
{
    result r = ricsim(args);
    int ok_code = r.code == code, ok_msg = starts_with(r.err, err_prefix), quiet = !r.out[0];
    char err[512];
    snprintf(err, sizeof err, "%s", r.err);
    result_free(&r);
    cr_assert(ok_code, "exit %d, expected %d (stderr: %s)", r.code, code, err);
    cr_assert(ok_msg, "stderr '%s' does not start with '%s'", err, err_prefix);
    cr_assert(quiet, "an error prints nothing on stdout");
}

/* Runs SCENARIO into tmp/OUT with extra arguments (NULL-terminated), which must succeed. */
static void run_ok(const char *scenario, const char *out, const char *const *extra)
{
    const char *args[24] = {"run", scenario, "--out", in_tmp(out)};
    size_t n = 4;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    result r = ricsim(args);
    int code = r.code;
    char err[512];
    snprintf(err, sizeof err, "%s", r.err);
    result_free(&r);
    cr_assert_eq(code, 0, "run failed with %d: %s", code, err);
}

/* TEXT without the lines that start with PREFIX (caller frees). */
static char *drop_lines(const char *text, const char *prefix)
{
    char *res = malloc(strlen(text) + 1), *o = res;
    cr_assert_not_null(res);
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (!starts_with(p, prefix)) {
            memcpy(o, p, len);
            o += len;
        }
        p += len;
    }
    *o = '\0';
    return res;
}

/* Number of tab-separated fields of the line at P. */
static size_t n_fields(const char *p)
{
    size_t n = 1;
    for (; *p && *p != '\n'; p++)
        n += *p == '\t';
    return n;
}

/* ---- usage ---------------------------------------------------------------------------------- */

Test(cli, help, .init = make_tmp, .fini = cleanup)
{
    result r = ricsim((const char *[]){"--help", NULL});
    cr_assert_eq(r.code, 0);
    cr_assert_not_null(strstr(r.out, "usage"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "ricsim run SCENARIO.cfg --out DIR"), "%s", r.out);
    cr_assert_str_empty(r.err);
    result_free(&r);
}

Test(cli, version, .init = make_tmp, .fini = cleanup)
{
    result r = ricsim((const char *[]){"--version", NULL});
    cr_assert_eq(r.code, 0);
    cr_assert(starts_with(r.out, "ricsim 0."), "%s", r.out);
    cr_assert_str_empty(r.err);
    result_free(&r);
}

Test(cli, version_names_commit_build_simd_and_mpi, .init = make_tmp, .fini = cleanup)
{
    result r = ricsim((const char *[]){"--version", NULL});
    cr_assert_eq(r.code, 0);
    const char *lines[] = {
        "\ncommit: ", "\nbuild type: ", "\nsimd: ", "\nmpi: ", "\nanalysis scripts: "};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_assert_not_null(strstr(r.out, lines[i]), "no '%s' in %s", lines[i] + 1, r.out);
    cr_assert_null(strstr(r.out, "commit: \n"), "%s", r.out);
#ifdef RIC_MPIEXEC
    cr_assert_not_null(strstr(r.out, "\nmpi: built in\n"), "%s", r.out);
#endif
    result_free(&r);
}

/* Every command's page: exit 0, nothing on stderr, a synopsis, options and an example; --help
 * and -h alike, also after other arguments (which are then not checked). */
Test(cli, every_command_has_help, .init = make_tmp, .fini = cleanup)
{
    const char *cmds[] = {"run",     "check",     "plan",        "sweep",  "merge",
                          "compare", "calibrate", "sensitivity", "export", "slurm"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        for (int h = 0; h < 2; h++) {
            result r = ricsim((const char *[]){cmds[i], "nofile.cfg", h ? "-h" : "--help", NULL});
            char synopsis[64];
            snprintf(synopsis, sizeof synopsis, "usage: ricsim %s ", cmds[i]);
            cr_assert_eq(r.code, 0, "%s --help: exit %d: %s", cmds[i], r.code, r.err);
            cr_assert_str_empty(r.err, "%s", cmds[i]);
            cr_assert(starts_with(r.out, synopsis), "%s: %s", cmds[i], r.out);
            cr_assert_not_null(strstr(r.out, "\noptions:\n"), "%s: %s", cmds[i], r.out);
            cr_assert_not_null(strstr(r.out, "\nexample:\n  ricsim "), "%s: %s", cmds[i], r.out);
            cr_assert_not_null(strstr(r.out, "--help"), "%s", cmds[i]);
            result_free(&r);
        }
    }
}

/* The overview lists every command and every option of every command, the studies' too. */
Test(cli, help_lists_every_command_and_option, .init = make_tmp, .fini = cleanup)
{
    result r = ricsim((const char *[]){"-h", NULL});
    cr_assert_eq(r.code, 0);
    const char *words[] = {"ricsim run ",
                           "ricsim check ",
                           "ricsim plan ",
                           "ricsim sweep ",
                           "ricsim merge ",
                           "ricsim export DIR [--csv]",
                           "\n--csv ",
                           "ricsim compare ",
                           "ricsim calibrate CAL.cfg --out DIR [--jobs N] [--resume | --force]",
                           "ricsim sensitivity SA.cfg --out DIR [--jobs N] [--shard I/N] "
                           "[--resume | --force]",
                           "ricsim slurm EXPERIMENT.cfg --shards N [--jobs C] [--out DIR]",
                           "ricsim merge DIR [--force] [--remove-shards]",
                           "\n--shards ",
                           "\n--remove-shards ",
                           "\n--seed ",
                           "\n--set ",
                           "\n--out ",
                           "\n--force ",
                           "\n--jobs ",
                           "--workers",
                           "\n--shard ",
                           "\n--resume ",
                           "\n--on-error ",
                           "\n--reps ",
                           "\n--indicators ",
                           "\n--help, -h ",
                           "\n--version "};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        cr_assert_not_null(strstr(r.out, words[i]), "no '%s' in the overview", words[i]);
    result_free(&r);
}

/* ---- --jobs ---------------------------------------------------------------------------------- */

static const char jobs_exp[] = "@include \"tiny.cfg\"\n"
                               "experiment = { seed = 3L; replications = 2; design = \"grid\";\n"
                               "  parameters = ( { key = \"rules.spinoff.heritage\"; "
                               "values = [0.55, 0.85]; } );\n"
                               "  indicators = [\"firms\"]; };\n";

/* Runs a sweep of jobs_exp with the shell prefix PREFIX (e.g. "taskset -c 0") and extra
 * arguments; returns its stdout (caller frees). */
static char *sweep_with(const char *prefix, const char *extra)
{
    write_file("tiny.cfg", tiny_cfg);
    const char *exp = write_file("exp.cfg", jobs_exp);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s '%s' sweep '%s' --out '%s' --force %s > '%s' 2> '%s'", prefix,
             RIC_BINARY, exp, in_tmp("sw"), extra, in_tmp("sw.out"), in_tmp("sw.err"));
    int rc = system(cmd);
    char *err = slurp(in_tmp("sw.err"));
    cr_assert_eq(rc, 0, "%s: %s", cmd, err ? err : "");
    free(err);
    return slurp(in_tmp("sw.out"));
}

Test(cli, jobs_default_follows_the_affinity_mask, .init = make_tmp, .fini = cleanup)
{
    if (system("command -v taskset > /dev/null 2>&1") != 0)
        cr_skip_test("no taskset");
    char *out = sweep_with("env -u SLURM_CPUS_PER_TASK taskset -c 0", "");
    cr_assert_not_null(strstr(out, " with 1 jobs\n"), "%s", out);
    free(out);
}

/* A fake cgroup v2 tree (RICSIM_TEST_CGROUP_ROOT, read by the tests only): this process in
 * /a/b, a quota of one CPU on /a and none ("max") on /a/b gives one job; ceil(quota / period). */
Test(cli, jobs_default_follows_a_cgroup_quota, .init = make_tmp, .fini = cleanup)
{
    mkdir(in_tmp("cg"), 0777);
    mkdir(in_tmp("cg/fs"), 0777);
    mkdir(in_tmp("cg/fs/a"), 0777);
    mkdir(in_tmp("cg/fs/a/b"), 0777);
    write_file("cg/self.cgroup", "0::/a/b\n");
    write_file("cg/fs/a/cpu.max", "100000 100000\n");
    write_file("cg/fs/a/b/cpu.max", "max 100000\n");
    char env[512];
    snprintf(env, sizeof env, "env -u SLURM_CPUS_PER_TASK RICSIM_TEST_CGROUP_ROOT='%s'",
             in_tmp("cg"));
    char *out = sweep_with(env, "");
    cr_assert_not_null(strstr(out, " with 1 jobs\n"), "%s", out);
    free(out);
    /* half a CPU rounds up to one; a quota above the CPUs we may use changes nothing */
    write_file("cg/fs/a/cpu.max", "50000 100000\n");
    out = sweep_with(env, "");
    cr_assert_not_null(strstr(out, " with 1 jobs\n"), "%s", out);
    free(out);
    write_file("cg/fs/a/cpu.max", "max 100000\n");
    write_file("cg/fs/a/b/cpu.max", "max 100000\n");
    out = sweep_with(env, ""); /* no quota: the affinity mask's CPUs */
    const char *w = strstr(out, " with ");
    cr_assert_not_null(w, "%s", out);
    char want[64];
    snprintf(want, sizeof want, "%.*s", (int)strcspn(w, "\n"), w);
    free(out);
    write_file("cg/fs/a/b/cpu.max", "25600000 100000\n"); /* 256 CPUs */
    out = sweep_with(env, "");
    cr_assert_not_null(strstr(out, want), "%s (expected%s)", out, want);
    free(out);
}

Test(cli, jobs_default_follows_slurm_cpus_per_task, .init = make_tmp, .fini = cleanup)
{
    char *out = sweep_with("SLURM_CPUS_PER_TASK=1", "");
    cr_assert_not_null(strstr(out, " with 1 jobs\n"), "%s", out);
    free(out);
}

Test(cli, workers_is_an_alias_of_jobs, .init = make_tmp, .fini = cleanup)
{
    char *out = sweep_with("", "--workers 3");
    cr_assert_not_null(strstr(out, " with 3 jobs\n"), "%s", out);
    free(out);
    out = sweep_with("SLURM_CPUS_PER_TASK=1", "--jobs 2"); /* the option wins */
    cr_assert_not_null(strstr(out, " with 2 jobs\n"), "%s", out);
    free(out);
}

/* stderr not a terminal (a file here): a whole line per report, the last after the last run */
Test(cli, progress_lines_when_stderr_is_not_a_terminal, .init = make_tmp, .fini = cleanup)
{
    char *out = sweep_with("", "--jobs 2 --progress-every 0");
    free(out);
    char *err = slurp(in_tmp("sw.err"));
    cr_assert_not_null(err);
    cr_assert_not_null(strstr(err, "ricsim: progress: 1/4 runs done, 0 failed, "), "%s", err);
    cr_assert_not_null(strstr(err, "ricsim: progress: 4/4 runs done, 0 failed, "), "%s", err);
    cr_assert_null(strchr(err, '\r'), "no carriage returns in a log");
    free(err);
    out = sweep_with("", "--jobs 2"); /* the default: every 30 s, so none in this short sweep */
    free(out);
    err = slurp(in_tmp("sw.err"));
    cr_assert_str_empty(err);
    free(err);
    fails_with((const char *[]){"sweep", "x.cfg", "--out", "o", "--progress-every", "-1", NULL}, 2,
               "ricsim: --progress-every must be whole seconds from 0 to 86400 (got '-1')");
}

/* export of a folder made as an earlier ricsim made it (no tidy tables): the same tables */
Test(cli, export_rebuilds_the_tables, .init = make_tmp, .fini = cleanup)
{
    free(sweep_with("", "--jobs 2"));
    char *lng = slurp(in_tmp("sw/long.tsv")), *sum = slurp(in_tmp("sw/summary.tsv"));
    cr_assert_not_null(lng);
    cr_assert_eq(unlink(in_tmp("sw/long.tsv")), 0);
    cr_assert_eq(unlink(in_tmp("sw/summary.tsv")), 0);
    result r = ricsim((const char *[]){"export", in_tmp("sw"), "--csv", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    result_free(&r);
    char *lng2 = slurp(in_tmp("sw/long.tsv")), *sum2 = slurp(in_tmp("sw/summary.tsv"));
    cr_assert_not_null(lng2);
    cr_assert_str_eq(lng, lng2);
    cr_assert_str_eq(sum, sum2);
    char *csv = slurp(in_tmp("sw/summary.csv"));
    cr_assert_not_null(csv);
    cr_assert(starts_with(csv, "design_row,rules_spinoff_heritage,firms\n0,0.55,"), "%s", csv);
    cr_assert_null(strchr(csv, '\t'));
    free(csv);
    csv = slurp(in_tmp("sw/long.csv"));
    cr_assert_not_null(csv);
    cr_assert(
        starts_with(csv, "run,design_row,replication,seed,rules_spinoff_heritage,year,firms\n"),
        "%s", csv);
    free(csv);
    free(lng);
    free(lng2);
    free(sum);
    free(sum2);
    char want[128];
    snprintf(want, sizeof want, "ricsim: %s: not a finished sweep or comparison (no stats.tsv)",
             tmp);
    fails_with((const char *[]){"export", tmp, NULL}, 2, want);
    fails_with((const char *[]){"export", NULL}, 2, "ricsim: export: missing DIR");
    fails_with((const char *[]){"export", tmp, "--force", NULL}, 2,
               "ricsim: export takes no '--force'");
}

Test(cli, a_sweep_records_its_provenance, .init = make_tmp, .fini = cleanup)
{
    free(sweep_with("", "--jobs 2"));
    char *prov = slurp(in_tmp("sw/provenance.txt"));
    cr_assert_not_null(prov);
    cr_assert_not_null(strstr(prov, "\ncommand: ricsim sweep "), "%s", prov);
    cr_assert_not_null(strstr(prov, " --jobs 2\n"), "%s", prov);
    free(prov);
}

Test(cli, bad_jobs, .init = make_tmp, .fini = cleanup)
{
    fails_with((const char *[]){"sweep", "x.cfg", "--out", "o", "--jobs", "0", NULL}, 2,
               "ricsim: --jobs must be a whole number from 1 to 256 (got '0')");
    fails_with((const char *[]){"compare", "a.cfg", "b.cfg", "--workers", "x", NULL}, 2,
               "ricsim: --workers must be a whole number from 1 to 256 (got 'x')");
    fails_with((const char *[]){"sensitivity", "x.cfg", "--out", "o", "--jobs", "65", NULL}, 2,
               "ricsim: --jobs must be a whole number from 1 to 64 (got '65')");
}

Test(cli, no_arguments, .init = make_tmp, .fini = cleanup)
{
    fails_with((const char *[]){NULL}, 2, "ricsim: missing command\nTry 'ricsim --help'.");
}

Test(cli, unknown_command, .init = make_tmp, .fini = cleanup)
{
    fails_with((const char *[]){"simulate", DAEDEOK, NULL}, 2,
               "ricsim: unknown command 'simulate'");
}

Test(cli, unknown_option, .init = make_tmp, .fini = cleanup)
{
    fails_with((const char *[]){"check", DAEDEOK, "--fast", NULL}, 2,
               "ricsim: unknown option '--fast'");
}

Test(cli, option_without_value, .init = make_tmp, .fini = cleanup)
{
    fails_with((const char *[]){"check", DAEDEOK, "--set", NULL}, 2,
               "ricsim: option '--set' needs a value");
}

Test(cli, missing_scenario, .init = make_tmp, .fini = cleanup)
{
    fails_with((const char *[]){"check", NULL}, 2, "ricsim: check: missing SCENARIO.cfg");
}

Test(cli, run_without_out, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    fails_with((const char *[]){"run", cfg, NULL}, 2, "ricsim: run: missing --out DIR");
}

Test(cli, check_with_out, .init = make_tmp, .fini = cleanup)
{
    fails_with((const char *[]){"check", DAEDEOK, "--out", in_tmp("o"), NULL}, 2,
               "ricsim: check takes no --out or --force");
    cr_assert_not(exists(in_tmp("o")));
}

Test(cli, bad_seed, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    fails_with((const char *[]){"run", cfg, "--out", in_tmp("o"), "--seed", "12abc", NULL}, 2,
               "ricsim: --seed must be a non-negative integer (got '12abc')");
    fails_with((const char *[]){"run", cfg, "--out", in_tmp("o"), "--seed", "-3", NULL}, 2,
               "ricsim: --seed must be a non-negative integer (got '-3')");
    cr_assert_not(exists(in_tmp("o")));
}

/* ---- check ---------------------------------------------------------------------------------- */

Test(cli, check_daedeok, .init = make_tmp, .fini = cleanup)
{
    result r = ricsim((const char *[]){"check", DAEDEOK, NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(starts_with(r.out, DAEDEOK ": ok: scenario 'daedeok', hash "), "%s", r.out);
    cr_assert_str_empty(r.err);
    result_free(&r);
}

Test(cli, check_with_a_good_set_changes_the_hash, .init = make_tmp, .fini = cleanup)
{
    result a = ricsim((const char *[]){"check", DAEDEOK, NULL});
    result b =
        ricsim((const char *[]){"check", DAEDEOK, "--set", "rules.spinoff.heritage=0.65", NULL});
    cr_assert_eq(a.code, 0);
    cr_assert_eq(b.code, 0, "%s", b.err);
    cr_assert(strstr(b.out, ": ok: "));
    cr_assert_str_neq(a.out, b.out); /* the line carries the hash */
    result_free(&a);
    result_free(&b);
}

Test(cli, check_with_a_bad_set, .init = make_tmp, .fini = cleanup)
{
    fails_with((const char *[]){"check", DAEDEOK, "--set", "regions.dst.startup_rate=fast", NULL},
               2, "ricsim: --set '");
    fails_with((const char *[]){"check", DAEDEOK, "--set", "regions.dst.startup_rate=fast", NULL},
               2,
               "ricsim: --set 'regions.dst.startup_rate=fast': 'regions.dst.startup_rate' must "
               "be a number (got 'fast')");
    fails_with((const char *[]){"check", DAEDEOK, "--set", "regions.dst.startup_rate=-1.5", NULL},
               2,
               "ricsim: --set 'regions.dst.startup_rate=-1.5': 'regions.dst.startup_rate' "
               "must be >= 0 (got -1.5)");
}

Test(cli, check_missing_file, .init = make_tmp, .fini = cleanup)
{
    const char *path = in_tmp("none.cfg");
    char msg[320];
    snprintf(msg, sizeof msg, "ricsim: %s: cannot open: No such file or directory", path);
    fails_with((const char *[]){"check", path, NULL}, 2, msg);
}

Test(cli, seed_overrides_a_plain_integer_seed, .init = make_tmp, .fini = cleanup)
{
    /* --seed must not trip the 32-bit literal check, which re-reads "seed = 11;" from the file
     * ("'seed' does not fit in 32 bits (got 11)" before a3f162c). */
    char text[sizeof tiny_cfg];
    snprintf(text, sizeof text, "%s", tiny_cfg);
    memcpy(strstr(text, "seed = 11L;"), "seed = 11; ", 11);
    const char *cfg = write_file("plain_seed.cfg", text);
    result r = ricsim((const char *[]){"check", cfg, "--seed", "8", NULL});
    int code = r.code;
    char err[512];
    snprintf(err, sizeof err, "%s", r.err);
    result_free(&r);
    cr_assert_eq(code, 0, "%s", err);
}

Test(cli, seed_does_not_take_the_blame_for_a_missing_key, .init = make_tmp, .fini = cleanup)
{
    /* Regression (fixed): sim/scenario.c:138-141 (where): --seed adds "seed=N" as an override,
     * which creates a top-level setting in a scenario without 'seed'; an error located at the root
     * is then blamed on it: "ricsim: --set 'seed=7': missing required key 'name'", with no --set on
     * the line. */
    const char *cfg = write_file("noname.cfg", strstr(tiny_cfg, "time = "));
    char prefix[320];
    snprintf(prefix, sizeof prefix, "ricsim: %s:", cfg);
    result r = ricsim((const char *[]){"check", cfg, "--seed", "7", NULL});
    int code = r.code, located = starts_with(r.err, prefix);
    int named = strstr(r.err, ": missing required key 'name'") != NULL;
    char err[512];
    snprintf(err, sizeof err, "%s", r.err);
    result_free(&r);
    cr_assert_eq(code, 2, "%s", err);
    cr_assert(named, "%s", err);
    cr_assert(located, "%s", err);
}

/* ---- run ------------------------------------------------------------------------------------ */

Test(cli, run_of_an_invalid_scenario_writes_nothing, .init = make_tmp, .fini = cleanup)
{
    char text[sizeof tiny_cfg];
    snprintf(text, sizeof text, "%s", tiny_cfg);
    memcpy(strstr(text, "startup_rate = 3.5"), "startup_rate = -35", 18);
    const char *cfg = write_file("bad.cfg", text);
    char msg[320];
    snprintf(msg, sizeof msg, "ricsim: %s:4: 'regions.dst.startup_rate' must be >= 0 (got -35)",
             cfg);
    fails_with((const char *[]){"run", cfg, "--out", in_tmp("o"), NULL}, 2, msg);
    int n = n_entries(in_tmp("o"));
    cr_assert(n <= 0, "the output folder holds %d files", n);
    cr_assert_not(exists(in_tmp("o/series.tsv")));
}

Test(cli, run_with_an_out_of_range_set_writes_nothing, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    fails_with((const char *[]){"run", cfg, "--out", in_tmp("o"), "--set", "time.end=1999.5", NULL},
               2, "ricsim: --set 'time.end=1999.5': 'time.end' must be > 2000 (got 1999.5)");
    cr_assert(n_entries(in_tmp("o")) <= 0);
}

Test(cli, run_that_fails_midway_leaves_no_files, .init = make_tmp, .fini = cleanup)
{
    /* capacity for one firm more than the cohort: the entrants overflow it */
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    char msg[320];
    snprintf(msg, sizeof msg, "ricsim: %s: the run needs more than 'limits.max_firms' = 41 firms",
             cfg);
    fails_with(
        (const char *[]){"run", cfg, "--out", in_tmp("o"), "--set", "limits.max_firms=41", NULL}, 1,
        msg);
    cr_assert(n_entries(in_tmp("o")) <= 0, "a failed run left %d files", n_entries(in_tmp("o")));
}

Test(cli, run_writes_five_files, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    result r = ricsim((const char *[]){"run", cfg, "--out", in_tmp("o"), NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert_str_empty(r.err);
    result_free(&r);
    cr_assert_eq(n_entries(in_tmp("o")), 6,
                 "expected exactly the five files and provenance.txt, no leftovers");
    char *prov = slurp(in_tmp("o/provenance.txt"));
    cr_assert_not_null(prov);
    cr_assert(starts_with(prov, "ricsim 0."), "%s", prov);
    const char *fields[] = {"\ncommit: ", "\nbuild type: ", "\nsimd: ", "\nmpi: ",
                            "\ndate: 20", "\nhost: ",       "\ncwd: /", "\ncommand: ricsim run "};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cr_assert_not_null(strstr(prov, fields[i]), "no '%s' in %s", fields[i] + 1, prov);
    cr_assert_not_null(strstr(prov, " --out "), "%s", prov);
    free(prov);
    char *series = slurp(in_tmp("o/series.tsv"));
    char *genealogy = slurp(in_tmp("o/genealogy.tsv"));
    char *scenario = slurp(in_tmp("o/scenario.cfg"));
    cr_assert_not_null(series);
    cr_assert_not_null(genealogy);
    cr_assert_not_null(scenario);
    cr_assert(starts_with(
        genealogy, "year\tchild_id\tparent_id\tparent_kind\tregion\tparent_name\tchild_sector\n"));
    cr_assert(starts_with(scenario, "name = \"tiny\";\n"), "%s", scenario);
    cr_assert_not_null(strstr(scenario, "seed = 11L;"));
    cr_assert_not_null(strstr(series, "# scenario=tiny\n"));
    cr_assert_not_null(strstr(series, "# seed=11\n"));
    free(series);
    free(genealogy);
    free(scenario);
}

Test(cli, series_structure, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    run_ok(cfg, "o", NULL);
    char *series = slurp(in_tmp("o/series.tsv"));
    cr_assert_not_null(series);
    const char *p = series;
    size_t n_meta = 0;
    while (*p == '#') { /* metadata first */
        p = strchr(p, '\n');
        cr_assert_not_null(p);
        p++;
        n_meta++;
    }
    cr_assert_gt(n_meta, 0);
    /* one header line: 'year' first, with the required columns */
    cr_assert(starts_with(p, "year\t"), "%.40s", p);
    const char *end = strchr(p, '\n');
    cr_assert_not_null(end);
    char header[8192];
    snprintf(header, sizeof header, "\t%.*s\t", (int)(end - p), p);
    static const char *const required[] = {
        "year",           "research_institutes", "universities",           "gvt_institutions",
        "smes",           "employees_research",  "employees_universities", "employees_gvt",
        "employees_smes", "employees_total",     "spinoffs_cum",           "jobs_created",
        "jobs_destroyed"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        char col[64];
        snprintf(col, sizeof col, "\t%s\t", required[i]);
        cr_assert_not_null(strstr(header, col), "no column '%s'", required[i]);
    }
    size_t width = n_fields(p);
    p = end + 1;
    /* numeric rows, all as wide as the header: one per simulated year */
    size_t n_rows = 0;
    double last_year = 0;
    while (*p) {
        cr_assert_neq(*p, '#', "metadata after the header");
        cr_assert_eq(n_fields(p), width, "row %zu has %zu fields, the header %zu", n_rows + 1,
                     n_fields(p), width);
        for (const char *f = p; *f && *f != '\n';) {
            char *after;
            double v = strtod(f, &after);
            cr_assert(after != f && (*after == '\t' || *after == '\n' || !*after),
                      "row %zu: not a number at '%.20s'", n_rows + 1, f);
            if (f == p) {
                cr_assert_gt(v, last_year, "years must increase");
                last_year = v;
            }
            f = *after == '\t' ? after + 1 : after;
        }
        p = strchr(p, '\n');
        cr_assert_not_null(p, "last row lacks its newline");
        p++;
        n_rows++;
    }
    cr_assert_eq(n_rows, 3);
    cr_assert_eq(last_year, 2003.0);
    free(series);
}

Test(cli, run_refuses_to_overwrite_without_force, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    run_ok(cfg, "o", (const char *[]){"--seed", "7", NULL});
    char *before = slurp(in_tmp("o/series.tsv"));
    cr_assert_not_null(before);
    char msg[320];
    snprintf(msg, sizeof msg,
             "ricsim: %s: already holds a run (series.tsv); use --force to replace it",
             in_tmp("o"));
    fails_with((const char *[]){"run", cfg, "--out", in_tmp("o"), "--seed", "8", NULL}, 2, msg);
    char *after = slurp(in_tmp("o/series.tsv"));
    cr_assert_not_null(after);
    cr_assert_str_eq(after, before, "a refused run changed series.tsv");
    /* the earlier run's five files and its provenance.txt */
    cr_assert_eq(n_entries(in_tmp("o")), 6, "a refused run left files behind");
    /* with --force the other seed's run replaces it */
    run_ok(cfg, "o", (const char *[]){"--seed", "8", "--force", NULL});
    char *forced = slurp(in_tmp("o/series.tsv"));
    cr_assert_not_null(forced);
    cr_assert_str_neq(forced, before, "--force did not replace series.tsv");
    cr_assert_not_null(strstr(forced, "# seed=8\n"));
    cr_assert_eq(n_entries(in_tmp("o")), 6); /* with provenance.txt */
    free(before);
    free(after);
    free(forced);
}

Test(cli, rerun_of_the_written_scenario_reproduces_the_series, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    run_ok(cfg, "a", NULL);
    run_ok(in_tmp("a/scenario.cfg"), "b", NULL);
    char *a = slurp(in_tmp("a/series.tsv"));
    char *b = slurp(in_tmp("b/series.tsv"));
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    /* the numbers first ... */
    char *a_rows = drop_lines(a, "#"), *b_rows = drop_lines(b, "#");
    cr_assert_str_eq(b_rows, a_rows);
    free(a_rows);
    free(b_rows);
    /* ... then everything but the file name.
     * Regression (fixed): sim/scenario.c:1478-1480 (load): the written scenario.cfg of a scenario
     * without a 'rules' group has its settings in another order when reloaded ('seed' moves after
     * 'rules'), so the rerun's '# scenario_hash=' differs from the original's. */
    char *a_meta = drop_lines(a, "# scenario_file="), *b_meta = drop_lines(b, "# scenario_file=");
    int same = strcmp(a_meta, b_meta) == 0;
    free(a_meta);
    free(b_meta);
    free(a);
    free(b);
    cr_assert(same, "series.tsv differs beyond '# scenario_file='");
}

Test(cli, same_seed_same_series_other_seed_other_series, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    run_ok(cfg, "s7", (const char *[]){"--seed", "7", NULL});
    run_ok(cfg, "s7again", (const char *[]){"--seed", "7", NULL});
    run_ok(cfg, "s8", (const char *[]){"--seed", "8", NULL});
    char *s7 = slurp(in_tmp("s7/series.tsv"));
    char *s7again = slurp(in_tmp("s7again/series.tsv"));
    char *s8 = slurp(in_tmp("s8/series.tsv"));
    cr_assert_not_null(s7);
    cr_assert_not_null(s7again);
    cr_assert_not_null(s8);
    char *r7 = drop_lines(s7, "#"), *r7again = drop_lines(s7again, "#"), *r8 = drop_lines(s8, "#");
    cr_assert_str_eq(r7, r7again, "the same seed must give the same series");
    cr_assert_str_neq(r7, r8, "seeds 7 and 8 gave the same series");
    cr_assert_not_null(strstr(s7, "# seed=7\n"));
    cr_assert_not_null(strstr(s8, "# seed=8\n"));
    free(r7);
    free(r7again);
    free(r8);
    free(s7);
    free(s7again);
    free(s8);
}

Test(cli, run_to_an_unwritable_destination, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    static const char *const dests[] = {"/proc/ricsim_test", "/dev/full/x"};
    for (size_t i = 0; i < 2; i++) {
        result r = ricsim((const char *[]){"run", cfg, "--out", dests[i], NULL});
        int code = r.code;
        char err[512], prefix[64];
        snprintf(err, sizeof err, "%s", r.err);
        snprintf(prefix, sizeof prefix, "ricsim: %s: ", dests[i]);
        result_free(&r);
        cr_assert(code == 1 || code == 2, "%s: exit %d", dests[i], code);
        cr_assert(starts_with(err, prefix), "%s", err);
        cr_assert_not(exists("/proc/ricsim_test"));
    }
}

/* SIGINT or SIGTERM during a run: the run stops at the end of its step, exits 1 with a message,
 * and removes its temporary files; an earlier complete run in the folder is left untouched. */
static void interrupted_by(int sig)
{
    run_ok(write_file("tiny.cfg", tiny_cfg), "intr", NULL);
    char out[256];
    snprintf(out, sizeof out, "%s", in_tmp("intr"));
    char series[300];
    snprintf(series, sizeof series, "%s/series.tsv", out);
    char *before = slurp(series);
    const char *argv[] = {RIC_BINARY, "run", RIC_SOURCE_DIR "/scenarios/national.cfg", "--out", out,
                          "--force",  NULL};
    char err_path[256];
    snprintf(err_path, sizeof err_path, "%s/.stderr", tmp);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, RIC_BINARY, &fa, NULL, (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    struct timespec pause = {0, 400000000}; /* the national run takes seconds: it is stepping */
    nanosleep(&pause, NULL);
    kill(pid, sig);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d", status);
    char *err = slurp(err_path);
    cr_assert(strstr(err, "interrupted at") != NULL, "%s", err);
    unlink(err_path);
    cr_assert_eq(n_entries(out), 6, "temporary files left behind"); /* + provenance.txt */
    char *after = slurp(series);
    cr_assert_str_eq(after, before);
    free(err), free(before), free(after);
}

Test(cli, sigint_stops_a_run_cleanly, .init = make_tmp, .fini = cleanup)
{
    interrupted_by(SIGINT);
}

Test(cli, sigterm_stops_a_run_cleanly, .init = make_tmp, .fini = cleanup)
{
    interrupted_by(SIGTERM);
}

/* A file just below the size limit that libconfig takes seconds to parse (groups of 256 members,
 * the most that are not refused, whose parse is quadratic in their size), with PREFIX first. */
static const char *write_slow_file(const char *name, const char *prefix)
{
    const char *path = in_tmp(name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%sname = \"slow\";\ntime = { start = 2000.0; end = 2001.0; };\nx = (\n", prefix);
    long bytes = 0;
    for (int row = 0; bytes < (7L << 20); row++) {
        bytes += fprintf(f, "%s(", row ? ",\n" : "");
        for (int g = 0; g < 200; g++) {
            bytes += fprintf(f, "%s{", g ? "," : "");
            for (int m = 0; m < 256; m++)
                bytes += fprintf(f, "a%d=1;", m);
            bytes += fprintf(f, "}");
        }
        bytes += fprintf(f, ")");
    }
    fputs(");\n", f);
    fclose(f);
    return path;
}

/* SIG while ricsim reads its input (issue 16.5: ignored until libconfig was done): the process
 * ends at once with exit status 1 and says why; nothing is written */
static void interrupted_while_loading(const char *const *argv, int sig, const char *out)
{
    char err_path[256];
    snprintf(err_path, sizeof err_path, "%s/.stderr", tmp);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, RIC_BINARY, &fa, NULL, (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    struct timespec pause = {0, 300000000}, t0, t1; /* parsing takes seconds */
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kill(pid, sig);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    char *err = slurp(err_path);
    unlink(err_path);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s: status %d: %s", argv[1], status,
              err);
    cr_assert_lt(s, 2.0, "%s took %.1f s to stop", argv[1], s);
    cr_assert_str_eq(err, "ricsim: interrupted while reading the input; nothing was written\n");
    free(err);
    cr_assert_not(exists(out), "%s left %s", argv[1], out);
}

Test(cli, sigint_and_sigterm_stop_loading, .init = make_tmp, .fini = cleanup)
{
    const char *slow = write_slow_file("slow.cfg", "");
    char out[256];
    snprintf(out, sizeof out, "%s", in_tmp("o"));
    interrupted_while_loading((const char *[]){RIC_BINARY, "run", slow, "--out", out, NULL}, SIGINT,
                              out);
    interrupted_while_loading((const char *[]){RIC_BINARY, "check", slow, NULL}, SIGTERM, out);
    write_file("t.tsv", "year\tcolumn\tobserved\tweight\n2000\tsmes\t1\t1\n");
    const char *cal =
        write_slow_file("cal.cfg", "calibration = { targets = \"t.tsv\"; parameters = ( { key = "
                                   "\"rules.exit.base_rate\"; min = 0.02; max = 0.6; } ); };\n");
    interrupted_while_loading((const char *[]){RIC_BINARY, "calibrate", cal, "--out", out, NULL},
                              SIGINT, out);
    const char *exp = write_slow_file("exp.cfg", "experiment = { replications = 2; };\n");
    interrupted_while_loading((const char *[]){RIC_BINARY, "sweep", exp, "--out", out, NULL},
                              SIGTERM, out);
    interrupted_while_loading(
        (const char *[]){RIC_BINARY, "compare", slow, slow, "--reps", "2", "--out", out, NULL},
        SIGINT, out);
    cr_assert_eq(n_entries(tmp), 4, "files were left in %s", tmp); /* the four inputs */
}

/* ---- reliability (issue 16) ------------------------------------------------------------------ */

/* Files in DIR (recursively) whose names hold ".tmp." */
static int n_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp."))
            n++;
    closedir(d);
    return n;
}

/* Past a file-size limit a write fails with EFBIG: exit 1, no files (issue 16: SIGXFSZ killed the
 * process, exit 153, and left temporaries) */
Test(cli, a_file_size_limit_is_a_write_error, .init = make_tmp, .fini = cleanup)
{
    fsize_limit = 65536; /* the Daedeok series is about twice that */
    result r = ricsim((const char *[]){"run", RIC_SOURCE_DIR "/scenarios/daedeok.cfg", "--out",
                                       in_tmp("o"), NULL});
    fsize_limit = 0;
    int code = r.code;
    char err[512];
    snprintf(err, sizeof err, "%s", r.err);
    result_free(&r);
    cr_assert_eq(code, 1, "exit %d: %s", code, err);
    cr_assert(strstr(err, "write failed: "), "%s", err);
    cr_assert_not(exists(in_tmp("o")), "a failed run left its folder");
}

/* calibrate past the limit: exit 1 and no fit.tsv, no temporaries */
Test(cli, calibrate_past_a_file_size_limit_leaves_no_results, .init = make_tmp, .fini = cleanup)
{
    write_file("t.tsv", "year\tcolumn\tobserved\tweight\tnote\n"
                        "2004\tsmes\t160\t1\tmade up\n"
                        "2005\temployees_smes\t1500\t1\tmade up\n");
    const char *cal =
        write_file("cal.cfg", "calibration = {\n"
                              "  scenario = \"" RIC_SOURCE_DIR "/tests/golden/tiny.cfg\";\n"
                              "  targets = \"t.tsv\";\n"
                              "  parameters = ( { key = \"rules.exit.base_rate\"; "
                              "name = \"exit\"; min = 0.02; max = 0.6; } );\n"
                              "  replications = 2;\n"
                              "  max_evaluations = 4;\n"
                              "};\n");
    fsize_limit = 1000; /* fit.tsv is about 1.2 kB */
    result r = ricsim((const char *[]){"calibrate", cal, "--out", in_tmp("cal"), NULL});
    fsize_limit = 0;
    int code = r.code;
    char err[2048];
    snprintf(err, sizeof err, "%s", r.err);
    result_free(&r);
    cr_assert_eq(code, 1, "exit %d: %s", code, err);
    cr_assert(strstr(err, "write failed: File too large"), "%s", err);
    cr_assert_not(exists(in_tmp("cal/fit.tsv")), "a complete-looking fit.tsv was left");
    cr_assert_not(exists(in_tmp("cal/fitted.tsv")));
    cr_assert_eq(n_temporaries(in_tmp("cal")), 0);
    /* its evaluations stay for --resume, which writes the results without running them again */
    cr_assert(exists(in_tmp("cal/.runs/0.eval")), "the evaluations were not kept");
    cr_assert_not(exists(in_tmp("cal/.lock")));
    r = ricsim((const char *[]){"calibrate", cal, "--out", in_tmp("cal"), "--resume", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, " evaluations (4 kept from before)"), "%s", r.out);
    result_free(&r);
    cr_assert(exists(in_tmp("cal/fitted.tsv")));
    cr_assert_not(exists(in_tmp("cal/.runs")), "the kept evaluations were not removed");
}

/* A comparison is all or nothing: when its statistics fail after its runs (here every run of B
 * fails, so no pairs are left), neither the differences nor the sweep's own tables (stats.tsv,
 * long.tsv, summary.tsv) nor provenance.txt are left to look finished (issue 16) */
Test(cli, a_failed_comparison_leaves_no_tables, .init = make_tmp, .fini = cleanup)
{
    const char *a = write_file("tiny.cfg", tiny_cfg);
    const char *b =
        write_file("full.cfg", "@include \"tiny.cfg\"\nlimits = { max_firms = 40; };\n");
    result r = ricsim((const char *[]){"compare", a, b, "--reps", "2", "--out", in_tmp("c"), NULL});
    int code = r.code;
    char err[2048];
    snprintf(err, sizeof err, "%s", r.err);
    result_free(&r);
    cr_assert_eq(code, 2, "exit %d: %s", code, err);
    cr_assert(strstr(err, "fewer than two replications succeeded in both scenarios"), "%s", err);
    const char *names[] = {"stats.tsv", "long.tsv",       "summary.tsv",
                           "dose.tsv",  "diff.tsv",       "effect.tsv",
                           "note.txt",  "provenance.txt", "regions_stats.tsv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[32];
        snprintf(p, sizeof p, "c/%s", names[i]);
        cr_assert_not(exists(in_tmp(p)), "a failed comparison left %s", p);
    }
    cr_assert(exists(in_tmp("c/runs.tsv")), "the runs are kept for --resume");
    cr_assert(exists(in_tmp("c/regions.tsv")), "and their regions");
}

/* Free text is escaped: a scenario file whose name holds a newline, a tab and a carriage return
 * adds no row or field to series.tsv (a run) or runs.tsv (a sweep) */
Test(cli, file_names_are_written_on_one_line, .init = make_tmp, .fini = cleanup)
{
    char text[2048];
    snprintf(text, sizeof text, "%sexperiment = { replications = 2; };\n", tiny_cfg);
    const char *cfg = write_file("a\nyear\tfirms\n1\t2\r.cfg", text);
    run_ok(cfg, "o", NULL);
    result r = ricsim((const char *[]){"sweep", cfg, "--out", in_tmp("sw"), NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    result_free(&r);
    const char *files[] = {"o/series.tsv", "sw/series.tsv", "sw/runs.tsv", "sw/plan.tsv"};
    for (int i = 0; i < 4; i++) {
        char *t = slurp(in_tmp(files[i]));
        cr_assert(strstr(t, "a\\nyear\\tfirms\\n1\\t2\\r.cfg"), "%s: %s", files[i], t);
        const char *head = NULL;
        size_t data = 0;
        for (const char *p = t; *p;) {
            if (*p != '#' && *p != '\n') {
                if (!head)
                    head = p;
                cr_assert_eq(n_fields(p), n_fields(head), "%s: %.80s", files[i], p);
                data++;
            }
            const char *nl = strchr(p, '\n');
            if (!nl)
                break;
            p = nl + 1;
        }
        cr_assert_eq(data,
                     i == 0   ? 1 + 3
                     : i == 1 ? 2 * (1 + 3)
                              : 1 + 2,
                     "%s: %zu", files[i], data);
        free(t);
    }
}

/* --out: empty, repeated or the root folder are usage errors (exit 2) in every command; --seed
 * with a space on either side is refused alike (issue 16: " 5" was accepted, "5 " not) */
Test(cli, out_and_seed_are_checked_alike_everywhere, .init = make_tmp, .fini = cleanup)
{
    const char *cfg = write_file("tiny.cfg", tiny_cfg);
    char o[256], o2[256];
    snprintf(o, sizeof o, "%s", in_tmp("o"));
    snprintf(o2, sizeof o2, "%s", in_tmp("o2"));
    char twice[600];
    snprintf(twice, sizeof twice, "ricsim: --out given twice ('%s' and '%s')", o, o2);
    const char *cmds[][2] = {{"run", NULL}, {"sweep", NULL}, {"calibrate", NULL}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        fails_with((const char *[]){cmds[i][0], cfg, "--out", "", NULL}, 2,
                   "ricsim: --out needs a folder name (got '')");
        fails_with((const char *[]){cmds[i][0], cfg, "--out", o, "--out", o2, NULL}, 2, twice);
        fails_with((const char *[]){cmds[i][0], cfg, "--out", "/", NULL}, 2,
                   "ricsim: --out must not be the root folder (got '/')");
        fails_with((const char *[]){cmds[i][0], cfg, "--out", "//", NULL}, 2,
                   "ricsim: --out must not be the root folder (got '//')");
    }
    fails_with((const char *[]){"run", cfg, "--out", o, "--seed", " 5", NULL}, 2,
               "ricsim: --seed must be a non-negative integer (got ' 5')");
    fails_with((const char *[]){"run", cfg, "--out", o, "--seed", "5 ", NULL}, 2,
               "ricsim: --seed must be a non-negative integer (got '5 ')");
    fails_with((const char *[]){"run", cfg, "--out", o, "--seed", "+5", NULL}, 2,
               "ricsim: --seed must be a non-negative integer (got '+5')");
    fails_with(
        (const char *[]){"compare", cfg, cfg, "--reps", "2", "--out", o, "--seed", " 5", NULL}, 2,
        "ricsim: --seed must be a non-negative integer (got ' 5')");
    fails_with(
        (const char *[]){"compare", cfg, cfg, "--reps", "2", "--out", o, "--seed", "5 ", NULL}, 2,
        "ricsim: --seed must be a non-negative integer (got '5 ')");
    cr_assert_not(exists(o));
    cr_assert_not(exists(o2));
    run_ok(cfg, "o", (const char *[]){"--seed", "5", NULL});
}

/* ---- clusters: progress.json, ricsim slurm, merge --remove-shards ---------------------------- */

/* A flat JSON object of numbers, strings and null, as progress.json is: the value of KEY as text
 * into buf (strings without their quotes); 0 when TEXT is not such an object or lacks KEY. */
static int json_field(const char *text, const char *key, char *buf, size_t n)
{
    const char *p = text;
    int found = 0;
    while (*p == ' ' || *p == '\n')
        p++;
    if (*p++ != '{')
        return 0;
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p++ != '"')
            return 0;
        const char *k = p;
        while (*p && *p != '"')
            p++;
        if (!*p)
            return 0;
        size_t kl = (size_t)(p - k);
        p++;
        while (*p == ' ')
            p++;
        if (*p++ != ':')
            return 0;
        while (*p == ' ')
            p++;
        const char *v = p;
        size_t vl;
        if (*p == '"') {
            v = ++p;
            while (*p && *p != '"')
                p++;
            if (!*p)
                return 0;
            vl = (size_t)(p - v);
            p++;
        } else if (strncmp(p, "null", 4) == 0) {
            vl = 4;
            p += 4;
        } else {
            char *end;
            strtod(p, &end);
            if (end == p)
                return 0;
            vl = (size_t)(end - p);
            p = end;
        }
        if (kl == strlen(key) && strncmp(k, key, kl) == 0) {
            snprintf(buf, n, "%.*s", (int)vl, v);
            found = 1;
        }
        while (*p == ' ')
            p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p++ != '}')
            return 0;
        while (*p == '\n' || *p == ' ')
            p++;
        return !*p && found;
    }
}

Test(cli, progress_json_holds_the_final_counts, .init = make_tmp, .fini = cleanup)
{
    char *out = sweep_with("", "--jobs 2");
    free(out);
    char *j = slurp(in_tmp("sw/progress.json"));
    cr_assert_not_null(j, "no progress.json");
    const char *want[][2] = {
        {"runs_total", "4"}, {"runs_done", "4"}, {"runs_failed", "0"}, {"eta_s", "0"}};
    char v[64];
    for (size_t i = 0; i < 4; i++) {
        cr_assert(json_field(j, want[i][0], v, sizeof v), "not JSON, or no %s: %s", want[i][0], j);
        cr_assert_str_eq(v, want[i][1], "%s: %s", want[i][0], j);
    }
    cr_assert(json_field(j, "runs_per_s", v, sizeof v) && strtod(v, NULL) > 0, "%s", j);
    cr_assert(json_field(j, "updated", v, sizeof v) && strlen(v) == 20 && v[10] == 'T' &&
                  v[19] == 'Z',
              "%s", j);
    free(j);
    cr_assert_not(exists(in_tmp("sw/.lock")), "a .lock was left after a clean finish");
    /* written atomically: no temporary beside it */
    cr_assert_eq(n_temporaries(in_tmp("sw")), 0);
    /* python's json module agrees, where python is installed */
    if (system("command -v python3 > /dev/null 2>&1") == 0) {
        char cmd[512];
        snprintf(cmd, sizeof cmd,
                 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
                 "assert d[\"runs_done\"] == d[\"runs_total\"] == 4' '%s'",
                 in_tmp("sw/progress.json"));
        cr_assert_eq(system(cmd), 0, "%s", cmd);
    }
}

Test(cli, progress_json_follows_the_progress_lines, .init = make_tmp, .fini = cleanup)
{
    /* every run reported (--progress-every 0); the last report is the end */
    char *out = sweep_with("", "--jobs 1 --progress-every 0");
    free(out);
    char *e = slurp(in_tmp("sw.err"));
    cr_assert(strstr(e, "ricsim: progress: 4/4 runs done, 0 failed, "), "%s", e);
    free(e);
    char *j = slurp(in_tmp("sw/progress.json")), v[32];
    cr_assert(json_field(j, "runs_done", v, sizeof v) && strcmp(v, "4") == 0, "%s", j);
    free(j);
}

/* The script of ricsim slurm, run as Slurm would run it (a fake sbatch records the merge job),
 * gives the bytes of an unsharded sweep. */
Test(cli, slurm_prints_a_job_array_whose_shards_and_merge_match_a_sweep, .init = make_tmp,
     .fini = cleanup)
{
    write_file("tiny.cfg", tiny_cfg);
    const char *exp = write_file("exp.cfg", jobs_exp);
    char cmd[2048];
    /* the same experiment path: plan.tsv names it */
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' sweep '%s' --out whole > /dev/null 2>&1", tmp,
             RIC_BINARY, exp);
    cr_assert_eq(system(cmd), 0);
    result r =
        ricsim((const char *[]){"slurm", exp, "--shards", "2", "--out", in_tmp("arr"), NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    const char *need[] = {"#!/bin/bash\n",
                          "#SBATCH --array=0-1\n",
                          "#SBATCH --cpus-per-task=2\n",
                          "--shard \"$SLURM_ARRAY_TASK_ID/2\"",
                          "--jobs \"${SLURM_CPUS_PER_TASK:-2}\" --resume\n",
                          "--dependency=afterok:\"$SLURM_ARRAY_JOB_ID\"",
                          ") merge $(printf %q "};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        cr_assert_not_null(strstr(r.out, need[i]), "no '%s' in:\n%s", need[i], r.out);
    cr_assert_null(strstr(r.out, "cpus-per-task=4"));
    write_file("arr.sbatch", r.out);
    result_free(&r);
    r = ricsim((const char *[]){"slurm", exp, "--shards", "3", "--jobs", "1", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "#SBATCH --array=0-2\n#SBATCH --cpus-per-task=1\n"), "%s", r.out);
    cr_assert(strstr(r.out, "--out 'runs/exp'"), "the default folder: %s", r.out);
    result_free(&r);
    fails_with((const char *[]){"slurm", exp, "--shards", "5", NULL}, 2,
               "ricsim: slurm: 5 shards for the 4 runs of ");
    fails_with((const char *[]){"slurm", exp, NULL}, 2, "ricsim: slurm: missing --shards N");
    /* a fake sbatch on PATH writes the command of the merge job to merge.sh */
    mkdir(in_tmp("bin"), 0777);
    write_file("bin/sbatch", "#!/bin/sh\n"
                             "for a in \"$@\"; do case \"$a\" in --wrap=*) printf '%s\\n' "
                             "\"${a#--wrap=}\" > \"$FAKE_DIR/merge.sh\";; esac; done\n"
                             "printf '%s\\n' \"$*\" >> \"$FAKE_DIR/sbatch.log\"\n");
    chmod(in_tmp("bin/sbatch"), 0755);
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd,
                 "cd / && FAKE_DIR='%s' PATH='%s':\"$PATH\" SLURM_ARRAY_JOB_ID=42 "
                 "SLURM_ARRAY_TASK_ID=%d SLURM_CPUS_PER_TASK=1 bash '%s' > /dev/null 2>&1",
                 tmp, in_tmp("bin"), i, in_tmp("arr.sbatch"));
        cr_assert_eq(system(cmd), 0, "%s", cmd);
    }
    char *log = slurp(in_tmp("sbatch.log"));
    cr_assert_not_null(log, "task 0 did not submit the merge");
    cr_assert(strchr(log, '\n') && !strchr(strchr(log, '\n') + 1, '\n'), "one merge job: %s", log);
    cr_assert(strstr(log, "--dependency=afterok:42 "), "%s", log);
    free(log);
    snprintf(cmd, sizeof cmd, "cd / && sh '%s' > /dev/null 2>&1", in_tmp("merge.sh"));
    cr_assert_eq(system(cmd), 0, "the merge job failed");
    const char *files[] = {"plan.tsv", "series.tsv", "stats.tsv", "long.tsv", "summary.tsv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "whole/%s", files[i]);
        snprintf(b, sizeof b, "arr/%s", files[i]);
        char *ta = slurp(in_tmp(a)), *tb = slurp(in_tmp(b));
        cr_assert_not_null(tb, "no %s", b);
        cr_assert_str_eq(ta, tb, "%s differs from the unsharded sweep's", files[i]);
        free(ta);
        free(tb);
    }
}

/* merge --remove-shards removes ricsim's own files of the shards merged, and nothing else: a
 * foreign file keeps its folder, a link under one of ricsim's names is left (and its target) */
Test(cli, merge_remove_shards_keeps_foreign_files, .init = make_tmp, .fini = cleanup)
{
    write_file("tiny.cfg", tiny_cfg);
    const char *exp = write_file("exp.cfg", jobs_exp);
    for (int i = 0; i < 3; i++) {
        char sh[16];
        snprintf(sh, sizeof sh, "%d/3", i);
        result r =
            ricsim((const char *[]){"sweep", exp, "--out", in_tmp("m"), "--shard", sh, NULL});
        cr_assert_eq(r.code, 0, "%s", r.err);
        result_free(&r);
    }
    write_file("m/shard-1-of-3/notes.txt", "mine\n");
    const char *target = write_file("precious.txt", "keep me\n");
    cr_assert_eq(symlink(target, in_tmp("m/shard-2-of-3/summary.csv")), 0);
    result r = ricsim((const char *[]){"merge", in_tmp("m"), "--remove-shards", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "shard folders holding other files were kept"), "%s", r.out);
    result_free(&r);
    cr_assert_not(exists(in_tmp("m/shard-0-of-3")), "an emptied shard folder stays");
    cr_assert_eq(n_entries(in_tmp("m/shard-1-of-3")), 1);
    cr_assert(exists(in_tmp("m/shard-1-of-3/notes.txt")));
    cr_assert_eq(n_entries(in_tmp("m/shard-2-of-3")), 1);
    char *t = slurp(target);
    cr_assert_str_eq(t, "keep me\n");
    free(t);
    cr_assert(exists(in_tmp("m/series.tsv")));
    cr_assert_not(exists(in_tmp("m/.lock")));
    /* without the option the shards stay as they were */
    for (int i = 0; i < 2; i++) {
        char sh[16];
        snprintf(sh, sizeof sh, "%d/2", i);
        r = ricsim((const char *[]){"sweep", exp, "--out", in_tmp("k"), "--shard", sh, NULL});
        result_free(&r);
    }
    r = ricsim((const char *[]){"merge", in_tmp("k"), NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    result_free(&r);
    cr_assert(exists(in_tmp("k/shard-0-of-2/series.tsv")));
}

/* check validates experiment and study files as plan and the studies do */
Test(cli, check_fails_as_plan_and_the_studies_fail, .init = make_tmp, .fini = cleanup)
{
    write_file("tiny.cfg", tiny_cfg);
    const char *exp = write_file("exp.cfg", jobs_exp);
    result r = ricsim((const char *[]){"check", exp, NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, ": ok: experiment of scenario hash "), "%s", r.out);
    cr_assert(strstr(r.out, "grid design, 2 design rows x 2 replications = 4 runs"), "%s", r.out);
    result_free(&r);
    char text[1024];
    snprintf(text, sizeof text, "%s", jobs_exp);
    memcpy(strstr(text, "\"grid\""), "\"latn\"", 6);
    const char *latin = write_file("latin.cfg", text);
    result plan = ricsim((const char *[]){"plan", latin, NULL});
    r = ricsim((const char *[]){"check", latin, NULL});
    cr_assert_eq(plan.code, 2);
    cr_assert_eq(r.code, 2, "check passed what plan rejects");
    cr_assert_str_eq(r.err, plan.err);
    cr_assert(strstr(r.err, "'experiment.design' must be one of grid, zip, lhs, sobol, file (got "
                            "\"latn\")"),
              "%s", r.err);
    result_free(&r);
    result_free(&plan);
    const char *sa = write_file("sa.cfg", "sensitivity = { scenario = \"tiny.cfg\";\n"
                                          "  parameters = ( { key = \"rules.exit.base_rate\"; "
                                          "min = 0.05; max = 0.5; } );\n"
                                          "  indicators = [\"smes\"]; years = [2002.0];\n"
                                          "  morris = { levels = 3; }; };\n");
    fails_with((const char *[]){"check", sa, NULL}, 2, "ricsim: ");
    r = ricsim((const char *[]){"check", sa, NULL});
    cr_assert(strstr(r.err, "'sensitivity.morris.levels' must be even (got 3)"), "%s", r.err);
    result_free(&r);
    write_file("sa.cfg", "sensitivity = { scenario = \"tiny.cfg\";\n"
                         "  parameters = ( { key = \"rules.exit.base_rate\"; "
                         "min = 0.05; max = 0.5; } );\n"
                         "  indicators = [\"smes\"]; years = [2002.0];\n"
                         "  morris = { levels = 4; }; };\n");
    r = ricsim((const char *[]){"check", sa, NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, ": ok: sensitivity analysis of scenario 'tiny': 1 parameters, "), "%s",
              r.out);
    result_free(&r);
    fails_with((const char *[]){"check", sa, "--seed", "3", NULL}, 2,
               "ricsim: check takes no --set or --seed for an experiment or study file");
}
