/* Regions: their population and groups (loading and errors), structural "groups" events and the
 * programme eligibility that follows a group, per-region output (regions.tsv) and the regional
 * gap indicators of series.tsv against hand-computed values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/applicants.h"
#include "run/regions.h"
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

/* ---- the dispersion indices, by hand ---------------------------------------------------------
 */

/* The Gini coefficient by its definition: the mean difference over all pairs, weighted. */
static double gini_pairs(const double *v, const double *p, size_t n)
{
    double V = 0, P = 0, d = 0;
    for (size_t i = 0; i < n; i++) {
        V += v[i];
        P += p ? p[i] : 1;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const double pi = p ? p[i] : 1, pj = p ? p[j] : 1;
            d += pi / P * pj / P * fabs(v[i] / pi - v[j] / pj);
        }
    return d / (2 * V / P);
}

Test(regions, dispersion_against_hand_computed_values)
{
    /* four regions: employees 10, 30, 0, 60 and residents 100, 100, 50, 250 (rates 0.1, 0.3,
     * 0, 0.24 around a mean of 0.2, population shares 0.2, 0.2, 0.1, 0.5) */
    const double v[] = {10, 30, 0, 60}, p[] = {100, 100, 50, 250};
    double scratch[8];
    /* CV: sqrt(0.2 .01 + 0.2 .01 + 0.1 .04 + 0.5 .0016) / 0.2 = sqrt(0.0088) / 0.2 */
    cr_assert_float_eq(ric_dispersion(RIC_DISP_CV, v, p, 4, scratch), sqrt(0.0088) / 0.2, 1e-12);
    /* Theil: 0.1 ln(0.1 / 0.2) + 0.3 ln(0.3 / 0.2) + 0.6 ln(0.6 / 0.5) */
    cr_assert_float_eq(ric_dispersion(RIC_DISP_THEIL, v, p, 4, scratch),
                       0.1 * log(0.5) + 0.3 * log(1.5) + 0.6 * log(1.2), 1e-12);
    /* Gini: 2 (0.008 + 0.002 + 0.014 + 0.006 + 0.006 + 0.012) / (2 0.2) */
    cr_assert_float_eq(ric_dispersion(RIC_DISP_GINI, v, p, 4, scratch), 0.24, 1e-12);
    cr_assert_float_eq(gini_pairs(v, p, 4), 0.24, 1e-12);
    /* unweighted, over the raw counts: mean 25, deviations -15, 5, -25, 35 */
    cr_assert_float_eq(ric_dispersion(RIC_DISP_CV, v, NULL, 4, scratch), sqrt(2100.0 / 4) / 25,
                       1e-12);
    cr_assert_float_eq(ric_dispersion(RIC_DISP_THEIL, v, NULL, 4, scratch),
                       0.1 * log(0.4) + 0.3 * log(1.2) + 0.6 * log(2.4), 1e-12);
    /* Gini: pairwise differences 20, 10, 50, 30, 30, 60 (200), twice, over 2 n^2 mean */
    cr_assert_float_eq(ric_dispersion(RIC_DISP_GINI, v, NULL, 4, scratch), 400.0 / (2 * 16 * 25),
                       1e-12);
    /* equal rates: no dispersion; nothing: NaN */
    const double even[] = {20, 20, 10, 50};
    cr_assert_float_eq(ric_dispersion(RIC_DISP_GINI, even, p, 4, scratch), 0, 1e-12);
    cr_assert_float_eq(ric_dispersion(RIC_DISP_THEIL, even, p, 4, scratch), 0, 1e-12);
    cr_assert_float_eq(ric_dispersion(RIC_DISP_CV, even, p, 4, scratch), 0, 1e-12);
    const double none[] = {0, 0};
    cr_assert(isnan(ric_dispersion(RIC_DISP_CV, none, NULL, 2, scratch)));
    cr_assert(isnan(ric_dispersion(RIC_DISP_GINI, v, p, 0, scratch)));
}

Test(regions, gini_with_ties_matches_the_pairs)
{
    const double v[] = {3.5, 7, 0, 7, 1.75, 3.5, 12.25}, p[] = {1, 2, 3, 2, 0.5, 1, 3.5};
    double scratch[14];
    cr_assert_float_eq(ric_dispersion(RIC_DISP_GINI, v, p, 7, scratch), gini_pairs(v, p, 7), 1e-12);
    cr_assert_float_eq(ric_dispersion(RIC_DISP_GINI, v, NULL, 7, scratch), gini_pairs(v, NULL, 7),
                       1e-12);
}

