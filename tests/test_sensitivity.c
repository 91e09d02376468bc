/* Sensitivity analysis: the Morris and Saltelli designs, both methods on functions with known
 * indices (a linear function; the Ishigami function, Ishigami and Homma 1990, whose Sobol indices
 * are known in closed form and whose Morris mu* under this design can be enumerated) before any
 * simulation, then a study of the tiny scenario: a parameter with no effect ranks last, results
 * do not depend on the number of workers, and every error of a study file is named. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>

#include "studies/sensitivity.h"
#include "study_support.h"

#define PI 3.14159265358979323846 /* PI is not C17 */

static void quiet_gsl(void)
{
    gsl_set_error_handler_off();
}

/* Ishigami on x in [-pi, pi]^3 from u in [0, 1]^k; a fourth coordinate, if any, is ignored. */
#define ISHI_A 7.0
#define ISHI_B 0.1
static double ishigami_u(const double *u)
{
    double x1 = -PI + 2 * PI * u[0], x2 = -PI + 2 * PI * u[1], x3 = -PI + 2 * PI * u[2];
    return sin(x1) + ISHI_A * sin(x2) * sin(x2) + ISHI_B * pow(x3, 4) * sin(x1);
}

static double *eval_rows(const double *u, size_t rows, size_t k, double (*f)(const double *))
{
    double *y = malloc(rows * sizeof *y);
    cr_assert_not_null(y);
    for (size_t i = 0; i < rows; i++)
        y[i] = f(u + i * k);
    return y;
}

/* ---- designs ----------------------------------------------------------------------------------
 */

Test(sensitivity, morris_trajectories_move_each_coordinate_once_on_the_grid, .init = quiet_gsl)
{
    size_t k = 5, r = 40, levels = 6;
    double delta = 6.0 / 10.0, *x = malloc(ric_morris_points(k, r) * k * sizeof *x);
    ric_err err = {{0}};
    cr_assert_eq(ric_morris_design(k, r, levels, 2385, x, &err), RIC_OK, "%s", err.msg);
    for (size_t t = 0; t < r; t++) {
        int moved[5] = {0};
        for (size_t s = 0; s <= k; s++) {
            const double *row = x + (t * (k + 1) + s) * k;
            for (size_t j = 0; j < k; j++) {
                double g = row[j] * (double)(levels - 1);
                cr_assert(row[j] >= 0 && row[j] <= 1, "outside the unit cube: %g", row[j]);
                cr_assert_float_eq(g, round(g), 1e-9, "off the grid: %g", row[j]);
            }
            if (s == 0)
                continue;
            size_t changed = 0;
            for (size_t j = 0; j < k; j++) {
                double d = row[j] - row[j - k];
                if (fabs(d) > 1e-12) {
                    changed++;
                    moved[j]++;
                    cr_assert_float_eq(fabs(d), delta, 1e-12);
                }
            }
            cr_assert_eq(changed, 1, "step %zu of trajectory %zu changes %zu coordinates", s, t,
                         changed);
        }
        for (size_t j = 0; j < k; j++)
            cr_assert_eq(moved[j], 1);
    }
    /* the same seed gives the same design, another seed another */
    double *x2 = malloc(ric_morris_points(k, r) * k * sizeof *x2);
    cr_assert_eq(ric_morris_design(k, r, levels, 2385, x2, &err), RIC_OK);
    cr_assert_eq(memcmp(x, x2, ric_morris_points(k, r) * k * sizeof *x), 0);
    cr_assert_eq(ric_morris_design(k, r, levels, 2386, x2, &err), RIC_OK);
    cr_assert_neq(memcmp(x, x2, ric_morris_points(k, r) * k * sizeof *x), 0);
    free(x);
    free(x2);
}

Test(sensitivity, morris_rejects_odd_levels_and_empty_designs, .init = quiet_gsl)
{
    double x[64];
    ric_err err = {{0}};
    cr_assert_eq(ric_morris_design(2, 3, 5, 1, x, &err), RIC_EUSAGE);
    cr_assert_str_eq(err.msg, "Morris: needs k >= 1, r >= 1 and an even number of levels (got k "
                              "2, r 3, levels 5)");
    cr_assert_eq(ric_morris_design(0, 3, 4, 1, x, &err), RIC_EUSAGE);
    cr_assert_eq(ric_sobol_design(21, 4, x, &err), RIC_EUSAGE);
    cr_assert_str_eq(err.msg, "Sobol: needs 1 <= k <= 20 parameters and n >= 1 samples (got k 21, "
                              "n 4)");
}

