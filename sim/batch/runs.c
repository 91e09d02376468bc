/* The runs of a plan: each run's design row, replication, seed and overrides, the slices of a
 * sharded sweep, and the plan as text (plan.tsv and the head of series.tsv). */
#include "batch/runs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/consts.h"

/* The shortest text that reads back to the same double (overrides must reproduce a value); whole
 * numbers without a point or exponent, so that integer settings take them. */
static void fmt_exact(double v, char *buf, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* PATH quoted for a POSIX shell when it needs it. */
static void sh_quote(ric_sbuf *b, const char *s)
{
    if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=")] ==
        '\0') {
        ric_sbuf_put(b, "%s", s);
        return;
    }
    char safe[4 * RIC_PATH_MAX];
    if (ric_text_field(s, safe, sizeof safe) != s) { /* control characters: bash's $'...' */
        ric_sbuf_put(b, "$'");
        for (const char *p = safe; *p; p++)
            ric_sbuf_put(b, *p == '\'' ? "\\'" : "%c", *p);
        ric_sbuf_put(b, "'");
        return;
    }
    ric_sbuf_put(b, "'");
    for (; *s; s++)
        if (*s == '\'')
            ric_sbuf_put(b, "'\\''");
        else
            ric_sbuf_put(b, "%c", *s);
    ric_sbuf_put(b, "'");
}

ric_status ric_runs_load(const ric_plan *p, size_t id, ric_scenario **sc, ric_err *err)
{
    char ov[RIC_DESIGN_MAX_PARAMS + 1][320];
    const char *ovp[RIC_DESIGN_MAX_PARAMS + 1];
    size_t n = ric_plan_overrides(p, id, ov);
    for (size_t i = 0; i < n; i++)
        ovp[i] = ov[i];
    ric_run_spec rs;
    ric_plan_run(p, id, &rs);
    return ric_scenario_load(p->scenario[rs.scenario], ovp, n, sc, err);
}

void ric_plan_run(const ric_plan *p, size_t id, ric_run_spec *out)
{
    out->id = id;
    out->row = id / p->reps;
    out->rep = id % p->reps;
    out->scenario = p->n_scenarios == 2 ? (int)(out->row % 2) : 0;
    /* over posterior draws, each draw has seeds of its own, shared by its A and B */
    out->seed =
        p->draws
            ? ric_design_seed(ric_design_seed(p->master_seed, out->row / 2) ^ 0x3c6ef372fe94f82bull,
                              out->rep)
            : ric_design_seed(p->master_seed, out->rep);
}

void ric_runs_value(const ric_plan *p, size_t row, size_t j, char *buf, size_t n)
{
    double v = p->d.x[row * p->n_params + j];
    if (p->params[j].integer)
        snprintf(buf, n, "%.0f", v);
    else
        fmt_exact(v, buf, n);
}

size_t ric_plan_overrides(const ric_plan *p, size_t id, char (*ov)[320])
{
    ric_run_spec rs;
    ric_plan_run(p, id, &rs);
    size_t k = 0;
    for (size_t j = 0; j < p->n_params; j++) {
        char v[64];
        ric_runs_value(p, rs.row, j, v, sizeof v);
        snprintf(ov[k++], 320, "%s=%s", p->params[j].key, v);
    }
    snprintf(ov[k++], 320, "seed=%llu", (unsigned long long)rs.seed);
    return k;
}

void ric_runs_slice(size_t n_items, size_t i, size_t n, size_t *first, size_t *end)
{
    if (n < 2) {
        *first = 0;
        *end = n_items;
        return;
    }
    /* slice boundaries i * items / n, so sizes differ by at most one */
    *first = (size_t)((unsigned long long)i * n_items / n);
    *end = (size_t)((unsigned long long)(i + 1) * n_items / n);
}

void ric_plan_shard(const ric_plan *p, size_t i, size_t n, size_t *first, size_t *end)
{
    ric_runs_slice(p->n_runs, i, n, first, end);
}

