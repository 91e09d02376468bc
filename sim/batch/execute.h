/* One run of a plan (ric_plan_execute in ricsim/experiment.h) and its record, K.row: what a run
 * leaves in a sweep's runs folder as DIR/.runs/K.row (key=value lines), renamed into place after
 * DIR/.runs/K.series and DIR/.runs/K.regions, so a K.row that exists describes a complete
 * K.series and K.regions. */
#ifndef RICSIM_EXECUTE_H
#define RICSIM_EXECUTE_H

#include <stddef.h>

#include "ricsim/experiment.h"

typedef struct {
    int ok;
    char error[512];
    unsigned long long hash; /* of the run's effective scenario */
    double wall_s, steps_per_s;
    long series_bytes, regions_bytes; /* K.series and K.regions */
    char summary[RIC_PLAN_MAX_INDICATORS * 3 * 24];
} ric_run_result;

/* RUNS_DIR/ID.EXT into buf (RIC_PATH_MAX bytes). */
void ric_execute_path(const char *runs_dir, size_t id, const char *ext, char *buf);

/* The summary of a run without rows: NaN for every statistic of every indicator. */
void ric_execute_nan_summary(const ric_plan *p, char *buf, size_t n);

/* The K.row text of r (caller frees), or NULL when out of memory. */
char *ric_execute_text(const ric_run_result *r, size_t *len);

/* Parses a K.row text (changed in place) into r; returns 0, or -1 if it is malformed. */
int ric_execute_parse(char *text, ric_run_result *r);
/* Reads the K.row at PATH into r; returns 0, or -1 if it is missing or malformed. */
int ric_execute_read(const char *path, ric_run_result *r);

/* Leaves a run's results in the runs folder: OUT (as ric_plan_execute gives it: R's series_bytes
 * of series, then its regions_bytes of regions) as K.series and K.regions, then the record ROW of
 * R as K.row, which marks it complete. RIC_EUSAGE when OUT_LEN is not the sum of R's sizes. */
ric_status ric_execute_save(const char *runs_dir, size_t id, const ric_run_result *r,
                            const char *row, size_t row_len, const char *out, size_t out_len,
                            ric_err *err);

#endif
