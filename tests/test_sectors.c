/* Sectors and markets (doc/MODEL.md 7.6) on tiny worlds: a binding market caps a sector's
 * employment and an unbound one does not; spin-offs keep their parent's field; entrants follow
 * their region's shares; instruments restricted to sectors reach only those firms; the loader's
 * messages. */
#include <math.h>

#include "support.h"

#include "model/sectors.h"
#include "model/workspace.h"

/* Two sectors in one region with plenty of workers: 'capped' has a market of 400 jobs, 'free'
 * none; both start with the same 20 firms of 30 employees. */
static const char *const TWO =
    "name = \"sectors\"; seed = 11L; time = { start = 2000.0; end = 2015.0; steps_per_year = 12;"
    "  output_every = 12; };"
    "sectors = { capped = { label = \"a market that binds\"; demand = 400.0; };"
    "            free = { label = \"no market limit\"; }; };"
    "regions = { town = { labour_pool = 100000.0; pool_inflow_per_year = 20000.0; }; };"
    "firms = { a = { region = \"town\"; count = 20; employees = 30.0; sector = \"capped\"; };"
    "          b = { region = \"town\"; count = 20; employees = 30.0; sector = \"free\"; }; };"
    "rules = { jobs = { growth_base = 0.08; }; };";

static ric_sim *begin(const char *text, const char *const *sets, size_t n)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load_string(text, "sectors.cfg", ".", sets, n, &sc, &err), RIC_OK,
                 "%s", err.msg);
    ric_sim *s = NULL;
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK, "%s", err.msg);
    return s;
}

static void finish(ric_sim *s)
{
    const ric_scenario *sc = ric_sim_world(s)->sc;
    ric_sim_free(s);
    ric_scenario_free((ric_scenario *)sc);
}

static void run_all(ric_sim *s)
{
    ric_err err = {{0}};
    while (!ric_sim_done(s))
        cr_assert_eq(ric_sim_step(s, &err), RIC_OK, "%s", err.msg);
}

static double sector_employment(const ric_world *w, int sector)
{
    double e = 0;
    for (size_t i = 0; i < w->firms.n; i++)
        if (w->firms.sector[i] == sector)
            e += w->firms.employees[i];
    return e;
}

Test(sectors, a_binding_market_caps_the_sector_and_an_open_one_does_not)
{
    ric_sim *s = begin(TWO, NULL, 0);
    run_all(s);
    const ric_world *w = ric_sim_world(s);
    const double capped = sector_employment(w, 0), open = sector_employment(w, 1);
    /* the market holds 400 jobs: employment closes the log gap (at 0.5 a year, capped at 2) */
    cr_assert(capped > 200 && capped < 800, "capped sector employs %g (market 400)", capped);
    cr_assert(open > 2.0 * capped, "open sector employs %g, capped %g", open, capped);
    finish(s);
}

Test(sectors, a_market_growing_faster_lets_the_sector_grow_more)
{
    const char *slow[] = {"sectors.capped.demand_growth=0.0"};
    const char *fast[] = {"sectors.capped.demand_growth=0.1"};
    ric_sim *a = begin(TWO, slow, 1), *b = begin(TWO, fast, 1);
    run_all(a);
    run_all(b);
    const double ea = sector_employment(ric_sim_world(a), 0);
    const double eb = sector_employment(ric_sim_world(b), 0);
    /* 15 years at 10% a year: the market is exp(1.5) = 4.5 times larger */
    cr_assert(eb > 2.5 * ea, "employment %g with a growing market, %g without", eb, ea);
    finish(a);
    finish(b);
}

