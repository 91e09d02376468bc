/* Sensitivity analysis: Morris trajectories and elementary effects, the Saltelli design and Sobol
 * indices (sensitivity.h), and the study that runs them on a scenario (or on the paired
 * difference of a contrast scenario and it): reads a study file's 'sensitivity' group, evaluates
 * the design points through study.c in chunks, and writes the ranked tables. */
#include "studies/sensitivity.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/atomic.h"
#include "base/fs.h"
#include "base/lock.h"
#include "base/sbuf.h"
#include "batch/runs.h"
#include "ricsim/experiment.h"
#include "study_cfg.h"
#include "study_dir.h"

#define MAX_POINTS 10000000 /* design rows of one study */

static gsl_rng *rng_for(uint64_t seed)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    /* MT19937 takes an unsigned long: fold the 64-bit seed so that both halves count */
    if (g)
        gsl_rng_set(g, (unsigned long)(seed ^ (seed >> 32)));
    return g;
}

/* 2.5% and 97.5% percentiles of v[0..n) (sorted in place); NaN if n = 0. */
static void percentiles(double *v, size_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(v, 1, n);
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.975);
}

/* ---- Morris -------------------------------------------------------------------------------- */

size_t ric_morris_points(size_t k, size_t r)
{
    return r * (k + 1);
}

ric_status ric_morris_design(size_t k, size_t r, size_t levels, uint64_t seed, double *x,
                             ric_err *err)
{
    if (k == 0 || r == 0 || levels < 2 || levels % 2) {
        ric_err_set(err,
                    "Morris: needs k >= 1, r >= 1 and an even number of levels (got k %zu, "
                    "r %zu, levels %zu)",
                    k, r, levels);
        return RIC_EUSAGE;
    }
    gsl_rng *g = rng_for(seed);
    size_t *perm = malloc(k * sizeof *perm);
    int *dir = malloc(k * sizeof *dir);
    if (!g || !perm || !dir) {
        gsl_rng_free(g);
        free(perm);
        free(dir);
        ric_err_set(err, "Morris: out of memory");
        return RIC_ENOMEM;
    }
    double step = 1.0 / (double)(levels - 1), delta = (double)levels / (2.0 * (double)(levels - 1));
    for (size_t t = 0; t < r; t++) {
        double *row = x + t * (k + 1) * k;
        /* base level b in {0, .., 1 - delta}; a coordinate moving down starts at b + delta */
        for (size_t i = 0; i < k; i++) {
            double b = (double)gsl_rng_uniform_int(g, levels / 2) * step;
            dir[i] = gsl_rng_uniform_int(g, 2) ? 1 : -1;
            row[i] = dir[i] > 0 ? b : b + delta;
            perm[i] = i;
        }
        for (size_t i = k - 1; i > 0; i--) { /* Fisher-Yates */
            size_t j = (size_t)gsl_rng_uniform_int(g, i + 1);
            size_t tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (size_t s = 0; s < k; s++) {
            double *next = row + k;
            memcpy(next, row, k * sizeof *row);
            size_t i = perm[s];
            next[i] = dir[i] > 0 ? fmin(row[i] + delta, 1.0) : fmax(row[i] - delta, 0.0);
            row = next;
        }
    }
    gsl_rng_free(g);
    free(perm);
    free(dir);
    return RIC_OK;
}

ric_status ric_morris_analyse(size_t k, size_t r, const double *x, const double *y, size_t n_out,
                              size_t boot, uint64_t seed, ric_morris_index *out, ric_err *err)
{
    /* ee[(o * k + i) * r + t]: the effect of parameter i on output o in trajectory t */
    double *ee = malloc(n_out * k * r * sizeof *ee);
    double *tmp = malloc((r > boot ? r : boot) * sizeof *tmp + sizeof *tmp);
    gsl_rng *g = boot ? rng_for(seed) : NULL;
    if (!ee || !tmp || (boot && !g)) {
        free(ee);
        free(tmp);
        gsl_rng_free(g);
        ric_err_set(err, "Morris: out of memory");
        return RIC_ENOMEM;
    }
    for (size_t i = 0; i < n_out * k * r; i++)
        ee[i] = NAN;
    for (size_t t = 0; t < r; t++)
        for (size_t s = 0; s < k; s++) {
            size_t a = t * (k + 1) + s, b = a + 1;
            size_t i = 0;
            double dx = 0;
            for (size_t j = 0; j < k; j++) {
                double d = x[b * k + j] - x[a * k + j];
                if (fabs(d) > fabs(dx)) {
                    dx = d;
                    i = j;
                }
            }
            if (dx == 0)
                continue;
            for (size_t o = 0; o < n_out; o++)
                ee[(o * k + i) * r + t] = (y[b * n_out + o] - y[a * n_out + o]) / dx;
        }
    for (size_t o = 0; o < n_out; o++)
        for (size_t i = 0; i < k; i++) {
            const double *e = ee + (o * k + i) * r;
            ric_morris_index m = {
                .mu = NAN, .mu_star = NAN, .sigma = NAN, .mu_star_lo = NAN, .mu_star_hi = NAN};
            size_t n = 0;
            for (size_t t = 0; t < r; t++)
                if (!isnan(e[t]))
                    tmp[n++] = e[t];
            m.n = n;
            if (n > 0) {
                m.mu = gsl_stats_mean(tmp, 1, n);
                double a = 0;
                for (size_t t = 0; t < n; t++)
                    a += fabs(tmp[t]);
                m.mu_star = a / (double)n;
            }
            if (n > 1)
                m.sigma = gsl_stats_sd_m(tmp, 1, n, m.mu);
            if (boot && n > 0) {
                size_t nb = 0;
                for (size_t b = 0; b < boot; b++) {
                    double s = 0;
                    size_t c = 0;
                    for (size_t t = 0; t < r; t++) {
                        double v = e[gsl_rng_uniform_int(g, r)];
                        if (!isnan(v)) {
                            s += fabs(v);
                            c++;
                        }
                    }
                    if (c)
                        tmp[nb++] = s / (double)c;
                }
                percentiles(tmp, nb, &m.mu_star_lo, &m.mu_star_hi);
            }
            out[o * k + i] = m;
        }
    free(ee);
    free(tmp);
    gsl_rng_free(g);
    return RIC_OK;
}

/* ---- Sobol ----------------------------------------------------------------------------------- */

size_t ric_sobol_points(size_t k, size_t n)
{
    return n * (k + 2);
}

ric_status ric_sobol_design(size_t k, size_t n, double *x, ric_err *err)
{
    if (k == 0 || 2 * k > 40 || n == 0) {
        ric_err_set(err,
                    "Sobol: needs 1 <= k <= 20 parameters and n >= 1 samples (got k %zu, "
                    "n %zu)",
                    k, n);
        return RIC_EUSAGE;
    }
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    double v[40];
    if (!q) {
        ric_err_set(err, "Sobol: out of memory");
        return RIC_ENOMEM;
    }
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, v);
        double *blk = x + j * (k + 2) * k;
        memcpy(blk, v, k * sizeof *v);         /* A_j */
        memcpy(blk + k, v + k, k * sizeof *v); /* B_j */
        for (size_t i = 0; i < k; i++) {       /* AB_j^i */
            double *row = blk + (2 + i) * k;
            memcpy(row, v, k * sizeof *v);
            row[i] = v[k + i];
        }
    }
    gsl_qrng_free(q);
    return RIC_OK;
}

