/* Scheduled history: dated parameter changes apply and restore, organisations arrive and leave on
 * their dates, and staff totals are interpolated between their dates and shared by arrival size. */
#include <math.h>

#include "support.h"

Test(events, set_events_apply_and_restore)
{
    ric_scenario *sc = load(TINY, NULL, 0);
    ric_sim *s = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK);
    const ric_world *w = ric_sim_world(s);
    while (!ric_sim_done(s)) {
        double t = ric_world_time(w, w->step);
        cr_assert_eq(ric_sim_step(s, &err), RIC_OK);
        double want = (t >= 2002.0 - 1e-9 && t < 2003.0 - 1e-9) ? -0.2 : 0.0;
        cr_assert_eq(w->regions[0].p.market_growth, want, "at %g", t);
        cr_assert_eq(w->regions[1].p.market_growth, want, "at %g", t);
        /* the ministry arrives in 2001 */
        cr_assert_eq(w->orgs[3].active, t >= 2001.0 - 1e-9);
    }
    ric_sim_free(s);
    ric_scenario_free(sc);
}

Test(events, staff_totals_are_interpolated_and_shared_by_arrival_size)
{
    ric_scenario *sc = load(DAEDEOK, NULL, 0);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    /* run to mid-1987: between the 1985 (6,129) and 1990 (6,920) government-institute totals */
    while (ric_world_time(w, w->step) < 1987.5 - 1e-9)
        step(s);
    double target = 0, t = ric_world_time(w, w->step - 1);
    int etri = -1;
    for (int o = 0; o < w->n_orgs; o++)
        if (w->orgs[o].active && w->orgs[o].kind == RIC_ORG_RI_GVT) {
            target += w->orgs[o].staff_target;
            if (strcmp(w->orgs[o].name, "etri") == 0)
                etri = o;
        }
    double want = 6129.0 + (6920.0 - 6129.0) * (t - 1985.0) / 5.0;
    cr_assert(fabs(target - want) < 1.0, "target %g, want %g at %g", target, want, t);
    cr_assert(etri >= 0);
    for (int o = 0; o < w->n_orgs; o++)
        if (o != etri && w->orgs[o].active && w->orgs[o].kind == RIC_ORG_RI_GVT)
            cr_assert(w->orgs[etri].staff_target > 2 * w->orgs[o].staff_target, "ETRI %d vs %s %d",
                      w->orgs[etri].staff_target, w->orgs[o].name, w->orgs[o].staff_target);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

Test(events, organisations_arrive_and_leave_on_their_dates)
{
    ric_scenario *sc = load(DAEDEOK, NULL, 0);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    long c_ri = col(s, "research_institutes"), c_g = col(s, "ri_gvt");
    double *v = calloc(ric_sim_ncols(s), sizeof *v);
    /* the seed table's counts at its years (data/daedeok_history.tsv) */
    const struct {
        double year, ri, gvt;
    } table[] = {{1979, 8, 5},   {1985, 11, 8},  {1990, 27, 19},
                 {1997, 49, 16}, {2002, 54, 17}, {2005, 64, 20}};
    size_t k = 0;
    while (!ric_sim_done(s) && k < 6) {
        step(s);
        if (fabs(ric_world_time(w, w->step) - table[k].year) < 1e-9) {
            ric_sim_row(s, v);
            cr_assert_eq(v[c_ri], table[k].ri, "%g: %g institutes", table[k].year, v[c_ri]);
            cr_assert_eq(v[c_g], table[k].gvt, "%g: %g government institutes", table[k].year,
                         v[c_g]);
            k++;
        }
    }
    cr_assert_eq(k, 6);
    free(v);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* A dated series (covariates such as the venture climate of spin-offs): the parameter keeps its
 * value before the first point, is linear between points of its key, listed in any order, and
 * holds the last point's value after it; a point with 'until' is refused. */
#define SERIES_SCENARIO                                                                            \
    "name = \"series\"; seed = 3L;\n"                                                              \
    "time = { start = 2000.0; end = 2006.0; steps_per_year = 4; output_every = 4; };\n"            \
    "rules = { spinoff = { pull_effect = 0.7; }; };\n"                                             \
    "regions = { town = { labour_pool = 300.0; }; };\n"                                            \
    "firms = { local = { region = \"town\"; count = 10; employees = 4.0; }; };\n"                  \
    "events = (\n"                                                                                 \
    "  { date = 2004.0; type = \"series\"; key = \"rules.spinoff.pull\"; value = -1.0; },\n"       \
    "  { date = 2001.0; type = \"series\"; key = \"rules.spinoff.pull\"; value = 0.5; },\n"        \
    "  { date = 2002.0; type = \"series\"; key = \"rules.spinoff.pull\"; value = 2.5; }\n"         \
    ");\n"

Test(events, a_series_is_linear_between_its_points_and_flat_after_the_last)
{
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load_string(SERIES_SCENARIO, "series.cfg", NULL, NULL, 0, &sc, &err),
                 RIC_OK, "%s", err.msg);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    int seen = 0;
    while (!ric_sim_done(s)) {
        step(s);
        const double t = ric_world_time(w, w->step - 1); /* the step just taken */
        double want = 0.0;
        if (t >= 2004.0 - 1e-9)
            want = -1.0;
        else if (t >= 2002.0 - 1e-9)
            want = 2.5 + (-1.0 - 2.5) * (t - 2002.0) / 2.0;
        else if (t >= 2001.0 - 1e-9)
            want = 0.5 + (2.5 - 0.5) * (t - 2001.0);
        cr_assert(fabs(w->rules.spinoff_pull - want) < 1e-12, "pull %g at %g, want %g",
                  w->rules.spinoff_pull, t, want);
        seen += fabs(t - 2003.0) < 1e-9;
    }
    cr_assert_eq(seen, 1);
    ric_sim_free(s);
    ric_scenario_free(sc);

    const char *bad = "events.[1].until=2003.0";
    cr_assert_neq(ric_scenario_load_string(SERIES_SCENARIO, "series.cfg", NULL, &bad, 1, &sc, &err),
                  RIC_OK);
    cr_assert(strstr(err.msg, "'events.[1].until' does not apply to a series point"), "%s",
              err.msg);
}