Test(sensitivity, saltelli_blocks_take_one_coordinate_from_b, .init = quiet_gsl)
{
    size_t k = 3, n = 16;
    double *x = malloc(ric_sobol_points(k, n) * k * sizeof *x);
    ric_err err = {{0}};
    cr_assert_eq(ric_sobol_design(k, n, x, &err), RIC_OK, "%s", err.msg);
    for (size_t j = 0; j < n; j++) {
        const double *a = x + j * (k + 2) * k, *b = a + k;
        for (size_t i = 0; i < k; i++) {
            const double *ab = a + (2 + i) * k;
            for (size_t c = 0; c < k; c++)
                cr_assert_eq(ab[c], c == i ? b[c] : a[c]);
        }
    }
    /* GSL's sequence starts at the centre */
    cr_assert_eq(x[0], 0.5);
    free(x);
}

/* ---- known indices ------------------------------------------------------------------------------
 */

static double linear_u(const double *u)
{
    return 2.385 * u[0] - 7.5 * u[1] + 0.25 * u[2];
}

Test(sensitivity, morris_of_a_linear_function_is_exact, .init = quiet_gsl)
{
    size_t k = 4, r = 12;
    double *x = malloc(ric_morris_points(k, r) * k * sizeof *x);
    ric_err err = {{0}};
    cr_assert_eq(ric_morris_design(k, r, 4, 7, x, &err), RIC_OK);
    double *y = eval_rows(x, ric_morris_points(k, r), k, linear_u);
    ric_morris_index m[4];
    cr_assert_eq(ric_morris_analyse(k, r, x, y, 1, 200, 9, m, &err), RIC_OK);
    const double c[4] = {2.385, -7.5, 0.25, 0};
    for (size_t i = 0; i < k; i++) {
        cr_assert_float_eq(m[i].mu, c[i], 1e-9);
        cr_assert_float_eq(m[i].mu_star, fabs(c[i]), 1e-9);
        cr_assert_float_eq(m[i].sigma, 0, 1e-9);
        cr_assert_float_eq(m[i].mu_star_lo, fabs(c[i]), 1e-9);
        cr_assert_float_eq(m[i].mu_star_hi, fabs(c[i]), 1e-9);
        cr_assert_eq(m[i].n, r);
    }
    free(x);
    free(y);
}

/* E|EE_i| for Ishigami under this design (4 levels, delta 2/3): a factor moves between grid
 * levels l and l + 2 (l = 0 or 1, equally likely), and every other factor sits on each of the four
 * levels with probability 1/4 when it moves. EE_1 depends on x3 only, EE_2 on nothing else, EE_3
 * on x1 only, so the expectation is a small enumeration. */
static void ishigami_morris_exact(double *mu_star)
{
    const double d = 2.0 / 3.0;
    double s[3] = {0, 0, 0};
    for (int l = 0; l < 2; l++) {
        double lo = -PI + 2 * PI * l / 3.0, hi = -PI + 2 * PI * (l + 2) / 3.0;
        for (int m = 0; m < 4; m++) {
            double other = -PI + 2 * PI * m / 3.0;
            s[0] += fabs((sin(hi) - sin(lo)) * (1 + ISHI_B * pow(other, 4))) / d / 8;
            s[2] += fabs(ISHI_B * sin(other) * (pow(hi, 4) - pow(lo, 4))) / d / 8;
        }
        s[1] += fabs(ISHI_A * (sin(hi) * sin(hi) - sin(lo) * sin(lo))) / d / 2;
    }
    memcpy(mu_star, s, sizeof s);
}

