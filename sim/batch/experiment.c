/* Experiments: reads the 'experiment' group of an experiment file through the cfg module (the
 * scenario loader skips that group), builds the plan of runs, runs a plan in forked worker
 * processes (or hands runs to MPI ranks), streams runs.tsv and series.tsv in run order, and merges
 * sharded sweeps; stats.c turns series.tsv into stats.tsv and the tables of a comparison. Owns the
 * output folder of a sweep and its per-run files under DIR/.runs. */
#include "ricsim/experiment.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "input/cfg.h"
#include "run/output.h"
#include "base/sbuf.h"
#include "ricsim/scenario.h"
#include "ricsim/sim.h"
#include "ricsim/stats.h"

/* Indicators summarised when the experiment names none: structure, employment, spin-offs,
 * transfers and job flows. */
static const char *const default_indicators[] = {
    "firms",         "smes",         "employees_smes", "employees_total", "spinoffs_cum",
    "transfers_cum", "jobs_created", "jobs_net",       "mean_capability"};
#define N_DEFAULT_INDICATORS (sizeof default_indicators / sizeof default_indicators[0])

/* Files a sweep owns in its folder: --force removes them, and any of them present means results
 * that must not be overwritten without it. */
static const char *const result_files[] = {"plan.tsv", "runs.tsv",   "series.tsv", "stats.tsv",
                                           "diff.tsv", "effect.tsv", "note.txt"};
#define N_RESULT_FILES (sizeof result_files / sizeof result_files[0])
#define FIRST_DERIVED 3 /* stats.tsv and after: computed from series.tsv once the runs are done */

/* ---- small utilities ------------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Removes the files of folder DIR (one level: the per-run files) whose names contain PART (all
 * when PART is NULL). */
static void remove_files(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[4400];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            (!part || strstr(e->d_name, part)) &&
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p)
            unlink(p);
    closedir(d);
}

/* Removes the files of folder DIR and the folder. */
static void remove_flat_dir(const char *dir)
{
    remove_files(dir, NULL);
    rmdir(dir);
}

/* Flushes, syncs and closes f; returns 0, or -1 with errno set. */
static int close_synced(FILE *f)
{
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    errno = bad ? (e ? e : EIO) : 0;
    return bad ? -1 : 0;
}

/* Writes TEXT to PATH through a temporary name and a rename. */
static ric_status write_atomic(const char *path, const char *text, size_t n, ric_err *err)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        ric_err_set(err, "%s: cannot write: %s", tmp, strerror(errno));
        return RIC_EIO;
    }
    fwrite(text, 1, n, f);
    if (close_synced(f) != 0 || rename(tmp, path) != 0) {
        ric_err_set(err, "%s: write failed: %s", path, strerror(errno));
        unlink(tmp);
        return RIC_EIO;
    }
    return RIC_OK;
}

