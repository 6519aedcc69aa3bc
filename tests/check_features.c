/*
 * check_features.c — stationary features derived from raw OHLCV files
 * (lib/features.c, docs/features.md).
 *
 * Recognition of the price columns (full bars and close-only files); every
 * feature against numbers derived by hand or by an independent implementation
 * (a numpy script written from docs/features.md, reproduced below); rows
 * without a valid close dropped and reported, missing highs, lows and volumes
 * affecting only their own features; the user's column winning over a derived
 * one; the warm-up; the other columns kept; a table too short.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <ploutos_drift.h>

#include "golden.h"
#include "internal.h"

#define REL 1e-12 /* relative tolerance against the reference numbers */
#define WARMUP ((size_t)PDRIFT__OHLCV_WARMUP)

/* ---- tables built in the test ------------------------------------------------------ */

static char *dup_string(const char *s)
{
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    ck_assert_ptr_nonnull(c);
    memcpy(c, s, len);
    return c;
}

/* A table with the given column names (NULL-terminated list) and n_rows rows
 * of NaN, allocated as the CSV reader does (every string and array malloc'd). */
static pdrift__table make_table(size_t n_rows, ...)
{
    pdrift__table t;
    memset(&t, 0, sizeof t);
    va_list ap;
    va_start(ap, n_rows);
    const char *name;
    char *names[32];
    while ((name = va_arg(ap, const char *)) != NULL) {
        ck_assert_uint_lt(t.n_columns, 32);
        names[t.n_columns++] = dup_string(name);
    }
    va_end(ap);
    t.n_rows = n_rows;
    t.names = malloc(t.n_columns * sizeof *t.names);
    t.values = malloc(n_rows * t.n_columns * sizeof *t.values + 1);
    ck_assert(t.names != NULL && t.values != NULL);
    memcpy(t.names, names, t.n_columns * sizeof *names);
    for (size_t i = 0; i < n_rows * t.n_columns; i++)
        t.values[i] = NAN;
    return t;
}

static void release(pdrift__table *t)
{
    pdrift__table_free(t);
    ck_assert_ptr_null(t->names);
}

static size_t column(const pdrift__table *t, const char *name)
{
    for (size_t j = 0; j < t->n_columns; j++)
        if (strcmp(t->names[j], name) == 0)
            return j;
    ck_abort_msg("no column \"%s\"", name);
    return 0;
}

static int has_column(const pdrift__table *t, const char *name)
{
    for (size_t j = 0; j < t->n_columns; j++)
        if (strcmp(t->names[j], name) == 0)
            return 1;
    return 0;
}

static void set_column(pdrift__table *t, const char *name, const double *v)
{
    size_t j = column(t, name);
    for (size_t i = 0; i < t->n_rows; i++)
        t->values[i * t->n_columns + j] = v[i];
}

static double cell(const pdrift__table *t, size_t row, const char *name)
{
    ck_assert_uint_lt(row, t->n_rows);
    return t->values[row * t->n_columns + column(t, name)];
}

static int close_to(double got, double want, double rel)
{
    if (isnan(want))
        return isnan(got);
    return fabs(got - want) <= rel * fabs(want) + 1e-15;
}

/* Find the OHLCV columns of raw (must be recognised) and derive. */
static pdrift__table derive_ok(const pdrift__table *raw)
{
    pdrift__ohlcv cols;
    ck_assert_int_eq(pdrift__ohlcv_find(raw, &cols), 1);
    pdrift__table out;
    char err[256] = "unchanged";
    int rc = pdrift__ohlcv_derive(raw, &cols, &out, err, sizeof err);
    ck_assert_msg(rc == PDRIFT_OK, "derive: %d (%s)", rc, err);
    return out;
}

/* A copy of t without its row k (skipped lists not copied). */
static pdrift__table without_row(const pdrift__table *t, size_t k)
{
    pdrift__table c;
    memset(&c, 0, sizeof c);
    c.n_rows = t->n_rows - 1;
    c.n_columns = t->n_columns;
    c.names = malloc(t->n_columns * sizeof *c.names);
    c.values = malloc((t->n_rows - 1) * t->n_columns * sizeof *c.values + 1);
    ck_assert(c.names != NULL && c.values != NULL);
    for (size_t j = 0; j < t->n_columns; j++)
        c.names[j] = dup_string(t->names[j]);
    for (size_t i = 0, r = 0; i < t->n_rows; i++)
        if (i != k)
            memcpy(c.values + r++ * t->n_columns, t->values + i * t->n_columns,
                   t->n_columns * sizeof *c.values);
    return c;
}

/* Same columns and values, bit for bit (NaN equal to NaN). */
static void assert_same_values(const pdrift__table *a, const pdrift__table *b)
{
    ck_assert_uint_eq(a->n_rows, b->n_rows);
    ck_assert_uint_eq(a->n_columns, b->n_columns);
    for (size_t j = 0; j < a->n_columns; j++)
        ck_assert_str_eq(a->names[j], b->names[j]);
    for (size_t i = 0; i < a->n_rows * a->n_columns; i++) {
        double x = a->values[i], y = b->values[i];
        ck_assert_msg((isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0,
                      "row %zu, %s: %.17g vs %.17g", i / a->n_columns,
                      a->names[i % a->n_columns], x, y);
    }
}

/* The skipped entry whose reason starts with "rows dropped:", or -1. */
static long dropped_entry(const pdrift__table *t)
{
    for (size_t k = 0; k < t->n_skipped; k++)
        if (strncmp(t->skipped_reasons[k], "rows dropped:", 13) == 0)
            return (long)k;
    return -1;
}

/* Read tests/data/csv/<name> with the library's reader. */
static pdrift__table read_csv_data(const char *name)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/csv/%s", golden_dir(), name);
    pdrift__table t;
    int rc = pdrift__table_read(path, &t, err, sizeof err);
    ck_assert_msg(rc == PDRIFT_OK, "%s: %s", path, err);
    return t;
}

/* ---- recognition -------------------------------------------------------------------- */

static pdrift__ohlcv found(const pdrift__table *t)
{
    pdrift__ohlcv c;
    memset(&c, 0x5a, sizeof c);
    ck_assert_int_eq(pdrift__ohlcv_find(t, &c), 1);
    return c;
}

START_TEST(test_find_yahoo)
{
    pdrift__table t = make_table(1, "Open", "High", "Low", "Close", "Adj Close", "Volume", NULL);
    pdrift__ohlcv c = found(&t);
    ck_assert_int_eq(c.open, 0);
    ck_assert_int_eq(c.high, 1);
    ck_assert_int_eq(c.low, 2);
    ck_assert_int_eq(c.close, 4); /* Adj Close preferred */
    ck_assert_int_eq(c.adjusted, 1);
    ck_assert_int_eq(c.volume, 5);
    release(&t);
}
END_TEST

