/* A posterior sample as ricsim calibrate writes it (posterior.tsv: "# parameter=NAME key=KEY ..."
 * lines naming each column's scenario key, then a header with 'weight' and one column per
 * parameter, then one row per particle), read with FILE:LINE errors, and draws from it by weight
 * keyed by a seed (the same draws for the same seed, whatever else runs). Internal to sim/. */
#ifndef RICSIM_POSTERIOR_H
#define RICSIM_POSTERIOR_H

#include <stddef.h>
#include <stdint.h>

#include "ricsim/status.h"

#define RIC_POSTERIOR_MAX_PARAMS 20
#define RIC_POSTERIOR_MAX_ROWS 1000000

typedef struct {
    size_t k, n; /* parameters, particles */
    char names[RIC_POSTERIOR_MAX_PARAMS][64];
    char keys[RIC_POSTERIOR_MAX_PARAMS][256];
    double *w; /* n weights (> 0) */
    double *x; /* n x k values */
} ric_posterior;

/* Reads PATH into p (caller storage; ric_posterior_fini frees it). */
ric_status ric_posterior_read(const char *path, ric_posterior *p, ric_err *err);
void ric_posterior_fini(ric_posterior *p);

/* Draw d (0 <= d < n_draws) picks particle idx[d] with probability proportional to its weight,
 * from a uniform keyed by (SEED, d). */
void ric_posterior_draw(const ric_posterior *p, size_t n_draws, uint64_t seed, size_t *idx);

#endif
