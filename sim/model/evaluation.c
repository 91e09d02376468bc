/* The in-run evaluation (model/evaluation.h): per programme, pairs of a participant firm and its
 * matched comparison firm, kept by firm id (compaction moves columns, never ids), with both
 * firms' values at the award's start; the rows of yearly means and differences in differences
 * they give. Firm state is read through index_of at each yearly row, so the firm columns and the
 * firm pass are untouched. The matching index (the candidates grouped by region and sector, each
 * group sorted by size) is built only in the steps where an award starts: the yearly work is per
 * pair, not per firm. What it owns: the pairs, the rows, the spin-off lookup and the index. */
#include "model/evaluation.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The outcomes, written once: X(name, value while alive, value after exit, comment). The values
 * are expressions over the firm columns f at the firm's column i, and its pair q in role r. Every
 * pair stays in every later row, whatever becomes of its firms (an intention-to-treat view): exit
 * is an outcome, not a reason to drop a firm. */
#define OUTCOMES(X)                                                                                \
    X(employees, f->employees[i], 0, "persons; 0 after exit")                                      \
    X(capability, f->capability[i], q->cap_last[r], "technology level; its last yearly value")     \
    X(links_horizontal, f->link_org[i] != 0 || f->link_peer[i] != 0, 0,                            \
      "1 with a knowledge link to an organisation or an innovation partner firm")                  \
    X(links_vertical, f->link_vertical[i] != 0, 0, "1 with a supplier or buyer")                   \
    X(survival, 1, 0, "1 while alive")                                                             \
    X(spinoffs, q->spinoffs[r], q->spinoffs[r], "the firm's spin-offs since the award's start")

enum {
#define OUT_ID(name, alive, dead, doc) OUT_##name,
    OUTCOMES(OUT_ID)
#undef OUT_ID
        N_OUT
};

enum { PART, COMP }; /* the two roles in a pair */

enum { HEAD_COLS = 3, PER_OUTCOME = 4 }; /* year participants comparison; four per outcome */

/* Candidates scanned on each side of a participant's size within its region and sector: the
 * nearest in size bound the search, and the distance picks among them. */
#define WINDOW 32

typedef struct {
    uint32_t id[2];        /* participant, comparison (0: none found) */
    float cap_last[2];     /* capability at the last row the firm was alive */
    int32_t spinoffs[2];   /* its spin-offs since the award's start */
    double base[2][N_OUT]; /* values at the award's start */
} pair;

/* One yearly row of a programme, summed over the pairs that have entered. */
typedef struct {
    double n[2];     /* participants; comparison firms (pairs with one) */
    double alive[2]; /* of them alive */
    double sum[2][N_OUT];
    double sum_d[N_OUT], sq_d[N_OUT]; /* the pairs' changes d: sums of d and d^2 (exact for
                                         the outcomes that count: employees, links, spin-offs) */
} row_acc;

typedef struct {
    pair *pairs;
    size_t n, cap;
    size_t unrecorded;  /* members beyond cap */
    uint32_t *part_ids; /* ids of the participants recorded, sorted */
    uint32_t *comp_ids; /* ids of the comparison firms used, in order */
    size_t n_comp;
    long first_row; /* the base year's row; -1: no participant yet */
    row_acc *rows;
} prog_eval;

/* A firm followed for its spin-offs: its pair in a programme, in one role. */
typedef struct {
    uint32_t id, pair;
    uint16_t prog;
    uint8_t role;
} follow;

typedef struct {
    int32_t employees;
    uint32_t col, group;
} cand;

/* The organisation outcomes: X(name, value, comment), over the organisation g. */
#define ORG_OUTCOMES(X)                                                                            \
    X(spinoffs, (double)g->spinoffs, "spin-offs founded, running total")                           \
    X(transfers, (double)g->transfers, "technology transfers, running total")                      \
    X(staff, (double)g->staff, "researchers, faculty or officials")

enum {
#define ORG_OUT_ID(name, value, doc) ORG_OUT_##name,
    ORG_OUTCOMES(ORG_OUT_ID)
#undef ORG_OUT_ID
        N_ORG_OUT
};

enum { ORG_NONE, ORG_APPLIED, ORG_AWARDED }; /* an organisation's role in a programme */

/* One yearly row of a programme's organisations: per group (awardees, comparison), the count
 * and the sums of each outcome's level and of its change since the base and that change's square.
 */
