/* The scenario schema's parameter tables (params.c), shared by the loaders, the effective-scenario
 * writer and the documentation functions. */
#ifndef RICSIM_PARAMS_H
#define RICSIM_PARAMS_H

#include <stddef.h>

#include "ricsim/scenario.h"

typedef struct {
    const char *name; /* "group.key" under rules */
    size_t offset;    /* of its field in ric_rules */
    double def, lo, hi;
    const char *doc; /* one line of meaning, for doc/scenarios.md */
} ric_rule_entry;

extern const ric_rule_entry ric_rule_table[];
extern const size_t ric_rule_table_n;

/* Region parameters (RIC_REGION_PARAMS): key, where it lives, default, bounds, whether events may
 * set it. The region loader reads them all; events set the settable ones within the same bounds. */
typedef struct {
    const char *name;
    size_t offset; /* of its field in ric_region_spec */
    double def, lo, hi;
    int settable;
    const char *doc;
} ric_region_entry;

extern const ric_region_entry ric_region_table[];
extern const size_t ric_region_table_n;

/* The settable region parameter NAME, or NULL. */
const ric_region_entry *ric_region_settable(const char *name);

/* Sector parameters (RIC_SECTOR_PARAMS), in entries of the same shape (offset in
 * ric_sector_spec). */
extern const ric_region_entry ric_sector_table[];
extern const size_t ric_sector_table_n;
const ric_region_entry *ric_sector_settable(const char *name);

#endif
