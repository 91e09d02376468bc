/* The front end's help: the overview (ricsim --help), one page per command (ricsim CMD --help),
 * and --version. The pages are one table of {command, text}, so a command and its help cannot
 * part; dist/ricsim.1 (the man page) and dist/ricsim.bash-completion follow the same table. */
#include "cli_help.h"
#include "cli_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/consts.h"
#include "ricsim/kernels.h"

#ifndef RIC_GIT_COMMIT
#define RIC_GIT_COMMIT "unknown"
#endif
#ifndef RIC_BUILD_TYPE
#define RIC_BUILD_TYPE "unknown"
#endif

static const char overview[] =
    "usage: ricsim run SCENARIO.cfg --out DIR [--seed N] [--set key.path=value]... [--force]\n"
    "       ricsim check SCENARIO.cfg [--seed N] [--set key.path=value]...\n"
    "       ricsim plan EXPERIMENT.cfg [--shard I/N]\n"
    "       ricsim sweep EXPERIMENT.cfg --out DIR [--jobs N] [--shard I/N] [--resume | --force]\n"
    "                    [--on-error continue|stop] [--progress-every S]\n"
    "       ricsim merge DIR [--force] [--remove-shards]\n"
    "       ricsim export DIR [--csv]\n"
    "       ricsim slurm EXPERIMENT.cfg --shards N [--jobs C] [--out DIR]\n"
    "       ricsim compare A.cfg B.cfg --reps R --out DIR [--seed N] [--jobs N]\n"
    "                    [--indicators a,b,...] [--resume | --force] [--on-error continue|stop]\n"
    "                    [--progress-every S] [--posterior POSTERIOR.tsv --draws K]\n"
    "       ricsim calibrate CAL.cfg --out DIR [--jobs N] [--resume | --force]\n"
    "                    [--shard I/N] [--progress-every S]\n"
    "       ricsim sensitivity SA.cfg --out DIR [--jobs N] [--shard I/N] [--resume | --force]\n"
    "                    [--progress-every S]\n"
    "       ricsim CMD --help | ricsim --help | --version\n"
    "\n"
    "run    simulate the scenario and write DIR/series.tsv, DIR/genealogy.tsv,\n"
    "       DIR/evaluation.tsv (the programmes' participants against matched comparison\n"
    "       firms) and DIR/scenario.cfg (the effective scenario: rerunning it gives the same\n"
    "       output)\n"
    "check  validate a scenario and its overrides without running it, or an experiment or\n"
    "       study file as plan, sweep, sensitivity and calibrate read it\n"
    "plan   print the runs of an experiment (design row, replication, seed, values, command)\n"
    "sweep  run an experiment in parallel: DIR/runs.tsv, series.tsv (every run) and stats.tsv\n"
    "       (mean, sd and 95% interval per design row and step)\n"
    "merge  join the shards DIR/shard-I-of-N of a sweep or study into DIR\n"
    "slurm  print a Slurm job-array script: N shards of a sweep, then their merge\n"
    "export write DIR/long.tsv and summary.tsv of a finished sweep or comparison (also one made\n"
    "       by an earlier ricsim); --csv adds comma-separated long.csv and summary.csv\n"
    "compare run A and B on common seeds: DIR/diff.tsv (paired B - A with 95% intervals),\n"
    "       effect.tsv (jobs and spin-offs per US$ million of each programme) and note.txt\n"
    "calibrate fit parameters to targets (Nelder-Mead, or ABC-SMC: DIR/posterior.tsv)\n"
    "sensitivity Morris or Sobol' (Saltelli) sensitivity: DIR/points.tsv and the effect tables\n"
    "\n"
    "--seed N             seed of the random streams (overrides the scenario's 'seed')\n"
    "--set key.path=value override one setting, e.g. programmes.nuri.overhead=0.1;\n"
    "                     list elements as [i], e.g. events.[3].value=-0.2\n"
    "--out DIR            the output folder\n"
    "--force              replace a run (or the results of a sweep or study) already in DIR\n"
    "--jobs N             worker processes of sweep, compare, calibrate and sensitivity (alias\n"
    "                     --workers); default: the CPUs this process may use (affinity mask,\n"
    "                     cgroup cpu.max quota, SLURM_CPUS_PER_TASK)\n"
    "--shard I/N          run slice I (from 0) of N into DIR/shard-I-of-N (e.g. Slurm arrays)\n"
    "--shards N           slurm: the number of shards (array tasks)\n"
    "--resume             keep the runs of an interrupted sweep or study and run the rest\n"
    "--remove-shards      merge: then remove the shards' own files (never a foreign file)\n"
    "--on-error stop      start no new run after a failed one (default: continue)\n"
    "--progress-every S   when stderr is not a terminal, a progress line every S seconds\n"
    "                     (default 30; 0: after every run), and DIR/progress.json\n"
    "--reps R             replications of each scenario in a comparison (at least 2)\n"
    "--indicators a,b,... the columns a comparison summarises (default: a standard set)\n"
    "--csv                export: also long.csv and summary.csv\n"
    "--help, -h           this overview, or with a command its page\n"
    "--version            version, commit, build type, SIMD kernels and MPI\n"
    "\n"
    "exit status: 0 ok, 1 run failed, 2 usage or scenario error\n";

