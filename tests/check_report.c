/*
 * check_report.c — the JSON report (lib/report.c, API.md "The JSON report",
 * docs/report.md): the two-call protocol of pdrift_report_json, the fixed
 * keys and their types, null (never NaN text) where a value does not exist,
 * the order of the features, the model name, generated_at, stability between
 * calls and schema_version.
 *
 * The monitor under test is built from synthetic data whose verdict is known
 * by construction (the PSI patterns of check_monitor.c: baseline 0..999,
 * decile 0 of the current sample holding 100 + k values and decile 9
 * 100 - k, PSI = (k/1000) ln((100+k)/(100-k)), D = k/1000 < every KS
 * threshold). The serial correction is off so that the p-values are the
 * stateless ones. Numbers read back from the JSON are compared with
 * pdrift_psi / pdrift_ks_2samp on the same arrays and with the SPEC §3.2
 * presets, not with the monitor's own getters.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <cJSON.h>

#include <ploutos_drift.h>

#include "internal.h"

#define REL 1e-12

/* ---- helpers ------------------------------------------------------------------------ */

static pdrift_config *config_for(pdrift_sensitivity s)
{
    pdrift_config *c = NULL;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, s), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, 0), PDRIFT_OK);
    return c;
}

static pdrift_monitor *monitor_from(pdrift_config *c)
{
    pdrift_monitor *m = NULL;
    ck_assert_int_eq(pdrift_monitor_new(&m, c), PDRIFT_OK);
    pdrift_config_free(c);
    return m;
}

static void fill_grid(double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (double)i;
}

/* The PSI pattern of 1000 values (see the file comment). */
static void psi_pattern(size_t k, double *out)
{
    size_t counts[10], n = 0;
    for (size_t i = 0; i < 10; i++)
        counts[i] = 100;
    counts[0] += k;
    counts[9] -= k;
    for (size_t i = 0; i < 10; i++)
        for (size_t j = 0; j < counts[i]; j++)
            out[n++] = (double)(100 * i + (j * 100) / counts[i]);
}

static double psi_pattern_value(size_t k)
{
    double d = (double)k / 1000.0;
    return d * log((0.1 + d) / (0.1 - d));
}

/* Non-missing values of a column. */
static size_t compact(const double *col, size_t n, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(col[i]))
            out[k++] = col[i];
    return k;
}

/* The report monitor. Baseline order: thin, calm, psi_med, mild, psi_high.
 *   psi_high  k = 89: PSI 0.2531, drift, high
 *   psi_med   k = 76: PSI 0.1514, drift, medium
 *   mild      k = 40: PSI 0.0339, ok
 *   calm      the baseline itself: PSI 0, ok
 *   thin      12 values on each side (98.8% missing on both): insufficient_data
 * Most drifted first: psi_high, psi_med, then mild, calm (by PSI), then thin. */
enum { NF = 5, NR = 1000 };
static const char *const NAMES[NF] = {"thin", "calm", "psi_med", "mild", "psi_high"};
static double COLS_B[NF][NR], COLS_C[NF][NR];

static void build_columns(void)
{
    for (size_t i = 0; i < NR; i++) {
        /* thin: exactly 12 values (i = 0, 80, ..., 880) on both sides */
        COLS_B[0][i] = COLS_C[0][i] = (i % 80 == 0 && i < 960) ? (double)i : NAN;
        COLS_B[1][i] = COLS_C[1][i] = (double)i;
        COLS_B[2][i] = COLS_B[3][i] = COLS_B[4][i] = (double)i;
    }
    psi_pattern(76, COLS_C[2]);
    psi_pattern(40, COLS_C[3]);
    psi_pattern(89, COLS_C[4]);
}

