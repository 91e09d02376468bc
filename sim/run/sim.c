/* The simulation loop. A step runs, in order: scheduled events, programmes, then the rules of
 * rules.c (labour, staff, org_spinoff, firms, hiring, transfer, firm_spinoff, entry, compact).
 * The row of indicators is columns.c's. */
#include "ricsim/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/evaluation.h"
#include "model/events.h"
#include "model/programme.h"
#include "model/rules.h"
#include "model/workspace.h"
#include "run/columns.h"
#include "run/output.h"
#include "run/regions.h"

#define N_PHASES_MAX 16

struct ric_sim {
    ric_world w;
    ric_workspace *ws; /* the rules' scratch, owned by the loop */
    ric_events *ev;
    ric_programmes *pg;
    ric_evaluation *eval; /* observes the programmes' participants (evaluation.tsv) */
    uint32_t n_steps;
    ric_columns *cols;
    double phase_s[N_PHASES_MAX];
};

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
    ric_programmes_step(s->pg, w, s->eval);
    t0 = now();
    s->phase_s[1] += t0 - t1;
    for (size_t i = 0; i < ric_rules_n; i++) {
        ric_rules_table[i].apply(w, s->ws);
        t1 = now();
        s->phase_s[2 + i] += t1 - t0;
        t0 = t1;
    }
    w->step++;
    ric_evaluation_observe(s->eval, w, s->ws->births, s->ws->n_births);
    if (w->capacity_hit) {
        ric_err_set(err,
                    "%s: the run needs more than 'limits.max_firms' = %zu firms at %.2f; raise "
                    "it",
                    w->sc->source, w->sc->max_firms, ric_world_time(w, w->step));
        return RIC_ECAPACITY;
    }
    return RIC_OK;
}

ric_status ric_sim_advance(ric_sim *s, double *row, int *due, ric_err *err)
{
    *due = 0;
    ric_status st = ric_sim_step(s, err);
    if (st != RIC_OK)
        return st;
    *due = ric_sim_output_due(s);
    if (*due)
        ric_sim_row(s, row);
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
    if (st == RIC_OK)
        st = ric_evaluation_alloc(&s->w, &s->eval, err);
    if (st != RIC_OK) {
        ric_sim_free(s);
        return st;
    }
    s->n_steps = (uint32_t)llround((sc->end - sc->start) * sc->steps_per_year);
    s->cols = ric_columns_alloc(sc);
    if (!s->cols) {
        ric_sim_free(s);
        ric_err_set(err, "%s: out of memory", sc->source);
        return RIC_ENOMEM;
    }
    *out = s;
    return RIC_OK;
}

void ric_sim_free(ric_sim *s)
{
    if (!s)
        return;
    ric_evaluation_free(s->eval);
    ric_programmes_free(s->pg);
    ric_events_free(s->ev);
    ric_workspace_free(s->ws);
    ric_world_fini(&s->w);
    ric_columns_free(s->cols);
    free(s);
}

size_t ric_sim_ncols(const ric_sim *s)
{
    return ric_columns_n(s->cols);
}
const char *const *ric_sim_colnames(const ric_sim *s)
{
    return ric_columns_names(s->cols);
}
const ric_world *ric_sim_world(const ric_sim *s)
{
    return &s->w;
}
const ric_programmes *ric_sim_programmes(const ric_sim *s)
{
    return s->pg;
}
const ric_evaluation *ric_sim_evaluation(const ric_sim *s)
{
    return s->eval;
}
const ric_regions *ric_sim_regions(const ric_sim *s)
{
    return ric_columns_regions(s->cols);
}
size_t ric_sim_nrows(const ric_sim *s)
{
    const uint32_t every = (uint32_t)s->w.sc->output_every;
    return s->n_steps / every + (s->n_steps % every != 0);
}
const ric_birth *ric_sim_births(const ric_sim *s, size_t *n)
{
    *n = s->ws->n_births;
    return s->ws->births;
}

/* ---- the row ------------------------------------------------------------------------------ */

void ric_sim_row(ric_sim *s, double *v)
{
    ric_columns_row(s->cols, &s->w, s->pg, v);
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
    if (st == RIC_OK)
        st = ric_output_regions_reserve(o, sc, ric_sim_nrows(s), err);
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
    int left_out = 0;
    if (!ric_regions_weighted(sc, &left_out))
        ric_output_meta(o, "regional_weights",
                        "none: no region gives a population, so the dispersion across regions is "
                        "unweighted over the raw counts");
    else if (left_out == 0)
        ric_output_meta(o, "regional_weights", "population");
    else
        ric_output_meta(o, "regional_weights",
                        "population: the %d regions without one are left out of the dispersion "
                        "(see regions.tsv)",
                        left_out);
    for (int e = 0; e < sc->n_events; e++)
        if (sc->events[e].type == RIC_EVENT_NOTE ||
            (sc->events[e].type == RIC_EVENT_GROUPS && sc->events[e].text[0]))
            ric_output_meta(o, "event", "%.4f %s", sc->events[e].date, sc->events[e].text);
    ric_output_header(o, ric_sim_colnames(s), ric_sim_ncols(s));
    while (!ric_sim_done(s)) {
        if (ric_interrupted()) {
            ric_err_set(err, "%s: interrupted at %.4f; nothing was written to %s", sc->source,
                        ric_world_time(ric_sim_world(s), ric_sim_world(s)->step), dir);
            st = RIC_EINTR;
            goto done;
        }
        int due;
        st = ric_sim_advance(s, row, &due, err);
        if (st != RIC_OK)
            goto done;
        size_t nb;
        const ric_birth *b = ric_sim_births(s, &nb);
        ric_output_births(o, b, nb, ric_sim_world(s));
        if (due) {
            ric_output_row(o, row, ric_sim_ncols(s));
            ric_output_regions_row(o, ric_sim_regions(s));
        }
    }
    ric_output_scenario(o, sc->effective);
    ric_output_regions(o, sc);
    ric_output_evaluation(o, s->eval, sc);
    st = ric_output_commit(o, err);
    o = NULL;
done:
    ric_output_abort(o);
    free(row);
    ric_sim_free(s);
    return st;
}
