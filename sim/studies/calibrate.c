/* Calibration: reads a study file's 'calibration' group and its targets table; by the method it
 * names, minimises the loss (calibrate.h) over replicated runs with common random numbers by
 * GSL's Nelder-Mead simplex and writes the fitted values, the loss history and the fit table, or
 * hands the calibration to ABC-SMC (abc.c). Owns the minimiser wrapper and the loss; the runs
 * themselves are study.c's. */
#include "studies/calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/atomic.h"
#include "base/sbuf.h"
#include "studies/abc.h"
#include "study_cfg.h"
#include "study_dir.h"

#define BAD_LOSS 1e300 /* stands for an undefined loss: Nelder-Mead only compares values */

/* ---- the minimiser ------------------------------------------------------------------------ */

struct ric_calibrate_nm {
    size_t n;
    double *lo, *hi, *x; /* x: scratch for the objective, then the best vertex */
    ric_calibrate_fn f;
    void *data;
    gsl_multimin_function fn; /* GSL keeps a pointer to it */
    gsl_multimin_fminimizer *s;
    size_t evals;
    ric_status failed; /* the objective's failure, kept because GSL's callback returns a double */
    ric_err err;
};

static void to_x(const ric_calibrate_nm *m, const gsl_vector *u, double *x)
{
    for (size_t i = 0; i < m->n; i++) {
        double ui = gsl_vector_get(u, i);
        /* the logistic written so that neither branch overflows */
        double p = ui >= 0 ? 1 / (1 + exp(-ui)) : exp(ui) / (1 + exp(ui));
        x[i] = m->lo[i] + (m->hi[i] - m->lo[i]) * p;
    }
}

static double gsl_objective(const gsl_vector *u, void *params)
{
    ric_calibrate_nm *m = params;
    if (m->failed != RIC_OK)
        return GSL_NAN; /* makes GSL give up; the stored failure is reported */
    to_x(m, u, m->x);
    double f = NAN;
    m->evals++;
    ric_status rc = m->f(m->x, m->data, &f, &m->err);
    if (rc != RIC_OK) {
        m->failed = rc;
        return GSL_NAN;
    }
    return isfinite(f) ? f : BAD_LOSS;
}

void ric_calibrate_nm_free(ric_calibrate_nm *m)
{
    if (!m)
        return;
    if (m->s)
        gsl_multimin_fminimizer_free(m->s);
    free(m->lo);
    free(m->hi);
    free(m->x);
    free(m);
}

ric_status ric_calibrate_nm_alloc(size_t n, const double *lo, const double *hi, const double *x0,
                                  double step, ric_calibrate_fn f, void *data,
                                  ric_calibrate_nm **out, ric_err *err)
{
    if (n == 0 || !(step > 0)) {
        ric_err_set(err, "Nelder-Mead needs at least one parameter and a positive step");
        return RIC_EUSAGE;
    }
    for (size_t i = 0; i < n; i++)
        if (!(hi[i] > lo[i]) || !(x0[i] >= lo[i] && x0[i] <= hi[i])) {
            ric_err_set(err, "parameter %zu: start %g outside its bounds [%g, %g]", i, x0[i], lo[i],
                        hi[i]);
            return RIC_EUSAGE;
        }
    ric_calibrate_nm *m = calloc(1, sizeof *m);
    gsl_vector *u = gsl_vector_alloc(n), *du = gsl_vector_alloc(n);
    if (!m || !u || !du || !(m->lo = malloc(n * sizeof *m->lo)) ||
        !(m->hi = malloc(n * sizeof *m->hi)) || !(m->x = malloc(n * sizeof *m->x)) ||
        !(m->s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n))) {
        ric_calibrate_nm_free(m);
        gsl_vector_free(u);
        gsl_vector_free(du);
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    m->n = n;
    m->f = f;
    m->data = data;
    for (size_t i = 0; i < n; i++) {
        m->lo[i] = lo[i];
        m->hi[i] = hi[i];
        double p = (x0[i] - lo[i]) / (hi[i] - lo[i]);
        p = fmin(fmax(p, 1e-6), 1 - 1e-6);
        gsl_vector_set(u, i, log(p / (1 - p)));
        /* dx/du = (hi - lo) p (1 - p): a step of STEP ranges near x0, kept within a sane u range */
        gsl_vector_set(du, i, fmin(fmax(step / (p * (1 - p)), 0.05), 4.0));
    }
    m->fn.n = n;
    m->fn.f = gsl_objective;
    m->fn.params = m;
    int gs = gsl_multimin_fminimizer_set(m->s, &m->fn, u, du);
    gsl_vector_free(u);
    gsl_vector_free(du);
    if (m->failed != RIC_OK || gs != GSL_SUCCESS) {
        ric_status rc = m->failed != RIC_OK ? m->failed : RIC_EGSL;
        if (m->failed != RIC_OK)
            *err = m->err;
        else
            ric_err_set(err, "Nelder-Mead: %s", gsl_strerror(gs));
        ric_calibrate_nm_free(m);
        return rc;
    }
    to_x(m, gsl_multimin_fminimizer_x(m->s), m->x);
    *out = m;
    return RIC_OK;
}

