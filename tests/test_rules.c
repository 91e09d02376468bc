/* Each rule on a tiny hand-built world: the behaviour doc/MODEL.md states, one rule at a time
 * (the reference code; tests/test_kernels.c holds the kernels to it). */
#include <math.h>

#include "support.h"

#include "model/firm_rules.h"
#include "model/firms.h"
#include "model/rules.h"
#include "model/workspace.h"

static const char *const TOWN =
    "name = \"rules\"; seed = 2385L; time = { start = 2000.0; end = 2010.0; steps_per_year = 12; };"
    "limits = { max_firms = 500; };"
    "regions = { town = { labour_pool = 40.0; }; far = { labour_pool = 0.0; focus = false; }; };"
    "organisations = { inst = { kind = \"ri_gvt\"; region = \"town\"; staff = 120.0;"
    "                           knowledge = 3.0; tto_per_year = 6.0; incubator_rooms = 2; };"
    "                  uni = { kind = \"university\"; region = \"town\"; staff = 80.0; }; };";

typedef struct {
    ric_scenario *sc;
    ric_world w;
    ric_workspace *ws;
} town;

/* The town with its organisations active and no firm; SETS override the scenario. */
static void make_town(town *t, const char *const *sets, size_t n_sets)
{
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load_string(TOWN, "rules.cfg", ".", sets, n_sets, &t->sc, &err),
                 RIC_OK, "%s", err.msg);
    cr_assert_eq(ric_world_init(&t->w, t->sc, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(ric_workspace_alloc(&t->w, 0, &t->ws, &err), RIC_OK, "%s", err.msg);
    for (int o = 0; o < t->w.n_orgs; o++) {
        t->w.orgs[o].active = 1;
        t->w.orgs[o].staff = t->w.orgs[o].staff_target;
    }
    ric_world_index_orgs(&t->w);
    t->w.step = 120;
}

static void free_town(town *t)
{
    ric_workspace_free(t->ws);
    ric_world_fini(&t->w);
    ric_scenario_free(t->sc);
}

static long add_firm(town *t, int32_t employees, double capability)
{
    const long i = ric_firms_append(&t->w, 7000u + (uint32_t)t->w.firms.n, 0, RIC_ORIGIN_STARTUP,
                                    employees, capability, 0);
    cr_assert_geq(i, 0);
    return i;
}

static void run_rule(town *t, const char *name)
{
    for (size_t i = 0; i < ric_rules_n; i++)
        if (strcmp(ric_rules_table[i].name, name) == 0) {
            ric_rules_table[i].apply(&t->w, t->ws);
            return;
        }
    cr_assert_fail("no rule named %s", name);
}

static ric_firm_consts consts(const town *t)
{
    ric_firm_consts k;
    ric_firm_consts_init(&k, &t->w.rules, t->w.dt);
    return k;
}

Test(rules, exit_falls_with_age_and_size)
{
    town t;
    make_town(&t, NULL, 0);
    const ric_firm_consts k = consts(&t);
    double prev = INFINITY;
    for (int32_t age = 0; age < 600; age += 12) {
        const double p = ric_firm_exit_prob(&k, 1.0, age, 5, 0, 0);
        cr_assert(p < prev, "exit probability %g at age %d steps, not below %g", p, age, prev);
        prev = p;
    }
    prev = INFINITY;
    for (int32_t e = 1; e < 2000; e = e * 2 + 1) {
        const double p = ric_firm_exit_prob(&k, 1.0, 24, e, 0, 0);
        cr_assert(p < prev, "exit probability %g at %d employees, not below %g", p, e, prev);
        prev = p;
    }
    /* the founding year's hazard per step is the base rate (MODEL.md 4) */
    cr_assert_float_eq(ric_firm_exit_prob(&k, 1.0, 0, 1, 0, 0), t.w.rules.exit_base_rate / 12,
                       1e-15);
    free_town(&t);
}

Test(rules, an_incubator_room_scales_the_exit_hazard_by_its_factor)
{
    const char *sets[] = {"rules.spinoff.incubator_exit_factor=0.385"};
    town t;
    make_town(&t, sets, 1);
    const ric_firm_consts k = consts(&t);
    for (int32_t age = 0; age < 40; age += 7) {
        const double out = ric_firm_exit_prob(&k, 1.3, age, 3, 0, 0);
        const double in = ric_firm_exit_prob(&k, 1.3, age, 3, 1, 0);
        cr_assert_float_eq(in, 0.385 * out, 1e-15 * out, "age %d: %g against %g", age, in, out);
    }
    /* the room is held for spinoff.incubation_years (3 by default), then freed by the firm pass */
    cr_assert_not(ric_firm_leaves_incubator(&k, 35));
    cr_assert(ric_firm_leaves_incubator(&k, 36));
    const long young = add_firm(&t, 4, 1.0), old = add_firm(&t, 4, 1.0);
    t.w.firms.birth[young] = (int32_t)t.w.step - 35;
    t.w.firms.birth[old] = (int32_t)t.w.step - 36;
    t.w.firms.fitness[young] = t.w.firms.fitness[old] = 100.0f;
    t.w.rules.exit_base_rate = 0; /* nobody exits: only the room is at stake */
    t.w.firms.incubator[young] = t.w.firms.incubator[old] = 1;
    t.w.orgs[0].rooms_used = 2;
    run_rule(&t, "firms");
    cr_assert_eq(t.w.firms.incubator[young], 1);
    cr_assert_eq(t.w.firms.incubator[old], 0);
    cr_assert_eq(t.w.orgs[0].rooms_used, 1);
    free_town(&t);
}

Test(rules, a_link_lapses_after_its_decay_time)
{
    const char *sets[] = {"rules.network.link_decay_years=2.0"};
    town t;
    make_town(&t, sets, 1);
    t.w.rules.exit_base_rate = 0;
    const int32_t decay = consts(&t).decay;
    cr_assert_eq(decay, 24);
    long f[4];
    for (int j = 0; j < 4; j++) {
        f[j] = add_firm(&t, 5, 1.0);
        t.w.firms.fitness[f[j]] = 100.0f;
        ric_firms_link_to_org(&t.w, RIC_LINK_org, (size_t)f[j], 0);
    }
    ric_firms_link_firms(&t.w, RIC_LINK_peer, (size_t)f[2], (size_t)f[3]);
    const int32_t step = (int32_t)t.w.step;
    t.w.firms.link_org_last[f[0]] = step - decay;     /* used exactly the decay time ago: kept */
    t.w.firms.link_org_last[f[1]] = step - decay - 1; /* one step more: lapses */
    t.w.firms.link_peer_last[f[2]] = t.w.firms.link_peer_last[f[3]] = step - decay - 1;
    run_rule(&t, "firms");
    cr_assert_eq(t.w.firms.link_org[f[0]], 1);
    cr_assert_eq(t.w.firms.link_org[f[1]], 0);
    cr_assert_eq(t.w.firms.link_peer[f[2]], 0u);
    cr_assert_eq(t.w.firms.link_peer[f[3]], 0u);
    /* and a knowledge link lapses when its organisation leaves */
    t.w.orgs[0].active = 0;
    t.w.step++;
    run_rule(&t, "firms");
    cr_assert_eq(t.w.firms.link_org[f[0]], 0);
    free_town(&t);
}

Test(rules, transfers_respect_the_transfer_office_capacity)
{
    const char *sets[] = {"rules.transfer.link_preference=1.0"};
    town t;
    make_town(&t, sets, 1);
    ric_workspace *ws = t.ws;
    for (int j = 0; j < 60; j++) { /* sixty requests to the institute, linked to it */
        const long i = add_firm(&t, 5, 0.8);
        ric_firms_link_to_org(&t.w, RIC_LINK_org, (size_t)i, 0);
        ws->transfer_queue[ws->n_transfer_queue++] = (uint32_t)i;
    }
    t.w.orgs[0].tto_tokens = 0;
    t.w.orgs[1].tto_per_year = 0;
    run_rule(&t, "transfer");
    /* a month's tokens of 6 a year: none whole yet */
    cr_assert_eq(t.w.orgs[0].transfers, 0);
    for (int m = 0; m < 24; m++) {
        ws->n_transfer_queue = 60;
        run_rule(&t, "transfer");
    }
    /* tokens carry over up to one year's capacity, so 25 months give at most 6 x 25 / 12 */
    cr_assert_leq(t.w.orgs[0].transfers, 12);
    cr_assert_geq(t.w.orgs[0].transfers, 11);
    /* the firms it served closed part of their gap to its knowledge (3.0) */
    cr_assert_gt(t.w.firms.capability[0], 0.8f);
    free_town(&t);
}

Test(rules, hires_never_exceed_the_pool)
{
    town t;
    make_town(&t, NULL, 0);
    t.w.rules.exit_base_rate = 0;
    t.w.rules.growth_base = 0.9; /* every firm wants to grow fast */
    t.w.rules.growth_noise = 0;
    for (int j = 0; j < 50; j++)
        t.w.firms.fitness[add_firm(&t, 30, 1.5)] = 100.0f;
    t.w.regions[0].pool = 40.75;
    long long before = 0, after = 0;
    for (size_t i = 0; i < t.w.firms.n; i++)
        before += t.w.firms.employees[i];
    run_rule(&t, "firms");
    long long wanted = 0;
    for (size_t i = 0; i < t.w.firms.n; i++)
        wanted += t.ws->want[i];
    cr_assert_gt(wanted, 40, "the firms want more than the pool holds (%lld)", wanted);
    run_rule(&t, "hiring");
    for (size_t i = 0; i < t.w.firms.n; i++)
        after += t.w.firms.employees[i];
    cr_assert_leq(after - before, 40, "hired %lld from a pool of 40.75", after - before);
    cr_assert_geq(t.w.regions[0].pool, 0.0);
    cr_assert_float_eq(t.w.regions[0].pool, 40.75 - (double)(after - before), 1e-12);
    cr_assert_eq(t.w.flow.created[RIC_ORIGIN_STARTUP], after - before);
    free_town(&t);
}

Test(rules, a_spinoff_takes_its_founders_from_the_parent)
{
    const char *sets[] = {"rules.spinoff.institute_rate=0.05", "rules.spinoff.founders_mean=3.0"};
    town t;
    make_town(&t, sets, 2);
    const int32_t staff0 = t.w.orgs[0].staff;
    long long founders = 0;
    for (int m = 0; m < 12; m++, t.w.step++) {
        t.ws->n_births = 0;
        const size_t n0 = t.w.firms.n;
        run_rule(&t, "org_spinoff");
        for (size_t i = n0; i < t.w.firms.n; i++) {
            founders += t.w.firms.employees[i];
            if (t.w.firms.parent[i] == t.w.orgs[0].id) {
                /* the child inherits part of the parent's knowledge and keeps a link to it */
                cr_assert_eq(t.w.firms.link_org[i], 1);
                cr_assert_eq(t.w.firms.origin[i], RIC_ORIGIN_INSTITUTE_SPINOFF);
            }
        }
        cr_assert_eq(t.ws->n_births, t.w.firms.n - n0, "one genealogy row per spin-off");
    }
    const long long institute_founders = staff0 - t.w.orgs[0].staff;
    cr_assert_gt(t.w.orgs[0].spinoffs, 5, "%lld spin-offs", t.w.orgs[0].spinoffs);
    long long uni_founders = 0, inst = 0;
    for (size_t i = 0; i < t.w.firms.n; i++) {
        if (t.w.firms.parent[i] == t.w.orgs[0].id)
            inst += t.w.firms.employees[i];
        else
            uni_founders += t.w.firms.employees[i];
    }
    cr_assert_eq(inst, institute_founders, "the institute lost %lld staff to firms of %lld",
                 institute_founders, inst);
    cr_assert_eq(founders, inst + uni_founders);
    /* two spin-offs fill the incubator's two rooms, no more */
    cr_assert_leq(t.w.orgs[0].rooms_used, 2);
    free_town(&t);
}

/* ---- spillovers along links (rule_spillover) ---------------------------------------------- */

/* Firms of capability CAPS linked to the institute (knowledge 3), with a quiet firm pass (no exit,
 * drift or growth) so that only the spillover phase moves capability. */
static void linked_town(town *t, const char *const *sets, size_t n_sets, const double *caps,
                        size_t n)
{
    make_town(t, sets, n_sets);
    t->w.rules.exit_base_rate = 0;
    t->w.rules.capability_drift = 0;
    t->w.rules.growth_noise = 0;
    for (size_t j = 0; j < n; j++) {
        const long i = add_firm(t, 5, caps[j]);
        t->w.firms.fitness[i] = 100.0f;
        ric_firms_link_to_org(&t->w, RIC_LINK_org, (size_t)i, 0);
    }
    run_rule(t, "firms");
    cr_assert_eq(t->ws->n_linked, n, "the firm pass lists the linked firms");
}

Test(rules, learning_along_a_link_rises_with_absorptive_capacity)
{
    const double caps[] = {0.5, 1.0, 1.5, 2.5};
    town t;
    linked_town(&t, NULL, 0, caps, 4);
    run_rule(&t, "spillover");
    double prev = 0;
    for (int j = 0; j < 4; j++) {
        const double c0 = (float)caps[j], c1 = t.w.firms.capability[j];
        const double share = (c1 - c0) / (3.0 - c0); /* of its gap to the institute */
        cr_assert_gt(share, prev, "firm at %.2f closed %.3g of its gap, not more than %.3g", c0,
                     share, prev);
        /* at capability 1 the share is the rate: 0.05 per year over a month */
        if (caps[j] == 1.0)
            cr_assert_float_eq(share, 0.05 / 12, 1e-6);
        prev = share;
    }
    free_town(&t);
}

Test(rules, no_spillover_when_switched_off_and_never_past_the_source)
{
    const double caps[] = {0.7, 2.9, 3.2};
    const char *off[] = {"rules.network.spillover=0"};
    town t;
    linked_town(&t, off, 1, caps, 3);
    run_rule(&t, "spillover");
    for (int j = 0; j < 3; j++)
        cr_assert_eq(t.w.firms.capability[j], (float)caps[j], "spillover 0 moved firm %d", j);
    free_town(&t);
    /* a rate that would close more than the gap closes exactly the gap; above it, nothing */
    const char *fast[] = {"rules.network.spillover=12", "time.steps_per_year=1"};
    linked_town(&t, fast, 2, caps, 3);
    run_rule(&t, "spillover");
    cr_assert_eq(t.w.firms.capability[0], 3.0f);
    cr_assert_eq(t.w.firms.capability[1], 3.0f);
    cr_assert_eq(t.w.firms.capability[2], 3.2f, "a firm above its source learns nothing");
    free_town(&t);
}

Test(rules, a_firm_learns_from_a_more_capable_partner_only)
{
    town t;
    make_town(&t, NULL, 0);
    t.w.rules.exit_base_rate = 0;
    t.w.rules.capability_drift = 0;
    t.w.rules.growth_noise = 0;
    const long lo = add_firm(&t, 5, 0.8), hi = add_firm(&t, 5, 2.0), alone = add_firm(&t, 5, 0.8);
    for (long i = 0; i < 3; i++)
        t.w.firms.fitness[i] = 100.0f;
    ric_firms_link_firms(&t.w, RIC_LINK_peer, (size_t)lo, (size_t)hi);
    run_rule(&t, "firms");
    run_rule(&t, "spillover");
    cr_assert_gt(t.w.firms.capability[lo], 0.8f);
    cr_assert_lt(t.w.firms.capability[lo], 2.0f);
    cr_assert_eq(t.w.firms.capability[hi], 2.0f, "the better partner learns nothing from it");
    cr_assert_eq(t.w.firms.capability[alone], 0.8f, "no link, no spillover");
    free_town(&t);
}

Test(rules, a_transfer_gains_more_for_the_firm_that_can_absorb_more)
{
    const char *sets[] = {"rules.transfer.link_preference=1.0"};
    town t;
    make_town(&t, sets, 1);
    const double caps[] = {0.4, 1.0, 2.0};
    for (int j = 0; j < 3; j++) {
        const long i = add_firm(&t, 5, caps[j]);
        ric_firms_link_to_org(&t.w, RIC_LINK_org, (size_t)i, 0);
        t.ws->transfer_queue[t.ws->n_transfer_queue++] = (uint32_t)i;
    }
    t.w.orgs[0].tto_tokens = 10;
    run_rule(&t, "transfer");
    double prev = 0;
    for (int j = 0; j < 3; j++) {
        const double c0 = (float)caps[j];
        const double share = (t.w.firms.capability[j] - c0) / (3.0 - c0);
        cr_assert_gt(share, prev, "capability %.1f closed %.3g of its gap", c0, share);
        prev = share;
    }
    /* at capability 1 the share is transfer.capability_gain (0.1) */
    cr_assert_float_eq((t.w.firms.capability[1] - 1.0) / 2.0, 0.1, 1e-6);
    free_town(&t);
}

/* ---- supplier-buyer links (RIC_LINK_vertical) ---------------------------------------------- */

Test(rules, a_supplier_or_buyer_steadies_a_firm_and_lasts_while_both_live)
{
    const char *sets[] = {"rules.network.vertical_exit_factor=0.385",
                          "rules.network.link_decay_years=1.0"};
    town t;
    make_town(&t, sets, 2);
    const ric_firm_consts k = consts(&t);
    const double alone = ric_firm_exit_prob(&k, 1.0, 30, 4, 0, 0);
    cr_assert_float_eq(ric_firm_exit_prob(&k, 1.0, 30, 4, 0, 1), 0.385 * alone, 1e-15 * alone);
    t.w.rules.exit_base_rate = 0;
    const long a = add_firm(&t, 5, 1.0), b = add_firm(&t, 5, 1.0), c = add_firm(&t, 5, 0.5);
    for (long i = 0; i < 3; i++)
        t.w.firms.fitness[i] = 100.0f;
    ric_firms_link_firms(&t.w, RIC_LINK_vertical, (size_t)a, (size_t)b);
    ric_firms_link_firms(&t.w, RIC_LINK_vertical, (size_t)c, (size_t)c); /* no link to itself */
    cr_assert_eq(t.w.firms.link_vertical[c], 0u);
    t.w.step += 10 * 12; /* ten years unused: a knowledge link would have lapsed long ago */
    run_rule(&t, "firms");
    cr_assert_eq(t.w.firms.link_vertical[a], t.w.firms.id[b]);
    cr_assert_eq(t.w.firms.link_vertical[b], t.w.firms.id[a]);
    cr_assert_eq(t.ws->n_linked, 0, "a supplier-buyer link carries no knowledge");
    /* the link ends with its partner */
    t.w.firms.flags[b] |= RIC_FIRM_DEAD;
    const uint32_t dead[] = {(uint32_t)b};
    ric_firms_compact(&t.w, dead, 1);
    cr_assert_eq(t.w.firms.link_vertical[a], 0u);
    free_town(&t);
}

Test(rules, entrants_find_suppliers_in_their_own_region)
{
    const char *sets[] = {"rules.network.vertical_share=1.0"};
    town t;
    make_town(&t, sets, 1);
    for (int j = 0; j < 40; j++) { /* twenty firms in each region */
        const long i =
            ric_firms_append(&t.w, 900u + (uint32_t)j, j % 2, RIC_ORIGIN_STARTUP, 3, 1.0, 0);
        cr_assert_geq(i, 0);
    }
    gsl_rng *r = ric_stream_at(&t.w.stream, 77, 1, RIC_RULE_NEWFIRM);
    size_t linked = 0;
    for (size_t i = 0; i < 40; i++) {
        if (!t.w.firms.link_vertical[i])
            ric_rules_find_supplier(&t.w, i, r);
        const uint32_t p = t.w.firms.link_vertical[i];
        if (!p)
            continue;
        linked++;
        const int32_t j = t.w.firms.index_of[p];
        cr_assert_eq(t.w.firms.region[j], t.w.firms.region[i], "a supplier from another region");
        cr_assert_eq(t.w.firms.link_vertical[j], t.w.firms.id[i], "links are symmetric");
    }
    cr_assert_geq(linked, 30, "%zu of 40 firms found a supplier or buyer", linked);
    const char *none[] = {"rules.network.vertical_share=0"};
    free_town(&t);
    make_town(&t, none, 1);
    for (int j = 0; j < 10; j++)
        add_firm(&t, 3, 1.0);
    r = ric_stream_at(&t.w.stream, 77, 1, RIC_RULE_NEWFIRM); /* the stream of this world */
    for (size_t i = 0; i < 10; i++) {
        ric_rules_find_supplier(&t.w, i, r);
        cr_assert_eq(t.w.firms.link_vertical[i], 0u);
    }
    free_town(&t);
}

/* Local self-reinforcement (Brenner 2001): entry rises with the region's firms towards 1 + s
 * times its base rate, half-way at the critical mass; switched off, nothing changes. */
static double startups_per_step(int firms, const char *strength)
{
    char s[64];
    snprintf(s, sizeof s, "rules.entry.self_reinforcement=%s", strength);
    const char *sets[] = {"regions.town.startup_rate=120.0", "rules.entry.critical_mass=50.0", s,
                          "limits.max_firms=20000"};
    town t;
    make_town(&t, sets, 4);
    for (int k = 0; k < firms; k++)
        add_firm(&t, 5, 1.0);
    long long born = 0;
    const int steps = 240;
    for (int k = 0; k < steps; k++) {
        const size_t before = t.w.firms.n;
        run_rule(&t, "entry");
        born += (long long)(t.w.firms.n - before);
        t.w.firms.n = before; /* the town keeps its size (ids run on): only the rate counts */
        t.w.step++;
    }
    free_town(&t);
    return (double)born / steps;
}

Test(rules, entry_reinforces_itself_above_the_critical_mass_only)
{
    const double base = 120.0 / 12; /* start-ups per monthly step */
    const double off_small = startups_per_step(10, "0"), off_large = startups_per_step(400, "0");
    const double small = startups_per_step(10, "3"), near = startups_per_step(50, "3"),
                 large = startups_per_step(400, "3");
    cr_assert(fabs(off_small - base) < 0.6 && fabs(off_large - base) < 0.6,
              "without reinforcement %g and %g a step, want %g", off_small, off_large, base);
    /* 10 firms against a critical mass of 50: a factor 1.005; 50: 2.5; 400: 4.0 */
    cr_assert(fabs(small - base) < 0.6, "below the critical mass %g, want about %g", small, base);
    cr_assert(fabs(near - 2.5 * base) < 1.2, "at the critical mass %g, want about %g", near,
              2.5 * base);
    cr_assert(fabs(large - 4.0 * base) < 1.5, "above it %g, want about %g", large, 4.0 * base);
}

/* Orders down the chain: a firm hires for network.order_share of its supplier's or buyer's hires,
 * within its region's pool; an unlinked firm and a switched-off share get nothing. */
Test(rules, a_partner_that_hires_passes_orders_down_the_chain)
{
    const char *sets[] = {"rules.network.order_share=0.2"};
    town t;
    make_town(&t, sets, 1);
    const long a = add_firm(&t, 10, 1.0), b = add_firm(&t, 10, 1.0), c = add_firm(&t, 10, 1.0);
    ric_firms_link_firms(&t.w, RIC_LINK_vertical, (size_t)a, (size_t)b);
    long long more = 0;
    const int trials = 400;
    for (int k = 0; k < trials; k++) {
        t.w.regions[0].pool = 1000.0;
        t.w.firms.employees[a] = t.w.firms.employees[b] = t.w.firms.employees[c] = 10;
        t.ws->want[a] = 0, t.ws->want[b] = 37, t.ws->want[c] = 50; /* this step's hires */
        run_rule(&t, "orders");
        const int32_t got = t.w.firms.employees[a] - 10;
        cr_assert(got == 7 || got == 8, "orders brought %d hires for 0.2 x 37", got);
        cr_assert_eq(t.w.firms.employees[b], 10, "b's partner hired nobody");
        cr_assert_eq(t.w.firms.employees[c], 10, "an unlinked firm took orders");
        cr_assert_eq(t.w.regions[0].pool, 1000.0 - got, "the hires come from the pool");
        more += got;
        t.w.step++;
    }
    /* stochastic rounding keeps the mean: 7.4 a step */
    cr_assert(fabs((double)more / trials - 7.4) < 0.1, "mean %g", (double)more / trials);
    /* the pool bounds the orders' hires */
    t.w.regions[0].pool = 3.5;
    t.w.firms.employees[a] = 10;
    run_rule(&t, "orders");
    cr_assert_eq(t.w.firms.employees[a], 13);
    cr_assert_eq(t.w.regions[0].pool, 0.5);
    t.w.rules.order_share = 0;
    run_rule(&t, "orders");
    cr_assert_eq(t.w.firms.employees[a], 13, "orders switched off");
    free_town(&t);
}

/* ---- push and pull of organisation spin-offs ---------------------------------------------- */

/* The institute's staff target falls from 120 to 60: the staff rule releases researchers towards
 * it; with push_share 1 every released researcher founds (with others) a firm instead of joining
 * the pool, with 0 all join the pool; the university, whose target holds, releases nobody. */
static void release_half(double push, int cut, long long *spinoffs, double *pool, int32_t *staff)
{
    char set[64];
    snprintf(set, sizeof set, "rules.spinoff.push_share=%.17g", push);
    const char *sets[] = {set, "rules.staff.rehire_rate=2.0"};
    town t;
    make_town(&t, sets, 2);
    t.w.orgs[0].staff_target = 60;
    t.w.orgs[0].cutting = cut; /* the kind's total falls, or a newcomer took a share */
    const double pool0 = t.w.regions[0].pool;
    for (int m = 0; m < 24; m++, t.w.step++) {
        t.ws->n_births = 0;
        run_rule(&t, "staff");
    }
    *spinoffs = t.w.orgs[0].spinoffs;
    *pool = t.w.regions[0].pool - pool0;
    *staff = t.w.orgs[0].staff;
    long long founders = 0;
    for (size_t i = 0; i < t.w.firms.n; i++) {
        cr_assert_eq(t.w.firms.parent[i], t.w.orgs[0].id, "only the institute releases staff");
        cr_assert_eq(t.w.firms.origin[i], RIC_ORIGIN_INSTITUTE_SPINOFF);
        founders += t.w.firms.employees[i];
    }
    /* every released researcher is a founder or in the pool */
    cr_assert(fabs((double)(120 - *staff) - (double)founders - *pool) < 1e-9,
              "released %d, founders %lld, pool +%g", 120 - *staff, founders, *pool);
    free_town(&t);
}

Test(rules, researchers_an_institute_releases_found_firms_at_the_push_share)
{
    long long k0, k1, kh;
    double p0, p1, ph;
    int32_t s0, s1, sh;
    long long kr;
    double pr;
    int32_t sr;
    release_half(0.0, 1, &k0, &p0, &s0);
    release_half(1.0, 1, &k1, &p1, &s1);
    release_half(0.5, 1, &kh, &ph, &sh);
    release_half(1.0, 0, &kr, &pr, &sr);
    cr_assert_eq(kr, 0, "a reshuffle of shares, not a cut, pushes nobody out");
    cr_assert_eq(pr, p0);
    cr_assert_eq(s0, s1, "the cut is the same");
    cr_assert_lt(s0, 120 - 40, "most of the cut is made in two years (staff %d)", s0);
    cr_assert_eq(k0, 0);
    cr_assert(p0 > 40, "the released researchers join the pool (%g)", p0);
    cr_assert_gt(k1, 10, "%lld spin-offs of the released", k1);
    cr_assert_eq(p1, 0.0, "none joins the pool when all found firms");
    cr_assert(kh > 0 && kh < k1 && ph > 0 && ph < p0, "half: %lld firms, pool +%g", kh, ph);
}

/* The climate covariate multiplies the organisation spin-off hazard by exp(effect * pull): at
 * pull 1 and effect log 3, three times the spin-offs of pull 0 (over many steps). */
static long long spinoffs_at(double pull)
{
    char a[64];
    snprintf(a, sizeof a, "rules.spinoff.pull=%.17g", pull);
    const char *sets[] = {a, "rules.spinoff.pull_effect=1.0986122886681098",
                          "rules.spinoff.institute_rate=0.01", "rules.spinoff.founders_mean=1.0"};
    town t;
    make_town(&t, sets, 4);
    for (int m = 0; m < 240; m++, t.w.step++) {
        t.ws->n_births = 0;
        t.w.orgs[0].staff = 120; /* the population at risk held fixed */
        t.w.orgs[1].staff = 80;
        run_rule(&t, "org_spinoff");
    }
    long long n = t.w.orgs[0].spinoffs;
    free_town(&t);
    return n;
}

Test(rules, the_venture_climate_scales_the_organisation_spinoff_hazard)
{
    const long long base = spinoffs_at(0.0), boom = spinoffs_at(1.0);
    /* 0.01 x 120 x knowledge 3 x 20 years = 72 expected at pull 0, 216 at pull 1 */
    cr_assert(base > 40 && base < 110, "%lld at pull 0", base);
    const double ratio = (double)boom / (double)base;
    cr_assert(ratio > 2.4 && ratio < 3.7, "ratio %g (%lld / %lld)", ratio, boom, base);
}

/* Listings: once a year, firms old and large enough list with probability 1 - exp(-rate x climate);
 * young or small firms never do, nor does anyone between whole years or at rate 0; an
 * organisation's listed child is counted for its parent. */
Test(rules, old_large_firms_list_once_a_year_at_the_listing_rate)
{
    const char *sets[] = {"rules.listing.rate=0.6931471805599453", "rules.listing.min_employees=20",
                          "rules.listing.min_age_years=2.0"};
    town t;
    make_town(&t, sets, 3);
    const size_t n = 400;
    for (size_t j = 0; j < n; j++) {
        const long i = add_firm(&t, j % 2 ? 30 : 10, 1.0);    /* odd: large enough */
        t.w.firms.birth[i] = j % 4 < 2 ? 120 - 36 : 120 - 12; /* j%4 in {0,1}: three years old */
        if (j == 1) {
            t.w.firms.origin[i] = RIC_ORIGIN_INSTITUTE_SPINOFF;
            t.w.firms.parent[i] = t.w.orgs[0].id;
        }
    }
    t.w.step = 121; /* not a year's first step */
    run_rule(&t, "listing");
    for (size_t i = 0; i < n; i++)
        cr_assert(!(t.w.firms.flags[i] & RIC_FIRM_LISTED), "no listing between whole years");
    t.w.step = 120;
    run_rule(&t, "listing");
    size_t listed = 0;
    for (size_t i = 0; i < n; i++) {
        const int eligible = (i % 2) && (i % 4 < 2);
        const int is = (t.w.firms.flags[i] & RIC_FIRM_LISTED) != 0;
        cr_assert(eligible || !is, "firm %zu (%d employees) listed", i, t.w.firms.employees[i]);
        listed += (size_t)is;
    }
    /* 100 eligible at probability 1/2 */
    cr_assert(listed > 30 && listed < 70, "%zu of 100 listed", listed);
    cr_assert_eq(t.w.flow.listings_cum, (long long)listed, "the town is a focus region");
    cr_assert_eq(t.w.orgs[0].spinoffs_listed, (t.w.firms.flags[1] & RIC_FIRM_LISTED) ? 1 : 0);
    /* a listed firm does not list again */
    t.w.step = 132;
    run_rule(&t, "listing");
    cr_assert_geq(t.w.flow.listings_cum, (long long)listed);
    for (size_t i = 0; i < n; i++) /* the young ones are two years old now; the small never list */
        if (!(i % 2))
            cr_assert(!(t.w.firms.flags[i] & RIC_FIRM_LISTED));
    free_town(&t);
}
