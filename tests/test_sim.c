/* Whole simulations: determinism, a golden run, accounting invariants on every row, budgets that
 * bind, paired comparisons (a programme nobody is eligible for changes nothing), and the rules'
 * basic mechanics (spin-offs take founders, dated events change and restore parameters). */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/rng.h"
#include "support.h"

/* The text without metadata lines that name the file or version. */
static char *strip_volatile(char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    for (char *line = s; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (strncmp(line, "# scenario_file=", 16) != 0 &&
            strncmp(line, "# ricsim_version=", 17) != 0) {
            memcpy(o, line, len);
            o += len;
        }
        line += len;
    }
    *o = '\0';
    return out;
}

Test(sim, same_scenario_and_seed_give_identical_bytes)
{
    gsl_set_error_handler_off();
    ric_scenario *sc = load(TINY, NULL, 0);
    char d1[64], d2[64];
    char *a = run_to_tmp(sc, d1), *b = run_to_tmp(sc, d2);
    cr_assert_str_eq(a, b);
    char p1[300], p2[300];
    snprintf(p1, sizeof p1, "%s/genealogy.tsv", d1);
    snprintf(p2, sizeof p2, "%s/genealogy.tsv", d2);
    char *g1 = slurp(p1), *g2 = slurp(p2);
    cr_assert_str_eq(g1, g2);
    cr_assert(strchr(strchr(g1, '\n') + 1, '\n') != NULL, "the tiny run has spin-offs");
    free(a), free(b), free(g1), free(g2);
    remove_run(d1);
    remove_run(d2);
    ric_scenario_free(sc);
}

Test(sim, another_seed_gives_another_run)
{
    const char *sets[] = {"seed=2386"};
    ric_scenario *a = load(TINY, NULL, 0), *b = load(TINY, sets, 1);
    char d1[64], d2[64];
    char *x = run_to_tmp(a, d1), *y = run_to_tmp(b, d2);
    cr_assert(strcmp(x, y) != 0);
    free(x), free(y);
    remove_run(d1);
    remove_run(d2);
    ric_scenario_free(a);
    ric_scenario_free(b);
}

/* Compares the output of a run of tests/golden/<name>.cfg with tests/golden/<name>_series.tsv
 * (and <name>_genealogy.tsv when with_genealogy). The golden files pin the model's behaviour;
 * this only compares: tests/golden/update.sh regenerates them, outside the suite, after a change
 * that is meant to alter results (tests/golden/README.md). With portable, the run takes the
 * reference code, every kernel switched off. */
static void check_golden(const char *name, int with_genealogy, int portable)
{
    const unsigned kernels = ric_kernels_select(portable ? 0u : RIC_KERNELS_ALL);
    char cfg[512], path[512];
    snprintf(cfg, sizeof cfg, "%s/tests/golden/%s.cfg", RIC_SOURCE_DIR, name);
    ric_scenario *sc = load(cfg, NULL, 0);
    char d[64];
    char *got = run_to_tmp(sc, d);
    const char *kinds[] = {"series", "genealogy"};
    for (int k = 0; k < 1 + (with_genealogy != 0); k++) {
        char *text = got;
        if (k == 1) {
            snprintf(path, sizeof path, "%s/genealogy.tsv", d);
            text = slurp(path);
        }
        char *gs = strip_volatile(text);
        snprintf(path, sizeof path, "%s/tests/golden/%s_%s.tsv", RIC_SOURCE_DIR, name, kinds[k]);
        char *want = slurp(path);
        cr_assert_str_eq(gs, want, "%s differs from tests/golden/%s_%s.tsv%s", kinds[k], name,
                         kinds[k], portable ? " on the portable path" : "");
        free(gs), free(want);
        if (k == 1)
            free(text);
    }
    free(got);
    remove_run(d);
    ric_scenario_free(sc);
    ric_kernels_select(kernels);
}

Test(sim, tiny_scenario_matches_its_golden_output)
{
    check_golden("tiny", 0, 0);
}

Test(sim, tiny_scenario_matches_its_golden_output_on_the_portable_path)
{
    check_golden("tiny", 0, 1);
}

/* stress.cfg's golden files were written by the plain per-firm loops that the chunked, vector
 * firm pass and the lane-summed hiring replaced (commit 3bb9374): both paths reproduce them. */
