/*
 * gen_data.c — writes the CSV files of the performance benchmark
 * (`make bench`, bench/perf/run.py): the data of datagen.h, a header of the
 * 50 feature names, one row per line, numbers as Python's repr writes them
 * (pandas' to_csv), a missing value as an empty cell.
 *
 *   gen_data baseline|current FILE:ROWS [FILE:ROWS ...]
 *
 * One pass writes every FILE: FILE gets the first ROWS rows of the data set
 * (the rows of a longer baseline extend those of a shorter one), written
 * under FILE.tmp and renamed when complete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen.h"

#define MAX_OUT 8

typedef struct out {
    const char *path;
    char tmp[4096];
    size_t rows;
    FILE *fp;
} out;

/* x as Python's repr: the shortest of %.15g, %.16g, %.17g that reads back
 * as x, with ".0" after an integral value. Returns the length. */
static size_t format_repr(double x, char *buf, size_t cap)
{
    int len = 0;
    for (int prec = 15; prec <= 17; prec++) {
        len = snprintf(buf, cap, "%.*g", prec, x);
        if (prec == 17 || strtod(buf, NULL) == x) break;
    }
    if (len < 0) return 0;
    size_t n = (size_t)len;
    if (strpbrk(buf, ".eEni") == NULL && n + 2 < cap) {
        buf[n++] = '.';
        buf[n++] = '0';
        buf[n] = '\0';
    }
    return n;
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "gen_data: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc - 2 > MAX_OUT ||
        (strcmp(argv[1], "baseline") != 0 && strcmp(argv[1], "current") != 0)) {
        fprintf(stderr, "usage: gen_data baseline|current FILE:ROWS [FILE:ROWS ...] (at most %d)\n",
                MAX_OUT);
        return 2;
    }
    int set = strcmp(argv[1], "baseline") == 0 ? DG_BASELINE : DG_CURRENT;
    out outs[MAX_OUT];
    size_t n_out = 0, max_rows = 0;
    for (int a = 2; a < argc; a++) {
        char *colon = strrchr(argv[a], ':');
        char *end = NULL;
        unsigned long long rows = colon ? strtoull(colon + 1, &end, 10) : 0;
        if (colon == NULL || end == colon + 1 || *end != '\0' || rows == 0) {
            fprintf(stderr, "gen_data: %s: expected FILE:ROWS\n", argv[a]);
            return 2;
        }
        *colon = '\0';
        out *o = &outs[n_out++];
        o->path = argv[a];
        o->rows = (size_t)rows;
        snprintf(o->tmp, sizeof o->tmp, "%s.tmp", o->path);
        o->fp = fopen(o->tmp, "wb");
        if (o->fp == NULL) die("cannot create", o->tmp);
        setvbuf(o->fp, NULL, _IOFBF, (size_t)1 << 20);
        if (o->rows > max_rows) max_rows = o->rows;
    }

    /* header */
    char line[DG_FEATURES * 32 + 64];
    size_t len = 0;
    for (size_t j = 0; j < DG_FEATURES; j++) {
        char name[32];
        dg_name(j, name, sizeof name);
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", j ? "," : "", name);
    }
    line[len++] = '\n';
    for (size_t k = 0; k < n_out; k++)
        if (fwrite(line, 1, len, outs[k].fp) != len) die("cannot write", outs[k].tmp);

    dg_gen g;
    dg_init(&g, set);
    double row[DG_FEATURES];
    for (size_t i = 0; i < max_rows; i++) {
        dg_row(&g, row);
        len = 0;
        for (size_t j = 0; j < DG_FEATURES; j++) {
            if (j) line[len++] = ',';
            if (row[j] == row[j]) len += format_repr(row[j], line + len, 32);
        }
        line[len++] = '\n';
        for (size_t k = 0; k < n_out; k++)
            if (i < outs[k].rows && fwrite(line, 1, len, outs[k].fp) != len)
                die("cannot write", outs[k].tmp);
    }
    for (size_t k = 0; k < n_out; k++) {
        if (fclose(outs[k].fp) != 0) die("cannot write", outs[k].tmp);
        if (rename(outs[k].tmp, outs[k].path) != 0) die("cannot rename", outs[k].tmp);
    }
    return 0;
}
