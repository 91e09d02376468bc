/* The in-run evaluation of each programme, as its evaluators would make it (evaluation.tsv,
 * doc/outputs.md): the participant firms, recorded when their award starts, each matched then to
 * one comparison firm of its region and sector that takes part in no programme, nearest in size,
 * capability and age; and, once a year of the run, six outcomes averaged over both groups with
 * their difference in differences against each pair's values at the award's start. It observes
 * the world and changes nothing in it. */
#ifndef RICSIM_EVALUATION_H
#define RICSIM_EVALUATION_H

#include <stddef.h>
#include <stdint.h>

#include "model/world.h"

typedef struct ric_evaluation ric_evaluation;

/* Reserves every table the run can need (pairs by the programmes' member slots, the matching
 * index by the firm capacity, a row per year). Caller frees with ric_evaluation_free. */
ric_status ric_evaluation_alloc(const ric_world *w, ric_evaluation **out, ric_err *err);
void ric_evaluation_free(ric_evaluation *ev);

/* An award of programme P starts in this step with the N member firms IDS: records each member
 * alive and not yet a participant of P, with its comparison firm (none when its region and sector
 * hold no candidate) and both firms' values now, before the award's money. EV may be NULL. */
void ric_evaluation_enrol(ric_evaluation *ev, const ric_world *w, int p, const uint32_t *ids,
                          size_t n);

/* Organisation O applied to a selection of programme P (an organisation instrument) and WON an
 * award there or not: the first application records its values (the base of its changes); a win
 * moves it to the awardees for good, otherwise it stays in the comparison group of applicants that
 * won nothing. EV may be NULL. */
void ric_evaluation_applied(ric_evaluation *ev, const ric_world *w, int p, int o, int won);

/* After a step: counts the step's spin-offs (its N genealogy rows B) of the firms followed and,
 * when the step ends a year of the run (every steps_per_year steps), adds that year's row. */
void ric_evaluation_observe(ric_evaluation *ev, const ric_world *w, const ric_birth *b, size_t n);

/* The columns of every programme's rows. */
size_t ric_evaluation_ncols(void);
const char *ric_evaluation_colname(size_t c);

/* Programme P's rows: the number of rows from its base year (the last year of the run at or
 * before its first participant's award start) to the last year observed, 0 when it has no
 * participant yet; *first gets the base year's row index. */
size_t ric_evaluation_rows(const ric_evaluation *ev, int p, size_t *first);
/* Row ROW (an index as *first above) of programme P: ric_evaluation_ncols values. */
void ric_evaluation_row(const ric_evaluation *ev, int p, size_t row, double *vals);

/* Programme P's organisations (its awardees against the applicants that won nothing), as the
 * firms above: the columns, the rows from the row of its first selection (0 rows when it has no
 * organisation instrument or no selection yet), and one row's values. */
size_t ric_evaluation_org_ncols(void);
const char *ric_evaluation_org_colname(size_t c);
size_t ric_evaluation_org_rows(const ric_evaluation *ev, int p, size_t *first);
void ric_evaluation_org_row(const ric_evaluation *ev, int p, size_t row, double *vals);

typedef struct {
    size_t participants; /* firms recorded */
    size_t matched;      /* of them, with a comparison firm */
    size_t unrecorded;   /* members beyond the reserved records (0 unless the reserve is short) */
} ric_evaluation_counts;
void ric_evaluation_count(const ric_evaluation *ev, int p, ric_evaluation_counts *out);

/* Pair K (0 .. participants - 1, in order of enrolment) of programme P, at its award's start. */
typedef struct {
    uint32_t id[2];                     /* participant, comparison firm (0: none) */
    double employees[2], capability[2]; /* their values at the award's start */
} ric_evaluation_pair;
void ric_evaluation_pair_at(const ric_evaluation *ev, int p, size_t k, ric_evaluation_pair *out);

#endif
