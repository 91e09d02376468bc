/* Helpers the command files share (cli.c dispatches to cli_experiment.c and cli_study.c; all
 * three use these, so no command file includes another's header but its own). */
#include "cli_common.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ric_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ricsim: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'ricsim --help'.\n");
    return 2;
}

static void on_signal(int sig)
{
    (void)sig;
    ric_interrupt();
}

void ric_cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int ric_cli_set_out(const char **out, const char *v, int quiet)
{
    if (*out)
        return quiet ? 2 : ric_cli_usage_error("--out given twice ('%s' and '%s')", *out, v);
    if (!*v)
        return quiet ? 2 : ric_cli_usage_error("--out needs a folder name (got '')");
    if (v[strspn(v, "/")] == '\0')
        return quiet ? 2 : ric_cli_usage_error("--out must not be the root folder (got '%s')", v);
    *out = v;
    return 0;
}

int ric_cli_is_digits(const char *v)
{
    return *v && v[strspn(v, "0123456789")] == '\0';
}

int ric_cli_exit_code(ric_status st)
{
    switch (st) {
    case RIC_OK:
        return 0;
    case RIC_ESCENARIO:
    case RIC_EUSAGE:
        return 2;
    default:
        return 1;
    }
}
