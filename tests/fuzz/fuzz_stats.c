/*
 * fuzz_stats.c — the stateless statistics on arbitrary doubles.
 *
 * Input: byte 0 picks the statistic, byte 1 where the numbers are split in
 * two samples, byte 2 a small parameter (bins, warm-up...); then numbers
 * (fuzz_weird_f64: raw doubles and the values that break arithmetic).
 *
 *   0 KS: pdrift_ks_2samp with every method; D in [0, 1], p in [0, 1] (NaN
 *     only for nx = ny = 1 under the asymptotic method); the same D and p
 *     with the samples swapped; the galloping statistic equal bit for bit to
 *     the merging one, and so is the fenced one; pdrift_kstwo_sf in [0, 1],
 *     also at n from 1,000 to 1,000,000
 *   1 PSI: pdrift_psi, and the internal cuts/counts/PSI with every binning
 *     and empty-bin mode: cuts strictly increasing, counts adding up, PSI >= 0,
 *     p in [0, 1]; pdrift_psi equal to the internal default path
 *   2 trading metrics: Sharpe, max drawdown in [-1, 0], win rate in [0, 1];
 *     PDRIFT_EDATA exactly for non-finite returns
 *   3 ADDM: pdrift_addm and pdrift__addm with fuzzed parameters: the level a
 *     pdrift_level, the weight in [0, 1]; PDRIFT_EDATA exactly for invalid
 *     errors
 *   4 Page-Hinkley and 5 DDM on a stream: levels in range, inputs refused
 *     exactly when invalid
 *   6 sorting, ranks, the multiple-testing corrections and the
 *     autocorrelation time: the radix sort equal to qsort, mid-ranks adding up,
 *     adjusted p-values in [p, 1], tau >= 1
 *
 * Every call returns a status its documentation lists.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "internal.h"


static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* ---- 0: Kolmogorov-Smirnov ---------------------------------------------------------- */

static void ks(const double *x, size_t nx, const double *y, size_t ny)
{
    static const pdrift_ks_method methods[3] = {PDRIFT_KS_AUTO, PDRIFT_KS_EXACT, PDRIFT_KS_ASYMP};
    int nan = fuzz_has_nan(x, nx) || fuzz_has_nan(y, ny);
    for (int k = 0; k < 3; k++) {
        double d = -1, p = -1, d2 = -1, p2 = -1;
        int rc = pdrift_ks_2samp(x, nx, y, ny, methods[k], &d, &p);
        int rc2 = pdrift_ks_2samp(y, ny, x, nx, methods[k], &d2, &p2);
        if (nx == 0 || ny == 0) {
            FUZZ_ASSERT(rc == PDRIFT_EINVAL && rc2 == PDRIFT_EINVAL);
            continue;
        }
        FUZZ_ASSERT(rc == (nan ? PDRIFT_EDATA : PDRIFT_OK) && rc2 == rc);
        if (rc != PDRIFT_OK)
            continue;
        FUZZ_ASSERT(d >= 0.0 && d <= 1.0);
        if (isnan(p))
            FUZZ_ASSERT(nx == 1 && ny == 1 && methods[k] == PDRIFT_KS_ASYMP);
        else
            FUZZ_ASSERT(p >= 0.0 && p <= 1.0);
        /* the test is symmetric in its two samples */
        if (!same_double(d, d2) || !same_double(p, p2))
            fprintf(stderr, "ks method %d, nx %zu, ny %zu: D %.17g / %.17g, p %.17g / %.17g\n",
                    (int)methods[k], nx, ny, d, d2, p, p2);
        FUZZ_ASSERT(same_double(d, d2));
        FUZZ_ASSERT(same_double(p, p2));
        double sf = pdrift_kstwo_sf(d, (double)(nx < ny ? nx : ny));
        FUZZ_ASSERT(sf >= 0.0 && sf <= 1.0);
    }
    if (nan || nx == 0 || ny == 0)
        return;
    double *xs = NULL, *ys = NULL;
    FUZZ_ASSERT(pdrift__sorted_copy(x, nx, &xs) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift__sorted_copy(y, ny, &ys) == PDRIFT_OK);
    double merged = pdrift__ks_statistic(xs, nx, ys, ny);
    double galloped = pdrift__ks_statistic_small(xs, nx, ys, ny);
    if (!same_double(merged, galloped))
        fprintf(stderr, "ks statistic: merge %.17g, gallop %.17g\n", merged, galloped);
    FUZZ_ASSERT(same_double(merged, galloped));
    /* through fences of x: one value a block, the library's step, a few */
    size_t steps[3] = {1, pdrift__ks_fence_step(nx), 1 + nx / 3};
    double *fence = malloc(nx * sizeof *fence);
    FUZZ_ASSERT(fence != NULL);
    for (size_t k = 0; k < 3; k++) {
        size_t n_fences = (nx + steps[k] - 1) / steps[k];
        for (size_t i = 0; i < n_fences; i++)
            fence[i] = xs[i * steps[k]];
        double fenced = pdrift__ks_statistic_fenced(xs, nx, fence, steps[k], n_fences, ys, ny, NULL, NULL);
        if (!same_double(merged, fenced))
            fprintf(stderr, "ks statistic: merge %.17g, fenced (step %zu) %.17g\n", merged, steps[k], fenced);
        FUZZ_ASSERT(same_double(merged, fenced));
    }
    free(fence);
    /* kstwo.sf at a large n (from the sizes: 1,000 to 1,000,000), where
     * Smirnov's sum is taken by quadrature */
    double n_big = 1000.0 + (double)((nx * 7919u + ny * 104729u) % 999001u);
    double sf = pdrift_kstwo_sf(merged, n_big);
    FUZZ_ASSERT(sf >= 0.0 && sf <= 1.0);
    free(xs);
    free(ys);
}