static pdrift_monitor *report_monitor(pdrift_sensitivity s, const char *model)
{
    build_columns();
    double *brows = malloc(NF * NR * sizeof *brows), *crows = malloc(NF * NR * sizeof *crows);
    ck_assert_ptr_nonnull(brows);
    ck_assert_ptr_nonnull(crows);
    for (size_t i = 0; i < NR; i++)
        for (size_t f = 0; f < NF; f++) {
            brows[i * NF + f] = COLS_B[f][i];
            crows[i * NF + f] = COLS_C[f][i];
        }
    pdrift_monitor *m = monitor_from(config_for(s));
    if (model != NULL)
        ck_assert_int_eq(pdrift_monitor_set_model(m, model), PDRIFT_OK);
    ck_assert_int_eq(pdrift_baseline_set(m, NAMES, NF, brows, NR), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_batch(m, crows, NR), PDRIFT_OK);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_OK);
    free(brows);
    free(crows);
    return m;
}

/* The report, fetched with the two-call protocol. */
static char *fetch(const pdrift_monitor *m)
{
    size_t len = 0;
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ENOBUFS);
    ck_assert(len > 1);
    char *buf = malloc(len);
    ck_assert_ptr_nonnull(buf);
    size_t len2 = 0;
    ck_assert_int_eq(pdrift_report_json(m, buf, len, &len2), PDRIFT_OK);
    ck_assert_uint_eq(len2, len);
    ck_assert_uint_eq(strlen(buf) + 1, len);
    return buf;
}

static cJSON *parse(const char *text)
{
    cJSON *root = cJSON_Parse(text);
    ck_assert_msg(root != NULL, "report does not parse near: %.60s", cJSON_GetErrorPtr());
    ck_assert(cJSON_IsObject(root));
    return root;
}

static const cJSON *key(const cJSON *obj, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, k);
    ck_assert_msg(v != NULL, "missing key \"%s\"", k);
    return v;
}

static double num(const cJSON *obj, const char *k)
{
    const cJSON *v = key(obj, k);
    ck_assert_msg(cJSON_IsNumber(v), "\"%s\" is not a number", k);
    return v->valuedouble;
}

static const char *str(const cJSON *obj, const char *k)
{
    const cJSON *v = key(obj, k);
    ck_assert_msg(cJSON_IsString(v), "\"%s\" is not a string", k);
    return v->valuestring;
}

static void is_null(const cJSON *obj, const char *k)
{
    ck_assert_msg(cJSON_IsNull(key(obj, k)), "\"%s\" should be null", k);
}

static void num_or_null(const cJSON *obj, const char *k)
{
    const cJSON *v = key(obj, k);
    ck_assert_msg(cJSON_IsNumber(v) || cJSON_IsNull(v), "\"%s\" is neither a number nor null", k);
}

static void one_of(const char *s, const char *const *allowed, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, allowed[i]) == 0)
            return;
    ck_abort_msg("%s: unexpected value \"%s\"", what, s);
}

static const cJSON *feature_named(const cJSON *features, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, features)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return f;
    }
    ck_abort_msg("no feature \"%s\" in the report", name);
    return NULL;
}

/* Outside string literals the document may hold only JSON punctuation,
 * numbers and the literals true, false, null: no NaN, Infinity, nan, inf. */
