/* The rules' workspace: reserved once per run, freed with it. */
#include "model/workspace.h"

#include <math.h>
#include <stdlib.h>

#include "kernels/kernels.h"

ric_status ric_workspace_alloc(const ric_world *w, unsigned kernels, ric_workspace **out,
                               ric_err *err)
{
    ric_workspace *ws = calloc(1, sizeof *ws);
    const size_t cap = w->firms.cap, nr = (size_t)w->n_regions, no = (size_t)w->n_orgs;
    if (!ws)
        goto oom;
    *out = ws;
    ws->kernels = kernels & ric_kernels_available();
    ws->want = malloc(cap * sizeof *ws->want);
    ws->spinoff_queue = malloc(cap * sizeof *ws->spinoff_queue);
    ws->transfer_queue = malloc(cap * sizeof *ws->transfer_queue);
    ws->dead = malloc(cap * sizeof *ws->dead);
    ws->births = malloc(cap * sizeof *ws->births);
    ws->demand = calloc(nr, sizeof *ws->demand);
    ws->gain = calloc(nr, sizeof *ws->gain);
    ws->tab_market = calloc(nr, sizeof *ws->tab_market);
    ws->tab_fill = calloc(nr, sizeof *ws->tab_fill);
    ws->tab_region = calloc(nr, sizeof *ws->tab_region);
    ws->lane_demand = calloc(nr * RIC_LANES, sizeof *ws->lane_demand);
    ws->lane_gain = calloc(nr * RIC_LANES, sizeof *ws->lane_gain);
    ws->tab_org_live = calloc(no + 1, sizeof *ws->tab_org_live);
    ws->tab_premium = malloc(RIC_TAB_N * sizeof *ws->tab_premium);
    ws->tab_premium_of = NAN;
    if (ws->want && ws->spinoff_queue && ws->transfer_queue && ws->dead && ws->births &&
        ws->demand && ws->gain && ws->tab_market && ws->tab_fill && ws->tab_region &&
        ws->lane_demand && ws->lane_gain && ws->tab_org_live && ws->tab_premium)
        return RIC_OK;
    ric_workspace_free(ws);
    *out = NULL;
oom:
    ric_err_set(err, "%s: out of memory reserving the workspace of %zu firm slots", w->sc->source,
                cap);
    return RIC_ENOMEM;
}

void ric_workspace_free(ric_workspace *ws)
{
    if (!ws)
        return;
    free(ws->want);
    free(ws->spinoff_queue);
    free(ws->transfer_queue);
    free(ws->dead);
    free(ws->births);
    free(ws->demand);
    free(ws->gain);
    free(ws->tab_market);
    free(ws->tab_fill);
    free(ws->tab_region);
    free(ws->lane_demand);
    free(ws->lane_gain);
    free(ws->tab_org_live);
    free(ws->tab_premium);
    free(ws);
}
