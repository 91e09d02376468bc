/* The reference documentation holds what the code's own tables hold: each generated section of
 * doc/scenarios.md and doc/outputs.md is byte for byte what tests/docs/doc_gen.c makes of the
 * tables now, every rule parameter is named, and every series column of scenarios/daedeok.cfg
 * matches a documented name. A test skips while its document does not exist yet. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ricsim/scenario.h"
#include "ricsim/sim.h"

#include "docs/doc_gen.h"
#include "run/columns.h"

#define SCENARIOS_MD RIC_SOURCE_DIR "/doc/scenarios.md"
#define OUTPUTS_MD RIC_SOURCE_DIR "/doc/outputs.md"
#define DOC_DIR RIC_SOURCE_DIR "/doc"

/* The file's text, or NULL when it does not exist. */
static char *read_doc(const char *path)
{
    return doc_gen_read(path);
}

static int word_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/* Whether TEXT holds WORD not as part of a longer name ("firms" is not found in "firms_startup";
 * "spinoff.heritage" is found in "rules.spinoff.heritage"). */
static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
        if ((p == text || !word_char(p[-1])) && !word_char(p[n]))
            return 1;
    return 0;
}

Test(docs, has_word_matches_whole_names)
{
    cr_assert(has_word("| `firms_startup` | firms |", "firms"));
    cr_assert(!has_word("| `firms_startup` |", "firms"));
    cr_assert(has_word("rules.spinoff.heritage = 0.7;", "spinoff.heritage"));
    cr_assert(!has_word("spinoff.heritage_share", "spinoff.heritage"));
}

Test(docs, every_rule_parameter_in_scenarios_md)
{
    char *text = read_doc(SCENARIOS_MD);
    if (!text)
        cr_skip_test("doc/scenarios.md does not exist on this branch yet");
    ric_param_info p;
    size_t missing = 0;
    for (size_t i = 0; ric_scenario_rule_param(i, &p); i++)
        if (!has_word(text, p.name)) {
            cr_log_error("doc/scenarios.md does not name rule parameter 'rules.%s'", p.name);
            missing++;
        }
    free(text);
    cr_assert_eq(missing, 0, "%zu rule parameters missing from doc/scenarios.md", missing);
}

/* The line number (1-based) in TEXT of byte AT. */
static size_t line_of(const char *text, size_t at)
{
    size_t line = 1;
    for (size_t k = 0; k < at; k++)
        line += text[k] == '\n';
    return line;
}

Test(docs, generated_sections_are_up_to_date)
{
    size_t stale = 0;
    for (size_t i = 0; i < doc_gen_sections_n; i++) {
        const doc_gen_section *sec = &doc_gen_sections[i];
        char path[512];
        snprintf(path, sizeof path, "%s/%s", DOC_DIR, sec->file);
        char *text = read_doc(path);
        cr_assert_not_null(text, "cannot read doc/%s", sec->file);
        size_t at, len;
        cr_assert(doc_gen_find(text, sec->name, &at, &len),
                  "doc/%s has no generated section '%s': add the lines " DOC_GEN_BEGIN
                  "and " DOC_GEN_END " where the table belongs, then " DOC_GEN_HOWTO,
                  sec->file, sec->name, sec->name);
        char *table = doc_gen_table(sec);
        cr_assert_not_null(table);
        size_t n = strlen(table), k = 0;
        while (k < n && k < len && table[k] == text[at + k])
            k++;
        if (k < n || k < len) {
            cr_log_error("doc/%s:%zu: generated section '%s' differs from the code's tables; %s",
                         sec->file, line_of(text, at + k), sec->name, DOC_GEN_HOWTO);
            stale++;
        }
        free(table);
        free(text);
    }
    cr_assert_eq(stale, 0, "%zu generated doc sections out of date; " DOC_GEN_HOWTO, stale);
}

/* Whether column NAME is documented by DOC: the same name, or a name with one placeholder (a run
 * of capitals, "ORIGIN") that stands for a non-empty label ("jobs_created_ORIGIN" documents
 * "jobs_created_startup"). */
static int documents(const char *doc, size_t doc_len, const char *name)
{
    size_t p = 0;
    while (p < doc_len && !isupper((unsigned char)doc[p]))
        p++;
    if (p == doc_len)
        return strlen(name) == doc_len && strncmp(doc, name, doc_len) == 0;
    size_t q = p;
    while (q < doc_len && isupper((unsigned char)doc[q]))
        q++;
    size_t n = strlen(name), suffix = doc_len - q;
    return n > p + suffix && strncmp(name, doc, p) == 0 &&
           strncmp(name + n - suffix, doc + q, suffix) == 0;
}

Test(docs, documents_matches_placeholders)
{
    cr_assert(documents("jobs_created_ORIGIN", 19, "jobs_created_startup"));
    cr_assert(documents("P_awards", 8, "nuri_awards"));
    cr_assert(!documents("P_awards", 8, "_awards"));
    cr_assert(documents("year", 4, "year"));
    cr_assert(!documents("year", 4, "years"));
}

Test(docs, every_series_column_matches_a_documented_name)
{
    char *text = read_doc(OUTPUTS_MD);
    if (!text)
        cr_skip_test("doc/outputs.md does not exist on this branch yet");
    size_t at, len;
    cr_assert(doc_gen_find(text, "series-columns", &at, &len),
              "doc/outputs.md has no generated section 'series-columns'");
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load(RIC_SOURCE_DIR "/scenarios/daedeok.cfg", NULL, 0, &sc, &err),
                 RIC_OK, "%s", err.msg);
    ric_sim *s = NULL;
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK, "%s", err.msg);
    const char *const *names = ric_sim_colnames(s);
    size_t missing = 0;
    for (size_t i = 0; i < ric_sim_ncols(s); i++) {
        int found = 0;
        /* the documented names: the first cell of each row, "| `name` |" */
        for (const char *row = strstr(text + at, "\n| `"); row && row < text + at + len && !found;
             row = strstr(row + 1, "\n| `")) {
            const char *b = row + 4, *e = strchr(b, '`');
            found = e && documents(b, (size_t)(e - b), names[i]);
        }
        if (!found) {
            cr_log_error("doc/outputs.md documents no name for series column '%s'", names[i]);
            missing++;
        }
    }
    ric_sim_free(s);
    ric_scenario_free(sc);
    free(text);
    cr_assert_eq(missing, 0, "%zu series columns undocumented in doc/outputs.md; " DOC_GEN_HOWTO,
                 missing);
}

Test(docs, parameter_tables_are_complete)
{
    ric_param_info p;
    size_t n = 0;
    while (ric_scenario_rule_param(n, &p)) {
        cr_assert_str_eq(p.name, ric_rules_name(n));
        cr_assert(p.lo <= p.def && p.def <= p.hi, "rules.%s: default outside its bounds", p.name);
        n++;
    }
    cr_assert_eq(n, ric_rules_count());
    for (n = 0; ric_scenario_region_param(n, &p); n++) {
        cr_assert_not_null(p.doc, "%s", p.name);
        cr_assert(p.lo <= p.def && p.def <= p.hi, "%s: default outside its bounds", p.name);
    }
    for (n = 0; ric_scenario_rule_param(n, &p); n++)
        cr_assert(p.doc && *p.doc, "rules.%s has no doc string", p.name);
    ric_column_doc c;
    for (n = 0; ric_columns_doc(n, &c); n++) {
        cr_assert(c.doc && *c.doc, "column %s has no doc string", c.name);
        cr_assert(!c.placeholder || strstr(c.name, c.placeholder), "%s", c.name);
    }
    cr_assert_gt(n, 0);
}
