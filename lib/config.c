/*
 * config.c — the parameters of a monitor (SPEC §3.1–3.3), keyed by
 * pdrift_param.
 *
 * Everything a parameter is lives in one row of `params` below: its id, its
 * name, its type, its closed bounds, its default and, for the thresholds
 * that follow the sensitivity (SPEC §3.2), one value per preset. Adding a
 * knob is adding a row.
 *
 * A config stores only what was set explicitly. Every other value is read
 * from the table when asked for, under the config's current sensitivity, so
 * an explicit setting wins whatever the order of the calls and a preset
 * never has to rewrite anything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The window is a size_t; 2^40 rows is far beyond what fits in memory, the
 * bound only keeps the conversion exact. A 32-bit size_t caps it lower. */
#if SIZE_MAX >= 1099511627776u
#define WINDOW_SIZE_MAX 1099511627776.0 /* 2^40 */
#else
#define WINDOW_SIZE_MAX 4294967295.0 /* SIZE_MAX of a 32-bit size_t */
#endif

/* Preset-dependent parameters are indexed by pdrift_sensitivity. */
#define N_SENSITIVITIES 3

/* The psi_* enum parameters are stored in pdrift__psi_options as the
 * internal PSI unit's constants: the two spellings must agree. */
_Static_assert(PDRIFT_BINNING_QUANTILE == (int)PDRIFT__BINNING_QUANTILE, "binning");
_Static_assert(PDRIFT_BINNING_EQUAL_WIDTH == (int)PDRIFT__BINNING_EQUAL_WIDTH, "binning");
_Static_assert(PDRIFT_EMPTY_EPSILON == (int)PDRIFT__EMPTY_EPSILON, "empty bins");
_Static_assert(PDRIFT_EMPTY_SMOOTHING == (int)PDRIFT__EMPTY_SMOOTHING, "empty bins");
_Static_assert(PDRIFT_ADDM_RULE_MEAN == (int)PDRIFT__ADDM_RULE_MEAN &&
                   PDRIFT_ADDM_RULE_OCCUPANCY == (int)PDRIFT__ADDM_RULE_OCCUPANCY,
               "addm rule");
_Static_assert(PDRIFT_SENSITIVITY_LOW == 0 && PDRIFT_SENSITIVITY_MEDIUM == 1 &&
                   PDRIFT_SENSITIVITY_HIGH == 2,
               "presets are indexed by sensitivity");

typedef struct param_row {
    pdrift_param id;
    const char *name;
    pdrift_param_type type;
    double lo, hi;   /* closed bounds; whole numbers for integer parameters */
    double initial;  /* default when the value does not follow the sensitivity */
    int preset;      /* 1: the default is by_sensitivity[sensitivity] */
    double by_sensitivity[N_SENSITIVITIES]; /* low, medium, high */
} param_row;

#define INT_PARAM(id, name, lo, hi, initial) \
    { id, name, PDRIFT_PARAM_TYPE_INT, lo, hi, initial, 0, { 0, 0, 0 } }
#define REAL_PARAM(id, name, lo, hi, initial) \
    { id, name, PDRIFT_PARAM_TYPE_DOUBLE, lo, hi, initial, 0, { 0, 0, 0 } }
#define PRESET_PARAM(id, name, lo, hi, low, medium, high) \
    { id, name, PDRIFT_PARAM_TYPE_DOUBLE, lo, hi, medium, 1, { low, medium, high } }

/* Why these bounds:
 *  - enums and the 0/1 switches: exactly their values (every enum here is
 *    contiguous from 0);
 *  - window_size: 0 means all rows; 2^40 keeps size_t and double exact;
 *  - min_samples: below 2 no distribution is tested; 1e9 is "never";
 *  - alpha: a level, so in (0, 1); above 0.5 a test fires on noise more
 *    often than not, below 1e-12 the chi-square and KS tails are no longer
 *    meaningful at double precision;
 *  - missing_rise, ks_threshold, drawdown_increase: differences of shares
 *    (fractions), so [0, 1];
 *  - psi_bins: PSI's own limits (internal.h, PDRIFT__PSI_MAX_BINS);
 *  - psi_epsilon: a share, positive (ln 0) and well below one bin's worth;
 *  - psi_threshold: PSI is unbounded above, but with epsilon >= 1e-12 a
 *    realistic PSI stays far below 100; 0 turns the magnitude floor off;
 *  - sharpe_degradation: a relative drop (1 = all of it) or, for a
 *    non-positive baseline Sharpe, an absolute one: [0, 100];
 *  - the input limits (max_*): sizes, so at least 1 and at most 2^40 (as
 *    window_size: size_t and double stay exact); the defaults and why they
 *    were chosen are in the header (PDRIFT_PARAM_MAX_*). */