static void assert_only_json_tokens(const char *text)
{
    const char *p = text;
    while (*p) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            ck_assert_msg(*p == '"', "unterminated string");
            p++;
            continue;
        }
        if (strchr("{}[]:, \t\r\n", *p) || strchr("0123456789-+.eE", *p)) {
            p++;
            continue;
        }
        if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0) {
            p += 4;
            continue;
        }
        if (strncmp(p, "false", 5) == 0) {
            p += 5;
            continue;
        }
        ck_abort_msg("non-JSON token at: %.20s", p);
    }
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, unsigned mo, unsigned d)
{
    y -= mo <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (mo + (mo > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* ---- the two-call protocol --------------------------------------------------------------- */

START_TEST(test_size_probe_and_exact_fit)
{
    pdrift_monitor *m = report_monitor(PDRIFT_SENSITIVITY_MEDIUM, NULL);
    size_t len = 0;
    /* a size probe: buf NULL, cap 0 -> the size, including the NUL (cap 0 < len: ENOBUFS) */
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ENOBUFS);
    ck_assert(len > 100);

    /* exact fit: OK, the whole text, NUL-terminated, nothing written beyond */
    char *buf = malloc(len + 16);
    ck_assert_ptr_nonnull(buf);
    memset(buf, 'X', len + 16);
    size_t got = 0;
    ck_assert_int_eq(pdrift_report_json(m, buf, len, &got), PDRIFT_OK);
    ck_assert_uint_eq(got, len);
    ck_assert_int_eq(buf[len - 1], '\0');
    ck_assert_uint_eq(strlen(buf), len - 1);
    for (size_t i = len; i < len + 16; i++)
        ck_assert_int_eq(buf[i], 'X');

    /* a larger buffer: the same text, *len still the size needed */
    char *big = malloc(len + 100);
    ck_assert_ptr_nonnull(big);
    memset(big, 'Y', len + 100);
    got = 0;
    ck_assert_int_eq(pdrift_report_json(m, big, len + 100, &got), PDRIFT_OK);
    ck_assert_uint_eq(got, len);
    ck_assert_str_eq(big, buf);
    ck_assert_int_eq(big[len], 'Y');
    free(big);
    free(buf);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_short_buffer_untouched)
{
    pdrift_monitor *m = report_monitor(PDRIFT_SENSITIVITY_MEDIUM, NULL);
    size_t len = 0;
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ENOBUFS);
    char *buf = malloc(len);
    ck_assert_ptr_nonnull(buf);
    const size_t caps[] = {len - 1, len / 2, 1, 0};
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        memset(buf, 'Z', len);
        size_t got = 0;
        ck_assert_int_eq(pdrift_report_json(m, buf, caps[k], &got), PDRIFT_ENOBUFS);
        ck_assert_uint_eq(got, len); /* the size needed is reported */
        for (size_t i = 0; i < len; i++)
            ck_assert_msg(buf[i] == 'Z', "cap %zu: byte %zu written", caps[k], i);
    }
    free(buf);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_estate_and_einval)
{
    char buf[64];
    size_t len = 12345;
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ESTATE); /* no baseline */
    ck_assert_int_eq(pdrift_report_json(m, buf, sizeof buf, &len), PDRIFT_ESTATE);
    static const char *const names[1] = {"x"};
    double rows[40];
    fill_grid(rows, 40);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 1, rows, 40), PDRIFT_OK);
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ESTATE); /* no detection */
    ck_assert_int_eq(pdrift_observe_batch(m, rows, 40), PDRIFT_OK);
    ck_assert_int_eq(pdrift_report_json(m, buf, sizeof buf, &len), PDRIFT_ESTATE);
    ck_assert_uint_eq(len, 12345);

    ck_assert_int_eq(pdrift_report_json(NULL, NULL, 0, &len), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_report_json(NULL, buf, sizeof buf, &len), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_OK);
    ck_assert_int_eq(pdrift_report_json(m, buf, sizeof buf, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, NULL), PDRIFT_EINVAL);
    len = 12345;
    ck_assert_int_eq(pdrift_report_json(m, NULL, 10, &len), PDRIFT_EINVAL); /* NULL with cap > 0 */
    ck_assert_uint_eq(len, 12345);

    /* a new baseline discards the result: ESTATE again */
    ck_assert_int_eq(pdrift_baseline_set(m, names, 1, rows, 40), PDRIFT_OK);
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ESTATE);
    pdrift_monitor_free(m);
}
END_TEST

/* The same bytes from both calls, even a second later (the report is made at
 * detection), and from any later call. */
START_TEST(test_identical_between_calls)
{
    pdrift_monitor *m = report_monitor(PDRIFT_SENSITIVITY_MEDIUM, "stable");
    size_t len = 0;
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ENOBUFS);
    struct timespec pause = {1, 100000000}; /* cross a second boundary */
    nanosleep(&pause, NULL);
    char *a = malloc(len), *b = malloc(len);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    size_t la = 0, lb = 0;
    ck_assert_int_eq(pdrift_report_json(m, a, len, &la), PDRIFT_OK);
    ck_assert_int_eq(pdrift_report_json(m, b, len, &lb), PDRIFT_OK);
    ck_assert_uint_eq(la, len);
    ck_assert_uint_eq(lb, len);
    ck_assert(memcmp(a, b, len) == 0);
    /* getters and other reads in between change nothing */
    double v;
    ck_assert_int_eq(pdrift_result_get(m, PDRIFT_RESULT_PSI_MAX, &v), PDRIFT_OK);
    char *c = fetch(m);
    ck_assert_str_eq(c, a);
    free(a);
    free(b);
    free(c);
    pdrift_monitor_free(m);
}
END_TEST

