/* The parameter tables of the scenario schema: rule parameters (name, default, bounds, field, doc)
 * and region parameters (from RIC_REGION_PARAMS), looked up by name by the loaders and by events,
 * and listed for documentation. Also the names of the scenario's enumerations. */
#include "input/params.h"

#include <stddef.h>
#include <string.h>

const char *const ric_org_kind_names[RIC_ORG_KIND_N] = {"ri_gvt", "ri_private", "ri_semi_gvt",
                                                        "university", "gvt_institution"};
const char *const ric_origin_names[RIC_ORIGIN_N] = {
    "incumbent",    "institute_spinoff", "university_spinoff",
    "firm_spinoff", "startup",           "relocation"};
const char *const ric_applicant_names[RIC_APPLY_N] = {"university", "institute", "firm", "region"};

/* ---- rule parameter table: name, default, bounds, where it lives, and its meaning --------- */

#define RP(name, field, def, lo, hi, doc)                                                          \
    {                                                                                              \
        name, offsetof(ric_rules, field), def, lo, hi, doc                                         \
    }
const ric_rule_entry ric_rule_table[] = {
    RP("spinoff.institute_rate", spinoff_institute_rate, 0.001, 0, 1, "per researcher-year"),
    RP("spinoff.university_rate", spinoff_university_rate, 0.0005, 0, 1, "per faculty-year"),
    RP("spinoff.firm_rate", spinoff_firm_rate, 0.0005, 0, 1, "per employee-year"),
    RP("spinoff.knowledge_elasticity", spinoff_knowledge_elasticity, 1.0, 0, 10,
       "exponent of the parent's knowledge (or firm capability) in the spin-off hazard"),
    RP("spinoff.support_per_usd_m", spinoff_support_per_usd_m, 0.5, 0, 100,
       "hazard multiplier per US$ million/yr of support"),
    RP("spinoff.founders_mean", spinoff_founders_mean, 2.0, 1, 50,
       "founders leaving the parent, mean (>= 1)"),
    RP("spinoff.heritage", spinoff_heritage, 0.7, 0, 1,
       "share of the parent's capability the child inherits"),
    RP("spinoff.stay_share", spinoff_stay_share, 0.58, 0, 1,
       "children staying in the parent's region"),
    RP("spinoff.capital_share", spinoff_capital_share, 0.37, 0, 1,
       "children going to the capital region"),
    RP("spinoff.near_share", spinoff_near_share, 0, 0, 1,
       "children going to another region that shares a group with the parent's (its city: the rest "
       "of Daejeon for DST), drawn evenly among them; they stay when there is none"),
    RP("spinoff.capital_near_share", spinoff_capital_near_share, 0, 0, 1,
       "children going to another region that shares a group with the capital region (Gyeonggi "
       "beside Seoul), drawn evenly among them; they go to the capital when there is none"),
    RP("spinoff.equity_share", spinoff_equity_share, 0.3, 0, 1,
       "children in which the parent holds equity or licenses IP"),
    RP("spinoff.incubation_years", incubation_years, 3.0, 0, 20,
       "years a spin-off keeps its parent's incubator room"),
    RP("spinoff.incubator_exit_factor", incubator_exit_factor, 0.5, 0, 1,
       "exit hazard multiplier while incubated"),
    RP("spinoff.pull", spinoff_pull, 0, -10, 10,
       "venture climate covariate of organisation spin-offs (KOSDAQ, the Venture Special Act, "
       "venture capital), usually a dated series; 0: none"),
    RP("spinoff.pull_effect", spinoff_pull_effect, 0, -10, 10,
       "log hazard of organisation spin-offs per unit of spinoff.pull: the hazard is multiplied "
       "by exp(pull_effect * pull)"),
    RP("spinoff.push_share", spinoff_push_share, 0, 0, 1,
       "chance that a researcher a research institute releases (its staff falling towards a "
       "lower target) founds a firm with other released researchers"),
    RP("spinoff.private_factor", spinoff_private_factor, 1.0, 0, 10,
       "spin-off hazard multiplier of private research institutes (corporate R&D centres)"),
    RP("transfer.rate", transfer_rate, 0.1, 0, 12, "requests per firm-year at capability 1"),
    RP("transfer.absorptive_elasticity", transfer_absorptive_elasticity, 1.0, 0, 10,
       "exponent of capability in a firm's transfer demand"),
    RP("transfer.link_preference", transfer_link_preference, 0.6, 0, 1,
       "asks a linked organisation first"),
    RP("transfer.local_preference", transfer_local_preference, 0.8, 0, 1,
       "else an organisation of its own region"),
    RP("transfer.capability_gain", transfer_capability_gain, 0.1, 0, 1,
       "share of the knowledge gap closed per transfer"),
    RP("transfer.income_usd_m", transfer_income_usd_m, 0.02, 0, 100,
       "income to the organisation per transfer"),
    RP("jobs.growth_base", growth_base, 0.0, -1, 1, "per year"),
    RP("jobs.growth_capability", growth_capability, 0.08, 0, 5,
       "per year and unit of capability above 1"),
    RP("jobs.small_premium", growth_small_premium, 0.3, 0, 5,
       "extra growth per year of a one-person firm, fading with size"),
    RP("jobs.noise", growth_noise, 0.25, 0, 5, "s.d. of the yearly growth shock"),
    RP("jobs.capability_drift", capability_drift, 0.05, 0, 1,
       "yearly decay of capability towards 1"),
    RP("jobs.large_firm_employees", large_firm_employees, 300, 1, 1e7,
       "threshold of a large firm (Korean SME law: 300)"),
    RP("entry.startup_employees", startup_employees, 3, 1, 1e5,
       "mean employees of a start-up (1 + Poisson)"),
    RP("entry.startup_capability", startup_capability, 0.9, 0.01, 100,
       "mean capability of a start-up (also the non-inherited part of a spin-off's)"),
    RP("entry.relocation_employees", relocation_employees, 20, 1, 1e5,
       "mean employees of a relocating firm"),
    RP("entry.relocation_capability", relocation_capability, 1.0, 0.01, 100,
       "mean capability of a relocating firm"),
    RP("entry.self_reinforcement", self_reinforcement, 0, 0, 100,
       "local self-reinforcement (Brenner 2001): extra entries and organisation spin-offs above "
       "the critical mass, a multiple of their base rates (0: off; assumed)"),
    RP("entry.critical_mass", critical_mass, 50, 1, 1e7,
       "local firms at which self-reinforcement reaches half its strength (assumed)"),
    RP("listing.rate", listing_rate, 0, 0, 12,
       "stock-market listings per eligible firm-year at a neutral venture climate, scaled like "
       "organisation spin-offs by exp(spinoff.pull_effect * spinoff.pull); 0: no listings"),
    RP("listing.min_age_years", listing_min_age_years, 1.75, 0, 100,
       "youngest age at listing (ETRI's firms listed on KOSDAQ 1.75 to 8.75 years after founding)"),
    RP("listing.min_employees", listing_min_employees, 20, 1, 1e6,
       "smallest size at listing, employees"),
    RP("exit.base_rate", exit_base_rate, 0.15, 0, 12,
       "per year for a new one-person firm at capability 1"),
    RP("exit.age_years", exit_age_years, 5.0, 0.01, 1000, "age scale of the falling hazard"),
    RP("exit.size_employees", exit_size_employees, 10.0, 0.01, 1e6,
       "size scale of the falling hazard"),
    RP("exit.capability_elasticity", exit_capability_elasticity, 1.0, 0, 10,
       "exit hazard falls as capability^-elasticity"),
    RP("exit.fitness_margin", fitness_margin, 1.0, 0, 100,
       "fitness earned per year per unit capability above cost"),
    RP("exit.fitness_cost", fitness_cost, 0.5, 0, 100, "capability needed to break even"),
    RP("exit.fitness_initial", fitness_initial, 1.0, 0, 100, "fitness of a new firm"),
    RP("network.link_decay_years", link_decay_years, 3.0, 0.01, 1000,
       "unused links dissolve after this"),
    RP("network.spillover", spillover, 0.05, 0, 12,
       "share of the knowledge gap to a linked partner learnt per year at capability 1; 0 "
       "switches spillovers off (assumed: tried 0 to 0.2)"),
    RP("network.absorptive_half", absorptive_half, 1.0, 0.01, 100,
       "capability at which absorptive capacity reaches half its top (1 at capability 1; assumed: "
       "tried 0.5 to 4)"),
    RP("network.vertical_share", vertical_share, 0.3, 0, 1,
       "share of entrants and cohort firms that find a supplier or buyer among their region's "
       "firms at entry (assumed: tried 0 to 0.6)"),
    RP("network.order_share", order_share, 0, 0, 1,
       "share of a supplier's or buyer's hires passed to its partner as orders, hired there "
       "(demand down the chain; 0: off; assumed)"),
    RP("network.vertical_exit_factor", vertical_exit, 0.8, 0, 1,
       "exit hazard multiplier while a firm has a supplier or buyer (assumed: tried 0.6 to 1)"),
    RP("staff.rehire_rate", staff_rehire_rate, 0.5, 0, 12,
       "share of the gap to target refilled per year"),
};
#undef RP
const size_t ric_rule_table_n = sizeof ric_rule_table / sizeof ric_rule_table[0];

