/*
 * prometheus.c — the metrics of a run in the Prometheus text exposition
 * format 0.0.4, for node_exporter's textfile collector (docs/grafana/).
 *
 * The text is built in memory and replaced atomically: node_exporter reads
 * the file at any moment and drops a file it cannot parse whole, so it must
 * never see half of one. Each family is written in one piece (HELP, TYPE,
 * then its samples), every sample carries the model's label, and a value the
 * report does not have (null) is left out rather than written as NaN, so a
 * dashboard shows a gap, not a number. JSON has no NaN: NaN below always
 * stands for "no value".
 *
 * Numbers are printed under the C locale (pdrift never calls setlocale).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct {
    char *data;
    size_t len, cap;
    int failed;        /* out of memory: reported once, at the end */
    const char *model; /* the model label of every sample */
} exposition;

static const char *const SEVERITIES[] = {"none", "low", "medium", "high", NULL};
static const char *const ACTIONS[] = {"continue", "watch", "retrain", "fallback", NULL};
/* concept_drift.status; "not_monitored" is not in the list: no sample. */
static const char *const ADDM_LEVELS[] = {"none", "warning", "drift", "insufficient_data", NULL};
static const char *const DRIFT_TYPES[] = {"data", "concept", "model", NULL};
static const char *const PERIODS[] = {"baseline", "current", NULL};

/* ---- the text ------------------------------------------------------------ */

static void put(exposition *e, const char *s, size_t n)
{
    if (e->failed)
        return;
    if (n > e->cap - e->len) {
        size_t cap = e->cap > 0 ? e->cap : 4096;
        while (n > cap - e->len) {
            if (cap > ((size_t)-1) / 2) {
                e->failed = 1;
                return;
            }
            cap *= 2;
        }
        char *data = realloc(e->data, cap);
        if (data == NULL) {
            e->failed = 1;
            return;
        }
        e->data = data;
        e->cap = cap;
    }
    memcpy(e->data + e->len, s, n);
    e->len += n;
}

