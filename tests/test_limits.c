/* The input limits (sim/input/limits.c): every entry of the table refused one member above its
 * limit, with FILE:LINE, the key and the limit, before libconfig parses the file, and accepted at
 * the limit; members counted across comments, strings and includes; the file-wide limits (nesting,
 * a file with its includes); the same limit after parsing, where --set adds a member; and a count
 * that took libconfig a minute refused at once (issue 16.5). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fs.h" /* make_tmp_dir */
#include "input/limits.h"
#include "ricsim/scenario.h"
#include "studies/study.h"

#define HEAD "name = \"t\";\ntime = { start = 2000.0; end = 2001.0; };\n"

/* Loads TEXT as "t.cfg"; returns the status and the message in err. */
static ric_status load_text(const char *text, const char *const *sets, size_t n, ric_err *err)
{
    ric_scenario *sc = NULL;
    ric_status st = ric_scenario_load_string(text, "t.cfg", "/nonexistent", sets, n, &sc, err);
    ric_scenario_free(sc);
    return st;
}

/* A file whose aggregate at PATTERN ('*' as "x") holds N members, one per line, after HEAD; the
 * aggregate's key is on line 3. Up to 4,096 members it is a group ("m0 = 1;" ...), beyond a list
 * ("1, 1, ..."): libconfig takes a minute over a group of 100,000 members (its parser looks for
 * every new name among the earlier ones), which is why the limits exist. Caller frees. */
static char *with_members(const char *pattern, long n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fputs(HEAD, f);
    int list = n > 4096;
    char close[64] = "";
    for (const char *p = pattern; *p;) {
        size_t k = strcspn(p, ".");
        int star = k == 1 && *p == '*', last = p[k] == '\0';
        fprintf(f, "%.*s = %c", star ? 1 : (int)k, star ? "x" : p, last && list ? '(' : '{');
        strcat(close, last && list ? ");" : "};");
        p += k + (p[k] == '.');
    }
    fputc('\n', f);
    for (long i = 0; i < n; i++)
        if (list)
            fprintf(f, "  %s1\n", i ? ", " : "");
        else
            fprintf(f, "  m%ld = 1;\n", i);
    fprintf(f, "%s\n", close);
    fclose(f);
    return buf;
}

Test(limits, every_entry_is_checked_before_parsing_with_its_key_and_limit)
{
    for (size_t i = 0; i < ric_limit_table_n; i++) {
        const ric_limit *l = &ric_limit_table[i];
        char path[256], want[512];
        snprintf(path, sizeof path, "%s", l->path);
        for (char *s = path; *s; s++)
            if (*s == '*')
                *s = 'x';
        snprintf(want, sizeof want, "t.cfg:3: '%s' holds more than the limit of %ld %s", path,
                 l->max, l->what);
        ric_err err = {{0}};
        char *over = with_members(l->path, l->max + 1);
        cr_assert_eq(load_text(over, NULL, 0, &err), RIC_ESCENARIO, "%s", l->path);
        cr_assert_str_eq(err.msg, want);
        free(over);
        char *at = with_members(l->path, l->max);
        load_text(at, NULL, 0, &err);
        cr_assert_null(strstr(err.msg, "holds more than"), "%s at its limit: %s", l->path, err.msg);
        free(at);
    }
}

Test(limits, any_other_aggregate_takes_the_default)
{
    ric_err err = {{0}};
    char *over = with_members("rules.spinoff", RIC_LIMIT_MEMBERS + 1);
    cr_assert_eq(load_text(over, NULL, 0, &err), RIC_ESCENARIO);
    char want[256];
    snprintf(want, sizeof want, "t.cfg:3: 'rules.spinoff' holds more than the limit of %d members",
             RIC_LIMIT_MEMBERS);
    cr_assert_str_eq(err.msg, want);
    free(over);
    cr_assert_eq(ric_limit_of("rules.spinoff"), ric_limit_of("anything.else"));
    cr_assert_eq(ric_limit_of("programmes.a.instruments")->max, 64);
    cr_assert_eq(ric_limit_of("programmes.a.instruments.b")->max, RIC_LIMIT_MEMBERS);
    cr_assert_eq(ric_limit_of("experiment.parameters.[3].values")->max, 100000);
}

/* The study limits are the studies' own constants (the table cannot include their header) */
Test(limits, study_entries_match_the_study_constants)
{
    cr_assert_eq(ric_limit_of("calibration.parameters")->max, RIC_STUDY_MAX_PARAMS);
    cr_assert_eq(ric_limit_of("sensitivity.parameters")->max, RIC_STUDY_MAX_PARAMS);
    cr_assert_eq(ric_limit_of("sensitivity.indicators")->max, RIC_STUDY_MAX_PROBES);
    cr_assert_eq(ric_limit_of("sensitivity.years")->max, RIC_STUDY_MAX_PROBES);
}

/* HEAD, one region and N events, each with a comma in a comment and in a string split in two
 * literals; the 'events' key on line 4. Caller frees. */
