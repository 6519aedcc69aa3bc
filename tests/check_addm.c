/*
 * check_addm.c — ADDM, concept drift on the error series (lib/addm.c,
 * SPEC.md §4).
 *
 * Golden: the four cases and the 241-step sequential trace of
 * tests/data/addm_cases.json with the tolerances of SPEC §7; the linear
 * AR(5) diagnostic and the regime coefficients are recomputed here with
 * GSL's SVD least squares (gsl_multifit_linear_tsvd, numpy's cut-off).
 * Properties: validation, inputs left alone, constant and degenerate
 * series, raw (k = 1) errors, continuous losses (every SETAR grid checked
 * against a brute-force SVD fit of every candidate), scale equivariance,
 * clear deterioration and improvement, the optional Tsay gate, and the
 * public pdrift_addm against the internal function. A timing test prints
 * the cost of one call at the golden sizes.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>

#include <ploutos_drift.h>

#include "golden.h"
#include "internal.h"

#define SSR_REL 1e-9    /* SETAR SSR, linear AR SSR (SPEC §7) */
#define Q3_REL 1e-12    /* Q3 values, severity weight (SPEC §7) */
#define TSAY_REL 1e-9   /* Tsay F and p (SPEC §7) */
/* Regime coefficients: not in SPEC §7. Full-rank regimes only (a
 * rank-deficient regime has no unique coefficients); compared normwise,
 * |b - b_ref|_inf <= BETA_REL * |b_ref|_inf, since the lag columns of a
 * smoothed series are strongly collinear (condition numbers ~1e2-1e3) and
 * small coefficients carry the absolute error of the large ones. The fitted
 * values X b, unique in every case, are compared in the same way. */
#define BETA_REL 1e-9

/* ---- helpers ---------------------------------------------------------------------- */

/* SPEC §4's design: the default parameters with the occupancy decision rule
 * (SPEC §4.4), which the golden file describes. The library's default rule
 * is the mean test; it has its own tests at the end of this file. */
static pdrift__addm_params spec_params(void)
{
    pdrift__addm_params pa = pdrift__addm_default_params();
    pa.rule = PDRIFT__ADDM_RULE_OCCUPANCY;
    return pa;
}

static const char *level_name(pdrift_level l)
{
    switch (l) {
    case PDRIFT_LEVEL_NONE: return "NONE";
    case PDRIFT_LEVEL_WARNING: return "WARNING";
    case PDRIFT_LEVEL_DRIFT: return "DRIFT";
    case PDRIFT_LEVEL_INSUFFICIENT: return "INSUFFICIENT";
    }
    return "?";
}

static pdrift_level level_of(const char *s)
{
    ck_assert_ptr_nonnull(s);
    if (strcmp(s, "NONE") == 0)
        return PDRIFT_LEVEL_NONE;
    if (strcmp(s, "WARNING") == 0)
        return PDRIFT_LEVEL_WARNING;
    if (strcmp(s, "DRIFT") == 0)
        return PDRIFT_LEVEL_DRIFT;
    if (strcmp(s, "INSUFFICIENT") == 0)
        return PDRIFT_LEVEL_INSUFFICIENT;
    ck_abort_msg("unknown decision %s", s);
    return PDRIFT_LEVEL_NONE;
}

static double *copy_of(const double *v, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    ck_assert_ptr_nonnull(c);
    if (n)
        memcpy(c, v, n * sizeof *c);
    return c;
}

static double *concat(const double *a, size_t na, const double *b, size_t nb)
{
    double *c = malloc((na + nb) * sizeof *c);
    ck_assert_ptr_nonnull(c);
    memcpy(c, a, na * sizeof *c);
    memcpy(c + na, b, nb * sizeof *c);
    return c;
}

/* splitmix64: deterministic uniform draws in [0, 1). */
static double uniform(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

static void bernoulli(double *e, size_t n, double rate, uint64_t *state)
{
    for (size_t i = 0; i < n; i++)
        e[i] = uniform(state) < rate ? 1.0 : 0.0;
}

static void check_close(const char *id, const char *what, double got, double ref, double rel,
                        golden_stat *st)
{
    golden_stat_add(st, got, ref);
    ck_assert_msg(golden_close(got, ref, rel, 0.0), "%s %s: got %.17g (%a), golden %.17g (%a)",
                  id, what, got, got, ref, ref);
}

static void check_exact(const char *id, const char *what, double got, double ref, golden_stat *st)
{
    golden_stat_add(st, got, ref);
    ck_assert_msg(golden_same_bits(got, ref), "%s %s: got %.17g (%a), golden %.17g (%a)", id,
                  what, got, got, ref, ref);
}

/* The smoothed series Y = y_ref || y_win of SPEC §4.2, rebuilt here from
 * pdrift__addm_smooth on the concatenated errors. */
static double *build_y(const double *ref, size_t R, const double *win, size_t V,
                       const pdrift__addm_params *pa, size_t *n_out, size_t *nr_out)
{
    double *e = concat(ref, R, win, V);
    double *y = malloc((R + V) * sizeof *y);
    ck_assert_ptr_nonnull(y);
    size_t ny = pdrift__addm_smooth(e, R + V, pa->k, y);
    ck_assert_uint_eq(ny, R + V - pa->k + 1);
    size_t avail = R - pa->k + 1;
    size_t nr = pa->n_ref < avail ? pa->n_ref : avail;
    size_t n = nr + pa->w;
    double *Y = malloc(n * sizeof *Y);
    ck_assert_ptr_nonnull(Y);
    memcpy(Y, y + (avail - nr), nr * sizeof *Y);
    memcpy(Y + nr, y + ny - pa->w, pa->w * sizeof *Y);
    free(e);
    free(y);
    *n_out = n;
    *nr_out = nr;
    return Y;
}

/* Reference OLS by SVD (numpy lstsq's cut-off max(rows, cols) * eps) on the
 * rows t of idx: x_t = (1, Y[t-1..t-p]), target Y[t]. Minimum-norm beta.
 * The SSR is summed from the residuals of that beta: GSL's own chisq of a
 * truncated SVD is wrong for rank-deficient X (it was 0.5 below the true
 * minimum on raw 0/1 errors whose lag-d column is constant in a regime). */
static double ref_ols(const double *Y, const size_t *idx, size_t rows, size_t p, double *beta,
                      size_t *rank)
{
    size_t m = p + 1;
    gsl_matrix *X = gsl_matrix_alloc(rows, m);
    gsl_vector *y = gsl_vector_alloc(rows);
    gsl_vector *c = gsl_vector_alloc(m);
    gsl_matrix *cov = gsl_matrix_alloc(m, m);
    gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc(rows, m);
    ck_assert(X && y && c && cov && work);
    for (size_t i = 0; i < rows; i++) {
        size_t t = idx[i];
        gsl_matrix_set(X, i, 0, 1.0);
        for (size_t l = 1; l <= p; l++)
            gsl_matrix_set(X, i, l, Y[t - l]);
        gsl_vector_set(y, i, Y[t]);
    }
    double chisq;
    size_t rk;
    double tol = (double)(rows > m ? rows : m) * DBL_EPSILON;
    ck_assert_int_eq(gsl_multifit_linear_tsvd(X, y, tol, c, cov, &chisq, &rk, work), GSL_SUCCESS);
    (void)chisq;
    double ssr = 0.0;
    for (size_t i = 0; i < rows; i++) {
        double f = 0.0;
        for (size_t j = 0; j < m; j++)
            f += gsl_matrix_get(X, i, j) * gsl_vector_get(c, j);
        double res = gsl_vector_get(y, i) - f;
        ssr += res * res;
    }
    if (beta)
        for (size_t j = 0; j < m; j++)
            beta[j] = gsl_vector_get(c, j);
    if (rank)
        *rank = rk;
    gsl_multifit_linear_free(work);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(y);
    gsl_matrix_free(X);
    return ssr;
}

/* Rows of one regime (z <= r if low, else z > r), in time order. */
static size_t regime_rows(const double *Y, size_t n, size_t s, size_t d, double r, int high,
                          size_t *idx)
{
    size_t c = 0;
    for (size_t t = s; t < n; t++)
        if ((Y[t - d] > r) == (high != 0))
            idx[c++] = t;
    return c;
}

/* max_i |X (b - b_ref)|_i / max_i |X b_ref|_i over the rows idx. */
static double fitted_relerr(const double *Y, const size_t *idx, size_t rows, size_t p,
                            const double *b, const double *b_ref)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < rows; i++) {
        size_t t = idx[i];
        double f = b[0], fr = b_ref[0];
        for (size_t l = 1; l <= p; l++) {
            f += b[l] * Y[t - l];
            fr += b_ref[l] * Y[t - l];
        }
        if (fabs(f - fr) > num)
            num = fabs(f - fr);
        if (fabs(fr) > den)
            den = fabs(fr);
    }
    return den > 0.0 ? num / den : num;
}

static double normwise_relerr(const double *b, const double *b_ref, size_t m)
{
    double num = 0.0, den = 0.0;
    for (size_t j = 0; j < m; j++) {
        if (fabs(b[j] - b_ref[j]) > num)
            num = fabs(b[j] - b_ref[j]);
        if (fabs(b_ref[j]) > den)
            den = fabs(b_ref[j]);
    }
    return den > 0.0 ? num / den : num;
}

/* Brute-force SETAR grid of SPEC §4.3 with SVD fits of every admissible
 * candidate, for comparison with the library's Givens/QRPT grid. */
