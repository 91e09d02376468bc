/* Counter-based streams: the same (seed, id, step, rule) always gives the same block, any change
 * of one counter word gives a different one, and the GSL adapter restarts exactly on reset. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#include "base/rng.h"

Test(rng, block_is_a_pure_function_of_its_counter)
{
    ric_block a = ric_rng_block(2385u, 17, 42, RIC_RULE_FIRM);
    ric_block b = ric_rng_block(2385u, 17, 42, RIC_RULE_FIRM);
    for (int k = 0; k < 4; k++)
        cr_assert_eq(a.v[k], b.v[k]);
}

Test(rng, each_counter_word_and_the_seed_change_the_block)
{
    ric_block base = ric_rng_block(2385u, 17, 42, RIC_RULE_FIRM);
    ric_block other[4] = {
        ric_rng_block(2386u, 17, 42, RIC_RULE_FIRM),
        ric_rng_block(2385u, 18, 42, RIC_RULE_FIRM),
        ric_rng_block(2385u, 17, 43, RIC_RULE_FIRM),
        ric_rng_block(2385u, 17, 42, RIC_RULE_ENTRY),
    };
    for (int i = 0; i < 4; i++)
        cr_assert(other[i].v[0] != base.v[0] || other[i].v[1] != base.v[1],
                  "counter change %d left the block unchanged", i);
    /* the high half of a 64-bit seed matters too */
    ric_block hi = ric_rng_block(2385u + (1ull << 40), 17, 42, RIC_RULE_FIRM);
    cr_assert(hi.v[0] != base.v[0] || hi.v[1] != base.v[1]);
}

Test(rng, uniform_words_are_uniform_on_the_open_interval)
{
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        ric_block b = ric_rng_block(99u, (uint32_t)i, 7, RIC_RULE_FIRM);
        double u = ric_u01(b.v[i & 3]);
        cr_assert(u > 0.0 && u < 1.0);
        sum += u;
        sum2 += u * u;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    /* mean 1/2 and variance 1/12, within 5 standard errors */
    cr_assert(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / n), "mean %g", mean);
    cr_assert(fabs(var - 1.0 / 12) < 0.002, "variance %g", var);
    cr_assert_eq(ric_u01(0), 0.5 / 4294967296.0);
}

Test(rng, stream_restarts_exactly_at_a_counter)
{
    gsl_set_error_handler_off();
    ric_stream s;
    cr_assert_eq(ric_stream_init(&s, 2385u), RIC_OK);
    gsl_rng *r = ric_stream_at(&s, 5, 6, RIC_RULE_ENTRY);
    unsigned long a[10];
    for (int i = 0; i < 10; i++)
        a[i] = gsl_rng_get(r);
    double g = gsl_ran_gaussian_ziggurat(r, 1.0);
    r = ric_stream_at(&s, 5, 6, RIC_RULE_ENTRY);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(gsl_rng_get(r), a[i]);
    cr_assert_eq(gsl_ran_gaussian_ziggurat(r, 1.0), g);
    r = ric_stream_at(&s, 5, 7, RIC_RULE_ENTRY);
    cr_assert_neq(gsl_rng_get(r), a[0]);
    ric_stream_fini(&s);
    ric_stream_fini(&s); /* idempotent */
}

Test(rng, poisson_draws_have_the_right_mean)
{
    ric_stream s;
    cr_assert_eq(ric_stream_init(&s, 11u), RIC_OK);
    double sum = 0;
    const int n = 20000;
    for (int i = 0; i < n; i++)
        sum += gsl_ran_poisson(ric_stream_at(&s, (uint32_t)i, 0, RIC_RULE_ORG_SPINOFF), 2.385);
    cr_assert(fabs(sum / n - 2.385) < 5 * sqrt(2.385 / n), "mean %g", sum / n);
    ric_stream_fini(&s);
}

Test(rng, hashes_are_stable)
{
    /* FNV-1a reference values */
    cr_assert_eq(ric_hash32(""), 2166136261u);
    cr_assert_eq(ric_hash32("a"), 0xe40c292cu);
    cr_assert_eq(ric_hash64("a", 1), 0xaf63dc4c8601ec8cull);
    cr_assert_neq(ric_hash32("nuri"), ric_hash32("kicox"));
}

Test(rng, batched_blocks_equal_single_blocks_bit_for_bit)
{
    uint32_t ids[1000], w[4][1000];
    for (int i = 0; i < 1000; i++)
        ids[i] = (uint32_t)i * 2654435761u + 17u;
    /* odd lengths exercise the partial last batch */
    for (size_t n = 1; n <= 1000; n = n * 3 + 1) {
        ric_rng_blocks(0x123456789abcdefull, ids, n, 271828u, RIC_RULE_FIRM, w[0], w[1], w[2],
                       w[3]);
        for (size_t i = 0; i < n; i++) {
            ric_block b = ric_rng_block(0x123456789abcdefull, ids[i], 271828u, RIC_RULE_FIRM);
            for (int k = 0; k < 4; k++)
                cr_assert_eq(w[k][i], b.v[k], "n %zu, agent %zu, word %d", n, i, k);
        }
    }
}
