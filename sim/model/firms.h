/* The firm pass and hiring (the reference, and the dispatch to their kernels). */
#ifndef RICSIM_FIRMS_H
#define RICSIM_FIRMS_H

#include "model/workspace.h"
#include "model/world.h"

/* Links, fitness, exit, spin-off and transfer requests, drift and wanted growth of every firm:
 * fills ws's want, queues and list of exits, and the wanted hires by region. */
void ric_rule_firms(ric_world *w, ric_workspace *ws);

/* Hires by the labour pools' fill rates; gross flows; the hires are left in ws->want. Runs right
 * after ric_rule_firms (the fast hiring pass uses the firm pass's sums). */
void ric_rule_hiring(ric_world *w, ric_workspace *ws);

#endif