typedef struct ref_setar {
    int fitted;
    double threshold, ssr, ssr_second;
    size_t n_low, n_candidates, nmin;
} ref_setar;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static ref_setar brute_setar(const double *Y, size_t n, const pdrift__addm_params *pa)
{
    ref_setar out = {0, NAN, NAN, NAN, 0, 0, 0};
    size_t p = pa->p, d = pa->d, s = p > d ? p : d;
    size_t T = n - s;
    out.nmin = (size_t)ceil(pa->trim * (double)T);
    if (out.nmin < 2 * (p + 1))
        out.nmin = 2 * (p + 1);
    double *z = malloc(T * sizeof *z);
    size_t *lo = malloc(T * sizeof *lo), *hi = malloc(T * sizeof *hi);
    ck_assert(z && lo && hi);
    for (size_t i = 0; i < T; i++)
        z[i] = Y[s + i - d];
    qsort(z, T, sizeof *z, cmp_double);
    double best = NAN;
    size_t K = 0;
    double *ssrs = malloc(T * sizeof *ssrs);
    ck_assert_ptr_nonnull(ssrs);
    for (size_t i = 0; i < T; i++) {
        if (i + 1 < T && z[i + 1] == z[i])
            continue;
        double r = z[i];
        K++;
        size_t nl = regime_rows(Y, n, s, d, r, 0, lo);
        size_t nh = regime_rows(Y, n, s, d, r, 1, hi);
        ck_assert_uint_eq(nl, i + 1);
        ssrs[K - 1] = NAN;
        if (nl < out.nmin || nh < out.nmin)
            continue;
        double ssr = ref_ols(Y, lo, nl, p, NULL, NULL) + ref_ols(Y, hi, nh, p, NULL, NULL);
        ssrs[K - 1] = ssr;
        if (!out.fitted || ssr < best * (1.0 - 1e-12)) {
            out.fitted = 1;
            best = ssr;
            out.threshold = r;
            out.n_low = nl;
        }
    }
    out.ssr = best;
    out.n_candidates = K;
    for (size_t j = 0; j < K; j++)
        if (!isnan(ssrs[j]) && ssrs[j] != best && (isnan(out.ssr_second) || ssrs[j] < out.ssr_second))
            out.ssr_second = ssrs[j];
    free(ssrs);
    free(z);
    free(lo);
    free(hi);
    return out;
}

/* Tsay's F test of SPEC §4.8 by brute force: every predictive residual from
 * a fresh SVD fit of the rows before it, x'(X'X)^-1 x from GSL's
 * covariance. The start block grows by 10 while it is rank-deficient, as
 * the library does. F = NaN when the test cannot run. */
typedef struct ref_tsay {
    double f, p;
    size_t df2;
} ref_tsay;

