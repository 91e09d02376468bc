/* Replication statistics against values computed by hand: mean, standard deviation (n - 1), the
 * t interval (t quantiles from tables: t(0.975, 3) = 3.182446305, t(0.975, 6) = 2.446911851),
 * NaN handling, and the paired difference with Welch's unpaired interval and the variance
 * reduction factor, including a case where pairing hurts. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "ricsim/stats.h"

#define T3 3.182446305284263 /* t(0.975, 3) */
#define T6 2.446911851144969 /* t(0.975, 6) */

static void quiet_gsl(void)
{
    gsl_set_error_handler_off();
}

Test(stats, mean_sd_and_interval_by_hand, .init = quiet_gsl)
{
    double x[] = {2.385, 3.1, 4.7, 1.05};
    ric_stats_ci c;
    cr_assert_eq(ric_stats_ci95(x, 4, &c), RIC_OK);
    cr_assert_eq(c.n, 4);
    /* mean 11.235 / 4; squared deviations sum to 6.93441875, over 3 */
    cr_assert_float_eq(c.mean, 2.80875, 1e-12);
    cr_assert_float_eq(c.sd, sqrt(6.93441875 / 3), 1e-12);
    double half = T3 * sqrt(6.93441875 / 3) / 2;
    cr_assert_float_eq(c.lo, 2.80875 - half, 1e-9);
    cr_assert_float_eq(c.hi, 2.80875 + half, 1e-9);
    cr_assert_float_eq(half, 2.4192207221743525, 1e-9);
}

Test(stats, nan_values_are_left_out, .init = quiet_gsl)
{
    double x[] = {NAN, 2.385, 3.1, NAN, 4.7, 1.05};
    ric_stats_ci c;
    cr_assert_eq(ric_stats_ci95(x, 6, &c), RIC_OK);
    cr_assert_eq(c.n, 4);
    cr_assert_float_eq(c.mean, 2.80875, 1e-12);
    cr_assert_float_eq(c.hi - c.lo, 2 * 2.4192207221743525, 1e-9);
}

Test(stats, one_value_has_a_mean_but_no_spread, .init = quiet_gsl)
{
    double x[] = {7.25, NAN};
    ric_stats_ci c;
    cr_assert_eq(ric_stats_ci95(x, 2, &c), RIC_OK);
    cr_assert_eq(c.n, 1);
    cr_assert_float_eq(c.mean, 7.25, 1e-15);
    cr_assert(isnan(c.sd) && isnan(c.lo) && isnan(c.hi));
    ric_stats_ci e;
    cr_assert_eq(ric_stats_ci95(x + 1, 1, &e), RIC_OK);
    cr_assert_eq(e.n, 0);
    cr_assert(isnan(e.mean));
}

Test(stats, constant_values_have_a_zero_width_interval, .init = quiet_gsl)
{
    double x[] = {3.3, 3.3, 3.3};
    ric_stats_ci c;
    cr_assert_eq(ric_stats_ci95(x, 3, &c), RIC_OK);
    cr_assert_float_eq(c.sd, 0, 1e-15);
    cr_assert_float_eq(c.lo, 3.3, 1e-12);
    cr_assert_float_eq(c.hi, 3.3, 1e-12);
}

Test(stats, paired_difference_by_hand, .init = quiet_gsl)
{
    /* b is a reordering of a plus 1, so both have the same variance (2.81583...) and Welch's
     * degrees of freedom are 2 (n - 1) = 6; the differences 3.2, -1.2, 3.9, -1.9 vary more than
     * a and b do, so here pairing hurts: vrf < 1 */
    const double a[] = {1.2, 3.4, 2.2, 5.1}, b[] = {4.4, 2.2, 6.1, 3.2};
    double work[12];
    ric_stats_pair p;
    cr_assert_eq(ric_stats_paired(a, b, 4, work, &p), RIC_OK);
    cr_assert_eq(p.diff.n, 4);
    cr_assert_float_eq(p.diff.mean, 1.0, 1e-12);
    cr_assert_float_eq(p.diff.sd, sqrt(26.5 / 3), 1e-12);
    cr_assert_float_eq(p.diff.hi - p.diff.mean, T3 * sqrt(26.5 / 3 / 4), 1e-9);
    cr_assert_float_eq(p.sd_a, sqrt(8.4475 / 3), 1e-12);
    cr_assert_float_eq(p.sd_b, p.sd_a, 1e-12);
    cr_assert_float_eq(p.hi_unpaired - 1.0, T6 * sqrt(2 * 8.4475 / 3 / 4), 1e-9);
    cr_assert_float_eq(p.lo_unpaired, 2.0 - p.hi_unpaired, 1e-9);
    cr_assert_float_eq(p.vrf, 2 * 8.4475 / 26.5, 1e-12);
    cr_assert_lt(p.vrf, 1.0);
}

