/* Merging a sharded sweep: joins DIR/shard-I-of-N into DIR, byte for byte what one unsharded
 * sweep writes. */
#include "ricsim/experiment.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/fs.h"
#include "batch/sweep.h"
#include "batch/tidy.h"
#include "ricsim/stats.h"

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Appends the lines of file FROM to OUT: all of them (from_line NULL), or only from the first
 * line that starts with FROM_LINE on ("" skips the first line alone), so that the head shared by
 * the shards' files is written once. */
static ric_status copy_lines(FILE *out, const char *from, const char *from_line, ric_err *err)
{
    FILE *f = fopen(from, "r");
    if (!f) {
        ric_err_set(err, "%s: cannot open: %s", from, strerror(errno));
        return RIC_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int on = from_line == NULL, first = 1;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (!on && (from_line[0] ? starts(line, from_line) : !first))
            on = 1;
        if (on)
            fwrite(line, 1, (size_t)n, out);
        first = 0;
    }
    int bad = ferror(f);
    free(line);
    fclose(f);
    if (bad) {
        ric_err_set(err, "%s: read error", from);
        return RIC_EIO;
    }
    return RIC_OK;
}

/* Finds the shard folders under DIR: their count N, checking that all of 0..N-1 exist. */
static ric_status find_shards(const char *dir, size_t *n_out, ric_err *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        ric_err_set(err, "%s: cannot open: %s", dir, strerror(errno));
        return RIC_EIO;
    }
    size_t n = 0, seen = 0, max_i = 0;
    int mixed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t i, k;
        int end = 0;
        if (sscanf(e->d_name, "shard-%zu-of-%zu%n", &i, &k, &end) != 2 || e->d_name[end])
            continue;
        if (n && k != n)
            mixed = 1;
        n = k;
        seen++;
        if (i > max_i)
            max_i = i;
    }
    closedir(d);
    if (mixed) {
        ric_err_set(err, "%s: holds shards of sweeps cut into different numbers of shards", dir);
        return RIC_EUSAGE;
    }
    if (n == 0) {
        ric_err_set(err, "%s: no shard folders (shard-I-of-N) to merge", dir);
        return RIC_EUSAGE;
    }
    for (size_t i = 0; i < n; i++) {
        char sd[RIC_PATH_MAX];
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        if (!ric_fs_exists(sd)) {
            ric_err_set(err, "%s: missing; run it with --shard %zu/%zu", sd, i, n);
            return RIC_EUSAGE;
        }
    }
    if (seen != n || max_i >= n) {
        ric_err_set(err, "%s: holds shard folders that do not belong to one %zu-shard sweep", dir,
                    n);
        return RIC_EUSAGE;
    }
    *n_out = n;
    return RIC_OK;
}

ric_status ric_sweep_merge(const char *dir, int force, size_t *n_shards, ric_err *err)
{
    size_t n = 0;
    ric_status st = find_shards(dir, &n, err);
    if (st != RIC_OK)
        return st;
    char path[RIC_PATH_MAX], sd[RIC_PATH_MAX];
    char *plan = NULL;
    enum { PLAN, RUNS, SERIES, NF }; /* renamed in this order, series.tsv last */
    static const char *const names[NF] = {"plan.tsv", "runs.tsv", "series.tsv"};
    ric_atomic f[NF] = {{0}};
    for (size_t i = 0; i < n && st == RIC_OK; i++) {
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        ric_fs_join(sd, "stats.tsv", path);
        char runs_dir[RIC_PATH_MAX];
        ric_fs_join(sd, ".runs", runs_dir);
        if (!ric_fs_exists(path) || ric_fs_exists(runs_dir)) {
            ric_err_set(err, "%s: the shard is not complete%s; run it again with --resume", sd,
                        ric_fs_exists(runs_dir) ? " (or has failed runs)" : "");
            st = RIC_EUSAGE;
            break;
        }
        ric_fs_join(sd, "plan.tsv", path);
        char *text = ric_fs_read(path, NULL);
        if (!text) {
            ric_err_set(err, "%s: cannot read: %s", path, strerror(errno));
            st = RIC_EIO;
        } else if (!plan) {
            plan = text;
        } else {
            int same = strcmp(plan, text) == 0;
            free(text);
            if (!same) {
                ric_err_set(err, "%s: the shard ran a different plan than shard 0", path);
                st = RIC_EUSAGE;
            }
        }
    }
    for (size_t i = 0; st == RIC_OK && i < RIC_SWEEP_N_RESULT_FILES; i++) {
        ric_fs_join(dir, ric_sweep_result_files[i], path);
        if (!ric_fs_exists(path))
            continue;
        if (!force) {
            ric_err_set(err, "%s: already holds results (%s); use --force to replace them", dir,
                        ric_sweep_result_files[i]);
            st = RIC_EUSAGE;
        } else {
            unlink(path);
        }
    }
    for (int k = 0; st == RIC_OK && k < NF; k++)
        st = ric_atomic_open(&f[k], dir, names[k], 0, err);
    if (st == RIC_OK)
        fputs(plan, f[PLAN].f);
    /* runs.tsv: the header once, then each shard's rows; series.tsv: the head once, then each
     * shard's data sets. Shards are slices in run order, so this is the unsharded order. */
    for (size_t i = 0; st == RIC_OK && i < n; i++) {
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        ric_fs_join(sd, "runs.tsv", path);
        st = copy_lines(f[RUNS].f, path, i ? "" : NULL, err);
        ric_fs_join(sd, "series.tsv", path);
        if (st == RIC_OK)
            st = copy_lines(f[SERIES].f, path, i ? "# [run " : NULL, err);
    }
    if (st == RIC_OK)
        st = ric_atomic_commit_set(f, NF, err);
    if (st == RIC_OK)
        st = ric_tidy_sweep(dir, err); /* stats.tsv last, as a sweep writes it */
    if (st == RIC_OK)
        st = ric_stats_sweep(dir, err);
    for (int k = 0; k < NF; k++)
        ric_atomic_abort(&f[k]); /* nothing left to remove once committed */
    free(plan);
    if (st == RIC_OK)
        *n_shards = n;
    return st;
}
