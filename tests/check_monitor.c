/*
 * check_monitor.c — the monitor (lib/monitor.c, lib/detect.c, lib/result.c):
 * lifecycle and errors, the window, the per-feature decision of SPEC §3 at
 * every preset, the combination of SPEC §6 for data drift, the
 * recommendations, the getters, the serial correction and the CSV loaders.
 *
 * How expected values are obtained. The decision tests use synthetic data
 * built to sit on either side of every threshold:
 *  - baseline: the integers 0..999 (M = 1000). Its type-7 deciles are 99.9 k,
 *    so decile i holds exactly the values 100 i .. 100 i + 99;
 *  - PSI patterns (10 bins): decile 0 of the current sample holds N/10 + k
 *    values, decile 9 N/10 - k, the others N/10, spread inside each decile.
 *    With delta = k/N: PSI = delta ln((0.1 + delta)/(0.1 - delta)) (computed
 *    here in closed form) and D = delta;
 *  - KS patterns (2 bins, cut at the median 499.5): z copies of 0, then
 *    z..499, then 500..999: both halves keep 500 values (PSI = 0 exactly) and
 *    D = (z - 1)/1000 exactly (the exact method returns h / lcm);
 *  - missing-rate patterns: m NaN rows among 100, the values spread evenly.
 * p-values come from the stateless pdrift_psi / pdrift_ks_2samp on the same
 * arrays (asserted as preconditions on the intended side of alpha) or, for the
 * missing-rate z-test and the chi-square critical values, from the formulas of
 * SPEC §3.4 and §2.3 evaluated here. Unless a test says otherwise
 * PDRIFT_PARAM_SERIAL_CORRECTION is off, so the tests' p-values are the
 * textbook ones; the serial-correction tests turn it on.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <cJSON.h>
#include <gsl/gsl_cdf.h>

#include <ploutos_drift.h>

#include "internal.h"

#define REL 1e-12 /* monitor vs stateless statistic on the same arrays */

/* ---- configuration and monitor helpers ------------------------------------------ */

static void cfg_int(pdrift_config *c, pdrift_param p, long long v)
{
    ck_assert_int_eq(pdrift_config_set_int(c, p, v), PDRIFT_OK);
}

static void cfg_dbl(pdrift_config *c, pdrift_param p, double v)
{
    ck_assert_int_eq(pdrift_config_set_double(c, p, v), PDRIFT_OK);
}

/* A config at sensitivity s with the serial correction off. */
static pdrift_config *config_for(pdrift_sensitivity s)
{
    pdrift_config *c = NULL;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    cfg_int(c, PDRIFT_PARAM_SENSITIVITY, s);
    cfg_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, 0);
    return c;
}

/* A monitor from a config; the config is freed. */
static pdrift_monitor *monitor_from(pdrift_config *c)
{
    pdrift_monitor *m = NULL;
    ck_assert_int_eq(pdrift_monitor_new(&m, c), PDRIFT_OK);
    ck_assert_ptr_nonnull(m);
    pdrift_config_free(c);
    return m;
}

static void set_baseline(pdrift_monitor *m, const char *const *names, size_t nf, const double *rows,
                         size_t n)
{
    int rc = pdrift_baseline_set(m, names, nf, rows, n);
    ck_assert_msg(rc == PDRIFT_OK, "baseline_set: %d %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
}

static void observe(pdrift_monitor *m, const double *rows, size_t n)
{
    int rc = pdrift_observe_batch(m, rows, n);
    ck_assert_msg(rc == PDRIFT_OK, "observe_batch: %d %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
}

static void detect(pdrift_monitor *m)
{
    int rc = pdrift_detect(m);
    ck_assert_msg(rc == PDRIFT_OK, "detect: %d %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
}

/* One feature "x": baseline b, current c, detect. */
static pdrift_monitor *run_one(pdrift_config *cfg, const double *b, size_t nb, const double *c, size_t nc)
{
    static const char *const names[1] = {"x"};
    pdrift_monitor *m = monitor_from(cfg);
    set_baseline(m, names, 1, b, nb);
    if (nc > 0)
        observe(m, c, nc);
    detect(m);
    return m;
}

static double fget(const pdrift_monitor *m, size_t f, pdrift_feature_key k)
{
    double v = -12345.0;
    ck_assert_int_eq(pdrift_result_feature(m, f, k, &v), PDRIFT_OK);
    return v;
}

static double rget(const pdrift_monitor *m, pdrift_result_key k)
{
    double v = -12345.0;
    ck_assert_int_eq(pdrift_result_get(m, k, &v), PDRIFT_OK);
    return v;
}

static pdrift_severity severity_of(const pdrift_monitor *m)
{
    pdrift_severity s = (pdrift_severity)-1;
    ck_assert_int_eq(pdrift_result_severity(m, &s), PDRIFT_OK);
    return s;
}

static pdrift_action action_of(const pdrift_monitor *m)
{
    pdrift_action a = (pdrift_action)-1;
    ck_assert_int_eq(pdrift_result_action(m, &a), PDRIFT_OK);
    return a;
}

static const char *recommendation(const pdrift_monitor *m, size_t i)
{
    const char *s = NULL;
    ck_assert_int_eq(pdrift_result_recommendation(m, i, &s), PDRIFT_OK);
    ck_assert_ptr_nonnull(s);
    return s;
}

static void expect_feature(const pdrift_monitor *m, size_t f, pdrift_feature_status status,
                           pdrift_severity sev, unsigned gates, const char *what)
{
    double st = fget(m, f, PDRIFT_FEATURE_STATUS), sv = fget(m, f, PDRIFT_FEATURE_SEVERITY),
           g = fget(m, f, PDRIFT_FEATURE_GATES);
    ck_assert_msg(st == (double)status && sv == (double)sev && g == (double)gates,
                  "%s: status %g severity %g gates %g, want %d %d %u (psi %.6g p %.3g D %.6g p_adj %.3g "
                  "miss %.3g -> %.3g p %.3g)",
                  what, st, sv, g, (int)status, (int)sev, gates, fget(m, f, PDRIFT_FEATURE_PSI),
                  fget(m, f, PDRIFT_FEATURE_PSI_PVALUE), fget(m, f, PDRIFT_FEATURE_KS_STATISTIC),
                  fget(m, f, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED),
                  fget(m, f, PDRIFT_FEATURE_MISSING_BASELINE),
                  fget(m, f, PDRIFT_FEATURE_MISSING_CURRENT),
                  fget(m, f, PDRIFT_FEATURE_MISSING_PVALUE));
}

/* The overall verdict of a data-only detection (SPEC §6). */
static void expect_verdict(const pdrift_monitor *m, pdrift_severity sev, pdrift_action act, const char *what)
{
    ck_assert_msg(severity_of(m) == sev, "%s: severity %d, want %d", what, (int)severity_of(m), (int)sev);
    ck_assert_msg(action_of(m) == act, "%s: action %d, want %d", what, (int)action_of(m), (int)act);
    unsigned types = 99, type = 99;
    ck_assert_int_eq(pdrift_result_drift_types(m, &types), PDRIFT_OK);
    ck_assert_int_eq(pdrift_result_drift_type(m, &type), PDRIFT_OK);
    unsigned want = sev == PDRIFT_SEVERITY_NONE ? 0u : (unsigned)PDRIFT_DRIFT_DATA;
    ck_assert_msg(types == want && type == want, "%s: drift types %u type %u", what, types, type);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_DATA_SEVERITY), (double)sev);
}

static void assert_rel(double got, double want, double rel, const char *what)
{
    ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s: got %.17g, want %.17g", what, got, want);
}

/* ---- data builders ---------------------------------------------------------------- */

static double *alloc_doubles(size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* 0, 1, ..., n - 1 */
static void fill_grid(double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (double)i;
}

/* counts[i] values in decile i (100 i .. 100 i + 99) of the grid baseline. */
static size_t from_decile_counts(const size_t counts[10], double *out)
{
    size_t n = 0;
    for (size_t i = 0; i < 10; i++)
        for (size_t j = 0; j < counts[i]; j++)
            out[n++] = (double)(100 * i + (j * 100) / counts[i]);
    return n;
}

/* PSI pattern: n values (a multiple of 10), decile 0 with n/10 + k, decile 9 n/10 - k. */
static size_t psi_pattern(size_t n, size_t k, double *out)
{
    size_t counts[10];
    for (size_t i = 0; i < 10; i++)
        counts[i] = n / 10;
    counts[0] += k;
    counts[9] -= k;
    return from_decile_counts(counts, out);
}

/* Closed form of the PSI pattern: delta ln((0.1 + delta)/(0.1 - delta)). */
static double psi_pattern_value(size_t n, size_t k)
{
    double q0 = (double)(n / 10 + k) / (double)n, q9 = (double)(n / 10 - k) / (double)n;
    return (q0 - 0.1) * log(q0 / 0.1) + (q9 - 0.1) * log(q9 / 0.1);
}

/* KS pattern of 1000 values: z zeros, z..499, 500..999; D = (z - 1)/1000, halves equal. */
static size_t ks_pattern(size_t z, double *out)
{
    size_t n = 0;
    for (size_t j = 0; j < z; j++)
        out[n++] = 0.0;
    for (size_t v = z; v < 1000; v++)
        out[n++] = (double)v;
    return n;
}

/* KS pattern of n values (even): n/2 in the lower half (z of them at 0, the
 * rest spread), n/2 spread in the upper half. */
static size_t ks_pattern_small(size_t n, size_t z, double *out)
{
    size_t h = n / 2, k = 0;
    for (size_t j = 0; j < h; j++)
        out[k++] = j < z ? 0.0 : (double)(500 * (j - z) / (h - z));
    for (size_t j = 0; j < n - h; j++)
        out[k++] = (double)(500 + 500 * j / (n - h));
    return k;
}

/* Two-bin PSI pattern of 1000 values: `low` values at 0, the rest spread in the upper half. */
static size_t two_bin_pattern(size_t low, double *out)
{
    size_t k = 0;
    for (size_t j = 0; j < low; j++)
        out[k++] = 0.0;
    for (size_t j = 0; j < 1000 - low; j++)
        out[k++] = (double)(500 + 500 * j / (1000 - low));
    return k;
}

/* PSI of two bins with baseline shares 1/2: (q - 1/2) ln(2q) + ((1-q) - 1/2) ln(2(1-q)). */
static double two_bin_psi(double q)
{
    return (q - 0.5) * log(q / 0.5) + ((1.0 - q) - 0.5) * log((1.0 - q) / 0.5);
}

/* n values spread evenly over [0, 1000). */
static void fill_spread(double *v, size_t n)
{
    for (size_t j = 0; j < n; j++)
        v[j] = floor(((double)j + 0.5) * 1000.0 / (double)n);
}

/* m NaN followed by n - m spread values. */
static void fill_missing(double *v, size_t n, size_t m)
{
    for (size_t j = 0; j < m; j++)
        v[j] = NAN;
    fill_spread(v + m, n - m);
}

/* SPEC §3.4, evaluated here. */
static double missing_rise_p(double mb, double nb, double mc, double nc)
{
    double rb = mb / nb, rc = mc / nc, pooled = (mb + mc) / (nb + nc);
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / nb + 1.0 / nc));
    if (!(se > 0.0))
        return 1.0;
    return 0.5 * erfc(((rc - rb) / se) / sqrt(2.0));
}

/* Row-major rows from nf columns of n values. */
static double *rows_of(const double *const *cols, size_t nf, size_t n)
{
    double *r = alloc_doubles(nf * n);
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < nf; f++)
            r[i * nf + f] = cols[f][i];
    return r;
}

/* ---- deterministic noise (splitmix64, Box-Muller) -------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static double rng_uniform(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(rng *r)
{
    double u = rng_uniform(r), v = rng_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static void fill_rolling_mean(double *x, size_t n, size_t L, uint64_t seed)
{
    rng r = {seed};
    double *e = alloc_doubles(n + L - 1);
    for (size_t i = 0; i < n + L - 1; i++)
        e[i] = rng_normal(&r);
    for (size_t t = 0; t < n; t++) {
        double s = 0.0;
        for (size_t j = 0; j < L; j++)
            s += e[t + j];
        x[t] = s / (double)L;
    }
    free(e);
}

/* ==== lifecycle and errors ========================================================== */

