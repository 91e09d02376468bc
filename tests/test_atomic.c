/* The atomic writer: nothing under a final name until a commit, temporary names as the sweep's
 * cleanup and a run folder's readers expect them, a set renamed with its marker last, and every
 * error path with its message. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic.h"
#include "tmpdir.h"

Test(atomic, nothing_is_final_before_the_commit, .init = make_tmp, .fini = cleanup)
{
    ric_atomic a;
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_open(&a, tmp, "t.tsv", 0, &err), RIC_OK, "%s", err.msg);
    char want[128];
    snprintf(want, sizeof want, "%s/t.tsv.tmp.%ld", tmp, (long)getpid());
    cr_assert_str_eq(a.tmp, want);
    fputs("x\t2.385\n", a.f);
    cr_assert_not(exists(in_tmp("t.tsv")));
    cr_assert_eq(ric_atomic_commit(&a, &err), RIC_OK, "%s", err.msg);
    char *text = slurp(in_tmp("t.tsv"));
    cr_assert_str_eq(text, "x\t2.385\n");
    free(text);
    cr_assert_eq(n_entries(tmp), 1);
    ric_atomic_abort(&a); /* after a commit: nothing to remove */
    cr_assert(exists(in_tmp("t.tsv")));
}

Test(atomic, a_hidden_name_starts_with_a_dot, .init = make_tmp, .fini = cleanup)
{
    ric_atomic a;
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_open(&a, tmp, "series.tsv", RIC_ATOMIC_HIDDEN, &err), RIC_OK);
    char want[128];
    snprintf(want, sizeof want, "%s/.series.tsv.tmp.%ld", tmp, (long)getpid());
    cr_assert_str_eq(a.tmp, want);
    ric_atomic_abort(&a);
    cr_assert_eq(n_entries(tmp), 0);
}

Test(atomic, an_abort_leaves_the_old_file, .init = make_tmp, .fini = cleanup)
{
    write_file("t.tsv", "old\n");
    ric_atomic a;
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_open(&a, tmp, "t.tsv", 0, &err), RIC_OK);
    fputs("new\n", a.f);
    ric_atomic_abort(&a);
    char *text = slurp(in_tmp("t.tsv"));
    cr_assert_str_eq(text, "old\n");
    free(text);
    cr_assert_eq(n_entries(tmp), 1);
}

Test(atomic, write_replaces_a_file_whole, .init = make_tmp, .fini = cleanup)
{
    write_file("p.tsv", "a much longer old text\n");
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_write(tmp, "p.tsv", RIC_ATOMIC_NOSYNC, "new\n", 4, &err), RIC_OK);
    char *text = slurp(in_tmp("p.tsv"));
    cr_assert_str_eq(text, "new\n");
    free(text);
}

Test(atomic, a_set_skips_files_not_opened_and_renames_all, .init = make_tmp, .fini = cleanup)
{
    ric_atomic a[3] = {{0}};
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_open(&a[0], tmp, "a.tsv", 0, &err), RIC_OK);
    cr_assert_eq(ric_atomic_open(&a[2], tmp, "mark.tsv", 0, &err), RIC_OK);
    fputs("1\n", a[0].f);
    fputs("2\n", a[2].f);
    cr_assert_eq(ric_atomic_commit_set(a, 3, &err), RIC_OK, "%s", err.msg);
    cr_assert(exists(in_tmp("a.tsv")));
    cr_assert(exists(in_tmp("mark.tsv")));
    cr_assert_eq(n_entries(tmp), 2);
}

Test(atomic, a_failed_set_removes_its_marker_and_temporaries, .init = make_tmp, .fini = cleanup)
{
    write_file("mark.tsv", "old set\n");
    ric_atomic a[2] = {{0}};
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_open(&a[0], tmp, "a.tsv", 0, &err), RIC_OK);
    cr_assert_eq(ric_atomic_open(&a[1], tmp, "mark.tsv", 0, &err), RIC_OK);
    unlink(a[0].tmp); /* the rename of the first file fails */
    cr_assert_eq(ric_atomic_commit_set(a, 2, &err), RIC_EIO);
    cr_assert(strstr(err.msg, "a.tsv: cannot rename into place") != NULL, "%s", err.msg);
    cr_assert_not(exists(in_tmp("mark.tsv")), "an old marker stands beside a failed set");
    cr_assert_eq(n_entries(tmp), 0);
}

Test(atomic, a_full_disk_is_a_write_failure, .init = make_tmp, .fini = cleanup)
{
    ric_atomic a;
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_open(&a, tmp, "t.tsv", 0, &err), RIC_OK);
    fclose(a.f);
    a.f = fopen("/dev/full", "w");
    cr_assert_not_null(a.f);
    fputs("no room\n", a.f);
    cr_assert_eq(ric_atomic_commit(&a, &err), RIC_EIO);
    cr_assert(strstr(err.msg, "t.tsv: write failed") != NULL, "%s", err.msg);
    cr_assert_eq(n_entries(tmp), 0);
}

Test(atomic, an_unwritable_folder_cannot_be_written, .init = make_tmp, .fini = cleanup)
{
    ric_atomic a;
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_open(&a, in_tmp("none"), "t.tsv", 0, &err), RIC_EIO);
    cr_assert(strstr(err.msg, ".tmp.") && strstr(err.msg, "cannot write"), "%s", err.msg);
    cr_assert_null(a.f);
    ric_atomic_abort(&a);
}

Test(atomic, a_name_too_long_names_the_folder, .init = make_tmp, .fini = cleanup)
{
    static char dir[RIC_PATH_MAX + 8];
    memset(dir, 'd', sizeof dir - 1);
    dir[sizeof dir - 1] = '\0';
    ric_atomic a;
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_open(&a, dir, "t.tsv", 0, &err), RIC_EUSAGE);
    cr_assert_null(a.f);
    /* "DIR: folder name too long", cut to the message's size */
    cr_assert_eq(strncmp(err.msg, dir, sizeof err.msg - 1), 0);
}

/* A link planted at the temporary name is never followed: its target keeps its text and the
 * output is a file of its own, not a link (issue 16: ricsim overwrote the target). */
Test(atomic, a_link_at_the_temporary_name_is_not_followed, .init = make_tmp, .fini = cleanup)
{
    write_file("victim", "precious\n");
    char target[256], link[256];
    snprintf(target, sizeof target, "%s", in_tmp("victim"));
    snprintf(link, sizeof link, "%s/t.tsv.tmp.%ld", tmp, (long)getpid());
    cr_assert_eq(symlink(target, link), 0);
    snprintf(link, sizeof link, "%s/.s.tsv.tmp.%ld", tmp, (long)getpid());
    cr_assert_eq(symlink(target, link), 0);
    ric_err err = {{0}};
    cr_assert_eq(ric_atomic_write(tmp, "t.tsv", 0, "new\n", 4, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(ric_atomic_write(tmp, "s.tsv", RIC_ATOMIC_HIDDEN, "new\n", 4, &err), RIC_OK, "%s",
                 err.msg);
    char *text = slurp(target);
    cr_assert_str_eq(text, "precious\n");
    free(text);
    const char *outs[] = {"t.tsv", "s.tsv"};
    for (int i = 0; i < 2; i++) {
        struct stat st;
        cr_assert_eq(lstat(in_tmp(outs[i]), &st), 0);
        cr_assert(S_ISREG(st.st_mode), "%s is not a regular file", outs[i]);
        text = slurp(in_tmp(outs[i]));
        cr_assert_str_eq(text, "new\n");
        free(text);
    }
    cr_assert_eq(n_entries(tmp), 3, "the planted links are gone, nothing else is left");
}
