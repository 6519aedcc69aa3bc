/*
 * kolmogorov.c — distribution of the one-sample Kolmogorov–Smirnov statistic.
 *
 * pdrift__kstwo_sf(d, n) = P(D_n >= d), the two-sided statistic, and
 * pdrift__smirnov(n, x) = P(D_n+ >= x), the one-sided one. They reproduce
 * scipy 1.10's kstwo.sf and special.smirnov (SPEC §1.6): Simard & L'Ecuyer's
 * (2011) choice of method by region, with
 *   - Ruben–Gambino's closed forms for n·d <= 1 and n·d >= n - 1,
 *   - Durbin's matrix in the form of Marsaglia, Tsang & Wang (2003),
 *   - Pomeranz's (1974) recursion,
 *   - Pelz & Good's (1976) asymptotic expansion,
 *   - Smirnov's (1944) / Birnbaum & Tingey's (1951) sum for the one-sided
 *     tail, in extended precision (van Mulbregt 2018).
 *
 * The operation order follows scipy's where it changes the last bits (it is
 * noted where that is the case); tests/check_kstwo.c holds every branch to
 * the golden values. Pure functions: no allocation escapes, no global state.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PI 3.14159265358979323846 /* rounds to numpy's np.pi */
#define LN2 0.69314718055994530942
#define TWO_POW_128 0x1p128
#define TWO_POW_M128 0x1p-128

static double clamp_probability(double p)
{
    if (p < 0.0)
        return 0.0;
    if (p > 1.0)
        return 1.0;
    return p; /* NaN passes through, as numpy's clip */
}

/* numpy's np.sum of a short float64 array: the identity 0.0 plus a pairwise
 * sum that, below 8 items, is a plain loop and, up to 128, uses 8 partial
 * sums. Pelz–Good sums at most 8 terms; matching numpy keeps it bit-equal. */
static double numpy_sum(const double *a, size_t n)
{
    double res;
    size_t i;
    if (n < 8) {
        res = 0.0;
        for (i = 0; i < n; i++)
            res += a[i];
        return 0.0 + res;
    }
    double r[8];
    memcpy(r, a, sizeof r);
    for (i = 8; i < n - (n % 8); i += 8)
        for (size_t j = 0; j < 8; j++)
            r[j] += a[i + j];
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++)
        res += a[i];
    return 0.0 + res;
}

/* ------------------------------------------------------------------------ */
/* Smirnov's one-sided distribution                                          */

/* C(n, j) kept as mantissa in [0.5, 1) times 2^exponent, so it never
 * overflows for n up to 10^6 and beyond. */
typedef struct {
    long double mantissa;
    long exponent;
} scaled_binomial;

static void binomial_next(scaled_binomial *c, int n, int j)
{
    int e;
    c->mantissa = frexpl(c->mantissa * (long double)(n - j) / (long double)(j + 1), &e);
    c->exponent += e;
}

/* P(D_n+ >= x) for x > 1/n, n·x not within one of n, n <= 10^6:
 * x · sum_{j=0}^{J} C(n,j) (x + j/n)^(j-1) (1 - x - j/n)^(n-j), all terms
 * positive, each evaluated in long double as 2^(log2 of its factors). */
static double smirnov_sum(int n, double x, long nx_floor, long double alpha)
{
    const long double nl = (long double)n;
    const long double nx = (long double)nx_floor + alpha; /* n·x, exactly */
    const long big_j = (long)n - nx_floor - 1;
    scaled_binomial c = {0.5L, 1}; /* C(n, 0) = 1 = 0.5 · 2^1 */
    long double sum = 0.0L;

    for (long j = 0; j <= big_j; j++) {
        long double b1 = ((long double)j + nx) / nl;                    /* x + j/n */
        long double b2 = (((long double)(n - j) - (long double)nx_floor) - alpha) / nl; /* 1 - x - j/n */
        long double log2_term = (long double)c.exponent + (long double)(j - 1) * log2l(b1) +
                                (long double)(n - j) * log2l(b2);
        long double term = c.mantissa * exp2l(log2_term);
        sum += term;
        if (term != 0.0L) {
            if (j != big_j && 4.0L * (long double)(big_j + 1 - j) * fabsl(term) < (long double)DBL_EPSILON * sum)
                break;
        } else if ((double)j > n / 2.0) {
            break;
        }
        binomial_next(&c, n, (int)j);
    }
    return clamp_probability((double)((long double)x * sum));
}

