/*
 * fuzz_observe.c — a monitor fed arbitrary doubles: pdrift_observe_batch
 * with NaN, +-inf, subnormals and values near DBL_MAX, then returns and
 * errors made of the same numbers, then pdrift_detect and the report.
 *
 * Input: three bytes of setup, then numbers (fuzz_weird_f64: a selector byte,
 * then eight bytes of a double or one of the values that break arithmetic).
 *   byte 0: bits 0-1 features - 1; bit 2 NaN rejected; bit 3 a 25-row window;
 *           bits 4-5 sensitivity (3: the defaults); bit 6 serial correction
 *           off; bit 7 a synthetic baseline instead of one from the input
 *   byte 1: rows of the baseline read from the input
 *   byte 2: rows per pdrift_observe_batch call (1 to 16)
 *
 * Checked: each call answers as documented for the numbers it was given
 * (NaN refused exactly under the reject policy, non-finite returns and
 * negative or non-finite errors refused, everything else accepted), and the
 * detection passes fuzz_check_detection (ranges, ranking, valid JSON).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static const char *const NAMES[4] = {"f0", "f1", "f2", "f3"};


static int valid_errors(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(x[i]) && x[i] >= 0.0))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = {data, size};
    uint8_t setup = fuzz_u8(&in);
    size_t nf = (size_t)(setup & 3u) + 1;
    int reject = (setup >> 2) & 1;
    unsigned sensitivity = (setup >> 4) & 3u;
    size_t baseline_rows = fuzz_u8(&in);
    size_t batch = (size_t)fuzz_u8(&in) % 16 + 1;

    /* every number of the input, once */
    size_t cap = in.n + 1, n = 0;
    double *x = malloc(cap * sizeof *x);
    FUZZ_ASSERT(x != NULL);
    while (in.n > 0)
        x[n++] = fuzz_weird_f64(&in);

    pdrift_config *c = NULL;
    FUZZ_ASSERT(pdrift_config_new(&c) == PDRIFT_OK);
    if (reject)
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_NAN_POLICY, PDRIFT_NAN_REJECT) == PDRIFT_OK);
    if ((setup >> 3) & 1)
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_WINDOW_SIZE, 25) == PDRIFT_OK);
    if (sensitivity < 3)
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, sensitivity) == PDRIFT_OK);
    if ((setup >> 6) & 1)
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, 0) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_SAMPLES, 4) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_RETURNS, 4) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_ADDM_WINDOW, 12) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_ADDM_SMOOTHING, 3) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_ADDM_LAGS, 2) == PDRIFT_OK);
    pdrift_monitor *m = NULL;
    FUZZ_ASSERT(pdrift_monitor_new(&m, c) == PDRIFT_OK);
    pdrift_config_free(c);
    FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_ESTATE);
    FUZZ_ASSERT(pdrift_observe_batch(m, x, 0) == PDRIFT_ESTATE);

    /* the baseline: from the input, or synthetic */
    size_t used = 0;
    int have_baseline = 0;
    if (!(setup >> 7)) {
        if (baseline_rows * nf > n)
            baseline_rows = n / nf;
        int rc = pdrift_baseline_set(m, NAMES, nf, x, baseline_rows);
        if (baseline_rows == 0) /* "no row": too few values */
            FUZZ_ASSERT(rc == PDRIFT_EDATA);
        else if (reject && fuzz_has_nan(x, baseline_rows * nf))
            FUZZ_ASSERT(rc == PDRIFT_EDATA);
        else
            FUZZ_ASSERT(rc == PDRIFT_OK);
        have_baseline = rc == PDRIFT_OK;
        used = have_baseline ? baseline_rows * nf : 0;
    }
    if (!have_baseline) {
        enum { ROWS = 64 };
        double rows[ROWS * 4];
        for (size_t i = 0; i < ROWS * nf; i++)
            rows[i] = sin((double)i * 0.61) * (double)(1 + i % 3);
        FUZZ_ASSERT(pdrift_baseline_set(m, NAMES, nf, rows, ROWS) == PDRIFT_OK);
    }

    /* the rest as observed rows, batch rows at a time */
    size_t rows_seen = 0;
    for (size_t at = used; at + nf <= n;) {
        size_t rows = (n - at) / nf < batch ? (n - at) / nf : batch;
        int rc = pdrift_observe_batch(m, x + at, rows);
        FUZZ_ASSERT(rc == (reject && fuzz_has_nan(x + at, rows * nf) ? PDRIFT_EDATA : PDRIFT_OK));
        rows_seen += rc == PDRIFT_OK ? rows : 0;
        at += rows * nf;
    }

    /* the same numbers as returns and as errors: refused exactly when invalid */
    size_t half = n / 2;
    if (half > 0) {
        int rc = pdrift_baseline_returns(m, x, half);
        FUZZ_ASSERT(rc == (fuzz_all_finite(x, half) ? PDRIFT_OK : PDRIFT_EDATA));
        rc = pdrift_observe_returns(m, x + half, n - half);
        FUZZ_ASSERT(rc == (fuzz_all_finite(x + half, n - half) ? PDRIFT_OK : PDRIFT_EDATA));
        rc = pdrift_baseline_errors(m, x, half);
        FUZZ_ASSERT(rc == (valid_errors(x, half) ? PDRIFT_OK : PDRIFT_EDATA));
        /* and made valid: magnitudes of the finite ones, which ADDM must digest */
        double *e = malloc(n * sizeof *e);
        FUZZ_ASSERT(e != NULL);
        size_t ne = 0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(x[i]))
                e[ne++] = fabs(x[i]);
        if (ne >= 2) {
            FUZZ_ASSERT(pdrift_baseline_errors(m, e, ne / 2) == PDRIFT_OK);
            FUZZ_ASSERT(pdrift_observe_errors(m, e + ne / 2, ne - ne / 2) == PDRIFT_OK);
        }
        free(e);
        rc = pdrift_observe_errors(m, x + half, n - half);
        FUZZ_ASSERT(rc == (valid_errors(x + half, n - half) ? PDRIFT_OK : PDRIFT_EDATA));
    }

    FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_OK);
    fuzz_check_detection(m);
    double current_rows = -1;
    FUZZ_ASSERT(pdrift_result_get(m, PDRIFT_RESULT_N_CURRENT_ROWS, &current_rows) == PDRIFT_OK);
    FUZZ_ASSERT(current_rows == (double)((setup >> 3) & 1 && rows_seen > 25 ? 25 : rows_seen));

    /* an empty window still detects (model and concept drift may remain) */
    FUZZ_ASSERT(pdrift_window_reset(m) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_OK);
    fuzz_check_detection(m);
    pdrift_monitor_free(m);
    free(x);
    return 0;
}
