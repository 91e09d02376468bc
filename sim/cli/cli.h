/* Command-line front end: the only code that prints diagnostics or chooses exit codes. */
#ifndef RICSIM_CLI_H
#define RICSIM_CLI_H

/* Exit codes: 0 ok, 1 run failed, 2 usage or scenario error. */
int ric_cli_main(int argc, char **argv);

#endif
