/* Agent storage: firm columns reserved once, organisations expanded from the scenario's cohorts,
 * regions with their labour pools. Nothing here allocates after ric_world_init. */
#include "model/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double ric_world_time(const ric_world *w, uint32_t k)
{
    return w->sc->start + (double)k * w->dt;
}

static ric_status firms_reserve(ric_firms *f, size_t cap)
{
    f->cap = cap;
    f->max_ids = cap;
    f->id = malloc(cap * sizeof *f->id);
    f->key = malloc(cap * sizeof *f->key);
    f->region = malloc(cap * sizeof *f->region);
    f->origin = malloc(cap * sizeof *f->origin);
    f->flags = malloc(cap * sizeof *f->flags);
    f->prog = malloc(cap * sizeof *f->prog);
    f->employees = malloc(cap * sizeof *f->employees);
    f->capability = malloc(cap * sizeof *f->capability);
    f->fitness = malloc(cap * sizeof *f->fitness);
    f->birth = malloc(cap * sizeof *f->birth);
    f->link_org = malloc(cap * sizeof *f->link_org);
    f->link_last = malloc(cap * sizeof *f->link_last);
    f->peer = malloc(cap * sizeof *f->peer);
    f->peer_last = malloc(cap * sizeof *f->peer_last);
    f->incubator = malloc(cap * sizeof *f->incubator);
    f->want = malloc(cap * sizeof *f->want);
    f->parent = malloc(cap * sizeof *f->parent);
    f->index_of = malloc((cap + 1) * sizeof *f->index_of);
    if (!f->id || !f->key || !f->region || !f->origin || !f->flags || !f->prog || !f->employees ||
        !f->capability || !f->fitness || !f->birth || !f->link_org || !f->link_last || !f->peer ||
        !f->peer_last || !f->incubator || !f->want || !f->parent || !f->index_of)
        return RIC_ENOMEM;
    f->next_id = 1;
    return RIC_OK;
}

static void firms_release(ric_firms *f)
{
    free(f->id);
    free(f->key);
    free(f->region);
    free(f->origin);
    free(f->flags);
    free(f->prog);
    free(f->employees);
    free(f->capability);
    free(f->fitness);
    free(f->birth);
    free(f->link_org);
    free(f->link_last);
    free(f->peer);
    free(f->peer_last);
    free(f->incubator);
    free(f->want);
    free(f->parent);
    free(f->index_of);
    memset(f, 0, sizeof *f);
}

