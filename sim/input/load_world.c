/* Loading of the scenario's regions, knowledge organisations, firm cohorts and rule parameters,
 * each checked against its keys and bounds (params.c's tables for regions and rules). */
#include "input/loaders.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "input/params.h"

int ric_load_region_ref(ric_cfg *c, const ric_scenario *sc, config_setting_t *g, const char *key,
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

uint64_t ric_load_group_list(ric_cfg *c, ric_scenario *sc, config_setting_t *g, const char *key,
                             int add_new)
{
    config_setting_t *l = g ? config_setting_get_member(g, key) : NULL;
    if (!l || c->failed)
        return 0;
    char p[256];
    ric_cfg_path(l, p, sizeof p);
    if (!config_setting_is_array(l) && !config_setting_is_list(l)) {
        ric_cfg_fail(c, l, "'%s' must be a list of group names (got %s)", p, ric_cfg_type_name(l));
        return 0;
    }
    if (!ric_cfg_within_limit(c, l))
        return 0;
    uint64_t mask = 0;
    const int m = config_setting_length(l);
    for (int i = 0; i < m && !c->failed; i++) {
        config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        const char *v = config_setting_get_string(e);
        if (!v) {
            ric_cfg_fail(c, e, "'%s' must list group names as strings", p);
            return 0;
        }
        ric_cfg_check_ident(c, e, p, v);
        if (!c->failed && strlen(v) >= RIC_NAME_MAX)
            ric_cfg_fail(c, e, "'%s' names a group longer than %d characters (\"%.20s...\")", p,
                         RIC_NAME_MAX - 1, v);
        if (c->failed)
            return 0;
        int k = ric_scenario_group(sc, v);
        if (k < 0 && !add_new) {
            ric_cfg_fail(c, e, "'%s' names no region group (got \"%s\")", p, v);
            return 0;
        }
        if (k < 0) {
            if (sc->n_groups >= RIC_MAX_GROUPS) {
                ric_cfg_fail(c, e, "'%s': the scenario names more than %d region groups", p,
                             RIC_MAX_GROUPS);
                return 0;
            }
            if (ric_scenario_region(sc, v) >= 0) { /* eligibility lists mix the two */
                ric_cfg_fail(c, e, "'%s' names group \"%s\", which is a region's name", p, v);
                return 0;
            }
            k = sc->n_groups++;
            snprintf(sc->groups[k], sizeof sc->groups[k], "%s", v);
        }
        mask |= UINT64_C(1) << k;
    }
    return mask;
}

void ric_load_regions(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
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
    static const char *const keys[] = {"label", "focus", "sector_shares", "groups",
                                       RIC_REGION_PARAMS(AS_KEY) NULL};
#undef AS_KEY
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_region_spec *r = &sc->regions[i];
        ric_cfg_copy_name(c, s, r->name);
        ric_cfg_check_keys(c, s, keys);
        ric_cfg_str(c, s, "label", 0, "", 96);
        r->focus = ric_cfg_bool(c, s, "focus", 1);
        ric_load_sector_shares(c, sc, s, r);
        r->groups = ric_load_group_list(c, sc, s, "groups", 1);
        for (size_t k = 0; k < ric_region_table_n; k++) {
            const ric_region_entry *rp = &ric_region_table[k];
            *(double *)((char *)r + rp->offset) =
                ric_cfg_num(c, s, rp->name, 0, rp->def, rp->lo, rp->hi);
        }
    }
    /* a programme's eligible regions may name a group: a group may not share a region's name */
    for (int k = 0; k < sc->n_groups && !c->failed; k++)
        if (ric_scenario_region(sc, sc->groups[k]) >= 0) {
            config_setting_t *at = g;
            for (int i = 0; i < n; i++)
                if (sc->regions[i].groups >> k & 1u) {
                    at = config_setting_get_member(config_setting_get_elem(g, (unsigned)i),
                                                   "groups");
                    break;
                }
            char p[256];
            ric_cfg_path(at, p, sizeof p);
            ric_cfg_fail(c, at, "'%s' names group \"%s\", which is a region's name", p,
                         sc->groups[k]);
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

void ric_load_orgs(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
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
                                       "sector",
                                       "report",
                                       NULL};
    long long total = 0;
    int reported = 0;
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_org_spec *o = &sc->orgs[i];
        ric_cfg_copy_name(c, s, o->name);
        ric_cfg_check_keys(c, s, keys);
        o->kind =
            (ric_org_kind)ric_cfg_enum(c, s, "kind", 1, 0, ric_org_kind_names, RIC_ORG_KIND_N);
        o->region = ric_load_region_ref(c, sc, s, "region", 1, 1);
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
        o->sector = ric_load_sector_ref(c, sc, s, "sector");
        o->report = ric_cfg_bool(c, s, "report", 0);
        if (!c->failed && o->report && ++reported > RIC_MAX_REPORTED) {
            char p[256];
            ric_cfg_path(config_setting_get_member(s, "report"), p, sizeof p);
            ric_cfg_fail(c, config_setting_get_member(s, "report"),
                         "'%s': at most %d organisation cohorts may report their spin-offs", p,
                         RIC_MAX_REPORTED);
        }
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

void ric_load_firms(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
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
                                       "capability", "origin", "sector", NULL};
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_firm_spec *f = &sc->firms[i];
        ric_cfg_copy_name(c, s, f->name);
        ric_cfg_check_keys(c, s, keys);
        f->region = ric_load_region_ref(c, sc, s, "region", 1, 1);
        f->count = (int)ric_cfg_int(c, s, "count", 1, 0, 0, 50000000);
        f->arrive = ric_cfg_num(c, s, "arrive", 0, sc->start, -1e6, 1e6);
        f->employees = ric_cfg_num(c, s, "employees", 1, 0, 1, 1e6);
        f->capability = ric_cfg_num(c, s, "capability", 0, 1.0, 0.01, 100);
        f->origin = (ric_origin)ric_cfg_enum(c, s, "origin", 0, RIC_ORIGIN_INCUMBENT,
                                             ric_origin_names, RIC_ORIGIN_N);
        f->sector = ric_load_sector_ref(c, sc, s, "sector");
    }
}

