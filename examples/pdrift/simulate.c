/*
 * simulate.c — a deterministic market simulator (see simulate.h for the model).
 *
 * Same output on every machine: integer random numbers, basic IEEE-754
 * double arithmetic (the build uses -ffp-contract=off), sqrt/floor/frexp/
 * ldexp (exact or correctly rounded everywhere) and our own exp and log
 * below, never libm's exp/log/cos, whose results differ in the last bit
 * between C libraries.
 */
#include "simulate.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const sim_regime sim_calm = { 0.0003, 0.008, 1.0e6, 2.5e5, 0.05, 0.90 };
const sim_regime sim_volatile = { -0.0015, 0.025, 2.0e6, 7.0e5, 0.10, 0.85 };

#define GAP_SHARE 0.1         /* share of the day's variance in the overnight gap */
#define WICK_SCALE 0.5        /* high/low beyond open/close, in daily sds */
#define VOLUME_MOVE_CORR 0.3  /* correlation of log volume with the size of the move */
#define PRICE_MIN 0.01
#define PRICE_MAX 1.0e9

/* ---- portable exp and log ---------------------------------------------------------- */

/* fdlibm's split of ln 2: LN2_HI has 32 trailing zero bits, so k * LN2_HI is
 * exact for the |k| < 2^20 used here. */
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

/* e^x for |x| <= 700: x = k ln2 + r, |r| <= ln2/2, Taylor series of e^r to
 * degree 17 (truncation < 1e-23), then scaled by 2^k (exact). */
static double det_exp(double x)
{
    double k = floor(x * INV_LN2 + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO;
    double p = 1.0;
    for (int j = 17; j >= 1; j--)
        p = 1.0 + r * p / (double)j;
    return ldexp(p, (int)k);
}

/* ln x for finite x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)),
 * ln m = 2 atanh(f), f = (m - 1)/(m + 1), |f| <= 0.172, series to f^25. */
static double det_log(double x)
{
    int e;
    double m = frexp(x, &e);
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e--;
    }
    double f = (m - 1.0) / (m + 1.0), s = f * f, p = 1.0 / 25.0;
    for (int j = 11; j >= 0; j--)
        p = 1.0 / (double)(2 * j + 1) + s * p;
    return (double)e * LN2_HI + ((double)e * LN2_LO + 2.0 * f * p);
}

/* ---- random numbers: xoshiro256** seeded by splitmix64 ------------------------------- */

