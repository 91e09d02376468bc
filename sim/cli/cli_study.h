/* Command-line front end of the studies: ricsim calibrate and ricsim sensitivity. */
#ifndef RICSIM_CLI_STUDY_H
#define RICSIM_CLI_STUDY_H

#include <stddef.h>

/* argv[1] is "calibrate", "sensitivity" or "merge" (of a sensitivity analysis's shards). Exit
 * codes: 0 ok, 1 a run or a write failed, 2 usage or study/scenario error. */
int ric_cli_study(int argc, char **argv);

/* Whether "ricsim merge DIR ..." names the shards of a sensitivity analysis (DIR/shard-0-of-N
 * holds a study.tsv), which ric_cli_study then merges. */
int ric_cli_study_owns_merge(int argc, char **argv);

/* "ricsim slurm CAL.cfg --shards N [--jobs C] [--out DIR]" for a calibration by ABC-SMC:
 * prints a job-array script that runs one generation in N shards, whose merge job (after every
 * task ended well) joins them and submits the script again for the next generation, until the
 * results are written. EXE and CWD are this ricsim and the current folder (absolute). */
int ric_cli_study_slurm(const char *file, size_t shards, int cpus, const char *out, const char *exe,
                        const char *cwd);

#endif