START_TEST(test_find_fx_case_insensitive)
{
    /* "Gmt time" is text and never reaches the table. */
    pdrift__table t = make_table(1, "OPEN", "high", "LoW", "cLoSe", "vol", NULL);
    pdrift__ohlcv c = found(&t);
    ck_assert_int_eq(c.open, 0);
    ck_assert_int_eq(c.high, 1);
    ck_assert_int_eq(c.low, 2);
    ck_assert_int_eq(c.close, 3);
    ck_assert_int_eq(c.adjusted, 0);
    ck_assert_int_eq(c.volume, 4);
    release(&t);
}
END_TEST

START_TEST(test_find_adj_close_spellings)
{
    static const char *const spellings[] = { "Adj Close", "adj_close", "AdjClose", "adjclose",
                                             "ADJ CLOSE" };
    for (size_t k = 0; k < sizeof spellings / sizeof spellings[0]; k++) {
        /* adjusted close before and after Close: preferred either way */
        pdrift__table t = make_table(1, spellings[k], "High", "Close", "Low", NULL);
        pdrift__ohlcv c = found(&t);
        ck_assert_msg(c.close == 0 && c.adjusted == 1, "%s first", spellings[k]);
        release(&t);
        t = make_table(1, "High", "Close", "Low", spellings[k], NULL);
        c = found(&t);
        ck_assert_msg(c.close == 3 && c.adjusted == 1, "%s last", spellings[k]);
        ck_assert_int_eq(c.open, -1);
        ck_assert_int_eq(c.volume, -1);
        release(&t);
    }
}
END_TEST

START_TEST(test_find_requires_a_close)
{
    pdrift__ohlcv c;
    pdrift__table t = make_table(1, "Open", "High", "Low", "Volume", NULL);
    ck_assert_int_eq(pdrift__ohlcv_find(&t, &c), 0); /* no close of any kind */
    release(&t);
    t = make_table(1, "rsi", "macd", "returns", NULL);
    ck_assert_int_eq(pdrift__ohlcv_find(&t, &c), 0); /* an ordinary feature file */
    release(&t);
    t = make_table(1, "High", "Low", "Closes", "Prices", "Mids", "Lasting", NULL);
    ck_assert_int_eq(pdrift__ohlcv_find(&t, &c), 0); /* names match whole, not as prefixes */
    release(&t);
    t = make_table(1, "close_price", "Last Price", "bid", "ask", "USDUSD", "ABCDEF", "USDCH",
                   NULL);
    ck_assert_int_eq(pdrift__ohlcv_find(&t, &c), 0); /* a price must be named as one */
    release(&t);
    ck_assert_int_eq(pdrift__ohlcv_find(NULL, &c), 0);
    t = make_table(1, "High", "Low", "Close", NULL);
    ck_assert_int_eq(pdrift__ohlcv_find(&t, NULL), 0);
    release(&t);
}
END_TEST

/* An exchange rate named after its currency pair is a close-only price. */
START_TEST(test_find_currency_pair)
{
    static const char *const pairs[] = {"USDCHF", "EUR/USD", "eur_usd", "GBP-JPY", "xau usd"};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        pdrift__ohlcv c;
        pdrift__table t = make_table(1, "spread", pairs[k], NULL);
        ck_assert_msg(pdrift__ohlcv_find(&t, &c) == 1, "%s not recognised", pairs[k]);
        ck_assert_int_eq(c.close, 1);
        ck_assert_int_eq(c.high, -1);
        ck_assert_int_eq(c.low, -1);
        release(&t);
    }
    pdrift__ohlcv c;
    pdrift__table t = make_table(1, "EURUSD", "Close", NULL); /* a named close wins */
    ck_assert_int_eq(pdrift__ohlcv_find(&t, &c), 1);
    ck_assert_int_eq(c.close, 1);
    release(&t);
}
END_TEST

