/* The row of indicators. COLUMNS below lists every column once, with its name and its value: an
 * expression over the row's aggregate (one pass over organisations and firms, computed by
 * aggregate()). A family is one entry over an index range (origins, spin-off parents, programmes)
 * with a name pattern; its columns follow each other in the range's order. Owns the names. */
#include "run/columns.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/regions.h"

#define NAME_MAX_LEN 64 /* bytes per name, with its NUL (longer names are cut) */

/* ---- index ranges of the families ---------------------------------------------------------- */

/* Kinds of spin-off parent with a column: research institutes, universities, firms. */
static const int spinoff_parents[] = {RIC_ORG_RI_GVT, RIC_ORG_RI_PRIVATE, RIC_ORG_RI_SEMI,
                                      RIC_ORG_UNIVERSITY, RIC_PARENT_FIRM};
#define N_SPINOFF_PARENTS (sizeof spinoff_parents / sizeof spinoff_parents[0])

static size_t origin_count(const ric_scenario *sc)
{
    (void)sc;
    return RIC_ORIGIN_N;
}
static const char *origin_label(const ric_scenario *sc, size_t i)
{
    (void)sc;
    return ric_origin_names[i];
}
static size_t parent_count(const ric_scenario *sc)
{
    (void)sc;
    return N_SPINOFF_PARENTS;
}
static const char *parent_label(const ric_scenario *sc, size_t i)
{
    (void)sc;
    int k = spinoff_parents[i];
    return k == RIC_PARENT_FIRM ? "firm" : ric_org_kind_names[k];
}
static size_t programme_count(const ric_scenario *sc)
{
    return (size_t)sc->n_programmes;
}
static const char *programme_label(const ric_scenario *sc, size_t i)
{
    return sc->programmes[i].name;
}

static size_t sector_count(const ric_scenario *sc)
{
    return (size_t)sc->n_sectors;
}
static const char *sector_label(const ric_scenario *sc, size_t i)
{
    return sc->sectors[i].name;
}
/* One column when the scenario defines sectors, none otherwise (its pattern's %s is empty). */
static size_t if_sectors_count(const ric_scenario *sc)
{
    return sc->n_sectors > 0;
}
static const char *empty_label(const ric_scenario *sc, size_t i)
{
    (void)sc, (void)i;
    return "";
}
static size_t group_count(const ric_scenario *sc)
{
    return (size_t)sc->n_groups;
}
static const char *group_label(const ric_scenario *sc, size_t i)
{
    return sc->groups[i];
}

/* Organisation cohorts with report = true, in the scenario's order. */
static size_t reported_count(const ric_scenario *sc)
{
    size_t n = 0;
    for (int i = 0; i < sc->n_orgs; i++)
        n += sc->orgs[i].report != 0;
    return n;
}
static const char *reported_label(const ric_scenario *sc, size_t k)
{
    for (int i = 0; i < sc->n_orgs; i++)
        if (sc->orgs[i].report && k-- == 0)
            return sc->orgs[i].name;
    return "";
}

/* A range: how many indices a scenario has and the text each puts into a name pattern's %s. A
 * family per sector or region group is a new range here and an entry in COLUMNS. */
typedef struct {
    size_t (*count)(const ric_scenario *sc);
    const char *(*label)(const ric_scenario *sc, size_t i);
    const char *placeholder; /* stands for the label in a family's documented name */
} range;

enum { R_ONE, R_ORIGIN, R_PARENT, R_PROGRAMME, R_SECTOR, R_IF_SECTORS, R_GROUP, R_REPORTED };
static const range ranges[] = {
    [R_ONE] = {NULL, NULL, NULL},
    [R_ORIGIN] = {origin_count, origin_label, "ORIGIN"},
    [R_PARENT] = {parent_count, parent_label, "PARENT"},
    [R_PROGRAMME] = {programme_count, programme_label, "P"},
    [R_SECTOR] = {sector_count, sector_label, "S"},
    [R_IF_SECTORS] = {if_sectors_count, empty_label, ""},
    [R_GROUP] = {group_count, group_label, "G"},
    [R_REPORTED] = {reported_count, reported_label, "O"},
};

/* ---- the row's aggregate ------------------------------------------------------------------- */

/* Counts by organisation kind and employees are for focus regions; links, participants and
 * programme flows for all. */
