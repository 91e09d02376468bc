/* Programmes as data: phases with budgets, instruments with calls, eligibility, ranking and
 * budget-limited selection, disbursement with delay and overhead, annual review with cuts,
 * cancellations and re-award, and the channels through which money acts on the rules. Money is in
 * US$ million throughout; commitments of a calendar year never exceed that year's budget net of
 * overhead (GREAT-SKIN's budget never bound because of a units slip: Ahrweiler et al. 2015). */
#ifndef RICSIM_PROGRAMME_H
#define RICSIM_PROGRAMME_H

#include "model/evaluation.h"
#include "model/world.h"

typedef struct ric_programmes ric_programmes;

/* Reserves every table the programmes can need during the run. Caller frees with
 * ric_programmes_free. */
ric_status ric_programmes_alloc(ric_world *w, ric_programmes **out, ric_err *err);
void ric_programmes_free(ric_programmes *pg);

/* Selections, reviews, disbursement and effects of the current step; the awards that start are
 * enrolled in the evaluation EV (NULL: none). */
void ric_programmes_step(ric_programmes *pg, ric_world *w, ric_evaluation *ev);

typedef struct {
    double committed_usd_m; /* awards' commitments, net of cuts and cancellations */
    double spent_usd_m;     /* disbursed to beneficiaries, cumulative */
    double overhead_usd_m;  /* administration, cumulative */
    int awards_running;     /* awards whose money is flowing */
    int awards_made;        /* awards ever made */
    int cancelled, cut;     /* by reviews, cumulative */
    int proposals, merged;  /* proposals received by its selections, and mergers among them */
    double freed_usd_m;     /* commitments released by reviews' cancellations and cuts */
    double reawarded_usd_m; /* commitments of re-awards (never above freed_usd_m) */
    double lapsed_usd_m;    /* money that lapsed at year ends (lapse_at_year_end) */
} ric_programme_totals;

void ric_programmes_totals(const ric_programmes *pg, int p, ric_programme_totals *out);

/* Largest excess of commitments over the budget net of overhead, over all programmes and
 * calendar years (<= 0 when the budget binds), and of an award's spending over its commitment. */
double ric_programmes_max_overcommit(const ric_programmes *pg);

#endif
