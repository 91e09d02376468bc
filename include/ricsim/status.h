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
    X(RIC_EGSL, "numerical library error")

typedef enum {
#define RIC_X(code, msg) code,
    RIC_STATUS_LIST(RIC_X)
#undef RIC_X
        RIC_STATUS_N
} ric_status;

/* Static message for a status; never NULL. */
const char *ric_status_str(ric_status s);

/* A diagnostic filled by fallible functions: "file:line: message" text, without the program name. */
typedef struct {
    char msg[512];
} ric_err;

void ric_err_set(ric_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
