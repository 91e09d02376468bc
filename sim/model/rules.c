/* Behavioural rules: labour pool, staff of knowledge organisations, spin-off (Klepper's heritage
 * theory), technology transfer (transfer-office and absorptive capacity), job creation with gross
 * flows, entry and exit, link decay. Each rule cites its source; MODEL.md in doc/ gives the ODD. */
#include "model/rules.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

static inline int focus(const ric_world *w, int region)
{
    return w->regions[region].p.focus;
}

/* x^e with the common exponents exact and free of a libm call (pow is correctly rounded for
 * them too, so results are identical). */
static inline double powe(double x, double e)
{
    if (e == 1.0)
        return x;
    if (e == 0.0)
        return 1.0;
    if (e == -1.0)
        return 1.0 / x;
    return pow(x, e);
}

/* Poisson event probability for a yearly hazard h over one step. */
static inline double step_prob(double h, double dt)
{
    return -expm1(-h * dt);
}

/* ---- labour: graduates and migrants join, some leave (NURI's channel: MODEL.md 3) --------- */

static void rule_labour(ric_world *w)
{
    double dt = w->dt;
    for (int r = 0; r < w->n_regions; r++) {
        ric_region *g = &w->regions[r];
        g->pool += g->p.pool_inflow_per_year * dt - g->pool * step_prob(g->p.pool_exit_rate, dt);
    }
    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        if (!g->active || g->kind != RIC_ORG_UNIVERSITY)
            continue;
        double grads = (g->graduates_per_year + g->boost_graduates) * dt;
        g->graduate_acc += grads;
        double whole = floor(g->graduate_acc);
        g->graduate_acc -= whole;
        w->regions[g->region].pool += whole * w->regions[g->region].p.graduate_stay_share;
        if (focus(w, g->region))
            w->flow.graduates += whole;
    }
}

/* ---- staff: organisations refill towards their target from the local pool ---------------- */

static void rule_staff(ric_world *w)
{
    double rate = step_prob(w->rules.staff_rehire_rate, w->dt);
    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        if (!g->active)
            continue;
        if (g->kind == RIC_ORG_GVT_INST) { /* scheduled: follows its target exactly */
            g->staff = g->staff_target;
            continue;
        }
        int32_t gap = g->staff_target - g->staff;
        if (gap == 0)
            continue;
        g->hire_acc += gap * rate;
        double whole = trunc(g->hire_acc);
        g->hire_acc -= whole;
        int32_t h = (int32_t)whole;
        ric_region *reg = &w->regions[g->region];
        if (h > 0) {
            /* researchers are hired nationally when the local pool is short: the pool is drawn
             * down as far as it goes, the rest come from outside */
            double from_pool = fmin((double)h, floor(reg->pool));
            reg->pool -= from_pool;
        } else {
            reg->pool -= h; /* released staff join the pool */
        }
        g->staff += h;
    }
}

/* ---- firm creation shared by spin-offs, start-ups and cohorts ----------------------------- */

static void record_birth(ric_world *w, long i, uint32_t parent, int parent_kind)
{
    ric_firms *f = &w->firms;
    ric_birth *b = &w->births[w->n_births++];
    b->year = ric_world_time(w, w->step + 1); /* end of the step, like the series rows */
    b->child = f->id[i];
    b->parent = parent;
    b->parent_kind = (uint8_t)parent_kind;
    b->region = f->region[i];
}

/* Location of a spin-off: the parent's region, the capital region, or anywhere (seed data via
 * MODEL.md: 58% of ETRI's spin-offs stayed in Daejeon, 37% went to Seoul). */
static int spinoff_region(const ric_world *w, int parent_region, double u)
{
    const ric_rules *p = &w->rules;
    if (u < p->spinoff_stay_share)
        return parent_region;
    if (u < p->spinoff_stay_share + p->spinoff_capital_share && w->sc->capital_region >= 0)
        return w->sc->capital_region;
    if (u < p->spinoff_stay_share + p->spinoff_capital_share)
        return parent_region;
    double v = (u - p->spinoff_stay_share - p->spinoff_capital_share) /
               (1.0 - p->spinoff_stay_share - p->spinoff_capital_share);
    int r = (int)(v * w->n_regions);
    return r < w->n_regions ? r : w->n_regions - 1;
}

/* Creates a spin-off of a parent with capability K: founders leave the parent, the child inherits
 * a share of K (Klepper 2007: better parents spawn better spin-offs). Returns founders taken. */
