/*
 * check_config.c — the configuration unit (lib/config.c; SPEC §3.1–3.3).
 *
 * The expected values below are written out by hand from the header and
 * SPEC §3.2, not read back from the library's table, so a wrong row in the
 * table fails here: every default, every preset at every sensitivity, the
 * explicit-wins rule in both call orders, every error code, the bounds of
 * every parameter (both ends work, one step outside fails and changes
 * nothing), the names, the ABI values of the enums and the mapping of
 * pdrift__config_resolve onto the settings a monitor uses.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include <ploutos_drift.h>

#include "internal.h"

/* ---- the expected table ------------------------------------------------------- */

#define INT_T PDRIFT_PARAM_TYPE_INT
#define DBL_T PDRIFT_PARAM_TYPE_DOUBLE

#if SIZE_MAX >= 1099511627776u
#define WINDOW_MAX 1099511627776.0 /* 2^40 */
#else
#define WINDOW_MAX 4294967295.0
#endif

/* The default of max_memory: 2 GiB, 1 GiB where size_t has 32 bits. */
#if SIZE_MAX > 4294967295u
#define MEMORY_DEFAULT 2147483648.0
#else
#define MEMORY_DEFAULT 1073741824.0
#endif

typedef struct expected_param {
    pdrift_param id;
    int value;           /* the ABI value of the id */
    const char *name;
    pdrift_param_type type;
    double lo, hi;
    double initial;      /* default at medium sensitivity */
    int preset;          /* follows the sensitivity */
    double low, medium, high;
} expected_param;

static const expected_param expected[] = {
    {PDRIFT_PARAM_SENSITIVITY, 1, "sensitivity", INT_T, 0, 2, 1, 0, 0, 0, 0},
    {PDRIFT_PARAM_WINDOW_SIZE, 2, "window_size", INT_T, 0, WINDOW_MAX, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_MIN_SAMPLES, 3, "min_samples", INT_T, 2, 1e9, 30, 0, 0, 0, 0},
    {PDRIFT_PARAM_NAN_POLICY, 4, "nan_policy", INT_T, 0, 1, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_CORRECTION, 5, "correction", INT_T, 0, 3, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_ALPHA, 6, "alpha", DBL_T, 1e-12, 0.5, 0.05, 1, 0.01, 0.05, 0.10},
    {PDRIFT_PARAM_MISSING_RISE, 7, "missing_rise", DBL_T, 0, 1, 0.10, 0, 0, 0, 0},
    {PDRIFT_PARAM_OHLCV_FEATURES, 8, "ohlcv_features", INT_T, 0, 1, 1, 0, 0, 0, 0},
    {PDRIFT_PARAM_SERIAL_CORRECTION, 9, "serial_correction", INT_T, 0, 1, 1, 0, 0, 0, 0},
    {PDRIFT_PARAM_PSI_BINS, 100, "psi_bins", INT_T, 2, 10000, 10, 0, 0, 0, 0},
    {PDRIFT_PARAM_PSI_BINNING, 101, "psi_binning", INT_T, 0, 1, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_PSI_EMPTY_BINS, 102, "psi_empty_bins", INT_T, 0, 1, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_PSI_EPSILON, 103, "psi_epsilon", DBL_T, 1e-12, 0.5, 1e-4, 0, 0, 0, 0},
    {PDRIFT_PARAM_PSI_THRESHOLD, 104, "psi_threshold", DBL_T, 0, 100, 0.15, 1, 0.25, 0.15, 0.10},
    {PDRIFT_PARAM_KS_THRESHOLD, 200, "ks_threshold", DBL_T, 0, 1, 0.15, 1, 0.20, 0.15, 0.10},
    {PDRIFT_PARAM_KS_METHOD, 201, "ks_method", INT_T, 0, 2, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_SHARPE_DEGRADATION, 400, "sharpe_degradation", DBL_T, 0, 100, 0.20, 1, 0.30,
     0.20, 0.15},
    {PDRIFT_PARAM_DRAWDOWN_INCREASE, 401, "drawdown_increase", DBL_T, 0, 1, 0.10, 1, 0.10, 0.10,
     0.10},
    {PDRIFT_PARAM_ADDM_SMOOTHING, 300, "addm_smoothing", INT_T, 1, 1000, 10, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_REFERENCE, 301, "addm_reference", INT_T, 1, 1e7, 250, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_WINDOW, 302, "addm_window", INT_T, 2, 1e7, 60, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_LAGS, 303, "addm_lags", INT_T, 1, 20, 5, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_DELAY, 304, "addm_delay", INT_T, 1, 20, 2, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_TRIM, 305, "addm_trim", DBL_T, 0, 0.45, 0.15, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_DELTA_DRIFT, 306, "addm_delta_drift", DBL_T, 0, 1, 0.45, 1, 0.55, 0.45, 0.35},
    {PDRIFT_PARAM_ADDM_DELTA_WARNING, 307, "addm_delta_warning", DBL_T, 0, 1, 0.30, 1, 0.40, 0.30,
     0.20},
    {PDRIFT_PARAM_ADDM_TSAY_GATE, 308, "addm_tsay_gate", INT_T, 0, 1, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_TSAY_ALPHA, 309, "addm_tsay_alpha", DBL_T, 1e-12, 0.5, 0.05, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_RULE, 310, "addm_rule", INT_T, 0, 1, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_ADDM_Z_DRIFT, 311, "addm_z_drift", DBL_T, 0, 100, 3.80, 1, 4.26, 3.80, 3.26},
    {PDRIFT_PARAM_ADDM_Z_WARNING, 312, "addm_z_warning", DBL_T, 0, 100, 2.50, 1, 3.05, 2.50, 2.22},
    {PDRIFT_PARAM_PERIODS_PER_YEAR, 402, "periods_per_year", DBL_T, 1e-3, 1e7, 252, 0, 0, 0, 0},
    {PDRIFT_PARAM_RISK_FREE_RATE, 403, "risk_free_rate", DBL_T, -0.5, 1, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_MIN_RETURNS, 404, "min_returns", INT_T, 2, 1e9, 20, 0, 0, 0, 0},
    {PDRIFT_PARAM_RETURNS_WINDOW, 405, "returns_window", INT_T, 0, WINDOW_MAX, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_MAX_LINE_BYTES, 500, "max_line_bytes", INT_T, 1, WINDOW_MAX, 33554432, 0, 0, 0, 0},
    {PDRIFT_PARAM_MAX_COLUMNS, 501, "max_columns", INT_T, 1, WINDOW_MAX, 100000, 0, 0, 0, 0},
    {PDRIFT_PARAM_MAX_ROWS, 502, "max_rows", INT_T, 1, WINDOW_MAX, 100000000, 0, 0, 0, 0},
    {PDRIFT_PARAM_MAX_MEMORY, 503, "max_memory", INT_T, 1, WINDOW_MAX, MEMORY_DEFAULT, 0, 0, 0, 0},
    {PDRIFT_PARAM_SNAPSHOT_MAP, 600, "snapshot_map", INT_T, 0, 1, 0, 0, 0, 0, 0},
    {PDRIFT_PARAM_THREADS, 601, "threads", INT_T, 1, 64, 1, 0, 0, 0, 0},
};

#define N_EXPECTED (sizeof expected / sizeof expected[0])

/* Ids that are not parameters: the gaps of each family, both sides of each
 * family, and the values no family uses. */
