/* Counter-based streams: the same (seed, id, step, rule) always gives the same block, any change
 * of one counter word gives a different one, and the GSL adapter restarts exactly on reset. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#include "base/rng.h"
#include "kernels/kernels.h"

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

/* Known answers for Philox4x32-10 from Random123's own test vectors (J. K. Salmon, M. A. Moraes,
 * R. O. Dror, D. E. Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC11), file
 * examples/kat_vectors as kept in the repository girving/random123-manual (commit 61e84792), rows
 * "philox4x32 10 <counter[4]> <key[2]> <expected[4]>". Pasted, never computed here. */
typedef struct {
    uint32_t ctr[4], key[2], out[4];
} kat;

static const kat kats[] = {
    {{0x00000001, 0x00000000, 0x00000000, 0x00000000},
     {0x00000001, 0x00000000},
     {0xac08141b, 0xdfc5ccbe, 0x79c07a47, 0xa7f66093}},
    {{0x00000000, 0xffffffff, 0x00000000, 0x00000000},
     {0x00000000, 0xffffffff},
     {0x5f9c47aa, 0x19861d86, 0xff2be81d, 0x4c7db17e}},
    {{0x00000000, 0x00000000, 0x80000000, 0x00000000},
     {0x00000000, 0x80000000},
     {0xae56ca02, 0x7609ba67, 0x25abd7df, 0x46ce39a3}},
    {{0x00000000, 0x00000000, 0x00000000, 0x00000001},
     {0x00000001, 0x00000000},
     {0x127bee41, 0x1e047488, 0x48842b20, 0x0a393496}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0x00000000, 0x00000001},
     {0x126514c3, 0xd1898b69, 0xda2707b3, 0x6e6fb436}},
};
#define N_KATS (sizeof kats / sizeof kats[0])

static uint64_t kat_seed(const kat *t)
{
    return (uint64_t)t->key[0] | (uint64_t)t->key[1] << 32;
}

Test(rng, philox_matches_random123_known_answers)
{
    for (size_t i = 0; i < N_KATS; i++) {
        philox4x32_ctr_t c = {{kats[i].ctr[0], kats[i].ctr[1], kats[i].ctr[2], kats[i].ctr[3]}};
        philox4x32_key_t k = {{kats[i].key[0], kats[i].key[1]}};
        philox4x32_ctr_t out = philox4x32(c, k);
        for (int w = 0; w < 4; w++)
            cr_assert_eq(out.v[w], kats[i].out[w], "vector %zu, word %d: %08x, expected %08x", i, w,
                         out.v[w], kats[i].out[w]);
    }
}

/* ric_rng_block(seed, id, step, rule) is Philox on counter {id, step, rule, 0} and key
 * {seed low, seed high}: every vector whose fourth counter word is 0 is reachable through it. */
Test(rng, block_matches_random123_known_answers)
{
    int reached = 0;
    for (size_t i = 0; i < N_KATS; i++) {
        if (kats[i].ctr[3] != 0)
            continue;
        ric_block b =
            ric_rng_block(kat_seed(&kats[i]), kats[i].ctr[0], kats[i].ctr[1], kats[i].ctr[2]);
        for (int w = 0; w < 4; w++)
            cr_assert_eq(b.v[w], kats[i].out[w], "vector %zu, word %d: %08x, expected %08x", i, w,
                         b.v[w], kats[i].out[w]);
        reached++;
    }
    cr_assert_eq(reached, 3);
}

/* The batched paths (base/rng.c's and the philox8 kernel), with the vector's id in each lane in
 * turn of a batch of 11 (one full batch of eight and a partial one) among other ids. */
Test(rng, batched_blocks_match_random123_known_answers)
{
    enum { n = 11 };
    uint32_t ids[n], w[4][n];
    for (size_t i = 0; i < N_KATS; i++) {
        if (kats[i].ctr[3] != 0)
            continue;
        for (size_t lane = 0; lane < n; lane++) {
            for (size_t j = 0; j < n; j++)
                ids[j] = (uint32_t)j * 2654435761u + 7u;
            ids[lane] = kats[i].ctr[0];
            /* the reference, and the philox8 kernel where this CPU runs it */
            const int paths = ric_kernels_available() & (1u << RIC_KERNEL_PHILOX8) ? 2 : 1;
            for (int path = 0; path < paths; path++) {
                (path ? ric_kernel_philox8 : ric_rng_blocks)(kat_seed(&kats[i]), ids, n,
                                                             kats[i].ctr[1], kats[i].ctr[2], w[0],
                                                             w[1], w[2], w[3]);
                for (int k = 0; k < 4; k++)
                    cr_assert_eq(w[k][lane], kats[i].out[k],
                                 "vector %zu, path %d, lane %zu, word %d: %08x, expected %08x", i,
                                 path, lane, k, w[k][lane], kats[i].out[k]);
            }
        }
    }
}
