/*
 * metrics.c — trading metrics of a returns series (SPEC.md §5): Sharpe
 * ratio, maximum drawdown, win rate.
 *
 * Returns are simple per-period returns. The conventions are empyrical's
 * (Sharpe, drawdown sign) and quantstats' (win rate without zero returns).
 */
#include <math.h>
#include <stddef.h>

#include "internal.h"

/* ---- numpy-compatible summation ------------------------------------------- */

/*
 * empyrical computes the Sharpe ratio with numpy's mean and std, and the
 * golden values come from there. numpy sums float64 arrays pairwise: blocks
 * of at most 128 values are summed with 8 interleaved accumulators, larger
 * ranges are split in two at a multiple of 8, and the reduction walks the
 * array in 8192-value buffers added left to right from 0.0. Reproducing that
 * order makes every Sharpe ratio of metrics_cases.json bit-identical (a plain
 * left-to-right loop is off by up to 3.4e-15 relative), and pairwise
 * summation keeps the rounding error O(log n) on long series.
 */
enum { SUM_UNROLL = 8, SUM_BLOCK = 128, SUM_BUFFER = 8192 };

/* What one pass of the Sharpe ratio sums, element by element: the excess
 * return x = r - rf_p (first pass), or (x - mean)^2 (second pass). Computed
 * on the fly, so the Sharpe ratio needs no scratch memory and cannot fail. */
typedef struct sum_term {
    double rf_period;
    double mean;
    int squared_deviation;
} sum_term;

static double term_value(const sum_term *t, double r)
{
    double x = r - t->rf_period;
    if (!t->squared_deviation)
        return x;
    double d = x - t->mean;
    return d * d;
}

static double pairwise_sum(const double *r, size_t n, const sum_term *t)
{
    if (n < SUM_UNROLL) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += term_value(t, r[i]);
        return s;
    }
    if (n <= SUM_BLOCK) {
        double acc[SUM_UNROLL];
        for (size_t j = 0; j < SUM_UNROLL; j++)
            acc[j] = term_value(t, r[j]);
        size_t i;
        for (i = SUM_UNROLL; i < n - n % SUM_UNROLL; i += SUM_UNROLL)
            for (size_t j = 0; j < SUM_UNROLL; j++)
                acc[j] += term_value(t, r[i + j]);
        double s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
        for (; i < n; i++)
            s += term_value(t, r[i]);
        return s;
    }
    size_t half = n / 2;
    half -= half % SUM_UNROLL;
    return pairwise_sum(r, half, t) + pairwise_sum(r + half, n - half, t);
}

static double numpy_sum(const double *r, size_t n, const sum_term *t)
{
    double s = 0.0;
    for (size_t start = 0; start < n; start += SUM_BUFFER) {
        size_t len = (n - start < SUM_BUFFER) ? n - start : SUM_BUFFER;
        s += pairwise_sum(r + start, len, t);
    }
    return s;
}

/* ---- Sharpe ratio -------------------------------------------------------------- */

/* A constant series has sd = 0 in exact arithmetic, but its computed sd can
 * be a rounding residue (ten returns of 0.1 do not average to exactly 0.1),
 * which would turn "undefined" into a ratio of 1e15. Detect it exactly. */
static int all_equal(const double *values, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (values[i] != values[0])
            return 0;
    return 1;
}

double pdrift__sharpe(const double *returns, size_t n, double periods_per_year, double rf)
{
    if (n < 2 || all_equal(returns, n))
        return NAN;
    /* rf is annual; compounding it down keeps (1 + rf_p)^P = 1 + rf. */
    sum_term term = {pow(1.0 + rf, 1.0 / periods_per_year) - 1.0, 0.0, 0};
    double mean = numpy_sum(returns, n, &term) / (double)n;
    term.mean = mean;
    term.squared_deviation = 1;
    double sd = sqrt(numpy_sum(returns, n, &term) / (double)(n - 1));
    if (!(sd > 0.0)) /* 0, or NaN after an overflow */
        return NAN;
    return mean / sd * sqrt(periods_per_year);
}

/* ---- maximum drawdown ------------------------------------------------------------ */

double pdrift__max_drawdown(const double *returns, size_t n)
{
    /* The curve starts at E_0 = 1 and the peak includes it, so a loss on
     * the first period is a drawdown too. */
    double equity = 1.0, peak = 1.0, worst = 0.0;
    for (size_t t = 0; t < n; t++) {
        equity = equity * (1.0 + returns[t]);
        if (!(equity > 0.0))
            return -1.0; /* ruin: a return of -100% or worse; nothing recovers from it */
        if (equity > peak)
            peak = equity;
        double drawdown = (equity - peak) / peak;
        if (drawdown < worst) /* also skips the NaN of an overflowed curve (inf - inf) */
            worst = drawdown;
    }
    return worst;
}

/* ---- win rate ----------------------------------------------------------------------- */

void pdrift__win_counts(const double *returns, size_t n, size_t *wins, size_t *decided)
{
    size_t w = 0, d = 0;
    for (size_t i = 0; i < n; i++) {
        if (returns[i] > 0.0)
            w++;
        if (returns[i] != 0.0) /* -0.0 == 0.0: a scratch trade either way */
            d++;
    }
    *wins = w;
    *decided = d;
}

/* ---- public functions ------------------------------------------------------------------ */

/* Validation shared by the three public metrics (SPEC §5): argument errors
 * before data errors. */
static int check_returns(const double *returns, size_t n, const double *out)
{
    if (returns == NULL || out == NULL || n == 0)
        return PDRIFT_EINVAL;
    if (!pdrift__all_finite(returns, n))
        return PDRIFT_EDATA;
    return PDRIFT_OK;
}

int pdrift_sharpe(const double *returns, size_t n, double periods_per_year, double *out)
{
    if (!(isfinite(periods_per_year) && periods_per_year > 0.0))
        return PDRIFT_EINVAL;
    int rc = check_returns(returns, n, out);
    if (rc != PDRIFT_OK)
        return rc;
    *out = pdrift__sharpe(returns, n, periods_per_year, 0.0);
    return PDRIFT_OK;
}

int pdrift_max_drawdown(const double *returns, size_t n, double *out)
{
    int rc = check_returns(returns, n, out);
    if (rc != PDRIFT_OK)
        return rc;
    *out = pdrift__max_drawdown(returns, n);
    return PDRIFT_OK;
}

int pdrift_win_rate(const double *returns, size_t n, double *out)
{
    int rc = check_returns(returns, n, out);
    if (rc != PDRIFT_OK)
        return rc;
    size_t wins, decided;
    pdrift__win_counts(returns, n, &wins, &decided);
    *out = decided > 0 ? (double)wins / (double)decided : NAN;
    return PDRIFT_OK;
}
