/* Location-aware reading of libconfig files, shared by every file format ricsim reads (scenarios,
 * experiments, calibration and sensitivity studies): typed getters with bounds, unknown-key checks,
 * "FILE:LINE: 'key.path' ..." diagnostics, the 32-bit literal check libconfig 1.5 needs, and the
 * "key.path=value" overrides of --set. Only this module and its callers' loaders touch libconfig.
 */
#include "input/cfg.h"
#include "base/consts.h"
#include "base/sbuf.h"

#include "ricsim/scenario.h" /* RIC_NAME_MAX */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void ric_cfg_path(const config_setting_t *s, char *buf, size_t n)
{
    if (!s || !config_setting_parent(s)) {
        buf[0] = '\0';
        return;
    }
    char parent[256];
    ric_cfg_path(config_setting_parent(s), parent, sizeof parent);
    const char *nm = config_setting_name(s);
    char self[64];
    if (nm)
        snprintf(self, sizeof self, "%s", nm);
    else
        snprintf(self, sizeof self, "[%d]", config_setting_index(s));
    int len = parent[0] ? snprintf(buf, n, "%s.%s", parent, self) : snprintf(buf, n, "%s", self);
    if (len >= (int)n && n > 4)
        memcpy(buf + n - 4, "...", 4); /* mark a truncated path */
}

/* "file:line" of a setting, or "--set 'k=v'" for one an override created or changed. */
void ric_cfg_where(const ric_cfg *c, const config_setting_t *s, char *buf, size_t n)
{
    for (int i = c->n_overridden - 1; i >= 0; i--) {
        /* the overridden setting itself, or a group an override created on its way; the last
         * override of a setting is the one that counts */
        const config_setting_t *o = c->overridden[i];
        while (o && o != s && config_setting_source_line(o) == 0 && config_setting_parent(o))
            o = config_setting_parent(o);
        if (o == s && config_setting_parent(s)) {
            snprintf(buf, n, "%s", c->override_text[i]);
            return;
        }
    }
    const char *f = s ? config_setting_source_file(s) : NULL;
    unsigned line = s ? config_setting_source_line(s) : 0;
    while (s && line == 0 && config_setting_parent(s)) {
        s = config_setting_parent(s);
        line = config_setting_source_line(s);
        f = config_setting_source_file(s);
    }
    if (line == 0) /* the top level: no line to name */
        snprintf(buf, n, "%s", c->name);
    else if (f && f[0] != '/' && strcmp(f, c->name) != 0 && c->dir && strcmp(c->dir, ".") != 0)
        snprintf(buf, n, "%s/%s:%u", c->dir, f, line); /* an included file */
    else
        snprintf(buf, n, "%s:%u", f ? f : c->name, line);
}

void ric_cfg_fail(ric_cfg *c, const config_setting_t *s, const char *fmt, ...)
{
    if (c->failed)
        return; /* keep the first diagnostic */
    c->failed = 1;
    char loc[300], msg[400];
    ric_cfg_where(c, s, loc, sizeof loc);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ric_err_set(c->err, "%s: %s", loc, msg);
}

const char *ric_cfg_type_name(const config_setting_t *s)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_GROUP:
        return "group";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        return "integer";
    case CONFIG_TYPE_FLOAT:
        return "number";
    case CONFIG_TYPE_STRING:
        return "string";
    case CONFIG_TYPE_BOOL:
        return "boolean";
    case CONFIG_TYPE_ARRAY:
        return "array";
    case CONFIG_TYPE_LIST:
        return "list";
    default:
        return "nothing";
    }
}

/* Rejects members of group g not named in keys (NULL-terminated). */
void ric_cfg_check_keys(ric_cfg *c, const config_setting_t *g, const char *const *keys)
{
    if (c->failed || !g)
        return;
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *nm = config_setting_name(m);
        int ok = 0;
        for (const char *const *k = keys; *k; k++)
            if (strcmp(*k, nm) == 0)
                ok = 1;
        if (!ok) {
            char p[256];
            ric_cfg_path(m, p, sizeof p);
            ric_cfg_fail(c, m, "unknown key '%s'", p);
            return;
        }
    }
}

