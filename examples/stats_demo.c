/*
 * stats_demo.c — the stateless statistics of libploutosdrift on generated
 * market-like data: what `make demo` runs.
 *
 * A baseline of 2000 daily bars (the training period) is compared with two
 * production windows of 250 bars: one from the same market, one after a
 * volatility regime change. For each window it prints the PSI and KS
 * statistics of two features with their p-values, and the trading metrics
 * of a simple strategy's returns, baseline -> current.
 *
 * Build against an installed library:
 *   cc stats_demo.c $(pkg-config --cflags --libs ploutosdrift) -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ploutos_drift.h>

enum { BASELINE_BARS = 2000, WINDOW_BARS = 250 };

/* Deterministic normal deviates (splitmix64 + Box–Muller): same output on
 * every machine, no seed file. */
static uint64_t rng_state = 20261128;

static double uniform01(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1p-53;
}

static double normal(double mean, double sd)
{
    return mean + sd * sqrt(-2.0 * log(uniform01())) * cos(6.283185307179586 * uniform01());
}

/* One market: daily log-return feature, a volume ratio feature, and the
 * strategy's return, which keeps its edge only while volatility is low. */
typedef struct {
    double ret[BASELINE_BARS], volume[BASELINE_BARS], strategy[BASELINE_BARS];
    size_t n;
} market;

static void simulate(market *m, size_t n, double vol, double volume_mean, double edge)
{
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        m->ret[i] = normal(0.0003, vol);
        m->volume[i] = exp(normal(volume_mean, 0.35));
        m->strategy[i] = normal(edge, 0.008);
    }
}

static int report_feature(const char *name, const double *base, size_t nb, const double *cur,
                          size_t nc)
{
    double psi, psi_p, d, ks_p;
    int rc = pdrift_psi(base, nb, cur, nc, 10, &psi, &psi_p);
    if (rc == PDRIFT_OK)
        rc = pdrift_ks_2samp(base, nb, cur, nc, PDRIFT_KS_AUTO, &d, &ks_p);
    if (rc != PDRIFT_OK) {
        fprintf(stderr, "stats_demo: %s: %s\n", name, pdrift_strerror((pdrift_status)rc));
        return rc;
    }
    printf("  %-10s PSI %.4f (p %.2e)%s   KS D %.4f (p %.2e)%s\n", name, psi, psi_p,
           psi_p < 0.05 ? " *" : "  ", d, ks_p, ks_p < 0.05 ? " *" : "");
    return PDRIFT_OK;
}

static int report_metrics(const market *base, const market *cur)
{
    double sb, sc, db, dc, wb, wc;
    int rc = pdrift_sharpe(base->strategy, base->n, 252, &sb);
    if (rc == PDRIFT_OK) rc = pdrift_sharpe(cur->strategy, cur->n, 252, &sc);
    if (rc == PDRIFT_OK) rc = pdrift_max_drawdown(base->strategy, base->n, &db);
    if (rc == PDRIFT_OK) rc = pdrift_max_drawdown(cur->strategy, cur->n, &dc);
    if (rc == PDRIFT_OK) rc = pdrift_win_rate(base->strategy, base->n, &wb);
    if (rc == PDRIFT_OK) rc = pdrift_win_rate(cur->strategy, cur->n, &wc);
    if (rc != PDRIFT_OK) {
        fprintf(stderr, "stats_demo: metrics: %s\n", pdrift_strerror((pdrift_status)rc));
        return rc;
    }
    printf("  strategy   Sharpe %.2f -> %.2f   max drawdown %.1f%% -> %.1f%%   win rate %.1f%% -> %.1f%%\n",
           sb, sc, 100 * db, 100 * dc, 100 * wb, 100 * wc);
    return PDRIFT_OK;
}

static int scenario(const char *title, const market *base, const market *cur)
{
    printf("%s (%zu baseline bars vs %zu current bars)\n", title, base->n, cur->n);
    int rc = report_feature("return", base->ret, base->n, cur->ret, cur->n);
    if (rc == PDRIFT_OK) rc = report_feature("volume", base->volume, base->n, cur->volume, cur->n);
    if (rc == PDRIFT_OK) rc = report_metrics(base, cur);
    printf("\n");
    return rc;
}

int main(void)
{
    static market baseline, stable, shifted;
    printf("libploutosdrift %s — statistics demo (* = p < 0.05)\n\n", pdrift_version_string());
    simulate(&baseline, BASELINE_BARS, 0.010, 0.0, 0.0012);
    simulate(&stable, WINDOW_BARS, 0.010, 0.0, 0.0012);
    simulate(&shifted, WINDOW_BARS, 0.018, 0.25, 0.0002);

    if (scenario("Same market", &baseline, &stable) != PDRIFT_OK)
        return 1;
    if (scenario("After a volatility regime change", &baseline, &shifted) != PDRIFT_OK)
        return 1;
    return 0;
}