Test(sensitivity, morris_of_ishigami_matches_the_enumerated_mu_star, .init = quiet_gsl)
{
    size_t k = 4, r = 4000; /* the fourth parameter is a dummy */
    double *x = malloc(ric_morris_points(k, r) * k * sizeof *x);
    ric_err err = {{0}};
    cr_assert_eq(ric_morris_design(k, r, 4, 2385, x, &err), RIC_OK);
    double *y = eval_rows(x, ric_morris_points(k, r), k, ishigami_u);
    ric_morris_index m[4];
    cr_assert_eq(ric_morris_analyse(k, r, x, y, 1, 300, 5, m, &err), RIC_OK);
    double exact[3];
    ishigami_morris_exact(exact);
    for (size_t i = 0; i < 3; i++) {
        cr_assert_float_eq(m[i].mu_star, exact[i], 0.04 * exact[i], "mu*_%zu %g, exact %g", i + 1,
                           m[i].mu_star, exact[i]);
        cr_assert(m[i].mu_star_lo <= m[i].mu_star && m[i].mu_star <= m[i].mu_star_hi);
    }
    /* x3 acts only through its interaction with x1: effects of both signs, mean near 0 */
    cr_assert_lt(fabs(m[2].mu), 0.2 * m[2].mu_star);
    cr_assert_gt(m[2].sigma, m[2].mu_star);
    cr_assert_eq(m[3].mu_star, 0);
    cr_assert_eq(m[3].sigma, 0);
    free(x);
    free(y);
}

Test(sensitivity, sobol_of_ishigami_matches_the_closed_form, .init = quiet_gsl)
{
    /* Variances of the Ishigami function (Ishigami and Homma 1990; Sobol' and Levitan 1999) */
    const double a = ISHI_A, b = ISHI_B, p4 = pow(PI, 4), p8 = pow(PI, 8);
    double v1 = 0.5 * pow(1 + b * p4 / 5, 2), v2 = a * a / 8,
           v13 = b * b * p8 * (1.0 / 18 - 1.0 / 50);
    double v = v1 + v2 + v13;
    const double s1[4] = {v1 / v, v2 / v, 0, 0}, st[4] = {(v1 + v13) / v, v2 / v, v13 / v, 0};
    cr_assert_float_eq(s1[0], 0.3139, 1e-4);
    cr_assert_float_eq(st[2], 0.2437, 1e-4);

    size_t k = 4, n = 8192;
    double *x = malloc(ric_sobol_points(k, n) * k * sizeof *x);
    ric_err err = {{0}};
    cr_assert_eq(ric_sobol_design(k, n, x, &err), RIC_OK, "%s", err.msg);
    double *y = eval_rows(x, ric_sobol_points(k, n), k, ishigami_u);
    ric_sobol_index s[4];
    cr_assert_eq(ric_sobol_analyse(k, n, y, 1, 200, 3, s, &err), RIC_OK, "%s", err.msg);
    for (size_t i = 0; i < k; i++) {
        cr_assert_float_eq(s[i].s1, s1[i], 0.03, "S%zu = %g, exact %g", i + 1, s[i].s1, s1[i]);
        cr_assert_float_eq(s[i].st, st[i], 0.03, "ST%zu = %g, exact %g", i + 1, s[i].st, st[i]);
        cr_assert(s[i].s1_lo <= s[i].s1 + 1e-12 && s[i].s1 <= s[i].s1_hi + 1e-12);
        cr_assert(s[i].st_lo <= s[i].st + 1e-12 && s[i].st <= s[i].st_hi + 1e-12);
    }
    /* the dummy's indices are exactly 0: f(AB_4) = f(A) */
    cr_assert_eq(s[3].s1, 0);
    cr_assert_eq(s[3].st, 0);
    free(x);
    free(y);
}

Test(sensitivity, sobol_of_a_constant_is_undefined, .init = quiet_gsl)
{
    size_t k = 2, n = 8;
    double y[8 * 4];
    for (size_t i = 0; i < 32; i++)
        y[i] = 2.385;
    ric_sobol_index s[2];
    ric_err err = {{0}};
    cr_assert_eq(ric_sobol_analyse(k, n, y, 1, 10, 1, s, &err), RIC_OK);
    cr_assert(isnan(s[0].s1) && isnan(s[1].st));
}

/* ---- a study of the tiny scenario --------------------------------------------------------------
 */

/* rules.jobs.large_firm_employees between 10^6 and 10^7 changes nothing: no firm is that large. */
static const char study_fmt[] =
    "sensitivity = {\n"
    "  scenario = \"%s\";\n"
    "  parameters = (\n"
    "    { key = \"rules.exit.base_rate\"; name = \"exit\"; min = 0.05; max = 0.5; },\n"
    "    { key = \"rules.jobs.large_firm_employees\"; name = \"dummy\"; min = 1e6; max = 1e7; },\n"
    "    { key = \"rules.jobs.small_premium\"; name = \"premium\"; min = 0.0; max = 1.0; }\n"
    "  );\n"
    "  indicators = [\"smes\", \"employees_smes\"];\n"
    "  years = [2004.0];\n"
    "  replications = 2;\n"
    "  workers = %d;\n"
    "  bootstrap = 50;\n"
    "  morris = { trajectories = 4; };\n"
    "  %s\n"
    "};\n";

