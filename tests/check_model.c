/*
 * check_model.c — model drift (lib/model.c, SPEC §5) and the combination of
 * the drift types (lib/verdict.c, SPEC §6), through the monitor
 * (lib/monitor.c: pdrift_baseline_returns, pdrift_baseline_metrics,
 * pdrift_observe_returns, the _load variants), the getters (lib/result.c)
 * and the JSON report (lib/report.c).
 *
 * How expected values are obtained:
 *  - golden: tests/data/metrics_cases.json `drift_pairs` (six pairs of 252
 *    baseline and 126 current daily returns with per-preset decisions) and
 *    `series` (Sharpe at five periods-per-year / risk-free variants). The
 *    expected severity is derived here from the golden numbers and SPEC §5's
 *    bands (Sharpe: >= 0.30 high, >= 0.20 medium, else low; drawdown: high);
 *  - hand formulas of SPEC §5 evaluated here (Sharpe with a risk-free rate,
 *    the win-rate two-proportion z-test);
 *  - the stateless pdrift_sharpe / pdrift_max_drawdown / pdrift_win_rate on
 *    the same arrays (the window tests: the monitor must hold exactly the
 *    latest N returns, in time order);
 *  - SPEC §6's combination rule rewritten independently below
 *    (expected_combine) and compared with pdrift__combine over the whole
 *    4 x 4 x 4 x 2 table, then end to end with real data and returns.
 * Data drift in the combination tests uses one feature on the grid 0..999
 * (deciles of exactly 100 values) with the serial correction off, as in
 * check_monitor.c: a decile pattern gives a known PSI and D.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <cJSON.h>

#include <ploutos_drift.h>

#include "golden.h"
#include "monitor.h"

#define METRIC_REL 1e-12 /* SPEC §7: Sharpe, drawdown, win rate */
#define DRIFT_ABS 1e-12  /* SPEC §7: degradation and drawdown increase */

/* ---- helpers ------------------------------------------------------------------------ */

static void cfg_int(pdrift_config *c, pdrift_param p, long long v)
{
    ck_assert_int_eq(pdrift_config_set_int(c, p, v), PDRIFT_OK);
}

static void cfg_dbl(pdrift_config *c, pdrift_param p, double v)
{
    ck_assert_int_eq(pdrift_config_set_double(c, p, v), PDRIFT_OK);
}

static pdrift_config *config_for(pdrift_sensitivity s)
{
    pdrift_config *c = NULL;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    cfg_int(c, PDRIFT_PARAM_SENSITIVITY, s);
    cfg_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, 0);
    return c;
}

static pdrift_monitor *monitor_from(pdrift_config *c)
{
    pdrift_monitor *m = NULL;
    ck_assert_int_eq(pdrift_monitor_new(&m, c), PDRIFT_OK);
    ck_assert_ptr_nonnull(m);
    pdrift_config_free(c);
    return m;
}

static pdrift_monitor *monitor_medium(void)
{
    return monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
}

static void base_returns(pdrift_monitor *m, const double *r, size_t n)
{
    int rc = pdrift_baseline_returns(m, r, n);
    ck_assert_msg(rc == PDRIFT_OK, "baseline_returns: %d %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
}

static void base_metrics(pdrift_monitor *m, double sharpe, double dd, double win)
{
    int rc = pdrift_baseline_metrics(m, sharpe, dd, win);
    ck_assert_msg(rc == PDRIFT_OK, "baseline_metrics(%g, %g, %g): %d %s", sharpe, dd, win, rc,
                  pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
}

static void obs_returns(pdrift_monitor *m, const double *r, size_t n)
{
    int rc = pdrift_observe_returns(m, r, n);
    ck_assert_msg(rc == PDRIFT_OK, "observe_returns: %d %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
}

static void detect(pdrift_monitor *m)
{
    int rc = pdrift_detect(m);
    ck_assert_msg(rc == PDRIFT_OK, "detect: %d %s", rc, pdrift_errmsg(m));
    ck_assert_str_eq(pdrift_errmsg(m), "");
}

static double rget(const pdrift_monitor *m, pdrift_result_key k)
{
    double v = -12345.0;
    ck_assert_int_eq(pdrift_result_get(m, k, &v), PDRIFT_OK);
    return v;
}

static pdrift_severity severity_of(const pdrift_monitor *m)
{
    pdrift_severity s = (pdrift_severity)-1;
    ck_assert_int_eq(pdrift_result_severity(m, &s), PDRIFT_OK);
    return s;
}

static pdrift_action action_of(const pdrift_monitor *m)
{
    pdrift_action a = (pdrift_action)-1;
    ck_assert_int_eq(pdrift_result_action(m, &a), PDRIFT_OK);
    return a;
}

static unsigned types_of(const pdrift_monitor *m)
{
    unsigned t = 99;
    ck_assert_int_eq(pdrift_result_drift_types(m, &t), PDRIFT_OK);
    return t;
}

static unsigned type_of(const pdrift_monitor *m)
{
    unsigned t = 99;
    ck_assert_int_eq(pdrift_result_drift_type(m, &t), PDRIFT_OK);
    return t;
}

static size_t n_recs(const pdrift_monitor *m)
{
    return (size_t)rget(m, PDRIFT_RESULT_N_RECOMMENDATIONS);
}

static const char *rec(const pdrift_monitor *m, size_t i)
{
    const char *s = NULL;
    ck_assert_int_eq(pdrift_result_recommendation(m, i, &s), PDRIFT_OK);
    ck_assert_ptr_nonnull(s);
    return s;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Every recommendation joined, for messages. */
static const char *all_recs(const pdrift_monitor *m)
{
    static char buf[4096];
    buf[0] = '\0';
    size_t n = n_recs(m);
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, "[%zu] %s ", i, rec(m, i));
    }
    return buf;
}

static void assert_rel(double got, double want, double rel, const char *what)
{
    ck_assert_msg((isnan(got) && isnan(want)) || got == want || fabs(got - want) <= rel * fabs(want),
                  "%s: got %.17g, want %.17g", what, got, want);
}

static void assert_abs(double got, double want, double tol, const char *what)
{
    ck_assert_msg((isnan(got) && isnan(want)) || fabs(got - want) <= tol,
                  "%s: got %.17g, want %.17g", what, got, want);
}

static void assert_nan(double v, const char *what)
{
    ck_assert_msg(isnan(v), "%s: got %.17g, want NaN", what, v);
}

/* The report of the last detection, parsed (cJSON_Delete by the caller). */
static cJSON *report_of(const pdrift_monitor *m)
{
    size_t len = 0;
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ENOBUFS);
    char *buf = malloc(len);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(pdrift_report_json(m, buf, len, &len), PDRIFT_OK);
    cJSON *root = cJSON_Parse(buf);
    ck_assert_msg(root != NULL, "report is not JSON: %s", buf);
    free(buf);
    return root;
}

static const cJSON *jkey(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    ck_assert_msg(v != NULL, "report: key \"%s\" missing", k);
    return v;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = jkey(o, k);
    ck_assert_msg(cJSON_IsString(v), "report: \"%s\" is not a string", k);
    return v->valuestring;
}

/* A number key that must equal a getter's value, null for NaN. */
static void jnum_eq(const cJSON *o, const char *k, double want)
{
    const cJSON *v = jkey(o, k);
    if (isnan(want)) {
        ck_assert_msg(cJSON_IsNull(v), "report: \"%s\" should be null", k);
        return;
    }
    ck_assert_msg(cJSON_IsNumber(v), "report: \"%s\" is not a number", k);
    assert_rel(v->valuedouble, want, 1e-15, k);
}

static double *alloc_doubles(size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* Deterministic noise (splitmix64). */
typedef struct rng {
    uint64_t s;
} rng;

static double rng_uniform(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

/* n returns, uniform in [-0.02 + drift, 0.02 + drift). */
static void fill_returns(double *r, size_t n, double drift, uint64_t seed)
{
    rng g = {seed};
    for (size_t i = 0; i < n; i++)
        r[i] = drift + 0.04 * (rng_uniform(&g) - 0.5);
}

static double stateless_sharpe(const double *r, size_t n, double P)
{
    double s = -1;
    ck_assert_int_eq(pdrift_sharpe(r, n, P, &s), PDRIFT_OK);
    return s;
}

static double stateless_mdd(const double *r, size_t n)
{
    double s = -1;
    ck_assert_int_eq(pdrift_max_drawdown(r, n, &s), PDRIFT_OK);
    return s;
}

static double stateless_win(const double *r, size_t n)
{
    double s = -1;
    ck_assert_int_eq(pdrift_win_rate(r, n, &s), PDRIFT_OK);
    return s;
}

/* SPEC §5's Sharpe bands, written here. */
static pdrift_severity sharpe_band(double deg)
{
    return deg >= 0.30 ? PDRIFT_SEVERITY_HIGH : deg >= 0.20 ? PDRIFT_SEVERITY_MEDIUM : PDRIFT_SEVERITY_LOW;
}

static pdrift_severity sev_max(pdrift_severity a, pdrift_severity b)
{
    return a > b ? a : b;
}

/* SPEC §6's action for drift of a single type. */
static pdrift_action action_for_single(pdrift_severity s, unsigned type)
{
    switch (s) {
    case PDRIFT_SEVERITY_NONE: return PDRIFT_ACTION_CONTINUE;
    case PDRIFT_SEVERITY_LOW: return PDRIFT_ACTION_WATCH;
    case PDRIFT_SEVERITY_MEDIUM:
        return type == PDRIFT_DRIFT_DATA ? PDRIFT_ACTION_WATCH : PDRIFT_ACTION_RETRAIN;
    case PDRIFT_SEVERITY_HIGH:
        return type == PDRIFT_DRIFT_MODEL ? PDRIFT_ACTION_FALLBACK : PDRIFT_ACTION_RETRAIN;
    }
    return PDRIFT_ACTION_CONTINUE;
}

/* ---- golden drift pairs through the monitor ------------------------------------------ */

START_TEST(test_golden_pairs_through_monitor)
{
    static const char *const presets[] = {"low", "medium", "high"};
    static const pdrift_sensitivity levels[] = {PDRIFT_SENSITIVITY_LOW, PDRIFT_SENSITIVITY_MEDIUM,
                                                PDRIFT_SENSITIVITY_HIGH};
    size_t seen[4] = {0, 0, 0, 0}, pairs = 0;
    const cJSON *list = golden_get(golden_load("metrics_cases.json"), "drift_pairs");
    const cJSON *pair;
    cJSON_ArrayForEach(pair, list) {
        const char *id = cJSON_GetStringValue(golden_get(pair, "id"));
        size_t nb, nc;
        double *base = golden_array(golden_get(pair, "baseline"), &nb);
        double *cur = golden_array(golden_get(pair, "current"), &nc);
        ck_assert_uint_eq(nb, 252);
        ck_assert_uint_eq(nc, 126);
        const cJSON *decisions = golden_get(pair, "decisions");
        for (size_t k = 0; k < 3; k++) {
            const cJSON *d = golden_get(decisions, presets[k]);
            char what[128];
            pdrift_monitor *m = monitor_from(config_for(levels[k]));
            base_returns(m, base, nb);
            obs_returns(m, cur, nc);
            detect(m);

#define CHECK_REL(key, field)                                                                  \
    do {                                                                                       \
        snprintf(what, sizeof what, "%s/%s " field, id, presets[k]);                            \
        assert_rel(rget(m, key), golden_double(d, field), METRIC_REL, what);                    \
    } while (0)
            CHECK_REL(PDRIFT_RESULT_SHARPE_BASELINE, "sharpe_base");
            CHECK_REL(PDRIFT_RESULT_SHARPE_CURRENT, "sharpe_cur");
            CHECK_REL(PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE, "maxdd_base");
            CHECK_REL(PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT, "maxdd_cur");
#undef CHECK_REL
            double deg = golden_double(d, "sharpe_degradation");
            double inc = golden_double(d, "maxdd_increase");
            snprintf(what, sizeof what, "%s/%s sharpe_degradation", id, presets[k]);
            assert_abs(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), deg, DRIFT_ABS, what);
            snprintf(what, sizeof what, "%s/%s maxdd_increase", id, presets[k]);
            assert_abs(rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), inc, DRIFT_ABS, what);
            ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE), 252.0);
            ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT), 126.0);

            int drift = cJSON_IsTrue(golden_get(d, "drift"));
            int sflag = cJSON_IsTrue(golden_get(d, "sharpe_flag"));
            int dflag = cJSON_IsTrue(golden_get(d, "maxdd_flag"));
            double status = rget(m, PDRIFT_RESULT_MODEL_STATUS);
            ck_assert_msg(status == (double)(drift ? PDRIFT_CHECK_DRIFT : PDRIFT_CHECK_OK),
                          "%s/%s: model status %g, golden drift %d", id, presets[k], status, drift);

            /* The severity from the golden numbers and SPEC §5's bands. */
            pdrift_severity want = PDRIFT_SEVERITY_NONE;
            if (sflag)
                want = sev_max(want, sharpe_band(deg));
            if (dflag)
                want = PDRIFT_SEVERITY_HIGH;
            seen[want]++;
            ck_assert_msg(rget(m, PDRIFT_RESULT_MODEL_SEVERITY) == (double)want,
                          "%s/%s: model severity %g, want %d (deg %.17g)", id, presets[k],
                          rget(m, PDRIFT_RESULT_MODEL_SEVERITY), (int)want, deg);
            ck_assert_int_eq(severity_of(m), want);
            ck_assert_int_eq(action_of(m), action_for_single(want, PDRIFT_DRIFT_MODEL));
            unsigned t = want ? (unsigned)PDRIFT_DRIFT_MODEL : 0u;
            ck_assert_uint_eq(types_of(m), t);
            ck_assert_uint_eq(type_of(m), t);

            /* The report agrees: tau, mode, flags. */
            cJSON *root = report_of(m);
            const cJSON *th = jkey(root, "thresholds");
            assert_rel(jkey(th, "sharpe_degradation")->valuedouble, golden_double(d, "tau"), 0.0,
                       "tau");
            const cJSON *md = jkey(root, "model_drift");
            ck_assert_str_eq(jstr(md, "sharpe_degradation_mode"),
                             cJSON_GetStringValue(golden_get(d, "degradation_mode")));
            const cJSON *flags = jkey(md, "flags");
            ck_assert_msg(cJSON_IsTrue(jkey(flags, "sharpe")) == sflag, "%s/%s sharpe flag", id,
                          presets[k]);
            ck_assert_msg(cJSON_IsTrue(jkey(flags, "drawdown")) == dflag, "%s/%s drawdown flag",
                          id, presets[k]);
            ck_assert_str_eq(jstr(md, "status"), drift ? "drift" : "ok");
            cJSON_Delete(root);
            pdrift_monitor_free(m);
        }
        free(base);
        free(cur);
        pairs++;
    }
    ck_assert_uint_eq(pairs, 6);
    /* The golden pairs reach every band. */
    ck_assert_uint_gt(seen[PDRIFT_SEVERITY_NONE], 0);
    ck_assert_uint_gt(seen[PDRIFT_SEVERITY_LOW], 0);
    ck_assert_uint_gt(seen[PDRIFT_SEVERITY_MEDIUM], 0);
    ck_assert_uint_gt(seen[PDRIFT_SEVERITY_HIGH], 0);
}
END_TEST

