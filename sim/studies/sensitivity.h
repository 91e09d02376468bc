/* Global sensitivity analysis of a scenario's indicators to its parameters: Morris elementary
 * effects (Morris 1991; mu* of Campolongo, Cariboni and Saltelli 2007) and Sobol first-order and
 * total indices (Saltelli et al. 2010: the A, B, AB_i design on GSL's Sobol sequence, Saltelli's
 * first-order and Jansen's total estimators). The methods work on plain arrays (a design in the
 * unit cube, and outputs of any function at its rows), so that they are tested on functions with
 * known indices; the study part runs them on a scenario (study.h). */
#ifndef RICSIM_SENSITIVITY_H
#define RICSIM_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "ricsim/status.h"
#include "studies/study.h"
#include "studies/study_dir.h"

/* ---- Morris -------------------------------------------------------------------------------- */

/* Rows of a Morris design: r trajectories of k + 1 points. */
size_t ric_morris_points(size_t k, size_t r);

/* Fills x (ric_morris_points(k, r) rows of k values) with r random trajectories on the grid
 * {0, 1/(levels-1), ..., 1}. Each starts at a random grid point and moves every coordinate once,
 * in random order, by +-delta with delta = levels / (2 (levels - 1)) (Morris's choice for an even
 * number of levels), staying inside [0, 1]. levels must be even and >= 2. Draws from GSL's
 * MT19937 seeded with SEED. */
ric_status ric_morris_design(size_t k, size_t r, size_t levels, uint64_t seed, double *x,
                             ric_err *err);

typedef struct {
    double mu;         /* mean elementary effect */
    double mu_star;    /* mean absolute elementary effect */
    double sigma;      /* standard deviation of the effects (n - 1) */
    double mu_star_lo; /* bootstrap 95% interval of mu* (percentiles, resampling trajectories) */
    double mu_star_hi;
    size_t n; /* effects used (NaN outputs left out) */
} ric_morris_index;

/* Elementary effects EE = (y(after) - y(before)) / (x_i(after) - x_i(before)), in output units
 * per unit of the normalised range, from the design x and outputs y (one row per design row,
 * n_out values each). out holds n_out x k entries, out[o * k + i]. BOOT bootstrap resamples
 * (0: no interval) drawn from MT19937 seeded with SEED. */
ric_status ric_morris_analyse(size_t k, size_t r, const double *x, const double *y, size_t n_out,
                              size_t boot, uint64_t seed, ric_morris_index *out, ric_err *err);

/* ---- Sobol (Saltelli) ------------------------------------------------------------------------ */

/* Rows of a Saltelli design with n base samples: n (k + 2). */
size_t ric_sobol_points(size_t k, size_t n);

/* Fills x with n blocks of k + 2 rows: A_j, B_j, then AB_j^i (A_j with coordinate i from B_j) for
 * i = 1..k, where (A_j, B_j) is point j of GSL's 2k-dimensional Sobol sequence (which starts at
 * the centre, leaving out the origin). k <= 20; n a power of two balances the sequence best. */
ric_status ric_sobol_design(size_t k, size_t n, double *x, ric_err *err);

typedef struct {
    double s1, s1_lo, s1_hi; /* first order, with its bootstrap 95% interval */
    double st, st_lo, st_hi; /* total */
} ric_sobol_index;

/* S_i = mean_j (f(B_j) - f0) (f(AB_j^i) - f(A_j)) / V (Saltelli et al. 2010, table 2 (b), with
 * the outputs centred on their mean f0 as Sobol' 2001 advises) and
 * ST_i = mean_j (f(A_j) - f(AB_j^i))^2 / (2 V) (Jansen 1999), with V the variance of all f(A)
 * and f(B). y holds n_out values per design row; out[o * k + i]. NaN where V is 0 or outputs are
 * NaN. BOOT resamples of the base samples give the intervals (0: none). */
ric_status ric_sobol_analyse(size_t k, size_t n, const double *y, size_t n_out, size_t boot,
                             uint64_t seed, ric_sobol_index *out, ric_err *err);

/* ---- a sensitivity study of a scenario --------------------------------------------------------
 */

typedef struct ric_sensitivity ric_sensitivity;

/* Reads the 'sensitivity' group of PATH (a study file: see doc/guide.md, "Sensitivity"), makes
 * the designs it asks for (a 'morris' group, a 'sobol' group, or both), and checks the scenario,
 * the indicators and the parameters' bounds. The caller frees *out. */
ric_status ric_sensitivity_load(const char *path, ric_sensitivity **out, ric_err *err);
void ric_sensitivity_free(ric_sensitivity *s);
ric_study *ric_sensitivity_study(ric_sensitivity *s);

/* Runs the analysis into folder DIR like a sweep (optional: without it the study runs in memory
 * and ric_sensitivity_write writes it): takes DIR's lock, writes DIR/study.tsv (the study and
 * every design point), and keeps each design point's replications in DIR/.runs as it finishes, so
 * that o->resume skips the points already done (study.tsv must then be the same). With
 * o->n_shards > 1 only slice o->shard of the design points runs, into DIR/shard-I-of-N, whose
 * unit files ric_sensitivity_merge joins. *complete: --resume found the analysis finished. */
ric_status ric_sensitivity_open(ric_sensitivity *s, const char *dir, const ric_study_dir_opts *o,
                                int *complete, ric_err *err);
/* Runs the next chunk of the design points still to run (each over the replications; the
 * indicator is their mean), saving each in the folder when one is open. */
ric_status ric_sensitivity_step(ric_sensitivity *s, ric_err *err);
int ric_sensitivity_done(const ric_sensitivity *s);
/* Design points of the slice done so far (those kept by --resume included) and in all. */
void ric_sensitivity_progress(const ric_sensitivity *s, size_t *done, size_t *total);
/* Design points found done by ric_sensitivity_open (--resume). */
size_t ric_sensitivity_kept(const ric_sensitivity *s);
/* The folder open (DIR or DIR/shard-I-of-N), or NULL. */
const char *ric_sensitivity_dir(const ric_sensitivity *s);
/* Once done in an open folder: writes the tables (unsharded; a shard keeps its unit files for the
 * merge), removes DIR/.runs and the lock. */
ric_status ric_sensitivity_finish(ric_sensitivity *s, ric_err *err);
/* Joins the shards DIR/shard-I-of-N of this analysis into DIR: checks that each ran this study
 * (its study.tsv), is not running and holds every design point of its slice, before writing
 * anything; then writes study.tsv and the tables, byte for byte those of an unsharded analysis.
 * REMOVE_SHARDS then removes the shards' own files (and each folder left empty). */
ric_status ric_sensitivity_merge(ric_sensitivity *s, const char *dir, int force, int remove_shards,
                                 size_t *n_shards, ric_err *err);
/* Whether DIR holds the shards of a sensitivity analysis (shard 0 has a study.tsv). */
int ric_sensitivity_is_sharded(const char *dir);
/* The study file that made the shards of DIR, as their study.tsv names it (relative to the folder
 * the shards ran in), into buf (LEN bytes). */
ric_status ric_sensitivity_shard_study(const char *dir, char *buf, size_t len, ric_err *err);

/* Writes into DIR (created if needed): morris.tsv and/or sobol.tsv (per indicator and year, the
 * parameters ranked by mu* or by ST) and points.tsv (every design point in the parameters' units
 * and its indicator means). Files appear atomically. */
ric_status ric_sensitivity_write(ric_sensitivity *s, const char *dir, int force, ric_err *err);

#endif