#define JOBS_HELP                                                                                  \
    "  --jobs N       worker processes, 1 to 256 (alias --workers); default: the CPUs this\n"      \
    "                 process may use (affinity mask, cgroup cpu.max quota, "                      \
    "SLURM_CPUS_PER_TASK)\n"

/* the options of calibrate and sensitivity, up to their example */
#define STUDY_OPTIONS                                                                              \
    "options:\n"                                                                                   \
    "  --out DIR      the output folder\n"                                                         \
    "  --jobs N       worker processes, 1 to 64 (alias --workers); default: the study file's\n"    \
    "                 'workers', else the CPUs this process may use (as for sweep)\n"              \
    "  --shard I/N    sensitivity only: slice I (from 0) of N of the design points, into\n"        \
    "                 DIR/shard-I-of-N (a calibration's steps depend on each other)\n"             \
    "  --resume       keep the work of an interrupted study (DIR/.runs) and go on\n"               \
    "  --force        replace the results already in DIR\n"                                        \
    "  --progress-every S  stderr not a terminal: a progress line every S seconds\n"               \
    "                 (default 30; 0: at every step), and DIR/progress.json\n"                     \
    "  --help, -h     this page\n"                                                                 \
    "\n"                                                                                           \
    "example:\n"

static const struct {
    const char *cmd, *text;
} pages[] = {
    {"run",
     "usage: ricsim run SCENARIO.cfg --out DIR [--seed N] [--set key.path=value]... "
     "[--force]\n"
     "\n"
     "Simulate the scenario; write DIR/series.tsv, DIR/genealogy.tsv, DIR/evaluation.tsv\n"
     "(each programme's participants against matched comparison firms, with the differences\n"
     "in differences) and DIR/scenario.cfg (the effective scenario: 'ricsim run\n"
     "DIR/scenario.cfg' gives the same output).\n"
     "\n"
     "options:\n"
     "  --out DIR      the output folder (created if needed)\n"
     "  --seed N       seed of the random streams (overrides the scenario's 'seed')\n"
     "  --set K=V      override one setting, e.g. programmes.nuri.overhead=0.1 (repeatable)\n"
     "  --force        replace a run already in DIR\n"
     "  --help, -h     this page\n"
     "\n"
     "example:\n"
     "  ricsim run scenarios/daedeok.cfg --out runs/daedeok --seed 2 --force\n"},
    {"check", "usage: ricsim check SCENARIO.cfg [--seed N] [--set key.path=value]...\n"
              "\n"
              "Validate the scenario and its overrides without running it; print its hash. An\n"
              "experiment or study file is checked as plan, sweep, sensitivity or calibrate\n"
              "read it (the design, every parameter's bounds), with their messages.\n"
              "\n"
              "options:\n"
              "  --seed N       seed of the random streams (overrides the scenario's 'seed')\n"
              "  --set K=V      override one setting (repeatable)\n"
              "  --help, -h     this page\n"
              "\n"
              "example:\n"
              "  ricsim check scenarios/daedeok.cfg --set programmes.nuri.overhead=0.1\n"},
    {"plan", "usage: ricsim plan EXPERIMENT.cfg [--shard I/N]\n"
             "\n"
             "Print the runs of an experiment: run id, design row, replication, seed, values and\n"
             "the equivalent 'ricsim run' command.\n"
             "\n"
             "options:\n"
             "  --shard I/N    only the runs of slice I (from 0) of N\n"
             "  --help, -h     this page\n"
             "\n"
             "example:\n"
             "  ricsim plan scenarios/sweep_ris_budget.cfg\n"},
    {"sweep", "usage: ricsim sweep EXPERIMENT.cfg --out DIR [--jobs N] [--shard I/N]\n"
              "                    [--resume | --force] [--on-error continue|stop]\n"
              "                    [--progress-every S]\n"
              "\n"
              "Run an experiment in worker processes (or MPI ranks under mpirun): DIR/plan.tsv,\n"
              "runs.tsv, series.tsv, stats.tsv, long.tsv (one row per run and step) and\n"
              "summary.tsv (one row per design row).\n"
              "\n"
              "options:\n"
              "  --out DIR      the output folder\n" JOBS_HELP
              "  --shard I/N    run slice I (from 0) of N into DIR/shard-I-of-N (Slurm arrays)\n"
              "  --resume       keep the runs of an interrupted sweep and run the rest\n"
              "  --force        replace the results already in DIR\n"
              "  --on-error M   continue (default) or stop: start no new run after a failed one\n"
              "  --progress-every S  stderr not a terminal: a progress line every S seconds\n"
              "                 (default 30; 0: after every run)\n"
              "  --help, -h     this page\n"
              "\n"
              "example:\n"
              "  ricsim sweep scenarios/sweep_ris_budget.cfg --out runs/ris --jobs 2\n"},
    {"merge", "usage: ricsim merge DIR [--force] [--remove-shards]\n"
              "\n"
              "Join the complete shards DIR/shard-I-of-N of a sweep (or of a sensitivity\n"
              "analysis) into DIR, byte for byte what one unsharded run writes.\n"
              "\n"
              "options:\n"
              "  --force        replace results already in DIR\n"
              "  --remove-shards  then remove ricsim's own files of the shards just merged and\n"
              "                 checked, and each shard folder that leaves empty (a foreign file\n"
              "                 keeps its folder; links are never followed)\n"
              "  --help, -h     this page\n"
              "\n"
              "example:\n"
              "  ricsim merge runs/ris\n"},
    {"slurm",
     "usage: ricsim slurm EXPERIMENT.cfg --shards N [--jobs C] [--out DIR]\n"
     "\n"
     "Print a bash job-array script for sbatch: task I runs shard I/N of the sweep with\n"
     "--resume, and task 0 submits the merge as a job that starts when every task has ended\n"
     "well (afterok). The script names this ricsim and the current folder by absolute path.\n"
     "\n"
     "options:\n"
     "  --shards N     the number of shards: --array=0-(N-1), at most one per run\n"
     "  --jobs C       --cpus-per-task and each shard's --jobs (default 2: fits a 2-CPU node)\n"
     "  --out DIR      the sweep's folder (default runs/ and the experiment's name)\n"
     "  --help, -h     this page\n"
     "\n"
     "example:\n"
     "  ricsim slurm scenarios/sweep_ris_budget.cfg --shards 3 --out runs/ris > ris.sbatch\n"},
    {"export",
     "usage: ricsim export DIR [--csv]\n"
     "\n"
     "Write DIR/long.tsv and DIR/summary.tsv of a finished sweep or comparison, from its\n"
     "plan.tsv and series.tsv (for folders made before ricsim wrote them).\n"
     "\n"
     "options:\n"
     "  --csv          also comma-separated copies long.csv and summary.csv\n"
     "  --help, -h     this page\n"
     "\n"
     "example:\n"
     "  ricsim export runs/ris --csv\n"},
    {"compare",
     "usage: ricsim compare A.cfg B.cfg --reps R --out DIR [--seed N] [--jobs N]\n"
     "                      [--indicators a,b,...] [--resume | --force] [--on-error "
     "continue|stop]\n"
     "                      [--progress-every S] [--posterior POSTERIOR.tsv --draws K]\n"
     "\n"
     "Run scenarios A and B on common seeds: DIR/diff.tsv (paired B - A with 95% intervals),\n"
     "effect.tsv, note.txt, and the sweep's files (long.tsv, summary.tsv among them).\n"
     "With --posterior, at K parameter vectors drawn from a calibration's posterior by weight\n"
     "(keyed by --seed), R seeds each shared by A and B; every effect gains its interval over\n"
     "draws and seeds and the shares of its variance from parameters and from seeds.\n"
     "\n"
     "options:\n"
     "  --reps R       replications of each scenario (at least 2)\n"
     "  --out DIR      the output folder\n"
     "  --seed N       master seed of the replication seeds (default 1)\n" JOBS_HELP
     "  --indicators L the columns to summarise, comma-separated (default: a standard set)\n"
     "  --resume       keep the runs of an interrupted comparison and run the rest\n"
     "  --force        replace the results already in DIR\n"
     "  --on-error M   continue (default) or stop\n"
     "  --progress-every S  stderr not a terminal: a progress line every S seconds (default 30)\n"
     "  --posterior P  a posterior.tsv (ricsim calibrate, method abc_smc) to draw from\n"
     "  --draws K      posterior draws (with --posterior)\n"
     "  --help, -h     this page\n"
     "\n"
     "example:\n"
     "  ricsim compare scenarios/daedeok_no_nuri.cfg scenarios/daedeok.cfg --reps 4 "
     "--out runs/nuri\n"},
    {"calibrate", "usage: ricsim calibrate CAL.cfg --out DIR [--jobs N] [--resume | --force]\n"
                  "                        [--shard I/N] [--progress-every S]\n"
                  "\n"
                  "Fit the study's parameters to its targets (GSL nmsimplex2): DIR/fitted.tsv,\n"
                  "fit.tsv, history.tsv and a figure (gnuplot and the analysis scripts). Each\n"
                  "evaluation is kept in DIR/.runs, so --resume replays them and goes on; under\n"
                  "mpirun rank 0 hands each evaluation's runs to the other ranks. With\n"
                  "method = \"abc_smc\": ABC-SMC, DIR/posterior.tsv, ppc.tsv, identification.tsv\n"
                  "and ppc.png; --shard I/N runs a slice of the generation running, and\n"
                  "ricsim merge DIR joins the shards and steps to the next generation.\n"
                  "\n" STUDY_OPTIONS
                  "  ricsim calibrate scenarios/calibration/daedeok.cfg --out runs/cal --jobs 2\n"},
    {"sensitivity",
     "usage: ricsim sensitivity SA.cfg --out DIR [--jobs N] [--shard I/N] [--resume | --force]\n"
     "                          [--progress-every S]\n"
     "\n"
     "Morris elementary effects or Sobol' indices (Saltelli): DIR/points.tsv, the\n"
     "ranked effect tables and a figure. Each design point is kept in DIR/.runs as it ends\n"
     "(--resume goes on from there); --shard I/N runs slice I of the points into\n"
     "DIR/shard-I-of-N, which 'ricsim merge DIR' joins; under mpirun rank 0 hands the runs\n"
     "to the other ranks.\n"
     "\n" STUDY_OPTIONS
     "  ricsim sensitivity scenarios/sensitivity/daedeok_morris.cfg --out runs/sa\n"},
};