START_TEST(test_null_arguments)
{
    static const char *const names[1] = {"x"};
    const double rows[3] = {1, 2, 3};
    ck_assert_int_eq(pdrift_monitor_new(NULL, NULL), PDRIFT_EINVAL);
    pdrift_monitor_free(NULL);
    ck_assert_ptr_nonnull(pdrift_errmsg(NULL));
    ck_assert(strlen(pdrift_errmsg(NULL)) > 0);
    ck_assert_int_eq(pdrift_monitor_set_model(NULL, "m"), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_set(NULL, names, 1, rows, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_load(NULL, "/nonexistent.csv"), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_batch(NULL, rows, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_load(NULL, "/nonexistent.csv"), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_window_reset(NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_detect(NULL), PDRIFT_EINVAL);
    size_t n = 7;
    ck_assert_int_eq(pdrift_feature_count(NULL, &n), PDRIFT_EINVAL);
    ck_assert_ptr_null(pdrift_feature_name(NULL, 0));
    double d;
    unsigned u;
    pdrift_severity s;
    pdrift_action a;
    size_t idx;
    const char *str;
    ck_assert_int_eq(pdrift_result_get(NULL, PDRIFT_RESULT_PSI_MAX, &d), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_feature(NULL, 0, PDRIFT_FEATURE_PSI, &d), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_drift_types(NULL, &u), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_drift_type(NULL, &u), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_severity(NULL, &s), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_action(NULL, &a), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_drifted(NULL, 0, &idx), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_recommendation(NULL, 0, &str), PDRIFT_EINVAL);

    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    ck_assert_int_eq(pdrift_baseline_set(m, NULL, 1, rows, 3), PDRIFT_EINVAL);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 1, NULL, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 0, rows, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_load(m, NULL), PDRIFT_EINVAL);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    set_baseline(m, names, 1, rows, 3);
    ck_assert_int_eq(pdrift_observe_batch(m, NULL, 2), PDRIFT_EINVAL);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_observe_load(m, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_feature_count(m, NULL), PDRIFT_EINVAL);
    detect(m);
    ck_assert_int_eq(pdrift_result_get(m, PDRIFT_RESULT_PSI_MAX, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_feature(m, 0, PDRIFT_FEATURE_PSI, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_drift_types(m, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_drift_type(m, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_severity(m, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_action(m, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_drifted(m, 0, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_recommendation(m, 0, NULL), PDRIFT_EINVAL);
    pdrift_monitor_free(m);

    /* NULL config: the defaults (medium) */
    pdrift_monitor *d0 = NULL;
    ck_assert_int_eq(pdrift_monitor_new(&d0, NULL), PDRIFT_OK);
    ck_assert_ptr_nonnull(d0);
    ck_assert_str_eq(pdrift_errmsg(d0), "");
    pdrift_monitor_free(d0);
}
END_TEST

START_TEST(test_estate_before_baseline)
{
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    const double rows[2] = {1.0, 2.0};
    ck_assert_int_eq(pdrift_observe_batch(m, rows, 2), PDRIFT_ESTATE);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_ptr_nonnull(strstr(pdrift_errmsg(m), "baseline"));
    ck_assert_int_eq(pdrift_observe_load(m, "/nonexistent/current.csv"), PDRIFT_ESTATE);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_ESTATE);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    size_t n = 99;
    ck_assert_int_eq(pdrift_feature_count(m, &n), PDRIFT_ESTATE);
    ck_assert_uint_eq(n, 99);
    ck_assert_ptr_null(pdrift_feature_name(m, 0));

    /* No detection yet: every getter answers ESTATE, nothing written. */
    double d = -1.0;
    unsigned u = 77;
    pdrift_severity s = (pdrift_severity)77;
    pdrift_action a = (pdrift_action)77;
    size_t idx = 77;
    const char *str = "untouched";
    ck_assert_int_eq(pdrift_result_get(m, PDRIFT_RESULT_PSI_MAX, &d), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_result_feature(m, 0, PDRIFT_FEATURE_PSI, &d), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_result_drift_types(m, &u), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_result_drift_type(m, &u), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_result_severity(m, &s), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_result_action(m, &a), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_result_drifted(m, 0, &idx), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_result_recommendation(m, 0, &str), PDRIFT_ESTATE);
    ck_assert_double_eq(d, -1.0);
    ck_assert_uint_eq(u, 77);
    ck_assert_uint_eq(idx, 77);
    ck_assert_str_eq(str, "untouched");

    /* With a baseline but before detect: still no result. */
    static const char *const names[1] = {"x"};
    set_baseline(m, names, 1, rows, 2);
    ck_assert_int_eq(pdrift_feature_count(m, &n), PDRIFT_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(pdrift_result_severity(m, &s), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_result_get(m, PDRIFT_RESULT_N_FEATURES, &d), PDRIFT_ESTATE);
    size_t len = 0;
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ESTATE);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_baseline_set_validation)
{
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    const double rows[6] = {1, 2, 3, 4, 5, 6};
    static const char *const dup[2] = {"a", "a"};
    static const char *const empty[2] = {"a", ""};
    static const char *const null_name[2] = {"a", NULL};
    static const char *const good[2] = {"a", "b"};

    ck_assert_int_eq(pdrift_baseline_set(m, dup, 2, rows, 3), PDRIFT_EINVAL);
    ck_assert_ptr_nonnull(strstr(pdrift_errmsg(m), "\"a\""));
    ck_assert_int_eq(pdrift_baseline_set(m, empty, 2, rows, 3), PDRIFT_EINVAL);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_baseline_set(m, null_name, 2, rows, 3), PDRIFT_EINVAL);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    /* zero rows: rejected like a CSV without a data row (PDRIFT_EDATA, header: "too few values") */
    ck_assert_int_eq(pdrift_baseline_set(m, good, 2, rows, 0), PDRIFT_EDATA);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    size_t n;
    ck_assert_int_eq(pdrift_feature_count(m, &n), PDRIFT_ESTATE); /* nothing was installed */

    /* The first fault in order is named: the first feature whose name an
     * earlier one has (with the first such), or a missing name before it. */
    const double wide[5] = {1, 2, 3, 4, 5};
    static const char *const repeats[5] = {"c", "b", "a", "b", "c"};
    ck_assert_int_eq(pdrift_baseline_set(m, repeats, 5, wide, 1), PDRIFT_EINVAL);
    ck_assert_str_eq(pdrift_errmsg(m), "features 1 and 3 are both named \"b\"");
    static const char *const thrice[5] = {"x", "a", "y", "a", "a"};
    ck_assert_int_eq(pdrift_baseline_set(m, thrice, 5, wide, 1), PDRIFT_EINVAL);
    ck_assert_str_eq(pdrift_errmsg(m), "features 1 and 3 are both named \"a\"");
    static const char *const hole_after[5] = {"a", "b", "c", "b", NULL};
    ck_assert_int_eq(pdrift_baseline_set(m, hole_after, 5, wide, 1), PDRIFT_EINVAL);
    ck_assert_str_eq(pdrift_errmsg(m), "features 1 and 3 are both named \"b\"");
    static const char *const hole_before[5] = {"a", "b", "", "b", "b"};
    ck_assert_int_eq(pdrift_baseline_set(m, hole_before, 5, wide, 1), PDRIFT_EINVAL);
    ck_assert_str_eq(pdrift_errmsg(m), "feature 2 has no name");

    /* Many features: names are sorted, not compared pairwise (20,000
     * names, distinct, then the last one repeating the first). */
    enum { MANY = 20000 };
    char (*many_buf)[16] = malloc(MANY * sizeof *many_buf);
    const char **many = malloc(MANY * sizeof *many);
    double *one_row = calloc(MANY, sizeof *one_row);
    ck_assert(many_buf != NULL && many != NULL && one_row != NULL);
    for (size_t i = 0; i < MANY; i++) {
        snprintf(many_buf[i], sizeof many_buf[i], "f%zu", (i * 7919) % MANY);
        many[i] = many_buf[i];
    }
    ck_assert_int_eq(pdrift_baseline_set(m, many, MANY, one_row, 1), PDRIFT_OK);
    many[MANY - 1] = many[0];
    ck_assert_int_eq(pdrift_baseline_set(m, many, MANY, one_row, 1), PDRIFT_EINVAL);
    char expected[64];
    snprintf(expected, sizeof expected, "features 0 and %d are both named \"%s\"", MANY - 1, many[0]);
    ck_assert_str_eq(pdrift_errmsg(m), expected);
    free(many_buf);
    free(many);
    free(one_row);

    /* Names differing only in case are distinct. */
    static const char *const cased[2] = {"a", "A"};
    set_baseline(m, cased, 2, rows, 3);
    ck_assert_int_eq(pdrift_feature_count(m, &n), PDRIFT_OK);
    ck_assert_uint_eq(n, 2);

    /* The names are copied. */
    char name0[8] = "alpha", name1[8] = "beta";
    const char *mutable_names[2] = {name0, name1};
    set_baseline(m, mutable_names, 2, rows, 3);
    strcpy(name0, "XXXX");
    mutable_names[1] = "gamma";
    ck_assert_str_eq(pdrift_feature_name(m, 0), "alpha");
    ck_assert_str_eq(pdrift_feature_name(m, 1), "beta");
    ck_assert_ptr_null(pdrift_feature_name(m, 2));
    pdrift_monitor_free(m);
}
END_TEST

/* errmsg: non-empty after a failure, "" after the next success. */
START_TEST(test_errmsg_lifecycle)
{
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    ck_assert_str_eq(pdrift_errmsg(m), "");
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_ESTATE);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    static const char *const names[1] = {"x"};
    double b[100];
    fill_grid(b, 100);
    set_baseline(m, names, 1, b, 100); /* asserts "" */
    ck_assert_int_eq(pdrift_baseline_load(m, "/nonexistent/dir/baseline.csv"), PDRIFT_EIO);
    ck_assert_ptr_nonnull(strstr(pdrift_errmsg(m), "/nonexistent/dir/baseline.csv"));
    observe(m, b, 50);
    ck_assert_int_eq(pdrift_observe_load(m, "/nonexistent/dir/current.csv"), PDRIFT_EIO);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    detect(m);
    ck_assert_int_eq(pdrift_observe_batch(m, NULL, 1), PDRIFT_EINVAL);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_window_reset(m), PDRIFT_OK);
    ck_assert_str_eq(pdrift_errmsg(m), "");
    ck_assert_int_eq(pdrift_observe_batch(m, NULL, 1), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_monitor_set_model(m, "bot-7"), PDRIFT_OK);
    ck_assert_str_eq(pdrift_errmsg(m), "");
    ck_assert_int_eq(pdrift_observe_batch(m, NULL, 1), PDRIFT_EINVAL);
    observe(m, b, 0); /* zero rows is a success */
    pdrift_monitor_free(m);
}
END_TEST

/* nan_policy reject: NaN refused with EDATA and nothing changes; +-inf accepted. */
START_TEST(test_nan_policy_reject)
{
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(c, PDRIFT_PARAM_NAN_POLICY, PDRIFT_NAN_REJECT);
    pdrift_monitor *m = monitor_from(c);
    static const char *const names[2] = {"a", "b"};
    double rows[200];
    for (size_t i = 0; i < 200; i++)
        rows[i] = (double)i;
    rows[77] = NAN; /* row 38, feature b */
    ck_assert_int_eq(pdrift_baseline_set(m, names, 2, rows, 100), PDRIFT_EDATA);
    ck_assert_ptr_nonnull(strstr(pdrift_errmsg(m), "\"b\""));
    size_t n;
    ck_assert_int_eq(pdrift_feature_count(m, &n), PDRIFT_ESTATE);
    rows[77] = 77.0;
    set_baseline(m, names, 2, rows, 100);

    double cur[80];
    for (size_t i = 0; i < 80; i++)
        cur[i] = (double)(2 * i);
    observe(m, cur, 40);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 40.0);
    double d_before = fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC);

    cur[79] = NAN; /* the very last value of a second batch */
    ck_assert_int_eq(pdrift_observe_batch(m, cur, 40), PDRIFT_EDATA);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    /* the result is untouched, and so is the window */
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 40.0);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 40.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d_before);

    /* infinities are values, not missing */
    cur[79] = INFINITY;
    cur[78] = -INFINITY;
    observe(m, cur, 40);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 80.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_CURRENT), 80.0);
    ck_assert_double_eq(fget(m, 1, PDRIFT_FEATURE_MISSING_CURRENT), 0.0);
    pdrift_monitor_free(m);
}
END_TEST

/* Replacing the baseline clears the window and the result. */
START_TEST(test_new_baseline_clears_window_and_result)
{
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    static const char *const n1[1] = {"x"};
    static const char *const n2[2] = {"p", "q"};
    double b[200];
    fill_grid(b, 200);
    set_baseline(m, n1, 1, b, 200);
    observe(m, b, 60);
    detect(m);
    set_baseline(m, n2, 2, b, 100);
    pdrift_severity s;
    ck_assert_int_eq(pdrift_result_severity(m, &s), PDRIFT_ESTATE);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 0.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_FEATURES), 2.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_BASELINE_ROWS), 100.0);
    ck_assert_str_eq(pdrift_feature_name(m, 1), "q");
    pdrift_monitor_free(m);
}
END_TEST

/* ==== the window ====================================================================== */

/* The value of global row g of the window tests: distinct, NaN every 11th row. */
static double window_value(size_t g)
{
    return g % 11 == 5 ? NAN : (double)((g * 37) % 1000) + 0.5;
}

/* Compare the monitor's window with the last `keep` of `total` observed rows. */
static void check_window(const pdrift_monitor *m, const double *baseline, size_t nb, size_t total,
                         size_t keep, const char *what)
{
    size_t n_rows = keep < total ? keep : total;
    double *vals = alloc_doubles(n_rows);
    size_t n = 0, missing = 0;
    for (size_t g = total - n_rows; g < total; g++) {
        double v = window_value(g);
        if (isnan(v))
            missing++;
        else
            vals[n++] = v;
    }
    ck_assert_msg(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS) == (double)n_rows, "%s: %g rows, want %zu",
                  what, rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), n_rows);
    ck_assert_msg(fget(m, 0, PDRIFT_FEATURE_N_CURRENT) == (double)n, "%s: n_current", what);
    if (n_rows > 0)
        assert_rel(fget(m, 0, PDRIFT_FEATURE_MISSING_CURRENT), (double)missing / (double)n_rows, 1e-15,
                   what);
    if (n >= 30) {
        double d, p, psi;
        ck_assert_int_eq(pdrift_ks_2samp(baseline, nb, vals, n, PDRIFT_KS_AUTO, &d, &p), PDRIFT_OK);
        ck_assert_msg(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC) == d, "%s: D %.17g, want %.17g", what,
                      fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d);
        ck_assert_int_eq(pdrift_psi(baseline, nb, vals, n, 10, &psi, NULL), PDRIFT_OK);
        assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI), psi, REL, what);
    }
    free(vals);
}