/* The estimators over the base samples pick[0..m) for output o and parameter i. */
static void sobol_estimate(size_t k, const double *y, size_t n_out, size_t o, size_t i,
                           const size_t *pick, size_t m, double *s1, double *st)
{
#define F(row) y[(row)*n_out + o]
    double sum = 0;
    size_t c = 0;
    for (size_t q = 0; q < m; q++) {
        size_t base = pick[q] * (k + 2);
        if (isnan(F(base)) || isnan(F(base + 1)) || isnan(F(base + 2 + i)))
            continue;
        sum += F(base) + F(base + 1);
        c++;
    }
    *s1 = *st = NAN;
    if (c == 0)
        return;
    /* two passes: indicators such as employees have a large mean and a small spread */
    double mean = sum / (2.0 * (double)c), v = 0, a = 0, b = 0;
    for (size_t q = 0; q < m; q++) {
        size_t base = pick[q] * (k + 2);
        double fa = F(base), fb = F(base + 1), fab = F(base + 2 + i);
        if (isnan(fa) || isnan(fb) || isnan(fab))
            continue;
        v += (fa - mean) * (fa - mean) + (fb - mean) * (fb - mean);
        /* centred: the expectation is unchanged (f(AB_i) - f(A) has mean 0) and the variance
         * falls when the mean is large against the spread (Sobol' 2001, section 4) */
        a += (fb - mean) * (fab - fa);
        b += (fa - fab) * (fa - fab);
    }
#undef F
    v /= 2.0 * (double)c;
    if (!(v > 0))
        return;
    *s1 = a / (double)c / v;
    *st = b / (2.0 * (double)c) / v;
}

ric_status ric_sobol_analyse(size_t k, size_t n, const double *y, size_t n_out, size_t boot,
                             uint64_t seed, ric_sobol_index *out, ric_err *err)
{
    size_t *pick = malloc(n * sizeof *pick);
    double *b1 = boot ? malloc(boot * sizeof *b1) : NULL,
           *bt = boot ? malloc(boot * sizeof *bt) : NULL;
    gsl_rng *g = boot ? rng_for(seed) : NULL;
    if (!pick || (boot && (!b1 || !bt || !g))) {
        free(pick);
        free(b1);
        free(bt);
        gsl_rng_free(g);
        ric_err_set(err, "Sobol: out of memory");
        return RIC_ENOMEM;
    }
    for (size_t o = 0; o < n_out; o++)
        for (size_t i = 0; i < k; i++) {
            ric_sobol_index s = {.s1_lo = NAN, .s1_hi = NAN, .st_lo = NAN, .st_hi = NAN};
            for (size_t j = 0; j < n; j++)
                pick[j] = j;
            sobol_estimate(k, y, n_out, o, i, pick, n, &s.s1, &s.st);
            size_t n1 = 0, nt = 0;
            for (size_t b = 0; b < boot; b++) {
                for (size_t j = 0; j < n; j++)
                    pick[j] = (size_t)gsl_rng_uniform_int(g, n);
                double e1, et;
                sobol_estimate(k, y, n_out, o, i, pick, n, &e1, &et);
                if (!isnan(e1))
                    b1[n1++] = e1;
                if (!isnan(et))
                    bt[nt++] = et;
            }
            if (boot) {
                percentiles(b1, n1, &s.s1_lo, &s.s1_hi);
                percentiles(bt, nt, &s.st_lo, &s.st_hi);
            }
            out[o * k + i] = s;
        }
    free(pick);
    free(b1);
    free(bt);
    gsl_rng_free(g);
    return RIC_OK;
}

