/* Loading of the scenario's dated events and its programmes (phases, review, instruments with their
 * eligibility, ranking and channels). Money is read in US$ million or KRW billion. */
#include "input/loaders.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/params.h"

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

/* Checks that KEY names an event-settable parameter ("rules.G.K", "regions.R.K" or "sectors.S.K")
 * and gives the bounds its value must respect, the same as in the scenario itself. */
static int settable_key(const ric_scenario *sc, const char *key, double *lo, double *hi)
{
    if (strncmp(key, "rules.", 6) == 0) {
        for (size_t i = 0; i < ric_rule_table_n; i++)
            if (strcmp(ric_rule_table[i].name, key + 6) == 0) {
                *lo = ric_rule_table[i].lo;
                *hi = ric_rule_table[i].hi;
                return 1;
            }
        return 0;
    }
    if (strncmp(key, "sectors.", 8) == 0) {
        const char *dot = strchr(key + 8, '.');
        char sn[RIC_NAME_MAX];
        const size_t len = dot ? (size_t)(dot - (key + 8)) : 0;
        if (!dot || len >= sizeof sn)
            return 0;
        memcpy(sn, key + 8, len);
        sn[len] = '\0';
        const ric_region_entry *sp = ric_sector_settable(dot + 1);
        if ((ric_scenario_sector(sc, sn) < 0 && strcmp(sn, "*") != 0) || !sp)
            return 0;
        *lo = sp->lo;
        *hi = sp->hi;
        return 1;
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
        const ric_region_entry *rp = ric_region_settable(dot + 1);
        if (rp) {
            *lo = rp->lo;
            *hi = rp->hi;
            return 1;
        }
    }
    return 0;
}

/* The milestone text of event S (path P): one line, written into the output metadata. */
static void load_text(ric_cfg *c, config_setting_t *s, const char *p, ric_event_spec *e)
{
    const char *t = ric_cfg_str(c, s, "text", 1, "", sizeof e->text);
    snprintf(e->text, sizeof e->text, "%s", t);
    if (strpbrk(e->text, "\n\r\t"))
        ric_cfg_fail(c, config_setting_get_member(s, "text"),
                     "'%s.text' must not contain tabs or line breaks", p);
}