static int32_t spawn(ric_world *w, uint32_t parent_id, uint32_t parent_key, int parent_kind,
                     int parent_region, double parent_knowledge, int32_t max_founders, int org,
                     uint32_t rank)
{
    const ric_rules *p = &w->rules;
    if (max_founders < 1)
        return 0;
    /* the child's key: its parent, the step and its rank among the parent's children this step */
    uint32_t key = ric_rng_key(parent_key, w->step, RIC_RULE_SPINOFF_CHILD,
                               (uint32_t)parent_kind << 24 | rank);
    gsl_rng *r = ric_stream_at(&w->stream, key, w->step, RIC_RULE_SPINOFF_CHILD);
    int32_t founders = 1 + (int32_t)gsl_ran_poisson(r, p->spinoff_founders_mean - 1.0);
    if (founders > max_founders)
        founders = max_founders;
    double cap = (p->spinoff_heritage * parent_knowledge +
                  (1.0 - p->spinoff_heritage) * p->startup_capability) *
                 exp(0.2 * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.02);
    int region = spinoff_region(w, parent_region, gsl_rng_uniform(r));
    int equity = gsl_rng_uniform(r) < p->spinoff_equity_share;
    ric_origin origin = parent_kind == RIC_PARENT_FIRM      ? RIC_ORIGIN_FIRM_SPINOFF
                        : parent_kind == RIC_ORG_UNIVERSITY ? RIC_ORIGIN_UNIVERSITY_SPINOFF
                                                            : RIC_ORIGIN_INSTITUTE_SPINOFF;
    long i = ric_firms_append(w, key, region, origin, founders, cap, parent_id);
    if (i < 0) {
        w->capacity_hit = 1;
        return 0;
    }
    ric_firms *f = &w->firms;
    if (equity)
        f->flags[i] |= RIC_FIRM_EQUITY;
    if (org >= 0) {
        ric_org *g = &w->orgs[org];
        ric_firms_link_org(w, (size_t)i, org); /* spin-offs keep a link to the parent (EIS-SKIN) */
        if (region == g->region && g->rooms_used < g->incubator_rooms) {
            g->rooms_used++;
            f->incubator[i] = (uint16_t)(org + 1);
        }
        g->spinoffs++;
        if (equity) {
            /* the parent licenses its IP to the child or takes equity: licence income at
             * founding (EIS-SKIN's licensing channel) */
            g->income_usd_m += p->transfer_income_usd_m;
            if (focus(w, g->region))
                w->flow.transfer_income_cum += p->transfer_income_usd_m;
        }
    } else {
        int32_t j = f->index_of[parent_id];
        if (j >= 0)
            ric_firms_link_peer(w, (size_t)i, (size_t)j);
    }
    record_birth(w, i, parent_id, parent_kind);
    if (focus(w, parent_region)) {
        w->flow.spinoffs++;
        w->flow.spinoffs_cum++;
        w->flow.spinoffs_by_parent[parent_kind]++;
    }
    if (focus(w, region))
        w->flow.created[origin] += founders;
    return founders;
}

/* ---- spin-offs of institutes and universities (EIS-SKIN; Klepper 2007) ------------------- */

static void rule_org_spinoff(ric_world *w)
{
    const ric_rules *p = &w->rules;
    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        if (!g->active || g->kind == RIC_ORG_GVT_INST || g->staff < 2)
            continue;
        double base =
            g->kind == RIC_ORG_UNIVERSITY ? p->spinoff_university_rate : p->spinoff_institute_rate;
        /* hazard per researcher rises with the parent's knowledge and with support money */
        double support = 1.0 + p->spinoff_support_per_usd_m * g->seed_fund_usd_m + g->boost_spinoff;
        double lambda =
            base * g->staff * powe(g->knowledge, p->spinoff_knowledge_elasticity) * support * w->dt;
        if (lambda <= 0)
            continue;
        gsl_rng *r = ric_stream_at(&w->stream, g->id, w->step, RIC_RULE_ORG_SPINOFF);
        unsigned k = gsl_ran_poisson(r, lambda);
        for (unsigned s = 0; s < k && g->staff >= 2; s++)
            g->staff -=
                spawn(w, g->id, g->id, (int)g->kind, g->region, g->knowledge, g->staff - 1, o, s);
    }
}

/* ---- the firm pass: links, fitness, exit, spin-off and transfer hazards, wanted growth ---- */

/* Floor without a libm call, exact for |x| < 2^30; beyond that (absurd growth from extreme but
 * legal parameters) the change is clamped so employment stays within 32 bits. */
#define RIC_EMP_MAX (1 << 30)
static inline int32_t ifloor(double x)
{
    const double hi = RIC_EMP_MAX, lo = -RIC_EMP_MAX;
    x = x < hi ? x : hi; /* in two selects (NaN goes to the top), which vectorise */
    x = x > lo ? x : lo;
    int32_t t = (int32_t)x;
    return t - (int32_t)((double)t > x); /* branch-free: the sign of x is a coin flip here */
}

/* The firm pass runs in chunks of CHUNK firms. For each chunk, one Philox block per firm is drawn
 * (word 0 exit, 1 spin-off, 2 transfer, 3 growth shock in the high 16 bits and rounding in the low
 * 16); firm_draws_avx2 (or its portable twin firm_draws_scalar) does every firm's arithmetic
 * without a branch and flags the rare outcomes, firm_flags_avx2 flags the state to look at, and a
 * scalar pass visits the flagged firms only. Both twins perform the same IEEE operations in the
 * same order, so results do not depend on the path (tests/test_sim.c checks it). */
enum { CHUNK = 256 };
enum {
    DRAW_EXIT = 1, /* a candidate: the exact hazard decides */
    DRAW_SPIN = 2,
    DRAW_TRANSFER = 4,
    DRAW_LINK = 8,       /* its knowledge link ends */
    DRAW_PEER = 16,      /* its peer link ends */
    DRAW_INCUBATOR = 32, /* holds an incubator room */
    DRAW_SHRINK = 64     /* its wanted change leaves no employee */
};

typedef struct {
    double dt, shock_scale, fit_margin, fit_cost, exit_base, spin_rate, tr_rate, drift, g_base,
        g_cap, premium;
    const double *tab_premium; /* premium / sqrt(k), 0 for k = 0, for k < RIC_TAB_N */
} firm_consts;

/* Capability to the power of the exit, spin-off and transfer elasticities; the default exponents
 * (-1, 1, 1) take the exact shortcuts of powe, which the vectorised pass uses inline. */
typedef struct {
    double exit[CHUNK], spin[CHUNK], tr[CHUNK];
} cap_powers;

