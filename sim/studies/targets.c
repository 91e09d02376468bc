/* The calibration's targets table (scenarios/calibration/NAME_targets.tsv): one row per target
 * (a value, change or sum of a series column, or a share of two, at a year or over a span) with
 * the observed value, its tolerance and weight, read with FILE:LINE errors; the probes a target
 * needs and its value in one run. Split from calibrate.c. */
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

enum {
    T_YEAR,
    T_COLUMN,
    T_OBSERVED,
    T_WEIGHT,
    T_UNTIL,
    T_STAT,
    T_OVER,
    T_RELATION,
    T_TOLERANCE,
    T_NOTE,
    T_N
};
#define T_REQUIRED T_UNTIL /* the columns before it are required */
static const char *const tcols[T_N] = {"year", "column", "observed", "weight",    "until",
                                       "stat", "over",   "relation", "tolerance", "note"};

/* Field C of the row, or "" when the header lacks the column or the row is short. */
static const char *field(char **f, size_t nf, const int *pos, int c)
{
    return pos[c] >= 0 && pos[c] < (int)nf ? f[pos[c]] : "";
}

static int is_na(const char *s)
{
    return strcmp(s, "na") == 0 || strcmp(s, "NaN") == 0 || strcmp(s, "nan") == 0;
}

static ric_status column_name(const ric_target *t, const char *key, const char *s, char *out,
                              ric_err *err)
{
    if (!*s || strlen(s) >= 64 || strpbrk(s, " \"'")) {
        ric_err_set(err, "%s: '%s' must name a series.tsv column (got '%s')", t->where, key, s);
        return RIC_ESCENARIO;
    }
    snprintf(out, 64, "%s", s);
    return RIC_OK;
}

static ric_status targets_row(const char *path, unsigned line, char **f, size_t nf, const int *pos,
                              ric_target *t, ric_err *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->where, sizeof t->where, "%s:%u", path, line);
    for (int c = 0; c < T_REQUIRED; c++)
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
    if (column_name(t, "column", f[pos[T_COLUMN]], t->column, err) != RIC_OK)
        return RIC_ESCENARIO;
    s = f[pos[T_OBSERVED]];
    if (is_na(s))
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
    /* the optional columns; an empty field takes the default */
    s = field(f, nf, pos, T_STAT);
    t->stat = !*s || strcmp(s, "value") == 0 ? RIC_TARGET_VALUE
              : strcmp(s, "change") == 0     ? RIC_TARGET_CHANGE
              : strcmp(s, "sum") == 0        ? RIC_TARGET_SUM
                                             : (ric_target_stat)-1;
    if ((int)t->stat < 0) {
        ric_err_set(err, "%s: 'stat' must be value, change or sum (got '%s')", t->where, s);
        return RIC_ESCENARIO;
    }
    s = field(f, nf, pos, T_UNTIL);
    t->until = NAN;
    if (*s && !is_na(s) && (!parse_num(s, &t->until) || !isfinite(t->until))) {
        ric_err_set(err, "%s: 'until' must be a number (got '%s')", t->where, s);
        return RIC_ESCENARIO;
    }
    if (t->stat == RIC_TARGET_VALUE && !isnan(t->until)) {
        ric_err_set(err, "%s: 'until' %g needs 'stat' change or sum (a value is read at 'year')",
                    t->where, t->until);
        return RIC_ESCENARIO;
    }
    if (t->stat != RIC_TARGET_VALUE && !(t->until > t->year)) {
        ric_err_set(err, "%s: 'stat' %s needs 'until' after 'year' %g", t->where,
                    t->stat == RIC_TARGET_SUM ? "sum" : "change", t->year);
        return RIC_ESCENARIO;
    }
    s = field(f, nf, pos, T_OVER);
    if (*s && column_name(t, "over", s, t->over, err) != RIC_OK)
        return RIC_ESCENARIO;
    s = field(f, nf, pos, T_RELATION);
    t->relation = !*s ? '=' : (int)strlen(s) == 1 && strchr("=<>", s[0]) ? s[0] : 0;
    if (!t->relation) {
        ric_err_set(err, "%s: 'relation' must be =, > or < (got '%s')", t->where, s);
        return RIC_ESCENARIO;
    }
    s = field(f, nf, pos, T_TOLERANCE);
    t->tolerance = NAN;
    if (*s && !is_na(s) &&
        (!parse_num(s, &t->tolerance) || !(t->tolerance > 0) || !isfinite(t->tolerance))) {
        ric_err_set(err, "%s: 'tolerance' must be a number > 0 (got '%s')", t->where, s);
        return RIC_ESCENARIO;
    }
    if (t->weight > 0 && t->observed == 0 && isnan(t->tolerance)) {
        ric_err_set(err,
                    "%s: 'observed' must be nonzero when 'weight' > 0 (the loss uses relative "
                    "errors), or give a 'tolerance' to scale it",
                    t->where);
        return RIC_ESCENARIO;
    }
    snprintf(t->note, sizeof t->note, "%s", field(f, nf, pos, T_NOTE));
    return RIC_OK;
}

