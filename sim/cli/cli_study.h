/* Command-line front end of the studies: ricsim calibrate and ricsim sensitivity. */
#ifndef RICSIM_CLI_STUDY_H
#define RICSIM_CLI_STUDY_H

/* argv[1] is "calibrate" or "sensitivity". Exit codes: 0 ok, 1 a run or a write failed, 2 usage
 * or study/scenario error. */
int ric_cli_study(int argc, char **argv);

#endif
