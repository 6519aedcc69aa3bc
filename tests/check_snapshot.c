/*
 * check_snapshot.c — baseline snapshots (lib/snapshot.c, docs/snapshot.md):
 * a snapshot loads back to a monitor whose every result is bit-identical to
 * the one built from the data; other PSI settings and the serial correction
 * are honoured; truncated, bit-flipped, inconsistent and future-version files
 * are refused with the right status and never crash; saving is atomic.
 *
 * Expected values come from a second monitor given the same data directly
 * (pdrift_baseline_set, pdrift_baseline_returns, pdrift_baseline_errors):
 * the snapshot must change nothing but the time it takes.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include <ploutos_drift.h>

#include "monitor.h"
#include "golden.h"

static char tmpdir[256];

static void path_of(char *buf, size_t cap, const char *name) { snprintf(buf, cap, "%s/%s", tmpdir, name); }

/* ---- data ------------------------------------------------------------------------ */

#define NF 4
#define NB 1500
#define NC 300
static const char *const NAMES[NF] = {"returns", "volume z", "spread, bps", "sparse"};

static uint64_t rng_state;
static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) * 0x1p-53;
}

/* Row-major rows: an AR(1) feature (serially dependent), a normal one, a
 * discrete one (ties), and one mostly missing. shift moves the distribution. */
static double *make_rows(size_t n, uint64_t seed, double shift)
{
    rng_state = seed;
    double *rows = malloc(n * NF * sizeof *rows);
    double ar = 0.0;
    for (size_t r = 0; r < n; r++) {
        double u1 = uniform(), u2 = uniform();
        double z = sqrt(-2.0 * log(u1 + 1e-300)) * cos(6.283185307179586 * u2);
        ar = 0.8 * ar + z;
        rows[r * NF + 0] = ar + shift;
        rows[r * NF + 1] = z * (1.0 + shift);
        rows[r * NF + 2] = floor(uniform() * 7.0);
        rows[r * NF + 3] = uniform() < 0.9 ? NAN : uniform() + shift;
    }
    return rows;
}

static double *make_series(size_t n, uint64_t seed, double p)
{
    rng_state = seed;
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = p < 0 ? 0.01 * (uniform() - 0.45) : (uniform() < p ? 1.0 : 0.0);
    return x;
}

static pdrift_monitor *monitor_with(int serial, int bins)
{
    pdrift_config *c;
    pdrift_monitor *m;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, serial), PDRIFT_OK);
    if (bins > 0)
        ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_PSI_BINS, bins), PDRIFT_OK);
    ck_assert_int_eq(pdrift_monitor_new(&m, c), PDRIFT_OK);
    pdrift_config_free(c);
    return m;
}

/* The full baseline: features, validation returns and errors. */
static void set_everything(pdrift_monitor *m)
{
    double *rows = make_rows(NB, 11, 0.0);
    double *ret = make_series(400, 12, -1.0);
    double *err = make_series(300, 13, 0.45);
    ck_assert_int_eq(pdrift_baseline_set(m, NAMES, NF, rows, NB), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_returns(m, ret, 400), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_errors(m, err, 300), PDRIFT_OK);
    free(rows);
    free(ret);
    free(err);
}

/* The current data, then detect. */
static void observe_and_detect(pdrift_monitor *m, double shift)
{
    double *rows = make_rows(NC, 21, shift);
    double *ret = make_series(120, 22, -1.0);
    double *err = make_series(100, 23, 0.6);
    ck_assert_int_eq(pdrift_observe_batch(m, rows, NC), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_returns(m, ret, 120), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_errors(m, err, 100), PDRIFT_OK);
    ck_assert_msg(pdrift_detect(m) == PDRIFT_OK, "%s", pdrift_errmsg(m));
    free(rows);
    free(ret);
    free(err);
}

