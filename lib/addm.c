/*
 * addm.c — ADDM, concept drift on a model's error series (SPEC.md §4).
 *
 * The smoothed errors of a reference period and of the latest window are
 * joined, a two-regime SETAR(2; p, p) with delay d is fitted by conditional
 * least squares over the threshold grid (the distinct values of z_t =
 * Y_{t-d}), and the share of window rows in the high-error regime is
 * compared with the reference's share. The severity weight comes from the
 * type-7 upper quartiles of the two periods.
 *
 * Least squares. Rows are put in z order once (stably: ties in time order),
 * so the low regime of every candidate threshold is a prefix of that order
 * and the high regime a suffix. The rows are added one at a time to a
 * square-root-free Givens QR of the augmented matrix [X | y] (Gentleman's
 * AS 75/274; an orthogonal transformation, valid whatever the rank), which
 * compresses any set of rows to an m x m upper triangle [R | c] plus the sum
 * of squares sserr of the components rotated out (m = p + 1), so that
 * SSR_ols(S) = sserr + min_b |c - R b|^2. At each admissible candidate the
 * small problem is solved with the cut-off of SPEC §4.3, |R'_jj| <=
 * max(rows, cols) * eps * |R'_11| counting as zero (rows = the regime's row
 * count), by QR with column pivoting (gsl_linalg_QRPT_decomp) — the pivoted
 * R' of the triangle is that of the regime's rows up to signs, as column
 * norms are invariant — unless a norm bound proves that no column is cut off
 * (then the SSR is sserr and b a back-substitution). Low regimes grow from
 * the bottom of the order and high regimes from the top in one loop, which
 * also runs Tsay's arranged regression (the low accumulation is exactly its
 * recursive least squares). The grid costs O(T m^2 + K m^3) for T rows and
 * K candidates instead of O(K T m^2); order statistics and candidates come
 * from the distinct values of Y (k + 1 of them for smoothed 0/1 errors).
 *
 * Rank-deficient regimes (smoothed 0/1 errors take few values) have a unique
 * SSR but not unique coefficients; the reported betas are the basic solution
 * of the pivoted QR (zero on the columns cut off), numpy's lstsq would give
 * the minimum-norm one. Full-rank regimes agree.
 *
 * Scale. Errors may be any finite non-negative loss. If the largest error
 * used is above 2^400 or below 2^-400, the data are multiplied by a power of
 * two (exact) before smoothing, so no square or sum overflows; thresholds,
 * means, quartiles, SSRs and intercepts are scaled back. Other inputs
 * (0/1 flags, ordinary losses) are used as given, bit for bit.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

#include "internal.h"

#define ADDM_MAXM (PDRIFT__ADDM_MAX_LAGS + 1) /* columns of x_t: intercept + p lags */
#define ADDM_MAXC (ADDM_MAXM + 1)             /* plus the target */
#define ADDM_TIE_REL 1e-12                    /* SSR tie rule of SPEC §4.3 */

pdrift__addm_params pdrift__addm_default_params(void)
{
    pdrift__addm_params p;
    p.k = 10;
    p.n_ref = 250;
    p.w = 60;
    p.p = 5;
    p.d = 2;
    p.trim = 0.15;
    p.delta_drift = 0.45;
    p.delta_warning = 0.30;
    p.tail_drift = 0.75;
    p.tail_warning = 0.50;
    p.tsay_gate = 0;
    p.tsay_alpha = 0.05;
    p.tsay_ini = 40;
    p.rule = PDRIFT__ADDM_RULE_MEAN;
    p.z_drift = 3.80;   /* medium: 3-4% of unchanged 1000-error streams (docs/concept.md) */
    p.z_warning = 2.50;
    return p;
}

size_t pdrift__addm_smooth(const double *e, size_t n, size_t k, double *y)
{
    if (e == NULL || y == NULL || k == 0 || n < k)
        return 0;
    size_t count = n - k + 1;
    for (size_t j = 0; j < count; j++) {
        double s = 0.0;
        for (size_t i = 0; i < k; i++)
            s += e[j + i];
        y[j] = s / (double)k;
    }
    return count;
}

/* ---- Givens-compressed least squares ---------------------------------------- */

/* Square-root-free Givens rotations (Gentleman 1973/1974; Applied Statistics
 * algorithms AS 75 and AS 274, as in R's biglm): the rows seen so far are
 * held as R = D^(1/2) Rbar with Rbar unit upper triangular, the rotated
 * target theta (c = D^(1/2) theta) and the sum of squares already rotated
 * out. No square root, and no division on the chain from one column to the
 * next (see ls_add). */
typedef struct ls_acc {
    size_t m;                           /* columns of x */
    size_t rows;                        /* rows added */
    double d[ADDM_MAXM];                /* D */
    double rbar[ADDM_MAXM][ADDM_MAXC];  /* strict upper part of Rbar | theta */
    double sserr;                       /* sum of squares rotated out */
} ls_acc;

static void ls_init(ls_acc *acc, size_t m)
{
    acc->m = m;
    acc->rows = 0;
    acc->sserr = 0.0;
    for (size_t i = 0; i < m; i++) {
        acc->d[i] = 0.0;
        for (size_t j = 0; j <= m; j++)
            acc->rbar[i][j] = 0.0;
    }
}

