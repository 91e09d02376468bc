/* Helpers the command files share (cli.c dispatches to cli_experiment.c and cli_study.c; all
 * three use these, so no command file includes another's header but its own). */
/* sched_getaffinity and CPU_COUNT are GNU extensions (glibc); the front end alone uses them */
#define _GNU_SOURCE
#include "cli_common.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>

#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/sbuf.h"

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

const char *ric_cli_analysis_dir(char *buf, size_t len)
{
    const char *env = getenv("RICSIM_ANALYSIS_DIR");
    if (env && *env)
        return env;
    /* installed: PREFIX/bin/ricsim beside PREFIX/share/ricsim/analysis */
    char exe[PATH_MAX], up[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(up, sizeof up, "%s/../share/ricsim/analysis", exe);
            struct stat sb;
            if (stat(up, &sb) == 0 && S_ISDIR(sb.st_mode) && realpath(up, exe) &&
                strlen(exe) < len) {
                snprintf(buf, len, "%s", exe);
                return buf;
            }
        }
    }
#ifdef RIC_ANALYSIS_DIR
    return RIC_ANALYSIS_DIR; /* build/ricsim: the source tree's */
#else
    return NULL;
#endif
}

/* Where the cgroup files are read: /sys/fs/cgroup and /proc/self/cgroup, or, for the tests
 * alone, ROOT/fs and ROOT/self.cgroup when RICSIM_TEST_CGROUP_ROOT=ROOT is set (a fake cgroup
 * tree with its cpu.max files). */
static const char *cgroup_root(char *fs, size_t n)
{
    const char *root = getenv("RICSIM_TEST_CGROUP_ROOT");
    if (root && *root) {
        snprintf(fs, n, "%s/fs", root);
        return root;
    }
    snprintf(fs, n, "/sys/fs/cgroup");
    return NULL;
}

/* The CPU quota of cgroup v2 folder DIR (under FS, /sys/fs/cgroup) and its ancestors: the
 * smallest ceil(quota / period) of their cpu.max files, or 0 when none sets one ("max"). */
static long cgroup_quota(const char *fs, const char *dir)
{
    char path[2 * PATH_MAX + 64], d[PATH_MAX];
    if (strlen(dir) >= sizeof d)
        return 0;
    memcpy(d, dir, strlen(dir) + 1);
    long best = 0;
    for (;;) {
        snprintf(path, sizeof path, "%s%s/cpu.max", fs, strcmp(d, "/") == 0 ? "" : d);
        FILE *f = fopen(path, "r");
        if (f) {
            char q[32];
            double period;
            if (fscanf(f, "%31s %lf", q, &period) == 2 && isdigit((unsigned char)q[0]) &&
                period > 0) {
                long n = (long)ceil(strtod(q, NULL) / period);
                if (n < 1)
                    n = 1;
                if (!best || n < best)
                    best = n;
            }
            fclose(f);
        }
        char *slash = strrchr(d, '/');
        if (!slash || !d[0] || strcmp(d, "/") == 0)
            break;
        if (slash == d)
            snprintf(d, sizeof d, "/");
        else
            *slash = 0;
    }
    return best;
}

int ric_cli_default_jobs(int max)
{
    long n = 0;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    if (n < 1)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    /* cgroup v2: the line "0::/PATH" of /proc/self/cgroup names this process's folder */
    char fs[PATH_MAX], self[PATH_MAX + 16];
    const char *root = cgroup_root(fs, sizeof fs);
    if (root)
        snprintf(self, sizeof self, "%s/self.cgroup", root);
    else
        snprintf(self, sizeof self, "/proc/self/cgroup");
    FILE *f = fopen(self, "r");
    if (f) {
        char line[PATH_MAX + 16];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "0::", 3) == 0) {
                line[strcspn(line, "\n")] = 0;
                long q = cgroup_quota(fs, line + 3);
                if (q > 0 && q < n)
                    n = q;
                break;
            }
        fclose(f);
    }
    const char *slurm = getenv("SLURM_CPUS_PER_TASK");
    if (slurm && *slurm) {
        char *end;
        long s = strtol(slurm, &end, 10);
        if (!*end && s >= 1 && s < n)
            n = s;
    }
    if (n < 1)
        n = 1;
    return n > max ? max : (int)n;
}

int ric_cli_jobs_option(const char *opt, const char *v, int max, int *jobs)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (!isdigit((unsigned char)*v) || *end || x < 1 || x > max)
        return ric_cli_usage_error("%s must be a whole number from 1 to %d (got '%s')", opt, max,
                                   v);
    *jobs = (int)x;
    return 0;
}

