/*
 * check_psi.c — the Population Stability Index (lib/psi.c, SPEC.md §2).
 *
 * Golden: every case of tests/data/psi_cases.json in its three binnings
 * (B = 10, 5, 20), the prebinned example and the chi-square quantile table,
 * with the tolerances of SPEC §7. Properties: validation, inputs left alone,
 * the open outer bins, the infinite-endpoint quantile rules, the variants of
 * SPEC §2.5 against numbers derived by hand, and invariance under strictly
 * increasing transforms.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <ploutos_drift.h>

#include "golden.h"
#include "internal.h"
#include "xorshift.h"

#define PSI_REL 1e-13   /* psi vs psi_hex (SPEC §7) */
#define CHI2_REL 1e-12  /* p-values and critical values (SPEC §7) */

/* ---- helpers ---------------------------------------------------------------- */

/* Chi-square upper tail for odd df in closed form, independent of GSL:
 * Q(x; k) = erfc(sqrt(x/2)) + sqrt(2x/pi) e^(-x/2) sum_{j=1}^{(k-1)/2} x^(j-1)/(1*3*...*(2j-1))
 * (Abramowitz & Stegun 26.4.4); k = 1 leaves erfc alone. All terms are
 * positive, so it is accurate to a few ulps. */
static double chi2_q_odd(double x, unsigned k)
{
    const double pi = 3.14159265358979323846;
    double sum = 0.0, term = 1.0;
    for (unsigned j = 1; j <= (k - 1) / 2; j++) {
        sum += term;
        term *= x / (2.0 * j + 1.0);
    }
    return erfc(sqrt(x / 2.0)) + sqrt(2.0 * x / pi) * exp(-x / 2.0) * sum;
}

/* Deterministic values on the grid k/1024, k in [lo*1024, hi*1024): exact
 * under x*2+1 and far enough apart that exp keeps them strictly ordered. */
static void fill_grid(double *v, size_t n, uint64_t seed, int lo, int hi)
{
    uint64_t state = seed;
    uint64_t span = (uint64_t)(hi - lo) * 1024u;
    for (size_t i = 0; i < n; i++) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        v[i] = (double)lo + (double)((state >> 33) % span) / 1024.0;
    }
}

static double *copy_of(const double *v, size_t n)
{
    double *c = malloc(n * sizeof *c);
    ck_assert_ptr_nonnull(c);
    memcpy(c, v, n * sizeof *c);
    return c;
}

/* ---- golden: psi_cases.json `cases` ---------------------------------------------- */

enum {
    ST_CUTS, ST_COUNTS, ST_PSI, ST_PSI_PUBLIC, ST_P, ST_P_PUBLIC, ST_CRIT05, ST_CRIT01,
    ST_CRIT001, ST_COUNT
};

static const char *const STAT_NAMES[ST_COUNT] = {
    "psi cuts (bit-exact required)", "psi bin counts (exact required)",
    "psi value, internal (rel 1e-13)", "psi value, pdrift_psi (rel 1e-13)",
    "psi p-value, internal (rel 1e-12)", "psi p-value, pdrift_psi (rel 1e-12)",
    "psi crit alpha=0.05 (rel 1e-12)", "psi crit alpha=0.01 (rel 1e-12)",
    "psi crit alpha=0.001 (rel 1e-12)",
};

static void check_counts(const char *what, const char *id, const size_t *got, size_t n_got,
                         const cJSON *expected, golden_stat *st)
{
    size_t n_exp;
    size_t *exp = golden_size_array(expected, &n_exp);
    ck_assert_msg(n_got == n_exp, "%s %s: %zu bins, golden %zu", id, what, n_got, n_exp);
    for (size_t i = 0; i < n_exp; i++) {
        ck_assert_msg(got[i] == exp[i], "%s %s[%zu]: %zu, golden %zu", id, what, i, got[i], exp[i]);
        golden_stat_add(st, (double)got[i], (double)exp[i]);
    }
    free(exp);
}

static void check_close(const char *id, const char *what, double got, double ref, double rel,
                        golden_stat *st)
{
    golden_stat_add(st, got, ref);
    ck_assert_msg(golden_close(got, ref, rel, 0.0), "%s %s: got %.17g (%a), golden %.17g (%a)",
                  id, what, got, got, ref, ref);
}

/* One result block (one bin count B) of one case, through the internal
 * pipeline (cuts, counts, PSI from counts, critical values) and through the
 * public pdrift_psi. */
