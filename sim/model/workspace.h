/* The rules' scratch, owned by the loop (GSL's workspaces): lookup tables, the firm pass's lists
 * of work for later phases, sums by lane and region, and the genealogy rows of the step. Nothing
 * here is agent state: a step leaves the world complete without it, and it is reserved once, at
 * ric_workspace_alloc, to the scenario's firm capacity, so nothing grows inside a step. */
#ifndef RICSIM_WORKSPACE_H
#define RICSIM_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>

#include "model/world.h"

#define RIC_TAB_N 4096 /* entries of the firm pass's lookup tables */
#define RIC_LANES                                                                                  \
    4 /* sums split in lanes, so that neighbouring firms do not wait on each other                 \
       */

typedef struct ric_workspace {
    unsigned kernels; /* the vector kernels this run uses (kernels/kernels.h), fixed at alloc */
    /* per firm column, sized to the firm capacity */
    int32_t *want;    /* desired change of employment this step, then the hires */
    uint32_t *linked; /* column indices of the firms with a knowledge link after the firm pass's
                         lapses, ascending (the spillover phase skips those that exit) */
    size_t n_linked;
    float *cap_next;          /* their capabilities after it */
    uint32_t *spinoff_queue;  /* column indices of parents that spawn this step, ascending */
    uint32_t *transfer_queue; /* column indices of firms asking for a transfer, ascending */
    uint32_t *dead;           /* column indices flagged RIC_FIRM_DEAD this step, ascending */
    size_t n_spinoff_queue, n_transfer_queue, n_dead;
    ric_birth *births; /* genealogy rows of this step, drained by the output */
    size_t n_births;
    /* per region */
    long long *demand;      /* wanted hires this step */
    long long *pool_change; /* the hiring pass's change of the pool, whole persons */
    /* per region and sector, at [region * n_sectors + sector] (model/sectors.c) */
    double *tab_market_fit;  /* the market term of fitness this step */
    double *tab_market_grow; /* the market term of wanted growth this step */
    long long *emp_by_key;   /* employment at the firm pass's start (when a market binds) */
    double *tab_fill;        /* share of wanted hires filled this step */
    int32_t *tab_focus;      /* 1 for a focus region */
    double *tab_density;     /* local self-reinforcement's multiplier (model/rules.c) */
    long long *lane_demand;  /* [lane][region]: demand, summed in lanes of firms */
    long long *lane_flow;    /* [lane][region][origin][2]: hires and jobs lost (hiring) */
    long long (*lane_sector)[RIC_MAX_SECTORS]; /* [lane][sector]: hires of focus firms */
    /* per organisation */
    int32_t *tab_org_live;     /* 1 if organisation index + 1 is active; entry 0 (no link) is 1 */
    double *tab_org_knowledge; /* knowledge of organisation index + 1 (the spillover phase) */
    /* tables of the firm pass (they hold the expressions the reference computes) */
    double *tab_premium;   /* jobs.small_premium / sqrt(employees), by employees (0 for 0) */
    double tab_premium_of; /* the premium tab_premium holds (NaN: not built yet) */
} ric_workspace;

/* Reserves the workspace for W's scenario (firm capacity, regions, organisations) with the
 * kernels KERNELS (a mask of kernels/kernels.h; unavailable ones are dropped). Caller frees with
 * ric_workspace_free (NULL accepted). */
ric_status ric_workspace_alloc(const ric_world *w, unsigned kernels, ric_workspace **out,
                               ric_err *err);
void ric_workspace_free(ric_workspace *ws);

#endif
