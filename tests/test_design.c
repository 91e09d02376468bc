/* Design generation: counts, order and values of grids and zips; bounds, strata and determinism of
 * Latin hypercubes; GSL's Sobol points; design files with and without a header and every error
 * they can raise; whole-number parameters; and the replication seeds (deterministic, distinct, 63
 * bits, the same in every design row). */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h" /* make_tmp_dir */
#include "ricsim/design.h"

static const double budgets[] = {2.65, 5.3, 10.6};
static const double heritage[] = {0.55, 0.7};

static ric_design make(const char *type, const ric_design_param *p, size_t n,
                       const ric_design_opts *o)
{
    ric_design d = {0};
    ric_err err = {{0}};
    const ric_design_type *t = ric_design_find(type);
    cr_assert_not_null(t, "no design %s", type);
    cr_assert_eq(ric_design_make(t, p, n, o, &d, &err), RIC_OK, "%s", err.msg);
    return d;
}

/* The design must fail with a message that contains WANT. */
static void make_fails(const char *type, const ric_design_param *p, size_t n,
                       const ric_design_opts *o, const char *want)
{
    ric_design d = {0};
    ric_err err = {{0}};
    ric_status st = ric_design_make(ric_design_find(type), p, n, o, &d, &err);
    cr_assert_neq(st, RIC_OK, "expected a failure (%s)", want);
    cr_assert_not_null(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg, want);
    cr_assert_null(d.x, "a failed design leaves its output untouched");
}

static void quiet_gsl(void)
{
    gsl_set_error_handler_off();
}

Test(design, table_names_every_design)
{
    const char *names[] = {"grid", "zip", "lhs", "sobol", "file"};
    cr_assert_eq(ric_design_ntypes, 5);
    for (size_t i = 0; i < 5; i++)
        cr_assert_not_null(ric_design_find(names[i]), "%s", names[i]);
    cr_assert_null(ric_design_find("halton"));
}

Test(design, grid_is_the_full_product_with_the_last_parameter_fastest)
{
    ric_design_param p[2] = {{.key = "a", .values = budgets, .n_values = 3},
                             {.key = "b", .values = heritage, .n_values = 2}};
    ric_design_opts o = {0};
    ric_design d = make("grid", p, 2, &o);
    cr_assert_eq(d.n_rows, 6);
    cr_assert_eq(d.n_params, 2);
    const double want[6][2] = {{2.65, 0.55}, {2.65, 0.7},  {5.3, 0.55},
                               {5.3, 0.7},   {10.6, 0.55}, {10.6, 0.7}};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 2; j++)
            cr_assert_eq(d.x[i * 2 + j], want[i][j], "row %zu column %zu", i, j);
    ric_design_fini(&d);
}

Test(design, grid_without_parameters_is_one_row)
{
    ric_design_opts o = {0};
    ric_design d = make("grid", NULL, 0, &o);
    cr_assert_eq(d.n_rows, 1);
    ric_design_fini(&d);
}

Test(design, grid_too_large_is_refused)
{
    static double many[1001];
    ric_design_param p[2] = {{.key = "a", .values = many, .n_values = 1001},
                             {.key = "b", .values = many, .n_values = 1001}};
    ric_design_opts o = {0};
    make_fails("grid", p, 2, &o, "more than 1000000 rows");
}

Test(design, zip_takes_the_lists_together)
{
    const double other[] = {0.4, 0.5, 0.6};
    ric_design_param p[2] = {{.key = "a", .values = budgets, .n_values = 3},
                             {.key = "b", .values = other, .n_values = 3}};
    ric_design_opts o = {0};
    ric_design d = make("zip", p, 2, &o);
    cr_assert_eq(d.n_rows, 3);
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(d.x[i * 2], budgets[i]);
        cr_assert_eq(d.x[i * 2 + 1], other[i]);
    }
    ric_design_fini(&d);
    p[1].values = heritage;
    p[1].n_values = 2;
    make_fails("zip", p, 2, &o, "zip needs lists of equal length ('a' has 3 values, 'b' 2)");
}

Test(design, lhs_fills_every_stratum_once_within_bounds)
{
    ric_design_param p[3] = {{.key = "a", .lo = 2.65, .hi = 10.6},
                             {.key = "b", .lo = 0.5, .hi = 0.9},
                             {.key = "c", .lo = -1.25, .hi = 3.5}};
    ric_design_opts o = {.samples = 17, .seed = 2385};
    ric_design d = make("lhs", p, 3, &o);
    cr_assert_eq(d.n_rows, 17);
    for (size_t j = 0; j < 3; j++) {
        int used[17] = {0};
        for (size_t i = 0; i < 17; i++) {
            double v = d.x[i * 3 + j];
            cr_assert(v > p[j].lo && v < p[j].hi, "%g outside (%g, %g)", v, p[j].lo, p[j].hi);
            size_t s = (size_t)((v - p[j].lo) / (p[j].hi - p[j].lo) * 17);
            cr_assert_lt(s, 17);
            used[s]++;
        }
        for (size_t s = 0; s < 17; s++)
            cr_assert_eq(used[s], 1, "parameter %zu stratum %zu used %d times", j, s, used[s]);
    }
    ric_design_fini(&d);
}

