/*
 * check_concept.c — concept drift in the monitor (lib/concept.c, the error
 * streams of lib/monitor.c, their part of lib/verdict.c, lib/report.c and
 * lib/result.c; SPEC.md §4.2, §4.5, §6).
 *
 * Where the expected values come from:
 *  - the golden file tests/data/addm_cases.json (four cases e_val/e_win with
 *    their decision, severity weight, threshold and occupancy rise; the
 *    `sequential` stream e_val/e_live with a decision per step). The monitor
 *    must give the golden answers whatever way the live errors are fed;
 *  - the internal stateless pdrift__addm (itself tested against the golden
 *    file by check_addm.c) on the same reference and the same live errors,
 *    for non-default parameters and generated streams: the monitor must
 *    reproduce it bit for bit;
 *  - SPEC §4.5 and §6 restated here (severity from level and weight; the
 *    combination), applied to preconditions asserted on the inputs (e.g.
 *    "this generated stream is ADDM DRIFT with w >= 0.5").
 * Generated streams use splitmix64 with fixed seeds.
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
#include "internal.h"

#define W_REL 1e-12 /* severity weight against the golden file (SPEC §7) */

/* ---- generators --------------------------------------------------------------------- */

/* splitmix64: deterministic uniform draws in [0, 1). */
static double uniform(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

static void bernoulli(double *e, size_t n, double rate, uint64_t *state)
{
    for (size_t i = 0; i < n; i++)
        e[i] = uniform(state) < rate ? 1.0 : 0.0;
}

/* Box–Muller standard normal. */
static double normal(uint64_t *state)
{
    double u1 = uniform(state), u2 = uniform(state);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}

static double *alloc_doubles(size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* ---- SPEC restated ---------------------------------------------------------------------- */

static pdrift_level level_of(const char *s)
{
    ck_assert_ptr_nonnull(s);
    if (strcmp(s, "NONE") == 0)
        return PDRIFT_LEVEL_NONE;
    if (strcmp(s, "WARNING") == 0)
        return PDRIFT_LEVEL_WARNING;
    if (strcmp(s, "DRIFT") == 0)
        return PDRIFT_LEVEL_DRIFT;
    if (strcmp(s, "INSUFFICIENT") == 0)
        return PDRIFT_LEVEL_INSUFFICIENT;
    ck_abort_msg("unknown decision %s", s);
    return PDRIFT_LEVEL_NONE;
}

static const char *level_text(pdrift_level l)
{
    switch (l) {
    case PDRIFT_LEVEL_NONE: return "NONE";
    case PDRIFT_LEVEL_WARNING: return "WARNING";
    case PDRIFT_LEVEL_DRIFT: return "DRIFT";
    case PDRIFT_LEVEL_INSUFFICIENT: return "INSUFFICIENT";
    }
    return "?";
}

/* The level's name in the report (docs/report.md). */
static const char *report_level(pdrift_level l)
{
    switch (l) {
    case PDRIFT_LEVEL_NONE: return "none";
    case PDRIFT_LEVEL_WARNING: return "warning";
    case PDRIFT_LEVEL_DRIFT: return "drift";
    case PDRIFT_LEVEL_INSUFFICIENT: return "insufficient_data";
    }
    return "?";
}

static pdrift_check_status status_of(pdrift_level l)
{
    switch (l) {
    case PDRIFT_LEVEL_NONE: return PDRIFT_CHECK_OK;
    case PDRIFT_LEVEL_WARNING: return PDRIFT_CHECK_WARNING;
    case PDRIFT_LEVEL_DRIFT: return PDRIFT_CHECK_DRIFT;
    case PDRIFT_LEVEL_INSUFFICIENT: return PDRIFT_CHECK_INSUFFICIENT;
    }
    return PDRIFT_CHECK_NOT_MONITORED;
}

/* SPEC §4.5: WARNING -> low; DRIFT -> high if w >= 0.5 else medium. */
static pdrift_severity spec_severity(pdrift_level l, double w)
{
    if (l == PDRIFT_LEVEL_WARNING)
        return PDRIFT_SEVERITY_LOW;
    if (l == PDRIFT_LEVEL_DRIFT)
        return w >= 0.5 ? PDRIFT_SEVERITY_HIGH : PDRIFT_SEVERITY_MEDIUM;
    return PDRIFT_SEVERITY_NONE;
}

/* ---- monitor helpers ----------------------------------------------------------------------- */

/* Most tests here check the monitor against the golden file, which
 * describes SPEC §4's occupancy rule: their configs select it. The library's
 * default rule (the mean test) has its own tests below
 * (test_default_rule_through_the_monitor). */
static pdrift_config *config_new(void)
{
    pdrift_config *c = NULL;
    ck_assert_int_eq(pdrift_config_new(&c), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_set_int(c, PDRIFT_PARAM_ADDM_RULE, PDRIFT_ADDM_RULE_OCCUPANCY),
                     PDRIFT_OK);
    return c;
}

/* The internal parameters of SPEC §4 (occupancy rule). */
static pdrift__addm_params spec_params(void)
{
    pdrift__addm_params pa = pdrift__addm_default_params();
    pa.rule = PDRIFT__ADDM_RULE_OCCUPANCY;
    return pa;
}

static void cfg_int(pdrift_config *c, pdrift_param p, long long v)
{
    ck_assert_int_eq(pdrift_config_set_int(c, p, v), PDRIFT_OK);
}

static void cfg_dbl(pdrift_config *c, pdrift_param p, double v)
{
    ck_assert_int_eq(pdrift_config_set_double(c, p, v), PDRIFT_OK);
}

/* A monitor from a config (NULL: the defaults, with SPEC's occupancy rule);
 * the config is freed. */
static pdrift_monitor *monitor_from(pdrift_config *c)
{
    pdrift_monitor *m = NULL;
    if (c == NULL)
        c = config_new();
    ck_assert_int_eq(pdrift_monitor_new(&m, c), PDRIFT_OK);
    ck_assert_ptr_nonnull(m);
    pdrift_config_free(c);
    return m;
}

static void reference(pdrift_monitor *m, const double *e, size_t n)
{
    int rc = pdrift_baseline_errors(m, e, n);
    ck_assert_msg(rc == PDRIFT_OK, "pdrift_baseline_errors: %d %s", rc, pdrift_errmsg(m));
}

static void observe(pdrift_monitor *m, const double *e, size_t n)
{
    int rc = pdrift_observe_errors(m, e, n);
    ck_assert_msg(rc == PDRIFT_OK, "pdrift_observe_errors: %d %s", rc, pdrift_errmsg(m));
}

/* Feed e[0..n) in chunks of the sizes in `sizes` (cycled). */
static void observe_chunked(pdrift_monitor *m, const double *e, size_t n, const size_t *sizes,
                            size_t n_sizes)
{
    size_t at = 0, i = 0;
    while (at < n) {
        size_t c = sizes[i++ % n_sizes];
        if (c > n - at)
            c = n - at;
        observe(m, e + at, c);
        at += c;
    }
}

static void detect(pdrift_monitor *m)
{
    int rc = pdrift_detect(m);
    ck_assert_msg(rc == PDRIFT_OK, "pdrift_detect: %d %s", rc, pdrift_errmsg(m));
}

static double result(const pdrift_monitor *m, pdrift_result_key k)
{
    double v;
    ck_assert_int_eq(pdrift_result_get(m, k, &v), PDRIFT_OK);
    return v;
}

static pdrift_level concept_level(const pdrift_monitor *m)
{
    return (pdrift_level)(int)result(m, PDRIFT_RESULT_CONCEPT_LEVEL);
}

static pdrift_check_status concept_status(const pdrift_monitor *m)
{
    return (pdrift_check_status)(int)result(m, PDRIFT_RESULT_CONCEPT_STATUS);
}

static pdrift_severity concept_severity(const pdrift_monitor *m)
{
    return (pdrift_severity)(int)result(m, PDRIFT_RESULT_CONCEPT_SEVERITY);
}

static size_t n_recs(const pdrift_monitor *m)
{
    return (size_t)result(m, PDRIFT_RESULT_N_RECOMMENDATIONS);
}

static const char *rec(const pdrift_monitor *m, size_t i)
{
    const char *s = NULL;
    ck_assert_int_eq(pdrift_result_recommendation(m, i, &s), PDRIFT_OK);
    ck_assert_ptr_nonnull(s);
    return s;
}

/* 1 if some recommendation equals s (exact) or, with prefix, starts with s. */
static int has_rec(const pdrift_monitor *m, const char *s, int prefix)
{
    for (size_t i = 0; i < n_recs(m); i++) {
        const char *r = rec(m, i);
        if (prefix ? strncmp(r, s, strlen(s)) == 0 : strcmp(r, s) == 0)
            return 1;
    }
    return 0;
}

static void dump_recs(const pdrift_monitor *m)
{
    for (size_t i = 0; i < n_recs(m); i++)
        fprintf(stderr, "  rec[%zu] = %s\n", i, rec(m, i));
}

static unsigned drift_types(const pdrift_monitor *m)
{
    unsigned v;
    ck_assert_int_eq(pdrift_result_drift_types(m, &v), PDRIFT_OK);
    return v;
}

static unsigned drift_type(const pdrift_monitor *m)
{
    unsigned v;
    ck_assert_int_eq(pdrift_result_drift_type(m, &v), PDRIFT_OK);
    return v;
}

static pdrift_severity overall_severity(const pdrift_monitor *m)
{
    pdrift_severity v;
    ck_assert_int_eq(pdrift_result_severity(m, &v), PDRIFT_OK);
    return v;
}

static pdrift_action action(const pdrift_monitor *m)
{
    pdrift_action v;
    ck_assert_int_eq(pdrift_result_action(m, &v), PDRIFT_OK);
    return v;
}

/* The report of the last detection, parsed (cJSON_Delete by the caller). */
static cJSON *report(const pdrift_monitor *m)
{
    size_t len = 0;
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ENOBUFS);
    char *buf = malloc(len);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(pdrift_report_json(m, buf, len, &len), PDRIFT_OK);
    cJSON *root = cJSON_Parse(buf);
    ck_assert_msg(root != NULL, "the report is not JSON");
    free(buf);
    return root;
}

static const cJSON *item(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(it != NULL, "report key \"%s\" missing", key);
    return it;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *it = item(o, key);
    ck_assert_msg(cJSON_IsNumber(it), "report key \"%s\" is not a number", key);
    return it->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *it = item(o, key);
    ck_assert_msg(cJSON_IsString(it), "report key \"%s\" is not a string", key);
    return it->valuestring;
}

static int is_null(const cJSON *o, const char *key)
{
    return cJSON_IsNull(item(o, key));
}

static int boolean(const cJSON *o, const char *key)
{
    const cJSON *it = item(o, key);
    ck_assert_msg(cJSON_IsBool(it), "report key \"%s\" is not a boolean", key);
    return cJSON_IsTrue(it);
}

/* A report number against a double: cJSON prints 15 significant digits
 * when that reads back within its own relative epsilon (0.37500000000000006
 * is printed 0.375), so the report is compared to 1e-15 relative. */
static int json_eq(double got, double want)
{
    return golden_close(got, want, 1e-15, 0.0);
}

/* ---- golden data ------------------------------------------------------------------------------ */

typedef struct gcase {
    const char *id;
    double *ev, *ew;
    size_t R, V;
    pdrift_level decision;
    double weight;     /* result.severity */
    double threshold;  /* result.setar.threshold */
    double delta;      /* result.setar.delta_occupancy */
    double frac_ref, frac_win, frac_tail, q3_ref, q3_win, ssr;
    size_t n_low, n_high;
    int high_regime;
} gcase;

static gcase gcase_load(int index)
{
    const cJSON *c = cJSON_GetArrayItem(golden_get(golden_load("addm_cases.json"), "cases"), index);
    ck_assert_ptr_nonnull(c);
    gcase g;
    g.id = cJSON_GetStringValue(golden_get(c, "id"));
    g.ev = golden_array(golden_get(c, "e_val"), &g.R);
    g.ew = golden_array(golden_get(c, "e_win"), &g.V);
    const cJSON *r = golden_get(c, "result");
    const cJSON *s = golden_get(r, "setar");
    g.decision = level_of(cJSON_GetStringValue(golden_get(r, "decision")));
    g.weight = golden_double(r, "severity");
    g.q3_ref = golden_double(r, "q3_ref");
    g.q3_win = golden_double(r, "q3_win");
    g.threshold = golden_double(s, "threshold");
    g.delta = golden_double(s, "delta_occupancy");
    g.frac_ref = golden_double(s, "frac_ref_high");
    g.frac_win = golden_double(s, "frac_win_high");
    g.frac_tail = golden_double(s, "frac_tail_high");
    g.ssr = golden_double(s, "ssr");
    g.n_low = (size_t)golden_double(s, "n_low");
    g.n_high = (size_t)golden_double(s, "n_high");
    g.high_regime = (int)golden_double(s, "high_regime");
    ck_assert_uint_eq(g.R, 259);
    ck_assert_uint_eq(g.V, 60);
    return g;
}

static void gcase_free(gcase *g)
{
    free(g->ev);
    free(g->ew);
}

/* Index of a golden case by id. */
static int gcase_index(const char *id)
{
    const cJSON *cases = golden_get(golden_load("addm_cases.json"), "cases");
    for (int i = 0; i < cJSON_GetArraySize(cases); i++)
        if (strcmp(cJSON_GetStringValue(golden_get(cJSON_GetArrayItem(cases, i), "id")), id) == 0)
            return i;
    ck_abort_msg("no golden case %s", id);
    return -1;
}

typedef struct gseq {
    double *ev, *el;
    size_t R, V;
    const cJSON *trace;
} gseq;

static gseq gseq_load(void)
{
    const cJSON *sq = golden_get(golden_load("addm_cases.json"), "sequential");
    gseq s;
    s.ev = golden_array(golden_get(sq, "e_val"), &s.R);
    s.el = golden_array(golden_get(sq, "e_live"), &s.V);
    s.trace = golden_get(sq, "trace");
    ck_assert_uint_eq(s.R, 259);
    ck_assert_uint_eq(s.V, 300);
    return s;
}

static void gseq_free(gseq *s)
{
    free(s->ev);
    free(s->el);
}

/* The golden trace entry for step t (after t + 1 live errors), t >= 59. */
static const cJSON *trace_at(const gseq *s, size_t t)
{
    ck_assert_uint_ge(t, 59);
    const cJSON *tr = cJSON_GetArrayItem(s->trace, (int)(t - 59));
    ck_assert_ptr_nonnull(tr);
    ck_assert_uint_eq((size_t)golden_double(tr, "t"), t);
    return tr;
}

/* The first step of the golden trace whose decision is DRIFT. */
static size_t first_golden_drift(const gseq *s)
{
    const cJSON *tr;
    cJSON_ArrayForEach(tr, s->trace)
    {
        if (level_of(cJSON_GetStringValue(golden_get(tr, "decision"))) == PDRIFT_LEVEL_DRIFT)
            return (size_t)golden_double(tr, "t");
    }
    ck_abort_msg("the golden trace has no DRIFT");
    return 0;
}

/* ---- the monitor against the stateless function ---------------------------------------- */

/* The last detection of m against pdrift__addm(ref, stream) with params pa,
 * for a detection that is not latched: level, weight, threshold and delta
 * bit for bit. */
static void expect_addm(const pdrift_monitor *m, const double *ref, size_t R, const double *stream,
                        size_t V, const pdrift__addm_params *pa, const char *what)
{
    pdrift__addm_result a;
    ck_assert_int_eq(pdrift__addm(ref, R, stream, V, pa, &a), PDRIFT_OK);
    pdrift_level got = concept_level(m);
    ck_assert_msg(got == a.level, "%s: monitor %s, pdrift__addm %s", what, level_text(got),
                  level_text(a.level));
    ck_assert_int_eq(concept_status(m), status_of(a.level));
    double w = result(m, PDRIFT_RESULT_SEVERITY_WEIGHT);
    ck_assert_msg(golden_same_bits(w, a.severity_weight), "%s: weight %.17g vs %.17g", what, w,
                  a.severity_weight);
    ck_assert_int_eq(concept_severity(m), spec_severity(a.level, a.severity_weight));
    double th = result(m, PDRIFT_RESULT_ADDM_THRESHOLD), de = result(m, PDRIFT_RESULT_ADDM_DELTA);
    ck_assert_msg(golden_same_bits(th, a.fitted ? a.threshold : NAN), "%s: threshold %.17g vs %.17g",
                  what, th, a.threshold);
    ck_assert_msg(golden_same_bits(de, a.fitted ? a.delta : NAN), "%s: delta %.17g vs %.17g", what,
                  de, a.delta);
}

/* The last detection of m against a golden case. */
static void expect_golden(const pdrift_monitor *m, const gcase *g, const char *how)
{
    pdrift_level got = concept_level(m);
    ck_assert_msg(got == g->decision, "%s (%s): level %s, golden %s", g->id, how, level_text(got),
                  level_text(g->decision));
    ck_assert_int_eq(concept_status(m), status_of(g->decision));
    double w = result(m, PDRIFT_RESULT_SEVERITY_WEIGHT);
    ck_assert_msg(golden_close(w, g->weight, W_REL, 0.0), "%s (%s): weight %.17g, golden %.17g",
                  g->id, how, w, g->weight);
    ck_assert_int_eq(concept_severity(m), spec_severity(g->decision, g->weight));
    ck_assert_msg(result(m, PDRIFT_RESULT_ADDM_THRESHOLD) == g->threshold,
                  "%s (%s): threshold %.17g, golden %.17g", g->id, how,
                  result(m, PDRIFT_RESULT_ADDM_THRESHOLD), g->threshold);
    ck_assert_msg(result(m, PDRIFT_RESULT_ADDM_DELTA) == g->delta, "%s (%s): delta %.17g, golden %.17g",
                  g->id, how, result(m, PDRIFT_RESULT_ADDM_DELTA), g->delta);
    ck_assert(isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)) == (g->decision != PDRIFT_LEVEL_DRIFT));
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_REFERENCE) == (double)g->R);

    /* and the stateless function agrees under the same rule */
    pdrift__addm_params pa = spec_params();
    pdrift__addm_result ar;
    ck_assert_int_eq(pdrift__addm(g->ev, g->R, g->ew, g->V, &pa, &ar), PDRIFT_OK);
    ck_assert_int_eq(ar.level, g->decision);
    ck_assert(golden_same_bits(ar.severity_weight, result(m, PDRIFT_RESULT_SEVERITY_WEIGHT)));
}