typedef struct {
    const ric_world *w;
    const ric_flows *fl;
    double year;
    double orgs[RIC_ORG_KIND_N], staff[RIC_ORG_KIND_N], research; /* research: institutes' staff */
    double smes, large, emp_smes, emp_large, by_origin[RIC_ORIGIN_N], capsum;
    double linked_n, linked_cap; /* focus firms with a knowledge link, their capability */
    double verticals;            /* firms with a supplier or buyer */
    double focus_vertical, focus_horizontal; /* links touching focus firms, each counted once */
    double lfo, peers, linked, nodes;        /* nodes: firms and active organisations */
    double part_n, part_emp, part_cap, non_n, non_emp, non_cap;
    long long created, destroyed; /* jobs, over all origins */
    double pool;                  /* whole job seekers of focus regions */
    double sec_firms[RIC_MAX_SECTORS], sec_emp[RIC_MAX_SECTORS]; /* focus firms by sector */
    ric_programme_totals prog[RIC_MAX_PROGRAMMES];
    double rep_spinoffs[RIC_MAX_REPORTED], rep_capital[RIC_MAX_REPORTED]; /* reported cohorts */
    double rep_listed[RIC_MAX_REPORTED];
    ric_regions *rg; /* every region's row (regions.tsv), from the same pass */
} aggregate_t;

/* A focus firm's share of a link to the firm PARTNER (an id, 0 = none): the whole link if the
 * partner is outside the focus, half if inside (its partner counts the other half). */
static inline double touching(const ric_world *w, int all_focus, uint32_t partner)
{
    if (all_focus) /* every partner is a focus firm: no lookup, no branch */
        return 0.5 * (partner != 0);
    if (!partner)
        return 0.0;
    const int32_t j = w->firms.index_of[partner];
    return j >= 0 && w->regions[w->firms.region[j]].p.focus ? 0.5 : 1.0;
}

static void aggregate(aggregate_t *a, const ric_world *w, const ric_programmes *pg, ric_regions *rg)
{
    const ric_firms *f = &w->firms;
    const ric_flows *fl = &w->flow;
    memset(a, 0, sizeof *a);
    a->w = w;
    a->rg = rg;
    ric_region_sums *reg = ric_regions_begin(rg); /* every region's, for regions.tsv */
    a->fl = fl;
    a->year = ric_world_time(w, w->step);
    for (int o = 0; o < w->n_orgs; o++) {
        const ric_org *g = &w->orgs[o];
        if (g->active && w->regions[g->region].p.focus) {
            a->orgs[g->kind] += 1;
            a->staff[g->kind] += g->staff;
        }
    }
    /* the reported cohorts' spin-offs, wherever they are, active or gone */
    for (int o = 0, k = -1, last = -1; o < w->n_orgs; o++) {
        const ric_org *g = &w->orgs[o];
        if (!w->sc->orgs[g->spec].report)
            continue;
        if (g->spec != last) {
            k++;
            last = g->spec;
        }
        a->rep_spinoffs[k] += (double)g->spinoffs;
        a->rep_capital[k] += (double)g->spinoffs_capital;
        a->rep_listed[k] += (double)g->spinoffs_listed;
    }
    ric_regions_add_firms(reg, f);
    const double large_at = w->rules.large_firm_employees;
    int all_focus = 1;
    for (int r = 0; r < w->n_regions; r++)
        all_focus &= w->regions[r].p.focus != 0;
    for (size_t i = 0; i < f->n; i++) {
        double e = f->employees[i], c = f->capability[i];
        if (w->regions[f->region[i]].p.focus) {
            if (e >= large_at) {
                a->large++;
                a->emp_large += e;
            } else {
                a->smes++;
                a->emp_smes += e;
            }
            a->by_origin[f->origin[i]]++;
            a->sec_firms[f->sector[i]]++;
            a->sec_emp[f->sector[i]] += e;
            a->capsum += c;
            /* without a branch (links are irregular): + 0.0 leaves a sum exactly as it was */
            const double has = (f->link_org[i] | f->link_peer[i]) != 0;
            a->linked_n += has;
            a->linked_cap += has * c;
            a->focus_horizontal += (f->link_org[i] != 0) + touching(w, all_focus, f->link_peer[i]);
            a->focus_vertical += touching(w, all_focus, f->link_vertical[i]);
        }
        a->verticals += f->link_vertical[i] != 0;
        if (f->link_org[i]) {
            a->lfo++;
            a->linked++;
        }
        if (f->link_peer[i])
            a->peers++;
        if (f->prog[i]) {
            a->part_n++;
            a->part_emp += e;
            a->part_cap += c;
        } else {
            a->non_n++;
            a->non_emp += e;
            a->non_cap += c;
        }
    }
    a->research =
        a->staff[RIC_ORG_RI_GVT] + a->staff[RIC_ORG_RI_PRIVATE] + a->staff[RIC_ORG_RI_SEMI];
    for (int o = 0; o < RIC_ORIGIN_N; o++) {
        a->created += fl->created[o];
        a->destroyed += fl->destroyed[o];
    }
    int active_orgs = 0;
    for (int r = 0; r < w->n_regions; r++)
        active_orgs += w->regions[r].n_orgs;
    a->nodes = (double)f->n + active_orgs;
    for (int r = 0; r < w->n_regions; r++)
        if (w->regions[r].p.focus)
            a->pool += floor(w->regions[r].pool);
    for (int p = 0; p < w->sc->n_programmes; p++)
        ric_programmes_totals(pg, p, &a->prog[p]);
    ric_regions_finish(rg, w);
}

