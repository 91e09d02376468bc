/* Behavioural rules: labour pool, staff of knowledge organisations, spin-off (Klepper's heritage
 * theory), technology transfer (transfer-office and absorptive capacity), entry, and the step's
 * schedule; the firm pass and hiring are in firms.c. Each rule cites its source; doc/MODEL.md
 * gives the ODD. */
#include "model/rules.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model/firm_rules.h"
#include "model/firms.h"
#include "model/sectors.h"

static inline int focus(const ric_world *w, int region)
{
    return w->regions[region].p.focus;
}

/* Poisson event probability for a yearly hazard h over one step. */
static inline double step_prob(double h, double dt)
{
    return -expm1(-h * dt);
}

/* ---- labour: graduates and migrants join, some leave (NURI's channel: MODEL.md 3) --------- */

static void rule_labour(ric_world *w, ric_workspace *ws)
{
    (void)ws;
    double dt = w->dt;
    for (int r = 0; r < w->n_regions; r++) {
        ric_region *g = &w->regions[r];
        g->pool += g->p.pool_inflow_per_year * dt - g->pool * step_prob(g->p.pool_exit_rate, dt);
    }
    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        if (!g->active || g->kind != RIC_ORG_UNIVERSITY)
            continue;
        double grads = (g->graduates_per_year + g->boost[RIC_CHANNEL_graduates]) * dt;
        g->graduate_acc += grads;
        double whole = floor(g->graduate_acc);
        g->graduate_acc -= whole;
        w->regions[g->region].pool += whole * w->regions[g->region].p.graduate_stay_share;
        if (focus(w, g->region))
            w->flow.graduates += whole;
    }
}

/* ---- staff: organisations refill towards their target from the local pool ---------------- */

static int32_t spawn(ric_world *w, ric_workspace *ws, uint32_t parent_id, uint32_t parent_key,
                     int parent_kind, int parent_region, double parent_knowledge,
                     int32_t max_founders, int org, uint32_t rank);

static int is_institute(ric_org_kind k)
{
    return k == RIC_ORG_RI_GVT || k == RIC_ORG_RI_PRIVATE || k == RIC_ORG_RI_SEMI;
}

/* Researchers pushed out found firms (the 1997-98 crisis: institutes restructured and cut staff,
 * and researchers left to found ventures; MODEL.md 7.4): while the staff total of its kind is
 * falling, each of the RELEASED researchers of institute O is a founder with the chance
 * rules.spinoff.push_share, and the founders form spin-offs together. Returns the founders, who do
 * not join the pool. */
static int32_t push_out(ric_world *w, ric_workspace *ws, int o, int32_t released)
{
    const ric_rules *p = &w->rules;
    ric_org *g = &w->orgs[o];
    if (p->spinoff_push_share <= 0 || released <= 0 || !is_institute(g->kind) || !g->cutting)
        return 0;
    gsl_rng *r = ric_stream_at(&w->stream, g->id, w->step, RIC_RULE_ORG_PUSH);
    int32_t left = (int32_t)gsl_ran_binomial(r, p->spinoff_push_share, (unsigned)released);
    int32_t used = 0;
    for (uint32_t s = 0; left > 0; s++) {
        int32_t k = spawn(w, ws, g->id, g->id, (int)g->kind, g->region, g->knowledge, left, o,
                          0x400000u | s);
        if (k <= 0)
            break;
        left -= k;
        used += k;
    }
    return used;
}

static void rule_staff(ric_world *w, ric_workspace *ws)
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
            /* released staff join the pool, but for those who found firms */
            reg->pool -= h + push_out(w, ws, o, -h);
        }
        g->staff += h;
    }
}

/* ---- firm creation shared by spin-offs, start-ups and cohorts ----------------------------- */

static void record_birth(ric_world *w, ric_workspace *ws, long i, uint32_t parent, int parent_kind)
{
    ric_firms *f = &w->firms;
    ric_birth *b = &ws->births[ws->n_births++];
    b->year = ric_world_time(w, w->step + 1); /* end of the step, like the series rows */
    b->child = f->id[i];
    b->parent = parent;
    b->parent_kind = (uint8_t)parent_kind;
    b->sector = f->sector[i];
    b->region = f->region[i];
}

/* A region other than R that shares a group with R, the one V in [0, 1) picks among them (in the
 * scenario's order), or -1 when there is none. Groups are the world's, as events left them. */
