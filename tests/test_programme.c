/* The programme engine: budgets bind by calendar year, reviews cancel, cut and re-award, money
 * arrives after the disbursement delay and never exceeds the commitment, channels act on members,
 * and KRW awards are converted at the scenario's rate. */
#include <math.h>

#include "support.h"

Test(programme, the_budget_binds)
{
    ric_scenario *sc = load(TINY, NULL, 0);
    ric_sim *s = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK, "%s", err.msg);
    int first_round = -1, first_cancelled = -1, first_cut = -1;
    while (!ric_sim_done(s)) {
        cr_assert_eq(ric_sim_step(s, &err), RIC_OK);
        ric_programme_totals t;
        ric_programmes_totals(ric_sim_programmes(s), 0, &t);
        if (first_round < 0 && t.awards_made > 0)
            first_round = t.awards_made;
        if (first_cancelled < 0 && t.cancelled + t.cut > 0) {
            first_cancelled = t.cancelled;
            first_cut = t.cut;
        }
        cr_assert(t.spent_usd_m <= t.committed_usd_m + 1e-9 || t.cancelled + t.cut > 0);
        cr_assert(ric_programmes_max_overcommit(ric_sim_programmes(s)) <= 1e-9);
    }
    /* ten winners were wanted, US$9M a year allows three awards of US$3M */
    cr_assert_eq(first_round, 3);
    ric_programme_totals t;
    ric_programmes_totals(ric_sim_programmes(s), 0, &t);
    /* the first review cancels 34% and cuts 34% of three awards: one each */
    cr_assert_eq(first_cancelled, 1);
    cr_assert_eq(first_cut, 1);
    cr_assert(t.awards_made > 3, "the review's leftover is re-awarded (made %d)", t.awards_made);
    /* 3 years of overhead at 10% of US$10M */
    cr_assert(fabs(t.overhead_usd_m - 3.0) < 1e-9, "overhead %g", t.overhead_usd_m);
    ric_sim_free(s);
    ric_scenario_free(sc);
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
    ric_sim_free(s);
    ric_scenario_free(sc);
}
