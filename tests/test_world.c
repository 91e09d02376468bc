/* Firm columns: append assigns ids and keys, remove-by-swap keeps the id map and the symmetric
 * firm links consistent, frees incubator rooms, and capacity is a hard limit. */
#include "support.h"

#include "model/world.h"

static ric_world *make(ric_scenario **sc, const char *max_firms)
{
    const char *sets[] = {max_firms};
    *sc = load(TINY, sets, 1);
    ric_world *w = calloc(1, sizeof *w);
    ric_err err = {{0}};
    cr_assert_eq(ric_world_init(w, *sc, &err), RIC_OK, "%s", err.msg);
    return w;
}

/* The firm pass's list of exits, ascending, as ric_firms_compact takes it. */
static uint32_t dead[16];
static size_t n_dead;

static void mark_dead(ric_world *w, size_t i)
{
    w->firms.flags[i] |= RIC_FIRM_DEAD;
    dead[n_dead++] = (uint32_t)i;
}

static void compact(ric_world *w)
{
    ric_firms_compact(w, dead, n_dead);
    n_dead = 0;
}

Test(world, append_compact_and_links_stay_consistent)
{
    ric_scenario *sc;
    ric_world *w = make(&sc, "limits.max_firms=200");
    for (int k = 0; k < 10; k++)
        cr_assert_eq(ric_firms_append(w, 1000u + (uint32_t)k, 0, RIC_ORIGIN_STARTUP, k + 1, 1.5, 0),
                     k);
    ric_firms *f = &w->firms;
    cr_assert_eq(f->n, 10);
    cr_assert_eq(f->id[3], 4u);
    cr_assert_eq(f->key[3], 1003u);
    ric_firms_link_firms(w, RIC_LINK_peer, 2, 7);
    ric_firms_link_firms(w, RIC_LINK_peer, 4, 9);
    cr_assert_eq(f->link_peer[2], f->id[7]);
    cr_assert_eq(f->link_peer[7], f->id[2]);
    /* a new link replaces the old one on both sides */
    ric_firms_link_firms(w, RIC_LINK_peer, 2, 4);
    cr_assert_eq(f->link_peer[7], 0u);
    cr_assert_eq(f->link_peer[9], 0u);
    cr_assert_eq(f->link_peer[4], f->id[2]);
    /* an incubator room held by firm 5 */
    w->orgs[0].rooms_used = 1;
    f->incubator[5] = 1;
    uint32_t id2 = f->id[2], id9 = f->id[9], id5 = f->id[5];
    mark_dead(w, 2);
    mark_dead(w, 5);
    mark_dead(w, 9);
    compact(w);
    cr_assert_eq(f->n, 7);
    cr_assert_eq(f->index_of[id2], -1);
    cr_assert_eq(f->index_of[id5], -1);
    cr_assert_eq(f->index_of[id9], -1);
    cr_assert_eq(w->orgs[0].rooms_used, 0);
    int32_t j4 = f->index_of[5]; /* firm id 5 was at column 4 */
    cr_assert(j4 >= 0);
    cr_assert_eq(f->link_peer[j4], 0u, "the dead partner's link is gone");
    for (size_t i = 0; i < f->n; i++) {
        cr_assert_eq(f->index_of[f->id[i]], (int32_t)i);
        cr_assert(!(f->flags[i] & RIC_FIRM_DEAD));
        cr_assert_eq(f->key[i], 1000u + f->id[i] - 1, "columns moved together");
        cr_assert_eq(f->employees[i], (int32_t)f->id[i]);
    }
    ric_world_fini(w);
    ric_world_fini(w); /* idempotent */
    free(w);
    ric_scenario_free(sc);
}

Test(world, capacity_is_a_hard_limit)
{
    ric_scenario *sc;
    ric_world *w = make(&sc, "limits.max_firms=150");
    for (int k = 0; k < 150; k++)
        cr_assert(ric_firms_append(w, (uint32_t)k, 0, RIC_ORIGIN_STARTUP, 1, 1.0, 0) >= 0);
    cr_assert_eq(ric_firms_append(w, 999u, 0, RIC_ORIGIN_STARTUP, 1, 1.0, 0), -1);
    /* ids are never reused: freeing a slot does not allow more firms than max_firms ever */
    mark_dead(w, 0);
    compact(w);
    cr_assert_eq(ric_firms_append(w, 999u, 0, RIC_ORIGIN_STARTUP, 1, 1.0, 0), -1);
    ric_world_fini(w);
    free(w);
    ric_scenario_free(sc);
}

Test(world, absurd_sizes_are_refused_before_allocating)
{
    ric_scenario *sc = load(TINY, (const char *[]){"limits.max_firms=200000000"}, 1);
    ric_world w;
    ric_err err = {{0}};
    cr_assert_eq(ric_world_init(&w, sc, &err), RIC_ECAPACITY);
    cr_assert(strstr(err.msg, "'limits.max_firms' = 200000000 would need about 20.8 GB") != NULL,
              "%s", err.msg);
    ric_scenario_free(sc);
}

Test(world, regions_index_their_active_knowledge_organisations)
{
    ric_scenario *sc;
    ric_world *w = make(&sc, "limits.max_firms=200");
    for (int o = 0; o < w->n_orgs; o++)
        w->orgs[o].active = 1;
    ric_world_index_orgs(w);
    /* town: two institutes and a university; the ministry is not a knowledge organisation */
    cr_assert_eq(w->regions[0].n_orgs, 3);
    cr_assert_eq(w->regions[1].n_orgs, 0);
    w->orgs[1].active = 0;
    ric_world_index_orgs(w);
    cr_assert_eq(w->regions[0].n_orgs, 2);
    ric_world_fini(w);
    free(w);
    ric_scenario_free(sc);
}