/* ---- explicit baseline metrics --------------------------------------------------------- */

START_TEST(test_baseline_metrics_explicit)
{
    double cur[40];
    fill_returns(cur, 40, 0.001, 11);
    const double wc = stateless_win(cur, 40), mc = stateless_mdd(cur, 40);

    pdrift_monitor *m = monitor_medium();
    base_metrics(m, 1.2, 0.15, 0.55); /* a positive drawdown means -15% */
    obs_returns(m, cur, 40);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), 1.2);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), -0.15);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_WIN_RATE_BASELINE), 0.55);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE), 0.0);
    assert_rel(rget(m, PDRIFT_RESULT_WIN_RATE_CHANGE), wc - 0.55, 1e-15, "win rate change");
    assert_nan(rget(m, PDRIFT_RESULT_WIN_RATE_PVALUE), "win-rate p without counts");
    assert_rel(rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), fabs(mc) - 0.15, 1e-15, "dd increase");

    /* The same drawdown given negative. */
    base_metrics(m, 1.2, -0.15, 0.55);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), -0.15);

    /* Only the Sharpe ratio known: the other comparisons are skipped. */
    base_metrics(m, 1.2, NAN, NAN);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), 1.2);
    assert_nan(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), "dd baseline");
    assert_nan(rget(m, PDRIFT_RESULT_WIN_RATE_BASELINE), "win baseline");
    assert_nan(rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), "dd increase unknown");
    assert_nan(rget(m, PDRIFT_RESULT_WIN_RATE_CHANGE), "win change unknown");
    double sc = stateless_sharpe(cur, 40, 252.0);
    assert_rel(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), (1.2 - sc) / 1.2, 1e-12, "deg");
    {
        cJSON *root = report_of(m);
        const cJSON *md = jkey(root, "model_drift");
        ck_assert_msg(cJSON_IsFalse(jkey(jkey(md, "flags"), "drawdown")), "no drawdown flag");
        ck_assert_str_eq(jstr(jkey(md, "baseline"), "source"), "metrics");
        cJSON_Delete(root);
    }

    /* Only the drawdown known. */
    base_metrics(m, NAN, -0.30, NAN);
    detect(m);
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), "deg unknown");
    assert_rel(rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), fabs(mc) - 0.30, 1e-15, "dd increase");

    /* Boundaries accepted. */
    base_metrics(m, -3.0, -1.0, 0.0);
    base_metrics(m, 0.0, 1.0, 1.0);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), -1.0);
    base_metrics(m, NAN, 0.0, NAN);

    /* Out of range and all unknown: EINVAL, nothing changed. */
    base_metrics(m, 0.7, -0.2, 0.6);
    detect(m);
    static const double bad[][3] = {
        {NAN, -1.5, NAN}, {NAN, 1.5, NAN},      {1.0, NAN, 1.2},   {1.0, NAN, -0.1},
        {INFINITY, NAN, NAN}, {-INFINITY, -0.1, 0.5}, {1.0, -INFINITY, NAN}, {1.0, NAN, INFINITY},
        {NAN, NAN, NAN},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = pdrift_baseline_metrics(m, bad[i][0], bad[i][1], bad[i][2]);
        ck_assert_msg(rc == PDRIFT_EINVAL, "baseline_metrics(%g, %g, %g): %d, want EINVAL",
                      bad[i][0], bad[i][1], bad[i][2], rc);
        ck_assert_msg(pdrift_errmsg(m)[0] != '\0', "no message for case %zu", i);
    }
    ck_assert_int_eq(pdrift_baseline_metrics(NULL, 1.0, NAN, NAN), PDRIFT_EINVAL);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), 0.7);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), -0.2);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_WIN_RATE_BASELINE), 0.6);
    pdrift_monitor_free(m);
}
END_TEST

/* Baseline returns and explicit numbers replace each other. */
START_TEST(test_baseline_sources_replace_each_other)
{
    double base[60], cur[30];
    fill_returns(base, 60, 0.002, 3);
    fill_returns(cur, 30, 0.001, 4);
    pdrift_monitor *m = monitor_medium();
    base_metrics(m, 2.0, -0.1, 0.5);
    base_returns(m, base, 60);
    obs_returns(m, cur, 30);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), stateless_sharpe(base, 60, 252.0));
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE), 60.0);
    ck_assert_msg(!isnan(rget(m, PDRIFT_RESULT_WIN_RATE_PVALUE)), "counts known: p-value");
    base_metrics(m, 2.0, -0.1, 0.5);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), 2.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE), 0.0);
    assert_nan(rget(m, PDRIFT_RESULT_WIN_RATE_PVALUE), "no counts: p NaN");

    /* A failed pdrift_baseline_returns keeps the numbers. */
    double badr[3] = {0.01, INFINITY, 0.02};
    ck_assert_int_eq(pdrift_baseline_returns(m, badr, 3), PDRIFT_EDATA);
    ck_assert_msg(pdrift_errmsg(m)[0] != '\0', "errmsg");
    badr[1] = NAN;
    ck_assert_int_eq(pdrift_baseline_returns(m, badr, 3), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_baseline_returns(m, NULL, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_returns(m, base, 0), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_returns(NULL, base, 3), PDRIFT_EINVAL);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), 2.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), -0.1);
    pdrift_monitor_free(m);
}
END_TEST

/* ---- absolute mode, NaN Sharpe --------------------------------------------------------- */

START_TEST(test_absolute_mode)
{
    double cur[60];
    fill_returns(cur, 60, -0.002, 21); /* a losing strategy: negative Sharpe */
    const double sc = stateless_sharpe(cur, 60, 252.0);
    ck_assert_msg(sc < -0.5, "precondition: S_c = %g", sc);

    static const struct {
        double sb;
        int relative;
    } cases[] = {{-0.5, 0}, {0.0, 0}, {-5.0, 0}, {1.0, 1}, {-1e-300, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pdrift_monitor *m = monitor_medium();
        base_metrics(m, cases[i].sb, NAN, NAN);
        obs_returns(m, cur, 60);
        detect(m);
        double sb = cases[i].sb;
        double want = cases[i].relative ? (sb - sc) / sb : sb - sc; /* SPEC §5 */
        double deg = rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION);
        char what[64];
        snprintf(what, sizeof what, "deg at S_b = %g", sb);
        assert_abs(deg, want, DRIFT_ABS, what);
        int flagged = want > 0.20;
        pdrift_severity sev = flagged ? sharpe_band(want) : PDRIFT_SEVERITY_NONE;
        ck_assert_msg(rget(m, PDRIFT_RESULT_MODEL_STATUS) ==
                          (double)(flagged ? PDRIFT_CHECK_DRIFT : PDRIFT_CHECK_OK),
                      "%s: status", what);
        ck_assert_msg(rget(m, PDRIFT_RESULT_MODEL_SEVERITY) == (double)sev, "%s: severity %g want %d",
                      what, rget(m, PDRIFT_RESULT_MODEL_SEVERITY), (int)sev);
        cJSON *root = report_of(m);
        ck_assert_str_eq(jstr(jkey(root, "model_drift"), "sharpe_degradation_mode"),
                         cases[i].relative ? "relative" : "absolute");
        cJSON_Delete(root);
        pdrift_monitor_free(m);
    }

    /* Absolute thresholds in Sharpe units, at each band: S_b = 0, so deg = -S_c. */
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_HIGH);
    pdrift_monitor *m = monitor_from(c);
    base_metrics(m, sc + 0.18, NAN, NAN); /* deg 0.18 > 0.15: low */
    obs_returns(m, cur, 60);
    detect(m);
    assert_abs(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), 0.18, 1e-12, "absolute 0.18");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_LOW);
    base_metrics(m, sc + 0.25, NAN, NAN);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_MEDIUM);
    base_metrics(m, sc + 0.35, NAN, NAN);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_HIGH);
    base_metrics(m, sc + 0.12, NAN, NAN); /* under tau */
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_OK);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_NONE);
    base_metrics(m, sc - 0.5, NAN, NAN); /* improvement */
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_OK);
    pdrift_monitor_free(m);
}
END_TEST