static char *with_events(int n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fputs(HEAD "regions = { a = {}; };\nevents = (\n", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "  %s{ date = 2000.5; type = \"note\"; text = \"a, b\" \"(c\"; } /* , */ # ,\n",
                i ? ", " : "");
    fputs(");\n", f);
    fclose(f);
    return buf;
}

/* List elements are counted as libconfig counts them: a string split in two literals is one
 * value, commas in comments and strings count for nothing */
Test(limits, list_elements_are_counted_through_comments_and_strings)
{
    char *over = with_events(4097), *at = with_events(4096);
    ric_err err = {{0}};
    cr_assert_eq(load_text(over, NULL, 0, &err), RIC_ESCENARIO);
    cr_assert_str_eq(err.msg, "t.cfg:4: 'events' holds more than the limit of 4096 events");
    cr_assert_eq(load_text(at, NULL, 0, &err), RIC_OK, "%s", err.msg);
    free(over);
    free(at);
}

/* An included file's members count with the group it is spliced into */
Test(limits, members_of_an_included_file_count_where_it_is_included)
{
    char dir[64];
    make_tmp_dir(dir);
    char p[128];
    snprintf(p, sizeof p, "%s/more.cfg", dir);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < 2048; i++)
        fprintf(f, "r%d = {};\n", i);
    fclose(f);
    snprintf(p, sizeof p, "%s/top.cfg", dir);
    f = fopen(p, "w");
    fputs(HEAD "regions = {\n", f);
    for (int i = 0; i < 2048; i++)
        fprintf(f, "s%d = {};\n", i);
    fputs("@include \"more.cfg\"\nlast = {};\n};\n", f);
    fclose(f);
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load(p, NULL, 0, &sc, &err), RIC_ESCENARIO);
    char want[256];
    snprintf(want, sizeof want, "%s:3: 'regions' holds more than the limit of 4096 regions", p);
    cr_assert_str_eq(err.msg, want);
    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    cr_assert_eq(system(p), 0);
}

Test(limits, nesting_deeper_than_the_limit_is_refused)
{
    char text[4096] = HEAD "a = ";
    for (int i = 0; i < RIC_LIMIT_DEPTH; i++)
        strcat(text, "(");
    ric_err err = {{0}};
    cr_assert_eq(load_text(text, NULL, 0, &err), RIC_ESCENARIO);
    cr_assert_str_eq(err.msg, "t.cfg:3: syntax error"); /* at the limit: libconfig's to refuse */
    strcat(text, "(");
    cr_assert_eq(load_text(text, NULL, 0, &err), RIC_ESCENARIO);
    char want[128];
    snprintf(want, sizeof want, "t.cfg:3: nested deeper than the limit of %d levels",
             RIC_LIMIT_DEPTH);
    cr_assert_str_eq(err.msg, want);
}

/* Each file is within the limit, but a file included twice makes the whole too large */
Test(limits, a_file_with_its_includes_is_held_to_the_size_limit)
{
    char dir[64];
    make_tmp_dir(dir);
    char p[128];
    snprintf(p, sizeof p, "%s/big.cfg", dir);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < (5 << 20) / 64; i++)
        fprintf(f, "# %61d\n", i);
    fclose(f);
    snprintf(p, sizeof p, "%s/top.cfg", dir);
    f = fopen(p, "w");
    fputs(HEAD "@include \"big.cfg\"\n@include \"big.cfg\"\n", f);
    fclose(f);
    ric_scenario *sc = NULL;
    ric_err err = {{0}};
    cr_assert_eq(ric_scenario_load(p, NULL, 0, &sc, &err), RIC_ESCENARIO);
    char want[256];
    snprintf(want, sizeof want,
             "%s/big.cfg: with the files it is included in, larger than the limit of 8 MiB for a "
             "scenario or study file",
             dir);
    cr_assert_str_eq(err.msg, want);
    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    cr_assert_eq(system(p), 0);
}

/* After parsing, the same limit holds for what --set (or a variant) adds */
Test(limits, an_override_cannot_pass_a_limit)
{
    char *at = with_members("regions", RIC_MAX_REGIONS);
    ric_err err = {{0}};
    const char *sets[] = {"regions.extra.focus=false"};
    cr_assert_eq(load_text(at, sets, 1, &err), RIC_ESCENARIO);
    cr_assert_str_eq(err.msg, "--set 'regions.extra.focus=false': 'regions' holds more than the "
                              "limit of 4096 regions");
    free(at);
}

/* 100,000 regions took libconfig 59 s to parse before the count was refused; now the scan
 * refuses them before parsing */
Test(limits, a_huge_count_is_refused_at_once)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs(HEAD "regions = {\n", f);
    for (int i = 0; i < 100000; i++)
        fprintf(f, "r%d = {};\n", i);
    fputs("};\n", f);
    fclose(f);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ric_err err = {{0}};
    cr_assert_eq(load_text(buf, NULL, 0, &err), RIC_ESCENARIO);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_str_eq(err.msg, "t.cfg:3: 'regions' holds more than the limit of 4096 regions");
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    cr_assert_lt(s, 5.0, "took %.1f s", s);
    free(buf);
}