static int near_region(const ric_world *w, int r, double v)
{
    const uint64_t groups = w->regions[r].p.groups;
    int n = 0;
    for (int q = 0; q < w->n_regions; q++)
        n += q != r && (w->regions[q].p.groups & groups) != 0;
    if (n == 0)
        return -1;
    int k = (int)(v * n);
    k = k < n ? k : n - 1;
    for (int q = 0; q < w->n_regions; q++)
        if (q != r && (w->regions[q].p.groups & groups) != 0 && k-- == 0)
            return q;
    return -1;
}

/* Location of a spin-off, by one uniform U over consecutive intervals: the parent's region
 * (stay_share), another region of the parent's groups (near_share), the capital region
 * (capital_share), another region of the capital's groups (capital_near_share), else anywhere.
 * Source: 58% of ETRI's spin-offs founded by August 2001 located in Daejeon, 37% in Seoul and 3%
 * in Gyeonggi (data/etri_spinoffs.tsv); the split of Daejeon's share between DST and the rest of
 * the city is not in the sources (scenarios/daedeok.cfg assumes it). With near_share and
 * capital_near_share at 0 (the defaults) the intervals, and so every draw, are as before them. */
static int spinoff_region(const ric_world *w, int parent_region, double u)
{
    const ric_rules *p = &w->rules;
    const int capital = w->sc->capital_region;
    double lo = p->spinoff_stay_share;
    if (u < lo)
        return parent_region;
    if (u < lo + p->spinoff_near_share) {
        const int q = near_region(w, parent_region, (u - lo) / p->spinoff_near_share);
        return q >= 0 ? q : parent_region;
    }
    lo += p->spinoff_near_share;
    if (u < lo + p->spinoff_capital_share && capital >= 0)
        return capital;
    if (u < lo + p->spinoff_capital_share)
        return parent_region;
    lo += p->spinoff_capital_share;
    if (u < lo + p->spinoff_capital_near_share) {
        const int q =
            capital >= 0 ? near_region(w, capital, (u - lo) / p->spinoff_capital_near_share) : -1;
        return q >= 0 ? q : capital >= 0 ? capital : parent_region;
    }
    /* subtracted one by one, as before near_share and capital_near_share, so that with them at
     * 0 every draw lands where it did */
    double v = (u - p->spinoff_stay_share - p->spinoff_near_share - p->spinoff_capital_share -
                p->spinoff_capital_near_share) /
               (1.0 - p->spinoff_stay_share - p->spinoff_near_share - p->spinoff_capital_share -
                p->spinoff_capital_near_share);
    int r = (int)(v * w->n_regions);
    return r < w->n_regions ? r : w->n_regions - 1;
}

/* Creates a spin-off of a parent with capability K: founders leave the parent, the child inherits
 * a share of K (Klepper 2007: better parents spawn better spin-offs). Returns founders taken. */
static int32_t spawn(ric_world *w, ric_workspace *ws, uint32_t parent_id, uint32_t parent_key,
                     int parent_kind, int parent_region, double parent_knowledge,
                     int32_t max_founders, int org, uint32_t rank)
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
    /* the child works in its parent's field: a firm's sector, an organisation's field, or (an
     * organisation without one) a draw from the region's shares, as a start-up */
    const int32_t parent_col = org >= 0 ? -1 : f->index_of[parent_id];
    const int sector = org >= 0 && w->orgs[org].sector >= 0 ? w->orgs[org].sector
                       : parent_col >= 0                    ? f->sector[parent_col]
                                         : ric_sector_of_new_firm(w, region, key);
    f->sector[i] = (uint8_t)sector;
    if (org >= 0) {
        ric_org *g = &w->orgs[org];
        ric_firms_link_to_org(w, RIC_LINK_org, (size_t)i, org); /* a tie to the parent (EIS-SKIN) */
        /* its incubator's rooms: its own and those a programme pays for (the rooms channel) */
        const int rooms = g->incubator_rooms + (int)floor(g->boost[RIC_CHANNEL_rooms]);
        if (region == g->region && g->rooms_used < rooms) {
            g->rooms_used++;
            f->incubator[i] = (uint16_t)(org + 1);
        }
        g->spinoffs++;
        if (region == w->sc->capital_region)
            g->spinoffs_capital++;
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
            ric_firms_link_firms(w, RIC_LINK_peer, (size_t)i, (size_t)j);
    }
    record_birth(w, ws, i, parent_id, parent_kind);
    w->regions[region].flow.spinoffs++;
    w->regions[region].flow.spinoffs_cum++;
    w->regions[region].flow.created += founders;
    w->regions[parent_region].flow.spinoffs_parent++;
    if (focus(w, parent_region)) {
        w->flow.spinoffs++;
        w->flow.spinoffs_cum++;
        w->flow.spinoffs_by_parent[parent_kind]++;
        w->flow.spinoffs_cum_sector[sector]++;
    }
    if (focus(w, region)) {
        w->flow.created[origin] += founders;
        w->flow.created_sector[sector] += founders;
    }
    return founders;
}