START_TEST(test_window_across_batches)
{
    enum { W = 50 };
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(c, PDRIFT_PARAM_WINDOW_SIZE, W);
    pdrift_monitor *m = monitor_from(c);
    static const char *const names[1] = {"x"};
    double b[1000];
    fill_grid(b, 1000);
    set_baseline(m, names, 1, b, 1000);

    /* batch sizes below, at and above the window, wrapping the ring many times */
    const size_t sizes[] = {30, 15, 4, 7, 120, 3, 64, 49, 50, 51, 1, 0, 17, 17, 17, 17, 99, 2};
    double batch[200];
    size_t total = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (size_t i = 0; i < sizes[k]; i++)
            batch[i] = window_value(total + i);
        observe(m, batch, sizes[k]);
        total += sizes[k];
        detect(m);
        char what[64];
        snprintf(what, sizeof what, "after batch %zu (%zu rows total)", k, total);
        check_window(m, b, 1000, total, W, what);
    }
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_window_single_large_batch)
{
    enum { W = 40, TOTAL = 175 };
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(c, PDRIFT_PARAM_WINDOW_SIZE, W);
    pdrift_monitor *m = monitor_from(c);
    static const char *const names[1] = {"x"};
    double b[1000];
    fill_grid(b, 1000);
    set_baseline(m, names, 1, b, 1000);
    double batch[TOTAL];
    for (size_t i = 0; i < TOTAL; i++)
        batch[i] = window_value(i);
    observe(m, batch, TOTAL);
    detect(m);
    check_window(m, b, 1000, TOTAL, W, "one batch of 175, window 40");
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_window_unbounded_and_reset)
{
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM)); /* window 0 = all */
    static const char *const names[1] = {"x"};
    double b[1000];
    fill_grid(b, 1000);
    set_baseline(m, names, 1, b, 1000);
    double batch[300];
    size_t total = 0;
    for (size_t k = 0; k < 5; k++) {
        for (size_t i = 0; i < 300; i++)
            batch[i] = window_value(total + i);
        observe(m, batch, 300);
        total += 300;
    }
    detect(m);
    check_window(m, b, 1000, total, total, "window 0 keeps all 1500 rows");

    /* reset: empty window, the baseline and the last result kept */
    double psi_before = fget(m, 0, PDRIFT_FEATURE_PSI);
    ck_assert_int_eq(pdrift_window_reset(m), PDRIFT_OK);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_PSI), psi_before); /* last result kept */
    size_t nf;
    ck_assert_int_eq(pdrift_feature_count(m, &nf), PDRIFT_OK);
    ck_assert_uint_eq(nf, 1);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 0.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_STATUS), PDRIFT_FEATURE_INSUFFICIENT);
    ck_assert(isnan(fget(m, 0, PDRIFT_FEATURE_MISSING_CURRENT))); /* no current row: no share */
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_BASELINE_ROWS), 1000.0);

    /* rows observed after the reset are the only ones */
    for (size_t i = 0; i < 35; i++)
        batch[i] = window_value(5000 + i);
    observe(m, batch, 35);
    detect(m);
    double vals[35];
    size_t n = 0;
    for (size_t i = 0; i < 35; i++)
        if (!isnan(batch[i]))
            vals[n++] = batch[i];
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 35.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_CURRENT), (double)n);
    double d, p;
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, vals, n, PDRIFT_KS_AUTO, &d, &p), PDRIFT_OK);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_window_reset_ring)
{
    enum { W = 30 };
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(c, PDRIFT_PARAM_WINDOW_SIZE, W);
    pdrift_monitor *m = monitor_from(c);
    static const char *const names[1] = {"x"};
    double b[1000];
    fill_grid(b, 1000);
    set_baseline(m, names, 1, b, 1000);
    double batch[100];
    for (size_t i = 0; i < 77; i++)
        batch[i] = window_value(i);
    observe(m, batch, 77); /* a full, wrapped ring */
    ck_assert_int_eq(pdrift_window_reset(m), PDRIFT_OK);
    for (size_t i = 0; i < 12; i++)
        batch[i] = window_value(1000 + i);
    observe(m, batch, 12);
    for (size_t i = 0; i < 25; i++)
        batch[i] = window_value(1012 + i);
    observe(m, batch, 25);
    detect(m);
    /* the window is the last 30 of the 37 rows 1000..1036 observed after the reset */
    size_t n = 0, missing = 0;
    for (size_t g = 1007; g < 1037; g++) {
        if (isnan(window_value(g)))
            missing++;
        else
            n++;
    }
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), (double)W);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_CURRENT), (double)n);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_MISSING_CURRENT), (double)missing / W, 1e-15, "missing");
    pdrift_monitor_free(m);
}
END_TEST

/* ==== the per-feature decision ============================================================ */

/* PSI just below / above 0.10, 0.15, 0.25 (k = 64/65, 75/76, 88/89 of 1000) at
 * each preset. D = k/1000 < 0.10: the KS gate never fires, so the gates are
 * exactly {PSI} or {}. Severity by the PSI bands; verdict by SPEC §6. */
START_TEST(test_psi_thresholds_at_each_preset)
{
    static const size_t ks[6] = {64, 65, 75, 76, 88, 89};
    static const double preset_psi[3] = {0.25, 0.15, 0.10};
    double b[1000], c[1000];
    fill_grid(b, 1000);
    for (size_t t = 0; t < 6; t++) {
        size_t n = psi_pattern(1000, ks[t], c);
        ck_assert_uint_eq(n, 1000);
        double want_psi = psi_pattern_value(1000, ks[t]);
        double psi, p, d, pk;
        ck_assert_int_eq(pdrift_psi(b, 1000, c, n, 10, &psi, &p), PDRIFT_OK);
        ck_assert_int_eq(pdrift_ks_2samp(b, 1000, c, n, PDRIFT_KS_AUTO, &d, &pk), PDRIFT_OK);
        assert_rel(psi, want_psi, 1e-12, "stateless PSI vs closed form");
        ck_assert(p < 1e-6);                         /* significant at every alpha */
        ck_assert_double_eq_tol(d, (double)ks[t] / 1000.0, 1e-15); /* below every KS threshold */
        for (int s = 0; s < 3; s++) {
            pdrift_monitor *m = run_one(config_for((pdrift_sensitivity)s), b, 1000, c, n);
            char what[96];
            snprintf(what, sizeof what, "k=%zu (PSI %.4f) at preset %d", ks[t], want_psi, s);
            assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI), want_psi, 1e-12, what);
            assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI_PVALUE), p, REL, what);
            int fires = want_psi > preset_psi[s];
            pdrift_severity sev = !fires                ? PDRIFT_SEVERITY_NONE
                                  : want_psi >= 0.25   ? PDRIFT_SEVERITY_HIGH
                                  : want_psi >= 0.15   ? PDRIFT_SEVERITY_MEDIUM
                                                       : PDRIFT_SEVERITY_LOW;
            expect_feature(m, 0, fires ? PDRIFT_FEATURE_DRIFT : PDRIFT_FEATURE_OK, sev, fires ? 1u : 0u,
                           what);
            pdrift_action act = sev == PDRIFT_SEVERITY_NONE   ? PDRIFT_ACTION_CONTINUE
                                : sev == PDRIFT_SEVERITY_HIGH ? PDRIFT_ACTION_RETRAIN
                                                              : PDRIFT_ACTION_WATCH;
            expect_verdict(m, sev, act, what);
            ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_DRIFTED), fires ? 1.0 : 0.0);
            ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RECOMMENDATIONS), 1.0);
            const char *r = recommendation(m, 0);
            if (!fires) {
                ck_assert_str_eq(r, "No drift detected: continue with the current model");
            } else {
                char want[160];
                snprintf(want, sizeof want, "Data drift (PSI=%.2f) on x: %s", want_psi,
                         sev == PDRIFT_SEVERITY_HIGH ? "retrain the model on recent data"
                                                     : "watch the next 7 days; retrain if it persists");
                ck_assert_str_eq(r, want);
            }
            pdrift_monitor_free(m);
        }
    }
}
END_TEST

/* Significance side of the PSI gate: 100 current values (decile 0: 18, decile 9: 2):
 * PSI = 0.08 ln(0.18/0.1) - 0.08 ln(0.02/0.1) = 0.08 ln 9 = 0.1758 > 0.15, but p = 0.067 >= 0.05 at medium: ok;
 * at high (psi 0.10, alpha 0.10): drift, severity medium (PSI >= 0.15). */
START_TEST(test_psi_significance_side)
{
    double b[1000], c[100];
    fill_grid(b, 1000);
    size_t n = psi_pattern(100, 8, c);
    double psi, p, d, pk;
    ck_assert_int_eq(pdrift_psi(b, 1000, c, n, 10, &psi, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, c, n, PDRIFT_KS_AUTO, &d, &pk), PDRIFT_OK);
    assert_rel(psi, psi_pattern_value(100, 8), 1e-12, "closed form");
    ck_assert(psi > 0.15 && p > 0.05 && p < 0.10); /* precondition */
    ck_assert(pk > 0.10);                           /* no KS gate */

    pdrift_monitor *m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), b, 1000, c, n);
    expect_feature(m, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "medium: PSI large, not significant");
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI_PVALUE), p, REL, "psi p");
    /* the reported critical value: Qinv_chi2(alpha; 9) (1/M + 1/N), above the PSI */
    double crit = gsl_cdf_chisq_Qinv(0.05, 9.0) * (1.0 / 1000.0 + 1.0 / 100.0);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI_CRITICAL), crit, 1e-12, "critical value");
    ck_assert(fget(m, 0, PDRIFT_FEATURE_PSI_CRITICAL) > psi);
    pdrift_monitor_free(m);

    m = run_one(config_for(PDRIFT_SENSITIVITY_HIGH), b, 1000, c, n);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_MEDIUM, 1u, "high: significant at 0.10");
    crit = gsl_cdf_chisq_Qinv(0.10, 9.0) * (1.0 / 1000.0 + 1.0 / 100.0);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI_CRITICAL), crit, 1e-12, "critical value at 0.10");
    ck_assert(fget(m, 0, PDRIFT_FEATURE_PSI_CRITICAL) < psi);
    pdrift_monitor_free(m);
}
END_TEST

/* Alpha follows the preset while an explicit PSI threshold (0.10) stays: 110
 * current values (decile 0: 20, decile 9: 2), PSI 0.188, p = 0.028:
 * low (alpha 0.01) ok, medium (0.05) drift, high (0.10) drift. An explicit
 * alpha overrides the preset too. */
START_TEST(test_alpha_preset_with_explicit_threshold)
{
    double b[1000], c[110];
    fill_grid(b, 1000);
    size_t n = psi_pattern(110, 9, c);
    double psi, p;
    ck_assert_int_eq(pdrift_psi(b, 1000, c, n, 10, &psi, &p), PDRIFT_OK);
    ck_assert(psi > 0.15 && psi < 0.25 && p > 0.01 && p < 0.05);
    const int want_drift[3] = {0, 1, 1};
    for (int s = 0; s < 3; s++) {
        pdrift_config *cfg = config_for((pdrift_sensitivity)s);
        cfg_dbl(cfg, PDRIFT_PARAM_PSI_THRESHOLD, 0.10);
        cfg_dbl(cfg, PDRIFT_PARAM_KS_THRESHOLD, 1.0); /* D > 1 never: PSI alone */
        pdrift_monitor *m = run_one(cfg, b, 1000, c, n);
        char what[64];
        snprintf(what, sizeof what, "explicit psi 0.10 at preset %d", s);
        expect_feature(m, 0, want_drift[s] ? PDRIFT_FEATURE_DRIFT : PDRIFT_FEATURE_OK,
                       want_drift[s] ? PDRIFT_SEVERITY_MEDIUM : PDRIFT_SEVERITY_NONE, want_drift[s] ? 1u : 0u,
                       what);
        pdrift_monitor_free(m);
    }
    /* explicit alpha 0.01 at the high preset: not significant any more */
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_HIGH);
    cfg_dbl(cfg, PDRIFT_PARAM_ALPHA, 0.01);
    pdrift_monitor *m = run_one(cfg, b, 1000, c, n);
    expect_feature(m, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "explicit alpha 0.01");
    pdrift_monitor_free(m);
}
END_TEST

/* An explicit PSI threshold overrides the preset, whatever the order of the calls. */
START_TEST(test_explicit_threshold_overrides_preset)
{
    double b[1000], c[1000];
    fill_grid(b, 1000);
    size_t n = psi_pattern(1000, 89, c); /* PSI 0.2531, D 0.089 */
    for (int order = 0; order < 2; order++) {
        pdrift_config *cfg = NULL;
        ck_assert_int_eq(pdrift_config_new(&cfg), PDRIFT_OK);
        cfg_int(cfg, PDRIFT_PARAM_SERIAL_CORRECTION, 0);
        if (order == 0) {
            cfg_dbl(cfg, PDRIFT_PARAM_PSI_THRESHOLD, 0.26);
            cfg_int(cfg, PDRIFT_PARAM_SENSITIVITY, PDRIFT_SENSITIVITY_HIGH);
        } else {
            cfg_int(cfg, PDRIFT_PARAM_SENSITIVITY, PDRIFT_SENSITIVITY_HIGH);
            cfg_dbl(cfg, PDRIFT_PARAM_PSI_THRESHOLD, 0.26);
        }
        pdrift_monitor *m = run_one(cfg, b, 1000, c, n);
        expect_feature(m, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "explicit 0.26 > PSI 0.2531");
        pdrift_monitor_free(m);
    }
    /* lowered below the preset: PSI 0.0970 (k = 64) fires at low with an explicit 0.09 */
    n = psi_pattern(1000, 64, c);
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_LOW);
    cfg_dbl(cfg, PDRIFT_PARAM_PSI_THRESHOLD, 0.09);
    pdrift_monitor *m = run_one(cfg, b, 1000, c, n);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_LOW, 1u, "explicit 0.09 at low");
    expect_verdict(m, PDRIFT_SEVERITY_LOW, PDRIFT_ACTION_WATCH, "low data drift");
    pdrift_monitor_free(m);

    /* a threshold equal to the PSI does not fire: the rule is PSI > threshold */
    double psi;
    ck_assert_int_eq(pdrift_psi(b, 1000, c, n, 10, &psi, NULL), PDRIFT_OK);
    cfg = config_for(PDRIFT_SENSITIVITY_HIGH);
    cfg_dbl(cfg, PDRIFT_PARAM_PSI_THRESHOLD, psi);
    m = run_one(cfg, b, 1000, c, n);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_PSI), psi);
    expect_feature(m, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "threshold == PSI");
    pdrift_monitor_free(m);
}
END_TEST

/* KS D just below, at and above 0.10, 0.15, 0.20 (the presets' floors, strict)
 * and at the bands 0.20 / 0.30 (inclusive), with PSI exactly 0 (2 bins). */
START_TEST(test_ks_thresholds_and_bands)
{
    /* z -> D = (z - 1)/1000 */
    static const size_t zs[] = {100, 101, 102, 150, 151, 152, 200, 201, 202, 300, 301};
    static const double floor_ks[3] = {0.20, 0.15, 0.10};
    double b[1000], c[1000];
    fill_grid(b, 1000);
    for (size_t t = 0; t < sizeof zs / sizeof zs[0]; t++) {
        size_t n = ks_pattern(zs[t], c);
        double d_want = (double)(zs[t] - 1) / 1000.0;
        double d, p, psi;
        ck_assert_int_eq(pdrift_ks_2samp(b, 1000, c, n, PDRIFT_KS_AUTO, &d, &p), PDRIFT_OK);
        ck_assert_double_eq(d, d_want); /* exact method: h / lcm */
        ck_assert(p < 1e-3);
        ck_assert_int_eq(pdrift_psi(b, 1000, c, n, 2, &psi, NULL), PDRIFT_OK);
        ck_assert_double_eq(psi, 0.0);
        for (int s = 0; s < 3; s++) {
            pdrift_config *cfg = config_for((pdrift_sensitivity)s);
            cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
            pdrift_monitor *m = run_one(cfg, b, 1000, c, n);
            char what[64];
            snprintf(what, sizeof what, "D=%.3f at preset %d", d_want, s);
            ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d_want);
            ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_PSI), 0.0);
            assert_rel(fget(m, 0, PDRIFT_FEATURE_KS_PVALUE), p, REL, what);
            assert_rel(fget(m, 0, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED), p, REL, what); /* m = 1 */
            int fires = d_want > floor_ks[s];
            pdrift_severity sev = !fires            ? PDRIFT_SEVERITY_NONE
                                  : d_want >= 0.30 ? PDRIFT_SEVERITY_HIGH
                                  : d_want >= 0.20 ? PDRIFT_SEVERITY_MEDIUM
                                                   : PDRIFT_SEVERITY_LOW;
            expect_feature(m, 0, fires ? PDRIFT_FEATURE_DRIFT : PDRIFT_FEATURE_OK, sev, fires ? 2u : 0u, what);
            pdrift_action act = sev == PDRIFT_SEVERITY_NONE   ? PDRIFT_ACTION_CONTINUE
                                : sev == PDRIFT_SEVERITY_HIGH ? PDRIFT_ACTION_RETRAIN
                                                              : PDRIFT_ACTION_WATCH;
            expect_verdict(m, sev, act, what);
            if (fires) {
                char want[128];
                snprintf(want, sizeof want, "Data drift (KS D=%.2f) on x", d_want);
                ck_assert_msg(strncmp(recommendation(m, 0), want, strlen(want)) == 0, "%s: \"%s\"", what,
                              recommendation(m, 0));
            }
            pdrift_monitor_free(m);
        }
    }
}
END_TEST

