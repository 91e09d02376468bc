/* ricsim's experiment commands: plan, sweep, merge, export and compare. Parses their arguments,
 * drives a sweep step by step (a progress line on a terminal, else a line every --progress-every
 * seconds), prints the results and maps statuses to exit codes (0 ok, 1 a run or the sweep failed,
 * 2 usage or experiment error). */
#include "cli_experiment.h"
#include "cli_common.h"
#include "cli_help.h"
#include "cli_mpi.h"
#include "cli_study.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "base/consts.h"
#include "base/fs.h"
#include "base/lock.h"
#include "ricsim/experiment.h"
#include "studies/posterior.h"
#include "studies/study_cfg.h"

#define MAX_JOBS 256

typedef struct {
    const char *cmd;
    int argc; /* the command line, for provenance.txt */
    char **argv;
    const char *pos[2]; /* positional arguments */
    size_t n_pos;
    const char *out, *indicators, *posterior; /* compare --posterior FILE */
    size_t draws;                             /* compare --draws K */
    int jobs, jobs_given, resume, force, stop_on_error, csv, remove_shards;
    size_t shards;         /* slurm --shards N */
    double progress_every; /* seconds between progress lines when stderr is not a terminal */
    size_t shard, n_shards, reps;
    unsigned long long seed;
    int has_seed;
} args;

/* Under mpirun every rank parses the same arguments; rank 0 tells. */
#define usage_error(...) (ric_mpi_rank > 0 ? 2 : ric_cli_usage_error(__VA_ARGS__))

/* Options each command takes: the long names without the dashes. */
static int allowed(const char *cmd, const char *opt)
{
    static const struct {
        const char *cmd, *opts;
    } table[] = {
        {"plan", " shard "},
        {"sweep", " out jobs workers shard resume force on-error progress-every "},
        {"merge", " force remove-shards "},
        {"export", " csv "},
        {"compare", " out jobs workers reps seed indicators resume force on-error progress-every "
                    "posterior draws "},
        {"slurm", " out jobs workers shards "},
    };
    char key[64];
    snprintf(key, sizeof key, " %s ", opt);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].cmd, cmd) == 0)
            return strstr(table[i].opts, key) != NULL;
    return 0;
}

