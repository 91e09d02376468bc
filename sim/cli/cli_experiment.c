/* ricsim's experiment commands: plan, sweep, merge, export and compare. Parses their arguments,
 * drives a sweep step by step (a progress line on a terminal, else a line every --progress-every
 * seconds), prints the results and maps statuses to exit codes (0 ok, 1 a run or the sweep failed,
 * 2 usage or experiment error). */
#include "cli_experiment.h"
#include "cli_common.h"
#include "cli_help.h"

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
#include "ricsim/experiment.h"

#ifdef RIC_MPI
#include <mpi.h>
#endif

#define MAX_JOBS 256

/* This process's MPI rank and the number of ranks: 0 and 1 unless started by mpirun with more than
 * one rank (and built with MPI). Rank 0 writes; the other ranks run what it hands them. */
static int rank, n_ranks = 1;

typedef struct {
    const char *cmd;
    int argc; /* the command line, for provenance.txt */
    char **argv;
    const char *pos[2]; /* positional arguments */
    size_t n_pos;
    const char *out, *indicators;
    int jobs, resume, force, stop_on_error, csv;
    double progress_every; /* seconds between progress lines when stderr is not a terminal */
    size_t shard, n_shards, reps;
    unsigned long long seed;
    int has_seed;
} args;

/* Under mpirun every rank parses the same arguments; rank 0 tells. */
#define usage_error(...) (rank > 0 ? 2 : ric_cli_usage_error(__VA_ARGS__))

/* Parses a whole decimal number in [lo, hi]; returns 0 on success. */
static int whole(const char *s, unsigned long long lo, unsigned long long hi, unsigned long long *v)
{
    char *end;
    errno = 0;
    if (!ric_cli_is_digits(s))
        return -1;
    *v = strtoull(s, &end, 10);
    return *end || errno || *v < lo || *v > hi ? -1 : 0;
}