/* ---- a sensitivity study --------------------------------------------------------------------- */

struct ric_sensitivity {
    char path[RIC_PATH_MAX];
    ric_study st;
    int morris, sobol;
    size_t trajectories, levels, samples, boot;
    size_t n_morris, n_sobol, n_points; /* design rows: Morris first, then Saltelli */
    double *u;                          /* n_points x k, unit cube */
    double *x;                          /* the same in the parameters' units */
    double *y;                          /* n_points x n_probes: means over the replications */
    double *yr;                         /* scratch: chunk x reps x n_probes */
    double *xs;                         /* scratch: the chunk's points, chunk x k */
    size_t *pick;                       /* scratch: the chunk's point indexes */
    size_t chunk, done;                 /* done: points of the slice */
    size_t first, end;                  /* the slice of design points this process runs */
    unsigned char *have;                /* per design point: its indicator means are in y */
    int opened, sharded;                /* an output folder is open (ric_sensitivity_open) */
    ric_study_dir d;
};

/* the files of a finished analysis, points.tsv (the mark of complete results) last */
static const char *const result_files[] = {"morris.tsv", "sobol.tsv", "points.tsv", NULL};

void ric_sensitivity_free(ric_sensitivity *s)
{
    if (!s)
        return;
    free(s->u);
    free(s->x);
    free(s->y);
    free(s->yr);
    free(s->xs);
    free(s->pick);
    free(s->have);
    if (s->opened)
        ric_study_dir_close(&s->d, 0);
    free(s);
}

static void read_indicators(ric_cfg *c, config_setting_t *g, ric_study *st)
{
    config_setting_t *ind = ric_cfg_member(c, g, "indicators", 1, CONFIG_TYPE_ARRAY);
    config_setting_t *yrs = ric_cfg_member(c, g, "years", 1, CONFIG_TYPE_ARRAY);
    if (c->failed)
        return;
    int ni = config_setting_length(ind), ny = config_setting_length(yrs);
    char p[256];
    if (ni < 1 || ny < 1) {
        config_setting_t *e = ni < 1 ? ind : yrs;
        ric_cfg_path(e, p, sizeof p);
        ric_cfg_fail(c, e, "'%s' must list at least one value", p);
        return;
    }
    if ((size_t)ni * (size_t)ny > RIC_STUDY_MAX_PROBES) {
        ric_cfg_path(ind, p, sizeof p);
        ric_cfg_fail(c, ind, "'%s': %d indicators x %d years is more than %d", p, ni, ny,
                     RIC_STUDY_MAX_PROBES);
        return;
    }
    char where[300];
    ric_cfg_where(c, ind, where, sizeof where);
    for (int i = 0; i < ni && !c->failed; i++) {
        config_setting_t *e = config_setting_get_elem(ind, (unsigned)i);
        if (config_setting_type(e) != CONFIG_TYPE_STRING ||
            strlen(config_setting_get_string(e)) >= sizeof st->probes[0].column) {
            ric_cfg_path(e, p, sizeof p);
            ric_cfg_fail(c, e, "'%s' must be a column name (a string of at most 63 characters)", p);
            return;
        }
        for (int j = 0; j < ny && !c->failed; j++) {
            config_setting_t *ye = config_setting_get_elem(yrs, (unsigned)j);
            int t = config_setting_type(ye);
            if (t != CONFIG_TYPE_FLOAT && t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
                ric_cfg_path(ye, p, sizeof p);
                ric_cfg_fail(c, ye, "'%s' must be a number (a year; got %s)", p,
                             ric_cfg_type_name(ye));
                return;
            }
            ric_probe *q = &st->probes[st->n_probes++];
            snprintf(q->column, sizeof q->column, "%s", config_setting_get_string(e));
            q->year = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(ye)
                                             : (double)config_setting_get_int64(ye);
            snprintf(q->where, sizeof q->where, "%s", where);
        }
    }
}

