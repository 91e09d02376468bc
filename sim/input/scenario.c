/* Scenario loading and validation. It reads the file (with @include relative to the scenario's
 * folder) through the cfg layer, applies variants and --set overrides, checks every key against the
 * schema below, and returns plain data plus the effective scenario text and its hash. */
#include "ricsim/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "input/cfg.h"
#include "base/sbuf.h"
#include "base/rng.h"

const char *const ric_org_kind_names[RIC_ORG_KIND_N] = {"ri_gvt", "ri_private", "ri_semi_gvt",
                                                        "university", "gvt_institution"};
const char *const ric_origin_names[RIC_ORIGIN_N] = {
    "incumbent",    "institute_spinoff", "university_spinoff",
    "firm_spinoff", "startup",           "relocation"};
const char *const ric_applicant_names[RIC_APPLY_N] = {"university", "institute", "firm", "region"};

/* ---- rule parameter table: name, default, bounds, and where it lives ---------------------- */

typedef struct {
    const char *name; /* "group.key" under rules */
    size_t offset;
    double def, lo, hi;
} rule_param;

#define RP(name, field, def, lo, hi)                                                               \
    {                                                                                              \
        name, offsetof(ric_rules, field), def, lo, hi                                              \
    }
static const rule_param rule_params[] = {
    RP("spinoff.institute_rate", spinoff_institute_rate, 0.001, 0, 1),
    RP("spinoff.university_rate", spinoff_university_rate, 0.0005, 0, 1),
    RP("spinoff.firm_rate", spinoff_firm_rate, 0.0005, 0, 1),
    RP("spinoff.knowledge_elasticity", spinoff_knowledge_elasticity, 1.0, 0, 10),
    RP("spinoff.support_per_usd_m", spinoff_support_per_usd_m, 0.5, 0, 100),
    RP("spinoff.founders_mean", spinoff_founders_mean, 2.0, 1, 50),
    RP("spinoff.heritage", spinoff_heritage, 0.7, 0, 1),
    RP("spinoff.stay_share", spinoff_stay_share, 0.58, 0, 1),
    RP("spinoff.capital_share", spinoff_capital_share, 0.37, 0, 1),
    RP("spinoff.equity_share", spinoff_equity_share, 0.3, 0, 1),
    RP("spinoff.incubation_years", incubation_years, 3.0, 0, 20),
    RP("spinoff.incubator_exit_factor", incubator_exit_factor, 0.5, 0, 1),
    RP("transfer.rate", transfer_rate, 0.1, 0, 12),
    RP("transfer.absorptive_elasticity", transfer_absorptive_elasticity, 1.0, 0, 10),
    RP("transfer.link_preference", transfer_link_preference, 0.6, 0, 1),
    RP("transfer.local_preference", transfer_local_preference, 0.8, 0, 1),
    RP("transfer.capability_gain", transfer_capability_gain, 0.1, 0, 1),
    RP("transfer.income_usd_m", transfer_income_usd_m, 0.02, 0, 100),
    RP("jobs.growth_base", growth_base, 0.0, -1, 1),
    RP("jobs.growth_capability", growth_capability, 0.08, 0, 5),
    RP("jobs.small_premium", growth_small_premium, 0.3, 0, 5),
    RP("jobs.noise", growth_noise, 0.25, 0, 5),
    RP("jobs.capability_drift", capability_drift, 0.05, 0, 1),
    RP("jobs.large_firm_employees", large_firm_employees, 300, 1, 1e7),
    RP("entry.startup_employees", startup_employees, 3, 1, 1e5),
    RP("entry.startup_capability", startup_capability, 0.9, 0.01, 100),
    RP("entry.relocation_employees", relocation_employees, 20, 1, 1e5),
    RP("entry.relocation_capability", relocation_capability, 1.0, 0.01, 100),
    RP("exit.base_rate", exit_base_rate, 0.15, 0, 12),
    RP("exit.age_years", exit_age_years, 5.0, 0.01, 1000),
    RP("exit.size_employees", exit_size_employees, 10.0, 0.01, 1e6),
    RP("exit.capability_elasticity", exit_capability_elasticity, 1.0, 0, 10),
    RP("exit.fitness_margin", fitness_margin, 1.0, 0, 100),
    RP("exit.fitness_cost", fitness_cost, 0.5, 0, 100),
    RP("exit.fitness_initial", fitness_initial, 1.0, 0, 100),
    RP("network.link_decay_years", link_decay_years, 3.0, 0.01, 1000),
    RP("staff.rehire_rate", staff_rehire_rate, 0.5, 0, 12),
};
#undef RP
#define N_RULE_PARAMS (sizeof rule_params / sizeof rule_params[0])

size_t ric_rules_count(void)
{
    return N_RULE_PARAMS;
}
const char *ric_rules_name(size_t i)
{
    return i < N_RULE_PARAMS ? rule_params[i].name : NULL;
}

double *ric_rules_param(ric_rules *r, const char *name)
{
    for (size_t i = 0; i < N_RULE_PARAMS; i++)
        if (strcmp(rule_params[i].name, name) == 0)
            return (double *)((char *)r + rule_params[i].offset);
    return NULL;
}

/* Region parameters (RIC_REGION_PARAMS): key, where it lives, default, bounds, whether events may
 * set it. load_regions reads them all; events set the settable ones within the same bounds. */