typedef struct {
    double n[2];
    double sum[2][N_ORG_OUT], sum_d[2][N_ORG_OUT], sq_d[2][N_ORG_OUT];
} org_row;

/* A programme's organisations as its evaluators see them (Lee and Kim 2008 compare NURI's
 * departments with those that applied and were not selected): the awardees of its organisation
 * awards against the applicants that won nothing, each from its values when it first applied. */
typedef struct {
    unsigned char *role; /* per organisation */
    double *base;        /* [o * N_ORG_OUT]: values at its first application */
    long first_row;      /* the first yearly row after the first selection; -1: none yet */
    int started;         /* a selection has been made */
    org_row *rows;
} org_eval;

enum { RADIX_BITS = 11, RADIX = 1 << RADIX_BITS }; /* digits of the index's sort by size */
enum { LOG_TAB = 4096 };                           /* log(employees) tabulated below this */

struct ric_evaluation {
    int n_prog;
    prog_eval *prog;
    org_eval *orgs; /* per programme; role NULL when no instrument has organisation applicants */
    int n_orgs;
    double start;           /* year of row 0, the run's start */
    uint32_t steps_per_row; /* steps_per_year: one row per year of the run */
    size_t n_rows, last_row;
    follow *follows; /* sorted by id */
    size_t n_follows, cap_follows;
    /* one award's new entries, sorted into the lists above without allocating */
    uint32_t *new_ids;
    follow *new_follows;
    size_t cap_new; /* the largest award's members */
    /* the matching index, valid for programme idx_prog in step idx_step */
    cand *idx, *tmp; /* the index; the other buffer of its sort */
    size_t hist[RADIX + 1];
    double log_tab[LOG_TAB];
    unsigned char *taken; /* per slot of idx: matched in this step */
    unsigned char *mark;  /* per firm column: used as a comparison firm of the programme */
    size_t *group0, *cursor, n_groups;
    double *group_sums; /* [group][k]: sums of the matching variables and their squares */
    double inv_var[3];  /* of log employees, capability and age within the groups, pooled */
    uint32_t idx_step;
    int idx_prog; /* -1: none built */
};

/* ---- allocation --------------------------------------------------------------------------- */

/* Member slots programme P can fill over the run: every call and every review's re-award at
 * max_winners awards of consortium_firms members (one for a firm award), the bound programme.c
 * reserves its members by. */
static size_t member_slots(const ric_scenario *sc, int p)
{
    double last = sc->end;
    for (int q = 0; q < sc->n_programmes; q++)
        for (int j = 0; j < sc->programmes[q].n_phases; j++)
            last = fmax(last, sc->programmes[q].phases[j].end);
    const ric_programme_spec *ps = &sc->programmes[p];
    double reviews = ps->review ? floor((last - ps->review_first) / ps->review_every_years) + 1 : 0;
    if (reviews < 0)
        reviews = 0;
    size_t slots = 0;
    for (int i = 0; i < ps->n_instruments; i++) {
        const ric_instrument_spec *in = &ps->instruments[i];
        double calls =
            in->repeat_years > 0 ? floor(fmax(0.0, sc->end - in->call) / in->repeat_years) + 1 : 1;
        size_t awards = (size_t)((calls + reviews) * in->max_winners);
        slots += awards * (size_t)(in->consortium_firms > 0 ? in->consortium_firms : 1);
    }
    return slots;
}

