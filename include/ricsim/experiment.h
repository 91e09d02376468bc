/* Experiments: a plan of runs (design rows x replications, each a scenario with --set-style
 * overrides and a derived seed), a sweep that runs a plan in worker processes (or on MPI ranks)
 * and streams the combined outputs in run order, and the merge of sharded sweeps. A comparison of
 * two scenarios is a plan of two design rows; stats.h writes its tables. The library never
 * prints: the sweep is driven step by step (open / step / done / finish, like ric_sim) so that the
 * front end can report progress. */
#ifndef RICSIM_EXPERIMENT_H
#define RICSIM_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "ricsim/design.h"
#include "ricsim/stats.h"
#include "ricsim/status.h"

#define RIC_PLAN_MAX_INDICATORS RIC_STATS_MAX_INDICATORS
#define RIC_PLAN_MAX_REPS 100000

typedef struct {
    char key[256]; /* scenario key path, as for --set */
    int integer;
    char
        name[64]; /* column of long.tsv and summary.tsv: the 'name', or the key made [A-Za-z0-9_] */
    int named;    /* 'name' given in the experiment file (plan.tsv then lists the names) */
} ric_plan_param;

/* A plan: run id = design_row x replications + replication. Design row i loads scenario[0], or in
 * a comparison scenario[i]. Plain data; free with ric_plan_free. */
typedef struct {
    char source[4096];         /* the experiment file, or "A.cfg B.cfg" for a comparison */
    int n_scenarios;           /* 1, or 2 for a comparison */
    char scenario[2][4096];    /* files the runs load (@include-ing the scenario) */
    uint64_t scenario_hash[2]; /* without overrides: a changed scenario is a new plan */
    char design[16];           /* design name, or "compare" */
    size_t n_params;
    ric_plan_param params[RIC_DESIGN_MAX_PARAMS];
    ric_design d; /* n_rows x n_params values */
    size_t reps;
    uint64_t master_seed;
    size_t n_indicators; /* summarised in runs.tsv and stats.tsv */
    char indicators[RIC_PLAN_MAX_INDICATORS][64];
    size_t n_runs;
    /* a comparison over posterior draws (0: none): design rows 2d (A) and 2d + 1 (B) hold draw
     * d's parameter values; replication r of draw d runs A and B with one seed of its own */
    size_t draws;
} ric_plan;

/* Loads an experiment file: a scenario (usually @include-d) with an 'experiment' group. Checks the
 * group, builds the design, and loads the scenario with the overrides of design row 0 and of the
 * rows holding each parameter's extremes. Errors read "file:line: message" naming the key. The
 * caller frees *out with ric_plan_free. */
ric_status ric_plan_load(const char *path, ric_plan **out, ric_err *err);

/* A comparison of scenarios A and B with REPS replications each on common seeds derived from
 * MASTER. INDICATORS is a comma-separated list, or NULL for the default set (kept where both
 * scenarios have the column). */
ric_status ric_plan_compare(const char *a, const char *b, size_t reps, uint64_t master,
                            const char *indicators, ric_plan **out, ric_err *err);
void ric_plan_free(ric_plan *p);

/* Turns comparison P into one over DRAWS parameter vectors (x: draws x n_params, the values of
 * scenario keys KEYS, named NAMES): A and B at each draw, REPS seeds each. Checks that both
 * scenarios take every draw's values. */
ric_status ric_plan_compare_draws(ric_plan *p, size_t n_params, const char (*keys)[256],
                                  const char (*names)[64], const double *x, size_t draws,
                                  ric_err *err);

typedef struct {
    size_t id, row, rep;
    int scenario; /* index into ric_plan.scenario */
    uint64_t seed;
} ric_run_spec;

void ric_plan_run(const ric_plan *p, size_t id, ric_run_spec *out);

/* The overrides of run ID ("key=value", then "seed=S"), in ov (caller storage); returns their
 * number. Values are written in the shortest form that reads back to the same double. */
size_t ric_plan_overrides(const ric_plan *p, size_t id, char (*ov)[320]);

/* The plan as text (plan.tsv): one line per run of [first, end) with its seed, values and the
 * equivalent 'ricsim run' command. The caller frees the result. */
ric_status ric_plan_text(const ric_plan *p, size_t first, size_t end, char **out, ric_err *err);

/* Runs run ID in this process and returns its results as texts (caller frees both): the record
 * of the run (status, timing, summaries, error, and the sizes of what follows) and its outputs:
 * its series (header and rows), then its regions (the data sets of its regions.tsv, named
 * "[run K region NAME]"; none when the run failed). A run that fails is a result, not an error;
 * errors are out of memory only. Workers and MPI ranks both use it. */
ric_status ric_plan_execute(const ric_plan *p, size_t id, char **row, size_t *row_len,
                            char **series, size_t *series_len, ric_err *err);

/* Runs first..end-1 of shard I of N: contiguous slices in run order. */
void ric_plan_shard(const ric_plan *p, size_t i, size_t n, size_t *first, size_t *end);

