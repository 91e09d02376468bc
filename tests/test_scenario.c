/* The scenario loader: a minimal scenario and its defaults, every kind of diagnostic with its exact
 * "file:line: message" text (strings, files, @include, --set overrides and variants), the 32-bit
 * integer trap of libconfig 1.5, and the effective text and hash. */
#include <criterion/criterion.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h" /* make_tmp_dir */
#include "ricsim/scenario.h"

/* The minimal valid scenario, one line per setting so that tests can predict line numbers: extra
 * settings appended to BASE start on line 4. */
#define HEAD                                                                                       \
    "name = \"t\";\n"                                                                              \
    "time = { start = 1990.0; end = 1995.0; };\n"
#define BASE HEAD "regions = { dst = { startup_rate = 2.5; }; };\n"

/* A programme with one instrument; INSTRUMENT_BODY goes into the instrument's group. */
#define PROGRAMME(instrument_body)                                                                 \
    "programmes = { p = {\n"                                                                       \
    "  phases = ( { start = 1991.0; end = 1994.0; budget_usd_m = 3.75; } );\n"                     \
    "  instruments = { i = { applicants = \"firm\"; call = 1991.0; duration_years = 2.0;\n"        \
    "    max_winners = 3;\n" instrument_body " }; };\n"                                            \
    "}; };\n"

/* ---- helpers -------------------------------------------------------------------------------- */

static char tmp[64]; /* a fresh folder per test, removed by cleanup() */

static void make_tmp(void)
{
    make_tmp_dir(tmp);
}

static const char *written[16];
static size_t n_written;