/* The portable path, and the tail of a chunk on the vector path. */
static void firm_draws_scalar(size_t c0, size_t m, const firm_consts *k, const cap_powers *pw,
                              const int32_t *empv, const float *capv, float *fitv,
                              const uint16_t *regv, const double *market, const uint32_t *r0,
                              const uint32_t *r1, const uint32_t *r2, const uint32_t *r3,
                              int32_t *out, float *capn, int32_t *wantv)
{
    const double dt = k->dt;
    for (size_t c = c0; c < m; c++) {
        const double cap = capv[c];
        const int32_t emp = empv[c];
        const double mk = market[regv[c]];
        const double cap_exit = pw ? pw->exit[c] : 1.0 / cap;
        const double cap_spin = pw ? pw->spin[c] : cap;
        const double cap_tr = pw ? pw->tr[c] : cap;

        /* fitness: SKIN's capital, earned by capability above the break-even level */
        const float fit = fitv[c] + (float)((k->fit_margin * (cap - k->fit_cost) + mk) * dt);
        fitv[c] = fit;
        /* exit candidates: negative fitness, or a draw below the hazard's upper bound */
        const int exit = (fit < 0.0f) | (ric_u01(r0[c]) < k->exit_base * cap_exit * dt);
        /* spin-off by employees (Klepper 2007): hazard per employee, rising with capability */
        const int spin = (emp >= 2) & (ric_u01(r1[c]) < k->spin_rate * emp * cap_spin * dt);
        /* transfer demand grows with absorptive capacity (Cohen and Levinthal 1990) */
        const int tr = ric_u01(r2[c]) < k->tr_rate * cap_tr * dt;
        out[c] = exit * DRAW_EXIT + spin * DRAW_SPIN + tr * DRAW_TRANSFER;

        /* capability regresses towards the entrant mean without new knowledge */
        capn[c] = (float)(cap + (1.0 - cap) * k->drift * dt);

        /* wanted growth: Gibrat with capability, small-firm premium, market and a shock */
        const double shock = (((double)(r3[c] >> 16) + 0.5) / 65536.0 - 0.5) * k->shock_scale;
        const double prem = emp > 0 ? k->premium / sqrt((double)emp) : 0.0;
        const double g = (k->g_base + k->g_cap * (cap - 1.0) + prem + mk) * dt + shock;
        const double d = emp * g;
        const double u = ((double)(r3[c] & 0xffffu) + 0.5) / 65536.0;
        wantv[c] = ifloor(d + u); /* stochastic rounding keeps the mean */
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* ric_u01 of four words: unsigned to double through the signed conversion, all steps exact. */
__attribute__((target("avx2"))) static inline __m256d u01x4(const uint32_t *r)
{
    __m128i w = _mm_xor_si128(_mm_loadu_si128((const __m128i *)r), _mm_set1_epi32(INT32_MIN));
    __m256d x = _mm256_add_pd(_mm256_cvtepi32_pd(w), _mm256_set1_pd(2147483648.0));
    return _mm256_mul_pd(_mm256_add_pd(x, _mm256_set1_pd(0.5)), _mm256_set1_pd(1.0 / 4294967296.0));
}

/* Four firms at a time, each operation the one firm_draws_scalar performs, in the same order,
 * so every lane is bit-identical to the scalar result (tested with RICSIM_NO_SIMD). */
__attribute__((target("avx2"))) static void
firm_draws_avx2(size_t m, const firm_consts *k, const cap_powers *pw, const int32_t *empv,
                const float *capv, float *fitv, const uint16_t *regv, const double *market,
                const uint32_t *r0, const uint32_t *r1, const uint32_t *r2, const uint32_t *r3,
                int32_t *out, float *capn, int32_t *wantv)
{
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
        const __m256d mk = _mm256_i32gather_pd(market, reg, 8);
        const __m256d cap_exit = pw ? _mm256_loadu_pd(pw->exit + c) : _mm256_div_pd(one, cap);
        const __m256d cap_spin = pw ? _mm256_loadu_pd(pw->spin + c) : cap;
        const __m256d cap_tr = pw ? _mm256_loadu_pd(pw->tr + c) : cap;

        const __m256d fm = _mm256_mul_pd(
            _mm256_add_pd(_mm256_mul_pd(fit_margin, _mm256_sub_pd(cap, fit_cost)), mk), dt);
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
        const __m128i o = _mm_or_si128(_mm_or_si128(_mm_and_si128(ex, _mm_set1_epi32(DRAW_EXIT)),
                                                    _mm_and_si128(sp, _mm_set1_epi32(DRAW_SPIN))),
                                       _mm_and_si128(tr, _mm_set1_epi32(DRAW_TRANSFER)));
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
            _mm256_setzero_pd(), k->tab_premium, _mm_and_si128(emp, in_tab),
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
    firm_draws_scalar(c, m, k, pw, empv, capv, fitv, regv, market, r0, r1, r2, r3, out, capn,
                      wantv);
}

/* The rule_firms flags of the state (links ending, incubator rooms, shrinking to nothing) for
 * eight firms at a time; returns how many firms it did (a multiple of 8), the caller does the
 * rest. Same comparisons as the scalar loop, in 32-bit integers. */
__attribute__((target("avx2"))) static size_t
firm_flags_avx2(size_t m, int32_t step, int32_t decay, const int32_t *org_live,
                const uint16_t *link_org, const int32_t *link_last, const uint32_t *peer,
                const int32_t *peer_last, const uint16_t *incubator, const int32_t *emp,
                const int32_t *want, int32_t *out)
{
    const __m256i vstep = _mm256_set1_epi32(step), vdecay = _mm256_set1_epi32(decay),
                  zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1);
    size_t c = 0;
    for (; c + 8 <= m; c += 8) {
        const __m256i lo = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(link_org + c)));
        const __m256i live = _mm256_i32gather_epi32(org_live, lo, 4);
        const __m256i old_link = _mm256_cmpgt_epi32(
            _mm256_sub_epi32(vstep, _mm256_loadu_si256((const __m256i *)(link_last + c))), vdecay);
        const __m256i link_ends =
            _mm256_andnot_si256(_mm256_cmpeq_epi32(lo, zero),
                                _mm256_or_si256(old_link, _mm256_cmpeq_epi32(live, zero)));
        const __m256i has_peer = _mm256_andnot_si256(
            _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(peer + c)), zero),
            _mm256_set1_epi32(-1));
        const __m256i peer_ends = _mm256_and_si256(
            has_peer,
            _mm256_cmpgt_epi32(
                _mm256_sub_epi32(vstep, _mm256_loadu_si256((const __m256i *)(peer_last + c))),
                vdecay));
        const __m256i inc = _mm256_andnot_si256(
            _mm256_cmpeq_epi32(
                _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(incubator + c))), zero),
            _mm256_set1_epi32(-1));
        /* emp + want < 1 */
        const __m256i shrinks = _mm256_cmpgt_epi32(
            one, _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(emp + c)),
                                  _mm256_loadu_si256((const __m256i *)(want + c))));
        __m256i o = _mm256_loadu_si256((const __m256i *)(out + c));
        o = _mm256_or_si256(o, _mm256_and_si256(link_ends, _mm256_set1_epi32(DRAW_LINK)));
        o = _mm256_or_si256(o, _mm256_and_si256(peer_ends, _mm256_set1_epi32(DRAW_PEER)));
        o = _mm256_or_si256(o, _mm256_and_si256(inc, _mm256_set1_epi32(DRAW_INCUBATOR)));
        o = _mm256_or_si256(o, _mm256_and_si256(shrinks, _mm256_set1_epi32(DRAW_SHRINK)));
        _mm256_storeu_si256((__m256i *)(out + c), o);
    }
    return c;
}
#endif

