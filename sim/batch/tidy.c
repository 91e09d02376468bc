/* Tidy tables of a sweep's folder, for pandas, R and numpy: long.tsv (one row per run and output
 * step), summary.tsv (one row per design row: the mean over replications at the final step) and
 * dose.tsv (the same with a 95% t interval, for dose-response figures).
 * Both are read back from the folder's plan.tsv and series.tsv alone, so a merge and a finished
 * sweep write the same bytes. Owns the names of the parameters' columns. */
#include "batch/tidy.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "base/atomic.h"
#include "base/consts.h"
#include "base/fs.h"
#include "ricsim/experiment.h"
#include "ricsim/stats.h"
#include "run/output.h"

#define MAX_COLS 64 /* indicators or parameters named in plan.tsv */

void ric_tidy_name(const char *key, char *out, size_t n)
{
    size_t i = 0;
    for (; key[i] && i + 1 < n; i++)
        out[i] = isalnum((unsigned char)key[i]) || key[i] == '_' ? key[i] : '_';
    out[i] = '\0';
}

/* Splits LINE at tabs in place into at most MAX fields; returns their number. */
static size_t split(char *line, char **f, size_t max, char sep)
{
    size_t n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *t = strchr(p, sep);
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

typedef struct {
    size_t row, rep;
    const char *seed;
    const char *vals[MAX_COLS];
} run_info;

typedef struct {
    char *text;    /* plan.tsv, tokenised in place */
    size_t n_rows; /* design rows */
    size_t n_params, n_ind;
    char names[MAX_COLS][RIC_TIDY_NAME_MAX]; /* the parameters' columns */
    char *ind[MAX_COLS];
    size_t first, n_runs; /* run ids first .. first + n_runs - 1 (a shard's slice) */
    run_info *runs;
} plan_info;

static ric_status bad(ric_err *err, const char *path, size_t line, const char *what)
{
    ric_err_set(err, "%s:%zu: %s", path, line, what);
    return RIC_EIO;
}

/* Reads plan.tsv of DIR into pi. */
static ric_status read_plan(const char *dir, plan_info *pi, ric_err *err)
{
    char path[RIC_JOINED_MAX];
    ric_fs_join(dir, "plan.tsv", path);
    size_t len;
    pi->text = ric_fs_read(path, &len);
    if (!pi->text) {
        ric_err_set(err, "%s: cannot read: %s", path, strerror(errno));
        return RIC_EIO;
    }
    char *names_line = NULL;
    size_t lineno = 0, cap = 0;
    int header = 0;
    for (char *p = pi->text, *nl; p && *p; p = nl) {
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        lineno++;
        if (strncmp(p, "# design=", 9) == 0) {
            const char *r = strstr(p, " rows=");
            if (r)
                pi->n_rows = (size_t)strtoull(r + 6, NULL, 10);
        } else if (strncmp(p, "# indicators=", 13) == 0) {
            pi->n_ind = *(p + 13) ? split(p + 13, pi->ind, MAX_COLS, ',') : 0;
        } else if (strncmp(p, "# parameter_names=", 18) == 0) {
            names_line = p + 18;
        } else if (p[0] == '#') {
            continue;
        } else if (!header) {
            char *f[MAX_COLS + 8];
            size_t n = split(p, f, MAX_COLS + 8, '\t');
            if (n < 6 || strcmp(f[0], "run") != 0 || strcmp(f[n - 2], "seed") != 0)
                return bad(err, path, lineno, "not the header of a plan");
            pi->n_params = n - 6;
            char *given[MAX_COLS];
            size_t n_given = names_line ? split(names_line, given, MAX_COLS, '\t') : 0;
            if (names_line && n_given != pi->n_params)
                return bad(err, path, lineno, "parameter_names does not match the columns");
            for (size_t j = 0; j < pi->n_params; j++)
                ric_tidy_name(names_line ? given[j] : f[4 + j], pi->names[j], RIC_TIDY_NAME_MAX);
            header = 1;
        } else {
            char *f[MAX_COLS + 8];
            size_t n = split(p, f, MAX_COLS + 8, '\t');
            if (n != pi->n_params + 6)
                return bad(err, path, lineno, "wrong number of fields");
            size_t id = (size_t)strtoull(f[0], NULL, 10);
            if (pi->n_runs == 0)
                pi->first = id;
            if (id != pi->first + pi->n_runs)
                return bad(err, path, lineno, "runs out of order");
            if (pi->n_runs == cap) {
                cap = cap ? 2 * cap : 64;
                run_info *r = realloc(pi->runs, cap * sizeof *r);
                if (!r) {
                    ric_err_set(err, "out of memory");
                    return RIC_ENOMEM;
                }
                pi->runs = r;
            }
            run_info *r = &pi->runs[pi->n_runs++];
            r->row = (size_t)strtoull(f[1], NULL, 10);
            r->rep = (size_t)strtoull(f[2], NULL, 10);
            r->seed = f[4 + pi->n_params];
            for (size_t j = 0; j < pi->n_params; j++)
                r->vals[j] = f[4 + j];
            if (r->row >= pi->n_rows)
                return bad(err, path, lineno, "design row out of range");
        }
    }
    if (!header)
        return bad(err, path, lineno, "no header");
    return RIC_OK;
}

/* A header row: FIRST, the parameters, MIDDLE, the indicators. */
static void put_header(FILE *f, const char *first, const plan_info *pi, const char *middle)
{
    fputs(first, f);
    for (size_t j = 0; j < pi->n_params; j++)
        fprintf(f, "\t%s", pi->names[j]);
    fputs(middle, f);
    for (size_t k = 0; k < pi->n_ind; k++)
        fprintf(f, "\t%s", pi->ind[k]);
    fputs("\n", f);
}

/* Adds the final row LAST of run R to its design row's sums (and sums of squares, SQ) for
 * summary.tsv and dose.tsv. A NaN (undefined in the run) is left out of that indicator's sums. */
static void add_final(const plan_info *pi, const run_info *r, const double *last, double *sum,
                      double *sq, size_t *count)
{
    for (size_t k = 0; k < pi->n_ind; k++) {
        const size_t at = r->row * pi->n_ind + k;
        if (isnan(last[k]))
            continue;
        sum[at] += last[k];
        sq[at] += last[k] * last[k];
        count[at]++;
    }
}

ric_status ric_tidy_sweep(const char *dir, ric_err *err)
{
    plan_info pi = {0};
    ric_atomic tab[3] = {{0}}; /* long.tsv, summary.tsv, dose.tsv: committed together */
    ric_atomic *lf = &tab[0], *sf = &tab[1], *df = &tab[2];
    FILE *in = NULL;
    char *line = NULL;
    double *sum = NULL, *sq = NULL, *last = NULL;
    size_t *count = NULL;
    ric_status st = read_plan(dir, &pi, err);
    char path[RIC_JOINED_MAX];
    ric_fs_join(dir, "series.tsv", path);
    if (st == RIC_OK && !(in = fopen(path, "r"))) {
        ric_err_set(err, "%s: cannot read: %s", path, strerror(errno));
        st = RIC_EIO;
    }
    if (st == RIC_OK) {
        sum = calloc(pi.n_rows * pi.n_ind + 1, sizeof *sum);
        sq = calloc(pi.n_rows * pi.n_ind + 1, sizeof *sq);
        count = calloc(pi.n_rows * pi.n_ind + 1, sizeof *count);
        last = calloc(pi.n_ind + 1, sizeof *last);
        if (!sum || !sq || !count || !last) {
            ric_err_set(err, "out of memory");
            st = RIC_ENOMEM;
        }
    }
    if (st == RIC_OK)
        st = ric_atomic_open(lf, dir, "long.tsv", 0, err);
    if (st == RIC_OK)
        put_header(lf->f, "run\tdesign_row\treplication\tseed", &pi, "\tyear");
    /* series.tsv: per run, "# [run K] ..." lines, a header, then its rows */
    size_t cap = 0, lineno = 0;
    long col[MAX_COLS + 1]; /* year, then the indicators: columns of the run's header, or -1 */
    run_info *cur = NULL;
    for (size_t k = 0; k <= MAX_COLS; k++)
        col[k] = -1;
    int have_last = 0, have_header = 0;
    ssize_t got;
    while (st == RIC_OK && (got = getline(&line, &cap, in)) >= 0) {
        lineno++;
        if (got > 0 && line[got - 1] == '\n')
            line[--got] = '\0';
        if (got == 0)
            continue; /* the blank lines between gnuplot's data sets */
        if (strncmp(line, "# [run ", 7) == 0 || line[0] != '#') {
            if (line[0] == '#' || !cur) {
                /* a new run (or rows outside any): close the last run's summary */
                if (cur && have_last)
                    add_final(&pi, cur, last, sum, sq, count);
                have_last = 0;
                cur = NULL;
                if (line[0] != '#') {
                    st = bad(err, path, lineno, "rows before a run's header");
                    break;
                }
                size_t id = (size_t)strtoull(line + 7, NULL, 10);
                if (id < pi.first || id >= pi.first + pi.n_runs) {
                    st = bad(err, path, lineno, "a run not in plan.tsv");
                    break;
                }
                cur = &pi.runs[id - pi.first];
                have_header = 0;
                continue;
            }
            char *f[512];
            size_t n = split(line, f, 512, '\t');
            if (!have_header) { /* the run's header: a failed run's is "year" alone */
                for (size_t k = 0; k <= pi.n_ind; k++) {
                    const char *want = k ? pi.ind[k - 1] : "year";
                    col[k] = -1;
                    for (size_t i = 0; i < n; i++)
                        if (strcmp(f[i], want) == 0)
                            col[k] = (long)i;
                }
                have_header = 1;
                continue;
            }
            size_t id = (size_t)(cur - pi.runs) + pi.first;
            fprintf(lf->f, "%zu\t%zu\t%zu\t%s", id, cur->row, cur->rep, cur->seed);
            for (size_t j = 0; j < pi.n_params; j++)
                fprintf(lf->f, "\t%s", cur->vals[j]);
            for (size_t k = 0; k <= pi.n_ind; k++) {
                const char *v = col[k] >= 0 && (size_t)col[k] < n ? f[col[k]] : "NaN";
                fprintf(lf->f, "\t%s", v);
                if (k)
                    last[k - 1] = strtod(v, NULL);
            }
            fputs("\n", lf->f);
            have_last = 1;
        }
    }
    if (st == RIC_OK && cur && have_last)
        add_final(&pi, cur, last, sum, sq, count);
    if (st == RIC_OK && ferror(in)) {
        ric_err_set(err, "%s: cannot read: %s", path, strerror(errno));
        st = RIC_EIO;
    }
    if (st == RIC_OK)
        st = ric_atomic_open(sf, dir, "summary.tsv", 0, err);
    if (st == RIC_OK)
        st = ric_atomic_open(df, dir, "dose.tsv", 0, err);
    if (st == RIC_OK) {
        put_header(sf->f, "# design_row", &pi, "");
        /* dose.tsv: the same rows, each indicator's mean with its 95% t interval */
        fputs("# design_row", df->f);
        for (size_t j = 0; j < pi.n_params; j++)
            fprintf(df->f, "\t%s", pi.names[j]);
        for (size_t k = 0; k < pi.n_ind; k++)
            fprintf(df->f, "\t%s\t%s_lo\t%s_hi", pi.ind[k], pi.ind[k], pi.ind[k]);
        fputs("\n", df->f);
        /* the design rows of this folder's runs (all of them, or a shard's) in design order */
        size_t lo = pi.n_runs ? pi.runs[0].row : 0;
        size_t hi = pi.n_runs ? pi.runs[pi.n_runs - 1].row + 1 : 0;
        for (size_t r = lo; r < hi; r++) {
            const run_info *any = NULL;
            for (size_t i = 0; i < pi.n_runs && !any; i++)
                if (pi.runs[i].row == r)
                    any = &pi.runs[i];
            if (!any)
                continue;
            fprintf(sf->f, "%zu", r);
            fprintf(df->f, "%zu", r);
            for (size_t j = 0; j < pi.n_params; j++) {
                fprintf(sf->f, "\t%s", any->vals[j]);
                fprintf(df->f, "\t%s", any->vals[j]);
            }
            for (size_t k = 0; k < pi.n_ind; k++) {
                const size_t at = r * pi.n_ind + k, n = count[at];
                const double mean = n ? sum[at] / (double)n : NAN;
                const double var =
                    n > 1 ? fmax(0.0, (sq[at] - (double)n * mean * mean) / (double)(n - 1)) : NAN;
                const double h =
                    n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sqrt(var / (double)n)
                          : NAN;
                fputs("\t", sf->f);
                ric_output_put_value(sf->f, mean);
                const double v3[3] = {mean, mean - h, mean + h};
                for (int q = 0; q < 3; q++) {
                    fputs("\t", df->f);
                    ric_output_put_value(df->f, v3[q]);
                }
            }
            fputs("\n", sf->f);
            fputs("\n", df->f);
        }
    }
    if (in)
        fclose(in);
    if (st == RIC_OK)
        st = ric_atomic_commit_set(tab, 3, err);
    for (int k = 0; k < 3; k++)
        ric_atomic_abort(&tab[k]);
    free(line);
    free(sum);
    free(sq);
    free(count);
    free(last);
    free(pi.runs);
    free(pi.text);
    return st;
}

ric_status ric_tidy_finish(const char *dir, ric_err *err)
{
    ric_status st = ric_tidy_sweep(dir, err);
    if (st == RIC_OK)
        st = ric_stats_regions(dir, err);
    if (st == RIC_OK)
        st = ric_stats_sweep(dir, err);
    if (st != RIC_OK)
        ric_tidy_remove(dir);
    return st;
}

void ric_tidy_remove(const char *dir)
{
    static const char *const names[] = {"stats.tsv", "long.tsv", "summary.tsv", "dose.tsv",
                                        "regions_stats.tsv"}; /* the mark first */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[RIC_JOINED_MAX];
        ric_fs_join(dir, names[i], path);
        unlink(path); /* a name, never followed */
    }
}