typedef struct {
    const char *name;
    size_t offset;
    double def, lo, hi;
    int settable;
    const char *doc;
} region_param;
#define AS_REGION_PARAM(name, def, lo, hi, settable, doc)                                          \
    {#name, offsetof(ric_region_spec, name), def, lo, hi, settable, doc},
static const region_param region_params[] = {RIC_REGION_PARAMS(AS_REGION_PARAM)};
#undef AS_REGION_PARAM
#define N_REGION_PARAMS (sizeof region_params / sizeof region_params[0])

static const region_param *settable_region_param(const char *name)
{
    for (size_t i = 0; i < N_REGION_PARAMS; i++)
        if (region_params[i].settable && strcmp(region_params[i].name, name) == 0)
            return &region_params[i];
    return NULL;
}

double *ric_region_param(ric_region_spec *r, const char *name)
{
    const region_param *rp = settable_region_param(name);
    return rp ? (double *)((char *)r + rp->offset) : NULL;
}

/* ---- loader context ------------------------------------------------------------------------- */

/* A region by name; with ALLOW_ALL, "*" (every region, round robin) gives -1. */
static int get_region(ric_cfg *c, const ric_scenario *sc, config_setting_t *g, const char *key,
                      int required, int allow_all)
{
    const char *v = ric_cfg_str(c, g, key, required, NULL, RIC_NAME_MAX);
    if (!v)
        return -1;
    if (allow_all && strcmp(v, "*") == 0)
        return -1;
    int r = ric_scenario_region(sc, v);
    if (r < 0) {
        char p[256];
        ric_cfg_path(config_setting_get_member(g, key), p, sizeof p);
        ric_cfg_fail(c, config_setting_get_member(g, key), "'%s' names no region (got \"%s\")", p,
                     v);
    }
    return r;
}

/* Money: exactly one of KEY_usd_m or KEY_krw_bn, converted to US$ million. */
static double get_money(ric_cfg *c, const ric_scenario *sc, config_setting_t *g, const char *stem,
                        config_setting_t *fxs)
{
    char ku[64], kk[64];
    snprintf(ku, sizeof ku, "%s_usd_m", stem);
    snprintf(kk, sizeof kk, "%s_krw_bn", stem);
    config_setting_t *su = config_setting_get_member(g, ku);
    config_setting_t *sk = config_setting_get_member(g, kk);
    char gp[256];
    ric_cfg_path(g, gp, sizeof gp);
    if (su && sk) {
        ric_cfg_fail(c, sk, "'%s' gives both '%s' and '%s'; give one", gp, ku, kk);
        return 0;
    }
    if (!su && !sk) {
        ric_cfg_fail(c, g, "missing required key '%s.%s' (or '%s')", gp, ku, kk);
        return 0;
    }
    if (su)
        return ric_cfg_num(c, g, ku, 1, 0, 0, 1e7);
    double krw = ric_cfg_num(c, g, kk, 1, 0, 0, 1e10);
    if (!(sc->fx_krw_per_usd > 0)) {
        ric_cfg_fail(c, sk, "'%s.%s' needs 'fx_krw_per_usd' at the top level", gp, kk);
        return 0;
    }
    (void)fxs;
    return krw * 1000.0 / sc->fx_krw_per_usd; /* KRW billion -> US$ million */
}

/* ---- sections ----------------------------------------------------------------------------- */

static void load_regions(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
{
    int n;
    config_setting_t *g = ric_cfg_groups(c, root, "regions", 1, &n);
    if (c->failed)
        return;
    if (n < 1) {
        ric_cfg_fail(c, g, "'regions' must name at least one region");
        return;
    }
    if (n > RIC_MAX_REGIONS) {
        ric_cfg_fail(c, g, "'regions' names %d regions; at most %d are supported", n,
                     RIC_MAX_REGIONS);
        return;
    }
    sc->regions = calloc((size_t)n, sizeof *sc->regions);
    if (!sc->regions) {
        ric_cfg_fail(c, g, "out of memory");
        return;
    }
    sc->n_regions = n;
#define AS_KEY(name, def, lo, hi, settable, doc) #name,
    static const char *const keys[] = {"label", "focus", RIC_REGION_PARAMS(AS_KEY) NULL};
#undef AS_KEY
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_region_spec *r = &sc->regions[i];
        ric_cfg_copy_name(c, s, r->name);
        ric_cfg_check_keys(c, s, keys);
        ric_cfg_str(c, s, "label", 0, "", 96);
        r->focus = ric_cfg_bool(c, s, "focus", 1);
        for (size_t k = 0; k < N_REGION_PARAMS; k++) {
            const region_param *rp = &region_params[k];
            *(double *)((char *)r + rp->offset) = ric_cfg_num(c, s, rp->name, 0, rp->def, rp->lo, rp->hi);
        }
    }
    const char *cap = ric_cfg_str(c, root, "capital_region", 0, NULL, RIC_NAME_MAX);
    sc->capital_region = -1;
    if (cap) {
        sc->capital_region = ric_scenario_region(sc, cap);
        if (sc->capital_region < 0)
            ric_cfg_fail(c, config_setting_get_member(root, "capital_region"),
                         "'capital_region' names no region (got \"%s\")", cap);
    }
}

static void load_orgs(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
{
    int n;
    config_setting_t *g = ric_cfg_groups(c, root, "organisations", 0, &n);
    if (c->failed || n == 0)
        return;
    sc->orgs = calloc((size_t)n, sizeof *sc->orgs);
    if (!sc->orgs) {
        ric_cfg_fail(c, g, "out of memory");
        return;
    }
    sc->n_orgs = n;
    static const char *const keys[] = {"kind",
                                       "region",
                                       "count",
                                       "arrive",
                                       "arrive_until",
                                       "depart",
                                       "staff",
                                       "knowledge",
                                       "tto_per_year",
                                       "seed_fund_usd_m",
                                       "incubator_rooms",
                                       "graduates_per_year",
                                       NULL};
    long long total = 0;
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_org_spec *o = &sc->orgs[i];
        ric_cfg_copy_name(c, s, o->name);
        ric_cfg_check_keys(c, s, keys);
        o->kind =
            (ric_org_kind)ric_cfg_enum(c, s, "kind", 1, 0, ric_org_kind_names, RIC_ORG_KIND_N);
        o->region = get_region(c, sc, s, "region", 1, 1);
        o->count = (int)ric_cfg_int(c, s, "count", 0, 1, 1, 100000);
        o->arrive = ric_cfg_num(c, s, "arrive", 0, sc->start, -1e6, 1e6);
        o->arrive_until = ric_cfg_num(c, s, "arrive_until", 0, o->arrive, o->arrive, 1e6);
        o->depart = ric_cfg_num(c, s, "depart", 0, INFINITY, o->arrive, 1e6);
        if (!config_setting_get_member(s, "depart"))
            o->depart = INFINITY;
        o->staff = ric_cfg_num(c, s, "staff", 1, 0, 0, 1e6);
        o->knowledge = ric_cfg_num(c, s, "knowledge", 0, 1.0, 0.01, 100);
        o->tto_per_year = ric_cfg_num(c, s, "tto_per_year", 0, 0, 0, 1e6);
        o->seed_fund_usd_m = ric_cfg_num(c, s, "seed_fund_usd_m", 0, 0, 0, 1e6);
        o->incubator_rooms = (int)ric_cfg_int(c, s, "incubator_rooms", 0, 0, 0, 100000);
        o->graduates_per_year = ric_cfg_num(c, s, "graduates_per_year", 0, 0, 0, 1e7);
        if (!c->failed && o->kind != RIC_ORG_UNIVERSITY &&
            config_setting_get_member(s, "graduates_per_year")) {
            char p[256];
            ric_cfg_path(config_setting_get_member(s, "graduates_per_year"), p, sizeof p);
            ric_cfg_fail(c, config_setting_get_member(s, "graduates_per_year"),
                         "'%s' applies only to universities", p);
        }
        total += o->count;
    }
    if (!c->failed && total > 65000)
        ric_cfg_fail(c, g,
                     "'organisations' expands to %lld organisations; at most 65000 are supported",
                     total);
}

static void load_firms(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
{
    int n;
    config_setting_t *g = ric_cfg_groups(c, root, "firms", 0, &n);
    if (c->failed || n == 0)
        return;
    sc->firms = calloc((size_t)n, sizeof *sc->firms);
    if (!sc->firms) {
        ric_cfg_fail(c, g, "out of memory");
        return;
    }
    sc->n_firms = n;
    static const char *const keys[] = {"region",     "count",  "arrive", "employees",
                                       "capability", "origin", NULL};
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_firm_spec *f = &sc->firms[i];
        ric_cfg_copy_name(c, s, f->name);
        ric_cfg_check_keys(c, s, keys);
        f->region = get_region(c, sc, s, "region", 1, 1);
        f->count = (int)ric_cfg_int(c, s, "count", 1, 0, 0, 50000000);
        f->arrive = ric_cfg_num(c, s, "arrive", 0, sc->start, -1e6, 1e6);
        f->employees = ric_cfg_num(c, s, "employees", 1, 0, 1, 1e6);
        f->capability = ric_cfg_num(c, s, "capability", 0, 1.0, 0.01, 100);
        f->origin = (ric_origin)ric_cfg_enum(c, s, "origin", 0, RIC_ORIGIN_INCUMBENT,
                                             ric_origin_names, RIC_ORIGIN_N);
    }
}

static void load_rules(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
{
    for (size_t i = 0; i < N_RULE_PARAMS; i++)
        *ric_rules_param(&sc->rules, rule_params[i].name) = rule_params[i].def;
    config_setting_t *g = ric_cfg_member(c, root, "rules", 0, CONFIG_TYPE_GROUP);
    if (!g)
        return;
    /* every member must be a group whose members are known parameters */
    int n = config_setting_length(g);
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *sub = config_setting_get_elem(g, (unsigned)i);
        char p[256];
        ric_cfg_path(sub, p, sizeof p);
        const char *gname = config_setting_name(sub);
        int known = 0;
        for (size_t k = 0; k < N_RULE_PARAMS; k++) {
            size_t len = strcspn(rule_params[k].name, ".");
            if (strlen(gname) == len && strncmp(rule_params[k].name, gname, len) == 0)
                known = 1;
        }
        if (!known) {
            ric_cfg_fail(c, sub, "unknown key '%s'", p);
            return;
        }
        if (config_setting_type(sub) != CONFIG_TYPE_GROUP) {
            ric_cfg_fail(c, sub, "'%s' must be a group (got %s)", p, ric_cfg_type_name(sub));
            return;
        }
        int m = config_setting_length(sub);
        for (int j = 0; j < m && !c->failed; j++) {
            config_setting_t *s = config_setting_get_elem(sub, (unsigned)j);
            char full[160];
            snprintf(full, sizeof full, "%s.%s", gname, config_setting_name(s));
            const rule_param *rp = NULL;
            for (size_t k = 0; k < N_RULE_PARAMS; k++)
                if (strcmp(rule_params[k].name, full) == 0)
                    rp = &rule_params[k];
            if (!rp) {
                char sp[256];
                ric_cfg_path(s, sp, sizeof sp);
                ric_cfg_fail(c, s, "unknown key '%s'", sp);
                return;
            }
            *ric_rules_param(&sc->rules, rp->name) =
                ric_cfg_num(c, sub, config_setting_name(s), 1, rp->def, rp->lo, rp->hi);
        }
    }
    if (!c->failed && sc->rules.spinoff_stay_share + sc->rules.spinoff_capital_share > 1.0 + 1e-12)
        ric_cfg_fail(c, g,
                     "'rules.spinoff.stay_share' + 'rules.spinoff.capital_share' must be <= 1 "
                     "(got %g)",
                     sc->rules.spinoff_stay_share + sc->rules.spinoff_capital_share);
}

/* Checks that KEY names an event-settable parameter ("rules.G.K" or "regions.R.K") and gives the
 * bounds its value must respect, the same as in the scenario itself. */
static int settable_key(const ric_scenario *sc, const char *key, double *lo, double *hi)
{
    if (strncmp(key, "rules.", 6) == 0) {
        for (size_t i = 0; i < N_RULE_PARAMS; i++)
            if (strcmp(rule_params[i].name, key + 6) == 0) {
                *lo = rule_params[i].lo;
                *hi = rule_params[i].hi;
                return 1;
            }
        return 0;
    }
    if (strncmp(key, "regions.", 8) == 0) {
        const char *dot = strchr(key + 8, '.');
        if (!dot)
            return 0;
        char rn[RIC_NAME_MAX];
        size_t len = (size_t)(dot - (key + 8));
        if (len >= sizeof rn)
            return 0;
        memcpy(rn, key + 8, len);
        rn[len] = '\0';
        if (ric_scenario_region(sc, rn) < 0 && strcmp(rn, "*") != 0)
            return 0;
        const region_param *rp = settable_region_param(dot + 1);
        if (rp) {
            *lo = rp->lo;
            *hi = rp->hi;
            return 1;
        }
    }
    return 0;
}

static void load_events(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
{
    config_setting_t *g = ric_cfg_member(c, root, "events", 0, CONFIG_TYPE_LIST);
    if (!g)
        return;
    int n = config_setting_length(g);
    if (n == 0)
        return;
    sc->events = calloc((size_t)n, sizeof *sc->events);
    if (!sc->events) {
        ric_cfg_fail(c, g, "out of memory");
        return;
    }
    sc->n_events = n;
    static const char *const types[] = {"set", "staff", "note"};
    static const char *const keys[] = {"date", "until",  "type",  "key",  "value",
                                       "kind", "region", "total", "text", NULL};
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        char p[256];
        ric_cfg_path(s, p, sizeof p);
        if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
            ric_cfg_fail(c, s, "'%s' must be a group (got %s)", p, ric_cfg_type_name(s));
            return;
        }
        ric_event_spec *e = &sc->events[i];
        ric_cfg_check_keys(c, s, keys);
        e->date = ric_cfg_num(c, s, "date", 1, 0, -1e6, 1e6);
        e->until = ric_cfg_num(c, s, "until", 0, INFINITY, e->date, 1e6);
        if (!config_setting_get_member(s, "until"))
            e->until = INFINITY;
        e->type = (ric_event_type)ric_cfg_enum(c, s, "type", 1, 0, types, 3);
        if (c->failed)
            return;
        switch (e->type) {
        case RIC_EVENT_SET: {
            const char *k = ric_cfg_str(c, s, "key", 1, "", sizeof e->key);
            snprintf(e->key, sizeof e->key, "%s", k);
            double lo = 0, hi = 0;
            if (!c->failed && !settable_key(sc, e->key, &lo, &hi)) {
                ric_cfg_fail(
                    c, config_setting_get_member(s, "key"),
                    "'%s.key' names no settable parameter (got \"%s\"); use 'rules.GROUP.NAME' "
                    "or 'regions.REGION.NAME'",
                    p, e->key);
                return;
            }
            /* the value obeys the bounds of the parameter it sets (found by fuzzing: an event could
             * set a growth rate of 4e11 and overflow employment) */
            e->value = ric_cfg_num(c, s, "value", 1, 0, lo, hi);
            break;
        }
        case RIC_EVENT_STAFF:
            e->kind =
                (ric_org_kind)ric_cfg_enum(c, s, "kind", 1, 0, ric_org_kind_names, RIC_ORG_KIND_N);
            e->region = get_region(c, sc, s, "region", 1, 0);
            e->value = ric_cfg_num(c, s, "total", 1, 0, 0, 1e8);
            break;
        case RIC_EVENT_NOTE: {
            const char *t = ric_cfg_str(c, s, "text", 1, "", sizeof e->text);
            snprintf(e->text, sizeof e->text, "%s", t);
            if (strpbrk(e->text, "\n\r\t"))
                ric_cfg_fail(c, config_setting_get_member(s, "text"),
                             "'%s.text' must not contain tabs or line breaks", p);
            break;
        }
        }
    }
}