START_TEST(test_golden_cases_whole_and_piecewise)
{
    static const size_t chunks7[] = {7};
    static const size_t mixed[] = {1, 2, 3, 5, 8, 13, 21};
    for (int i = 0; i < 4; i++) {
        gcase g = gcase_load(i);
        for (int how = 0; how < 4; how++) {
            pdrift_monitor *m = monitor_from(NULL);
            reference(m, g.ev, g.R);
            const char *name = "whole";
            switch (how) {
            case 0: observe(m, g.ew, g.V); break;
            case 1:
                name = "one at a time";
                for (size_t j = 0; j < g.V; j++)
                    observe(m, g.ew + j, 1);
                break;
            case 2:
                name = "chunks of 7";
                observe_chunked(m, g.ew, g.V, chunks7, 1);
                break;
            default:
                name = "mixed chunks";
                observe_chunked(m, g.ew, g.V, mixed, 7);
                break;
            }
            detect(m);
            expect_golden(m, &g, name);
            ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == 60.0);
            pdrift_monitor_free(m);
        }
        gcase_free(&g);
    }
}
END_TEST

/* A long stream that ends with the last k - 1 = 9 reference errors and then
 * e_win: the ring keeps exactly the w + k - 1 = 69 errors the golden window
 * uses, so the golden answers come back; the 500 older errors (all 5.0, a
 * loss that would dominate any mean) must be forgotten. */
START_TEST(test_golden_cases_after_many_older_errors)
{
    static const size_t sizes[][4] = {{1}, {100}, {569}, {3, 50, 17, 200}, {68, 1, 70, 2}};
    static const size_t n_sizes[] = {1, 1, 1, 4, 4};
    const size_t old = 500, total = old + 9 + 60;
    for (int i = 0; i < 4; i++) {
        gcase g = gcase_load(i);
        double *stream = alloc_doubles(total);
        for (size_t j = 0; j < old; j++)
            stream[j] = 5.0;
        memcpy(stream + old, g.ev + g.R - 9, 9 * sizeof *stream);
        memcpy(stream + old + 9, g.ew, 60 * sizeof *stream);
        for (size_t v = 0; v < sizeof n_sizes / sizeof n_sizes[0]; v++) {
            pdrift_monitor *m = monitor_from(NULL);
            reference(m, g.ev, g.R);
            observe_chunked(m, stream, total, sizes[v], n_sizes[v]);
            detect(m);
            char how[64];
            snprintf(how, sizeof how, "after %zu older errors, chunking %zu", old, v);
            expect_golden(m, &g, how);
            pdrift__addm_params pa = spec_params();
            expect_addm(m, g.ev, g.R, stream, total, &pa, how);
            ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == (double)total);
            cJSON *root = report(m);
            const cJSON *c = item(root, "concept_drift");
            ck_assert(num(c, "n_window") == 69.0);
            ck_assert(num(c, "n_seen") == (double)total);
            ck_assert(num(c, "n_reference") == 259.0);
            cJSON_Delete(root);
            pdrift_monitor_free(m);
        }
        free(stream);
        gcase_free(&g);
    }
}
END_TEST

/* With older live errors in front of e_win the window's first smoothed
 * values use those live errors, not the reference's last ones: the monitor
 * must equal the stateless function on the whole stream (not the golden
 * e_win-only answer). */
START_TEST(test_ring_uses_live_errors_before_the_window)
{
    gcase g = gcase_load(gcase_index("moderate_045_to_060"));
    const size_t total = 200 + 60;
    double *stream = alloc_doubles(total);
    uint64_t seed = 5;
    bernoulli(stream, 200, 0.95, &seed);
    memcpy(stream + 200, g.ew, 60 * sizeof *stream);
    pdrift__addm_params pa = spec_params();
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, g.ev, g.R);
    observe(m, stream, 123);
    observe(m, stream + 123, total - 123);
    detect(m);
    expect_addm(m, g.ev, g.R, stream, total, &pa, "long stream");
    /* the same as feeding only its last 69 errors */
    pdrift_monitor *m2 = monitor_from(NULL);
    reference(m2, g.ev, g.R);
    observe(m2, stream + total - 69, 69);
    detect(m2);
    ck_assert(golden_same_bits(result(m, PDRIFT_RESULT_SEVERITY_WEIGHT),
                               result(m2, PDRIFT_RESULT_SEVERITY_WEIGHT)));
    ck_assert(golden_same_bits(result(m, PDRIFT_RESULT_ADDM_DELTA), result(m2, PDRIFT_RESULT_ADDM_DELTA)));
    ck_assert_int_eq(concept_level(m), concept_level(m2));
    pdrift_monitor_free(m2);
    pdrift_monitor_free(m);
    free(stream);
    gcase_free(&g);
}
END_TEST

