/*
 * cmd_selftest.c — pdrift selftest and pdrift sample-data.
 *
 * selftest reproduces the operator guide's local test: a monitor on a calm
 * market baseline, then (1) a window from the same calm market — no drift
 * expected — and (2) a window from a volatile market — drift expected. The
 * markets are simulated with fixed seeds, so the verdicts are the same on
 * every machine. sample-data writes the same kind of files for `make demo`
 * and for trying pdrift by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "simulate.h"

enum { BASELINE_BARS = 1000, WINDOW_BARS = 250 };

typedef struct sample_file {
    const char *name;
    const char *description;
    uint64_t seed;
    const char *start_date;
    size_t bars;
    double start_price;
    const sim_regime *regime;
} sample_file;

/* Four years of a calm market, then a calm and a volatile quarter-year. */
static const sample_file samples[] = {
    {"baseline.csv", "calm market, 1000 daily bars (the training period)", 1, "2019-01-02",
     BASELINE_BARS, 100.0, &sim_calm},
    {"current_calm.csv", "the same calm market later, 250 bars", 2, "2023-01-02", WINDOW_BARS,
     130.0, &sim_calm},
    {"current_volatile.csv", "a volatile, falling market, 250 bars", 3, "2023-01-02",
     WINDOW_BARS, 130.0, &sim_volatile},
};
enum { N_SAMPLES = sizeof samples / sizeof samples[0] };

static int write_samples(const char *dir, int verbose)
{
    if (make_dirs(dir) != 0) {
        complain("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < N_SAMPLES; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, samples[i].name);
        if (sim_write_ohlcv(path, samples[i].seed, samples[i].start_date, samples[i].bars,
                            samples[i].start_price, samples[i].regime) != 0) {
            complain("cannot write %s: %s", path, strerror(errno));
            return -1;
        }
        if (verbose)
            printf("  %-40s %s\n", path, samples[i].description);
    }
    return 0;
}

int cmd_sample_data(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fputs("usage: pdrift sample-data DIR\n"
              "writes simulated daily OHLCV files (Date,Open,High,Low,Close,Volume) into DIR\n",
              argc == 2 ? stdout : stderr);
        return argc == 2 ? 0 : EXIT_CANNOT_RUN;
    }
    printf("Writing sample market data:\n");
    return write_samples(argv[1], 1) == 0 ? 0 : EXIT_CANNOT_RUN;
}

/* Run one check in memory; returns the severity, or -1 (reported). */
static int check_window(const char *baseline, const char *current, pdrift_monitor **out)
{
    pdrift_monitor *m;
    if (pdrift_monitor_new(&m, NULL) != PDRIFT_OK) {
        complain("out of memory");
        return -1;
    }
    pdrift_severity s;
    if (pdrift_baseline_load(m, baseline) != PDRIFT_OK || pdrift_observe_load(m, current) != PDRIFT_OK ||
        pdrift_detect(m) != PDRIFT_OK || pdrift_result_severity(m, &s) != PDRIFT_OK) {
        complain("%s", pdrift_errmsg(m));
        pdrift_monitor_free(m);
        return -1;
    }
    *out = m;
    return (int)s;
}

static void print_verdict(const pdrift_monitor *m)
{
    pdrift_severity s;
    pdrift_action a;
    unsigned type;
    pdrift_result_severity(m, &s);
    pdrift_result_action(m, &a);
    pdrift_result_drift_type(m, &type);
    static const char *const sev[] = {"none", "low", "medium", "high"};
    static const char *const act[] = {"continue", "watch", "retrain", "fallback"};
    if (s == PDRIFT_SEVERITY_NONE) {
        printf("no drift detected (action: continue)\n");
        return;
    }
    printf("DRIFT detected: type %s, severity %s, action %s\n",
           type == PDRIFT_DRIFT_DATA ? "data" : type == PDRIFT_DRIFT_CONCEPT ? "concept" : "model",
           sev[s], act[a]);
    double n = 0;
    pdrift_result_get(m, PDRIFT_RESULT_N_DRIFTED, &n);
    for (size_t rank = 0; rank < (size_t)n; rank++) {
        size_t f;
        double psi = 0, d = 0;
        pdrift_result_drifted(m, rank, &f);
        pdrift_result_feature(m, f, PDRIFT_FEATURE_PSI, &psi);
        pdrift_result_feature(m, f, PDRIFT_FEATURE_KS_STATISTIC, &d);
        printf("           %-12s PSI %.2f  KS D %.2f\n", pdrift_feature_name(m, f), psi, d);
    }
}

int cmd_selftest(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        complain("selftest takes no option");
        return EXIT_CANNOT_RUN;
    }
    char dir[] = "/tmp/pdrift-selftest-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        complain("cannot create a temporary directory: %s", strerror(errno));
        return EXIT_CANNOT_RUN;
    }
    printf("pdrift selftest (libploutosdrift %s)\n", pdrift_version_string());
    int failures = -1;
    char baseline[64], calm[64], volatile_[64];
    snprintf(baseline, sizeof baseline, "%s/baseline.csv", dir);
    snprintf(calm, sizeof calm, "%s/current_calm.csv", dir);
    snprintf(volatile_, sizeof volatile_, "%s/current_volatile.csv", dir);
    if (write_samples(dir, 0) == 0) {
        pdrift_monitor *m1 = NULL, *m2 = NULL;
        int s1 = check_window(baseline, calm, &m1);
        int s2 = s1 < 0 ? -1 : check_window(baseline, volatile_, &m2);
        if (s1 >= 0 && s2 >= 0) {
            printf("Test 1: calm baseline vs the same calm market ... ");
            print_verdict(m1);
            printf("Test 2: calm baseline vs a volatile market   ... ");
            print_verdict(m2);
            failures = (s1 != PDRIFT_SEVERITY_NONE) + (s2 == PDRIFT_SEVERITY_NONE);
            printf("%s\n", failures == 0 ? "selftest passed: no drift, then drift"
                                         : "selftest FAILED: unexpected verdict");
        }
        pdrift_monitor_free(m1);
        pdrift_monitor_free(m2);
    }
    for (size_t i = 0; i < N_SAMPLES; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, samples[i].name);
        unlink(path);
    }
    rmdir(dir);
    return failures == 0 ? 0 : failures < 0 ? EXIT_CANNOT_RUN : 1;
}