/* Significance side of the KS gate: 60 current values. z = 9: D 0.166, p 0.080:
 * medium (alpha 0.05) ok, high (0.10) drift (low band). z = 10: D 0.182,
 * p 0.041: medium drift. */
START_TEST(test_ks_significance_side)
{
    double b[1000], c[60];
    fill_grid(b, 1000);
    size_t n = ks_pattern_small(60, 9, c);
    double d, p, psi;
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, c, n, PDRIFT_KS_AUTO, &d, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_psi(b, 1000, c, n, 2, &psi, NULL), PDRIFT_OK);
    ck_assert(d > 0.15 && d < 0.20 && p > 0.05 && p < 0.10 && psi == 0.0);
    for (int s = 1; s <= 2; s++) {
        pdrift_config *cfg = config_for((pdrift_sensitivity)s);
        cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
        pdrift_monitor *m = run_one(cfg, b, 1000, c, n);
        ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d);
        if (s == 1)
            expect_feature(m, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "KS medium: p 0.08");
        else
            expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_LOW, 2u, "KS high: p 0.08");
        pdrift_monitor_free(m);
    }
    n = ks_pattern_small(60, 10, c);
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, c, n, PDRIFT_KS_AUTO, &d, &p), PDRIFT_OK);
    ck_assert(d > 0.15 && d < 0.20 && p > 0.025 && p < 0.05);
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
    pdrift_monitor *m = run_one(cfg, b, 1000, c, n);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_LOW, 2u, "KS medium: p 0.04");
    pdrift_monitor_free(m);

    /* explicit KS threshold above D: no gate at the high preset */
    cfg = config_for(PDRIFT_SENSITIVITY_HIGH);
    cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
    cfg_dbl(cfg, PDRIFT_PARAM_KS_THRESHOLD, 0.19);
    m = run_one(cfg, b, 1000, c, n);
    expect_feature(m, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "explicit KS 0.19 > D 0.182");
    pdrift_monitor_free(m);
}
END_TEST

/* The PSI gate takes precedence for severity: 2 bins, 700 of 1000 current values
 * at 0: PSI = 0.2 ln(1.4) - 0.2 ln(0.6) = 0.1695 (medium band), D = 0.699 (KS
 * band high). Medium preset: both gates, severity medium (PSI row), not high.
 * Low preset: PSI below 0.25, KS gate alone: severity high. */
START_TEST(test_psi_gate_precedence)
{
    double b[1000], c[1000];
    fill_grid(b, 1000);
    size_t n = two_bin_pattern(700, c);
    double psi, p, d, pk;
    ck_assert_int_eq(pdrift_psi(b, 1000, c, n, 2, &psi, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, c, n, PDRIFT_KS_AUTO, &d, &pk), PDRIFT_OK);
    assert_rel(psi, two_bin_psi(0.7), 1e-12, "two-bin PSI");
    ck_assert(psi > 0.15 && psi < 0.25 && p < 1e-6 && d >= 0.30 && pk < 1e-6);

    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
    pdrift_monitor *m = run_one(cfg, b, 1000, c, n);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_MEDIUM, 3u, "PSI and KS gates");
    expect_verdict(m, PDRIFT_SEVERITY_MEDIUM, PDRIFT_ACTION_WATCH, "medium data drift");
    char want[128];
    snprintf(want, sizeof want, "Data drift (PSI=%.2f) on x: watch the next 7 days; retrain if it persists", psi);
    ck_assert_str_eq(recommendation(m, 0), want);
    pdrift_monitor_free(m);

    cfg = config_for(PDRIFT_SENSITIVITY_LOW);
    cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
    m = run_one(cfg, b, 1000, c, n);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_HIGH, 2u, "KS gate alone");
    expect_verdict(m, PDRIFT_SEVERITY_HIGH, PDRIFT_ACTION_RETRAIN, "high data drift");
    pdrift_monitor_free(m);
}
END_TEST

/* Missing-rate gate: baseline 1000 rows without NaN, current 100 rows of which
 * m are NaN; rise = m/100 exactly. Rise > 0.10 strictly, bands 0.20 / 0.30
 * inclusive; p from SPEC §3.4 (tiny here). */
START_TEST(test_missing_gate_bands)
{
    static const size_t ms[] = {10, 11, 19, 20, 29, 30, 45};
    double b[1000], c[100];
    fill_grid(b, 1000);
    for (size_t t = 0; t < sizeof ms / sizeof ms[0]; t++) {
        fill_missing(c, 100, ms[t]);
        pdrift_monitor *m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), b, 1000, c, 100);
        double rise = (double)ms[t] / 100.0;
        char what[64];
        snprintf(what, sizeof what, "%zu%% missing", ms[t]);
        ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_MISSING_BASELINE), 0.0);
        ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_MISSING_CURRENT), rise);
        double pm = missing_rise_p(0, 1000, (double)ms[t], 100);
        assert_rel(fget(m, 0, PDRIFT_FEATURE_MISSING_PVALUE), pm, 1e-9, what);
        ck_assert(pm < 1e-6);
        ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_CURRENT), (double)(100 - ms[t]));
        int fires = rise > 0.10;
        pdrift_severity sev = !fires          ? PDRIFT_SEVERITY_NONE
                              : rise >= 0.30 ? PDRIFT_SEVERITY_HIGH
                              : rise >= 0.20 ? PDRIFT_SEVERITY_MEDIUM
                                             : PDRIFT_SEVERITY_LOW;
        expect_feature(m, 0, fires ? PDRIFT_FEATURE_DRIFT : PDRIFT_FEATURE_OK, sev, fires ? 4u : 0u, what);
        if (fires) {
            char want[128];
            snprintf(want, sizeof want, "Data drift (missing values 0.0%% -> %.1f%%) on x", 100 * rise);
            ck_assert_msg(strncmp(recommendation(m, 0), want, strlen(want)) == 0, "%s: \"%s\"", what,
                          recommendation(m, 0));
        }
        pdrift_monitor_free(m);
    }
}
END_TEST

/* Significance and minimum rows of the missing-rate test. */
START_TEST(test_missing_gate_significance_and_rows)
{
    /* baseline 40 rows, 4 NaN (0.10); current 30 rows, 7 NaN (0.233): rise
     * 0.133 > 0.10, p = 0.065: medium no gate, high gate. The current side has
     * 23 values < 30: the distribution tests cannot run. */
    double b[40], c[30];
    fill_missing(b, 40, 4);
    fill_missing(c, 30, 7);
    double pm = missing_rise_p(4, 40, 7, 30);
    ck_assert(pm > 0.05 && pm < 0.10);
    pdrift_monitor *m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), b, 40, c, 30);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_MISSING_PVALUE), pm, 1e-9, "p_miss");
    expect_feature(m, 0, PDRIFT_FEATURE_INSUFFICIENT, PDRIFT_SEVERITY_NONE, 0, "medium: p 0.065");
    ck_assert(isnan(fget(m, 0, PDRIFT_FEATURE_PSI)));
    pdrift_monitor_free(m);
    m = run_one(config_for(PDRIFT_SENSITIVITY_HIGH), b, 40, c, 30);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_LOW, 4u, "high: p 0.065 < 0.10");
    ck_assert(isnan(fget(m, 0, PDRIFT_FEATURE_PSI))); /* drift although PSI/KS did not run */
    pdrift_monitor_free(m);

    /* a column that turns all-NaN: 30 rows are enough, 29 are not */
    double big[1000];
    fill_grid(big, 1000);
    double nan30[30];
    for (size_t i = 0; i < 30; i++)
        nan30[i] = NAN;
    m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), big, 1000, nan30, 30);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_HIGH, 4u, "all NaN, 30 rows");
    expect_verdict(m, PDRIFT_SEVERITY_HIGH, PDRIFT_ACTION_RETRAIN, "all NaN");
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_CURRENT), 0.0);
    pdrift_monitor_free(m);
    m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), big, 1000, nan30, 29);
    expect_feature(m, 0, PDRIFT_FEATURE_INSUFFICIENT, PDRIFT_SEVERITY_NONE, 0, "all NaN, 29 rows");
    ck_assert(isnan(fget(m, 0, PDRIFT_FEATURE_MISSING_PVALUE)));
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_MISSING_CURRENT), 1.0);
    expect_verdict(m, PDRIFT_SEVERITY_NONE, PDRIFT_ACTION_CONTINUE, "29 rows");
    pdrift_monitor_free(m);

    /* the baseline side needs min_samples rows too: 29 baseline rows */
    double cur[100];
    fill_missing(cur, 100, 50);
    m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), big, 29, cur, 100);
    ck_assert(isnan(fget(m, 0, PDRIFT_FEATURE_MISSING_PVALUE)));
    expect_feature(m, 0, PDRIFT_FEATURE_INSUFFICIENT, PDRIFT_SEVERITY_NONE, 0, "29 baseline rows");
    pdrift_monitor_free(m);

    /* an explicit missing_rise of 0.05: 6% missing fires */
    fill_missing(cur, 100, 6);
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_dbl(cfg, PDRIFT_PARAM_MISSING_RISE, 0.05);
    m = run_one(cfg, big, 1000, cur, 100);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_LOW, 4u, "missing_rise 0.05");
    pdrift_monitor_free(m);
    m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), big, 1000, cur, 100);
    expect_feature(m, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "missing_rise 0.10, 6%");
    pdrift_monitor_free(m);
}
END_TEST

/* insufficient_data when a side has fewer than max(bins, min_samples) values. */
START_TEST(test_insufficient_boundaries)
{
    double b[1000], c[100];
    fill_grid(b, 1000);
    struct {
        int min_samples, bins;
        size_t n;
        int tested;
    } cases[] = {
        {30, 10, 29, 0}, {30, 10, 30, 1}, {5, 10, 9, 0}, {5, 10, 10, 1}, {30, 40, 39, 0}, {30, 40, 40, 1},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        fill_spread(c, cases[t].n);
        pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
        cfg_int(cfg, PDRIFT_PARAM_MIN_SAMPLES, cases[t].min_samples);
        cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, cases[t].bins);
        pdrift_monitor *m = run_one(cfg, b, 1000, c, cases[t].n);
        char what[80];
        snprintf(what, sizeof what, "min_samples %d bins %d n %zu", cases[t].min_samples, cases[t].bins,
                 cases[t].n);
        double st = fget(m, 0, PDRIFT_FEATURE_STATUS);
        if (cases[t].tested) {
            ck_assert_msg(st == PDRIFT_FEATURE_OK, "%s: status %g", what, st);
            double psi;
            ck_assert_int_eq(pdrift_psi(b, 1000, c, cases[t].n, (unsigned)cases[t].bins, &psi, NULL), PDRIFT_OK);
            assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI), psi, REL, what);
            ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_INSUFFICIENT), 0.0);
        } else {
            ck_assert_msg(st == PDRIFT_FEATURE_INSUFFICIENT, "%s: status %g", what, st);
            ck_assert(isnan(fget(m, 0, PDRIFT_FEATURE_PSI)));
            ck_assert(isnan(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC)));
            ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_INSUFFICIENT), 1.0);
            expect_verdict(m, PDRIFT_SEVERITY_NONE, PDRIFT_ACTION_CONTINUE, what);
        }
        pdrift_monitor_free(m);
    }

    /* the baseline side: 29 values among 1000 rows (971 missing) */
    double bb[1000];
    for (size_t i = 0; i < 1000; i++)
        bb[i] = i < 29 ? (double)(i * 30) : NAN;
    fill_spread(c, 100);
    pdrift_monitor *m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), bb, 1000, c, 100);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_BASELINE), 29.0);
    expect_feature(m, 0, PDRIFT_FEATURE_INSUFFICIENT, PDRIFT_SEVERITY_NONE, 0, "29 baseline values");
    pdrift_monitor_free(m);
}
END_TEST

/* An insufficient feature never fails the run; the others complete and drift. */
START_TEST(test_insufficient_never_fails_run)
{
    static const char *const names[3] = {"shifted", "empty_baseline", "sparse"};
    double b0[1000], b1[1000], b2[1000], c0[1000], c1[1000], c2[1000];
    fill_grid(b0, 1000);
    for (size_t i = 0; i < 1000; i++) {
        b1[i] = NAN;              /* never has a value */
        b2[i] = (double)i;
        c1[i] = (double)i;
        c2[i] = i < 12 ? (double)(i * 80) : NAN; /* 12 current values */
    }
    psi_pattern(1000, 89, c0); /* PSI 0.2531: high */
    /* sparse: its baseline also 98.8% missing so that the missing gate stays quiet */
    for (size_t i = 0; i < 1000; i++)
        b2[i] = i < 12 ? (double)(i * 80) : NAN;
    const double *bcols[3] = {b0, b1, b2}, *ccols[3] = {c0, c1, c2};
    double *brows = rows_of(bcols, 3, 1000), *crows = rows_of(ccols, 3, 1000);
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    set_baseline(m, names, 3, brows, 1000);
    observe(m, crows, 1000);
    detect(m);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_HIGH, 1u, "shifted");
    expect_feature(m, 1, PDRIFT_FEATURE_INSUFFICIENT, PDRIFT_SEVERITY_NONE, 0, "empty baseline");
    expect_feature(m, 2, PDRIFT_FEATURE_INSUFFICIENT, PDRIFT_SEVERITY_NONE, 0, "sparse");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_DRIFTED), 1.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_INSUFFICIENT), 2.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_FEATURES), 3.0);
    ck_assert_double_eq(fget(m, 1, PDRIFT_FEATURE_N_BASELINE), 0.0);
    ck_assert_double_eq(fget(m, 1, PDRIFT_FEATURE_MISSING_BASELINE), 1.0);
    expect_verdict(m, PDRIFT_SEVERITY_HIGH, PDRIFT_ACTION_RETRAIN, "one drifted, two insufficient");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RECOMMENDATIONS), 2.0);
    ck_assert_str_eq(recommendation(m, 0), "Data drift (PSI=0.25) on shifted: retrain the model on recent data");
    const char *r = recommendation(m, 1);
    ck_assert_msg(strncmp(r, "Not enough data for data drift on ", 34) == 0, "\"%s\"", r);
    ck_assert_ptr_nonnull(strstr(r, "empty_baseline"));
    ck_assert_ptr_nonnull(strstr(r, "sparse"));
    ck_assert_ptr_nonnull(strstr(r, "30")); /* the number needed */
    ck_assert_ptr_null(strstr(r, "shifted"));
    const char *none = NULL;
    ck_assert_int_eq(pdrift_result_recommendation(m, 2, &none), PDRIFT_EINVAL);
    free(brows);
    free(crows);
    pdrift_monitor_free(m);
}
END_TEST

