/*
 * check_ks.c — the two-sample KS test (ks.c) against scipy 1.10's ks_2samp:
 * every case and method of tests/data/ks_cases.json (statistic bit for bit,
 * p-value within SPEC §7's tolerances, method actually used), plus the
 * properties any correct implementation has: symmetry, invariance under
 * strictly increasing transforms, inputs left untouched, and the error codes.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "under_valgrind.h"
#include "xorshift.h"

/* Under valgrind (make check-valgrind, a memory check) the golden cases are
 * 1 in VALGRIND_STRIDE with samples of at most VALGRIND_MAX_N values (every
 * method and branch, far less arithmetic) and the random property tests
 * take 1 round in VALGRIND_FEWER; make check runs them all. */
enum { VALGRIND_STRIDE = 3, VALGRIND_MAX_N = 2000, VALGRIND_FEWER = 20 };

static int rounds(int n)
{
    return under_valgrind() ? n / VALGRIND_FEWER : n;
}
#include "internal.h"

static pdrift_ks_method method_from_name(const char *name)
{
    if (strcmp(name, "auto") == 0)
        return PDRIFT_KS_AUTO;
    if (strcmp(name, "exact") == 0)
        return PDRIFT_KS_EXACT;
    ck_assert_str_eq(name, "asymp");
    return PDRIFT_KS_ASYMP;
}

/* Asymptotic p-values inherit kstwo.sf's tolerance (check_kstwo.c). */
static int asymp_regime_one_minus_cdf(const cJSON *result)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(result, "kstwo_regime");
    const char *regime = r ? cJSON_GetStringValue(r) : "";
    return strncmp(regime, "RG_low", 6) == 0 || strncmp(regime, "DMTW", 4) == 0 ||
           strcmp(regime, "Pomeranz") == 0 || strcmp(regime, "PelzGood") == 0;
}

