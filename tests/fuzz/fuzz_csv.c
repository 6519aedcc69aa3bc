/*
 * fuzz_csv.c — the CSV reader, through the library's own entry points.
 *
 * The input is a CSV file, byte for byte (the corpus files open in any
 * editor). Each input is:
 *
 *  1. read as a table with the default read buffer and with a tiny one (8 to
 *     30 bytes: a refill inside nearly every field), with and without the
 *     series reader's headerless-single-column option: both reads must agree
 *     exactly (status, message, names, values bit for bit, row lines); then
 *     under tight input limits (PDRIFT_PARAM_MAX_*): refused with a message
 *     naming the limit, or read exactly as without limits;
 *  2. loaded as the baseline of a monitor (the input's size modulo 4 picks
 *     the configuration: defaults, OHLCV derivation off, NaN rejected, a
 *     17-row window at high sensitivity), then observed against itself: an
 *     identical window must show no data drift (KS D = 0, PSI = 0); then a
 *     fixed synthetic window is observed and detected;
 *  3. observed as the current window of a fixed baseline with columns a, b, c;
 *  4. read as a returns series and as an error series.
 *
 * Every detection passes fuzz_check_detection (ranges, ranking, report JSON).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fuzz_common.h"
#include "internal.h"

/* ---- 1. the same table whatever the read buffer ---------------------------------- */

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static void check_same_table(const pdrift__table *a, const pdrift__table *b)
{
    FUZZ_ASSERT(a->n_rows == b->n_rows && a->n_columns == b->n_columns &&
                a->n_skipped == b->n_skipped);
    for (size_t c = 0; c < a->n_columns; c++)
        FUZZ_ASSERT(strcmp(a->names[c], b->names[c]) == 0);
    for (size_t i = 0; i < a->n_rows * a->n_columns; i++)
        FUZZ_ASSERT(same_double(a->values[i], b->values[i]));
    for (size_t s = 0; s < a->n_skipped; s++)
        FUZZ_ASSERT(strcmp(a->skipped[s], b->skipped[s]) == 0 &&
                    strcmp(a->skipped_reasons[s], b->skipped_reasons[s]) == 0);
    /* feature names are distinct and, when a column is kept, non-empty */
    for (size_t c = 0; c < a->n_columns; c++) {
        FUZZ_ASSERT(pdrift__table_column(a, a->names[c]) == (long)c);
    }
}

