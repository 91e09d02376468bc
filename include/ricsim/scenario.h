/* The scenario: plain, validated data loaded from a libconfig file (with @include and --set
 * overrides). This module is the only one that touches libconfig. Money is held in US$ million. */
#ifndef RICSIM_SCENARIO_H
#define RICSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "ricsim/status.h"

#define RIC_NAME_MAX 48
#define RIC_MAX_PROGRAMMES 32 /* one participation bit each */
#define RIC_MAX_REGIONS 4096
#define RIC_MAX_SECTORS 16  /* sectors a scenario may define (a firm's sector is one byte) */
#define RIC_MAX_GROUPS 64   /* region groups a scenario may name (a region's are a 64-bit mask) */
#define RIC_REGION_GROUPS 8 /* groups one region may list */

/* Kinds of knowledge organisation, in the seed table's order (data/daedeok_history.tsv). */
typedef enum {
    RIC_ORG_RI_GVT,     /* government research institute */
    RIC_ORG_RI_PRIVATE, /* private research institute */
    RIC_ORG_RI_SEMI,    /* semi-government research institute */
    RIC_ORG_UNIVERSITY,
    RIC_ORG_GVT_INST, /* government institution: counted and employing, scheduled only */
    RIC_ORG_KIND_N
} ric_org_kind;

/* Origin of a firm (MODEL.md, "Firms"). */
typedef enum {
    RIC_ORIGIN_INCUMBENT, /* present at the start or placed by a scheduled cohort */
    RIC_ORIGIN_INSTITUTE_SPINOFF,
    RIC_ORIGIN_UNIVERSITY_SPINOFF,
    RIC_ORIGIN_FIRM_SPINOFF,
    RIC_ORIGIN_STARTUP,
    RIC_ORIGIN_RELOCATION,
    RIC_ORIGIN_N
} ric_origin;

/* Who may apply to an instrument. */
typedef enum {
    RIC_APPLY_UNIVERSITY,
    RIC_APPLY_INSTITUTE, /* any research institute kind */
    RIC_APPLY_FIRM,
    RIC_APPLY_REGION,
    RIC_APPLY_N
} ric_applicant;

extern const char *const ric_org_kind_names[RIC_ORG_KIND_N];
extern const char *const ric_origin_names[RIC_ORIGIN_N];
extern const char *const ric_applicant_names[RIC_APPLY_N];

/* Region parameters, one entry each: X(name, default, lo, hi, settable, doc). An entry is the field
 * of ric_region_spec, the key of a region in the scenario (read with its default and bounds) and,
 * when settable, a parameter dated events may change ("regions.R.name", within the same bounds). */
#define RIC_REGION_PARAMS(X)                                                                       \
    X(labour_pool, 0, 0, 1e9, 0, "initial job seekers, persons")                                   \
    X(pool_inflow_per_year, 0, 0, 1e9, 1,                                                          \
      "migrants and other entrants to the pool, persons per year")                                 \
    X(pool_exit_rate, 0.1, 0, 12, 1, "share of the pool leaving per year")                         \
    X(graduate_stay_share, 0.5, 0, 1, 1, "share of local graduates who join the local pool")       \
    X(startup_rate, 0, 0, 1e7, 1, "non-spin-off start-ups per year")                               \
    X(relocation_rate, 0, 0, 1e7, 1, "firms relocating in per year")                               \
    X(market_growth, 0, -1, 1, 1, "demand shifter of firm growth and fitness, per year")           \
    X(population, 0, 0, 2e9, 1,                                                                    \
      "residents, persons (0: not given); weights the regional dispersion indicators")

/* Sector parameters, one entry each: X(name, default, lo, hi, settable, doc), as the region
 * parameters: the field of ric_sector_spec, the key of a sector in the scenario's 'sectors' group
 * and, when settable, a parameter dated events may change ("sectors.S.name"). The defaults leave
 * a firm's growth and fitness as they are without sectors (doc/MODEL.md 7.6). */
#define RIC_SECTOR_PARAMS(X)                                                                       \
    X(demand_growth, 0, -1, 1, 1, "growth of the sector's market, per year")                       \
    X(demand, 0, 0, 1e9, 0,                                                                        \
      "jobs the sector's market holds in each region at the start (0: the market does not bind)")  \
    X(demand_adjust, 0.5, 0, 12, 1,                                                                \
      "growth per year, per unit of log gap, that moves employment towards a binding market")      \
    X(labour_intensity, 1, 0, 100, 1,                                                              \
      "jobs the sector makes per unit of market growth (1: as "                                    \
      "the market)")                                                                               \
    X(capital_need, 0, -100, 100, 1,                                                               \
      "capability a firm of the sector needs beyond rules.fitness.cost to break even")             \
    X(local_share, 1, 0, 1, 1,                                                                     \
      "exposure to the region's market_growth (local demand and resources)")

