/*
 * series.c — one numeric series (a bot's returns, a model's errors) read from
 * a CSV file by the table reader (table.c): the column with one of the
 * expected names, or the file's only numeric column, or, in a file without a
 * header line, its single column of numbers.
 *
 * A series has no holes: each value was produced by the bot, so a missing
 * cell is an error pointing at its line, not a value to skip.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "internal.h"

enum {
    NAME_IN_MESSAGE = 64,                  /* bytes of a column name quoted in a message */
    PRINTABLE_CAP = 4 * NAME_IN_MESSAGE + 8,
    COLUMNS_IN_MESSAGE = 12                /* numeric columns listed when none fits */
};

/* Append to err[0..errcap) after what it holds; a message that does not fit
 * is cut. */
static void append(char *err, size_t errcap, const char *fmt, ...)
{
    if (!err || errcap == 0)
        return;
    size_t used = strlen(err);
    if (used + 1 >= errcap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + used, errcap - used, fmt, ap);
    va_end(ap);
}

static int ascii_lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* a equals b without regard to ASCII case. */
static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* Index of the first of names[] (in the order given) that names one of the
 * columns cols[0..n) (the first such column in file order), or -1. */
static long find_named(char *const *cols, size_t n, const char *const *names, size_t n_names)
{
    for (size_t k = 0; k < n_names; k++)
        for (size_t j = 0; j < n; j++)
            if (same_name(cols[j], names[k]))
                return (long)j;
    return -1;
}

static void quoted_name(char *dst, size_t cap, const char *name)
{
    char shown[PRINTABLE_CAP];
    pdrift__csv_printable(shown, sizeof shown, name, strlen(name), 0, NAME_IN_MESSAGE);
    snprintf(dst, cap, "\"%s\"", shown);
}

/* "ret, return or returns" */
static void append_names(char *err, size_t errcap, const char *const *names, size_t n_names)
{
    for (size_t k = 0; k < n_names; k++) {
        const char *sep = k == 0 ? "" : k + 1 == n_names ? " or " : ", ";
        append(err, errcap, "%s%s", sep, names[k]);
    }
}

/* No column fits: name the file, what was expected and the numeric columns
 * found. */
static int no_column(const char *path, const pdrift__table *t, const char *const *names,
                     size_t n_names, char *err, size_t errcap)
{
    if (err && errcap) {
        snprintf(err, errcap, "%s: no series column: expected ", path);
        if (n_names > 0) {
            append(err, errcap, "a column named ");
            append_names(err, errcap, names, n_names);
            append(err, errcap, ", or ");
        }
        append(err, errcap, "a single numeric column; found ");
        if (t->n_columns == 0)
            append(err, errcap, "no numeric column");
        for (size_t j = 0; j < t->n_columns && j < COLUMNS_IN_MESSAGE; j++) {
            char name[PRINTABLE_CAP + 2];
            quoted_name(name, sizeof name, t->names[j]);
            append(err, errcap, "%s%s", j == 0 ? "" : ", ", name);
        }
        if (t->n_columns > COLUMNS_IN_MESSAGE)
            append(err, errcap, ", ... (%zu numeric columns)", t->n_columns);
    }
    return PDRIFT_EFORMAT;
}

/* The column of the series, or a negative status with the message. */
static long choose_column(const char *path, const pdrift__table *t, const char *const *names,
                          size_t n_names, char *err, size_t errcap)
{
    long j = find_named(t->names, t->n_columns, names, n_names);
    if (j >= 0)
        return j;
    /* A column of the expected name holding text is the series with a bad
     * value in its first row: taking another column instead would hide it. */
    long s = find_named(t->skipped, t->n_skipped, names, n_names);
    if (s >= 0) {
        char name[PRINTABLE_CAP + 2];
        quoted_name(name, sizeof name, t->skipped[s]);
        if (err && errcap)
            snprintf(err, errcap, "%s: column %s is %s", path, name, t->skipped_reasons[s]);
        return PDRIFT_EFORMAT;
    }
    if (t->n_columns == 1)
        return 0;
    return no_column(path, t, names, n_names, err, errcap);
}

/* Copy column j of t into a new array; a missing cell is PDRIFT_EDATA. */
static int extract(const char *path, const pdrift__table *t, size_t j, const size_t *lines,
                   int headerless, double **out, char *err, size_t errcap)
{
    for (size_t k = 0; k < t->n_rows; k++) {
        if (!isnan(t->values[k * t->n_columns + j]))
            continue;
        if (err && errcap) {
            snprintf(err, errcap, "%s:%zu: ", path, lines[k]);
            if (!headerless) {
                char name[PRINTABLE_CAP + 2];
                quoted_name(name, sizeof name, t->names[j]);
                append(err, errcap, "column %s: ", name);
            }
            append(err, errcap, "missing value: a series must have a value in every row");
        }
        return PDRIFT_EDATA;
    }
    if (t->n_rows == 0)
        return PDRIFT_OK;
    double *values = malloc(t->n_rows * sizeof *values); /* <= the table's own block */
    if (!values) {
        if (err && errcap)
            snprintf(err, errcap, "%s: out of memory for %zu values", path, t->n_rows);
        return PDRIFT_ENOMEM;
    }
    for (size_t k = 0; k < t->n_rows; k++)
        values[k] = t->values[k * t->n_columns + j];
    *out = values;
    return PDRIFT_OK;
}

int pdrift__series_read(const char *path, const char *const *names, size_t n_names, double **out,
                        size_t *n, char *err, size_t errcap)
{
    return pdrift__series_read_limited(path, names, n_names, NULL, out, n, err, errcap);
}

int pdrift__series_read_limited(const char *path, const char *const *names, size_t n_names,
                                const pdrift__limits *limits, double **out, size_t *n, char *err,
                                size_t errcap)
{
    if (err && errcap)
        err[0] = '\0';
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    const char *missing = !path ? "path" : !out ? "out" : !n ? "n" : NULL;
    if (!missing && n_names > 0 && !names)
        missing = "names";
    for (size_t k = 0; !missing && k < n_names; k++)
        if (!names[k])
            missing = "a name";
    if (missing) {
        if (err && errcap)
            snprintf(err, errcap, "invalid argument: %s is NULL", missing);
        return PDRIFT_EINVAL;
    }

    pdrift__table t;
    size_t *lines = NULL;
    int headerless = 0;
    pdrift__table_options opts;
    memset(&opts, 0, sizeof opts);
    opts.single_column_headerless = 1;
    opts.row_lines = &lines;
    opts.headerless = &headerless;
    opts.limits = limits;
    int rc = pdrift__table_read_with(path, &opts, &t, err, errcap);
    if (rc != PDRIFT_OK)
        return rc;
    long j = choose_column(path, &t, names, n_names, err, errcap);
    if (j < 0) {
        rc = (int)j;
    } else {
        rc = extract(path, &t, (size_t)j, lines, headerless, out, err, errcap);
        if (rc == PDRIFT_OK)
            *n = t.n_rows;
    }
    free(lines);
    pdrift__table_free(&t);
    return rc;
}
