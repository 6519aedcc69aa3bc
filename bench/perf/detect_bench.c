/*
 * detect_bench.c — the in-process figures of the performance benchmark
 * (`make bench`, bench/perf/run.py, docs/performance.md). Public API only,
 * linked against the shared library as users do. Prints one JSON object per
 * line, for the driver.
 *
 *   detect_bench memory [--repeats R] [--scales 1,2,4,8] [--rows N] [--window W]
 *       The data of datagen.h built in memory (baseline N x 50, default
 *       200,000; current W x 50, default 20,000); a monitor with
 *       PDRIFT_PARAM_WINDOW_SIZE = W, otherwise the defaults.
 *       - baseline_set: time of pdrift_baseline_set (N rows);
 *       - observe_batch: values per second of pdrift_observe_batch, batches of
 *         1,000 rows (and, separately, of 1 row: one bar at a time) cycling
 *         over the current rows, for at least 0.5 s per run, the window ring
 *         full and wrapping;
 *       - detect, at each scale k (baseline k x N rows, the first N being
 *         the x1 baseline; window W): the window is emptied and refilled with
 *         the W current rows (not timed), then pdrift_detect is timed; R runs,
 *         the first reported apart (anything prepared lazily is in it).
 *   detect_bench csv BASELINE.csv CURRENT.csv [--repeats R]
 *       - baseline_load: time of pdrift_baseline_load(BASELINE.csv) into a
 *         fresh monitor (read, parse, prepare: sort, cuts, autocorrelation);
 *       - observe_load: time of pdrift_observe_load(BASELINE.csv) into a
 *         monitor whose baseline came from CURRENT.csv (read and parse into the
 *         window only).
 *       Run it on one core (the driver pins it) for the single-core figure.
 *   detect_bench windows --scales W1,W2,... [--repeats R] [--rows N]
 *       - detect_window: the baseline fixed (N rows, set once), for each
 *         window length W the first pdrift_detect (which also computes the
 *         serial calibration for W) and R more.
 *
 *   detect_bench parts SNAPSHOT CURRENT.csv [--repeats R]
 *       - parts: the library's share of `pdrift monitor` on a snapshot, in a
 *         fresh monitor each run: pdrift_baseline_load(SNAPSHOT),
 *         pdrift_observe_load(CURRENT.csv), the first pdrift_detect,
 *         pdrift_report_json.
 *   detect_bench pages [--repeats R]
 *       - fresh_memory: the machine, not the library: writing 100 MB of
 *         freshly allocated memory (memset of a new malloc block, which the
 *         system gives as untouched pages), then writing it again. What a
 *         process pays for every new page shows in every figure above.
 *
 * Every timing is wall-clock (CLOCK_MONOTONIC); the driver takes medians.
 */
#define _DEFAULT_SOURCE /* sysconf(_SC_NPROCESSORS_ONLN) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ploutos_drift.h>

#include "datagen.h"

#define MAX_SCALES 8
#define MAX_REPEATS 100

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check(int rc, const pdrift_monitor *m, const char *what)
{
    if (rc != PDRIFT_OK) {
        fprintf(stderr, "detect_bench: %s: %s (%s)\n", what, pdrift_strerror((pdrift_status)rc),
                pdrift_errmsg(m));
        exit(1);
    }
}

static void print_runs(const double *t, int n)
{
    printf("[");
    for (int i = 0; i < n; i++) printf("%s%.9g", i ? ", " : "", t[i]);
    printf("]");
}

/* threads 0: the online CPUs, as `pdrift monitor` */
static pdrift_monitor *new_monitor(size_t window, long threads)
{
    pdrift_config *cfg;
    pdrift_monitor *m;
    check(pdrift_config_new(&cfg), NULL, "pdrift_config_new");
    /* as `pdrift monitor` loads a snapshot and detects */
    check(pdrift_config_set_int(cfg, PDRIFT_PARAM_SNAPSHOT_MAP, 1), NULL, "snapshot_map");
    long cpus = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    check(pdrift_config_set_int(cfg, PDRIFT_PARAM_THREADS, cpus < 1 ? 1 : cpus > 64 ? 64 : cpus), NULL, "threads");
    if (window > 0)
        check(pdrift_config_set_int(cfg, PDRIFT_PARAM_WINDOW_SIZE, (long long)window), NULL,
              "window_size");
    check(pdrift_monitor_new(&m, cfg), NULL, "pdrift_monitor_new");
    pdrift_config_free(cfg);
    return m;
}