static void load_channels(ric_cfg *c, config_setting_t *g, ric_channels *ch)
{
#define AS_KEY(name, hi, doc) #name,
    static const char *const keys[] = {RIC_CHANNELS(AS_KEY) NULL};
#undef AS_KEY
    config_setting_t *s = ric_cfg_member(c, g, "channels", 0, CONFIG_TYPE_GROUP);
    ric_cfg_check_keys(c, s, keys);
#define LOAD(name, hi, doc) ch->name = ric_cfg_num(c, s, #name, 0, 0, 0, hi);
    RIC_CHANNELS(LOAD)
#undef LOAD
}

static void load_instrument(ric_cfg *c, ric_scenario *sc, config_setting_t *s,
                            ric_instrument_spec *in)
{
    static const char *const keys[] = {
        "applicants",       "call",        "repeat_years", "deadline_months", "start_delay_months",
        "duration_years",   "award_usd_m", "award_krw_bn", "max_winners",     "matching_share",
        "consortium_firms", "eligible",    "ranking",      "channels",        NULL};
    ric_cfg_copy_name(c, s, in->name);
    ric_cfg_check_keys(c, s, keys);
    in->applicants =
        (ric_applicant)ric_cfg_enum(c, s, "applicants", 1, 0, ric_applicant_names, RIC_APPLY_N);
    in->call = ric_cfg_num(c, s, "call", 1, 0, -1e6, 1e6);
    in->repeat_years = ric_cfg_num(c, s, "repeat_years", 0, 0, 0, 1000);
    in->deadline_months = ric_cfg_num(c, s, "deadline_months", 0, 6, 0, 1200);
    in->start_delay_months = ric_cfg_num(c, s, "start_delay_months", 0, 9, 0, 1200);
    in->duration_years = ric_cfg_num(c, s, "duration_years", 1, 1, 1.0 / 365, 1000);
    in->award_usd_m = get_money(c, sc, s, "award", NULL);
    in->max_winners = (int)ric_cfg_int(c, s, "max_winners", 1, 0, 0, 1000000);
    in->matching_share = ric_cfg_num(c, s, "matching_share", 0, 0, 0, 10);
    in->consortium_firms = (int)ric_cfg_int(c, s, "consortium_firms", 0, 0, 0, 1000);

    static const char *const ekeys[] = {"regions", "min_staff", "min_quality", "max_age_years",
                                        NULL};
    config_setting_t *e = ric_cfg_member(c, s, "eligible", 0, CONFIG_TYPE_GROUP);
    ric_cfg_check_keys(c, e, ekeys);
    in->min_staff = ric_cfg_num(c, e, "min_staff", 0, 0, 0, 1e9);
    in->min_quality = ric_cfg_num(c, e, "min_quality", 0, 0, 0, 1e9);
    in->max_age_years = ric_cfg_num(c, e, "max_age_years", 0, INFINITY, 0, 1e6);
    if (!e || !config_setting_get_member(e, "max_age_years"))
        in->max_age_years = INFINITY;
    config_setting_t *rs = ric_cfg_member(c, e, "regions", 0, CONFIG_TYPE_ARRAY);
    if (rs && !c->failed) {
        int n = config_setting_length(rs);
        in->regions = calloc((size_t)(n ? n : 1), sizeof *in->regions);
        if (!in->regions) {
            ric_cfg_fail(c, rs, "out of memory");
            return;
        }
        in->n_regions = n;
        for (int i = 0; i < n && !c->failed; i++) {
            config_setting_t *x = config_setting_get_elem(rs, (unsigned)i);
            char p[256];
            ric_cfg_path(rs, p, sizeof p);
            if (config_setting_type(x) != CONFIG_TYPE_STRING) {
                ric_cfg_fail(c, rs, "'%s' must list region names (strings)", p);
                return;
            }
            in->regions[i] = ric_scenario_region(sc, config_setting_get_string(x));
            if (in->regions[i] < 0)
                ric_cfg_fail(c, rs, "'%s' names no region \"%s\"", p, config_setting_get_string(x));
        }
    }
    static const char *const rkeys[] = {"quality", "match", "chance", NULL};
    config_setting_t *r = ric_cfg_member(c, s, "ranking", 0, CONFIG_TYPE_GROUP);
    ric_cfg_check_keys(c, r, rkeys);
    in->rank_quality = ric_cfg_num(c, r, "quality", 0, 1.0, 0, 1e6);
    in->rank_match = ric_cfg_num(c, r, "match", 0, 0.5, 0, 1e6);
    in->rank_chance = ric_cfg_num(c, r, "chance", 0, 0.1, 0, 1e6);
    load_channels(c, s, &in->ch);
}