/* Writes TEXT to tmp/NAME and returns the full path (static storage, one per call slot). */
static const char *write_file(const char *name, const char *text)
{
    static char paths[16][128];
    cr_assert(n_written < 16);
    char *path = paths[n_written];
    snprintf(path, sizeof paths[0], "%s/%s", tmp, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    written[n_written++] = path;
    return path;
}

static void cleanup(void)
{
    for (size_t i = 0; i < n_written; i++)
        unlink(written[i]);
    n_written = 0;
    if (tmp[0])
        rmdir(tmp);
}

/* Loads TEXT as "t.cfg" with includes from tmp; returns the status, fills *sc and err. */
static ric_status load_text(const char *text, const char *const *sets, size_t n, ric_scenario **sc,
                            ric_err *err)
{
    memset(err, 0, sizeof *err);
    return ric_scenario_load_string(text, "t.cfg", tmp[0] ? tmp : NULL, sets, n, sc, err);
}

/* Loads TEXT, which must succeed. */
static ric_scenario *load_ok(const char *text, const char *const *sets, size_t n)
{
    ric_scenario *sc = NULL;
    ric_err err;
    ric_status st = load_text(text, sets, n, &sc, &err);
    cr_assert_eq(st, RIC_OK, "unexpected failure: %s", err.msg);
    cr_assert_not_null(sc);
    return sc;
}

/* A failed load must leave *out untouched: tests pass this instead of NULL to see it. */
static ric_scenario untouched;

/* Loads TEXT, which must fail with status ST and the exact diagnostic MSG. */
static void load_fails(const char *text, const char *const *sets, size_t n, ric_status st,
                       const char *msg)
{
    ric_scenario *sc = &untouched;
    ric_err err;
    ric_status got = load_text(text, sets, n, &sc, &err);
    if (sc != &untouched)
        ric_scenario_free(sc);
    cr_assert_eq(got, st, "status %d, expected %d (message: %s)", got, st, err.msg);
    cr_assert_eq(sc, &untouched, "a failed load changed *out");
    cr_assert_str_eq(err.msg, msg);
}

/* Loads the file PATH, which must fail with the exact diagnostic MSG. */
static void file_fails(const char *path, const char *msg)
{
    ric_scenario *sc = &untouched;
    ric_err err = {{0}};
    ric_status got = ric_scenario_load(path, NULL, 0, &sc, &err);
    if (sc != &untouched)
        ric_scenario_free(sc);
    cr_assert_eq(got, RIC_ESCENARIO, "status %d (message: %s)", got, err.msg);
    cr_assert_eq(sc, &untouched, "a failed load changed *out");
    cr_assert_str_eq(err.msg, msg);
}

static ric_scenario *file_ok(const char *path, const char *const *sets, size_t n)
{
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    ric_status st = ric_scenario_load(path, sets, n, &sc, &err);
    cr_assert_eq(st, RIC_OK, "unexpected failure: %s", err.msg);
    return sc;
}

/* ---- a valid scenario and its defaults ------------------------------------------------------ */

Test(scenario, minimal_scenario_loads_with_defaults)
{
    ric_scenario *sc = load_ok(BASE, NULL, 0);
    cr_assert_str_eq(sc->name, "t");
    cr_assert_str_eq(sc->source, "t.cfg");
    cr_assert_eq(sc->start, 1990.0);
    cr_assert_eq(sc->end, 1995.0);
    cr_assert_eq(sc->seed, 1);
    cr_assert_eq(sc->steps_per_year, 12);
    cr_assert_eq(sc->output_every, 1);
    cr_assert_eq(sc->capital_region, -1);
    cr_assert_eq(sc->n_regions, 1);
    cr_assert_str_eq(sc->regions[0].name, "dst");
    cr_assert_eq(sc->regions[0].startup_rate, 2.5);
    cr_assert_eq(sc->regions[0].focus, 1);
    cr_assert_eq(sc->regions[0].pool_exit_rate, 0.1);
    cr_assert_eq(sc->regions[0].graduate_stay_share, 0.5);
    cr_assert_eq(sc->n_orgs + sc->n_firms + sc->n_events + sc->n_programmes, 0);
    cr_assert_eq(ric_scenario_region(sc, "dst"), 0);
    cr_assert_eq(ric_scenario_region(sc, "nowhere"), -1);
    cr_assert_not_null(sc->effective);
    cr_assert_neq(sc->hash, 0);
    ric_scenario_free(sc);
}

Test(scenario, rules_are_filled_with_defaults)
{
    cr_assert_gt(ric_rules_count(), 30);
    cr_assert_null(ric_rules_name(ric_rules_count()));
    /* a scenario giving one rule keeps the others at their defaults */
    ric_scenario *sc = load_ok(BASE "rules = { spinoff = { heritage = 0.615; }; };\n", NULL, 0);
    cr_assert_eq(sc->rules.spinoff_heritage, 0.615);
    cr_assert_eq(*ric_rules_param(&sc->rules, "spinoff.heritage"), 0.615);
    cr_assert_eq(sc->rules.spinoff_institute_rate, 0.001);
    cr_assert_eq(*ric_rules_param(&sc->rules, "spinoff.stay_share"), 0.58);
    cr_assert_eq(*ric_rules_param(&sc->rules, "jobs.large_firm_employees"), 300.0);
    cr_assert_eq(sc->rules.staff_rehire_rate, 0.5);
    cr_assert_null(ric_rules_param(&sc->rules, "spinoff.nosuch"));
    cr_assert_null(ric_rules_param(&sc->rules, "heritage"));
    /* every listed name resolves to its own field, inside the struct */
    for (size_t i = 0; i < ric_rules_count(); i++) {
        const char *nm = ric_rules_name(i);
        cr_assert_not_null(nm);
        double *p = ric_rules_param(&sc->rules, nm);
        cr_assert_not_null(p, "'%s' does not resolve", nm);
        cr_assert((char *)p >= (char *)&sc->rules &&
                  (char *)p < (char *)&sc->rules + sizeof sc->rules);
        for (size_t j = 0; j < i; j++)
            cr_assert_neq(p, ric_rules_param(&sc->rules, ric_rules_name(j)),
                          "'%s' and '%s' share a field", nm, ric_rules_name(j));
        cr_assert(isfinite(*p), "'%s' has no default", nm);
    }
    ric_scenario_free(sc);
}

Test(scenario, money_in_krw_is_converted_at_fx)
{
    ric_scenario *sc =
        load_ok(BASE "fx_krw_per_usd = 1144.0;\n" PROGRAMME("    award_krw_bn = 2.288;"), NULL, 0);
    cr_assert_eq(sc->n_programmes, 1);
    cr_assert_float_eq(sc->programmes[0].instruments[0].award_usd_m, 2.0, 1e-12);
    cr_assert_eq(sc->programmes[0].phases[0].budget_usd_m, 3.75);
    ric_scenario_free(sc);
}

/* ---- diagnostics: keys ---------------------------------------------------------------------- */

Test(scenario, unknown_top_level_key)
{
    load_fails(BASE "colour = 1;\n", NULL, 0, RIC_ESCENARIO, "t.cfg:4: unknown key 'colour'");
}

Test(scenario, unknown_key_in_a_region)
{
    load_fails(HEAD "regions = { dst = {\n  startup_rate = 2.5;\n  start_rate = 1.0; }; };\n", NULL,
               0, RIC_ESCENARIO, "t.cfg:5: unknown key 'regions.dst.start_rate'");
}

Test(scenario, unknown_key_in_rules_spinoff)
{
    load_fails(BASE "rules = {\n  spinoff = { heritage = 0.6;\n    herit = 0.5; };\n};\n", NULL, 0,
               RIC_ESCENARIO, "t.cfg:6: unknown key 'rules.spinoff.herit'");
}

Test(scenario, unknown_rules_group)
{
    load_fails(BASE "rules = {\n  spinof = { heritage = 0.6; };\n};\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:5: unknown key 'rules.spinof'");
}

Test(scenario, unknown_key_in_a_programme_instrument)
{
    load_fails(BASE PROGRAMME("    award_usd_m = 0.85;\n    winners = 2;"), NULL, 0, RIC_ESCENARIO,
               "t.cfg:9: unknown key 'programmes.p.instruments.i.winners'");
}

/* A missing top-level key has no line of its own (the loader prints line 0): check the file and
 * the message, not the line. */
static void top_level_missing(const char *text, const char *const *sets, size_t n, const char *tail)
{
    ric_scenario *sc = NULL;
    ric_err err;
    ric_status st = load_text(text, sets, n, &sc, &err);
    ric_scenario_free(sc);
    cr_assert_eq(st, RIC_ESCENARIO, "%s", err.msg);
    cr_assert_null(sc);
    cr_assert_eq(strncmp(err.msg, "t.cfg:", 6), 0, "%s", err.msg);
    size_t len = strlen(err.msg), k = strlen(tail);
    cr_assert(len > k && strcmp(err.msg + len - k, tail) == 0, "%s", err.msg);
}

Test(scenario, missing_name)
{
    top_level_missing("time = { start = 1990.0; end = 1995.0; };\nregions = { dst = {}; };\n", NULL,
                      0, ": missing required key 'name'");
}

Test(scenario, missing_time_start)
{
    load_fails("name = \"t\";\ntime = {\n  end = 1995.0; };\nregions = { dst = {}; };\n", NULL, 0,
               RIC_ESCENARIO, "t.cfg:2: missing required key 'time.start'");
}

Test(scenario, missing_organisation_staff)
{
    load_fails(BASE "organisations = {\n  kaist = { kind = \"university\"; region = \"dst\";\n"
                    "    graduates_per_year = 120.0; };\n};\n",
               NULL, 0, RIC_ESCENARIO, "t.cfg:5: missing required key 'organisations.kaist.staff'");
}

Test(scenario, missing_regions)
{
    top_level_missing(HEAD "seed = 3L;\n", NULL, 0, ": missing required key 'regions'");
}

Test(scenario, empty_regions)
{
    load_fails(HEAD "regions = {};\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:3: 'regions' must name at least one region");
}

/* ---- diagnostics: types, ranges, names ------------------------------------------------------ */

Test(scenario, wrong_type_time_start_string)
{
    load_fails("name = \"t\";\ntime = {\n  start = \"1990\"; end = 1995.0; };\n"
               "regions = { dst = {}; };\n",
               NULL, 0, RIC_ESCENARIO, "t.cfg:3: 'time.start' must be a number (got string)");
}

Test(scenario, wrong_type_region_not_a_group)
{
    load_fails(HEAD "regions = { dst = 5; };\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:3: 'regions.dst' must be a group (got integer)");
}

Test(scenario, wrong_type_integer_given_a_fraction)
{
    load_fails(BASE
               "organisations = {\n  etri = { kind = \"ri_gvt\"; region = \"dst\"; staff = 776.0;\n"
               "    incubator_rooms = 3.5; };\n};\n",
               NULL, 0, RIC_ESCENARIO,
               "t.cfg:6: 'organisations.etri.incubator_rooms' must be an integer (got number)");
}

Test(scenario, negative_value)
{
    load_fails(HEAD "regions = { dst = {\n  startup_rate = -2.5; }; };\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:4: 'regions.dst.startup_rate' must be >= 0 (got -2.5)");
}

Test(scenario, negative_seed)
{
    load_fails(BASE "seed = -5;\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:4: 'seed' must be >= 0 (got -5)");
}

Test(scenario, value_above_max)
{
    load_fails(HEAD "regions = { dst = {\n  graduate_stay_share = 1.385; }; };\n", NULL, 0,
               RIC_ESCENARIO,
               "t.cfg:4: 'regions.dst.graduate_stay_share' must be <= 1 (got 1.385)");
}

Test(scenario, integer_above_max)
{
    load_fails("name = \"t\";\ntime = { start = 1990.0; end = 1995.0;\n  steps_per_year = 400; };\n"
               "regions = { dst = {}; };\n",
               NULL, 0, RIC_ESCENARIO, "t.cfg:3: 'time.steps_per_year' must be <= 366 (got 400)");
}

Test(scenario, end_before_start)
{
    load_fails("name = \"t\";\ntime = { start = 1990.0;\n  end = 1980.0; };\n"
               "regions = { dst = {}; };\n",
               NULL, 0, RIC_ESCENARIO, "t.cfg:3: 'time.end' must be > 1990 (got 1980)");
}

Test(scenario, organisation_kind_not_allowed)
{
    load_fails(BASE "organisations = {\n  lab = { kind = \"laboratory\"; region = \"dst\"; staff = "
                    "40.0; };\n};\n",
               NULL, 0, RIC_ESCENARIO,
               "t.cfg:5: 'organisations.lab.kind' must be one of ri_gvt, ri_private, ri_semi_gvt, "
               "university, gvt_institution (got \"laboratory\")");
}

Test(scenario, region_name_unknown)
{
    load_fails(
        BASE
        "firms = {\n  locals = { count = 12; employees = 7.5;\n    region = \"daejon\"; };\n};\n",
        NULL, 0, RIC_ESCENARIO, "t.cfg:6: 'firms.locals.region' names no region (got \"daejon\")");
}

Test(scenario, capital_region_unknown)
{
    load_fails(BASE "capital_region = \"seoul\";\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:4: 'capital_region' names no region (got \"seoul\")");
}

Test(scenario, graduates_only_for_universities)
{
    load_fails(BASE
               "organisations = {\n  etri = { kind = \"ri_gvt\"; region = \"dst\"; staff = 776.0;\n"
               "    graduates_per_year = 50.0; };\n};\n",
               NULL, 0, RIC_ESCENARIO,
               "t.cfg:6: 'organisations.etri.graduates_per_year' applies only to universities");
}

Test(scenario, spinoff_shares_above_one)
{
    load_fails(BASE "rules = {\n  spinoff = { stay_share = 0.7; capital_share = 0.45; };\n};\n",
               NULL, 0, RIC_ESCENARIO,
               "t.cfg:4: 'rules.spinoff.stay_share' + 'near_share' + 'capital_share' + "
               "'capital_near_share' must be <= 1 (got 1.15)");
    load_fails(BASE "rules = {\n  spinoff = { stay_share = 0.29; near_share = 0.29; capital_share "
                    "= 0.37;\n capital_near_share = 0.0625; };\n};\n",
               NULL, 0, RIC_ESCENARIO,
               "t.cfg:4: 'rules.spinoff.stay_share' + 'near_share' + 'capital_share' + "
               "'capital_near_share' must be <= 1 (got 1.0125)");
}

Test(scenario, event_key_not_settable)
{
    load_fails(
        BASE "events = (\n  { date = 1992.0; type = \"set\";\n    key = \"rules.spinoff.colour\"; "
             "value = 1.5; }\n);\n",
        NULL, 0, RIC_ESCENARIO,
        "t.cfg:6: 'events.[0].key' names no settable parameter (got \"rules.spinoff.colour\"); "
        "use 'rules.GROUP.NAME', 'regions.REGION.NAME' or 'sectors.SECTOR.NAME'");
}

Test(scenario, phase_end_not_after_start)
{
    load_fails(
        BASE "programmes = { p = {\n  phases = ( { start = 1993.0;\n    end = 1992.5; budget_usd_m "
             "= 1.0; } );\n"
             "  instruments = { i = { applicants = \"firm\"; call = 1991.0; duration_years = 2.0;\n"
             "    max_winners = 3; award_usd_m = 0.5; }; };\n}; };\n",
        NULL, 0, RIC_ESCENARIO,
        "t.cfg:6: 'programmes.p.phases.[0].end' must be > 1993 (got 1992.5)");
}

Test(scenario, award_in_both_currencies)
{
    load_fails(
        BASE
        "fx_krw_per_usd = 1144.0;\n" PROGRAMME("    award_usd_m = 0.85;\n    award_krw_bn = 1.0;"),
        NULL, 0, RIC_ESCENARIO,
        "t.cfg:10: 'programmes.p.instruments.i' gives both 'award_usd_m' and 'award_krw_bn'; "
        "give one");
}

Test(scenario, award_missing)
{
    load_fails(BASE PROGRAMME("    matching_share = 0.1;"), NULL, 0, RIC_ESCENARIO,
               "t.cfg:6: missing required key 'programmes.p.instruments.i.award_usd_m' (or "
               "'award_krw_bn')");
}

Test(scenario, krw_without_fx)
{
    load_fails(BASE PROGRAMME("    award_krw_bn = 1.0;"), NULL, 0, RIC_ESCENARIO,
               "t.cfg:8: 'programmes.p.instruments.i.award_krw_bn' needs 'fx_krw_per_usd' at the "
               "top level");
}

/* ---- libconfig traps: 32-bit integers, syntax, includes ------------------------------------- */

Test(scenario, integer_above_32_bits_without_L_is_rejected, .init = make_tmp, .fini = cleanup)
{
    const char *path = write_file("t.cfg", "name = \"t\";\nseed = 3000000000;\n"
                                           "time = { start = 1990.0; end = 1995.0; };\n"
                                           "regions = { dst = {}; };\n");
    char msg[256];
    snprintf(msg, sizeof msg,
             "%s:2: 'seed' does not fit in 32 bits (got 3000000000); write it with an L suffix",
             path);
    file_fails(path, msg);
}

Test(scenario, integer_above_32_bits_with_L_is_accepted, .init = make_tmp, .fini = cleanup)
{
    const char *path = write_file("t.cfg", "name = \"t\";\nseed = 3000000000L;\n"
                                           "time = { start = 1990.0; end = 1995.0; };\n"
                                           "regions = { dst = {}; };\n");
    ric_scenario *sc = file_ok(path, NULL, 0);
    cr_assert_eq(sc->seed, 3000000000ULL);
    ric_scenario_free(sc);
}

Test(scenario, integer_above_32_bits_in_a_string_is_rejected)
{
    /* wraps to a valid positive value (705032704): only the source text reveals it */
    load_fails(
        BASE
        "firms = {\n  f = { region = \"dst\"; employees = 4.5;\n    count = 5000000000; };\n};\n",
        NULL, 0, RIC_ESCENARIO,
        "t.cfg:6: 'firms.f.count' does not fit in 32 bits (got 5000000000); write it with an L "
        "suffix");
}

Test(scenario, integer_above_32_bits_in_an_include_is_rejected, .init = make_tmp, .fini = cleanup)
{
    /* libconfig records the included file's name relative to the include folder; the source line
     * must be read from there, not from the current directory, or the wrapped value 705032704 is
     * silently accepted (as it was before source_line joined the include folder). */
    write_file("wrapinc.cfg", "# seed of the run\nseed = 5000000000;\n");
    const char *path = write_file("top.cfg", "name = \"t\";\n"
                                             "time = { start = 1990.0; end = 1995.0; };\n"
                                             "regions = { dst = {}; };\n"
                                             "@include \"wrapinc.cfg\"\n");
    cr_assert_eq(chdir("/"), 0);
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    ric_status st = ric_scenario_load(path, NULL, 0, &sc, &err);
    unsigned long long seed = sc ? (unsigned long long)sc->seed : 0;
    ric_scenario_free(sc);
    cr_assert_eq(st, RIC_ESCENARIO, "wrapped literal accepted (seed %llu)", seed);
    cr_assert(strstr(err.msg, "wrapinc.cfg:2: 'seed' does not fit in 32 bits (got 5000000000)"),
              "%s", err.msg);
}

Test(scenario, integer_keys_repeated_on_one_line_are_not_wrapped)
{
    /* Regression (fixed): sim/scenario.c:308 (check_int_literal) takes the first "count =" on the
     * line as the literal of every 'count' on it, so b's count 5 is compared with a's 2 and
     * rejected: "t.cfg:5: 'firms.b.count' does not fit in 32 bits (got 2); write it with an L
     * suffix". */
    ric_scenario *sc = NULL;
    ric_err err;
    ric_status st =
        load_text(BASE "firms = {\n  a = { region = \"dst\"; count = 2; employees = 3.5; }; "
                       "b = { region = \"dst\"; count = 5; employees = 3.5; };\n};\n",
                  NULL, 0, &sc, &err);
    cr_assert_eq(st, RIC_OK, "%s", err.msg);
    cr_assert_eq(sc->n_firms, 2);
    cr_assert_eq(sc->firms[0].count, 2);
    cr_assert_eq(sc->firms[1].count, 5);
    ric_scenario_free(sc);
}

Test(scenario, syntax_error_in_a_string)
{
    load_fails(BASE "firms = {\n  f = { region = \"dst\"; count = ; };\n};\n", NULL, 0,
               RIC_ESCENARIO, "t.cfg:5: syntax error");
}

Test(scenario, syntax_error_in_a_file, .init = make_tmp, .fini = cleanup)
{
    const char *path = write_file("t.cfg", "name = \"t\";\ntime = { start = 1990.0;\n  end = ; };\n"
                                           "regions = { dst = {}; };\n");
    char msg[256];
    snprintf(msg, sizeof msg, "%s:3: syntax error", path);
    file_fails(path, msg);
}

Test(scenario, repeated_key_is_a_parse_error)
{
    load_fails(BASE "seed = 3L;\nseed = 4L;\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:5: duplicate setting name");
}

Test(scenario, missing_file, .init = make_tmp, .fini = cleanup)
{
    char path[128], msg[256];
    snprintf(path, sizeof path, "%s/none.cfg", tmp);
    snprintf(msg, sizeof msg, "%s: cannot open: No such file or directory", path);
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load(path, NULL, 0, &sc, &err), RIC_EIO);
    cr_assert_null(sc);
    cr_assert_str_eq(err.msg, msg);
}

