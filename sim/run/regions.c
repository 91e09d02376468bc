/* The per-region row of regions.tsv and the regional gap indicators of series.tsv (capital
 * shares, dispersion across regions, sums by region group). Owns the table of the region columns
 * and the rows of the last output step. */
#include "run/regions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ric_regions {
    const ric_scenario *sc;
    int n;
    int weighted;          /* some region gives a population (ric_regions_weighted) */
    ric_region_sums *sums; /* [n] */
    double *vals;          /* [n][RIC_RCOL_N] */
    double *v, *p, *tmp;   /* the dispersion's scratch: n, n and 2 n */
};

/* ---- the table of region columns ------------------------------------------------------------ */

/* Firms of S (with a link of kind K, when K >= 0). */
static double firms_with(const ric_region_sums *s, int k)
{
    return (double)(k < 0 ? s->firms : s->links[k]);
}

/* The value of column J for region G with its sums S at year T. */
static double value(size_t j, const ric_region *g, const ric_region_sums *s, double t)
{
    const ric_region_flows *fl = &g->flow;
    const double firms = firms_with(s, -1);
    switch ((ric_region_column)j) {
    case RIC_RCOL_year:
        return t;
    case RIC_RCOL_firms:
        return firms;
    case RIC_RCOL_employees:
        return (double)s->employees;
    case RIC_RCOL_jobs_created:
        return (double)fl->created;
    case RIC_RCOL_jobs_destroyed:
        return (double)fl->destroyed;
    case RIC_RCOL_spinoffs:
        return (double)fl->spinoffs;
    case RIC_RCOL_spinoffs_cum:
        return (double)fl->spinoffs_cum;
    case RIC_RCOL_spinoffs_parent:
        return (double)fl->spinoffs_parent;
    case RIC_RCOL_transfers:
        return (double)fl->transfers;
    case RIC_RCOL_links_firm_org:
        return firms_with(s, RIC_LINK_org);
    case RIC_RCOL_links_firm_firm:
        return 0.5 * (firms_with(s, RIC_LINK_peer) + firms_with(s, RIC_LINK_vertical));
    case RIC_RCOL_links_vertical:
        return 0.5 * firms_with(s, RIC_LINK_vertical);
    case RIC_RCOL_links_horizontal:
        return firms_with(s, RIC_LINK_org) + 0.5 * firms_with(s, RIC_LINK_peer);
    case RIC_RCOL_labour_pool:
        return floor(g->pool);
    case RIC_RCOL_mean_capability:
        return firms > 0 ? s->capsum / firms : NAN;
    case RIC_RCOL_programme_usd_m:
        return fl->money_cum_usd_m;
    case RIC_RCOL_population:
        return g->p.population;
    case RIC_RCOL_N:
        break;
    }
    return NAN;
}

#define AS_NAME(name, doc) #name,
static const char *const names[RIC_RCOL_N] = {RIC_REGION_COLUMNS(AS_NAME)};
#undef AS_NAME
#define AS_DOC(name, doc) doc,
static const char *const docs[RIC_RCOL_N] = {RIC_REGION_COLUMNS(AS_DOC)};
#undef AS_DOC

const char *ric_regions_colname(size_t j)
{
    return j < RIC_RCOL_N ? names[j] : NULL;
}
const char *ric_regions_coldoc(size_t j)
{
    return j < RIC_RCOL_N ? docs[j] : NULL;
}

/* ---- the rows -------------------------------------------------------------------------------- */

int ric_regions_weighted(const ric_scenario *sc, int *left_out)
{
    int with = 0;
    for (int r = 0; r < sc->n_regions; r++)
        with += sc->regions[r].population > 0;
    if (left_out)
        *left_out = with > 0 ? sc->n_regions - with : 0;
    return with > 0;
}

ric_regions *ric_regions_alloc(const ric_scenario *sc)
{
    ric_regions *rg = calloc(1, sizeof *rg);
    if (!rg)
        return NULL;
    const size_t n = (size_t)sc->n_regions;
    rg->sc = sc;
    rg->n = sc->n_regions;
    rg->weighted = ric_regions_weighted(sc, NULL);
    rg->sums = calloc(n, sizeof *rg->sums);
    rg->vals = calloc(n * RIC_RCOL_N, sizeof *rg->vals);
    rg->v = calloc(n, sizeof *rg->v);
    rg->p = calloc(n, sizeof *rg->p);
    rg->tmp = calloc(2 * n, sizeof *rg->tmp);
    if (!rg->sums || !rg->vals || !rg->v || !rg->p || !rg->tmp) {
        ric_regions_free(rg);
        return NULL;
    }
    for (int r = 0; r < rg->n; r++) /* a row before the first output step: no firms yet */
        for (size_t j = 0; j < RIC_RCOL_N; j++)
            rg->vals[(size_t)r * RIC_RCOL_N + j] = NAN;
    return rg;
}

void ric_regions_free(ric_regions *rg)
{
    if (!rg)
        return;
    free(rg->sums);
    free(rg->vals);
    free(rg->v);
    free(rg->p);
    free(rg->tmp);
    free(rg);
}

ric_region_sums *ric_regions_begin(ric_regions *rg)
{
    memset(rg->sums, 0, (size_t)rg->n * sizeof *rg->sums);
    return rg->sums;
}

