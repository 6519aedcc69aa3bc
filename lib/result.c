/* result.c — the getters of the last detection, so that a C caller never has
 * to parse the JSON report. */
#include <math.h>

#include "monitor.h"

/* PDRIFT_OK if a detection can be read. */
static int readable(const pdrift_monitor *m, const void *out)
{
    if (m == NULL || out == NULL)
        return PDRIFT_EINVAL;
    return m->result.valid ? PDRIFT_OK : PDRIFT_ESTATE;
}

int pdrift_result_drift_types(const pdrift_monitor *m, unsigned *out)
{
    int rc = readable(m, out);
    if (rc == PDRIFT_OK)
        *out = m->result.drift_types;
    return rc;
}

int pdrift_result_drift_type(const pdrift_monitor *m, unsigned *out)
{
    int rc = readable(m, out);
    if (rc == PDRIFT_OK)
        *out = m->result.drift_type;
    return rc;
}

int pdrift_result_severity(const pdrift_monitor *m, pdrift_severity *out)
{
    int rc = readable(m, out);
    if (rc == PDRIFT_OK)
        *out = m->result.severity;
    return rc;
}

int pdrift_result_action(const pdrift_monitor *m, pdrift_action *out)
{
    int rc = readable(m, out);
    if (rc == PDRIFT_OK)
        *out = m->result.action;
    return rc;
}

int pdrift_result_get(const pdrift_monitor *m, pdrift_result_key key, double *out)
{
    int rc = readable(m, out);
    if (rc != PDRIFT_OK)
        return rc;
    const pdrift__result *r = &m->result;
    switch (key) {
    case PDRIFT_RESULT_PSI_MAX: *out = r->psi_max; break;
    case PDRIFT_RESULT_N_FEATURES: *out = (double)r->n_features; break;
    case PDRIFT_RESULT_N_DRIFTED: *out = (double)r->n_drifted; break;
    case PDRIFT_RESULT_N_INSUFFICIENT: *out = (double)r->n_insufficient; break;
    case PDRIFT_RESULT_DATA_SEVERITY: *out = (double)r->data_severity; break;
    case PDRIFT_RESULT_N_RECOMMENDATIONS: *out = (double)r->n_recommendations; break;
    case PDRIFT_RESULT_N_BASELINE_ROWS: *out = (double)r->n_baseline_rows; break;
    case PDRIFT_RESULT_N_CURRENT_ROWS: *out = (double)r->n_current_rows; break;
    case PDRIFT_RESULT_MODEL_STATUS: *out = (double)r->model.status; break;
    case PDRIFT_RESULT_MODEL_SEVERITY: *out = (double)r->model.severity; break;
    case PDRIFT_RESULT_SHARPE_BASELINE: *out = r->model.baseline.sharpe; break;
    case PDRIFT_RESULT_SHARPE_CURRENT: *out = r->model.sharpe; break;
    case PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE: *out = r->model.baseline.max_drawdown; break;
    case PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT: *out = r->model.max_drawdown; break;
    case PDRIFT_RESULT_WIN_RATE_BASELINE: *out = r->model.baseline.win_rate; break;
    case PDRIFT_RESULT_WIN_RATE_CURRENT: *out = r->model.win_rate; break;
    case PDRIFT_RESULT_SHARPE_DEGRADATION: *out = r->model.sharpe_degradation; break;
    case PDRIFT_RESULT_DRAWDOWN_INCREASE: *out = r->model.drawdown_increase; break;
    case PDRIFT_RESULT_WIN_RATE_CHANGE: *out = r->model.win_rate_change; break;
    case PDRIFT_RESULT_WIN_RATE_PVALUE: *out = r->model.win_rate_pvalue; break;
    case PDRIFT_RESULT_N_RETURNS_BASELINE: *out = (double)r->model.baseline.n_returns; break;
    case PDRIFT_RESULT_N_RETURNS_CURRENT: *out = (double)r->model.n_returns; break;
    case PDRIFT_RESULT_CONCEPT_STATUS: *out = (double)r->concept.status; break;
    case PDRIFT_RESULT_CONCEPT_LEVEL: *out = (double)r->concept.level; break;
    case PDRIFT_RESULT_CONCEPT_SEVERITY: *out = (double)r->concept.severity; break;
    case PDRIFT_RESULT_SEVERITY_WEIGHT: *out = r->concept.severity_weight; break;
    case PDRIFT_RESULT_ADDM_THRESHOLD:
        *out = r->concept.addm_ran && r->concept.addm.fitted ? r->concept.addm.threshold : NAN;
        break;
    case PDRIFT_RESULT_ADDM_DELTA:
        *out = r->concept.addm_ran && r->concept.addm.fitted ? r->concept.addm.delta : NAN;
        break;
    case PDRIFT_RESULT_CONCEPT_FIRED_AT:
        *out = r->concept.latched ? (double)r->concept.fired_at : NAN;
        break;
    case PDRIFT_RESULT_N_ERRORS_REFERENCE: *out = (double)r->concept.n_reference; break;
    case PDRIFT_RESULT_N_ERRORS_CURRENT: *out = (double)r->concept.n_seen; break;
    case PDRIFT_RESULT_ADDM_MEAN_Z:
        *out = r->concept.addm_ran && r->concept.addm.level != PDRIFT_LEVEL_INSUFFICIENT
                   ? r->concept.addm.mean_z
                   : NAN;
        break;
    default: return PDRIFT_EPARAM;
    }
    return PDRIFT_OK;
}

