/* The behavioural rules of one step, as a table of phases run in order by the simulation. Each
 * rule changes the world, with its scratch in the workspace; programme effects reach the rules
 * through the boosts of organisations (by channel) and the capability of participant firms. */
#ifndef RICSIM_RULES_H
#define RICSIM_RULES_H

#include <gsl/gsl_rng.h>

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

/* With probability network.vertical_share, links firm column i to a supplier or buyer of its
 * region (a firm without one), drawing from R: entrants and cohort firms. */
void ric_rules_find_supplier(ric_world *w, size_t i, gsl_rng *r);

#endif