/* ---- 1: PSI --------------------------------------------------------------------------- */

static void psi_modes(const double *b, size_t nb, const double *c, size_t nc, unsigned bins)
{
    double psi = -1, p = -1;
    int rc = pdrift_psi(b, nb, c, nc, bins, &psi, &p);
    if (nb == 0 || nc == 0 || bins < 2 || bins > PDRIFT__PSI_MAX_BINS) {
        FUZZ_ASSERT(rc == PDRIFT_EINVAL);
        return;
    }
    int nan = fuzz_has_nan(b, nb) || fuzz_has_nan(c, nc);
    FUZZ_ASSERT(rc == (nan || nb < bins || nc < bins ? PDRIFT_EDATA : PDRIFT_OK));
    if (nan)
        return;
    if (rc == PDRIFT_OK) {
        FUZZ_ASSERT(psi >= 0.0 && !isnan(psi));
        FUZZ_ASSERT(fuzz_nan_or_within(p, 0.0, 1.0));
    }

    double *sorted = NULL;
    FUZZ_ASSERT(pdrift__sorted_copy(b, nb, &sorted) == PDRIFT_OK);
    double *cuts = malloc(bins * sizeof *cuts);
    size_t *cb = malloc((bins + 1) * sizeof *cb), *cc = malloc((bins + 1) * sizeof *cc);
    FUZZ_ASSERT(cuts && cb && cc);
    for (int binning = 0; binning <= 1; binning++) {
        size_t k = pdrift__psi_cuts(sorted, nb, bins, binning, cuts);
        FUZZ_ASSERT(k >= 1 && k <= bins - 1);
        for (size_t i = 0; i < k; i++) {
            FUZZ_ASSERT(!isnan(cuts[i]));
            FUZZ_ASSERT(i == 0 || cuts[i] > cuts[i - 1]);
        }
        pdrift__psi_count(b, nb, cuts, k, cb);
        pdrift__psi_count(c, nc, cuts, k, cc);
        size_t tb = 0, tc = 0;
        for (size_t i = 0; i <= k; i++) {
            tb += cb[i];
            tc += cc[i];
        }
        FUZZ_ASSERT(tb == nb && tc == nc);
        for (int empty = 0; empty <= 1; empty++) {
            static const double epsilons[3] = {1e-4, 1e-12, 0.5};
            for (int e = 0; e < 3; e++) {
                pdrift__psi_options o = pdrift__psi_default_options();
                o.bins = bins;
                o.binning = binning;
                o.empty_bins = empty;
                o.epsilon = epsilons[e];
                pdrift__psi_result r;
                FUZZ_ASSERT(pdrift__psi_from_counts(cb, cc, k + 1, &o, &r) == PDRIFT_OK);
                FUZZ_ASSERT(r.psi >= 0.0 && !isnan(r.psi));
                FUZZ_ASSERT(fuzz_nan_or_within(r.pvalue, 0.0, 1.0));
                FUZZ_ASSERT(r.n_bins == k + 1 && r.n_bins_effective >= 1 &&
                            r.n_bins_effective <= k + 1);
                /* the public function is this path with the defaults */
                if (rc == PDRIFT_OK && binning == 0 && empty == 0 && e == 0) {
                    FUZZ_ASSERT(same_double(psi, r.psi));
                    FUZZ_ASSERT(same_double(p, r.pvalue));
                }
                double crit = pdrift__psi_critical(0.05, r.n_bins_effective - 1, nb, nc);
                FUZZ_ASSERT(isnan(crit) || crit >= 0.0);
            }
        }
    }
    free(sorted);
    free(cuts);
    free(cb);
    free(cc);
}