/* ---- local self-reinforcement (Brenner 2001; Zhang 2003) --------------------------------- */

/* The multiplier of entry and organisation spin-offs in each region, into ws->tab_density:
 * 1 + s n^4 / (n^4 + m^4) with n the region's live firms, s entry.self_reinforcement and m
 * entry.critical_mass. Below the critical mass a region gains little, above it up to 1 + s: the
 * positive feedback of local firm density (spin-offs, demand, suppliers, a labour market) that
 * Brenner's local self-augmentation and Zhang's critical mass describe, so a push near the
 * threshold can tip a region and the same push far below it does little. The logistic form and its
 * steepness (4) are assumed; with s = 0 (the default) every multiplier is 1 and nothing is counted.
 */
static void local_reinforcement(ric_world *w, ric_workspace *ws)
{
    double *m = ws->tab_density;
    const double s = w->rules.self_reinforcement, cm = w->rules.critical_mass;
    for (int r = 0; r < w->n_regions; r++)
        m[r] = 0;
    if (s <= 0) {
        for (int r = 0; r < w->n_regions; r++)
            m[r] = 1.0;
        return;
    }
    const ric_firms *f = &w->firms;
    for (size_t i = 0; i < f->n; i++)
        m[f->region[i]] += !(f->flags[i] & RIC_FIRM_DEAD);
    const double c4 = cm * cm * cm * cm;
    for (int r = 0; r < w->n_regions; r++) {
        const double n4 = m[r] * m[r] * m[r] * m[r];
        m[r] = 1.0 + s * n4 / (n4 + c4);
    }
}

/* ---- spin-offs of institutes and universities (EIS-SKIN; Klepper 2007) ------------------- */

static void rule_org_spinoff(ric_world *w, ric_workspace *ws)
{
    const ric_rules *p = &w->rules;
    local_reinforcement(w, ws);
    /* the venture climate (KOSDAQ from 1996, the 1997 Venture Special Act, venture capital, the
     * 2001 bust): a covariate series of the scenario, log-linear in the hazard */
    const double climate = exp(p->spinoff_pull_effect * p->spinoff_pull);
    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        if (!g->active || g->kind == RIC_ORG_GVT_INST || g->staff < 2)
            continue;
        double base = g->kind == RIC_ORG_UNIVERSITY ? p->spinoff_university_rate
                      : g->kind == RIC_ORG_RI_PRIVATE
                          ? p->spinoff_institute_rate * p->spinoff_private_factor
                          : p->spinoff_institute_rate;
        /* hazard per researcher rises with the parent's knowledge and with support money */
        double support =
            1.0 + p->spinoff_support_per_usd_m * g->seed_fund_usd_m + g->boost[RIC_CHANNEL_spinoff];
        double lambda = base * g->staff * ric_powe(g->knowledge, p->spinoff_knowledge_elasticity) *
                        support * climate * ws->tab_density[g->region] * w->dt;
        if (lambda <= 0)
            continue;
        gsl_rng *r = ric_stream_at(&w->stream, g->id, w->step, RIC_RULE_ORG_SPINOFF);
        unsigned k = gsl_ran_poisson(r, lambda);
        for (unsigned s = 0; s < k && g->staff >= 2; s++)
            g->staff -= spawn(w, ws, g->id, g->id, (int)g->kind, g->region, g->knowledge,
                              g->staff - 1, o, s);
    }
}

/* ---- orders: demand passed down supplier-buyer chains ----------------------------------- */

/* A supplier or buyer that hires passes a share network.order_share of its hires to its partner
 * as orders, and the partner hires for them from its region's pool (the industrial complex's
 * vertical relations: a buyer's growth is its suppliers' demand; Porter 1990's related and
 * supporting industries; the form and the share are assumed). Hires are this step's, read before
 * any order is served, so demand goes one link down the chain per step; the rounding is the
 * partner's own keyed draw, so comparisons stay paired. Counted as the hiring pass counts. */