ric_status ric_evaluation_alloc(const ric_world *w, ric_evaluation **out, ric_err *err)
{
    const ric_scenario *sc = w->sc;
    ric_evaluation *ev = calloc(1, sizeof *ev);
    if (!ev)
        goto oom;
    ev->n_prog = sc->n_programmes;
    ev->start = sc->start;
    ev->steps_per_row = (uint32_t)sc->steps_per_year;
    long long n_steps = llround((sc->end - sc->start) * sc->steps_per_year);
    ev->n_rows = (size_t)(n_steps / sc->steps_per_year) + 1;
    ev->idx_prog = -1;
    ev->prog = calloc(ev->n_prog ? (size_t)ev->n_prog : 1, sizeof *ev->prog);
    if (!ev->prog)
        goto oom;
    for (int p = 0; p < ev->n_prog; p++) {
        prog_eval *pe = &ev->prog[p];
        pe->first_row = -1;
        pe->cap = member_slots(sc, p);
        if (pe->cap > w->firms.max_ids)
            pe->cap = w->firms.max_ids; /* a firm is recorded once per programme */
        pe->pairs = calloc(pe->cap ? pe->cap : 1, sizeof *pe->pairs);
        pe->part_ids = calloc(pe->cap ? pe->cap : 1, sizeof *pe->part_ids);
        pe->comp_ids = calloc(pe->cap ? pe->cap : 1, sizeof *pe->comp_ids);
        pe->rows = calloc(ev->n_rows, sizeof *pe->rows);
        if (!pe->pairs || !pe->part_ids || !pe->comp_ids || !pe->rows)
            goto oom;
        ev->cap_follows += 2 * pe->cap;
        for (int i = 0; i < sc->programmes[p].n_instruments; i++) {
            const int k = sc->programmes[p].instruments[i].consortium_firms;
            if ((size_t)(k > 1 ? k : 1) > ev->cap_new)
                ev->cap_new = (size_t)(k > 1 ? k : 1);
        }
    }
    ev->n_orgs = w->n_orgs;
    ev->orgs = calloc(ev->n_prog ? (size_t)ev->n_prog : 1, sizeof *ev->orgs);
    if (!ev->orgs)
        goto oom;
    for (int p = 0; p < ev->n_prog; p++) {
        org_eval *oe = &ev->orgs[p];
        oe->first_row = -1;
        int any = 0;
        for (int i = 0; i < sc->programmes[p].n_instruments; i++)
            any |= sc->programmes[p].instruments[i].applicants == RIC_APPLY_UNIVERSITY ||
                   sc->programmes[p].instruments[i].applicants == RIC_APPLY_INSTITUTE;
        if (!any || w->n_orgs == 0)
            continue;
        oe->role = calloc((size_t)w->n_orgs, 1);
        oe->base = calloc((size_t)w->n_orgs * N_ORG_OUT, sizeof *oe->base);
        oe->rows = calloc(ev->n_rows, sizeof *oe->rows);
        if (!oe->role || !oe->base || !oe->rows)
            goto oom;
    }
    ev->follows = calloc(ev->cap_follows ? ev->cap_follows : 1, sizeof *ev->follows);
    ev->new_ids = calloc(ev->cap_new ? ev->cap_new : 1, sizeof *ev->new_ids);
    ev->new_follows = calloc(ev->cap_new ? 2 * ev->cap_new : 1, sizeof *ev->new_follows);
    if (!ev->follows || !ev->new_ids || !ev->new_follows)
        goto oom;
    if (ev->n_prog > 0) { /* the index only where there is something to match */
        size_t cap = w->firms.cap ? w->firms.cap : 1;
        ev->n_groups = (size_t)w->n_regions * (size_t)w->n_sectors;
        ev->idx = calloc(cap, sizeof *ev->idx);
        ev->tmp = calloc(cap, sizeof *ev->tmp);
        ev->taken = calloc(cap, 1);
        ev->mark = calloc(cap, 1);
        ev->group0 = calloc(ev->n_groups + 1, sizeof *ev->group0);
        ev->cursor = calloc(ev->n_groups + 1, sizeof *ev->cursor);
        ev->group_sums = calloc(ev->n_groups * 6, sizeof *ev->group_sums);
        if (!ev->idx || !ev->tmp || !ev->taken || !ev->mark || !ev->group0 || !ev->cursor ||
            !ev->group_sums)
            goto oom;
        ev->log_tab[0] = 0;
        for (int e = 1; e < LOG_TAB; e++)
            ev->log_tab[e] = log((double)e);
    }
    *out = ev;
    return RIC_OK;
oom:
    ric_evaluation_free(ev);
    ric_err_set(err, "%s: out of memory reserving the programme evaluation", sc->source);
    return RIC_ENOMEM;
}

void ric_evaluation_free(ric_evaluation *ev)
{
    if (!ev)
        return;
    for (int p = 0; ev->prog && p < ev->n_prog; p++) {
        free(ev->prog[p].pairs);
        free(ev->prog[p].part_ids);
        free(ev->prog[p].comp_ids);
        free(ev->prog[p].rows);
    }
    free(ev->prog);
    for (int p = 0; ev->orgs && p < ev->n_prog; p++) {
        free(ev->orgs[p].role);
        free(ev->orgs[p].base);
        free(ev->orgs[p].rows);
    }
    free(ev->orgs);
    free(ev->follows);
    free(ev->new_ids);
    free(ev->new_follows);
    free(ev->idx);
    free(ev->tmp);
    free(ev->taken);
    free(ev->mark);
    free(ev->group0);
    free(ev->cursor);
    free(ev->group_sums);
    free(ev);
}

