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

#define YEAR_TOL 1e-6 /* row years are sums of 1/steps_per_year: compare with a tolerance */

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
    snprintf(buf[n], RIC_STUDY_OVERRIDE_MAX, "time.output_every=%d", st->steps_per_year);
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

static double last_year(const ric_study *st)
{
    double y = -HUGE_VAL;
    for (size_t k = 0; k < st->n_probes; k++)
        if (st->probes[k].year > y)
            y = st->probes[k].year;
    return y;
}

ric_status ric_study_run(const ric_study *st, const double *x, uint64_t seed, double *y,
                         ric_err *err)
{
    char buf[RIC_STUDY_MAX_PARAMS + 2][RIC_STUDY_OVERRIDE_MAX];
    const char *ov[RIC_STUDY_MAX_PARAMS + 2];
    size_t n = ric_study_overrides(st, x, seed, buf, ov);
    for (size_t k = 0; k < st->n_probes; k++)
        y[k] = NAN;
    ric_scenario *sc = NULL;
    ric_status rc = ric_scenario_load(st->scenario, ov, n, &sc, err);
    if (rc != RIC_OK)
        return rc;
    ric_sim *s = NULL;
    rc = ric_sim_alloc(sc, &s, err);
    double *row = NULL;
    if (rc == RIC_OK) {
        row = malloc(ric_sim_ncols(s) * sizeof *row);
        if (!row) {
            ric_err_set(err, "%s: out of memory", st->scenario);
            rc = RIC_ENOMEM;
        }
    }
    double last = last_year(st);
    while (rc == RIC_OK && !ric_sim_done(s)) {
        if (ric_interrupted()) {
            ric_err_set(err, "%s: interrupted", st->scenario);
            rc = RIC_EINTR;
            break;
        }
        int due;
        rc = ric_sim_advance(s, row, &due, err);
        if (rc != RIC_OK || !due)
            continue;
        for (size_t k = 0; k < st->n_probes; k++)
            if (fabs(row[0] - st->probes[k].year) < YEAR_TOL)
                y[k] = row[st->probes[k].col];
        if (row[0] > last - YEAR_TOL)
            break; /* the rest of the run cannot change the indicators */
    }
    free(row);
    ric_sim_free(s);
    ric_scenario_free(sc);
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
    size_t reps, jobs;
    int nw;
} eval_job;

/* Worker W runs jobs w, w + nw, ... and only then writes their records: the parent drains the
 * pipes one after the other, so a worker that wrote while running could stall on a full pipe. */
static void worker(void *ctx, size_t w_job, int fd)
{
    const eval_job *ej = ctx;
    const ric_study *st = ej->st;
    const double *x = ej->x;
    uint64_t master = ej->master;
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
                                              ric_study_seed(master, j % reps),
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
static void annotate(ric_err *err, ric_status rc, size_t job, size_t reps, uint64_t master)
{
    if (rc == RIC_EINTR)
        return;
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    ric_err_set(err, "%s (parameter vector %zu, seed %llu)", msg, job / reps,
                (unsigned long long)ric_study_seed(master, job % reps));
}

static ric_status eval_forked(const ric_study *st, const double *x, uint64_t master, size_t reps,
                              size_t jobs, int nw, double *y, ric_err *err)
{
    ric_pool pl;
    ric_status rc = ric_pool_init(&pl, nw, err);
    if (rc != RIC_OK)
        return rc;
    eval_job ej = {st, x, master, reps, jobs, nw};
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
        annotate(err, bad_rc, first_bad, reps, master);
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

ric_status ric_study_eval(const ric_study *st, const double *x, size_t n_points, uint64_t master,
                          size_t reps, double *y, ric_err *err)
{
    size_t jobs = n_points * reps;
    int nw = st->workers < 1 ? 1 : st->workers;
    if ((size_t)nw > jobs)
        nw = (int)jobs;
    ric_status rc = RIC_OK;
    if (st->runner) {
        size_t bad = 0;
        rc = st->runner(st->runner_ctx, st, x, master, reps, jobs, y, &bad, err);
        if (rc != RIC_OK)
            annotate(err, rc, bad, reps, master);
    } else if (nw > 1) {
        rc = eval_forked(st, x, master, reps, jobs, nw, y, err);
    } else {
        for (size_t j = 0; j < jobs && rc == RIC_OK; j++) {
            rc = ric_study_run(st, x + (j / reps) * st->n_params, ric_study_seed(master, j % reps),
                               y + j * st->n_probes, err);
            if (rc != RIC_OK)
                annotate(err, rc, j, reps, master);
        }
    }
    return rc;
}

/* ---- init -------------------------------------------------------------------------------- */

static ric_status check_bounds(const ric_study *st, const char *label, ric_err *err)
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
            ric_status rc = ric_scenario_load(st->scenario, ov, 1, &sc, &e2);
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
    const char *const *names = ric_sim_colnames(s);
    size_t nc = ric_sim_ncols(s);
    for (size_t k = 0; k < st->n_probes && rc == RIC_OK; k++) {
        ric_probe *p = &st->probes[k];
        p->col = nc;
        for (size_t i = 1; i < nc; i++)
            if (strcmp(names[i], p->column) == 0)
                p->col = i;
        double whole = round(p->year - st->start);
        const char *at = p->where[0] ? p->where : label;
        if (p->col == nc) {
            ric_err_set(err, "%s: no column '%s' in the output of scenario '%s'", at, p->column,
                        sc->name);
            rc = RIC_ESCENARIO;
        } else if (!(p->year >= st->start + 1 - YEAR_TOL && p->year <= st->end + YEAR_TOL) ||
                   fabs(p->year - st->start - whole) > YEAR_TOL) {
            ric_err_set(err,
                        "%s: year %g of '%s' is not a yearly row of scenario '%s' (%g + whole "
                        "years, up to %g)",
                        at, p->year, p->column, sc->name, st->start + 1, st->end);
            rc = RIC_ESCENARIO;
        }
    }
    ric_sim_free(s);

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
        rc = check_bounds(st, label, err);
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
    ric_sbuf_put(b, "# replications=%zu seed=%llu rows=yearly (time.output_every=%d)\n", st->reps,
                 (unsigned long long)st->seed, st->steps_per_year);
    ric_sbuf_put(b, "# parameters:");
    for (size_t j = 0; j < st->n_params; j++)
        ric_sbuf_put(b, " %s=%s[%.17g,%.17g]", st->params[j].name, st->params[j].key,
                     st->params[j].lo, st->params[j].hi);
    ric_sbuf_put(b, "\n# indicators:");
    for (size_t k = 0; k < st->n_probes; k++)
        ric_sbuf_put(b, " %s@%.17g", st->probes[k].column, st->probes[k].year);
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
