/* Worker processes (see pool.h): the fork, pipe, poll and wait of sweeps and studies. */
#include "batch/pool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_POLL 256 /* workers polled at once; sweeps take at most 256 jobs */

ric_status ric_pool_init(ric_pool *pl, int n, ric_err *err)
{
    pl->n = n;
    pl->w = calloc((size_t)n + 1, sizeof *pl->w);
    if (!pl->w) {
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    return RIC_OK;
}

void ric_pool_fini(ric_pool *pl)
{
    ric_pool_kill(pl, SIGTERM);
    for (int i = 0; pl->w && i < pl->n; i++)
        if (pl->w[i].pid)
            ric_pool_reap(pl, i);
    free(pl->w);
    pl->w = NULL;
}

ric_status ric_pool_start(ric_pool *pl, int slot, size_t job, int flags, ric_pool_body *body,
                          void *ctx, ric_err *err)
{
    int fds[2];
    if (pipe(fds) != 0) {
        int e = errno;
        ric_err_set(err, "cannot create a pipe for a worker: %s", strerror(e));
        errno = e;
        return RIC_EIO;
    }
    fflush(NULL); /* a child must not inherit buffered output and write it again */
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        ric_err_set(err, "cannot start a worker process: %s", strerror(e));
        close(fds[0]);
        close(fds[1]);
        errno = e;
        return RIC_EIO;
    }
    if (pid == 0) {
        if (flags & RIC_POOL_DEFAULT_SIGNALS) {
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
        }
        close(fds[0]);
        for (int i = 0; i < pl->n; i++) /* other workers' pipes must end when they do */
            if (pl->w[i].pid)
                close(pl->w[i].fd);
        body(ctx, job, fds[1]);
        close(fds[1]);
        _exit(0);
    }
    close(fds[1]);
    pl->w[slot].pid = pid;
    pl->w[slot].fd = fds[0];
    pl->w[slot].job = job;
    return RIC_OK;
}

ric_status ric_pool_wait(ric_pool *pl, int timeout_ms, int *slot, ric_err *err)
{
    struct pollfd pf[MAX_POLL];
    int slot_of[MAX_POLL];
    nfds_t n = 0;
    *slot = -1;
    for (int i = 0; i < pl->n && n < MAX_POLL; i++)
        if (pl->w[i].pid) {
            pf[n].fd = pl->w[i].fd;
            pf[n].events = POLLIN;
            pf[n].revents = 0;
            slot_of[n++] = i;
        }
    int rc = poll(pf, n, timeout_ms);
    if (rc < 0 && errno != EINTR) {
        ric_err_set(err, "waiting for the workers failed: %s", strerror(errno));
        return RIC_EIO;
    }
    for (nfds_t k = 0; rc > 0 && k < n; k++) {
        if (!pf[k].revents)
            continue;
        char c;
        if (read(pf[k].fd, &c, 1) > 0)
            continue; /* only the end of the pipe matters */
        *slot = slot_of[k];
        break; /* one worker per call */
    }
    return RIC_OK;
}

int ric_pool_reap(ric_pool *pl, int slot)
{
    ric_pool_worker *w = &pl->w[slot];
    int status = 0;
    close(w->fd);
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    w->pid = 0;
    return status;
}

void ric_pool_kill(const ric_pool *pl, int sig)
{
    for (int i = 0; pl->w && i < pl->n; i++)
        if (pl->w[i].pid > 0)
            kill(pl->w[i].pid, sig);
}