config_setting_t *ric_cfg_member(ric_cfg *c, config_setting_t *g, const char *key, int required,
                                 int want_type)
{
    if (c->failed || !g)
        return NULL;
    config_setting_t *s = config_setting_get_member(g, key);
    char p[256];
    if (!s) {
        if (required) {
            char gp[256];
            ric_cfg_path(g, gp, sizeof gp);
            if (gp[0])
                ric_cfg_fail(c, g, "missing required key '%s.%s'", gp, key);
            else
                ric_cfg_fail(c, g, "missing required key '%s'", key);
        }
        return NULL;
    }
    int t = config_setting_type(s);
    int ok = t == want_type ||
             (want_type == CONFIG_TYPE_FLOAT && (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)) ||
             (want_type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64);
    if (!ok) {
        static const config_setting_t probe;
        (void)probe;
        ric_cfg_path(s, p, sizeof p);
        const char *want = want_type == CONFIG_TYPE_FLOAT    ? "a number"
                           : want_type == CONFIG_TYPE_INT    ? "an integer"
                           : want_type == CONFIG_TYPE_STRING ? "a string"
                           : want_type == CONFIG_TYPE_BOOL   ? "a boolean"
                           : want_type == CONFIG_TYPE_GROUP  ? "a group"
                           : want_type == CONFIG_TYPE_ARRAY  ? "an array"
                                                             : "a list";
        ric_cfg_fail(c, s, "'%s' must be %s (got %s)", p, want, ric_cfg_type_name(s));
        return NULL;
    }
    return s;
}

/* Reads line LINE of FILE (or of the string input) into buf; returns 0 if unavailable. */
static int source_line(const ric_cfg *c, const char *file, unsigned line, char *buf, size_t n)
{
    if (!file) {
        if (!c->text)
            return 0;
        const char *p = c->text;
        for (unsigned l = 1; l < line && p; l++) {
            p = strchr(p, '\n');
            if (p)
                p++;
        }
        if (!p)
            return 0;
        size_t len = strcspn(p, "\n");
        if (len >= n)
            len = n - 1;
        memcpy(buf, p, len);
        buf[len] = '\0';
        return 1;
    }
    char full[RIC_JOINED_MAX];
    if (file[0] != '/' && strcmp(file, c->name) != 0 && c->dir && strcmp(c->dir, ".") != 0) {
        snprintf(full, sizeof full, "%s/%s", c->dir, file);
        file = full;
    }
    FILE *f = fopen(file, "r");
    if (!f)
        return 0;
    unsigned l = 1;
    int got = 0;
    while (fgets(buf, (int)n, f)) {
        if (l == line) {
            got = 1;
            break;
        }
        if (strchr(buf, '\n'))
            l++;
    }
    fclose(f);
    return got;
}

/* libconfig 1.5 silently wraps integer literals beyond 32 bits that lack the L suffix: find the
 * literal in the source and compare it with the stored value. */
static void check_int_literal(ric_cfg *c, const config_setting_t *s, long long got)
{
    if (config_setting_type(s) != CONFIG_TYPE_INT)
        return;
    for (int i = 0; i < c->n_overridden; i++)
        if (c->overridden[i] == s)
            return; /* the value came from an override, parsed at 64 bits */
    char line[1024];
    if (!source_line(c, config_setting_source_file(s), config_setting_source_line(s), line,
                     sizeof line))
        return;
    /* the key may appear more than once on a line ("a = { n = 2; }; b = { n = 5; };"): the value
     * wrapped only if no literal for this key on the line reads back to it */
    const char *nm = config_setting_name(s);
    const char *p = nm ? strstr(line, nm) : NULL;
    const char *bad = NULL;
    int bad_len = 0;
    while (p) {
        const char *q = p + strlen(nm);
        int word_start = p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        while (*q == ' ' || *q == '\t')
            q++;
        if (word_start && (*q == '=' || *q == ':')) {
            q++;
            while (*q == ' ' || *q == '\t')
                q++;
            errno = 0;
            char *end;
            long long lit = strtoll(q, &end, 0);
            if (end != q) {
                if (errno != ERANGE && lit == got)
                    return;
                if (!bad) {
                    bad = q;
                    bad_len = (int)(end - q);
                }
            }
        }
        p = strstr(p + 1, nm);
    }
    if (bad) {
        char pth[256];
        ric_cfg_path(s, pth, sizeof pth);
        ric_cfg_fail(c, s, "'%s' does not fit in 32 bits (got %.*s); write it with an L suffix",
                     pth, bad_len, bad);
    }
}