static ric_status read_group(ric_sensitivity *s, ric_err *err)
{
    ric_studycfg cf;
    ric_status rc = ric_studycfg_open(&cf, s->path, err);
    if (rc != RIC_OK)
        return rc;
    ric_cfg *c = &cf.c;
    config_setting_t *g = ric_studycfg_group(&cf, "sensitivity");
    static const char *const keys[] = {"scenario",     "parameters", "indicators", "years",
                                       "replications", "seed",       "workers",    "bootstrap",
                                       "morris",       "sobol",      "contrast",   NULL};
    ric_cfg_check_keys(c, g, keys);
    ric_studycfg_common(&cf, g, &s->st, 0, 4);
    /* a second scenario: every indicator is the paired difference contrast - scenario */
    const char *contrast = ric_cfg_str(c, g, "contrast", 0, "", 4000);
    if (!c->failed && contrast[0])
        ric_studycfg_file(&cf, contrast, s->st.contrast, sizeof s->st.contrast);
    read_indicators(c, g, &s->st);
    s->boot = (size_t)ric_cfg_int(c, g, "bootstrap", 0, 500, 0, 100000);
    config_setting_t *m = ric_cfg_member(c, g, "morris", 0, CONFIG_TYPE_GROUP);
    config_setting_t *so = ric_cfg_member(c, g, "sobol", 0, CONFIG_TYPE_GROUP);
    if (!c->failed && !m && !so)
        ric_cfg_fail(c, g, "'sensitivity' needs a 'morris' group, a 'sobol' group or both");
    if (m) {
        static const char *const mk[] = {"trajectories", "levels", NULL};
        ric_cfg_check_keys(c, m, mk);
        s->morris = 1;
        s->trajectories = (size_t)ric_cfg_int(c, m, "trajectories", 0, 10, 2, 100000);
        s->levels = (size_t)ric_cfg_int(c, m, "levels", 0, 4, 2, 1000);
        if (!c->failed && s->levels % 2)
            ric_cfg_fail(c, config_setting_get_member(m, "levels"),
                         "'sensitivity.morris.levels' must be even (got %zu)", s->levels);
    }
    if (so) {
        static const char *const sk[] = {"samples", NULL};
        ric_cfg_check_keys(c, so, sk);
        s->sobol = 1;
        s->samples = (size_t)ric_cfg_int(c, so, "samples", 0, 64, 2, 1000000);
    }
    rc = c->failed ? RIC_ESCENARIO : RIC_OK;
    ric_studycfg_close(&cf);
    return rc;
}

ric_status ric_sensitivity_load(const char *path, ric_sensitivity **out, ric_err *err)
{
    ric_sensitivity *s = calloc(1, sizeof *s);
    if (!s) {
        ric_err_set(err, "%s: out of memory", path);
        return RIC_ENOMEM;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    ric_status rc = read_group(s, err);
    size_t k = s->st.n_params;
    if (rc == RIC_OK) {
        s->n_morris = s->morris ? ric_morris_points(k, s->trajectories) : 0;
        s->n_sobol = s->sobol ? ric_sobol_points(k, s->samples) : 0;
        s->n_points = s->n_morris + s->n_sobol;
        if (s->n_points > MAX_POINTS) {
            ric_err_set(err, "%s: the designs have %zu points; at most %d", path, s->n_points,
                        MAX_POINTS);
            rc = RIC_ESCENARIO;
        }
    }
    if (rc == RIC_OK)
        rc = ric_study_init(&s->st, path, err);
    if (rc == RIC_OK) {
        s->chunk = 8 * (size_t)s->st.workers;
        if (s->chunk < 16)
            s->chunk = 16;
        s->u = malloc(s->n_points * k * sizeof *s->u);
        s->x = malloc(s->n_points * k * sizeof *s->x);
        s->y = malloc(s->n_points * s->st.n_probes * sizeof *s->y);
        s->yr = malloc(s->chunk * s->st.reps * s->st.n_probes * sizeof *s->yr);
        s->xs = malloc(s->chunk * (k ? k : 1) * sizeof *s->xs);
        s->pick = malloc(s->chunk * sizeof *s->pick);
        s->have = calloc(s->n_points + 1, 1);
        s->end = s->n_points;
        if (!s->u || !s->x || !s->y || !s->yr || !s->xs || !s->pick || !s->have) {
            ric_err_set(err, "%s: out of memory", path);
            rc = RIC_ENOMEM;
        }
    }
    if (rc == RIC_OK && s->morris)
        rc = ric_morris_design(k, s->trajectories, s->levels, s->st.seed, s->u, err);
    if (rc == RIC_OK && s->sobol)
        rc = ric_sobol_design(k, s->samples, s->u + s->n_morris * k, err);
    if (rc != RIC_OK) {
        ric_sensitivity_free(s);
        return rc;
    }
    for (size_t i = 0; i < s->n_points; i++)
        for (size_t j = 0; j < k; j++) {
            const ric_study_param *p = &s->st.params[j];
            s->x[i * k + j] = p->lo + (p->hi - p->lo) * s->u[i * k + j];
        }
    *out = s;
    return RIC_OK;
}

ric_study *ric_sensitivity_study(ric_sensitivity *s)
{
    return &s->st;
}

/* The first line of point I's unit file: which point it holds. */
static void unit_head(size_t i, char *buf, size_t n)
{
    snprintf(buf, n, "point %zu", i);
}

/* Point I's indicator means over the replications yr[r * n_probes + o] (NaN runs left out). */
static void point_means(ric_sensitivity *s, size_t i, const double *yr)
{
    size_t np = s->st.n_probes, R = s->st.reps;
    for (size_t o = 0; o < np; o++) {
        double sum = 0;
        size_t c = 0;
        for (size_t r = 0; r < R; r++) {
            double v = yr[r * np + o];
            if (!isnan(v)) {
                sum += v;
                c++;
            }
        }
        s->y[i * np + o] = c ? sum / (double)c : NAN;
    }
    s->have[i] = 1;
}

ric_status ric_sensitivity_step(ric_sensitivity *s, ric_err *err)
{
    size_t k = s->st.n_params, np = s->st.n_probes, R = s->st.reps, m = 0;
    for (size_t i = s->first; i < s->end && m < s->chunk; i++)
        if (!s->have[i]) {
            s->pick[m] = i;
            memcpy(s->xs + m * k, s->x + i * k, k * sizeof *s->xs);
            m++;
        }
    if (m == 0)
        return RIC_OK;
    ric_status rc = ric_study_eval(&s->st, s->xs, m, s->st.seed, R, s->yr, err);
    if (rc != RIC_OK) {
        /* name the design point, not the chunk's vector */
        const char *at = strstr(err->msg, " (parameter vector ");
        size_t j;
        if (at && sscanf(at, " (parameter vector %zu,", &j) == 1 && j < m) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%.*s (design point %zu%s", (int)(at - err->msg), err->msg,
                     s->pick[j], strchr(at + 1, ','));
            snprintf(err->msg, sizeof err->msg, "%s", msg);
        }
        return rc;
    }
    for (size_t q = 0; q < m; q++) {
        const double *yr = s->yr + q * R * np;
        if (s->opened) {
            char head[64];
            unit_head(s->pick[q], head, sizeof head);
            rc = ric_study_dir_save(&s->d, s->pick[q], head, yr, R, np, err);
            if (rc != RIC_OK)
                return rc;
        }
        point_means(s, s->pick[q], yr);
        s->done++;
    }
    return RIC_OK;
}