static const int unknown_ids[] = {INT_MIN, -1, 0, 10, 99, 105, 199, 202, 313, 399, 406, 499, 504, 599,
                                  INT_MAX};

#define N_UNKNOWN (sizeof unknown_ids / sizeof unknown_ids[0])

static pdrift_config *new_config(void)
{
    pdrift_config *c = NULL;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* The effective value of any parameter, as a double (exact for every int
 * parameter: all bounds are below 2^53). */
static double value_of(const pdrift_config *c, const expected_param *e)
{
    if (e->type == INT_T) {
        long long v = -12345;
        ck_assert_int_eq(pdrift_config_get_int(c, e->id, &v), PDRIFT_OK);
        return (double)v;
    }
    double v = -12345.0;
    ck_assert_int_eq(pdrift_config_get_double(c, e->id, &v), PDRIFT_OK);
    return v;
}

static int set_value(pdrift_config *c, const expected_param *e, double v)
{
    if (e->type == INT_T)
        return pdrift_config_set_int(c, e->id, (long long)v);
    return pdrift_config_set_double(c, e->id, v);
}

/* Snapshot of every effective value, to show that a failed call changed nothing. */
static void snapshot(const pdrift_config *c, double *values)
{
    for (size_t k = 0; k < N_EXPECTED; k++)
        values[k] = value_of(c, &expected[k]);
}

static void assert_unchanged(const pdrift_config *c, const double *before)
{
    for (size_t k = 0; k < N_EXPECTED; k++)
        ck_assert_msg(value_of(c, &expected[k]) == before[k], "%s changed", expected[k].name);
}

static void set_sensitivity(pdrift_config *c, pdrift_sensitivity s)
{
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, s), PDRIFT_OK);
}

static double get_double(const pdrift_config *c, pdrift_param p)
{
    double v = NAN;
    ck_assert_int_eq(pdrift_config_get_double(c, p, &v), PDRIFT_OK);
    return v;
}

/* ---- ABI values ------------------------------------------------------------------ */

START_TEST(test_enum_values_pinned)
{
    for (size_t k = 0; k < N_EXPECTED; k++)
        ck_assert_int_eq((int)expected[k].id, expected[k].value);
    ck_assert_int_eq(PDRIFT_PARAM_SENSITIVITY, 1);
    ck_assert_int_eq(PDRIFT_PARAM_WINDOW_SIZE, 2);
    ck_assert_int_eq(PDRIFT_PARAM_MIN_SAMPLES, 3);
    ck_assert_int_eq(PDRIFT_PARAM_NAN_POLICY, 4);
    ck_assert_int_eq(PDRIFT_PARAM_CORRECTION, 5);
    ck_assert_int_eq(PDRIFT_PARAM_ALPHA, 6);
    ck_assert_int_eq(PDRIFT_PARAM_MISSING_RISE, 7);
    ck_assert_int_eq(PDRIFT_PARAM_OHLCV_FEATURES, 8);
    ck_assert_int_eq(PDRIFT_PARAM_SERIAL_CORRECTION, 9);
    ck_assert_int_eq(PDRIFT_PARAM_PSI_BINS, 100);
    ck_assert_int_eq(PDRIFT_PARAM_PSI_BINNING, 101);
    ck_assert_int_eq(PDRIFT_PARAM_PSI_EMPTY_BINS, 102);
    ck_assert_int_eq(PDRIFT_PARAM_PSI_EPSILON, 103);
    ck_assert_int_eq(PDRIFT_PARAM_PSI_THRESHOLD, 104);
    ck_assert_int_eq(PDRIFT_PARAM_KS_THRESHOLD, 200);
    ck_assert_int_eq(PDRIFT_PARAM_KS_METHOD, 201);
    ck_assert_int_eq(PDRIFT_PARAM_SHARPE_DEGRADATION, 400);
    ck_assert_int_eq(PDRIFT_PARAM_DRAWDOWN_INCREASE, 401);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_SMOOTHING, 300);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_REFERENCE, 301);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_WINDOW, 302);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_LAGS, 303);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_DELAY, 304);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_TRIM, 305);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_DELTA_DRIFT, 306);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_DELTA_WARNING, 307);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_TSAY_GATE, 308);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_TSAY_ALPHA, 309);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_RULE, 310);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_Z_DRIFT, 311);
    ck_assert_int_eq(PDRIFT_PARAM_ADDM_Z_WARNING, 312);
    ck_assert_int_eq(PDRIFT_ADDM_RULE_MEAN, 0);
    ck_assert_int_eq(PDRIFT_ADDM_RULE_OCCUPANCY, 1);
    ck_assert_int_eq(PDRIFT_PARAM_PERIODS_PER_YEAR, 402);
    ck_assert_int_eq(PDRIFT_PARAM_RISK_FREE_RATE, 403);
    ck_assert_int_eq(PDRIFT_PARAM_MIN_RETURNS, 404);
    ck_assert_int_eq(PDRIFT_PARAM_RETURNS_WINDOW, 405);
    ck_assert_int_eq(PDRIFT_PARAM_MAX_LINE_BYTES, 500);
    ck_assert_int_eq(PDRIFT_PARAM_MAX_COLUMNS, 501);
    ck_assert_int_eq(PDRIFT_PARAM_MAX_ROWS, 502);
    ck_assert_int_eq(PDRIFT_PARAM_MAX_MEMORY, 503);
    ck_assert_int_eq(PDRIFT_PARAM_SNAPSHOT_MAP, 600);
    ck_assert_int_eq(PDRIFT_PARAM_THREADS, 601);

    ck_assert_int_eq(PDRIFT_PARAM_TYPE_INT, 1);
    ck_assert_int_eq(PDRIFT_PARAM_TYPE_DOUBLE, 2);

    ck_assert_int_eq(PDRIFT_SENSITIVITY_LOW, 0);
    ck_assert_int_eq(PDRIFT_SENSITIVITY_MEDIUM, 1);
    ck_assert_int_eq(PDRIFT_SENSITIVITY_HIGH, 2);

    ck_assert_int_eq(PDRIFT_NAN_MISSING, 0);
    ck_assert_int_eq(PDRIFT_NAN_REJECT, 1);

    ck_assert_int_eq(PDRIFT_CORRECTION_BH, 0);
    ck_assert_int_eq(PDRIFT_CORRECTION_NONE, 1);
    ck_assert_int_eq(PDRIFT_CORRECTION_BONFERRONI, 2);
    ck_assert_int_eq(PDRIFT_CORRECTION_HOLM, 3);

    ck_assert_int_eq(PDRIFT_BINNING_QUANTILE, 0);
    ck_assert_int_eq(PDRIFT_BINNING_EQUAL_WIDTH, 1);

    ck_assert_int_eq(PDRIFT_EMPTY_EPSILON, 0);
    ck_assert_int_eq(PDRIFT_EMPTY_SMOOTHING, 1);

    ck_assert_int_eq(PDRIFT_KS_AUTO, 0);
    ck_assert_int_eq(PDRIFT_KS_EXACT, 1);
    ck_assert_int_eq(PDRIFT_KS_ASYMP, 2);

    /* The codes this unit returns. */
    ck_assert_int_eq(PDRIFT_OK, 0);
    ck_assert_int_eq(PDRIFT_EINVAL, -1);
    ck_assert_int_eq(PDRIFT_ENOMEM, -2);
    ck_assert_int_eq(PDRIFT_EPARAM, -7);
    ck_assert_int_eq(PDRIFT_ERANGE, -8);
}
END_TEST

