/*
 * fuzz_snapshot.c — the baseline snapshot reader (lib/snapshot.c).
 *
 * The input is a snapshot file. Random bytes would almost never get past the
 * checksum, so the harness repairs the envelope before loading: it pads the
 * input with zeros to a whole number of 8-byte words (at least the header and
 * a checksum), writes the magic, the file size and the metadata's checksum
 * (where the metadata's end, at byte 64, says it lies). What is left
 * to the fuzzer is everything the checksum would otherwise hide: the reader's
 * bounds and consistency checks for a file "written by a faulty program".
 * (A wrong magic, size or checksum is covered by tests/test_hostile.py and
 * tests/check_snapshot.c.)
 *
 * The repaired file is loaded by two monitors: the defaults (the PSI bins of
 * the seeds: the cuts and counts are used as stored) and another PSI setting
 * without the serial correction (the bins are recomputed from the sorted
 * values). A snapshot that loads must then:
 *  - hold only what the API would have accepted (check_loaded_state);
 *  - give a detection that passes fuzz_check_detection, for a synthetic
 *    window, returns and errors;
 *  - save and load back to a monitor that gives the same results bit for bit;
 *  - mapped (PDRIFT_PARAM_SNAPSHOT_MAP), give the same results again, while a
 *    file refused read whole is refused mapped by the load, or by the detect
 *    or at the latest by a save (which reads every value).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "monitor.h"

enum { HEADER = 64, TRAILER = 8 };

/* other_bins 2: the defaults, snapshots mapped (PDRIFT_PARAM_SNAPSHOT_MAP) */
static pdrift_monitor *monitor(int other_bins)
{
    pdrift_config *c = NULL;
    FUZZ_ASSERT(pdrift_config_new(&c) == PDRIFT_OK);
    if (other_bins == 2)
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_SNAPSHOT_MAP, 1) == PDRIFT_OK);
    if (other_bins == 1) {
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINS, 7) == PDRIFT_OK);
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINNING, PDRIFT_BINNING_EQUAL_WIDTH) ==
                    PDRIFT_OK);
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, 0) == PDRIFT_OK);
        FUZZ_ASSERT(pdrift_config_set_double(c, PDRIFT_PARAM_PERIODS_PER_YEAR, 365.0) == PDRIFT_OK);
        FUZZ_ASSERT(pdrift_config_set_int(c, PDRIFT_PARAM_MIN_SAMPLES, 5) == PDRIFT_OK);
    }
    pdrift_monitor *m = NULL;
    FUZZ_ASSERT(pdrift_monitor_new(&m, c) == PDRIFT_OK);
    pdrift_config_free(c);
    return m;
}

/* The same window, returns and errors for every monitor of one input. */
static void observe(pdrift_monitor *m, size_t n_features)
{
    enum { ROWS = 36 };
    if (n_features <= 256) {
        double *rows = malloc(ROWS * n_features * sizeof *rows);
        FUZZ_ASSERT(rows != NULL);
        for (size_t i = 0; i < ROWS * n_features; i++)
            rows[i] = i % 11 == 4 ? NAN : cos((double)i * 0.7) * (double)(i % 5);
        FUZZ_ASSERT(pdrift_observe_batch(m, rows, ROWS) == PDRIFT_OK);
        free(rows);
    }
    double returns[30], errors[70];
    for (size_t i = 0; i < 30; i++)
        returns[i] = 0.02 * sin((double)i * 1.3);
    for (size_t i = 0; i < 70; i++)
        errors[i] = (double)(i % 4 == 1);
    FUZZ_ASSERT(pdrift_observe_returns(m, returns, 30) == PDRIFT_OK);
    /* live errors need reference errors: only when the snapshot brought them */
    int rc = pdrift_observe_errors(m, errors, 70);
    FUZZ_ASSERT(rc == PDRIFT_OK || rc == PDRIFT_ESTATE);
}

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* Two monitors with the same baseline and observations give the same results. */
static void check_same_results(const pdrift_monitor *a, const pdrift_monitor *b, size_t n_features)
{
    for (int key = PDRIFT_RESULT_PSI_MAX; key <= PDRIFT_RESULT_ADDM_MEAN_Z; key++) {
        double x = NAN, y = NAN;
        int rx = pdrift_result_get(a, (pdrift_result_key)key, &x);
        int ry = pdrift_result_get(b, (pdrift_result_key)key, &y);
        FUZZ_ASSERT(rx == ry);
        if (!same_double(x, y))
            fprintf(stderr, "result %d: %.17g after the round trip, %.17g before\n", key, y, x);
        FUZZ_ASSERT(same_double(x, y));
    }
    for (size_t i = 0; i < n_features; i++) {
        FUZZ_ASSERT(strcmp(pdrift_feature_name(a, i), pdrift_feature_name(b, i)) == 0);
        for (int key = PDRIFT_FEATURE_STATUS; key <= PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT; key++) {
            double x = NAN, y = NAN;
            FUZZ_ASSERT(pdrift_result_feature(a, i, (pdrift_feature_key)key, &x) == PDRIFT_OK);
            FUZZ_ASSERT(pdrift_result_feature(b, i, (pdrift_feature_key)key, &y) == PDRIFT_OK);
            if (!same_double(x, y))
                fprintf(stderr, "feature %zu, key %d: %.17g after the round trip, %.17g before\n", i,
                        key, y, x);
            FUZZ_ASSERT(same_double(x, y));
        }
    }
}