/* ---- the columns ----------------------------------------------------------------------------- */

/* What a family's placeholder stands for, in the doc strings below. */
#define ORIGIN_IS                                                                                  \
    "; `ORIGIN` is each firm origin: `incumbent`, `institute_spinoff`, `university_spinoff`, "     \
    "`firm_spinoff`, `startup`, `relocation`"
#define PARENT_IS                                                                                  \
    "; `PARENT` is each parent kind: `ri_gvt`, `ri_private`, `ri_semi_gvt`, `university`, `firm`"
#define P_IS "; `P` is each programme's name, in the order the scenario defines them"
#define G_IS "; `G` is each region group, in the order the scenario first names them"
#define CAPITAL_IS                                                                                 \
    "; NaN without a `capital_region` or while the total is 0 (regions.tsv's columns)"
#define DISPERSION_IS                                                                              \
    " across all regions, weighted by population (the regions without one left out); "             \
    "unweighted over the raw counts when no region gives a population (the metadata's "            \
    "`regional_weights` says which)"
#define S_IS                                                                                       \
    "; `S` is each sector's name, in the order of the scenario's `sectors` (no such columns "      \
    "without sectors)"

/* ONE(id, doc, value): a column named id. EACH(id, range, pattern, doc, value): a family, one
 * column per index i of the range, named by the pattern with the index's label for %s. AND(id,
 * pattern, doc, value): a family over the range of the EACH above it, interleaved with it index by
 * index (a programme's columns stay together). Values are expressions over the aggregate a and the
 * index i; every sum keeps the order it had, so rows stay identical to the bit. The doc strings are
 * doc/outputs.md's table (cmake --build build --target doc-tables); a family's documented name has
 * its range's placeholder (ORIGIN, PARENT, P) for %s. */