/* ---- values and rows ---------------------------------------------------------------------- */

/* The outcomes of the firm of pair Q in role R, at column I (-1: it has exited). */
static void values(const ric_firms *f, int32_t i, const pair *q, int r, double *v)
{
    if (i >= 0) {
#define ALIVE(name, alive, dead, doc) v[OUT_##name] = (double)(alive);
        OUTCOMES(ALIVE)
#undef ALIVE
    } else {
#define DEAD(name, alive, dead, doc) v[OUT_##name] = (double)(dead);
        OUTCOMES(DEAD)
#undef DEAD
    }
}

/* Adds pair Q with the values V (by role) to row RA. */
static void add_to_row(row_acc *ra, const pair *q, double v[2][N_OUT])
{
    const int roles = q->id[COMP] ? 2 : 1;
    for (int r = 0; r < roles; r++) {
        ra->n[r] += 1;
        ra->alive[r] += v[r][OUT_survival];
        for (int o = 0; o < N_OUT; o++)
            ra->sum[r][o] += v[r][o];
    }
    if (roles < 2)
        return;
    for (int o = 0; o < N_OUT; o++) {
        double d = (v[PART][o] - q->base[PART][o]) - (v[COMP][o] - q->base[COMP][o]);
        ra->sum_d[o] += d;
        ra->sq_d[o] += d * d;
    }
}

/* ---- matching ----------------------------------------------------------------------------- */

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int id_less(uint32_t x, uint32_t y)
{
    return x < y;
}

static int follow_less(follow x, follow y)
{
    if (x.id != y.id)
        return x.id < y.id;
    if (x.prog != y.prog)
        return x.prog < y.prog;
    if (x.pair != y.pair)
        return x.pair < y.pair;
    return x.role < y.role;
}

static int by_follow(const void *a, const void *b)
{
    const follow *x = a, *y = b;
    return follow_less(*y, *x) - follow_less(*x, *y);
}

/* merge_NAME(a, m, n, tmp): sorts the entries a[m..n) into the sorted a[0..m), in place: they are
 * sorted by insertion in tmp (one award's entries, few), then merged from the back. No
 * allocation, no comparison sort of the whole list. */
#define MERGE_INTO_SORTED(name, type, less)                                                        \
    static void merge_##name(type *a, size_t m, size_t n, type *tmp)                               \
    {                                                                                              \
        const size_t t = n - m;                                                                    \
        memcpy(tmp, a + m, t * sizeof *a);                                                         \
        for (size_t i = 1; i < t; i++) {                                                           \
            type x = tmp[i];                                                                       \
            size_t j = i;                                                                          \
            for (; j > 0 && less(x, tmp[j - 1]); j--)                                              \
                tmp[j] = tmp[j - 1];                                                               \
            tmp[j] = x;                                                                            \
        }                                                                                          \
        for (size_t i = m, j = t, k = n; j > 0;)                                                   \
            a[--k] = i > 0 && less(tmp[j - 1], a[i - 1]) ? a[--i] : tmp[--j];                      \
    }
MERGE_INTO_SORTED(ids, uint32_t, id_less)
MERGE_INTO_SORTED(follows, follow, follow_less)
#undef MERGE_INTO_SORTED

/* The matching variables of firm column I: log employees, capability, age in years. */
static void features(const ric_evaluation *ev, const ric_world *w, size_t i, double x[3])
{
    const ric_firms *f = &w->firms;
    const int32_t e = f->employees[i] > 0 ? f->employees[i] : 1;
    x[0] = e < LOG_TAB ? ev->log_tab[e] : log((double)e);
    x[1] = f->capability[i];
    x[2] = ((double)w->step - (double)f->birth[i]) * w->dt;
}

static size_t group_of(const ric_world *w, size_t i)
{
    return (size_t)w->firms.region[i] * (size_t)w->n_sectors + w->firms.sector[i];
}