Test(scenario, missing_include_file, .init = make_tmp, .fini = cleanup)
{
    load_fails(BASE "@include \"absent.cfg\"\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:4: @include \"absent.cfg\": No such file or directory");
}

Test(scenario, include_merges_settings, .init = make_tmp, .fini = cleanup)
{
    write_file("orgs.cfg",
               "organisations = {\n  kaist = { kind = \"university\"; region = \"dst\";\n"
               "    staff = 412.5; graduates_per_year = 150.0; };\n};\n");
    const char *path = write_file("top.cfg", BASE "@include \"orgs.cfg\"\n");
    ric_scenario *sc = file_ok(path, NULL, 0);
    cr_assert_eq(sc->n_orgs, 1);
    cr_assert_eq(sc->orgs[0].kind, RIC_ORG_UNIVERSITY);
    cr_assert_eq(sc->orgs[0].staff, 412.5);
    cr_assert_str_eq(sc->source, path);
    /* the effective text has the included settings and no @include */
    cr_assert_not_null(strstr(sc->effective, "staff = 412.5;"));
    cr_assert_null(strstr(sc->effective, "@include"));
    ric_scenario_free(sc);
}

Test(scenario, error_in_an_include_names_that_file_and_line, .init = make_tmp, .fini = cleanup)
{
    write_file(
        "firms.cfg",
        "# firms\nfirms = {\n  f = { region = \"dst\"; count = 3; employees = -2.0; };\n};\n");
    const char *path = write_file("top.cfg", BASE "@include \"firms.cfg\"\n");
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load(path, NULL, 0, &sc, &err), RIC_ESCENARIO);
    cr_assert_null(sc);
    cr_assert(strstr(err.msg, "firms.cfg:3: 'firms.f.employees' must be >= 1 (got -2)"), "%s",
              err.msg);
    /* the path, like the top file's, opens from the current directory (libconfig's own name of
     * the file, "firms.cfg", is relative to the include folder) */
    char msg[256];
    snprintf(msg, sizeof msg, "%s/firms.cfg:3: 'firms.f.employees' must be >= 1 (got -2)", tmp);
    cr_assert_str_eq(err.msg, msg);
}

