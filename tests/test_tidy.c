/* The tidy tables of a sweep (batch/tidy.c): long.tsv read back and compared with series.tsv value
 * for value, summary.tsv against the means of the final rows and read as numpy.loadtxt reads it
 * (with numpy itself when python3 has it), the same tables after a merge of shards and after a
 * comparison, and the parameters' column names ('name', or the key path made an identifier). */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_support.h"
#include "tmpdir.h"

#include "ricsim/experiment.h"

static const char base_cfg[] = TINY_CFG_TEXT;

/* 3 x 2 grid x 3 replications; the second parameter is named */
static const char exp_text[] =
    "@include \"base.cfg\"\n"
    "experiment = {\n"
    "  seed = 2385L;\n"
    "  replications = 3;\n"
    "  parameters = (\n"
    "    { key = \"regions.dst.startup_rate\"; values = [1.5, 3.5, 7.25]; },\n"
    "    { key = \"rules.spinoff.heritage\"; name = \"heritage\"; min = 0.55; max = 0.85; "
    "levels = 2; }\n"
    "  );\n"
    "  indicators = [\"firms\", \"employees_smes\", \"spinoffs_cum\"];\n"
    "};\n";

#define N_IND 3
static const char *const ind[N_IND] = {"firms", "employees_smes", "spinoffs_cum"};