/* ==== multiple testing ===================================================================== */

/* Feature a: KS D 0.182 with raw p 0.041 (60 rows); feature b: calm (p near 1).
 * None: a drifts. BH (and Holm, Bonferroni) with m = 2: adjusted p of a =
 * 2 p_a = 0.081 >= 0.05 (b's p exceeds it): a does not drift. */
START_TEST(test_bh_changes_verdict)
{
    static const char *const names[2] = {"a", "b"};
    double b[1000], ca[60], cb[60];
    fill_grid(b, 1000);
    ks_pattern_small(60, 10, ca);
    fill_spread(cb, 60);
    double da, pa, db, pb;
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, ca, 60, PDRIFT_KS_AUTO, &da, &pa), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, cb, 60, PDRIFT_KS_AUTO, &db, &pb), PDRIFT_OK);
    ck_assert(da > 0.15 && pa < 0.05 && 2.0 * pa >= 0.05 && pb > 2.0 * pa);
    const double *bcols[2] = {b, b}, *ccols[2] = {ca, cb};
    double *brows = rows_of(bcols, 2, 1000), *crows = rows_of(ccols, 2, 60);
    const pdrift_correction methods[4] = {PDRIFT_CORRECTION_NONE, PDRIFT_CORRECTION_BH,
                                          PDRIFT_CORRECTION_HOLM, PDRIFT_CORRECTION_BONFERRONI};
    for (int k = 0; k < 4; k++) {
        pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
        cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
        cfg_int(cfg, PDRIFT_PARAM_CORRECTION, methods[k]);
        pdrift_monitor *m = monitor_from(cfg);
        set_baseline(m, names, 2, brows, 1000);
        observe(m, crows, 60);
        detect(m);
        assert_rel(fget(m, 0, PDRIFT_FEATURE_KS_PVALUE), pa, REL, "raw p of a");
        double want_adj = k == 0 ? pa : 2.0 * pa;
        assert_rel(fget(m, 0, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED), want_adj, 1e-12, "adjusted p of a");
        /* b, the larger p: BH keeps p_b (p m / m); Holm max(2 p_a, 1 p_b) = p_b;
         * Bonferroni min(1, 2 p_b) */
        double want_b = k == 3 ? fmin(1.0, 2.0 * pb) : pb;
        assert_rel(fget(m, 1, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED), want_b, 1e-12, "adjusted p of b");
        if (k == 0) {
            expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_LOW, 2u, "no correction");
            expect_verdict(m, PDRIFT_SEVERITY_LOW, PDRIFT_ACTION_WATCH, "no correction");
        } else {
            expect_feature(m, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "corrected");
            expect_verdict(m, PDRIFT_SEVERITY_NONE, PDRIFT_ACTION_CONTINUE, "corrected");
        }
        expect_feature(m, 1, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "calm b");
        pdrift_monitor_free(m);
    }
    free(brows);
    free(crows);
}
END_TEST

/* Insufficient features are not tests: they do not count in m. Three
 * features: a (p 0.041), c calm, and an all-NaN one: BH over m = 2. */
START_TEST(test_correction_skips_untested_features)
{
    static const char *const names[3] = {"a", "gone", "c"};
    double b[1000], ca[60], cg[60], cc[60];
    fill_grid(b, 1000);
    ks_pattern_small(60, 10, ca);
    fill_spread(cc, 60);
    for (size_t i = 0; i < 60; i++)
        cg[i] = i < 5 ? 1.0 : NAN;
    double da, pa;
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, ca, 60, PDRIFT_KS_AUTO, &da, &pa), PDRIFT_OK);
    const double *bcols[3] = {b, b, b}, *ccols[3] = {ca, cg, cc};
    double *brows = rows_of(bcols, 3, 1000), *crows = rows_of(ccols, 3, 60);
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
    cfg_int(cfg, PDRIFT_PARAM_CORRECTION, PDRIFT_CORRECTION_BONFERRONI);
    pdrift_monitor *m = monitor_from(cfg);
    set_baseline(m, names, 3, brows, 1000);
    observe(m, crows, 60);
    detect(m);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED), 2.0 * pa, 1e-12, "m = 2, not 3");
    ck_assert(isnan(fget(m, 1, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED)));
    free(brows);
    free(crows);
    pdrift_monitor_free(m);
}
END_TEST

/* ==== ordering, psi_max, recommendations ===================================================== */

/* Two-bin PSI pattern of 1000 values with `low` values spread over the lower
 * half (not piled at 0): D is then only the shift at the median, low/1000 - 1/2. */
static size_t two_bin_spread(size_t low, double *out)
{
    size_t k = 0;
    for (size_t j = 0; j < low; j++)
        out[k++] = floor(((double)j + 0.5) * 500.0 / (double)low);
    for (size_t j = 0; j < 1000 - low; j++)
        out[k++] = 500.0 + floor(((double)j + 0.5) * 500.0 / (double)(1000 - low));
    return k;
}

/* Nine features (2 bins, medium preset, 1000 rows each side), in this baseline order:
 *   0 miss_med   25% missing, rest calm        medium, PSI 0, D ~0
 *   1 ks_med_a   KS only, D 0.25               medium, PSI 0
 *   2 psi_med    700 spread low: PSI 0.1695    medium (PSI row), D ~0.20
 *   3 psi_high   750 spread low: PSI 0.2747    high, D ~0.25
 *   4 calm       the baseline itself           ok
 *   5 ks_med_b   KS only, D 0.28               medium, PSI 0
 *   6 ks_high    KS only, D 0.35               high, PSI 0
 *   7 miss_high  98% missing (20 values)       high, PSI not computed
 *   8 ks_med_c   KS only, D 0.25               medium, PSI 0 (ties ks_med_a)
 * Order: severity desc, PSI desc (missing last), D desc, baseline order:
 *   psi_high (PSI first although its D < ks_high's), ks_high, miss_high (NaN PSI last),
 *   psi_med, ks_med_b (D before baseline order), ks_med_a, ks_med_c (tie: baseline order),
 *   miss_med. */
enum { N_ORD = 9 };

static pdrift_monitor *ordering_monitor(double psi_of[N_ORD], double d_of[N_ORD])
{
    static const char *const names[N_ORD] = {"miss_med", "ks_med_a", "psi_med",   "psi_high", "calm",
                                             "ks_med_b", "ks_high",  "miss_high", "ks_med_c"};
    static double b[1000], c[N_ORD][1000];
    fill_grid(b, 1000);
    /* miss_med: 250 NaN rows, 750 values, 375 in each half */
    for (size_t i = 0, k = 0; i < 1000; i++) {
        if (i % 4 == 0) {
            c[0][i] = NAN;
            continue;
        }
        c[0][i] = k < 375 ? floor(((double)k + 0.5) * 500.0 / 375.0)
                          : 500.0 + floor(((double)(k - 375) + 0.5) * 500.0 / 375.0);
        k++;
    }
    ks_pattern(251, c[1]);
    two_bin_spread(700, c[2]);
    two_bin_spread(750, c[3]);
    fill_grid(c[4], 1000);
    ks_pattern(281, c[5]);
    ks_pattern(351, c[6]);
    for (size_t i = 0; i < 1000; i++)
        c[7][i] = i % 50 == 0 ? (double)(i) : NAN; /* 20 values */
    ks_pattern(251, c[8]);
    const double *bcols[N_ORD], *ccols[N_ORD];
    for (size_t f = 0; f < N_ORD; f++) {
        bcols[f] = b;
        ccols[f] = c[f];
        double vals[1000];
        size_t n = 0;
        for (size_t i = 0; i < 1000; i++)
            if (!isnan(c[f][i]))
                vals[n++] = c[f][i];
        psi_of[f] = d_of[f] = NAN;
        if (n >= 30) {
            double p;
            ck_assert_int_eq(pdrift_psi(b, 1000, vals, n, 2, &psi_of[f], NULL), PDRIFT_OK);
            ck_assert_int_eq(pdrift_ks_2samp(b, 1000, vals, n, PDRIFT_KS_AUTO, &d_of[f], &p), PDRIFT_OK);
        }
    }
    double *brows = rows_of(bcols, N_ORD, 1000), *crows = rows_of(ccols, N_ORD, 1000);
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
    pdrift_monitor *m = monitor_from(cfg);
    set_baseline(m, names, N_ORD, brows, 1000);
    observe(m, crows, 1000);
    detect(m);
    free(brows);
    free(crows);
    return m;
}

START_TEST(test_drifted_ordering)
{
    double psi_of[N_ORD], d_of[N_ORD];
    pdrift_monitor *m = ordering_monitor(psi_of, d_of);
    /* preconditions: the statistics as designed */
    assert_rel(psi_of[2], two_bin_psi(0.70), 1e-12, "psi_med");
    assert_rel(psi_of[3], two_bin_psi(0.75), 1e-12, "psi_high");
    ck_assert(psi_of[0] == 0.0 && psi_of[1] == 0.0 && psi_of[5] == 0.0 && psi_of[6] == 0.0 &&
              psi_of[8] == 0.0);
    ck_assert(isnan(psi_of[7]));
    ck_assert(d_of[3] < d_of[6]);                   /* psi_high's D is below ks_high's */
    ck_assert(d_of[2] > 0.15 && d_of[2] < d_of[5]); /* psi_med: KS gate too, D below ks_med_b's */
    ck_assert(d_of[0] < 0.05);
    ck_assert_double_eq(d_of[1], 0.25);
    ck_assert_double_eq(d_of[5], 0.28);
    ck_assert_double_eq(d_of[8], 0.25);

    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_MEDIUM, 4u, "miss_med");
    expect_feature(m, 1, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_MEDIUM, 2u, "ks_med_a");
    expect_feature(m, 2, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_MEDIUM, 3u, "psi_med");
    expect_feature(m, 3, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_HIGH, 3u, "psi_high");
    expect_feature(m, 4, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "calm");
    expect_feature(m, 5, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_MEDIUM, 2u, "ks_med_b");
    expect_feature(m, 6, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_HIGH, 2u, "ks_high");
    expect_feature(m, 7, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_HIGH, 4u, "miss_high");
    expect_feature(m, 8, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_MEDIUM, 2u, "ks_med_c");

    const size_t want[8] = {3, 6, 7, 2, 5, 1, 8, 0};
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_DRIFTED), 8.0);
    for (size_t r = 0; r < 8; r++) {
        size_t idx = 99;
        ck_assert_int_eq(pdrift_result_drifted(m, r, &idx), PDRIFT_OK);
        ck_assert_msg(idx == want[r], "rank %zu: feature %zu (%s), want %zu (%s)", r, idx,
                      pdrift_feature_name(m, idx), want[r], pdrift_feature_name(m, want[r]));
    }
    size_t idx = 99;
    ck_assert_int_eq(pdrift_result_drifted(m, 8, &idx), PDRIFT_EINVAL);
    ck_assert_uint_eq(idx, 99);

    /* psi_max: the largest PSI computed */
    double mx = NAN;
    for (size_t f = 0; f < N_ORD; f++)
        if (!isnan(psi_of[f]) && (isnan(mx) || psi_of[f] > mx))
            mx = psi_of[f];
    assert_rel(rget(m, PDRIFT_RESULT_PSI_MAX), mx, REL, "psi_max");
    expect_verdict(m, PDRIFT_SEVERITY_HIGH, PDRIFT_ACTION_RETRAIN, "ordering");
    char want_rec[200];
    snprintf(want_rec, sizeof want_rec,
             "Data drift (PSI=%.2f) on psi_high, ks_high, miss_high and 5 more: retrain the model on recent data",
             psi_of[3]);
    ck_assert_str_eq(recommendation(m, 0), want_rec);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RECOMMENDATIONS), 1.0);
    pdrift_monitor_free(m);
}
END_TEST

/* psi_max counts features that did not drift; NaN when no PSI was computed. */
START_TEST(test_psi_max)
{
    /* a: drifted, PSI 0.2531. b: 30 values each side (97% missing on both sides):
     * decile-0 values moved to decile 1: PSI 0.76, not significant (M = N = 30). */
    static const char *const names[2] = {"a", "b"};
    double ba[1000], ca[1000], bb[1000], cb[1000];
    fill_grid(ba, 1000);
    psi_pattern(1000, 89, ca);
    double b30[30], c30[30];
    for (size_t i = 0; i < 30; i++) {
        b30[i] = (double)(i * 33);        /* 3 per decile of b30 itself */
        c30[i] = i < 3 ? 120.0 + (double)i : b30[i];
    }
    for (size_t i = 0; i < 1000; i++) {
        bb[i] = i % 100 < 3 ? b30[(i / 100) * 3 + i % 100] : NAN;
        cb[i] = i % 100 < 3 ? c30[(i / 100) * 3 + i % 100] : NAN;
    }
    double psi_a, psi_b, p_b, d_b, pk_b;
    ck_assert_int_eq(pdrift_psi(ba, 1000, ca, 1000, 10, &psi_a, NULL), PDRIFT_OK);
    ck_assert_int_eq(pdrift_psi(b30, 30, c30, 30, 10, &psi_b, &p_b), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b30, 30, c30, 30, PDRIFT_KS_AUTO, &d_b, &pk_b), PDRIFT_OK);
    ck_assert(psi_b > psi_a && p_b > 0.05 && pk_b > 0.05); /* precondition */
    const double *bcols[2] = {ba, bb}, *ccols[2] = {ca, cb};
    double *brows = rows_of(bcols, 2, 1000), *crows = rows_of(ccols, 2, 1000);
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    set_baseline(m, names, 2, brows, 1000);
    observe(m, crows, 1000);
    detect(m);
    expect_feature(m, 0, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_HIGH, 1u, "a");
    expect_feature(m, 1, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "b");
    assert_rel(fget(m, 1, PDRIFT_FEATURE_PSI), psi_b, REL, "psi of b");
    assert_rel(rget(m, PDRIFT_RESULT_PSI_MAX), psi_b, REL, "psi_max from a non-drifted feature");
    /* the recommendation quotes the drifted feature's PSI */
    char want[128];
    snprintf(want, sizeof want, "Data drift (PSI=%.2f) on a: retrain the model on recent data", psi_a);
    ck_assert_str_eq(recommendation(m, 0), want);
    free(brows);
    free(crows);
    pdrift_monitor_free(m);

    /* no PSI at all: NaN */
    double few[10];
    fill_spread(few, 10);
    m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), ba, 1000, few, 10);
    ck_assert(isnan(rget(m, PDRIFT_RESULT_PSI_MAX)));
    pdrift_monitor_free(m);
}
END_TEST

