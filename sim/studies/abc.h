/* Calibration by approximate Bayesian computation with sequential Monte Carlo (ABC-SMC): a
 * population of parameter vectors (particles) drawn from the prior and moved, generation by
 * generation, towards the parameters whose runs land within a shrinking tolerance of the targets.
 * The scheme is Toni et al. (2009)'s ABC-SMC as population Monte Carlo: each generation draws its
 * particles from the last one's by weight, moves them with Beaumont et al. (2009)'s Gaussian
 * kernel of twice the weighted variance, and weighs them by prior / proposal density; each
 * particle runs M replications and counts the share within the tolerance (Del Moral, Doucet and
 * Jasra 2012), whose rule also sets each generation's tolerance (the effective sample size falls
 * by a chosen ratio). Each generation is a fixed batch of N x M runs fixed before it starts, so a
 * generation shards and resumes like a sweep, and the step between generations is deterministic:
 * every draw is keyed by (seed, generation, particle). Internal to sim/. */
#ifndef RICSIM_ABC_H
#define RICSIM_ABC_H

#include <stddef.h>

#include "ricsim/status.h"
#include "studies/calibrate.h"
#include "studies/study.h"
#include "studies/study_dir.h"

typedef struct {
    size_t particles;       /* N: particles per generation */
    size_t generations;     /* at most this many generations (the first samples the prior) */
    size_t ppc_draws;       /* posterior-predictive runs after the last generation */
    double final_tolerance; /* stop once a generation reaches this tolerance */
    double ess_ratio;       /* alpha: each tolerance keeps this share of the last ESS */
    double min_acceptance;  /* stop after a generation whose share of runs accepted is below */
} ric_abc_settings;

typedef struct ric_abc ric_abc;

/* A calibration by ABC-SMC of study ST (scenario, parameters with their priors, replications M,
 * seed) to the N_T targets T (each fitted target has a tolerance). LABEL names the calibration
 * file. ST and T must outlive the object. The caller frees *out. */
ric_status ric_abc_alloc(const ric_study *st, const ric_target *t, size_t n_t,
                         const ric_abc_settings *s, const char *label, const char *targets_label,
                         ric_abc **out, ric_err *err);
void ric_abc_free(ric_abc *a);

/* Runs the calibration into folder DIR like a sweep: DIR/study.tsv (the study, its settings and
 * targets), each particle's replications in DIR/.runs, so that o->resume replays what is done
 * (the same bytes). With o->n_shards > 1 only slice o->shard of the current generation (the first
 * one DIR/.runs does not hold whole) runs, into DIR/shard-I-of-N; ric_abc_merge joins the shards
 * into DIR/.runs and goes on to the next generation. *complete: the results are there already
 * (or, for a shard, no generation is left to run). Without a folder the calibration runs in
 * memory and ric_abc_write writes it. */
ric_status ric_abc_open(ric_abc *a, const char *dir, const ric_study_dir_opts *o, int *complete,
                        ric_err *err);
/* Runs the next chunk of the current batch of runs (a generation, then the posterior-predictive
 * draws); when a batch is whole, the step to the next one. */
ric_status ric_abc_step(ric_abc *a, ric_err *err);
int ric_abc_done(const ric_abc *a);

typedef struct {
    size_t generation;   /* the generation running (or the last one, in the ppc batch) */
    int ppc;             /* the posterior-predictive batch is running */
    size_t units, total; /* particles (draws) of this process's slice done and in all */
    size_t runs;         /* runs done by this process so far */
    size_t kept;         /* particles read back from the folder */
    size_t generations;  /* generations complete */
    double tolerance;    /* of the generation running */
    double last_tolerance, last_acceptance, last_ess; /* of the last complete generation */
} ric_abc_progress;
void ric_abc_progress_get(const ric_abc *a, ric_abc_progress *p);

/* Writes into DIR: posterior.tsv, ppc.tsv and identification.tsv, posterior.tsv (the mark of
 * complete results) last, all or none. */
ric_status ric_abc_write(ric_abc *a, const char *dir, int force, ric_err *err);
/* Once done in an open folder: writes the results (unsharded), removes DIR/.runs and the lock; a
 * shard keeps its particles for the merge. */
ric_status ric_abc_finish(ric_abc *a, ric_err *err);
/* Joins the shards DIR/shard-I-of-N of the current generation into DIR/.runs, checking every
 * shard's study.tsv and slice before writing anything, then replays the calibration: when it has
 * reached its end, writes the results (*complete = 1), else leaves the next generation to the
 * next round of shards. REMOVE_SHARDS removes the shards' own files after. */
ric_status ric_abc_merge(ric_abc *a, const char *dir, int force, int remove_shards,
                         size_t *n_shards, int *complete, ric_err *err);

/* ---- the pieces, for tests ----------------------------------------------------------------- */

/* The distance of one run whose target values are V[0..n): the root of the weighted mean of
 * squared scaled differences ((v - observed) / tolerance, only the breaking side of a bound),
 * over the targets with weight > 0; +inf when a fitted value is NaN. */
double ric_abc_distance(const ric_target *t, size_t n, const double *v);
/* Effective sample size of weights w[0..n) (any scale): (sum w)^2 / sum w^2; 0 if all are 0. */
double ric_abc_ess(const double *w, size_t n);
/* Del Moral et al. (2012)'s tolerance: the smallest eps <= EPS_PREV among the distances d (n
 * particles x m replications) at which the weights w_i * (share of i's runs within eps) / (share
 * within EPS_PREV) keep at least ALPHA of the ESS of w; at least FLOOR. */
double ric_abc_next_tolerance(size_t n, size_t m, const double *w, const double *d, double eps_prev,
                              double alpha, double floor);

#endif
