/* Replication statistics with GSL: means, standard deviations, t intervals, and paired
 * differences with Welch's unpaired interval; and the tables built from a sweep's series.tsv with
 * them: stats.tsv across replications, and diff.tsv, effect.tsv and note.txt of a comparison; and
 * from its regions.tsv, regions_stats.tsv.
 * Owns those files, each written atomically (base/atomic.h). */
#include "ricsim/stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/atomic.h"
#include "base/fs.h"
#include "base/sbuf.h"
#include "batch/tidy.h"
#include "run/output.h"

/* Moves the finite-or-infinite (non-NaN) values of x to its front; returns how many there are. */
static size_t squeeze(double *x, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[k++] = x[i];
    return k;
}

/* Half width of the 95% interval for a standard error SE with DF degrees of freedom. */
static double half_width(double se, double df)
{
    if (se == 0)
        return 0;
    return gsl_cdf_tdist_Pinv(0.975, df) * se;
}

ric_status ric_stats_ci95(double *x, size_t n, ric_stats_ci *out)
{
    ric_stats_ci c = {0, NAN, NAN, NAN, NAN};
    c.n = squeeze(x, n);
    if (c.n >= 1)
        c.mean = gsl_stats_mean(x, 1, c.n);
    if (c.n >= 2) {
        c.sd = gsl_stats_sd_m(x, 1, c.n, c.mean);
        double h = half_width(c.sd / sqrt((double)c.n), (double)(c.n - 1));
        if (isnan(h))
            return RIC_EGSL;
        c.lo = c.mean - h;
        c.hi = c.mean + h;
    }
    *out = c;
    return RIC_OK;
}

ric_status ric_stats_paired(const double *a, const double *b, size_t n, double *work,
                            ric_stats_pair *out)
{
    double *d = work, *wa = work + n, *wb = work + 2 * n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(a[i]) && !isnan(b[i])) {
            wa[k] = a[i];
            wb[k] = b[i];
            d[k] = b[i] - a[i];
            k++;
        }
    ric_stats_pair p = {
        .sd_a = NAN, .sd_b = NAN, .lo_unpaired = NAN, .hi_unpaired = NAN, .vrf = NAN};
    ric_status st = ric_stats_ci95(d, k, &p.diff);
    if (st != RIC_OK)
        return st;
    if (k >= 2) {
        double nn = (double)k;
        p.sd_a = gsl_stats_sd(wa, 1, k);
        p.sd_b = gsl_stats_sd(wb, 1, k);
        double va = p.sd_a * p.sd_a / nn, vb = p.sd_b * p.sd_b / nn; /* squared standard errors */
        /* Welch-Satterthwaite degrees of freedom */
        double df = (va + vb) * (va + vb) / (va * va / (nn - 1) + vb * vb / (nn - 1));
        double h = half_width(sqrt(va + vb), df);
        if (isnan(h))
            return RIC_EGSL;
        double diff = gsl_stats_mean(wb, 1, k) - gsl_stats_mean(wa, 1, k);
        p.lo_unpaired = diff - h;
        p.hi_unpaired = diff + h;
        double vd = p.diff.sd * p.diff.sd, vu = p.sd_a * p.sd_a + p.sd_b * p.sd_b;
        p.vrf = vd > 0 ? vu / vd : vu > 0 ? INFINITY : NAN;
    }
    *out = p;
    return RIC_OK;
}

/* ---- output tables ------------------------------------------------------------------------ */

/* ---- reading series.tsv back ------------------------------------------------------------------
 */

typedef struct {
    FILE *f;
    const char *path;
    char *line;
    size_t cap, lineno;
    int pending; /* line holds a line not consumed yet */
} reader;

