/* Calibration: the bounded Nelder-Mead on plain functions (a quadratic, a minimum outside the box,
 * a failing objective), the loss and the replication summaries by hand, the targets table and its
 * errors, the study runs (seeds, workers), and a calibration of the tiny scenario that recovers
 * parameter values from targets made by the model itself at those values. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>

#include "ricsim/sim.h"
#include "studies/calibrate.h"
#include "study_support.h"

static void quiet_gsl(void)
{
    gsl_set_error_handler_off();
}

/* ---- the minimiser -----------------------------------------------------------------------------
 */

typedef struct {
    double c[2];
    double lo[2], hi[2];
    size_t calls, fail_at;
    int outside; /* a point outside the box was evaluated */
} quad;

static ric_status quad_f(const double *x, void *data, double *f, ric_err *err)
{
    quad *q = data;
    q->calls++;
    if (q->fail_at && q->calls == q->fail_at) {
        ric_err_set(err, "objective failed at call %zu", q->calls);
        return RIC_EIO;
    }
    for (int i = 0; i < 2; i++)
        if (x[i] < q->lo[i] || x[i] > q->hi[i])
            q->outside = 1;
    *f = (x[0] - q->c[0]) * (x[0] - q->c[0]) + 2.385 * (x[1] - q->c[1]) * (x[1] - q->c[1]);
    return RIC_OK;
}

static ric_calibrate_nm *minimise(quad *q, const double *x0, size_t iters)
{
    ric_calibrate_nm *m = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_calibrate_nm_alloc(2, q->lo, q->hi, x0, 0.2, quad_f, q, &m, &err), RIC_OK,
                 "%s", err.msg);
    cr_assert_eq(ric_calibrate_nm_evals(m), 3); /* the first simplex */
    for (size_t i = 0; i < iters && ric_calibrate_nm_size(m) > 1e-7; i++)
        cr_assert_eq(ric_calibrate_nm_iterate(m, &err), RIC_OK, "%s", err.msg);
    return m;
}

Test(calibrate, nelder_mead_finds_the_minimum_of_a_quadratic, .init = quiet_gsl)
{
    quad q = {.c = {0.3, -1.2}, .lo = {-2, -2}, .hi = {2, 2}};
    double x0[2] = {1.5, 1.0};
    ric_calibrate_nm *m = minimise(&q, x0, 500);
    const double *x = ric_calibrate_nm_x(m);
    cr_assert_float_eq(x[0], 0.3, 1e-3);
    cr_assert_float_eq(x[1], -1.2, 1e-3);
    cr_assert_lt(ric_calibrate_nm_f(m), 1e-6);
    cr_assert_eq(ric_calibrate_nm_evals(m), q.calls);
    cr_assert_not(q.outside);
    ric_calibrate_nm_free(m);
}

Test(calibrate, nelder_mead_never_leaves_the_bounds, .init = quiet_gsl)
{
    /* the minimum (5, -1.2) lies outside x0 < 2: the search presses against the bound */
    quad q = {.c = {5, -1.2}, .lo = {-2, -2}, .hi = {2, 2}};
    double x0[2] = {0, 0};
    ric_calibrate_nm *m = minimise(&q, x0, 300);
    const double *x = ric_calibrate_nm_x(m);
    cr_assert_gt(x[0], 1.99);
    cr_assert_leq(x[0], 2.0);
    cr_assert_float_eq(x[1], -1.2, 1e-2);
    cr_assert_not(q.outside);
    ric_calibrate_nm_free(m);
}