static int cmp_zrow(const void *a, const void *b)
{
    const double *x = a, *y = b; /* {z, t} pairs */
    if (x[0] != y[0])
        return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

static ref_tsay brute_tsay(const double *Y, size_t n, const pdrift__addm_params *pa)
{
    ref_tsay out = {NAN, NAN, 0};
    size_t p = pa->p, d = pa->d, m = p + 1, s = p > d ? p : d, T = n - s;
    double *zt = malloc(2 * T * sizeof *zt);
    size_t *idx = malloc(T * sizeof *idx);
    double *ehat = malloc(T * sizeof *ehat);
    ck_assert(zt && idx && ehat);
    for (size_t i = 0; i < T; i++) {
        zt[2 * i] = Y[s + i - d];
        zt[2 * i + 1] = (double)(s + i);
    }
    qsort(zt, T, 2 * sizeof *zt, cmp_zrow);
    for (size_t i = 0; i < T; i++)
        idx[i] = (size_t)zt[2 * i + 1];
    size_t ini = pa->tsay_ini;
    while (ini < m)
        ini += 10;
    for (;;) {
        if (ini >= T || T - ini <= m)
            goto done;
        size_t rank;
        (void)ref_ols(Y, idx, ini, p, NULL, &rank);
        if (rank == m)
            break;
        ini += 10;
    }
    gsl_matrix *X = gsl_matrix_alloc(T, m);
    gsl_vector *y = gsl_vector_alloc(T), *c = gsl_vector_alloc(m);
    gsl_matrix *cov = gsl_matrix_alloc(m, m);
    ck_assert(X && y && c && cov);
    for (size_t i = 0; i < T; i++) {
        gsl_matrix_set(X, i, 0, 1.0);
        for (size_t l = 1; l <= p; l++)
            gsl_matrix_set(X, i, l, Y[idx[i] - l]);
        gsl_vector_set(y, i, Y[idx[i]]);
    }
    for (size_t j = ini; j < T; j++) {
        gsl_matrix_view Xj = gsl_matrix_submatrix(X, 0, 0, j, m);
        gsl_vector_view yj = gsl_vector_subvector(y, 0, j);
        gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc(j, m);
        ck_assert_ptr_nonnull(work);
        double chisq;
        ck_assert_int_eq(gsl_multifit_linear(&Xj.matrix, &yj.vector, c, cov, &chisq, work),
                         GSL_SUCCESS);
        gsl_multifit_linear_free(work);
        double sigma2 = chisq / (double)(j - m), fit = 0.0, q = 0.0;
        for (size_t a = 0; a < m; a++) {
            fit += gsl_matrix_get(X, j, a) * gsl_vector_get(c, a);
            for (size_t b = 0; b < m; b++)
                q += gsl_matrix_get(X, j, a) * gsl_matrix_get(cov, a, b) * gsl_matrix_get(X, j, b);
        }
        ehat[j - ini] = (gsl_vector_get(y, j) - fit) / sqrt(1.0 + q / sigma2);
    }
    /* regress ehat on x over rows ini..T-1 */
    size_t ne = T - ini;
    gsl_matrix_view Xe = gsl_matrix_submatrix(X, ini, 0, ne, m);
    gsl_vector_view ev = gsl_vector_view_array(ehat, ne);
    gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc(ne, m);
    double chisq, rss = 0.0, sum2 = 0.0;
    size_t rank;
    ck_assert_int_eq(gsl_multifit_linear_tsvd(&Xe.matrix, &ev.vector, (double)ne * DBL_EPSILON, c,
                                              cov, &chisq, &rank, work),
                     GSL_SUCCESS);
    gsl_multifit_linear_free(work);
    for (size_t i = 0; i < ne; i++) {
        double f = 0.0;
        for (size_t a = 0; a < m; a++)
            f += gsl_matrix_get(&Xe.matrix, i, a) * gsl_vector_get(c, a);
        rss += (ehat[i] - f) * (ehat[i] - f);
        sum2 += ehat[i] * ehat[i];
    }
    out.df2 = ne - m;
    out.f = ((sum2 - rss) / (double)m) / (rss / (double)out.df2);
    out.p = gsl_cdf_fdist_Q(out.f, (double)m, (double)out.df2);
    gsl_matrix_free(X);
    gsl_vector_free(y);
    gsl_vector_free(c);
    gsl_matrix_free(cov);
done:
    free(zt);
    free(idx);
    free(ehat);
    return out;
}

static void check_tsay_brute(const double *ref, size_t R, const double *win, size_t V,
                             const pdrift__addm_params *pa, const char *what, double rel)
{
    pdrift__addm_result r;
    ck_assert_int_eq(pdrift__addm(ref, R, win, V, pa, &r), PDRIFT_OK);
    size_t n, nr;
    double *Y = build_y(ref, R, win, V, pa, &n, &nr);
    ref_tsay bt = brute_tsay(Y, n, pa);
    ck_assert_msg(golden_close(r.tsay_f, bt.f, rel, 0.0), "%s: Tsay F %.17g, brute force %.17g",
                  what, r.tsay_f, bt.f);
    ck_assert_msg(golden_close(r.tsay_pvalue, bt.p, rel, 1e-15), "%s: Tsay p %.17g, brute force %.17g",
                  what, r.tsay_pvalue, bt.p);
    if (!isnan(bt.f))
        ck_assert_uint_eq(r.tsay_df2, bt.df2);
    free(Y);
}

/* ---- golden: addm_cases.json `cases` ------------------------------------------------------ */

enum {
    ST_SMOOTH, ST_THRESHOLD, ST_COUNTS, ST_SSR, ST_SSR2, ST_BETA, ST_FITTED, ST_FRAC, ST_Q3,
    ST_WT, ST_SEVERITY, ST_AR_SSR, ST_AR_BETA, ST_F_VS_LINEAR, ST_TSAY_F, ST_TSAY_P, ST_COUNT
};

static const char *const STAT_NAMES[ST_COUNT] = {
    "addm smoothed first/last 5 (exact)", "addm setar threshold (exact)",
    "addm nmin/n_low/n_high/K/H/L/df (exact)", "addm setar ssr (rel 1e-9)",
    "addm setar ssr_second_best (rel 1e-9)", "addm beta, full rank (norm 1e-9)",
    "addm regime fitted values (norm 1e-9)", "addm frac_*/delta (exact)",
    "addm q3_ref/q3_win (rel 1e-12)", "addm severity_raw (rel 1e-12)",
    "addm severity weight (rel 1e-12)", "addm linear AR(5) ssr (rel 1e-9)",
    "addm linear AR(5) beta (norm 1e-9)", "addm setar_F_vs_linear (rel 1e-9)",
    "addm tsay F (rel 1e-9)", "addm tsay p-value (rel 1e-9)",
};

/* The golden parameters are the defaults (medium preset). */
static void check_params_match(const cJSON *gp, const pdrift__addm_params *pa)
{
    ck_assert_uint_eq(pa->k, (size_t)golden_double(gp, "k_smooth"));
    ck_assert_uint_eq(pa->n_ref, (size_t)golden_double(gp, "n_ref"));
    ck_assert_uint_eq(pa->w, (size_t)golden_double(gp, "w"));
    ck_assert_uint_eq(pa->p, (size_t)golden_double(gp, "p"));
    ck_assert_uint_eq(pa->d, (size_t)golden_double(gp, "d"));
    ck_assert(pa->trim == golden_double(gp, "trim"));
    ck_assert(pa->delta_drift == golden_double(gp, "delta_drift"));
    ck_assert(pa->delta_warning == golden_double(gp, "delta_warn"));
    ck_assert(pa->tail_drift == golden_double(gp, "tail_drift"));
    ck_assert(pa->tail_warning == golden_double(gp, "tail_warn"));
    ck_assert_uint_eq(pa->tsay_ini, (size_t)golden_double(gp, "tsay_ini"));
    ck_assert_int_eq(pa->tsay_gate, 0);
}

static void check_regime_betas(const char *id, const char *which, const double *Y, size_t n,
                               size_t s, const pdrift__addm_params *pa, double r, int high,
                               const double *got, const cJSON *ref_json, golden_stat *st)
{
    size_t m = pa->p + 1, nb;
    double *ref = golden_array(ref_json, &nb);
    ck_assert_uint_eq(nb, m);
    size_t *idx = calloc(n, sizeof *idx);
    ck_assert_ptr_nonnull(idx);
    size_t rows = regime_rows(Y, n, s, pa->d, r, high, idx);
    size_t rank;
    double b_svd[PDRIFT__ADDM_MAX_LAGS + 1];
    (void)ref_ols(Y, idx, rows, pa->p, b_svd, &rank);

    double fe = fitted_relerr(Y, idx, rows, pa->p, got, ref);
    st[ST_FITTED].count++;
    if (fe > st[ST_FITTED].max_rel)
        st[ST_FITTED].max_rel = fe;
    ck_assert_msg(fe <= BETA_REL, "%s %s fitted values: rel err %.3g", id, which, fe);
    if (rank == m) { /* unique coefficients */
        double be = normwise_relerr(got, ref, m);
        for (size_t j = 0; j < m; j++)
            golden_stat_add(&st[ST_BETA], got[j], ref[j]);
        ck_assert_msg(be <= BETA_REL, "%s %s: normwise rel err %.3g", id, which, be);
        /* and against GSL's SVD solution */
        ck_assert_msg(normwise_relerr(got, b_svd, m) <= BETA_REL, "%s %s vs SVD", id, which);
    }
    free(idx);
    free(ref);
}

START_TEST(test_golden_cases)
{
    const cJSON *root = golden_load("addm_cases.json");
    pdrift__addm_params pa = spec_params();
    check_params_match(golden_get(root, "params"), &pa);
    golden_stat st[ST_COUNT];
    for (int i = 0; i < ST_COUNT; i++) {
        st[i].name = STAT_NAMES[i];
        st[i].count = st[i].bit_exact = 0;
        st[i].max_rel = st[i].max_abs = 0.0;
    }
    size_t n_cases = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, golden_get(root, "cases")) {
        const char *id = cJSON_GetStringValue(golden_get(c, "id"));
        size_t R, V;
        double *ev = golden_array(golden_get(c, "e_val"), &R);
        double *ew = golden_array(golden_get(c, "e_win"), &V);
        ck_assert_uint_eq(R, 259);
        ck_assert_uint_eq(V, 60);
        const cJSON *res = golden_get(c, "result");
        const cJSON *se = golden_get(res, "setar");

        /* Smoothing of the concatenated series (310 values). */
        double *e = concat(ev, R, ew, V);
        double y[400];
        ck_assert_uint_eq(pdrift__addm_smooth(e, R + V, pa.k, y), 310);
        size_t n5;
        double *f5 = golden_array(golden_get(c, "y_smoothed_first5"), &n5);
        ck_assert_uint_eq(n5, 5);
        double *l5 = golden_array(golden_get(c, "y_smoothed_last5"), &n5);
        ck_assert_uint_eq(n5, 5);
        for (size_t i = 0; i < 5; i++) {
            check_exact(id, "y first5", y[i], f5[i], &st[ST_SMOOTH]);
            check_exact(id, "y last5", y[305 + i], l5[i], &st[ST_SMOOTH]);
        }
        free(f5);
        free(l5);
        free(e);

        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(ev, R, ew, V, &pa, &r), PDRIFT_OK);
        ck_assert_uint_eq(r.n_ref_used, 250);
        ck_assert_uint_eq(r.n_rows, 310);
        ck_assert_int_eq(r.fitted, 1);

        /* SETAR */
        check_exact(id, "threshold", r.threshold, golden_double(se, "threshold"), &st[ST_THRESHOLD]);
        static const char *const count_keys[] = {"nmin", "n_low", "n_high", "n_candidates",
                                                 "high_regime", "tail_L"};
        double counts[] = {(double)r.nmin, (double)r.n_low, (double)r.n_high,
                           (double)r.n_candidates, (double)r.high_regime, (double)r.tail_l};
        for (size_t i = 0; i < 6; i++)
            check_exact(id, count_keys[i], counts[i], golden_double(se, count_keys[i]),
                        &st[ST_COUNTS]);
        check_close(id, "ssr", r.ssr, golden_double(se, "ssr"), SSR_REL, &st[ST_SSR]);
        check_close(id, "ssr_second_best", r.ssr_second_best, golden_double(se, "ssr_second_best"),
                    SSR_REL, &st[ST_SSR2]);
        ck_assert(cJSON_IsNull(golden_get(se, "regime")));

        size_t n, nr;
        double *Y = build_y(ev, R, ew, V, &pa, &n, &nr);
        size_t s = pa.p > pa.d ? pa.p : pa.d;
        check_regime_betas(id, "beta_low", Y, n, s, &pa, r.threshold, 0, r.beta_low,
                           golden_get(se, "beta_low"), st);
        check_regime_betas(id, "beta_high", Y, n, s, &pa, r.threshold, 1, r.beta_high,
                           golden_get(se, "beta_high"), st);

        /* Against the brute-force SVD grid too. */
        ref_setar bf = brute_setar(Y, n, &pa);
        ck_assert(bf.fitted);
        ck_assert(bf.threshold == r.threshold);
        ck_assert_uint_eq(bf.n_low, r.n_low);
        ck_assert_uint_eq(bf.n_candidates, r.n_candidates);
        ck_assert(golden_close(r.ssr, bf.ssr, SSR_REL, 0.0));
        ck_assert(golden_close(r.ssr_second_best, bf.ssr_second, SSR_REL, 0.0));

        /* Occupancies: count / count, exact. */
        check_exact(id, "frac_ref_high", r.frac_ref_high, golden_double(se, "frac_ref_high"),
                    &st[ST_FRAC]);
        check_exact(id, "frac_win_high", r.frac_win_high, golden_double(se, "frac_win_high"),
                    &st[ST_FRAC]);
        check_exact(id, "frac_tail_high", r.frac_tail_high, golden_double(se, "frac_tail_high"),
                    &st[ST_FRAC]);
        check_exact(id, "delta_occupancy", r.delta, golden_double(se, "delta_occupancy"),
                    &st[ST_FRAC]);
        ck_assert_int_eq(r.worse, cJSON_IsTrue(golden_get(se, "worse")));

        /* Decision and severity. */
        check_close(id, "q3_ref", r.q3_ref, golden_double(res, "q3_ref"), Q3_REL, &st[ST_Q3]);
        check_close(id, "q3_win", r.q3_win, golden_double(res, "q3_win"), Q3_REL, &st[ST_Q3]);
        check_close(id, "severity_raw", r.severity_raw, golden_double(res, "severity_raw"), Q3_REL,
                    &st[ST_WT]);
        check_close(id, "severity", r.severity_weight, golden_double(res, "severity"), Q3_REL,
                    &st[ST_SEVERITY]);
        pdrift_level want = level_of(cJSON_GetStringValue(golden_get(res, "decision")));
        ck_assert_msg(r.level == want, "%s: decision %s, golden %s", id, level_name(r.level),
                      level_name(want));

        /* Linear AR(5) with intercept on all 305 rows (diagnostic). */
        const cJSON *ar = golden_get(c, "linear_ar_on_combined");
        ck_assert_uint_eq((size_t)golden_double(ar, "n_rows"), n - s);
        size_t *idx = calloc(n, sizeof *idx);
        ck_assert_ptr_nonnull(idx);
        for (size_t t = s; t < n; t++)
            idx[t - s] = t;
        double b_ar[PDRIFT__ADDM_MAX_LAGS + 1];
        size_t rank;
        double ssr_ar = ref_ols(Y, idx, n - s, pa.p, b_ar, &rank);
        ck_assert_uint_eq(rank, pa.p + 1);
        check_close(id, "linear AR ssr", ssr_ar, golden_double(ar, "ssr"), SSR_REL, &st[ST_AR_SSR]);
        size_t nb;
        double *b_ref = golden_array(golden_get(ar, "beta"), &nb);
        ck_assert_uint_eq(nb, pa.p + 1);
        for (size_t j = 0; j < nb; j++)
            golden_stat_add(&st[ST_AR_BETA], b_ar[j], b_ref[j]);
        ck_assert(normwise_relerr(b_ar, b_ref, nb) <= BETA_REL);
        check_close(id, "setar_F_vs_linear", (double)(n - s) * (ssr_ar - r.ssr) / r.ssr,
                    golden_double(c, "setar_F_vs_linear"), SSR_REL, &st[ST_F_VS_LINEAR]);
        free(b_ref);
        free(idx);

        /* Tsay's F test (the optional gate's statistic, ini = 40). */
        const cJSON *ts = golden_get(res, "tsay");
        ck_assert_uint_eq(pa.tsay_ini, (size_t)golden_double(ts, "ini"));
        check_exact(id, "tsay df1", (double)r.tsay_df1, golden_double(ts, "df1"), &st[ST_COUNTS]);
        check_exact(id, "tsay df2", (double)r.tsay_df2, golden_double(ts, "df2"), &st[ST_COUNTS]);
        check_close(id, "tsay F", r.tsay_f, golden_double(ts, "F"), TSAY_REL, &st[ST_TSAY_F]);
        check_close(id, "tsay p", r.tsay_pvalue, golden_double(ts, "pvalue"), TSAY_REL,
                    &st[ST_TSAY_P]);
        check_tsay_brute(ev, R, ew, V, &pa, id, TSAY_REL);

        /* The public function agrees with the internal one at the library's
         * defaults (the mean rule); the fit it reports is the same. */
        pdrift_level lv;
        double wt = -1.0;
        pdrift__addm_params dp = pdrift__addm_default_params();
        pdrift__addm_result rd;
        ck_assert_int_eq(pdrift__addm(ev, R, ew, V, &dp, &rd), PDRIFT_OK);
        ck_assert_int_eq(pdrift_addm(ev, R, ew, V, &lv, &wt), PDRIFT_OK);
        ck_assert(lv == rd.level);
        ck_assert(golden_same_bits(wt, rd.severity_weight));
        ck_assert(rd.threshold == r.threshold && rd.delta == r.delta);
        ck_assert(golden_same_bits(rd.severity_raw, r.severity_raw));

        free(Y);
        free(ev);
        free(ew);
        n_cases++;
    }
    ck_assert_uint_eq(n_cases, 4);
    for (int i = 0; i < ST_COUNT; i++)
        golden_stat_print(&st[i]);
}
END_TEST

