/* ricsim calibrate and ricsim sensitivity: parse arguments, drive the study step by step with
 * progress on stderr, write its files, draw its figure with gnuplot, and map statuses to exit
 * codes (0 ok, 1 a run or a write failed, 2 usage or study/scenario error). */
#include "cli_study.h"
#include "cli_common.h"
#include "cli_help.h"
#include "cli_mpi.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "base/consts.h"
#include "base/fs.h"
#include "base/sbuf.h"
#include "ricsim/experiment.h"
#include "studies/abc.h"
#include "studies/calibrate.h"
#include "studies/sensitivity.h"

typedef struct {
    const char *cmd, *file, *out;
    int argc; /* the command line, for provenance.txt */
    char **argv;
    int force, resume, workers; /* --jobs (or --workers); 0: the study file's, else the CPUs */
    size_t shard, n_shards;
    double progress_every;
} sargs;

/* Under mpirun every rank parses the same arguments; rank 0 tells. */
#define usage_error(...) (ric_mpi_rank > 0 ? 2 : ric_cli_usage_error(__VA_ARGS__))

static int parse(int argc, char **argv, sargs *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = argv[1];
    a->argc = argc;
    a->argv = argv;
    a->progress_every = 30;
    int quiet = ric_mpi_rank > 0;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--out") == 0 || strcmp(s, "--jobs") == 0 || strcmp(s, "--workers") == 0 ||
            strcmp(s, "--shard") == 0 || strcmp(s, "--progress-every") == 0) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", s);
            const char *v = argv[++i];
            if (strcmp(s, "--out") == 0) {
                if (ric_cli_set_out(&a->out, v, quiet))
                    return 2;
            } else if (strcmp(s, "--shard") == 0) {
                if (ric_cli_shard_option(v, &a->shard, &a->n_shards, quiet))
                    return 2;
            } else if (strcmp(s, "--progress-every") == 0) {
                if (ric_cli_progress_option(v, &a->progress_every, quiet))
                    return 2;
            } else if (quiet ? 0 : ric_cli_jobs_option(s, v, RIC_STUDY_MAX_WORKERS, &a->workers)) {
                return 2; /* --workers: the old name of --jobs */
            }
        } else if (strcmp(s, "--force") == 0) {
            a->force = 1;
        } else if (strcmp(s, "--resume") == 0) {
            a->resume = 1;
        } else if (s[0] == '-' && s[1]) {
            return usage_error("unknown option '%s'", s);
        } else if (!a->file) {
            a->file = s;
        } else {
            return usage_error("unexpected argument '%s'", s);
        }
    }
    if (!a->file)
        return usage_error("%s: missing %s", a->cmd,
                           strcmp(a->cmd, "calibrate") == 0 ? "CAL.cfg" : "SA.cfg");
    if (!a->out)
        return usage_error("%s: missing --out DIR", a->cmd);
    if (a->resume && a->force)
        return usage_error("--resume and --force exclude each other");
    return 0;
}

/* --jobs, else the study file's 'workers', else the CPUs this process may use; under MPI the
 * worker ranks */
static void set_workers(ric_study *sd, const sargs *a)
{
    if (ric_mpi_size > 1)
        sd->workers = ric_mpi_size - 1;
    else if (a->workers)
        sd->workers = a->workers;
    else if (sd->workers < 1)
        sd->workers = ric_cli_default_jobs(RIC_STUDY_MAX_WORKERS);
}

static const char *workers_text(void)
{
    return ric_mpi_size > 1 ? "MPI worker ranks" : "workers";
}

/* ---- MPI: rank 0 hands out the runs of each evaluation, the other ranks run them ------------- */

/* A job's payload: its seed and parameter vector; its result: "ok" and the indicators, or
 * "failed STATUS" and the message. All as text, exactly (%.17g). */