/* Every result getter and every feature getter agree bit for bit. */
static void assert_same_results(const pdrift_monitor *a, const pdrift_monitor *b)
{
    for (int k = 1; k <= 32; k++) {
        double x, y;
        int ra = pdrift_result_get(a, (pdrift_result_key)k, &x);
        int rb = pdrift_result_get(b, (pdrift_result_key)k, &y);
        ck_assert_int_eq(ra, rb);
        ck_assert_msg(golden_same_bits(x, y), "result key %d: %.17g vs %.17g", k, x, y);
    }
    for (size_t f = 0; f < NF; f++)
        for (int k = 1; k <= 18; k++) {
            double x, y;
            ck_assert_int_eq(pdrift_result_feature(a, f, (pdrift_feature_key)k, &x), PDRIFT_OK);
            ck_assert_int_eq(pdrift_result_feature(b, f, (pdrift_feature_key)k, &y), PDRIFT_OK);
            ck_assert_msg(golden_same_bits(x, y), "feature %zu key %d: %.17g vs %.17g", f, k, x, y);
        }
    pdrift_severity sa, sb;
    pdrift_action aa, ab;
    pdrift_result_severity(a, &sa);
    pdrift_result_severity(b, &sb);
    pdrift_result_action(a, &aa);
    pdrift_result_action(b, &ab);
    ck_assert_int_eq(sa, sb);
    ck_assert_int_eq(aa, ab);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(*len ? *len : 1);
    ck_assert_uint_eq(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

static void spit(const char *path, const unsigned char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    fclose(f);
}

/* A good snapshot of the full baseline at path. */
static void write_snapshot(const char *path, int serial)
{
    pdrift_monitor *m = monitor_with(serial, 0);
    set_everything(m);
    ck_assert_msg(pdrift_baseline_save(m, path) == PDRIFT_OK, "%s", pdrift_errmsg(m));
    pdrift_monitor_free(m);
}

/* The status of loading path into a fresh monitor (and its message). */
static int load_status(const char *path, char *msg, size_t cap)
{
    pdrift_monitor *m = monitor_with(1, 0);
    int rc = pdrift_baseline_load(m, path);
    if (msg)
        snprintf(msg, cap, "%s", pdrift_errmsg(m));
    if (rc == PDRIFT_OK) { /* a loaded baseline must be usable */
        double *rows = make_rows(50, 5, 0.0);
        size_t nf = 0;
        pdrift_feature_count(m, &nf);
        if (nf == NF)
            pdrift_observe_batch(m, rows, 50);
        pdrift_detect(m);
        free(rows);
    }
    pdrift_monitor_free(m);
    return rc;
}

/* Format 3 (docs/snapshot.md): the metadata ends at the u64 at byte 64,
 * where its checksum lies; the values start at the u64 at byte 72. The test
 * host is little-endian, as the format. */
static size_t u64_at(const unsigned char *buf, size_t off)
{
    uint64_t v;
    memcpy(&v, buf + off, 8);
    return (size_t)v;
}
static size_t meta_end_of(const unsigned char *buf) { return u64_at(buf, 64); }
static size_t data_at_of(const unsigned char *buf) { return u64_at(buf, 72); }

/* The metadata's checksum, at meta_end, refreshed as a faulty writer would. */
static void reseal_meta(unsigned char *buf, size_t meta_end)
{
    uint64_t sum = pdrift__snapshot_hash(buf, meta_end);
    memcpy(buf + meta_end, &sum, 8);
}

/* Patch a u64 at off and refresh the checksum, so only the bounds checks
 * stand between the file and the monitor. */
static void patch_u64(unsigned char *buf, size_t len, size_t off, uint64_t v)
{
    size_t meta_end = meta_end_of(buf);
    ck_assert_uint_le(meta_end + 8, len);
    memcpy(buf + off, &v, 8);
    reseal_meta(buf, meta_end);
}

/* A monitor that maps snapshots (PDRIFT_PARAM_SNAPSHOT_MAP). */
static pdrift_monitor *mapping_monitor(int serial)
{
    pdrift_config *c;
    pdrift_monitor *m;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, serial), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SNAPSHOT_MAP, 1), PDRIFT_OK);
    ck_assert_int_eq(pdrift_monitor_new(&m, c), PDRIFT_OK);
    pdrift_config_free(c);
    return m;
}

/* ---- round trips ------------------------------------------------------------------- */

START_TEST(test_round_trip_is_bit_identical)
{
    for (int serial = 0; serial <= 1; serial++)
        for (int shift = 0; shift <= 1; shift++) {
            char path[512];
            path_of(path, sizeof path, "round.pdb");
            pdrift_monitor *direct = monitor_with(serial, 0);
            set_everything(direct);
            ck_assert_int_eq(pdrift_baseline_save(direct, path), PDRIFT_OK);
            pdrift_monitor *loaded = monitor_with(serial, 0);
            ck_assert_msg(pdrift_baseline_load(loaded, path) == PDRIFT_OK, "%s", pdrift_errmsg(loaded));
            size_t nf = 0;
            ck_assert_int_eq(pdrift_feature_count(loaded, &nf), PDRIFT_OK);
            ck_assert_uint_eq(nf, NF);
            for (size_t f = 0; f < NF; f++)
                ck_assert_str_eq(pdrift_feature_name(loaded, f), NAMES[f]);
            observe_and_detect(direct, shift ? 0.7 : 0.0);
            observe_and_detect(loaded, shift ? 0.7 : 0.0);
            assert_same_results(direct, loaded);
            /* the report differs only in where the baseline came from */
            size_t la, lb;
            pdrift_report_json(direct, NULL, 0, &la);
            pdrift_report_json(loaded, NULL, 0, &lb);
            ck_assert_uint_gt(la, 1000);
            pdrift_monitor_free(direct);
            pdrift_monitor_free(loaded);
        }
}
END_TEST

START_TEST(test_other_psi_bins_and_serial_settings)
{
    char path[512];
    path_of(path, sizeof path, "settings.pdb");
    write_snapshot(path, 0); /* saved without the serial correction: tau not computed */
    /* loaded with 20 bins and the serial correction on: as if built that way */
    pdrift_monitor *direct = monitor_with(1, 20);
    set_everything(direct);
    pdrift_monitor *loaded = monitor_with(1, 20);
    ck_assert_int_eq(pdrift_baseline_load(loaded, path), PDRIFT_OK);
    observe_and_detect(direct, 0.3);
    observe_and_detect(loaded, 0.3);
    assert_same_results(direct, loaded);
    double tau;
    ck_assert_int_eq(pdrift_result_feature(loaded, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME, &tau), PDRIFT_OK);
    ck_assert_msg(tau > 2.0, "AR(1) feature tau %g", tau);
    pdrift_monitor_free(direct);
    pdrift_monitor_free(loaded);
}
END_TEST