int ric_sensitivity_done(const ric_sensitivity *s)
{
    return s->done == s->end - s->first;
}

void ric_sensitivity_progress(const ric_sensitivity *s, size_t *done, size_t *total)
{
    *done = s->done;
    *total = s->end - s->first;
}

/* study.tsv: what the runs are (the study and every design point), which a resumed or merged
 * analysis must match; the caller frees it. */
static char *plan_text(const ric_sensitivity *s)
{
    const ric_study *st = &s->st;
    size_t k = st->n_params;
    ric_sbuf b = {0};
    ric_study_describe(st, "sensitivity", s->path, &b);
    ric_sbuf_put(&b, "# design:");
    if (s->morris)
        ric_sbuf_put(&b, " morris trajectories=%zu levels=%zu", s->trajectories, s->levels);
    if (s->sobol)
        ric_sbuf_put(&b, " sobol samples=%zu", s->samples);
    ric_sbuf_put(&b, "\npoint\tmethod");
    for (size_t j = 0; j < k; j++)
        ric_sbuf_put(&b, "\t%s", st->params[j].name);
    ric_sbuf_put(&b, "\n");
    for (size_t i = 0; i < s->n_points; i++) {
        ric_sbuf_put(&b, "%zu\t%s", i, i < s->n_morris ? "morris" : "sobol");
        for (size_t j = 0; j < k; j++)
            ric_sbuf_put(&b, "\t%.17g", s->x[i * k + j]);
        ric_sbuf_put(&b, "\n");
    }
    if (b.oom) {
        free(b.buf);
        return NULL;
    }
    return b.buf;
}

/* Sizes the chunks to the workers now set (the front end may change them after loading). */
static ric_status size_chunks(ric_sensitivity *s, ric_err *err)
{
    size_t chunk = 8 * (size_t)(s->st.workers > 1 ? s->st.workers : 1);
    if (chunk < 16)
        chunk = 16;
    if (chunk <= s->chunk)
        return RIC_OK;
    size_t k = s->st.n_params;
    double *yr = realloc(s->yr, chunk * s->st.reps * s->st.n_probes * sizeof *yr);
    if (yr)
        s->yr = yr;
    double *xs = realloc(s->xs, chunk * k * sizeof *xs);
    if (xs)
        s->xs = xs;
    size_t *pick = realloc(s->pick, chunk * sizeof *pick);
    if (pick)
        s->pick = pick;
    if (!yr || !xs || !pick) {
        ric_err_set(err, "%s: out of memory", s->path);
        return RIC_ENOMEM;
    }
    s->chunk = chunk;
    return RIC_OK;
}

