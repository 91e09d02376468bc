/* Reading a configuration file or string for libconfig, safely: size and string-length limits,
 * text only (no NUL bytes), every @include checked to name a regular file before libconfig's
 * scanner sees it, and syntax errors reported as FILE:LINE. Split from cfg.c. */
#include "input/cfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/consts.h"
#include "base/sbuf.h"
#include "input/limits.h"

/* The whole file as a C string, or NULL (errno set). A NUL byte inside makes it no text file:
 * errno EILSEQ (libconfig would read past it and see another file name than we check). Beyond
 * RIC_LIMIT_FILE_BYTES the rest is not read: the scan refuses the file. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && n <= RIC_LIMIT_FILE_BYTES && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *g = realloc(buf, cap *= 2);
            if (!g)
                free(buf);
            buf = g;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        free(buf);
        errno = EILSEQ;
        return NULL;
    }
    return buf;
}

/* ---- the scan before libconfig ----------------------------------------------------------------
 * A tokenizer as coarse as libconfig's grammar allows: it skips comments and strings, follows
 * every @include into the file it names (whose text libconfig splices in at that point), and
 * counts the members of every group, list and array against its limit (limits.h), so that a file
 * libconfig would take minutes to parse is refused at once. It only needs to count no fewer
 * members than libconfig: a file it misreads is one libconfig refuses anyway. */

typedef struct {
    char kind;  /* '{' group, '(' list, '[' array */
    long n;     /* members so far */
    int expect; /* list or array: the next value is a new element */
    unsigned line;
    const ric_limit *lim;
    char path[256];
} frame;

typedef struct {
    const char *dir;
    ric_err *err;
    size_t bytes; /* of every file read so far */
    int depth;
    frame st[RIC_LIMIT_DEPTH + 1]; /* st[0]: the top level */
    char name[64];                 /* the last word read in a group: a key if '=' follows */
    unsigned name_line;
    int have_name;
} scan;

static ric_status too_many(scan *s, const char *file, const frame *f)
{
    if (f->path[0])
        ric_err_set(s->err, "%s:%u: '%s' holds more than the limit of %ld %s", file, f->line,
                    f->path, f->lim->max, f->lim->what);
    else
        ric_err_set(s->err, "%s: the top level holds more than the limit of %ld %s", file,
                    f->lim->max, f->lim->what);
    return RIC_ESCENARIO;
}

/* A value starts in the innermost aggregate: a new element of a list or array. */
static ric_status value_starts(scan *s, const char *file)
{
    frame *f = &s->st[s->depth];
    if (f->kind == '{' || !f->expect)
        return RIC_OK;
    f->expect = 0;
    return ++f->n > f->lim->max ? too_many(s, file, f) : RIC_OK;
}

/* An aggregate opens (KIND) at LINE: a member of a group named s->name, or an element. */
static ric_status open_aggregate(scan *s, const char *file, char kind, unsigned line)
{
    if (s->depth == RIC_LIMIT_DEPTH) {
        ric_err_set(s->err, "%s:%u: nested deeper than the limit of %d levels", file, line,
                    RIC_LIMIT_DEPTH);
        return RIC_ESCENARIO;
    }
    const frame *up = &s->st[s->depth];
    frame f = {.kind = kind, .expect = 1, .line = line};
    int len;
    if (up->kind == '{') {
        len = snprintf(f.path, sizeof f.path, "%s%s%s", up->path, up->path[0] ? "." : "", s->name);
        f.line = s->name_line;
    } else {
        len = snprintf(f.path, sizeof f.path, "%s%s[%ld]", up->path, up->path[0] ? "." : "",
                       up->n - 1);
    }
    if (len >= (int)sizeof f.path) /* as ric_cfg_path marks a path it cuts */
        memcpy(f.path + sizeof f.path - 4, "...", 4);
    f.lim = ric_limit_of(f.path);
    s->st[++s->depth] = f;
    s->have_name = 0;
    return RIC_OK;
}

static ric_status scan_text(scan *s, const char *text, const char *name, int depth);

/* The @include at *pp (after the keyword): checks the file and scans it in place. */
static ric_status scan_include(scan *s, const char **pp, const char *name, unsigned line, int depth)
{
    const char *q = *pp;
    while (*q == ' ' || *q == '\t')
        q++;
    if (*q != '"')
        return RIC_OK; /* libconfig's syntax error */
    const char *end = strchr(q + 1, '"');
    const char *nl = strchr(q + 1, '\n');
    if (!end || (nl && end > nl))
        return RIC_OK;
    *pp = end + 1;
    char inc[RIC_PATH_MAX], full[RIC_JOINED_MAX];
    snprintf(inc, sizeof inc, "%.*s", (int)(end - q - 1), q + 1);
    if (inc[0] == '/' || !s->dir)
        snprintf(full, sizeof full, "%s", inc);
    else
        snprintf(full, sizeof full, "%s/%s", s->dir, inc);
    struct stat st;
    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
        ric_err_set(s->err, "%s:%u: @include \"%s\": %s", name, line, inc,
                    stat(full, &st) != 0 ? strerror(errno) : "not a regular file");
        return RIC_ESCENARIO;
    }
    if (depth >= RIC_LIMIT_INCLUDE_DEPTH) {
        ric_err_set(s->err, "%s:%u: @include \"%s\": includes nested too deeply", name, line, inc);
        return RIC_ESCENARIO;
    }
    char *sub = read_text(full);
    if (!sub) {
        ric_err_set(s->err, "%s:%u: @include \"%s\": %s", name, line, inc,
                    errno == EILSEQ ? "not a text file (it holds a NUL byte)" : strerror(errno));
        return RIC_ESCENARIO;
    }
    ric_status rc = scan_text(s, sub, full, depth + 1);
    free(sub);
    return rc;
}

