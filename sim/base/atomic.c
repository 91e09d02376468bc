/* Atomic files (see atomic.h): the one writer behind every output file of runs, sweeps, their
 * statistics and the studies. */
#include "base/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/fs.h"

ric_status ric_atomic_open(ric_atomic *a, const char *dir, const char *name, int flags,
                           ric_err *err)
{
    a->f = NULL;
    a->pending = 0;
    a->flags = flags;
    int hidden = (flags & RIC_ATOMIC_HIDDEN) != 0;
    int nf = snprintf(a->fin, sizeof a->fin, "%s/%s", dir, name);
    int nt = snprintf(a->tmp, sizeof a->tmp, "%s/%s%s.tmp.%ld", dir, hidden ? "." : "", name,
                      (long)getpid());
    if (nf < 0 || nt < 0 || (size_t)nf >= sizeof a->fin || (size_t)nt >= sizeof a->tmp) {
        ric_err_set(err, "%s: folder name too long", dir);
        return RIC_EUSAGE;
    }
    /* Created exclusively and never through a link: a name planted at the temporary is not
     * followed. A leftover under this process's own temporary name (one of a crashed process
     * with the same pid, or a planted link) is unlinked, not followed, and the creation retried
     * once, still exclusively. */
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 2; attempt++) {
        fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && (errno != EEXIST || attempt > 0 || unlink(a->tmp) != 0))
            break;
    }
    a->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!a->f && fd >= 0) {
        int e = errno;
        close(fd);
        unlink(a->tmp);
        errno = e;
    }
    a->pending = a->f != NULL;
    if (!a->f) {
        ric_err_set(err, "%s: cannot write: %s", a->tmp, strerror(errno));
        return RIC_EIO;
    }
    return RIC_OK;
}

/* Flushes (and syncs unless NOSYNC) and closes a->f; returns 0, or -1 with errno set. */
static int close_file(ric_atomic *a)
{
    FILE *f = a->f;
    a->f = NULL;
    return ric_fs_close(f, !(a->flags & RIC_ATOMIC_NOSYNC));
}

/* Syncs the folder of PATH, so that a rename into it survives a crash. */
static void sync_folder(const char *path)
{
    char dir[RIC_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = '\0';
    int d = open(dir[0] ? dir : "/", O_RDONLY);
    if (d >= 0) {
        fsync(d);
        close(d);
    }
}

static void abort_all(ric_atomic *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i].f)
            fclose(a[i].f);
        a[i].f = NULL;
        if (a[i].pending)
            unlink(a[i].tmp);
        a[i].pending = 0;
    }
}

ric_status ric_atomic_commit_set(ric_atomic *a, size_t n, ric_err *err)
{
    size_t last = n, n_open = 0; /* the last file open: entries not open are left out */
    for (size_t i = 0; i < n; i++) {
        if (!a[i].f)
            continue;
        last = i;
        n_open++;
        if (close_file(&a[i]) != 0) {
            ric_err_set(err, "%s: write failed: %s", a[i].fin, strerror(errno));
            abort_all(a, n);
            return RIC_EIO;
        }
    }
    if (last == n)
        return RIC_OK;
    if (n_open > 1)
        unlink(a[last].fin); /* an old set's last file must not pair with new files */
    for (size_t i = 0; i <= last; i++) {
        if (!a[i].pending)
            continue;
        if (rename(a[i].tmp, a[i].fin) != 0) {
            ric_err_set(err, "%s: cannot rename into place: %s", a[i].fin, strerror(errno));
            /* the last file is renamed last: whatever landed, no complete-looking set exists */
            abort_all(a, n);
            return RIC_EIO;
        }
        a[i].pending = 0;
    }
    if (!(a[last].flags & RIC_ATOMIC_NOSYNC))
        sync_folder(a[last].fin);
    return RIC_OK;
}

ric_status ric_atomic_commit(ric_atomic *a, ric_err *err)
{
    return ric_atomic_commit_set(a, 1, err);
}

void ric_atomic_abort(ric_atomic *a)
{
    abort_all(a, 1);
}

ric_status ric_atomic_write(const char *dir, const char *name, int flags, const char *text,
                            size_t n, ric_err *err)
{
    ric_atomic a;
    ric_status st = ric_atomic_open(&a, dir, name, flags, err);
    if (st != RIC_OK)
        return st;
    fwrite(text, 1, n, a.f); /* a short write sets the error flag the commit checks */
    return ric_atomic_commit(&a, err);
}
