/* Behavioural rules: labour pool, staff of knowledge organisations, spin-off (Klepper's heritage
 * theory), technology transfer (transfer-office and absorptive capacity), job creation with gross
 * flows, entry and exit, link decay. Each rule cites its source; MODEL.md in doc/ gives the ODD. */
#include "ricsim/rules.h"

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
                spawn(w, g->id, g->id, g->kind, g->region, g->knowledge, g->staff - 1, o, s);
    }
}

/* ---- the firm pass: links, fitness, exit, spin-off and transfer hazards, wanted growth ---- */

/* Floor without a libm call, exact for |x| < 2^30; beyond that (absurd growth from extreme but
 * legal parameters) the change is clamped so employment stays within 32 bits. */
#define RIC_EMP_MAX (1 << 30)
static inline int32_t ifloor(double x)
{
    x = x < RIC_EMP_MAX ? (x > -RIC_EMP_MAX ? x : -RIC_EMP_MAX) : RIC_EMP_MAX;
    int32_t t = (int32_t)x;
    return t - (int32_t)((double)t > x); /* branch-free: the sign of x is a coin flip here */
}

/* One Philox block per firm and step: word 0 exit, 1 spin-off, 2 transfer, 3 growth shock (high
 * 16 bits) and rounding (low 16 bits). The per-step tables hold the same expressions the loop
 * would compute, so results do not depend on whether a value came from a table. */
static void rule_firms(ric_world *w)
{
    ric_firms *f = &w->firms;
    const ric_rules *p = &w->rules;
    const double dt = w->dt;
    const int32_t step = (int32_t)w->step;
    const int32_t decay = (int32_t)ceil(p->link_decay_years / dt);
    const double shock_scale = p->growth_noise * sqrt(12.0) * sqrt(dt); /* uniform, s.d. noise/yr */
    const double inc_steps = p->incubation_years / dt;
    const uint64_t seed = w->sc->seed;
    const uint32_t ustep = w->step;
    const size_t n = f->n;
    const double fit_margin = p->fitness_margin, fit_cost = p->fitness_cost;
    const double exit_base = p->exit_base_rate, exit_age = p->exit_age_years,
                 exit_size = p->exit_size_employees, exit_el = -p->exit_capability_elasticity,
                 inc_factor = p->incubator_exit_factor;
    const double spin_rate = p->spinoff_firm_rate, spin_el = p->spinoff_knowledge_elasticity;
    const double tr_rate = p->transfer_rate, tr_el = p->transfer_absorptive_elasticity;
    const double drift = p->capability_drift;
    const double g_base = p->growth_base, g_cap = p->growth_capability,
                 premium = p->growth_small_premium;
    /* the default exponents (1 and -1) take the exact shortcuts of powe without its tests */
    const int unit_el = exit_el == -1.0 && spin_el == 1.0 && tr_el == 1.0;
    double *tab_age = w->tab_age, *tab_size = w->tab_size, *tab_premium = w->tab_premium;
    for (int k = 0; k < RIC_TAB_N; k++) {
        tab_age[k] = 1.0 + (double)k * dt / exit_age;
        tab_size[k] = 1.0 + (k - 1) / exit_size;
        tab_premium[k] = k > 0 ? premium / sqrt((double)k) : 0.0;
    }
    const ric_region *regions = w->regions;
    const ric_org *orgs = w->orgs;
    uint32_t *spin_q = w->spinoff_queue, *tr_q = w->transfer_queue, *dead = w->dead;
    size_t n_spin = 0, n_tr = 0, n_dead = 0;
    enum { CHUNK = 256 }; /* blocks drawn in vectorised batches; values as ric_rng_block */
    uint32_t r0[CHUNK], r1[CHUNK], r2[CHUNK], r3[CHUNK];
    for (size_t i = 0; i < n; i++) {
        const size_t c = i % CHUNK;
        if (c == 0)
            ric_rng_blocks(seed, f->key + i, n - i < CHUNK ? n - i : CHUNK, ustep, RIC_RULE_FIRM,
                           r0, r1, r2, r3);
        const ric_block b = {{r0[c], r1[c], r2[c], r3[c]}};
        const int region = f->region[i];
        const double cap = f->capability[i];
        const int32_t emp = f->employees[i];
        const int32_t age = step - f->birth[i];
        const double market = regions[region].p.market_growth;

        /* links dissolve when unused or when the organisation has left */
        if (f->link_org[i] && (step - f->link_last[i] > decay || !orgs[f->link_org[i] - 1].active))
            f->link_org[i] = 0;
        if (f->peer[i] && step - f->peer_last[i] > decay)
            f->peer[i] = 0; /* the partner drops it in the same step: same last-use step */
        if (f->incubator[i] && (double)age >= inc_steps) {
            w->orgs[f->incubator[i] - 1].rooms_used--;
            f->incubator[i] = 0;
        }

        /* fitness: SKIN's capital, earned by capability above the break-even level */
        float fit = f->fitness[i] + (float)((fit_margin * (cap - fit_cost) + market) * dt);
        f->fitness[i] = fit;

        /* exit hazard falls with age and size (Jovanovic 1982; MODEL.md 4) and capability. The
         * age and size terms are >= 1 and the incubator factor <= 1, so with correctly rounded
         * arithmetic h * dt <= base * cap^-e * dt: a draw above that bound cannot exit, and the
         * exact hazard (two divisions) is computed only below it. */
        const double cap_spin = unit_el ? cap : powe(cap, spin_el);
        const double cap_tr = unit_el ? cap : powe(cap, tr_el);
        const double u0 = ric_u01(b.v[0]), cap_exit = unit_el ? 1.0 / cap : powe(cap, exit_el);
        int leaves = fit < 0.0f;
        if (!leaves && u0 < exit_base * cap_exit * dt) {
            double age_term = age < RIC_TAB_N ? tab_age[age] : 1.0 + (double)age * dt / exit_age;
            double size_term = emp < RIC_TAB_N ? tab_size[emp] : 1.0 + (emp - 1) / exit_size;
            double h = exit_base / age_term / size_term * cap_exit;
            if (f->incubator[i])
                h *= inc_factor;
            leaves = u0 < h * dt;
        }
        if (leaves) {
            f->flags[i] |= RIC_FIRM_DEAD;
            f->want[i] = 0;
            dead[n_dead++] = (uint32_t)i;
            continue;
        }

        /* spin-off by employees (Klepper 2007): hazard per employee, rising with capability */
        if (emp >= 2 && ric_u01(b.v[1]) < spin_rate * emp * cap_spin * dt)
            spin_q[n_spin++] = f->id[i];

        /* transfer demand grows with absorptive capacity (Cohen and Levinthal 1990) */
        if (ric_u01(b.v[2]) < tr_rate * cap_tr * dt)
            tr_q[n_tr++] = f->id[i];

        /* capability regresses towards the entrant mean without new knowledge */
        f->capability[i] = (float)(cap + (1.0 - cap) * drift * dt);

        /* wanted growth: Gibrat with capability, small-firm premium, market and a shock */
        double shock = (((double)(b.v[3] >> 16) + 0.5) / 65536.0 - 0.5) * shock_scale;
        double prem = emp < RIC_TAB_N ? tab_premium[emp] : premium / sqrt((double)emp);
        double g = (g_base + g_cap * (cap - 1.0) + prem + market) * dt + shock;
        double d = emp * g;
        double u = ((double)(b.v[3] & 0xffffu) + 0.5) / 65536.0;
        int32_t want = ifloor(d + u); /* stochastic rounding keeps the mean */
        if (emp + want < 1) {
            /* shrinking to nothing is an exit */
            f->flags[i] |= RIC_FIRM_DEAD;
            f->want[i] = 0;
            dead[n_dead++] = (uint32_t)i;
            continue;
        }
        f->want[i] = want;
        w->regions[region].demand += want > 0 ? want : 0; /* branch-free */
    }
    w->n_spinoff_queue = n_spin;
    w->n_transfer_queue = n_tr;
    w->n_dead = n_dead;
}

