/*
 * verdict.c — from the checks to what a person does (SPEC §6): the overall
 * severity, the drift types, the action (continue, watch, retrain,
 * fallback) and the recommendations, in the operator guide's spirit.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"

/* ---- severity, types, action ----------------------------------------------- */

void pdrift__combine(pdrift_severity data, pdrift_severity concept, pdrift_severity model,
                     int model_holding, pdrift__verdict_out *out)
{
    const pdrift_severity sev[3] = {data, concept, model};
    const unsigned type[3] = {PDRIFT_DRIFT_DATA, PDRIFT_DRIFT_CONCEPT, PDRIFT_DRIFT_MODEL};
    out->severity = PDRIFT_SEVERITY_NONE;
    out->drift_types = 0;
    out->drift_type = 0;
    for (int i = 0; i < 3; i++) {
        if (sev[i] == PDRIFT_SEVERITY_NONE)
            continue;
        out->drift_types |= type[i];
        if (sev[i] >= out->severity) { /* later types win ties: model > concept > data */
            out->severity = sev[i];
            out->drift_type = type[i];
        }
    }
    switch (out->severity) {
    case PDRIFT_SEVERITY_NONE:
        out->action = PDRIFT_ACTION_CONTINUE;
        break;
    case PDRIFT_SEVERITY_LOW:
        out->action = PDRIFT_ACTION_WATCH;
        break;
    case PDRIFT_SEVERITY_MEDIUM:
        out->action = out->drift_type == PDRIFT_DRIFT_DATA ? PDRIFT_ACTION_WATCH : PDRIFT_ACTION_RETRAIN;
        break;
    case PDRIFT_SEVERITY_HIGH:
        out->action = out->drift_type == PDRIFT_DRIFT_MODEL ? PDRIFT_ACTION_FALLBACK : PDRIFT_ACTION_RETRAIN;
        break;
    }
    /* Performance first (the operator guide: "PSI high but performance OK:
     * watch, no urgency"): with trading performance measured and holding and
     * no concept drift, data drift alone asks only for watching. */
    if (out->drift_types == PDRIFT_DRIFT_DATA && model_holding && out->action > PDRIFT_ACTION_WATCH)
        out->action = PDRIFT_ACTION_WATCH;
}

/* ---- recommendations ------------------------------------------------------------ */

typedef struct text {
    char buf[1024];
    size_t len;
} text;

