/*
 * seed_snapshots.c — writes the seed corpus of fuzz_snapshot: small baseline
 * snapshots made by pdrift_baseline_save, one per shape the reader handles
 * (missing values, a feature with no value, ties, OHLCV-derived features,
 * returns, explicit metrics, reference errors, other PSI settings).
 *
 *   make B=... fuzz-seed-snapshots    (rewrites tests/fuzz/corpus/snapshot/seed-*)
 *
 * Rerun it when the snapshot format changes: seeds the reader refuses still
 * replay, but the fuzzer no longer starts from inside the format.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ploutos_drift.h>

static const char *dir;

static int fail(const char *what, pdrift_monitor *m)
{
    fprintf(stderr, "seed_snapshots: %s: %s\n", what, pdrift_errmsg(m));
    exit(1);
}

static void save(pdrift_monitor *m, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seed-%s", dir, name);
    if (pdrift_baseline_save(m, path) != PDRIFT_OK)
        fail(path, m);
    pdrift_monitor_free(m);
}

static pdrift_monitor *monitor(int serial, long long bins, long long binning)
{
    pdrift_config *c;
    pdrift_monitor *m;
    if (pdrift_config_new(&c) != PDRIFT_OK ||
        pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, serial) != PDRIFT_OK ||
        pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINS, bins) != PDRIFT_OK ||
        pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINNING, binning) != PDRIFT_OK ||
        pdrift_monitor_new(&m, c) != PDRIFT_OK)
        exit(1);
    pdrift_config_free(c);
    return m;
}

/* A deterministic, serially dependent series. */
static double wave(size_t i, size_t f) { return sin((double)(i + 3 * f) * 0.37) + 0.1 * (double)(i % 5); }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    enum { ROWS = 48 };
    double rows[ROWS * 3];

    /* two features, a few missing values, the defaults */
    static const char *const two[] = {"x", "spread, bps"};
    for (size_t i = 0; i < ROWS; i++) {
        rows[i * 2] = wave(i, 0);
        rows[i * 2 + 1] = i % 7 == 3 ? NAN : (double)(i % 4);
    }
    pdrift_monitor *m = monitor(1, 10, PDRIFT_BINNING_QUANTILE);
    if (pdrift_baseline_set(m, two, 2, rows, ROWS) != PDRIFT_OK)
        fail("two features", m);
    save(m, "two-features");

    /* three features (one never present, one constant), returns and errors */
    static const char *const three[] = {"a", "never", "flat"};
    for (size_t i = 0; i < ROWS; i++) {
        rows[i * 3] = wave(i, 1);
        rows[i * 3 + 1] = NAN;
        rows[i * 3 + 2] = 2.5;
    }
    double returns[40], errors[80];
    for (size_t i = 0; i < 40; i++)
        returns[i] = 0.01 * sin((double)i);
    for (size_t i = 0; i < 80; i++)
        errors[i] = (double)(i % 3 == 0);
    m = monitor(1, 10, PDRIFT_BINNING_QUANTILE);
    if (pdrift_baseline_set(m, three, 3, rows, ROWS) != PDRIFT_OK ||
        pdrift_baseline_returns(m, returns, 40) != PDRIFT_OK ||
        pdrift_baseline_errors(m, errors, 80) != PDRIFT_OK)
        fail("returns and errors", m);
    save(m, "returns-errors");

    /* explicit metrics, no serial correction, 4 equal-width bins */
    m = monitor(0, 4, PDRIFT_BINNING_EQUAL_WIDTH);
    if (pdrift_baseline_set(m, two, 2, rows, ROWS) != PDRIFT_OK ||
        pdrift_baseline_metrics(m, 1.1, -0.12, 0.55) != PDRIFT_OK)
        fail("metrics", m);
    save(m, "metrics-equal-width");

    /* one feature, one row */
    static const char *const one[] = {"only"};
    const double single = 42.0;
    m = monitor(1, 10, PDRIFT_BINNING_QUANTILE);
    if (pdrift_baseline_set(m, one, 1, &single, 1) != PDRIFT_OK)
        fail("one row", m);
    save(m, "one-row");

    /* features derived from a raw OHLCV file (and its skipped columns as notes) */
    char csv[512];
    snprintf(csv, sizeof csv, "%s/.seed-ohlcv.csv", dir);
    FILE *f = fopen(csv, "w");
    if (f == NULL)
        return 1;
    fputs("Date,Open,High,Low,Close,Volume,Symbol\n", f);
    for (int i = 0; i < 40; i++) {
        double close = 100.0 + 5.0 * sin(i * 0.3) + 0.1 * i;
        fprintf(f, "2024-01-%02d,%.2f,%.2f,%.2f,%.2f,%d,ABC\n", i % 28 + 1, close - 0.5, close + 1.0,
                close - 1.0, close, 1000 + 37 * (i % 11));
    }
    fclose(f);
    m = monitor(1, 5, PDRIFT_BINNING_QUANTILE);
    int rc = pdrift_baseline_load(m, csv);
    remove(csv);
    if (rc != PDRIFT_OK)
        fail("ohlcv", m);
    save(m, "ohlcv");
    return 0;
}
