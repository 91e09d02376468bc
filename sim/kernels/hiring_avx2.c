/* Kernel hiring: model/firms.c's hiring pass with AVX2 and exact integer sums of the pools'
 * changes. The pool's whole persons bound each hire, in firm order. The shares sum to at most
 * the pool's floor P (when fill < 1, rounding adds less than one person while P < 2^51), and
 * decreases only add to the pool, so with every pool in [0, 2^51) the bound never binds
 * (rounding is monotone: the running pool stays >= P minus the hires so far); the kernel runs
 * only then and leaves other steps to the reference. Where, moreover, the pool plus everything
 * returned to it (the firm pass's gain) stays inside the pool's binade, every partial sum is
 * exact, so the region's additions are summed as integers, in lanes, and added once: the same
 * double as the reference's sequential sum, without its chain of additions. Other regions
 * ("sequential") add firm by firm. */
#include <math.h>
#include <string.h>

#include "kernels/kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* The hiring pass with AVX2, for steps where no pool's bound can bind (every pool in
 * [0, 2^51)): eight firms at a time compute hires, employment and the pool's change, then a
 * scalar pass over the chunk adds them up by region and by origin, in lanes, and adds firm by
 * firm to the pools of sequential regions. Same integers and the same double additions as the
 * reference's loop (tests/test_kernels.c). */
__attribute__((target("avx2"))) static void hiring_vector(const ric_world *w, ric_workspace *ws,
                                                          ric_region_hot *hot, long long *delta,
                                                          long long *created, long long *destroyed,
                                                          long long *exits, long long *part,
                                                          long long *nonpart, uint32_t *any)
{
    const ric_firms *f = &w->firms;
    const size_t n = f->n, n_regions = (size_t)w->n_regions;
    const double *fill = ws->tab_fill; /* gathered by region */
    /* [lane][origin * 2 + focus]: jobs made and lost */
    long long flow[RIC_LANES][RIC_ORIGIN_N * 2][2];
    memset(flow, 0, sizeof flow);
    int32_t kb[RIC_CHUNK], lost[RIC_CHUNK];
    const __m256i zero = _mm256_setzero_si256(), dead_bit = _mm256_set1_epi32(RIC_FIRM_DEAD),
                  emp_max = _mm256_set1_epi32(RIC_EMP_MAX);
    __m256i acc_part = zero, acc_non = zero, acc_any = zero;
    for (size_t i0 = 0; i0 < n; i0 += RIC_CHUNK) {
        const size_t m = n - i0 < RIC_CHUNK ? n - i0 : RIC_CHUNK;
        const uint16_t *region = f->region + i0;
        const uint8_t *flags = f->flags + i0, *origin = f->origin + i0;
        int32_t *want = ws->want + i0, *emp = f->employees + i0;
        const uint32_t *prog = f->prog + i0;
        size_t c = 0;
        for (; c + 8 <= m; c += 8) {
            const __m256i wv = _mm256_loadu_si256((const __m256i *)(want + c));
            const __m256i ev = _mm256_loadu_si256((const __m256i *)(emp + c));
            const __m256i rv =
                _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(region + c)));
            const __m256i dead = _mm256_cmpeq_epi32(
                _mm256_and_si256(
                    _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(flags + c))), dead_bit),
                dead_bit);
            const __m256i up = _mm256_max_epi32(wv, zero);
            __m256i down = _mm256_sub_epi32(up, wv);
            /* (int32_t)(up * fill), in two halves of four doubles */
            const __m256d f_lo = _mm256_i32gather_pd(fill, _mm256_castsi256_si128(rv), 8);
            const __m256d f_hi = _mm256_i32gather_pd(fill, _mm256_extracti128_si256(rv, 1), 8);
            const __m128i h_lo = _mm256_cvttpd_epi32(
                _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(up)), f_lo));
            const __m128i h_hi = _mm256_cvttpd_epi32(
                _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(up, 1)), f_hi));
            __m256i h = _mm256_inserti128_si256(_mm256_castsi128_si256(h_lo), h_hi, 1);
            h = _mm256_min_epi32(h, _mm256_sub_epi32(emp_max, ev)); /* within 32 bits */
            h = _mm256_andnot_si256(dead, h);
            down = _mm256_andnot_si256(dead, down);
            _mm256_storeu_si256((__m256i *)(emp + c),
                                _mm256_sub_epi32(_mm256_add_epi32(ev, h), down));
            _mm256_storeu_si256((__m256i *)(want + c), h); /* 0 for an exit, as before */
            /* the pool's change and the jobs lost: an exit returns all its workers */
            _mm256_storeu_si256((__m256i *)(kb + c),
                                _mm256_blendv_epi8(_mm256_sub_epi32(down, h), ev, dead));
            _mm256_storeu_si256((__m256i *)(lost + c), _mm256_blendv_epi8(down, ev, dead));
            /* hires of participants and of others, in 64-bit sums */
            const __m256i pv = _mm256_loadu_si256((const __m256i *)(prog + c));
            acc_any = _mm256_or_si256(acc_any, pv);
            const __m256i non = _mm256_cmpeq_epi32(pv, zero);
            const __m256i h_part = _mm256_andnot_si256(non, h), h_non = _mm256_and_si256(non, h);
            acc_part = _mm256_add_epi64(
                acc_part,
                _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(h_part)),
                                 _mm256_cvtepi32_epi64(_mm256_extracti128_si256(h_part, 1))));
            acc_non = _mm256_add_epi64(
                acc_non,
                _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(h_non)),
                                 _mm256_cvtepi32_epi64(_mm256_extracti128_si256(h_non, 1))));
        }
        for (; c < m; c++) { /* the chunk's tail: the same integers */
            const int32_t wc = want[c], e = emp[c];
            const int dead = (flags[c] & RIC_FIRM_DEAD) != 0;
            const int32_t up = wc & ~(wc >> 31);
            int32_t h = (int32_t)(up * fill[region[c]]);
            h = h < RIC_EMP_MAX - e ? h : RIC_EMP_MAX - e;
            h = dead ? 0 : h;
            const int32_t down = dead ? 0 : up - wc;
            emp[c] = e + h - down;
            want[c] = h;
            kb[c] = dead ? e : down - h;
            lost[c] = dead ? e : down;
            *any |= prog[c];
            *part += prog[c] ? h : 0;
            *nonpart += prog[c] ? 0 : h;
        }
        /* sums by region and origin, in lanes; sequential regions' pools firm by firm */
        for (c = 0; c < m; c++) {
            const int r = region[c];
            const size_t l = (i0 + c) % RIC_LANES;
            long long *fl = flow[l][origin[c] * 2 + hot[r].focus];
            fl[0] += want[c];
            fl[1] += lost[c];
            delta[l * n_regions + (size_t)r] += kb[c];
            if (__builtin_expect(hot[r].sequential, 0))
                hot[r].pool += kb[c];
        }
    }
    /* exits, from the firm pass's list of them */
    for (size_t d = 0; d < ws->n_dead; d++)
        *exits += hot[f->region[ws->dead[d]]].focus;
    long long t[4];
    _mm256_storeu_si256((__m256i *)t, acc_part);
    *part += t[0] + t[1] + t[2] + t[3];
    _mm256_storeu_si256((__m256i *)t, acc_non);
    *nonpart += t[0] + t[1] + t[2] + t[3];
    uint32_t a8[8];
    _mm256_storeu_si256((__m256i *)a8, acc_any);
    for (int k = 0; k < 8; k++)
        *any |= a8[k];
    for (int l = 0; l < RIC_LANES; l++)
        for (int o = 0; o < RIC_ORIGIN_N; o++) {
            created[o] += flow[l][o * 2 + 1][0];
            destroyed[o] += flow[l][o * 2 + 1][1];
        }
}

