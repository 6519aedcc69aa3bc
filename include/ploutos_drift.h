/**
 * @file ploutos_drift.h
 * @brief libploutosdrift — drift monitoring for trading models.
 *
 * The only public header of libploutosdrift. It is self-contained, compiles as
 * C99 or later and as C++, and declares every exported symbol.
 *
 * Conventions used throughout:
 *  - every fallible function returns @c int: ::PDRIFT_OK (0) or a negative
 *    ::pdrift_status;
 *  - outputs come last and are written only on success;
 *  - inputs are never modified and never retained: the library copies what it
 *    keeps;
 *  - the stateless statistics (KS, PSI, trading metrics) allocate only
 *    private scratch memory, touch no global state and are safe to call from
 *    any number of threads at once.
 *
 * ABI: symbols are versioned (node @c PLOUTOSDRIFT_1.0); a released function
 * never changes meaning or signature. See docs/abi-policy.md.
 *
 * Licence: MIT. Note that the library links GSL (GPL-3.0-or-later): a binary
 * that links libploutosdrift is distributed under the GPL's terms.
 */
#ifndef PLOUTOS_DRIFT_H
#define PLOUTOS_DRIFT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @name Version
 *  The Makefile reads these three lines to name the shared library.
 *  @{ */
/** Major version: the number in the soname, changed only by an incompatible ABI. */
#define PDRIFT_VERSION_MAJOR 1
/** Minor version: raised by a release that adds symbols. */
#define PDRIFT_VERSION_MINOR 0
/** Patch version: raised by a release that changes no symbol. */
#define PDRIFT_VERSION_PATCH 0
/** MAJOR*10000 + MINOR*100 + PATCH, for compile-time comparisons. */
#define PDRIFT_VERSION_NUMBER \
    (PDRIFT_VERSION_MAJOR * 10000 + PDRIFT_VERSION_MINOR * 100 + PDRIFT_VERSION_PATCH)
/** Helper of ::PDRIFT_VERSION_STRING: @p x as a string literal, unexpanded. */
#define PDRIFT_QUOTE(x) #x
/** Helper of ::PDRIFT_VERSION_STRING: @p x macro-expanded, then quoted. */
#define PDRIFT_EXPAND_AND_QUOTE(x) PDRIFT_QUOTE(x)
/** "MAJOR.MINOR.PATCH" of the header. */
#define PDRIFT_VERSION_STRING \
    PDRIFT_EXPAND_AND_QUOTE(PDRIFT_VERSION_MAJOR) "." \
    PDRIFT_EXPAND_AND_QUOTE(PDRIFT_VERSION_MINOR) "." \
    PDRIFT_EXPAND_AND_QUOTE(PDRIFT_VERSION_PATCH)
/** @} */

/** Marks an exported declaration (the library is built with hidden visibility). */
#if defined(__GNUC__) && __GNUC__ >= 4
#define PDRIFT_API __attribute__((visibility("default")))
#else
#define PDRIFT_API
#endif

/**
 * Status codes. Every fallible function returns ::PDRIFT_OK or one of the
 * negative values below. Values are append-only and never renumbered.
 */
typedef enum pdrift_status {
    PDRIFT_OK = 0,          /**< success */
    PDRIFT_EINVAL = -1,     /**< invalid argument (NULL where not allowed, zero length, bad enum) */
    PDRIFT_ENOMEM = -2,     /**< out of memory */
    PDRIFT_ESTATE = -3,     /**< wrong call order (e.g. detect before a baseline) */
    PDRIFT_ENOBUFS = -4,    /**< caller's buffer too small (the size needed is reported) */
    PDRIFT_EIO = -5,        /**< I/O error (open, read, write or rename failed) */
    PDRIFT_EFORMAT = -6,    /**< malformed input file (CSV or baseline snapshot) */
    PDRIFT_EPARAM = -7,     /**< unknown parameter, or wrong setter type for it */
    PDRIFT_ERANGE = -8,     /**< value outside the parameter's bounds */
    PDRIFT_ENUMERIC = -9,   /**< numerical failure */
    PDRIFT_EDATA = -10,     /**< data rejected by policy (NaN where not allowed, too few values) */
    PDRIFT_ESCHEMA = -11,   /**< columns of the current data do not match the baseline */
    PDRIFT_EVERSION = -12,  /**< baseline snapshot written by an incompatible format version */
    PDRIFT_ECORRUPT = -13   /**< baseline snapshot fails its checksum or bounds checks */
} pdrift_status;

/**
 * Static English description of a status code.
 *
 * @param s a ::pdrift_status value (an unknown value is accepted).
 * @return a static, NUL-terminated string; never NULL. Thread-safe.
 */
PDRIFT_API const char *pdrift_strerror(pdrift_status s);

/**
 * Version of the library actually linked, as PDRIFT_VERSION_NUMBER.
 * Compare with the header's ::PDRIFT_VERSION_NUMBER to detect a mismatch.
 * @return MAJOR*10000 + MINOR*100 + PATCH of the library loaded at run time.
 *         Thread-safe.
 */
PDRIFT_API unsigned pdrift_version_number(void);

/**
 * Version of the library actually linked, as text.
 * @return "MAJOR.MINOR.PATCH", a static string; never NULL. Thread-safe.
 */
PDRIFT_API const char *pdrift_version_string(void);

/* ------------------------------------------------------------------------ */
/** @name Two-sample Kolmogorov–Smirnov test
 *  @{ */

/** How the p-value of ::pdrift_ks_2samp is computed (scipy's @c method). */
typedef enum pdrift_ks_method {
    /** Exact if max(nx, ny) <= 10000, else asymptotic (scipy's "auto"). */
    PDRIFT_KS_AUTO = 0,
    /** Exact lattice-path probability; falls back to the asymptotic
     *  distribution when lcm(nx, ny) would exceed 2^31 - 1, as scipy does. */
    PDRIFT_KS_EXACT = 1,
    /** The one-sample distribution kstwo at n = round(nx*ny/(nx+ny)). */
    PDRIFT_KS_ASYMP = 2
} pdrift_ks_method;

/**
 * Two-sided two-sample Kolmogorov–Smirnov test, numerically equal to
 * scipy.stats.ks_2samp(x, y, alternative="two-sided", method=...) of
 * scipy 1.10 (statistic bit for bit, p-value to 1e-12 relative).
 *
 * Ties are handled exactly; -0.0 equals +0.0; +-inf are ordinary values.
 *
 * @param x, nx     first sample (not modified), nx >= 1
 * @param y, ny     second sample (not modified), ny >= 1
 * @param method    ::PDRIFT_KS_AUTO, ::PDRIFT_KS_EXACT or ::PDRIFT_KS_ASYMP
 * @param statistic out: D = sup |F_x - F_y| (under the exact method, the
 *                  nearest multiple of 1/lcm(nx, ny), as scipy returns it)
 * @param pvalue    out: P(D_{nx,ny} >= D) under H0; NaN only where scipy's is
 *                  (nx = ny = 1 with ::PDRIFT_KS_ASYMP)
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL for a NULL pointer, an empty sample or
 *         an unknown method; ::PDRIFT_EDATA if either sample holds a NaN;
 *         ::PDRIFT_ENOMEM if the private sorted copies cannot be allocated.
 *
 * Thread-safe; allocates O(nx + ny) scratch memory, freed before return.
 */
PDRIFT_API int pdrift_ks_2samp(const double *x, size_t nx, const double *y, size_t ny,
                               pdrift_ks_method method, double *statistic, double *pvalue);

/**
 * Survival function of the one-sample two-sided Kolmogorov–Smirnov statistic:
 * P(D_n >= d), equal to scipy.stats.kstwo.sf(d, n) of scipy 1.10 (Simard &
 * L'Ecuyer's decision tree: Ruben–Gambino tails, Durbin's matrix, Pomeranz,
 * Pelz–Good, Smirnov's sum).
 *
 * @param d the statistic; values <= 0.5/n give 1, values >= 1 give 0
 * @param n the sample size, a whole number in [1, INT_MAX] (a double because
 *          ks_2samp passes a rounded effective size)
 * @return the probability in [0, 1]; NaN if d or n is NaN or n is invalid.
 *
 * Pure function; thread-safe.
 */
PDRIFT_API double pdrift_kstwo_sf(double d, double n);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Population Stability Index
 *  @{ */

/**
 * Population Stability Index of @p current against @p baseline with the
 * default binning: type-7 quantiles of the baseline as cut points (duplicates
 * removed), right-closed bins, open outer bins so that values outside the
 * baseline's range are counted, and 1e-4 in place of an empty bin's share.
 *
 * PSI = sum_i (q_i - p_i) ln(q_i / p_i). Under H0, PSI / (1/M + 1/N) is
 * approximately chi-square with (non-empty bins - 1) degrees of freedom
 * (Yurdakul 2018); @p pvalue is that upper tail.
 *
 * @param baseline, nb  reference sample (not modified), nb >= bins
 * @param current, nc   sample to compare (not modified), nc >= bins
 * @param bins          number of quantile bins, 2 to 10000 (10 is the usual choice)
 * @param psi           out: the index, >= 0
 * @param pvalue        out, may be NULL: chi-square approximation of P(PSI >= psi | H0)
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL for NULL @p baseline, @p current or
 *         @p psi, an empty sample or bins outside [2, 10000]; ::PDRIFT_EDATA for a NaN or
 *         fewer values than bins in either sample; ::PDRIFT_ENOMEM.
 *
 * Thread-safe; allocates O(nb + bins) scratch memory, freed before return.
 */
PDRIFT_API int pdrift_psi(const double *baseline, size_t nb, const double *current, size_t nc,
                          unsigned bins, double *psi, double *pvalue);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Trading metrics
 *  Returns are simple per-period returns (per bar, day or trade), e.g. 0.01
 *  for +1%. NaN or infinite returns are rejected with ::PDRIFT_EDATA; a NULL
 *  pointer or n = 0 with ::PDRIFT_EINVAL. Pure functions; thread-safe.
 *  @{ */

/**
 * Annualised Sharpe ratio, risk-free rate 0: mean(r) / sd(r) * sqrt(P), sd
 * with n - 1 in the denominator (empyrical's convention).
 *
 * @param returns, n        the returns
 * @param periods_per_year  P: 252 (equity days), 365 (crypto days), 8760
 *                          (crypto hours), 52, 12, or 1 for a per-period ratio;
 *                          finite and > 0, else ::PDRIFT_EINVAL
 * @param out               out: the ratio; NaN if n < 2 or the returns are constant
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL, n = 0 or an invalid
 *         periods_per_year); ::PDRIFT_EDATA (a NaN or infinite return)
 */
PDRIFT_API int pdrift_sharpe(const double *returns, size_t n, double periods_per_year,
                             double *out);

/**
 * Maximum drawdown of the equity curve E_0 = 1, E_t = E_{t-1}(1 + r_t), the
 * starting equity included: min_t (E_t - peak_t) / peak_t.
 *
 * @param returns, n  the returns (not modified), n >= 1
 * @param out out: a fraction in [-1, 0] (empyrical's sign): -0.25 is a 25%
 *            drawdown; -1 if the equity ever reaches 0 or below (ruin)
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL, n = 0); ::PDRIFT_EDATA (a NaN
 *         or infinite return)
 */
PDRIFT_API int pdrift_max_drawdown(const double *returns, size_t n, double *out);

/**
 * Win rate: #(r > 0) / #(r != 0). Zero returns (flat bars, scratch trades)
 * count neither as wins nor as losses (quantstats' convention).
 *
 * @param returns, n  the returns (not modified), n >= 1
 * @param out out: a fraction in [0, 1]; NaN when every return is zero
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL, n = 0); ::PDRIFT_EDATA (a NaN
 *         or infinite return)
 */
PDRIFT_API int pdrift_win_rate(const double *returns, size_t n, double *out);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Concept drift: ADDM and streaming error-rate detectors
 *
 *  Concept drift shows in the model's error stream: 0/1 flags (wrong
 *  direction) or any non-negative loss. ADDM (after Mayaki & Riveill 2022)
 *  fits a self-exciting threshold autoregression (SETAR) to the smoothed
 *  errors and compares how often the recent window sits in the high-error
 *  regime with how often the reference did (SPEC §4, docs/concept.md).
 *  Page–Hinkley and DDM are the classic streaming detectors, measured beside
 *  it by bench/concept.
 *  @{ */

/** Decision of a concept-drift detector. */
typedef enum pdrift_level {
    PDRIFT_LEVEL_NONE = 0,        /**< no change detected */
    PDRIFT_LEVEL_WARNING = 1,     /**< a change is building up */
    PDRIFT_LEVEL_DRIFT = 2,       /**< the error process changed */
    PDRIFT_LEVEL_INSUFFICIENT = 3 /**< too few errors to decide */
} pdrift_level;

/**
 * ADDM on error series with the default (medium) parameters: k = 10
 * smoothing, 250 reference values, a 60-value window, SETAR(2; 5, 5) with
 * delay 2 and 15% trimming, and the default decision rule
 * (::PDRIFT_ADDM_RULE_MEAN, z >= 3.80 for DRIFT, 2.50 for WARNING; the
 * occupancy rule of SPEC §4.4 is a parameter of the monitor). Pure function;
 * thread-safe.
 *
 * @param reference_errors, nref  errors of the validated model (raw, >= 0),
 *                                in time order; at least window + k - 1
 * @param window_errors, nwin     the latest live errors (raw, >= 0), in time
 *                                order; at least the window (60)
 * @param level            out: ::PDRIFT_LEVEL_NONE, WARNING, DRIFT or INSUFFICIENT
 * @param severity_weight  out, may be NULL: w in [0, 1] on WARNING/DRIFT (the
 *                         share of a model retrained on recent data to blend
 *                         in: P = (1 - w) P_old + w P_new), 0 otherwise
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL, nref or nwin 0);
 *         ::PDRIFT_EDATA (a negative or non-finite error); ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_addm(const double *reference_errors, size_t nref, const double *window_errors,
                           size_t nwin, pdrift_level *level, double *severity_weight);

/** Page–Hinkley detector (Page 1954; Hinkley 1971), two-sided, on a stream. */
typedef struct pdrift_page_hinkley pdrift_page_hinkley;

/**
 * Create a two-sided Page–Hinkley detector of a change in the mean.
 * @param out     out: the detector, freed with ::pdrift_page_hinkley_free
 * @param delta   magnitude of changes tolerated (> 0), e.g. 0.005
 * @param lambda  detection threshold on the cumulative deviation (> 0)
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_page_hinkley_new(pdrift_page_hinkley **out, double delta, double lambda);

/**
 * Feed one observation. *level becomes ::PDRIFT_LEVEL_DRIFT when the
 * cumulative deviation from the running mean is strictly greater than lambda
 * (either direction), WARNING above lambda / 2, else NONE; there is no
 * warm-up. After a DRIFT the detector restarts by itself.
 * @param d      the detector
 * @param x      the observation, e.g. an error or a loss
 * @param level  out: ::PDRIFT_LEVEL_NONE, WARNING or DRIFT
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL); ::PDRIFT_EDATA (non-finite x)
 */
PDRIFT_API int pdrift_page_hinkley_update(pdrift_page_hinkley *d, double x, pdrift_level *level);

/** Forget everything seen. NULL is a no-op.
 *  @param d the detector, or NULL */
PDRIFT_API void pdrift_page_hinkley_reset(pdrift_page_hinkley *d);

/** Free a detector. NULL is a no-op.
 *  @param d the detector, or NULL */
PDRIFT_API void pdrift_page_hinkley_free(pdrift_page_hinkley *d);

/** DDM, the drift detection method of Gama et al. (2004), on a 0/1 error stream. */
typedef struct pdrift_ddm pdrift_ddm;

/**
 * Create a DDM detector.
 * @param out             out: the detector, freed with ::pdrift_ddm_free
 * @param warmup          predictions seen before any decision (30 in the paper): the
 *                        warmup-th update is the first to decide
 * @param warning_sigmas  warning level, in standard deviations (2)
 * @param drift_sigmas    drift level (3), > warning_sigmas
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_ddm_new(pdrift_ddm **out, size_t warmup, double warning_sigmas,
                              double drift_sigmas);

/**
 * Feed one prediction outcome: error 1 (wrong) or 0 (right). *level is
 * ::PDRIFT_LEVEL_INSUFFICIENT during the warm-up, NONE until both an error and
 * a correct prediction have been seen (the paper's rule would fire on the
 * first error after a clean run), then WARNING or DRIFT when p + s reaches
 * p_min + warning_sigmas (drift_sigmas) s_min. After a DRIFT the detector
 * restarts by itself.
 * @param d      the detector
 * @param error  1 for a wrong prediction, 0 for a right one
 * @param level  out: ::PDRIFT_LEVEL_INSUFFICIENT, NONE, WARNING or DRIFT
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL, or error not 0 or 1)
 */
PDRIFT_API int pdrift_ddm_update(pdrift_ddm *d, double error, pdrift_level *level);

/** Forget everything seen. NULL is a no-op.
 *  @param d the detector, or NULL */
PDRIFT_API void pdrift_ddm_reset(pdrift_ddm *d);

/** Free a detector. NULL is a no-op.
 *  @param d the detector, or NULL */
PDRIFT_API void pdrift_ddm_free(pdrift_ddm *d);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Configuration
 *
 *  An opaque set of parameters, read by ::pdrift_monitor_new. Parameters are
 *  keyed by ::pdrift_param and typed: integer parameters are set with
 *  ::pdrift_config_set_int, real ones with ::pdrift_config_set_double (the
 *  other setter answers ::PDRIFT_EPARAM). Choosing a sensitivity sets every
 *  preset-dependent parameter (thresholds and alpha) that was not set
 *  explicitly; an explicit setting always wins, whatever the order of the
 *  calls.
 *
 *  A config is not shared between threads while it is being modified;
 *  reading it from several threads (e.g. creating monitors) is safe.
 *  @{ */

/** Sensitivity presets (SPEC §3.2): how readily drift is reported. */
typedef enum pdrift_sensitivity {
    PDRIFT_SENSITIVITY_LOW = 0,    /**< PSI 0.25, KS 0.20, alpha 0.01, Sharpe -30% */
    PDRIFT_SENSITIVITY_MEDIUM = 1, /**< PSI 0.15, KS 0.15, alpha 0.05, Sharpe -20% (default) */
    PDRIFT_SENSITIVITY_HIGH = 2    /**< PSI 0.10, KS 0.10, alpha 0.10, Sharpe -15% */
} pdrift_sensitivity;

/** What a NaN in observed or baseline rows means. */
typedef enum pdrift_nan_policy {
    PDRIFT_NAN_MISSING = 0, /**< a missing value, counted in the missing rate (default) */
    PDRIFT_NAN_REJECT = 1   /**< an error: the call fails with ::PDRIFT_EDATA */
} pdrift_nan_policy;

/** Correction of the KS p-values for testing many features at once. */
typedef enum pdrift_correction {
    PDRIFT_CORRECTION_BH = 0,         /**< Benjamini–Hochberg false discovery rate (default) */
    PDRIFT_CORRECTION_NONE = 1,       /**< raw p-values */
    PDRIFT_CORRECTION_BONFERRONI = 2, /**< family-wise, min(1, m p) */
    PDRIFT_CORRECTION_HOLM = 3        /**< family-wise, Holm's step-down */
} pdrift_correction;

/** How the PSI bins are placed. */
typedef enum pdrift_binning {
    PDRIFT_BINNING_QUANTILE = 0,   /**< quantiles of the baseline (default) */
    PDRIFT_BINNING_EQUAL_WIDTH = 1 /**< equal widths over the finite baseline range */
} pdrift_binning;

/** What a PSI bin with no value contributes. */
typedef enum pdrift_empty_bins {
    PDRIFT_EMPTY_EPSILON = 0,  /**< its share becomes ::PDRIFT_PARAM_PSI_EPSILON (default) */
    PDRIFT_EMPTY_SMOOTHING = 1 /**< every share is (count + 0.5) / (total + 0.5 bins) */
} pdrift_empty_bins;

/** The parameters. Values are stable and append-only; families by hundred. */
typedef enum pdrift_param {
    /* general: 1-99 */
    PDRIFT_PARAM_SENSITIVITY = 1,    /**< int ::pdrift_sensitivity; default MEDIUM */
    PDRIFT_PARAM_WINDOW_SIZE = 2,    /**< int: observed rows kept (the latest), 0 = all; default 0 */
    PDRIFT_PARAM_MIN_SAMPLES = 3,    /**< int: values needed on each side for PSI/KS and rows for
                                          the missing-rate test; default 30 */
    PDRIFT_PARAM_NAN_POLICY = 4,     /**< int ::pdrift_nan_policy; default MISSING */
    PDRIFT_PARAM_CORRECTION = 5,     /**< int ::pdrift_correction; default BH */
    PDRIFT_PARAM_ALPHA = 6,          /**< double: significance level of the PSI, KS and
                                          missing-rate tests; preset 0.01 / 0.05 / 0.10 */
    PDRIFT_PARAM_MISSING_RISE = 7,   /**< double: rise of the missing share that counts as drift
                                          (with significance); default 0.10 */
    PDRIFT_PARAM_OHLCV_FEATURES = 8, /**< int 1/0: a CSV with Open/High/Low/Close[/Volume] columns
                                          is compared through derived stationary features
                                          (returns, volatility, ...), not raw price levels;
                                          default 1 */
    PDRIFT_PARAM_SERIAL_CORRECTION = 9, /**< int 1/0: account for serial dependence (rolling
                                          features such as a 20-bar volatility are strongly
                                          dependent): for a feature whose baseline
                                          autocorrelation time is 1.5 or more, the PSI and KS
                                          p-values are calibrated on the baseline's own windows
                                          of the current length (or, for short baselines, on
                                          effective sizes n / tau); see docs/statistics.md.
                                          0 = the textbook tests; default 1 */
    /* PSI: 100-199 */
    PDRIFT_PARAM_PSI_BINS = 100,       /**< int: number of bins, 2..10000; default 10 */
    PDRIFT_PARAM_PSI_BINNING = 101,    /**< int ::pdrift_binning; default QUANTILE */
    PDRIFT_PARAM_PSI_EMPTY_BINS = 102, /**< int ::pdrift_empty_bins; default EPSILON */
    PDRIFT_PARAM_PSI_EPSILON = 103,    /**< double: share of an empty bin; default 1e-4 */
    PDRIFT_PARAM_PSI_THRESHOLD = 104,  /**< double: PSI above which a significant change counts
                                            as drift; preset 0.25 / 0.15 / 0.10 */
    /* KS: 200-299 */
    PDRIFT_PARAM_KS_THRESHOLD = 200, /**< double: D above which a significant change counts as
                                          drift; preset 0.20 / 0.15 / 0.10 */
    PDRIFT_PARAM_KS_METHOD = 201,    /**< int ::pdrift_ks_method; default AUTO */
    /* ADDM (concept drift): 300-399 */
    PDRIFT_PARAM_ADDM_SMOOTHING = 300,   /**< int: moving-average length k of the errors; 10 */
    PDRIFT_PARAM_ADDM_REFERENCE = 301,   /**< int: smoothed reference values used, at most; 250 */
    PDRIFT_PARAM_ADDM_WINDOW = 302,      /**< int: smoothed window values w; 60 */
    PDRIFT_PARAM_ADDM_LAGS = 303,        /**< int: autoregressive order p per regime; 5 */
    PDRIFT_PARAM_ADDM_DELAY = 304,       /**< int: threshold delay d; 2 */
    PDRIFT_PARAM_ADDM_TRIM = 305,        /**< double: least share of rows per regime; 0.15 */
    PDRIFT_PARAM_ADDM_DELTA_DRIFT = 306, /**< double: occupancy rule, rise for DRIFT; preset
                                              0.55 / 0.45 / 0.35 (SPEC §3.2) */
    PDRIFT_PARAM_ADDM_DELTA_WARNING = 307, /**< double: for WARNING; preset 0.40 / 0.30 / 0.20 */
    PDRIFT_PARAM_ADDM_TSAY_GATE = 308,   /**< int 1/0: occupancy rule, also require Tsay's
                                              threshold test; 0 */
    PDRIFT_PARAM_ADDM_TSAY_ALPHA = 309,  /**< double: its level; 0.05 */
    PDRIFT_PARAM_ADDM_RULE = 310,        /**< int ::pdrift_addm_rule: how WARNING / DRIFT is
                                              decided; default MEAN */
    PDRIFT_PARAM_ADDM_Z_DRIFT = 311,     /**< double: mean rule, z for DRIFT; preset 4.26 / 3.80 /
                                              3.26 (about 1% / 3.5% / 10% of unchanged
                                              1000-error streams, docs/concept.md) */
    PDRIFT_PARAM_ADDM_Z_WARNING = 312,   /**< double: mean rule, z for WARNING; preset 3.05 /
                                              2.50 / 2.22 */
    /* trading performance: 400-499 */
    PDRIFT_PARAM_SHARPE_DEGRADATION = 400, /**< double: Sharpe drop that counts as model drift
                                                (relative when the baseline Sharpe is positive);
                                                preset 0.30 / 0.20 / 0.15 */
    PDRIFT_PARAM_DRAWDOWN_INCREASE = 401,  /**< double: rise of |max drawdown| (a fraction) that
                                                counts as model drift; default 0.10 */
    PDRIFT_PARAM_PERIODS_PER_YEAR = 402,   /**< double: return periods per year, for the Sharpe
                                                ratio: 252 (default, equity days), 365 (crypto
                                                days), 8760 (crypto hours), 1 (per trade) */
    PDRIFT_PARAM_RISK_FREE_RATE = 403,     /**< double: annual risk-free rate, compounded to per
                                                period for the Sharpe ratio; default 0 */
    PDRIFT_PARAM_MIN_RETURNS = 404,        /**< int: current returns needed to judge performance;
                                                default 20 (60 trades or 126 days advised) */
    PDRIFT_PARAM_RETURNS_WINDOW = 405,     /**< int: observed returns kept (the latest), 0 = all;
                                                default 0 */
    /* input limits: 500-599. What one file read by the library (a CSV file
     * of features, returns or errors, or a snapshot) may bring in, so that a
     * hostile or broken file is refused before it exhausts memory. A file
     * beyond a limit is ::PDRIFT_EDATA, the message naming the file, the
     * line (and column), the limit and the parameter that raises it. The
     * defaults take real data with room to spare; the bounds are 1 to 2^40.
     * Data passed from memory (::pdrift_baseline_set, ::pdrift_observe_batch)
     * is not limited. See docs/security.md. */
    PDRIFT_PARAM_MAX_LINE_BYTES = 500, /**< int: bytes of a CSV record (a line, or the lines
                                            of a quoted field that holds line breaks), line end
                                            excluded; default 32 MiB (33554432): a 10 MB line is
                                            read, while the read buffer, about 4 times the
                                            longest record, stays at 128 MiB */
    PDRIFT_PARAM_MAX_COLUMNS = 501,    /**< int: fields of a CSV header line, and features of a
                                            snapshot; default 100000. A column costs about
                                            10 KB of results and report whatever its rows:
                                            `pdrift monitor` takes about 1 GB for 100000 */
    PDRIFT_PARAM_MAX_ROWS = 502,       /**< int: data rows of a CSV file, and rows of a
                                            snapshot; default 100000000 (a century of one-minute
                                            bars is 53 million) */
    PDRIFT_PARAM_MAX_MEMORY = 503      /**< int: bytes a file's values may take: a CSV file's
                                            table while it is read (rows x header fields x 8
                                            bytes, text columns included), a snapshot's file
                                            size; default 2 GiB (1 GiB where size_t has 32
                                            bits): 268 million values, 27 times a 200000-row,
                                            50-feature baseline. Preparing a baseline takes
                                            about 3 times its table at the peak (the table, the
                                            sorted values, the scratch), so the default keeps
                                            one hostile file below about 6 GiB */,

    /* how the work is done: 600-699. No result depends on them. */
    PDRIFT_PARAM_SNAPSHOT_MAP = 600, /**< int 1/0: ::pdrift_baseline_load maps a snapshot
                                         (mmap) instead of reading it, keeps it open, and
                                         reads and checks each block of its values (checksum
                                         and order) when a call first uses it: loading costs
                                         what the file's metadata
                                         costs, and a detection what the window costs. Damage
                                         in a block is then reported by the call that uses it
                                         (::pdrift_detect, ::pdrift_baseline_calibrate,
                                         ::pdrift_baseline_save: ::PDRIFT_ECORRUPT), and the
                                         file must not be truncated or rewritten in place
                                         while the monitor holds it (replace it by renaming,
                                         as ::pdrift_baseline_save does). Default 0: read
                                         whole and checked by ::pdrift_baseline_load.
                                         `pdrift monitor` sets it. See docs/snapshot.md */
    PDRIFT_PARAM_THREADS = 601      /**< int: threads one call may work on, the calling
                                         thread included, 1..64; default 1 (all work on the
                                         calling thread). ::pdrift_detect tests the features
                                         on them, and a CSV file of 4 MiB or more is read by
                                         two. The results and errors are the same whatever
                                         the number; a monitor is still used by one thread at
                                         a time (docs/threading.md). `pdrift monitor` sets
                                         the number of online CPUs */
} pdrift_param;

/** How ADDM decides WARNING and DRIFT (::PDRIFT_PARAM_ADDM_RULE). The SETAR
 *  fit, its regimes, occupancies and severity weight are computed and
 *  reported under either rule. */
typedef enum pdrift_addm_rule {
    /** z test of the window's mean error against the reference's, with the
     *  long-run variance of an AR fitted to the reference errors: detects
     *  sooner at the same false-alarm rate (docs/concept.md); the default. */
    PDRIFT_ADDM_RULE_MEAN = 0,
    /** SPEC §4.4: rise of the high-error regime's occupancy, held to the end
     *  of the window (the rule of the golden reference values). */
    PDRIFT_ADDM_RULE_OCCUPANCY = 1
} pdrift_addm_rule;

/** The type of a parameter's value. */
typedef enum pdrift_param_type {
    PDRIFT_PARAM_TYPE_INT = 1,   /**< set and read with the _int functions */
    PDRIFT_PARAM_TYPE_DOUBLE = 2 /**< set and read with the _double functions */
} pdrift_param_type;

/** A set of parameters (opaque): ::pdrift_config_new, the setters,
 *  ::pdrift_monitor_new, ::pdrift_config_free. */
typedef struct pdrift_config pdrift_config;

/**
 * Create a configuration holding every default (medium sensitivity).
 * @param out out: the new config, freed with ::pdrift_config_free
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL (out NULL), ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_config_new(pdrift_config **out);

/** Free a configuration. NULL is a no-op.
 *  @param c the configuration, or NULL */
PDRIFT_API void pdrift_config_free(pdrift_config *c);

/**
 * Set an integer parameter (and mark it explicit: presets no longer change it).
 * @param c  the configuration
 * @param p  an integer parameter (::PDRIFT_PARAM_TYPE_INT)
 * @param v  the value, within ::pdrift_param_bounds
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (c NULL); ::PDRIFT_EPARAM (unknown
 *         parameter, or a double parameter); ::PDRIFT_ERANGE (outside
 *         ::pdrift_param_bounds, or not a value of the parameter's enum)
 */
PDRIFT_API int pdrift_config_set_int(pdrift_config *c, pdrift_param p, long long v);

/**
 * Set a real parameter (and mark it explicit).
 * @param c  the configuration
 * @param p  a real parameter (::PDRIFT_PARAM_TYPE_DOUBLE)
 * @param v  the value, within ::pdrift_param_bounds
 * @return as ::pdrift_config_set_int; NaN is ::PDRIFT_ERANGE
 */
PDRIFT_API int pdrift_config_set_double(pdrift_config *c, pdrift_param p, double v);

/**
 * Read the effective value of an integer parameter (preset applied).
 * @param c    the configuration
 * @param p    an integer parameter
 * @param out  out: its value
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (c or out NULL); ::PDRIFT_EPARAM
 *         (unknown parameter, or a double parameter)
 */
PDRIFT_API int pdrift_config_get_int(const pdrift_config *c, pdrift_param p, long long *out);

/**
 * Read the effective value of a real parameter (preset applied).
 * @param c    the configuration
 * @param p    a real parameter
 * @param out  out: its value
 * @return as ::pdrift_config_get_int
 */
PDRIFT_API int pdrift_config_get_double(const pdrift_config *c, pdrift_param p, double *out);

/**
 * Name of a parameter, as used by the CLI and the Python binding (e.g.
 * "psi_threshold").
 * @param p the parameter
 * @return a static string, or NULL for an unknown parameter. Thread-safe.
 */
PDRIFT_API const char *pdrift_param_name(pdrift_param p);

/**
 * The parameter of a given name (exact, case-sensitive match).
 * @param name  e.g. "psi_bins"
 * @param out   out: the parameter
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL (NULL argument), ::PDRIFT_EPARAM (no
 *         such name; *out untouched)
 */
PDRIFT_API int pdrift_param_from_name(const char *name, pdrift_param *out);

/**
 * Type and closed bounds of a parameter's value. Thread-safe.
 * @param p the parameter
 * @param type, lo, hi out, each may be NULL
 * @return ::PDRIFT_OK or ::PDRIFT_EPARAM (unknown parameter)
 */
PDRIFT_API int pdrift_param_bounds(pdrift_param p, pdrift_param_type *type, double *lo, double *hi);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name The monitor
 *
 *  A monitor holds a baseline (the training or validation data), a window of
 *  observed production data and the result of the last detection. Its life:
 *  ::pdrift_monitor_new, a baseline (::pdrift_baseline_load or
 *  ::pdrift_baseline_set), observations (::pdrift_observe_batch,
 *  ::pdrift_observe_load), ::pdrift_detect, then the result getters or
 *  ::pdrift_report_json; ::pdrift_monitor_free.
 *
 *  A failed call changes nothing (the previous baseline, window and result
 *  are intact) and leaves a detailed message in ::pdrift_errmsg.
 *  A monitor may be used by one thread at a time; distinct monitors are
 *  independent. Every input is copied; every string returned is owned by the
 *  monitor.
 *  @{ */

/** A monitor (opaque): a baseline, a window of observations and the last
 *  result. Created by ::pdrift_monitor_new, freed by ::pdrift_monitor_free. */
typedef struct pdrift_monitor pdrift_monitor;

/**
 * Create a monitor.
 * @param out out: the monitor, freed with ::pdrift_monitor_free
 * @param cfg parameters, copied (NULL: the defaults)
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_monitor_new(pdrift_monitor **out, const pdrift_config *cfg);

/** Free a monitor and everything it owns. NULL is a no-op.
 *  @param m the monitor, or NULL */
PDRIFT_API void pdrift_monitor_free(pdrift_monitor *m);

/**
 * The detailed message of the last failed call on @p m, e.g.
 * "baseline.csv:17:24: column "rsi": "abc" is not a number"; "" if the last
 * call succeeded. Owned by the monitor, valid until the next call on it.
 * @param m the monitor (NULL is accepted)
 * @return the message; never NULL (a static text for m NULL).
 */
PDRIFT_API const char *pdrift_errmsg(const pdrift_monitor *m);

/**
 * Name of the model being monitored, written in the report (NULL clears it).
 * @param m     the monitor
 * @param name  the model's name, copied; or NULL
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_monitor_set_model(pdrift_monitor *m, const char *name);

/**
 * Load the baseline from a snapshot written by ::pdrift_baseline_save
 * (recognised by its magic bytes; it also sets the baseline performance and
 * reference errors it holds) or from a CSV file with a header row: comma-separated,
 * optional UTF-8 BOM, LF, CRLF or CR line ends, RFC 4180 quoting, blank lines
 * skipped. Empty cells and pandas' missing markers (NaN, nan, NA, N/A, n/a,
 * NULL, null, None, \#N/A, \<NA\>, ...) are missing values; inf and -inf are
 * values, and a number beyond the double range reads as ±inf, as strtod.
 * Numbers are read the same whatever the process locale. Columns whose first
 * value is not a number (a date, a symbol) and unnamed columns (a pandas row
 * index) are skipped and reported. Every other column is a feature. With
 * ::PDRIFT_PARAM_OHLCV_FEATURES on, a raw price file (Open, High, Low, Close
 * or Adj Close, optional Volume) is turned into derived stationary features;
 * see docs/features.md.
 *
 * Replaces any previous feature baseline and clears the observed rows and the
 * last result (observed returns are kept: they belong to the performance
 * baseline).
 * @param m     the monitor
 * @param path  the CSV file or snapshot
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL; ::PDRIFT_EIO (cannot open or read);
 *         ::PDRIFT_EFORMAT (malformed file: the message names file, line and
 *         column); ::PDRIFT_EDATA (no data row, no numeric column, or a NaN
 *         under ::PDRIFT_NAN_REJECT); ::PDRIFT_ECORRUPT (a truncated or damaged
 *         snapshot); ::PDRIFT_EVERSION (a snapshot from a newer format);
 *         ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_baseline_load(pdrift_monitor *m, const char *path);

/**
 * Save the monitor's baseline as a snapshot that ::pdrift_baseline_load
 * reads back without parsing or sorting: the features (sorted values and
 * the place of each value in time order, PSI cuts and counts, missing
 * counts, autocorrelation times, and the serial calibration for the last
 * window length computed, by ::pdrift_baseline_calibrate or a detection),
 * the baseline performance (validation returns or explicit metrics) and the
 * reference errors when set. The file is versioned, checksummed and
 * little-endian (docs/snapshot.md); it is written to a temporary name,
 * fsync'ed and renamed, so a failure leaves any previous file intact.
 * Loading a snapshot with other PSI bins or binning recomputes the bins
 * from the sorted values; Sharpe ratios are recomputed from the saved
 * returns with the loading monitor's periods per year and risk-free rate.
 * Thread-safety: like every monitor function, not concurrently with other
 * calls on the same monitor (it writes the detailed error message).
 * @param m     the monitor, with a feature baseline
 * @param path  the snapshot file to write (replaced atomically)
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL); ::PDRIFT_ESTATE (no feature
 *         baseline); ::PDRIFT_EIO (cannot write, the message says why);
 *         ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_baseline_save(const pdrift_monitor *m, const char *path);

/**
 * Compute now the serial calibration that the first detection with windows
 * of @p window_rows rows would compute, so that it costs what the window
 * costs. With ::PDRIFT_PARAM_SERIAL_CORRECTION on, a detection ranks each
 * serially dependent feature's window among up to 200 windows of the same
 * length taken from the baseline (docs/statistics.md); that ranking depends
 * only on the baseline, the settings and the window length, and is kept for
 * the next detections with that length. A snapshot saved afterwards
 * (::pdrift_baseline_save) keeps it too: `pdrift baseline --window N` writes
 * snapshots whose first detection on N rows is as fast as the next ones.
 * A feature whose window holds missing values has fewer values than
 * @p window_rows and is calibrated for its own count at detection. Results
 * are the same whether or not this was called.
 * @param m            the monitor, with a feature baseline
 * @param window_rows  the rows of the windows that will be observed (> 0)
 * @return ::PDRIFT_OK (also when no feature needs it); ::PDRIFT_EINVAL;
 *         ::PDRIFT_ESTATE (no feature baseline); ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_baseline_calibrate(pdrift_monitor *m, size_t window_rows);

/**
 * Set the baseline from memory (for FFI callers): n_rows rows of n_features
 * values, row-major; NaN is a missing value (or an error under
 * ::PDRIFT_NAN_REJECT). Names must be distinct and non-empty. Everything is
 * copied. Replaces any previous feature baseline and clears the observed rows
 * and the last result (observed returns are kept).
 * @param m           the monitor
 * @param names       n_features feature names (copied)
 * @param n_features  number of features, >= 1
 * @param rows        n_rows * n_features values, row-major (copied)
 * @param n_rows      number of rows, >= 1
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_EDATA, ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_baseline_set(pdrift_monitor *m, const char *const *names, size_t n_features,
                                   const double *rows, size_t n_rows);

/**
 * Append observed rows to the window: n_rows rows of the baseline's features
 * in the baseline's order (see ::pdrift_feature_name), row-major. May be
 * called many times; with ::PDRIFT_PARAM_WINDOW_SIZE = N only the latest N
 * rows are kept. NaN is a missing value (or, under ::PDRIFT_NAN_REJECT, the
 * whole batch is refused with ::PDRIFT_EDATA). ±inf are values.
 * @param m       the monitor, with a feature baseline
 * @param rows    n_rows rows of the baseline's features, row-major (copied)
 * @param n_rows  number of rows
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_ESTATE (no baseline),
 *         ::PDRIFT_EDATA, ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_observe_batch(pdrift_monitor *m, const double *rows, size_t n_rows);

/**
 * Append the rows of a CSV file (same format as ::pdrift_baseline_load) to
 * the window; columns are matched to the baseline's features by name. Columns
 * the baseline does not have are ignored and listed in the report. The file
 * is read whole before anything is appended.
 * @param m     the monitor, with a feature baseline
 * @param path  the CSV file
 * @return as ::pdrift_baseline_load, and ::PDRIFT_ESTATE (no baseline),
 *         ::PDRIFT_ESCHEMA (a baseline feature is missing: the message names it)
 */
PDRIFT_API int pdrift_observe_load(pdrift_monitor *m, const char *path);

/**
 * Empty the window: the observed rows, the observed returns and the live
 * errors, which also clears a latched concept drift (the baselines, the
 * reference errors and the last result are kept).
 * @param m the monitor
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL (m NULL)
 */
PDRIFT_API int pdrift_window_reset(pdrift_monitor *m);

/**
 * Set the baseline trading performance from the returns of the validation
 * period (simple per-period returns: per bar, day or trade, e.g. 0.01 for
 * +1%). The Sharpe ratio, maximum drawdown and win rate are computed with
 * ::PDRIFT_PARAM_PERIODS_PER_YEAR and ::PDRIFT_PARAM_RISK_FREE_RATE.
 * Replaces explicit numbers given by ::pdrift_baseline_metrics. Independent
 * of the feature baseline: model drift can be monitored alone.
 * @param m        the monitor
 * @param returns  the validation returns, in time order (copied)
 * @param n        their number, >= 1
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL, n = 0); ::PDRIFT_EDATA (a
 *         non-finite return); ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_baseline_returns(pdrift_monitor *m, const double *returns, size_t n);

/**
 * Set the baseline trading performance from known numbers instead, e.g. a
 * backtest's summary. NaN means unknown (that comparison is skipped).
 * @param m             the monitor
 * @param sharpe        annualised Sharpe ratio, same periods per year as the returns
 * @param max_drawdown  a fraction in [-1, 0] (-0.12 for a 12% drawdown); positive
 *                      values are read as their negatives
 * @param win_rate      a fraction in [0, 1]
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (all three unknown, or a value out of range)
 */
PDRIFT_API int pdrift_baseline_metrics(pdrift_monitor *m, double sharpe, double max_drawdown,
                                       double win_rate);

/**
 * Append live returns (the model's closed trades or bars) to the current
 * window of returns. NaN or ±inf are refused with ::PDRIFT_EDATA (a bug
 * upstream, not a missing value). With ::PDRIFT_PARAM_RETURNS_WINDOW = N only
 * the latest N are kept.
 * @param m        the monitor
 * @param returns  live returns, oldest first (copied)
 * @param n        their number, >= 1
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_EDATA, ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_observe_returns(pdrift_monitor *m, const double *returns, size_t n);

/**
 * Read a returns series from a CSV file into the baseline (as
 * ::pdrift_baseline_returns). The series is the column named ret, return or
 * returns (any case); a file with a single numeric column uses it, with or
 * without a header line; a date column beside it is ignored. Anything else is
 * ::PDRIFT_EFORMAT naming the file and the columns found.
 * @param m     the monitor
 * @param path  the CSV file
 * @return as ::pdrift_baseline_load and ::pdrift_baseline_returns
 */
PDRIFT_API int pdrift_baseline_returns_load(pdrift_monitor *m, const char *path);

/** Read a returns series from a CSV file into the current window (as
 *  ::pdrift_observe_returns); the file format of ::pdrift_baseline_returns_load.
 *  @param m     the monitor
 *  @param path  the CSV file
 *  @return as ::pdrift_baseline_load and ::pdrift_observe_returns */
PDRIFT_API int pdrift_observe_returns_load(pdrift_monitor *m, const char *path);

/**
 * Set the reference errors for concept drift: the validated model's errors
 * on its validation period, in time order (0/1 flags or any non-negative
 * loss). Setting them (a new model, e.g. after a retrain) clears the live
 * errors and the latched concept-drift state: ADDM stays INSUFFICIENT until
 * w new live errors have been observed.
 * @param m       the monitor
 * @param errors  the reference errors, in time order (copied)
 * @param n       their number, >= 1
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (NULL, n = 0); ::PDRIFT_EDATA (a
 *         negative or non-finite error: a bug upstream); ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_baseline_errors(pdrift_monitor *m, const double *errors, size_t n);

/**
 * Append live errors. Only the latest window + k - 1 are kept (a ring: O(1)
 * memory per error).
 * @param m       the monitor
 * @param errors  live errors, oldest first
 * @param n       their number, >= 1
 * @return as ::pdrift_baseline_errors
 */
PDRIFT_API int pdrift_observe_errors(pdrift_monitor *m, const double *errors, size_t n);

/** Read reference errors from a CSV file: a column named error or errors, or
 *  a single numeric column (header optional); as ::pdrift_baseline_errors.
 *  @param m     the monitor
 *  @param path  the CSV file
 *  @return as ::pdrift_baseline_load and ::pdrift_baseline_errors */
PDRIFT_API int pdrift_baseline_errors_load(pdrift_monitor *m, const char *path);

/** Read live errors from a CSV file; as ::pdrift_observe_errors.
 *  @param m     the monitor
 *  @param path  the CSV file
 *  @return as ::pdrift_baseline_load and ::pdrift_observe_errors */
PDRIFT_API int pdrift_observe_errors_load(pdrift_monitor *m, const char *path);

/**
 * Number of features of the baseline.
 * @param m    the monitor
 * @param out  out: the number of features
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_ESTATE (no baseline)
 */
PDRIFT_API int pdrift_feature_count(const pdrift_monitor *m, size_t *out);

/** Name of feature @p index of the baseline.
 *  @param m      the monitor
 *  @param index  0 to the number of features - 1, in baseline order
 *  @return the name, owned by the monitor and valid until the baseline is
 *          replaced; NULL (no baseline, index out of range) */
PDRIFT_API const char *pdrift_feature_name(const pdrift_monitor *m, size_t index);

/**
 * Run every check that has data (SPEC §3, §6) on the baseline and the
 * current window, and keep the result until the next detection. A feature
 * without enough data never fails the detection: it is reported
 * insufficient_data and the others complete.
 * @param m the monitor
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL, ::PDRIFT_ESTATE (no baseline of any
 *         kind: features, returns or metrics), ::PDRIFT_ENOMEM
 */
PDRIFT_API int pdrift_detect(pdrift_monitor *m);

/**
 * The last detection as a JSON document (the keys of docs/report.md),
 * NUL-terminated, with the two-call protocol: *len receives the size needed
 * including the NUL; if cap < *len nothing is written and ::PDRIFT_ENOBUFS is
 * returned. buf NULL with cap 0 asks for the size only.
 * @param m    the monitor, after ::pdrift_detect
 * @param buf  the caller's buffer, or NULL with cap 0
 * @param cap  its size in bytes
 * @param len  out: the size needed, the NUL included (set on ::PDRIFT_OK and
 *             ::PDRIFT_ENOBUFS)
 * @return ::PDRIFT_OK, ::PDRIFT_EINVAL (m or len NULL, or buf NULL with cap >
 *         0), ::PDRIFT_ESTATE (no detection yet), ::PDRIFT_ENOBUFS
 */
PDRIFT_API int pdrift_report_json(const pdrift_monitor *m, char *buf, size_t cap, size_t *len);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Results of the last detection
 *
 *  Every getter answers ::PDRIFT_ESTATE before the first ::pdrift_detect and
 *  ::PDRIFT_EINVAL for a NULL pointer. A value that does not exist (a PSI
 *  that could not be computed) reads as NaN.
 *  @{ */

/** Ordered severities: none < low < medium < high. */
typedef enum pdrift_severity {
    PDRIFT_SEVERITY_NONE = 0,   /**< no drift */
    PDRIFT_SEVERITY_LOW = 1,    /**< drift of low severity */
    PDRIFT_SEVERITY_MEDIUM = 2, /**< drift of medium severity */
    PDRIFT_SEVERITY_HIGH = 3    /**< drift of high severity */
} pdrift_severity;

/** Recommended reaction. */
typedef enum pdrift_action {
    PDRIFT_ACTION_CONTINUE = 0, /**< no drift: keep the current model */
    PDRIFT_ACTION_WATCH = 1,    /**< keep trading, watch closely, retrain if it persists */
    PDRIFT_ACTION_RETRAIN = 2,  /**< retrain the model on recent data */
    PDRIFT_ACTION_FALLBACK = 3  /**< stop the live model, switch to the fallback, retrain */
} pdrift_action;

/** Drift types, as bits of a mask. */
typedef enum pdrift_drift_type {
    PDRIFT_DRIFT_DATA = 1,    /**< the features' distribution moved */
    PDRIFT_DRIFT_CONCEPT = 2, /**< the error stream changed regime */
    PDRIFT_DRIFT_MODEL = 4    /**< trading performance degraded */
} pdrift_drift_type;

/** Per-feature verdict. */
typedef enum pdrift_feature_status {
    PDRIFT_FEATURE_OK = 0,          /**< tested, no drift */
    PDRIFT_FEATURE_DRIFT = 1,       /**< at least one gate fired */
    PDRIFT_FEATURE_INSUFFICIENT = 2 /**< too few values to test the distribution */
} pdrift_feature_status;

/** Overall numbers of a detection, read with ::pdrift_result_get. */
typedef enum pdrift_result_key {
    PDRIFT_RESULT_PSI_MAX = 1,           /**< largest PSI over features where it was computed */
    PDRIFT_RESULT_N_FEATURES = 2,        /**< features tested */
    PDRIFT_RESULT_N_DRIFTED = 3,         /**< features with status drift */
    PDRIFT_RESULT_N_INSUFFICIENT = 4,    /**< features with status insufficient_data */
    PDRIFT_RESULT_DATA_SEVERITY = 5,     /**< ::pdrift_severity of data drift */
    PDRIFT_RESULT_N_RECOMMENDATIONS = 6, /**< see ::pdrift_result_recommendation */
    PDRIFT_RESULT_N_BASELINE_ROWS = 7,   /**< rows of the baseline */
    PDRIFT_RESULT_N_CURRENT_ROWS = 8,    /**< rows of the window that was tested */
    PDRIFT_RESULT_MODEL_STATUS = 9,      /**< ::pdrift_check_status of model drift */
    PDRIFT_RESULT_MODEL_SEVERITY = 10,   /**< ::pdrift_severity of model drift */
    PDRIFT_RESULT_SHARPE_BASELINE = 11,  /**< annualised Sharpe ratio of the baseline */
    PDRIFT_RESULT_SHARPE_CURRENT = 12,   /**< of the current returns */
    PDRIFT_RESULT_MAX_DRAWDOWN_BASELINE = 13, /**< a fraction <= 0 */
    PDRIFT_RESULT_MAX_DRAWDOWN_CURRENT = 14,  /**< of the current returns */
    PDRIFT_RESULT_WIN_RATE_BASELINE = 15,     /**< a fraction */
    PDRIFT_RESULT_WIN_RATE_CURRENT = 16,      /**< of the current returns */
    PDRIFT_RESULT_SHARPE_DEGRADATION = 17, /**< (S_b - S_c) / S_b if S_b > 0, else S_b - S_c */
    PDRIFT_RESULT_DRAWDOWN_INCREASE = 18,  /**< |MDD_c| - |MDD_b| */
    PDRIFT_RESULT_WIN_RATE_CHANGE = 19,    /**< current - baseline */
    PDRIFT_RESULT_WIN_RATE_PVALUE = 20,    /**< one-sided p-value of a drop (NaN without counts) */
    PDRIFT_RESULT_N_RETURNS_BASELINE = 21, /**< 0 for explicit baseline numbers */
    PDRIFT_RESULT_N_RETURNS_CURRENT = 22,     /**< current returns in the window */
    PDRIFT_RESULT_CONCEPT_STATUS = 23,   /**< ::pdrift_check_status of concept drift */
    PDRIFT_RESULT_CONCEPT_LEVEL = 24,    /**< ::pdrift_level (latched: DRIFT stays DRIFT) */
    PDRIFT_RESULT_CONCEPT_SEVERITY = 25, /**< ::pdrift_severity of concept drift */
    PDRIFT_RESULT_SEVERITY_WEIGHT = 26,  /**< ADDM's blending weight w in [0, 1] */
    PDRIFT_RESULT_ADDM_THRESHOLD = 27,   /**< fitted SETAR threshold (NaN if none) */
    PDRIFT_RESULT_ADDM_DELTA = 28,       /**< window minus reference high-regime occupancy */
    PDRIFT_RESULT_CONCEPT_FIRED_AT = 29, /**< live errors seen when DRIFT first fired (NaN if not) */
    PDRIFT_RESULT_N_ERRORS_REFERENCE = 30, /**< reference errors set */
    PDRIFT_RESULT_N_ERRORS_CURRENT = 31, /**< live errors observed since the reference was set */
    PDRIFT_RESULT_ADDM_MEAN_Z = 32       /**< mean rule's z of the window's mean error (NaN if
                                              not computed; see ::PDRIFT_PARAM_ADDM_RULE) */
} pdrift_result_key;

/** Status of one kind of check (model drift; concept drift adds WARNING). */
typedef enum pdrift_check_status {
    PDRIFT_CHECK_NOT_MONITORED = 0, /**< no data of that kind was given */
    PDRIFT_CHECK_OK = 1,            /**< tested, no drift */
    PDRIFT_CHECK_DRIFT = 2,         /**< drift */
    PDRIFT_CHECK_INSUFFICIENT = 3,  /**< not enough data to judge */
    PDRIFT_CHECK_WARNING = 4        /**< concept drift: a change is building up */
} pdrift_check_status;

/** Per-feature numbers, read with ::pdrift_result_feature. */
typedef enum pdrift_feature_key {
    PDRIFT_FEATURE_STATUS = 1,             /**< ::pdrift_feature_status */
    PDRIFT_FEATURE_SEVERITY = 2,           /**< ::pdrift_severity */
    PDRIFT_FEATURE_PSI = 3,                /**< PSI (NaN if not computed) */
    PDRIFT_FEATURE_PSI_PVALUE = 4,         /**< chi-square p-value of the PSI (serial dependence
                                                accounted for, see ::PDRIFT_PARAM_SERIAL_CORRECTION) */
    PDRIFT_FEATURE_PSI_CRITICAL = 5,       /**< PSI critical value at level alpha (same) */
    PDRIFT_FEATURE_KS_STATISTIC = 6,       /**< KS D */
    PDRIFT_FEATURE_KS_PVALUE = 7,          /**< KS p-value (serial dependence accounted for) */
    PDRIFT_FEATURE_KS_PVALUE_ADJUSTED = 8, /**< KS p-value after ::PDRIFT_PARAM_CORRECTION */
    PDRIFT_FEATURE_MISSING_BASELINE = 9,   /**< share of missing baseline rows */
    PDRIFT_FEATURE_MISSING_CURRENT = 10,   /**< share of missing current rows */
    PDRIFT_FEATURE_MISSING_PVALUE = 11,    /**< one-sided p-value of a rise of the share */
    PDRIFT_FEATURE_N_BASELINE = 12,        /**< non-missing baseline values */
    PDRIFT_FEATURE_N_CURRENT = 13,         /**< non-missing current values */
    PDRIFT_FEATURE_GATES = 14,             /**< bits: 1 PSI gate, 2 KS gate, 4 missing gate */
    PDRIFT_FEATURE_AUTOCORRELATION_TIME = 15, /**< tau of the baseline series (1: independent) */
    PDRIFT_FEATURE_PSI_PVALUE_IID = 16,    /**< PSI p-value as if values were independent */
    PDRIFT_FEATURE_KS_PVALUE_IID = 17,     /**< KS p-value as if independent: scipy's ks_2samp */
    PDRIFT_FEATURE_AUTOCORRELATION_TIME_CURRENT = 18 /**< tau used for the window: the larger
                                                          of the baseline's and the window's own */
} pdrift_feature_key;

/** Drift types found, as a mask of ::pdrift_drift_type (0: none).
 *  @param m    the monitor, after ::pdrift_detect
 *  @param out  out: the mask
 *  @return ::PDRIFT_OK, ::PDRIFT_EINVAL (NULL), ::PDRIFT_ESTATE (no detection yet) */
PDRIFT_API int pdrift_result_drift_types(const pdrift_monitor *m, unsigned *out);

/** The most severe drift type found (ties: model > concept > data), 0 if none.
 *  @param m    the monitor, after ::pdrift_detect
 *  @param out  out: one ::pdrift_drift_type, or 0
 *  @return ::PDRIFT_OK, ::PDRIFT_EINVAL (NULL), ::PDRIFT_ESTATE (no detection yet) */
PDRIFT_API int pdrift_result_drift_type(const pdrift_monitor *m, unsigned *out);

/** Overall severity: the maximum over the drift types.
 *  @param m    the monitor, after ::pdrift_detect
 *  @param out  out: the severity
 *  @return ::PDRIFT_OK, ::PDRIFT_EINVAL (NULL), ::PDRIFT_ESTATE (no detection yet) */
PDRIFT_API int pdrift_result_severity(const pdrift_monitor *m, pdrift_severity *out);

/** Recommended action (SPEC §6).
 *  @param m    the monitor, after ::pdrift_detect
 *  @param out  out: the action
 *  @return ::PDRIFT_OK, ::PDRIFT_EINVAL (NULL), ::PDRIFT_ESTATE (no detection yet) */
PDRIFT_API int pdrift_result_action(const pdrift_monitor *m, pdrift_action *out);

/**
 * An overall number of the last detection.
 * @param m    the monitor, after ::pdrift_detect
 * @param key  which number
 * @param out  out: the number (NaN if it does not exist)
 * @return ::PDRIFT_OK; ::PDRIFT_EPARAM for an unknown key; as above
 */
PDRIFT_API int pdrift_result_get(const pdrift_monitor *m, pdrift_result_key key, double *out);

/**
 * A number of feature @p index (baseline order).
 * @param m      the monitor, after ::pdrift_detect
 * @param index  the feature, 0 to the number of features - 1
 * @param key    which number
 * @param out    out: the number (NaN if it does not exist)
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL (index out of range);
 *         ::PDRIFT_EPARAM (unknown key); as above
 */
PDRIFT_API int pdrift_result_feature(const pdrift_monitor *m, size_t index,
                                     pdrift_feature_key key, double *out);

/**
 * The feature at @p rank (0 = most drifted) among the drifted features,
 * ordered by severity, then PSI, then KS D, then baseline order.
 * @param m              the monitor, after ::pdrift_detect
 * @param rank           0 to ::PDRIFT_RESULT_N_DRIFTED - 1
 * @param feature_index  out: the feature's index in baseline order
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL if rank >= the number of drifted features
 */
PDRIFT_API int pdrift_result_drifted(const pdrift_monitor *m, size_t rank, size_t *feature_index);

/**
 * Recommendation @p i (most severe first), e.g. "Data drift (PSI=0.18) on
 * close_norm, volume_norm, rsi: watch the next 7 days; retrain if it
 * persists". Owned by the monitor, valid until the next detection.
 * @param m    the monitor, after ::pdrift_detect
 * @param i    0 to ::PDRIFT_RESULT_N_RECOMMENDATIONS - 1
 * @param out  out: the text
 * @return ::PDRIFT_OK; ::PDRIFT_EINVAL if i >= the number of recommendations
 */
PDRIFT_API int pdrift_result_recommendation(const pdrift_monitor *m, size_t i, const char **out);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* PLOUTOS_DRIFT_H */
