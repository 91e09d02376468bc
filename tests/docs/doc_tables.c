/* Prints the reference tables of the documentation from the code's own tables, in Markdown: the
 * rule parameters and region parameters (name, default, bounds) and the series columns of a
 * scenario. Not a test and not a command of ricsim: cmake --build build --target doc-tables. */
#include <stdio.h>

#include "ricsim/scenario.h"
#include "ricsim/sim.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: doc_tables SCENARIO.cfg\n");
        return 2;
    }
    ric_param_info p;
    printf("| rule parameter | default | lo | hi |\n|---|---|---|---|\n");
    for (size_t i = 0; ric_scenario_rule_param(i, &p); i++)
        printf("| `rules.%s` | %g | %g | %g |\n", p.name, p.def, p.lo, p.hi);
    printf("\n| region parameter | default | lo | hi | events | meaning |\n"
           "|---|---|---|---|---|---|\n");
    for (size_t i = 0; ric_scenario_region_param(i, &p); i++)
        printf("| `%s` | %g | %g | %g | %s | %s |\n", p.name, p.def, p.lo, p.hi,
               p.settable ? "yes" : "no", p.doc);

    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    ric_sim *s = NULL;
    if (ric_scenario_load(argv[1], NULL, 0, &sc, &err) != RIC_OK ||
        ric_sim_alloc(sc, &s, &err) != RIC_OK) {
        fprintf(stderr, "doc_tables: %s\n", err.msg);
        ric_scenario_free(sc);
        return 1;
    }
    printf("\n| series column (%s) |\n|---|\n", sc->name);
    const char *const *names = ric_sim_colnames(s);
    for (size_t i = 0; i < ric_sim_ncols(s); i++)
        printf("| `%s` |\n", names[i]);
    ric_sim_free(s);
    ric_scenario_free(sc);
    return 0;
}
