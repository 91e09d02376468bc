/* ricsim's commands: run and check. Parses arguments, loads the scenario, runs it, and maps
 * statuses to exit codes (0 ok, 1 run failed, 2 usage or scenario error). */
#include "cli.h"

#include "cli_common.h"
#include "cli_experiment.h"
#include "cli_help.h"
#include "cli_study.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "ricsim/scenario.h"
#include "ricsim/sim.h"

#define MAX_SETS 64

typedef struct {
    const char *cmd, *scenario, *out;
    const char *sets[MAX_SETS + 1];
    size_t n_sets;
    char seed_set[64];
    int force;
} args;

static int parse(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--out") == 0 || strcmp(s, "--seed") == 0 || strcmp(s, "--set") == 0) {
            if (i + 1 >= argc)
                return ric_cli_usage_error("option '%s' needs a value", s);
            const char *v = argv[++i];
            if (s[2] == 'o') {
                if (ric_cli_set_out(&a->out, v, 0))
                    return 2;
            } else if (strcmp(s, "--seed") == 0) {
                char *end;
                errno = 0;
                long long x = strtoll(v, &end, 10);
                if (!ric_cli_is_digits(v) || *end || errno || x < 0)
                    return ric_cli_usage_error("--seed must be a non-negative integer (got '%s')",
                                               v);
                snprintf(a->seed_set, sizeof a->seed_set, "seed=%lld", x);
            } else {
                if (a->n_sets >= MAX_SETS)
                    return ric_cli_usage_error("at most %d --set options", MAX_SETS);
                a->sets[a->n_sets++] = v;
            }
        } else if (strcmp(s, "--force") == 0) {
            a->force = 1;
        } else if (s[0] == '-' && s[1]) {
            return ric_cli_usage_error("unknown option '%s'", s);
        } else if (!a->scenario) {
            a->scenario = s;
        } else {
            return ric_cli_usage_error("unexpected argument '%s'", s);
        }
    }
    if (a->seed_set[0])
        a->sets[a->n_sets++] = a->seed_set;
    if (!a->scenario)
        return ric_cli_usage_error("%s: missing SCENARIO.cfg", a->cmd);
    return 0;
}

int ric_cli_main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2)
        return ric_cli_usage_error("missing command");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        ric_cli_help_overview();
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        ric_cli_version();
        return 0;
    }
    /* CMD --help (or -h) anywhere among CMD's arguments: its page, and nothing else */
    for (int i = 2; i < argc; i++)
        if ((strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) &&
            ric_cli_help_page(argv[1]))
            return 0;
    if (strcmp(argv[1], "plan") == 0 || strcmp(argv[1], "sweep") == 0 ||
        strcmp(argv[1], "merge") == 0 || strcmp(argv[1], "compare") == 0 ||
        strcmp(argv[1], "export") == 0)
        return ric_cli_experiment(argc, argv);
    if (strcmp(argv[1], "calibrate") == 0 || strcmp(argv[1], "sensitivity") == 0)
        return ric_cli_study(argc, argv);
    if (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "check") != 0)
        return ric_cli_usage_error("unknown command '%s'", argv[1]);
    args a;
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc;
    int run = strcmp(a.cmd, "run") == 0;
    if (run && !a.out)
        return ric_cli_usage_error("%s", "run: missing --out DIR");
    if (!run && (a.out || a.force))
        return ric_cli_usage_error("%s", "check takes no --out or --force");

    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    ric_cli_loading(1);
    ric_status st = ric_scenario_load(a.scenario, a.sets, a.n_sets, &sc, &err);
    ric_cli_loading(0);
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return st == RIC_EIO ? 2 : ric_cli_exit_code(st);
    }
    if (!run) {
        printf("%s: ok: scenario '%s', hash %016llx, %d regions, %d organisation cohorts, "
               "%d firm cohorts, %d events, %d programmes\n",
               a.scenario, sc->name, (unsigned long long)sc->hash, sc->n_regions, sc->n_orgs,
               sc->n_firms, sc->n_events, sc->n_programmes);
        ric_scenario_free(sc);
        return 0;
    }
    ric_cli_catch_signals();
    st = ric_run(sc, a.out, a.force, &err);
    ric_scenario_free(sc);
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return ric_cli_exit_code(st);
    }
    return ric_cli_provenance(a.out, argc, argv);
}
