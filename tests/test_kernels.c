/* The vector kernels against their references (kernels/kernels.h), bit for bit, on random inputs:
 * many chunks, odd chunk lengths, edge values (employment around the premium table's end and at
 * the 32-bit clamp, negative fitness, lapsing links, incubator rooms, shrinking firms, pools at
 * the edges of their binade) and every elasticity path. A failure names the kernel that parted
 * from its reference: update it, or set its "in use" field to 0 in kernels/kernels.h while it
 * catches up (this test then skips it and says so). */
#include <math.h>

#include <gsl/gsl_rng.h>

#include "support.h"

#include "kernels/kernels.h"
#include "model/firms.h"
#include "model/workspace.h"

#define STALE "; update the kernel or switch it off in sim/kernels/kernels.h"

/* Skips the test when kernel K cannot run here, saying why. */
static void need(ric_kernel k)
{
    const ric_kernel_info *in = &ric_kernel_table[k];
    if (!in->in_use)
        cr_skip_test("kernel %s is switched off in sim/kernels/kernels.h: runs use its "
                     "reference; switch it on again once it matches",
                     in->name);
    if (!(ric_kernels_available() & (1u << k)))
        cr_skip_test("kernel %s needs AVX2, which this CPU lacks", in->name);
}

static uint32_t word(gsl_rng *r)
{
    switch (gsl_rng_uniform_int(r, 8)) { /* the ends of the range now and then */
    case 0:
        return 0;
    case 1:
        return 0xffffffffu;
    default:
        return (uint32_t)gsl_rng_get(r);
    }
}

static double pick(gsl_rng *r, const double *v, size_t n)
{
    return v[gsl_rng_uniform_int(r, n)];
}

static int32_t employees(gsl_rng *r)
{
    static const int32_t edge[] = {1, 2, 3, 4095, 4096, 4097, 20000, 1 << 29, (1 << 30) - 1};
    const unsigned u = (unsigned)gsl_rng_uniform_int(r, 10);
    if (u < 3)
        return edge[gsl_rng_uniform_int(r, sizeof edge / sizeof edge[0])];
    return 1 + (int32_t)gsl_rng_uniform_int(r, u < 8 ? 40 : 3000);
}

/* Random rule parameters within the loader's bounds; UNIT keeps the default elasticities. */
static void random_rules(gsl_rng *r, ric_rules *p, int unit)
{
    static const double el[] = {0.0, 0.5, 1.0, 1.3, 2.0, 3.7};
    p->growth_noise = pick(r, (const double[]){0.0, 0.25, 1.0, 5.0}, 4);
    p->growth_small_premium = pick(r, (const double[]){0.0, 0.3, 2.385}, 3);
    p->growth_base = -0.5 + gsl_rng_uniform(r);
    p->growth_capability = 2.0 * gsl_rng_uniform(r);
    p->fitness_margin = pick(r, (const double[]){0.0, 1.0, 7.5}, 3);
    p->fitness_cost = 2.0 * gsl_rng_uniform(r);
    p->exit_base_rate = pick(r, (const double[]){0.0, 0.15, 3.0, 12.0}, 4);
    p->exit_age_years = pick(r, (const double[]){0.01, 5.0, 40.0}, 3);
    p->exit_size_employees = pick(r, (const double[]){0.01, 10.0, 500.0}, 3);
    p->incubator_exit_factor = gsl_rng_uniform(r);
    p->vertical_exit = gsl_rng_uniform(r);
    p->spinoff_firm_rate = pick(r, (const double[]){0.0, 0.0005, 0.3}, 3);
    p->transfer_rate = pick(r, (const double[]){0.0, 0.1, 12.0}, 3);
    p->capability_drift = gsl_rng_uniform(r);
    p->link_decay_years = pick(r, (const double[]){0.01, 1.0, 3.0}, 3);
    p->incubation_years = pick(r, (const double[]){0.0, 1.0, 3.0}, 3);
    p->exit_capability_elasticity = unit ? 1.0 : pick(r, el, 6);
    p->spinoff_knowledge_elasticity = unit ? 1.0 : pick(r, el, 6);
    p->transfer_absorptive_elasticity = unit ? 1.0 : pick(r, el, 6);
}