Test(design, lhs_depends_on_its_seed_alone)
{
    ric_design_param p[2] = {{.key = "a", .lo = 0, .hi = 1}, {.key = "b", .lo = 5, .hi = 9}};
    ric_design_opts o = {.samples = 9, .seed = 42};
    ric_design d1 = make("lhs", p, 2, &o), d2 = make("lhs", p, 2, &o);
    cr_assert_eq(memcmp(d1.x, d2.x, 18 * sizeof(double)), 0, "same seed, same design");
    o.seed = 43;
    ric_design d3 = make("lhs", p, 2, &o);
    cr_assert_neq(memcmp(d1.x, d3.x, 18 * sizeof(double)), 0, "another seed, another design");
    ric_design_fini(&d1);
    ric_design_fini(&d2);
    ric_design_fini(&d3);
}

Test(design, sampled_designs_need_parameters_and_samples)
{
    ric_design_param p[1] = {{.key = "a", .lo = 0, .hi = 1}};
    ric_design_opts o = {.samples = 0};
    make_fails("lhs", p, 1, &o, "lhs needs between 1 and 1000000 samples (got 0)");
    o.samples = 4;
    make_fails("sobol", p, 0, &o, "sobol needs at least one parameter");
}

Test(design, sobol_follows_gsl_from_the_centre, .init = quiet_gsl)
{
    ric_design_param p[2] = {{.key = "a", .lo = 2.0, .hi = 6.0}, {.key = "b", .lo = 0, .hi = 1}};
    ric_design_opts o = {.samples = 63};
    ric_design d = make("sobol", p, 2, &o);
    cr_assert_eq(d.n_rows, 63);
    /* GSL's first points: (0.5, 0.5), (0.75, 0.25), (0.25, 0.75) */
    cr_assert_float_eq(d.x[0], 4.0, 1e-12);
    cr_assert_float_eq(d.x[1], 0.5, 1e-12);
    cr_assert_float_eq(d.x[2], 5.0, 1e-12);
    cr_assert_float_eq(d.x[3], 0.25, 1e-12);
    cr_assert_float_eq(d.x[4], 3.0, 1e-12);
    /* with the origin GSL skips, the first 64 points are a (0, 6, 2)-net: each of the 8 x 8 cells
     * of the unit square holds one, so the 63 points fill every cell but the origin's */
    int cell[8][8] = {{0}};
    cell[0][0] = 1;
    for (size_t i = 0; i < 63; i++) {
        double u = (d.x[i * 2] - 2.0) / 4.0, v = d.x[i * 2 + 1];
        cr_assert(u >= 0 && u < 1 && v >= 0 && v < 1);
        cell[(int)(u * 8)][(int)(v * 8)]++;
    }
    for (int a = 0; a < 8; a++)
        for (int b = 0; b < 8; b++)
            cr_assert_eq(cell[a][b], 1, "cell %d %d", a, b);
    ric_design_fini(&d);
}

Test(design, sobol_has_at_most_40_dimensions, .init = quiet_gsl)
{
    ric_design_param p[41];
    for (size_t j = 0; j < 41; j++)
        p[j] = (ric_design_param){.key = "k", .lo = 0, .hi = 1};
    ric_design_opts o = {.samples = 4};
    make_fails("sobol", p, 41, &o, "sobol supports at most 40 parameters (got 41)");
}

Test(design, whole_numbers_are_rounded_when_sampled_and_checked_when_given)
{
    ric_design_param p[1] = {{.key = "winners", .lo = 1, .hi = 12, .integer = 1}};
    ric_design_opts o = {.samples = 25, .seed = 7};
    ric_design d = make("lhs", p, 1, &o);
    for (size_t i = 0; i < 25; i++)
        cr_assert_eq(d.x[i], round(d.x[i]), "%g", d.x[i]);
    ric_design_fini(&d);
    ric_design_param g[1] = {{.key = "winners", .values = budgets, .n_values = 3, .integer = 1}};
    make_fails("grid", g, 1, &o, "'winners' is a whole number, but design row 0 gives 2.65");
}

/* ---- design files --------------------------------------------------------------------------- */

static char tmp[64];

static void make_tmp(void)
{
    make_tmp_dir(tmp);
}

static void cleanup(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/design.tsv", tmp);
    unlink(p);
    rmdir(tmp);
}

static const char *design_file(const char *text)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/design.tsv", tmp);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    return p;
}

static ric_design_param file_params[2] = {{.key = "rules.spinoff.heritage"},
                                          {.key = "programmes.ris_pilot.phases.[0].budget_usd_m"}};

