/* The worker pool: a worker's output reaches the parent through its pipe, its end is seen as the
 * end of the pipe, its exit status is reported, and workers still running are stopped. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch/pool.h"

static void say_job(void *ctx, size_t job, int fd)
{
    (void)ctx;
    char b[32];
    int n = snprintf(b, sizeof b, "job %zu", job);
    cr_assert_eq(write(fd, b, (size_t)n), n);
}

static void quiet(void *ctx, size_t job, int fd)
{
    (void)ctx;
    (void)job;
    (void)fd;
}

static void sleeper(void *ctx, size_t job, int fd)
{
    (void)ctx;
    (void)job;
    (void)fd;
    pause(); /* until a signal ends it */
}

Test(pool, a_worker_writes_to_its_pipe)
{
    ric_pool pl;
    ric_err err = {{0}};
    cr_assert_eq(ric_pool_init(&pl, 2, &err), RIC_OK);
    cr_assert_eq(ric_pool_start(&pl, 1, 385, 0, say_job, NULL, &err), RIC_OK, "%s", err.msg);
    char b[32] = {0};
    size_t got = 0;
    ssize_t r;
    while ((r = read(pl.w[1].fd, b + got, sizeof b - 1 - got)) > 0)
        got += (size_t)r;
    cr_assert_str_eq(b, "job 385");
    cr_assert_eq(pl.w[1].job, 385);
    int status = ric_pool_reap(&pl, 1);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_eq(pl.w[1].pid, 0);
    ric_pool_fini(&pl);
}

Test(pool, wait_reports_the_worker_that_ended)
{
    ric_pool pl;
    ric_err err = {{0}};
    cr_assert_eq(ric_pool_init(&pl, 3, &err), RIC_OK);
    cr_assert_eq(ric_pool_start(&pl, 0, 7, RIC_POOL_DEFAULT_SIGNALS, sleeper, NULL, &err), RIC_OK);
    cr_assert_eq(ric_pool_start(&pl, 2, 8, RIC_POOL_DEFAULT_SIGNALS, quiet, NULL, &err), RIC_OK);
    int slot = -1;
    for (int k = 0; k < 20 && slot < 0; k++)
        cr_assert_eq(ric_pool_wait(&pl, 500, &slot, &err), RIC_OK, "%s", err.msg);
    cr_assert_eq(slot, 2);
    cr_assert_eq(pl.w[slot].job, 8);
    ric_pool_reap(&pl, slot);
    ric_pool_fini(&pl); /* stops the sleeper */
    cr_assert_null(pl.w);
}

Test(pool, a_killed_worker_reports_its_signal)
{
    ric_pool pl;
    ric_err err = {{0}};
    cr_assert_eq(ric_pool_init(&pl, 1, &err), RIC_OK);
    cr_assert_eq(ric_pool_start(&pl, 0, 0, RIC_POOL_DEFAULT_SIGNALS, sleeper, NULL, &err), RIC_OK);
    ric_pool_kill(&pl, SIGTERM);
    int status = ric_pool_reap(&pl, 0);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    ric_pool_fini(&pl);
}