static void rule_orders(ric_world *w, ric_workspace *ws)
{
    const double share = w->rules.order_share;
    if (share <= 0)
        return;
    ric_firms *f = &w->firms;
    const int32_t *hires = ws->want; /* the hiring pass leaves each firm's hires there */
    for (size_t i = 0; i < f->n; i++) {
        const uint32_t partner = f->link_vertical[i];
        if (!partner || (f->flags[i] & RIC_FIRM_DEAD))
            continue;
        const int32_t j = f->index_of[partner];
        if (j < 0 || hires[j] <= 0)
            continue;
        const ric_block b = ric_rng_block(w->sc->seed, f->key[i], w->step, RIC_RULE_ORDERS);
        ric_region *g = &w->regions[f->region[i]];
        const double room = floor(g->pool);
        double h = floor(share * hires[j] + ric_u01(b.v[0]));
        h = h < room ? h : room;
        h = h < RIC_EMP_MAX - f->employees[i] ? h : RIC_EMP_MAX - f->employees[i];
        if (h < 1)
            continue;
        const int32_t took = (int32_t)h;
        g->pool -= took;
        f->employees[i] += took;
        ric_count_hires(&w->flow, f, i, g->p.focus, took);
    }
}

/* ---- technology transfer (EIS-SKIN; MODEL.md 2) ------------------------------------------ */

/* Each asking firm goes to its linked organisation, else one of its region, else any region's;
 * the organisation serves it if its transfer office has capacity left this year. */
static void rule_transfer(ric_world *w, ric_workspace *ws)
{
    const ric_rules *p = &w->rules;
    ric_firms *f = &w->firms;
    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        if (!g->active)
            continue;
        double per_year = g->tto_per_year + g->boost[RIC_CHANNEL_transfer];
        /* tokens accrue every step and carry over up to one year's capacity */
        g->tto_tokens = fmin(g->tto_tokens + per_year * w->dt, fmax(per_year, 1.0));
    }
    int n_active = 0;
    for (int r = 0; r < w->n_regions; r++)
        n_active += w->regions[r].n_orgs;
    enum { AHEAD = 8 }; /* requests touch scattered columns: fetch them a few requests ahead */
    for (size_t q = 0; q < ws->n_transfer_queue; q++) {
        if (q + AHEAD < ws->n_transfer_queue) {
            const size_t j = ws->transfer_queue[q + AHEAD];
            __builtin_prefetch(f->flags + j);
            __builtin_prefetch(f->key + j);
            __builtin_prefetch(f->region + j);
            __builtin_prefetch(f->link_org + j, 1);
            __builtin_prefetch(f->link_org_last + j, 1);
            __builtin_prefetch(f->capability + j, 1);
        }
        const size_t i = ws->transfer_queue[q]; /* columns do not move within a step */
        if (f->flags[i] & RIC_FIRM_DEAD)
            continue;
        ric_block b = ric_rng_block(w->sc->seed, f->key[i], w->step, RIC_RULE_TRANSFER_PICK);
        int o = -1;
        const ric_region *reg = &w->regions[f->region[i]];
        if (f->link_org[i] && ric_u01(b.v[0]) < p->transfer_link_preference)
            o = (int)f->link_org[i] - 1;
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
        /* the firm closes part of its gap to the organisation's knowledge, the more the more it
         * can absorb (Cohen and Levinthal 1990) */
        f->capability[i] = (float)ric_learn(f->capability[i], g->knowledge,
                                            p->transfer_capability_gain, p->absorptive_half);
        ric_firms_link_to_org(w, RIC_LINK_org, (size_t)i, o);
        g->transfers++;
        g->income_usd_m += p->transfer_income_usd_m;
        if (focus(w, g->region))
            w->flow.transfer_income_cum += p->transfer_income_usd_m;
        w->regions[f->region[i]].flow.transfers++;
        if (focus(w, f->region[i])) {
            w->flow.transfers++;
            w->flow.transfers_cum++;
        }
    }
}

/* ---- spillovers: knowledge that flows along links (MODEL.md 7.8) ------------------------- */

/* Every linked firm learns from its partners, in proportion to the gap and to its absorptive
 * capacity (Cohen and Levinthal 1990; the knowledge flows of SKIN's partnerships, Gilbert, Pyka
 * and Ahrweiler 2001): from its organisation's knowledge along a link to one, from the partner's
 * capability along a link to a firm. Partners are read as they were when the phase began, so the
 * order of firms does not matter; the phase runs after hiring, on the list of linked firms the
 * firm pass leaves in the workspace (no phase between them changes links). Learning does not count
 * as a use of the link: transfers, joint projects and forums keep links alive, and unused ones
 * lapse in the firm pass. */