/* ---- the sequential stream and the latch ------------------------------------------------- */

START_TEST(test_golden_sequential_latch)
{
    gseq s = gseq_load();
    const size_t first = first_golden_drift(&s);
    ck_assert_uint_eq(first, 183); /* the golden stream's first DRIFT (SPEC §4.7) */
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, s.ev, s.R);
    size_t fired = 0, fell_back = 0;
    double fired_weight = NAN;
    for (size_t t = 0; t < s.V; t++) {
        observe(m, s.el + t, 1);
        detect(m);
        const size_t n = t + 1;
        ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == (double)n);
        cJSON *root = report(m);
        const cJSON *c = item(root, "concept_drift");
        ck_assert(num(c, "n_window") == (double)(n < 69 ? n : 69));
        if (n < 60) {
            ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_INSUFFICIENT);
            ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_INSUFFICIENT);
            ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_NONE);
            ck_assert_str_eq(str(c, "status"), "insufficient_data");
            ck_assert_str_eq(str(c, "current_level"), "insufficient_data");
            cJSON_Delete(root);
            continue;
        }
        const cJSON *tr = trace_at(&s, t);
        pdrift_level want = level_of(cJSON_GetStringValue(golden_get(tr, "decision")));
        double raw = golden_double(tr, "severity_raw");
        /* the detection's own decision follows the golden trace */
        ck_assert_msg(strcmp(str(c, "current_level"), report_level(want)) == 0,
                      "t=%zu: current_level %s, golden %s", t, str(c, "current_level"),
                      report_level(want));
        ck_assert_msg(result(m, PDRIFT_RESULT_ADDM_THRESHOLD) == golden_double(tr, "threshold"),
                      "t=%zu threshold", t);
        ck_assert_msg(result(m, PDRIFT_RESULT_ADDM_DELTA) == golden_double(tr, "delta_occupancy"),
                      "t=%zu delta", t);
        if (t < first) {
            ck_assert_msg(concept_level(m) == want, "t=%zu: level %s, golden %s", t,
                          level_text(concept_level(m)), level_text(want));
            ck_assert(isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)));
            ck_assert(!boolean(c, "latched"));
            ck_assert(is_null(c, "fired_at"));
            double w = result(m, PDRIFT_RESULT_SEVERITY_WEIGHT);
            ck_assert(golden_close(w, want == PDRIFT_LEVEL_NONE ? 0.0 : raw, W_REL, 0.0));
            ck_assert_int_eq(concept_severity(m), spec_severity(want, w));
        } else {
            if (t == first) {
                fired = n;
                fired_weight = raw;
            }
            /* latched: DRIFT with the step it fired at, whatever the trace says now */
            ck_assert_msg(concept_level(m) == PDRIFT_LEVEL_DRIFT, "t=%zu: level %s after the latch",
                          t, level_text(concept_level(m)));
            ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_DRIFT);
            ck_assert(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT) == (double)fired);
            ck_assert_str_eq(str(c, "status"), "drift");
            ck_assert(boolean(c, "latched"));
            ck_assert(num(c, "fired_at") == (double)fired);
            /* the weight is the largest seen on a DRIFT step since the alarm */
            if (want == PDRIFT_LEVEL_DRIFT && raw > fired_weight)
                fired_weight = raw;
            double w = result(m, PDRIFT_RESULT_SEVERITY_WEIGHT);
            ck_assert_msg(golden_close(w, fired_weight, W_REL, 0.0),
                          "t=%zu: weight %.17g (running maximum %.17g, now %.17g)", t, w,
                          fired_weight, raw);
            ck_assert_int_eq(concept_severity(m), spec_severity(PDRIFT_LEVEL_DRIFT, w));
            ck_assert(json_eq(num(c, "severity_weight"), w));
            ck_assert_str_eq(str(c, "severity"), w >= 0.5 ? "high" : "medium");
            ck_assert_uint_eq(drift_types(m), PDRIFT_DRIFT_CONCEPT);
            ck_assert_uint_eq(drift_type(m), PDRIFT_DRIFT_CONCEPT);
            ck_assert_int_eq(action(m), PDRIFT_ACTION_RETRAIN);
            fell_back += want == PDRIFT_LEVEL_WARNING;
        }
        cJSON_Delete(root);
    }
    ck_assert_uint_eq(fired, 184);
    ck_assert_uint_gt(fell_back, 0); /* the trace does fall back to WARNING: the latch held */
    /* the trace ends on WARNING (t = 299); the verdict is still the latched DRIFT */
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    pdrift_monitor_free(m);
    gseq_free(&s);
}
END_TEST

/* The latch records what a detection saw: DRIFT at the first detection
 * whose window is DRIFT, after as many live errors as were seen then. A
 * detection skipped over the DRIFT steps does not latch. */
START_TEST(test_latch_follows_detections)
{
    gseq s = gseq_load();
    /* one detection after 200 errors: t = 199 is DRIFT in the trace */
    ck_assert_int_eq(level_of(cJSON_GetStringValue(golden_get(trace_at(&s, 199), "decision"))),
                     PDRIFT_LEVEL_DRIFT);
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, s.ev, s.R);
    observe(m, s.el, 200);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT) == 200.0);
    pdrift_monitor_free(m);

    /* one detection after 212 errors: t = 211 is WARNING, nothing latched */
    ck_assert_int_eq(level_of(cJSON_GetStringValue(golden_get(trace_at(&s, 211), "decision"))),
                     PDRIFT_LEVEL_WARNING);
    m = monitor_from(NULL);
    reference(m, s.ev, s.R);
    observe(m, s.el, 212);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_WARNING);
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_WARNING);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_LOW);
    ck_assert(isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)));
    /* then a detection at 230 (t = 229 DRIFT) latches at 230 */
    observe(m, s.el + 212, 18);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT) == 230.0);
    /* detect again without new errors: unchanged */
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT) == 230.0);
    pdrift_monitor_free(m);
    gseq_free(&s);
}
END_TEST

/* Latch the sequential stream: feed and detect up to the first DRIFT. */
static pdrift_monitor *latched_monitor(const gseq *s, pdrift_config *cfg)
{
    pdrift_monitor *m = monitor_from(cfg);
    reference(m, s->ev, s->R);
    observe(m, s->el, 183);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_WARNING);
    observe(m, s->el + 183, 1);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT) == 184.0);
    observe(m, s->el + 184, 27); /* t = 210: still DRIFT; t = 211 WARNING */
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    return m;
}

START_TEST(test_window_reset_clears_latch)
{
    gseq s = gseq_load();
    pdrift_monitor *m = latched_monitor(&s, NULL);
    observe(m, s.el + 211, 1); /* t = 211: WARNING, latched DRIFT */
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert_int_eq(pdrift_window_reset(m), PDRIFT_OK);
    detect(m);
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_INSUFFICIENT);
    ck_assert(isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)));
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == 0.0);
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_REFERENCE) == 259.0); /* the reference is kept */
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_NONE);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_CONTINUE);
    ck_assert(has_rec(m, "Not enough data for concept drift (0 live errors, need 60)", 0));
    /* the same live stream again: the same first DRIFT, at the same count */
    for (size_t t = 0; t < 184; t++) {
        observe(m, s.el + t, 1);
        detect(m);
        if (t < 59)
            ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_INSUFFICIENT);
        else if (t < 183)
            ck_assert_int_ne(concept_level(m), PDRIFT_LEVEL_DRIFT);
    }
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT) == 184.0);
    pdrift_monitor_free(m);
    gseq_free(&s);
}
END_TEST

/* SPEC §4.2: a new reference (a retrained model) clears the live errors and
 * the latch; ADDM stays INSUFFICIENT for exactly w = 60 new errors. */
START_TEST(test_new_reference_clears_latch_and_cools_down)
{
    gseq s = gseq_load();
    pdrift_monitor *m = latched_monitor(&s, NULL);
    /* the retrained model's validation errors: the post-change stream */
    const double *ref2 = s.el + 120;
    const size_t R2 = 180;
    reference(m, ref2, R2);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_INSUFFICIENT);
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert(isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)));
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == 0.0);
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_REFERENCE) == (double)R2);
    cJSON *root = report(m);
    ck_assert(!boolean(item(root, "concept_drift"), "latched"));
    ck_assert(is_null(item(root, "concept_drift"), "fired_at"));
    ck_assert(num(item(root, "concept_drift"), "n_window") == 0.0);
    cJSON_Delete(root);

    /* new live errors (rate 0.7, like the reference): 59 of them are not enough */
    double live[80];
    uint64_t seed = 11;
    bernoulli(live, 80, 0.7, &seed);
    pdrift__addm_params pa = spec_params();
    for (size_t n = 1; n <= 80; n++) {
        observe(m, live + n - 1, 1);
        detect(m);
        ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == (double)n);
        if (n < 60) {
            ck_assert_msg(concept_level(m) == PDRIFT_LEVEL_INSUFFICIENT, "n=%zu: %s", n,
                          level_text(concept_level(m)));
            char want[96];
            snprintf(want, sizeof want, "Not enough data for concept drift (%zu live errors, need 60)", n);
            ck_assert_msg(has_rec(m, want, 0), "n=%zu: missing \"%s\"", n, want);
        } else {
            char what[32];
            snprintf(what, sizeof what, "n=%zu after the new reference", n);
            expect_addm(m, ref2, R2, live, n, &pa, what);
            if (n == 60)
                ck_assert_msg(concept_level(m) != PDRIFT_LEVEL_INSUFFICIENT,
                              "the 60th error ends the cool-down");
            ck_assert(isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)) ==
                      (concept_level(m) != PDRIFT_LEVEL_DRIFT));
        }
    }
    pdrift_monitor_free(m);
    gseq_free(&s);
}
END_TEST

/* A refused call changes nothing: the reference, the live errors, the latch. */
START_TEST(test_refused_calls_keep_latch)
{
    gseq s = gseq_load();
    pdrift_monitor *m = latched_monitor(&s, NULL);
    const double bad_nan[] = {0.0, NAN};
    const double bad_neg[] = {1.0, 0.0, -1.0};
    ck_assert_int_eq(pdrift_baseline_errors(m, bad_nan, 2), PDRIFT_EDATA);
    ck_assert_int_eq(pdrift_baseline_errors(m, NULL, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_errors(m, s.ev, 0), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_errors(m, bad_neg, 3), PDRIFT_EDATA);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT) == 184.0);
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == 211.0);
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_REFERENCE) == 259.0);
    pdrift_monitor_free(m);
    gseq_free(&s);
}
END_TEST

/* ---- insufficient data ------------------------------------------------------------------------ */

/* Concept drift insufficient and nothing else monitored: severity none,
 * continue, the recommendation names the numbers; no "No drift detected"
 * (nothing was tested). */
static void expect_insufficient(const pdrift_monitor *m, const char *recommendation)
{
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_INSUFFICIENT);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_NONE);
    ck_assert(result(m, PDRIFT_RESULT_SEVERITY_WEIGHT) == 0.0);
    ck_assert(isnan(result(m, PDRIFT_RESULT_ADDM_THRESHOLD)));
    ck_assert(isnan(result(m, PDRIFT_RESULT_ADDM_DELTA)));
    ck_assert(isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)));
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_NONE);
    ck_assert_uint_eq(drift_types(m), 0);
    ck_assert_uint_eq(drift_type(m), 0);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_CONTINUE);
    if (!has_rec(m, recommendation, 0)) {
        dump_recs(m);
        ck_abort_msg("missing recommendation \"%s\"", recommendation);
    }
    ck_assert_str_eq(rec(m, n_recs(m) - 1), recommendation);
    ck_assert(!has_rec(m, "No drift detected", 1));
    ck_assert(!has_rec(m, "Concept drift", 1));
    cJSON *root = report(m);
    const cJSON *c = item(root, "concept_drift");
    ck_assert_str_eq(str(c, "status"), "insufficient_data");
    ck_assert_str_eq(str(c, "severity"), "none");
    ck_assert(num(c, "severity_weight") == 0.0);
    ck_assert(is_null(c, "threshold"));
    ck_assert(!boolean(c, "latched"));
    ck_assert(cJSON_IsFalse(item(root, "drift_detected")));
    ck_assert_int_eq(cJSON_GetArraySize(item(root, "drift_types")), 0);
    ck_assert(is_null(root, "drift_type"));
    cJSON_Delete(root);
}

