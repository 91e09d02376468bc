/* File-system helpers (see fs.h). */
#include "base/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sbuf.h"

int ric_fs_mkdirs(const char *path)
{
    char buf[RIC_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

int ric_fs_join(const char *dir, const char *name, char *buf)
{
    int n = snprintf(buf, RIC_PATH_MAX, "%s/%s", dir, name);
    return n >= 0 && n < RIC_PATH_MAX ? 0 : -1;
}

int ric_fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole of stream f, which it closes (see ric_fs_read). */
static char *read_stream(FILE *f, size_t *len)
{
    ric_sbuf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        ric_sbuf_put(&b, "%.*s", (int)got, chunk);
    int bad = ferror(f) || b.oom;
    fclose(f);
    if (bad) {
        free(b.buf);
        errno = EIO;
        return NULL;
    }
    if (!b.buf)
        b.buf = calloc(1, 1);
    if (len)
        *len = b.n;
    return b.buf;
}

char *ric_fs_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    return f ? read_stream(f, len) : NULL;
}

FILE *ric_fs_open_regular(const char *path)
{
    /* opened without blocking, so that a FIFO is refused rather than waited on */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    int flags = fcntl(fd, F_GETFL);
    FILE *f = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || flags < 0 ||
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 || !(f = fdopen(fd, "rb"))) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    return f;
}

char *ric_fs_read_regular(const char *path, size_t *len)
{
    FILE *f = ric_fs_open_regular(path);
    return f ? read_stream(f, len) : NULL;
}

/* The end of the decimal digits S starts with, or NULL when it starts with none. */
static const char *digits(const char *s)
{
    const char *p = s;
    while (*p >= '0' && *p <= '9')
        p++;
    return p > s ? p : NULL;
}

/* Whether NAME is ID.EXT or ID.EXT.tmp.PID for an EXT of exts (the temporary alone if TMP_ONLY). */
static int run_file_name(const char *name, const char *const *exts, int tmp_only)
{
    const char *p = digits(name);
    if (!p || *p++ != '.')
        return 0;
    for (size_t i = 0; exts[i]; i++) {
        size_t l = strlen(exts[i]);
        if (strncmp(p, exts[i], l) != 0)
            continue;
        const char *q = p + l;
        if (*q == '\0')
            return !tmp_only;
        if (strncmp(q, ".tmp.", 5) == 0 && (q = digits(q + 5)) && *q == '\0')
            return 1;
    }
    return 0;
}

void ric_fs_remove_run_files(const char *dir, const char *const *exts, int tmp_only)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)))
        if (run_file_name(e->d_name, exts, tmp_only))
            unlinkat(fd, e->d_name, 0); /* removes the name: a link, never its target */
    closedir(d);
}

void ric_fs_remove_run_dir(const char *dir, const char *const *exts)
{
    if (!ric_fs_is_real_dir(dir))
        return;
    ric_fs_remove_run_files(dir, exts, 0);
    rmdir(dir); /* fails, harmlessly, when files that are not ricsim's remain */
}

int ric_fs_is_real_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ric_fs_close(FILE *f, int sync)
{
    int bad = ferror(f) || fflush(f) != 0 || (sync && fsync(fileno(f)) != 0);
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    errno = bad ? (e ? e : EIO) : 0;
    return bad ? -1 : 0;
}

int ric_fs_remove_own(const char *dir, const char *const *names, const char *const *exts)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    for (size_t i = 0; names[i]; i++) {
        struct stat st;
        if (fstatat(fd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            unlinkat(fd, names[i], 0);
    }
    close(fd);
    if (exts) {
        char runs[RIC_PATH_MAX];
        if (ric_fs_join(dir, ".runs", runs) == 0)
            ric_fs_remove_run_dir(runs, exts);
    }
    return rmdir(dir) == 0 ? 0 : 1;
}
