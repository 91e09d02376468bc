/* Design generation: full grid, zipped lists, Latin hypercube, Sobol points and design files, each
 * an entry of ric_design_types; and the seeds of replications. Owns only the design table it
 * returns. */
#include "ricsim/design.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "base/fs.h"
#include "base/rng.h"

#define RULE_LHS 0x4c485321u /* "LHS!": a counter word no simulation rule uses */

static ric_status alloc_rows(size_t rows, size_t n, ric_design *d, ric_err *err)
{
    d->n_rows = rows;
    d->n_params = n;
    d->x = calloc(rows * (n ? n : 1), sizeof *d->x);
    if (!d->x) {
        ric_err_set(err, "out of memory for a design of %zu rows", rows);
        return RIC_ENOMEM;
    }
    return RIC_OK;
}

/* ---- grid and zip ---------------------------------------------------------------------------- */

static ric_status make_grid(const ric_design_param *p, size_t n, const ric_design_opts *o,
                            ric_design *out, ric_err *err)
{
    (void)o;
    size_t rows = 1;
    for (size_t j = 0; j < n; j++) {
        if (p[j].n_values > RIC_DESIGN_MAX_ROWS / rows) {
            ric_err_set(err, "the grid has more than %d rows; use lhs or sobol",
                        RIC_DESIGN_MAX_ROWS);
            return RIC_EUSAGE;
        }
        rows *= p[j].n_values;
    }
    ric_status st = alloc_rows(rows, n, out, err);
    if (st != RIC_OK)
        return st;
    /* row index in mixed radix, the last parameter the fastest digit */
    for (size_t i = 0; i < rows; i++) {
        size_t rest = i;
        for (size_t j = n; j-- > 0;) {
            out->x[i * n + j] = p[j].values[rest % p[j].n_values];
            rest /= p[j].n_values;
        }
    }
    return RIC_OK;
}

static ric_status make_zip(const ric_design_param *p, size_t n, const ric_design_opts *o,
                           ric_design *out, ric_err *err)
{
    (void)o;
    size_t rows = n ? p[0].n_values : 1;
    for (size_t j = 1; j < n; j++)
        if (p[j].n_values != rows) {
            ric_err_set(err, "zip needs lists of equal length ('%s' has %zu values, '%s' %zu)",
                        p[0].key, rows, p[j].key, p[j].n_values);
            return RIC_EUSAGE;
        }
    ric_status st = alloc_rows(rows, n, out, err);
    if (st != RIC_OK)
        return st;
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < n; j++)
            out->x[i * n + j] = p[j].values[i];
    return RIC_OK;
}

/* ---- sampled designs on [lo, hi] ------------------------------------------------------------- */

static ric_status check_sampled(size_t n, const ric_design_opts *o, const char *name, ric_err *err)
{
    if (n == 0) {
        ric_err_set(err, "%s needs at least one parameter", name);
        return RIC_EUSAGE;
    }
    if (o->samples < 1 || o->samples > RIC_DESIGN_MAX_ROWS) {
        ric_err_set(err, "%s needs between 1 and %d samples (got %zu)", name, RIC_DESIGN_MAX_ROWS,
                    o->samples);
        return RIC_EUSAGE;
    }
    return RIC_OK;
}

/* Latin hypercube: each parameter's range is cut into `samples` equal strata and every stratum is
 * used once, in an order given by a Fisher-Yates shuffle; the point is uniform within its stratum.
 * Draws come from Philox keyed by the design seed and addressed by (parameter, position), so a
 * design depends on nothing but its seed. */
static ric_status make_lhs(const ric_design_param *p, size_t n, const ric_design_opts *o,
                           ric_design *out, ric_err *err)
{
    ric_status st = check_sampled(n, o, "lhs", err);
    if (st != RIC_OK)
        return st;
    size_t m = o->samples;
    size_t *perm = malloc(m * sizeof *perm);
    if (!perm) {
        ric_err_set(err, "out of memory for a design of %zu rows", m);
        return RIC_ENOMEM;
    }
    st = alloc_rows(m, n, out, err);
    if (st != RIC_OK) {
        free(perm);
        return st;
    }
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < m; i++)
            perm[i] = i;
        for (size_t i = m; i-- > 1;) {
            ric_block b = ric_rng_block(o->seed, (uint32_t)j, (uint32_t)i, RULE_LHS);
            size_t k = (size_t)(ric_u01(b.v[0]) * (double)(i + 1)); /* uniform on 0..i */
            if (k > i)
                k = i; /* guards the rounding of the product only */
            size_t t = perm[i];
            perm[i] = perm[k];
            perm[k] = t;
        }
        for (size_t i = 0; i < m; i++) {
            ric_block b = ric_rng_block(o->seed, (uint32_t)j, (uint32_t)i, RULE_LHS + 1);
            double u = ((double)perm[i] + ric_u01(b.v[1])) / (double)m;
            out->x[i * n + j] = p[j].lo + u * (p[j].hi - p[j].lo);
        }
    }
    free(perm);
    return RIC_OK;
}

