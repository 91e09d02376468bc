/* Helpers shared by the command files of the front end (cli.c, cli_experiment.c,
 * cli_study.c). */
#ifndef RICSIM_CLI_COMMON_H
#define RICSIM_CLI_COMMON_H

#include <stddef.h>

#include "ricsim/status.h"

/* Prints "ricsim: MESSAGE" and a pointer to --help on stderr; returns 2. */
int ric_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Takes V as the --out folder into *out: 0, or a usage error (2, printed unless QUIET) when --out
 * was given before, V is empty or V is the root folder. */
int ric_cli_set_out(const char **out, const char *v, int quiet);

/* Whether V is a plain decimal number: digits only (no sign, no spaces on either side). */
int ric_cli_is_digits(const char *v);
/* A whole decimal number S in [LO, HI] into *V: 0, or -1 (not digits, out of range). */
int ric_cli_whole(const char *s, unsigned long long lo, unsigned long long hi,
                  unsigned long long *v);

/* Exit code of a status: 0 ok, 2 usage or scenario error, 1 otherwise. */
int ric_cli_exit_code(ric_status st);

/* SIGINT and SIGTERM ask running work to stop (ric_interrupt); no SA_RESTART, so waits return. */
void ric_cli_catch_signals(void);

/* The folder of the analysis scripts: RICSIM_ANALYSIS_DIR if set, else the installed tree's
 * (../share/ricsim/analysis from the executable, through /proc/self/exe), else the source tree's
 * compiled in (build/ricsim); NULL if none. BUF (LEN bytes) may hold the answer. */
const char *ric_cli_analysis_dir(char *buf, size_t len);

/* The number of CPUs this process may use, from 1 to MAX: its affinity mask (sched_getaffinity),
 * capped by a cgroup v2 quota (cpu.max of its cgroup or an ancestor) and by SLURM_CPUS_PER_TASK
 * when set. The default of --jobs. */
int ric_cli_default_jobs(int max);

/* Parses the value V of --jobs (or its alias --workers, named OPT) into *jobs: a whole number
 * from 1 to MAX; else a usage error (returns 2). */
int ric_cli_jobs_option(const char *opt, const char *v, int max, int *jobs);

/* Parses the value V of --shard, I/N with 0 <= I < N <= 1000000, into *i and *n: 0, or a usage
 * error (2, printed unless QUIET). */
int ric_cli_shard_option(const char *v, size_t *i, size_t *n, int quiet);

/* Parses --progress-every's value V (whole seconds, 0 to 86400) into *s: 0, or a usage error. */
int ric_cli_progress_option(const char *v, double *s, int quiet);

/* Progress of a long command (sweep, comparison, study): a line redrawn on a terminal, else a
 * whole line every EVERY seconds for a batch log, and DIR/progress.json (written atomically)
 * every EVERY seconds either way. */
typedef struct {
    const char *dir; /* the output folder: DIR/progress.json */
    double every;    /* seconds between lines and files; 0: at every report */
    int tty;         /* stderr is a terminal */
    double last;     /* elapsed time of the last line (0 at the start) */
} ric_cli_progress;

typedef struct {
    size_t total, done, failed; /* runs */
    double runs_per_s;          /* runs finished by this process per second */
    double elapsed_s;
} ric_cli_counts;

void ric_cli_progress_init(ric_cli_progress *p, const char *dir, double every);
/* Reports C: FINISHED says whether a run has just finished (the log line and the file wait for
 * one); FINAL writes the file whatever the time (the end of the command). */
void ric_cli_progress_report(ric_cli_progress *p, const ric_cli_counts *c, int finished, int final);
/* The time left at RATE runs per second for TODO runs, as text ("?" when unknown). */
void ric_cli_time_left(size_t todo, double rate, char *buf, size_t n);
/* Writes DIR/progress.json: runs_total, runs_done, runs_failed, runs_per_s, eta_s (null when
 * unknown) and updated (UTC, ISO 8601). Returns 0, or -1 when it cannot be written. */
int ric_cli_progress_json(const char *dir, const ric_cli_counts *c);

/* A test hook: when RICSIM_TEST_STOP_AFTER=K is set, asks the work to stop (ric_interrupt) once
 * DONE reaches K, as SIGTERM would; the suite uses it to interrupt a command at a known point. */
void ric_cli_test_stop(size_t done);

#endif
