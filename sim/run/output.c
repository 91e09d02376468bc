/* Output files of one run: series.tsv (gnuplot-native time series), genealogy.tsv (spin-off
 * edges) and scenario.cfg (the effective scenario), each written to a temporary name first. */
#include "run/output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { F_SCENARIO, F_GENEALOGY, F_SERIES, F_N }; /* commit order: series last */
static const char *const final_names[F_N] = {"scenario.cfg", "genealogy.tsv", "series.tsv"};

struct ric_output {
    char dir[4096];
    char tmp[F_N][4200], fin[F_N][4200];
    FILE *f[F_N];
    int failed;
};

int ric_output_mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

ric_status ric_output_open(const char *dir, int force, ric_output **out, ric_err *err)
{
    if (strlen(dir) >= 4000) {
        ric_err_set(err, "%s: output folder name too long", dir);
        return RIC_EUSAGE;
    }
    if (ric_output_mkdirs(dir) != 0) {
        ric_err_set(err, "%s: cannot create output folder: %s", dir, strerror(errno));
        return RIC_EIO;
    }
    ric_output *o = calloc(1, sizeof *o);
    if (!o)
        return RIC_ENOMEM;
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    for (int i = 0; i < F_N; i++) {
        snprintf(o->fin[i], sizeof o->fin[i], "%s/%s", dir, final_names[i]);
        snprintf(o->tmp[i], sizeof o->tmp[i], "%s/.%s.tmp.%ld", dir, final_names[i],
                 (long)getpid());
    }
    if (!force && access(o->fin[F_SERIES], F_OK) == 0) {
        ric_err_set(err, "%s: already holds a run (series.tsv); use --force to replace it", dir);
        free(o);
        return RIC_EUSAGE;
    }
    for (int i = 0; i < F_N; i++) {
        o->f[i] = fopen(o->tmp[i], "w");
        if (!o->f[i]) {
            ric_err_set(err, "%s: cannot write: %s", o->tmp[i], strerror(errno));
            ric_output_abort(o);
            return RIC_EIO;
        }
    }
    fprintf(o->f[F_GENEALOGY], "year\tchild_id\tparent_id\tparent_kind\tregion\n");
    *out = o;
    return RIC_OK;
}

void ric_output_meta(ric_output *o, const char *key, const char *fmt, ...)
{
    FILE *f = o->f[F_SERIES];
    fprintf(f, "# %s=", key);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

void ric_output_header(ric_output *o, const char *const *names, size_t n)
{
    FILE *f = o->f[F_SERIES];
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? "\t" : "", names[i]);
    fputc('\n', f);
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
    ric_output_write_row(o->f[F_SERIES], vals, n);
}

void ric_output_births(ric_output *o, const ric_birth *b, size_t n, const ric_world *w)
{
    FILE *f = o->f[F_GENEALOGY];
    for (size_t i = 0; i < n; i++) {
        const char *kind =
            b[i].parent_kind == RIC_PARENT_FIRM ? "firm" : ric_org_kind_names[b[i].parent_kind];
        fprintf(f, "%.4f\t%u\t%u\t%s\t%s\n", b[i].year, b[i].child, b[i].parent, kind,
                w->regions[b[i].region].p.name);
    }
}

void ric_output_scenario(ric_output *o, const char *text)
{
    fputs(text, o->f[F_SCENARIO]);
}

ric_status ric_output_commit(ric_output *o, ric_err *err)
{
    for (int i = 0; i < F_N; i++) {
        FILE *f = o->f[i];
        int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
        int e = errno;
        if (fclose(f) != 0 && !bad) {
            bad = 1;
            e = errno;
        }
        o->f[i] = NULL;
        if (bad) {
            ric_err_set(err, "%s: write failed: %s", o->tmp[i], strerror(e ? e : EIO));
            ric_output_abort(o);
            return RIC_EIO;
        }
    }
    unlink(o->fin[F_SERIES]); /* an old run's series must not pair with new files */
    for (int i = 0; i < F_N; i++)
        if (rename(o->tmp[i], o->fin[i]) != 0) {
            ric_err_set(err, "%s: cannot rename into place: %s", o->fin[i], strerror(errno));
            /* the series is renamed last: whatever landed, no complete-looking series exists */
            ric_output_abort(o);
            return RIC_EIO;
        }
    /* make the renames durable */
    int d = open(o->dir, O_RDONLY);
    if (d >= 0) {
        fsync(d);
        close(d);
    }
    free(o);
    return RIC_OK;
}

void ric_output_abort(ric_output *o)
{
    if (!o)
        return;
    for (int i = 0; i < F_N; i++) {
        if (o->f[i])
            fclose(o->f[i]);
        unlink(o->tmp[i]);
    }
    free(o);
}
