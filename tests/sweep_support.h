/* Helpers of the tests that run experiments (test_experiment.c, test_tidy.c): a plan of an
 * experiment text over the tiny scenario, and a sweep driven to its end. Header-only (static). */
#ifndef RICSIM_TEST_SWEEP_SUPPORT_H
#define RICSIM_TEST_SWEEP_SUPPORT_H

#include "tmpdir.h"

#include "ricsim/experiment.h"

/* The plan of EXP_TEXT, written as tmp/exp.cfg beside tmp/base.cfg (the tiny scenario). */
static inline ric_plan *plan_of(const char *exp_text)
{
    write_file("base.cfg", TINY_CFG_TEXT);
    const char *path = write_file("exp.cfg", exp_text);
    ric_plan *p = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_plan_load(path, &p, &err), RIC_OK, "%s", err.msg);
    return p;
}

/* Sweeps p into DIR with the given options, to the end (finished when every run is done);
 * returns the progress. */
static inline ric_sweep_progress sweep_to(const ric_plan *p, const char *dir, ric_sweep_opts o)
{
    ric_sweep *sw = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_sweep_open(p, dir, &o, &sw, &err), RIC_OK, "%s", err.msg);
    while (!ric_sweep_done(sw)) {
        ric_sweep_event ev;
        cr_assert_eq(ric_sweep_step(sw, &ev, &err), RIC_OK, "%s", err.msg);
    }
    ric_sweep_progress pg;
    ric_sweep_progress_get(sw, &pg);
    if (pg.done == pg.total)
        cr_assert_eq(ric_sweep_finish(sw, &err), RIC_OK, "%s", err.msg);
    ric_sweep_free(sw);
    return pg;
}

#endif