/* "Data drift (PSI=0.18) on a, b, c and 2 more: watch ..." (brief and SPEC §6). */
START_TEST(test_recommendation_names_and_more)
{
    /* a: 705 of 1000 at 0 (2 bins): PSI 0.1786, medium; b..e KS only, D
     * 0.25, 0.24, 0.23, 0.22: medium. All medium: a first (PSI), then by D. */
    static const char *const names[5] = {"a", "b", "c", "d", "e"};
    static double b[1000], c[5][1000];
    fill_grid(b, 1000);
    two_bin_pattern(705, c[0]);
    ks_pattern(251, c[1]);
    ks_pattern(241, c[2]);
    ks_pattern(231, c[3]);
    ks_pattern(221, c[4]);
    const double *bcols[5] = {b, b, b, b, b}, *ccols[5] = {c[0], c[1], c[2], c[3], c[4]};
    double *brows = rows_of(bcols, 5, 1000), *crows = rows_of(ccols, 5, 1000);
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
    pdrift_monitor *m = monitor_from(cfg);
    set_baseline(m, names, 5, brows, 1000);
    observe(m, crows, 1000);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_DRIFTED), 5.0);
    expect_verdict(m, PDRIFT_SEVERITY_MEDIUM, PDRIFT_ACTION_WATCH, "five medium features");
    ck_assert(fabs(two_bin_psi(0.705) - 0.1786) < 1e-4);
    ck_assert_str_eq(recommendation(m, 0),
                     "Data drift (PSI=0.18) on a, b, c and 2 more: watch the next 7 days; retrain if it persists");
    free(brows);
    free(crows);
    pdrift_monitor_free(m);
}
END_TEST

/* Exactly three drifted features: SPEC §6's example lists them with commas,
 * "on close_norm, volume_norm, rsi: watch the next 7 days; ...". */
START_TEST(test_recommendation_three_names)
{
    static const char *const names[3] = {"close_norm", "volume_norm", "rsi"};
    static double b[1000], c[3][1000];
    fill_grid(b, 1000);
    two_bin_pattern(705, c[0]);
    ks_pattern(251, c[1]);
    ks_pattern(241, c[2]);
    const double *bcols[3] = {b, b, b}, *ccols[3] = {c[0], c[1], c[2]};
    double *brows = rows_of(bcols, 3, 1000), *crows = rows_of(ccols, 3, 1000);
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_PSI_BINS, 2);
    cfg_int(cfg, PDRIFT_PARAM_OHLCV_FEATURES, 0);
    pdrift_monitor *m = monitor_from(cfg);
    set_baseline(m, names, 3, brows, 1000);
    observe(m, crows, 1000);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_DRIFTED), 3.0);
    ck_assert_str_eq(recommendation(m, 0), "Data drift (PSI=0.18) on close_norm, volume_norm, rsi: watch "
                                           "the next 7 days; retrain if it persists");
    free(brows);
    free(crows);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_recommendation_not_enough_data)
{
    /* the only feature has 12 current values: no "No drift detected", one
     * "Not enough data" naming the numbers */
    double b[1000], c[12];
    fill_grid(b, 1000);
    fill_spread(c, 12);
    pdrift_monitor *m = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), b, 1000, c, 12);
    expect_verdict(m, PDRIFT_SEVERITY_NONE, PDRIFT_ACTION_CONTINUE, "insufficient only");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RECOMMENDATIONS), 1.0);
    const char *r = recommendation(m, 0);
    ck_assert_msg(strncmp(r, "Not enough data for data drift on x", 35) == 0, "\"%s\"", r);
    ck_assert_ptr_nonnull(strstr(r, "12"));
    ck_assert_ptr_nonnull(strstr(r, "30"));
    pdrift_monitor_free(m);

    /* one tested calm feature and one insufficient: both recommendations */
    static const char *const names[2] = {"calm", "thin"};
    double cc[100], ct[100];
    fill_spread(cc, 100);
    for (size_t i = 0; i < 100; i++)
        ct[i] = i < 12 ? (double)(i * 80) : NAN;
    double bt[1000];
    for (size_t i = 0; i < 1000; i++)
        bt[i] = i % 10 == 0 ? (double)i : NAN; /* 90% missing in the baseline too: no missing gate */
    const double *bcols[2] = {b, bt}, *ccols[2] = {cc, ct};
    double *brows = rows_of(bcols, 2, 1000), *crows = rows_of(ccols, 2, 100);
    m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    set_baseline(m, names, 2, brows, 1000);
    observe(m, crows, 100);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RECOMMENDATIONS), 2.0);
    ck_assert_str_eq(recommendation(m, 0), "No drift detected: continue with the current model");
    r = recommendation(m, 1);
    ck_assert_msg(strncmp(r, "Not enough data for data drift on thin", 38) == 0, "\"%s\"", r);
    ck_assert_ptr_nonnull(strstr(r, "12"));
    free(brows);
    free(crows);
    pdrift_monitor_free(m);
}
END_TEST

/* ==== getters ============================================================================== */

START_TEST(test_getters_values_and_nan)
{
    static const char *const names[2] = {"full", "thin"};
    double b[1000], bt[1000], c[200], ct[200];
    fill_grid(b, 1000);
    for (size_t i = 0; i < 1000; i++)
        bt[i] = (double)i;
    size_t n = psi_pattern(200, 10, c);
    ck_assert_uint_eq(n, 200);
    for (size_t i = 0; i < 200; i++)
        ct[i] = i < 20 ? (double)(i * 50) : NAN;
    const double *bcols[2] = {b, bt}, *ccols[2] = {c, ct};
    double *brows = rows_of(bcols, 2, 1000), *crows = rows_of(ccols, 2, 200);
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    set_baseline(m, names, 2, brows, 1000);
    observe(m, crows, 200);
    detect(m);

    /* the tested feature: every number equals an independent computation */
    double psi, p, d, pk;
    ck_assert_int_eq(pdrift_psi(b, 1000, c, 200, 10, &psi, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b, 1000, c, 200, PDRIFT_KS_AUTO, &d, &pk), PDRIFT_OK);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI), psi, REL, "psi");
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI), psi_pattern_value(200, 10), 1e-12, "psi closed form");
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI_PVALUE), p, REL, "psi p");
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI_PVALUE_IID), p, REL, "psi p iid");
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI_CRITICAL), gsl_cdf_chisq_Qinv(0.05, 9.0) * (1e-3 + 1.0 / 200.0),
               1e-12, "psi critical");
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_KS_PVALUE), pk, REL, "ks p");
    assert_rel(fget(m, 0, PDRIFT_FEATURE_KS_PVALUE_IID), pk, REL, "ks p iid");
    assert_rel(fget(m, 0, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED), pk, REL, "ks p adjusted (m = 1 test)");
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_MISSING_BASELINE), 0.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_MISSING_CURRENT), 0.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_MISSING_PVALUE), 1.0); /* se = 0 */
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_BASELINE), 1000.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_CURRENT), 200.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME), 1.0); /* correction off */
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT), 1.0);

    /* the thin feature: 20 values, no distribution test: NaN, not 0 */
    const pdrift_feature_key absent[] = {PDRIFT_FEATURE_PSI, PDRIFT_FEATURE_PSI_PVALUE,
                                         PDRIFT_FEATURE_PSI_CRITICAL, PDRIFT_FEATURE_KS_STATISTIC,
                                         PDRIFT_FEATURE_KS_PVALUE, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED,
                                         PDRIFT_FEATURE_PSI_PVALUE_IID, PDRIFT_FEATURE_KS_PVALUE_IID};
    for (size_t k = 0; k < sizeof absent / sizeof absent[0]; k++)
        ck_assert_msg(isnan(fget(m, 1, absent[k])), "key %d of an insufficient feature: %g", (int)absent[k],
                      fget(m, 1, absent[k]));
    ck_assert_double_eq(fget(m, 1, PDRIFT_FEATURE_N_CURRENT), 20.0);
    ck_assert_double_eq(fget(m, 1, PDRIFT_FEATURE_MISSING_CURRENT), 0.9);
    /* the missing-rate test did run (200 and 1000 rows): a number */
    assert_rel(fget(m, 1, PDRIFT_FEATURE_MISSING_PVALUE), missing_rise_p(0, 1000, 180, 200), 1e-9, "p miss");
    expect_feature(m, 1, PDRIFT_FEATURE_DRIFT, PDRIFT_SEVERITY_HIGH, 4u, "thin: missing gate");

    /* overall numbers */
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_FEATURES), 2.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_BASELINE_ROWS), 1000.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 200.0);
    assert_rel(rget(m, PDRIFT_RESULT_PSI_MAX), psi, REL, "psi_max");

    /* unknown keys and indices */
    double v = 42.0;
    ck_assert_int_eq(pdrift_result_get(m, (pdrift_result_key)0, &v), PDRIFT_EPARAM);
    ck_assert_int_eq(pdrift_result_get(m, (pdrift_result_key)33, &v), PDRIFT_EPARAM);
    ck_assert_int_eq(pdrift_result_get(m, (pdrift_result_key)999, &v), PDRIFT_EPARAM);
    ck_assert_int_eq(pdrift_result_feature(m, 0, (pdrift_feature_key)0, &v), PDRIFT_EPARAM);
    ck_assert_int_eq(pdrift_result_feature(m, 0, (pdrift_feature_key)19, &v), PDRIFT_EPARAM);
    ck_assert_int_eq(pdrift_result_feature(m, 0, (pdrift_feature_key)999, &v), PDRIFT_EPARAM);
    ck_assert_int_eq(pdrift_result_feature(m, 2, PDRIFT_FEATURE_PSI, &v), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_result_feature(m, (size_t)-1, PDRIFT_FEATURE_PSI, &v), PDRIFT_EINVAL);
    ck_assert_double_eq(v, 42.0);
    const char *s = "keep";
    ck_assert_int_eq(pdrift_result_recommendation(m, 5, &s), PDRIFT_EINVAL);
    ck_assert_str_eq(s, "keep");
    free(brows);
    free(crows);
    pdrift_monitor_free(m);
}
END_TEST

/* ==== a failed call changes nothing ========================================================= */

static char *report_text(const pdrift_monitor *m)
{
    size_t len = 0;
    int rc = pdrift_report_json(m, NULL, 0, &len);
    ck_assert(rc == PDRIFT_ENOBUFS || rc == PDRIFT_OK);
    char *buf = malloc(len);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(pdrift_report_json(m, buf, len, &len), PDRIFT_OK);
    return buf;
}

START_TEST(test_failed_calls_change_nothing)
{
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_NAN_POLICY, PDRIFT_NAN_REJECT);
    cfg_int(cfg, PDRIFT_PARAM_WINDOW_SIZE, 80);
    pdrift_monitor *m = monitor_from(cfg);
    static const char *const names[2] = {"x", "y"};
    static const char *const dup[2] = {"x", "x"};
    double b0[1000], b1[1000], c0[100], c1[100];
    fill_grid(b0, 1000);
    fill_grid(b1, 1000);
    psi_pattern(100, 8, c0);
    fill_spread(c1, 100);
    const double *bcols[2] = {b0, b1}, *ccols[2] = {c0, c1};
    double *brows = rows_of(bcols, 2, 1000), *crows = rows_of(ccols, 2, 100);
    set_baseline(m, names, 2, brows, 1000);
    observe(m, crows, 60);
    detect(m);
    char *before = report_text(m);
    double d0 = fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), psi0 = fget(m, 0, PDRIFT_FEATURE_PSI);

    /* failing calls, each leaving a message */
    double bad[4] = {1.0, 2.0, NAN, 4.0};
    ck_assert_int_eq(pdrift_observe_batch(m, bad, 2), PDRIFT_EDATA);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_baseline_set(m, dup, 2, brows, 1000), PDRIFT_EINVAL);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 2, bad, 2), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 2, brows, 0), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_baseline_load(m, "/nonexistent/baseline.csv"), PDRIFT_EIO);
    ck_assert_int_eq(pdrift_observe_load(m, "/nonexistent/current.csv"), PDRIFT_EIO);
    ck_assert_int_eq(pdrift_observe_batch(m, NULL, 3), PDRIFT_EINVAL);

    /* baseline, result and window as they were */
    size_t nf = 0;
    ck_assert_int_eq(pdrift_feature_count(m, &nf), PDRIFT_OK);
    ck_assert_uint_eq(nf, 2);
    ck_assert_str_eq(pdrift_feature_name(m, 0), "x");
    ck_assert_str_eq(pdrift_feature_name(m, 1), "y");
    char *after = report_text(m);
    ck_assert_str_eq(after, before);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_PSI), psi0);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 60.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_BASELINE_ROWS), 1000.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_PSI), psi0);
    /* and the window continues where it was: 40 more rows -> the last 80 of 100 */
    observe(m, crows + 2 * 60, 40);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 80.0);
    double d, p;
    ck_assert_int_eq(pdrift_ks_2samp(b0, 1000, c0 + 20, 80, PDRIFT_KS_AUTO, &d, &p), PDRIFT_OK);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d);
    free(before);
    free(after);
    free(brows);
    free(crows);
    pdrift_monitor_free(m);
}
END_TEST

/* ==== the serial correction ================================================================== */

/* A 20-bar rolling mean of noise in two independent periods (1000 bars each):
 * the same process, but as independent values the tests see a difference.
 * High preset. With the correction off the feature is flagged; with it on
 * both p-values are large. The corrected p-values follow the library's
 * design (commit "Serial correction with both sides' effective sizes"):
 * tau_b = tau of the baseline series, tau_c = max(tau of the window series,
 * tau_b), scale = tau_b/M + tau_c/N; p_psi = Q_chi2(PSI / scale; 9),
 * critical = Qinv_chi2(alpha; 9) scale, p_ks = kstwo_sf(D, round(1/scale))
 * (which is round(en/tau) when both taus are equal). tau is computed here
 * with pdrift__autocorrelation_time on the series in time order. With
 * M = N the baseline holds no window of the current length, so this is the
 * autocorrelation-time path of the correction (see the long-baseline tests
 * below for the other one). */