static void load_programmes(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
{
    int n;
    config_setting_t *g = ric_cfg_groups(c, root, "programmes", 0, &n);
    if (c->failed || n == 0)
        return;
    if (n > RIC_MAX_PROGRAMMES) {
        ric_cfg_fail(c, g, "'programmes' defines %d programmes; at most %d are supported", n,
                     RIC_MAX_PROGRAMMES);
        return;
    }
    sc->programmes = calloc((size_t)n, sizeof *sc->programmes);
    if (!sc->programmes) {
        ric_cfg_fail(c, g, "out of memory");
        return;
    }
    sc->n_programmes = n;
    static const char *const keys[] = {
        "label", "phases", "overhead", "disbursement_delay_months", "review", "instruments", NULL};
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_programme_spec *p = &sc->programmes[i];
        ric_cfg_copy_name(c, s, p->name);
        ric_cfg_check_keys(c, s, keys);
        snprintf(p->label, sizeof p->label, "%s", ric_cfg_str(c, s, "label", 0, p->name, 96));
        p->overhead = ric_cfg_num(c, s, "overhead", 0, 0, 0, 0.999);
        p->disbursement_delay_months =
            ric_cfg_num(c, s, "disbursement_delay_months", 0, 0, 0, 1200);

        config_setting_t *ph = ric_cfg_member(c, s, "phases", 1, CONFIG_TYPE_LIST);
        if (c->failed)
            return;
        int np = config_setting_length(ph);
        if (np < 1) {
            char pp[256];
            ric_cfg_path(ph, pp, sizeof pp);
            ric_cfg_fail(c, ph, "'%s' must list at least one phase", pp);
            return;
        }
        p->phases = calloc((size_t)np, sizeof *p->phases);
        if (!p->phases) {
            ric_cfg_fail(c, ph, "out of memory");
            return;
        }
        p->n_phases = np;
        static const char *const phkeys[] = {"start", "end", "budget_usd_m", "budget_krw_bn", NULL};
        for (int j = 0; j < np && !c->failed; j++) {
            config_setting_t *x = config_setting_get_elem(ph, (unsigned)j);
            char pp[256];
            ric_cfg_path(x, pp, sizeof pp);
            if (config_setting_type(x) != CONFIG_TYPE_GROUP) {
                ric_cfg_fail(c, x, "'%s' must be a group (got %s)", pp, ric_cfg_type_name(x));
                return;
            }
            ric_cfg_check_keys(c, x, phkeys);
            p->phases[j].start = ric_cfg_num(c, x, "start", 1, 0, -1e6, 1e6);
            p->phases[j].end = ric_cfg_num(c, x, "end", 1, 0, -1e6, 1e6);
            p->phases[j].budget_usd_m = get_money(c, sc, x, "budget", NULL);
            if (!c->failed && !(p->phases[j].end > p->phases[j].start))
                ric_cfg_fail(c, config_setting_get_member(x, "end"),
                             "'%s.end' must be > %g (got %g)", pp, p->phases[j].start,
                             p->phases[j].end);
        }

        static const char *const rvkeys[] = {
            "first", "every_years", "cancel_share", "cut_share", "cut_fraction", "reaward", NULL};
        config_setting_t *rv = ric_cfg_member(c, s, "review", 0, CONFIG_TYPE_GROUP);
        ric_cfg_check_keys(c, rv, rvkeys);
        p->review = rv != NULL;
        p->review_first = ric_cfg_num(c, rv, "first", rv != NULL, 0, -1e6, 1e6);
        p->review_every_years = ric_cfg_num(c, rv, "every_years", 0, 1, 1.0 / 365, 1000);
        p->cancel_share = ric_cfg_num(c, rv, "cancel_share", 0, 0, 0, 1);
        p->cut_share = ric_cfg_num(c, rv, "cut_share", 0, 0, 0, 1);
        p->cut_fraction = ric_cfg_num(c, rv, "cut_fraction", 0, 0, 0, 1);
        p->reaward = ric_cfg_bool(c, rv, "reaward", 0);
        if (!c->failed && p->cancel_share + p->cut_share > 1.0 + 1e-12)
            ric_cfg_fail(c, rv,
                         "'programmes.%s.review': cancel_share + cut_share must be <= 1 (got %g)",
                         p->name, p->cancel_share + p->cut_share);

        int ni;
        config_setting_t *ig = ric_cfg_groups(c, s, "instruments", 1, &ni);
        if (c->failed)
            return;
        if (ni < 1) {
            ric_cfg_fail(c, ig, "'programmes.%s.instruments' must define at least one instrument",
                         p->name);
            return;
        }
        p->instruments = calloc((size_t)ni, sizeof *p->instruments);
        if (!p->instruments) {
            ric_cfg_fail(c, ig, "out of memory");
            return;
        }
        p->n_instruments = ni;
        for (int j = 0; j < ni && !c->failed; j++)
            load_instrument(c, sc, config_setting_get_elem(ig, (unsigned)j), &p->instruments[j]);
    }
}

