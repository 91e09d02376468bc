/* The output columns of series.tsv: each column is one entry of the table in columns.c, carrying
 * its name and its value, so the two cannot drift apart. */
#ifndef RICSIM_COLUMNS_H
#define RICSIM_COLUMNS_H

#include "model/programme.h"
#include "run/regions.h"

typedef struct ric_columns ric_columns;

/* Builds the column names of SC (families expand over its programmes); SC must outlive the
 * columns. Caller frees with ric_columns_free; NULL when out of memory. */
ric_columns *ric_columns_alloc(const ric_scenario *sc);
void ric_columns_free(ric_columns *c);

size_t ric_columns_n(const ric_columns *c);
const char *const *ric_columns_names(const ric_columns *c);

/* Fills V (ric_columns_n values) from the world and the programmes, then resets the flows counted
 * since the last row (cumulative counters stay). */
void ric_columns_row(const ric_columns *c, ric_world *w, const ric_programmes *pg, double *v);

/* The per-region rows (regions.tsv) of the last ric_columns_row. */
const ric_regions *ric_columns_regions(const ric_columns *c);

/* An entry of the column table as doc/outputs.md documents it: a column, or a family named by its
 * pattern with a placeholder for the index ("jobs_created_ORIGIN", "P_committed_usd_m"). */
typedef struct {
    char name[64];           /* the documented name (longer ones are cut) */
    const char *placeholder; /* "ORIGIN", "PARENT" or "P" in name; NULL for a single column */
    const char *doc;         /* one line of meaning, saying what the placeholder ranges over */
} ric_column_doc;

/* Fills OUT with the I-th entry of the column table, in table order; 0 past the end. */
int ric_columns_doc(size_t i, ric_column_doc *out);

#endif