ric_status ric_calibrate_nm_iterate(ric_calibrate_nm *m, ric_err *err)
{
    int gs = gsl_multimin_fminimizer_iterate(m->s);
    if (m->failed != RIC_OK) {
        *err = m->err;
        return m->failed;
    }
    /* GSL_ENOPROG: the simplex could not move (a flat or stepped loss); not an error */
    if (gs != GSL_SUCCESS && gs != GSL_ENOPROG) {
        ric_err_set(err, "Nelder-Mead: %s", gsl_strerror(gs));
        return RIC_EGSL;
    }
    to_x(m, gsl_multimin_fminimizer_x(m->s), m->x);
    return RIC_OK;
}

const double *ric_calibrate_nm_x(const ric_calibrate_nm *m)
{
    return m->x;
}
double ric_calibrate_nm_f(const ric_calibrate_nm *m)
{
    return gsl_multimin_fminimizer_minimum(m->s);
}
double ric_calibrate_nm_size(const ric_calibrate_nm *m)
{
    return gsl_multimin_fminimizer_size(m->s);
}
size_t ric_calibrate_nm_evals(const ric_calibrate_nm *m)
{
    return m->evals;
}

/* ---- targets, loss, summaries --------------------------------------------------------------- */

double ric_calibrate_loss(const ric_target *t, size_t n, const double *mean)
{
    double l = 0;
    for (size_t k = 0; k < n; k++) {
        if (!(t[k].weight > 0))
            continue;
        double m = mean[k];
        if (isnan(m))
            return NAN;
        /* relative errors; an observed 0 takes its tolerance as the scale */
        double scale = t[k].observed != 0 ? t[k].observed : t[k].tolerance;
        double r = (m - t[k].observed) / scale;
        if ((t[k].relation == '>' && m >= t[k].observed) ||
            (t[k].relation == '<' && m <= t[k].observed))
            r = 0; /* a bound that holds costs nothing */
        l += t[k].weight * r * r;
    }
    return l;
}

void ric_calibrate_summarise(double *x, size_t n, ric_calibrate_summary *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[m++] = x[i];
    ric_calibrate_summary s = {
        .n = m, .mean = NAN, .sd = NAN, .ci_lo = NAN, .ci_hi = NAN, .q_lo = NAN, .q_hi = NAN};
    if (m > 0) {
        s.mean = gsl_stats_mean(x, 1, m);
        gsl_sort(x, 1, m);
        s.q_lo = gsl_stats_quantile_from_sorted_data(x, 1, m, 0.025);
        s.q_hi = gsl_stats_quantile_from_sorted_data(x, 1, m, 0.975);
    }
    if (m > 1) {
        s.sd = gsl_stats_sd_m(x, 1, m, s.mean);
        double h = gsl_cdf_tdist_Pinv(0.975, (double)(m - 1)) * s.sd / sqrt((double)m);
        s.ci_lo = s.mean - h;
        s.ci_hi = s.mean + h;
    }
    *out = s;
}

/* ---- a calibration ------------------------------------------------------------------------- */