typedef struct {
    const ric_study *st;
    const double *x;
    uint64_t master;
    const uint64_t *masters; /* per vector, or NULL */
    size_t reps, n_jobs, next;
    double *y;
    size_t bad;
    ric_status bad_rc;
    ric_err bad_err;
} mpi_eval;

static int mpi_take(void *ctx, uint64_t *id, ric_sbuf *payload)
{
    mpi_eval *m = ctx;
    if (m->next == m->n_jobs)
        return 0;
    size_t j = m->next++, k = m->st->n_params;
    *id = j;
    uint64_t master = m->masters ? m->masters[j / m->reps] : m->master;
    ric_sbuf_put(payload, "%llu", (unsigned long long)ric_study_seed(master, j % m->reps));
    for (size_t i = 0; i < k; i++)
        ric_sbuf_put(payload, " %.17g", m->x[(j / m->reps) * k + i]);
    return 1;
}

static int mpi_put(void *ctx, uint64_t id, const char *a, size_t al, const char *b, size_t bl)
{
    mpi_eval *m = ctx;
    (void)al;
    size_t np = m->st->n_probes;
    if (id >= m->n_jobs)
        return 1;
    if (strncmp(a, "ok", 2) == 0) {
        const char *p = a + 2;
        for (size_t k = 0; k < np; k++) {
            char *end;
            m->y[id * np + k] = strtod(p, &end);
            p = end;
        }
    } else if (id < m->bad) {
        int rc = RIC_EIO;
        sscanf(a, "failed %d", &rc);
        m->bad = (size_t)id;
        m->bad_rc = (ric_status)rc;
        snprintf(m->bad_err.msg, sizeof m->bad_err.msg, "%.*s", (int)bl, b);
    }
    return 0;
}

static ric_status mpi_runner(void *ctx, const ric_study *st, const double *x, uint64_t master,
                             const uint64_t *masters, size_t reps, size_t n_jobs, double *y,
                             size_t *bad, ric_err *err)
{
    (void)ctx;
    mpi_eval m = {st, x, master, masters, reps, n_jobs, 0, y, SIZE_MAX, RIC_OK, {{0}}};
    if (ric_mpi_serve(mpi_take, mpi_put, &m) != 0) {
        ric_err_set(err, "%s: malformed results from an MPI rank", st->scenario);
        return RIC_EIO;
    }
    if (m.bad != SIZE_MAX) {
        *bad = m.bad;
        *err = m.bad_err;
        return m.bad_rc;
    }
    return RIC_OK;
}

/* A worker rank: one run of the study (CTX). */
static int mpi_exec(void *ctx, uint64_t id, const char *payload, size_t len, char **a, size_t *al,
                    char **b, size_t *bl)
{
    (void)id;
    (void)len;
    const ric_study *st = ctx;
    double x[RIC_STUDY_MAX_PARAMS], y[RIC_STUDY_MAX_PROBES];
    char *end;
    uint64_t seed = strtoull(payload, &end, 10);
    for (size_t i = 0; i < st->n_params; i++)
        x[i] = strtod(end, &end);
    ric_err err = {{0}};
    ric_status rc = ric_study_run(st, x, seed, y, &err);
    ric_sbuf r = {0};
    if (rc == RIC_OK) {
        ric_sbuf_put(&r, "ok");
        for (size_t k = 0; k < st->n_probes; k++)
            ric_sbuf_put(&r, " %.17g", y[k]);
    } else {
        ric_sbuf_put(&r, "failed %d", (int)rc);
        *b = strdup(err.msg);
        *bl = *b ? strlen(*b) : 0;
    }
    if (r.oom)
        return 1;
    *a = r.buf;
    *al = r.n;
    return 0;
}

/* Agrees on every rank how the study loaded (LOADED); 0 when all have it. Rank 0 then runs it with
 * the others as its runner; they serve it until told to stop (*served set). */