static void read_both_ways(const char *path, size_t small, int headerless_option,
                           const pdrift__limits *limits)
{
    char err_big[512], err_small[512];
    pdrift__table big, tiny;
    size_t *lines_big = NULL, *lines_small = NULL;
    int headerless_big = -1, headerless_small = -1;
    pdrift__table_options o;
    memset(&o, 0, sizeof o);
    o.single_column_headerless = headerless_option;
    o.limits = limits;
    o.row_lines = &lines_big;
    o.headerless = &headerless_big;
    int rc_big = pdrift__table_read_with(path, &o, &big, err_big, sizeof err_big);
    /* the small buffer's read also lets a second thread read the tail of
     * any input past its first rows (table.c, the tail reader) */
    o.buffer_size = small;
    o.threads = 2;
    o.tail_min_bytes = 16;
    o.row_lines = &lines_small;
    o.headerless = &headerless_small;
    int rc_small = pdrift__table_read_with(path, &o, &tiny, err_small, sizeof err_small);
    if (rc_big != rc_small || strcmp(err_big, err_small) != 0)
        fprintf(stderr, "default buffer: %d %s\n%zu-byte buffer: %d %s\n", rc_big, err_big, small,
                rc_small, err_small);
    FUZZ_ASSERT(rc_big == rc_small);
    FUZZ_ASSERT(strcmp(err_big, err_small) == 0);
    FUZZ_ASSERT(headerless_big == headerless_small);
    /* and column by column (a baseline's reading), the tail reader writing
     * straight into the columns: the same table once made row-major */
    pdrift__table cols;
    char err_cols[512];
    o.by_column = 1;
    o.row_lines = NULL;
    o.headerless = NULL;
    int rc_cols = pdrift__table_read_with(path, &o, &cols, err_cols, sizeof err_cols);
    o.by_column = 0;
    FUZZ_ASSERT(rc_cols == rc_small && strcmp(err_cols, err_small) == 0);
    if (rc_cols == PDRIFT_OK) {
        FUZZ_ASSERT(pdrift__table_by_rows(&cols) == PDRIFT_OK);
        check_same_table(&big, &cols);
    }
    pdrift__table_free(&cols);
    FUZZ_ASSERT(headerless_option || headerless_big == 0);
    if (rc_big == PDRIFT_OK) {
        FUZZ_ASSERT(err_big[0] == '\0');
        check_same_table(&big, &tiny);
        FUZZ_ASSERT((lines_big == NULL) == (big.n_rows == 0));
        for (size_t r = 0; r < big.n_rows; r++) {
            FUZZ_ASSERT(lines_big[r] == lines_small[r]);
            /* a row starts after the header line (or on line 1 without one) */
            FUZZ_ASSERT(lines_big[r] >= (headerless_big ? 1u : 2u));
            FUZZ_ASSERT(r == 0 || lines_big[r] > lines_big[r - 1]);
        }
    } else {
        /* a failure names the file and leaves nothing to free */
        FUZZ_ASSERT(strncmp(err_big, path, strlen(path)) == 0);
        FUZZ_ASSERT(big.n_rows == 0 && big.n_columns == 0 && big.names == NULL &&
                    big.values == NULL && lines_big == NULL);
    }
    if (limits != NULL && rc_big == PDRIFT_OK) {
        /* a limit refuses a file or lets it through unchanged */
        pdrift__table unlimited;
        o.limits = NULL;
        o.buffer_size = 0;
        o.threads = 0;
        o.row_lines = NULL;
        o.headerless = NULL;
        FUZZ_ASSERT(pdrift__table_read_with(path, &o, &unlimited, err_small, sizeof err_small) ==
                    PDRIFT_OK);
        check_same_table(&big, &unlimited);
        FUZZ_ASSERT(big.n_rows <= limits->max_rows);
        pdrift__table_free(&unlimited);
    } else if (limits != NULL && rc_big == PDRIFT_EDATA) {
        FUZZ_ASSERT(strstr(err_big, "max_") != NULL); /* names the parameter that raises it */
    }
    free(lines_big);
    free(lines_small);
    pdrift__table_free(&big);
    pdrift__table_free(&tiny);
}

/* ---- 2. the input as a baseline ------------------------------------------------------- */

static pdrift_monitor *monitor_for(size_t variant)
{
    pdrift_config *c = NULL;
    FUZZ_ASSERT(pdrift_config_new(&c) == PDRIFT_OK);
    switch (variant % 4) {
    case 1:
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_OHLCV_FEATURES, 0) == PDRIFT_OK);
        break;
    case 2:
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_NAN_POLICY, PDRIFT_NAN_REJECT) == PDRIFT_OK);
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_SAMPLES, 3) == PDRIFT_OK);
        break;
    case 3:
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_WINDOW_SIZE, 17) == PDRIFT_OK);
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, PDRIFT_SENSITIVITY_HIGH) ==
                    PDRIFT_OK);
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINNING, PDRIFT_BINNING_EQUAL_WIDTH) ==
                    PDRIFT_OK);
        break;
    default:
        break;
    }
    pdrift_monitor *m = NULL;
    FUZZ_ASSERT(pdrift_monitor_new(&m, c) == PDRIFT_OK);
    pdrift_config_free(c);
    return m;
}

/* A failed call leaves a message; a successful one clears it. */
static void check_errmsg(const pdrift_monitor *m, int rc)
{
    const char *msg = pdrift_errmsg(m);
    FUZZ_ASSERT(msg != NULL);
    FUZZ_ASSERT(rc == PDRIFT_OK ? msg[0] == '\0' : msg[0] != '\0');
    FUZZ_ASSERT(rc <= 0 && rc >= PDRIFT_ECORRUPT);
}

