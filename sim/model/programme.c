/* The programme engine. Instruments issue calls; at each deadline the eligible applicants are
 * ranked by a weighted score of quality, matching capacity and chance (the three criteria of
 * INFSO-SKIN, Ahrweiler et al. 2015; lexicographic ranking is the limit of steep weights) and
 * winners are taken in rank order while the calendar-year budgets allow. Awards pay monthly after a
 * disbursement delay; reviews cancel or cut the weakest and may re-award the money (NURI 2004-05:
 * seed document via data/programs.tsv). Applicant kinds and the channels through which money acts
 * are tables, not branches in the step. */
#include "model/programme.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "base/consts.h"
#include "model/applicants.h"

enum { AWARD_PENDING, AWARD_RUNNING, AWARD_ENDED };

typedef struct {
    int prog, instr;
    uint32_t seq;      /* rank among its programme's awards: keys the award's draws, so one
                          programme's awards never shift another's */
    int32_t who;       /* organisation index, region index or firm id */
    int region;        /* the beneficiary's region at the award: where its money goes */
    double start, end; /* the award's service window, years */
    double annual;     /* US$ million per year, after cuts */
    double committed;  /* US$ million, total over the window */
    double spent;      /* US$ million */
    int state;
    int window;      /* its members' prog_now bit is set: start <= t < end */
    int32_t partner; /* organisation merged into the winning proposal (merge_rate), or -1 */
    size_t m0;       /* members: slice of ric_programmes.members (firm ids) */
    int nm;
    long long base_emp, base_org; /* members' employment and the beneficiary's outputs at award */
} award;

/* A ranked applicant or award: sorted by score, best first, ties by key. */
typedef struct {
    double score;
    uint32_t key, idx;
    int32_t partner; /* organisation merged into the proposal, or -1 */
    float merge_u;   /* the proposal's merge draw, in [0, 1) */
} cand;

typedef struct {
    double next_selection; /* year of the next regular selection */
    double reaward_at;     /* year of a pending re-award selection, or +inf */
} instr_state;

struct ric_programmes {
    int n;
    int year0, n_years;
    double *available; /* [p * n_years + y]: budget net of overhead, US$ million */
    double *committed; /* same shape */
    double *overhead_cum, *spent_cum;
    double *freed, *reawarded; /* commitments released by reviews, and re-awarded, US$ million */
    double *lapsed;            /* money lost at year ends under lapse_at_year_end, US$ million */
    int *cancelled, *cut, *made;
    int *proposals, *merged; /* proposals received by the selections, and mergers among them */
    double *next_review;
    uint32_t *hash;
    int *instr0; /* first instr_state of programme p */
    instr_state *is;
    award *awards;
    size_t n_awards, cap_awards;
    uint32_t *members;
    size_t n_members, cap_members;
    /* selection and review scratch */
    cand *cand;
    size_t cap_cand;
    uint64_t *merge_order; /* proposals by (region, position): the merge pass */
    uint32_t *by_region;
    size_t *region_start;
    unsigned char *holds; /* awards of the instrument each organisation or region holds */
    uint32_t *held;       /* firm ids holding an award of the instrument, sorted */
    size_t *order;
};

/* ---- budget bookkeeping by calendar year -------------------------------------------------- */

static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = fmax(a0, b0), hi = fmin(a1, b1);
    return hi > lo ? hi - lo : 0.0;
}

static double programme_end(const ric_programme_spec *ps)
{
    double e = -INFINITY;
    for (int i = 0; i < ps->n_phases; i++)
        e = fmax(e, ps->phases[i].end);
    return e;
}

/* Whether an award of ANNUAL over [s, e) fits every calendar year's remaining budget. */
static int fits(const ric_programmes *pg, int p, double annual, double s, double e)
{
    for (int y = 0; y < pg->n_years; y++) {
        double yr = pg->year0 + y;
        double need = annual * overlap(yr, yr + 1, s, e);
        if (need > 0 &&
            pg->committed[p * pg->n_years + y] + need > pg->available[p * pg->n_years + y] + 1e-9)
            return 0;
    }
    return 1;
}

/* The total an award of ANNUAL over [s, e) would commit, US$ million. */
static double need_total(const ric_programmes *pg, double annual, double s, double e)
{
    double total = 0;
    for (int y = 0; y < pg->n_years; y++)
        total += annual * overlap(pg->year0 + y, pg->year0 + y + 1, s, e);
    return total;
}

static double commit(ric_programmes *pg, int p, double annual, double s, double e)
{
    double total = 0;
    for (int y = 0; y < pg->n_years; y++) {
        double yr = pg->year0 + y;
        double amt = annual * overlap(yr, yr + 1, s, e);
        pg->committed[p * pg->n_years + y] += amt;
        total += amt;
    }
    return total;
}

/* ---- allocation --------------------------------------------------------------------------- */