static int parse(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = argv[1];
    a->argc = argc;
    a->argv = argv;
    a->jobs = ric_cli_default_jobs(MAX_JOBS);
    a->progress_every = 30;
    size_t want_pos = strcmp(a->cmd, "compare") == 0 ? 2 : 1;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (s[0] != '-' || !s[1]) {
            if (a->n_pos == want_pos)
                return usage_error("unexpected argument '%s'", s);
            a->pos[a->n_pos++] = s;
            continue;
        }
        if (strncmp(s, "--", 2) != 0 || !allowed(a->cmd, s + 2)) {
            if (strncmp(s, "--", 2) == 0 && (allowed("sweep", s + 2) || allowed("compare", s + 2)))
                return usage_error("%s takes no '%s'", a->cmd, s);
            return usage_error("unknown option '%s'", s);
        }
        const char *o = s + 2;
        if (strcmp(o, "resume") == 0 || strcmp(o, "force") == 0 || strcmp(o, "csv") == 0 ||
            strcmp(o, "remove-shards") == 0) {
            *(strcmp(o, "resume") == 0  ? &a->resume
              : strcmp(o, "force") == 0 ? &a->force
              : strcmp(o, "csv") == 0   ? &a->csv
                                        : &a->remove_shards) = 1;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value", s);
        const char *v = argv[++i];
        unsigned long long x;
        if (strcmp(o, "out") == 0) {
            if (ric_cli_set_out(&a->out, v, ric_mpi_rank > 0))
                return 2;
        } else if (strcmp(o, "indicators") == 0) {
            a->indicators = v;
        } else if (strcmp(o, "posterior") == 0) {
            a->posterior = v;
        } else if (strcmp(o, "draws") == 0) {
            if (ric_cli_whole(v, 1, RIC_PLAN_MAX_REPS, &x))
                return usage_error("--draws must be a whole number from 1 to %d (got '%s')",
                                   RIC_PLAN_MAX_REPS, v);
            a->draws = (size_t)x;
        } else if (strcmp(o, "jobs") == 0 || strcmp(o, "workers") == 0) { /* --workers: alias */
            if (ric_cli_whole(v, 1, MAX_JOBS, &x))
                return usage_error("%s must be a whole number from 1 to %d (got '%s')", s, MAX_JOBS,
                                   v);
            a->jobs = (int)x;
            a->jobs_given = 1;
        } else if (strcmp(o, "shards") == 0) {
            if (ric_cli_whole(v, 1, 1000000, &x))
                return usage_error("--shards must be a whole number from 1 to 1000000 (got '%s')",
                                   v);
            a->shards = (size_t)x;
        } else if (strcmp(o, "reps") == 0) {
            if (ric_cli_whole(v, 2, RIC_PLAN_MAX_REPS, &x))
                return usage_error("--reps must be a whole number from 2 to %d (got '%s')",
                                   RIC_PLAN_MAX_REPS, v);
            a->reps = (size_t)x;
        } else if (strcmp(o, "seed") == 0) {
            if (ric_cli_whole(v, 0, 9223372036854775807ull, &a->seed))
                return usage_error("--seed must be a non-negative integer (got '%s')", v);
            a->has_seed = 1;
        } else if (strcmp(o, "progress-every") == 0) {
            if (ric_cli_progress_option(v, &a->progress_every, ric_mpi_rank > 0))
                return 2;
        } else if (strcmp(o, "on-error") == 0) {
            if (strcmp(v, "continue") != 0 && strcmp(v, "stop") != 0)
                return usage_error("--on-error must be continue or stop (got '%s')", v);
            a->stop_on_error = v[0] == 's';
        } else if (strcmp(o, "shard") == 0) {
            if (ric_cli_shard_option(v, &a->shard, &a->n_shards, ric_mpi_rank > 0))
                return 2;
        }
    }
    if (a->n_pos < want_pos)
        return usage_error("%s: missing %s", a->cmd,
                           strcmp(a->cmd, "merge") == 0 || strcmp(a->cmd, "export") == 0 ? "DIR"
                           : strcmp(a->cmd, "compare") == 0 ? "A.cfg B.cfg"
                                                            : "EXPERIMENT.cfg");
    if (a->resume && a->force)
        return usage_error("--resume and --force exclude each other");
    if ((strcmp(a->cmd, "sweep") == 0 || strcmp(a->cmd, "compare") == 0) && !a->out)
        return usage_error("%s: missing --out DIR", a->cmd);
    if (strcmp(a->cmd, "compare") == 0 && !a->reps)
        return usage_error("compare: missing --reps R");
    if (!a->posterior != !a->draws)
        return usage_error("compare: --posterior FILE and --draws K go together");
    if (strcmp(a->cmd, "slurm") == 0 && !a->shards)
        return usage_error("slurm: missing --shards N");
    return 0;
}

/* ---- the progress line and interruption -------------------------------------------------------
 */

/* SIGINT and SIGTERM end the sweep between runs (ric_cli_catch_signals): the workers are
 * stopped and --resume continues it. */

/* The sweep's counts as the progress reporter takes them. */
static ric_cli_counts counts(const ric_sweep *sw)
{
    ric_sweep_progress pg;
    ric_sweep_progress_get(sw, &pg);
    ric_cli_counts c = {pg.total, pg.done, pg.failed, pg.runs_per_s, pg.elapsed_s};
    return c;
}

/* Runs the sweep to its end; 0, or the exit code of a failure of the sweep itself. */
static int drive(ric_sweep *sw, ric_cli_progress *pr)
{
    ric_err err = {{0}};
    while (!ric_sweep_done(sw)) {
        ric_sweep_event ev;
        ric_status st = ric_sweep_step(sw, &ev, &err);
        if (st != RIC_OK) {
            fprintf(stderr, "%sricsim: %s\n", pr->tty ? "\n" : "", err.msg);
            return ric_cli_exit_code(st);
        }
        if (ev.finished && !ev.ok)
            fprintf(stderr, "%sricsim: run %zu failed: %s\n", pr->tty ? "\r\033[K" : "", ev.id,
                    ev.error);
        ric_cli_counts c = counts(sw);
        ric_cli_progress_report(pr, &c, ev.finished, 0);
        if (ev.finished)
            ric_cli_test_stop(c.done);
    }
    if (pr->tty)
        fputs("\n", stderr);
    return 0;
}

/* ---- MPI: rank 0 hands out runs and writes, the other ranks run them (cli_mpi.h) ------------
 */