Test(scenario, syntax_error_in_an_include_names_that_file_and_line, .init = make_tmp,
     .fini = cleanup)
{
    write_file("syn.cfg", "firms = {\n  f = { region = \"dst\";\n    count = ; };\n};\n");
    const char *path = write_file("top.cfg", BASE "@include \"syn.cfg\"\n");
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load(path, NULL, 0, &sc, &err), RIC_ESCENARIO);
    cr_assert(strstr(err.msg, "syn.cfg:3: syntax error"), "%s", err.msg);
    /* the full path, not config_error_file()'s name relative to the include folder */
    char msg[256];
    snprintf(msg, sizeof msg, "%s/syn.cfg:3: syntax error", tmp);
    cr_assert_str_eq(err.msg, msg);
}

/* ---- --set overrides ------------------------------------------------------------------------ */

Test(scenario, set_changes_values)
{
    const char *sets[] = {"regions.dst.startup_rate=4.75", "rules.spinoff.heritage=0.35",
                          "regions.dst.relocation_rate=1.5", "name=renamed",
                          "limits.max_firms=5000"};
    ric_scenario *sc = load_ok(BASE, sets, 5);
    cr_assert_eq(sc->regions[0].startup_rate, 4.75);
    cr_assert_eq(sc->rules.spinoff_heritage, 0.35);    /* 'rules.spinoff' created on the way */
    cr_assert_eq(sc->regions[0].relocation_rate, 1.5); /* created in an existing group */
    cr_assert_str_eq(sc->name, "renamed");
    cr_assert_eq(sc->max_firms, 5000);
    ric_scenario_free(sc);
}