size_t ric_rules_count(void)
{
    return ric_rule_table_n;
}
const char *ric_rules_name(size_t i)
{
    return i < ric_rule_table_n ? ric_rule_table[i].name : NULL;
}

double *ric_rules_param(ric_rules *r, const char *name)
{
    for (size_t i = 0; i < ric_rule_table_n; i++)
        if (strcmp(ric_rule_table[i].name, name) == 0)
            return (double *)((char *)r + ric_rule_table[i].offset);
    return NULL;
}

/* ---- region parameter table (RIC_REGION_PARAMS) ------------------------------------------- */

#define AS_REGION_PARAM(name, def, lo, hi, settable, doc)                                          \
    {#name, offsetof(ric_region_spec, name), def, lo, hi, settable, doc},
const ric_region_entry ric_region_table[] = {RIC_REGION_PARAMS(AS_REGION_PARAM)};
#undef AS_REGION_PARAM
const size_t ric_region_table_n = sizeof ric_region_table / sizeof ric_region_table[0];

/* The settable entry NAME of a region-shaped table T of N entries, or NULL. */
static const ric_region_entry *settable_in(const ric_region_entry *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].settable && strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

const ric_region_entry *ric_region_settable(const char *name)
{
    return settable_in(ric_region_table, ric_region_table_n, name);
}

double *ric_region_param(ric_region_spec *r, const char *name)
{
    const ric_region_entry *rp = ric_region_settable(name);
    return rp ? (double *)((char *)r + rp->offset) : NULL;
}

/* ---- sector parameter table (RIC_SECTOR_PARAMS), entries shaped as the regions' ----------- */

#define AS_SECTOR_PARAM(name, def, lo, hi, settable, doc)                                          \
    {#name, offsetof(ric_sector_spec, name), def, lo, hi, settable, doc},
const ric_region_entry ric_sector_table[] = {RIC_SECTOR_PARAMS(AS_SECTOR_PARAM)};
#undef AS_SECTOR_PARAM
const size_t ric_sector_table_n = sizeof ric_sector_table / sizeof ric_sector_table[0];

const ric_region_entry *ric_sector_settable(const char *name)
{
    return settable_in(ric_sector_table, ric_sector_table_n, name);
}

double *ric_sector_param(ric_sector_spec *s, const char *name)
{
    const ric_region_entry *sp = ric_sector_settable(name);
    return sp ? (double *)((char *)s + sp->offset) : NULL;
}

/* ---- documentation -------------------------------------------------------------------------- */

int ric_scenario_rule_param(size_t i, ric_param_info *out)
{
    if (i >= ric_rule_table_n)
        return 0;
    const ric_rule_entry *e = &ric_rule_table[i];
    *out = (ric_param_info){e->name, e->def, e->lo, e->hi, 1, e->doc};
    return 1;
}

/* Entry I of a region-shaped table T of N entries into OUT; 0 past the end. */
static int param_info(const ric_region_entry *t, size_t n, size_t i, ric_param_info *out)
{
    if (i >= n)
        return 0;
    *out = (ric_param_info){t[i].name, t[i].def, t[i].lo, t[i].hi, t[i].settable, t[i].doc};
    return 1;
}

int ric_scenario_region_param(size_t i, ric_param_info *out)
{
    return param_info(ric_region_table, ric_region_table_n, i, out);
}

int ric_scenario_sector_param(size_t i, ric_param_info *out)
{
    return param_info(ric_sector_table, ric_sector_table_n, i, out);
}