struct ric_calibration {
    char path[RIC_PATH_MAX];
    char targets[RIC_PATH_MAX];
    ric_study st;
    ric_target *t;
    size_t n_t;
    size_t max_evals, check_reps;
    double tol, step;
    ric_calibrate_nm *nm;
    int done, converged;
    size_t iterations;
    double *y, *mean;         /* scratch: reps x probes; the targets' means */
    double *y_start, *y_best; /* replications at the first and at the best evaluation */
    double *x_start, *x_best; /* n_params */
    double best, loss_start, loss_check;
    double *hist; /* per evaluation: loss, then the parameters */
    size_t n_hist, cap_hist;
    int opened;  /* an output folder is open (ric_calibrate_open) */
    size_t kept; /* evaluations read back from it (--resume) */
    ric_study_dir d;
    int abc;              /* method abc_smc: the calibration is a's */
    ric_abc_settings abs; /* its settings */
    ric_abc *a;
};

/* the files of a finished calibration, fitted.tsv (the mark of complete results) last */
static const char *const result_files[] = {"fit.tsv", "history.tsv", "fitted.tsv", NULL};

/* The first line of an evaluation's unit file: the parameter vector, exactly. A resumed
 * calibration asks for the same vectors in the same order (Nelder-Mead is deterministic), and
 * takes a unit only for the vector it holds. */
static void unit_head(const double *x, size_t k, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "x");
    for (size_t j = 0; j < k && used < n; j++)
        used += (size_t)snprintf(buf + used, n - used, "\t%.17g", x[j]);
}

/* The targets' means over the replications y (reps x probes), NaN runs left out. */
static void means(const ric_calibration *c, const double *y, size_t reps, double *m)
{
    size_t np = c->st.n_probes;
    for (size_t k = 0; k < c->n_t; k++) {
        double s = 0;
        size_t n = 0;
        for (size_t r = 0; r < reps; r++) {
            double v = ric_calibrate_target_value(&c->t[k], y + r * np);
            if (!isnan(v)) {
                s += v;
                n++;
            }
        }
        m[k] = n ? s / (double)n : NAN;
    }
}

static ric_status objective(const double *x, void *data, double *f, ric_err *err)
{
    ric_calibration *c = data;
    size_t np = c->st.n_probes, k = c->st.n_params;
    char head[RIC_STUDY_MAX_PARAMS * 26 + 8];
    unit_head(x, k, head, sizeof head);
    ric_status rc = RIC_OK;
    if (c->opened && ric_study_dir_load(c->d.runs, "eval", c->n_hist, head, c->y, c->st.reps, np)) {
        c->kept++;
    } else {
        rc = ric_study_eval(&c->st, x, 1, c->st.seed, c->st.reps, c->y, err);
        if (rc == RIC_OK && c->opened)
            rc = ric_study_dir_save(&c->d, c->n_hist, head, c->y, c->st.reps, np, err);
        if (rc != RIC_OK)
            return rc;
    }
    means(c, c->y, c->st.reps, c->mean);
    double loss = ric_calibrate_loss(c->t, c->n_t, c->mean);
    if (c->n_hist == c->cap_hist) {
        size_t nc = c->cap_hist ? 2 * c->cap_hist : 256;
        double *h = realloc(c->hist, nc * (k + 1) * sizeof *h);
        if (!h) {
            ric_err_set(err, "%s: out of memory", c->path);
            return RIC_ENOMEM;
        }
        c->hist = h;
        c->cap_hist = nc;
    }
    double *h = c->hist + c->n_hist * (k + 1);
    h[0] = loss;
    memcpy(h + 1, x, k * sizeof *x);
    if (c->n_hist++ == 0) {
        memcpy(c->y_start, c->y, c->st.reps * np * sizeof *c->y);
        memcpy(c->x_start, x, k * sizeof *x);
        c->loss_start = loss;
    }
    if (!isnan(loss) && !(loss >= c->best)) {
        c->best = loss;
        memcpy(c->y_best, c->y, c->st.reps * np * sizeof *c->y);
        memcpy(c->x_best, x, k * sizeof *x);
    }
    *f = loss;
    return RIC_OK;
}