double ric_cfg_num(ric_cfg *c, config_setting_t *g, const char *key, int required, double def,
                   double lo, double hi)
{
    config_setting_t *s = ric_cfg_member(c, g, key, required, CONFIG_TYPE_FLOAT);
    if (!s)
        return def;
    double v;
    if (config_setting_type(s) == CONFIG_TYPE_FLOAT) {
        v = config_setting_get_float(s);
    } else {
        long long i = config_setting_get_int64(s);
        check_int_literal(c, s, i);
        v = (double)i;
    }
    char p[256];
    ric_cfg_path(s, p, sizeof p);
    if (!isfinite(v))
        ric_cfg_fail(c, s, "'%s' must be finite (got %g)", p, v);
    else if (v < lo)
        ric_cfg_fail(c, s, "'%s' must be >= %g (got %g)", p, lo, v);
    else if (v > hi)
        ric_cfg_fail(c, s, "'%s' must be <= %g (got %g)", p, hi, v);
    return v;
}

long long ric_cfg_int(ric_cfg *c, config_setting_t *g, const char *key, int required, long long def,
                      long long lo, long long hi)
{
    config_setting_t *s = ric_cfg_member(c, g, key, required, CONFIG_TYPE_INT);
    if (!s)
        return def;
    long long v = config_setting_get_int64(s);
    check_int_literal(c, s, v);
    if (c->failed)
        return def;
    char p[256];
    ric_cfg_path(s, p, sizeof p);
    if (v < lo)
        ric_cfg_fail(c, s, "'%s' must be >= %lld (got %lld)", p, lo, v);
    else if (v > hi)
        ric_cfg_fail(c, s, "'%s' must be <= %lld (got %lld)", p, hi, v);
    return v;
}

int ric_cfg_bool(ric_cfg *c, config_setting_t *g, const char *key, int def)
{
    config_setting_t *s = ric_cfg_member(c, g, key, 0, CONFIG_TYPE_BOOL);
    return s ? config_setting_get_bool(s) : def;
}

const char *ric_cfg_str(ric_cfg *c, config_setting_t *g, const char *key, int required,
                        const char *def, size_t maxlen)
{
    config_setting_t *s = ric_cfg_member(c, g, key, required, CONFIG_TYPE_STRING);
    if (!s)
        return def;
    const char *v = config_setting_get_string(s);
    if (strlen(v) >= maxlen) {
        char p[256];
        ric_cfg_path(s, p, sizeof p);
        ric_cfg_fail(c, s, "'%s' is longer than %zu characters", p, maxlen - 1);
        return def;
    }
    return v;
}

int ric_cfg_enum(ric_cfg *c, config_setting_t *g, const char *key, int required, int def,
                 const char *const *names, int n)
{
    const char *v = ric_cfg_str(c, g, key, required, NULL, 64);
    if (!v)
        return def;
    for (int i = 0; i < n; i++)
        if (strcmp(v, names[i]) == 0)
            return i;
    char p[256], list[256] = "";
    ric_cfg_path(config_setting_get_member(g, key), p, sizeof p);
    for (int i = 0; i < n; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    ric_cfg_fail(c, config_setting_get_member(g, key), "'%s' must be one of %s (got \"%s\")", p,
                 list, v);
    return def;
}

void ric_cfg_check_ident(ric_cfg *c, const config_setting_t *s, const char *path, const char *v)
{
    const char *p = v;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '_' || *p == '.' || *p == '-')
        p++;
    if (p > v && !*p)
        return;
    char safe[4 * 256 + 8], cut[256];
    snprintf(cut, sizeof cut, "%s", v);
    ric_cfg_fail(c, s, "'%s' may hold only letters, digits, '_', '.' and '-' (got \"%s\")", path,
                 ric_text_field(cut, safe, sizeof safe));
}

