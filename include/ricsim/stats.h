/* Statistics across replications: the mean, standard deviation and 95% confidence interval of a
 * set of values, and the paired difference of two sets with what the pairing gains over unpaired
 * runs. GSL's statistics and Student t quantiles; values that are NaN (undefined in a run) are
 * left out. */
#ifndef RICSIM_STATS_H
#define RICSIM_STATS_H

#include <stddef.h>

#include "ricsim/status.h"

typedef struct {
    size_t n;        /* values used (NaN left out) */
    double mean;     /* NaN when n = 0 */
    double sd;       /* n - 1 in the denominator; NaN when n < 2 */
    double lo, hi;   /* mean -/+ t(0.975, n - 1) sd / sqrt(n); NaN when n < 2 */
} ric_stats_ci;

/* Summary of x[0..n); x is used as scratch (its NaNs are squeezed out in place). */
ric_status ric_stats_ci95(double *x, size_t n, ric_stats_ci *out);

typedef struct {
    ric_stats_ci diff;   /* of b[i] - a[i], over the pairs with neither value NaN */
    double sd_a, sd_b;   /* of a and b over the same pairs */
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

#endif