static void rule_firms(ric_world *w)
{
    ric_firms *f = &w->firms;
    const ric_rules *p = &w->rules;
    const double dt = w->dt;
    const int32_t step = (int32_t)w->step;
    const int32_t decay = (int32_t)ceil(p->link_decay_years / dt);
    const double inc_steps = p->incubation_years / dt;
    const uint64_t seed = w->sc->seed;
    const size_t n = f->n;
    const double exit_base = p->exit_base_rate, exit_age = p->exit_age_years,
                 exit_size = p->exit_size_employees, exit_el = -p->exit_capability_elasticity,
                 inc_factor = p->incubator_exit_factor;
    const double spin_el = p->spinoff_knowledge_elasticity,
                 tr_el = p->transfer_absorptive_elasticity;
    const int unit_el = exit_el == -1.0 && spin_el == 1.0 && tr_el == 1.0;
    const firm_consts k = {
        .dt = dt,
        .shock_scale = p->growth_noise * sqrt(12.0) * sqrt(dt), /* uniform, s.d. noise/yr */
        .fit_margin = p->fitness_margin,
        .fit_cost = p->fitness_cost,
        .exit_base = exit_base,
        .spin_rate = p->spinoff_firm_rate,
        .tr_rate = p->transfer_rate,
        .drift = p->capability_drift,
        .g_base = p->growth_base,
        .g_cap = p->growth_capability,
        .premium = p->growth_small_premium,
        .tab_premium = w->tab_premium,
    };
    if (!(w->tab_premium_of == k.premium)) { /* rebuilt when an event changes the premium */
        for (int a = 0; a < RIC_TAB_N; a++)
            w->tab_premium[a] = a > 0 ? k.premium / sqrt((double)a) : 0.0;
        w->tab_premium_of = k.premium;
    }
    for (int r = 0; r < w->n_regions; r++)
        w->tab_market[r] = w->regions[r].p.market_growth;
    const int32_t *org_live = w->tab_org_live;
    w->tab_org_live[0] = 1;
    for (int o = 0; o < w->n_orgs; o++)
        w->tab_org_live[o + 1] = w->orgs[o].active != 0;

    const int n_regions = w->n_regions;
    long long *demand = w->tab_demand; /* the positive parts of want, by lane and region */
    long long *gain = w->tab_gain;     /* what hiring will return to the pool, likewise */
    memset(demand, 0, (size_t)n_regions * RIC_LANES * sizeof *demand);
    memset(gain, 0, (size_t)n_regions * RIC_LANES * sizeof *gain);
    uint32_t *spin_q = w->spinoff_queue, *tr_q = w->transfer_queue, *dead = w->dead;
    size_t n_spin = 0, n_tr = 0, n_dead = 0;
    uint32_t r0[CHUNK], r1[CHUNK], r2[CHUNK], r3[CHUNK];
    int32_t out[CHUNK], want[CHUNK];
    float capn[CHUNK], capo[CHUNK];
    uint16_t flagged[CHUNK];
    cap_powers pw;
    for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
        const size_t m = n - i0 < CHUNK ? n - i0 : CHUNK;
        ric_rng_blocks(seed, f->key + i0, m, w->step, RIC_RULE_FIRM, r0, r1, r2, r3);
        if (!unit_el)
            for (size_t c = 0; c < m; c++) {
                const double cap = f->capability[i0 + c];
                pw.exit[c] = powe(cap, exit_el);
                pw.spin[c] = powe(cap, spin_el);
                pw.tr[c] = powe(cap, tr_el);
            }
        const cap_powers *pp = unit_el ? NULL : &pw;
#if defined(__x86_64__) && defined(__GNUC__)
        if (ric_simd())
            firm_draws_avx2(m, &k, pp, f->employees + i0, f->capability + i0, f->fitness + i0,
                            f->region + i0, w->tab_market, r0, r1, r2, r3, out, capn, want);
        else
#endif
            firm_draws_scalar(0, m, &k, pp, f->employees + i0, f->capability + i0, f->fitness + i0,
                              f->region + i0, w->tab_market, r0, r1, r2, r3, out, capn, want);

        /* the rest of the state each firm needs looked at, without a branch */
        const uint16_t *restrict link_org = f->link_org + i0, *restrict incubator =
                                                                  f->incubator + i0;
        const int32_t *restrict link_last = f->link_last + i0,
                                *restrict peer_last = f->peer_last + i0,
                                *restrict emp = f->employees + i0;
        const uint32_t *restrict peer = f->peer + i0;
        size_t c0 = 0;
#if defined(__x86_64__) && defined(__GNUC__)
        if (ric_simd())
            c0 = firm_flags_avx2(m, step, decay, org_live, link_org, link_last, peer, peer_last,
                                 incubator, emp, want, out);
#endif
        for (size_t c = c0; c < m; c++) {
            const uint16_t lo = link_org[c];
            const int link_ends = (lo != 0) & ((step - link_last[c] > decay) | !org_live[lo]);
            const int peer_ends = (peer[c] != 0) & (step - peer_last[c] > decay);
            const int shrinks = emp[c] + want[c] < 1;
            out[c] |= link_ends * DRAW_LINK | peer_ends * DRAW_PEER |
                      (incubator[c] != 0) * DRAW_INCUBATOR | shrinks * DRAW_SHRINK;
        }
        /* commit the common outcome; the scalar pass below undoes it for the firms that exit */
        memcpy(capo, f->capability + i0, m * sizeof *capo);
        memcpy(f->capability + i0, capn, m * sizeof *capn);
        memcpy(f->want + i0, want, m * sizeof *want);
        const uint16_t *restrict region = f->region + i0;
        long long *restrict lane_demand[RIC_LANES], *restrict lane_gain[RIC_LANES];
        for (int l = 0; l < RIC_LANES; l++) {
            lane_demand[l] = demand + (size_t)l * (size_t)n_regions;
            lane_gain[l] = gain + (size_t)l * (size_t)n_regions;
        }
        for (size_t c = 0; c < m; c++) {
            const int32_t up = want[c] & ~(want[c] >> 31); /* the positive part */
            lane_demand[c % RIC_LANES][region[c]] += up;
            lane_gain[c % RIC_LANES][region[c]] += up - want[c]; /* the decrease */
        }
        /* the flagged firms, in order */
        size_t n_flagged = 0;
        for (size_t c = 0; c < m; c++) {
            flagged[n_flagged] = (uint16_t)c;
            n_flagged += out[c] != 0;
        }

        for (size_t q = 0; q < n_flagged; q++) {
            const size_t c = flagged[q], i = i0 + c;
            const int o = out[c];
            /* links dissolve when unused or when the organisation has left */
            if (o & DRAW_LINK)
                f->link_org[i] = 0;
            if (o & DRAW_PEER)
                f->peer[i] = 0; /* the partner drops it in the same step: same last-use step */
            const int32_t age = step - f->birth[i];
            if ((o & DRAW_INCUBATOR) && (double)age >= inc_steps) {
                w->orgs[f->incubator[i] - 1].rooms_used--;
                f->incubator[i] = 0;
            }

            /* exit hazard falls with age and size (Jovanovic 1982; MODEL.md 4) and capability.
             * The age and size terms are >= 1 and the incubator factor <= 1, so with correctly
             * rounded arithmetic h * dt <= base * cap^-e * dt: the draws pass flags only draws
             * below that bound, and the exact hazard (two divisions) is computed only for them. */
            if (o & DRAW_EXIT) {
                int leaves = f->fitness[i] < 0.0f;
                if (!leaves) {
                    const double cap = capo[c];
                    const int32_t e = f->employees[i];
                    const double cap_exit = unit_el ? 1.0 / cap : pw.exit[c];
                    double age_term = 1.0 + (double)age * dt / exit_age;
                    double size_term = 1.0 + (e - 1) / exit_size;
                    double h = exit_base / age_term / size_term * cap_exit;
                    if (f->incubator[i])
                        h *= inc_factor;
                    leaves = ric_u01(r0[c]) < h * dt;
                }
                if (leaves) {
                    f->flags[i] |= RIC_FIRM_DEAD;
                    f->capability[i] = capo[c]; /* unchanged by a firm that leaves */
                    const int32_t up = want[c] & ~(want[c] >> 31);
                    lane_demand[c % RIC_LANES][f->region[i]] -= up;
                    lane_gain[c % RIC_LANES][f->region[i]] += f->employees[i] - (up - want[c]);
                    f->want[i] = 0;
                    dead[n_dead++] = (uint32_t)i;
                    continue;
                }
            }
            if (o & DRAW_SPIN)
                spin_q[n_spin++] = (uint32_t)i;
            if (o & DRAW_TRANSFER)
                tr_q[n_tr++] = (uint32_t)i;
            if (o & DRAW_SHRINK) {
                /* shrinking to nothing is an exit (its want is negative: no demand to undo);
                 * its workers, not its decrease, join the pool */
                lane_gain[c % RIC_LANES][f->region[i]] += f->employees[i] + want[c];
                f->flags[i] |= RIC_FIRM_DEAD;
                f->want[i] = 0;
                dead[n_dead++] = (uint32_t)i;
            }
        }
    }
    for (int r = 0; r < n_regions; r++) {
        w->regions[r].gain = 0;
        for (int l = 0; l < RIC_LANES; l++) {
            w->regions[r].demand += demand[(size_t)l * (size_t)n_regions + (size_t)r];
            w->regions[r].gain += gain[(size_t)l * (size_t)n_regions + (size_t)r];
        }
    }
    w->gain_step = w->step + 1; /* the gains are this step's (rule_hiring checks) */
    w->n_spinoff_queue = n_spin;
    w->n_transfer_queue = n_tr;
    w->n_dead = n_dead;
}