/* ---- defaults and presets ------------------------------------------------------- */

START_TEST(test_defaults)
{
    pdrift_config *c = new_config();
    long long i = -1;
    double d = NAN;

    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_SENSITIVITY, &i), PDRIFT_OK);
    ck_assert_int_eq(i, PDRIFT_SENSITIVITY_MEDIUM);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_WINDOW_SIZE, &i), PDRIFT_OK);
    ck_assert_int_eq(i, 0);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_MIN_SAMPLES, &i), PDRIFT_OK);
    ck_assert_int_eq(i, 30);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_NAN_POLICY, &i), PDRIFT_OK);
    ck_assert_int_eq(i, PDRIFT_NAN_MISSING);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_CORRECTION, &i), PDRIFT_OK);
    ck_assert_int_eq(i, PDRIFT_CORRECTION_BH);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_ALPHA, &d), PDRIFT_OK);
    ck_assert(d == 0.05);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_MISSING_RISE, &d), PDRIFT_OK);
    ck_assert(d == 0.10);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_OHLCV_FEATURES, &i), PDRIFT_OK);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, &i), PDRIFT_OK);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_PSI_BINS, &i), PDRIFT_OK);
    ck_assert_int_eq(i, 10);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_PSI_BINNING, &i), PDRIFT_OK);
    ck_assert_int_eq(i, PDRIFT_BINNING_QUANTILE);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_PSI_EMPTY_BINS, &i), PDRIFT_OK);
    ck_assert_int_eq(i, PDRIFT_EMPTY_EPSILON);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_PSI_EPSILON, &d), PDRIFT_OK);
    ck_assert(d == 1e-4);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_PSI_THRESHOLD, &d), PDRIFT_OK);
    ck_assert(d == 0.15);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_KS_THRESHOLD, &d), PDRIFT_OK);
    ck_assert(d == 0.15);
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_KS_METHOD, &i), PDRIFT_OK);
    ck_assert_int_eq(i, PDRIFT_KS_AUTO);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION, &d),
                     PDRIFT_OK);
    ck_assert(d == 0.20);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_DRAWDOWN_INCREASE, &d), PDRIFT_OK);
    ck_assert(d == 0.10);

    /* The same through the table, so a parameter added to the header but
     * not to this test is noticed by the round-trip test below. */
    for (size_t k = 0; k < N_EXPECTED; k++)
        ck_assert_msg(value_of(c, &expected[k]) == expected[k].initial, "default of %s",
                      expected[k].name);
    pdrift_config_free(c);
}
END_TEST

START_TEST(test_presets_at_each_sensitivity)
{
    static const struct {
        pdrift_sensitivity s;
        double psi, ks, alpha, sharpe, drawdown;
    } rows[] = {
        {PDRIFT_SENSITIVITY_LOW, 0.25, 0.20, 0.01, 0.30, 0.10},
        {PDRIFT_SENSITIVITY_MEDIUM, 0.15, 0.15, 0.05, 0.20, 0.10},
        {PDRIFT_SENSITIVITY_HIGH, 0.10, 0.10, 0.10, 0.15, 0.10},
        /* back to low after high: a preset is not a one-way ratchet */
        {PDRIFT_SENSITIVITY_LOW, 0.25, 0.20, 0.01, 0.30, 0.10},
    };
    pdrift_config *c = new_config();
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        set_sensitivity(c, rows[k].s);
        long long s = -1;
        ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_SENSITIVITY, &s), PDRIFT_OK);
        ck_assert_int_eq(s, rows[k].s);
        ck_assert(get_double(c, PDRIFT_PARAM_PSI_THRESHOLD) == rows[k].psi);
        ck_assert(get_double(c, PDRIFT_PARAM_KS_THRESHOLD) == rows[k].ks);
        ck_assert(get_double(c, PDRIFT_PARAM_ALPHA) == rows[k].alpha);
        ck_assert(get_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION) == rows[k].sharpe);
        ck_assert(get_double(c, PDRIFT_PARAM_DRAWDOWN_INCREASE) == rows[k].drawdown);
        /* Not preset-dependent (SPEC §3.2): unchanged at every level. */
        for (size_t e = 0; e < N_EXPECTED; e++) {
            if (expected[e].preset || expected[e].id == PDRIFT_PARAM_SENSITIVITY)
                continue;
            ck_assert_msg(value_of(c, &expected[e]) == expected[e].initial,
                          "%s moved with the sensitivity", expected[e].name);
        }
        /* And the expected table agrees with the literals above. */
        for (size_t e = 0; e < N_EXPECTED; e++) {
            if (!expected[e].preset)
                continue;
            double want = rows[k].s == PDRIFT_SENSITIVITY_LOW      ? expected[e].low
                          : rows[k].s == PDRIFT_SENSITIVITY_MEDIUM ? expected[e].medium
                                                                   : expected[e].high;
            ck_assert_msg(value_of(c, &expected[e]) == want, "%s at sensitivity %d",
                          expected[e].name, (int)rows[k].s);
        }
    }
    pdrift_config_free(c);
}
END_TEST

/* ---- explicit settings win ----------------------------------------------------- */

START_TEST(test_explicit_then_sensitivity)
{
    pdrift_config *c = new_config();
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PSI_THRESHOLD, 0.33), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_ALPHA, 0.02), PDRIFT_OK);
    set_sensitivity(c, PDRIFT_SENSITIVITY_HIGH);
    ck_assert(get_double(c, PDRIFT_PARAM_PSI_THRESHOLD) == 0.33);
    ck_assert(get_double(c, PDRIFT_PARAM_ALPHA) == 0.02);
    /* the others follow the preset */
    ck_assert(get_double(c, PDRIFT_PARAM_KS_THRESHOLD) == 0.10);
    ck_assert(get_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION) == 0.15);
    set_sensitivity(c, PDRIFT_SENSITIVITY_LOW);
    ck_assert(get_double(c, PDRIFT_PARAM_PSI_THRESHOLD) == 0.33);
    ck_assert(get_double(c, PDRIFT_PARAM_ALPHA) == 0.02);
    ck_assert(get_double(c, PDRIFT_PARAM_KS_THRESHOLD) == 0.20);
    ck_assert(get_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION) == 0.30);
    pdrift_config_free(c);
}
END_TEST

START_TEST(test_sensitivity_then_explicit)
{
    pdrift_config *c = new_config();
    set_sensitivity(c, PDRIFT_SENSITIVITY_LOW);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_KS_THRESHOLD, 0.42), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION, 0.5),
                     PDRIFT_OK);
    ck_assert(get_double(c, PDRIFT_PARAM_KS_THRESHOLD) == 0.42);
    ck_assert(get_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION) == 0.5);
    ck_assert(get_double(c, PDRIFT_PARAM_PSI_THRESHOLD) == 0.25);
    set_sensitivity(c, PDRIFT_SENSITIVITY_HIGH);
    ck_assert(get_double(c, PDRIFT_PARAM_KS_THRESHOLD) == 0.42);
    ck_assert(get_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION) == 0.5);
    ck_assert(get_double(c, PDRIFT_PARAM_PSI_THRESHOLD) == 0.10);
    pdrift_config_free(c);
}
END_TEST

/* An explicit value equal to the current preset is still explicit, and an
 * explicit setting of every preset parameter survives every sensitivity. */