START_TEST(test_performance_is_recomputed_with_the_loading_settings)
{
    char path[512];
    path_of(path, sizeof path, "perf.pdb");
    write_snapshot(path, 1);
    pdrift_config *c;
    pdrift_monitor *loaded, *direct;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PERIODS_PER_YEAR, 365.0), PDRIFT_OK);
    ck_assert_int_eq(pdrift_monitor_new(&loaded, c), PDRIFT_OK);
    ck_assert_int_eq(pdrift_monitor_new(&direct, c), PDRIFT_OK);
    pdrift_config_free(c);
    ck_assert_int_eq(pdrift_baseline_load(loaded, path), PDRIFT_OK);
    set_everything(direct);
    observe_and_detect(direct, 0.0);
    observe_and_detect(loaded, 0.0);
    assert_same_results(direct, loaded);
    double n;
    ck_assert_int_eq(pdrift_result_get(loaded, PDRIFT_RESULT_N_RETURNS_BASELINE, &n), PDRIFT_OK);
    ck_assert(n == 400.0);
    pdrift_monitor_free(direct);
    pdrift_monitor_free(loaded);

    /* explicit metrics travel as numbers */
    pdrift_monitor *m = monitor_with(1, 0);
    double *rows = make_rows(NB, 11, 0.0);
    ck_assert_int_eq(pdrift_baseline_set(m, NAMES, NF, rows, NB), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_metrics(m, 1.5, -0.12, 0.55), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_save(m, path), PDRIFT_OK);
    pdrift_monitor *back = monitor_with(1, 0);
    ck_assert_int_eq(pdrift_baseline_load(back, path), PDRIFT_OK);
    double *ret = make_series(60, 3, -1.0);
    ck_assert_int_eq(pdrift_observe_returns(back, ret, 60), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_batch(back, rows, 100), PDRIFT_OK);
    ck_assert_int_eq(pdrift_detect(back), PDRIFT_OK);
    double s, d, w;
    pdrift_result_get(back, PDRIFT_RESULT_SHARPE_BASELINE, &s);
    pdrift_result_get(back, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE, &d);
    pdrift_result_get(back, PDRIFT_RESULT_WIN_RATE_BASELINE, &w);
    ck_assert(s == 1.5 && d == -0.12 && w == 0.55);
    free(rows);
    free(ret);
    pdrift_monitor_free(m);
    pdrift_monitor_free(back);
}
END_TEST

START_TEST(test_csv_baseline_through_a_snapshot)
{
    /* A CSV with a date column and a missing cell: notes and counts survive. */
    char csv[512], snap[512];
    path_of(csv, sizeof csv, "base.csv");
    path_of(snap, sizeof snap, "base.pdb");
    FILE *f = fopen(csv, "w");
    fprintf(f, "Date,a,b\n");
    for (int i = 0; i < 200; i++)
        fprintf(f, "2024-01-%02d,%d,%s\n", 1 + i % 28, (i * 37) % 101, i == 5 ? "" : "0.5");
    fclose(f);
    pdrift_monitor *m = monitor_with(1, 0);
    ck_assert_int_eq(pdrift_baseline_load(m, csv), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_save(m, snap), PDRIFT_OK);
    pdrift_monitor *s = monitor_with(1, 0);
    ck_assert_int_eq(pdrift_baseline_load(s, snap), PDRIFT_OK);
    const double row[2] = {50.0, 0.5};
    for (int i = 0; i < 60; i++) {
        ck_assert_int_eq(pdrift_observe_batch(m, row, 1), PDRIFT_OK);
        ck_assert_int_eq(pdrift_observe_batch(s, row, 1), PDRIFT_OK);
    }
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_OK);
    ck_assert_int_eq(pdrift_detect(s), PDRIFT_OK);
    double ma, mb;
    pdrift_result_feature(m, 1, PDRIFT_FEATURE_MISSING_BASELINE, &ma);
    pdrift_result_feature(s, 1, PDRIFT_FEATURE_MISSING_BASELINE, &mb);
    ck_assert(ma == 1.0 / 200.0 && mb == ma);
    size_t len;
    pdrift_report_json(s, NULL, 0, &len);
    char *json = malloc(len);
    pdrift_report_json(s, json, len, &len);
    ck_assert_msg(strstr(json, "column \\\"Date\\\" skipped") != NULL, "the CSV's notes travel");
    ck_assert_msg(strstr(json, "base.pdb") != NULL, "the source is the snapshot");
    free(json);
    pdrift_monitor_free(m);
    pdrift_monitor_free(s);
}
END_TEST

/* ---- hostile files -------------------------------------------------------------------- */

START_TEST(test_truncated_files)
{
    char path[512], cut[512], msg[1024];
    path_of(path, sizeof path, "full.pdb");
    path_of(cut, sizeof cut, "cut.pdb");
    write_snapshot(path, 1);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    size_t lengths[] = {8, 9, 63, 64, 71, 72, 100, len / 2, len - 9, len - 8, len - 1};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        spit(cut, buf, lengths[i]);
        int rc = load_status(cut, msg, sizeof msg);
        ck_assert_msg(rc == PDRIFT_ECORRUPT, "%zu bytes: %d %s", lengths[i], rc, msg);
        ck_assert_msg(strstr(msg, "cut.pdb") && strstr(msg, "truncated"), "%s", msg);
    }
    /* trailing garbage */
    unsigned char *longer = malloc(len + 8);
    memcpy(longer, buf, len);
    memset(longer + len, 0, 8);
    spit(cut, longer, len + 8);
    ck_assert_int_eq(load_status(cut, msg, sizeof msg), PDRIFT_ECORRUPT);
    free(longer);
    free(buf);
}
END_TEST

START_TEST(test_every_bit_flip_is_refused)
{
    char path[512], bad[512], msg[1024];
    path_of(path, sizeof path, "flip.pdb");
    path_of(bad, sizeof bad, "flipped.pdb");
    write_snapshot(path, 1);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    rng_state = 99;
    int corrupt = 0, version = 0, format = 0;
    for (int trial = 0; trial < 400; trial++) {
        /* the header bytes one by one, then random positions */
        size_t pos = trial < 64 ? (size_t)trial : (size_t)(uniform() * (double)len);
        unsigned char bit = (unsigned char)(1u << (trial % 8));
        buf[pos] ^= bit;
        spit(bad, buf, len);
        int rc = load_status(bad, msg, sizeof msg);
        buf[pos] ^= bit;
        /* a flipped magic is not a snapshot: read as CSV, refused as such */
        ck_assert_msg(rc == PDRIFT_ECORRUPT || rc == PDRIFT_EVERSION || (pos < 8 && rc != PDRIFT_OK),
                      "byte %zu bit %u: %d %s", pos, bit, rc, msg);
        corrupt += rc == PDRIFT_ECORRUPT;
        version += rc == PDRIFT_EVERSION;
        format += pos < 8;
    }
    ck_assert_int_gt(corrupt, 300);
    ck_assert_int_gt(version, 0); /* the version field's high bits */
    free(buf);
}
END_TEST

