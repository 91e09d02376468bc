/* The in-run evaluation (evaluation.tsv): the matched comparison group has the participants'
 * pre-award sizes, within their region and sector and without replacement; a programme without
 * effect gives intervals that cover zero; a placebo award before the real one shows no trend; the
 * rows are the firms as they stand; the file has one data set per programme, none without
 * programmes; its bytes repeat on a rerun and with the kernels off. */
#include <gsl/gsl_errno.h>
#include <math.h>

#include "support.h"

#include "model/evaluation.h"

/* One town of 800 firms; a firm grant with no channel at all (zero effect) for 80 winners drawn
 * at random (a ranking on size would take the largest firms, which have no comparable firm left:
 * doc/outputs.md, evaluation.tsv), from 2002 + 3 months to 2005 + 3 months. */
static const char *const ZERO =
    "name = \"zero\"; seed = 11L;\n"
    "time = { start = 2000.0; end = 2008.0; steps_per_year = 12; output_every = 12; };\n"
    "regions = { town = { labour_pool = 20000.0; pool_inflow_per_year = 4000.0;\n"
    "                     startup_rate = 10.0; }; };\n"
    "firms = { local = { region = \"town\"; count = 800; employees = 10.0; }; };\n"
    "programmes = { grant = {"
    "  phases = ( { start = 2002.0; end = 2006.0; budget_usd_m = 100.0; } ); overhead = 0.0;\n"
    "  instruments = { calls = { applicants = \"firm\"; call = 2002.0; deadline_months = 2.0;\n"
    "    start_delay_months = 1.0; duration_years = 3.0; award_usd_m = 0.5; max_winners = 80;\n"
    "    ranking = { quality = 0.0; match = 0.0; chance = 1.0; };\n"
    "  }; }; }; };\n";

/* The same town, a placebo grant without effect in 2001 and the real one, raising its winners'
 * capability, in 2004; both draw their winners at random. */
static const char *const PLACEBO =
    "name = \"placebo\"; seed = 11L;\n"
    "time = { start = 2000.0; end = 2008.0; steps_per_year = 12; output_every = 12; };\n"
    "regions = { town = { labour_pool = 20000.0; pool_inflow_per_year = 4000.0;\n"
    "                     startup_rate = 10.0; }; };\n"
    "firms = { local = { region = \"town\"; count = 800; employees = 10.0; }; };\n"
    "programmes = {"
    " placebo = { phases = ( { start = 2001.0; end = 2002.0; budget_usd_m = 100.0; } );\n"
    "  overhead = 0.0;\n"
    "  instruments = { calls = { applicants = \"firm\"; call = 2001.0; deadline_months = 2.0;\n"
    "    start_delay_months = 1.0; duration_years = 0.5; award_usd_m = 0.5; max_winners = 60;\n"
    "    ranking = { quality = 0.0; match = 0.0; chance = 1.0; };\n"
    "  }; }; };\n"
    " real = { phases = ( { start = 2004.0; end = 2008.0; budget_usd_m = 100.0; } );\n"
    "  overhead = 0.0;\n"
    "  instruments = { calls = { applicants = \"firm\"; call = 2004.0; deadline_months = 2.0;\n"
    "    start_delay_months = 1.0; duration_years = 3.0; award_usd_m = 0.5; max_winners = 60;\n"
    "    ranking = { quality = 0.0; match = 0.0; chance = 1.0; };\n"
    "    channels = { capability = 0.5; }; }; }; }; };\n";

/* Two regions of two sectors, 4,000 firms; consortia of 100 firms drawn in each region, and a
 * firm grant to 150 firms drawn at random, both selected in the same step. Spin-offs are
 * frequent, so that the spin-off columns have something to count. */
