/* Calibration: fits chosen scenario parameters, within bounds, to observed values (a targets
 * table of year, column, observed value and weight) by minimising a loss over replicated runs with
 * common random numbers. The minimiser is GSL's Nelder-Mead simplex (nmsimplex2) on a plain
 * function pointer, in coordinates where the bounds cannot be crossed; the calibration drives it
 * like ric_sim (iterate / done), so the front end can report progress. */
#ifndef RICSIM_CALIBRATE_H
#define RICSIM_CALIBRATE_H

#include <stddef.h>

#include "ricsim/status.h"
#include "studies/study.h"
#include "studies/study_dir.h"

/* ---- the minimiser ------------------------------------------------------------------------ */

/* An objective: f(x) for x[0..n) in the parameters' units. A failure stops the minimiser. */
typedef ric_status (*ric_calibrate_fn)(const double *x, void *data, double *f, ric_err *err);

typedef struct ric_calibrate_nm ric_calibrate_nm;

/* Nelder-Mead over the box [lo, hi], searched in u with x = lo + (hi - lo) / (1 + exp(-u)), so
 * every point tried is within the bounds (GSL's simplex is unconstrained; far out, the logistic
 * rounds to a bound). x0 is moved inside by
 * 1e-6 of the range if it sits on a bound. STEP: the first simplex's step, as a share of each
 * range at x0. Evaluates the first simplex (n + 1 calls of f). The caller frees *out. */
ric_status ric_calibrate_nm_alloc(size_t n, const double *lo, const double *hi, const double *x0,
                                  double step, ric_calibrate_fn f, void *data,
                                  ric_calibrate_nm **out, ric_err *err);
void ric_calibrate_nm_free(ric_calibrate_nm *m);
/* One Nelder-Mead iteration (one to n + 2 calls of f). */
ric_status ric_calibrate_nm_iterate(ric_calibrate_nm *m, ric_err *err);
/* The best vertex (parameters' units; valid until the next iterate), its value, the simplex size
 * (GSL's mean distance of the vertices from their centre, in u), and the calls of f so far. */
const double *ric_calibrate_nm_x(const ric_calibrate_nm *m);
double ric_calibrate_nm_f(const ric_calibrate_nm *m);
double ric_calibrate_nm_size(const ric_calibrate_nm *m);
size_t ric_calibrate_nm_evals(const ric_calibrate_nm *m);

/* ---- targets and the loss ------------------------------------------------------------------ */

/* What a target reads from a run: the value of COLUMN at YEAR, its change from YEAR to UNTIL, or
 * the sum of its rows in (YEAR, UNTIL] (a flow column: the flow over the span); with OVER, that
 * statistic of COLUMN over the same statistic of OVER (a share). */
typedef enum { RIC_TARGET_VALUE, RIC_TARGET_CHANGE, RIC_TARGET_SUM } ric_target_stat;

typedef struct {
    double year;  /* compared with the row of that year (study.h, ric_probe) */
    double until; /* the span's end for change and sum (NaN for a value) */
    ric_target_stat stat;
    char column[64];  /* series.tsv column */
    char over[64];    /* "" or the denominator's column: the target is a share */
    char relation;    /* '=': match the observation; '>' or '<': only a bound (a sign constraint) */
    double observed;  /* NaN: not available (weight must be 0) */
    double tolerance; /* the scale of the distance (ABC-SMC); NaN: not given */
    double weight;    /* 0: reported in the fit table, not fitted */
    char note[160];   /* free text: source, flags */
    char where[300];  /* "FILE:LINE" of the row */
    size_t probe;     /* index of its (column, year) among the study's probes (value, sum) */
    size_t probe_end; /* change: the probe of (column, until) */
    size_t over_probe; /* a share: the denominator's probes, likewise */
    size_t over_end;
} ric_target;

/* Reads a targets table: tab-separated, '#' comment lines, a header naming the columns year,
 * column, observed and weight, and optionally until, stat (value, change or sum), over,
 * relation (=, > or <), tolerance and note, in any order; observed may be na or NaN. The caller
 * frees *out. Errors read "FILE:LINE: ...". */
ric_status ric_calibrate_targets_read(const char *path, ric_target **out, size_t *n, ric_err *err);

/* Adds the probes target T needs to ST (deduplicated) and sets its probe indexes. Errors name
 * T's row. */
ric_status ric_calibrate_target_probes(ric_target *t, ric_study *st, ric_err *err);