/* A worker rank: runs run ID of the plan; its K.row and K.series texts are the result. */
static int mpi_exec(void *ctx, uint64_t id, const char *payload, size_t len, char **a, size_t *al,
                    char **b, size_t *bl)
{
    (void)payload;
    (void)len;
    ric_err err = {{0}};
    if (ric_plan_execute(ctx, (size_t)id, a, al, b, bl, &err) != RIC_OK) {
        fprintf(stderr, "ricsim: rank %d: %s\n", ric_mpi_rank, err.msg);
        return 1;
    }
    return 0;
}

typedef struct {
    ric_sweep *sw;
    ric_cli_progress *pr;
} mpi_sweep;

static int mpi_take(void *ctx, uint64_t *id, ric_sbuf *payload)
{
    (void)payload;
    mpi_sweep *m = ctx;
    size_t i = 0;
    if (!ric_sweep_take(m->sw, &i))
        return 0;
    *id = i;
    return 1;
}

/* Rank 0: every result is written here, in run order, as a local sweep writes it. */
static int mpi_put(void *ctx, uint64_t id, const char *row, size_t rl, const char *series,
                   size_t sl)
{
    mpi_sweep *m = ctx;
    ric_sweep_event ev;
    ric_err err = {{0}};
    ric_status st = ric_sweep_put(m->sw, (size_t)id, row, rl, series, sl, &ev, &err);
    if (st != RIC_OK) {
        fprintf(stderr, "%sricsim: %s\n", m->pr->tty ? "\n" : "", err.msg);
        return ric_cli_exit_code(st);
    }
    if (ev.finished && !ev.ok)
        fprintf(stderr, "%sricsim: run %zu failed: %s\n", m->pr->tty ? "\r\033[K" : "", ev.id,
                ev.error);
    ric_cli_counts c = counts(m->sw);
    ric_cli_progress_report(m->pr, &c, 1, 0);
    return 0;
}

static int mpi_root(ric_sweep *sw, ric_cli_progress *pr)
{
    mpi_sweep m = {sw, pr};
    int rc = ric_mpi_serve(mpi_take, mpi_put, &m);
    if (pr->tty)
        fputs("\n", stderr);
    return rc;
}

/* Opens, drives and finishes a sweep of p into a.out (over the MPI ranks when there are several);
 * prints a summary line. WHAT names a comparison's sweep, whose provenance its caller writes once
 * the comparison is complete. *FINISHED (may be NULL) tells whether every run ended and the
 * sweep's tables were written, failed runs or not. */
static int sweep(const ric_plan *p, const args *a, const char *what, int *finished)
{
    if (ric_mpi_rank > 0)
        return ric_mpi_work(mpi_exec, (void *)p);
    ric_sweep_opts o = {.jobs = ric_mpi_size > 1 ? 0 : a->jobs,
                        .shard = a->shard,
                        .n_shards = a->n_shards,
                        .resume = a->resume,
                        .force = a->force,
                        .stop_on_error = a->stop_on_error};
    ric_sweep *sw = NULL;
    ric_err err = {{0}};
    ric_status st = ric_sweep_open(p, a->out, &o, &sw, &err);
    if (st != RIC_OK) {
        ric_mpi_stop();
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return ric_cli_exit_code(st);
    }
    char dir[RIC_JOINED_MAX];
    snprintf(dir, sizeof dir, "%s", ric_sweep_dir(sw));
    ric_cli_progress pr;
    ric_cli_progress_init(&pr, dir, a->progress_every);
    int rc;
    if (ric_mpi_size > 1) {
        rc = mpi_root(sw, &pr);
        ric_mpi_stop();
    } else {
        ric_cli_catch_signals();
        rc = drive(sw, &pr);
    }
    ric_sweep_progress pg;
    ric_sweep_progress_get(sw, &pg);
    if (rc == 0 && pg.done < pg.total) {
        fprintf(stderr,
                "ricsim: stopped after a failed run (--on-error stop): %zu of %zu runs "
                "done; --resume retries the failed runs and continues\n",
                pg.done, pg.total);
        rc = 1;
    }
    if (rc == 0) {
        st = ric_sweep_finish(sw, &err);
        if (st != RIC_OK) {
            fprintf(stderr, "ricsim: %s\n", err.msg);
            rc = ric_cli_exit_code(st);
        } else if (finished) {
            *finished = 1;
        }
    }
    ric_cli_counts c = counts(sw);
    if (pg.kept < pg.total) /* a finished sweep resumed keeps its file as it was */
        ric_cli_progress_report(&pr, &c, 1, 1);
    ric_sweep_free(sw);
    if (rc != 0)
        return rc;
    if (pg.kept == pg.total)
        printf("%s: all %zu runs were already complete\n", dir, pg.total);
    else
        printf("%s: %zu runs%s in %.1f s (%zu kept from before): %.2f runs/s with %d %s\n", dir,
               pg.total, what, pg.elapsed_s, pg.kept, pg.runs_per_s,
               ric_mpi_size > 1 ? ric_mpi_size - 1 : a->jobs,
               ric_mpi_size > 1 ? "MPI worker ranks" : "jobs");
    if (!what[0] && ric_cli_provenance(dir, a->argc, a->argv))
        return 1;
    if (pg.failed) {
        fprintf(stderr,
                "ricsim: %zu of %zu runs failed (status and error in %s/runs.tsv); "
                "--resume retries them\n",
                pg.failed, pg.total, dir);
        return 1;
    }
    return 0;
}