ric_status ric_world_init(ric_world *w, const ric_scenario *sc, ric_err *err)
{
    memset(w, 0, sizeof *w);
    w->sc = sc;
    w->rules = sc->rules;
    w->dt = 1.0 / sc->steps_per_year;

    /* refuse absurd sizes before allocating */
    double bytes = (double)sc->max_firms * 104.0; /* columns, id map, queues */
    if (bytes > 16e9) {
        ric_err_set(err,
                    "%s: 'limits.max_firms' = %zu would need about %.1f GB; at most 16 GB "
                    "are allowed",
                    sc->source, sc->max_firms, bytes / 1e9);
        return RIC_ECAPACITY;
    }
    ric_status st = firms_reserve(&w->firms, sc->max_firms);
    w->spinoff_queue = malloc(sc->max_firms * sizeof *w->spinoff_queue);
    w->transfer_queue = malloc(sc->max_firms * sizeof *w->transfer_queue);
    w->births = malloc(sc->max_firms * sizeof *w->births);
    w->dead = malloc(sc->max_firms * sizeof *w->dead);
    w->tab_premium = malloc(RIC_TAB_N * sizeof *w->tab_premium);
    w->tab_premium_of = NAN;
    if (!w->tab_premium)
        st = RIC_ENOMEM;
    if (!w->spinoff_queue || !w->transfer_queue || !w->births || !w->dead)
        st = RIC_ENOMEM;
    if (st == RIC_OK)
        st = ric_stream_init(&w->stream, sc->seed);
    if (st != RIC_OK)
        goto fail;

    int n = 0;
    for (int i = 0; i < sc->n_orgs; i++)
        n += sc->orgs[i].count;
    w->orgs = calloc((size_t)(n ? n : 1), sizeof *w->orgs);
    w->region_orgs = calloc((size_t)(n ? n : 1), sizeof *w->region_orgs);
    w->regions = calloc((size_t)sc->n_regions, sizeof *w->regions);
    w->tab_market = calloc((size_t)sc->n_regions, sizeof *w->tab_market);
    w->tab_fill = calloc((size_t)sc->n_regions, sizeof *w->tab_fill);
    w->tab_org_live = calloc((size_t)n + 1, sizeof *w->tab_org_live);
    w->tab_demand = calloc((size_t)sc->n_regions * RIC_LANES, sizeof *w->tab_demand);
    w->tab_region = calloc((size_t)sc->n_regions, sizeof *w->tab_region);
    w->tab_gain = calloc((size_t)sc->n_regions * RIC_LANES, sizeof *w->tab_gain);
    if (!w->orgs || !w->region_orgs || !w->regions || !w->tab_market || !w->tab_fill ||
        !w->tab_org_live || !w->tab_demand || !w->tab_region || !w->tab_gain) {
        st = RIC_ENOMEM;
        goto fail;
    }
    w->n_orgs = n;
    int k = 0;
    for (int i = 0; i < sc->n_orgs; i++) {
        const ric_org_spec *s = &sc->orgs[i];
        for (int j = 0; j < s->count; j++, k++) {
            ric_org *o = &w->orgs[k];
            if (s->count > 1)
                snprintf(o->name, sizeof o->name, "%s#%d", s->name, j + 1);
            else
                snprintf(o->name, sizeof o->name, "%s", s->name);
            o->id = (uint32_t)k + 1;
            o->kind = s->kind;
            o->region = s->region >= 0 ? s->region : j % sc->n_regions;
            o->arrive = s->arrive + (s->arrive_until - s->arrive) * j / s->count;
            o->depart = s->depart;
            o->staff_target = (int32_t)lround(s->staff);
            o->weight = s->staff > 0 ? s->staff : 1.0;
            o->knowledge = s->knowledge;
            o->tto_per_year = s->tto_per_year;
            o->seed_fund_usd_m = s->seed_fund_usd_m;
            o->incubator_rooms = s->incubator_rooms;
            o->graduates_per_year = s->graduates_per_year;
        }
    }
    w->n_regions = sc->n_regions;
    for (int r = 0; r < sc->n_regions; r++) {
        w->regions[r].p = sc->regions[r];
        w->regions[r].pool = sc->regions[r].labour_pool;
    }
    for (size_t i = 0; i <= w->firms.max_ids; i++)
        w->firms.index_of[i] = -1;
    return RIC_OK;
fail:
    if (st == RIC_ENOMEM)
        ric_err_set(err, "%s: out of memory reserving %zu firm slots", sc->source, sc->max_firms);
    ric_world_fini(w);
    return st;
}

void ric_world_fini(ric_world *w)
{
    if (!w)
        return;
    firms_release(&w->firms);
    ric_stream_fini(&w->stream);
    free(w->spinoff_queue);
    free(w->transfer_queue);
    free(w->births);
    free(w->dead);
    free(w->tab_premium);
    free(w->tab_market);
    free(w->tab_fill);
    free(w->tab_org_live);
    free(w->tab_demand);
    free(w->tab_region);
    free(w->tab_gain);
    w->dead = NULL;
    w->tab_premium = w->tab_market = w->tab_fill = NULL;
    w->tab_org_live = NULL;
    w->tab_demand = NULL;
    w->tab_region = NULL;
    w->tab_gain = NULL;
    w->spinoff_queue = w->transfer_queue = NULL;
    w->births = NULL;
    free(w->orgs);
    free(w->region_orgs);
    free(w->regions);
    w->orgs = NULL;
    w->region_orgs = NULL;
    w->regions = NULL;
}