Test(scenario, set_changes_an_existing_rule)
{
    const char *sets[] = {"rules.spinoff.heritage=0.35"};
    ric_scenario *sc = load_ok(BASE "rules = { spinoff = { heritage = 0.6; }; };\n", sets, 1);
    cr_assert_eq(sc->rules.spinoff_heritage, 0.35);
    ric_scenario_free(sc);
}

Test(scenario, later_set_wins)
{
    const char *sets[] = {"regions.dst.startup_rate=4.75", "regions.dst.startup_rate=0.125"};
    ric_scenario *sc = load_ok(BASE, sets, 2);
    cr_assert_eq(sc->regions[0].startup_rate, 0.125);
    ric_scenario_free(sc);
}

Test(scenario, set_list_element)
{
    const char *sets[] = {"programmes.p.phases.[0].budget_usd_m=6.125"};
    ric_scenario *sc = load_ok(BASE PROGRAMME("    award_usd_m = 0.85;"), sets, 1);
    cr_assert_eq(sc->programmes[0].phases[0].budget_usd_m, 6.125);
    ric_scenario_free(sc);
}

Test(scenario, set_on_an_integer_literal)
{
    /* The 32-bit check re-reads the source line, which still shows the old literal: it must not
     * apply to a value an override gave ("'seed' does not fit in 32 bits (got 5)" before a3f162c).
     */
    const char *sets[] = {"seed=7", "time.steps_per_year=4"};
    ric_scenario *sc = NULL;
    ric_err err;
    ric_status st = load_text("name = \"t\";\nseed = 5;\n"
                              "time = { start = 1990.0; end = 1995.0; steps_per_year = 12; };\n"
                              "regions = { dst = {}; };\n",
                              sets, 2, &sc, &err);
    cr_assert_eq(st, RIC_OK, "%s", err.msg);
    cr_assert_eq(sc->seed, 7);
    cr_assert_eq(sc->steps_per_year, 4);
    ric_scenario_free(sc);
}

Test(scenario, set_no_such_group)
{
    /* missing groups are created on the way, then rejected as unknown keys */
    const char *sets[] = {"nosuch.group.x=1"};
    load_fails(BASE, sets, 1, RIC_ESCENARIO, "--set 'nosuch.group.x=1': unknown key 'nosuch'");
}

Test(scenario, set_no_such_list_element)
{
    const char *sets[] = {"programmes.p.phases.[3].start=1991"};
    load_fails(BASE PROGRAMME("    award_usd_m = 0.85;"), sets, 1, RIC_EUSAGE,
               "--set 'programmes.p.phases.[3].start=1991': no setting or group at "
               "'programmes.p.phases.[3].start'");
}

Test(scenario, set_below_a_value)
{
    const char *sets[] = {"name.first=x"};
    load_fails(BASE, sets, 1, RIC_EUSAGE,
               "--set 'name.first=x': no setting or group at 'name.first'");
}

Test(scenario, set_bad_value_type)
{
    const char *sets[] = {"time.start=abc"};
    load_fails(BASE, sets, 1, RIC_EUSAGE,
               "--set 'time.start=abc': 'time.start' must be a number "
               "(got 'abc')");
}

Test(scenario, set_bad_boolean)
{
    const char *sets[] = {"regions.dst.focus=yes"};
    load_fails(
        HEAD "regions = { dst = { focus = true; }; };\n", sets, 1, RIC_EUSAGE,
        "--set 'regions.dst.focus=yes': 'regions.dst.focus' must be true or false (got 'yes')");
}