Test(kernels, philox8_matches_its_reference)
{
    need(RIC_KERNEL_PHILOX8);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    enum { N = 1031 };
    static uint32_t ids[N], a[4][N], b[4][N];
    for (int trial = 0; trial < 300; trial++) {
        const size_t n = trial < 40 ? (size_t)trial : (size_t)gsl_rng_uniform_int(r, N + 1);
        const uint64_t seed = (uint64_t)word(r) << 32 | word(r);
        const uint32_t step = word(r), rule = word(r);
        for (size_t i = 0; i < n; i++)
            ids[i] = word(r);
        ric_rng_blocks(seed, ids, n, step, rule, a[0], a[1], a[2], a[3]);
        ric_kernel_philox8(seed, ids, n, step, rule, b[0], b[1], b[2], b[3]);
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < 4; k++)
                cr_assert_eq(a[k][i], b[k][i],
                             "kernel philox8 differs from ric_rng_block (base/rng.h): block %zu "
                             "of %zu, word %d" STALE,
                             i, n, k);
    }
    gsl_rng_free(r);
}

/* A chunk of random firm-pass inputs; draws_in holds the inputs it reads, copied per run. */
typedef struct {
    int32_t emp[RIC_CHUNK];
    float cap[RIC_CHUNK], fit[RIC_CHUNK], capn[RIC_CHUNK];
    uint16_t region[RIC_CHUNK];
    uint32_t r[4][RIC_CHUNK];
    int32_t out[RIC_CHUNK], want[RIC_CHUNK];
} chunk_data;

Test(kernels, firm_draws_matches_its_reference)
{
    need(RIC_KERNEL_FIRM_DRAWS);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1973);
    static chunk_data in, got[2];
    static ric_cap_powers pw;
    static double tab[RIC_TAB_N];
    double market[7 * 3], market2[7 * 3];
    static uint8_t sector[RIC_CHUNK];
    const double dts[] = {1.0, 1.0 / 12, 1.0 / 52, 1.0 / 365};
    for (int trial = 0; trial < 400; trial++) {
        ric_rules p = {0};
        random_rules(r, &p, trial % 2);
        ric_firm_consts k;
        ric_firm_consts_init(&k, &p, pick(r, dts, 4));
        for (int32_t a = 0; a < RIC_TAB_N; a++)
            tab[a] = ric_firm_premium(&k, a);
        /* one to three sectors, with one table for both terms or two */
        const int32_t ns = 1 + (int32_t)gsl_rng_uniform_int(r, 3);
        const int two = (int)gsl_rng_uniform_int(r, 2);
        for (int g = 0; g < 7 * 3; g++) {
            market[g] = -1.0 + 2.0 * gsl_rng_uniform(r);
            market2[g] = two ? -1.0 + 2.0 * gsl_rng_uniform(r) : market[g];
        }
        const size_t m = trial < 16 ? (size_t)trial + 1 : 1 + gsl_rng_uniform_int(r, RIC_CHUNK);
        for (size_t j = 0; j < m; j++) {
            in.emp[j] = employees(r);
            in.cap[j] =
                (float)(gsl_rng_uniform_int(r, 6) ? 0.01 + 3.0 * gsl_rng_uniform(r)
                                                  : pick(r, (const double[]){0.01, 1, 100}, 3));
            in.fit[j] =
                (float)(gsl_rng_uniform_int(r, 4) ? -0.05 + 2.0 * gsl_rng_uniform(r)
                                                  : pick(r, (const double[]){-0.0, 0, 1e-30}, 3));
            in.region[j] = (uint16_t)gsl_rng_uniform_int(r, 7);
            sector[j] = (uint8_t)gsl_rng_uniform_int(r, (unsigned long)ns);
            for (int w = 0; w < 4; w++)
                in.r[w][j] = word(r);
            pw.exit[j] = ric_powe(in.cap[j], k.exit_el);
            pw.spin[j] = ric_powe(in.cap[j], k.spin_el);
            pw.tr[j] = ric_powe(in.cap[j], k.tr_el);
        }
        size_t done = 0;
        for (int path = 0; path < 2; path++) {
            chunk_data *d = &got[path];
            *d = in;
            const ric_firm_chunk c = {.m = m,
                                      .emp = d->emp,
                                      .cap = d->cap,
                                      .fit = d->fit,
                                      .region = d->region,
                                      .sector = sector,
                                      .n_sectors = ns,
                                      .market_fit = market,
                                      .market_grow = two ? market2 : market,
                                      .tab_premium = tab,
                                      .r0 = d->r[0],
                                      .r1 = d->r[1],
                                      .r2 = d->r[2],
                                      .r3 = d->r[3],
                                      .pw = k.unit_el ? NULL : &pw,
                                      .out = d->out,
                                      .capn = d->capn,
                                      .want = d->want};
            if (path == 0) {
                ric_firm_draws_by_firm(&k, &c, 0);
            } else {
                done = ric_kernel_firm_draws(&k, &c);
                cr_assert(done <= m);
            }
        }
        for (size_t j = 0; j < done; j++) {
            const char *what = memcmp(&got[0].fit[j], &got[1].fit[j], sizeof(float)) ? "fitness"
                               : got[0].out[j] != got[1].out[j] ? "outcome bits"
                               : memcmp(&got[0].capn[j], &got[1].capn[j], sizeof(float))
                                   ? "capability"
                               : got[0].want[j] != got[1].want[j] ? "wanted change"
                                                                  : NULL;
            cr_assert_null(what,
                           "kernel firm_draws differs from ric_firm_draws_by_firm "
                           "(model/firm_rules.h) in %s of firm %zu of %zu (trial %d, "
                           "employees %d)" STALE,
                           what, j, m, trial, in.emp[j]);
        }
        if (m >= 4)
            cr_assert(done >= m - 3, "firm_draws left %zu of %zu firms", m - done, m);
    }
    gsl_rng_free(r);
}

