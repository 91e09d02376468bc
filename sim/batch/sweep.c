/* Sweeps: runs a plan's slice in forked worker processes (or hands its runs to MPI ranks), keeps
 * each run's results in DIR/.runs until it can be appended in run order to runs.tsv, series.tsv
 * and regions.tsv, and ends with the tables, stats.tsv last. Owns the output folder of a sweep: its
 * lock, its result files and the runs folder. */
#include "batch/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/lock.h"
#include "base/sbuf.h"
#include "batch/execute.h"
#include "batch/pool.h"
#include "batch/runs.h"
#include "batch/tidy.h"
#include "ricsim/stats.h"

const char *const ric_sweep_result_files[RIC_SWEEP_N_RESULT_FILES] = {
    "plan.tsv",       "runs.tsv",      "series.tsv", "regions.tsv",      "stats.tsv", "diff.tsv",
    "effect.tsv",     "note.txt",      "long.tsv",   "summary.tsv",      "long.csv",  "summary.csv",
    "provenance.txt", "progress.json", "dose.tsv",   "regions_stats.tsv"};

enum { RUN_PENDING, RUN_RUNNING, RUN_OK, RUN_FAILED };

/* the per-run files of DIR/.runs (ric_execute_save): the only names a sweep removes there */
static const char *const run_exts[] = {"row", "series", "regions", NULL};

struct ric_sweep {
    const ric_plan *p;
    ric_sweep_opts o;
    char dir[RIC_PATH_MAX], runs_dir[RIC_PATH_MAX];
    size_t first, end;    /* the slice of run ids */
    unsigned char *state; /* per run of the slice */
    size_t next_start, next_append;
    size_t done, failed, kept, finished_here;
    int stopping;  /* a run failed under stop_on_error: start no more */
    int complete;  /* --resume found the sweep already finished */
    ric_pool pool; /* jobs slots, one worker per run */
    size_t running;
    FILE *runs, *series, *regions;
    int lock_fd;
    double t0;
};

void ric_sweep_shard_dir(const char *dir, size_t i, size_t n, char *buf, size_t len)
{
    snprintf(buf, len, "%s/shard-%zu-of-%zu", dir, i, n);
}

static void runs_header(const ric_sweep *sw)
{
    const ric_plan *p = sw->p;
    FILE *f = sw->runs;
    fprintf(f, "run\tdesign_row\treplication\tscenario");
    for (size_t j = 0; j < p->n_params; j++)
        fprintf(f, "\t%s", p->params[j].key);
    fprintf(f, "\tseed\tstatus\twall_s\tsteps_per_s");
    for (size_t i = 0; i < p->n_indicators; i++)
        fprintf(f, "\t%s_final\t%s_mean\t%s_max", p->indicators[i], p->indicators[i],
                p->indicators[i]);
    fprintf(f, "\terror\n");
}