START_TEST(test_serial_correction_rolling_mean)
{
    enum { N = 1000 };
    double *b = alloc_doubles(N), *c = alloc_doubles(N);
    fill_rolling_mean(b, N, 20, 2001u);
    fill_rolling_mean(c, N, 20, 2002u);
    double tau_b = pdrift__autocorrelation_time(b, N), tau_w = pdrift__autocorrelation_time(c, N);
    double tau_c = tau_w > tau_b ? tau_w : tau_b;
    double psi, p_iid, d, pk_iid;
    ck_assert_int_eq(pdrift_psi(b, N, c, N, 10, &psi, &p_iid), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b, N, c, N, PDRIFT_KS_AUTO, &d, &pk_iid), PDRIFT_OK);
    ck_assert(tau_b > 5.0);
    ck_assert((psi > 0.10 && p_iid < 0.10) || (d > 0.10 && pk_iid < 0.10)); /* precondition */

    pdrift_monitor *off = run_one(config_for(PDRIFT_SENSITIVITY_HIGH), b, N, c, N);
    ck_assert_double_eq(fget(off, 0, PDRIFT_FEATURE_STATUS), PDRIFT_FEATURE_DRIFT);
    ck_assert_double_eq(fget(off, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME), 1.0);
    ck_assert_double_eq(fget(off, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT), 1.0);
    assert_rel(fget(off, 0, PDRIFT_FEATURE_PSI_PVALUE), p_iid, REL, "off: psi p");
    assert_rel(fget(off, 0, PDRIFT_FEATURE_KS_PVALUE), pk_iid, REL, "off: ks p");
    ck_assert(severity_of(off) > PDRIFT_SEVERITY_NONE);
    unsigned types = 0;
    ck_assert_int_eq(pdrift_result_drift_types(off, &types), PDRIFT_OK);
    ck_assert_uint_eq(types, PDRIFT_DRIFT_DATA);
    pdrift_monitor_free(off);

    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_HIGH);
    cfg_int(cfg, PDRIFT_PARAM_SERIAL_CORRECTION, 1);
    pdrift_monitor *on = run_one(cfg, b, N, c, N);
    expect_feature(on, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "correction on");
    expect_verdict(on, PDRIFT_SEVERITY_NONE, PDRIFT_ACTION_CONTINUE, "correction on");
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME), tau_b);
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT), tau_c);
    const double scale = tau_b / N + tau_c / N;
    assert_rel(fget(on, 0, PDRIFT_FEATURE_PSI), psi, REL, "on: psi unchanged");
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_KS_STATISTIC), d);
    assert_rel(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE), gsl_cdf_chisq_Q(psi / scale, 9.0), 1e-10,
               "on: psi p with tau");
    assert_rel(fget(on, 0, PDRIFT_FEATURE_PSI_CRITICAL), gsl_cdf_chisq_Qinv(0.10, 9.0) * scale, 1e-10,
               "on: critical with tau");
    assert_rel(fget(on, 0, PDRIFT_FEATURE_KS_PVALUE), pdrift_kstwo_sf(d, nearbyint(1.0 / scale)), 1e-9,
               "on: ks p with tau");
    /* the iid p-values are still reported, equal to the stateless ones */
    assert_rel(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE_IID), p_iid, REL, "on: psi p iid");
    assert_rel(fget(on, 0, PDRIFT_FEATURE_KS_PVALUE_IID), pk_iid, REL, "on: ks p iid");
    ck_assert(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE) > 0.5 && fget(on, 0, PDRIFT_FEATURE_KS_PVALUE) > 0.5);
    pdrift_monitor_free(on);

    /* only the baseline decides whether a feature is dependent (the
     * window's own estimate is too noisy on short windows): an iid baseline
     * (tau_b = 1) against a dependent window keeps the textbook p-values,
     * which then have full power against the change */
    rng r = {31u};
    for (size_t i = 0; i < N; i++)
        b[i] = rng_normal(&r) * 0.22; /* about the rolling mean's spread */
    ck_assert_double_eq(pdrift__autocorrelation_time(b, N), 1.0);
    cfg = config_for(PDRIFT_SENSITIVITY_HIGH);
    cfg_int(cfg, PDRIFT_PARAM_SERIAL_CORRECTION, 1);
    on = run_one(cfg, b, N, c, N);
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME), 1.0);
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT), tau_w);
    double psi_p_iid;
    ck_assert_int_eq(pdrift_psi(b, N, c, N, 10, &psi, &psi_p_iid), PDRIFT_OK);
    assert_rel(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE), psi_p_iid, REL,
               "iid baseline, dependent window: psi p is the textbook one");
    ck_assert(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE) < 1e-3); /* and the change is seen */
    pdrift_monitor_free(on);
    free(b);
    free(c);
}
END_TEST

/* Independent values whose estimated tau is exactly 1: the p-values are the
 * same with the correction on and off, and equal the stateless ones. The
 * correction is also on by default. (M = 1000 < 2 N: the autocorrelation-time
 * path; test_serial_correction_iid_long_baseline checks the windows path.) */
START_TEST(test_serial_correction_iid_same_pvalues)
{
    enum { N = 1000, M = 700 };
    double *b = alloc_doubles(N), *c = alloc_doubles(M);
    rng r = {31u};
    for (size_t i = 0; i < N; i++)
        b[i] = rng_normal(&r);
    for (size_t i = 0; i < M; i++)
        c[i] = 0.15 + rng_normal(&r);
    ck_assert_double_eq(pdrift__autocorrelation_time(b, N), 1.0); /* preconditions: both */
    ck_assert_double_eq(pdrift__autocorrelation_time(c, M), 1.0); /* sides independent */
    double psi, p, d, pk;
    ck_assert_int_eq(pdrift_psi(b, N, c, M, 10, &psi, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b, N, c, M, PDRIFT_KS_AUTO, &d, &pk), PDRIFT_OK);

    pdrift_config *cfg_on = NULL;
    ck_assert_int_eq(pdrift_config_new(&cfg_on), PDRIFT_OK); /* defaults: correction on */
    long long on_default = -1;
    ck_assert_int_eq(pdrift_config_get_int(cfg_on, PDRIFT_PARAM_SERIAL_CORRECTION, &on_default), PDRIFT_OK);
    ck_assert_int_eq(on_default, 1);
    pdrift_monitor *on = run_one(cfg_on, b, N, c, M);
    pdrift_monitor *off = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), b, N, c, M);
    const pdrift_feature_key keys[] = {PDRIFT_FEATURE_PSI,          PDRIFT_FEATURE_PSI_PVALUE,
                                       PDRIFT_FEATURE_PSI_CRITICAL, PDRIFT_FEATURE_KS_STATISTIC,
                                       PDRIFT_FEATURE_KS_PVALUE,    PDRIFT_FEATURE_KS_PVALUE_ADJUSTED,
                                       PDRIFT_FEATURE_STATUS,       PDRIFT_FEATURE_GATES};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        ck_assert_msg(fget(on, 0, keys[k]) == fget(off, 0, keys[k]), "key %d: on %.17g off %.17g",
                      (int)keys[k], fget(on, 0, keys[k]), fget(off, 0, keys[k]));
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME), 1.0);
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT), 1.0);
    assert_rel(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE), p, REL, "psi p = pdrift_psi");
    assert_rel(fget(on, 0, PDRIFT_FEATURE_KS_PVALUE), pk, REL, "ks p = pdrift_ks_2samp");
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_KS_STATISTIC), d);
    pdrift_monitor_free(on);
    pdrift_monitor_free(off);
    free(b);
    free(c);
}
END_TEST

/* A long baseline (3000 bars) and a shorter window (500 bars): the baseline
 * holds windows of the current length, and the correction ranks the window
 * among them (lib/calibrate.c). The rolling mean is still flagged without the
 * correction and not with it, and the corrected p-values are never below the
 * textbook ones. */
START_TEST(test_serial_correction_long_baseline)
{
    enum { NB = 3000, NC = 500 };
    double *b = alloc_doubles(NB), *c = alloc_doubles(NC);
    fill_rolling_mean(b, NB, 20, 401u);
    fill_rolling_mean(c, NC, 20, 402u);
    double psi, p_iid, d, pk_iid;
    ck_assert_int_eq(pdrift_psi(b, NB, c, NC, 10, &psi, &p_iid), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b, NB, c, NC, PDRIFT_KS_AUTO, &d, &pk_iid), PDRIFT_OK);
    ck_assert((psi > 0.10 && p_iid < 0.10) || (d > 0.10 && pk_iid < 0.10)); /* precondition */

    pdrift_monitor *off = run_one(config_for(PDRIFT_SENSITIVITY_HIGH), b, NB, c, NC);
    ck_assert_double_eq(fget(off, 0, PDRIFT_FEATURE_STATUS), PDRIFT_FEATURE_DRIFT);
    pdrift_monitor_free(off);

    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_HIGH);
    cfg_int(cfg, PDRIFT_PARAM_SERIAL_CORRECTION, 1);
    pdrift_monitor *on = run_one(cfg, b, NB, c, NC);
    expect_feature(on, 0, PDRIFT_FEATURE_OK, PDRIFT_SEVERITY_NONE, 0, "long baseline, correction on");
    ck_assert(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE) >= p_iid);
    ck_assert(fget(on, 0, PDRIFT_FEATURE_KS_PVALUE) >= pk_iid);
    assert_rel(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE_IID), p_iid, REL, "psi p iid");
    assert_rel(fget(on, 0, PDRIFT_FEATURE_KS_PVALUE_IID), pk_iid, REL, "ks p iid");
    pdrift_monitor_free(on);
    free(b);
    free(c);
}
END_TEST

/* The contract of PDRIFT_PARAM_SERIAL_CORRECTION as stated for this suite:
 * "with tau = 1 (or the parameter off) the p-values equal the stateless
 * pdrift_psi / pdrift_ks_2samp ones". Independent values, both autocorrelation
 * times exactly 1, with a baseline long enough to hold windows of the current
 * length (3000 vs 500): on and off must agree. */
START_TEST(test_serial_correction_iid_long_baseline)
{
    enum { NB = 3000, NC = 500 };
    double *b = alloc_doubles(NB), *c = alloc_doubles(NC);
    rng r = {62u};
    for (size_t i = 0; i < NB; i++)
        b[i] = rng_normal(&r);
    for (size_t i = 0; i < NC; i++)
        c[i] = rng_normal(&r);
    ck_assert_double_eq(pdrift__autocorrelation_time(b, NB), 1.0); /* preconditions */
    ck_assert_double_eq(pdrift__autocorrelation_time(c, NC), 1.0);
    double psi, p, d, pk;
    ck_assert_int_eq(pdrift_psi(b, NB, c, NC, 10, &psi, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_ks_2samp(b, NB, c, NC, PDRIFT_KS_AUTO, &d, &pk), PDRIFT_OK);

    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_SERIAL_CORRECTION, 1);
    pdrift_monitor *on = run_one(cfg, b, NB, c, NC);
    pdrift_monitor *off = run_one(config_for(PDRIFT_SENSITIVITY_MEDIUM), b, NB, c, NC);
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME), 1.0);
    ck_assert_double_eq(fget(on, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT), 1.0);
    assert_rel(fget(off, 0, PDRIFT_FEATURE_PSI_PVALUE), p, REL, "off: psi p = pdrift_psi");
    assert_rel(fget(off, 0, PDRIFT_FEATURE_KS_PVALUE), pk, REL, "off: ks p = pdrift_ks_2samp");
    assert_rel(fget(on, 0, PDRIFT_FEATURE_PSI_PVALUE), p, REL, "on, tau 1: psi p = pdrift_psi");
    assert_rel(fget(on, 0, PDRIFT_FEATURE_KS_PVALUE), pk, REL, "on, tau 1: ks p = pdrift_ks_2samp");
    pdrift_monitor_free(on);
    pdrift_monitor_free(off);
    free(b);
    free(c);
}
END_TEST

/* The serial dependence is read from the baseline in time order: the same
 * values sorted (a trend) give a much larger tau than shuffled. */
START_TEST(test_serial_tau_from_baseline_order)
{
    enum { N = 1000 };
    double *trend = alloc_doubles(N), *c = alloc_doubles(N);
    fill_grid(trend, N);
    fill_spread(c, N);
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_SERIAL_CORRECTION, 1);
    pdrift_monitor *m = run_one(cfg, trend, N, c, N);
    double want = pdrift__autocorrelation_time(trend, N);
    ck_assert(want > 50.0);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME), want);
    pdrift_monitor_free(m);
    free(trend);
    free(c);
}
END_TEST

/* ==== CSV files ================================================================================= */

typedef struct tmpdir {
    char path[64];
} tmpdir;

static void tmp_make(tmpdir *t)
{
    strcpy(t->path, "/tmp/check_monitor_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->path));
}

static char *tmp_file(const tmpdir *t, const char *name, const char *text)
{
    static char path[4][160];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", t->path, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}

static void tmp_remove(const tmpdir *t, const char *const *names, size_t n)
{
    char p[160];
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/%s", t->path, names[i]);
        unlink(p);
    }
    rmdir(t->path);
}

/* Baseline rows: Date, x = 3i mod 200 (a permutation), spread_z = i/10 - 5. */
static double base_x(size_t i) { return (double)((3 * i) % 200); }
static double base_z(size_t i) { return (double)i / 10.0 - 5.0; }
/* Current rows: x = 3i mod 200 + 40 (shifted), spread_z as the baseline's first 120. */
static double cur_x(size_t i) { return (double)((3 * i) % 200) + 40.0; }

static char *csv_text(size_t n_rows, int current)
{
    size_t cap = 64 + n_rows * 96;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    size_t len = 0;
    len += (size_t)snprintf(s + len, cap - len, current ? "spread_z,extra,Date,x\n" : "Date,x,spread_z\n");
    for (size_t i = 0; i < n_rows; i++) {
        char date[16];
        snprintf(date, sizeof date, "2024-%02zu-%02zu", 1 + (i / 28) % 12, 1 + i % 28);
        if (!current)
            len += (size_t)snprintf(s + len, cap - len, "%s,%.17g,%.17g\n", date, base_x(i), base_z(i));
        else if (i == 7) /* an empty x cell: missing */
            len += (size_t)snprintf(s + len, cap - len, "%.17g,%zu,%s,\n", base_z(i), i, date);
        else
            len += (size_t)snprintf(s + len, cap - len, "%.17g,%zu,%s,%.17g\n", base_z(i), i, date, cur_x(i));
    }
    return s;
}

/* A column whose two halves of the baseline barely overlap (spread_z, a
 * ramp) is noted as a level; one whose halves overlap (x, a permutation of
 * the same values in both halves) is not; a feature ramping on a coarse grid
 * (ties, still trending) is noted too. */
START_TEST(test_trending_columns_noted)
{
    tmpdir t;
    tmp_make(&t);
    size_t cap = 64 + 200 * 96, len = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    len += (size_t)snprintf(text + len, cap - len, "x,spread_z,steps\n");
    for (size_t i = 0; i < 200; i++)
        len += (size_t)snprintf(text + len, cap - len, "%.17g,%.17g,%zu\n", base_x(i), base_z(i), i / 40);
    char *path = tmp_file(&t, "levels.csv", text);
    char saved[160];
    snprintf(saved, sizeof saved, "%s", path);
    free(text);
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    ck_assert_int_eq(pdrift_baseline_load(m, saved), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_load(m, saved), PDRIFT_OK);
    detect(m);
    size_t n = 0;
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &n), PDRIFT_ENOBUFS);
    char *report = malloc(n);
    ck_assert_int_eq(pdrift_report_json(m, report, n, &n), PDRIFT_OK);
    ck_assert_msg(strstr(report, "column \\\"spread_z\\\" trends through the baseline") != NULL, "%s", report);
    ck_assert_msg(strstr(report, "column \\\"steps\\\" trends through the baseline") != NULL, "%s", report);
    ck_assert_msg(strstr(report, "column \\\"x\\\" trends") == NULL, "%s", report);
    free(report);
    pdrift_monitor_free(m);
    static const char *const names[] = {"levels.csv"};
    tmp_remove(&t, names, 1);
}
END_TEST