void ric_calibrate_free(ric_calibration *c)
{
    if (!c)
        return;
    ric_calibrate_nm_free(c->nm);
    free(c->t);
    free(c->y);
    free(c->mean);
    free(c->y_start);
    free(c->y_best);
    free(c->x_start);
    free(c->x_best);
    free(c->hist);
    ric_abc_free(c->a);
    if (c->opened)
        ric_study_dir_close(&c->d, 0);
    free(c);
}

/* The keys of one method only, and the method they belong to. */
static const char *const nm_keys[] = {"max_evaluations", "tolerance", "initial_step",
                                      "check_replications", NULL};
static const char *const abc_keys[] = {
    "particles", "generations",    "ppc_draws", "final_tolerance",
    "ess_ratio", "min_acceptance", NULL};

/* Refuses a key of the other method. */
static void other_method(ric_cfg *k, config_setting_t *g, const char *const *keys,
                         const char *method)
{
    for (size_t i = 0; keys[i] && !k->failed; i++) {
        config_setting_t *e = config_setting_get_member(g, keys[i]);
        if (e)
            ric_cfg_fail(k, e, "'calibration.%s' is a key of method %s (this file's is %s)",
                         keys[i], method, method[0] == 'a' ? "nelder_mead" : "abc_smc");
    }
}

/* Reads the group; the targets table and the scenario are checked by the caller. */
static ric_status read_group(ric_calibration *c, ric_err *err)
{
    ric_studycfg cf;
    ric_status rc = ric_studycfg_open(&cf, c->path, err);
    if (rc != RIC_OK)
        return rc;
    ric_cfg *k = &cf.c;
    config_setting_t *g = ric_studycfg_group(&cf, "calibration");
    static const char *const keys[] = {"scenario",
                                       "targets",
                                       "parameters",
                                       "replications",
                                       "seed",
                                       "workers",
                                       "method",
                                       "max_evaluations",
                                       "tolerance",
                                       "initial_step",
                                       "check_replications",
                                       "particles",
                                       "generations",
                                       "ppc_draws",
                                       "final_tolerance",
                                       "ess_ratio",
                                       "min_acceptance",
                                       NULL};
    ric_cfg_check_keys(k, g, keys);
    const char *method = ric_cfg_str(k, g, "method", 0, "nelder_mead", 32);
    if (!k->failed && strcmp(method, "nelder_mead") != 0 && strcmp(method, "abc_smc") != 0)
        ric_cfg_fail(k, config_setting_get_member(g, "method"),
                     "'calibration.method' must be \"nelder_mead\" or \"abc_smc\" (got \"%s\")",
                     method);
    c->abc = !k->failed && strcmp(method, "abc_smc") == 0;
    other_method(k, g, c->abc ? nm_keys : abc_keys, c->abc ? "nelder_mead" : "abc_smc");
    ric_studycfg_common(&cf, g, &c->st, 1, c->abc ? 4 : 10);
    const char *name = ric_cfg_str(k, g, "targets", 1, "", 4000);
    if (!k->failed)
        ric_studycfg_file(&cf, name, c->targets, sizeof c->targets);
    c->max_evals = (size_t)ric_cfg_int(k, g, "max_evaluations", 0, 200, 1, 1000000);
    c->tol = ric_cfg_num(k, g, "tolerance", 0, 1e-3, 0, 100);
    c->step = ric_cfg_num(k, g, "initial_step", 0, 0.1, 1e-6, 1);
    c->check_reps = (size_t)ric_cfg_int(k, g, "check_replications", 0, (long long)c->st.reps, 0,
                                        RIC_STUDY_MAX_REPS);
    c->abs.particles = (size_t)ric_cfg_int(k, g, "particles", 0, 200, 2, 100000);
    c->abs.generations = (size_t)ric_cfg_int(k, g, "generations", 0, 20, 1, 1000);
    c->abs.ppc_draws = (size_t)ric_cfg_int(k, g, "ppc_draws", 0, 200, 2, 100000);
    c->abs.final_tolerance = ric_cfg_num(k, g, "final_tolerance", 0, 1.0, 0, 1e300);
    c->abs.ess_ratio = ric_cfg_num(k, g, "ess_ratio", 0, 0.5, 0.01, 0.99);
    c->abs.min_acceptance = ric_cfg_num(k, g, "min_acceptance", 0, 0.01, 0, 1);
    for (size_t j = 0; c->abc && !k->failed && j < c->st.n_params; j++)
        if (!c->st.params[j].source[0]) {
            config_setting_t *ps = config_setting_get_member(g, "parameters");
            ric_cfg_fail(k, config_setting_get_elem(ps, (unsigned)j),
                         "'calibration.parameters.[%zu].source' is required by abc_smc: say where "
                         "the prior's range comes from",
                         j);
        }
    rc = k->failed ? RIC_ESCENARIO : RIC_OK;
    ric_studycfg_close(&cf);
    return rc;
}

