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

/* Removes the files of folder DIR (one level: the per-run files) whose names contain PART (all
 * when PART is NULL). */
void ric_fs_remove_files(const char *dir, const char *part);
/* Removes the files of folder DIR and the folder. */
void ric_fs_remove_dir(const char *dir);

/* Flushes, syncs to disk when SYNC, and closes f; returns 0, or -1 with errno set (f is closed
 * either way). */
int ric_fs_close(FILE *f, int sync);

#endif
