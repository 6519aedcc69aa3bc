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
 * baseline B \ W, given B sorted (n values, W's values among them).
 *
 * The distance |F_W - F_rest| is a step function that moves only at B's
 * values; between two consecutive values of W, F_W is constant and F_rest
 * monotone, so the supremum is reached at a value of W or just before one.
 * Those 2m points are found by galloping through B: O(m log(n/m)), not
 * O(n), so a null window costs what the window costs. At each point the
 * distance is computed from the same counts (i of B, j of W, up to and
 * including the point) and the same expression as a full merge would. */
static double ks_window_vs_rest(const double *b, size_t n, const double *w, size_t m)
{
    const double rest = (double)(n - m);
    double dmax = 0.0;
    size_t pos = 0;
    for (size_t j0 = 0; j0 < m;) {
        double v = w[j0];
        size_t j1 = j0;
        while (j1 < m && w[j1] == v)
            j1++;
        /* just before v: B's values < v, W's first j0 */
        size_t below = pdrift__gallop(b, n, pos, v, 0);
        double diff = fabs((double)j0 / (double)m - (double)(below - j0) / rest);
        if (diff > dmax)
            dmax = diff;
        /* at v: B's values <= v, W's first j1 */
        pos = pdrift__gallop(b, n, below, v, 1);
        diff = fabs((double)j1 / (double)m - (double)(pos - j1) / rest);
        if (diff > dmax)
            dmax = diff;
        j0 = j1;
    }
    return dmax;
}

/* Slide the sorted window by d values: remove the sorted `out` (d values
 * that are in it) and merge in the sorted `in`, into next. 0 if an outgoing
 * value is not found (cannot happen; the caller then sorts afresh). Equal
 * values are interchangeable (-0.0 and +0.0 too: every use compares). */
static int slide(const double *window, size_t m, const double *out, const double *in, size_t d, double *next)
{
    size_t i = 0, o = 0, a = 0, k = 0;
    while (i < m) {
        if (o < d && out[o] == window[i]) { /* leaves the window */
            o++;
            i++;
            continue;
        }
        while (a < d && in[a] < window[i])
            next[k++] = in[a++];
        next[k++] = window[i++];
    }
    while (a < d)
        next[k++] = in[a++];
    return o == d && k == m;
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
    /* the window and the next one (sorted), and the values leaving and
     * entering between two windows */
    double *buf = malloc(4 * m * sizeof *buf);
    size_t *window_counts = malloc(2 * n_bins * sizeof *window_counts);
    if (buf == NULL || window_counts == NULL) {
        free(buf);
        free(window_counts);
        return PDRIFT_ENOMEM;
    }
    double *window = buf, *next = buf + m, *out = buf + 2 * m, *in = buf + 3 * m;
    size_t *rest_counts = window_counts + n_bins;
    int rc = PDRIFT_OK;
    size_t prev = 0;
    for (size_t k = 0; k < k_windows; k++) {
        /* evenly spaced starts, first and last window included */
        size_t start = k_windows == 1 ? 0 : (size_t)((double)k * (double)(n - m) / (double)(k_windows - 1));
        /* Consecutive windows overlap when the baseline holds few of them:
         * sliding the sorted window costs O(m + d log d) for a step of d,
         * a fresh sort O(m) passes over scattered memory. Either way the
         * window is the same sorted multiset. */
        size_t d = start - prev;
        int slid = 0;
        if (k > 0 && d > 0 && d <= m / 4) {
            memcpy(out, series + prev, d * sizeof *out);
            memcpy(in, series + prev + m, d * sizeof *in);
            pdrift__sort(out, d);
            pdrift__sort(in, d);
            if ((slid = slide(window, m, out, in, d, next)) != 0) {
                double *t = window;
                window = next;
                next = t;
            }
        }
        if (!slid && (k == 0 || d > 0)) {
            memcpy(window, series + start, m * sizeof *window);
            pdrift__sort(window, m);
        }
        prev = start;
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
    free(buf);
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