typedef struct rng {
    uint64_t s[4];
    double spare; /* second deviate of the last polar pair */
    int has_spare;
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(rng *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void rng_seed(rng *g, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        g->s[i] = splitmix64(&seed);
    g->has_spare = 0;
    g->spare = 0.0;
}

/* Uniform on (-1, 1), a multiple of 2^-52, never -1. */
static double uniform_pm1(rng *g)
{
    return (double)(next_u64(g) >> 11) * 0x1.0p-52 - 1.0;
}

/* Standard normal, polar Box–Muller (Marsaglia 1964). */
static double normal(rng *g)
{
    if (g->has_spare) {
        g->has_spare = 0;
        return g->spare;
    }
    double u, v, s;
    do {
        u = uniform_pm1(g);
        v = uniform_pm1(g);
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double scale = sqrt(-2.0 * det_log(s) / s);
    g->spare = v * scale;
    g->has_spare = 1;
    return u * scale;
}

/* ---- business days ------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Parse a strict "YYYY-MM-DD" (1900..9999, a real calendar day). */
static int parse_date(const char *s, long *days)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !is_digit(s[i]))
            return -1;
    long y = (s[0] - '0') * 1000L + (s[1] - '0') * 100L + (s[2] - '0') * 10L + (s[3] - '0');
    long m = (s[5] - '0') * 10L + (s[6] - '0');
    long d = (s[8] - '0') * 10L + (s[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    long z = days_from_civil(y, m, d), y2, m2, d2;
    civil_from_days(z, &y2, &m2, &d2);
    if (y2 != y || m2 != m || d2 != d) /* e.g. 2023-02-30 */
        return -1;
    *days = z;
    return 0;
}

/* 1970-01-01 was a Thursday; with Monday = 0, Saturday = 5 and Sunday = 6. */
static int is_weekend(long days)
{
    long wd = ((days % 7) + 7 + 3) % 7;
    return wd >= 5;
}

static long business_day_on_or_after(long days)
{
    while (is_weekend(days))
        days++;
    return days;
}

static void put_digits(char *out, long value, int width)
{
    for (int i = width - 1; i >= 0; i--, value /= 10)
        out[i] = (char)('0' + value % 10);
}

/* "YYYY-MM-DD"; -1 outside the years 1000..9999. */
static int format_date(long days, char out[11])
{
    long y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 1000 || y > 9999)
        return -1;
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = '\0';
    return 0;
}

int sim_next_business_day(const char *date, char out[11])
{
    long days;
    if (out == NULL || parse_date(date, &days) != 0 ||
        format_date(business_day_on_or_after(days + 1), out) != 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* ---- the market ---------------------------------------------------------------------- */

typedef struct market {
    rng g;
    sim_regime r;
    double close;    /* previous close */
    double variance; /* of today's shock */
    double shock;    /* yesterday's shock */
    long day;        /* days since 1970-01-01 of the next bar */
    double vol_mu, vol_sigma; /* log-volume parameters */
} market;

static int regime_ok(const sim_regime *r)
{
    return r != NULL && isfinite(r->drift) && fabs(r->drift) < 0.1 && isfinite(r->volatility) &&
           r->volatility > 0.0 && r->volatility < 0.5 && isfinite(r->volume_mean) &&
           r->volume_mean > 0.0 && r->volume_mean < 1e15 && isfinite(r->volume_sd) &&
           r->volume_sd >= 0.0 && r->volume_sd < 1e15 && r->arch >= 0.0 && r->garch >= 0.0 &&
           r->arch + r->garch < 1.0;
}

static int market_init(market *mk, uint64_t seed, const char *start_date, double start_price,
                       const sim_regime *regime)
{
    long days;
    if (!regime_ok(regime) || !(start_price >= PRICE_MIN && start_price <= PRICE_MAX) ||
        parse_date(start_date, &days) != 0) {
        errno = EINVAL;
        return -1;
    }
    rng_seed(&mk->g, seed);
    mk->r = *regime;
    mk->close = start_price;
    mk->variance = regime->volatility * regime->volatility;
    mk->shock = 0.0;
    mk->day = business_day_on_or_after(days);
    /* lognormal with the requested mean and sd */
    double cv = regime->volume_sd / regime->volume_mean;
    double s2 = det_log(1.0 + cv * cv);
    mk->vol_mu = det_log(regime->volume_mean) - 0.5 * s2;
    mk->vol_sigma = sqrt(s2);
    return 0;
}

static double round_to(double x, double scale)
{
    return nearbyint(x * scale) / scale;
}

static int market_step(market *mk, sim_bar *bar)
{
    const sim_regime *r = &mk->r;
    if (r->arch > 0.0 || r->garch > 0.0) {
        double level = r->volatility * r->volatility;
        mk->variance = level * (1.0 - r->arch - r->garch) + r->arch * mk->shock * mk->shock +
                       r->garch * mk->variance;
    }
    double sd = sqrt(mk->variance);
    double z_gap = normal(&mk->g), z_day = normal(&mk->g);
    double z_high = normal(&mk->g), z_low = normal(&mk->g), z_volume = normal(&mk->g);
    double gap = sd * sqrt(GAP_SHARE) * z_gap;
    double day = sd * sqrt(1.0 - GAP_SHARE) * z_day;
    mk->shock = gap + day;

    double open = mk->close * det_exp(gap);
    double close = open * det_exp(r->drift + day);
    double high = (open > close ? open : close) * det_exp(WICK_SCALE * sd * fabs(z_high));
    double low = (open < close ? open : close) * det_exp(-WICK_SCALE * sd * fabs(z_low));

    /* |z| has mean sqrt(2/pi) and sd sqrt(1 - 2/pi) */
    double size = (fabs(z_day) - 0.79788456080286535588) / 0.60281028640500692;
    double zv = VOLUME_MOVE_CORR * size +
                sqrt(1.0 - VOLUME_MOVE_CORR * VOLUME_MOVE_CORR) * z_volume;
    double volume = round_to(det_exp(mk->vol_mu + mk->vol_sigma * zv), 1.0);

    bar->open = round_to(open, 1e4);
    bar->close = round_to(close, 1e4);
    bar->high = round_to(high, 1e4);
    bar->low = round_to(low, 1e4);
    /* rounding is monotone, but keep the invariants explicit */
    if (bar->high < bar->open || bar->high < bar->close)
        bar->high = bar->open > bar->close ? bar->open : bar->close;
    if (bar->low > bar->open || bar->low > bar->close)
        bar->low = bar->open < bar->close ? bar->open : bar->close;
    bar->volume = volume;
    if (!(bar->low >= PRICE_MIN && bar->high <= PRICE_MAX) ||
        format_date(mk->day, bar->date) != 0) {
        errno = ERANGE;
        return -1;
    }
    mk->close = bar->close;
    mk->day = business_day_on_or_after(mk->day + 1);
    return 0;
}

int sim_generate(uint64_t seed, const char *start_date, size_t n_bars, double start_price,
                 const sim_regime *regime, sim_bar *bars)
{
    market mk;
    if (bars == NULL || n_bars == 0) {
        errno = EINVAL;
        return -1;
    }
    if (market_init(&mk, seed, start_date, start_price, regime) != 0)
        return -1;
    for (size_t i = 0; i < n_bars; i++)
        if (market_step(&mk, &bars[i]) != 0)
            return -1;
    return 0;
}

/* ---- the CSV file ---------------------------------------------------------------------- */

/* Create a new temporary file next to path (mode 0666 less the umask). */
static FILE *create_temp(const char *path, char *tmp, size_t cap)
{
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        int len = snprintf(tmp, cap, "%s.tmp.%ld.%u", path, (long)getpid(), attempt);
        if (len < 0 || (size_t)len >= cap) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0) {
            if (errno == EEXIST)
                continue;
            return NULL;
        }
        FILE *f = fdopen(fd, "w");
        if (f == NULL) {
            int saved = errno;
            close(fd);
            unlink(tmp);
            errno = saved;
        }
        return f;
    }
    errno = EEXIST;
    return NULL;
}

static int write_bars(FILE *f, market *mk, size_t n_bars)
{
    if (fputs("Date,Open,High,Low,Close,Volume\n", f) == EOF)
        return -1;
    for (size_t i = 0; i < n_bars; i++) {
        sim_bar b;
        if (market_step(mk, &b) != 0)
            return -1;
        if (fprintf(f, "%s,%.4f,%.4f,%.4f,%.4f,%.0f\n", b.date, b.open, b.high, b.low, b.close,
                    b.volume) < 0)
            return -1;
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        return -1;
    return 0;
}

int sim_write_ohlcv(const char *path, uint64_t seed, const char *start_date, size_t n_bars,
                    double start_price, const sim_regime *regime)
{
    market mk;
    if (path == NULL || *path == '\0' || n_bars == 0) {
        errno = EINVAL;
        return -1;
    }
    if (market_init(&mk, seed, start_date, start_price, regime) != 0)
        return -1;
    char tmp[4096];
    FILE *f = create_temp(path, tmp, sizeof tmp);
    if (f == NULL)
        return -1;
    int rc = write_bars(f, &mk, n_bars);
    int saved = errno;
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        unlink(tmp);
        errno = saved;
    }
    return rc;
}
