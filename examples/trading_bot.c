/*
 * trading_bot.c — a trading bot that benches its model when the monitor says so.
 *
 * The bot trades one instrument bar by bar with a "live" model and keeps a
 * conservative "fallback" model in reserve. A drift monitor is built from the
 * validation period (the bot's features and the live model's returns); in
 * production the bot feeds it every bar and asks for a verdict every
 * --check-every bars. On PDRIFT_ACTION_FALLBACK it hands the book to the
 * fallback; it hands it back after --clean-checks clean verdicts in a row.
 *
 * The market is simulated in memory (fixed seed): calm with short-term
 * momentum, so the live model (follow the last bar) has a real edge, then at
 * live bar --change-at turbulent and choppy (moves reverse), where the same
 * rule loses; optionally calm again from --calm-at. Only the monitoring calls
 * matter here: they are the ones a real bot would make.
 *
 * Output (key=value fields, one line each): CONFIG, CHECK per check
 * (not with --quiet), SWITCH on every switch, SUMMARY at the end.
 * Exit status 0, or 3 on any error (bad option, failed library call).
 *
 * Build against an installed library:
 *   cc -std=c11 trading_bot.c $(pkg-config --cflags --libs ploutosdrift) -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ploutos_drift.h>

enum { WARMUP = 20, VALIDATION = 500, N_FEATURES = 3 };
static const char *const FEATURE_NAMES[N_FEATURES] = { "ret", "vol20", "rsi14" };

/* Monitor settings. The Sharpe ratio of 120 daily returns has a standard
 * error of about sqrt(252/120 * (1 + S^2/2)) = 1.5 (Lo 2002), so the presets'
 * 20-30% drops fire on noise: with the default (medium, 20%) this very run
 * benches the model at bar 580, before the change, and calm runs switch back
 * and forth. We ask instead that the Sharpe falls below zero (a drop of more
 * than 100%) or that the drawdown grows by 10 points (the default); either is
 * high model drift, hence action fallback. */
#define FEATURE_WINDOW 250   /* bars of features compared with the baseline */
#define RETURNS_WINDOW 120   /* latest returns judged */
#define MIN_RETURNS 60       /* returns needed before performance is judged */
#define SHARPE_DROP 1.0      /* relative Sharpe drop that counts as model drift */
#define LIVE_SIZE 0.20       /* the live model's position, a fraction of the capital */
#define FALLBACK_SIZE 0.05   /* the fallback trades a quarter of that */

typedef struct regime { double drift, momentum, volatility; } regime; /* per bar */
static const regime CALM = { 0.0003, 0.5, 0.008 };
static const regime TURBULENT = { -0.0015, -0.5, 0.025 };

typedef struct options {
    size_t bars, change_at, calm_at, check_every, clean_checks;
    unsigned long long seed;
    int quiet;
} options;

/* ---- the simulated market: AR(1) log returns, normal shocks ------------- */

static double uniform01(uint64_t *state) /* splitmix64 */
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return ((double)((z ^ (z >> 31)) >> 11) + 0.5) * 0x1p-53;
}