START_TEST(test_insufficient_short_reference)
{
    double ref[69], live[100];
    uint64_t seed = 3;
    bernoulli(ref, 69, 0.45, &seed);
    bernoulli(live, 100, 0.45, &seed);
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, ref, 68); /* w + k - 1 = 69 needed */
    observe(m, live, 100);
    detect(m);
    expect_insufficient(m, "Not enough data for concept drift (68 reference errors, need 69)");
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_REFERENCE) == 68.0);
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == 100.0);
    /* 69 reference errors are enough */
    reference(m, ref, 69);
    observe(m, live, 100);
    detect(m);
    ck_assert_int_ne(concept_level(m), PDRIFT_LEVEL_INSUFFICIENT);
    pdrift__addm_params pa = spec_params();
    expect_addm(m, ref, 69, live, 100, &pa, "69 reference errors");
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_insufficient_few_live_errors)
{
    gcase g = gcase_load(0);
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, g.ev, g.R);
    observe(m, g.ew, 59);
    detect(m);
    expect_insufficient(m, "Not enough data for concept drift (59 live errors, need 60)");
    observe(m, g.ew + 59, 1);
    detect(m);
    expect_golden(m, &g, "the 60th error");
    pdrift_monitor_free(m);
    gcase_free(&g);
}
END_TEST

START_TEST(test_insufficient_live_errors_without_reference)
{
    double live[100];
    uint64_t seed = 4;
    bernoulli(live, 100, 0.5, &seed);
    pdrift_monitor *m = monitor_from(NULL);
    observe(m, live, 100);
    detect(m); /* live errors alone are something to report on, not ESTATE */
    expect_insufficient(m, "Not enough data for concept drift (no reference errors: give the "
                           "validation errors of the model)");
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_REFERENCE) == 0.0);
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == 100.0);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_insufficient_reference_without_live_errors)
{
    gcase g = gcase_load(0);
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, g.ev, g.R);
    detect(m);
    expect_insufficient(m, "Not enough data for concept drift (0 live errors, need 60)");
    pdrift_monitor_free(m);
    gcase_free(&g);
}
END_TEST

/* BUG probe. SPEC §4.4: with no admissible SETAR threshold and a worse
 * window, ADDM answers INSUFFICIENT even with enough errors. Here: a
 * reference without any error and 60 live errors of which only the last is
 * an error (a very accurate model): the smoothed series has a single
 * non-zero value, no threshold leaves 46 rows in each regime. The
 * recommendation must not claim that errors are missing when there are
 * enough ("60 live errors, need 60"): it should say why ADDM could not
 * decide. */
START_TEST(test_insufficient_without_threshold_names_the_reason)
{
    double ref[259] = {0}, live[60] = {0};
    live[59] = 1.0;
    pdrift__addm_params pa = spec_params();
    pdrift__addm_result a;
    ck_assert_int_eq(pdrift__addm(ref, 259, live, 60, &pa, &a), PDRIFT_OK);
    ck_assert_int_eq(a.level, PDRIFT_LEVEL_INSUFFICIENT); /* precondition */
    ck_assert(!a.fitted && a.worse);

    pdrift_monitor *m = monitor_from(NULL);
    reference(m, ref, 259);
    observe(m, live, 60);
    detect(m);
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_INSUFFICIENT);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_NONE);
    int found = 0;
    for (size_t i = 0; i < n_recs(m); i++) {
        const char *r = rec(m, i);
        if (strncmp(r, "Not enough data for concept drift", 33) != 0)
            continue;
        found = 1;
        size_t have, need;
        const char *p = strchr(r, '(');
        if (p != NULL && sscanf(p, "(%zu live errors, need %zu)", &have, &need) == 2)
            ck_assert_msg(have < need, "recommendation contradicts itself: \"%s\" (ADDM found no "
                          "admissible SETAR threshold: the errors take too few distinct values)", r);
        if (p != NULL && sscanf(p, "(%zu reference errors, need %zu)", &have, &need) == 2)
            ck_assert_msg(have < need, "recommendation contradicts itself: \"%s\"", r);
    }
    ck_assert_msg(found, "no concept-drift recommendation");
    pdrift_monitor_free(m);
}
END_TEST

/* ---- what the error streams accept ------------------------------------------------------------ */