#define COLUMNS(ONE, EACH, AND)                                                                    \
    ONE(year, "decimal year at the end of the step", a->year)                                      \
    ONE(research_institutes, "active research institutes, all kinds (seed table rows)",            \
        a->orgs[RIC_ORG_RI_GVT] + a->orgs[RIC_ORG_RI_PRIVATE] + a->orgs[RIC_ORG_RI_SEMI])          \
    ONE(ri_gvt, "active research institutes of kind `ri_gvt`", a->orgs[RIC_ORG_RI_GVT])            \
    ONE(ri_private, "active research institutes of kind `ri_private`",                             \
        a->orgs[RIC_ORG_RI_PRIVATE])                                                               \
    ONE(ri_semi_gvt, "active research institutes of kind `ri_semi_gvt`", a->orgs[RIC_ORG_RI_SEMI]) \
    ONE(universities, "active universities", a->orgs[RIC_ORG_UNIVERSITY])                          \
    ONE(gvt_institutions, "active government institutions", a->orgs[RIC_ORG_GVT_INST])             \
    ONE(smes, "firms below `rules.jobs.large_firm_employees`", a->smes)                            \
    ONE(large_firms, "firms at or above `rules.jobs.large_firm_employees`", a->large)              \
    ONE(firms, "`smes + large_firms`", a->smes + a->large)                                         \
    ONE(employees_research, "staff of research institutes, all kinds", a->research)                \
    ONE(employees_ri_gvt, "staff of research institutes of kind `ri_gvt`",                         \
        a->staff[RIC_ORG_RI_GVT])                                                                  \
    ONE(employees_ri_private, "staff of research institutes of kind `ri_private`",                 \
        a->staff[RIC_ORG_RI_PRIVATE])                                                              \
    ONE(employees_ri_semi_gvt, "staff of research institutes of kind `ri_semi_gvt`",               \
        a->staff[RIC_ORG_RI_SEMI])                                                                 \
    ONE(employees_universities, "staff of universities", a->staff[RIC_ORG_UNIVERSITY])             \
    ONE(employees_gvt, "staff of government institutions", a->staff[RIC_ORG_GVT_INST])             \
    ONE(employees_smes, "employees of SMEs", a->emp_smes)                                          \
    ONE(employees_large, "employees of large firms", a->emp_large)                                 \
    ONE(employees_total,                                                                           \
        "sum of the five groups above (research, universities, government, SMEs, large)",          \
        a->research + a->staff[RIC_ORG_UNIVERSITY] + a->staff[RIC_ORG_GVT_INST] + a->emp_smes +    \
            a->emp_large)                                                                          \
    EACH(firms_by_origin, R_ORIGIN, "firms_%s",                                                    \
         "live firms of origin `ORIGIN` (they add up to `firms`)" ORIGIN_IS, a->by_origin[i])      \
    ONE(spinoffs, "spin-offs founded in the interval, by parents located in a focus region",       \
        (double)a->fl->spinoffs)                                                                   \
    ONE(spinoffs_cum, "running total of `spinoffs`", (double)a->fl->spinoffs_cum)                  \
    EACH(spinoffs_cum_by_parent, R_PARENT, "spinoffs_cum_%s",                                      \
         "running total of `spinoffs` by parent kind" PARENT_IS,                                   \
         (double)a->fl->spinoffs_by_parent[spinoff_parents[i]])                                    \
    EACH(spinoffs_cum_org, R_REPORTED, "spinoffs_cum_org_%s",                                      \
         "running total of spin-offs of the organisation cohort `O` (those with `report = true`, " \
         "in the scenario's order), wherever it is and wherever they locate",                      \
         a->rep_spinoffs[i])                                                                       \
    AND(spinoffs_cum_org_capital, "spinoffs_cum_org_%s_capital",                                   \
        "of them, those located in the scenario's `capital_region`", a->rep_capital[i])            \
    AND(spinoffs_listed_org, "spinoffs_listed_org_%s",                                             \
        "of them, those listed on the stock market (`listing`)", a->rep_listed[i])                 \
    ONE(listings, "focus firms listed on the stock market in the interval (`listing.rate`)",       \
        (double)a->fl->listings)                                                                   \
    ONE(listings_cum, "running total of `listings`", (double)a->fl->listings_cum)                  \
    ONE(entries, "non-spin-off entries in the interval (`startups + relocations`)",                \
        (double)a->fl->entries)                                                                    \
    ONE(startups, "non-spin-off start-ups in the interval", (double)a->fl->startups)               \
    ONE(relocations, "firms relocating in during the interval", (double)a->fl->relocations)        \
    ONE(exits, "firms that closed in the interval", (double)a->fl->exits)                          \
    ONE(jobs_created,                                                                              \
        "gross jobs created in focus firms in the interval (hires, founders of new firms)",        \
        (double)a->created)                                                                        \
    ONE(jobs_destroyed,                                                                            \
        "gross jobs destroyed in focus firms in the interval (firing, exits, founders leaving a "  \
        "parent firm)",                                                                            \
        (double)a->destroyed)                                                                      \
    ONE(jobs_net,                                                                                  \
        "`jobs_created - jobs_destroyed`; equals the change of `employees_smes + "                 \
        "employees_large`",                                                                        \
        (double)(a->created - a->destroyed))                                                       \
    EACH(jobs_created_by_origin, R_ORIGIN, "jobs_created_%s",                                      \
         "`jobs_created` in firms of origin `ORIGIN`" ORIGIN_IS, (double)a->fl->created[i])        \
    EACH(jobs_destroyed_by_origin, R_ORIGIN, "jobs_destroyed_%s",                                  \
         "`jobs_destroyed` in firms of origin `ORIGIN`" ORIGIN_IS, (double)a->fl->destroyed[i])    \
    EACH(firms_by_sector, R_SECTOR, "firms_sector_%s", "live focus firms of sector `S`" S_IS,      \
         a->sec_firms[i])                                                                          \
    AND(employees_by_sector, "employees_sector_%s", "employees of focus firms of sector `S`" S_IS, \
        a->sec_emp[i])                                                                             \
    AND(jobs_created_by_sector, "jobs_created_sector_%s",                                          \
        "`jobs_created` in firms of sector `S`" S_IS, (double)a->fl->created_sector[i])            \
    AND(spinoffs_cum_by_sector, "spinoffs_cum_sector_%s",                                          \
        "running total of `spinoffs` whose child is of sector `S`" S_IS,                           \
        (double)a->fl->spinoffs_cum_sector[i])                                                     \
    EACH(sector_diversity, R_IF_SECTORS, "sector_diversity%s",                                     \
         "Shannon entropy, in nats, of the focus firms' employment shares by sector (0: one "      \
         "sector; ln of the number of sectors: even shares); only with sectors",                   \
         diversity(a))                                                                             \
    ONE(transfers, "technology transfers to focus firms in the interval",                          \
        (double)a->fl->transfers)                                                                  \
    ONE(transfers_cum, "running total of `transfers`", (double)a->fl->transfers_cum)               \
    ONE(transfer_income_usd_m,                                                                     \
        "running total of income of focus organisations from transfers and spin-off "              \
        "licences/equity, US$ million",                                                            \
        a->fl->transfer_income_cum)                                                                \
    ONE(links_firm_org, "firms with a live link to a knowledge organisation", a->lfo)              \
    ONE(links_firm_firm,                                                                           \
        "links between firms, innovation partners and suppliers or buyers (each counted once)",    \
        (a->peers + a->verticals) / 2)                                                             \
    ONE(links_vertical, "supplier-buyer links touching focus firms (each counted once)",           \
        a->focus_vertical)                                                                         \
    ONE(links_horizontal,                                                                          \
        "innovation links touching focus firms: to organisations, and between firms (each "        \
        "counted once)",                                                                           \
        a->focus_horizontal)                                                                       \
    ONE(link_density,                                                                              \
        "(`links_firm_org + links_firm_firm`) / (N (N - 1) / 2), where N = firms + active "        \
        "knowledge organisations",                                                                 \
        a->nodes > 1 ? (a->lfo + (a->peers + a->verticals) / 2) / (a->nodes * (a->nodes - 1) / 2)  \
                     : 0.0)                                                                        \
    ONE(share_firms_linked, "share of firms linked to a university or institute",                  \
        a->w->firms.n ? a->linked / (double)a->w->firms.n : 0.0)                                   \
    ONE(labour_pool, "job seekers in the focus regions", a->pool)                                  \
    ONE(graduates, "graduates of focus universities in the interval", a->fl->graduates)            \
    ONE(mean_capability, "mean capability of focus firms",                                         \
        a->smes + a->large > 0 ? a->capsum / (a->smes + a->large) : NAN)                           \
    ONE(mean_capability_linked,                                                                    \
        "mean capability of focus firms linked to an organisation or another firm",                \
        a->linked_n > 0 ? a->linked_cap / a->linked_n : NAN)                                       \
    ONE(mean_capability_unlinked, "mean capability of focus firms without a link",                 \
        a->smes + a->large - a->linked_n > 0                                                       \
            ? (a->capsum - a->linked_cap) / (a->smes + a->large - a->linked_n)                     \
            : NAN)                                                                                 \
    ONE(firms_participant, "firms that have taken part in any programme", a->part_n)               \
    ONE(firms_nonparticipant, "firms that have taken part in no programme", a->non_n)              \
    ONE(employees_participant, "employees of participant firms", a->part_emp)                      \
    ONE(employees_nonparticipant, "employees of non-participant firms", a->non_emp)                \
    ONE(capability_participant, "mean capability of participant firms",                            \
        a->part_n > 0 ? a->part_cap / a->part_n : NAN)                                             \
    ONE(capability_nonparticipant, "mean capability of non-participant firms",                     \
        a->non_n > 0 ? a->non_cap / a->non_n : NAN)                                                \
    ONE(jobs_created_participant, "gross hires in the interval by participant firms",              \
        (double)a->fl->created_part)                                                               \
    ONE(jobs_created_nonparticipant, "gross hires in the interval by non-participant firms",       \
        (double)a->fl->created_nonpart)                                                            \
    EACH(prog_committed, R_PROGRAMME, "%s_committed_usd_m",                                        \
         "awards' commitments of programme `P`, net of cuts and cancellations, US$ million" P_IS,  \
         a->prog[i].committed_usd_m)                                                               \
    AND(prog_spent, "%s_spent_usd_m",                                                              \
        "running total disbursed to beneficiaries, US$ million (never above the "                  \
        "commitments)" P_IS,                                                                       \
        a->prog[i].spent_usd_m)                                                                    \
    AND(prog_overhead, "%s_overhead_usd_m", "running total of administration, US$ million" P_IS,   \
        a->prog[i].overhead_usd_m)                                                                 \
    AND(prog_awards, "%s_awards", "awards whose money is flowing" P_IS, a->prog[i].awards_running) \
    AND(prog_participant_hires, "%s_participant_hires",                                            \
        "running total of gross hires by member firms of the programme's awards while the award "  \
        "runs (its window, start to end); not jobs the programme created: those come from "        \
        "`compare`" P_IS,                                                                          \
        (double)a->fl->prog_jobs[i])                                                               \
    AND(prog_proposals, "%s_proposals",                                                            \
        "running total of proposals its selections received (before mergers)" P_IS,                \
        (double)a->prog[i].proposals)                                                              \
    AND(prog_merged, "%s_merged",                                                                  \
        "running total of proposals that merged into consortia before ranking (merge_rate)" P_IS,  \
        (double)a->prog[i].merged)                                                                 \
    AND(prog_cancelled, "%s_cancelled",                                                            \
        "awards the programme's reviews cancelled, running total" P_IS,                            \
        (double)a->prog[i].cancelled)                                                              \
    AND(prog_cut, "%s_cut_usd_m",                                                                  \
        "commitments released by the reviews' cancellations and cuts, running total, US$ "         \
        "million" P_IS,                                                                            \
        a->prog[i].freed_usd_m)                                                                    \
    AND(prog_reawarded, "%s_reawarded_usd_m",                                                      \
        "commitments of re-awards, running total, US$ million (never above `P_cut_usd_m`)" P_IS,   \
        a->prog[i].reawarded_usd_m)                                                                \
    AND(prog_lapsed, "%s_lapsed_usd_m",                                                            \
        "money lost at year ends under `lapse_at_year_end`, running total, US$ million" P_IS,      \
        a->prog[i].lapsed_usd_m)                                                                   \
    ONE(capital_share_firms,                                                                       \
        "the capital region's share of the live firms of all regions" CAPITAL_IS,                  \
        ric_regions_share(a->rg, RIC_RCOL_firms, a->w->sc->capital_region))                        \
    ONE(capital_share_employees,                                                                   \
        "the capital region's share of the employees of all regions' firms" CAPITAL_IS,            \
        ric_regions_share(a->rg, RIC_RCOL_employees, a->w->sc->capital_region))                    \
    ONE(capital_share_spinoffs,                                                                    \
        "the capital region's share of the spin-offs founded since the start, by where they "      \
        "located" CAPITAL_IS,                                                                      \
        ric_regions_share(a->rg, RIC_RCOL_spinoffs_cum, a->w->sc->capital_region))                 \
    ONE(capital_share_jobs_created,                                                                \
        "the capital region's share of the gross jobs created in the interval in all "             \
        "regions" CAPITAL_IS,                                                                      \
        ric_regions_share(a->rg, RIC_RCOL_jobs_created, a->w->sc->capital_region))                 \
    ONE(cv_employees_regions, "coefficient of variation of employees per resident" DISPERSION_IS,  \
        ric_regions_dispersion(a->rg, RIC_RCOL_employees, RIC_DISP_CV))                            \
    ONE(theil_employees_regions, "Theil's T of employees per resident" DISPERSION_IS,              \
        ric_regions_dispersion(a->rg, RIC_RCOL_employees, RIC_DISP_THEIL))                         \
    ONE(gini_employees_regions, "Gini coefficient of employees per resident" DISPERSION_IS,        \
        ric_regions_dispersion(a->rg, RIC_RCOL_employees, RIC_DISP_GINI))                          \
    ONE(cv_firms_regions, "coefficient of variation of firms per resident" DISPERSION_IS,          \
        ric_regions_dispersion(a->rg, RIC_RCOL_firms, RIC_DISP_CV))                                \
    ONE(theil_firms_regions, "Theil's T of firms per resident" DISPERSION_IS,                      \
        ric_regions_dispersion(a->rg, RIC_RCOL_firms, RIC_DISP_THEIL))                             \
    ONE(gini_firms_regions, "Gini coefficient of firms per resident" DISPERSION_IS,                \
        ric_regions_dispersion(a->rg, RIC_RCOL_firms, RIC_DISP_GINI))                              \
    EACH(employees_by_group, R_GROUP, "employees_group_%s",                                        \
         "employees of the firms of the regions that are members of group `G` now" G_IS,           \
         ric_regions_group_sum(a->rg, a->w, RIC_RCOL_employees, (int)i))                           \
    AND(firms_by_group, "firms_group_%s",                                                          \
        "live firms of the regions that are members of group `G` now" G_IS,                        \
        ric_regions_group_sum(a->rg, a->w, RIC_RCOL_firms, (int)i))