/* A close without both high and low: a close-only file, high = low = -1. */
START_TEST(test_find_close_only)
{
    static const struct {
        const char *names[4];
        long close, volume;
        int adjusted;
    } cases[] = {
        { { "Close", NULL }, 0, -1, 0 },
        { { "price", "volume", NULL }, 0, 1, 0 },
        { { "spread", "LAST", NULL }, 1, -1, 0 },
        { { "Mid", "Vol", NULL }, 0, 1, 0 },
        { { "adj. close", NULL }, 0, -1, 1 },
        { { "Open", "Low", "Close", "Volume" }, 2, 3, 0 }, /* no High */
        { { "Open", "High", "Close", NULL }, 2, -1, 0 },   /* no Low */
        /* preference: adjusted close, close, price, last, mid */
        { { "mid", "last", "price", "Close" }, 3, -1, 0 },
        { { "mid", "last", "price", NULL }, 2, -1, 0 },
        { { "mid", "last", NULL }, 1, -1, 0 },
        { { "Close", "Adj Close", "price", NULL }, 1, -1, 1 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *const *n = cases[k].names;
        pdrift__table t = make_table(1, n[0], n[1], n[2], n[3], NULL);
        pdrift__ohlcv c = found(&t);
        ck_assert_msg(c.close == cases[k].close, "case %zu: close %ld", k, c.close);
        ck_assert_msg(c.volume == cases[k].volume, "case %zu: volume %ld", k, c.volume);
        ck_assert_msg(c.adjusted == cases[k].adjusted, "case %zu: adjusted", k);
        ck_assert_msg(c.high == -1 && c.low == -1, "case %zu: high %ld low %ld", k, c.high,
                      c.low);
        release(&t);
    }
    /* with High and Low, "Last" is the close of a full bar (futures exports) */
    pdrift__table t = make_table(1, "Open", "High", "Low", "Last", "Settle", "Volume", NULL);
    pdrift__ohlcv c = found(&t);
    ck_assert(c.close == 3 && c.high == 1 && c.low == 2 && c.volume == 5 && !c.adjusted);
    release(&t);
}
END_TEST

/* ---- values against the independent reference -------------------------------------- */

/*
 * A 40-row series with 2-decimal prices. The expected values (rows 25..39,
 * the rows left after the warm-up) were computed with numpy 1.24 by this
 * script, written from docs/features.md and sharing no code with the library:
 *
 *   close = []; high = []; low = []; vol = []; c = 50.0
 *   for t in range(40):
 *       c = round(c + ((t * 37) % 11 - 5) * 0.17 + (0.3 if t % 7 == 0 else 0), 2)
 *       close.append(c); high.append(round(c + 0.25 + (t % 3) * 0.1, 2))
 *       low.append(round(c - 0.3 - (t % 4) * 0.05, 2)); vol.append(1000.0 + (t * 53) % 400)
 *   ret[1:] = np.log(close[1:] / close[:-1])
 *   volatility[t] = np.std(ret[t-19:t+1], ddof=1)                      (t >= 20)
 *   range = np.log(high / low)
 *   close_norm[t] = close[t] / np.mean(close[t-19:t+1]) - 1             (t >= 19)
 *   volume_norm[t] = vol[t] / np.mean(vol[t-19:t+1])                    (t >= 19)
 *   d = np.diff(close); g = max(d, 0); l = max(-d, 0)
 *   ag = g[:14].mean(); al = l[:14].mean(); rsi[14] = 100 - 100 / (1 + ag / al)
 *   ag = (ag * 13 + g[t-1]) / 14 (same for al); rsi[t] = 100 - 100 / (1 + ag / al)
 *   ema(x, p): e[p-1] = x[:p].mean(); e[t] = a * x[t] + (1 - a) * e[t-1], a = 2/(p+1)
 *   macd = (ema(close, 12) - ema(close, 26)) / close
 *
 * printed with repr() (shortest round-trip decimal).
 */
static const double in_close[40] = {
    49.45, 49.28, 49.79, 49.11,
    49.11, 49.79, 49.28, 49.75,
    50.6, 50.26, 50.6, 49.75,
    49.58, 50.09, 49.71, 49.71,
    50.39, 49.88, 50.05, 50.9,
    50.56, 51.2, 50.35, 50.18,
    50.69, 50.01, 50.01, 50.69,
    50.48, 50.65, 51.5, 51.16,
    51.5, 50.65, 50.48, 51.29,
    50.61, 50.61, 51.29, 50.78,
};
static const double in_high[40] = {
    49.7, 49.63, 50.24, 49.36,
    49.46, 50.24, 49.53, 50.1,
    51.05, 50.51, 50.95, 50.2,
    49.83, 50.44, 50.16, 49.96,
    50.74, 50.33, 50.3, 51.25,
    51.01, 51.45, 50.7, 50.63,
    50.94, 50.36, 50.46, 50.94,
    50.83, 51.1, 51.75, 51.51,
    51.95, 50.9, 50.83, 51.74,
    50.86, 50.96, 51.74, 51.03,
};
static const double in_low[40] = {
    49.15, 48.93, 49.39, 48.66,
    48.81, 49.44, 48.88, 49.3,
    50.3, 49.91, 50.2, 49.3,
    49.28, 49.74, 49.31, 49.26,
    50.09, 49.53, 49.65, 50.45,
    50.26, 50.85, 49.95, 49.73,
    50.39, 49.66, 49.61, 50.24,
    50.18, 50.3, 51.1, 50.71,
    51.2, 50.3, 50.08, 50.84,
    50.31, 50.26, 50.89, 50.33,
};
static const double in_volume[40] = {
    1000.0, 1053.0, 1106.0, 1159.0,
    1212.0, 1265.0, 1318.0, 1371.0,
    1024.0, 1077.0, 1130.0, 1183.0,
    1236.0, 1289.0, 1342.0, 1395.0,
    1048.0, 1101.0, 1154.0, 1207.0,
    1260.0, 1313.0, 1366.0, 1019.0,
    1072.0, 1125.0, 1178.0, 1231.0,
    1284.0, 1337.0, 1390.0, 1043.0,
    1096.0, 1149.0, 1202.0, 1255.0,
    1308.0, 1361.0, 1014.0, 1067.0,
};
static const double ref_returns[15] = {
    -0.01350566705344569, 0.0, 0.013505667053445754, -0.004151434251300299,
    0.0033620124617347955, 0.01664257697499809, -0.006623830959048598, 0.00662383095904869,
    -0.016642576974998158, -0.0033620124617347175, 0.015918583168219348, -0.013346616175190507,
    0.0, 0.01334661617519041, -0.009993225124644685,
};
static const double ref_volatility[15] = {
    0.011232567040161125, 0.010957806300772597, 0.011161474925843027, 0.010549287045075668,
    0.010456939576758027, 0.010994186235618115, 0.010336273390863761, 0.010333812533963543,
    0.01092367626132157, 0.010796892778205976, 0.011311725622941774, 0.011407953649790512,
    0.01114403010124667, 0.011486289874866728, 0.011127717105411088,
};
static const double ref_range[15] = {
    0.01399742909612597, 0.01698851689995428, 0.013836947391367696, 0.012870190520534956,
    0.015779420103965207, 0.012639934935819786, 0.01565283377056616, 0.0145421854997743,
    0.011857846450783468, 0.014865004666968032, 0.017547730436629657, 0.010872895490746243,
    0.013831479148461799, 0.016564736157141817, 0.01381237428761159,
};
static const double ref_close_norm[15] = {
    -0.0033282181078980733, -0.004052694992382477, 0.00854547805931083, 0.004487160353799036,
    0.007479014997812117, 0.02347025974284067, 0.015290884013534622, 0.020094878727555443,
    0.0027022479139240385, -0.0014242759930369608, 0.013015741344235776, -0.0006318865763594861,
    -0.0013516580009274026, 0.010829613425173301, 0.0008968256314738632,
};
static const double ref_volume_norm[15] = {
    0.9363295880149812, 0.9861866889912098, 1.0366315789473683, 1.069554352353186,
    1.1017717346518336, 1.1333061557276805, 0.8552685526855268, 0.9039175257731958,
    0.9531314807133969, 1.0029203170629954, 1.053294167016366, 1.0859277708592776,
    1.117864476386037, 0.8376703841387856, 0.8865808059825508,
};
static const double ref_rsi[15] = {
    50.26217186741262, 50.26217186741262, 55.41266930653725, 53.56781795087874,
    54.87748211498005, 60.827007094804486, 57.55783280656163, 59.879968404398824,
    52.191890976908994, 50.78743810319199, 56.7581870850519, 51.14785182077104,
    51.14785182077104, 56.172195949797874, 51.86388808191646,
};
static const double ref_macd[15] = {
    0.005756154054710342, 0.004882248557388645, 0.0051564956334714945, 0.005054368949780699,
    0.005151247274049451, 0.006412839307110188, 0.006913790713912824, 0.007673249400693791,
    0.007015751160744241, 0.00607241335916574, 0.006422581789953014, 0.0057170554895360146,
    0.005031531577803217, 0.005435887811913633, 0.004999509643637068,
};

#define REF_ROWS 40

/* The reference series as a raw file: Date is text (not in the table), the
 * columns in Yahoo's order plus one ordinary numeric column. */
static pdrift__table reference_raw(void)
{
    pdrift__table t = make_table(REF_ROWS, "Open", "High", "Low", "Close", "Volume", "spread",
                                 NULL);
    double open[REF_ROWS], spread[REF_ROWS];
    for (size_t i = 0; i < REF_ROWS; i++) {
        open[i] = i == 0 ? in_close[0] : in_close[i - 1];
        spread[i] = 0.5 * (double)i;
    }
    set_column(&t, "Open", open);
    set_column(&t, "High", in_high);
    set_column(&t, "Low", in_low);
    set_column(&t, "Close", in_close);
    set_column(&t, "Volume", in_volume);
    set_column(&t, "spread", spread);
    return t;
}

static void check_feature(const pdrift__table *out, const char *name, const double *ref)
{
    ck_assert_uint_eq(out->n_rows, REF_ROWS - WARMUP);
    for (size_t i = 0; i < out->n_rows; i++) {
        double got = cell(out, i, name);
        ck_assert_msg(close_to(got, ref[i], REL), "%s row %zu (raw row %zu): %.17g, expected %.17g",
                      name, i, i + WARMUP, got, ref[i]);
    }
}

START_TEST(test_reference_values)
{
    pdrift__table raw = reference_raw();
    pdrift__table out = derive_ok(&raw);
    check_feature(&out, "returns", ref_returns);
    check_feature(&out, "volatility", ref_volatility);
    check_feature(&out, "range", ref_range);
    check_feature(&out, "close_norm", ref_close_norm);
    check_feature(&out, "volume_norm", ref_volume_norm);
    check_feature(&out, "rsi", ref_rsi);
    check_feature(&out, "macd", ref_macd);
    release(&out);
    release(&raw);
}
END_TEST

START_TEST(test_column_order_and_other_columns)
{
    pdrift__table raw = reference_raw();
    pdrift__table out = derive_ok(&raw);
    static const char *const expected[] = { "returns",     "volatility", "range", "close_norm",
                                            "volume_norm", "rsi",        "macd",  "spread" };
    ck_assert_uint_eq(out.n_columns, 8);
    for (size_t j = 0; j < 8; j++)
        ck_assert_str_eq(out.names[j], expected[j]);
    /* the ordinary column is copied from raw row WARMUP on, unchanged */
    for (size_t i = 0; i < out.n_rows; i++)
        ck_assert_double_eq(cell(&out, i, "spread"), 0.5 * (double)(i + WARMUP));
    /* the raw columns are gone, and listed as skipped with a reason */
    ck_assert_uint_eq(out.n_skipped, 5);
    static const char *const raw_names[] = { "Open", "High", "Low", "Close", "Volume" };
    for (size_t k = 0; k < 5; k++) {
        ck_assert(!has_column(&out, raw_names[k]));
        ck_assert_str_eq(out.skipped[k], raw_names[k]);
        ck_assert_ptr_nonnull(strstr(out.skipped_reasons[k], "derived"));
    }
    /* the input is left alone */
    ck_assert_uint_eq(raw.n_rows, REF_ROWS);
    ck_assert_double_eq(cell(&raw, 3, "Close"), in_close[3]);
    release(&out);
    release(&raw);
}
END_TEST

START_TEST(test_skipped_columns_carried_over)
{
    pdrift__table raw = reference_raw();
    raw.n_skipped = 1;
    raw.skipped = malloc(sizeof *raw.skipped);
    raw.skipped_reasons = malloc(sizeof *raw.skipped_reasons);
    ck_assert(raw.skipped && raw.skipped_reasons);
    raw.skipped[0] = dup_string("Date");
    raw.skipped_reasons[0] = dup_string("not numeric");
    pdrift__table out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_skipped, 6);
    ck_assert_str_eq(out.skipped[0], "Date");
    ck_assert_str_eq(out.skipped_reasons[0], "not numeric");
    ck_assert_str_eq(out.skipped[1], "Open");
    release(&out);
    release(&raw);
}
END_TEST

