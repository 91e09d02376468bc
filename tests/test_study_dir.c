/* Studies run like sweeps (studies/study_dir.c and the study commands): a sensitivity analysis or
 * calibration interrupted (the RICSIM_TEST_STOP_AFTER hook, or SIGKILL) and resumed writes the
 * bytes of an uninterrupted one; a sensitivity analysis sharded in two and merged writes them too,
 * and so does one on MPI ranks; the writer's lock refuses a second writer and is gone after a
 * clean finish; merge refuses shards of another study or with a missing point, and
 * --remove-shards keeps foreign files. */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/lock.h"
#include "studies/study_dir.h"
#include "tmpdir.h"

#define TINY RIC_SOURCE_DIR "/tests/golden/tiny.cfg"

/* Morris and Sobol over two parameters of the tiny scenario: 18 + 32 = 50 design points. */
static const char sa_cfg[] =
    "sensitivity = {\n"
    "  scenario = \"" TINY "\";\n"
    "  parameters = (\n"
    "    { key = \"rules.exit.base_rate\"; name = \"exit\"; min = 0.05; max = 0.5; },\n"
    "    { key = \"rules.jobs.small_premium\"; name = \"premium\"; min = 0.0; max = 1.0; }\n"
    "  );\n"
    "  indicators = [\"smes\", \"employees_smes\"];\n"
    "  years = [2004.0];\n"
    "  replications = 2;\n"
    "  bootstrap = 50;\n"
    "  morris = { trajectories = 6; };\n"
    "  sobol = { samples = 8; };\n"
    "};\n";

static const char cal_cfg[] =
    "calibration = {\n"
    "  scenario = \"" TINY "\";\n"
    "  targets = \"t.tsv\";\n"
    "  parameters = ( { key = \"rules.exit.base_rate\"; name = \"exit\"; min = 0.02; max = "
    "0.6; } );\n"
    "  replications = 2;\n"
    "  max_evaluations = 12;\n"
    "};\n";

static const char targets[] = "year\tcolumn\tobserved\tweight\tnote\n"
                              "2004\tsmes\t160\t1\tmade up\n"
                              "2005\temployees_smes\t1500\t1\tmade up\n";

/* the outputs of a sensitivity analysis and of a calibration (provenance.txt, progress.json and
 * the figures aside, which hold times and command lines) */
static const char *const sa_files[] = {"study.tsv", "morris.tsv", "sobol.tsv", "points.tsv", NULL};
static const char *const cal_files[] = {"study.tsv", "fit.tsv", "history.tsv", "fitted.tsv", NULL};

/* Runs "ENV ricsim ARGS" through the shell (ENV: variable assignments, or ""), stdout and stderr
 * into tmp/out.txt and tmp/err.txt; its exit status (-1 when killed). */