/* The target's statistic in one run from its probe values y (NaN where undefined, or a share of
 * a zero denominator). */
double ric_calibrate_target_value(const ric_target *t, const double *y);

/* A short label of the target: its column for a value, else "sum(COLUMN,YEAR-UNTIL)" or
 * "change(...)", and "/OVER" for a share. */
void ric_calibrate_target_label(const ric_target *t, char *buf, size_t n);

/* The loss: L = sum over targets with weight w_k > 0 of w_k ((m_k - o_k) / o_k)^2, a weighted sum
 * of squared relative errors of the simulated replication means m_k against the observed values
 * o_k; for a bound ('>' or '<') only the side that breaks it counts. M holds the targets' means
 * (m[k] for target k). NaN if a fitted target's mean is NaN. */
double ric_calibrate_loss(const ric_target *t, size_t n, const double *mean);

/* Mean, standard deviation, 95% interval of the mean (Student t) and 2.5% / 97.5% quantiles of
 * the replications x[0..n) (NaN left out; x is reordered). */
typedef struct {
    size_t n;
    double mean, sd, ci_lo, ci_hi, q_lo, q_hi;
} ric_calibrate_summary;
void ric_calibrate_summarise(double *x, size_t n, ric_calibrate_summary *out);

/* ---- a calibration ------------------------------------------------------------------------- */

typedef struct ric_calibration ric_calibration;

/* Reads the 'calibration' group of PATH (a study file: see doc/guide.md, "Calibration") and its
 * targets table, and checks the scenario, the targets' columns and years, and the parameters'
 * bounds. The caller frees *out. */
ric_status ric_calibrate_load(const char *path, ric_calibration **out, ric_err *err);
void ric_calibrate_free(ric_calibration *c);

/* The study (scenario, parameters, replications, seeds, workers) of c. */
ric_study *ric_calibrate_study(ric_calibration *c);
/* The ABC-SMC calibration of c (method abc_smc), or NULL (nelder_mead). ric_calibrate_open,
 * _iterate (one chunk of runs), _done and _finish then hand over to it (abc.h). */
struct ric_abc *ric_calibrate_abc(ric_calibration *c);

/* One step: the first call evaluates the starting simplex, later calls one Nelder-Mead
 * iteration. Done when the simplex size is below 'tolerance' or 'max_evaluations' is reached. */
ric_status ric_calibrate_iterate(ric_calibration *c, ric_err *err);
int ric_calibrate_done(const ric_calibration *c);
int ric_calibrate_converged(const ric_calibration *c);
size_t ric_calibrate_iterations(const ric_calibration *c);
size_t ric_calibrate_evaluations(const ric_calibration *c);
double ric_calibrate_best(const ric_calibration *c, const double **x);
double ric_calibrate_size(const ric_calibration *c);
/* The loss at the starting values, and on the fresh seeds of ric_calibrate_write (NaN before). */
double ric_calibrate_start_loss(const ric_calibration *c);
double ric_calibrate_check_loss(const ric_calibration *c);

/* Runs the fitted values again on fresh seeds ('check_replications' runs from master seed + 1),
 * then writes into DIR (created if needed): fitted.tsv (the fitted values), history.tsv (every
 * evaluation: loss and parameters) and fit.tsv (per target: observed, and the simulated mean,
 * interval and quantiles at the start and at the fit). Files appear atomically, fitted.tsv last. */
ric_status ric_calibrate_write(ric_calibration *c, const char *dir, int force, ric_err *err);

/* Runs the calibration into folder DIR like a sweep (optional): takes DIR's lock, writes
 * DIR/study.tsv (the study and its start), and keeps each evaluation's replications in DIR/.runs
 * (K.eval, with its parameter vector), so that after an interruption o->resume replays the
 * evaluations done without running them and goes on: the same fit, byte for byte. A calibration
 * cannot be sharded (o->n_shards > 1 is refused). *complete: --resume found it finished. */
ric_status ric_calibrate_open(ric_calibration *c, const char *dir, const ric_study_dir_opts *o,
                              int *complete, ric_err *err);
/* Evaluations read back by --resume so far. */
size_t ric_calibrate_kept(const ric_calibration *c);
/* Once done in an open folder: ric_calibrate_write into it, then removes DIR/.runs and the lock. */
ric_status ric_calibrate_finish(ric_calibration *c, ric_err *err);

#endif