/* The whole file (NUL-terminated; caller frees) and its length, or NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ric_sbuf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        ric_sbuf_put(&b, "%.*s", (int)got, chunk);
    int bad = ferror(f) || b.oom;
    fclose(f);
    if (bad) {
        free(b.buf);
        errno = EIO;
        return NULL;
    }
    if (!b.buf)
        b.buf = calloc(1, 1);
    if (len)
        *len = b.n;
    return b.buf;
}

/* Copies TEXT into a TSV field: tabs and line breaks would break the table. */
static void field_text(const char *text, char *buf, size_t n)
{
    snprintf(buf, n, "%s", text);
    for (char *p = buf; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
}

/* PATH quoted for a POSIX shell when it needs it. */
static void sh_quote(ric_sbuf *b, const char *s)
{
    if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=")] ==
        '\0') {
        ric_sbuf_put(b, "%s", s);
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

/* ---- the experiment group, read through the cfg module like the scenario ---------------- */

/* The number of an array element (elements have no key, so libconfig's 32-bit trap cannot be
 * checked on them). */
static double elem_num(const config_setting_t *e)
{
    if (config_setting_type(e) == CONFIG_TYPE_FLOAT)
        return config_setting_get_float(e);
    return (double)config_setting_get_int64(e);
}

/* ---- building the plan ----------------------------------------------------------------------- */

/* The parameters as read, before the design is made. */
typedef struct {
    ric_design_param d[RIC_DESIGN_MAX_PARAMS];
    double *values[RIC_DESIGN_MAX_PARAMS]; /* owned */
    const config_setting_t *where[RIC_DESIGN_MAX_PARAMS];
    size_t n;
} param_set;

static void param_set_fini(param_set *ps)
{
    for (size_t j = 0; j < ps->n; j++)
        free(ps->values[j]);
}

static int valid_key_path(const char *k)
{
    if (!*k || strlen(k) >= 256)
        return 0;
    for (const char *p = k; *p; p++)
        if (!(isalnum((unsigned char)*p) || strchr("_-.[]*", *p)))
            return 0;
    return k[0] != '.' && k[strlen(k) - 1] != '.' && !strstr(k, "..");
}

static void read_param(ric_cfg *c, const ric_design_type *t, config_setting_t *g, param_set *ps)
{
    static const char *const keys[] = {"key", "values", "min", "max", "levels", "integer", NULL};
    size_t j = ps->n;
    ric_design_param *q = &ps->d[j];
    char gp[256];
    ric_cfg_path(g, gp, sizeof gp);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        ric_cfg_fail(c, g, "'%s' must be a group (got %s)", gp, ric_cfg_type_name(g));
        return;
    }
    ric_cfg_check_keys(c, g, keys);
    config_setting_t *k = ric_cfg_member(c, g, "key", 1, CONFIG_TYPE_STRING);
    if (c->failed)
        return;
    q->key = config_setting_get_string(k);
    if (!valid_key_path(q->key)) {
        ric_cfg_fail(c, k, "'%s.key' is not a key path like rules.spinoff.heritage (got \"%s\")",
                     gp, q->key);
        return;
    }
    if (strcmp(q->key, "seed") == 0) {
        ric_cfg_fail(c, k, "'%s.key' cannot be the seed: replications and 'experiment.seed' set it",
                     gp);
        return;
    }
    for (size_t i = 0; i < j; i++)
        if (strcmp(ps->d[i].key, q->key) == 0) {
            ric_cfg_fail(c, k, "'%s.key' repeats parameter '%s'", gp, q->key);
            return;
        }
    ps->where[j] = g;
    ps->n++;
    config_setting_t *b = ric_cfg_member(c, g, "integer", 0, CONFIG_TYPE_BOOL);
    q->integer = b ? config_setting_get_bool(b) : 0;
    config_setting_t *vals = ric_cfg_member(c, g, "values", 0, CONFIG_TYPE_ARRAY);
    config_setting_t *smin = config_setting_get_member(g, "min");
    config_setting_t *smax = config_setting_get_member(g, "max");
    config_setting_t *slev = config_setting_get_member(g, "levels");
    if (c->failed)
        return;
    if ((smin != NULL) != (smax != NULL)) {
        ric_cfg_fail(c, g, "'%s' gives '%s' without '%s'", gp, smin ? "min" : "max",
                     smin ? "max" : "min");
        return;
    }
    if (smin) {
        q->lo = ric_cfg_num(c, g, "min", 1, 0, -DBL_MAX, DBL_MAX);
        q->hi = ric_cfg_num(c, g, "max", 1, 0, -DBL_MAX, DBL_MAX);
        q->has_range = 1;
        if (!c->failed && !(q->hi > q->lo))
            ric_cfg_fail(c, smax, "'%s.max' must be > %g (got %g)", gp, q->lo, q->hi);
    }
    if (c->failed)
        return;
    if (t->needs_values == 1) {
        if (vals && (smin || slev)) {
            ric_cfg_fail(c, vals, "'%s' gives both 'values' and '%s'; give one", gp,
                         smin ? "min" : "levels");
            return;
        }
        if (!vals && !(smin && slev)) {
            ric_cfg_fail(c, g, "missing required key '%s.values' (or 'min', 'max' and 'levels')",
                         gp);
            return;
        }
        size_t n = vals ? (size_t)config_setting_length(vals)
                        : (size_t)ric_cfg_int(c, g, "levels", 1, 2, 2, RIC_DESIGN_MAX_ROWS);
        if (c->failed)
            return;
        if (n == 0) {
            ric_cfg_fail(c, vals, "'%s.values' is empty", gp);
            return;
        }
        ps->values[j] = malloc(n * sizeof *ps->values[j]);
        if (!ps->values[j]) {
            ric_cfg_fail(c, g, "out of memory");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            if (!vals) { /* evenly spaced, ends included */
                double u = (double)i / (double)(n - 1);
                ps->values[j][i] = q->lo * (1 - u) + q->hi * u; /* exact at both ends */
                continue;
            }
            const config_setting_t *e = config_setting_get_elem(vals, (unsigned)i);
            int et = config_setting_type(e);
            if (et != CONFIG_TYPE_FLOAT && et != CONFIG_TYPE_INT && et != CONFIG_TYPE_INT64) {
                ric_cfg_fail(c, vals, "'%s.values' must list numbers (got %s)", gp,
                             ric_cfg_type_name(e));
                return;
            }
            ps->values[j][i] = elem_num(e);
        }
        q->values = ps->values[j];
        q->n_values = n;
        return;
    }
    if (vals || slev) {
        ric_cfg_fail(c, vals ? vals : slev,
                     "'%s.%s' does not apply to a %s design; give 'min' and 'max'", gp,
                     vals ? "values" : "levels", t->name);
        return;
    }
    if (t->needs_values == 0 && !smin)
        ric_cfg_fail(c, g, "missing required key '%s.min' (a %s design samples [min, max])", gp,
                     t->name);
}

/* Loads the scenario of run ID of the plan with the run's overrides (parameters and seed). */
static ric_status load_run(const ric_plan *p, size_t id, ric_scenario **sc, ric_err *err)
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

/* Loads scenario index SI with the overrides of design row ROW (replication 0); on failure err
 * names the experiment line of the parameter the loader blamed, when it blamed one. */
static ric_status check_row(const ric_plan *p, const param_set *ps, ric_cfg *c, size_t row,
                            ric_scenario **keep)
{
    ric_scenario *sc = NULL;
    ric_err e = {{0}};
    ric_status st = load_run(p, row * p->reps, &sc, &e);
    if (st != RIC_OK) {
        for (size_t j = 0; ps && j < ps->n; j++) {
            char label[300];
            snprintf(label, sizeof label, "--set '%s=", ps->d[j].key);
            if (strstr(e.msg, label)) {
                char loc[4400];
                ric_cfg_where(c, ps->where[j], loc, sizeof loc);
                ric_err_set(c->err, "%s: parameter '%s' in design row %zu: %s", loc, ps->d[j].key,
                            row, e.msg);
                return st;
            }
        }
        ric_err_set(c->err, "%s", e.msg);
        return st;
    }
    if (keep)
        *keep = sc;
    else
        ric_scenario_free(sc);
    return RIC_OK;
}

/* Output column names of scenario SC, copied into names (caller frees), via a simulation that is
 * allocated and freed without being stepped. */
static ric_status column_names(const ric_scenario *sc, char ***names, size_t *n, ric_err *err)
{
    ric_sim *s = NULL;
    ric_status st = ric_sim_alloc(sc, &s, err);
    if (st != RIC_OK)
        return st;
    size_t nc = ric_sim_ncols(s);
    char **v = calloc(nc, sizeof *v);
    for (size_t i = 0; v && i < nc; i++) {
        v[i] = strdup(ric_sim_colnames(s)[i]);
        if (!v[i]) {
            for (size_t k = 0; k < i; k++)
                free(v[k]);
            free(v);
            v = NULL;
        }
    }
    ric_sim_free(s);
    if (!v) {
        ric_err_set(err, "%s: out of memory", sc->source);
        return RIC_ENOMEM;
    }
    *names = v;
    *n = nc;
    return RIC_OK;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static int has_name(char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return 1;
    return 0;
}

static ric_status read_indicators(ric_cfg *c, config_setting_t *e, ric_plan *p, char *const *cols,
                                  size_t n_cols)
{
    config_setting_t *ind = ric_cfg_member(c, e, "indicators", 0, CONFIG_TYPE_ARRAY);
    if (c->failed)
        return RIC_ESCENARIO;
    if (!ind) {
        for (size_t i = 0; i < N_DEFAULT_INDICATORS; i++)
            snprintf(p->indicators[p->n_indicators++], sizeof p->indicators[0], "%s",
                     default_indicators[i]);
        return RIC_OK;
    }
    size_t n = (size_t)config_setting_length(ind);
    if (n == 0 || n > RIC_PLAN_MAX_INDICATORS) {
        ric_cfg_fail(c, ind, "'experiment.indicators' must list 1 to %d output columns (got %zu)",
                     RIC_PLAN_MAX_INDICATORS, n);
        return RIC_ESCENARIO;
    }
    for (size_t i = 0; i < n; i++) {
        config_setting_t *s = config_setting_get_elem(ind, (unsigned)i);
        if (config_setting_type(s) != CONFIG_TYPE_STRING) {
            ric_cfg_fail(c, ind, "'experiment.indicators' must list strings (got %s)",
                         ric_cfg_type_name(s));
            return RIC_ESCENARIO;
        }
        const char *name = config_setting_get_string(s);
        if (strcmp(name, "year") == 0 || !has_name(cols, n_cols, name)) {
            ric_cfg_fail(c, ind,
                         "'experiment.indicators.[%zu]' names no output column (got \"%s\")", i,
                         name);
            return RIC_ESCENARIO;
        }
        snprintf(p->indicators[p->n_indicators++], sizeof p->indicators[0], "%s", name);
    }
    return RIC_OK;
}

/* Reads the experiment group and makes the design; scenario checks come after. */
static ric_status read_experiment(ric_cfg *c, config_t *cfg, ric_plan *p, param_set *ps)
{
    config_setting_t *root = config_root_setting(cfg);
    config_setting_t *e = config_setting_get_member(root, "experiment");
    if (!e) {
        ric_err_set(c->err,
                    "%s: missing required key 'experiment' (a group: see doc/guide.md, "
                    "\"Experiments\")",
                    c->name);
        return RIC_ESCENARIO;
    }
    if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
        ric_cfg_fail(c, e, "'experiment' must be a group (got %s)", ric_cfg_type_name(e));
        return RIC_ESCENARIO;
    }
    static const char *const keys[] = {"seed", "replications", "design",     "samples",
                                       "file", "parameters",   "indicators", NULL};
    ric_cfg_check_keys(c, e, keys);
    p->master_seed = (uint64_t)ric_cfg_int(c, e, "seed", 0, 1, 0, LLONG_MAX);
    p->reps = (size_t)ric_cfg_int(c, e, "replications", 0, 1, 1, RIC_PLAN_MAX_REPS);
    config_setting_t *ds = ric_cfg_member(c, e, "design", 0, CONFIG_TYPE_STRING);
    if (c->failed)
        return RIC_ESCENARIO;
    const char *dname = ds ? config_setting_get_string(ds) : "grid";
    const ric_design_type *t = ric_design_find(dname);
    if (!t) {
        char list[128] = "";
        for (size_t i = 0; i < ric_design_ntypes; i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, ric_design_types[i].name, sizeof list - strlen(list) - 1);
        }
        ric_cfg_fail(c, ds, "'experiment.design' must be one of %s (got \"%s\")", list, dname);
        return RIC_ESCENARIO;
    }
    snprintf(p->design, sizeof p->design, "%s", t->name);
    ric_design_opts o = {.seed = p->master_seed};
    config_setting_t *ss = config_setting_get_member(e, "samples");
    if (t->needs_samples)
        o.samples = (size_t)ric_cfg_int(c, e, "samples", 1, 1, 1, RIC_DESIGN_MAX_ROWS);
    else if (ss)
        ric_cfg_fail(c, ss, "'experiment.samples' applies to the lhs and sobol designs only");
    config_setting_t *fs = ric_cfg_member(c, e, "file", t->needs_values == -1, CONFIG_TYPE_STRING);
    char file[8300];
    if (fs && t->needs_values != -1)
        ric_cfg_fail(c, fs, "'experiment.file' applies to the file design only");
    if (fs && !c->failed) {
        const char *f = config_setting_get_string(fs);
        if (f[0] == '/' || strcmp(c->dir, ".") == 0)
            snprintf(file, sizeof file, "%s", f);
        else
            snprintf(file, sizeof file, "%s/%s", c->dir, f);
        o.file = file;
    }
    config_setting_t *pl = ric_cfg_member(c, e, "parameters", 0, CONFIG_TYPE_LIST);
    size_t np = pl ? (size_t)config_setting_length(pl) : 0;
    if (np > RIC_DESIGN_MAX_PARAMS)
        ric_cfg_fail(c, pl,
                     "'experiment.parameters' lists %zu parameters; at most %d are supported", np,
                     RIC_DESIGN_MAX_PARAMS);
    for (size_t j = 0; j < np && !c->failed; j++)
        read_param(c, t, config_setting_get_elem(pl, (unsigned)j), ps);
    if (c->failed)
        return RIC_ESCENARIO;
    ric_err derr = {{0}};
    ric_status st = ric_design_make(t, ps->d, ps->n, &o, &p->d, &derr);
    if (st != RIC_OK) {
        if (t->needs_values == -1 && strncmp(derr.msg, file, strlen(file)) == 0) {
            ric_err_set(c->err, "%s", derr.msg); /* already "design.tsv:line: ..." */
        } else {
            char loc[4400];
            ric_cfg_where(c, ds ? ds : (pl ? pl : e), loc, sizeof loc);
            ric_err_set(c->err, "%s: %s", loc, derr.msg);
        }
        return st == RIC_ENOMEM ? st : RIC_ESCENARIO;
    }
    p->n_params = ps->n;
    for (size_t j = 0; j < ps->n; j++) {
        snprintf(p->params[j].key, sizeof p->params[j].key, "%s", ps->d[j].key);
        p->params[j].integer = ps->d[j].integer;
    }
    if (p->d.n_rows > SIZE_MAX / p->reps || p->d.n_rows * p->reps > RIC_DESIGN_MAX_ROWS) {
        ric_cfg_fail(c, e,
                     "the experiment has %zu design rows x %zu replications; at most %d runs are "
                     "supported",
                     p->d.n_rows, p->reps, RIC_DESIGN_MAX_ROWS);
        return RIC_ESCENARIO;
    }
    p->n_runs = p->d.n_rows * p->reps;
    return RIC_OK;
}