static void check_block(const char *id, const cJSON *block, unsigned bins, const double *baseline,
                        size_t m, const double *current, size_t n, golden_stat *st)
{
    double *sorted = NULL;
    ck_assert_int_eq(pdrift__sorted_copy(baseline, m, &sorted), PDRIFT_OK);
    double *cuts = malloc((bins - 1) * sizeof *cuts);
    size_t *baseline_counts = malloc(bins * sizeof *baseline_counts);
    size_t *current_counts = malloc(bins * sizeof *current_counts);
    ck_assert(cuts && baseline_counts && current_counts);

    /* Cut points: bit for bit. */
    size_t n_cuts = pdrift__psi_cuts(sorted, m, bins, PDRIFT__BINNING_QUANTILE, cuts);
    size_t n_exp;
    double *exp_cuts = golden_array(golden_get(block, "cuts"), &n_exp);
    ck_assert_msg(n_cuts == n_exp, "%s B=%u: %zu cuts, golden %zu", id, bins, n_cuts, n_exp);
    for (size_t i = 0; i < n_cuts; i++) {
        golden_stat_add(&st[ST_CUTS], cuts[i], exp_cuts[i]);
        ck_assert_msg(golden_same_bits(cuts[i], exp_cuts[i]), "%s B=%u cut %zu: %a, golden %a",
                      id, bins, i, cuts[i], exp_cuts[i]);
    }
    free(exp_cuts);
    ck_assert_uint_eq(n_cuts + 1, (size_t)golden_double(block, "n_bins_total"));

    /* Counts: the unsorted baseline must give the same as the sorted one. */
    pdrift__psi_count(baseline, m, cuts, n_cuts, baseline_counts);
    check_counts("baseline_counts", id, baseline_counts, n_cuts + 1,
                 golden_get(block, "baseline_counts"), &st[ST_COUNTS]);
    pdrift__psi_count(current, n, cuts, n_cuts, current_counts);
    check_counts("current_counts", id, current_counts, n_cuts + 1,
                 golden_get(block, "current_counts"), &st[ST_COUNTS]);

    /* PSI and p-value from the counts. */
    pdrift__psi_options opts = pdrift__psi_default_options();
    opts.bins = bins;
    pdrift__psi_result r;
    ck_assert_int_eq(pdrift__psi_from_counts(baseline_counts, current_counts, n_cuts + 1, &opts, &r),
                     PDRIFT_OK);
    ck_assert_uint_eq(r.n_bins, n_cuts + 1);
    ck_assert_uint_eq(r.n_bins_effective, (size_t)golden_double(block, "n_bins_effective"));
    double ref_psi = golden_double(block, "psi_hex");
    ck_assert(golden_same_bits(ref_psi, golden_double(block, "psi"))); /* the file agrees with itself */
    double ref_p = golden_double(block, "pvalue_chi2_approx");
    check_close(id, "psi", r.psi, ref_psi, PSI_REL, &st[ST_PSI]);
    check_close(id, "pvalue", r.pvalue, ref_p, CHI2_REL, &st[ST_P]);

    /* Critical values at the golden levels. */
    size_t df = r.n_bins_effective - 1;
    check_close(id, "crit 0.05", pdrift__psi_critical(0.05, df, m, n),
                golden_double(block, "crit_alpha_0.05"), CHI2_REL, &st[ST_CRIT05]);
    check_close(id, "crit 0.01", pdrift__psi_critical(0.01, df, m, n),
                golden_double(block, "crit_alpha_0.01"), CHI2_REL, &st[ST_CRIT01]);
    check_close(id, "crit 0.001", pdrift__psi_critical(0.001, df, m, n),
                golden_double(block, "crit_alpha_0.001"), CHI2_REL, &st[ST_CRIT001]);

    /* The public function on the raw samples. */
    double psi = -1.0, p = -1.0;
    ck_assert_int_eq(pdrift_psi(baseline, m, current, n, bins, &psi, &p), PDRIFT_OK);
    check_close(id, "pdrift_psi psi", psi, ref_psi, PSI_REL, &st[ST_PSI_PUBLIC]);
    check_close(id, "pdrift_psi pvalue", p, ref_p, CHI2_REL, &st[ST_P_PUBLIC]);
    ck_assert(golden_same_bits(psi, r.psi));
    ck_assert(golden_same_bits(p, r.pvalue));

    free(sorted);
    free(cuts);
    free(baseline_counts);
    free(current_counts);
}

START_TEST(test_golden_cases)
{
    static const char *const blocks[] = {"default_B10_eps1e-4", "variant_B5", "variant_B20"};
    static const unsigned block_bins[] = {10, 5, 20};
    golden_stat st[ST_COUNT];
    memset(st, 0, sizeof st);
    for (int i = 0; i < ST_COUNT; i++)
        st[i].name = STAT_NAMES[i];

    const cJSON *cases = golden_get(golden_load("psi_cases.json"), "cases");
    size_t n_cases = 0, n_blocks = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const char *id = cJSON_GetStringValue(golden_get(c, "id"));
        size_t m, n;
        double *baseline = golden_array(golden_get(c, "baseline"), &m);
        double *current = golden_array(golden_get(c, "current"), &n);
        ck_assert_uint_eq(m, (size_t)golden_double(c, "M"));
        ck_assert_uint_eq(n, (size_t)golden_double(c, "N"));
        for (size_t b = 0; b < 3; b++) {
            check_block(id, golden_get(c, blocks[b]), block_bins[b], baseline, m, current, n, st);
            n_blocks++;
        }
        free(baseline);
        free(current);
        n_cases++;
    }
    ck_assert_uint_eq(n_cases, 10);
    ck_assert_uint_eq(n_blocks, 30);
    for (int i = 0; i < ST_COUNT; i++)
        golden_stat_print(&st[i]);
}
END_TEST

/* ---- golden: `prebinned` ------------------------------------------------------------ */

START_TEST(test_golden_prebinned)
{
    golden_stat st_psi = {"psi prebinned value (rel 1e-13)", 0, 0, 0, 0};
    golden_stat st_p = {"psi prebinned p-value (rel 1e-12)", 0, 0, 0, 0};
    golden_stat st_crit = {"psi prebinned crit 0.05 (rel 1e-12)", 0, 0, 0, 0};
    const cJSON *list = golden_get(golden_load("psi_cases.json"), "prebinned");
    size_t n_rows = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, list) {
        const char *id = cJSON_GetStringValue(golden_get(row, "id"));
        size_t nb, nc;
        size_t *bc = golden_size_array(golden_get(row, "baseline_counts"), &nb);
        size_t *cc = golden_size_array(golden_get(row, "current_counts"), &nc);
        ck_assert_uint_eq(nb, nc);
        size_t m = 0, n = 0;
        for (size_t i = 0; i < nb; i++) {
            m += bc[i];
            n += cc[i];
        }
        pdrift__psi_options opts = pdrift__psi_default_options();
        pdrift__psi_result r;
        ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, nb, &opts, &r), PDRIFT_OK);
        ck_assert_uint_eq(r.n_bins, nb);
        check_close(id, "psi", r.psi, golden_double(row, "psi"), PSI_REL, &st_psi);
        check_close(id, "pvalue", r.pvalue, golden_double(row, "pvalue_chi2_approx"), CHI2_REL,
                    &st_p);
        check_close(id, "crit 0.05", pdrift__psi_critical(0.05, r.n_bins_effective - 1, m, n),
                    golden_double(row, "crit_alpha_0.05"), CHI2_REL, &st_crit);

        /* The psi-inference README publishes these to 3 significant digits. */
        const cJSON *pub = golden_get(row, "published_values");
        ck_assert(fabs(r.psi - golden_double(pub, "statistic")) <= 0.5e-4);
        ck_assert(fabs(r.pvalue - golden_double(pub, "p_value")) <= 0.05e-6);
        free(bc);
        free(cc);
        n_rows++;
    }
    ck_assert_uint_ge(n_rows, 1);
    golden_stat_print(&st_psi);
    golden_stat_print(&st_p);
    golden_stat_print(&st_crit);
}
END_TEST