static void rule_spillover(ric_world *w, ric_workspace *ws)
{
    const ric_rules *p = &w->rules;
    ric_firms *f = &w->firms;
    const double rate = p->spillover * w->dt, half = p->absorptive_half;
    if (!(rate > 0))
        return;
    double *restrict knowledge = ws->tab_org_knowledge; /* by organisation index + 1 */
    for (int o = 0; o < w->n_orgs; o++)
        knowledge[o + 1] = w->orgs[o].knowledge;
    /* the firms the firm pass left with a knowledge link (links formed later in the step carry
     * knowledge from the next step on); those that exit this step learn nothing */
    const ric_link_columns lk = ric_firms_links(f);
    const uint32_t *restrict linked = ws->linked;
    const size_t m = ws->n_linked;
    const uint8_t *restrict flags = f->flags;
    const int32_t *restrict index_of = f->index_of;
    /* what each learns, from the capabilities as they were when the phase began */
    float *restrict cap = f->capability, *restrict next = ws->cap_next;
    for (size_t q = 0; q < m; q++) {
        const size_t i = linked[q];
        double c = cap[i];
        if (!(flags[i] & RIC_FIRM_DEAD))
            for (int kind = 0; kind < RIC_LINK_N; kind++) {
                const uint32_t partner = lk.partner[kind][i];
                if (!partner || !ric_link_kinds[kind].knowledge)
                    continue;
                double k;
                if (ric_link_kinds[kind].partner == RIC_TO_ORG) {
                    k = knowledge[partner];
                } else {
                    const int32_t j = index_of[partner];
                    if (j < 0)
                        continue;
                    k = cap[j];
                }
                c = ric_learn(c, k, rate, half);
            }
        next[q] = (float)c;
    }
    for (size_t q = 0; q < m; q++)
        cap[linked[q]] = next[q];
}

/* ---- spin-offs of firms, queued by the firm pass ---------------------------------------- */

static void rule_firm_spinoff(ric_world *w, ric_workspace *ws)
{
    ric_firms *f = &w->firms;
    for (size_t q = 0; q < ws->n_spinoff_queue; q++) {
        const size_t i = ws->spinoff_queue[q]; /* appends do not move columns */
        if ((f->flags[i] & RIC_FIRM_DEAD) || f->employees[i] < 2)
            continue;
        int region = f->region[i];
        int32_t took = spawn(w, ws, f->id[i], f->key[i], RIC_PARENT_FIRM, region, f->capability[i],
                             f->employees[i] - 1, -1, 0);
        f->employees[i] -= took;
        w->regions[region].flow.destroyed += took;
        if (focus(w, region))
            w->flow.destroyed[f->origin[i]] += took;
    }
}

/* ---- entry: start-ups and relocations (MODEL.md 4) --------------------------------------- */

/* Supplier-buyer links form by co-location (the industrial complex of the seed's KICOX strategy):
 * with probability network.vertical_share a firm at entry finds a supplier or buyer among its
 * region's firms, drawn uniformly from those without one (up to 32 draws, from the firm's own
 * stream R after its other draws; none is formed if none is found). */
void ric_rules_find_supplier(ric_world *w, size_t i, gsl_rng *r)
{
    ric_firms *f = &w->firms;
    if (!(gsl_rng_uniform(r) < w->rules.vertical_share) || f->n < 2)
        return;
    for (int t = 0; t < 32; t++) {
        const size_t j = gsl_rng_uniform_int(r, (unsigned long)f->n);
        if (j != i && f->region[j] == f->region[i] && !f->link_vertical[j] &&
            !(f->flags[j] & RIC_FIRM_DEAD)) {
            ric_firms_link_firms(w, RIC_LINK_vertical, i, j);
            return;
        }
    }
}

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
    w->firms.sector[i] = (uint8_t)ric_sector_of_new_firm(w, region, key);
    ric_rules_find_supplier(w, (size_t)i, r);
    if (origin == RIC_ORIGIN_STARTUP) {
        ric_region *g = &w->regions[region];
        g->pool = fmax(0.0, g->pool - e); /* founders come from the local pool */
    }
    w->regions[region].flow.created += e;
    if (focus(w, region)) {
        w->flow.created[origin] += e;
        w->flow.created_sector[w->firms.sector[i]] += e;
        w->flow.entries++;
        if (origin == RIC_ORIGIN_STARTUP)
            w->flow.startups++;
        else
            w->flow.relocations++;
    }
}