ric_status ric_calibrate_load(const char *path, ric_calibration **out, ric_err *err)
{
    ric_calibration *c = calloc(1, sizeof *c);
    if (!c) {
        ric_err_set(err, "%s: out of memory", path);
        return RIC_ENOMEM;
    }
    snprintf(c->path, sizeof c->path, "%s", path);
    c->best = HUGE_VAL;
    ric_status rc = read_group(c, err);
    if (rc == RIC_OK)
        rc = ric_calibrate_targets_read(c->targets, &c->t, &c->n_t, err);
    /* probes: the distinct values of the output the targets read */
    int fitted = 0;
    for (size_t k = 0; rc == RIC_OK && k < c->n_t; k++) {
        ric_target *t = &c->t[k];
        fitted |= t->weight > 0;
        if (c->abc && t->weight > 0 && isnan(t->tolerance)) {
            ric_err_set(err, "%s: a fitted target needs a 'tolerance' (method abc_smc)", t->where);
            rc = RIC_ESCENARIO;
        }
        if (rc == RIC_OK)
            rc = ric_calibrate_target_probes(t, &c->st, err);
    }
    if (rc == RIC_OK && !fitted) {
        ric_err_set(err, "%s: no target has a weight > 0: nothing to fit", c->targets);
        rc = RIC_ESCENARIO;
    }
    if (rc == RIC_OK)
        rc = ric_study_init(&c->st, c->path, err);
    for (size_t j = 0; rc == RIC_OK && !c->abc && j < c->st.n_params; j++)
        if (isnan(c->st.params[j].start)) {
            ric_err_set(err,
                        "%s: parameter '%s': give 'start' (the scenario's value %g is not "
                        "within [%g, %g])",
                        c->path, c->st.params[j].name, c->st.params[j].value, c->st.params[j].lo,
                        c->st.params[j].hi);
            rc = RIC_ESCENARIO;
        }
    if (rc == RIC_OK) {
        size_t ny = c->st.reps * c->st.n_probes, k = c->st.n_params;
        c->y = malloc(ny * sizeof *c->y);
        c->y_start = malloc(ny * sizeof *c->y);
        c->y_best = malloc(ny * sizeof *c->y);
        c->mean = malloc((c->n_t + 1) * sizeof *c->mean);
        c->x_start = malloc(k * sizeof *c->x_start);
        c->x_best = malloc(k * sizeof *c->x_best);
        if (!c->y || !c->y_start || !c->y_best || !c->mean || !c->x_start || !c->x_best) {
            ric_err_set(err, "%s: out of memory", path);
            rc = RIC_ENOMEM;
        }
    }
    if (rc == RIC_OK && c->abc)
        rc = ric_abc_alloc(&c->st, c->t, c->n_t, &c->abs, c->path, c->targets, &c->a, err);
    if (rc != RIC_OK) {
        ric_calibrate_free(c);
        return rc;
    }
    *out = c;
    return RIC_OK;
}

ric_study *ric_calibrate_study(ric_calibration *c)
{
    return &c->st;
}

ric_abc *ric_calibrate_abc(ric_calibration *c)
{
    return c->a;
}