double pdrift__smirnov(int n, double x)
{
    if (n <= 0 || !(x >= 0.0 && x <= 1.0))
        return NAN;
    if (n == 1)
        return 1.0 - x;
    if (x == 0.0)
        return 1.0;
    if (x == 1.0)
        return 0.0;

    /* n·x = hi + lo exactly; split into floor and fraction alpha in [0, 1). */
    double hi = (double)n * x;
    double lo = fma((double)n, x, -hi);
    double hi_floor = floor(hi);
    long nx_floor = (long)hi_floor;
    long double alpha = (long double)(hi - hi_floor) + (long double)lo;
    if (alpha < 0.0L) {
        nx_floor -= 1;
        alpha += 1.0L;
    } else if (alpha >= 1.0L) {
        nx_floor += 1;
        alpha -= 1.0L;
    }
    if ((double)alpha == 1.0) {
        nx_floor += 1;
        alpha = 0.0L;
    }

    if (nx_floor == 0 || (nx_floor == 1 && alpha == 0.0L)) /* x <= 1/n */
        return (double)(1.0L - (long double)x * powl(1.0L + (long double)x, (long double)(n - 1)));
    if (-2.0 * n * x * x < -745.1332191019412) /* result < 2^-1075: underflow */
        return 0.0;
    if (nx_floor >= (long)n - 1)
        return (double)powl(1.0L - (long double)x, (long double)n);
    if (n > 1000000) {
        /* p ~ exp(-(6nx + 1)^2 / 18n), in scipy's operation order. */
        double logp = -pow(6.0 * n * x + 1, 2) / 18.0 / n;
        if (logp < -LN2)
            return exp(logp);
        return 1.0 - (-expm1(logp));
    }
    return smirnov_sum(n, x, nx_floor, alpha);
}

/* ------------------------------------------------------------------------ */
/* Durbin's matrix (Marsaglia, Tsang & Wang 2003): CDF P(D_n < d)            */

/* c = a · b for m×m row-major matrices (c distinct from a and b). */
static void matrix_multiply(const double *a, const double *b, double *c, int m)
{
    for (int r = 0; r < m; r++) {
        double *row = c + (size_t)r * (size_t)m;
        for (int k = 0; k < m; k++)
            row[k] = 0.0;
        for (int k = 0; k < m; k++) {
            double f = a[(size_t)r * (size_t)m + (size_t)k];
            if (f == 0.0)
                continue;
            const double *brow = b + (size_t)k * (size_t)m;
            for (int col = 0; col < m; col++)
                row[col] += f * brow[col];
        }
    }
}

/* A CDF value and whether scipy holds it as a long double at that point. */
typedef struct {
    long double value;
    int extended;
} cdf_value;

/* Like scipy, the final scaling loop continues in extended precision once a
 * rescale by 2^128 happened. NaN if scratch memory cannot be allocated (never
 * for the sizes reachable here: m <= 117). */
