/* Figures: every analysis/ gnuplot script run on a small run made with the built ricsim (the tiny
 * scenario, and a small calibration and sensitivity study of it through the ricsim command), each
 * checked for a non-empty PNG; analysis/figures.sh for PNG and SVG of everything; the usage errors
 * of ricsim calibrate and ricsim sensitivity. */
#include <criterion/criterion.h>

#include "study_support.h"

#define GP(script) RIC_SOURCE_DIR "/analysis/" script

static char tmp[64];

/* The command's output went to a log, out of CTest's sight: look for sanitizer reports there. */
static void assert_clean_log(const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmp, name);
    char *text = slurp(p);
    cr_assert_null(strstr(text, "Sanitizer"), "%s: %s", name, text);
    cr_assert_null(strstr(text, "runtime error:"), "%s: %s", name, text);
    free(text);
}

static void setup(void)
{
    make_tmp_dir(tmp);
    cr_assert_eq(
        shell("'%s' run '%s' --out '%s/run' > '%s/run.log' 2>&1", RIC_BINARY, TINY, tmp, tmp), 0,
        "ricsim run failed");
    assert_clean_log("run.log");
}

static void teardown(void)
{
    remove_tree(tmp);
}

/* Runs SCRIPT on DIR with -e settings EXTRA into OUT; asserts a non-empty PNG. */
static void check_script(const char *script, const char *dir, const char *extra, const char *name)
{
    char out[256];
    snprintf(out, sizeof out, "%s/%s", tmp, name);
    int rc = shell("cd '%s' && gnuplot -e \"dir='%s'\" -e \"out='%s'\" %s '%s' > '%s/gp.log' 2>&1",
                   tmp, dir, out, extra, script, tmp);
    cr_assert_eq(rc, 0, "%s failed (see %s/gp.log)", script, tmp);
    cr_assert(is_png(out), "%s wrote no PNG %s (%ld bytes)", script, out, file_size(out));
}

Test(figures, run_scripts_draw_pngs, .init = setup, .fini = teardown)
{
    char run[128];
    snprintf(run, sizeof run, "%s/run", tmp);
    check_script(GP("plot_series.gp"), run, "", "series.png");
    check_script(GP("plot_series.gp"), run, "-e \"cols='smes employees_smes spinoffs_cum'\"",
                 "cols.png");
    check_script(GP("overlay_history.gp"), run,
                 "-e \"hist='" RIC_SOURCE_DIR "/data/daedeok_history_wide.tsv'\"", "history.png");
    check_script(GP("money.gp"), run, "", "money.png");
    check_script(GP("participants.gp"), run, "", "participants.png");
    check_script(GP("evaluation.gp"), run, "", "evaluation.png");
    check_script(GP("evaluation.gp"), run, "-e \"ind='capability'\" -e \"prog='grant'\"",
                 "evaluation_grant.png");
    check_script(GP("genealogy.gp"), run, "", "genealogy.png");
    check_script(GP("genealogy.gp"), run, "-e \"regions='all'\"", "genealogy_all.png");
    check_script(GP("regions.gp"), run, "", "regions.png");
    check_script(GP("regions.gp"), run, "-e \"ind='spinoffs_cum'\"", "regions_spinoffs.png");
}

Test(figures, scripts_fail_on_a_folder_without_data, .init = setup, .fini = teardown)
{
    const char *scripts[] = {GP("plot_series.gp"), GP("money.gp"),       GP("participants.gp"),
                             GP("genealogy.gp"),   GP("calibration.gp"), GP("sensitivity.gp"),
                             GP("evaluation.gp")};
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
        cr_assert_neq(
            shell("gnuplot -e \"dir='%s/nothing'\" '%s' > /dev/null 2>&1", tmp, scripts[i]), 0,
            "%s accepted a missing folder", scripts[i]);
    cr_assert_eq(shell("'%s' '%s/nothing' > /dev/null 2>&1", GP("figures.sh"), tmp), 2);
}

