/* The programme engine: budgets bind by calendar year, reviews cancel, cut and re-award, money
 * arrives after the disbursement delay and never exceeds the commitment, channels act on members,
 * and KRW awards are converted at the scenario's rate. */
#include <glob.h>
#include <math.h>

#include "support.h"

/* Budget net of overhead over all of programme P's phases, US$ million, from the scenario alone. */
static double total_available(const ric_scenario *sc, int p)
{
    const ric_programme_spec *ps = &sc->programmes[p];
    double b = 0;
    for (int j = 0; j < ps->n_phases; j++)
        b += ps->phases[j].budget_usd_m * (ps->phases[j].end - ps->phases[j].start);
    return b * (1.0 - ps->overhead);
}

/* The tiny grant (ten winners wanted, money for three) and a second programme whose 2002 budget,
 * US$4M, fits three half-year awards of US$2.5M/yr out of six wanted: demand exceeds money in
 * both, and after every step no programme has committed more than it has, in any calendar year
 * or in all. */
#define SECOND_PROGRAMME                                                                           \
    "programmes = {\n"                                                                             \
    "  forum = {\n"                                                                                \
    "    phases = ( { start = 2001.5; end = 2004.5; budget_usd_m = 4.0; } );\n"                    \
    "    overhead = 0.0;\n"                                                                        \
    "    instruments = { calls = { applicants = \"firm\"; call = 2002.0; deadline_months = 1.0;\n" \
    "      start_delay_months = 0.0; duration_years = 0.5; award_usd_m = 2.5; max_winners = 6;\n"  \
    "      channels = { links = 0.5; }; }; };\n"                                                   \
    "  };\n"

Test(programme, the_budget_binds)
{
    char *tiny = slurp(TINY);
    char *pos = strstr(tiny, "programmes = {\n");
    cr_assert_not_null(pos);
    size_t head = (size_t)(pos - tiny), skip = strlen("programmes = {\n");
    char *text = malloc(strlen(tiny) + strlen(SECOND_PROGRAMME) + 1);
    memcpy(text, tiny, head);
    strcpy(text + head, SECOND_PROGRAMME);
    strcat(text, pos + skip);
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load_string(text, "tiny_two.cfg", NULL, NULL, 0, &sc, &err), RIC_OK,
                 "%s", err.msg);
    cr_assert_eq(sc->n_programmes, 2);
    int grant = strcmp(sc->programmes[0].name, "grant") == 0 ? 0 : 1;
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    int first_round[2] = {-1, -1}, first_cancelled = -1, first_cut = -1;
    while (!ric_sim_done(s)) {
        step(s);
        const ric_programmes *pg = ric_sim_programmes(s);
        cr_assert(ric_programmes_max_overcommit(pg) <= 1e-9,
                  "a calendar year or an award is overcommitted by %g at step %d",
                  ric_programmes_max_overcommit(pg), w->step);
        for (int p = 0; p < sc->n_programmes; p++) {
            ric_programme_totals t;
            ric_programmes_totals(pg, p, &t);
            cr_assert(t.committed_usd_m <= total_available(sc, p) + 1e-9,
                      "%s committed %g of %g at step %d", sc->programmes[p].name, t.committed_usd_m,
                      total_available(sc, p), w->step);
            cr_assert(t.spent_usd_m <= t.committed_usd_m + 1e-9 || t.cancelled + t.cut > 0,
                      "%s spent %g of %g", sc->programmes[p].name, t.spent_usd_m,
                      t.committed_usd_m);
            if (first_round[p] < 0 && t.awards_made > 0)
                first_round[p] = t.awards_made;
            if (p == grant && first_cancelled < 0 && t.cancelled + t.cut > 0) {
                first_cancelled = t.cancelled;
                first_cut = t.cut;
            }
        }
    }
    /* the money, not the applicants, limited the first round: a cohort of 150 firms applied */
    cr_assert(sc->n_firms == 1 && sc->firms[0].count == 150);
    for (int p = 0; p < 2; p++)
        cr_assert(first_round[p] > 0 &&
                      first_round[p] < sc->programmes[p].instruments[0].max_winners,
                  "%s: %d awards in its first round", sc->programmes[p].name, first_round[p]);
    /* ten winners were wanted, US$9M a year allows three awards of US$3M */
    cr_assert_eq(first_round[grant], 3);
    /* six wanted, US$4M in 2002 allows three half-year awards of US$2.5M/yr */
    cr_assert_eq(first_round[1 - grant], 3, "forum: %d", first_round[1 - grant]);
    ric_programme_totals t;
    ric_programmes_totals(ric_sim_programmes(s), grant, &t);
    /* the first review cancels 34% and cuts 34% of three awards: one each */
    cr_assert_eq(first_cancelled, 1);
    cr_assert_eq(first_cut, 1);
    cr_assert(t.awards_made > 3, "the review's leftover is re-awarded (made %d)", t.awards_made);
    /* 3 years of overhead at 10% of US$10M */
    cr_assert(fabs(t.overhead_usd_m - 3.0) < 1e-9, "overhead %g", t.overhead_usd_m);
    ric_sim_free(s);
    ric_scenario_free(sc);
    free(text);
    free(tiny);
}