static const param_row params[] = {
    /* general */
    INT_PARAM(PDRIFT_PARAM_SENSITIVITY, "sensitivity", PDRIFT_SENSITIVITY_LOW,
              PDRIFT_SENSITIVITY_HIGH, PDRIFT_SENSITIVITY_MEDIUM),
    INT_PARAM(PDRIFT_PARAM_WINDOW_SIZE, "window_size", 0, WINDOW_SIZE_MAX, 0),
    INT_PARAM(PDRIFT_PARAM_MIN_SAMPLES, "min_samples", 2, 1e9, 30),
    INT_PARAM(PDRIFT_PARAM_NAN_POLICY, "nan_policy", PDRIFT_NAN_MISSING, PDRIFT_NAN_REJECT,
              PDRIFT_NAN_MISSING),
    INT_PARAM(PDRIFT_PARAM_CORRECTION, "correction", PDRIFT_CORRECTION_BH,
              PDRIFT_CORRECTION_HOLM, PDRIFT_CORRECTION_BH),
    PRESET_PARAM(PDRIFT_PARAM_ALPHA, "alpha", 1e-12, 0.5, 0.01, 0.05, 0.10),
    REAL_PARAM(PDRIFT_PARAM_MISSING_RISE, "missing_rise", 0, 1, 0.10),
    INT_PARAM(PDRIFT_PARAM_OHLCV_FEATURES, "ohlcv_features", 0, 1, 1),
    INT_PARAM(PDRIFT_PARAM_SERIAL_CORRECTION, "serial_correction", 0, 1, 1),
    /* PSI */
    INT_PARAM(PDRIFT_PARAM_PSI_BINS, "psi_bins", 2, (double)PDRIFT__PSI_MAX_BINS,
              (double)PDRIFT__PSI_DEFAULT_BINS),
    INT_PARAM(PDRIFT_PARAM_PSI_BINNING, "psi_binning", PDRIFT_BINNING_QUANTILE,
              PDRIFT_BINNING_EQUAL_WIDTH, PDRIFT_BINNING_QUANTILE),
    INT_PARAM(PDRIFT_PARAM_PSI_EMPTY_BINS, "psi_empty_bins", PDRIFT_EMPTY_EPSILON,
              PDRIFT_EMPTY_SMOOTHING, PDRIFT_EMPTY_EPSILON),
    REAL_PARAM(PDRIFT_PARAM_PSI_EPSILON, "psi_epsilon", 1e-12, 0.5, PDRIFT__PSI_DEFAULT_EPSILON),
    PRESET_PARAM(PDRIFT_PARAM_PSI_THRESHOLD, "psi_threshold", 0, 100, 0.25, 0.15, 0.10),
    /* KS */
    PRESET_PARAM(PDRIFT_PARAM_KS_THRESHOLD, "ks_threshold", 0, 1, 0.20, 0.15, 0.10),
    INT_PARAM(PDRIFT_PARAM_KS_METHOD, "ks_method", PDRIFT_KS_AUTO, PDRIFT_KS_ASYMP,
              PDRIFT_KS_AUTO),
    /* ADDM (SPEC §4.6). Sizes and lags are bounded where the SETAR fit still
     * has rows for two regimes; the occupancy rises are shares. */
    INT_PARAM(PDRIFT_PARAM_ADDM_SMOOTHING, "addm_smoothing", 1, 1000, 10),
    INT_PARAM(PDRIFT_PARAM_ADDM_REFERENCE, "addm_reference", 1, 1e7, 250),
    INT_PARAM(PDRIFT_PARAM_ADDM_WINDOW, "addm_window", 2, 1e7, 60),
    INT_PARAM(PDRIFT_PARAM_ADDM_LAGS, "addm_lags", 1, PDRIFT__ADDM_MAX_LAGS, 5),
    INT_PARAM(PDRIFT_PARAM_ADDM_DELAY, "addm_delay", 1, PDRIFT__ADDM_MAX_LAGS, 2),
    REAL_PARAM(PDRIFT_PARAM_ADDM_TRIM, "addm_trim", 0, 0.45, 0.15),
    PRESET_PARAM(PDRIFT_PARAM_ADDM_DELTA_DRIFT, "addm_delta_drift", 0, 1, 0.55, 0.45, 0.35),
    PRESET_PARAM(PDRIFT_PARAM_ADDM_DELTA_WARNING, "addm_delta_warning", 0, 1, 0.40, 0.30, 0.20),
    INT_PARAM(PDRIFT_PARAM_ADDM_TSAY_GATE, "addm_tsay_gate", 0, 1, 0),
    REAL_PARAM(PDRIFT_PARAM_ADDM_TSAY_ALPHA, "addm_tsay_alpha", 1e-12, 0.5, 0.05),
    INT_PARAM(PDRIFT_PARAM_ADDM_RULE, "addm_rule", PDRIFT_ADDM_RULE_MEAN,
              PDRIFT_ADDM_RULE_OCCUPANCY, PDRIFT_ADDM_RULE_MEAN),
    /* Calibrated on 20 000 unchanged streams (reference 259 errors at 0.45,
     * window 60): 1% / 4% / 10% raise a DRIFT within 1000 errors. */
    PRESET_PARAM(PDRIFT_PARAM_ADDM_Z_DRIFT, "addm_z_drift", 0, 100, 4.26, 3.80, 3.26),
    PRESET_PARAM(PDRIFT_PARAM_ADDM_Z_WARNING, "addm_z_warning", 0, 100, 3.05, 2.50, 2.22),
    /* trading performance */
    PRESET_PARAM(PDRIFT_PARAM_SHARPE_DEGRADATION, "sharpe_degradation", 0, 100, 0.30, 0.20,
                 0.15),
    /* The same at every level today (SPEC §3.2), but it is a preset value:
     * a future preset can differ without changing how the config works. */
    PRESET_PARAM(PDRIFT_PARAM_DRAWDOWN_INCREASE, "drawdown_increase", 0, 1, 0.10, 0.10, 0.10),
    /* 1e-3 (a period of a thousand years) to 1e7 (about 3 per second) */
    REAL_PARAM(PDRIFT_PARAM_PERIODS_PER_YEAR, "periods_per_year", 1e-3, 1e7, 252),
    /* an annual rate: from -50% to +100% */
    REAL_PARAM(PDRIFT_PARAM_RISK_FREE_RATE, "risk_free_rate", -0.5, 1, 0),
    /* a Sharpe ratio needs two returns */
    INT_PARAM(PDRIFT_PARAM_MIN_RETURNS, "min_returns", 2, 1e9, 20),
    INT_PARAM(PDRIFT_PARAM_RETURNS_WINDOW, "returns_window", 0, WINDOW_SIZE_MAX, 0),
    /* input limits */
    INT_PARAM(PDRIFT_PARAM_MAX_LINE_BYTES, "max_line_bytes", 1, WINDOW_SIZE_MAX,
              (double)PDRIFT__DEFAULT_MAX_LINE_BYTES),
    INT_PARAM(PDRIFT_PARAM_MAX_COLUMNS, "max_columns", 1, WINDOW_SIZE_MAX,
              (double)PDRIFT__DEFAULT_MAX_COLUMNS),
    INT_PARAM(PDRIFT_PARAM_MAX_ROWS, "max_rows", 1, WINDOW_SIZE_MAX,
              (double)PDRIFT__DEFAULT_MAX_ROWS),
    INT_PARAM(PDRIFT_PARAM_MAX_MEMORY, "max_memory", 1, WINDOW_SIZE_MAX,
              (double)PDRIFT__DEFAULT_MAX_MEMORY),
    /* how the work is done */
    INT_PARAM(PDRIFT_PARAM_SNAPSHOT_MAP, "snapshot_map", 0, 1, 0),
    INT_PARAM(PDRIFT_PARAM_THREADS, "threads", 1, PDRIFT__MAX_WORKERS, 1),
};