/* ---- content ----------------------------------------------------------------------------- */

START_TEST(test_fixed_keys_and_types)
{
    pdrift_monitor *m = report_monitor(PDRIFT_SENSITIVITY_MEDIUM, "ploutos-v3");
    char *text = fetch(m);
    assert_only_json_tokens(text);
    cJSON *root = parse(text);

    ck_assert_double_eq(num(root, "schema_version"), 1.0);
    ck_assert_str_eq(str(root, "library_version"), pdrift_version_string());
    str(root, "generated_at");
    ck_assert_str_eq(str(root, "model"), "ploutos-v3");
    ck_assert_str_eq(str(root, "sensitivity"), "medium");

    const cJSON *th = key(root, "thresholds");
    ck_assert(cJSON_IsObject(th));
    /* SPEC §3.2, medium */
    ck_assert_double_eq(num(th, "psi"), 0.15);
    ck_assert_double_eq(num(th, "ks"), 0.15);
    ck_assert_double_eq(num(th, "ks_alpha"), 0.05);
    ck_assert_double_eq(num(th, "sharpe_degradation"), 0.20);
    ck_assert_double_eq(num(th, "drawdown_increase"), 0.10);

    ck_assert(cJSON_IsTrue(key(root, "drift_detected")));
    const cJSON *types = key(root, "drift_types");
    ck_assert(cJSON_IsArray(types));
    ck_assert_int_eq(cJSON_GetArraySize(types), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(types, 0)->valuestring, "data");
    ck_assert_str_eq(str(root, "drift_type"), "data");
    ck_assert_str_eq(str(root, "severity"), "high"); /* psi_high: PSI 0.2531 >= 0.25 */
    ck_assert_str_eq(str(root, "action"), "retrain");

    const cJSON *dd = key(root, "data_drift");
    ck_assert(cJSON_IsObject(dd));
    ck_assert_double_eq(num(dd, "n_features"), 5.0);
    ck_assert_double_eq(num(dd, "n_drifted"), 2.0);
    double want_max = psi_pattern_value(89); /* psi_high has the largest PSI */
    ck_assert_msg(fabs(num(dd, "psi_max") - want_max) <= REL * want_max, "psi_max %.17g, want %.17g",
                  num(dd, "psi_max"), want_max);
    const cJSON *drifted = key(dd, "drifted_features");
    ck_assert(cJSON_IsArray(drifted));
    const cJSON *features = key(dd, "features");
    ck_assert(cJSON_IsArray(features));
    ck_assert_int_eq(cJSON_GetArraySize(features), 5);
    static const char *const statuses[3] = {"ok", "drift", "insufficient_data"};
    const cJSON *f;
    cJSON_ArrayForEach(f, features)
    {
        ck_assert(cJSON_IsObject(f));
        str(f, "name");
        one_of(str(f, "status"), statuses, 3, "feature status");
        num_or_null(f, "psi");
        num_or_null(f, "psi_pvalue");
        num_or_null(f, "ks_statistic");
        num_or_null(f, "ks_pvalue");
        num(f, "n_baseline");
        num(f, "n_current");
        num_or_null(f, "missing_baseline");
        num_or_null(f, "missing_current");
    }

    const cJSON *cd = key(root, "concept_drift");
    ck_assert(cJSON_IsObject(cd));
    ck_assert_str_eq(str(cd, "status"), "not_monitored");
    is_null(cd, "severity_weight");

    const cJSON *md = key(root, "model_drift");
    ck_assert(cJSON_IsObject(md));
    ck_assert_str_eq(str(md, "status"), "not_monitored");
    const char *sides[2] = {"baseline", "current"};
    for (int s = 0; s < 2; s++) {
        const cJSON *side = key(md, sides[s]);
        ck_assert(cJSON_IsObject(side));
        is_null(side, "sharpe");
        is_null(side, "max_drawdown");
        is_null(side, "win_rate");
        num(side, "n");
    }
    is_null(md, "sharpe_degradation");
    is_null(md, "drawdown_increase");

    const cJSON *recs = key(root, "recommendations");
    ck_assert(cJSON_IsArray(recs));
    ck_assert_int_eq(cJSON_GetArraySize(recs), 2);
    const cJSON *r;
    cJSON_ArrayForEach(r, recs) ck_assert(cJSON_IsString(r));
    ck_assert_msg(strncmp(cJSON_GetArrayItem(recs, 0)->valuestring, "Data drift (PSI=0.25) on psi_high", 33) == 0,
                  "%s", cJSON_GetArrayItem(recs, 0)->valuestring);
    ck_assert_msg(strncmp(cJSON_GetArrayItem(recs, 1)->valuestring, "Not enough data for data drift on thin", 38) == 0,
                  "%s", cJSON_GetArrayItem(recs, 1)->valuestring);
    cJSON_Delete(root);
    free(text);
    pdrift_monitor_free(m);
}
END_TEST