/* ---- golden: `chi2_quantile_table` ---------------------------------------------------- */

START_TEST(test_golden_chi2_table)
{
    static const double levels[] = {0.05, 0.01, 0.001};
    static const char *const keys[] = {"chi2_ppf_0.95", "chi2_ppf_0.99", "chi2_ppf_0.999"};
    golden_stat st[3] = {{"chi2 quantile 0.95 (rel 1e-12)", 0, 0, 0, 0},
                         {"chi2 quantile 0.99 (rel 1e-12)", 0, 0, 0, 0},
                         {"chi2 quantile 0.999 (rel 1e-12)", 0, 0, 0, 0}};
    const cJSON *table = golden_get(golden_load("psi_cases.json"), "chi2_quantile_table");
    size_t rows = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, table) {
        size_t df = (size_t)golden_double(row, "df");
        char id[32];
        snprintf(id, sizeof id, "df=%zu", df);
        /* M = N = 2 makes the scale 1/2 + 1/2 = 1 exactly: the raw quantile. */
        for (int j = 0; j < 3; j++)
            check_close(id, keys[j], pdrift__psi_critical(levels[j], df, 2, 2),
                        golden_double(row, keys[j]), CHI2_REL, &st[j]);
        rows++;
    }
    ck_assert_uint_eq(rows, 30);
    for (int j = 0; j < 3; j++)
        golden_stat_print(&st[j]);
}
END_TEST

/* ---- validation ---------------------------------------------------------------------------- */

