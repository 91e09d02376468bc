/* The output folder of a study (see study_dir.h): lock, study.tsv, unit files and shards. */
#include "studies/study_dir.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/fs.h"
#include "base/lock.h"
#include "base/sbuf.h"
#include "batch/sweep.h"
#include "ricsim/experiment.h"

static const char *const extra_files[] = {"study.tsv", "provenance.txt", "progress.json", NULL};

ric_status ric_study_dir_open(ric_study_dir *d, const char *dir, const ric_study_dir_opts *o,
                              const char *who, const char *plan, const char *const *results,
                              const char *ext, ric_err *err)
{
    memset(d, 0, sizeof *d);
    d->lock_fd = -1;
    d->ext = ext;
    if (strlen(dir) >= 3900) {
        ric_err_set(err, "%.100s...: output folder name too long", dir);
        return RIC_EUSAGE;
    }
    if (o->n_shards > 1)
        ric_sweep_shard_dir(dir, o->shard, o->n_shards, d->dir, sizeof d->dir);
    else
        snprintf(d->dir, sizeof d->dir, "%s", dir);
    ric_fs_join(d->dir, ".runs", d->runs);
    if (ric_fs_mkdirs(d->dir) != 0) {
        ric_err_set(err, "%s: cannot create output folder: %s", d->dir, strerror(errno));
        return RIC_EIO;
    }
    d->lock_fd = ric_lock_take(d->dir, who, err);
    if (d->lock_fd < 0)
        return RIC_EUSAGE;
    char path[RIC_PATH_MAX];
    const char *found = NULL, *mark = NULL;
    for (size_t i = 0; results[i]; i++) {
        ric_fs_join(d->dir, results[i], path);
        if (!found && ric_fs_exists(path))
            found = results[i];
        mark = results[i];
    }
    ric_fs_join(d->dir, "study.tsv", path);
    if (!found && ric_fs_exists(path))
        found = "study.tsv";
    if (!found && ric_fs_exists(d->runs))
        found = ".runs";
    ric_status st = RIC_OK;
    if (found && !o->resume && !o->force) {
        ric_err_set(err,
                    "%s: already holds results (%s); use --resume to continue the study or "
                    "--force to replace them",
                    d->dir, found);
        st = RIC_EUSAGE;
    } else if (found && o->force) {
        for (size_t i = 0; results[i]; i++) {
            ric_fs_join(d->dir, results[i], path);
            unlink(path);
        }
        for (size_t i = 0; extra_files[i]; i++) {
            ric_fs_join(d->dir, extra_files[i], path);
            unlink(path);
        }
        const char *exts[] = {ext, NULL};
        ric_fs_remove_run_dir(d->runs, exts);
    } else if (found) { /* --resume */
        char *old = ric_fs_read_regular(path, NULL);
        if (!old) {
            ric_err_set(err,
                        "%s: holds results but no study.tsv to resume; use --force to replace "
                        "them",
                        d->dir);
            st = RIC_EUSAGE;
        } else if (strcmp(old, plan) != 0) {
            ric_err_set(err,
                        "%s: the study differs from the one this folder started with; use "
                        "--force to start over",
                        path);
            st = RIC_EUSAGE;
        }
        free(old);
        ric_fs_join(d->dir, mark, path);
        if (st == RIC_OK && ric_fs_exists(path) && !ric_fs_exists(d->runs))
            d->complete = 1;
    }
    if (st == RIC_OK && !d->complete)
        st = ric_atomic_write(d->dir, "study.tsv", 0, plan, strlen(plan), err);
    if (st == RIC_OK && !d->complete) {
        for (size_t i = 0; results[i]; i++) { /* rewritten at the end, all together */
            ric_fs_join(d->dir, results[i], path);
            unlink(path);
        }
        if (mkdir(d->runs, 0777) != 0 && errno != EEXIST) {
            ric_err_set(err, "%s: cannot create: %s", d->runs, strerror(errno));
            st = RIC_EIO;
        } else if (!ric_fs_is_real_dir(d->runs)) {
            ric_err_set(err,
                        "%s: is not a folder; ricsim writes its per-unit files only into a "
                        "folder it made",
                        d->runs);
            st = RIC_EUSAGE;
        } else {
            const char *exts[] = {ext, NULL};
            ric_fs_remove_run_files(d->runs, exts, 1); /* temporaries of an interrupted study */
        }
    }
    if (st != RIC_OK) {
        ric_lock_release(d->lock_fd, d->dir);
        d->lock_fd = -1;
    }
    return st;
}