/* ---- a run: regions.tsv against series.tsv ------------------------------------------------------
 */

/* A table read back: the rows of one data set (or of series.tsv), by column name. */
typedef struct {
    size_t n_cols, n_rows;
    char names[128][64];
    double v[512][128];
} table;

static table *read_set(const char *text, const char *set)
{
    table *t = calloc(1, sizeof *t);
    cr_assert_not_null(t);
    const char *p = text;
    if (set) {
        p = strstr(text, set);
        cr_assert_not_null(p, "no data set %s", set);
    }
    int in_header = 1;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len == 0 && !in_header)
            break; /* the end of the data set */
        if (len > 0 && p[0] != '#') {
            char line[8192];
            cr_assert(len < sizeof line);
            memcpy(line, p, len);
            line[len] = '\0';
            char *save = NULL;
            size_t k = 0;
            for (char *f = strtok_r(line, "\t", &save); f; f = strtok_r(NULL, "\t", &save), k++) {
                cr_assert(k < 128);
                if (in_header)
                    snprintf(t->names[k], sizeof t->names[k], "%s", f);
                else
                    t->v[t->n_rows][k] = strtod(f, NULL);
            }
            if (in_header) {
                t->n_cols = k;
                in_header = 0;
            } else {
                cr_assert_eq(k, t->n_cols);
                t->n_rows++;
                cr_assert(t->n_rows < 512);
            }
        }
        p += len + (eol != NULL);
    }
    return t;
}

static size_t at(const table *t, const char *name)
{
    for (size_t k = 0; k < t->n_cols; k++)
        if (strcmp(t->names[k], name) == 0)
            return k;
    cr_assert_fail("no column %s", name);
    return 0;
}

/* Three regions, two in the focus with residents and a capital outside it; a group that the
 * second joins in 2002.5 by a groups event, and a programme for the group's firms. */
#define THREE                                                                                      \
    "name = \"three\";\n"                                                                          \
    "seed = 2385L;\n"                                                                              \
    "time = { start = 2000.0; end = 2004.0; steps_per_year = 12; output_every = 3; };\n"           \
    "capital_region = \"cap\";\n"                                                                  \
    "regions = {\n"                                                                                \
    "  a = { population = 12500.0; groups = [\"grp\", \"south\"]; labour_pool = 400.0;\n"          \
    "        pool_inflow_per_year = 150.0; startup_rate = 3.0; };\n"                               \
    "  b = { population = 30250.0; groups = [\"south\"]; labour_pool = 300.0;\n"                   \
    "        pool_inflow_per_year = 100.0; startup_rate = 2.0; relocation_rate = 1.0; };\n"        \
    "  cap = { focus = false; population = 81000.0; groups = [\"capital_area\"];\n"                \
    "          labour_pool = 900.0; pool_inflow_per_year = 400.0; startup_rate = 5.0; };\n"        \
    "};\n"                                                                                         \
    "organisations = {\n"                                                                          \
    "  inst = { kind = \"ri_gvt\"; region = \"a\"; staff = 300.0; knowledge = 2.0;\n"              \
    "           tto_per_year = 10.0; seed_fund_usd_m = 0.2; };\n"                                  \
    "  uni = { kind = \"university\"; region = \"b\"; staff = 200.0; graduates_per_year = 80.0;\n" \
    "          tto_per_year = 5.0; };\n"                                                           \
    "};\n"                                                                                         \
    "firms = { fa = { region = \"a\"; count = 60; employees = 8.0; };\n"                           \
    "          fb = { region = \"b\"; count = 90; employees = 6.0; };\n"                           \
    "          fc = { region = \"cap\"; count = 120; employees = 11.0; }; };\n"                    \
    "rules = { spinoff = { institute_rate = 0.01; firm_rate = 0.002; }; };\n"                      \
    "events = (\n"                                                                                 \
    "  { date = 2002.5; type = \"groups\"; region = \"b\"; add = [\"grp\"]; text = \"b joins\"; "  \
    "}\n"                                                                                          \
    ");\n"                                                                                         \
    "programmes = { grant = {\n"                                                                   \
    "  phases = ( { start = 2000.5; end = 2004.0; budget_usd_m = 40.0; } );\n"                     \
    "  instruments = { calls = { applicants = \"firm\"; call = 2000.5; repeat_years = 0.5;\n"      \
    "    deadline_months = 1.0; start_delay_months = 1.0; duration_years = 0.5;\n"                 \
    "    award_usd_m = 0.5; max_winners = 4; eligible = { regions = [\"grp\"]; };\n"               \
    "    channels = { capability = 0.1; }; }; };\n"                                                \
    "}; };\n"