/* Whether targets A and B are the same function of the output. */
static int same_target(const ric_target *a, const ric_target *b)
{
    return a->year == b->year && a->stat == b->stat &&
           (a->stat == RIC_TARGET_VALUE || a->until == b->until) &&
           strcmp(a->column, b->column) == 0 && strcmp(a->over, b->over) == 0 &&
           a->relation == b->relation;
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
    int pos[T_N], header = 0;
    for (int c = 0; c < T_N; c++)
        pos[c] = -1;
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
                                "column, observed, weight and optionally until, stat, over, "
                                "relation, tolerance and note)",
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
            for (int c = 0; c < T_REQUIRED && rc == RIC_OK; c++)
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
            if (same_target(&t[k], &t[n])) {
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

/* The index of probe (COLUMN, YEAR[, sum to UNTIL]) in ST, added when new. */
static ric_status probe_of(ric_study *st, const ric_target *t, const char *column, double year,
                           int sum, double until, size_t *out, ric_err *err)
{
    size_t p = 0;
    while (p < st->n_probes &&
           !(st->probes[p].year == year && st->probes[p].sum == sum &&
             (!sum || st->probes[p].until == until) && strcmp(st->probes[p].column, column) == 0))
        p++;
    if (p == RIC_STUDY_MAX_PROBES) {
        ric_err_set(err, "%s: the targets read more than %d distinct values of the output",
                    t->where, RIC_STUDY_MAX_PROBES);
        return RIC_ESCENARIO;
    }
    if (p == st->n_probes) {
        ric_probe *q = &st->probes[st->n_probes++];
        memset(q, 0, sizeof *q);
        snprintf(q->column, sizeof q->column, "%s", column);
        snprintf(q->where, sizeof q->where, "%s", t->where);
        q->year = year;
        q->sum = sum;
        q->until = sum ? until : 0;
    }
    *out = p;
    return RIC_OK;
}

ric_status ric_calibrate_target_probes(ric_target *t, ric_study *st, ric_err *err)
{
    int sum = t->stat == RIC_TARGET_SUM, change = t->stat == RIC_TARGET_CHANGE;
    ric_status rc = probe_of(st, t, t->column, t->year, sum, t->until, &t->probe, err);
    t->probe_end = t->over_probe = t->over_end = t->probe;
    if (rc == RIC_OK && change)
        rc = probe_of(st, t, t->column, t->until, 0, 0, &t->probe_end, err);
    if (rc == RIC_OK && t->over[0])
        rc = probe_of(st, t, t->over, t->year, sum, t->until, &t->over_probe, err);
    t->over_end = t->over_probe;
    if (rc == RIC_OK && t->over[0] && change)
        rc = probe_of(st, t, t->over, t->until, 0, 0, &t->over_end, err);
    return rc;
}

double ric_calibrate_target_value(const ric_target *t, const double *y)
{
    int change = t->stat == RIC_TARGET_CHANGE;
    double num = change ? y[t->probe_end] - y[t->probe] : y[t->probe];
    if (!t->over[0])
        return num;
    double den = change ? y[t->over_end] - y[t->over_probe] : y[t->over_probe];
    return den != 0 ? num / den : NAN;
}

void ric_calibrate_target_label(const ric_target *t, char *buf, size_t n)
{
    char num[140];
    if (t->stat == RIC_TARGET_VALUE)
        snprintf(num, sizeof num, "%s", t->column);
    else
        snprintf(num, sizeof num, "%s(%s,%g-%g)", t->stat == RIC_TARGET_SUM ? "sum" : "change",
                 t->column, t->year, t->until);
    if (t->over[0])
        snprintf(buf, n, "%s/%s", num, t->over);
    else
        snprintf(buf, n, "%s", num);
}
