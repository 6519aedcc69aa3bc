/*
 * fuzz_common.c — helpers shared by the fuzz harnesses (see fuzz_common.h).
 */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

static void remove_scratch(void);

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", file, line, what);
    fflush(stderr);
    remove_scratch(); /* abort() skips atexit */
    abort();
}

/* ---- reading the input --------------------------------------------------------- */

uint8_t fuzz_u8(fuzz_input *in)
{
    if (in->n == 0)
        return 0;
    uint8_t b = in->p[0];
    in->p++;
    in->n--;
    return b;
}

uint64_t fuzz_u64(fuzz_input *in)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)fuzz_u8(in) << (8 * i);
    return v;
}

double fuzz_f64(fuzz_input *in)
{
    uint64_t v = fuzz_u64(in);
    double x;
    memcpy(&x, &v, sizeof x);
    return x;
}

double fuzz_weird_f64(fuzz_input *in)
{
    static const double weird[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, DBL_MAX, -DBL_MAX,
                                   DBL_MIN, 4.9406564584124654e-324, 1e308, -1e308, 1e-308,
                                   1.0, -1.0, 0.5, 1e-300, 1e300};
    uint8_t sel = fuzz_u8(in);
    if (sel < 96)
        return fuzz_f64(in);
    if (sel < 160)
        return weird[sel % (sizeof weird / sizeof weird[0])];
    /* a small ordinary number: a signed byte over a power of two */
    int8_t v = (int8_t)fuzz_u8(in);
    return (double)v / (double)(1 << (sel % 8));
}

/* ---- scratch files ----------------------------------------------------------------- */

static char scratch_dir[128];

static void remove_scratch(void)
{
    if (scratch_dir[0] == '\0')
        return;
    /* Only the files this process made: the names fuzz_scratch_path gave. */
    static const char *const names[] = {"a.pdsnap", "b.pdsnap", "input.csv"};
    char path[192];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", scratch_dir, names[i]);
        unlink(path);
    }
    rmdir(scratch_dir);
}

static const char *dir(void)
{
    if (scratch_dir[0] == '\0') {
        struct stat st;
        const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
        snprintf(scratch_dir, sizeof scratch_dir, "%s/pdrift-fuzz-XXXXXX", base);
        if (mkdtemp(scratch_dir) == NULL) {
            snprintf(scratch_dir, sizeof scratch_dir, "/tmp/pdrift-fuzz-XXXXXX");
            if (mkdtemp(scratch_dir) == NULL) {
                perror("fuzz: mkdtemp");
                abort();
            }
        }
        atexit(remove_scratch);
    }
    return scratch_dir;
}

const char *fuzz_scratch_path(const char *name)
{
    static char path[3][192];
    static unsigned next;
    char *p = path[next++ % 3];
    snprintf(p, sizeof path[0], "%s/%s", dir(), name);
    return p;
}

typedef struct scratch_input {
    int fd;
    char path[192];
} scratch_input;

