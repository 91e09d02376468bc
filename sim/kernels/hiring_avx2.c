/* Kernel hiring: model/firms.c's hiring pass with AVX2 and the sums of hires and jobs lost by
 * region and origin in lanes. The pool's whole persons bound each hire, in firm order. The shares
 * sum to at most the pool's floor P (when fill < 1, rounding adds less than one person while
 * P < 2^51), and decreases only add to the pool, so with every pool in [0, 2^51) the bound never
 * binds (the pool as it stands, rounded, stays >= P minus the hires so far): the kernel runs only
 * then and leaves other steps to the reference. The pool's change is an integer either way,
 * added once. */
#include <math.h>
#include <string.h>

#include "kernels/kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* A firm's hires H and jobs lost L into the sums by region and origin. */
static inline void add_flow(long long *restrict flow, size_t key, int32_t h, int32_t lost)
{
    flow[2 * key] += h;
    flow[2 * key + 1] += lost;
}

/* The hiring pass with AVX2, for steps where no pool's bound can bind (every pool in
 * [0, 2^51)): eight firms at a time compute hires, employment and jobs lost, then a scalar pass
 * over the chunk adds hires and losses up by region and origin, and focus hires by sector, in lanes
 * (ws->lane_flow; the pools' changes and the gross flows follow from those sums). Same integers as
 * the reference's loop (tests/test_kernels.c). */
__attribute__((target("avx2"))) static void hiring_vector(const ric_world *w, ric_workspace *ws,
                                                          long long *part, long long *nonpart,
                                                          long long *prog_jobs)
{
    const ric_firms *f = &w->firms;
    const size_t n = f->n, n_regions = (size_t)w->n_regions;
    const double *fill = ws->tab_fill; /* gathered by region */
    long long *flow = ws->lane_flow;
    const size_t lane_stride = n_regions * RIC_ORIGIN_N * 2;
    const int by_sector = w->n_sectors > 1; /* else the sector's sums are the origins' */
    int32_t lost[RIC_CHUNK], hf[RIC_CHUNK]; /* hf: hires of a focus firm, else 0 */
    uint32_t keys[RIC_CHUNK];               /* region * RIC_ORIGIN_N + origin */
    long long(*sec)[RIC_MAX_SECTORS] = ws->lane_sector;
    const int32_t *focus = ws->tab_focus;
    const __m256i vno = _mm256_set1_epi32(RIC_ORIGIN_N);
    uint8_t in_window[RIC_CHUNK / 8]; /* bit j of entry g: firm 8 g + j is in an award's window */
    const __m256i zero = _mm256_setzero_si256(), dead_bit = _mm256_set1_epi32(RIC_FIRM_DEAD),
                  emp_max = _mm256_set1_epi32(RIC_EMP_MAX);
    __m256i acc_part = zero, acc_non = zero;
    for (size_t i0 = 0; i0 < n; i0 += RIC_CHUNK) {
        const size_t m = n - i0 < RIC_CHUNK ? n - i0 : RIC_CHUNK;
        const uint16_t *region = f->region + i0;
        const uint8_t *flags = f->flags + i0, *origin = f->origin + i0, *sector = f->sector + i0;
        int32_t *want = ws->want + i0, *emp = f->employees + i0;
        const uint32_t *prog = f->prog + i0, *now = f->prog_now + i0;
        size_t c = 0;
        for (; c + 8 <= m; c += 8) {
            const __m256i wv = _mm256_loadu_si256((const __m256i *)(want + c));
            const __m256i ev = _mm256_loadu_si256((const __m256i *)(emp + c));
            const __m256i rv =
                _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(region + c)));
            const __m256i ov = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(origin + c)));
            _mm256_storeu_si256((__m256i *)(keys + c),
                                _mm256_add_epi32(_mm256_mullo_epi32(rv, vno), ov));
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
            _mm256_storeu_si256(
                (__m256i *)(hf + c),
                _mm256_and_si256(h, _mm256_sub_epi32(zero, _mm256_i32gather_epi32(focus, rv, 4))));
            /* the jobs lost: an exit returns all its workers */
            _mm256_storeu_si256((__m256i *)(lost + c), _mm256_blendv_epi8(down, ev, dead));
            /* hires of participants and of others, in 64-bit sums */
            const __m256i pv = _mm256_loadu_si256((const __m256i *)(prog + c));
            const __m256i non = _mm256_cmpeq_epi32(pv, zero);
            const __m256i out =
                _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(now + c)), zero);
            in_window[c / 8] = (uint8_t)~_mm256_movemask_ps(_mm256_castsi256_ps(out));
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
            lost[c] = dead ? e : down;
            keys[c] = (uint32_t)((size_t)region[c] * RIC_ORIGIN_N + origin[c]);
            hf[c] = focus[region[c]] ? h : 0;
            for (uint32_t bits = now[c]; bits; bits &= bits - 1)
                prog_jobs[__builtin_ctz(bits)] += h;
            *part += prog[c] ? h : 0;
            *nonpart += prog[c] ? 0 : h;
        }
        /* hires by programme, for the members in a window that the vector loop found */
        for (size_t g = 0; g < m / 8; g++)
            for (unsigned in = in_window[g]; in; in &= in - 1) {
                const size_t j = g * 8 + (size_t)__builtin_ctz(in);
                for (uint32_t bits = now[j]; bits; bits &= bits - 1)
                    prog_jobs[__builtin_ctz(bits)] += want[j];
            }
        /* sums by region, sector and origin, in lanes */
        for (c = 0; c + RIC_LANES <= m; c += RIC_LANES)
            for (size_t l = 0; l < RIC_LANES; l++)
                add_flow(flow + l * lane_stride, keys[c + l], want[c + l], lost[c + l]);
        for (; c < m; c++)
            add_flow(flow, keys[c], want[c], lost[c]);
        if (by_sector) { /* hires of focus firms by sector, in lanes of a small table */
            for (c = 0; c + RIC_LANES <= m; c += RIC_LANES)
                for (size_t l = 0; l < RIC_LANES; l++)
                    sec[l][sector[c + l]] += hf[c + l];
            for (; c < m; c++)
                sec[0][sector[c]] += hf[c];
        }
    }
    long long t[4];
    _mm256_storeu_si256((__m256i *)t, acc_part);
    *part += t[0] + t[1] + t[2] + t[3];
    _mm256_storeu_si256((__m256i *)t, acc_non);
    *nonpart += t[0] + t[1] + t[2] + t[3];
}

