/* Status messages (from the X-macro in status.h) and the diagnostic buffer filled on failure. */
#include "ricsim/status.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

static const char *const messages[] = {
#define RIC_X(code, msg) msg,
    RIC_STATUS_LIST(RIC_X)
#undef RIC_X
};

const char *ric_status_str(ric_status s)
{
    if ((unsigned)s >= RIC_STATUS_N)
        return "unknown status";
    return messages[s];
}

void ric_err_set(ric_err *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

static volatile sig_atomic_t interrupted;

void ric_interrupt(void)
{
    interrupted = 1;
}

int ric_interrupted(void)
{
    return interrupted != 0;
}
