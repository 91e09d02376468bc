/* The national scenario (Korea, issue 13), its what-if variants and the benchmark's fixed workload:
 * the complexes add up to the seed's totals (data/kicox.tsv), the organisations and residents to
 * the database's and the census's, employment in the complexes moves as the labour supply says, and
 * each variant differs from the baseline in the setting it names and in no other. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/world.h"
#include "ricsim/scenario.h"
#include "ricsim/sim.h"
#include "support.h"

#define NATIONAL RIC_SOURCE_DIR "/scenarios/national.cfg"
#define FIXED RIC_SOURCE_DIR "/tests/bench/national_fixed.cfg"

static void setup(void)
{
    gsl_set_error_handler_off();
}

static uint64_t group_bit(const ric_scenario *sc, const char *name)
{
    const int g = ric_scenario_group(sc, name);
    cr_assert(g >= 0, "no region group %s", name);
    return UINT64_C(1) << g;
}

static int in_group(const ric_scenario *sc, int region, const char *name)
{
    return (sc->regions[region].groups & group_bit(sc, name)) != 0;
}

static const ric_instrument_spec *instrument(const ric_scenario *sc, const char *prog,
                                             const char *name)
{
    for (int p = 0; p < sc->n_programmes; p++)
        for (int i = 0;
             strcmp(sc->programmes[p].name, prog) == 0 && i < sc->programmes[p].n_instruments; i++)
            if (strcmp(sc->programmes[p].instruments[i].name, name) == 0)
                return &sc->programmes[p].instruments[i];
    cr_assert_fail("no instrument %s.%s", prog, name);
    return NULL;
}

/* The seed's 30 complexes, 26,768 companies and 679,335 workers: the cohorts of the regions of
 * group "kicox" as written, and the firms placed at the first step (log-normal sizes around each
 * mean). */