Test(sectors, without_sectors_the_market_terms_are_the_regions_market_growth)
{
    ric_err err = {{0}};
    ric_scenario *sc = load(TINY, NULL, 0);
    ric_world w;
    cr_assert_eq(ric_world_init(&w, sc, &err), RIC_OK, "%s", err.msg);
    ric_workspace *ws = NULL;
    cr_assert_eq(ric_workspace_alloc(&w, 0, &ws, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(w.n_sectors, 1);
    for (int r = 0; r < w.n_regions; r++)
        w.regions[r].p.market_growth = -0.3 + 0.1 * r;
    ric_markets_update(&w, ws);
    for (int r = 0; r < w.n_regions; r++) {
        cr_assert_eq(ws->tab_market_fit[r], w.regions[r].p.market_growth);
        cr_assert_eq(ws->tab_market_grow[r], w.regions[r].p.market_growth);
    }
    ric_workspace_free(ws);
    ric_world_fini(&w);
    ric_scenario_free(sc);
}

Test(sectors, capital_needs_cost_fitness_and_labour_intensity_scales_growth)
{
    const char *sets[] = {"sectors.free.capital_need=0.5", "sectors.free.labour_intensity=2.0",
                          "sectors.free.local_share=0.5", "sectors.free.demand_growth=0.01"};
    ric_sim *s = begin(TWO, sets, 4);
    ric_world *w = (ric_world *)ric_sim_world(s);
    w->regions[0].p.market_growth = 0.04;
    ric_err err = {{0}};
    ric_workspace *ws = NULL;
    cr_assert_eq(ric_workspace_alloc(w, 0, &ws, &err), RIC_OK, "%s", err.msg);
    ric_markets_update(w, ws);
    const double local = 0.5 * 0.04, term = 0.01;
    cr_assert_float_eq(ws->tab_market_fit[1], local + term - w->rules.fitness_margin * 0.5, 1e-15);
    cr_assert_float_eq(ws->tab_market_grow[1], 2.0 * (local + term), 1e-15);
    ric_workspace_free(ws);
    finish(s);
}

/* Spin-offs keep their parent's field: an institute's, or a parent firm's. */
static const char *const FIELDS =
    "name = \"fields\"; seed = 5L; time = { start = 2000.0; end = 2012.0; steps_per_year = 12; };"
    "sectors = { it = { }; bio = { }; chem = { }; };"
    "regions = { town = { labour_pool = 5000.0; pool_inflow_per_year = 2000.0;"
    "                     startup_rate = 30.0; sector_shares = { chem = 3.0; it = 1.0; }; }; };"
    "organisations = { etri = { kind = \"ri_gvt\"; region = \"town\"; staff = 2000.0;"
    "                           sector = \"bio\"; }; };"
    "firms = { f = { region = \"town\"; count = 300; employees = 20.0; sector = \"it\"; }; };"
    "rules = { spinoff = { institute_rate = 0.002; firm_rate = 0.002; }; };";

Test(sectors, spinoffs_keep_their_parents_field_and_startups_follow_the_shares)
{
    ric_sim *s = begin(FIELDS, NULL, 0);
    ric_err err = {{0}};
    long long inst = 0, firm = 0, firm_same = 0, starts[3] = {0};
    while (!ric_sim_done(s)) {
        cr_assert_eq(ric_sim_step(s, &err), RIC_OK, "%s", err.msg);
        const ric_world *w = ric_sim_world(s);
        size_t n;
        const ric_birth *b = ric_sim_births(s, &n);
        for (size_t k = 0; k < n; k++) {
            if (b[k].parent_kind == RIC_PARENT_FIRM) {
                firm++;
                const int32_t j = w->firms.index_of[b[k].parent];
                firm_same += j >= 0 && w->firms.sector[j] == b[k].sector;
                firm_same += j < 0; /* the parent left in the same step: not checked */
            } else {
                inst++;
                cr_assert_eq(b[k].sector, 1, "an institute spin-off outside the institute's field");
            }
        }
    }
    const ric_world *w = ric_sim_world(s);
    for (size_t i = 0; i < w->firms.n; i++)
        if (w->firms.origin[i] == RIC_ORIGIN_STARTUP)
            starts[w->firms.sector[i]]++;
    cr_assert(inst > 20 && firm > 20, "institute spin-offs %lld, firm spin-offs %lld", inst, firm);
    cr_assert_eq(firm_same, firm, "%lld of %lld firm spin-offs in the parent's sector", firm_same,
                 firm);
    const double total = (double)(starts[0] + starts[1] + starts[2]);
    cr_assert(total > 200, "%g start-ups", total);
    cr_assert_eq(starts[1], 0, "start-ups of a sector without a share");
    const double chem = (double)starts[2] / total; /* shares 3 : 1, so 0.75 */
    cr_assert(fabs(chem - 0.75) < 0.06, "start-ups of chem: %g of all, want 0.75", chem);
    finish(s);
}

/* A programme whose instrument takes only 'bio' firms into its consortia. */
static const char *const FORUM =
    "name = \"forum\"; seed = 9L; time = { start = 2000.0; end = 2004.0; steps_per_year = 12; };"
    "sectors = { it = { }; bio = { }; };"
    "regions = { town = { labour_pool = 5000.0; sector_shares = { it = 1.0; bio = 1.0; }; }; };"
    "firms = { f = { region = \"town\"; count = 400; employees = 10.0; }; };"
    "programmes = { p = { phases = ( { start = 2001.0; end = 2003.0; budget_usd_m = 10.0; } );"
    "  instruments = { forum = { applicants = \"region\"; call = 2000.5; duration_years = 2.0;"
    "    award_usd_m = 2.0; max_winners = 1; consortium_firms = 60;"
    "    eligible = { sectors = [\"bio\"]; }; channels = { links = 10.0; }; }; }; }; };";

Test(sectors, an_instrument_restricted_to_a_sector_reaches_only_its_firms)
{
    ric_sim *s = begin(FORUM, NULL, 0);
    run_all(s);
    const ric_world *w = ric_sim_world(s);
    long long in = 0, bio = 0;
    for (size_t i = 0; i < w->firms.n; i++) {
        bio += w->firms.sector[i] == 1;
        if (w->firms.prog[i]) {
            in++;
            cr_assert_eq(w->firms.sector[i], 1, "a participant outside the instrument's sectors");
        }
    }
    cr_assert(in >= 30, "%lld participants", in);
    cr_assert(bio > 100 && bio < 300, "%lld bio firms of %zu", bio, w->firms.n);
    finish(s);
}

static void fails(const char *text, const char *msg)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    cr_assert_neq(ric_scenario_load_string(text, "s.cfg", ".", NULL, 0, &sc, &err), RIC_OK);
    cr_assert(strstr(err.msg, msg), "message: %s (want %s)", err.msg, msg);
}

#define PLAIN                                                                                      \
    "name = \"x\"; seed = 1L; time = { start = 2000.0; end = 2001.0; };"                           \
    "regions = { r = { labour_pool = 1.0; }; };"

Test(sectors, references_to_sectors_are_checked)
{
    fails(PLAIN
          "firms = { f = { region = \"r\"; count = 1; employees = 1.0; sector = \"it\"; }; };",
          "s.cfg:1: 'firms.f.sector' names a sector, but the scenario defines no 'sectors'");
    fails(PLAIN
          "sectors = { it = { }; };"
          "firms = { f = { region = \"r\"; count = 1; employees = 1.0; sector = \"bio\"; }; };",
          "'firms.f.sector' names no sector (got \"bio\")");
    fails("name = \"x\"; seed = 1L; time = { start = 2000.0; end = 2001.0; };"
          "sectors = { it = { }; };"
          "regions = { r = { labour_pool = 1.0; sector_shares = { it = 0.0; }; }; };",
          "'regions.r.sector_shares' must give some sector a share above 0");
    fails(PLAIN "sectors = { it = { demand_growth = 3.0; }; };", "'sectors.it.demand_growth'");
    fails(PLAIN "sectors = { it = { colour = 1.0; }; };", "unknown key 'sectors.it.colour'");
    fails(PLAIN "sectors = { it = { }; };"
                "events = ( { date = 2000.5; type = \"set\"; key = \"sectors.bio.demand\";"
                "             value = 1.0; } );",
          "names no settable parameter");
}

Test(sectors, a_dated_event_sets_a_sector_parameter)
{
    const char *const text = "name = \"x\"; seed = 1L; time = { start = 2000.0; end = 2003.0; };"
                             "sectors = { it = { }; svc = { }; };"
                             "regions = { r = { labour_pool = 1.0; }; };"
                             "events = ( { date = 2001.0; until = 2002.0; type = \"set\";"
                             "             key = \"sectors.*.demand_growth\"; value = 0.2; } );";
    ric_sim *s = begin(text, NULL, 0);
    ric_err err = {{0}};
    const ric_world *w = ric_sim_world(s);
    while (!ric_sim_done(s)) {
        cr_assert_eq(ric_sim_step(s, &err), RIC_OK, "%s", err.msg);
        const double t = ric_world_time(w, w->step - 1) + 1e-9;
        const double want = t >= 2001.0 && t < 2002.0 ? 0.2 : 0.0;
        cr_assert_eq(w->sectors[0].p.demand_growth, want, "at %g", t);
        cr_assert_eq(w->sectors[1].p.demand_growth, want, "at %g", t);
    }
    finish(s);
}

/* The creative what-if restricts every DST instrument's firms to creative and service firms, and
 * changes nothing else (the KICOX instruments act on the pilots and keep theirs). */
Test(sectors, the_creative_variant_redirects_the_dst_programmes_only)
{
    ric_scenario *a = load(DAEDEOK, NULL, 0);
    ric_scenario *b = load(RIC_SOURCE_DIR "/scenarios/daedeok_creative.cfg", NULL, 0);
    const int creative = ric_scenario_sector(b, "creative"),
              services = ric_scenario_sector(b, "services");
    cr_assert(creative >= 0 && services >= 0);
    const uint32_t want = 1u << creative | 1u << services;
    cr_assert_eq(a->n_programmes, b->n_programmes);
    int redirected = 0;
    for (int p = 0; p < b->n_programmes; p++) {
        const ric_programme_spec *pa = &a->programmes[p], *pb = &b->programmes[p];
        cr_assert_eq(pa->n_phases, pb->n_phases);
        for (int k = 0; k < pa->n_phases; k++)
            cr_assert_eq(pa->phases[k].budget_usd_m, pb->phases[k].budget_usd_m, "%s", pb->name);
        for (int i = 0; i < pb->n_instruments; i++) {
            cr_assert_eq(pa->instruments[i].sectors, 0u);
            const int kicox = strcmp(pb->name, "kicox") == 0;
            cr_assert_eq(pb->instruments[i].sectors, kicox ? 0u : want, "%s.%s", pb->name,
                         pb->instruments[i].name);
            redirected += !kicox;
        }
    }
    cr_assert_geq(redirected, 5);
    ric_scenario_free(a);
    ric_scenario_free(b);
}

Test(sectors, an_override_sets_a_list_of_names)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    const char *list[] = {"programmes.p.instruments.forum.eligible.sectors=[\"it\", \"bio\"]"};
    cr_assert_eq(ric_scenario_load_string(FORUM, "t.cfg", ".", list, 1, &sc, &err), RIC_OK, "%s",
                 err.msg);
    cr_assert_eq(sc->programmes[0].instruments[0].sectors, 3u);
    ric_scenario_free(sc);
    const char *one[] = {"programmes.p.instruments.forum.eligible.sectors=[\"it\"]"};
    cr_assert_eq(ric_scenario_load_string(FORUM, "t.cfg", ".", one, 1, &sc, &err), RIC_OK, "%s",
                 err.msg);
    cr_assert_eq(sc->programmes[0].instruments[0].sectors, 1u);
    ric_scenario_free(sc);
    sc = NULL;
    const char *bad[] = {"regions.town.labour_pool=[\"a\"]"};
    cr_assert_neq(ric_scenario_load_string(FORUM, "t.cfg", ".", bad, 1, &sc, &err), RIC_OK);
    cr_assert(strstr(err.msg, "'regions.town.labour_pool' is not a list"), "%s", err.msg);
    const char *open_list[] = {"programmes.p.instruments.forum.eligible.sectors=[\"it"};
    cr_assert_neq(ric_scenario_load_string(FORUM, "t.cfg", ".", open_list, 1, &sc, &err), RIC_OK);
    cr_assert(strstr(err.msg, "takes a list"), "%s", err.msg);
}
