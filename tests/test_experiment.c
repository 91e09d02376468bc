/* Experiments end to end on tiny scenarios: the experiment group and its error messages (file,
 * line and key), plans and seeds, sweeps whose outputs are byte-identical for any number of jobs
 * and any sharding, runs reproducible with ric_run, resume after an interruption and after a kill,
 * failed runs under --on-error continue and stop, refusal to overwrite, the folder lock, and the
 * paired comparison of two scenarios. */
#define _XOPEN_SOURCE 700 /* posix_openpt and friends, for the progress line on a terminal */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sweep_support.h"
#include "tmpdir.h"

#include "ricsim/experiment.h"
#include "ricsim/scenario.h"
#include "ricsim/sim.h"

extern char **environ;

/* the tiny scenario of tests/tmpdir.h */
static const char base_cfg[] = TINY_CFG_TEXT;

/* A 3 x 2 grid, 4 replications: 24 runs. The experiment group starts on line 2. */
static const char grid_exp[] =
    "@include \"base.cfg\"\n"
    "experiment = {\n"
    "  seed = 2385L;\n"
    "  replications = 4;\n"
    "  parameters = (\n"
    "    { key = \"regions.dst.startup_rate\"; values = [1.5, 3.5, 7.25]; },\n"
    "    { key = \"rules.spinoff.heritage\"; min = 0.55; max = 0.85; levels = 2; }\n"
    "  );\n"
    "  indicators = [\"firms\", \"employees_smes\", \"spinoffs_cum\"];\n"
    "};\n";

/* ---- helpers -------------------------------------------------------------------------------- */

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* ric_plan_load of EXP (written as tmp/exp.cfg) fails with the message tmp/WANT. */
static void plan_fails(const char *exp_text, const char *want)
{
    write_file("base.cfg", base_cfg);
    const char *path = write_file("exp.cfg", exp_text);
    ric_plan *p = NULL;
    ric_err err = {{0}};
    ric_status st = ric_plan_load(path, &p, &err);
    cr_assert_neq(st, RIC_OK, "expected '%s'", want);
    cr_assert_null(p);
    char full[1024];
    snprintf(full, sizeof full, "%s/%s", tmp, want);
    cr_assert_str_eq(err.msg, full);
}

static ric_sweep_opts jobs(int n)
{
    return (ric_sweep_opts){.jobs = n};
}

/* runs.tsv without its two timing columns (wall_s, steps_per_s), which measure the machine. */
static char *runs_without_timing(const char *dir)
{
    char path[300];
    snprintf(path, sizeof path, "%s/runs.tsv", dir);
    char *text = slurp(path);
    cr_assert_not_null(text, "no %s", path);
    size_t wall = 0;
    {
        const char *p = text;
        for (size_t k = 0; strncmp(p, "wall_s", 6) != 0; k++) {
            p = strchr(p, '\t');
            cr_assert_not_null(p, "no wall_s column");
            p++;
            wall = k + 1;
        }
    }
    char *out = malloc(strlen(text) + 1), *o = out;
    size_t field = 0;
    for (const char *p = text; *p; p++) {
        int skip = field == wall || field == wall + 1;
        if (*p == '\n')
            field = 0;
        else if (*p == '\t')
            field++;
        if (!skip || *p == '\n')
            *o++ = *p;
    }
    *o = '\0';
    free(text);
    return out;
}

/* Every result file of DIR A equals that of DIR B byte for byte (runs.tsv without timing). */
static void same_results(const char *a, const char *b)
{
    const char *files[] = {"plan.tsv", "series.tsv", "stats.tsv", "regions.tsv",
                           "regions_stats.tsv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char pa[300], pb[300];
        snprintf(pa, sizeof pa, "%s/%s", a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, files[i]);
        char *ta = slurp(pa), *tb = slurp(pb);
        cr_assert_not_null(ta, "no %s", pa);
        cr_assert_not_null(tb, "no %s", pb);
        cr_assert(strcmp(ta, tb) == 0, "%s and %s differ", pa, pb);
        free(ta);
        free(tb);
    }
    char *ra = runs_without_timing(a), *rb = runs_without_timing(b);
    cr_assert_str_eq(ra, rb);
    free(ra);
    free(rb);
}

typedef struct {
    int code;
    char *out, *err;
} result;

/* Runs the ricsim binary with ARGS (NULL-terminated); stdout and stderr go to files in tmp. With
 * GROUP the child leads its own process group, and its pid is returned without waiting. */