static void text_add(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void text_add(text *t, const char *fmt, ...)
{
    if (t->len >= sizeof t->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - 1 - t->len;
}

/* "a, b, c and 4 more" over the features order[0..n) (SPEC §6: at most three
 * names, comma-separated). */
static void text_add_names(text *t, const pdrift_monitor *m, const size_t *order, size_t n)
{
    for (size_t i = 0; i < n && i < 3; i++)
        text_add(t, "%s%s", i == 0 ? "" : ", ", m->baseline.features[order[i]].name);
    if (n > 3)
        text_add(t, " and %zu more", n - 3);
}

static int push_recommendation(pdrift__result *r, const text *t)
{
    char **grown = realloc(r->recommendations, (r->n_recommendations + 1) * sizeof *grown);
    if (grown == NULL)
        return PDRIFT_ENOMEM;
    r->recommendations = grown;
    if ((grown[r->n_recommendations] = pdrift__strdup(t->buf)) == NULL)
        return PDRIFT_ENOMEM;
    r->n_recommendations++;
    return PDRIFT_OK;
}

/* "Data drift (PSI=0.18) on close_norm, volume_norm, rsi: watch the next 7
 * days; retrain if it persists". The evidence is the most drifted feature's. */
static int recommend_data(const pdrift_monitor *m, pdrift__result *r)
{
    const pdrift__feature_result *top = &r->features[r->order[0]];
    text t = {.len = 0};
    text_add(&t, "Data drift (");
    if (top->gates & 1u)
        text_add(&t, "PSI=%.2f", top->psi);
    else if (top->gates & 2u)
        text_add(&t, "KS D=%.2f", top->ks_statistic);
    else
        text_add(&t, "missing values %.1f%% -> %.1f%%", 100 * top->missing_baseline,
                 100 * top->missing_current);
    text_add(&t, ") on ");
    text_add_names(&t, m, r->order, r->n_drifted);
    const pdrift__model_result *mr = &r->model;
    if (mr->status == PDRIFT_CHECK_OK && r->drift_types == PDRIFT_DRIFT_DATA) {
        text_add(&t, ": trading performance is holding");
        if (isfinite(mr->sharpe) && isfinite(mr->baseline.sharpe))
            text_add(&t, " (Sharpe %.2f vs %.2f)", mr->sharpe, mr->baseline.sharpe);
        else if (isfinite(mr->max_drawdown) && isfinite(mr->baseline.max_drawdown))
            text_add(&t, " (max drawdown %.1f%% vs %.1f%%)", 100 * mr->max_drawdown,
                     100 * mr->baseline.max_drawdown);
        text_add(&t, ", no urgency: watch it; retrain if it degrades");
    }
    else if (r->data_severity == PDRIFT_SEVERITY_HIGH)
        text_add(&t, ": retrain the model on recent data");
    else
        text_add(&t, ": watch the next 7 days; retrain if it persists");
    return push_recommendation(r, &t);
}

/* "Model drift: Sharpe 1.50 -> 0.90 (-40.0%), max drawdown +12.0 points:
 * switch to the fallback strategy and retrain". */
static int recommend_model(pdrift__result *r)
{
    const pdrift__model_result *mr = &r->model;
    text t = {.len = 0};
    text_add(&t, "Model drift: ");
    const char *sep = "";
    if (!isnan(mr->sharpe_degradation)) {
        text_add(&t, "Sharpe %.2f -> %.2f", mr->baseline.sharpe, mr->sharpe);
        if (mr->degradation_relative)
            text_add(&t, " (%+.1f%%)", -100 * mr->sharpe_degradation);
        else
            text_add(&t, " (%+.2f)", -mr->sharpe_degradation);
        sep = ", ";
    }
    if (mr->flags & 2u)
        text_add(&t, "%smax drawdown %+.1f points (%.1f%% -> %.1f%%)", sep,
                 100 * mr->drawdown_increase, 100 * mr->baseline.max_drawdown,
                 100 * mr->max_drawdown);
    if (mr->severity == PDRIFT_SEVERITY_HIGH)
        text_add(&t, ": stop live trading with this model, switch to the fallback strategy and "
                 "retrain");
    else if (mr->severity == PDRIFT_SEVERITY_MEDIUM)
        text_add(&t, ": retrain the model on recent data");
    else
        text_add(&t, ": watch the next trades closely; retrain if it persists");
    return push_recommendation(r, &t);
}

/* "Concept drift (ADDM DRIFT, severity weight 0.42): retrain; blend
 * predictions with weight 0.42 meanwhile". */
static int recommend_concept(pdrift__result *r)
{
    const pdrift__concept_result *c = &r->concept;
    text t = {.len = 0};
    if (c->level == PDRIFT_LEVEL_DRIFT) {
        text_add(&t, "Concept drift (ADDM DRIFT after %zu live errors, severity weight %.2f): "
                 "retrain; blend predictions with weight %.2f meanwhile", c->fired_at,
                 c->severity_weight, c->severity_weight);
    } else {
        text_add(&t, "Concept drift building up (ADDM WARNING, severity weight %.2f): watch the "
                 "error rate; retrain if it reaches DRIFT", c->severity_weight);
    }
    return push_recommendation(r, &t);
}

/* "Not enough data for data drift on rsi (12 current values, need 30)". */
static int recommend_data_insufficient(const pdrift_monitor *m, pdrift__result *r)
{
    size_t *list = calloc(r->n_insufficient, sizeof *list);
    if (list == NULL)
        return PDRIFT_ENOMEM;
    size_t n = 0, fewest = SIZE_MAX;
    int current_side = 1;
    for (size_t i = 0; i < r->n_features; i++) {
        const pdrift__feature_result *fr = &r->features[r->order[i]];
        if (fr->status != PDRIFT_FEATURE_INSUFFICIENT)
            continue;
        list[n++] = r->order[i];
        size_t have = fr->n_current < fr->n_baseline ? fr->n_current : fr->n_baseline;
        if (have < fewest) {
            fewest = have;
            current_side = fr->n_current <= fr->n_baseline;
        }
    }
    const pdrift__settings *s = &m->settings;
    size_t need = s->min_samples > s->psi.bins ? s->min_samples : s->psi.bins;
    text t = {.len = 0};
    text_add(&t, "Not enough data for data drift on ");
    text_add_names(&t, m, list, n);
    text_add(&t, " (%s%zu %s values, need %zu)", n > 1 ? "fewest: " : "", fewest,
             current_side ? "current" : "baseline", need);
    free(list);
    return push_recommendation(r, &t);
}

/* "Not enough data for model drift (12 returns, need 20)". */
static int recommend_model_insufficient(const pdrift_monitor *m, pdrift__result *r)
{
    text t = {.len = 0};
    if (r->model.baseline.source == PDRIFT__PERFORMANCE_NONE)
        text_add(&t, "Not enough data for model drift (no baseline performance: give the "
                 "validation returns or the baseline Sharpe, drawdown and win rate)");
    else if (r->model.n_returns >= m->settings.min_returns)
        text_add(&t, "Not enough data for model drift (neither the Sharpe ratios nor the "
                 "drawdowns can be compared: constant returns, or a baseline without them)");
    else
        text_add(&t, "Not enough data for model drift (%zu returns, need %zu)", r->model.n_returns,
                 m->settings.min_returns);
    return push_recommendation(r, &t);
}

/* "Not enough data for concept drift (45 live errors, need 69)". */
static int recommend_concept_insufficient(const pdrift_monitor *m, pdrift__result *r)
{
    const pdrift__addm_params *a = &m->settings.addm;
    text t = {.len = 0};
    if (r->concept.n_reference == 0)
        text_add(&t, "Not enough data for concept drift (no reference errors: give the validation "
                 "errors of the model)");
    else if (r->concept.n_reference < a->w + a->k - 1)
        text_add(&t, "Not enough data for concept drift (%zu reference errors, need %zu)",
                 r->concept.n_reference, a->w + a->k - 1);
    else if (r->concept.n_live < a->w)
        text_add(&t, "Not enough data for concept drift (%zu live errors, need %zu)",
                 r->concept.n_live, a->w);
    else if (r->concept.addm_ran && !r->concept.addm.fitted && r->concept.addm.nmin > 0)
        text_add(&t, "Not enough data for concept drift (ADDM found no SETAR threshold leaving "
                 "%zu rows in each regime: the errors take too few distinct values)",
                 r->concept.addm.nmin);
    else
        text_add(&t, "Not enough data for concept drift (the reference holds no autoregression "
                 "row: parameter addm_reference must exceed addm_lags and addm_delay)");
    return push_recommendation(r, &t);
}

static int recommend(const pdrift_monitor *m, pdrift__result *r)
{
    int rc = PDRIFT_OK;
    /* One line per drift type, most severe first; ties: model, concept, data. */
    pdrift_severity concept =
        (r->drift_types & PDRIFT_DRIFT_CONCEPT) ? r->concept.severity : PDRIFT_SEVERITY_NONE;
    pdrift_severity model =
        (r->drift_types & PDRIFT_DRIFT_MODEL) ? r->model.severity : PDRIFT_SEVERITY_NONE;
    pdrift_severity data =
        (r->drift_types & PDRIFT_DRIFT_DATA) ? r->data_severity : PDRIFT_SEVERITY_NONE;
    for (int sev = PDRIFT_SEVERITY_HIGH; rc == PDRIFT_OK && sev > PDRIFT_SEVERITY_NONE; sev--) {
        if (model == (pdrift_severity)sev)
            rc = recommend_model(r);
        if (rc == PDRIFT_OK && concept == (pdrift_severity)sev)
            rc = recommend_concept(r);
        if (rc == PDRIFT_OK && data == (pdrift_severity)sev)
            rc = recommend_data(m, r);
    }
    const int tested = r->n_insufficient < r->n_features || r->model.status == PDRIFT_CHECK_OK ||
                       r->concept.status == PDRIFT_CHECK_OK;
    if (rc == PDRIFT_OK && r->drift_types == 0 && tested) {
        text t = {.len = 0};
        text_add(&t, "No drift detected: continue with the current model");
        rc = push_recommendation(r, &t);
    }
    /* Then what could not be tested. */
    if (rc == PDRIFT_OK && r->n_insufficient > 0)
        rc = recommend_data_insufficient(m, r);
    if (rc == PDRIFT_OK && r->model.status == PDRIFT_CHECK_INSUFFICIENT)
        rc = recommend_model_insufficient(m, r);
    if (rc == PDRIFT_OK && r->concept.status == PDRIFT_CHECK_INSUFFICIENT)
        rc = recommend_concept_insufficient(m, r);
    return rc;
}

int pdrift__verdict(const pdrift_monitor *m, pdrift__result *r)
{
    pdrift__verdict_out v;
    pdrift_severity model =
        r->model.status == PDRIFT_CHECK_DRIFT ? r->model.severity : PDRIFT_SEVERITY_NONE;
    pdrift__combine(r->data_severity, r->concept.severity, model,
                    r->model.status == PDRIFT_CHECK_OK, &v);
    r->severity = v.severity;
    r->drift_types = v.drift_types;
    r->drift_type = v.drift_type;
    r->action = v.action;
    return recommend(m, r);
}