Test(sim, stress_scenario_matches_the_output_of_the_plain_loops)
{
    check_golden("stress", 1, 0);
}

Test(sim, stress_scenario_matches_the_output_of_the_plain_loops_on_the_portable_path)
{
    check_golden("stress", 1, 1);
}

/* The regenerating script refuses inside the suite. The binary it is given does not exist, so
 * even a script that failed to refuse could not rewrite a golden: it would fail on another
 * message. */
Test(sim, golden_update_refuses_inside_the_test_suite)
{
    char out[64];
    make_tmp_dir(out);
    char err[128];
    snprintf(err, sizeof err, "%s/err", out);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "RIC_IN_TEST_SUITE=1 %s/tests/golden/update.sh %s/no-ricsim 2>%s",
             RIC_SOURCE_DIR, out, err);
    fflush(NULL);
    int st = system(cmd);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "exit status %d", st);
    char *text = slurp(err);
    cr_assert_str_eq(text, "update.sh: refusing to regenerate the goldens inside the test suite "
                           "(RIC_IN_TEST_SUITE is set)\n");
    free(text);
    remove_tree(out);
}

/* The kernels and the reference give the same bytes on the Daedeok scenario, for several seeds
 * and with the elasticities that take the libm powers. */
Test(sim, kernels_and_reference_give_identical_bytes)
{
    const char *sets[][2] = {{"seed=11", "rules.spinoff.knowledge_elasticity=1.0"},
                             {"seed=12", "rules.exit.capability_elasticity=0.5"},
                             {"seed=13", "rules.transfer.absorptive_elasticity=2.0"}};
    for (int k = 0; k < 3; k++) {
        ric_scenario *sc = load(DAEDEOK, sets[k], 2);
        char dirs[2][64];
        char *series[2], *gen[2];
        for (int j = 0; j < 2; j++) {
            const unsigned old = ric_kernels_select(j ? 0u : RIC_KERNELS_ALL);
            series[j] = run_to_tmp(sc, dirs[j]);
            ric_kernels_select(old);
            char path[300];
            snprintf(path, sizeof path, "%s/genealogy.tsv", dirs[j]);
            gen[j] = slurp(path);
        }
        cr_assert_str_eq(series[0], series[1], "series differ with and without kernels (%s)",
                         sets[k][1]);
        cr_assert_str_eq(gen[0], gen[1], "genealogies differ (%s)", sets[k][1]);
        for (int j = 0; j < 2; j++) {
            free(series[j]), free(gen[j]);
            remove_run(dirs[j]);
        }
        ric_scenario_free(sc);
    }
}