/* Shannon entropy of the focus employment shares by sector, in nats. */
static double diversity(const aggregate_t *a)
{
    double total = 0, h = 0;
    for (int s = 0; s < a->w->n_sectors; s++)
        total += a->sec_emp[s];
    for (int s = 0; s < a->w->n_sectors; s++)
        if (a->sec_emp[s] > 0) {
            const double p = a->sec_emp[s] / total;
            h -= p * log(p);
        }
    return h;
}

#define AS_ID_ONE(id, doc, value) COL_##id,
#define AS_ID_EACH(id, rg, pattern, doc, value) AS_ID_ONE(id, doc, value)
#define AS_ID_AND(id, pattern, doc, value) AS_ID_ONE(id, doc, value)
enum { COLUMNS(AS_ID_ONE, AS_ID_EACH, AS_ID_AND) N_ENTRIES };

typedef struct {
    const char *pattern; /* the name, or a pattern with one %s for the index's label */
    int range;           /* R_ONE for a single column */
    int joins;           /* interleaved with the entry before it, index by index */
    const char *doc;     /* one line of meaning, for doc/outputs.md */
} entry;

#define AS_ENTRY_ONE(id, doc, value) {#id, R_ONE, 0, doc},
#define AS_ENTRY_EACH(id, rg, pattern, doc, value) {pattern, rg, 0, doc},
#define AS_ENTRY_AND(id, pattern, doc, value) {pattern, -1, 1, doc},
static const entry entries[N_ENTRIES] = {COLUMNS(AS_ENTRY_ONE, AS_ENTRY_EACH, AS_ENTRY_AND)};