ric_status ric_calibrate_iterate(ric_calibration *c, ric_err *err)
{
    if (c->a)
        return ric_abc_step(c->a, err);
    if (c->done)
        return RIC_OK;
    ric_status rc;
    if (!c->nm) {
        size_t k = c->st.n_params;
        double lo[RIC_STUDY_MAX_PARAMS], hi[RIC_STUDY_MAX_PARAMS], x0[RIC_STUDY_MAX_PARAMS];
        for (size_t j = 0; j < k; j++) {
            lo[j] = c->st.params[j].lo;
            hi[j] = c->st.params[j].hi;
            x0[j] = c->st.params[j].start;
        }
        rc = ric_calibrate_nm_alloc(k, lo, hi, x0, c->step, objective, c, &c->nm, err);
    } else {
        rc = ric_calibrate_nm_iterate(c->nm, err);
        c->iterations++;
    }
    if (rc != RIC_OK)
        return rc;
    c->converged = ric_calibrate_nm_size(c->nm) < c->tol;
    c->done = c->converged || ric_calibrate_nm_evals(c->nm) >= c->max_evals;
    return RIC_OK;
}

int ric_calibrate_done(const ric_calibration *c)
{
    return c->a ? ric_abc_done(c->a) : c->done;
}
int ric_calibrate_converged(const ric_calibration *c)
{
    return c->converged;
}
size_t ric_calibrate_iterations(const ric_calibration *c)
{
    return c->iterations;
}
size_t ric_calibrate_evaluations(const ric_calibration *c)
{
    return c->nm ? ric_calibrate_nm_evals(c->nm) : 0;
}
double ric_calibrate_best(const ric_calibration *c, const double **x)
{
    if (x)
        *x = c->x_best;
    return c->best;
}
double ric_calibrate_start_loss(const ric_calibration *c)
{
    return c->loss_start;
}
double ric_calibrate_check_loss(const ric_calibration *c)
{
    return c->loss_check;
}
double ric_calibrate_size(const ric_calibration *c)
{
    return c->nm ? ric_calibrate_nm_size(c->nm) : NAN;
}

/* ---- output ------------------------------------------------------------------------------- */

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else
        fprintf(f, "%.6g", v);
}

static void header(FILE *f, const ric_calibration *c, double loss_check)
{
    const ric_study *st = &c->st;
    fprintf(f, "# ricsim_version=%s\n", RIC_VERSION);
    char safe[4 * RIC_PATH_MAX]; /* file names are free text: escaped onto one line */
    fprintf(f, "# calibration=%s\n", ric_text_field(c->path, safe, sizeof safe));
    fprintf(f, "# scenario=%s (%s, hash %016llx)\n",
            ric_text_field(st->scenario, safe, sizeof safe), st->scenario_name,
            (unsigned long long)st->scenario_hash);
    fprintf(f, "# targets=%s\n", ric_text_field(c->targets, safe, sizeof safe));
    fprintf(f, "# loss=sum over targets with weight > 0 of weight * ((mean - observed) / "
               "observed)^2, mean over the replications\n");
    fprintf(f,
            "# replications=%zu seed=%llu (replication r runs with seed ric_study_seed(seed, r) "
            "at every evaluation: common random numbers)\n",
            st->reps, (unsigned long long)st->seed);
    fprintf(f,
            "# rows=yearly (time.output_every=%d); the target of year Y is the row whose year "
            "is Y, the state at the start of Y\n",
            st->steps_per_year);
    fprintf(f,
            "# method=Nelder-Mead (GSL nmsimplex2) in logistic coordinates of the bounds; "
            "initial_step=%g tolerance=%g max_evaluations=%zu\n",
            c->step, c->tol, c->max_evals);
    fprintf(f, "# evaluations=%zu iterations=%zu converged=%s simplex_size=%.3g\n",
            ric_calibrate_evaluations(c), c->iterations, c->converged ? "yes" : "no",
            ric_calibrate_size(c));
    fprintf(f, "# loss_start=%.6g loss_fit=%.6g", c->loss_start, c->best);
    if (c->check_reps)
        fprintf(f, " loss_check=%.6g (%zu fresh replications, master seed %llu)", loss_check,
                c->check_reps, (unsigned long long)(st->seed + 1));
    fputc('\n', f);
}