Test(scenario, set_a_group)
{
    const char *sets[] = {"time=3"};
    load_fails(BASE, sets, 1, RIC_EUSAGE,
               "--set 'time=3': 'time' is a group; only single values "
               "can be set");
}

Test(scenario, set_without_equals)
{
    const char *sets[] = {"regions.dst.startup_rate"};
    load_fails(BASE, sets, 1, RIC_EUSAGE,
               "--set 'regions.dst.startup_rate': expected KEY.PATH=VALUE");
}

Test(scenario, set_creating_an_unknown_key)
{
    const char *sets[] = {"regions.dst.startup=3.5"};
    load_fails(BASE, sets, 1, RIC_ESCENARIO,
               "--set 'regions.dst.startup=3.5': unknown key "
               "'regions.dst.startup'");
}

Test(scenario, set_out_of_range)
{
    const char *sets[] = {"regions.dst.startup_rate=-3.25"};
    load_fails(BASE, sets, 1, RIC_ESCENARIO,
               "--set 'regions.dst.startup_rate=-3.25': "
               "'regions.dst.startup_rate' must be >= 0 (got -3.25)");
}

Test(scenario, set_then_other_error_keeps_file_location)
{
    /* the override is fine; the error elsewhere still names the file and line */
    const char *sets[] = {"regions.dst.startup_rate=3.5"};
    load_fails(BASE "seed = -2;\n", sets, 1, RIC_ESCENARIO,
               "t.cfg:4: 'seed' must be >= 0 (got -2)");
}

Test(scenario, set_does_not_take_the_blame_for_a_missing_key)
{
    /* Regression (fixed): sim/scenario.c:138-141 (where) walks up from each overridden setting
     * while its line is 0, and the root's line is 0 too: after an override that creates a top-level
     * key ('seed', as the CLI's --seed does, or 'limits.max_firms'), every error located at the
     * root is blamed on it: "--set 'seed=9': missing required key 'name'". */
    const char *sets[] = {"seed=9"};
    top_level_missing("time = { start = 1990.0; end = 1995.0; };\nregions = { dst = {}; };\n", sets,
                      1, ": missing required key 'name'");
}

Test(scenario, set_twice_names_the_last_override)
{
    /* the second override replaces the integer setting the first one created by a number */
    const char *sets[] = {"seed=5", "seed=5.5"};
    load_fails(BASE, sets, 2, RIC_ESCENARIO,
               "--set 'seed=5.5': 'seed' must be an integer (got number)");
}

Test(scenario, set_twice_then_an_error_in_the_file)
{
    /* Regression (fixed; showed under AddressSanitizer only): apply_override (sim/scenario.c, the
     * INT -> FLOAT branch, "config_setting_remove(p, nmb)") frees the setting the first override
     * recorded in c->overridden[0]; where() later walks every recorded override
     * ("config_setting_source_line(o)") and reads the freed setting: heap-use-after-free. Without
     * ASan the freed block is usually reused by the new setting and the message comes out right. */
    const char *sets[] = {"seed=5", "seed=5.5"};
    load_fails(BASE "colour = 1;\n", sets, 2, RIC_ESCENARIO, "t.cfg:4: unknown key 'colour'");
}

/* ---- variants ------------------------------------------------------------------------------- */

#define VARIANT_BASE                                                                               \
    BASE "organisations = { kaist = { kind = \"university\"; region = \"dst\"; staff = 300.0; }; " \
         "};\n" PROGRAMME("    award_usd_m = 0.85;")

Test(scenario, variant_renames_removes_and_sets, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", VARIANT_BASE);
    const char *path = write_file("var.cfg", "@include \"base.cfg\"\n"
                                             "variant = {\n"
                                             "  name = \"t_no_p\";\n"
                                             "  description = \"without p\";\n"
                                             "  remove = [\"programmes.p\"];\n"
                                             "  set = [\"regions.dst.startup_rate=4.25\",\n"
                                             "         \"organisations.kaist.staff=512.5\"];\n"
                                             "};\n");
    ric_scenario *sc = file_ok(path, NULL, 0);
    cr_assert_str_eq(sc->name, "t_no_p");
    cr_assert_str_eq(sc->description, "without p");
    cr_assert_eq(sc->n_programmes, 0);
    cr_assert_eq(sc->regions[0].startup_rate, 4.25);
    cr_assert_eq(sc->orgs[0].staff, 512.5);
    cr_assert_null(strstr(sc->effective, "variant"));
    /* the command line's --set applies after the variant's */
    const char *sets[] = {"regions.dst.startup_rate=0.5"};
    ric_scenario *sc2 = file_ok(path, sets, 1);
    cr_assert_eq(sc2->regions[0].startup_rate, 0.5);
    ric_scenario_free(sc2);
    ric_scenario_free(sc);
}

Test(scenario, variant_set_error_names_the_variant_line, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", VARIANT_BASE);
    const char *path = write_file("var.cfg", "@include \"base.cfg\"\n"
                                             "variant = {\n"
                                             "  name = \"v\";\n"
                                             "  set = [\"regions.dst.bogus=1\"];\n"
                                             "};\n");
    char msg[256];
    snprintf(msg, sizeof msg,
             "%s:4: 'variant.set' \"regions.dst.bogus=1\": unknown key 'regions.dst.bogus'", path);
    file_fails(path, msg);
}

Test(scenario, variant_set_out_of_range_names_the_variant_line, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", VARIANT_BASE);
    const char *path = write_file("var.cfg", "@include \"base.cfg\"\n"
                                             "variant = {\n"
                                             "  name = \"v\";\n"
                                             "\n"
                                             "  set = [\"organisations.kaist.staff=-1.5\"];\n"
                                             "};\n");
    char msg[256];
    snprintf(msg, sizeof msg,
             "%s:5: 'variant.set' \"organisations.kaist.staff=-1.5\": 'organisations.kaist.staff' "
             "must be >= 0 (got -1.5)",
             path);
    file_fails(path, msg);
}