START_TEST(test_invalid_arguments)
{
    double b[12], c[12], psi = 42.0, p = 42.0;
    fill_grid(b, 12, 1, -2, 2);
    fill_grid(c, 12, 2, -2, 2);
    ck_assert_int_eq(pdrift_psi(NULL, 12, c, 12, 10, &psi, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_psi(b, 12, NULL, 12, 10, &psi, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_psi(b, 12, c, 12, 10, NULL, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_psi(b, 0, c, 12, 10, &psi, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_psi(b, 12, c, 0, 10, &psi, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_psi(b, 12, c, 12, 1, &psi, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_psi(b, 12, c, 12, 0, &psi, &p), PDRIFT_EINVAL);
    /* Too few values for the bins: data, not argument, error (SPEC §2.4). */
    ck_assert_int_eq(pdrift_psi(b, 9, c, 12, 10, &psi, &p), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_psi(b, 12, c, 9, 10, &psi, &p), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_psi(b, 12, c, 12, 13, &psi, &p), PDRIFT_EDATA);
    /* Outputs are written only on success. */
    ck_assert(psi == 42.0 && p == 42.0);
    /* Exactly B values on each side is enough. */
    ck_assert_int_eq(pdrift_psi(b, 10, c, 10, 10, &psi, &p), PDRIFT_OK);
}
END_TEST

START_TEST(test_nan_rejected)
{
    double b[20], c[20], psi = 42.0, p = 42.0;
    fill_grid(b, 20, 3, -2, 2);
    fill_grid(c, 20, 4, -2, 2);
    b[7] = NAN;
    ck_assert_int_eq(pdrift_psi(b, 20, c, 20, 10, &psi, &p), PDRIFT_EDATA);
    b[7] = 0.5;
    c[19] = NAN;
    ck_assert_int_eq(pdrift_psi(b, 20, c, 20, 10, &psi, &p), PDRIFT_EDATA);
    ck_assert(psi == 42.0 && p == 42.0);
}
END_TEST

START_TEST(test_pvalue_may_be_null)
{
    double b[50], c[40], psi_with = -1.0, psi_without = -1.0, p = -1.0;
    fill_grid(b, 50, 5, -3, 3);
    fill_grid(c, 40, 6, -2, 4);
    ck_assert_int_eq(pdrift_psi(b, 50, c, 40, 10, &psi_with, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_psi(b, 50, c, 40, 10, &psi_without, NULL), PDRIFT_OK);
    ck_assert(golden_same_bits(psi_with, psi_without));
    ck_assert(psi_with > 0.0 && p > 0.0 && p < 1.0);
}
END_TEST

START_TEST(test_inputs_unchanged)
{
    enum { M = 300, N = 200 };
    double b[M], c[N];
    fill_grid(b, M, 7, -5, 5);
    fill_grid(c, N, 8, -4, 6);
    b[3] = -INFINITY;
    c[5] = INFINITY;
    c[6] = -0.0;
    double *b0 = copy_of(b, M), *c0 = copy_of(c, N);
    double psi, p;
    ck_assert_int_eq(pdrift_psi(b, M, c, N, 10, &psi, &p), PDRIFT_OK);
    ck_assert_int_eq(memcmp(b, b0, sizeof b), 0);
    ck_assert_int_eq(memcmp(c, c0, sizeof c), 0);

    /* The counting function only reads its values and cuts either. */
    double cuts[3] = {-1.0, 0.0, 1.0}, cuts0[3];
    size_t counts[4];
    memcpy(cuts0, cuts, sizeof cuts);
    pdrift__psi_count(c, N, cuts, 3, counts);
    ck_assert_int_eq(memcmp(c, c0, sizeof c), 0);
    ck_assert_int_eq(memcmp(cuts, cuts0, sizeof cuts), 0);
    free(b0);
    free(c0);
}
END_TEST

/* ---- PSI values ---------------------------------------------------------------------------- */

START_TEST(test_identical_samples)
{
    enum { M = 137 };
    double b[M], shuffled[M];
    fill_grid(b, M, 9, -3, 3);
    for (size_t i = 0; i < M; i++) /* 37 is coprime to 137: a permutation */
        shuffled[i] = b[(i * 37) % M];
    double psi = -1.0, p = -1.0;
    ck_assert_int_eq(pdrift_psi(b, M, b, M, 10, &psi, &p), PDRIFT_OK);
    ck_assert(psi == 0.0 && p == 1.0);
    ck_assert_int_eq(pdrift_psi(b, M, shuffled, M, 7, &psi, &p), PDRIFT_OK);
    ck_assert(psi == 0.0 && p == 1.0);
}
END_TEST

START_TEST(test_values_beyond_baseline_max_are_counted)
{
    /* Baseline 0, 1, ..., 99: the decile cuts are 9.9k (h = 99k/10), so each
     * of the 10 bins holds 10 baseline values, p_i = 0.1. The current values
     * 1000..1049 all exceed the baseline's maximum: they must land in the
     * open last bin (the seed's Python version dropped them), q = (eps x 9, 1).
     * PSI = 9 (1e-4 - 0.1) ln(1e-4/0.1) + (1 - 0.1) ln(1/0.1)
     *     = ln(10) (9 * 0.0999 * 3 + 0.9) = 3.5973 ln 10 = 8.283089355027482.
     * All 10 bins are non-empty in the baseline: df = 9, scale = 1/100 + 1/50,
     * p-value = Q(PSI/0.03; 9), about 4e-54. */
    enum { M = 100, N = 50 };
    double b[M], c[N];
    for (size_t i = 0; i < M; i++)
        b[i] = (double)i;
    for (size_t i = 0; i < N; i++)
        c[i] = 1000.0 + (double)i;
    double cuts[9];
    size_t counts[10];
    ck_assert_uint_eq(pdrift__psi_cuts(b, M, 10, PDRIFT__BINNING_QUANTILE, cuts), 9);
    pdrift__psi_count(c, N, cuts, 9, counts);
    for (size_t i = 0; i < 9; i++)
        ck_assert_uint_eq(counts[i], 0);
    ck_assert_uint_eq(counts[9], N);

    double psi, p;
    ck_assert_int_eq(pdrift_psi(b, M, c, N, 10, &psi, &p), PDRIFT_OK);
    double expected = log(10.0) * (9.0 * 0.0999 * 3.0 + 0.9);
    ck_assert_msg(golden_close(psi, expected, 1e-13, 0.0), "psi %.17g, expected %.17g", psi,
                  expected);
    double p_expected = chi2_q_odd(psi / (1.0 / 100 + 1.0 / 50), 9);
    ck_assert_msg(golden_close(p, p_expected, 1e-12, 0.0), "p %.17g vs %.17g", p, p_expected);
}
END_TEST

START_TEST(test_count_right_closed_and_infinite)
{
    /* bin(v) = number of cuts < v: a value equal to a cut belongs to the
     * bin it closes, -0.0 equals 0.0, and +-inf fall in the outer bins. */
    const double cuts[3] = {0.0, 2.0, 3.0};
    const double v[9] = {-INFINITY, -0.0, 0.0, 1.5, 2.0, 3.0, 3.5, 1e308, INFINITY};
    size_t counts[4] = {99, 99, 99, 99};
    pdrift__psi_count(v, 9, cuts, 3, counts);
    ck_assert_uint_eq(counts[0], 3); /* -inf, -0.0, 0.0 */
    ck_assert_uint_eq(counts[1], 2); /* 1.5, 2.0 */
    ck_assert_uint_eq(counts[2], 1); /* 3.0 */
    ck_assert_uint_eq(counts[3], 3); /* 3.5, 1e308, inf */
    /* the same through the sorted values (a search per cut) */
    size_t sorted_counts[4] = {99, 99, 99, 99};
    pdrift__psi_count_sorted(v, 9, cuts, 3, sorted_counts);
    ck_assert_mem_eq(sorted_counts, counts, sizeof counts);
}
END_TEST

/* Counting sorted values a search per cut puts every value in the bin that
 * counting it alone does: values on the cuts, ties, repeated cuts, signed
 * zeros, infinities, empty bins at either end, no values. */
START_TEST(test_count_sorted_same_bins)
{
    uint64_t state = 7;
    for (int rep = 0; rep < 2000; rep++) {
        size_t n = (size_t)(xorshift_uniform(&state) * 300), n_cuts = 1 + (size_t)(xorshift_uniform(&state) * 12);
        double *v = malloc((n ? n : 1) * sizeof *v), cuts[13];
        size_t a[14], b[14];
        for (size_t k = 0; k < n_cuts; k++)
            cuts[k] = floor(xorshift_uniform(&state) * 10) - 5 + (rep % 3 == 0 ? 0.0 : -0.0);
        pdrift__sort(cuts, n_cuts);
        for (size_t i = 0; i < n; i++) {
            double u = xorshift_uniform(&state);
            v[i] = rep % 4 == 0 ? floor(u * 14) - 7 : u < 0.02 ? -INFINITY : u > 0.98 ? INFINITY
                                                          : (u - 0.5) * (rep % 5 + 1) * 4;
        }
        pdrift__sort(v, n);
        pdrift__psi_count(v, n, cuts, n_cuts, a);
        pdrift__psi_count_sorted(v, n, cuts, n_cuts, b);
        ck_assert_msg(memcmp(a, b, (n_cuts + 1) * sizeof *a) == 0, "rep %d: %zu values, %zu cuts", rep, n, n_cuts);
        free(v);
    }
}
END_TEST

START_TEST(test_infinite_values_in_outer_bins)
{
    /* Baseline 0..99 (p_i = 0.1, see above); current: 25 x -inf, 25 x +inf,
     * so q = (0.5, eps x 8, 0.5):
     * PSI = 2 (0.5 - 0.1) ln 5 + 8 (1e-4 - 0.1) ln(1e-3) = 6.808228348909805. */
    enum { M = 100, N = 50 };
    double b[M], c[N];
    for (size_t i = 0; i < M; i++)
        b[i] = (double)i;
    for (size_t i = 0; i < N; i++)
        c[i] = (i % 2) ? INFINITY : -INFINITY;
    double psi, p;
    ck_assert_int_eq(pdrift_psi(b, M, c, N, 10, &psi, &p), PDRIFT_OK);
    double expected = 0.8 * log(5.0) + 8.0 * (1e-4 - 0.1) * log(1e-3);
    ck_assert_msg(golden_close(psi, expected, 1e-13, 0.0), "psi %.17g, expected %.17g", psi,
                  expected);
}
END_TEST

START_TEST(test_quantile_infinite_endpoints)
{
    double cuts[3];
    /* n = 3, B = 2: h = 1, fr = 0 -> b[1], even though b[2] = +inf
     * (the plain formula would give 1 + 0*(inf - 1) = NaN). */
    const double a[3] = {0.0, 1.0, INFINITY};
    ck_assert_uint_eq(pdrift__psi_cuts(a, 3, 2, PDRIFT__BINNING_QUANTILE, cuts), 1);
    ck_assert(cuts[0] == 1.0);
    /* n = 3, B = 4: h = 0.5, 1, 1.5. k=1: b[lo] = -inf -> -inf; k=2: b[1];
     * k=3: b[hi] = +inf -> +inf. */
    const double d[3] = {-INFINITY, 0.0, INFINITY};
    ck_assert_uint_eq(pdrift__psi_cuts(d, 3, 4, PDRIFT__BINNING_QUANTILE, cuts), 3);
    ck_assert(cuts[0] == -INFINITY && cuts[1] == 0.0 && cuts[2] == INFINITY);
    /* Equal infinite end points: b[lo] == b[hi] -> b[lo] (inf - inf is NaN). */
    const double e[3] = {INFINITY, INFINITY, INFINITY};
    ck_assert_uint_eq(pdrift__psi_cuts(e, 3, 4, PDRIFT__BINNING_QUANTILE, cuts), 1);
    ck_assert(cuts[0] == INFINITY);
    /* -inf and +inf as end points: the SPEC's +inf rule is listed first. */
    const double f[2] = {-INFINITY, INFINITY};
    ck_assert_uint_eq(pdrift__psi_cuts(f, 2, 2, PDRIFT__BINNING_QUANTILE, cuts), 1);
    ck_assert(cuts[0] == INFINITY);
    /* Finite interpolation: n = 3, B = 4, {0, 1, 3}: 0.5, 1, 2. */
    const double g[3] = {0.0, 1.0, 3.0};
    ck_assert_uint_eq(pdrift__psi_cuts(g, 3, 4, PDRIFT__BINNING_QUANTILE, cuts), 3);
    ck_assert(cuts[0] == 0.5 && cuts[1] == 1.0 && cuts[2] == 2.0);
}
END_TEST

START_TEST(test_constant_baseline)
{
    /* 100 x 1.0: every decile is 1.0, one cut kept, two bins. Current: 50 x
     * 1.0 (bin 0, since 1.0 is not > 1.0) and 50 x 2.0 (bin 1).
     * p = (1, eps), q = (0.5, 0.5):
     * PSI = (0.5 - 1) ln 0.5 + (0.5 - 1e-4) ln(0.5/1e-4) = 4.60431846666895.
     * df = 1, scale = 1/100 + 1/100: p-value = Q(PSI/0.02; 1) = erfc(sqrt(x/2)). */
    enum { M = 100, N = 100 };
    double b[M], c[N], cuts[9];
    for (size_t i = 0; i < M; i++)
        b[i] = 1.0;
    for (size_t i = 0; i < N; i++)
        c[i] = i < 50 ? 1.0 : 2.0;
    ck_assert_uint_eq(pdrift__psi_cuts(b, M, 10, PDRIFT__BINNING_QUANTILE, cuts), 1);
    ck_assert(cuts[0] == 1.0);

    double psi, p;
    ck_assert_int_eq(pdrift_psi(b, M, c, N, 10, &psi, &p), PDRIFT_OK);
    double expected = (0.5 - 1.0) * log(0.5) + (0.5 - 1e-4) * log(0.5 / 1e-4);
    ck_assert_msg(golden_close(psi, expected, 1e-13, 0.0), "psi %.17g vs %.17g", psi, expected);
    double p_expected = chi2_q_odd(psi / 0.02, 1);
    ck_assert_msg(golden_close(p, p_expected, 1e-12, 0.0), "p %.17g vs %.17g", p, p_expected);
}
END_TEST

START_TEST(test_equal_width_and_smoothing)
{
    /* Baseline {-inf, 0, 2, 3, 8, +inf}, B = 4, equal width: the finite range
     * is [0, 8], so the cuts are 0 + 8*(k/4) = 2, 4, 6 exactly.
     * Baseline counts: -inf, 0, 2 -> bin 0; 3 -> 1; 8, +inf -> 3: (3, 1, 0, 2).
     * Current {1, 5, 5, 7}: 1 -> 0; 5, 5 -> 2; 7 -> 3: (1, 0, 2, 1).
     * B_eff = 4, df = 3, scale = 1/6 + 1/4.
     *
     * Epsilon: p = (3/6, 1/6, eps, 2/6), q = (1/4, eps, 2/4, 1/4),
     *   PSI = sum (q - p) ln(q/p) = 5.690693469934358.
     * Smoothing (count + 0.5)/(total + 0.5*4): p = (3.5, 1.5, 0.5, 2.5)/8,
     *   q = (1.5, 0.5, 2.5, 1.5)/6, PSI = 0.8752429910313138,
     *   p-value = Q(PSI/(5/12); 3) = 0.5517947913717083 (scipy chi2.sf). */
    const double b[6] = {-INFINITY, 0.0, 2.0, 3.0, 8.0, INFINITY};
    const double c[4] = {1.0, 5.0, 5.0, 7.0};
    double cuts[3];
    size_t bc[4], cc[4];
    ck_assert_uint_eq(pdrift__psi_cuts(b, 6, 4, PDRIFT__BINNING_EQUAL_WIDTH, cuts), 3);
    ck_assert(cuts[0] == 2.0 && cuts[1] == 4.0 && cuts[2] == 6.0);
    pdrift__psi_count(b, 6, cuts, 3, bc);
    pdrift__psi_count(c, 4, cuts, 3, cc);
    const size_t bc_expected[4] = {3, 1, 0, 2}, cc_expected[4] = {1, 0, 2, 1};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(bc[i], bc_expected[i]);
        ck_assert_uint_eq(cc[i], cc_expected[i]);
    }

    const double scale = 1.0 / 6.0 + 1.0 / 4.0;
    const double p_eps[4] = {3.0 / 6, 1.0 / 6, 1e-4, 2.0 / 6};
    const double q_eps[4] = {1.0 / 4, 1e-4, 2.0 / 4, 1.0 / 4};
    const double p_smooth[4] = {3.5 / 8, 1.5 / 8, 0.5 / 8, 2.5 / 8};
    const double q_smooth[4] = {1.5 / 6, 0.5 / 6, 2.5 / 6, 1.5 / 6};
    double psi_eps = 0.0, psi_smooth = 0.0;
    for (size_t i = 0; i < 4; i++) {
        psi_eps += (q_eps[i] - p_eps[i]) * log(q_eps[i] / p_eps[i]);
        psi_smooth += (q_smooth[i] - p_smooth[i]) * log(q_smooth[i] / p_smooth[i]);
    }
    ck_assert(fabs(psi_eps - 5.690693469934358) < 1e-12);    /* the comment's numbers */
    ck_assert(fabs(psi_smooth - 0.8752429910313138) < 1e-12);

    pdrift__psi_options opts = pdrift__psi_default_options();
    opts.bins = 4;
    opts.binning = PDRIFT__BINNING_EQUAL_WIDTH;
    pdrift__psi_result r;
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 4, &opts, &r), PDRIFT_OK);
    ck_assert_uint_eq(r.n_bins_effective, 4);
    ck_assert(golden_close(r.psi, psi_eps, 1e-15, 0.0));
    ck_assert(golden_close(r.pvalue, chi2_q_odd(r.psi / scale, 3), 1e-12, 0.0));

    opts.empty_bins = PDRIFT__EMPTY_SMOOTHING;
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 4, &opts, &r), PDRIFT_OK);
    ck_assert_uint_eq(r.n_bins_effective, 4);
    ck_assert(golden_close(r.psi, psi_smooth, 1e-15, 0.0));
    ck_assert(golden_close(r.pvalue, chi2_q_odd(r.psi / scale, 3), 1e-12, 0.0));
    ck_assert(fabs(r.pvalue - 0.5517947913717083) < 1e-12);

    /* A configurable epsilon replaces empty shares: eps = 1e-3 changes bins
     * 1 (current) and 2 (baseline) only. */
    opts.empty_bins = PDRIFT__EMPTY_EPSILON;
    opts.epsilon = 1e-3;
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 4, &opts, &r), PDRIFT_OK);
    double psi_eps3 = (0.25 - 0.5) * log(0.25 / 0.5) + (1e-3 - 1.0 / 6) * log(1e-3 / (1.0 / 6)) +
                      (0.5 - 1e-3) * log(0.5 / 1e-3) + (0.25 - 2.0 / 6) * log(0.25 / (2.0 / 6));
    ck_assert(golden_close(r.psi, psi_eps3, 1e-15, 0.0));
}
END_TEST