/* ---- 2: trading metrics -------------------------------------------------------------- */

static void metrics(const double *r, size_t n, double periods)
{
    int finite = fuzz_all_finite(r, n);
    double sharpe = -7, mdd = -7, win = -7;
    int rs = pdrift_sharpe(r, n, periods, &sharpe);
    int rm = pdrift_max_drawdown(r, n, &mdd);
    int rw = pdrift_win_rate(r, n, &win);
    if (n == 0) {
        FUZZ_ASSERT(rs == PDRIFT_EINVAL && rm == PDRIFT_EINVAL && rw == PDRIFT_EINVAL);
        return;
    }
    int periods_ok = isfinite(periods) && periods > 0;
    FUZZ_ASSERT(rs == (!periods_ok ? PDRIFT_EINVAL : finite ? PDRIFT_OK : PDRIFT_EDATA));
    FUZZ_ASSERT(rm == (finite ? PDRIFT_OK : PDRIFT_EDATA));
    FUZZ_ASSERT(rw == (finite ? PDRIFT_OK : PDRIFT_EDATA));
    if (!finite)
        return;
    FUZZ_ASSERT(mdd >= -1.0 && mdd <= 0.0);
    size_t wins = 0, decided = 0;
    for (size_t i = 0; i < n; i++) {
        wins += r[i] > 0;
        decided += r[i] != 0;
    }
    FUZZ_ASSERT(decided == 0 ? isnan(win) : win >= 0.0 && win <= 1.0);
    FUZZ_ASSERT(decided == 0 || win == (double)wins / (double)decided);
    if (rs == PDRIFT_OK && n < 2)
        FUZZ_ASSERT(isnan(sharpe));
    if (rs == PDRIFT_OK) /* the public ratio is the internal one at a zero rate */
        FUZZ_ASSERT(same_double(sharpe, pdrift__sharpe(r, n, periods, 0.0)));
    /* sd >= sqrt(the smallest subnormal) once it is > 0: the ratio cannot overflow */
    double s = pdrift__sharpe(r, n, periods_ok ? periods : 252.0, 0.05);
    FUZZ_ASSERT(!isinf(s));
}

/* ---- 3: ADDM ---------------------------------------------------------------------------- */

static int valid_errors(const double *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(e[i]) && e[i] >= 0.0))
            return 0;
    return 1;
}

