/* Run outputs written atomically (base/atomic.h): every file goes to a temporary name in the
 * output folder and is renamed into place only when the run completes, series.tsv last, so a
 * series.tsv that exists is complete. A failed or interrupted run leaves no file under a final
 * name. */
#ifndef RICSIM_OUTPUT_H
#define RICSIM_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "model/evaluation.h"
#include "model/world.h"
#include "ricsim/status.h"
#include "run/regions.h"

typedef struct ric_output ric_output;

/* Creates DIR if needed; refuses when DIR already holds a series.tsv unless FORCE. */
ric_status ric_output_open(const char *dir, int force, ric_output **out, ric_err *err);

/* "# key=value" metadata lines, then the one header row. */
void ric_output_meta(ric_output *o, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ric_output_header(ric_output *o, const char *const *names, size_t n);
void ric_output_row(ric_output *o, const double *vals, size_t n);
/* One value of an output table (stats, tidy tables): like series.tsv (%.10g, NaN), with Inf and
 * -Inf for infinities. */
void ric_output_put_value(FILE *f, double v);
/* The row format of series.tsv (year to 4 decimals, values to 10 significant digits, NaN), for
 * every file that must match it byte for byte (a sweep's combined series). */
void ric_output_write_row(FILE *f, const double *vals, size_t n);
void ric_output_births(ric_output *o, const ric_birth *b, size_t n, const ric_world *w);
void ric_output_scenario(ric_output *o, const char *text);
/* evaluation.tsv: a data set per programme ("# [programme NAME]", a comment, the header, the
 * rows from its base year), written whole at the end of the run. */
void ric_output_evaluation(ric_output *o, const ric_evaluation *ev, const ric_scenario *sc);

/* regions.tsv: its rows are kept until the end of the run, in room for ROWS output rows reserved
 * here, before the step loop (RIC_ENOMEM when it cannot be had); ric_output_regions_row copies
 * the current rows of every region, ric_output_regions writes the file, a data set per region. */
ric_status ric_output_regions_reserve(ric_output *o, const ric_scenario *sc, size_t rows,
                                      ric_err *err);
void ric_output_regions_row(ric_output *o, const ric_regions *rg);
void ric_output_regions(ric_output *o, const ric_scenario *sc);
/* regions.tsv's text, for every file that must match it byte for byte: the head of the file, and
 * the data set of region R, its N_ROWS rows of RIC_RCOL_N values STRIDE values apart, named
 * "[PRE region NAME]" with POST after the bracket (PRE and POST "" in a run's regions.tsv; a
 * sweep's names its runs' sets "[run K region NAME] design_row=R replication=P"). */
void ric_output_regions_head(FILE *f, const ric_scenario *sc);
void ric_output_regions_put(FILE *f, const ric_scenario *sc, int r, const char *pre,
                            const char *post, const double *rows, size_t n_rows, size_t stride);

/* Flushes, syncs and renames every file into place; frees o. On a write error removes the
 * temporary files, fills err and returns RIC_EIO. */
ric_status ric_output_commit(ric_output *o, ric_err *err);
/* Removes the temporary files and frees o (NULL is fine). */
void ric_output_abort(ric_output *o);

#endif
