/* The behavioural rules of one step, as a table of phases run in order by the simulation. Each
 * rule reads and changes only the world; programme effects reach the rules through the boost fields
 * of organisations and the capability of participant firms. */
#ifndef RICSIM_RULES_H
#define RICSIM_RULES_H

#include "model/world.h"

typedef struct {
    const char *name;
    void (*apply)(ric_world *w);
} ric_rule;

/* Rules in schedule order: labour, staff, org_spinoff, firms, hiring, transfer, firm_spinoff,
 * entry, compact. */
extern const ric_rule ric_rules_table[];
extern const size_t ric_rules_n;

/* Places the scenario's firm cohorts whose arrival falls in [t0, t1). */
void ric_rules_cohorts(ric_world *w, double t0, double t1);

#endif
