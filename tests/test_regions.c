/* Regions: their population and groups (loading and errors), structural "groups" events and the
 * programme eligibility that follows a group, per-region output (regions.tsv) and the regional
 * gap indicators of series.tsv against hand-computed values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define HEAD                                                                                       \
    "name = \"t\";\n"                                                                              \
    "time = { start = 1990.0; end = 1995.0; };\n"

static ric_scenario *load_str(const char *text)
{
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    ric_status st = ric_scenario_load_string(text, "t.cfg", NULL, NULL, 0, &sc, &err);
    cr_assert_eq(st, RIC_OK, "unexpected failure: %s", err.msg);
    return sc;
}

static void load_fails(const char *text, const char *msg)
{
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    ric_status st = ric_scenario_load_string(text, "t.cfg", NULL, NULL, 0, &sc, &err);
    cr_assert_eq(st, RIC_ESCENARIO, "expected a scenario error for:\n%s", text);
    cr_assert_null(sc);
    cr_assert(strstr(err.msg, msg), "message \"%s\" lacks \"%s\"", err.msg, msg);
}

/* ---- loading ---------------------------------------------------------------------------------
 */

Test(regions, population_and_groups_load)
{
    ric_scenario *sc =
        load_str(HEAD "regions = {\n"
                      "  capital = { population = 2.35e7; groups = [\"capital_area\"]; };\n"
                      "  dst = { population = 1.385e5; groups = [\"daejeon\", \"west\"]; };\n"
                      "  rest = { groups = [\"west\", \"capital_area\"]; };\n"
                      "};\n");
    cr_assert_eq(sc->n_regions, 3);
    cr_assert_eq(sc->regions[0].population, 2.35e7);
    cr_assert_eq(sc->regions[1].population, 1.385e5);
    cr_assert_eq(sc->regions[2].population, 0, "population defaults to 0 (not given)");
    cr_assert_eq(sc->n_groups, 3);
    cr_assert_str_eq(sc->groups[0], "capital_area");
    cr_assert_str_eq(sc->groups[1], "daejeon");
    cr_assert_str_eq(sc->groups[2], "west");
    cr_assert_eq(sc->regions[0].groups, 1u);
    cr_assert_eq(sc->regions[1].groups, 6u);
    cr_assert_eq(sc->regions[2].groups, 5u, "a region may be in several groups");
    cr_assert_eq(ric_scenario_group(sc, "west"), 2);
    cr_assert_eq(ric_scenario_group(sc, "east"), -1);
    ric_scenario_free(sc);
}

Test(regions, population_is_settable_by_events)
{
    ric_scenario *sc = load_str(HEAD "regions = { a = { population = 1000.0; }; };\n"
                                     "events = ( { date = 1992.0; type = \"set\"; key = "
                                     "\"regions.a.population\"; value = 1250.5; } );\n");
    cr_assert_eq(sc->n_events, 1);
    cr_assert_eq(sc->events[0].value, 1250.5);
    ric_scenario_free(sc);
}

Test(regions, bad_population_and_groups_are_refused)
{
    load_fails(HEAD "regions = { a = {\n  population = -3.5; }; };\n",
               "t.cfg:4: 'regions.a.population' must be >= 0 (got -3.5)");
    load_fails(HEAD "regions = { a = {\n  groups = \"east\"; }; };\n",
               "t.cfg:4: 'regions.a.groups' must be a list of group names (got string)");
    load_fails(HEAD "regions = { a = {\n  groups = [1, 2]; }; };\n",
               "'regions.a.groups' must list group names as strings");
    load_fails(HEAD "regions = { a = {\n  groups = [\"no space\"]; }; };\n",
               "'regions.a.groups' may hold only letters, digits");
    load_fails(
        HEAD
        "regions = { a = {\n  groups = [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]; "
        "}; };\n",
        "t.cfg:4: 'regions.a.groups' holds more than the limit of 8 groups");
    load_fails(HEAD "regions = { a = {}; b = {\n  groups = [\"a\"]; }; };\n",
               "t.cfg:4: 'regions.b.groups' names group \"a\", which is a region's name");
}

Test(regions, at_most_64_groups)
{
    char text[8192];
    int n = snprintf(text, sizeof text, HEAD "regions = {\n");
    for (int r = 0; r < 9; r++) {
        n += snprintf(text + n, sizeof text - (size_t)n, "  r%d = { groups = [", r);
        for (int k = 0; k < 8; k++)
            n += snprintf(text + n, sizeof text - (size_t)n, "%s\"g%d\"", k ? "," : "", r * 8 + k);
        n += snprintf(text + n, sizeof text - (size_t)n, "]; };\n");
    }
    snprintf(text + n, sizeof text - (size_t)n, "};\n");
    load_fails(text,
               "t.cfg:12: 'regions.r8.groups': the scenario names more than 64 region groups");
}

