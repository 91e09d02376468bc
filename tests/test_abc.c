/* Calibration by ABC-SMC (studies/abc.c), the targets that are functions of the output over time
 * (studies/targets.c), the comparison over posterior draws (compare --posterior) and the
 * sensitivity of a contrast: the pieces by hand (distance, ESS, Del Moral's tolerance rule, a
 * target's value, the law of total variance), a toy calibration of the tiny scenario to its own
 * output at known parameters whose posterior must cover them and narrow from the prior, resume
 * after an interruption and shards merged round by round to the same bytes, the Slurm script, a
 * comparison whose parameter uncertainty dominates (share near 1) or vanishes (one particle:
 * near 0), and a contrast of a scenario with itself (exactly 0) and with another (the paired
 * difference of the two runs). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ricsim/stats.h"
#include "studies/abc.h"
#include "studies/calibrate.h"
#include "studies/posterior.h"
#include "studies/sensitivity.h"
#include "tmpdir.h"

#define TINY RIC_SOURCE_DIR "/tests/golden/tiny.cfg"

/* ---- the pieces ---------------------------------------------------------------------------- */

Test(abc, distance_is_the_weighted_rms_of_scaled_differences)
{
    ric_target t[4] = {
        {.observed = 100, .tolerance = 10, .weight = 1, .relation = '='},
        {.observed = 0, .tolerance = 4, .weight = 3, .relation = '>'},
        {.observed = 50, .tolerance = 5, .weight = 0, .relation = '='}, /* not fitted */
        {.observed = 2, .tolerance = 0.5, .weight = 2, .relation = '<'},
    };
    double v[4] = {112, 8, 1e9, 1.25};
    /* (1 * 1.2^2 + 3 * 0 + 2 * 0) / 6: the bounds hold */
    cr_assert_float_eq(ric_abc_distance(t, 4, v), sqrt(1.44 / 6), 1e-12);
    v[1] = -2.385; /* below its bound: (-2.385 / 4)^2 counts */
    v[3] = 3;      /* above its bound: (1 / 0.5)^2 counts */
    double want = (1.44 + 3 * (2.385 / 4) * (2.385 / 4) + 2 * 4.0) / 6;
    cr_assert_float_eq(ric_abc_distance(t, 4, v), sqrt(want), 1e-12);
    v[2] = NAN; /* an unfitted NaN does not matter, a fitted one makes the run fail */
    cr_assert(isfinite(ric_abc_distance(t, 4, v)));
    v[0] = NAN;
    cr_assert(isinf(ric_abc_distance(t, 4, v)));
}

Test(abc, ess_and_the_tolerance_rule_by_hand)
{
    double w[4] = {1, 1, 1, 1};
    cr_assert_float_eq(ric_abc_ess(w, 4), 4, 1e-12);
    double w2[3] = {2, 1, 0};
    cr_assert_float_eq(ric_abc_ess(w2, 3), 9.0 / 5.0, 1e-12);
    /* four particles of two replications each, equal weights: at eps the weights are the share of
     * each particle's runs within it */
    double d[8] = {0.5, 3.0, 1.0, 1.5, 2.0, 4.0, 6.0, 7.0};
    /* the ESS at each distance: eps 2.0 keeps shares 1/2, 1, 1/2, 0 -> (2)^2 / 1.5 = 2.67;
     * 1.5 keeps 1/2, 1, 0, 0 -> 2.25 / 1.25 = 1.8; 1.0 keeps 1/2, 1/2 -> 2; 0.5 keeps 1/2 -> 1.
     * The ESS need not fall with eps: the rule takes the smallest eps that keeps alpha of it. */
    cr_assert_float_eq(ric_abc_next_tolerance(4, 2, w, d, INFINITY, 0.6, 0), 2.0, 1e-12);
    cr_assert_float_eq(ric_abc_next_tolerance(4, 2, w, d, INFINITY, 0.45, 0), 1.0, 1e-12);
    cr_assert_float_eq(ric_abc_next_tolerance(4, 2, w, d, INFINITY, 0.2, 0), 0.5, 1e-12);
    /* the floor wins when it is larger */
    cr_assert_float_eq(ric_abc_next_tolerance(4, 2, w, d, INFINITY, 0.45, 2.385), 2.385, 1e-12);
    /* from a finite tolerance the shares are relative to it: eps_prev 3 keeps everyone but
     * particle 3 */
    double e = ric_abc_next_tolerance(4, 2, w, d, 3.0, 0.99, 0);
    cr_assert_float_eq(e, 3.0, 1e-12, "%g", e);
}

