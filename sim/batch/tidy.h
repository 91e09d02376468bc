/* Tidy tables of a sweep's folder (tidy.c): long.tsv and summary.tsv, read back from plan.tsv and
 * series.tsv. */
#ifndef RICSIM_BATCH_TIDY_H
#define RICSIM_BATCH_TIDY_H

#include <stddef.h>

#include "ricsim/status.h"

#define RIC_TIDY_NAME_MAX 64 /* a parameter's column name, with its terminating 0 */

/* The column name of a parameter: KEY (a key path, or the experiment's 'name') with every
 * character outside [A-Za-z0-9_] replaced by '_', so that R's check.names keeps it; at most N - 1
 * characters. */
void ric_tidy_name(const char *key, char *out, size_t n);

/* Writes DIR/long.tsv (run, design_row, replication, seed, the parameters, year and the
 * indicators: one row per run and output step, in run order) and DIR/summary.tsv (one row per
 * design row in design order: the parameters and the mean over its successful replications of
 * each indicator at the final step; NaN with none; the header is one '#' line), and DIR/dose.tsv
 * (the same rows with each mean's 95% interval), committed together. */
ric_status ric_tidy_sweep(const char *dir, ric_err *err);

/* The tables of a finished sweep or comparison in DIR: long.tsv, summary.tsv and dose.tsv, then
 * regions_stats.tsv (ric_stats_regions), then stats.tsv (ric_stats_sweep), which marks the folder
 * finished. All or none: on failure none of the five is left. */
ric_status ric_tidy_finish(const char *dir, ric_err *err);
/* Removes DIR's stats.tsv (first, as it is the mark), long.tsv, summary.tsv, dose.tsv and
 * regions_stats.tsv by name. */
void ric_tidy_remove(const char *dir);

#endif