/* ---- golden: the sequential trace ---------------------------------------------------------- */

START_TEST(test_golden_sequential)
{
    const cJSON *sq = golden_get(golden_load("addm_cases.json"), "sequential");
    size_t R, V;
    double *ev = golden_array(golden_get(sq, "e_val"), &R);
    double *el = golden_array(golden_get(sq, "e_live"), &V);
    ck_assert_uint_eq(R, 259);
    ck_assert_uint_eq(V, 300);
    pdrift__addm_params pa = spec_params();
    golden_stat st[5] = {{"addm trace decision (exact)", 0, 0, 0, 0},
                         {"addm trace threshold (exact)", 0, 0, 0, 0},
                         {"addm trace delta_occupancy (exact)", 0, 0, 0, 0},
                         {"addm trace frac_tail_high (exact)", 0, 0, 0, 0},
                         {"addm trace severity_raw (rel 1e-12)", 0, 0, 0, 0}};
    size_t steps = 0, n_drift = 0, n_warn = 0;
    const cJSON *tr;
    cJSON_ArrayForEach(tr, golden_get(sq, "trace")) {
        size_t t = (size_t)golden_double(tr, "t");
        ck_assert_uint_eq(t, 59 + steps);
        char id[32];
        snprintf(id, sizeof id, "trace t=%zu", t);
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(ev, R, el, t + 1, &pa, &r), PDRIFT_OK);
        pdrift_level want = level_of(cJSON_GetStringValue(golden_get(tr, "decision")));
        golden_stat_add(&st[0], (double)r.level, (double)want);
        ck_assert_msg(r.level == want, "%s: decision %s, golden %s", id, level_name(r.level),
                      level_name(want));
        check_exact(id, "threshold", r.threshold, golden_double(tr, "threshold"), &st[1]);
        check_exact(id, "delta_occupancy", r.delta, golden_double(tr, "delta_occupancy"), &st[2]);
        check_exact(id, "frac_tail_high", r.frac_tail_high, golden_double(tr, "frac_tail_high"),
                    &st[3]);
        check_close(id, "severity_raw", r.severity_raw, golden_double(tr, "severity_raw"), Q3_REL,
                    &st[4]);
        n_drift += r.level == PDRIFT_LEVEL_DRIFT;
        n_warn += r.level == PDRIFT_LEVEL_WARNING;
        steps++;
    }
    ck_assert_uint_eq(steps, 241);
    ck_assert_uint_eq(n_drift, 51);
    ck_assert_uint_eq(n_warn, 68);
    for (int i = 0; i < 5; i++)
        golden_stat_print(&st[i]);
    free(ev);
    free(el);
}
END_TEST

/* ---- validation ------------------------------------------------------------------------------ */

START_TEST(test_invalid_arguments)
{
    double ref[300], win[60];
    uint64_t seed = 1;
    bernoulli(ref, 300, 0.45, &seed);
    bernoulli(win, 60, 0.45, &seed);
    pdrift__addm_params pa = spec_params();
    pdrift__addm_result r;
    pdrift_level lv;
    double wt;

    ck_assert_int_eq(pdrift__addm(NULL, 300, win, 60, &pa, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__addm(ref, 300, NULL, 60, &pa, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 60, NULL, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 60, &pa, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__addm(ref, 0, win, 60, &pa, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 0, &pa, &r), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_addm(NULL, 300, win, 60, &lv, &wt), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_addm(ref, 300, NULL, 60, &lv, &wt), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_addm(ref, 300, win, 60, NULL, &wt), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_addm(ref, 0, win, 60, &lv, &wt), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_addm(ref, 300, win, 0, &lv, &wt), PDRIFT_EINVAL);

    /* Bad parameters. */
    struct { const char *what; pdrift__addm_params p; } bad[12];
    size_t nb = 0;
    for (size_t i = 0; i < 12; i++)
        bad[i].p = pa;
    bad[nb].what = "k = 0", bad[nb++].p.k = 0;
    bad[nb].what = "w = 0", bad[nb++].p.w = 0;
    bad[nb].what = "p = 0", bad[nb++].p.p = 0;
    bad[nb].what = "p > max", bad[nb++].p.p = PDRIFT__ADDM_MAX_LAGS + 1;
    bad[nb].what = "d = 0", bad[nb++].p.d = 0;
    bad[nb].what = "n_ref = 0", bad[nb++].p.n_ref = 0;
    bad[nb].what = "trim < 0", bad[nb++].p.trim = -0.01;
    bad[nb].what = "trim = 0.5", bad[nb++].p.trim = 0.5;
    bad[nb].what = "trim NaN", bad[nb++].p.trim = NAN;
    bad[nb].what = "delta NaN", bad[nb++].p.delta_drift = NAN;
    bad[nb].what = "tail inf", bad[nb++].p.tail_warning = INFINITY;
    bad[nb].what = "alpha NaN", bad[nb++].p.tsay_alpha = NAN;
    for (size_t i = 0; i < nb; i++) {
        r.level = PDRIFT_LEVEL_DRIFT;
        ck_assert_msg(pdrift__addm(ref, 300, win, 60, &bad[i].p, &r) == PDRIFT_EINVAL, "%s",
                      bad[i].what);
        ck_assert_msg(r.level == PDRIFT_LEVEL_DRIFT, "%s: output written on error", bad[i].what);
    }
    /* The edges that are valid. */
    pdrift__addm_params ok = pa;
    ok.trim = 0.0;
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 60, &ok, &r), PDRIFT_OK);
    ok = pa;
    ok.trim = 0.4999;
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 60, &ok, &r), PDRIFT_OK);
    ok = pa;
    ok.p = PDRIFT__ADDM_MAX_LAGS;
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 60, &ok, &r), PDRIFT_OK);
}
END_TEST

START_TEST(test_bad_errors_rejected)
{
    static const double bad_values[] = {NAN, -1.0, -0x1p-1074, INFINITY, -INFINITY};
    double ref[300], win[80];
    uint64_t seed = 2;
    pdrift__addm_params pa = spec_params();
    for (size_t b = 0; b < sizeof bad_values / sizeof *bad_values; b++) {
        for (int side = 0; side < 2; side++) {
            bernoulli(ref, 300, 0.45, &seed);
            bernoulli(win, 80, 0.45, &seed);
            /* also where the value would not be used (the oldest errors) */
            for (size_t pos = 0; pos < 3; pos++) {
                double *v = side ? win : ref;
                size_t idx = pos == 0 ? 0 : pos == 1 ? (side ? 40 : 150) : (side ? 79 : 299);
                double keep = v[idx];
                v[idx] = bad_values[b];
                pdrift__addm_result r;
                pdrift_level lv;
                ck_assert_int_eq(pdrift__addm(ref, 300, win, 80, &pa, &r), PDRIFT_EDATA);
                ck_assert_int_eq(pdrift_addm(ref, 300, win, 80, &lv, NULL), PDRIFT_EDATA);
                /* too short and bad: the data error wins */
                ck_assert_int_eq(pdrift__addm(ref, 5, win, 5, &pa, &r),
                                 idx < 5 ? PDRIFT_EDATA : PDRIFT_OK);
                v[idx] = keep;
            }
        }
    }
}
END_TEST