/* ---- sweeps ---------------------------------------------------------------------------------- */

typedef struct {
    int jobs;               /* worker processes, 1 to 256; 0: the caller runs the runs elsewhere
                               (ric_sweep_take, ric_plan_execute, ric_sweep_put: MPI ranks) */
    size_t shard, n_shards; /* n_shards > 1: run slice 'shard' into DIR/shard-I-of-N */
    int resume;             /* keep the runs already complete in DIR */
    int force;              /* replace the results in DIR */
    int stop_on_error;      /* start no new run after a failure */
} ric_sweep_opts;

typedef struct ric_sweep ric_sweep;

typedef struct {
    size_t total; /* runs of the slice */
    size_t done;  /* finished, ok or failed, including those kept by --resume */
    size_t failed;
    size_t kept; /* found complete by --resume */
    size_t running;
    double elapsed_s;  /* since ric_sweep_open */
    double runs_per_s; /* runs finished by this sweep per second of elapsed time */
} ric_sweep_progress;

/* A run that has just finished. */
typedef struct {
    int finished; /* 0: ric_sweep_step returned without a run finishing (a timeout) */
    size_t id;
    int ok;
    char error[512];
} ric_sweep_event;

/* Prepares DIR (created if needed; the folder of the shard if sharded): refuses existing results
 * unless o->resume or o->force, takes a lock against a second sweep into the same folder, writes
 * plan.tsv and starts runs.tsv, series.tsv and regions.tsv. The plan must outlive the sweep. Free
 * with ric_sweep_free. */
ric_status ric_sweep_open(const ric_plan *p, const char *dir, const ric_sweep_opts *o,
                          ric_sweep **out, ric_err *err);
int ric_sweep_done(const ric_sweep *sw);
/* Starts runs up to the job limit, waits up to a second for one to finish, and appends every run
 * now complete in run order to runs.tsv, series.tsv and regions.tsv. A failed run is reported in
 * *ev, not as an error of the sweep; errors are I/O or process failures of the sweep itself, and
 * RIC_EINTR after ric_interrupt() (ric_sweep_free then stops the workers; --resume continues). */
ric_status ric_sweep_step(ric_sweep *sw, ric_sweep_event *ev, ric_err *err);
void ric_sweep_progress_get(const ric_sweep *sw, ric_sweep_progress *out);
/* The folder the sweep writes: DIR, or DIR/shard-I-of-N. */
const char *ric_sweep_dir(const ric_sweep *sw);
/* Runs elsewhere (jobs = 0): ric_sweep_take gives the next run to start (1), or 0 when none is
 * left to start; ric_sweep_put records the results of a run taken, as ric_plan_execute made them
 * (the record and the outputs: series then regions), and appends what is now complete in run
 * order. The sweep is done when ric_sweep_done says so. */
int ric_sweep_take(ric_sweep *sw, size_t *id);
ric_status ric_sweep_put(ric_sweep *sw, size_t id, const char *row, size_t row_len,
                         const char *series, size_t series_len, ric_sweep_event *ev, ric_err *err);

/* Once done with every run finished: writes the tables (long.tsv, summary.tsv, dose.tsv,
 * regions_stats.tsv, then stats.tsv), and removes the per-run files when every
 * run succeeded (failed runs stay for --resume to retry). */
ric_status ric_sweep_finish(ric_sweep *sw, ric_err *err);
/* Stops workers still running (SIGTERM), releases the lock and frees sw (NULL is fine). */
void ric_sweep_free(ric_sweep *sw);

/* Writes DIR/long.tsv and DIR/summary.tsv of a finished sweep or comparison (one with a
 * stats.tsv, also one made before these tables existed), and with CSV comma-separated copies
 * long.csv and summary.csv (whose header has no '#'). */
ric_status ric_sweep_export(const char *dir, int csv, ric_err *err);

/* The folder of shard I of N under DIR: DIR/shard-I-of-N (buf of n bytes). */
void ric_sweep_shard_dir(const char *dir, size_t i, size_t n, char *buf, size_t len);

/* Joins DIR/shard-*-of-N into DIR: plan.tsv, runs.tsv, series.tsv, regions.tsv and the tables,
 * byte for byte what one unsharded sweep writes. Every shard must be complete. *n_shards gets N. */
ric_status ric_sweep_merge(const char *dir, int force, size_t *n_shards, ric_err *err);

/* After ric_sweep_merge of DIR's N shards: removes from each shard folder ricsim's own files of a
 * sweep (its result files, DIR/.runs's per-run files, .lock), only in a shard whose plan.tsv is
 * the one just merged into DIR, and each folder that this leaves empty. A foreign file stays, with
 * its folder (*kept counts such folders); a symbolic link is never followed, and a link under one
 * of ricsim's names is a foreign file. Errors: a shard locked by a running sweep, or changed since
 * the merge. */
ric_status ric_sweep_remove_shards(const char *dir, size_t n, size_t *kept, ric_err *err);

#endif
