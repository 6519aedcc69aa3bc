/*
 * plot_driver.c — plot_history (examples/pdrift/plot.c) on its own, for
 * tests/test_plot.py: plot_driver HISTORY.json OUT.png. Exit 0, or 1 with
 * the message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "cli.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t len = 0, cap = 1 << 16;
    char *text = malloc(cap);
    size_t got;
    while (text != NULL && (got = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len == 1) {
            char *grown = realloc(text, 2 * cap);
            if (grown == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (text != NULL)
        text[len] = '\0';
    return text;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: plot_driver HISTORY.json OUT.png\n");
        return 2;
    }
    char *text = read_all(argv[1]);
    cJSON *history = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (history == NULL) {
        fprintf(stderr, "plot_driver: cannot read %s as JSON\n", argv[1]);
        return 2;
    }
    char err[512];
    int rc = plot_history(argv[2], history, err, sizeof err);
    cJSON_Delete(history);
    /* cairo and fontconfig keep font caches for the life of the process:
     * freed here, valgrind reports plot.c's own leaks only. */
    plot_release();
    if (rc != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    return 0;
}
