/* The writer's lock of an output folder: an advisory fcntl lock on DIR/.lock, held while a command
 * writes into DIR, so that a second ricsim writing into the same folder is refused. fcntl locks end
 * with the process, so a killed writer leaves none held; a clean finish also removes the file. */
#ifndef RICSIM_LOCK_H
#define RICSIM_LOCK_H

#include "ricsim/status.h"

/* Takes the lock of DIR (which must exist): returns its descriptor, or -1 with err set:
 * "DIR: another WHO is writing into this folder" (WHO: "sweep", "sensitivity analysis", ...) or
 * "DIR/.lock: cannot create: reason". The file is opened without following a symbolic link. */
int ric_lock_take(const char *dir, const char *who, ric_err *err);

/* Whether DIR's lock is held by another process now (0 when there is no lock file). */
int ric_lock_held(const char *dir);

/* Removes DIR/.lock and releases the lock FD (nothing when FD < 0). The file is removed while the
 * lock is still held, and ric_lock_take checks that the file it locked is still the one named
 * DIR/.lock, so a writer that opened it just before never shares the folder with a new one. */
void ric_lock_release(int fd, const char *dir);

#endif