/* The candidates for programme P's comparison firms now: alive, in no programme, not yet used by
 * P; grouped by region and sector, each group by employees (ties in column order). Two stable
 * counting sorts: by size, RADIX_BITS at a time, then by group. */
static void build_index(ric_evaluation *ev, const ric_world *w, int p)
{
    const ric_firms *f = &w->firms;
    const prog_eval *pe = &ev->prog[p];
    for (size_t k = 0; k < pe->n_comp; k++) {
        int32_t i = f->index_of[pe->comp_ids[k]];
        if (i >= 0)
            ev->mark[i] = 1;
    }
    size_t *g0 = ev->group0, n = 0;
    double *gs = ev->group_sums;
    memset(g0, 0, (ev->n_groups + 1) * sizeof *g0);
    memset(gs, 0, ev->n_groups * 6 * sizeof *gs);
    uint32_t max_e = 0;
    for (size_t i = 0; i < f->n; i++) {
        if ((f->flags[i] & RIC_FIRM_DEAD) || f->prog[i] != 0 || ev->mark[i])
            continue;
        const size_t g = group_of(w, i);
        g0[g + 1]++;
        ev->tmp[n++] = (cand){f->employees[i], (uint32_t)i, (uint32_t)g};
        if ((uint32_t)f->employees[i] > max_e)
            max_e = (uint32_t)f->employees[i];
        double x[3];
        features(ev, w, i, x);
        for (size_t k = 0; k < 3; k++) {
            gs[6 * g + k] += x[k];
            gs[6 * g + 3 + k] += x[k] * x[k];
        }
    }
    for (size_t k = 0; k < pe->n_comp; k++) {
        int32_t i = f->index_of[pe->comp_ids[k]];
        if (i >= 0)
            ev->mark[i] = 0;
    }
    cand *src = ev->tmp, *dst = ev->idx;
    for (unsigned shift = 0; shift < 32 && (max_e >> shift) != 0; shift += RADIX_BITS) {
        memset(ev->hist, 0, sizeof ev->hist);
        for (size_t k = 0; k < n; k++)
            ev->hist[(((uint32_t)src[k].employees >> shift) & (RADIX - 1)) + 1]++;
        for (size_t d = 0; d < RADIX; d++)
            ev->hist[d + 1] += ev->hist[d];
        for (size_t k = 0; k < n; k++)
            dst[ev->hist[((uint32_t)src[k].employees >> shift) & (RADIX - 1)]++] = src[k];
        cand *t = src;
        src = dst;
        dst = t;
    }
    for (size_t g = 0; g < ev->n_groups; g++)
        g0[g + 1] += g0[g];
    memcpy(ev->cursor, g0, ev->n_groups * sizeof *g0);
    for (size_t k = 0; k < n; k++)
        dst[ev->cursor[src[k].group]++] = src[k];
    if (dst != ev->idx)
        memcpy(ev->idx, dst, n * sizeof *dst);
    /* the variables' spread within a region and sector, where the matching looks */
    double ss[3] = {0, 0, 0}, dof = 0;
    for (size_t g = 0; g < ev->n_groups; g++) {
        const double m = (double)(g0[g + 1] - g0[g]);
        if (m < 2)
            continue;
        dof += m - 1;
        for (size_t k = 0; k < 3; k++)
            ss[k] += gs[6 * g + 3 + k] - gs[6 * g + k] * gs[6 * g + k] / m;
    }
    for (int k = 0; k < 3; k++) {
        double var = dof > 0 ? ss[k] / dof : 0;
        ev->inv_var[k] = var > 1e-12 ? 1.0 / var : 1.0; /* a constant variable: unscaled */
    }
    memset(ev->taken, 0, n);
    ev->idx_step = w->step;
    ev->idx_prog = p;
}

/* The comparison firm of participant column I in programme P: among the WINDOW free candidates
 * on either side of its size in its region and sector, the nearest in log employees, capability
 * and age (each scaled by its variance within the groups, pooled; ties to the lower id). Returns
 * its column, taken from the index, or -1 when the group has none left. */
