/*
 * check_multitest.c — multiple-testing corrections of the KS p-values
 * (lib/multitest.c, SPEC.md §3.5).
 *
 * Expected values are computed by hand in the comments (or, for random
 * vectors, by a brute-force O(m^2) reading of the definitions that does not
 * sort), never taken from the function under test. Properties: ties, NaN
 * entries (not tests: skipped, left NaN, not counted in m), in-place use,
 * m = 1, the cap at 1, monotonicity in p, adjusted >= raw, the ordering
 * Bonferroni >= Holm >= BH, and the unknown method.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <ploutos_drift.h>

#include "internal.h"

/* Hand-computed values like 0.03 * 4 / 3 are not exact in binary: a few ulps. */
#define TOL 1e-15

static const pdrift_correction ALL_METHODS[4] = {PDRIFT_CORRECTION_NONE,
                                                 PDRIFT_CORRECTION_BONFERRONI,
                                                 PDRIFT_CORRECTION_HOLM, PDRIFT_CORRECTION_BH};

static const char *method_name(pdrift_correction c)
{
    switch (c) {
    case PDRIFT_CORRECTION_NONE: return "none";
    case PDRIFT_CORRECTION_BONFERRONI: return "bonferroni";
    case PDRIFT_CORRECTION_HOLM: return "holm";
    case PDRIFT_CORRECTION_BH: return "bh";
    }
    return "?";
}

static void adjust(const double *p, size_t m, pdrift_correction method, double *out)
{
    ck_assert_int_eq(pdrift__adjust_pvalues(p, m, method, out), PDRIFT_OK);
}

/* got[i] == want[i] within TOL, NaN matching NaN only. */
static void assert_vector(const char *what, const double *got, const double *want, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        if (isnan(want[i])) {
            ck_assert_msg(isnan(got[i]), "%s[%zu]: got %.17g, want NaN", what, i, got[i]);
            continue;
        }
        ck_assert_msg(!isnan(got[i]) && fabs(got[i] - want[i]) <= TOL, "%s[%zu]: got %.17g, want %.17g",
                      what, i, got[i], want[i]);
    }
}

/* Deterministic uniform(0, 1) values (splitmix64). */
static double uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

/* ---- hand-computed examples ------------------------------------------------------- */

/* p = {0.01, 0.04, 0.03, 0.005}, m = 4. Sorted: 0.005 (#3), 0.01 (#0), 0.03 (#2), 0.04 (#1).
 *  bonferroni: 4p                          = {0.04, 0.16, 0.12, 0.02}
 *  holm: (m-j+1) p_(j) = 0.02, 0.03, 0.06, 0.04 -> running max 0.02, 0.03, 0.06, 0.06
 *                                          = {0.03, 0.06, 0.06, 0.02}
 *  bh:   p_(j) m / j   = 0.02, 0.02, 0.04, 0.04 -> running min from the top (same)
 *                                          = {0.02, 0.04, 0.04, 0.02} */
static const double P4[4] = {0.01, 0.04, 0.03, 0.005};

START_TEST(test_example_none)
{
    double out[4];
    adjust(P4, 4, PDRIFT_CORRECTION_NONE, out);
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(out[i], P4[i]); /* bit for bit */
}
END_TEST

START_TEST(test_example_bonferroni)
{
    const double want[4] = {0.04, 0.16, 0.12, 0.02};
    double out[4];
    adjust(P4, 4, PDRIFT_CORRECTION_BONFERRONI, out);
    assert_vector("bonferroni", out, want, 4);
}
END_TEST

START_TEST(test_example_holm)
{
    const double want[4] = {0.03, 0.06, 0.06, 0.02};
    double out[4];
    adjust(P4, 4, PDRIFT_CORRECTION_HOLM, out);
    assert_vector("holm", out, want, 4);
}
END_TEST

START_TEST(test_example_bh)
{
    const double want[4] = {0.02, 0.04, 0.04, 0.02};
    double out[4];
    adjust(P4, 4, PDRIFT_CORRECTION_BH, out);
    assert_vector("bh", out, want, 4);
}
END_TEST

/* A second BH example where the step-up minimum matters:
 * p = {0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205}, m = 8 (already sorted):
 * p m / j = 0.008, 0.032, 0.104, 0.082, 0.0672, 0.08, 0.084571..., 0.205
 * min from the top: 0.205, 0.0845714, 0.08, 0.0672, 0.0672, 0.0672, 0.032, 0.008.
 * Holm: (9-j) p = 0.008, 0.056, 0.234, 0.205, 0.168, 0.18, 0.148, 0.205
 *       running max: 0.008, 0.056, 0.234, 0.234, 0.234, 0.234, 0.234, 0.234. */
