/*
 * report.c — the JSON report of a detection (docs/report.md) and
 * pdrift_report_json, which hands it out with the two-call protocol.
 *
 * The report is rendered once, when the detection is made, so that both calls
 * of the protocol see the same bytes (the same generated_at).
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "monitor.h"

#define REPORT_SCHEMA_VERSION 1

const char *pdrift__severity_name(pdrift_severity s)
{
    switch (s) {
    case PDRIFT_SEVERITY_NONE: return "none";
    case PDRIFT_SEVERITY_LOW: return "low";
    case PDRIFT_SEVERITY_MEDIUM: return "medium";
    case PDRIFT_SEVERITY_HIGH: return "high";
    }
    return "none";
}

const char *pdrift__action_name(pdrift_action a)
{
    switch (a) {
    case PDRIFT_ACTION_CONTINUE: return "continue";
    case PDRIFT_ACTION_WATCH: return "watch";
    case PDRIFT_ACTION_RETRAIN: return "retrain";
    case PDRIFT_ACTION_FALLBACK: return "fallback";
    }
    return "continue";
}

const char *pdrift__sensitivity_name(pdrift_sensitivity s)
{
    switch (s) {
    case PDRIFT_SENSITIVITY_LOW: return "low";
    case PDRIFT_SENSITIVITY_MEDIUM: return "medium";
    case PDRIFT_SENSITIVITY_HIGH: return "high";
    }
    return "medium";
}

const char *pdrift__drift_type_name(unsigned type)
{
    switch (type) {
    case PDRIFT_DRIFT_DATA: return "data";
    case PDRIFT_DRIFT_CONCEPT: return "concept";
    case PDRIFT_DRIFT_MODEL: return "model";
    }
    return NULL;
}

static const char *status_name(pdrift_feature_status s)
{
    switch (s) {
    case PDRIFT_FEATURE_OK: return "ok";
    case PDRIFT_FEATURE_DRIFT: return "drift";
    case PDRIFT_FEATURE_INSUFFICIENT: return "insufficient_data";
    }
    return "ok";
}

static const char *correction_name(pdrift_correction c)
{
    switch (c) {
    case PDRIFT_CORRECTION_BH: return "bh";
    case PDRIFT_CORRECTION_NONE: return "none";
    case PDRIFT_CORRECTION_BONFERRONI: return "bonferroni";
    case PDRIFT_CORRECTION_HOLM: return "holm";
    }
    return "bh";
}

/* ---- building blocks; a NULL from cJSON is caught once, at the end -------- */

/* A number, or null for a value that does not exist: never NaN text. The
 * shortest of %.15g, %.16g, %.17g that reads back as the same double, so a
 * reader gets exactly the library's value (cJSON's own printer accepts 15
 * digits within an ulp). Rendering runs under the C locale (see
 * pdrift__report_render), so the decimal point is always '.'. */