Test(figures, figures_sh_makes_png_and_svg_of_a_run, .init = setup, .fini = teardown)
{
    cr_assert_eq(shell("'%s' '%s/run' > '%s/fig.log' 2>&1", GP("figures.sh"), tmp, tmp), 0,
                 "figures.sh failed (see %s/fig.log)", tmp);
    const char *figs[] = {"series",    "money",   "participants",
                          "genealogy", "regions", "evaluation_employees"};
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/run/%s.png", tmp, figs[i]);
        cr_assert(is_png(p), "no %s", p);
        snprintf(p, sizeof p, "%s/run/%s.svg", tmp, figs[i]);
        cr_assert_gt(file_size(p), 1000, "no %s", p);
        char *svg = slurp(p);
        cr_assert(strstr(svg, "<svg"), "%s is not SVG", p);
        free(svg);
    }
    char p[256];
    snprintf(p, sizeof p, "%s/run/genealogy.dot", tmp);
    char *dot = slurp(p);
    cr_assert(strncmp(dot, "digraph genealogy {", 19) == 0);
    cr_assert(strstr(dot, " -> f"));
    free(dot);
    /* the tiny run's focus is 'town', not dst: no overlay on the Daedeok table */
    snprintf(p, sizeof p, "%s/run/history.png", tmp);
    cr_assert_eq(file_size(p), -1);
}

/* gnuplot -c evaluation.gp DIR OUTCOME, the folder an argument (a name with a space here), the
 * figure beside the data; a programme that enrolled no firm is refused by name. */
Test(figures, evaluation_gp_takes_the_folder_as_an_argument, .init = setup, .fini = teardown)
{
    cr_assert_eq(shell("cp -r '%s/run' '%s/a run'", tmp, tmp), 0);
    cr_assert_eq(shell("gnuplot -c '%s' '%s/a run' survival > '%s/gp.log' 2>&1",
                       GP("evaluation.gp"), tmp, tmp),
                 0, "evaluation.gp -c failed (see %s/gp.log)", tmp);
    char p[256];
    snprintf(p, sizeof p, "%s/a run/evaluation_survival.png", tmp);
    cr_assert(is_png(p), "no %s", p);
    cr_assert_neq(shell("gnuplot -e \"dir='%s/run'\" -e \"prog='nothing'\" '%s' > '%s/gp.log' "
                        "2>&1",
                        tmp, GP("evaluation.gp"), tmp),
                  0, "a programme without participants was drawn");
    snprintf(p, sizeof p, "%s/gp.log", tmp);
    char *log = slurp(p);
    cr_assert(strstr(log, "no programme with participant firms") != NULL, "%s", log);
    free(log);
}

static const char cal_cfg[] =
    "calibration = {\n"
    "  scenario = \"" TINY "\";\n"
    "  targets = \"t.tsv\";\n"
    "  parameters = ( { key = \"rules.exit.base_rate\"; name = \"exit\"; min = 0.02; max = 0.6; } "
    ");\n"
    "  replications = 2;\n"
    "  max_evaluations = 8;\n"
    "};\n";
static const char cal_targets[] = "year\tcolumn\tobserved\tweight\tnote\n"
                                  "2004\tsmes\t160\t1\tmade up\n"
                                  "2005\temployees_smes\t1500\t1\tmade up\n"
                                  "2004\tresearch_institutes\t2\t0\tscheduled\n";

static const char sa_cfg[] =
    "sensitivity = {\n"
    "  scenario = \"" TINY "\";\n"
    "  parameters = (\n"
    "    { key = \"rules.exit.base_rate\"; name = \"exit\"; min = 0.05; max = 0.5; },\n"
    "    { key = \"rules.jobs.small_premium\"; name = \"premium\"; min = 0.0; max = 1.0; }\n"
    "  );\n"
    "  indicators = [\"smes\", \"employees_smes\"];\n"
    "  years = [2005.0];\n"
    "  replications = 1;\n"
    "  bootstrap = 20;\n"
    "  morris = { trajectories = 3; };\n"
    "  sobol = { samples = 4; };\n"
    "};\n";