static int ricsim(const char *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ricsim(const char *env, const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    /* RICSIM_ANALYSIS_DIR unset figures are not the point here: gnuplot may be missing */
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' %s > out.txt 2> err.txt", tmp, env, RIC_BINARY,
             args);
    fflush(NULL);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *err_text(void)
{
    return slurp(in_tmp("err.txt"));
}

/* The files FILES of tmp/A and tmp/B are the same bytes. */
static void same_files(const char *a, const char *b, const char *const *files)
{
    for (size_t i = 0; files[i]; i++) {
        char pa[300], pb[300];
        snprintf(pa, sizeof pa, "%s/%s/%s", tmp, a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s/%s", tmp, b, files[i]);
        char *ta = slurp(pa), *tb = slurp(pb);
        cr_assert_not_null(ta, "no %s", pa);
        cr_assert_not_null(tb, "no %s", pb);
        cr_assert_str_eq(ta, tb, "%s differs between %s and %s", files[i], a, b);
        free(ta);
        free(tb);
    }
}

static void sa_reference(void)
{
    write_file("sa.cfg", sa_cfg);
    cr_assert_eq(ricsim("", "sensitivity sa.cfg --out full --jobs 2"), 0, "%s", err_text());
    cr_assert_not(exists(in_tmp("full/.lock")), "a .lock was left after a clean finish");
    cr_assert_not(exists(in_tmp("full/.runs")), "the unit files were left");
}

Test(study_dir, an_interrupted_sensitivity_analysis_resumes_to_the_same_bytes, .init = make_tmp,
     .fini = cleanup)
{
    sa_reference();
    /* stops after the first chunk of 16 design points (32 runs), as SIGTERM would */
    int rc = ricsim("RICSIM_TEST_STOP_AFTER=32", "sensitivity sa.cfg --out part --jobs 2");
    char *e = err_text();
    cr_assert_eq(rc, 1, "%s", e);
    cr_assert(strstr(e, "part: interrupted after 16 of 50 design points; --resume continues"), "%s",
              e);
    free(e);
    cr_assert_eq(n_entries(in_tmp("part/.runs")), 16);
    cr_assert_not(exists(in_tmp("part/points.tsv")));
    cr_assert_not(exists(in_tmp("part/.lock")));
    /* without --resume the folder is refused */
    cr_assert_eq(ricsim("", "sensitivity sa.cfg --out part"), 2);
    e = err_text();
    cr_assert(strstr(e, "part: already holds results (study.tsv); use --resume to continue the "
                        "study or --force to replace them"),
              "%s", e);
    free(e);
    cr_assert_eq(ricsim("", "sensitivity sa.cfg --out part --jobs 1 --resume"), 0, "%s",
                 err_text());
    char *out = slurp(in_tmp("out.txt"));
    cr_assert(strstr(out, "(16 kept from before)"), "%s", out);
    free(out);
    same_files("full", "part", sa_files);
    /* resumed once more: nothing to do, nothing changed */
    cr_assert_eq(ricsim("", "sensitivity sa.cfg --out part --resume"), 0, "%s", err_text());
    out = slurp(in_tmp("out.txt"));
    cr_assert(strstr(out, "all 50 design points were already complete"), "%s", out);
    free(out);
    same_files("full", "part", sa_files);
}

Test(study_dir, a_killed_sensitivity_analysis_resumes_to_the_same_bytes, .init = make_tmp,
     .fini = cleanup)
{
    sa_reference();
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && exec '%s' sensitivity sa.cfg --out killed --jobs 1 "
             "> /dev/null 2>&1",
             tmp, RIC_BINARY);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    /* SIGKILL once a few design points are saved (or at the end, when it is that fast) */
    struct timespec nap = {0, 2000000};
    for (int i = 0; i < 5000 && n_entries(in_tmp("killed/.runs")) < 3; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            pid = 0;
            break;
        }
        nanosleep(&nap, NULL);
    }
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    cr_assert_eq(ricsim("", "sensitivity sa.cfg --out killed --resume"), 0, "%s", err_text());
    same_files("full", "killed", sa_files);
    cr_assert_not(exists(in_tmp("killed/.lock")));
}

Test(study_dir, a_sensitivity_analysis_in_two_shards_merges_to_the_same_bytes, .init = make_tmp,
     .fini = cleanup)
{
    sa_reference();
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(ricsim("", "sensitivity sa.cfg --out sh --shard %d/2", i), 0, "%s",
                     err_text());
        char sd[64];
        snprintf(sd, sizeof sd, "sh/shard-%d-of-2/.runs", i);
        cr_assert_eq(n_entries(in_tmp(sd)), 25, "25 design points in each shard");
    }
    write_file("sh/shard-1-of-2/notes.txt", "mine\n");
    cr_assert_eq(ricsim("", "merge sh --remove-shards"), 0, "%s", err_text());
    char *out = slurp(in_tmp("out.txt"));
    cr_assert(strstr(out, "sh: merged 2 shards of the sensitivity analysis sa.cfg"), "%s", out);
    free(out);
    same_files("full", "sh", sa_files);
    cr_assert_not(exists(in_tmp("sh/shard-0-of-2")), "an emptied shard folder stays");
    cr_assert_eq(n_entries(in_tmp("sh/shard-1-of-2")), 1, "only the foreign file stays");
    cr_assert(exists(in_tmp("sh/shard-1-of-2/notes.txt")));
    cr_assert_not(exists(in_tmp("sh/.lock")));
}