void ric_cli_help_overview(void)
{
    fputs(overview, stdout);
}

int ric_cli_help_page(const char *cmd)
{
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        if (strcmp(pages[i].cmd, cmd) == 0) {
            fputs(pages[i].text, stdout);
            return 1;
        }
    return 0;
}

/* The build as --version and provenance.txt give it. */
static void put_build(FILE *f)
{
    fprintf(f, "ricsim %s\n", RIC_VERSION);
    fprintf(f, "commit: %s\n", RIC_GIT_COMMIT);
    fprintf(f, "build type: %s\n", RIC_BUILD_TYPE);
    unsigned sel = ric_kernels_selected();
#if defined(__x86_64__)
    fprintf(f, "simd: AVX2 kernels built in; in use:");
#else
    fprintf(f, "simd: no AVX2 kernels on this architecture; in use:");
#endif
    if (!sel)
        fprintf(f, " none (the reference code: no AVX2, or RICSIM_NO_SIMD)");
    for (size_t k = 0; k < ric_kernels_n(); k++)
        if (sel & (1u << k))
            fprintf(f, " %s", ric_kernel_name(k));
    fprintf(f, "\n");
#ifdef RIC_MPI
    fprintf(f, "mpi: built in\n");
#else
    fprintf(f, "mpi: not built in\n");
#endif
}

