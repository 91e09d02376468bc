/* The scenario's sections, each read and validated into SC from the root group (load_world.c:
 * regions, organisations, firm cohorts, rules; load_programmes.c: events, programmes). Errors go
 * to C (the first one wins); they return nothing, the caller checks c->failed. */
#ifndef RICSIM_LOADERS_H
#define RICSIM_LOADERS_H

#include <libconfig.h>

#include "input/cfg.h"
#include "ricsim/scenario.h"

void ric_load_sectors(ric_cfg *c, ric_scenario *sc, config_setting_t *root);
void ric_load_regions(ric_cfg *c, ric_scenario *sc, config_setting_t *root);
void ric_load_orgs(ric_cfg *c, ric_scenario *sc, config_setting_t *root);
void ric_load_firms(ric_cfg *c, ric_scenario *sc, config_setting_t *root);
void ric_load_rules(ric_cfg *c, ric_scenario *sc, config_setting_t *root);
void ric_load_events(ric_cfg *c, ric_scenario *sc, config_setting_t *root);
void ric_load_programmes(ric_cfg *c, ric_scenario *sc, config_setting_t *root);

/* A region of SC named by G's KEY; with ALLOW_ALL, "*" (every region, round robin) gives -1. */
/* The sector named by KEY of G (sc's index), or -1 when absent and not REQUIRED (an error when
 * the scenario defines no sectors or none of that name). */
int ric_load_sector_ref(ric_cfg *c, const ric_scenario *sc, config_setting_t *g, const char *key);
/* Region R's 'sector_shares' group of S (equal shares when absent), checked and normalised. */
void ric_load_sector_shares(ric_cfg *c, const ric_scenario *sc, config_setting_t *s,
                            ric_region_spec *r);
/* An instrument's 'sectors' list of G as a bit mask (0 when absent). */
uint32_t ric_load_sector_list(ric_cfg *c, const ric_scenario *sc, config_setting_t *g);
/* The region groups listed by G's KEY (absent: none) as a mask of sc->groups. With ADD_NEW a name
 * not seen before becomes the scenario's next group (at most RIC_MAX_GROUPS); without, it must
 * name one. */
uint64_t ric_load_group_list(ric_cfg *c, ric_scenario *sc, config_setting_t *g, const char *key,
                             int add_new);
int ric_load_region_ref(ric_cfg *c, const ric_scenario *sc, config_setting_t *g, const char *key,
                        int required, int allow_all);

#endif
