/* Loading of the scenario's sectors ('sectors' group of named groups, params.c's sector table),
 * the regions' shares of entrants by sector, and the references to sectors of organisations,
 * firm cohorts and programme instruments. */
#include "input/loaders.h"

#include <stdlib.h>
#include <string.h>

#include "input/params.h"

void ric_load_sectors(ric_cfg *c, ric_scenario *sc, config_setting_t *root)
{
    int n;
    config_setting_t *g = ric_cfg_groups(c, root, "sectors", 0, &n);
    if (c->failed || n == 0)
        return;
    if (n > RIC_MAX_SECTORS) {
        ric_cfg_fail(c, g, "'sectors' names %d sectors; at most %d are supported", n,
                     RIC_MAX_SECTORS);
        return;
    }
    sc->sectors = calloc((size_t)n, sizeof *sc->sectors);
    if (!sc->sectors) {
        ric_cfg_fail(c, g, "out of memory");
        return;
    }
    sc->n_sectors = n;
#define AS_KEY(name, def, lo, hi, settable, doc) #name,
    static const char *const keys[] = {"label", RIC_SECTOR_PARAMS(AS_KEY) NULL};
#undef AS_KEY
    for (int i = 0; i < n && !c->failed; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        ric_sector_spec *e = &sc->sectors[i];
        ric_cfg_copy_name(c, s, e->name);
        ric_cfg_check_keys(c, s, keys);
        const char *label = ric_cfg_str(c, s, "label", 0, "", sizeof e->label);
        if (label)
            snprintf(e->label, sizeof e->label, "%s", label);
        for (size_t k = 0; k < ric_sector_table_n; k++) {
            const ric_region_entry *sp = &ric_sector_table[k];
            *(double *)((char *)e + sp->offset) =
                ric_cfg_num(c, s, sp->name, 0, sp->def, sp->lo, sp->hi);
        }
    }
}

/* Fails unless the scenario defines sectors (a reference to one needs them). */
static int need_sectors(ric_cfg *c, const ric_scenario *sc, config_setting_t *at)
{
    if (sc->n_sectors > 0)
        return 1;
    char p[256];
    ric_cfg_path(at, p, sizeof p);
    ric_cfg_fail(c, at, "'%s' names a sector, but the scenario defines no 'sectors'", p);
    return 0;
}

static int sector_index(ric_cfg *c, const ric_scenario *sc, config_setting_t *at, const char *v)
{
    const int s = ric_scenario_sector(sc, v);
    if (s < 0) {
        char p[256];
        ric_cfg_path(at, p, sizeof p);
        ric_cfg_fail(c, at, "'%s' names no sector (got \"%s\")", p, v);
    }
    return s;
}

int ric_load_sector_ref(ric_cfg *c, const ric_scenario *sc, config_setting_t *g, const char *key)
{
    const char *v = ric_cfg_str(c, g, key, 0, NULL, RIC_NAME_MAX);
    if (!v)
        return -1;
    config_setting_t *at = config_setting_get_member(g, key);
    if (!need_sectors(c, sc, at))
        return -1;
    return sector_index(c, sc, at, v);
}

void ric_load_sector_shares(ric_cfg *c, const ric_scenario *sc, config_setting_t *s,
                            ric_region_spec *r)
{
    const int n = sc->n_sectors;
    for (int k = 0; k < RIC_MAX_SECTORS; k++)
        r->sector_share[k] = k < n ? 1.0 / n : 0.0;
    config_setting_t *g = ric_cfg_member(c, s, "sector_shares", 0, CONFIG_TYPE_GROUP);
    if (!g || c->failed || !need_sectors(c, sc, g))
        return;
    double share[RIC_MAX_SECTORS] = {0}, sum = 0;
    const int m = config_setting_length(g);
    for (int i = 0; i < m && !c->failed; i++) {
        config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
        const int k = sector_index(c, sc, e, config_setting_name(e));
        if (k < 0)
            return;
        share[k] = ric_cfg_num(c, g, config_setting_name(e), 1, 0, 0, 1e9);
        sum += share[k];
    }
    if (c->failed)
        return;
    if (!(sum > 0)) {
        char p[256];
        ric_cfg_path(g, p, sizeof p);
        ric_cfg_fail(c, g, "'%s' must give some sector a share above 0", p);
        return;
    }
    for (int k = 0; k < n; k++) /* shares need not add up to 1: they are normalised */
        r->sector_share[k] = share[k] / sum;
}

uint32_t ric_load_sector_list(ric_cfg *c, const ric_scenario *sc, config_setting_t *g)
{
    config_setting_t *l = config_setting_get_member(g, "sectors");
    if (!l || c->failed)
        return 0;
    char p[256];
    ric_cfg_path(l, p, sizeof p);
    if (!config_setting_is_array(l) && !config_setting_is_list(l)) {
        ric_cfg_fail(c, l, "'%s' must be a list of sector names (got %s)", p, ric_cfg_type_name(l));
        return 0;
    }
    if (!need_sectors(c, sc, l))
        return 0;
    uint32_t mask = 0;
    const int m = config_setting_length(l);
    for (int i = 0; i < m && !c->failed; i++) {
        config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        const char *v = config_setting_get_string(e);
        if (!v) {
            ric_cfg_fail(c, e, "'%s' must list sector names as strings", p);
            return 0;
        }
        const int k = sector_index(c, sc, e, v);
        if (k >= 0)
            mask |= 1u << k;
    }
    if (!c->failed && mask == 0)
        ric_cfg_fail(c, l, "'%s' must name at least one sector", p);
    return mask;
}