/* ---- hiring: wanted growth rationed by the regional labour pool (MODEL.md 3) -------------- */

#if defined(__x86_64__) && defined(__GNUC__)
/* The hiring pass with AVX2, for steps where no pool's bound can bind (every pool in
 * [0, 2^51)): eight firms at a time compute hires, employment and the pool's change, then a
 * scalar pass over the chunk adds them up by region and by origin, in lanes, and adds firm by
 * firm to the pools of sequential regions. Same integers and the same double additions as the
 * scalar loop of rule_hiring (tested against it through RICSIM_NO_SIMD). */
__attribute__((target("avx2"))) static void hiring_vector(ric_world *w, ric_region_hot *hot,
                                                          long long *delta, long long *created,
                                                          long long *destroyed, long long *exits,
                                                          long long *part, long long *nonpart,
                                                          uint32_t *any)
{
    ric_firms *f = &w->firms;
    const size_t n = f->n, n_regions = (size_t)w->n_regions;
    const double *fill = w->tab_fill; /* gathered by region */
    /* [lane][origin * 2 + focus]: jobs made and lost */
    long long flow[RIC_LANES][RIC_ORIGIN_N * 2][2];
    memset(flow, 0, sizeof flow);
    int32_t kb[CHUNK], lost[CHUNK];
    const __m256i zero = _mm256_setzero_si256(), dead_bit = _mm256_set1_epi32(RIC_FIRM_DEAD),
                  emp_max = _mm256_set1_epi32(RIC_EMP_MAX);
    __m256i acc_part = zero, acc_non = zero, acc_any = zero;
    for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
        const size_t m = n - i0 < CHUNK ? n - i0 : CHUNK;
        const uint16_t *region = f->region + i0;
        const uint8_t *flags = f->flags + i0, *origin = f->origin + i0;
        int32_t *want = f->want + i0, *emp = f->employees + i0;
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
    for (size_t d = 0; d < w->n_dead; d++)
        *exits += hot[f->region[w->dead[d]]].focus;
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
#endif

static void rule_hiring(ric_world *w)
{
    ric_firms *f = &w->firms;
    /* the share of wanted hires each region can fill, the same for every firm in it */
    double *fill = w->tab_fill;
    for (int r = 0; r < w->n_regions; r++) {
        ric_region *g = &w->regions[r];
        fill[r] = g->demand > 0 ? fmin(1.0, floor(g->pool) / (double)g->demand) : 1.0;
        g->demand = 0;
    }
    /* The pool's whole persons bound each hire, in firm order. The shares sum to at most the
     * pool's floor P (when fill < 1, rounding adds less than one person while P < 2^51), and
     * decreases only add to the pool, so with a pool >= 0 the bound never binds (rounding is
     * monotone: the running pool stays >= P minus the hires so far). Where, moreover, the pool
     * plus everything returned to it (the firm pass's gain) stays inside the pool's binade,
     * every partial sum is exact, so the region's additions are summed as integers, in lanes,
     * and added once: the same double as the sequential sum, without the chain of additions
     * that limits this loop. Other regions ("sequential") check the bound and add firm by
     * firm, as the model states it. */
    ric_region_hot *hot = w->tab_region;
    const int gain_now = w->gain_step == w->step + 1; /* else: every region firm by firm */
    w->gain_step = 0;
    for (int r = 0; r < w->n_regions; r++) {
        const ric_region *g = &w->regions[r];
        /* pool = m 2^(e-53) with m a 53-bit integer; its t trailing zero bits (capped so that
         * the grid 2^(e-53+t) stays within whole persons) make every sum pool + integer
         * below 2^(e+t) exact, and 2^(e+t) - pool is exact too */
        int ok = g->pool >= 0.0 && g->pool < 0x1p51;
        if (ok && gain_now) {
            int e;
            const uint64_t m = (uint64_t)ldexp(frexp(g->pool, &e), 53);
            int t = m ? __builtin_ctzll(m) : 0;
            t = t < 53 - e ? t : 53 - e;
            ok = (double)g->gain < ldexp(1.0, e + t) - g->pool;
        } else {
            ok = 0;
        }
        hot[r] = (ric_region_hot){g->pool, focus(w, r), !ok};
    }
    long long *delta = w->tab_demand; /* the pool's change, by lane and region */
    const size_t n_regions = (size_t)w->n_regions;
    memset(delta, 0, n_regions * RIC_LANES * sizeof *delta);
    const uint16_t *restrict region = f->region;
    const uint8_t *restrict flags = f->flags, *restrict origin = f->origin;
    int32_t *restrict wantv = f->want; /* wanted change in, hires out */
    const uint32_t *restrict prog = f->prog;
    uint32_t any = 0; /* programmes with participants */
    int32_t *restrict empv = f->employees;
    long long created[RIC_ORIGIN_N] = {0}, destroyed[RIC_ORIGIN_N] = {0};
    long long exits = 0, part = 0, nonpart = 0;
    const size_t n = f->n;
#if defined(__x86_64__) && defined(__GNUC__)
    int clamp_free = 1; /* every pool in [0, 2^51): the bound never binds (above) */
    for (size_t r = 0; r < n_regions; r++)
        clamp_free &= hot[r].pool >= 0.0 && hot[r].pool < 0x1p51;
    if (ric_simd() && clamp_free) {
        hiring_vector(w, hot, delta, created, destroyed, &exits, &part, &nonpart, &any);
    } else
#endif
        for (size_t i = 0; i < n; i++) {
            const int r = region[i];
            ric_region_hot *g = &hot[r];
            const long long fo = g->focus; /* 0 or 1: counts by multiplication, no branch */
            int32_t k;                     /* the pool's change */
            if (flags[i] & RIC_FIRM_DEAD) {
                /* exits destroy every job of the firm; its workers join the pool */
                const int32_t e = empv[i];
                destroyed[origin[i]] += fo * e;
                exits += fo;
                k = e;
            } else {
                /* the sign of want is a coin flip: both directions in one path, split with a sign
                 * mask (GCC turns the conditional form into a mispredicted branch). want * fill is
                 * >= 0, so truncation is its floor. */
                const int32_t want = wantv[i];
                const int32_t up = want & ~(want >> 31), down = up - want;
                const int32_t cap = RIC_EMP_MAX - empv[i];
                int32_t h = (int32_t)(up * fill[r]);
                h = h < cap ? h : cap;
                /* the pool's bound, checked where the proof above does not cover it */
                if (__builtin_expect(g->sequential, 0) && h > g->pool)
                    h = (int32_t)(g->pool < RIC_EMP_MAX ? g->pool : RIC_EMP_MAX);
                empv[i] += h - down;
                created[origin[i]] += fo * h;
                destroyed[origin[i]] += fo * down;
                /* participants' and others' hires without a branch (participation is common and
                 * irregular); the hires stay in want for the per-programme sums below */
                const uint32_t bits = prog[i];
                any |= bits;
                const long long isp = bits != 0;
                part += isp * h;
                nonpart += (1 - isp) * h;
                wantv[i] = h;
                k = down - h;
            }
            delta[(i % RIC_LANES) * n_regions + (size_t)r] += k;
            if (__builtin_expect(g->sequential, 0))
                g->pool += k;
        }
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
     * (an exiting firm's want is 0) */
    for (; any; any &= any - 1) {
        const int b = __builtin_ctz(any);
        long long sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += wantv[i] & -(int32_t)((prog[i] >> b) & 1u);
        fl->prog_jobs[b] += sum;
    }
}

/* ---- technology transfer (EIS-SKIN; MODEL.md 2) ------------------------------------------ */

/* Each asking firm goes to its linked organisation, else one of its region, else any region's;
 * the organisation serves it if its transfer office has capacity left this year. */
static void rule_transfer(ric_world *w)
{
    const ric_rules *p = &w->rules;
    ric_firms *f = &w->firms;
    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        if (!g->active)
            continue;
        double per_year = g->tto_per_year + g->boost_transfer;
        /* tokens accrue every step and carry over up to one year's capacity */
        g->tto_tokens = fmin(g->tto_tokens + per_year * w->dt, fmax(per_year, 1.0));
    }
    int n_active = 0;
    for (int r = 0; r < w->n_regions; r++)
        n_active += w->regions[r].n_orgs;
    enum { AHEAD = 8 }; /* requests touch scattered columns: fetch them a few requests ahead */
    for (size_t q = 0; q < w->n_transfer_queue; q++) {
        if (q + AHEAD < w->n_transfer_queue) {
            const size_t j = w->transfer_queue[q + AHEAD];
            __builtin_prefetch(f->flags + j);
            __builtin_prefetch(f->key + j);
            __builtin_prefetch(f->region + j);
            __builtin_prefetch(f->link_org + j, 1);
            __builtin_prefetch(f->link_last + j, 1);
            __builtin_prefetch(f->capability + j, 1);
        }
        const size_t i = w->transfer_queue[q]; /* columns do not move within a step */
        if (f->flags[i] & RIC_FIRM_DEAD)
            continue;
        ric_block b = ric_rng_block(w->sc->seed, f->key[i], w->step, RIC_RULE_TRANSFER_PICK);
        int o = -1;
        const ric_region *reg = &w->regions[f->region[i]];
        if (f->link_org[i] && ric_u01(b.v[0]) < p->transfer_link_preference)
            o = f->link_org[i] - 1;
        else if (reg->n_orgs > 0 && ric_u01(b.v[1]) < p->transfer_local_preference)
            o = w->region_orgs[reg->org0 + (int)(ric_u01(b.v[2]) * reg->n_orgs)];
        else if (n_active > 0 &&
                 (reg->n_orgs > 0 || ric_u01(b.v[1]) >= p->transfer_local_preference))
            /* outside its region, or from a region without organisations only at the non-local
             * rate: a complex without institutes does not draw on another region's offices at
             * every request */
            o = w->region_orgs[(int)(ric_u01(b.v[3]) * n_active)];
        if (o < 0)
            continue;
        ric_org *g = &w->orgs[o];
        if (!g->active || g->tto_tokens < 1.0)
            continue; /* the transfer office is the bottleneck */
        g->tto_tokens -= 1.0;
        /* the firm closes part of its gap to the organisation's knowledge */
        double cap = f->capability[i];
        if (g->knowledge > cap)
            f->capability[i] = (float)(cap + p->transfer_capability_gain * (g->knowledge - cap));
        ric_firms_link_org(w, (size_t)i, o);
        g->transfers++;
        g->income_usd_m += p->transfer_income_usd_m;
        if (focus(w, g->region))
            w->flow.transfer_income_cum += p->transfer_income_usd_m;
        if (focus(w, f->region[i])) {
            w->flow.transfers++;
            w->flow.transfers_cum++;
        }
    }
}

/* ---- spin-offs of firms, queued by the firm pass ---------------------------------------- */

static void rule_firm_spinoff(ric_world *w)
{
    ric_firms *f = &w->firms;
    for (size_t q = 0; q < w->n_spinoff_queue; q++) {
        const size_t i = w->spinoff_queue[q]; /* appends do not move columns */
        if ((f->flags[i] & RIC_FIRM_DEAD) || f->employees[i] < 2)
            continue;
        int region = f->region[i];
        int32_t took = spawn(w, f->id[i], f->key[i], RIC_PARENT_FIRM, region, f->capability[i],
                             f->employees[i] - 1, -1, 0);
        f->employees[i] -= took;
        if (focus(w, region))
            w->flow.destroyed[f->origin[i]] += took;
    }
}

/* ---- entry: start-ups and relocations (MODEL.md 4) --------------------------------------- */

static void new_firm(ric_world *w, int region, ric_origin origin, double employees, double cap,
                     uint32_t rank)
{
    uint32_t key =
        ric_rng_key((uint32_t)region, w->step, RIC_RULE_NEWFIRM, (uint32_t)origin << 24 | rank);
    gsl_rng *r = ric_stream_at(&w->stream, key, w->step, RIC_RULE_NEWFIRM);
    int32_t e = 1 + (int32_t)gsl_ran_poisson(r, employees - 1.0);
    double c = cap * exp(0.2 * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.02);
    long i = ric_firms_append(w, key, region, origin, e, c, 0);
    if (i < 0) {
        w->capacity_hit = 1;
        return;
    }
    if (origin == RIC_ORIGIN_STARTUP) {
        ric_region *g = &w->regions[region];
        g->pool = fmax(0.0, g->pool - e); /* founders come from the local pool */
    }
    if (focus(w, region)) {
        w->flow.created[origin] += e;
        w->flow.entries++;
        if (origin == RIC_ORIGIN_STARTUP)
            w->flow.startups++;
        else
            w->flow.relocations++;
    }
}

static void rule_entry(ric_world *w)
{
    const ric_rules *p = &w->rules;
    for (int r = 0; r < w->n_regions; r++) {
        const ric_region *g = &w->regions[r];
        if (g->p.startup_rate <= 0 && g->p.relocation_rate <= 0)
            continue;
        gsl_rng *rr = ric_stream_at(&w->stream, (uint32_t)r, w->step, RIC_RULE_ENTRY);
        unsigned ns = gsl_ran_poisson(rr, g->p.startup_rate * w->dt);
        unsigned nr = gsl_ran_poisson(rr, g->p.relocation_rate * w->dt);
        for (unsigned k = 0; k < ns; k++)
            new_firm(w, r, RIC_ORIGIN_STARTUP, p->startup_employees, p->startup_capability, k);
        for (unsigned k = 0; k < nr; k++)
            new_firm(w, r, RIC_ORIGIN_RELOCATION, p->relocation_employees, p->relocation_capability,
                     k);
    }
}

void ric_rules_cohorts(ric_world *w, double t0, double t1)
{
    const ric_scenario *sc = w->sc;
    for (int c = 0; c < sc->n_firms; c++) {
        const ric_firm_spec *s = &sc->firms[c];
        if (!(s->arrive >= t0 && s->arrive < t1))
            continue;
        uint32_t key = ric_hash32(s->name);
        /* sizes spread log-normally around the mean (s.d. of log size 1) */
        const double sigma = 1.0;
        for (int k = 0; k < s->count; k++) {
            gsl_rng *r = ric_stream_at(&w->stream, (uint32_t)k, key, RIC_RULE_COHORT);
            double e =
                s->employees * exp(sigma * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.5 * sigma * sigma);
            int32_t emp = e < 1.0 ? 1 : (int32_t)lround(e);
            double cap = s->capability * exp(0.2 * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.02);
            int region = s->region >= 0 ? s->region : k % w->n_regions;
            uint32_t fkey = ric_rng_key(key, (uint32_t)k, RIC_RULE_COHORT, 0);
            long i = ric_firms_append(w, fkey, region, s->origin, emp, cap, 0);
            if (i < 0) {
                w->capacity_hit = 1;
                return;
            }
            /* cohort firms are not newborn: spread their ages over 0-20 years */
            w->firms.birth[i] = (int32_t)w->step - (int32_t)(gsl_rng_uniform(r) * 20.0 / w->dt);
        }
    }
}

static void rule_compact(ric_world *w)
{
    ric_firms_compact(w);
}

/* The firm pass and hiring run back to back: hiring's exact shortcut rests on the firm pass's
 * sums of what each region's pool will get back (rule_hiring), and a phase between them that
 * changed employment would break it. */
const ric_rule ric_rules_table[] = {
    {"labour", rule_labour},
    {"staff", rule_staff},
    {"org_spinoff", rule_org_spinoff},
    {"firms", rule_firms},
    {"hiring", rule_hiring},
    {"transfer", rule_transfer},
    {"firm_spinoff", rule_firm_spinoff},
    {"entry", rule_entry},
    {"compact", rule_compact},
};
const size_t ric_rules_n = sizeof ric_rules_table / sizeof ric_rules_table[0];