START_TEST(test_explicit_equal_to_preset_stays)
{
    pdrift_config *c = new_config();
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PSI_THRESHOLD, 0.15), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_DRAWDOWN_INCREASE, 0.10),
                     PDRIFT_OK);
    set_sensitivity(c, PDRIFT_SENSITIVITY_LOW);
    ck_assert(get_double(c, PDRIFT_PARAM_PSI_THRESHOLD) == 0.15);
    ck_assert(get_double(c, PDRIFT_PARAM_KS_THRESHOLD) == 0.20);

    pdrift_config *d = new_config();
    for (size_t k = 0; k < N_EXPECTED; k++)
        if (expected[k].preset)
            ck_assert_int_eq(pdrift_config_set_double(d, expected[k].id, 0.0123), PDRIFT_OK);
    for (int s = PDRIFT_SENSITIVITY_LOW; s <= PDRIFT_SENSITIVITY_HIGH; s++) {
        set_sensitivity(d, (pdrift_sensitivity)s);
        for (size_t k = 0; k < N_EXPECTED; k++)
            if (expected[k].preset)
                ck_assert_msg(value_of(d, &expected[k]) == 0.0123, "%s", expected[k].name);
    }
    pdrift_config_free(d);
    pdrift_config_free(c);
}
END_TEST

/* Two configs share nothing (no global mutable state). */
START_TEST(test_configs_independent)
{
    pdrift_config *a = new_config(), *b = new_config();
    set_sensitivity(a, PDRIFT_SENSITIVITY_HIGH);
    ck_assert_int_eq(pdrift_config_set_int(a, PDRIFT_PARAM_PSI_BINS, 20), PDRIFT_OK);
    ck_assert(get_double(b, PDRIFT_PARAM_PSI_THRESHOLD) == 0.15);
    long long bins = 0;
    ck_assert_int_eq(pdrift_config_get_int(b, PDRIFT_PARAM_PSI_BINS, &bins), PDRIFT_OK);
    ck_assert_int_eq(bins, 10);
    pdrift_config_free(a);
    ck_assert(get_double(b, PDRIFT_PARAM_ALPHA) == 0.05);
    pdrift_config_free(b);
}
END_TEST

/* ---- errors ----------------------------------------------------------------------- */

START_TEST(test_null_arguments)
{
    long long i = 77;
    double d = 7.5;
    ck_assert_int_eq(pdrift_config_new(NULL), PDRIFT_EINVAL);
    pdrift_config_free(NULL); /* no-op */

    /* c NULL is EINVAL even when the parameter or type is also wrong */
    ck_assert_int_eq(pdrift_config_set_int(NULL, PDRIFT_PARAM_PSI_BINS, 10), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_config_set_int(NULL, (pdrift_param)0, 10), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_config_set_double(NULL, PDRIFT_PARAM_ALPHA, 0.05), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_config_set_double(NULL, PDRIFT_PARAM_PSI_BINS, 0.05), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_config_get_int(NULL, PDRIFT_PARAM_PSI_BINS, &i), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_config_get_double(NULL, PDRIFT_PARAM_ALPHA, &d), PDRIFT_EINVAL);
    ck_assert_int_eq(i, 77);
    ck_assert(d == 7.5);

    pdrift_config *c = new_config();
    ck_assert_int_eq(pdrift_config_get_int(c, PDRIFT_PARAM_PSI_BINS, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_ALPHA, NULL), PDRIFT_EINVAL);
    pdrift_config_free(c);

    pdrift_param p = PDRIFT_PARAM_KS_METHOD;
    ck_assert_int_eq(pdrift_param_from_name(NULL, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_param_from_name("alpha", NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(p, PDRIFT_PARAM_KS_METHOD);
}
END_TEST

START_TEST(test_wrong_type_is_eparam)
{
    pdrift_config *c = new_config();
    double before[N_EXPECTED];
    snapshot(c, before);
    for (size_t k = 0; k < N_EXPECTED; k++) {
        const expected_param *e = &expected[k];
        long long i = 55;
        double d = 5.5;
        if (e->type == INT_T) {
            /* a value the int setter would accept */
            ck_assert_int_eq(pdrift_config_set_double(c, e->id, e->initial), PDRIFT_EPARAM);
            ck_assert_int_eq(pdrift_config_get_double(c, e->id, &d), PDRIFT_EPARAM);
        } else {
            ck_assert_int_eq(pdrift_config_set_int(c, e->id, 0), PDRIFT_EPARAM);
            ck_assert_int_eq(pdrift_config_get_int(c, e->id, &i), PDRIFT_EPARAM);
        }
        ck_assert_int_eq(i, 55);
        ck_assert(d == 5.5);
    }
    assert_unchanged(c, before);
    pdrift_config_free(c);
}
END_TEST

START_TEST(test_unknown_param_is_eparam)
{
    pdrift_config *c = new_config();
    double before[N_EXPECTED];
    snapshot(c, before);
    for (size_t k = 0; k < N_UNKNOWN; k++) {
        pdrift_param p = (pdrift_param)unknown_ids[k];
        long long i = 55;
        double d = 5.5, lo = 6.5, hi = 7.5;
        pdrift_param_type t = (pdrift_param_type)99;
        ck_assert_int_eq(pdrift_config_set_int(c, p, 0), PDRIFT_EPARAM);
        ck_assert_int_eq(pdrift_config_set_double(c, p, 0.0), PDRIFT_EPARAM);
        ck_assert_int_eq(pdrift_config_get_int(c, p, &i), PDRIFT_EPARAM);
        ck_assert_int_eq(pdrift_config_get_double(c, p, &d), PDRIFT_EPARAM);
        ck_assert_int_eq(pdrift_param_bounds(p, &t, &lo, &hi), PDRIFT_EPARAM);
        ck_assert_int_eq(pdrift_param_bounds(p, NULL, NULL, NULL), PDRIFT_EPARAM);
        ck_assert_ptr_null(pdrift_param_name(p));
        ck_assert_int_eq(i, 55);
        ck_assert(d == 5.5 && lo == 6.5 && hi == 7.5);
        ck_assert_int_eq(t, 99);
    }
    assert_unchanged(c, before);
    pdrift_config_free(c);
}
END_TEST

START_TEST(test_nan_and_inf_are_erange)
{
    pdrift_config *c = new_config();
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_ALPHA, 0.02), PDRIFT_OK);
    double before[N_EXPECTED];
    snapshot(c, before);
    for (size_t k = 0; k < N_EXPECTED; k++) {
        if (expected[k].type != DBL_T)
            continue;
        ck_assert_int_eq(pdrift_config_set_double(c, expected[k].id, NAN), PDRIFT_ERANGE);
        ck_assert_int_eq(pdrift_config_set_double(c, expected[k].id, -NAN), PDRIFT_ERANGE);
        ck_assert_int_eq(pdrift_config_set_double(c, expected[k].id, INFINITY), PDRIFT_ERANGE);
        ck_assert_int_eq(pdrift_config_set_double(c, expected[k].id, -INFINITY), PDRIFT_ERANGE);
    }
    assert_unchanged(c, before);
    pdrift_config_free(c);
}
END_TEST

/* A failed set does not mark the parameter explicit: it keeps following the
 * preset afterwards. */
START_TEST(test_failed_set_stays_implicit)
{
    pdrift_config *c = new_config();
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PSI_THRESHOLD, -0.1),
                     PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_KS_THRESHOLD, NAN), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_ALPHA, 0), PDRIFT_EPARAM);
    set_sensitivity(c, PDRIFT_SENSITIVITY_HIGH);
    ck_assert(get_double(c, PDRIFT_PARAM_PSI_THRESHOLD) == 0.10);
    ck_assert(get_double(c, PDRIFT_PARAM_KS_THRESHOLD) == 0.10);
    ck_assert(get_double(c, PDRIFT_PARAM_ALPHA) == 0.10);
    /* and a failed sensitivity keeps the current one */
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, 3), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, -1), PDRIFT_ERANGE);
    ck_assert(get_double(c, PDRIFT_PARAM_PSI_THRESHOLD) == 0.10);
    pdrift_config_free(c);
}
END_TEST

