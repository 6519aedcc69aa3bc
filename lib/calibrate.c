/*
 * calibrate.c — how far a window of the baseline normally lies from the rest
 * of it: the null distribution of the KS and PSI distances for a window of m
 * consecutive values, taken from the baseline itself.
 *
 * The textbook p-values assume independent values. Market features are not
 * independent: a 20-bar volatility or a MACD moves slowly, and volatility
 * comes in regimes, so two calm quarters of the same market differ by far
 * more than independent samples would. Instead of modelling that dependence,
 * the monitor asks the question directly: has a window this different from
 * the rest occurred during the baseline period? Each of up to `max_windows`
 * evenly spaced windows of m consecutive baseline values is compared with
 * the baseline without it (leave-window-out); the current window's distance
 * is then ranked among them (detect.c). The windows keep the baseline's
 * serial dependence, heavy tails and regime changes, which is the point.
 *
 * Pure function on arrays; the caller owns every buffer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* KS distance between a window W (sorted, m values) and the rest of the
 * baseline B \ W, given B sorted (n values, W's values among them). */
static double ks_window_vs_rest(const double *b, size_t n, const double *w, size_t m)
{
    size_t i = 0, j = 0;
    double dmax = 0.0;
    const double rest = (double)(n - m);
    while (i < n) {
        double v = b[i];
        while (i < n && b[i] <= v)
            i++;
        while (j < m && w[j] <= v)
            j++;
        double diff = fabs((double)j / (double)m - (double)(i - j) / rest);
        if (diff > dmax)
            dmax = diff;
    }
    return dmax;
}

int pdrift__window_null(const double *series, const double *sorted, size_t n, size_t m,
                        const double *cuts, size_t n_cuts, const size_t *counts,
                        const pdrift__psi_options *opts, size_t max_windows, double *ks_null,
                        double *psi_null, size_t *n_windows)
{
    *n_windows = 0;
    if (m == 0 || n < 2 * m || max_windows == 0)
        return PDRIFT_EINVAL;
    size_t k_windows = n - m + 1 < max_windows ? n - m + 1 : max_windows;
    size_t n_bins = n_cuts + 1;
    double *window = malloc(m * sizeof *window);
    size_t *window_counts = malloc(2 * n_bins * sizeof *window_counts);
    if (window == NULL || window_counts == NULL) {
        free(window);
        free(window_counts);
        return PDRIFT_ENOMEM;
    }
    size_t *rest_counts = window_counts + n_bins;
    int rc = PDRIFT_OK;
    for (size_t k = 0; k < k_windows; k++) {
        /* evenly spaced starts, first and last window included */
        size_t start = k_windows == 1 ? 0 : (size_t)((double)k * (double)(n - m) / (double)(k_windows - 1));
        memcpy(window, series + start, m * sizeof *window);
        pdrift__sort(window, m);
        ks_null[k] = ks_window_vs_rest(sorted, n, window, m);

        pdrift__psi_count(window, m, cuts, n_cuts, window_counts);
        for (size_t i = 0; i < n_bins; i++)
            rest_counts[i] = counts[i] - window_counts[i];
        pdrift__psi_result r;
        rc = pdrift__psi_from_counts(rest_counts, window_counts, n_bins, opts, &r);
        if (rc != PDRIFT_OK)
            break;
        psi_null[k] = r.psi;
    }
    free(window);
    free(window_counts);
    if (rc == PDRIFT_OK)
        *n_windows = k_windows;
    return rc;
}

double pdrift__null_pvalue(const double *null, size_t k, double observed)
{
    size_t at_least = 0;
    for (size_t i = 0; i < k; i++)
        if (null[i] >= observed)
            at_least++;
    return (double)(1 + at_least) / (double)(k + 1);
}

double pdrift__null_quantile(const double *null, size_t k, double level)
{
    if (k == 0)
        return NAN;
    double *copy = malloc(k * sizeof *copy);
    if (copy == NULL)
        return NAN;
    memcpy(copy, null, k * sizeof *copy);
    pdrift__sort(copy, k);
    /* type-7 quantile, as the PSI cut points */
    double h = (double)(k - 1) * level;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < k ? lo + 1 : k - 1;
    double q = copy[lo] + (h - (double)lo) * (copy[hi] - copy[lo]);
    free(copy);
    return q;
}