static ric_status series_header(const ric_sweep *sw, ric_err *err)
{
    ric_sbuf b = {0};
    ric_runs_head(sw->p, &b);
    ric_sbuf_put(
        &b, "# each run is a data set: plot with index K or index \"[run K]\"; failed runs have "
            "a header and no rows\n");
    if (b.oom) {
        free(b.buf);
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    fputs(b.buf, sw->series);
    free(b.buf);
    return RIC_OK;
}

/* regions.tsv of a sweep: the plan's head, then the runs' data sets as they come. */
static ric_status regions_header(const ric_sweep *sw, ric_err *err)
{
    ric_sbuf b = {0};
    ric_sbuf_put(&b, "# ricsim regions of a sweep: a data set per run and region (index \"[run K "
                     "region NAME]\"), rows as in a run's regions.tsv; failed runs have none\n");
    ric_runs_head(sw->p, &b);
    if (b.oom) {
        free(b.buf);
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    fputs(b.buf, sw->regions);
    free(b.buf);
    return RIC_OK;
}

/* Appends run ID, complete in the runs folder, to runs.tsv, series.tsv and regions.tsv. */
static ric_status append_run(ric_sweep *sw, size_t id, ric_err *err)
{
    const ric_plan *p = sw->p;
    char rowp[RIC_PATH_MAX], serp[RIC_PATH_MAX], regp[RIC_PATH_MAX];
    ric_execute_path(sw->runs_dir, id, "row", rowp);
    ric_execute_path(sw->runs_dir, id, "series", serp);
    ric_execute_path(sw->runs_dir, id, "regions", regp);
    ric_run_result r;
    size_t len = 0, reg_len = 0;
    char *ser = NULL, *reg = NULL;
    if (ric_execute_read(rowp, &r) != 0 || !(ser = ric_fs_read(serp, &len)) ||
        !(reg = ric_fs_read(regp, &reg_len))) {
        free(ser);
        ric_err_set(err, "%s: cannot read the result of run %zu", rowp, id);
        return RIC_EIO;
    }
    ric_run_spec rs;
    ric_plan_run(p, id, &rs);
    char safe[4 * sizeof p->scenario[0]];
    const char *scen = ric_text_field(p->scenario[rs.scenario], safe, sizeof safe);
    fprintf(sw->runs, "%zu\t%zu\t%zu\t%s", id, rs.row, rs.rep, scen);
    fprintf(sw->series, "# [run %zu] design_row=%zu replication=%zu seed=%llu\n# scenario=%s", id,
            rs.row, rs.rep, (unsigned long long)rs.seed, scen);
    for (size_t j = 0; j < p->n_params; j++) {
        char v[64];
        ric_runs_value(p, rs.row, j, v, sizeof v);
        fprintf(sw->runs, "\t%s", v);
        fprintf(sw->series, "%s%s=%s", j ? " " : " set ", p->params[j].key, v);
    }
    char sps[32] = "NaN";
    if (!isnan(r.steps_per_s))
        snprintf(sps, sizeof sps, "%.0f", r.steps_per_s);
    fprintf(sw->runs, "\t%llu\t%s\t%.3f\t%s\t%s\t%s\n", (unsigned long long)rs.seed,
            r.ok ? "ok" : "failed", r.wall_s, sps, r.summary, r.error);
    if (r.ok)
        fprintf(sw->series, "\n# status=ok scenario_hash=%016llx\n", r.hash);
    else
        fprintf(sw->series, "\n# status=failed error=%s\n", r.error);
    fwrite(ser, 1, len, sw->series);
    fputs("\n\n", sw->series);
    fwrite(reg, 1, reg_len, sw->regions);
    free(ser);
    free(reg);
    return RIC_OK;
}

/* Appends every run that is complete and next in run order, then flushes (streaming). */
static ric_status append_ready(ric_sweep *sw, ric_err *err)
{
    size_t before = sw->next_append;
    while (sw->next_append < sw->end) {
        unsigned char s = sw->state[sw->next_append - sw->first];
        if (s != RUN_OK && s != RUN_FAILED)
            break;
        ric_status st = append_run(sw, sw->next_append, err);
        if (st != RIC_OK)
            return st;
        sw->next_append++;
    }
    if (sw->next_append != before &&
        (fflush(sw->runs) != 0 || fflush(sw->series) != 0 || fflush(sw->regions) != 0 ||
         ferror(sw->runs) || ferror(sw->series) || ferror(sw->regions))) {
        ric_err_set(err, "%s: cannot write the results: %s", sw->dir, strerror(errno));
        return RIC_EIO;
    }
    return RIC_OK;
}

/* Whether a previous attempt left run ID complete: a successful K.row and the K.series and
 * K.regions it describes, whole. */
static int kept_run(const ric_sweep *sw, size_t id)
{
    char rowp[RIC_PATH_MAX], serp[RIC_PATH_MAX], regp[RIC_PATH_MAX];
    ric_execute_path(sw->runs_dir, id, "row", rowp);
    ric_execute_path(sw->runs_dir, id, "series", serp);
    ric_execute_path(sw->runs_dir, id, "regions", regp);
    ric_run_result r;
    struct stat st, sr;
    return ric_execute_read(rowp, &r) == 0 && r.ok && stat(serp, &st) == 0 &&
           (long)st.st_size == r.series_bytes && stat(regp, &sr) == 0 &&
           (long)sr.st_size == r.regions_bytes;
}

/* PATH truncated for writing, never through a symbolic link (a link there makes it fail); NULL
 * with errno set on failure. */
static FILE *open_new(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f && fd >= 0) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

/* Decides what to do with what DIR already holds: refuse, replace, or resume. */
static ric_status prepare_dir(ric_sweep *sw, const char *plan, ric_err *err)
{
    char path[RIC_PATH_MAX];
    const char *found = NULL;
    for (size_t i = 0; i < RIC_SWEEP_N_RESULT_FILES && !found; i++) {
        ric_fs_join(sw->dir, ric_sweep_result_files[i], path);
        if (ric_fs_exists(path))
            found = ric_sweep_result_files[i];
    }
    if (ric_fs_exists(sw->runs_dir) && !found)
        found = ".runs";
    if (found && !sw->o.resume && !sw->o.force) {
        ric_err_set(err,
                    "%s: already holds results (%s); use --resume to continue the sweep or "
                    "--force to replace them",
                    sw->dir, found);
        return RIC_EUSAGE;
    }
    if (found && sw->o.force) {
        for (size_t i = 0; i < RIC_SWEEP_N_RESULT_FILES; i++) {
            ric_fs_join(sw->dir, ric_sweep_result_files[i], path);
            unlink(path);
        }
        ric_fs_remove_run_dir(sw->runs_dir, run_exts);
        found = NULL;
    }
    if (found) { /* --resume */
        ric_fs_join(sw->dir, "plan.tsv", path);
        char *old = ric_fs_read(path, NULL);
        if (!old) {
            ric_err_set(err,
                        "%s: holds results but no plan.tsv to resume; use --force to "
                        "replace them",
                        sw->dir);
            return RIC_EUSAGE;
        }
        int same = strcmp(old, plan) == 0;
        free(old);
        if (!same) {
            ric_err_set(err,
                        "%s: the experiment differs from the one this sweep started with; "
                        "use --force to start over",
                        path);
            return RIC_EUSAGE;
        }
        ric_fs_join(sw->dir, "stats.tsv", path);
        if (ric_fs_exists(path) && !ric_fs_exists(sw->runs_dir))
            sw->complete = 1;
    }
    return RIC_OK;
}

ric_status ric_sweep_open(const ric_plan *p, const char *dir, const ric_sweep_opts *o,
                          ric_sweep **out, ric_err *err)
{
    if (o->jobs < 0 || o->jobs > 256 || (o->n_shards > 1 && o->shard >= o->n_shards) ||
        (o->resume && o->force)) {
        ric_err_set(err, "invalid sweep options");
        return RIC_EUSAGE;
    }
    if (strlen(dir) >= 3900) {
        ric_err_set(err, "%s: output folder name too long", dir);
        return RIC_EUSAGE;
    }
    ric_sweep *sw = calloc(1, sizeof *sw);
    if (!sw) {
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    sw->p = p;
    sw->o = *o;
    sw->lock_fd = -1;
    sw->t0 = ric_clock_s();
    char *plan = NULL;
    ric_status st = RIC_OK;
    if (o->n_shards > 1)
        ric_sweep_shard_dir(dir, o->shard, o->n_shards, sw->dir, sizeof sw->dir);
    else
        snprintf(sw->dir, sizeof sw->dir, "%s", dir);
    ric_fs_join(sw->dir, ".runs", sw->runs_dir);
    ric_plan_shard(p, o->shard, o->n_shards, &sw->first, &sw->end);
    sw->next_start = sw->next_append = sw->first;
    sw->state = calloc(sw->end - sw->first + 1, 1);
    if (!sw->state) {
        ric_err_set(err, "out of memory");
        st = RIC_ENOMEM;
        goto fail;
    }
    st = ric_pool_init(&sw->pool, o->jobs, err);
    if (st != RIC_OK)
        goto fail;
    if (ric_fs_mkdirs(sw->dir) != 0) {
        ric_err_set(err, "%s: cannot create output folder: %s", sw->dir, strerror(errno));
        st = RIC_EIO;
        goto fail;
    }
    sw->lock_fd = ric_lock_take(sw->dir, "sweep", err);
    if (sw->lock_fd < 0) {
        st = RIC_EUSAGE;
        goto fail;
    }
    st = ric_plan_text(p, 0, p->n_runs, &plan, err);
    if (st == RIC_OK)
        st = prepare_dir(sw, plan, err);
    if (st != RIC_OK)
        goto fail;
    if (sw->complete) { /* nothing to do; leave the files as they are */
        sw->done = sw->kept = sw->end - sw->first;
        sw->next_append = sw->end;
        free(plan);
        *out = sw;
        return RIC_OK;
    }
    char path[RIC_PATH_MAX];
    st = ric_atomic_write(sw->dir, "plan.tsv", 0, plan, strlen(plan), err);
    if (st != RIC_OK)
        goto fail;
    for (size_t i = RIC_SWEEP_FIRST_DERIVED; i < RIC_SWEEP_N_RESULT_FILES;
         i++) { /* rebuilt at the end */
        ric_fs_join(sw->dir, ric_sweep_result_files[i], path);
        unlink(path);
    }
    if (mkdir(sw->runs_dir, 0777) != 0 && errno != EEXIST) {
        ric_err_set(err, "%s: cannot create: %s", sw->runs_dir, strerror(errno));
        st = RIC_EIO;
        goto fail;
    }
    if (!ric_fs_is_real_dir(sw->runs_dir)) { /* a link planted there is never written through */
        ric_err_set(err,
                    "%s: is not a folder; ricsim writes its per-run files only into a folder "
                    "it made",
                    sw->runs_dir);
        st = RIC_EUSAGE;
        goto fail;
    }
    ric_fs_remove_run_files(sw->runs_dir, run_exts, 1); /* temporaries of interrupted workers */
    for (size_t id = sw->first; o->resume && id < sw->end; id++)
        if (kept_run(sw, id)) {
            sw->state[id - sw->first] = RUN_OK;
            sw->kept++;
            sw->done++;
        }
    ric_fs_join(sw->dir, "runs.tsv", path);
    sw->runs = open_new(path);
    ric_fs_join(sw->dir, "series.tsv", path);
    sw->series = sw->runs ? open_new(path) : NULL;
    if (sw->series) {
        ric_fs_join(sw->dir, "regions.tsv", path);
        sw->regions = open_new(path);
    }
    if (!sw->regions) {
        ric_err_set(err, "%s: cannot write: %s", path, strerror(errno));
        st = RIC_EIO;
        goto fail;
    }
    runs_header(sw);
    st = series_header(sw, err);
    if (st == RIC_OK)
        st = regions_header(sw, err);
    if (st == RIC_OK)
        st = append_ready(sw, err);
    if (st != RIC_OK)
        goto fail;
    free(plan);
    *out = sw;
    return RIC_OK;
fail:
    free(plan);
    ric_sweep_free(sw);
    return st;
}

int ric_sweep_done(const ric_sweep *sw)
{
    return sw->complete || (sw->running == 0 && (sw->next_append == sw->end || sw->stopping));
}

/* The body of a worker process: runs ID and leaves its results in the runs folder. Without them
 * (out of memory, a write error) the parent records the run as failed. */
static void run_one(void *ctx, size_t id, int fd)
{
    const ric_sweep *sw = ctx;
    (void)fd; /* the worker writes nothing: its results are files, the end of the pipe its end */
    char *row = NULL, *out = NULL, *copy = NULL;
    size_t rl = 0, ol = 0;
    ric_err err = {{0}};
    ric_run_result r;
    if (ric_plan_execute(sw->p, id, &row, &rl, &out, &ol, &err) == RIC_OK && (copy = strdup(row)) &&
        ric_execute_parse(copy, &r) == 0)
        ric_execute_save(sw->runs_dir, id, &r, row, rl, out, ol, &err);
    free(copy);
    free(row);
    free(out);
}

/* Records run ID, whose results are in the runs folder, as finished. */
static void finished(ric_sweep *sw, size_t id, const ric_run_result *r, ric_sweep_event *ev)
{
    sw->state[id - sw->first] = r->ok ? RUN_OK : RUN_FAILED;
    sw->running--;
    sw->done++;
    sw->finished_here++;
    if (!r->ok) {
        sw->failed++;
        if (sw->o.stop_on_error)
            sw->stopping = 1;
    }
    ev->finished = 1;
    ev->id = id;
    ev->ok = r->ok;
    snprintf(ev->error, sizeof ev->error, "%s", r->error);
}

/* Collects the worker in SLOT, which has ended: its K.row, or a failure written on its behalf. */
static ric_status reap(ric_sweep *sw, int slot, ric_sweep_event *ev, ric_err *err)
{
    size_t id = sw->pool.w[slot].job;
    int status = ric_pool_reap(&sw->pool, slot);
    char rowp[RIC_PATH_MAX];
    ric_execute_path(sw->runs_dir, id, "row", rowp);
    ric_run_result r;
    if (ric_execute_read(rowp, &r) != 0) {
        memset(&r, 0, sizeof r);
        if (WIFSIGNALED(status))
            snprintf(r.error, sizeof r.error, "the worker of run %zu was killed by signal %d", id,
                     WTERMSIG(status));
        else
            snprintf(r.error, sizeof r.error,
                     "the worker of run %zu ended without a result (exit status %d)", id,
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        r.steps_per_s = NAN;
        r.series_bytes = 5; /* "year\n" */
        r.regions_bytes = 0;
        ric_execute_nan_summary(sw->p, r.summary, sizeof r.summary);
        size_t len;
        char *text = ric_execute_text(&r, &len);
        ric_status st =
            text ? ric_execute_save(sw->runs_dir, id, &r, text, len, "year\n", 5, err) : RIC_ENOMEM;
        free(text);
        if (st != RIC_OK)
            return st;
    }
    finished(sw, id, &r, ev);
    return RIC_OK;
}

int ric_sweep_take(ric_sweep *sw, size_t *id)
{
    if (sw->complete || sw->stopping)
        return 0;
    while (sw->next_start < sw->end && sw->state[sw->next_start - sw->first] != RUN_PENDING)
        sw->next_start++;
    if (sw->next_start == sw->end)
        return 0;
    *id = sw->next_start++;
    sw->state[*id - sw->first] = RUN_RUNNING;
    sw->running++;
    return 1;
}

ric_status ric_sweep_put(ric_sweep *sw, size_t id, const char *row, size_t row_len,
                         const char *series, size_t series_len, ric_sweep_event *ev, ric_err *err)
{
    memset(ev, 0, sizeof *ev);
    ric_run_result r;
    char *copy = malloc(row_len + 1);
    if (!copy) {
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    memcpy(copy, row, row_len);
    copy[row_len] = '\0';
    int bad = id < sw->first || id >= sw->end || sw->state[id - sw->first] != RUN_RUNNING ||
              ric_execute_parse(copy, &r) != 0 || r.series_bytes < 0 || r.regions_bytes < 0 ||
              (size_t)r.series_bytes + (size_t)r.regions_bytes != series_len;
    free(copy);
    if (bad) {
        ric_err_set(err, "%s: malformed or unexpected results for run %zu", sw->dir, id);
        return RIC_EUSAGE;
    }
    ric_status st = ric_execute_save(sw->runs_dir, id, &r, row, row_len, series, series_len, err);
    if (st != RIC_OK)
        return st;
    finished(sw, id, &r, ev);
    return append_ready(sw, err);
}

ric_status ric_sweep_step(ric_sweep *sw, ric_sweep_event *ev, ric_err *err)
{
    memset(ev, 0, sizeof *ev);
    if (sw->complete)
        return RIC_OK;
    if (ric_interrupted()) {
        ric_err_set(err, "%s: interrupted after %zu of %zu runs; --resume continues the sweep",
                    sw->dir, sw->done, sw->end - sw->first);
        return RIC_EINTR;
    }
    size_t id;
    for (int i = 0; i < sw->o.jobs; i++) {
        if (sw->pool.w[i].pid)
            continue;
        if (!ric_sweep_take(sw, &id))
            break;
        /* the front end may catch SIGINT and SIGTERM to stop the sweep; a worker just ends */
        ric_status st =
            ric_pool_start(&sw->pool, i, id, RIC_POOL_DEFAULT_SIGNALS, run_one, sw, err);
        if (st != RIC_OK)
            return st;
    }
    if (sw->running == 0 || sw->o.jobs == 0) /* nothing to wait for here */
        return append_ready(sw, err);
    int slot;
    ric_status st = ric_pool_wait(&sw->pool, 1000, &slot, err);
    if (st == RIC_OK && slot >= 0) /* one run per step, so that each failure reaches the caller */
        st = reap(sw, slot, ev, err);
    if (st != RIC_OK)
        return st;
    return append_ready(sw, err);
}

void ric_sweep_progress_get(const ric_sweep *sw, ric_sweep_progress *out)
{
    out->total = sw->end - sw->first;
    out->done = sw->done;
    out->failed = sw->failed;
    out->kept = sw->kept;
    out->running = sw->running;
    out->elapsed_s = ric_clock_s() - sw->t0;
    out->runs_per_s = out->elapsed_s > 0 ? (double)sw->finished_here / out->elapsed_s : 0;
}

const char *ric_sweep_dir(const ric_sweep *sw)
{
    return sw->dir;
}

ric_status ric_sweep_finish(ric_sweep *sw, ric_err *err)
{
    if (sw->complete)
        return RIC_OK;
    if (sw->running || sw->next_append != sw->end) {
        ric_err_set(err, "%s: the sweep is not complete (%zu of %zu runs)", sw->dir,
                    sw->next_append - sw->first, sw->end - sw->first);
        return RIC_EUSAGE;
    }
    int bad = ric_fs_close(sw->runs, 1) != 0;
    sw->runs = NULL;
    bad |= ric_fs_close(sw->series, 1) != 0;
    sw->series = NULL;
    bad |= ric_fs_close(sw->regions, 1) != 0;
    sw->regions = NULL;
    if (bad) {
        ric_err_set(err, "%s: cannot write the results: %s", sw->dir, strerror(errno));
        return RIC_EIO;
    }
    /* the tidy tables first: stats.tsv, written last, marks a finished sweep */
    ric_status st = ric_tidy_finish(sw->dir, err);
    if (st == RIC_OK && sw->failed == 0)
        ric_fs_remove_run_dir(sw->runs_dir, run_exts);
    return st;
}

void ric_sweep_free(ric_sweep *sw)
{
    if (!sw)
        return;
    ric_pool_fini(&sw->pool);
    /* the workers it stopped may have left temporaries; the lock makes them this sweep's */
    if (sw->lock_fd >= 0 && sw->runs_dir[0])
        ric_fs_remove_run_files(sw->runs_dir, run_exts, 1);
    if (sw->runs)
        fclose(sw->runs);
    if (sw->series)
        fclose(sw->series);
    if (sw->regions)
        fclose(sw->regions);
    ric_lock_release(sw->lock_fd, sw->dir); /* no .lock left behind */
    free(sw->state);
    free(sw);
}
