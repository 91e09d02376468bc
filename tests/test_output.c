/* Atomic outputs: files appear under their final names only when a run completes; a write error
 * (a full disk, simulated with a file-size limit) fails the run and leaves nothing behind. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ricsim/sim.h"
#include "run/output.h"
#include "tmpdir.h" /* n_entries; through fs.h make_tmp_dir, slurp, remove_tree */

Test(output, nothing_is_visible_before_commit)
{
    char dir[64];
    make_tmp_dir(dir);
    ric_output *o = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_output_open(dir, 0, &o, &err), RIC_OK, "%s", err.msg);
    const char *names[] = {"year", "x"};
    double row[] = {2000.5, 2.385};
    ric_output_meta(o, "seed", "%d", 7);
    ric_output_header(o, names, 2);
    ric_output_row(o, row, 2);
    char p[300];
    snprintf(p, sizeof p, "%s/series.tsv", dir);
    cr_assert(access(p, F_OK) != 0);
    cr_assert_eq(ric_output_commit(o, &err), RIC_OK, "%s", err.msg);
    char *text = slurp(p);
    cr_assert_str_eq(text, "# seed=7\nyear\tx\n2000.5000\t2.385\n");
    free(text);
    cr_assert_eq(n_entries(dir), 5, "series, regions, genealogy, evaluation and scenario only");
    /* a second run into the same folder is refused without force */
    cr_assert_eq(ric_output_open(dir, 0, &o, &err), RIC_EUSAGE);
    cr_assert(strstr(err.msg, "use --force") != NULL, "%s", err.msg);
    cr_assert_eq(ric_output_open(dir, 1, &o, &err), RIC_OK);
    ric_output_abort(o);
    cr_assert_eq(n_entries(dir), 5, "abort removes its temporary files");
    remove_tree(dir);
}

Test(output, nan_is_written_for_gnuplot)
{
    char dir[64];
    make_tmp_dir(dir);
    ric_output *o = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_output_open(dir, 0, &o, &err), RIC_OK);
    const char *names[] = {"year", "cost"};
    double row[] = {2001.0, NAN};
    ric_output_header(o, names, 2);
    ric_output_row(o, row, 2);
    cr_assert_eq(ric_output_commit(o, &err), RIC_OK);
    char p[300];
    snprintf(p, sizeof p, "%s/series.tsv", dir);
    char *text = slurp(p);
    cr_assert_str_eq(text, "year\tcost\n2001.0000\tNaN\n");
    free(text);
    remove_tree(dir);
}

Test(output, a_full_disk_fails_the_run_and_leaves_nothing)
{
    /* writes beyond 64 KiB fail with EFBIG, as on a full disk */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {65536, 65536};
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load(RIC_SOURCE_DIR "/scenarios/daedeok.cfg", NULL, 0, &sc, &err),
                 RIC_OK, "%s", err.msg);
    char dir[64];
    make_tmp_dir(dir);
    cr_assert_eq(ric_run(sc, dir, 0, &err), RIC_EIO);
    cr_assert(strstr(err.msg, "write failed") != NULL, "%s", err.msg);
    cr_assert_eq(n_entries(dir), 0, "a failed run left files in %s", dir);
    rmdir(dir);
    ric_scenario_free(sc);
}

Test(output, an_unwritable_folder_is_an_error)
{
    ric_output *o = NULL;
    ric_err err = {{0}};
    ric_status st = ric_output_open("/proc/ricsim_cannot_be_here", 0, &o, &err);
    cr_assert(st == RIC_EIO, "status %d", st);
    cr_assert(strstr(err.msg, "/proc/ricsim_cannot_be_here") != NULL, "%s", err.msg);
}
