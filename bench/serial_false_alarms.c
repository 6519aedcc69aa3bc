/*
 * serial_false_alarms.c — how often the monitor calls drift between two calm
 * periods of the same simulated market, with and without the serial-dependence
 * correction, and how often it catches a volatile market (docs/statistics.md,
 * "Serial dependence"). `make bench-serial` builds and runs it.
 *
 * For each of N seed pairs: a calm baseline of 1000 daily bars, a later calm
 * window of 250 bars and a volatile window of 250 bars (examples/pdrift's
 * simulator), compared at the medium preset through the derived OHLCV
 * features. Prints, per feature, the share of pairs flagged as drift.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ploutos_drift.h>

#include "../examples/pdrift/simulate.h"

enum { MAX_FEATURES = 16 };

typedef struct tally {
    char names[MAX_FEATURES][32];
    int flagged[MAX_FEATURES];
    int n_features;
    int any;
} tally;

static int run_pair(const char *baseline, const char *current, int serial, tally *t)
{
    pdrift_config *cfg;
    pdrift_monitor *m;
    if (pdrift_config_new(&cfg) != PDRIFT_OK)
        return -1;
    pdrift_config_set_int(cfg, PDRIFT_PARAM_SERIAL_CORRECTION, serial);
    int rc = pdrift_monitor_new(&m, cfg);
    pdrift_config_free(cfg);
    if (rc != PDRIFT_OK)
        return -1;
    if (pdrift_baseline_load(m, baseline) != PDRIFT_OK || pdrift_observe_load(m, current) != PDRIFT_OK ||
        pdrift_detect(m) != PDRIFT_OK) {
        fprintf(stderr, "%s\n", pdrift_errmsg(m));
        pdrift_monitor_free(m);
        return -1;
    }
    size_t n;
    pdrift_feature_count(m, &n);
    int any = 0;
    for (size_t f = 0; f < n && f < MAX_FEATURES; f++) {
        double status;
        pdrift_result_feature(m, f, PDRIFT_FEATURE_STATUS, &status);
        snprintf(t->names[f], sizeof t->names[f], "%s", pdrift_feature_name(m, f));
        if (status == PDRIFT_FEATURE_DRIFT) {
            t->flagged[f]++;
            any = 1;
        }
    }
    t->n_features = (int)n;
    t->any += any;
    pdrift_monitor_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    int pairs = argc > 1 ? atoi(argv[1]) : 200;
    char dir[] = "/tmp/pdrift-bench-XXXXXX";
    if (pairs <= 0 || mkdtemp(dir) == NULL)
        return 1;
    char base[64], calm[64], vol[64];
    snprintf(base, sizeof base, "%s/base.csv", dir);
    snprintf(calm, sizeof calm, "%s/calm.csv", dir);
    snprintf(vol, sizeof vol, "%s/volatile.csv", dir);

    tally t[2][2]; /* [serial off/on][calm/volatile] */
    memset(t, 0, sizeof t);
    for (int i = 0; i < pairs; i++) {
        uint64_t seed = 1000 + 3 * (uint64_t)i;
        if (sim_write_ohlcv(base, seed, "2019-01-02", 1000, 100.0, &sim_calm) != 0 ||
            sim_write_ohlcv(calm, seed + 1, "2023-01-02", 250, 130.0, &sim_calm) != 0 ||
            sim_write_ohlcv(vol, seed + 2, "2023-01-02", 250, 130.0, &sim_volatile) != 0)
            return 1;
        for (int serial = 0; serial <= 1; serial++)
            if (run_pair(base, calm, serial, &t[serial][0]) != 0 ||
                run_pair(base, vol, serial, &t[serial][1]) != 0)
                return 1;
    }
    unlink(base);
    unlink(calm);
    unlink(vol);
    rmdir(dir);

    printf("%d seed pairs: calm baseline (1000 bars) vs calm / volatile window (250 bars), medium preset\n\n", pairs);
    printf("%-12s  %-22s  %-22s\n", "", "calm: flagged (false)", "volatile: flagged");
    printf("%-12s  %10s %10s  %10s %10s\n", "feature", "iid", "corrected", "iid", "corrected");
    for (int f = 0; f < t[0][0].n_features; f++)
        printf("%-12s  %10d %10d  %10d %10d\n", t[0][0].names[f], t[0][0].flagged[f],
               t[1][0].flagged[f], t[0][1].flagged[f], t[1][1].flagged[f]);
    printf("%-12s  %10d %10d  %10d %10d\n", "any feature", t[0][0].any, t[1][0].any, t[0][1].any,
           t[1][1].any);
    return 0;
}
