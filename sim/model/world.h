/* The world: every agent's state. Firms are columns (struct-of-arrays) reserved once at
 * ric_world_init to the scenario's firm capacity; organisations and regions are small arrays of
 * structs. Agents are referred to by id (firms) or index (organisations, regions), never pointer.
 */
#ifndef RICSIM_WORLD_H
#define RICSIM_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "base/rng.h"
#include "ricsim/scenario.h"
#include "ricsim/status.h"

enum {
    RIC_FIRM_EQUITY = 1u << 0, /* the parent holds equity or licensed IP to it */
    RIC_FIRM_DEAD = 1u << 1,   /* exits at the end of this step's firm pass */
    RIC_FIRM_LISTED = 1u << 2  /* listed on the stock market (KOSDAQ) */
};

/* The kinds of link a firm holds, written once: X(C, name, partner, lapses, knowledge, comment)
 * (C is passed through, for RIC_FIRM_COLUMNS). Each kind is two firm columns, link_NAME (the
 * partner: organisation index + 1 or firm id, 0 = none; a firm holds at most one link of each
 * kind) and link_NAME_last (the step it was formed or last used); links to firms are symmetric.
 * The firm pass lets a kind that lapses end after network.link_decay_years unused (a link to an
 * organisation also when the organisation leaves); compaction clears the links to a firm that
 * exits; the spillover phase learns along the kinds that carry knowledge. Adding a kind is one
 * entry here, where it is formed, and its output column (doc/internals.md, "A link kind"). */
typedef enum { RIC_TO_ORG, RIC_TO_FIRM } ric_link_partner;
#define RIC_LINK_KINDS(X, C)                                                                       \
    X(C, org, RIC_TO_ORG, 1, 1, "knowledge link to a university or institute (EIS-SKIN)")          \
    X(C, peer, RIC_TO_FIRM, 1, 1, "innovation partner firm (spin-off ties, programme forums)")     \
    X(C, vertical, RIC_TO_FIRM, 0, 0, "supplier or buyer in the firm's complex (orders)")

typedef enum {
#define RIC_LINK_ID(C, name, partner, lapses, knowledge, doc) RIC_LINK_##name,
    RIC_LINK_KINDS(RIC_LINK_ID, _)
#undef RIC_LINK_ID
        RIC_LINK_N
} ric_link_kind;

