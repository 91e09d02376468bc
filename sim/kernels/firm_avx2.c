/* Kernels firm_draws and firm_flags: the firm pass's per-firm arithmetic four firms at a time
 * and its state flags eight at a time, with AVX2. Twins of the functions of model/firm_rules.h
 * (draws_by_firm and flags_by_firm in kernels/firm_pass.c call those in the same order), held to
 * them bit for bit by tests/test_kernels.c. */
#include <string.h>

#include "kernels/kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* ric_u01 of four words: unsigned to double through the signed conversion, all steps exact. */
__attribute__((target("avx2"))) static inline __m256d u01x4(const uint32_t *r)
{
    __m128i w = _mm_xor_si128(_mm_loadu_si128((const __m128i *)r), _mm_set1_epi32(INT32_MIN));
    __m256d x = _mm256_add_pd(_mm256_cvtepi32_pd(w), _mm256_set1_pd(2147483648.0));
    return _mm256_mul_pd(_mm256_add_pd(x, _mm256_set1_pd(0.5)), _mm256_set1_pd(1.0 / 4294967296.0));
}

/* Four firms at a time, each operation the one firm_rules.h's functions perform, in the same
 * order, so every lane is bit-identical to the reference; the premium comes from the chunk's
 * table of ric_firm_premium. */
__attribute__((target("avx2"))) size_t ric_kernel_firm_draws(const ric_firm_consts *k,
                                                             const ric_firm_chunk *ch)
{
    const double *tab_premium = ch->tab_premium;
    const size_t m = ch->m;
    const ric_cap_powers *pw = ch->pw;
    const int32_t *empv = ch->emp;
    const float *capv = ch->cap;
    float *fitv = ch->fit;
    const uint16_t *regv = ch->region;
    const double *market_fit = ch->market_fit, *market_grow = ch->market_grow;
    const uint8_t *secv = ch->sector;
    const int one_market = market_fit == market_grow;
    const __m128i n_sectors = _mm_set1_epi32(ch->n_sectors);
    const uint32_t *r0 = ch->r0, *r1 = ch->r1, *r2 = ch->r2, *r3 = ch->r3;
    int32_t *out = ch->out, *wantv = ch->want;
    float *capn = ch->capn;
    const __m256d dt = _mm256_set1_pd(k->dt), one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5),
                  inv16 = _mm256_set1_pd(1.0 / 65536.0);
    const __m256d fit_margin = _mm256_set1_pd(k->fit_margin),
                  fit_cost = _mm256_set1_pd(k->fit_cost), exit_base = _mm256_set1_pd(k->exit_base),
                  spin_rate = _mm256_set1_pd(k->spin_rate), tr_rate = _mm256_set1_pd(k->tr_rate),
                  drift = _mm256_set1_pd(k->drift), g_base = _mm256_set1_pd(k->g_base),
                  g_cap = _mm256_set1_pd(k->g_cap), premium = _mm256_set1_pd(k->premium),
                  shock_scale = _mm256_set1_pd(k->shock_scale), hi = _mm256_set1_pd(RIC_EMP_MAX),
                  lo = _mm256_set1_pd(-RIC_EMP_MAX);
    const __m128i lo16 = _mm_set1_epi32(0xffff);
    size_t c = 0;
    for (; c + 4 <= m; c += 4) {
        const __m256d cap = _mm256_cvtps_pd(_mm_loadu_ps(capv + c));
        const __m128i emp = _mm_loadu_si128((const __m128i *)(empv + c));
        const __m256d empd = _mm256_cvtepi32_pd(emp);
        const __m128i reg = _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(regv + c)));
        int32_t sec4;
        memcpy(&sec4, secv + c, sizeof sec4);
        const __m128i key = _mm_add_epi32(_mm_mullo_epi32(reg, n_sectors),
                                          _mm_cvtepu8_epi32(_mm_cvtsi32_si128(sec4)));
        const __m256d mk_fit = _mm256_i32gather_pd(market_fit, key, 8);
        const __m256d mk = one_market ? mk_fit : _mm256_i32gather_pd(market_grow, key, 8);
        const __m256d cap_exit = pw ? _mm256_loadu_pd(pw->exit + c) : _mm256_div_pd(one, cap);
        const __m256d cap_spin = pw ? _mm256_loadu_pd(pw->spin + c) : cap;
        const __m256d cap_tr = pw ? _mm256_loadu_pd(pw->tr + c) : cap;

        const __m256d fm = _mm256_mul_pd(
            _mm256_add_pd(_mm256_mul_pd(fit_margin, _mm256_sub_pd(cap, fit_cost)), mk_fit), dt);
        const __m128 fit = _mm_add_ps(_mm_loadu_ps(fitv + c), _mm256_cvtpd_ps(fm));
        _mm_storeu_ps(fitv + c, fit);
        const __m128i fit_neg = _mm_castps_si128(_mm_cmp_ps(fit, _mm_setzero_ps(), _CMP_LT_OQ));

        /* 64-bit lane masks to 32-bit ones: the low word of each lane */
        const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0);
