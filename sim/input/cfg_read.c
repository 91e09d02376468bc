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

/* The limits checked before libconfig sees a file: its scanner is quadratic in the length of a
 * string literal (10 MB took over a minute), so sizes are bounded far above the shipped files
 * (the largest, scenarios/national.cfg, is 14 KB). */
enum { MAX_FILE_BYTES = 8 << 20, MAX_STRING_BYTES = 64 << 10 };

/* The whole file as a C string, or NULL (errno set). A NUL byte inside makes it no text file:
 * errno EILSEQ (libconfig would read past it and see another file name than we check). */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && n <= MAX_FILE_BYTES && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got; /* beyond the limit the rest is not read: check_size refuses the file */
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

/* Checks the @include lines of TEXT (from file NAME) and, recursively, of the files they name:
 * each must be a regular, readable file. libconfig allows 10 levels; so does this. */
/* Fails when TEXT (the file NAME) is larger than MAX_FILE_BYTES or holds a string literal longer
 * than MAX_STRING_BYTES; comments ('#', '//', block comments) are skipped. */
static ric_status check_size(const char *text, const char *name, ric_err *err)
{
    size_t n = strlen(text);
    if (n > MAX_FILE_BYTES) {
        ric_err_set(err, "%s: larger than the limit of %d MiB for a scenario or study file", name,
                    MAX_FILE_BYTES >> 20);
        return RIC_ESCENARIO;
    }
    unsigned line = 1, start_line = 0;
    const char *start = NULL;
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            line++;
        if (start) {
            if (*p == '\\' && p[1]) {
                p++;
                line += *p == '\n';
            } else if (*p == '"') {
                start = NULL;
            } else if ((size_t)(p - start) > MAX_STRING_BYTES) {
                ric_err_set(err, "%s:%u: a string longer than the limit of %d KiB", name,
                            start_line, MAX_STRING_BYTES >> 10);
                return RIC_ESCENARIO;
            }
        } else if (*p == '"') {
            start = p;
            start_line = line;
        } else if (*p == '#' || (*p == '/' && p[1] == '/')) {
            while (p[1] && p[1] != '\n')
                p++;
        } else if (*p == '/' && p[1] == '*') {
            for (p += 2; *p && !(*p == '*' && p[1] == '/'); p++)
                line += *p == '\n';
            if (!*p)
                break;
            p++;
        }
    }
    return RIC_OK;
}

static ric_status check_includes(const char *text, const char *name, const char *dir, int depth,
                                 ric_err *err)
{
    ric_status size_rc = check_size(text, name, err);
    if (size_rc != RIC_OK)
        return size_rc;
    unsigned line = 1;
    for (const char *p = text; *p; line++) {
        const char *q = p;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncmp(q, "@include", 8) == 0) {
            q += 8;
            while (*q == ' ' || *q == '\t')
                q++;
            if (*q == '"') {
                const char *end = strchr(q + 1, '"');
                const char *nl = strchr(q + 1, '\n');
                if (end && (!nl || end < nl)) {
                    char inc[RIC_PATH_MAX], full[RIC_JOINED_MAX];
                    snprintf(inc, sizeof inc, "%.*s", (int)(end - q - 1), q + 1);
                    if (inc[0] == '/' || !dir)
                        snprintf(full, sizeof full, "%s", inc);
                    else
                        snprintf(full, sizeof full, "%s/%s", dir, inc);
                    struct stat st;
                    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
                        ric_err_set(err, "%s:%u: @include \"%s\": %s", name, line, inc,
                                    stat(full, &st) != 0 ? strerror(errno) : "not a regular file");
                        return RIC_ESCENARIO;
                    }
                    if (depth >= 10) {
                        ric_err_set(err, "%s:%u: @include \"%s\": includes nested too deeply", name,
                                    line, inc);
                        return RIC_ESCENARIO;
                    }
                    char *sub = read_text(full);
                    if (!sub) {
                        ric_err_set(err, "%s:%u: @include \"%s\": %s", name, line, inc,
                                    errno == EILSEQ ? "not a text file (it holds a NUL byte)"
                                                    : strerror(errno));
                        return RIC_ESCENARIO;
                    }
                    ric_status rc = check_includes(sub, full, dir, depth + 1, err);
                    free(sub);
                    if (rc != RIC_OK)
                        return rc;
                }
            }
        }
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
    return RIC_OK;
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
    ric_status rc = check_includes(text, path, dir, 1, err);
    free(text);
    if (rc != RIC_OK)
        return rc;
    config_set_include_dir(cfg, dir);
    return config_read_file(cfg, path) ? RIC_OK : syntax_error(cfg, path, dir, err);
}

ric_status ric_cfg_read_string(config_t *cfg, const char *text, const char *name, const char *dir,
                               ric_err *err)
{
    ric_status rc = check_includes(text, name, dir, 1, err);
    if (rc != RIC_OK)
        return rc;
    if (dir)
        config_set_include_dir(cfg, dir);
    return config_read_string(cfg, text) ? RIC_OK : syntax_error(cfg, name, dir, err);
}
