/* The doc-tables tool: prints the reference tables of the documentation, generated from the code's
 * own tables (doc_gen.h), or with --write DIR rewrites their marked sections in DIR/scenarios.md
 * and DIR/outputs.md. Not a test and not a command of ricsim: cmake --build build --target
 * doc-tables runs it with --write doc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_gen.h"

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write") == 0)
        return doc_gen_write(argv[2], stderr) == 0 ? 0 : 1;
    if (argc != 1) {
        fprintf(stderr, "usage: ric_doc_tables [--write DOCDIR]\n");
        return 2;
    }
    for (size_t i = 0; i < doc_gen_sections_n; i++) {
        char *table = doc_gen_table(&doc_gen_sections[i]);
        if (!table) {
            fprintf(stderr, "doc_tables: out of memory\n");
            return 1;
        }
        printf("%s" DOC_GEN_BEGIN "%s" DOC_GEN_END "\n", i ? "\n" : "", doc_gen_sections[i].name,
               table);
        free(table);
    }
    return 0;
}