void ric_cfg_copy_name(ric_cfg *c, const config_setting_t *s, char *dst)
{
    const char *nm = config_setting_name(s);
    char p[256];
    ric_cfg_path(s, p, sizeof p);
    if (strlen(nm) >= RIC_NAME_MAX) {
        ric_cfg_fail(c, s, "name '%s' is longer than %d characters", p, RIC_NAME_MAX - 1);
        return;
    }
    ric_cfg_check_ident(c, s, p, nm);
    snprintf(dst, RIC_NAME_MAX, "%s", nm);
}

/* A named group of groups ("regions = { dst = {...}; };"), possibly empty. */
int ric_cfg_is_group(ric_cfg *c, const config_setting_t *s)
{
    if (config_setting_type(s) == CONFIG_TYPE_GROUP)
        return 1;
    char p[256];
    ric_cfg_path(s, p, sizeof p);
    ric_cfg_fail(c, s, "'%s' must be a group (got %s)", p, ric_cfg_type_name(s));
    return 0;
}

config_setting_t *ric_cfg_groups(ric_cfg *c, config_setting_t *root, const char *key, int required,
                                 int *n)
{
    *n = 0;
    config_setting_t *g = ric_cfg_member(c, root, key, required, CONFIG_TYPE_GROUP);
    if (!g)
        return NULL;
    *n = config_setting_length(g);
    for (int i = 0; i < *n && !c->failed; i++) {
        config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        ric_cfg_is_group(c, m);
    }
    return g;
}

/* ---- overrides ---------------------------------------------------------------------------- */

/* Finds the setting at a dotted path; components may be names or [i] list indexes. With CREATE,
 * missing groups on the way are added (validation then rejects unknown ones). On a miss sets
 * *parent to the group that should hold the last component when only that one is missing. */
config_setting_t *ric_cfg_resolve(config_t *cfg, const char *path, int create,
                                  config_setting_t **parent, const char **last)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    config_setting_t *s = config_root_setting(cfg);
    *parent = NULL;
    *last = NULL;
    char *save = NULL;
    char *tok = strtok_r(buf, ".", &save);
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        config_setting_t *child = NULL;
        if (tok[0] == '[') {
            char *end;
            long idx = strtol(tok + 1, &end, 10);
            if (*end == ']' && end[1] == '\0' && idx >= 0 && config_setting_is_aggregate(s))
                child = config_setting_get_elem(s, (unsigned)idx);
        } else if (config_setting_is_group(s)) {
            child = config_setting_get_member(s, tok);
        }
        if (!child && next && create && tok[0] != '[' && config_setting_is_group(s))
            child = config_setting_add(s, tok, CONFIG_TYPE_GROUP); /* "limits.max_firms=..." */
        if (!child) {
            if (!next && config_setting_is_group(s)) {
                *parent = s;
                *last = path + (tok - buf);
            }
            return NULL;
        }
        s = child;
        tok = next;
    }
    return s;
}

