/* The simulation loop. A step runs, in order: scheduled events, programmes, then the rules of
 * rules.c (labour, staff, org_spinoff, firms, hiring, transfer, firm_spinoff, entry, compact).
 * The row of indicators is computed here from the world, the flows and the programmes. */
#include "ricsim/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/events.h"
#include "model/programme.h"
#include "model/rules.h"
#include "model/workspace.h"
#include "run/output.h"

#define N_PHASES_MAX 16

struct ric_sim {
    ric_world w;
    ric_workspace *ws; /* the rules' scratch, owned by the loop */
    ric_events *ev;
    ric_programmes *pg;
    uint32_t n_steps;
    size_t ncols;
    char (*names_buf)[64];
    const char **names;
    double phase_s[N_PHASES_MAX];
};

static const char *const static_cols[] = {
    "year",
    "research_institutes",
    "ri_gvt",
    "ri_private",
    "ri_semi_gvt",
    "universities",
    "gvt_institutions",
    "smes",
    "large_firms",
    "firms",
    "employees_research",
    "employees_ri_gvt",
    "employees_ri_private",
    "employees_ri_semi_gvt",
    "employees_universities",
    "employees_gvt",
    "employees_smes",
    "employees_large",
    "employees_total",
    "firms_incumbent",
    "firms_institute_spinoff",
    "firms_university_spinoff",
    "firms_firm_spinoff",
    "firms_startup",
    "firms_relocation",
    "spinoffs",
    "spinoffs_cum",
    "spinoffs_cum_ri_gvt",
    "spinoffs_cum_ri_private",
    "spinoffs_cum_ri_semi_gvt",
    "spinoffs_cum_university",
    "spinoffs_cum_firm",
    "entries",
    "startups",
    "relocations",
    "exits",
    "jobs_created",
    "jobs_destroyed",
    "jobs_net",
    "jobs_created_incumbent",
    "jobs_created_institute_spinoff",
    "jobs_created_university_spinoff",
    "jobs_created_firm_spinoff",
    "jobs_created_startup",
    "jobs_created_relocation",
    "jobs_destroyed_incumbent",
    "jobs_destroyed_institute_spinoff",
    "jobs_destroyed_university_spinoff",
    "jobs_destroyed_firm_spinoff",
    "jobs_destroyed_startup",
    "jobs_destroyed_relocation",
    "transfers",
    "transfers_cum",
    "transfer_income_usd_m",
    "links_firm_org",
    "links_firm_firm",
    "link_density",
    "share_firms_linked",
    "labour_pool",
    "graduates",
    "mean_capability",
    "firms_participant",
    "firms_nonparticipant",
    "employees_participant",
    "employees_nonparticipant",
    "capability_participant",
    "capability_nonparticipant",
    "jobs_created_participant",
    "jobs_created_nonparticipant",
};
#define N_STATIC (sizeof static_cols / sizeof static_cols[0])
static const char *const prog_cols[] = {"committed_usd_m", "spent_usd_m",  "overhead_usd_m",
                                        "awards",          "jobs_created", "cost_per_job_usd_k"};
#define N_PROG_COLS (sizeof prog_cols / sizeof prog_cols[0])

/* ---- phases ------------------------------------------------------------------------------ */