/* A baseline that came from a snapshot holds only what the API would have
 * built: pdrift_baseline_set's distinct, non-empty names and consistent
 * counts, pdrift_baseline_returns' finite returns, pdrift_baseline_metrics'
 * ranges, pdrift_baseline_errors' finite, non-negative errors. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_loaded_state(const pdrift_monitor *m)
{
    const pdrift__baseline *b = &m->baseline;
    FUZZ_ASSERT(b->n_features > 0 && b->n_rows > 0);
    const char **names = malloc(b->n_features * sizeof *names);
    FUZZ_ASSERT(names != NULL);
    for (size_t f = 0; f < b->n_features; f++) {
        const pdrift__baseline_feature *bf = &b->features[f];
        FUZZ_ASSERT(bf->name != NULL && bf->name[0] != '\0');
        names[f] = bf->name;
        FUZZ_ASSERT(bf->n_values + bf->n_missing == b->n_rows);
        FUZZ_ASSERT(bf->tau >= 1.0);
        for (size_t i = 0; i < bf->n_values; i++)
            FUZZ_ASSERT(!isnan(bf->sorted[i]) && (i == 0 || bf->sorted[i - 1] <= bf->sorted[i]));
        if (bf->n_values == 0)
            continue;
        FUZZ_ASSERT(bf->n_cuts >= 1 && bf->n_cuts < m->settings.psi.bins);
        for (size_t i = 0; i < bf->n_cuts; i++)
            FUZZ_ASSERT(!isnan(bf->cuts[i]) && (i == 0 || bf->cuts[i - 1] < bf->cuts[i]));
        /* the counts are the sorted values' bins */
        size_t *recount = malloc((bf->n_cuts + 1) * sizeof *recount);
        FUZZ_ASSERT(recount != NULL);
        pdrift__psi_count(bf->sorted, bf->n_values, bf->cuts, bf->n_cuts, recount);
        for (size_t i = 0; i <= bf->n_cuts; i++)
            FUZZ_ASSERT(recount[i] == bf->counts[i]);
        free(recount);
    }
    qsort(names, b->n_features, sizeof *names, by_name);
    for (size_t f = 1; f < b->n_features; f++)
        FUZZ_ASSERT(strcmp(names[f - 1], names[f]) != 0);
    free(names);

    const pdrift__performance *p = &m->performance;
    if (p->source == PDRIFT__PERFORMANCE_RETURNS) {
        FUZZ_ASSERT(p->n_returns > 0 && m->performance_returns != NULL);
        for (size_t i = 0; i < p->n_returns; i++)
            FUZZ_ASSERT(isfinite(m->performance_returns[i]));
    } else if (p->source == PDRIFT__PERFORMANCE_METRICS) {
        FUZZ_ASSERT(!(isnan(p->sharpe) && isnan(p->max_drawdown) && isnan(p->win_rate)));
        FUZZ_ASSERT(!isinf(p->sharpe));
        FUZZ_ASSERT(fuzz_nan_or_within(p->max_drawdown, -1.0, 0.0));
        FUZZ_ASSERT(fuzz_nan_or_within(p->win_rate, 0.0, 1.0));
    } else {
        FUZZ_ASSERT(p->source == PDRIFT__PERFORMANCE_NONE);
    }
    FUZZ_ASSERT(p->wins <= p->decided);
    for (size_t i = 0; i < m->errors.n_reference; i++)
        FUZZ_ASSERT(isfinite(m->errors.reference[i]) && m->errors.reference[i] >= 0.0);
}

/* Mapped, the same file: refused at load, or by the first call that reads
 * a damaged block (a save reads them all), or the results of the file read
 * whole (eager: that monitor after its detection, or NULL if it refused). */