/* Target T's values over the replications y (reps x np), summarised. */
static void summarise_col(const double *y, size_t reps, size_t np, const ric_target *t,
                          double *scratch, ric_calibrate_summary *s)
{
    for (size_t r = 0; r < reps; r++)
        scratch[r] = ric_calibrate_target_value(t, y + r * np);
    ric_calibrate_summarise(scratch, reps, s);
}

static void write_fit(FILE *f, const ric_calibration *c, const double *y_check, double *scratch)
{
    const ric_study *st = &c->st;
    size_t np = st->n_probes, R = st->reps;
    fputs("year\tcolumn\tobserved\tweight\tstart_mean\tfit_mean\tfit_sd\tfit_ci_lo\tfit_ci_hi\t"
          "fit_q025\tfit_q975\trel_error\tloss_term\tcheck_mean\tcheck_ci_lo\tcheck_ci_hi\tnote\n",
          f);
    for (size_t i = 0; i < c->n_t; i++) {
        const ric_target *t = &c->t[i];
        ric_calibrate_summary s0, s1, sc = {.mean = NAN, .ci_lo = NAN, .ci_hi = NAN};
        summarise_col(c->y_start, R, np, t, scratch, &s0);
        summarise_col(c->y_best, R, np, t, scratch, &s1);
        if (y_check)
            summarise_col(y_check, c->check_reps, np, t, scratch, &sc);
        double rel = t->observed != 0 ? (s1.mean - t->observed) / t->observed : NAN;
        char lab[256];
        ric_calibrate_target_label(t, lab, sizeof lab);
        fprintf(f, "%g\t%s\t", t->year, lab);
        double v[] = {t->observed,
                      t->weight,
                      s0.mean,
                      s1.mean,
                      s1.sd,
                      s1.ci_lo,
                      s1.ci_hi,
                      s1.q_lo,
                      s1.q_hi,
                      rel,
                      t->weight > 0 ? ric_calibrate_loss(t, 1, &s1.mean) : 0,
                      sc.mean,
                      sc.ci_lo,
                      sc.ci_hi};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
            put_num(f, v[j]);
            fputc('\t', f);
        }
        fprintf(f, "%s\n", t->note);
    }
}

ric_status ric_calibrate_write(ric_calibration *c, const char *dir, int force, ric_err *err)
{
    if (c->n_hist == 0) {
        ric_err_set(err, "%s: nothing evaluated yet", c->path);
        return RIC_EUSAGE;
    }
    if (!(c->best < HUGE_VAL)) {
        ric_err_set(err,
                    "%s: every evaluation gave an undefined loss (a fitted column is NaN in "
                    "every run)",
                    c->path);
        return RIC_ESCENARIO;
    }
    ric_study *st = &c->st;
    size_t np = st->n_probes, k = st->n_params;
    ric_status rc = ric_study_outdir(dir, "fitted.tsv", force, err);
    if (rc != RIC_OK)
        return rc;
    size_t maxr = st->reps > c->check_reps ? st->reps : c->check_reps;
    double *y_check = c->check_reps ? malloc(c->check_reps * np * sizeof *y_check) : NULL;
    double *scratch = malloc(maxr * sizeof *scratch), *m = malloc((c->n_t + 1) * sizeof *m);
    if ((c->check_reps && !y_check) || !scratch || !m) {
        free(y_check);
        free(scratch);
        free(m);
        ric_err_set(err, "%s: out of memory", c->path);
        return RIC_ENOMEM;
    }
    double loss_check = NAN;
    c->loss_check = NAN;
    if (c->check_reps) {
        rc = ric_study_eval(st, c->x_best, 1, st->seed + 1, c->check_reps, y_check, err);
        if (rc == RIC_OK) {
            means(c, y_check, c->check_reps, m);
            loss_check = ric_calibrate_loss(c->t, c->n_t, m);
            c->loss_check = loss_check;
        }
    }
    enum { FIT, HISTORY, FITTED, NF };
    static const char *const names[NF] = {"fit.tsv", "history.tsv", "fitted.tsv"};
    ric_atomic fo[NF] = {{0}};
    for (int i = 0; i < NF && rc == RIC_OK; i++) {
        rc = ric_atomic_open(&fo[i], dir, names[i], RIC_ATOMIC_HIDDEN, err);
        if (rc == RIC_OK)
            header(fo[i].f, c, loss_check);
    }
    if (rc == RIC_OK) {
        write_fit(fo[FIT].f, c, c->check_reps ? y_check : NULL, scratch);

        FILE *f = fo[HISTORY].f;
        fputs("evaluation\tloss\tbest", f);
        for (size_t j = 0; j < k; j++)
            fprintf(f, "\t%s", st->params[j].name);
        fputc('\n', f);
        double best = HUGE_VAL;
        for (size_t e = 0; e < c->n_hist; e++) {
            const double *h = c->hist + e * (k + 1);
            if (!isnan(h[0]) && h[0] < best)
                best = h[0];
            fprintf(f, "%zu\t", e + 1);
            put_num(f, h[0]);
            fputc('\t', f);
            put_num(f, best);
            for (size_t j = 0; j < k; j++)
                fprintf(f, "\t%.9g", h[1 + j]);
            fputc('\n', f);
        }

        f = fo[FITTED].f;
        fputs("name\tkey\tmin\tmax\tscenario_value\tstart\tfitted\n", f);
        for (size_t j = 0; j < k; j++) {
            const ric_study_param *p = &st->params[j];
            fprintf(f, "%s\t%s\t%.9g\t%.9g\t", p->name, p->key, p->lo, p->hi);
            put_num(f, p->value);
            fprintf(f, "\t%.9g\t%.9g\n", c->x_start[j], c->x_best[j]);
        }
    }
    if (rc == RIC_OK) /* fitted.tsv, the mark of complete results, renamed last */
        rc = ric_atomic_commit_set(fo, NF, err);
    for (int i = 0; i < NF; i++)
        ric_atomic_abort(&fo[i]);
    free(y_check);
    free(scratch);
    free(m);
    return rc;
}