static cdf_value durbin_cdf(int n, double d)
{
    cdf_value out = {NAN, 0};
    double nd = n * d;
    int k = (int)ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    size_t mm = (size_t)m * (size_t)m;

    double *block = malloc(4 * mm * sizeof *block + 2 * (size_t)m * sizeof *block);
    if (block == NULL)
        return out;
    double *hm = block, *power = block + mm, *tmp = block + 2 * mm, *tmp2 = block + 3 * mm;
    double *w = block + 4 * mm, *v = w + m;

    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
        w[j - 1] = fac; /* 1/(j-1)! */
        fac /= j;
        v[j - 1] = (1.0 - pow(h, j)) * fac;
    }
    double lower = 2.0 * h - 1.0;
    double tt = (lower > 0.0 ? pow(lower, m) : 0.0) - 2.0 * pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;

    memset(hm, 0, mm * sizeof *hm);
    for (int c = 1; c < m; c++)
        for (int r = c - 1; r < m; r++)
            hm[(size_t)r * (size_t)m + (size_t)c] = w[r - c + 1];
    for (int r = 0; r < m; r++)
        hm[(size_t)r * (size_t)m] = v[r];
    for (int c = 0; c < m; c++)
        hm[(size_t)(m - 1) * (size_t)m + (size_t)c] = v[m - 1 - c];

    memset(power, 0, mm * sizeof *power);
    for (int r = 0; r < m; r++)
        power[(size_t)r * (size_t)m + (size_t)r] = 1.0;

    long power_exp = 0, h_exp = 0;
    const size_t diag = (size_t)(k - 1) * (size_t)m + (size_t)(k - 1);
    for (int e = n; e > 0; e >>= 1) {
        if (e & 1) {
            matrix_multiply(power, hm, tmp, m);
            memcpy(power, tmp, mm * sizeof *power);
            power_exp += h_exp;
        }
        matrix_multiply(hm, hm, tmp2, m);
        memcpy(hm, tmp2, mm * sizeof *hm);
        h_exp *= 2;
        if (fabs(hm[diag]) > TWO_POW_128) {
            for (size_t i = 0; i < mm; i++)
                hm[i] /= TWO_POW_128;
            h_exp += 128;
        }
    }

    double p = power[diag];
    free(block);

    int i = 1;
    for (; i <= n; i++) {
        p = i * p / n;
        if (fabs(p) < TWO_POW_M128) {
            power_exp -= 128;
            break;
        }
    }
    if (i > n) {
        out.value = power_exp != 0 ? ldexp(p, (int)power_exp) : p;
        return out;
    }
    /* scipy multiplies by a long double 2^128 here: the rest is extended. */
    long double pl = (long double)p * (long double)TWO_POW_128;
    for (i++; i <= n; i++) {
        pl = (long double)i * pl / (long double)n;
        if (fabsl(pl) < (long double)TWO_POW_M128) {
            pl *= (long double)TWO_POW_128;
            power_exp -= 128;
        }
    }
    out.value = power_exp != 0 ? ldexpl(pl, (int)power_exp) : pl;
    out.extended = 1;
    return out;
}

/* ------------------------------------------------------------------------ */
/* Pomeranz (1974), Algorithm 487: CDF P(D_n < d)                            */

typedef struct {
    long lo, hi; /* inclusive column window of a row, clamped to [0, n] */
} column_window;

/* The window of row i (scipy's _pomeranz_compute_j1j2). */
static column_window pomeranz_window(long i, long n, long ll, long ceilf, long roundf)
{
    long j1, j2;
    if (i == 0) {
        j1 = -ll - ceilf - 1;
        j2 = ll + ceilf - 1;
    } else {
        long half = (i + 1) / 2;
        if ((i + 1) % 2 == 0) { /* i odd */
            if (half == n + 1) {
                j1 = n - ll - ceilf - 1;
                j2 = n + ll + ceilf - 1;
            } else {
                j1 = half - 1 - ll - roundf - 1;
                j2 = half + ll - 1 + ceilf - 1;
            }
        } else {
            j1 = half - 1 - ll - 1;
            j2 = half + ll + roundf - 1;
        }
    }
    column_window w = {j1 + 2 > 0 ? j1 + 2 : 0, j2 < n ? j2 : n};
    return w;
}

