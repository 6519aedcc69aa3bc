/*
 * check_metrics.c — trading metrics (lib/metrics.c, SPEC.md §5).
 *
 * Golden: every series of tests/data/metrics_cases.json (five Sharpe
 * variants, maximum drawdown, win rate), the equity-curve case and the
 * drift pairs with their per-preset flags (SPEC §7: rel <= 1e-12 for the
 * metrics, abs <= 1e-12 for degradation and drawdown increase, flags exact).
 * Properties: validation, NaN results, the drawdown conventions, inputs left
 * alone.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <ploutos_drift.h>

#include "golden.h"
#include "internal.h"

#define METRIC_REL 1e-12 /* SPEC §7 */
#define DRIFT_ABS 1e-12

static void check_metric(const char *id, const char *what, double got, double ref, double rel,
                         golden_stat *st)
{
    golden_stat_add(st, got, ref);
    ck_assert_msg(golden_close(got, ref, rel, 0.0), "%s %s: got %.17g, golden %.17g", id, what,
                  got, ref);
}

static void check_abs(const char *id, const char *what, double got, double ref, double tol,
                      golden_stat *st)
{
    golden_stat_add(st, got, ref);
    ck_assert_msg((isnan(got) && isnan(ref)) || fabs(got - ref) <= tol,
                  "%s %s: got %.17g, golden %.17g", id, what, got, ref);
}

/* ---- golden: `series` ------------------------------------------------------------- */

typedef struct sharpe_variant {
    const char *key;
    double periods_per_year;
    double rf;
} sharpe_variant;

static const sharpe_variant SHARPE_VARIANTS[] = {
    {"sharpe_252_rf0", 252.0, 0.0},
    {"sharpe_365_rf0", 365.0, 0.0},
    {"sharpe_252_rf2pct", 252.0, 0.02},
    {"sharpe_8760_rf0", 8760.0, 0.0},
    {"sharpe_1_rf0_nonannualized", 1.0, 0.0},
};
enum { N_SHARPE = sizeof SHARPE_VARIANTS / sizeof SHARPE_VARIANTS[0] };

START_TEST(test_golden_series)
{
    golden_stat st_sharpe[N_SHARPE];
    for (size_t k = 0; k < N_SHARPE; k++) {
        memset(&st_sharpe[k], 0, sizeof st_sharpe[k]);
        st_sharpe[k].name = SHARPE_VARIANTS[k].key;
    }
    golden_stat st_public = {"sharpe via pdrift_sharpe (rf = 0)", 0, 0, 0, 0};
    golden_stat st_mdd = {"max_drawdown", 0, 0, 0, 0};
    golden_stat st_win = {"win_rate_excl_zeros", 0, 0, 0, 0};

    const cJSON *series = golden_get(golden_load("metrics_cases.json"), "series");
    size_t rows = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, series) {
        const char *id = cJSON_GetStringValue(golden_get(row, "id"));
        size_t n;
        double *r = golden_array(golden_get(row, "returns"), &n);
        for (size_t k = 0; k < N_SHARPE; k++) {
            const sharpe_variant *v = &SHARPE_VARIANTS[k];
            double ref = golden_double(row, v->key); /* null -> NaN */
            check_metric(id, v->key, pdrift__sharpe(r, n, v->periods_per_year, v->rf), ref,
                         METRIC_REL, &st_sharpe[k]);
            if (v->rf == 0.0) {
                double s = 42.0;
                ck_assert_int_eq(pdrift_sharpe(r, n, v->periods_per_year, &s), PDRIFT_OK);
                check_metric(id, v->key, s, ref, METRIC_REL, &st_public);
            }
        }
        double mdd = 42.0, win = 42.0;
        ck_assert_int_eq(pdrift_max_drawdown(r, n, &mdd), PDRIFT_OK);
        check_metric(id, "max_drawdown", mdd, golden_double(row, "max_drawdown"), METRIC_REL,
                     &st_mdd);
        ck_assert(golden_same_bits(mdd, pdrift__max_drawdown(r, n)));
        ck_assert_int_eq(pdrift_win_rate(r, n, &win), PDRIFT_OK);
        check_metric(id, "win_rate", win, golden_double(row, "win_rate_excl_zeros"), METRIC_REL,
                     &st_win);
        free(r);
        rows++;
    }
    ck_assert_uint_eq(rows, 10);
    for (size_t k = 0; k < N_SHARPE; k++)
        golden_stat_print(&st_sharpe[k]);
    golden_stat_print(&st_public);
    golden_stat_print(&st_mdd);
    golden_stat_print(&st_win);
}
END_TEST