static void run_three(char *dir, table **series, table *reg[3])
{
    ric_scenario *sc = load_str(THREE);
    char *text = run_to_tmp(sc, dir);
    *series = read_set(text, NULL);
    free(text);
    char p[300];
    snprintf(p, sizeof p, "%s/regions.tsv", dir);
    char *rt = slurp(p);
    const char *sets[] = {"# [region a]", "# [region b]", "# [region cap]"};
    for (int r = 0; r < 3; r++)
        reg[r] = read_set(rt, sets[r]);
    free(rt);
    ric_scenario_free(sc);
}

Test(regions, region_rows_sum_to_the_series)
{
    char dir[64];
    table *s, *reg[3];
    run_three(dir, &s, reg);
    cr_assert_eq(s->n_rows, 16);
    for (int r = 0; r < 3; r++)
        cr_assert_eq(reg[r]->n_rows, s->n_rows, "a region row per output step");
    /* focus regions (a, b) against the series' focus counts */
    const char *focus_sums[][2] = {
        {"firms", "firms"},
        {"jobs_created", "jobs_created"},
        {"jobs_destroyed", "jobs_destroyed"},
        {"spinoffs_parent", "spinoffs"},
        {"transfers", "transfers"},
        {"labour_pool", "labour_pool"},
    };
    double moved = 0;
    for (size_t k = 0; k < s->n_rows; k++) {
        cr_assert_eq(reg[0]->v[k][0], s->v[k][0], "same years");
        for (size_t c = 0; c < sizeof focus_sums / sizeof focus_sums[0]; c++) {
            const size_t rc = at(reg[0], focus_sums[c][0]), sc = at(s, focus_sums[c][1]);
            cr_assert_eq(reg[0]->v[k][rc] + reg[1]->v[k][rc], s->v[k][sc], "%s at row %zu",
                         focus_sums[c][0], k);
        }
        const size_t e = at(reg[0], "employees");
        cr_assert_eq(reg[0]->v[k][e] + reg[1]->v[k][e],
                     s->v[k][at(s, "employees_smes")] + s->v[k][at(s, "employees_large")]);
        const size_t f = at(reg[0], "firms"), mc = at(reg[0], "mean_capability");
        const double cap =
            (reg[0]->v[k][mc] * reg[0]->v[k][f] + reg[1]->v[k][mc] * reg[1]->v[k][f]) /
            (reg[0]->v[k][f] + reg[1]->v[k][f]);
        cr_assert_float_eq(cap, s->v[k][at(s, "mean_capability")], 1e-8);
        /* all regions against the series' all-region columns */
        double lfo = 0, lff = 0, money = 0, spin = 0;
        for (int r = 0; r < 3; r++) {
            lfo += reg[r]->v[k][at(reg[r], "links_firm_org")];
            lff += reg[r]->v[k][at(reg[r], "links_firm_firm")];
            money += reg[r]->v[k][at(reg[r], "programme_usd_m")];
            spin += reg[r]->v[k][at(reg[r], "spinoffs")];
        }
        cr_assert_eq(lfo, s->v[k][at(s, "links_firm_org")]);
        cr_assert_eq(lff, s->v[k][at(s, "links_firm_firm")]);
        cr_assert_float_eq(money, s->v[k][at(s, "grant_spent_usd_m")], 1e-8,
                           "money %.10g, spent %.10g at row %zu", money,
                           s->v[k][at(s, "grant_spent_usd_m")], k);
        moved += money;
        double parents = 0;
        for (int r = 0; r < 3; r++)
            parents += reg[r]->v[k][at(reg[r], "spinoffs_parent")];
        cr_assert_eq(spin, parents, "every spin-off located somewhere");
    }
    cr_assert(moved > 0, "the programme paid something");
    for (int r = 0; r < 3; r++)
        free(reg[r]);
    free(s);
    remove_run(dir);
}