/* Sobol low-discrepancy points from GSL. GSL's sequence starts at (0.5, ...), not at the origin,
 * so no point needs skipping. */
static ric_status make_sobol(const ric_design_param *p, size_t n, const ric_design_opts *o,
                             ric_design *out, ric_err *err)
{
    ric_status st = check_sampled(n, o, "sobol", err);
    if (st != RIC_OK)
        return st;
    /* gsl_qrng_alloc ignores the failure of a dimension it cannot do: check it here */
    if (n > RIC_DESIGN_SOBOL_MAX) {
        ric_err_set(err, "sobol supports at most %d parameters (got %zu)", RIC_DESIGN_SOBOL_MAX, n);
        return RIC_EUSAGE;
    }
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)n);
    double u[RIC_DESIGN_SOBOL_MAX];
    if (!q) {
        ric_err_set(err, "out of memory for the sobol sequence");
        return RIC_ENOMEM;
    }
    st = alloc_rows(o->samples, n, out, err);
    for (size_t i = 0; st == RIC_OK && i < o->samples; i++) {
        if (gsl_qrng_get(q, u) != 0) {
            ric_err_set(err, "the sobol sequence failed at point %zu", i);
            ric_design_fini(out);
            st = RIC_EGSL;
            break;
        }
        for (size_t j = 0; j < n; j++)
            out->x[i * n + j] = p[j].lo + u[j] * (p[j].hi - p[j].lo);
    }
    gsl_qrng_free(q);
    return st;
}

/* ---- design files ---------------------------------------------------------------------------- */

/* Splits LINE in place at tabs, commas and blanks; returns the number of fields (up to max). */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, "\t, \r\n", &save); t; t = strtok_r(NULL, "\t, \r\n", &save)) {
        if (n == max)
            return max + 1;
        f[n++] = t;
    }
    return n;
}

static int number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *s && !*end && errno == 0 && isfinite(*v);
}

/* Whether a field of a design file may be quoted in a message: short and printable, the shape of
 * a key or a number (what a design file holds), so that nothing else of a file is echoed. */
static int quotable(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= 64 &&
           s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-+[]")] ==
               '\0';
}

/* A table of rows, one column per parameter, separated by tabs, commas or blanks ('#' starts a
 * comment line). An optional first line of names maps columns to parameters; without it the
 * columns follow the order of the parameters, as in SALib's output (which has no header). */
static ric_status make_file(const ric_design_param *p, size_t n, const ric_design_opts *o,
                            ric_design *out, ric_err *err)
{
    if (n == 0) {
        ric_err_set(err, "a design file needs at least one parameter");
        return RIC_EUSAGE;
    }
    FILE *f = ric_fs_open_regular(o->file);
    if (!f) {
        ric_err_set(err, "%s: cannot open: %s", o->file,
                    errno == EINVAL ? "not a regular file" : strerror(errno));
        return RIC_EIO;
    }
    ric_status st = RIC_OK;
    size_t col_of[RIC_DESIGN_MAX_PARAMS]; /* file column -> parameter */
    for (size_t j = 0; j < n; j++)
        col_of[j] = j;
    size_t rows = 0, cap = 0, lineno = 0;
    double *x = NULL;
    char line[8192], *fld[RIC_DESIGN_MAX_PARAMS + 1];
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            ric_err_set(err, "%s:%zu: line longer than %zu characters", o->file, lineno,
                        sizeof line - 2);
            st = RIC_EUSAGE;
            break;
        }
        const char *s = line + strspn(line, " \t");
        if (*s == '#' || *s == '\n' || *s == '\r' || !*s)
            continue;
        size_t nf = split(line, fld, n);
        if (nf != n) {
            ric_err_set(err, "%s:%zu: expected %zu values, one per parameter (got %s%zu)", o->file,
                        lineno, n, nf > n ? "more than " : "", nf > n ? n : nf);
            st = RIC_EUSAGE;
            break;
        }
        double v;
        if (first && !number(fld[0], &v)) { /* a header of parameter keys */
            first = 0;
            int used[RIC_DESIGN_MAX_PARAMS] = {0};
            for (size_t c = 0; c < n && st == RIC_OK; c++) {
                size_t j = 0;
                while (j < n && strcmp(p[j].key, fld[c]) != 0)
                    j++;
                if (j == n && !quotable(fld[c])) { /* not a design file: nothing of it echoed */
                    ric_err_set(err,
                                "%s:%zu: not a design file (column %zu is neither a number nor "
                                "a parameter key)",
                                o->file, lineno, c + 1);
                    st = RIC_EUSAGE;
                    break;
                }
                if (j == n || used[j]) {
                    ric_err_set(err, "%s:%zu: column '%s' %s", o->file, lineno, fld[c],
                                j == n ? "names no parameter of the experiment" : "is named twice");
                    st = RIC_EUSAGE;
                    break;
                }
                used[j] = 1;
                col_of[c] = j;
            }
            if (st != RIC_OK)
                break;
            continue;
        }
        first = 0;
        if (rows == RIC_DESIGN_MAX_ROWS) {
            ric_err_set(err, "%s:%zu: more than %d rows", o->file, lineno, RIC_DESIGN_MAX_ROWS);
            st = RIC_EUSAGE;
            break;
        }
        if (rows == cap) {
            cap = cap ? 2 * cap : 64;
            double *g = realloc(x, cap * n * sizeof *x);
            if (!g) {
                ric_err_set(err, "%s: out of memory", o->file);
                st = RIC_ENOMEM;
                break;
            }
            x = g;
        }
        for (size_t c = 0; c < n && st == RIC_OK; c++) {
            const ric_design_param *q = &p[col_of[c]];
            if (!number(fld[c], &v)) {
                ric_err_set(err, "%s:%zu: '%s' is not a number (column %zu, '%s')", o->file, lineno,
                            quotable(fld[c]) ? fld[c] : "...", c + 1, q->key);
                st = RIC_EUSAGE;
            } else if (q->has_range && (v < q->lo || v > q->hi)) {
                ric_err_set(err, "%s:%zu: '%s' = %g is outside [%g, %g]", o->file, lineno, q->key,
                            v, q->lo, q->hi);
                st = RIC_EUSAGE;
            }
            x[rows * n + col_of[c]] = v;
        }
        if (st != RIC_OK)
            break;
        rows++;
    }
    if (st == RIC_OK && ferror(f)) {
        ric_err_set(err, "%s: read error", o->file);
        st = RIC_EIO;
    }
    if (st == RIC_OK && rows == 0) {
        ric_err_set(err, "%s: no design rows", o->file);
        st = RIC_EUSAGE;
    }
    fclose(f);
    if (st != RIC_OK) {
        free(x);
        return st;
    }
    out->n_rows = rows;
    out->n_params = n;
    out->x = x;
    return RIC_OK;
}