/* Every number of every feature against the stateless functions and the
 * construction; null exactly where a value does not exist. */
START_TEST(test_feature_values)
{
    pdrift_monitor *m = report_monitor(PDRIFT_SENSITIVITY_MEDIUM, NULL);
    char *text = fetch(m);
    cJSON *root = parse(text);
    const cJSON *features = key(key(root, "data_drift"), "features");
    for (size_t fi = 0; fi < NF; fi++) {
        const cJSON *f = feature_named(features, NAMES[fi]);
        double b[NR], c[NR];
        size_t nb = compact(COLS_B[fi], NR, b), nc = compact(COLS_C[fi], NR, c);
        ck_assert_double_eq(num(f, "n_baseline"), (double)nb);
        ck_assert_double_eq(num(f, "n_current"), (double)nc);
        ck_assert_double_eq(num(f, "missing_baseline"), (double)(NR - nb) / NR);
        ck_assert_double_eq(num(f, "missing_current"), (double)(NR - nc) / NR);
        if (fi == 0) { /* thin: 12 values */
            ck_assert_uint_eq(nb, 12);
            ck_assert_str_eq(str(f, "status"), "insufficient_data");
            is_null(f, "psi");
            is_null(f, "psi_pvalue");
            is_null(f, "ks_statistic");
            is_null(f, "ks_pvalue");
            continue;
        }
        double psi, p, d, pk;
        ck_assert_int_eq(pdrift_psi(b, nb, c, nc, 10, &psi, &p), PDRIFT_OK);
        ck_assert_int_eq(pdrift_ks_2samp(b, nb, c, nc, PDRIFT_KS_AUTO, &d, &pk), PDRIFT_OK);
        ck_assert_msg(fabs(num(f, "psi") - psi) <= REL * psi, "%s psi", NAMES[fi]);
        ck_assert_msg(fabs(num(f, "psi_pvalue") - p) <= REL * p, "%s psi p", NAMES[fi]);
        ck_assert_double_eq(num(f, "ks_statistic"), d);
        ck_assert_msg(fabs(num(f, "ks_pvalue") - pk) <= REL * pk, "%s ks p", NAMES[fi]);
        int drift = fi == 2 || fi == 4;
        ck_assert_str_eq(str(f, "status"), drift ? "drift" : "ok");
    }
    cJSON_Delete(root);
    free(text);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_feature_order)
{
    pdrift_monitor *m = report_monitor(PDRIFT_SENSITIVITY_MEDIUM, NULL);
    char *text = fetch(m);
    cJSON *root = parse(text);
    const cJSON *dd = key(root, "data_drift");
    const char *const want_features[NF] = {"psi_high", "psi_med", "mild", "calm", "thin"};
    const cJSON *features = key(dd, "features");
    for (int i = 0; i < NF; i++)
        ck_assert_str_eq(str(cJSON_GetArrayItem(features, i), "name"), want_features[i]);
    const cJSON *drifted = key(dd, "drifted_features");
    ck_assert_int_eq(cJSON_GetArraySize(drifted), 2);
    ck_assert_str_eq(cJSON_GetArrayItem(drifted, 0)->valuestring, "psi_high");
    ck_assert_str_eq(cJSON_GetArrayItem(drifted, 1)->valuestring, "psi_med");
    /* the same order as pdrift_result_drifted */
    for (size_t r = 0; r < 2; r++) {
        size_t idx = 99;
        ck_assert_int_eq(pdrift_result_drifted(m, r, &idx), PDRIFT_OK);
        ck_assert_str_eq(pdrift_feature_name(m, idx), cJSON_GetArrayItem(drifted, (int)r)->valuestring);
    }
    cJSON_Delete(root);
    free(text);
    pdrift_monitor_free(m);
}
END_TEST