/* ---- bounds ----------------------------------------------------------------------- */

START_TEST(test_bounds_reported)
{
    for (size_t k = 0; k < N_EXPECTED; k++) {
        const expected_param *e = &expected[k];
        pdrift_param_type t = (pdrift_param_type)0;
        double lo = NAN, hi = NAN;
        ck_assert_int_eq(pdrift_param_bounds(e->id, &t, &lo, &hi), PDRIFT_OK);
        ck_assert_msg(t == e->type, "type of %s", e->name);
        ck_assert_msg(lo == e->lo, "lo of %s: %.17g", e->name, lo);
        ck_assert_msg(hi == e->hi, "hi of %s: %.17g", e->name, hi);
        ck_assert(lo < hi);
        ck_assert(e->initial >= lo && e->initial <= hi);
        if (e->preset)
            ck_assert(e->low >= lo && e->high <= hi && e->medium >= lo && e->medium <= hi);
        if (t == INT_T) /* whole numbers, exact as long long */
            ck_assert(lo == floor(lo) && hi == floor(hi) && hi <= 9007199254740992.0);
        /* each output may be NULL */
        double only = NAN;
        ck_assert_int_eq(pdrift_param_bounds(e->id, NULL, NULL, NULL), PDRIFT_OK);
        ck_assert_int_eq(pdrift_param_bounds(e->id, NULL, NULL, &only), PDRIFT_OK);
        ck_assert(only == e->hi);
        ck_assert_int_eq(pdrift_param_bounds(e->id, NULL, &only, NULL), PDRIFT_OK);
        ck_assert(only == e->lo);
        t = (pdrift_param_type)0;
        ck_assert_int_eq(pdrift_param_bounds(e->id, &t, NULL, NULL), PDRIFT_OK);
        ck_assert_int_eq(t, e->type);
    }
    /* the PSI unit's limit, not a copy of it */
    double hi = 0;
    ck_assert_int_eq(pdrift_param_bounds(PDRIFT_PARAM_PSI_BINS, NULL, NULL, &hi), PDRIFT_OK);
    ck_assert(hi == (double)PDRIFT__PSI_MAX_BINS);
}
END_TEST

/* Both ends are accepted and read back; one step outside is ERANGE and
 * changes nothing, neither that parameter nor any other. */
START_TEST(test_bounds_enforced)
{
    for (size_t k = 0; k < N_EXPECTED; k++) {
        const expected_param *e = &expected[k];
        pdrift_config *c = new_config();

        ck_assert_msg(set_value(c, e, e->lo) == PDRIFT_OK, "%s = lo", e->name);
        ck_assert(value_of(c, e) == e->lo);
        ck_assert_msg(set_value(c, e, e->hi) == PDRIFT_OK, "%s = hi", e->name);
        ck_assert(value_of(c, e) == e->hi);

        double before[N_EXPECTED];
        snapshot(c, before);
        if (e->type == INT_T) {
            long long lo = (long long)e->lo, hi = (long long)e->hi;
            ck_assert_int_eq(pdrift_config_set_int(c, e->id, lo - 1), PDRIFT_ERANGE);
            ck_assert_int_eq(pdrift_config_set_int(c, e->id, hi + 1), PDRIFT_ERANGE);
            ck_assert_int_eq(pdrift_config_set_int(c, e->id, LLONG_MIN), PDRIFT_ERANGE);
            ck_assert_int_eq(pdrift_config_set_int(c, e->id, LLONG_MAX), PDRIFT_ERANGE);
        } else {
            ck_assert_int_eq(pdrift_config_set_double(c, e->id, nextafter(e->lo, -INFINITY)),
                             PDRIFT_ERANGE);
            ck_assert_int_eq(pdrift_config_set_double(c, e->id, nextafter(e->hi, INFINITY)),
                             PDRIFT_ERANGE);
            ck_assert_int_eq(pdrift_config_set_double(c, e->id, -1e300), PDRIFT_ERANGE);
            ck_assert_int_eq(pdrift_config_set_double(c, e->id, 1e300), PDRIFT_ERANGE);
        }
        assert_unchanged(c, before);
        ck_assert(value_of(c, e) == e->hi);

        /* and from the low end too */
        ck_assert_int_eq(set_value(c, e, e->lo), PDRIFT_OK);
        ck_assert_int_eq(set_value(c, e, e->type == INT_T ? e->lo - 1
                                                          : nextafter(e->lo, -INFINITY)),
                         PDRIFT_ERANGE);
        ck_assert(value_of(c, e) == e->lo);
        pdrift_config_free(c);
    }
}
END_TEST

/* The bounds as chosen, written out once more with the values a user would
 * try: the ones that must work and the ones that must not. */
START_TEST(test_bounds_spot_values)
{
    pdrift_config *c = new_config();
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_WINDOW_SIZE, 0), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_WINDOW_SIZE, -1), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_SAMPLES, 1), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_SAMPLES, 0), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_SAMPLES, 1000000000), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_SAMPLES, 1000000001),
                     PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINS, 1), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINS, 10001), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINS, 10000), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, 3), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_CORRECTION, 4), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_CORRECTION, PDRIFT_CORRECTION_HOLM),
                     PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_KS_METHOD, 3), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_NAN_POLICY, 2), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINNING, 2), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_EMPTY_BINS, 2), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_OHLCV_FEATURES, 2), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_OHLCV_FEATURES, -1), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, 2), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, -1),
                     PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_ALPHA, 0.0), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_ALPHA, 0.6), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_ALPHA, 1e-12), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PSI_EPSILON, 0.0), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_KS_THRESHOLD, 1.01), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_KS_THRESHOLD, 0.0), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PSI_THRESHOLD, -0.0), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_MISSING_RISE, 1.5), PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_DRAWDOWN_INCREASE, -0.01),
                     PDRIFT_ERANGE);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION, 100.5),
                     PDRIFT_ERANGE);
    pdrift_config_free(c);
}
END_TEST

/* ---- names ------------------------------------------------------------------------ */

START_TEST(test_names_round_trip)
{
    for (size_t k = 0; k < N_EXPECTED; k++) {
        const char *name = pdrift_param_name(expected[k].id);
        ck_assert_ptr_nonnull(name);
        ck_assert_str_eq(name, expected[k].name);
        ck_assert_ptr_eq(pdrift_param_name(expected[k].id), name); /* static */
        pdrift_param p = (pdrift_param)0;
        ck_assert_int_eq(pdrift_param_from_name(expected[k].name, &p), PDRIFT_OK);
        ck_assert_int_eq(p, expected[k].id);
        for (size_t j = 0; j < k; j++) /* distinct names */
            ck_assert_str_ne(name, expected[j].name);
    }
}
END_TEST

