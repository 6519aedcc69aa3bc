/*
 * simulate.h — a deterministic market simulator for the pdrift CLI's demo
 * and selftest.
 *
 * It writes daily bars of one instrument as a raw price file
 * "Date,Open,High,Low,Close,Volume" (ISO dates, business days only), the kind
 * of file a user gives as a baseline. For a given seed and arguments the
 * output is the same byte for byte on every machine: the random numbers come
 * from xoshiro256** seeded by splitmix64, normal deviates from the polar form
 * of Box–Muller, and the exp/log the model needs are evaluated with basic
 * IEEE arithmetic only (no libm transcendental functions, whose last bit
 * differs between C libraries).
 *
 * The model, per business day t (z, z' ... independent standard normals):
 *   variance  s2[t] = w + arch * e[t-1]^2 + garch * s2[t-1],
 *             w = volatility^2 (1 - arch - garch), s2[0] = volatility^2
 *             (GARCH(1,1) volatility clustering around the regime's level;
 *             arch = garch = 0 gives a constant volatility)
 *   shock     e[t] = sqrt(s2[t]) * z[t]
 *   open      O[t] = C[t-1] * exp(sqrt(0.1) * e_gap),   C[-1] = start_price
 *   close     C[t] = O[t] * exp(drift + sqrt(0.9) * e_day)
 *             (e_gap and e_day split the shock e[t] = sqrt(0.1) z1 + sqrt(0.9) z2;
 *             the day's log return C[t]/C[t-1] is drift + e[t])
 *   high      H[t] = max(O, C) * exp(0.5 * sqrt(s2[t]) * |z3|)
 *   low       L[t] = min(O, C) * exp(-0.5 * sqrt(s2[t]) * |z4|)
 *   volume    V[t] = lognormal with mean volume_mean and sd volume_sd, its
 *             normal deviate correlated (0.3) with the size |z2| of the day's move
 * Prices are rounded to 4 decimals and volumes to whole numbers. The rounded
 * close is the next day's reference, so the file's returns are the model's.
 *
 * This is example code (part of the CLI, not of the library).
 */
#ifndef PDRIFT_SIMULATE_H
#define PDRIFT_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

/** A market regime. All values are per business day. */
typedef struct sim_regime {
    double drift;       /**< mean log return, e.g. 0.0003 */
    double volatility;  /**< long-run standard deviation of the log return, > 0 */
    double volume_mean; /**< mean volume, > 0 */
    double volume_sd;   /**< standard deviation of the volume, >= 0 */
    double arch;        /**< GARCH(1,1) alpha, >= 0; 0 with garch 0 = constant volatility */
    double garch;       /**< GARCH(1,1) beta, >= 0; arch + garch < 1 */
} sim_regime;

/** A calm market: 0.8% daily volatility, mild clustering, slight upward drift,
 *  volume 1,000,000 +- 250,000. */
extern const sim_regime sim_calm;

/** A turbulent market: 2.5% daily volatility, strong clustering, a falling
 *  price, volume about twice the calm one (2,000,000 +- 700,000). */
extern const sim_regime sim_volatile;

/** One daily bar. */
typedef struct sim_bar {
    char date[11]; /**< "YYYY-MM-DD" */
    double open, high, low, close, volume;
} sim_bar;

/**
 * Simulate n_bars business days into bars[0..n_bars).
 *
 * @param seed        any value; the same seed gives the same bars everywhere
 * @param start_date  "YYYY-MM-DD" between 1900 and 9999; the first bar is on
 *                    that day, or on the next Monday if it is a weekend day
 * @param n_bars      number of bars, >= 1
 * @param start_price previous close before the first bar, in [0.01, 1e9]
 * @param regime      the regime (see sim_regime for the valid ranges)
 * @param bars        out: n_bars bars
 * @return 0, or -1 with errno = EINVAL (invalid argument) or ERANGE (a price
 *         left the range that 4 decimals can represent)
 */
int sim_generate(uint64_t seed, const char *start_date, size_t n_bars, double start_price,
                 const sim_regime *regime, sim_bar *bars);

/**
 * Simulate as sim_generate and write the bars as a CSV file with the header
 * "Date,Open,High,Low,Close,Volume". The file is written to a temporary file
 * next to path and renamed over path, so a reader never sees a partial file.
 *
 * @return 0, or -1 with errno set (EINVAL, ERANGE, or the error of
 *         open/write/fsync/rename); path is left untouched on failure
 */
int sim_write_ohlcv(const char *path, uint64_t seed, const char *start_date, size_t n_bars,
                    double start_price, const sim_regime *regime);

/**
 * The business day after `date` ("YYYY-MM-DD"), written to out: where a
 * series that ends on `date` continues (e.g. a volatile period after a calm
 * baseline). @return 0, or -1 with errno = EINVAL
 */
int sim_next_business_day(const char *date, char out[11]);

#endif /* PDRIFT_SIMULATE_H */