static void targets_text(const char *text, ric_target **t, size_t *n, ric_status want,
                         const char *msg)
{
    const char *path = write_file("t.tsv", text);
    ric_err err = {{0}};
    ric_status st = ric_calibrate_targets_read(path, t, n, &err);
    cr_assert_eq(st, want, "%s", err.msg);
    if (msg)
        cr_assert(strstr(err.msg, msg), "message '%s' lacks '%s'", err.msg, msg);
}

#define XHEAD "year\tuntil\tstat\tcolumn\tover\trelation\tobserved\ttolerance\tweight\n"

Test(abc, targets_over_time_and_their_values_by_hand, .init = make_tmp, .fini = cleanup)
{
    ric_target *t = NULL;
    size_t n = 0;
    targets_text(XHEAD "1998\t2001\tsum\tspinoffs\t\t\t150\t30\t1\n"
                       "1997\t1998\tchange\tspinoffs_cum_ri_gvt\tspinoffs_cum\t\t0.6\t0.1\t1\n"
                       "2001.667\t\tvalue\tsmes\tfirms\t\t0.58\t0.05\t1\n"
                       "2002\t\t\tjobs_net\t\t>\t0\t10\t1\n",
                 &t, &n, RIC_OK, NULL);
    cr_assert_eq(n, 4);
    cr_assert_eq(t[0].stat, RIC_TARGET_SUM);
    cr_assert_eq(t[1].stat, RIC_TARGET_CHANGE);
    cr_assert_str_eq(t[1].over, "spinoffs_cum");
    cr_assert_eq(t[3].relation, '>');
    cr_assert(isnan(t[2].until));
    ric_study st = {0};
    ric_err err = {{0}};
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(ric_calibrate_target_probes(&t[i], &st, &err), RIC_OK, "%s", err.msg);
    /* sum(spinoffs), ri_gvt@1997, ri_gvt@1998, cum@1997, cum@1998, smes, firms, jobs_net */
    cr_assert_eq(st.n_probes, 8);
    cr_assert(st.probes[0].sum && st.probes[0].until == 2001);
    double y[8] = {152.5, 10, 40, 20, 70, 29, 50, -3};
    cr_assert_float_eq(ric_calibrate_target_value(&t[0], y), 152.5, 1e-12);
    cr_assert_float_eq(ric_calibrate_target_value(&t[1], y), 30.0 / 50.0, 1e-12);
    cr_assert_float_eq(ric_calibrate_target_value(&t[2], y), 29.0 / 50.0, 1e-12);
    cr_assert_float_eq(ric_calibrate_target_value(&t[3], y), -3, 1e-12);
    y[6] = 0; /* a share of nothing is undefined */
    cr_assert(isnan(ric_calibrate_target_value(&t[2], y)));
    char lab[256];
    ric_calibrate_target_label(&t[1], lab, sizeof lab);
    cr_assert_str_eq(lab, "change(spinoffs_cum_ri_gvt,1997-1998)/spinoffs_cum");
    free(t);

    targets_text(XHEAD "1998\t\tsum\tspinoffs\t\t\t150\t30\t1\n", &t, &n, RIC_ESCENARIO,
                 "t.tsv:2: 'stat' sum needs 'until' after 'year' 1998");
    targets_text(XHEAD "1998\t2000\t\tsmes\t\t\t150\t30\t1\n", &t, &n, RIC_ESCENARIO,
                 "t.tsv:2: 'until' 2000 needs 'stat' change or sum");
    targets_text(XHEAD "1998\t\tmean\tsmes\t\t\t150\t30\t1\n", &t, &n, RIC_ESCENARIO,
                 "t.tsv:2: 'stat' must be value, change or sum (got 'mean')");
    targets_text(XHEAD "1998\t\t\tsmes\t\t>=\t150\t30\t1\n", &t, &n, RIC_ESCENARIO,
                 "t.tsv:2: 'relation' must be =, > or < (got '>=')");
    targets_text(XHEAD "1998\t\t\tsmes\t\t\t150\t-3\t1\n", &t, &n, RIC_ESCENARIO,
                 "t.tsv:2: 'tolerance' must be a number > 0 (got '-3')");
    targets_text(XHEAD "1998\t\t\tsmes\t\t>\t0\t\t1\n", &t, &n, RIC_ESCENARIO,
                 "t.tsv:2: 'observed' must be nonzero when 'weight' > 0");
}