START_TEST(test_ks_golden)
{
    const cJSON *cases = golden_get(golden_load("ks_cases.json"), "cases");
    golden_stat stat_d = {.name = "ks statistic (all methods)"};
    golden_stat stat_exact = {.name = "ks p-value, exact"};
    golden_stat stat_asymp = {.name = "ks p-value, asymp"};
    golden_stat stat_rational = {.name = "ks exact p vs true rational (info)"};
    size_t failures = 0, n_results = 0, n_cases = 0, n_evaluated = 0;

    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const char *id = cJSON_GetStringValue(golden_get(c, "id"));
        if (under_valgrind() && (n_cases % VALGRIND_STRIDE != 0 || golden_double(c, "n1") > VALGRIND_MAX_N ||
                                 golden_double(c, "n2") > VALGRIND_MAX_N)) {
            n_results += (size_t)cJSON_GetArraySize(golden_get(c, "results"));
            n_cases++;
            continue;
        }
        size_t n1, n2;
        double *x = golden_ks_sample(c, 1, &n1);
        double *y = golden_ks_sample(c, 2, &n2);
        ck_assert_uint_eq(n1, (size_t)golden_double(c, "n1"));
        ck_assert_uint_eq(n2, (size_t)golden_double(c, "n2"));
        double *xs, *ys;
        ck_assert_int_eq(pdrift__sorted_copy(x, n1, &xs), PDRIFT_OK);
        ck_assert_int_eq(pdrift__sorted_copy(y, n2, &ys), PDRIFT_OK);
        double raw_d = pdrift__ks_statistic(xs, n1, ys, n2);

        const cJSON *r;
        cJSON_ArrayForEach(r, golden_get(c, "results")) {
            const char *requested = cJSON_GetStringValue(golden_get(r, "method_requested"));
            const char *used_name = cJSON_GetStringValue(golden_get(r, "method_used"));
            pdrift_ks_method method = method_from_name(requested);
            double want_d = golden_double(r, "statistic_hex");
            double want_p = golden_double(r, "pvalue_hex");

            double d = -1, p = -1;
            ck_assert_int_eq(pdrift_ks_2samp(x, n1, y, n2, method, &d, &p), PDRIFT_OK);

            /* The internal path on sorted copies gives the same and names the method. */
            double d2, p2;
            pdrift_ks_method used;
            ck_assert_int_eq(pdrift__ks_pvalue(raw_d, n1, n2, method, &d2, &p2, &used), PDRIFT_OK);
            ck_assert(golden_same_bits(d, d2) && golden_same_bits(p, p2));
            ck_assert_msg(used == method_from_name(used_name), "%s/%s: method used %d, scipy %s",
                          id, requested, used, used_name);
            int fell_back = cJSON_IsTrue(golden_get(r, "fell_back_to_asymp"));
            ck_assert_int_eq(fell_back, method == PDRIFT_KS_EXACT && used == PDRIFT_KS_ASYMP);

            golden_stat_add(&stat_d, d, want_d);
            int ok_d = golden_same_bits(d, want_d);
            int ok_p;
            if (used == PDRIFT_KS_EXACT) {
                golden_stat_add(&stat_exact, p, want_p);
                ok_p = golden_close(p, want_p, 1e-12, 0.0);
                const cJSON *rational = cJSON_GetObjectItemCaseSensitive(c, "pvalue_exact_rational");
                if (rational && !cJSON_IsNull(rational) && method == PDRIFT_KS_EXACT)
                    golden_stat_add(&stat_rational, p, golden_number(rational));
            } else {
                golden_stat_add(&stat_asymp, p, want_p);
                ok_p = golden_close(p, want_p, 2e-12, asymp_regime_one_minus_cdf(r) ? 2e-15 : 0.0);
            }
            if (!ok_d || !ok_p) {
                printf("%s/%s: D %a (scipy %a), p %a (scipy %a)\n", id, requested, d, want_d, p,
                       want_p);
                failures++;
            }
            n_results++;
            n_evaluated++;
        }
        free(x);
        free(y);
        free(xs);
        free(ys);
        n_cases++;
    }
    golden_stat_print(&stat_d);
    golden_stat_print(&stat_exact);
    golden_stat_print(&stat_asymp);
    golden_stat_print(&stat_rational);
    ck_assert_uint_eq(n_cases, 75);
    ck_assert_uint_eq(n_results, 225);
    if (under_valgrind())
        ck_assert_uint_gt(n_evaluated, 20);
    else
        ck_assert_uint_eq(n_evaluated, 225);
    ck_assert_uint_eq(stat_d.bit_exact, n_evaluated);
    ck_assert_msg(failures == 0, "%zu of %zu KS results outside tolerance", failures, n_results);
}
END_TEST

/* ---- properties ----------------------------------------------------------- */

/* A small deterministic generator (splitmix64), so the tests need no seed file. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static double uniform01(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

static double normal01(void)
{
    double u = uniform01(), v = uniform01();
    return sqrt(-2.0 * log(u + 0x1p-60)) * cos(6.283185307179586 * v);
}

/* n values: a normal sample with a shift, or a coarse grid (ties) if grid > 0. */
static double *sample(size_t n, double shift, double grid)
{
    double *v = malloc(n * sizeof *v);
    ck_assert(v != NULL);
    for (size_t i = 0; i < n; i++) {
        double z = normal01() + shift;
        v[i] = grid > 0 ? round(z / grid) * grid : z;
    }
    return v;
}

static const struct { size_t n1, n2; double shift, grid; } shapes[] = {
    {1, 1, 0, 0},     {1, 7, 0.5, 0},      {5, 5, 0, 0},       {8, 13, 1, 0},
    {20, 20, 0.3, 1}, {30, 45, 0.2, 0},    {137, 201, 0.1, 0}, {100, 100, 0, 0.5},
    {600, 400, 0.05, 0}, {999, 1000, 0.1, 0.25}, {3000, 2000, 0, 0}, {10001, 500, 0.05, 0},
};

