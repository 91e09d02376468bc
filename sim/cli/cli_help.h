/* The front end's help pages and version (cli_help.c). */
#ifndef RICSIM_CLI_HELP_H
#define RICSIM_CLI_HELP_H

/* ricsim --help: every command and option, on stdout. */
void ric_cli_help_overview(void);

/* ricsim CMD --help: prints CMD's page (synopsis, options, an example) on stdout and returns 1;
 * 0 if CMD is no command. */
int ric_cli_help_page(const char *cmd);

/* ricsim --version: version, commit, build type, kernels, MPI, the analysis scripts' folder. */
void ric_cli_version(void);

/* Writes DIR/provenance.txt (atomically): the build as --version gives it, the date (UTC), the
 * host, the working folder and the command line ARGV, shell-quoted. Returns 0, or 1 after
 * printing the error. */
int ric_cli_provenance(const char *dir, int argc, char **argv);

#endif