Test(national, the_complexes_add_up_to_the_seeds_totals, .init = setup)
{
    ric_scenario *sc = load(NATIONAL, NULL, 0);
    int regions = 0, pilots = 0, cohorts = 0;
    long firms = 0;
    double workers = 0;
    for (int r = 0; r < sc->n_regions; r++) {
        regions += in_group(sc, r, "kicox");
        pilots += in_group(sc, r, "pilot");
    }
    for (int c = 0; c < sc->n_firms; c++) {
        const ric_firm_spec *f = &sc->firms[c];
        if (!in_group(sc, f->region, "kicox"))
            continue;
        cohorts++;
        firms += f->count;
        workers += f->count * f->employees;
    }
    cr_assert_eq(regions, 30);
    cr_assert_eq(pilots, 7);
    cr_assert_eq(cohorts, 30, "one cohort per complex, got %d", cohorts);
    cr_assert_eq(firms, 26768);
    cr_assert(fabs(workers - 679335.0) < 0.5, "workers %.3f", workers);

    ric_sim *s = start(sc);
    step(s);
    const ric_world *w = ric_sim_world(s);
    double placed = 0;
    for (size_t i = 0; i < w->firms.n; i++)
        if (in_group(sc, w->firms.region[i], "kicox"))
            placed += w->firms.employees[i];
    /* 26,768 log-normal sizes (s.d. of log size 1): the sum is within 1% of its mean */
    cr_assert(fabs(placed / 679335.0 - 1.0) < 0.02, "employment at the start %.0f", placed);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* 384 universities and 488 institutes (the networking database), 99,232 companies outside the
 * complexes, residents summing to the 2005 census, the capital area's 22.8 million. */
Test(national, organisations_firms_and_residents, .init = setup)
{
    ric_scenario *sc = load(NATIONAL, NULL, 0);
    int universities = 0, institutes = 0, capital_universities = 0;
    for (int i = 0; i < sc->n_orgs; i++) {
        const ric_org_spec *o = &sc->orgs[i];
        if (o->kind == RIC_ORG_UNIVERSITY) {
            universities += o->count;
            capital_universities += in_group(sc, o->region, "capital_area") ? o->count : 0;
        } else if (o->kind != RIC_ORG_GVT_INST) {
            institutes += o->count;
        }
    }
    cr_assert_eq(universities, 384);
    cr_assert_eq(institutes, 488);
    cr_assert_eq(capital_universities, 146); /* 38% (data/korea_regions.tsv) */
    long outside = 0;
    for (int c = 0; c < sc->n_firms; c++)
        outside += in_group(sc, sc->firms[c].region, "kicox") ? 0 : sc->firms[c].count;
    cr_assert_eq(outside, 99232);
    double people = 0, capital_area = 0;
    for (int r = 0; r < sc->n_regions; r++) {
        cr_assert(sc->regions[r].population > 0, "%s has no residents", sc->regions[r].name);
        people += sc->regions[r].population;
        capital_area += in_group(sc, r, "capital_area") ? sc->regions[r].population : 0;
        cr_assert(in_group(sc, r, "capital_area") != in_group(sc, r, "non_capital"),
                  "%s must be in exactly one of capital_area and non_capital", sc->regions[r].name);
    }
    cr_assert(fabs(people - 47279000.0) < 10000.0, "residents %.0f", people);
    cr_assert(fabs(capital_area - 22767000.0) < 1.0, "capital area %.0f", capital_area);
    cr_assert_str_eq(sc->regions[sc->capital_region].name, "capital");
    ric_scenario_free(sc);
}

/* The pools bind: employment in the complexes grows at about the supply's 1% a year (plus
 * relocations into them), not at the firms' own 7% a year of the old scenario. */
Test(national, complex_employment_moves_as_the_labour_supply_says, .init = setup)
{
    ric_scenario *sc = load(NATIONAL, (const char *[]){"time.end=2011.0"}, 1);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    double at[2] = {0, 0};
    while (!ric_sim_done(s)) {
        step(s);
        const double t = ric_world_time(w, w->step);
        const int k = fabs(t - 2001.0) < 1e-9 ? 0 : fabs(t - 2011.0) < 1e-9 ? 1 : -1;
        if (k < 0)
            continue;
        for (size_t i = 0; i < w->firms.n; i++)
            if (in_group(sc, w->firms.region[i], "kicox"))
                at[k] += w->firms.employees[i];
    }
    const double growth = pow(at[1] / at[0], 0.1) - 1.0;
    cr_assert(growth > 0.005 && growth < 0.02, "complex employment %.0f -> %.0f: %.4f a year",
              at[0], at[1], growth);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* Lines of the effective scenario of a variant that the baseline's lack (as a multiset, the name
 * and description lines aside): a variant changes the settings it names and no other. */
static int by_text(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static char **lines_of(char *text, size_t *n)
{
    size_t cap = 1;
    for (const char *c = text; *c; c++)
        cap += *c == '\n';
    char **l = malloc(cap * sizeof *l);
    *n = 0;
    for (char *save = NULL, *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
        if (strncmp(t, "name", 4) != 0 && strncmp(t, "description", 11) != 0)
            l[(*n)++] = t;
    qsort(l, *n, sizeof *l, by_text);
    return l;
}

static int differing_lines(const char *base, const char *variant)
{
    char *a = strdup(base), *b = strdup(variant);
    size_t na, nb, i = 0, j = 0;
    char **la = lines_of(a, &na), **lb = lines_of(b, &nb);
    int extra = 0;
    while (j < nb) {
        const int c = i < na ? strcmp(la[i], lb[j]) : 1;
        if (c == 0)
            i++, j++;
        else if (c < 0)
            i++;
        else
            extra++, j++;
    }
    free(la), free(lb), free(a), free(b);
    return extra;
}

Test(national, growth_control_halves_capital_startups_and_stops_relocations, .init = setup)
{
    ric_scenario *base = load(NATIONAL, NULL, 0);
    ric_scenario *v = load(RIC_SOURCE_DIR "/scenarios/national_growth_control.cfg", NULL, 0);
    cr_assert_str_eq(base->events[1].key, "regions.capital.startup_rate");
    cr_assert_str_eq(base->events[2].key, "regions.capital.relocation_rate");
    /* in the baseline the hooks keep the rates as they are */
    const ric_region_spec *cap = &base->regions[base->capital_region];
    cr_assert_eq(base->events[1].value, cap->startup_rate);
    cr_assert_eq(base->events[2].value, cap->relocation_rate);
    cr_assert(cap->relocation_rate > 0);
    cr_assert_eq(v->events[1].value, 0.5 * cap->startup_rate);
    cr_assert_eq(v->events[2].value, 0.0);
    cr_assert_eq(v->events[1].date, 2004.0);
    cr_assert_eq(differing_lines(base->effective, v->effective), 2);
    ric_scenario_free(v);
    ric_scenario_free(base);
}

Test(national, decentralisation_moves_153_institutions_in_2012_to_2019, .init = setup)
{
    ric_scenario *base = load(NATIONAL, NULL, 0);
    ric_scenario *v = load(RIC_SOURCE_DIR "/scenarios/national_decentralisation.cfg", NULL, 0);
    int left = 0, arrived = 0, dormant = 0;
    double staff_left = 0, staff_arrived = 0;
    for (int i = 0; i < v->n_orgs; i++) {
        const ric_org_spec *o = &v->orgs[i], *b = &base->orgs[i];
        cr_assert_str_eq(o->name, b->name);
        if (strncmp(o->name, "public_", 7) == 0) {
            cr_assert(isinf(b->depart), "%s leaves in the baseline", o->name);
            cr_assert_eq(o->depart, atof(o->name + 7), "%s departs in %g", o->name, o->depart);
            cr_assert_eq(o->region, v->capital_region);
            left += o->count;
            staff_left += o->count * o->staff;
        } else if (strncmp(o->name, "moved_", 6) == 0) {
            dormant += b->arrive > base->end;
            cr_assert_eq(o->arrive, 2012.0);
            cr_assert_eq(o->arrive_until, 2020.0);
            cr_assert(in_group(v, o->region, "non_capital"));
            arrived += o->count;
            staff_arrived += o->count * o->staff;
        }
    }
    cr_assert_eq(left, 153);
    cr_assert_eq(arrived, 153);
    cr_assert_eq(dormant, 13);
    cr_assert(fabs(staff_left - 52073.0) < 10.0 && fabs(staff_arrived - 52073.0) < 10.0,
              "staff %.0f left, %.0f arrived", staff_left, staff_arrived);
    cr_assert_eq(differing_lines(base->effective, v->effective), 8 + 2 * 13);
    ric_scenario_free(v);
    ric_scenario_free(base);
}

Test(national, untargeted_programmes_open_to_every_region, .init = setup)
{
    ric_scenario *base = load(NATIONAL, NULL, 0);
    ric_scenario *v = load(RIC_SOURCE_DIR "/scenarios/national_untargeted.cfg", NULL, 0);
    const uint64_t non_capital = group_bit(base, "non_capital"),
                   capital_area = group_bit(base, "capital_area"), kicox = group_bit(base, "kicox");
    const char *const university[][2] = {
        {"nuri", "large"}, {"nuri", "medium"}, {"nuri", "small"}, {"ris_pilot", "projects"}};
    for (size_t k = 0; k < 4; k++) {
        const ric_instrument_spec *b = instrument(base, university[k][0], university[k][1]),
                                  *u = instrument(v, university[k][0], university[k][1]);
        cr_assert_eq(b->groups, non_capital, "%s.%s", university[k][0], university[k][1]);
        cr_assert_eq(b->n_regions, 0);
        cr_assert_eq(u->groups, non_capital | capital_area);
    }
    const char *const phases[] = {"phase1", "phase2"};
    for (size_t k = 0; k < 2; k++) {
        const ric_instrument_spec *b = instrument(base, "kicox", phases[k]),
                                  *u = instrument(v, "kicox", phases[k]);
        cr_assert_eq(b->n_regions, 7);
        for (int i = 0; i < b->n_regions; i++)
            cr_assert(in_group(base, b->regions[i], "pilot"));
        cr_assert_eq(u->n_regions, 0);
        cr_assert_eq(u->groups, kicox);
    }
    cr_assert_eq(differing_lines(base->effective, v->effective), 6);
    ric_scenario_free(v);
    ric_scenario_free(base);
}

/* The fixed workload: today's scenario before issue 13, self-contained (no include), 32 regions
 * and the 126,000 firms of the networking database. */
Test(national, the_bench_fixed_workload_loads, .init = setup)
{
    ric_scenario *sc = load(FIXED, NULL, 0);
    cr_assert_str_eq(sc->name, "national_fixed");
    cr_assert_eq(sc->n_regions, 32);
    cr_assert_eq(sc->n_programmes, 3);
    long firms = 0;
    for (int c = 0; c < sc->n_firms; c++)
        firms += sc->firms[c].count;
    cr_assert_eq(firms, 126000);
    char *text = slurp(FIXED);
    cr_assert(strstr(text, "\n@include") == NULL, "the fixed workload includes a file");
    free(text);
    ric_scenario_free(sc);
}