void ric_cli_time_left(size_t todo, double rate, char *buf, size_t n)
{
    snprintf(buf, n, "?");
    if (todo == 0) {
        snprintf(buf, n, "0 s");
    } else if (rate > 0) {
        double s = (double)todo / rate;
        if (s < 120)
            snprintf(buf, n, "%.0f s", s);
        else if (s < 7200)
            snprintf(buf, n, "%.0f min", s / 60);
        else
            snprintf(buf, n, "%.1f h", s / 3600);
    }
}

int ric_cli_progress_json(const char *dir, const ric_cli_counts *c)
{
    char updated[32] = "";
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(updated, sizeof updated, "%Y-%m-%dT%H:%M:%SZ", &tm);
    size_t todo = c->total - (c->done < c->total ? c->done : c->total);
    char eta[32] = "null";
    if (todo == 0)
        snprintf(eta, sizeof eta, "0");
    else if (c->runs_per_s > 0)
        snprintf(eta, sizeof eta, "%.0f", (double)todo / c->runs_per_s);
    ric_sbuf b = {0};
    ric_sbuf_put(&b,
                 "{\"runs_total\": %zu, \"runs_done\": %zu, \"runs_failed\": %zu, "
                 "\"runs_per_s\": %.4g, \"eta_s\": %s, \"updated\": \"%s\"}\n",
                 c->total, c->done, c->failed, c->runs_per_s, eta, updated);
    ric_err err = {{0}};
    int rc = b.oom || ric_atomic_write(dir, "progress.json", RIC_ATOMIC_NOSYNC, b.buf, b.n, &err) !=
                          RIC_OK
                 ? -1
                 : 0;
    free(b.buf);
    return rc;
}

void ric_cli_progress_init(ric_cli_progress *p, const char *dir, double every)
{
    p->dir = dir;
    p->every = every;
    p->tty = isatty(STDERR_FILENO);
    p->last = 0;
}

void ric_cli_progress_report(ric_cli_progress *p, const ric_cli_counts *c, int finished, int final)
{
    char left[32];
    ric_cli_time_left(c->total - c->done, c->runs_per_s, left, sizeof left);
    if (p->tty && !final) {
        fprintf(stderr, "\rricsim: %zu/%zu runs", c->done, c->total);
        if (c->failed)
            fprintf(stderr, " (%zu failed)", c->failed);
        fprintf(stderr, ", %.1f runs/s, %s left\033[K", c->runs_per_s, left);
        fflush(stderr);
    }
    int due = c->elapsed_s - p->last >= p->every;
    if (final) {
        ric_cli_progress_json(p->dir, c);
        return;
    }
    if (!finished || !due)
        return;
    p->last = c->elapsed_s;
    if (!p->tty) {
        fprintf(stderr, "ricsim: progress: %zu/%zu runs done, %zu failed, %.2f runs/s, %s left\n",
                c->done, c->total, c->failed, c->runs_per_s, left);
        fflush(stderr);
    }
    ric_cli_progress_json(p->dir, c); /* a dashboard's view; failing to write it is not fatal */
}

void ric_cli_test_stop(size_t done)
{
    const char *k = getenv("RICSIM_TEST_STOP_AFTER");
    if (k && ric_cli_is_digits(k) && done >= strtoull(k, NULL, 10))
        ric_interrupt();
}

int ric_cli_whole(const char *s, unsigned long long lo, unsigned long long hi,
                  unsigned long long *v)
{
    char *end;
    errno = 0;
    if (!ric_cli_is_digits(s))
        return -1;
    *v = strtoull(s, &end, 10);
    return *end || errno || *v < lo || *v > hi ? -1 : 0;
}

int ric_cli_shard_option(const char *v, size_t *i, size_t *n, int quiet)
{
    unsigned long long si, sn;
    const char *slash = strchr(v, '/');
    char left[32];
    if (!slash || (size_t)(slash - v) >= sizeof left)
        return quiet ? 2 : ric_cli_usage_error("--shard must be I/N with 0 <= I < N (got '%s')", v);
    snprintf(left, sizeof left, "%.*s", (int)(slash - v), v);
    if (ric_cli_whole(left, 0, 1000000, &si) || ric_cli_whole(slash + 1, 1, 1000000, &sn) ||
        si >= sn)
        return quiet
                   ? 2
                   : ric_cli_usage_error("--shard must be I/N with 0 <= I < N (got '%s'); I "
                                         "counts from 0, e.g. --array=0-%llu in Slurm",
                                         v,
                                         ric_cli_whole(slash + 1, 1, 1000000, &sn) ? 3ull : sn - 1);
    *i = (size_t)si;
    *n = (size_t)sn;
    return 0;
}

int ric_cli_progress_option(const char *v, double *s, int quiet)
{
    unsigned long long x;
    if (ric_cli_whole(v, 0, 86400, &x))
        return quiet ? 2
                     : ric_cli_usage_error(
                           "--progress-every must be whole seconds from 0 to 86400 (got '%s')", v);
    *s = (double)x;
    return 0;
}
