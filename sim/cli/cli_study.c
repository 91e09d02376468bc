/* ricsim calibrate and ricsim sensitivity: parse arguments, drive the study step by step with
 * progress on stderr, write its files, draw its figure with gnuplot, and map statuses to exit
 * codes (0 ok, 1 a run or a write failed, 2 usage or study/scenario error). */
#include "cli_study.h"
#include "cli_common.h"
#include "cli_help.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "base/consts.h"
#include "studies/calibrate.h"
#include "studies/sensitivity.h"

typedef struct {
    const char *cmd, *file, *out;
    int argc; /* the command line, for provenance.txt */
    char **argv;
    int force, workers; /* --jobs (or --workers); 0: the study file's, else the CPUs we may use */
} sargs;

static int parse(int argc, char **argv, sargs *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = argv[1];
    a->argc = argc;
    a->argv = argv;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--out") == 0 || strcmp(s, "--jobs") == 0 || strcmp(s, "--workers") == 0) {
            if (i + 1 >= argc)
                return ric_cli_usage_error("option '%s' needs a value", s);
            const char *v = argv[++i];
            if (s[2] == 'o') {
                if (ric_cli_set_out(&a->out, v, 0))
                    return 2;
            } else if (ric_cli_jobs_option(s, v, RIC_STUDY_MAX_WORKERS, &a->workers)) {
                return 2; /* --workers: the old name of --jobs */
            }
        } else if (strcmp(s, "--force") == 0) {
            a->force = 1;
        } else if (s[0] == '-' && s[1]) {
            return ric_cli_usage_error("unknown option '%s'", s);
        } else if (!a->file) {
            a->file = s;
        } else {
            return ric_cli_usage_error("unexpected argument '%s'", s);
        }
    }
    if (!a->file)
        return ric_cli_usage_error("%s: missing %s", a->cmd,
                                   strcmp(a->cmd, "calibrate") == 0 ? "CAL.cfg" : "SA.cfg");
    if (!a->out)
        return ric_cli_usage_error("%s: missing --out DIR", a->cmd);
    return 0;
}

/* --jobs, else the study file's 'workers', else the CPUs this process may use */
static void set_workers(ric_study *sd, const sargs *a)
{
    if (a->workers)
        sd->workers = a->workers;
    else if (sd->workers < 1)
        sd->workers = ric_cli_default_jobs(RIC_STUDY_MAX_WORKERS);
}

static int fail(const char *cmd, ric_status st, const ric_err *err)
{
    fprintf(stderr, "ricsim: %s: %s\n", cmd, err->msg);
    /* a study or scenario file that cannot be opened is a usage error, as for run */
    return st == RIC_EIO && strstr(err->msg, "cannot open") ? 2 : ric_cli_exit_code(st);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Draws DIR's figure with gnuplot and the analysis script SCRIPT (ric_cli_analysis_dir: the
 * installed or the source tree's analysis/ folder). A missing gnuplot only costs the figure: a
 * warning. */
static void draw(const char *cmd, const char *dir, const char *script)
{
    char found[RIC_PATH_MAX];
    const char *ad = ric_cli_analysis_dir(found, sizeof found);
    if (!ad) {
        fprintf(stderr, "ricsim: %s: no figure: set RICSIM_ANALYSIS_DIR to ricsim's analysis/\n",
                cmd);
        return;
    }
    char path[RIC_JOINED_MAX];
    snprintf(path, sizeof path, "%s/%s", ad, script);
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "ricsim: %s: no figure: cannot read %s\n", cmd, path);
        return;
    }
    /* the folder goes to the script as its argument ARG1: data, never parsed as gnuplot text */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", "-c", path, dir, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "ricsim: %s: no figure: gnuplot %s failed%s\n", cmd, path,
                WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (is gnuplot installed?)" : "");
}