START_TEST(test_future_version)
{
    char path[512], msg[1024];
    path_of(path, sizeof path, "future.pdb");
    write_snapshot(path, 1);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    buf[8] = 5; /* format 5 */
    reseal_meta(buf, meta_end_of(buf));
    spit(path, buf, len);
    ck_assert_int_eq(load_status(path, msg, sizeof msg), PDRIFT_EVERSION);
    ck_assert_msg(strstr(msg, "format 5") && strstr(msg, "newer") && strstr(msg, "pdrift baseline"), "%s", msg);
    /* formats 1 to 3, the pre-release ones: also refused, with the way out */
    for (unsigned char old = 1; old <= 3; old++) {
        buf[8] = old;
        reseal_meta(buf, meta_end_of(buf));
        spit(path, buf, len);
        ck_assert_int_eq(load_status(path, msg, sizeof msg), PDRIFT_EVERSION);
        char want[32];
        snprintf(want, sizeof want, "format %u", old);
        ck_assert_msg(strstr(msg, want) && strstr(msg, "pdrift baseline"), "%s", msg);
    }
    free(buf);
}
END_TEST

START_TEST(test_consistent_checksum_inconsistent_content)
{
    char path[512], bad[512], msg[1024];
    path_of(path, sizeof path, "lies.pdb");
    path_of(bad, sizeof bad, "lies2.pdb");
    write_snapshot(path, 1);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    /* header counts: huge features, zero rows, huge rows */
    const struct { size_t off; uint64_t v; } lies[] = {
        {32, UINT64_C(1) << 60}, {32, 0}, {32, NF + 1}, {40, 0}, {40, UINT64_C(1) << 62}, {40, 10},
        {80, UINT64_C(1) << 61}, /* the origin string's length */
        {64, 8}, {64, UINT64_C(1) << 62}, {72, 16}, {72, UINT64_C(1) << 62}, /* the parts' offsets */
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        unsigned char *copy = malloc(len);
        memcpy(copy, buf, len);
        patch_u64(copy, len, lies[i].off, lies[i].v);
        spit(bad, copy, len);
        int rc = load_status(bad, msg, sizeof msg);
        ck_assert_msg(rc == PDRIFT_ECORRUPT, "lie %zu: %d %s", i, rc, msg);
        free(copy);
    }
    /* every u64 of the body replaced by a huge count, one at a time */
    for (size_t off = 64; off + 8 < len && off < 64 + 8 * 200; off += 8) {
        unsigned char *copy = malloc(len);
        memcpy(copy, buf, len);
        patch_u64(copy, len, off, UINT64_C(0xFFFFFFFFFFFFFFF0));
        spit(bad, copy, len);
        int rc = load_status(bad, msg, sizeof msg);
        ck_assert_msg(rc == PDRIFT_ECORRUPT || rc == PDRIFT_OK, "offset %zu: %d %s", off, rc, msg);
        free(copy);
    }
    free(buf);
}
END_TEST

START_TEST(test_save_errors_and_atomicity)
{
    char path[512], dir[512];
    path_of(path, sizeof path, "keep.pdb");
    pdrift_monitor *m = monitor_with(1, 0);
    ck_assert_int_eq(pdrift_baseline_save(m, path), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_baseline_save(NULL, path), PDRIFT_EINVAL);
    set_everything(m);
    ck_assert_int_eq(pdrift_baseline_save(m, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_save(m, path), PDRIFT_OK);
    size_t len;
    unsigned char *before = slurp(path, &len);
    path_of(dir, sizeof dir, "no-such-dir/x.pdb");
    ck_assert_int_eq(pdrift_baseline_save(m, dir), PDRIFT_EIO);
    ck_assert_msg(strstr(pdrift_errmsg(m), "no-such-dir/x.pdb") != NULL, "%s", pdrift_errmsg(m));
    /* a directory in the way of the rename: the old file is untouched */
    char blocked[512];
    path_of(blocked, sizeof blocked, "blocked.pdb");
    ck_assert_int_eq(mkdir(blocked, 0755), 0);
    ck_assert_int_eq(pdrift_baseline_save(m, blocked), PDRIFT_EIO);
    rmdir(blocked);
    size_t len2;
    unsigned char *after = slurp(path, &len2);
    ck_assert_uint_eq(len, len2);
    ck_assert_int_eq(memcmp(before, after, len), 0);
    /* no temporary file left behind */
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        ck_assert_msg(strstr(e->d_name, ".tmp.") == NULL, "left %s", e->d_name);
    closedir(d);
    free(before);
    free(after);
    /* loading a directory or a missing file is EIO, not a crash */
    char msg[1024];
    ck_assert_int_eq(load_status(tmpdir, msg, sizeof msg), PDRIFT_EIO);
    path_of(path, sizeof path, "absent.pdb");
    ck_assert_int_eq(load_status(path, msg, sizeof msg), PDRIFT_EIO);
    pdrift_monitor_free(m);
}
END_TEST

/* ---- the calibration cache ------------------------------------------------------------ */

/* The serial calibration's null is kept per window length (detect.c): a
 * monitor that detects again — with the same length or another one — gives
 * the same bits as a fresh monitor that detects once on the same rows. */
START_TEST(test_repeated_detect_equals_fresh)
{
    double *rows = make_rows(700, 31, 0.2);
    pdrift_monitor *again = monitor_with(1, 0);
    set_everything(again);
    size_t sizes[] = {300, 300, 400, 300};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ck_assert_int_eq(pdrift_window_reset(again), PDRIFT_OK);
        ck_assert_int_eq(pdrift_observe_batch(again, rows, sizes[i]), PDRIFT_OK);
        ck_assert_int_eq(pdrift_detect(again), PDRIFT_OK);
        pdrift_monitor *fresh = monitor_with(1, 0);
        set_everything(fresh);
        ck_assert_int_eq(pdrift_observe_batch(fresh, rows, sizes[i]), PDRIFT_OK);
        ck_assert_int_eq(pdrift_detect(fresh), PDRIFT_OK);
        assert_same_results(again, fresh);
        double windows;
        ck_assert_int_eq(pdrift_result_feature(again, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME, &windows), PDRIFT_OK);
        ck_assert_msg(windows > 1.5, "feature 0 must take the windows calibration (tau %g)", windows);
        pdrift_monitor_free(fresh);
    }
    pdrift_monitor_free(again);
    free(rows);
}
END_TEST