ric_status ric_sensitivity_open(ric_sensitivity *s, const char *dir, const ric_study_dir_opts *o,
                                int *complete, ric_err *err)
{
    *complete = 0;
    if (s->opened || s->done) {
        ric_err_set(err, "%s: the analysis has already started", s->path);
        return RIC_EUSAGE;
    }
    ric_status rc = size_chunks(s, err);
    if (rc != RIC_OK)
        return rc;
    if (o->n_shards > 1 && s->n_points < o->n_shards) {
        ric_err_set(err, "%s: %zu design points cannot be cut into %zu shards", s->path,
                    s->n_points, o->n_shards);
        return RIC_EUSAGE;
    }
    char *plan = plan_text(s);
    if (!plan) {
        ric_err_set(err, "%s: out of memory", s->path);
        return RIC_ENOMEM;
    }
    rc =
        ric_study_dir_open(&s->d, dir, o, "sensitivity analysis", plan, result_files, "point", err);
    free(plan);
    if (rc != RIC_OK)
        return rc;
    s->opened = 1;
    s->sharded = o->n_shards > 1;
    ric_runs_slice(s->n_points, o->shard, o->n_shards, &s->first, &s->end);
    if (s->d.complete) {
        *complete = 1;
        s->done = s->end - s->first;
        return RIC_OK;
    }
    size_t R = s->st.reps, np = s->st.n_probes;
    for (size_t i = s->first; o->resume && i < s->end; i++) {
        char head[64];
        unit_head(i, head, sizeof head);
        if (ric_study_dir_load(s->d.runs, "point", i, head, s->yr, R, np)) {
            point_means(s, i, s->yr);
            s->done++;
        }
    }
    return RIC_OK;
}

size_t ric_sensitivity_kept(const ric_sensitivity *s)
{
    return s->opened ? s->done : 0;
}

const char *ric_sensitivity_dir(const ric_sensitivity *s)
{
    return s->opened ? s->d.dir : NULL;
}

static ric_status write_tables(ric_sensitivity *s, const char *dir, ric_err *err);

ric_status ric_sensitivity_finish(ric_sensitivity *s, ric_err *err)
{
    if (!s->opened || !ric_sensitivity_done(s)) {
        ric_err_set(err, "%s: the design has not been run to the end", s->path);
        return RIC_EUSAGE;
    }
    ric_status rc = RIC_OK;
    /* a shard's product is its unit files, which the merge reads */
    if (!s->sharded && !s->d.complete)
        rc = write_tables(s, s->d.dir, err);
    ric_study_dir_close(&s->d, rc == RIC_OK && !s->sharded);
    s->opened = 0;
    return rc;
}

ric_status ric_sensitivity_merge(ric_sensitivity *s, const char *dir, int force, int remove_shards,
                                 size_t *n_shards, ric_err *err)
{
    size_t n = 0;
    ric_status rc = ric_study_dir_shards(dir, &n, err);
    if (rc != RIC_OK)
        return rc;
    char *plan = plan_text(s);
    if (!plan) {
        ric_err_set(err, "%s: out of memory", s->path);
        return RIC_ENOMEM;
    }
    size_t R = s->st.reps, np = s->st.n_probes;
    /* every shard checked and read before anything is written: all or nothing */
    for (size_t i = 0; i < n && rc == RIC_OK; i++) {
        char sd[RIC_PATH_MAX], runs[RIC_PATH_MAX];
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        ric_fs_join(sd, ".runs", runs);
        rc = ric_study_dir_check_shard(sd, plan, "study", s->path, err);
        size_t first, end;
        ric_runs_slice(s->n_points, i, n, &first, &end);
        for (size_t p = first; p < end && rc == RIC_OK; p++) {
            char head[64];
            unit_head(p, head, sizeof head);
            if (!ric_study_dir_load(runs, "point", p, head, s->yr, R, np)) {
                ric_err_set(err,
                            "%s: design point %zu is missing or torn; run the shard again with "
                            "--shard %zu/%zu --resume",
                            sd, p, i, n);
                rc = RIC_EUSAGE;
            } else {
                point_means(s, p, s->yr);
            }
        }
    }
    if (rc == RIC_OK) {
        s->first = 0;
        s->end = s->n_points;
        s->done = s->n_points;
        ric_study_dir_opts o = {.force = force};
        rc = ric_study_dir_open(&s->d, dir, &o, "sensitivity analysis", plan, result_files, "point",
                                err);
    }
    free(plan);
    if (rc != RIC_OK)
        return rc;
    rc = write_tables(s, dir, err);
    ric_study_dir_close(&s->d, 1);
    if (rc == RIC_OK && remove_shards)
        ric_study_dir_remove_shards(dir, n, "point");
    if (rc == RIC_OK)
        *n_shards = n;
    return rc;
}

/* ---- output ------------------------------------------------------------------------------- */

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else
        fprintf(f, "%.6g", v);
}