/* ---- the output folder, like a sweep's ------------------------------------------------------ */

ric_status ric_calibrate_open(ric_calibration *c, const char *dir, const ric_study_dir_opts *o,
                              int *complete, ric_err *err)
{
    *complete = 0;
    if (c->a)
        return ric_abc_open(c->a, dir, o, complete, err);
    if (c->opened || c->n_hist) {
        ric_err_set(err, "%s: the calibration has already started", c->path);
        return RIC_EUSAGE;
    }
    if (o->n_shards > 1) {
        ric_err_set(err,
                    "%s: a calibration cannot be sharded: each Nelder-Mead step depends on the "
                    "one before; use --jobs, or mpirun to spread each evaluation's runs",
                    c->path);
        return RIC_EUSAGE;
    }
    const ric_study *st = &c->st;
    ric_sbuf b = {0};
    ric_study_describe(st, "calibration", c->path, &b);
    ric_sbuf_put(&b, "# start:");
    for (size_t j = 0; j < st->n_params; j++)
        ric_sbuf_put(&b, " %s=%.17g", st->params[j].name, st->params[j].start);
    ric_sbuf_put(&b,
                 "\n# method: initial_step=%.17g (the other settings only stop it sooner or "
                 "later)\n",
                 c->step);
    if (b.oom) {
        free(b.buf);
        ric_err_set(err, "%s: out of memory", c->path);
        return RIC_ENOMEM;
    }
    ric_status rc =
        ric_study_dir_open(&c->d, dir, o, "calibration", b.buf, result_files, "eval", err);
    free(b.buf);
    if (rc != RIC_OK)
        return rc;
    c->opened = 1;
    if (c->d.complete) {
        *complete = 1;
        c->done = 1;
    }
    return RIC_OK;
}

size_t ric_calibrate_kept(const ric_calibration *c)
{
    return c->kept;
}

ric_status ric_calibrate_finish(ric_calibration *c, ric_err *err)
{
    if (c->a)
        return ric_abc_finish(c->a, err);
    if (!c->opened || !c->done) {
        ric_err_set(err, "%s: the calibration has not been run to the end", c->path);
        return RIC_EUSAGE;
    }
    ric_status rc = c->d.complete ? RIC_OK : ric_calibrate_write(c, c->d.dir, 1, err);
    ric_study_dir_close(&c->d, rc == RIC_OK);
    c->opened = 0;
    return rc;
}
