/* The effective scenario: the merged tree (includes, variant and overrides applied) written back in
 * libconfig syntax at full precision, deterministically, with every rule value and the seed
 * explicit, so that a run's scenario.cfg reloads to the same scenario and hash. */
#include "input/effective.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/sbuf.h"
#include "input/params.h"

static void put_value(ric_sbuf *b, const config_setting_t *s, int depth);

static void put_float(ric_sbuf *b, double v)
{
    char t[64];
    snprintf(t, sizeof t, "%.17g", v);
    /* shortest text that reads back to the same double */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, v);
        if (strtod(t, NULL) == v)
            break;
    }
    if (!strpbrk(t, ".eEn"))
        strncat(t, ".0", sizeof t - strlen(t) - 1);
    ric_sbuf_put(b, "%s", t);
}

static void put_string(ric_sbuf *b, const char *s)
{
    ric_sbuf_put(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            ric_sbuf_put(b, "\\%c", *s);
        else if (*s == '\n')
            ric_sbuf_put(b, "\\n");
        else if (*s == '\t')
            ric_sbuf_put(b, "\\t");
        else
            ric_sbuf_put(b, "%c", *s);
    }
    ric_sbuf_put(b, "\"");
}

static void put_members(ric_sbuf *b, const config_setting_t *g, int depth)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        ric_sbuf_put(b, "%*s%s = ", depth * 2, "", config_setting_name(m));
        put_value(b, m, depth);
        ric_sbuf_put(b, ";\n");
    }
}

static void put_value(ric_sbuf *b, const config_setting_t *s, int depth)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        ric_sbuf_put(b, "%d", config_setting_get_int(s));
        break;
    case CONFIG_TYPE_INT64:
        ric_sbuf_put(b, "%lldL", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        put_float(b, config_setting_get_float(s));
        break;
    case CONFIG_TYPE_BOOL:
        ric_sbuf_put(b, "%s", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_STRING:
        put_string(b, config_setting_get_string(s));
        break;
    case CONFIG_TYPE_GROUP:
        ric_sbuf_put(b, "{\n");
        put_members(b, s, depth + 1);
        ric_sbuf_put(b, "%*s}", depth * 2, "");
        break;
    case CONFIG_TYPE_ARRAY:
    case CONFIG_TYPE_LIST: {
        int list = config_setting_type(s) == CONFIG_TYPE_LIST;
        int n = config_setting_length(s);
        ric_sbuf_put(b, "%s", list ? "(" : "[");
        for (int i = 0; i < n; i++) {
            if (list)
                ric_sbuf_put(b, "%s\n%*s", i ? "," : "", (depth + 1) * 2, "");
            else if (i)
                ric_sbuf_put(b, ", ");
            put_value(b, config_setting_get_elem(s, (unsigned)i), depth + 1);
        }
        if (list && n)
            ric_sbuf_put(b, "\n%*s", depth * 2, "");
        ric_sbuf_put(b, "%s", list ? ")" : "]");
        break;
    }
    default:
        break;
    }
}

/* Adds every rule parameter's effective value to the tree, so the written scenario does not depend
 * on this version's defaults. */
static void fill_rules(config_t *cfg, const ric_scenario *sc)
{
    config_setting_t *root = config_root_setting(cfg);
    config_setting_t *rules = config_setting_get_member(root, "rules");
    if (!rules)
        rules = config_setting_add(root, "rules", CONFIG_TYPE_GROUP);
    for (size_t i = 0; i < ric_rule_table_n; i++) {
        char grp[64];
        size_t len = strcspn(ric_rule_table[i].name, ".");
        snprintf(grp, sizeof grp, "%.*s", (int)len, ric_rule_table[i].name);
        config_setting_t *g = config_setting_get_member(rules, grp);
        if (!g)
            g = config_setting_add(rules, grp, CONFIG_TYPE_GROUP);
        const char *key = ric_rule_table[i].name + len + 1;
        config_setting_t *s = config_setting_get_member(g, key);
        if (s && config_setting_type(s) != CONFIG_TYPE_FLOAT) {
            config_setting_remove(g, key);
            s = NULL;
        }
        if (!s)
            s = config_setting_add(g, key, CONFIG_TYPE_FLOAT);
        config_setting_set_float(s,
                                 *ric_rules_param((ric_rules *)&sc->rules, ric_rule_table[i].name));
    }
}

ric_status ric_effective_write(config_t *cfg, ric_scenario *sc)
{
    /* the effective scenario: seed and all rule values explicit */
    /* rules and seed are rewritten last, in that order, so the text of a reloaded effective
     * scenario (and its hash) is the same */
    config_setting_t *root = config_root_setting(cfg);
    if (config_setting_get_member(root, "rules"))
        config_setting_remove(root, "rules");
    fill_rules(cfg, sc);
    if (config_setting_get_member(root, "seed"))
        config_setting_remove(root, "seed");
    config_setting_t *seed = config_setting_add(root, "seed", CONFIG_TYPE_INT64);
    config_setting_set_int64(seed, (long long)sc->seed);
    ric_sbuf b = {0};
    put_members(&b, root, 0);
    if (b.oom) {
        free(b.buf);
        return RIC_ENOMEM;
    }
    sc->effective = b.buf ? b.buf : calloc(1, 1);
    sc->hash = ric_hash64(sc->effective, strlen(sc->effective));
    return RIC_OK;
}
