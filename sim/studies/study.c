/* Runs of a study: the scenario loaded with --set-style overrides for each parameter vector and
 * replication seed, stepped to the last indicator year, and the indicators read from its yearly
 * rows. Runs are spread over worker processes (fork, one pipe each) and their results put back in
 * run order, so that the answer does not depend on the number of workers. Also the output folder
 * of the studies. */
#include "studies/study.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "batch/pool.h"
#include "input/cfg.h"

#include "ricsim/scenario.h"
#include "ricsim/sim.h"

uint64_t ric_study_seed(uint64_t master, size_t rep)
{
    /* SplitMix64's finaliser carried out modulo 2^63: every step (adding a multiple of an odd
     * constant, xor with a right shift, multiplication by an odd constant) is a bijection of
     * 63-bit values, so distinct replications get distinct seeds */
    const uint64_t m = (UINT64_C(1) << 63) - 1;
    uint64_t x = (master + (uint64_t)rep * UINT64_C(0x9e3779b97f4a7c15)) & m;
    x ^= x >> 30;
    x = (x * UINT64_C(0xbf58476d1ce4e5b9)) & m;
    x ^= x >> 27;
    x = (x * UINT64_C(0x94d049bb133111eb)) & m;
    x ^= x >> 31;
    return x;
}

/* A number as an override value: always with a point or exponent, so that it reads as a float. */
static void fmt_value(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.17g", v);
    if (!strpbrk(buf, ".eEni"))
        strncat(buf, ".0", n - strlen(buf) - 1);
}

size_t ric_study_overrides(const ric_study *st, const double *x, uint64_t seed,
                           char (*buf)[RIC_STUDY_OVERRIDE_MAX], const char **ov)
{
    size_t n = 0;
    snprintf(buf[n], RIC_STUDY_OVERRIDE_MAX, "time.output_every=%d",
             st->output_every > 0 ? st->output_every : st->steps_per_year);
    ov[n] = buf[n];
    n++;
    for (size_t j = 0; j < st->n_params; j++) {
        char v[64];
        fmt_value(v, sizeof v, x[j]);
        snprintf(buf[n], RIC_STUDY_OVERRIDE_MAX, "%s=%s", st->params[j].key, v);
        ov[n] = buf[n];
        n++;
    }
    snprintf(buf[n], RIC_STUDY_OVERRIDE_MAX, "seed=%llu", (unsigned long long)seed);
    ov[n] = buf[n];
    return n + 1;
}

/* ---- one run ----------------------------------------------------------------------------- */

/* The last step any probe reads. */
static long last_step(const ric_study *st)
{
    long last = 0;
    for (size_t k = 0; k < st->n_probes; k++) {
        const ric_probe *p = &st->probes[k];
        long s = p->sum ? p->until_step : p->step;
        if (s > last)
            last = s;
    }
    return last;
}

/* One run of scenario PATH: its probes into y (NaN where undefined). */
static ric_status run_one(const ric_study *st, const char *path, const double *x, uint64_t seed,
                          double *y, ric_err *err)
{
    char buf[RIC_STUDY_MAX_PARAMS + 2][RIC_STUDY_OVERRIDE_MAX];
    const char *ov[RIC_STUDY_MAX_PARAMS + 2];
    size_t n = ric_study_overrides(st, x, seed, buf, ov);
    for (size_t k = 0; k < st->n_probes; k++)
        y[k] = st->probes[k].sum ? 0.0 : NAN;
    ric_scenario *sc = NULL;
    ric_status rc = ric_scenario_load(path, ov, n, &sc, err);
    if (rc != RIC_OK)
        return rc;
    ric_sim *s = NULL;
    rc = ric_sim_alloc(sc, &s, err);
    double *row = NULL;
    if (rc == RIC_OK) {
        row = malloc(ric_sim_ncols(s) * sizeof *row);
        if (!row) {
            ric_err_set(err, "%s: out of memory", path);
            rc = RIC_ENOMEM;
        }
    }
    long last = last_step(st);
    while (rc == RIC_OK && !ric_sim_done(s)) {
        if (ric_interrupted()) {
            ric_err_set(err, "%s: interrupted", path);
            rc = RIC_EINTR;
            break;
        }
        int due;
        rc = ric_sim_advance(s, row, &due, err);
        if (rc != RIC_OK || !due)
            continue;
        /* the row's step: its year is the end of the step */
        long step = lround((row[0] - st->start) * (double)st->steps_per_year);
        for (size_t k = 0; k < st->n_probes; k++) {
            const ric_probe *p = &st->probes[k];
            if (!p->sum && step == p->step)
                y[k] = row[p->col];
            else if (p->sum && step > p->step && step <= p->until_step)
                y[k] += row[p->col]; /* a flow column: the rows of the span add up to it */
        }
        if (step >= last)
            break; /* the rest of the run cannot change the indicators */
    }
    free(row);
    ric_sim_free(s);
    ric_scenario_free(sc);
    return rc;
}