/* A close-only file ("Date,Close", "timestamp,price,volume"): the same
 * features from the same closes and volumes, without range. */
START_TEST(test_close_only_reference_values)
{
    pdrift__table raw = make_table(REF_ROWS, "price", "volume", "spread", NULL);
    double spread[REF_ROWS];
    for (size_t i = 0; i < REF_ROWS; i++)
        spread[i] = 0.5 * (double)i;
    set_column(&raw, "price", in_close);
    set_column(&raw, "volume", in_volume);
    set_column(&raw, "spread", spread);
    pdrift__ohlcv cols = found(&raw);
    ck_assert(cols.close == 0 && cols.high == -1 && cols.low == -1 && cols.volume == 1);
    pdrift__table out = derive_ok(&raw);
    static const char *const expected[] = { "returns", "volatility", "close_norm",
                                            "volume_norm", "rsi", "macd", "spread" };
    ck_assert_uint_eq(out.n_columns, 7);
    for (size_t j = 0; j < 7; j++)
        ck_assert_str_eq(out.names[j], expected[j]);
    check_feature(&out, "returns", ref_returns);
    check_feature(&out, "volatility", ref_volatility);
    check_feature(&out, "close_norm", ref_close_norm);
    check_feature(&out, "volume_norm", ref_volume_norm);
    check_feature(&out, "rsi", ref_rsi);
    check_feature(&out, "macd", ref_macd);
    ck_assert_uint_eq(out.n_skipped, 2);
    ck_assert_str_eq(out.skipped[0], "price");
    ck_assert_str_eq(out.skipped[1], "volume");
    release(&out);

    /* close alone: no volume_norm either */
    pdrift__table alone = make_table(REF_ROWS, "Close", NULL);
    set_column(&alone, "Close", in_close);
    out = derive_ok(&alone);
    static const char *const only[] = { "returns", "volatility", "close_norm", "rsi", "macd" };
    ck_assert_uint_eq(out.n_columns, 5);
    for (size_t j = 0; j < 5; j++)
        ck_assert_str_eq(out.names[j], only[j]);
    check_feature(&out, "macd", ref_macd);
    release(&out);
    release(&alone);
    release(&raw);
}
END_TEST

/* A lone High (or Low) cannot give a range: it is a raw column, dropped. */
START_TEST(test_close_with_lone_high)
{
    pdrift__table raw = make_table(REF_ROWS, "High", "Close", NULL);
    set_column(&raw, "High", in_high);
    set_column(&raw, "Close", in_close);
    pdrift__table out = derive_ok(&raw);
    ck_assert(!has_column(&out, "range") && !has_column(&out, "High"));
    ck_assert_uint_eq(out.n_columns, 5);
    ck_assert_uint_eq(out.n_skipped, 2);
    ck_assert_str_eq(out.skipped[0], "High");
    check_feature(&out, "rsi", ref_rsi);
    release(&out);
    release(&raw);
}
END_TEST

/* The close-only files of tests/data/csv, through the CSV reader: the text
 * time column never reaches the table; a "null" close drops its row. */