typedef struct {
    char name[RIC_NAME_MAX];
    char label[96];
#define RIC_SECTOR_FIELD(name, def, lo, hi, settable, doc) double name;
    RIC_SECTOR_PARAMS(RIC_SECTOR_FIELD)
#undef RIC_SECTOR_FIELD
} ric_sector_spec;

typedef struct {
    char name[RIC_NAME_MAX];
    int focus; /* counted in the organisation and employee columns */
    /* bit g: a member of the scenario's region group g (ric_scenario.groups); dated "groups"
     * events change the world's copy */
    uint64_t groups;
    /* shares of start-ups and relocations by sector, summing to 1 (equal when not given) */
    double sector_share[RIC_MAX_SECTORS];
#define RIC_REGION_FIELD(name, def, lo, hi, settable, doc) double name;
    RIC_REGION_PARAMS(RIC_REGION_FIELD)
#undef RIC_REGION_FIELD
} ric_region_spec;

typedef struct {
    char name[RIC_NAME_MAX];
    ric_org_kind kind;
    int region;             /* -1: spread over all regions in turn */
    int count;              /* identical organisations in this cohort */
    double arrive;          /* year the first arrives */
    double arrive_until;    /* arrivals spread evenly over [arrive, arrive_until) */
    double depart;          /* year they leave (or +inf) */
    double staff;           /* researchers, faculty or officials each, at arrival */
    double knowledge;       /* capability index (firm entrants average 1) */
    double tto_per_year;    /* transfer-office capacity, transfers per year */
    double seed_fund_usd_m; /* spin-off support, US$ million per year */
    int incubator_rooms;
    double graduates_per_year; /* universities only */
    int sector;                /* field of its spin-offs; -1: they draw one as start-ups do */
    int report;                /* its spin-offs get series columns (spinoffs_cum_org_NAME) */
} ric_org_spec;

#define RIC_MAX_REPORTED 16 /* organisation cohorts with report = true */

typedef struct {
    char name[RIC_NAME_MAX];
    int region; /* -1: spread over all regions in turn */
    int count;
    double arrive;
    double employees; /* mean employees per firm (geometric spread around it) */
    double capability;
    ric_origin origin;
    int sector; /* -1: each draws one from its region's shares */
} ric_firm_spec;

/* Rule parameters. Every field is a double so dated events can change any of them by name. */
typedef struct {
    /* Spin-off (Klepper 2007; EIS-SKIN): hazards per researcher, faculty member or employee. */
    double spinoff_institute_rate;  /* per researcher-year */
    double spinoff_university_rate; /* per faculty-year */
    double spinoff_firm_rate;       /* per employee-year */
    double spinoff_knowledge_elasticity;
    double spinoff_support_per_usd_m; /* hazard multiplier per US$ million/yr of support */
    double spinoff_founders_mean;     /* founders leaving the parent, mean (>= 1) */
    double spinoff_heritage;          /* share of the parent's capability the child inherits */
    double spinoff_stay_share;        /* children staying in the parent's region */
    double spinoff_capital_share;     /* children going to the capital region */
    double spinoff_near_share; /* children going to a region sharing a group with the parent's */
    double spinoff_capital_near_share; /* children going to a region sharing the capital's group */
    double spinoff_equity_share; /* children in which the parent holds equity or licenses IP */
    double spinoff_pull;        /* venture climate covariate of organisation spin-offs (a series) */
    double spinoff_pull_effect; /* log hazard per unit of spinoff_pull */
    double spinoff_push_share;  /* chance a researcher an institute releases founds a firm */
    double spinoff_private_factor; /* hazard multiplier of private institutes (corporate labs) */
    double incubation_years;
    double incubator_exit_factor; /* exit hazard multiplier while incubated */
    /* Stock-market listings (KOSDAQ): a yearly hazard of firms old and large enough. */
    double listing_rate;          /* per firm-year at a neutral climate (0: no listings) */
    double listing_min_age_years; /* youngest age at listing */
    double listing_min_employees; /* smallest size at listing */
    /* Technology transfer (EIS-SKIN; Cohen and Levinthal 1990 absorptive capacity). */
    double transfer_rate; /* requests per firm-year at capability 1 */
    double transfer_absorptive_elasticity;
    double transfer_link_preference;  /* asks a linked organisation first */
    double transfer_local_preference; /* else an organisation of its own region */
    double transfer_capability_gain;  /* share of the knowledge gap closed per transfer */
    double transfer_income_usd_m;     /* income to the organisation per transfer */
    /* Job creation: Gibrat-type growth with capability and market terms. */
    double growth_base;          /* per year */
    double growth_capability;    /* per year and unit of capability above 1 */
    double growth_small_premium; /* extra growth per year of a one-person firm, fading with size */
    double growth_noise;         /* s.d. of the yearly growth shock */
    double capability_drift;     /* yearly decay of capability towards 1 */
    double large_firm_employees; /* threshold of a large firm (Korean SME law: 300) */
    /* Entry and exit (SKIN exit on failed capital; Jovanovic 1982 age and size). */
    double startup_employees;
    double startup_capability;
    double relocation_employees;
    double relocation_capability;
    double self_reinforcement;  /* Brenner 2001: entry and spin-off rise with local firms */
    double critical_mass;       /* local firms at half the reinforcement */
    double exit_base_rate;      /* per year for a new one-person firm at capability 1 */
    double exit_age_years;      /* age scale of the falling hazard */
    double exit_size_employees; /* size scale of the falling hazard */
    double exit_capability_elasticity;
    double fitness_margin; /* fitness earned per year per unit capability above cost */
    double fitness_cost;   /* capability needed to break even */
    double fitness_initial;
    /* Networks. */
    double link_decay_years; /* unused links dissolve after this */
    double spillover;        /* share of the knowledge gap to a partner learnt per year */
    double absorptive_half;  /* capability at which absorptive capacity is half its top */
    double vertical_share;   /* share of entrants finding a supplier or buyer in their region */
    double vertical_exit;    /* exit hazard multiplier while a firm has a supplier or buyer */
    double order_share;      /* share of a partner's hires passed down the chain as orders */
    /* Staff of knowledge organisations. */
    double staff_rehire_rate; /* share of the gap to target refilled per year */
} ric_rules;

