/*
 * model.c — model drift (SPEC §5): the trading performance of the live
 * model against the performance it had when it was validated.
 *
 * Pure computation on arrays: the monitor passes the baseline performance
 * and the current returns in time order.
 */
#include <math.h>

#include "monitor.h"

/* Bands of SPEC §5 for a Sharpe degradation, the same at every preset. */
#define SHARPE_HIGH 0.30
#define SHARPE_MEDIUM 0.20

/* One-sided two-proportion z-test for a drop of the win rate (SPEC §5, the
 * formula of §3.4 with the difference reversed). */
static double win_rate_drop_pvalue(size_t wins_b, size_t n_b, size_t wins_c, size_t n_c)
{
    double pb = (double)wins_b / (double)n_b, pc = (double)wins_c / (double)n_c;
    double pooled = (double)(wins_b + wins_c) / ((double)n_b + (double)n_c);
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / (double)n_b + 1.0 / (double)n_c));
    if (!(se > 0.0))
        return 1.0;
    return 0.5 * erfc(((pb - pc) / se) / sqrt(2.0));
}

void pdrift__model_detect(const pdrift__settings *s, const pdrift__performance *baseline,
                          const double *returns, size_t n, pdrift__model_result *out)
{
    pdrift__model_result r;
    r.baseline = *baseline;
    r.severity = PDRIFT_SEVERITY_NONE;
    r.flags = 0;
    r.n_returns = n;
    r.sharpe = r.max_drawdown = r.win_rate = NAN;
    r.sharpe_degradation = r.drawdown_increase = r.win_rate_change = r.win_rate_pvalue = NAN;
    r.degradation_relative = 0;

    if (baseline->source == PDRIFT__PERFORMANCE_NONE && n == 0) {
        r.status = PDRIFT_CHECK_NOT_MONITORED;
        *out = r;
        return;
    }
    size_t wins = 0, decided = 0;
    if (n > 0) {
        r.sharpe = pdrift__sharpe(returns, n, s->periods_per_year, s->risk_free_rate);
        r.max_drawdown = pdrift__max_drawdown(returns, n);
        pdrift__win_counts(returns, n, &wins, &decided);
        r.win_rate = decided > 0 ? (double)wins / (double)decided : NAN;
    }
    /* Too few returns, or nothing to compare with: never a verdict. */
    if (baseline->source == PDRIFT__PERFORMANCE_NONE || n < s->min_returns) {
        r.status = PDRIFT_CHECK_INSUFFICIENT;
        *out = r;
        return;
    }

    const double sb = baseline->sharpe, sc = r.sharpe;
    if (!isnan(sb) && !isnan(sc)) {
        r.degradation_relative = sb > 0.0;
        r.sharpe_degradation = sb > 0.0 ? (sb - sc) / sb : sb - sc;
        if (r.sharpe_degradation > s->sharpe_degradation) {
            r.flags |= 1u;
            r.severity = r.sharpe_degradation >= SHARPE_HIGH     ? PDRIFT_SEVERITY_HIGH
                         : r.sharpe_degradation >= SHARPE_MEDIUM ? PDRIFT_SEVERITY_MEDIUM
                                                                 : PDRIFT_SEVERITY_LOW;
        }
    }
    if (!isnan(baseline->max_drawdown) && !isnan(r.max_drawdown)) {
        r.drawdown_increase = fabs(r.max_drawdown) - fabs(baseline->max_drawdown);
        if (r.drawdown_increase > s->drawdown_increase) {
            r.flags |= 2u;
            r.severity = PDRIFT_SEVERITY_HIGH;
        }
    }
    if (!isnan(baseline->win_rate) && !isnan(r.win_rate)) {
        r.win_rate_change = r.win_rate - baseline->win_rate;
        if (baseline->source == PDRIFT__PERFORMANCE_RETURNS && baseline->decided > 0 && decided > 0)
            r.win_rate_pvalue = win_rate_drop_pvalue(baseline->wins, baseline->decided, wins, decided);
    }
    /* "ok" means performance was compared and holds: when neither the
     * Sharpe ratios nor the drawdowns could be compared (a constant series,
     * a baseline given only as a win rate), nothing was judged. */
    if (isnan(r.sharpe_degradation) && isnan(r.drawdown_increase))
        r.status = PDRIFT_CHECK_INSUFFICIENT;
    else
        r.status = r.flags ? PDRIFT_CHECK_DRIFT : PDRIFT_CHECK_OK;
    *out = r;
}