START_TEST(test_example_step_up_and_step_down)
{
    const double p[8] = {0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205};
    const double bh[8] = {0.008, 0.032, 0.0672, 0.0672, 0.0672, 0.08, 0.074 * 8.0 / 7.0, 0.205};
    const double holm[8] = {0.008, 0.056, 0.234, 0.234, 0.234, 0.234, 0.234, 0.234};
    double out[8];
    adjust(p, 8, PDRIFT_CORRECTION_BH, out);
    assert_vector("bh", out, bh, 8);
    adjust(p, 8, PDRIFT_CORRECTION_HOLM, out);
    assert_vector("holm", out, holm, 8);

    /* The same numbers in reverse order give the same adjusted value per test. */
    double rev[8], want_bh[8], want_holm[8];
    for (size_t i = 0; i < 8; i++) {
        rev[i] = p[7 - i];
        want_bh[i] = bh[7 - i];
        want_holm[i] = holm[7 - i];
    }
    adjust(rev, 8, PDRIFT_CORRECTION_BH, out);
    assert_vector("bh reversed", out, want_bh, 8);
    adjust(rev, 8, PDRIFT_CORRECTION_HOLM, out);
    assert_vector("holm reversed", out, want_holm, 8);
}
END_TEST

/* ---- ties ------------------------------------------------------------------------ */

/* p = {0.02, 0.5, 0.02, 0.02}, m = 4; sorted 0.02, 0.02, 0.02, 0.5.
 * bh: p m / j = 0.08, 0.04, 0.02667, 0.5 -> min from the top: 0.5, 0.02667 x 3:
 *     every tied test gets 0.08 / 3, whatever order the ties were ranked in.
 * holm: 4p, 3p, 2p = 0.08, 0.06, 0.04 -> running max 0.08 x 3; then 1 x 0.5 = 0.5.
 * bonferroni: 0.08 x 3, 1 (2.0 capped). */
START_TEST(test_ties)
{
    const double p[4] = {0.02, 0.5, 0.02, 0.02};
    const double bh[4] = {0.08 / 3.0, 0.5, 0.08 / 3.0, 0.08 / 3.0};
    const double holm[4] = {0.08, 0.5, 0.08, 0.08};
    const double bonf[4] = {0.08, 1.0, 0.08, 0.08};
    double out[4];
    adjust(p, 4, PDRIFT_CORRECTION_BH, out);
    assert_vector("bh ties", out, bh, 4);
    /* tied inputs, identical outputs (bit for bit) */
    ck_assert_double_eq(out[0], out[2]);
    ck_assert_double_eq(out[0], out[3]);
    adjust(p, 4, PDRIFT_CORRECTION_HOLM, out);
    assert_vector("holm ties", out, holm, 4);
    ck_assert_double_eq(out[0], out[2]);
    ck_assert_double_eq(out[0], out[3]);
    adjust(p, 4, PDRIFT_CORRECTION_BONFERRONI, out);
    assert_vector("bonferroni ties", out, bonf, 4);
}
END_TEST

/* All equal: bh gives p (p m / m at the top, then min), holm m p, bonferroni m p. */
START_TEST(test_all_equal)
{
    const double p[5] = {0.01, 0.01, 0.01, 0.01, 0.01};
    double out[5];
    adjust(p, 5, PDRIFT_CORRECTION_BH, out);
    for (size_t i = 0; i < 5; i++)
        ck_assert_double_eq_tol(out[i], 0.01, TOL);
    adjust(p, 5, PDRIFT_CORRECTION_HOLM, out);
    for (size_t i = 0; i < 5; i++)
        ck_assert_double_eq_tol(out[i], 0.05, TOL);
    adjust(p, 5, PDRIFT_CORRECTION_BONFERRONI, out);
    for (size_t i = 0; i < 5; i++)
        ck_assert_double_eq_tol(out[i], 0.05, TOL);
}
END_TEST

/* ---- NaN entries ------------------------------------------------------------------ */

/* p = {0.01, NaN, 0.04, NaN, 0.03}: three tests (m = 3, not 5).
 * bonferroni: 0.03, 0.12, 0.09
 * holm: sorted 0.01, 0.03, 0.04 -> 3p, 2p, 1p = 0.03, 0.06, 0.04 -> max 0.03, 0.06, 0.06
 * bh:   p 3 / j = 0.03, 0.045, 0.04 -> min from the top 0.04, 0.04, 0.03
 *       -> #0 0.03, #4 0.04, #2 0.04. */