static const char *const BALANCE =
    "name = \"balance\"; seed = 7L;\n"
    "time = { start = 2000.0; end = 2006.0; steps_per_year = 12; output_every = 12; };\n"
    "sectors = { a = { label = \"a\"; }; b = { label = \"b\"; }; };\n"
    "regions = { north = { labour_pool = 50000.0; pool_inflow_per_year = 8000.0; };\n"
    "            south = { labour_pool = 50000.0; pool_inflow_per_year = 8000.0; }; };\n"
    "firms = { na = { region = \"north\"; count = 1000; employees = 12.0; sector = \"a\"; };\n"
    "          nb = { region = \"north\"; count = 1000; employees = 6.0; sector = \"b\"; };\n"
    "          sa = { region = \"south\"; count = 1000; employees = 20.0; sector = \"a\"; };\n"
    "          sb = { region = \"south\"; count = 1000; employees = 9.0; sector = \"b\"; }; };\n"
    "rules = { spinoff = { firm_rate = 0.01; }; };\n"
    "programmes = {"
    " consortia = { phases = ( { start = 2002.0; end = 2005.0; budget_usd_m = 50.0; } );\n"
    "  overhead = 0.0;\n"
    "  instruments = { calls = { applicants = \"region\"; call = 2002.0; deadline_months = 2.0;\n"
    "    start_delay_months = 1.0; duration_years = 2.0; award_usd_m = 2.0; max_winners = 2;\n"
    "    consortium_firms = 100; channels = { capability = 0.2; links = 5.0; }; }; }; };\n"
    " grant = { phases = ( { start = 2002.0; end = 2005.0; budget_usd_m = 100.0; } );\n"
    "  overhead = 0.0;\n"
    "  instruments = { calls = { applicants = \"firm\"; call = 2002.0; deadline_months = 2.0;\n"
    "    start_delay_months = 1.0; duration_years = 2.0; award_usd_m = 0.5; max_winners = 150;\n"
    "    ranking = { quality = 0.0; match = 0.0; chance = 1.0; };\n"
    "    channels = { capability = 0.2; }; }; }; }; };\n";

static ric_scenario *load_text(const char *text, const char *const *sets, size_t n)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    cr_assert_eq(ric_scenario_load_string(text, "evaluation.cfg", ".", sets, n, &sc, &err), RIC_OK,
                 "%s", err.msg);
    return sc;
}

static void run_all(ric_sim *s)
{
    while (!ric_sim_done(s))
        step(s);
}

static size_t ecol(const char *name)
{
    for (size_t c = 0; c < ric_evaluation_ncols(); c++)
        if (strcmp(ric_evaluation_colname(c), name) == 0)
            return c;
    cr_assert_fail("no evaluation column %s", name);
    return 0;
}

static int prog_index(const ric_scenario *sc, const char *name)
{
    for (int p = 0; p < sc->n_programmes; p++)
        if (strcmp(sc->programmes[p].name, name) == 0)
            return p;
    cr_assert_fail("no programme %s", name);
    return -1;
}