static int mpi_setup(ric_status loaded, ric_study *sd, int *served)
{
    const int rc = loaded == RIC_OK ? 0 : loaded == RIC_EIO ? 2 : ric_cli_exit_code(loaded);
    *served = 0;
    int all = ric_mpi_agree(rc);
    if (all && !rc && ric_mpi_rank == 0)
        fprintf(stderr, "ricsim: the study did not load on every MPI rank\n");
    if (all || ric_mpi_size < 2)
        return all;
    if (ric_mpi_rank > 0) {
        *served = 1;
        return ric_mpi_work(mpi_exec, sd);
    }
    sd->runner = mpi_runner;
    return 0;
}

/* The folder options of the command line. */
static ric_study_dir_opts dir_opts(const sargs *a)
{
    ric_study_dir_opts o = {
        .resume = a->resume, .force = a->force, .shard = a->shard, .n_shards = a->n_shards};
    return o;
}

/* After a failure: the folder made for this command, holding no unit of work yet, goes. */
static void tidy_failed(const char *dir, int existed, size_t units, const char *ext)
{
    if (existed || units || !dir)
        return;
    static const char *const own[] = {"study.tsv", "progress.json", NULL};
    const char *exts[] = {ext, NULL};
    ric_fs_remove_own(dir, own, exts);
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

/* A calibration by ABC-SMC: the generations' batches of runs, a line per generation. */
static int calibrate_abc(const sargs *a, ric_calibration *c)
{
    ric_err err = {{0}};
    ric_abc *abc = ric_calibrate_abc(c);
    ric_study *sd = ric_calibrate_study(c);
    int existed = access(a->out, F_OK) == 0, complete = 0;
    ric_study_dir_opts o = dir_opts(a);
    ric_status st = ric_calibrate_open(c, a->out, &o, &complete, &err);
    if (st != RIC_OK) {
        ric_mpi_stop();
        ric_calibrate_free(c);
        return fail(a->cmd, st, &err);
    }
    if (complete) {
        if (a->n_shards < 2)
            ric_calibrate_finish(c, &err);
        ric_calibrate_free(c);
        ric_mpi_stop();
        printf("%s: the calibration was already complete\n", a->out);
        return 0;
    }
    ric_abc_progress p;
    ric_abc_progress_get(abc, &p);
    fprintf(stderr,
            "ricsim: calibrate: ABC-SMC over %zu parameters of scenario '%s', %zu replications "
            "per particle on %d %s%s\n",
            sd->n_params, sd->scenario_name, sd->reps, sd->workers, workers_text(),
            a->n_shards > 1 ? " (this shard's slice of the generation running)" : "");
    if (p.kept)
        fprintf(stderr,
                "ricsim: calibrate: %zu particles kept from before, %zu generations "
                "complete\n",
                p.kept, p.generations);
    ric_cli_catch_signals();
    ric_cli_progress pr;
    char dir[RIC_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", a->out);
    if (a->n_shards > 1)
        ric_sweep_shard_dir(a->out, a->shard, a->n_shards, dir, sizeof dir);
    ric_cli_progress_init(&pr, dir, a->progress_every);
    pr.tty = 0;
    double t0 = now();
    size_t gens = p.generations;
    while (!ric_calibrate_done(c)) {
        st = ric_calibrate_iterate(c, &err);
        if (st != RIC_OK)
            break;
        ric_abc_progress_get(abc, &p);
        for (; gens < p.generations; gens++) {
            /* a generation ended: its line */
            ric_abc_progress q = p;
            (void)q;
            fprintf(stderr,
                    "ricsim: calibrate: generation %zu done, %.0f s: tolerance %.4g, "
                    "acceptance %.3g, ESS %.1f\n",
                    gens, now() - t0, p.generations == gens + 1 ? p.last_tolerance : NAN,
                    p.generations == gens + 1 ? p.last_acceptance : NAN,
                    p.generations == gens + 1 ? p.last_ess : NAN);
        }
        double el = now() - t0;
        size_t r = p.ppc ? 1 : sd->reps; /* the batch's runs per particle */
        ric_cli_counts cn = {p.total * r, p.units * r, 0, el > 0 ? (double)p.runs / el : 0, el};
        ric_cli_progress_report(&pr, &cn, 1, 0);
        ric_cli_test_stop(p.runs);
        if (ric_interrupted() && !ric_calibrate_done(c)) {
            ric_err_set(&err, "%s: interrupted after %zu runs; --resume continues", dir, p.runs);
            st = RIC_EINTR;
            break;
        }
    }
    if (st == RIC_OK)
        st = ric_calibrate_finish(c, &err);
    ric_mpi_stop();
    ric_abc_progress_get(abc, &p);
    if (st != RIC_OK) {
        tidy_failed(dir, existed, p.runs + p.kept, "eval");
        ric_calibrate_free(c);
        return fail(a->cmd, st, &err);
    }
    double wall = now() - t0;
    if (a->n_shards > 1) {
        printf("%s: generation %zu%s, this shard's %zu particles in %.1f s (%zu kept from "
               "before); ricsim merge %s joins the shards and steps to the next generation\n",
               dir, p.generation, p.ppc ? " (the posterior-predictive draws)" : "", p.total, wall,
               p.kept, a->out);
    } else {
        printf("ABC-SMC: %zu generations, tolerance %.4g, acceptance %.3g, ESS %.1f; %zu runs "
               "(%zu particles kept from before); %.1f s\n",
               p.generations, p.last_tolerance, p.last_acceptance, p.last_ess, p.runs, p.kept,
               wall);
        printf("wrote %s/posterior.tsv, %s/ppc.tsv, %s/identification.tsv\n", a->out, a->out,
               a->out);
    }
    ric_calibrate_free(c);
    if (ric_cli_provenance(dir, a->argc, a->argv))
        return 1;
    if (a->n_shards < 2)
        draw(a->cmd, a->out, "ppc.gp");
    return 0;
}

static int calibrate(const sargs *a)
{
    ric_err err = {{0}};
    ric_calibration *c = NULL;
    ric_cli_loading(1);
    ric_status st = ric_calibrate_load(a->file, &c, &err);
    ric_cli_loading(0);
    if (st != RIC_OK && ric_mpi_rank == 0)
        fail(a->cmd, st, &err);
    int served, rc = mpi_setup(st, c ? ric_calibrate_study(c) : NULL, &served);
    if (rc || served) {
        ric_calibrate_free(c);
        return rc;
    }
    ric_study *sd = ric_calibrate_study(c);
    set_workers(sd, a);
    if (ric_calibrate_abc(c))
        return calibrate_abc(a, c);
    if (a->n_shards > 1) {
        ric_mpi_stop();
        ric_calibrate_free(c);
        return usage_error("calibrate takes no --shard: each Nelder-Mead step depends on the one "
                           "before; use --jobs, or mpirun to spread each evaluation's runs "
                           "(method abc_smc shards each generation)");
    }
    int existed = access(a->out, F_OK) == 0, complete = 0;
    ric_study_dir_opts o = dir_opts(a);
    st = ric_calibrate_open(c, a->out, &o, &complete, &err);
    if (st != RIC_OK) {
        ric_mpi_stop();
        ric_calibrate_free(c);
        return fail(a->cmd, st, &err);
    }
    if (complete) {
        ric_calibrate_finish(c, &err);
        ric_calibrate_free(c);
        ric_mpi_stop();
        printf("%s: the calibration was already complete\n", a->out);
        return 0;
    }
    fprintf(stderr,
            "ricsim: calibrate: %zu parameters of scenario '%s', %zu replications per "
            "evaluation on %d %s\n",
            sd->n_params, sd->scenario_name, sd->reps, sd->workers, workers_text());
    ric_cli_catch_signals();
    ric_cli_progress pr;
    ric_cli_progress_init(&pr, a->out, a->progress_every);
    pr.tty = 0; /* the iteration lines are its terminal display */
    double t0 = now();
    while (!ric_calibrate_done(c)) {
        st = ric_calibrate_iterate(c, &err);
        if (st != RIC_OK)
            break;
        size_t evals = ric_calibrate_evaluations(c);
        fprintf(stderr,
                "ricsim: calibrate: iteration %zu, %zu evaluations, %.0f s: loss %.6g, "
                "simplex size %.3g\n",
                ric_calibrate_iterations(c), evals, now() - t0, ric_calibrate_best(c, NULL),
                ric_calibrate_size(c));
        /* the total is not known before the end: max_evaluations bounds it */
        size_t run = evals - ric_calibrate_kept(c);
        ric_cli_counts cn = {evals * sd->reps, evals * sd->reps, 0,
                             (double)(run * sd->reps) / fmax(now() - t0, 1e-9), now() - t0};
        ric_cli_progress_report(&pr, &cn, 1, 0);
        ric_cli_test_stop(evals);
        if (ric_interrupted() && !ric_calibrate_done(c)) {
            ric_err_set(&err, "%s: interrupted after %zu evaluations; --resume continues", a->out,
                        evals);
            st = RIC_EINTR;
            break;
        }
    }
    if (st == RIC_OK)
        st = ric_calibrate_finish(c, &err);
    ric_mpi_stop();
    if (st != RIC_OK) {
        tidy_failed(a->out, existed, ric_calibrate_evaluations(c), "eval");
        ric_calibrate_free(c);
        return fail(a->cmd, st, &err);
    }
    double wall = now() - t0;
    size_t evals = ric_calibrate_evaluations(c);
    ric_cli_counts cn = {evals * sd->reps, evals * sd->reps, 0, 0, wall};
    ric_cli_progress_report(&pr, &cn, 1, 1);
    const double *x;
    double loss = ric_calibrate_best(c, &x);
    char check[64] = "";
    if (!isnan(ric_calibrate_check_loss(c)))
        snprintf(check, sizeof check, "; %.6g on fresh seeds", ric_calibrate_check_loss(c));
    printf("loss %.6g at the fit (%.6g at the start%s); %zu evaluations (%zu kept from before), "
           "%zu iterations, %s; %.1f s\n",
           loss, ric_calibrate_start_loss(c), check, evals, ric_calibrate_kept(c),
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
    if (st != RIC_OK && ric_mpi_rank == 0)
        fail(a->cmd, st, &err);
    int served, rc = mpi_setup(st, s ? ric_sensitivity_study(s) : NULL, &served);
    if (rc || served) {
        ric_sensitivity_free(s);
        return rc;
    }
    ric_study *sd = ric_sensitivity_study(s);
    set_workers(sd, a);
    int existed = access(a->out, F_OK) == 0, complete = 0;
    ric_study_dir_opts o = dir_opts(a);
    st = ric_sensitivity_open(s, a->out, &o, &complete, &err);
    if (st != RIC_OK) {
        ric_mpi_stop();
        ric_sensitivity_free(s);
        return fail(a->cmd, st, &err);
    }
    char dir[RIC_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", ric_sensitivity_dir(s));
    size_t done, total, kept = ric_sensitivity_kept(s), reps = sd->reps;
    ric_sensitivity_progress(s, &done, &total);
    if (!complete)
        fprintf(stderr,
                "ricsim: sensitivity: %zu parameters of scenario '%s', %zu design points x %zu "
                "replications on %d %s%s\n",
                sd->n_params, sd->scenario_name, total, reps, sd->workers, workers_text(),
                a->n_shards > 1 ? " (this shard's slice)" : "");
    ric_cli_catch_signals();
    ric_cli_progress pr;
    ric_cli_progress_init(&pr, dir, a->progress_every);
    double t0 = now();
    while (!ric_sensitivity_done(s)) {
        if (ric_interrupted()) {
            ric_err_set(&err, "%s: interrupted after %zu of %zu design points; --resume continues",
                        dir, done, total);
            st = RIC_EINTR;
            break;
        }
        st = ric_sensitivity_step(s, &err);
        if (st != RIC_OK)
            break;
        ric_sensitivity_progress(s, &done, &total);
        double el = now() - t0;
        ric_cli_counts cn = {total * reps, done * reps, 0,
                             el > 0 ? (double)((done - kept) * reps) / el : 0, el};
        ric_cli_progress_report(&pr, &cn, 1, 0);
        ric_cli_test_stop(done * reps);
    }
    if (pr.tty && !complete)
        fputs("\n", stderr);
    if (st == RIC_OK)
        st = ric_sensitivity_finish(s, &err);
    ric_mpi_stop();
    ric_sensitivity_free(s);
    if (st != RIC_OK) {
        tidy_failed(dir, existed, done, "point");
        return fail(a->cmd, st, &err);
    }
    double el = now() - t0;
    if (!complete) {
        ric_cli_counts cn = {total * reps, done * reps, 0,
                             el > 0 ? (double)((done - kept) * reps) / el : 0, el};
        ric_cli_progress_report(&pr, &cn, 1, 1);
    }
    if (complete)
        printf("%s: all %zu design points were already complete\n", dir, total);
    else if (a->n_shards > 1)
        printf("%s: %zu design points x %zu replications in %.1f s (%zu kept from before); "
               "ricsim merge %s joins the shards\n",
               dir, total, reps, el, kept, a->out);
    else
        printf("%zu design points x %zu replications in %.1f s (%zu kept from before); wrote "
               "%s\n",
               total, reps, el, kept, dir);
    if (ric_cli_provenance(dir, a->argc, a->argv))
        return 1;
    if (a->n_shards < 2 && !complete)
        draw(a->cmd, dir, "sensitivity.gp");
    return 0;
}

/* The study file named by the study.tsv of DIR's shard 0 (KEY: "calibration" or
 * "sensitivity"), into buf; 0 when it is not that kind. */
static int shard_study(const char *dir, const char *key, char *buf, size_t len)
{
    size_t n = 0;
    ric_err err;
    if (ric_study_dir_shards(dir, &n, &err) != RIC_OK)
        return 0;
    char sd[RIC_PATH_MAX], path[RIC_PATH_MAX], k[64];
    ric_sweep_shard_dir(dir, 0, n, sd, sizeof sd);
    ric_fs_join(sd, "study.tsv", path);
    char *text = ric_fs_read_regular(path, NULL);
    snprintf(k, sizeof k, "\n# %s=", key);
    const char *at = text ? strstr(text, k) : NULL;
    int ok = at != NULL;
    if (ok) {
        at += strlen(k);
        size_t l = strcspn(at, "\n");
        ok = l < len;
        if (ok)
            snprintf(buf, len, "%.*s", (int)l, at);
    }
    free(text);
    return ok;
}

/* ricsim merge DIR of a calibration by ABC-SMC: the generation's shards into DIR/.runs, and the
 * results when it was the last. */
static int calibration_merge(int argc, char **argv, const char *dir, const char *file,
                             int remove_shards)
{
    ric_err err = {{0}};
    ric_calibration *c = NULL;
    ric_cli_loading(1);
    ric_status st = ric_calibrate_load(file, &c, &err);
    ric_cli_loading(0);
    if (st == RIC_OK && !ric_calibrate_abc(c)) {
        ric_err_set(&err, "%s: a calibration by nelder_mead has no shards to merge", file);
        st = RIC_EUSAGE;
    }
    size_t n = 0;
    int complete = 0;
    if (st == RIC_OK)
        st = ric_abc_merge(ric_calibrate_abc(c), dir, 0, remove_shards, &n, &complete, &err);
    ric_abc_progress p;
    if (st == RIC_OK)
        ric_abc_progress_get(ric_calibrate_abc(c), &p);
    ric_calibrate_free(c);
    if (st != RIC_OK)
        return fail("merge", st, &err);
    if (complete)
        printf("%s: merged %zu shards of the calibration %s: complete after %zu generations; "
               "wrote posterior.tsv, ppc.tsv, identification.tsv\n",
               dir, n, file, p.generations);
    else
        printf("%s: merged %zu shards of the calibration %s: %zu generations complete; the next "
               "round of shards runs %s\n",
               dir, n, file, p.generations,
               p.ppc ? "the posterior-predictive draws" : "the next generation");
    if (ric_cli_provenance(dir, argc, argv))
        return 1;
    if (complete)
        draw("merge", dir, "ppc.gp");
    return 0;
}

/* ricsim merge DIR of a sharded sensitivity analysis or calibration. */
static int study_merge(int argc, char **argv)
{
    const char *dir = NULL;
    int force = 0, remove_shards = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0)
            force = 1;
        else if (strcmp(argv[i], "--remove-shards") == 0)
            remove_shards = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return ric_cli_usage_error("unknown option '%s'", argv[i]);
        else if (!dir)
            dir = argv[i];
        else
            return ric_cli_usage_error("unexpected argument '%s'", argv[i]);
    }
    char study[RIC_PATH_MAX];
    if (dir && shard_study(dir, "calibration", study, sizeof study))
        return calibration_merge(argc, argv, dir, study, remove_shards);
    ric_err err = {{0}};
    ric_status st = ric_sensitivity_shard_study(dir, study, sizeof study, &err);
    ric_sensitivity *s = NULL;
    ric_cli_loading(1);
    if (st == RIC_OK)
        st = ric_sensitivity_load(study, &s, &err);
    ric_cli_loading(0);
    size_t n = 0;
    if (st == RIC_OK)
        st = ric_sensitivity_merge(s, dir, force, remove_shards, &n, &err);
    ric_sensitivity_free(s);
    if (st != RIC_OK)
        return fail("merge", st, &err);
    printf("%s: merged %zu shards of the sensitivity analysis %s\n", dir, n, study);
    if (ric_cli_provenance(dir, argc, argv))
        return 1;
    draw("merge", dir, "sensitivity.gp");
    return 0;
}

int ric_cli_study_owns_merge(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        if (argv[i][0] != '-' || !argv[i][1])
            return ric_sensitivity_is_sharded(argv[i]);
    return 0;
}

int ric_cli_study(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (strcmp(argv[1], "merge") == 0)
        return study_merge(argc, argv);
    int rc = ric_mpi_begin(&argc, &argv);
    sargs a;
    if (rc == 0)
        rc = parse(argc, argv, &a);
    if (rc == 0)
        rc = strcmp(a.cmd, "calibrate") == 0 ? calibrate(&a) : sensitivity(&a);
    ric_mpi_end();
    return rc;
}

/* S quoted for bash: '...' with each ' written '\\''. */
static void sh_quote(const char *s, ric_sbuf *b)
{
    ric_sbuf_put(b, "'");
    for (; *s; s++)
        ric_sbuf_put(b, *s == '\'' ? "'\\''" : "%c", *s);
    ric_sbuf_put(b, "'");
}

int ric_cli_study_slurm(const char *file, size_t shards, int cpus, const char *out, const char *exe,
                        const char *cwd)
{
    ric_err err = {{0}};
    ric_calibration *c = NULL;
    ric_cli_loading(1);
    ric_status st = ric_calibrate_load(file, &c, &err);
    ric_cli_loading(0);
    if (st != RIC_OK)
        return fail("slurm", st, &err);
    int abc = ric_calibrate_abc(c) != NULL;
    ric_calibrate_free(c);
    if (!abc)
        return ric_cli_usage_error("slurm: %s calibrates by nelder_mead, which cannot be "
                                   "sharded (method abc_smc can)",
                                   file);
    ric_sbuf b = {0}, q_exe = {0}, q_file = {0}, q_out = {0}, q_cwd = {0};
    sh_quote(exe, &q_exe);
    sh_quote(file, &q_file);
    sh_quote(out, &q_out);
    sh_quote(cwd, &q_cwd);
    ric_sbuf_put(&b,
                 "#!/bin/bash\n"
                 "# A Slurm job array for one generation of the ABC-SMC calibration %s in %zu "
                 "shards,\n"
                 "# printed by ricsim slurm. Submit it with sbatch. Task I runs its slice of the "
                 "generation\n"
                 "# running (the first one %s/.runs does not hold whole) into %s/shard-I-of-%zu "
                 "(--resume:\n"
                 "# a requeued task continues); task 0 also submits the merge, a job that starts "
                 "when every\n"
                 "# task has ended well (afterok), joins the shards into %s and, until "
                 "posterior.tsv is\n"
                 "# written, submits this script again (printed afresh) for the next "
                 "generation.\n"
                 "#SBATCH --job-name=ricsim-abc\n"
                 "#SBATCH --array=0-%zu\n"
                 "#SBATCH --cpus-per-task=%d\n"
                 "#SBATCH --output=slurm-ricsim-%%A_%%a.out\n"
                 "set -euo pipefail\n"
                 "cd %s\n"
                 "ricsim=%s\n"
                 "if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n"
                 "  echo \"submit with: sbatch $0 (by hand: SLURM_ARRAY_TASK_ID=I bash $0 for "
                 "each shard I,\" \\\n"
                 "       \"then ricsim merge %s --remove-shards, and again until posterior.tsv "
                 "is there)\" >&2\n"
                 "  exit 2\n"
                 "fi\n"
                 "if [ \"$SLURM_ARRAY_TASK_ID\" = 0 ] && [ \"${SLURM_RESTART_COUNT:-0}\" = 0 "
                 "]; then\n"
                 "  next=\"$(printf %%q \"$ricsim\") slurm $(printf %%q %s) --shards %zu --jobs %d "
                 "--out $(printf %%q %s) | sbatch\"\n"
                 "  merge=\"cd $(printf %%q %s) && $(printf %%q \"$ricsim\") merge $(printf %%q "
                 "%s) --remove-shards && { [ -e $(printf %%q %s)/posterior.tsv ] || { $next; }; "
                 "}\"\n"
                 "  sbatch --dependency=afterok:\"$SLURM_ARRAY_JOB_ID\" --kill-on-invalid-dep=yes "
                 "\\\n"
                 "    --job-name=ricsim-abc-merge --cpus-per-task=1 "
                 "--output=slurm-ricsim-%%j-merge.out \\\n"
                 "    --wrap=\"$merge\"\n"
                 "fi\n"
                 "\"$ricsim\" calibrate %s --out %s --shard \"$SLURM_ARRAY_TASK_ID/%zu\" \\\n"
                 "  --jobs \"${SLURM_CPUS_PER_TASK:-%d}\" --resume\n",
                 file, shards, out, out, shards, out, shards - 1, cpus, q_cwd.buf, q_exe.buf, out,
                 q_file.buf, shards, cpus, q_out.buf, q_cwd.buf, q_out.buf, q_out.buf, q_file.buf,
                 q_out.buf, shards, cpus);
    int rc = b.oom || q_exe.oom || q_file.oom || q_out.oom || q_cwd.oom;
    if (!rc)
        fputs(b.buf, stdout);
    else
        fprintf(stderr, "ricsim: slurm: out of memory\n");
    free(b.buf);
    free(q_exe.buf);
    free(q_file.buf);
    free(q_out.buf);
    free(q_cwd.buf);
    return rc;
}