static double normal01(uint64_t *state) /* Marsaglia's polar method */
{
    double u, v, s;
    do {
        u = 2.0 * uniform01(state) - 1.0;
        v = 2.0 * uniform01(state) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

/* close[0..n]: WARMUP + VALIDATION calm bars of history, then the live bars. */
static void simulate(const options *o, double *close, size_t n)
{
    uint64_t state = o->seed;
    double r = 0.0;
    close[0] = 100.0;
    for (size_t g = 1; g <= n; g++) {
        size_t t = g > WARMUP + VALIDATION ? g - (WARMUP + VALIDATION) : 0; /* live bar */
        const regime *k = (t >= o->change_at && t < o->calm_at) ? &TURBULENT : &CALM;
        r = k->drift + k->momentum * (r - k->drift) +
            k->volatility * sqrt(1.0 - k->momentum * k->momentum) * normal01(&state);
        close[g] = close[g - 1] * exp(r);
    }
}

/* ---- what the bot computes at the close of bar g (g >= WARMUP) ----------- */

static void features(const double *close, size_t g, double row[N_FEATURES])
{
    double mean = 0.0, var = 0.0, up = 0.0, down = 0.0;
    for (size_t k = g - 19; k <= g; k++)
        mean += log(close[k] / close[k - 1]) / 20.0;
    for (size_t k = g - 19; k <= g; k++)
        var += pow(log(close[k] / close[k - 1]) - mean, 2) / 19.0;
    for (size_t k = g - 13; k <= g; k++) {
        double move = close[k] - close[k - 1];
        if (move > 0) up += move; else down -= move;
    }
    row[0] = log(close[g] / close[g - 1]);           /* ret: the bar's log return */
    row[1] = sqrt(var);                              /* vol20: 20-bar volatility */
    row[2] = up + down > 0 ? 100.0 * up / (up + down) : 50.0; /* rsi14 (Cutler) */
}

/* Live model: follow the last bar, long after an up bar, short after a down bar. */
static double live_position(const double *close, size_t g)
{
    return close[g] >= close[g - 1] ? LIVE_SIZE : -LIVE_SIZE;
}

/* Fallback: a small position in the direction of the 20-bar trend, leaving
 * out the last bar (as the classic 12-1 momentum leaves out the last month):
 * slower, smaller, and blind to the bar-to-bar reversals of a choppy market. */
static double fallback_position(const double *close, size_t g)
{
    return close[g - 1] >= close[g - 21] ? FALLBACK_SIZE : -FALLBACK_SIZE;
}

/* Simple return of bar g for a position taken at the close of bar g - 1. */
static double bar_return(const double *close, size_t g, double position)
{
    return position * (close[g] / close[g - 1] - 1.0);
}

/* ---- the monitor ------------------------------------------------------------ */

/* Reports a failed library call (rc != PDRIFT_OK); returns 1 if it failed.
 * The monitor's message names the function and what was wrong. */
static int failed(const pdrift_monitor *m, int rc, const char *call)
{
    if (rc == PDRIFT_OK)
        return 0;
    const char *msg = m ? pdrift_errmsg(m) : "";
    fprintf(stderr, "trading_bot: %s (%s)\n", *msg ? msg : call, pdrift_strerror((pdrift_status)rc));
    return 1;
}

static int set_param(pdrift_config *c, pdrift_param p, double v, int is_int)
{
    int rc = is_int ? pdrift_config_set_int(c, p, (long long)v) : pdrift_config_set_double(c, p, v);
    return failed(NULL, rc, pdrift_param_name(p));
}

/* A monitor whose baseline is the validation period: the features of its
 * bars and the live model's returns over them. NULL on error. */
static pdrift_monitor *new_monitor(const double *close)
{
    pdrift_config *cfg = NULL;
    pdrift_monitor *m = NULL;
    double *rows = malloc(sizeof(double) * VALIDATION * N_FEATURES);
    double *returns = malloc(sizeof(double) * VALIDATION);
    int ok = rows && returns;
    if (!ok)
        fprintf(stderr, "trading_bot: out of memory\n");
    for (size_t i = 0; ok && i < VALIDATION; i++) {
        size_t g = WARMUP + 1 + i;
        features(close, g, rows + i * N_FEATURES);
        returns[i] = bar_return(close, g, live_position(close, g - 1));
    }
    ok = ok && !failed(NULL, pdrift_config_new(&cfg), "pdrift_config_new") &&
         !set_param(cfg, PDRIFT_PARAM_WINDOW_SIZE, FEATURE_WINDOW, 1) &&
         !set_param(cfg, PDRIFT_PARAM_RETURNS_WINDOW, RETURNS_WINDOW, 1) &&
         !set_param(cfg, PDRIFT_PARAM_MIN_RETURNS, MIN_RETURNS, 1) &&
         !set_param(cfg, PDRIFT_PARAM_PERIODS_PER_YEAR, 252.0, 0) &&
         !set_param(cfg, PDRIFT_PARAM_SHARPE_DEGRADATION, SHARPE_DROP, 0) &&
         !failed(NULL, pdrift_monitor_new(&m, cfg), "pdrift_monitor_new") &&
         !failed(m, pdrift_baseline_set(m, FEATURE_NAMES, N_FEATURES, rows, VALIDATION),
                 "pdrift_baseline_set") &&
         !failed(m, pdrift_baseline_returns(m, returns, VALIDATION), "pdrift_baseline_returns");
    free(rows);
    free(returns);
    pdrift_config_free(cfg);
    if (!ok) {
        pdrift_monitor_free(m);
        m = NULL;
    }
    return m;
}

typedef struct verdict {
    pdrift_severity severity;
    pdrift_action action;
    unsigned types;                      /* mask of pdrift_drift_type */
    double model_status, n_returns, sharpe_base, sharpe_now;
    const char *advice;                  /* first recommendation, owned by the monitor */
} verdict;

static int check(pdrift_monitor *m, verdict *v)
{
    double n_advice = 0.0;
    v->advice = "";
    if (failed(m, pdrift_detect(m), "pdrift_detect") ||
        failed(m, pdrift_result_severity(m, &v->severity), "pdrift_result_severity") ||
        failed(m, pdrift_result_action(m, &v->action), "pdrift_result_action") ||
        failed(m, pdrift_result_drift_types(m, &v->types), "pdrift_result_drift_types") ||
        failed(m, pdrift_result_get(m, PDRIFT_RESULT_MODEL_STATUS, &v->model_status), "get") ||
        failed(m, pdrift_result_get(m, PDRIFT_RESULT_N_RETURNS_CURRENT, &v->n_returns), "get") ||
        failed(m, pdrift_result_get(m, PDRIFT_RESULT_SHARPE_BASELINE, &v->sharpe_base), "get") ||
        failed(m, pdrift_result_get(m, PDRIFT_RESULT_SHARPE_CURRENT, &v->sharpe_now), "get") ||
        failed(m, pdrift_result_get(m, PDRIFT_RESULT_N_RECOMMENDATIONS, &n_advice), "get"))
        return -1;
    if (n_advice >= 1.0 &&
        failed(m, pdrift_result_recommendation(m, 0, &v->advice), "pdrift_result_recommendation"))
        return -1;
    return 0;
}

static const char *const SEVERITY[] = { "none", "low", "medium", "high" };
static const char *const ACTION[] = { "continue", "watch", "retrain", "fallback" };
static const char *const TYPES[] = { "none", "data", "concept", "data+concept", "model",
                                     "data+model", "concept+model", "data+concept+model" };
static const char *const STATUS[] = { "not_monitored", "ok", "drift", "insufficient" };

/* ---- the bot -------------------------------------------------------------- */

/* Every bar the monitor gets the bar's features and the LIVE model's return:
 * real while it trades, on paper while the fallback trades. The baseline is
 * the live model's validation returns, so the fallback's returns (a quarter
 * size, another rule) would read as drift forever and say nothing about
 * whether the live model works again. On the switch to the fallback the
 * window is reset (pdrift_window_reset): the verdicts that may bring the live
 * model back then rest only on bars after the switch, never on the losses
 * that caused it. A check is clean when the action is continue or watch AND
 * the performance was judged (model status ok): right after the reset, "not
 * enough returns" is no evidence of health. No reset on the way back: the
 * window then holds the very paper returns that just passed. */
static int run(const options *o, pdrift_monitor *m, const double *close)
{
    double equity_live = 1.0, equity_bot = 1.0;
    size_t clean = 0, n_switches = 0, on_fallback_bars = 0, *switches = NULL;
    int on_fallback = 0;
    for (size_t t = 1; t <= o->bars; t++) {
        size_t g = WARMUP + VALIDATION + t;
        double row[N_FEATURES], live = bar_return(close, g, live_position(close, g - 1));
        equity_live *= 1.0 + live;
        equity_bot *= 1.0 + (on_fallback ? bar_return(close, g, fallback_position(close, g - 1)) : live);
        on_fallback_bars += (size_t)on_fallback;
        features(close, g, row);
        if (failed(m, pdrift_observe_batch(m, row, 1), "pdrift_observe_batch") ||
            failed(m, pdrift_observe_returns(m, &live, 1), "pdrift_observe_returns"))
            goto fail;
        if (t % o->check_every != 0)
            continue;
        verdict v;
        if (check(m, &v))
            goto fail;
        int is_clean = v.action <= PDRIFT_ACTION_WATCH && v.model_status == PDRIFT_CHECK_OK;
        clean = on_fallback && is_clean ? clean + 1 : 0;
        if (!o->quiet)
            printf("CHECK bar=%zu model=%s severity=%s action=%s drift=%s model_status=%s returns=%.0f "
                   "sharpe=%.2f->%.2f clean=%zu\n", t, on_fallback ? "fallback" : "live",
                   SEVERITY[v.severity], ACTION[v.action], TYPES[v.types & 7u],
                   STATUS[(int)v.model_status & 3], v.n_returns, v.sharpe_base, v.sharpe_now, clean);
        int switch_now = on_fallback ? clean >= o->clean_checks : v.action == PDRIFT_ACTION_FALLBACK;
        if (!switch_now)
            continue;
        size_t *grown = realloc(switches, (n_switches + 1) * sizeof *switches);
        if (!grown) {
            fprintf(stderr, "trading_bot: out of memory\n");
            goto fail;
        }
        switches = grown;
        switches[n_switches++] = t;
        on_fallback = !on_fallback;
        printf("SWITCH bar=%zu to=%s severity=%s action=%s reason=\"%s\"\n", t,
               on_fallback ? "fallback" : "live", SEVERITY[v.severity], ACTION[v.action], v.advice);
        fflush(stdout);
        /* a real bot would also start retraining the live model here */
        if (on_fallback && failed(m, pdrift_window_reset(m), "pdrift_window_reset"))
            goto fail;
        clean = 0;
    }
    printf("SUMMARY bars=%zu change_at=%zu switches=%zu switch_bars=", o->bars, o->change_at, n_switches);
    for (size_t i = 0; i < n_switches; i++)
        printf("%s%zu", i ? "," : "", switches[i]);
    printf("%s fallback_bars=%zu pnl_live_only=%+.1f%% pnl_with_fallback=%+.1f%%\n",
           n_switches ? "" : "-", on_fallback_bars, 100.0 * (equity_live - 1.0),
           100.0 * (equity_bot - 1.0));
    free(switches);
    return 0;
fail:
    free(switches);
    return -1;
}

static int parse(const char *name, const char *arg, unsigned long long lo, unsigned long long hi,
                 unsigned long long *out)
{
    char *end = NULL;
    unsigned long long v = arg && *arg >= '0' && *arg <= '9' ? strtoull(arg, &end, 10) : 0;
    if (!end || *end || v < lo || v > hi) {
        fprintf(stderr, "trading_bot: %s needs a whole number in [%llu, %llu]\n", name, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        unsigned long long v = 0;
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quiet") == 0) { o->quiet = 1; continue; }
        if (strcmp(a, "--seed") == 0 && !parse(a, next, 0, UINT64_MAX, &o->seed)) { i++; continue; }
        size_t *field = strcmp(a, "--bars") == 0 ? &o->bars
                      : strcmp(a, "--change-at") == 0 ? &o->change_at
                      : strcmp(a, "--calm-at") == 0 ? &o->calm_at
                      : strcmp(a, "--check-every") == 0 ? &o->check_every
                      : strcmp(a, "--clean-checks") == 0 ? &o->clean_checks : NULL;
        if (!field || parse(a, next, 1, field == &o->bars ? 1000000 : 1000000000, &v)) {
            fprintf(stderr, "usage: trading_bot [--bars N] [--change-at BAR] [--calm-at BAR] "
                            "[--check-every N] [--clean-checks K] [--seed S] [--quiet]\n");
            return -1;
        }
        *field = (size_t)v;
        i++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    options o = { .bars = 1000, .change_at = 600, .calm_at = SIZE_MAX, /* calm: never */
                  .check_every = 20, .clean_checks = 3, .seed = 42, .quiet = 0 };
    if (parse_options(argc, argv, &o) != 0)
        return 3;
    size_t n = WARMUP + VALIDATION + o.bars;
    double *close = malloc(sizeof(double) * (n + 1));
    if (!close) {
        fprintf(stderr, "trading_bot: out of memory\n");
        return 3;
    }
    simulate(&o, close, n);
    pdrift_monitor *m = new_monitor(close);
    if (m && !o.quiet)
        printf("CONFIG bars=%zu change_at=%zu check_every=%zu clean_checks=%zu seed=%llu "
               "validation=%d window=%d returns_window=%d min_returns=%d sharpe_drop=%.2f\n",
               o.bars, o.change_at, o.check_every, o.clean_checks, o.seed, VALIDATION,
               FEATURE_WINDOW, RETURNS_WINDOW, MIN_RETURNS, SHARPE_DROP);
    int rc = m ? run(&o, m, close) : -1;
    pdrift_monitor_free(m);
    free(close);
    return rc == 0 ? 0 : 3;
}