Test(figures, calibrate_and_sensitivity_draw_their_figures, .init = setup, .fini = teardown)
{
    char p[512];
    write_text(tmp, "t.tsv", cal_targets, p);
    write_text(tmp, "cal.cfg", cal_cfg, p);
    cr_assert_eq(shell("'%s' calibrate '%s/cal.cfg' --out '%s/cal' --workers 2 > '%s/cal.log' "
                       "2>&1",
                       RIC_BINARY, tmp, tmp, tmp),
                 0, "ricsim calibrate failed (see %s/cal.log)", tmp);
    snprintf(p, sizeof p, "%s/cal/calibration.png", tmp); /* drawn by the command */
    cr_assert(is_png(p), "no %s", p);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/cal", tmp);
    check_script(GP("calibration.gp"), dir, "", "calibration.png");
    assert_clean_log("cal.log");
    char *log = slurp(strcat(strcpy(p, tmp), "/cal.log"));
    cr_assert(strstr(log, "loss "), "%s", log);
    cr_assert(strstr(log, "  exit = "), "%s", log);
    free(log);
    /* without --force the folder is left alone */
    cr_assert_eq(shell("'%s' calibrate '%s/cal.cfg' --out '%s/cal' > '%s/cal2.log' 2>&1",
                       RIC_BINARY, tmp, tmp, tmp),
                 2);
    log = slurp(strcat(strcpy(p, tmp), "/cal2.log"));
    cr_assert(strstr(log, "already holds results (fit.tsv); use --resume to continue the study or "
                          "--force to replace them"),
              "%s", log);
    free(log);

    write_text(tmp, "sa.cfg", sa_cfg, p);
    cr_assert_eq(shell("'%s' sensitivity '%s/sa.cfg' --out '%s/sa' > '%s/sa.log' 2>&1", RIC_BINARY,
                       tmp, tmp, tmp),
                 0, "ricsim sensitivity failed (see %s/sa.log)", tmp);
    assert_clean_log("sa.log");
    const char *figs[] = {"morris.png", "sobol.png"};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/sa/%s", tmp, figs[i]);
        cr_assert(is_png(p), "no %s", p);
        unlink(p);
    }
    /* figures.sh draws both folders again, in both formats */
    cr_assert_eq(shell("'%s' '%s/sa' > /dev/null 2>&1 && '%s' '%s/cal' > /dev/null 2>&1",
                       GP("figures.sh"), tmp, GP("figures.sh"), tmp),
                 0);
    const char *again[] = {"sa/morris.png", "sa/sobol.svg", "cal/calibration.svg"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, again[i]);
        cr_assert_gt(file_size(p), 1000, "no %s", p);
    }
}

static void usage_error(const char *args, const char *msg)
{
    char log[256];
    snprintf(log, sizeof log, "%s/usage.log", tmp);
    cr_assert_eq(shell("cd '%s' && '%s' %s > '%s' 2>&1", tmp, RIC_BINARY, args, log), 2,
                 "ricsim %s did not exit with 2", args);
    char *text = slurp(log);
    cr_assert(strstr(text, msg), "ricsim %s: '%s' lacks '%s'", args, text, msg);
    free(text);
}

Test(figures, study_commands_reject_bad_usage, .init = setup, .fini = teardown)
{
    usage_error("calibrate", "ricsim: calibrate: missing CAL.cfg");
    usage_error("sensitivity x.cfg", "ricsim: sensitivity: missing --out DIR");
    usage_error("calibrate x.cfg --out o --workers 0",
                "ricsim: --workers must be a whole number from 1 to 64 (got '0')");
    usage_error("calibrate x.cfg --out o --seed 3", "ricsim: unknown option '--seed'");
    usage_error("sensitivity a.cfg b.cfg --out o", "ricsim: unexpected argument 'b.cfg'");
    usage_error("calibrate nowhere.cfg --out o",
                "ricsim: calibrate: nowhere.cfg: cannot open: No such file or directory");
    char log[256];
    snprintf(log, sizeof log, "%s/help.log", tmp);
    cr_assert_eq(shell("'%s' --help > '%s' 2>&1", RIC_BINARY, log), 0);
    char *text = slurp(log);
    cr_assert(strstr(text, "ricsim calibrate CAL.cfg --out DIR [--jobs N] [--resume | --force]"));
    cr_assert(strstr(text, "ricsim sensitivity SA.cfg --out DIR [--jobs N] [--shard I/N] "
                           "[--resume | --force]"));
    free(text);
}