START_TEST(test_errors_refused)
{
    gcase g = gcase_load(0);
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, g.ev, g.R);
    observe(m, g.ew, 30);
    const double bad[][3] = {{0.0, 1.0, -1.0}, {0.0, NAN, 1.0}, {INFINITY, 0.0, 0.0},
                             {1.0, 1.0, -INFINITY}, {-1e-300, 0.0, 0.0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(pdrift_observe_errors(m, bad[i], 3), PDRIFT_EDATA);
        ck_assert_msg(strlen(pdrift_errmsg(m)) > 0, "no message for bad live errors %zu", i);
        ck_assert_int_eq(pdrift_baseline_errors(m, bad[i], 3), PDRIFT_EDATA);
        ck_assert(strlen(pdrift_errmsg(m)) > 0);
        /* the public stateless function refuses them too */
        pdrift_level lv;
        ck_assert_int_eq(pdrift_addm(g.ev, g.R, bad[i], 3, &lv, NULL), PDRIFT_EDATA);
    }
    ck_assert_int_eq(pdrift_observe_errors(m, NULL, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_errors(m, g.ew, 0), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_errors(m, NULL, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_errors(m, g.ew, 0), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_errors(NULL, g.ew, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_errors(NULL, g.ew, 3), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_errors_load(m, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_errors_load(m, NULL), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_baseline_errors_load(NULL, "x.csv"), PDRIFT_EINVAL);
    ck_assert_int_eq(pdrift_observe_errors_load(NULL, "x.csv"), PDRIFT_EINVAL);
    /* nothing was appended, nothing replaced: the rest of e_win gives the golden answer */
    observe(m, g.ew + 30, 30);
    detect(m);
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == 60.0);
    expect_golden(m, &g, "after refused calls");
    ck_assert_str_eq(pdrift_errmsg(m), "");
    pdrift_monitor_free(m);
    gcase_free(&g);
}
END_TEST

/* Any non-negative loss is an error value (not only 0/1); -0.0 is not negative. */
START_TEST(test_losses_accepted)
{
    double ref[300], live[90];
    uint64_t seed = 21;
    for (size_t i = 0; i < 300; i++)
        ref[i] = 2.5 * uniform(&seed) * uniform(&seed);
    for (size_t i = 0; i < 90; i++)
        live[i] = i < 30 ? 2.5 * uniform(&seed) * uniform(&seed) : 4.0 * uniform(&seed);
    live[3] = -0.0;
    ref[7] = 0.0;
    pdrift__addm_params pa = spec_params();
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, ref, 300);
    observe(m, live, 45);
    observe(m, live + 45, 45);
    detect(m);
    expect_addm(m, ref, 300, live, 90, &pa, "continuous losses");
    ck_assert_int_ne(concept_level(m), PDRIFT_LEVEL_INSUFFICIENT);
    pdrift_monitor_free(m);
}
END_TEST

/* With no config at all, the monitor decides with the library's default
 * rule, the mean test, exactly as the public stateless pdrift_addm. */
START_TEST(test_default_rule_through_the_monitor)
{
    for (int i = 0; i < 4; i++) {
        gcase g = gcase_load(i);
        pdrift_monitor *m = NULL;
        ck_assert_int_eq(pdrift_monitor_new(&m, NULL), PDRIFT_OK);
        reference(m, g.ev, g.R);
        observe(m, g.ew, g.V);
        detect(m);
        pdrift_level lv;
        double wt;
        ck_assert_int_eq(pdrift_addm(g.ev, g.R, g.ew, g.V, &lv, &wt), PDRIFT_OK);
        pdrift__addm_params dp = pdrift__addm_default_params();
        pdrift__addm_result r;
        ck_assert_int_eq(pdrift__addm(g.ev, g.R, g.ew, g.V, &dp, &r), PDRIFT_OK);
        ck_assert_int_eq(r.level, lv);
        ck_assert_int_eq(concept_level(m), lv);
        ck_assert(golden_same_bits(result(m, PDRIFT_RESULT_SEVERITY_WEIGHT), wt));
        /* the SETAR fit reported is the golden one whatever the rule */
        ck_assert(result(m, PDRIFT_RESULT_ADDM_THRESHOLD) == g.threshold);
        /* the z that decided, through the getter */
        ck_assert(golden_same_bits(result(m, PDRIFT_RESULT_ADDM_MEAN_Z), r.mean_z));
        ck_assert(isfinite(r.mean_z));
        pdrift_monitor_free(m);
        gcase_free(&g);
    }
}
END_TEST

/* ---- the CSV loaders -------------------------------------------------------------------------- */

typedef struct tmpdir {
    char path[64];
    char files[8][160];
    int n;
} tmpdir;

static void tmp_make(tmpdir *t)
{
    snprintf(t->path, sizeof t->path, "/tmp/check_concept_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->path));
    t->n = 0;
}

static const char *tmp_write(tmpdir *t, const char *name, const char *text)
{
    ck_assert_int_lt(t->n, 8);
    char path[160];
    snprintf(path, sizeof path, "%s/%s", t->path, name);
    char *p = t->files[t->n++];
    memcpy(p, path, sizeof path);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}

static void tmp_remove(tmpdir *t)
{
    for (int i = 0; i < t->n; i++)
        unlink(t->files[i]);
    rmdir(t->path);
}

/* The text of a CSV file: optional header, optional Date column. */
static char *csv_text(const double *e, size_t n, const char *header, int dates)
{
    size_t cap = 64 + n * 40;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    size_t len = 0;
    if (header != NULL)
        len += (size_t)snprintf(s + len, cap - len, "%s%s\n", dates ? "Date," : "", header);
    for (size_t i = 0; i < n; i++) {
        if (dates)
            len += (size_t)snprintf(s + len, cap - len, "2024-%02zu-%02zu,", 1 + i / 28 % 12, 1 + i % 28);
        len += (size_t)snprintf(s + len, cap - len, "%.17g\n", e[i]);
    }
    return s;
}

START_TEST(test_errors_load_formats)
{
    gcase g = gcase_load(gcase_index("moderate_045_to_060"));
    tmpdir t;
    tmp_make(&t);
    char *a = csv_text(g.ev, g.R, NULL, 0);         /* headerless single column */
    char *b = csv_text(g.ew, g.V, "error", 1);      /* Date,error */
    char *c = csv_text(g.ev, g.R, "Errors", 0);     /* errors, any case */
    char *d = csv_text(g.ew, g.V, "loss", 0);       /* a single numeric column by another name */
    const char *fa = tmp_write(&t, "ref.csv", a);
    const char *fb = tmp_write(&t, "live.csv", b);
    const char *fc = tmp_write(&t, "ref2.csv", c);
    const char *fd = tmp_write(&t, "live2.csv", d);
    free(a);
    free(b);
    free(c);
    free(d);

    pdrift_monitor *m = monitor_from(NULL);
    int rc = pdrift_baseline_errors_load(m, fa);
    ck_assert_msg(rc == PDRIFT_OK, "%s", pdrift_errmsg(m));
    rc = pdrift_observe_errors_load(m, fb);
    ck_assert_msg(rc == PDRIFT_OK, "%s", pdrift_errmsg(m));
    detect(m);
    expect_golden(m, &g, "headerless reference, Date,error live file");
    pdrift_monitor_free(m);

    m = monitor_from(NULL);
    rc = pdrift_baseline_errors_load(m, fc);
    ck_assert_msg(rc == PDRIFT_OK, "%s", pdrift_errmsg(m));
    rc = pdrift_observe_errors_load(m, fd);
    ck_assert_msg(rc == PDRIFT_OK, "%s", pdrift_errmsg(m));
    detect(m);
    expect_golden(m, &g, "Errors column, single 'loss' column");
    pdrift_monitor_free(m);

    /* the error column is chosen among several numeric ones */
    size_t cap = 64 + g.V * 80, len = 0;
    char *e = malloc(cap);
    ck_assert_ptr_nonnull(e);
    len += (size_t)snprintf(e + len, cap - len, "Date,loss,error,confidence\n");
    for (size_t i = 0; i < g.V; i++)
        len += (size_t)snprintf(e + len, cap - len, "2024-01-%02zu,%.17g,%.17g,0.5\n", 1 + i % 28,
                                3.0 - g.ew[i], g.ew[i]);
    const char *fe = tmp_write(&t, "multi.csv", e);
    free(e);
    m = monitor_from(NULL);
    reference(m, g.ev, g.R);
    rc = pdrift_observe_errors_load(m, fe);
    ck_assert_msg(rc == PDRIFT_OK, "%s", pdrift_errmsg(m));
    detect(m);
    expect_golden(m, &g, "error column among several");
    pdrift_monitor_free(m);
    tmp_remove(&t);
    gcase_free(&g);
}
END_TEST

START_TEST(test_errors_load_refused)
{
    gcase g = gcase_load(0);
    tmpdir t;
    tmp_make(&t);
    const char *neg = tmp_write(&t, "neg.csv", "error\n0\n1\n-1\n0\n");
    const char *nan_cell = tmp_write(&t, "nan.csv", "error\n0\n1\nNaN\n0\n");
    const char *two = tmp_write(&t, "two.csv", "alpha,beta\n0,1\n1,0\n");
    const char *empty = tmp_write(&t, "empty.csv", "error\n");
    char missing[200];
    snprintf(missing, sizeof missing, "%s/does_not_exist.csv", t.path);

    pdrift_monitor *m = monitor_from(NULL);
    reference(m, g.ev, g.R);
    observe(m, g.ew, 30);
    ck_assert_int_eq(pdrift_observe_errors_load(m, neg), PDRIFT_EDATA);
    ck_assert_msg(strstr(pdrift_errmsg(m), "neg.csv") != NULL, "errmsg: %s", pdrift_errmsg(m));
    ck_assert_int_eq(pdrift_baseline_errors_load(m, neg), PDRIFT_EDATA);
    ck_assert_msg(strstr(pdrift_errmsg(m), "neg.csv") != NULL, "errmsg: %s", pdrift_errmsg(m));
    ck_assert_int_eq(pdrift_observe_errors_load(m, nan_cell), PDRIFT_EDATA);
    ck_assert_msg(strstr(pdrift_errmsg(m), "nan.csv") != NULL, "errmsg: %s", pdrift_errmsg(m));
    int rc = pdrift_observe_errors_load(m, two);
    ck_assert_msg(rc == PDRIFT_EFORMAT, "two numeric columns, no error column: %d %s", rc,
                  pdrift_errmsg(m));
    ck_assert_msg(strstr(pdrift_errmsg(m), "two.csv") != NULL, "errmsg: %s", pdrift_errmsg(m));
    rc = pdrift_observe_errors_load(m, empty);
    ck_assert_msg(rc == PDRIFT_EDATA, "header only: %d %s", rc, pdrift_errmsg(m));
    ck_assert_int_eq(pdrift_observe_errors_load(m, missing), PDRIFT_EIO);
    ck_assert_int_eq(pdrift_baseline_errors_load(m, missing), PDRIFT_EIO);
    /* nothing appended, the reference kept */
    observe(m, g.ew + 30, 30);
    detect(m);
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_CURRENT) == 60.0);
    expect_golden(m, &g, "after refused files");
    pdrift_monitor_free(m);
    tmp_remove(&t);
    gcase_free(&g);
}
END_TEST

/* ---- concept drift alone ------------------------------------------------------------------------ */

START_TEST(test_concept_only_monitoring)
{
    pdrift_monitor *m = monitor_from(NULL);
    size_t len;
    ck_assert_int_eq(pdrift_detect(m), PDRIFT_ESTATE); /* nothing at all */
    ck_assert(strlen(pdrift_errmsg(m)) > 0);
    ck_assert_int_eq(pdrift_report_json(m, NULL, 0, &len), PDRIFT_ESTATE);
    double v;
    ck_assert_int_eq(pdrift_result_get(m, PDRIFT_RESULT_CONCEPT_STATUS, &v), PDRIFT_ESTATE);

    gcase g = gcase_load(gcase_index("moderate_045_to_060"));
    reference(m, g.ev, g.R);
    observe(m, g.ew, g.V);
    detect(m);
    expect_golden(m, &g, "concept only");
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_WARNING);
    ck_assert_uint_eq(drift_types(m), PDRIFT_DRIFT_CONCEPT);
    ck_assert_uint_eq(drift_type(m), PDRIFT_DRIFT_CONCEPT);
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_LOW);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_WATCH);
    ck_assert(result(m, PDRIFT_RESULT_MODEL_STATUS) == (double)PDRIFT_CHECK_NOT_MONITORED);
    ck_assert(result(m, PDRIFT_RESULT_N_FEATURES) == 0.0);
    ck_assert_uint_eq(n_recs(m), 1);
    ck_assert_str_eq(rec(m, 0), "Concept drift building up (ADDM WARNING, severity weight 0.20): "
                                "watch the error rate; retrain if it reaches DRIFT");
    size_t nf;
    ck_assert_int_eq(pdrift_feature_count(m, &nf), PDRIFT_ESTATE);
    cJSON *root = report(m);
    ck_assert_str_eq(str(item(root, "data_drift"), "status"), "not_monitored");
    ck_assert_str_eq(str(item(root, "model_drift"), "status"), "not_monitored");
    ck_assert_str_eq(str(root, "drift_type"), "concept");
    ck_assert_str_eq(str(root, "action"), "watch");
    ck_assert_str_eq(str(root, "severity"), "low");
    ck_assert_int_eq(cJSON_GetArraySize(item(root, "drift_types")), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(item(root, "drift_types"), 0)->valuestring, "concept");
    cJSON_Delete(root);

    /* a stable window: concept ok, "No drift detected" */
    gcase st = gcase_load(gcase_index("stable_045"));
    reference(m, st.ev, st.R);
    observe(m, st.ew, st.V);
    detect(m);
    expect_golden(m, &st, "stable");
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_OK);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_CONTINUE);
    ck_assert_uint_eq(drift_types(m), 0);
    ck_assert(has_rec(m, "No drift detected: continue with the current model", 0));
    pdrift_monitor_free(m);
    gcase_free(&st);
    gcase_free(&g);
}
END_TEST

/* ---- combination with data and model drift (SPEC §6) ----------------------------------------- */

/* A generated error stream whose ADDM decision is `want` with a weight in
 * [wlo, whi] (checked as a precondition): reference at rate r0, live at r1. */
typedef struct stream {
    double ref[300], live[69];
} stream;

static void make_stream(stream *s, double r0, double r1, uint64_t seed, pdrift_level want,
                        double wlo, double whi)
{
    uint64_t st = seed;
    bernoulli(s->ref, 300, r0, &st);
    bernoulli(s->live, 69, r1, &st);
    pdrift__addm_params pa = spec_params();
    pdrift__addm_result a;
    ck_assert_int_eq(pdrift__addm(s->ref, 300, s->live, 69, &pa, &a), PDRIFT_OK);
    ck_assert_msg(a.level == want && a.severity_weight >= wlo && a.severity_weight <= whi,
                  "precondition: seed %llu gives %s w=%g", (unsigned long long)seed,
                  level_text(a.level), a.severity_weight);
}

/* Feature baseline 2000 N(0,1), window 500 N(shift,1) with the data
 * severity `want` (precondition, checked on a data-only monitor). */
static void add_data(pdrift_monitor *m, double shift, pdrift_severity want)
{
    static double b[2000], c[500];
    uint64_t s = 77;
    for (size_t j = 0; j < 2000; j++)
        b[j] = normal(&s);
    for (size_t j = 0; j < 500; j++)
        c[j] = normal(&s) + shift;
    const char *names[] = {"x"};
    pdrift_monitor *alone = monitor_from(NULL);
    ck_assert_int_eq(pdrift_baseline_set(alone, names, 1, b, 2000), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_batch(alone, c, 500), PDRIFT_OK);
    detect(alone);
    ck_assert_msg(result(alone, PDRIFT_RESULT_DATA_SEVERITY) == (double)want,
                  "precondition: data severity %g, wanted %d", result(alone, PDRIFT_RESULT_DATA_SEVERITY),
                  (int)want);
    pdrift_monitor_free(alone);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 1, b, 2000), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_batch(m, c, 500), PDRIFT_OK);
}

/* 40 returns alternating 0.011, -0.009: Sharpe about 1.57 (P = 252). */
static void live_returns(double *r)
{
    for (size_t i = 0; i < 40; i++)
        r[i] = i % 2 ? -0.009 : 0.011;
}