START_TEST(test_nan_skipped)
{
    const double p[5] = {0.01, NAN, 0.04, NAN, 0.03};
    const double none[5] = {0.01, NAN, 0.04, NAN, 0.03};
    const double bonf[5] = {0.03, NAN, 0.12, NAN, 0.09};
    const double holm[5] = {0.03, NAN, 0.06, NAN, 0.06};
    const double bh[5] = {0.03, NAN, 0.04, NAN, 0.04};
    double out[5];
    adjust(p, 5, PDRIFT_CORRECTION_NONE, out);
    assert_vector("none", out, none, 5);
    adjust(p, 5, PDRIFT_CORRECTION_BONFERRONI, out);
    assert_vector("bonferroni", out, bonf, 5);
    adjust(p, 5, PDRIFT_CORRECTION_HOLM, out);
    assert_vector("holm", out, holm, 5);
    adjust(p, 5, PDRIFT_CORRECTION_BH, out);
    assert_vector("bh", out, bh, 5);
}
END_TEST

/* Output slots of NaN inputs are written NaN even if the caller's buffer held
 * something else; all-NaN input stays all NaN. */
START_TEST(test_nan_outputs_overwritten)
{
    const double p[3] = {NAN, 0.2, NAN};
    for (size_t k = 0; k < 4; k++) {
        double out[3] = {0.5, 0.5, 0.5};
        adjust(p, 3, ALL_METHODS[k], out);
        ck_assert_msg(isnan(out[0]) && isnan(out[2]), "%s: NaN slots not NaN", method_name(ALL_METHODS[k]));
        ck_assert_double_eq_tol(out[1], 0.2, TOL); /* a single test: m = 1 */
    }
    const double all_nan[4] = {NAN, NAN, NAN, NAN};
    for (size_t k = 0; k < 4; k++) {
        double out[4] = {0.1, 0.2, 0.3, 0.4};
        adjust(all_nan, 4, ALL_METHODS[k], out);
        for (size_t i = 0; i < 4; i++)
            ck_assert(isnan(out[i]));
    }
}
END_TEST

/* ---- aliasing, sizes ----------------------------------------------------------- */

START_TEST(test_in_place)
{
    const double p[5] = {0.01, NAN, 0.04, 0.005, 0.03};
    for (size_t k = 0; k < 4; k++) {
        double separate[5], inplace[5];
        memcpy(inplace, p, sizeof p);
        adjust(p, 5, ALL_METHODS[k], separate);
        adjust(inplace, 5, ALL_METHODS[k], inplace);
        for (size_t i = 0; i < 5; i++)
            ck_assert_msg(isnan(separate[i]) ? isnan(inplace[i]) : inplace[i] == separate[i],
                          "%s in place [%zu]: %.17g vs %.17g", method_name(ALL_METHODS[k]), i,
                          inplace[i], separate[i]);
    }
    /* and the in-place BH numbers are the hand-computed ones (m = 4 tests):
     * sorted 0.005, 0.01, 0.03, 0.04 -> 0.02, 0.02, 0.04, 0.04 */
    double v[5];
    memcpy(v, p, sizeof p);
    adjust(v, 5, PDRIFT_CORRECTION_BH, v);
    const double want[5] = {0.02, NAN, 0.04, 0.02, 0.04};
    assert_vector("bh in place", v, want, 5);
}
END_TEST

START_TEST(test_input_untouched)
{
    const double p[4] = {0.01, 0.04, 0.03, 0.005};
    double copy[4];
    memcpy(copy, p, sizeof p);
    double out[4];
    for (size_t k = 0; k < 4; k++) {
        adjust(copy, 4, ALL_METHODS[k], out);
        ck_assert(memcmp(copy, p, sizeof p) == 0);
    }
}
END_TEST

START_TEST(test_single_test)
{
    const double values[] = {0.0, 1e-300, 0.03, 0.5, 1.0};
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++)
        for (size_t k = 0; k < 4; k++) {
            double out = -1.0;
            adjust(&values[v], 1, ALL_METHODS[k], &out);
            ck_assert_msg(out == values[v], "%s m=1: %.17g -> %.17g", method_name(ALL_METHODS[k]),
                          values[v], out);
        }
}
END_TEST

START_TEST(test_zero_tests)
{
    double dummy = 0.7;
    for (size_t k = 0; k < 4; k++) {
        ck_assert_int_eq(pdrift__adjust_pvalues(&dummy, 0, ALL_METHODS[k], &dummy), PDRIFT_OK);
        ck_assert_double_eq(dummy, 0.7);
    }
}
END_TEST