/* Accounting identities on every monthly row of the Daedeok run. */
Test(sim, rows_add_up_and_no_firm_is_counted_twice)
{
    ric_scenario *sc = load(DAEDEOK, NULL, 0);
    ric_sim *s = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK, "%s", err.msg);
    size_t n = ric_sim_ncols(s);
    double *v = calloc(n, sizeof *v);
    long c_total = col(s, "employees_total"), c_res = col(s, "employees_research"),
         c_uni = col(s, "employees_universities"), c_gvt = col(s, "employees_gvt"),
         c_sme = col(s, "employees_smes"), c_large = col(s, "employees_large"),
         c_rg = col(s, "employees_ri_gvt"), c_rp = col(s, "employees_ri_private"),
         c_rs = col(s, "employees_ri_semi_gvt"), c_smes = col(s, "smes"),
         c_lf = col(s, "large_firms"), c_firms = col(s, "firms"), c_o0 = col(s, "firms_incumbent"),
         c_net = col(s, "jobs_net"), c_cr = col(s, "jobs_created"), c_de = col(s, "jobs_destroyed"),
         c_ri = col(s, "research_institutes"), c_g = col(s, "ri_gvt"), c_p = col(s, "ri_private"),
         c_sg = col(s, "ri_semi_gvt"), c_sp = col(s, "spinoffs"), c_spc = col(s, "spinoffs_cum");
    double prev_firm_emp = 0, prev_spc = 0;
    int rows = 0;
    while (!ric_sim_done(s)) {
        cr_assert_eq(ric_sim_step(s, &err), RIC_OK, "%s", err.msg);
        cr_assert(ric_programmes_max_overcommit(ric_sim_programmes(s)) <= 1e-9,
                  "a programme committed more than its budget");
        const ric_world *w = ric_sim_world(s);
        /* live ids are unique and the id map points back at them */
        for (size_t i = 0; i < w->firms.n; i++)
            cr_assert_eq(w->firms.index_of[w->firms.id[i]], (int32_t)i);
        if (!ric_sim_output_due(s))
            continue;
        ric_sim_row(s, v);
        rows++;
        cr_assert_eq(v[c_total], v[c_res] + v[c_uni] + v[c_gvt] + v[c_sme] + v[c_large]);
        cr_assert_eq(v[c_res], v[c_rg] + v[c_rp] + v[c_rs]);
        cr_assert_eq(v[c_ri], v[c_g] + v[c_p] + v[c_sg]);
        cr_assert_eq(v[c_firms], v[c_smes] + v[c_lf]);
        double by_origin = 0;
        for (int o = 0; o < RIC_ORIGIN_N; o++)
            by_origin += v[c_o0 + o];
        cr_assert_eq(by_origin, v[c_firms]);
        cr_assert_eq(v[c_net], v[c_cr] - v[c_de]);
        /* gross flows explain the change in firm employment of the focus region */
        double firm_emp = v[c_sme] + v[c_large];
        cr_assert_eq(firm_emp - prev_firm_emp, v[c_net], "row %d: employment %g -> %g, net %g",
                     rows, prev_firm_emp, firm_emp, v[c_net]);
        cr_assert_eq(v[c_spc] - prev_spc, v[c_sp]);
        prev_firm_emp = firm_emp;
        prev_spc = v[c_spc];
    }
    cr_assert_eq(rows, 38 * 12);
    cr_assert(prev_spc > 50, "Daedeok should produce spin-offs (got %g)", prev_spc);
    free(v);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* Fields of a tab-separated line, and the body of a series after its metadata. */
static int find_field(const char *header, const char *name)
{
    int k = 0;
    const char *p = header;
    size_t n = strlen(name);
    while (*p && *p != '\n') {
        size_t len = strcspn(p, "\t\n");
        if (len == n && strncmp(p, name, n) == 0)
            return k;
        p += len;
        if (*p == '\t')
            p++;
        k++;
    }
    return -1;
}

static const char *field(const char *line, int k, size_t *len)
{
    for (int i = 0; i < k; i++)
        line += strcspn(line, "\t\n") + 1;
    *len = strcspn(line, "\t\n");
    return line;
}

static const char *body(const char *s)
{
    while (*s == '#')
        s = strchr(s, '\n') + 1;
    return s;
}

/* Common random numbers: a programme with no eligible beneficiary changes no agent's draws, so
 * every column the two runs share is identical, row by row. */