START_TEST(test_combination_concept_high_data_medium)
{
    stream s;
    make_stream(&s, 0.2, 0.9, 1, PDRIFT_LEVEL_DRIFT, 0.5, 1.0);
    pdrift_monitor *m = monitor_from(NULL);
    add_data(m, 0.5, PDRIFT_SEVERITY_MEDIUM);
    reference(m, s.ref, 300);
    observe(m, s.live, 69);
    detect(m);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_HIGH);
    ck_assert(result(m, PDRIFT_RESULT_DATA_SEVERITY) == (double)PDRIFT_SEVERITY_MEDIUM);
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_uint_eq(drift_types(m), PDRIFT_DRIFT_DATA | PDRIFT_DRIFT_CONCEPT);
    ck_assert_uint_eq(drift_type(m), PDRIFT_DRIFT_CONCEPT);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_RETRAIN);
    /* most severe first: concept (high), then data (medium) */
    ck_assert_uint_eq(n_recs(m), 2);
    ck_assert_msg(strncmp(rec(m, 0), "Concept drift (ADDM DRIFT", 25) == 0, "rec 0: %s", rec(m, 0));
    ck_assert_msg(strncmp(rec(m, 1), "Data drift (", 12) == 0, "rec 1: %s", rec(m, 1));
    cJSON *root = report(m);
    const cJSON *types = item(root, "drift_types");
    ck_assert_int_eq(cJSON_GetArraySize(types), 2);
    ck_assert_str_eq(cJSON_GetArrayItem(types, 0)->valuestring, "data");
    ck_assert_str_eq(cJSON_GetArrayItem(types, 1)->valuestring, "concept");
    ck_assert_str_eq(str(root, "drift_type"), "concept");
    ck_assert_str_eq(str(root, "action"), "retrain");
    ck_assert_str_eq(str(item(root, "concept_drift"), "severity"), "high");
    cJSON_Delete(root);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_combination_concept_and_model_high)
{
    stream s;
    make_stream(&s, 0.2, 0.9, 1, PDRIFT_LEVEL_DRIFT, 0.5, 1.0);
    double r[40];
    live_returns(r);
    pdrift_monitor *m = monitor_from(NULL);
    ck_assert_int_eq(pdrift_baseline_metrics(m, 3.0, NAN, NAN), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_returns(m, r, 40), PDRIFT_OK);
    reference(m, s.ref, 300);
    observe(m, s.live, 69);
    detect(m);
    ck_assert(result(m, PDRIFT_RESULT_MODEL_SEVERITY) == (double)PDRIFT_SEVERITY_HIGH); /* precondition */
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_uint_eq(drift_types(m), PDRIFT_DRIFT_CONCEPT | PDRIFT_DRIFT_MODEL);
    ck_assert_uint_eq(drift_type(m), PDRIFT_DRIFT_MODEL); /* tie: model > concept */
    ck_assert_int_eq(action(m), PDRIFT_ACTION_FALLBACK);
    ck_assert_uint_eq(n_recs(m), 2);
    ck_assert_msg(strncmp(rec(m, 0), "Model drift:", 12) == 0, "rec 0: %s", rec(m, 0));
    ck_assert_msg(strncmp(rec(m, 1), "Concept drift (ADDM DRIFT", 25) == 0, "rec 1: %s", rec(m, 1));
    cJSON *root = report(m);
    const cJSON *types = item(root, "drift_types");
    ck_assert_int_eq(cJSON_GetArraySize(types), 2);
    ck_assert_str_eq(cJSON_GetArrayItem(types, 0)->valuestring, "concept");
    ck_assert_str_eq(cJSON_GetArrayItem(types, 1)->valuestring, "model");
    ck_assert_str_eq(str(root, "drift_type"), "model");
    ck_assert_str_eq(str(root, "action"), "fallback");
    cJSON_Delete(root);
    pdrift_monitor_free(m);
}
END_TEST

/* Concept medium and data medium: the tie goes to concept, whose medium
 * means retrain (data medium alone would be watch). */
START_TEST(test_combination_tie_concept_over_data)
{
    gseq s = gseq_load();
    pdrift_monitor *m = monitor_from(NULL);
    add_data(m, 0.5, PDRIFT_SEVERITY_MEDIUM);
    reference(m, s.ev, s.R);
    observe(m, s.el, 184); /* t = 183: the first DRIFT, w = 0.29 */
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_MEDIUM);
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_MEDIUM);
    ck_assert_uint_eq(drift_types(m), PDRIFT_DRIFT_DATA | PDRIFT_DRIFT_CONCEPT);
    ck_assert_uint_eq(drift_type(m), PDRIFT_DRIFT_CONCEPT);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_RETRAIN);
    ck_assert_uint_eq(n_recs(m), 2);
    ck_assert_msg(strncmp(rec(m, 0), "Concept drift (ADDM DRIFT", 25) == 0, "rec 0: %s", rec(m, 0));
    ck_assert_msg(strncmp(rec(m, 1), "Data drift (", 12) == 0, "rec 1: %s", rec(m, 1));
    /* the recommendation names the blending weight (SPEC §6 example) */
    const char *tail = "severity weight 0.29): retrain; blend predictions with weight 0.29 meanwhile";
    ck_assert_msg(strstr(rec(m, 0), tail) != NULL, "rec 0: %s", rec(m, 0));
    pdrift_monitor_free(m);
    gseq_free(&s);
}
END_TEST

/* Concept WARNING (low) with performance holding and data drift high: the
 * performance-first rule needs concept drift none, so it does not apply. */
START_TEST(test_combination_concept_warning_blocks_performance_first)
{
    gcase g = gcase_load(gcase_index("moderate_045_to_060"));
    ck_assert_int_eq(g.decision, PDRIFT_LEVEL_WARNING);
    double r[40];
    live_returns(r);
    /* control: data high, performance holding, no errors -> watch */
    pdrift_monitor *m = monitor_from(NULL);
    add_data(m, 1.5, PDRIFT_SEVERITY_HIGH);
    ck_assert_int_eq(pdrift_baseline_returns(m, r, 40), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_returns(m, r, 40), PDRIFT_OK);
    detect(m);
    ck_assert(result(m, PDRIFT_RESULT_MODEL_STATUS) == (double)PDRIFT_CHECK_OK);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_WATCH);

    /* the same with a concept WARNING */
    reference(m, g.ev, g.R);
    observe(m, g.ew, g.V);
    detect(m);
    ck_assert(result(m, PDRIFT_RESULT_MODEL_STATUS) == (double)PDRIFT_CHECK_OK);
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_WARNING);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_LOW);
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_uint_eq(drift_types(m), PDRIFT_DRIFT_DATA | PDRIFT_DRIFT_CONCEPT);
    ck_assert_uint_eq(drift_type(m), PDRIFT_DRIFT_DATA);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_RETRAIN);
    ck_assert_uint_eq(n_recs(m), 2);
    ck_assert_msg(strncmp(rec(m, 0), "Data drift (", 12) == 0, "rec 0: %s", rec(m, 0));
    ck_assert_msg(strstr(rec(m, 0), "holding") == NULL, "rec 0: %s", rec(m, 0));
    ck_assert_str_eq(rec(m, 1), "Concept drift building up (ADDM WARNING, severity weight 0.20): "
                                "watch the error rate; retrain if it reaches DRIFT");
    pdrift_monitor_free(m);
    gcase_free(&g);
}
END_TEST

/* Concept none or insufficient counts as none (SPEC §6): performance first
 * still applies to high data drift. */
START_TEST(test_combination_concept_none_keeps_performance_first)
{
    gcase st = gcase_load(gcase_index("stable_045"));
    double r[40];
    live_returns(r);
    for (int insufficient = 0; insufficient <= 1; insufficient++) {
        pdrift_monitor *m = monitor_from(NULL);
        add_data(m, 1.5, PDRIFT_SEVERITY_HIGH);
        ck_assert_int_eq(pdrift_baseline_returns(m, r, 40), PDRIFT_OK);
        ck_assert_int_eq(pdrift_observe_returns(m, r, 40), PDRIFT_OK);
        reference(m, st.ev, st.R);
        observe(m, st.ew, insufficient ? 30 : 60);
        detect(m);
        ck_assert_int_eq(concept_status(m), insufficient ? PDRIFT_CHECK_INSUFFICIENT : PDRIFT_CHECK_OK);
        ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_HIGH);
        ck_assert_uint_eq(drift_types(m), PDRIFT_DRIFT_DATA);
        ck_assert_int_eq(action(m), PDRIFT_ACTION_WATCH);
        ck_assert_msg(strstr(rec(m, 0), "holding") != NULL, "rec 0: %s", rec(m, 0));
        if (insufficient)
            ck_assert_str_eq(rec(m, n_recs(m) - 1),
                             "Not enough data for concept drift (30 live errors, need 60)");
        pdrift_monitor_free(m);
    }
    gcase_free(&st);
}
END_TEST

/* The severity weight boundary of SPEC §4.5: w = 0.5 exactly is high,
 * below is medium; the exit-code relevant overall severity follows. */
START_TEST(test_concept_severity_boundary)
{
    stream hi, mid;
    make_stream(&hi, 0.45, 0.9, 2, PDRIFT_LEVEL_DRIFT, 0.5, 0.5); /* w = 0.5 exactly */
    make_stream(&mid, 0.45, 0.9, 3, PDRIFT_LEVEL_DRIFT, 0.0, 0.4999);
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, hi.ref, 300);
    observe(m, hi.live, 69);
    detect(m);
    ck_assert(result(m, PDRIFT_RESULT_SEVERITY_WEIGHT) == 0.5);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_HIGH);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_RETRAIN);
    ck_assert_msg(strstr(rec(m, 0), "severity weight 0.50): retrain; blend predictions with weight "
                                    "0.50 meanwhile") != NULL, "%s", rec(m, 0));
    reference(m, mid.ref, 300);
    observe(m, mid.live, 69);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_DRIFT);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_MEDIUM);
    ck_assert_int_eq(overall_severity(m), PDRIFT_SEVERITY_MEDIUM);
    ck_assert_int_eq(action(m), PDRIFT_ACTION_RETRAIN);
    pdrift_monitor_free(m);
}
END_TEST

/* ---- the report's concept_drift object --------------------------------------------------------- */

static const char *const CONCEPT_KEYS[] = {
    "status", "severity", "severity_weight", "method", "current_level", "latched", "fired_at",
    "n_reference", "n_window", "n_seen", "threshold", "frac_ref_high", "frac_win_high",
    "frac_tail_high", "delta_occupancy", "n_low", "n_high", "high_regime", "ssr", "mean_reference",
    "mean_window", "q3_reference", "q3_window", "tsay_f", "tsay_pvalue", "parameters"};

/* Every key of docs/report.md with its type; `fitted` says whether the
 * SETAR numbers exist (numbers) or not (null). */
static const cJSON *check_concept_object(const cJSON *root, const char *status, int fitted)
{
    const cJSON *c = item(root, "concept_drift");
    ck_assert(cJSON_IsObject(c));
    for (size_t i = 0; i < sizeof CONCEPT_KEYS / sizeof CONCEPT_KEYS[0]; i++)
        item(c, CONCEPT_KEYS[i]);
    ck_assert_str_eq(str(c, "status"), status);
    const char *sev = str(c, "severity");
    ck_assert(strcmp(sev, "none") == 0 || strcmp(sev, "low") == 0 || strcmp(sev, "medium") == 0 ||
              strcmp(sev, "high") == 0);
    ck_assert_str_eq(str(c, "method"), "addm");
    const char *cur = str(c, "current_level");
    ck_assert(strcmp(cur, "none") == 0 || strcmp(cur, "warning") == 0 || strcmp(cur, "drift") == 0 ||
              strcmp(cur, "insufficient_data") == 0);
    int latched = boolean(c, "latched");
    ck_assert(latched ? cJSON_IsNumber(item(c, "fired_at")) : is_null(c, "fired_at"));
    num(c, "n_reference");
    num(c, "n_window");
    num(c, "n_seen");
    static const char *const setar[] = {"threshold", "frac_ref_high", "frac_win_high", "frac_tail_high",
                                        "delta_occupancy", "ssr", "n_low", "n_high"};
    for (size_t i = 0; i < sizeof setar / sizeof setar[0]; i++)
        ck_assert_msg(fitted ? cJSON_IsNumber(item(c, setar[i])) : is_null(c, setar[i]),
                      "status %s: key %s", status, setar[i]);
    ck_assert(fitted ? cJSON_IsString(item(c, "high_regime")) : is_null(c, "high_regime"));
    static const char *const stats[] = {"mean_reference", "mean_window", "q3_reference", "q3_window"};
    for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++)
        ck_assert_msg(fitted ? cJSON_IsNumber(item(c, stats[i])) : is_null(c, stats[i]),
                      "status %s: key %s", status, stats[i]);
    ck_assert(cJSON_IsNumber(item(c, "tsay_f")) || is_null(c, "tsay_f"));
    ck_assert(cJSON_IsNumber(item(c, "tsay_pvalue")) || is_null(c, "tsay_pvalue"));
    const cJSON *p = item(c, "parameters");
    ck_assert(cJSON_IsObject(p));
    static const char *const params[] = {"smoothing", "reference", "window", "lags", "delay", "trim",
                                         "delta_drift", "delta_warning"};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        num(p, params[i]);
    boolean(p, "tsay_gate");
    return c;
}

