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
    int ok = 1;
    f->cap = cap;
    f->max_ids = cap;
#define RIC_COL(type, name, init, doc)                                                             \
    f->name = malloc(cap * sizeof *f->name);                                                       \
    ok &= f->name != NULL;
    RIC_FIRM_COLUMNS(RIC_COL)
#undef RIC_COL
    f->index_of = malloc((cap + 1) * sizeof *f->index_of);
    if (!ok || !f->index_of)
        return RIC_ENOMEM;
    f->next_id = 1;
    return RIC_OK;
}

static void firms_release(ric_firms *f)
{
#define RIC_COL(type, name, init, doc) free(f->name);
    RIC_FIRM_COLUMNS(RIC_COL)
#undef RIC_COL
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
    double bytes = (double)sc->max_firms * 104.0; /* columns, id map, the workspace's lists */
    if (bytes > 16e9) {
        ric_err_set(err,
                    "%s: 'limits.max_firms' = %zu would need about %.1f GB; at most 16 GB "
                    "are allowed",
                    sc->source, sc->max_firms, bytes / 1e9);
        return RIC_ECAPACITY;
    }
    ric_status st = firms_reserve(&w->firms, sc->max_firms);
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
    w->n_sectors = sc->n_sectors > 0 ? sc->n_sectors : 1;
    w->sectors = calloc((size_t)w->n_sectors, sizeof *w->sectors);
    w->market = calloc((size_t)w->n_sectors * (size_t)sc->n_regions, sizeof *w->market);
    if (!w->orgs || !w->region_orgs || !w->regions || !w->sectors || !w->market) {
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
            o->spec = i;
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
            o->sector = s->sector;
        }
    }
    /* without sectors, one neutral sector: the parameters' defaults leave growth as it is */
    for (int q = 0; q < w->n_sectors; q++) {
        ric_sector_spec *p = &w->sectors[q].p;
        if (sc->n_sectors > 0) {
            *p = sc->sectors[q];
            continue;
        }
#define RIC_NEUTRAL(name, def, lo, hi, settable, doc) p->name = def;
        RIC_SECTOR_PARAMS(RIC_NEUTRAL)
#undef RIC_NEUTRAL
    }
    for (int r = 0; r < sc->n_regions; r++)
        for (int q = 0; q < w->n_sectors; q++)
            w->market[(size_t)r * (size_t)w->n_sectors + (size_t)q] = w->sectors[q].p.demand;
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
    free(w->orgs);
    free(w->region_orgs);
    free(w->regions);
    free(w->sectors);
    free(w->market);
    w->sectors = NULL;
    w->market = NULL;
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
#define RIC_COL(type, name, init, doc) f->name[i] = (type)(init);
    RIC_FIRM_COLUMNS(RIC_COL)
#undef RIC_COL
    f->index_of[id] = (int32_t)i;
    return (long)i;
}

static void move_firm(ric_firms *f, size_t to, size_t from)
{
#define RIC_COL(type, name, init, doc) f->name[to] = f->name[from];
    RIC_FIRM_COLUMNS(RIC_COL)
#undef RIC_COL
    f->index_of[f->id[to]] = (int32_t)to;
}

ric_link_columns ric_firms_links(const ric_firms *f)
{
    return (ric_link_columns){
#define PARTNER(C, name, partner, lapses, knowledge, doc) f->link_##name,
        {RIC_LINK_KINDS(PARTNER, _)},
#undef PARTNER
#define LAST(C, name, partner, lapses, knowledge, doc) f->link_##name##_last,
        {RIC_LINK_KINDS(LAST, _)},
#undef LAST
    };
}

/* Drops the link of KIND that firm column i's partner holds to it, if any (a RIC_TO_FIRM kind). */
static void unlink_partner(ric_firms *f, uint32_t *partner, size_t i)
{
    if (!partner[i])
        return;
    const int32_t j = f->index_of[partner[i]];
    if (j >= 0 && partner[j] == f->id[i])
        partner[j] = 0;
}

void ric_firms_compact(ric_world *w, const uint32_t *dead, size_t n_dead)
{
    ric_firms *f = &w->firms;
    const ric_link_columns lk = ric_firms_links(f);
    /* first drop links and rooms held by or pointing to the dead */
    for (size_t d = 0; d < n_dead; d++) {
        size_t i = dead[d];
        for (int k = 0; k < RIC_LINK_N; k++)
            if (ric_link_kinds[k].partner == RIC_TO_FIRM)
                unlink_partner(f, lk.partner[k], i);
        if (f->incubator[i])
            w->orgs[f->incubator[i] - 1].rooms_used--;
    }
    /* highest index first: the last column is then always a live firm or the dead one itself */
    for (size_t d = n_dead; d-- > 0;) {
        size_t i = dead[d];
        f->index_of[f->id[i]] = -1;
        size_t last = --f->n;
        if (i != last)
            move_firm(f, i, last);
    }
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

void ric_firms_link_to_org(ric_world *w, ric_link_kind kind, size_t i, int o)
{
    const ric_link_columns lk = ric_firms_links(&w->firms);
    lk.partner[kind][i] = (uint32_t)(o + 1);
    lk.last[kind][i] = (int32_t)w->step;
}

void ric_firms_link_firms(ric_world *w, ric_link_kind kind, size_t i, size_t j)
{
    ric_firms *f = &w->firms;
    if (i == j)
        return;
    const ric_link_columns lk = ric_firms_links(f);
    uint32_t *partner = lk.partner[kind];
    /* unlink old partners so links stay symmetric */
    unlink_partner(f, partner, i);
    unlink_partner(f, partner, j);
    partner[i] = f->id[j];
    partner[j] = f->id[i];
    lk.last[kind][i] = lk.last[kind][j] = (int32_t)w->step;
}
