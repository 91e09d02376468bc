/* The calibration's targets table (scenarios/calibration/NAME_targets.tsv): one row per (year,
 * series column) with the observed value and its weight, read with FILE:LINE errors. Split from
 * calibrate.c. */
#include "studies/calibrate.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits a tab-separated line in place; returns the number of fields (at most max). */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

static int parse_num(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *s && !*end && errno != ERANGE;
}

enum { T_YEAR, T_COLUMN, T_OBSERVED, T_WEIGHT, T_NOTE, T_N };
static const char *const tcols[T_N] = {"year", "column", "observed", "weight", "note"};

static ric_status targets_row(const char *path, unsigned line, char **f, size_t nf, const int *pos,
                              ric_target *t, ric_err *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->where, sizeof t->where, "%s:%u", path, line);
    for (int c = 0; c < T_NOTE; c++)
        if (pos[c] >= (int)nf) {
            ric_err_set(err, "%s: missing field '%s' (%zu fields, the header has more)", t->where,
                        tcols[c], nf);
            return RIC_ESCENARIO;
        }
    const char *s = f[pos[T_YEAR]];
    if (!parse_num(s, &t->year) || !isfinite(t->year)) {
        ric_err_set(err, "%s: 'year' must be a number (got '%s')", t->where, s);
        return RIC_ESCENARIO;
    }
    s = f[pos[T_COLUMN]];
    if (!*s || strlen(s) >= sizeof t->column) {
        ric_err_set(err, "%s: 'column' must name a series.tsv column (got '%s')", t->where, s);
        return RIC_ESCENARIO;
    }
    snprintf(t->column, sizeof t->column, "%s", s);
    s = f[pos[T_OBSERVED]];
    if (strcmp(s, "na") == 0 || strcmp(s, "NaN") == 0 || strcmp(s, "nan") == 0)
        t->observed = NAN;
    else if (!parse_num(s, &t->observed) || !isfinite(t->observed)) {
        ric_err_set(err, "%s: 'observed' must be a number or na (got '%s')", t->where, s);
        return RIC_ESCENARIO;
    }
    s = f[pos[T_WEIGHT]];
    if (!parse_num(s, &t->weight) || !isfinite(t->weight)) {
        ric_err_set(err, "%s: 'weight' must be a number (got '%s')", t->where, s);
        return RIC_ESCENARIO;
    }
    if (t->weight < 0) {
        ric_err_set(err, "%s: 'weight' must be >= 0 (got %g)", t->where, t->weight);
        return RIC_ESCENARIO;
    }
    if (t->weight > 0 && isnan(t->observed)) {
        ric_err_set(err, "%s: 'observed' is na, so 'weight' must be 0 (got %g)", t->where,
                    t->weight);
        return RIC_ESCENARIO;
    }
    if (t->weight > 0 && t->observed == 0) {
        ric_err_set(err,
                    "%s: 'observed' must be nonzero when 'weight' > 0 (the loss uses relative "
                    "errors)",
                    t->where);
        return RIC_ESCENARIO;
    }
    if (pos[T_NOTE] >= 0 && pos[T_NOTE] < (int)nf)
        snprintf(t->note, sizeof t->note, "%s", f[pos[T_NOTE]]);
    return RIC_OK;
}

ric_status ric_calibrate_targets_read(const char *path, ric_target **out, size_t *n_out,
                                      ric_err *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        ric_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return RIC_EIO;
    }
    ric_target *t = NULL;
    size_t n = 0, cap = 0;
    int pos[T_N] = {-1, -1, -1, -1, -1}, header = 0;
    char line[4096];
    unsigned ln = 0;
    ric_status rc = RIC_OK;
    while (rc == RIC_OK && fgets(line, sizeof line, fp)) {
        ln++;
        if (!strchr(line, '\n') && !feof(fp)) {
            ric_err_set(err, "%s:%u: line longer than %zu characters", path, ln, sizeof line - 2);
            rc = RIC_ESCENARIO;
            break;
        }
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        char *f[32];
        size_t nf = split_tabs(line, f, 32);
        if (!header) {
            for (size_t i = 0; i < nf && rc == RIC_OK; i++) {
                int c = 0;
                while (c < T_N && strcmp(f[i], tcols[c]) != 0)
                    c++;
                if (c == T_N) {
                    ric_err_set(err,
                                "%s:%u: unknown column '%s' in the header (expected year, "
                                "column, observed, weight and optionally note)",
                                path, ln, f[i]);
                    rc = RIC_ESCENARIO;
                } else if (pos[c] >= 0) {
                    ric_err_set(err, "%s:%u: column '%s' appears twice in the header", path, ln,
                                f[i]);
                    rc = RIC_ESCENARIO;
                } else {
                    pos[c] = (int)i;
                }
            }
            for (int c = 0; c < T_NOTE && rc == RIC_OK; c++)
                if (pos[c] < 0) {
                    ric_err_set(err, "%s:%u: the header lacks column '%s'", path, ln, tcols[c]);
                    rc = RIC_ESCENARIO;
                }
            header = 1;
            continue;
        }
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            ric_target *g = realloc(t, nc * sizeof *g);
            if (!g) {
                ric_err_set(err, "%s: out of memory", path);
                rc = RIC_ENOMEM;
                break;
            }
            t = g;
            cap = nc;
        }
        rc = targets_row(path, ln, f, nf, pos, &t[n], err);
        for (size_t k = 0; k < n && rc == RIC_OK; k++)
            if (t[k].year == t[n].year && strcmp(t[k].column, t[n].column) == 0) {
                ric_err_set(err, "%s: repeats the target '%s' %g of %s", t[n].where, t[n].column,
                            t[n].year, t[k].where);
                rc = RIC_ESCENARIO;
            }
        n++;
    }
    if (rc == RIC_OK && ferror(fp)) {
        ric_err_set(err, "%s: read error", path);
        rc = RIC_EIO;
    }
    fclose(fp);
    if (rc == RIC_OK && n == 0) {
        ric_err_set(err, "%s: no targets", path);
        rc = RIC_ESCENARIO;
    }
    if (rc != RIC_OK) {
        free(t);
        return rc;
    }
    *out = t;
    *n_out = n;
    return RIC_OK;
}