/* Splits the line at *pos into at most MAX tab-separated fields (in place); advances *pos. */
static size_t next_line(char **pos, char **f, size_t max)
{
    char *p = *pos;
    if (!p || !*p)
        return 0;
    char *nl = strchr(p, '\n');
    if (nl)
        *nl = '\0';
    *pos = nl ? nl + 1 : NULL;
    size_t n = 0;
    while (n < max) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

/* The rows of series.tsv: run id, and year plus the indicators as text. */
typedef struct {
    size_t run;
    char *v[N_IND + 1];
} srow;

static size_t series_rows(char *text, srow *out, size_t max)
{
    size_t n = 0, run = 0;
    long col[N_IND + 1] = {-1};
    int header = 0;
    char *pos = text, *f[512];
    size_t nf;
    while ((nf = next_line(&pos, f, 512)) > 0) {
        if (strncmp(f[0], "# [run ", 7) == 0) {
            run = strtoul(f[0] + 7, NULL, 10);
            header = 0;
            continue;
        }
        if (f[0][0] == '#' || f[0][0] == '\0')
            continue;
        if (!header) {
            for (size_t k = 0; k <= N_IND; k++) {
                col[k] = -1;
                for (size_t i = 0; i < nf; i++)
                    if (strcmp(f[i], k ? ind[k - 1] : "year") == 0)
                        col[k] = (long)i;
                cr_assert(col[k] >= 0);
            }
            header = 1;
            continue;
        }
        cr_assert(n < max);
        out[n].run = run;
        for (size_t k = 0; k <= N_IND; k++)
            out[n].v[k] = f[col[k]];
        n++;
    }
    return n;
}

#define MAX_ROWS 4096

Test(tidy, long_table_holds_the_series_values, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(exp_text);
    sweep_to(p, in_tmp("out"), (ric_sweep_opts){.jobs = 2});
    char *series = slurp(in_tmp("out/series.tsv")), *lng = slurp(in_tmp("out/long.tsv"));
    cr_assert_not_null(series);
    cr_assert_not_null(lng);
    static srow rows[MAX_ROWS];
    size_t n = series_rows(series, rows, MAX_ROWS);
    cr_assert_eq(n, p->n_runs * 3, "3 years: 3 rows per run (got %zu)", n);

    char *pos = lng, *f[64];
    size_t nf = next_line(&pos, f, 64);
    const char *want[] = {
        "run",      "design_row", "replication", "seed",           "regions_dst_startup_rate",
        "heritage", "year",       "firms",       "employees_smes", "spinoffs_cum"};
    cr_assert_eq(nf, 10);
    for (size_t i = 0; i < nf; i++)
        cr_assert_str_eq(f[i], want[i]);
    size_t i = 0;
    while ((nf = next_line(&pos, f, 64)) > 0) {
        cr_assert_eq(nf, 10, "line %zu", i + 2);
        cr_assert(i < n);
        ric_run_spec rs;
        ric_plan_run(p, rows[i].run, &rs);
        cr_assert_eq(strtoul(f[0], NULL, 10), rows[i].run);
        cr_assert_eq(strtoul(f[1], NULL, 10), rs.row);
        cr_assert_eq(strtoul(f[2], NULL, 10), rs.rep);
        cr_assert_eq(strtoull(f[3], NULL, 10), rs.seed);
        for (size_t j = 0; j < 2; j++)
            cr_assert_eq(strtod(f[4 + j], NULL), p->d.x[rs.row * p->n_params + j], "%s", f[4 + j]);
        for (size_t k = 0; k <= N_IND; k++)
            cr_assert_str_eq(f[6 + k], rows[i].v[k], "run %zu, column %zu", rows[i].run, 6 + k);
        i++;
    }
    cr_assert_eq(i, n);
    free(series);
    free(lng);
    ric_plan_free(p);
}

Test(tidy, summary_is_the_mean_at_the_final_step, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(exp_text);
    sweep_to(p, in_tmp("out"), (ric_sweep_opts){.jobs = 2});
    char *series = slurp(in_tmp("out/series.tsv")), *sum = slurp(in_tmp("out/summary.tsv"));
    static srow rows[MAX_ROWS];
    size_t n = series_rows(series, rows, MAX_ROWS);
    double mean[16][N_IND] = {{0}};
    for (size_t i = 0; i < n; i++)
        if (i + 1 == n || rows[i + 1].run != rows[i].run) { /* a run's final row */
            ric_run_spec rs;
            ric_plan_run(p, rows[i].run, &rs);
            for (size_t k = 0; k < N_IND; k++)
                mean[rs.row][k] += strtod(rows[i].v[k + 1], NULL) / (double)p->reps;
        }
    /* as numpy.loadtxt reads it: '#' lines are comments, the rest whole numbers in columns */
    cr_assert(strncmp(sum,
                      "# design_row\tregions_dst_startup_rate\theritage\tfirms\t"
                      "employees_smes\tspinoffs_cum\n",
                      80) == 0,
              "%s", sum);
    char *pos = sum, *f[64];
    size_t nf, r = 0;
    next_line(&pos, f, 64);
    while ((nf = next_line(&pos, f, 64)) > 0) {
        cr_assert_neq(f[0][0], '#', "one header line");
        cr_assert_eq(nf, 6);
        for (size_t c = 0; c < nf; c++) {
            char *end;
            strtod(f[c], &end);
            cr_assert(*f[c] && !*end, "not a number: '%s'", f[c]);
        }
        cr_assert_eq(strtoul(f[0], NULL, 10), r);
        for (size_t k = 0; k < N_IND; k++)
            cr_assert_float_eq(strtod(f[3 + k], NULL), mean[r][k], 1e-9 * (1 + fabs(mean[r][k])),
                               "row %zu, %s", r, ind[k]);
        r++;
    }
    cr_assert_eq(r, p->d.n_rows);
    free(series);
    free(sum);
    ric_plan_free(p);

    if (system("python3 -c 'import numpy' > /dev/null 2>&1") == 0) {
        char cmd[512];
        snprintf(cmd, sizeof cmd,
                 "python3 -c \"import numpy as np, sys; a = np.loadtxt(sys.argv[1]); "
                 "assert a.shape == (6, 6), a.shape\" '%s'",
                 in_tmp("out/summary.tsv"));
        cr_assert_eq(system(cmd), 0, "numpy.loadtxt cannot read summary.tsv");
    }
}

Test(tidy, merged_shards_give_the_same_tables, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(exp_text);
    sweep_to(p, in_tmp("one"), (ric_sweep_opts){.jobs = 2});
    for (size_t s = 0; s < 3; s++)
        sweep_to(p, in_tmp("sh"), (ric_sweep_opts){.jobs = 1, .shard = s, .n_shards = 3});
    size_t n = 0;
    ric_err err = {{0}};
    cr_assert_eq(ric_sweep_merge(in_tmp("sh"), 0, &n, &err), RIC_OK, "%s", err.msg);
    const char *files[] = {"long.tsv", "summary.tsv", "plan.tsv"};
    for (size_t i = 0; i < 3; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "one/%s", files[i]);
        snprintf(b, sizeof b, "sh/%s", files[i]);
        char *ta = slurp(in_tmp(a)), *tb = slurp(in_tmp(b));
        cr_assert_not_null(ta);
        cr_assert_not_null(tb);
        cr_assert_str_eq(ta, tb, "%s differs after the merge", files[i]);
        free(ta);
        free(tb);
    }
    ric_plan_free(p);
}