Test(design, file_without_header_follows_the_parameters, .init = make_tmp, .fini = cleanup)
{
    /* as SALib writes it: blank-separated, no header */
    ric_design_opts o = {.file = design_file("# from SALib\n0.55 2.65\n0.7 5.3\n\n0.85 10.6\n")};
    ric_design d = make("file", file_params, 2, &o);
    cr_assert_eq(d.n_rows, 3);
    cr_assert_eq(d.x[0], 0.55);
    cr_assert_eq(d.x[1], 2.65);
    cr_assert_eq(d.x[5], 10.6);
    ric_design_fini(&d);
}

Test(design, file_header_maps_columns_to_parameters, .init = make_tmp, .fini = cleanup)
{
    ric_design_opts o = {
        .file = design_file("programmes.ris_pilot.phases.[0].budget_usd_m\trules.spinoff.heritage\n"
                            "2.65\t0.55\n5.3,0.7\n")};
    ric_design d = make("file", file_params, 2, &o);
    cr_assert_eq(d.n_rows, 2);
    cr_assert_eq(d.x[0], 0.55);
    cr_assert_eq(d.x[1], 2.65);
    cr_assert_eq(d.x[2], 0.7);
    cr_assert_eq(d.x[3], 5.3);
    ric_design_fini(&d);
}

Test(design, file_errors_name_file_and_line, .init = make_tmp, .fini = cleanup)
{
    struct {
        const char *text, *want;
    } cases[] = {
        {"0.55 2.65\n0.7\n", "design.tsv:2: expected 2 values, one per parameter (got 1)"},
        {"0.55 2.65 1\n", "design.tsv:1: expected 2 values, one per parameter (got more than 2)"},
        {"# c\n0.55 2.65\n0.7 five\n", "design.tsv:3: 'five' is not a number (column 2, "
                                       "'programmes.ris_pilot.phases.[0].budget_usd_m')"},
        {"rules.spinoff.heritage budget\n0.5 1\n",
         "design.tsv:1: column 'budget' names no parameter of the experiment"},
        {"rules.spinoff.heritage rules.spinoff.heritage\n",
         "design.tsv:1: column 'rules.spinoff.heritage' is named twice"},
        {"# only a comment\n", "design.tsv: no design rows"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ric_design_opts o = {.file = design_file(cases[i].text)};
        make_fails("file", file_params, 2, &o, cases[i].want);
    }
}

Test(design, file_values_respect_given_bounds, .init = make_tmp, .fini = cleanup)
{
    ric_design_param p[1] = {{.key = "rules.spinoff.heritage", .lo = 0, .hi = 1, .has_range = 1}};
    ric_design_opts o = {.file = design_file("0.5\n1.25\n")};
    make_fails("file", p, 1, &o, "design.tsv:2: 'rules.spinoff.heritage' = 1.25 is outside [0, 1]");
}

Test(design, missing_file_is_an_io_error, .init = make_tmp, .fini = cleanup)
{
    ric_design_opts o = {.file = "/nonexistent/design.tsv"};
    make_fails("file", file_params, 2, &o, "/nonexistent/design.tsv: cannot open");
}

/* ---- seeds ---------------------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

Test(design, seeds_are_deterministic_distinct_and_63_bits)
{
    enum { N = 100000 };
    uint64_t *s = malloc(N * sizeof *s);
    cr_assert_not_null(s);
    for (size_t r = 0; r < N; r++) {
        s[r] = ric_design_seed(42, r);
        cr_assert_lt(s[r], (uint64_t)1 << 63, "seed %llu too large", (unsigned long long)s[r]);
        cr_assert_eq(s[r], ric_design_seed(42, r));
    }
    qsort(s, N, sizeof *s, cmp_u64);
    for (size_t r = 1; r < N; r++)
        cr_assert_neq(s[r], s[r - 1], "two replications share a seed");
    free(s);
    cr_assert_neq(ric_design_seed(42, 0), ric_design_seed(43, 0), "the master seed matters");
    cr_assert_neq(ric_design_seed(0, 0), 0, "seeds are mixed, not the master itself");
}

/* A file that is not a design file has nothing of it echoed, and a FIFO is refused at once
 * (issue 16: file = "/etc/shadow" quoted its first field) */
Test(design, a_file_that_is_no_design_is_not_quoted, .init = make_tmp, .fini = cleanup)
{
    ric_design_param p[1] = {{.key = "rules.spinoff.heritage"}};
    ric_design_opts o = {.file = design_file("root:$6$s3cr3t$hash:19000:0:99999:7:::\n")};
    make_fails("file", p, 1, &o,
               "design.tsv:1: not a design file (column 1 is neither a number nor a parameter "
               "key)");
    o.file = design_file("0.5\n0.7\n$6$s3cr3t:x\n");
    make_fails("file", p, 1, &o,
               "design.tsv:3: '...' is not a number (column 1, 'rules.spinoff.heritage')");
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/design.tsv", tmp);
    unlink(fifo);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    o.file = fifo;
    make_fails("file", p, 1, &o, "design.tsv: cannot open: not a regular file");
}