/* ---- hiring: wanted growth rationed by the regional labour pool (MODEL.md 3) -------------- */

static void rule_hiring(ric_world *w)
{
    ric_firms *f = &w->firms;
    /* the share of wanted hires each region can fill, the same for every firm in it */
    for (int r = 0; r < w->n_regions; r++) {
        ric_region *g = &w->regions[r];
        g->fill = g->demand > 0 ? fmin(1.0, floor(g->pool) / (double)g->demand) : 1.0;
        g->demand = 0;
    }
    ric_flows *fl = &w->flow;
    for (size_t i = 0; i < f->n; i++) {
        const int region = f->region[i];
        ric_region *g = &w->regions[region];
        const long long fo = focus(w, region); /* 0 or 1: counts by multiplication, no branch */
        if (f->flags[i] & RIC_FIRM_DEAD) {
            /* exits destroy every job of the firm; its workers join the pool */
            int32_t e = f->employees[i];
            g->pool += e;
            fl->destroyed[f->origin[i]] += fo * e;
            fl->exits += fo;
            continue;
        }
        /* the sign of want is a coin flip: both directions in one branch-free path. Pool and
         * want * fill are >= 0, so truncation is their floor. */
        const int32_t want = f->want[i];
        const int32_t up = want > 0 ? want : 0, down = want < 0 ? -want : 0;
        int32_t h = (int32_t)(up * g->fill);
        const double pool = g->pool < RIC_EMP_MAX ? g->pool : RIC_EMP_MAX;
        const int32_t room = (int32_t)pool, cap = RIC_EMP_MAX - f->employees[i];
        h = h < room ? h : room;
        h = h < cap ? h : cap;
        g->pool += (double)(down - h);
        f->employees[i] += h - down;
        fl->created[f->origin[i]] += fo * h;
        fl->destroyed[f->origin[i]] += fo * down;
        uint32_t bits = f->prog[i];
        if (bits) {
            fl->created_part += h;
            while (bits) {
                int b = __builtin_ctz(bits);
                fl->prog_jobs[b] += h;
                bits &= bits - 1;
            }
        } else {
            fl->created_nonpart += h;
        }
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
    for (size_t q = 0; q < w->n_transfer_queue; q++) {
        uint32_t id = w->transfer_queue[q];
        int32_t i = f->index_of[id];
        if (i < 0 || (f->flags[i] & RIC_FIRM_DEAD))
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
        uint32_t id = w->spinoff_queue[q];
        int32_t i = f->index_of[id];
        if (i < 0 || (f->flags[i] & RIC_FIRM_DEAD) || f->employees[i] < 2)
            continue;
        int region = f->region[i];
        int32_t took = spawn(w, id, f->key[i], RIC_PARENT_FIRM, region, f->capability[i],
                             f->employees[i] - 1, -1, 0);
        i = f->index_of[id]; /* unchanged: appends do not move columns */
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