/* Values per second of observe_batch in batches of `batch` rows. */
static double observe_rate(pdrift_monitor *m, const double *cur, size_t n_cur, size_t batch)
{
    size_t off = 0, values = 0;
    double t0 = now(), t;
    do {
        for (int k = 0; k < 64; k++) {
            if (off + batch > n_cur) off = 0;
            check(pdrift_observe_batch(m, cur + off * DG_FEATURES, batch), m, "observe_batch");
            off += batch;
            values += batch * DG_FEATURES;
        }
        t = now() - t0;
    } while (t < 0.5);
    return (double)values / t;
}

/* The data of datagen.h in memory: base_rows baseline rows and cur_rows
 * current rows (row-major, DG_FEATURES a row) and the feature names. */
typedef struct bench_data {
    double *base, *cur;
    char names_buf[DG_FEATURES][32];
    const char *names[DG_FEATURES];
} bench_data;

static int bench_data_make(bench_data *d, size_t base_rows, size_t cur_rows)
{
    d->base = malloc(base_rows * DG_FEATURES * sizeof *d->base);
    d->cur = malloc(cur_rows * DG_FEATURES * sizeof *d->cur);
    if (d->base == NULL || d->cur == NULL) {
        fprintf(stderr, "detect_bench: out of memory\n");
        free(d->base);
        free(d->cur);
        return 1;
    }
    dg_fill(DG_BASELINE, d->base, base_rows);
    dg_fill(DG_CURRENT, d->cur, cur_rows);
    for (size_t j = 0; j < DG_FEATURES; j++) {
        dg_name(j, d->names_buf[j], sizeof d->names_buf[j]);
        d->names[j] = d->names_buf[j];
    }
    return 0;
}

static void bench_data_free(bench_data *d)
{
    free(d->base);
    free(d->cur);
}

static int run_memory(int repeats, const size_t *scales, int n_scales, size_t rows, size_t window)
{
    size_t max_scale = 1;
    for (int s = 0; s < n_scales; s++)
        if (scales[s] > max_scale) max_scale = scales[s];
    size_t nb = rows * max_scale;
    static bench_data d;
    double t0 = now();
    if (bench_data_make(&d, nb, window) != 0)
        return 1;
    printf("{\"figure\": \"generate\", \"rows\": %zu, \"seconds\": %.9g}\n", nb + window, now() - t0);
    fflush(stdout);
    const double *base = d.base, *cur = d.cur;
    const char *const *names = d.names;
    printf("{\"figure\": \"library\", \"version\": \"%s\"}\n", pdrift_version_string());

    double t[MAX_REPEATS] = {0};
    for (int s = 0; s < n_scales; s++) {
        size_t n = rows * scales[s];
        pdrift_monitor *m = new_monitor(window, 0);
        t0 = now();
        check(pdrift_baseline_set(m, names, DG_FEATURES, base, n), m, "baseline_set");
        printf("{\"figure\": \"baseline_set\", \"scale\": %zu, \"rows\": %zu, \"seconds\": %.9g}\n",
               scales[s], n, now() - t0);
        fflush(stdout);

        if (scales[s] == 1) {
            static const size_t batches[] = {1000, 1};
            for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
                (void)observe_rate(m, cur, window, batches[b]); /* warm-up: fills the ring */
                for (int r = 0; r < repeats; r++) t[r] = observe_rate(m, cur, window, batches[b]);
                printf("{\"figure\": \"observe_batch\", \"batch_rows\": %zu, \"values_per_s\": ",
                       batches[b]);
                print_runs(t, repeats);
                printf("}\n");
                fflush(stdout);
            }
        }

        double drifted = 0.0;
        for (int r = 0; r < repeats; r++) {
            check(pdrift_window_reset(m), m, "window_reset");
            check(pdrift_observe_batch(m, cur, window), m, "observe_batch");
            t0 = now();
            check(pdrift_detect(m), m, "detect");
            t[r] = now() - t0;
            check(pdrift_result_get(m, PDRIFT_RESULT_N_DRIFTED, &drifted), m, "result_get");
        }
        printf("{\"figure\": \"detect\", \"scale\": %zu, \"baseline_rows\": %zu, \"window_rows\": %zu, "
               "\"features\": %d, \"drifted\": %.0f, \"seconds\": ",
               scales[s], n, window, DG_FEATURES, drifted);
        print_runs(t, repeats);
        printf("}\n");
        fflush(stdout);
        pdrift_monitor_free(m);
    }
    bench_data_free(&d);
    return 0;
}