Test(scenario, variant_remove_of_nothing, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", VARIANT_BASE);
    const char *path = write_file("var.cfg", "@include \"base.cfg\"\n"
                                             "variant = {\n"
                                             "  name = \"v\";\n"
                                             "  remove = [\"programmes.q\"];\n"
                                             "};\n");
    char msg[256];
    snprintf(msg, sizeof msg,
             "%s:4: 'variant.remove' \"programmes.q\": no setting 'programmes.q' "
             "to remove",
             path);
    file_fails(path, msg);
}

Test(scenario, variant_needs_a_name, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", VARIANT_BASE);
    const char *path = write_file("var.cfg", "@include \"base.cfg\"\n"
                                             "variant = {\n"
                                             "  remove = [\"programmes.p\"];\n"
                                             "};\n");
    char msg[256];
    snprintf(msg, sizeof msg, "%s:2: missing required key 'variant.name'", path);
    file_fails(path, msg);
}

Test(scenario, variant_unknown_key, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", VARIANT_BASE);
    const char *path = write_file("var.cfg", "@include \"base.cfg\"\n"
                                             "variant = {\n"
                                             "  name = \"v\";\n"
                                             "  delete = [\"programmes.p\"];\n"
                                             "};\n");
    char msg[256];
    snprintf(msg, sizeof msg, "%s:4: unknown key 'variant.delete'", path);
    file_fails(path, msg);
}

/* ---- effective text and hash ---------------------------------------------------------------- */

/* Loads TEXT, reloads its effective text, and reports whether hash and text are unchanged. */
static void round_trip(const char *text)
{
    ric_scenario *sc = load_ok(text, NULL, 0);
    ric_scenario *again = load_ok(sc->effective, NULL, 0);
    int same_hash = sc->hash == again->hash;
    int same_text = strcmp(sc->effective, again->effective) == 0;
    int same_values = again->regions[0].startup_rate == sc->regions[0].startup_rate &&
                      again->rules.spinoff_heritage == sc->rules.spinoff_heritage &&
                      again->seed == sc->seed;
    ric_scenario_free(again);
    ric_scenario_free(sc);
    cr_assert(same_values, "values changed on reload");
    cr_assert(same_hash, "hash changed on reload");
    cr_assert(same_text, "effective text changed on reload");
}

Test(scenario, effective_text_round_trips_with_rules)
{
    round_trip(BASE "seed = 42L;\nrules = { spinoff = { heritage = 0.615; }; };\n");
}

Test(scenario, effective_text_round_trips)
{
    /* Regression (fixed): sim/scenario.c:1478-1480 (load) appends 'seed' to the root before
     * fill_rules appends 'rules', so a scenario without a 'rules' group gives "... seed; rules"
     * while its reloaded effective text gives "... rules; seed": another text and another hash
     * (a997eb2af5532e72 vs 3717964589752d6e here), and a rerun of out/scenario.cfg reports another
     * scenario_hash. */
    round_trip(BASE);
}

Test(scenario, same_file_same_hash, .init = make_tmp, .fini = cleanup)
{
    const char *path = write_file("t.cfg", BASE);
    ric_scenario *a = file_ok(path, NULL, 0);
    ric_scenario *b = file_ok(path, NULL, 0);
    cr_assert_eq(a->hash, b->hash);
    cr_assert_str_eq(a->effective, b->effective);
    ric_scenario_free(a);
    ric_scenario_free(b);
}

Test(scenario, different_value_different_hash)
{
    ric_scenario *a = load_ok(BASE "rules = { spinoff = { heritage = 0.7; }; };\n", NULL, 0);
    ric_scenario *b = load_ok(HEAD "regions = { dst = { startup_rate = 2.505; }; };\n"
                                   "rules = { spinoff = { heritage = 0.7; }; };\n",
                              NULL, 0);
    const char *sets[] = {"rules.spinoff.heritage=0.71"};
    ric_scenario *c = load_ok(BASE "rules = { spinoff = { heritage = 0.7; }; };\n", sets, 1);
    cr_assert_neq(a->hash, b->hash);
    cr_assert_neq(a->hash, c->hash);
    cr_assert_neq(b->hash, c->hash);
    ric_scenario_free(a);
    ric_scenario_free(b);
    ric_scenario_free(c);
}

Test(scenario, override_and_edit_give_the_same_hash)
{
    /* the hash is of the effective scenario, not of how it was spelled */
    const char *sets[] = {"regions.dst.startup_rate=4.75"};
    ric_scenario *a = load_ok(BASE "rules = {};\n", sets, 1);
    ric_scenario *b =
        load_ok(HEAD "regions = { dst = {\n  startup_rate = 4.75; }; };\nrules = {};\n", NULL, 0);
    cr_assert_eq(a->hash, b->hash);
    cr_assert_str_eq(a->effective, b->effective);
    ric_scenario_free(a);
    ric_scenario_free(b);
}

/* ---- shipped scenarios ---------------------------------------------------------------------- */

Test(scenario, daedeok_loads)
{
    ric_scenario *sc = file_ok(RIC_SOURCE_DIR "/scenarios/daedeok.cfg", NULL, 0);
    cr_assert_str_eq(sc->name, "daedeok");
    cr_assert_eq(sc->seed, 1973);
    cr_assert_geq(sc->n_regions, 2);
    cr_assert_geq(sc->n_orgs, 1);
    cr_assert_geq(sc->n_events, 1);
    cr_assert_geq(sc->n_programmes, 1);
    cr_assert_geq(sc->capital_region, 0);
    ric_scenario_free(sc);
}

Test(scenario, daedeok_variants_load)
{
    ric_scenario *base = file_ok(RIC_SOURCE_DIR "/scenarios/daedeok.cfg", NULL, 0);
    glob_t g;
    int rc = glob(RIC_SOURCE_DIR "/scenarios/daedeok_*.cfg", 0, NULL, &g);
    cr_assert_eq(rc, 0, "no scenarios/daedeok_*.cfg variant found");
    for (size_t i = 0; i < g.gl_pathc; i++) {
        ric_scenario *sc = NULL;
        ric_err err = {{0}};
        ric_status st = ric_scenario_load(g.gl_pathv[i], NULL, 0, &sc, &err);
        cr_assert_eq(st, RIC_OK, "%s: %s", g.gl_pathv[i], err.msg);
        /* a variant renames the scenario and changes it */
        cr_assert_str_neq(sc->name, "daedeok", "%s keeps the base's name", g.gl_pathv[i]);
        cr_assert_neq(sc->hash, base->hash, "%s changes nothing", g.gl_pathv[i]);
        ric_scenario_free(sc);
    }
    globfree(&g);
    ric_scenario_free(base);
}

