/* Reading a study file: the study file's folder is the include folder, its group is read with the
 * cfg module's located getters, and the keys every study shares (scenario, parameters,
 * replications, seed, workers) are read here once for calibrate.c and sensitivity.c; a
 * calibration's parameters also take a start, a prior and its source. */
#include "study_cfg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

ric_status ric_studycfg_open(ric_studycfg *s, const char *path, ric_err *err)
{
    memset(s, 0, sizeof *s);
    if (strlen(path) >= sizeof s->path) {
        ric_err_set(err, "%.200s...: file name too long", path);
        return RIC_EUSAGE;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    ric_cfg_dir_of(path, s->dir, sizeof s->dir);
    config_init(&s->cfg);
    /* libconfig 1.5 resolves every @include against one folder: the study file's */
    ric_status rst = ric_cfg_read_file(&s->cfg, path, s->dir, err);
    if (rst != RIC_OK) {
        config_destroy(&s->cfg);
        return rst;
    }
    s->c.err = err;
    s->c.name = s->path;
    s->c.dir = s->dir;
    return RIC_OK;
}

int ric_studycfg_kinds(const char *path)
{
    ric_studycfg s;
    ric_err err;
    if (ric_studycfg_open(&s, path, &err) != RIC_OK)
        return 0; /* the loader that reads it next says why */
    static const char *const groups[] = {"experiment", "sensitivity", "calibration"};
    int kinds = 0;
    config_setting_t *root = config_root_setting(&s.cfg);
    for (int i = 0; i < 3; i++)
        if (config_setting_get_member(root, groups[i]))
            kinds |= 1 << i;
    ric_studycfg_close(&s);
    return kinds;
}

void ric_studycfg_close(ric_studycfg *s)
{
    config_destroy(&s->cfg);
}

config_setting_t *ric_studycfg_group(ric_studycfg *s, const char *name)
{
    config_setting_t *root = config_root_setting(&s->cfg);
    return ric_cfg_member(&s->c, root, name, 1, CONFIG_TYPE_GROUP);
}

void ric_studycfg_file(const ric_studycfg *s, const char *name, char *buf, size_t n)
{
    /* a name too long for buf is cut; opening it then fails with its (cut) name */
    int len;
    if (name[0] == '/' || strcmp(s->dir, ".") == 0)
        len = snprintf(buf, n, "%s", name);
    else
        len = snprintf(buf, n, "%s/%s", s->dir, name);
    if (len < 0 && n > 0)
        buf[0] = '\0';
}

/* A key path as --set takes it: names and [i] indexes separated by dots. */
static int valid_key(const char *k)
{
    if (!*k || *k == '.' || k[strlen(k) - 1] == '.' || strstr(k, ".."))
        return 0;
    for (const char *p = k; *p; p++)
        if (!(isalnum((unsigned char)*p) || strchr("_.[]*-", *p)))
            return 0;
    return 1;
}

static void read_param(ric_cfg *c, config_setting_t *e, ric_study_param *p, int with_start)
{
    char pth[256];
    ric_cfg_path(e, pth, sizeof pth);
    if (!ric_cfg_is_group(c, e))
        return;
    static const char *const keys[] = {"key",   "name",  "min",    "max",
                                       "start", "prior", "source", NULL};
    static const char *const keys_nostart[] = {"key", "name", "min", "max", NULL};
    ric_cfg_check_keys(c, e, with_start ? keys : keys_nostart);
    const char *key = ric_cfg_str(c, e, "key", 1, "", sizeof p->key);
    snprintf(p->key, sizeof p->key, "%s", key);
    if (!c->failed && !valid_key(p->key)) {
        ric_cfg_fail(c, config_setting_get_member(e, "key"),
                     "'%s.key' must be a key path such as rules.jobs.noise or events.[3].value "
                     "(got \"%s\")",
                     pth, p->key);
        return;
    }
    snprintf(p->name, sizeof p->name, "%s", ric_cfg_str(c, e, "name", 0, p->key, sizeof p->name));
    if (!c->failed && config_setting_get_member(e, "name")) {
        char np[300];
        snprintf(np, sizeof np, "%s.name", pth);
        ric_cfg_check_ident(c, config_setting_get_member(e, "name"), np, p->name);
    }
    p->lo = ric_cfg_num(c, e, "min", 1, 0, -HUGE_VAL, HUGE_VAL);
    p->hi = ric_cfg_num(c, e, "max", 1, 1, -HUGE_VAL, HUGE_VAL);
    if (!c->failed && !(p->hi > p->lo)) {
        ric_cfg_fail(c, config_setting_get_member(e, "max"), "'%s.max' must be > %g (got %g)", pth,
                     p->lo, p->hi);
        return;
    }
    p->start = NAN;
    p->value = NAN;
    if (!with_start)
        return;
    p->start = ric_cfg_num(c, e, "start", 0, NAN, p->lo, p->hi);
    /* the prior of a calibration by ABC-SMC, and where its range comes from */
    const char *prior = ric_cfg_str(c, e, "prior", 0, "uniform", 32);
    if (!c->failed && strcmp(prior, "uniform") != 0 && strcmp(prior, "log_uniform") != 0) {
        ric_cfg_fail(c, config_setting_get_member(e, "prior"),
                     "'%s.prior' must be \"uniform\" or \"log_uniform\" (got \"%s\")", pth, prior);
        return;
    }
    p->log_prior = strcmp(prior, "log_uniform") == 0;
    if (!c->failed && p->log_prior && !(p->lo > 0)) {
        ric_cfg_fail(c, config_setting_get_member(e, "min"),
                     "'%s.min' must be > 0 for a log_uniform prior (got %g)", pth, p->lo);
        return;
    }
    snprintf(p->source, sizeof p->source, "%s",
             ric_cfg_str(c, e, "source", 0, "", sizeof p->source));
}

void ric_studycfg_common(ric_studycfg *s, config_setting_t *g, ric_study *st, int with_start,
                         size_t default_reps)
{
    ric_cfg *c = &s->c;
    if (c->failed)
        return;
    const char *name = ric_cfg_str(c, g, "scenario", 0, "", 4000);
    if (name[0])
        ric_studycfg_file(s, name, st->scenario, sizeof st->scenario);
    else
        snprintf(st->scenario, sizeof st->scenario, "%s", s->path);
    config_setting_t *ps = ric_cfg_member(c, g, "parameters", 1, CONFIG_TYPE_LIST);
    if (ps) {
        int n = config_setting_length(ps);
        char pth[256];
        ric_cfg_path(ps, pth, sizeof pth);
        if (n < 1)
            ric_cfg_fail(c, ps, "'%s' must list at least one parameter", pth);
        else if (n > RIC_STUDY_MAX_PARAMS)
            ric_cfg_fail(c, ps, "'%s' lists %d parameters; at most %d", pth, n,
                         RIC_STUDY_MAX_PARAMS);
        for (int i = 0; i < n && !c->failed; i++) {
            config_setting_t *e = config_setting_get_elem(ps, (unsigned)i);
            read_param(c, e, &st->params[i], with_start);
            for (int j = 0; j < i && !c->failed; j++)
                if (strcmp(st->params[j].key, st->params[i].key) == 0) {
                    ric_cfg_path(e, pth, sizeof pth);
                    ric_cfg_fail(c, config_setting_get_member(e, "key"),
                                 "'%s.key' repeats the key of parameter [%d] (\"%s\")", pth, j,
                                 st->params[i].key);
                }
        }
        st->n_params = c->failed ? 0 : (size_t)n;
    }
    st->reps = (size_t)ric_cfg_int(c, g, "replications", 0, (long long)default_reps, 1,
                                   RIC_STUDY_MAX_REPS);
    st->seed = (uint64_t)ric_cfg_int(c, g, "seed", 0, 1, 0, INT64_MAX);
    /* absent: 0, the caller's choice (the front end: the CPUs it may use; else one process) */
    st->workers = (int)ric_cfg_int(c, g, "workers", 0, 0, 1, RIC_STUDY_MAX_WORKERS);
}
