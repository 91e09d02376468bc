/* The reference tables of the documentation, generated from the code's own tables, and the marked
 * sections of doc/scenarios.md and doc/outputs.md that hold them. Shared by the doc-tables tool
 * (doc_tables.c), which rewrites the sections, and tests/test_docs.c, which checks that they are up
 * to date. */
#ifndef RICSIM_DOC_GEN_H
#define RICSIM_DOC_GEN_H

#include <stddef.h>
#include <stdio.h>

/* A section starts with the line DOC_GEN_BEGIN (with its name for %s) and ends with DOC_GEN_END;
 * the table between them is generated, the prose around it is not. */
#define DOC_GEN_BEGIN "<!-- generated: %s (cmake --build build --target doc-tables) -->\n"
#define DOC_GEN_END "<!-- end generated -->"
#define DOC_GEN_HOWTO "regenerate with: cmake --build build --target doc-tables"

typedef struct {
    const char *name; /* "rule-parameters", "region-parameters", "series-columns" */
    const char *file; /* in doc/ */
    void (*table)(FILE *f);
} doc_gen_section;

extern const doc_gen_section doc_gen_sections[];
extern const size_t doc_gen_sections_n;

/* Section S's table, as it belongs between its markers (Markdown, ending in a newline). Caller
 * frees; NULL when out of memory. */
char *doc_gen_table(const doc_gen_section *s);

/* Where the body of section NAME lies in TEXT: from after its begin marker's line to its end
 * marker. 0 when the markers are missing or out of order. */
int doc_gen_find(const char *text, const char *name, size_t *at, size_t *len);

/* The text of PATH (caller frees), or NULL when it cannot be read. */
char *doc_gen_read(const char *path);

/* Rewrites the sections of every file in DIR in place (through a temporary file and a rename).
 * Returns 0, or -1 after printing why to ERR (a file unreadable or a section's markers missing). */
int doc_gen_write(const char *dir, FILE *err);

#endif