/* Include the row (x, y) with unit weight. Exact zeros stay exact (a zero
 * column of X leaves D and Rbar zero there); an empty row i of the triangle
 * takes the new row whole and ends the rotation (weight 0). If weight is not
 * NULL, *resid and *weight receive what is left of y and the final weight:
 * when the earlier rows have full rank, resid = y - x'b (b their least
 * squares fit) and weight = 1/(1 + x'(X'X)^-1 x), so resid*sqrt(weight) is
 * the standardised predictive residual of recursive least squares.
 *
 * AS 274 updates the weight as w <- w*d_i/(d_i + w*x_i^2), a chain of
 * divisions through all columns. Carried as q = 1/w it is a sum,
 * q <- q + x_i^2/d_i, whose divisions do not wait for each other:
 * cbar = d_i/(d_i + w x_i^2) = q/q', sbar = w x_i/(d_i + w x_i^2) =
 * (x_i/d_i)/q', w' = 1/q'. */
static void ls_add(ls_acc *acc, const double *x, double y, double *resid, double *weight)
{
    const size_t m = acc->m;
    double v[ADDM_MAXC];
    for (size_t j = 0; j < m; j++)
        v[j] = x[j];
    v[m] = y;
    double q = 1.0, w = 1.0;
    for (size_t i = 0; i < m; i++) {
        double xi = v[i];
        if (xi == 0.0)
            continue;
        double di = acc->d[i];
        double *r = acc->rbar[i];
        double dpi = di + w * xi * xi;
        double ri = di > 0.0 ? xi / di : 0.0;
        if (di == 0.0 || !(xi * ri <= 0x1p1000)) {
            /* Row i is empty (or its weight negligible against this row's,
             * x_i^2/d_i beyond 2^1000, where the recursion would overflow):
             * cbar = 0, sbar = 1/x_i, the new row replaces it and is used up. */
            if (!(dpi > 0.0))
                continue; /* w*x_i^2 underflowed: a negligible value */
            acc->d[i] = dpi;
            for (size_t k = i + 1; k <= m; k++)
                r[k] = v[k] / xi;
            w = 0.0;
            break;
        }
        double qn = q + xi * ri;
        double inv = 1.0 / qn;
        double cbar = q * inv, sbar = ri * inv;
        acc->d[i] = dpi;
        for (size_t k = i + 1; k <= m; k++) {
            double xk = v[k];
            v[k] = xk - xi * r[k];
            r[k] = cbar * r[k] + sbar * xk;
        }
        q = qn;
        w = inv;
    }
    acc->sserr += w * v[m] * v[m];
    acc->rows++;
    if (weight != NULL) {
        *resid = v[m];
        *weight = w;
    }
}

/* Full rank under the cut-off of SPEC §4.3, shown without the pivoted QR:
 * for R = D^(1/2) Rbar, |R'_11| <= sigma_max <= |R|_F and every pivoted
 * |R'_jj| >= sigma_min >= 1/|R^-1|_F (a triangular matrix's diagonal holds
 * its eigenvalues), so tol * |R|_F * |R^-1|_F < 1/2 (tol = max(rows, m) *
 * eps, the half for rounding) means no column is cut off. The small problem
 * is then square and consistent: the SSR is sserr, and b solves
 * Rbar b = theta. Costs O(m^3) flops and no call; 0 sends the caller to
 * the pivoted QR. */
static int ls_full_rank_fast(const ls_acc *acc, double *beta)
{
    const size_t m = acc->m;
    double fro2 = 0.0, inv2 = 0.0, u[ADDM_MAXM];
    for (size_t i = 0; i < m; i++) {
        double di = acc->d[i];
        if (!(di > 0.0))
            return 0;
        double row = 1.0;
        for (size_t j = i + 1; j < m; j++)
            row += acc->rbar[i][j] * acc->rbar[i][j];
        fro2 += di * row;
    }
    for (size_t j = 0; j < m; j++) { /* column j of Rbar^-1, scaled by d_j^-1/2 */
        double col = 1.0;
        u[j] = 1.0;
        for (size_t i = j; i-- > 0;) {
            double s = 0.0;
            for (size_t l = i + 1; l <= j; l++)
                s -= acc->rbar[i][l] * u[l];
            u[i] = s;
            col += s * s;
        }
        inv2 += col / acc->d[j];
    }
    double rows = (double)(acc->rows > m ? acc->rows : m);
    if (!(rows * DBL_EPSILON * sqrt(fro2 * inv2) < 0.5))
        return 0;
    if (beta != NULL)
        for (size_t i = m; i-- > 0;) {
            double s = acc->rbar[i][m];
            for (size_t l = i + 1; l < m; l++)
                s -= acc->rbar[i][l] * beta[l];
            beta[i] = s;
        }
    return 1;
}

/* min_b |y - X b|^2 of the rows added so far: sserr + the residual of the
 * small problem R b = c, solved by QR with column pivoting. Columns whose
 * |R'_jj| <= max(rows, m) * eps * |R'_11| are dropped (b_j = 0). *rank and
 * beta (m values, may be NULL) receive the rank and the basic solution. */