void ric_load_events(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
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
    static const char *const types[] = {"set", "staff", "note", "series", "groups"};
    static const char *const keys[] = {"date",   "until", "type", "key", "value",  "kind",
                                       "region", "total", "text", "add", "remove", NULL};
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        char p[256];
        ric_cfg_path(s, p, sizeof p);
        if (!ric_cfg_is_group(c, s))
            return;
        ric_event_spec *e = &sc->events[i];
        ric_cfg_check_keys(c, s, keys);
        e->date = ric_cfg_num(c, s, "date", 1, 0, -1e6, 1e6);
        e->until = ric_cfg_num(c, s, "until", 0, INFINITY, e->date, 1e6);
        if (!config_setting_get_member(s, "until"))
            e->until = INFINITY;
        e->type = (ric_event_type)ric_cfg_enum(c, s, "type", 1, 0, types, 5);
        if (c->failed)
            return;
        if (e->type == RIC_EVENT_SERIES && config_setting_get_member(s, "until")) {
            ric_cfg_fail(c, config_setting_get_member(s, "until"),
                         "'%s.until' does not apply to a series point: the series holds its last "
                         "point's value",
                         p);
            return;
        }
        switch (e->type) {
        case RIC_EVENT_SERIES:
        case RIC_EVENT_SET: {
            const char *k = ric_cfg_str(c, s, "key", 1, "", sizeof e->key);
            snprintf(e->key, sizeof e->key, "%s", k);
            double lo = 0, hi = 0;
            if (!c->failed && !settable_key(sc, e->key, &lo, &hi)) {
                ric_cfg_fail(
                    c, config_setting_get_member(s, "key"),
                    "'%s.key' names no settable parameter (got \"%s\"); use 'rules.GROUP.NAME', "
                    "'regions.REGION.NAME' or 'sectors.SECTOR.NAME'",
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
            e->region = ric_load_region_ref(c, sc, s, "region", 1, 0);
            e->value = ric_cfg_num(c, s, "total", 1, 0, 0, 1e8);
            break;
        case RIC_EVENT_GROUPS:
            /* a structural change (doc/scenarios.md, events): the region's groups, and with them
             * its programme eligibility and the group columns, change at the date */
            e->region = ric_load_region_ref(c, sc, s, "region", 1, 0);
            e->add = ric_load_group_list(c, sc, s, "add", 1);
            e->remove = ric_load_group_list(c, sc, s, "remove", 1);
            if (!c->failed && !(e->add | e->remove))
                ric_cfg_fail(c, s, "'%s' must list groups to 'add' or 'remove'", p);
            else if (!c->failed && (e->add & e->remove))
                ric_cfg_fail(c, config_setting_get_member(s, "remove"),
                             "'%s.remove' names a group that 'add' names too", p);
            if (config_setting_get_member(s, "text"))
                load_text(c, s, p, e);
            break;
        case RIC_EVENT_NOTE:
            load_text(c, s, p, e);
            break;
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
    static const char *const keys[] = {"applicants",
                                       "call",
                                       "repeat_years",
                                       "deadline_months",
                                       "start_delay_months",
                                       "duration_years",
                                       "award_usd_m",
                                       "award_krw_bn",
                                       "max_winners",
                                       "matching_share",
                                       "consortium_firms",
                                       "eligible",
                                       "ranking",
                                       "channels",
                                       "proposals",
                                       "partners",
                                       "merge_rate",
                                       NULL};
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
    in->proposals = (int)ric_cfg_int(c, s, "proposals", 0, 1, 1, 64);
    in->partners = (int)ric_cfg_int(c, s, "partners", 0, 0, 0, 1000);
    in->merge_rate = ric_cfg_num(c, s, "merge_rate", 0, 0, 0, 1);
    if (!c->failed && in->merge_rate > 0 && in->applicants != RIC_APPLY_UNIVERSITY &&
        in->applicants != RIC_APPLY_INSTITUTE) {
        char pp[256];
        ric_cfg_path(config_setting_get_member(s, "merge_rate"), pp, sizeof pp);
        ric_cfg_fail(c, config_setting_get_member(s, "merge_rate"),
                     "'%s' applies to organisations: only their proposals merge into consortia",
                     pp);
    }
    if (!c->failed && in->proposals > 1 && in->applicants == RIC_APPLY_FIRM) {
        char pp[256];
        ric_cfg_path(config_setting_get_member(s, "proposals"), pp, sizeof pp);
        ric_cfg_fail(c, config_setting_get_member(s, "proposals"),
                     "'%s' applies to organisations and regions: a firm submits one proposal", pp);
    }

    static const char *const ekeys[] = {"regions",     "sectors",       "min_staff",
                                        "min_quality", "max_age_years", NULL};
    config_setting_t *e = ric_cfg_member(c, s, "eligible", 0, CONFIG_TYPE_GROUP);
    ric_cfg_check_keys(c, e, ekeys);
    if (e)
        in->sectors = ric_load_sector_list(c, sc, e);
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
        for (int i = 0; i < n && !c->failed; i++) {
            config_setting_t *x = config_setting_get_elem(rs, (unsigned)i);
            char p[256];
            ric_cfg_path(rs, p, sizeof p);
            if (config_setting_type(x) != CONFIG_TYPE_STRING) {
                ric_cfg_fail(c, rs, "'%s' must list region names (strings)", p);
                return;
            }
            /* a region, or a region group: its members at the time are eligible (so a region
             * that joins the group by a dated event becomes eligible then) */
            const char *nm = config_setting_get_string(x);
            const int r = ric_scenario_region(sc, nm), k = ric_scenario_group(sc, nm);
            if (r >= 0)
                in->regions[in->n_regions++] = r;
            else if (k >= 0)
                in->groups |= UINT64_C(1) << k;
            else
                ric_cfg_fail(c, rs, "'%s' names no region or region group \"%s\"", p, nm);
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

void ric_load_programmes(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
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
        "label",  "phases",      "overhead",          "disbursement_delay_months",
        "review", "instruments", "lapse_at_year_end", "overlap_factor",
        NULL};
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_programme_spec *p = &sc->programmes[i];
        ric_cfg_copy_name(c, s, p->name);
        ric_cfg_check_keys(c, s, keys);
        snprintf(p->label, sizeof p->label, "%s", ric_cfg_str(c, s, "label", 0, p->name, 96));
        p->overhead = ric_cfg_num(c, s, "overhead", 0, 0, 0, 0.999);
        p->disbursement_delay_months =
            ric_cfg_num(c, s, "disbursement_delay_months", 0, 0, 0, 1200);
        p->lapse_at_year_end = ric_cfg_bool(c, s, "lapse_at_year_end", 0);
        p->overlap_factor = ric_cfg_num(c, s, "overlap_factor", 0, 1.0, 0, 1);

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
            if (!ric_cfg_is_group(c, x))
                return;
            char pp[256];
            ric_cfg_path(x, pp, sizeof pp);
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