Test(study_dir, merge_refuses_another_study_and_a_missing_point, .init = make_tmp, .fini = cleanup)
{
    write_file("sa.cfg", sa_cfg);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(ricsim("", "sensitivity sa.cfg --out sh --shard %d/2", i), 0, "%s",
                     err_text());
    unlink(in_tmp("sh/shard-1-of-2/.runs/30.point"));
    cr_assert_eq(ricsim("", "merge sh"), 2);
    char want[512], *e = err_text();
    snprintf(want, sizeof want,
             "ricsim: merge: sh/shard-1-of-2: design point 30 is missing or torn; run the shard "
             "again with --shard 1/2 --resume");
    cr_assert(strstr(e, want), "%s", e);
    free(e);
    cr_assert_not(exists(in_tmp("sh/points.tsv")), "a failed merge wrote results");
    cr_assert_eq(ricsim("", "sensitivity sa.cfg --out sh --shard 1/2 --resume"), 0, "%s",
                 err_text());
    /* a study changed after the shards ran: another seed */
    char text[sizeof sa_cfg + 32];
    snprintf(text, sizeof text, "%s", sa_cfg);
    char *at = strstr(text, "  replications = 2;");
    memcpy(at, "  seed = 9;        ", strlen("  replications = 2;"));
    write_file("sa.cfg", text);
    cr_assert_eq(ricsim("", "merge sh"), 2);
    e = err_text();
    cr_assert(strstr(e, "sh/shard-0-of-2/study.tsv: the shard ran a different study than sa.cfg"),
              "%s", e);
    free(e);
}

Test(study_dir, a_sensitivity_analysis_on_mpi_ranks_writes_the_same_bytes, .init = make_tmp,
     .fini = cleanup)
{
#ifndef RIC_MPIEXEC
    cr_skip_test("built without MPI");
#else
    sa_reference();
    char env[512];
    snprintf(env, sizeof env,
             "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 '%s' -n 3 "
             "--oversubscribe -x ASAN_OPTIONS=detect_leaks=0",
             RIC_MPIEXEC);
    cr_assert_eq(ricsim(env, "sensitivity sa.cfg --out mpi"), 0, "%s", err_text());
    char *e = err_text();
    cr_assert(strstr(e, "on 2 MPI worker ranks"), "rank 0 handed the runs out: %s", e);
    free(e);
    same_files("full", "mpi", sa_files);
#endif
}

Test(study_dir, an_interrupted_calibration_resumes_to_the_same_bytes, .init = make_tmp,
     .fini = cleanup)
{
    write_file("t.tsv", targets);
    write_file("cal.cfg", cal_cfg);
    cr_assert_eq(ricsim("", "calibrate cal.cfg --out full"), 0, "%s", err_text());
    cr_assert_eq(ricsim("RICSIM_TEST_STOP_AFTER=5", "calibrate cal.cfg --out part"), 1);
    char *e = err_text();
    cr_assert(strstr(e, "part: interrupted after 6 evaluations; --resume continues"), "%s", e);
    free(e);
    cr_assert_eq(n_entries(in_tmp("part/.runs")), 6);
    cr_assert_eq(ricsim("", "calibrate cal.cfg --out part --resume --jobs 2"), 0, "%s", err_text());
    char *out = slurp(in_tmp("out.txt"));
    cr_assert(strstr(out, " evaluations (6 kept from before)"), "%s", out);
    free(out);
    same_files("full", "part", cal_files);
    cr_assert_not(exists(in_tmp("part/.runs")));
    cr_assert_not(exists(in_tmp("part/.lock")));
    /* a calibration cannot be sharded */
    cr_assert_eq(ricsim("", "calibrate cal.cfg --out s --shard 0/2"), 2);
    e = err_text();
    cr_assert(strstr(e, "calibrate takes no --shard: each Nelder-Mead step depends on the one "
                        "before"),
              "%s", e);
    free(e);
}