START_TEST(test_equal_width_degenerate_ranges)
{
    double cuts[9];
    /* lo == hi: one cut at the value, the infinities do not count. */
    const double a[4] = {-INFINITY, 5.0, 5.0, INFINITY};
    ck_assert_uint_eq(pdrift__psi_cuts(a, 4, 10, PDRIFT__BINNING_EQUAL_WIDTH, cuts), 1);
    ck_assert(cuts[0] == 5.0);
    /* No finite value: one cut at 0.0 separating -inf from +inf. */
    const double b[3] = {-INFINITY, INFINITY, INFINITY};
    ck_assert_uint_eq(pdrift__psi_cuts(b, 3, 10, PDRIFT__BINNING_EQUAL_WIDTH, cuts), 1);
    ck_assert(cuts[0] == 0.0);
    size_t counts[2];
    pdrift__psi_count(b, 3, cuts, 1, counts);
    ck_assert(counts[0] == 1 && counts[1] == 2);
    /* A range wider than DBL_MAX still gives finite, increasing cuts:
     * -1e308 + 2e308*(k/4) = -0.5e308, 0, 0.5e308 in exact arithmetic. */
    const double w[2] = {-1e308, 1e308};
    ck_assert_uint_eq(pdrift__psi_cuts(w, 2, 4, PDRIFT__BINNING_EQUAL_WIDTH, cuts), 3);
    ck_assert(golden_close(cuts[0], -0.5e308, 1e-15, 0.0));
    ck_assert(cuts[1] == 0.0);
    ck_assert(golden_close(cuts[2], 0.5e308, 1e-15, 0.0));
}
END_TEST

