/* The reference documentation names what the code's own tables hold: every rule parameter in
 * doc/scenarios.md and every series column (of scenarios/daedeok.cfg) in doc/outputs.md. A test
 * skips while its document does not exist yet. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ricsim/scenario.h"
#include "ricsim/sim.h"

#define SCENARIOS_MD RIC_SOURCE_DIR "/doc/scenarios.md"
#define OUTPUTS_MD RIC_SOURCE_DIR "/doc/outputs.md"

/* The file's text, or NULL when it does not exist. */
static char *read_doc(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
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

Test(docs, every_series_column_in_outputs_md)
{
    char *text = read_doc(OUTPUTS_MD);
    if (!text)
        cr_skip_test("doc/outputs.md does not exist on this branch yet");
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load(RIC_SOURCE_DIR "/scenarios/daedeok.cfg", NULL, 0, &sc, &err),
                 RIC_OK, "%s", err.msg);
    ric_sim *s = NULL;
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK, "%s", err.msg);
    const char *const *names = ric_sim_colnames(s);
    size_t missing = 0;
    for (size_t i = 0; i < ric_sim_ncols(s); i++)
        if (!has_word(text, names[i])) {
            cr_log_error("doc/outputs.md does not name series column '%s'", names[i]);
            missing++;
        }
    ric_sim_free(s);
    ric_scenario_free(sc);
    free(text);
    cr_assert_eq(missing, 0, "%zu series columns missing from doc/outputs.md", missing);
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
    cr_assert_gt(n, 0);
}