static int rd_next(reader *r)
{
    if (r->pending) {
        r->pending = 0;
        return 1;
    }
    ssize_t n = getline(&r->line, &r->cap, r->f);
    if (n < 0)
        return 0;
    r->lineno++;
    if (n > 0 && r->line[n - 1] == '\n')
        r->line[n - 1] = '\0';
    return 1;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* One run's data set: its identity, and its rows x columns of values. */
typedef struct {
    size_t run, row, rep;
    int ok;
    char desc[2048]; /* "scenario=... set k=v ..." */
    char *header;    /* owned; names point into it */
    char **names;
    size_t n_cols, n_rows, cap;
    double *v;
} dataset;

static void ds_fini(dataset *d)
{
    free(d->header);
    free(d->names);
    free(d->v);
    memset(d, 0, sizeof *d);
}

static long ds_col(const dataset *d, const char *name)
{
    for (size_t k = 0; k < d->n_cols; k++)
        if (strcmp(d->names[k], name) == 0)
            return (long)k;
    return -1;
}

static double ds_at(const dataset *d, size_t i, long k)
{
    return k < 0 ? NAN : d->v[i * d->n_cols + (size_t)k];
}

static int malformed(reader *r, ric_err *err, const char *what)
{
    ric_err_set(err, "%s:%zu: %s", r->path, r->lineno, what);
    return -1;
}

/* Reads the lines before the first data set: "# indicators=" fills list, and the lines that
 * describe the plan are copied to head (when not NULL); lines that describe the file itself
 * ("# each run" in series.tsv, "# ricsim regions" in regions.tsv) are not. */
static void rd_head(reader *r, char *list, size_t n, FILE *head)
{
    list[0] = '\0';
    while (rd_next(r)) {
        if (starts(r->line, "# [run ")) {
            r->pending = 1;
            return;
        }
        if (starts(r->line, "# indicators="))
            snprintf(list, n, "%s", r->line + strlen("# indicators="));
        if (head && r->line[0] && !starts(r->line, "# each run") &&
            !starts(r->line, "# ricsim regions"))
            fprintf(head, "%s\n", r->line);
    }
}

static int rd_body(reader *r, dataset *d, ric_err *err);

/* The next data set into d; 1, 0 at the end of the file, -1 if malformed (err). */
static int rd_dataset(reader *r, dataset *d, ric_err *err)
{
    ds_fini(d);
    int got = 0;
    while ((got = rd_next(r)) && !starts(r->line, "# [run "))
        ;
    if (!got)
        return 0;
    if (sscanf(r->line, "# [run %zu] design_row=%zu replication=%zu", &d->run, &d->row, &d->rep) !=
        3)
        return malformed(r, err, "expected '# [run K] design_row=R replication=P ...'");
    return rd_body(r, d, err);
}

/* The next data set of a sweep's regions.tsv ("# [run K region NAME] design_row=R
 * replication=P") into d, the region's name into name (64 bytes); 1, 0 at the end of the file,
 * -1 if malformed (err). Only successful runs have data sets there. */
static int rd_region_set(reader *r, dataset *d, char *name, ric_err *err)
{
    ds_fini(d);
    int got = 0;
    while ((got = rd_next(r)) && !starts(r->line, "# [run "))
        ;
    if (!got)
        return 0;
    int at = 0;
    const char *close = NULL;
    if (sscanf(r->line, "# [run %zu region %n", &d->run, &at) == 1 && at > 0)
        close = strchr(r->line + at, ']');
    if (!close || close == r->line + at || close - (r->line + at) >= 64 ||
        sscanf(close, "] design_row=%zu replication=%zu", &d->row, &d->rep) != 2)
        return malformed(r, err, "expected '# [run K region NAME] design_row=R replication=P'");
    snprintf(name, 64, "%.*s", (int)(close - (r->line + at)), r->line + at);
    d->ok = 1;
    return rd_body(r, d, err);
}

/* The rest of a data set whose first line rd_dataset or rd_region_set read: its comment lines
 * (the first other than a status is its description), header and rows. */
static int rd_body(reader *r, dataset *d, ric_err *err)
{
    int got = 0;
    while ((got = rd_next(r)) && r->line[0] == '#') {
        if (starts(r->line, "# status="))
            d->ok = starts(r->line, "# status=ok");
        else if (!d->desc[0])
            snprintf(d->desc, sizeof d->desc, "%s", r->line + 2);
    }
    if (!got || !r->line[0])
        return malformed(r, err, "a data set without its header row");
    d->header = strdup(r->line);
    size_t nc = 1;
    for (const char *p = r->line; *p; p++)
        nc += *p == '\t';
    d->names = calloc(nc, sizeof *d->names);
    if (!d->header || !d->names) {
        ric_err_set(err, "%s: out of memory", r->path);
        return -1;
    }
    char *save = NULL;
    for (char *t = strtok_r(d->header, "\t", &save); t; t = strtok_r(NULL, "\t", &save))
        d->names[d->n_cols++] = t;
    while (rd_next(r) && r->line[0]) {
        if (d->n_rows == d->cap) {
            d->cap = d->cap ? 2 * d->cap : 512;
            double *g = realloc(d->v, d->cap * d->n_cols * sizeof *g);
            if (!g) {
                ric_err_set(err, "%s: out of memory", r->path);
                return -1;
            }
            d->v = g;
        }
        char *p = r->line;
        for (size_t k = 0; k < d->n_cols; k++) {
            char *end;
            d->v[d->n_rows * d->n_cols + k] = strtod(p, &end);
            if (end == p || (*end != '\t' && *end != '\0') || (*end == '\0' && k + 1 < d->n_cols))
                return malformed(r, err, "a row that does not match its header");
            p = *end ? end + 1 : end;
        }
        if (*p)
            return malformed(r, err, "a row longer than its header");
        d->n_rows++;
    }
    return 1;
}

/* Opens DIR/NAME; path (RIC_PATH_MAX bytes) gets its name. */
static ric_status open_reader(reader *r, const char *dir, const char *name, char *path,
                              ric_err *err)
{
    ric_fs_join(dir, name, path);
    memset(r, 0, sizeof *r);
    r->path = path;
    r->f = fopen(path, "r");
    if (!r->f) {
        ric_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return RIC_EIO;
    }
    return RIC_OK;
}

static void close_reader(reader *r)
{
    if (r->f)
        fclose(r->f);
    free(r->line);
}

/* Opens DIR/IN for reading and DIR/OUT, the table computed from it, for an atomic write; on
 * failure neither is left open. */
static ric_status open_in_out(reader *r, const char *dir, const char *in, char *path,
                              ric_atomic *out, const char *out_name, ric_err *err)
{
    ric_status st = open_reader(r, dir, in, path, err);
    if (st == RIC_OK)
        st = ric_atomic_open(out, dir, out_name, 0, err);
    if (st != RIC_OK)
        close_reader(r);
    return st;
}

/* ---- stats.tsv ------------------------------------------------------------------------------- */

/* The successful replications of one design row: their years and indicator values. */
typedef struct {
    size_t row, n_ok, n_steps, n_ind;
    char desc[2048];
    double *years; /* n_steps */
    double *x;     /* n_ok x n_steps x n_ind */
    size_t cap;    /* replications x has room for */
} row_group;

static ric_status group_add(row_group *g, const dataset *d, char ind[][64], ric_err *err)
{
    if (g->n_ok == 0) {
        /* design rows may differ in their output steps: x has room for the last group's shape */
        g->cap = 0;
        g->n_steps = d->n_rows;
        double *y = realloc(g->years, (d->n_rows + 1) * sizeof *y);
        if (!y)
            goto oom;
        g->years = y;
        for (size_t i = 0; i < d->n_rows; i++)
            g->years[i] = d->v[i * d->n_cols];
    } else if (d->n_rows != g->n_steps) {
        ric_err_set(err,
                    "run %zu has %zu output rows, other replications of design row %zu have "
                    "%zu",
                    d->run, d->n_rows, d->row, g->n_steps);
        return RIC_EUSAGE;
    }
    if (g->n_ok == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 8;
        double *x = realloc(g->x, (cap * g->n_steps * g->n_ind + 1) * sizeof *x);
        if (!x)
            goto oom;
        g->x = x;
        g->cap = cap;
    }
    for (size_t j = 0; j < g->n_ind; j++) {
        long k = ds_col(d, ind[j]);
        for (size_t i = 0; i < g->n_steps; i++)
            g->x[(g->n_ok * g->n_steps + i) * g->n_ind + j] = ds_at(d, i, k);
    }
    g->n_ok++;
    return RIC_OK;
oom:
    ric_err_set(err, "out of memory");
    return RIC_ENOMEM;
}

/* The data set of design row g in stats.tsv ("[row R]", with a column n), or with REGION in
 * regions_stats.tsv ("[row R region NAME] n=N", without it: n is the same on every row). */
static ric_status group_write(const row_group *g, const char *region, char ind[][64], FILE *f,
                              double *tmp, ric_err *err)
{
    if (region)
        fprintf(f, "# [row %zu region %s] n=%zu\n# %s\nyear", g->row, region, g->n_ok, g->desc);
    else
        fprintf(f, "# [row %zu] %s\nyear\tn", g->row, g->desc);
    for (size_t j = 0; j < g->n_ind; j++)
        fprintf(f, "\t%s_mean\t%s_sd\t%s_lo\t%s_hi", ind[j], ind[j], ind[j], ind[j]);
    fputc('\n', f);
    for (size_t i = 0; g->n_ok && i < g->n_steps; i++) {
        fprintf(f, "%.4f", g->years[i]);
        if (!region)
            fprintf(f, "\t%zu", g->n_ok);
        for (size_t j = 0; j < g->n_ind; j++) {
            for (size_t r = 0; r < g->n_ok; r++)
                tmp[r] = g->x[(r * g->n_steps + i) * g->n_ind + j];
            ric_stats_ci c;
            if (ric_stats_ci95(tmp, g->n_ok, &c) != RIC_OK) {
                ric_err_set(err, "the t quantile failed for %zu replications", g->n_ok);
                return RIC_EGSL;
            }
            double v[4] = {c.mean, c.sd, c.lo, c.hi};
            for (int k = 0; k < 4; k++) {
                fputc('\t', f);
                ric_output_put_value(f, v[k]);
            }
        }
        fputc('\n', f);
    }
    fputs("\n\n", f);
    return RIC_OK;
}

static size_t split_list(char *list, char out[][64], size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
        snprintf(out[n++], 64, "%s", t);
    return n;
}

ric_status ric_stats_sweep(const char *dir, ric_err *err)
{
    char spath[RIC_PATH_MAX], list[4096]; /* list: the indicators line */
    char ind[RIC_STATS_MAX_INDICATORS][64];
    reader r;
    ric_atomic out = {0};
    ric_status st = open_in_out(&r, dir, "series.tsv", spath, &out, "stats.tsv", err);
    if (st != RIC_OK)
        return st;
    dataset d = {0};
    row_group g = {0};
    double *tmp = NULL;
    char *head = NULL;
    size_t head_len = 0;
    FILE *hf = open_memstream(&head, &head_len);
    rd_head(&r, list, sizeof list, hf);
    if (hf)
        fclose(hf);
    g.n_ind = split_list(list, ind, RIC_STATS_MAX_INDICATORS);
    fprintf(out.f,
            "%s# stats across replications: one data set per design row (index R or index "
            "\"[row R]\"), one row per output step\n"
            "# n: replications that succeeded; for each indicator the mean, the standard "
            "deviation (n - 1) and the 95%% interval of the mean (lo, hi: Student t); NaN "
            "values are left out\n",
            head ? head : "");
    free(head);
    int more;
    int have_group = 0;
    while ((more = rd_dataset(&r, &d, err)) >= 0) {
        if (have_group && (more == 0 || d.row != g.row)) {
            double *t = realloc(tmp, (g.n_ok + 1) * sizeof *t);
            if (!t) {
                ric_err_set(err, "out of memory");
                st = RIC_ENOMEM;
                break;
            }
            tmp = t;
            st = group_write(&g, NULL, ind, out.f, tmp, err);
            if (st != RIC_OK)
                break;
            have_group = 0;
        }
        if (more == 0)
            break;
        if (!have_group) {
            g.row = d.row;
            g.n_ok = 0;
            snprintf(g.desc, sizeof g.desc, "%s", d.desc);
            have_group = 1;
        }
        if (d.ok && (st = group_add(&g, &d, ind, err)) != RIC_OK)
            break;
    }
    if (more < 0)
        st = RIC_EIO;
    ds_fini(&d);
    close_reader(&r);
    free(g.years);
    free(g.x);
    free(tmp);
    if (st == RIC_OK)
        return ric_atomic_commit(&out, err);
    ric_atomic_abort(&out);
    return st;
}

/* ---- regions_stats.tsv ---------------------------------------------------------------------- */

/* The successful replications of one design row in one region. */
typedef struct {
    char name[64];
    row_group g;
} region_group;

/* Writes the groups of one design row, in the order their regions first came, and empties them
 * (their buffers are kept for the next row). */
static ric_status regions_flush(region_group *rg, size_t n, char ind[][64], FILE *f, double **tmp,
                                ric_err *err)
{
    for (size_t k = 0; k < n; k++) {
        double *t = realloc(*tmp, (rg[k].g.n_ok + 1) * sizeof *t);
        if (!t) {
            ric_err_set(err, "out of memory");
            return RIC_ENOMEM;
        }
        *tmp = t;
        ric_status st = group_write(&rg[k].g, rg[k].name, ind, f, *tmp, err);
        if (st != RIC_OK)
            return st;
        rg[k].g.n_ok = 0;
    }
    return RIC_OK;
}

ric_status ric_stats_regions(const char *dir, ric_err *err)
{
    char rpath[RIC_PATH_MAX], list[4096];
    char ind[RIC_STATS_MAX_INDICATORS][64]; /* the columns of regions.tsv after year */
    size_t n_ind = 0;
    reader r;
    ric_atomic out = {0};
    ric_status st = open_in_out(&r, dir, "regions.tsv", rpath, &out, "regions_stats.tsv", err);
    if (st != RIC_OK)
        return st;
    char *head = NULL;
    size_t head_len = 0;
    FILE *hf = open_memstream(&head, &head_len);
    rd_head(&r, list, sizeof list, hf);
    if (hf)
        fclose(hf);
    fprintf(out.f,
            "%s# regions across replications: one data set per design row and region (index "
            "\"[row R region NAME]\"; n: replications that succeeded), one row per output step\n"
            "# for each column of regions.tsv the mean, the standard deviation (n - 1) and the "
            "95%% interval of the mean (lo, hi: Student t); NaN values are left out\n",
            head ? head : "");
    free(head);
    dataset d = {0};
    region_group *rg = NULL;
    size_t n_rg = 0, cap_rg = 0, row = 0;
    double *tmp = NULL;
    char name[64];
    int more;
    while ((more = rd_region_set(&r, &d, name, err)) >= 0) {
        if (n_rg && (more == 0 || d.row != row)) {
            st = regions_flush(rg, n_rg, ind, out.f, &tmp, err);
            if (st != RIC_OK)
                break;
            n_rg = 0;
        }
        if (more == 0)
            break;
        if (n_ind == 0) /* the columns, from the first data set */
            for (size_t k = 1; k < d.n_cols && n_ind < RIC_STATS_MAX_INDICATORS; k++)
                snprintf(ind[n_ind++], 64, "%s", d.names[k]);
        row = d.row;
        size_t k = 0;
        while (k < n_rg && strcmp(rg[k].name, name) != 0)
            k++;
        if (k == n_rg) { /* a region new in this design row */
            if (n_rg == cap_rg) {
                size_t cap = cap_rg ? 2 * cap_rg : 16;
                region_group *g = realloc(rg, cap * sizeof *g);
                if (!g) {
                    ric_err_set(err, "out of memory");
                    st = RIC_ENOMEM;
                    break;
                }
                memset(g + cap_rg, 0, (cap - cap_rg) * sizeof *g);
                rg = g;
                cap_rg = cap;
            }
            n_rg++;
            snprintf(rg[k].name, sizeof rg[k].name, "%s", name);
            rg[k].g.row = row;
            rg[k].g.n_ok = 0;
            rg[k].g.n_ind = n_ind;
            snprintf(rg[k].g.desc, sizeof rg[k].g.desc, "%s", d.desc);
        }
        if ((st = group_add(&rg[k].g, &d, ind, err)) != RIC_OK)
            break;
    }
    if (more < 0)
        st = RIC_EIO;
    ds_fini(&d);
    close_reader(&r);
    for (size_t k = 0; k < cap_rg; k++) {
        free(rg[k].g.years);
        free(rg[k].g.x);
    }
    free(rg);
    free(tmp);
    if (st == RIC_OK)
        return ric_atomic_commit(&out, err);
    ric_atomic_abort(&out);
    return st;
}

/* ---- comparisons ------------------------------------------------------------------------------
 */

static void put_ci(FILE *f, const ric_stats_ci *c)
{
    double v[3] = {c->mean, c->lo, c->hi};
    for (int k = 0; k < 3; k++) {
        fputc('\t', f);
        ric_output_put_value(f, v[k]);
    }
}

/* Names of the programmes in d's columns (P of P_spent_usd_m) added to names (up to 64). */
static void programme_names(const dataset *d, char names[][64], size_t *n)
{
    const char *suffix = "_spent_usd_m";
    size_t ls = strlen(suffix);
    for (size_t k = 0; k < d->n_cols; k++) {
        size_t l = strlen(d->names[k]);
        if (l <= ls || strcmp(d->names[k] + l - ls, suffix) != 0 || l - ls >= 64)
            continue;
        char nm[64];
        snprintf(nm, sizeof nm, "%.*s", (int)(l - ls), d->names[k]);
        size_t i = 0;
        while (i < *n && strcmp(names[i], nm) != 0)
            i++;
        if (i == *n && *n < 64)
            snprintf(names[(*n)++], 64, "%s", nm);
    }
}

#define RIC_MONEY_EPS 1e-6 /* US$ million: US$1, below which a difference is rounding */
#define RIC_BOOTSTRAP 2000

ric_status ric_stats_effect_ratio(const double *cost, const double *effect, size_t n,
                                  ric_stats_ratio *out)
{
    *out = (ric_stats_ratio){n, NAN, NAN, NAN, NAN, NAN};
    if (n == 0)
        return RIC_OK;
    double c = 0, e = 0;
    for (size_t i = 0; i < n; i++) {
        c += fabs(cost[i]) < RIC_MONEY_EPS ? 0.0 : cost[i];
        e += effect[i];
    }
    out->cost = c / (double)n;
    out->effect = e / (double)n;
    out->ratio = out->cost > 0 ? out->effect / out->cost : NAN;
    if (n < 2 || !(out->cost > 0))
        return RIC_OK;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *q = malloc(RIC_BOOTSTRAP * sizeof *q);
    if (!r || !q) {
        gsl_rng_free(r);
        free(q);
        return RIC_ENOMEM;
    }
    gsl_rng_set(r, 20041);
    size_t m = 0;
    for (int b = 0; b < RIC_BOOTSTRAP; b++) {
        double cb = 0, eb = 0;
        for (size_t k = 0; k < n; k++) {
            const size_t i = gsl_rng_uniform_int(r, (unsigned long)n);
            cb += fabs(cost[i]) < RIC_MONEY_EPS ? 0.0 : cost[i];
            eb += effect[i];
        }
        if (cb > 0) /* a resample of pairs that all spend the same says nothing */
            q[m++] = eb / cb;
    }
    gsl_sort(q, 1, m);
    if (m > 0) {
        out->lo = q[(size_t)floor(0.025 * (double)(m - 1))];
        out->hi = q[(size_t)ceil(0.975 * (double)(m - 1))];
    }
    gsl_rng_free(r);
    free(q);
    return RIC_OK;
}

/* Row of D at YEAR (the first at or after it, within half a step), or -1 beyond the run. */
static long row_at(const dataset *d, double year)
{
    const long ky = ds_col(d, "year");
    for (size_t i = 0; i < d->n_rows; i++)
        if (ds_at(d, i, ky) >= year - 1e-6)
            return (long)i;
    return -1;
}

static double at_or_zero(const dataset *d, long row, const char *name)
{
    const long k = ds_col(d, name);
    return k < 0 || row < 0 ? 0.0 : ds_at(d, (size_t)row, k);
}

/* Money (spent plus overhead) of the programmes in NAMES[0..m) at ROW of D. */
static double money_at(const dataset *d, long row, char names[][64], const size_t *which, size_t m)
{
    double sum = 0;
    for (size_t j = 0; j < m; j++) {
        char ks[96], ko[96];
        snprintf(ks, sizeof ks, "%s_spent_usd_m", names[which[j]]);
        snprintf(ko, sizeof ko, "%s_overhead_usd_m", names[which[j]]);
        sum += at_or_zero(d, row, ks) + at_or_zero(d, row, ko);
    }
    return sum;
}

/* The first and last years in which D's money on the programmes grows (the programme's start and
 * its last year of spending), or NaN when it never does. */
static void spending_years(const dataset *d, char names[][64], const size_t *which, size_t m,
                           double *first, double *last)
{
    const long ky = ds_col(d, "year");
    *first = *last = NAN;
    double prev = 0;
    for (size_t i = 0; i < d->n_rows; i++) {
        const double now = money_at(d, (long)i, names, which, m);
        if (now > prev + RIC_MONEY_EPS) {
            if (isnan(*first))
                *first = ds_at(d, i, ky);
            *last = ds_at(d, i, ky);
        }
        prev = now;
    }
}

/* Cost-effectiveness against the counterfactual: the programmes whose spending differs between A
 * and B (in any pair by more than rounding) are charged together, as one row (their money summed:
 * when several differ, no ratio can be split between them). "With" is the scenario that spends
 * more. For each horizon (during: the programmes' last year of spending; plus5 and plus10: 5 and
 * 10 years after their start; end: the run's last row) the extra jobs (employees of focus firms)
 * and spin-offs (spinoffs_cum) over the extra money at that row, as ric_stats_effect_ratio: the
 * ratio of the means over the pairs with a bootstrap interval. A horizon past the run's end is
 * NaN. */
/* The three columns a comparison over draws adds to an effect: lo_total, hi_total, share_params,
 * share_seeds. */
static void put_nest(FILE *f, const ric_stats_nest *ne)
{
    double v[4] = {ne->lo, ne->hi, ne->share_params,
                   isnan(ne->share_params) ? NAN : 1 - ne->share_params};
    for (int k = 0; k < 4; k++) {
        fputc('\t', f);
        ric_output_put_value(f, v[k]);
    }
}

static ric_status write_effects(const char *const scen[2], dataset *const *a, dataset *const *b,
                                const size_t *grp, size_t draws, size_t n, FILE *f, FILE *note,
                                ric_err *err)
{
    char names[64][64];
    size_t np = 0;
    programme_names(a[0], names, &np);
    programme_names(b[0], names, &np);
    size_t groups = draws ? draws : 1;
    double *v = malloc((5 * n + 3 * groups) * sizeof *v);
    if (!v) {
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    double *cost = v, *jobs = v + n, *spin = v + 2 * n, *tmp = v + 3 * n, *nw = v + 4 * n;
    fprintf(f, "programme\twith\thorizon\tyear\tn\tcost_usd_m\tjobs\tjobs_lo\tjobs_hi\t"
               "jobs_per_usd_m\tjobs_per_usd_m_lo\tjobs_per_usd_m_hi\tspinoffs\tspinoffs_lo\t"
               "spinoffs_hi\tspinoffs_per_usd_m\tspinoffs_per_usd_m_lo\tspinoffs_per_usd_m_hi");
    if (draws)
        fprintf(f, "\tjobs_lo_total\tjobs_hi_total\tjobs_share_params\tjobs_share_seeds\t"
                   "spinoffs_lo_total\tspinoffs_hi_total\tspinoffs_share_params\t"
                   "spinoffs_share_seeds");
    fputc('\n', f);
    /* the programmes that spend differently in some pair, and the sign of the difference */
    size_t which[64], m = 0;
    double total = 0;
    for (size_t q = 0; q < np; q++) {
        size_t one = q;
        int differs = 0;
        double sum = 0;
        for (size_t r = 0; r < n; r++) {
            const double d = money_at(b[r], (long)b[r]->n_rows - 1, names, &one, 1) -
                             money_at(a[r], (long)a[r]->n_rows - 1, names, &one, 1);
            differs |= fabs(d) >= RIC_MONEY_EPS;
            sum += d;
        }
        if (differs) {
            which[m++] = q;
            total += sum;
        }
    }
    ric_status st = RIC_OK;
    if (m == 0) {
        fprintf(note, "  no programme spends differently in A and B\n");
        free(v);
        return RIC_OK;
    }
    char label[64 * 65] = "";
    for (size_t j = 0; j < m; j++)
        snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s", j ? "+" : "",
                 names[which[j]]);
    const double sgn = total >= 0 ? 1 : -1;
    dataset *const *with = sgn > 0 ? b : a;
    double first, last;
    spending_years(with[0], names, which, m, &first, &last);
    const struct {
        const char *name;
        double year; /* NaN: the run's last row */
    } horizons[] = {{"during", last}, {"plus5", first + 5}, {"plus10", first + 10}, {"end", NAN}};
    fprintf(note, "  %s (with %s: %s = %s)%s\n", label, m > 1 ? "them" : "it", sgn > 0 ? "B" : "A",
            scen[sgn > 0 ? 1 : 0],
            m > 1 ? "; these programmes spend differently together, so the effect is theirs "
                    "together, on their summed money"
                  : "");
    for (size_t h = 0; h < sizeof horizons / sizeof horizons[0] && st == RIC_OK; h++) {
        const int at_end = strcmp(horizons[h].name, "end") == 0;
        int beyond = !at_end && isnan(horizons[h].year); /* no year of spending: no horizon */
        double year = NAN;
        for (size_t r = 0; r < n && !beyond; r++) {
            const long ra = at_end ? (long)a[r]->n_rows - 1 : row_at(a[r], horizons[h].year);
            const long rb = at_end ? (long)b[r]->n_rows - 1 : row_at(b[r], horizons[h].year);
            if (ra < 0 || rb < 0) {
                beyond = 1;
                break;
            }
            if (r == 0)
                year = ds_at(b[r], (size_t)rb, ds_col(b[r], "year"));
            cost[r] =
                sgn * (money_at(b[r], rb, names, which, m) - money_at(a[r], ra, names, which, m));
            jobs[r] =
                sgn *
                (at_or_zero(b[r], rb, "employees_smes") + at_or_zero(b[r], rb, "employees_large") -
                 at_or_zero(a[r], ra, "employees_smes") - at_or_zero(a[r], ra, "employees_large"));
            spin[r] =
                sgn * (at_or_zero(b[r], rb, "spinoffs_cum") - at_or_zero(a[r], ra, "spinoffs_cum"));
        }
        fprintf(f, "%s\t%s\t%s\t", label, sgn > 0 ? "B" : "A", horizons[h].name);
        if (beyond) {
            fprintf(f, "NaN\t%zu", n);
            for (int k = 0; k < (draws ? 21 : 13); k++)
                fputs("\tNaN", f);
            fputc('\n', f);
            fprintf(note, "    %-7s beyond the run's end\n", horizons[h].name);
            continue;
        }
        ric_stats_ci cj, cs;
        ric_stats_ratio rj, rs;
        memcpy(tmp, jobs, n * sizeof *tmp);
        st = ric_stats_ci95(tmp, n, &cj);
        if (st == RIC_OK) {
            memcpy(tmp, spin, n * sizeof *tmp);
            st = ric_stats_ci95(tmp, n, &cs);
        }
        if (st == RIC_OK)
            st = ric_stats_effect_ratio(cost, jobs, n, &rj);
        if (st == RIC_OK)
            st = ric_stats_effect_ratio(cost, spin, n, &rs);
        if (st != RIC_OK)
            break;
        ric_output_put_value(f, year);
        fprintf(f, "\t%zu\t", n);
        ric_output_put_value(f, rj.cost);
        put_ci(f, &cj);
        const double r3[3] = {rj.ratio, rj.lo, rj.hi}, s3[3] = {rs.ratio, rs.lo, rs.hi};
        for (int k = 0; k < 3; k++) {
            fputc('\t', f);
            ric_output_put_value(f, r3[k]);
        }
        put_ci(f, &cs);
        for (int k = 0; k < 3; k++) {
            fputc('\t', f);
            ric_output_put_value(f, s3[k]);
        }
        ric_stats_nest nj = {0}, ns = {0};
        if (draws) {
            ric_stats_nested(jobs, grp, n, groups, nw, &nj);
            ric_stats_nested(spin, grp, n, groups, nw, &ns);
            put_nest(f, &nj);
            put_nest(f, &ns);
        }
        fputc('\n', f);
        fprintf(note,
                "    %-7s %.4g: US$ %.4g million more; jobs %+.4g [%.4g, %.4g] -> %.4g [%.4g, "
                "%.4g] per US$ million; spin-offs %+.4g [%.4g, %.4g] -> %.4g [%.4g, %.4g]\n",
                horizons[h].name, year, rj.cost, cj.mean, cj.lo, cj.hi, rj.ratio, rj.lo, rj.hi,
                cs.mean, cs.lo, cs.hi, rs.ratio, rs.lo, rs.hi);
        if (draws)
            fprintf(note,
                    "            over draws and seeds: jobs [%.4g, %.4g], %.0f%% of the variance "
                    "from the parameters; spin-offs [%.4g, %.4g], %.0f%%\n",
                    nj.lo, nj.hi, 100 * nj.share_params, ns.lo, ns.hi, 100 * ns.share_params);
    }
    if (st != RIC_OK)
        ric_err_set(err, "out of memory or the t quantile failed");
    free(v);
    return st;
}

/* Indexes the data sets of a comparison by draw and replication: a[k] and b[k] are the k-th pair
 * whose runs both succeeded, of draw grp[k] (design rows 2 grp and 2 grp + 1; one draw, rows 0
 * and 1, without draws); returns the number of pairs. */
static size_t pair_up(dataset *sets, size_t n_sets, size_t draws, dataset **a, dataset **b,
                      size_t *grp)
{
    size_t reps = 0, n = 0, groups = draws ? draws : 1;
    for (size_t i = 0; i < n_sets; i++)
        if (sets[i].rep + 1 > reps)
            reps = sets[i].rep + 1;
    for (size_t g = 0; g < groups; g++)
        for (size_t k = 0; k < reps; k++) {
            dataset *x = NULL, *y = NULL;
            for (size_t i = 0; i < n_sets; i++)
                if (sets[i].rep == k && sets[i].ok && sets[i].row / 2 == g)
                    *(sets[i].row % 2 == 0 ? &x : &y) = &sets[i];
            if (x && y) {
                a[n] = x;
                b[n] = y;
                grp[n] = g;
                n++;
            }
        }
    return n;
}

ric_status ric_stats_nested(const double *v, const size_t *grp, size_t n, size_t groups,
                            double *work, ric_stats_nest *out)
{
    *out = (ric_stats_nest){NAN, NAN, NAN, NAN, NAN, NAN, 0};
    /* per group: count, mean, sum of squares about the mean (two passes) */
    double *cnt = work, *mean = work + groups, *ss = work + 2 * groups;
    for (size_t g = 0; g < groups; g++)
        cnt[g] = mean[g] = ss[g] = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) {
            cnt[grp[i]] += 1;
            mean[grp[i]] += v[i];
        }
    for (size_t g = 0; g < groups; g++)
        mean[g] = cnt[g] > 0 ? mean[g] / cnt[g] : NAN;
    double *q = work + 3 * groups; /* the values, for the pooled quantiles */
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) {
            double d = v[i] - mean[grp[i]];
            ss[grp[i]] += d * d;
            q[m++] = v[i];
        }
    out->n = m;
    if (m < 2)
        return RIC_OK;
    /* within: the mean over draws of the variance across seeds (E[Var(d | theta)]); between:
     * the variance of the draws' means less what the seeds put into them (Var(E[d | theta])) */
    double within = 0, inv_r = 0, gm = 0, gm2 = 0;
    size_t gw = 0, gb = 0;
    for (size_t g = 0; g < groups; g++) {
        if (cnt[g] >= 2) {
            within += ss[g] / (cnt[g] - 1);
            gw++;
        }
        if (cnt[g] >= 1) {
            gm += mean[g];
            inv_r += 1 / cnt[g];
            gb++;
        }
    }
    within = gw ? within / (double)gw : 0;
    gm /= (double)gb;
    for (size_t g = 0; g < groups; g++)
        if (cnt[g] >= 1)
            gm2 += (mean[g] - gm) * (mean[g] - gm);
    double between = 0;
    if (gb >= 2) {
        between = gm2 / (double)(gb - 1) - within * inv_r / (double)gb;
        if (between < 0)
            between = 0; /* the usual truncation of the moment estimator */
    }
    out->within = within;
    out->between = between;
    out->total = within + between;
    out->share_params = out->total > 0 ? between / out->total : NAN;
    gsl_sort(q, 1, m);
    out->lo = gsl_stats_quantile_from_sorted_data(q, 1, m, 0.025);
    out->hi = gsl_stats_quantile_from_sorted_data(q, 1, m, 0.975);
    return RIC_OK;
}

