/* Worker processes for sweeps and studies: each worker is a fork running one body function, with
 * one pipe whose write end only the worker holds, so the parent reads what the worker writes and
 * sees the end of the pipe when it ends. Slots are reused as workers are reaped. */
#ifndef RICSIM_POOL_H
#define RICSIM_POOL_H

#include <stddef.h>
#include <sys/types.h>

#include "ricsim/status.h"

typedef struct {
    pid_t pid; /* 0: a free slot */
    int fd;    /* read end of the worker's pipe */
    size_t job;
} ric_pool_worker;

typedef struct {
    int n; /* slots */
    ric_pool_worker *w;
} ric_pool;

/* The body of a worker: does JOB, writing to FD what the parent is to read (it may write nothing),
 * then returns; the worker then leaves through _exit(0), skipping atexit handlers and the parent's
 * stdio buffers. */
typedef void ric_pool_body(void *ctx, size_t job, int fd);

enum {
    /* the worker takes the default action on SIGINT and SIGTERM (the front end may catch them to
     * stop the parent); otherwise it keeps the parent's handlers, so that ric_interrupt() reaches
     * a worker's own loop */
    RIC_POOL_DEFAULT_SIGNALS = 1
};

ric_status ric_pool_init(ric_pool *pl, int n, ric_err *err);
/* Stops the workers still running (SIGTERM), waits for them and frees the slots. */
void ric_pool_fini(ric_pool *pl);

/* Starts BODY(CTX, JOB, fd) in a worker in free slot SLOT. Errors: "cannot create a pipe for a
 * worker: reason", "cannot start a worker process: reason", with errno left as the failing call
 * set it. */
ric_status ric_pool_start(ric_pool *pl, int slot, size_t job, int flags, ric_pool_body *body,
                          void *ctx, ric_err *err);

/* For workers that write nothing: waits up to TIMEOUT_MS for one to end and sets *slot to it, or
 * to -1 when none ended in time (or a signal came). Error: "waiting for the workers failed". */
ric_status ric_pool_wait(ric_pool *pl, int timeout_ms, int *slot, ric_err *err);

/* Collects the worker in SLOT, whose pipe the caller has read to its end (or gives up on): closes
 * the pipe, waits for the process and frees the slot. Returns its wait status. */
int ric_pool_reap(ric_pool *pl, int slot);

/* Sends SIG to every worker running. */
void ric_pool_kill(const ric_pool *pl, int sig);

#endif
