/* Files written atomically: each is written under a temporary name beside its final one and
 * renamed into place only when complete, so a file under its final name is always whole and a
 * failed or interrupted writer leaves nothing under a final name. A set of files can be committed
 * together, the last one renamed last as the mark that the set is complete (a run's series.tsv). */
#ifndef RICSIM_ATOMIC_H
#define RICSIM_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

#include "base/consts.h"
#include "ricsim/status.h"

enum {
    /* temporary name DIR/.NAME.tmp.PID, hidden from a reader listing a run's folder; otherwise
     * DIR/NAME.tmp.PID (the sweep removes its workers' leftovers by the ".tmp." in the name) */
    RIC_ATOMIC_HIDDEN = 1,
    /* no fsync: for files whose tearing by a crash is detected and repaired by rerunning (a
     * sweep's per-run files) */
    RIC_ATOMIC_NOSYNC = 2
};

typedef struct {
    FILE *f; /* write through it; NULL when not open (never opened, committed or aborted) */
    int flags;
    int pending; /* the temporary file exists: opened, not yet renamed or removed */
    char tmp[RIC_PATH_MAX], fin[RIC_PATH_MAX];
} ric_atomic;

/* Opens DIR/NAME under its temporary name, created exclusively and never through a symbolic link
 * (O_EXCL | O_NOFOLLOW; a leftover under the process's own temporary name is unlinked first, not
 * followed). Zero-initialise a (or open it) before any commit or
 * abort. Errors: "DIR: folder name too long", "TMP: cannot write: reason". */
ric_status ric_atomic_open(ric_atomic *a, const char *dir, const char *name, int flags,
                           ric_err *err);
/* Flushes, syncs, closes and renames a into place, then syncs its folder so that the rename is
 * durable. On failure removes the temporary file: "FIN: write failed: reason" or "FIN: cannot
 * rename into place: reason". */
ric_status ric_atomic_commit(ric_atomic *a, ric_err *err);
/* Commits the N open files of a together: all are synced and closed before any is renamed, the
 * old copy of a[n - 1] is removed before the first rename and a[n - 1] is renamed last, so that it
 * never stands beside files of another set. On failure removes every temporary file. */
ric_status ric_atomic_commit_set(ric_atomic *a, size_t n, ric_err *err);
/* Closes a and removes its temporary file (nothing when a is not open). */
void ric_atomic_abort(ric_atomic *a);

/* Writes TEXT (N bytes) to DIR/NAME atomically: open, write, commit. */
ric_status ric_atomic_write(const char *dir, const char *name, int flags, const char *text,
                            size_t n, ric_err *err);

#endif