Test(study_dir, a_second_writer_is_refused_by_every_command, .init = make_tmp, .fini = cleanup)
{
    write_file("sa.cfg", sa_cfg);
    write_file("t.tsv", targets);
    write_file("cal.cfg", cal_cfg);
    write_file("tiny.cfg", TINY_CFG_TEXT);
    write_file("exp.cfg", "@include \"tiny.cfg\"\nexperiment = { replications = 2; };\n");
    mkdir(in_tmp("busy"), 0777);
    ric_err err = {{0}};
    int fd = ric_lock_take(in_tmp("busy"), "test", &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    const char *cmds[] = {"run tiny.cfg --out busy",
                          "sweep exp.cfg --out busy",
                          "sensitivity sa.cfg --out busy",
                          "calibrate cal.cfg --out busy",
                          "merge busy",
                          "export busy",
                          "compare tiny.cfg tiny.cfg --reps 2 --out busy"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        cr_assert_eq(ricsim("", "%s", cmds[i]), 2, "%s: %s", cmds[i], err_text());
        char *e = err_text();
        cr_assert(strstr(e, "/busy: another ") || strstr(e, "busy: another "), "%s: %s", cmds[i],
                  e);
        cr_assert(strstr(e, " is writing into this folder"), "%s: %s", cmds[i], e);
        free(e);
    }
    cr_assert(exists(in_tmp("busy/.lock")), "a refused writer removed the holder's lock");
    ric_lock_release(fd, in_tmp("busy"));
    cr_assert_not(exists(in_tmp("busy/.lock")));
    cr_assert_eq(ricsim("", "run tiny.cfg --out busy"), 0, "%s", err_text());
    cr_assert_not(exists(in_tmp("busy/.lock")));
}

Test(study_dir, unit_files_load_only_whole_and_for_their_head, .init = make_tmp, .fini = cleanup)
{
    ric_study_dir d;
    ric_study_dir_opts o = {0};
    ric_err err = {{0}};
    const char *results[] = {"a.tsv", NULL};
    cr_assert_eq(ric_study_dir_open(&d, in_tmp("s"), &o, "test", "plan\n", results, "u", &err),
                 RIC_OK, "%s", err.msg);
    double y[6] = {1.25, -2.5e-300, 3, 0.1, NAN, 1e308}, z[9]; /* room for the 3 x 3 below */
    cr_assert_eq(ric_study_dir_save(&d, 7, "point 7", y, 2, 3, &err), RIC_OK, "%s", err.msg);
    cr_assert(ric_study_dir_load(d.runs, "u", 7, "point 7", z, 2, 3));
    for (int i = 0; i < 6; i++)
        cr_assert(z[i] == y[i] || (isnan(z[i]) && isnan(y[i])), "value %d: %g", i, z[i]);
    cr_assert_not(ric_study_dir_load(d.runs, "u", 7, "point 8", z, 2, 3), "another head");
    cr_assert_not(ric_study_dir_load(d.runs, "u", 8, "point 8", z, 2, 3), "no such unit");
    cr_assert_not(ric_study_dir_load(d.runs, "u", 7, "point 7", z, 3, 3), "another shape");
    /* a torn file (no "end") is not a unit */
    char *text = slurp(in_tmp("s/.runs/7.u"));
    text[strlen(text) - 4] = '\0';
    write_file("s/.runs/7.u", text);
    free(text);
    cr_assert_not(ric_study_dir_load(d.runs, "u", 7, "point 7", z, 2, 3));
    ric_study_dir_close(&d, 1);
    cr_assert_not(exists(in_tmp("s/.runs")));
    cr_assert_not(exists(in_tmp("s/.lock")));
    cr_assert(exists(in_tmp("s/study.tsv")));
}