static int valid_name(const char *s)
{
    if (!*s || !(((*s | 32) >= 'a' && (*s | 32) <= 'z') || *s == '*'))
        return 0;
    for (; *s; s++)
        if (!(((*s | 32) >= 'a' && (*s | 32) <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-' || *s == '*'))
            return 0;
    return 1;
}

/* Applies one "key.path=value" override; LABEL names it in messages ("--set 'k=v'"). */
/* An earlier override's setting was replaced (to change its type): follow it. OLD is freed and
 * only compared, never read. */
static void repoint(ric_cfg *c, const config_setting_t *old, config_setting_t *now)
{
    for (int i = 0; i < c->n_overridden; i++)
        if (c->overridden[i] == old)
            c->overridden[i] = now;
}

/* Whether every component of a dotted path is a plain key name (no list index). */
static int valid_path(const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save))
        if (!valid_name(tok))
            return 0;
    return 1;
}

/* VAL, a list of quoted strings ("[\"a\", \"b\"]"), as the array NAME of PARENT, replacing OLD
 * (NULL: none) in place. */
static ric_status set_string_array(ric_cfg *c, config_setting_t *parent, const char *name,
                                   config_setting_t *old, const char *val, const char *label,
                                   const char *path)
{
    if (old && config_setting_type(old) != CONFIG_TYPE_ARRAY &&
        config_setting_type(old) != CONFIG_TYPE_LIST) {
        ric_err_set(c->err, "%s: '%s' is not a list, so it cannot take '%s'", label, path, val);
        return RIC_EUSAGE;
    }
    char items[64][RIC_NAME_MAX];
    int n = 0;
    const char *q = val + 1;
    for (;;) {
        while (*q == ' ')
            q++;
        if (*q == ']' && n == 0 && q[1] == '\0')
            break;
        const char *close = *q == '"' ? strchr(q + 1, '"') : NULL;
        if (!close || (size_t)(close - q - 1) >= RIC_NAME_MAX || n == 64) {
            ric_err_set(c->err,
                        "%s: '%s' takes a list of up to 64 quoted names, such as [\"a\", \"b\"] "
                        "(got '%s')",
                        label, path, val);
            return RIC_EUSAGE;
        }
        snprintf(items[n++], RIC_NAME_MAX, "%.*s", (int)(close - q - 1), q + 1);
        q = close + 1;
        while (*q == ' ')
            q++;
        if (*q == ',') {
            q++;
            continue;
        }
        if (*q == ']' && q[1] == '\0')
            break;
        ric_err_set(c->err, "%s: '%s' takes a list such as [\"a\", \"b\"] (got '%s')", label, path,
                    val);
        return RIC_EUSAGE;
    }
    char nmb[128];
    snprintf(nmb, sizeof nmb, "%s", name);
    if (old)
        config_setting_remove(parent, nmb);
    config_setting_t *s = config_setting_add(parent, nmb, CONFIG_TYPE_ARRAY);
    for (int i = 0; s && i < n; i++)
        config_setting_set_string_elem(s, -1, items[i]);
    if (!s) {
        ric_err_set(c->err, "%s: cannot add '%s'", label, path);
        return RIC_EUSAGE;
    }
    if (old)
        repoint(c, old, s);
    return RIC_OK;
}

ric_status ric_cfg_override(ric_cfg *c, config_t *cfg, const char *text, const char *label)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text) {
        ric_err_set(c->err, "%s: expected KEY.PATH=VALUE", label);
        return RIC_EUSAGE;
    }
    char path[512];
    size_t plen = (size_t)(eq - text);
    if (plen >= sizeof path) {
        ric_err_set(c->err, "%s: key path too long", label);
        return RIC_EUSAGE;
    }
    memcpy(path, text, plen);
    path[plen] = '\0';
    const char *val = eq + 1;
    config_setting_t *parent, *s;
    const char *last;
    s = ric_cfg_resolve(cfg, path, valid_path(path), &parent, &last);
    char *end;
    errno = 0;
    if (val[0] == '[' &&
        (s ? config_setting_parent(s) && config_setting_name(s) : parent != NULL)) {
        if (!s && !valid_name(last)) {
            ric_err_set(c->err, "%s: '%s' is not a valid key name", label, last);
            return RIC_EUSAGE;
        }
        return set_string_array(c, s ? config_setting_parent(s) : parent,
                                s ? config_setting_name(s) : last, s, val, label, path);
    }
    if (!s) {
        if (!parent) {
            ric_err_set(c->err, "%s: no setting or group at '%s'", label, path);
            return RIC_EUSAGE;
        }
        char lname[128];
        snprintf(lname, sizeof lname, "%s", last);
        if (!valid_name(lname)) {
            ric_err_set(c->err, "%s: '%s' is not a valid key name", label, lname);
            return RIC_EUSAGE;
        }
        /* a new setting: infer its type from the value's form */
        long long iv = strtoll(val, &end, 10);
        if (*val && *end == '\0' && errno == 0) {
            int big = iv > INT_MAX || iv < INT_MIN;
            s = config_setting_add(parent, lname, big ? CONFIG_TYPE_INT64 : CONFIG_TYPE_INT);
            if (s)
                big ? config_setting_set_int64(s, iv) : config_setting_set_int(s, (int)iv);
        } else {
            errno = 0;
            double dv = strtod(val, &end);
            if (*val && *end == '\0' && errno == 0) {
                s = config_setting_add(parent, lname, CONFIG_TYPE_FLOAT);
                if (s)
                    config_setting_set_float(s, dv);
            } else if (strcmp(val, "true") == 0 || strcmp(val, "false") == 0) {
                s = config_setting_add(parent, lname, CONFIG_TYPE_BOOL);
                if (s)
                    config_setting_set_bool(s, val[0] == 't');
            } else {
                /* a quoted value is the string inside the quotes, as for an existing setting */
                char sv[512];
                const size_t n = strlen(val);
                const int quoted =
                    n >= 2 && n < sizeof sv + 2 && val[0] == '"' && val[n - 1] == '"';
                if (quoted)
                    snprintf(sv, sizeof sv, "%.*s", (int)(n - 2), val + 1);
                s = config_setting_add(parent, lname, CONFIG_TYPE_STRING);
                if (s)
                    config_setting_set_string(s, quoted ? sv : val);
            }
        }
        if (!s) {
            ric_err_set(c->err, "%s: cannot add '%s'", label, path);
            return RIC_EUSAGE;
        }
    } else {
        switch (config_setting_type(s)) {
        case CONFIG_TYPE_INT:
        case CONFIG_TYPE_INT64: {
            long long iv = strtoll(val, &end, 10);
            if (!*val || *end || errno) {
                /* an integer setting may take a number with a fraction: becomes a float */
                errno = 0;
                double dv = strtod(val, &end);
                if (!*val || *end || errno) {
                    ric_err_set(c->err, "%s: '%s' must be a number (got '%s')", label, path, val);
                    return RIC_EUSAGE;
                }
                config_setting_t *p = config_setting_parent(s);
                const char *nm = config_setting_name(s);
                if (!nm) {
                    ric_err_set(c->err, "%s: '%s' must be an integer (got '%s')", label, path, val);
                    return RIC_EUSAGE;
                }
                char nmb[128];
                snprintf(nmb, sizeof nmb, "%s", nm);
                config_setting_t *old = s;
                config_setting_remove(p, nmb);
                s = config_setting_add(p, nmb, CONFIG_TYPE_FLOAT);
                config_setting_set_float(s, dv);
                repoint(c, old, s);
                break;
            }
            if (iv > INT_MAX || iv < INT_MIN) {
                config_setting_t *p = config_setting_parent(s);
                const char *nm = config_setting_name(s);
                char nmb[128];
                snprintf(nmb, sizeof nmb, "%s", nm ? nm : "");
                if (nm) {
                    config_setting_t *old = s;
                    config_setting_remove(p, nmb);
                    s = config_setting_add(p, nmb, CONFIG_TYPE_INT64);
                    repoint(c, old, s);
                }
                config_setting_set_int64(s, iv);
            } else if (config_setting_type(s) == CONFIG_TYPE_INT64) {
                config_setting_set_int64(s, iv);
            } else {
                config_setting_set_int(s, (int)iv);
            }
            break;
        }
        case CONFIG_TYPE_FLOAT: {
            double dv = strtod(val, &end);
            if (!*val || *end || errno) {
                ric_err_set(c->err, "%s: '%s' must be a number (got '%s')", label, path, val);
                return RIC_EUSAGE;
            }
            config_setting_set_float(s, dv);
            break;
        }
        case CONFIG_TYPE_BOOL:
            if (strcmp(val, "true") && strcmp(val, "false")) {
                ric_err_set(c->err, "%s: '%s' must be true or false (got '%s')", label, path, val);
                return RIC_EUSAGE;
            }
            config_setting_set_bool(s, val[0] == 't');
            break;
        case CONFIG_TYPE_STRING: {
            char sv[512];
            size_t n = strlen(val);
            if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
                snprintf(sv, sizeof sv, "%.*s", (int)(n - 2), val + 1);
                val = sv;
            }
            config_setting_set_string(s, val);
            break;
        }
        default:
            ric_err_set(c->err, "%s: '%s' is a %s; only single values can be set", label, path,
                        ric_cfg_type_name(s));
            return RIC_EUSAGE;
        }
    }
    if (c->n_overridden < 64) {
        c->overridden[c->n_overridden] = s;
        snprintf(c->override_text[c->n_overridden], sizeof c->override_text[0], "%s", label);
        c->n_overridden++;
    }
    return RIC_OK;
}

void ric_cfg_dir_of(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, n, ".");
    else if (slash == path)
        snprintf(buf, n, "/");
    else
        snprintf(buf, n, "%.*s", (int)(slash - path), path);
}
