/* The input limits: how many members each group, list or array of a scenario, experiment or study
 * file may hold, and the file-wide limits (bytes, string length, nesting). One table, read by the
 * scan that runs before libconfig parses a file (cfg_read.c), by the check of every aggregate a
 * loader takes (ric_cfg_member) and by the documentation's generated table. */
#ifndef RICSIM_LIMITS_H
#define RICSIM_LIMITS_H

#include <stddef.h>

/* File-wide limits, chosen far above the shipped files (the largest, scenarios/national.cfg, is
 * 43 KB; its longest string is under 200 bytes; nothing nests deeper than 7 levels). libconfig
 * 1.5's scanner is quadratic in a string literal's length and its parser in a group's member
 * count, so these bound its time. */
#define RIC_LIMIT_FILE_BYTES (8 << 20)    /* a file, and a file with all its includes */
#define RIC_LIMIT_STRING_BYTES (64 << 10) /* one string literal */
#define RIC_LIMIT_DEPTH 32                /* groups, lists and arrays inside one another */
#define RIC_LIMIT_INCLUDE_DEPTH 10        /* @include inside @include (libconfig's own limit) */
#define RIC_LIMIT_MEMBERS 256             /* members of a group, list or array not in the table */

typedef struct {
    const char *path; /* as ric_cfg_path writes it; '*' stands for any one component */
    long max;         /* members, elements or values */
    const char *what; /* what they are, for messages ("regions") */
} ric_limit;

extern const ric_limit ric_limit_table[];
extern const size_t ric_limit_table_n;

/* The limit of the aggregate at PATH ("programmes.nuri.instruments"): its entry of the table, or
 * the default entry (RIC_LIMIT_MEMBERS "members"). Never NULL. */
const ric_limit *ric_limit_of(const char *path);

#endif