static const char *write_to(scratch_input *s, const char *name, const void *data, size_t size)
{
    if (s->path[0] == '\0') {
        s->fd = memfd_create(name, MFD_CLOEXEC);
        if (s->fd >= 0) {
            snprintf(s->path, sizeof s->path, "/proc/self/fd/%d", s->fd);
            /* /proc may be missing (a chroot): then a regular file */
            if (access(s->path, R_OK) != 0) {
                close(s->fd);
                s->fd = -1;
            }
        }
        if (s->fd < 0) {
            snprintf(s->path, sizeof s->path, "%s/%s", dir(), name);
            s->fd = open(s->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (s->fd < 0) {
                perror("fuzz: scratch input");
                abort();
            }
        }
    }
    if (ftruncate(s->fd, 0) != 0) {
        perror("fuzz: ftruncate");
        abort();
    }
    const unsigned char *p = data;
    for (size_t done = 0; done < size;) {
        ssize_t k = pwrite(s->fd, p + done, size - done, (off_t)done);
        if (k <= 0) {
            perror("fuzz: pwrite");
            abort();
        }
        done += (size_t)k;
    }
    return s->path;
}

const char *fuzz_write_input(const void *data, size_t size)
{
    static scratch_input s = {-1, ""};
    return write_to(&s, "input.csv", data, size);
}

/* ---- invariants of a monitor's results ---------------------------------------------- */

int fuzz_nan_or_within(double x, double lo, double hi) { return isnan(x) || (x >= lo && x <= hi); }

static double result(const pdrift_monitor *m, pdrift_result_key key)
{
    double v = NAN;
    FUZZ_ASSERT(pdrift_result_get(m, key, &v) == PDRIFT_OK);
    return v;
}

static double feature(const pdrift_monitor *m, size_t i, pdrift_feature_key key)
{
    double v = NAN;
    FUZZ_ASSERT(pdrift_result_feature(m, i, key, &v) == PDRIFT_OK);
    return v;
}

/* A count read back as a double: a whole number in [0, hi]. */
static size_t count(double v, size_t hi)
{
    FUZZ_ASSERT(v >= 0.0 && v <= (double)hi && v == floor(v));
    return (size_t)v;
}

static void check_feature(const pdrift_monitor *m, size_t i)
{
    double status = feature(m, i, PDRIFT_FEATURE_STATUS);
    double severity = feature(m, i, PDRIFT_FEATURE_SEVERITY);
    double gates = feature(m, i, PDRIFT_FEATURE_GATES);
    FUZZ_ASSERT(status == PDRIFT_FEATURE_OK || status == PDRIFT_FEATURE_DRIFT ||
                status == PDRIFT_FEATURE_INSUFFICIENT);
    FUZZ_ASSERT(severity >= PDRIFT_SEVERITY_NONE && severity <= PDRIFT_SEVERITY_HIGH &&
                severity == floor(severity));
    FUZZ_ASSERT(gates >= 0 && gates <= 7 && gates == floor(gates));
    /* a feature drifts exactly when a gate fired, and then with a severity */
    FUZZ_ASSERT((status == PDRIFT_FEATURE_DRIFT) == (gates != 0));
    FUZZ_ASSERT((status == PDRIFT_FEATURE_DRIFT) == (severity != PDRIFT_SEVERITY_NONE));

    double psi = feature(m, i, PDRIFT_FEATURE_PSI);
    FUZZ_ASSERT(isnan(psi) || psi >= 0.0);
    FUZZ_ASSERT(isnan(feature(m, i, PDRIFT_FEATURE_PSI_CRITICAL)) ||
                feature(m, i, PDRIFT_FEATURE_PSI_CRITICAL) >= 0.0);
    FUZZ_ASSERT(fuzz_nan_or_within(feature(m, i, PDRIFT_FEATURE_KS_STATISTIC), 0.0, 1.0));
    static const pdrift_feature_key probabilities[] = {
        PDRIFT_FEATURE_PSI_PVALUE,       PDRIFT_FEATURE_KS_PVALUE,
        PDRIFT_FEATURE_KS_PVALUE_ADJUSTED, PDRIFT_FEATURE_MISSING_BASELINE,
        PDRIFT_FEATURE_MISSING_CURRENT,  PDRIFT_FEATURE_MISSING_PVALUE,
        PDRIFT_FEATURE_PSI_PVALUE_IID,   PDRIFT_FEATURE_KS_PVALUE_IID};
    for (size_t k = 0; k < sizeof probabilities / sizeof probabilities[0]; k++)
        FUZZ_ASSERT(fuzz_nan_or_within(feature(m, i, probabilities[k]), 0.0, 1.0));
    /* a correction for many tests never makes a p-value smaller */
    double p = feature(m, i, PDRIFT_FEATURE_KS_PVALUE);
    double adjusted = feature(m, i, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED);
    FUZZ_ASSERT(isnan(p) == isnan(adjusted));
    FUZZ_ASSERT(isnan(p) || adjusted >= p);
    double tau = feature(m, i, PDRIFT_FEATURE_AUTOCORRELATION_TIME);
    double tau_c = feature(m, i, PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT);
    FUZZ_ASSERT(isnan(tau) || tau >= 1.0);
    FUZZ_ASSERT(isnan(tau_c) || isnan(tau) || tau_c >= tau);
    double rows_b = result(m, PDRIFT_RESULT_N_BASELINE_ROWS);
    double rows_c = result(m, PDRIFT_RESULT_N_CURRENT_ROWS);
    count(feature(m, i, PDRIFT_FEATURE_N_BASELINE), (size_t)rows_b);
    count(feature(m, i, PDRIFT_FEATURE_N_CURRENT), (size_t)rows_c);
    double unknown;
    FUZZ_ASSERT(pdrift_result_feature(m, i, (pdrift_feature_key)999, &unknown) == PDRIFT_EPARAM);
}

static void check_model(const pdrift_monitor *m)
{
    double status = result(m, PDRIFT_RESULT_MODEL_STATUS);
    FUZZ_ASSERT(status >= PDRIFT_CHECK_NOT_MONITORED && status <= PDRIFT_CHECK_INSUFFICIENT &&
                status == floor(status));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_MODEL_SEVERITY), 0, 3));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE), -1.0, 0.0));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT), -1.0, 0.0));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_WIN_RATE_BASELINE), 0.0, 1.0));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_WIN_RATE_CURRENT), 0.0, 1.0));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_WIN_RATE_PVALUE), 0.0, 1.0));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_WIN_RATE_CHANGE), -1.0, 1.0));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_DRAWDOWN_INCREASE), -1.0, 1.0));
}

