/* Helpers the command files share (cli.c dispatches to cli_experiment.c and cli_study.c; all
 * three use these, so no command file includes another's header but its own). */
/* sched_getaffinity and CPU_COUNT are GNU extensions (glibc); the front end alone uses them */
#define _GNU_SOURCE
#include "cli_common.h"

#include <ctype.h>
#include <sched.h>

#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Set while input files are read: libconfig's parser cannot be asked to stop, and nothing is
 * written yet, so a signal then ends the process at once. */
static volatile sig_atomic_t loading;

static void on_signal(int sig)
{
    (void)sig;
    if (loading) {
        static const char msg[] = "ricsim: interrupted while reading the input; nothing was "
                                  "written\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
        _exit(1); /* the exit status of an interrupted run or sweep */
    }
    ric_interrupt();
}

void ric_cli_loading(int on)
{
    static struct sigaction before[2]; /* SIGINT's and SIGTERM's, restored after loading */
    if (on) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        loading = 1;
        sigaction(SIGINT, &sa, &before[0]);
        sigaction(SIGTERM, &sa, &before[1]);
    } else {
        sigaction(SIGINT, &before[0], NULL);
        sigaction(SIGTERM, &before[1], NULL);
        loading = 0;
    }
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

/* The CPU quota of cgroup v2 folder DIR (under /sys/fs/cgroup) and its ancestors: the smallest
 * ceil(quota / period) of their cpu.max files, or 0 when none sets one ("max"). */
static long cgroup_quota(const char *dir)
{
    char path[PATH_MAX + 64], d[PATH_MAX];
    if (strlen(dir) >= sizeof d)
        return 0;
    memcpy(d, dir, strlen(dir) + 1);
    long best = 0;
    for (;;) {
        snprintf(path, sizeof path, "/sys/fs/cgroup%s/cpu.max", d);
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
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (f) {
        char line[PATH_MAX + 16];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "0::", 3) == 0) {
                line[strcspn(line, "\n")] = 0;
                long q = cgroup_quota(line + 3);
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