/* ---- the table ------------------------------------------------------------------------------- */

const ric_design_type ric_design_types[] = {
    {"grid", 1, 0, make_grid},   {"zip", 1, 0, make_zip},    {"lhs", 0, 1, make_lhs},
    {"sobol", 0, 1, make_sobol}, {"file", -1, 0, make_file},
};
const size_t ric_design_ntypes = sizeof ric_design_types / sizeof ric_design_types[0];

const ric_design_type *ric_design_find(const char *name)
{
    for (size_t i = 0; i < ric_design_ntypes; i++)
        if (strcmp(ric_design_types[i].name, name) == 0)
            return &ric_design_types[i];
    return NULL;
}

ric_status ric_design_make(const ric_design_type *t, const ric_design_param *p, size_t n,
                           const ric_design_opts *o, ric_design *out, ric_err *err)
{
    if (n > RIC_DESIGN_MAX_PARAMS) {
        ric_err_set(err, "at most %d parameters (got %zu)", RIC_DESIGN_MAX_PARAMS, n);
        return RIC_EUSAGE;
    }
    ric_design d = {0};
    ric_status st = t->make(p, n, o, &d, err);
    if (st != RIC_OK)
        return st;
    /* whole-number parameters: sampled values are rounded, given ones must already be whole */
    for (size_t i = 0; i < d.n_rows; i++)
        for (size_t j = 0; j < n; j++) {
            double *v = &d.x[i * n + j];
            if (!p[j].integer || *v == round(*v))
                continue;
            if (t->needs_values == 0) {
                *v = round(*v);
            } else {
                ric_err_set(err, "'%s' is a whole number, but design row %zu gives %g", p[j].key, i,
                            *v);
                ric_design_fini(&d);
                return RIC_EUSAGE;
            }
        }
    *out = d;
    return RIC_OK;
}

void ric_design_fini(ric_design *d)
{
    if (!d)
        return;
    free(d->x);
    d->x = NULL;
    d->n_rows = d->n_params = 0;
}

/* splitmix64's finalizer (Stafford's "mix 13") taken mod 2^63: xor-shifts and products by odd
 * constants are each invertible on 63-bit words, so the whole mix is a bijection. */
static uint64_t mix63(uint64_t x)
{
    const uint64_t m = UINT64_MAX >> 1;
    x &= m;
    x ^= x >> 30;
    x = (x * 0xbf58476d1ce4e5b9ull) & m;
    x ^= x >> 27;
    x = (x * 0x94d049bb133111ebull) & m;
    x ^= x >> 31;
    return x;
}

uint64_t ric_design_seed(uint64_t master, size_t rep)
{
    /* master selects an offset, rep walks from it: injective in rep for a fixed master; the
     * constant (the golden ratio's bits) keeps master 0 off the mix's fixed point at 0 */
    return mix63(mix63(master ^ 0x9e3779b97f4a7c15ull) + (uint64_t)rep);
}