/* Thresholds in the report follow the preset (SPEC §3.2) and explicit settings. */
START_TEST(test_thresholds_per_sensitivity)
{
    static const char *const sens_names[3] = {"low", "medium", "high"};
    static const double psi[3] = {0.25, 0.15, 0.10}, ks[3] = {0.20, 0.15, 0.10},
                        alpha[3] = {0.01, 0.05, 0.10}, sharpe[3] = {0.30, 0.20, 0.15};
    for (int s = 0; s < 3; s++) {
        pdrift_monitor *m = report_monitor((pdrift_sensitivity)s, NULL);
        char *text = fetch(m);
        cJSON *root = parse(text);
        ck_assert_str_eq(str(root, "sensitivity"), sens_names[s]);
        const cJSON *th = key(root, "thresholds");
        ck_assert_double_eq(num(th, "psi"), psi[s]);
        ck_assert_double_eq(num(th, "ks"), ks[s]);
        ck_assert_double_eq(num(th, "ks_alpha"), alpha[s]);
        ck_assert_double_eq(num(th, "sharpe_degradation"), sharpe[s]);
        ck_assert_double_eq(num(th, "drawdown_increase"), 0.10);
        cJSON_Delete(root);
        free(text);
        pdrift_monitor_free(m);
    }
    pdrift_config *c = config_for(PDRIFT_SENSITIVITY_HIGH);
    ck_assert_int_eq(pdrift_config_set_double(c, PDRIFT_PARAM_PSI_THRESHOLD, 0.33), PDRIFT_OK);
    pdrift_monitor *m = monitor_from(c);
    static const char *const names[1] = {"x"};
    double rows[50];
    fill_grid(rows, 50);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 1, rows, 50), PDRIFT_OK);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_OK);
    char *text = fetch(m);
    cJSON *root = parse(text);
    ck_assert_double_eq(num(key(root, "thresholds"), "psi"), 0.33);
    ck_assert_double_eq(num(key(root, "thresholds"), "ks"), 0.10);
    cJSON_Delete(root);
    free(text);
    pdrift_monitor_free(m);
}
END_TEST

/* Nothing to compare (empty window): every feature insufficient, null values,
 * no drift, and no NaN text anywhere. */
START_TEST(test_nulls_without_data)
{
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    static const char *const names[2] = {"a", "b"};
    double rows[200];
    fill_grid(rows, 200);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 2, rows, 100), PDRIFT_OK);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_OK);
    char *text = fetch(m);
    assert_only_json_tokens(text);
    cJSON *root = parse(text);
    is_null(root, "model");
    ck_assert(cJSON_IsFalse(key(root, "drift_detected")));
    ck_assert_int_eq(cJSON_GetArraySize(key(root, "drift_types")), 0);
    is_null(root, "drift_type");
    ck_assert_str_eq(str(root, "severity"), "none");
    ck_assert_str_eq(str(root, "action"), "continue");
    const cJSON *dd = key(root, "data_drift");
    is_null(dd, "psi_max");
    ck_assert_double_eq(num(dd, "n_drifted"), 0.0);
    ck_assert_int_eq(cJSON_GetArraySize(key(dd, "drifted_features")), 0);
    const cJSON *f;
    cJSON_ArrayForEach(f, key(dd, "features"))
    {
        ck_assert_str_eq(str(f, "status"), "insufficient_data");
        is_null(f, "psi");
        is_null(f, "psi_pvalue");
        is_null(f, "ks_statistic");
        is_null(f, "ks_pvalue");
        ck_assert_double_eq(num(f, "n_baseline"), 100.0);
        ck_assert_double_eq(num(f, "n_current"), 0.0);
        ck_assert_double_eq(num(f, "missing_baseline"), 0.0);
        is_null(f, "missing_current"); /* no current row: no share */
    }
    const cJSON *recs = key(root, "recommendations");
    ck_assert_int_eq(cJSON_GetArraySize(recs), 1);
    ck_assert_msg(strncmp(cJSON_GetArrayItem(recs, 0)->valuestring, "Not enough data", 15) == 0, "%s",
                  cJSON_GetArrayItem(recs, 0)->valuestring);
    cJSON_Delete(root);
    free(text);
    pdrift_monitor_free(m);
}
END_TEST