/* Detect time as the window grows, the baseline fixed (rows): one monitor,
 * for each window length its first detect (which computes the serial
 * calibration for that length) and then `repeats` detects. */
static int run_windows(int repeats, const size_t *windows, int n_windows, size_t rows)
{
    size_t most = 0;
    for (int w = 0; w < n_windows; w++)
        if (windows[w] > most) most = windows[w];
    static bench_data d;
    if (bench_data_make(&d, rows, most) != 0)
        return 1;
    const double *base = d.base, *cur = d.cur;
    const char *const *names = d.names;
    pdrift_monitor *m = new_monitor(0, 0);
    check(pdrift_baseline_set(m, names, DG_FEATURES, base, rows), m, "baseline_set");
    double t[MAX_REPEATS] = {0};
    for (int w = 0; w < n_windows; w++) {
        check(pdrift_window_reset(m), m, "window_reset");
        check(pdrift_observe_batch(m, cur, windows[w]), m, "observe_batch");
        double t0 = now();
        check(pdrift_detect(m), m, "detect");
        double first = now() - t0;
        for (int r = 0; r < repeats; r++) {
            t0 = now();
            check(pdrift_detect(m), m, "detect");
            t[r] = now() - t0;
        }
        printf("{\"figure\": \"detect_window\", \"baseline_rows\": %zu, \"window_rows\": %zu, "
               "\"first\": %.9g, \"seconds\": ", rows, windows[w], first);
        print_runs(t, repeats);
        printf("}\n");
        fflush(stdout);
    }
    pdrift_monitor_free(m);
    bench_data_free(&d);
    return 0;
}

/* threads: 1 for one core (the CSV-reading target), 0 for the online CPUs */
static int run_csv(int repeats, const char *baseline, const char *current, long threads)
{
    struct stat st;
    if (stat(baseline, &st) != 0) {
        perror(baseline);
        return 1;
    }
    double t[MAX_REPEATS] = {0};
    for (int r = 0; r < repeats; r++) {
        pdrift_monitor *m = new_monitor(0, threads);
        double t0 = now();
        check(pdrift_baseline_load(m, baseline), m, "baseline_load");
        t[r] = now() - t0;
        pdrift_monitor_free(m);
    }
    printf("{\"figure\": \"baseline_load\", \"bytes\": %lld, \"seconds\": ", (long long)st.st_size);
    print_runs(t, repeats);
    printf("}\n");
    fflush(stdout);

    for (int r = 0; r < repeats; r++) {
        pdrift_monitor *m = new_monitor(0, threads);
        check(pdrift_baseline_load(m, current), m, "baseline_load");
        double t0 = now();
        check(pdrift_observe_load(m, baseline), m, "observe_load");
        t[r] = now() - t0;
        pdrift_monitor_free(m);
    }
    printf("{\"figure\": \"observe_load\", \"threads\": %ld, \"bytes\": %lld, \"seconds\": ", threads,
           (long long)st.st_size);
    print_runs(t, repeats);
    printf("}\n");
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: detect_bench memory [--repeats R] [--scales 1,2,4,8] [--rows N] "
                    "[--window W]\n"
                    "       detect_bench csv BASELINE.csv CURRENT.csv [--repeats R] [--threads T]\n"
                    "       detect_bench windows --scales W1,W2,... [--repeats R] [--rows N]\n"
                    "       detect_bench parts SNAPSHOT CURRENT.csv [--repeats R]\n"
                    "       detect_bench pages [--repeats R]\n");
    exit(2);
}

static size_t parse_size(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || v == 0) usage();
    return (size_t)v;
}

