/* Fuzz harnesses: hostile scenario text and hostile --set overrides must give a status and a
 * message, never a crash, a leak or undefined behaviour. Valid scenarios are simulated for a few
 * steps when they are small enough to be cheap, so the rules see strange but legal parameters. */
#include "harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ricsim/design.h"
#include "ricsim/experiment.h"
#include "ricsim/sim.h"
#include "studies/calibrate.h"
#include "studies/sensitivity.h"

static const char base[] =
    "name = \"fuzz\";\n"
    "time = { start = 2000.0; end = 2002.0; steps_per_year = 12; };\n"
    "regions = { a = { labour_pool = 50.0; startup_rate = 2.0; }; b = { focus = false; }; };\n"
    "capital_region = \"b\";\n"
    "organisations = { u = { kind = \"university\"; region = \"a\"; staff = 40.0; "
    "graduates_per_year = 20.0; tto_per_year = 2.0; }; };\n"
    "firms = { f = { region = \"a\"; count = 20; employees = 5.0; }; };\n"
    "events = ( { date = 2001.0; type = \"set\"; key = \"regions.a.market_growth\"; value = -0.1; "
    "} );\n"
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

/* Writes SIZE bytes of DATA to PATH; 0 on success. */
static int put_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = fwrite(data, 1, size, f);
    return fclose(f) != 0 || put != size ? -1 : 0;
}

/* The harnesses' private folder (made once, NULL if it cannot be), holding base.cfg and a small
 * targets table t.tsv for study files. */
static const char *private_dir(void)
{
    static char dir[64];
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "/tmp/ricsim_fuzz_XXXXXX");
    if (!mkdtemp(dir))
        return dir[0] = '\0', NULL;
    char path[128];
    static const char targets[] = "year\tcolumn\tobserved\tweight\n2001\tsmes\t20\t1\n";
    snprintf(path, sizeof path, "%s/base.cfg", dir);
    int bad = put_file(path, base, strlen(base));
    snprintf(path, sizeof path, "%s/t.tsv", dir);
    bad |= put_file(path, targets, strlen(targets));
    return bad ? NULL : dir;
}

/* Experiment files are read from disk (@include resolves against their folder): a private folder
 * holds base.cfg and each input as exp.cfg. Loaded plans are printed for their first runs. */