static void header(FILE *f, const ric_sensitivity *s, const char *method)
{
    const ric_study *st = &s->st;
    fprintf(f, "# ricsim_version=%s\n", RIC_VERSION);
    char safe[4 * RIC_PATH_MAX]; /* file names are free text: escaped onto one line */
    fprintf(f, "# sensitivity=%s\n", ric_text_field(s->path, safe, sizeof safe));
    fprintf(f, "# scenario=%s (%s, hash %016llx)\n",
            ric_text_field(st->scenario, safe, sizeof safe), st->scenario_name,
            (unsigned long long)st->scenario_hash);
    if (st->contrast[0])
        fprintf(f,
                "# contrast=%s (every indicator is contrast - scenario, paired: the same "
                "parameters and seeds)\n",
                ric_text_field(st->contrast, safe, sizeof safe));
    fprintf(f, "# method=%s\n", method);
    fprintf(f,
            "# replications=%zu seed=%llu (every design point runs the same seeds: common "
            "random numbers; the indicator is their mean)\n",
            st->reps, (unsigned long long)st->seed);
    fprintf(f,
            "# rows=yearly (time.output_every=%d); an indicator at year Y is the row whose "
            "year is Y\n",
            st->steps_per_year);
    fprintf(f, "# bootstrap=%zu resamples for the 95%% intervals\n", s->boot);
    fputs("# parameters:", f);
    for (size_t j = 0; j < st->n_params; j++)
        fprintf(f, " %s=%s[%g,%g]", st->params[j].name, st->params[j].key, st->params[j].lo,
                st->params[j].hi);
    fputc('\n', f);
}

