/* Philox blocks and the GSL adapter (Random123's GSL_MICRORNG) over one counter space. */
#include "base/rng.h"

#include <stdatomic.h>
#include <stdlib.h>

#include <Random123/gsl_microrng.h>
#include <Random123/philox.h>

/* Defines gsl_rng_ric_philox and ric_philox_reset(r, ctr, key). Random123's macro body does not
 * meet our conversion warnings; they are silenced for it alone. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
GSL_MICRORNG(ric_philox, philox4x32);
#pragma GCC diagnostic pop

/* Philox4x32-10 (Salmon et al. 2011, as in Random123's philox.h) over arrays. Each round
 * multiplies words 0 and 2 by the Philox constants (64-bit products), mixes the high halves into
 * words 1 and 3 with the key, and bumps the key by the Weyl constants. Lanes are independent. */
void ric_rng_blocks_generic(uint64_t seed, const uint32_t *ids, size_t n, uint32_t step,
                            uint32_t rule, uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
    for (size_t i = 0; i < n; i++) {
        ric_block b = ric_rng_block(seed, ids[i], step, rule);
        w0[i] = b.v[0];
        w1[i] = b.v[1];
        w2[i] = b.v[2];
        w3[i] = b.v[3];
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Low and high 32 bits of the eight products a[l] * m, lane by lane. */
__attribute__((target("avx2"))) static inline void mulhilo8(__m256i a, __m256i m, __m256i *lo,
                                                            __m256i *hi)
{
    __m256i even = _mm256_mul_epu32(a, m);                       /* lanes 0, 2, 4, 6 */
    __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m); /* lanes 1, 3, 5, 7 */
    *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

/* Eight blocks per iteration; the same words as ric_rng_block, bit for bit (tests/test_rng.c). */
__attribute__((target("avx2"))) static void blocks_avx2(uint64_t seed, const uint32_t *ids,
                                                        size_t n, uint32_t step, uint32_t rule,
                                                        uint32_t *w0, uint32_t *w1, uint32_t *w2,
                                                        uint32_t *w3)
{
    const __m256i m0 = _mm256_set1_epi32((int)0xD2511F53u),
                  m1 = _mm256_set1_epi32((int)0xCD9E8D57u);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i c0 = _mm256_loadu_si256((const __m256i *)(ids + i));
        __m256i c1 = _mm256_set1_epi32((int)step), c2 = _mm256_set1_epi32((int)rule);
        __m256i c3 = _mm256_setzero_si256();
        uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
        for (int r = 0; r < 10; r++) {
            __m256i lo0, hi0, lo1, hi1;
            mulhilo8(c0, m0, &lo0, &hi0);
            mulhilo8(c2, m1, &lo1, &hi1);
            c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32((int)k0));
            c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32((int)k1));
            c1 = lo1;
            c3 = lo0;
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        _mm256_storeu_si256((__m256i *)(w0 + i), c0);
        _mm256_storeu_si256((__m256i *)(w1 + i), c1);
        _mm256_storeu_si256((__m256i *)(w2 + i), c2);
        _mm256_storeu_si256((__m256i *)(w3 + i), c3);
    }
    ric_rng_blocks_generic(seed, ids + i, n - i, step, rule, w0 + i, w1 + i, w2 + i, w3 + i);
}
#endif

int ric_simd(void)
{
    static _Atomic int known = -1; /* threads may race to fill it: they store the same value */
    if (known < 0) {
        const char *off = getenv("RICSIM_NO_SIMD");
        int on = 0;
#if defined(__x86_64__) && defined(__GNUC__)
        on = __builtin_cpu_supports("avx2") != 0;
#endif
        known = on && !(off && *off);
    }
    return known;
}

void ric_rng_blocks(uint64_t seed, const uint32_t *ids, size_t n, uint32_t step, uint32_t rule,
                    uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (ric_simd()) {
        blocks_avx2(seed, ids, n, step, rule, w0, w1, w2, w3);
        return;
    }
#endif
    ric_rng_blocks_generic(seed, ids, n, step, rule, w0, w1, w2, w3);
}

uint32_t ric_rng_key(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    philox4x32_ctr_t ctr = {{a, b, c, d}};
    philox4x32_key_t k = {{0x52494353u, 0x4b455953u}}; /* a fixed key: "RICS" "KEYS" */
    return philox4x32(ctr, k).v[0];
}

uint32_t ric_hash32(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

uint64_t ric_hash64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

ric_status ric_stream_init(ric_stream *s, uint64_t seed)
{
    s->seed = seed;
    s->r = gsl_rng_alloc(gsl_rng_ric_philox);
    return s->r ? RIC_OK : RIC_ENOMEM;
}

void ric_stream_fini(ric_stream *s)
{
    if (s && s->r) {
        gsl_rng_free(s->r);
        s->r = NULL;
    }
}

gsl_rng *ric_stream_at(ric_stream *s, uint32_t id, uint32_t step, uint32_t rule)
{
    philox4x32_ctr_t c = {{id, step, rule, 0}};
    philox4x32_key_t k = {{(uint32_t)s->seed, (uint32_t)(s->seed >> 32)}};
    ric_philox_reset(s->r, c, k);
    return s->r;
}