/* A calibration computed ahead (pdrift_baseline_calibrate) and kept in the
 * snapshot changes no result, is what a detect would compute, and survives
 * load and save: the snapshot re-saved from the loaded monitor is the same
 * file byte for byte, while one saved without it differs. */
START_TEST(test_calibration_kept_in_snapshot)
{
    char plain[512], calibrated[512], again[512];
    path_of(plain, sizeof plain, "plain.pdb");
    path_of(calibrated, sizeof calibrated, "calibrated.pdb");
    path_of(again, sizeof again, "again.pdb");
    pdrift_monitor *direct = monitor_with(1, 0);
    set_everything(direct);
    ck_assert_int_eq(pdrift_baseline_calibrate(direct, 0), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_save(direct, plain), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_calibrate(direct, NC), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_save(direct, calibrated), PDRIFT_OK);
    pdrift_monitor *loaded = monitor_with(1, 0);
    ck_assert_msg(pdrift_baseline_load(loaded, calibrated) == PDRIFT_OK, "%s", pdrift_errmsg(loaded));
    ck_assert_int_eq(pdrift_baseline_save(loaded, again), PDRIFT_OK);
    size_t la, lb, lp;
    unsigned char *a = slurp(calibrated, &la), *b = slurp(again, &lb), *p = slurp(plain, &lp);
    ck_assert_uint_ge(la, lp + 2 * 8 * 200); /* feature 0 (AR) has its null in it */
    /* byte for byte: the metadata after the header and the origin string
     * (the source the baseline came from: memory, then the snapshot), and
     * the values */
    size_t ea = meta_end_of(a), eb = meta_end_of(b), tail = (ea < eb ? ea : eb) - 600;
    ck_assert_msg(memcmp(a + ea - tail, b + eb - tail, tail) == 0, "re-saved snapshot's metadata differs");
    ck_assert_uint_eq(la - data_at_of(a), lb - data_at_of(b));
    ck_assert_msg(memcmp(a + data_at_of(a), b + data_at_of(b), la - data_at_of(a)) == 0,
                  "re-saved snapshot's values differ");
    /* results: a monitor built from the data, uncalibrated, detects the same */
    pdrift_monitor *fresh = monitor_with(1, 0);
    set_everything(fresh);
    observe_and_detect(fresh, 0.3);
    observe_and_detect(loaded, 0.3);
    assert_same_results(fresh, loaded);
    double windows;
    ck_assert_int_eq(pdrift_result_feature(loaded, 0, PDRIFT_FEATURE_AUTOCORRELATION_TIME, &windows), PDRIFT_OK);
    ck_assert_msg(windows > 1.5, "feature 0 must take the windows calibration (tau %g)", windows);
    /* a monitor with other PSI settings ignores the kept null and computes its own */
    pdrift_monitor *other = monitor_with(1, 20), *other_fresh = monitor_with(1, 20);
    ck_assert_int_eq(pdrift_baseline_load(other, calibrated), PDRIFT_OK);
    set_everything(other_fresh);
    observe_and_detect(other, 0.3);
    observe_and_detect(other_fresh, 0.3);
    assert_same_results(other, other_fresh);
    free(a);
    free(b);
    free(p);
    pdrift_monitor_free(direct);
    pdrift_monitor_free(loaded);
    pdrift_monitor_free(fresh);
    pdrift_monitor_free(other);
    pdrift_monitor_free(other_fresh);
}
END_TEST

/* ---- input limits (PDRIFT_PARAM_MAX_*) -------------------------------------------------- */

/* The status of loading path under one limit, and its message. */
static int load_limited(const char *path, pdrift_param limit, long long value, char *msg, size_t cap)
{
    pdrift_config *c;
    pdrift_monitor *m;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, limit, value), PDRIFT_OK);
    ck_assert_int_eq(pdrift_monitor_new(&m, c), PDRIFT_OK);
    pdrift_config_free(c);
    int rc = pdrift_baseline_load(m, path);
    snprintf(msg, cap, "%s", pdrift_errmsg(m));
    pdrift_monitor_free(m);
    return rc;
}

/* Each limit at the snapshot's own size passes and one less is refused
 * (PDRIFT_EDATA, naming the file, the limit and its parameter); counts the
 * file's size rules out stay damage (PDRIFT_ECORRUPT) whatever the limits. */
