/* Scenario loading and validation. It reads the file (with @include relative to the scenario's
 * folder) through the cfg layer, applies variants and --set overrides, checks the top-level keys
 * and has each section loaded (load_world.c, load_programmes.c; tables in params.c), and returns
 * plain data plus the effective scenario text and its hash (effective.c). */
#include "ricsim/scenario.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "input/cfg.h"
#include "input/effective.h"
#include "input/loaders.h"

/* ---- entry points -------------------------------------------------------------------------- */

int ric_scenario_region(const ric_scenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_regions; i++)
        if (strcmp(sc->regions[i].name, name) == 0)
            return i;
    return -1;
}

int ric_scenario_group(const ric_scenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_groups; i++)
        if (strcmp(sc->groups[i], name) == 0)
            return i;
    return -1;
}

int ric_scenario_sector(const ric_scenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_sectors; i++)
        if (strcmp(sc->sectors[i].name, name) == 0)
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
    free(sc->sectors);
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
                                       "programmes",     "sectors",     NULL};
    ric_cfg_check_keys(c, root, keys);
    snprintf(sc->name, sizeof sc->name, "%s", ric_cfg_str(c, root, "name", 1, "", RIC_NAME_MAX));
    if (!c->failed)
        ric_cfg_check_ident(c, config_setting_get_member(root, "name"), "name", sc->name);
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

    ric_load_sectors(c, sc, root);
    ric_load_regions(c, sc, root);
    ric_load_orgs(c, sc, root);
    ric_load_firms(c, sc, root);
    ric_load_rules(c, sc, root);
    ric_load_events(c, sc, root);
    ric_load_programmes(c, sc, root);

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
    st = ric_effective_write(cfg, sc);
    if (st != RIC_OK) {
        ric_scenario_free(sc);
        return st;
    }
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
