/*
 * features.c — stationary features derived from raw OHLCV price files.
 *
 * Raw price levels trend, so two periods of the same market always look
 * "drifted" when their levels are compared. A file with a close column (and
 * possibly Open/High/Low/Volume) is therefore compared through the features a
 * trading model sees: log returns, rolling volatility, the bar's range, price
 * and volume relative to their moving averages, RSI and MACD. Rows without a
 * valid close are not bars and are dropped first. docs/features.md has the
 * formulas; this file follows it line by line.
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
#define VOLUME_MIN_PRESENT ((SMA_WINDOW + 1) / 2) /* volumes needed in a window: half */
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

/* The close, in order of preference: the adjusted close, the close, then the
 * names close-only files use for their one price (docs/features.md). */
static const char *const close_keys[] = { "adjclose", "close", "price", "last", "mid" };

static int is_raw_name(const char *name)
{
    for (size_t k = 0; k < sizeof raw_keys / sizeof raw_keys[0]; k++)
        if (name_is(name, raw_keys[k]))
            return 1;
    return 0;
}

/* An exchange-rate column named after its currency pair ("EURUSD",
 * "USD/CHF", "eur_usd") is a price: intraday FX exports often hold nothing
 * else. Both halves must be ISO 4217 codes of traded currencies. */
static int is_currency_pair(const char *name)
{
    static const char codes[] = "USD EUR JPY GBP CHF AUD CAD NZD SEK NOK DKK CNY CNH HKD SGD "
                                "MXN ZAR TRY PLN CZK HUF RUB INR KRW BRL ILS THB XAU XAG ";
    char letters[7];
    size_t n = 0;
    for (const char *p = name; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '/')
            continue;
        if (!isalpha(c) || n == 6)
            return 0;
        letters[n++] = (char)toupper(c);
    }
    if (n != 6)
        return 0;
    char a[5] = {letters[0], letters[1], letters[2], ' ', '\0'};
    char b[5] = {letters[3], letters[4], letters[5], ' ', '\0'};
    return strcmp(a, b) != 0 && strstr(codes, a) != NULL && strstr(codes, b) != NULL;
}

int pdrift__ohlcv_find(const pdrift__table *t, pdrift__ohlcv *out)
{
    if (t == NULL || out == NULL || (t->n_columns > 0 && t->names == NULL))
        return 0;
    pdrift__ohlcv c;
    c.close = -1;
    c.adjusted = 0;
    for (size_t k = 0; k < sizeof close_keys / sizeof close_keys[0] && c.close < 0; k++) {
        c.close = first_column(t, close_keys[k]);
        c.adjusted = k == 0 && c.close >= 0;
    }
    for (size_t j = 0; j < t->n_columns && c.close < 0; j++)
        if (is_currency_pair(t->names[j]))
            c.close = (long)j;
    if (c.close < 0)
        return 0;
    c.open = first_column(t, "open");
    c.high = first_column(t, "high");
    c.low = first_column(t, "low");
    if (c.high < 0 || c.low < 0) /* the range needs both: a close-only file */
        c.high = c.low = -1;
    c.volume = first_column(t, "volume");
    if (c.volume < 0)
        c.volume = first_column(t, "vol");
    *out = c;
    return 1;
}

/* ---- series -------------------------------------------------------------------- */

/* A row is a bar when its close is finite and positive; the other rows are
 * dropped before anything is computed (a Yahoo "null" row: the bar did not
 * happen). */
static int valid_price(double v)
{
    return isfinite(v) && v > 0.0;
}

static double raw_cell(const pdrift__table *t, size_t row, long col)
{
    return t->values[row * t->n_columns + (size_t)col];
}

static size_t count_bars(const pdrift__table *raw, long close)
{
    size_t n = 0;
    for (size_t i = 0; i < raw->n_rows; i++)
        n += (size_t)valid_price(raw_cell(raw, i, close));
    return n;
}

/* The raw rows of the bars, in file order. */
typedef struct bars {
    size_t *row; /* n raw row indices */
    size_t n;
    size_t dropped; /* raw rows that are not bars */
} bars;

/* A price is usable if it is finite and positive; a volume if finite and >= 0.
 * Anything else becomes NaN, which every feature treats as missing. */
static void extract_prices(const pdrift__table *t, const bars *b, long col, double *out)
{
    for (size_t i = 0; i < b->n; i++) {
        double v = raw_cell(t, b->row[i], col);
        out[i] = valid_price(v) ? v : NAN;
    }
}