typedef enum {
    RIC_EVENT_SET,    /* set a rule or region parameter, optionally until a date */
    RIC_EVENT_STAFF,  /* set total staff target of a kind in a region */
    RIC_EVENT_NOTE,   /* a dated milestone recorded in the output metadata */
    RIC_EVENT_SERIES, /* a point of a dated series of a rule or region parameter: linear between
                        the points of one key, flat after the last, untouched before the first */
    RIC_EVENT_GROUPS  /* a region joins or leaves region groups, optionally until a date */
} ric_event_type;

typedef struct {
    ric_event_type type;
    double date, until; /* until = +inf when the change holds */
    char key[96];       /* SET, SERIES: "rules.x" or "regions.R.x" */
    double value;
    ric_org_kind kind;    /* STAFF */
    int region;           /* STAFF, GROUPS */
    uint64_t add, remove; /* GROUPS: groups the region joins and leaves (masks of sc->groups) */
    char text[160];       /* NOTE; GROUPS: optional milestone text, written like a note's */
} ric_event_spec;

typedef struct {
    double start, end;   /* years */
    double budget_usd_m; /* US$ million per year */
} ric_phase_spec;

/* Channels through which an award's money acts, one entry each: X(name, hi, doc). Each is a rate
 * per US$ million per year of award (local match included), read from an instrument's 'channels'
 * group within [0, hi]; sim/model/programme.c gives each its validate and apply functions. */
#define RIC_CHANNELS(X)                                                                            \
    X(spinoff, 1e6, "hazard multiplier of the beneficiary organisations")                          \
    X(transfer, 1e6, "extra transfer capacity, transfers per year")                                \
    X(graduates, 1e9, "extra graduates per year")                                                  \
    X(links, 1e6, "forum links formed between members per year")                                   \
    X(suppliers, 1e6, "supplier-buyer links formed between members per year")                      \
    X(capability, 1e6, "capability added per year, shared by the members")                         \
    X(rooms, 1e6, "incubator rooms of the beneficiary organisations while the money flows")

/* RIC_CHANNEL_spinoff, ...: a channel's index, as in ric_org's boost (model/world.h). */
typedef enum {
#define RIC_CHANNEL_ID(name, hi, doc) RIC_CHANNEL_##name,
    RIC_CHANNELS(RIC_CHANNEL_ID)
#undef RIC_CHANNEL_ID
        RIC_CHANNEL_N
} ric_channel;

typedef struct {
#define RIC_CHANNEL_FIELD(name, hi, doc) double name;
    RIC_CHANNELS(RIC_CHANNEL_FIELD)
#undef RIC_CHANNEL_FIELD
} ric_channels;