/* Relative bands just either side of 0.20 and 0.30, and of tau. */
START_TEST(test_relative_bands_either_side)
{
    double cur[50];
    fill_returns(cur, 50, 0.0015, 5);
    const double sc = stateless_sharpe(cur, 50, 252.0);
    ck_assert_msg(sc > 0.5, "precondition: S_c = %g", sc);
    static const struct {
        double deg;
        pdrift_sensitivity level;
        pdrift_severity want;
    } cases[] = {
        {0.1495, PDRIFT_SENSITIVITY_HIGH, PDRIFT_SEVERITY_NONE},
        {0.1505, PDRIFT_SENSITIVITY_HIGH, PDRIFT_SEVERITY_LOW},
        {0.1995, PDRIFT_SENSITIVITY_HIGH, PDRIFT_SEVERITY_LOW},
        {0.1995, PDRIFT_SENSITIVITY_MEDIUM, PDRIFT_SEVERITY_NONE},
        {0.2005, PDRIFT_SENSITIVITY_MEDIUM, PDRIFT_SEVERITY_MEDIUM},
        {0.2995, PDRIFT_SENSITIVITY_MEDIUM, PDRIFT_SEVERITY_MEDIUM},
        {0.2995, PDRIFT_SENSITIVITY_LOW, PDRIFT_SEVERITY_NONE},
        {0.3005, PDRIFT_SENSITIVITY_LOW, PDRIFT_SEVERITY_HIGH},
        {0.3005, PDRIFT_SENSITIVITY_HIGH, PDRIFT_SEVERITY_HIGH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pdrift_monitor *m = monitor_from(config_for(cases[i].level));
        base_metrics(m, sc / (1.0 - cases[i].deg), NAN, NAN);
        obs_returns(m, cur, 50);
        detect(m);
        assert_abs(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), cases[i].deg, 1e-12, "deg");
        ck_assert_msg(rget(m, PDRIFT_RESULT_MODEL_SEVERITY) == (double)cases[i].want,
                      "deg %g preset %d: severity %g, want %d", cases[i].deg, (int)cases[i].level,
                      rget(m, PDRIFT_RESULT_MODEL_SEVERITY), (int)cases[i].want);
        ck_assert_int_eq(action_of(m), action_for_single(cases[i].want, PDRIFT_DRIFT_MODEL));
        pdrift_monitor_free(m);
    }
    /* An explicit sharpe_degradation wins over the preset; the bands stay. */
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_LOW);
    cfg_dbl(c, PDRIFT_PARAM_SHARPE_DEGRADATION, 0.05);
    pdrift_monitor *m = monitor_from(c);
    base_metrics(m, sc / (1.0 - 0.08), NAN, NAN);
    obs_returns(m, cur, 50);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_LOW);
    pdrift_monitor_free(m);
}
END_TEST

/* Drawdown increase just either side of 0.10: a flag of severity high. */
START_TEST(test_drawdown_flag_either_side)
{
    double cur[40];
    fill_returns(cur, 40, -0.006, 9);
    const double mc = stateless_mdd(cur, 40);
    ck_assert_msg(mc < -0.15, "precondition: MDD_c = %g", mc);
    const double sc = stateless_sharpe(cur, 40, 252.0);
    for (int side = 0; side < 2; side++) {
        double inc = side ? 0.1001 : 0.0999;
        pdrift_monitor *m = monitor_medium();
        base_metrics(m, sc, mc + inc, NAN); /* |MDD_b| = |MDD_c| - inc */
        obs_returns(m, cur, 40);
        detect(m);
        assert_abs(rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), inc, 1e-12, "dd increase");
        ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), side ? PDRIFT_CHECK_DRIFT : PDRIFT_CHECK_OK);
        ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY),
                            side ? PDRIFT_SEVERITY_HIGH : PDRIFT_SEVERITY_NONE);
        if (side) {
            ck_assert_int_eq(action_of(m), PDRIFT_ACTION_FALLBACK);
            cJSON *root = report_of(m);
            const cJSON *flags = jkey(jkey(root, "model_drift"), "flags");
            ck_assert(cJSON_IsTrue(jkey(flags, "drawdown")));
            ck_assert(cJSON_IsFalse(jkey(flags, "sharpe")));
            cJSON_Delete(root);
        }
        pdrift_monitor_free(m);
    }
    /* Sharpe low plus drawdown: the maximum, high. */
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_HIGH);
    pdrift_monitor *m = monitor_from(c);
    double sb = sc > 0 ? sc / (1.0 - 0.17) : sc + 0.17;
    base_metrics(m, sb, mc + 0.15, NAN);
    obs_returns(m, cur, 40);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_HIGH);
    cJSON *root = report_of(m);
    const cJSON *flags = jkey(jkey(root, "model_drift"), "flags");
    ck_assert(cJSON_IsTrue(jkey(flags, "drawdown")));
    ck_assert(cJSON_IsTrue(jkey(flags, "sharpe")));
    cJSON_Delete(root);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_nan_sharpe_constant_returns)
{
    double flat[30], down[30];
    for (size_t i = 0; i < 30; i++) {
        flat[i] = 0.0009765625; /* 2^-10: the mean is exact, sd exactly 0 */
        down[i] = -0.0078125;   /* -2^-7 */
    }
    /* Constant current returns: no Sharpe, no degradation, no Sharpe flag. */
    pdrift_monitor *m = monitor_medium();
    base_metrics(m, 1.0, -0.05, NAN);
    obs_returns(m, flat, 30);
    detect(m);
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_CURRENT), "S_c of constant returns");
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), "deg with S_c NaN");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_OK);
    cJSON *root = report_of(m);
    const cJSON *md = jkey(root, "model_drift");
    ck_assert(cJSON_IsNull(jkey(md, "sharpe_degradation")));
    ck_assert(cJSON_IsNull(jkey(md, "sharpe_degradation_mode")));
    ck_assert(cJSON_IsNull(jkey(jkey(md, "current"), "sharpe")));
    ck_assert(cJSON_IsFalse(jkey(jkey(md, "flags"), "sharpe")));
    cJSON_Delete(root);

    /* The drawdown still counts: 30 losses of 0.78% = a 21% drawdown. */
    pdrift_window_reset(m);
    obs_returns(m, down, 30);
    detect(m);
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), "deg");
    assert_rel(rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), (1.0 - pow(1.0 - 0.0078125, 30)) - 0.05, 1e-12, "inc");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_DRIFT);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_HIGH);
    ck_assert_msg(starts_with(rec(m, 0), "Model drift: max drawdown +"), "%s", rec(m, 0));
    ck_assert_msg(strstr(rec(m, 0), "nan") == NULL, "%s", rec(m, 0));
    pdrift_monitor_free(m);

    /* Constant baseline returns: S_b NaN. */
    double cur[40];
    fill_returns(cur, 40, -0.003, 2);
    m = monitor_medium();
    base_returns(m, flat, 30);
    obs_returns(m, cur, 40);
    detect(m);
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), "S_b of constant returns");
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), "deg with S_b NaN");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), 0.0);
    pdrift_monitor_free(m);

    /* A single baseline return: S_b NaN (n < 2). */
    m = monitor_medium();
    base_returns(m, cur, 1);
    obs_returns(m, cur, 40);
    detect(m);
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), "S_b of one return");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE), 1.0);
    pdrift_monitor_free(m);
}
END_TEST

/* ---- periods per year, risk-free rate ------------------------------------------------------ */

START_TEST(test_periods_and_risk_free_golden)
{
    static const struct {
        const char *key;
        double P, rf;
    } variants[] = {
        {"sharpe_252_rf0", 252.0, 0.0},      {"sharpe_365_rf0", 365.0, 0.0},
        {"sharpe_252_rf2pct", 252.0, 0.02},  {"sharpe_8760_rf0", 8760.0, 0.0},
        {"sharpe_1_rf0_nonannualized", 1.0, 0.0},
    };
    const cJSON *series = golden_get(golden_load("metrics_cases.json"), "series");
    size_t compared = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, series) {
        const char *id = cJSON_GetStringValue(golden_get(row, "id"));
        size_t n;
        double *r = golden_array(golden_get(row, "returns"), &n);
        for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
            pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
            cfg_dbl(c, PDRIFT_PARAM_PERIODS_PER_YEAR, variants[v].P);
            cfg_dbl(c, PDRIFT_PARAM_RISK_FREE_RATE, variants[v].rf);
            cfg_int(c, PDRIFT_PARAM_MIN_RETURNS, 2);
            pdrift_monitor *m = monitor_from(c);
            base_returns(m, r, n);
            obs_returns(m, r, n);
            detect(m);
            char what[160];
            double want = golden_double(row, variants[v].key);
            snprintf(what, sizeof what, "%s %s baseline", id, variants[v].key);
            assert_rel(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), want, METRIC_REL, what);
            snprintf(what, sizeof what, "%s %s current", id, variants[v].key);
            if (n >= 2) /* judged: at least min_returns */
                assert_rel(rget(m, PDRIFT_RESULT_SHARPE_CURRENT), want, METRIC_REL, what);
            snprintf(what, sizeof what, "%s max_drawdown", id);
            assert_rel(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), golden_double(row, "max_drawdown"),
                       METRIC_REL, what);
            if (n >= 2)
                assert_rel(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT),
                           golden_double(row, "max_drawdown"), METRIC_REL, what);
            snprintf(what, sizeof what, "%s win_rate", id);
            assert_rel(rget(m, PDRIFT_RESULT_WIN_RATE_BASELINE),
                       golden_double(row, "win_rate_excl_zeros"), METRIC_REL, what);
            if (n >= 2)
                assert_rel(rget(m, PDRIFT_RESULT_WIN_RATE_CURRENT),
                           golden_double(row, "win_rate_excl_zeros"), METRIC_REL, what);
            cJSON *root = report_of(m);
            const cJSON *md = jkey(root, "model_drift");
            ck_assert_double_eq(jkey(md, "periods_per_year")->valuedouble, variants[v].P);
            ck_assert_double_eq(jkey(md, "risk_free_rate")->valuedouble, variants[v].rf);
            ck_assert_double_eq(jkey(md, "min_returns")->valuedouble, 2.0);
            cJSON_Delete(root);
            pdrift_monitor_free(m);
            compared++;
        }
        free(r);
    }
    ck_assert_uint_ge(compared, 50);
}
END_TEST