/* The experiment figures: replication bands of a small sweep and the paired difference of a
 * small comparison, each made with the ricsim command from the tiny scenario. */
Test(figures, sweep_and_compare_scripts_draw_pngs, .init = setup, .fini = teardown)
{
    char base[512], exp[512], b[512]; /* write_text writes up to 512 bytes */
    snprintf(base, sizeof base, "%s/base.cfg", tmp);
    char *tiny = slurp(TINY);
    write_text(tmp, "base.cfg", tiny, base);
    free(tiny);
    write_text(tmp, "exp.cfg",
               "@include \"base.cfg\"\n"
               "experiment = { seed = 5L; replications = 3; parameters = (\n"
               "  { key = \"regions.town.startup_rate\"; values = [2.0, 6.0]; } ); };\n",
               exp);
    write_text(tmp, "b.cfg",
               "@include \"base.cfg\"\n"
               "variant = { name = \"tiny_b\"; set = [\"regions.town.startup_rate=8.0\"]; };\n",
               b);
    cr_assert_eq(shell("'%s' sweep '%s' --out '%s/sweep' --jobs 2 > '%s/sweep.log' 2>&1",
                       RIC_BINARY, exp, tmp, tmp),
                 0, "sweep failed (see %s/sweep.log)", tmp);
    assert_clean_log("sweep.log");
    cr_assert_eq(shell("'%s' compare '%s' '%s' --reps 3 --out '%s/cmp' > '%s/cmp.log' 2>&1",
                       RIC_BINARY, base, b, tmp, tmp),
                 0, "compare failed (see %s/cmp.log)", tmp);
    assert_clean_log("cmp.log");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/sweep", tmp);
    check_script(GP("plot_bands.gp"), dir, "-e \"ind='smes'\"", "bands.png");
    /* regions.gp on a folder of replications (its stats.tsv), with an indicator it holds */
    check_script(GP("regions.gp"), dir, "-e \"inds='smes spinoffs_cum'\"", "regions_sweep.png");
    /* the dose-response figure, labelled by the parameter's column name in dose.tsv */
    check_script(GP("dose_response.gp"), dir,
                 "-e \"param='regions_town_startup_rate'\" -e \"ind='smes'\"", "dose.png");
    cr_assert_neq(shell("gnuplot -e \"dir='%s'\" -e \"param='nope'\" -e \"ind='smes'\" '%s' "
                        "> /dev/null 2>&1",
                        dir, GP("dose_response.gp")),
                  0, "dose_response.gp drew a parameter the sweep does not have");
    snprintf(dir, sizeof dir, "%s/cmp", tmp);
    check_script(GP("plot_diff.gp"), dir, "", "diff.png");
    /* regions.gp on a comparison: its indicators, and a panel per region (regions_stats.tsv) */
    check_script(GP("regions.gp"), dir, "-e \"inds='smes'\"", "regions_cmp.png");
    /* and as SVG */
    cr_assert_eq(shell("gnuplot -e \"dir='%s'\" -e \"fmt='svg'\" -e \"out='%s/diff.svg'\" '%s' "
                       "> /dev/null 2>&1",
                       dir, tmp, GP("plot_diff.gp")),
                 0);
    char svg[300];
    snprintf(svg, sizeof svg, "%s/diff.svg", tmp);
    cr_assert(file_size(svg) > 1000, "no SVG (%ld bytes)", file_size(svg));
}

/* Runs the program ARGV[0] (a path, or a name looked up in PATH) with ARGV (NULL-terminated) in
 * tmp, output to tmp/LOG; its exit code. No shell: the arguments may hold any character. */
static int run_in_tmp(const char *const *argv, const char *log)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", tmp, log);
        if (chdir(tmp) != 0 || !freopen(p, "w", stdout) || !freopen(p, "a", stderr))
            _exit(126);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The --out folder is data to the figure scripts: a name with quotes, spaces and a shell command
 * draws its figure and runs nothing (issue 16: it ran 'touch PWNED'). */