int ric_fuzz_experiment(const uint8_t *data, size_t size)
{
    const char *dir = private_dir();
    char path[128];
    if (!dir)
        return 0;
    snprintf(path, sizeof path, "%s/exp.cfg", dir);
    if (put_file(path, data, size))
        return 0;
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

int ric_fuzz_design(const uint8_t *data, size_t size)
{
    const char *dir = private_dir();
    if (!dir || size == 0)
        return 0;
    char path[128];
    snprintf(path, sizeof path, "%s/design.tsv", dir);
    if (put_file(path, data + 1, size - 1))
        return 0;
    unsigned pick = data[0];
    ric_design_param p[3] = {
        {.key = "rules.exit.base_rate", .lo = 0.01, .hi = 0.9},
        {.key = "regions.a.labour_pool", .lo = 1, .hi = 1e4},
        {.key = "firms.f.count", .lo = 0, .hi = 100, .integer = 1},
    };
    size_t n = 1 + pick % 3;
    for (size_t j = 0; j < n; j++)
        p[j].has_range = (pick >> (2 + j)) & 1;
    p[2].integer = (pick >> 5) & 1;
    ric_design_opts o = {.file = path};
    ric_design d = {0};
    ric_err err;
    if (ric_design_make(ric_design_find("file"), p, n, &o, &d, &err) == RIC_OK)
        ric_design_fini(&d);
    return 0;
}

int ric_fuzz_targets(const uint8_t *data, size_t size)
{
    const char *dir = private_dir();
    if (!dir)
        return 0;
    char path[128];
    snprintf(path, sizeof path, "%s/targets.tsv", dir);
    if (put_file(path, data, size))
        return 0;
    ric_target *t = NULL;
    size_t n = 0;
    ric_err err;
    if (ric_calibrate_targets_read(path, &t, &n, &err) == RIC_OK)
        free(t);
    return 0;
}

/* Study files are loaded (their scenario, targets and design checked), never run. */
int ric_fuzz_study(const uint8_t *data, size_t size)
{
    const char *dir = private_dir();
    if (!dir)
        return 0;
    char path[128];
    snprintf(path, sizeof path, "%s/study.cfg", dir);
    if (put_file(path, data, size))
        return 0;
    ric_err err;
    ric_calibration *c = NULL;
    if (ric_calibrate_load(path, &c, &err) == RIC_OK)
        ric_calibrate_free(c);
    ric_sensitivity *s = NULL;
    if (ric_sensitivity_load(path, &s, &err) == RIC_OK)
        ric_sensitivity_free(s);
    return 0;
}

/* The shard files the shard harness replaces: plan.tsv, runs.tsv and series.tsv of two shards,
 * then regions.tsv of each (after the first six, so that the saved inputs keep their files) */
enum { SHARD_FILES = 8 };
static char *shard_text[SHARD_FILES];
static size_t shard_len[SHARD_FILES];
static char shard_path[SHARD_FILES][256];

static int sweep_shards(void);

/* Sweeps the two shards of a 6-run experiment on base.cfg into DIR/sweep, in this process (jobs
 * 0, as MPI ranks do), and keeps their files. The sweep runs in DIR with relative names, so that
 * its files are those 'ricsim sweep shards.cfg --out sweep --shard I/2' writes (the seed corpus).
 * 0 on success. */
static int make_shards(const char *dir)
{
    int here = open(".", O_RDONLY | O_DIRECTORY);
    if (here < 0 || chdir(dir) != 0)
        return -1;
    int rc = sweep_shards();
    if (fchdir(here) != 0)
        rc = -1;
    close(here);
    if (rc)
        return rc;
    static const char *const names[3] = {"plan.tsv", "runs.tsv", "series.tsv"};
    int bad = 0;
    for (size_t k = 0; k < SHARD_FILES && !bad; k++) {
        char out[160], sd[192];
        snprintf(out, sizeof out, "%s/sweep", dir);
        ric_sweep_shard_dir(out, k < 6 ? k / 3 : k - 6, 2, sd, sizeof sd);
        snprintf(shard_path[k], sizeof shard_path[k], "%s/%s", sd,
                 k < 6 ? names[k % 3] : "regions.tsv");
        FILE *f = fopen(shard_path[k], "rb");
        bad = !f;
        if (f) {
            shard_text[k] = malloc(1 << 20);
            shard_len[k] = shard_text[k] ? fread(shard_text[k], 1, 1 << 20, f) : 0;
            bad = !shard_text[k] || shard_len[k] == 0 || shard_len[k] == 1 << 20;
            fclose(f);
        }
    }
    return bad ? -1 : 0;
}

/* The two shards, swept in the current folder. */
static int sweep_shards(void)
{
    static const char exp[] = "@include \"base.cfg\"\n"
                              "experiment = { replications = 2; seed = 5L;\n"
                              "  parameters = ( { key = \"rules.exit.base_rate\"; "
                              "values = [0.05, 0.1, 0.2]; } ); };\n";
    const char *path = "shards.cfg", *out = "sweep";
    ric_plan *p = NULL;
    ric_err err;
    if (put_file(path, exp, strlen(exp)) || ric_plan_load(path, &p, &err) != RIC_OK)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < 2 && !bad; i++) {
        ric_sweep_opts o = {.jobs = 0, .shard = i, .n_shards = 2};
        ric_sweep *sw = NULL;
        bad = ric_sweep_open(p, out, &o, &sw, &err) != RIC_OK;
        size_t id;
        while (!bad && ric_sweep_take(sw, &id)) {
            char *row = NULL, *series = NULL;
            size_t rl = 0, sl = 0;
            ric_sweep_event ev;
            bad = ric_plan_execute(p, id, &row, &rl, &series, &sl, &err) != RIC_OK ||
                  ric_sweep_put(sw, id, row, rl, series, sl, &ev, &err) != RIC_OK;
            free(row);
            free(series);
        }
        bad = bad || ric_sweep_finish(sw, &err) != RIC_OK;
        ric_sweep_free(sw);
    }
    ric_plan_free(p);
    return bad ? -1 : 0;
}

int ric_fuzz_shard(const uint8_t *data, size_t size)
{
    static int made = -1;
    const char *dir = private_dir();
    if (!dir || size == 0)
        return 0;
    if (made < 0)
        made = make_shards(dir) == 0;
    if (!made)
        abort(); /* the harness itself is broken: say so loudly */
    size_t k = data[0] % SHARD_FILES;
    if (put_file(shard_path[k], data + 1, size - 1))
        return 0;
    char out[160];
    snprintf(out, sizeof out, "%s/sweep", dir);
    size_t n = 0;
    ric_err err;
    ric_sweep_merge(out, 1, &n, &err);
    put_file(shard_path[k], shard_text[k], shard_len[k]);
    return 0;
}
