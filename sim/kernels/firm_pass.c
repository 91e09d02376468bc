/* Kernel firm_pass: the firm pass of model/firms.c in chunks of RIC_CHUNK firms. For each chunk
 * one Philox block per firm is drawn (word 0 exit, 1 spin-off, 2 transfer, 3 growth shock and
 * rounding), every firm's arithmetic is done without a branch (the firm_draws kernel, or the
 * firm_rules.h functions in a loop) and the rare outcomes flagged (firm_flags likewise), then a
 * scalar pass visits the flagged firms only, in order, and does there what the reference does.
 * No rule is written here: the per-firm functions are firm_rules.h's. */
#include <assert.h>
#include <string.h>

#include "kernels/kernels.h"

void ric_firm_draws_by_firm(const ric_firm_consts *k, const ric_firm_chunk *c, size_t c0)
{
    for (size_t j = c0; j < c->m; j++) {
        const size_t key = (size_t)c->region[j] * (size_t)c->n_sectors + c->sector[j];
        const double cap = c->cap[j], mk_fit = c->market_fit[key], mk = c->market_grow[key];
        const int32_t emp = c->emp[j];
        const double cap_exit = c->pw ? c->pw->exit[j] : 1.0 / cap;
        const double cap_spin = c->pw ? c->pw->spin[j] : cap;
        const double cap_tr = c->pw ? c->pw->tr[j] : cap;
        const float fit = ric_firm_fitness(k, c->fit[j], cap, mk_fit);
        c->fit[j] = fit;
        const int exit = (fit < 0.0f) | (ric_u01(c->r0[j]) < ric_firm_exit_bound(k, cap_exit));
        const int spin = ric_firm_spins(k, emp, cap_spin, ric_u01(c->r1[j]));
        const int tr = ric_firm_asks_transfer(k, cap_tr, ric_u01(c->r2[j]));
        c->out[j] = exit * RIC_DRAW_EXIT + spin * RIC_DRAW_SPIN + tr * RIC_DRAW_TRANSFER;
        c->capn[j] = ric_firm_drift(k, cap);
        c->want[j] = ric_firm_want(k, emp, cap, mk, ric_firm_premium(k, emp), c->r3[j]);
    }
}

void ric_firm_flags_by_firm(const ric_firm_consts *k, int32_t step, const ric_flag_chunk *c,
                            size_t c0)
{
    for (size_t j = c0; j < c->m; j++) {
        int32_t bits = 0;
        for (int kind = 0; kind < RIC_LINK_N; kind++) {
            const ric_link_info *in = &ric_link_kinds[kind];
            const uint32_t partner = c->partner[kind][j];
            const int active = in->partner == RIC_TO_FIRM || c->org_live[partner];
            const int ends = ric_firm_link_lapses(k, in->lapses, step, c->last[kind][j], active);
            bits |= ((partner != 0) & ends) * (RIC_DRAW_LINK << kind) |
                    ((partner != 0) & !ends & in->knowledge) * RIC_DRAW_LINKED;
        }
        const int shrinks = c->emp[j] + c->want[j] < 1;
        c->out[j] |= bits | (c->incubator[j] != 0) * RIC_DRAW_INCUBATOR | shrinks * RIC_DRAW_SHRINK;
        c->linked[j / 8] |= (uint8_t)(((c->out[j] & RIC_DRAW_LINKED) != 0) << (j % 8));
        c->rare[j / 8] |= (uint8_t)(((c->out[j] & ~RIC_DRAW_LINKED) != 0) << (j % 8));
    }
}