ric_status ric_study_run(const ric_study *st, const double *x, uint64_t seed, double *y,
                         ric_err *err)
{
    ric_status rc = run_one(st, st->scenario, x, seed, y, err);
    if (rc != RIC_OK || !st->contrast[0])
        return rc;
    /* the paired difference: the contrast at the same parameters and seed */
    double yb[RIC_STUDY_MAX_PROBES];
    rc = run_one(st, st->contrast, x, seed, yb, err);
    for (size_t k = 0; k < st->n_probes; k++)
        y[k] = rc == RIC_OK ? yb[k] - y[k] : NAN;
    return rc;
}

/* ---- workers ----------------------------------------------------------------------------- */

typedef struct {
    uint64_t job;
    int32_t status;
    int32_t pad;
} rec_head;

static int write_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Bytes read (n, or fewer at end of file), -1 on error. On EINTR after ric_interrupt(), tells the
 * workers to stop (they finish their step and report RIC_EINTR). */
static ssize_t read_all(int fd, void *p, size_t n, const ric_pool *pl)
{
    char *b = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR) {
            if (ric_interrupted())
                ric_pool_kill(pl, SIGTERM);
            continue;
        }
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* What every worker of one evaluation shares. */
typedef struct {
    const ric_study *st;
    const double *x;
    uint64_t master;
    const uint64_t *masters; /* per vector, or NULL: MASTER for all */
    size_t reps, jobs;
    int nw;
} eval_job;

/* The seed of job J. */
static uint64_t job_seed(uint64_t master, const uint64_t *masters, size_t reps, size_t j)
{
    return ric_study_seed(masters ? masters[j / reps] : master, j % reps);
}

/* Worker W runs jobs w, w + nw, ... and only then writes their records: the parent drains the
 * pipes one after the other, so a worker that wrote while running could stall on a full pipe. */
static void worker(void *ctx, size_t w_job, int fd)
{
    const eval_job *ej = ctx;
    const ric_study *st = ej->st;
    const double *x = ej->x;
    uint64_t master = ej->master;
    const uint64_t *masters = ej->masters;
    size_t reps = ej->reps, jobs = ej->jobs;
    int w = (int)w_job, nw = ej->nw;
    size_t mine = (jobs - (size_t)w + (size_t)nw - 1) / (size_t)nw;
    double *y = malloc(mine * st->n_probes * sizeof *y);
    ric_err e = {{0}};
    rec_head h = {.status = RIC_ENOMEM};
    size_t done = 0;
    if (y) {
        h.status = RIC_OK;
        for (; done < mine; done++) {
            size_t j = (size_t)w + done * (size_t)nw;
            h.status = (int32_t)ric_study_run(st, x + (j / reps) * st->n_params,
                                              job_seed(master, masters, reps, j),
                                              y + done * st->n_probes, &e);
            if (h.status != RIC_OK)
                break;
        }
    } else {
        ric_err_set(&e, "%s: out of memory", st->scenario);
    }
    int ok = 1;
    for (size_t i = 0; ok && i < done; i++) {
        rec_head g = {.job = (size_t)w + i * (size_t)nw, .status = RIC_OK};
        ok = write_all(fd, &g, sizeof g) == 0 &&
             write_all(fd, y + i * st->n_probes, st->n_probes * sizeof *y) == 0;
    }
    if (ok && h.status != RIC_OK) {
        h.job = (size_t)w + done * (size_t)nw;
        if (write_all(fd, &h, sizeof h) == 0)
            write_all(fd, &e, sizeof e);
    }
    free(y);
}