Test(sim, a_programme_nobody_can_win_changes_nothing)
{
    ric_scenario *base = load(TINY, NULL, 0);
    /* the same scenario with a second programme open only to universities of 'cap' (none) */
    char *text = slurp(TINY);
    char *pos = strstr(text, "programmes = {");
    cr_assert_not_null(pos);
    pos += strlen("programmes = {");
    const char *prog =
        "\n  ghost = { phases = ( { start = 2000.5; end = 2004.0; budget_usd_m = 50.0; } );"
        " instruments = { x = { applicants = \"university\"; call = 2000.5; duration_years = 3.0;"
        " award_usd_m = 5.0; max_winners = 5; consortium_firms = 20;"
        " eligible = { regions = [\"cap\"]; };"
        " channels = { spinoff = 2.0; transfer = 5.0; graduates = 50.0; links = 5.0;"
        " capability = 1.0; }; }; }; };\n";
    char *with = malloc(strlen(text) + strlen(prog) + 1);
    size_t head = (size_t)(pos - text);
    memcpy(with, text, head);
    strcpy(with + head, prog);
    strcat(with, pos);
    ric_scenario *sg = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load_string(with, "ghost.cfg", NULL, NULL, 0, &sg, &err), RIC_OK,
                 "%s", err.msg);
    char d1[64], d2[64];
    char *a = run_to_tmp(base, d1), *b = run_to_tmp(sg, d2);
    const char *ha = body(a), *hb = body(b);
    int na = 0;
    for (const char *p = ha; *p && *p != '\n'; p++)
        na += *p == '\t';
    na++;
    const char *ra = strchr(ha, '\n') + 1, *rb = strchr(hb, '\n') + 1;
    int rows = 0;
    while (*ra && *rb) {
        for (int k = 0; k < na; k++) {
            size_t la, lb;
            char name[64];
            const char *fa = field(ha, k, &la);
            snprintf(name, sizeof name, "%.*s", (int)la, fa);
            int kb = find_field(hb, name);
            cr_assert(kb >= 0, "column %s missing", name);
            const char *va = field(ra, k, &la), *vb = field(rb, kb, &lb);
            cr_assert(la == lb && strncmp(va, vb, la) == 0, "row %d column %s: %.*s vs %.*s", rows,
                      name, (int)la, va, (int)lb, vb);
        }
        ra = strchr(ra, '\n') + 1;
        rb = strchr(rb, '\n') + 1;
        rows++;
    }
    cr_assert_eq(rows, 60);
    /* and the ghost programme did spend its administration money: the runs are not trivially equal
     */
    cr_assert(find_field(hb, "ghost_overhead_usd_m") >= 0);
    char p1[300], p2[300];
    snprintf(p1, sizeof p1, "%s/genealogy.tsv", d1);
    snprintf(p2, sizeof p2, "%s/genealogy.tsv", d2);
    char *g1 = slurp(p1), *g2 = slurp(p2);
    cr_assert_str_eq(g1, g2);
    free(g1), free(g2), free(a), free(b), free(text), free(with);
    remove_run(d1);
    remove_run(d2);
    ric_scenario_free(base);
    ric_scenario_free(sg);
}

Test(sim, spinoffs_take_founders_from_their_parent)
{
    const char *sets[] = {"rules.spinoff.institute_rate=0.05", "rules.spinoff.firm_rate=0.0",
                          "rules.spinoff.university_rate=0.0", "rules.staff.rehire_rate=0.0"};
    ric_scenario *sc = load(TINY, sets, 4);
    ric_sim *s = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK);
    cr_assert_eq(ric_sim_step(s, &err), RIC_OK);
    const ric_world *w = ric_sim_world(s);
    long staff0 = w->orgs[0].staff + w->orgs[1].staff;
    long founders = 0, births = 0;
    for (int k = 0; k < 24; k++) {
        cr_assert_eq(ric_sim_step(s, &err), RIC_OK);
        size_t nb;
        const ric_birth *b = ric_sim_births(s, &nb);
        for (size_t i = 0; i < nb; i++) {
            cr_assert_eq(b[i].parent_kind, RIC_ORG_RI_GVT);
            int32_t j = w->firms.index_of[b[i].child];
            if (j >= 0)
                founders += w->firms.employees[j] > 0;
            births++;
        }
    }
    long staff1 = w->orgs[0].staff + w->orgs[1].staff;
    /* 600 researchers at 5% a year over two years: about 60 spin-offs, each with >= 1 founder */
    cr_assert(births > 30 && births < 100, "births %ld", births);
    cr_assert(staff0 - staff1 >= births, "staff fell by %ld for %ld spin-offs", staff0 - staff1,
              births);
    cr_assert(founders > 0);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

Test(sim, better_parents_have_better_spinoffs)
{
    /* Klepper's heritage: children inherit a share of the parent's knowledge */
    double mean[2];
    for (int k = 0; k < 2; k++) {
        const char *sets[] = {
            k ? "organisations.inst.knowledge=4.0" : "organisations.inst.knowledge=1.0",
            "rules.spinoff.institute_rate=0.05", "rules.spinoff.knowledge_elasticity=0.0"};
        ric_scenario *sc = load(TINY, sets, 3);
        ric_sim *s = NULL;
        ric_err err = {{0}};
        cr_assert_eq(ric_sim_alloc(sc, &s, &err), RIC_OK);
        double sum = 0;
        int n = 0;
        for (int t = 0; t < 12; t++) {
            cr_assert_eq(ric_sim_step(s, &err), RIC_OK);
            size_t nb;
            const ric_birth *b = ric_sim_births(s, &nb);
            const ric_world *w = ric_sim_world(s);
            for (size_t i = 0; i < nb; i++)
                if (b[i].parent_kind == RIC_ORG_RI_GVT) {
                    sum += w->firms.capability[w->firms.index_of[b[i].child]];
                    n++;
                }
        }
        cr_assert(n > 5);
        mean[k] = sum / n;
        ric_sim_free(s);
        ric_scenario_free(sc);
    }
    cr_assert(mean[1] > mean[0] + 1.0, "children of knowledge 1: %g, of 4: %g", mean[0], mean[1]);
}

