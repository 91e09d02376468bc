/* Status codes shared by every ricsim module: one X-macro list gives the enum and its messages. */
#ifndef RICSIM_STATUS_H
#define RICSIM_STATUS_H

#define RIC_STATUS_LIST(X)                                                                         \
    X(RIC_OK, "ok")                                                                                \
    X(RIC_ENOMEM, "out of memory")                                                                 \
    X(RIC_EIO, "input/output error")                                                               \
    X(RIC_ESCENARIO, "invalid scenario")                                                           \
    X(RIC_EUSAGE, "invalid usage")                                                                 \
    X(RIC_ECAPACITY, "capacity exceeded")                                                          \
    X(RIC_EGSL, "numerical library error")                                                         \
    X(RIC_EINTR, "interrupted")

typedef enum {
#define RIC_X(code, msg) code,
    RIC_STATUS_LIST(RIC_X)
#undef RIC_X
        RIC_STATUS_N
} ric_status;

/* Static message for a status; never NULL. */
const char *ric_status_str(ric_status s);

/* A diagnostic filled by fallible functions: "file:line: message" text, without the program name.
 */
typedef struct {
    char msg[512];
} ric_err;

void ric_err_set(ric_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Asks running simulations to stop at the end of their current step (they fail with RIC_EINTR and
 * remove their temporary files). Async-signal-safe: call it from a SIGINT or SIGTERM handler. */
void ric_interrupt(void);
int ric_interrupted(void);

#endif