/* Names the failed run, so that it can be repeated with ricsim run --seed. */
static void annotate(ric_err *err, ric_status rc, size_t job, size_t reps, uint64_t master,
                     const uint64_t *masters)
{
    if (rc == RIC_EINTR)
        return;
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    ric_err_set(err, "%s (parameter vector %zu, seed %llu)", msg, job / reps,
                (unsigned long long)job_seed(master, masters, reps, job));
}

static ric_status eval_forked(const ric_study *st, const double *x, uint64_t master,
                              const uint64_t *masters, size_t reps, size_t jobs, int nw, double *y,
                              ric_err *err)
{
    ric_pool pl;
    ric_status rc = ric_pool_init(&pl, nw, err);
    if (rc != RIC_OK)
        return rc;
    eval_job ej = {st, x, master, masters, reps, jobs, nw};
    int started = 0;
    for (int w = 0; w < nw; w++) {
        /* workers keep the parent's signal handlers: the SIGTERM that read_all sends on an
         * interrupt makes them stop at the end of their step and report RIC_EINTR */
        if (ric_pool_start(&pl, w, (size_t)w, 0, worker, &ej, err) != RIC_OK) {
            ric_err_set(err, "%s: cannot start workers: %s", st->scenario, strerror(errno));
            rc = RIC_EIO;
            break;
        }
        started++;
    }
    size_t received = 0, first_bad = SIZE_MAX;
    ric_err bad = {{0}};
    ric_status bad_rc = RIC_OK;
    int died = 0;
    for (int w = 0; w < started; w++) {
        for (;;) {
            rec_head h;
            int fd = pl.w[w].fd;
            ssize_t r = read_all(fd, &h, sizeof h, &pl);
            if (r != (ssize_t)sizeof h)
                break;
            if (h.job >= jobs)
                break;
            if (h.status == RIC_OK) {
                if (read_all(fd, y + h.job * st->n_probes, st->n_probes * sizeof *y, &pl) !=
                    (ssize_t)(st->n_probes * sizeof *y))
                    break;
                received++;
            } else {
                ric_err e;
                if (read_all(fd, &e, sizeof e, &pl) != (ssize_t)sizeof e)
                    break;
                e.msg[sizeof e.msg - 1] = '\0';
                if (h.job < first_bad) {
                    first_bad = (size_t)h.job;
                    bad = e;
                    bad_rc = (ric_status)h.status;
                }
            }
        }
        int status = ric_pool_reap(&pl, w);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            died = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
    }
    ric_pool_fini(&pl);
    if (rc != RIC_OK)
        return rc;
    if (first_bad != SIZE_MAX) {
        *err = bad;
        annotate(err, bad_rc, first_bad, reps, master, masters);
        return bad_rc;
    }
    if (received != jobs) {
        if (ric_interrupted()) {
            ric_err_set(err, "%s: interrupted", st->scenario);
            return RIC_EINTR;
        }
        ric_err_set(err, "%s: a worker process died (%s %d) before finishing its runs",
                    st->scenario, died > 0 ? "signal" : "status", died);
        return RIC_EIO;
    }
    return RIC_OK;
}

