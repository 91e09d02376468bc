/* File-system helpers of the layers that own output folders (runs, sweeps, studies): making
 * folders, joining names, reading a file whole, removing per-run files, closing durably. Paths are
 * held in buffers of RIC_PATH_MAX bytes. */
#ifndef RICSIM_FS_H
#define RICSIM_FS_H

#include <stddef.h>
#include <stdio.h>

#include "base/consts.h"

/* Creates a folder and its parents (mkdir -p); 0 on success, -1 with errno set. */
int ric_fs_mkdirs(const char *path);

/* DIR/NAME into buf (RIC_PATH_MAX bytes); returns 0, or -1 when it does not fit (cut). */
int ric_fs_join(const char *dir, const char *name, char *buf);

int ric_fs_exists(const char *path);

/* The whole file, NUL-terminated (the caller frees it), and its length when LEN is not NULL; NULL
 * with errno set when it cannot be read or memory runs out. */
char *ric_fs_read(const char *path, size_t *len);
/* The same for a regular file only: anything else (a FIFO, a device, a folder) gives NULL with
 * errno EINVAL at once, without waiting on it. */
char *ric_fs_read_regular(const char *path, size_t *len);
/* PATH opened for reading when it is a regular file; else NULL with errno EINVAL (at once for a
 * FIFO) or the reason it cannot be opened. */
FILE *ric_fs_open_regular(const char *path);

/* Removes from folder DIR the per-run files ricsim writes there and nothing else: ID.EXT (ID a
 * run id in decimal, EXT one of the NULL-terminated exts) and their temporaries ID.EXT.tmp.PID;
 * the temporaries alone when TMP_ONLY. DIR is not followed when it is a symbolic link, and the
 * names are unlinked, never followed. */
void ric_fs_remove_run_files(const char *dir, const char *const *exts, int tmp_only);
/* The same (every such file), then removes DIR when that left it empty. */
void ric_fs_remove_run_dir(const char *dir, const char *const *exts);
/* Removes from folder DIR (never through a symbolic link) the regular files named in NAMES
 * (NULL-terminated) and, in its subfolder .runs, the per-run files with the extensions EXTS
 * (NULL: none), then .runs and DIR themselves if that left them empty. Anything else, a link
 * under one of the names included, stays. Returns 0 when DIR is gone, 1 when it stays (something
 * else is in it), -1 when DIR is not a folder of its own (a link, or missing). */
int ric_fs_remove_own(const char *dir, const char *const *names, const char *const *exts);

/* Whether PATH is a folder itself, not a symbolic link to one (lstat). */
int ric_fs_is_real_dir(const char *path);

/* Flushes, syncs to disk when SYNC, and closes f; returns 0, or -1 with errno set (f is closed
 * either way). */
int ric_fs_close(FILE *f, int sync);

#endif