Test(figures, folder_names_are_never_interpreted, .init = setup, .fini = teardown)
{
    char p[512];
    write_text(tmp, "t.tsv", cal_targets, p);
    write_text(tmp, "cal.cfg", cal_cfg, p);
    write_text(tmp, "sa.cfg", sa_cfg, p);
    const char *cal = "it's a cal';touch PWNED;'\"; system \"touch PWNED2\"",
               *sa = "sa x';touch PWNED;'\n`touch PWNED3`";
    cr_assert_eq(run_in_tmp((const char *[]){RIC_BINARY, "calibrate", "cal.cfg", "--out", cal,
                                             "--workers", "2", NULL},
                            "cal.log"),
                 0, "ricsim calibrate failed (see %s/cal.log)", tmp);
    cr_assert_eq(
        run_in_tmp((const char *[]){RIC_BINARY, "sensitivity", "sa.cfg", "--out", sa, NULL},
                   "sa.log"),
        0, "ricsim sensitivity failed (see %s/sa.log)", tmp);
    const char *pwned[] = {"PWNED", "PWNED2", "PWNED3"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, pwned[i]);
        cr_assert(access(p, F_OK) != 0, "a folder name ran a command: %s exists", p);
    }
    char *log = slurp(strcat(strcpy(p, tmp), "/cal.log"));
    cr_assert_null(strstr(log, "no figure"), "%s", log);
    free(log);
    log = slurp(strcat(strcpy(p, tmp), "/sa.log"));
    cr_assert_null(strstr(log, "no figure"), "%s", log);
    free(log);
    snprintf(p, sizeof p, "%s/%s/calibration.png", tmp, cal);
    cr_assert(is_png(p), "no %s", p);
    snprintf(p, sizeof p, "%s/%s/morris.png", tmp, sa);
    cr_assert(is_png(p), "no %s", p);
    snprintf(p, sizeof p, "%s/%s/sobol.png", tmp, sa);
    cr_assert(is_png(p), "no %s", p);
}

/* A run folder named with a quote, spaces and a shell command: genealogy.gp and money.gp (which
 * ran awk and grep through a shell with the folder pasted in) and figures.sh draw it and run
 * nothing (issue 16) */
Test(figures, run_folder_names_are_never_interpreted, .init = setup, .fini = teardown)
{
    const char *run = "it's a run';touch PWNED;'\"; system \"touch PWNED2\"";
    cr_assert_eq(
        run_in_tmp((const char *[]){RIC_BINARY, "run", TINY, "--out", run, NULL}, "run.log"), 0,
        "ricsim run failed (see %s/run.log)", tmp);
    const char *scripts[][2] = {{"genealogy", "genealogy"},
                                {"money", "money"},
                                {"plot_series", "series"},
                                {"participants", "participants"}};
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        char gp[300], png[600];
        snprintf(gp, sizeof gp, "%s/%s.gp", RIC_SOURCE_DIR "/analysis", scripts[i][0]);
        snprintf(png, sizeof png, "%s/%s/%s.png", tmp, run, scripts[i][1]);
        unlink(png);
        cr_assert_eq(run_in_tmp((const char *[]){"gnuplot", "-c", gp, run, NULL}, "gp.log"), 0,
                     "%s failed (see %s/gp.log)", scripts[i][0], tmp);
        cr_assert(is_png(png), "%s drew no %s", scripts[i][0], png);
    }
    cr_assert_eq(run_in_tmp((const char *[]){GP("figures.sh"), run, NULL}, "fig.log"), 0,
                 "figures.sh failed (see %s/fig.log)", tmp);
    const char *pwned[] = {"PWNED", "PWNED2"};
    for (int i = 0; i < 2; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s/%s", tmp, pwned[i]);
        cr_assert(access(p, F_OK) != 0, "a folder name ran a command: %s exists", p);
    }
    char p[600];
    snprintf(p, sizeof p, "%s/%s/genealogy.svg", tmp, run);
    cr_assert_gt(file_size(p), 1000, "figures.sh drew no %s", p);
}