START_TEST(test_close_only_files)
{
    pdrift__table raw = read_csv_data("close_only.csv");
    pdrift__table out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_rows, 40 - WARMUP);
    static const char *const five[] = { "returns", "volatility", "close_norm", "rsi", "macd" };
    ck_assert_uint_eq(out.n_columns, 5);
    for (size_t j = 0; j < 5; j++)
        ck_assert_str_eq(out.names[j], five[j]);
    for (size_t i = 0; i < out.n_rows * out.n_columns; i++)
        ck_assert(isfinite(out.values[i]));
    /* the first derived return is ln(close[25] / close[24]) of the file */
    ck_assert(close_to(cell(&out, 0, "returns"),
                       log(raw.values[WARMUP] / raw.values[WARMUP - 1]), REL));
    release(&out);
    release(&raw);

    raw = read_csv_data("price_volume.csv");
    ck_assert_uint_eq(raw.n_columns, 2); /* timestamp is text */
    out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_columns, 6);
    ck_assert(has_column(&out, "volume_norm") && !has_column(&out, "range"));
    ck_assert(!has_column(&out, "price") && !has_column(&out, "volume"));
    release(&out);
    release(&raw);
}
END_TEST

/* ---- values derived by hand ----------------------------------------------------------- */

/* Closes alternate 100, 100 e^a (a = 0.02); high = 1.1 low; volume constant.
 * Every 20-return window holds ten +a and ten -a: mean 0, sample sd
 * a sqrt(20/19) = 0.020519567041703080. Every 20-close window holds ten of
 * each: SMA = 100 (1 + e^a) / 2, so close_norm = +-(e^a - 1)/(e^a + 1) =
 * +-tanh(a/2) = +-0.0099996666799994603. range = ln 1.1 = 0.095310179804324935;
 * volume_norm = 1. */
START_TEST(test_alternating_series)
{
    const double a = 0.02;
    const size_t n = 60;
    pdrift__table raw = make_table(n, "Close", "High", "Low", "Volume", NULL);
    for (size_t i = 0; i < n; i++) {
        double c = i % 2 ? 100.0 * exp(a) : 100.0;
        double *row = raw.values + i * raw.n_columns;
        row[0] = c;
        row[1] = 1.1 * (c / 1.05);
        row[2] = c / 1.05;
        row[3] = 5000.0;
    }
    pdrift__table out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_rows, n - WARMUP);
    for (size_t i = 0; i < out.n_rows; i++) {
        int up = (i + WARMUP) % 2 == 1;
        ck_assert(close_to(cell(&out, i, "returns"), up ? a : -a, REL));
        ck_assert(close_to(cell(&out, i, "volatility"), 0.02051956704170308, REL));
        ck_assert(close_to(cell(&out, i, "close_norm"),
                           up ? 0.00999966667999946 : -0.00999966667999946, REL));
        ck_assert(close_to(cell(&out, i, "range"), 0.09531017980432493, REL));
        ck_assert(close_to(cell(&out, i, "volume_norm"), 1.0, REL));
    }
    release(&out);
    release(&raw);
}
END_TEST

/* Constant closes: returns, volatility, close_norm and macd are 0; RSI of a
 * flat window is 50 (documented convention). Closes rising by 1 each row:
 * no losses, RSI = 100. */
START_TEST(test_flat_and_rising)
{
    const size_t n = 30;
    pdrift__table raw = make_table(n, "Close", "High", "Low", NULL);
    for (size_t i = 0; i < n; i++) {
        double *row = raw.values + i * raw.n_columns;
        row[0] = 10.0;
        row[1] = 10.0;
        row[2] = 10.0;
    }
    pdrift__table out = derive_ok(&raw);
    for (size_t i = 0; i < out.n_rows; i++) {
        ck_assert_double_eq(cell(&out, i, "returns"), 0.0);
        ck_assert_double_eq(cell(&out, i, "volatility"), 0.0);
        ck_assert_double_eq(cell(&out, i, "range"), 0.0);
        ck_assert_double_eq(cell(&out, i, "close_norm"), 0.0);
        ck_assert_double_eq(cell(&out, i, "rsi"), 50.0);
        /* the EMA recursion may leave an ulp of 10 behind */
        ck_assert_double_eq_tol(cell(&out, i, "macd"), 0.0, 1e-15);
    }
    release(&out);
    for (size_t i = 0; i < n; i++)
        raw.values[i * raw.n_columns] = 10.0 + (double)i;
    out = derive_ok(&raw);
    for (size_t i = 0; i < out.n_rows; i++) {
        ck_assert_double_eq(cell(&out, i, "rsi"), 100.0);
        ck_assert(cell(&out, i, "macd") > 0.0);
    }
    release(&out);
    release(&raw);
}
END_TEST

/* MACD by hand on closes 1, 2, ..., n (row t holds t + 1). EMA_p seeded at
 * row p - 1 with the mean of 1..p = (p + 1)/2; for a linear series the EMA
 * settles at x - (1 - alpha)/alpha = x - (p - 1)/2 and the seed already sits
 * there: (p + 1)/2 = p - (p - 1)/2. So EMA12 = x - 5.5, EMA26 = x - 12.5 and
 * macd = 7 / x exactly in real arithmetic. RSI = 100, close_norm at row t:
 * x / (x - 9.5) - 1 = 9.5 / (x - 9.5). */
START_TEST(test_linear_series)
{
    const size_t n = 50;
    pdrift__table raw = make_table(n, "High", "Low", "Close", NULL);
    for (size_t i = 0; i < n; i++) {
        double *row = raw.values + i * raw.n_columns;
        row[0] = (double)i + 1.5;
        row[1] = (double)i + 0.5;
        row[2] = (double)i + 1.0;
    }
    pdrift__table out = derive_ok(&raw);
    for (size_t i = 0; i < out.n_rows; i++) {
        double x = (double)(i + WARMUP) + 1.0;
        ck_assert(close_to(cell(&out, i, "macd"), 7.0 / x, REL));
        ck_assert(close_to(cell(&out, i, "close_norm"), 9.5 / (x - 9.5), REL));
        ck_assert(close_to(cell(&out, i, "returns"), log(x / (x - 1.0)), REL));
        ck_assert(close_to(cell(&out, i, "range"), log((x + 0.5) / (x - 0.5)), REL));
    }
    ck_assert(!has_column(&out, "volume_norm")); /* no volume column */
    release(&out);
    release(&raw);
}
END_TEST

/* ---- missing values ------------------------------------------------------------------ */

/* A clean n-row series (sin wave with a slight trend) with Open, High, Low,
 * Close, Volume and an ordinary column. */