START_TEST(test_csv_load)
{
    tmpdir t;
    tmp_make(&t);
    char *btext = csv_text(200, 0), *ctext = csv_text(120, 1);
    char *bpath = tmp_file(&t, "baseline.csv", btext);
    char bsaved[160];
    snprintf(bsaved, sizeof bsaved, "%s", bpath);
    char *cpath = tmp_file(&t, "current.csv", ctext);
    char csaved[160];
    snprintf(csaved, sizeof csaved, "%s", cpath);
    free(btext);
    free(ctext);

    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    ck_assert_int_eq(pdrift_observe_load(m, csaved), PDRIFT_ESTATE);
    int rc = pdrift_baseline_load(m, bsaved);
    ck_assert_msg(rc == PDRIFT_OK, "baseline_load: %d %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
    size_t nf = 0;
    ck_assert_int_eq(pdrift_feature_count(m, &nf), PDRIFT_OK);
    ck_assert_uint_eq(nf, 2); /* Date is not a feature */
    ck_assert_str_eq(pdrift_feature_name(m, 0), "x");
    ck_assert_str_eq(pdrift_feature_name(m, 1), "spread_z");

    rc = pdrift_observe_load(m, csaved);
    ck_assert_msg(rc == PDRIFT_OK, "observe_load: %d %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_BASELINE_ROWS), 200.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 120.0);

    /* columns matched by name despite the new order: compare with the arrays */
    double bx[200], bz[200], cx[120], cz[120];
    for (size_t i = 0; i < 200; i++) {
        bx[i] = base_x(i);
        bz[i] = base_z(i);
    }
    size_t ncx = 0;
    for (size_t i = 0; i < 120; i++) {
        if (i != 7)
            cx[ncx++] = cur_x(i);
        cz[i] = base_z(i);
    }
    double d, p, psi;
    ck_assert_int_eq(pdrift_ks_2samp(bx, 200, cx, ncx, PDRIFT_KS_AUTO, &d, &p), PDRIFT_OK);
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_KS_STATISTIC), d);
    ck_assert_int_eq(pdrift_psi(bx, 200, cx, ncx, 10, &psi, NULL), PDRIFT_OK);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_PSI), psi, REL, "x psi");
    ck_assert_double_eq(fget(m, 0, PDRIFT_FEATURE_N_CURRENT), 119.0);
    assert_rel(fget(m, 0, PDRIFT_FEATURE_MISSING_CURRENT), 1.0 / 120.0, 1e-15, "x missing share");
    ck_assert_int_eq(pdrift_ks_2samp(bz, 200, cz, 120, PDRIFT_KS_AUTO, &d, &p), PDRIFT_OK);
    ck_assert_double_eq(fget(m, 1, PDRIFT_FEATURE_KS_STATISTIC), d);
    ck_assert_double_eq(fget(m, 1, PDRIFT_FEATURE_N_CURRENT), 120.0);

    /* the extra column is listed as ignored in the report; Date is noted */
    char *json = report_text(m);
    cJSON *root = cJSON_Parse(json);
    ck_assert_ptr_nonnull(root);
    cJSON *dd = cJSON_GetObjectItemCaseSensitive(root, "data_drift");
    cJSON *ign = cJSON_GetObjectItemCaseSensitive(dd, "ignored_columns");
    ck_assert(cJSON_IsArray(ign));
    ck_assert_int_eq(cJSON_GetArraySize(ign), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(ign, 0)->valuestring, "extra");
    cJSON *notes = cJSON_GetObjectItemCaseSensitive(dd, "notes");
    ck_assert(cJSON_IsArray(notes));
    int date_noted = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, notes) date_noted |= cJSON_IsString(it) && strstr(it->valuestring, "Date") != NULL;
    ck_assert(date_noted);
    cJSON *src = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(dd, "baseline"), "source");
    ck_assert(cJSON_IsString(src));
    ck_assert_str_eq(src->valuestring, bsaved);
    cJSON_Delete(root);
    free(json);
    pdrift_monitor_free(m);
    const char *const files[] = {"baseline.csv", "current.csv"};
    tmp_remove(&t, files, 2);
}
END_TEST

START_TEST(test_csv_missing_column)
{
    tmpdir t;
    tmp_make(&t);
    char *btext = csv_text(200, 0);
    char bpath[160], cpath[160], tpath[160];
    snprintf(bpath, sizeof bpath, "%s", tmp_file(&t, "baseline.csv", btext));
    free(btext);
    /* no spread_z column */
    snprintf(cpath, sizeof cpath, "%s",
             tmp_file(&t, "current.csv", "Date,x\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n"));
    /* spread_z present but text */
    snprintf(tpath, sizeof tpath, "%s",
             tmp_file(&t, "text.csv", "x,spread_z\n1,low\n2,high\n3,low\n"));

    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    ck_assert_int_eq(pdrift_baseline_load(m, bpath), PDRIFT_OK);
    double rows[4] = {1, 2, 3, 4};
    observe(m, rows, 2);
    ck_assert_int_eq(pdrift_observe_load(m, cpath), PDRIFT_ESCHEMA);
    ck_assert_msg(strstr(pdrift_errmsg(m), "spread_z") != NULL, "errmsg: %s", pdrift_errmsg(m));
    ck_assert_int_eq(pdrift_observe_load(m, tpath), PDRIFT_ESCHEMA);
    ck_assert_msg(strstr(pdrift_errmsg(m), "spread_z") != NULL, "errmsg: %s", pdrift_errmsg(m));
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_CURRENT_ROWS), 2.0); /* nothing appended */
    pdrift_monitor_free(m);
    const char *const files[] = {"baseline.csv", "current.csv", "text.csv"};
    tmp_remove(&t, files, 3);
}
END_TEST

START_TEST(test_csv_baseline_errors)
{
    tmpdir t;
    tmp_make(&t);
    char only_text[160], header_only[160];
    snprintf(only_text, sizeof only_text, "%s", tmp_file(&t, "text.csv", "Date,sym\n2024-01-01,AAPL\n"));
    snprintf(header_only, sizeof header_only, "%s", tmp_file(&t, "header.csv", "a,b\n"));
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    ck_assert_int_eq(pdrift_baseline_load(m, only_text), PDRIFT_EDATA);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_baseline_load(m, header_only), PDRIFT_EDATA);
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    size_t nf;
    ck_assert_int_eq(pdrift_feature_count(m, &nf), PDRIFT_ESTATE);
    pdrift_monitor_free(m);

    /* NaN under reject in a CSV baseline: EDATA naming the column */
    char with_nan[160];
    snprintf(with_nan, sizeof with_nan, "%s", tmp_file(&t, "nan.csv", "a,rsi\n1,2\n3,\n5,6\n"));
    pdrift_config *cfg = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(cfg, PDRIFT_PARAM_NAN_POLICY, PDRIFT_NAN_REJECT);
    m = monitor_from(cfg);
    ck_assert_int_eq(pdrift_baseline_load(m, with_nan), PDRIFT_EDATA);
    ck_assert_msg(strstr(pdrift_errmsg(m), "rsi") != NULL, "errmsg: %s", pdrift_errmsg(m));
    pdrift_monitor_free(m);
    const char *const files[] = {"text.csv", "header.csv", "nan.csv"};
    tmp_remove(&t, files, 3);
}
END_TEST

/* ---- threads (PDRIFT_PARAM_THREADS) --------------------------------------------- */

/* The features tested on several threads give every result with the same
 * bits as on one, whatever the number (more threads than blocks of
 * features too), and the report the same text but its time stamp. 37
 * features: five blocks of eight, the last one short; AR(1) features take
 * the serial calibration, some cells are missing, every third is shifted. */
START_TEST(test_threads_same_bits)
{
    enum { F = 37, NB = 3000, NW = 400 };
    char name_buf[F][8];
    const char *names[F];
    for (size_t f = 0; f < F; f++) {
        snprintf(name_buf[f], sizeof name_buf[f], "f%zu", f);
        names[f] = name_buf[f];
    }
    double *base = malloc(NB * F * sizeof *base), *win = malloc(NW * F * sizeof *win);
    rng r = {2026u};
    double ar[F] = {0};
    for (size_t i = 0; i < NB + NW; i++)
        for (size_t f = 0; f < F; f++) {
            double z = rng_normal(&r);
            ar[f] = f % 4 == 1 ? 0.9 * ar[f] + z : z;
            double v = i >= NB && f % 3 == 0 ? ar[f] + 0.6 : ar[f];
            if (f % 5 == 2 && rng_uniform(&r) < 0.05)
                v = NAN;
            *(i < NB ? &base[i * F + f] : &win[(i - NB) * F + f]) = v;
        }
    static const long long counts[] = {1, 2, 3, 5, 64};
    pdrift_monitor *one = NULL;
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        pdrift_config *c = NULL;
        ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
        cfg_int(c, PDRIFT_PARAM_THREADS, counts[k]);
        pdrift_monitor *m = monitor_from(c);
        set_baseline(m, names, F, base, NB);
        observe(m, win, NW);
        detect(m);
        detect(m); /* again: the kept calibration and fences */
        if (k == 0) {
            one = m;
            ck_assert_int_ge(rget(m, PDRIFT_RESULT_N_DRIFTED), 5.0);
            continue;
        }
        for (int key = PDRIFT_RESULT_PSI_MAX; key <= PDRIFT_RESULT_ADDM_MEAN_Z; key++) {
            double x = NAN, y = NAN;
            ck_assert_int_eq(pdrift_result_get(one, (pdrift_result_key)key, &x),
                             pdrift_result_get(m, (pdrift_result_key)key, &y));
            ck_assert_msg(memcmp(&x, &y, sizeof x) == 0 || (isnan(x) && isnan(y)), "%lld threads, key %d", counts[k],
                          key);
        }
        for (size_t f = 0; f < F; f++)
            for (int key = PDRIFT_FEATURE_STATUS; key <= PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT; key++) {
                double x = fget(one, f, (pdrift_feature_key)key), y = fget(m, f, (pdrift_feature_key)key);
                ck_assert_msg(memcmp(&x, &y, sizeof x) == 0 || (isnan(x) && isnan(y)),
                              "%lld threads, feature %zu key %d: %.17g vs %.17g", counts[k], f, key, x, y);
            }
        pdrift_monitor_free(m);
    }
    pdrift_monitor_free(one);
    free(base);
    free(win);
}
END_TEST

static Suite *monitor_suite(void)
{
    Suite *s = suite_create("monitor");

    TCase *life = tcase_create("lifecycle");
    tcase_add_test(life, test_null_arguments);
    tcase_add_test(life, test_estate_before_baseline);
    tcase_add_test(life, test_baseline_set_validation);
    tcase_add_test(life, test_errmsg_lifecycle);
    tcase_add_test(life, test_nan_policy_reject);
    tcase_add_test(life, test_new_baseline_clears_window_and_result);
    tcase_add_test(life, test_failed_calls_change_nothing);
    suite_add_tcase(s, life);

    TCase *window = tcase_create("window");
    tcase_add_test(window, test_window_across_batches);
    tcase_add_test(window, test_window_single_large_batch);
    tcase_add_test(window, test_window_unbounded_and_reset);
    tcase_add_test(window, test_window_reset_ring);
    suite_add_tcase(s, window);

    TCase *decision = tcase_create("decision");
    tcase_set_timeout(decision, 30);
    tcase_add_test(decision, test_psi_thresholds_at_each_preset);
    tcase_add_test(decision, test_psi_significance_side);
    tcase_add_test(decision, test_alpha_preset_with_explicit_threshold);
    tcase_add_test(decision, test_explicit_threshold_overrides_preset);
    tcase_add_test(decision, test_ks_thresholds_and_bands);
    tcase_add_test(decision, test_ks_significance_side);
    tcase_add_test(decision, test_psi_gate_precedence);
    tcase_add_test(decision, test_missing_gate_bands);
    tcase_add_test(decision, test_missing_gate_significance_and_rows);
    tcase_add_test(decision, test_insufficient_boundaries);
    tcase_add_test(decision, test_insufficient_never_fails_run);
    tcase_add_test(decision, test_bh_changes_verdict);
    tcase_add_test(decision, test_correction_skips_untested_features);
    suite_add_tcase(s, decision);

    TCase *result = tcase_create("result");
    tcase_add_test(result, test_drifted_ordering);
    tcase_add_test(result, test_psi_max);
    tcase_add_test(result, test_recommendation_names_and_more);
    tcase_add_test(result, test_recommendation_three_names);
    tcase_add_test(result, test_recommendation_not_enough_data);
    tcase_add_test(result, test_getters_values_and_nan);
    suite_add_tcase(s, result);

    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_threads_same_bits);
    suite_add_tcase(s, threads);

    TCase *serial = tcase_create("serial correction");
    tcase_set_timeout(serial, 30);
    tcase_add_test(serial, test_serial_correction_rolling_mean);
    tcase_add_test(serial, test_serial_correction_iid_same_pvalues);
    tcase_add_test(serial, test_serial_tau_from_baseline_order);
    tcase_add_test(serial, test_serial_correction_long_baseline);
    tcase_add_test(serial, test_serial_correction_iid_long_baseline);
    suite_add_tcase(s, serial);

    TCase *csv = tcase_create("csv");
    tcase_add_test(csv, test_csv_load);
    tcase_add_test(csv, test_trending_columns_noted);
    tcase_add_test(csv, test_csv_missing_column);
    tcase_add_test(csv, test_csv_baseline_errors);
    suite_add_tcase(s, csv);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(monitor_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