Test(stats, pairing_common_noise_gives_a_large_reduction, .init = quiet_gsl)
{
    /* b = a + 0.5 + small noise: a's large spread cancels in the differences */
    const double a[] = {10.3, 25.7, 17.2, 31.9, 12.8}, b[] = {10.9, 26.1, 17.8, 32.3, 13.4};
    double work[15];
    ric_stats_pair p;
    cr_assert_eq(ric_stats_paired(a, b, 5, work, &p), RIC_OK);
    cr_assert_float_eq(p.diff.mean, 0.52, 1e-12);
    cr_assert_gt(p.vrf, 1000);
    cr_assert_lt(p.diff.hi - p.diff.lo, (p.hi_unpaired - p.lo_unpaired) / 20);
    cr_assert(p.diff.lo > 0, "the paired interval excludes 0");
    cr_assert(p.lo_unpaired < 0, "the unpaired one does not");
}

Test(stats, pairs_with_a_nan_are_dropped_and_degenerate_cases_are_named, .init = quiet_gsl)
{
    const double a[] = {1.5, NAN, 2.5, 4.0}, b[] = {2.5, 9.0, 3.5, 5.0};
    double work[12];
    ric_stats_pair p;
    cr_assert_eq(ric_stats_paired(a, b, 4, work, &p), RIC_OK);
    cr_assert_eq(p.diff.n, 3);
    cr_assert_float_eq(p.diff.mean, 1.0, 1e-12);
    cr_assert(isinf(p.vrf), "constant differences under varying values: infinite reduction");
    const double c[] = {2.0, 2.0, 2.0};
    cr_assert_eq(ric_stats_paired(c, c, 3, work, &p), RIC_OK);
    cr_assert(isnan(p.vrf), "nothing varies: undefined");
    cr_assert_float_eq(p.lo_unpaired, 0, 1e-15);
}

/* The effect per US$ million is the ratio of the mean extra effect to the mean extra money; a
 * pair whose spending differs by rounding adds nothing to the money (found: 2e15 jobs per US$
 * million when only some pairs differed by rounding and the ratio was taken per pair). */
Test(stats, an_effect_ratio_is_finite_when_one_pair_spends_more)
{
    const double cost[] = {3e-9, -2e-9, 4.0, 1e-10};
    const double jobs[] = {5.0, -3.0, 10.0, 0.0};
    ric_stats_ratio r;
    cr_assert_eq(ric_stats_effect_ratio(cost, jobs, 4, &r), RIC_OK);
    cr_assert_eq(r.n, 4);
    cr_assert_float_eq(r.cost, 1.0, 1e-12, "mean money %g", r.cost);
    cr_assert_float_eq(r.effect, 3.0, 1e-12);
    cr_assert_float_eq(r.ratio, 3.0, 1e-12, "ratio %g", r.ratio);
    cr_assert(isfinite(r.lo) && isfinite(r.hi) && r.lo <= r.ratio && r.ratio <= r.hi,
              "interval [%g, %g] around %g", r.lo, r.hi, r.ratio);
    /* the same bytes every time */
    ric_stats_ratio again;
    cr_assert_eq(ric_stats_effect_ratio(cost, jobs, 4, &again), RIC_OK);
    cr_assert(memcmp(&r, &again, sizeof r) == 0);
    /* no pair spends more: no ratio */
    const double none[] = {1e-9, 0.0};
    cr_assert_eq(ric_stats_effect_ratio(none, jobs, 2, &r), RIC_OK);
    cr_assert(isnan(r.ratio) && isnan(r.lo));
}

/* The bootstrap interval covers the true ratio about as often as it says. */
Test(stats, the_bootstrap_interval_of_a_ratio_covers_the_truth)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 7);
    int covered = 0;
    const int trials = 200;
    for (int t = 0; t < trials; t++) {
        double cost[20], jobs[20];
        for (int i = 0; i < 20; i++) {
            cost[i] = 10.0 + gsl_ran_gaussian(g, 1.0);
            jobs[i] = 2.0 * cost[i] + gsl_ran_gaussian(g, 5.0); /* 2 jobs per US$ million */
        }
        ric_stats_ratio r;
        cr_assert_eq(ric_stats_effect_ratio(cost, jobs, 20, &r), RIC_OK);
        covered += r.lo <= 2.0 && 2.0 <= r.hi;
    }
    gsl_rng_free(g);
    cr_assert(covered >= 0.88 * trials && covered <= 0.99 * trials, "covered %d of %d", covered,
              trials);
}
