/* One simulation: init / step / done (GSL's iterate pattern). ric_sim_step runs the phases of one
 * step in the order listed in sim.c; ric_run drives a whole run into an output folder. */
#ifndef RICSIM_SIM_H
#define RICSIM_SIM_H

#include <stddef.h>

#include "ricsim/kernels.h"
#include "ricsim/scenario.h"
#include "ricsim/status.h"

/* Opaque here; the model's internal headers (model/world.h, model/programme.h) define them. */
typedef struct ric_world ric_world;
typedef struct ric_birth ric_birth;
typedef struct ric_programmes ric_programmes;
typedef struct ric_evaluation ric_evaluation;
typedef struct ric_regions ric_regions;

typedef struct ric_sim ric_sim;

/* Caller frees with ric_sim_free. The scenario must outlive the simulation. */
ric_status ric_sim_alloc(const ric_scenario *sc, ric_sim **out, ric_err *err);
void ric_sim_free(ric_sim *s);

int ric_sim_done(const ric_sim *s);
/* Runs one step. Fails (RIC_ECAPACITY) when the firm capacity is exhausted. */
ric_status ric_sim_step(ric_sim *s, ric_err *err);
/* Whether the step just run ends an output interval. */
int ric_sim_output_due(const ric_sim *s);

/* The step-and-row loop's body, written once: runs one step and, when it ends an output interval,
 * fills ROW (ric_sim_ncols values, the flows since the last row reset) and sets *due; else *due
 * is 0 and ROW is untouched. Fails like ric_sim_step. */
ric_status ric_sim_advance(ric_sim *s, double *row, int *due, ric_err *err);

/* Output columns: names, and the current row (resets the flows counted since the last row). */
size_t ric_sim_ncols(const ric_sim *s);
const char *const *ric_sim_colnames(const ric_sim *s);
void ric_sim_row(ric_sim *s, double *vals);

/* Every region's row (regions.tsv; run/regions.h) as the last output row left it. */
const ric_regions *ric_sim_regions(const ric_sim *s);
/* Output rows a whole run writes (every output_every steps, and the last step). */
size_t ric_sim_nrows(const ric_sim *s);

/* Genealogy rows of the last step. */
const ric_birth *ric_sim_births(const ric_sim *s, size_t *n);

const ric_world *ric_sim_world(const ric_sim *s);
const ric_programmes *ric_sim_programmes(const ric_sim *s);
/* The programmes' in-run evaluation (model/evaluation.h), as evaluation.tsv writes it. */
const ric_evaluation *ric_sim_evaluation(const ric_sim *s);

/* Phases of a step and the wall time spent in each so far (seconds). */
size_t ric_sim_nphases(void);
const char *ric_sim_phase_name(size_t i);
double ric_sim_phase_seconds(const ric_sim *s, size_t i);

/* Runs SC to the end, writing series.tsv, regions.tsv, genealogy.tsv, evaluation.tsv and
 * scenario.cfg into DIR atomically. */
ric_status ric_run(const ric_scenario *sc, const char *dir, int force, ric_err *err);

#endif