START_TEST(test_insufficient_sizes)
{
    pdrift__addm_params pa = spec_params();
    double ref[400], win[400];
    uint64_t seed = 3;
    bernoulli(ref, 400, 0.45, &seed);
    bernoulli(win, 400, 0.9, &seed);
    pdrift__addm_result r;
    pdrift_level lv = PDRIFT_LEVEL_DRIFT;
    double wt = -1.0;
    /* R < w + k - 1 = 69 */
    for (size_t R = 1; R < 69; R += 7) {
        ck_assert_int_eq(pdrift__addm(ref, R, win, 200, &pa, &r), PDRIFT_OK);
        ck_assert_int_eq(r.level, PDRIFT_LEVEL_INSUFFICIENT);
        ck_assert(r.severity_weight == 0.0);
        ck_assert(isnan(r.threshold) && isnan(r.severity_raw) && isnan(r.tsay_f));
        ck_assert_int_eq(r.fitted, 0);
    }
    ck_assert_int_eq(pdrift__addm(ref, 68, win, 200, &pa, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_INSUFFICIENT);
    ck_assert_int_eq(pdrift_addm(ref, 68, win, 200, &lv, &wt), PDRIFT_OK);
    ck_assert_int_eq(lv, PDRIFT_LEVEL_INSUFFICIENT);
    ck_assert(wt == 0.0);
    /* V < w = 60 */
    for (size_t V = 1; V < 60; V += 6) {
        ck_assert_int_eq(pdrift__addm(ref, 400, win, V, &pa, &r), PDRIFT_OK);
        ck_assert_int_eq(r.level, PDRIFT_LEVEL_INSUFFICIENT);
    }
    ck_assert_int_eq(pdrift__addm(ref, 400, win, 59, &pa, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_INSUFFICIENT);
    /* the smallest sufficient sizes: R = 69 (60 reference values), V = 60 */
    ck_assert_int_eq(pdrift__addm(ref, 69, win, 60, &pa, &r), PDRIFT_OK);
    ck_assert_uint_eq(r.n_ref_used, 60);
    ck_assert_uint_eq(r.n_rows, 120);
    ck_assert(!isnan(r.severity_raw));
    /* n_ref <= max(p, d): no reference row */
    pdrift__addm_params few = pa;
    few.n_ref = 5;
    ck_assert_int_eq(pdrift__addm(ref, 400, win, 100, &few, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_INSUFFICIENT);
    ck_assert_uint_eq(r.n_ref_used, 5);
    few.n_ref = 6;
    ck_assert_int_eq(pdrift__addm(ref, 400, win, 100, &few, &r), PDRIFT_OK);
    ck_assert_int_ne(r.level, PDRIFT_LEVEL_INSUFFICIENT); /* admissible fit, window worse */
    /* huge parameters: insufficient, no overflow */
    few = pa;
    few.k = SIZE_MAX;
    ck_assert_int_eq(pdrift__addm(ref, 400, win, 400, &few, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_INSUFFICIENT);
    few = pa;
    few.w = SIZE_MAX;
    ck_assert_int_eq(pdrift__addm(ref, 400, win, 400, &few, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_INSUFFICIENT);
    few = pa;
    few.d = SIZE_MAX; /* no row at all */
    ck_assert_int_eq(pdrift__addm(ref, 400, win, 400, &few, &r), PDRIFT_OK);
    ck_assert_int_eq(r.fitted, 0);
    ck_assert_uint_eq(r.n_candidates, 0);
    few.n_ref = SIZE_MAX;
    ck_assert_int_eq(pdrift__addm(ref, 400, win, 400, &few, &r), PDRIFT_OK);
    ck_assert_uint_eq(r.n_ref_used, 391);
}
END_TEST

START_TEST(test_inputs_unchanged)
{
    const cJSON *c = cJSON_GetArrayItem(golden_get(golden_load("addm_cases.json"), "cases"), 2);
    size_t R, V;
    double *ev = golden_array(golden_get(c, "e_val"), &R);
    double *ew = golden_array(golden_get(c, "e_win"), &V);
    double *cv = copy_of(ev, R), *cw = copy_of(ew, V);
    pdrift__addm_params pa = spec_params();
    pdrift__addm_params pc = pa;
    pdrift__addm_result r1, r2;
    ck_assert_int_eq(pdrift__addm(ev, R, ew, V, &pa, &r1), PDRIFT_OK);
    ck_assert(memcmp(ev, cv, R * sizeof *ev) == 0);
    ck_assert(memcmp(ew, cw, V * sizeof *ew) == 0);
    ck_assert(pa.k == pc.k && pa.n_ref == pc.n_ref && pa.w == pc.w && pa.p == pc.p &&
              pa.d == pc.d && pa.trim == pc.trim && pa.delta_drift == pc.delta_drift &&
              pa.delta_warning == pc.delta_warning && pa.tail_drift == pc.tail_drift &&
              pa.tail_warning == pc.tail_warning && pa.tsay_gate == pc.tsay_gate &&
              pa.tsay_alpha == pc.tsay_alpha && pa.tsay_ini == pc.tsay_ini);
    /* deterministic: a second call gives the same bits */
    ck_assert_int_eq(pdrift__addm(ev, R, ew, V, &pa, &r2), PDRIFT_OK);
    ck_assert(r1.level == r2.level);
    ck_assert(golden_same_bits(r1.ssr, r2.ssr) && golden_same_bits(r1.tsay_f, r2.tsay_f));
    for (size_t j = 0; j <= pa.p; j++)
        ck_assert(golden_same_bits(r1.beta_low[j], r2.beta_low[j]));
    /* unused coefficient slots are NaN */
    for (size_t j = pa.p + 1; j <= PDRIFT__ADDM_MAX_LAGS; j++)
        ck_assert(isnan(r1.beta_low[j]) && isnan(r1.beta_high[j]));
    free(ev);
    free(ew);
    free(cv);
    free(cw);
}
END_TEST

/* ---- properties ------------------------------------------------------------------------------- */

START_TEST(test_constant_errors)
{
    static const double values[] = {0.0, 1.0, 0.5, 3.25};
    static const size_t ks[] = {10, 1, 3};
    double ref[300], win[100];
    for (size_t v = 0; v < 4; v++) {
        for (size_t kk = 0; kk < 3; kk++) {
            for (size_t i = 0; i < 300; i++)
                ref[i] = values[v];
            for (size_t i = 0; i < 100; i++)
                win[i] = values[v];
            pdrift__addm_params pa = spec_params();
            pa.k = ks[kk];
            pdrift__addm_result r;
            ck_assert_int_eq(pdrift__addm(ref, 300, win, 100, &pa, &r), PDRIFT_OK);
            ck_assert_msg(r.level == PDRIFT_LEVEL_NONE, "constant %g k=%zu: %s", values[v],
                          ks[kk], level_name(r.level));
            ck_assert_int_eq(r.fitted, 0);
            ck_assert_uint_eq(r.n_candidates, 1);
            ck_assert_int_eq(r.worse, 0);
            ck_assert(r.severity_raw == 0.0 && r.severity_weight == 0.0);
            ck_assert(isnan(r.threshold) && isnan(r.delta) && r.high_regime == -1);
            pdrift_level lv;
            ck_assert_int_eq(pdrift_addm(ref, 300, win, 100, &lv, NULL), PDRIFT_OK);
            ck_assert_int_eq(lv, PDRIFT_LEVEL_NONE);
        }
    }
    /* Constant reference, constant but higher window: two z values, the fit
     * is admissible with rank-deficient regimes (constant target). */
    for (size_t i = 0; i < 300; i++)
        ref[i] = 0.0;
    for (size_t i = 0; i < 100; i++)
        win[i] = 1.0;
    pdrift__addm_params pa = spec_params();
    pdrift__addm_result r;
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 100, &pa, &r), PDRIFT_OK);
    ck_assert_int_eq(r.worse, 1);
    ck_assert(r.level != PDRIFT_LEVEL_NONE || !r.fitted);
    ck_assert(r.severity_raw == 1.0);
}
END_TEST

START_TEST(test_public_equals_internal)
{
    pdrift__addm_params pa = spec_params();
    uint64_t seed = 11;
    double ref[400], win[200];
    size_t levels[4] = {0, 0, 0, 0};
    for (int rep = 0; rep < 120; rep++) {
        double base = 0.2 + 0.5 * uniform(&seed), after = uniform(&seed);
        size_t R = 69 + (size_t)(uniform(&seed) * 331.0), V = 50 + (size_t)(uniform(&seed) * 150.0);
        bernoulli(ref, R, base, &seed);
        bernoulli(win, V, after, &seed);
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(ref, R, win, V, &pa, &r), PDRIFT_OK);
        pdrift_level lv;
        double wt;
        pdrift__addm_params dp = pdrift__addm_default_params();
        pdrift__addm_result rd;
        ck_assert_int_eq(pdrift__addm(ref, R, win, V, &dp, &rd), PDRIFT_OK);
        ck_assert_int_eq(pdrift_addm(ref, R, win, V, &lv, &wt), PDRIFT_OK);
        ck_assert(lv == rd.level);
        ck_assert(golden_same_bits(wt, rd.severity_weight));
        ck_assert(wt >= 0.0 && wt <= 1.0);
        if (V < pa.w) /* too short: no quartiles */
            ck_assert(r.level == PDRIFT_LEVEL_INSUFFICIENT && isnan(r.severity_raw));
        else
            ck_assert(r.severity_raw >= 0.0 && r.severity_raw <= 1.0);
        if (rd.level == PDRIFT_LEVEL_NONE || rd.level == PDRIFT_LEVEL_INSUFFICIENT)
            ck_assert(wt == 0.0);
        else
            ck_assert(wt == rd.severity_raw);
        ck_assert(pdrift_addm(ref, R, win, V, &lv, NULL) == PDRIFT_OK && lv == rd.level);
        levels[r.level]++;
    }
    /* the mixture of rates reaches every level */
    for (int l = 0; l < 4; l++)
        ck_assert_msg(levels[l] > 0, "level %s never reached", level_name((pdrift_level)l));
}
END_TEST

/* Consistency of one result with the rules of SPEC §4.4 and a brute-force
 * SVD grid. */
static void check_against_brute(const double *ref, size_t R, const double *win, size_t V,
                                const pdrift__addm_params *pa, const char *what)
{
    pdrift__addm_result r;
    ck_assert_int_eq(pdrift__addm(ref, R, win, V, pa, &r), PDRIFT_OK);
    size_t n, nr;
    double *Y = build_y(ref, R, win, V, pa, &n, &nr);
    size_t s = pa->p > pa->d ? pa->p : pa->d;
    ref_setar bf = brute_setar(Y, n, pa);
    ck_assert_uint_eq(r.n_candidates, bf.n_candidates);
    ck_assert_uint_eq(r.nmin, bf.nmin);
    ck_assert_int_eq(r.fitted, bf.fitted);
    if (bf.fitted) {
        ck_assert_msg(r.threshold == bf.threshold, "%s: threshold %.17g, brute force %.17g", what,
                      r.threshold, bf.threshold);
        ck_assert_uint_eq(r.n_low, bf.n_low);
        ck_assert_uint_eq(r.n_low + r.n_high, n - s);
        ck_assert_msg(golden_close(r.ssr, bf.ssr, SSR_REL, 1e-14 * (1.0 + bf.ssr)),
                      "%s: ssr %.17g, brute force %.17g", what, r.ssr, bf.ssr);
        ck_assert_msg(golden_close(r.ssr_second_best, bf.ssr_second, SSR_REL, 1e-14),
                      "%s: ssr2 %.17g, brute force %.17g", what, r.ssr_second_best, bf.ssr_second);
        /* the regime fits reproduce the SSRs with the reported betas */
        size_t *idx = calloc(n, sizeof *idx);
        ck_assert_ptr_nonnull(idx);
        double ssr = 0.0;
        for (int high = 0; high < 2; high++) {
            size_t rows = regime_rows(Y, n, s, pa->d, r.threshold, high, idx);
            const double *b = high ? r.beta_high : r.beta_low;
            for (size_t i = 0; i < rows; i++) {
                double f = b[0];
                for (size_t l = 1; l <= pa->p; l++)
                    f += b[l] * Y[idx[i] - l];
                ssr += (Y[idx[i]] - f) * (Y[idx[i]] - f);
            }
        }
        ck_assert_msg(fabs(ssr - bf.ssr) <= 1e-8 * (1.0 + bf.ssr), "%s: residuals of the betas %.17g vs %.17g",
                      what, ssr, bf.ssr);
        free(idx);
        /* occupancies recomputed from the definition */
        size_t L = (pa->w + 3) / 4;
        ck_assert_uint_eq(r.tail_l, L);
        size_t cr = 0, cw = 0, ct = 0;
        for (size_t t = s; t < n; t++) {
            int in_h = (Y[t - pa->d] > r.threshold) == (r.high_regime == 1);
            if (!in_h)
                continue;
            if (t < nr)
                cr++;
            else
                cw++;
            if (t >= n - L)
                ct++;
        }
        ck_assert(r.frac_ref_high == (double)cr / (double)(nr - s));
        ck_assert(r.frac_win_high == (double)cw / (double)pa->w);
        ck_assert(r.frac_tail_high == (double)ct / (double)L);
        ck_assert(r.delta == r.frac_win_high - r.frac_ref_high);
        pdrift_level want = PDRIFT_LEVEL_NONE;
        if (r.worse && r.delta >= pa->delta_drift && r.frac_tail_high >= pa->tail_drift)
            want = PDRIFT_LEVEL_DRIFT;
        else if (r.worse && r.delta >= pa->delta_warning && r.frac_tail_high >= pa->tail_warning)
            want = PDRIFT_LEVEL_WARNING;
        ck_assert(r.level == want);
    } else {
        ck_assert(r.level == (r.worse ? PDRIFT_LEVEL_INSUFFICIENT : PDRIFT_LEVEL_NONE));
        ck_assert(isnan(r.threshold) && isnan(r.ssr) && isnan(r.frac_tail_high));
    }
    free(Y);
}

START_TEST(test_raw_errors_k1)
{
    pdrift__addm_params pa = spec_params();
    pa.k = 1;
    uint64_t seed = 21;
    double ref[300], win[120];
    size_t fitted = 0;
    for (int rep = 0; rep < 30; rep++) {
        bernoulli(ref, 300, 0.45, &seed);
        bernoulli(win, 120, rep < 15 ? 0.45 : 0.85, &seed);
        check_against_brute(ref, 300, win, 120, &pa, "k=1");
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(ref, 300, win, 120, &pa, &r), PDRIFT_OK);
        ck_assert_uint_eq(r.n_candidates, 2); /* z in {0, 1} */
        ck_assert_uint_eq(r.n_ref_used, 250);
        if (r.fitted) {
            ck_assert(r.threshold == 0.0);
            ck_assert(isnan(r.ssr_second_best)); /* a single admissible threshold */
            fitted++;
        }
    }
    ck_assert_uint_gt(fitted, 0);
    /* other delays and orders, rank-deficient regimes included */
    for (size_t d = 1; d <= 7; d += 3) {
        pa.d = d;
        pa.p = d == 4 ? 2 : 5;
        bernoulli(ref, 300, 0.3, &seed);
        bernoulli(win, 120, 0.6, &seed);
        check_against_brute(ref, 300, win, 120, &pa, "k=1, d");
    }
}
END_TEST

START_TEST(test_continuous_losses)
{
    /* Squared-error-like losses: every z is distinct, about T candidates. */
    pdrift__addm_params pa = spec_params();
    uint64_t seed = 31;
    double ref[300], win[100];
    for (int rep = 0; rep < 6; rep++) {
        pa.k = rep % 2 ? 1 : 5;
        double scale_after = rep < 3 ? 1.0 : 2.5;
        for (size_t i = 0; i < 300; i++) {
            double u = uniform(&seed);
            ref[i] = u * u;
        }
        for (size_t i = 0; i < 100; i++) {
            double u = uniform(&seed);
            win[i] = scale_after * u * u;
        }
        check_against_brute(ref, 300, win, 100, &pa, "continuous");
        check_tsay_brute(ref, 300, win, 100, &pa, "continuous", TSAY_REL);
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(ref, 300, win, 100, &pa, &r), PDRIFT_OK);
        ck_assert_uint_gt(r.n_candidates, 250);
        ck_assert(r.fitted);
        ck_assert(isfinite(r.tsay_f) && r.tsay_pvalue >= 0.0 && r.tsay_pvalue <= 1.0);
    }
}
END_TEST