/* The text a pattern's %s becomes: LABEL, into OUT of CAP bytes (cut if longer). */
static void expand(char *out, size_t cap, const char *pattern, const char *label)
{
    const char *at = strstr(pattern, "%s");
    snprintf(out, cap, "%.*s%s%s", (int)(at - pattern), pattern, label, at + 2);
}

static double value(const aggregate_t *a, int e, size_t i)
{
    switch (e) {
#define AS_CASE_ONE(id, doc, value)                                                                \
    case COL_##id:                                                                                 \
        return (value);
#define AS_CASE_EACH(id, rg, pattern, doc, value) AS_CASE_ONE(id, doc, value)
#define AS_CASE_AND(id, pattern, doc, value) AS_CASE_ONE(id, doc, value)
        COLUMNS(AS_CASE_ONE, AS_CASE_EACH, AS_CASE_AND)
    default:
        return NAN;
    }
}

/* Visits the columns in order: VISIT(ctx, entry, index) once per column. Entries that join the one
 * before them form a block walked index by index. */
static void walk(const ric_scenario *sc, void (*visit)(void *ctx, int e, size_t i), void *ctx)
{
    for (int e0 = 0; e0 < N_ENTRIES;) {
        int e1 = e0 + 1;
        while (e1 < N_ENTRIES && entries[e1].joins)
            e1++;
        size_t n = entries[e0].range == R_ONE ? 1 : ranges[entries[e0].range].count(sc);
        for (size_t i = 0; i < n; i++)
            for (int e = e0; e < e1; e++)
                visit(ctx, e, i);
        e0 = e1;
    }
}