static void check_concept(const pdrift_monitor *m)
{
    double status = result(m, PDRIFT_RESULT_CONCEPT_STATUS);
    double level = result(m, PDRIFT_RESULT_CONCEPT_LEVEL);
    FUZZ_ASSERT(status >= PDRIFT_CHECK_NOT_MONITORED && status <= PDRIFT_CHECK_WARNING &&
                status == floor(status));
    FUZZ_ASSERT(fuzz_nan_or_within(level, PDRIFT_LEVEL_NONE, PDRIFT_LEVEL_INSUFFICIENT));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_CONCEPT_SEVERITY), 0, 3));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_SEVERITY_WEIGHT), 0.0, 1.0));
    FUZZ_ASSERT(fuzz_nan_or_within(result(m, PDRIFT_RESULT_ADDM_DELTA), -1.0, 1.0));
}

/* Member `key` of object o, of JSON type `type` (a cJSON_IsX function). */
static const cJSON *member(const cJSON *o, const char *key, int (*type)(const cJSON *))
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    FUZZ_ASSERT(v != NULL && type(v));
    return v;
}

static int is_array(const cJSON *v) { return cJSON_IsArray(v); }
static int is_object(const cJSON *v) { return cJSON_IsObject(v); }
static int is_string(const cJSON *v) { return cJSON_IsString(v); }
static int is_number(const cJSON *v) { return cJSON_IsNumber(v); }

/* Every number of a JSON tree is finite (NaN and inf are written null). */
static void all_numbers_finite(const cJSON *v)
{
    if (cJSON_IsNumber(v))
        FUZZ_ASSERT(isfinite(v->valuedouble));
    for (const cJSON *c = v->child; c != NULL; c = c->next)
        all_numbers_finite(c);
}

static cJSON *report(const pdrift_monitor *m)
{
    size_t len = 0;
    FUZZ_ASSERT(pdrift_report_json(m, NULL, 0, &len) == PDRIFT_ENOBUFS);
    FUZZ_ASSERT(len >= 3); /* "{}" and the NUL at least */
    char *buf = malloc(len);
    FUZZ_ASSERT(buf != NULL);
    size_t short_len = 0;
    /* one byte short: refused, nothing written, the same size announced */
    memset(buf, 'x', len);
    FUZZ_ASSERT(pdrift_report_json(m, buf, len - 1, &short_len) == PDRIFT_ENOBUFS);
    FUZZ_ASSERT(short_len == len);
    FUZZ_ASSERT(buf[0] == 'x' && buf[len - 2] == 'x');
    size_t got = 0;
    FUZZ_ASSERT(pdrift_report_json(m, buf, len, &got) == PDRIFT_OK);
    FUZZ_ASSERT(got == len);
    FUZZ_ASSERT(buf[len - 1] == '\0' && strlen(buf) == len - 1);
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithOpts(buf, &end, 1);
    if (doc == NULL)
        fprintf(stderr, "invalid JSON near byte %td: %.80s\n", end ? end - buf : -1,
                end ? end : "");
    FUZZ_ASSERT(doc != NULL && cJSON_IsObject(doc));
    free(buf);
    all_numbers_finite(doc);
    return doc;
}

void fuzz_check_report(const pdrift_monitor *m) { cJSON_Delete(report(m)); }