/* ---- effective scenario writer (full precision, deterministic) ---------------------------- */


static void put_value(ric_sbuf *b, const config_setting_t *s, int depth);

static void put_float(ric_sbuf *b, double v)
{
    char t[64];
    snprintf(t, sizeof t, "%.17g", v);
    /* shortest text that reads back to the same double */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, v);
        if (strtod(t, NULL) == v)
            break;
    }
    if (!strpbrk(t, ".eEn"))
        strncat(t, ".0", sizeof t - strlen(t) - 1);
    ric_sbuf_put(b, "%s", t);
}

static void put_string(ric_sbuf *b, const char *s)
{
    ric_sbuf_put(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            ric_sbuf_put(b, "\\%c", *s);
        else if (*s == '\n')
            ric_sbuf_put(b, "\\n");
        else if (*s == '\t')
            ric_sbuf_put(b, "\\t");
        else
            ric_sbuf_put(b, "%c", *s);
    }
    ric_sbuf_put(b, "\"");
}

static void put_members(ric_sbuf *b, const config_setting_t *g, int depth)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        ric_sbuf_put(b, "%*s%s = ", depth * 2, "", config_setting_name(m));
        put_value(b, m, depth);
        ric_sbuf_put(b, ";\n");
    }
}

static void put_value(ric_sbuf *b, const config_setting_t *s, int depth)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        ric_sbuf_put(b, "%d", config_setting_get_int(s));
        break;
    case CONFIG_TYPE_INT64:
        ric_sbuf_put(b, "%lldL", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        put_float(b, config_setting_get_float(s));
        break;
    case CONFIG_TYPE_BOOL:
        ric_sbuf_put(b, "%s", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_STRING:
        put_string(b, config_setting_get_string(s));
        break;
    case CONFIG_TYPE_GROUP:
        ric_sbuf_put(b, "{\n");
        put_members(b, s, depth + 1);
        ric_sbuf_put(b, "%*s}", depth * 2, "");
        break;
    case CONFIG_TYPE_ARRAY:
    case CONFIG_TYPE_LIST: {
        int list = config_setting_type(s) == CONFIG_TYPE_LIST;
        int n = config_setting_length(s);
        ric_sbuf_put(b, "%s", list ? "(" : "[");
        for (int i = 0; i < n; i++) {
            if (list)
                ric_sbuf_put(b, "%s\n%*s", i ? "," : "", (depth + 1) * 2, "");
            else if (i)
                ric_sbuf_put(b, ", ");
            put_value(b, config_setting_get_elem(s, (unsigned)i), depth + 1);
        }
        if (list && n)
            ric_sbuf_put(b, "\n%*s", depth * 2, "");
        ric_sbuf_put(b, "%s", list ? ")" : "]");
        break;
    }
    default:
        break;
    }
}