Test(calibrate, nelder_mead_passes_on_the_objective_failure, .init = quiet_gsl)
{
    quad q = {.c = {0.3, -1.2}, .lo = {-2, -2}, .hi = {2, 2}, .fail_at = 6};
    double x0[2] = {1.5, 1.0};
    ric_calibrate_nm *m = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_calibrate_nm_alloc(2, q.lo, q.hi, x0, 0.2, quad_f, &q, &m, &err), RIC_OK);
    ric_status st = RIC_OK;
    for (int i = 0; i < 20 && st == RIC_OK; i++)
        st = ric_calibrate_nm_iterate(m, &err);
    cr_assert_eq(st, RIC_EIO);
    cr_assert_str_eq(err.msg, "objective failed at call 6");
    ric_calibrate_nm_free(m);

    /* a failure in the first simplex fails the allocation */
    quad q2 = {.c = {0, 0}, .lo = {-1, -1}, .hi = {1, 1}, .fail_at = 2};
    cr_assert_eq(ric_calibrate_nm_alloc(2, q2.lo, q2.hi, x0, 0.2, quad_f, &q2, &m, &err),
                 RIC_EUSAGE); /* x0 = 1.5 is outside [-1, 1] */
    cr_assert_str_eq(err.msg, "parameter 0: start 1.5 outside its bounds [-1, 1]");
    double x1[2] = {0.5, 0.5};
    m = NULL;
    cr_assert_eq(ric_calibrate_nm_alloc(2, q2.lo, q2.hi, x1, 0.2, quad_f, &q2, &m, &err), RIC_EIO);
    cr_assert_null(m);
    cr_assert_str_eq(err.msg, "objective failed at call 2");
}

/* ---- loss and summaries
 * -------------------------------------------------------------------------- */

Test(calibrate, loss_is_the_weighted_sum_of_squared_relative_errors)
{
    ric_target t[4] = {
        {.observed = 100, .weight = 1, .probe = 0},
        {.observed = 2000, .weight = 2.5, .probe = 1},
        {.observed = 50, .weight = 0, .probe = 2},  /* not fitted */
        {.observed = NAN, .weight = 0, .probe = 2}, /* not available */
    };
    double mean[3] = {110, 1900, 1e9};
    /* 1 * 0.1^2 + 2.5 * 0.05^2 */
    cr_assert_float_eq(ric_calibrate_loss(t, 4, mean), 0.01 + 2.5 * 0.0025, 1e-15);
    mean[1] = NAN;
    cr_assert(isnan(ric_calibrate_loss(t, 4, mean)));
}

Test(calibrate, summary_of_replications_by_hand, .init = quiet_gsl)
{
    double x[6] = {3, NAN, 1, 2, 4, 5};
    ric_calibrate_summary s;
    ric_calibrate_summarise(x, 6, &s);
    cr_assert_eq(s.n, 5);
    cr_assert_float_eq(s.mean, 3, 1e-12);
    cr_assert_float_eq(s.sd, sqrt(2.5), 1e-12);
    /* t(0.975, 4) = 2.776445 */
    cr_assert_float_eq(s.ci_hi - s.mean, 2.776445 * sqrt(2.5) / sqrt(5), 1e-5);
    cr_assert_float_eq(s.q_lo, 1.1, 1e-12); /* GSL's interpolated quantile: 1 + 0.025 * 4 */
    cr_assert_float_eq(s.q_hi, 4.9, 1e-12);
    double one = 2.385;
    ric_calibrate_summarise(&one, 1, &s);
    cr_assert_eq(s.mean, 2.385);
    cr_assert(isnan(s.sd) && isnan(s.ci_lo));
}

/* ---- targets ------------------------------------------------------------------------------------
 */

static ric_status read_targets(const char *text, ric_target **t, size_t *n, ric_err *err, char *dir)
{
    char path[512];
    make_tmp_dir(dir);
    write_text(dir, "t.tsv", text, path);
    return ric_calibrate_targets_read(path, t, n, err);
}