static pdrift__table clean_series(size_t n)
{
    pdrift__table raw = make_table(n, "Open", "High", "Low", "Close", "Volume", "spread", NULL);
    for (size_t i = 0; i < n; i++) {
        double *row = raw.values + i * raw.n_columns;
        double c = 100.0 + 5.0 * sin(0.3 * (double)i) + 0.01 * (double)i;
        row[0] = c - 0.2;
        row[1] = c + 1.0;
        row[2] = c - 1.0;
        row[3] = c;
        row[4] = 1000.0 + (double)(i % 7);
        row[5] = (double)i;
    }
    return raw;
}

/* Yahoo writes a "null" row (every price and the volume missing) for some
 * holidays. The bar did not happen: the row is dropped, and the features are
 * exactly those of the file without it. No feature is missing anywhere. */
START_TEST(test_null_row_dropped)
{
    const size_t n = 120, k = 40;
    pdrift__table raw = clean_series(n);
    pdrift__table clean = without_row(&raw, k);
    for (size_t j = 0; j < 5; j++)
        raw.values[k * raw.n_columns + j] = NAN;
    pdrift__table out = derive_ok(&raw), ref = derive_ok(&clean);
    assert_same_values(&out, &ref);
    ck_assert_uint_eq(out.n_rows, n - 1 - WARMUP);
    for (size_t i = 0; i < out.n_rows * out.n_columns; i++)
        ck_assert_msg(isfinite(out.values[i]), "row %zu, %s: %g", i / out.n_columns,
                      out.names[i % out.n_columns], out.values[i]);
    /* the ordinary column follows the bars: raw row k is gone */
    ck_assert_double_eq(cell(&out, k - WARMUP - 1, "spread"), (double)(k - 1));
    ck_assert_double_eq(cell(&out, k - WARMUP, "spread"), (double)(k + 1));
    /* the drop is reported: one entry after the raw columns, named after the close */
    ck_assert_uint_eq(ref.n_skipped, 5);
    ck_assert_int_eq(dropped_entry(&ref), -1);
    ck_assert_uint_eq(out.n_skipped, 6);
    ck_assert_int_eq(dropped_entry(&out), 5);
    ck_assert_str_eq(out.skipped[5], "Close");
    ck_assert_str_eq(out.skipped_reasons[5],
                     "rows dropped: 1 with no valid close (missing, not finite or <= 0), at data "
                     "row 41; the features are derived from the other rows (docs/features.md)");
    release(&out);
    release(&ref);
    release(&clean);
    release(&raw);
}
END_TEST

/* A close that is missing, zero, negative or not finite drops its row even
 * when the row's other cells hold values; the report lists the first five
 * rows. */
START_TEST(test_invalid_closes_dropped)
{
    const size_t n = 120;
    static const size_t rows[] = { 0, 30, 31, 57, 80, 119 };
    static const double bad[] = { NAN, 0.0, -1.0, INFINITY, -INFINITY, NAN };
    pdrift__table raw = clean_series(n), ref_raw = clean_series(n);
    for (size_t r = 6; r-- > 0;) {
        raw.values[rows[r] * raw.n_columns + 3] = bad[r];
        pdrift__table shorter = without_row(&ref_raw, rows[r]);
        release(&ref_raw);
        ref_raw = shorter;
    }
    pdrift__table out = derive_ok(&raw), ref = derive_ok(&ref_raw);
    assert_same_values(&out, &ref);
    ck_assert_uint_eq(out.n_rows, n - 6 - WARMUP);
    long d = dropped_entry(&out);
    ck_assert_int_eq(d, 5);
    ck_assert_str_eq(out.skipped_reasons[d],
                     "rows dropped: 6 with no valid close (missing, not finite or <= 0), at data "
                     "rows 1, 31, 32, 58, 81, ...; the features are derived from the other rows "
                     "(docs/features.md)");
    release(&out);
    release(&ref);
    release(&ref_raw);
    release(&raw);
}
END_TEST

/* The adjusted close decides: a missing Close next to a valid Adj Close
 * keeps the row (Close is not used). The entry is named after the column
 * that decided. */
START_TEST(test_dropped_by_the_close_used)
{
    const size_t n = 60;
    pdrift__table raw = make_table(n, "Close", "Adj Close", NULL);
    for (size_t i = 0; i < n; i++) {
        raw.values[i * 2] = i == 10 ? NAN : 20.0 + (double)(i % 5);
        raw.values[i * 2 + 1] = i == 20 ? NAN : 10.0 + (double)(i % 5);
    }
    pdrift__table out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_rows, n - 1 - WARMUP);
    long d = dropped_entry(&out);
    ck_assert_int_ge(d, 0);
    ck_assert_str_eq(out.skipped[d], "Adj Close");
    ck_assert_ptr_nonnull(strstr(out.skipped_reasons[d], "at data row 21;"));
    release(&out);
    release(&raw);
}
END_TEST

/* A missing or invalid high or low only makes that row's range missing. */
START_TEST(test_missing_high_low_only_range)
{
    const size_t n = 80;
    pdrift__table raw = clean_series(n), ref_raw = clean_series(n);
    raw.values[30 * raw.n_columns + 1] = 0.0;      /* high 0 */
    raw.values[31 * raw.n_columns + 2] = -2.0;     /* low < 0 */
    raw.values[32 * raw.n_columns + 2] = INFINITY; /* low inf */
    raw.values[33 * raw.n_columns + 1] = NAN;      /* high missing */
    raw.values[34 * raw.n_columns + 1] = NAN;      /* both missing */
    raw.values[34 * raw.n_columns + 2] = NAN;
    pdrift__table out = derive_ok(&raw), ref = derive_ok(&ref_raw);
    ck_assert_uint_eq(out.n_rows, ref.n_rows);
    ck_assert_int_eq(dropped_entry(&out), -1);
    for (size_t i = 0; i < out.n_rows; i++) {
        size_t t = i + WARMUP;
        for (size_t j = 0; j < out.n_columns; j++) {
            double x = out.values[i * out.n_columns + j], y = ref.values[i * ref.n_columns + j];
            if (strcmp(out.names[j], "range") == 0 && t >= 30 && t <= 34)
                ck_assert_msg(isnan(x), "range row %zu", t);
            else
                ck_assert_msg(x == y, "%s row %zu: %g vs %g", out.names[j], t, x, y);
        }
    }
    release(&out);
    release(&ref);
    release(&ref_raw);
    release(&raw);
}
END_TEST

/* Zero, negative and missing volumes; a zero SMA of volume. A missing volume
 * only makes its own row's volume_norm missing: the SMA averages the volumes
 * present in its window. */