/* Scans TEXT, the file NAME, at include depth DEPTH (1 for the file itself). */
static ric_status scan_text(scan *s, const char *text, const char *name, int depth)
{
    size_t n = strlen(text);
    s->bytes += n;
    if (n > RIC_LIMIT_FILE_BYTES) {
        ric_err_set(s->err, "%s: larger than the limit of %d MiB for a scenario or study file",
                    name, RIC_LIMIT_FILE_BYTES >> 20);
        return RIC_ESCENARIO;
    }
    if (s->bytes > RIC_LIMIT_FILE_BYTES) {
        ric_err_set(s->err,
                    "%s: with the files it is included in, larger than the limit of %d "
                    "MiB for a scenario or study file",
                    name, RIC_LIMIT_FILE_BYTES >> 20);
        return RIC_ESCENARIO;
    }
    unsigned line = 1;
    int line_start = 1; /* nothing but blanks since the last newline */
    ric_status rc = RIC_OK;
    for (const char *p = text; *p && rc == RIC_OK; p++) {
        char ch = *p;
        if (ch == '\n') {
            line++;
            line_start = 1;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\r')
            continue;
        int was_start = line_start;
        line_start = 0;
        frame *f = &s->st[s->depth];
        if (ch == '#' || (ch == '/' && p[1] == '/')) {
            while (p[1] && p[1] != '\n')
                p++;
        } else if (ch == '/' && p[1] == '*') {
            for (p += 2; *p && !(*p == '*' && p[1] == '/'); p++)
                line += *p == '\n';
            if (!*p)
                break;
            p++;
        } else if (ch == '"') {
            rc = value_starts(s, name);
            const char *start = p;
            unsigned start_line = line;
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                line += *p == '\n';
                if ((size_t)(p - start) > RIC_LIMIT_STRING_BYTES) {
                    ric_err_set(s->err, "%s:%u: a string longer than the limit of %d KiB", name,
                                start_line, RIC_LIMIT_STRING_BYTES >> 10);
                    return RIC_ESCENARIO;
                }
            }
            if (!*p)
                break;
        } else if (ch == '@' && was_start && strncmp(p, "@include", 8) == 0) {
            p += 8;
            rc = scan_include(s, &p, name, line, depth);
            p--;
        } else if (ch == '{' || ch == '(' || ch == '[') {
            rc = value_starts(s, name);
            if (rc == RIC_OK)
                rc = open_aggregate(s, name, ch, line);
        } else if (ch == '}' || ch == ')' || ch == ']') {
            if (s->depth > 0)
                s->depth--; /* a bracket that does not match is libconfig's syntax error */
            s->have_name = 0;
        } else if (ch == '=' || ch == ':') {
            if (f->kind == '{' && s->have_name && ++f->n > f->lim->max)
                rc = too_many(s, name, f);
            s->have_name = 0;
        } else if (ch == ',' || ch == ';') {
            f->expect = 1;
            s->have_name = 0;
        } else { /* a key or a scalar value */
            const char *w = p;
            while (p[1] && !strchr(" \t\r\n{}()[]=:;,\"#/", p[1]))
                p++;
            if (f->kind == '{') {
                snprintf(s->name, sizeof s->name, "%.*s", (int)(p - w + 1), w);
                s->name_line = line;
                s->have_name = 1;
            } else {
                rc = value_starts(s, name);
            }
        }
    }
    return rc;
}

/* Scans TEXT (the file NAME) with its includes before libconfig sees it: sizes, string lengths,
 * include targets, nesting and member counts. */
static ric_status check_text(const char *text, const char *name, const char *dir, ric_err *err)
{
    static const ric_limit top = {"", RIC_LIMIT_MEMBERS, "members"};
    scan s = {.dir = dir, .err = err};
    s.st[0] = (frame){.kind = '{', .lim = &top};
    return scan_text(&s, text, name, 1);
}

static ric_status syntax_error(const config_t *cfg, const char *name, const char *dir, ric_err *err)
{
    const char *ef = config_error_file(cfg);
    if (ef && ef[0] != '/' && strcmp(ef, name) != 0 && dir && strcmp(dir, ".") != 0)
        ric_err_set(err, "%s/%s:%d: %s", dir, ef, config_error_line(cfg), config_error_text(cfg));
    else
        ric_err_set(err, "%s:%d: %s", ef ? ef : name, config_error_line(cfg),
                    config_error_text(cfg));
    return RIC_ESCENARIO;
}

ric_status ric_cfg_read_file(config_t *cfg, const char *path, const char *dir, ric_err *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        ric_err_set(err, "%s: cannot open: not a regular file", path);
        return RIC_EIO;
    }
    char *text = read_text(path);
    if (!text && errno == EILSEQ) {
        ric_err_set(err, "%s: not a text file (it holds a NUL byte)", path);
        return RIC_ESCENARIO;
    }
    if (!text) {
        ric_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return RIC_EIO;
    }
    ric_status rc = check_text(text, path, dir, err);
    free(text);
    if (rc != RIC_OK)
        return rc;
    config_set_include_dir(cfg, dir);
    return config_read_file(cfg, path) ? RIC_OK : syntax_error(cfg, path, dir, err);
}

ric_status ric_cfg_read_string(config_t *cfg, const char *text, const char *name, const char *dir,
                               ric_err *err)
{
    ric_status rc = check_text(text, name, dir, err);
    if (rc != RIC_OK)
        return rc;
    if (dir)
        config_set_include_dir(cfg, dir);
    return config_read_string(cfg, text) ? RIC_OK : syntax_error(cfg, name, dir, err);
}