/* ---- the cap at 1 ----------------------------------------------------------------- */

/* p = {0.3, 0.6, 0.9, 0.45}, m = 4.
 * bonferroni: 1.2, 2.4, 3.6, 1.8 -> all 1.
 * holm: sorted 0.3, 0.45, 0.6, 0.9 -> 1.2, 1.35, 1.2, 0.9 -> capped 1, 1, 1, 0.9 -> max: all 1.
 * bh: p 4 / j = 1.2, 0.9, 0.8, 0.9 -> capped 1, 0.9, 0.8, 0.9 -> min from the top:
 *     0.9, 0.8, 0.8, 0.8 -> #0 (0.3) 0.8, #3 (0.45) 0.8, #1 (0.6) 0.8, #2 (0.9) 0.9. */
START_TEST(test_capped_at_one)
{
    const double p[4] = {0.3, 0.6, 0.9, 0.45};
    const double bonf[4] = {1.0, 1.0, 1.0, 1.0};
    const double holm[4] = {1.0, 1.0, 1.0, 1.0};
    const double bh[4] = {0.8, 0.8, 0.9, 0.8};
    double out[4];
    adjust(p, 4, PDRIFT_CORRECTION_BONFERRONI, out);
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(out[i], 1.0); /* exactly 1, not 1.2 */
    assert_vector("bonferroni", out, bonf, 4);
    adjust(p, 4, PDRIFT_CORRECTION_HOLM, out);
    assert_vector("holm", out, holm, 4);
    adjust(p, 4, PDRIFT_CORRECTION_BH, out);
    assert_vector("bh", out, bh, 4);
}
END_TEST

/* ---- properties on random vectors ------------------------------------------------ */

/* Brute force from the definitions, for distinct p: the rank of p_i is
 * 1 + #(p_j < p_i). */
static void brute_force(const double *p, size_t m, pdrift_correction method, double *out)
{
    for (size_t i = 0; i < m; i++) {
        if (method == PDRIFT_CORRECTION_NONE) {
            out[i] = p[i];
            continue;
        }
        if (method == PDRIFT_CORRECTION_BONFERRONI) {
            out[i] = fmin(1.0, (double)m * p[i]);
            continue;
        }
        double acc = method == PDRIFT_CORRECTION_HOLM ? 0.0 : 1.0;
        for (size_t j = 0; j < m; j++) {
            size_t rank = 1;
            for (size_t k = 0; k < m; k++)
                rank += p[k] < p[j];
            if (method == PDRIFT_CORRECTION_HOLM && p[j] <= p[i]) /* max over j <= i */
                acc = fmax(acc, fmin(1.0, (double)(m - rank + 1) * p[j]));
            if (method == PDRIFT_CORRECTION_BH && p[j] >= p[i]) /* min over j >= i */
                acc = fmin(acc, fmin(1.0, p[j] * (double)m / (double)rank));
        }
        out[i] = acc;
    }
}

START_TEST(test_random_against_brute_force)
{
    uint64_t state = 20240611u;
    enum { M = 60 };
    for (int round = 0; round < 20; round++) {
        double p[M], got[M], want[M];
        for (size_t i = 0; i < M; i++) {
            double u = uniform(&state);
            p[i] = round % 2 ? u : u * u * u * 0.1; /* many small p-values on odd rounds */
        }
        for (size_t k = 0; k < 4; k++) {
            adjust(p, M, ALL_METHODS[k], got);
            brute_force(p, M, ALL_METHODS[k], want);
            for (size_t i = 0; i < M; i++)
                ck_assert_msg(fabs(got[i] - want[i]) <= 1e-14 * fmax(1.0, want[i]),
                              "%s round %d [%zu]: %.17g vs brute force %.17g",
                              method_name(ALL_METHODS[k]), round, i, got[i], want[i]);
        }
    }
}
END_TEST