Test(programme, money_waits_for_the_disbursement_delay)
{
    /* the tiny grant: selection at 2001 + 2 months, start 1 month later; a 6-month delay */
    const char *sets[] = {"programmes.grant.disbursement_delay_months=6.0"};
    ric_scenario *sc = load(TINY, sets, 1);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    const double start_t = 2001.0 + 3.0 / 12, delay = 0.5;
    while (!ric_sim_done(s)) {
        double t = ric_world_time(w, w->step);
        step(s);
        ric_programme_totals tot;
        ric_programmes_totals(ric_sim_programmes(s), 0, &tot);
        if (t < start_t + delay - 1e-9)
            cr_assert_eq(tot.spent_usd_m, 0.0, "spent %g at %g", tot.spent_usd_m, t);
        else if (t < 2002.0)
            cr_assert(tot.spent_usd_m > 0, "nothing spent at %g", t);
    }
    ric_sim_free(s);
    ric_scenario_free(sc);
}

Test(programme, awards_in_won_are_converted_at_the_scenario_rate)
{
    /* 3.432 billion KRW at 1144 KRW/US$ is US$3M: still exactly three awards fit */
    const char *sets[] = {"fx_krw_per_usd=1144.0",
                          "programmes.grant.instruments.calls.award_krw_bn=3.432"};
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    /* giving both currencies is refused ... */
    cr_assert_eq(ric_scenario_load(TINY, sets, 2, &sc, &err), RIC_ESCENARIO);
    cr_assert(strstr(err.msg, "gives both 'award_usd_m' and 'award_krw_bn'") != NULL, "%s",
              err.msg);
    /* ... so the variant removes the dollar amount first */
    char *text = slurp(TINY);
    char *pos = strstr(text, "award_usd_m = 3.0;");
    cr_assert_not_null(pos);
    memcpy(pos, "                  ", 18);
    cr_assert_eq(ric_scenario_load_string(text, "tiny_krw.cfg", NULL, sets, 2, &sc, &err), RIC_OK,
                 "%s", err.msg);
    cr_assert(fabs(sc->programmes[0].instruments[0].award_usd_m - 3.0) < 1e-12);
    ric_sim *s = start(sc);
    int made = 0;
    while (!ric_sim_done(s) && made == 0) {
        step(s);
        ric_programme_totals t;
        ric_programmes_totals(ric_sim_programmes(s), 0, &t);
        made = t.awards_made;
    }
    cr_assert_eq(made, 3);
    ric_sim_free(s);
    ric_scenario_free(sc);
    free(text);
}