START_TEST(test_scale_equivariance)
{
    /* Multiplying every error by a power of two scales thresholds, means,
     * quartiles (and SSR by its square) exactly and changes no decision,
     * including magnitudes where the library rescales internally. */
    static const int exps[] = {-600, -30, 7, 500, 1000};
    const cJSON *c = cJSON_GetArrayItem(golden_get(golden_load("addm_cases.json"), "cases"), 2);
    size_t R, V;
    double *ev = golden_array(golden_get(c, "e_val"), &R);
    double *ew = golden_array(golden_get(c, "e_win"), &V);
    pdrift__addm_params pa = spec_params();
    pdrift__addm_result r0;
    ck_assert_int_eq(pdrift__addm(ev, R, ew, V, &pa, &r0), PDRIFT_OK);
    for (size_t i = 0; i < sizeof exps / sizeof *exps; i++) {
        int e = exps[i];
        double *sv = copy_of(ev, R), *sw = copy_of(ew, V);
        for (size_t j = 0; j < R; j++)
            sv[j] = ldexp(sv[j], e);
        for (size_t j = 0; j < V; j++)
            sw[j] = ldexp(sw[j], e);
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(sv, R, sw, V, &pa, &r), PDRIFT_OK);
        ck_assert_int_eq(r.level, r0.level);
        ck_assert(r.threshold == ldexp(r0.threshold, e));
        ck_assert(r.delta == r0.delta && r.frac_tail_high == r0.frac_tail_high);
        ck_assert(golden_close(r.q3_win, ldexp(r0.q3_win, e), 1e-15, 0.0));
        ck_assert(golden_close(r.severity_raw, r0.severity_raw, 1e-15, 0.0));
        if (e > -400 && e < 400)
            ck_assert(golden_close(r.ssr, ldexp(r0.ssr, 2 * e), 1e-15, 0.0));
        ck_assert(golden_close(r.tsay_f, r0.tsay_f, 1e-12, 0.0));
        ck_assert(golden_close(r.beta_low[1], r0.beta_low[1], 1e-12, 1e-15));
        free(sv);
        free(sw);
    }
    /* the largest finite losses neither overflow nor crash */
    double *hv = copy_of(ev, R), *hw = copy_of(ew, V);
    for (size_t j = 0; j < R; j++)
        hv[j] *= DBL_MAX;
    for (size_t j = 0; j < V; j++)
        hw[j] *= DBL_MAX;
    pdrift__addm_result r;
    ck_assert_int_eq(pdrift__addm(hv, R, hw, V, &pa, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, r0.level);
    ck_assert(golden_close(r.threshold, r0.threshold * DBL_MAX, 1e-15, 0.0));
    ck_assert(r.delta == r0.delta);
    free(hv);
    free(hw);
    free(ev);
    free(ew);
}
END_TEST

/* Found by tests/fuzz/fuzz_stats (corpus file stats/addm-subnormal-scale-overflow):
 * when the largest error was subnormal, the internal scale 2^-ex overflowed
 * to inf, every smoothed value became inf or NaN, and the severity weight came
 * out 0 (public defaults) or NaN (other parameters) instead of the one at
 * ordinary magnitudes. 0/1 streams times a power of two give the same level
 * and weight, and the quartiles scaled exactly, down to the smallest
 * subnormal. */
START_TEST(test_subnormal_magnitudes)
{
    static const int exps[] = {-1000, -1030, -1060, -1074};
    double ref[300], win[80];
    for (size_t i = 0; i < 300; i++)
        ref[i] = i % 4 == 0 ? 1.0 : 0.0;
    for (size_t i = 0; i < 80; i++)
        win[i] = i % 4 != 0 ? 1.0 : 0.0;
    pdrift_level level0;
    double weight0;
    ck_assert_int_eq(pdrift_addm(ref, 300, win, 80, &level0, &weight0), PDRIFT_OK);
    ck_assert_int_eq(level0, PDRIFT_LEVEL_DRIFT);
    ck_assert(weight0 > 0.0);
    pdrift__addm_params pa = pdrift__addm_default_params();
    pa.k = 3;
    pa.w = 20;
    pa.n_ref = 60;
    pdrift__addm_result r0;
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 80, &pa, &r0), PDRIFT_OK);
    for (size_t i = 0; i < sizeof exps / sizeof *exps; i++) {
        int e = exps[i];
        double sref[300], swin[80];
        for (size_t j = 0; j < 300; j++)
            sref[j] = ldexp(ref[j], e);
        for (size_t j = 0; j < 80; j++)
            swin[j] = ldexp(win[j], e);
        pdrift_level level;
        double weight;
        ck_assert_int_eq(pdrift_addm(sref, 300, swin, 80, &level, &weight), PDRIFT_OK);
        ck_assert_int_eq(level, level0);
        ck_assert_msg(weight == weight0, "2^%d: weight %.17g, %.17g at 1", e, weight, weight0);
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(sref, 300, swin, 80, &pa, &r), PDRIFT_OK);
        ck_assert_int_eq(r.level, r0.level);
        ck_assert_msg(r.severity_weight == r0.severity_weight && r.severity_raw == r0.severity_raw,
                      "2^%d: weight %.17g, %.17g at 1", e, r.severity_weight, r0.severity_weight);
        ck_assert(r.q3_win == ldexp(r0.q3_win, e) && r.q3_ref == ldexp(r0.q3_ref, e));
    }
}
END_TEST