#define N_PARAMS (sizeof params / sizeof params[0])

/* Only what was set explicitly; everything else comes from the table. */
typedef union param_value {
    long long i;
    double d;
} param_value;

struct pdrift_config {
    unsigned char is_set[N_PARAMS];
    param_value value[N_PARAMS];
};

/* Index of p's row, or -1 for an unknown parameter. */
static long row_of(pdrift_param p)
{
    for (size_t r = 0; r < N_PARAMS; r++)
        if (params[r].id == p)
            return (long)r;
    return -1;
}

/* The sensitivity in force (c NULL: the default). Within [LOW, HIGH]: the
 * setter checked it against the row's bounds. */
static long long sensitivity_of(const pdrift_config *c)
{
    size_t r = (size_t)row_of(PDRIFT_PARAM_SENSITIVITY);
    if (c && c->is_set[r])
        return c->value[r].i;
    return (long long)params[r].initial;
}

/* The default of row r under the config's sensitivity. */
static double default_of(const pdrift_config *c, size_t r)
{
    if (!params[r].preset)
        return params[r].initial;
    return params[r].by_sensitivity[sensitivity_of(c)];
}

static long long effective_int(const pdrift_config *c, size_t r)
{
    if (c && c->is_set[r])
        return c->value[r].i;
    return (long long)default_of(c, r);
}