void ric_cli_version(void)
{
    put_build(stdout);
    char buf[RIC_PATH_MAX];
    const char *ad = ric_cli_analysis_dir(buf, sizeof buf);
    printf("analysis scripts: %s\n", ad ? ad : "none found");
}

int ric_cli_provenance(const char *dir, int argc, char **argv)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        fprintf(stderr, "ricsim: %s/provenance.txt: out of memory\n", dir);
        return 1;
    }
    put_build(f);
    time_t now = time(NULL);
    struct tm tm;
    char date[64] = "unknown", host[256] = "unknown", cwd[RIC_PATH_MAX] = "unknown";
    if (gmtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "unknown");
    fprintf(f, "date: %s\nhost: %s\ncwd: %s\ncommand:", date, host, cwd);
    for (int i = 0; i < argc; i++) {
        const char *a = i ? argv[i] : "ricsim";
        const char *safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+";
        if (a[0] && !a[strspn(a, safe)]) {
            fprintf(f, " %s", a);
            continue;
        }
        fputs(" '", f);
        for (const char *c = a; *c; c++)
            fputs(*c == '\'' ? "'\\''" : (char[2]){*c, 0}, f);
        fputs("'", f);
    }
    fputs("\n", f);
    if (fclose(f) != 0 || !text) {
        free(text);
        fprintf(stderr, "ricsim: %s/provenance.txt: out of memory\n", dir);
        return 1;
    }
    ric_err err = {{0}};
    ric_status st = ric_atomic_write(dir, "provenance.txt", 0, text, len, &err);
    free(text);
    if (st != RIC_OK) {
        fprintf(stderr, "ricsim: %s\n", err.msg);
        return 1;
    }
    return 0;
}