static long match(ric_evaluation *ev, const ric_world *w, int p, size_t i)
{
    if (ev->idx_prog != p || ev->idx_step != w->step)
        build_index(ev, w, p);
    const size_t g = group_of(w, i), lo = ev->group0[g], hi = ev->group0[g + 1];
    const int32_t e = w->firms.employees[i];
    size_t a = lo, b = hi; /* the first candidate at least as large */
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (ev->idx[m].employees < e)
            a = m + 1;
        else
            b = m;
    }
    double x[3], y[3], best = INFINITY;
    features(ev, w, i, x);
    size_t best_k = SIZE_MAX;
    for (int side = 0; side < 2; side++) {
        int seen = 0;
        for (size_t s = 0; seen < WINDOW; s++) {
            size_t k;
            if (side == 0) {
                if (a - lo <= s)
                    break;
                k = a - 1 - s;
            } else {
                if (a + s >= hi)
                    break;
                k = a + s;
            }
            if (ev->taken[k])
                continue;
            seen++;
            const uint32_t col = ev->idx[k].col;
            features(ev, w, col, y);
            double d = 0;
            for (int v = 0; v < 3; v++)
                d += (x[v] - y[v]) * (x[v] - y[v]) * ev->inv_var[v];
            if (best_k == SIZE_MAX || d < best ||
                (d == best && w->firms.id[col] < w->firms.id[ev->idx[best_k].col])) {
                best = d;
                best_k = k;
            }
        }
    }
    if (best_k == SIZE_MAX)
        return -1;
    ev->taken[best_k] = 1;
    return (long)ev->idx[best_k].col;
}

/* ---- enrolment and observation ------------------------------------------------------------ */

void ric_evaluation_enrol(ric_evaluation *ev, const ric_world *w, int p, const uint32_t *ids,
                          size_t n)
{
    if (!ev || n == 0)
        return;
    const ric_firms *f = &w->firms;
    prog_eval *pe = &ev->prog[p];
    /* the pair enters the rows at the last year at or before now, with its values now */
    size_t row = w->step / ev->steps_per_row;
    if (row >= ev->n_rows)
        row = ev->n_rows - 1;
    const size_t sorted = pe->n, follows0 = ev->n_follows;
    for (size_t k = 0; k < n; k++) {
        int32_t i = f->index_of[ids[k]];
        if (i < 0)
            continue; /* exited between its selection and its award's start */
        int again = bsearch(&ids[k], pe->part_ids, sorted, sizeof *pe->part_ids, by_u32) != NULL;
        /* ... or earlier in this award (not yet sorted in) */
        for (size_t j = sorted; j < pe->n && !again; j++)
            again = pe->part_ids[j] == ids[k];
        if (again)
            continue; /* recorded at its first award */
        if (pe->n == pe->cap) {
            pe->unrecorded++;
            continue;
        }
        pair *q = &pe->pairs[pe->n];
        memset(q, 0, sizeof *q);
        q->id[PART] = ids[k];
        long c = match(ev, w, p, (size_t)i);
        if (c >= 0) {
            q->id[COMP] = f->id[c];
            pe->comp_ids[pe->n_comp++] = f->id[c];
        }
        const long col[2] = {i, c};
        for (int r = 0; r < 2; r++) {
            if (!q->id[r])
                continue;
            values(f, (int32_t)col[r], q, r, q->base[r]);
            q->cap_last[r] = f->capability[col[r]];
            if (ev->n_follows < ev->cap_follows)
                ev->follows[ev->n_follows++] =
                    (follow){q->id[r], (uint32_t)pe->n, (uint16_t)p, (uint8_t)r};
        }
        add_to_row(&pe->rows[row], q, q->base); /* its changes are 0 there */
        pe->part_ids[pe->n++] = ids[k];
        if (pe->first_row < 0)
            pe->first_row = (long)row;
    }
    if (pe->n - sorted <= ev->cap_new && ev->n_follows - follows0 <= 2 * ev->cap_new) {
        merge_ids(pe->part_ids, sorted, pe->n, ev->new_ids);
        merge_follows(ev->follows, follows0, ev->n_follows, ev->new_follows);
    } else { /* more members than any instrument's consortium: not reached */
        qsort(pe->part_ids, pe->n, sizeof *pe->part_ids, by_u32);
        qsort(ev->follows, ev->n_follows, sizeof *ev->follows, by_follow);
    }
}