void ric_runs_head(const ric_plan *p, ric_sbuf *b)
{
    /* file names are free text: escaped, so the header keeps its lines */
    char s0[4 * sizeof p->source], s1[4 * sizeof p->source];
    ric_sbuf_put(b, "# ricsim_version=%s\n", RIC_VERSION);
    if (p->n_scenarios == 2 && p->draws)
        ric_sbuf_put(b,
                     "# compare=%s vs %s over %zu posterior draws (design row 2d: A at draw d, "
                     "2d + 1: B at draw d)\n",
                     ric_text_field(p->scenario[0], s0, sizeof s0),
                     ric_text_field(p->scenario[1], s1, sizeof s1), p->draws);
    else if (p->n_scenarios == 2)
        ric_sbuf_put(b, "# compare=%s vs %s (design row 0: A, design row 1: B)\n",
                     ric_text_field(p->scenario[0], s0, sizeof s0),
                     ric_text_field(p->scenario[1], s1, sizeof s1));
    else
        ric_sbuf_put(b, "# experiment=%s\n", ric_text_field(p->source, s0, sizeof s0));
    ric_sbuf_put(b, "# design=%s rows=%zu replications=%zu runs=%zu master_seed=%llu\n", p->design,
                 p->d.n_rows, p->reps, p->n_runs, (unsigned long long)p->master_seed);
    if (p->draws)
        ric_sbuf_put(b, "# seeds: replication r of draw d has one seed for A and B (common random "
                        "numbers within a draw), its own for each draw\n");
    else
        ric_sbuf_put(b, "# seeds: replication r has the same seed in every design row (common "
                        "random numbers)\n");
    for (int s = 0; s < p->n_scenarios; s++)
        ric_sbuf_put(b, "# scenario_hash=%016llx %s\n", (unsigned long long)p->scenario_hash[s],
                     ric_text_field(p->scenario[s], s0, sizeof s0));
    ric_sbuf_put(b, "# indicators=");
    for (size_t i = 0; i < p->n_indicators; i++)
        ric_sbuf_put(b, "%s%s", i ? "," : "", p->indicators[i]);
    ric_sbuf_put(b, "\n");
}

ric_status ric_plan_text(const ric_plan *p, size_t first, size_t end, char **out, ric_err *err)
{
    ric_sbuf b = {0};
    ric_runs_head(p, &b);
    /* only when an experiment names a parameter, so that plan.tsv stays as it was otherwise */
    int named = 0;
    for (size_t j = 0; j < p->n_params; j++)
        named |= p->params[j].named;
    if (named) {
        ric_sbuf_put(&b, "# parameter_names=");
        for (size_t j = 0; j < p->n_params; j++)
            ric_sbuf_put(&b, "%s%s", j ? "\t" : "", p->params[j].name);
        ric_sbuf_put(&b, "\n");
    }
    ric_sbuf_put(&b, "run\tdesign_row\treplication\tscenario");
    for (size_t j = 0; j < p->n_params; j++)
        ric_sbuf_put(&b, "\t%s", p->params[j].key);
    ric_sbuf_put(&b, "\tseed\tcommand\n");
    for (size_t id = first; id < end && id < p->n_runs; id++) {
        ric_run_spec rs;
        ric_plan_run(p, id, &rs);
        char safe[4 * sizeof p->scenario[0]];
        ric_sbuf_put(&b, "%zu\t%zu\t%zu\t%s", id, rs.row, rs.rep,
                     ric_text_field(p->scenario[rs.scenario], safe, sizeof safe));
        for (size_t j = 0; j < p->n_params; j++) {
            char v[64];
            ric_runs_value(p, rs.row, j, v, sizeof v);
            ric_sbuf_put(&b, "\t%s", v);
        }
        ric_sbuf_put(&b, "\t%llu\tricsim run ", (unsigned long long)rs.seed);
        sh_quote(&b, p->scenario[rs.scenario]);
        ric_sbuf_put(&b, " --seed %llu", (unsigned long long)rs.seed);
        for (size_t j = 0; j < p->n_params; j++) {
            char v[64], ov[400];
            ric_runs_value(p, rs.row, j, v, sizeof v);
            snprintf(ov, sizeof ov, "%s=%s", p->params[j].key, v);
            ric_sbuf_put(&b, " --set ");
            sh_quote(&b, ov);
        }
        ric_sbuf_put(&b, " --out run_%zu\n", id);
    }
    if (b.oom) {
        free(b.buf);
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    *out = b.buf;
    return RIC_OK;
}