START_TEST(test_ties_deduplicated)
{
    /* 0,0,0,0,1,1,1,1,1,1: deciles at h = 9*(k/10) = 0.9k. k = 1..3: both
     * end points are 0 -> 0 (kept once); k = 4: h = 3.6, b[3] = 0, b[4] = 1
     * -> 0 + 0.6*(1 - 0) = 0.6 up to the rounding of h; k = 5..9: both end
     * points are 1 -> 1 (kept once). Cuts {0, 0.6, 1}. */
    const double b[10] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    double cuts[9];
    ck_assert_uint_eq(pdrift__psi_cuts(b, 10, 10, PDRIFT__BINNING_QUANTILE, cuts), 3);
    ck_assert(cuts[0] == 0.0 && cuts[2] == 1.0);
    ck_assert(golden_close(cuts[1], 0.6, 1e-15, 0.0));
}
END_TEST

START_TEST(test_monotone_transform_invariance)
{
    /* PSI depends on the samples only through comparisons with the cuts.
     * With B = 8 and M = 801, h = 800*(k/8) = 100k is an integer, so every
     * cut is an order statistic of the baseline and any strictly increasing
     * transform maps cuts to cuts: exp must leave PSI bit-identical. With
     * B = 10 the cuts interpolate; x*2 + 1 is exact on the k/1024 grid and
     * commutes with the interpolation. */
    enum { M = 801, N = 400 };
    double b[M], c[N], tb[M], tc[N];
    fill_grid(b, M, 11, -4, 4);
    fill_grid(c, N, 12, -3, 5);
    double psi, p, tpsi, tp;

    for (size_t i = 0; i < M; i++)
        tb[i] = exp(b[i]);
    for (size_t i = 0; i < N; i++)
        tc[i] = exp(c[i]);
    ck_assert_int_eq(pdrift_psi(b, M, c, N, 8, &psi, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_psi(tb, M, tc, N, 8, &tpsi, &tp), PDRIFT_OK);
    ck_assert(psi > 0.01); /* a real shift, not a trivial 0 = 0 */
    ck_assert(golden_same_bits(psi, tpsi) && golden_same_bits(p, tp));

    for (size_t i = 0; i < M; i++)
        tb[i] = b[i] * 2.0 + 1.0;
    for (size_t i = 0; i < N; i++)
        tc[i] = c[i] * 2.0 + 1.0;
    ck_assert_int_eq(pdrift_psi(b, M, c, N, 10, &psi, &p), PDRIFT_OK);
    ck_assert_int_eq(pdrift_psi(tb, M, tc, N, 10, &tpsi, &tp), PDRIFT_OK);
    ck_assert(golden_same_bits(psi, tpsi) && golden_same_bits(p, tp));
}
END_TEST

/* ---- counts, chi-square and options ------------------------------------------------------------ */

START_TEST(test_from_counts_validation)
{
    const size_t bc[3] = {5, 3, 2}, cc[3] = {4, 4, 2}, zero[3] = {0, 0, 0};
    pdrift__psi_options opts = pdrift__psi_default_options();
    pdrift__psi_result r;
    r.psi = 42.0;
    ck_assert_int_eq(pdrift__psi_from_counts(NULL, cc, 3, &opts, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__psi_from_counts(bc, NULL, 3, &opts, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 3, NULL, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 3, &opts, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 0, &opts, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__psi_from_counts(zero, cc, 3, &opts, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__psi_from_counts(bc, zero, 3, &opts, &r), PDRIFT_EINVAL);
    opts.empty_bins = 7;
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 3, &opts, &r), PDRIFT_EINVAL);
    opts = pdrift__psi_default_options();
    const double bad_eps[] = {0.0, -1e-4, NAN, INFINITY, 1.5, 1e-310};
    for (size_t i = 0; i < sizeof bad_eps / sizeof bad_eps[0]; i++) {
        opts.epsilon = bad_eps[i];
        ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 3, &opts, &r), PDRIFT_EINVAL);
    }
    ck_assert(r.psi == 42.0);
    ck_assert_uint_eq(pdrift__psi_default_options().bins, 10);
    ck_assert(pdrift__psi_default_options().epsilon == 1e-4);
    ck_assert_int_eq(pdrift__psi_default_options().binning, PDRIFT__BINNING_QUANTILE);
    ck_assert_int_eq(pdrift__psi_default_options().empty_bins, PDRIFT__EMPTY_EPSILON);
}
END_TEST

