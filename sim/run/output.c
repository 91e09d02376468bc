/* Output files of one run: series.tsv (gnuplot-native time series), regions.tsv (a data set per
 * region), genealogy.tsv (spin-off edges), evaluation.tsv (the programmes' participants against
 * their comparison firms) and scenario.cfg (the effective scenario), committed together as one
 * atomic set. */
#include "run/output.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/fs.h"
#include "base/sbuf.h"
#include "model/evaluation.h"

enum { F_SCENARIO, F_GENEALOGY, F_EVALUATION, F_REGIONS, F_SERIES, F_N }; /* series last */
static const char *const final_names[F_N] = {"scenario.cfg", "genealogy.tsv", "evaluation.tsv",
                                             "regions.tsv", "series.tsv"};

struct ric_output {
    ric_atomic f[F_N];
    char dir[RIC_PATH_MAX];
    int made; /* dir did not exist: a run that fails removes it again (when empty) */
    /* regions.tsv's rows, kept until the end: [row][region][column], reserved before the loop */
    double *reg;
    size_t reg_rows, reg_cap, n_regions;
};

ric_status ric_output_open(const char *dir, int force, ric_output **out, ric_err *err)
{
    if (strlen(dir) >= 4000) {
        ric_err_set(err, "%s: output folder name too long", dir);
        return RIC_EUSAGE;
    }
    int made = access(dir, F_OK) != 0;
    if (ric_fs_mkdirs(dir) != 0) {
        ric_err_set(err, "%s: cannot create output folder: %s", dir, strerror(errno));
        return RIC_EIO;
    }
    char series[RIC_PATH_MAX];
    ric_fs_join(dir, final_names[F_SERIES], series);
    if (!force && access(series, F_OK) == 0) {
        ric_err_set(err, "%s: already holds a run (series.tsv); use --force to replace it", dir);
        return RIC_EUSAGE;
    }
    ric_output *o = calloc(1, sizeof *o);
    if (!o) {
        if (made)
            rmdir(dir);
        return RIC_ENOMEM;
    }
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    o->made = made;
    for (int i = 0; i < F_N; i++) {
        ric_status st = ric_atomic_open(&o->f[i], dir, final_names[i], RIC_ATOMIC_HIDDEN, err);
        if (st != RIC_OK) {
            ric_output_abort(o);
            return st;
        }
    }
    fprintf(o->f[F_GENEALOGY].f,
            "year\tchild_id\tparent_id\tparent_kind\tregion\tparent_name\tchild_sector\n");
    *out = o;
    return RIC_OK;
}

void ric_output_meta(ric_output *o, const char *key, const char *fmt, ...)
{
    FILE *f = o->f[F_SERIES].f;
    /* the value is free text (a scenario's file, an event's note): kept on one line, escaped */
    char small[1024], *text = small;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (len >= (int)sizeof small && (text = malloc((size_t)len + 1))) {
        va_start(ap, fmt);
        vsnprintf(text, (size_t)len + 1, fmt, ap);
        va_end(ap);
    } else if (len >= (int)sizeof small) {
        text = small; /* out of memory: the value cut; the commit still checks the writes */
    }
    fprintf(f, "# %s=", key);
    char piece[64];
    for (const char *p = text; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            char c[2] = {*p, '\0'};
            fputs(ric_text_field(c, piece, sizeof piece), f);
        } else {
            fputc(*p, f);
        }
    fputc('\n', f);
    if (text != small)
        free(text);
}

void ric_output_header(ric_output *o, const char *const *names, size_t n)
{
    FILE *f = o->f[F_SERIES].f;
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? "\t" : "", names[i]);
    fputc('\n', f);
}

void ric_output_put_value(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else if (isinf(v))
        fputs(v > 0 ? "Inf" : "-Inf", f);
    else
        fprintf(f, "%.10g", v);
}

void ric_output_write_row(FILE *f, const double *vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc('\t', f);
        if (isnan(vals[i]))
            fputs("NaN", f);
        else if (i == 0)
            fprintf(f, "%.4f", vals[i]);
        else
            fprintf(f, "%.10g", vals[i]);
    }
    fputc('\n', f);
}

void ric_output_row(ric_output *o, const double *vals, size_t n)
{
    ric_output_write_row(o->f[F_SERIES].f, vals, n);
}

void ric_output_births(ric_output *o, const ric_birth *b, size_t n, const ric_world *w)
{
    FILE *f = o->f[F_GENEALOGY].f;
    for (size_t i = 0; i < n; i++) {
        const int firm = b[i].parent_kind == RIC_PARENT_FIRM;
        const char *kind = firm ? "firm" : ric_org_kind_names[b[i].parent_kind];
        /* an organisation's cohort name (etri, kaist), without the "#k" of a cohort member */
        const char *name = firm ? "firm" : w->orgs[b[i].parent - 1].name;
        const int len = firm ? 4 : (int)strcspn(name, "#");
        const char *sector = w->sc->n_sectors > 0 ? w->sectors[b[i].sector].p.name : "-";
        fprintf(f, "%.4f\t%u\t%u\t%s\t%s\t%.*s\t%s\n", b[i].year, b[i].child, b[i].parent, kind,
                w->regions[b[i].region].p.name, len, name, sector);
    }
}

ric_status ric_output_regions_reserve(ric_output *o, const ric_scenario *sc, size_t rows,
                                      ric_err *err)
{
    o->n_regions = (size_t)sc->n_regions;
    o->reg_cap = rows;
    o->reg = malloc((rows ? rows : 1) * o->n_regions * RIC_RCOL_N * sizeof *o->reg);
    if (!o->reg) {
        ric_err_set(err, "%s: out of memory for the %zu rows of regions.tsv", sc->source, rows);
        return RIC_ENOMEM;
    }
    return RIC_OK;
}