Test(abc, law_of_total_variance_by_hand)
{
    /* two draws of three seeds: means 2 and 6, variances 1 and 4 -> within 2.5; between
     * var(2, 6) = 8 less 2.5 x (1/3) */
    double v[6] = {1, 2, 3, 4, 6, 8};
    size_t g[6] = {0, 0, 0, 1, 1, 1};
    double work[32];
    ric_stats_nest ne;
    cr_assert_eq(ric_stats_nested(v, g, 6, 2, work, &ne), RIC_OK);
    cr_assert_float_eq(ne.within, 2.5, 1e-12);
    cr_assert_float_eq(ne.between, 8 - 2.5 / 3, 1e-12);
    cr_assert_float_eq(ne.share_params, (8 - 2.5 / 3) / (8 - 2.5 / 3 + 2.5), 1e-12);
    /* one draw only: nothing comes from the parameters */
    size_t g1[6] = {0};
    cr_assert_eq(ric_stats_nested(v, g1, 6, 1, work, &ne), RIC_OK);
    cr_assert_float_eq(ne.share_params, 0, 1e-12);
}

/* ---- a toy calibration ------------------------------------------------------------------- */

/* The tiny scenario's output at exit 0.25, premium 0.4 (the mean of eight seeds, rounded):
 * the targets the calibration must find the truth from. */
static const char toy_targets[] =
    "# the tiny scenario's own output at exit 0.25, premium 0.4 (mean of seeds 11-18)\n" XHEAD
    "2005\t\tvalue\tsmes\t\t\t157\t10\t1\n"
    "2005\t\tvalue\temployees_smes\t\t\t1740\t150\t1\n"
    "2000\t2005\tsum\texits\t\t\t67\t6\t1\n"
    "2001\t2005\tchange\temployees_smes\t\t>\t0\t100\t1\n"
    "2005\t\tvalue\tfirms_institute_spinoff\tfirms\t\t0.2\t0.05\t0\n";

static const char toy_cfg[] =
    "calibration = {\n"
    "  scenario = \"" TINY "\";\n"
    "  targets = \"t.tsv\";\n"
    "  method = \"abc_smc\";\n"
    "  parameters = (\n"
    "    { key = \"rules.exit.base_rate\"; name = \"exit\"; min = 0.05; max = 0.5;\n"
    "      prior = \"log_uniform\"; source = \"assumed: a firm's exit hazard, 5% to 50% a "
    "year\"; },\n"
    "    { key = \"rules.jobs.small_premium\"; name = \"premium\"; min = 0.0; max = 1.0;\n"
    "      source = \"assumed\"; }\n"
    "  );\n"
    "  replications = 2;\n"
    "  particles = 60;\n"
    "  generations = 8;\n"
    "  ppc_draws = 40;\n"
    "  seed = 5L;\n"
    "};\n";

/* "ENV ricsim ARGS" in tmp, output into out.txt and err.txt; the exit status */
static int ricsim(const char *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ricsim(const char *env, const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && %s RICSIM_ANALYSIS_DIR=/nonexistent '%s' %s > out.txt "
             "2> err.txt",
             tmp, env, RIC_BINARY, args);
    fflush(NULL);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *const abc_files[] = {"study.tsv", "posterior.tsv", "ppc.tsv",
                                        "identification.tsv", NULL};

static void same_files(const char *a, const char *b)
{
    for (size_t i = 0; abc_files[i]; i++) {
        char pa[300], pb[300];
        snprintf(pa, sizeof pa, "%s/%s/%s", tmp, a, abc_files[i]);
        snprintf(pb, sizeof pb, "%s/%s/%s", tmp, b, abc_files[i]);
        char *ta = slurp(pa), *tb = slurp(pb);
        cr_assert_not_null(ta, "no %s", pa);
        cr_assert_not_null(tb, "no %s", pb);
        cr_assert_str_eq(ta, tb, "%s differs between %s and %s", abc_files[i], a, b);
        free(ta);
        free(tb);
    }
}

/* Column NAME of the data row of block 0 of identification.tsv that starts with PARAM. */
static double ident(const char *dir, const char *param, const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s/identification.tsv", tmp, dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no %s", path);
    char line[4096];
    int col = -1;
    double v = NAN;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *save, *tok = strtok_r(line, "\t\n", &save);
        if (!tok)
            continue;
        if (col < 0 && strcmp(tok, "parameter") == 0) {
            for (int c = 1; (tok = strtok_r(NULL, "\t\n", &save)); c++)
                if (strcmp(tok, name) == 0)
                    col = c;
            continue;
        }
        if (col > 0 && strcmp(tok, param) == 0) {
            for (int c = 1; (tok = strtok_r(NULL, "\t\n", &save)); c++)
                if (c == col)
                    v = strtod(tok, NULL);
            break;
        }
    }
    fclose(f);
    return v;
}