/* As durbin_cdf; NaN if scratch memory is unavailable. */
static cdf_value pomeranz_cdf(int n, double x)
{
    cdf_value out = {NAN, 0};
    double t = n * x;
    long ll = (long)floor(t);
    double f = t - (double)ll;
    double g = f < 1.0 - f ? f : 1.0 - f;
    long ceilf = f > 0 ? 1 : 0;
    long roundf = f > 0.5 ? 1 : 0;
    size_t npwrs = (size_t)(2 * (ll + 1));

    double *block = malloc(5 * npwrs * sizeof *block);
    if (block == NULL)
        return out;
    double *gpower = block, *twogpower = block + npwrs, *onem2gpower = block + 2 * npwrs;
    double *v0 = block + 3 * npwrs, *v1 = block + 4 * npwrs;

    /* (a/n)^m / m! by recurrence, a/n computed once, as scipy does. */
    double g_over_n = g / n, two_g_over_n = 2 * g / n, one_minus_two_g_over_n = (1 - 2 * g) / n;
    gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
    for (size_t m = 1; m < npwrs; m++) {
        gpower[m] = gpower[m - 1] * g_over_n / (double)m;
        twogpower[m] = twogpower[m - 1] * two_g_over_n / (double)m;
        onem2gpower[m] = onem2gpower[m - 1] * one_minus_two_g_over_n / (double)m;
    }

    memset(v1, 0, npwrs * sizeof *v1);
    v1[0] = 1.0;
    long v0s = 0, v1s = 0; /* column index of element 0 of each row */
    long expnt = 0;
    column_window win = pomeranz_window(0, n, ll, ceilf, roundf);

    for (long i = 1; i <= 2L * n + 1; i++) {
        long k1 = win.lo;
        double *swap = v0;
        v0 = v1;
        v1 = swap;
        long swaps = v0s;
        v0s = v1s;
        v1s = swaps;
        memset(v1, 0, npwrs * sizeof *v1);
        win = pomeranz_window(i, n, ll, ceilf, roundf);
        const double *pwrs = (i == 1 || i == 2L * n + 1) ? gpower : (i % 2 ? twogpower : onem2gpower);

        long ln2 = win.hi - k1 + 1;
        if (ln2 <= 0)
            continue;
        /* v1[j - j1] = sum_{k = k1}^{j} v0[k] · pwrs[j - k], over stored terms. */
        double vmax = 0.0;
        for (long j = win.lo; j <= win.hi; j++) {
            double s = 0.0;
            for (long kk = k1; kk <= j; kk++) {
                long src = kk - v0s;
                long pw = j - kk;
                if (src < 0 || (size_t)src >= npwrs || kk - k1 >= ln2 || (size_t)pw >= npwrs)
                    continue;
                s += v0[src] * pwrs[pw];
            }
            v1[j - win.lo] = s;
            if (s > vmax)
                vmax = s;
        }
        if (0.0 < vmax && vmax < TWO_POW_M128) {
            for (size_t m = 0; m < npwrs; m++)
                v1[m] *= TWO_POW_128;
            expnt -= 128;
        }
        v1s = v0s + win.lo - k1;
    }

    double ans = v1[n - v1s];
    free(block);

    /* ans · n!, with scipy's switch to long double after a rescale. */
    long m = 1;
    for (; m <= n; m++) {
        if (fabs(ans) > TWO_POW_128)
            break;
        ans *= (double)m;
    }
    if (m > n) {
        out.value = expnt != 0 ? ldexp(ans, (int)expnt) : ans;
        return out;
    }
    long double ansl = ans;
    for (; m <= n; m++) {
        if (fabsl(ansl) > (long double)TWO_POW_128) {
            ansl *= (long double)TWO_POW_M128;
            expnt += 128;
        }
        ansl *= (long double)m;
    }
    out.value = expnt != 0 ? ldexpl(ansl, (int)expnt) : ansl;
    out.extended = 1;
    return out;
}

/* ------------------------------------------------------------------------ */
/* Pelz & Good (1976): CDF ≈ K0 + K1/√n + K2/n + K3/n^1.5                     */

static double pelz_good_cdf(int n, double x)
{
    static const double pi = PI;
    const double pi2 = pow(pi, 2), pi4 = pow(pi, 4), pi6 = pow(pi, 6);
    const double sqrt2pi = sqrt(2 * pi), sqrt3 = sqrt(3.0);

    double z = sqrt((double)n) * x;
    double z2 = pow(z, 2), z3 = pow(z, 3), z4 = pow(z, 4), z6 = pow(z, 6);
    double qlog = -pi2 / 8 / z2;
    if (qlog < -708)
        return 0.0;
    double q = exp(qlog);
    double k1a = -z2, k1b = pi2 / 4;
    double k2a = 6 * z6 + 2 * z4;
    double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
    double k2c = pi4 * (1 - 2 * z2) / 16;
    double k3d = pi6 * (5 - 30 * z2) / 64;
    double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
    double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
    double k3a = -30 * z6 - 90 * pow(z, 8);

    double kk[4] = {0, 0, 0, 0};
    int maxk = (int)ceil(16 * z / pi);
    for (int k = maxk; k > 0; k--) {
        double m = 2 * k - 1;
        double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2; /* exact: m is a small integer */
        double qpower = pow(q, 8 * k);
        double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                            k3a + k3b * m2 + k3c * m4 + k3d * m6};
        for (int i = 0; i < 4; i++)
            kk[i] = kk[i] * qpower + coeffs[i];
    }
    const double divisors[4] = {z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)};
    for (int i = 0; i < 4; i++)
        kk[i] = kk[i] * q * sqrt2pi / divisors[i];

    /* The extra terms of K2 and K3, summed as numpy sums (maxk <= 8 here). */
    double u = exp(-pi2 / 2 / z2);
    double sqrt3z = sqrt3 * z;
    double t2[16] = {0}, t3[16] = {0}; /* maxk <= 8: s < 2.2 gives z < 1.49 */
    int nk = maxk < 16 ? maxk : 16;
    for (int i = 0; i < nk; i++) {
        int k = maxk - i;
        double ksq = (double)k * k;
        double upow = pow(u, ksq);
        double kspi = pi * k;
        t2[i] = ksq * upow;
        t3[i] = (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * upow;
    }
    double k2extra = numpy_sum(t2, (size_t)nk) * (pi2 * sqrt2pi / (-36 * z3));
    double k3extra = numpy_sum(t3, (size_t)nk) * (pi2 * sqrt2pi / (216 * z6));
    kk[2] += k2extra;
    kk[3] += k3extra;

    double nd = (double)n;
    kk[1] /= pow(nd, 0.5);
    kk[2] /= pow(nd, 1.0);
    kk[3] /= pow(nd, 1.5);
    return ((kk[0] + kk[1]) + kk[2]) + kk[3];
}