ric_status ric_programmes_alloc(ric_world *w, ric_programmes **out, ric_err *err)
{
    const ric_scenario *sc = w->sc;
    ric_programmes *pg = calloc(1, sizeof *pg);
    if (!pg)
        goto oom;
    pg->n = sc->n_programmes;
    double last = sc->end;
    size_t n_instr = 0;
    for (int p = 0; p < pg->n; p++) {
        const ric_programme_spec *ps = &sc->programmes[p];
        last = fmax(last, programme_end(ps));
        n_instr += (size_t)ps->n_instruments;
    }
    pg->year0 = (int)floor(sc->start);
    pg->n_years = (int)ceil(last) - pg->year0 + 2;
    size_t py = (size_t)(pg->n ? pg->n : 1) * (size_t)pg->n_years;
    pg->available = calloc(py, sizeof *pg->available);
    pg->committed = calloc(py, sizeof *pg->committed);
    size_t np = (size_t)(pg->n ? pg->n : 1);
    pg->overhead_cum = calloc(np, sizeof(double));
    pg->spent_cum = calloc(np, sizeof(double));
    pg->freed = calloc(np, sizeof(double));
    pg->reawarded = calloc(np, sizeof(double));
    pg->lapsed = calloc(np, sizeof(double));
    pg->cancelled = calloc(np, sizeof(int));
    pg->cut = calloc(np, sizeof(int));
    pg->made = calloc(np, sizeof(int));
    pg->proposals = calloc(np, sizeof(int));
    pg->merged = calloc(np, sizeof(int));
    pg->next_review = calloc(np, sizeof(double));
    pg->hash = calloc(np, sizeof(uint32_t));
    pg->instr0 = calloc(np, sizeof(int));
    pg->is = calloc(n_instr ? n_instr : 1, sizeof *pg->is);
    if (!pg->available || !pg->committed || !pg->overhead_cum || !pg->spent_cum || !pg->freed ||
        !pg->reawarded || !pg->lapsed || !pg->cancelled || !pg->cut || !pg->made ||
        !pg->proposals || !pg->merged || !pg->next_review || !pg->hash || !pg->instr0 || !pg->is)
        goto oom;

    int k = 0;
    for (int p = 0; p < pg->n; p++) {
        const ric_programme_spec *ps = &sc->programmes[p];
        pg->hash[p] = ric_hash32(ps->name);
        pg->next_review[p] = ps->review ? ps->review_first : INFINITY;
        for (int y = 0; y < pg->n_years; y++) {
            double yr = pg->year0 + y, b = 0;
            for (int j = 0; j < ps->n_phases; j++)
                b += ps->phases[j].budget_usd_m *
                     overlap(yr, yr + 1, ps->phases[j].start, ps->phases[j].end);
            pg->available[p * pg->n_years + y] = b * (1.0 - ps->overhead);
        }
        pg->instr0[p] = k;
        double reviews =
            ps->review ? floor((last - ps->review_first) / ps->review_every_years) + 1 : 0;
        if (reviews < 0)
            reviews = 0;
        for (int i = 0; i < ps->n_instruments; i++, k++) {
            const ric_instrument_spec *in = &ps->instruments[i];
            pg->is[k].next_selection = in->call + in->deadline_months / 12.0;
            pg->is[k].reaward_at = INFINITY;
            double calls = in->repeat_years > 0
                               ? floor(fmax(0.0, sc->end - in->call) / in->repeat_years) + 1
                               : 1;
            size_t a = (size_t)((calls + reviews) * in->max_winners);
            pg->cap_awards += a;
            pg->cap_members += a * (size_t)(in->consortium_firms > 0 ? in->consortium_firms : 1);
        }
    }
    pg->awards = calloc(pg->cap_awards ? pg->cap_awards : 1, sizeof *pg->awards);
    pg->members = calloc(pg->cap_members ? pg->cap_members : 1, sizeof *pg->members);
    int most_proposals = 1;
    for (int p = 0; p < pg->n; p++)
        for (int i = 0; i < sc->programmes[p].n_instruments; i++)
            if (sc->programmes[p].instruments[i].proposals > most_proposals)
                most_proposals = sc->programmes[p].instruments[i].proposals;
    pg->cap_cand = w->firms.cap;
    if ((size_t)(w->n_orgs + w->n_regions) * (size_t)most_proposals > pg->cap_cand)
        pg->cap_cand = (size_t)(w->n_orgs + w->n_regions) * (size_t)most_proposals;
    if ((size_t)w->n_orgs > pg->cap_cand)
        pg->cap_cand = (size_t)w->n_orgs;
    if ((size_t)w->n_regions > pg->cap_cand)
        pg->cap_cand = (size_t)w->n_regions;
    pg->cand = calloc(pg->cap_cand, sizeof *pg->cand);
    pg->merge_order = calloc(pg->cap_cand, sizeof *pg->merge_order);
    pg->order = calloc((size_t)w->n_regions + 1, sizeof *pg->order);
    pg->by_region = calloc(w->firms.cap ? w->firms.cap : 1, sizeof *pg->by_region);
    pg->region_start = calloc((size_t)w->n_regions + 1, sizeof *pg->region_start);
    size_t nh = (size_t)(w->n_orgs > w->n_regions ? w->n_orgs : w->n_regions);
    pg->holds = calloc(nh ? nh : 1, 1);
    pg->held = calloc(pg->cap_awards ? pg->cap_awards : 1, sizeof *pg->held);
    if (!pg->awards || !pg->members || !pg->cand || !pg->merge_order || !pg->order ||
        !pg->by_region || !pg->region_start || !pg->holds || !pg->held)
        goto oom;
    *out = pg;
    return RIC_OK;
oom:
    ric_programmes_free(pg);
    ric_err_set(err, "%s: out of memory reserving programme tables", sc->source);
    return RIC_ENOMEM;
}