void ric_output_regions_row(ric_output *o, const ric_regions *rg)
{
    if (o->reg_rows >= o->reg_cap) /* reserved for every row the run can write */
        return;
    double *dst = o->reg + o->reg_rows++ * o->n_regions * RIC_RCOL_N;
    for (size_t r = 0; r < o->n_regions; r++)
        memcpy(dst + r * RIC_RCOL_N, ric_regions_row(rg, (int)r), RIC_RCOL_N * sizeof *dst);
}

void ric_output_regions_put(FILE *f, const ric_scenario *sc, int r, const char *pre,
                            const char *post, const double *rows, size_t n_rows, size_t stride)
{
    const ric_region_spec *g = &sc->regions[r];
    fprintf(f, "\n\n# [%sregion %s]%s\n# focus=%d groups=", pre, g->name, post, g->focus);
    int first = 1;
    for (int k = 0; k < sc->n_groups; k++)
        if (g->groups >> k & 1u) {
            fprintf(f, "%s%s", first ? "" : ",", sc->groups[k]);
            first = 0;
        }
    fprintf(f, "%s\n", first ? "-" : "");
    for (size_t j = 0; j < RIC_RCOL_N; j++)
        fprintf(f, "%s%s", j ? "\t" : "", ric_regions_colname(j));
    fputc('\n', f);
    for (size_t k = 0; k < n_rows; k++)
        ric_output_write_row(f, rows + k * stride, RIC_RCOL_N);
}

void ric_output_regions_head(FILE *f, const ric_scenario *sc)
{
    fputs("# ricsim regions: one data set per region, \"[region NAME]\" (gnuplot's index), one "
          "row per output step (doc/outputs.md)\n",
          f);
    fprintf(f, "# scenario=%s seed=%llu\n", sc->name, (unsigned long long)sc->seed);
}

static void write_regions(ric_output *o, const ric_scenario *sc)
{
    FILE *f = o->f[F_REGIONS].f;
    ric_output_regions_head(f, sc);
    for (size_t r = 0; r < o->n_regions; r++)
        ric_output_regions_put(f, sc, (int)r, "", "", o->reg + r * RIC_RCOL_N, o->reg_rows,
                               o->n_regions * RIC_RCOL_N);
}

void ric_output_scenario(ric_output *o, const char *text)
{
    fputs(text, o->f[F_SCENARIO].f);
}

void ric_output_evaluation(ric_output *o, const ric_evaluation *ev, const ric_scenario *sc)
{
    FILE *f = o->f[F_EVALUATION].f;
    fputs("# ricsim programme evaluation: participant firms against matched comparison firms, "
          "one data set per programme (doc/outputs.md)\n",
          f);
    fprintf(f, "# scenario=%s seed=%llu\n", sc->name, (unsigned long long)sc->seed);
    const size_t nc = ric_evaluation_ncols();
    double vals[64];
    for (int p = 0; p < sc->n_programmes && nc <= sizeof vals / sizeof vals[0]; p++) {
        ric_evaluation_counts n;
        ric_evaluation_count(ev, p, &n);
        size_t first, rows = ric_evaluation_rows(ev, p, &first);
        fprintf(f, "\n\n# [programme %s]\n", sc->programmes[p].name);
        if (rows > 0)
            fprintf(f, "# base_year=%.4f", sc->start + (double)first);
        else
            fputs("# no participant firm", f);
        fprintf(f, " participants=%zu matched=%zu", n.participants, n.matched);
        if (n.unrecorded > 0)
            fprintf(f, " unrecorded=%zu", n.unrecorded);
        fputc('\n', f);
        for (size_t c = 0; c < nc; c++)
            fprintf(f, "%s%s", c ? "\t" : "", ric_evaluation_colname(c));
        fputc('\n', f);
        for (size_t r = 0; r < rows; r++) {
            ric_evaluation_row(ev, p, first + r, vals);
            ric_output_write_row(f, vals, nc);
        }
        /* its organisations, when it has organisation instruments and has selected */
        const size_t no = ric_evaluation_org_ncols();
        size_t ofirst, orows = ric_evaluation_org_rows(ev, p, &ofirst);
        if (orows == 0 || no > sizeof vals / sizeof vals[0])
            continue;
        fprintf(f, "\n\n# [organisations %s]\n", sc->programmes[p].name);
        fputs("# awardees: organisations that won an award of the programme; comparison: "
              "applicants that won none\n",
              f);
        for (size_t c = 0; c < no; c++)
            fprintf(f, "%s%s", c ? "\t" : "", ric_evaluation_org_colname(c));
        fputc('\n', f);
        for (size_t r = 0; r < orows; r++) {
            ric_evaluation_org_row(ev, p, ofirst + r, vals);
            ric_output_write_row(f, vals, no);
        }
    }
}

void ric_output_regions(ric_output *o, const ric_scenario *sc)
{
    if (o->reg)
        write_regions(o, sc);
}

ric_status ric_output_commit(ric_output *o, ric_err *err)
{
    free(o->reg);
    o->reg = NULL;
    ric_status st = ric_atomic_commit_set(o->f, F_N, err);
    if (st != RIC_OK && o->made)
        rmdir(o->dir); /* fails, harmlessly, unless the failed commit left it empty */
    free(o);
    return st;
}

void ric_output_abort(ric_output *o)
{
    if (!o)
        return;
    for (int i = 0; i < F_N; i++)
        ric_atomic_abort(&o->f[i]);
    if (o->made)
        rmdir(o->dir);
    free(o->reg);
    free(o);
}