static void add_number(cJSON *obj, const char *key, double v)
{
    if (!isfinite(v)) {
        cJSON_AddNullToObject(obj, key);
        return;
    }
    char buf[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    cJSON_AddRawToObject(obj, key, buf);
}

static void add_string_or_null(cJSON *obj, const char *key, const char *s)
{
    if (s != NULL)
        cJSON_AddStringToObject(obj, key, s);
    else
        cJSON_AddNullToObject(obj, key);
}

static cJSON *string_array(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a != NULL && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

static void add_timestamp(cJSON *obj, time_t t)
{
    struct tm tm;
    char buf[32];
    if (gmtime_r(&t, &tm) != NULL && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
        cJSON_AddStringToObject(obj, "generated_at", buf);
    else
        cJSON_AddNullToObject(obj, "generated_at");
}

static cJSON *feature_json(const pdrift_monitor *m, size_t f)
{
    const pdrift__feature_result *fr = &m->result.features[f];
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddStringToObject(o, "name", m->baseline.features[f].name);
    cJSON_AddStringToObject(o, "status", status_name(fr->status));
    cJSON_AddStringToObject(o, "severity", pdrift__severity_name(fr->severity));
    add_number(o, "psi", fr->psi);
    add_number(o, "psi_pvalue", fr->psi_pvalue);
    add_number(o, "psi_pvalue_iid", fr->psi_pvalue_iid);
    add_number(o, "psi_critical", fr->psi_critical);
    if (isnan(fr->psi))
        cJSON_AddNullToObject(o, "psi_bins");
    else
        cJSON_AddNumberToObject(o, "psi_bins", (double)fr->psi_bins_effective);
    add_number(o, "ks_statistic", fr->ks_statistic);
    add_number(o, "ks_pvalue", fr->ks_pvalue);
    add_number(o, "ks_pvalue_adjusted", fr->ks_pvalue_adjusted);
    add_number(o, "ks_pvalue_iid", fr->ks_pvalue_iid);
    static const char *const calibrations[] = {"independent", "baseline_windows", "autocorrelation"};
    if (isnan(fr->ks_statistic))
        cJSON_AddNullToObject(o, "calibration");
    else
        cJSON_AddStringToObject(o, "calibration", calibrations[fr->calibration]);
    cJSON_AddNumberToObject(o, "null_windows", (double)fr->null_windows);
    add_number(o, "ks_effective_n", fr->ks_effective_n);
    add_number(o, "psi_variance_factor", fr->psi_variance_factor);
    add_number(o, "ks_null_quantile", fr->ks_null_quantile);
    add_number(o, "psi_null_quantile", fr->psi_null_quantile);
    add_number(o, "autocorrelation_time", fr->tau);
    add_number(o, "autocorrelation_time_current", fr->tau_current);
    add_string_or_null(o, "ks_method", fr->ks_method == PDRIFT_KS_EXACT   ? "exact"
                                       : fr->ks_method == PDRIFT_KS_ASYMP ? "asymp"
                                                                          : NULL);
    cJSON_AddNumberToObject(o, "n_baseline", (double)fr->n_baseline);
    cJSON_AddNumberToObject(o, "n_current", (double)fr->n_current);
    add_number(o, "missing_baseline", fr->missing_baseline);
    add_number(o, "missing_current", fr->missing_current);
    add_number(o, "missing_pvalue", fr->missing_pvalue);
    cJSON *gates = cJSON_AddObjectToObject(o, "gates");
    if (gates != NULL) {
        cJSON_AddBoolToObject(gates, "psi", (fr->gates & 1u) != 0);
        cJSON_AddBoolToObject(gates, "ks", (fr->gates & 2u) != 0);
        cJSON_AddBoolToObject(gates, "missing", (fr->gates & 4u) != 0);
    }
    return o;
}

static cJSON *data_drift_json(const pdrift_monitor *m)
{
    const pdrift__result *r = &m->result;
    cJSON *d = cJSON_CreateObject();
    if (d == NULL)
        return NULL;
    const char *status = r->n_features == 0                ? "not_monitored"
                         : r->n_drifted > 0                  ? "drift"
                         : r->n_insufficient == r->n_features ? "insufficient_data"
                                                              : "ok";
    cJSON_AddStringToObject(d, "status", status);
    cJSON_AddStringToObject(d, "severity", pdrift__severity_name(r->data_severity));
    add_number(d, "psi_max", r->psi_max);
    cJSON_AddNumberToObject(d, "n_features", (double)r->n_features);
    cJSON_AddNumberToObject(d, "n_drifted", (double)r->n_drifted);
    cJSON_AddNumberToObject(d, "n_insufficient", (double)r->n_insufficient);
    cJSON_AddNumberToObject(d, "n_baseline_rows", (double)r->n_baseline_rows);
    cJSON_AddNumberToObject(d, "n_current_rows", (double)r->n_current_rows);
    cJSON_AddStringToObject(d, "correction", correction_name(m->settings.correction));

    cJSON *drifted = cJSON_AddArrayToObject(d, "drifted_features");
    for (size_t i = 0; drifted != NULL && i < r->n_drifted; i++)
        cJSON_AddItemToArray(drifted, cJSON_CreateString(m->baseline.features[r->order[i]].name));
    cJSON *features = cJSON_AddArrayToObject(d, "features");
    for (size_t i = 0; features != NULL && i < r->n_features; i++)
        cJSON_AddItemToArray(features, feature_json(m, r->order[i]));

    cJSON *baseline = cJSON_AddObjectToObject(d, "baseline");
    if (baseline != NULL) {
        add_string_or_null(baseline, "source", m->baseline.source);
        cJSON_AddNumberToObject(baseline, "rows", (double)m->baseline.n_rows);
        cJSON_AddBoolToObject(baseline, "ohlcv_derived", m->baseline.ohlcv_derived);
    }
    cJSON_AddItemToObject(d, "ignored_columns", string_array(m->window.ignored, m->window.n_ignored));
    cJSON *notes = string_array(m->baseline.notes, m->baseline.n_notes);
    for (size_t i = 0; notes != NULL && i < m->window.n_notes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(m->window.notes[i]));
    cJSON_AddItemToObject(d, "notes", notes);
    return d;
}

static const char *level_name(pdrift_level l)
{
    switch (l) {
    case PDRIFT_LEVEL_NONE: return "none";
    case PDRIFT_LEVEL_WARNING: return "warning";
    case PDRIFT_LEVEL_DRIFT: return "drift";
    case PDRIFT_LEVEL_INSUFFICIENT: return "insufficient_data";
    }
    return "none";
}

static cJSON *concept_drift_json(const pdrift_monitor *m)
{
    const pdrift__concept_result *c = &m->result.concept;
    const pdrift__addm_params *a = &m->settings.addm;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    const char *status = c->status == PDRIFT_CHECK_NOT_MONITORED ? "not_monitored"
                         : c->status == PDRIFT_CHECK_INSUFFICIENT ? "insufficient_data"
                                                                  : level_name(c->level);
    cJSON_AddStringToObject(o, "status", status);
    cJSON_AddStringToObject(o, "severity", pdrift__severity_name(c->severity));
    if (c->status == PDRIFT_CHECK_NOT_MONITORED)
        cJSON_AddNullToObject(o, "severity_weight");
    else
        cJSON_AddNumberToObject(o, "severity_weight", c->severity_weight);
    cJSON_AddStringToObject(o, "method", "addm");
    cJSON_AddStringToObject(o, "rule", a->rule == PDRIFT__ADDM_RULE_MEAN ? "mean" : "occupancy");
    cJSON_AddStringToObject(o, "current_level", level_name(c->current_level));
    cJSON_AddBoolToObject(o, "latched", c->latched);
    if (c->latched)
        cJSON_AddNumberToObject(o, "fired_at", (double)c->fired_at);
    else
        cJSON_AddNullToObject(o, "fired_at");
    cJSON_AddNumberToObject(o, "n_reference", (double)c->n_reference);
    cJSON_AddNumberToObject(o, "n_window", (double)c->n_live);
    cJSON_AddNumberToObject(o, "n_seen", (double)c->n_seen);

    const pdrift__addm_result *r = &c->addm;
    const int fit = c->addm_ran && r->level != PDRIFT_LEVEL_INSUFFICIENT;
    const int setar = fit && r->fitted;
    add_number(o, "threshold", setar ? r->threshold : NAN);
    add_number(o, "frac_ref_high", setar ? r->frac_ref_high : NAN);
    add_number(o, "frac_win_high", setar ? r->frac_win_high : NAN);
    add_number(o, "frac_tail_high", setar ? r->frac_tail_high : NAN);
    add_number(o, "delta_occupancy", setar ? r->delta : NAN);
    add_number(o, "ssr", setar ? r->ssr : NAN);
    if (setar) {
        cJSON_AddNumberToObject(o, "n_low", (double)r->n_low);
        cJSON_AddNumberToObject(o, "n_high", (double)r->n_high);
        cJSON_AddStringToObject(o, "high_regime", r->high_regime ? "above" : "at_or_below");
    } else {
        cJSON_AddNullToObject(o, "n_low");
        cJSON_AddNullToObject(o, "n_high");
        cJSON_AddNullToObject(o, "high_regime");
    }
    add_number(o, "mean_reference", fit ? r->mean_ref : NAN);
    add_number(o, "mean_window", fit ? r->mean_win : NAN);
    add_number(o, "q3_reference", fit ? r->q3_ref : NAN);
    add_number(o, "q3_window", fit ? r->q3_win : NAN);
    add_number(o, "mean_z", fit ? r->mean_z : NAN);
    add_number(o, "long_run_variance", fit ? r->long_run_variance : NAN);
    add_number(o, "tsay_f", fit ? r->tsay_f : NAN);
    add_number(o, "tsay_pvalue", fit ? r->tsay_pvalue : NAN);
    cJSON *p = cJSON_AddObjectToObject(o, "parameters");
    if (p != NULL) {
        cJSON_AddNumberToObject(p, "smoothing", (double)a->k);
        cJSON_AddNumberToObject(p, "reference", (double)a->n_ref);
        cJSON_AddNumberToObject(p, "window", (double)a->w);
        cJSON_AddNumberToObject(p, "lags", (double)a->p);
        cJSON_AddNumberToObject(p, "delay", (double)a->d);
        cJSON_AddNumberToObject(p, "trim", a->trim);
        cJSON_AddNumberToObject(p, "delta_drift", a->delta_drift);
        cJSON_AddNumberToObject(p, "delta_warning", a->delta_warning);
        cJSON_AddNumberToObject(p, "z_drift", a->z_drift);
        cJSON_AddNumberToObject(p, "z_warning", a->z_warning);
        cJSON_AddBoolToObject(p, "tsay_gate", a->tsay_gate);
    }
    return o;
}

static const char *check_status_name(pdrift_check_status s)
{
    switch (s) {
    case PDRIFT_CHECK_NOT_MONITORED: return "not_monitored";
    case PDRIFT_CHECK_OK: return "ok";
    case PDRIFT_CHECK_DRIFT: return "drift";
    case PDRIFT_CHECK_INSUFFICIENT: return "insufficient_data";
    case PDRIFT_CHECK_WARNING: return "warning";
    }
    return "not_monitored";
}

static cJSON *metrics_json(double sharpe, double max_drawdown, double win_rate, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_number(o, "sharpe", sharpe);
    add_number(o, "max_drawdown", max_drawdown);
    add_number(o, "win_rate", win_rate);
    cJSON_AddNumberToObject(o, "n", (double)n);
    return o;
}

static cJSON *model_drift_json(const pdrift_monitor *m)
{
    const pdrift__model_result *mr = &m->result.model;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddStringToObject(o, "status", check_status_name(mr->status));
    cJSON_AddStringToObject(o, "severity", pdrift__severity_name(mr->severity));
    cJSON *b = metrics_json(mr->baseline.sharpe, mr->baseline.max_drawdown, mr->baseline.win_rate,
                            mr->baseline.n_returns);
    if (b != NULL)
        add_string_or_null(b, "source", mr->baseline.source == PDRIFT__PERFORMANCE_RETURNS ? "returns"
                                         : mr->baseline.source == PDRIFT__PERFORMANCE_METRICS ? "metrics"
                                                                                           : NULL);
    cJSON_AddItemToObject(o, "baseline", b);
    cJSON_AddItemToObject(o, "current", metrics_json(mr->sharpe, mr->max_drawdown, mr->win_rate,
                                                     mr->n_returns));
    add_number(o, "sharpe_degradation", mr->sharpe_degradation);
    add_string_or_null(o, "sharpe_degradation_mode", isnan(mr->sharpe_degradation) ? NULL
                                                     : mr->degradation_relative    ? "relative"
                                                                                   : "absolute");
    add_number(o, "drawdown_increase", mr->drawdown_increase);
    add_number(o, "win_rate_change", mr->win_rate_change);
    add_number(o, "win_rate_pvalue", mr->win_rate_pvalue);
    cJSON *flags = cJSON_AddObjectToObject(o, "flags");
    if (flags != NULL) {
        cJSON_AddBoolToObject(flags, "sharpe", (mr->flags & 1u) != 0);
        cJSON_AddBoolToObject(flags, "drawdown", (mr->flags & 2u) != 0);
    }
    cJSON_AddNumberToObject(o, "periods_per_year", m->settings.periods_per_year);
    cJSON_AddNumberToObject(o, "risk_free_rate", m->settings.risk_free_rate);
    cJSON_AddNumberToObject(o, "min_returns", (double)m->settings.min_returns);
    return o;
}

static cJSON *report_json(const pdrift_monitor *m)
{
    const pdrift__result *r = &m->result;
    const pdrift__settings *s = &m->settings;
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    cJSON_AddNumberToObject(root, "schema_version", REPORT_SCHEMA_VERSION);
    cJSON_AddStringToObject(root, "library_version", PDRIFT_VERSION_STRING);
    add_timestamp(root, r->generated_at);
    add_string_or_null(root, "model", m->model);
    cJSON_AddStringToObject(root, "sensitivity", pdrift__sensitivity_name(s->sensitivity));

    cJSON *th = cJSON_AddObjectToObject(root, "thresholds");
    if (th != NULL) {
        cJSON_AddNumberToObject(th, "psi", s->psi_threshold);
        cJSON_AddNumberToObject(th, "ks", s->ks_threshold);
        cJSON_AddNumberToObject(th, "ks_alpha", s->alpha);
        cJSON_AddNumberToObject(th, "alpha", s->alpha);
        cJSON_AddNumberToObject(th, "missing_rise", s->missing_rise);
        cJSON_AddNumberToObject(th, "sharpe_degradation", s->sharpe_degradation);
        cJSON_AddNumberToObject(th, "drawdown_increase", s->drawdown_increase);
        cJSON_AddNumberToObject(th, "min_samples", (double)s->min_samples);
    }

    cJSON_AddBoolToObject(root, "drift_detected", r->severity > PDRIFT_SEVERITY_NONE);
    cJSON *types = cJSON_AddArrayToObject(root, "drift_types");
    const unsigned order[3] = {PDRIFT_DRIFT_DATA, PDRIFT_DRIFT_CONCEPT, PDRIFT_DRIFT_MODEL};
    for (int i = 0; types != NULL && i < 3; i++)
        if (r->drift_types & order[i])
            cJSON_AddItemToArray(types, cJSON_CreateString(pdrift__drift_type_name(order[i])));
    add_string_or_null(root, "drift_type", pdrift__drift_type_name(r->drift_type));
    cJSON_AddStringToObject(root, "severity", pdrift__severity_name(r->severity));
    cJSON_AddStringToObject(root, "action", pdrift__action_name(r->action));

    cJSON_AddItemToObject(root, "data_drift", data_drift_json(m));
    cJSON_AddItemToObject(root, "concept_drift", concept_drift_json(m));
    cJSON_AddItemToObject(root, "model_drift", model_drift_json(m));
    cJSON_AddItemToObject(root, "recommendations", string_array(r->recommendations, r->n_recommendations));
    return root;
}

/* 1 if every node of the tree was created: cJSON's Add functions silently
 * skip a NULL item, so a failed allocation shows up as a missing key. */
static int complete(const cJSON *root, const pdrift__result *r)
{
    static const char *const keys[] = {"schema_version", "library_version", "generated_at",
                                       "model", "sensitivity", "thresholds", "drift_detected",
                                       "drift_types", "drift_type", "severity", "action",
                                       "data_drift", "concept_drift", "model_drift",
                                       "recommendations"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!cJSON_HasObjectItem(root, keys[i]))
            return 0;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "data_drift");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(d, "features");
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(root, "recommendations");
    return f != NULL && (size_t)cJSON_GetArraySize(f) == r->n_features && rec != NULL &&
           (size_t)cJSON_GetArraySize(rec) == r->n_recommendations;
}

int pdrift__report_render(pdrift_monitor *m)
{
    /* Numbers are printed by this thread under the C locale, whatever the
     * host program chose for LC_NUMERIC; the thread's locale is restored. */
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;
    cJSON *root = report_json(m);
    char *text = NULL;
    if (root != NULL && complete(root, &m->result))
        text = cJSON_Print(root);
    cJSON_Delete(root);
    if (previous != (locale_t)0)
        uselocale(previous);
    if (c_locale != (locale_t)0)
        freelocale(c_locale);
    if (text == NULL)
        return PDRIFT_ENOMEM;
    char *copy = pdrift__strdup(text); /* our allocator, whatever cJSON's is */
    cJSON_free(text);
    if (copy == NULL)
        return PDRIFT_ENOMEM;
    free(m->result.json);
    m->result.json = copy;
    m->result.json_len = strlen(copy);
    return PDRIFT_OK;
}

int pdrift_report_json(const pdrift_monitor *m, char *buf, size_t cap, size_t *len)
{
    if (m == NULL || len == NULL || (buf == NULL && cap > 0))
        return PDRIFT_EINVAL;
    if (!m->result.valid || m->result.json == NULL)
        return PDRIFT_ESTATE;
    size_t need = m->result.json_len + 1;
    *len = need;
    if (cap < need)
        return PDRIFT_ENOBUFS;
    memcpy(buf, m->result.json, need);
    return PDRIFT_OK;
}