static void run_study(const char *dir, int workers, const char *extra, const char *out)
{
    char text[2048], path[512];
    snprintf(text, sizeof text, study_fmt, TINY, workers, extra);
    write_text(dir, "sa.cfg", text, path);
    ric_err err = {{0}};
    ric_sensitivity *s = NULL;
    cr_assert_eq(ric_sensitivity_load(path, &s, &err), RIC_OK, "%s", err.msg);
    size_t done, total;
    ric_sensitivity_progress(s, &done, &total);
    cr_assert_eq(done, 0);
    while (!ric_sensitivity_done(s))
        cr_assert_eq(ric_sensitivity_step(s, &err), RIC_OK, "%s", err.msg);
    ric_sensitivity_progress(s, &done, &total);
    cr_assert_eq(done, total);
    cr_assert_eq(ric_sensitivity_write(s, out, 0, &err), RIC_OK, "%s", err.msg);
    /* a second write without force is refused */
    cr_assert_eq(ric_sensitivity_write(s, out, 0, &err), RIC_EUSAGE);
    cr_assert(strstr(err.msg, "already holds points.tsv; use --force"), "%s", err.msg);
    ric_sensitivity_free(s);
}

Test(sensitivity, tiny_study_ranks_a_parameter_without_effect_last, .init = quiet_gsl)
{
    char dir[64], out1[128], out2[128];
    make_tmp_dir(dir);
    snprintf(out1, sizeof out1, "%s/one", dir);
    snprintf(out2, sizeof out2, "%s/two", dir);
    run_study(dir, 1, "sobol = { samples = 4; };", out1);
    run_study(dir, 2, "sobol = { samples = 4; };", out2);
    const char *files[] = {"morris.tsv", "sobol.tsv", "points.tsv"};
    for (int i = 0; i < 3; i++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "%s/%s", out1, files[i]);
        snprintf(b, sizeof b, "%s/%s", out2, files[i]);
        char *ta = slurp(a), *tb = slurp(b);
        cr_assert_str_eq(ta, tb, "%s differs between 1 and 2 workers", files[i]);
        free(ta);
        free(tb);
    }
    /* in every block the dummy comes last with mu* = 0 */
    char p[256], line[512];
    snprintf(p, sizeof p, "%s/morris.tsv", out1);
    FILE *f = fopen(p, "r");
    int dummies = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strstr(line, "\tdummy\t"))
            continue;
        dummies++;
        cr_assert(strstr(line, "\t3\tdummy\trules.jobs.large_firm_employees\t0\t0\t"), "%s", line);
    }
    fclose(f);
    cr_assert_eq(dummies, 2);
    remove_tree(dir);
}

/* Each study file error, by its message. */
static void expect_error(const char *body, ric_status want, const char *msg_part)
{
    char dir[64], path[512];
    make_tmp_dir(dir);
    write_text(dir, "sa.cfg", body, path);
    ric_err err = {{0}};
    ric_sensitivity *s = NULL;
    ric_status st = ric_sensitivity_load(path, &s, &err);
    cr_assert_eq(st, want, "status %d for: %s (%s)", st, body, err.msg);
    cr_assert_null(s);
    cr_assert(strstr(err.msg, msg_part), "message '%s' lacks '%s'", err.msg, msg_part);
    remove_tree(dir);
}

#define HEAD "sensitivity = {\n  scenario = \"" TINY "\";\n"
#define PARAM "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.05; max = 0.5; } );\n"
#define IND "  indicators = [\"smes\"];\n  years = [2004.0];\n"