/* ---- golden: `equity_curve_case` ----------------------------------------------------- */

START_TEST(test_golden_equity_curve)
{
    /* The case gives equity levels; the library takes returns. With
     * r_t = E_t/E_{t-1} - 1 the library's curve is E_t/E_0, the same curve
     * rescaled, and drawdowns are scale-free. */
    golden_stat st = {"max_drawdown equity_curve_case", 0, 0, 0, 0};
    const cJSON *c = golden_get(golden_load("metrics_cases.json"), "equity_curve_case");
    size_t n;
    double *equity = golden_array(golden_get(c, "equity"), &n);
    ck_assert_uint_ge(n, 2);
    double *r = malloc((n - 1) * sizeof *r);
    ck_assert_ptr_nonnull(r);
    for (size_t t = 1; t < n; t++)
        r[t - 1] = equity[t] / equity[t - 1] - 1.0;
    double mdd;
    ck_assert_int_eq(pdrift_max_drawdown(r, n - 1, &mdd), PDRIFT_OK);
    check_metric("equity_curve_case", "max_drawdown", mdd, golden_double(c, "max_drawdown"),
                 METRIC_REL, &st);
    golden_stat_print(&st);
    free(r);
    free(equity);
}
END_TEST

/* ---- golden: `drift_pairs` ----------------------------------------------------------- */

/* SPEC §5: relative degradation when the baseline Sharpe is positive,
 * absolute (Sharpe units) otherwise. */
static double sharpe_degradation(double base, double cur)
{
    return base > 0.0 ? (base - cur) / base : base - cur;
}