/* Orders parameter indexes by value, largest first, NaN last. */
static void rank_desc(const double *v, size_t k, size_t *idx)
{
    for (size_t i = 0; i < k; i++)
        idx[i] = i;
    for (size_t i = 1; i < k; i++) /* insertion sort: k <= 20 */
        for (size_t j = i; j > 0; j--) {
            double a = v[idx[j - 1]], b = v[idx[j]];
            int swap = (isnan(a) && !isnan(b)) || (!isnan(a) && !isnan(b) && b > a);
            if (!swap)
                break;
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

static ric_status write_morris(ric_sensitivity *s, FILE *f, ric_err *err)
{
    ric_study *st = &s->st;
    size_t k = st->n_params, np = st->n_probes;
    ric_morris_index *mi = malloc(np * k * sizeof *mi);
    if (!mi) {
        ric_err_set(err, "%s: out of memory", s->path);
        return RIC_ENOMEM;
    }
    ric_status rc =
        ric_morris_analyse(k, s->trajectories, s->u, s->y, np, s->boot, st->seed + 1, mi, err);
    if (rc == RIC_OK) {
        header(f, s, "Morris elementary effects");
        fprintf(f,
                "# trajectories=%zu levels=%zu delta=%g; effects in indicator units per "
                "full range of the parameter\n",
                s->trajectories, s->levels, (double)s->levels / (2.0 * (double)(s->levels - 1)));
        fputs("indicator\tyear\trank\tparameter\tkey\tmu\tmu_star\tmu_star_lo\tmu_star_hi\t"
              "sigma\tn\n",
              f);
        for (size_t o = 0; o < np; o++) {
            double v[RIC_STUDY_MAX_PARAMS];
            size_t idx[RIC_STUDY_MAX_PARAMS];
            for (size_t i = 0; i < k; i++)
                v[i] = mi[o * k + i].mu_star;
            rank_desc(v, k, idx);
            for (size_t q = 0; q < k; q++) {
                const ric_morris_index *m = &mi[o * k + idx[q]];
                fprintf(f, "%s\t%g\t%zu\t%s\t%s\t", st->probes[o].column, st->probes[o].year, q + 1,
                        st->params[idx[q]].name, st->params[idx[q]].key);
                double w[] = {m->mu, m->mu_star, m->mu_star_lo, m->mu_star_hi, m->sigma};
                for (size_t j = 0; j < 5; j++) {
                    put_num(f, w[j]);
                    fputc('\t', f);
                }
                fprintf(f, "%zu\n", m->n);
            }
        }
    }
    free(mi);
    return rc;
}

static ric_status write_sobol(ric_sensitivity *s, FILE *f, ric_err *err)
{
    ric_study *st = &s->st;
    size_t k = st->n_params, np = st->n_probes;
    ric_sobol_index *si = malloc(np * k * sizeof *si);
    if (!si) {
        ric_err_set(err, "%s: out of memory", s->path);
        return RIC_ENOMEM;
    }
    ric_status rc = ric_sobol_analyse(k, s->samples, s->y + s->n_morris * np, np, s->boot,
                                      st->seed + 2, si, err);
    if (rc == RIC_OK) {
        header(f, s, "Sobol indices, Saltelli design (S1: Saltelli 2010, ST: Jansen 1999)");
        fprintf(f, "# samples=%zu (%zu runs of the design, x %zu replications)\n", s->samples,
                s->n_sobol, st->reps);
        fputs("indicator\tyear\trank\tparameter\tkey\tS1\tS1_lo\tS1_hi\tST\tST_lo\tST_hi\n", f);
        for (size_t o = 0; o < np; o++) {
            double v[RIC_STUDY_MAX_PARAMS];
            size_t idx[RIC_STUDY_MAX_PARAMS];
            for (size_t i = 0; i < k; i++)
                v[i] = si[o * k + i].st;
            rank_desc(v, k, idx);
            for (size_t q = 0; q < k; q++) {
                const ric_sobol_index *x = &si[o * k + idx[q]];
                fprintf(f, "%s\t%g\t%zu\t%s\t%s", st->probes[o].column, st->probes[o].year, q + 1,
                        st->params[idx[q]].name, st->params[idx[q]].key);
                double w[] = {x->s1, x->s1_lo, x->s1_hi, x->st, x->st_lo, x->st_hi};
                for (size_t j = 0; j < 6; j++) {
                    fputc('\t', f);
                    put_num(f, w[j]);
                }
                fputc('\n', f);
            }
        }
    }
    free(si);
    return rc;
}

static void write_points(const ric_sensitivity *s, FILE *f)
{
    const ric_study *st = &s->st;
    size_t k = st->n_params, np = st->n_probes;
    header(f, s, "design points (Morris trajectories, then Saltelli blocks A, B, AB_1..AB_k)");
    fputs("method\tpoint", f);
    for (size_t j = 0; j < k; j++)
        fprintf(f, "\t%s", st->params[j].name);
    for (size_t o = 0; o < np; o++)
        fprintf(f, "\t%s@%g", st->probes[o].column, st->probes[o].year);
    fputc('\n', f);
    for (size_t i = 0; i < s->n_points; i++) {
        fprintf(f, "%s\t%zu", i < s->n_morris ? "morris" : "sobol",
                i < s->n_morris ? i : i - s->n_morris);
        for (size_t j = 0; j < k; j++)
            fprintf(f, "\t%.9g", s->x[i * k + j]);
        for (size_t o = 0; o < np; o++) {
            fputc('\t', f);
            put_num(f, s->y[i * np + o]);
        }
        fputc('\n', f);
    }
}

ric_status ric_sensitivity_write(ric_sensitivity *s, const char *dir, int force, ric_err *err)
{
    if (!ric_sensitivity_done(s) || s->end - s->first != s->n_points) {
        ric_err_set(err, "%s: the design has not been run to the end", s->path);
        return RIC_EUSAGE;
    }
    ric_status rc = ric_study_outdir(dir, "points.tsv", force, err);
    return rc == RIC_OK ? write_tables(s, dir, err) : rc;
}

/* The tables into DIR, all or nothing: each under a temporary name, renamed only when all are
 * complete, points.tsv last. */
static ric_status write_tables(ric_sensitivity *s, const char *dir, ric_err *err)
{
    ric_status rc = RIC_OK;
    enum { MORRIS, SOBOL, POINTS, NF };
    const int want[NF] = {s->morris, s->sobol, 1};
    ric_atomic fo[NF] = {{0}};
    for (int i = 0; i < NF && rc == RIC_OK; i++)
        if (want[i])
            rc = ric_atomic_open(&fo[i], dir, result_files[i], RIC_ATOMIC_HIDDEN, err);
    if (rc == RIC_OK && s->morris)
        rc = write_morris(s, fo[MORRIS].f, err);
    if (rc == RIC_OK && s->sobol)
        rc = write_sobol(s, fo[SOBOL].f, err);
    if (rc == RIC_OK)
        write_points(s, fo[POINTS].f);
    if (rc == RIC_OK) /* points.tsv, the mark of complete results, renamed last */
        rc = ric_atomic_commit_set(fo, NF, err);
    for (int i = 0; i < NF; i++)
        ric_atomic_abort(&fo[i]);
    return rc;
}

int ric_sensitivity_is_sharded(const char *dir)
{
    size_t n = 0;
    ric_err err;
    char sd[RIC_PATH_MAX], path[RIC_PATH_MAX];
    if (ric_study_dir_shards(dir, &n, &err) != RIC_OK)
        return 0;
    ric_sweep_shard_dir(dir, 0, n, sd, sizeof sd);
    ric_fs_join(sd, "study.tsv", path);
    return ric_fs_exists(path);
}

ric_status ric_sensitivity_shard_study(const char *dir, char *buf, size_t len, ric_err *err)
{
    size_t n = 0;
    ric_status rc = ric_study_dir_shards(dir, &n, err);
    if (rc != RIC_OK)
        return rc;
    char sd[RIC_PATH_MAX], path[RIC_PATH_MAX];
    ric_sweep_shard_dir(dir, 0, n, sd, sizeof sd);
    ric_fs_join(sd, "study.tsv", path);
    char *text = ric_fs_read_regular(path, NULL);
    const char *key = "\n# sensitivity=";
    const char *at = text ? strstr(text, key) : NULL;
    if (!at) {
        ric_err_set(err, "%s: not the study.tsv of a sensitivity analysis", path);
        free(text);
        return RIC_EUSAGE;
    }
    at += strlen(key);
    size_t l = strcspn(at, "\n");
    if (l >= len) {
        free(text);
        ric_err_set(err, "%s: the study file's name is too long", path);
        return RIC_EUSAGE;
    }
    snprintf(buf, len, "%.*s", (int)l, at);
    free(text);
    return RIC_OK;
}