Test(sensitivity, study_file_errors_are_named, .init = quiet_gsl)
{
    expect_error("x = 1;\n", RIC_ESCENARIO, "sa.cfg: missing required key 'sensitivity'");
    expect_error("sensitivity = 3;\n", RIC_ESCENARIO,
                 "sa.cfg:1: 'sensitivity' must be a group (got integer)");
    expect_error(HEAD PARAM IND "  morris = {};\n  colour = 2;\n};\n", RIC_ESCENARIO,
                 "sa.cfg:7: unknown key 'sensitivity.colour'");
    expect_error(HEAD PARAM IND "};\n", RIC_ESCENARIO,
                 "sa.cfg:1: 'sensitivity' needs a 'morris' group, a 'sobol' group or both");
    expect_error(HEAD IND "  morris = {};\n};\n", RIC_ESCENARIO,
                 "sa.cfg:1: missing required key 'sensitivity.parameters'");
    expect_error(HEAD PARAM "  indicators = [\"smes\"];\n  morris = {};\n};\n", RIC_ESCENARIO,
                 "missing required key 'sensitivity.years'");
    expect_error(HEAD PARAM IND "  morris = { levels = 5; };\n};\n", RIC_ESCENARIO,
                 "sa.cfg:6: 'sensitivity.morris.levels' must be even (got 5)");
    expect_error(HEAD PARAM IND "  replications = \"two\";\n  morris = {};\n};\n", RIC_ESCENARIO,
                 "sa.cfg:6: 'sensitivity.replications' must be an integer (got string)");
    expect_error(HEAD PARAM IND "  seed = 3000000000;\n  morris = {};\n};\n", RIC_ESCENARIO,
                 "'sensitivity.seed' does not fit in 32 bits (got 3000000000); write it with an "
                 "L suffix");
    expect_error(HEAD "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.5; max = 0.5; } "
                      ");\n" IND "  morris = {};\n};\n",
                 RIC_ESCENARIO,
                 "sa.cfg:3: 'sensitivity.parameters.[0].max' must be > 0.5 (got 0.5)");
    expect_error(HEAD "  parameters = ( { key = \"rules exit\"; min = 0.0; max = 0.5; } );\n" IND
                      "  morris = {};\n};\n",
                 RIC_ESCENARIO,
                 "'sensitivity.parameters.[0].key' must be a key path such as rules.jobs.noise");
    expect_error(HEAD "  parameters = ( { key = \"rules.exit.base_rate\"; min = 0.0; max = 50.0; } "
                      ");\n" IND "  morris = {};\n};\n",
                 RIC_ESCENARIO,
                 "parameter 'rules.exit.base_rate' at its max: --set 'rules.exit.base_rate=50.0': "
                 "'rules.exit.base_rate' must be <= 12 (got 50)");
    expect_error(HEAD PARAM "  indicators = [\"smez\"];\n  years = [2004.0];\n  morris = {};\n};\n",
                 RIC_ESCENARIO, "sa.cfg:4: no column 'smez' in the output of scenario 'tiny'");
    expect_error(HEAD PARAM "  indicators = [\"smes\"];\n  years = [2004.53];\n  morris = {};\n};\n",
                 RIC_ESCENARIO, "year 2004.53 of 'smes' is not a row of scenario 'tiny'");
    expect_error(HEAD PARAM "  indicators = [\"smes\"];\n  years = [2030.0];\n  morris = {};\n};\n",
                 RIC_ESCENARIO, "year 2030 of 'smes' is not a row");
    expect_error("sensitivity = {\n  scenario = \"nowhere.cfg\";\n" PARAM IND
                 "  morris = {};\n};\n",
                 RIC_EIO, "nowhere.cfg: cannot open");
    expect_error("sensitivity = { \n", RIC_ESCENARIO, "sa.cfg:2: syntax error");
}

Test(sensitivity, a_missing_study_file_cannot_be_opened, .init = quiet_gsl)
{
    ric_err err = {{0}};
    ric_sensitivity *s = NULL;
    cr_assert_eq(ric_sensitivity_load("/nonexistent/sa.cfg", &s, &err), RIC_EIO);
    cr_assert_str_eq(err.msg, "/nonexistent/sa.cfg: cannot open: No such file or directory");
}

Test(sensitivity, shipped_daedeok_studies_load, .init = quiet_gsl)
{
    const char *files[] = {RIC_SOURCE_DIR "/scenarios/sensitivity/daedeok_morris.cfg",
                           RIC_SOURCE_DIR "/scenarios/sensitivity/daedeok_sobol.cfg",
                           RIC_SOURCE_DIR "/scenarios/sensitivity/nuri_effect_morris.cfg"};
    const size_t points[] = {20 * 17, 128 * 6, 10 * 12};
    for (int i = 0; i < 3; i++) {
        ric_sensitivity *s = NULL;
        ric_err err = {{0}};
        cr_assert_eq(ric_sensitivity_load(files[i], &s, &err), RIC_OK, "%s", err.msg);
        size_t done, total;
        ric_sensitivity_progress(s, &done, &total);
        cr_assert_eq(total, points[i]);
        ric_sensitivity_free(s);
    }
}
