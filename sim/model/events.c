/* Dated events of the scenario. A "set" event changes a rule or region parameter from its date and
 * restores the value it replaced at its 'until' date; "series" events are the points of a dated
 * series of such a parameter (covariates such as the venture climate of spin-offs), linear between
 * them; a "groups" event makes a region join or leave region groups (a structural change:
 * eligibility and the group columns follow), likewise until a date; "staff" events set the staff
 * target of a kind of organisation in a region; organisation
 * arrivals and firm cohorts come from their own dates. */
#include "model/events.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "base/consts.h"
#include "model/rules.h"
#include "model/sectors.h"

typedef struct {
    int fired, restored;
    int leader; /* SERIES, STAFF: the first point of its series (it applies the whole series) */
    int n_targets;
    double **target;       /* parameters the event changes */
    double *saved;         /* their values before it */
    uint64_t saved_groups; /* a groups event's region's groups before it */
} event_state;

struct ric_events {
    int n;
    event_state *st;
};

/* Resolves "rules.G.K", "regions.R.K" or "sectors.S.K" (R and S may be "*") to parameter
 * addresses in w. */
static int resolve(ric_world *w, const char *key, double **out, int max)
{
    if (strncmp(key, "sectors.", 8) == 0) {
        const char *dot = strchr(key + 8, '.');
        const size_t len = (size_t)(dot - (key + 8));
        int n = 0;
        for (int s = 0; s < w->n_sectors && n < max; s++) {
            const char *nm = w->sectors[s].p.name;
            if ((len == 1 && key[8] == '*') ||
                (strlen(nm) == len && strncmp(nm, key + 8, len) == 0)) {
                double *p = ric_sector_param(&w->sectors[s].p, dot + 1);
                if (!p)
                    return 0;
                out[n++] = p;
            }
        }
        return n;
    }
    if (strncmp(key, "rules.", 6) == 0) {
        double *p = ric_rules_param(&w->rules, key + 6);
        if (!p)
            return 0;
        out[0] = p;
        return 1;
    }
    const char *dot = strchr(key + 8, '.');
    size_t len = (size_t)(dot - (key + 8));
    int n = 0;
    for (int r = 0; r < w->n_regions && n < max; r++) {
        const char *nm = w->regions[r].p.name;
        if ((len == 1 && key[8] == '*') || (strlen(nm) == len && strncmp(nm, key + 8, len) == 0)) {
            double *p = ric_region_param(&w->regions[r].p, dot + 1);
            if (!p)
                return 0;
            out[n++] = p;
        }
    }
    return n;
}

/* Whether events A and B are points of one series: the same key (series), or the same kind and
 * region (staff totals). */
static int same_series(const ric_event_spec *a, const ric_event_spec *b)
{
    if (a->type != b->type)
        return 0;
    if (a->type == RIC_EVENT_SERIES)
        return strcmp(a->key, b->key) == 0;
    return a->type == RIC_EVENT_STAFF && a->kind == b->kind && a->region == b->region;
}

/* The value at T of the series led by event LEAD (its first point in the list): 0 before its
 * first date; else 1 and *V, linear between the points around T and flat after the last. */
static int series_value(const ric_events *ev, const ric_scenario *sc, int lead, double t, double *v)
{
    const ric_event_spec *prev = NULL, *next = NULL;
    for (int j = lead; j < ev->n; j++) {
        const ric_event_spec *x = &sc->events[j];
        if (ev->st[j].leader != lead)
            continue;
        if (x->date <= t + RIC_TIME_EPS && (!prev || x->date > prev->date))
            prev = x;
        if (x->date > t + RIC_TIME_EPS && (!next || x->date < next->date))
            next = x;
    }
    if (!prev)
        return 0;
    *v = prev->value;
    if (next)
        *v += (next->value - prev->value) * (t - prev->date) / (next->date - prev->date);
    return 1;
}

ric_status ric_events_alloc(ric_world *w, ric_events **out, ric_err *err)
{
    const ric_scenario *sc = w->sc;
    ric_events *ev = calloc(1, sizeof *ev);
    if (!ev)
        goto oom;
    ev->n = sc->n_events;
    ev->st = calloc((size_t)(ev->n ? ev->n : 1), sizeof *ev->st);
    if (!ev->st)
        goto oom;
    for (int i = 0; i < ev->n; i++) {
        const ric_event_spec *e = &sc->events[i];
        event_state *s = &ev->st[i];
        s->leader = i;
        for (int j = 0; j < i && s->leader == i; j++)
            if ((e->type == RIC_EVENT_SERIES || e->type == RIC_EVENT_STAFF) &&
                same_series(&sc->events[j], e))
                s->leader = ev->st[j].leader;
        if (e->type != RIC_EVENT_SET && e->type != RIC_EVENT_SERIES)
            continue;
        const int most = (w->n_regions > w->n_sectors ? w->n_regions : w->n_sectors) + 1;
        s->target = calloc((size_t)most, sizeof *s->target);
        s->saved = calloc((size_t)most, sizeof *s->saved);
        if (!s->target || !s->saved)
            goto oom;
        s->n_targets = resolve(w, e->key, s->target, most);
    }
    *out = ev;
    return RIC_OK;
oom:
    ric_events_free(ev);
    ric_err_set(err, "%s: out of memory reserving events", sc->source);
    return RIC_ENOMEM;
}

void ric_events_free(ric_events *ev)
{
    if (!ev)
        return;
    for (int i = 0; ev->st && i < ev->n; i++) {
        free(ev->st[i].target);
        free(ev->st[i].saved);
    }
    free(ev->st);
    free(ev);
}

/* Shares a staff total among the active organisations of a kind in a region, in proportion to
 * their staff at arrival (ETRI stays the largest institute); rounding leftovers go to the first. */
