/* The rules' workspace: reserved once per run, freed with it. */
#include "model/workspace.h"

#include <math.h>
#include <stdlib.h>

#include "kernels/kernels.h"

/* The workspace's arrays, written once: X(name, count) with the count over cap (firm slots), nr
 * (regions) and no (organisations). Reserved zeroed, freed together. */
#define ARRAYS(X)                                                                                  \
    X(want, cap)                                                                                   \
    X(linked, cap)                                                                                 \
    X(cap_next, cap)                                                                               \
    X(spinoff_queue, cap)                                                                          \
    X(transfer_queue, cap)                                                                         \
    X(dead, cap)                                                                                   \
    X(births, cap)                                                                                 \
    X(demand, nr)                                                                                  \
    X(pool_change, nr)                                                                             \
    X(tab_market_fit, nr *ns)                                                                      \
    X(tab_market_grow, nr *ns)                                                                     \
    X(emp_by_key, nr *ns)                                                                          \
    X(tab_fill, nr)                                                                                \
    X(tab_focus, nr)                                                                               \
    X(tab_density, nr)                                                                             \
    X(lane_demand, nr *RIC_LANES)                                                                  \
    X(lane_flow, nr *RIC_LANES *RIC_ORIGIN_N * 2)                                                  \
    X(lane_sector, (size_t)RIC_LANES)                                                              \
    X(tab_org_live, no + 1)                                                                        \
    X(tab_org_knowledge, no + 1)                                                                   \
    X(tab_premium, (size_t)RIC_TAB_N)

ric_status ric_workspace_alloc(const ric_world *w, unsigned kernels, ric_workspace **out,
                               ric_err *err)
{
    ric_workspace *ws = calloc(1, sizeof *ws);
    const size_t cap = w->firms.cap, nr = (size_t)w->n_regions, no = (size_t)w->n_orgs,
                 ns = (size_t)w->n_sectors;
    int ok = ws != NULL;
    if (ok) {
        ws->kernels = kernels & ric_kernels_available();
        ws->tab_premium_of = NAN;
#define ALLOC(name, count)                                                                         \
    ws->name = calloc((size_t)(count) + 1, sizeof *ws->name); /* + 1: never a 0-byte request */    \
    ok &= ws->name != NULL;
        ARRAYS(ALLOC)
#undef ALLOC
    }
    if (ok) {
        *out = ws;
        return RIC_OK;
    }
    ric_workspace_free(ws);
    ric_err_set(err, "%s: out of memory reserving the workspace of %zu firm slots", w->sc->source,
                cap);
    return RIC_ENOMEM;
}

void ric_workspace_free(ric_workspace *ws)
{
    if (!ws)
        return;
#define FREE(name, count) free(ws->name);
    ARRAYS(FREE)
#undef FREE
    free(ws);
}