static int run_parts(int repeats, const char *snapshot, const char *current)
{
    double load[MAX_REPEATS], observe[MAX_REPEATS], detect[MAX_REPEATS], report[MAX_REPEATS];
    for (int r = 0; r < repeats; r++) {
        pdrift_monitor *m = new_monitor(0, 0);
        double t0 = now();
        check(pdrift_baseline_load(m, snapshot), m, "baseline_load");
        double t1 = now();
        check(pdrift_observe_load(m, current), m, "observe_load");
        double t2 = now();
        check(pdrift_detect(m), m, "detect");
        double t3 = now();
        size_t len = 0;
        int rc = pdrift_report_json(m, NULL, 0, &len); /* the size: PDRIFT_ENOBUFS */
        if (rc != PDRIFT_ENOBUFS)
            check(rc, m, "report_json");
        char *json = malloc(len);
        if (json == NULL) {
            fprintf(stderr, "detect_bench: out of memory\n");
            return 1;
        }
        check(pdrift_report_json(m, json, len, &len), m, "report_json");
        double t4 = now();
        free(json);
        pdrift_monitor_free(m);
        load[r] = t1 - t0;
        observe[r] = t2 - t1;
        detect[r] = t3 - t2;
        report[r] = t4 - t3;
    }
    const char *names[4] = {"load", "observe", "detect", "report"};
    const double *runs[4] = {load, observe, detect, report};
    printf("{\"figure\": \"parts\"");
    for (int k = 0; k < 4; k++) {
        printf(", \"%s\": ", names[k]);
        print_runs(runs[k], repeats);
    }
    printf("}\n");
    return 0;
}

static int run_pages(int repeats)
{
    enum { BYTES = 100 * 1000 * 1000 };
    /* through a volatile pointer: the writes are the measurement */
    static void *(*volatile fill)(void *, int, size_t) = memset;
    double first[MAX_REPEATS], again[MAX_REPEATS];
    for (int r = 0; r < repeats; r++) {
        unsigned char *p = malloc(BYTES);
        if (p == NULL) {
            fprintf(stderr, "detect_bench: out of memory\n");
            return 1;
        }
        double t0 = now();
        fill(p, 1, BYTES);
        double t1 = now();
        fill(p, 2, BYTES);
        double t2 = now();
        first[r] = t1 - t0;
        again[r] = t2 - t1;
        free(p);
    }
    printf("{\"figure\": \"fresh_memory\", \"bytes\": %d, \"first_write\": [", BYTES);
    for (int r = 0; r < repeats; r++)
        printf("%s%.9g", r ? ", " : "", first[r]);
    printf("], \"again\": [");
    for (int r = 0; r < repeats; r++)
        printf("%s%.9g", r ? ", " : "", again[r]);
    printf("]}\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) usage();
    int repeats = 5;
    size_t scales[MAX_SCALES] = {1, 2, 4, 8};
    int n_scales = 4;
    size_t rows = DG_BASELINE_ROWS, window = DG_CURRENT_ROWS;
    const char *files[2] = {NULL, NULL};
    int n_files = 0;
    long threads = 1; /* csv: 0 for the online CPUs */
    for (int a = 2; a < argc; a++) {
        if (strcmp(argv[a], "--threads") == 0 && a + 1 < argc) {
            threads = strtol(argv[++a], NULL, 10);
        } else if (strcmp(argv[a], "--repeats") == 0 && a + 1 < argc) {
            size_t r = parse_size(argv[++a]);
            if (r > MAX_REPEATS) usage();
            repeats = (int)r;
        } else if (strcmp(argv[a], "--rows") == 0 && a + 1 < argc) {
            rows = parse_size(argv[++a]);
        } else if (strcmp(argv[a], "--window") == 0 && a + 1 < argc) {
            window = parse_size(argv[++a]);
        } else if (strcmp(argv[a], "--scales") == 0 && a + 1 < argc) {
            char *p = argv[++a], *end;
            n_scales = 0;
            while (*p && n_scales < MAX_SCALES) {
                unsigned long long v = strtoull(p, &end, 10);
                if (end == p || v == 0) usage();
                scales[n_scales++] = (size_t)v;
                p = *end == ',' ? end + 1 : end;
                if (*end != ',' && *end != '\0') usage();
            }
        } else if (argv[a][0] != '-' && n_files < 2) {
            files[n_files++] = argv[a];
        } else {
            usage();
        }
    }
    if (strcmp(argv[1], "memory") == 0 && n_files == 0)
        return run_memory(repeats, scales, n_scales, rows, window);
    if (strcmp(argv[1], "csv") == 0 && n_files == 2) return run_csv(repeats, files[0], files[1], threads);
    if (strcmp(argv[1], "parts") == 0 && n_files == 2)
        return run_parts(repeats, files[0], files[1]);
    if (strcmp(argv[1], "pages") == 0 && n_files == 0)
        return run_pages(repeats);
    if (strcmp(argv[1], "windows") == 0 && n_files == 0) /* --scales: the window lengths */
        return run_windows(repeats, scales, n_scales, rows);
    usage();
    return 2;
}