ric_status ric_plan_load(const char *path, ric_plan **out, ric_err *err)
{
    ric_plan *p = calloc(1, sizeof *p);
    if (!p) {
        ric_err_set(err, "%s: out of memory", path);
        return RIC_ENOMEM;
    }
    char dir[4096];
    ric_cfg_dir_of(path, dir, sizeof dir);
    ric_cfg c = {.err = err, .name = path, .dir = dir};
    param_set ps = {0};
    config_t cfg;
    config_init(&cfg);
    config_set_include_dir(&cfg, c.dir);
    ric_scenario *sc = NULL;
    char **cols = NULL;
    size_t n_cols = 0;
    ric_status st = RIC_OK;
    if (strlen(path) >= sizeof p->source) {
        ric_err_set(err, "%s: file name too long", path);
        st = RIC_EUSAGE;
        goto done;
    }
    st = ric_cfg_read_file(&cfg, path, c.dir, err);
    if (st != RIC_OK)
        goto done;
    snprintf(p->source, sizeof p->source, "%s", path);
    snprintf(p->scenario[0], sizeof p->scenario[0], "%s", path);
    p->n_scenarios = 1;
    st = read_experiment(&c, &cfg, p, &ps);
    if (st != RIC_OK)
        goto done;
    /* the scenario itself, then the design rows most likely to break it: row 0 and the rows
     * holding each parameter's smallest and largest value */
    st = ric_scenario_load(path, NULL, 0, &sc, err);
    if (st != RIC_OK)
        goto done;
    p->scenario_hash[0] = sc->hash;
    ric_scenario_free(sc);
    sc = NULL;
    st = check_row(p, &ps, &c, 0, &sc);
    for (size_t j = 0; st == RIC_OK && j < p->n_params; j++) {
        size_t lo = 0, hi = 0, n = p->n_params;
        for (size_t i = 1; i < p->d.n_rows; i++) {
            if (p->d.x[i * n + j] < p->d.x[lo * n + j])
                lo = i;
            if (p->d.x[i * n + j] > p->d.x[hi * n + j])
                hi = i;
        }
        st = check_row(p, &ps, &c, lo, NULL);
        if (st == RIC_OK)
            st = check_row(p, &ps, &c, hi, NULL);
    }
    if (st != RIC_OK)
        goto done;
    st = column_names(sc, &cols, &n_cols, err);
    if (st == RIC_OK) {
        config_setting_t *e = config_setting_get_member(config_root_setting(&cfg), "experiment");
        st = read_indicators(&c, e, p, cols, n_cols);
    }
done:
    free_names(cols, n_cols);
    ric_scenario_free(sc);
    param_set_fini(&ps);
    config_destroy(&cfg);
    if (st != RIC_OK) {
        ric_plan_free(p);
        return st;
    }
    *out = p;
    return RIC_OK;
}

/* Indicators of a comparison: the LIST given (each must be a column of both scenarios), or the
 * default set where both have the column. */
static ric_status compare_indicators(ric_plan *p, const char *list, char **const cols[2],
                                     const size_t n_cols[2], ric_err *err)
{
    if (!list) {
        for (size_t i = 0; i < N_DEFAULT_INDICATORS; i++)
            if (has_name(cols[0], n_cols[0], default_indicators[i]) &&
                has_name(cols[1], n_cols[1], default_indicators[i]))
                snprintf(p->indicators[p->n_indicators++], sizeof p->indicators[0], "%s",
                         default_indicators[i]);
        return RIC_OK;
    }
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (p->n_indicators == RIC_PLAN_MAX_INDICATORS) {
            ric_err_set(err, "--indicators: at most %d", RIC_PLAN_MAX_INDICATORS);
            return RIC_EUSAGE;
        }
        for (int s = 0; s < 2; s++)
            if (strcmp(t, "year") == 0 || !has_name(cols[s], n_cols[s], t)) {
                ric_err_set(err, "--indicators: '%s' is not an output column of %s", t,
                            p->scenario[s]);
                return RIC_EUSAGE;
            }
        snprintf(p->indicators[p->n_indicators++], sizeof p->indicators[0], "%s", t);
    }
    if (p->n_indicators == 0) {
        ric_err_set(err, "--indicators: give at least one output column");
        return RIC_EUSAGE;
    }
    return RIC_OK;
}

ric_status ric_plan_compare(const char *a, const char *b, size_t reps, uint64_t master,
                            const char *indicators, ric_plan **out, ric_err *err)
{
    if (reps < 2 || reps > RIC_PLAN_MAX_REPS) {
        ric_err_set(err,
                    "--reps must be between 2 and %d (got %zu): intervals need two "
                    "replications",
                    RIC_PLAN_MAX_REPS, reps);
        return RIC_EUSAGE;
    }
    if (strlen(a) >= 2000 || strlen(b) >= 2000) {
        ric_err_set(err, "%s: file name too long", strlen(a) >= 2000 ? a : b);
        return RIC_EUSAGE;
    }
    ric_plan *p = calloc(1, sizeof *p);
    if (!p) {
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    snprintf(p->source, sizeof p->source, "%s %s", a, b);
    snprintf(p->scenario[0], sizeof p->scenario[0], "%s", a);
    snprintf(p->scenario[1], sizeof p->scenario[1], "%s", b);
    p->n_scenarios = 2;
    snprintf(p->design, sizeof p->design, "compare");
    p->reps = reps;
    p->master_seed = master;
    p->d.n_rows = 2;
    p->n_runs = 2 * reps;
    char **cols[2] = {NULL, NULL};
    size_t n_cols[2] = {0, 0};
    ric_status st = RIC_OK;
    for (int s = 0; s < 2 && st == RIC_OK; s++) {
        ric_scenario *sc = NULL;
        st = ric_scenario_load(p->scenario[s], NULL, 0, &sc, err);
        if (st == RIC_OK) {
            p->scenario_hash[s] = sc->hash;
            st = column_names(sc, &cols[s], &n_cols[s], err);
        }
        ric_scenario_free(sc);
    }
    if (st == RIC_OK)
        st = compare_indicators(p, indicators, cols, n_cols, err);
    free_names(cols[0], n_cols[0]);
    free_names(cols[1], n_cols[1]);
    if (st != RIC_OK) {
        ric_plan_free(p);
        return st;
    }
    *out = p;
    return RIC_OK;
}

void ric_plan_free(ric_plan *p)
{
    if (!p)
        return;
    ric_design_fini(&p->d);
    free(p);
}

void ric_plan_run(const ric_plan *p, size_t id, ric_run_spec *out)
{
    out->id = id;
    out->row = id / p->reps;
    out->rep = id % p->reps;
    out->scenario = p->n_scenarios == 2 ? (int)out->row : 0;
    out->seed = ric_design_seed(p->master_seed, out->rep);
}

/* Value J of design row ROW as override text. */
static void param_text(const ric_plan *p, size_t row, size_t j, char *buf, size_t n)
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
        param_text(p, rs.row, j, v, sizeof v);
        snprintf(ov[k++], 320, "%s=%s", p->params[j].key, v);
    }
    snprintf(ov[k++], 320, "seed=%llu", (unsigned long long)rs.seed);
    return k;
}

