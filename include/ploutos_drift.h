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
 * never changes meaning or signature. See docs/abi.md.
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
#define PDRIFT_VERSION_MAJOR 1
#define PDRIFT_VERSION_MINOR 0
#define PDRIFT_VERSION_PATCH 0
/** MAJOR*10000 + MINOR*100 + PATCH, for compile-time comparisons. */
#define PDRIFT_VERSION_NUMBER \
    (PDRIFT_VERSION_MAJOR * 10000 + PDRIFT_VERSION_MINOR * 100 + PDRIFT_VERSION_PATCH)
#define PDRIFT_QUOTE(x) #x
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
 */
PDRIFT_API unsigned pdrift_version_number(void);

/** Version of the library actually linked, as "MAJOR.MINOR.PATCH" (static). */
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
 */
PDRIFT_API int pdrift_sharpe(const double *returns, size_t n, double periods_per_year,
                             double *out);

/**
 * Maximum drawdown of the equity curve E_0 = 1, E_t = E_{t-1}(1 + r_t), the
 * starting equity included: min_t (E_t - peak_t) / peak_t.
 *
 * @param out out: a fraction in [-1, 0] (empyrical's sign): -0.25 is a 25%
 *            drawdown; -1 if the equity ever reaches 0 or below (ruin)
 */
PDRIFT_API int pdrift_max_drawdown(const double *returns, size_t n, double *out);

/**
 * Win rate: #(r > 0) / #(r != 0). Zero returns (flat bars, scratch trades)
 * count neither as wins nor as losses (quantstats' convention).
 *
 * @param out out: a fraction in [0, 1]; NaN when every return is zero
 */
PDRIFT_API int pdrift_win_rate(const double *returns, size_t n, double *out);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* PLOUTOS_DRIFT_H */
