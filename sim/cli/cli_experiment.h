/* The experiment commands of the front end (plan, sweep, merge, compare), dispatched by cli.c. */
#ifndef RICSIM_CLI_EXPERIMENT_H
#define RICSIM_CLI_EXPERIMENT_H

/* argv[1] is the command. Exit codes: 0 ok, 1 a run or the sweep failed, 2 usage or experiment
 * error. */
int ric_cli_experiment(int argc, char **argv);

#endif
