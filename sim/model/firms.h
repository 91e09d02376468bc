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

/* Counts H gross hires of firm column I in the flows: by origin and sector when FOCUS (its
 * region is a focus), for participants or others, and for each programme whose award window the
 * firm is in. */
static inline void ric_count_hires(ric_flows *fl, const ric_firms *f, size_t i, long long focus,
                                   int32_t h)
{
    fl->created[f->origin[i]] += focus * h;
    fl->created_sector[f->sector[i]] += focus * h;
    if (f->prog[i])
        fl->created_part += h;
    else
        fl->created_nonpart += h;
    for (uint32_t bits = f->prog_now[i]; bits; bits &= bits - 1)
        fl->prog_jobs[__builtin_ctz(bits)] += h;
}

#endif
