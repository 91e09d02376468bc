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

static int is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

const char *ric_text_field(const char *s, char *buf, size_t n)
{
    const char *p = s;
    while (*p && !is_control((unsigned char)*p))
        p++;
    if (!*p || n == 0)
        return s;
    size_t k = 0;
    for (p = s; *p && k + 5 < n; p++) {
        unsigned char c = (unsigned char)*p;
        if (!is_control(c))
            buf[k++] = (char)c;
        else if (c == '\t' || c == '\n' || c == '\r') {
            buf[k++] = '\\';
            buf[k++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
        } else
            k += (size_t)snprintf(buf + k, n - k, "\\x%02x", c);
    }
    buf[k] = '\0';
    return buf;
}