START_TEST(test_invalid_volumes)
{
    const size_t n = 80;
    pdrift__table raw = make_table(n, "High", "Low", "Close", "Volume", NULL);
    for (size_t i = 0; i < n; i++) {
        double *row = raw.values + i * 4;
        row[0] = 11.0;
        row[1] = 10.0;
        row[2] = 10.5;
        row[3] = i < 50 ? 0.0 : 100.0; /* volume starts at row 50 */
    }
    raw.values[75 * 4 + 3] = -5.0;     /* negative volume */
    raw.values[77 * 4 + 3] = NAN;      /* missing volume */
    pdrift__table out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_rows, n - WARMUP);
    for (size_t i = 0; i < out.n_rows; i++) {
        size_t t = i + WARMUP;
        ck_assert_double_eq_tol(cell(&out, i, "range"), log(11.0 / 10.0), 1e-15);
        ck_assert(isfinite(cell(&out, i, "returns")) && isfinite(cell(&out, i, "macd")));
        double vn = cell(&out, i, "volume_norm");
        /* SMA of volume is 0 until row 50; volume / SMA20 = 100 / (100 (t - 49) / 20) after */
        if (t < 50 || t == 75 || t == 77)
            ck_assert_msg(isnan(vn), "volume_norm row %zu: %g", t, vn);
        else if (t < 69)
            ck_assert(close_to(vn, 20.0 / (double)(t - 49), REL));
        else
            ck_assert_msg(close_to(vn, 1.0, REL), "volume_norm row %zu: %.17g", t, vn);
    }
    release(&out);
    release(&raw);
}
END_TEST

/* The volume SMA needs half of its 20 volumes: volumes 100 + i with rows
 * 40..50 missing (11 rows). Row 59's window 40..59 holds 9 volumes: missing;
 * row 60's window 41..60 holds 10 (51..60): V[60] / mean(151..160). */
START_TEST(test_volume_sma_needs_half)
{
    const size_t n = 90;
    pdrift__table raw = make_table(n, "Close", "Volume", NULL);
    for (size_t i = 0; i < n; i++) {
        raw.values[i * 2] = 10.0 + 0.1 * sin((double)i);
        raw.values[i * 2 + 1] = i >= 40 && i <= 50 ? NAN : 100.0 + (double)i;
    }
    pdrift__table out = derive_ok(&raw);
    for (size_t i = 0; i < out.n_rows; i++) {
        size_t t = i + WARMUP;
        double vn = cell(&out, i, "volume_norm");
        if (t >= 40 && t <= 59) {
            ck_assert_msg(isnan(vn), "volume_norm row %zu: %g", t, vn);
            continue;
        }
        /* mean of the present volumes of rows t-19..t */
        double sum = 0.0, count = 0.0;
        for (size_t k = t - 19; k <= t; k++)
            if (k < 40 || k > 50) {
                sum += 100.0 + (double)k;
                count += 1.0;
            }
        ck_assert_msg(close_to(vn, (100.0 + (double)t) / (sum / count), REL),
                      "volume_norm row %zu: %.17g", t, vn);
    }
    ck_assert(close_to(cell(&out, 60 - WARMUP, "volume_norm"), 160.0 / 155.5, REL));
    release(&out);
    release(&raw);
}
END_TEST

/* The motivating file: Yahoo daily bars with one "null" holiday row, read by
 * the CSV reader. No derived value is missing, and the drop is reported. */
START_TEST(test_yahoo_file_with_null_row)
{
    pdrift__table raw = read_csv_data("yahoo_null_row.csv");
    ck_assert_uint_eq(raw.n_rows, 60);
    pdrift__table out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_rows, 60 - 1 - WARMUP);
    ck_assert_uint_eq(out.n_columns, 7);
    for (size_t i = 0; i < out.n_rows * out.n_columns; i++)
        ck_assert_msg(isfinite(out.values[i]), "row %zu, %s: %g", i / out.n_columns,
                      out.names[i % out.n_columns], out.values[i]);
    long d = dropped_entry(&out);
    ck_assert_int_ge(d, 0);
    ck_assert_str_eq(out.skipped[d], "Adj Close");
    ck_assert_ptr_nonnull(strstr(out.skipped_reasons[d], "1 with no valid close"));
    ck_assert_ptr_nonnull(strstr(out.skipped_reasons[d], "at data row 19;"));
    release(&out);
    release(&raw);
}
END_TEST

/* ---- columns --------------------------------------------------------------------------- */

START_TEST(test_user_column_wins)
{
    const size_t n = 30;
    pdrift__table raw = make_table(n, "Date_ordinal", "Open", "High", "Low", "Adj Close", "Close",
                                   "Volume", "RSI", "macd", NULL);
    for (size_t i = 0; i < n; i++) {
        double row[9] = { (double)i, 10, 11, 9, 10 + 0.1 * (double)i, 20, 100, 42.0, -1.0 };
        memcpy(raw.values + i * 9, row, sizeof row);
    }
    pdrift__table out = derive_ok(&raw);
    static const char *const expected[] = { "returns", "volatility", "range", "close_norm",
                                            "volume_norm", "Date_ordinal", "RSI", "macd" };
    ck_assert_uint_eq(out.n_columns, 8);
    for (size_t j = 0; j < 8; j++)
        ck_assert_str_eq(out.names[j], expected[j]);
    ck_assert(!has_column(&out, "rsi"));
    for (size_t i = 0; i < out.n_rows; i++) {
        ck_assert_double_eq(cell(&out, i, "RSI"), 42.0);
        ck_assert_double_eq(cell(&out, i, "macd"), -1.0);
        /* returns from the adjusted close, not Close (constant 20) */
        double x = 10 + 0.1 * (double)(i + WARMUP);
        ck_assert(close_to(cell(&out, i, "returns"), log(x / (x - 0.1)), REL));
    }
    /* both closes are raw columns: neither is kept */
    ck_assert(!has_column(&out, "Close") && !has_column(&out, "Adj Close"));
    ck_assert_uint_eq(out.n_skipped, 6);
    release(&out);
    release(&raw);
}
END_TEST

START_TEST(test_volume_norm_needs_positive_volume)
{
    const size_t n = 30;
    pdrift__table raw = make_table(n, "High", "Low", "Close", "Volume", NULL);
    for (size_t i = 0; i < n; i++) {
        double row[4] = { 2, 1, 1.5, 0.0 }; /* FX files often carry a zero volume */
        memcpy(raw.values + i * 4, row, sizeof row);
    }
    pdrift__table out = derive_ok(&raw);
    ck_assert(!has_column(&out, "volume_norm"));
    ck_assert(!has_column(&out, "Volume"));
    ck_assert_uint_eq(out.n_columns, 6);
    release(&out);
    release(&raw);
}
END_TEST

/* ---- warm-up and sizes ----------------------------------------------------------------- */

/* The warm-up is the smallest that defines every feature on clean data:
 * MACD's slow EMA is first defined at row 25 (seeded with closes 0..25). */