START_TEST(test_unknown_names)
{
    static const char *const bad[] = {"", "Alpha", "ALPHA", "PSI_THRESHOLD", "psi-threshold",
                                      "psi threshold", "psi_threshold ", " alpha", "psi",
                                      "psi_thresholds", "alph", "pdrift_param_alpha",
                                      "PDRIFT_PARAM_ALPHA", "window", "ks_threshold\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pdrift_param p = PDRIFT_PARAM_KS_METHOD;
        ck_assert_msg(pdrift_param_from_name(bad[k], &p) == PDRIFT_EPARAM, "\"%s\"", bad[k]);
        ck_assert_int_eq(p, PDRIFT_PARAM_KS_METHOD);
    }
}
END_TEST

/* Every parameter the library knows is in the expected table: scan the
 * whole id range of the families for names. */
START_TEST(test_no_unlisted_params)
{
    size_t known = 0;
    for (int id = -10; id < 1000; id++) {
        const char *name = pdrift_param_name((pdrift_param)id);
        if (!name)
            continue;
        known++;
        size_t k = 0;
        while (k < N_EXPECTED && (int)expected[k].id != id)
            k++;
        ck_assert_msg(k < N_EXPECTED, "parameter %d (%s) is not tested", id, name);
    }
    ck_assert_uint_eq(known, N_EXPECTED);
}
END_TEST

/* ---- pdrift__config_resolve --------------------------------------------------------- */

static void assert_default_settings(const pdrift__settings *s)
{
    ck_assert_int_eq(s->sensitivity, PDRIFT_SENSITIVITY_MEDIUM);
    ck_assert_uint_eq(s->window_size, 0);
    ck_assert_uint_eq(s->min_samples, 30);
    ck_assert_int_eq(s->nan_policy, PDRIFT_NAN_MISSING);
    ck_assert_int_eq(s->correction, PDRIFT_CORRECTION_BH);
    ck_assert(s->alpha == 0.05);
    ck_assert(s->missing_rise == 0.10);
    ck_assert_int_eq(s->ohlcv_features, 1);
    ck_assert_int_eq(s->serial_correction, 1);
    ck_assert_uint_eq(s->psi.bins, 10);
    ck_assert_int_eq(s->psi.binning, PDRIFT__BINNING_QUANTILE);
    ck_assert_int_eq(s->psi.empty_bins, PDRIFT__EMPTY_EPSILON);
    ck_assert(s->psi.epsilon == 1e-4);
    ck_assert(s->psi_threshold == 0.15);
    ck_assert(s->ks_threshold == 0.15);
    ck_assert_int_eq(s->ks_method, PDRIFT_KS_AUTO);
    ck_assert(s->sharpe_degradation == 0.20);
    ck_assert(s->drawdown_increase == 0.10);
    ck_assert(s->periods_per_year == 252);
    ck_assert(s->risk_free_rate == 0);
    ck_assert_uint_eq(s->min_returns, 20);
    ck_assert_uint_eq(s->returns_window, 0);
    ck_assert_uint_eq(s->limits.max_line_bytes, 33554432);
    ck_assert_uint_eq(s->limits.max_columns, 100000);
    ck_assert_uint_eq(s->limits.max_rows, 100000000);
    ck_assert(s->limits.max_memory == (size_t)MEMORY_DEFAULT);
    /* the table reader's own defaults (a read without limits) are these */
    ck_assert_uint_eq(s->limits.max_line_bytes, PDRIFT__DEFAULT_MAX_LINE_BYTES);
    ck_assert_uint_eq(s->limits.max_columns, PDRIFT__DEFAULT_MAX_COLUMNS);
    ck_assert_uint_eq(s->limits.max_rows, PDRIFT__DEFAULT_MAX_ROWS);
    ck_assert_uint_eq(s->limits.max_memory, PDRIFT__DEFAULT_MAX_MEMORY);
}

/* A settings struct full of values no resolve would produce. */
static pdrift__settings garbage_settings(void)
{
    pdrift__settings s;
    memset(&s, 0xA5, sizeof s);
    return s;
}

START_TEST(test_resolve_defaults)
{
    pdrift__settings s = garbage_settings();
    pdrift__config_resolve(NULL, &s);
    assert_default_settings(&s);

    /* the PSI defaults agree with the PSI unit's own */
    pdrift__psi_options psi = pdrift__psi_default_options();
    ck_assert_uint_eq(s.psi.bins, psi.bins);
    ck_assert_int_eq(s.psi.binning, psi.binning);
    ck_assert_int_eq(s.psi.empty_bins, psi.empty_bins);
    ck_assert(s.psi.epsilon == psi.epsilon);
    ck_assert_uint_eq(s.psi.bins, PDRIFT__PSI_DEFAULT_BINS);
    ck_assert(s.psi.epsilon == PDRIFT__PSI_DEFAULT_EPSILON);

    pdrift_config *c = new_config();
    s = garbage_settings();
    pdrift__config_resolve(c, &s);
    assert_default_settings(&s);
    pdrift_config_free(c);
}
END_TEST

/* Every parameter set to a value other than its default lands in its own
 * field (a swapped pair of fields would fail here). */
START_TEST(test_resolve_mapping)
{
    pdrift_config *c = new_config();
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, PDRIFT_SENSITIVITY_LOW),
                     PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_WINDOW_SIZE, 5000), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_SAMPLES, 77), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_NAN_POLICY, PDRIFT_NAN_REJECT),
                     PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_CORRECTION, PDRIFT_CORRECTION_HOLM),
                     PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_ALPHA, 0.03), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_MISSING_RISE, 0.07), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_OHLCV_FEATURES, 0), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, 0), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINS, 23), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINNING,
                                           PDRIFT_BINNING_EQUAL_WIDTH), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_EMPTY_BINS,
                                           PDRIFT_EMPTY_SMOOTHING), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PSI_EPSILON, 2e-6), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PSI_THRESHOLD, 0.31), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_KS_THRESHOLD, 0.17), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_KS_METHOD, PDRIFT_KS_ASYMP),
                     PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_SHARPE_DEGRADATION, 0.45),
                     PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_DRAWDOWN_INCREASE, 0.12),
                     PDRIFT_OK);

    pdrift__settings s = garbage_settings();
    pdrift__config_resolve(c, &s);
    ck_assert_int_eq(s.sensitivity, PDRIFT_SENSITIVITY_LOW);
    ck_assert_uint_eq(s.window_size, 5000);
    ck_assert_uint_eq(s.min_samples, 77);
    ck_assert_int_eq(s.nan_policy, PDRIFT_NAN_REJECT);
    ck_assert_int_eq(s.correction, PDRIFT_CORRECTION_HOLM);
    ck_assert(s.alpha == 0.03);
    ck_assert(s.missing_rise == 0.07);
    ck_assert_int_eq(s.ohlcv_features, 0);
    ck_assert_int_eq(s.serial_correction, 0);
    ck_assert_uint_eq(s.psi.bins, 23);
    ck_assert_int_eq(s.psi.binning, PDRIFT__BINNING_EQUAL_WIDTH);
    ck_assert_int_eq(s.psi.empty_bins, PDRIFT__EMPTY_SMOOTHING);
    ck_assert(s.psi.epsilon == 2e-6);
    ck_assert(s.psi_threshold == 0.31);
    ck_assert(s.ks_threshold == 0.17);
    ck_assert_int_eq(s.ks_method, PDRIFT_KS_ASYMP);
    ck_assert(s.sharpe_degradation == 0.45);
    ck_assert(s.drawdown_increase == 0.12);
    pdrift_config_free(c);
}
END_TEST

