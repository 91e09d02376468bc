/* Experimental designs: the table of parameter values an experiment runs (one row per design
 * point, one column per parameter), and the seeds of its replications. Designs are a table of
 * {name, make} entries, like gsl_rng_type: adding a design adds an entry. Pure computation: no
 * files except the design file a user supplies, no printing. */
#ifndef RICSIM_DESIGN_H
#define RICSIM_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "ricsim/status.h"

#define RIC_DESIGN_MAX_PARAMS 63 /* one --set each, plus the seed, within the CLI's 64 */
#define RIC_DESIGN_MAX_ROWS 1000000
#define RIC_DESIGN_SOBOL_MAX 40 /* dimensions of GSL's gsl_qrng_sobol */

/* One varied parameter. grid and zip take the listed values; lhs and sobol sample [lo, hi]; a
 * design file gives the values itself (lo and hi, when has_range, bound them). */
typedef struct {
    const char *key;      /* scenario key path, as for --set */
    const double *values; /* grid, zip: the levels (not owned) */
    size_t n_values;
    double lo, hi;
    int has_range;
    int integer; /* sampled values are rounded to whole numbers */
} ric_design_param;

typedef struct {
    size_t samples;   /* lhs, sobol: design points */
    uint64_t seed;    /* lhs: keys the permutations and the jitter */
    const char *file; /* file: path of the design table */
} ric_design_opts;

/* The design: n_rows x n_params values, row-major. */
typedef struct {
    size_t n_rows, n_params;
    double *x; /* owned; free with ric_design_fini */
} ric_design;

typedef ric_status (*ric_design_make_fn)(const ric_design_param *p, size_t n,
                                         const ric_design_opts *o, ric_design *out, ric_err *err);

typedef struct {
    const char *name;
    int needs_values; /* 1: each parameter lists values; 0: each gives min and max; -1: neither */
    int needs_samples;
    ric_design_make_fn make;
} ric_design_type;

/* grid (full factorial, the last parameter varying fastest), zip (the i-th values together),
 * lhs (Latin hypercube, McKay et al. 1979), sobol (GSL's quasi-random sequence, from its first
 * point (0.5, ...)), file (rows of a table, e.g. one written by SALib's sampler). */
extern const ric_design_type ric_design_types[];
extern const size_t ric_design_ntypes;

/* The entry named NAME, or NULL. */
const ric_design_type *ric_design_find(const char *name);

/* Fills out (which the caller releases with ric_design_fini); on failure err holds a message
 * without a location, which the caller prefixes, and out is untouched. */
ric_status ric_design_make(const ric_design_type *t, const ric_design_param *p, size_t n,
                           const ric_design_opts *o, ric_design *out, ric_err *err);
void ric_design_fini(ric_design *d);

/* Seed of replication REP under MASTER: the same in every design row, so that design rows (and
 * compared scenarios) are paired on common random numbers. A bijective 63-bit mix (the scenario
 * loader takes seeds up to 2^63 - 1), so distinct replications always get distinct seeds. */
uint64_t ric_design_seed(uint64_t master, size_t rep);

#endif