__attribute__((target("avx2"))) int ric_kernel_hiring(ric_world *w, ric_workspace *ws)
{
    ric_firms *f = &w->firms;
    const size_t n_regions = (size_t)w->n_regions;
    for (size_t r = 0; r < n_regions; r++)
        if (!(w->regions[r].pool >= 0.0 && w->regions[r].pool < 0x1p51))
            return 0; /* a pool's bound may bind: the reference's step */
    int32_t *focus = ws->tab_focus;
    for (size_t r = 0; r < n_regions; r++)
        focus[r] = w->regions[r].p.focus != 0;
    const size_t lane_stride = n_regions * RIC_ORIGIN_N * 2;
    long long *flow = ws->lane_flow;
    memset(flow, 0, RIC_LANES * lane_stride * sizeof *flow);
    memset(ws->lane_sector, 0, RIC_LANES * sizeof *ws->lane_sector);
    ric_flows *fl = &w->flow;
    long long part = 0, nonpart = 0;
    hiring_vector(w, ws, &part, &nonpart, fl->prog_jobs);
    /* by region: gross flows of focus regions by origin, and the pool's change, hires out and
     * jobs lost back (integers, added once); by sector: focus hires */
    long long focus_hires = 0;
    for (size_t r = 0; r < n_regions; r++) {
        long long d = 0, hires = 0, losses = 0;
        for (size_t o = 0; o < RIC_ORIGIN_N; o++) {
            long long h = 0, lost = 0;
            for (size_t l = 0; l < RIC_LANES; l++) {
                const long long *x = flow + l * lane_stride + 2 * (r * RIC_ORIGIN_N + o);
                h += x[0];
                lost += x[1];
            }
            fl->created[o] += focus[r] * h;
            fl->destroyed[o] += focus[r] * lost;
            focus_hires += focus[r] * h;
            hires += h;
            losses += lost;
            d += lost - h;
        }
        w->regions[r].pool += (double)d;
        w->regions[r].flow.created += hires; /* every region's, for regions.tsv */
        w->regions[r].flow.destroyed += losses;
    }
    if (w->n_sectors > 1)
        for (int s = 0; s < w->n_sectors; s++)
            for (size_t l = 0; l < RIC_LANES; l++)
                fl->created_sector[s] += ws->lane_sector[l][s];
    else
        fl->created_sector[0] += focus_hires;
    for (size_t d = 0; d < ws->n_dead; d++) /* exits, from the firm pass's list of them */
        fl->exits += focus[f->region[ws->dead[d]]];
    fl->created_part += part;
    fl->created_nonpart += nonpart;
    return 1;
}

#else
int ric_kernel_hiring(ric_world *w, ric_workspace *ws)
{
    (void)w, (void)ws;
    return 0; /* never selected without AVX2 */
}
#endif