static void rule_entry(ric_world *w, ric_workspace *ws)
{
    const ric_rules *p = &w->rules;
    local_reinforcement(w, ws);
    for (int r = 0; r < w->n_regions; r++) {
        const ric_region *g = &w->regions[r];
        if (g->p.startup_rate <= 0 && g->p.relocation_rate <= 0)
            continue;
        gsl_rng *rr = ric_stream_at(&w->stream, (uint32_t)r, w->step, RIC_RULE_ENTRY);
        const double more = ws->tab_density[r]; /* local self-reinforcement */
        unsigned ns = gsl_ran_poisson(rr, g->p.startup_rate * more * w->dt);
        unsigned nr = gsl_ran_poisson(rr, g->p.relocation_rate * more * w->dt);
        for (unsigned k = 0; k < ns; k++)
            new_firm(w, r, RIC_ORIGIN_STARTUP, p->startup_employees, p->startup_capability, k);
        for (unsigned k = 0; k < nr; k++)
            new_firm(w, r, RIC_ORIGIN_RELOCATION, p->relocation_employees, p->relocation_capability,
                     k);
    }
}

static void rule_compact(ric_world *w, ric_workspace *ws)
{
    ric_firms_compact(w, ws->dead, ws->n_dead);
    ws->n_dead = 0;
}

/* ---- listings: the stock market as an exit for investors ----------------------------------- */

/* Once a year (the first step of each year of the run), each live unlisted firm at least
 * listing.min_age_years old with at least listing.min_employees lists with probability
 * 1 - exp(-rate * exp(pull_effect * pull)) (KOSDAQ from 1996: 7 of ETRI's 237 firms listed by
 * November 2001, 1.75 to 8.75 years after founding; data/etri_spinoffs.tsv). The draw is the firm's
 * own keyed word, so comparisons stay paired. A listing changes nothing else in the model
 * (assumed): it is the observable the record has. Off (no pass over the firms) when the rate is 0.
 */
static void rule_listing(ric_world *w, ric_workspace *ws)
{
    (void)ws;
    const ric_rules *p = &w->rules;
    const uint32_t per_year = (uint32_t)w->sc->steps_per_year;
    if (p->listing_rate <= 0 || w->step % per_year != 0)
        return;
    const double prob = 1.0 - exp(-p->listing_rate * exp(p->spinoff_pull_effect * p->spinoff_pull));
    const int32_t min_age = (int32_t)ceil(p->listing_min_age_years / w->dt - 1e-9);
    ric_firms *f = &w->firms;
    for (size_t i = 0; i < f->n; i++) {
        if ((f->flags[i] & (RIC_FIRM_DEAD | RIC_FIRM_LISTED)) ||
            f->employees[i] < p->listing_min_employees || (int32_t)w->step - f->birth[i] < min_age)
            continue;
        ric_block b = ric_rng_block(w->sc->seed, f->key[i], w->step, RIC_RULE_LISTING);
        if (!(ric_u01(b.v[0]) < prob))
            continue;
        f->flags[i] |= RIC_FIRM_LISTED;
        if (focus(w, f->region[i])) {
            w->flow.listings++;
            w->flow.listings_cum++;
        }
        const int o = f->origin[i] == RIC_ORIGIN_INSTITUTE_SPINOFF ||
                              f->origin[i] == RIC_ORIGIN_UNIVERSITY_SPINOFF
                          ? (int)f->parent[i] - 1
                          : -1;
        if (o >= 0 && o < w->n_orgs)
            w->orgs[o].spinoffs_listed++;
    }
}

/* The schedule of a step's rules. Hiring rations the demand the firm pass summed and returns the
 * workers of the firms it flagged dead. */
const ric_rule ric_rules_table[] = {
    {"labour", rule_labour},       {"staff", rule_staff},       {"org_spinoff", rule_org_spinoff},
    {"firms", ric_rule_firms},     {"hiring", ric_rule_hiring}, {"orders", rule_orders},
    {"spillover", rule_spillover}, {"transfer", rule_transfer}, {"firm_spinoff", rule_firm_spinoff},
    {"entry", rule_entry},         {"listing", rule_listing},   {"compact", rule_compact},
};
const size_t ric_rules_n = sizeof ric_rules_table / sizeof ric_rules_table[0];