#define RIC_MASK32(x)                                                                              \
    _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_castpd_si256(x), pick))
        const __m256d b0 = _mm256_mul_pd(_mm256_mul_pd(exit_base, cap_exit), dt);
        const __m128i ex =
            _mm_or_si128(fit_neg, RIC_MASK32(_mm256_cmp_pd(u01x4(r0 + c), b0, _CMP_LT_OQ)));
        const __m256d b1 =
            _mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(spin_rate, empd), cap_spin), dt);
        const __m128i sp = _mm_and_si128(_mm_cmpgt_epi32(emp, _mm_set1_epi32(1)),
                                         RIC_MASK32(_mm256_cmp_pd(u01x4(r1 + c), b1, _CMP_LT_OQ)));
        const __m256d b2 = _mm256_mul_pd(_mm256_mul_pd(tr_rate, cap_tr), dt);
        const __m128i tr = RIC_MASK32(_mm256_cmp_pd(u01x4(r2 + c), b2, _CMP_LT_OQ));
#undef RIC_MASK32
        const __m128i o =
            _mm_or_si128(_mm_or_si128(_mm_and_si128(ex, _mm_set1_epi32(RIC_DRAW_EXIT)),
                                      _mm_and_si128(sp, _mm_set1_epi32(RIC_DRAW_SPIN))),
                         _mm_and_si128(tr, _mm_set1_epi32(RIC_DRAW_TRANSFER)));
        _mm_storeu_si128((__m128i *)(out + c), o);

        const __m256d cn =
            _mm256_add_pd(cap, _mm256_mul_pd(_mm256_mul_pd(_mm256_sub_pd(one, cap), drift), dt));
        _mm_storeu_ps(capn + c, _mm256_cvtpd_ps(cn));

        const __m128i w3 = _mm_loadu_si128((const __m128i *)(r3 + c));
        const __m256d shock = _mm256_mul_pd(
            _mm256_sub_pd(
                _mm256_mul_pd(_mm256_add_pd(_mm256_cvtepi32_pd(_mm_srli_epi32(w3, 16)), half),
                              inv16),
                half),
            shock_scale);
        /* premium / sqrt(emp), 0 for a firm without employees (as the scalar path): from the
         * step's table, which holds that expression, and computed only for firms beyond it */
        const __m128i in_tab = _mm_and_si128(_mm_cmplt_epi32(emp, _mm_set1_epi32(RIC_TAB_N)),
                                             _mm_cmpgt_epi32(emp, _mm_set1_epi32(-1)));
        __m256d prem = _mm256_mask_i32gather_pd(
            _mm256_setzero_pd(), tab_premium, _mm_and_si128(emp, in_tab),
            _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_set1_epi32(-1))), 8);
        if (__builtin_expect(_mm_movemask_epi8(in_tab) != 0xffff, 0)) {
            const __m256d pos = _mm256_cmp_pd(empd, _mm256_setzero_pd(), _CMP_GT_OQ);
            const __m256d exact = _mm256_and_pd(
                pos, _mm256_div_pd(premium, _mm256_sqrt_pd(_mm256_max_pd(empd, one))));
            prem =
                _mm256_blendv_pd(exact, prem, _mm256_castsi256_pd(_mm256_cvtepi32_epi64(in_tab)));
        }
        const __m256d g = _mm256_add_pd(
            _mm256_mul_pd(
                _mm256_add_pd(
                    _mm256_add_pd(
                        _mm256_add_pd(g_base, _mm256_mul_pd(g_cap, _mm256_sub_pd(cap, one))), prem),
                    mk),
                dt),
            shock);
        const __m256d d = _mm256_mul_pd(empd, g);
        const __m256d u =
            _mm256_mul_pd(_mm256_add_pd(_mm256_cvtepi32_pd(_mm_and_si128(w3, lo16)), half), inv16);
        /* ifloor: min returns its second operand for NaN, as ifloor's select does */
        const __m256d x = _mm256_max_pd(_mm256_min_pd(_mm256_add_pd(d, u), hi), lo);
        const __m128i t = _mm256_cvttpd_epi32(x);
        const __m256d above = _mm256_cmp_pd(_mm256_cvtepi32_pd(t), x, _CMP_GT_OQ);
        const __m128i want = _mm_add_epi32(t, _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(
                                                  _mm256_castpd_si256(above), pick)));
        _mm_storeu_si128((__m128i *)(wantv + c), want);
    }
    return c;
}