START_TEST(test_limits)
{
    char path[512], bad[512], msg[1024], want[1024];
    path_of(path, sizeof path, "limits.pdb");
    path_of(bad, sizeof bad, "limits_lie.pdb");
    write_snapshot(path, 1);
    size_t len;
    unsigned char *buf = slurp(path, &len);

    ck_assert_int_eq(load_limited(path, PDRIFT_PARAM_MAX_MEMORY, (long long)len, msg, sizeof msg), PDRIFT_OK);
    ck_assert_int_eq(load_limited(path, PDRIFT_PARAM_MAX_MEMORY, (long long)len - 1, msg, sizeof msg),
                     PDRIFT_EDATA);
    snprintf(want, sizeof want, "%s: snapshot of %zu bytes, more than %zu bytes, the limit max_memory "
             "(raise the parameter max_memory to read it)", path, len, len - 1);
    ck_assert_str_eq(msg, want);

    ck_assert_int_eq(load_limited(path, PDRIFT_PARAM_MAX_COLUMNS, NF, msg, sizeof msg), PDRIFT_OK);
    ck_assert_int_eq(load_limited(path, PDRIFT_PARAM_MAX_COLUMNS, NF - 1, msg, sizeof msg), PDRIFT_EDATA);
    snprintf(want, sizeof want, "%s: snapshot of %d features, more than %d, the limit max_columns (raise "
             "the parameter max_columns to read it)", path, NF, NF - 1);
    ck_assert_str_eq(msg, want);

    ck_assert_int_eq(load_limited(path, PDRIFT_PARAM_MAX_ROWS, NB, msg, sizeof msg), PDRIFT_OK);
    ck_assert_int_eq(load_limited(path, PDRIFT_PARAM_MAX_ROWS, NB - 1, msg, sizeof msg), PDRIFT_EDATA);
    snprintf(want, sizeof want, "%s: snapshot of %d rows, more than %d, the limit max_rows (raise the "
             "parameter max_rows to read it)", path, NB, NB - 1);
    ck_assert_str_eq(msg, want);

    /* impossible counts are damage, not a limit */
    const struct { size_t off; uint64_t v; pdrift_param limit; } lies[] = {
        {32, UINT64_C(1) << 60, PDRIFT_PARAM_MAX_COLUMNS}, {40, UINT64_C(1) << 62, PDRIFT_PARAM_MAX_ROWS},
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        unsigned char *copy = malloc(len);
        memcpy(copy, buf, len);
        patch_u64(copy, len, lies[i].off, lies[i].v);
        spit(bad, copy, len);
        ck_assert_int_eq(load_limited(bad, lies[i].limit, 1, msg, sizeof msg), PDRIFT_ECORRUPT);
        free(copy);
    }
    free(buf);
}
END_TEST

/* ---- found by tests/fuzz/fuzz_snapshot ---------------------------------------------- */

/* Offset of the first occurrence of the n bytes pat in buf, or len. */
static size_t find_bytes(const unsigned char *buf, size_t len, const void *pat, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, pat, n) == 0)
            return i;
    return len;
}

/* Write the file size and the checksum, as a faulty writer would. */
static void reseal(unsigned char *buf, size_t len)
{
    uint64_t size = len;
    memcpy(buf + 24, &size, 8);
    reseal_meta(buf, meta_end_of(buf));
}

/* Load a sealed lie into a monitor that has a good baseline: refused as
 * damaged, and the good baseline is still there (a failed call changes nothing). */
static void assert_refused_intact(const char *what, unsigned char *buf, size_t len)
{
    char path[512];
    path_of(path, sizeof path, "fuzz-finding.pdb");
    reseal(buf, len);
    spit(path, buf, len);
    static const char *const names[2] = {"kept", "also kept"};
    const double rows[6] = {1, 2, 3, 4, 5, 6};
    pdrift_monitor *m = monitor_with(1, 0);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 2, rows, 3), PDRIFT_OK);
    int rc = pdrift_baseline_load(m, path);
    ck_assert_msg(rc == PDRIFT_ECORRUPT, "%s: %d %s", what, rc, pdrift_errmsg(m));
    size_t nf = 0;
    ck_assert_int_eq(pdrift_feature_count(m, &nf), PDRIFT_OK);
    ck_assert_uint_eq(nf, 2);
    ck_assert_str_eq(pdrift_feature_name(m, 1), "also kept");
    pdrift_monitor_free(m);
}

/* Snapshots that match their checksum but hold what the API refuses (corpus
 * files tests/fuzz/corpus/snapshot/<name>): reference errors announced by
 * the flag but none given (the load failed with EINVAL after installing the
 * baseline), explicit metrics out of range (a win rate of 5 made the report's
 * win-rate change -4.5), a non-finite baseline return, two features with one
 * name, PSI cuts out of order or counts that are not the values' bins (PSI
 * computed on them). */