static void addm(const double *ref, size_t nref, const double *win, size_t nwin, uint8_t knob)
{
    pdrift_level level = (pdrift_level)-1;
    double weight = -1;
    int rc = pdrift_addm(ref, nref, win, nwin, &level, &weight);
    if (nref == 0 || nwin == 0) {
        FUZZ_ASSERT(rc == PDRIFT_EINVAL);
        return;
    }
    int valid = valid_errors(ref, nref) && valid_errors(win, nwin);
    FUZZ_ASSERT(rc == (valid ? PDRIFT_OK : PDRIFT_EDATA));
    if (!valid)
        return;
    FUZZ_ASSERT(level <= PDRIFT_LEVEL_INSUFFICIENT);
    FUZZ_ASSERT(weight >= 0.0 && weight <= 1.0);
    FUZZ_ASSERT(level == PDRIFT_LEVEL_WARNING || level == PDRIFT_LEVEL_DRIFT || weight == 0.0);

    /* small windows and lags, so that short inputs reach the SETAR fit */
    pdrift__addm_params p = pdrift__addm_default_params();
    p.k = (size_t)(knob & 3u) + 1;
    p.w = (size_t)((knob >> 2) & 7u) * 3 + 4;
    p.n_ref = p.w * 2;
    p.p = (size_t)((knob >> 5) & 3u) + 1;
    p.d = p.p;
    p.trim = 0.1;
    p.rule = (knob >> 7) ? PDRIFT__ADDM_RULE_OCCUPANCY : PDRIFT__ADDM_RULE_MEAN;
    p.tsay_gate = knob & 1;
    pdrift__addm_result r;
    FUZZ_ASSERT(pdrift__addm(ref, nref, win, nwin, &p, &r) == PDRIFT_OK);
    FUZZ_ASSERT(r.level <= PDRIFT_LEVEL_INSUFFICIENT);
    if (!(r.severity_weight >= 0.0 && r.severity_weight <= 1.0))
        fprintf(stderr, "addm: level %d, weight %.17g, raw %.17g, q3 %.17g / %.17g\n", (int)r.level,
                r.severity_weight, r.severity_raw, r.q3_ref, r.q3_win);
    FUZZ_ASSERT(r.severity_weight >= 0.0 && r.severity_weight <= 1.0);
    FUZZ_ASSERT(fuzz_nan_or_within(r.severity_raw, 0.0, 1.0));
    FUZZ_ASSERT(fuzz_nan_or_within(r.frac_ref_high, 0.0, 1.0));
    FUZZ_ASSERT(fuzz_nan_or_within(r.frac_win_high, 0.0, 1.0));
    FUZZ_ASSERT(fuzz_nan_or_within(r.tsay_pvalue, 0.0, 1.0));
    /* the two regimes share the SETAR rows: all rows but the first max(p, d) */
    FUZZ_ASSERT(!r.fitted || r.n_low + r.n_high == r.n_rows - (p.p > p.d ? p.p : p.d));
    FUZZ_ASSERT(!r.fitted || (r.n_low >= r.nmin && r.n_high >= r.nmin));
}

/* ---- 4 and 5: streaming detectors ------------------------------------------------------- */

static void page_hinkley(const double *x, size_t n, double delta, double lambda)
{
    pdrift_page_hinkley *d = NULL;
    int rc = pdrift_page_hinkley_new(&d, delta, lambda);
    int params_ok = isfinite(delta) && delta > 0 && isfinite(lambda) && lambda > 0;
    FUZZ_ASSERT(rc == (params_ok ? PDRIFT_OK : PDRIFT_EINVAL));
    if (rc != PDRIFT_OK) {
        FUZZ_ASSERT(d == NULL);
        /* fall back to parameters that must be accepted */
        FUZZ_ASSERT(pdrift_page_hinkley_new(&d, 0.005, 50.0) == PDRIFT_OK);
    }
    for (size_t i = 0; i < n; i++) {
        pdrift_level level = (pdrift_level)-1;
        rc = pdrift_page_hinkley_update(d, x[i], &level);
        FUZZ_ASSERT(rc == (isfinite(x[i]) ? PDRIFT_OK : PDRIFT_EDATA));
        if (rc == PDRIFT_OK)
            FUZZ_ASSERT(level == PDRIFT_LEVEL_NONE || level == PDRIFT_LEVEL_WARNING ||
                        level == PDRIFT_LEVEL_DRIFT);
        if (i == n / 2)
            pdrift_page_hinkley_reset(d);
    }
    pdrift_page_hinkley_free(d);
}

static void ddm(const double *x, size_t n, size_t warmup, double warning, double drift)
{
    pdrift_ddm *d = NULL;
    int rc = pdrift_ddm_new(&d, warmup, warning, drift);
    /* a warm-up of at least one prediction, finite levels, drift above warning */
    int params_ok = warmup >= 1 && isfinite(warning) && warning > 0 && isfinite(drift) &&
                    drift > warning;
    FUZZ_ASSERT(rc == (params_ok ? PDRIFT_OK : PDRIFT_EINVAL));
    if (rc != PDRIFT_OK) {
        FUZZ_ASSERT(d == NULL);
        FUZZ_ASSERT(pdrift_ddm_new(&d, warmup ? warmup : 30, 2.0, 3.0) == PDRIFT_OK);
    }
    for (size_t i = 0; i < n; i++) {
        pdrift_level level = (pdrift_level)-1;
        rc = pdrift_ddm_update(d, x[i], &level);
        FUZZ_ASSERT(rc == (x[i] == 0.0 || x[i] == 1.0 ? PDRIFT_OK : PDRIFT_EINVAL));
        rc = pdrift_ddm_update(d, x[i] > 0 ? 1.0 : 0.0, &level);
        FUZZ_ASSERT(rc == PDRIFT_OK && level <= PDRIFT_LEVEL_INSUFFICIENT);
        if (i == n / 2)
            pdrift_ddm_reset(d);
    }
    pdrift_ddm_free(d);
}