START_TEST(test_ks_symmetric)
{
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        double *x = sample(shapes[s].n1, 0, shapes[s].grid);
        double *y = sample(shapes[s].n2, shapes[s].shift, shapes[s].grid);
        for (int m = 0; m <= 2; m++) {
            double d1, p1, d2, p2;
            ck_assert_int_eq(pdrift_ks_2samp(x, shapes[s].n1, y, shapes[s].n2, (pdrift_ks_method)m, &d1, &p1), 0);
            ck_assert_int_eq(pdrift_ks_2samp(y, shapes[s].n2, x, shapes[s].n1, (pdrift_ks_method)m, &d2, &p2), 0);
            ck_assert_msg(golden_same_bits(d1, d2), "shape %zu method %d: D %a vs %a", s, m, d1, d2);
            ck_assert_msg(golden_close(p1, p2, 1e-14, 0.0), "shape %zu method %d: p %a vs %a", s, m, p1, p2);
            ck_assert(d1 >= 0.0 && d1 <= 1.0);
            ck_assert(isnan(p1) || (p1 >= 0.0 && p1 <= 1.0));
        }
        free(x);
        free(y);
    }
}
END_TEST

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* 1 if f kept the order pattern of the pooled values (no new ties, no swaps). */
static int order_preserved(const double *a, const double *fa, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && j < i + 64; j++)
            if ((a[i] < a[j]) != (fa[i] < fa[j]) || (a[i] == a[j]) != (fa[i] == fa[j]))
                return 0;
    return 1;
}

START_TEST(test_ks_monotone_invariant)
{
    for (size_t s = 2; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t n1 = shapes[s].n1, n2 = shapes[s].n2;
        double *pool = sample(n1 + n2, 0, shapes[s].grid);
        for (size_t i = n1; i < n1 + n2; i++)
            pool[i] += shapes[s].shift;
        double *sorted = malloc((n1 + n2) * sizeof *sorted);
        memcpy(sorted, pool, (n1 + n2) * sizeof *sorted);
        qsort(sorted, n1 + n2, sizeof *sorted, cmp_double);

        for (int f = 0; f < 3; f++) {
            double *t = malloc((n1 + n2) * sizeof *t), *ts = malloc((n1 + n2) * sizeof *t);
            for (size_t i = 0; i < n1 + n2; i++) {
                double v = pool[i];
                t[i] = f == 0 ? exp(v) : f == 1 ? 1e6 * v - 3.0 : atan(v / 8);
                v = sorted[i];
                ts[i] = f == 0 ? exp(v) : f == 1 ? 1e6 * v - 3.0 : atan(v / 8);
            }
            if (!order_preserved(sorted, ts, n1 + n2)) { /* the transform merged values: not a test */
                free(t);
                free(ts);
                continue;
            }
            for (int m = 0; m <= 2; m++) {
                double d1, p1, d2, p2;
                ck_assert_int_eq(pdrift_ks_2samp(pool, n1, pool + n1, n2, (pdrift_ks_method)m, &d1, &p1), 0);
                ck_assert_int_eq(pdrift_ks_2samp(t, n1, t + n1, n2, (pdrift_ks_method)m, &d2, &p2), 0);
                ck_assert_msg(golden_same_bits(d1, d2) && golden_same_bits(p1, p2),
                              "shape %zu transform %d method %d", s, f, m);
            }
            free(t);
            free(ts);
        }
        free(pool);
        free(sorted);
    }
}
END_TEST

START_TEST(test_ks_inputs_unchanged)
{
    size_t n1 = 257, n2 = 300;
    double *x = sample(n1, 0, 0.1), *y = sample(n2, 0.2, 0);
    double *x0 = malloc(n1 * sizeof *x0), *y0 = malloc(n2 * sizeof *y0);
    memcpy(x0, x, n1 * sizeof *x);
    memcpy(y0, y, n2 * sizeof *y);
    double d, p;
    for (int m = 0; m <= 2; m++)
        ck_assert_int_eq(pdrift_ks_2samp(x, n1, y, n2, (pdrift_ks_method)m, &d, &p), 0);
    ck_assert(memcmp(x, x0, n1 * sizeof *x) == 0);
    ck_assert(memcmp(y, y0, n2 * sizeof *y) == 0);
    free(x);
    free(y);
    free(x0);
    free(y0);
}
END_TEST