static int calibrate(const sargs *a)
{
    ric_err err = {{0}};
    ric_calibration *c = NULL;
    ric_cli_loading(1);
    ric_status st = ric_calibrate_load(a->file, &c, &err);
    ric_cli_loading(0);
    if (st != RIC_OK)
        return fail(a->cmd, st, &err);
    ric_study *sd = ric_calibrate_study(c);
    set_workers(sd, a);
    int existed = access(a->out, F_OK) == 0;
    st = ric_study_outdir(a->out, "fitted.tsv", a->force, &err);
    if (st != RIC_OK) {
        ric_calibrate_free(c);
        return fail(a->cmd, st, &err);
    }
    fprintf(stderr,
            "ricsim: calibrate: %zu parameters of scenario '%s', %zu replications per "
            "evaluation on %d workers\n",
            sd->n_params, sd->scenario_name, sd->reps, sd->workers);
    double t0 = now();
    while (!ric_calibrate_done(c)) {
        st = ric_calibrate_iterate(c, &err);
        if (st != RIC_OK)
            break;
        fprintf(stderr,
                "ricsim: calibrate: iteration %zu, %zu evaluations, %.0f s: loss %.6g, "
                "simplex size %.3g\n",
                ric_calibrate_iterations(c), ric_calibrate_evaluations(c), now() - t0,
                ric_calibrate_best(c, NULL), ric_calibrate_size(c));
    }
    if (st == RIC_OK)
        st = ric_calibrate_write(c, a->out, 1, &err); /* the folder was checked above */
    if (st != RIC_OK) {
        if (!existed)
            rmdir(a->out); /* the folder made for the results, left empty */
        ric_calibrate_free(c);
        return fail(a->cmd, st, &err);
    }
    double wall = now() - t0;
    const double *x;
    double loss = ric_calibrate_best(c, &x);
    char check[64] = "";
    if (!isnan(ric_calibrate_check_loss(c)))
        snprintf(check, sizeof check, "; %.6g on fresh seeds", ric_calibrate_check_loss(c));
    printf("loss %.6g at the fit (%.6g at the start%s); %zu evaluations, %zu iterations, %s; "
           "%.1f s\n",
           loss, ric_calibrate_start_loss(c), check, ric_calibrate_evaluations(c),
           ric_calibrate_iterations(c),
           ric_calibrate_converged(c) ? "converged" : "stopped at max_evaluations", wall);
    for (size_t j = 0; j < sd->n_params; j++)
        printf("  %s = %.6g   (%s, start %.6g, bounds [%g, %g])\n", sd->params[j].name, x[j],
               sd->params[j].key, sd->params[j].start, sd->params[j].lo, sd->params[j].hi);
    printf("wrote %s/fitted.tsv, %s/fit.tsv, %s/history.tsv\n", a->out, a->out, a->out);
    ric_calibrate_free(c);
    if (ric_cli_provenance(a->out, a->argc, a->argv))
        return 1;
    draw(a->cmd, a->out, "calibration.gp");
    return 0;
}

static int sensitivity(const sargs *a)
{
    ric_err err = {{0}};
    ric_sensitivity *s = NULL;
    ric_cli_loading(1);
    ric_status st = ric_sensitivity_load(a->file, &s, &err);
    ric_cli_loading(0);
    if (st != RIC_OK)
        return fail(a->cmd, st, &err);
    ric_study *sd = ric_sensitivity_study(s);
    set_workers(sd, a);
    int existed = access(a->out, F_OK) == 0;
    st = ric_study_outdir(a->out, "points.tsv", a->force, &err);
    if (st != RIC_OK) {
        ric_sensitivity_free(s);
        return fail(a->cmd, st, &err);
    }
    size_t done, total;
    ric_sensitivity_progress(s, &done, &total);
    fprintf(stderr,
            "ricsim: sensitivity: %zu parameters of scenario '%s', %zu design points x %zu "
            "replications on %d workers\n",
            sd->n_params, sd->scenario_name, total, sd->reps, sd->workers);
    double t0 = now(), last = t0;
    while (!ric_sensitivity_done(s)) {
        st = ric_sensitivity_step(s, &err);
        if (st != RIC_OK)
            break;
        ric_sensitivity_progress(s, &done, &total);
        if (now() - last > 5 || done == total) {
            last = now();
            fprintf(stderr, "ricsim: sensitivity: %zu/%zu points, %.0f s\n", done, total,
                    last - t0);
        }
    }
    if (st == RIC_OK)
        st = ric_sensitivity_write(s, a->out, 1, &err);
    size_t reps = sd->reps;
    ric_sensitivity_free(s);
    if (st != RIC_OK && !existed)
        rmdir(a->out); /* the folder made for the results, left empty */
    if (st != RIC_OK)
        return fail(a->cmd, st, &err);
    printf("%zu design points x %zu replications in %.1f s; wrote %s\n", total, reps, now() - t0,
           a->out);
    if (ric_cli_provenance(a->out, a->argc, a->argv))
        return 1;
    draw(a->cmd, a->out, "sensitivity.gp");
    return 0;
}

int ric_cli_study(int argc, char **argv)
{
    gsl_set_error_handler_off();
    sargs a;
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc;
    ric_cli_catch_signals();
    return strcmp(a.cmd, "calibrate") == 0 ? calibrate(&a) : sensitivity(&a);
}
