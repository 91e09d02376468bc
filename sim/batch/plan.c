/* Loading a plan: reads the 'experiment' group of an experiment file through the cfg module (the
 * scenario loader skips that group), checks it, builds the design and loads the scenario at the
 * design rows most likely to break it; or makes the plan of a comparison of two scenarios. */
#include "ricsim/experiment.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/consts.h"
#include "base/fs.h"
#include "batch/runs.h"
#include "batch/tidy.h"
#include "input/cfg.h"
#include "ricsim/scenario.h"
#include "ricsim/sim.h"

/* Indicators summarised when the experiment names none: structure, employment, spin-offs,
 * transfers and job flows. */
static const char *const default_indicators[] = {
    "firms",         "smes",         "employees_smes", "employees_total", "spinoffs_cum",
    "transfers_cum", "jobs_created", "jobs_net",       "mean_capability"};
#define N_DEFAULT_INDICATORS (sizeof default_indicators / sizeof default_indicators[0])

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
    char name[RIC_DESIGN_MAX_PARAMS][RIC_TIDY_NAME_MAX]; /* columns of long.tsv and summary.tsv */
    int named[RIC_DESIGN_MAX_PARAMS];                    /* 'name' given */
    size_t n;
    /* bounds read from SALib's parameter file (experiment.salib_params), by name */
    struct salib_row {
        char name[256];
        double lo, hi;
        size_t line;
        int used;
    } * salib;
    size_t n_salib;
    char salib_file[RIC_PATH_MAX];
    const config_setting_t *salib_at;
} param_set;

static void param_set_fini(param_set *ps)
{
    for (size_t j = 0; j < ps->n; j++)
        free(ps->values[j]);
    free(ps->salib);
}

/* ---- SALib's parameter file ---------------------------------------------------------------- */

/* Reads FILE, SALib's parameter file: one parameter a line, "name lower upper" separated by
 * whitespace; blank lines and lines starting with '#' are skipped. Errors read "FILE:LINE: ...". */
static void read_salib(ric_cfg *c, const char *file, param_set *ps)
{
    FILE *f = ric_fs_open_regular(file);
    if (!f) {
        ric_err_set(c->err, "%s: cannot open SALib's parameter file (experiment.salib_params): %s",
                    file, errno == EINVAL ? "not a regular file" : strerror(errno));
        c->failed = 1;
        return;
    }
    char line[1024];
    size_t ln = 0, cap = 0;
    while (!c->failed && fgets(line, sizeof line, f)) {
        ln++;
        if (!strchr(line, '\n') && !feof(f)) {
            ric_err_set(c->err, "%s:%zu: line longer than %zu characters", file, ln,
                        sizeof line - 2);
            c->failed = 1;
            break;
        }
        char *save = NULL, *fld[4];
        size_t n = 0;
        for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save))
            if (n < 4)
                fld[n++] = t;
            else
                n = 5;
        if (n == 0 || fld[0][0] == '#')
            continue;
        if (n != 3) {
            ric_err_set(c->err,
                        "%s:%zu: expected 'name lower upper' (got %zu fields; SALib's groups and "
                        "distributions are not read)",
                        file, ln, n > 4 ? (size_t)5 : n);
            c->failed = 1;
            break;
        }
        double v[2];
        for (int k = 0; k < 2 && !c->failed; k++) {
            char *end;
            errno = 0;
            v[k] = strtod(fld[1 + k], &end);
            if (*end || end == fld[1 + k] || errno || !isfinite(v[k])) {
                ric_err_set(c->err,
                            "%s:%zu: the %s bound of '%.100s' must be a number (got '%.40s')", file,
                            ln, k ? "upper" : "lower", fld[0], fld[1 + k]);
                c->failed = 1;
            }
        }
        if (c->failed)
            break;
        if (!(v[1] > v[0])) {
            ric_err_set(c->err, "%s:%zu: the upper bound of '%.100s' must be > %g (got %g)", file,
                        ln, fld[0], v[0], v[1]);
            c->failed = 1;
            break;
        }
        for (size_t i = 0; i < ps->n_salib && !c->failed; i++)
            if (strcmp(ps->salib[i].name, fld[0]) == 0) {
                ric_err_set(c->err, "%s:%zu: repeats parameter '%.100s' (line %zu)", file, ln,
                            fld[0], ps->salib[i].line);
                c->failed = 1;
            }
        if (c->failed)
            break;
        if (strlen(fld[0]) >= sizeof ps->salib[0].name || ps->n_salib == RIC_DESIGN_MAX_PARAMS) {
            ric_err_set(c->err, "%s:%zu: %s", file, ln,
                        ps->n_salib == RIC_DESIGN_MAX_PARAMS ? "too many parameters"
                                                             : "parameter name too long");
            c->failed = 1;
            break;
        }
        if (ps->n_salib == cap) {
            cap = cap ? 2 * cap : 8;
            struct salib_row *g = realloc(ps->salib, cap * sizeof *g);
            if (!g) {
                ric_err_set(c->err, "%s: out of memory", file);
                c->failed = 1;
                break;
            }
            ps->salib = g;
        }
        struct salib_row *r = &ps->salib[ps->n_salib++];
        snprintf(r->name, sizeof r->name, "%s", fld[0]);
        r->lo = v[0];
        r->hi = v[1];
        r->line = ln;
        r->used = 0;
    }
    if (!c->failed && ferror(f)) {
        ric_err_set(c->err, "%s: read error", file);
        c->failed = 1;
    }
    fclose(f);
    if (!c->failed && ps->n_salib == 0) {
        ric_err_set(c->err, "%s: no parameters (lines 'name lower upper')", file);
        c->failed = 1;
    }
}