int pdrift_result_feature(const pdrift_monitor *m, size_t index, pdrift_feature_key key, double *out)
{
    int rc = readable(m, out);
    if (rc != PDRIFT_OK)
        return rc;
    if (index >= m->result.n_features)
        return PDRIFT_EINVAL;
    const pdrift__feature_result *f = &m->result.features[index];
    switch (key) {
    case PDRIFT_FEATURE_STATUS: *out = (double)f->status; break;
    case PDRIFT_FEATURE_SEVERITY: *out = (double)f->severity; break;
    case PDRIFT_FEATURE_PSI: *out = f->psi; break;
    case PDRIFT_FEATURE_PSI_PVALUE: *out = f->psi_pvalue; break;
    case PDRIFT_FEATURE_PSI_CRITICAL: *out = f->psi_critical; break;
    case PDRIFT_FEATURE_KS_STATISTIC: *out = f->ks_statistic; break;
    case PDRIFT_FEATURE_KS_PVALUE: *out = f->ks_pvalue; break;
    case PDRIFT_FEATURE_KS_PVALUE_ADJUSTED: *out = f->ks_pvalue_adjusted; break;
    case PDRIFT_FEATURE_MISSING_BASELINE: *out = f->missing_baseline; break;
    case PDRIFT_FEATURE_MISSING_CURRENT: *out = f->missing_current; break;
    case PDRIFT_FEATURE_MISSING_PVALUE: *out = f->missing_pvalue; break;
    case PDRIFT_FEATURE_N_BASELINE: *out = (double)f->n_baseline; break;
    case PDRIFT_FEATURE_N_CURRENT: *out = (double)f->n_current; break;
    case PDRIFT_FEATURE_GATES: *out = (double)f->gates; break;
    case PDRIFT_FEATURE_AUTOCORRELATION_TIME: *out = f->tau; break;
    case PDRIFT_FEATURE_PSI_PVALUE_IID: *out = f->psi_pvalue_iid; break;
    case PDRIFT_FEATURE_KS_PVALUE_IID: *out = f->ks_pvalue_iid; break;
    case PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT: *out = f->tau_current; break;
    default: return PDRIFT_EPARAM;
    }
    return PDRIFT_OK;
}

int pdrift_result_drifted(const pdrift_monitor *m, size_t rank, size_t *feature_index)
{
    int rc = readable(m, feature_index);
    if (rc != PDRIFT_OK)
        return rc;
    if (rank >= m->result.n_drifted)
        return PDRIFT_EINVAL;
    *feature_index = m->result.order[rank];
    return PDRIFT_OK;
}

int pdrift_result_recommendation(const pdrift_monitor *m, size_t i, const char **out)
{
    int rc = readable(m, out);
    if (rc != PDRIFT_OK)
        return rc;
    if (i >= m->result.n_recommendations)
        return PDRIFT_EINVAL;
    *out = m->result.recommendations[i];
    return PDRIFT_OK;
}