static double ls_solve(const ls_acc *acc, double *beta, size_t *rank)
{
    const size_t m = acc->m;
    if (ls_full_rank_fast(acc, beta)) {
        if (rank != NULL)
            *rank = m;
        return acc->sserr;
    }
    double qr[ADDM_MAXM * ADDM_MAXM], c[ADDM_MAXM], tau[ADDM_MAXM], norm[ADDM_MAXM];
    size_t perm_data[ADDM_MAXM];
    for (size_t i = 0; i < m; i++) {
        double sd = sqrt(acc->d[i]);
        for (size_t j = 0; j < m; j++)
            qr[i * m + j] = j > i ? sd * acc->rbar[i][j] : (j == i ? sd : 0.0);
        c[i] = sd * acc->rbar[i][m];
    }
    gsl_matrix_view qv = gsl_matrix_view_array(qr, m, m);
    gsl_vector_view cv = gsl_vector_view_array(c, m);
    gsl_vector_view tv = gsl_vector_view_array(tau, m);
    gsl_vector_view nv = gsl_vector_view_array(norm, m);
    gsl_permutation perm;
    perm.size = m;
    perm.data = perm_data;
    int signum;
    /* Sizes agree (tau, norm, perm all m), so GSL's error handler cannot fire. */
    gsl_linalg_QRPT_decomp(&qv.matrix, &tv.vector, &perm, &signum, &nv.vector);
    gsl_linalg_QR_QTvec(&qv.matrix, &tv.vector, &cv.vector);

    size_t rows = acc->rows > m ? acc->rows : m;
    double tol = (double)rows * DBL_EPSILON * fabs(qr[0]);
    size_t r = 0;
    while (r < m && fabs(qr[r * m + r]) > tol)
        r++;

    double ssr = acc->sserr;
    for (size_t j = r; j < m; j++)
        ssr += c[j] * c[j];

    if (beta != NULL) {
        double bp[ADDM_MAXM];
        for (size_t j = r; j < m; j++)
            bp[j] = 0.0;
        for (size_t jj = r; jj-- > 0;) {
            double s = c[jj];
            for (size_t l = jj + 1; l < r; l++)
                s -= qr[jj * m + l] * bp[l];
            bp[jj] = s / qr[jj * m + jj];
        }
        for (size_t j = 0; j < m; j++)
            beta[perm_data[j]] = bp[j];
    }
    if (rank != NULL)
        *rank = r;
    return ssr;
}

/* ---- small helpers ---------------------------------------------------------------- */

typedef struct zrow {
    double z;  /* Y[t - d] */
    size_t t;  /* row index into Y */
} zrow;

/* x_t = (1, Y[t-1], ..., Y[t-p]). */
static void row_x(const double *Y, size_t t, size_t p, double *x)
{
    x[0] = 1.0;
    for (size_t i = 1; i <= p; i++)
        x[i] = Y[t - i];
}