static pid_t spawn_ricsim(const char *const *args, int group)
{
    const char *argv[32] = {RIC_BINARY};
    size_t n = 1;
    for (; *args; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    cr_assert_eq(posix_spawn_file_actions_init(&fa), 0);
    cr_assert_eq(posix_spawnattr_init(&at), 0);
    char out[128], err[128];
    snprintf(out, sizeof out, "%s/.stdout", tmp);
    snprintf(err, sizeof err, "%s/.stderr", tmp);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (group) {
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&at, 0);
    }
    pid_t pid;
    int rc = posix_spawn(&pid, RIC_BINARY, &fa, &at, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    cr_assert_eq(rc, 0, "cannot start %s", RIC_BINARY);
    return pid;
}

static result ricsim(const char *const *args)
{
    pid_t pid = spawn_ricsim(args, 0);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    char out[128], err[128];
    snprintf(out, sizeof out, "%s/.stdout", tmp);
    snprintf(err, sizeof err, "%s/.stderr", tmp);
    result r = {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
    cr_assert_not_null(r.out);
    cr_assert_not_null(r.err);
    return r;
}

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

/* The ricsim command fails with CODE and a stderr that starts with "ricsim: " WANT. */
static void cli_fails(const char *const *args, int code, const char *want)
{
    result r = ricsim(args);
    char full[1024];
    snprintf(full, sizeof full, "ricsim: %s", want);
    int ok = r.code == code && strncmp(r.err, full, strlen(full)) == 0;
    char err[1024];
    snprintf(err, sizeof err, "%s", r.err);
    int c = r.code;
    result_free(&r);
    cr_assert(ok, "exit %d (want %d), stderr '%s' (want '%s...')", c, code, err, full);
}

/* ---- the experiment file -------------------------------------------------------------------- */

Test(experiment, the_scenario_loader_skips_the_experiment_group, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", base_cfg);
    const char *exp = write_file("exp.cfg", grid_exp);
    ric_err err = {{0}};
    ric_scenario *a = NULL, *b = NULL;
    cr_assert_eq(ric_scenario_load(exp, NULL, 0, &a, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(ric_scenario_load(in_tmp("base.cfg"), NULL, 0, &b, &err), RIC_OK, "%s", err.msg);
    cr_assert_null(strstr(a->effective, "experiment"), "a run's scenario.cfg omits the group");
    cr_assert_str_eq(a->effective, b->effective);
    cr_assert_eq(a->hash, b->hash);
    ric_scenario_free(a);
    ric_scenario_free(b);
}

Test(experiment, plan_counts_rows_and_replications_and_pairs_the_seeds, .init = make_tmp,
     .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    cr_assert_eq(p->d.n_rows, 6);
    cr_assert_eq(p->reps, 4);
    cr_assert_eq(p->n_runs, 24);
    cr_assert_eq(p->n_params, 2);
    cr_assert_str_eq(p->design, "grid");
    cr_assert_eq(p->n_indicators, 3);
    cr_assert_str_eq(p->indicators[2], "spinoffs_cum");
    for (size_t id = 0; id < 24; id++) {
        ric_run_spec rs;
        ric_plan_run(p, id, &rs);
        cr_assert_eq(rs.row, id / 4);
        cr_assert_eq(rs.rep, id % 4);
        cr_assert_eq(rs.seed, ric_design_seed(2385, rs.rep), "common random numbers across rows");
        for (size_t other = 0; other < 4; other++)
            if (other != rs.rep)
                cr_assert_neq(rs.seed, ric_design_seed(2385, other));
    }
    char ov[RIC_DESIGN_MAX_PARAMS + 1][320];
    cr_assert_eq(ric_plan_overrides(p, 13, ov), 3); /* row 3: 3.5 and 0.85; replication 1 */
    cr_assert_str_eq(ov[0], "regions.dst.startup_rate=3.5");
    cr_assert_str_eq(ov[1], "rules.spinoff.heritage=0.85");
    char seed[64];
    snprintf(seed, sizeof seed, "seed=%llu", (unsigned long long)ric_design_seed(2385, 1));
    cr_assert_str_eq(ov[2], seed);
    ric_plan_free(p);
}

Test(experiment, plan_text_lists_every_run_with_its_command, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    char *text = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_plan_text(p, 0, p->n_runs, &text, &err), RIC_OK);
    cr_assert_not_null(strstr(text, "\nrun\tdesign_row\treplication\tscenario\tregions.dst."
                                    "startup_rate\trules.spinoff.heritage\tseed\tcommand\n"));
    cr_assert_eq(count(text, " --out run_"), 24);
    char line[1024];
    snprintf(line, sizeof line,
             "\n23\t5\t3\t%s/exp.cfg\t7.25\t0.85\t%llu\tricsim run %s/exp.cfg --seed %llu --set "
             "regions.dst.startup_rate=7.25 --set rules.spinoff.heritage=0.85 --out run_23\n",
             tmp, (unsigned long long)ric_design_seed(2385, 3), tmp,
             (unsigned long long)ric_design_seed(2385, 3));
    cr_assert_not_null(strstr(text, line), "%s", text);
    free(text);
    size_t first, end;
    ric_plan_shard(p, 2, 5, &first, &end);
    cr_assert_eq(first, 9);
    cr_assert_eq(end, 14);
    ric_plan_free(p);
}

Test(experiment, sampled_and_file_designs_load, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p =
        plan_of("@include \"base.cfg\"\n"
                "experiment = { design = \"lhs\"; samples = 7; replications = 2;\n"
                "  parameters = ( { key = \"rules.spinoff.heritage\"; min = 0.2; max = 0.9; "
                "},\n"
                "                 { key = \"organisations.kaist.incubator_rooms\"; min = 0; "
                "max = 6; integer = true; } ); };\n");
    cr_assert_eq(p->n_runs, 14);
    for (size_t i = 0; i < 7; i++) {
        cr_assert(p->d.x[i * 2] > 0.2 && p->d.x[i * 2] < 0.9);
        cr_assert_eq(p->d.x[i * 2 + 1], round(p->d.x[i * 2 + 1]));
    }
    char ov[RIC_DESIGN_MAX_PARAMS + 1][320];
    ric_plan_overrides(p, 0, ov);
    cr_assert_null(strchr(strchr(ov[1], '='), '.'), "a whole number is written without a point");
    ric_plan_free(p);
    write_file("design.tsv", "rules.spinoff.heritage\n0.61\n0.73\n");
    p = plan_of("@include \"base.cfg\"\n"
                "experiment = { design = \"file\"; file = \"design.tsv\";\n"
                "  parameters = ( { key = \"rules.spinoff.heritage\"; } ); };\n");
    cr_assert_eq(p->n_runs, 2);
    cr_assert_eq(p->d.x[1], 0.73);
    ric_plan_free(p);
}

#define EXP(body) "@include \"base.cfg\"\nexperiment = {\n" body "};\n"
#define PARAM(text) "  parameters = ( { " text " } );\n"

Test(experiment, errors_name_file_line_and_key, .init = make_tmp, .fini = cleanup)
{
    struct {
        const char *text, *want;
    } cases[] = {
        {EXP("  reps = 3;\n"), "exp.cfg:3: unknown key 'experiment.reps'"},
        {EXP("  replications = \"five\";\n"),
         "exp.cfg:3: 'experiment.replications' must be an integer (got string)"},
        {EXP("  replications = 0;\n"), "exp.cfg:3: 'experiment.replications' must be >= 1 (got 0)"},
        {EXP("  seed = 3000000000;\n"),
         "exp.cfg:3: 'experiment.seed' does not fit in 32 bits (got 3000000000); write it with an "
         "L suffix"},
        {EXP("  design = \"halton\";\n"),
         "exp.cfg:3: 'experiment.design' must be one of grid, zip, lhs, sobol, file (got "
         "\"halton\")"},
        {EXP("  design = \"lhs\";\n" PARAM(
             "key = \"rules.spinoff.heritage\"; min = 0.1; max = 0.9;")),
         "exp.cfg:2: missing required key 'experiment.samples'"},
        {EXP("  samples = 8;\n"),
         "exp.cfg:3: 'experiment.samples' applies to the lhs and sobol designs only"},
        {EXP("  design = \"file\";\n"), "exp.cfg:2: missing required key 'experiment.file'"},
        {EXP("  parameters = { a = 1; };\n"),
         "exp.cfg:3: 'experiment.parameters' must be a list (got group)"},
        {EXP(PARAM("value = [1.0];")), "exp.cfg:3: unknown key 'experiment.parameters.[0].value'"},
        {EXP(PARAM("values = [1.0];")),
         "exp.cfg:3: missing required key 'experiment.parameters.[0].key'"},
        {EXP(PARAM("key = \"regions.dst.startup_rate\";")),
         "exp.cfg:3: missing required key 'experiment.parameters.[0].values' (or 'min', 'max' and "
         "'levels')"},
        {EXP(PARAM("key = \"regions.dst.startup_rate\"; values = [1.0]; min = 0.0; max = 2.0; "
                   "levels = 3;")),
         "exp.cfg:3: 'experiment.parameters.[0]' gives both 'values' and 'min'; give one"},
        {EXP(PARAM("key = \"regions.dst.startup_rate\"; values = [1.5, \"x\"];")),
         "exp.cfg:3: mismatched element type in array"},
        {EXP(PARAM("key = \"regions.dst.startup_rate\"; values = [];")),
         "exp.cfg:3: 'experiment.parameters.[0].values' is empty"},
        {EXP(PARAM("key = \"regions.dst.startup_rate\"; max = 2.0;")),
         "exp.cfg:3: 'experiment.parameters.[0]' gives 'max' without 'min'"},
        {EXP(PARAM("key = \"regions.dst.startup_rate\"; min = 2.0; max = 2.0; levels = 3;")),
         "exp.cfg:3: 'experiment.parameters.[0].max' must be > 2 (got 2)"},
        {EXP("  design = \"sobol\"; samples = 4;\n" PARAM("key = \"rules.spinoff.heritage\"; "
                                                          "values = [0.5];")),
         "exp.cfg:4: 'experiment.parameters.[0].values' does not apply to a sobol design; give "
         "'min' and 'max'"},
        {EXP(PARAM("key = \"rules..heritage\"; values = [0.5];")),
         "exp.cfg:3: 'experiment.parameters.[0].key' is not a key path like rules.spinoff.heritage "
         "(got \"rules..heritage\")"},
        {EXP(PARAM("key = \"seed\"; values = [1, 2];")),
         "exp.cfg:3: 'experiment.parameters.[0].key' cannot be the seed: replications and "
         "'experiment.seed' set it"},
        {EXP("  parameters = ( { key = \"rules.spinoff.heritage\"; values = [0.5]; },\n"
             "                 { key = \"rules.spinoff.heritage\"; values = [0.6]; } );\n"),
         "exp.cfg:4: 'experiment.parameters.[1].key' repeats parameter 'rules.spinoff.heritage'"},
        {EXP("  design = \"zip\";\n"
             "  parameters = ( { key = \"rules.spinoff.heritage\"; values = [0.5, 0.6]; },\n"
             "                 { key = \"regions.dst.startup_rate\"; values = [0.6]; } );\n"),
         "exp.cfg:3: zip needs lists of equal length ('rules.spinoff.heritage' has 2 values, "
         "'regions.dst.startup_rate' 1)"},
        {EXP(PARAM("key = \"rules.spinoff.heritag\"; values = [0.5];")),
         "exp.cfg:3: parameter 'rules.spinoff.heritag' in design row 0: --set "
         "'rules.spinoff.heritag=0.5': unknown key 'rules.spinoff.heritag'"},
        {EXP(PARAM("key = \"rules.spinoff.heritage\"; values = [0.5, 1.25, 0.75];")),
         "exp.cfg:3: parameter 'rules.spinoff.heritage' in design row 1: --set "
         "'rules.spinoff.heritage=1.25': 'rules.spinoff.heritage' must be <= 1 (got 1.25)"},
        {EXP("  indicators = [\"firms\", \"smez\"];\n"),
         "exp.cfg:3: 'experiment.indicators.[1]' names no output column (got \"smez\")"},
        {EXP("  design = \"file\"; file = \"design.tsv\";\n" PARAM(
             "key = \"rules.spinoff.heritage\"; min = 0.0; max = 1.0;")),
         "design.tsv:2: 'rules.spinoff.heritage' = 1.5 is outside [0, 1]"},
    };
    write_file("design.tsv", "0.5\n1.5\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        plan_fails(cases[i].text, cases[i].want);
    plan_fails("@include \"base.cfg\"\n", "exp.cfg: missing required key 'experiment' (a group: "
                                          "see doc/guide.md, \"Experiments\")");
}

/* ---- SALib's parameter file ----------------------------------------------------------------- */

Test(experiment, salib_params_give_the_bounds, .init = make_tmp, .fini = cleanup)
{
    mkdir(in_tmp("sub"), 0777);
    /* resolved against the experiment file's folder, not the working folder */
    write_file("sub/params.txt", "# SALib: name lower upper\n"
                                 "\n"
                                 "rules.spinoff.heritage  0.55 0.85\n"
                                 "startup\t2.5\t4.5\r\n");
    write_file("sub/base.cfg", TINY_CFG_TEXT);
    const char *path =
        write_file("sub/exp.cfg", "@include \"base.cfg\"\n"
                                  "experiment = { design = \"lhs\"; samples = 5; salib_params = "
                                  "\"params.txt\";\n"
                                  "  parameters = ( { key = \"regions.dst.startup_rate\"; name = "
                                  "\"startup\"; },\n"
                                  "                 { key = \"rules.spinoff.heritage\"; } ); };\n");
    ric_plan *p = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_plan_load(path, &p, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(p->n_params, 2);
    cr_assert_eq(p->d.n_rows, 5);
    for (size_t i = 0; i < 5; i++) {
        double s = p->d.x[i * 2], h = p->d.x[i * 2 + 1];
        cr_assert(s >= 2.5 && s <= 4.5, "startup %g", s);
        cr_assert(h >= 0.55 && h <= 0.85, "heritage %g", h);
    }
    ric_plan_free(p);
    /* without 'parameters': every line is a parameter named by its key path */
    write_file("sub/keys.txt", "rules.spinoff.heritage 0.55 0.85\nregions.dst.startup_rate 2.5 "
                               "4.5\n");
    path = write_file("sub/exp2.cfg", "@include \"base.cfg\"\n"
                                      "experiment = { design = \"sobol\"; samples = 4; "
                                      "salib_params = \"keys.txt\"; };\n");
    cr_assert_eq(ric_plan_load(path, &p, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(p->n_params, 2);
    cr_assert_str_eq(p->params[0].key, "rules.spinoff.heritage");
    cr_assert_str_eq(p->params[1].name, "regions_dst_startup_rate");
    ric_plan_free(p);
}

Test(experiment, salib_params_errors_name_file_and_line, .init = make_tmp, .fini = cleanup)
{
#define SEXP(extra)                                                                                \
    "@include \"base.cfg\"\n"                                                                      \
    "experiment = { design = \"lhs\"; samples = 3; salib_params = \"p.txt\";\n" extra "};\n"
#define ONE "  parameters = ( { key = \"rules.spinoff.heritage\"; name = \"h\"; } );\n"
    static const struct {
        const char *params, *exp, *want;
    } cases[] = {
        {"h 0.5\n", SEXP(ONE),
         "p.txt:1: expected 'name lower upper' (got 2 fields; SALib's groups and distributions "
         "are not read)"},
        {"h 0.5 0.6 g1 unif\n", SEXP(ONE),
         "p.txt:1: expected 'name lower upper' (got 5 fields; SALib's groups and distributions "
         "are not read)"},
        {"# c\nh 0.5 x\n", SEXP(ONE), "p.txt:2: the upper bound of 'h' must be a number (got 'x')"},
        {"h 0.7 0.6\n", SEXP(ONE), "p.txt:1: the upper bound of 'h' must be > 0.7 (got 0.6)"},
        {"h 0.5 0.6\nh 0.5 0.7\n", SEXP(ONE), "p.txt:2: repeats parameter 'h' (line 1)"},
        {"h 0.5 0.6\nq 0.1 0.2\n", SEXP(ONE),
         "p.txt:2: 'q' is the name or key of no parameter in 'experiment.parameters'"},
        {"# nothing\n", SEXP(ONE), "p.txt: no parameters (lines 'name lower upper')"},
        {"heritage 0.5 0.6\n", SEXP(""),
         "exp.cfg:2: parameter 'heritage' in design row 0: --set 'heritage="},
        {"her/itage 0.5 0.6\n", SEXP(""),
         "p.txt:1: 'her/itage' is not a key path like rules.spinoff.heritage; without "
         "'experiment.parameters' each name must be one"},
        {"rules.spinoff.heritage 0.5 1.5\n", SEXP(""),
         "exp.cfg:2: parameter 'rules.spinoff.heritage' in design row 0: --set"},
        {"h 0.5 0.6\n",
         SEXP("  parameters = ( { key = \"rules.spinoff.heritage\"; name = \"h\"; min = 0.5; "
              "max = 0.6; } );\n"),
         "exp.cfg:3: 'experiment.parameters.[0]' has 'min' and 'max' and a line in "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file("p.txt", cases[i].params);
        write_file("base.cfg", base_cfg);
        const char *path = write_file("exp.cfg", cases[i].exp);
        ric_plan *p = NULL;
        ric_err err = {{0}};
        cr_assert_neq(ric_plan_load(path, &p, &err), RIC_OK, "case %zu passed", i);
        char want[1024];
        snprintf(want, sizeof want, "%s/%s", tmp, cases[i].want);
        cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "case %zu: '%s', expected '%s'", i,
                  err.msg, want);
    }
    write_file("exp.cfg", SEXP(ONE));
    unlink(in_tmp("p.txt"));
    ric_plan *p = NULL;
    ric_err err = {{0}};
    cr_assert_neq(ric_plan_load(in_tmp("exp.cfg"), &p, &err), RIC_OK);
    cr_assert(strstr(err.msg, "p.txt: cannot open SALib's parameter file "
                              "(experiment.salib_params): No such file or directory"),
              "%s", err.msg);
#undef SEXP
#undef ONE
}

/* ---- sweeps --------------------------------------------------------------------------------- */

Test(experiment, sweep_is_byte_identical_for_one_and_two_jobs, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    ric_sweep_progress a = sweep_to(p, in_tmp("j1"), jobs(1));
    ric_sweep_progress b = sweep_to(p, in_tmp("j2"), jobs(2));
    cr_assert_eq(a.done, 24);
    cr_assert_eq(b.done, 24);
    cr_assert_eq(a.failed + b.failed, 0);
    same_results(in_tmp("j1"), in_tmp("j2"));
    cr_assert(!exists(in_tmp("j2/.runs")), "per-run files go once every run succeeded");
    ric_plan_free(p);
}

Test(experiment, outputs_are_laid_out_for_gnuplot, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    sweep_to(p, in_tmp("out"), jobs(2));
    char *series = slurp(in_tmp("out/series.tsv")), *stats = slurp(in_tmp("out/stats.tsv"));
    char *runs = slurp(in_tmp("out/runs.tsv"));
    cr_assert_eq(count(series, "# [run "), 24);
    cr_assert_eq(count(series, "\n\n\n"), 24, "each data set ends with two blank lines");
    cr_assert_not_null(strstr(series, "# [run 13] design_row=3 replication=1 seed="));
    cr_assert_not_null(strstr(series,
                              "set regions.dst.startup_rate=3.5 rules.spinoff.heritage=0.85\n"
                              "# status=ok scenario_hash="));
    cr_assert_eq(count(stats, "# [row "), 6);
    cr_assert_eq(count(stats, "\n\n\n"), 6);
    cr_assert_not_null(strstr(stats, "\nyear\tn\tfirms_mean\tfirms_sd\tfirms_lo\tfirms_hi\t"
                                     "employees_smes_mean"));
    cr_assert_eq(count(runs, "\n"), 25);
    cr_assert_eq(count(runs, "\tok\t"), 24);
    cr_assert_not_null(strstr(runs, "\tseed\tstatus\twall_s\tsteps_per_s\tfirms_final\tfirms_mean"
                                    "\tfirms_max\t"));
    /* the last stats row of design row 0 averages the final values of its 4 replications */
    double fin[4];
    const char *line = strchr(runs, '\n') + 1;
    for (int r = 0; r < 4; r++) {
        const char *f = line;
        for (int k = 0; k < 10; k++) /* run row rep scenario p1 p2 seed status wall sps */
            f = strchr(f, '\t') + 1;
        fin[r] = strtod(f, NULL);
        line = strchr(line, '\n') + 1;
    }
    const char *row1 = strstr(stats, "# [row 1]");
    const char *last = row1 - 1;
    while (last > stats && last[-1] == '\n')
        last--;
    while (last > stats && last[-1] != '\n')
        last--;
    double year, n, mean;
    cr_assert_eq(sscanf(last, "%lf\t%lf\t%lf", &year, &n, &mean), 3);
    cr_assert_float_eq(year, 2003.0, 1e-9);
    cr_assert_eq(n, 4);
    cr_assert_float_eq(mean, (fin[0] + fin[1] + fin[2] + fin[3]) / 4, 1e-6);
    free(series);
    free(stats);
    free(runs);
    ric_plan_free(p);
}

/* Two regions, half-yearly rows and two design rows of three replications: regions_stats.tsv has
 * four data sets. */
static const char two_regions_exp[] =
    "name = \"two\";\n"
    "seed = 11L;\n"
    "time = { start = 2000.0; end = 2004.0; steps_per_year = 12; output_every = 6; };\n"
    "regions = { dst = { labour_pool = 500.0; pool_inflow_per_year = 120.0; startup_rate = 3.5; "
    "};\n"
    "            town = { labour_pool = 310.0; pool_inflow_per_year = 61.5; startup_rate = 1.25; "
    "}; };\n"
    "organisations = { kaist = { kind = \"university\"; region = \"dst\"; staff = 400.0;\n"
    "                            knowledge = 1.3; tto_per_year = 2.0; graduates_per_year = 150.0; "
    "}; };\n"
    "firms = { locals = { region = \"dst\"; count = 40; employees = 12.5; };\n"
    "          others = { region = \"town\"; count = 23; employees = 8.75; }; };\n"
    "experiment = { seed = 2385L; replications = 3;\n"
    "  parameters = ( { key = \"regions.town.startup_rate\"; values = [1.25, 4.5]; } ); };\n";

/* The rows of the data set whose first line starts with "# [SET]" in TEXT (the header row
 * skipped), as a pointer to its first row; NULL without it. */
static const char *set_rows(const char *text, const char *set)
{
    char want[128];
    snprintf(want, sizeof want, "# [%s]", set);
    const char *p = strstr(text, want);
    if (!p)
        return NULL;
    while (*p == '#') /* the comment lines, then the header */
        p = strchr(p, '\n') + 1;
    return strchr(p, '\n') + 1;
}

/* Field K of the row at P (tab-separated). */
static double field_at(const char *p, size_t k)
{
    for (size_t i = 0; i < k; i++)
        p = strchr(p, '\t') + 1;
    return strtod(p, NULL);
}

Test(experiment, regions_stats_are_the_statistics_of_the_runs_regions, .init = make_tmp,
     .fini = cleanup)
{
    const char *exp = write_file("two.cfg", two_regions_exp);
    ric_plan *p = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_plan_load(exp, &p, &err), RIC_OK, "%s", err.msg);
    sweep_to(p, in_tmp("out"), jobs(2));
    char *regions = slurp(in_tmp("out/regions.tsv"));
    char *rstats = slurp(in_tmp("out/regions_stats.tsv"));
    cr_assert_not_null(regions);
    cr_assert_not_null(rstats);
    cr_assert_eq(count(regions, "# [run "), 12, "a data set per run and region");
    cr_assert_not_null(strstr(regions, "\n\n\n# [run 4 region town] design_row=1 replication=1\n"
                                       "# focus=1 groups=-\nyear\tfirms\temployees\t"));
    cr_assert_eq(count(rstats, "# [row "), 4, "a data set per design row and region");
    cr_assert_eq(count(rstats, "\n\n\n"), 4, "each data set ends with two blank lines");
    cr_assert_not_null(strstr(rstats, "# [row 1 region dst] n=3\n# focus=1 groups=-\n"
                                      "year\tfirms_mean\tfirms_sd\tfirms_lo\tfirms_hi\t"
                                      "employees_mean\temployees_sd\temployees_lo\temployees_hi"));
    cr_assert(strstr(rstats, "# [row 0 region dst]") < strstr(rstats, "# [row 0 region town]") &&
                  strstr(rstats, "# [row 0 region town]") < strstr(rstats, "# [row 1 region dst]"),
              "design rows in order, regions in the scenario's order");
    /* design row 1 (runs 3, 4, 5), each run again on its own: the sweep keeps its regions.tsv's
     * rows, and the means of regions_stats.tsv are theirs */
    char *own[3];
    for (size_t k = 0; k < 3; k++) {
        char ov[RIC_DESIGN_MAX_PARAMS + 1][320];
        const char *ovp[RIC_DESIGN_MAX_PARAMS + 1];
        size_t n = ric_plan_overrides(p, 3 + k, ov);
        for (size_t i = 0; i < n; i++)
            ovp[i] = ov[i];
        ric_scenario *sc = NULL;
        cr_assert_eq(ric_scenario_load(exp, ovp, n, &sc, &err), RIC_OK, "%s", err.msg);
        char dir[32], file[48];
        snprintf(dir, sizeof dir, "run_%zu", 3 + k);
        cr_assert_eq(ric_run(sc, in_tmp(dir), 0, &err), RIC_OK, "%s", err.msg);
        ric_scenario_free(sc);
        snprintf(file, sizeof file, "%s/regions.tsv", dir);
        own[k] = slurp(in_tmp(file));
        cr_assert_not_null(own[k]);
        char set[64];
        snprintf(set, sizeof set, "run %zu region town", 3 + k);
        const char *in_sweep = set_rows(regions, set), *alone = set_rows(own[k], "region town");
        size_t len = strcspn(alone, "#");
        cr_assert_eq(strncmp(in_sweep, alone, len), 0, "run %zu: the sweep's rows are not its own",
                     3 + k);
    }
    const char *region[] = {"dst", "town"};
    size_t rows = 0;
    for (size_t g = 0; g < 2; g++) {
        char set[64];
        snprintf(set, sizeof set, "row 1 region %s", region[g]);
        const char *st = set_rows(rstats, set);
        const char *r[3];
        for (size_t k = 0; k < 3; k++) {
            snprintf(set, sizeof set, "region %s", region[g]);
            r[k] = set_rows(own[k], set);
        }
        for (; *st && *st != '\n' && *st != '#'; rows++) {
            cr_assert_float_eq(field_at(st, 0), field_at(r[0], 0), 1e-9, "the years");
            for (size_t col = 1; col <= 2; col++) { /* firms and employees */
                double mean = 0;
                for (size_t k = 0; k < 3; k++)
                    mean += field_at(r[k], col) / 3;
                double got = field_at(st, 1 + 4 * (col - 1));
                cr_assert_float_eq(got, mean, 1e-9 * fabs(mean) + 1e-9, "%s row %zu: %g, want %g",
                                   set, rows, got, mean);
            }
            st = strchr(st, '\n') + 1;
            for (size_t k = 0; k < 3; k++)
                r[k] = strchr(r[k], '\n') + 1;
        }
    }
    cr_assert_eq(rows, 2 * 8, "eight half-yearly rows in each region");
    for (size_t k = 0; k < 3; k++)
        free(own[k]);
    free(regions);
    free(rstats);
    /* the same bytes with one job, and sharded then merged */
    sweep_to(p, in_tmp("one"), jobs(1));
    same_results(in_tmp("out"), in_tmp("one"));
    for (size_t i = 0; i < 4; i++) {
        ric_sweep_opts o = {.jobs = 2, .shard = i, .n_shards = 4};
        sweep_to(p, in_tmp("cut"), o);
    }
    size_t n = 0;
    cr_assert_eq(ric_sweep_merge(in_tmp("cut"), 0, &n, &err), RIC_OK, "%s", err.msg);
    same_results(in_tmp("out"), in_tmp("cut"));
    ric_plan_free(p);
}

Test(experiment, a_run_of_the_sweep_is_reproduced_by_ric_run, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    sweep_to(p, in_tmp("out"), jobs(2));
    char ov[RIC_DESIGN_MAX_PARAMS + 1][320];
    const char *ovp[RIC_DESIGN_MAX_PARAMS + 1];
    size_t n = ric_plan_overrides(p, 17, ov);
    for (size_t i = 0; i < n; i++)
        ovp[i] = ov[i];
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load(in_tmp("exp.cfg"), ovp, n, &sc, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(ric_run(sc, in_tmp("single"), 0, &err), RIC_OK, "%s", err.msg);
    ric_scenario_free(sc);
    char *single = slurp(in_tmp("single/series.tsv")), *series = slurp(in_tmp("out/series.tsv"));
    const char *rows = strstr(single, "\nyear\t") + 1;
    const char *set = strstr(series, "# [run 17]");
    cr_assert_not_null(set);
    const char *body = strstr(set, "\nyear\t") + 1;
    size_t len = strlen(rows);
    cr_assert_eq(strncmp(body, rows, len), 0, "run 17 differs from its ric_run");
    cr_assert_eq(strncmp(body + len, "\n\n# [run 18]", 12), 0);
    free(single);
    free(series);
    ric_plan_free(p);
}

Test(experiment, shards_merge_into_the_unsharded_output, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    sweep_to(p, in_tmp("whole"), jobs(2));
    for (size_t i = 0; i < 5; i++) { /* 24 runs in 5 uneven slices: design rows are split */
        ric_sweep_opts o = {.jobs = 1 + (int)(i % 2), .shard = i, .n_shards = 5};
        ric_sweep_progress pg = sweep_to(p, in_tmp("cut"), o);
        cr_assert_eq(pg.total, (i + 1) * 24 / 5 - i * 24 / 5);
    }
    cr_assert(exists(in_tmp("cut/shard-4-of-5/stats.tsv")));
    size_t n = 0;
    ric_err err = {{0}};
    cr_assert_eq(ric_sweep_merge(in_tmp("cut"), 0, &n, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(n, 5);
    same_results(in_tmp("whole"), in_tmp("cut"));
    cr_assert_eq(ric_sweep_merge(in_tmp("cut"), 0, &n, &err), RIC_EUSAGE);
    char want[400];
    snprintf(want, sizeof want, "%s: already holds results (plan.tsv); use --force to replace them",
             in_tmp("cut"));
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(ric_sweep_merge(in_tmp("cut"), 1, &n, &err), RIC_OK, "%s", err.msg);
    same_results(in_tmp("whole"), in_tmp("cut"));
    remove_tree(in_tmp("cut/shard-3-of-5"));
    cr_assert_eq(ric_sweep_merge(in_tmp("cut"), 1, &n, &err), RIC_EUSAGE);
    snprintf(want, sizeof want, "%s/shard-3-of-5: missing; run it with --shard 3/5", in_tmp("cut"));
    cr_assert_str_eq(err.msg, want);
    ric_plan_free(p);
}

Test(experiment, an_interrupted_sweep_resumes_to_the_same_output, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    sweep_to(p, in_tmp("whole"), jobs(1));
    /* stop after a few runs: ric_sweep_free ends the workers still running */
    ric_sweep *sw = NULL;
    ric_err err = {{0}};
    ric_sweep_opts o = jobs(2);
    cr_assert_eq(ric_sweep_open(p, in_tmp("cut"), &o, &sw, &err), RIC_OK, "%s", err.msg);
    ric_sweep_progress pg = {0};
    while (pg.done < 7) {
        ric_sweep_event ev;
        cr_assert_eq(ric_sweep_step(sw, &ev, &err), RIC_OK, "%s", err.msg);
        ric_sweep_progress_get(sw, &pg);
    }
    ric_sweep_free(sw);
    cr_assert(!exists(in_tmp("cut/stats.tsv")));
    o.resume = 1;
    pg = sweep_to(p, in_tmp("cut"), o);
    cr_assert_geq(pg.kept, 7);
    cr_assert_eq(pg.done, 24);
    same_results(in_tmp("whole"), in_tmp("cut"));
    pg = sweep_to(p, in_tmp("cut"), o);
    cr_assert_eq(pg.kept, 24, "a finished sweep resumes to nothing");
    same_results(in_tmp("whole"), in_tmp("cut"));
    ric_plan_free(p);
}

/* A slower experiment (60 years, 400 firms: tens of milliseconds a run) so that a kill lands in
 * the middle of the sweep. */
static const char slow_exp[] =
    "name = \"slow\";\n"
    "time = { start = 1950.0; end = 2010.0; steps_per_year = 12; output_every = 12; };\n"
    "regions = { dst = { labour_pool = 500.0; pool_inflow_per_year = 120.0; startup_rate = 3.5; "
    "}; };\n"
    "organisations = { kaist = { kind = \"university\"; region = \"dst\"; staff = 400.0;\n"
    "                            knowledge = 1.3; tto_per_year = 2.0; graduates_per_year = 150.0; "
    "}; };\n"
    "firms = { locals = { region = \"dst\"; count = 400; employees = 12.5; }; };\n"
    "experiment = { seed = 77L; replications = 10; };\n";

Test(experiment, a_killed_sweep_resumes_to_the_output_of_an_uninterrupted_one, .init = make_tmp,
     .fini = cleanup)
{
    char exp[256], done3[256];
    snprintf(exp, sizeof exp, "%s", write_file("slowexp.cfg", slow_exp));
    snprintf(done3, sizeof done3, "%s", in_tmp("cut/.runs/2.row"));
    result r =
        ricsim((const char *[]){"sweep", exp, "--out", in_tmp("whole"), "--jobs", "2", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    result_free(&r);

    pid_t pid = spawn_ricsim(
        (const char *[]){"sweep", exp, "--out", in_tmp("cut"), "--jobs", "2", NULL}, 1);
    /* wait for three complete runs, then kill the sweep and its workers at once */
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < 20000 && !exists(done3); i++)
        nanosleep(&ms, NULL);
    cr_assert_eq(kill(-pid, SIGKILL), 0);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFSIGNALED(status), "the sweep was killed, not finished");
    cr_assert(!exists(in_tmp("cut/stats.tsv")), "killed before the end");
    char *runs = slurp(in_tmp("cut/runs.tsv"));
    cr_assert_lt(count(runs, "\n"), 11, "runs.tsv holds a prefix of the runs");
    free(runs);

    cli_fails((const char *[]){"sweep", exp, "--out", in_tmp("cut"), NULL}, 2, "");
    r = ricsim((const char *[]){"sweep", exp, "--out", in_tmp("cut"), "--resume", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert_str_empty(r.err, "no progress line when stderr is not a terminal");
    cr_assert_not_null(strstr(r.out, "runs in"), "%s", r.out);
    result_free(&r);
    same_results(in_tmp("whole"), in_tmp("cut"));
}

Test(experiment, sigterm_stops_the_sweep_between_runs_and_resume_continues, .init = make_tmp,
     .fini = cleanup)
{
    char exp[256], done2[256];
    snprintf(exp, sizeof exp, "%s", write_file("slowexp.cfg", slow_exp));
    snprintf(done2, sizeof done2, "%s", in_tmp("cut/.runs/1.row"));
    pid_t pid = spawn_ricsim(
        (const char *[]){"sweep", exp, "--out", in_tmp("cut"), "--jobs", "2", NULL}, 0);
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < 20000 && !exists(done2); i++)
        nanosleep(&ms, NULL);
    cr_assert_eq(kill(pid, SIGTERM), 0, "only the sweep: it stops its workers itself");
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "exit status 1");
    char *err = slurp(in_tmp(".stderr"));
    char want[300];
    snprintf(want, sizeof want, "ricsim: %s: interrupted after ", in_tmp("cut"));
    cr_assert_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
    cr_assert_not_null(strstr(err, " runs; --resume continues the sweep\n"), "%s", err);
    free(err);
    cr_assert(!exists(in_tmp("cut/stats.tsv")));
    result r = ricsim((const char *[]){"sweep", exp, "--out", in_tmp("cut"), "--resume", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    result_free(&r);
    r = ricsim((const char *[]){"sweep", exp, "--out", in_tmp("whole"), NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    result_free(&r);
    same_results(in_tmp("whole"), in_tmp("cut"));
}

/* Row 1 allows 41 firms where 40 are placed and start-ups arrive: its runs exhaust the capacity. */
static const char failing_exp[] =
    EXP("  replications = 3;\n"
        "  design = \"zip\";\n" PARAM("key = \"limits.max_firms\"; values = [1000, 41, 1000];"));

Test(experiment, failed_runs_are_recorded_and_the_others_go_on, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(failing_exp);
    ric_sweep *sw = NULL;
    ric_err err = {{0}};
    ric_sweep_opts o = jobs(2);
    cr_assert_eq(ric_sweep_open(p, in_tmp("out"), &o, &sw, &err), RIC_OK, "%s", err.msg);
    size_t failures = 0;
    while (!ric_sweep_done(sw)) {
        ric_sweep_event ev;
        cr_assert_eq(ric_sweep_step(sw, &ev, &err), RIC_OK, "%s", err.msg);
        if (ev.finished && !ev.ok) {
            failures++;
            cr_assert(ev.id >= 3 && ev.id < 6, "run %zu", ev.id);
            cr_assert_not_null(strstr(ev.error, "needs more than 'limits.max_firms' = 41 firms"),
                               "%s", ev.error);
        }
    }
    cr_assert_eq(failures, 3);
    cr_assert_eq(ric_sweep_finish(sw, &err), RIC_OK, "%s", err.msg);
    ric_sweep_free(sw);
    char *runs = slurp(in_tmp("out/runs.tsv")), *stats = slurp(in_tmp("out/stats.tsv"));
    cr_assert_eq(count(runs, "\tok\t"), 6);
    cr_assert_eq(count(runs, "\tfailed\t"), 3);
    /* steps per second and the 9 default indicators x (final, mean, max) */
    cr_assert_eq(count(runs, "\tNaN"), 3 * (1 + 27), "failed runs have no summaries");
    cr_assert_not_null(strstr(stats, "# [row 1] scenario="));
    cr_assert_not_null(strstr(strstr(stats, "# [row 1]"), "_hi\n\n\n# [row 2]"),
                       "a row without a successful run has a header and no rows");
    cr_assert(exists(in_tmp("out/.runs/4.row")), "failed runs stay for --resume to retry");
    free(runs);
    free(stats);
    ric_plan_free(p);
}

Test(experiment, on_error_stop_starts_no_new_run, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(failing_exp);
    ric_sweep_opts o = {.jobs = 1, .stop_on_error = 1};
    ric_sweep_progress pg = sweep_to(p, in_tmp("out"), o);
    cr_assert_eq(pg.failed, 1);
    cr_assert_eq(pg.done, 4, "runs 0-2 succeeded, run 3 failed, none after it started");
    cr_assert(!exists(in_tmp("out/stats.tsv")));
    ric_plan_free(p);
    write_file("base.cfg", base_cfg);
    char exp[256];
    snprintf(exp, sizeof exp, "%s", write_file("exp.cfg", failing_exp));
    result r = ricsim((const char *[]){"sweep", exp, "--out", in_tmp("cli"), "--jobs", "1",
                                       "--on-error", "stop", NULL});
    cr_assert_eq(r.code, 1);
    cr_assert_not_null(strstr(r.err, "ricsim: run 3 failed: "), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "ricsim: stopped after a failed run (--on-error stop): 4 of "
                                     "9 runs done; --resume retries"),
                       "%s", r.err);
    result_free(&r);
    r = ricsim(
        (const char *[]){"sweep", exp, "--out", in_tmp("cli"), "--jobs", "2", "--resume", NULL});
    cr_assert_eq(r.code, 1, "the failures repeat: exit 1");
    cr_assert_not_null(strstr(r.err, "ricsim: 3 of 9 runs failed (status and error in "), "%s",
                       r.err);
    result_free(&r);
    cr_assert(exists(in_tmp("cli/stats.tsv")));
}

Test(experiment, existing_results_need_force_or_resume, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    sweep_to(p, in_tmp("out"), jobs(2));
    ric_plan_free(p);
    char exp[256];
    snprintf(exp, sizeof exp, "%s", in_tmp("exp.cfg"));
    char want[512];
    snprintf(want, sizeof want,
             "%s: already holds results (plan.tsv); use --resume to continue "
             "the sweep or --force to replace them",
             in_tmp("out"));
    cli_fails((const char *[]){"sweep", exp, "--out", in_tmp("out"), NULL}, 2, want);
    /* a single run's folder is protected too */
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load(in_tmp("base.cfg"), NULL, 0, &sc, &err), RIC_OK);
    cr_assert_eq(ric_run(sc, in_tmp("single"), 0, &err), RIC_OK, "%s", err.msg);
    ric_scenario_free(sc);
    snprintf(want, sizeof want, "%s: already holds results (series.tsv)", in_tmp("single"));
    cli_fails((const char *[]){"sweep", exp, "--out", in_tmp("single"), NULL}, 2, want);
    /* the experiment changed: resume refuses, force starts over */
    char *text = strdup(grid_exp);
    memcpy(strstr(text, "replications = 4"), "replications = 3", 16);
    write_file("exp.cfg", text);
    free(text);
    snprintf(want, sizeof want,
             "%s/plan.tsv: the experiment differs from the one this sweep "
             "started with; use --force to start over",
             in_tmp("out"));
    cli_fails((const char *[]){"sweep", exp, "--out", in_tmp("out"), "--resume", NULL}, 2, want);
    result r = ricsim((const char *[]){"sweep", exp, "--out", in_tmp("out"), "--force", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    result_free(&r);
    char *runs = slurp(in_tmp("out/runs.tsv"));
    cr_assert_eq(count(runs, "\n"), 19);
    free(runs);
}

Test(experiment, a_second_sweep_into_the_same_folder_is_refused, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    ric_sweep *sw = NULL;
    ric_err err = {{0}};
    ric_sweep_opts o = jobs(1);
    cr_assert_eq(ric_sweep_open(p, in_tmp("out"), &o, &sw, &err), RIC_OK, "%s", err.msg);
    char want[300];
    snprintf(want, sizeof want, "%s: another sweep is writing into this folder", in_tmp("out"));
    cli_fails(
        (const char *[]){"sweep", in_tmp("exp.cfg"), "--out", in_tmp("out"), "--resume", NULL}, 2,
        want);
    ric_sweep_free(sw);
    ric_plan_free(p);
}

Test(experiment, progress_line_on_a_terminal_only, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", base_cfg);
    char exp[256];
    snprintf(exp, sizeof exp, "%s", write_file("exp.cfg", grid_exp));
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    cr_assert_geq(master, 0);
    cr_assert_eq(grantpt(master), 0);
    cr_assert_eq(unlockpt(master), 0);
    const char *argv[] = {RIC_BINARY, "sweep", exp, "--out", in_tmp("out"), "--jobs", "2", NULL};
    posix_spawn_file_actions_t fa;
    cr_assert_eq(posix_spawn_file_actions_init(&fa), 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, ptsname(master), O_RDWR | O_NOCTTY, 0);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, RIC_BINARY, &fa, NULL, (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    char buf[65536];
    size_t n = 0;
    ssize_t got;
    while (n < sizeof buf - 1 && (got = read(master, buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)got; /* ends with EIO once the sweep has closed the terminal */
    buf[n] = '\0';
    close(master);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_not_null(strstr(buf, "\rricsim: 24/24 runs, "), "%s", buf);
    cr_assert_not_null(strstr(buf, " runs/s, "), "%s", buf);
    cr_assert_not_null(strstr(buf, " left"), "%s", buf);
}

Test(experiment, command_line_usage_errors, .init = make_tmp, .fini = cleanup)
{
    write_file("base.cfg", base_cfg);
    char exp[256];
    snprintf(exp, sizeof exp, "%s", write_file("exp.cfg", grid_exp));
    cli_fails((const char *[]){"sweep", exp, NULL}, 2, "sweep: missing --out DIR");
    cli_fails((const char *[]){"sweep", "--out", "x", NULL}, 2, "sweep: missing EXPERIMENT.cfg");
    cli_fails((const char *[]){"sweep", exp, "--out", "x", "--jobs", "0", NULL}, 2,
              "--jobs must be a whole number from 1 to 256 (got '0')");
    cli_fails((const char *[]){"sweep", exp, "--out", "x", "--shard", "4/4", NULL}, 2,
              "--shard must be I/N with 0 <= I < N (got '4/4'); I counts from 0, e.g. "
              "--array=0-3 in Slurm");
    cli_fails((const char *[]){"sweep", exp, "--out", "x", "--resume", "--force", NULL}, 2,
              "--resume and --force exclude each other");
    cli_fails((const char *[]){"sweep", exp, "--out", "x", "--on-error", "skip", NULL}, 2,
              "--on-error must be continue or stop (got 'skip')");
    cli_fails((const char *[]){"plan", exp, "--out", "x", NULL}, 2, "plan takes no '--out'");
    cli_fails((const char *[]){"merge", "x", "--jobs", "2", NULL}, 2, "merge takes no '--jobs'");
    cli_fails((const char *[]){"compare", exp, exp, "--out", "x", NULL}, 2,
              "compare: missing --reps R");
    cli_fails((const char *[]){"compare", exp, exp, "--out", "x", "--reps", "1", NULL}, 2,
              "--reps must be a whole number from 2 to 100000 (got '1')");
    cli_fails((const char *[]){"plan", in_tmp("none.cfg"), NULL}, 2, "");
    result r = ricsim((const char *[]){"plan", exp, "--shard", "1/6", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert_eq(count(r.out, " --out run_"), 4);
    cr_assert_not_null(strstr(r.out, "\n4\t1\t0\t"));
    result_free(&r);
}

/* ---- MPI ------------------------------------------------------------------------------------ */

Test(experiment, an_mpi_sweep_on_two_ranks_writes_what_a_local_sweep_writes, .init = make_tmp,
     .fini = cleanup)
{
#ifndef RIC_MPIEXEC
    cr_skip_test("built without MPI");
#else
    ric_plan *p = plan_of(grid_exp);
    sweep_to(p, in_tmp("local"), jobs(2));
    ric_plan_free(p);
    char exp[256], out[256];
    snprintf(exp, sizeof exp, "%s", in_tmp("exp.cfg"));
    snprintf(out, sizeof out, "%s", in_tmp("mpi"));
    /* as root (CI) OpenMPI wants both variables; leak checks stop at MPI's own allocations */
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    const char *argv[] = {
        RIC_MPIEXEC, "-n",    "2", "--oversubscribe", "-x", "ASAN_OPTIONS=detect_leaks=0",
        RIC_BINARY,  "sweep", exp, "--out",           out,  NULL};
    char so[300], se[300];
    snprintf(so, sizeof so, "%s/.stdout", tmp);
    snprintf(se, sizeof se, "%s/.stderr", tmp);
    posix_spawn_file_actions_t fa;
    cr_assert_eq(posix_spawn_file_actions_init(&fa), 0);
    posix_spawn_file_actions_addopen(&fa, 1, so, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, se, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, RIC_MPIEXEC, &fa, NULL, (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    waitpid(pid, &status, 0);
    char *o = slurp(so), *e = slurp(se);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "mpirun failed: %s %s", o, e);
    cr_assert_not_null(strstr(o, "24 runs in "), "%s", o);
    cr_assert_not_null(strstr(o, "with 1 MPI worker ranks"), "rank 0 handed the runs out: %s", o);
    free(o);
    free(e);
    same_results(in_tmp("local"), out);
#endif
}

/* ---- comparisons ---------------------------------------------------------------------------- */

Test(experiment, compare_pairs_scenarios_and_narrows_the_interval, .init = make_tmp,
     .fini = cleanup)
{
    /* tests/golden/tiny.cfg with and without its firm-grant programme */
    char *tiny = slurp(RIC_SOURCE_DIR "/tests/golden/tiny.cfg");
    cr_assert_not_null(tiny);
    const char *a = write_file("tiny.cfg", tiny);
    free(tiny);
    const char *b = write_file("no_grant.cfg", "@include \"tiny.cfg\"\n"
                                               "variant = { name = \"tiny_no_grant\"; remove = "
                                               "[\"programmes.grant\"]; };\n");
    result r = ricsim((const char *[]){"compare", a, b, "--reps", "8", "--out", in_tmp("cmp"),
                                       "--jobs", "2", "--seed", "5", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "ricsim compare: B = "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "8 replications on common seeds (master seed 5)"));
    cr_assert_not_null(strstr(r.out, "  grant (with it: A = "), "%s", r.out);
    result_free(&r);
    char *diff = slurp(in_tmp("cmp/diff.tsv")), *effect = slurp(in_tmp("cmp/effect.tsv"));
    char *note = slurp(in_tmp("cmp/note.txt"));
    cr_assert_not_null(diff);
    cr_assert_not_null(note);
    cr_assert_not_null(strstr(diff, "\nyear\tfirms_diff\tfirms_lo\tfirms_hi\tfirms_lo_unpaired\t"
                                    "firms_hi_unpaired\tfirms_vrf\t"));
    cr_assert_eq(count(diff, "\n") - count(diff, "# "), 1 + 60, "a row per month");
    for (size_t h = 0; h < 4; h++) {
        const char *row[] = {"\ngrant\tA\tduring\t", "\ngrant\tA\tplus5\tNaN\t8\tNaN",
                             "\ngrant\tA\tplus10\tNaN\t8\tNaN", "\ngrant\tA\tend\t"};
        cr_assert_not_null(strstr(effect, row[h]), "no row %s in %s", row[h] + 1, effect);
    }
    /* at the end the pairing must narrow the interval of employees_smes: VRF > 1 */
    const char *last = diff + strlen(diff) - 1;
    while (last > diff && last[-1] != '\n')
        last--;
    const char *hdr = strstr(diff, "\nyear\t") + 1;
    size_t col = 0;
    for (const char *h = hdr; strncmp(h, "employees_smes_vrf", 18) != 0; h++) {
        cr_assert(*h && *h != '\n', "no employees_smes_vrf column");
        col += *h == '\t';
    }
    const char *v = last;
    for (size_t k = 0; k < col; k++)
        v = strchr(v, '\t') + 1;
    double vrf = strtod(v, NULL);
    cr_assert_gt(vrf, 1.0, "pairing gains nothing (vrf %g)", vrf);
    cr_assert_not_null(strstr(note, "employees_smes"));
    char *rstats = slurp(in_tmp("cmp/regions_stats.tsv"));
    cr_assert_not_null(rstats, "a comparison writes regions_stats.tsv");
    cr_assert_not_null(strstr(rstats, "\n# [row 0 region town] n=8\n"));
    cr_assert_not_null(strstr(rstats, "\n# [row 1 region cap] n=8\n"));
    free(rstats);
    free(diff);
    free(effect);
    free(note);
    /* the seeds of A and B are common: runs k and 8 + k share theirs */
    char *plan = slurp(in_tmp("cmp/plan.tsv"));
    char seed[64];
    snprintf(seed, sizeof seed, "\t%llu\t", (unsigned long long)ric_design_seed(5, 3));
    cr_assert_eq(count(plan, seed), 2);
    free(plan);
}

/* The shipped experiments load and plan as their comments say. */
Test(experiment, shipped_experiments_load)
{
    const struct {
        const char *file;
        size_t rows, reps;
    } shipped[] = {{"sweep_ris_budget.cfg", 3, 5},
                   {"sweep_spillover.cfg", 12, 5},
                   {"sweep_creative.cfg", 54, 5},
                   {"sweep_creative_base.cfg", 54, 5}};
    for (size_t k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/scenarios/%s", RIC_SOURCE_DIR, shipped[k].file);
        ric_plan *p = NULL;
        ric_err err = {{0}};
        cr_assert_eq(ric_plan_load(path, &p, &err), RIC_OK, "%s", err.msg);
        cr_assert_eq(p->d.n_rows, shipped[k].rows, "%s: %zu rows", shipped[k].file, p->d.n_rows);
        cr_assert_eq(p->reps, shipped[k].reps, "%s", shipped[k].file);
        ric_plan_free(p);
    }
}

/* ---- reliability (issue 16) ------------------------------------------------------------------ */

/* Design rows with different output steps: stats.tsv used to keep the buffer of the first, shorter
 * row and overflow it on the second (a heap overflow, exit 134). */
Test(experiment, stats_of_rows_with_different_time_settings, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of("@include \"base.cfg\"\n"
                          "experiment = {\n"
                          "  seed = 2385L;\n"
                          "  replications = 9;\n"
                          "  parameters = (\n"
                          "    { key = \"time.end\"; values = [2000.5, 2003.0]; },\n"
                          "    { key = \"time.output_every\"; values = [12, 1]; }\n"
                          "  );\n"
                          "  indicators = [\"firms\", \"employees_smes\", \"spinoffs_cum\"];\n"
                          "};\n");
    sweep_to(p, in_tmp("out"), jobs(2));
    ric_plan_free(p);
    char *stats = slurp(in_tmp("out/stats.tsv"));
    /* rows of 1, 6, 3 and 36 output steps: every one complete */
    cr_assert_eq(count(stats, "\n2000.5000\t9\t"), 3, "%s", stats);
    cr_assert_eq(count(stats, "\n2002.0000\t9\t"), 2);
    cr_assert_eq(count(stats, "\n2003.0000\t9\t"), 2);
    cr_assert_eq(count(stats, "\t9\t"), 1 + 6 + 3 + 36);
    free(stats);
}

/* compare refuses scenarios with different time settings before running anything */
Test(experiment, compare_checks_time_settings_first, .init = make_tmp, .fini = cleanup)
{
    const char *a = write_file("a.cfg", TINY_CFG_TEXT);
    char pa[256];
    snprintf(pa, sizeof pa, "%s", a);
    const char *b = write_file("b.cfg", "@include \"a.cfg\"\n"
                                        "variant = { name = \"longer\"; set = "
                                        "[\"time.end=2004.0\"]; };\n");
    char want[1024];
    snprintf(want, sizeof want,
             "%s and %s differ in 'time.end' (2003 and 2004); a comparison needs the same time "
             "settings",
             pa, b);
    cli_fails((const char *[]){"compare", pa, b, "--reps", "2", "--out", in_tmp("cmp"), NULL}, 2,
              want);
    cr_assert(!exists(in_tmp("cmp")), "compare wrote files before refusing");
}

/* --force removes ricsim's own per-run names in DIR/.runs and nothing else, and never writes
 * through a link planted as DIR/.runs (issue 16: it deleted every file and a decoy's files) */
Test(experiment, force_removes_only_ricsims_own_files, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    sweep_to(p, in_tmp("out"), jobs(2));
    ric_plan_free(p);
    cr_assert_eq(mkdir(in_tmp("out/.runs"), 0777), 0);
    cr_assert_eq(mkdir(in_tmp("decoy"), 0777), 0);
    write_file("decoy/3.row", "precious\n");
    write_file("decoy/keep.txt", "precious\n");
    write_file("out/.runs/notes.txt", "mine\n");
    write_file("out/.runs/7.row.bak", "mine\n");
    write_file("out/.runs/12.series", "stale\n");
    write_file("out/.runs/12.row.tmp.99", "stale\n");
    char target[256];
    snprintf(target, sizeof target, "%s", in_tmp("decoy/keep.txt"));
    cr_assert_eq(symlink(target, in_tmp("out/.runs/5.row")), 0);
    char exp[256];
    snprintf(exp, sizeof exp, "%s", in_tmp("exp.cfg"));
    result r = ricsim((const char *[]){"sweep", exp, "--out", in_tmp("out"), "--force", NULL});
    cr_assert_eq(r.code, 0, "%s", r.err);
    result_free(&r);
    cr_assert(exists(in_tmp("out/.runs/notes.txt")) && exists(in_tmp("out/.runs/7.row.bak")),
              "--force removed files ricsim did not write");
    cr_assert(!exists(in_tmp("out/.runs/12.series")) && !exists(in_tmp("out/.runs/12.row.tmp.99")));
    struct stat st;
    cr_assert_neq(lstat(in_tmp("out/.runs/5.row"), &st), 0,
                  "a link under a run file's name is removed, not followed");
    cr_assert(exists(in_tmp("decoy/keep.txt")) && exists(in_tmp("decoy/3.row")));
    /* DIR/.runs a link to the decoy: refused, nothing of the decoy removed or written */
    remove_tree(in_tmp("out/.runs"));
    snprintf(target, sizeof target, "%s", in_tmp("decoy"));
    cr_assert_eq(symlink(target, in_tmp("out/.runs")), 0);
    char want[512];
    snprintf(want, sizeof want,
             "%s: is not a folder; ricsim writes its per-run files only into a folder it made",
             in_tmp("out/.runs"));
    cli_fails((const char *[]){"sweep", exp, "--out", in_tmp("out"), "--force", NULL}, 2, want);
    cr_assert_eq(n_entries(in_tmp("decoy")), 2);
    cr_assert(exists(in_tmp("decoy/3.row")));
}

/* merge checks every shard against the plan before writing anything, names the broken shard's
 * file and line, and refuses a FIFO at once (issue 16: short or garbage output with exit 0, a
 * partial output, the merged file named, a hang) */
static void merge_refuses(const char *broken, const char *text, const char *want_tail)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", in_tmp("cut/shard-1-of-3"), broken);
    char *saved = slurp(path);
    unlink(path);
    if (text) {
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(text, f);
        fclose(f);
    } else {
        cr_assert_eq(mkfifo(path, 0600), 0);
    }
    size_t n = 0;
    ric_err err = {{0}};
    cr_assert_neq(ric_sweep_merge(in_tmp("cut"), 1, &n, &err), RIC_OK, "merged a broken %s",
                  broken);
    char want[600];
    snprintf(want, sizeof want, "%s%s", path, want_tail);
    cr_assert_str_eq(err.msg, want);
    const char *outs[] = {"plan.tsv",  "runs.tsv",    "series.tsv",
                          "stats.tsv", "regions.tsv", "regions_stats.tsv"};
    for (int i = 0; i < 6; i++) {
        char o[300];
        snprintf(o, sizeof o, "%s/%s", in_tmp("cut"), outs[i]);
        cr_assert_not(exists(o), "a failed merge left %s", outs[i]);
    }
    unlink(path);
    FILE *f = fopen(path, "w");
    fputs(saved, f);
    fclose(f);
    free(saved);
}

Test(experiment, merge_validates_every_shard, .init = make_tmp, .fini = cleanup)
{
    ric_plan *p = plan_of(grid_exp);
    for (size_t i = 0; i < 3; i++) {
        ric_sweep_opts o = {.jobs = 2, .shard = i, .n_shards = 3};
        sweep_to(p, in_tmp("cut"), o);
    }
    ric_plan_free(p);
    char *runs = slurp(in_tmp("cut/shard-1-of-3/runs.tsv"));
    char *series = slurp(in_tmp("cut/shard-1-of-3/series.tsv"));
    /* runs.tsv missing its last row, with a row of another run, random bytes, truncated */
    char *cut = strdup(runs);
    cut[strlen(cut) - 1] = '\0';
    *(strrchr(cut, '\n') + 1) = '\0';
    merge_refuses("runs.tsv", cut, ": 1 of the shard's 8 runs are missing");
    char *other = strdup(runs);
    char *row = strchr(other, '\n') + 1;
    row[0] = '9';
    row[1] = '\t'; /* run 8 becomes run 9 */
    merge_refuses("runs.tsv", other, ":2: expected the row of run 8 of the plan");
    merge_refuses("runs.tsv", "\x8f\x11z\x02\xff\n",
                  ":1: the header differs from the plan's and "
                  "shard 0's");
    char *trunc = strdup(runs);
    trunc[strlen(trunc) - 7] = '\0';
    merge_refuses("runs.tsv", trunc, ": truncated (no newline at the end)");
    /* series.tsv: a data set dropped, a row cut short, random bytes, a FIFO */
    char *drop = strdup(series);
    *strstr(drop, "# [run 9]") = '\0';
    merge_refuses("series.tsv", drop, ": 7 of the shard's 8 data sets are missing");
    char *bad = strdup(series);
    char *r = strstr(strstr(bad, "# [run 10]"), "\n2001.0000\t");
    *strchr(r + 1, '\t') = ' ';
    char tail[64];
    size_t line = 1;
    for (const char *q = bad; q < r + 1; q++)
        line += *q == '\n';
    snprintf(tail, sizeof tail, ":%zu: a row that does not match its header", line);
    merge_refuses("series.tsv", bad, tail);
    merge_refuses("series.tsv", "\x01\x02garbage\n", ": 8 of the shard's 8 data sets are missing");
    merge_refuses("series.tsv", NULL, ": cannot read: not a regular file");
    /* regions.tsv: a data set of another shard's run, a row cut short, truncated, a FIFO */
    char *regions = slurp(in_tmp("cut/shard-1-of-3/regions.tsv"));
    char *moved = strdup(regions);
    char *at = strstr(moved, "# [run 9 region dst]");
    size_t line_at = 1;
    for (const char *q = moved; q < at; q++)
        line_at += *q == '\n';
    at[7] = '2'; /* run 9 becomes run 2, of shard 0 */
    snprintf(tail, sizeof tail, ":%zu: expected a region's data set of run 8 to 15 of the plan",
             line_at);
    merge_refuses("regions.tsv", moved, tail);
    char *short_row = strdup(regions);
    r = strstr(strstr(short_row, "# [run 11 region"), "\n2002.0000\t");
    *strchr(r + 1, '\t') = ' ';
    line = 1;
    for (const char *q = short_row; q < r + 1; q++)
        line += *q == '\n';
    snprintf(tail, sizeof tail, ":%zu: a row that does not match its header", line);
    merge_refuses("regions.tsv", short_row, tail);
    char *rtrunc = strdup(regions);
    rtrunc[strlen(rtrunc) - 3] = '\0';
    merge_refuses("regions.tsv", rtrunc, ": truncated (no newline at the end)");
    merge_refuses("regions.tsv", NULL, ": cannot read: not a regular file");
    free(regions);
    free(moved);
    free(short_row);
    free(rtrunc);
    free(cut);
    free(other);
    free(trunc);
    free(drop);
    free(bad);
    free(runs);
    free(series);
    size_t n = 0;
    ric_err err = {{0}};
    cr_assert_eq(ric_sweep_merge(in_tmp("cut"), 1, &n, &err), RIC_OK, "%s", err.msg);
}
