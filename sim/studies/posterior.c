/* Reading posterior.tsv and drawing from it by weight (posterior.h). */
#include "studies/posterior.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

#define DRAW_KEY 0xbb67ae8584caa73bull /* the fractional bits of sqrt(3): posterior draws */

void ric_posterior_fini(ric_posterior *p)
{
    free(p->w);
    free(p->x);
    memset(p, 0, sizeof *p);
}

static int parse_num(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *s && !*end && errno != ERANGE && isfinite(*v);
}

/* "# parameter=NAME key=KEY ...": the name and key into p. */
static ric_status param_line(ric_posterior *p, const char *line, const char *where, ric_err *err)
{
    char name[64] = "", key[256] = "";
    if (sscanf(line, "# parameter=%63s key=%255s", name, key) != 2) {
        ric_err_set(err, "%s: expected '# parameter=NAME key=KEY'", where);
        return RIC_ESCENARIO;
    }
    if (p->k == RIC_POSTERIOR_MAX_PARAMS) {
        ric_err_set(err, "%s: more than %d parameters", where, RIC_POSTERIOR_MAX_PARAMS);
        return RIC_ESCENARIO;
    }
    snprintf(p->names[p->k], sizeof p->names[0], "%s", name);
    snprintf(p->keys[p->k], sizeof p->keys[0], "%s", key);
    p->k++;
    return RIC_OK;
}

ric_status ric_posterior_read(const char *path, ric_posterior *p, ric_err *err)
{
    memset(p, 0, sizeof *p);
    FILE *f = fopen(path, "r");
    if (!f) {
        ric_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return RIC_EIO;
    }
    char line[16384], where[4200];
    unsigned ln = 0;
    int header = 0;
    int col[RIC_POSTERIOR_MAX_PARAMS + 1]; /* the field of weight, then of each parameter */
    size_t cap = 0;
    ric_status rc = RIC_OK;
    while (rc == RIC_OK && fgets(line, sizeof line, f)) {
        ln++;
        snprintf(where, sizeof where, "%s:%u", path, ln);
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "# parameter=", 12) == 0) {
            rc = header ? RIC_ESCENARIO : param_line(p, line, where, err);
            if (header)
                ric_err_set(err, "%s: a '# parameter=' line after the header", where);
            continue;
        }
        if (line[0] == '#' || !line[0])
            continue;
        char *fld[RIC_POSTERIOR_MAX_PARAMS + 8];
        size_t nf = 0;
        for (char *s = line; nf < sizeof fld / sizeof fld[0];) {
            fld[nf++] = s;
            char *t = strchr(s, '\t');
            if (!t)
                break;
            *t = '\0';
            s = t + 1;
        }
        if (!header) {
            if (p->k == 0) {
                ric_err_set(err,
                            "%s: no '# parameter=NAME key=KEY' line before the header: which "
                            "scenario key does each column set?",
                            where);
                rc = RIC_ESCENARIO;
                break;
            }
            for (size_t j = 0; j <= p->k; j++) {
                const char *want = j ? p->names[j - 1] : "weight";
                col[j] = -1;
                for (size_t i = 0; i < nf; i++)
                    if (strcmp(fld[i], want) == 0)
                        col[j] = (int)i;
                if (col[j] < 0) {
                    ric_err_set(err, "%s: the header lacks column '%s'", where, want);
                    rc = RIC_ESCENARIO;
                    break;
                }
            }
            header = 1;
            continue;
        }
        if (p->n == RIC_POSTERIOR_MAX_ROWS) {
            ric_err_set(err, "%s: more than %d particles", where, RIC_POSTERIOR_MAX_ROWS);
            rc = RIC_ESCENARIO;
            break;
        }
        if (p->n == cap) {
            size_t nc = cap ? 2 * cap : 256;
            double *w = realloc(p->w, nc * sizeof *w),
                   *x = w ? realloc(p->x, nc * p->k * sizeof *x) : NULL;
            if (w)
                p->w = w;
            if (x)
                p->x = x;
            if (!w || !x) {
                ric_err_set(err, "%s: out of memory", path);
                rc = RIC_ENOMEM;
                break;
            }
            cap = nc;
        }
        for (size_t j = 0; j <= p->k && rc == RIC_OK; j++) {
            const char *name = j ? p->names[j - 1] : "weight";
            double v;
            if (col[j] >= (int)nf || !parse_num(fld[col[j]], &v)) {
                ric_err_set(err, "%s: '%s' must be a number (got '%s')", where, name,
                            col[j] < (int)nf ? fld[col[j]] : "");
                rc = RIC_ESCENARIO;
            } else if (j == 0 && !(v >= 0)) {
                ric_err_set(err, "%s: 'weight' must be >= 0 (got %g)", where, v);
                rc = RIC_ESCENARIO;
            } else if (j == 0) {
                p->w[p->n] = v;
            } else {
                p->x[p->n * p->k + j - 1] = v;
            }
        }
        p->n++;
    }
    if (rc == RIC_OK && ferror(f)) {
        ric_err_set(err, "%s: read error", path);
        rc = RIC_EIO;
    }
    fclose(f);
    double tot = 0;
    for (size_t i = 0; rc == RIC_OK && i < p->n; i++)
        tot += p->w[i];
    if (rc == RIC_OK && !(tot > 0)) {
        ric_err_set(err, "%s: no particle with a weight > 0", path);
        rc = RIC_ESCENARIO;
    }
    if (rc != RIC_OK)
        ric_posterior_fini(p);
    return rc;
}

void ric_posterior_draw(const ric_posterior *p, size_t n_draws, uint64_t seed, size_t *idx)
{
    double tot = 0;
    for (size_t i = 0; i < p->n; i++)
        tot += p->w[i];
    for (size_t d = 0; d < n_draws; d++) {
        ric_block b = ric_rng_block(seed ^ DRAW_KEY, (uint32_t)d, (uint32_t)(d >> 32), 1);
        double at = ric_u01(b.v[0]) * tot, acc = 0;
        size_t pick = p->n - 1;
        for (size_t i = 0; i < p->n; i++) {
            acc += p->w[i];
            if (p->w[i] > 0 && at < acc) {
                pick = i;
                break;
            }
        }
        while (!(p->w[pick] > 0)) /* rounding at the end: the last particle with weight */
            pick--;
        idx[d] = pick;
    }
}
