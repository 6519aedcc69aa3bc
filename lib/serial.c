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

enum { LAG_BLOCK = 8 };

/* c[j] = sum_t r_t r_{t+lag+j} for j < LAG_BLOCK (lags past m - 1 give 0).
 * Each sum runs over t in increasing order, exactly as one lag at a time
 * would, so the result does not depend on the blocking; the block only lets
 * one pass over r serve eight lags. With GCC the eight sums are two vectors
 * of four lanes, each lane one lag's sum in the same order (no fused
 * multiply-add: -ffp-contract=off), and the function is also built for
 * AVX2, chosen at load time where the processor has it. */
/* Not under ThreadSanitizer: its runtime is not set up yet when the loader
 * runs target_clones' resolver (the program dies before main). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__)
typedef double lane4 __attribute__((vector_size(4 * sizeof(double))));
__attribute__((target_clones("avx2", "default")))
static void lag_block(const double *r, size_t m, size_t lag, double *c)
{
    lane4 low = {0.0, 0.0, 0.0, 0.0}, high = {0.0, 0.0, 0.0, 0.0};
    size_t common = m > lag + LAG_BLOCK - 1 ? m - (lag + LAG_BLOCK - 1) : 0;
    for (size_t t = 0; t < common; t++) {
        const lane4 rt = {r[t], r[t], r[t], r[t]};
        lane4 a, b;
        memcpy(&a, r + t + lag, sizeof a);
        memcpy(&b, r + t + lag + 4, sizeof b);
        low += rt * a;
        high += rt * b;
    }
    double acc[LAG_BLOCK];
    memcpy(acc, &low, sizeof low);
    memcpy(acc + 4, &high, sizeof high);
#else
static void lag_block(const double *r, size_t m, size_t lag, double *c)
{
    double acc[LAG_BLOCK] = {0};
    size_t common = m > lag + LAG_BLOCK - 1 ? m - (lag + LAG_BLOCK - 1) : 0;
    for (size_t t = 0; t < common; t++) {
        const double rt = r[t], *ahead = r + t + lag;
        for (int j = 0; j < LAG_BLOCK; j++)
            acc[j] += rt * ahead[j];
    }
#endif
    for (int j = 0; j < LAG_BLOCK; j++) {
        size_t k = lag + (size_t)j;
        for (size_t t = common; t + k < m; t++)
            acc[j] += r[t] * r[t + k];
        c[j] = acc[j];
    }
}

double pdrift__autocorrelation_time_of_ranks(double *ranks, size_t m)
{
    if (m < MIN_VALUES)
        return 1.0;
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
        double c[LAG_BLOCK];
        int done = 0;
        for (size_t base = 1; base <= max_lag && !done; base += LAG_BLOCK) {
            lag_block(ranks, m, base, c);
            for (size_t j = 0; j < LAG_BLOCK && base + j <= max_lag; j++) {
                tau += 2.0 * c[j] / c0;
                if ((double)(base + j) >= WINDOW_FACTOR * tau) {
                    done = 1;
                    break;
                }
            }
        }
    }
    return tau > 1.0 ? tau : 1.0; /* negative dependence: no credit taken */
}

double pdrift__autocorrelation_time(const double *x, size_t n)
{
    size_t m = 0; /* the non-missing values, in time order */
    for (size_t t = 0; t < n; t++)
        if (!isnan(x[t]))
            m++;
    if (m < MIN_VALUES || m > SIZE_MAX / (2 * sizeof(double)))
        return 1.0;
    double *block = malloc(2 * m * sizeof *block);
    if (block == NULL)
        return 1.0; /* no memory: no correction, as with independent values */
    double *series = block, *ranks = block + m;
    size_t k = 0;
    for (size_t t = 0; t < n; t++)
        if (!isnan(x[t]))
            series[k++] = x[t];
    double tau = pdrift__sort_ranked(series, m, NULL, ranks) == PDRIFT_OK
                     ? pdrift__autocorrelation_time_of_ranks(ranks, m)
                     : 1.0;
    free(block);
    return tau;
}