/* Credits the spin-offs of the step to the firms followed. */
static void count_spinoffs(ric_evaluation *ev, const ric_birth *b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (b[k].parent_kind != RIC_PARENT_FIRM)
            continue;
        size_t lo = 0, hi = ev->n_follows;
        while (lo < hi) {
            size_t m = lo + (hi - lo) / 2;
            if (ev->follows[m].id < b[k].parent)
                lo = m + 1;
            else
                hi = m;
        }
        for (; lo < ev->n_follows && ev->follows[lo].id == b[k].parent; lo++) {
            const follow *fw = &ev->follows[lo];
            ev->prog[fw->prog].pairs[fw->pair].spinoffs[fw->role]++;
        }
    }
}

/* ---- organisations ------------------------------------------------------------------------ */

static void org_values(const ric_org *g, double *v)
{
#define ORG_VALUE(name, value, doc) v[ORG_OUT_##name] = value;
    ORG_OUTCOMES(ORG_VALUE)
#undef ORG_VALUE
}

void ric_evaluation_applied(ric_evaluation *ev, const ric_world *w, int p, int o, int won)
{
    if (!ev || !ev->orgs[p].role || o < 0 || o >= ev->n_orgs)
        return;
    org_eval *oe = &ev->orgs[p];
    oe->started = 1;
    if (oe->role[o] == ORG_NONE)
        org_values(&w->orgs[o], oe->base + (size_t)o * N_ORG_OUT);
    if (won)
        oe->role[o] = ORG_AWARDED;
    else if (oe->role[o] == ORG_NONE)
        oe->role[o] = ORG_APPLIED;
}

/* The yearly row of every programme's organisations: each keeps the group it is in now (an
 * applicant that wins later moves to the awardees, from its first application's base). */
static void observe_orgs(ric_evaluation *ev, const ric_world *w, size_t row)
{
    for (int p = 0; p < ev->n_prog; p++) {
        org_eval *oe = &ev->orgs[p];
        if (!oe->role || !oe->started)
            continue;
        if (oe->first_row < 0)
            oe->first_row = (long)row;
        org_row *ra = &oe->rows[row];
        memset(ra, 0, sizeof *ra);
        for (int o = 0; o < ev->n_orgs; o++) {
            if (oe->role[o] == ORG_NONE)
                continue;
            const int gi = oe->role[o] == ORG_AWARDED ? PART : COMP;
            double v[N_ORG_OUT];
            org_values(&w->orgs[o], v);
            ra->n[gi] += 1;
            for (int k = 0; k < N_ORG_OUT; k++) {
                const double d = v[k] - oe->base[(size_t)o * N_ORG_OUT + (size_t)k];
                ra->sum[gi][k] += v[k];
                ra->sum_d[gi][k] += d;
                ra->sq_d[gi][k] += d * d;
            }
        }
    }
}

#define ORG_COLS(name, value, doc)                                                                 \
#name "_awardees", #name "_comparison", #name "_did", #name "_did_se",
static const char *const org_colnames[] = {"year", "awardees", "comparison",
                                           ORG_OUTCOMES(ORG_COLS)};
#undef ORG_COLS

size_t ric_evaluation_org_ncols(void)
{
    return sizeof org_colnames / sizeof org_colnames[0];
}

const char *ric_evaluation_org_colname(size_t c)
{
    return c < ric_evaluation_org_ncols() ? org_colnames[c] : NULL;
}

size_t ric_evaluation_org_rows(const ric_evaluation *ev, int p, size_t *first)
{
    const org_eval *oe = &ev->orgs[p];
    *first = oe->first_row < 0 ? 0 : (size_t)oe->first_row;
    if (!oe->role || oe->first_row < 0 || ev->last_row < (size_t)oe->first_row)
        return 0;
    return ev->last_row - (size_t)oe->first_row + 1;
}

void ric_evaluation_org_row(const ric_evaluation *ev, int p, size_t row, double *vals)
{
    const org_row *ra = &ev->orgs[p].rows[row];
    vals[0] = ev->start + (double)row;
    vals[1] = ra->n[PART];
    vals[2] = ra->n[COMP];
    for (int k = 0; k < N_ORG_OUT; k++) {
        double *v = vals + HEAD_COLS + PER_OUTCOME * k, mean[2], var[2];
        for (int gi = 0; gi < 2; gi++) {
            const double n = ra->n[gi];
            mean[gi] = n > 0 ? ra->sum_d[gi][k] / n : NAN;
            var[gi] =
                n > 1 ? fmax(ra->sq_d[gi][k] - mean[gi] * ra->sum_d[gi][k], 0.0) / (n - 1) : NAN;
        }
        v[0] = ra->n[PART] > 0 ? ra->sum[PART][k] / ra->n[PART] : NAN;
        v[1] = ra->n[COMP] > 0 ? ra->sum[COMP][k] / ra->n[COMP] : NAN;
        v[2] = mean[PART] - mean[COMP]; /* NaN when either group is empty */
        /* two independent groups: sqrt(var_a/n_a + var_c/n_c) */
        v[3] = sqrt(var[PART] / ra->n[PART] + var[COMP] / ra->n[COMP]);
    }
}

