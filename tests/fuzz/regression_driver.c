/*
 * regression_driver.c — replays fuzz inputs without libFuzzer (after zstd's
 * tests/fuzz/regression_driver.c): every file named on the command line, or
 * found (recursively) in a directory named there, is read and passed to the
 * harness's LLVMFuzzerTestOneInput once. A violated invariant aborts, a
 * sanitizer reports; the exit status is 0 only if every file was replayed.
 *
 *   fuzz_csv-replay tests/fuzz/corpus/csv
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int replay_file(const char *path, size_t *replayed)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *data = malloc(cap);
    for (;;) {
        if (data == NULL) {
            fprintf(stderr, "%s: out of memory\n", path);
            fclose(f);
            return 1;
        }
        len += fread(data + len, 1, cap - len, f);
        if (len < cap)
            break;
        unsigned char *grown = realloc(data, cap * 2);
        if (grown == NULL)
            free(data);
        data = grown;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: read error\n", path);
        free(data);
        return 1;
    }
    /* libFuzzer passes a buffer of exactly the input's size; so do we, so
     * that ASan sees a read past its end. */
    unsigned char *exact = malloc(len ? len : 1);
    if (exact == NULL) {
        free(data);
        return 1;
    }
    memcpy(exact, data, len);
    free(data);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    ++*replayed;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay(const char *path, size_t *replayed);

/* The entries of a directory, in name order (a stable replay order). */
static int replay_dir(const char *path, size_t *replayed)
{
    DIR *d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int failed = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') /* ., .., and hidden files such as .gitignore */
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL) {
                failed = 1;
                break;
            }
            names = grown;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        if ((names[n] = malloc(len)) == NULL) {
            failed = 1;
            break;
        }
        snprintf(names[n++], len, "%s/%s", path, e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        failed |= replay(names[i], replayed);
        free(names[i]);
    }
    free(names);
    return failed;
}

static int replay(const char *path, size_t *replayed)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    return S_ISDIR(st.st_mode) ? replay_dir(path, replayed) : replay_file(path, replayed);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
        return 2;
    }
    size_t replayed = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++)
        failed |= replay(argv[i], &replayed);
    printf("%s: %zu inputs replayed%s\n", argv[0], replayed, failed ? ", some could not be read" : "");
    return failed ? 1 : 0;
}
