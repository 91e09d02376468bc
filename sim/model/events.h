/* Scheduled history: arrivals and departures of organisations, firm cohorts, dated parameter
 * changes (regime changes, shocks such as the 1997-98 crisis) and staff targets
 * (data/daedeok_timeline.tsv). Applied at the start of every step. */
#ifndef RICSIM_EVENTS_H
#define RICSIM_EVENTS_H

#include "model/world.h"

typedef struct ric_events ric_events;

ric_status ric_events_alloc(ric_world *w, ric_events **out, ric_err *err);
void ric_events_free(ric_events *ev);
void ric_events_apply(ric_events *ev, ric_world *w);

#endif