/* ---- commands ---------------------------------------------------------------------------------
 */

static int load_plan(const char *path, ric_plan **p)
{
    ric_err err = {{0}};
    ric_cli_loading(1);
    ric_status st = ric_plan_load(path, p, &err);
    ric_cli_loading(0);
    if (st != RIC_OK) {
        if (ric_mpi_rank == 0) /* every rank loads the plan; one tells */
            fprintf(stderr, "ricsim: %s\n", err.msg);
        return st == RIC_EIO ? 2 : ric_cli_exit_code(st);
    }
    return 0;
}

/* Whether every rank has its plan (with a single process, whether this one has). */
static int plans_agree(int rc)
{
    int all = ric_mpi_agree(rc);
    if (all && !rc && ric_mpi_rank == 0)
        fprintf(stderr, "ricsim: the experiment did not load on every MPI rank\n");
    return all;
}

static int cmd_plan(const args *a)
{
    ric_plan *p = NULL;
    int rc = load_plan(a->pos[0], &p);
    if (rc)
        return rc;
    size_t first, end;
    ric_plan_shard(p, a->shard, a->n_shards, &first, &end);
    char *text = NULL;
    ric_err err = {{0}};
    ric_status st = ric_plan_text(p, first, end, &text, &err);
    ric_plan_free(p);
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return ric_cli_exit_code(st);
    }
    fputs(text, stdout);
    free(text);
    return 0;
}

static int cmd_sweep(const args *a)
{
    ric_plan *p = NULL;
    int rc = plans_agree(load_plan(a->pos[0], &p));
    if (rc == 0)
        rc = sweep(p, a, "", NULL);
    ric_plan_free(p);
    return rc;
}

static int cmd_merge(const args *a)
{
    size_t n = 0;
    ric_err err = {{0}};
    /* the writer's lock (a missing folder is left for the merge to report) */
    int lock = ric_fs_exists(a->pos[0]) ? ric_lock_take(a->pos[0], "merge", &err) : -2;
    ric_status st = lock == -1 ? RIC_EUSAGE : ric_sweep_merge(a->pos[0], a->force, &n, &err);
    size_t kept = 0;
    if (st == RIC_OK && a->remove_shards)
        st = ric_sweep_remove_shards(a->pos[0], n, &kept, &err);
    ric_lock_release(lock, a->pos[0]);
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return ric_cli_exit_code(st);
    }
    printf("%s: merged %zu shards\n", a->pos[0], n);
    if (a->remove_shards)
        printf("%s: removed the shards' own files%s\n", a->pos[0],
               kept ? "; shard folders holding other files were kept" : " and their folders");
    return ric_cli_provenance(a->pos[0], a->argc, a->argv);
}

static int cmd_export(const args *a)
{
    ric_err err = {{0}};
    int lock = ric_fs_exists(a->pos[0]) ? ric_lock_take(a->pos[0], "export", &err) : -2;
    ric_status st = lock == -1 ? RIC_EUSAGE : ric_sweep_export(a->pos[0], a->csv, &err);
    ric_lock_release(lock, a->pos[0]);
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return ric_cli_exit_code(st);
    }
    printf("%s: wrote long.tsv and summary.tsv%s\n", a->pos[0],
           a->csv ? ", long.csv and summary.csv" : "");
    return 0;
}

