/* The per-region row (regions.tsv) and the regional gap indicators of series.tsv: the region
 * columns are one table in regions.c, each a name, a meaning and a value, so the two cannot drift
 * apart. The sums over firms come from the series' one pass over firms at an output step
 * (columns.c), the flows from the region's counters (ric_region_flows), so nothing is added to
 * the step's work. */
#ifndef RICSIM_REGIONS_H
#define RICSIM_REGIONS_H

#include <stddef.h>

#include "model/world.h"

/* The region columns, written once: X(name, doc). Their values are in regions.c's table. */
#define RIC_REGION_COLUMNS(X)                                                                      \
    X(year, "decimal year at the end of the step")                                                 \
    X(firms, "live firms of the region")                                                           \
    X(employees, "employees of the region's firms")                                                \
    X(jobs_created, "gross jobs created in the region's firms in the interval")                    \
    X(jobs_destroyed, "gross jobs destroyed in the region's firms in the interval")                \
    X(spinoffs, "spin-offs that located in the region in the interval")                            \
    X(spinoffs_cum, "running total of `spinoffs`")                                                 \
    X(spinoffs_parent, "spin-offs in the interval whose parent is in the region")                  \
    X(transfers, "technology transfers to the region's firms in the interval")                     \
    X(links_firm_org, "the region's firms with a live link to a knowledge organisation")           \
    X(links_firm_firm,                                                                             \
      "links between firms, half for each of the region's firms at an end (innovation partners "   \
      "and suppliers or buyers)")                                                                  \
    X(links_vertical, "supplier-buyer links, half for each of the region's firms at an end")       \
    X(links_horizontal,                                                                            \
      "innovation links: the region's firms' links to organisations, and half of each link "       \
      "between firms at one of them")                                                              \
    X(labour_pool, "job seekers of the region, whole persons")                                     \
    X(mean_capability, "mean capability of the region's firms (NaN without firms)")                \
    X(programme_usd_m,                                                                             \
      "running total of programme money paid to beneficiaries of the region (organisations, "      \
      "firms or the region itself, where they were at the award), US$ million, all programmes")    \
    X(population, "residents (the region's `population`; 0: not given)")

typedef enum {
#define RIC_RCOL_ID(name, doc) RIC_RCOL_##name,
    RIC_REGION_COLUMNS(RIC_RCOL_ID)
#undef RIC_RCOL_ID
        RIC_RCOL_N
} ric_region_column;

/* Sums over the region's firms at an output step. */
typedef struct {
    long long firms, employees;
    long long links[RIC_LINK_N]; /* firms holding a link of each kind */
    double capsum;
} ric_region_sums;

typedef struct ric_regions ric_regions;

/* Tables for SC's regions; caller frees with ric_regions_free (NULL accepted). NULL when out of
 * memory. */
ric_regions *ric_regions_alloc(const ric_scenario *sc);
void ric_regions_free(ric_regions *rg);

/* The sums by region, zeroed, for a pass over firms; then ric_regions_finish fills the rows. */
ric_region_sums *ric_regions_begin(ric_regions *rg);
/* Adds every firm of F to the sums of its region. */
void ric_regions_add_firms(ric_region_sums *restrict sums, const ric_firms *f);
void ric_regions_finish(ric_regions *rg, const ric_world *w);
/* Resets the regions' flows of the interval (running totals stay). */
void ric_regions_reset_flows(ric_world *w);

/* Region R's row (RIC_RCOL_N values) as the last ric_regions_finish left it. */
const double *ric_regions_row(const ric_regions *rg, int r);
const char *ric_regions_colname(size_t j);
/* The meaning of column J, for doc/outputs.md. */
const char *ric_regions_coldoc(size_t j);

/* Region R's share of column COL summed over every region; NaN when R < 0 or the sum is 0. */
double ric_regions_share(const ric_regions *rg, int col, int r);
/* Column COL summed over the regions that are members of group G now (their groups in W). */
double ric_regions_group_sum(const ric_regions *rg, const ric_world *w, int col, int g);

/* Dispersion across regions of x = v / p (v a count, p its weight), weighted by p: the
 * coefficient of variation (Williamson 1965), Theil's T and the Gini coefficient. */
typedef enum { RIC_DISP_CV, RIC_DISP_THEIL, RIC_DISP_GINI } ric_dispersion_kind;
/* Over N values V with weights P (all > 0; NULL: weights 1, the unweighted index over the raw
 * counts); NaN when N is 0 or the weighted mean of v / p is 0. SCRATCH holds 2 N doubles. */
double ric_dispersion(ric_dispersion_kind kind, const double *v, const double *p, size_t n,
                      double *scratch);
/* The index of column COL across the scenario's regions: weighted by population over the regions
 * with one when any region gives a population, else unweighted over the raw counts of all. */
double ric_regions_dispersion(ric_regions *rg, int col, ric_dispersion_kind kind);
/* Whether the dispersion is weighted (some region gives a population), and the regions it leaves
 * out (those without one). */
int ric_regions_weighted(const ric_scenario *sc, int *left_out);

#endif
