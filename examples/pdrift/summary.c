/*
 * summary.c — the human summary of a check, in the shape of the operator
 * guide's examples: a headline, type and severity, the drifted features with
 * their PSI and KS, the recommendations and one next step. It reads the
 * result through the library's getters, as a C trading bot would.
 */
#include <math.h>
#include <stdio.h>

#include "cli.h"

static const char *severity_text(pdrift_severity s)
{
    static const char *const names[] = {"NONE", "LOW", "MEDIUM", "HIGH"};
    return (unsigned)s < 4 ? names[s] : "?";
}

static const char *type_text(unsigned t)
{
    switch (t) {
    case PDRIFT_DRIFT_DATA: return "DATA";
    case PDRIFT_DRIFT_CONCEPT: return "CONCEPT";
    case PDRIFT_DRIFT_MODEL: return "MODEL";
    }
    return "-";
}

static const char *next_step(pdrift_action a)
{
    switch (a) {
    case PDRIFT_ACTION_CONTINUE: return "none: continue monitoring on schedule";
    case PDRIFT_ACTION_WATCH: return "keep trading, watch performance over the next days; "
                                     "retrain if the drift persists";
    case PDRIFT_ACTION_RETRAIN: return "retrain the model on recent data, validate it "
                                       "(walk-forward), then deploy";
    case PDRIFT_ACTION_FALLBACK: return "stop the live model now, switch to the fallback "
                                        "strategy, retrain";
    }
    return "";
}

static double feature_value(const pdrift_monitor *m, size_t f, pdrift_feature_key key)
{
    double v = NAN;
    pdrift_result_feature(m, f, key, &v);
    return v;
}

static void print_number(FILE *out, const char *label, double v)
{
    if (isnan(v))
        fprintf(out, "%s   - ", label);
    else
        fprintf(out, "%s %5.2f", label, v);
}

static void print_drifted(FILE *out, const pdrift_monitor *m, size_t n_drifted, size_t n_features)
{
    fprintf(out, "\n  Drifted features (%zu of %zu):\n", n_drifted, n_features);
    for (size_t rank = 0; rank < n_drifted; rank++) {
        size_t f;
        if (pdrift_result_drifted(m, rank, &f) != PDRIFT_OK)
            break;
        fprintf(out, "    - %-16s ", pdrift_feature_name(m, f));
        print_number(out, "PSI", feature_value(m, f, PDRIFT_FEATURE_PSI));
        print_number(out, "   KS D", feature_value(m, f, PDRIFT_FEATURE_KS_STATISTIC));
        double miss_b = feature_value(m, f, PDRIFT_FEATURE_MISSING_BASELINE);
        double miss_c = feature_value(m, f, PDRIFT_FEATURE_MISSING_CURRENT);
        unsigned gates = (unsigned)feature_value(m, f, PDRIFT_FEATURE_GATES);
        if (gates & 4u)
            fprintf(out, "   missing %.1f%% -> %.1f%%", 100 * miss_b, 100 * miss_c);
        fprintf(out, "   (%s)\n",
                severity_text((pdrift_severity)(int)feature_value(m, f, PDRIFT_FEATURE_SEVERITY)));
    }
}

/* The largest PSI, and why it is not drift when it is large: the test found
 * it within the noise (e.g. a slowly varying feature on a short window). */
static void print_psi_max(FILE *out, const pdrift_monitor *m, double psi_max)
{
    if (isnan(psi_max)) {
        fprintf(out, "    PSI max : -\n");
        return;
    }
    size_t n = 0;
    pdrift_feature_count(m, &n);
    for (size_t f = 0; f < n; f++) {
        if (feature_value(m, f, PDRIFT_FEATURE_PSI) != psi_max)
            continue;
        fprintf(out, "    PSI max : %.2f (%s, p = %.2g", psi_max, pdrift_feature_name(m, f),
                feature_value(m, f, PDRIFT_FEATURE_PSI_PVALUE));
        double tau = feature_value(m, f, PDRIFT_FEATURE_AUTOCORRELATION_TIME);
        if (tau > 1.5)
            fprintf(out, "; serially dependent feature, autocorrelation time %.0f bars", tau);
        fprintf(out, ")\n");
        return;
    }
}

