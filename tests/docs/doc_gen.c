/* The generated reference tables (doc_gen.h): rule parameters and region parameters from the
 * scenario schema's tables, series columns from the column table, each as a Markdown table. */
#include "doc_gen.h"

#include <stdlib.h>
#include <string.h>

#include "input/limits.h"
#include "ricsim/design.h"
#include "ricsim/scenario.h"
#include "run/columns.h"
#include "run/regions.h"

#define PATH_LEN 4096

/* V as %g writes it, with the exponent short: 1e+07 becomes 1e7, 1e-05 becomes 1e-5. */
static const char *num(char buf[32], double v)
{
    snprintf(buf, 32, "%g", v);
    char *e = strchr(buf, 'e');
    if (e) {
        char *d = e + 1; /* where the exponent's digits go */
        const char *s = d;
        if (*s == '+')
            s++;
        else if (*s == '-')
            s = ++d;
        while (s[0] == '0' && s[1] != '\0')
            s++;
        memmove(d, s, strlen(s) + 1);
    }
    return buf;
}

/* A parameter table: key (PREFIX before the name), default, bounds, whether events may set it
 * (when EVENTS), meaning; GET lists the parameters. */
static void param_table(FILE *f, int (*get)(size_t i, ric_param_info *out), const char *prefix,
                        int events)
{
    char d[32], lo[32], hi[32];
    ric_param_info p;
    fprintf(f, "| key | default | %s |%s meaning |\n|---|---|---|%s---|\n",
            events ? "bounds" : "range", events ? " events |" : "", events ? "---|" : "");
    for (size_t i = 0; get(i, &p); i++) {
        fprintf(f, "| `%s%s` | %s | [%s, %s] |", prefix, p.name, num(d, p.def), num(lo, p.lo),
                num(hi, p.hi));
        if (events)
            fprintf(f, " %s |", p.settable ? "yes" : "no");
        fprintf(f, " %s |\n", p.doc);
    }
}

static void rule_table(FILE *f)
{
    param_table(f, ric_scenario_rule_param, "rules.", 0);
}

static void region_table(FILE *f)
{
    param_table(f, ric_scenario_region_param, "", 1);
}

static void sector_table(FILE *f)
{
    param_table(f, ric_scenario_sector_param, "", 1);
}

static void column_table(FILE *f)
{
    ric_column_doc c;
    fprintf(f, "| column | meaning |\n|---|---|\n");
    for (size_t i = 0; ric_columns_doc(i, &c); i++)
        fprintf(f, "| `%s` | %s |\n", c.name, c.doc);
}

static void region_column_table(FILE *f)
{
    fprintf(f, "| column | meaning |\n|---|---|\n");
    for (size_t j = 0; ric_regions_colname(j); j++)
        fprintf(f, "| `%s` | %s |\n", ric_regions_colname(j), ric_regions_coldoc(j));
}

/* The input limits: the file-wide ones, then the table of counts (limits.h), then the design
 * file's. */
static void limit_table(FILE *f)
{
    fprintf(f, "| what | limit |\n|---|---|\n");
    fprintf(f, "| a scenario, experiment or study file, and one with all its includes | %d MiB |\n",
            RIC_LIMIT_FILE_BYTES >> 20);
    fprintf(f, "| a string literal | %d KiB |\n", RIC_LIMIT_STRING_BYTES >> 10);
    fprintf(f, "| groups, lists and arrays inside one another | %d levels |\n", RIC_LIMIT_DEPTH);
    fprintf(f, "| `@include` inside `@include` | %d levels |\n", RIC_LIMIT_INCLUDE_DEPTH);
    for (size_t i = 0; i < ric_limit_table_n; i++)
        fprintf(f, "| `%s` | %ld %s |\n", ric_limit_table[i].path, ric_limit_table[i].max,
                ric_limit_table[i].what);
    fprintf(f, "| any other group, list or array | %d members |\n", RIC_LIMIT_MEMBERS);
    fprintf(f, "| rows of a design file (`experiment.file`) | %d rows |\n", RIC_DESIGN_MAX_ROWS);
}

const doc_gen_section doc_gen_sections[] = {
    {"region-parameters", "scenarios.md", region_table},
    {"sector-parameters", "scenarios.md", sector_table},
    {"rule-parameters", "scenarios.md", rule_table},
    {"series-columns", "outputs.md", column_table},
    {"region-columns", "outputs.md", region_column_table},
    {"input-limits", "internals.md", limit_table},
};
const size_t doc_gen_sections_n = sizeof doc_gen_sections / sizeof doc_gen_sections[0];

char *doc_gen_table(const doc_gen_section *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return NULL;
    s->table(f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int doc_gen_find(const char *text, const char *name, size_t *at, size_t *len)
{
    char begin[256];
    snprintf(begin, sizeof begin, DOC_GEN_BEGIN, name);
    const char *b = strstr(text, begin);
    if (!b)
        return 0;
    b += strlen(begin);
    const char *e = strstr(b, DOC_GEN_END);
    if (!e)
        return 0;
    *at = (size_t)(b - text);
    *len = (size_t)(e - b);
    return 1;
}

char *doc_gen_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* TEXT with section S's body replaced by the generated table (caller frees), or NULL. */
static char *replace(const char *text, const doc_gen_section *s)
{
    size_t at, len;
    if (!doc_gen_find(text, s->name, &at, &len))
        return NULL;
    char *table = doc_gen_table(s);
    if (!table)
        return NULL;
    size_t n = strlen(text), tn = strlen(table);
    char *out = malloc(n - len + tn + 1);
    if (out) {
        memcpy(out, text, at);
        memcpy(out + at, table, tn);
        memcpy(out + at + tn, text + at + len, n - at - len + 1);
    }
    free(table);
    return out;
}

static int write_file(const char *path, const char *text)
{
    char tmp[PATH_LEN + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

int doc_gen_write(const char *dir, FILE *err)
{
    for (size_t i = 0; i < doc_gen_sections_n; i++) {
        const doc_gen_section *s = &doc_gen_sections[i];
        if (i > 0 && strcmp(s->file, doc_gen_sections[i - 1].file) == 0)
            continue; /* the file's sections were rewritten with its first */
        char path[PATH_LEN];
        snprintf(path, sizeof path, "%s/%s", dir, s->file);
        char *text = doc_gen_read(path);
        if (!text) {
            fprintf(err, "doc_tables: cannot read %s\n", path);
            return -1;
        }
        for (size_t j = i; j < doc_gen_sections_n && strcmp(doc_gen_sections[j].file, s->file) == 0;
             j++) {
            char *next = replace(text, &doc_gen_sections[j]);
            if (!next) {
                fprintf(err,
                        "doc_tables: %s: no section '%s' (its markers: " DOC_GEN_BEGIN
                        "... " DOC_GEN_END ")\n",
                        path, doc_gen_sections[j].name, doc_gen_sections[j].name);
                free(text);
                return -1;
            }
            free(text);
            text = next;
        }
        int rc = write_file(path, text);
        free(text);
        if (rc != 0) {
            fprintf(err, "doc_tables: cannot write %s\n", path);
            return -1;
        }
    }
    return 0;
}