/* ------------------------------------------------------------------------ */
/* kstwo.sf: the decision tree of Simard & L'Ecuyer as scipy implements it   */

/* log(n! / n^n) by Stirling's series (scipy's coefficients, Horner). */
static double log_factorial_over_power(int n)
{
    static const double c[8] = {-2.955065359477124183e-2, 6.4102564102564102564e-3,
                                -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                -5.952380952380952381e-4, 7.9365079365079365079e-4,
                                -2.7777777777777777778e-3, 8.3333333333333333333e-2};
    double rn = 1.0 / n;
    double u = rn / n;
    double p = c[0];
    for (int i = 1; i < 8; i++)
        p = p * u + c[i];
    return log((double)n) / 2 - n + log(2 * PI) / 2 + rn * p;
}

/* clip(1 - clip(cdf)), in the precision scipy holds the CDF in. */
static double sf_from_cdf(cdf_value cdf)
{
    if (cdf.value != cdf.value)
        return NAN;
    if (!cdf.extended)
        return clamp_probability(1.0 - clamp_probability((double)cdf.value));
    long double c = cdf.value < 0.0L ? 0.0L : (cdf.value > 1.0L ? 1.0L : cdf.value);
    return clamp_probability((double)(1.0L - c));
}

double pdrift__kstwo_sf(double d, double n_real)
{
    if (isnan(n_real) || n_real < 1.0 || n_real != floor(n_real) || n_real > INT_MAX)
        return NAN;
    if (isnan(d))
        return NAN;
    int n = (int)n_real;
    if (d <= 0.5 / n)
        return 1.0;
    if (d >= 1.0)
        return 0.0;

    double t = n * d;
    if (t <= 1.0) { /* Ruben–Gambino, lower tail: cdf = n!/n^n (2t - 1)^n */
        if (t <= 0.5)
            return 1.0;
        double cdf;
        if (n <= 140) {
            cdf = 1.0;
            for (int i = 1; i <= n; i++)
                cdf *= (i * (1.0 / n)) * (2 * t - 1);
        } else {
            cdf = exp(log_factorial_over_power(n) + n * log(2 * t - 1));
        }
        return clamp_probability(1.0 - clamp_probability(cdf));
    }
    if (t >= n - 1) /* Ruben–Gambino, upper tail */
        return clamp_probability(2 * pow(1.0 - d, n));
    if (d >= 0.5) /* the one-sided events are disjoint: exactly twice Smirnov */
        return clamp_probability(2 * pdrift__smirnov(n, d));

    double s = t * d; /* n·d² */
    if (n <= 140) {
        if (s <= 0.754693)
            return sf_from_cdf(durbin_cdf(n, d));
        if (s <= 4.0)
            return sf_from_cdf(pomeranz_cdf(n, d));
        return clamp_probability(2 * pdrift__smirnov(n, d));
    }
    if (s >= 370.0)
        return 0.0;
    if (s >= 2.2)
        return clamp_probability(2 * pdrift__smirnov(n, d));
    if (n <= 100000 && n * pow(d, 1.5) <= 1.4)
        return sf_from_cdf(durbin_cdf(n, d));
    return clamp_probability(1.0 - pelz_good_cdf(n, d));
}