static void check_default_parameters(const cJSON *c)
{
    const cJSON *p = item(c, "parameters");
    ck_assert(num(p, "smoothing") == 10 && num(p, "reference") == 250 && num(p, "window") == 60);
    ck_assert(num(p, "lags") == 5 && num(p, "delay") == 2 && num(p, "trim") == 0.15);
    ck_assert(num(p, "delta_drift") == 0.45 && num(p, "delta_warning") == 0.30);
    ck_assert(!boolean(p, "tsay_gate"));
}

START_TEST(test_report_not_monitored)
{
    double b[100], r[40];
    for (size_t i = 0; i < 100; i++)
        b[i] = (double)i;
    live_returns(r);
    const char *names[] = {"x"};
    pdrift_monitor *m = monitor_from(NULL);
    ck_assert_int_eq(pdrift_baseline_set(m, names, 1, b, 100), PDRIFT_OK);
    ck_assert_int_eq(pdrift_observe_batch(m, b, 100), PDRIFT_OK);
    detect(m);
    ck_assert_int_eq(concept_status(m), PDRIFT_CHECK_NOT_MONITORED);
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_NONE);
    ck_assert(result(m, PDRIFT_RESULT_SEVERITY_WEIGHT) == 0.0);
    ck_assert(isnan(result(m, PDRIFT_RESULT_ADDM_THRESHOLD)));
    ck_assert(isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)));
    ck_assert(result(m, PDRIFT_RESULT_N_ERRORS_REFERENCE) == 0.0);
    ck_assert(!has_rec(m, "Not enough data for concept drift", 1));
    cJSON *root = report(m);
    const cJSON *c = check_concept_object(root, "not_monitored", 0);
    ck_assert_str_eq(str(c, "severity"), "none");
    ck_assert(is_null(c, "severity_weight"));
    ck_assert(!boolean(c, "latched"));
    ck_assert(num(c, "n_reference") == 0 && num(c, "n_window") == 0 && num(c, "n_seen") == 0);
    ck_assert(is_null(c, "tsay_f") && is_null(c, "tsay_pvalue"));
    check_default_parameters(c);
    cJSON_Delete(root);
    pdrift_monitor_free(m);
}
END_TEST

START_TEST(test_report_insufficient)
{
    gcase g = gcase_load(0);
    pdrift_monitor *m = monitor_from(NULL);
    reference(m, g.ev, g.R);
    observe(m, g.ew, 45);
    detect(m);
    cJSON *root = report(m);
    const cJSON *c = check_concept_object(root, "insufficient_data", 0);
    ck_assert_str_eq(str(c, "severity"), "none");
    ck_assert(num(c, "severity_weight") == 0.0);
    ck_assert_str_eq(str(c, "current_level"), "insufficient_data");
    ck_assert(num(c, "n_reference") == 259 && num(c, "n_window") == 45 && num(c, "n_seen") == 45);
    ck_assert(is_null(c, "tsay_f") && is_null(c, "tsay_pvalue"));
    check_default_parameters(c);
    cJSON_Delete(root);
    pdrift_monitor_free(m);
    gcase_free(&g);
}
END_TEST

/* The golden numbers of the report (SPEC §7: exact for occupancy, threshold
 * and Q3; the report's numbers round-trip through JSON). */
static void check_golden_report(const cJSON *c, const gcase *g)
{
    ck_assert(json_eq(num(c, "threshold"), g->threshold));
    ck_assert(json_eq(num(c, "frac_ref_high"), g->frac_ref));
    ck_assert(json_eq(num(c, "frac_win_high"), g->frac_win));
    ck_assert(json_eq(num(c, "frac_tail_high"), g->frac_tail));
    ck_assert(json_eq(num(c, "delta_occupancy"), g->delta));
    ck_assert(num(c, "n_low") == (double)g->n_low && num(c, "n_high") == (double)g->n_high);
    ck_assert_str_eq(str(c, "high_regime"), g->high_regime ? "above" : "at_or_below");
    ck_assert(golden_close(num(c, "ssr"), g->ssr, 1e-9, 0.0));
    ck_assert(golden_close(num(c, "q3_reference"), g->q3_ref, W_REL, 0.0));
    ck_assert(golden_close(num(c, "q3_window"), g->q3_win, W_REL, 0.0));
    ck_assert(golden_close(num(c, "severity_weight"), g->weight, W_REL, 0.0));
    ck_assert(num(c, "n_reference") == 259 && num(c, "n_window") == 60 && num(c, "n_seen") == 60);
}

START_TEST(test_report_none_and_warning)
{
    const char *ids[] = {"stable_045", "moderate_045_to_060", "improve_045_to_030"};
    const char *status[] = {"none", "warning", "none"};
    const char *severity[] = {"none", "low", "none"};
    for (int i = 0; i < 3; i++) {
        gcase g = gcase_load(gcase_index(ids[i]));
        pdrift_monitor *m = monitor_from(NULL);
        reference(m, g.ev, g.R);
        observe(m, g.ew, g.V);
        detect(m);
        cJSON *root = report(m);
        const cJSON *c = check_concept_object(root, status[i], 1);
        ck_assert_str_eq(str(c, "severity"), severity[i]);
        ck_assert_str_eq(str(c, "current_level"), status[i]);
        ck_assert(!boolean(c, "latched"));
        check_golden_report(c, &g);
        ck_assert(cJSON_IsNumber(item(c, "tsay_f")) && cJSON_IsNumber(item(c, "tsay_pvalue")));
        check_default_parameters(c);
        cJSON_Delete(root);
        pdrift_monitor_free(m);
        gcase_free(&g);
    }
}
END_TEST

START_TEST(test_report_drift_latched)
{
    gseq s = gseq_load();
    pdrift_monitor *m = latched_monitor(&s, NULL);
    observe(m, s.el + 211, 1); /* t = 211: WARNING now */
    detect(m);
    cJSON *root = report(m);
    const cJSON *c = check_concept_object(root, "drift", 1);
    ck_assert_str_eq(str(c, "current_level"), "warning");
    ck_assert(boolean(c, "latched"));
    ck_assert(num(c, "fired_at") == 184);
    ck_assert(num(c, "n_seen") == 212 && num(c, "n_window") == 69 && num(c, "n_reference") == 259);
    ck_assert(json_eq(num(c, "severity_weight"), result(m, PDRIFT_RESULT_SEVERITY_WEIGHT)));
    ck_assert_str_eq(str(c, "severity"), "medium");
    ck_assert(json_eq(num(c, "threshold"), golden_double(trace_at(&s, 211), "threshold")));
    ck_assert(json_eq(num(c, "delta_occupancy"), golden_double(trace_at(&s, 211), "delta_occupancy")));
    ck_assert(cJSON_IsTrue(item(root, "drift_detected")));
    ck_assert_str_eq(str(root, "drift_type"), "concept");
    ck_assert_str_eq(str(root, "severity"), "medium");
    ck_assert_str_eq(str(root, "action"), "retrain");
    const cJSON *recs = item(root, "recommendations");
    ck_assert_int_eq(cJSON_GetArraySize(recs), 1);
    ck_assert_msg(strncmp(cJSON_GetArrayItem(recs, 0)->valuestring, "Concept drift (ADDM DRIFT", 25) == 0,
                  "%s", cJSON_GetArrayItem(recs, 0)->valuestring);
    cJSON_Delete(root);
    pdrift_monitor_free(m);
    gseq_free(&s);
}
END_TEST

/* ---- parameters -------------------------------------------------------------------------------- */

static pdrift_level level_at(pdrift_config *cfg, const double *ref, size_t R, const double *live,
                             size_t V)
{
    pdrift_monitor *m = monitor_from(cfg);
    reference(m, ref, R);
    observe(m, live, V);
    detect(m);
    pdrift_level l = concept_level(m);
    pdrift_monitor_free(m);
    return l;
}

static pdrift_config *config_sensitivity(pdrift_sensitivity s)
{
    pdrift_config *c = config_new();
    cfg_int(c, PDRIFT_PARAM_SENSITIVITY, s);
    return c;
}

START_TEST(test_presets_change_occupancy_thresholds)
{
    const double want[3][2] = {{0.55, 0.40}, {0.45, 0.30}, {0.35, 0.20}};
    for (int s = 0; s < 3; s++) {
        pdrift_config *c = config_sensitivity((pdrift_sensitivity)s);
        double dd, dw;
        ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_ADDM_DELTA_DRIFT, &dd), PDRIFT_OK);
        ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_ADDM_DELTA_WARNING, &dw), PDRIFT_OK);
        ck_assert(dd == want[s][0] && dw == want[s][1]);
        pdrift_config_free(c);
    }

    /* moderate: delta 0.404, tail 0.80 -> low WARNING, medium WARNING, high DRIFT */
    gcase mo = gcase_load(gcase_index("moderate_045_to_060"));
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_LOW), mo.ev, mo.R, mo.ew, mo.V),
                     PDRIFT_LEVEL_WARNING);
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_MEDIUM), mo.ev, mo.R, mo.ew, mo.V),
                     PDRIFT_LEVEL_WARNING);
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_HIGH), mo.ev, mo.R, mo.ew, mo.V),
                     PDRIFT_LEVEL_DRIFT);
    /* abrupt: delta 0.233, tail 1.0 -> NONE, NONE, WARNING */
    gcase ab = gcase_load(gcase_index("abrupt_045_to_070"));
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_LOW), ab.ev, ab.R, ab.ew, ab.V),
                     PDRIFT_LEVEL_NONE);
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_MEDIUM), ab.ev, ab.R, ab.ew, ab.V),
                     PDRIFT_LEVEL_NONE);
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_HIGH), ab.ev, ab.R, ab.ew, ab.V),
                     PDRIFT_LEVEL_WARNING);
    /* the sequential stream at its first DRIFT (delta 0.455, tail 1.0): low WARNING */
    gseq s = gseq_load();
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_LOW), s.ev, s.R, s.el, 184),
                     PDRIFT_LEVEL_WARNING);
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_MEDIUM), s.ev, s.R, s.el, 184),
                     PDRIFT_LEVEL_DRIFT);
    ck_assert_int_eq(level_at(config_sensitivity(PDRIFT_SENSITIVITY_HIGH), s.ev, s.R, s.el, 184),
                     PDRIFT_LEVEL_DRIFT);

    /* the report shows the preset's thresholds */
    pdrift_monitor *m = monitor_from(config_sensitivity(PDRIFT_SENSITIVITY_HIGH));
    reference(m, mo.ev, mo.R);
    observe(m, mo.ew, mo.V);
    detect(m);
    ck_assert_int_eq(concept_severity(m), spec_severity(PDRIFT_LEVEL_DRIFT, mo.weight));
    ck_assert_int_eq(concept_severity(m), PDRIFT_SEVERITY_MEDIUM); /* w = 0.2 */
    cJSON *root = report(m);
    const cJSON *p = item(item(root, "concept_drift"), "parameters");
    ck_assert(num(p, "delta_drift") == 0.35 && num(p, "delta_warning") == 0.20);
    ck_assert_str_eq(str(root, "sensitivity"), "high");
    cJSON_Delete(root);
    pdrift_monitor_free(m);
    gseq_free(&s);
    gcase_free(&ab);
    gcase_free(&mo);
}
END_TEST