START_TEST(test_golden_drift_pairs)
{
    static const char *const presets[] = {"low", "medium", "high"};
    golden_stat st_sb = {"drift sharpe_base", 0, 0, 0, 0};
    golden_stat st_sc = {"drift sharpe_cur", 0, 0, 0, 0};
    golden_stat st_deg = {"drift sharpe_degradation (abs 1e-12)", 0, 0, 0, 0};
    golden_stat st_mb = {"drift maxdd_base", 0, 0, 0, 0};
    golden_stat st_mc = {"drift maxdd_cur", 0, 0, 0, 0};
    golden_stat st_inc = {"drift maxdd_increase (abs 1e-12)", 0, 0, 0, 0};
    size_t flags_checked = 0, flags_fired = 0, pairs = 0;

    const cJSON *list = golden_get(golden_load("metrics_cases.json"), "drift_pairs");
    const cJSON *pair;
    cJSON_ArrayForEach(pair, list) {
        const char *id = cJSON_GetStringValue(golden_get(pair, "id"));
        size_t nb, nc;
        double *base = golden_array(golden_get(pair, "baseline"), &nb);
        double *cur = golden_array(golden_get(pair, "current"), &nc);
        double sb, sc, mb, mc;
        ck_assert_int_eq(pdrift_sharpe(base, nb, 252.0, &sb), PDRIFT_OK);
        ck_assert_int_eq(pdrift_sharpe(cur, nc, 252.0, &sc), PDRIFT_OK);
        ck_assert_int_eq(pdrift_max_drawdown(base, nb, &mb), PDRIFT_OK);
        ck_assert_int_eq(pdrift_max_drawdown(cur, nc, &mc), PDRIFT_OK);
        double deg = sharpe_degradation(sb, sc);
        double dd_inc = fabs(mc) - fabs(mb);

        const cJSON *decisions = golden_get(pair, "decisions");
        for (size_t k = 0; k < 3; k++) {
            const cJSON *d = golden_get(decisions, presets[k]);
            check_metric(id, "sharpe_base", sb, golden_double(d, "sharpe_base"), METRIC_REL, &st_sb);
            check_metric(id, "sharpe_cur", sc, golden_double(d, "sharpe_cur"), METRIC_REL, &st_sc);
            check_metric(id, "maxdd_base", mb, golden_double(d, "maxdd_base"), METRIC_REL, &st_mb);
            check_metric(id, "maxdd_cur", mc, golden_double(d, "maxdd_cur"), METRIC_REL, &st_mc);
            check_abs(id, "sharpe_degradation", deg, golden_double(d, "sharpe_degradation"),
                      DRIFT_ABS, &st_deg);
            check_abs(id, "maxdd_increase", dd_inc, golden_double(d, "maxdd_increase"), DRIFT_ABS,
                      &st_inc);

            const char *mode = cJSON_GetStringValue(golden_get(d, "degradation_mode"));
            ck_assert_str_eq(mode, sb > 0.0 ? "relative" : "absolute");

            /* Flags recomputed from the preset's tau and the fixed 0.10. */
            double tau = golden_double(d, "tau");
            int sharpe_flag = deg > tau, dd_flag = dd_inc > 0.10;
            ck_assert_msg(sharpe_flag == cJSON_IsTrue(golden_get(d, "sharpe_flag")),
                          "%s %s: sharpe_flag", id, presets[k]);
            ck_assert_msg(dd_flag == cJSON_IsTrue(golden_get(d, "maxdd_flag")), "%s %s: maxdd_flag",
                          id, presets[k]);
            ck_assert_msg((sharpe_flag || dd_flag) == cJSON_IsTrue(golden_get(d, "drift")),
                          "%s %s: drift", id, presets[k]);
            flags_checked += 3;
            flags_fired += (size_t)sharpe_flag + (size_t)dd_flag;
        }
        free(base);
        free(cur);
        pairs++;
    }
    ck_assert_uint_eq(pairs, 6);
    ck_assert_uint_gt(flags_fired, 0); /* the flags are not trivially all false */
    golden_stat_print(&st_sb);
    golden_stat_print(&st_sc);
    golden_stat_print(&st_deg);
    golden_stat_print(&st_mb);
    golden_stat_print(&st_mc);
    golden_stat_print(&st_inc);
    printf("golden  %-40s n=%-6zu exact (%zu fired)\n", "drift flags per preset", flags_checked,
           flags_fired);
    fflush(stdout);
}
END_TEST

/* ---- validation ---------------------------------------------------------------------- */