/* ---- names and rows ----------------------------------------------------------------------------
 */

struct ric_columns {
    const ric_scenario *sc;
    ric_regions *rg; /* the per-region rows of the last row */
    size_t n;
    char (*buf)[NAME_MAX_LEN];
    const char **names;
};

static void count_one(void *ctx, int e, size_t i)
{
    (void)e;
    (void)i;
    ++*(size_t *)ctx;
}

typedef struct {
    ric_columns *c;
    size_t k;
    int e0; /* the block's first entry: its range labels the index */
} namer;

static void name_one(void *ctx, int e, size_t i)
{
    namer *nm = ctx;
    ric_columns *c = nm->c;
    if (!entries[e].joins)
        nm->e0 = e;
    const entry *x = &entries[e];
    if (x->range == R_ONE) {
        c->names[nm->k++] = x->pattern;
        return;
    }
    expand(c->buf[nm->k], sizeof c->buf[nm->k], x->pattern,
           ranges[entries[nm->e0].range].label(c->sc, i));
    c->names[nm->k] = c->buf[nm->k];
    nm->k++;
}

ric_columns *ric_columns_alloc(const ric_scenario *sc)
{
    ric_columns *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->sc = sc;
    walk(sc, count_one, &c->n);
    c->buf = calloc(c->n, sizeof *c->buf);
    c->names = calloc(c->n, sizeof *c->names);
    c->rg = ric_regions_alloc(sc);
    if (!c->buf || !c->names || !c->rg) {
        ric_columns_free(c);
        return NULL;
    }
    namer nm = {c, 0, 0};
    walk(sc, name_one, &nm);
    return c;
}