/* AVX2 for the whole kernel: the per-programme sums of hires below vectorise only then. */
__attribute__((target("avx2"))) int ric_kernel_hiring(ric_world *w, ric_workspace *ws)
{
    ric_firms *f = &w->firms;
    const size_t n_regions = (size_t)w->n_regions;
    for (size_t r = 0; r < n_regions; r++)
        if (!(w->regions[r].pool >= 0.0 && w->regions[r].pool < 0x1p51))
            return 0; /* a pool's bound may bind: the reference's step */
    ric_region_hot *hot = ws->tab_region;
    const int gain_now = ws->gain_step == w->step + 1; /* else: every region firm by firm */
    for (size_t r = 0; r < n_regions; r++) {
        const ric_region *g = &w->regions[r];
        /* pool = m 2^(e-53) with m a 53-bit integer; its t trailing zero bits (capped so that
         * the grid 2^(e-53+t) stays within whole persons) make every sum pool + integer
         * below 2^(e+t) exact, and 2^(e+t) - pool is exact too */
        int ok = 0;
        if (gain_now) {
            int e;
            const uint64_t m = (uint64_t)ldexp(frexp(g->pool, &e), 53);
            int t = m ? __builtin_ctzll(m) : 0;
            t = t < 53 - e ? t : 53 - e;
            ok = (double)ws->gain[r] < ldexp(1.0, e + t) - g->pool;
        }
        hot[r] = (ric_region_hot){g->pool, g->p.focus, !ok};
    }
    long long *delta = ws->lane_demand; /* the pool's change, by lane and region */
    memset(delta, 0, n_regions * RIC_LANES * sizeof *delta);
    long long created[RIC_ORIGIN_N] = {0}, destroyed[RIC_ORIGIN_N] = {0};
    long long exits = 0, part = 0, nonpart = 0;
    uint32_t any = 0; /* programmes with participants */
    hiring_vector(w, ws, hot, delta, created, destroyed, &exits, &part, &nonpart, &any);
    for (size_t r = 0; r < n_regions; r++) {
        long long d = 0;
        for (size_t l = 0; l < RIC_LANES; l++)
            d += delta[l * n_regions + r];
        w->regions[r].pool = hot[r].sequential ? hot[r].pool : hot[r].pool + (double)d;
    }
    ric_flows *fl = &w->flow;
    for (int o = 0; o < RIC_ORIGIN_N; o++) {
        fl->created[o] += created[o];
        fl->destroyed[o] += destroyed[o];
    }
    fl->exits += exits;
    fl->created_part += part;
    fl->created_nonpart += nonpart;
    /* jobs by programme: one pass each over the hires, for the programmes with participants
     * (an exiting firm's hires are 0) */
    const int32_t *hires = ws->want;
    const uint32_t *prog = f->prog;
    for (; any; any &= any - 1) {
        const int b = __builtin_ctz(any);
        long long sum = 0;
        for (size_t i = 0; i < f->n; i++)
            sum += hires[i] & -(int32_t)((prog[i] >> b) & 1u);
        fl->prog_jobs[b] += sum;
    }
    return 1;
}

#else
int ric_kernel_hiring(ric_world *w, ric_workspace *ws)
{
    (void)w, (void)ws;
    return 0; /* never selected without AVX2 */
}
#endif