void ric_evaluation_observe(ric_evaluation *ev, const ric_world *w, const ric_birth *b, size_t n)
{
    if (!ev)
        return;
    if (ev->n_follows > 0)
        count_spinoffs(ev, b, n);
    if (w->step % ev->steps_per_row != 0)
        return;
    const size_t row = w->step / ev->steps_per_row;
    if (row >= ev->n_rows)
        return;
    ev->last_row = row;
    observe_orgs(ev, w, row);
    const ric_firms *f = &w->firms;
    for (int p = 0; p < ev->n_prog; p++) {
        prog_eval *pe = &ev->prog[p];
        for (size_t k = 0; k < pe->n; k++) {
            pair *q = &pe->pairs[k];
            double v[2][N_OUT];
            for (int r = 0; r < 2; r++) {
                if (!q->id[r])
                    continue;
                int32_t i = f->index_of[q->id[r]];
                values(f, i, q, r, v[r]);
                if (i >= 0)
                    q->cap_last[r] = f->capability[i];
            }
            add_to_row(&pe->rows[row], q, v);
        }
    }
}

/* ---- the table ---------------------------------------------------------------------------- */

#define OUT_COLS(name, alive, dead, doc)                                                           \
#name "_participants", #name "_comparison", #name "_did", #name "_did_se",
static const char *const colnames[] = {"year", "participants", "comparison", OUTCOMES(OUT_COLS)};
#undef OUT_COLS

size_t ric_evaluation_ncols(void)
{
    return sizeof colnames / sizeof colnames[0];
}

const char *ric_evaluation_colname(size_t c)
{
    return c < ric_evaluation_ncols() ? colnames[c] : NULL;
}

size_t ric_evaluation_rows(const ric_evaluation *ev, int p, size_t *first)
{
    const prog_eval *pe = &ev->prog[p];
    *first = pe->first_row < 0 ? 0 : (size_t)pe->first_row;
    return pe->first_row < 0 ? 0 : ev->last_row - (size_t)pe->first_row + 1;
}

void ric_evaluation_row(const ric_evaluation *ev, int p, size_t row, double *vals)
{
    const row_acc *ra = &ev->prog[p].rows[row];
    const double np = ra->n[PART], nc = ra->n[COMP];
    vals[0] = ev->start + (double)row;
    vals[1] = ra->alive[PART];
    vals[2] = ra->alive[COMP];
    for (int o = 0; o < N_OUT; o++) {
        double *v = vals + HEAD_COLS + PER_OUTCOME * o;
        v[0] = np > 0 ? ra->sum[PART][o] / np : NAN;
        v[1] = nc > 0 ? ra->sum[COMP][o] / nc : NAN;
        const double mean = nc > 0 ? ra->sum_d[o] / nc : NAN;
        const double ss = nc > 0 ? ra->sq_d[o] - mean * ra->sum_d[o] : NAN;
        v[2] = nc > 0 ? mean : NAN;
        v[3] = nc > 1 ? sqrt(fmax(ss, 0.0) / (nc - 1) / nc) : NAN; /* sd(d) / sqrt(n) */
    }
}

void ric_evaluation_count(const ric_evaluation *ev, int p, ric_evaluation_counts *out)
{
    const prog_eval *pe = &ev->prog[p];
    out->participants = pe->n;
    out->matched = pe->n_comp;
    out->unrecorded = pe->unrecorded;
}

void ric_evaluation_pair_at(const ric_evaluation *ev, int p, size_t k, ric_evaluation_pair *out)
{
    const pair *q = &ev->prog[p].pairs[k];
    for (int r = 0; r < 2; r++) {
        out->id[r] = q->id[r];
        out->employees[r] = q->id[r] ? q->base[r][OUT_employees] : NAN;
        out->capability[r] = q->id[r] ? q->base[r][OUT_capability] : NAN;
    }
}