START_TEST(test_periods_and_risk_free_by_hand)
{
    double r[80];
    fill_returns(r, 80, 0.0007, 33);
    /* rf = 0: exactly pdrift_sharpe at the same P. */
    for (int k = 0; k < 3; k++) {
        const double P = k == 0 ? 252.0 : k == 1 ? 365.0 : 1.0;
        pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
        cfg_dbl(c, PDRIFT_PARAM_PERIODS_PER_YEAR, P);
        pdrift_monitor *m = monitor_from(c);
        base_returns(m, r, 80);
        obs_returns(m, r + 40, 40);
        detect(m);
        assert_rel(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), stateless_sharpe(r, 80, P), 1e-14, "S_b");
        assert_rel(rget(m, PDRIFT_RESULT_SHARPE_CURRENT), stateless_sharpe(r + 40, 40, P), 1e-14, "S_c");
        pdrift_monitor_free(m);
    }
    /* rf = 3%, P = 365: x = r - ((1 + rf)^(1/P) - 1), mean/sd * sqrt(P), by hand. */
    const double P = 365.0, rf = 0.03, rfp = pow(1.0 + rf, 1.0 / P) - 1.0;
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < 80; i++)
        mean += r[i] - rfp;
    mean /= 80.0;
    for (size_t i = 0; i < 80; i++)
        ss += (r[i] - rfp - mean) * (r[i] - rfp - mean);
    const double want = mean / sqrt(ss / 79.0) * sqrt(P);
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_dbl(c, PDRIFT_PARAM_PERIODS_PER_YEAR, P);
    cfg_dbl(c, PDRIFT_PARAM_RISK_FREE_RATE, rf);
    pdrift_monitor *m = monitor_from(c);
    base_returns(m, r, 80);
    obs_returns(m, r, 80);
    detect(m);
    assert_rel(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), want, 1e-12, "S_b, rf 3%, P 365");
    assert_rel(rget(m, PDRIFT_RESULT_SHARPE_CURRENT), want, 1e-12, "S_c, rf 3%, P 365");
    ck_assert_msg(fabs(want - stateless_sharpe(r, 80, P)) > 1e-3, "the risk-free rate matters");
    pdrift_monitor_free(m);
}
END_TEST

/* ---- min_returns, no baseline, not monitored ---------------------------------------------- */

START_TEST(test_min_returns_boundary)
{
    double crash[20];
    for (size_t i = 0; i < 20; i++)
        crash[i] = i % 2 ? -0.01 : -0.03;
    pdrift_monitor *m = monitor_medium();
    base_metrics(m, 1.5, -0.05, NAN);
    obs_returns(m, crash, 19);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_NONE);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT), 19.0);
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), "no verdict: no degradation");
    assert_nan(rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), "no verdict: no increase");
    ck_assert_int_eq(severity_of(m), PDRIFT_SEVERITY_NONE);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_CONTINUE);
    ck_assert_uint_eq(types_of(m), 0);
    ck_assert_uint_eq(type_of(m), 0);
    ck_assert_msg(n_recs(m) == 1, "recommendations: %s", all_recs(m));
    ck_assert_str_eq(rec(m, 0), "Not enough data for model drift (19 returns, need 20)");
    cJSON *root = report_of(m);
    const cJSON *md = jkey(root, "model_drift");
    ck_assert_str_eq(jstr(md, "status"), "insufficient_data");
    ck_assert_str_eq(jstr(md, "severity"), "none");
    ck_assert(cJSON_IsFalse(jkey(jkey(md, "flags"), "sharpe")));
    ck_assert(cJSON_IsFalse(jkey(jkey(md, "flags"), "drawdown")));
    ck_assert(cJSON_IsFalse(jkey(root, "drift_detected")));
    cJSON_Delete(root);

    obs_returns(m, crash + 19, 1); /* the 20th */
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_DRIFT);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_HIGH);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_FALLBACK);
    pdrift_monitor_free(m);

    /* An explicit min_returns. */
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(c, PDRIFT_PARAM_MIN_RETURNS, 5);
    m = monitor_from(c);
    base_metrics(m, 1.5, -0.05, NAN);
    obs_returns(m, crash, 4);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert_str_eq(rec(m, 0), "Not enough data for model drift (4 returns, need 5)");
    obs_returns(m, crash + 4, 1);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_DRIFT);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_no_baseline_performance_insufficient)
{
    double cur[30];
    fill_returns(cur, 30, -0.01, 8); /* terrible returns: still no verdict */
    pdrift_monitor *m = monitor_medium();
    obs_returns(m, cur, 30); /* no feature baseline needed */
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_NONE);
    ck_assert_int_eq(severity_of(m), PDRIFT_SEVERITY_NONE);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_CONTINUE);
    ck_assert_uint_eq(types_of(m), 0);
    ck_assert_msg(n_recs(m) == 1, "recommendations: %s", all_recs(m));
    ck_assert_msg(starts_with(rec(m, 0), "Not enough data for model drift"), "%s", rec(m, 0));
    ck_assert_msg(strstr(rec(m, 0), "baseline") != NULL, "names the missing baseline: %s", rec(m, 0));
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), "no S_b");
    assert_nan(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), "no deg");
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT), 30.0);
    cJSON *root = report_of(m);
    const cJSON *md = jkey(root, "model_drift");
    ck_assert_str_eq(jstr(md, "status"), "insufficient_data");
    ck_assert(cJSON_IsNull(jkey(jkey(md, "baseline"), "source")));
    cJSON_Delete(root);
    pdrift_monitor_free(m);

    /* A baseline and no return at all: insufficient, "0 returns". */
    m = monitor_medium();
    base_metrics(m, 1.0, NAN, NAN);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert_str_eq(rec(m, 0), "Not enough data for model drift (0 returns, need 20)");
    pdrift_monitor_free(m);
}
END_TEST

/* One feature "x" on the grid 0..999 with a current sample of 1000 values. */
static void set_grid_feature(pdrift_monitor *m, const double *cur, size_t nc)
{
    static const char *const names[1] = {"x"};
    double *b = alloc_doubles(1000);
    for (size_t i = 0; i < 1000; i++)
        b[i] = (double)i;
    int rc = pdrift_baseline_set(m, names, 1, b, 1000);
    ck_assert_msg(rc == PDRIFT_OK, "baseline_set: %s", pdrift_errmsg(m));
    free(b);
    if (nc > 0) {
        rc = pdrift_observe_batch(m, cur, nc);
        ck_assert_msg(rc == PDRIFT_OK, "observe_batch: %s", pdrift_errmsg(m));
    }
}

START_TEST(test_not_monitored_without_returns)
{
    double cur[1000];
    for (size_t i = 0; i < 1000; i++)
        cur[i] = (double)((i * 7) % 1000);
    pdrift_monitor *m = monitor_medium();
    set_grid_feature(m, cur, 1000);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_NOT_MONITORED);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_SEVERITY), PDRIFT_SEVERITY_NONE);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT), 0.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE), 0.0);
    ck_assert_msg(n_recs(m) == 1, "%s", all_recs(m));
    ck_assert_str_eq(rec(m, 0), "No drift detected: continue with the current model");
    cJSON *root = report_of(m);
    const cJSON *md = jkey(root, "model_drift");
    ck_assert_str_eq(jstr(md, "status"), "not_monitored");
    ck_assert_str_eq(jstr(md, "severity"), "none");
    ck_assert(cJSON_IsNull(jkey(jkey(md, "baseline"), "source")));
    ck_assert(cJSON_IsNull(jkey(md, "sharpe_degradation_mode")));
    cJSON_Delete(root);

    /* Returns without a baseline performance alongside features: the data
     * verdict stands, then the model line. */
    double r[25];
    fill_returns(r, 25, 0.0, 1);
    obs_returns(m, r, 25);
    detect(m);
    ck_assert_msg(n_recs(m) == 2, "%s", all_recs(m));
    ck_assert_str_eq(rec(m, 0), "No drift detected: continue with the current model");
    ck_assert_msg(starts_with(rec(m, 1), "Not enough data for model drift"), "%s", rec(m, 1));
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_detect_with_nothing_estate)
{
    pdrift_monitor *m = monitor_medium();
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_ESTATE);
    ck_assert_msg(pdrift_errmsg(m)[0] != '\0', "errmsg");
    double v;
    ck_assert_int_eq(pdrift_result_get(m, PDRIFT_RESULT_MODEL_STATUS, &v), PDRIFT_ESTATE);
    /* A rejected batch of returns is still nothing. */
    double bad[2] = {NAN, 0.01};
    ck_assert_int_eq(pdrift_observe_returns(m, bad, 2), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_ESTATE);
    ck_assert_int_eq(pdrift_detect(NULL), PDRIFT_EINVAL);
    pdrift_monitor_free(m);
}
END_TEST

/* ---- the returns window ----------------------------------------------------------------- */

/* The current numbers equal the stateless ones on the latest k of seq[0..total). */
static void expect_latest(const pdrift_monitor *m, const double *seq, size_t total, size_t k,
                          const char *what)
{
    const double *last = seq + (total - k);
    char msg[128];
    ck_assert_msg(rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT) == (double)k, "%s: n %g, want %zu", what,
                  rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT), k);
    snprintf(msg, sizeof msg, "%s: Sharpe", what);
    assert_rel(rget(m, PDRIFT_RESULT_SHARPE_CURRENT), stateless_sharpe(last, k, 252.0), 1e-14, msg);
    snprintf(msg, sizeof msg, "%s: drawdown (time order)", what);
    assert_rel(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT), stateless_mdd(last, k), 1e-14, msg);
    snprintf(msg, sizeof msg, "%s: win rate", what);
    assert_rel(rget(m, PDRIFT_RESULT_WIN_RATE_CURRENT), stateless_win(last, k), 1e-14, msg);
}