/* ---- groups events ---------------------------------------------------------------------------
 */

Test(regions, groups_events_load)
{
    ric_scenario *sc =
        load_str(HEAD "regions = { dst = {}; daejeon = { groups = [\"daejeon_city\"]; }; };\n"
                      "events = (\n"
                      "  { date = 1983.0; type = \"groups\"; region = \"dst\"; add = "
                      "[\"daejeon_city\", \"special\"]; text = \"Daejeon absorbs DST\"; },\n"
                      "  { date = 1990.5; until = 1993.25; type = \"groups\"; region = "
                      "\"daejeon\"; remove = [\"daejeon_city\"]; }\n"
                      ");\n");
    cr_assert_eq(sc->n_groups, 2, "an event may name a new group");
    cr_assert_str_eq(sc->groups[1], "special");
    cr_assert_eq(sc->events[0].type, RIC_EVENT_GROUPS);
    cr_assert_eq(sc->events[0].region, 0);
    cr_assert_eq(sc->events[0].add, 3u);
    cr_assert_eq(sc->events[0].remove, 0u);
    cr_assert_str_eq(sc->events[0].text, "Daejeon absorbs DST");
    cr_assert_eq(sc->events[1].region, 1);
    cr_assert_eq(sc->events[1].remove, 1u);
    cr_assert_eq(sc->events[1].until, 1993.25);
    cr_assert_str_eq(sc->events[1].text, "");
    ric_scenario_free(sc);
}

Test(regions, bad_groups_events_are_refused)
{
    load_fails(HEAD "regions = { a = {}; };\nevents = (\n  { date = 1991.0; type = \"groups\"; "
                    "add = [\"g\"]; } );\n",
               "t.cfg:5: missing required key 'events.[0].region'");
    load_fails(HEAD "regions = { a = {}; };\nevents = (\n  { date = 1991.0; type = \"groups\"; "
                    "region = \"b\"; add = [\"g\"]; } );\n",
               "'events.[0].region' names no region (got \"b\")");
    load_fails(HEAD "regions = { a = {}; };\nevents = (\n  { date = 1991.0; type = \"groups\"; "
                    "region = \"a\"; } );\n",
               "t.cfg:5: 'events.[0]' must list groups to 'add' or 'remove'");
    load_fails(HEAD "regions = { a = {}; };\nevents = (\n  { date = 1991.0; type = \"groups\"; "
                    "region = \"a\"; add = [\"g\"];\n remove = [\"g\"]; } );\n",
               "t.cfg:6: 'events.[0].remove' names a group that 'add' names too");
    load_fails(HEAD "regions = { a = {}; };\nevents = (\n  { date = 1991.0; type = \"groups\"; "
                    "region = \"a\"; add = [\"a\"]; } );\n",
               "which is a region's name");
}

Test(regions, eligibility_names_regions_or_groups)
{
    ric_scenario *sc = load_str(
        HEAD "regions = { dst = {}; daejeon = { groups = [\"daejeon_city\"]; }; far = {}; };\n"
             "programmes = { p = {\n"
             "  phases = ( { start = 1991.0; end = 1994.0; budget_usd_m = 3.75; } );\n"
             "  instruments = { i = { applicants = \"firm\"; call = 1991.0; duration_years = "
             "2.0;\n"
             "    max_winners = 3; award_usd_m = 0.5; eligible = { regions = [\"dst\", "
             "\"daejeon_city\"]; }; }; };\n"
             "}; };\n");
    const ric_instrument_spec *in = &sc->programmes[0].instruments[0];
    cr_assert_eq(in->n_regions, 1);
    cr_assert_eq(in->regions[0], 0);
    cr_assert_eq(in->groups, 1u);
    ric_scenario_free(sc);
    load_fails(HEAD "regions = { dst = {}; };\n"
                    "programmes = { p = {\n"
                    "  phases = ( { start = 1991.0; end = 1994.0; budget_usd_m = 3.75; } );\n"
                    "  instruments = { i = { applicants = \"firm\"; call = 1991.0; "
                    "duration_years = 2.0;\n"
                    "    max_winners = 3; award_usd_m = 0.5; eligible = {\n regions = "
                    "[\"nowhere\"]; }; }; };\n"
                    "}; };\n",
               "t.cfg:8: 'programmes.p.instruments.i.eligible.regions' names no region or region "
               "group \"nowhere\"");
}