/* Adds every rule parameter's effective value to the tree, so the written scenario does not depend
 * on this version's defaults. */
static void fill_rules(config_t *cfg, const ric_scenario *sc)
{
    config_setting_t *root = config_root_setting(cfg);
    config_setting_t *rules = config_setting_get_member(root, "rules");
    if (!rules)
        rules = config_setting_add(root, "rules", CONFIG_TYPE_GROUP);
    for (size_t i = 0; i < N_RULE_PARAMS; i++) {
        char grp[64];
        size_t len = strcspn(rule_params[i].name, ".");
        snprintf(grp, sizeof grp, "%.*s", (int)len, rule_params[i].name);
        config_setting_t *g = config_setting_get_member(rules, grp);
        if (!g)
            g = config_setting_add(rules, grp, CONFIG_TYPE_GROUP);
        const char *key = rule_params[i].name + len + 1;
        config_setting_t *s = config_setting_get_member(g, key);
        if (s && config_setting_type(s) != CONFIG_TYPE_FLOAT) {
            config_setting_remove(g, key);
            s = NULL;
        }
        if (!s)
            s = config_setting_add(g, key, CONFIG_TYPE_FLOAT);
        config_setting_set_float(s, *ric_rules_param((ric_rules *)&sc->rules, rule_params[i].name));
    }
}