START_TEST(test_returns_window_keeps_latest)
{
    enum { TOTAL = 400 };
    double seq[TOTAL], base[100];
    fill_returns(seq, TOTAL, 0.0, 77);
    /* A trend makes the drawdown depend on the order. */
    for (size_t i = 0; i < TOTAL; i++)
        seq[i] += (i % 40 < 20) ? -0.004 : 0.004;
    fill_returns(base, 100, 0.001, 78);
    /* Window sizes below, at and above the first allocation, batches of
     * every size relative to them. */
    static const size_t windows[] = {30, 64, 100, 2};
    static const size_t batches[] = {20, 7, 3, 1, 29, 45, 2, 30, 31, 2, 64, 70, 1, 63};
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
        const size_t W = windows[w];
        pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
        cfg_int(c, PDRIFT_PARAM_RETURNS_WINDOW, (long long)W);
        cfg_int(c, PDRIFT_PARAM_MIN_RETURNS, 2);
        pdrift_monitor *m = monitor_from(c);
        base_returns(m, base, 100);
        size_t total = 0;
        for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
            obs_returns(m, seq + total, batches[b]);
            total += batches[b];
            detect(m);
            char what[64];
            snprintf(what, sizeof what, "window %zu after %zu returns", W, total);
            expect_latest(m, seq, total, total < W ? total : W, what);
        }
        ck_assert_uint_le(total, TOTAL);
        pdrift_monitor_free(m);
    }

    /* Unbounded: everything kept. */
    pdrift_monitor *m = monitor_medium();
    base_returns(m, base, 100);
    obs_returns(m, seq, 120);
    obs_returns(m, seq + 120, 80);
    obs_returns(m, seq + 200, 200);
    detect(m);
    expect_latest(m, seq, TOTAL, TOTAL, "unbounded");
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_window_reset_clears_returns)
{
    double seq[100], base[60];
    fill_returns(seq, 100, 0.0005, 12);
    fill_returns(base, 60, 0.001, 13);
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_int(c, PDRIFT_PARAM_RETURNS_WINDOW, 25);
    pdrift_monitor *m = monitor_from(c);
    base_returns(m, base, 60);
    obs_returns(m, seq, 40); /* the ring has wrapped */
    detect(m);
    expect_latest(m, seq, 40, 25, "before reset");
    ck_assert_int_eq(pdrift_window_reset(m), PDRIFT_OK);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT), 0.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert_str_eq(rec(m, n_recs(m) - 1), "Not enough data for model drift (0 returns, need 20)");
    /* The baseline performance survives the reset. */
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), stateless_sharpe(base, 60, 252.0));
    obs_returns(m, seq + 40, 22);
    detect(m);
    expect_latest(m, seq + 40, 22, 22, "after reset");
    obs_returns(m, seq + 62, 10);
    detect(m);
    expect_latest(m, seq + 40, 32, 25, "after reset, wrapped again");
    ck_assert_int_eq(pdrift_window_reset(NULL), PDRIFT_EINVAL);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_non_finite_returns_rejected)
{
    double good[25], base[40];
    fill_returns(good, 25, 0.0, 14);
    fill_returns(base, 40, 0.0, 15);
    pdrift_monitor *m = monitor_medium();
    base_returns(m, base, 40);
    obs_returns(m, good, 21);
    const double bad_values[] = {NAN, INFINITY, -INFINITY};
    for (size_t k = 0; k < 3; k++) {
        double batch[4] = {0.01, 0.02, bad_values[k], 0.03};
        ck_assert_int_eq(pdrift_observe_returns(m, batch, 4), PDRIFT_EDATA);
        ck_assert_msg(pdrift_errmsg(m)[0] != '\0', "errmsg for value %zu", k);
    }
    ck_assert_int_eq(pdrift_observe_returns(m, NULL, 4), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_returns(m, good, 0), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_returns(NULL, good, 1), PDRIFT_EINVAL);
    detect(m);
    expect_latest(m, good, 21, 21, "nothing of the refused batches appended");
    pdrift_monitor_free(m);
}
END_TEST

/* ---- model-only monitoring ------------------------------------------------------------- */

START_TEST(test_model_only_monitoring)
{
    const cJSON *list = golden_get(golden_load("metrics_cases.json"), "drift_pairs");
    const cJSON *pair = cJSON_GetArrayItem(list, 3); /* sharpe_halved */
    ck_assert_str_eq(cJSON_GetStringValue(golden_get(pair, "id")), "sharpe_halved");
    size_t nb, nc;
    double *base = golden_array(golden_get(pair, "baseline"), &nb);
    double *cur = golden_array(golden_get(pair, "current"), &nc);
    pdrift_monitor *m = monitor_medium();
    base_returns(m, base, nb);
    obs_returns(m, cur, nc);
    detect(m);
    size_t nf = 99;
    ck_assert_int_eq(pdrift_feature_count(m, &nf), PDRIFT_ESTATE);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_FEATURES), 0.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_DATA_SEVERITY), PDRIFT_SEVERITY_NONE);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_DRIFT);
    ck_assert_int_eq(severity_of(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_uint_eq(types_of(m), PDRIFT_DRIFT_MODEL);
    ck_assert_uint_eq(type_of(m), PDRIFT_DRIFT_MODEL);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_FALLBACK);
    ck_assert_msg(n_recs(m) == 1, "%s", all_recs(m));
    ck_assert_msg(starts_with(rec(m, 0), "Model drift: Sharpe 1.59 -> 0.79 (-50.0%)"), "%s", rec(m, 0));
    cJSON *root = report_of(m);
    ck_assert_str_eq(jstr(jkey(root, "data_drift"), "status"), "not_monitored");
    ck_assert_str_eq(jstr(root, "drift_type"), "model");
    ck_assert_str_eq(jstr(root, "action"), "fallback");
    const cJSON *types = jkey(root, "drift_types");
    ck_assert_int_eq(cJSON_GetArraySize(types), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(types, 0)->valuestring, "model");
    cJSON_Delete(root);

    /* Same returns on both sides: ok, "No drift detected". */
    base_returns(m, cur, nc);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_OK);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION), 0.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), 0.0);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_CONTINUE);
    ck_assert_msg(n_recs(m) == 1, "%s", all_recs(m));
    ck_assert_str_eq(rec(m, 0), "No drift detected: continue with the current model");
    free(base);
    free(cur);
    pdrift_monitor_free(m);
}
END_TEST

/* ---- win-rate test ---------------------------------------------------------------------------- */

/* wins positive, losses negative and zeros zero returns, interleaved. */
static size_t win_series(double *out, size_t wins, size_t losses, size_t zeros)
{
    size_t n = 0, w = 0, l = 0, z = 0;
    while (w < wins || l < losses || z < zeros) {
        if (w < wins) {
            out[n++] = 0.004 + 0.0001 * (double)(w % 7);
            w++;
        }
        if (l < losses) {
            out[n++] = -0.005 - 0.0001 * (double)(l % 5);
            l++;
        }
        if (z < zeros) {
            out[n++] = z % 2 ? -0.0 : 0.0; /* -0.0 is a zero too */
            z++;
        }
    }
    return n;
}

/* SPEC §5 / §3.4 with the difference reversed, evaluated here. */
static double win_drop_p(double wb, double nb, double wc, double nc)
{
    double pb = wb / nb, pc = wc / nc, pooled = (wb + wc) / (nb + nc);
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / nb + 1.0 / nc));
    if (!(se > 0.0))
        return 1.0;
    return 0.5 * erfc(((pb - pc) / se) / sqrt(2.0));
}

