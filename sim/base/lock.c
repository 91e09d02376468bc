/* The writer's lock of an output folder (see lock.h). */
#include "base/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"

int ric_lock_take(const char *dir, const char *who, ric_err *err)
{
    char path[RIC_PATH_MAX];
    if (ric_fs_join(dir, ".lock", path) != 0) {
        ric_err_set(err, "%.100s...: folder name too long", dir);
        return -1;
    }
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
            ric_err_set(err, "%s: cannot create: %s", path, strerror(errno));
            return -1;
        }
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            ric_err_set(err, "%s: another %s is writing into this folder", dir, who);
            close(fd);
            return -1;
        }
        /* the file locked must still be DIR/.lock: a writer finishing removes it before it
         * lets go, and the next one then creates a new file */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            return fd;
        close(fd);
    }
    ric_err_set(err, "%s: cannot take the lock: it keeps being replaced", path);
    return -1;
}

int ric_lock_held(const char *dir)
{
    char path[RIC_PATH_MAX];
    if (ric_fs_join(dir, ".lock", path) != 0)
        return 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int held = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    close(fd);
    return held;
}

void ric_lock_release(int fd, const char *dir)
{
    if (fd < 0)
        return;
    char path[RIC_PATH_MAX];
    if (ric_fs_join(dir, ".lock", path) == 0)
        unlink(path);
    close(fd);
}
