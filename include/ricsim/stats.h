/* Statistics across replications: the mean, standard deviation and 95% confidence interval of a
 * set of values, and the paired difference of two sets with what the pairing gains over unpaired
 * runs. GSL's statistics and Student t quantiles; values that are NaN (undefined in a run) are
 * left out. */
#ifndef RICSIM_STATS_H
#define RICSIM_STATS_H

#include <stddef.h>

#include <stdint.h>

#include "ricsim/status.h"

#define RIC_STATS_MAX_INDICATORS 64

typedef struct {
    size_t n;      /* values used (NaN left out) */
    double mean;   /* NaN when n = 0 */
    double sd;     /* n - 1 in the denominator; NaN when n < 2 */
    double lo, hi; /* mean -/+ t(0.975, n - 1) sd / sqrt(n); NaN when n < 2 */
} ric_stats_ci;

/* Summary of x[0..n); x is used as scratch (its NaNs are squeezed out in place). */
ric_status ric_stats_ci95(double *x, size_t n, ric_stats_ci *out);

typedef struct {
    ric_stats_ci diff; /* of b[i] - a[i], over the pairs with neither value NaN */
    double sd_a, sd_b; /* of a and b over the same pairs */
    /* Welch's interval for mean(b) - mean(a), as if a and b came from independent runs */
    double lo_unpaired, hi_unpaired;
    /* variance reduction factor: (var a + var b) / var(b - a), the variance of the estimated
     * difference without pairing over that with it; > 1 when common random numbers help. Inf
     * when the paired differences do not vary, NaN when nothing varies or n < 2. */
    double vrf;
} ric_stats_pair;

/* work holds 3n doubles (caller storage); a and b are not changed. */
ric_status ric_stats_paired(const double *a, const double *b, size_t n, double *work,
                            ric_stats_pair *out);

/* The effect per unit of money over N pairs: COST[i] and EFFECT[i] are pair i's extra money and
 * extra outcome. Money that differs by less than US$1 (1e-6 US$ million) in a pair is rounding
 * and counts as 0. The ratio is mean(EFFECT) / mean(COST) (so a pair that spends the same adds
 * its outcome to the mean, and nothing to the money), NaN when no pair spends more; its interval
 * is the 2.5 and 97.5 percentiles of that ratio over 2,000 bootstrap resamples of the pairs, drawn
 * with a fixed seed (the same bytes every time; NaN with fewer than 2 pairs). */
typedef struct {
    size_t n;             /* pairs */
    double cost, effect;  /* means over the pairs */
    double ratio, lo, hi; /* the ratio of the means and its bootstrap interval */
} ric_stats_ratio;
ric_status ric_stats_effect_ratio(const double *cost, const double *effect, size_t n,
                                  ric_stats_ratio *out);

/* Pair differences v[0..n) of a comparison over posterior draws, pair i of draw grp[i] (< groups),
 * split by the law of total variance: Var(d) = E[Var(d | theta)] + Var(E[d | theta]), the first
 * (within) the mean over draws of the variance across seeds, the second (between) the variance of
 * the draws' means less within x mean(1 / seeds per draw), at least 0. lo and hi are the 2.5% and
 * 97.5% percentiles of all v: the interval of one history's effect, seeds and parameters
 * together. work holds 3 groups + n doubles. NaN values are left out. */
typedef struct {
    double within, between, total;
    double share_params; /* between / total; NaN when nothing varies */
    double lo, hi;
    size_t n;
} ric_stats_nest;
ric_status ric_stats_nested(const double *v, const size_t *grp, size_t n, size_t groups,
                            double *work, ric_stats_nest *out);

/* ---- tables of a sweep (files of its folder DIR) ------------------------------------------ */

/* stats.tsv from DIR/series.tsv: one data set per design row, one row per output step, with the
 * mean, sd and 95% interval of each indicator across the replications that succeeded. */
ric_status ric_stats_sweep(const char *dir, ric_err *err);
/* regions_stats.tsv from DIR/regions.tsv (the runs' regions): one data set per design row and
 * region ("[row R region NAME]"), one row per output step, with the mean, sd and 95% interval of
 * each column of regions.tsv across the replications that succeeded, computed as stats.tsv's. */
ric_status ric_stats_regions(const char *dir, ric_err *err);

/* From the series.tsv of a comparison of scenarios A (design row 0) and B (design row 1) in DIR,
 * paired by replication: diff.tsv (B - A per indicator and output step, its 95% interval, the
 * unpaired interval and the variance reduction factor), effect.tsv (cost-effectiveness of each
 * programme whose spending differs, against the scenario that spends less on it) and note.txt,
 * whose text is returned in *note (caller frees). MASTER is the master seed, for the record. The
 * three are committed together; on failure none is written and the sweep's tables of DIR
 * (stats.tsv, long.tsv, summary.tsv) are removed too, so that no comparison looks finished
 * without its differences (--resume makes them again). */
ric_status ric_stats_compare(const char *dir, const char *a, const char *b, uint64_t master,
                             char **note, ric_err *err);
/* The same for a comparison over DRAWS posterior draws (ric_plan_compare_draws; 0: none): pairs
 * by draw and replication, and every effect of diff.tsv and effect.tsv gains lo_total,
 * hi_total (ric_stats_nested's interval) and share_params, share_seeds (its variance shares). */
ric_status ric_stats_compare_draws(const char *dir, const char *a, const char *b, uint64_t master,
                                   size_t draws, char **note, ric_err *err);

#endif