void ric_plan_shard(const ric_plan *p, size_t i, size_t n, size_t *first, size_t *end)
{
    if (n < 2) {
        *first = 0;
        *end = p->n_runs;
        return;
    }
    /* slice boundaries i * runs / n, so sizes differ by at most one */
    *first = (size_t)((unsigned long long)i * p->n_runs / n);
    *end = (size_t)((unsigned long long)(i + 1) * p->n_runs / n);
}

/* "# " lines describing the plan: the head of plan.tsv and series.tsv. */
static void plan_head(const ric_plan *p, ric_sbuf *b)
{
    ric_sbuf_put(b, "# ricsim_version=%s\n", RIC_VERSION);
    if (p->n_scenarios == 2)
        ric_sbuf_put(b, "# compare=%s vs %s (design row 0: A, design row 1: B)\n", p->scenario[0],
                     p->scenario[1]);
    else
        ric_sbuf_put(b, "# experiment=%s\n", p->source);
    ric_sbuf_put(b, "# design=%s rows=%zu replications=%zu runs=%zu master_seed=%llu\n", p->design,
                 p->d.n_rows, p->reps, p->n_runs, (unsigned long long)p->master_seed);
    ric_sbuf_put(b, "# seeds: replication r has the same seed in every design row (common random "
                    "numbers)\n");
    for (int s = 0; s < p->n_scenarios; s++)
        ric_sbuf_put(b, "# scenario_hash=%016llx %s\n", (unsigned long long)p->scenario_hash[s],
                     p->scenario[s]);
    ric_sbuf_put(b, "# indicators=");
    for (size_t i = 0; i < p->n_indicators; i++)
        ric_sbuf_put(b, "%s%s", i ? "," : "", p->indicators[i]);
    ric_sbuf_put(b, "\n");
}