/* The settings field of a parameter, as a double (the test's own map from
 * ids to fields, written independently of the library's). */
static double settings_field(const pdrift__settings *s, pdrift_param p)
{
    switch (p) {
    case PDRIFT_PARAM_SENSITIVITY: return (double)s->sensitivity;
    case PDRIFT_PARAM_WINDOW_SIZE: return (double)s->window_size;
    case PDRIFT_PARAM_MIN_SAMPLES: return (double)s->min_samples;
    case PDRIFT_PARAM_NAN_POLICY: return (double)s->nan_policy;
    case PDRIFT_PARAM_CORRECTION: return (double)s->correction;
    case PDRIFT_PARAM_ALPHA: return s->alpha;
    case PDRIFT_PARAM_MISSING_RISE: return s->missing_rise;
    case PDRIFT_PARAM_OHLCV_FEATURES: return (double)s->ohlcv_features;
    case PDRIFT_PARAM_SERIAL_CORRECTION: return (double)s->serial_correction;
    case PDRIFT_PARAM_PSI_BINS: return (double)s->psi.bins;
    case PDRIFT_PARAM_PSI_BINNING: return (double)s->psi.binning;
    case PDRIFT_PARAM_PSI_EMPTY_BINS: return (double)s->psi.empty_bins;
    case PDRIFT_PARAM_PSI_EPSILON: return s->psi.epsilon;
    case PDRIFT_PARAM_PSI_THRESHOLD: return s->psi_threshold;
    case PDRIFT_PARAM_KS_THRESHOLD: return s->ks_threshold;
    case PDRIFT_PARAM_KS_METHOD: return (double)s->ks_method;
    case PDRIFT_PARAM_SHARPE_DEGRADATION: return s->sharpe_degradation;
    case PDRIFT_PARAM_DRAWDOWN_INCREASE: return s->drawdown_increase;
    case PDRIFT_PARAM_ADDM_SMOOTHING: return (double)s->addm.k;
    case PDRIFT_PARAM_ADDM_REFERENCE: return (double)s->addm.n_ref;
    case PDRIFT_PARAM_ADDM_WINDOW: return (double)s->addm.w;
    case PDRIFT_PARAM_ADDM_LAGS: return (double)s->addm.p;
    case PDRIFT_PARAM_ADDM_DELAY: return (double)s->addm.d;
    case PDRIFT_PARAM_ADDM_TRIM: return s->addm.trim;
    case PDRIFT_PARAM_ADDM_DELTA_DRIFT: return s->addm.delta_drift;
    case PDRIFT_PARAM_ADDM_DELTA_WARNING: return s->addm.delta_warning;
    case PDRIFT_PARAM_ADDM_TSAY_GATE: return (double)s->addm.tsay_gate;
    case PDRIFT_PARAM_ADDM_TSAY_ALPHA: return s->addm.tsay_alpha;
    case PDRIFT_PARAM_ADDM_RULE: return (double)s->addm.rule;
    case PDRIFT_PARAM_ADDM_Z_DRIFT: return s->addm.z_drift;
    case PDRIFT_PARAM_ADDM_Z_WARNING: return s->addm.z_warning;
    case PDRIFT_PARAM_PERIODS_PER_YEAR: return s->periods_per_year;
    case PDRIFT_PARAM_RISK_FREE_RATE: return s->risk_free_rate;
    case PDRIFT_PARAM_MIN_RETURNS: return (double)s->min_returns;
    case PDRIFT_PARAM_RETURNS_WINDOW: return (double)s->returns_window;
    case PDRIFT_PARAM_MAX_LINE_BYTES: return (double)s->limits.max_line_bytes;
    case PDRIFT_PARAM_MAX_COLUMNS: return (double)s->limits.max_columns;
    case PDRIFT_PARAM_MAX_ROWS: return (double)s->limits.max_rows;
    case PDRIFT_PARAM_MAX_MEMORY: return (double)s->limits.max_memory;
    case PDRIFT_PARAM_SNAPSHOT_MAP: return (double)s->snapshot_map;
    case PDRIFT_PARAM_THREADS: return (double)s->threads;
    }
    ck_abort_msg("parameter %d has no settings field in this test", (int)p);
    return NAN;
}

/* One parameter at a time set away from its default: exactly its own field
 * moves (and, for the sensitivity, the preset fields with it). Catches two
 * fields swapped even where both share a default. */
START_TEST(test_resolve_one_at_a_time)
{
    for (size_t k = 0; k < N_EXPECTED; k++) {
        const expected_param *e = &expected[k];
        double v = e->hi != e->initial ? e->hi : e->lo;
        pdrift_config *c = new_config();
        ck_assert_int_eq(set_value(c, e, v), PDRIFT_OK);
        pdrift__settings s = garbage_settings();
        pdrift__config_resolve(c, &s);
        int sens = e->id == PDRIFT_PARAM_SENSITIVITY ? (int)v : PDRIFT_SENSITIVITY_MEDIUM;
        for (size_t j = 0; j < N_EXPECTED; j++) {
            const expected_param *f = &expected[j];
            double want = f->initial;
            if (j == k)
                want = v;
            else if (f->preset)
                want = sens == PDRIFT_SENSITIVITY_LOW ? f->low
                       : sens == PDRIFT_SENSITIVITY_HIGH ? f->high : f->medium;
            ck_assert_msg(settings_field(&s, f->id) == want, "set %s: %s is %.17g, not %.17g",
                          e->name, f->name, settings_field(&s, f->id), want);
        }
        pdrift_config_free(c);
    }
}
END_TEST

/* resolve applies the preset to what was not set, and keeps what was; the
 * largest window converts to size_t exactly. */
START_TEST(test_resolve_presets)
{
    pdrift_config *c = new_config();
    set_sensitivity(c, PDRIFT_SENSITIVITY_HIGH);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_KS_THRESHOLD, 0.18), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_WINDOW_SIZE, (long long)WINDOW_MAX),
                     PDRIFT_OK);
    pdrift__settings s = garbage_settings();
    pdrift__config_resolve(c, &s);
    ck_assert_int_eq(s.sensitivity, PDRIFT_SENSITIVITY_HIGH);
    ck_assert(s.psi_threshold == 0.10);
    ck_assert(s.ks_threshold == 0.18);
    ck_assert(s.alpha == 0.10);
    ck_assert(s.sharpe_degradation == 0.15);
    ck_assert(s.drawdown_increase == 0.10);
    ck_assert(s.window_size == (size_t)WINDOW_MAX);
    /* untouched parameters keep their defaults */
    ck_assert_uint_eq(s.min_samples, 30);
    ck_assert_uint_eq(s.psi.bins, 10);

    set_sensitivity(c, PDRIFT_SENSITIVITY_LOW);
    pdrift__config_resolve(c, &s);
    ck_assert(s.psi_threshold == 0.25);
    ck_assert(s.ks_threshold == 0.18);
    ck_assert(s.alpha == 0.01);
    ck_assert(s.sharpe_degradation == 0.30);
    pdrift_config_free(c);
}
END_TEST

/* ---- the input limits reach every file the monitor reads ---------------------------- */