START_TEST(test_single_effective_bin)
{
    /* Everything in one bin: B_eff = 1, so PSI = 0 and p = 1 by definition,
     * also under smoothing (which would leave a residue from the empty bin:
     * p = (10.5, 0.5)/11, q = (5.5, 0.5)/6 differ). */
    const size_t bc[2] = {10, 0}, cc[2] = {5, 0};
    pdrift__psi_options opts = pdrift__psi_default_options();
    pdrift__psi_result r;
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 2, &opts, &r), PDRIFT_OK);
    ck_assert(r.psi == 0.0 && r.pvalue == 1.0);
    ck_assert_uint_eq(r.n_bins, 2);
    ck_assert_uint_eq(r.n_bins_effective, 1);
    opts.empty_bins = PDRIFT__EMPTY_SMOOTHING;
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 2, &opts, &r), PDRIFT_OK);
    ck_assert(r.psi == 0.0 && r.pvalue == 1.0);
}
END_TEST

START_TEST(test_empty_in_both_adds_nothing)
{
    /* A bin empty in both samples: eps vs eps adds exactly 0 and no df.
     * (5, 0, 5) vs (2, 0, 8): p = (0.5, eps, 0.5), q = (0.2, eps, 0.8),
     * B_eff = 2, df = 1, scale = 1/10 + 1/10. */
    const size_t bc[3] = {5, 0, 5}, cc[3] = {2, 0, 8}, bc2[2] = {5, 5}, cc2[2] = {2, 8};
    pdrift__psi_options opts = pdrift__psi_default_options();
    pdrift__psi_result r, r2;
    ck_assert_int_eq(pdrift__psi_from_counts(bc, cc, 3, &opts, &r), PDRIFT_OK);
    ck_assert_int_eq(pdrift__psi_from_counts(bc2, cc2, 2, &opts, &r2), PDRIFT_OK);
    ck_assert_uint_eq(r.n_bins, 3);
    ck_assert_uint_eq(r.n_bins_effective, 2);
    ck_assert(golden_same_bits(r.psi, r2.psi));
    double expected = (0.2 - 0.5) * log(0.2 / 0.5) + (0.8 - 0.5) * log(0.8 / 0.5);
    ck_assert(golden_close(r.psi, expected, 1e-15, 0.0));
    ck_assert(golden_close(r.pvalue, chi2_q_odd(r.psi / 0.2, 1), 1e-12, 0.0));
}
END_TEST