/* A link kind's two firm columns, for RIC_FIRM_COLUMNS. */
#define RIC_LINK_COLUMNS(X, name, partner, lapses, knowledge, doc)                                 \
    X(uint32_t, link_##name, 0, doc)                                                               \
    X(int32_t, link_##name##_last, 0, "step the link was formed or last used")

/* The firm columns, written once: X(type, name, value at birth, comment). The struct below,
 * reserve, release, append and the move of remove-by-swap are generated from this list, so adding
 * a firm attribute is one entry here. The value at birth is an expression over
 * ric_firms_append's arguments (w, key, region, origin, employees, capability, parent) and the new
 * firm's id. All but parent are hot: read every step. */
#define RIC_FIRM_COLUMNS(X)                                                                        \
    X(uint32_t, id, id, "1.. in order of creation")                                                \
    X(uint32_t, key, key, "keys the firm's draws; from its birth, not its id (see below)")         \
    X(uint16_t, region, region, "region index")                                                    \
    X(uint8_t, sector, 0, "sector index (0 where the scenario defines none); set after append")    \
    X(uint8_t, origin, origin, "ric_origin")                                                       \
    X(uint8_t, flags, 0, "RIC_FIRM_*")                                                             \
    X(uint32_t, prog, 0, "bit p: takes part in programme p")                                       \
    X(uint32_t, prog_now, 0, "bit p: a member of an award of programme p now in its window")       \
    X(int32_t, employees, employees, "persons, >= 1 while alive")                                  \
    X(float, capability, capability, "technology level; entrants average 1")                       \
    X(float, fitness, w->rules.fitness_initial, "accumulated margin (SKIN's capital); exit < 0")   \
    X(int32_t, birth, w->step, "step of founding (negative before the start)")                     \
    RIC_LINK_KINDS(RIC_LINK_COLUMNS, X)                                                            \
    X(uint16_t, incubator, 0, "organisation index + 1 whose incubator room it holds, 0 = none")    \
    X(uint32_t, parent, parent, "id of the parent (firm or organisation id), 0 = none; output")

/* Firm columns. A firm's key is derived from its birth, not from its id, so a firm born of the
 * same parent at the same step in two scenarios draws the same numbers (32 bits: rare collisions
 * only correlate two firms). */
typedef struct {
    size_t n, cap;
#define RIC_COL(type, name, init, doc) type *name;
    RIC_FIRM_COLUMNS(RIC_COL)
#undef RIC_COL
    int32_t *index_of; /* id -> column index, -1 once gone; sized max_ids + 1 */
    uint32_t next_id;
    size_t max_ids;
} ric_firms;

/* Bytes per firm of the columns (hot state plus parent). */
#define RIC_COL(type, name, init, doc) +sizeof(type)
enum { RIC_FIRM_COLUMN_BYTES = 0 RIC_FIRM_COLUMNS(RIC_COL) };
#undef RIC_COL

typedef struct {
    char name[RIC_NAME_MAX + 16];
    uint32_t id; /* 1..n_orgs, keys the organisation's random draws */
    ric_org_kind kind;
    int region;
    double arrive, depart;
    int active;
    int32_t staff, staff_target;
    double kind_total; /* the last staff total of its kind and region an event gave it */
    int cutting;       /* that total is falling: its releases are cuts, not a reshuffle */
    double weight;     /* share of its kind's staff total: its staff at arrival */
    double hire_acc;   /* fractional hires carried to the next step */
    double knowledge;
    double tto_per_year, tto_tokens;
    double seed_fund_usd_m;
    int sector; /* field of its spin-offs; -1: they draw one from their region's shares */
    int incubator_rooms, rooms_used;
    double graduates_per_year, graduate_acc;
    /* programme effects this step (reset and summed by the programme phase) */
    double
        boost[RIC_CHANNEL_N]; /* by channel; the rules read spinoff, transfer, graduates, rooms */
    int spec;                 /* its cohort: the scenario's organisation entry */
    /* running totals, for review performance and output */
    long long spinoffs, transfers;
    long long spinoffs_capital; /* of its spin-offs, those located in the capital region */
    long long spinoffs_listed;  /* of its spin-offs, those that listed on the stock market */
    double income_usd_m;
} ric_org;

/* A region's flows for regions.tsv: every firm of the region, in focus or not. Reset with the
 * scenario's flows at each output row, except the running totals (_cum). */
typedef struct {
    long long created, destroyed; /* gross jobs in the region's firms */
    long long spinoffs;           /* spin-offs that located in the region */
    long long spinoffs_cum;       /* running total of spinoffs */
    long long spinoffs_parent;    /* spin-offs whose parent is in the region */
    long long transfers;          /* technology transfers to the region's firms */
    double money_cum_usd_m;       /* programme money paid to the region's beneficiaries, total */
} ric_region_flows;

typedef struct {
    ric_region_spec p; /* parameters and groups, changeable by events */
    double pool;       /* job seekers, persons */
    int org0, n_orgs;  /* slice of ric_world.region_orgs: active knowledge organisations */
    ric_region_flows flow;
} ric_region;

typedef struct {
    ric_sector_spec p; /* parameters, changeable by events (neutral when the scenario has none) */
} ric_sector;

/* Parent kinds of a spin-off: the organisation kinds, then firms. */
#define RIC_PARENT_FIRM RIC_ORG_KIND_N
#define RIC_PARENT_N (RIC_ORG_KIND_N + 1)

/* Flows since the last output row (reset by the output) and running totals. Counts of firms,
 * jobs and spin-offs are for firms of focus regions; programme and participant flows for all. */
typedef struct {
    long long spinoffs, spinoffs_cum, spinoffs_by_parent[RIC_PARENT_N]; /* by_parent: cumulative */
    long long entries, exits, startups, relocations;
    long long created[RIC_ORIGIN_N], destroyed[RIC_ORIGIN_N];
    long long created_part, created_nonpart;
    long long created_sector[RIC_MAX_SECTORS];      /* focus jobs created, by sector */
    long long spinoffs_cum_sector[RIC_MAX_SECTORS]; /* focus spin-offs by child's sector */
    long long
        prog_jobs[RIC_MAX_PROGRAMMES]; /* gross hires of members within their awards' windows */
    long long transfers, transfers_cum;
    long long listings, listings_cum; /* focus firms listed on the stock market */
    double transfer_income_cum;       /* US$ million */
    double graduates;
} ric_flows;

/* One edge of the spin-off genealogy. */
typedef struct ric_birth {
    double year;
    uint32_t child, parent;
    uint8_t parent_kind; /* ric_org_kind or RIC_PARENT_FIRM */
    uint8_t sector;      /* the child's */
    uint16_t region;
} ric_birth;

typedef struct ric_world {
    const ric_scenario *sc;
    ric_rules rules; /* current values; dated events change them */
    ric_firms firms;
    int n_orgs;
    ric_org *orgs;
    int n_regions;
    ric_region *regions;
    int n_sectors;       /* >= 1: a scenario without sectors has one neutral sector */
    ric_sector *sectors; /* n_sectors */
    double *market;      /* [region][sector]: jobs the sector's market holds (if it binds) */
    int *region_orgs;    /* active knowledge organisations grouped by region */
    int orgs_dirty;      /* an arrival or departure happened: rebuild region_orgs */
    ric_flows flow;
    int capacity_hit; /* a firm could not be created: the run fails */
    uint32_t step;    /* steps done */
    double dt;        /* years per step */
    ric_stream stream;
} ric_world;

ric_status ric_world_init(ric_world *w, const ric_scenario *sc, ric_err *err);
void ric_world_fini(ric_world *w);

/* Year at the start of step k. */
double ric_world_time(const ric_world *w, uint32_t k);

/* Appends a firm; returns its column index or -1 when the capacity is exhausted. */
long ric_firms_append(ric_world *w, uint32_t key, int region, ric_origin origin, int32_t employees,
                      double capability, uint32_t parent);

/* Removes the N firms at the ascending column indices DEAD (remove-by-swap, from the highest
 * index down); clears links that point to them and frees their incubator rooms. */
void ric_firms_compact(ric_world *w, const uint32_t *dead, size_t n);

/* Rebuilds the per-region lists of active knowledge organisations. */
void ric_world_index_orgs(ric_world *w);

/* Links firm column i to organisation o (index) by a link of KIND (a RIC_TO_ORG kind), or to firm
 * column j (a RIC_TO_FIRM kind, on both sides), replacing the older link of that kind; the link
 * counts as used now. */
void ric_firms_link_to_org(ric_world *w, ric_link_kind kind, size_t i, int o);
void ric_firms_link_firms(ric_world *w, ric_link_kind kind, size_t i, size_t j);

/* The partner and last-use columns of each link kind, and whether it links to an organisation:
 * for loops over the kinds. */
typedef struct {
    uint32_t *partner[RIC_LINK_N];
    int32_t *last[RIC_LINK_N];
} ric_link_columns;
ric_link_columns ric_firms_links(const ric_firms *f);
typedef struct {
    ric_link_partner partner;
    int lapses;    /* ends when unused (else it lasts while both ends live) */
    int knowledge; /* carries knowledge (the spillover phase) */
} ric_link_info;
/* In the header, so that loops over the kinds fold the properties at compile time. */
#define RIC_LINK_INFO(C, name, partner, lapses, knowledge, doc) {partner, lapses, knowledge},
static const ric_link_info ric_link_kinds[RIC_LINK_N]
    __attribute__((unused)) = {RIC_LINK_KINDS(RIC_LINK_INFO, _)};
#undef RIC_LINK_INFO

#endif
