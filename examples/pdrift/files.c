/*
 * files.c — the few file operations a cron job needs to be trusted: reports
 * are replaced atomically (a reader never sees half a file, a failure or a
 * kill never destroys the previous one, and after a power cut the file is
 * the old or the new version) and log lines are appended with one write(2),
 * so concurrent writers never interleave.
 *
 * Permissions: files are created 0644 and directories 0755, less the umask
 * (the CLI never changes it): never writable by others.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int make_dirs(const char *dir)
{
    if (dir == NULL || *dir == '\0')
        return 0;
    size_t n = strlen(dir);
    char *path = malloc(n + 1);
    if (path == NULL)
        return -1;
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            free(path);
            return -1;
        }
        path[i] = saved;
    }
    struct stat st;
    int ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    free(path);
    if (!ok) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int make_parent_dirs(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash == path)
        return 0;
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir == NULL)
        return -1;
    memcpy(dir, path, n);
    dir[n] = '\0';
    int rc = make_dirs(dir);
    free(dir);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* fsync the directory holding path, so that a rename into it survives a
 * power cut. A file system that cannot sync directories (EINVAL) is fine. */
static int sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir == NULL)
        return -1;
    if (slash == NULL)
        memcpy(dir, ".", 2);
    else {
        memcpy(dir, slash == path ? "/" : path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd) == 0 || errno == EINVAL ? 0 : -1;
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* A new temporary file next to path: O_EXCL, so an existing file or a
 * symbolic link planted under the name is never followed or truncated. */
static int create_temp(const char *path, char *tmp, size_t cap)
{
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        int len = snprintf(tmp, cap, "%s.tmp.%ld.%u", path, (long)getpid(), attempt);
        if (len < 0 || (size_t)len >= cap) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    size_t n = strlen(path) + 48;
    char *tmp = malloc(n);
    if (tmp == NULL)
        return -1;
    int fd = create_temp(path, tmp, n);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    /* The data reaches the disk before the name does: a crash at any point
     * leaves the old file or the new one, never a part of it. */
    int rc = write_all(fd, data, len);
    if (rc == 0)
        rc = fsync(fd);
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0)
        rc = rename(tmp, path);
    if (rc != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
    } else {
        rc = sync_parent(path);
    }
    free(tmp);
    return rc;
}

int append_line(const char *path, const char *line)
{
    size_t n = strlen(line);
    char *buf = malloc(n + 2);
    if (buf == NULL)
        return -1;
    memcpy(buf, line, n);
    buf[n] = '\n';
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        free(buf);
        return -1;
    }
    /* One write: with O_APPEND the line lands whole at the end of the file;
     * then fsync, so that the line is on disk when the run reports it. */
    ssize_t w = write(fd, buf, n + 1);
    int saved = errno;
    int synced = w == (ssize_t)(n + 1) ? fsync(fd) : 0;
    if (synced != 0)
        saved = errno;
    close(fd);
    free(buf);
    if (w != (ssize_t)(n + 1) || synced != 0) {
        errno = w < 0 || synced != 0 ? saved : EIO;
        return -1;
    }
    return 0;
}

int read_file(const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *grown = cap < SIZE_MAX / 4 ? realloc(buf, 2 * cap + 1) : NULL;
        if (grown == NULL) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int failed = buf == NULL || ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        errno = saved ? saved : EIO;
        return -1;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int lock_dir(const char *dir, double timeout, int *fd_out)
{
    size_t n = strlen(dir) + 16;
    char *path = malloc(n);
    if (path == NULL)
        return -1;
    snprintf(path, n, "%s/.pdrift.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(path);
    if (fd < 0)
        return -1;
    /* Poll rather than block: the wait has a deadline. */
    for (long waited_ms = 0;; waited_ms += 50) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            *fd_out = fd;
            return 0;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if ((double)waited_ms >= timeout * 1000.0) {
            close(fd);
            errno = EWOULDBLOCK;
            return -1;
        }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

void unlock_dir(int fd)
{
    if (fd >= 0)
        close(fd); /* closing releases the flock */
}

/* path.N */
static char *numbered(const char *path, int i)
{
    size_t n = strlen(path) + 16;
    char *s = malloc(n);
    if (s != NULL)
        snprintf(s, n, "%s.%d", path, i);
    return s;
}

int rotate_if_needed(const char *path, long long max_bytes, int keep, size_t incoming)
{
    struct stat st;
    if (max_bytes <= 0 || stat(path, &st) != 0 || st.st_size == 0 ||
        (long long)st.st_size + (long long)incoming <= max_bytes)
        return 0;
    if (keep <= 0)
        return unlink(path);
    /* path.(keep-1) -> path.keep, ..., path -> path.1: each a rename, so a
     * crash midway loses nothing but the oldest file. */
    for (int i = keep - 1; i >= 0; i--) {
        char *from = i == 0 ? NULL : numbered(path, i);
        char *to = numbered(path, i + 1);
        if (to == NULL || (i > 0 && from == NULL)) {
            free(from);
            free(to);
            return -1;
        }
        int rc = rename(i == 0 ? path : from, to);
        int saved = errno;
        free(from);
        free(to);
        if (rc != 0 && saved != ENOENT) {
            errno = saved;
            return -1;
        }
    }
    return 0;
}
