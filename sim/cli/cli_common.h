/* Helpers shared by the command files of the front end (cli.c, cli_experiment.c,
 * cli_study.c). */
#ifndef RICSIM_CLI_COMMON_H
#define RICSIM_CLI_COMMON_H

#include "ricsim/status.h"

/* Prints "ricsim: MESSAGE" and a pointer to --help on stderr; returns 2. */
int ric_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Takes V as the --out folder into *out: 0, or a usage error (2, printed unless QUIET) when --out
 * was given before, V is empty or V is the root folder. */
int ric_cli_set_out(const char **out, const char *v, int quiet);

/* Whether V is a plain decimal number: digits only (no sign, no spaces on either side). */
int ric_cli_is_digits(const char *v);

/* Exit code of a status: 0 ok, 2 usage or scenario error, 1 otherwise. */
int ric_cli_exit_code(ric_status st);

/* SIGINT and SIGTERM ask running work to stop (ric_interrupt); no SA_RESTART, so waits return. */
void ric_cli_catch_signals(void);

#endif