/* An explicit threshold wins over the preset, whatever the order. */
START_TEST(test_explicit_delta_wins_over_preset)
{
    gcase mo = gcase_load(gcase_index("moderate_045_to_060"));
    pdrift_config *c = config_new();
    cfg_dbl(c, PDRIFT_PARAM_ADDM_DELTA_DRIFT, 0.45);
    cfg_int(c, PDRIFT_PARAM_SENSITIVITY, PDRIFT_SENSITIVITY_HIGH);
    double dd, dw;
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_ADDM_DELTA_DRIFT, &dd), PDRIFT_OK);
    ck_assert_int_eq(pdrift_config_get_double(c, PDRIFT_PARAM_ADDM_DELTA_WARNING, &dw), PDRIFT_OK);
    ck_assert(dd == 0.45 && dw == 0.20);
    ck_assert_int_eq(level_at(c, mo.ev, mo.R, mo.ew, mo.V), PDRIFT_LEVEL_WARNING);

    /* a warning threshold above the case's rise: NONE */
    c = config_new();
    cfg_dbl(c, PDRIFT_PARAM_ADDM_DELTA_WARNING, 0.41);
    ck_assert_int_eq(level_at(c, mo.ev, mo.R, mo.ew, mo.V), PDRIFT_LEVEL_NONE);
    /* ... and a drift threshold at the rise: DRIFT (>=) */
    c = config_new();
    cfg_dbl(c, PDRIFT_PARAM_ADDM_DELTA_DRIFT, mo.delta);
    ck_assert_int_eq(level_at(c, mo.ev, mo.R, mo.ew, mo.V), PDRIFT_LEVEL_DRIFT);
    c = config_new();
    cfg_dbl(c, PDRIFT_PARAM_ADDM_DELTA_DRIFT, nextafter(mo.delta, 1.0));
    ck_assert_int_eq(level_at(c, mo.ev, mo.R, mo.ew, mo.V), PDRIFT_LEVEL_WARNING);
    gcase_free(&mo);
}
END_TEST

/* Explicit k, w, p, d, trim and n_ref reach ADDM: the monitor equals
 * pdrift__addm with the same parameters, the ring keeps w + k - 1 errors,
 * the reference needs w + k - 1 and the cool-down lasts w errors. */
START_TEST(test_explicit_parameters_reach_addm)
{
    gseq s = gseq_load();
    const size_t k = 5, w = 40, p = 3, d = 1, nref = 150;
    const double trim = 0.2;
    pdrift__addm_params pa = spec_params();
    pa.k = k;
    pa.w = w;
    pa.p = p;
    pa.d = d;
    pa.trim = trim;
    pa.n_ref = nref;
    pdrift_config *c = config_new();
    cfg_int(c, PDRIFT_PARAM_ADDM_SMOOTHING, (long long)k);
    cfg_int(c, PDRIFT_PARAM_ADDM_WINDOW, (long long)w);
    cfg_int(c, PDRIFT_PARAM_ADDM_LAGS, (long long)p);
    cfg_int(c, PDRIFT_PARAM_ADDM_DELAY, (long long)d);
    cfg_dbl(c, PDRIFT_PARAM_ADDM_TRIM, trim);
    cfg_int(c, PDRIFT_PARAM_ADDM_REFERENCE, (long long)nref);
    pdrift_monitor *m = monitor_from(c);
    reference(m, s.ev, s.R);

    size_t differs = 0;
    pdrift__addm_params def = pdrift__addm_default_params();
    for (size_t n = 1; n <= s.V; n++) {
        observe(m, s.el + n - 1, 1);
        if (n % 3 != 0 && n != w - 1 && n != w)
            continue;
        detect(m);
        char what[48];
        snprintf(what, sizeof what, "explicit parameters, n=%zu", n);
        if (n < w) {
            ck_assert_msg(concept_level(m) == PDRIFT_LEVEL_INSUFFICIENT, "%s", what);
            char want[96];
            snprintf(want, sizeof want, "Not enough data for concept drift (%zu live errors, need %zu)", n, w);
            ck_assert_msg(has_rec(m, want, 0), "%s: missing \"%s\"", what, want);
            continue;
        }
        if (!isnan(result(m, PDRIFT_RESULT_CONCEPT_FIRED_AT)))
            break; /* latched: the level no longer is this detection's own */
        expect_addm(m, s.ev, s.R, s.el, n, &pa, what);
        /* the parameters matter: count where the defaults would answer otherwise */
        pdrift__addm_result a, b;
        ck_assert_int_eq(pdrift__addm(s.ev, s.R, s.el, n, &pa, &a), PDRIFT_OK);
        ck_assert_int_eq(pdrift__addm(s.ev, s.R, s.el, n, &def, &b), PDRIFT_OK);
        differs += a.level != b.level || !golden_same_bits(a.delta, b.delta);
        cJSON *root = report(m);
        const cJSON *cc = item(root, "concept_drift");
        ck_assert(num(cc, "n_window") == (double)(n < w + k - 1 ? n : w + k - 1));
        const cJSON *pp = item(cc, "parameters");
        ck_assert(num(pp, "smoothing") == (double)k && num(pp, "window") == (double)w);
        ck_assert(num(pp, "lags") == (double)p && num(pp, "delay") == (double)d);
        ck_assert(num(pp, "trim") == trim && num(pp, "reference") == (double)nref);
        cJSON_Delete(root);
    }
    ck_assert_uint_gt(differs, 0);
    pdrift_monitor_free(m);

    /* reference length w + k - 1 = 44: 43 is not enough */
    c = config_new();
    cfg_int(c, PDRIFT_PARAM_ADDM_SMOOTHING, (long long)k);
    cfg_int(c, PDRIFT_PARAM_ADDM_WINDOW, (long long)w);
    m = monitor_from(c);
    reference(m, s.ev, 43);
    observe(m, s.el, 100);
    detect(m);
    ck_assert_int_eq(concept_level(m), PDRIFT_LEVEL_INSUFFICIENT);
    ck_assert(has_rec(m, "Not enough data for concept drift (43 reference errors, need 44)", 0));
    pdrift_monitor_free(m);
    gseq_free(&s);
}
END_TEST

/* The ring with the explicit parameters: a long stream in odd chunks equals
 * the stateless function on the whole stream. */
START_TEST(test_explicit_parameters_ring)
{
    static const size_t sizes[] = {1, 7, 50, 2, 130, 3};
    const size_t k = 3, w = 25;
    double ref[200], live[700];
    uint64_t seed = 8;
    bernoulli(ref, 200, 0.4, &seed);
    bernoulli(live, 500, 0.4, &seed);
    bernoulli(live + 500, 200, 0.75, &seed);
    pdrift__addm_params pa = spec_params();
    pa.k = k;
    pa.w = w;
    for (size_t end = 100; end <= 700; end += 75) {
        pdrift_config *cc = config_new();
        cfg_int(cc, PDRIFT_PARAM_ADDM_SMOOTHING, (long long)k);
        cfg_int(cc, PDRIFT_PARAM_ADDM_WINDOW, (long long)w);
        pdrift_monitor *m = monitor_from(cc);
        reference(m, ref, 200);
        observe_chunked(m, live, end, sizes, sizeof sizes / sizeof sizes[0]);
        detect(m);
        char what[32];
        snprintf(what, sizeof what, "k=3 w=25 end=%zu", end);
        expect_addm(m, ref, 200, live, end, &pa, what);
        /* only the last w + k - 1 = 27 matter */
        expect_addm(m, ref, 200, live + end - 27, 27, &pa, what);
        pdrift_monitor_free(m);
    }
}
END_TEST

/* The optional Tsay gate reaches ADDM too. */
START_TEST(test_tsay_gate_parameter)
{
    gseq s = gseq_load();
    pdrift__addm_params pa = spec_params();
    pa.tsay_gate = 1;
    pa.tsay_alpha = 0.05;
    pdrift__addm_params def = pdrift__addm_default_params();
    size_t gated = 0;
    for (size_t n = 150; n <= 300; n += 10) {
        pdrift_config *c = config_new();
        cfg_int(c, PDRIFT_PARAM_ADDM_TSAY_GATE, 1);
        pdrift_monitor *m = monitor_from(c);
        reference(m, s.ev, s.R);
        observe(m, s.el, n);
        detect(m);
        char what[32];
        snprintf(what, sizeof what, "tsay gate n=%zu", n);
        expect_addm(m, s.ev, s.R, s.el, n, &pa, what);
        pdrift__addm_result b;
        ck_assert_int_eq(pdrift__addm(s.ev, s.R, s.el, n, &def, &b), PDRIFT_OK);
        gated += b.level != concept_level(m);
        cJSON *root = report(m);
        ck_assert(boolean(item(item(root, "concept_drift"), "parameters"), "tsay_gate"));
        cJSON_Delete(root);
        pdrift_monitor_free(m);
    }
    ck_assert_uint_gt(gated, 0); /* the gate did change some decisions */
    gseq_free(&s);
}
END_TEST

static Suite *concept_suite(void)
{
    Suite *s = suite_create("concept");

    TCase *golden = tcase_create("golden");
    tcase_set_timeout(golden, 120);
    tcase_add_test(golden, test_golden_cases_whole_and_piecewise);
    tcase_add_test(golden, test_golden_cases_after_many_older_errors);
    tcase_add_test(golden, test_ring_uses_live_errors_before_the_window);
    tcase_add_test(golden, test_golden_sequential_latch);
    suite_add_tcase(s, golden);

    TCase *latch = tcase_create("latch");
    tcase_set_timeout(latch, 120);
    tcase_add_test(latch, test_latch_follows_detections);
    tcase_add_test(latch, test_window_reset_clears_latch);
    tcase_add_test(latch, test_new_reference_clears_latch_and_cools_down);
    tcase_add_test(latch, test_refused_calls_keep_latch);
    suite_add_tcase(s, latch);

    TCase *insufficient = tcase_create("insufficient");
    tcase_add_test(insufficient, test_insufficient_short_reference);
    tcase_add_test(insufficient, test_insufficient_few_live_errors);
    tcase_add_test(insufficient, test_insufficient_live_errors_without_reference);
    tcase_add_test(insufficient, test_insufficient_reference_without_live_errors);
    tcase_add_test(insufficient, test_insufficient_without_threshold_names_the_reason);
    suite_add_tcase(s, insufficient);

    TCase *input = tcase_create("input");
    tcase_add_test(input, test_errors_refused);
    tcase_add_test(input, test_losses_accepted);
    tcase_add_test(input, test_errors_load_formats);
    tcase_add_test(input, test_errors_load_refused);
    tcase_add_test(input, test_concept_only_monitoring);
    suite_add_tcase(s, input);

    TCase *combine = tcase_create("combination");
    tcase_set_timeout(combine, 60);
    tcase_add_test(combine, test_combination_concept_high_data_medium);
    tcase_add_test(combine, test_combination_concept_and_model_high);
    tcase_add_test(combine, test_combination_tie_concept_over_data);
    tcase_add_test(combine, test_combination_concept_warning_blocks_performance_first);
    tcase_add_test(combine, test_combination_concept_none_keeps_performance_first);
    tcase_add_test(combine, test_concept_severity_boundary);
    suite_add_tcase(s, combine);

    TCase *rep = tcase_create("report");
    tcase_add_test(rep, test_report_not_monitored);
    tcase_add_test(rep, test_report_insufficient);
    tcase_add_test(rep, test_report_none_and_warning);
    tcase_add_test(rep, test_report_drift_latched);
    suite_add_tcase(s, rep);

    TCase *params = tcase_create("parameters");
    tcase_set_timeout(params, 120);
    tcase_add_test(params, test_presets_change_occupancy_thresholds);
    tcase_add_test(params, test_explicit_delta_wins_over_preset);
    tcase_add_test(params, test_explicit_parameters_reach_addm);
    tcase_add_test(params, test_explicit_parameters_ring);
    tcase_add_test(params, test_tsay_gate_parameter);
    tcase_add_test(params, test_default_rule_through_the_monitor);
    suite_add_tcase(s, params);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(concept_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