static ric_status eval(const ric_study *st, const double *x, size_t n_points, uint64_t master,
                       const uint64_t *masters, size_t reps, double *y, ric_err *err)
{
    size_t jobs = n_points * reps;
    int nw = st->workers < 1 ? 1 : st->workers;
    if ((size_t)nw > jobs)
        nw = (int)jobs;
    ric_status rc = RIC_OK;
    if (jobs == 0)
        return RIC_OK;
    if (st->runner) {
        size_t bad = 0;
        rc = st->runner(st->runner_ctx, st, x, master, masters, reps, jobs, y, &bad, err);
        if (rc != RIC_OK)
            annotate(err, rc, bad, reps, master, masters);
    } else if (nw > 1) {
        rc = eval_forked(st, x, master, masters, reps, jobs, nw, y, err);
    } else {
        for (size_t j = 0; j < jobs && rc == RIC_OK; j++) {
            rc = ric_study_run(st, x + (j / reps) * st->n_params,
                               job_seed(master, masters, reps, j), y + j * st->n_probes, err);
            if (rc != RIC_OK)
                annotate(err, rc, j, reps, master, masters);
        }
    }
    return rc;
}

ric_status ric_study_eval(const ric_study *st, const double *x, size_t n_points, uint64_t master,
                          size_t reps, double *y, ric_err *err)
{
    return eval(st, x, n_points, master, NULL, reps, y, err);
}

ric_status ric_study_eval_keyed(const ric_study *st, const double *x, size_t n_points,
                                const uint64_t *masters, size_t reps, double *y, ric_err *err)
{
    return eval(st, x, n_points, 0, masters, reps, y, err);
}

/* ---- init -------------------------------------------------------------------------------- */

static ric_status check_bounds(const ric_study *st, const char *path, const char *label,
                               ric_err *err)
{
    for (size_t j = 0; j < st->n_params; j++) {
        const ric_study_param *p = &st->params[j];
        double ends[2] = {p->lo, p->hi};
        for (int e = 0; e < 2; e++) {
            char v[64], set[RIC_STUDY_OVERRIDE_MAX];
            fmt_value(v, sizeof v, ends[e]);
            snprintf(set, sizeof set, "%s=%s", p->key, v);
            const char *ov[1] = {set};
            ric_scenario *sc = NULL;
            ric_err e2 = {{0}};
            ric_status rc = ric_scenario_load(path, ov, 1, &sc, &e2);
            ric_scenario_free(sc);
            if (rc != RIC_OK) {
                ric_err_set(err, "%s: parameter '%s' at its %s: %s", label, p->name,
                            e ? "max" : "min", e2.msg);
                return rc;
            }
        }
    }
    return RIC_OK;
}