/* Row of YEAR of programme P into V (ric_evaluation_ncols values); 0 when there is none. */
static int row_of(const ric_sim *s, int p, double year, double *v)
{
    const ric_evaluation *ev = ric_sim_evaluation(s);
    size_t first, n = ric_evaluation_rows(ev, p, &first);
    for (size_t r = 0; r < n; r++) {
        ric_evaluation_row(ev, p, first + r, v);
        if (fabs(v[0] - year) < 1e-9)
            return 1;
    }
    return 0;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

Test(evaluation, the_matched_group_has_the_participants_pre_award_sizes)
{
    gsl_set_error_handler_off();
    ric_scenario *sc = load_text(BALANCE, NULL, 0);
    ric_sim *s = start(sc);
    run_all(s);
    const ric_world *w = ric_sim_world(s);
    const ric_evaluation *ev = ric_sim_evaluation(s);
    for (int p = 0; p < sc->n_programmes; p++) {
        ric_evaluation_counts n;
        ric_evaluation_count(ev, p, &n);
        const char *name = sc->programmes[p].name;
        cr_assert(n.participants >= 150, "%s: %zu participants", name, n.participants);
        cr_assert(n.matched == n.participants, "%s: %zu of %zu matched", name, n.matched,
                  n.participants);
        double *lp = malloc(n.participants * sizeof *lp), *lc = malloc(n.participants * sizeof *lc);
        uint32_t *used = malloc(n.participants * sizeof *used);
        double mean_gap = 0, cap_gap = 0;
        for (size_t k = 0; k < n.participants; k++) {
            ric_evaluation_pair q;
            ric_evaluation_pair_at(ev, p, k, &q);
            lp[k] = log(q.employees[0]);
            lc[k] = log(q.employees[1]);
            mean_gap += (lp[k] - lc[k]) / (double)n.participants;
            cap_gap += (q.capability[0] - q.capability[1]) / (double)n.participants;
            used[k] = q.id[1];
            /* the same region and sector (for pairs whose firms are both still alive) and a
             * comparison firm that takes part in no programme */
            int32_t i = w->firms.index_of[q.id[0]], j = w->firms.index_of[q.id[1]];
            if (j >= 0)
                cr_assert_eq(w->firms.prog[j], 0u, "%s: comparison firm %u takes part", name,
                             q.id[1]);
            if (i >= 0 && j >= 0) {
                cr_assert_eq(w->firms.region[i], w->firms.region[j]);
                cr_assert_eq(w->firms.sector[i], w->firms.sector[j]);
            }
        }
        /* without replacement within the programme */
        qsort(used, n.participants, sizeof *used, by_u32);
        for (size_t k = 1; k < n.participants; k++)
            cr_assert(used[k] != used[k - 1], "%s: firm %u compared twice", name, used[k]);
        free(used);
        /* the distribution of log size: its mean, and the largest gap between the two groups'
         * distribution functions (Kolmogorov-Smirnov's D) below 0.1 */
        qsort(lp, n.participants, sizeof *lp, by_double);
        qsort(lc, n.participants, sizeof *lc, by_double);
        double m = 0, sq = 0;
        for (size_t k = 0; k < n.participants; k++) {
            m += lp[k] / (double)n.participants;
            sq += lp[k] * lp[k];
        }
        double sd = sqrt((sq - (double)n.participants * m * m) / (double)(n.participants - 1));
        /* a standardised difference below 0.1, the usual bound of a balanced covariate */
        cr_assert(fabs(mean_gap) < 0.1 * sd, "%s: mean log size gap %g (sd %g)", name, mean_gap,
                  sd);
        cr_assert(fabs(cap_gap) < 0.02, "%s: mean capability gap %g", name, cap_gap);
        double ks = 0;
        for (size_t a = 0, b = 0; a < n.participants || b < n.participants;) {
            double x =
                a < n.participants && (b >= n.participants || lp[a] <= lc[b]) ? lp[a] : lc[b];
            while (a < n.participants && lp[a] <= x)
                a++;
            while (b < n.participants && lc[b] <= x)
                b++;
            ks = fmax(ks, fabs((double)a - (double)b) / (double)n.participants);
        }
        cr_assert(ks < 0.1, "%s: the distributions of size differ by D = %g", name, ks);
        free(lp);
        free(lc);
    }
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* A programme whose money does nothing: the difference in differences of employees at the end
 * of the run, did +- 1.96 se, covers zero in at least 90% of 50 seeds. */
Test(evaluation, a_programme_without_effect_gives_intervals_that_cover_zero)
{
    gsl_set_error_handler_off();
    const size_t did = ecol("employees_did"), se = ecol("employees_did_se");
    const size_t cdid = ecol("capability_did"), cse = ecol("capability_did_se");
    int cover = 0, cover_cap = 0, seeds = 50;
    for (int k = 0; k < seeds; k++) {
        char seed[32];
        snprintf(seed, sizeof seed, "seed=%d", 4101 + 37 * k);
        const char *sets[] = {seed};
        ric_scenario *sc = load_text(ZERO, sets, 1);
        ric_sim *s = start(sc);
        run_all(s);
        double v[64];
        cr_assert(row_of(s, 0, 2008.0, v), "no row for 2008");
        cr_assert(isfinite(v[did]) && isfinite(v[se]) && v[se] > 0, "did %g se %g", v[did], v[se]);
        cover += fabs(v[did]) <= 1.96 * v[se];
        cover_cap += fabs(v[cdid]) <= 1.96 * v[cse];
        ric_sim_free(s);
        ric_scenario_free(sc);
    }
    cr_assert(cover >= 45, "employees: %d of %d intervals cover zero", cover, seeds);
    cr_assert(cover_cap >= 45, "capability: %d of %d intervals cover zero", cover_cap, seeds);
}

/* A placebo award three years before the real one: its difference in differences over the
 * years before the real award shows no trend (its mean over 30 seeds is within three standard
 * errors of zero, every year), while the real programme's capability effect is found. */
Test(evaluation, a_placebo_award_before_the_real_one_shows_no_trend)
{
    gsl_set_error_handler_off();
    const char *outcomes[] = {"employees_did", "capability_did", "survival_did"};
    enum { SEEDS = 30, YEARS = 3, N_OUTCOMES = 3 };
    double sum[N_OUTCOMES][YEARS] = {{0}}, sq[N_OUTCOMES][YEARS] = {{0}}, real = 0, real_sq = 0;
    for (int k = 0; k < SEEDS; k++) {
        char seed[32];
        snprintf(seed, sizeof seed, "seed=%d", 9001 + 13 * k);
        const char *sets[] = {seed};
        ric_scenario *sc = load_text(PLACEBO, sets, 1);
        const int placebo = prog_index(sc, "placebo"), rp = prog_index(sc, "real");
        ric_sim *s = start(sc);
        run_all(s);
        double v[64];
        /* the base year: 2001, the year of the placebo's award; 0 there by construction */
        cr_assert(row_of(s, placebo, 2001.0, v));
        for (int o = 0; o < N_OUTCOMES; o++)
            cr_assert_eq(v[ecol(outcomes[o])], 0.0);
        size_t first;
        ric_evaluation_rows(ric_sim_evaluation(s), placebo, &first);
        cr_assert_eq(first, 1u, "the base row is the first year at or before the award");
        for (int y = 0; y < YEARS; y++) { /* 2002, 2003, 2004: before the real award */
            cr_assert(row_of(s, placebo, 2002.0 + y, v));
            for (int o = 0; o < N_OUTCOMES; o++) {
                double d = v[ecol(outcomes[o])];
                sum[o][y] += d;
                sq[o][y] += d * d;
            }
        }
        cr_assert(row_of(s, rp, 2008.0, v));
        real += v[ecol("capability_did")];
        real_sq += v[ecol("capability_did")] * v[ecol("capability_did")];
        ric_sim_free(s);
        ric_scenario_free(sc);
    }
    for (int o = 0; o < N_OUTCOMES; o++)
        for (int y = 0; y < YEARS; y++) {
            double m = sum[o][y] / SEEDS, sd = sqrt((sq[o][y] - SEEDS * m * m) / (SEEDS - 1));
            cr_assert(fabs(m) <= 3 * sd / sqrt(SEEDS) + 1e-12, "%s in %d: mean %g, sd %g",
                      outcomes[o], 2002 + y, m, sd);
        }
    double m = real / SEEDS, sd = sqrt((real_sq - SEEDS * m * m) / (SEEDS - 1));
    cr_assert(m > 5 * sd / sqrt(SEEDS) && m > 0.1, "the real capability effect: %g (sd %g)", m, sd);
}

/* The last row is the pairs' firms as they stand: exited firms count 0 employees and 0 survival,
 * spin-offs are those of the genealogy since each firm's award start, and the difference in
 * differences and its standard error are those of the pairs' changes. */
Test(evaluation, the_rows_are_the_firms_as_they_stand)
{
    gsl_set_error_handler_off();
    ric_scenario *sc = load_text(BALANCE, NULL, 0);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    const ric_evaluation *ev = ric_sim_evaluation(s);
    long long children[2][2] = {{0}}; /* by programme and role */
    while (!ric_sim_done(s)) {
        step(s);
        size_t nb;
        const ric_birth *b = ric_sim_births(s, &nb);
        for (int p = 0; p < sc->n_programmes; p++) {
            ric_evaluation_counts n;
            ric_evaluation_count(ev, p, &n);
            for (size_t k = 0; k < n.participants; k++) {
                ric_evaluation_pair q;
                ric_evaluation_pair_at(ev, p, k, &q);
                for (size_t j = 0; j < nb; j++)
                    for (int r = 0; r < 2; r++)
                        children[p][r] += b[j].parent_kind == RIC_PARENT_FIRM && q.id[r] &&
                                          b[j].parent == q.id[r];
            }
        }
    }
    for (int p = 0; p < sc->n_programmes; p++) {
        ric_evaluation_counts n;
        ric_evaluation_count(ev, p, &n);
        double emp[2] = {0, 0}, alive[2] = {0, 0}, dsum = 0, dsq = 0;
        for (size_t k = 0; k < n.participants; k++) {
            ric_evaluation_pair q;
            ric_evaluation_pair_at(ev, p, k, &q);
            double now[2];
            for (int r = 0; r < 2; r++) {
                int32_t i = w->firms.index_of[q.id[r]];
                now[r] = i >= 0 ? w->firms.employees[i] : 0;
                emp[r] += now[r];
                alive[r] += i >= 0;
            }
            double d = (now[0] - q.employees[0]) - (now[1] - q.employees[1]);
            dsum += d;
            dsq += d * d;
        }
        double v[64], np = (double)n.participants;
        cr_assert(row_of(s, p, 2006.0, v));
        const char *name = sc->programmes[p].name;
        cr_assert(alive[0] < np, "%s: some participants exit", name);
        cr_assert_eq(v[ecol("participants")], alive[0]);
        cr_assert_eq(v[ecol("comparison")], alive[1]);
        cr_assert(fabs(v[ecol("survival_participants")] - alive[0] / np) < 1e-12);
        cr_assert(fabs(v[ecol("employees_participants")] - emp[0] / np) < 1e-9);
        cr_assert(fabs(v[ecol("employees_comparison")] - emp[1] / np) < 1e-9);
        cr_assert(fabs(v[ecol("spinoffs_participants")] * np - (double)children[p][0]) < 1e-6,
                  "%s: %g spin-offs per participant, %lld in the genealogy", name,
                  v[ecol("spinoffs_participants")], children[p][0]);
        cr_assert(fabs(v[ecol("spinoffs_comparison")] * np - (double)children[p][1]) < 1e-6);
        cr_assert(children[p][0] + children[p][1] > 0, "%s: no spin-off to count", name);
        double mean = dsum / np, sd = sqrt((dsq - np * mean * mean) / (np - 1));
        cr_assert(fabs(v[ecol("employees_did")] - mean) < 1e-9, "did %g against %g",
                  v[ecol("employees_did")], mean);
        cr_assert(fabs(v[ecol("employees_did_se")] - sd / sqrt(np)) < 1e-9);
    }
    ric_sim_free(s);
    ric_scenario_free(sc);
}

/* Consortia that take every firm of a hamlet leave no comparison firm: NaN there. */
Test(evaluation, no_comparison_firm_gives_nan)
{
    const char *text =
        "name = \"hamlet\"; seed = 5L; time = { start = 2000.0; end = 2004.0; };\n"
        "regions = { hamlet = { labour_pool = 500.0; pool_inflow_per_year = 100.0; }; };\n"
        "firms = { local = { region = \"hamlet\"; count = 12; employees = 10.0; }; };\n"
        "programmes = { all = { phases = ( { start = 2001.0; end = 2003.0; budget_usd_m = 5.0; } "
        ");\n"
        "  instruments = { calls = { applicants = \"region\"; call = 2001.0; duration_years = "
        "2.0;\n"
        "    award_usd_m = 1.0; max_winners = 1; consortium_firms = 50; }; }; }; };\n";
    ric_scenario *sc = load_text(text, NULL, 0);
    ric_sim *s = start(sc);
    run_all(s);
    double v[64];
    cr_assert(row_of(s, 0, 2003.0, v));
    cr_assert(v[ecol("participants")] > 0);
    cr_assert_eq(v[ecol("comparison")], 0.0);
    cr_assert(isfinite(v[ecol("employees_participants")]));
    const char *nan_cols[] = {"employees_comparison", "employees_did", "employees_did_se",
                              "spinoffs_comparison", "survival_did"};
    for (size_t c = 0; c < sizeof nan_cols / sizeof nan_cols[0]; c++)
        cr_assert(isnan(v[ecol(nan_cols[c])]), "%s: %g", nan_cols[c], v[ecol(nan_cols[c])]);
    ric_sim_free(s);
    ric_scenario_free(sc);
}

static char *evaluation_of(const ric_scenario *sc, int kernels_off)
{
    const unsigned old = ric_kernels_select(kernels_off ? 0u : RIC_KERNELS_ALL);
    char dir[64], path[300];
    free(run_to_tmp(sc, dir));
    ric_kernels_select(old);
    snprintf(path, sizeof path, "%s/evaluation.tsv", dir);
    char *text = slurp(path);
    remove_run(dir);
    return text;
}

#define HEADER                                                                                     \
    "year\tparticipants\tcomparison"                                                               \
    "\temployees_participants\temployees_comparison\temployees_did\temployees_did_se"              \
    "\tcapability_participants\tcapability_comparison\tcapability_did\tcapability_did_se"          \
    "\tlinks_horizontal_participants\tlinks_horizontal_comparison\tlinks_horizontal_did"           \
    "\tlinks_horizontal_did_se"                                                                    \
    "\tlinks_vertical_participants\tlinks_vertical_comparison\tlinks_vertical_did"                 \
    "\tlinks_vertical_did_se"                                                                      \
    "\tsurvival_participants\tsurvival_comparison\tsurvival_did\tsurvival_did_se"                  \
    "\tspinoffs_participants\tspinoffs_comparison\tspinoffs_did\tspinoffs_did_se\n"

/* Every programme has its data set, in the scenario's order, opened by "# [programme NAME]",
 * then a comment, the header and a row per year from the base year to the run's end. */
Test(evaluation, the_file_has_one_data_set_per_programme)
{
    gsl_set_error_handler_off();
    const char *sets[] = {"programmes.consortia.instruments.calls.max_winners=0"};
    ric_scenario *sc = load_text(BALANCE, sets, 1); /* nobody can win the consortia */
    char *text = evaluation_of(sc, 0);
    cr_assert(strncmp(text, "# ricsim programme evaluation", 29) == 0, "%.80s", text);
    const char *at = text;
    for (int p = 0; p < sc->n_programmes; p++) {
        char open[96];
        snprintf(open, sizeof open, "\n\n\n# [programme %s]\n", sc->programmes[p].name);
        const char *ds = strstr(at, open);
        cr_assert_not_null(ds, "no data set for %s", sc->programmes[p].name);
        const char *comment = ds + strlen(open), *header = strchr(comment, '\n') + 1;
        cr_assert_eq(comment[0], '#');
        cr_assert(strncmp(header, HEADER, strlen(HEADER)) == 0, "%.200s", header);
        const char *row = header + strlen(HEADER);
        if (strcmp(sc->programmes[p].name, "consortia") == 0) {
            cr_assert(strncmp(comment, "# no participant firm", 21) == 0, "%.60s", comment);
            cr_assert(*row == '\0' || *row == '\n', "a programme without awards has no rows");
        } else {
            cr_assert(strncmp(comment, "# base_year=2002.0000 participants=150 matched=150", 50) ==
                          0,
                      "%.80s", comment);
            for (int y = 2002; y <= 2006; y++) {
                char year[16];
                snprintf(year, sizeof year, "%d.0000\t", y);
                cr_assert(strncmp(row, year, strlen(year)) == 0, "%.20s for %d", row, y);
                row = strchr(row, '\n') + 1;
            }
            cr_assert(*row == '\0' || *row == '\n', "rows after the run's end: %.20s", row);
        }
        at = ds + 1;
    }
    free(text);
    ric_scenario_free(sc);
}

Test(evaluation, a_scenario_without_programmes_has_no_data_set)
{
    const char *text =
        "name = \"none\"; seed = 5L; time = { start = 2000.0; end = 2002.0; };"
        "regions = { town = { labour_pool = 500.0; }; };\n"
        "firms = { local = { region = \"town\"; count = 20; employees = 5.0; }; };\n";
    ric_scenario *sc = load_text(text, NULL, 0);
    char *out = evaluation_of(sc, 0);
    cr_assert(strstr(out, "# [programme") == NULL, "%s", out);
    for (const char *line = out; *line; line = strchr(line, '\n') + 1)
        cr_assert_eq(line[0], '#', "only the file's comment lines: %s", out);
    free(out);
    ric_scenario_free(sc);
}

/* Daedeok's four programmes: the same bytes on a rerun and with every kernel off. */
Test(evaluation, the_same_bytes_on_a_rerun_and_with_the_kernels_off)
{
    gsl_set_error_handler_off();
    ric_scenario *sc = load(DAEDEOK, NULL, 0);
    char *a = evaluation_of(sc, 0), *b = evaluation_of(sc, 0), *c = evaluation_of(sc, 1);
    int sets = 0;
    for (const char *p = a; (p = strstr(p, "# [programme ")); p++)
        sets++;
    cr_assert_eq(sets, sc->n_programmes);
    cr_assert(strstr(a, "\n2010.0000\t") != NULL);
    cr_assert_str_eq(a, b);
    cr_assert_str_eq(a, c, "the kernels changed evaluation.tsv");
    free(a), free(b), free(c);
    ric_scenario_free(sc);
}

/* Organisations as evaluators see them: three universities apply, one wins; its transfer money
 * (4 per US$M a year on US$2M a year) raises its transfers, the two that won nothing are the
 * comparison group. The rows count both groups, the level columns are the groups' means, and the
 * difference in differences and its standard error are those of the two groups' changes since
 * their application, recomputed here from the organisations themselves. */
static const char *const ORGS =
    "name = \"orgs\"; seed = 23L;\n"
    "time = { start = 2000.0; end = 2005.0; steps_per_year = 12; output_every = 12; };\n"
    "regions = { town = { labour_pool = 3000.0; pool_inflow_per_year = 500.0; }; };\n"
    "organisations = {\n"
    "  big = { kind = \"university\"; region = \"town\"; staff = 400.0; knowledge = 1.8;\n"
    "          tto_per_year = 2.0; };\n"
    "  mid = { kind = \"university\"; region = \"town\"; staff = 250.0; knowledge = 1.1;\n"
    "          tto_per_year = 2.0; };\n"
    "  low = { kind = \"university\"; region = \"town\"; staff = 150.0; knowledge = 0.9;\n"
    "          tto_per_year = 3.0; }; };\n"
    "firms = { local = { region = \"town\"; count = 300; employees = 8.0; }; };\n"
    "programmes = { uni = {\n"
    "  phases = ( { start = 2001.0; end = 2005.0; budget_usd_m = 2.0; } ); overhead = 0.0;\n"
    "  instruments = { calls = { applicants = \"university\"; call = 2001.0;\n"
    "    deadline_months = 1.0; start_delay_months = 0.0; duration_years = 3.0;\n"
    "    award_usd_m = 2.0; max_winners = 1; ranking = { quality = 1.0; match = 0.0;\n"
    "    chance = 0.0; }; channels = { transfer = 4.0; }; }; }; }; };\n";

Test(evaluation, organisations_that_won_are_held_against_the_applicants_that_did_not)
{
    gsl_set_error_handler_off();
    ric_scenario *sc = load_text(ORGS, NULL, 0);
    ric_sim *s = start(sc);
    const ric_world *w = ric_sim_world(s);
    long long base[3] = {-1, -1, -1};
    const double selection = 2001.0 + 1.0 / 12;
    while (!ric_sim_done(s)) {
        const double t = ric_world_time(w, w->step);
        if (base[0] < 0 && t + 1e-9 >= selection) /* the step of the selection, before it */
            for (int o = 0; o < 3; o++)
                base[o] = w->orgs[o].transfers;
        step(s);
    }
    const ric_evaluation *ev = ric_sim_evaluation(s);
    cr_assert_eq(ric_evaluation_org_ncols(), 3 + 4 * 3);
    cr_assert_str_eq(ric_evaluation_org_colname(7), "transfers_awardees");
    size_t first, n = ric_evaluation_org_rows(ev, 0, &first);
    cr_assert_eq(n, 4, "rows 2002 to 2005 after the 2001 selection (got %zu)", n);
    double v[32];
    ric_evaluation_org_row(ev, 0, first + n - 1, v);
    cr_assert_eq(v[0], 2005.0);
    cr_assert_eq(v[1], 1.0, "one awardee");
    cr_assert_eq(v[2], 2.0, "two applicants that won nothing");
    /* the quality ranking picks "big"; the others are the comparison */
    const double d0 = (double)(w->orgs[0].transfers - base[0]);
    const double d1 = (double)(w->orgs[1].transfers - base[1]);
    const double d2 = (double)(w->orgs[2].transfers - base[2]);
    const double mc = (d1 + d2) / 2;
    cr_assert(fabs(v[7] - (double)w->orgs[0].transfers) < 1e-9, "%g", v[7]);
    cr_assert(fabs(v[8] - (double)(w->orgs[1].transfers + w->orgs[2].transfers) / 2) < 1e-9);
    cr_assert(fabs(v[9] - (d0 - mc)) < 1e-9, "did %g, by hand %g", v[9], d0 - mc);
    cr_assert(isnan(v[10]), "one awardee has no variance: the standard error is NaN (%g)", v[10]);
    cr_assert_gt(v[9], 15, "the transfer money shows: %g more than the comparison", v[9]);
    ric_sim_free(s);
    ric_scenario_free(sc);
}