static int cmd_compare(const args *a)
{
    ric_plan *p = NULL;
    ric_err err = {{0}};
    ric_cli_loading(1);
    ric_status st = ric_plan_compare(a->pos[0], a->pos[1], a->reps, a->has_seed ? a->seed : 1,
                                     a->indicators, &p, &err);
    if (st == RIC_OK && a->posterior) {
        /* K draws from the posterior by weight, keyed by the seed: A and B share each */
        ric_posterior post;
        st = ric_posterior_read(a->posterior, &post, &err);
        size_t *idx = st == RIC_OK ? malloc(a->draws * sizeof *idx) : NULL;
        double *x = st == RIC_OK ? malloc(a->draws * post.k * sizeof *x) : NULL;
        if (st == RIC_OK && (!idx || !x)) {
            ric_err_set(&err, "out of memory");
            st = RIC_ENOMEM;
        }
        if (st == RIC_OK) {
            ric_posterior_draw(&post, a->draws, p->master_seed, idx);
            for (size_t d = 0; d < a->draws; d++)
                memcpy(x + d * post.k, post.x + idx[d] * post.k, post.k * sizeof *x);
            st = ric_plan_compare_draws(p, post.k, (const char(*)[256])post.keys,
                                        (const char(*)[64])post.names, x, a->draws, &err);
        }
        free(idx);
        free(x);
        if (post.w || post.x)
            ric_posterior_fini(&post);
    }
    ric_cli_loading(0);
    if (st != RIC_OK && ric_mpi_rank == 0)
        fprintf(stderr, "ricsim: %s\n", err.msg);
    int rc = plans_agree(st == RIC_OK ? 0 : st == RIC_EIO ? 2 : ric_cli_exit_code(st));
    if (rc) {
        ric_plan_free(p);
        return rc;
    }
    int finished = 0;
    rc = sweep(p, a, " of the comparison", &finished);
    if (ric_mpi_rank == 0 && finished) { /* failed runs leave fewer pairs, which may do */
        char *note = NULL;
        st = ric_stats_compare_draws(a->out, p->scenario[0], p->scenario[1], p->master_seed,
                                     p->draws, &note, &err);
        if (st != RIC_OK) {
            fprintf(stderr, "ricsim: %s\n", err.msg);
            rc = ric_cli_exit_code(st);
        } else {
            printf("\n%s", note);
            free(note);
            if (ric_cli_provenance(a->out, a->argc, a->argv))
                rc = 1;
        }
    }
    ric_plan_free(p);
    return rc;
}

/* S quoted for bash: '...' with each ' written '\''. */
static void sh_quote(const char *s, ric_sbuf *b)
{
    ric_sbuf_put(b, "'");
    for (; *s; s++)
        ric_sbuf_put(b, *s == '\'' ? "'\\''" : "%c", *s);
    ric_sbuf_put(b, "'");
}

/* The default output folder of a Slurm sweep: runs/ and the experiment file's name without its
 * folder and .cfg. */
static void default_out(const char *exp, char *buf, size_t n)
{
    const char *base = strrchr(exp, '/');
    base = base ? base + 1 : exp;
    size_t l = strlen(base);
    if (l > 4 && strcmp(base + l - 4, ".cfg") == 0)
        l -= 4;
    snprintf(buf, n, "runs/%.*s", (int)l, base);
}