Test(scenario, set_event_values_obey_the_bounds_of_their_parameter)
{
    /* found by fuzzing: an event set a region's market growth to 4e11 and overflowed employment */
    load_fails(
        BASE "events = ( { date = 1992.0; type = \"set\"; key = \"regions.dst.market_growth\";\n"
             "  value = 421474836487.0; } );\n",
        NULL, 0, RIC_ESCENARIO, "t.cfg:5: 'events.[0].value' must be <= 1 (got 4.21475e+11)");
    load_fails(BASE
               "events = ( { date = 1992.0; type = \"set\"; key = \"rules.spinoff.heritage\";\n"
               "  value = -0.5; } );\n",
               NULL, 0, RIC_ESCENARIO, "t.cfg:5: 'events.[0].value' must be >= 0 (got -0.5)");
}

Test(scenario, includes_of_folders_and_devices_are_refused_before_libconfig_reads_them)
{
    /* found by fuzzing: libconfig's scanner exits the process when an @include names a folder */
    load_fails(BASE "@include \"/tmp\"\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:4: @include \"/tmp\": not a regular file");
    load_fails(BASE "@include \"/dev/zero\"\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:4: @include \"/dev/zero\": not a regular file");
}

/* The KICOX pair: the same seven complexes, with and without the innovative-cluster programme, on
 * the same time settings (compare refuses others). */
Test(scenario, kicox_pair_loads_and_differs_only_by_the_programme)
{
    ric_scenario *a = file_ok(RIC_SOURCE_DIR "/scenarios/kicox_complex.cfg", NULL, 0);
    ric_scenario *b = file_ok(RIC_SOURCE_DIR "/scenarios/kicox_cluster.cfg", NULL, 0);
    cr_assert_eq(a->n_regions, 7);
    cr_assert_eq(b->n_regions, 7);
    cr_assert_eq(a->n_programmes, 0);
    cr_assert_eq(b->n_programmes, 1);
    cr_assert_str_eq(b->programmes[0].name, "kicox");
    cr_assert(a->start == b->start && a->end == b->end && a->steps_per_year == b->steps_per_year &&
              a->output_every == b->output_every);
    cr_assert_eq(a->n_firms, b->n_firms);
    cr_assert_eq(a->seed, b->seed);
    ric_scenario_free(a);
    ric_scenario_free(b);
}

/* ---- identifiers (issue 16) ------------------------------------------------------------------ */

/* Names outside [A-Za-z0-9_.-] are refused with FILE:LINE: a newline in the scenario's name used
 * to inject a header and a data row into series.tsv */
Test(scenario, names_outside_the_identifier_set_are_refused)
{
    load_fails("name = \"t\\nyear\\tfirms\\n2000\\t1\";\n"
               "time = { start = 1990.0; end = 1995.0; };\n"
               "regions = { dst = { startup_rate = 2.5; }; };\n",
               NULL, 0, RIC_ESCENARIO,
               "t.cfg:1: 'name' may hold only letters, digits, '_', '.' and '-' (got "
               "\"t\\nyear\\tfirms\\n2000\\t1\")");
    load_fails(HEAD "regions = { d*st = { startup_rate = 2.5; }; };\n", NULL, 0, RIC_ESCENARIO,
               "t.cfg:3: 'regions.d*st' may hold only letters, digits, '_', '.' and '-' (got "
               "\"d*st\")");
    load_fails("name = \"\";\n"
               "time = { start = 1990.0; end = 1995.0; };\n"
               "regions = { dst = { startup_rate = 2.5; }; };\n",
               NULL, 0, RIC_ESCENARIO,
               "t.cfg:1: 'name' may hold only letters, digits, '_', '.' and '-' (got \"\")");
    ric_scenario *sc = load_ok("name = \"daedeok_v-2.1\";\n"
                               "time = { start = 1990.0; end = 1995.0; };\n"
                               "regions = { dst = { startup_rate = 2.5; }; };\n",
                               NULL, 0);
    cr_assert_str_eq(sc->name, "daedeok_v-2.1");
    ric_scenario_free(sc);
}

/* Sizes are bounded before libconfig parses (its scanner is quadratic in a string's length: a
 * 10 MB string took over a minute): 8 MiB per file, 64 KiB per string literal (issue 16) */
Test(scenario, files_and_strings_have_exact_limits, .init = make_tmp, .fini = cleanup)
{
    size_t n = 65 << 10;
    char *text = malloc(n + 256);
    cr_assert_not_null(text);
    int k = snprintf(text, 256,
                     BASE "# a \"quote in a comment\n/* and \" in a block */\n"
                          "description = \"");
    memset(text + k, 'x', n);
    strcpy(text + k + n, "\";\n");
    load_fails(text, NULL, 0, RIC_ESCENARIO, "t.cfg:6: a string longer than the limit of 64 KiB");
    text[k + (64 << 10) - 200] = '\0';
    strcat(text, "\";\n");
    /* under the limit the string reaches the loader, which has its own bound for a description */
    load_fails(text, NULL, 0, RIC_ESCENARIO,
               "t.cfg:6: 'description' is longer than 255 characters");
    free(text);
    n = (8 << 20) + 1;
    text = malloc(n + 1);
    cr_assert_not_null(text);
    k = snprintf(text, 256, "%s", BASE);
    memset(text + k, '#', n - (size_t)k);
    text[n] = '\0';
    const char *path = write_file("big.cfg", text);
    free(text);
    char want[300];
    snprintf(want, sizeof want, "%s: larger than the limit of 8 MiB for a scenario or study file",
             path);
    file_fails(path, want);
}