void ric_columns_free(ric_columns *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c->names);
    ric_regions_free(c->rg);
    free(c);
}

size_t ric_columns_n(const ric_columns *c)
{
    return c->n;
}
const char *const *ric_columns_names(const ric_columns *c)
{
    return c->names;
}

typedef struct {
    const aggregate_t *a;
    double *v;
    size_t k;
} filler;

static void fill_one(void *ctx, int e, size_t i)
{
    filler *fl = ctx;
    fl->v[fl->k++] = value(fl->a, e, i);
}

void ric_columns_row(const ric_columns *c, ric_world *w, const ric_programmes *pg, double *v)
{
    aggregate_t a;
    aggregate(&a, w, pg, c->rg);
    filler fi = {&a, v, 0};
    walk(c->sc, fill_one, &fi);
    /* reset the flows of the interval; cumulative counters stay */
    ric_flows *fl = &w->flow;
    fl->spinoffs = fl->entries = fl->exits = fl->startups = fl->relocations = 0;
    fl->listings = 0;
    memset(fl->created, 0, sizeof fl->created);
    memset(fl->created_sector, 0, sizeof fl->created_sector);
    memset(fl->destroyed, 0, sizeof fl->destroyed);
    fl->created_part = fl->created_nonpart = 0;
    fl->transfers = 0;
    fl->graduates = 0;
    ric_regions_reset_flows(w);
}

const ric_regions *ric_columns_regions(const ric_columns *c)
{
    return c->rg;
}

int ric_columns_doc(size_t i, ric_column_doc *out)
{
    if (i >= N_ENTRIES)
        return 0;
    size_t e0 = i;
    while (entries[e0].joins)
        e0--;
    const entry *x = &entries[i];
    const char *placeholder = ranges[entries[e0].range].placeholder;
    if (placeholder)
        expand(out->name, sizeof out->name, x->pattern, placeholder);
    else
        snprintf(out->name, sizeof out->name, "%s", x->pattern);
    out->placeholder = placeholder;
    out->doc = x->doc;
    return 1;
}