Test(tidy, a_comparison_writes_the_tables, .init = make_tmp, .fini = cleanup)
{
    write_file("a.cfg", base_cfg);
    ric_plan *p = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_plan_compare(in_tmp("a.cfg"), in_tmp("a.cfg"), 2, 5, "firms,smes", &p, &err),
                 RIC_OK, "%s", err.msg);
    sweep_to(p, in_tmp("cmp"), (ric_sweep_opts){.jobs = 2});
    char *lng = slurp(in_tmp("cmp/long.tsv")), *sum = slurp(in_tmp("cmp/summary.tsv"));
    cr_assert(strncmp(lng, "run\tdesign_row\treplication\tseed\tyear\tfirms\tsmes\n", 46) == 0,
              "%s", lng);
    size_t lines = 0;
    for (const char *c = lng; *c; c++)
        lines += *c == '\n';
    cr_assert_eq(lines, 1 + 4 * 3, "2 scenarios x 2 replications x 3 rows");
    cr_assert(strncmp(sum, "# design_row\tfirms\tsmes\n0\t", 26) == 0, "%s", sum);
    free(lng);
    free(sum);
    ric_plan_free(p);
}

static void plan_fails(const char *param, const char *want)
{
    char text[1024];
    snprintf(text, sizeof text,
             "@include \"base.cfg\"\nexperiment = {\n  parameters = (\n%s  );\n};\n", param);
    write_file("base.cfg", base_cfg);
    const char *path = write_file("exp.cfg", text);
    ric_plan *p = NULL;
    ric_err err = {{0}};
    cr_assert_neq(ric_plan_load(path, &p, &err), RIC_OK, "expected '%s'", want);
    cr_assert_not_null(strstr(err.msg, want), "'%s' lacks '%s'", err.msg, want);
}

Test(tidy, parameter_names_are_checked, .init = make_tmp, .fini = cleanup)
{
    plan_fails("    { key = \"rules.spinoff.heritage\"; name = \"2nd\"; values = [0.5]; }\n",
               "exp.cfg:4: 'experiment.parameters.[0].name' must be a letter then letters, digits "
               "or '_', at most 63 characters (got \"2nd\")");
    plan_fails("    { key = \"rules.spinoff.heritage\"; name = \"year\"; values = [0.5]; }\n",
               "exp.cfg:4: 'experiment.parameters.[0]' names the column 'year' of long.tsv");
    plan_fails("    { key = \"rules.spinoff.heritage\"; name = \"h\"; values = [0.5]; },\n"
               "    { key = \"regions.dst.startup_rate\"; name = \"h\"; values = [2.0]; }\n",
               "exp.cfg:5: 'experiment.parameters.[1]' has the column name 'h' of an earlier "
               "parameter: give it a 'name'");
}

Test(tidy, plan_lists_the_names_only_when_given, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(exp_text);
    char *text = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_plan_text(p, 0, 1, &text, &err), RIC_OK);
    cr_assert_not_null(strstr(text, "\n# parameter_names=regions_dst_startup_rate\theritage\n"),
                       "%s", text);
    free(text);
    ric_plan_free(p);
    p = plan_of("@include \"base.cfg\"\nexperiment = { parameters = ( { key = "
                "\"rules.spinoff.heritage\"; values = [0.5]; } ); };\n");
    cr_assert_eq(ric_plan_text(p, 0, 1, &text, &err), RIC_OK);
    cr_assert_null(strstr(text, "parameter_names"), "%s", text);
    free(text);
    ric_plan_free(p);
}