static void as_baseline(const char *path, size_t size)
{
    pdrift_monitor *m = monitor_for(size);
    int rc = pdrift_baseline_load(m, path);
    check_errmsg(m, rc);
    size_t n_features = 0;
    if (rc != PDRIFT_OK) {
        FUZZ_ASSERT(pdrift_feature_count(m, &n_features) == PDRIFT_ESTATE);
        FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_ESTATE);
        pdrift_monitor_free(m);
        return;
    }
    FUZZ_ASSERT(pdrift_feature_count(m, &n_features) == PDRIFT_OK && n_features > 0);
    for (size_t i = 0; i < n_features; i++) {
        const char *name = pdrift_feature_name(m, i);
        FUZZ_ASSERT(name != NULL && name[0] != '\0');
    }
    FUZZ_ASSERT(pdrift_feature_name(m, n_features) == NULL);

    /* the file against itself: whatever it holds, it has not drifted */
    rc = pdrift_observe_load(m, path);
    check_errmsg(m, rc);
    FUZZ_ASSERT(rc == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_OK);
    fuzz_check_detection(m);
    if (size % 4 != 3) { /* (not with a 17-row window: then it is a part of itself) */
        double data_severity = -1;
        FUZZ_ASSERT(pdrift_result_get(m, PDRIFT_RESULT_DATA_SEVERITY, &data_severity) == PDRIFT_OK);
        FUZZ_ASSERT(data_severity == PDRIFT_SEVERITY_NONE);
        for (size_t i = 0; i < n_features; i++) {
            double d = NAN, psi = NAN;
            FUZZ_ASSERT(pdrift_result_feature(m, i, PDRIFT_FEATURE_KS_STATISTIC, &d) == PDRIFT_OK);
            FUZZ_ASSERT(pdrift_result_feature(m, i, PDRIFT_FEATURE_PSI, &psi) == PDRIFT_OK);
            FUZZ_ASSERT(isnan(d) || d == 0.0);
            FUZZ_ASSERT(isnan(psi) || psi == 0.0);
        }
    }

    /* a window of other values: 40 rows, a missing value now and then */
    FUZZ_ASSERT(pdrift_window_reset(m) == PDRIFT_OK);
    if (n_features <= 64) {
        enum { ROWS = 40 };
        double *rows = malloc(ROWS * n_features * sizeof *rows);
        FUZZ_ASSERT(rows != NULL);
        for (size_t i = 0; i < ROWS * n_features; i++)
            rows[i] = i % 13 == 5 && size % 4 != 2 ? NAN : (double)(i % 7) * 0.25 - 0.5;
        FUZZ_ASSERT(pdrift_observe_batch(m, rows, ROWS) == PDRIFT_OK);
        free(rows);
        FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_OK);
        fuzz_check_detection(m);
    }
    pdrift_monitor_free(m);
}

/* ---- 3. the input as the current window of a fixed baseline ------------------------ */

static void as_window(const char *path, size_t size)
{
    static const char *const names[] = {"a", "b", "c"};
    enum { ROWS = 60 };
    double rows[ROWS * 3];
    for (size_t r = 0; r < ROWS; r++) {
        rows[r * 3 + 0] = (double)r * 0.1;
        rows[r * 3 + 1] = (double)(r % 5);
        rows[r * 3 + 2] = r % 9 == 0 && size % 4 != 2 ? NAN : -(double)r;
    }
    pdrift_monitor *m = monitor_for(size);
    FUZZ_ASSERT(pdrift_baseline_set(m, names, 3, rows, ROWS) == PDRIFT_OK);
    int rc = pdrift_observe_load(m, path);
    check_errmsg(m, rc);
    if (rc == PDRIFT_OK) {
        FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_OK);
        fuzz_check_detection(m);
    }

    /* 4. the input as a series of returns, and of errors */
    int rc_returns = pdrift_baseline_returns_load(m, path);
    check_errmsg(m, rc_returns);
    int rc_errors = pdrift_observe_errors_load(m, path);
    check_errmsg(m, rc_errors);
    static const double reference[80] = {1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0,
                                         0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0};
    FUZZ_ASSERT(pdrift_baseline_errors(m, reference, 80) == PDRIFT_OK);
    rc_errors = pdrift_observe_errors_load(m, path);
    check_errmsg(m, rc_errors);
    if (rc_returns == PDRIFT_OK)
        check_errmsg(m, pdrift_observe_returns_load(m, path));
    FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_OK);
    fuzz_check_detection(m);
    pdrift_monitor_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_input(data, size);
    size_t small = 8 + size % 23;
    read_both_ways(path, small, 0, NULL);
    read_both_ways(path, small, 1, NULL);
    /* tight input limits, from the input's size */
    pdrift__limits tight = {16 + size % 64, 1 + size % 7, 1 + size % 50, 64 + size % 4096};
    read_both_ways(path, small, (int)(size & 1), &tight);
    as_baseline(path, size);
    as_window(path, size);
    return 0;
}
