/* The firm pass and hiring: the reference, one firm at a time, as doc/MODEL.md states the rules.
 * The economics of a firm is in firm_rules.h; the fast twins of both passes are in kernels/ and
 * run instead when selected (they give the same bytes: tests/test_kernels.c). */
#include "model/firms.h"

#include <math.h>

#include "kernels/kernels.h"
#include "model/sectors.h"

static inline int focus(const ric_world *w, int region)
{
    return w->regions[region].p.focus;
}

static void mark_dead(ric_firms *f, ric_workspace *ws, size_t i)
{
    f->flags[i] |= RIC_FIRM_DEAD;
    ws->want[i] = 0;
    ws->dead[ws->n_dead++] = (uint32_t)i;
}

/* Every firm: its links may lapse and its incubator room end; it earns fitness; it may exit;
 * else it may queue a spin-off and a transfer request, its capability drifts and it states the
 * change of employment it wants (hiring rations that by the labour pool next). */
static void firm_pass_reference(ric_world *w, ric_workspace *ws, const ric_firm_consts *k)
{
    ric_firms *f = &w->firms;
    const int32_t step = (int32_t)w->step;
    const uint64_t seed = w->sc->seed;
    const ric_link_columns lk = ric_firms_links(f);
    ws->n_spinoff_queue = ws->n_transfer_queue = ws->n_dead = ws->n_linked = 0;
    for (size_t i = 0; i < f->n; i++) {
        const ric_block b = ric_rng_block(seed, f->key[i], w->step, RIC_RULE_FIRM);
        const int region = f->region[i];
        const size_t key = (size_t)region * (size_t)w->n_sectors + f->sector[i];
        const double cap = f->capability[i], mk_fit = ws->tab_market_fit[key],
                     mk = ws->tab_market_grow[key];
        const int32_t emp = f->employees[i], age = step - f->birth[i];

        int linked = 0; /* by a link that carries knowledge */
        for (int kind = 0; kind < RIC_LINK_N; kind++) {
            const ric_link_info *in = &ric_link_kinds[kind];
            const uint32_t partner = lk.partner[kind][i];
            /* a firm partner drops it in the same step: both ends have the same last use */
            if (partner &&
                ric_firm_link_lapses(k, in->lapses, step, lk.last[kind][i],
                                     in->partner == RIC_TO_FIRM || w->orgs[partner - 1].active))
                lk.partner[kind][i] = 0;
            linked |= (lk.partner[kind][i] != 0) & in->knowledge;
        }
        if (linked) /* it learns along its links in the spillover phase, if it stays */
            ws->linked[ws->n_linked++] = (uint32_t)i;
        if (f->incubator[i] && ric_firm_leaves_incubator(k, age)) {
            w->orgs[f->incubator[i] - 1].rooms_used--;
            f->incubator[i] = 0;
        }

        const float fit = ric_firm_fitness(k, f->fitness[i], cap, mk_fit);
        f->fitness[i] = fit;
        const double cap_exit = ric_powe(cap, k->exit_el);
        if (fit < 0.0f ||
            ric_u01(b.v[0]) < ric_firm_exit_prob(k, cap_exit, age, emp, f->incubator[i] != 0,
                                                 f->link_vertical[i] != 0)) {
            mark_dead(f, ws, i); /* its capability stays as it was */
            continue;
        }
        if (ric_firm_spins(k, emp, ric_powe(cap, k->spin_el), ric_u01(b.v[1])))
            ws->spinoff_queue[ws->n_spinoff_queue++] = (uint32_t)i;
        if (ric_firm_asks_transfer(k, ric_powe(cap, k->tr_el), ric_u01(b.v[2])))
            ws->transfer_queue[ws->n_transfer_queue++] = (uint32_t)i;
        f->capability[i] = ric_firm_drift(k, cap);
        const int32_t want = ric_firm_want(k, emp, cap, mk, ric_firm_premium(k, emp), b.v[3]);
        if (emp + want < 1) {
            mark_dead(f, ws, i); /* shrinking to nothing is an exit */
            continue;
        }
        ws->want[i] = want;
        ws->demand[region] += want > 0 ? want : 0;
    }
}

void ric_rule_firms(ric_world *w, ric_workspace *ws)
{
    ric_firm_consts k;
    ric_firm_consts_init(&k, &w->rules, w->dt);
    ric_markets_update(w, ws);
    /* the fast pass's exit bound rests on these parameters; else the reference runs */
    if ((ws->kernels & (1u << RIC_KERNEL_FIRM_PASS)) && ric_firm_exit_bound_holds(&k))
        ric_kernel_firm_pass(w, ws, &k);
    else
        firm_pass_reference(w, ws, &k);
}

/* Wanted growth rationed by the regional labour pool (MODEL.md 7.7): each region fills the same
 * share of every firm's wanted hires, the pool's whole persons bound each hire in firm order,
 * and exits and decreases return workers to the pool. The pool's change is counted in whole
 * persons (ws->pool_change) and added to the pool once, after the pass. Gross jobs are counted
 * by origin, for participants and others, and by programme. */
static void hiring_reference(ric_world *w, ric_workspace *ws)
{
    ric_firms *f = &w->firms;
    ric_flows *fl = &w->flow;
    long long *change = ws->pool_change;
    for (int r = 0; r < w->n_regions; r++)
        change[r] = 0;
    for (size_t i = 0; i < f->n; i++) {
        const int region = f->region[i];
        const ric_region *g = &w->regions[region];
        const long long fo = focus(w, region);
        if (f->flags[i] & RIC_FIRM_DEAD) {
            /* an exit destroys every job of the firm; its workers join the pool */
            const int32_t e = f->employees[i];
            change[region] += e;
            w->regions[region].flow.destroyed += e;
            fl->destroyed[f->origin[i]] += fo * e;
            fl->exits += fo;
            continue;
        }
        const int32_t want = ws->want[i];
        const int32_t up = want > 0 ? want : 0, down = want < 0 ? -want : 0;
        int32_t h = (int32_t)(up * ws->tab_fill[region]);     /* >= 0: truncation is the floor */
        const double pool = g->pool + (double)change[region]; /* as it stands now */
        const int32_t room = (int32_t)(pool < RIC_EMP_MAX ? pool : RIC_EMP_MAX);
        const int32_t cap = RIC_EMP_MAX - f->employees[i]; /* employment stays within 32 bits */
        h = h < room ? h : room;
        h = h < cap ? h : cap;
        change[region] += down - h;
        f->employees[i] += h - down;
        fl->destroyed[f->origin[i]] += fo * down;
        w->regions[region].flow.created += h;
        w->regions[region].flow.destroyed += down;
        ws->want[i] = h;
        ric_count_hires(fl, f, i, fo, h);
    }
    for (int r = 0; r < w->n_regions; r++)
        w->regions[r].pool += (double)change[r];
}

void ric_rule_hiring(ric_world *w, ric_workspace *ws)
{
    /* the share of wanted hires each region can fill, the same for every firm in it */
    for (int r = 0; r < w->n_regions; r++) {
        const long long d = ws->demand[r];
        ws->tab_fill[r] = d > 0 ? fmin(1.0, floor(w->regions[r].pool) / (double)d) : 1.0;
        ws->demand[r] = 0;
    }
    if (!(ws->kernels & (1u << RIC_KERNEL_HIRING)) || !ric_kernel_hiring(w, ws))
        hiring_reference(w, ws);
}