START_TEST(test_fuzz_findings)
{
    char path[512];
    path_of(path, sizeof path, "fuzz-source.pdb");
    static const char *const names[3] = {"a", "never", "flat"};
    double rows[3 * 40], returns[30], errors[5] = {0, 1, 0, 0, 1};
    for (size_t i = 0; i < 40; i++) {
        rows[i * 3] = sin((double)i);
        rows[i * 3 + 1] = NAN;
        rows[i * 3 + 2] = 2.5;
    }
    for (size_t i = 0; i < 30; i++)
        returns[i] = 0.01 * cos((double)i);
    pdrift_monitor *m = monitor_with(1, 0);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 3, rows, 40), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_returns(m, returns, 30), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_errors(m, errors, 5), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_save(m, path), PDRIFT_OK);
    size_t len;
    unsigned char *buf = slurp(path, &len);

    /* errors-flag-without-errors: the metadata ends with u64 5 and five
     * errors; they are cut out (the padding before the values grows) */
    unsigned char *lie = malloc(len);
    memcpy(lie, buf, len);
    size_t meta_end = meta_end_of(buf);
    ck_assert_uint_eq(u64_at(lie, meta_end - 5 * 8 - 8), 5);
    memset(lie + meta_end - 5 * 8 - 8, 0, 8 + 5 * 8 + 8);
    uint64_t shorter = meta_end - 5 * 8;
    memcpy(lie + 64, &shorter, 8);
    assert_refused_intact("no reference error", lie, len);

    /* infinite-baseline-return */
    memcpy(lie, buf, len);
    size_t at = find_bytes(lie, len, &returns[3], 8);
    ck_assert_uint_lt(at, len);
    const double inf = INFINITY;
    memcpy(lie + at, &inf, 8);
    assert_refused_intact("an infinite return", lie, len);

    /* duplicate-feature-names: "never" (5 bytes) becomes "flat" */
    memcpy(lie, buf, len);
    const unsigned char never[13] = {5, 0, 0, 0, 0, 0, 0, 0, 'n', 'e', 'v', 'e', 'r'};
    at = find_bytes(lie, len, never, sizeof never);
    ck_assert_uint_lt(at, len);
    memcpy(lie + at, "\4\0\0\0\0\0\0\0flat\0\0\0\0", 16);
    assert_refused_intact("a name twice", lie, len);

    /* unsorted-psi-cuts: feature "a"'s first two cuts swapped; then one value
     * moved from its first bin to its second (the total unchanged) */
    const pdrift__baseline_feature *fa = &m->baseline.features[0];
    ck_assert_uint_ge(fa->n_cuts, 2);
    memcpy(lie, buf, len);
    at = find_bytes(lie, len, fa->cuts, 2 * sizeof(double));
    ck_assert_uint_lt(at, len);
    memcpy(lie + at, &fa->cuts[1], 8);
    memcpy(lie + at + 8, &fa->cuts[0], 8);
    assert_refused_intact("unsorted cuts", lie, len);
    memcpy(lie, buf, len);
    uint64_t counts[2] = {fa->counts[0], fa->counts[1]};
    at = find_bytes(lie, len, counts, sizeof counts);
    ck_assert_uint_lt(at, len);
    counts[0]--;
    counts[1]++;
    memcpy(lie + at, counts, sizeof counts);
    assert_refused_intact("counts that are not the values' bins", lie, len);
    free(lie);
    free(buf);

    /* metrics-win-rate-out-of-range, and the other explicit numbers */
    static const double metrics[4][3] = {{1.0, -0.1, 5.0}, {1.0, -0.1, -0.01}, {1.0, -1.5, 0.5},
                                         {INFINITY, -0.1, 0.5}};
    for (size_t k = 0; k < 4; k++) {
        ck_assert_int_eq(pdrift_baseline_metrics(m, 1.25, -0.125, 0.625), PDRIFT_OK);
        ck_assert_int_eq(pdrift_baseline_save(m, path), PDRIFT_OK);
        buf = slurp(path, &len);
        const double good[3] = {1.25, -0.125, 0.625};
        at = find_bytes(buf, len, good, sizeof good);
        ck_assert_uint_lt(at, len);
        memcpy(buf + at, metrics[k], sizeof metrics[k]);
        assert_refused_intact("explicit metrics out of range", buf, len);
        free(buf);
    }
    pdrift_monitor_free(m);
}
END_TEST

/* ---- mapped snapshots (PDRIFT_PARAM_SNAPSHOT_MAP) ------------------------------------ */

/* A last feature with no value ends the file with empty arrays: loaded and
 * freed both ways (found by fuzz_snapshot: the empty places pointed one past
 * the buffer, which then freed them as if they were its own). */
START_TEST(test_empty_last_feature)
{
    char path[512];
    path_of(path, sizeof path, "empty-last.pdb");
    static const char *const names[2] = {"a", "never"};
    double rows[2 * 40];
    for (size_t i = 0; i < 40; i++) {
        rows[i * 2] = sin((double)i);
        rows[i * 2 + 1] = NAN;
    }
    pdrift_monitor *m = monitor_with(1, 0);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 2, rows, 40), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_save(m, path), PDRIFT_OK);
    for (int mapped = 0; mapped <= 1; mapped++) {
        pdrift_monitor *back = mapped ? mapping_monitor(1) : monitor_with(1, 0);
        ck_assert_msg(pdrift_baseline_load(back, path) == PDRIFT_OK, "%s", pdrift_errmsg(back));
        ck_assert_int_eq(pdrift_observe_batch(back, rows, 40), PDRIFT_OK);
        ck_assert_int_eq(pdrift_detect(back), PDRIFT_OK);
        pdrift_monitor_free(back);
    }
    pdrift_monitor_free(m);
}
END_TEST

/* Mapped, a snapshot gives the results of the same file read whole, bit for
 * bit, and saves back the same values. */
