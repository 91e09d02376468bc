/* A growable text buffer for building files and messages in memory (effective scenarios, run
 * records). Allocation failure is sticky: check oom once at the end. */
#ifndef RICSIM_SBUF_H
#define RICSIM_SBUF_H

#include <stddef.h>

typedef struct {
    char *buf; /* NUL-terminated once anything was written; the caller frees it */
    size_t n, cap;
    int oom;
} ric_sbuf;

void ric_sbuf_put(ric_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Free text (a file name, a description, an event's note) made safe for one field of one line of
 * a table: S itself when it holds no control character, else its copy in BUF (N bytes, cut to
 * fit) with tab, newline and carriage return written \t, \n, \r and the other control characters
 * \xHH, so no output gains a field or a row. */
const char *ric_text_field(const char *s, char *buf, size_t n);

#endif