/* ---- 6: sorting, ranks, corrections, autocorrelation -------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void order(const double *x, size_t n, uint8_t knob)
{
    if (n == 0 || fuzz_has_nan(x, n))
        return;
    double *sorted = malloc(n * sizeof *sorted), *ranks = malloc(n * sizeof *ranks);
    double *want = malloc(n * sizeof *want);
    FUZZ_ASSERT(sorted && ranks && want);
    FUZZ_ASSERT(pdrift__sort_ranked(x, n, sorted, ranks) == PDRIFT_OK);
    memcpy(want, x, n * sizeof *want);
    qsort(want, n, sizeof *want, cmp_double);
    double rank_sum = 0;
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(sorted[i] == want[i]); /* -0 and +0 in either order */
        FUZZ_ASSERT(ranks[i] >= 0.0 && ranks[i] <= (double)(n - 1));
        rank_sum += ranks[i];
    }
    FUZZ_ASSERT(rank_sum == (double)n * (double)(n - 1) / 2.0); /* halves: exact */
    memcpy(sorted, x, n * sizeof *sorted);
    pdrift__sort(sorted, n);
    for (size_t i = 0; i < n; i++)
        FUZZ_ASSERT(sorted[i] == want[i]);

    /* the numbers as p-values: magnitudes folded into [0, 1], a few NaN */
    for (size_t i = 0; i < n; i++) {
        double a = fabs(x[i]);
        sorted[i] = i % 7 == 6 ? NAN : isfinite(a) ? (a <= 1.0 ? a : 1.0 / a) : 1.0;
    }
    for (int method = 0; method < 4; method++) {
        FUZZ_ASSERT(pdrift__adjust_pvalues(sorted, n, (pdrift_correction)method, ranks) == PDRIFT_OK);
        for (size_t i = 0; i < n; i++) {
            FUZZ_ASSERT(isnan(sorted[i]) == isnan(ranks[i]));
            if (!isnan(sorted[i]) && !(ranks[i] >= sorted[i] && ranks[i] <= 1.0))
                fprintf(stderr, "correction %d: %.17g for p %.17g\n", method, ranks[i], sorted[i]);
            FUZZ_ASSERT(isnan(sorted[i]) || (ranks[i] >= sorted[i] && ranks[i] <= 1.0));
        }
    }
    FUZZ_ASSERT(pdrift__adjust_pvalues(sorted, n, (pdrift_correction)(4 + knob), ranks) == PDRIFT_EINVAL);

    double tau = pdrift__autocorrelation_time(x, n);
    FUZZ_ASSERT(tau >= 1.0 && isfinite(tau));
    free(sorted);
    free(ranks);
    free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = {data, size};
    uint8_t which = fuzz_u8(&in);
    uint8_t split = fuzz_u8(&in);
    uint8_t knob = fuzz_u8(&in);
    double param1 = which >= 64 ? fuzz_weird_f64(&in) : 0.005;
    double param2 = which >= 128 ? fuzz_weird_f64(&in) : 50.0;
    double *x = malloc((in.n + 1) * sizeof *x);
    FUZZ_ASSERT(x != NULL);
    size_t n = 0;
    while (in.n > 0)
        x[n++] = fuzz_weird_f64(&in);
    size_t nx = n == 0 ? 0 : (size_t)split * n / 255;
    const double *y = x + nx;
    size_t ny = n - nx;

    switch (which % 7) {
    case 0:
        ks(x, nx, y, ny);
        break;
    case 1:
        psi_modes(x, nx, y, ny, (unsigned)knob % 24 + 1);
        break;
    case 2:
        metrics(x, n, which >= 64 ? param1 : 252.0);
        break;
    case 3:
        addm(x, nx, y, ny, knob);
        break;
    case 4:
        page_hinkley(x, n, param1, param2);
        break;
    case 5:
        ddm(x, n, knob, which >= 64 ? param1 : 2.0, which >= 128 ? param2 : 3.0);
        break;
    default:
        order(x, n, knob);
        break;
    }
    free(x);
    return 0;
}