static void check_mapped(const char *path, const pdrift_monitor *eager)
{
    pdrift_monitor *m = monitor(2);
    int rc = pdrift_baseline_load(m, path);
    FUZZ_ASSERT(eager == NULL || rc == PDRIFT_OK);
    if (rc != PDRIFT_OK) {
        FUZZ_ASSERT(rc == PDRIFT_ECORRUPT || rc == PDRIFT_EVERSION || rc == PDRIFT_ENOMEM || rc == PDRIFT_EDATA);
        pdrift_monitor_free(m);
        return;
    }
    size_t n_features = 0;
    FUZZ_ASSERT(pdrift_feature_count(m, &n_features) == PDRIFT_OK && n_features > 0);
    observe(m, n_features);
    rc = pdrift_detect(m);
    FUZZ_ASSERT(rc == PDRIFT_OK || (eager == NULL && rc == PDRIFT_ECORRUPT));
    if (rc == PDRIFT_OK)
        fuzz_check_detection(m);
    if (eager != NULL)
        check_same_results(eager, m, n_features);
    rc = pdrift_baseline_save(m, fuzz_scratch_path("c.pdsnap"));
    FUZZ_ASSERT(eager != NULL ? rc == PDRIFT_OK : rc == PDRIFT_ECORRUPT);
    pdrift_monitor_free(m);
}

static void load(const char *path, int other_bins)
{
    pdrift_monitor *m = monitor(other_bins);
    int rc = pdrift_baseline_load(m, path);
    const char *msg = pdrift_errmsg(m);
    if (rc != PDRIFT_OK) {
        /* refused with a reason, and nothing half-loaded */
        if (rc != PDRIFT_ECORRUPT && rc != PDRIFT_EVERSION)
            fprintf(stderr, "snapshot refused with %d: %s\n", rc, msg);
        FUZZ_ASSERT(rc == PDRIFT_ECORRUPT || rc == PDRIFT_EVERSION || rc == PDRIFT_ENOMEM ||
                    rc == PDRIFT_EDATA);
        FUZZ_ASSERT(msg[0] != '\0');
        size_t n;
        FUZZ_ASSERT(pdrift_feature_count(m, &n) == PDRIFT_ESTATE);
        pdrift_monitor_free(m);
        if (!other_bins)
            check_mapped(path, NULL);
        return;
    }
    FUZZ_ASSERT(msg[0] == '\0');
    check_loaded_state(m);
    size_t n_features = 0;
    FUZZ_ASSERT(pdrift_feature_count(m, &n_features) == PDRIFT_OK && n_features > 0);
    for (size_t i = 0; i < n_features; i++) {
        const char *name = pdrift_feature_name(m, i);
        FUZZ_ASSERT(name != NULL && name[0] != '\0');
    }

    /* save it and load it back: the same monitor */
    const char *copy = fuzz_scratch_path(other_bins ? "b.pdsnap" : "a.pdsnap");
    FUZZ_ASSERT(pdrift_baseline_save(m, copy) == PDRIFT_OK);
    pdrift_monitor *back = monitor(other_bins);
    rc = pdrift_baseline_load(back, copy);
    if (rc != PDRIFT_OK)
        fprintf(stderr, "a saved snapshot does not load: %s\n", pdrift_errmsg(back));
    FUZZ_ASSERT(rc == PDRIFT_OK);
    size_t n_back = 0;
    FUZZ_ASSERT(pdrift_feature_count(back, &n_back) == PDRIFT_OK && n_back == n_features);

    observe(m, n_features);
    observe(back, n_features);
    FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_OK);
    fuzz_check_detection(m);
    FUZZ_ASSERT(pdrift_detect(back) == PDRIFT_OK);
    check_same_results(m, back, n_features);
    if (!other_bins)
        check_mapped(path, m);
    pdrift_monitor_free(back);
    pdrift_monitor_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char magic[8] = {0x89, 'P', 'D', 'R', 'I', 'F', 'T', '\n'};
    size_t len = (size + 7) / 8 * 8;
    if (len < HEADER + TRAILER)
        len = HEADER + TRAILER;
    unsigned char *file = calloc(len, 1);
    FUZZ_ASSERT(file != NULL);
    if (size)
        memcpy(file, data, size);
    memcpy(file, magic, 8);
    uint64_t v = (uint64_t)len;
    for (int i = 0; i < 8; i++) /* little-endian, whatever the host */
        file[24 + i] = (unsigned char)(v >> (8 * i));
    /* the metadata's checksum, where its end says (the values' block
     * checksums are left to the reader to refuse) */
    uint64_t meta_end = 0;
    if (len >= HEADER + 16)
        for (int i = 0; i < 8; i++)
            meta_end |= (uint64_t)file[HEADER + i] << (8 * i);
    if (meta_end % 8 == 0 && meta_end >= HEADER + 16 && meta_end <= len - TRAILER) {
        v = pdrift__snapshot_hash(file, (size_t)meta_end);
        for (int i = 0; i < 8; i++)
            file[meta_end + (size_t)i] = (unsigned char)(v >> (8 * i));
    }
    const char *path = fuzz_write_input(file, len);
    free(file);
    load(path, 0);
    load(path, 1);
    return 0;
}