static double result_value(const pdrift_monitor *m, pdrift_result_key key)
{
    double v = NAN;
    pdrift_result_get(m, key, &v);
    return v;
}

static void print_cell(FILE *out, double v, double scale, const char *unit)
{
    if (isnan(v))
        fprintf(out, " %9s", "-");
    else
        fprintf(out, " %8.*f%s", scale == 1 ? 2 : 1, v * scale, unit);
}

/* The metric table, baseline -> current, when trading performance is monitored. */
static void print_performance(FILE *out, const pdrift_monitor *m)
{
    pdrift_check_status status = (pdrift_check_status)(int)result_value(m, PDRIFT_RESULT_MODEL_STATUS);
    if (status == PDRIFT_CHECK_NOT_MONITORED)
        return;
    static const char *const names[] = {"not monitored", "ok", "DRIFT", "not enough returns"};
    fprintf(out, "\n  Trading performance (model drift: %s):\n", names[status]);
    fprintf(out, "    %-13s %9s %9s\n", "", "baseline", "current");
    fprintf(out, "    %-13s", "Sharpe");
    print_cell(out, result_value(m, PDRIFT_RESULT_SHARPE_BASELINE), 1, " ");
    print_cell(out, result_value(m, PDRIFT_RESULT_SHARPE_CURRENT), 1, " ");
    double deg = result_value(m, PDRIFT_RESULT_SHARPE_DEGRADATION);
    double sb = result_value(m, PDRIFT_RESULT_SHARPE_BASELINE);
    if (!isnan(deg))
        fprintf(out, sb > 0 ? "   (%+.1f%%)" : "   (%+.2f)", sb > 0 ? -100 * deg : -deg);
    fprintf(out, "\n    %-13s", "Max drawdown");
    print_cell(out, result_value(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), 100, "%");
    print_cell(out, result_value(m, PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT), 100, "%");
    double inc = result_value(m, PDRIFT_RESULT_DRAWDOWN_INCREASE);
    if (!isnan(inc))
        fprintf(out, "   (%+.1f points)", 100 * inc);
    fprintf(out, "\n    %-13s", "Win rate");
    print_cell(out, result_value(m, PDRIFT_RESULT_WIN_RATE_BASELINE), 100, "%");
    print_cell(out, result_value(m, PDRIFT_RESULT_WIN_RATE_CURRENT), 100, "%");
    double change = result_value(m, PDRIFT_RESULT_WIN_RATE_CHANGE);
    double p = result_value(m, PDRIFT_RESULT_WIN_RATE_PVALUE);
    if (!isnan(change)) {
        fprintf(out, "   (%+.1f points", 100 * change);
        if (!isnan(p))
            fprintf(out, ", p = %.2g", p);
        fprintf(out, ")");
    }
    fprintf(out, "\n    %-13s %9.0f %9.0f\n", "Returns", result_value(m, PDRIFT_RESULT_N_RETURNS_BASELINE),
            result_value(m, PDRIFT_RESULT_N_RETURNS_CURRENT));
}