static size_t n_phases(void)
{
    return 2 + ric_rules_n;
}
size_t ric_sim_nphases(void)
{
    return n_phases();
}
const char *ric_sim_phase_name(size_t i)
{
    if (i == 0)
        return "events";
    if (i == 1)
        return "programmes";
    return i - 2 < ric_rules_n ? ric_rules_table[i - 2].name : NULL;
}
double ric_sim_phase_seconds(const ric_sim *s, size_t i)
{
    return i < n_phases() ? s->phase_s[i] : 0.0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

ric_status ric_sim_step(ric_sim *s, ric_err *err)
{
    ric_world *w = &s->w;
    s->ws->n_births = 0;
    double t0 = now(), t1;
    ric_events_apply(s->ev, w);
    t1 = now();
    s->phase_s[0] += t1 - t0;
    ric_programmes_step(s->pg, w);
    t0 = now();
    s->phase_s[1] += t0 - t1;
    for (size_t i = 0; i < ric_rules_n; i++) {
        ric_rules_table[i].apply(w, s->ws);
        t1 = now();
        s->phase_s[2 + i] += t1 - t0;
        t0 = t1;
    }
    w->step++;
    if (w->capacity_hit) {
        ric_err_set(err,
                    "%s: the run needs more than 'limits.max_firms' = %zu firms at %.2f; raise "
                    "it",
                    w->sc->source, w->sc->max_firms, ric_world_time(w, w->step));
        return RIC_ECAPACITY;
    }
    return RIC_OK;
}

int ric_sim_done(const ric_sim *s)
{
    return s->w.step >= s->n_steps;
}

int ric_sim_output_due(const ric_sim *s)
{
    return s->w.step % (uint32_t)s->w.sc->output_every == 0 || s->w.step == s->n_steps;
}

/* ---- allocation -------------------------------------------------------------------------- */

ric_status ric_sim_alloc(const ric_scenario *sc, ric_sim **out, ric_err *err)
{
    ric_sim *s = calloc(1, sizeof *s);
    if (!s) {
        ric_err_set(err, "%s: out of memory", sc->source);
        return RIC_ENOMEM;
    }
    ric_status st = ric_world_init(&s->w, sc, err);
    if (st != RIC_OK) {
        free(s);
        return st;
    }
    st = ric_workspace_alloc(&s->w, ric_kernels_selected(), &s->ws, err);
    if (st == RIC_OK)
        st = ric_events_alloc(&s->w, &s->ev, err);
    if (st == RIC_OK)
        st = ric_programmes_alloc(&s->w, &s->pg, err);
    if (st != RIC_OK) {
        ric_sim_free(s);
        return st;
    }
    s->n_steps = (uint32_t)llround((sc->end - sc->start) * sc->steps_per_year);
    s->ncols = N_STATIC + N_PROG_COLS * (size_t)sc->n_programmes;
    s->names_buf = calloc(s->ncols, sizeof *s->names_buf);
    s->names = calloc(s->ncols, sizeof *s->names);
    if (!s->names_buf || !s->names) {
        ric_sim_free(s);
        ric_err_set(err, "%s: out of memory", sc->source);
        return RIC_ENOMEM;
    }
    for (size_t i = 0; i < N_STATIC; i++)
        s->names[i] = static_cols[i];
    for (int p = 0; p < sc->n_programmes; p++)
        for (size_t c = 0; c < N_PROG_COLS; c++) {
            size_t i = N_STATIC + (size_t)p * N_PROG_COLS + c;
            snprintf(s->names_buf[i], sizeof s->names_buf[i], "%s_%s", sc->programmes[p].name,
                     prog_cols[c]);
            s->names[i] = s->names_buf[i];
        }
    *out = s;
    return RIC_OK;
}

void ric_sim_free(ric_sim *s)
{
    if (!s)
        return;
    ric_programmes_free(s->pg);
    ric_events_free(s->ev);
    ric_workspace_free(s->ws);
    ric_world_fini(&s->w);
    free(s->names_buf);
    free(s->names);
    free(s);
}

size_t ric_sim_ncols(const ric_sim *s)
{
    return s->ncols;
}
const char *const *ric_sim_colnames(const ric_sim *s)
{
    return s->names;
}
const ric_world *ric_sim_world(const ric_sim *s)
{
    return &s->w;
}
const ric_programmes *ric_sim_programmes(const ric_sim *s)
{
    return s->pg;
}
const ric_birth *ric_sim_births(const ric_sim *s, size_t *n)
{
    *n = s->ws->n_births;
    return s->ws->births;
}

/* ---- the row ------------------------------------------------------------------------------ */

void ric_sim_row(ric_sim *s, double *v)
{
    ric_world *w = &s->w;
    const ric_firms *f = &w->firms;
    ric_flows *fl = &w->flow;
    size_t k = 0;
    v[k++] = ric_world_time(w, w->step);

    double orgs[RIC_ORG_KIND_N] = {0}, staff[RIC_ORG_KIND_N] = {0};
    for (int o = 0; o < w->n_orgs; o++) {
        const ric_org *g = &w->orgs[o];
        if (g->active && w->regions[g->region].p.focus) {
            orgs[g->kind] += 1;
            staff[g->kind] += g->staff;
        }
    }
    double smes = 0, large = 0, emp_smes = 0, emp_large = 0, by_origin[RIC_ORIGIN_N] = {0};
    double capsum = 0, lfo = 0, peers = 0, linked = 0;
    double part_n = 0, part_emp = 0, part_cap = 0, non_n = 0, non_emp = 0, non_cap = 0;
    const double large_at = w->rules.large_firm_employees;
    for (size_t i = 0; i < f->n; i++) {
        double e = f->employees[i], c = f->capability[i];
        if (w->regions[f->region[i]].p.focus) {
            if (e >= large_at) {
                large++;
                emp_large += e;
            } else {
                smes++;
                emp_smes += e;
            }
            by_origin[f->origin[i]]++;
            capsum += c;
        }
        if (f->link_org[i]) {
            lfo++;
            linked++;
        }
        if (f->peer[i])
            peers++;
        if (f->prog[i]) {
            part_n++;
            part_emp += e;
            part_cap += c;
        } else {
            non_n++;
            non_emp += e;
            non_cap += c;
        }
    }
    double research = staff[RIC_ORG_RI_GVT] + staff[RIC_ORG_RI_PRIVATE] + staff[RIC_ORG_RI_SEMI];
    v[k++] = orgs[RIC_ORG_RI_GVT] + orgs[RIC_ORG_RI_PRIVATE] + orgs[RIC_ORG_RI_SEMI];
    v[k++] = orgs[RIC_ORG_RI_GVT];
    v[k++] = orgs[RIC_ORG_RI_PRIVATE];
    v[k++] = orgs[RIC_ORG_RI_SEMI];
    v[k++] = orgs[RIC_ORG_UNIVERSITY];
    v[k++] = orgs[RIC_ORG_GVT_INST];
    v[k++] = smes;
    v[k++] = large;
    v[k++] = smes + large;
    v[k++] = research;
    v[k++] = staff[RIC_ORG_RI_GVT];
    v[k++] = staff[RIC_ORG_RI_PRIVATE];
    v[k++] = staff[RIC_ORG_RI_SEMI];
    v[k++] = staff[RIC_ORG_UNIVERSITY];
    v[k++] = staff[RIC_ORG_GVT_INST];
    v[k++] = emp_smes;
    v[k++] = emp_large;
    v[k++] = research + staff[RIC_ORG_UNIVERSITY] + staff[RIC_ORG_GVT_INST] + emp_smes + emp_large;
    for (int o = 0; o < RIC_ORIGIN_N; o++)
        v[k++] = by_origin[o];
    v[k++] = (double)fl->spinoffs;
    v[k++] = (double)fl->spinoffs_cum;
    v[k++] = (double)fl->spinoffs_by_parent[RIC_ORG_RI_GVT];
    v[k++] = (double)fl->spinoffs_by_parent[RIC_ORG_RI_PRIVATE];
    v[k++] = (double)fl->spinoffs_by_parent[RIC_ORG_RI_SEMI];
    v[k++] = (double)fl->spinoffs_by_parent[RIC_ORG_UNIVERSITY];
    v[k++] = (double)fl->spinoffs_by_parent[RIC_PARENT_FIRM];
    v[k++] = (double)fl->entries;
    v[k++] = (double)fl->startups;
    v[k++] = (double)fl->relocations;
    v[k++] = (double)fl->exits;
    long long created = 0, destroyed = 0;
    for (int o = 0; o < RIC_ORIGIN_N; o++) {
        created += fl->created[o];
        destroyed += fl->destroyed[o];
    }
    v[k++] = (double)created;
    v[k++] = (double)destroyed;
    v[k++] = (double)(created - destroyed);
    for (int o = 0; o < RIC_ORIGIN_N; o++)
        v[k++] = (double)fl->created[o];
    for (int o = 0; o < RIC_ORIGIN_N; o++)
        v[k++] = (double)fl->destroyed[o];
    v[k++] = (double)fl->transfers;
    v[k++] = (double)fl->transfers_cum;
    v[k++] = fl->transfer_income_cum;
    int active_orgs = 0;
    for (int r = 0; r < w->n_regions; r++)
        active_orgs += w->regions[r].n_orgs;
    double nodes = (double)f->n + active_orgs;
    v[k++] = lfo;
    v[k++] = peers / 2;
    v[k++] = nodes > 1 ? (lfo + peers / 2) / (nodes * (nodes - 1) / 2) : 0.0;
    v[k++] = f->n ? linked / (double)f->n : 0.0;
    double pool = 0;
    for (int r = 0; r < w->n_regions; r++)
        if (w->regions[r].p.focus)
            pool += floor(w->regions[r].pool);
    v[k++] = pool;
    v[k++] = fl->graduates;
    v[k++] = smes + large > 0 ? capsum / (smes + large) : NAN;
    v[k++] = part_n;
    v[k++] = non_n;
    v[k++] = part_emp;
    v[k++] = non_emp;
    v[k++] = part_n > 0 ? part_cap / part_n : NAN;
    v[k++] = non_n > 0 ? non_cap / non_n : NAN;
    v[k++] = (double)fl->created_part;
    v[k++] = (double)fl->created_nonpart;
    for (int p = 0; p < w->sc->n_programmes; p++) {
        ric_programme_totals t;
        ric_programmes_totals(s->pg, p, &t);
        double jobs = (double)fl->prog_jobs[p];
        v[k++] = t.committed_usd_m;
        v[k++] = t.spent_usd_m;
        v[k++] = t.overhead_usd_m;
        v[k++] = t.awards_running;
        v[k++] = jobs;
        v[k++] = jobs > 0 ? (t.spent_usd_m + t.overhead_usd_m) * 1000.0 / jobs : NAN;
    }
    /* reset the flows of the interval; cumulative counters stay */
    fl->spinoffs = fl->entries = fl->exits = fl->startups = fl->relocations = 0;
    memset(fl->created, 0, sizeof fl->created);
    memset(fl->destroyed, 0, sizeof fl->destroyed);
    fl->created_part = fl->created_nonpart = 0;
    fl->transfers = 0;
    fl->graduates = 0;
}

/* ---- a whole run -------------------------------------------------------------------------- */

ric_status ric_run(const ric_scenario *sc, const char *dir, int force, ric_err *err)
{
    ric_sim *s = NULL;
    ric_output *o = NULL;
    double *row = NULL;
    ric_status st = ric_sim_alloc(sc, &s, err);
    if (st != RIC_OK)
        return st;
    row = malloc(ric_sim_ncols(s) * sizeof *row);
    if (!row) {
        ric_err_set(err, "%s: out of memory", sc->source);
        st = RIC_ENOMEM;
        goto done;
    }
    st = ric_output_open(dir, force, &o, err);
    if (st != RIC_OK)
        goto done;
    ric_output_meta(o, "ricsim_version", "%s", RIC_VERSION);
    ric_output_meta(o, "scenario", "%s", sc->name);
    ric_output_meta(o, "scenario_file", "%s", sc->source);
    ric_output_meta(o, "scenario_hash", "%016llx", (unsigned long long)sc->hash);
    ric_output_meta(o, "seed", "%llu", (unsigned long long)sc->seed);
    ric_output_meta(o, "rng",
                    "philox4x32-10 (Random123), keyed by seed, addressed by agent, "
                    "step and rule");
    ric_output_meta(o, "steps_per_year", "%d", sc->steps_per_year);
    ric_output_meta(o, "output_every", "%d", sc->output_every);
    char focus[1024] = "";
    for (int r = 0; r < sc->n_regions; r++)
        if (sc->regions[r].focus &&
            strlen(focus) + strlen(sc->regions[r].name) + 2 < sizeof focus) {
            if (focus[0])
                strcat(focus, ",");
            strcat(focus, sc->regions[r].name);
        }
    ric_output_meta(o, "focus_regions", "%s", focus);
    for (int e = 0; e < sc->n_events; e++)
        if (sc->events[e].type == RIC_EVENT_NOTE)
            ric_output_meta(o, "event", "%.4f %s", sc->events[e].date, sc->events[e].text);
    ric_output_header(o, ric_sim_colnames(s), ric_sim_ncols(s));
    while (!ric_sim_done(s)) {
        if (ric_interrupted()) {
            ric_err_set(err, "%s: interrupted at %.4f; nothing was written to %s", sc->source,
                        ric_world_time(ric_sim_world(s), ric_sim_world(s)->step), dir);
            st = RIC_EINTR;
            goto done;
        }
        st = ric_sim_step(s, err);
        if (st != RIC_OK)
            goto done;
        size_t nb;
        const ric_birth *b = ric_sim_births(s, &nb);
        ric_output_births(o, b, nb, ric_sim_world(s));
        if (ric_sim_output_due(s)) {
            ric_sim_row(s, row);
            ric_output_row(o, row, ric_sim_ncols(s));
        }
    }
    ric_output_scenario(o, sc->effective);
    st = ric_output_commit(o, err);
    o = NULL;
done:
    ric_output_abort(o);
    free(row);
    ric_sim_free(s);
    return st;
}
