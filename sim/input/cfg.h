/* Reading libconfig files with locations: the shared layer under the scenario loader and the
 * study loaders (experiments, calibration, sensitivity). Diagnostics read
 * "FILE:LINE: 'key.path' must be ... (got ...)"; the first failure is kept and later calls are
 * no-ops, so a loader can read every key and check c->failed once. */
#ifndef RICSIM_CFG_H
#define RICSIM_CFG_H

#include <stddef.h>

#include <libconfig.h>

#include "ricsim/status.h"

typedef struct {
    ric_err *err;
    const char *name; /* file name used when libconfig has none (string input) */
    const char *text; /* the top-level text when loading from a string */
    const char *dir;  /* include folder: names of included files are relative to it */
    int failed;
    config_setting_t *overridden[64]; /* settings set by overrides, for locating errors */
    char override_text[64][300];
    int n_overridden;
} ric_cfg;

/* Dotted path of a setting ("programmes.nuri.phases.[0].start"). */
void ric_cfg_path(const config_setting_t *s, char *buf, size_t n);

/* 1 if S is a group; else fails with "'PATH' must be a group (got TYPE)" and returns 0. */
int ric_cfg_is_group(ric_cfg *c, const config_setting_t *s);
/* "FILE:LINE" of a setting (FILE alone at the top level), or the label of the override that set
 * it. */
void ric_cfg_where(const ric_cfg *c, const config_setting_t *s, char *buf, size_t n);
/* Records "WHERE: message" unless a failure is already recorded. */
void ric_cfg_fail(ric_cfg *c, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *ric_cfg_type_name(const config_setting_t *s);

/* Fails on a member of group g not named in keys (NULL-terminated). */
void ric_cfg_check_keys(ric_cfg *c, const config_setting_t *g, const char *const *keys);
/* The member KEY of g with the wanted libconfig type (integers are accepted for floats); NULL when
 * absent (a failure if required) or of another type (a failure). g may be NULL. */
config_setting_t *ric_cfg_member(ric_cfg *c, config_setting_t *g, const char *key, int required,
                                 int want_type);
/* 1 unless S is a group, list or array with more members than its limit (input/limits.h); then
 * fails with "'PATH' holds more than the limit of N WHAT" and returns 0. ric_cfg_member checks
 * every aggregate it returns; a loader that reaches one otherwise (a list's elements) calls this.
 */
int ric_cfg_within_limit(ric_cfg *c, const config_setting_t *s);
/* Typed getters: DEF when absent and not required; bounds are inclusive. */
double ric_cfg_num(ric_cfg *c, config_setting_t *g, const char *key, int required, double def,
                   double lo, double hi);
long long ric_cfg_int(ric_cfg *c, config_setting_t *g, const char *key, int required, long long def,
                      long long lo, long long hi);
int ric_cfg_bool(ric_cfg *c, config_setting_t *g, const char *key, int def);
const char *ric_cfg_str(ric_cfg *c, config_setting_t *g, const char *key, int required,
                        const char *def, size_t maxlen);
/* Index of the string value among names[0..n). */
int ric_cfg_enum(ric_cfg *c, config_setting_t *g, const char *key, int required, int def,
                 const char *const *names, int n);
/* Fails at setting s unless V, the value or name 'PATH', is an identifier: one or more of
 * [A-Za-z0-9_.-] (names of scenarios, regions, organisations, cohorts, programmes and parameters,
 * which become column names and labels). */
void ric_cfg_check_ident(ric_cfg *c, const config_setting_t *s, const char *path, const char *v);
/* Copies a setting's name into dst (RIC_NAME_MAX bytes), failing when it is too long or not an
 * identifier (ric_cfg_check_ident). */
void ric_cfg_copy_name(ric_cfg *c, const config_setting_t *s, char *dst);
/* A group of named groups ("regions = { a = {...}; };"); *n members. */
config_setting_t *ric_cfg_groups(ric_cfg *c, config_setting_t *root, const char *key, int required,
                                 int *n);

/* The setting at a dotted path (components are names or [i]); with CREATE, missing groups on the
 * way are added. On a miss, *parent is the group that should hold the last component. */
config_setting_t *ric_cfg_resolve(config_t *cfg, const char *path, int create,
                                  config_setting_t **parent, const char **last);
/* Applies one "key.path=value" override; LABEL names it in messages. */
ric_status ric_cfg_override(ric_cfg *c, config_t *cfg, const char *text, const char *label);
/* Folder of a path ("." when none). */
void ric_cfg_dir_of(const char *path, char *buf, size_t n);

/* Reads a file or a string into cfg (config_init'ed by the caller, who also destroys it), with
 * @include resolved against DIR. Every @include is checked first to name a regular, readable file
 * (libconfig's scanner exits the process when it reads a folder). Errors: RIC_EIO when PATH cannot
 * be opened, RIC_ESCENARIO with "FILE:LINE: message" for a bad include or a syntax error. */
ric_status ric_cfg_read_file(config_t *cfg, const char *path, const char *dir, ric_err *err);
ric_status ric_cfg_read_string(config_t *cfg, const char *text, const char *name, const char *dir,
                               ric_err *err);

#endif
