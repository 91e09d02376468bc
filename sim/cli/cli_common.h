/* Helpers shared by the command files of the front end (cli.c, cli_experiment.c,
 * cli_study.c). */
#ifndef RICSIM_CLI_COMMON_H
#define RICSIM_CLI_COMMON_H

#include "ricsim/status.h"

/* Prints "ricsim: MESSAGE" and a pointer to --help on stderr; returns 2. */
int ric_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exit code of a status: 0 ok, 2 usage or scenario error, 1 otherwise. */
int ric_cli_exit_code(ric_status st);

/* SIGINT and SIGTERM ask running work to stop (ric_interrupt); no SA_RESTART, so waits return. */
void ric_cli_catch_signals(void);

#endif