START_TEST(test_critical_invalid)
{
    ck_assert(isnan(pdrift__psi_critical(0.05, 0, 100, 100)));
    ck_assert(isnan(pdrift__psi_critical(0.0, 3, 100, 100)));
    ck_assert(isnan(pdrift__psi_critical(1.0, 3, 100, 100)));
    ck_assert(isnan(pdrift__psi_critical(-0.5, 3, 100, 100)));
    ck_assert(isnan(pdrift__psi_critical(NAN, 3, 100, 100)));
    ck_assert(isnan(pdrift__psi_critical(0.05, 3, 0, 100)));
    ck_assert(isnan(pdrift__psi_critical(0.05, 3, 100, 0)));
    /* df = 2 has a closed form: Qinv(alpha; 2) = -2 ln(alpha). */
    ck_assert(golden_close(pdrift__psi_critical(0.05, 2, 4, 4), -2.0 * log(0.05) * 0.5, 1e-13,
                           0.0));
}
END_TEST

START_TEST(test_bins_limit)
{
    /* The largest df the limit allows: scipy 1.10 chi2.isf(0.05, 9999) =
     * 10232.737266236883 (GSL agrees there); one more bin is refused. */
    ck_assert(golden_close(pdrift__psi_critical(0.05, PDRIFT__PSI_MAX_BINS - 1, 2, 2),
                           10232.737266236883, 1e-12, 0.0));
    ck_assert(isnan(pdrift__psi_critical(0.05, PDRIFT__PSI_MAX_BINS, 2, 2)));

    enum { N = 20000 };
    static double b[N], c[N];
    for (int i = 0; i < N; i++) {
        b[i] = i;
        c[i] = i + 0.5;
    }
    double psi, p;
    ck_assert_int_eq(pdrift_psi(b, N, c, N, PDRIFT__PSI_MAX_BINS, &psi, &p), PDRIFT_OK);
    ck_assert(psi >= 0.0 && p >= 0.0 && p <= 1.0);
    ck_assert_int_eq(pdrift_psi(b, N, c, N, PDRIFT__PSI_MAX_BINS + 1, &psi, &p), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_psi(b, N, c, N, 4000000000u, &psi, &p), PDRIFT_EINVAL);
}
END_TEST

/* ---- suite ---------------------------------------------------------------------------------- */

static Suite *psi_suite(void)
{
    Suite *s = suite_create("psi");

    TCase *golden = tcase_create("golden");
    tcase_set_timeout(golden, 60);
    tcase_add_test(golden, test_golden_cases);
    tcase_add_test(golden, test_golden_prebinned);
    tcase_add_test(golden, test_golden_chi2_table);
    suite_add_tcase(s, golden);

    TCase *validation = tcase_create("validation");
    tcase_add_test(validation, test_invalid_arguments);
    tcase_add_test(validation, test_nan_rejected);
    tcase_add_test(validation, test_pvalue_may_be_null);
    tcase_add_test(validation, test_inputs_unchanged);
    suite_add_tcase(s, validation);

    TCase *values = tcase_create("values");
    tcase_add_test(values, test_identical_samples);
    tcase_add_test(values, test_values_beyond_baseline_max_are_counted);
    tcase_add_test(values, test_count_right_closed_and_infinite);
    tcase_add_test(values, test_count_sorted_same_bins);
    tcase_add_test(values, test_infinite_values_in_outer_bins);
    tcase_add_test(values, test_quantile_infinite_endpoints);
    tcase_add_test(values, test_constant_baseline);
    tcase_add_test(values, test_equal_width_and_smoothing);
    tcase_add_test(values, test_equal_width_degenerate_ranges);
    tcase_add_test(values, test_ties_deduplicated);
    tcase_add_test(values, test_monotone_transform_invariance);
    suite_add_tcase(s, values);

    TCase *counts = tcase_create("counts");
    tcase_set_timeout(counts, 30);
    tcase_add_test(counts, test_from_counts_validation);
    tcase_add_test(counts, test_single_effective_bin);
    tcase_add_test(counts, test_empty_in_both_adds_nothing);
    tcase_add_test(counts, test_critical_invalid);
    tcase_add_test(counts, test_bins_limit);
    suite_add_tcase(s, counts);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(psi_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