START_TEST(test_warmup_rows_defined)
{
    ck_assert_int_eq(PDRIFT__OHLCV_WARMUP, 25);
    pdrift__table raw = reference_raw();
    pdrift__table out = derive_ok(&raw);
    for (size_t j = 0; j < out.n_columns; j++)
        ck_assert_msg(isfinite(out.values[j]), "%s undefined on the first row", out.names[j]);
    release(&out);
    release(&raw);
}
END_TEST

START_TEST(test_too_short)
{
    pdrift__table raw = make_table(WARMUP, "High", "Low", "Close", NULL);
    for (size_t i = 0; i < raw.n_rows * 3; i++)
        raw.values[i] = 1.0;
    pdrift__ohlcv cols = found(&raw);
    pdrift__table out;
    memset(&out, 0x5a, sizeof out);
    char err[256] = "";
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &cols, &out, err, sizeof err), PDRIFT_EDATA);
    ck_assert_ptr_null(out.names);
    ck_assert_ptr_null(out.values);
    ck_assert_uint_eq(out.n_rows, 0);
    ck_assert_ptr_nonnull(strstr(err, "25"));
    /* a tiny buffer is filled and terminated, NULL is fine */
    char tiny[4] = "xxx";
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &cols, &out, tiny, sizeof tiny), PDRIFT_EDATA);
    ck_assert_uint_eq(strlen(tiny), 3);
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &cols, &out, NULL, 0), PDRIFT_EDATA);
    release(&raw);

    /* one row more: one row out */
    raw = make_table(WARMUP + 1, "High", "Low", "Close", NULL);
    for (size_t i = 0; i < raw.n_rows * 3; i++)
        raw.values[i] = 1.0;
    out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_rows, 1);
    release(&out);
    release(&raw);

    raw = make_table(0, "High", "Low", "Close", NULL);
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &cols, &out, err, sizeof err), PDRIFT_EDATA);
    release(&raw);

    /* 30 rows, 5 of them without a close: 25 bars are not enough */
    raw = make_table(30, "High", "Low", "Close", NULL);
    for (size_t i = 0; i < raw.n_rows * 3; i++)
        raw.values[i] = (i % 3 == 2 && i / 3 % 6 == 1) ? NAN : 1.0;
    memset(&out, 0x5a, sizeof out);
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &cols, &out, err, sizeof err), PDRIFT_EDATA);
    ck_assert_ptr_null(out.names);
    ck_assert_str_eq(err, "30 data rows, 5 of them without a valid close (dropped): the features "
                          "derived from prices (docs/features.md) need more than 25 rows, the "
                          "first 25 being their warm-up");
    /* one more valid close: one row out */
    raw.values[1 * 3 + 2] = 1.0;
    out = derive_ok(&raw);
    ck_assert_uint_eq(out.n_rows, 1);
    release(&out);
    /* every close missing */
    for (size_t i = 0; i < raw.n_rows; i++)
        raw.values[i * 3 + 2] = NAN;
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &cols, &out, err, sizeof err), PDRIFT_EDATA);
    ck_assert_ptr_nonnull(strstr(err, "30 of them without a valid close"));
    release(&raw);
}
END_TEST

START_TEST(test_invalid_arguments)
{
    pdrift__table raw = reference_raw(), out;
    pdrift__ohlcv cols = found(&raw);
    ck_assert_int_eq(pdrift__ohlcv_derive(NULL, &cols, &out, NULL, 0), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, NULL, &out, NULL, 0), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &cols, NULL, NULL, 0), PDRIFT_EINVAL);
    pdrift__ohlcv bad = cols;
    bad.close = (long)raw.n_columns;
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &bad, &out, NULL, 0), PDRIFT_EINVAL);
    bad = cols;
    bad.high = -7;
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &bad, &out, NULL, 0), PDRIFT_EINVAL);
    bad = cols;
    bad.low = (long)raw.n_columns;
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &bad, &out, NULL, 0), PDRIFT_EINVAL);
    bad = cols;
    bad.close = -1; /* the close is required */
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &bad, &out, NULL, 0), PDRIFT_EINVAL);
    /* high or low absent (-1): valid, no range; High and Low stay raw columns */
    pdrift__ohlcv no_low = cols;
    no_low.low = -1;
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &no_low, &out, NULL, 0), PDRIFT_OK);
    ck_assert(!has_column(&out, "range") && !has_column(&out, "Low"));
    check_feature(&out, "rsi", ref_rsi);
    release(&out);
    bad = cols;
    bad.volume = -7;
    ck_assert_int_eq(pdrift__ohlcv_derive(&raw, &bad, &out, NULL, 0), PDRIFT_EINVAL);
    release(&raw);
}
END_TEST

/* ---- suite ----------------------------------------------------------------------------- */

static Suite *features_suite(void)
{
    Suite *s = suite_create("features");

    TCase *find = tcase_create("recognition");
    tcase_add_test(find, test_find_yahoo);
    tcase_add_test(find, test_find_fx_case_insensitive);
    tcase_add_test(find, test_find_adj_close_spellings);
    tcase_add_test(find, test_find_requires_a_close);
    tcase_add_test(find, test_find_close_only);
    tcase_add_test(find, test_find_currency_pair);
    suite_add_tcase(s, find);

    TCase *values = tcase_create("values");
    tcase_add_test(values, test_reference_values);
    tcase_add_test(values, test_alternating_series);
    tcase_add_test(values, test_flat_and_rising);
    tcase_add_test(values, test_linear_series);
    tcase_add_test(values, test_close_only_reference_values);
    tcase_add_test(values, test_close_with_lone_high);
    tcase_add_test(values, test_close_only_files);
    suite_add_tcase(s, values);

    TCase *missing = tcase_create("missing");
    tcase_add_test(missing, test_null_row_dropped);
    tcase_add_test(missing, test_invalid_closes_dropped);
    tcase_add_test(missing, test_dropped_by_the_close_used);
    tcase_add_test(missing, test_missing_high_low_only_range);
    tcase_add_test(missing, test_invalid_volumes);
    tcase_add_test(missing, test_volume_sma_needs_half);
    tcase_add_test(missing, test_yahoo_file_with_null_row);
    suite_add_tcase(s, missing);

    TCase *columns = tcase_create("columns");
    tcase_add_test(columns, test_column_order_and_other_columns);
    tcase_add_test(columns, test_skipped_columns_carried_over);
    tcase_add_test(columns, test_user_column_wins);
    tcase_add_test(columns, test_volume_norm_needs_positive_volume);
    suite_add_tcase(s, columns);

    TCase *sizes = tcase_create("sizes");
    tcase_add_test(sizes, test_warmup_rows_defined);
    tcase_add_test(sizes, test_too_short);
    tcase_add_test(sizes, test_invalid_arguments);
    suite_add_tcase(s, sizes);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(features_suite());
    /* fork mode by default; CK_FORK=no (make check-valgrind) runs in-process */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