START_TEST(test_invalid_arguments)
{
    const double r[3] = {0.01, -0.02, 0.03};
    double out = 42.0;
    ck_assert_int_eq(pdrift_sharpe(NULL, 3, 252.0, &out), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_sharpe(r, 0, 252.0, &out), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_sharpe(r, 3, 252.0, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_max_drawdown(NULL, 3, &out), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_max_drawdown(r, 0, &out), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_max_drawdown(r, 3, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_win_rate(NULL, 3, &out), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_win_rate(r, 0, &out), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_win_rate(r, 3, NULL), PDRIFT_EINVAL);

    const double bad_periods[] = {0.0, -0.0, -252.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad_periods / sizeof bad_periods[0]; i++)
        ck_assert_int_eq(pdrift_sharpe(r, 3, bad_periods[i], &out), PDRIFT_EINVAL);
    ck_assert(out == 42.0); /* outputs are written only on success */
}
END_TEST

START_TEST(test_non_finite_returns)
{
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 3; i++) {
        double r[4] = {0.01, -0.02, 0.03, 0.0};
        r[2] = bad[i];
        double out = 42.0;
        ck_assert_int_eq(pdrift_sharpe(r, 4, 252.0, &out), PDRIFT_EDATA);
        ck_assert_int_eq(pdrift_max_drawdown(r, 4, &out), PDRIFT_EDATA);
        ck_assert_int_eq(pdrift_win_rate(r, 4, &out), PDRIFT_EDATA);
        ck_assert(out == 42.0);
    }
}
END_TEST

START_TEST(test_inputs_unchanged)
{
    double r[40], r0[40];
    for (size_t i = 0; i < 40; i++)
        r[i] = 0.01 * sin((double)i * 1.7) - (i % 5 == 0 ? 0.0 : 0.002);
    r[3] = -0.0;
    memcpy(r0, r, sizeof r);
    double out;
    ck_assert_int_eq(pdrift_sharpe(r, 40, 252.0, &out), PDRIFT_OK);
    ck_assert_int_eq(pdrift_max_drawdown(r, 40, &out), PDRIFT_OK);
    ck_assert_int_eq(pdrift_win_rate(r, 40, &out), PDRIFT_OK);
    (void)pdrift__sharpe(r, 40, 365.0, 0.05);
    size_t wins, decided;
    pdrift__win_counts(r, 40, &wins, &decided);
    ck_assert_int_eq(memcmp(r, r0, sizeof r), 0);
}
END_TEST

/* ---- Sharpe ratio ------------------------------------------------------------------------ */

START_TEST(test_sharpe_undefined)
{
    double out = 42.0;
    const double one[1] = {0.01};
    ck_assert_int_eq(pdrift_sharpe(one, 1, 252.0, &out), PDRIFT_OK);
    ck_assert(isnan(out));
    /* Constant series: sd = 0 exactly, whatever rounding the mean suffers.
     * numpy gives std([0.1]*3, ddof=1) = 1.7e-17 and a Sharpe of 9e16 for
     * three returns of 0.1 (0.1+0.1+0.1 = 0.30000000000000004); the SPEC's
     * "sd = 0" means the exact value, so the library answers NaN. */
    double tenths[13], zeros[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < 13; i++)
        tenths[i] = 0.1;
    ck_assert_int_eq(pdrift_sharpe(tenths, 3, 252.0, &out), PDRIFT_OK);
    ck_assert(isnan(out));
    ck_assert_int_eq(pdrift_sharpe(tenths, 13, 252.0, &out), PDRIFT_OK);
    ck_assert(isnan(out));
    ck_assert(isnan(pdrift__sharpe(tenths, 3, 252.0, 0.02)));
    ck_assert_int_eq(pdrift_sharpe(zeros, 5, 1.0, &out), PDRIFT_OK);
    ck_assert(isnan(out));
}
END_TEST

START_TEST(test_sharpe_by_hand)
{
    /* {0.01, 0.03}: mean 0.02, sd = sqrt((0.01^2 + 0.01^2)/1) = 0.01 sqrt 2,
     * per-period Sharpe = 0.02/(0.01 sqrt 2) = sqrt 2; with P = 252,
     * sqrt(2) sqrt(252) = sqrt(504). Negating the returns negates it. */
    const double r[2] = {0.01, 0.03}, neg[2] = {-0.01, -0.03};
    double out;
    ck_assert_int_eq(pdrift_sharpe(r, 2, 1.0, &out), PDRIFT_OK);
    ck_assert(golden_close(out, sqrt(2.0), 1e-14, 0.0));
    ck_assert_int_eq(pdrift_sharpe(r, 2, 252.0, &out), PDRIFT_OK);
    ck_assert(golden_close(out, sqrt(504.0), 1e-14, 0.0));
    ck_assert_int_eq(pdrift_sharpe(neg, 2, 252.0, &out), PDRIFT_OK);
    ck_assert(golden_close(out, -sqrt(504.0), 1e-14, 0.0));
    /* P = 1 and rf = 0.05: rf_p = 1.05^1 - 1 = 0.05 (up to rounding), so
     * x = {-0.04, -0.02}: mean -0.03, same sd, Sharpe = -0.03/(0.01 sqrt 2). */
    ck_assert(golden_close(pdrift__sharpe(r, 2, 1.0, 0.05), -3.0 / sqrt(2.0), 1e-13, 0.0));
    /* rf compounds: over P = 4 periods rf_p = 1.21^(1/4) - 1 = 1.1^(1/2) - 1. */
    double rf_p = sqrt(1.1) - 1.0;
    double expected = (0.02 - rf_p) / (0.01 * sqrt(2.0)) * 2.0;
    ck_assert(golden_close(pdrift__sharpe(r, 2, 4.0, 0.21), expected, 1e-13, 0.0));
}
END_TEST

/* ---- maximum drawdown --------------------------------------------------------------------- */

START_TEST(test_drawdown_conventions)
{
    double out;
    /* E_0 = 1 is part of the curve: a first loss of 10% is a 10% drawdown. */
    const double first[1] = {-0.1};
    ck_assert_int_eq(pdrift_max_drawdown(first, 1, &out), PDRIFT_OK);
    ck_assert(golden_close(out, -0.1, 1e-15, 0.0));
    /* 1 -> 1.1 -> 0.55 -> 0.825: worst (0.55 - 1.1)/1.1 = -0.5. */
    const double dip[3] = {0.1, -0.5, 0.5};
    ck_assert_int_eq(pdrift_max_drawdown(dip, 3, &out), PDRIFT_OK);
    ck_assert(golden_close(out, -0.5, 1e-15, 0.0));
    /* Ruin: a -100% return (or worse) is a drawdown of -1, whatever follows. */
    const double wipe[3] = {0.1, -1.0, 0.5};
    ck_assert_int_eq(pdrift_max_drawdown(wipe, 3, &out), PDRIFT_OK);
    ck_assert(out == -1.0);
    const double worse[2] = {-1.5, 3.0};
    ck_assert_int_eq(pdrift_max_drawdown(worse, 2, &out), PDRIFT_OK);
    ck_assert(out == -1.0);
    /* Only gains: no drawdown, +0.0. */
    const double up[3] = {0.01, 0.0, 0.02};
    ck_assert_int_eq(pdrift_max_drawdown(up, 3, &out), PDRIFT_OK);
    ck_assert(out == 0.0 && !signbit(out));
}
END_TEST

/* ---- win rate ------------------------------------------------------------------------------ */

START_TEST(test_win_rate_zeros)
{
    double out;
    const double zeros[4] = {0.0, -0.0, 0.0, 0.0};
    ck_assert_int_eq(pdrift_win_rate(zeros, 4, &out), PDRIFT_OK);
    ck_assert(isnan(out));
    /* -0.0 is a zero: neither a win nor a loss. 2 wins of 3 decided. */
    const double mixed[6] = {0.01, -0.0, -0.02, 0.0, 0.03, -0.0};
    ck_assert_int_eq(pdrift_win_rate(mixed, 6, &out), PDRIFT_OK);
    ck_assert(out == 2.0 / 3.0);
    size_t wins = 99, decided = 99;
    pdrift__win_counts(mixed, 6, &wins, &decided);
    ck_assert_uint_eq(wins, 2);
    ck_assert_uint_eq(decided, 3);
    const double losses[2] = {-0.01, -0.5};
    ck_assert_int_eq(pdrift_win_rate(losses, 2, &out), PDRIFT_OK);
    ck_assert(out == 0.0);
}
END_TEST

/* ---- suite ---------------------------------------------------------------------------------- */

static Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");

    TCase *golden = tcase_create("golden");
    tcase_set_timeout(golden, 30);
    tcase_add_test(golden, test_golden_series);
    tcase_add_test(golden, test_golden_equity_curve);
    tcase_add_test(golden, test_golden_drift_pairs);
    suite_add_tcase(s, golden);

    TCase *validation = tcase_create("validation");
    tcase_add_test(validation, test_invalid_arguments);
    tcase_add_test(validation, test_non_finite_returns);
    tcase_add_test(validation, test_inputs_unchanged);
    suite_add_tcase(s, validation);

    TCase *values = tcase_create("values");
    tcase_add_test(values, test_sharpe_undefined);
    tcase_add_test(values, test_sharpe_by_hand);
    tcase_add_test(values, test_drawdown_conventions);
    tcase_add_test(values, test_win_rate_zeros);
    suite_add_tcase(s, values);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(metrics_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
