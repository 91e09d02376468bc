/* Executing one run of a plan in this process (a worker or an MPI rank): the simulation, its
 * series and regions texts and the record of the run, and the per-run files K.series, K.regions
 * and K.row a sweep keeps in its runs folder. */
#include "batch/execute.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/sbuf.h"
#include "batch/runs.h"
#include "ricsim/scenario.h"
#include "ricsim/sim.h"
#include "run/output.h"
#include "run/regions.h"

/* Copies TEXT into a TSV field: tabs and line breaks would break the table. */
static void field_text(const char *text, char *buf, size_t n)
{
    snprintf(buf, n, "%s", text);
    for (char *p = buf; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
}

void ric_execute_path(const char *runs_dir, size_t id, const char *ext, char *buf)
{
    snprintf(buf, RIC_PATH_MAX, "%s/%zu.%s", runs_dir, id, ext);
}

/* Final, mean and maximum of each indicator over the output rows (NaN rows left out). */
static void summarise(const ric_plan *p, const double *last, const double *sum, const double *cnt,
                      const double *max, char *buf, size_t n)
{
    ric_sbuf b = {0};
    for (size_t i = 0; i < p->n_indicators; i++) {
        double v[3] = {last[i], cnt[i] > 0 ? sum[i] / cnt[i] : NAN, cnt[i] > 0 ? max[i] : NAN};
        for (int k = 0; k < 3; k++) {
            char t[32];
            if (isnan(v[k]))
                snprintf(t, sizeof t, "NaN");
            else
                snprintf(t, sizeof t, "%.10g", v[k]);
            ric_sbuf_put(&b, "%s%s", i || k ? "\t" : "", t);
        }
    }
    snprintf(buf, n, "%s", b.buf ? b.buf : "");
    free(b.buf);
}

void ric_execute_nan_summary(const ric_plan *p, char *buf, size_t n)
{
    double nan3[RIC_PLAN_MAX_INDICATORS], zero[RIC_PLAN_MAX_INDICATORS];
    for (size_t i = 0; i < p->n_indicators; i++) {
        nan3[i] = NAN;
        zero[i] = 0;
    }
    summarise(p, nan3, zero, zero, nan3, buf, n);
}

/* Widest text of one value in a row (%.10g: "-1.234567891e-100"), with its separator. */
#define VALUE_CHARS 24

/* The data sets of the run's regions, as its regions.tsv writes them but named "[run K region
 * NAME] design_row=R replication=P", appended to the series text *buf of USED bytes (realloc'd);
 * REG holds N_ROWS rows of every region's RIC_RCOL_N values. */
static ric_status append_regions(const ric_plan *p, size_t id, const ric_scenario *sc,
                                 const double *reg, size_t n_rows, char **buf, size_t used,
                                 size_t *len, ric_err *err)
{
    ric_run_spec rs;
    ric_plan_run(p, id, &rs);
    char pre[48], post[80];
    snprintf(pre, sizeof pre, "run %zu ", id);
    snprintf(post, sizeof post, " design_row=%zu replication=%zu", rs.row, rs.rep);
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (f) {
        const size_t stride = (size_t)sc->n_regions * RIC_RCOL_N;
        for (int k = 0; k < sc->n_regions; k++)
            ric_output_regions_put(f, sc, k, pre, post, reg + (size_t)k * RIC_RCOL_N, n_rows,
                                   stride);
    }
    int bad = !f || ferror(f) || fclose(f) != 0;
    char *all = bad ? NULL : realloc(*buf, used + n + 1);
    if (!all) {
        free(text);
        ric_err_set(err, "%s: out of memory for the regions of run %zu", sc->source, id);
        return RIC_ENOMEM;
    }
    memcpy(all + used, text, n);
    all[used + n] = '\0';
    free(text);
    *buf = all;
    *len = n;
    return RIC_OK;
}

/* Runs ID; its series (header and rows) goes into *text (caller frees), a buffer sized before the
 * step loop for the widest rows the run can write, so that nothing is allocated inside the loop,
 * followed by the data sets of its regions (their rows kept in room reserved before the loop):
 * *len bytes of series, then *reg_len of regions. */
static ric_status simulate(const ric_plan *p, size_t id, char **text, size_t *len, size_t *reg_len,
                           ric_run_result *r, ric_err *err)
{
    ric_scenario *sc = NULL;
    ric_sim *s = NULL;
    double *row = NULL, *reg = NULL;
    char *buf = NULL;
    FILE *f = NULL;
    ric_status st = ric_runs_load(p, id, &sc, err);
    if (st != RIC_OK)
        return st;
    r->hash = (unsigned long long)sc->hash;
    st = ric_sim_alloc(sc, &s, err);
    if (st != RIC_OK)
        goto done;
    size_t nc = ric_sim_ncols(s);
    /* output rows: every output_every steps, and the last step */
    size_t rows =
        (size_t)llround((sc->end - sc->start) * sc->steps_per_year) / (size_t)sc->output_every + 2;
    size_t cap = nc * (64 + rows * VALUE_CHARS) + 1;           /* names are shorter than 64 */
    const size_t reg_row = (size_t)sc->n_regions * RIC_RCOL_N; /* values of one output row */
    size_t n_reg = 0;
    row = malloc(nc * sizeof *row);
    reg = malloc((rows * reg_row + 1) * sizeof *reg);
    buf = malloc(cap);
    f = buf ? fmemopen(buf, cap, "w") : NULL;
    if (!row || !reg || !f) {
        ric_err_set(err, "%s: out of memory for the series of run %zu", sc->source, id);
        st = RIC_ENOMEM;
        goto done;
    }
    long idx[RIC_PLAN_MAX_INDICATORS];
    double last[RIC_PLAN_MAX_INDICATORS], sum[RIC_PLAN_MAX_INDICATORS],
        cnt[RIC_PLAN_MAX_INDICATORS], max[RIC_PLAN_MAX_INDICATORS];
    const char *const *names = ric_sim_colnames(s);
    for (size_t i = 0; i < p->n_indicators; i++) {
        idx[i] = -1;
        for (size_t k = 0; k < nc; k++)
            if (strcmp(names[k], p->indicators[i]) == 0)
                idx[i] = (long)k;
        last[i] = max[i] = NAN;
        sum[i] = cnt[i] = 0;
    }
    for (size_t k = 0; k < nc; k++)
        fprintf(f, "%s%s", k ? "\t" : "", names[k]);
    fputc('\n', f);
    double steps = 0, t0 = ric_clock_s();
    while (!ric_sim_done(s)) {
        int due;
        st = ric_sim_advance(s, row, &due, err);
        if (st != RIC_OK)
            goto done;
        steps++;
        if (!due)
            continue;
        ric_output_write_row(f, row, nc);
        if (n_reg < rows) /* room for every row the run can write */
            for (int k = 0; k < sc->n_regions; k++)
                memcpy(reg + n_reg * reg_row + (size_t)k * RIC_RCOL_N,
                       ric_regions_row(ric_sim_regions(s), k), RIC_RCOL_N * sizeof *reg);
        n_reg++;
        for (size_t i = 0; i < p->n_indicators; i++) {
            double v = idx[i] >= 0 ? row[idx[i]] : NAN;
            last[i] = v;
            if (isnan(v))
                continue;
            sum[i] += v;
            cnt[i]++;
            if (!(v <= max[i]))
                max[i] = v;
        }
    }
    double dt = ric_clock_s() - t0;
    r->steps_per_s = dt > 0 ? steps / dt : NAN;
    summarise(p, last, sum, cnt, max, r->summary, sizeof r->summary);
    long used = ftell(f);
    if (ferror(f) || fflush(f) != 0 || used < 0 || (size_t)used >= cap) {
        ric_err_set(err, "%s: the series of run %zu overflows its %zu bytes", sc->source, id, cap);
        st = RIC_ENOMEM;
        goto done;
    }
    fclose(f);
    f = NULL;
    if (n_reg > rows) {
        ric_err_set(err, "%s: run %zu wrote more than its %zu output rows", sc->source, id, rows);
        st = RIC_ENOMEM;
        goto done;
    }
    st = append_regions(p, id, sc, reg, n_reg, &buf, (size_t)used, reg_len, err);
    if (st != RIC_OK)
        goto done;
    *text = buf;
    *len = (size_t)used;
    buf = NULL;
done:
    if (f)
        fclose(f);
    free(buf);
    free(reg);
    free(row);
    ric_sim_free(s);
    ric_scenario_free(sc);
    return st;
}

char *ric_execute_text(const ric_run_result *r, size_t *len)
{
    char e[512];
    field_text(r->error, e, sizeof e);
    ric_sbuf b = {0};
    ric_sbuf_put(
        &b,
        "status=%s\nscenario_hash=%016llx\nwall_s=%.3f\nsteps_per_s=%.0f\nseries_bytes=%ld\n"
        "regions_bytes=%ld\nsummary=%s\nerror=%s\n",
        r->ok ? "ok" : "failed", r->hash, r->wall_s, r->steps_per_s, r->series_bytes,
        r->regions_bytes, r->summary, e);
    if (b.oom) {
        free(b.buf);
        return NULL;
    }
    *len = b.n;
    return b.buf;
}

/* The per-run files are written without fsync: one torn by a crash is caught by kept_run in the
 * sweep (the K.row must parse and give the sizes of K.series and K.regions), and reruns. */
ric_status ric_execute_save(const char *runs_dir, size_t id, const ric_run_result *r,
                            const char *row, size_t row_len, const char *out, size_t out_len,
                            ric_err *err)
{
    if (r->series_bytes < 0 || r->regions_bytes < 0 ||
        (size_t)r->series_bytes + (size_t)r->regions_bytes != out_len) {
        ric_err_set(err, "%s: the results of run %zu do not have the sizes their record gives",
                    runs_dir, id);
        return RIC_EUSAGE;
    }
    char name[64];
    snprintf(name, sizeof name, "%zu.series", id);
    ric_status st =
        ric_atomic_write(runs_dir, name, RIC_ATOMIC_NOSYNC, out, (size_t)r->series_bytes, err);
    if (st != RIC_OK)
        return st;
    snprintf(name, sizeof name, "%zu.regions", id);
    st = ric_atomic_write(runs_dir, name, RIC_ATOMIC_NOSYNC, out + r->series_bytes,
                          (size_t)r->regions_bytes, err);
    if (st != RIC_OK)
        return st;
    snprintf(name, sizeof name, "%zu.row", id);
    return ric_atomic_write(runs_dir, name, RIC_ATOMIC_NOSYNC, row, row_len, err);
}

ric_status ric_plan_execute(const ric_plan *p, size_t id, char **row, size_t *row_len,
                            char **series, size_t *series_len, ric_err *err)
{
    ric_run_result r = {.ok = 0, .wall_s = 0, .steps_per_s = NAN};
    char *text = NULL;
    size_t len = 0, reg_len = 0;
    double t0 = ric_clock_s();
    ric_err e = {{0}};
    ric_status st = simulate(p, id, &text, &len, &reg_len, &r, &e);
    r.wall_s = ric_clock_s() - t0;
    r.ok = st == RIC_OK;
    if (!r.ok) { /* the header only, so that the data set still exists for gnuplot's index */
        snprintf(r.error, sizeof r.error, "%s", e.msg);
        ric_execute_nan_summary(p, r.summary, sizeof r.summary);
        free(text);
        text = strdup("year\n");
        len = text ? strlen(text) : 0;
        reg_len = 0; /* no regions: the run has no data set in the sweep's regions.tsv */
    }
    r.series_bytes = (long)len;
    r.regions_bytes = (long)reg_len;
    char *rt = text ? ric_execute_text(&r, row_len) : NULL;
    if (!rt) {
        free(text);
        ric_err_set(err, "out of memory for the results of run %zu", id);
        return RIC_ENOMEM;
    }
    *row = rt;
    *series = text;
    *series_len = len + reg_len;
    return RIC_OK;
}

int ric_execute_parse(char *text, ric_run_result *r)
{
    memset(r, 0, sizeof *r);
    int seen = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(l, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *v = eq + 1;
        if (strcmp(l, "status") == 0) {
            r->ok = strcmp(v, "ok") == 0;
            seen |= 1;
        } else if (strcmp(l, "scenario_hash") == 0) {
            r->hash = strtoull(v, NULL, 16);
        } else if (strcmp(l, "wall_s") == 0) {
            r->wall_s = strtod(v, NULL);
        } else if (strcmp(l, "steps_per_s") == 0) {
            r->steps_per_s = strtod(v, NULL);
        } else if (strcmp(l, "series_bytes") == 0) {
            r->series_bytes = strtol(v, NULL, 10);
            seen |= 2;
        } else if (strcmp(l, "regions_bytes") == 0) {
            r->regions_bytes = strtol(v, NULL, 10);
            seen |= 8;
        } else if (strcmp(l, "summary") == 0) {
            snprintf(r->summary, sizeof r->summary, "%s", v);
            seen |= 4;
        } else if (strcmp(l, "error") == 0) {
            snprintf(r->error, sizeof r->error, "%s", v);
        }
    }
    return seen == 15 ? 0 : -1; /* a K.row of a version without regions_bytes: the run reruns */
}

int ric_execute_read(const char *path, ric_run_result *r)
{
    char *text = ric_fs_read(path, NULL);
    if (!text)
        return -1;
    int rc = ric_execute_parse(text, r);
    free(text);
    return rc;
}