START_TEST(test_ks_errors)
{
    double x[3] = {1, 2, 3}, y[3] = {1, 2, 4}, d = 42, p = 42;
    ck_assert_int_eq(pdrift_ks_2samp(NULL, 3, y, 3, PDRIFT_KS_AUTO, &d, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_ks_2samp(x, 3, NULL, 3, PDRIFT_KS_AUTO, &d, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_ks_2samp(x, 3, y, 3, PDRIFT_KS_AUTO, NULL, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_ks_2samp(x, 3, y, 3, PDRIFT_KS_AUTO, &d, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_ks_2samp(x, 0, y, 3, PDRIFT_KS_AUTO, &d, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_ks_2samp(x, 3, y, 0, PDRIFT_KS_AUTO, &d, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_ks_2samp(x, 3, y, 3, (pdrift_ks_method)3, &d, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_ks_2samp(x, 3, y, 3, (pdrift_ks_method)-1, &d, &p), PDRIFT_EINVAL);
    x[1] = NAN;
    ck_assert_int_eq(pdrift_ks_2samp(x, 3, y, 3, PDRIFT_KS_AUTO, &d, &p), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_ks_2samp(y, 3, x, 3, PDRIFT_KS_ASYMP, &d, &p), PDRIFT_EDATA);
    ck_assert(d == 42 && p == 42); /* outputs untouched on failure */
}
END_TEST

START_TEST(test_ks_special_values)
{
    double d, p;
    /* n1 = n2 = 1 under ASYMP: effective size 0.5 rounds to 0, p is NaN as scipy's. */
    double a = 0.5, b = 0.7;
    ck_assert_int_eq(pdrift_ks_2samp(&a, 1, &a, 1, PDRIFT_KS_ASYMP, &d, &p), 0);
    ck_assert(d == 0.0 && isnan(p));
    ck_assert_int_eq(pdrift_ks_2samp(&a, 1, &b, 1, PDRIFT_KS_ASYMP, &d, &p), 0);
    ck_assert(d == 1.0 && isnan(p));
    ck_assert_int_eq(pdrift_ks_2samp(&a, 1, &b, 1, PDRIFT_KS_EXACT, &d, &p), 0);
    ck_assert(d == 1.0 && p == 1.0); /* 2 paths of 2 leave the band */
    /* -0.0 and +0.0 are one value. */
    double nz = -0.0, pz = 0.0;
    ck_assert_int_eq(pdrift_ks_2samp(&nz, 1, &pz, 1, PDRIFT_KS_AUTO, &d, &p), 0);
    ck_assert(d == 0.0 && p == 1.0);
    /* +-inf are ordinary values: {-inf, 0, inf} vs {-inf, 0, inf} identical. */
    double inf3[3] = {INFINITY, -INFINITY, 0.0};
    ck_assert_int_eq(pdrift_ks_2samp(inf3, 3, inf3, 3, PDRIFT_KS_AUTO, &d, &p), 0);
    ck_assert(d == 0.0 && p == 1.0);
    /* Fully separated equal samples of size n: exact p = 2 / C(2n, n). */
    double lo[4] = {1, 2, 3, 4}, hi[4] = {5, 6, 7, 8};
    ck_assert_int_eq(pdrift_ks_2samp(lo, 4, hi, 4, PDRIFT_KS_EXACT, &d, &p), 0);
    ck_assert(d == 1.0);
    ck_assert(fabs(p - 2.0 / 70.0) < 1e-16);
}
END_TEST

/* ks_statistic_fenced's `ready`: copies the asked range of the true values
 * to the start of another buffer, which it returns (or refuses: NULL), as a
 * mapped snapshot reads a block into memory of its own. */
typedef struct {
    const double *truth;
    double *shown;
    size_t n, calls, shown_len;
    int refuse;
} revealer;

static const double *reveal(void *ctx, size_t lo, size_t hi)
{
    revealer *rv = ctx;
    ck_assert(lo < hi && hi <= rv->n);
    if (rv->refuse)
        return NULL;
    for (size_t i = 0; i < rv->shown_len; i++) /* what the last call showed is gone */
        rv->shown[i] = NAN;
    memcpy(rv->shown, rv->truth + lo, (hi - lo) * sizeof *rv->shown);
    rv->shown_len = hi - lo;
    rv->calls++;
    return rv->shown;
}

/* The galloping statistic (a small window against a large sorted baseline,
 * lib/ks.c) has the same bits as the merge on every kind of data: continuous,
 * heavily tied, the window inside the baseline or outside it, infinities,
 * signed zeros, every size ratio. */
static uint64_t gallop_state = 2026;
static double gallop_uniform(void)
{
    return xorshift_uniform(&gallop_state);
}

START_TEST(test_ks_small_equals_merge)
{
    size_t checked = 0;
    for (int rep = 0; rep < rounds(4000); rep++) {
        size_t n1 = 1 + (size_t)(gallop_uniform() * 5000), n2 = 1 + (size_t)(gallop_uniform() * 600);
        int kind = rep % 6;
        double *x = malloc(n1 * sizeof *x), *y = malloc(n2 * sizeof *y);
        for (size_t i = 0; i < n1; i++) {
            double u = gallop_uniform();
            x[i] = kind == 0 ? u : kind == 1 ? floor(u * 7) : kind == 2 ? (u < 0.01 ? INFINITY : u)
                 : kind == 3 ? (u < 0.5 ? -0.0 : 0.0) : kind == 4 ? floor(u * 1000) / 8 : u * 1e-300;
        }
        for (size_t j = 0; j < n2; j++) {
            double u = gallop_uniform();
            /* half the time drawn from x itself (a window of the baseline) */
            y[j] = rep % 2 ? x[(size_t)(u * (double)n1)] : (kind == 1 ? floor(u * 9) - 1 : u * 1.2 - 0.1);
        }
        pdrift__sort(x, n1);
        pdrift__sort(y, n2);
        double a = pdrift__ks_statistic(x, n1, y, n2), b = pdrift__ks_statistic_small(x, n1, y, n2);
        ck_assert_msg(golden_same_bits(a, b), "rep %d (kind %d, %zu vs %zu): merge %.17g, gallop %.17g", rep,
                      kind, n1, n2, a, b);
        /* Through fences every step-th value: one value a block, small
         * blocks, the library's step, a single fence. */
        size_t steps[] = {1, 3, 16, pdrift__ks_fence_step(n1), n1};
        double *fence = malloc(n1 * sizeof *fence), *hidden = malloc(n1 * sizeof *hidden),
               *shown = malloc(n1 * sizeof *shown);
        for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
            size_t step = steps[s], k = (n1 + step - 1) / step;
            for (size_t i = 0; i < k; i++)
                fence[i] = x[i * step];
            double c = pdrift__ks_statistic_fenced(x, n1, fence, step, k, y, n2, NULL, NULL);
            ck_assert_msg(golden_same_bits(a, c), "rep %d (kind %d, %zu vs %zu, step %zu): merge %.17g, fenced %.17g",
                          rep, kind, n1, n2, step, a, c);
            /* It reads only what it asked for, where `ready` puts it: every
             * value of x is NaN, and each range is shown only to the call
             * that asked for it (as a mapped snapshot reads and checks it). */
            for (size_t i = 0; i < n1; i++)
                hidden[i] = NAN;
            revealer rv = {x, shown, n1, 0, 0, 0};
            c = pdrift__ks_statistic_fenced(hidden, n1, fence, step, k, y, n2, reveal, &rv);
            ck_assert_msg(golden_same_bits(a, c), "rep %d, step %zu, values revealed on demand: %.17g, merge %.17g",
                          rep, step, c, a);
            /* A range that cannot be made ready stops it: NaN. */
            rv.refuse = 1;
            size_t asked = rv.calls;
            c = pdrift__ks_statistic_fenced(hidden, n1, fence, step, k, y, n2, reveal, &rv);
            ck_assert(asked == 0 ? golden_same_bits(a, c) : isnan(c));
        }
        free(fence);
        free(hidden);
        free(shown);
        checked++;
        free(x);
        free(y);
    }
    ck_assert_uint_eq(checked, (size_t)rounds(4000));
}
END_TEST

/* The null windows of the serial calibration (lib/calibrate.c) are scanned
 * in rank space, at the window's values only: their KS distances to the
 * rest of the baseline have the same bits as the full merge over every
 * baseline value, written out here. At a value v with i baseline and j
 * window values <= v, F_W - F_rest = (j n - i m) / (m (n - m)): the exact
 * integer numerator's maximum, divided once. */
static double window_vs_rest_merge(const double *b, size_t n, const double *w, size_t m)
{
    size_t i = 0, j = 0;
    unsigned long long best = 0;
    while (i < n) {
        double v = b[i];
        while (i < n && b[i] <= v)
            i++;
        while (j < m && w[j] <= v)
            j++;
        unsigned long long a = (unsigned long long)j * n, c = (unsigned long long)i * m;
        unsigned long long diff = a > c ? a - c : c - a;
        if (diff > best)
            best = diff;
    }
    return (double)best / (double)((unsigned long long)m * (n - m));
}

START_TEST(test_null_windows_equal_merge)
{
    size_t compared = 0;
    for (int rep = 0; rep < rounds(600); rep++) {
        size_t n = 60 + (size_t)(gallop_uniform() * 3000);
        size_t m = 5 + (size_t)(gallop_uniform() * (double)(n / 2 - 5));
        double *x = malloc(n * sizeof *x), *sorted = malloc(n * sizeof *sorted), *w = malloc(m * sizeof *w);
        uint32_t *positions = malloc(n * sizeof *positions);
        double ar = 0.0;
        for (size_t i = 0; i < n; i++) {
            double u = gallop_uniform();
            ar = 0.9 * ar + u;
            x[i] = rep % 3 == 0 ? u : rep % 3 == 1 ? floor(u * 5) : floor(ar * 3);
        }
        ck_assert_int_eq(pdrift__sort_positions(x, n, sorted, NULL, positions), PDRIFT_OK);
        for (size_t t = 0; t < n; t++)
            ck_assert(golden_same_bits(sorted[positions[t]], x[t]));
        double cuts[9];
        size_t counts[10];
        size_t nc = pdrift__psi_cuts(sorted, n, 10, 0, cuts);
        pdrift__psi_count(sorted, n, cuts, nc, counts);
        pdrift__psi_options o = pdrift__psi_default_options();
        double ks[50], psi[50];
        size_t k = 0;
        ck_assert_int_eq(pdrift__window_null(sorted, positions, n, m, cuts, nc, counts, &o, 50, ks, psi, &k), PDRIFT_OK);
        for (size_t i = 0; i < k; i++) {
            size_t start = k == 1 ? 0 : (size_t)((double)i * (double)(n - m) / (double)(k - 1));
            memcpy(w, x + start, m * sizeof *w);
            pdrift__sort(w, m);
            double want = window_vs_rest_merge(sorted, n, w, m);
            ck_assert_msg(golden_same_bits(ks[i], want), "rep %d window %zu: %.17g vs merge %.17g", rep, i, ks[i],
                          want);
            compared++;
        }
        free(x);
        free(sorted);
        free(w);
        free(positions);
    }
    ck_assert_uint_gt(compared, (size_t)rounds(10000));
}
END_TEST

static Suite *ks_suite(void)
{
    Suite *s = suite_create("ks");
    TCase *golden = tcase_create("golden");
    tcase_set_timeout(golden, 600);
    tcase_add_test(golden, test_ks_golden);
    suite_add_tcase(s, golden);
    TCase *props = tcase_create("properties");
    tcase_set_timeout(props, 300);
    tcase_add_test(props, test_ks_symmetric);
    tcase_add_test(props, test_ks_monotone_invariant);
    tcase_add_test(props, test_ks_inputs_unchanged);
    tcase_add_test(props, test_ks_errors);
    tcase_add_test(props, test_ks_special_values);
    tcase_add_test(props, test_ks_small_equals_merge);
    tcase_add_test(props, test_null_windows_equal_merge);
    suite_add_tcase(s, props);
    return s;
}

int main(void)
{
    if (under_valgrind())
        printf("check_ks: under valgrind: 1 golden case in %d (samples of at most %d values), 1 random "
               "round in %d\n", VALGRIND_STRIDE, VALGRIND_MAX_N, VALGRIND_FEWER);
    SRunner *sr = srunner_create(ks_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