typedef struct limits_files {
    char dir[256];
    char base[320], cur[320], returns[320];
} limits_files;

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "%s", path);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* base.csv: 40 rows of a,b (line 11, the 10th row, is the longest: 12
 * bytes); cur.csv: 41 rows; returns.csv: 30 returns. */
static void make_limits_files(limits_files *lf)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(lf->dir, sizeof lf->dir, "%s/pdrift-limits-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert(mkdtemp(lf->dir) != NULL);
    snprintf(lf->base, sizeof lf->base, "%s/base.csv", lf->dir);
    snprintf(lf->cur, sizeof lf->cur, "%s/cur.csv", lf->dir);
    snprintf(lf->returns, sizeof lf->returns, "%s/returns.csv", lf->dir);
    char text[2048];
    size_t n = (size_t)sprintf(text, "a,b\n");
    for (int i = 0; i < 40; i++)
        n += (size_t)sprintf(text + n, i == 9 ? "123456.789,1\n" : "%d.5,%d\n", i % 10, i % 7);
    write_text(lf->base, text);
    n = (size_t)sprintf(text, "a,b\n");
    for (int i = 0; i < 41; i++)
        n += (size_t)sprintf(text + n, "%d.25,%d\n", i % 9, i % 5);
    write_text(lf->cur, text);
    n = (size_t)sprintf(text, "ret\n");
    for (int i = 0; i < 30; i++)
        n += (size_t)sprintf(text + n, "%s0.00%d\n", i % 3 ? "" : "-", i % 10);
    write_text(lf->returns, text);
}

static void remove_limits_files(const limits_files *lf)
{
    unlink(lf->base);
    unlink(lf->cur);
    unlink(lf->returns);
    rmdir(lf->dir);
}

static pdrift_monitor *monitor_with(pdrift_param p, long long v)
{
    pdrift_config *c = new_config();
    ck_assert_int_eq(pdrift_config_set_int(c, p, v), PDRIFT_OK);
    pdrift_monitor *m = NULL;
    ck_assert_int_eq(pdrift_monitor_new(&m, c), PDRIFT_OK);
    pdrift_config_free(c);
    return m;
}

/* The load fails with PDRIFT_EDATA and the message path + suffix. */
static void expect_refused(pdrift_monitor *m, int rc, const char *path, const char *suffix)
{
    char want[1024];
    snprintf(want, sizeof want, "%s%s", path, suffix);
    ck_assert_msg(rc == PDRIFT_EDATA, "rc %d: %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), want);
}

START_TEST(test_limits_reach_the_readers)
{
    limits_files lf;
    make_limits_files(&lf);
    pdrift_monitor *m;

    /* the baseline CSV: each limit at the file's own size passes, one less fails */
    m = monitor_with(PDRIFT_PARAM_MAX_ROWS, 40);
    ck_assert_int_eq(pdrift_baseline_load(m, lf.base), PDRIFT_OK);
    /* the current file has 41 rows */
    expect_refused(m, pdrift_observe_load(m, lf.cur), lf.cur,
                   ":42:1: more than 40 data rows, the limit max_rows (raise the parameter "
                   "max_rows to read this file)");
    pdrift_monitor_free(m);
    m = monitor_with(PDRIFT_PARAM_MAX_ROWS, 39);
    expect_refused(m, pdrift_baseline_load(m, lf.base), lf.base,
                   ":41:1: more than 39 data rows, the limit max_rows (raise the parameter "
                   "max_rows to read this file)");
    pdrift_monitor_free(m);

    m = monitor_with(PDRIFT_PARAM_MAX_COLUMNS, 2);
    ck_assert_int_eq(pdrift_baseline_load(m, lf.base), PDRIFT_OK);
    pdrift_monitor_free(m);
    m = monitor_with(PDRIFT_PARAM_MAX_COLUMNS, 1);
    expect_refused(m, pdrift_baseline_load(m, lf.base), lf.base,
                   ":1:3: header has more than 1 column, the limit max_columns (raise the "
                   "parameter max_columns to read this file)");
    pdrift_monitor_free(m);

    m = monitor_with(PDRIFT_PARAM_MAX_LINE_BYTES, 12);
    ck_assert_int_eq(pdrift_baseline_load(m, lf.base), PDRIFT_OK);
    pdrift_monitor_free(m);
    m = monitor_with(PDRIFT_PARAM_MAX_LINE_BYTES, 11);
    expect_refused(m, pdrift_baseline_load(m, lf.base), lf.base,
                   ":11:12: line longer than 11 bytes, the limit max_line_bytes (raise the "
                   "parameter max_line_bytes to read this file)");
    pdrift_monitor_free(m);

    m = monitor_with(PDRIFT_PARAM_MAX_MEMORY, 40 * 2 * 8);
    ck_assert_int_eq(pdrift_baseline_load(m, lf.base), PDRIFT_OK);
    pdrift_monitor_free(m);
    m = monitor_with(PDRIFT_PARAM_MAX_MEMORY, 40 * 2 * 8 - 1);
    expect_refused(m, pdrift_baseline_load(m, lf.base), lf.base,
                   ":41:1: 40 rows of 2 fields (8 bytes a value) would take more than 639 bytes, "
                   "the limit max_memory (raise the parameter max_memory to read this file)");
    pdrift_monitor_free(m);

    /* a series file (returns; errors share the reader) */
    m = monitor_with(PDRIFT_PARAM_MAX_ROWS, 30);
    ck_assert_int_eq(pdrift_baseline_returns_load(m, lf.returns), PDRIFT_OK);
    pdrift_monitor_free(m);
    m = monitor_with(PDRIFT_PARAM_MAX_ROWS, 29);
    expect_refused(m, pdrift_baseline_returns_load(m, lf.returns), lf.returns,
                   ":31:1: more than 29 data rows, the limit max_rows (raise the parameter "
                   "max_rows to read this file)");
    expect_refused(m, pdrift_observe_returns_load(m, lf.returns), lf.returns,
                   ":31:1: more than 29 data rows, the limit max_rows (raise the parameter "
                   "max_rows to read this file)");
    pdrift_monitor_free(m);
    remove_limits_files(&lf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_enum_values_pinned);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_presets_at_each_sensitivity);
    tcase_add_test(tc, test_explicit_then_sensitivity);
    tcase_add_test(tc, test_sensitivity_then_explicit);
    tcase_add_test(tc, test_explicit_equal_to_preset_stays);
    tcase_add_test(tc, test_configs_independent);
    tcase_add_test(tc, test_null_arguments);
    tcase_add_test(tc, test_wrong_type_is_eparam);
    tcase_add_test(tc, test_unknown_param_is_eparam);
    tcase_add_test(tc, test_nan_and_inf_are_erange);
    tcase_add_test(tc, test_failed_set_stays_implicit);
    tcase_add_test(tc, test_bounds_reported);
    tcase_add_test(tc, test_bounds_enforced);
    tcase_add_test(tc, test_bounds_spot_values);
    tcase_add_test(tc, test_names_round_trip);
    tcase_add_test(tc, test_unknown_names);
    tcase_add_test(tc, test_no_unlisted_params);
    tcase_add_test(tc, test_resolve_defaults);
    tcase_add_test(tc, test_resolve_mapping);
    tcase_add_test(tc, test_resolve_one_at_a_time);
    tcase_add_test(tc, test_resolve_presets);
    tcase_add_test(tc, test_limits_reach_the_readers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
