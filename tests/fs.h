/* The tests' file helpers, once: a fresh temporary folder, reading a file whole, removing a
 * folder tree. support.h, tmpdir.h and study_support.h include it; header-only (static). */
#ifndef RICSIM_TEST_FS_H
#define RICSIM_TEST_FS_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh folder under /tmp; its name goes into dir (at least 64 bytes). */
static inline void make_tmp_dir(char *dir)
{
    strcpy(dir, "/tmp/ricsim_test_XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp failed");
}

/* The whole of the file at PATH, NUL-terminated; the caller frees it. A file that cannot be
 * opened fails the test. */
static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static inline void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char child[1024];
                if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= (int)sizeof child)
                    continue;
                remove_tree(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

#endif
