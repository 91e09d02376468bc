/* The runs of a plan (ric_plan_run, ric_plan_overrides, ric_plan_shard, ric_plan_text in
 * ricsim/experiment.h), and what the loader, the run and the sweep share of them. */
#ifndef RICSIM_RUNS_H
#define RICSIM_RUNS_H

#include <stddef.h>

#include "base/sbuf.h"
#include "ricsim/experiment.h"
#include "ricsim/scenario.h"

/* Loads the scenario of run ID of the plan with the run's overrides (parameters and seed). */
ric_status ric_runs_load(const ric_plan *p, size_t id, ric_scenario **sc, ric_err *err);

/* Value J of design row ROW as override text, in buf of n bytes. */
void ric_runs_value(const ric_plan *p, size_t row, size_t j, char *buf, size_t n);

/* Slice I of N of N_ITEMS items in order (a shard: of a plan's runs, of a study's design points):
 * [first, end), sizes differing by at most one; the whole when N < 2. */
void ric_runs_slice(size_t n_items, size_t i, size_t n, size_t *first, size_t *end);

/* "# " lines describing the plan: the head of plan.tsv and series.tsv. */
void ric_runs_head(const ric_plan *p, ric_sbuf *b);

#endif
