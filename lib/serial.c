/*
 * serial.c — how much serial dependence a feature carries: its integrated
 * autocorrelation time tau = 1 + 2 sum_k rho_k.
 *
 * PSI's chi-square law and the KS distribution assume independent values.
 * Features computed over rolling windows (a 20-bar volatility, an RSI, a
 * MACD) are strongly dependent from one bar to the next: 250 daily bars of a
 * 20-day volatility hold only a dozen independent values. Tested as if they
 * were independent, two calm periods look "significantly" different most of
 * the time. With tau, a sample of n dependent values counts as n / tau
 * independent ones (the variance of an empirical distribution function grows
 * by about tau), which is how the monitor corrects both tests.
 *
 * The estimate is taken on ranks (so it is unchanged by any increasing
 * transform, like the tests themselves, and indifferent to heavy tails and
 * infinities), with Sokal's (1989) automatic window: the smallest K with
 * K >= 5 tau(K). Pure function; no state.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { WINDOW_FACTOR = 5, MAX_LAG = 2000, MIN_VALUES = 20 };

/* Mid-rank of each value of x (time order) among the sorted values. */
static void ranks_of(const double *x, size_t n, const double *sorted, double *ranks)
{
    for (size_t t = 0; t < n; t++) {
        /* first index >= x[t] and first index > x[t]: ties share the mid-rank */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sorted[mid] < x[t])
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t first = lo;
        hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sorted[mid] <= x[t])
                lo = mid + 1;
            else
                hi = mid;
        }
        ranks[t] = 0.5 * (double)(first + lo - 1);
    }
}

double pdrift__autocorrelation_time(const double *x, size_t n)
{
    size_t m = 0; /* the non-missing values, in time order */
    for (size_t t = 0; t < n; t++)
        if (!isnan(x[t]))
            m++;
    if (m < MIN_VALUES || m > SIZE_MAX / (3 * sizeof(double)))
        return 1.0;
    double *block = malloc(3 * m * sizeof *block);
    if (block == NULL)
        return 1.0; /* no memory: no correction, as with independent values */
    double *series = block, *sorted = block + m, *ranks = block + 2 * m;
    size_t k = 0;
    for (size_t t = 0; t < n; t++)
        if (!isnan(x[t]))
            series[k++] = x[t];
    memcpy(sorted, series, m * sizeof *sorted);
    pdrift__sort(sorted, m);
    ranks_of(series, m, sorted, ranks);

    double mean = 0.0;
    for (size_t t = 0; t < m; t++)
        mean += ranks[t];
    mean /= (double)m;
    double c0 = 0.0;
    for (size_t t = 0; t < m; t++) {
        ranks[t] -= mean;
        c0 += ranks[t] * ranks[t];
    }
    double tau = 1.0;
    if (c0 > 0.0) {
        size_t max_lag = m / 4 < MAX_LAG ? m / 4 : MAX_LAG;
        for (size_t lag = 1; lag <= max_lag; lag++) {
            double c = 0.0;
            for (size_t t = 0; t + lag < m; t++)
                c += ranks[t] * ranks[t + lag];
            tau += 2.0 * c / c0;
            if ((double)lag >= WINDOW_FACTOR * tau)
                break;
        }
    }
    free(block);
    return tau > 1.0 ? tau : 1.0; /* negative dependence: no credit taken */
}