typedef struct {
    char name[RIC_NAME_MAX];
    ric_applicant applicants;
    double call;               /* year of the first call */
    double repeat_years;       /* calls repeat this often (0 = once) */
    double deadline_months;    /* call to selection */
    double start_delay_months; /* selection to start of the award */
    double duration_years;
    double award_usd_m;    /* per year per award */
    int max_winners;       /* per call */
    double matching_share; /* local match required, share of the award */
    int consortium_firms;  /* firms taking part in each award */
    int proposals;         /* proposals an applicant may submit to a call (NURI: up to 7) */
    int partners;          /* partner organisations of the lead's region sharing its channels */
    double merge_rate;     /* chance that an organisation's proposal joins the next one of its
                              region into one consortium before ranking (assumed; Daejeon's RIS
                              pilot, 2004: 6 proposals, 2 selected, one of them a merger) */
    /* eligibility: the listed regions and the members of the listed groups at the time */
    int n_regions;    /* 0 = any region (unless groups is not 0) */
    int *regions;     /* owned */
    uint64_t groups;  /* bit g: members of region group g are eligible */
    uint32_t sectors; /* bit s: firms of sector s are eligible; 0 = any sector */
    double min_staff, min_quality, max_age_years;
    /* ranking weights (INFSO-SKIN's criteria: quality, match, chance) */
    double rank_quality, rank_match, rank_chance;
    ric_channels ch;
} ric_instrument_spec;

typedef struct {
    char name[RIC_NAME_MAX];
    char label[96];
    int n_phases;
    ric_phase_spec *phases; /* owned */
    double overhead;        /* administrative share of the budget */
    double disbursement_delay_months;
    /* frictions (the seed's): money arrives the delay late every year and what could not be paid
     * by the year's end lapses; a member also in another programme's running award gets
     * overlap_factor of the capability (per other programme) */
    int lapse_at_year_end;
    double overlap_factor;
    /* annual review */
    int review;
    double review_first, review_every_years;
    double cancel_share, cut_share, cut_fraction;
    int reaward;
    int n_instruments;
    ric_instrument_spec *instruments; /* owned */
} ric_programme_spec;

typedef struct {
    char name[RIC_NAME_MAX];
    char description[256];
    char source[4096]; /* the scenario file as given */
    uint64_t seed;
    double start, end;
    int steps_per_year;
    int output_every; /* steps between output rows */
    double fx_krw_per_usd;
    size_t max_firms;
    int capital_region; /* -1 = none */
    ric_rules rules;
    int n_sectors; /* 0: the scenario defines none (every firm is in sector 0, neutral) */
    ric_sector_spec *sectors;
    int n_regions;
    ric_region_spec *regions;
    int n_groups; /* region groups, in order of first mention (regions, then events) */
    char groups[RIC_MAX_GROUPS][RIC_NAME_MAX];
    int n_orgs;
    ric_org_spec *orgs;
    int n_firms;
    ric_firm_spec *firms;
    int n_events;
    ric_event_spec *events;
    int n_programmes;
    ric_programme_spec *programmes;
    /* effective scenario text (libconfig syntax, all includes and overrides merged) and its hash */
    char *effective;
    uint64_t hash;
} ric_scenario;

/* Loads and validates PATH with overrides ("key.path=value" strings). On failure fills err with a
 * "file:line: message" diagnostic and leaves *out untouched. The caller frees *out. */
ric_status ric_scenario_load(const char *path, const char *const *overrides, size_t n_overrides,
                             ric_scenario **out, ric_err *err);
/* Same, from a string; file names in messages read NAME. Includes resolve against include_dir. */
ric_status ric_scenario_load_string(const char *text, const char *name, const char *include_dir,
                                    const char *const *overrides, size_t n_overrides,
                                    ric_scenario **out, ric_err *err);
void ric_scenario_free(ric_scenario *sc);

/* Index of a region or programme by name, or -1. */
int ric_scenario_region(const ric_scenario *sc, const char *name);

/* Index of a region group by name, or -1. */
int ric_scenario_group(const ric_scenario *sc, const char *name);

/* Index of a sector by name, or -1. */
int ric_scenario_sector(const ric_scenario *sc, const char *name);
/* Pointer to the event-settable sector parameter NAME (RIC_SECTOR_PARAMS) of s, or NULL. */
double *ric_sector_param(ric_sector_spec *s, const char *name);
/* Pointer to the event-settable region parameter NAME (RIC_REGION_PARAMS) of r, or NULL. */
double *ric_region_param(ric_region_spec *r, const char *name);

/* Pointer to the rule parameter named "rules.NAME" in r, or NULL. */
double *ric_rules_param(ric_rules *r, const char *name);
/* Number of parameters and the name of the i-th (for documentation and validation). */
size_t ric_rules_count(void);
const char *ric_rules_name(size_t i);

/* A parameter as the schema's tables hold it, for documentation. */
typedef struct {
    const char *name; /* rules: "group.key" under rules; regions: the key in a region */
    double def, lo, hi;
    int settable;    /* dated events may change it */
    const char *doc; /* one line of meaning */
} ric_param_info;

/* Fill OUT with the I-th rule parameter or region parameter, in table order; 0 past the end. */
int ric_scenario_rule_param(size_t i, ric_param_info *out);
int ric_scenario_region_param(size_t i, ric_param_info *out);
int ric_scenario_sector_param(size_t i, ric_param_info *out);

#endif