static double effective_double(const pdrift_config *c, size_t r)
{
    if (c && c->is_set[r])
        return c->value[r].d;
    return default_of(c, r);
}

/* The row of p if it exists and has type t; PDRIFT_EPARAM otherwise. */
static int typed_row(pdrift_param p, pdrift_param_type t, size_t *out)
{
    long r = row_of(p);
    if (r < 0 || params[r].type != t)
        return PDRIFT_EPARAM;
    *out = (size_t)r;
    return PDRIFT_OK;
}

int pdrift_config_new(pdrift_config **out)
{
    if (!out)
        return PDRIFT_EINVAL;
    pdrift_config *c = calloc(1, sizeof *c);
    if (!c)
        return PDRIFT_ENOMEM;
    *out = c;
    return PDRIFT_OK;
}

void pdrift_config_free(pdrift_config *c)
{
    free(c);
}

int pdrift_config_set_int(pdrift_config *c, pdrift_param p, long long v)
{
    size_t r;
    if (!c)
        return PDRIFT_EINVAL;
    int rc = typed_row(p, PDRIFT_PARAM_TYPE_INT, &r);
    if (rc != PDRIFT_OK)
        return rc;
    /* Integer bounds are whole numbers below 2^53: exact as long long. */
    if (v < (long long)params[r].lo || v > (long long)params[r].hi)
        return PDRIFT_ERANGE;
    c->value[r].i = v;
    c->is_set[r] = 1;
    return PDRIFT_OK;
}

int pdrift_config_set_double(pdrift_config *c, pdrift_param p, double v)
{
    size_t r;
    if (!c)
        return PDRIFT_EINVAL;
    int rc = typed_row(p, PDRIFT_PARAM_TYPE_DOUBLE, &r);
    if (rc != PDRIFT_OK)
        return rc;
    /* Written so that NaN fails too. */
    if (!(v >= params[r].lo && v <= params[r].hi))
        return PDRIFT_ERANGE;
    c->value[r].d = v;
    c->is_set[r] = 1;
    return PDRIFT_OK;
}

int pdrift_config_get_int(const pdrift_config *c, pdrift_param p, long long *out)
{
    size_t r;
    if (!c || !out)
        return PDRIFT_EINVAL;
    int rc = typed_row(p, PDRIFT_PARAM_TYPE_INT, &r);
    if (rc != PDRIFT_OK)
        return rc;
    *out = effective_int(c, r);
    return PDRIFT_OK;
}

int pdrift_config_get_double(const pdrift_config *c, pdrift_param p, double *out)
{
    size_t r;
    if (!c || !out)
        return PDRIFT_EINVAL;
    int rc = typed_row(p, PDRIFT_PARAM_TYPE_DOUBLE, &r);
    if (rc != PDRIFT_OK)
        return rc;
    *out = effective_double(c, r);
    return PDRIFT_OK;
}

const char *pdrift_param_name(pdrift_param p)
{
    long r = row_of(p);
    return r < 0 ? NULL : params[r].name;
}

int pdrift_param_from_name(const char *name, pdrift_param *out)
{
    if (!name || !out)
        return PDRIFT_EINVAL;
    for (size_t r = 0; r < N_PARAMS; r++) {
        if (strcmp(params[r].name, name) == 0) {
            *out = params[r].id;
            return PDRIFT_OK;
        }
    }
    return PDRIFT_EPARAM;
}

int pdrift_param_bounds(pdrift_param p, pdrift_param_type *type, double *lo, double *hi)
{
    long r = row_of(p);
    if (r < 0)
        return PDRIFT_EPARAM;
    if (type)
        *type = params[r].type;
    if (lo)
        *lo = params[r].lo;
    if (hi)
        *hi = params[r].hi;
    return PDRIFT_OK;
}

/* Effective values by id, for resolve: the ids are the table's own, so the
 * lookup cannot fail. */
static long long int_of(const pdrift_config *c, pdrift_param p)
{
    return effective_int(c, (size_t)row_of(p));
}

static double double_of(const pdrift_config *c, pdrift_param p)
{
    return effective_double(c, (size_t)row_of(p));
}