long ric_firms_append(ric_world *w, uint32_t key, int region, ric_origin origin, int32_t employees,
                      double capability, uint32_t parent)
{
    ric_firms *f = &w->firms;
    if (f->n >= f->cap || f->next_id > f->max_ids)
        return -1;
    size_t i = f->n++;
    uint32_t id = f->next_id++;
    f->id[i] = id;
    f->key[i] = key;
    f->region[i] = (uint16_t)region;
    f->origin[i] = (uint8_t)origin;
    f->flags[i] = 0;
    f->prog[i] = 0;
    f->employees[i] = employees;
    f->capability[i] = (float)capability;
    f->fitness[i] = (float)w->rules.fitness_initial;
    f->birth[i] = (int32_t)w->step;
    f->link_org[i] = 0;
    f->link_last[i] = 0;
    f->peer[i] = 0;
    f->peer_last[i] = 0;
    f->incubator[i] = 0;
    f->want[i] = 0;
    f->parent[i] = parent;
    f->index_of[id] = (int32_t)i;
    return (long)i;
}

static void move_firm(ric_firms *f, size_t to, size_t from)
{
    f->id[to] = f->id[from];
    f->key[to] = f->key[from];
    f->region[to] = f->region[from];
    f->origin[to] = f->origin[from];
    f->flags[to] = f->flags[from];
    f->prog[to] = f->prog[from];
    f->employees[to] = f->employees[from];
    f->capability[to] = f->capability[from];
    f->fitness[to] = f->fitness[from];
    f->birth[to] = f->birth[from];
    f->link_org[to] = f->link_org[from];
    f->link_last[to] = f->link_last[from];
    f->peer[to] = f->peer[from];
    f->peer_last[to] = f->peer_last[from];
    f->incubator[to] = f->incubator[from];
    f->want[to] = f->want[from];
    f->parent[to] = f->parent[from];
    f->index_of[f->id[to]] = (int32_t)to;
}

void ric_firms_compact(ric_world *w)
{
    ric_firms *f = &w->firms;
    /* first drop links and rooms held by or pointing to the dead */
    for (size_t d = 0; d < w->n_dead; d++) {
        size_t i = w->dead[d];
        if (f->peer[i]) {
            int32_t j = f->index_of[f->peer[i]];
            if (j >= 0 && f->peer[j] == f->id[i])
                f->peer[j] = 0;
        }
        if (f->incubator[i])
            w->orgs[f->incubator[i] - 1].rooms_used--;
    }
    /* highest index first: the last column is then always a live firm or the dead one itself */
    for (size_t d = w->n_dead; d-- > 0;) {
        size_t i = w->dead[d];
        f->index_of[f->id[i]] = -1;
        size_t last = --f->n;
        if (i != last)
            move_firm(f, i, last);
    }
    w->n_dead = 0;
}

void ric_world_index_orgs(ric_world *w)
{
    int k = 0;
    for (int r = 0; r < w->n_regions; r++) {
        w->regions[r].org0 = k;
        for (int o = 0; o < w->n_orgs; o++) {
            const ric_org *g = &w->orgs[o];
            if (g->active && g->region == r && g->kind != RIC_ORG_GVT_INST)
                w->region_orgs[k++] = o;
        }
        w->regions[r].n_orgs = k - w->regions[r].org0;
    }
    w->orgs_dirty = 0;
}

void ric_firms_link_org(ric_world *w, size_t i, int o)
{
    w->firms.link_org[i] = (uint16_t)(o + 1);
    w->firms.link_last[i] = (int32_t)w->step;
}

void ric_firms_link_peer(ric_world *w, size_t i, size_t j)
{
    ric_firms *f = &w->firms;
    if (i == j)
        return;
    /* unlink old partners so links stay symmetric */
    size_t ends[2] = {i, j};
    for (int e = 0; e < 2; e++) {
        size_t a = ends[e];
        if (f->peer[a]) {
            int32_t b = f->index_of[f->peer[a]];
            if (b >= 0 && f->peer[b] == f->id[a])
                f->peer[b] = 0;
        }
    }
    f->peer[i] = f->id[j];
    f->peer[j] = f->id[i];
    f->peer_last[i] = f->peer_last[j] = (int32_t)w->step;
}
