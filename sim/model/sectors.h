/* Sectors and their markets: the firm pass's market tables, and the sector of a new firm. */
#ifndef RICSIM_SECTORS_H
#define RICSIM_SECTORS_H

#include "model/workspace.h"
#include "model/world.h"

/* Fills ws->tab_market_fit and tab_market_grow for this step and grows the binding markets
 * (doc/MODEL.md 7.6). Called at the start of the firm pass. */
void ric_markets_update(ric_world *w, ric_workspace *ws);

/* The sector that U in [0, 1) picks from N shares summing to 1. */
int ric_sector_draw(const double *share, int n, double u);

/* The sector of a new firm of KEY in REGION that inherits none: drawn from the region's
 * sector_shares with the firm's own keyed draw (0 without sectors, and no draw). */
int ric_sector_of_new_firm(const ric_world *w, int region, uint32_t key);

#endif