static void set_staff_target(ric_world *w, ric_org_kind kind, int region, double total)
{
    double wsum = 0;
    for (int o = 0; o < w->n_orgs; o++)
        if (w->orgs[o].active && w->orgs[o].kind == kind && w->orgs[o].region == region)
            wsum += w->orgs[o].weight;
    if (wsum <= 0)
        return;
    long long t = llround(total), given = 0;
    int first = -1;
    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        if (!(g->active && g->kind == kind && g->region == region))
            continue;
        if (first < 0)
            first = o;
        /* releases push researchers out only while the kind's total falls (the 1997-2002 cuts),
         * not when a newcomer's share lowers the others' targets */
        g->cutting = g->kind_total > 0 && total < g->kind_total - 1e-9;
        g->kind_total = total;
        g->staff_target = (int32_t)floor((double)t * g->weight / wsum);
        given += g->staff_target;
    }
    w->orgs[first].staff_target += (int32_t)(t - given);
}

/* ---- firm cohorts: scheduled groups of firms (the seed table's incumbents, complexes' firms) */

/* Places the scenario's firm cohorts whose arrival falls in [t0, t1). */
static void place_cohorts(ric_world *w, double t0, double t1)
{
    const ric_scenario *sc = w->sc;
    for (int c = 0; c < sc->n_firms; c++) {
        const ric_firm_spec *s = &sc->firms[c];
        if (!(s->arrive >= t0 && s->arrive < t1))
            continue;
        uint32_t key = ric_hash32(s->name);
        /* sizes spread log-normally around the mean (s.d. of log size 1) */
        const double sigma = 1.0;
        for (int k = 0; k < s->count; k++) {
            gsl_rng *r = ric_stream_at(&w->stream, (uint32_t)k, key, RIC_RULE_COHORT);
            double e =
                s->employees * exp(sigma * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.5 * sigma * sigma);
            int32_t emp = e < 1.0 ? 1 : (int32_t)lround(e);
            double cap = s->capability * exp(0.2 * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.02);
            int region = s->region >= 0 ? s->region : k % w->n_regions;
            uint32_t fkey = ric_rng_key(key, (uint32_t)k, RIC_RULE_COHORT, 0);
            long i = ric_firms_append(w, fkey, region, s->origin, emp, cap, 0);
            if (i < 0) {
                w->capacity_hit = 1;
                return;
            }
            w->firms.sector[i] =
                (uint8_t)(s->sector >= 0 ? s->sector : ric_sector_of_new_firm(w, region, fkey));
            /* cohort firms are not newborn: spread their ages over 0-20 years */
            w->firms.birth[i] = (int32_t)w->step - (int32_t)(gsl_rng_uniform(r) * 20.0 / w->dt);
            ric_rules_find_supplier(w, (size_t)i, r);
        }
    }
}

void ric_events_apply(ric_events *ev, ric_world *w)
{
    double t = ric_world_time(w, w->step);
    double t0 = w->step == 0 ? -INFINITY : t;

    for (int o = 0; o < w->n_orgs; o++) {
        ric_org *g = &w->orgs[o];
        int should = t + RIC_TIME_EPS >= g->arrive && t + RIC_TIME_EPS < g->depart;
        if (should && !g->active) {
            g->active = 1;
            g->staff = g->staff_target;
            w->orgs_dirty = 1;
        } else if (!should && g->active) {
            g->active = 0;
            g->staff = 0;
            w->orgs_dirty = 1;
        }
    }
    if (w->orgs_dirty)
        ric_world_index_orgs(w);
    place_cohorts(w, t0, t + w->dt - RIC_TIME_EPS);

    const ric_scenario *sc = w->sc;
    for (int i = 0; i < ev->n; i++) {
        const ric_event_spec *e = &sc->events[i];
        event_state *s = &ev->st[i];
        if (!s->fired && t + RIC_TIME_EPS >= e->date) {
            s->fired = 1;
            if (e->type == RIC_EVENT_SET) {
                for (int k = 0; k < s->n_targets; k++) {
                    s->saved[k] = *s->target[k];
                    *s->target[k] = e->value;
                }
            } else if (e->type == RIC_EVENT_GROUPS) {
                uint64_t *g = &w->regions[e->region].p.groups;
                s->saved_groups = *g;
                *g = (*g | e->add) & ~e->remove;
            }
        }
        if (s->fired && !s->restored && t + RIC_TIME_EPS >= e->until) {
            if (e->type == RIC_EVENT_SET) {
                s->restored = 1;
                for (int k = 0; k < s->n_targets; k++)
                    *s->target[k] = s->saved[k];
            } else if (e->type == RIC_EVENT_GROUPS) {
                /* undoes only its own change, so other events' changes in between stay */
                s->restored = 1;
                const uint64_t added = e->add & ~s->saved_groups;
                const uint64_t removed = e->remove & s->saved_groups;
                uint64_t *g = &w->regions[e->region].p.groups;
                *g = (*g & ~added) | removed;
            }
        }
    }

    /* series and staff totals: each series' points, linear between their dates and flat after
     * the last; before the first a parameter keeps its value and organisations the staff they
     * arrived with */
    for (int i = 0; i < ev->n; i++) {
        const ric_event_spec *e = &sc->events[i];
        double v;
        if ((e->type != RIC_EVENT_SERIES && e->type != RIC_EVENT_STAFF) || ev->st[i].leader != i ||
            !series_value(ev, sc, i, t, &v))
            continue;
        if (e->type == RIC_EVENT_STAFF)
            set_staff_target(w, e->kind, e->region, v);
        else
            for (int k = 0; k < ev->st[i].n_targets; k++)
                *ev->st[i].target[k] = v;
    }
}