void ric_kernel_firm_pass(ric_world *w, ric_workspace *ws, const ric_firm_consts *k)
{
    ric_firms *f = &w->firms;
    const int32_t step = (int32_t)w->step;
    const uint64_t seed = w->sc->seed;
    const size_t n = f->n, n_regions = (size_t)w->n_regions;
    const unsigned kn = ws->kernels;
    const ric_link_columns lk = ric_firms_links(f);
    if (!(ws->tab_premium_of == k->premium)) { /* rebuilt when an event changes the premium */
        for (int32_t a = 0; a < RIC_TAB_N; a++)
            ws->tab_premium[a] = ric_firm_premium(k, a);
        ws->tab_premium_of = k->premium;
    }
    /* one table serves both terms where they agree everywhere (always without sectors) */
    const size_t n_keys = n_regions * (size_t)w->n_sectors;
    const double *market_grow =
        memcmp(ws->tab_market_fit, ws->tab_market_grow, n_keys * sizeof(double)) == 0
            ? ws->tab_market_fit
            : ws->tab_market_grow;
    int32_t *org_live = ws->tab_org_live;
    org_live[0] = 1;
    int all_live = 1;
    for (int o = 0; o < w->n_orgs; o++)
        all_live &= (org_live[o + 1] = w->orgs[o].active != 0);

    /* the positive parts of want (demand), by lane and region; integer sums, so lanes and
     * order do not change them */
    long long *demand = ws->lane_demand;
    memset(demand, 0, n_regions * RIC_LANES * sizeof *demand);
    long long *lane[RIC_LANES];
    for (size_t l = 0; l < RIC_LANES; l++)
        lane[l] = demand + l * n_regions;
    uint32_t *spin_q = ws->spinoff_queue, *tr_q = ws->transfer_queue, *dead = ws->dead,
             *linked = ws->linked;
    size_t n_spin = 0, n_tr = 0, n_dead = 0, n_linked = 0;
    uint32_t r0[RIC_CHUNK], r1[RIC_CHUNK], r2[RIC_CHUNK], r3[RIC_CHUNK];
    int32_t out[RIC_CHUNK], want[RIC_CHUNK];
    float capn[RIC_CHUNK], capo[RIC_CHUNK];
    uint16_t flagged[RIC_CHUNK];
    uint8_t linked_mask[RIC_CHUNK / 8], rare_mask[RIC_CHUNK / 8];
    ric_cap_powers pw;
    for (size_t i0 = 0; i0 < n; i0 += RIC_CHUNK) {
        const size_t m = n - i0 < RIC_CHUNK ? n - i0 : RIC_CHUNK;
        if (kn & (1u << RIC_KERNEL_PHILOX8))
            ric_kernel_philox8(seed, f->key + i0, m, w->step, RIC_RULE_FIRM, r0, r1, r2, r3);
        else
            ric_rng_blocks(seed, f->key + i0, m, w->step, RIC_RULE_FIRM, r0, r1, r2, r3);
        if (!k->unit_el)
            for (size_t c = 0; c < m; c++) {
                const double cap = f->capability[i0 + c];
                pw.exit[c] = ric_powe(cap, k->exit_el);
                pw.spin[c] = ric_powe(cap, k->spin_el);
                pw.tr[c] = ric_powe(cap, k->tr_el);
            }
        const ric_firm_chunk ch = {
            .m = m,
            .emp = f->employees + i0,
            .cap = f->capability + i0,
            .fit = f->fitness + i0,
            .region = f->region + i0,
            .sector = f->sector + i0,
            .n_sectors = w->n_sectors,
            .market_fit = ws->tab_market_fit,
            .market_grow = market_grow,
            .tab_premium = ws->tab_premium,
            .r0 = r0,
            .r1 = r1,
            .r2 = r2,
            .r3 = r3,
            .pw = k->unit_el ? NULL : &pw,
            .out = out,
            .capn = capn,
            .want = want,
        };
        size_t done = 0;
        if (kn & (1u << RIC_KERNEL_FIRM_DRAWS))
            done = ric_kernel_firm_draws(k, &ch);
        ric_firm_draws_by_firm(k, &ch, done);
        ric_flag_chunk fl = {
            .m = m,
            .org_live = org_live,
            .all_live = all_live,
            .incubator = f->incubator + i0,
            .emp = f->employees + i0,
            .want = want,
            .out = out,
            .linked = linked_mask,
            .rare = rare_mask,
        };
        memset(linked_mask, 0, sizeof linked_mask);
        memset(rare_mask, 0, sizeof rare_mask);
        for (int kind = 0; kind < RIC_LINK_N; kind++) {
            fl.partner[kind] = lk.partner[kind] + i0;
            fl.last[kind] = lk.last[kind] + i0;
        }
        done = 0;
        if (kn & (1u << RIC_KERNEL_FIRM_FLAGS))
            done = ric_kernel_firm_flags(k, step, &fl);
        ric_firm_flags_by_firm(k, step, &fl, done);

        /* commit the common outcome; the scalar pass below undoes it for the firms that exit */
        memcpy(capo, f->capability + i0, m * sizeof *capo);
        memcpy(f->capability + i0, capn, m * sizeof *capn);
        memcpy(ws->want + i0, want, m * sizeof *want);
        const uint16_t *restrict region = f->region + i0;
        size_t j = 0;
        for (; j + RIC_LANES <= m; j += RIC_LANES)
            for (size_t l = 0; l < RIC_LANES; l++)
                lane[l][region[j + l]] += want[j + l] > 0 ? want[j + l] : 0;
        for (; j < m; j++)
            demand[region[j]] += want[j] > 0 ? want[j] : 0;
        /* the linked firms (the spillover phase's list; it skips those that exit) and the
         * firms with a rare outcome, each in order, without a branch: a linked firm is no
         * reason to visit a firm in the scalar pass below */
        /* the linked firms (the spillover phase's list; it skips those that exit) and the
         * firms with a rare outcome, each in order, from the masks: a knowledge link is no
         * reason to visit a firm in the scalar pass below */
        size_t n_flagged = 0;
        for (size_t g = 0; g < (m + 7) / 8; g++) {
            for (unsigned b = linked_mask[g]; b; b &= b - 1)
                linked[n_linked++] = (uint32_t)(i0 + 8 * g + (size_t)__builtin_ctz(b));
            for (unsigned b = rare_mask[g]; b; b &= b - 1)
                flagged[n_flagged++] = (uint16_t)(8 * g + (size_t)__builtin_ctz(b));
        }
        for (size_t q = 0; q < n_flagged; q++) {
            const size_t c = flagged[q], i = i0 + c;
            const int o = out[c];
            for (int kind = 0; kind < RIC_LINK_N; kind++)
                if (o & (RIC_DRAW_LINK << kind))
                    lk.partner[kind][i] = 0;
            const int32_t age = step - f->birth[i];
            if ((o & RIC_DRAW_INCUBATOR) && ric_firm_leaves_incubator(k, age)) {
                w->orgs[f->incubator[i] - 1].rooms_used--;
                f->incubator[i] = 0;
            }
            /* exit candidates: the exact probability, below the bound the draws were held to */
            if (o & RIC_DRAW_EXIT) {
                int leaves = f->fitness[i] < 0.0f;
                if (!leaves) {
                    const double cap = capo[c];
                    const double cap_exit = k->unit_el ? 1.0 / cap : pw.exit[c];
                    const double p =
                        ric_firm_exit_prob(k, cap_exit, age, f->employees[i], f->incubator[i] != 0,
                                           f->link_vertical[i] != 0);
                    assert(p <= ric_firm_exit_bound(k, cap_exit)); /* firm_rules.h's proof */
                    leaves = ric_u01(r0[c]) < p;
                }
                if (leaves) {
                    f->flags[i] |= RIC_FIRM_DEAD;
                    f->capability[i] = capo[c]; /* unchanged by a firm that leaves */
                    demand[f->region[i]] -= want[c] & ~(want[c] >> 31);
                    ws->want[i] = 0;
                    dead[n_dead++] = (uint32_t)i;
                    continue;
                }
            }
            if (o & RIC_DRAW_SPIN)
                spin_q[n_spin++] = (uint32_t)i;
            if (o & RIC_DRAW_TRANSFER)
                tr_q[n_tr++] = (uint32_t)i;
            if (o & RIC_DRAW_SHRINK) { /* an exit (its want is negative: no demand to undo) */
                f->flags[i] |= RIC_FIRM_DEAD;
                ws->want[i] = 0;
                dead[n_dead++] = (uint32_t)i;
            }
        }
    }
    for (size_t r = 0; r < n_regions; r++)
        for (size_t l = 0; l < RIC_LANES; l++)
            ws->demand[r] += demand[l * n_regions + r];
    ws->n_spinoff_queue = n_spin;
    ws->n_transfer_queue = n_tr;
    ws->n_dead = n_dead;
    ws->n_linked = n_linked;
}