Test(kernels, firm_flags_matches_its_reference)
{
    need(RIC_KERNEL_FIRM_FLAGS);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2005);
    enum { ORGS = 9 };
    static int32_t org_live[ORGS + 1], last[RIC_LINK_N][RIC_CHUNK], emp[RIC_CHUNK], want[RIC_CHUNK],
        out[2][RIC_CHUNK];
    static uint8_t lmask[2][RIC_CHUNK / 8], rmask[2][RIC_CHUNK / 8];
    static uint16_t incubator[RIC_CHUNK];
    static uint32_t partner[RIC_LINK_N][RIC_CHUNK];
    for (int trial = 0; trial < 400; trial++) {
        ric_rules p = {0};
        random_rules(r, &p, 1);
        ric_firm_consts k;
        ric_firm_consts_init(&k, &p, 1.0 / 12);
        const int32_t step = 40 + (int32_t)gsl_rng_uniform_int(r, 400);
        org_live[0] = 1;
        const int none_left = trial % 3 == 0; /* all live: the kernel's shortcut */
        for (int o = 1; o <= ORGS; o++)
            org_live[o] = none_left || gsl_rng_uniform_int(r, 4) != 0;
        const size_t m = trial < 16 ? (size_t)trial + 1 : 1 + gsl_rng_uniform_int(r, RIC_CHUNK);
        for (size_t j = 0; j < m; j++) {
            for (int kind = 0; kind < RIC_LINK_N; kind++) {
                const int to_org = ric_link_kinds[kind].partner == RIC_TO_ORG;
                partner[kind][j] = gsl_rng_uniform_int(r, 2) ? 0
                                   : to_org ? (uint32_t)gsl_rng_uniform_int(r, ORGS + 1)
                                            : word(r) | 1u;
                /* last use around the decay limit */
                last[kind][j] = step - k.decay - 2 + (int32_t)gsl_rng_uniform_int(r, 5);
            }
            incubator[j] =
                (uint16_t)(gsl_rng_uniform_int(r, 3) ? 0 : 1 + gsl_rng_uniform_int(r, ORGS));
            emp[j] = employees(r);
            want[j] = -emp[j] - 1 + (int32_t)gsl_rng_uniform_int(r, 4);
            if (gsl_rng_uniform_int(r, 2))
                want[j] = (int32_t)gsl_rng_uniform_int(r, 50) - 25;
            out[0][j] = out[1][j] = (int32_t)gsl_rng_uniform_int(r, 8); /* the draws' bits */
        }
        size_t done = 0;
        for (int path = 0; path < 2; path++) {
            ric_flag_chunk c = {.m = m,
                                .org_live = org_live,
                                .incubator = incubator,
                                .emp = emp,
                                .want = want,
                                .out = out[path],
                                .linked = lmask[path],
                                .rare = rmask[path]};
            memset(lmask[path], 0, sizeof lmask[path]);
            memset(rmask[path], 0, sizeof rmask[path]);
            for (int kind = 0; kind < RIC_LINK_N; kind++) {
                c.partner[kind] = partner[kind];
                c.last[kind] = last[kind];
            }
            c.all_live = 1; /* the kernel skips the organisations' gather when all are live */
            for (int o = 1; o <= ORGS; o++)
                c.all_live &= org_live[o];
            if (path == 0)
                ric_firm_flags_by_firm(&k, step, &c, 0);
            else
                done = ric_kernel_firm_flags(&k, step, &c);
        }
        for (size_t j = 0; j < done; j++)
            cr_assert_eq(out[0][j], out[1][j],
                         "kernel firm_flags differs from ric_firm_flags_by_firm "
                         "(model/firm_rules.h) for firm %zu of %zu: bits %d, reference %d" STALE,
                         j, m, out[1][j], out[0][j]);
        for (size_t g = 0; g < done / 8; g++)
            cr_assert(lmask[0][g] == lmask[1][g] && rmask[0][g] == rmask[1][g],
                      "kernel firm_flags differs from ric_firm_flags_by_firm in the masks of "
                      "firms %zu-%zu: linked %02x and rare %02x, reference %02x and %02x" STALE,
                      8 * g, 8 * g + 7, lmask[1][g], rmask[1][g], lmask[0][g], rmask[0][g]);
        if (m >= 8)
            cr_assert(done >= m - 7, "firm_flags left %zu of %zu firms", m - done, m);
    }
    gsl_rng_free(r);
}