START_TEST(test_clear_deterioration_and_improvement)
{
    /* One evaluation, reference rate 0.45, window 0.9 (or 0.2). The refitted
     * threshold sometimes puts most reference rows in the high-error regime
     * and caps delta (SPEC §4.7, golden abrupt_045_to_070), so a single
     * window at 0.9 gives DRIFT in about 4 of 5 draws, never NONE through a
     * wrong "worse", and DRIFT always carries a positive weight. Each result
     * is also checked against the brute-force SVD grid. */
    pdrift__addm_params pa = spec_params();
    uint64_t seed = 41;
    double ref[259], win[60];
    const int reps = 100;
    size_t drift = 0, alarm = 0, none_improve = 0, mean_drift = 0;
    for (int rep = 0; rep < reps; rep++) {
        bernoulli(ref, 259, 0.45, &seed);
        bernoulli(win, 60, 0.9, &seed);
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &pa, &r), PDRIFT_OK);
        ck_assert_int_eq(r.worse, 1);
        ck_assert_int_eq(r.fitted, 1);
        if (r.level == PDRIFT_LEVEL_DRIFT) {
            drift++;
            ck_assert(r.severity_weight > 0.0 && r.severity_weight == r.severity_raw);
        }
        alarm += r.level == PDRIFT_LEVEL_DRIFT || r.level == PDRIFT_LEVEL_WARNING;
        if (rep < 10)
            check_against_brute(ref, 259, win, 60, &pa, "0.45 -> 0.9");
        pdrift_level lv;
        double wt;
        ck_assert_int_eq(pdrift_addm(ref, 259, win, 60, &lv, &wt), PDRIFT_OK);
        /* the default mean rule: z of about 6 with a binomial variance; the
         * AR long-run variance is noisier, so not every draw reaches 3.80 */
        pdrift__addm_params dp = pdrift__addm_default_params();
        pdrift__addm_result dr;
        ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &dp, &dr), PDRIFT_OK);
        ck_assert_int_eq(lv, dr.level);
        ck_assert_int_eq(lv, dr.mean_z >= 3.80 ? PDRIFT_LEVEL_DRIFT : dr.mean_z >= 2.50 ? PDRIFT_LEVEL_WARNING
                                                                                      : PDRIFT_LEVEL_NONE);
        mean_drift += lv == PDRIFT_LEVEL_DRIFT;

        bernoulli(win, 60, 0.2, &seed);
        ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &pa, &r), PDRIFT_OK);
        ck_assert_int_eq(r.worse, 0);
        ck_assert(r.severity_weight == 0.0);
        none_improve += r.level == PDRIFT_LEVEL_NONE;
        if (rep < 10)
            check_against_brute(ref, 259, win, 60, &pa, "0.45 -> 0.2");
    }
    printf("addm    0.45 -> 0.9, one window: DRIFT %zu/%d, WARNING or DRIFT %zu/%d (mean rule: "
           "DRIFT %zu/%d); 0.45 -> 0.2: NONE %zu/%d\n", drift, reps, alarm, reps, mean_drift, reps,
           none_improve, reps);
    fflush(stdout);
    ck_assert_uint_ge(mean_drift, (size_t)(0.9 * reps));
    ck_assert_uint_ge(drift, (size_t)(0.7 * reps)); /* 81/100 with these draws */
    ck_assert_uint_ge(alarm, (size_t)(0.85 * reps));
    ck_assert_uint_eq(none_improve, (size_t)reps);
}
END_TEST

START_TEST(test_tsay_gate)
{
    pdrift__addm_params pa = spec_params();
    uint64_t seed = 41;
    double ref[259], win[60];
    pdrift__addm_result r0, r;
    int tries = 0;
    do { /* the first DRIFT of a 0.45 -> 0.9 jump */
        bernoulli(ref, 259, 0.45, &seed);
        bernoulli(win, 60, 0.9, &seed);
        ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &pa, &r0), PDRIFT_OK);
    } while (r0.level != PDRIFT_LEVEL_DRIFT && ++tries < 50);
    ck_assert_int_eq(r0.level, PDRIFT_LEVEL_DRIFT);
    ck_assert(r0.tsay_pvalue > 0.0 && r0.tsay_pvalue < 1.0);
    ck_assert_uint_eq(r0.tsay_df1, 6);
    ck_assert_uint_eq(r0.tsay_df2, 259);
    pdrift__addm_params g = pa;
    g.tsay_gate = 1;
    g.tsay_alpha = nextafter(r0.tsay_pvalue, 1.0); /* p < alpha: passes */
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &g, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_DRIFT);
    ck_assert(r.severity_weight == r0.severity_weight);
    g.tsay_alpha = r0.tsay_pvalue; /* p == alpha: blocked */
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &g, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_NONE);
    ck_assert(r.severity_weight == 0.0 && r.severity_raw == r0.severity_raw);
    ck_assert(golden_same_bits(r.tsay_f, r0.tsay_f));
    /* the statistic does not depend on the gate or on the decision thresholds */
    g = pa;
    g.delta_drift = 2.0;
    g.delta_warning = 2.0;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &g, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_NONE);
    ck_assert(golden_same_bits(r.tsay_pvalue, r0.tsay_pvalue));
    /* a larger start block lowers df2 by as much */
    g = pa;
    g.tsay_ini = 100;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &g, &r), PDRIFT_OK);
    ck_assert_uint_eq(r.tsay_df2, 199);
    /* ini below p + 1 grows by 10: 0 -> 10 */
    g.tsay_ini = 0;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &g, &r), PDRIFT_OK);
    ck_assert_uint_eq(r.tsay_df2, 305 - 10 - 6);
    /* no room for the test: NaN, and the gate then blocks */
    g.tsay_ini = 300;
    g.tsay_gate = 1;
    g.tsay_alpha = 0.5;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &g, &r), PDRIFT_OK);
    ck_assert(isnan(r.tsay_f) && isnan(r.tsay_pvalue));
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_NONE);
}
END_TEST

START_TEST(test_tsay_rank_deficient_start)
{
    /* Raw 0/1 errors, d <= p: the first rows in z order all have z = 0, so
     * the lag-d column is zero there and the start block grows until it is
     * not; the test still runs on the remaining rows. */
    pdrift__addm_params pa = spec_params();
    pa.k = 1;
    uint64_t seed = 51;
    double ref[300], win[100];
    bernoulli(ref, 300, 0.45, &seed);
    bernoulli(win, 100, 0.45, &seed);
    pdrift__addm_result r;
    ck_assert_int_eq(pdrift__addm(ref, 300, win, 100, &pa, &r), PDRIFT_OK);
    size_t T = r.n_rows - 5;
    ck_assert(!isnan(r.tsay_f));
    ck_assert(r.tsay_df2 < T - 40 - 6);
    ck_assert((T - 6 - r.tsay_df2 - 40) % 10 == 0);
    ck_assert(r.tsay_pvalue >= 0.0 && r.tsay_pvalue <= 1.0);
    /* the remaining rows all have z = 1: x_t has the lag-d column equal to
     * the intercept, and the regression of the residuals is rank-deficient */
    check_tsay_brute(ref, 300, win, 100, &pa, "k=1 start block", 1e-8);
}
END_TEST

START_TEST(test_smooth)
{
    double e[7] = {1, 0, 1, 1, 0, 0, 1}, y[7];
    ck_assert_uint_eq(pdrift__addm_smooth(e, 7, 3, y), 5);
    ck_assert(y[0] == 2.0 / 3.0 && y[1] == 2.0 / 3.0 && y[2] == 2.0 / 3.0 && y[3] == 1.0 / 3.0 &&
              y[4] == 1.0 / 3.0);
    ck_assert_uint_eq(pdrift__addm_smooth(e, 7, 1, y), 7);
    ck_assert(memcmp(e, y, sizeof e) == 0);
    ck_assert_uint_eq(pdrift__addm_smooth(e, 7, 7, y), 1);
    ck_assert(y[0] == 4.0 / 7.0);
    ck_assert_uint_eq(pdrift__addm_smooth(e, 7, 8, y), 0);
    ck_assert_uint_eq(pdrift__addm_smooth(e, 7, 0, y), 0);
    ck_assert_uint_eq(pdrift__addm_smooth(NULL, 7, 3, y), 0);
    /* the library's window uses the last k - 1 reference errors (golden note) */
    pdrift__addm_params pa = spec_params();
    double ref[259], win[60];
    for (size_t i = 0; i < 259; i++)
        ref[i] = i >= 250 ? 1.0 : 0.0; /* the last 9 reference errors are 1 */
    for (size_t i = 0; i < 60; i++)
        win[i] = 0.0;
    pdrift__addm_result r;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &pa, &r), PDRIFT_OK);
    /* y_ref: 241 zeros then 0.1 .. 0.9; y_win: 0.9, 0.8, .., 0.1, then zeros */
    ck_assert(fabs(r.mean_ref - 4.5 / 250.0) < 1e-15);
    ck_assert(fabs(r.mean_win - 4.5 / 60.0) < 1e-15);
    ck_assert_int_eq(r.worse, 1);
    ck_assert(r.q3_win == 0.0 && r.severity_raw == 0.0);
}
END_TEST