void fuzz_check_detection(const pdrift_monitor *m)
{
    pdrift_severity severity;
    pdrift_action action;
    unsigned types, type;
    FUZZ_ASSERT(pdrift_result_severity(m, &severity) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_result_action(m, &action) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_result_drift_types(m, &types) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_result_drift_type(m, &type) == PDRIFT_OK);
    FUZZ_ASSERT(severity <= PDRIFT_SEVERITY_HIGH && action <= PDRIFT_ACTION_FALLBACK);
    FUZZ_ASSERT(types <= 7u);
    /* the most severe type is one of the types found, and one bit */
    FUZZ_ASSERT(types == 0 ? type == 0 : (type & types) == type && (type & (type - 1)) == 0 && type);
    FUZZ_ASSERT((severity == PDRIFT_SEVERITY_NONE) == (types == 0));

    size_t n = 0;
    int has_features = pdrift_feature_count(m, &n) == PDRIFT_OK;
    size_t n_features = count(result(m, PDRIFT_RESULT_N_FEATURES), has_features ? n : 0);
    FUZZ_ASSERT(!has_features || n_features == n);
    size_t drifted = count(result(m, PDRIFT_RESULT_N_DRIFTED), n_features);
    size_t insufficient = count(result(m, PDRIFT_RESULT_N_INSUFFICIENT), n_features);
    FUZZ_ASSERT(drifted + insufficient <= n_features);
    FUZZ_ASSERT(isnan(result(m, PDRIFT_RESULT_PSI_MAX)) || result(m, PDRIFT_RESULT_PSI_MAX) >= 0);
    size_t seen_drifted = 0, seen_insufficient = 0;
    for (size_t i = 0; i < n_features; i++) {
        check_feature(m, i);
        seen_drifted += feature(m, i, PDRIFT_FEATURE_STATUS) == PDRIFT_FEATURE_DRIFT;
        seen_insufficient += feature(m, i, PDRIFT_FEATURE_STATUS) == PDRIFT_FEATURE_INSUFFICIENT;
    }
    FUZZ_ASSERT(seen_drifted == drifted && seen_insufficient == insufficient);
    /* the ranking lists each drifted feature once */
    unsigned char *listed = calloc(n_features + 1, 1);
    FUZZ_ASSERT(listed != NULL);
    for (size_t r = 0; r < drifted; r++) {
        size_t idx = (size_t)-1;
        FUZZ_ASSERT(pdrift_result_drifted(m, r, &idx) == PDRIFT_OK);
        FUZZ_ASSERT(idx < n_features && !listed[idx]);
        listed[idx] = 1;
        FUZZ_ASSERT(feature(m, idx, PDRIFT_FEATURE_STATUS) == PDRIFT_FEATURE_DRIFT);
    }
    free(listed);
    size_t idx;
    FUZZ_ASSERT(pdrift_result_drifted(m, drifted, &idx) == PDRIFT_EINVAL);
    double out;
    FUZZ_ASSERT(pdrift_result_feature(m, n_features, PDRIFT_FEATURE_PSI, &out) == PDRIFT_EINVAL);

    size_t n_rec = count(result(m, PDRIFT_RESULT_N_RECOMMENDATIONS), 1000000);
    for (size_t i = 0; i < n_rec; i++) {
        const char *text = NULL;
        FUZZ_ASSERT(pdrift_result_recommendation(m, i, &text) == PDRIFT_OK && text && text[0]);
    }
    const char *text;
    FUZZ_ASSERT(pdrift_result_recommendation(m, n_rec, &text) == PDRIFT_EINVAL);
    check_model(m);
    check_concept(m);

    /* the report says what the getters say */
    cJSON *doc = report(m);
    const cJSON *data = member(doc, "data_drift", is_object);
    FUZZ_ASSERT((size_t)cJSON_GetArraySize(member(data, "features", is_array)) == n_features);
    FUZZ_ASSERT((size_t)cJSON_GetArraySize(member(data, "drifted_features", is_array)) == drifted);
    FUZZ_ASSERT(member(data, "n_features", is_number)->valuedouble == (double)n_features);
    FUZZ_ASSERT((size_t)cJSON_GetArraySize(member(doc, "recommendations", is_array)) == n_rec);
    FUZZ_ASSERT((size_t)cJSON_GetArraySize(member(doc, "drift_types", is_array)) ==
                (size_t)((types & 1u) + ((types >> 1) & 1u) + ((types >> 2) & 1u)));
    static const char *const severities[] = {"none", "low", "medium", "high"};
    FUZZ_ASSERT(strcmp(member(doc, "severity", is_string)->valuestring, severities[severity]) == 0);
    cJSON_Delete(doc);
}

int fuzz_has_nan(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return 1;
    return 0;
}

int fuzz_all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}
