/* File-system helpers (see fs.h). */
#include "base/fs.h"

#include <dirent.h>
#include <errno.h>
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

char *ric_fs_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
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

void ric_fs_remove_files(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[RIC_PATH_MAX];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            (!part || strstr(e->d_name, part)) && ric_fs_join(dir, e->d_name, p) == 0)
            unlink(p);
    closedir(d);
}

void ric_fs_remove_dir(const char *dir)
{
    ric_fs_remove_files(dir, NULL);
    rmdir(dir);
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
