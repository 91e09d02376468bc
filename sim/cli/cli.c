/* ricsim's commands: run and check. Parses arguments, loads the scenario, runs it, and maps
 * statuses to exit codes (0 ok, 1 run failed, 2 usage or scenario error). */
#include "cli.h"

#include "cli_common.h"
#include "cli_experiment.h"
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

static const char usage[] =
    "usage: ricsim run SCENARIO.cfg --out DIR [--seed N] [--set key.path=value]... [--force]\n"
    "       ricsim check SCENARIO.cfg [--seed N] [--set key.path=value]...\n"
    "       ricsim plan EXPERIMENT.cfg [--shard I/N]\n"
    "       ricsim sweep EXPERIMENT.cfg --out DIR [--jobs N] [--shard I/N] [--resume | --force]\n"
    "                    [--on-error continue|stop]\n"
    "       ricsim merge DIR [--force]\n"
    "       ricsim compare A.cfg B.cfg --reps R --out DIR [--seed N] [--jobs N]\n"
    "                    [--indicators a,b,...] [--resume | --force] [--on-error continue|stop]\n"
    "       ricsim calibrate CAL.cfg --out DIR [--workers N] [--force]\n"
    "       ricsim sensitivity SA.cfg --out DIR [--workers N] [--force]\n"
    "       ricsim --help | --version\n"
    "\n"
    "run    simulate the scenario and write DIR/series.tsv, DIR/genealogy.tsv and\n"
    "       DIR/scenario.cfg (the effective scenario: rerunning it gives the same output)\n"
    "check  validate the scenario and its overrides without running it\n"
    "plan   print the runs of an experiment (design row, replication, seed, values, command)\n"
    "sweep  run an experiment in parallel: DIR/runs.tsv, series.tsv (every run) and stats.tsv\n"
    "       (mean, sd and 95% interval per design row and step)\n"
    "merge  join the shards DIR/shard-I-of-N of a sweep into DIR\n"
    "compare run A and B on common seeds: DIR/diff.tsv (paired B - A with 95% intervals),\n"
    "       effect.tsv (jobs and spin-offs per US$ million of each programme) and note.txt\n"
    "\n"
    "--seed N             seed of the random streams (overrides the scenario's 'seed')\n"
    "--set key.path=value override one setting, e.g. programmes.nuri.overhead=0.1;\n"
    "                     list elements as [i], e.g. events.[3].value=-0.2\n"
    "--force              replace a run (or the results of a sweep) already in DIR\n"
    "--jobs N             worker processes (default: the number of cores)\n"
    "--shard I/N          run slice I (from 0) of N into DIR/shard-I-of-N (e.g. Slurm arrays)\n"
    "--resume             keep the runs of an interrupted sweep and run the rest\n"
    "--on-error stop      start no new run after a failed one (default: continue)\n"
    "\n"
    "exit status: 0 ok, 1 run failed, 2 usage or scenario error\n";

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
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ricsim %s\n", RIC_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "plan") == 0 || strcmp(argv[1], "sweep") == 0 ||
        strcmp(argv[1], "merge") == 0 || strcmp(argv[1], "compare") == 0)
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
    ric_status st = ric_scenario_load(a.scenario, a.sets, a.n_sets, &sc, &err);
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
    return 0;
}