START_TEST(test_mapped_equals_read)
{
    for (int serial = 0; serial <= 1; serial++) {
        char path[512], again[512];
        path_of(path, sizeof path, "mapped.pdb");
        path_of(again, sizeof again, "mapped-again.pdb");
        write_snapshot(path, serial);
        pdrift_monitor *read_whole = monitor_with(serial, 0), *mapped = mapping_monitor(serial);
        ck_assert_int_eq(pdrift_baseline_load(read_whole, path), PDRIFT_OK);
        ck_assert_msg(pdrift_baseline_load(mapped, path) == PDRIFT_OK, "%s", pdrift_errmsg(mapped));
        observe_and_detect(read_whole, 0.4);
        observe_and_detect(mapped, 0.4);
        assert_same_results(read_whole, mapped);
        ck_assert_int_eq(pdrift_baseline_save(mapped, again), PDRIFT_OK);
        size_t la, lb;
        unsigned char *a = slurp(path, &la), *b = slurp(again, &lb);
        ck_assert_uint_eq(la - data_at_of(a), lb - data_at_of(b));
        ck_assert(memcmp(a + data_at_of(a), b + data_at_of(b), la - data_at_of(a)) == 0);
        free(a);
        free(b);
        pdrift_monitor_free(read_whole);
        pdrift_monitor_free(mapped);
    }
}
END_TEST

/* A flipped bit among the values: read whole, the load refuses it; mapped,
 * the load takes it, and each later call either refuses it
 * (PDRIFT_ECORRUPT, naming the file and the feature) or never read the
 * flipped block and gives the good file's results, bit for bit. A save
 * reads every value: it refuses it always. */
START_TEST(test_mapped_damage_found_when_used)
{
    char path[512], bad[512], msg[1024];
    path_of(path, sizeof path, "mapped-good.pdb");
    path_of(bad, sizeof bad, "mapped-flipped.pdb");
    path_of(msg, sizeof msg, "mapped-save.pdb");
    write_snapshot(path, 1);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    const size_t data_at = data_at_of(buf);
    ck_assert_uint_lt(data_at, len);
    pdrift_monitor *good = mapping_monitor(1);
    ck_assert_int_eq(pdrift_baseline_load(good, path), PDRIFT_OK);
    observe_and_detect(good, 0.4);
    rng_state = 7;
    int refused_by_detect = 0, same = 0;
    for (int trial = 0; trial < 60; trial++) {
        /* the first value of each feature, then random places among the values */
        size_t pos = data_at + (size_t)(uniform() * (double)(len - data_at));
        unsigned char bit = (unsigned char)(1u << (trial % 8));
        buf[pos] ^= bit;
        spit(bad, buf, len);
        buf[pos] ^= bit;
        char why[1024];
        ck_assert_int_eq(load_status(bad, why, sizeof why), PDRIFT_ECORRUPT);
        ck_assert_msg(strstr(why, "snapshot damaged: feature \"") != NULL, "%s", why);

        pdrift_monitor *m = mapping_monitor(1);
        ck_assert_msg(pdrift_baseline_load(m, bad) == PDRIFT_OK, "%s", pdrift_errmsg(m));
        double *rows = make_rows(NC, 21, 0.4);
        ck_assert_int_eq(pdrift_observe_batch(m, rows, NC), PDRIFT_OK);
        free(rows);
        int rc = pdrift_detect(m);
        if (rc == PDRIFT_ECORRUPT) {
            refused_by_detect++;
            ck_assert_msg(strstr(pdrift_errmsg(m), bad) && strstr(pdrift_errmsg(m), "feature \""), "%s",
                          pdrift_errmsg(m));
        } else {
            ck_assert_msg(rc == PDRIFT_OK, "%d %s", rc, pdrift_errmsg(m));
            /* the window only: the good monitor also had returns and errors */
            for (size_t f = 0; f < NF; f++)
                for (int k = 1; k <= 18; k++) {
                    double x, y;
                    ck_assert_int_eq(pdrift_result_feature(good, f, (pdrift_feature_key)k, &x), PDRIFT_OK);
                    ck_assert_int_eq(pdrift_result_feature(m, f, (pdrift_feature_key)k, &y), PDRIFT_OK);
                    ck_assert_msg(golden_same_bits(x, y), "flip at %zu: feature %zu key %d: %.17g vs %.17g", pos,
                                  f, k, x, y);
                }
            same++;
        }
        ck_assert_int_eq(pdrift_baseline_save(m, msg), PDRIFT_ECORRUPT);
        pdrift_monitor_free(m);
    }
    /* both outcomes happen: the detect reads some blocks, not all */
    ck_assert_int_gt(refused_by_detect, 0);
    ck_assert_int_gt(same, 0);
    pdrift_monitor_free(good);
    free(buf);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------ */

static Suite *snapshot_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *round = tcase_create("round trips");
    tcase_set_timeout(round, 120);
    tcase_add_test(round, test_round_trip_is_bit_identical);
    tcase_add_test(round, test_calibration_kept_in_snapshot);
    tcase_add_test(round, test_other_psi_bins_and_serial_settings);
    tcase_add_test(round, test_performance_is_recomputed_with_the_loading_settings);
    tcase_add_test(round, test_csv_baseline_through_a_snapshot);
    tcase_add_test(round, test_repeated_detect_equals_fresh);
    tcase_add_test(round, test_mapped_equals_read);
    tcase_add_test(round, test_empty_last_feature);
    suite_add_tcase(s, round);
    TCase *hostile = tcase_create("hostile files");
    tcase_set_timeout(hostile, 300);
    tcase_add_test(hostile, test_truncated_files);
    tcase_add_test(hostile, test_mapped_damage_found_when_used);
    tcase_add_test(hostile, test_every_bit_flip_is_refused);
    tcase_add_test(hostile, test_future_version);
    tcase_add_test(hostile, test_consistent_checksum_inconsistent_content);
    tcase_add_test(hostile, test_save_errors_and_atomicity);
    tcase_add_test(hostile, test_limits);
    tcase_add_test(hostile, test_fuzz_findings);
    suite_add_tcase(s, hostile);
    return s;
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        char path[1024];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(tmpdir);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/pdrift-snapshot-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("check_snapshot: mkdtemp");
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(snapshot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tmpdir();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
