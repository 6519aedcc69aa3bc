/*
 * features.c — stationary features derived from raw OHLCV price files.
 *
 * Raw price levels trend, so two periods of the same market always look
 * "drifted" when their levels are compared. A file with Open/High/Low/Close
 * columns is therefore compared through the features a trading model sees:
 * log returns, rolling volatility, the bar's range, price and volume relative
 * to their moving averages, RSI and MACD. docs/features.md has the formulas;
 * this file follows it line by line.
 *
 * Pure computation on a pdrift__table: no I/O, no global state.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define VOLATILITY_WINDOW 20 /* log returns in the rolling standard deviation */
#define SMA_WINDOW 20        /* closes (volumes) averaged for close_norm (volume_norm) */
#define RSI_PERIOD 14        /* Wilder's period */
#define EMA_FAST 12
#define EMA_SLOW 26

/* Row t holds every feature once t >= the largest of these first-defined rows:
 * returns 1, volatility VOLATILITY_WINDOW (its window starts at return 1),
 * range 0, close_norm and volume_norm SMA_WINDOW - 1, rsi RSI_PERIOD (14 price
 * changes), macd EMA_SLOW - 1 (the slow EMA is seeded with the first 26 closes). */
_Static_assert(PDRIFT__OHLCV_WARMUP >= VOLATILITY_WINDOW, "warm-up shorter than volatility's");
_Static_assert(PDRIFT__OHLCV_WARMUP >= SMA_WINDOW - 1, "warm-up shorter than the SMA's");
_Static_assert(PDRIFT__OHLCV_WARMUP >= RSI_PERIOD, "warm-up shorter than RSI's");
_Static_assert(PDRIFT__OHLCV_WARMUP >= EMA_SLOW - 1, "warm-up shorter than MACD's");
_Static_assert(EMA_FAST < EMA_SLOW, "MACD needs a fast and a slow EMA");

enum feature {
    FEATURE_RETURNS,
    FEATURE_VOLATILITY,
    FEATURE_RANGE,
    FEATURE_CLOSE_NORM,
    FEATURE_VOLUME_NORM,
    FEATURE_RSI,
    FEATURE_MACD,
    N_FEATURES
};

static const char *const feature_names[N_FEATURES] = {
    "returns", "volatility", "range", "close_norm", "volume_norm", "rsi", "macd",
};

static const char raw_column_reason[] =
    "raw OHLCV column: compared through derived stationary features (docs/features.md)";

/* ---- column names ------------------------------------------------------------ */

/* Compare a column name with a key (lower case, no separators) ignoring ASCII
 * case and the separators ' ', '_', '-', '.': "Adj Close", "adj_close",
 * "AdjClose" and "Adj. Close" all equal "adjclose". */
static int name_is(const char *name, const char *key)
{
    if (name == NULL)
        return 0;
    for (;; name++) {
        unsigned char c = (unsigned char)*name;
        if (c == ' ' || c == '_' || c == '-' || c == '.')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)*key)
            return 0;
        if (c == '\0')
            return 1;
        key++;
    }
}

/* Exact, case-insensitive (ASCII) equality; used to let a user's own column
 * named like a derived feature win over it. */
