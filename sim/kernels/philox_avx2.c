/* Kernel philox8: Philox4x32-10 (Salmon et al. 2011, as in Random123's philox.h) eight blocks
 * at a time with AVX2. Each round multiplies words 0 and 2 by the Philox constants (64-bit
 * products), mixes the high halves into words 1 and 3 with the key, and bumps the key by the
 * Weyl constants; lanes are independent. The reference is ric_rng_block (base/rng.h). */
#include "kernels/kernels.h"

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

/* Eight blocks per iteration; the same words as ric_rng_block, bit for bit (tests/test_kernels.c).
 */
__attribute__((target("avx2"))) void ric_kernel_philox8(uint64_t seed, const uint32_t *ids,
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
    ric_rng_blocks(seed, ids + i, n - i, step, rule, w0 + i, w1 + i, w2 + i, w3 + i);
}

#else
void ric_kernel_philox8(uint64_t seed, const uint32_t *ids, size_t n, uint32_t step, uint32_t rule,
                        uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
    ric_rng_blocks(seed, ids, n, step, rule, w0, w1, w2, w3); /* never selected: no AVX2 */
}
#endif
