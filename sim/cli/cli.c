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
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "base/fs.h"
#include "base/lock.h"
#include "ricsim/experiment.h"
#include "ricsim/scenario.h"
#include "ricsim/sim.h"
#include "studies/calibrate.h"
#include "studies/sensitivity.h"
#include "studies/study_cfg.h"

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

/* ricsim check of an experiment or study file (KINDS: its groups): loads it exactly as plan,
 * sweep, sensitivity and calibrate do, so that check passes what they accept and fails with their
 * message otherwise. */
static int check_file(const char *path, int kinds)
{
    ric_err err = {{0}};
    ric_status st = RIC_OK;
    if (kinds & RIC_KIND_EXPERIMENT) {
        ric_plan *p = NULL;
        st = ric_plan_load(path, &p, &err);
        if (st == RIC_OK)
            printf("%s: ok: experiment of scenario hash %016llx: %s design, %zu design rows x "
                   "%zu replications = %zu runs, %zu parameters, %zu indicators\n",
                   path, (unsigned long long)p->scenario_hash[0], p->design, p->d.n_rows, p->reps,
                   p->n_runs, p->n_params, p->n_indicators);
        ric_plan_free(p);
    }
    if (st == RIC_OK && (kinds & RIC_KIND_SENSITIVITY)) {
        ric_sensitivity *s = NULL;
        st = ric_sensitivity_load(path, &s, &err);
        if (st == RIC_OK) {
            size_t done, total;
            ric_sensitivity_progress(s, &done, &total);
            ric_study *sd = ric_sensitivity_study(s);
            printf("%s: ok: sensitivity analysis of scenario '%s': %zu parameters, %zu design "
                   "points x %zu replications\n",
                   path, sd->scenario_name, sd->n_params, total, sd->reps);
        }
        ric_sensitivity_free(s);
    }
    if (st == RIC_OK && (kinds & RIC_KIND_CALIBRATION)) {
        ric_calibration *c = NULL;
        st = ric_calibrate_load(path, &c, &err);
        if (st == RIC_OK) {
            ric_study *sd = ric_calibrate_study(c);
            printf("%s: ok: calibration of scenario '%s': %zu parameters, %zu indicators, %zu "
                   "replications per evaluation\n",
                   path, sd->scenario_name, sd->n_params, sd->n_probes, sd->reps);
        }
        ric_calibrate_free(c);
    }
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return st == RIC_EIO ? 2 : ric_cli_exit_code(st);
    }
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
    if (strcmp(argv[1], "merge") == 0 && ric_cli_study_owns_merge(argc, argv))
        return ric_cli_study(argc, argv);
    if (strcmp(argv[1], "plan") == 0 || strcmp(argv[1], "sweep") == 0 ||
        strcmp(argv[1], "merge") == 0 || strcmp(argv[1], "compare") == 0 ||
        strcmp(argv[1], "export") == 0 || strcmp(argv[1], "slurm") == 0)
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
    ric_cli_loading(1); /* check only reads: it stays so to the end */
    if (!run) {
        int kinds = ric_studycfg_kinds(a.scenario);
        if (kinds && a.n_sets)
            return ric_cli_usage_error("check takes no --set or --seed for an experiment or "
                                       "study file");
        if (kinds)
            return check_file(a.scenario, kinds);
    }
    ric_scenario *sc = NULL;
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
    /* the writer's lock: the folder is made first (and removed again on failure when it was
     * made here and left empty) */
    int existed = access(a.out, F_OK) == 0, lock = -1;
    if (ric_fs_mkdirs(a.out) == 0) {
        lock = ric_lock_take(a.out, "run", &err);
        if (lock < 0) {
            ric_scenario_free(sc);
            fprintf(stderr, "ricsim: %s\n", err.msg);
            return 2;
        }
    }
    st = ric_run(sc, a.out, a.force, &err);
    ric_scenario_free(sc);
    ric_lock_release(lock, a.out);
    if (st != RIC_OK && !existed)
        rmdir(a.out);
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return ric_cli_exit_code(st);
    }
    return ric_cli_provenance(a.out, argc, argv);
}
