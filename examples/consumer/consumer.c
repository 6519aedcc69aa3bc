/*
 * consumer.c — a program that uses an installed libploutosdrift the way a
 * trading team's own code would, built with nothing but pkg-config
 * (examples/consumer/Makefile; tests/consumer-test.sh builds it in make check).
 *
 *   consumer [--json] [BASELINE.csv CURRENT.csv]
 *
 * With two CSV files (a header row, one column per feature, as pdrift reads
 * them) it compares CURRENT with BASELINE; without, it generates a baseline
 * of three features and a current window in which one of them, "momentum",
 * has moved. It prints the verdict (severity, action, drifted features with
 * their PSI and KS statistic, recommendations) and then the JSON report; with
 * --json only the report. Exit status: 0 when it ran (whatever the verdict),
 * 1 when the library refused something (the library's message is printed),
 * 2 for a usage error.
 *
 * Only the public header and the library: no libm, no other dependency.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ploutos_drift.h>

enum { BASELINE_ROWS = 2000, CURRENT_ROWS = 500, FEATURES = 3 };

static const char *const FEATURE_NAMES[FEATURES] = {"spread", "volume_ratio", "momentum"};

/* Deterministic approximately normal values (splitmix64, sum of twelve
 * uniforms): the same data on every machine. */
static uint64_t rng_state = 20261128u;