void ric_load_rules(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
{
    for (size_t i = 0; i < ric_rule_table_n; i++)
        *ric_rules_param(&sc->rules, ric_rule_table[i].name) = ric_rule_table[i].def;
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
        for (size_t k = 0; k < ric_rule_table_n; k++) {
            size_t len = strcspn(ric_rule_table[k].name, ".");
            if (strlen(gname) == len && strncmp(ric_rule_table[k].name, gname, len) == 0)
                known = 1;
        }
        if (!known) {
            ric_cfg_fail(c, sub, "unknown key '%s'", p);
            return;
        }
        if (!ric_cfg_is_group(c, sub))
            return;
        int m = config_setting_length(sub);
        for (int j = 0; j < m && !c->failed; j++) {
            config_setting_t *s = config_setting_get_elem(sub, (unsigned)j);
            char full[160];
            snprintf(full, sizeof full, "%s.%s", gname, config_setting_name(s));
            const ric_rule_entry *rp = NULL;
            for (size_t k = 0; k < ric_rule_table_n; k++)
                if (strcmp(ric_rule_table[k].name, full) == 0)
                    rp = &ric_rule_table[k];
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
    const ric_rules *r = &sc->rules;
    const double located = r->spinoff_stay_share + r->spinoff_near_share +
                           r->spinoff_capital_share + r->spinoff_capital_near_share;
    if (!c->failed && located > 1.0 + 1e-12)
        ric_cfg_fail(c, g,
                     "'rules.spinoff.stay_share' + 'near_share' + 'capital_share' + "
                     "'capital_near_share' must be <= 1 (got %g)",
                     located);
}