Test(programme, the_capability_channel_raises_winners_above_the_rest)
{
    const char *sets[] = {"programmes.grant.instruments.calls.channels.capability=0.5",
                          "programmes.grant.instruments.calls.ranking.quality=0.0",
                          "programmes.grant.instruments.calls.ranking.match=0.0"};
    ric_scenario *sc = load(TINY, sets, 3);
    ric_sim *s = start(sc);
    long cp = col(s, "capability_participant"), cn = col(s, "capability_nonparticipant"),
         fp = col(s, "firms_participant");
    double *v = calloc(ric_sim_ncols(s), sizeof *v);
    const ric_world *w = ric_sim_world(s);
    while (ric_world_time(w, w->step) < 2003.0 - 1e-9)
        step(s);
    ric_sim_row(s, v);
    /* winners chosen by chance alone, then US$3M/yr x 0.5 capability per US$M for ~1.5 years */
    cr_assert(v[fp] >= 3, "participants %g", v[fp]);
    cr_assert(v[cp] > v[cn] + 1.0, "participants %g, others %g", v[cp], v[cn]);
    free(v);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

Test(programme, the_national_budget_binds_for_every_programme)
{
    ric_scenario *sc =
        load(RIC_SOURCE_DIR "/scenarios/national.cfg", (const char *[]){"time.end=2010.0"}, 1);
    ric_sim *s = start(sc);
    while (!ric_sim_done(s))
        step(s);
    const ric_programmes *pg = ric_sim_programmes(s);
    cr_assert(ric_programmes_max_overcommit(pg) <= 1e-9);
    ric_programme_totals t;
    ric_programmes_totals(pg, 0, &t); /* NURI: 111 projects in 2004 (data/programs.tsv) */
    cr_assert(t.awards_made >= 111, "NURI made %d awards", t.awards_made);
    cr_assert(t.spent_usd_m <= t.committed_usd_m + 1e-9);
    /* the seed's scale: 111 projects commit nearly all of five years at US$260M less 5%, from
     * their start in May 2004 (4.67 of the 5 years) less the reviews' cuts */
    const double net = 260.0 * 5.0 * 0.95;
    cr_assert(t.committed_usd_m > 0.87 * net && t.committed_usd_m <= net + 1e-9,
              "NURI committed %g of %g", t.committed_usd_m, net);
    ric_sim_free(s);
    ric_scenario_free(sc);

    /* so a fifth less money funds fewer projects: the budget binds, not only the counts */
    sc = load(RIC_SOURCE_DIR "/scenarios/national.cfg",
              (const char *[]){"time.end=2005.0", "programmes.nuri.phases.[0].budget_usd_m=208.0"},
              2);
    s = start(sc);
    while (!ric_sim_done(s))
        step(s);
    ric_programmes_totals(ric_sim_programmes(s), 0, &t);
    cr_assert(t.awards_made < 111 && t.awards_made > 60, "NURI made %d awards on US$208M",
              t.awards_made);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* ---- one test per channel --------------------------------------------------------------------
 * A university wins the only award (US$2.5M/yr, mid-2000 to mid-2003, ten consortium firms); the
 * channel under test has a non-zero coefficient, every other one is 0, and the same scenario with
 * that coefficient 0 too (same seed) is the pair. The winner, its consortium and the money do not
 * depend on the channels (selection comes before any channel acts), and the graduate flow depends
 * only on the university and its graduates boost: both are compared exactly. */
#define CHANNEL_SCENARIO                                                                           \
    "name = \"channel\";\n"                                                                        \
    "seed = 4711L;\n"                                                                              \
    "time = { start = 2000.0; end = 2004.0; steps_per_year = 12; output_every = 12; };\n"          \
    "regions = { town = { labour_pool = 800.0; pool_inflow_per_year = 200.0; startup_rate = 2.0; " \
    "}; };\n"                                                                                      \
    "organisations = { uni = { kind = \"university\"; region = \"town\"; staff = 300.0;\n"         \
    "  knowledge = 1.5; graduates_per_year = 60.0; tto_per_year = 4.0; }; };\n"                    \
    "firms = { local = { region = \"town\"; count = 120; employees = 9.5; }; };\n"                 \
    "rules = { spinoff = { university_rate = 0.005; firm_rate = 0.001; }; };\n"                    \
    "programmes = { p = {\n"                                                                       \
    "  phases = ( { start = 2000.5; end = 2004.0; budget_usd_m = 3.0; } );\n"                      \
    "  overhead = 0.0;\n"                                                                          \
    "  instruments = { i = { applicants = \"university\"; call = 2000.5; deadline_months = 1.0;\n" \
    "    start_delay_months = 0.0; duration_years = 3.0; award_usd_m = 2.5; max_winners = 1;\n"    \
    "    consortium_firms = 10;\n"                                                                 \
    "    channels = { spinoff = 0.0; transfer = 0.0; graduates = 0.0; links = 0.0;\n"              \
    "                 capability = 0.0; }; }; };\n"                                                \
    "}; };\n"

enum {
    CH_SPINOFFS,
    CH_TRANSFERS,
    CH_GRADUATES,
    CH_POOL,
    CH_LINKS,
    CH_VERTICAL,
    CH_CAPABILITY,
    CH_SPENT,
    CH_N
};

/* What one run of the channel scenario did: flows summed over the yearly rows, stocks at the
 * row of 2003.0 (the award's last full year) or at the end. */
typedef struct {
    double v[CH_N];
} channel_run;

static channel_run run_channel(const char *channel, double coef)
{
    char set[128];
    snprintf(set, sizeof set, "programmes.p.instruments.i.channels.%s=%.17g", channel, coef);
    const char *sets[] = {set};
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(
        ric_scenario_load_string(CHANNEL_SCENARIO, "channel.cfg", NULL, sets, 1, &sc, &err), RIC_OK,
        "%s", err.msg);
    ric_sim *s = start(sc);
    long c_sp = col(s, "spinoffs_cum_university"), c_tr = col(s, "transfers_cum"),
         c_gr = col(s, "graduates"), c_pool = col(s, "labour_pool"),
         c_links = col(s, "links_firm_firm"), c_vert = col(s, "links_vertical"),
         c_cap = col(s, "capability_participant"), c_spent = col(s, "p_spent_usd_m");
    double *row = calloc(ric_sim_ncols(s), sizeof *row);
    channel_run r = {{0}};
    const ric_world *w = ric_sim_world(s);
    while (!ric_sim_done(s)) {
        step(s);
        if (!ric_sim_output_due(s))
            continue;
        ric_sim_row(s, row);
        r.v[CH_GRADUATES] += row[c_gr];
        r.v[CH_SPINOFFS] = row[c_sp];
        r.v[CH_TRANSFERS] = row[c_tr];
        r.v[CH_POOL] = row[c_pool];
        r.v[CH_SPENT] = row[c_spent];
        if (fabs(ric_world_time(w, w->step) - 2003.0) < 1e-9) {
            r.v[CH_LINKS] = row[c_links];
            r.v[CH_VERTICAL] = row[c_vert];
            r.v[CH_CAPABILITY] = row[c_cap];
        }
    }
    free(row);
    ric_sim_free(s);
    ric_scenario_free(sc);
    return r;
}

/* Runs CHANNEL at COEF and at 0; TARGET must grow. Returns both runs in on and off. */
static void pair_channel(const char *channel, double coef, int target, channel_run *on,
                         channel_run *off)
{
    *on = run_channel(channel, coef);
    *off = run_channel(channel, 0.0);
    cr_assert(on->v[target] > off->v[target], "%s = %g: %g, at 0: %g", channel, coef, on->v[target],
              off->v[target]);
    cr_assert_eq(on->v[CH_SPENT], off->v[CH_SPENT], "the money does not depend on the channels");
    cr_assert(on->v[CH_SPENT] > 7.0, "the award paid out (US$%gM)", on->v[CH_SPENT]);
    if (target != CH_GRADUATES)
        cr_assert_eq(on->v[CH_GRADUATES], off->v[CH_GRADUATES], "%s changed the graduates",
                     channel);
}

Test(programme, the_spinoff_channel_raises_the_winners_spinoffs)
{
    channel_run on, off;
    pair_channel("spinoff", 2.0, CH_SPINOFFS, &on, &off);
}

Test(programme, the_transfer_channel_raises_transfers)
{
    channel_run on, off;
    pair_channel("transfer", 3.0, CH_TRANSFERS, &on, &off);
}

Test(programme, the_graduates_channel_raises_graduates_and_the_labour_pool)
{
    channel_run on, off;
    pair_channel("graduates", 20.0, CH_GRADUATES, &on, &off);
    /* US$2.5M/yr x 20 graduates per US$M for three years: about 150 more */
    cr_assert(on.v[CH_GRADUATES] - off.v[CH_GRADUATES] > 100, "%g more graduates",
              on.v[CH_GRADUATES] - off.v[CH_GRADUATES]);
    cr_assert(on.v[CH_POOL] > off.v[CH_POOL], "pool %g, at 0: %g", on.v[CH_POOL], off.v[CH_POOL]);
}

Test(programme, the_links_channel_links_consortium_firms)
{
    channel_run on, off;
    pair_channel("links", 4.0, CH_LINKS, &on, &off);
}

Test(programme, the_suppliers_channel_links_members_as_suppliers_and_buyers)
{
    channel_run on, off;
    pair_channel("suppliers", 4.0, CH_VERTICAL, &on, &off);
    /* the new links are supplier-buyer links: all of them show in the firm-firm count */
    cr_assert_eq(on.v[CH_LINKS] - off.v[CH_LINKS], on.v[CH_VERTICAL] - off.v[CH_VERTICAL],
                 "firm-firm %g -> %g, vertical %g -> %g", off.v[CH_LINKS], on.v[CH_LINKS],
                 off.v[CH_VERTICAL], on.v[CH_VERTICAL]);
}

Test(programme, the_capability_channel_raises_participants_capability)
{
    channel_run on, off;
    pair_channel("capability", 0.2, CH_CAPABILITY, &on, &off);
    /* 0.2 per US$M x US$2.5M/yr x ~2.4 years shared by ten members: about +0.12 each */
    cr_assert(on.v[CH_CAPABILITY] - off.v[CH_CAPABILITY] > 0.05, "participants %g, at 0: %g",
              on.v[CH_CAPABILITY], off.v[CH_CAPABILITY]);
}

/* A forum (the Daedeok Valley mini-clusters): for half a year its members form peer links, which
 * carry knowledge (the spillover phase) and lapse once the forum stops refreshing them. */
#define FORUM_SCENARIO                                                                             \
    "name = \"forum\";\n"                                                                          \
    "seed = 2006L;\n"                                                                              \
    "time = { start = 2005.0; end = 2009.0; steps_per_year = 12; output_every = 3; };\n"           \
    "regions = { town = { labour_pool = 500.0; pool_inflow_per_year = 100.0; }; };\n"              \
    "firms = { local = { region = \"town\"; count = 200; employees = 8.0; capability = 1.2; }; "   \
    "};\n"                                                                                         \
    "rules = { spinoff = { firm_rate = 0.0; }; network = { link_decay_years = 1.0; }; };\n"        \
    "programmes = { forums = {\n"                                                                  \
    "  phases = ( { start = 2006.0; end = 2006.5; budget_usd_m = 0.3; } );\n"                      \
    "  instruments = { mini = { applicants = \"region\"; call = 2006.0; deadline_months = 1.0;\n"  \
    "    start_delay_months = 0.0; duration_years = 0.5; award_usd_m = 0.28; max_winners = 1;\n"   \
    "    consortium_firms = 126; channels = { links = 500.0; }; }; };\n"                           \
    "}; };\n"

/* links_horizontal (no organisation here: the firm-firm innovation links) at the rows of 2006.5 and
 * 2008.5, and capability_participant at 2006.5. */
static void run_forum(const char *spillover, double *links_on, double *links_after, double *cap)
{
    const char *sets[] = {spillover};
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load_string(FORUM_SCENARIO, "forum.cfg", NULL, sets, 1, &sc, &err),
                 RIC_OK, "%s", err.msg);
    ric_sim *s = start(sc);
    const long c_links = col(s, "links_horizontal"), c_cap = col(s, "capability_participant");
    double *row = calloc(ric_sim_ncols(s), sizeof *row);
    while (!ric_sim_done(s)) {
        int due;
        ric_err e2 = {{0}};
        cr_assert_eq(ric_sim_advance(s, row, &due, &e2), RIC_OK, "%s", e2.msg);
        if (due && fabs(row[0] - 2006.5) < 1e-9) {
            *links_on = row[c_links];
            *cap = row[c_cap];
        }
        if (due && fabs(row[0] - 2008.5) < 1e-9)
            *links_after = row[c_links];
    }
    free(row);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

Test(programme, forum_links_carry_knowledge_and_lapse_when_the_forum_stops)
{
    double on = -1, after = -1, cap = 0, on0 = -1, after0 = -1, cap0 = 0;
    run_forum("rules.network.spillover=0.5", &on, &after, &cap);
    run_forum("rules.network.spillover=0", &on0, &after0, &cap0);
    cr_assert_gt(on, 20, "the forums formed %g links", on);
    cr_assert_eq(after, 0, "%g forum links outlived the forum by two years", after);
    cr_assert_eq(on, on0, "spillovers change no link");
    cr_assert_gt(cap, cap0, "members learnt nothing along the links (%g against %g)", cap, cap0);
}

/* A review's re-award commits at most what the review freed (NURI re-awarded only the 27.9 bn KRW
 * that 7 cancellations and 61 cuts released), so commitments never rise past their level before
 * the first review; members' hires count only inside their awards' windows. */
Test(programme, a_reaward_spends_only_the_freed_money)
{
    ric_scenario *sc = load(DAEDEOK, NULL, 0);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    int nuri = -1, kicox = -1;
    for (int p = 0; p < sc->n_programmes; p++) {
        nuri = strcmp(sc->programmes[p].name, "nuri") == 0 ? p : nuri;
        kicox = strcmp(sc->programmes[p].name, "kicox") == 0 ? p : kicox;
    }
    cr_assert(nuri >= 0 && kicox >= 0);
    double before_review = -1, peak_after = 0;
    long long kicox_hires_2008 = -1;
    while (!ric_sim_done(s)) {
        step(s);
        ric_programme_totals t;
        ric_programmes_totals(ric_sim_programmes(s), nuri, &t);
        cr_assert(t.reawarded_usd_m <= t.freed_usd_m + 1e-9, "re-awarded %g of %g freed",
                  t.reawarded_usd_m, t.freed_usd_m);
        if (t.cancelled + t.cut == 0)
            before_review = t.committed_usd_m;
        else if (t.committed_usd_m > peak_after)
            peak_after = t.committed_usd_m;
        const double year = ric_world_time(w, w->step);
        if (kicox_hires_2008 < 0 && year >= 2008.0)
            kicox_hires_2008 = w->flow.prog_jobs[kicox];
    }
    ric_programme_totals t;
    ric_programmes_totals(ric_sim_programmes(s), nuri, &t);
    cr_assert(t.freed_usd_m > 1 && t.reawarded_usd_m > 1, "freed %g, re-awarded %g", t.freed_usd_m,
              t.reawarded_usd_m);
    cr_assert(peak_after <= before_review + 1e-9, "commitments %g after reviews, %g before",
              peak_after, before_review);
    /* KICOX's awards end in 2007: its members' hires stop counting then */
    cr_assert(kicox_hires_2008 > 0);
    cr_assert_eq(w->flow.prog_jobs[kicox], kicox_hires_2008, "hires counted after the windows");
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* The library of the seed's ministry programmes (scenarios/programmes/): each file loads inside a
 * scenario's programmes group, awards money and spends it. */
Test(programme, the_programme_library_loads_and_spends)
{
    glob_t g;
    cr_assert_eq(glob(RIC_SOURCE_DIR "/scenarios/programmes/*.cfg", 0, NULL, &g), 0);
    cr_assert_geq(g.gl_pathc, 10, "the library has %zu programmes", g.gl_pathc);
    char *tiny = slurp(TINY);
    cr_assert_not_null(tiny);
    const char *at = strstr(tiny, "programmes = {\n");
    cr_assert_not_null(at);
    for (size_t k = 0; k < g.gl_pathc; k++) {
        const char *base = strrchr(g.gl_pathv[k], '/') + 1;
        char *text = malloc(strlen(tiny) + 256);
        const size_t head = (size_t)(at - tiny) + strlen("programmes = {\n");
        memcpy(text, tiny, head);
        sprintf(text + head, "@include \"programmes/%s\"\n%s", base, tiny + head);
        ric_scenario *sc = NULL;
        ric_err err = {{0}};
        cr_assert_eq(
            ric_scenario_load_string(text, base, RIC_SOURCE_DIR "/scenarios", NULL, 0, &sc, &err),
            RIC_OK, "%s: %s", base, err.msg);
        cr_assert_eq(sc->n_programmes, 2, "%s", base);
        ric_sim *s = start(sc);
        while (!ric_sim_done(s))
            step(s);
        ric_programme_totals t;
        ric_programmes_totals(ric_sim_programmes(s), 0, &t);
        cr_assert(t.awards_made > 0 && t.spent_usd_m > 0, "%s: %d awards, US$ %g million spent",
                  base, t.awards_made, t.spent_usd_m);
        ric_sim_free(s);
        ric_scenario_free(sc);
        free(text);
    }
    free(tiny);
    globfree(&g);
}

/* Incubators as an instrument: the rooms channel gives the beneficiary university incubator
 * rooms while the money flows, which its spin-offs take (and leave after the incubation years). */
static int most_rooms_used(double rate)
{
    char set[128];
    snprintf(set, sizeof set, "programmes.p.instruments.i.channels.rooms=%.17g", rate);
    const char *sets[] = {set, "rules.spinoff.university_rate=0.02"};
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(
        ric_scenario_load_string(CHANNEL_SCENARIO, "channel.cfg", NULL, sets, 2, &sc, &err), RIC_OK,
        "%s", err.msg);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    int most = 0;
    while (!ric_sim_done(s)) {
        step(s);
        int held = 0;
        for (size_t i = 0; i < w->firms.n; i++)
            held += w->firms.incubator[i] != 0;
        cr_assert_eq(held, w->orgs[0].rooms_used, "rooms held %d, counted %d", held,
                     w->orgs[0].rooms_used);
        cr_assert_leq(w->orgs[0].rooms_used,
                      w->orgs[0].incubator_rooms + (int)floor(2.5 * rate) + 1);
        most = held > most ? held : most;
    }
    ric_sim_free(s);
    ric_scenario_free(sc);
    return most;
}

Test(programme, the_rooms_channel_opens_incubator_rooms)
{
    cr_assert_eq(most_rooms_used(0.0), 0, "rooms without the channel or an incubator");
    const int most = most_rooms_used(2.0); /* US$2.5M a year: 5 rooms */
    cr_assert(most >= 3 && most <= 5, "%d rooms used at most", most);
}

/* The seed's frictions. Rigid year-end rules: the year's money arrives the delay late and what
 * it could not pay lapses (a quarter of each year with a 3-month delay). */
Test(programme, money_lapses_at_the_year_end_under_rigid_rules)
{
    double spent[2], lapsed[2];
    for (int rigid = 0; rigid < 2; rigid++) {
        const char *sets[] = {"programmes.p.disbursement_delay_months=3.0",
                              rigid ? "programmes.p.lapse_at_year_end=true"
                                    : "programmes.p.lapse_at_year_end=false"};
        ric_scenario *sc = NULL;
        ric_err err = {{0}};
        cr_assert_eq(
            ric_scenario_load_string(CHANNEL_SCENARIO, "channel.cfg", NULL, sets, 2, &sc, &err),
            RIC_OK, "%s", err.msg);
        ric_sim *s = start(sc);
        while (!ric_sim_done(s))
            step(s);
        ric_programme_totals t;
        ric_programmes_totals(ric_sim_programmes(s), 0, &t);
        spent[rigid] = t.spent_usd_m;
        lapsed[rigid] = t.lapsed_usd_m;
        ric_sim_free(s);
        ric_scenario_free(sc);
    }
    cr_assert_eq(lapsed[0], 0.0);
    /* US$2.5M a year over 2000.5-2003.5; the flexible award catches up, the rigid one loses the
     * first three months of 2001, 2002 and 2003 (and of its start) */
    cr_assert(lapsed[1] > 1.5 && lapsed[1] < 2.6, "lapsed %g", lapsed[1]);
    cr_assert(fabs(spent[0] - spent[1] - lapsed[1]) < 0.3, "spent %g and %g, lapsed %g", spent[0],
              spent[1], lapsed[1]);
}

/* Overlapping programmes: a member in another programme's running award gets overlap_factor of
 * the capability; with the factor at 1 the overlap changes nothing. */
static double capability_gain(const char *factor)
{
    char set[96];
    snprintf(set, sizeof set, "programmes.p.overlap_factor=%s", factor);
    const char *sets[] = {"programmes.p.instruments.i.channels.capability=0.5",
                          "programmes.p.instruments.i.consortium_firms=100", set};
    /* a second programme, q, on the same firms: the same university wins it */
    char *text = malloc(strlen(CHANNEL_SCENARIO) + 512);
    strcpy(text, CHANNEL_SCENARIO);
    char *end = text + strlen(text) - strlen("}; };\n"); /* the end of programmes.p */
    cr_assert_str_eq(end, "}; };\n");
    strcpy(end, "};\n q = { phases = ( { start = 2000.5; end = 2004.0; budget_usd_m = 3.0; } );\n"
                "  instruments = { i = { applicants = \"university\"; call = 2000.5;\n"
                "    deadline_months = 1.0; duration_years = 3.0; award_usd_m = 2.5;\n"
                "    max_winners = 1; consortium_firms = 100; }; }; }; };\n");
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load_string(text, "overlap.cfg", NULL, sets, 3, &sc, &err), RIC_OK,
                 "%s", err.msg);
    ric_sim *s = start(sc);
    while (!ric_sim_done(s))
        step(s);
    const ric_world *w = ric_sim_world(s);
    double sum = 0;
    int n = 0;
    for (size_t i = 0; i < w->firms.n; i++)
        if (w->firms.prog[i] == 3u) { /* members of both */
            sum += w->firms.capability[i];
            n++;
        }
    cr_assert_gt(n, 20, "%d firms in both programmes", n);
    ric_sim_free(s);
    ric_scenario_free(sc);
    free(text);
    return sum / n;
}

Test(programme, overlapping_programmes_have_diminishing_returns)
{
    const double full = capability_gain("1.0"), half = capability_gain("0.5"),
                 none = capability_gain("0.0");
    cr_assert(full > half && half > none, "capability %g, %g, %g at factors 1, 0.5, 0", full, half,
              none);
}

/* Proposals as consortia: a university may submit several proposals to one call (NURI: up to
 * 7), each ranked with its own chance term, and win with several. */
static int awards_with(int proposals)
{
    char set[96];
    snprintf(set, sizeof set, "programmes.p.instruments.i.proposals=%d", proposals);
    const char *sets[] = {set, "programmes.p.phases.[0].budget_usd_m=10.0",
                          "programmes.p.instruments.i.max_winners=3"};
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(
        ric_scenario_load_string(CHANNEL_SCENARIO, "channel.cfg", NULL, sets, 3, &sc, &err), RIC_OK,
        "%s", err.msg);
    ric_sim *s = start(sc);
    while (!ric_sim_done(s))
        step(s);
    ric_programme_totals t;
    ric_programmes_totals(ric_sim_programmes(s), 0, &t);
    ric_sim_free(s);
    ric_scenario_free(sc);
    return t.awards_made;
}

Test(programme, a_university_may_win_with_several_proposals)
{
    cr_assert_eq(awards_with(1), 1, "one proposal, one award");
    cr_assert_eq(awards_with(2), 2);
    cr_assert_eq(awards_with(5), 3, "max_winners still bounds the call");
}

/* Partners: the lead's organisation channels are shared with partner organisations of its
 * region (a consortium of a university and an institute). */
static long long partner_transfers(int partners)
{
    char set[96];
    snprintf(set, sizeof set, "programmes.p.instruments.i.partners=%d", partners);
    const char *sets[] = {set,
                          "programmes.p.instruments.i.channels.transfer=8.0",
                          "organisations.inst.kind=\"ri_gvt\"",
                          "organisations.inst.region=\"town\"",
                          "organisations.inst.staff=100.0",
                          "organisations.inst.tto_per_year=0.0"};
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(
        ric_scenario_load_string(CHANNEL_SCENARIO, "channel.cfg", NULL, sets, 6, &sc, &err), RIC_OK,
        "%s", err.msg);
    ric_sim *s = start(sc);
    while (!ric_sim_done(s))
        step(s);
    const ric_world *w = ric_sim_world(s);
    cr_assert_eq(w->n_orgs, 2);
    const long long got =
        w->orgs[1].transfers; /* the institute has no transfer office of its own */
    ric_sim_free(s);
    ric_scenario_free(sc);
    return got;
}

Test(programme, partners_share_the_leads_channels)
{
    cr_assert_eq(partner_transfers(0), 0, "an institute without an office or a share");
    cr_assert_gt(partner_transfers(1), 5, "the partner's share of the transfer money");
}

Test(programme, a_firm_submits_one_proposal)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    const char *sets[] = {"programmes.p.instruments.i.applicants=\"firm\"",
                          "programmes.p.instruments.i.proposals=2"};
    cr_assert_neq(
        ric_scenario_load_string(CHANNEL_SCENARIO, "channel.cfg", NULL, sets, 2, &sc, &err),
        RIC_OK);
    cr_assert(strstr(err.msg, "a firm submits one proposal"), "%s", err.msg);
}

/* Mergers: two universities of one region, the second weaker and without a transfer office;
 * with merge_rate 1 their two proposals become one consortium, which wins, and the partner shares
 * the transfer money; with 0 the stronger wins alone. */
typedef struct {
    int proposals, merged, awards;
    long long partner_transfers;
} merge_run;

static merge_run run_merge(double rate)
{
    char set[96];
    snprintf(set, sizeof set, "programmes.p.instruments.i.merge_rate=%.17g", rate);
    const char *sets[] = {set,
                          "programmes.p.instruments.i.channels.transfer=8.0",
                          "organisations.uni2.kind=\"university\"",
                          "organisations.uni2.region=\"town\"",
                          "organisations.uni2.staff=120.0",
                          "organisations.uni2.knowledge=0.9",
                          "organisations.uni2.tto_per_year=0.0"};
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(
        ric_scenario_load_string(CHANNEL_SCENARIO, "channel.cfg", NULL, sets, 7, &sc, &err), RIC_OK,
        "%s", err.msg);
    ric_sim *s = start(sc);
    while (!ric_sim_done(s))
        step(s);
    ric_programme_totals t;
    ric_programmes_totals(ric_sim_programmes(s), 0, &t);
    const ric_world *w = ric_sim_world(s);
    cr_assert_eq(w->n_orgs, 2);
    merge_run r = {t.proposals, t.merged, t.awards_made, w->orgs[1].transfers};
    ric_sim_free(s);
    ric_scenario_free(sc);
    return r;
}

Test(programme, proposals_of_one_region_merge_into_consortia)
{
    merge_run alone = run_merge(0.0), merged = run_merge(1.0);
    cr_assert_eq(alone.proposals, 2);
    cr_assert_eq(alone.merged, 0);
    cr_assert_eq(alone.awards, 1);
    cr_assert_eq(alone.partner_transfers, 0, "the weaker university did not win");
    cr_assert_eq(merged.proposals, 2, "proposals are counted before they merge");
    cr_assert_eq(merged.merged, 1);
    cr_assert_eq(merged.awards, 1, "one consortium, one award");
    cr_assert_gt(merged.partner_transfers, 5, "the partner's half of the transfer money");
}

Test(programme, only_organisations_merge_proposals)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    const char *sets[] = {"programmes.p.instruments.i.applicants=\"firm\"",
                          "programmes.p.instruments.i.merge_rate=0.5"};
    cr_assert_neq(
        ric_scenario_load_string(CHANNEL_SCENARIO, "channel.cfg", NULL, sets, 2, &sc, &err),
        RIC_OK);
    cr_assert(strstr(err.msg, "'programmes.p.instruments.i.merge_rate' applies to organisations"),
              "%s", err.msg);
}