static long gcd_l(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Steps from the start to year Y when Y ends a step (within STEP_TOL of a step), else -1. */
#define STEP_TOL 0.005 /* years (about two days): lets 1994.833 name the end of October 1994 */
static long step_of(const ric_study *st, double y)
{
    double s = (y - st->start) * (double)st->steps_per_year;
    long k = lround(s);
    return fabs(y - (st->start + (double)k / st->steps_per_year)) <= STEP_TOL ? k : -1;
}

/* Checks that every probe names a column of scenario SC (its simulation S) and rows inside it. */
static ric_status check_probes(ric_study *st, const ric_scenario *sc, ric_sim *s, const char *label,
                               ric_err *err)
{
    const char *const *names = ric_sim_colnames(s);
    size_t nc = ric_sim_ncols(s);
    long n_steps = lround((st->end - st->start) * st->steps_per_year);
    for (size_t k = 0; k < st->n_probes; k++) {
        ric_probe *p = &st->probes[k];
        p->col = nc;
        for (size_t i = 1; i < nc; i++)
            if (strcmp(names[i], p->column) == 0)
                p->col = i;
        const char *at = p->where[0] ? p->where : label;
        if (p->col == nc) {
            ric_err_set(err, "%s: no column '%s' in the output of scenario '%s'", at, p->column,
                        sc->name);
            return RIC_ESCENARIO;
        }
        p->step = step_of(st, p->year);
        p->until_step = p->sum ? step_of(st, p->until) : p->step;
        /* a value needs a row after the first step; a sum starts at a row or at the start */
        long first = p->sum ? 0 : 1;
        if (p->step < first || p->step > n_steps || p->until_step > n_steps ||
            (p->sum && p->until_step <= p->step)) {
            if (p->sum)
                ric_err_set(err,
                            "%s: the span %g to %g of '%s' is not a span of rows of scenario "
                            "'%s' (%g to %g, steps of 1/%d year)",
                            at, p->year, p->until, p->column, sc->name, st->start, st->end,
                            st->steps_per_year);
            else
                ric_err_set(err,
                            "%s: year %g of '%s' is not a row of scenario '%s' (the end of a "
                            "step of 1/%d year, from %g to %g)",
                            at, p->year, p->column, sc->name, st->steps_per_year,
                            st->start + 1.0 / st->steps_per_year, st->end);
            return RIC_ESCENARIO;
        }
    }
    return RIC_OK;
}

/* Rows every whole year unless a probe needs a row between them: then every g steps, g the
 * greatest common divisor of steps_per_year and the probes' steps. */
static int output_every(const ric_study *st)
{
    long g = st->steps_per_year;
    for (size_t k = 0; k < st->n_probes; k++) {
        g = gcd_l(g, st->probes[k].step);
        g = gcd_l(g, st->probes[k].until_step);
    }
    return g > 0 ? (int)g : 1;
}

ric_status ric_study_init(ric_study *st, const char *label, ric_err *err)
{
    ric_scenario *sc = NULL;
    ric_status rc = ric_scenario_load(st->scenario, NULL, 0, &sc, err);
    if (rc != RIC_OK)
        return rc;
    st->steps_per_year = sc->steps_per_year;
    st->start = sc->start;
    st->end = sc->end;
    snprintf(st->scenario_name, sizeof st->scenario_name, "%s", sc->name);
    st->scenario_hash = sc->hash;

    ric_sim *s = NULL;
    rc = ric_sim_alloc(sc, &s, err);
    if (rc != RIC_OK) {
        ric_scenario_free(sc);
        return rc;
    }
    rc = check_probes(st, sc, s, label, err);
    ric_sim_free(s);
    st->output_every = output_every(st);

    /* the contrast: the same time settings and every probe's column */
    if (rc == RIC_OK && st->contrast[0]) {
        ric_scenario *sb = NULL;
        rc = ric_scenario_load(st->contrast, NULL, 0, &sb, err);
        if (rc == RIC_OK && (sb->start != sc->start || sb->end != sc->end ||
                             sb->steps_per_year != sc->steps_per_year)) {
            ric_err_set(err,
                        "%s: the contrast %s differs from %s in its time settings (start, end, "
                        "steps_per_year); a paired difference needs the same rows",
                        label, st->contrast, st->scenario);
            rc = RIC_ESCENARIO;
        }
        ric_sim *sbs = NULL;
        if (rc == RIC_OK)
            rc = ric_sim_alloc(sb, &sbs, err);
        if (rc == RIC_OK) {
            ric_study tmp = *st; /* the columns' indexes may differ: the contrast keeps its own */
            rc = check_probes(&tmp, sb, sbs, label, err);
            for (size_t k = 0; rc == RIC_OK && k < st->n_probes; k++)
                if (tmp.probes[k].col != st->probes[k].col) {
                    ric_err_set(err,
                                "%s: column '%s' is not at the same place in the output of the "
                                "contrast %s",
                                label, st->probes[k].column, st->contrast);
                    rc = RIC_ESCENARIO;
                }
        }
        ric_sim_free(sbs);
        ric_scenario_free(sb);
    }

    /* the scenario's own values, from its effective text */
    config_t cfg;
    config_init(&cfg);
    if (rc == RIC_OK && config_read_string(&cfg, sc->effective))
        for (size_t j = 0; j < st->n_params; j++) {
            config_setting_t *parent;
            const char *last;
            const config_setting_t *v = ric_cfg_resolve(&cfg, st->params[j].key, 0, &parent, &last);
            int t = v ? config_setting_type(v) : CONFIG_TYPE_NONE;
            st->params[j].value = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(v)
                                  : t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64
                                      ? (double)config_setting_get_int64(v)
                                      : NAN;
            if (isnan(st->params[j].start) && st->params[j].value >= st->params[j].lo &&
                st->params[j].value <= st->params[j].hi)
                st->params[j].start = st->params[j].value;
        }
    config_destroy(&cfg);
    ric_scenario_free(sc);
    if (rc == RIC_OK)
        rc = check_bounds(st, st->scenario, label, err);
    if (rc == RIC_OK && st->contrast[0])
        rc = check_bounds(st, st->contrast, label, err);
    return rc;
}

void ric_study_describe(const ric_study *st, const char *kind, const char *label, ric_sbuf *b)
{
    char safe[4 * RIC_PATH_MAX]; /* file names are free text: escaped onto one line */
    ric_sbuf_put(b, "# ricsim_version=%s\n", RIC_VERSION);
    ric_sbuf_put(b, "# %s=%s\n", kind, ric_text_field(label, safe, sizeof safe));
    ric_sbuf_put(b, "# scenario=%s (%s, hash %016llx)\n",
                 ric_text_field(st->scenario, safe, sizeof safe), st->scenario_name,
                 (unsigned long long)st->scenario_hash);
    if (st->contrast[0])
        ric_sbuf_put(b, "# contrast=%s (every indicator is contrast - scenario)\n",
                     ric_text_field(st->contrast, safe, sizeof safe));
    if (st->output_every == st->steps_per_year || st->output_every == 0)
        ric_sbuf_put(b, "# replications=%zu seed=%llu rows=yearly (time.output_every=%d)\n",
                     st->reps, (unsigned long long)st->seed, st->steps_per_year);
    else
        ric_sbuf_put(b, "# replications=%zu seed=%llu rows=every %d steps (time.output_every=%d)\n",
                     st->reps, (unsigned long long)st->seed, st->output_every, st->output_every);
    ric_sbuf_put(b, "# parameters:");
    for (size_t j = 0; j < st->n_params; j++)
        ric_sbuf_put(b, " %s=%s[%.17g,%.17g]%s", st->params[j].name, st->params[j].key,
                     st->params[j].lo, st->params[j].hi, st->params[j].log_prior ? "log" : "");
    ric_sbuf_put(b, "\n# indicators:");
    for (size_t k = 0; k < st->n_probes; k++) {
        if (st->probes[k].sum)
            ric_sbuf_put(b, " %s@(%.17g,%.17g]", st->probes[k].column, st->probes[k].year,
                         st->probes[k].until);
        else
            ric_sbuf_put(b, " %s@%.17g", st->probes[k].column, st->probes[k].year);
    }
    ric_sbuf_put(b, "\n");
}

/* ---- output folder ------------------------------------------------------------------------ */

ric_status ric_study_outdir(const char *dir, const char *guard, int force, ric_err *err)
{
    if (strlen(dir) >= 4000) {
        ric_err_set(err, "%.100s...: output folder name too long", dir);
        return RIC_EUSAGE;
    }
    char p[RIC_PATH_MAX];
    ric_fs_join(dir, guard, p);
    if (!force && access(p, F_OK) == 0) {
        ric_err_set(err, "%s: already holds %s; use --force to replace it", dir, guard);
        return RIC_EUSAGE;
    }
    if (ric_fs_mkdirs(dir) != 0) {
        ric_err_set(err, "%s: cannot create output folder: %s", dir, strerror(errno));
        return RIC_EIO;
    }
    return RIC_OK;
}