Test(sim, firm_capacity_exhaustion_fails_the_run_cleanly)
{
    const char *sets[] = {"limits.max_firms=160"};
    ric_scenario *sc = load(TINY, sets, 1);
    char dir[64];
    make_tmp_dir(dir);
    ric_err err = {{0}};
    cr_assert_eq(ric_run(sc, dir, 0, &err), RIC_ECAPACITY);
    cr_assert(strstr(err.msg, "'limits.max_firms' = 160") != NULL, "%s", err.msg);
    char p[300];
    snprintf(p, sizeof p, "%s/series.tsv", dir);
    cr_assert(access(p, F_OK) != 0, "a failed run left series.tsv");
    cr_assert_eq(rmdir(dir), 0, "a failed run left files behind");
    ric_scenario_free(sc);
}

/* Organisation cohorts with report = true get their spin-offs in the series: the running total
 * and how many located in the capital region, whatever the cohort's region; two identical
 * institutes in one cohort are summed, and a cohort without report has no column. */
Test(sim, reported_organisations_have_their_spinoffs_in_the_series)
{
    const char *text =
        "name = \"report\"; seed = 99L;\n"
        "time = { start = 2000.0; end = 2004.0; steps_per_year = 12; output_every = 12; };\n"
        "capital_region = \"capital\";\n"
        "rules = { spinoff = { institute_rate = 0.02; stay_share = 0.5; capital_share = 0.5; }; "
        "};\n"
        "regions = { town = { labour_pool = 500.0; };\n"
        "            capital = { labour_pool = 500.0; focus = false; }; };\n"
        "organisations = {\n"
        "  lab = { kind = \"ri_gvt\"; region = \"town\"; count = 2; staff = 300.0; report = true; "
        "};\n"
        "  other = { kind = \"ri_gvt\"; region = \"town\"; staff = 300.0; }; };\n";
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load_string(text, "report.cfg", NULL, NULL, 0, &sc, &err), RIC_OK,
                 "%s", err.msg);
    ric_sim *s = start(sc);
    const long c_all = col(s, "spinoffs_cum_org_lab"),
               c_cap = col(s, "spinoffs_cum_org_lab_capital");
    cr_assert(c_all >= 0 && c_cap == c_all + 1);
    const char *const *names = ric_sim_colnames(s);
    for (size_t c = 0; c < ric_sim_ncols(s); c++)
        cr_assert(strstr(names[c], "org_other") == NULL, "%s", names[c]);
    double *row = calloc(ric_sim_ncols(s), sizeof *row);
    while (!ric_sim_done(s)) {
        step(s);
        if (ric_sim_output_due(s))
            ric_sim_row(s, row);
    }
    const ric_world *w = ric_sim_world(s);
    long long all = 0, cap = 0;
    for (size_t i = 0; i < w->firms.n; i++)
        if (w->firms.parent[i] == w->orgs[0].id || w->firms.parent[i] == w->orgs[1].id) {
            all++;
            cap += w->firms.region[i] == 1;
        }
    cr_assert_eq(w->orgs[0].spinoffs + w->orgs[1].spinoffs, (long long)row[c_all]);
    cr_assert_gt(row[c_all], 20, "%g spin-offs", row[c_all]);
    /* no firm exits here that could hide a spin-off from the firm count: compare loosely */
    cr_assert_leq(all, (long long)row[c_all]);
    cr_assert(row[c_cap] > 0.25 * row[c_all] && row[c_cap] < 0.75 * row[c_all], "%g of %g",
              row[c_cap], row[c_all]);
    cr_assert_leq(cap, (long long)row[c_cap]);
    free(row);
    ric_sim_free(s);
    ric_scenario_free(sc);
}
