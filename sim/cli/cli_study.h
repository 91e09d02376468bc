/* Command-line front end of the studies: ricsim calibrate and ricsim sensitivity. */
#ifndef RICSIM_CLI_STUDY_H
#define RICSIM_CLI_STUDY_H

/* argv[1] is "calibrate", "sensitivity" or "merge" (of a sensitivity analysis's shards). Exit
 * codes: 0 ok, 1 a run or a write failed, 2 usage or study/scenario error. */
int ric_cli_study(int argc, char **argv);

/* Whether "ricsim merge DIR ..." names the shards of a sensitivity analysis (DIR/shard-0-of-N
 * holds a study.tsv), which ric_cli_study then merges. */
int ric_cli_study_owns_merge(int argc, char **argv);

#endif