START_TEST(test_win_rate_two_proportion)
{
    static const size_t cases[][6] = {
        /* baseline wins, losses, zeros; current wins, losses, zeros */
        {60, 30, 10, 20, 25, 5},  /* a drop: small p */
        {50, 50, 0, 30, 20, 7},   /* a rise: p > 0.5 */
        {45, 45, 12, 22, 22, 3},  /* equal shares: p = 0.5 */
        {70, 0, 3, 25, 0, 0},     /* all wins both sides: se = 0, p = 1 */
        {100, 150, 40, 9, 21, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const size_t *k = cases[i];
        double base[400], cur[400];
        size_t nb = win_series(base, k[0], k[1], k[2]);
        size_t nc = win_series(cur, k[3], k[4], k[5]);
        pdrift_monitor *m = monitor_medium();
        base_returns(m, base, nb);
        obs_returns(m, cur, nc);
        detect(m);
        double db = (double)(k[0] + k[1]), dc = (double)(k[3] + k[4]);
        double wb = (double)k[0] / db, wc = (double)k[3] / dc;
        char what[64];
        snprintf(what, sizeof what, "case %zu win rate baseline", i);
        assert_rel(rget(m, PDRIFT_RESULT_WIN_RATE_BASELINE), wb, 1e-15, what);
        snprintf(what, sizeof what, "case %zu win rate current", i);
        assert_rel(rget(m, PDRIFT_RESULT_WIN_RATE_CURRENT), wc, 1e-15, what);
        snprintf(what, sizeof what, "case %zu change", i);
        assert_abs(rget(m, PDRIFT_RESULT_WIN_RATE_CHANGE), wc - wb, 1e-15, what);
        double want = win_drop_p((double)k[0], db, (double)k[3], dc);
        snprintf(what, sizeof what, "case %zu p-value", i);
        assert_rel(rget(m, PDRIFT_RESULT_WIN_RATE_PVALUE), want, 1e-12, what);
        pdrift_monitor_free(m);
    }
    ck_assert_double_eq(win_drop_p(45, 90, 22, 44), 0.5);
    ck_assert_double_eq(win_drop_p(70, 70, 25, 25), 1.0);
    ck_assert_msg(win_drop_p(60, 90, 20, 45) < 0.05, "the drop case is significant");

    /* Not a flag: a collapse of the win rate alone is no model drift. */
    double base[200], cur[200];
    size_t nb = win_series(base, 60, 40, 0);
    size_t nc = win_series(cur, 10, 40, 0);
    pdrift_monitor *m = monitor_medium();
    base_returns(m, base, nb);
    obs_returns(m, cur, nc);
    detect(m);
    ck_assert_msg(rget(m, PDRIFT_RESULT_WIN_RATE_PVALUE) < 1e-4, "significant drop");
    cJSON *root = report_of(m);
    const cJSON *flags = jkey(jkey(root, "model_drift"), "flags");
    ck_assert_msg(cJSON_GetArraySize(flags) == 2, "flags are sharpe and drawdown only");
    cJSON_Delete(root);
    pdrift_monitor_free(m);

    /* No non-zero current return: win rate NaN, no change, no p. */
    double zeros[25] = {0};
    m = monitor_medium();
    base_returns(m, base, nb);
    obs_returns(m, zeros, 25);
    detect(m);
    assert_nan(rget(m, PDRIFT_RESULT_WIN_RATE_CURRENT), "win rate of zeros");
    assert_nan(rget(m, PDRIFT_RESULT_WIN_RATE_CHANGE), "change");
    assert_nan(rget(m, PDRIFT_RESULT_WIN_RATE_PVALUE), "p");
    pdrift_monitor_free(m);
}
END_TEST

/* ---- pdrift__combine: the whole table ---------------------------------------------------- */

typedef struct expected_verdict {
    pdrift_severity severity;
    unsigned types, type;
    pdrift_action action;
} expected_verdict;

/* SPEC §6, from its words. */
static expected_verdict expected_combine(pdrift_severity data, pdrift_severity concept,
                                         pdrift_severity model, int model_holding)
{
    expected_verdict e;
    /* severity = max of the three */
    e.severity = data;
    if (concept > e.severity)
        e.severity = concept;
    if (model > e.severity)
        e.severity = model;
    /* drift_types = the types with severity > none */
    e.types = 0;
    if (data != PDRIFT_SEVERITY_NONE)
        e.types |= PDRIFT_DRIFT_DATA;
    if (concept != PDRIFT_SEVERITY_NONE)
        e.types |= PDRIFT_DRIFT_CONCEPT;
    if (model != PDRIFT_SEVERITY_NONE)
        e.types |= PDRIFT_DRIFT_MODEL;
    /* drift_type = the type with the maximum severity, ties model > concept > data; null if none */
    if (e.severity == PDRIFT_SEVERITY_NONE)
        e.type = 0;
    else if (model == e.severity)
        e.type = PDRIFT_DRIFT_MODEL;
    else if (concept == e.severity)
        e.type = PDRIFT_DRIFT_CONCEPT;
    else
        e.type = PDRIFT_DRIFT_DATA;
    /* action */
    if (e.severity == PDRIFT_SEVERITY_NONE)
        e.action = PDRIFT_ACTION_CONTINUE;
    else if (e.severity == PDRIFT_SEVERITY_LOW)
        e.action = PDRIFT_ACTION_WATCH;
    else if (e.severity == PDRIFT_SEVERITY_MEDIUM)
        e.action = e.type == PDRIFT_DRIFT_DATA ? PDRIFT_ACTION_WATCH : PDRIFT_ACTION_RETRAIN;
    else
        e.action = e.type == PDRIFT_DRIFT_MODEL ? PDRIFT_ACTION_FALLBACK : PDRIFT_ACTION_RETRAIN;
    /* performance first: model monitored and ok, no concept drift, data drift
     * alone -> never more than watch */
    int data_alone = data != PDRIFT_SEVERITY_NONE && concept == PDRIFT_SEVERITY_NONE &&
                     model == PDRIFT_SEVERITY_NONE;
    if (model_holding && data_alone && e.action > PDRIFT_ACTION_WATCH)
        e.action = PDRIFT_ACTION_WATCH;
    return e;
}

START_TEST(test_combine_full_table)
{
    size_t checked = 0, capped = 0;
    for (int d = 0; d < 4; d++)
        for (int c = 0; c < 4; c++)
            for (int mo = 0; mo < 4; mo++)
                for (int h = 0; h < 2; h++) {
                    expected_verdict e = expected_combine((pdrift_severity)d, (pdrift_severity)c,
                                                          (pdrift_severity)mo, h);
                    pdrift__verdict_out v;
                    memset(&v, 0xAB, sizeof v);
                    pdrift__combine((pdrift_severity)d, (pdrift_severity)c, (pdrift_severity)mo, h, &v);
                    ck_assert_msg(v.severity == e.severity && v.drift_types == e.types &&
                                      v.drift_type == e.type && v.action == e.action,
                                  "data %d concept %d model %d holding %d: got severity %d types %u "
                                  "type %u action %d, want %d %u %u %d",
                                  d, c, mo, h, (int)v.severity, v.drift_types, v.drift_type,
                                  (int)v.action, (int)e.severity, e.types, e.type, (int)e.action);
                    checked++;
                    capped += h && d >= 2 && c == 0 && mo == 0;
                }
    ck_assert_uint_eq(checked, 128);
    ck_assert_uint_eq(capped, 2); /* data medium and high alone, performance holding */

    /* A few rows spelled out. */
    pdrift__verdict_out v;
    pdrift__combine(PDRIFT_SEVERITY_HIGH, PDRIFT_SEVERITY_NONE, PDRIFT_SEVERITY_NONE, 1, &v);
    ck_assert_int_eq(v.action, PDRIFT_ACTION_WATCH);
    ck_assert_int_eq(v.severity, PDRIFT_SEVERITY_HIGH);
    pdrift__combine(PDRIFT_SEVERITY_HIGH, PDRIFT_SEVERITY_NONE, PDRIFT_SEVERITY_NONE, 0, &v);
    ck_assert_int_eq(v.action, PDRIFT_ACTION_RETRAIN);
    pdrift__combine(PDRIFT_SEVERITY_HIGH, PDRIFT_SEVERITY_LOW, PDRIFT_SEVERITY_NONE, 1, &v);
    ck_assert_int_eq(v.action, PDRIFT_ACTION_RETRAIN); /* concept drift: not data alone */
    pdrift__combine(PDRIFT_SEVERITY_HIGH, PDRIFT_SEVERITY_HIGH, PDRIFT_SEVERITY_HIGH, 0, &v);
    ck_assert_uint_eq(v.drift_type, PDRIFT_DRIFT_MODEL);
    ck_assert_int_eq(v.action, PDRIFT_ACTION_FALLBACK);
    pdrift__combine(PDRIFT_SEVERITY_MEDIUM, PDRIFT_SEVERITY_MEDIUM, PDRIFT_SEVERITY_LOW, 0, &v);
    ck_assert_uint_eq(v.drift_type, PDRIFT_DRIFT_CONCEPT);
    ck_assert_int_eq(v.action, PDRIFT_ACTION_RETRAIN);
    pdrift__combine(PDRIFT_SEVERITY_HIGH, PDRIFT_SEVERITY_NONE, PDRIFT_SEVERITY_MEDIUM, 0, &v);
    ck_assert_uint_eq(v.drift_type, PDRIFT_DRIFT_DATA);
    ck_assert_int_eq(v.action, PDRIFT_ACTION_RETRAIN);
}
END_TEST

/* ---- the combination end to end ---------------------------------------------------------- */

/* Data drift of a chosen severity on the grid feature (check_monitor.c's
 * decile patterns; PSI threshold 0.10 so that a PSI in [0.10, 0.15) is low). */
static void data_level_sample(pdrift_severity level, double *cur)
{
    size_t counts[10];
    for (size_t i = 0; i < 10; i++)
        counts[i] = 100;
    if (level == PDRIFT_SEVERITY_HIGH) { /* shifted by half the range */
        for (size_t j = 0; j < 1000; j++)
            cur[j] = 500.0 + (double)j;
        return;
    }
    size_t k = level == PDRIFT_SEVERITY_LOW ? 70 : level == PDRIFT_SEVERITY_MEDIUM ? 80 : 0;
    counts[0] += k; /* PSI = delta ln((0.1 + delta)/(0.1 - delta)), D = delta = k/1000 */
    counts[9] -= k;
    size_t n = 0;
    for (size_t i = 0; i < 10; i++)
        for (size_t j = 0; j < counts[i]; j++)
            cur[n++] = (double)(100 * i + (j * 100) / counts[i]);
    ck_assert_uint_eq(n, 1000);
}

enum model_case { M_NOT_MONITORED, M_INSUFFICIENT, M_OK, M_LOW, M_MEDIUM, M_HIGH };

/* Current returns of every model case; the baseline sets the degradation. */
static void model_case_setup(pdrift_monitor *m, enum model_case mc)
{
    double cur[60];
    fill_returns(cur, 60, 0.0015, 404);
    const double sc = stateless_sharpe(cur, 60, 252.0), dd = stateless_mdd(cur, 60);
    ck_assert_msg(sc > 0.5, "precondition S_c = %g", sc);
    switch (mc) {
    case M_NOT_MONITORED: return;
    case M_INSUFFICIENT: base_metrics(m, sc, dd, NAN); obs_returns(m, cur, 10); return;
    case M_OK: base_metrics(m, sc, dd, NAN); break;
    case M_LOW: base_metrics(m, sc / (1.0 - 0.15), dd, NAN); break;
    case M_MEDIUM: base_metrics(m, sc / (1.0 - 0.25), dd, NAN); break;
    case M_HIGH: base_metrics(m, sc / (1.0 - 0.40), dd, NAN); break;
    }
    obs_returns(m, cur, 60);
}

static pdrift_monitor *combined_monitor(pdrift_severity data, enum model_case mc)
{
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    cfg_dbl(c, PDRIFT_PARAM_PSI_THRESHOLD, 0.10);
    cfg_dbl(c, PDRIFT_PARAM_SHARPE_DEGRADATION, 0.10); /* so that a low model severity exists */
    pdrift_monitor *m = monitor_from(c);
    double cur[1000];
    data_level_sample(data, cur);
    set_grid_feature(m, cur, 1000);
    model_case_setup(m, mc);
    detect(m);
    ck_assert_msg(rget(m, PDRIFT_RESULT_DATA_SEVERITY) == (double)data,
                  "precondition: data severity %g, want %d (psi max %g)",
                  rget(m, PDRIFT_RESULT_DATA_SEVERITY), (int)data, rget(m, PDRIFT_RESULT_PSI_MAX));
    return m;
}

static pdrift_severity model_case_severity(enum model_case mc)
{
    return mc == M_LOW ? PDRIFT_SEVERITY_LOW : mc == M_MEDIUM ? PDRIFT_SEVERITY_MEDIUM
                                               : mc == M_HIGH ? PDRIFT_SEVERITY_HIGH
                                                              : PDRIFT_SEVERITY_NONE;
}

static pdrift_check_status model_case_status(enum model_case mc)
{
    return mc == M_NOT_MONITORED ? PDRIFT_CHECK_NOT_MONITORED
           : mc == M_INSUFFICIENT ? PDRIFT_CHECK_INSUFFICIENT
           : mc == M_OK           ? PDRIFT_CHECK_OK
                                  : PDRIFT_CHECK_DRIFT;
}

START_TEST(test_combination_end_to_end)
{
    static const char *const mnames[] = {"not monitored", "insufficient", "ok", "low", "medium", "high"};
    for (int d = 0; d < 4; d++)
        for (int mc = M_NOT_MONITORED; mc <= M_HIGH; mc++) {
            pdrift_monitor *m = combined_monitor((pdrift_severity)d, (enum model_case)mc);
            pdrift_severity ms = model_case_severity((enum model_case)mc);
            ck_assert_msg(rget(m, PDRIFT_RESULT_MODEL_STATUS) == (double)model_case_status((enum model_case)mc),
                          "precondition: model status %g for %s", rget(m, PDRIFT_RESULT_MODEL_STATUS),
                          mnames[mc]);
            ck_assert_msg(rget(m, PDRIFT_RESULT_MODEL_SEVERITY) == (double)ms,
                          "precondition: model severity %g for %s", rget(m, PDRIFT_RESULT_MODEL_SEVERITY),
                          mnames[mc]);
            expected_verdict e = expected_combine((pdrift_severity)d, PDRIFT_SEVERITY_NONE, ms, mc == M_OK);
            ck_assert_msg(severity_of(m) == e.severity && types_of(m) == e.types &&
                              type_of(m) == e.type && action_of(m) == e.action,
                          "data %d, model %s: severity %d types %u type %u action %d, want %d %u %u %d "
                          "(%s)",
                          d, mnames[mc], (int)severity_of(m), types_of(m), type_of(m), (int)action_of(m),
                          (int)e.severity, e.types, e.type, (int)e.action, all_recs(m));
            cJSON *root = report_of(m);
            ck_assert(cJSON_IsBool(jkey(root, "drift_detected")));
            ck_assert_msg(cJSON_IsTrue(jkey(root, "drift_detected")) == (e.severity > PDRIFT_SEVERITY_NONE),
                          "drift_detected");
            cJSON_Delete(root);
            pdrift_monitor_free(m);
        }
}
END_TEST

START_TEST(test_performance_first)
{
    /* Data drift high, performance holding: watch; severity stays high. */
    pdrift_monitor *m = combined_monitor(PDRIFT_SEVERITY_HIGH, M_OK);
    ck_assert_int_eq(severity_of(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_WATCH);
    ck_assert_uint_eq(types_of(m), PDRIFT_DRIFT_DATA);
    ck_assert_uint_eq(type_of(m), PDRIFT_DRIFT_DATA);
    ck_assert_msg(n_recs(m) == 1, "%s", all_recs(m));
    ck_assert_msg(starts_with(rec(m, 0), "Data drift (PSI="), "%s", rec(m, 0));
    ck_assert_msg(strstr(rec(m, 0), "holding") != NULL, "says performance is holding: %s", rec(m, 0));
    cJSON *root = report_of(m);
    ck_assert_str_eq(jstr(root, "severity"), "high");
    ck_assert_str_eq(jstr(root, "action"), "watch");
    ck_assert_str_eq(jstr(jkey(root, "model_drift"), "status"), "ok");
    cJSON_Delete(root);
    pdrift_monitor_free(m);

    /* Data drift medium, holding: watch (it was already). */
    m = combined_monitor(PDRIFT_SEVERITY_MEDIUM, M_OK);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_WATCH);
    ck_assert_int_eq(severity_of(m), PDRIFT_SEVERITY_MEDIUM);
    pdrift_monitor_free(m);

    /* Not enough returns: performance is not known to hold, retrain. */
    m = combined_monitor(PDRIFT_SEVERITY_HIGH, M_INSUFFICIENT);
    ck_assert_int_eq(severity_of(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_RETRAIN);
    ck_assert_msg(n_recs(m) == 2, "%s", all_recs(m));
    ck_assert_msg(strstr(rec(m, 0), "holding") == NULL, "%s", rec(m, 0));
    ck_assert_str_eq(rec(m, 1), "Not enough data for model drift (10 returns, need 20)");
    pdrift_monitor_free(m);

    /* Not monitored: retrain. */
    m = combined_monitor(PDRIFT_SEVERITY_HIGH, M_NOT_MONITORED);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_RETRAIN);
    pdrift_monitor_free(m);

    /* Model drift low beside data drift high: not holding, retrain; data leads. */
    m = combined_monitor(PDRIFT_SEVERITY_HIGH, M_LOW);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_RETRAIN);
    ck_assert_uint_eq(type_of(m), PDRIFT_DRIFT_DATA);
    ck_assert_uint_eq(types_of(m), PDRIFT_DRIFT_DATA | PDRIFT_DRIFT_MODEL);
    pdrift_monitor_free(m);
}
END_TEST

