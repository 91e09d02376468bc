/* The behavioural rules of one step, as a table of phases run in order by the simulation. Each
 * rule changes the world, with its scratch in the workspace; programme effects reach the rules
 * through the boosts of organisations (by channel) and the capability of participant firms. */
#ifndef RICSIM_RULES_H
#define RICSIM_RULES_H

#include "model/workspace.h"
#include "model/world.h"

typedef struct {
    const char *name;
    void (*apply)(ric_world *w, ric_workspace *ws);
} ric_rule;

/* Rules in schedule order: labour, staff, org_spinoff, firms, hiring, transfer, firm_spinoff,
 * entry, compact. */
extern const ric_rule ric_rules_table[];
extern const size_t ric_rules_n;

#endif