/* No drift at all: "continue" and the no-drift recommendation. */
START_TEST(test_no_drift_report)
{
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    static const char *const names[1] = {"x"};
    double b[1000];
    fill_grid(b, 1000);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 1, b, 1000), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_batch(m, b, 1000), PDRIFT_OK);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_OK);
    char *text = fetch(m);
    assert_only_json_tokens(text);
    cJSON *root = parse(text);
    ck_assert(cJSON_IsFalse(key(root, "drift_detected")));
    ck_assert_str_eq(str(root, "severity"), "none");
    ck_assert_str_eq(str(root, "action"), "continue");
    is_null(root, "drift_type");
    const cJSON *dd = key(root, "data_drift");
    ck_assert_double_eq(num(dd, "psi_max"), 0.0);
    const cJSON *f = cJSON_GetArrayItem(key(dd, "features"), 0);
    ck_assert_double_eq(num(f, "psi"), 0.0);
    ck_assert_double_eq(num(f, "ks_statistic"), 0.0);
    ck_assert_double_eq(num(f, "ks_pvalue"), 1.0);
    const cJSON *recs = key(root, "recommendations");
    ck_assert_int_eq(cJSON_GetArraySize(recs), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(recs, 0)->valuestring, "No drift detected: continue with the current model");
    cJSON_Delete(root);
    free(text);
    pdrift_monitor_free(m);
}
END_TEST

/* ---- model name, generated_at ----------------------------------------------------------- */