/* The "performance is holding" line names the Sharpe ratios it compares;
 * when they are unknown (only a drawdown given, which is a real comparison
 * and holds) it must not print "nan" (SPEC §6: recommendations name the
 * numbers, with 2 decimals). */
START_TEST(test_holding_line_without_sharpe)
{
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    pdrift_monitor *m = monitor_from(c);
    double cur[1000];
    data_level_sample(PDRIFT_SEVERITY_HIGH, cur);
    set_grid_feature(m, cur, 1000);
    double r[40];
    fill_returns(r, 40, 0.001, 5);
    base_metrics(m, NAN, -0.30, NAN); /* only the drawdown known: it holds */
    obs_returns(m, r, 40);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_OK);
    ck_assert_int_eq(severity_of(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_WATCH);
    ck_assert_msg(n_recs(m) == 1, "%s", all_recs(m));
    ck_assert_msg(strstr(rec(m, 0), "holding") != NULL, "%s", rec(m, 0));
    ck_assert_msg(strstr(rec(m, 0), "nan") == NULL, "a recommendation prints NaN: %s", rec(m, 0));
    pdrift_monitor_free(m);
}
END_TEST

/* ---- recommendations ----------------------------------------------------------------------- */

/* 126 returns: four losses making a 17% drawdown, then alternating a +- 0.01. */
static void example_series(double a, double *r)
{
    const double c = 1.0 - pow(0.83, 0.25);
    for (size_t i = 0; i < 4; i++)
        r[i] = -c;
    for (size_t i = 4; i < 126; i++)
        r[i] = a + ((i % 2) ? -0.01 : 0.01);
}

START_TEST(test_recommendation_spec_example)
{
    /* Tune a so that the current Sharpe is 0.90. */
    double r[126], lo = 0.001, hi = 0.01;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        example_series(mid, r);
        if (stateless_sharpe(r, 126, 252.0) < 0.9)
            lo = mid;
        else
            hi = mid;
    }
    example_series(0.5 * (lo + hi), r);
    assert_rel(stateless_sharpe(r, 126, 252.0), 0.9, 1e-9, "tuned Sharpe");
    assert_rel(stateless_mdd(r, 126), -0.17, 1e-9, "tuned drawdown");

    pdrift_monitor *m = monitor_medium();
    base_metrics(m, 1.5, -0.05, NAN);
    obs_returns(m, r, 126);
    detect(m);
    ck_assert_int_eq(action_of(m), PDRIFT_ACTION_FALLBACK);
    ck_assert_msg(n_recs(m) == 1, "%s", all_recs(m));
    const char *s = rec(m, 0);
    ck_assert_msg(starts_with(s, "Model drift: Sharpe 1.50 -> 0.90 (-40.0%), max drawdown +12.0 points"),
                  "SPEC §6 example: %s", s);
    ck_assert_msg(ends_with(s, "switch to the fallback strategy and retrain"), "%s", s);
    pdrift_monitor_free(m);

    /* Sharpe only (drawdown not flagged): no drawdown part. */
    m = monitor_medium();
    base_metrics(m, 1.5, -0.16, NAN);
    obs_returns(m, r, 126);
    detect(m);
    s = rec(m, 0);
    ck_assert_msg(starts_with(s, "Model drift: Sharpe 1.50 -> 0.90 (-40.0%)"), "%s", s);
    ck_assert_msg(strstr(s, "drawdown") == NULL, "%s", s);
    pdrift_monitor_free(m);

    /* Absolute mode names the two Sharpe ratios. */
    m = monitor_medium();
    base_metrics(m, -0.5, NAN, NAN);
    double down[40];
    fill_returns(down, 40, -0.003, 6);
    obs_returns(m, down, 40);
    detect(m);
    char want[64];
    snprintf(want, sizeof want, "Model drift: Sharpe -0.50 -> %.2f", stateless_sharpe(down, 40, 252.0));
    ck_assert_msg(starts_with(rec(m, 0), want), "%s (want %s...)", rec(m, 0), want);
    ck_assert_msg(strstr(rec(m, 0), "nan") == NULL, "%s", rec(m, 0));
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_recommendation_order)
{
    static const struct {
        pdrift_severity data;
        enum model_case model;
        int model_first;
    } cases[] = {
        {PDRIFT_SEVERITY_MEDIUM, M_HIGH, 1},   /* model high before data medium */
        {PDRIFT_SEVERITY_HIGH, M_MEDIUM, 0},   /* data high before model medium */
        {PDRIFT_SEVERITY_HIGH, M_HIGH, 1},     /* ties: model first */
        {PDRIFT_SEVERITY_MEDIUM, M_MEDIUM, 1},
        {PDRIFT_SEVERITY_LOW, M_LOW, 1},
        {PDRIFT_SEVERITY_MEDIUM, M_LOW, 0},
        {PDRIFT_SEVERITY_LOW, M_MEDIUM, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pdrift_monitor *m = combined_monitor(cases[i].data, cases[i].model);
        ck_assert_msg(n_recs(m) == 2, "case %zu: %s", i, all_recs(m));
        const char *first = cases[i].model_first ? "Model drift: " : "Data drift (";
        const char *second = cases[i].model_first ? "Data drift (" : "Model drift: ";
        ck_assert_msg(starts_with(rec(m, 0), first) && starts_with(rec(m, 1), second), "case %zu: %s", i,
                      all_recs(m));
        pdrift_monitor_free(m);
    }

    /* Drift lines, then what could not be tested. */
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    pdrift_monitor *m = monitor_from(c);
    double few[12];
    for (size_t i = 0; i < 12; i++)
        few[i] = (double)(i * 80);
    set_grid_feature(m, few, 12); /* 12 current values: insufficient */
    model_case_setup(m, M_HIGH);
    detect(m);
    ck_assert_msg(n_recs(m) == 2, "%s", all_recs(m));
    ck_assert_msg(starts_with(rec(m, 0), "Model drift: "), "%s", all_recs(m));
    ck_assert_msg(starts_with(rec(m, 1), "Not enough data for data drift on x"), "%s", all_recs(m));
    pdrift_monitor_free(m);

    m = combined_monitor(PDRIFT_SEVERITY_MEDIUM, M_INSUFFICIENT);
    ck_assert_msg(n_recs(m) == 2, "%s", all_recs(m));
    ck_assert_msg(starts_with(rec(m, 0), "Data drift (PSI="), "%s", all_recs(m));
    ck_assert_str_eq(rec(m, 1), "Not enough data for model drift (10 returns, need 20)");
    pdrift_monitor_free(m);

    /* Both insufficient: data first, then model; no "No drift" line. */
    c = config_for(PDRIFT_SENSITIVITY_MEDIUM);
    m = monitor_from(c);
    set_grid_feature(m, few, 12);
    model_case_setup(m, M_INSUFFICIENT);
    detect(m);
    ck_assert_msg(n_recs(m) == 2, "%s", all_recs(m));
    ck_assert_msg(starts_with(rec(m, 0), "Not enough data for data drift"), "%s", all_recs(m));
    ck_assert_msg(starts_with(rec(m, 1), "Not enough data for model drift"), "%s", all_recs(m));
    pdrift_monitor_free(m);
}
END_TEST

/* ---- the report --------------------------------------------------------------------------- */

static void check_metrics_object(const cJSON *o, int with_source)
{
    ck_assert(cJSON_IsObject(o));
    static const char *const keys[] = {"sharpe", "max_drawdown", "win_rate"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v = jkey(o, keys[i]);
        ck_assert_msg(cJSON_IsNumber(v) || cJSON_IsNull(v), "%s: number or null", keys[i]);
    }
    ck_assert(cJSON_IsNumber(jkey(o, "n")));
    if (with_source) {
        const cJSON *s = jkey(o, "source");
        ck_assert(cJSON_IsNull(s) || (cJSON_IsString(s) && (strcmp(s->valuestring, "returns") == 0 ||
                                                            strcmp(s->valuestring, "metrics") == 0)));
    }
}

/* model_drift keys, types, and numbers equal to the getters. */
static void check_model_report(const pdrift_monitor *m, const char *status, const char *source)
{
    cJSON *root = report_of(m);
    const cJSON *md = jkey(root, "model_drift");
    ck_assert(cJSON_IsObject(md));
    ck_assert_str_eq(jstr(md, "status"), status);
    static const char *const sev[] = {"none", "low", "medium", "high"};
    ck_assert_str_eq(jstr(md, "severity"), sev[(int)rget(m, PDRIFT_RESULT_MODEL_SEVERITY)]);
    const cJSON *b = jkey(md, "baseline"), *c = jkey(md, "current");
    check_metrics_object(b, 1);
    check_metrics_object(c, 0);
    if (source == NULL)
        ck_assert(cJSON_IsNull(jkey(b, "source")));
    else
        ck_assert_str_eq(jstr(b, "source"), source);
    jnum_eq(b, "sharpe", rget(m, PDRIFT_RESULT_SHARPE_BASELINE));
    jnum_eq(b, "max_drawdown", rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE));
    jnum_eq(b, "win_rate", rget(m, PDRIFT_RESULT_WIN_RATE_BASELINE));
    jnum_eq(b, "n", rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE));
    jnum_eq(c, "sharpe", rget(m, PDRIFT_RESULT_SHARPE_CURRENT));
    jnum_eq(c, "max_drawdown", rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT));
    jnum_eq(c, "win_rate", rget(m, PDRIFT_RESULT_WIN_RATE_CURRENT));
    jnum_eq(c, "n", rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT));
    double deg = rget(m, PDRIFT_RESULT_SHARPE_DEGRADATION);
    jnum_eq(md, "sharpe_degradation", deg);
    const cJSON *mode = jkey(md, "sharpe_degradation_mode");
    if (isnan(deg))
        ck_assert(cJSON_IsNull(mode));
    else
        ck_assert_str_eq(jstr(md, "sharpe_degradation_mode"),
                         rget(m, PDRIFT_RESULT_SHARPE_BASELINE) > 0.0 ? "relative" : "absolute");
    jnum_eq(md, "drawdown_increase", rget(m, PDRIFT_RESULT_DRAWDOWN_INCREASE));
    jnum_eq(md, "win_rate_change", rget(m, PDRIFT_RESULT_WIN_RATE_CHANGE));
    jnum_eq(md, "win_rate_pvalue", rget(m, PDRIFT_RESULT_WIN_RATE_PVALUE));
    const cJSON *flags = jkey(md, "flags");
    ck_assert(cJSON_IsBool(jkey(flags, "sharpe")) && cJSON_IsBool(jkey(flags, "drawdown")));
    int any = cJSON_IsTrue(jkey(flags, "sharpe")) || cJSON_IsTrue(jkey(flags, "drawdown"));
    ck_assert_msg(any == (strcmp(status, "drift") == 0), "flags agree with the status");
    ck_assert(cJSON_IsNumber(jkey(md, "periods_per_year")));
    ck_assert(cJSON_IsNumber(jkey(md, "risk_free_rate")));
    ck_assert(cJSON_IsNumber(jkey(md, "min_returns")));
    /* The overall verdict in the report equals the getters'. */
    ck_assert_str_eq(jstr(root, "severity"), sev[severity_of(m)]);
    static const char *const act[] = {"continue", "watch", "retrain", "fallback"};
    ck_assert_str_eq(jstr(root, "action"), act[action_of(m)]);
    const cJSON *types = jkey(root, "drift_types");
    int has_model = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, types) has_model |= strcmp(t->valuestring, "model") == 0;
    ck_assert_int_eq(has_model, (types_of(m) & PDRIFT_DRIFT_MODEL) != 0);
    cJSON_Delete(root);
}