static int same_name(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return 0;
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static long first_column(const pdrift__table *t, const char *key)
{
    for (size_t j = 0; j < t->n_columns; j++)
        if (name_is(t->names[j], key))
            return (long)j;
    return -1;
}

static const char *const raw_keys[] = { "open",     "high", "low",   "close",
                                         "adjclose", "vol",  "volume" };

static int is_raw_name(const char *name)
{
    for (size_t k = 0; k < sizeof raw_keys / sizeof raw_keys[0]; k++)
        if (name_is(name, raw_keys[k]))
            return 1;
    return 0;
}

int pdrift__ohlcv_find(const pdrift__table *t, pdrift__ohlcv *out)
{
    if (t == NULL || out == NULL || (t->n_columns > 0 && t->names == NULL))
        return 0;
    pdrift__ohlcv c;
    c.open = first_column(t, "open");
    c.high = first_column(t, "high");
    c.low = first_column(t, "low");
    c.close = first_column(t, "adjclose");
    c.adjusted = c.close >= 0;
    if (c.close < 0)
        c.close = first_column(t, "close");
    c.volume = first_column(t, "volume");
    if (c.volume < 0)
        c.volume = first_column(t, "vol");
    if (c.high < 0 || c.low < 0 || c.close < 0)
        return 0;
    *out = c;
    return 1;
}

/* ---- series -------------------------------------------------------------------- */

/* A price is usable if it is finite and positive; a volume if finite and >= 0.
 * Anything else becomes NaN, which every feature treats as missing. */
static void extract_prices(const pdrift__table *t, long col, double *out)
{
    for (size_t i = 0; i < t->n_rows; i++) {
        double v = t->values[i * t->n_columns + (size_t)col];
        out[i] = (isfinite(v) && v > 0.0) ? v : NAN;
    }
}

static void extract_volumes(const pdrift__table *t, long col, double *out)
{
    for (size_t i = 0; i < t->n_rows; i++) {
        double v = t->values[i * t->n_columns + (size_t)col];
        out[i] = (isfinite(v) && v >= 0.0) ? v : NAN;
    }
}

/* ---- the features, each on a whole series (NaN = missing) ----------------------- */

/* returns[t] = ln(close[t] / close[t-1]); undefined at t = 0. */
static void log_returns(const double *close, size_t n, double *out)
{
    for (size_t t = 0; t < n; t++)
        out[t] = t == 0 ? NAN : log(close[t] / close[t - 1]);
}

/* Sample standard deviation (divisor w - 1) of x[t-w+1..t], two-pass. */
static void rolling_sd(const double *x, size_t n, size_t w, double *out)
{
    for (size_t t = 0; t < n; t++) {
        out[t] = NAN;
        if (t + 1 < w)
            continue;
        const double *win = x + (t + 1 - w);
        double sum = 0.0;
        for (size_t k = 0; k < w; k++)
            sum += win[k];
        if (isnan(sum))
            continue;
        double mean = sum / (double)w, ss = 0.0;
        for (size_t k = 0; k < w; k++)
            ss += (win[k] - mean) * (win[k] - mean);
        out[t] = sqrt(ss / (double)(w - 1));
    }
}

/* range[t] = ln(high[t] / low[t]). */
static void log_range(const double *high, const double *low, size_t n, double *out)
{
    for (size_t t = 0; t < n; t++)
        out[t] = log(high[t] / low[t]);
}

/* x[t] / mean(x[t-w+1..t]) - offset; NaN when the window holds a missing
 * value or its mean is 0. */
static void ratio_to_sma(const double *x, size_t n, size_t w, double offset, double *out)
{
    for (size_t t = 0; t < n; t++) {
        out[t] = NAN;
        if (t + 1 < w)
            continue;
        double sum = 0.0;
        for (size_t k = t + 1 - w; k <= t; k++)
            sum += x[k];
        double sma = sum / (double)w;
        if (isnan(sma) || sma == 0.0)
            continue;
        out[t] = x[t] / sma - offset;
    }
}

/* Wilder's RSI. Gains and losses are the positive and negative parts of the
 * close-to-close changes; their first averages are the plain means of the
 * first `period` changes, then avg = (avg * (period - 1) + new) / period.
 * RSI = 100 * avg_gain / (avg_gain + avg_loss) (= 100 - 100 / (1 + RS)),
 * 50 for a flat window. A missing change restarts the averaging. */
static void wilder_rsi(const double *close, size_t n, size_t period, double *out)
{
    size_t run = 0; /* consecutive valid changes so far */
    double gain = 0.0, loss = 0.0;
    for (size_t t = 0; t < n; t++) {
        out[t] = NAN;
        double change = t == 0 ? NAN : close[t] - close[t - 1];
        if (isnan(change)) {
            run = 0;
            gain = loss = 0.0;
            continue;
        }
        double up = change > 0.0 ? change : 0.0;
        double down = change < 0.0 ? -change : 0.0;
        run++;
        if (run < period) {
            gain += up;
            loss += down;
            continue;
        }
        if (run == period) {
            gain = (gain + up) / (double)period;
            loss = (loss + down) / (double)period;
        } else {
            gain = (gain * (double)(period - 1) + up) / (double)period;
            loss = (loss * (double)(period - 1) + down) / (double)period;
        }
        out[t] = gain + loss > 0.0 ? 100.0 * gain / (gain + loss) : 50.0;
    }
}

/* Exponential moving average with alpha = 2 / (period + 1), seeded with the
 * simple mean of its first `period` values; a missing value restarts it. */
typedef struct ema_state {
    size_t period, run;
    double sum, value;
} ema_state;

/* Feed one value; returns the EMA at this value or NaN while undefined. */
static double ema_step(ema_state *e, double x)
{
    if (isnan(x)) {
        e->run = 0;
        e->sum = 0.0;
        return NAN;
    }
    e->run++;
    if (e->run < e->period) {
        e->sum += x;
        return NAN;
    }
    if (e->run == e->period) {
        e->value = (e->sum + x) / (double)e->period;
    } else {
        double alpha = 2.0 / ((double)e->period + 1.0);
        e->value = alpha * x + (1.0 - alpha) * e->value;
    }
    return e->value;
}

/* macd[t] = (EMA12(close)[t] - EMA26(close)[t]) / close[t]. */
static void macd_relative(const double *close, size_t n, double *out)
{
    ema_state fast = { EMA_FAST, 0, 0.0, 0.0 };
    ema_state slow = { EMA_SLOW, 0, 0.0, 0.0 };
    for (size_t t = 0; t < n; t++) {
        double f = ema_step(&fast, close[t]);
        double s = ema_step(&slow, close[t]);
        out[t] = (f - s) / close[t];
    }
}

/* ---- the derived table ---------------------------------------------------------- */

static char *copy_string(const char *s)
{
    size_t len = strlen(s);
    char *c = malloc(len + 1);
    if (c != NULL)
        memcpy(c, s, len + 1);
    return c;
}

/* n * size, or 0 on overflow (callers never ask for 0 bytes). */
static size_t array_bytes(size_t n, size_t size)
{
    return (size != 0 && n > SIZE_MAX / size) ? 0 : n * size;
}

static int is_raw_column(const pdrift__table *raw, const pdrift__ohlcv *cols, size_t j)
{
    long idx = (long)j;
    return idx == cols->open || idx == cols->high || idx == cols->low || idx == cols->close ||
           idx == cols->volume || is_raw_name(raw->names[j]);
}

static int has_column_named(const pdrift__table *t, const char *name)
{
    for (size_t j = 0; j < t->n_columns; j++)
        if (same_name(t->names[j], name))
            return 1;
    return 0;
}

static int index_ok(long idx, size_t n_columns, int optional)
{
    if (idx < 0)
        return optional && idx == -1;
    return (unsigned long)idx < n_columns;
}

/* 1 if the volume column exists and holds a positive value. */
static int has_positive_volume(const pdrift__table *raw, long col)
{
    if (col < 0)
        return 0;
    for (size_t i = 0; i < raw->n_rows; i++) {
        double v = raw->values[i * raw->n_columns + (size_t)col];
        if (isfinite(v) && v > 0.0)
            return 1;
    }
    return 0;
}

/* Copy the raw table's skipped columns, then list the raw OHLCV columns. */
static int fill_skipped(const pdrift__table *raw, const pdrift__ohlcv *cols, pdrift__table *out)
{
    size_t n = raw->n_skipped;
    for (size_t j = 0; j < raw->n_columns; j++)
        n += (size_t)is_raw_column(raw, cols, j);
    if (n == 0)
        return PDRIFT_OK;
    size_t bytes = array_bytes(n, sizeof(char *));
    if (bytes == 0)
        return PDRIFT_ENOMEM;
    out->skipped = calloc(n, sizeof(char *));
    out->skipped_reasons = calloc(n, sizeof(char *));
    if (out->skipped == NULL || out->skipped_reasons == NULL)
        return PDRIFT_ENOMEM;
    out->n_skipped = n; /* entries still NULL are fine for pdrift__table_free */
    size_t k = 0;
    for (size_t i = 0; i < raw->n_skipped; i++, k++) {
        out->skipped[k] = copy_string(raw->skipped[i] ? raw->skipped[i] : "");
        const char *reason = raw->skipped_reasons ? raw->skipped_reasons[i] : NULL;
        out->skipped_reasons[k] = copy_string(reason ? reason : "");
        if (out->skipped[k] == NULL || out->skipped_reasons[k] == NULL)
            return PDRIFT_ENOMEM;
    }
    for (size_t j = 0; j < raw->n_columns; j++) {
        if (!is_raw_column(raw, cols, j))
            continue;
        out->skipped[k] = copy_string(raw->names[j] ? raw->names[j] : "");
        out->skipped_reasons[k] = copy_string(raw_column_reason);
        if (out->skipped[k] == NULL || out->skipped_reasons[k] == NULL)
            return PDRIFT_ENOMEM;
        k++;
    }
    return PDRIFT_OK;
}

/* Compute feature f over the whole series into series[], using the scratch
 * arrays (close, high, low, volume, returns) already filled. */
static void compute_feature(enum feature f, const double *close, const double *high,
                            const double *low, const double *volume, const double *returns,
                            size_t n, double *series)
{
    switch (f) {
    case FEATURE_RETURNS: memcpy(series, returns, n * sizeof *series); break;
    case FEATURE_VOLATILITY: rolling_sd(returns, n, VOLATILITY_WINDOW, series); break;
    case FEATURE_RANGE: log_range(high, low, n, series); break;
    case FEATURE_CLOSE_NORM: ratio_to_sma(close, n, SMA_WINDOW, 1.0, series); break;
    case FEATURE_VOLUME_NORM: ratio_to_sma(volume, n, SMA_WINDOW, 0.0, series); break;
    case FEATURE_RSI: wilder_rsi(close, n, RSI_PERIOD, series); break;
    case FEATURE_MACD: macd_relative(close, n, series); break;
    case N_FEATURES: break;
    }
}

/* Fill out's values: derived features first, then the kept raw columns. */
static int fill_values(const pdrift__table *raw, const pdrift__ohlcv *cols, const int *derive,
                       pdrift__table *out)
{
    size_t n = raw->n_rows, w = PDRIFT__OHLCV_WARMUP, nc = out->n_columns;
    size_t bytes = array_bytes(n, 6 * sizeof(double));
    double *scratch = bytes ? malloc(bytes) : NULL;
    if (scratch == NULL)
        return PDRIFT_ENOMEM;
    double *close = scratch, *high = close + n, *low = high + n, *volume = low + n;
    double *returns = volume + n, *series = returns + n;
    extract_prices(raw, cols->close, close);
    extract_prices(raw, cols->high, high);
    extract_prices(raw, cols->low, low);
    if (cols->volume >= 0)
        extract_volumes(raw, cols->volume, volume);
    log_returns(close, n, returns);

    size_t col = 0;
    for (int f = 0; f < N_FEATURES; f++) {
        if (!derive[f])
            continue;
        compute_feature((enum feature)f, close, high, low, volume, returns, n, series);
        for (size_t t = w; t < n; t++)
            out->values[(t - w) * nc + col] = series[t];
        col++;
    }
    for (size_t j = 0; j < raw->n_columns; j++) {
        if (is_raw_column(raw, cols, j))
            continue;
        for (size_t t = w; t < n; t++)
            out->values[(t - w) * nc + col] = raw->values[t * raw->n_columns + j];
        col++;
    }
    free(scratch);
    return PDRIFT_OK;
}

static int derive_into(const pdrift__table *raw, const pdrift__ohlcv *cols, pdrift__table *out)
{
    int derive[N_FEATURES];
    size_t nc = 0;
    for (int f = 0; f < N_FEATURES; f++) {
        derive[f] = !has_column_named(raw, feature_names[f]);
        if (f == FEATURE_VOLUME_NORM && !has_positive_volume(raw, cols->volume))
            derive[f] = 0;
        nc += (size_t)derive[f];
    }
    for (size_t j = 0; j < raw->n_columns; j++)
        nc += (size_t)!is_raw_column(raw, cols, j);

    size_t rows = raw->n_rows - PDRIFT__OHLCV_WARMUP;
    size_t name_bytes = array_bytes(nc, sizeof(char *));
    size_t cells = (nc > 0 && rows <= SIZE_MAX / nc) ? rows * nc : SIZE_MAX;
    size_t value_bytes = cells == SIZE_MAX ? 0 : array_bytes(cells, sizeof(double));
    if (name_bytes == 0 || value_bytes == 0)
        return PDRIFT_ENOMEM;
    out->names = calloc(nc, sizeof(char *));
    out->values = malloc(value_bytes);
    if (out->names == NULL || out->values == NULL)
        return PDRIFT_ENOMEM;
    out->n_columns = nc; /* names still NULL are fine for pdrift__table_free */
    out->n_rows = rows;

    size_t col = 0;
    for (int f = 0; f < N_FEATURES; f++)
        if (derive[f] && (out->names[col++] = copy_string(feature_names[f])) == NULL)
            return PDRIFT_ENOMEM;
    for (size_t j = 0; j < raw->n_columns; j++)
        if (!is_raw_column(raw, cols, j) &&
            (out->names[col++] = copy_string(raw->names[j] ? raw->names[j] : "")) == NULL)
            return PDRIFT_ENOMEM;

    int rc = fill_skipped(raw, cols, out);
    if (rc != PDRIFT_OK)
        return rc;
    return fill_values(raw, cols, derive, out);
}

int pdrift__ohlcv_derive(const pdrift__table *raw, const pdrift__ohlcv *cols, pdrift__table *out,
                         char *err, size_t errcap)
{
    if (err != NULL && errcap > 0)
        err[0] = '\0';
    if (out == NULL)
        return PDRIFT_EINVAL;
    memset(out, 0, sizeof *out);
    if (raw == NULL || cols == NULL || (raw->n_columns > 0 && raw->names == NULL) ||
        (raw->n_rows > 0 && raw->n_columns > 0 && raw->values == NULL))
        return PDRIFT_EINVAL;
    size_t nc = raw->n_columns;
    if (!index_ok(cols->close, nc, 0) || !index_ok(cols->high, nc, 0) ||
        !index_ok(cols->low, nc, 0) || !index_ok(cols->open, nc, 1) ||
        !index_ok(cols->volume, nc, 1))
        return PDRIFT_EINVAL;
    if (raw->n_rows <= PDRIFT__OHLCV_WARMUP) {
        if (err != NULL && errcap > 0)
            snprintf(err, errcap,
                     "%zu data rows: the features derived from prices (docs/features.md) need "
                     "more than %d rows, the first %d being their warm-up",
                     raw->n_rows, PDRIFT__OHLCV_WARMUP, PDRIFT__OHLCV_WARMUP);
        return PDRIFT_EDATA;
    }
    int rc = derive_into(raw, cols, out);
    if (rc != PDRIFT_OK) {
        pdrift__table_free(out);
        if (rc == PDRIFT_ENOMEM && err != NULL && errcap > 0)
            snprintf(err, errcap, "out of memory deriving features from %zu rows x %zu columns",
                     raw->n_rows, raw->n_columns);
    }
    return rc;
}