void ric_programmes_free(ric_programmes *pg)
{
    if (!pg)
        return;
    free(pg->available);
    free(pg->committed);
    free(pg->overhead_cum);
    free(pg->spent_cum);
    free(pg->freed);
    free(pg->reawarded);
    free(pg->lapsed);
    free(pg->cancelled);
    free(pg->proposals);
    free(pg->merged);
    free(pg->merge_order);
    free(pg->cut);
    free(pg->made);
    free(pg->next_review);
    free(pg->hash);
    free(pg->instr0);
    free(pg->is);
    free(pg->awards);
    free(pg->members);
    free(pg->cand);
    free(pg->order);
    free(pg->by_region);
    free(pg->region_start);
    free(pg->holds);
    free(pg->held);
    free(pg);
}

/* ---- selection ---------------------------------------------------------------------------- */

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int by_score_desc(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Groups the firm columns of the sectors SECTORS (a mask; 0: any) by region (counting sort) for
 * drawing consortium members. */
static void index_firms_by_region(ric_programmes *pg, const ric_world *w, uint32_t sectors)
{
    const ric_firms *f = &w->firms;
#define RIC_MEMBER_OK(i)                                                                           \
    (!(f->flags[i] & RIC_FIRM_DEAD) && (sectors == 0 || ((sectors >> f->sector[i]) & 1u)))
    size_t *st = pg->region_start;
    memset(st, 0, ((size_t)w->n_regions + 1) * sizeof *st);
    for (size_t i = 0; i < f->n; i++)
        if (RIC_MEMBER_OK(i))
            st[f->region[i] + 1]++;
    for (int r = 0; r < w->n_regions; r++)
        st[r + 1] += st[r];
    /* fill using order[] as running cursors */
    for (int r = 0; r < w->n_regions; r++)
        pg->order[r] = st[r];
    for (size_t i = 0; i < f->n; i++)
        if (RIC_MEMBER_OK(i))
            pg->by_region[pg->order[f->region[i]]++] = (uint32_t)i;
#undef RIC_MEMBER_OK
}

static void pick_members(ric_programmes *pg, ric_world *w, award *a, int region, int want,
                         uint32_t rule)
{
    size_t s = pg->region_start[region], m = pg->region_start[region + 1] - s;
    size_t k = (size_t)want < m ? (size_t)want : m;
    gsl_rng *r = ric_stream_at(&w->stream, a->seq, w->step, rule);
    a->m0 = pg->n_members;
    a->nm = 0;
    for (size_t j = 0; j < k && pg->n_members < pg->cap_members; j++) {
        /* partial Fisher-Yates over the region's segment */
        size_t x = j + (size_t)gsl_rng_uniform_int(r, m - j);
        uint32_t t = pg->by_region[s + j];
        pg->by_region[s + j] = pg->by_region[s + x];
        pg->by_region[s + x] = t;
        pg->members[pg->n_members++] = w->firms.id[pg->by_region[s + j]];
        a->nm++;
    }
}

static void enrol(ric_programmes *pg, ric_world *w, award *a)
{
    ric_firms *f = &w->firms;
    a->base_emp = 0;
    for (int j = 0; j < a->nm; j++) {
        int32_t i = f->index_of[pg->members[a->m0 + (size_t)j]];
        if (i < 0)
            continue;
        f->prog[i] |= 1u << a->prog;
        a->base_emp += f->employees[i];
    }
}

/* The joint project of an organisation award links its live members to the awardee when the
 * award starts, after the evaluation has recorded their base values (so the link is part of what
 * the programme changed, not of the participants' starting point). */
static void link_members(ric_programmes *pg, ric_world *w, const award *a)
{
    for (int j = 0; j < a->nm; j++) {
        int32_t i = w->firms.index_of[pg->members[a->m0 + (size_t)j]];
        if (i >= 0)
            ric_firms_link_to_org(w, RIC_LINK_org, (size_t)i, a->who);
    }
}

static int by_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Consortia formed before ranking (the seed: Daejeon's six RIS proposals of 2004 yielded two
 * projects, one a merger). The NC scored proposals are taken region by region in the order they
 * were made; a proposal joins the next one of its region from another organisation with the chance
 * in->merge_rate (its own ranking block's second word, so no draw shifts). The better-scored one
 * leads; the merged proposal adds the partner's matching capacity (size over the mean SM) to the
 * score, the partner shares the award's organisation channels, and the other proposal is withdrawn
 * (score -inf). Returns the mergers. */
static int merge_proposals(ric_programmes *pg, const ric_world *w, const ric_instrument_spec *in,
                           size_t nc, double sm)
{
    const ric_applicant_kind *ak = &ric_applicant_kinds[in->applicants];
    for (size_t c = 0; c < nc; c++)
        pg->merge_order[c] = (uint64_t)(uint32_t)ak->region(w, pg->cand[c].idx) << 32 | c;
    qsort(pg->merge_order, nc, sizeof *pg->merge_order, by_u64);
    int merged = 0;
    for (size_t x = 0; x + 1 < nc; x++) {
        cand *a = &pg->cand[(uint32_t)pg->merge_order[x]];
        cand *b = &pg->cand[(uint32_t)pg->merge_order[x + 1]];
        if (pg->merge_order[x] >> 32 != pg->merge_order[x + 1] >> 32 || a->idx == b->idx ||
            !(a->merge_u < in->merge_rate))
            continue;
        cand *lead = a->score >= b->score ? a : b, *other = lead == a ? b : a;
        lead->score += in->rank_match * ak->size(w, other->idx) / (sm > 0 ? sm : 1);
        lead->partner = (int32_t)other->idx;
        other->score = -INFINITY;
        merged++;
        x++; /* the pair is spent */
    }
    return merged;
}

/* A selection of instrument II of programme P: the regular call, or (REAWARD) the re-award of
 * the money that the programme's reviews freed and have not re-awarded yet. */
static void select_winners(ric_programmes *pg, ric_world *w, ric_evaluation *ev, int p, int ii,
                           int reaward)
{
    const ric_programme_spec *ps = &w->sc->programmes[p];
    const ric_instrument_spec *in = &ps->instruments[ii];
    const ric_applicant_kind *ak = &ric_applicant_kinds[in->applicants];
    const int is_org = ric_applicant_is_org(in);
    const int is_firm = in->applicants == RIC_APPLY_FIRM;

    /* who already holds an award of this instrument */
    size_t nh = (size_t)(w->n_orgs > w->n_regions ? w->n_orgs : w->n_regions), n_held = 0;
    memset(pg->holds, 0, nh);
    for (size_t a = 0; a < pg->n_awards; a++)
        if (pg->awards[a].prog == p && pg->awards[a].instr == ii &&
            pg->awards[a].state != AWARD_ENDED) {
            if (is_firm)
                pg->held[n_held++] = (uint32_t)pg->awards[a].who;
            else if (pg->holds[pg->awards[a].who] < 255)
                pg->holds[pg->awards[a].who]++;
        }
    qsort(pg->held, n_held, sizeof *pg->held, by_u32);

    /* the proposals: one per applicant, or up to in->proposals from an organisation or region,
     * less the awards of the instrument it holds; each has its own chance term */
    size_t n = ak->count(w), nc = 0;
    double qsum = 0, ssum = 0;
    const int per = is_firm ? 1 : in->proposals;
    for (size_t k = 0; k < n && nc < pg->cap_cand; k++) {
        if (!ak->eligible(w, in, k))
            continue;
        if (is_firm && bsearch(&w->firms.id[k], pg->held, n_held, sizeof *pg->held, by_u32))
            continue;
        for (int j = is_firm ? 0 : pg->holds[k]; j < per && nc < pg->cap_cand; j++) {
            pg->cand[nc].idx = (uint32_t)k;
            pg->cand[nc++].key = (uint32_t)j; /* the proposal's index, until keyed below */
            qsum += ak->quality(w, k);
            ssum += ak->size(w, k);
        }
    }
    if (nc == 0)
        return;
    /* score: quality, then matching capacity (size), then chance, each relative to the mean */
    double qm = qsum / (double)nc, sm = ssum / (double)nc;
    uint32_t rule = RIC_RULE_PROG_RANK ^ pg->hash[p] ^ ((uint32_t)ii * 0x9e3779b9u);
    for (size_t c = 0; c < nc; c++) {
        size_t k = pg->cand[c].idx;
        const uint32_t j = pg->cand[c].key, key = ak->key(w, k);
        /* proposal 0 draws as a single proposal always did; others from their own words */
        ric_block b = ric_rng_block(w->sc->seed, key, w->step, rule ^ (j * 0x85ebca6bu));
        pg->cand[c].key = key ^ j;
        pg->cand[c].partner = -1;
        pg->cand[c].merge_u = (float)ric_u01(b.v[1]);
        pg->cand[c].score = in->rank_quality * ak->quality(w, k) / (qm > 0 ? qm : 1) +
                            in->rank_match * ak->size(w, k) / (sm > 0 ? sm : 1) +
                            in->rank_chance * ric_u01(b.v[0]);
    }
    pg->proposals[p] += (int)nc;
    if (is_org)
        for (size_t c = 0; c < nc; c++)
            ric_evaluation_applied(ev, w, p, (int)pg->cand[c].idx, 0);
    if (in->merge_rate > 0)
        pg->merged[p] += merge_proposals(pg, w, in, nc, sm);
    qsort(pg->cand, nc, sizeof *pg->cand, by_score_desc);
    if (in->consortium_firms > 0 && !is_firm)
        index_firms_by_region(pg, w, in->sectors);

    double t = ric_world_time(w, w->step);
    double start = t + in->start_delay_months / 12.0;
    double end = fmin(start + in->duration_years, programme_end(ps));
    if (!(end > start))
        return;
    int winners = 0;
    uint32_t mrule = RIC_RULE_PROG_MEMBERS ^ pg->hash[p] ^ ((uint32_t)ii * 0x9e3779b9u);
    for (size_t c = 0; c < nc && winners < in->max_winners; c++) {
        size_t k = pg->cand[c].idx;
        if (pg->n_awards >= pg->cap_awards || pg->cand[c].score == -INFINITY)
            break; /* merged proposals rank last */
        if (!fits(pg, p, in->award_usd_m, start, end))
            break; /* every award of an instrument is the same size: none further fits */
        if (reaward &&
            need_total(pg, in->award_usd_m, start, end) > pg->freed[p] - pg->reawarded[p] + 1e-9)
            break; /* a re-award spends only what the reviews freed */
        award *a = &pg->awards[pg->n_awards++];
        memset(a, 0, sizeof *a);
        a->prog = p;
        a->instr = ii;
        a->seq = (uint32_t)pg->made[p];
        a->who = is_firm ? (int32_t)w->firms.id[k] : (int32_t)k;
        a->partner = pg->cand[c].partner;
        a->region = ak->region(w, k);
        a->start = start;
        a->end = end;
        a->annual = in->award_usd_m;
        a->committed = commit(pg, p, a->annual, start, end);
        if (reaward)
            pg->reawarded[p] += a->committed;
        a->state = AWARD_PENDING;
        if (is_firm) {
            a->m0 = pg->n_members;
            a->nm = 0;
            if (pg->n_members < pg->cap_members) {
                pg->members[pg->n_members++] = w->firms.id[k];
                a->nm = 1;
            }
        } else if (in->consortium_firms > 0) {
            pick_members(pg, w, a, ak->region(w, k), in->consortium_firms, mrule);
        }
        enrol(pg, w, a);
        if (is_org) {
            a->base_org = w->orgs[k].spinoffs + w->orgs[k].transfers;
            ric_evaluation_applied(ev, w, p, (int)k, 1);
            if (a->partner >= 0)
                ric_evaluation_applied(ev, w, p, a->partner, 1);
        }
        pg->made[p]++;
        winners++;
    }
}

/* ---- review ------------------------------------------------------------------------------- */

static double performance(const ric_programmes *pg, const ric_world *w, const award *a)
{
    const ric_instrument_spec *in = &w->sc->programmes[a->prog].instruments[a->instr];
    long long emp = 0;
    for (int j = 0; j < a->nm; j++) {
        int32_t i = w->firms.index_of[pg->members[a->m0 + (size_t)j]];
        if (i >= 0)
            emp += w->firms.employees[i];
    }
    double out = (double)(emp - a->base_emp);
    if (ric_applicant_is_org(in)) {
        const ric_org *g = &w->orgs[a->who];
        out += (double)(g->spinoffs + g->transfers - a->base_org);
    }
    return out / fmax(a->spent, 0.01);
}

/* Releases the commitment of A from year T on, after lowering its rate to NEW_ANNUAL. */
static void release(ric_programmes *pg, award *a, double t, double new_annual)
{
    double from = fmax(t, a->start);
    double cut = a->annual - new_annual;
    if (cut > 0 && a->end > from) {
        double freed = commit(pg, a->prog, -cut, from, a->end);
        a->committed += freed; /* freed is negative */
        pg->freed[a->prog] -= freed;
    }
    a->annual = new_annual;
}

static void review(ric_programmes *pg, ric_world *w, int p)
{
    const ric_programme_spec *ps = &w->sc->programmes[p];
    double t = ric_world_time(w, w->step);
    size_t n = 0;
    for (size_t a = 0; a < pg->n_awards; a++)
        if (pg->awards[a].prog == p && pg->awards[a].state == AWARD_RUNNING) {
            award *x = &pg->awards[a];
            const ric_instrument_spec *in = &ps->instruments[x->instr];
            ric_block b =
                ric_rng_block(w->sc->seed, x->seq, w->step, RIC_RULE_PROG_REVIEW ^ pg->hash[p]);
            pg->cand[n].score = performance(pg, w, x) + in->rank_chance * ric_u01(b.v[0]);
            pg->cand[n].key = (uint32_t)a;
            pg->cand[n].idx = (uint32_t)a;
            n++;
        }
    if (n == 0)
        return;
    qsort(pg->cand, n, sizeof *pg->cand, by_score_desc); /* best first */
    size_t nc = (size_t)lround(ps->cancel_share * (double)n);
    size_t nk = (size_t)lround(ps->cut_share * (double)n);
    if (nc + nk > n)
        nk = n - nc;
    for (size_t r = 0; r < nc + nk; r++) {
        award *a = &pg->awards[pg->cand[n - 1 - r].idx]; /* weakest first */
        if (r < nc) {
            release(pg, a, t, 0.0);
            a->end = fmax(t, a->start);
            pg->cancelled[p]++;
        } else {
            release(pg, a, t, a->annual * (1.0 - ps->cut_fraction));
            pg->cut[p]++;
        }
        if (ps->reaward) {
            instr_state *s = &pg->is[pg->instr0[p] + a->instr];
            double at = t + ps->instruments[a->instr].deadline_months / 12.0;
            if (at < s->reaward_at)
                s->reaward_at = at;
        }
    }
}

/* ---- channels: how an award's money acts --------------------------------------------------- */

/* Whether the beneficiaries of an instrument's awards include organisations: an organisation
 * itself, or a region's active organisations. */
static int reaches_orgs(const ric_instrument_spec *in)
{
    return ric_applicant_is_org(in) || in->applicants == RIC_APPLY_REGION;
}
static int reaches_members(const ric_instrument_spec *in)
{
    (void)in; /* every kind of award may have member firms: the applicant firm, or a consortium */
    return 1;
}

/* Adds AMOUNT to the boost of channel C of the beneficiary organisation, or shares it among the
 * region's active organisations. */
static void boost_orgs(ric_world *w, const award *a, const ric_instrument_spec *in, ric_channel c,
                       double amount)
{
    if (ric_applicant_is_org(in) && a->partner >= 0) {
        /* a merged proposal: the lead and its partner share the channel */
        w->orgs[a->who].boost[c] += amount / 2;
        w->orgs[a->partner].boost[c] += amount / 2;
    } else if (ric_applicant_is_org(in) && in->partners > 0) {
        /* a consortium: the lead and up to `partners` other active organisations of its region
         * (the first in the region's list) share the channel equally */
        const ric_region *rg = &w->regions[w->orgs[a->who].region];
        int ids[1001], n = 0;
        ids[n++] = a->who;
        for (int k = 0; k < rg->n_orgs && n <= in->partners; k++)
            if (w->region_orgs[rg->org0 + k] != a->who)
                ids[n++] = w->region_orgs[rg->org0 + k];
        for (int k = 0; k < n; k++)
            w->orgs[ids[k]].boost[c] += amount / n;
    } else if (ric_applicant_is_org(in)) {
        w->orgs[a->who].boost[c] += amount;
    } else if (in->applicants == RIC_APPLY_REGION) {
        const ric_region *rg = &w->regions[a->who];
        for (int k = 0; k < rg->n_orgs; k++)
            w->orgs[w->region_orgs[rg->org0 + k]].boost[c] += amount / rg->n_orgs;
    }
}

/* Each channel's apply gets AMOUNT: its rate times the award's money, US$ million per year with
 * the match. The organisation channels raise the boost of the same name. */
#define ORG_BOOST_APPLY(name)                                                                      \
    static void name##_apply(ric_programmes *pg, ric_world *w, const award *a,                     \
                             const ric_instrument_spec *in, double amount)                         \
    {                                                                                              \
        (void)pg;                                                                                  \
        boost_orgs(w, a, in, RIC_CHANNEL_##name, amount);                                          \
    }
ORG_BOOST_APPLY(spinoff)
ORG_BOOST_APPLY(transfer)
ORG_BOOST_APPLY(graduates)
ORG_BOOST_APPLY(rooms) /* incubators as an instrument (ETRI's TBI: 39 rooms; MODEL.md 7.5) */
#undef ORG_BOOST_APPLY

/* Pairs of members drawn at random with replacement, Poisson(AMOUNT*dt) of them a step, linked by
 * KIND; a draw of a member with itself, or of a dead one, links nothing, and with ONLY_FREE
 * neither may already have a partner of the kind (a firm has one partner of each kind). */
static void link_pairs(ric_programmes *pg, ric_world *w, const award *a, double amount,
                       ric_link_kind kind, uint32_t rule, int only_free)
{
    if (a->nm < 2)
        return;
    ric_firms *f = &w->firms;
    gsl_rng *r = ric_stream_at(&w->stream, a->seq, w->step, rule ^ pg->hash[a->prog]);
    unsigned k = gsl_ran_poisson(r, amount * w->dt);
    for (unsigned x = 0; x < k; x++) {
        int32_t i = f->index_of[pg->members[a->m0 + gsl_rng_uniform_int(r, (unsigned long)a->nm)]];
        int32_t j = f->index_of[pg->members[a->m0 + gsl_rng_uniform_int(r, (unsigned long)a->nm)]];
        if (i < 0 || j < 0 || i == j)
            continue;
        if (only_free &&
            (ric_firms_links(f).partner[kind][i] || ric_firms_links(f).partner[kind][j]))
            continue;
        ric_firms_link_firms(w, kind, (size_t)i, (size_t)j);
    }
}

/* Forums (KICOX mini-clusters, DRIA): peer links between members, which carry knowledge. */
static void links_apply(ric_programmes *pg, ric_world *w, const award *a,
                        const ric_instrument_spec *in, double amount)
{
    (void)in;
    link_pairs(pg, w, a, amount, RIC_LINK_peer, RIC_RULE_LINKS, 0);
}

/* Trade cooperation among members (the seed's KICOX mini-clusters: "cooperation in technology and
 * trade"; Okubo and Okazaki 2015: Japan's cluster participants widen their transaction networks):
 * supplier-buyer links between members without one, through which the orders phase passes hires
 * (7.7); a member's existing supplier or buyer is kept. */
static void suppliers_apply(ric_programmes *pg, ric_world *w, const award *a,
                            const ric_instrument_spec *in, double amount)
{
    (void)in;
    link_pairs(pg, w, a, amount, RIC_LINK_vertical, RIC_RULE_SUPPLIERS, 1);
}

/* Capability shared equally by the members still alive; a member also in the running award of
 * another programme gets the programme's overlap_factor of it per other programme (overlapping
 * programmes: diminishing returns, or the cost of coordinating them; the form is assumed). */
static void capability_apply(ric_programmes *pg, ric_world *w, const award *a,
                             const ric_instrument_spec *in, double amount)
{
    (void)in;
    ric_firms *f = &w->firms;
    const double overlap = w->sc->programmes[a->prog].overlap_factor;
    for (int j = 0; j < a->nm; j++) {
        int32_t i = f->index_of[pg->members[a->m0 + (size_t)j]];
        if (i < 0)
            continue;
        const int others = __builtin_popcount(f->prog_now[i] & ~(1u << a->prog));
        const double share = others > 0 ? pow(overlap, others) : 1.0;
        f->capability[i] = (float)(f->capability[i] + amount * share * w->dt / a->nm);
    }
}

/* A channel: its rate in ric_channels, whether it can act on an instrument's beneficiaries
 * (validate), and its effect for one payment (apply). One entry per RIC_CHANNELS entry, in its
 * order; a channel whose rate is 0 or that cannot act is skipped (it would change nothing). */
typedef struct {
    const char *name;
    size_t offset;
    int (*validate)(const ric_instrument_spec *in);
    void (*apply)(ric_programmes *pg, ric_world *w, const award *a, const ric_instrument_spec *in,
                  double amount);
} channel;

/* Each RIC_CHANNELS entry NAME has NAME_validate and NAME_apply; several share a validate. */
#define spinoff_validate reaches_orgs
#define transfer_validate reaches_orgs
#define graduates_validate reaches_orgs
#define rooms_validate reaches_orgs
#define links_validate reaches_members
#define suppliers_validate reaches_members
#define capability_validate reaches_members
#define AS_CHANNEL(name, hi, doc)                                                                  \
    {#name, offsetof(ric_channels, name), name##_validate, name##_apply},
static const channel channels[] = {RIC_CHANNELS(AS_CHANNEL)};
#undef AS_CHANNEL
#define N_CHANNELS (sizeof channels / sizeof channels[0])

/* ---- the step ----------------------------------------------------------------------------- */

/* Sets (ON) or clears the prog_now bit of programme P in the live members of award A. */
static void mark_members(ric_programmes *pg, ric_world *w, const award *a, int on)
{
    ric_firms *f = &w->firms;
    for (int j = 0; j < a->nm; j++) {
        const int32_t i = f->index_of[pg->members[a->m0 + (size_t)j]];
        if (i >= 0)
            f->prog_now[i] =
                on ? f->prog_now[i] | 1u << a->prog : f->prog_now[i] & ~(1u << a->prog);
    }
}

/* The award windows at time T: a member's prog_now bit of a programme is set while an award of
 * that programme it belongs to runs (start <= t < end); a programme whose windows closed has its
 * bits cleared and set again for its awards still open. */
static void update_windows(ric_programmes *pg, ric_world *w, double t)
{
    uint32_t closed = 0;
    for (size_t ai = 0; ai < pg->n_awards; ai++) {
        award *a = &pg->awards[ai];
        const int open = t + RIC_TIME_EPS >= a->start && t + RIC_TIME_EPS < a->end;
        if (open && !a->window) {
            a->window = 1;
            mark_members(pg, w, a, 1);
        } else if (!open && a->window) {
            a->window = 0;
            closed |= 1u << a->prog;
        }
    }
    if (!closed)
        return;
    for (size_t ai = 0; ai < pg->n_awards; ai++)
        if ((closed >> pg->awards[ai].prog) & 1u)
            mark_members(pg, w, &pg->awards[ai], 0);
    for (size_t ai = 0; ai < pg->n_awards; ai++)
        if (((closed >> pg->awards[ai].prog) & 1u) && pg->awards[ai].window)
            mark_members(pg, w, &pg->awards[ai], 1);
}

void ric_programmes_step(ric_programmes *pg, ric_world *w, ric_evaluation *ev)
{
    const ric_scenario *sc = w->sc;
    const double t = ric_world_time(w, w->step), dt = w->dt;
    for (int o = 0; o < w->n_orgs; o++)
        memset(w->orgs[o].boost, 0, sizeof w->orgs[o].boost);

    for (int p = 0; p < pg->n; p++) {
        const ric_programme_spec *ps = &sc->programmes[p];
        for (int ii = 0; ii < ps->n_instruments; ii++) {
            instr_state *s = &pg->is[pg->instr0[p] + ii];
            const ric_instrument_spec *in = &ps->instruments[ii];
            if (t + RIC_TIME_EPS >= s->next_selection) {
                select_winners(pg, w, ev, p, ii, 0);
                s->next_selection =
                    in->repeat_years > 0 ? s->next_selection + in->repeat_years : INFINITY;
            }
            if (t + RIC_TIME_EPS >= s->reaward_at) {
                select_winners(pg, w, ev, p, ii, 1);
                s->reaward_at = INFINITY;
            }
        }
        if (t + RIC_TIME_EPS >= pg->next_review[p]) {
            review(pg, w, p);
            pg->next_review[p] += ps->review_every_years;
        }
        /* administration costs run with the phases */
        for (int j = 0; j < ps->n_phases; j++)
            if (t >= ps->phases[j].start && t < ps->phases[j].end)
                pg->overhead_cum[p] += ps->phases[j].budget_usd_m * ps->overhead * dt;
    }

    update_windows(pg, w, t);

    for (size_t ai = 0; ai < pg->n_awards; ai++) {
        award *a = &pg->awards[ai];
        if (a->state == AWARD_ENDED)
            continue;
        const ric_programme_spec *ps = &sc->programmes[a->prog];
        const ric_instrument_spec *in = &ps->instruments[a->instr];
        double delay = ps->disbursement_delay_months / 12.0;
        if (a->state == AWARD_PENDING && t + RIC_TIME_EPS >= a->start) {
            a->state = AWARD_RUNNING;
            ric_evaluation_enrol(ev, w, a->prog, pg->members + a->m0, (size_t)a->nm);
            if (ric_applicant_is_org(in))
                link_members(pg, w, a);
        }
        if (t + RIC_TIME_EPS >= a->end + delay || (a->annual <= 0 && t + RIC_TIME_EPS >= a->end)) {
            a->state = AWARD_ENDED;
            continue;
        }
        if (t + RIC_TIME_EPS < a->start + delay || a->annual <= 0)
            continue;
        /* money arrives after the disbursement delay and never exceeds the commitment */
        double pay = fmin(a->annual * dt, a->committed - a->spent);
        if (pay <= 0)
            continue;
        if (ps->lapse_at_year_end && t + RIC_TIME_EPS - floor(t + RIC_TIME_EPS) < delay) {
            /* rigid rules: the year's money comes the delay late and what it could not pay
             * lapses at the year's end (the seed: delayed budgets, money returned) */
            a->committed -= pay;
            pg->lapsed[a->prog] += pay;
            continue;
        }
        a->spent += pay;
        pg->spent_cum[a->prog] += pay;
        w->regions[a->region].flow.money_cum_usd_m += pay;    /* regions.tsv */
        double rate = a->annual * (1.0 + in->matching_share); /* US$ million/yr incl. match */
        if (ric_applicant_is_org(in)) /* the joint project uses the members' links to it */
            for (int j = 0; j < a->nm; j++) {
                int32_t i = w->firms.index_of[pg->members[a->m0 + (size_t)j]];
                if (i >= 0 && w->firms.link_org[i] == (uint32_t)(a->who + 1))
                    w->firms.link_org_last[i] = (int32_t)w->step;
            }
        for (size_t c = 0; c < N_CHANNELS; c++) {
            double v = *(const double *)((const char *)&in->ch + channels[c].offset);
            if (v > 0 && channels[c].validate(in))
                channels[c].apply(pg, w, a, in, v * rate);
        }
    }
}

void ric_programmes_totals(const ric_programmes *pg, int p, ric_programme_totals *out)
{
    memset(out, 0, sizeof *out);
    for (int y = 0; y < pg->n_years; y++)
        out->committed_usd_m += pg->committed[p * pg->n_years + y];
    out->spent_usd_m = pg->spent_cum[p];
    out->overhead_usd_m = pg->overhead_cum[p];
    out->awards_made = pg->made[p];
    out->cancelled = pg->cancelled[p];
    out->proposals = pg->proposals[p];
    out->merged = pg->merged[p];
    out->freed_usd_m = pg->freed[p];
    out->reawarded_usd_m = pg->reawarded[p];
    out->lapsed_usd_m = pg->lapsed[p];
    out->cut = pg->cut[p];
    for (size_t a = 0; a < pg->n_awards; a++)
        if (pg->awards[a].prog == p && pg->awards[a].state == AWARD_RUNNING &&
            pg->awards[a].annual > 0)
            out->awards_running++;
}

double ric_programmes_max_overcommit(const ric_programmes *pg)
{
    double m = -INFINITY;
    for (int p = 0; p < pg->n; p++)
        for (int y = 0; y < pg->n_years; y++) {
            double d = pg->committed[p * pg->n_years + y] - pg->available[p * pg->n_years + y];
            if (d > m)
                m = d;
        }
    for (size_t a = 0; a < pg->n_awards; a++) {
        double d = pg->awards[a].spent - pg->awards[a].committed;
        if (d > m)
            m = d;
    }
    return m;
}