static void put_str(exposition *e, const char *s)
{
    put(e, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (NUL-terminated), 0 if there is
 * none: no overlong forms, surrogates or code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        lo = s[0] == 0xE0 ? 0xA0 : 0x80;
        hi = s[0] == 0xED ? 0x9F : 0xBF;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        lo = s[0] == 0xF0 ? 0x90 : 0x80;
        hi = s[0] == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* A quoted label value. Backslash, double quote and newline are the format's
 * only escapes. The library refuses CSV headers that are not UTF-8, but the
 * model name comes from the command line: a byte that is not UTF-8 becomes
 * U+FFFD, because node_exporter rejects the whole file for one bad value. */
static void put_label_value(exposition *e, const char *value)
{
    put(e, "\"", 1);
    const unsigned char *s = (const unsigned char *)value;
    while (*s != '\0') {
        size_t n = utf8_len(s);
        if (n == 0) {
            put_str(e, "\xEF\xBF\xBD");
            s++;
            continue;
        }
        if (*s == '\\')
            put_str(e, "\\\\");
        else if (*s == '"')
            put_str(e, "\\\"");
        else if (*s == '\n')
            put_str(e, "\\n");
        else
            put(e, (const char *)s, n);
        s += n;
    }
    put(e, "\"", 1);
}

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double
 * (as the JSON report does), so the metric is exactly the report's value. */
static void put_value(exposition *e, double v)
{
    char buf[40];
    if (isinf(v)) {
        put_str(e, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    format_exact(v, buf, sizeof buf);
    put_str(e, buf);
}

static void family(exposition *e, const char *metric, const char *type, const char *help)
{
    put_str(e, "# HELP ");
    put_str(e, metric);
    put(e, " ", 1);
    put_str(e, help);
    put_str(e, "\n# TYPE ");
    put_str(e, metric);
    put(e, " ", 1);
    put_str(e, type);
    put(e, "\n", 1);
}

/* metric{model="...",label="value"} v — label may be NULL; no sample for NaN. */
static void sample(exposition *e, const char *metric, const char *label, const char *value,
                   double v)
{
    if (isnan(v))
        return;
    put_str(e, metric);
    put_str(e, "{model=");
    put_label_value(e, e->model);
    if (label != NULL) {
        put(e, ",", 1);
        put_str(e, label);
        put(e, "=", 1);
        put_label_value(e, value);
    }
    put(e, "} ", 2);
    put_value(e, v);
    put(e, "\n", 1);
}

/* ---- reading the report ----------------------------------------------------- */

static const cJSON *item_at(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The number at obj.key, or NaN: absent, null or not a number. */
static double number_at(const cJSON *obj, const char *key)
{
    const cJSON *item = item_at(obj, key);
    return cJSON_IsNumber(item) ? item->valuedouble : NAN;
}

static const char *string_at(const cJSON *obj, const char *key)
{
    const cJSON *item = item_at(obj, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The position of s in levels (NULL-terminated), or NaN. */
static double level_of(const char *s, const char *const *levels)
{
    for (size_t i = 0; s != NULL && levels[i] != NULL; i++)
        if (strcmp(s, levels[i]) == 0)
            return (double)i;
    return NAN;
}

static double bool_at(const cJSON *obj, const char *key)
{
    const cJSON *item = item_at(obj, key);
    return cJSON_IsBool(item) ? (cJSON_IsTrue(item) ? 1.0 : 0.0) : NAN;
}

/* Unix seconds of the report's timestamp, or NaN (no sample). */
static double unix_seconds(const char *stamp)
{
    double t;
    return iso_seconds(stamp, &t) == 0 ? t : NAN;
}

/* ---- the families ------------------------------------------------------------- */

typedef double (*feature_value)(const cJSON *feature, const char *key);

static double feature_number(const cJSON *feature, const char *key)
{
    return number_at(feature, key);
}

static double feature_severity(const cJSON *feature, const char *key)
{
    return level_of(string_at(feature, key), SEVERITIES);
}

static double feature_drifted(const cJSON *feature, const char *key)
{
    const char *status = string_at(feature, key);
    return status != NULL && strcmp(status, "drift") == 0 ? 1.0 : 0.0;
}

static void feature_family(exposition *e, const cJSON *features, const char *metric,
                           const char *help, const char *key, feature_value value)
{
    family(e, metric, "gauge", help);
    const cJSON *feature;
    cJSON_ArrayForEach(feature, features) {
        const char *name = string_at(feature, "name");
        if (name != NULL)
            sample(e, metric, "feature", name, value(feature, key));
    }
}

static void write_features(exposition *e, const cJSON *data_drift)
{
    const cJSON *features = item_at(data_drift, "features");
    feature_family(e, features, "pdrift_feature_psi", "Population Stability Index of the feature.",
                   "psi", feature_number);
    feature_family(e, features, "pdrift_feature_ks_statistic",
                   "Kolmogorov-Smirnov distance D of the feature.", "ks_statistic", feature_number);
    feature_family(e, features, "pdrift_feature_ks_pvalue",
                   "KS p-value of the feature after the multiple-testing correction.",
                   "ks_pvalue_adjusted", feature_number);
    feature_family(e, features, "pdrift_feature_drift", "1 if the feature drifted, else 0.",
                   "status", feature_drifted);
    feature_family(e, features, "pdrift_feature_severity",
                   "Severity of the feature's drift: 0 none, 1 low, 2 medium, 3 high.", "severity",
                   feature_severity);
}

static void write_decision(exposition *e, const cJSON *report)
{
    family(e, "pdrift_drift_detected", "gauge",
           "1 if this run detected drift of any type, else 0.");
    sample(e, "pdrift_drift_detected", NULL, NULL, bool_at(report, "drift_detected"));
    family(e, "pdrift_severity", "gauge", "Severity of the run: 0 none, 1 low, 2 medium, 3 high.");
    sample(e, "pdrift_severity", NULL, NULL, level_of(string_at(report, "severity"), SEVERITIES));
    family(e, "pdrift_action", "gauge",
           "Recommended action: 0 continue, 1 watch, 2 retrain, 3 fallback.");
    sample(e, "pdrift_action", NULL, NULL, level_of(string_at(report, "action"), ACTIONS));

    family(e, "pdrift_drift_type", "gauge",
           "1 if this type of drift (data, concept, model) was detected, else 0.");
    const cJSON *types = item_at(report, "drift_types");
    for (size_t i = 0; DRIFT_TYPES[i] != NULL; i++) {
        double found = 0.0;
        const cJSON *type;
        cJSON_ArrayForEach(type, types) {
            if (cJSON_IsString(type) && strcmp(type->valuestring, DRIFT_TYPES[i]) == 0)
                found = 1.0;
        }
        sample(e, "pdrift_drift_type", "type", DRIFT_TYPES[i], found);
    }

    const cJSON *data_drift = item_at(report, "data_drift");
    family(e, "pdrift_drifted_features", "gauge", "Number of features that drifted.");
    sample(e, "pdrift_drifted_features", NULL, NULL, number_at(data_drift, "n_drifted"));
    family(e, "pdrift_psi_max", "gauge", "Largest PSI among the features.");
    sample(e, "pdrift_psi_max", NULL, NULL, number_at(data_drift, "psi_max"));
}

static void period_family(exposition *e, const cJSON *model_drift, const char *metric,
                          const char *help, const char *key)
{
    family(e, metric, "gauge", help);
    for (size_t i = 0; PERIODS[i] != NULL; i++)
        sample(e, metric, "period", PERIODS[i], number_at(item_at(model_drift, PERIODS[i]), key));
}

static void write_trading(exposition *e, const cJSON *model_drift)
{
    period_family(e, model_drift, "pdrift_sharpe_ratio",
                  "Annualised Sharpe ratio of the model's returns.", "sharpe");
    period_family(e, model_drift, "pdrift_max_drawdown",
                  "Maximum drawdown of the model's returns (a fraction, <= 0).", "max_drawdown");
    period_family(e, model_drift, "pdrift_win_rate",
                  "Share of the model's non-zero returns that are positive.", "win_rate");
}

static void write_concept(exposition *e, const cJSON *concept_drift)
{
    family(e, "pdrift_addm_level", "gauge",
           "ADDM concept-drift level: 0 none, 1 warning, 2 drift, 3 insufficient data "
           "(no sample when not monitored).");
    sample(e, "pdrift_addm_level", NULL, NULL,
           level_of(string_at(concept_drift, "status"), ADDM_LEVELS));
    family(e, "pdrift_addm_severity_weight", "gauge",
           "ADDM severity weight w in [0, 1] for blending old and new model.");
    sample(e, "pdrift_addm_severity_weight", NULL, NULL,
           number_at(concept_drift, "severity_weight"));
    family(e, "pdrift_addm_mean_z", "gauge",
           "ADDM mean-rule z of the live error level against the reference.");
    sample(e, "pdrift_addm_mean_z", NULL, NULL, number_at(concept_drift, "mean_z"));
}

static void write_last_run(exposition *e, const cJSON *report)
{
    family(e, "pdrift_last_run_timestamp_seconds", "gauge",
           "Unix time at which the report of this run was generated.");
    sample(e, "pdrift_last_run_timestamp_seconds", NULL, NULL,
           unix_seconds(string_at(report, "generated_at")));
}

static void counter(exposition *e, const cJSON *summary, const char *metric, const char *help,
                    const char *key)
{
    family(e, metric, "counter", help);
    sample(e, metric, NULL, NULL, number_at(summary, key));
}

static void write_counters(exposition *e, const cJSON *summary)
{
    if (summary == NULL)
        return;
    counter(e, summary, "pdrift_runs_total", "Monitoring runs recorded in the history.",
            "total_checks");
    counter(e, summary, "pdrift_drift_events_total", "Runs that detected drift.", "drift_events");
    counter(e, summary, "pdrift_alerts_total", "Runs whose alert hook ran.", "alerts");
    counter(e, summary, "pdrift_retrains_total", "Runs whose retrain hook ran.", "retrains");
    counter(e, summary, "pdrift_escalations_total",
            "Runs where repeated medium data drift escalated watch to retrain.", "escalations");
}

int write_prometheus(const char *path, const cJSON *report, const cJSON *summary, char *err,
                     size_t cap)
{
    exposition e = {0};
    e.model = string_at(report, "model");
    if (e.model == NULL || *e.model == '\0')
        e.model = "default";

    write_features(&e, item_at(report, "data_drift"));
    write_decision(&e, report);
    write_trading(&e, item_at(report, "model_drift"));
    write_concept(&e, item_at(report, "concept_drift"));
    write_last_run(&e, report);
    write_counters(&e, summary);

    int rc = 0;
    if (e.failed) {
        snprintf(err, cap, "cannot write %s: %s", path, strerror(ENOMEM));
        rc = -1;
    } else if (write_file_atomic(path, e.data, e.len) != 0) {
        snprintf(err, cap, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(e.data);
    return rc;
}
