/* Helpers of the study and figure tests (test_calibrate.c, test_sensitivity.c, test_figures.c):
 * temporary folders, files written from strings, shell commands, PNG checks. Header-only. */
#ifndef RICSIM_TEST_STUDY_SUPPORT_H
#define RICSIM_TEST_STUDY_SUPPORT_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h" /* TINY; through fs.h make_tmp_dir, slurp, remove_tree */


/* Writes TEXT to DIR/NAME; the path goes into path (512 bytes). */
static inline void write_text(const char *dir, const char *name, const char *text, char *path)
{
    snprintf(path, 512, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Runs a shell command; its exit status (-1 if it did not exit). */
static inline int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int shell(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    fflush(NULL);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Whether PATH is a non-empty PNG (its signature and at least one chunk beyond the header). */
static inline int is_png(const char *path)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char b[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(b, 1, 8, f);
    fclose(f);
    return n == 8 && memcmp(b, sig, 8) == 0 && file_size(path) > 1000;
}


#endif