/* The SALib row naming parameter KEY (by its column name NAME or by its key), or NULL. */
static struct salib_row *salib_find(param_set *ps, const char *name, const char *key)
{
    for (size_t i = 0; i < ps->n_salib; i++)
        if (strcmp(ps->salib[i].name, name) == 0 || strcmp(ps->salib[i].name, key) == 0)
            return &ps->salib[i];
    return NULL;
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
    static const char *const keys[] = {"key",    "values",  "min",  "max",
                                       "levels", "integer", "name", NULL};
    size_t j = ps->n;
    ric_design_param *q = &ps->d[j];
    char gp[256];
    ric_cfg_path(g, gp, sizeof gp);
    if (!ric_cfg_is_group(c, g))
        return;
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
    /* the column of long.tsv and summary.tsv: 'name', else the key path made an identifier */
    config_setting_t *nm = ric_cfg_member(c, g, "name", 0, CONFIG_TYPE_STRING);
    if (c->failed)
        return;
    const char *name = nm ? config_setting_get_string(nm) : q->key;
    if (nm &&
        (strlen(name) >= RIC_TIDY_NAME_MAX || !(isalpha((unsigned char)name[0])) ||
         name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")])) {
        ric_cfg_fail(c, nm,
                     "'%s.name' must be a letter then letters, digits or '_', at most %d "
                     "characters (got \"%s\")",
                     gp, RIC_TIDY_NAME_MAX - 1, name);
        return;
    }
    ric_tidy_name(name, ps->name[j], sizeof ps->name[j]);
    static const char *const reserved[] = {"run", "design_row", "replication", "seed", "year"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(ps->name[j], reserved[i]) == 0) {
            ric_cfg_fail(c, nm ? nm : k,
                         "'%s' names the column '%s' of long.tsv: choose another "
                         "'name'",
                         gp, reserved[i]);
            return;
        }
    for (size_t i = 0; i < j; i++)
        if (strcmp(ps->name[i], ps->name[j]) == 0) {
            ric_cfg_fail(c, nm ? nm : k,
                         "'%s' has the column name '%s' of an earlier parameter: give it a "
                         "'name'",
                         gp, ps->name[j]);
            return;
        }
    ps->named[j] = nm != NULL;
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
    struct salib_row *sr = salib_find(ps, ps->name[j], q->key);
    if (sr && smin) {
        ric_cfg_fail(c, smin, "'%s' has 'min' and 'max' and a line in %s (line %zu); give one", gp,
                     ps->salib_file, sr->line);
        return;
    }
    if (smin) {
        q->lo = ric_cfg_num(c, g, "min", 1, 0, -DBL_MAX, DBL_MAX);
        q->hi = ric_cfg_num(c, g, "max", 1, 0, -DBL_MAX, DBL_MAX);
        q->has_range = 1;
        if (!c->failed && !(q->hi > q->lo))
            ric_cfg_fail(c, smax, "'%s.max' must be > %g (got %g)", gp, q->lo, q->hi);
    } else if (sr) { /* SALib's bounds stand for min and max */
        q->lo = sr->lo;
        q->hi = sr->hi;
        q->has_range = 1;
        sr->used = 1;
        smin = smax = (config_setting_t *)ps->salib_at;
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

/* Without 'parameters': each line of SALib's file is a parameter, its name a key path. */
static void salib_params(ric_cfg *c, const ric_design_type *t, param_set *ps)
{
    if (t->needs_values != 0) {
        ric_cfg_fail(c, ps->salib_at,
                     "'experiment.salib_params' without 'parameters' needs a design that samples "
                     "[min, max] (lhs or sobol; got %s)",
                     t->name);
        return;
    }
    for (size_t i = 0; i < ps->n_salib && !c->failed; i++) {
        struct salib_row *r = &ps->salib[i];
        size_t j = ps->n;
        if (!valid_key_path(r->name) || strcmp(r->name, "seed") == 0) {
            ric_err_set(c->err,
                        "%s:%zu: '%s' is not a key path like rules.spinoff.heritage; without "
                        "'experiment.parameters' each name must be one",
                        ps->salib_file, r->line, r->name);
            c->failed = 1;
            return;
        }
        ric_design_param *q = &ps->d[j];
        q->key = r->name;
        q->lo = r->lo;
        q->hi = r->hi;
        q->has_range = 1;
        ric_tidy_name(r->name, ps->name[j], sizeof ps->name[j]);
        for (size_t k = 0; k < j; k++)
            if (strcmp(ps->name[k], ps->name[j]) == 0) {
                ric_err_set(c->err, "%s:%zu: '%s' has the column name '%s' of line %zu",
                            ps->salib_file, r->line, r->name, ps->name[j], ps->salib[k].line);
                c->failed = 1;
                return;
            }
        ps->where[j] = ps->salib_at;
        r->used = 1;
        ps->n++;
    }
}

/* Loads scenario index SI with the overrides of design row ROW (replication 0); on failure err
 * names the experiment line of the parameter the loader blamed, when it blamed one. */
static ric_status check_row(const ric_plan *p, const param_set *ps, ric_cfg *c, size_t row,
                            ric_scenario **keep)
{
    ric_scenario *sc = NULL;
    ric_err e = {{0}};
    ric_status st = ric_runs_load(p, row * p->reps, &sc, &e);
    if (st != RIC_OK) {
        for (size_t j = 0; ps && j < ps->n; j++) {
            char label[300];
            snprintf(label, sizeof label, "--set '%s=", ps->d[j].key);
            if (strstr(e.msg, label)) {
                char loc[RIC_PATH_MAX];
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
    static const char *const keys[] = {"seed",         "replications", "design",
                                       "samples",      "file",         "parameters",
                                       "salib_params", "indicators",   NULL};
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
    char file[RIC_PATH_MAX];
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
    config_setting_t *sp = ric_cfg_member(c, e, "salib_params", 0, CONFIG_TYPE_STRING);
    if (sp && !c->failed) { /* resolved against the experiment file's folder, as 'file' */
        const char *f = config_setting_get_string(sp);
        if (f[0] == '/' || strcmp(c->dir, ".") == 0)
            snprintf(ps->salib_file, sizeof ps->salib_file, "%s", f);
        else
            snprintf(ps->salib_file, sizeof ps->salib_file, "%s/%s", c->dir, f);
        ps->salib_at = sp;
        read_salib(c, ps->salib_file, ps);
    }
    config_setting_t *pl = ric_cfg_member(c, e, "parameters", 0, CONFIG_TYPE_LIST);
    size_t np = pl ? (size_t)config_setting_length(pl) : 0;
    if (np > RIC_DESIGN_MAX_PARAMS)
        ric_cfg_fail(c, pl,
                     "'experiment.parameters' lists %zu parameters; at most %d are supported", np,
                     RIC_DESIGN_MAX_PARAMS);
    for (size_t j = 0; j < np && !c->failed; j++)
        read_param(c, t, config_setting_get_elem(pl, (unsigned)j), ps);
    if (sp && !pl && !c->failed)
        salib_params(c, t, ps);
    for (size_t i = 0; sp && pl && !c->failed && i < ps->n_salib; i++)
        if (!ps->salib[i].used) {
            ric_err_set(c->err,
                        "%s:%zu: '%s' is the name or key of no parameter in "
                        "'experiment.parameters'",
                        ps->salib_file, ps->salib[i].line, ps->salib[i].name);
            c->failed = 1;
        }
    if (c->failed)
        return RIC_ESCENARIO;
    ric_err derr = {{0}};
    ric_status st = ric_design_make(t, ps->d, ps->n, &o, &p->d, &derr);
    if (st != RIC_OK) {
        if (t->needs_values == -1 && strncmp(derr.msg, file, strlen(file)) == 0) {
            ric_err_set(c->err, "%s", derr.msg); /* already "design.tsv:line: ..." */
        } else {
            char loc[RIC_PATH_MAX];
            ric_cfg_where(c, ds ? ds : (pl ? pl : e), loc, sizeof loc);
            ric_err_set(c->err, "%s: %s", loc, derr.msg);
        }
        return st == RIC_ENOMEM ? st : RIC_ESCENARIO;
    }
    p->n_params = ps->n;
    for (size_t j = 0; j < ps->n; j++) {
        snprintf(p->params[j].key, sizeof p->params[j].key, "%s", ps->d[j].key);
        p->params[j].integer = ps->d[j].integer;
        snprintf(p->params[j].name, sizeof p->params[j].name, "%s", ps->name[j]);
        p->params[j].named = ps->named[j];
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
    char dir[RIC_PATH_MAX];
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
    double time[2][4] = {{0}}; /* start, end, steps_per_year, output_every */
    for (int s = 0; s < 2 && st == RIC_OK; s++) {
        ric_scenario *sc = NULL;
        st = ric_scenario_load(p->scenario[s], NULL, 0, &sc, err);
        if (st == RIC_OK) {
            p->scenario_hash[s] = sc->hash;
            time[s][0] = sc->start;
            time[s][1] = sc->end;
            time[s][2] = sc->steps_per_year;
            time[s][3] = sc->output_every;
            st = column_names(sc, &cols[s], &n_cols[s], err);
        }
        ric_scenario_free(sc);
    }
    static const char *const time_keys[4] = {"time.start", "time.end", "time.steps_per_year",
                                             "time.output_every"};
    for (int k = 0; k < 4 && st == RIC_OK; k++)
        if (time[0][k] != time[1][k]) {
            ric_err_set(err,
                        "%s and %s differ in '%s' (%g and %g); a comparison needs the same "
                        "time settings",
                        a, b, time_keys[k], time[0][k], time[1][k]);
            st = RIC_EUSAGE;
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

ric_status ric_plan_compare_draws(ric_plan *p, size_t n_params, const char (*keys)[256],
                                  const char (*names)[64], const double *x, size_t draws,
                                  ric_err *err)
{
    if (n_params == 0 || n_params > RIC_DESIGN_MAX_PARAMS || draws == 0 ||
        draws > RIC_PLAN_MAX_REPS) {
        ric_err_set(err, "--draws must be between 1 and %d, over 1 to %d parameters (got %zu, %zu)",
                    RIC_PLAN_MAX_REPS, RIC_DESIGN_MAX_PARAMS, draws, n_params);
        return RIC_EUSAGE;
    }
    double *v = malloc(2 * draws * n_params * sizeof *v);
    if (!v) {
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    for (size_t d = 0; d < draws; d++)
        for (int s = 0; s < 2; s++)
            memcpy(v + (2 * d + (size_t)s) * n_params, x + d * n_params, n_params * sizeof *v);
    ric_design_fini(&p->d);
    p->d.x = v;
    p->d.n_rows = 2 * draws;
    p->d.n_params = n_params;
    p->n_params = n_params;
    for (size_t j = 0; j < n_params; j++) {
        memset(&p->params[j], 0, sizeof p->params[j]);
        snprintf(p->params[j].key, sizeof p->params[j].key, "%s", keys[j]);
        snprintf(p->params[j].name, sizeof p->params[j].name, "%s", names[j]);
        p->params[j].named = 1;
    }
    p->draws = draws;
    p->n_runs = 2 * draws * p->reps;
    snprintf(p->design, sizeof p->design, "posterior");
    /* both scenarios take the values of every draw: the first run of each design row */
    for (size_t row = 0; row < p->d.n_rows; row++) {
        ric_scenario *sc = NULL;
        ric_status st = ric_runs_load(p, row * p->reps, &sc, err);
        ric_scenario_free(sc);
        if (st != RIC_OK)
            return st;
    }
    return RIC_OK;
}

void ric_plan_free(ric_plan *p)
{
    if (!p)
        return;
    ric_design_fini(&p->d);
    free(p);
}