Test(calibrate, targets_table_in_any_column_order)
{
    char dir[64];
    ric_target *t = NULL;
    size_t n = 0;
    ric_err err = {{0}};
    cr_assert_eq(read_targets("# comment\n\nweight\tyear\tcolumn\tobserved\tnote\n"
                              "1\t2002\tsmes\t111\tfitted\n"
                              "0\t1990\tsmes\tna\n"
                              "0.5\t2005.0\temployees_smes\t3097\tx y\n",
                              &t, &n, &err, dir),
                 RIC_OK, "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_assert_eq(t[0].year, 2002);
    cr_assert_str_eq(t[0].column, "smes");
    cr_assert_eq(t[0].observed, 111);
    cr_assert_eq(t[0].weight, 1);
    cr_assert_str_eq(t[0].note, "fitted");
    cr_assert(isnan(t[1].observed));
    cr_assert_str_eq(t[1].note, "");
    cr_assert_str_eq(t[2].note, "x y");
    cr_assert(strstr(t[2].where, "t.tsv:6"), "%s", t[2].where);
    free(t);
    remove_tree(dir);
}

static void target_error(const char *text, const char *msg)
{
    char dir[64];
    ric_target *t = NULL;
    size_t n = 0;
    ric_err err = {{0}};
    cr_assert_eq(read_targets(text, &t, &n, &err, dir), RIC_ESCENARIO, "accepted: %s", text);
    cr_assert_null(t);
    cr_assert(strstr(err.msg, msg), "message '%s' lacks '%s'", err.msg, msg);
    remove_tree(dir);
}

#define THEAD "year\tcolumn\tobserved\tweight\n"

Test(calibrate, targets_table_errors_name_file_and_line)
{
    target_error("year\tcolumn\tobserved\n2002\tsmes\t111\n",
                 "t.tsv:1: the header lacks column 'weight'");
    target_error("year\tcolumn\tobserved\twieght\n",
                 "t.tsv:1: unknown column 'wieght' in the header");
    target_error("year\tyear\tcolumn\tobserved\tweight\n", "t.tsv:1: column 'year' appears twice");
    target_error(THEAD "20x2\tsmes\t111\t1\n", "t.tsv:2: 'year' must be a number (got '20x2')");
    target_error(THEAD "2002\t\t111\t1\n", "t.tsv:2: 'column' must name a series.tsv column");
    target_error(THEAD "2002\tsmes\tmany\t1\n",
                 "t.tsv:2: 'observed' must be a number or na (got 'many')");
    target_error(THEAD "2002\tsmes\t111\t-1\n", "t.tsv:2: 'weight' must be >= 0 (got -1)");
    target_error(THEAD "2002\tsmes\tna\t1\n",
                 "t.tsv:2: 'observed' is na, so 'weight' must be 0 (got 1)");
    target_error(THEAD "2002\tsmes\t0\t1\n",
                 "t.tsv:2: 'observed' must be nonzero when 'weight' > 0");
    target_error(THEAD "2002\tsmes\t111\n", "t.tsv:2: missing field 'weight'");
    target_error(THEAD "2002\tsmes\t111\t1\n2002\tsmes\t112\t1\n",
                 "t.tsv:3: repeats the target 'smes' 2002 of ");
    target_error(THEAD, "t.tsv: no targets");
    ric_target *t = NULL;
    size_t n = 0;
    ric_err err = {{0}};
    cr_assert_eq(ric_calibrate_targets_read("/nonexistent/t.tsv", &t, &n, &err), RIC_EIO);
    cr_assert_str_eq(err.msg, "/nonexistent/t.tsv: cannot open: No such file or directory");
}

/* ---- runs of a study
 * ------------------------------------------------------------------------------ */

Test(calibrate, replication_seeds_are_distinct_and_fixed)
{
    uint64_t s0 = ric_study_seed(1, 0);
    cr_assert_eq(s0, ric_study_seed(1, 0));
    for (size_t r = 1; r < 1000; r++) {
        uint64_t s = ric_study_seed(1, r);
        cr_assert_neq(s, s0);
        cr_assert_lt(s, UINT64_C(1) << 63);
        cr_assert_neq(s, ric_study_seed(2, r));
    }
}

static ric_study tiny_study(int workers)
{
    ric_study st;
    memset(&st, 0, sizeof st);
    snprintf(st.scenario, sizeof st.scenario, "%s", TINY);
    st.n_params = 2;
    snprintf(st.params[0].key, sizeof st.params[0].key, "rules.exit.base_rate");
    snprintf(st.params[0].name, sizeof st.params[0].name, "exit");
    st.params[0].lo = 0.02;
    st.params[0].hi = 0.6;
    st.params[0].start = NAN;
    snprintf(st.params[1].key, sizeof st.params[1].key, "rules.jobs.small_premium");
    snprintf(st.params[1].name, sizeof st.params[1].name, "premium");
    st.params[1].lo = 0.0;
    st.params[1].hi = 1.5;
    st.params[1].start = 0.7;
    st.n_probes = 3;
    snprintf(st.probes[0].column, 64, "smes");
    st.probes[0].year = 2003;
    snprintf(st.probes[1].column, 64, "smes");
    st.probes[1].year = 2005;
    snprintf(st.probes[2].column, 64, "employees_smes");
    st.probes[2].year = 2005;
    st.reps = 3;
    st.seed = 2385;
    st.workers = workers;
    ric_err err = {{0}};
    cr_assert_eq(ric_study_init(&st, "test", &err), RIC_OK, "%s", err.msg);
    return st;
}

Test(calibrate, study_runs_do_not_depend_on_the_workers, .init = quiet_gsl)
{
    ric_study a = tiny_study(1), b = tiny_study(2);
    /* the scenario's own values are read, and start where none is given */
    cr_assert_float_eq(a.params[0].value, 0.15, 1e-12);
    cr_assert_float_eq(a.params[0].start, 0.15, 1e-12);
    cr_assert_float_eq(a.params[1].start, 0.7, 1e-12);
    cr_assert_eq(a.steps_per_year, 12);
    double x[4] = {0.1, 0.3, 0.4, 0.9};
    double ya[2 * 3 * 3], yb[2 * 3 * 3];
    ric_err err = {{0}};
    cr_assert_eq(ric_study_eval(&a, x, 2, a.seed, a.reps, ya, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(ric_study_eval(&b, x, 2, b.seed, b.reps, yb, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(memcmp(ya, yb, sizeof ya), 0);
    /* replications differ, and the point matters */
    cr_assert(ya[0] != ya[3] || ya[1] != ya[4] || ya[2] != ya[5]);
    cr_assert(ya[2] != ya[11]);
    /* a run reads the same values as ricsim run with the same overrides and seed */
    char bufs[RIC_STUDY_MAX_PARAMS + 2][RIC_STUDY_OVERRIDE_MAX];
    const char *ov[RIC_STUDY_MAX_PARAMS + 2];
    size_t n = ric_study_overrides(&a, x, ric_study_seed(a.seed, 1), bufs, ov);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(ov[0], "time.output_every=12");
    cr_assert_str_eq(ov[1], "rules.exit.base_rate=0.10000000000000001");
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load(TINY, ov, n, &sc, &err), RIC_OK, "%s", err.msg);
    char dir[64], p[256];
    make_tmp_dir(dir);
    cr_assert_eq(ric_run(sc, dir, 1, &err), RIC_OK, "%s", err.msg);
    ric_scenario_free(sc);
    snprintf(p, sizeof p, "%s/series.tsv", dir);
    char *text = slurp(p);
    char want[64];
    snprintf(want, sizeof want, "\n2005.0000\t");
    const char *row = strstr(text, want);
    cr_assert_not_null(row);
    /* smes is the 8th column of the row */
    const char *c = row + 1;
    for (int i = 0; i < 7; i++)
        c = strchr(c, '\t') + 1;
    cr_assert_float_eq(strtod(c, NULL), ya[3 + 1], 1e-9);
    free(text);
    remove_tree(dir);
}

Test(calibrate, failed_runs_name_their_seed, .init = quiet_gsl)
{
    ric_study a = tiny_study(2);
    snprintf(a.params[1].key, sizeof a.params[1].key, "rules.jobs.noise");
    double x[2] = {0.1, 7.5}; /* noise must be <= 5 */
    double y[3 * 3];
    ric_err err = {{0}};
    cr_assert_eq(ric_study_eval(&a, x, 1, a.seed, a.reps, y, &err), RIC_ESCENARIO);
    char want[200];
    snprintf(want, sizeof want, "(parameter vector 0, seed %llu)",
             (unsigned long long)ric_study_seed(a.seed, 0));
    cr_assert(strstr(err.msg, "'rules.jobs.noise' must be <= 5 (got 7.5)"), "%s", err.msg);
    cr_assert(strstr(err.msg, want), "%s", err.msg);
}

/* ---- a calibration of the tiny scenario
 * ---------------------------------------------------------- */

static const char cal_fmt[] =
    "calibration = {\n"
    "  scenario = \"%s\";\n"
    "  targets = \"t.tsv\";\n"
    "  parameters = (\n"
    "    { key = \"rules.exit.base_rate\"; name = \"exit\"; min = 0.02; max = 0.6; },\n"
    "    { key = \"rules.jobs.small_premium\"; name = \"premium\"; min = 0.0; max = 1.5; "
    "start = 0.7; }\n"
    "  );\n"
    "  replications = 3;\n"
    "  seed = 2385L;\n"
    "  workers = 2;\n"
    "  max_evaluations = 80;\n"
    "  tolerance = 0.005;\n"
    "  initial_step = 0.2;\n"
    "  check_replications = 3;\n"
    "};\n";

Test(calibrate, tiny_calibration_recovers_the_values_that_made_its_targets, .init = quiet_gsl)
{
    /* targets: the model's own means at exit 0.25, premium 0.4, on the calibration's seeds */
    ric_study st = tiny_study(2);
    double truth[2] = {0.25, 0.4}, y[3 * 3];
    ric_err err = {{0}};
    cr_assert_eq(ric_study_eval(&st, truth, 1, 2385, 3, y, &err), RIC_OK, "%s", err.msg);
    double m[3];
    for (int k = 0; k < 3; k++)
        m[k] = (y[k] + y[3 + k] + y[6 + k]) / 3;
    char dir[64], path[512], text[2048];
    make_tmp_dir(dir);
    snprintf(text, sizeof text,
             "year\tcolumn\tobserved\tweight\tnote\n"
             "2003\tsmes\t%.17g\t1\tmodel\n2005\tsmes\t%.17g\t1\tmodel\n"
             "2005\temployees_smes\t%.17g\t1\tmodel\n2004\tresearch_institutes\t2\t0\tscheduled\n",
             m[0], m[1], m[2]);
    write_text(dir, "t.tsv", text, path);
    snprintf(text, sizeof text, cal_fmt, TINY);
    write_text(dir, "cal.cfg", text, path);

    ric_calibration *c = NULL;
    cr_assert_eq(ric_calibrate_load(path, &c, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(ric_calibrate_study(c)->n_probes, 4);
    while (!ric_calibrate_done(c))
        cr_assert_eq(ric_calibrate_iterate(c, &err), RIC_OK, "%s", err.msg);
    const double *x;
    double loss = ric_calibrate_best(c, &x);
    cr_assert_lt(loss, 1e-3, "loss %g", loss);
    cr_assert_lt(loss, ric_calibrate_start_loss(c));
    cr_assert_float_eq(x[0], 0.25, 0.05, "exit %g", x[0]);
    cr_assert_float_eq(x[1], 0.4, 0.1, "premium %g", x[1]);
    cr_assert_leq(ric_calibrate_evaluations(c), 80 + 3);

    char out[128];
    snprintf(out, sizeof out, "%s/out", dir);
    cr_assert_eq(ric_calibrate_write(c, out, 0, &err), RIC_OK, "%s", err.msg);
    cr_assert(!isnan(ric_calibrate_check_loss(c)));
    cr_assert_eq(ric_calibrate_write(c, out, 0, &err), RIC_EUSAGE);
    cr_assert(strstr(err.msg, "already holds fitted.tsv; use --force"), "%s", err.msg);
    /* history: one row per evaluation, the best never rising */
    snprintf(path, sizeof path, "%s/history.tsv", out);
    FILE *f = fopen(path, "r");
    char line[512];
    size_t rows = 0;
    double best = HUGE_VAL;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strncmp(line, "evaluation", 10) == 0)
            continue;
        double e, l, b;
        cr_assert_eq(sscanf(line, "%lf\t%lf\t%lf", &e, &l, &b), 3, "%s", line);
        cr_assert_eq((size_t)e, ++rows);
        cr_assert_leq(b, best);
        best = b;
    }
    fclose(f);
    cr_assert_eq(rows, ric_calibrate_evaluations(c));
    cr_assert_float_eq(best, loss, 1e-6 * loss + 1e-12);
    /* fit table: every target, the scheduled one reproduced exactly */
    snprintf(path, sizeof path, "%s/fit.tsv", out);
    char *fit = slurp(path);
    cr_assert(strstr(fit, "\n2004\tresearch_institutes\t2\t0\t2\t2\t0\t2\t2\t2\t2\t0\t0\t2\t2\t2\t"
                          "scheduled\n"),
              "%s", fit);
    cr_assert(strstr(fit, "# loss=sum over targets with weight > 0 of weight * ((mean - observed) "
                          "/ observed)^2"));
    free(fit);
    snprintf(path, sizeof path, "%s/fitted.tsv", out);
    char *fitted = slurp(path);
    cr_assert(strstr(fitted, "\nname\tkey\tmin\tmax\tscenario_value\tstart\tfitted\n"
                             "exit\trules.exit.base_rate\t0.02\t0.6\t0.15\t0.15\t"));
    cr_assert(strstr(fitted, "\npremium\trules.jobs.small_premium\t0\t1.5\t0.3\t0.7\t"));
    free(fitted);
    ric_calibrate_free(c);
    remove_tree(dir);
}

static void cal_error(const char *group, const char *targets, ric_status want, const char *msg)
{
    char dir[64], path[512];
    make_tmp_dir(dir);
    write_text(dir, "t.tsv", targets, path);
    write_text(dir, "cal.cfg", group, path);
    ric_calibration *c = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_calibrate_load(path, &c, &err), want, "%s", err.msg);
    cr_assert_null(c);
    cr_assert(strstr(err.msg, msg), "message '%s' lacks '%s'", err.msg, msg);
    remove_tree(dir);
}

#define CHEAD "calibration = {\n  scenario = \"" TINY "\";\n"
#define CPARAM "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.02; max = 0.6; } );\n"
#define GOODT THEAD "2005\tsmes\t150\t1\n"

Test(calibrate, calibration_file_errors_are_named, .init = quiet_gsl)
{
    cal_error("x = 1;\n", GOODT, RIC_ESCENARIO, "cal.cfg: missing required key 'calibration'");
    cal_error(CHEAD CPARAM "};\n", GOODT, RIC_ESCENARIO,
              "cal.cfg:1: missing required key 'calibration.targets'");
    cal_error(CHEAD CPARAM "  targets = 5;\n};\n", GOODT, RIC_ESCENARIO,
              "cal.cfg:4: 'calibration.targets' must be a string (got integer)");
    cal_error(CHEAD CPARAM "  targets = \"t.tsv\";\n  tolerance = -1.0;\n};\n", GOODT,
              RIC_ESCENARIO, "cal.cfg:5: 'calibration.tolerance' must be >= 0 (got -1)");
    cal_error(CHEAD CPARAM "  targets = \"t.tsv\";\n  iterations = 5;\n};\n", GOODT, RIC_ESCENARIO,
              "cal.cfg:5: unknown key 'calibration.iterations'");
    cal_error(CHEAD "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.02; max = 0.6; "
                    "start = 0.9; } );\n  targets = \"t.tsv\";\n};\n",
              GOODT, RIC_ESCENARIO,
              "cal.cfg:3: 'calibration.parameters.[0].start' must be <= 0.6 "
              "(got 0.9)");
    cal_error(CHEAD "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.5; max = 0.6; } "
                    ");\n  targets = \"t.tsv\";\n};\n",
              GOODT, RIC_ESCENARIO,
              "parameter 'rules.exit.base_rate': give 'start' (the scenario's value 0.15 is not "
              "within [0.5, 0.6])");
    cal_error(CHEAD CPARAM "  targets = \"t.tsv\";\n};\n", THEAD "2005\tsmes\t150\t0\n",
              RIC_ESCENARIO, "t.tsv: no target has a weight > 0: nothing to fit");
    cal_error(CHEAD CPARAM "  targets = \"t.tsv\";\n};\n",
              THEAD "2005\tsmes\t150\t1\n2004\tsmez\t3\t0\n", RIC_ESCENARIO,
              "t.tsv:3: no column 'smez' in the output of scenario 'tiny'");
    cal_error(CHEAD CPARAM "  targets = \"t.tsv\";\n};\n", THEAD "1999\tsmes\t150\t1\n",
              RIC_ESCENARIO, "t.tsv:2: year 1999 of 'smes' is not a row of scenario 'tiny'");
    cal_error(CHEAD CPARAM "  targets = \"missing.tsv\";\n};\n", GOODT, RIC_EIO,
              "missing.tsv: cannot open");
}

/* ---- the shipped calibration
 * ---------------------------------------------------------------------- */

Test(calibrate, shipped_daedeok_calibration_loads_and_names_the_right_events, .init = quiet_gsl)
{
    ric_calibration *c = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_calibrate_load(RIC_SOURCE_DIR "/scenarios/calibration/daedeok.cfg", &c, &err),
                 RIC_OK, "%s", err.msg);
    ric_study *st = ric_calibrate_study(c);
    cr_assert_eq(st->n_params, 3);
    cr_assert_str_eq(st->params[0].key, "rules.spinoff.pull_effect");
    cr_assert_float_eq(st->params[0].start, 1.2, 1e-12);
    ric_calibrate_free(c);
    /* events.[i] indexes the scenario's event list: the studies' keys must still name the events
     * they mean (a reordered events.cfg would silently move them) */
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load(RIC_SOURCE_DIR "/scenarios/daedeok.cfg", NULL, 0, &sc, &err),
                 RIC_OK, "%s", err.msg);
    cr_assert_gt(sc->n_events, 40);
    const ric_event_spec *e = &sc->events[40];
    cr_assert_eq(e->type, RIC_EVENT_SET);
    cr_assert_str_eq(e->key, "regions.dst.startup_rate");
    cr_assert_eq(e->date, 2005.0);
    /* the venture climate's series points named in daedeok/events.cfg */
    const int series[] = {35, 39, 42, 43, 44, 45, 46};
    for (size_t k = 0; k < sizeof series / sizeof series[0]; k++) {
        cr_assert_eq(sc->events[series[k]].type, RIC_EVENT_SERIES, "events.[%d]", series[k]);
        cr_assert_str_eq(sc->events[series[k]].key, "rules.spinoff.pull", "events.[%d]", series[k]);
    }
    ric_scenario_free(sc);
}

Test(calibrate, an_undefined_loss_everywhere_is_an_error, .init = quiet_gsl)
{
    /* participants' mean capability is NaN before the grant has any */
    char dir[64], path[512], text[1024];
    make_tmp_dir(dir);
    write_text(dir, "t.tsv", THEAD "2001\tcapability_participant\t5\t1\n", path);
    snprintf(text, sizeof text,
             CHEAD CPARAM "  targets = \"t.tsv\";\n  replications = 2;\n  max_evaluations = 4;\n"
                          "  check_replications = 0;\n};\n");
    write_text(dir, "cal.cfg", text, path);
    ric_calibration *c = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_calibrate_load(path, &c, &err), RIC_OK, "%s", err.msg);
    while (!ric_calibrate_done(c))
        cr_assert_eq(ric_calibrate_iterate(c, &err), RIC_OK, "%s", err.msg);
    char out[128];
    snprintf(out, sizeof out, "%s/out", dir);
    cr_assert_eq(ric_calibrate_write(c, out, 0, &err), RIC_ESCENARIO);
    cr_assert(strstr(err.msg, "every evaluation gave an undefined loss"), "%s", err.msg);
    ric_calibrate_free(c);
    remove_tree(dir);
}