static void extract_volumes(const pdrift__table *t, const bars *b, long col, double *out)
{
    for (size_t i = 0; i < b->n; i++) {
        double v = raw_cell(t, b->row[i], col);
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

/* x[t] / mean(present values of x[t-w+1..t]) - offset; NaN when x[t] is
 * missing, fewer than min_present values of the window are present, or their
 * mean is 0. With min_present = w this is the plain SMA of w values. */
static void ratio_to_sma(const double *x, size_t n, size_t w, size_t min_present, double offset,
                         double *out)
{
    for (size_t t = 0; t < n; t++) {
        out[t] = NAN;
        if (t + 1 < w || isnan(x[t]))
            continue;
        double sum = 0.0;
        size_t present = 0;
        for (size_t k = t + 1 - w; k <= t; k++) {
            if (isnan(x[k]))
                continue;
            sum += x[k];
            present++;
        }
        if (present < min_present)
            continue;
        double sma = sum / (double)present;
        if (sma == 0.0)
            continue;
        out[t] = x[t] / sma - offset;
    }
}

/* Wilder's RSI. Gains and losses are the positive and negative parts of the
 * close-to-close changes; their first averages are the plain means of the
 * first `period` changes, then avg = (avg * (period - 1) + new) / period.
 * RSI = 100 * avg_gain / (avg_gain + avg_loss) (= 100 - 100 / (1 + RS)),
 * 50 for a flat window. A missing change restarts the averaging (the closes
 * reaching here are all valid: kept as a safeguard). */
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
 * simple mean of its first `period` values; a missing value restarts it (as
 * in wilder_rsi, a safeguard). */
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

static int has_range(const pdrift__ohlcv *cols)
{
    return cols->high >= 0 && cols->low >= 0;
}

/* 1 if the volume column exists and holds a positive value on a bar. */
static int has_positive_volume(const pdrift__table *raw, const bars *b, long col)
{
    if (col < 0)
        return 0;
    for (size_t i = 0; i < b->n; i++) {
        double v = raw_cell(raw, b->row[i], col);
        if (isfinite(v) && v > 0.0)
            return 1;
    }
    return 0;
}

enum { DROPPED_ROWS_SHOWN = 5 };

/* "rows dropped: 2 with no valid close (missing, not finite or <= 0), at data
 * rows 14, 230; ..." — the skipped entry that reports the rows that are not
 * bars. Data rows count from 1 after the header. */
static char *dropped_rows_reason(const pdrift__table *raw, const pdrift__ohlcv *cols,
                                 size_t dropped)
{
    char text[320];
    size_t used = 0, shown = 0;
    int n = snprintf(text, sizeof text,
                     "rows dropped: %zu with no valid close (missing, not finite or <= 0), at "
                     "data row%s ",
                     dropped, dropped == 1 ? "" : "s");
    if (n < 0 || (size_t)n >= sizeof text)
        return NULL;
    used = (size_t)n;
    for (size_t i = 0; i < raw->n_rows && shown < DROPPED_ROWS_SHOWN; i++) {
        if (valid_price(raw_cell(raw, i, cols->close)))
            continue;
        n = snprintf(text + used, sizeof text - used, "%s%zu", shown ? ", " : "", i + 1);
        if (n < 0 || (size_t)n >= sizeof text - used)
            return NULL;
        used += (size_t)n;
        shown++;
    }
    n = snprintf(text + used, sizeof text - used,
                 "%s; the features are derived from the other rows (docs/features.md)",
                 dropped > shown ? ", ..." : "");
    if (n < 0 || (size_t)n >= sizeof text - used)
        return NULL;
    return copy_string(text);
}

/* Copy the raw table's skipped columns, list the raw OHLCV columns, then the
 * dropped rows (one entry named after the close column) if there are any. */
static int fill_skipped(const pdrift__table *raw, const pdrift__ohlcv *cols, const bars *b,
                        pdrift__table *out)
{
    size_t n = raw->n_skipped + (b->dropped > 0);
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
    if (b->dropped > 0) {
        const char *name = raw->names[cols->close];
        out->skipped[k] = copy_string(name ? name : "");
        out->skipped_reasons[k] = dropped_rows_reason(raw, cols, b->dropped);
        if (out->skipped[k] == NULL || out->skipped_reasons[k] == NULL)
            return PDRIFT_ENOMEM;
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
    case FEATURE_CLOSE_NORM: ratio_to_sma(close, n, SMA_WINDOW, SMA_WINDOW, 1.0, series); break;
    case FEATURE_VOLUME_NORM:
        ratio_to_sma(volume, n, SMA_WINDOW, VOLUME_MIN_PRESENT, 0.0, series);
        break;
    case FEATURE_RSI: wilder_rsi(close, n, RSI_PERIOD, series); break;
    case FEATURE_MACD: macd_relative(close, n, series); break;
    case N_FEATURES: break;
    }
}

/* Fill out's values, bar by bar: derived features first, then the kept raw
 * columns. */
static int fill_values(const pdrift__table *raw, const pdrift__ohlcv *cols, const bars *b,
                       const int *derive, pdrift__table *out)
{
    size_t n = b->n, w = PDRIFT__OHLCV_WARMUP, nc = out->n_columns;
    size_t bytes = array_bytes(n, 6 * sizeof(double));
    double *scratch = bytes ? malloc(bytes) : NULL;
    if (scratch == NULL)
        return PDRIFT_ENOMEM;
    double *close = scratch, *high = close + n, *low = high + n, *volume = low + n;
    double *returns = volume + n, *series = returns + n;
    extract_prices(raw, b, cols->close, close);
    if (has_range(cols)) {
        extract_prices(raw, b, cols->high, high);
        extract_prices(raw, b, cols->low, low);
    }
    if (cols->volume >= 0)
        extract_volumes(raw, b, cols->volume, volume);
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
            out->values[(t - w) * nc + col] = raw_cell(raw, b->row[t], (long)j);
        col++;
    }
    free(scratch);
    return PDRIFT_OK;
}

static int derive_into(const pdrift__table *raw, const pdrift__ohlcv *cols, const bars *b,
                       pdrift__table *out)
{
    int derive[N_FEATURES];
    size_t nc = 0;
    for (int f = 0; f < N_FEATURES; f++) {
        derive[f] = !has_column_named(raw, feature_names[f]);
        if (f == FEATURE_VOLUME_NORM && !has_positive_volume(raw, b, cols->volume))
            derive[f] = 0;
        if (f == FEATURE_RANGE && !has_range(cols))
            derive[f] = 0;
        nc += (size_t)derive[f];
    }
    for (size_t j = 0; j < raw->n_columns; j++)
        nc += (size_t)!is_raw_column(raw, cols, j);

    size_t rows = b->n - PDRIFT__OHLCV_WARMUP;
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

    int rc = fill_skipped(raw, cols, b, out);
    if (rc != PDRIFT_OK)
        return rc;
    return fill_values(raw, cols, b, derive, out);
}

/* The bars' raw rows into b (b->n already counted). */
static int list_bars(const pdrift__table *raw, long close, bars *b)
{
    size_t bytes = array_bytes(b->n, sizeof *b->row);
    b->row = bytes ? malloc(bytes) : NULL;
    if (b->row == NULL)
        return PDRIFT_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < raw->n_rows; i++)
        if (valid_price(raw_cell(raw, i, close)))
            b->row[k++] = i;
    return PDRIFT_OK;
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
    if (!index_ok(cols->close, nc, 0) || !index_ok(cols->high, nc, 1) ||
        !index_ok(cols->low, nc, 1) || !index_ok(cols->open, nc, 1) ||
        !index_ok(cols->volume, nc, 1))
        return PDRIFT_EINVAL;
    bars b = { NULL, count_bars(raw, cols->close), 0 };
    b.dropped = raw->n_rows - b.n;
    if (b.n <= PDRIFT__OHLCV_WARMUP) {
        if (err != NULL && errcap > 0 && b.dropped == 0)
            snprintf(err, errcap,
                     "%zu data rows: the features derived from prices (docs/features.md) need "
                     "more than %d rows, the first %d being their warm-up",
                     raw->n_rows, PDRIFT__OHLCV_WARMUP, PDRIFT__OHLCV_WARMUP);
        else if (err != NULL && errcap > 0)
            snprintf(err, errcap,
                     "%zu data rows, %zu of them without a valid close (dropped): the features "
                     "derived from prices (docs/features.md) need more than %d rows, the first "
                     "%d being their warm-up",
                     raw->n_rows, b.dropped, PDRIFT__OHLCV_WARMUP, PDRIFT__OHLCV_WARMUP);
        return PDRIFT_EDATA;
    }
    int rc = list_bars(raw, cols->close, &b);
    if (rc == PDRIFT_OK)
        rc = derive_into(raw, cols, &b, out);
    free(b.row);
    if (rc != PDRIFT_OK) {
        pdrift__table_free(out);
        if (rc == PDRIFT_ENOMEM && err != NULL && errcap > 0)
            snprintf(err, errcap, "out of memory deriving features from %zu rows x %zu columns",
                     raw->n_rows, raw->n_columns);
    }
    return rc;
}