static double uniform01(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

static double normal(double mean, double sd)
{
    double s = -6.0;
    for (int i = 0; i < 12; i++)
        s += uniform01();
    return mean + sd * s;
}

/* rows x FEATURES values, row-major; momentum's mean is shifted by `shift`. */
static double *generate(size_t rows, double shift)
{
    double *v = malloc(rows * FEATURES * sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t r = 0; r < rows; r++) {
        v[r * FEATURES + 0] = normal(0.02, 0.005);
        v[r * FEATURES + 1] = normal(1.0, 0.2);
        v[r * FEATURES + 2] = normal(shift, 1.0);
    }
    return v;
}

static const char *severity_name(pdrift_severity s)
{
    static const char *const names[] = {"none", "low", "medium", "high"};
    return (unsigned)s < 4 ? names[s] : "?";
}

static const char *action_name(pdrift_action a)
{
    static const char *const names[] = {"continue", "watch", "retrain", "fallback"};
    return (unsigned)a < 4 ? names[a] : "?";
}

/* Print the library's message for a failed call; returns 1. */
static int failed(const pdrift_monitor *m, const char *what, int rc)
{
    const char *detail = pdrift_errmsg(m);
    fprintf(stderr, "consumer: %s: %s%s%s\n", what, pdrift_strerror((pdrift_status)rc),
            detail[0] ? ": " : "", detail);
    return 1;
}

/* The report with the two-call protocol: ask for the size, then fill. */
static char *report_json(const pdrift_monitor *m, int *rc)
{
    size_t len = 0;
    *rc = pdrift_report_json(m, NULL, 0, &len);
    if (*rc != PDRIFT_ENOBUFS)
        return NULL;
    char *buf = malloc(len);
    if (buf == NULL) {
        *rc = PDRIFT_ENOMEM;
        return NULL;
    }
    if ((*rc = pdrift_report_json(m, buf, len, &len)) != PDRIFT_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int print_verdict(const pdrift_monitor *m)
{
    pdrift_severity severity;
    pdrift_action action;
    size_t n_features;
    double n_drifted, n_recommendations;
    int rc;
    if ((rc = pdrift_result_severity(m, &severity)) != PDRIFT_OK ||
        (rc = pdrift_result_action(m, &action)) != PDRIFT_OK ||
        (rc = pdrift_feature_count(m, &n_features)) != PDRIFT_OK ||
        (rc = pdrift_result_get(m, PDRIFT_RESULT_N_DRIFTED, &n_drifted)) != PDRIFT_OK ||
        (rc = pdrift_result_get(m, PDRIFT_RESULT_N_RECOMMENDATIONS, &n_recommendations)) != PDRIFT_OK)
        return failed(m, "reading the result", rc);
    printf("severity: %s\n", severity_name(severity));
    printf("action: %s\n", action_name(action));
    printf("features: %zu tested, %.0f drifted\n", n_features, n_drifted);
    for (size_t rank = 0; rank < (size_t)n_drifted; rank++) {
        size_t f;
        double psi, ks;
        if ((rc = pdrift_result_drifted(m, rank, &f)) != PDRIFT_OK ||
            (rc = pdrift_result_feature(m, f, PDRIFT_FEATURE_PSI, &psi)) != PDRIFT_OK ||
            (rc = pdrift_result_feature(m, f, PDRIFT_FEATURE_KS_STATISTIC, &ks)) != PDRIFT_OK)
            return failed(m, "reading a drifted feature", rc);
        printf("drifted: %s (PSI %.3f, KS D %.3f)\n", pdrift_feature_name(m, f), psi, ks);
    }
    for (size_t i = 0; i < (size_t)n_recommendations; i++) {
        const char *text;
        if ((rc = pdrift_result_recommendation(m, i, &text)) != PDRIFT_OK)
            return failed(m, "reading a recommendation", rc);
        printf("recommendation: %s\n", text);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int json_only = argc > 1 && strcmp(argv[1], "--json") == 0;
    int files = argc - 1 - json_only;
    if (files != 0 && files != 2) {
        fprintf(stderr, "usage: consumer [--json] [BASELINE.csv CURRENT.csv]\n");
        return 2;
    }
    if (pdrift_version_number() != PDRIFT_VERSION_NUMBER)
        fprintf(stderr, "consumer: built with the header of %s, running with libploutosdrift %s\n",
                PDRIFT_VERSION_STRING, pdrift_version_string());

    pdrift_monitor *m = NULL;
    int rc = pdrift_monitor_new(&m, NULL);
    if (rc != PDRIFT_OK) {
        fprintf(stderr, "consumer: %s\n", pdrift_strerror((pdrift_status)rc));
        return 1;
    }
    int status = 1;
    double *baseline = NULL, *current = NULL;
    char *report = NULL;
    if ((rc = pdrift_monitor_set_model(m, "consumer-example")) != PDRIFT_OK) {
        failed(m, "set_model", rc);
        goto out;
    }
    if (files == 2) {
        const char *baseline_path = argv[1 + json_only], *current_path = argv[2 + json_only];
        if ((rc = pdrift_baseline_load(m, baseline_path)) != PDRIFT_OK) {
            failed(m, baseline_path, rc);
            goto out;
        }
        if ((rc = pdrift_observe_load(m, current_path)) != PDRIFT_OK) {
            failed(m, current_path, rc);
            goto out;
        }
    } else {
        baseline = generate(BASELINE_ROWS, 0.0);
        current = generate(CURRENT_ROWS, 1.0);
        if (baseline == NULL || current == NULL) {
            fprintf(stderr, "consumer: out of memory\n");
            goto out;
        }
        if ((rc = pdrift_baseline_set(m, FEATURE_NAMES, FEATURES, baseline, BASELINE_ROWS)) != PDRIFT_OK) {
            failed(m, "baseline_set", rc);
            goto out;
        }
        if ((rc = pdrift_observe_batch(m, current, CURRENT_ROWS)) != PDRIFT_OK) {
            failed(m, "observe_batch", rc);
            goto out;
        }
    }
    if ((rc = pdrift_detect(m)) != PDRIFT_OK) {
        failed(m, "detect", rc);
        goto out;
    }
    if ((report = report_json(m, &rc)) == NULL) {
        failed(m, "report_json", rc);
        goto out;
    }
    if (!json_only) {
        printf("libploutosdrift %s (header %s)\n", pdrift_version_string(), PDRIFT_VERSION_STRING);
        if (print_verdict(m) != 0)
            goto out;
        printf("report:\n");
    }
    fputs(report, stdout);
    putchar('\n');
    status = 0;
out:
    free(report);
    free(baseline);
    free(current);
    pdrift_monitor_free(m);
    return status;
}