START_TEST(test_report_model_drift)
{
    double base[120], cur[60];
    fill_returns(base, 120, 0.002, 40);
    fill_returns(cur, 60, -0.001, 41);

    pdrift_monitor *m = monitor_medium(); /* returns only: insufficient, no source */
    obs_returns(m, cur, 60);
    detect(m);
    check_model_report(m, "insufficient_data", NULL);
    pdrift_monitor_free(m);

    m = monitor_medium(); /* features only: not monitored */
    double grid[1000];
    for (size_t i = 0; i < 1000; i++)
        grid[i] = (double)((i * 3) % 1000);
    set_grid_feature(m, grid, 1000);
    detect(m);
    check_model_report(m, "not_monitored", NULL);
    pdrift_monitor_free(m);

    m = monitor_medium(); /* returns against returns: drift */
    base_returns(m, base, 120);
    obs_returns(m, cur, 60);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MODEL_STATUS), PDRIFT_CHECK_DRIFT);
    check_model_report(m, "drift", "returns");
    pdrift_monitor_free(m);

    m = monitor_medium(); /* the same returns: ok */
    base_returns(m, cur, 60);
    obs_returns(m, cur, 60);
    detect(m);
    check_model_report(m, "ok", "returns");
    pdrift_monitor_free(m);

    m = monitor_medium(); /* explicit numbers, absolute mode */
    base_metrics(m, -0.2, 0.05, 0.5);
    obs_returns(m, cur, 60);
    detect(m);
    check_model_report(m, rget(m, PDRIFT_RESULT_MODEL_STATUS) == PDRIFT_CHECK_DRIFT ? "drift" : "ok",
                       "metrics");
    pdrift_monitor_free(m);

    m = monitor_medium(); /* explicit numbers, too few returns */
    base_metrics(m, 1.0, NAN, NAN);
    obs_returns(m, cur, 5);
    detect(m);
    check_model_report(m, "insufficient_data", "metrics");
    pdrift_monitor_free(m);
}
END_TEST

/* ---- the _load variants ------------------------------------------------------------------- */

typedef struct tmpdir {
    char path[64];
} tmpdir;

static void tmp_make(tmpdir *t)
{
    snprintf(t->path, sizeof t->path, "/tmp/check_model_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->path));
}

static const char *tmp_write(const tmpdir *t, const char *name, const char *text)
{
    static char path[4][128];
    static int next = 0;
    char *p = path[next++ % 4];
    snprintf(p, 128, "%s/%s", t->path, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return p;
}

START_TEST(test_returns_load_variants)
{
    tmpdir t;
    tmp_make(&t);
    double r[30];
    fill_returns(r, 30, 0.0008, 99);
    char headerless[2048] = "", dated[4096] = "Date,ret\n", named[4096] = "Date,Returns,volume\n";
    for (size_t i = 0; i < 30; i++) {
        char line[128];
        snprintf(line, sizeof line, "%.17g\n", r[i]);
        strcat(headerless, line);
        snprintf(line, sizeof line, "2024-02-%02zu,%.17g\n", i % 28 + 1, r[i]);
        strcat(dated, line);
        snprintf(line, sizeof line, "2024-02-%02zu,%.17g,%zu\n", i % 28 + 1, r[i], 1000 + i);
        strcat(named, line);
    }
    const char *p1 = tmp_write(&t, "headerless.csv", headerless);
    pdrift_monitor *m = monitor_medium();
    int rc = pdrift_baseline_returns_load(m, p1);
    ck_assert_msg(rc == PDRIFT_OK, "headerless: %s", pdrift_errmsg(m));
    const char *p2 = tmp_write(&t, "dated.csv", dated);
    rc = pdrift_observe_returns_load(m, p2);
    ck_assert_msg(rc == PDRIFT_OK, "Date,ret: %s", pdrift_errmsg(m));
    const char *p3 = tmp_write(&t, "named.csv", named);
    rc = pdrift_observe_returns_load(m, p3);
    ck_assert_msg(rc == PDRIFT_OK, "Date,Returns,volume: %s", pdrift_errmsg(m));
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE), 30.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), stateless_sharpe(r, 30, 252.0));
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT), 60.0);
    double twice[60];
    memcpy(twice, r, sizeof r);
    memcpy(twice + 30, r, sizeof r);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_CURRENT), stateless_sharpe(twice, 60, 252.0));
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT), stateless_mdd(twice, 60));

    /* Refused files: the message names the file and the problem; nothing appended. */
    const char *p4 = tmp_write(&t, "two.csv", "alpha,beta\n0.01,0.02\n0.03,0.04\n");
    ck_assert_int_eq(pdrift_observe_returns_load(m, p4), PDRIFT_EFORMAT);
    ck_assert_msg(strstr(pdrift_errmsg(m), "two.csv") && strstr(pdrift_errmsg(m), "\"alpha\"") &&
                      strstr(pdrift_errmsg(m), "\"beta\""),
                  "names file and columns: %s", pdrift_errmsg(m));
    ck_assert_int_eq(pdrift_baseline_returns_load(m, p4), PDRIFT_EFORMAT);
    const char *p5 = tmp_write(&t, "hole.csv", "Date,ret\n2024-01-01,0.01\n2024-01-02,\n2024-01-03,0.02\n");
    ck_assert_int_eq(pdrift_observe_returns_load(m, p5), PDRIFT_EDATA);
    ck_assert_msg(strstr(pdrift_errmsg(m), "hole.csv:3") != NULL, "line of the hole: %s", pdrift_errmsg(m));
    const char *p6 = tmp_write(&t, "inf.csv", "ret\n0.01\ninf\n");
    ck_assert_int_eq(pdrift_observe_returns_load(m, p6), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_baseline_returns_load(m, p6), PDRIFT_EDATA);
    char missing[128];
    snprintf(missing, sizeof missing, "%s/nope.csv", t.path);
    ck_assert_int_eq(pdrift_observe_returns_load(m, missing), PDRIFT_EIO);
    ck_assert_int_eq(pdrift_observe_returns_load(m, NULL), PDRIFT_EINVAL);
    detect(m);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_CURRENT), 60.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_N_RETURNS_BASELINE), 30.0);
    ck_assert_double_eq(rget(m, PDRIFT_RESULT_SHARPE_BASELINE), stateless_sharpe(r, 30, 252.0));
    pdrift_monitor_free(m);

    const char *names[] = {"headerless.csv", "dated.csv", "named.csv", "two.csv", "hole.csv", "inf.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", t.path, names[i]);
        unlink(p);
    }
    rmdir(t.path);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------------ */

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");

    TCase *golden = tcase_create("golden");
    tcase_set_timeout(golden, 30);
    tcase_add_test(golden, test_golden_pairs_through_monitor);
    tcase_add_test(golden, test_periods_and_risk_free_golden);
    suite_add_tcase(s, golden);

    TCase *rule = tcase_create("rule");
    tcase_add_test(rule, test_baseline_metrics_explicit);
    tcase_add_test(rule, test_baseline_sources_replace_each_other);
    tcase_add_test(rule, test_absolute_mode);
    tcase_add_test(rule, test_relative_bands_either_side);
    tcase_add_test(rule, test_drawdown_flag_either_side);
    tcase_add_test(rule, test_nan_sharpe_constant_returns);
    tcase_add_test(rule, test_periods_and_risk_free_by_hand);
    tcase_add_test(rule, test_win_rate_two_proportion);
    suite_add_tcase(s, rule);

    TCase *state = tcase_create("state");
    tcase_add_test(state, test_min_returns_boundary);
    tcase_add_test(state, test_no_baseline_performance_insufficient);
    tcase_add_test(state, test_not_monitored_without_returns);
    tcase_add_test(state, test_detect_with_nothing_estate);
    tcase_add_test(state, test_returns_window_keeps_latest);
    tcase_add_test(state, test_window_reset_clears_returns);
    tcase_add_test(state, test_non_finite_returns_rejected);
    tcase_add_test(state, test_model_only_monitoring);
    tcase_add_test(state, test_returns_load_variants);
    suite_add_tcase(s, state);

    TCase *combine = tcase_create("combine");
    tcase_set_timeout(combine, 60);
    tcase_add_test(combine, test_combine_full_table);
    tcase_add_test(combine, test_combination_end_to_end);
    tcase_add_test(combine, test_performance_first);
    tcase_add_test(combine, test_holding_line_without_sharpe);
    tcase_add_test(combine, test_recommendation_spec_example);
    tcase_add_test(combine, test_recommendation_order);
    tcase_add_test(combine, test_report_model_drift);
    suite_add_tcase(s, combine);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(model_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
