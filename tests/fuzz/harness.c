/* Fuzz harnesses: hostile scenario text and hostile --set overrides must give a status and a
 * message, never a crash, a leak or undefined behaviour. Valid scenarios are simulated for a few
 * steps when they are small enough to be cheap, so the rules see strange but legal parameters. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ricsim/experiment.h"
#include "ricsim/sim.h"

static const char base[] =
    "name = \"fuzz\";\n"
    "time = { start = 2000.0; end = 2002.0; steps_per_year = 12; };\n"
    "regions = { a = { labour_pool = 50.0; startup_rate = 2.0; }; b = { focus = false; }; };\n"
    "capital_region = \"b\";\n"
    "organisations = { u = { kind = \"university\"; region = \"a\"; staff = 40.0; "
    "graduates_per_year = 20.0; tto_per_year = 2.0; }; };\n"
    "firms = { f = { region = \"a\"; count = 20; employees = 5.0; }; };\n"
    "events = ( { date = 2001.0; type = \"set\"; key = \"regions.a.market_growth\"; value = -0.1; } );\n"
    "programmes = { p = { phases = ( { start = 2000.5; end = 2002.0; budget_usd_m = 3.0; } ); "
    "instruments = { i = { applicants = \"firm\"; call = 2000.5; duration_years = 1.0; "
    "award_usd_m = 1.0; max_winners = 2; }; }; }; };\n";

/* Runs at most 24 steps of a loaded scenario that is small enough to be quick. */
static void simulate(const ric_scenario *sc)
{
    double cohort = 0;
    for (int i = 0; i < sc->n_firms; i++)
        cohort += sc->firms[i].count;
    if (sc->max_firms > 200000 || cohort > 20000)
        return;
    ric_err err;
    ric_sim *s = NULL;
    if (ric_sim_alloc(sc, &s, &err) != RIC_OK)
        return;
    double *row = malloc(ric_sim_ncols(s) * sizeof *row);
    for (int k = 0; k < 24 && !ric_sim_done(s) && row; k++) {
        if (ric_sim_step(s, &err) != RIC_OK)
            break;
        if (ric_sim_output_due(s))
            ric_sim_row(s, row);
    }
    free(row);
    ric_sim_free(s);
}

int ric_fuzz_scenario(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ric_err err;
    ric_scenario *sc = NULL;
    /* no include folder: @include is resolved against a folder that holds nothing */
    if (ric_scenario_load_string(text, "fuzz.cfg", "/nonexistent", NULL, 0, &sc, &err) == RIC_OK) {
        simulate(sc);
        ric_scenario_free(sc);
    }
    free(text);
    return 0;
}

int ric_fuzz_set(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *sets[8];
    size_t n = 0;
    for (char *line = text; line && n < 8;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        sets[n++] = line;
        line = nl ? nl + 1 : NULL;
    }
    ric_err err;
    ric_scenario *sc = NULL;
    if (ric_scenario_load_string(base, "fuzz.cfg", "/nonexistent", sets, n, &sc, &err) == RIC_OK) {
        simulate(sc);
        ric_scenario_free(sc);
    }
    free(text);
    return 0;
}

/* Experiment files are read from disk (@include resolves against their folder): a private folder
 * holds base.cfg and each input as exp.cfg. Loaded plans are printed for their first runs. */
int ric_fuzz_experiment(const uint8_t *data, size_t size)
{
    static char dir[64];
    char path[128];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/ricsim_fuzz_exp_XXXXXX");
        if (!mkdtemp(dir))
            return 0;
        snprintf(path, sizeof path, "%s/base.cfg", dir);
        FILE *f = fopen(path, "w");
        if (!f)
            return 0;
        fputs(base, f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/exp.cfg", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    ric_err err;
    ric_plan *p = NULL;
    if (ric_plan_load(path, &p, &err) == RIC_OK) {
        char *text = NULL;
        size_t end = p->n_runs < 4 ? p->n_runs : 4;
        if (ric_plan_text(p, 0, end, &text, &err) == RIC_OK)
            free(text);
        ric_plan_free(p);
    }
    return 0;
}