Test(abc, the_posterior_covers_the_truth_and_narrows_from_the_prior, .init = make_tmp,
     .fini = cleanup)
{
    write_file("t.tsv", toy_targets);
    write_file("cal.cfg", toy_cfg);
    cr_assert_eq(ricsim("", "calibrate cal.cfg --out full --jobs 2"), 0, "%s",
                 slurp(in_tmp("err.txt")));
    const struct {
        const char *name;
        double truth;
    } want[] = {{"exit", 0.25}, {"premium", 0.4}};
    for (size_t j = 0; j < 2; j++) {
        double lo = ident("full", want[j].name, "post_q025");
        double hi = ident("full", want[j].name, "post_q975");
        double ratio = ident("full", want[j].name, "width_ratio");
        cr_assert(lo <= want[j].truth && want[j].truth <= hi, "%s: [%g, %g] misses %g",
                  want[j].name, lo, hi, want[j].truth);
        cr_assert_lt(ratio, 0.7, "%s: the posterior is %g of the prior's width", want[j].name,
                     ratio);
    }
    char *post = slurp(in_tmp("full/posterior.tsv"));
    cr_assert(strstr(post, "# method=abc_smc"));
    cr_assert(strstr(post, "stopped: reached the final tolerance 1"), "%s", post);
    cr_assert(strstr(post, "# parameter=exit key=rules.exit.base_rate prior=log_uniform min=0.05 "
                           "max=0.5 source=assumed: a firm's exit hazard"));
    cr_assert(strstr(post, "\nweight\texit\tpremium\n"));
    free(post);
    /* every target in the ppc, the unfitted share too, beside its observation */
    char *ppc = slurp(in_tmp("full/ppc.tsv"));
    cr_assert(strstr(ppc, "\nsum(exits,2000-2005)\t2000\t2005\tsum\texits\t-\t=\t67\t6\t1\t"), "%s",
              ppc);
    cr_assert(strstr(ppc, "\nfirms_institute_spinoff/firms\t2005\tNaN\tvalue\t"), "%s", ppc);
    free(ppc);
    /* the posterior read back as compare reads it: the weights sum to 1 */
    ric_posterior p;
    ric_err err = {{0}};
    cr_assert_eq(ric_posterior_read(in_tmp("full/posterior.tsv"), &p, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(p.k, 2);
    cr_assert_str_eq(p.keys[1], "rules.jobs.small_premium");
    double s = 0;
    for (size_t i = 0; i < p.n; i++)
        s += p.w[i];
    cr_assert_float_eq(s, 1, 1e-6);
    ric_posterior_fini(&p);

    /* interrupted (as SIGTERM would) after 150 runs, then resumed: the same bytes */
    cr_assert_eq(ricsim("RICSIM_TEST_STOP_AFTER=150", "calibrate cal.cfg --out part --jobs 2"), 1);
    char *e = slurp(in_tmp("err.txt"));
    cr_assert(strstr(e, "interrupted after"), "%s", e);
    free(e);
    cr_assert_gt(n_entries(in_tmp("part/.runs")), 10);
    cr_assert_eq(ricsim("", "calibrate cal.cfg --out part --resume --jobs 1"), 0, "%s",
                 slurp(in_tmp("err.txt")));
    char *out = slurp(in_tmp("out.txt"));
    cr_assert(strstr(out, "particles kept from before"), "%s", out);
    free(out);
    same_files("full", "part");
    cr_assert_not(exists(in_tmp("part/.runs")));

    /* two shards a generation, merged round by round: the same bytes */
    int done = 0;
    for (int round = 0; round < 12 && !done; round++) {
        for (int i = 0; i < 2; i++)
            cr_assert_eq(ricsim("", "calibrate cal.cfg --out sh --shard %d/2 --resume", i), 0, "%s",
                         slurp(in_tmp("err.txt")));
        cr_assert_eq(ricsim("", "merge sh --remove-shards"), 0, "%s", slurp(in_tmp("err.txt")));
        done = exists(in_tmp("sh/posterior.tsv"));
    }
    cr_assert(done, "the merges never completed the calibration");
    same_files("full", "sh");
    cr_assert_not(exists(in_tmp("sh/shard-0-of-2")));
    cr_assert_not(exists(in_tmp("sh/.runs")));
    /* a completed calibration's shard has nothing left to run */
    cr_assert_eq(ricsim("", "calibrate cal.cfg --out sh --shard 0/2 --resume"), 0);
    out = slurp(in_tmp("out.txt"));
    cr_assert(strstr(out, "already complete"), "%s", out);
    free(out);

    /* the Slurm script: a job array per generation whose merge job submits the next */
    cr_assert_eq(ricsim("", "slurm cal.cfg --shards 3 --out runs/abc"), 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "bash -n '%s'", in_tmp("out.txt"));
    cr_assert_eq(system(cmd), 0);
    char *sb = slurp(in_tmp("out.txt"));
    cr_assert(strstr(sb, "#SBATCH --array=0-2\n"));
    cr_assert(
        strstr(sb, "calibrate 'cal.cfg' --out 'runs/abc' --shard \"$SLURM_ARRAY_TASK_ID/3\""));
    cr_assert(strstr(sb, "merge $(printf %q 'runs/abc') --remove-shards && { [ -e "));
    cr_assert(strstr(sb, "slurm $(printf %q 'cal.cfg') --shards 3 --jobs 2"), "%s", sb);
    free(sb);
}

Test(abc, calibration_file_errors_are_named, .init = make_tmp, .fini = cleanup)
{
    write_file("t.tsv", toy_targets);
    const struct {
        const char *cfg, *msg;
    } cases[] = {
        {"calibration = { scenario = \"" TINY "\"; targets = \"t.tsv\"; method = \"abc\";\n"
         "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.05; max = 0.5; } ); };\n",
         "cal.cfg:1: 'calibration.method' must be \"nelder_mead\" or \"abc_smc\" (got \"abc\")"},
        {"calibration = { scenario = \"" TINY "\"; targets = \"t.tsv\"; method = \"abc_smc\";\n"
         "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.05; max = 0.5; } ); };\n",
         "'calibration.parameters.[0].source' is required by abc_smc"},
        {"calibration = { scenario = \"" TINY "\"; targets = \"t.tsv\"; method = \"abc_smc\";\n"
         "  max_evaluations = 5;\n"
         "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.05; max = 0.5; "
         "source = \"x\"; } ); };\n",
         "cal.cfg:2: 'calibration.max_evaluations' is a key of method nelder_mead"},
        {"calibration = { scenario = \"" TINY "\"; targets = \"t.tsv\"; particles = 5;\n"
         "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.05; max = 0.5; } ); };\n",
         "cal.cfg:1: 'calibration.particles' is a key of method abc_smc"},
        {"calibration = { scenario = \"" TINY "\"; targets = \"t.tsv\"; method = \"abc_smc\";\n"
         "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.0; max = 0.5; "
         "prior = \"log_uniform\"; source = \"x\"; } ); };\n",
         "cal.cfg:2: 'calibration.parameters.[0].min' must be > 0 for a log_uniform prior"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = write_file("cal.cfg", cases[i].cfg);
        ric_calibration *c = NULL;
        ric_err err = {{0}};
        cr_assert_eq(ric_calibrate_load(path, &c, &err), RIC_ESCENARIO, "case %zu: %s", i, err.msg);
        cr_assert_null(c);
        cr_assert(strstr(err.msg, cases[i].msg), "case %zu: '%s' lacks '%s'", i, err.msg,
                  cases[i].msg);
    }
    /* a fitted target without a tolerance */
    write_file("t.tsv", "year\tcolumn\tobserved\tweight\n2005\tsmes\t150\t1\n");
    const char *path = write_file(
        "cal.cfg", "calibration = { scenario = \"" TINY "\"; targets = \"t.tsv\"; method = "
                   "\"abc_smc\";\n  parameters = ( { key = \"rules.exit.base_rate\"; min = "
                   "0.05; max = 0.5; source = \"x\"; } ); };\n");
    ric_calibration *c = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_calibrate_load(path, &c, &err), RIC_ESCENARIO);
    cr_assert(strstr(err.msg, "t.tsv:2: a fitted target needs a 'tolerance' (method abc_smc)"),
              "%s", err.msg);
}

/* ---- policy answers with parameter uncertainty ---------------------------------------------- */

/* diff.tsv's last row, column NAME. */
static double last_diff(const char *dir, const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s/diff.tsv", tmp, dir);
    char *text = slurp(path);
    cr_assert_not_null(text, "no %s", path);
    char *hdr = NULL, *last = NULL, *save;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (l[0] != '#') {
            if (!hdr)
                hdr = l;
            else
                last = l;
        }
    int col = -1, c = 0;
    char *s2;
    for (char *tok = strtok_r(hdr, "\t", &s2); tok; tok = strtok_r(NULL, "\t", &s2), c++)
        if (strcmp(tok, name) == 0)
            col = c;
    cr_assert_geq(col, 0, "no column %s", name);
    double v = NAN;
    c = 0;
    for (char *tok = strtok_r(last, "\t", &s2); tok; tok = strtok_r(NULL, "\t", &s2), c++)
        if (c == col)
            v = strtod(tok, NULL);
    free(text);
    return v;
}

Test(abc, compare_over_draws_splits_the_variance_between_parameters_and_seeds, .init = make_tmp,
     .fini = cleanup)
{
    /* B doubles the grant's budget and winners; the channel's strength decides what it buys */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/tiny.cfg'", TINY, tmp);
    cr_assert_eq(system(cmd), 0);
    write_file("more.cfg", "@include \"tiny.cfg\"\nvariant = { name = \"tiny_more\"; set = "
                           "[\"programmes.grant.phases.[0].budget_usd_m=20.0\", "
                           "\"programmes.grant.instruments.calls.max_winners=20\"]; };\n");
    write_file("wide.tsv", "# parameter=cap key=programmes.grant.instruments.calls.channels."
                           "capability\nweight\tcap\n1\t0.0\n1\t0.6\n");
    write_file("one.tsv", "# parameter=cap key=programmes.grant.instruments.calls.channels."
                          "capability\nweight\tcap\n1\t0.3\n");
    const char *ind = "--indicators employees_smes,smes --jobs 2";
    cr_assert_eq(ricsim("",
                        "compare tiny.cfg more.cfg --out wide --posterior wide.tsv --draws 8 "
                        "--reps 4 %s",
                        ind),
                 0, "%s", slurp(in_tmp("err.txt")));
    cr_assert_eq(ricsim("",
                        "compare tiny.cfg more.cfg --out one --posterior one.tsv --draws 8 "
                        "--reps 4 %s",
                        ind),
                 0, "%s", slurp(in_tmp("err.txt")));
    double wide = last_diff("wide", "employees_smes_share_params");
    double one = last_diff("one", "employees_smes_share_params");
    cr_assert_gt(wide, 0.75, "parameter share %g with a wide posterior", wide);
    cr_assert_lt(one, 0.25, "parameter share %g with one particle", one);
    cr_assert_float_eq(last_diff("one", "employees_smes_share_seeds"), 1 - one, 1e-9);
    cr_assert_lt(last_diff("wide", "employees_smes_lo_total"),
                 last_diff("wide", "employees_smes_hi_total"));
    /* effect.tsv keeps its columns and gains these */
    char *eff = slurp(in_tmp("wide/effect.tsv"));
    cr_assert(strstr(eff, "\tspinoffs_per_usd_m_hi\tjobs_lo_total\tjobs_hi_total\t"
                          "jobs_share_params\tjobs_share_seeds\tspinoffs_lo_total"),
              "%s", eff);
    free(eff);
    char *plan = slurp(in_tmp("wide/plan.tsv"));
    cr_assert(strstr(plan, "over 8 posterior draws"), "%s", plan);
    free(plan);
    /* --posterior and --draws go together */
    cr_assert_eq(ricsim("", "compare tiny.cfg more.cfg --out x --posterior one.tsv --reps 2"), 2);
    char *e = slurp(in_tmp("err.txt"));
    cr_assert(strstr(e, "--posterior FILE and --draws K go together"), "%s", e);
    free(e);
}

/* ---- sensitivity of a contrast --------------------------------------------------------------- */

static const char contrast_fmt[] =
    "sensitivity = {\n"
    "  scenario = \"" TINY "\";\n"
    "  contrast = \"%s\";\n"
    "  parameters = (\n"
    "    { key = \"rules.exit.base_rate\"; name = \"exit\"; min = 0.05; max = 0.5; },\n"
    "    { key = \"programmes.grant.instruments.calls.channels.capability\"; name = \"cap\";\n"
    "      min = 0.0; max = 0.6; }\n"
    "  );\n"
    "  indicators = [\"employees_smes\"];\n"
    "  years = [2005.0];\n"
    "  replications = 2;\n"
    "  bootstrap = 0;\n"
    "  morris = { trajectories = 4; };\n"
    "};\n";

Test(abc, a_sensitivity_of_a_contrast_is_the_paired_difference, .init = make_tmp, .fini = cleanup)
{
    char cmd[600], text[2048];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/tiny.cfg'", TINY, tmp);
    cr_assert_eq(system(cmd), 0);
    write_file("more.cfg", "@include \"tiny.cfg\"\nvariant = { name = \"tiny_more\"; set = "
                           "[\"programmes.grant.phases.[0].budget_usd_m=20.0\", "
                           "\"programmes.grant.instruments.calls.max_winners=20\"]; };\n");
    /* the scenario against itself: every indicator is exactly 0 */
    snprintf(text, sizeof text, contrast_fmt, TINY);
    ric_sensitivity *s = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_sensitivity_load(write_file("self.cfg", text), &s, &err), RIC_OK, "%s",
                 err.msg);
    ric_study *st = ric_sensitivity_study(s);
    double x[2] = {0.2385, 0.3}, y[1], ya[1], yb[1];
    cr_assert_eq(ric_study_run(st, x, 77, y, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(y[0], 0.0);
    ric_sensitivity_free(s);
    /* against more.cfg: the difference of the two runs at the same parameters and seed */
    snprintf(text, sizeof text, contrast_fmt, "more.cfg");
    cr_assert_eq(ric_sensitivity_load(write_file("more_sa.cfg", text), &s, &err), RIC_OK, "%s",
                 err.msg);
    st = ric_sensitivity_study(s);
    cr_assert(strstr(st->contrast, "more.cfg"));
    cr_assert_eq(ric_study_run(st, x, 77, y, &err), RIC_OK, "%s", err.msg);
    ric_study alone = *st;
    alone.contrast[0] = '\0';
    cr_assert_eq(ric_study_run(&alone, x, 77, ya, &err), RIC_OK, "%s", err.msg);
    snprintf(alone.scenario, sizeof alone.scenario, "%s", in_tmp("more.cfg"));
    cr_assert_eq(ric_study_run(&alone, x, 77, yb, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(y[0], yb[0] - ya[0]);
    cr_assert_neq(y[0], 0.0, "doubling the grant changed nothing");
    ric_sensitivity_free(s);
    /* the whole study, through the command: the table says it is a contrast */
    cr_assert_eq(ricsim("", "sensitivity more_sa.cfg --out sa --jobs 2"), 0, "%s",
                 slurp(in_tmp("err.txt")));
    char *m = slurp(in_tmp("sa/morris.tsv"));
    cr_assert(strstr(m, "# contrast="), "%s", m);
    free(m);
    /* a contrast must have the same rows */
    write_file("short.cfg", "@include \"tiny.cfg\"\nvariant = { name = \"short\"; set = "
                            "[\"time.end=2004.0\"]; };\n");
    snprintf(text, sizeof text, contrast_fmt, "short.cfg");
    cr_assert_eq(ric_sensitivity_load(write_file("short_sa.cfg", text), &s, &err), RIC_ESCENARIO);
    cr_assert(strstr(err.msg, "differs from"), "%s", err.msg);
}