Test(regions, shares_and_dispersion_follow_the_region_rows)
{
    char dir[64];
    table *s, *reg[3];
    run_three(dir, &s, reg);
    double scratch[6];
    for (size_t k = 0; k < s->n_rows; k++) {
        const char *shares[][2] = {{"capital_share_firms", "firms"},
                                   {"capital_share_employees", "employees"},
                                   {"capital_share_spinoffs", "spinoffs_cum"},
                                   {"capital_share_jobs_created", "jobs_created"}};
        for (size_t c = 0; c < 4; c++) {
            const size_t j = at(reg[0], shares[c][1]);
            const double total = reg[0]->v[k][j] + reg[1]->v[k][j] + reg[2]->v[k][j];
            const double want = total > 0 ? reg[2]->v[k][j] / total : NAN;
            const double got = s->v[k][at(s, shares[c][0])];
            cr_assert(isnan(want) ? isnan(got) : fabs(got - want) < 1e-9, "%s: %g, not %g",
                      shares[c][0], got, want);
        }
        const double pop[] = {12500, 30250, 81000};
        const char *what[] = {"employees", "firms"};
        for (int w = 0; w < 2; w++) {
            double v[3];
            for (int r = 0; r < 3; r++)
                v[r] = reg[r]->v[k][at(reg[r], what[w])];
            char col[64];
            snprintf(col, sizeof col, "gini_%s_regions", what[w]);
            cr_assert_float_eq(s->v[k][at(s, col)], gini_pairs(v, pop, 3), 1e-9);
            snprintf(col, sizeof col, "cv_%s_regions", what[w]);
            cr_assert_float_eq(s->v[k][at(s, col)], ric_dispersion(RIC_DISP_CV, v, pop, 3, scratch),
                               1e-9);
            snprintf(col, sizeof col, "theil_%s_regions", what[w]);
            cr_assert_float_eq(s->v[k][at(s, col)],
                               ric_dispersion(RIC_DISP_THEIL, v, pop, 3, scratch), 1e-9);
        }
        cr_assert(s->v[k][at(s, "gini_employees_regions")] > 0.01, "the regions differ");
    }
    for (int r = 0; r < 3; r++)
        free(reg[r]);
    free(s);
    remove_run(dir);
}

Test(regions, a_groups_event_moves_the_group_columns_at_its_date)
{
    char dir[64];
    table *s, *reg[3];
    run_three(dir, &s, reg);
    size_t before = 0, after = 0;
    for (size_t k = 0; k < s->n_rows; k++) {
        const double a = reg[0]->v[k][at(reg[0], "employees")];
        const double b = reg[1]->v[k][at(reg[1], "employees")];
        /* the event acts from the step that starts at its date: rows after its end */
        const int joined = s->v[k][0] > 2002.5 + 1e-9;
        cr_assert_eq(s->v[k][at(s, "employees_group_grp")], joined ? a + b : a, "row %zu", k);
        cr_assert_eq(s->v[k][at(s, "employees_group_south")], a + b);
        cr_assert_eq(s->v[k][at(s, "firms_group_capital_area")], reg[2]->v[k][at(reg[2], "firms")]);
        before += joined == 0;
        after += joined != 0;
    }
    cr_assert(before > 0 && after > 0);
    for (int r = 0; r < 3; r++)
        free(reg[r]);
    free(s);
    remove_run(dir);
}

