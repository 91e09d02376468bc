/* Applicant kinds of the programme engine: how each kind (university, institute, firm, region)
 * is enumerated, measured (quality, size), keyed for draws and placed, as a table the selection
 * reads instead of branching on the kind. */
#include "model/applicants.h"

int ric_applicant_is_org(const ric_instrument_spec *in)
{
    return in->applicants == RIC_APPLY_UNIVERSITY || in->applicants == RIC_APPLY_INSTITUTE;
}

/* Region R is one the instrument names, or a member now of a group it names (groups change by
 * dated events: doc/scenarios.md). */
static int in_regions(const ric_world *w, const ric_instrument_spec *in, int r)
{
    if (in->n_regions == 0 && in->groups == 0)
        return 1;
    if (w->regions[r].p.groups & in->groups)
        return 1;
    for (int i = 0; i < in->n_regions; i++)
        if (in->regions[i] == r)
            return 1;
    return 0;
}

static size_t org_count(const ric_world *w)
{
    return (size_t)w->n_orgs;
}
static double org_quality(const ric_world *w, size_t k)
{
    return w->orgs[k].knowledge;
}
static double org_size(const ric_world *w, size_t k)
{
    return w->orgs[k].staff;
}
static uint32_t org_key(const ric_world *w, size_t k)
{
    return w->orgs[k].id;
}
static int org_region(const ric_world *w, size_t k)
{
    return w->orgs[k].region;
}

/* A firm's or organisation's sector S (-1: none) meets the instrument's sectors. */
static int in_sectors(const ric_instrument_spec *in, int s)
{
    return in->sectors == 0 || s < 0 || ((in->sectors >> s) & 1u);
}

static int org_ok(const ric_world *w, const ric_instrument_spec *in, size_t k)
{
    const ric_org *g = &w->orgs[k];
    return g->active && in_regions(w, in, g->region) && in_sectors(in, g->sector) &&
           g->staff >= in->min_staff && g->knowledge >= in->min_quality;
}
static int univ_eligible(const ric_world *w, const ric_instrument_spec *in, size_t k)
{
    return w->orgs[k].kind == RIC_ORG_UNIVERSITY && org_ok(w, in, k);
}
static int inst_eligible(const ric_world *w, const ric_instrument_spec *in, size_t k)
{
    ric_org_kind kd = w->orgs[k].kind;
    return (kd == RIC_ORG_RI_GVT || kd == RIC_ORG_RI_PRIVATE || kd == RIC_ORG_RI_SEMI) &&
           org_ok(w, in, k);
}

static size_t firm_count(const ric_world *w)
{
    return w->firms.n;
}
static double firm_quality(const ric_world *w, size_t k)
{
    return w->firms.capability[k];
}
static double firm_size(const ric_world *w, size_t k)
{
    return w->firms.employees[k];
}
static uint32_t firm_key(const ric_world *w, size_t k)
{
    return w->firms.key[k];
}
static int firm_region(const ric_world *w, size_t k)
{
    return w->firms.region[k];
}
static int firm_eligible(const ric_world *w, const ric_instrument_spec *in, size_t k)
{
    const ric_firms *f = &w->firms;
    double age = (double)((int32_t)w->step - f->birth[k]) * w->dt;
    return !(f->flags[k] & RIC_FIRM_DEAD) && in_regions(w, in, f->region[k]) &&
           in_sectors(in, f->sector[k]) && f->employees[k] >= in->min_staff &&
           f->capability[k] >= in->min_quality && age <= in->max_age_years;
}

static size_t region_count(const ric_world *w)
{
    return (size_t)w->n_regions;
}
static double region_quality(const ric_world *w, size_t k)
{
    /* mean knowledge of the region's active organisations (1 when it has none) */
    const ric_region *g = &w->regions[k];
    if (g->n_orgs == 0)
        return 1.0;
    double s = 0;
    for (int i = 0; i < g->n_orgs; i++)
        s += w->orgs[w->region_orgs[g->org0 + i]].knowledge;
    return s / g->n_orgs;
}
static double region_size(const ric_world *w, size_t k)
{
    return w->regions[k].n_orgs + 1.0;
}
static uint32_t region_key(const ric_world *w, size_t k)
{
    (void)w;
    return (uint32_t)k + 1;
}
static int region_region(const ric_world *w, size_t k)
{
    (void)w;
    return (int)k;
}
static int region_eligible(const ric_world *w, const ric_instrument_spec *in, size_t k)
{
    return in_regions(w, in, (int)k);
}

const ric_applicant_kind ric_applicant_kinds[RIC_APPLY_N] = {
    [RIC_APPLY_UNIVERSITY] = {"university", univ_eligible, org_count, org_quality, org_size,
                              org_key, org_region},
    [RIC_APPLY_INSTITUTE] = {"institute", inst_eligible, org_count, org_quality, org_size, org_key,
                             org_region},
    [RIC_APPLY_FIRM] = {"firm", firm_eligible, firm_count, firm_quality, firm_size, firm_key,
                        firm_region},
    [RIC_APPLY_REGION] = {"region", region_eligible, region_count, region_quality, region_size,
                          region_key, region_region},
};