/* The concept-drift line, when error streams are monitored. */
static void print_concept(FILE *out, const pdrift_monitor *m)
{
    pdrift_check_status status = (pdrift_check_status)(int)result_value(m, PDRIFT_RESULT_CONCEPT_STATUS);
    if (status == PDRIFT_CHECK_NOT_MONITORED)
        return;
    double n_ref = result_value(m, PDRIFT_RESULT_N_ERRORS_REFERENCE);
    double n_cur = result_value(m, PDRIFT_RESULT_N_ERRORS_CURRENT);
    fprintf(out, "\n  Model errors (concept drift, ADDM): ");
    switch (status) {
    case PDRIFT_CHECK_DRIFT:
        fprintf(out, "DRIFT since live error %.0f, severity weight %.2f\n",
                result_value(m, PDRIFT_RESULT_CONCEPT_FIRED_AT),
                result_value(m, PDRIFT_RESULT_SEVERITY_WEIGHT));
        break;
    case PDRIFT_CHECK_WARNING:
        fprintf(out, "WARNING, severity weight %.2f\n", result_value(m, PDRIFT_RESULT_SEVERITY_WEIGHT));
        break;
    case PDRIFT_CHECK_OK: fprintf(out, "ok\n"); break;
    default: fprintf(out, "not enough errors\n"); break;
    }
    double threshold = result_value(m, PDRIFT_RESULT_ADDM_THRESHOLD);
    double z = result_value(m, PDRIFT_RESULT_ADDM_MEAN_Z);
    fprintf(out, "    %.0f reference errors, %.0f live errors", n_ref, n_cur);
    if (!isnan(z))
        fprintf(out, "; window mean error z = %.2f", z);
    if (!isnan(threshold))
        fprintf(out, "; SETAR threshold %.3g, high-regime occupancy rise %+.2f", threshold,
                result_value(m, PDRIFT_RESULT_ADDM_DELTA));
    fprintf(out, "\n");
}

void print_summary(FILE *out, const pdrift_monitor *m, const char *report_path)
{
    pdrift_severity severity;
    pdrift_action action;
    unsigned type;
    double n_features = 0, n_drifted = 0, psi_max = NAN, n_current = 0, n_baseline = 0;
    if (pdrift_result_severity(m, &severity) != PDRIFT_OK)
        return;
    pdrift_result_action(m, &action);
    pdrift_result_drift_type(m, &type);
    pdrift_result_get(m, PDRIFT_RESULT_N_FEATURES, &n_features);
    pdrift_result_get(m, PDRIFT_RESULT_N_DRIFTED, &n_drifted);
    pdrift_result_get(m, PDRIFT_RESULT_PSI_MAX, &psi_max);
    pdrift_result_get(m, PDRIFT_RESULT_N_CURRENT_ROWS, &n_current);
    pdrift_result_get(m, PDRIFT_RESULT_N_BASELINE_ROWS, &n_baseline);

    if (severity == PDRIFT_SEVERITY_NONE) {
        fprintf(out, "No drift detected\n");
        if (n_features > 0) {
            fprintf(out, "  %zu features, %zu current rows against %zu baseline rows\n",
                    (size_t)n_features, (size_t)n_current, (size_t)n_baseline);
            fprintf(out, "\n  Metrics:\n");
            print_psi_max(out, m, psi_max);
        }
    } else {
        fprintf(out, "DRIFT DETECTED\n");
        fprintf(out, "  Type     : %s\n", type_text(type));
        fprintf(out, "  Severity : %s\n", severity_text(severity));
        fprintf(out, "  Action   : %s\n", action == PDRIFT_ACTION_CONTINUE ? "CONTINUE"
                                          : action == PDRIFT_ACTION_WATCH  ? "WATCH"
                                          : action == PDRIFT_ACTION_RETRAIN ? "RETRAIN"
                                                                            : "FALLBACK");
        if (n_features > 0)
            fprintf(out, "  Data     : %zu current rows against %zu baseline rows\n",
                    (size_t)n_current, (size_t)n_baseline);
        if (n_drifted > 0)
            print_drifted(out, m, (size_t)n_drifted, (size_t)n_features);
    }

    print_performance(out, m);
    print_concept(out, m);

    double n_rec = 0;
    pdrift_result_get(m, PDRIFT_RESULT_N_RECOMMENDATIONS, &n_rec);
    if (n_rec > 0) {
        fprintf(out, "\nRecommendations:\n");
        for (size_t i = 0; i < (size_t)n_rec; i++) {
            const char *text;
            if (pdrift_result_recommendation(m, i, &text) == PDRIFT_OK)
                fprintf(out, "  - %s\n", text);
        }
    }
    fprintf(out, "\nNext step: %s\n", next_step(action));
    if (report_path != NULL)
        fprintf(out, "Report: %s\n", report_path);
}