void ric_regions_add_firms(ric_region_sums *restrict sums, const ric_firms *f)
{
    const uint16_t *restrict region = f->region;
    const uint32_t *restrict lo = f->link_org, *restrict lp = f->link_peer,
                             *restrict lv = f->link_vertical;
    const int32_t *restrict emp = f->employees;
    const float *restrict cap = f->capability;
    for (size_t i = 0; i < f->n; i++) {
        ric_region_sums *s = &sums[region[i]];
        s->firms++;
        if (lo[i]) /* links are rare: a branch costs fewer instructions than a mask */
            s->links[RIC_LINK_org]++;
        if (lp[i])
            s->links[RIC_LINK_peer]++;
        if (lv[i])
            s->links[RIC_LINK_vertical]++;
        s->employees += emp[i];
        s->capsum += cap[i];
    }
}

void ric_regions_finish(ric_regions *rg, const ric_world *w)
{
    const double t = ric_world_time(w, w->step);
    for (int r = 0; r < rg->n; r++)
        for (size_t j = 0; j < RIC_RCOL_N; j++)
            rg->vals[(size_t)r * RIC_RCOL_N + j] = value(j, &w->regions[r], &rg->sums[r], t);
}

void ric_regions_reset_flows(ric_world *w)
{
    for (int r = 0; r < w->n_regions; r++) {
        ric_region_flows *fl = &w->regions[r].flow;
        fl->created = fl->destroyed = fl->spinoffs = fl->spinoffs_parent = fl->transfers = 0;
    }
}

const double *ric_regions_row(const ric_regions *rg, int r)
{
    return rg->vals + (size_t)r * RIC_RCOL_N;
}

/* ---- the gap indicators -----------------------------------------------------------------------
 */

double ric_regions_share(const ric_regions *rg, int col, int r)
{
    if (r < 0)
        return NAN;
    double total = 0;
    for (int k = 0; k < rg->n; k++)
        total += rg->vals[(size_t)k * RIC_RCOL_N + (size_t)col];
    return total > 0 ? rg->vals[(size_t)r * RIC_RCOL_N + (size_t)col] / total : NAN;
}

double ric_regions_group_sum(const ric_regions *rg, const ric_world *w, int col, int g)
{
    double s = 0;
    for (int r = 0; r < rg->n; r++)
        if (w->regions[r].p.groups >> g & 1u)
            s += rg->vals[(size_t)r * RIC_RCOL_N + (size_t)col];
    return s;
}

/* Ascending (rate, index) pairs, for the Lorenz curve; ties in index order, so that the sums
 * are the same to the bit on every platform. */
static int by_rate(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

double ric_dispersion(ric_dispersion_kind kind, const double *v, const double *p, size_t n,
                      double *scratch)
{
    double V = 0, P = 0;
    for (size_t i = 0; i < n; i++) {
        V += v[i];
        P += p ? p[i] : 1.0;
    }
    if (n == 0 || !(V > 0) || !(P > 0))
        return NAN;
    const double mu = V / P; /* the weighted mean of x = v / p */
    double out = 0;
    switch (kind) {
    case RIC_DISP_CV: /* Williamson (1965): population-weighted s.d. of x over its mean */
        for (size_t i = 0; i < n; i++) {
            const double pi = p ? p[i] : 1.0, d = v[i] / pi - mu;
            out += pi / P * d * d;
        }
        return sqrt(out) / mu;
    case RIC_DISP_THEIL: /* Theil's T: sum of (v_i / V) ln((v_i / V) / (p_i / P)) */
        for (size_t i = 0; i < n; i++)
            if (v[i] > 0)
                out += v[i] / V * log((v[i] / V) / ((p ? p[i] : 1.0) / P));
        return out;
    case RIC_DISP_GINI: { /* 1 - sum of s_i (L_{i-1} + L_i) along the Lorenz curve, x ascending */
        for (size_t i = 0; i < n; i++) {
            scratch[2 * i] = v[i] / (p ? p[i] : 1.0);
            scratch[2 * i + 1] = (double)i; /* the index, to find v and p again */
        }
        qsort(scratch, n, 2 * sizeof *scratch, by_rate);
        double lorenz = 0;
        for (size_t k = 0; k < n; k++) {
            const size_t i = (size_t)scratch[2 * k + 1];
            const double next = lorenz + v[i] / V;
            out += (p ? p[i] : 1.0) / P * (lorenz + next);
            lorenz = next;
        }
        return 1.0 - out;
    }
    }
    return NAN;
}

double ric_regions_dispersion(ric_regions *rg, int col, ric_dispersion_kind kind)
{
    size_t n = 0;
    for (int r = 0; r < rg->n; r++) {
        const double *row = rg->vals + (size_t)r * RIC_RCOL_N;
        if (rg->weighted && !(row[RIC_RCOL_population] > 0))
            continue; /* no residents: left out of a weighted index (the metadata names them) */
        rg->v[n] = row[col];
        rg->p[n] = row[RIC_RCOL_population];
        n++;
    }
    return ric_dispersion(kind, rg->v, rg->weighted ? rg->p : NULL, n, rg->tmp);
}