/* The last output step of each indicator in the note: B - A, both intervals, the narrowing and
 * the variance reduction factor. */
static void note_line(FILE *note, const char *ind, const ric_stats_pair *pr)
{
    double wp = pr->diff.hi - pr->diff.lo, wu = pr->hi_unpaired - pr->lo_unpaired;
    char pi[64], ui[64], nw[32];
    snprintf(pi, sizeof pi, "[%.4g, %.4g]", pr->diff.lo, pr->diff.hi);
    snprintf(ui, sizeof ui, "[%.4g, %.4g]", pr->lo_unpaired, pr->hi_unpaired);
    if (wp > 0)
        snprintf(nw, sizeof nw, "%.3gx", wu / wp);
    else /* the paired differences do not vary */
        snprintf(nw, sizeof nw, "%s", wu > 0 ? "inf" : "-");
    fprintf(note, "  %-24s %12.4g %27s %27s %9s %9.3g\n", ind, pr->diff.mean, pi, ui, nw, pr->vrf);
}

ric_status ric_stats_compare(const char *dir, const char *scen_a, const char *scen_b,
                             uint64_t master, char **note_out, ric_err *err)
{
    return ric_stats_compare_draws(dir, scen_a, scen_b, master, 0, note_out, err);
}

ric_status ric_stats_compare_draws(const char *dir, const char *scen_a, const char *scen_b,
                                   uint64_t master, size_t draws, char **note_out, ric_err *err)
{
    char safe[2][4 * RIC_PATH_MAX]; /* the file names, escaped: free text on one line */
    const char *scen[2] = {ric_text_field(scen_a, safe[0], sizeof safe[0]),
                           ric_text_field(scen_b, safe[1], sizeof safe[1])};
    char spath[RIC_PATH_MAX], list[4096]; /* list: the indicators line */
    char ind[RIC_STATS_MAX_INDICATORS][64];
    reader r;
    ric_atomic tab[3] = {{0}}; /* diff.tsv, effect.tsv, note.txt */
    ric_atomic *diff = &tab[0], *effect = &tab[1], *notef = &tab[2];
    dataset *sets = NULL, **a = NULL, **b = NULL;
    size_t n_sets = 0, cap = 0, *grp = NULL;
    double *buf = NULL;
    char *note = NULL;
    size_t note_len = 0;
    FILE *nf = NULL;
    ric_status st = open_reader(&r, dir, "series.tsv", spath, err);
    if (st != RIC_OK)
        return st;
    rd_head(&r, list, sizeof list, NULL);
    size_t n_ind = split_list(list, ind, RIC_STATS_MAX_INDICATORS);
    int more;
    for (;;) {
        if (n_sets == cap) {
            cap = cap ? 2 * cap : 16;
            dataset *g = realloc(sets, cap * sizeof *g);
            if (!g) {
                ric_err_set(err, "out of memory");
                st = RIC_ENOMEM;
                goto done;
            }
            sets = g;
        }
        memset(&sets[n_sets], 0, sizeof sets[n_sets]);
        more = rd_dataset(&r, &sets[n_sets], err);
        if (more <= 0)
            break;
        if (sets[n_sets].row < 2 * (draws ? draws : 1))
            n_sets++;
        else
            ds_fini(&sets[n_sets]);
    }
    ds_fini(&sets[n_sets]);
    if (more < 0) {
        st = RIC_EIO;
        goto done;
    }
    size_t groups = draws ? draws : 1;
    a = calloc(2 * n_sets + 2, sizeof *a);
    grp = malloc((n_sets + 1) * sizeof *grp);
    buf = malloc((5 * n_sets + 3 * groups + 1) * sizeof *buf);
    if (!a || !buf || !grp) {
        ric_err_set(err, "out of memory");
        st = RIC_ENOMEM;
        goto done;
    }
    b = a + n_sets + 1;
    size_t n = pair_up(sets, n_sets, draws, a, b, grp);
    if (n < 2) {
        ric_err_set(err, "%s: fewer than two replications succeeded in both scenarios", spath);
        st = RIC_EUSAGE;
        goto done;
    }
    size_t steps = a[0]->n_rows;
    for (size_t k = 0; k < n; k++)
        for (int s = 0; s < 2; s++) {
            const dataset *x = s ? b[k] : a[k];
            int same = x->n_rows == steps;
            for (size_t i = 0; same && i < steps; i++)
                same = ds_at(x, i, 0) == ds_at(a[0], i, 0);
            if (!same) {
                ric_err_set(err,
                            "%s and %s have different output steps; a comparison needs the "
                            "same time settings",
                            scen[0], scen[1]);
                st = RIC_EUSAGE;
                goto done;
            }
        }
    nf = open_memstream(&note, &note_len);
    if (!nf) {
        ric_err_set(err, "out of memory");
        st = RIC_ENOMEM;
        goto done;
    }
    if ((st = ric_atomic_open(diff, dir, "diff.tsv", 0, err)) != RIC_OK ||
        (st = ric_atomic_open(effect, dir, "effect.tsv", 0, err)) != RIC_OK)
        goto done;
    fprintf(diff->f,
            "# ricsim compare: B - A, paired by replication on common random numbers\n"
            "# A=%s\n# B=%s\n# pairs=%zu master_seed=%llu\n"
            "# per indicator: mean of B - A (diff), its 95%% interval (lo, hi: paired t), "
            "the interval unpaired runs would give (Welch), and the variance reduction "
            "factor vrf = (var A + var B) / var(B - A)\n",
            scen[0], scen[1], n, (unsigned long long)master);
    if (draws)
        fprintf(diff->f,
                "# over %zu posterior draws, each with its own seeds shared by A and B: "
                "lo_total, hi_total: 2.5%% and 97.5%% of B - A over draws and seeds; "
                "share_params, share_seeds: the law of total variance, Var(E[B - A | draw]) and "
                "E[Var(B - A | draw)] over their sum\n",
                draws);
    fputs("year", diff->f);
    for (size_t j = 0; j < n_ind; j++) {
        fprintf(diff->f, "\t%s_diff\t%s_lo\t%s_hi\t%s_lo_unpaired\t%s_hi_unpaired\t%s_vrf", ind[j],
                ind[j], ind[j], ind[j], ind[j], ind[j]);
        if (draws)
            fprintf(diff->f, "\t%s_lo_total\t%s_hi_total\t%s_share_params\t%s_share_seeds", ind[j],
                    ind[j], ind[j], ind[j]);
    }
    fputc('\n', diff->f);
    fprintf(nf,
            "ricsim compare: B = %s against A = %s, %zu replications on common seeds (master "
            "seed %llu)\n\n"
            "B - A at the last output step (%.4f): mean [95%% interval, paired] against the "
            "interval of unpaired runs\n"
            "  %-24s %12s %27s %27s %9s %9s\n",
            scen[1], scen[0], n, (unsigned long long)master, ds_at(a[0], steps - 1, 0), "indicator",
            "B - A", "paired 95% interval", "unpaired 95% interval", "narrower", "VRF");
    double *va = buf, *vb = buf + n, *work = buf + 2 * n;
    for (size_t i = 0; i < steps; i++) {
        fprintf(diff->f, "%.4f", ds_at(a[0], i, 0));
        for (size_t j = 0; j < n_ind; j++) {
            long ka = ds_col(a[0], ind[j]), kb = ds_col(b[0], ind[j]);
            for (size_t k = 0; k < n; k++) {
                va[k] = ds_at(a[k], i, ka);
                vb[k] = ds_at(b[k], i, kb);
            }
            ric_stats_pair pr;
            if (ric_stats_paired(va, vb, n, work, &pr) != RIC_OK) {
                ric_err_set(err, "the t quantile failed");
                st = RIC_EGSL;
                goto done;
            }
            double v[6] = {pr.diff.mean,   pr.diff.lo,     pr.diff.hi,
                           pr.lo_unpaired, pr.hi_unpaired, pr.vrf};
            for (int k = 0; k < 6; k++) {
                fputc('\t', diff->f);
                ric_output_put_value(diff->f, v[k]);
            }
            if (i + 1 == steps)
                note_line(nf, ind[j], &pr);
            if (draws) {
                double *dv = work;
                for (size_t k = 0; k < n; k++)
                    dv[k] = vb[k] - va[k];
                ric_stats_nest ne;
                ric_stats_nested(dv, grp, n, groups, work + n, &ne);
                put_nest(diff->f, &ne);
                if (i + 1 == steps)
                    fprintf(nf,
                            "  %-24s over draws and seeds [%.4g, %.4g], %.0f%% of the "
                            "variance from the parameters\n",
                            "", ne.lo, ne.hi, 100 * ne.share_params);
            }
        }
        fputc('\n', diff->f);
    }
    fprintf(nf, "\n'narrower': unpaired interval width over paired width; VRF: variance "
                "reduction factor, the variance of the difference of means without pairing over "
                "that with it\n\nCost-effectiveness against the counterfactual without the "
                "programme, at each horizon (during: its last year of spending; plus5, plus10: "
                "5 and 10 years after its start; end: the last row): extra jobs (employees of "
                "focus firms) and spin-offs (spinoffs_cum), mean [95%% interval] over the pairs, "
                "and per US$ million the ratio of the means [bootstrap 95%% interval over the "
                "pairs]:\n");
    st = write_effects(scen, a, b, grp, draws, n, effect->f, nf, err);
    if (st != RIC_OK)
        goto done;
    int bad = fclose(nf) != 0;
    nf = NULL;
    if (bad || !note) {
        ric_err_set(err, "out of memory");
        st = RIC_ENOMEM;
        goto done;
    }
    if ((st = ric_atomic_open(notef, dir, "note.txt", 0, err)) != RIC_OK)
        goto done;
    fputs(note, notef->f);
    st = ric_atomic_commit_set(tab, 3, err);
done:
    if (nf)
        fclose(nf);
    for (int k = 0; k < 3; k++)
        ric_atomic_abort(&tab[k]);
    for (size_t k = 0; k < n_sets; k++)
        ds_fini(&sets[k]);
    free(sets);
    free(a);
    free(grp);
    free(buf);
    close_reader(&r);
    if (st == RIC_OK)
        *note_out = note;
    else
        free(note);
    if (st != RIC_OK)
        ric_tidy_remove(dir); /* a comparison's tables stand only beside its differences */
    return st;
}