/* ricsim slurm EXP.cfg --shards N [--jobs C] [--out DIR]: prints a job-array script. */
static int cmd_slurm(const args *a)
{
    /* a calibration by ABC-SMC shards each generation: its script is the studies' */
    int calibration = ric_studycfg_kinds(a->pos[0]) & RIC_KIND_CALIBRATION;
    ric_plan *p = NULL;
    int rc = calibration ? 0 : load_plan(a->pos[0], &p);
    if (rc)
        return rc;
    size_t runs = p ? p->n_runs : SIZE_MAX;
    ric_plan_free(p);
    if (a->shards > runs)
        return usage_error("slurm: %zu shards for the %zu runs of %s: at most one shard per run",
                           a->shards, runs, a->pos[0]);
    char out[RIC_JOINED_MAX], cwd[4096], exe[4096];
    if (a->out)
        snprintf(out, sizeof out, "%s", a->out);
    else
        default_out(a->pos[0], out, sizeof out);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (!getcwd(cwd, sizeof cwd) || n <= 0) {
        fprintf(stderr, "ricsim: slurm: cannot find the current folder or this executable\n");
        return 1;
    }
    exe[n] = '\0';
    int cpus = a->jobs_given ? a->jobs : 2; /* fits a 2-CPU node */
    if (calibration)
        return ric_cli_study_slurm(a->pos[0], a->shards, cpus, out, exe, cwd);
    ric_sbuf b = {0}, q_exe = {0}, q_exp = {0}, q_out = {0}, q_cwd = {0};
    sh_quote(exe, &q_exe);
    sh_quote(a->pos[0], &q_exp);
    sh_quote(out, &q_out);
    sh_quote(cwd, &q_cwd);
    ric_sbuf_put(&b,
                 "#!/bin/bash\n"
                 "# A Slurm job array for the sweep of %s in %zu shards, printed by ricsim slurm.\n"
                 "# Submit it with sbatch. Task I runs shard I/%zu into %s/shard-I-of-%zu "
                 "(--resume: a\n"
                 "# requeued task continues); task 0 also submits the merge, a job that starts "
                 "when every\n"
                 "# task has ended well (afterok) and joins the shards into %s.\n"
                 "#SBATCH --job-name=ricsim-sweep\n"
                 "#SBATCH --array=0-%zu\n"
                 "#SBATCH --cpus-per-task=%d\n"
                 "#SBATCH --output=slurm-ricsim-%%A_%%a.out\n"
                 "set -euo pipefail\n"
                 "cd %s\n"
                 "ricsim=%s\n"
                 "if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n"
                 "  echo \"submit with: sbatch $0 (by hand: SLURM_ARRAY_TASK_ID=I bash $0 for "
                 "each shard I)\" >&2\n"
                 "  exit 2\n"
                 "fi\n"
                 "if [ \"$SLURM_ARRAY_TASK_ID\" = 0 ] && [ \"${SLURM_RESTART_COUNT:-0}\" = 0 "
                 "]; then\n"
                 "  merge=\"cd $(printf %%q %s) && $(printf %%q \"$ricsim\") merge $(printf %%q "
                 "%s)\"\n"
                 "  sbatch --dependency=afterok:\"$SLURM_ARRAY_JOB_ID\" --kill-on-invalid-dep=yes "
                 "\\\n"
                 "    --job-name=ricsim-merge --cpus-per-task=1 "
                 "--output=slurm-ricsim-%%j-merge.out \\\n"
                 "    --wrap=\"$merge\"\n"
                 "fi\n"
                 "\"$ricsim\" sweep %s --out %s --shard \"$SLURM_ARRAY_TASK_ID/%zu\" \\\n"
                 "  --jobs \"${SLURM_CPUS_PER_TASK:-%d}\" --resume\n",
                 a->pos[0], a->shards, a->shards, out, a->shards, out, a->shards - 1, cpus,
                 q_cwd.buf, q_exe.buf, q_cwd.buf, q_out.buf, q_exp.buf, q_out.buf, a->shards, cpus);
    rc = b.oom || q_exe.oom || q_exp.oom || q_out.oom || q_cwd.oom;
    if (!rc)
        fputs(b.buf, stdout);
    else
        fprintf(stderr, "ricsim: slurm: out of memory\n");
    free(b.buf);
    free(q_exe.buf);
    free(q_exp.buf);
    free(q_out.buf);
    free(q_cwd.buf);
    return rc;
}

static int command(const args *a)
{
    if (strcmp(a->cmd, "sweep") == 0)
        return cmd_sweep(a);
    if (strcmp(a->cmd, "compare") == 0)
        return cmd_compare(a);
    if (ric_mpi_rank > 0)
        return 0; /* plan, merge and export: rank 0 alone */
    if (strcmp(a->cmd, "plan") == 0)
        return cmd_plan(a);
    if (strcmp(a->cmd, "export") == 0)
        return cmd_export(a);
    if (strcmp(a->cmd, "slurm") == 0)
        return cmd_slurm(a);
    return cmd_merge(a);
}

int ric_cli_experiment(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int rc = ric_mpi_begin(&argc, &argv);
    args a;
    if (rc == 0)
        rc = parse(argc, argv, &a);
    if (rc == 0)
        rc = command(&a);
    ric_mpi_end();
    return rc;
}
