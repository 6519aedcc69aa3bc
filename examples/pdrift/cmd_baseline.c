/*
 * cmd_baseline.c — pdrift baseline: build a baseline snapshot from a CSV
 * once, so that every monitoring run loads it without parsing or sorting
 * (docs/snapshot.md).
 *
 *   pdrift baseline --from FILE -o SNAPSHOT [--returns FILE] [--errors FILE]
 *                   [--window ROWS] [--set NAME=VALUE ...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char baseline_usage[] =
    "usage: pdrift baseline --from FILE -o SNAPSHOT [options]\n"
    "\n"
    "  --from FILE         the training-period CSV (as for pdrift monitor --baseline)\n"
    "  -o, --output FILE   the snapshot to write (replaced atomically)\n"
    "  --returns FILE      the model's validation returns, kept in the snapshot\n"
    "  --errors FILE       the model's validation errors (concept drift reference)\n"
    "  --window ROWS       the rows of the current files that will be monitored: the\n"
    "                      serial calibration for that length is kept in the\n"
    "                      snapshot, so each run only pays for its window\n"
    "  --set NAME=VALUE    a library parameter that shapes the baseline (psi_bins,\n"
    "                      psi_binning, ohlcv_features, serial_correction, ...) or\n"
    "                      limits what the CSV may bring in (max_rows, max_memory, ...)\n"
    "\n"
    "Then: pdrift monitor --baseline SNAPSHOT --current FILE ...\n";

int cmd_baseline(int argc, char **argv)
{
    const char *from = NULL, *out = NULL, *returns = NULL, *errors = NULL, *window = NULL;
    const char *settings[64];
    int n_settings = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(baseline_usage, stdout);
            return 0;
        }
        const char **slot = strcmp(a, "--from") == 0                          ? &from
                            : strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ? &out
                            : strcmp(a, "--returns") == 0                     ? &returns
                            : strcmp(a, "--errors") == 0                      ? &errors
                            : strcmp(a, "--window") == 0                      ? &window
                            : NULL;
        if (strcmp(a, "--set") == 0 && n_settings < 64)
            slot = &settings[n_settings++];
        if (slot == NULL || i + 1 >= argc) {
            complain("baseline: %s '%s'", slot ? "missing value after" : "unknown option", a);
            fputs(baseline_usage, stderr);
            return EXIT_CANNOT_RUN;
        }
        *slot = argv[++i];
    }
    if (from == NULL || out == NULL) {
        complain("baseline: --from and -o are required");
        fputs(baseline_usage, stderr);
        return EXIT_CANNOT_RUN;
    }
    unsigned long long window_rows = 0;
    if (window != NULL) {
        char *end;
        errno = 0;
        window_rows = strtoull(window, &end, 10);
        if (errno != 0 || end == window || *end != '\0' || window_rows == 0 || window[0] == '-') {
            complain("baseline: --window '%s': a number of rows above 0 is expected", window);
            return EXIT_CANNOT_RUN;
        }
    }
    pdrift_config *cfg;
    if (pdrift_config_new(&cfg) != PDRIFT_OK)
        return EXIT_CANNOT_RUN;
    for (int i = 0; i < n_settings; i++)
        if (apply_setting(cfg, settings[i]) != 0) {
            pdrift_config_free(cfg);
            return EXIT_CANNOT_RUN;
        }
    pdrift_monitor *m;
    int rc = pdrift_monitor_new(&m, cfg);
    pdrift_config_free(cfg);
    if (rc != PDRIFT_OK)
        return EXIT_CANNOT_RUN;
    if ((rc = pdrift_baseline_load(m, from)) != PDRIFT_OK ||
        (returns && (rc = pdrift_baseline_returns_load(m, returns)) != PDRIFT_OK) ||
        (errors && (rc = pdrift_baseline_errors_load(m, errors)) != PDRIFT_OK) ||
        (window_rows && (rc = pdrift_baseline_calibrate(m, (size_t)window_rows)) != PDRIFT_OK) ||
        (rc = pdrift_baseline_save(m, out)) != PDRIFT_OK) {
        complain("%s", *pdrift_errmsg(m) ? pdrift_errmsg(m) : pdrift_strerror((pdrift_status)rc));
        pdrift_monitor_free(m);
        return EXIT_CANNOT_RUN;
    }
    size_t n = 0;
    pdrift_feature_count(m, &n);
    struct stat st;
    long long bytes = stat(out, &st) == 0 ? (long long)st.st_size : -1;
    printf("%s: baseline snapshot of %zu features from %s%s%s, %lld bytes", out, n, from,
           returns ? " with validation returns" : "", errors ? " and errors" : "", bytes);
    if (window_rows)
        printf(", calibrated for windows of %llu rows", window_rows);
    putchar('\n');
    pdrift_monitor_free(m);
    return 0;
}
