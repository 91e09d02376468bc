/* Sectors and their markets (doc/MODEL.md 7.6): the market terms of fitness and wanted growth
 * for each region and sector, from the region's market_growth and the sector's demand. A firm of
 * sector s in region r reads entry r * n_sectors + s of the step's tables. */
#include "model/sectors.h"

#include <math.h>
#include <string.h>

/* The log gap between a binding market and the sector's employment is held within +-GAP_MAX
 * (an empty market or sector would otherwise give an infinite term). */
#define GAP_MAX 2.0

void ric_markets_update(ric_world *w, ric_workspace *ws)
{
    const size_t ns = (size_t)w->n_sectors, nr = (size_t)w->n_regions;
    int binds = 0;
    for (size_t s = 0; s < ns; s++)
        binds |= w->sectors[s].p.demand > 0;
    if (binds) { /* employment by region and sector, at the start of the firm pass */
        const ric_firms *f = &w->firms;
        memset(ws->emp_by_key, 0, nr * ns * sizeof *ws->emp_by_key);
        for (size_t i = 0; i < f->n; i++)
            ws->emp_by_key[f->region[i] * ns + f->sector[i]] += f->employees[i];
    }
    const double fit_margin = w->rules.fitness_margin;
    for (size_t r = 0; r < nr; r++) {
        const double mg = w->regions[r].p.market_growth;
        for (size_t s = 0; s < ns; s++) {
            const ric_sector_spec *p = &w->sectors[s].p;
            const size_t key = r * ns + s;
            const double local = p->local_share * mg;
            double term = p->demand_growth; /* a market that does not bind shifts growth */
            if (p->demand > 0) {
                /* Metcalfe's replicator dynamics under a market that binds: growth closes the
                 * log gap between the market and the sector's employment; firms still differ by
                 * capability, so the more capable win share (the growth rule's capability term) */
                const double e = (double)ws->emp_by_key[key], d = w->market[key];
                double gap = e > 0 && d > 0 ? log(d / e) : (d > 0 ? GAP_MAX : -GAP_MAX);
                gap = gap > GAP_MAX ? GAP_MAX : gap < -GAP_MAX ? -GAP_MAX : gap;
                term = p->demand_adjust * gap;
                w->market[key] = d * exp(p->demand_growth * w->dt); /* for the next step */
            }
            ws->tab_market_fit[key] = local + term - fit_margin * p->capital_need;
            ws->tab_market_grow[key] = p->labour_intensity * (local + term);
        }
    }
}

int ric_sector_draw(const double *share, int n, double u)
{
    double acc = 0;
    for (int s = 0; s < n - 1; s++) {
        acc += share[s];
        if (u < acc)
            return s;
    }
    return n - 1;
}

int ric_sector_of_new_firm(const ric_world *w, int region, uint32_t key)
{
    if (w->n_sectors < 2)
        return 0;
    const ric_block b = ric_rng_block(w->sc->seed, key, w->step, RIC_RULE_SECTOR);
    return ric_sector_draw(w->regions[region].p.sector_share, w->n_sectors, ric_u01(b.v[0]));
}