START_TEST(test_timing)
{
    const cJSON *root = golden_load("addm_cases.json");
    const cJSON *c = cJSON_GetArrayItem(golden_get(root, "cases"), 0);
    size_t R, V;
    double *ev = golden_array(golden_get(c, "e_val"), &R);
    double *ew = golden_array(golden_get(c, "e_win"), &V);
    pdrift__addm_params pa = spec_params();
    pdrift__addm_result r;
    const int reps = 3000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < reps; i++)
        ck_assert_int_eq(pdrift__addm(ev, R, ew, V, &pa, &r), PDRIFT_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 /
                reps;
    printf("timing  addm golden sizes (259 + 60, k=10): %.1f us per call\n", us);

    /* continuous losses: ~300 candidate thresholds */
    double *lv = malloc(R * sizeof *lv), *lw = malloc(V * sizeof *lw);
    ck_assert(lv && lw);
    uint64_t seed = 61;
    for (size_t i = 0; i < R; i++)
        lv[i] = uniform(&seed);
    for (size_t i = 0; i < V; i++)
        lw[i] = uniform(&seed);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < reps / 10; i++)
        ck_assert_int_eq(pdrift__addm(lv, R, lw, V, &pa, &r), PDRIFT_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us2 = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
                 1e3 / (reps / 10);
    printf("timing  addm continuous losses (%zu candidates): %.1f us per call\n", r.n_candidates,
           us2);
    fflush(stdout);
    free(lv);
    free(lw);
    free(ev);
    free(ew);
}
END_TEST

/* ---- the default decision rule: the mean test ------------------------------------ */

/* V = sigma^2 / (1 - sum phi)^2 of an AR(p) with intercept, by GSL's
 * least squares (written independently of lib/addm.c's elimination). */
static double expected_lrv(const double *e, size_t n, size_t p)
{
    size_t rows = n - p, m = p + 1;
    gsl_matrix *X = gsl_matrix_alloc(rows, m);
    gsl_vector *y = gsl_vector_alloc(rows), *c = gsl_vector_alloc(m);
    gsl_matrix *cov = gsl_matrix_alloc(m, m);
    gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc(rows, m);
    for (size_t t = p; t < n; t++) {
        gsl_matrix_set(X, t - p, 0, 1.0);
        for (size_t i = 1; i <= p; i++)
            gsl_matrix_set(X, t - p, i, e[t - i]);
        gsl_vector_set(y, t - p, e[t]);
    }
    double chisq;
    ck_assert_int_eq(gsl_multifit_linear(X, y, c, cov, &chisq, work), GSL_SUCCESS);
    double phi = 0.0;
    for (size_t i = 1; i <= p; i++)
        phi += gsl_vector_get(c, i);
    double factor = 1.0 - phi < 0.1 ? 0.1 : 1.0 - phi;
    gsl_matrix_free(X);
    gsl_vector_free(y);
    gsl_vector_free(c);
    gsl_matrix_free(cov);
    gsl_multifit_linear_free(work);
    return chisq / (double)(rows - m) / (factor * factor);
}

START_TEST(test_mean_rule_values)
{
    uint64_t seed = 71;
    double ref[300], win[80];
    pdrift__addm_params pa = pdrift__addm_default_params();
    ck_assert_int_eq(pa.rule, PDRIFT__ADDM_RULE_MEAN);
    ck_assert(pa.z_drift == 3.80 && pa.z_warning == 2.50);
    for (int rep = 0; rep < 40; rep++) {
        bernoulli(ref, 300, 0.45, &seed);
        bernoulli(win, 80, 0.45 + 0.01 * rep, &seed);
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(ref, 300, win, 80, &pa, &r), PDRIFT_OK);
        /* the last n_ref + k - 1 = 259 reference errors, the last w = 60 live ones */
        const double *used = ref + 300 - 259;
        double m_ref = 0.0, m_win = 0.0;
        for (size_t i = 0; i < 259; i++)
            m_ref += used[i];
        for (size_t i = 20; i < 80; i++)
            m_win += win[i];
        m_ref /= 259.0;
        m_win /= 60.0;
        double v = expected_lrv(used, 259, 5);
        double z = (m_win - m_ref) / sqrt(v * (1.0 / 60 + 1.0 / 259));
        ck_assert_msg(golden_close(r.long_run_variance, v, 1e-10, 0.0), "V %.17g vs %.17g",
                      r.long_run_variance, v);
        ck_assert_msg(golden_close(r.mean_z, z, 1e-9, 1e-12), "z %.17g vs %.17g", r.mean_z, z);
        pdrift_level want = z >= 3.80 ? PDRIFT_LEVEL_DRIFT
                            : z >= 2.50 ? PDRIFT_LEVEL_WARNING
                                        : PDRIFT_LEVEL_NONE;
        ck_assert_int_eq(r.level, want);
        ck_assert(r.severity_weight == (want == PDRIFT_LEVEL_NONE ? 0.0 : r.severity_raw));
        /* the occupancy rule on the same data reports the same fit */
        pdrift__addm_params sp = spec_params();
        pdrift__addm_result o;
        ck_assert_int_eq(pdrift__addm(ref, 300, win, 80, &sp, &o), PDRIFT_OK);
        ck_assert(golden_same_bits(o.threshold, r.threshold) && o.delta == r.delta);
        /* ... and the same z, reported though it does not decide there */
        ck_assert(golden_same_bits(o.mean_z, r.mean_z));
    }
}
END_TEST

START_TEST(test_mean_rule_thresholds_and_floor)
{
    /* A constant, error-free reference: V = 0, floored at the Bernoulli
     * variance of the rate (0 + 0.5) / 260. One live error is not DRIFT. */
    double ref[259], win[60];
    for (size_t i = 0; i < 259; i++)
        ref[i] = 0.0;
    for (size_t i = 0; i < 60; i++)
        win[i] = i == 59 ? 1.0 : 0.0;
    pdrift__addm_params pa = pdrift__addm_default_params();
    pdrift__addm_result r;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &pa, &r), PDRIFT_OK);
    double rate = 0.5 / 260.0, v = rate * (1.0 - rate);
    ck_assert(golden_close(r.long_run_variance, v, 1e-15, 0.0));
    double z = (1.0 / 60.0) / sqrt(v * (1.0 / 60 + 1.0 / 259));
    ck_assert(golden_close(r.mean_z, z, 1e-14, 0.0));
    ck_assert_int_eq(r.level, z >= 3.80 ? PDRIFT_LEVEL_DRIFT : z >= 2.5 ? PDRIFT_LEVEL_WARNING
                                                                         : PDRIFT_LEVEL_NONE);
    /* Thresholds are inclusive and come from the parameters. */
    pa.z_drift = r.mean_z;
    pa.z_warning = r.mean_z / 2;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &pa, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_DRIFT);
    pa.z_drift = nextafter(r.mean_z, INFINITY);
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &pa, &r), PDRIFT_OK);
    ck_assert_int_eq(r.level, PDRIFT_LEVEL_WARNING);
    /* Scaling every error by a power of two leaves z unchanged. */
    uint64_t seed = 5;
    bernoulli(ref, 259, 0.45, &seed);
    bernoulli(win, 60, 0.7, &seed);
    pdrift__addm_params dp = pdrift__addm_default_params();
    pdrift__addm_result r0;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &dp, &r0), PDRIFT_OK);
    static const int exps[] = {-600, -30, 7, 500};
    for (size_t i = 0; i < sizeof exps / sizeof exps[0]; i++) {
        double sr[259], sw[60];
        for (size_t j = 0; j < 259; j++)
            sr[j] = ldexp(ref[j], exps[i]);
        for (size_t j = 0; j < 60; j++)
            sw[j] = ldexp(win[j], exps[i]);
        ck_assert_int_eq(pdrift__addm(sr, 259, sw, 60, &dp, &r), PDRIFT_OK);
        ck_assert_msg(golden_close(r.mean_z, r0.mean_z, 1e-13, 0.0), "2^%d: z %.17g vs %.17g",
                      exps[i], r.mean_z, r0.mean_z);
        ck_assert_int_eq(r.level, r0.level);
    }
    /* An unknown rule or non-finite thresholds are refused. */
    dp.rule = 7;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &dp, &r), PDRIFT_EINVAL);
    dp = pdrift__addm_default_params();
    dp.z_drift = NAN;
    ck_assert_int_eq(pdrift__addm(ref, 259, win, 60, &dp, &r), PDRIFT_EINVAL);
}
END_TEST

static Suite *addm_suite(void)
{
    Suite *s = suite_create("addm");

    TCase *golden = tcase_create("golden");
    tcase_set_timeout(golden, 60);
    tcase_add_test(golden, test_golden_cases);
    tcase_add_test(golden, test_golden_sequential);
    suite_add_tcase(s, golden);

    TCase *validation = tcase_create("validation");
    tcase_add_test(validation, test_invalid_arguments);
    tcase_add_test(validation, test_bad_errors_rejected);
    tcase_add_test(validation, test_insufficient_sizes);
    tcase_add_test(validation, test_inputs_unchanged);
    suite_add_tcase(s, validation);

    TCase *props = tcase_create("properties");
    tcase_set_timeout(props, 60);
    tcase_add_test(props, test_smooth);
    tcase_add_test(props, test_constant_errors);
    tcase_add_test(props, test_public_equals_internal);
    tcase_add_test(props, test_raw_errors_k1);
    tcase_add_test(props, test_continuous_losses);
    tcase_add_test(props, test_scale_equivariance);
    tcase_add_test(props, test_subnormal_magnitudes);
    tcase_add_test(props, test_clear_deterioration_and_improvement);
    tcase_add_test(props, test_tsay_gate);
    tcase_add_test(props, test_tsay_rank_deficient_start);
    tcase_add_test(props, test_mean_rule_values);
    tcase_add_test(props, test_mean_rule_thresholds_and_floor);
    suite_add_tcase(s, props);

    TCase *timing = tcase_create("timing");
    tcase_set_timeout(timing, 60);
    tcase_add_test(timing, test_timing);
    suite_add_tcase(s, timing);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(addm_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