/* Options each command takes: the long names without the dashes. */
static int allowed(const char *cmd, const char *opt)
{
    static const struct {
        const char *cmd, *opts;
    } table[] = {
        {"plan", " shard "},
        {"sweep", " out jobs workers shard resume force on-error progress-every "},
        {"merge", " force "},
        {"export", " csv "},
        {"compare", " out jobs workers reps seed indicators resume force on-error progress-every "},
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
        if (strcmp(o, "resume") == 0 || strcmp(o, "force") == 0 || strcmp(o, "csv") == 0) {
            *(o[0] == 'r' ? &a->resume : o[0] == 'f' ? &a->force : &a->csv) = 1;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value", s);
        const char *v = argv[++i];
        unsigned long long x;
        if (strcmp(o, "out") == 0) {
            if (ric_cli_set_out(&a->out, v, rank > 0))
                return 2;
        } else if (strcmp(o, "indicators") == 0) {
            a->indicators = v;
        } else if (strcmp(o, "jobs") == 0 || strcmp(o, "workers") == 0) { /* --workers: alias */
            if (whole(v, 1, MAX_JOBS, &x))
                return usage_error("%s must be a whole number from 1 to %d (got '%s')", s, MAX_JOBS,
                                   v);
            a->jobs = (int)x;
        } else if (strcmp(o, "reps") == 0) {
            if (whole(v, 2, RIC_PLAN_MAX_REPS, &x))
                return usage_error("--reps must be a whole number from 2 to %d (got '%s')",
                                   RIC_PLAN_MAX_REPS, v);
            a->reps = (size_t)x;
        } else if (strcmp(o, "seed") == 0) {
            if (whole(v, 0, 9223372036854775807ull, &a->seed))
                return usage_error("--seed must be a non-negative integer (got '%s')", v);
            a->has_seed = 1;
        } else if (strcmp(o, "progress-every") == 0) {
            if (whole(v, 0, 86400, &x))
                return usage_error("--progress-every must be whole seconds from 0 to 86400 (got "
                                   "'%s')",
                                   v);
            a->progress_every = (double)x;
        } else if (strcmp(o, "on-error") == 0) {
            if (strcmp(v, "continue") != 0 && strcmp(v, "stop") != 0)
                return usage_error("--on-error must be continue or stop (got '%s')", v);
            a->stop_on_error = v[0] == 's';
        } else if (strcmp(o, "shard") == 0) {
            unsigned long long si, sn;
            const char *slash = strchr(v, '/');
            char left[32];
            if (!slash || (size_t)(slash - v) >= sizeof left)
                return usage_error("--shard must be I/N with 0 <= I < N (got '%s')", v);
            snprintf(left, sizeof left, "%.*s", (int)(slash - v), v);
            if (whole(left, 0, 1000000, &si) || whole(slash + 1, 1, 1000000, &sn) || si >= sn)
                return usage_error("--shard must be I/N with 0 <= I < N (got '%s'); I counts "
                                   "from 0, e.g. --array=0-%llu in Slurm",
                                   v, whole(slash + 1, 1, 1000000, &sn) ? 3ull : sn - 1);
            a->shard = (size_t)si;
            a->n_shards = (size_t)sn;
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
    return 0;
}

/* ---- the progress line and interruption -------------------------------------------------------
 */

/* SIGINT and SIGTERM end the sweep between runs (ric_cli_catch_signals): the workers are
 * stopped and --resume continues it. */

/* The time left at the current rate, as text ("?" before the first run ends). */
static void time_left(const ric_sweep_progress *pg, char *left, size_t n)
{
    snprintf(left, n, "?");
    size_t todo = pg->total - pg->done;
    if (pg->runs_per_s > 0) {
        double s = (double)todo / pg->runs_per_s;
        if (s < 120)
            snprintf(left, n, "%.0f s", s);
        else if (s < 7200)
            snprintf(left, n, "%.0f min", s / 60);
        else
            snprintf(left, n, "%.1f h", s / 3600);
    }
}

static void show_progress(const ric_sweep_progress *pg)
{
    char left[32];
    time_left(pg, left, sizeof left);
    fprintf(stderr, "\rricsim: %zu/%zu runs", pg->done, pg->total);
    if (pg->failed)
        fprintf(stderr, " (%zu failed)", pg->failed);
    fprintf(stderr, ", %.1f runs/s, %s left\033[K", pg->runs_per_s, left);
    fflush(stderr);
}

/* Not a terminal (a batch job's log): a whole line every a->progress_every seconds. */
static void log_progress(const ric_sweep *sw, const args *a, double *last)
{
    ric_sweep_progress pg;
    ric_sweep_progress_get(sw, &pg);
    if (pg.elapsed_s - *last < a->progress_every)
        return;
    *last = pg.elapsed_s;
    char left[32];
    time_left(&pg, left, sizeof left);
    fprintf(stderr, "ricsim: progress: %zu/%zu runs done, %zu failed, %.2f runs/s, %s left\n",
            pg.done, pg.total, pg.failed, pg.runs_per_s, left);
    fflush(stderr);
}

/* Runs the sweep to its end; 0, or the exit code of a failure of the sweep itself. */
static int drive(ric_sweep *sw, const args *a)
{
    int tty = isatty(STDERR_FILENO);
    double last = 0;
    ric_sweep_progress pg;
    ric_err err = {{0}};
    while (!ric_sweep_done(sw)) {
        ric_sweep_event ev;
        ric_status st = ric_sweep_step(sw, &ev, &err);
        if (st != RIC_OK) {
            fprintf(stderr, "%sricsim: %s\n", tty ? "\n" : "", err.msg);
            return ric_cli_exit_code(st);
        }
        if (ev.finished && !ev.ok)
            fprintf(stderr, "%sricsim: run %zu failed: %s\n", tty ? "\r\033[K" : "", ev.id,
                    ev.error);
        if (tty) {
            ric_sweep_progress_get(sw, &pg);
            show_progress(&pg);
        } else if (ev.finished) {
            log_progress(sw, a, &last);
        }
    }
    if (tty)
        fputs("\n", stderr);
    return 0;
}

/* ---- MPI: rank 0 hands out runs and writes, the other ranks run them --------------------------
 */

#ifdef RIC_MPI
enum { TAG_RUN = 1, TAG_STOP, TAG_DONE, TAG_ROW, TAG_SERIES };

/* Whether mpirun (OpenMPI, or a PMI launcher such as MPICH's or Slurm's) started this process as
 * one of several ranks. */
static int under_mpirun(void)
{
    const char *v = getenv("OMPI_COMM_WORLD_SIZE");
    if (!v)
        v = getenv("PMI_SIZE");
    return v && atoi(v) > 1;
}

/* The largest of every rank's RC, so that all ranks go on or stop together. */
static int agree(int rc)
{
    int all = rc;
    if (n_ranks > 1)
        MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return all;
}

/* A rank other than 0: runs the runs rank 0 sends, one at a time, and returns their results. */
static int mpi_worker(const ric_plan *p)
{
    int open_st;
    MPI_Bcast(&open_st, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (open_st != RIC_OK)
        return 0; /* rank 0 reports */
    for (;;) {
        uint64_t id;
        MPI_Status ms;
        MPI_Recv(&id, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
        if (ms.MPI_TAG == TAG_STOP)
            return 0;
        char *row = NULL, *series = NULL;
        size_t rl = 0, sl = 0;
        ric_err err = {{0}};
        if (ric_plan_execute(p, (size_t)id, &row, &rl, &series, &sl, &err) != RIC_OK ||
            sl > INT_MAX) {
            fprintf(stderr, "ricsim: rank %d: %s\n", rank, err.msg);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        uint64_t head[3] = {id, rl, sl};
        MPI_Send(head, 3, MPI_UINT64_T, 0, TAG_DONE, MPI_COMM_WORLD);
        MPI_Send(row, (int)rl, MPI_CHAR, 0, TAG_ROW, MPI_COMM_WORLD);
        MPI_Send(series, (int)sl, MPI_CHAR, 0, TAG_SERIES, MPI_COMM_WORLD);
        free(row);
        free(series);
    }
}

/* Sends rank R its next run, or tells it to stop; returns 1 if it got a run. */
static int hand_out(ric_sweep *sw, int r, int stop)
{
    size_t id = 0;
    int got = !stop && ric_sweep_take(sw, &id);
    uint64_t x = id;
    MPI_Send(&x, 1, MPI_UINT64_T, r, got ? TAG_RUN : TAG_STOP, MPI_COMM_WORLD);
    return got;
}

/* Rank 0: the ranks take runs as they finish (dynamic scheduling); every result is written here,
 * in run order, as a local sweep writes it. Each rank is told to stop exactly once. */
static int mpi_root(ric_sweep *sw, const args *a)
{
    int tty = isatty(STDERR_FILENO), busy = 0, rc = 0;
    double last = 0;
    for (int r = 1; r < n_ranks; r++)
        busy += hand_out(sw, r, 0);
    while (busy > 0) {
        uint64_t head[3];
        MPI_Status ms;
        MPI_Recv(head, 3, MPI_UINT64_T, MPI_ANY_SOURCE, TAG_DONE, MPI_COMM_WORLD, &ms);
        int src = ms.MPI_SOURCE;
        char *row = malloc(head[1] + 1), *series = malloc(head[2] + 1);
        if (!row || !series) {
            fprintf(stderr, "ricsim: out of memory for the results of run %llu\n",
                    (unsigned long long)head[0]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        MPI_Recv(row, (int)head[1], MPI_CHAR, src, TAG_ROW, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(series, (int)head[2], MPI_CHAR, src, TAG_SERIES, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        busy--;
        if (rc == 0) {
            ric_sweep_event ev;
            ric_err err = {{0}};
            ric_status st =
                ric_sweep_put(sw, (size_t)head[0], row, head[1], series, head[2], &ev, &err);
            if (st != RIC_OK) {
                fprintf(stderr, "%sricsim: %s\n", tty ? "\n" : "", err.msg);
                rc = ric_cli_exit_code(st);
            } else if (ev.finished && !ev.ok) {
                fprintf(stderr, "%sricsim: run %zu failed: %s\n", tty ? "\r\033[K" : "", ev.id,
                        ev.error);
            }
            if (tty && rc == 0) {
                ric_sweep_progress pg;
                ric_sweep_progress_get(sw, &pg);
                show_progress(&pg);
            } else if (rc == 0) {
                log_progress(sw, a, &last);
            }
        }
        free(row);
        free(series);
        busy += hand_out(sw, src, rc != 0);
    }
    if (tty)
        fputs("\n", stderr);
    return rc;
}
#endif

/* Opens, drives and finishes a sweep of p into a.out (over the MPI ranks when there are several);
 * prints a summary line. WHAT names a comparison's sweep, whose provenance its caller writes once
 * the comparison is complete. *FINISHED (may be NULL) tells whether every run ended and the
 * sweep's tables were written, failed runs or not. */
static int sweep(const ric_plan *p, const args *a, const char *what, int *finished)
{
#ifdef RIC_MPI
    if (rank > 0)
        return mpi_worker(p);
#endif
    ric_sweep_opts o = {.jobs = n_ranks > 1 ? 0 : a->jobs,
                        .shard = a->shard,
                        .n_shards = a->n_shards,
                        .resume = a->resume,
                        .force = a->force,
                        .stop_on_error = a->stop_on_error};
    ric_sweep *sw = NULL;
    ric_err err = {{0}};
    ric_status st = ric_sweep_open(p, a->out, &o, &sw, &err);
#ifdef RIC_MPI
    if (n_ranks > 1) {
        int open_st = (int)st;
        MPI_Bcast(&open_st, 1, MPI_INT, 0, MPI_COMM_WORLD);
    }
#endif
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return ric_cli_exit_code(st);
    }
    int rc;
#ifdef RIC_MPI
    if (n_ranks > 1)
        rc = mpi_root(sw, a);
    else
#endif
    {
        ric_cli_catch_signals();
        rc = drive(sw, a);
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
    ric_sweep_free(sw);
    if (rc != 0)
        return rc;
    char dir[RIC_JOINED_MAX];
    if (a->n_shards > 1)
        ric_sweep_shard_dir(a->out, a->shard, a->n_shards, dir, sizeof dir);
    else
        snprintf(dir, sizeof dir, "%s", a->out);
    if (pg.kept == pg.total)
        printf("%s: all %zu runs were already complete\n", dir, pg.total);
    else
        printf("%s: %zu runs%s in %.1f s (%zu kept from before): %.2f runs/s with %d %s\n", dir,
               pg.total, what, pg.elapsed_s, pg.kept, pg.runs_per_s,
               n_ranks > 1 ? n_ranks - 1 : a->jobs, n_ranks > 1 ? "MPI worker ranks" : "jobs");
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
        if (rank == 0) /* every rank loads the plan; one tells */
            fprintf(stderr, "ricsim: %s\n", err.msg);
        return st == RIC_EIO ? 2 : ric_cli_exit_code(st);
    }
    return 0;
}

/* Whether every rank has its plan (with a single process, whether this one has). */
static int plans_agree(int rc)
{
#ifdef RIC_MPI
    int all = agree(rc);
    if (all && !rc && rank == 0)
        fprintf(stderr, "ricsim: the experiment did not load on every MPI rank\n");
    return all;
#else
    return rc;
#endif
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
    ric_status st = ric_sweep_merge(a->pos[0], a->force, &n, &err);
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return ric_cli_exit_code(st);
    }
    printf("%s: merged %zu shards\n", a->pos[0], n);
    return ric_cli_provenance(a->pos[0], a->argc, a->argv);
}

static int cmd_export(const args *a)
{
    ric_err err = {{0}};
    ric_status st = ric_sweep_export(a->pos[0], a->csv, &err);
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
    ric_cli_loading(0);
    if (st != RIC_OK && rank == 0)
        fprintf(stderr, "ricsim: %s\n", err.msg);
    int rc = plans_agree(st == RIC_OK ? 0 : st == RIC_EIO ? 2 : ric_cli_exit_code(st));
    if (rc) {
        ric_plan_free(p);
        return rc;
    }
    int finished = 0;
    rc = sweep(p, a, " of the comparison", &finished);
    if (rank == 0 && finished) { /* failed runs leave fewer pairs, which may do */
        char *note = NULL;
        st = ric_stats_compare(a->out, p->scenario[0], p->scenario[1], p->master_seed, &note, &err);
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

static int command(const args *a)
{
    if (strcmp(a->cmd, "sweep") == 0)
        return cmd_sweep(a);
    if (strcmp(a->cmd, "compare") == 0)
        return cmd_compare(a);
    if (rank > 0)
        return 0; /* plan, merge and export: rank 0 alone */
    if (strcmp(a->cmd, "plan") == 0)
        return cmd_plan(a);
    if (strcmp(a->cmd, "export") == 0)
        return cmd_export(a);
    return cmd_merge(a);
}

int ric_cli_experiment(int argc, char **argv)
{
    gsl_set_error_handler_off();
#ifdef RIC_MPI
    int mpi = under_mpirun();
    if (mpi) {
        MPI_Init(&argc, &argv);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
    }
#endif
    args a;
    int rc = parse(argc, argv, &a);
    if (rc == 0)
        rc = command(&a);
#ifdef RIC_MPI
    if (mpi)
        MPI_Finalize();
#endif
    return rc;
}