ric_status ric_study_dir_save(const ric_study_dir *d, size_t k, const char *head, const double *y,
                              size_t n, size_t m, ric_err *err)
{
    ric_sbuf b = {0};
    ric_sbuf_put(&b, "%s\n", head);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            ric_sbuf_put(&b, "%.17g%s", y[i * m + j], j + 1 < m ? "\t" : "\n");
    ric_sbuf_put(&b, "end\n");
    if (b.oom) {
        free(b.buf);
        ric_err_set(err, "out of memory");
        return RIC_ENOMEM;
    }
    char name[64];
    snprintf(name, sizeof name, "%zu.%s", k, d->ext);
    ric_status st = ric_atomic_write(d->runs, name, RIC_ATOMIC_NOSYNC, b.buf, b.n, err);
    free(b.buf);
    return st;
}

int ric_study_dir_load(const char *runs, const char *ext, size_t k, const char *head, double *y,
                       size_t n, size_t m)
{
    char path[RIC_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%zu.%s", runs, k, ext);
    char *text = ric_fs_read_regular(path, NULL);
    if (!text)
        return 0;
    size_t hl = strlen(head);
    int ok = strncmp(text, head, hl) == 0 && text[hl] == '\n';
    const char *p = text + hl + 1;
    for (size_t i = 0; ok && i < n * m; i++) {
        char *end;
        y[i] = strtod(p, &end);
        char want = (i + 1) % m ? '\t' : '\n';
        ok = end != p && *end == want;
        p = end + 1;
    }
    ok = ok && strcmp(p, "end\n") == 0;
    free(text);
    return ok;
}

void ric_study_dir_close(ric_study_dir *d, int remove_runs)
{
    if (remove_runs) {
        const char *exts[] = {d->ext, NULL};
        ric_fs_remove_run_dir(d->runs, exts);
    }
    ric_lock_release(d->lock_fd, d->dir);
    d->lock_fd = -1;
}

ric_status ric_study_dir_shards(const char *dir, size_t *n_out, ric_err *err)
{
    return ric_sweep_find_shards(dir, "study", "studies", n_out, err);
}

int ric_study_dir_remove_shard(const char *sd, const char *ext)
{
    if (!ric_fs_is_real_dir(sd))
        return 1;
    ric_err err;
    int fd = ric_lock_take(sd, "study", &err); /* a shard still running keeps everything */
    if (fd < 0)
        return 1;
    const char *exts[] = {ext, NULL};
    ric_fs_remove_own(sd, extra_files, exts);
    ric_lock_release(fd, sd);
    return rmdir(sd) == 0 ? 0 : 1;
}

void ric_study_dir_remove_shards(const char *dir, size_t n, const char *ext)
{
    for (size_t i = 0; i < n; i++) {
        char sd[RIC_PATH_MAX];
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        ric_study_dir_remove_shard(sd, ext);
    }
}

ric_status ric_study_dir_check_shard(const char *sd, const char *plan, const char *what,
                                     const char *label, ric_err *err)
{
    char path[RIC_PATH_MAX];
    ric_fs_join(sd, "study.tsv", path);
    char *text = ric_fs_read_regular(path, NULL);
    ric_status rc = RIC_OK;
    if (ric_lock_held(sd)) {
        ric_err_set(err, "%s: the shard is still running", sd);
        rc = RIC_EUSAGE;
    } else if (!text) {
        ric_err_set(err, "%s: cannot read: %s", path,
                    errno == EINVAL ? "not a regular file" : strerror(errno));
        rc = RIC_EUSAGE;
    } else if (strcmp(text, plan) != 0) {
        ric_err_set(err, "%s: the shard ran a different %s than %s", path, what, label);
        rc = RIC_EUSAGE;
    }
    free(text);
    return rc;
}