START_TEST(test_monotone_and_bounded)
{
    uint64_t state = 77u;
    enum { M = 40 };
    double p[M], a[4][M];
    for (size_t i = 0; i < M; i++)
        p[i] = uniform(&state) * (i % 3 == 0 ? 0.01 : 1.0);
    p[5] = p[6]; /* one tie */
    for (size_t k = 0; k < 4; k++)
        adjust(p, M, ALL_METHODS[k], a[k]);
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < M; i++) {
            ck_assert_msg(a[k][i] >= p[i] && a[k][i] <= 1.0, "%s [%zu]: %.17g for p %.17g",
                          method_name(ALL_METHODS[k]), i, a[k][i], p[i]);
            for (size_t j = 0; j < M; j++)
                if (p[i] <= p[j])
                    ck_assert_msg(a[k][i] <= a[k][j], "%s not monotone: p %.6g -> %.6g, p %.6g -> %.6g",
                                  method_name(ALL_METHODS[k]), p[i], a[k][i], p[j], a[k][j]);
        }
    /* Bonferroni >= Holm >= BH >= none, test by test (Holm's step-down maximum
     * is at least the Hochberg step-up value, which is at least BH's since
     * (m - j + 1) j >= m). */
    for (size_t i = 0; i < M; i++) {
        ck_assert(a[1][i] >= a[2][i]);
        ck_assert(a[2][i] >= a[3][i]);
        ck_assert(a[3][i] >= a[0][i]);
    }
}
END_TEST

/* Found by tests/fuzz/fuzz_csv (corpus file csv/bh-below-raw): with p * m / j
 * the product is rounded before the division, and p = 0.8500000000000001 as
 * the largest of m = 5 p-values came out 0.85, below itself. Every adjusted
 * value must be at least its raw p-value, bit for bit, whatever rounding does. */
START_TEST(test_never_below_raw_after_rounding)
{
    const double p5[5] = {0.01, 0.2, 0.3, 0.4, 0.8500000000000001};
    double out[5];
    adjust(p5, 5, PDRIFT_CORRECTION_BH, out);
    ck_assert_msg(out[4] >= p5[4], "bh: %.17g for p %.17g", out[4], p5[4]);
    uint64_t state = 31u;
    for (size_t m = 1; m <= 48; m++)
        for (int round = 0; round < 200; round++) {
            double p[48], a[48];
            for (size_t i = 0; i < m; i++)
                p[i] = uniform(&state);
            for (size_t k = 0; k < 4; k++) {
                adjust(p, m, ALL_METHODS[k], a);
                for (size_t i = 0; i < m; i++) /* a plain if: a ck_assert is a message to Check */
                    if (!(a[i] >= p[i]))
                        ck_abort_msg("%s, m = %zu: %.17g for p %.17g", method_name(ALL_METHODS[k]), m,
                                     a[i], p[i]);
            }
        }
}
END_TEST

/* ---- errors ------------------------------------------------------------------------ */

START_TEST(test_unknown_method)
{
    const double p[2] = {0.01, 0.02};
    double out[2] = {-1.0, -2.0};
    ck_assert_int_eq(pdrift__adjust_pvalues(p, 2, (pdrift_correction)4, out), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__adjust_pvalues(p, 2, (pdrift_correction)-1, out), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__adjust_pvalues(p, 2, (pdrift_correction)99, out), PDRIFT_EINVAL);
    /* nothing written */
    ck_assert_double_eq(out[0], -1.0);
    ck_assert_double_eq(out[1], -2.0);
    /* the enum values are the public ones */
    ck_assert_int_eq(PDRIFT_CORRECTION_BH, 0);
    ck_assert_int_eq(PDRIFT_CORRECTION_NONE, 1);
    ck_assert_int_eq(PDRIFT_CORRECTION_BONFERRONI, 2);
    ck_assert_int_eq(PDRIFT_CORRECTION_HOLM, 3);
}
END_TEST

static Suite *multitest_suite(void)
{
    Suite *s = suite_create("multitest");

    TCase *examples = tcase_create("examples");
    tcase_add_test(examples, test_example_none);
    tcase_add_test(examples, test_example_bonferroni);
    tcase_add_test(examples, test_example_holm);
    tcase_add_test(examples, test_example_bh);
    tcase_add_test(examples, test_example_step_up_and_step_down);
    tcase_add_test(examples, test_ties);
    tcase_add_test(examples, test_all_equal);
    tcase_add_test(examples, test_capped_at_one);
    suite_add_tcase(s, examples);

    TCase *entries = tcase_create("entries");
    tcase_add_test(entries, test_nan_skipped);
    tcase_add_test(entries, test_nan_outputs_overwritten);
    tcase_add_test(entries, test_in_place);
    tcase_add_test(entries, test_input_untouched);
    tcase_add_test(entries, test_single_test);
    tcase_add_test(entries, test_zero_tests);
    tcase_add_test(entries, test_unknown_method);
    suite_add_tcase(s, entries);

    TCase *props = tcase_create("properties");
    tcase_add_test(props, test_random_against_brute_force);
    tcase_add_test(props, test_monotone_and_bounded);
    tcase_add_test(props, test_never_below_raw_after_rounding);
    suite_add_tcase(s, props);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(multitest_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
