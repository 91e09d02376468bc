/* Studies of a scenario (calibration, sensitivity analysis): the scenario evaluated at parameter
 * vectors, every vector over the same replication seeds (common random numbers), with chosen
 * indicators (an output column at a year) read from yearly rows. Runs go to worker processes;
 * results never depend on how many. Also the output folder of a study, whose files are written
 * atomically (base/atomic.h). */
#ifndef RICSIM_STUDY_H
#define RICSIM_STUDY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/consts.h"
#include "base/sbuf.h"
#include "ricsim/status.h"

#define RIC_STUDY_MAX_PARAMS 20  /* Saltelli's design needs 2k <= 40 Sobol dimensions (GSL) */
#define RIC_STUDY_MAX_PROBES 256 /* indicator x year pairs */
#define RIC_STUDY_MAX_REPS 10000
#define RIC_STUDY_MAX_WORKERS 64
#define RIC_STUDY_OVERRIDE_MAX 384 /* one "key=value" override: a 255-byte key and a number */

/* One parameter: a scenario key path, as for --set (rules.jobs.small_premium, events.[39].value,
 * regions.dst.startup_rate, programmes.nuri.phases.[0].budget_usd_m). */
typedef struct {
    char key[256];
    char name[64]; /* short label for tables and figures (default: the key) */
    double lo, hi; /* bounds, lo < hi */
    double start;  /* calibration's starting value; NaN until given or read from the scenario */
    double value;  /* the scenario's own value (NaN if the scenario does not spell the key) */
    int log_prior; /* calibration by ABC-SMC: the prior is log-uniform on [lo, hi] (else uniform) */
    char source[400]; /* where the range comes from (free text; required by ABC-SMC) */
} ric_study_param;

/* One indicator: COLUMN of the row whose year is YEAR. Runs write yearly rows
 * (time.output_every = steps_per_year), and the year of a row is the end of its step, so YEAR
 * reads the state at the start of calendar year YEAR (stocks), or the flow over the year before
 * (flow columns such as spinoffs). The scenario schedules the seed table's year-Y values at Y.0,
 * so the table's year Y is compared with the row at Y.0. */
typedef struct {
    char column[64];
    double year;
    int sum;         /* 0: the value of the row at YEAR; 1: the sum of the rows in (YEAR, UNTIL] */
    double until;    /* the end of a sum's span (years) */
    char where[300]; /* "FILE:LINE" that asked for it, for messages ("" names the study) */
    size_t col;      /* column index, set by ric_study_init */
    long step, until_step; /* steps from the start of YEAR and UNTIL, set by ric_study_init */
} ric_probe;

typedef struct ric_study ric_study;

/* Runs the jobs of one evaluation elsewhere (the MPI ranks of the front end): job j is the
 * parameter vector x + (j / reps) * n_params with seed ric_study_seed(m, j % reps), where m is
 * masters[j / reps] (a calibration by ABC-SMC keys every particle's seeds) or MASTER when masters
 * is NULL (every vector on the same seeds), its
 * n_probes values into y + j * n_probes, as ric_study_run makes them. On a failing run returns its
 * status with *bad the lowest failing job and err its message. */
typedef ric_status ric_study_runner(void *ctx, const ric_study *st, const double *x,
                                    uint64_t master, const uint64_t *masters, size_t reps,
                                    size_t n_jobs, double *y, size_t *bad, ric_err *err);

struct ric_study {
    char scenario[RIC_PATH_MAX]; /* the scenario file the runs load */
    size_t n_params;
    ric_study_param params[RIC_STUDY_MAX_PARAMS];
    size_t n_probes;
    ric_probe probes[RIC_STUDY_MAX_PROBES];
    size_t reps;   /* replications per parameter vector */
    uint64_t seed; /* master seed: replication r runs with ric_study_seed(seed, r) */
    /* a second scenario (sensitivity's 'contrast'; "" none): every indicator is then the paired
     * difference contrast - scenario, both run at the same parameters and seed */
    char contrast[RIC_PATH_MAX];
    int workers; /* processes running the runs (0 or 1: in this process; 0: not in the file) */
    /* set by ric_study_init */
    int steps_per_year;
    int output_every;  /* steps between the rows the runs write: steps_per_year unless a probe
                          lies between whole years (then the largest divisor that reaches it) */
    double start, end; /* of the scenario, years */
    char scenario_name[48];
    uint64_t scenario_hash; /* of the effective scenario without the study's overrides */
    /* set by the caller to run elsewhere (NULL: worker processes of this machine) */
    ric_study_runner *runner;
    void *runner_ctx;
};

/* Seed of replication REP under MASTER: a bijective 63-bit mix (SplitMix64's finaliser; the
 * scenario loader takes seeds up to 2^63 - 1), the same for every parameter vector. */
uint64_t ric_study_seed(uint64_t master, size_t rep);

/* Loads the scenario once without the parameters: checks that every probe names an output column
 * and a yearly row inside the run, reads the scenario's value of each parameter (and sets start
 * where it is NaN), and checks that the scenario accepts every parameter at both bounds. Errors
 * name LABEL (the study file) or the scenario's file and line. */
ric_status ric_study_init(ric_study *st, const char *label, ric_err *err);

/* Runs the N_POINTS parameter vectors x[i * n_params + j] (in the parameters' units), each with
 * REPS replications seeded from MASTER, and fills y[(i * reps + r) * n_probes + k] (NaN where a
 * column is undefined). Fails on the first failing run, naming its point and seed;
 * RIC_EINTR after ric_interrupt(). */
ric_status ric_study_eval(const ric_study *st, const double *x, size_t n_points, uint64_t master,
                          size_t reps, double *y, ric_err *err);
/* The same with a master seed of its own for every vector: vector i's replication r runs with
 * ric_study_seed(masters[i], r). */
ric_status ric_study_eval_keyed(const ric_study *st, const double *x, size_t n_points,
                                const uint64_t *masters, size_t reps, double *y, ric_err *err);

/* One run: the scenario at parameter vector x with SEED, its n_probes indicators into y (NaN where
 * undefined). */
ric_status ric_study_run(const ric_study *st, const double *x, uint64_t seed, double *y,
                         ric_err *err);

/* The description of a study's runs as "# " lines (ricsim version, the study file LABEL of KIND,
 * the scenario and its hash, replications and seed, parameters with their keys and bounds,
 * indicators with their years): the head of the study.tsv a resumed or merged study must match. */
void ric_study_describe(const ric_study *st, const char *kind, const char *label, ric_sbuf *b);

/* Overrides of one run, as --set strings: "time.output_every=N", the parameters, the seed.
 * buf holds RIC_STUDY_MAX_PARAMS + 2 strings; returns their number. */
size_t ric_study_overrides(const ric_study *st, const double *x, uint64_t seed,
                           char (*buf)[RIC_STUDY_OVERRIDE_MAX], const char **ov);

/* Creates DIR if needed. Without FORCE, fails (RIC_EUSAGE) if DIR/GUARD exists. */
ric_status ric_study_outdir(const char *dir, const char *guard, int force, ric_err *err);

#endif
