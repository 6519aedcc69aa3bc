/*
 * prom_driver.c — runs write_prometheus (examples/pdrift/prometheus.c) on
 * files, for tests/test_prometheus.py:
 *
 *   prom_driver REPORT.json SUMMARY.json|- OUT.prom
 *
 * SUMMARY is the "summary" object of a history, or "-" for none. Exit 0, or
 * 1 with write_prometheus's message on stderr, 2 for bad arguments or input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static cJSON *parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap * 2 + 4096 + 1;
            char *grown = realloc(text, cap);
            if (grown == NULL) {
                free(text);
                fclose(f);
                return NULL;
            }
            text = grown;
        }
        size_t n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    text[len] = '\0';
    cJSON *json = cJSON_Parse(text);
    free(text);
    return json;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: prom_driver REPORT.json SUMMARY.json|- OUT.prom\n");
        return 2;
    }
    cJSON *report = parse_file(argv[1]);
    cJSON *summary = strcmp(argv[2], "-") == 0 ? NULL : parse_file(argv[2]);
    if (report == NULL || (summary == NULL && strcmp(argv[2], "-") != 0)) {
        fprintf(stderr, "prom_driver: cannot read %s\n", report == NULL ? argv[1] : argv[2]);
        cJSON_Delete(report);
        cJSON_Delete(summary);
        return 2;
    }
    char err[512] = "";
    int rc = write_prometheus(argv[3], report, summary, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    cJSON_Delete(report);
    cJSON_Delete(summary);
    return rc == 0 ? 0 : 1;
}
