/* Growable text buffer (see sbuf.h). */
#include "base/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void ric_sbuf_put(ric_sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) {
        b->oom = 1;
        return;
    }
    if (b->n + (size_t)len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + (size_t)len + 1)
            cap *= 2;
        char *g = realloc(b->buf, cap);
        if (!g) {
            b->oom = 1;
            return;
        }
        b->buf = g;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->buf + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}