ric_status ric_plan_text(const ric_plan *p, size_t first, size_t end, char **out, ric_err *err)
{
    ric_sbuf b = {0};
    plan_head(p, &b);
    ric_sbuf_put(&b, "run\tdesign_row\treplication\tscenario");
    for (size_t j = 0; j < p->n_params; j++)
        ric_sbuf_put(&b, "\t%s", p->params[j].key);
    ric_sbuf_put(&b, "\tseed\tcommand\n");
    for (size_t id = first; id < end && id < p->n_runs; id++) {
        ric_run_spec rs;
        ric_plan_run(p, id, &rs);
        ric_sbuf_put(&b, "%zu\t%zu\t%zu\t%s", id, rs.row, rs.rep, p->scenario[rs.scenario]);
        for (size_t j = 0; j < p->n_params; j++) {
            char v[64];
            param_text(p, rs.row, j, v, sizeof v);
            ric_sbuf_put(&b, "\t%s", v);
        }
        ric_sbuf_put(&b, "\t%llu\tricsim run ", (unsigned long long)rs.seed);
        sh_quote(&b, p->scenario[rs.scenario]);
        ric_sbuf_put(&b, " --seed %llu", (unsigned long long)rs.seed);
        for (size_t j = 0; j < p->n_params; j++) {
            char v[64], ov[400];
            param_text(p, rs.row, j, v, sizeof v);
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

/* ---- one run, in a worker process -------------------------------------------------------------
 */

/* What a worker leaves in DIR/.runs/K.row (key=value lines), renamed into place after
 * DIR/.runs/K.series, so a K.row that exists describes a complete K.series. */
typedef struct {
    int ok;
    char error[512];
    unsigned long long hash; /* of the run's effective scenario */
    double wall_s, steps_per_s;
    long series_bytes;
    char summary[RIC_PLAN_MAX_INDICATORS * 3 * 24];
} run_result;

static void run_path(const char *runs_dir, size_t id, const char *ext, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%zu.%s", runs_dir, id, ext);
}

/* Final, mean and maximum of each indicator over the output rows (NaN rows left out). */
static void summarise(const ric_plan *p, const double *last, const double *sum, const double *cnt,
                      const double *max, char *buf, size_t n)
{
    ric_sbuf b = {0};
    for (size_t i = 0; i < p->n_indicators; i++) {
        double v[3] = {last[i], cnt[i] > 0 ? sum[i] / cnt[i] : NAN, cnt[i] > 0 ? max[i] : NAN};
        for (int k = 0; k < 3; k++) {
            char t[32];
            if (isnan(v[k]))
                snprintf(t, sizeof t, "NaN");
            else
                snprintf(t, sizeof t, "%.10g", v[k]);
            ric_sbuf_put(&b, "%s%s", i || k ? "\t" : "", t);
        }
    }
    snprintf(buf, n, "%s", b.buf ? b.buf : "");
    free(b.buf);
}

static void nan_summary(const ric_plan *p, char *buf, size_t n)
{
    double nan3[RIC_PLAN_MAX_INDICATORS], zero[RIC_PLAN_MAX_INDICATORS];
    for (size_t i = 0; i < p->n_indicators; i++) {
        nan3[i] = NAN;
        zero[i] = 0;
    }
    summarise(p, nan3, zero, zero, nan3, buf, n);
}

/* Widest text of one value in a row (%.10g: "-1.234567891e-100"), with its separator. */
#define VALUE_CHARS 24

/* Runs ID; its series (header and rows) goes into *text (caller frees), a buffer sized before the
 * step loop for the widest rows the run can write, so that nothing is allocated inside the loop. */
static ric_status simulate(const ric_plan *p, size_t id, char **text, size_t *len, run_result *r,
                           ric_err *err)
{
    ric_scenario *sc = NULL;
    ric_sim *s = NULL;
    double *row = NULL;
    char *buf = NULL;
    FILE *f = NULL;
    ric_status st = load_run(p, id, &sc, err);
    if (st != RIC_OK)
        return st;
    r->hash = (unsigned long long)sc->hash;
    st = ric_sim_alloc(sc, &s, err);
    if (st != RIC_OK)
        goto done;
    size_t nc = ric_sim_ncols(s);
    /* output rows: every output_every steps, and the last step */
    size_t rows =
        (size_t)llround((sc->end - sc->start) * sc->steps_per_year) / (size_t)sc->output_every + 2;
    size_t cap = nc * (64 + rows * VALUE_CHARS) + 1; /* names are shorter than 64 */
    row = malloc(nc * sizeof *row);
    buf = malloc(cap);
    f = buf ? fmemopen(buf, cap, "w") : NULL;
    if (!row || !f) {
        ric_err_set(err, "%s: out of memory for the series of run %zu", sc->source, id);
        st = RIC_ENOMEM;
        goto done;
    }
    long idx[RIC_PLAN_MAX_INDICATORS];
    double last[RIC_PLAN_MAX_INDICATORS], sum[RIC_PLAN_MAX_INDICATORS],
        cnt[RIC_PLAN_MAX_INDICATORS], max[RIC_PLAN_MAX_INDICATORS];
    const char *const *names = ric_sim_colnames(s);
    for (size_t i = 0; i < p->n_indicators; i++) {
        idx[i] = -1;
        for (size_t k = 0; k < nc; k++)
            if (strcmp(names[k], p->indicators[i]) == 0)
                idx[i] = (long)k;
        last[i] = max[i] = NAN;
        sum[i] = cnt[i] = 0;
    }
    for (size_t k = 0; k < nc; k++)
        fprintf(f, "%s%s", k ? "\t" : "", names[k]);
    fputc('\n', f);
    double steps = 0, t0 = now();
    while (!ric_sim_done(s)) {
        st = ric_sim_step(s, err);
        if (st != RIC_OK)
            goto done;
        steps++;
        if (!ric_sim_output_due(s))
            continue;
        ric_sim_row(s, row);
        ric_output_write_row(f, row, nc);
        for (size_t i = 0; i < p->n_indicators; i++) {
            double v = idx[i] >= 0 ? row[idx[i]] : NAN;
            last[i] = v;
            if (isnan(v))
                continue;
            sum[i] += v;
            cnt[i]++;
            if (!(v <= max[i]))
                max[i] = v;
        }
    }
    double dt = now() - t0;
    r->steps_per_s = dt > 0 ? steps / dt : NAN;
    summarise(p, last, sum, cnt, max, r->summary, sizeof r->summary);
    long used = ftell(f);
    if (ferror(f) || fflush(f) != 0 || used < 0 || (size_t)used >= cap) {
        ric_err_set(err, "%s: the series of run %zu overflows its %zu bytes", sc->source, id, cap);
        st = RIC_ENOMEM;
        goto done;
    }
    fclose(f);
    f = NULL;
    *text = buf;
    *len = (size_t)used;
    buf = NULL;
done:
    if (f)
        fclose(f);
    free(buf);
    free(row);
    ric_sim_free(s);
    ric_scenario_free(sc);
    return st;
}

/* The K.row text of r (caller frees), or NULL when out of memory. */
static char *result_text(const run_result *r, size_t *len)
{
    char e[512];
    field_text(r->error, e, sizeof e);
    ric_sbuf b = {0};
    ric_sbuf_put(
        &b,
        "status=%s\nscenario_hash=%016llx\nwall_s=%.3f\nsteps_per_s=%.0f\nseries_bytes=%ld\n"
        "summary=%s\nerror=%s\n",
        r->ok ? "ok" : "failed", r->hash, r->wall_s, r->steps_per_s, r->series_bytes, r->summary,
        e);
    if (b.oom) {
        free(b.buf);
        return NULL;
    }
    *len = b.n;
    return b.buf;
}

/* Writes TEXT to PATH through a temporary name and a rename, without fsync: a per-run file torn by
 * a crash is caught by kept_run (the K.row must parse and give K.series's size), and reruns. */
static int save_file(const char *path, const char *text, size_t n)
{
    char tmp[4500];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int bad = fwrite(text, 1, n, f) != n;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Leaves a run's results in the runs folder: K.series, then K.row, which marks it complete. */
static ric_status save_run(const char *runs_dir, size_t id, const char *row, size_t row_len,
                           const char *series, size_t series_len, ric_err *err)
{
    char path[4400];
    run_path(runs_dir, id, "series", path, sizeof path);
    if (save_file(path, series, series_len) == 0) {
        run_path(runs_dir, id, "row", path, sizeof path);
        if (save_file(path, row, row_len) == 0)
            return RIC_OK;
    }
    ric_err_set(err, "%s: cannot write: %s", path, strerror(errno));
    return RIC_EIO;
}

ric_status ric_plan_execute(const ric_plan *p, size_t id, char **row, size_t *row_len,
                            char **series, size_t *series_len, ric_err *err)
{
    run_result r = {.ok = 0, .wall_s = 0, .steps_per_s = NAN};
    char *text = NULL;
    size_t len = 0;
    double t0 = now();
    ric_err e = {{0}};
    ric_status st = simulate(p, id, &text, &len, &r, &e);
    r.wall_s = now() - t0;
    r.ok = st == RIC_OK;
    if (!r.ok) { /* the header only, so that the data set still exists for gnuplot's index */
        snprintf(r.error, sizeof r.error, "%s", e.msg);
        nan_summary(p, r.summary, sizeof r.summary);
        free(text);
        text = strdup("year\n");
        len = text ? strlen(text) : 0;
    }
    r.series_bytes = (long)len;
    char *rt = text ? result_text(&r, row_len) : NULL;
    if (!rt) {
        free(text);
        ric_err_set(err, "out of memory for the results of run %zu", id);
        return RIC_ENOMEM;
    }
    *row = rt;
    *series = text;
    *series_len = len;
    return RIC_OK;
}

/* The body of a worker process: runs ID and leaves its results in the runs folder. Without them
 * (out of memory, a write error) the parent records the run as failed. */
static void run_one(const ric_plan *p, const char *runs_dir, size_t id)
{
    char *row = NULL, *series = NULL;
    size_t rl = 0, sl = 0;
    ric_err err = {{0}};
    if (ric_plan_execute(p, id, &row, &rl, &series, &sl, &err) == RIC_OK)
        save_run(runs_dir, id, row, rl, series, sl, &err);
    free(row);
    free(series);
}

/* Parses a K.row text (changed in place) into r; returns 0, or -1 if it is malformed. */
static int parse_result(char *text, run_result *r)
{
    memset(r, 0, sizeof *r);
    int seen = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(l, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *v = eq + 1;
        if (strcmp(l, "status") == 0) {
            r->ok = strcmp(v, "ok") == 0;
            seen |= 1;
        } else if (strcmp(l, "scenario_hash") == 0) {
            r->hash = strtoull(v, NULL, 16);
        } else if (strcmp(l, "wall_s") == 0) {
            r->wall_s = strtod(v, NULL);
        } else if (strcmp(l, "steps_per_s") == 0) {
            r->steps_per_s = strtod(v, NULL);
        } else if (strcmp(l, "series_bytes") == 0) {
            r->series_bytes = strtol(v, NULL, 10);
            seen |= 2;
        } else if (strcmp(l, "summary") == 0) {
            snprintf(r->summary, sizeof r->summary, "%s", v);
            seen |= 4;
        } else if (strcmp(l, "error") == 0) {
            snprintf(r->error, sizeof r->error, "%s", v);
        }
    }
    return seen == 7 ? 0 : -1;
}

/* Reads K.row into r; returns 0, or -1 if it is missing or malformed. */
static int read_result(const char *path, run_result *r)
{
    char *text = slurp(path, NULL);
    if (!text)
        return -1;
    int rc = parse_result(text, r);
    free(text);
    return rc;
}

/* ---- sweeps ------------------------------------------------------------------------------------
 */

enum { RUN_PENDING, RUN_RUNNING, RUN_OK, RUN_FAILED };

typedef struct {
    pid_t pid; /* 0: a free slot */
    int fd;    /* read end of a pipe whose write end only the worker holds: EOF = it ended */
    size_t id;
} worker;

struct ric_sweep {
    const ric_plan *p;
    ric_sweep_opts o;
    char dir[4096], runs_dir[4200];
    size_t first, end;    /* the slice of run ids */
    unsigned char *state; /* per run of the slice */
    size_t next_start, next_append;
    size_t done, failed, kept, finished_here;
    int stopping; /* a run failed under stop_on_error: start no more */
    int complete; /* --resume found the sweep already finished */
    worker *w;
    size_t running;
    FILE *runs, *series;
    int lock_fd;
    double t0;
};

void ric_sweep_shard_dir(const char *dir, size_t i, size_t n, char *buf, size_t len)
{
    snprintf(buf, len, "%s/shard-%zu-of-%zu", dir, i, n);
}

static void in_dir(const char *dir, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

/* An advisory lock on DIR/.lock, held while the sweep is open (fcntl locks end with the process,
 * so a killed sweep leaves none behind). Returns the descriptor or -1. */
static int take_lock(const char *dir, ric_err *err)
{
    char path[4300];
    in_dir(dir, ".lock", path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        ric_err_set(err, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        ric_err_set(err, "%s: another sweep is writing into this folder", dir);
        close(fd);
        return -1;
    }
    return fd;
}

static void runs_header(const ric_sweep *sw)
{
    const ric_plan *p = sw->p;
    FILE *f = sw->runs;
    fprintf(f, "run\tdesign_row\treplication\tscenario");
    for (size_t j = 0; j < p->n_params; j++)
        fprintf(f, "\t%s", p->params[j].key);
    fprintf(f, "\tseed\tstatus\twall_s\tsteps_per_s");
    for (size_t i = 0; i < p->n_indicators; i++)
        fprintf(f, "\t%s_final\t%s_mean\t%s_max", p->indicators[i], p->indicators[i],
                p->indicators[i]);
    fprintf(f, "\terror\n");
}

static ric_status series_header(const ric_sweep *sw, ric_err *err)
{
    ric_sbuf b = {0};
    plan_head(sw->p, &b);
    ric_sbuf_put(
        &b, "# each run is a data set: plot with index K or index \"[run K]\"; failed runs have "
            "a header and no rows\n");
    if (b.oom) {
        free(b.buf);
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    fputs(b.buf, sw->series);
    free(b.buf);
    return RIC_OK;
}

/* Appends run ID, complete in the runs folder, to runs.tsv and series.tsv. */
static ric_status append_run(ric_sweep *sw, size_t id, ric_err *err)
{
    const ric_plan *p = sw->p;
    char rowp[4400], serp[4400];
    run_path(sw->runs_dir, id, "row", rowp, sizeof rowp);
    run_path(sw->runs_dir, id, "series", serp, sizeof serp);
    run_result r;
    size_t len = 0;
    char *ser = NULL;
    if (read_result(rowp, &r) != 0 || !(ser = slurp(serp, &len))) {
        ric_err_set(err, "%s: cannot read the result of run %zu", rowp, id);
        return RIC_EIO;
    }
    ric_run_spec rs;
    ric_plan_run(p, id, &rs);
    const char *scen = p->scenario[rs.scenario];
    fprintf(sw->runs, "%zu\t%zu\t%zu\t%s", id, rs.row, rs.rep, scen);
    fprintf(sw->series, "# [run %zu] design_row=%zu replication=%zu seed=%llu\n# scenario=%s", id,
            rs.row, rs.rep, (unsigned long long)rs.seed, scen);
    for (size_t j = 0; j < p->n_params; j++) {
        char v[64];
        param_text(p, rs.row, j, v, sizeof v);
        fprintf(sw->runs, "\t%s", v);
        fprintf(sw->series, "%s%s=%s", j ? " " : " set ", p->params[j].key, v);
    }
    char sps[32] = "NaN";
    if (!isnan(r.steps_per_s))
        snprintf(sps, sizeof sps, "%.0f", r.steps_per_s);
    fprintf(sw->runs, "\t%llu\t%s\t%.3f\t%s\t%s\t%s\n", (unsigned long long)rs.seed,
            r.ok ? "ok" : "failed", r.wall_s, sps, r.summary, r.error);
    if (r.ok)
        fprintf(sw->series, "\n# status=ok scenario_hash=%016llx\n", r.hash);
    else
        fprintf(sw->series, "\n# status=failed error=%s\n", r.error);
    fwrite(ser, 1, len, sw->series);
    fputs("\n\n", sw->series);
    free(ser);
    return RIC_OK;
}

/* Appends every run that is complete and next in run order, then flushes (streaming). */
static ric_status append_ready(ric_sweep *sw, ric_err *err)
{
    size_t before = sw->next_append;
    while (sw->next_append < sw->end) {
        unsigned char s = sw->state[sw->next_append - sw->first];
        if (s != RUN_OK && s != RUN_FAILED)
            break;
        ric_status st = append_run(sw, sw->next_append, err);
        if (st != RIC_OK)
            return st;
        sw->next_append++;
    }
    if (sw->next_append != before && (fflush(sw->runs) != 0 || fflush(sw->series) != 0 ||
                                      ferror(sw->runs) || ferror(sw->series))) {
        ric_err_set(err, "%s: cannot write the results: %s", sw->dir, strerror(errno));
        return RIC_EIO;
    }
    return RIC_OK;
}

/* Whether a previous attempt left run ID complete: a successful K.row and the K.series it
 * describes, whole. */
static int kept_run(const ric_sweep *sw, size_t id)
{
    char rowp[4400], serp[4400];
    run_path(sw->runs_dir, id, "row", rowp, sizeof rowp);
    run_path(sw->runs_dir, id, "series", serp, sizeof serp);
    run_result r;
    struct stat st;
    return read_result(rowp, &r) == 0 && r.ok && stat(serp, &st) == 0 &&
           (long)st.st_size == r.series_bytes;
}

/* Decides what to do with what DIR already holds: refuse, replace, or resume. */
static ric_status prepare_dir(ric_sweep *sw, const char *plan, ric_err *err)
{
    char path[4300];
    const char *found = NULL;
    for (size_t i = 0; i < N_RESULT_FILES && !found; i++) {
        in_dir(sw->dir, result_files[i], path, sizeof path);
        if (exists(path))
            found = result_files[i];
    }
    if (exists(sw->runs_dir) && !found)
        found = ".runs";
    if (found && !sw->o.resume && !sw->o.force) {
        ric_err_set(err,
                    "%s: already holds results (%s); use --resume to continue the sweep or "
                    "--force to replace them",
                    sw->dir, found);
        return RIC_EUSAGE;
    }
    if (found && sw->o.force) {
        for (size_t i = 0; i < N_RESULT_FILES; i++) {
            in_dir(sw->dir, result_files[i], path, sizeof path);
            unlink(path);
        }
        remove_flat_dir(sw->runs_dir);
        found = NULL;
    }
    if (found) { /* --resume */
        in_dir(sw->dir, "plan.tsv", path, sizeof path);
        char *old = slurp(path, NULL);
        if (!old) {
            ric_err_set(err,
                        "%s: holds results but no plan.tsv to resume; use --force to "
                        "replace them",
                        sw->dir);
            return RIC_EUSAGE;
        }
        int same = strcmp(old, plan) == 0;
        free(old);
        if (!same) {
            ric_err_set(err,
                        "%s: the experiment differs from the one this sweep started with; "
                        "use --force to start over",
                        path);
            return RIC_EUSAGE;
        }
        in_dir(sw->dir, "stats.tsv", path, sizeof path);
        if (exists(path) && !exists(sw->runs_dir))
            sw->complete = 1;
    }
    return RIC_OK;
}

ric_status ric_sweep_open(const ric_plan *p, const char *dir, const ric_sweep_opts *o,
                          ric_sweep **out, ric_err *err)
{
    if (o->jobs < 0 || o->jobs > 256 || (o->n_shards > 1 && o->shard >= o->n_shards) ||
        (o->resume && o->force)) {
        ric_err_set(err, "invalid sweep options");
        return RIC_EUSAGE;
    }
    if (strlen(dir) >= 3900) {
        ric_err_set(err, "%s: output folder name too long", dir);
        return RIC_EUSAGE;
    }
    ric_sweep *sw = calloc(1, sizeof *sw);
    if (!sw) {
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    sw->p = p;
    sw->o = *o;
    sw->lock_fd = -1;
    sw->t0 = now();
    char *plan = NULL;
    ric_status st = RIC_OK;
    if (o->n_shards > 1)
        ric_sweep_shard_dir(dir, o->shard, o->n_shards, sw->dir, sizeof sw->dir);
    else
        snprintf(sw->dir, sizeof sw->dir, "%s", dir);
    in_dir(sw->dir, ".runs", sw->runs_dir, sizeof sw->runs_dir);
    ric_plan_shard(p, o->shard, o->n_shards, &sw->first, &sw->end);
    sw->next_start = sw->next_append = sw->first;
    sw->state = calloc(sw->end - sw->first + 1, 1);
    sw->w = calloc((size_t)o->jobs + 1, sizeof *sw->w);
    if (!sw->state || !sw->w) {
        ric_err_set(err, "out of memory");
        st = RIC_ENOMEM;
        goto fail;
    }
    if (ric_output_mkdirs(sw->dir) != 0) {
        ric_err_set(err, "%s: cannot create output folder: %s", sw->dir, strerror(errno));
        st = RIC_EIO;
        goto fail;
    }
    sw->lock_fd = take_lock(sw->dir, err);
    if (sw->lock_fd < 0) {
        st = RIC_EUSAGE;
        goto fail;
    }
    st = ric_plan_text(p, 0, p->n_runs, &plan, err);
    if (st == RIC_OK)
        st = prepare_dir(sw, plan, err);
    if (st != RIC_OK)
        goto fail;
    if (sw->complete) { /* nothing to do; leave the files as they are */
        sw->done = sw->kept = sw->end - sw->first;
        sw->next_append = sw->end;
        free(plan);
        *out = sw;
        return RIC_OK;
    }
    char path[4300];
    in_dir(sw->dir, "plan.tsv", path, sizeof path);
    st = write_atomic(path, plan, strlen(plan), err);
    if (st != RIC_OK)
        goto fail;
    for (size_t i = FIRST_DERIVED; i < N_RESULT_FILES; i++) { /* rebuilt at the end */
        in_dir(sw->dir, result_files[i], path, sizeof path);
        unlink(path);
    }
    if (mkdir(sw->runs_dir, 0777) != 0 && errno != EEXIST) {
        ric_err_set(err, "%s: cannot create: %s", sw->runs_dir, strerror(errno));
        st = RIC_EIO;
        goto fail;
    }
    remove_files(sw->runs_dir, ".tmp."); /* temporary files of interrupted workers */
    for (size_t id = sw->first; o->resume && id < sw->end; id++)
        if (kept_run(sw, id)) {
            sw->state[id - sw->first] = RUN_OK;
            sw->kept++;
            sw->done++;
        }
    in_dir(sw->dir, "runs.tsv", path, sizeof path);
    sw->runs = fopen(path, "w");
    in_dir(sw->dir, "series.tsv", path, sizeof path);
    sw->series = sw->runs ? fopen(path, "w") : NULL;
    if (!sw->series) {
        ric_err_set(err, "%s: cannot write: %s", path, strerror(errno));
        st = RIC_EIO;
        goto fail;
    }
    runs_header(sw);
    st = series_header(sw, err);
    if (st == RIC_OK)
        st = append_ready(sw, err);
    if (st != RIC_OK)
        goto fail;
    free(plan);
    *out = sw;
    return RIC_OK;
fail:
    free(plan);
    ric_sweep_free(sw);
    return st;
}

int ric_sweep_done(const ric_sweep *sw)
{
    return sw->complete || (sw->running == 0 && (sw->next_append == sw->end || sw->stopping));
}

static ric_status spawn(ric_sweep *sw, worker *slot, size_t id, ric_err *err)
{
    int fds[2];
    if (pipe(fds) != 0) {
        ric_err_set(err, "cannot create a pipe for a worker: %s", strerror(errno));
        return RIC_EIO;
    }
    fflush(NULL); /* a child must not inherit buffered output and write it again */
    pid_t pid = fork();
    if (pid < 0) {
        ric_err_set(err, "cannot start a worker process: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return RIC_EIO;
    }
    if (pid == 0) {
        /* the front end may catch these to stop the sweep; a worker just ends */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        close(fds[0]);
        for (int i = 0; i < sw->o.jobs; i++)
            if (sw->w[i].pid)
                close(sw->w[i].fd);
        run_one(sw->p, sw->runs_dir, id);
        _exit(0); /* skips atexit handlers and the parent's stdio buffers */
    }
    close(fds[1]);
    slot->pid = pid;
    slot->fd = fds[0];
    slot->id = id;
    return RIC_OK;
}

/* Records run ID, whose results are in the runs folder, as finished. */
static void finished(ric_sweep *sw, size_t id, const run_result *r, ric_sweep_event *ev)
{
    sw->state[id - sw->first] = r->ok ? RUN_OK : RUN_FAILED;
    sw->running--;
    sw->done++;
    sw->finished_here++;
    if (!r->ok) {
        sw->failed++;
        if (sw->o.stop_on_error)
            sw->stopping = 1;
    }
    ev->finished = 1;
    ev->id = id;
    ev->ok = r->ok;
    snprintf(ev->error, sizeof ev->error, "%s", r->error);
}

/* Collects the worker in SLOT, which has ended: its K.row, or a failure written on its behalf. */
static ric_status reap(ric_sweep *sw, worker *slot, ric_sweep_event *ev, ric_err *err)
{
    int status = 0;
    while (waitpid(slot->pid, &status, 0) < 0 && errno == EINTR)
        ;
    close(slot->fd);
    size_t id = slot->id;
    slot->pid = 0;
    char rowp[4400];
    run_path(sw->runs_dir, id, "row", rowp, sizeof rowp);
    run_result r;
    if (read_result(rowp, &r) != 0) {
        memset(&r, 0, sizeof r);
        if (WIFSIGNALED(status))
            snprintf(r.error, sizeof r.error, "the worker of run %zu was killed by signal %d", id,
                     WTERMSIG(status));
        else
            snprintf(r.error, sizeof r.error,
                     "the worker of run %zu ended without a result (exit status %d)", id,
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        r.steps_per_s = NAN;
        r.series_bytes = 5; /* "year\n" */
        nan_summary(sw->p, r.summary, sizeof r.summary);
        size_t len;
        char *text = result_text(&r, &len);
        ric_status st = text ? save_run(sw->runs_dir, id, text, len, "year\n", 5, err) : RIC_ENOMEM;
        free(text);
        if (st != RIC_OK)
            return st;
    }
    finished(sw, id, &r, ev);
    return RIC_OK;
}

int ric_sweep_take(ric_sweep *sw, size_t *id)
{
    if (sw->complete || sw->stopping)
        return 0;
    while (sw->next_start < sw->end && sw->state[sw->next_start - sw->first] != RUN_PENDING)
        sw->next_start++;
    if (sw->next_start == sw->end)
        return 0;
    *id = sw->next_start++;
    sw->state[*id - sw->first] = RUN_RUNNING;
    sw->running++;
    return 1;
}

ric_status ric_sweep_put(ric_sweep *sw, size_t id, const char *row, size_t row_len,
                         const char *series, size_t series_len, ric_sweep_event *ev, ric_err *err)
{
    memset(ev, 0, sizeof *ev);
    run_result r;
    char *copy = malloc(row_len + 1);
    if (!copy) {
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    memcpy(copy, row, row_len);
    copy[row_len] = '\0';
    int bad = id < sw->first || id >= sw->end || sw->state[id - sw->first] != RUN_RUNNING ||
              parse_result(copy, &r) != 0 || r.series_bytes != (long)series_len;
    free(copy);
    if (bad) {
        ric_err_set(err, "%s: malformed or unexpected results for run %zu", sw->dir, id);
        return RIC_EUSAGE;
    }
    ric_status st = save_run(sw->runs_dir, id, row, row_len, series, series_len, err);
    if (st != RIC_OK)
        return st;
    finished(sw, id, &r, ev);
    return append_ready(sw, err);
}

ric_status ric_sweep_step(ric_sweep *sw, ric_sweep_event *ev, ric_err *err)
{
    memset(ev, 0, sizeof *ev);
    if (sw->complete)
        return RIC_OK;
    if (ric_interrupted()) {
        ric_err_set(err, "%s: interrupted after %zu of %zu runs; --resume continues the sweep",
                    sw->dir, sw->done, sw->end - sw->first);
        return RIC_EINTR;
    }
    size_t id;
    for (int i = 0; i < sw->o.jobs; i++) {
        if (sw->w[i].pid)
            continue;
        if (!ric_sweep_take(sw, &id))
            break;
        ric_status st = spawn(sw, &sw->w[i], id, err);
        if (st != RIC_OK)
            return st;
    }
    if (sw->running == 0 || sw->o.jobs == 0) /* nothing to wait for here */
        return append_ready(sw, err);
    struct pollfd pf[256];
    int slot_of[256];
    nfds_t n = 0;
    for (int i = 0; i < sw->o.jobs && n < 256; i++)
        if (sw->w[i].pid) {
            pf[n].fd = sw->w[i].fd;
            pf[n].events = POLLIN;
            pf[n].revents = 0;
            slot_of[n++] = i;
        }
    int rc = poll(pf, n, 1000);
    if (rc < 0 && errno != EINTR) {
        ric_err_set(err, "waiting for the workers failed: %s", strerror(errno));
        return RIC_EIO;
    }
    for (nfds_t k = 0; rc > 0 && k < n; k++) {
        if (!pf[k].revents)
            continue;
        char c;
        if (read(pf[k].fd, &c, 1) > 0)
            continue; /* workers write nothing; only the end of the pipe matters */
        ric_status st = reap(sw, &sw->w[slot_of[k]], ev, err);
        if (st != RIC_OK)
            return st;
        break; /* one run per step, so that each failure reaches the caller */
    }
    return append_ready(sw, err);
}

void ric_sweep_progress_get(const ric_sweep *sw, ric_sweep_progress *out)
{
    out->total = sw->end - sw->first;
    out->done = sw->done;
    out->failed = sw->failed;
    out->kept = sw->kept;
    out->running = sw->running;
    out->elapsed_s = now() - sw->t0;
    out->runs_per_s = out->elapsed_s > 0 ? (double)sw->finished_here / out->elapsed_s : 0;
}

ric_status ric_sweep_finish(ric_sweep *sw, ric_err *err)
{
    if (sw->complete)
        return RIC_OK;
    if (sw->running || sw->next_append != sw->end) {
        ric_err_set(err, "%s: the sweep is not complete (%zu of %zu runs)", sw->dir,
                    sw->next_append - sw->first, sw->end - sw->first);
        return RIC_EUSAGE;
    }
    int bad = close_synced(sw->runs) != 0;
    sw->runs = NULL;
    bad |= close_synced(sw->series) != 0;
    sw->series = NULL;
    if (bad) {
        ric_err_set(err, "%s: cannot write the results: %s", sw->dir, strerror(errno));
        return RIC_EIO;
    }
    ric_status st = ric_stats_sweep(sw->dir, err);
    if (st == RIC_OK && sw->failed == 0)
        remove_flat_dir(sw->runs_dir);
    return st;
}

void ric_sweep_free(ric_sweep *sw)
{
    if (!sw)
        return;
    for (int i = 0; sw->w && i < sw->o.jobs; i++)
        if (sw->w[i].pid) {
            kill(sw->w[i].pid, SIGTERM);
            while (waitpid(sw->w[i].pid, NULL, 0) < 0 && errno == EINTR)
                ;
            close(sw->w[i].fd);
        }
    if (sw->runs)
        fclose(sw->runs);
    if (sw->series)
        fclose(sw->series);
    if (sw->lock_fd >= 0)
        close(sw->lock_fd);
    free(sw->state);
    free(sw->w);
    free(sw);
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- merging shards ---------------------------------------------------------------------------
 */

/* Appends the lines of file FROM to OUT: all of them (from_line NULL), or only from the first
 * line that starts with FROM_LINE on ("" skips the first line alone), so that the head shared by
 * the shards' files is written once. */
static ric_status copy_lines(FILE *out, const char *from, const char *from_line, ric_err *err)
{
    FILE *f = fopen(from, "r");
    if (!f) {
        ric_err_set(err, "%s: cannot open: %s", from, strerror(errno));
        return RIC_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int on = from_line == NULL, first = 1;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (!on && (from_line[0] ? starts(line, from_line) : !first))
            on = 1;
        if (on)
            fwrite(line, 1, (size_t)n, out);
        first = 0;
    }
    int bad = ferror(f);
    free(line);
    fclose(f);
    if (bad) {
        ric_err_set(err, "%s: read error", from);
        return RIC_EIO;
    }
    return RIC_OK;
}

/* Finds the shard folders under DIR: their count N, checking that all of 0..N-1 exist. */
static ric_status find_shards(const char *dir, size_t *n_out, ric_err *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        ric_err_set(err, "%s: cannot open: %s", dir, strerror(errno));
        return RIC_EIO;
    }
    size_t n = 0, seen = 0, max_i = 0;
    int mixed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t i, k;
        int end = 0;
        if (sscanf(e->d_name, "shard-%zu-of-%zu%n", &i, &k, &end) != 2 || e->d_name[end])
            continue;
        if (n && k != n)
            mixed = 1;
        n = k;
        seen++;
        if (i > max_i)
            max_i = i;
    }
    closedir(d);
    if (mixed) {
        ric_err_set(err, "%s: holds shards of sweeps cut into different numbers of shards", dir);
        return RIC_EUSAGE;
    }
    if (n == 0) {
        ric_err_set(err, "%s: no shard folders (shard-I-of-N) to merge", dir);
        return RIC_EUSAGE;
    }
    for (size_t i = 0; i < n; i++) {
        char sd[4300];
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        if (!exists(sd)) {
            ric_err_set(err, "%s: missing; run it with --shard %zu/%zu", sd, i, n);
            return RIC_EUSAGE;
        }
    }
    if (seen != n || max_i >= n) {
        ric_err_set(err, "%s: holds shard folders that do not belong to one %zu-shard sweep", dir,
                    n);
        return RIC_EUSAGE;
    }
    *n_out = n;
    return RIC_OK;
}

ric_status ric_sweep_merge(const char *dir, int force, size_t *n_shards, ric_err *err)
{
    size_t n = 0;
    ric_status st = find_shards(dir, &n, err);
    if (st != RIC_OK)
        return st;
    char path[4400], sd[4300];
    char *plan = NULL;
    FILE *f[2] = {NULL, NULL};
    char tmp[2][4500], fin[2][4400];
    const char *names[2] = {"runs.tsv", "series.tsv"};
    for (size_t i = 0; i < n && st == RIC_OK; i++) {
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        in_dir(sd, "stats.tsv", path, sizeof path);
        char runs_dir[4400];
        in_dir(sd, ".runs", runs_dir, sizeof runs_dir);
        if (!exists(path) || exists(runs_dir)) {
            ric_err_set(err, "%s: the shard is not complete%s; run it again with --resume", sd,
                        exists(runs_dir) ? " (or has failed runs)" : "");
            st = RIC_EUSAGE;
            break;
        }
        in_dir(sd, "plan.tsv", path, sizeof path);
        char *text = slurp(path, NULL);
        if (!text) {
            ric_err_set(err, "%s: cannot read: %s", path, strerror(errno));
            st = RIC_EIO;
        } else if (!plan) {
            plan = text;
        } else {
            int same = strcmp(plan, text) == 0;
            free(text);
            if (!same) {
                ric_err_set(err, "%s: the shard ran a different plan than shard 0", path);
                st = RIC_EUSAGE;
            }
        }
    }
    for (size_t i = 0; st == RIC_OK && i < N_RESULT_FILES; i++) {
        in_dir(dir, result_files[i], path, sizeof path);
        if (!exists(path))
            continue;
        if (!force) {
            ric_err_set(err, "%s: already holds results (%s); use --force to replace them", dir,
                        result_files[i]);
            st = RIC_EUSAGE;
        } else {
            unlink(path);
        }
    }
    for (int k = 0; st == RIC_OK && k < 2; k++) {
        in_dir(dir, names[k], fin[k], sizeof fin[k]);
        if (snprintf(tmp[k], sizeof tmp[k], "%s.tmp.%ld", fin[k], (long)getpid()) >=
            (int)sizeof tmp[k]) {
            ric_err_set(err, "%s: folder name too long", dir);
            st = RIC_EUSAGE;
            break;
        }
        f[k] = fopen(tmp[k], "w");
        if (!f[k]) {
            ric_err_set(err, "%s: cannot write: %s", tmp[k], strerror(errno));
            st = RIC_EIO;
        }
    }
    /* runs.tsv: the header once, then each shard's rows; series.tsv: the head once, then each
     * shard's data sets. Shards are slices in run order, so this is the unsharded order. */
    for (size_t i = 0; st == RIC_OK && i < n; i++) {
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        in_dir(sd, "runs.tsv", path, sizeof path);
        st = copy_lines(f[0], path, i ? "" : NULL, err);
        in_dir(sd, "series.tsv", path, sizeof path);
        if (st == RIC_OK)
            st = copy_lines(f[1], path, i ? "# [run " : NULL, err);
    }
    for (int k = 0; k < 2; k++)
        if (f[k] && close_synced(f[k]) != 0 && st == RIC_OK) {
            ric_err_set(err, "%s: write failed: %s", tmp[k], strerror(errno));
            st = RIC_EIO;
        }
    if (st == RIC_OK) {
        in_dir(dir, "plan.tsv", path, sizeof path);
        st = write_atomic(path, plan, strlen(plan), err);
    }
    for (int k = 0; st == RIC_OK && k < 2; k++)
        if (rename(tmp[k], fin[k]) != 0) {
            ric_err_set(err, "%s: cannot rename into place: %s", fin[k], strerror(errno));
            st = RIC_EIO;
        }
    if (st == RIC_OK)
        st = ric_stats_sweep(dir, err);
    for (int k = 0; k < 2; k++)
        if (f[k])
            unlink(tmp[k]); /* gone already when renamed */
    free(plan);
    if (st == RIC_OK)
        *n_shards = n;
    return st;
}