Test(regions, a_groups_event_moves_programme_eligibility_at_its_date)
{
    ric_scenario *sc = load_str(THREE);
    ric_sim *s = start(sc);
    const ric_instrument_spec *in = &sc->programmes[0].instruments[0];
    const ric_applicant_kind *firm = &ric_applicant_kinds[RIC_APPLY_FIRM];
    int seen_before = 0, seen_after = 0;
    while (!ric_sim_done(s)) {
        /* the programmes see the groups of the step's start, after its events */
        const double t = ric_world_time(ric_sim_world(s), ric_sim_world(s)->step);
        step(s);
        const ric_world *w = ric_sim_world(s);
        for (size_t i = 0; i < w->firms.n; i++) {
            if (w->firms.flags[i] & RIC_FIRM_DEAD)
                continue;
            const int r = w->firms.region[i], ok = firm->eligible(w, in, i);
            if (r == 0 || (r == 1 && t >= 2002.5))
                cr_assert(ok, "a firm of region %d not eligible at %.4f", r, t);
            else
                cr_assert(!ok, "a firm of region %d eligible at %.4f", r, t);
            seen_before |= r == 1 && t < 2002.5;
            seen_after |= r == 1 && t >= 2002.5;
        }
    }
    cr_assert(seen_before && seen_after);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

Test(regions, until_undoes_only_the_events_own_change)
{
    ric_scenario *sc = load_str(
        HEAD "regions = { a = { groups = [\"x\"]; }; };\n"
             "events = (\n"
             "  { date = 1991.0; until = 1993.0; type = \"groups\"; region = \"a\"; add = [\"y\"]; "
             "remove = [\"x\"]; },\n"
             "  { date = 1992.0; type = \"groups\"; region = \"a\"; add = [\"z\"]; }\n"
             ");\n");
    ric_sim *s = start(sc);
    const int x = ric_scenario_group(sc, "x"), y = ric_scenario_group(sc, "y"),
              z = ric_scenario_group(sc, "z");
    while (!ric_sim_done(s)) {
        const ric_world *w = ric_sim_world(s);
        const double t = ric_world_time(w, w->step);
        step(s);
        const uint64_t g = w->regions[0].p.groups;
        const uint64_t want = t < 1991.0 - 1e-9   ? 1u << x
                              : t < 1992.0 - 1e-9 ? 1u << y
                              : t < 1993.0 - 1e-9 ? (1u << y | 1u << z)
                                                  : (1u << x | 1u << z);
        cr_assert_eq(g, want, "groups %#llx at %.4f, not %#llx", (unsigned long long)g, t,
                     (unsigned long long)want);
    }
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* ---- where spin-offs locate ------------------------------------------------------------------
 */

Test(regions, spinoffs_locate_by_the_shares_and_the_groups)
{
    /* DST with its city's rest, Seoul with Gyeonggi, and a region of neither: ETRI's 58% in
     * Daejeon (split evenly here), 37% in Seoul, 3% in Gyeonggi, 2% anywhere */
    ric_scenario *sc = load_str(
        "name = \"loc\";\nseed = 58L;\n"
        "time = { start = 2000.0; end = 2010.0; };\n"
        "capital_region = \"seoul\";\n"
        "regions = { dst = { groups = [\"daejeon_city\"]; }; daejeon = { groups = "
        "[\"daejeon_city\"]; };\n"
        "  seoul = { groups = [\"capital_area\"]; }; gyeonggi = { groups = [\"capital_area\"]; };\n"
        "  far = {}; };\n"
        "organisations = { etri = { kind = \"ri_gvt\"; region = \"dst\"; staff = 3000.0; "
        "knowledge = 2.0; }; };\n"
        "rules = { spinoff = { institute_rate = 0.1; stay_share = 0.29; near_share = 0.29;\n"
        "  capital_share = 0.37; capital_near_share = 0.03; };\n"
        "  exit = { base_rate = 0.0; }; };\n");
    ric_sim *s = start(sc);
    long long at_region[5] = {0};
    while (!ric_sim_done(s)) {
        step(s);
        size_t nb;
        const ric_birth *b = ric_sim_births(s, &nb);
        for (size_t i = 0; i < nb; i++)
            at_region[b[i].region]++;
    }
    long long n = 0;
    for (int r = 0; r < 5; r++)
        n += at_region[r];
    cr_assert(n > 2000, "%lld spin-offs", n);
    /* shares, with the 2% spread evenly over the five regions (0.4% each) */
    const double want[5] = {0.294, 0.294, 0.374, 0.034, 0.004};
    for (int r = 0; r < 5; r++) {
        const double got = (double)at_region[r] / (double)n;
        const double se = sqrt(want[r] * (1 - want[r]) / (double)n);
        cr_assert(fabs(got - want[r]) < 4 * se + 1e-3, "region %d: %.4f, not %.4f", r, got,
                  want[r]);
    }
    ric_sim_free(s);
    ric_scenario_free(sc);
}

Test(regions, without_group_mates_near_spinoffs_stay)
{
    ric_scenario *sc =
        load_str("name = \"loc\";\nseed = 58L;\ntime = { start = 2000.0; end = 2004.0; };\n"
                 "regions = { dst = {}; daejeon = {}; };\n"
                 "organisations = { etri = { kind = \"ri_gvt\"; region = \"dst\"; staff = 3000.0; "
                 "}; };\n"
                 "rules = { spinoff = { institute_rate = 0.1; stay_share = 0.0; near_share = 1.0; "
                 "capital_share = 0.0; }; };\n");
    ric_sim *s = start(sc);
    long long n = 0;
    while (!ric_sim_done(s)) {
        step(s);
        size_t nb;
        const ric_birth *b = ric_sim_births(s, &nb);
        for (size_t i = 0; i < nb; i++, n++)
            cr_assert_eq(b[i].region, 0, "a spin-off left for a region of no shared group");
    }
    cr_assert(n > 100);
    ric_sim_free(s);
    ric_scenario_free(sc);
}