START_TEST(test_model_name_before_and_after_detect)
{
    pdrift_monitor *m = report_monitor(PDRIFT_SENSITIVITY_MEDIUM, "before \"quoted\" \xc3\xa9");
    char *t1 = fetch(m);
    cJSON *r1 = parse(t1);
    ck_assert_str_eq(str(r1, "model"), "before \"quoted\" \xc3\xa9");
    const char *gen1 = str(r1, "generated_at");

    /* renamed after the detection, a second later: the report follows, the rest
     * (generated_at included: the time of the detection) is unchanged */
    struct timespec pause = {1, 100000000};
    nanosleep(&pause, NULL);
    ck_assert_int_eq(pdrift_monitor_set_model(m, "after"), PDRIFT_OK);
    char *t2 = fetch(m);
    cJSON *r2 = parse(t2);
    ck_assert_str_eq(str(r2, "model"), "after");
    ck_assert_str_eq(str(r2, "generated_at"), gen1);
    ck_assert_str_eq(str(r2, "severity"), str(r1, "severity"));
    ck_assert_double_eq(num(key(r2, "data_drift"), "psi_max"), num(key(r1, "data_drift"), "psi_max"));

    /* the name is copied */
    char name[16] = "copied";
    ck_assert_int_eq(pdrift_monitor_set_model(m, name), PDRIFT_OK);
    strcpy(name, "changed");
    char *t3 = fetch(m);
    cJSON *r3 = parse(t3);
    ck_assert_str_eq(str(r3, "model"), "copied");

    /* NULL clears it */
    ck_assert_int_eq(pdrift_monitor_set_model(m, NULL), PDRIFT_OK);
    char *t4 = fetch(m);
    cJSON *r4 = parse(t4);
    is_null(r4, "model");

    /* a later detection keeps the name set before it */
    ck_assert_int_eq(pdrift_monitor_set_model(m, "kept"), PDRIFT_OK);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_OK);
    char *t5 = fetch(m);
    cJSON *r5 = parse(t5);
    ck_assert_str_eq(str(r5, "model"), "kept");
    cJSON_Delete(r1);
    cJSON_Delete(r2);
    cJSON_Delete(r3);
    cJSON_Delete(r4);
    cJSON_Delete(r5);
    free(t1);
    free(t2);
    free(t3);
    free(t4);
    free(t5);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_generated_at_iso8601_utc)
{
    /* a local time zone 5 hours west of UTC: the report must still say UTC */
    ck_assert_int_eq(setenv("TZ", "PDT+5", 1), 0);
    tzset();
    time_t before = time(NULL);
    pdrift_monitor *m = report_monitor(PDRIFT_SENSITIVITY_MEDIUM, NULL);
    time_t after = time(NULL);
    char *text = fetch(m);
    cJSON *root = parse(text);
    const char *g = str(root, "generated_at");
    ck_assert_uint_eq(strlen(g), 20);
    /* YYYY-MM-DDTHH:MM:SSZ */
    for (size_t i = 0; i < 20; i++) {
        const char c = g[i];
        if (i == 4 || i == 7)
            ck_assert_int_eq(c, '-');
        else if (i == 10)
            ck_assert_int_eq(c, 'T');
        else if (i == 13 || i == 16)
            ck_assert_int_eq(c, ':');
        else if (i == 19)
            ck_assert_int_eq(c, 'Z');
        else
            ck_assert_msg(c >= '0' && c <= '9', "generated_at \"%s\": char %zu", g, i);
    }
    unsigned y, mo, d, h, mi, s;
    ck_assert_int_eq(sscanf(g, "%4u-%2u-%2uT%2u:%2u:%2uZ", &y, &mo, &d, &h, &mi, &s), 6);
    ck_assert(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 61);
    long long t = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + s;
    ck_assert_msg(t >= (long long)before && t <= (long long)after, "generated_at %s = %lld not in [%lld, %lld]",
                  g, t, (long long)before, (long long)after);
    cJSON_Delete(root);
    free(text);
    pdrift_monitor_free(m);
}
END_TEST

/* Non-ASCII and special characters in feature names survive as JSON strings. */
START_TEST(test_names_escaped)
{
    pdrift_monitor *m = monitor_from(config_for(PDRIFT_SENSITIVITY_MEDIUM));
    static const char *const names[2] = {"quote\"back\\slash", "caf\xc3\xa9\ttab"};
    double rows[200];
    fill_grid(rows, 200);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 2, rows, 100), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_batch(m, rows, 100), PDRIFT_OK);
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_OK);
    char *text = fetch(m);
    assert_only_json_tokens(text);
    cJSON *root = parse(text);
    const cJSON *features = key(key(root, "data_drift"), "features");
    feature_named(features, names[0]);
    feature_named(features, names[1]);
    cJSON_Delete(root);
    free(text);
    pdrift_monitor_free(m);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");

    TCase *protocol = tcase_create("protocol");
    tcase_set_timeout(protocol, 20);
    tcase_add_test(protocol, test_size_probe_and_exact_fit);
    tcase_add_test(protocol, test_short_buffer_untouched);
    tcase_add_test(protocol, test_estate_and_einval);
    tcase_add_test(protocol, test_identical_between_calls);
    suite_add_tcase(s, protocol);

    TCase *content = tcase_create("content");
    tcase_add_test(content, test_fixed_keys_and_types);
    tcase_add_test(content, test_feature_values);
    tcase_add_test(content, test_feature_order);
    tcase_add_test(content, test_thresholds_per_sensitivity);
    tcase_add_test(content, test_nulls_without_data);
    tcase_add_test(content, test_no_drift_report);
    tcase_add_test(content, test_model_name_before_and_after_detect);
    tcase_add_test(content, test_generated_at_iso8601_utc);
    tcase_add_test(content, test_names_escaped);
    suite_add_tcase(s, content);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