/* The state flags (links lapsing, incubator rooms, shrinking to nothing) eight firms at a time;
 * the same comparisons as the firm_rules.h functions, in 32-bit integers, for every link kind. */
__attribute__((target("avx2"))) size_t ric_kernel_firm_flags(const ric_firm_consts *k, int32_t step,
                                                             const ric_flag_chunk *ch)
{
    const size_t m = ch->m;
    const int32_t *emp = ch->emp, *want = ch->want;
    int32_t *out = ch->out;
    const __m256i vstep = _mm256_set1_epi32(step), vdecay = _mm256_set1_epi32(k->decay),
                  zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1),
                  all = _mm256_set1_epi32(-1);
    size_t c = 0;
    for (; c + 8 <= m; c += 8) {
        __m256i o = _mm256_loadu_si256((const __m256i *)(out + c));
        for (int kind = 0; kind < RIC_LINK_N; kind++) {
            const ric_link_info *in = &ric_link_kinds[kind];
            if (!in->lapses && !in->knowledge)
                continue; /* nothing to flag: it neither ends nor carries knowledge */
            const __m256i partner = _mm256_loadu_si256((const __m256i *)(ch->partner[kind] + c));
            __m256i ends = zero;
            if (in->lapses) {
                ends = _mm256_cmpgt_epi32(
                    _mm256_sub_epi32(vstep,
                                     _mm256_loadu_si256((const __m256i *)(ch->last[kind] + c))),
                    vdecay);
                if (in->partner == RIC_TO_ORG && !ch->all_live) /* or the organisation left */
                    ends = _mm256_or_si256(
                        ends,
                        _mm256_cmpeq_epi32(_mm256_i32gather_epi32(ch->org_live, partner, 4), zero));
            }
            const __m256i has = _mm256_andnot_si256(_mm256_cmpeq_epi32(partner, zero), all);
            o = _mm256_or_si256(o, _mm256_and_si256(_mm256_and_si256(has, ends),
                                                    _mm256_set1_epi32(RIC_DRAW_LINK << kind)));
            if (in->knowledge)
                o = _mm256_or_si256(o, _mm256_and_si256(_mm256_andnot_si256(ends, has),
                                                        _mm256_set1_epi32(RIC_DRAW_LINKED)));
        }
        const __m256i inc = _mm256_andnot_si256(
            _mm256_cmpeq_epi32(
                _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(ch->incubator + c))), zero),
            all);
        /* emp + want < 1 */
        const __m256i shrinks = _mm256_cmpgt_epi32(
            one, _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(emp + c)),
                                  _mm256_loadu_si256((const __m256i *)(want + c))));
        o = _mm256_or_si256(o, _mm256_and_si256(inc, _mm256_set1_epi32(RIC_DRAW_INCUBATOR)));
        o = _mm256_or_si256(o, _mm256_and_si256(shrinks, _mm256_set1_epi32(RIC_DRAW_SHRINK)));
        _mm256_storeu_si256((__m256i *)(out + c), o);
        const __m256i lk = _mm256_and_si256(o, _mm256_set1_epi32(RIC_DRAW_LINKED));
        const __m256i ra = _mm256_andnot_si256(_mm256_set1_epi32(RIC_DRAW_LINKED), o);
        ch->linked[c / 8] |=
            (uint8_t)~_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(lk, zero)));
        ch->rare[c / 8] |=
            (uint8_t)~_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(ra, zero)));
    }
    return c;
}

#else
size_t ric_kernel_firm_draws(const ric_firm_consts *k, const ric_firm_chunk *ch)
{
    (void)k, (void)ch;
    return 0; /* never selected without AVX2 */
}
size_t ric_kernel_firm_flags(const ric_firm_consts *k, int32_t step, const ric_flag_chunk *ch)
{
    (void)k, (void)step, (void)ch;
    return 0;
}
#endif