void pdrift__config_resolve(const pdrift_config *c, pdrift__settings *out)
{
    if (!out)
        return;
    /* The casts below are exact: every value was checked against bounds that
     * fit the destination type (window_size against SIZE_MAX, psi_bins
     * against PDRIFT__PSI_MAX_BINS, enums against their values). */
    out->sensitivity = (pdrift_sensitivity)int_of(c, PDRIFT_PARAM_SENSITIVITY);
    out->window_size = (size_t)int_of(c, PDRIFT_PARAM_WINDOW_SIZE);
    out->min_samples = (size_t)int_of(c, PDRIFT_PARAM_MIN_SAMPLES);
    out->nan_policy = (pdrift_nan_policy)int_of(c, PDRIFT_PARAM_NAN_POLICY);
    out->correction = (pdrift_correction)int_of(c, PDRIFT_PARAM_CORRECTION);
    out->alpha = double_of(c, PDRIFT_PARAM_ALPHA);
    out->missing_rise = double_of(c, PDRIFT_PARAM_MISSING_RISE);
    out->ohlcv_features = (int)int_of(c, PDRIFT_PARAM_OHLCV_FEATURES);
    out->serial_correction = (int)int_of(c, PDRIFT_PARAM_SERIAL_CORRECTION);
    out->psi.bins = (unsigned)int_of(c, PDRIFT_PARAM_PSI_BINS);
    out->psi.binning = (int)int_of(c, PDRIFT_PARAM_PSI_BINNING);
    out->psi.empty_bins = (int)int_of(c, PDRIFT_PARAM_PSI_EMPTY_BINS);
    out->psi.epsilon = double_of(c, PDRIFT_PARAM_PSI_EPSILON);
    out->psi_threshold = double_of(c, PDRIFT_PARAM_PSI_THRESHOLD);
    out->ks_threshold = double_of(c, PDRIFT_PARAM_KS_THRESHOLD);
    out->ks_method = (pdrift_ks_method)int_of(c, PDRIFT_PARAM_KS_METHOD);
    out->sharpe_degradation = double_of(c, PDRIFT_PARAM_SHARPE_DEGRADATION);
    out->drawdown_increase = double_of(c, PDRIFT_PARAM_DRAWDOWN_INCREASE);
    out->periods_per_year = double_of(c, PDRIFT_PARAM_PERIODS_PER_YEAR);
    out->risk_free_rate = double_of(c, PDRIFT_PARAM_RISK_FREE_RATE);
    out->min_returns = (size_t)int_of(c, PDRIFT_PARAM_MIN_RETURNS);
    out->returns_window = (size_t)int_of(c, PDRIFT_PARAM_RETURNS_WINDOW);
    out->addm = pdrift__addm_default_params();
    out->addm.k = (size_t)int_of(c, PDRIFT_PARAM_ADDM_SMOOTHING);
    out->addm.n_ref = (size_t)int_of(c, PDRIFT_PARAM_ADDM_REFERENCE);
    out->addm.w = (size_t)int_of(c, PDRIFT_PARAM_ADDM_WINDOW);
    out->addm.p = (size_t)int_of(c, PDRIFT_PARAM_ADDM_LAGS);
    out->addm.d = (size_t)int_of(c, PDRIFT_PARAM_ADDM_DELAY);
    out->addm.trim = double_of(c, PDRIFT_PARAM_ADDM_TRIM);
    out->addm.delta_drift = double_of(c, PDRIFT_PARAM_ADDM_DELTA_DRIFT);
    out->addm.delta_warning = double_of(c, PDRIFT_PARAM_ADDM_DELTA_WARNING);
    out->addm.tsay_gate = (int)int_of(c, PDRIFT_PARAM_ADDM_TSAY_GATE);
    out->addm.tsay_alpha = double_of(c, PDRIFT_PARAM_ADDM_TSAY_ALPHA);
    out->addm.rule = (int)int_of(c, PDRIFT_PARAM_ADDM_RULE);
    out->addm.z_drift = double_of(c, PDRIFT_PARAM_ADDM_Z_DRIFT);
    out->addm.z_warning = double_of(c, PDRIFT_PARAM_ADDM_Z_WARNING);
    out->limits.max_line_bytes = (size_t)int_of(c, PDRIFT_PARAM_MAX_LINE_BYTES);
    out->limits.max_columns = (size_t)int_of(c, PDRIFT_PARAM_MAX_COLUMNS);
    out->limits.max_rows = (size_t)int_of(c, PDRIFT_PARAM_MAX_ROWS);
    out->limits.max_memory = (size_t)int_of(c, PDRIFT_PARAM_MAX_MEMORY);
    out->snapshot_map = int_of(c, PDRIFT_PARAM_SNAPSHOT_MAP) != 0;
    out->threads = (size_t)int_of(c, PDRIFT_PARAM_THREADS);
}