/* DIR/NAME.tsv copied to DIR/NAME.csv with commas for tabs (the values are numbers and
 * identifiers: nothing to quote); a leading "# " of the header is dropped. */
static ric_status csv_copy(const char *dir, const char *name, ric_err *err)
{
    char path[RIC_JOINED_MAX], file[64];
    snprintf(file, sizeof file, "%s.tsv", name);
    ric_fs_join(dir, file, path);
    size_t len;
    char *text = ric_fs_read(path, &len);
    if (!text) {
        ric_err_set(err, "%s: cannot read: %s", path, strerror(errno));
        return RIC_EIO;
    }
    size_t skip = strncmp(text, "# ", 2) == 0 ? 2 : 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\t')
            text[i] = ',';
    snprintf(file, sizeof file, "%s.csv", name);
    ric_status st = ric_atomic_write(dir, file, 0, text + skip, len - skip, err);
    free(text);
    return st;
}

ric_status ric_sweep_export(const char *dir, int csv, ric_err *err)
{
    char path[RIC_JOINED_MAX];
    ric_fs_join(dir, "stats.tsv", path);
    if (!ric_fs_exists(path)) {
        ric_err_set(err, "%s: not a finished sweep or comparison (no stats.tsv)", dir);
        return RIC_EUSAGE;
    }
    ric_status st = ric_tidy_sweep(dir, err);
    if (st == RIC_OK && csv)
        st = csv_copy(dir, "long", err);
    if (st == RIC_OK && csv)
        st = csv_copy(dir, "summary", err);
    return st;
}
