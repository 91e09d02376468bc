/* A fresh temporary folder per test (make_tmp as .init, cleanup as .fini) and small file helpers,
 * shared by the tests that run the ricsim binary or write files (test_cli.c, test_experiment.c).
 * Header-only and static: each test file gets its own copy of tmp. */
#ifndef RICSIM_TEST_TMPDIR_H
#define RICSIM_TEST_TMPDIR_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h" /* make_tmp_dir, slurp, remove_tree */

/* Three simulated years, yearly rows: one region, one university, a cohort of 40 firms. No
 * 'rules' group: the defaults apply. The scenario both files write and run. */
#define TINY_CFG_TEXT                                                                              \
    "name = \"tiny\";\n"                                                                           \
    "seed = 11L;\n"                                                                                \
    "time = { start = 2000.0; end = 2003.0; steps_per_year = 12; output_every = 12; };\n"          \
    "regions = { dst = { labour_pool = 500.0; pool_inflow_per_year = 120.0; startup_rate = 3.5; "  \
    "}; };\n"                                                                                      \
    "organisations = { kaist = { kind = \"university\"; region = \"dst\"; staff = 400.0;\n"        \
    "                            knowledge = 1.3; tto_per_year = 2.0; graduates_per_year = "       \
    "150.0; "                                                                                      \
    "}; };\n"                                                                                      \
    "firms = { locals = { region = \"dst\"; count = 40; employees = 12.5; }; };\n"

/* the test's folder, removed with all its contents by cleanup() */
__attribute__((unused)) static char tmp[64];

static inline void make_tmp(void)
{
    gsl_set_error_handler_off();
    make_tmp_dir(tmp);
}

static inline void cleanup(void)
{
    if (tmp[0])
        remove_tree(tmp);
}

/* tmp/NAME in a rotating set of static buffers: enough for the paths one call needs; a test that
 * keeps a path across many calls copies it. */
static inline const char *in_tmp(const char *name)
{
    static char bufs[32][256];
    static unsigned k;
    char *b = bufs[k++ % 32];
    snprintf(b, sizeof bufs[0], "%s/%s", tmp, name);
    return b;
}

static inline const char *write_file(const char *name, const char *text)
{
    const char *path = in_tmp(name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    return path;
}

static inline int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Number of entries in a folder other than . and .., or -1 if it does not exist. */
static inline int n_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

#endif