/* ---- entry points -------------------------------------------------------------------------- */

int ric_scenario_region(const ric_scenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_regions; i++)
        if (strcmp(sc->regions[i].name, name) == 0)
            return i;
    return -1;
}

void ric_scenario_free(ric_scenario *sc)
{
    if (!sc)
        return;
    for (int i = 0; i < sc->n_programmes; i++) {
        for (int j = 0; j < sc->programmes[i].n_instruments; j++)
            free(sc->programmes[i].instruments[j].regions);
        free(sc->programmes[i].instruments);
        free(sc->programmes[i].phases);
    }
    free(sc->programmes);
    free(sc->regions);
    free(sc->orgs);
    free(sc->firms);
    free(sc->events);
    free(sc->effective);
    free(sc);
}

static ric_status validate(ric_cfg *c, config_t *cfg, ric_scenario *sc)
{
    config_setting_t *root = config_root_setting(cfg);
    static const char *const keys[] = {"name",           "description", "seed",    "time",
                                       "fx_krw_per_usd", "limits",      "regions", "capital_region",
                                       "organisations",  "firms",       "rules",   "events",
                                       "programmes",     NULL};
    ric_cfg_check_keys(c, root, keys);
    snprintf(sc->name, sizeof sc->name, "%s", ric_cfg_str(c, root, "name", 1, "", RIC_NAME_MAX));
    snprintf(sc->description, sizeof sc->description, "%s",
             ric_cfg_str(c, root, "description", 0, "", sizeof sc->description));
    long long seed = ric_cfg_int(c, root, "seed", 0, 1, 0, LLONG_MAX);
    sc->seed = (uint64_t)seed;

    static const char *const tkeys[] = {"start", "end", "steps_per_year", "output_every", NULL};
    config_setting_t *t = ric_cfg_member(c, root, "time", 1, CONFIG_TYPE_GROUP);
    ric_cfg_check_keys(c, t, tkeys);
    sc->start = ric_cfg_num(c, t, "start", 1, 0, -1e5, 1e5);
    sc->end = ric_cfg_num(c, t, "end", 1, 0, -1e5, 1e5);
    if (!c->failed && !(sc->end > sc->start))
        ric_cfg_fail(c, config_setting_get_member(t, "end"), "'time.end' must be > %g (got %g)",
                     sc->start, sc->end);
    sc->steps_per_year = (int)ric_cfg_int(c, t, "steps_per_year", 0, 12, 1, 366);
    sc->output_every = (int)ric_cfg_int(c, t, "output_every", 0, 1, 1, 100000);
    if (!c->failed && (sc->end - sc->start) * sc->steps_per_year > 1e7)
        ric_cfg_fail(c, t, "'time' asks for %.0f steps; at most 10000000 are supported",
                     (sc->end - sc->start) * sc->steps_per_year);
    sc->fx_krw_per_usd = ric_cfg_num(c, root, "fx_krw_per_usd", 0, 0, 1e-6, 1e9);

    load_regions(c, sc, root);
    load_orgs(c, sc, root);
    load_firms(c, sc, root);
    load_rules(c, sc, root);
    load_events(c, sc, root);
    load_programmes(c, sc, root);

    /* default firm capacity: the cohorts, three times over, plus room for entrants */
    double cohort = 0;
    for (int i = 0; i < sc->n_firms; i++)
        cohort += sc->firms[i].count;
    static const char *const lkeys[] = {"max_firms", NULL};
    config_setting_t *lim = ric_cfg_member(c, root, "limits", 0, CONFIG_TYPE_GROUP);
    ric_cfg_check_keys(c, lim, lkeys);
    long long def = (long long)(3 * cohort) + 100000;
    long long mf = ric_cfg_int(c, lim, "max_firms", 0, def, 1, 200000000);
    if (!c->failed && (double)mf < cohort)
        ric_cfg_fail(c, config_setting_get_member(lim, "max_firms"),
                     "'limits.max_firms' must be >= the %.0f firms the cohorts place (got %lld)",
                     cohort, mf);
    sc->max_firms = (size_t)mf;
    return c->failed ? RIC_ESCENARIO : RIC_OK;
}

/* A variant file @includes a scenario and changes it through a 'variant' group (libconfig forbids
 * repeating a key): 'name' and 'description' replace the scenario's, 'remove' lists settings to
 * delete, 'set' lists "key.path=value" overrides. Applied before the command line's --set. */
