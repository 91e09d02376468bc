/* The public API alone is enough to embed ricsim: this file is compiled with include/ only (not
 * sim/, where the internal headers live). It loads and checks a scenario, runs it step by step
 * reading its rows, switches the kernels, and plans and runs a small sweep in-process. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ricsim/experiment.h"
#include "ricsim/kernels.h"
#include "ricsim/scenario.h"
#include "ricsim/sim.h"

#include "fs.h"

#define TINY RIC_SOURCE_DIR "/tests/golden/tiny.cfg"

static long column(const ric_sim *s, const char *name)
{
    const char *const *names = ric_sim_colnames(s);
    for (size_t i = 0; i < ric_sim_ncols(s); i++)
        if (strcmp(names[i], name) == 0)
            return (long)i;
    return -1;
}

/* Runs the tiny scenario to its end; returns the rows and the last value of "firms". */
static size_t run_rows(const ric_scenario *sc, double *last_firms)
{
    ric_err err = {{0}};
    ric_sim *s = NULL;
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK, "%s", err.msg);
    double *row = calloc(ric_sim_ncols(s), sizeof *row);
    const long firms = column(s, "firms");
    cr_assert_geq(firms, 0);
    size_t rows = 0;
    while (!ric_sim_done(s)) {
        int due;
        cr_assert_eq(ric_sim_advance(s, row, &due, &err), RIC_OK, "%s", err.msg);
        rows += due != 0;
        if (due)
            *last_firms = row[firms];
    }
    free(row);
    ric_sim_free(s);
    return rows;
}

Test(api, load_check_and_run_a_scenario_reading_its_rows)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    const char *bad[] = {"time.end=1900"};
    cr_assert_eq(ric_scenario_load(TINY, bad, 1, &sc, &err), RIC_ESCENARIO);
    cr_assert(strstr(err.msg, "'time.end'"), "%s", err.msg);
    cr_assert_null(sc);
    cr_assert_eq(ric_scenario_load(TINY, NULL, 0, &sc, &err), RIC_OK, "%s", err.msg);
    double with = -1, without = -2;
    const size_t rows = run_rows(sc, &with);
    cr_assert_eq(rows, 60, "five years of monthly rows, got %zu", rows);
    cr_assert_gt(with, 100);
    /* the reference code gives the same run */
    const unsigned old = ric_kernels_select(0);
    cr_assert_eq(ric_kernels_selected(), 0u);
    run_rows(sc, &without);
    ric_kernels_select(old);
    cr_assert_eq(with, without);
    cr_assert_str_eq(ric_kernel_name(0), "philox8");
    cr_assert_null(ric_kernel_name(ric_kernels_n()));
    ric_scenario_free(sc);
}

Test(api, plan_and_run_a_sweep)
{
    char dir[64];
    make_tmp_dir(dir);
    char exp[128], out[128], base[128];
    snprintf(base, sizeof base, "%s/tiny.cfg", dir); /* includes resolve in the file's folder */
    char *tiny = slurp(TINY);
    FILE *b = fopen(base, "w");
    cr_assert_not_null(b);
    fputs(tiny, b);
    fclose(b);
    free(tiny);
    snprintf(exp, sizeof exp, "%s/exp.cfg", dir);
    snprintf(out, sizeof out, "%s/sweep", dir);
    FILE *f = fopen(exp, "w");
    cr_assert_not_null(f);
    fputs("@include \"tiny.cfg\"\nexperiment = { seed = 5L; replications = 2; design = \"grid\";\n"
          "  parameters = ( { key = \"rules.jobs.noise\"; values = [0.1, 0.4]; } );\n"
          "  indicators = [\"firms\"]; };\n",
          f);
    fclose(f);
    ric_err err = {{0}};
    ric_plan *p = NULL;
    cr_assert_eq(ric_plan_load(exp, &p, &err), RIC_OK, "%s", err.msg);
    ric_sweep_opts o = {.jobs = 2};
    ric_sweep *sw = NULL;
    cr_assert_eq(ric_sweep_open(p, out, &o, &sw, &err), RIC_OK, "%s", err.msg);
    size_t finished = 0;
    while (!ric_sweep_done(sw)) {
        ric_sweep_event ev;
        cr_assert_eq(ric_sweep_step(sw, &ev, &err), RIC_OK, "%s", err.msg);
        if (ev.finished) {
            cr_assert(ev.ok, "run %zu failed: %s", ev.id, ev.error);
            finished++;
        }
    }
    cr_assert_eq(finished, 4);
    cr_assert_eq(ric_sweep_finish(sw, &err), RIC_OK, "%s", err.msg);
    ric_sweep_free(sw);
    ric_plan_free(p);
    char path[160];
    snprintf(path, sizeof path, "%s/stats.tsv", out);
    char *stats = slurp(path);
    cr_assert(strstr(stats, "firms"), "stats.tsv names the indicator");
    free(stats);
    remove_tree(dir);
}