/* ---- whole passes on random worlds ------------------------------------------------------- */

static const char *const WORLD =
    "name = \"kernels\"; seed = 77L; time = { start = 2000.0; end = 2010.0; steps_per_year = 12; };"
    "limits = { max_firms = 3000; };"
    "sectors = { it = { }; bio = { demand = 40.0; demand_growth = 0.05; labour_intensity = 1.5;"
    "                              capital_need = 0.3; local_share = 0.5; };"
    "            svc = { demand_growth = -0.02; }; };"
    "regions = { a = { labour_pool = 100.0; }; b = { labour_pool = 1.0; focus = false; };"
    "            c = { labour_pool = 0.0; }; d = { labour_pool = 5.0; focus = false; }; };"
    "organisations = { inst = { kind = \"ri_gvt\"; region = \"a\"; count = 4; staff = 50.0;"
    "                            incubator_rooms = 40; };"
    "                  uni = { kind = \"university\"; region = \"*\"; count = 4; staff = 20.0; }; "
    "};";

typedef struct {
    ric_scenario *sc;
    ric_world w;
    ric_workspace *ws;
} world;

/* A world in a random state, the same for the same SEED; its workspace runs KERNELS. */
static void make_world(world *x, unsigned long seed, unsigned kernels, int unit)
{
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load_string(WORLD, "kernels.cfg", ".", NULL, 0, &x->sc, &err), RIC_OK,
                 "%s", err.msg);
    cr_assert_eq(ric_world_init(&x->w, x->sc, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(ric_workspace_alloc(&x->w, kernels, &x->ws, &err), RIC_OK, "%s", err.msg);
    x->ws->kernels = kernels; /* exactly these, whatever the default selection */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    ric_world *w = &x->w;
    random_rules(r, &w->rules, unit);
    w->step = 100 + (uint32_t)gsl_rng_uniform_int(r, 300);
    for (int o = 0; o < w->n_orgs; o++)
        w->orgs[o].active = gsl_rng_uniform_int(r, 5) != 0;
    for (int g = 0; g < w->n_regions; g++) {
        w->regions[g].p.market_growth = -0.3 + 0.6 * gsl_rng_uniform(r);
        const double pools[] = {0.0, 0.5, 3.0, 1000.25, 0x1p20 - 2.0, 0x1p33 + 0.5, 0x1p51 - 4.0};
        w->regions[g].pool = pick(r, pools, 7);
        if (gsl_rng_uniform_int(r, 3) == 0)
            w->regions[g].pool = 1e4 * gsl_rng_uniform(r);
    }
    if (gsl_rng_uniform_int(r, 8) == 0)
        w->regions[1].pool = gsl_rng_uniform_int(r, 2) ? -2.5 : 0x1p52; /* bound may bind */
    const size_t n = 1 + gsl_rng_uniform_int(r, 2900);
    ric_firms *f = &w->firms;
    for (size_t i = 0; i < n; i++) {
        const int g = (int)gsl_rng_uniform_int(r, (unsigned long)w->n_regions);
        const long j =
            ric_firms_append(w, word(r), g, (ric_origin)gsl_rng_uniform_int(r, RIC_ORIGIN_N),
                             employees(r), 0.05 + 3.0 * gsl_rng_uniform(r), 0);
        cr_assert_geq(j, 0);
        f->fitness[j] = (float)(-0.02 + 1.5 * gsl_rng_uniform(r));
        f->sector[j] = (uint8_t)gsl_rng_uniform_int(r, (unsigned long)w->n_sectors);
        f->birth[j] = (int32_t)w->step - (int32_t)gsl_rng_uniform_int(r, 200);
        f->prog[j] = gsl_rng_uniform_int(r, 3) ? 0u : 1u + (uint32_t)gsl_rng_uniform_int(r, 7);
        f->prog_now[j] =
            gsl_rng_uniform_int(r, 2) ? 0u : f->prog[j] & (uint32_t)gsl_rng_uniform_int(r, 8);
        const int o = (int)gsl_rng_uniform_int(r, (unsigned long)w->n_orgs);
        if (gsl_rng_uniform_int(r, 2))
            f->link_org[j] = (uint32_t)(o + 1);
        f->link_org_last[j] = (int32_t)w->step - (int32_t)gsl_rng_uniform_int(r, 60);
        if (gsl_rng_uniform_int(r, 6) == 0 && w->orgs[0].rooms_used < w->orgs[0].incubator_rooms) {
            f->incubator[j] = 1;
            w->orgs[0].rooms_used++;
        }
    }
    for (size_t i = 0; i + 1 < n; i += 1 + gsl_rng_uniform_int(r, 9))
        ric_firms_link_firms(w, RIC_LINK_peer, i, i + 1);
    for (size_t i = 0; i < n; i++)
        f->link_peer_last[i] -= (int32_t)gsl_rng_uniform_int(r, 60);
    for (size_t i = 0; i + 3 < n; i += 1 + gsl_rng_uniform_int(r, 5)) /* suppliers and buyers */
        ric_firms_link_firms(w, RIC_LINK_vertical, i, i + 3);
    gsl_rng_free(r);
}

static void free_world(world *x)
{
    ric_workspace_free(x->ws);
    ric_world_fini(&x->w);
    ric_scenario_free(x->sc);
}

/* The first difference between two worlds after the same pass, or NULL. */
static long long seen[6]; /* exits, spin-offs, transfers, lapsed links, shrinking, rationed */

static const char *differs(const world *a, const world *b, int hiring)
{
    seen[0] += (long long)a->ws->n_dead;
    seen[1] += (long long)a->ws->n_spinoff_queue;
    seen[2] += (long long)a->ws->n_transfer_queue;
    const ric_firms *f = &a->w.firms, *g = &b->w.firms;
    if (f->n != g->n)
        return "number of firms";
#define RIC_COL(type, name, init, doc)                                                             \
    if (memcmp(f->name, g->name, f->n * sizeof(type)))                                             \
        return "firm column " #name;
    RIC_FIRM_COLUMNS(RIC_COL)
#undef RIC_COL
    if (memcmp(a->ws->want, b->ws->want, f->n * sizeof *a->ws->want))
        return hiring ? "hires" : "wanted change";
    const ric_workspace *u = a->ws, *v = b->ws;
    if (u->n_dead != v->n_dead || memcmp(u->dead, v->dead, u->n_dead * sizeof *u->dead))
        return "list of exits";
    if (u->n_spinoff_queue != v->n_spinoff_queue ||
        memcmp(u->spinoff_queue, v->spinoff_queue, u->n_spinoff_queue * sizeof(uint32_t)))
        return "spin-off queue";
    if (u->n_linked != v->n_linked || memcmp(u->linked, v->linked, u->n_linked * sizeof *u->linked))
        return "list of linked firms";
    if (u->n_transfer_queue != v->n_transfer_queue ||
        memcmp(u->transfer_queue, v->transfer_queue, u->n_transfer_queue * sizeof(uint32_t)))
        return "transfer queue";
    for (int r = 0; r < a->w.n_regions; r++) {
        if (u->demand[r] != v->demand[r])
            return "wanted hires of a region";
        if (memcmp(&a->w.regions[r].pool, &b->w.regions[r].pool, sizeof(double)))
            return "labour pool";
        if (memcmp(&a->w.regions[r].flow, &b->w.regions[r].flow, sizeof a->w.regions[r].flow))
            return "flows of a region (jobs created and destroyed)";
    }
    for (int o = 0; o < a->w.n_orgs; o++)
        if (a->w.orgs[o].rooms_used != b->w.orgs[o].rooms_used)
            return "incubator rooms in use";
    if (memcmp(&a->w.flow, &b->w.flow, sizeof a->w.flow))
        return "flows (jobs created, destroyed, exits, by programme)";
    return NULL;
}

/* Runs the firm pass (and hiring after it when HIRING) on the same random world with the
 * kernels REF and with KERNELS, and compares everything they leave. */
static void check_passes(unsigned ref, unsigned kernels, int hiring, const char *name, int trials)
{
    for (int t = 0; t < trials; t++) {
        world a, b;
        const unsigned long seed = 1000u + (unsigned long)t;
        make_world(&a, seed, ref, t % 2);
        make_world(&b, seed, kernels, t % 2);
        /* hiring's kernel also runs after the reference firm pass (no exact sums: every region
         * firm by firm) */
        if (hiring && t % 3 == 0) {
            a.ws->kernels &= ~(1u << RIC_KERNEL_FIRM_PASS);
            b.ws->kernels &= ~(1u << RIC_KERNEL_FIRM_PASS);
        }
        ric_rule_firms(&a.w, a.ws);
        ric_rule_firms(&b.w, b.ws);
        if (hiring) {
            ric_rule_hiring(&a.w, a.ws);
            ric_rule_hiring(&b.w, b.ws);
        }
        size_t links = 0, fill = 0;
        for (size_t i = 0; i < a.w.firms.n; i++)
            links += a.w.firms.link_org[i] == 0 && a.w.firms.link_peer[i] == 0;
        for (int g = 0; g < a.w.n_regions; g++)
            fill += a.ws->tab_fill[g] < 1.0;
        seen[3] += (long long)links;
        seen[5] += (long long)fill;
        const char *what = differs(&a, &b, hiring);
        cr_assert_null(what,
                       "kernel %s differs from its reference (model/firms.c) in the %s, "
                       "world %d of %zu firms" STALE,
                       name, what, t, a.w.firms.n);
        free_world(&a);
        free_world(&b);
    }
    /* the random worlds reach the rare branches */
    cr_assert(seen[0] > 0 && seen[1] > 0 && seen[2] > 0 && seen[3] > 0,
              "exits %lld, spin-offs %lld, transfers %lld, firms unlinked %lld", seen[0], seen[1],
              seen[2], seen[3]);
    if (hiring)
        cr_assert(seen[5] > 0, "no region rationed its hires");
}

Test(kernels, firm_pass_matches_the_reference_pass)
{
    need(RIC_KERNEL_FIRM_PASS);
    check_passes(0, 1u << RIC_KERNEL_FIRM_PASS, 0, "firm_pass", 60);
}

Test(kernels, firm_pass_with_every_kernel_matches_the_reference_pass)
{
    need(RIC_KERNEL_FIRM_PASS);
    check_passes(0, ric_kernels_available() & ~(1u << RIC_KERNEL_HIRING), 0,
                 "firm_pass (with philox8, firm_draws, firm_flags)", 60);
}

Test(kernels, hiring_matches_the_reference_hiring)
{
    need(RIC_KERNEL_HIRING);
    /* the same firm pass on both sides, so a difference is hiring's */
    const unsigned all = ric_kernels_available();
    check_passes(all & ~(1u << RIC_KERNEL_HIRING), all, 1, "hiring", 90);
}

/* The fast pass visits only draws below ric_firm_exit_bound: that rests on the exit probability
 * never exceeding it for a live firm (age >= 0, employees >= 1) whenever
 * ric_firm_exit_bound_holds. A modeller who adds a hazard term below 1 breaks this test. */
Test(kernels, exit_probability_never_exceeds_the_fast_pass_bound)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    for (int t = 0; t < 200000; t++) {
        ric_rules p = {0};
        random_rules(r, &p, t % 2);
        ric_firm_consts k;
        ric_firm_consts_init(&k, &p, pick(r, (const double[]){1.0, 1.0 / 12, 1.0 / 52}, 3));
        cr_assert(ric_firm_exit_bound_holds(&k));
        const double cap = ric_powe(0.01 + 5.0 * gsl_rng_uniform(r), k.exit_el);
        const int32_t age = (int32_t)gsl_rng_uniform_int(r, 5000);
        const int32_t emp = employees(r);
        const int inc = (int)gsl_rng_uniform_int(r, 2), vert = (int)gsl_rng_uniform_int(r, 2);
        const double pr = ric_firm_exit_prob(&k, cap, age, emp, inc, vert);
        cr_assert(pr <= ric_firm_exit_bound(&k, cap),
                  "exit probability %.17g above the bound %.17g (age %d, employees %d): the "
                  "fast firm pass would miss exits",
                  pr, ric_firm_exit_bound(&k, cap), age, emp);
    }
    gsl_rng_free(r);
}