static ric_status apply_variant(ric_cfg *c, config_t *cfg)
{
    config_setting_t *root = config_root_setting(cfg);
    config_setting_t *v = config_setting_get_member(root, "variant");
    if (!v)
        return RIC_OK;
    if (config_setting_type(v) != CONFIG_TYPE_GROUP) {
        ric_cfg_fail(c, v, "'variant' must be a group (got %s)", ric_cfg_type_name(v));
        return RIC_ESCENARIO;
    }
    static const char *const keys[] = {"name", "description", "remove", "set", NULL};
    ric_cfg_check_keys(c, v, keys);
    if (c->failed)
        return RIC_ESCENARIO;
    const char *names[] = {"name", "description"};
    for (int k = 0; k < 2; k++) {
        config_setting_t *s = ric_cfg_member(c, v, names[k], k == 0, CONFIG_TYPE_STRING);
        if (c->failed)
            return RIC_ESCENARIO;
        if (!s)
            continue;
        char val[512];
        snprintf(val, sizeof val, "%s", config_setting_get_string(s));
        config_setting_t *t = config_setting_get_member(root, names[k]);
        if (!t)
            t = config_setting_add(root, names[k], CONFIG_TYPE_STRING);
        if (!t || config_setting_type(t) != CONFIG_TYPE_STRING) {
            ric_cfg_fail(c, t ? t : s, "'%s' must be a string", names[k]);
            return RIC_ESCENARIO;
        }
        config_setting_set_string(t, val);
    }
    for (int pass = 0; pass < 2; pass++) {
        config_setting_t *list =
            ric_cfg_member(c, v, pass ? "set" : "remove", 0, CONFIG_TYPE_ARRAY);
        if (c->failed)
            return RIC_ESCENARIO;
        int n = list ? config_setting_length(list) : 0;
        for (int i = 0; i < n; i++) {
            config_setting_t *x = config_setting_get_elem(list, (unsigned)i);
            char loc[300];
            ric_cfg_where(c, list, loc, sizeof loc);
            if (config_setting_type(x) != CONFIG_TYPE_STRING) {
                ric_cfg_fail(c, list, "'variant.%s' must list strings", pass ? "set" : "remove");
                return RIC_ESCENARIO;
            }
            const char *text = config_setting_get_string(x);
            char label[600];
            snprintf(label, sizeof label, "%s: 'variant.%s' \"%s\"", loc, pass ? "set" : "remove",
                     text);
            if (pass) {
                ric_status st = ric_cfg_override(c, cfg, text, label);
                if (st != RIC_OK)
                    return RIC_ESCENARIO;
                continue;
            }
            config_setting_t *parent;
            const char *last;
            config_setting_t *t = ric_cfg_resolve(cfg, text, 0, &parent, &last);
            if (!t || !config_setting_parent(t)) {
                ric_err_set(c->err, "%s: no setting '%s' to remove", label, text);
                return RIC_ESCENARIO;
            }
            config_setting_t *p = config_setting_parent(t);
            config_setting_remove_elem(p, (unsigned)config_setting_index(t));
        }
    }
    config_setting_remove(root, "variant");
    return RIC_OK;
}

static ric_status load(config_t *cfg, ric_cfg *c, const char *const *overrides, size_t n_overrides,
                       ric_scenario **out)
{
    ric_status vst = apply_variant(c, cfg);
    if (vst != RIC_OK)
        return vst;
    /* studies built on a scenario (experiment, calibration, sensitivity files @include it and add
     * their own group) are read by their own modules: not part of the scenario or its text */
    static const char *const studies[] = {"experiment", "calibration", "sensitivity"};
    for (size_t i = 0; i < sizeof studies / sizeof studies[0]; i++)
        if (config_setting_get_member(config_root_setting(cfg), studies[i]))
            config_setting_remove(config_root_setting(cfg), studies[i]);
    for (size_t i = 0; i < n_overrides; i++) {
        char label[600];
        snprintf(label, sizeof label, "--set '%s'", overrides[i]);
        ric_status st = ric_cfg_override(c, cfg, overrides[i], label);
        if (st != RIC_OK)
            return st;
    }
    ric_scenario *sc = calloc(1, sizeof *sc);
    if (!sc)
        return RIC_ENOMEM;
    ric_status st = validate(c, cfg, sc);
    if (st != RIC_OK) {
        ric_scenario_free(sc);
        return st;
    }
    /* the effective scenario: seed and all rule values explicit */
    /* rules and seed are rewritten last, in that order, so the text of a reloaded effective
     * scenario (and its hash) is the same */
    config_setting_t *root = config_root_setting(cfg);
    if (config_setting_get_member(root, "rules"))
        config_setting_remove(root, "rules");
    fill_rules(cfg, sc);
    if (config_setting_get_member(root, "seed"))
        config_setting_remove(root, "seed");
    config_setting_t *seed = config_setting_add(root, "seed", CONFIG_TYPE_INT64);
    config_setting_set_int64(seed, (long long)sc->seed);
    ric_sbuf b = {0};
    put_members(&b, root, 0);
    if (b.oom) {
        free(b.buf);
        ric_scenario_free(sc);
        return RIC_ENOMEM;
    }
    sc->effective = b.buf ? b.buf : calloc(1, 1);
    sc->hash = ric_hash64(sc->effective, strlen(sc->effective));
    *out = sc;
    return RIC_OK;
}

ric_status ric_scenario_load(const char *path, const char *const *overrides, size_t n_overrides,
                             ric_scenario **out, ric_err *err)
{
    config_t cfg;
    config_init(&cfg);
    char dir[4096];
    ric_cfg_dir_of(path, dir, sizeof dir);
    ric_status rst = ric_cfg_read_file(&cfg, path, dir, err);
    if (rst != RIC_OK) {
        config_destroy(&cfg);
        return rst;
    }
    ric_cfg c = {.err = err, .name = path, .dir = dir};
    ric_scenario *sc = NULL;
    ric_status st = load(&cfg, &c, overrides, n_overrides, &sc);
    if (st == RIC_OK) {
        snprintf(sc->source, sizeof sc->source, "%s", path);
        *out = sc;
    } else if (st == RIC_ENOMEM) {
        ric_err_set(err, "%s: out of memory", path);
    }
    config_destroy(&cfg);
    return st;
}

ric_status ric_scenario_load_string(const char *text, const char *name, const char *include_dir,
                                    const char *const *overrides, size_t n_overrides,
                                    ric_scenario **out, ric_err *err)
{
    config_t cfg;
    config_init(&cfg);
    ric_status rst = ric_cfg_read_string(&cfg, text, name, include_dir, err);
    if (rst != RIC_OK) {
        config_destroy(&cfg);
        return rst;
    }
    ric_cfg c = {.err = err, .name = name, .text = text, .dir = include_dir};
    ric_scenario *sc = NULL;
    ric_status st = load(&cfg, &c, overrides, n_overrides, &sc);
    if (st == RIC_OK) {
        snprintf(sc->source, sizeof sc->source, "%s", name);
        *out = sc;
    } else if (st == RIC_ENOMEM) {
        ric_err_set(err, "%s: out of memory", name);
    }
    config_destroy(&cfg);
    return st;
}
