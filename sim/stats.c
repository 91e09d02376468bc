/* Replication statistics with GSL: means, standard deviations, t intervals, and paired
 * differences with Welch's unpaired interval for comparison. Owns nothing. */
#include "ricsim/stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

/* Moves the finite-or-infinite (non-NaN) values of x to its front; returns how many there are. */
static size_t squeeze(double *x, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[k++] = x[i];
    return k;
}

/* Half width of the 95% interval for a standard error SE with DF degrees of freedom. */
static double half_width(double se, double df)
{
    if (se == 0)
        return 0;
    return gsl_cdf_tdist_Pinv(0.975, df) * se;
}

ric_status ric_stats_ci95(double *x, size_t n, ric_stats_ci *out)
{
    ric_stats_ci c = {0, NAN, NAN, NAN, NAN};
    c.n = squeeze(x, n);
    if (c.n >= 1)
        c.mean = gsl_stats_mean(x, 1, c.n);
    if (c.n >= 2) {
        c.sd = gsl_stats_sd_m(x, 1, c.n, c.mean);
        double h = half_width(c.sd / sqrt((double)c.n), (double)(c.n - 1));
        if (isnan(h))
            return RIC_EGSL;
        c.lo = c.mean - h;
        c.hi = c.mean + h;
    }
    *out = c;
    return RIC_OK;
}

ric_status ric_stats_paired(const double *a, const double *b, size_t n, double *work,
                            ric_stats_pair *out)
{
    double *d = work, *wa = work + n, *wb = work + 2 * n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(a[i]) && !isnan(b[i])) {
            wa[k] = a[i];
            wb[k] = b[i];
            d[k] = b[i] - a[i];
            k++;
        }
    ric_stats_pair p = {.sd_a = NAN, .sd_b = NAN, .lo_unpaired = NAN, .hi_unpaired = NAN,
                        .vrf = NAN};
    ric_status st = ric_stats_ci95(d, k, &p.diff);
    if (st != RIC_OK)
        return st;
    if (k >= 2) {
        double nn = (double)k;
        p.sd_a = gsl_stats_sd(wa, 1, k);
        p.sd_b = gsl_stats_sd(wb, 1, k);
        double va = p.sd_a * p.sd_a / nn, vb = p.sd_b * p.sd_b / nn; /* squared standard errors */
        /* Welch-Satterthwaite degrees of freedom */
        double df = (va + vb) * (va + vb) / (va * va / (nn - 1) + vb * vb / (nn - 1));
        double h = half_width(sqrt(va + vb), df);
        if (isnan(h))
            return RIC_EGSL;
        double diff = gsl_stats_mean(wb, 1, k) - gsl_stats_mean(wa, 1, k);
        p.lo_unpaired = diff - h;
        p.hi_unpaired = diff + h;
        double vd = p.diff.sd * p.diff.sd, vu = p.sd_a * p.sd_a + p.sd_b * p.sd_b;
        p.vrf = vd > 0 ? vu / vd : vu > 0 ? INFINITY : NAN;
    }
    *out = p;
    return RIC_OK;
}
