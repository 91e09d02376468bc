/* Helpers shared by the test files: loading scenarios, running them into temporary folders and
 * reading files back. Header-only (static) so each test executable stays one source file. */
#ifndef RICSIM_TEST_SUPPORT_H
#define RICSIM_TEST_SUPPORT_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "ricsim/sim.h"
#include "model/programme.h"
#include "model/world.h"

#define TINY RIC_SOURCE_DIR "/tests/golden/tiny.cfg"
#define DAEDEOK RIC_SOURCE_DIR "/scenarios/daedeok.cfg"

static inline ric_scenario *load(const char *path, const char *const *sets, size_t n)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    ric_status st = ric_scenario_load(path, sets, n, &sc, &err);
    cr_assert_eq(st, RIC_OK, "%s", err.msg);
    return sc;
}

/* Runs SC into a new folder under /tmp (its name into dir, 64 bytes); returns series.tsv. */
static inline char *run_to_tmp(const ric_scenario *sc, char *dir)
{
    make_tmp_dir(dir);
    ric_err err = {{0}};
    cr_assert_eq(ric_run(sc, dir, 0, &err), RIC_OK, "%s", err.msg);
    char path[300];
    snprintf(path, sizeof path, "%s/series.tsv", dir);
    return slurp(path);
}

static inline void remove_run(const char *dir)
{
    const char *files[] = {"series.tsv", "regions.tsv", "genealogy.tsv", "evaluation.tsv",
                           "scenario.cfg"};
    char p[300];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* Column index of NAME in a simulation's rows. */
static inline long col(const ric_sim *s, const char *name)
{
    const char *const *names = ric_sim_colnames(s);
    for (size_t i = 0; i < ric_sim_ncols(s); i++)
        if (strcmp(names[i], name) == 0)
            return (long)i;
    cr_assert_fail("no column %s", name);
    return -1;
}

static inline ric_sim *start(const ric_scenario *sc)
{
    ric_sim *s = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK, "%s", err.msg);
    return s;
}

static inline void step(ric_sim *s)
{
    ric_err err = {{0}};
    cr_assert_eq(ric_sim_step(s, &err), RIC_OK, "%s", err.msg);
}

#endif