static double mean_of(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

/* lower_bound: the first index of values[0..K) (ascending) not below v. */
static size_t group_of(const double *values, size_t K, double v)
{
    size_t lo = 0, hi = K;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (values[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The distinct values of v[0..n) into u, ascending; returns their number.
 * Up to DISTINCT_INSERT values are kept by insertion (no sort: smoothed 0/1
 * errors have at most k + 1), beyond that u is a sorted copy made unique. */
enum { DISTINCT_INSERT = 64 };

static size_t distinct_sorted(const double *v, size_t n, double *u)
{
    size_t K = 0;
    for (size_t i = 0; i < n; i++) {
        size_t at = group_of(u, K, v[i]);
        if (at < K && u[at] == v[i])
            continue;
        if (K == DISTINCT_INSERT) {
            memcpy(u, v, n * sizeof *v);
            pdrift__sort(u, n);
            K = 0;
            for (size_t j = 0; j < n; j++)
                if (K == 0 || u[j] != u[K - 1])
                    u[K++] = u[j];
            return K;
        }
        memmove(u + at + 1, u + at, (K - at) * sizeof *u);
        u[at] = v[i];
        K++;
    }
    return K;
}

/* The value at 0-based position pos of the sorted sample whose group
 * counts are count[0..K) over the values u. */
static double order_stat(const size_t *count, const double *u, size_t K, size_t pos)
{
    size_t cum = 0;
    for (size_t g = 0; g < K; g++) {
        cum += count[g];
        if (cum > pos)
            return u[g];
    }
    return u[K - 1]; /* not reached: pos < the sample size */
}

/* Type-7 0.75 quantile (the formula of SPEC §2.2) of the n >= 1 values with
 * groups group[0..n) over the K distinct values u; count is scratch (K). */
static double q3_of_groups(const size_t *group, size_t n, const double *u, size_t K,
                           size_t *count)
{
    for (size_t g = 0; g < K; g++)
        count[g] = 0;
    for (size_t j = 0; j < n; j++)
        count[group[j]]++;
    double h = (double)(n - 1) * (3.0 / 4.0);
    double lo_f = floor(h);
    double fr = h - lo_f;
    size_t lo = (size_t)lo_f;
    if (lo > n - 1)
        lo = n - 1;
    size_t hi = lo + 1 < n ? lo + 1 : n - 1;
    double b_lo = order_stat(count, u, K, lo), b_hi = order_stat(count, u, K, hi);
    if (fr == 0.0 || b_lo == b_hi)
        return b_lo;
    return b_lo + fr * (b_hi - b_lo);
}

static int errors_valid(const double *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(e[i]) && e[i] >= 0.0))
            return 0;
    return 1;
}

static int params_valid(const pdrift__addm_params *p)
{
    if (p->k == 0 || p->w == 0 || p->n_ref == 0 || p->p == 0 || p->p > PDRIFT__ADDM_MAX_LAGS ||
        p->d == 0)
        return 0;
    if (!(p->trim >= 0.0 && p->trim < 0.5))
        return 0;
    if (!isfinite(p->delta_drift) || !isfinite(p->delta_warning) || !isfinite(p->tail_drift) ||
        !isfinite(p->tail_warning) || !isfinite(p->tsay_alpha))
        return 0;
    if (p->rule != PDRIFT__ADDM_RULE_MEAN && p->rule != PDRIFT__ADDM_RULE_OCCUPANCY)
        return 0;
    if (!isfinite(p->z_drift) || !isfinite(p->z_warning))
        return 0;
    return 1;
}

static void result_init(pdrift__addm_result *out)
{
    out->level = PDRIFT_LEVEL_INSUFFICIENT;
    out->severity_weight = 0.0;
    out->severity_raw = NAN;
    out->q3_ref = out->q3_win = NAN;
    out->mean_ref = out->mean_win = NAN;
    out->worse = 0;
    out->fitted = 0;
    out->threshold = out->ssr = out->ssr_second_best = NAN;
    for (size_t i = 0; i <= PDRIFT__ADDM_MAX_LAGS; i++)
        out->beta_low[i] = out->beta_high[i] = NAN;
    out->nmin = out->n_low = out->n_high = out->n_candidates = 0;
    out->high_regime = -1;
    out->frac_ref_high = out->frac_win_high = out->frac_tail_high = out->delta = NAN;
    out->tail_l = 0;
    out->n_ref_used = out->n_rows = 0;
    out->tsay_f = out->tsay_pvalue = NAN;
    out->tsay_df1 = out->tsay_df2 = 0;
    out->mean_z = out->long_run_variance = NAN;
}

/* ---- the arranged pass: SETAR grid (SPEC §4.3) and Tsay's test (§4.8) ---- */

typedef struct setar_work {
    const double *Y;
    size_t p, T, nmin;
    const zrow *rows;             /* T rows sorted by (z, t) */
    const size_t *cand_end;       /* K candidates: rows with z <= r_j */
    size_t K;
    int grid;                     /* 0: Tsay's test only (no admissible threshold) */
    double *ssr_low, *ssr_high;   /* K each, admissible candidates only */
    double *beta_low, *beta_high; /* K * (p + 1) each: coefficients per candidate */
    size_t tsay_ini;
} setar_work;

static int admissible(const setar_work *s, size_t n_low)
{
    return n_low >= s->nmin && s->T - n_low >= s->nmin;
}

/*
 * One loop over the rows in arranged order (ascending z, time order within
 * ties) does three independent accumulations, whose dependency chains then
 * overlap in the processor:
 *
 * - the low regimes grow from the bottom of the order: at each candidate
 *   boundary, SSR and coefficients of the low regime;
 * - the high regimes grow from the top: at each boundary, those of the high
 *   regime (both skipped when no threshold is admissible);
 * - Tsay's (1989) arranged autoregression reuses the low accumulation: it IS
 *   recursive least squares on the arranged rows, and ls_add returns each
 *   row's standardised predictive residual (y - x'b)/sqrt(1 + x'(X'X)^-1 x)
 *   before the row joins. The start block is the first ini rows (+10 while
 *   ini < p + 1). If those rows are rank-deficient (cut-off of SPEC §4.3)
 *   the recursion cannot start and ini grows by 10 until they are not (this
 *   library's extension; df2 uses the final ini). The residuals are
 *   regressed on x_t as they come. F and p stay NaN when no start block
 *   leaves df2 >= 1.
 */
static void arranged_pass(const setar_work *s, pdrift__addm_result *out)
{
    const size_t m = s->p + 1, T = s->T;
    double xl[ADDM_MAXM], xh[ADDM_MAXM];
    ls_acc lo, hi, reg;
    ls_init(&lo, m);
    ls_init(&hi, m);
    ls_init(&reg, m);
    size_t jl = 0, jh = s->K;

    size_t ini = s->tsay_ini;
    while (ini < m)
        ini += 10;
    int tsay = ini < T && T - ini > m; /* 1: waiting for the start block, 2: running */
    double sum_e2 = 0.0;

    for (size_t i = 0; i < T; i++) {
        size_t tl = s->rows[i].t;
        row_x(s->Y, tl, s->p, xl);
        double resid, weight;
        ls_add(&lo, xl, s->Y[tl], &resid, &weight);
        if (tsay == 2) {
            double e = resid * sqrt(weight);
            ls_add(&reg, xl, e, NULL, NULL);
            sum_e2 += e * e;
        } else if (tsay == 1 && i + 1 == ini) {
            size_t rank;
            (void)ls_solve(&lo, NULL, &rank);
            if (rank == m)
                tsay = 2;
            else {
                ini += 10;
                tsay = ini < T && T - ini > m;
            }
        }
        if (!s->grid)
            continue;
        if (i + 1 == s->cand_end[jl]) { /* rows 0..i: low regime of candidate jl */
            if (admissible(s, i + 1))
                s->ssr_low[jl] = ls_solve(&lo, s->beta_low + jl * m, NULL);
            jl++;
        }
        size_t th = s->rows[T - 1 - i].t;
        row_x(s->Y, th, s->p, xh);
        ls_add(&hi, xh, s->Y[th], NULL, NULL);
        /* rows T-1-i..T-1 are the high regime of candidate jh - 2 once row
         * T-1-i starts the group of candidate jh - 1 */
        if (jh >= 2 && T - 1 - i == s->cand_end[jh - 2]) {
            if (admissible(s, T - 1 - i))
                s->ssr_high[jh - 2] = ls_solve(&hi, s->beta_high + (jh - 2) * m, NULL);
            jh--;
        }
    }

    if (tsay != 2)
        return;
    double ssr = ls_solve(&reg, NULL, NULL);
    size_t df2 = T - ini - m;
    out->tsay_df1 = m;
    out->tsay_df2 = df2;
    double f = ((sum_e2 - ssr) / (double)m) / (ssr / (double)df2);
    if (isnan(f))
        return; /* 0/0: the residuals are all zero */
    if (f < 0.0)
        f = 0.0; /* sum_e2 >= ssr exactly; rounding only */
    out->tsay_f = f;
    /* GSL 2.7.1's F tail was scanned for df1 = 2..21, df2 = 1..2e9 and F in
     * [0, DBL_MAX] (4.5 million points): never its error handler, never
     * NaN. Larger df2 (more than 1e9 rows) is not asked. */
    if (isinf(f))
        out->tsay_pvalue = 0.0;
    else if (df2 <= 1000000000u)
        out->tsay_pvalue = gsl_cdf_fdist_Q(f, (double)m, (double)df2);
}

/* ---- ADDM --------------------------------------------------------------------------- */

/* count * size, or 0 on overflow. */
static size_t bytes_for(size_t count, size_t size)
{
    if (count != 0 && size > SIZE_MAX / count)
        return 0;
    return count * size;
}

/* Error at distance back (1 = newest) from the end of reference || window. */
static double tail_error(const double *ref, size_t R, const double *win, size_t V, size_t back)
{
    return back <= V ? win[V - back] : ref[R - (back - V)];
}

static int addm_setar(const double *reference, size_t nref, const double *window, size_t nwin,
                      const pdrift__addm_params *params, pdrift__addm_result *out)
{
    if (reference == NULL || window == NULL || params == NULL || out == NULL || nref == 0 ||
        nwin == 0)
        return PDRIFT_EINVAL;
    if (!params_valid(params))
        return PDRIFT_EINVAL;
    if (!errors_valid(reference, nref) || !errors_valid(window, nwin))
        return PDRIFT_EDATA;

    pdrift__addm_result res;
    result_init(&res);
    const size_t k = params->k, w = params->w, p = params->p, d = params->d;
    const size_t R = nref, V = nwin;
    res.tail_l = w / 4 + (w % 4 != 0);

    /* SPEC §4.2: R < w + k - 1 or V < w is a level, not an error. */
    if (V < w || R < w || R - w < k - 1) {
        *out = res;
        return PDRIFT_OK;
    }

    /* y_ref = y[a .. R-k]: n_r values over errors ref[a .. R-1]. */
    const size_t n_avail = R - k + 1;
    const size_t n_r = params->n_ref < n_avail ? params->n_ref : n_avail;
    const size_t a = n_avail - n_r;
    if (n_r > SIZE_MAX - w) /* cannot happen for arrays in memory */
        return PDRIFT_ENOMEM;
    const size_t n = n_r + w;
    const size_t s = p > d ? p : d;
    const size_t T = n > s ? n - s : 0;
    res.n_ref_used = n_r;
    res.n_rows = n;

    /* Power-of-two scale for extreme magnitudes (see the header comment). */
    double e_max = 0.0;
    for (size_t i = a; i < R; i++)
        if (reference[i] > e_max)
            e_max = reference[i];
    for (size_t back = 1; back <= w + (k - 1) && back <= V; back++)
        if (window[V - back] > e_max)
            e_max = window[V - back];
    int ex = 0;
    double scale = 1.0;
    if (e_max > 0x1p400 || (e_max > 0.0 && e_max < 0x1p-400)) {
        (void)frexp(e_max, &ex);
        if (ex < -1022) /* a subnormal largest error: 2^-ex would overflow to inf */
            ex = -1022;
        scale = ldexp(1.0, -ex);
    }

    /* One block: Y, U (n each), ssr_low, ssr_high (T each) as doubles; rows
     * (T zrow); group, count (n each) and cand_end (T) as size_t; T <= n.
     * All three types are 8-byte aligned and each part's size is a multiple
     * of its element size, so the parts stay aligned. */
    if (n > SIZE_MAX / 4)
        return PDRIFT_ENOMEM;
    const size_t b_d = bytes_for(2 * n + 2 * T, sizeof(double));
    const size_t b_z = bytes_for(T, sizeof(zrow));
    const size_t b_c = bytes_for(2 * n + T, sizeof(size_t));
    if (b_d == 0 || b_c == 0 || (T != 0 && b_z == 0) || b_z > SIZE_MAX - b_d ||
        b_c > SIZE_MAX - b_d - b_z)
        return PDRIFT_ENOMEM;
    unsigned char *block = malloc(b_d + b_z + b_c);
    if (block == NULL)
        return PDRIFT_ENOMEM;
    double *Y = (double *)(void *)block;
    double *U = Y + n; /* distinct values of Y, ascending */
    double *ssr_low = U + n;
    double *ssr_high = ssr_low + T;
    zrow *rows = (zrow *)(void *)(block + b_d);
    size_t *group = (size_t *)(void *)(block + b_d + b_z); /* Y[j] == U[group[j]] */
    size_t *count = group + n;
    size_t *cand_end = count + n;

    /* Smoothing, sums in order (SPEC §4.2). */
    for (size_t j = 0; j < n_r; j++) {
        double sum = 0.0;
        for (size_t i = 0; i < k; i++)
            sum += reference[a + j + i] * scale;
        Y[j] = sum / (double)k;
    }
    for (size_t j = 0; j < w; j++) { /* y_win[j] ends w - j errors before the end */
        double sum = 0.0;
        for (size_t back = w - j + k - 1; back >= w - j; back--)
            sum += tail_error(reference, R, window, V, back) * scale;
        Y[n_r + j] = sum / (double)k;
    }

    /* Every order statistic below comes from the distinct values of Y and
     * counts: few for smoothed 0/1 errors (k + 1), and no sort then. */
    const size_t K_all = distinct_sorted(Y, n, U);
    for (size_t j = 0; j < n; j++)
        group[j] = group_of(U, K_all, Y[j]);

    /* Means (worse) and upper quartiles (severity, SPEC §4.5). */
    const double mean_ref = mean_of(Y, n_r), mean_win = mean_of(Y + n_r, w);
    const int worse = mean_win > mean_ref;
    const double q3_ref = q3_of_groups(group, n_r, U, K_all, count);
    const double q3_win = q3_of_groups(group + n_r, w, U, K_all, count);
    double wt = 0.0;
    if (q3_win > 0.0) {
        wt = (q3_win - q3_ref) / q3_win;
        wt = wt < 0.0 ? 0.0 : (wt > 1.0 ? 1.0 : wt);
    }
    res.mean_ref = ldexp(mean_ref, ex);
    res.mean_win = ldexp(mean_win, ex);
    res.q3_ref = ldexp(q3_ref, ex);
    res.q3_win = ldexp(q3_win, ex);
    res.worse = worse;
    res.severity_raw = wt;

    /* SETAR rows and candidate thresholds (SPEC §4.3). */
    double nmin_d = ceil(params->trim * (double)T);
    size_t nmin = (size_t)nmin_d;
    if (nmin < 2 * (p + 1))
        nmin = 2 * (p + 1);
    res.nmin = nmin;
    /* Rows in (z, t) order by a stable counting placement: the groups that
     * occur among z_t = Y[t-d], t = s..n-1, are the candidates. */
    for (size_t g = 0; g < K_all; g++)
        count[g] = 0;
    for (size_t t = s; t < n; t++)
        count[group[t - d]]++;
    size_t K = 0;
    for (size_t g = 0, end = 0; g < K_all; g++) {
        if (count[g] == 0)
            continue;
        size_t c = count[g];
        count[g] = end; /* from here on: the next free place of group g */
        end += c;
        cand_end[K++] = end;
    }
    for (size_t t = s; t < n; t++) {
        size_t g = group[t - d];
        size_t at = count[g]++;
        rows[at].t = t;
        rows[at].z = U[g];
    }
    res.n_candidates = K;

    size_t n_adm = 0;
    for (size_t j = 0; j < K; j++)
        n_adm += cand_end[j] >= nmin && T - cand_end[j] >= nmin;

    if (n_r <= s) {
        /* No reference row: the reference occupancy is undefined (only
         * possible with n_ref <= max(p, d)). */
        free(block);
        *out = res;
        return PDRIFT_OK;
    }

    /* The arranged pass: the grid if some threshold is admissible, and
     * Tsay's statistic always (it costs one more accumulation). */
    const size_t m = p + 1;
    double *betas = NULL;
    if (n_adm > 0) {
        const size_t b_beta = bytes_for(K, 2 * m * sizeof(double)); /* K <= T: fits */
        betas = b_beta ? malloc(b_beta) : NULL;
        if (betas == NULL) {
            free(block);
            return PDRIFT_ENOMEM;
        }
    }
    setar_work sw;
    sw.Y = Y;
    sw.p = p;
    sw.T = T;
    sw.nmin = nmin;
    sw.rows = rows;
    sw.cand_end = cand_end;
    sw.K = K;
    sw.grid = n_adm > 0;
    sw.ssr_low = ssr_low;
    sw.ssr_high = ssr_high;
    sw.beta_low = betas;
    sw.beta_high = betas != NULL ? betas + K * m : NULL;
    sw.tsay_ini = params->tsay_ini;
    arranged_pass(&sw, &res);

    if (n_adm == 0) {
        res.level = worse ? PDRIFT_LEVEL_INSUFFICIENT : PDRIFT_LEVEL_NONE;
        free(block);
        *out = res;
        return PDRIFT_OK;
    }

    /* The choice of SPEC §4.3, in ascending r: ties go to the smallest r. */
    size_t best = K, second = K;
    for (size_t j = 0; j < K; j++) {
        if (!admissible(&sw, cand_end[j]))
            continue;
        double ssr = ssr_low[j] + ssr_high[j];
        ssr_low[j] = ssr; /* keep the total */
        if (best == K || ssr < ssr_low[best] * (1.0 - ADDM_TIE_REL))
            best = j;
    }
    for (size_t j = 0; j < K; j++)
        if (j != best && admissible(&sw, cand_end[j]) &&
            (second == K || ssr_low[j] < ssr_low[second]))
            second = j;

    const size_t n_low = cand_end[best];
    const double r = rows[n_low - 1].z;
    res.fitted = 1;
    res.threshold = ldexp(r, ex);
    res.ssr = ldexp(ssr_low[best], 2 * ex);
    res.ssr_second_best = second == K ? NAN : ldexp(ssr_low[second], 2 * ex);
    for (size_t i = 0; i < m; i++) {
        res.beta_low[i] = sw.beta_low[best * m + i];
        res.beta_high[i] = sw.beta_high[best * m + i];
    }
    res.beta_low[0] = ldexp(res.beta_low[0], ex); /* the intercepts carry the scale */
    res.beta_high[0] = ldexp(res.beta_high[0], ex);
    res.n_low = n_low;
    res.n_high = T - n_low;
    free(betas);

    /* The high-error regime H and the occupancies (SPEC §4.4). */
    double sum_low = 0.0, sum_high = 0.0;
    for (size_t t = s; t < n; t++) {
        if (Y[t - d] <= r)
            sum_low += Y[t];
        else
            sum_high += Y[t];
    }
    const int h_is_high = sum_high / (double)(T - n_low) > sum_low / (double)n_low;
    res.high_regime = h_is_high;
    const size_t L = res.tail_l;
    size_t c_ref = 0, c_win = 0, c_tail = 0;
    for (size_t t = s; t < n; t++) {
        int in_h = (Y[t - d] > r) == h_is_high;
        if (!in_h)
            continue;
        if (t < n_r)
            c_ref++;
        else
            c_win++;
        if (t >= n - L)
            c_tail++;
    }
    free(block);

    const double o_ref = (double)c_ref / (double)(n_r - s);
    const double o_win = (double)c_win / (double)w;
    const double o_tail = (double)c_tail / (double)L;
    const double delta = o_win - o_ref;
    res.frac_ref_high = o_ref;
    res.frac_win_high = o_win;
    res.frac_tail_high = o_tail;
    res.delta = delta;

    pdrift_level level = PDRIFT_LEVEL_NONE;
    if (worse && delta >= params->delta_drift && o_tail >= params->tail_drift)
        level = PDRIFT_LEVEL_DRIFT;
    else if (worse && delta >= params->delta_warning && o_tail >= params->tail_warning)
        level = PDRIFT_LEVEL_WARNING;
    if (level != PDRIFT_LEVEL_NONE && params->tsay_gate && !(res.tsay_pvalue < params->tsay_alpha))
        level = PDRIFT_LEVEL_NONE; /* the optional gate (SPEC §4.8); NaN p never passes */
    res.level = level;
    res.severity_weight = level == PDRIFT_LEVEL_NONE ? 0.0 : wt;
    *out = res;
    return PDRIFT_OK;
}

/* ---- the mean rule (default) ------------------------------------------------------ */

/* Solve the m x m system A b = y (A row-major) by Gaussian elimination with
 * partial pivoting, in place; 0 if singular. m <= PDRIFT__ADDM_MAX_LAGS + 1. */
static int solve_small(double *A, double *y, size_t m)
{
    for (size_t c = 0; c < m; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < m; r++)
            if (fabs(A[r * m + c]) > fabs(A[piv * m + c]))
                piv = r;
        if (!(fabs(A[piv * m + c]) > 1e-12 * (fabs(A[c * m + c]) + 1e-300)) || A[piv * m + c] == 0.0)
            return 0;
        if (piv != c) {
            for (size_t k = 0; k < m; k++) {
                double t = A[c * m + k];
                A[c * m + k] = A[piv * m + k];
                A[piv * m + k] = t;
            }
            double t = y[c];
            y[c] = y[piv];
            y[piv] = t;
        }
        for (size_t r = c + 1; r < m; r++) {
            double f = A[r * m + c] / A[c * m + c];
            for (size_t k = c; k < m; k++)
                A[r * m + k] -= f * A[c * m + k];
            y[r] -= f * y[c];
        }
    }
    for (size_t r = m; r-- > 0;) {
        double sum = y[r];
        for (size_t k = r + 1; k < m; k++)
            sum -= A[r * m + k] * y[k];
        y[r] = sum / A[r * m + r];
    }
    return 1;
}

/* Long-run variance of a series: sigma^2 / (1 - sum phi)^2 of an AR(p) with
 * intercept fitted by least squares, 1 - sum phi floored at 0.1 (a nearly
 * integrated fit would otherwise explode it); the plain variance when the
 * fit is singular or has no residual degree of freedom. */
static double long_run_variance(const double *e, size_t n, size_t p)
{
    const size_t m = p + 1;
    double mean = 0.0;
    for (size_t t = 0; t < n; t++)
        mean += e[t];
    mean /= (double)n;
    double plain = 0.0;
    for (size_t t = 0; t < n; t++)
        plain += (e[t] - mean) * (e[t] - mean);
    plain /= (double)n;
    if (n <= p + m)
        return plain;
    double A[(PDRIFT__ADDM_MAX_LAGS + 1) * (PDRIFT__ADDM_MAX_LAGS + 1)] = {0};
    double b[PDRIFT__ADDM_MAX_LAGS + 1] = {0}, x[PDRIFT__ADDM_MAX_LAGS + 1];
    for (size_t t = p; t < n; t++) {
        x[0] = 1.0;
        for (size_t i = 1; i <= p; i++)
            x[i] = e[t - i];
        for (size_t r = 0; r < m; r++) {
            b[r] += x[r] * e[t];
            for (size_t c = 0; c < m; c++)
                A[r * m + c] += x[r] * x[c];
        }
    }
    if (!solve_small(A, b, m))
        return plain;
    double ssr = 0.0, phi = 0.0;
    for (size_t i = 1; i <= p; i++)
        phi += b[i];
    for (size_t t = p; t < n; t++) {
        double f = b[0];
        for (size_t i = 1; i <= p; i++)
            f += b[i] * e[t - i];
        ssr += (e[t] - f) * (e[t] - f);
    }
    double sigma2 = ssr / (double)(n - p - m);
    double factor = 1.0 - phi;
    if (factor < 0.1)
        factor = 0.1;
    return sigma2 / (factor * factor);
}

/* z = (mean of the last w live errors - mean of the reference errors used) /
 * sqrt(V (1/w + 1/R')), R' = the last n_ref + k - 1 reference errors (the
 * span the smoothed reference covers), V their long-run variance. A constant
 * reference has V = 0: V is then floored at the variance of a Bernoulli at
 * the reference rate smoothed by one half error, so that one live error is
 * not an alarm by itself. Fills mean_z and long_run_variance. */
static int mean_z(const double *reference, size_t nref, const double *window, size_t nwin,
                  const pdrift__addm_params *params, pdrift__addm_result *res)
{
    const size_t w = params->w;
    size_t span = params->n_ref + params->k - 1;
    if (span > nref)
        span = nref;
    const double *ref = reference + (nref - span);
    /* Extreme magnitudes are brought near 1 by a power of two (exact), as
     * in the SETAR fit: the squares of the variance must not overflow. */
    double e_max = 0.0;
    for (size_t i = 0; i < span; i++)
        e_max = ref[i] > e_max ? ref[i] : e_max;
    for (size_t i = nwin - w; i < nwin; i++)
        e_max = window[i] > e_max ? window[i] : e_max;
    int ex = 0;
    if (e_max > 0x1p400 || (e_max > 0.0 && e_max < 0x1p-400))
        (void)frexp(e_max, &ex);
    double *scaled = malloc(span * sizeof *scaled);
    if (scaled == NULL)
        return PDRIFT_ENOMEM;
    double m_ref = 0.0, m_win = 0.0, capped = 0.0;
    for (size_t i = 0; i < span; i++) {
        scaled[i] = ldexp(ref[i], -ex);
        m_ref += scaled[i];
        capped += ref[i] < 1.0 ? ref[i] : 1.0;
    }
    m_ref /= (double)span;
    for (size_t i = nwin - w; i < nwin; i++)
        m_win += ldexp(window[i], -ex);
    m_win /= (double)w;
    double v = long_run_variance(scaled, span, params->p);
    free(scaled);
    if (!(v > 0.0) || !isfinite(v)) {
        double rate = (capped + 0.5) / ((double)span + 1.0);
        v = ldexp(rate * (1.0 - rate), -2 * ex);
    }
    res->mean_z = (m_win - m_ref) / sqrt(v * (1.0 / (double)w + 1.0 / (double)span));
    res->long_run_variance = ldexp(v, 2 * ex);
    return PDRIFT_OK;
}

int pdrift__addm(const double *reference, size_t nref, const double *window, size_t nwin,
                 const pdrift__addm_params *params, pdrift__addm_result *out)
{
    int rc = addm_setar(reference, nref, window, nwin, params, out);
    /* n_rows = 0: too few errors (SPEC §4.2), a level under either rule. */
    if (rc != PDRIFT_OK || out->n_rows == 0)
        return rc;
    /* The z is reported under either rule; it decides under the mean rule. */
    rc = mean_z(reference, nref, window, nwin, params, out);
    if (rc != PDRIFT_OK || params->rule != PDRIFT__ADDM_RULE_MEAN)
        return rc;
    pdrift_level level = PDRIFT_LEVEL_NONE;
    if (out->mean_z >= params->z_drift)
        level = PDRIFT_LEVEL_DRIFT;
    else if (out->mean_z >= params->z_warning)
        level = PDRIFT_LEVEL_WARNING;
    out->level = level;
    out->severity_weight = level == PDRIFT_LEVEL_NONE ? 0.0 : out->severity_raw;
    return PDRIFT_OK;
}

int pdrift_addm(const double *reference_errors, size_t nref, const double *window_errors,
                size_t nwin, pdrift_level *level, double *severity_weight)
{
    if (level == NULL)
        return PDRIFT_EINVAL;
    pdrift__addm_params params = pdrift__addm_default_params();
    pdrift__addm_result res;
    int rc = pdrift__addm(reference_errors, nref, window_errors, nwin, &params, &res);
    if (rc != PDRIFT_OK)
        return rc;
    *level = res.level;
    if (severity_weight != NULL)
        *severity_weight = res.severity_weight;
    return PDRIFT_OK;
}
