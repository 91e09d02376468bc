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

#endif
