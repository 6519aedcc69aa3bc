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
 *     tail, in extended precision (van Mulbregt 2018); for n >= 1000 by
 *     quadrature on a coarse grid of its terms (below), which agrees with
 *     the sum term by term to 7e-15 at 1/100 to 1/4000 of its cost.
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
#define PI_L 3.14159265358979323846264338327950288L
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

/* A_j = C(n,j) (x + j/n)^(j-1) (1 - x - j/n)^(n-j), from C(n,j) held as
 * mantissa · 2^exponent, each factor evaluated in long double as 2^(log2 of
 * it); nx = n·x exactly (nx_floor + alpha). */
static long double smirnov_term(int n, long nx_floor, long double alpha, long j, scaled_binomial c)
{
    const long double nl = (long double)n;
    long double b1 = ((long double)j + ((long double)nx_floor + alpha)) / nl;          /* x + j/n */
    long double b2 = (((long double)(n - j) - (long double)nx_floor) - alpha) / nl; /* 1 - x - j/n */
    long double log2_term = (long double)c.exponent + (long double)(j - 1) * log2l(b1) +
                            (long double)(n - j) * log2l(b2);
    return c.mantissa * exp2l(log2_term);
}

/* P(D_n+ >= x) for x > 1/n, n·x not within one of n, n <= 10^6:
 * x · sum_{j=0}^{J} A_j, all terms positive, summed term by term with
 * scipy's early stop. */
static double smirnov_sum(int n, double x, long nx_floor, long double alpha)
{
    const long big_j = (long)n - nx_floor - 1;
    scaled_binomial c = {0.5L, 1}; /* C(n, 0) = 1 = 0.5 · 2^1 */
    long double sum = 0.0L;

    for (long j = 0; j <= big_j; j++) {
        long double term = smirnov_term(n, nx_floor, alpha, j, c);
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

/* ---- the same sum by quadrature, for large n ----------------------------
 *
 * For large n the terms A_j form one wide, smooth bump (log A_j is concave
 * in j, and A_j extends to real j through the Gamma function): thousands of
 * them count, each costing a log2l, a log2l and an exp2l. The sum of such a
 * function over the integers equals its integral, and so does the
 * trapezoidal rule h · sum_k A(j_c + k h) on a coarser integer grid: both
 * errors fall like exp(-2 pi^2 sigma^2 / h^2) for a bump of width sigma
 * (Poisson's summation formula; Trefethen & Weideman 2014, SIAM Rev. 56),
 * below 1e-30 relative for h <= sigma / 4, provided the bump is negligible
 * at both ends of 0..J. So the terms are evaluated, exactly as above, only
 * every h-th one. The result is checked, not assumed: the sum over every
 * other grid point (step 2h) must agree to 2^-50, which makes the error of
 * step h smaller than 2^-200; otherwise the step is halved, down to the sum
 * term by term. tests/check_kstwo.c compares both ways on a grid of n and
 * x. */

/* Asymptotic digamma and trigamma, shifted up to z >= 6: enough to place
 * the grid (the result never depends on them). */
static double digamma_approx(double z)
{
    double r = 0.0;
    for (; z < 6.0; z += 1.0)
        r -= 1.0 / z;
    double iz2 = 1.0 / (z * z);
    return r + log(z) - 0.5 / z - iz2 * (1.0 / 12 - iz2 * (1.0 / 120 - iz2 / 252));
}

static double trigamma_approx(double z)
{
    double r = 0.0;
    for (; z < 6.0; z += 1.0)
        r += 1.0 / (z * z);
    double iz = 1.0 / z, iz2 = iz * iz;
    return r + iz + iz2 / 2 + iz * iz2 * (1.0 / 6 - iz2 * (1.0 / 30 - iz2 / 42));
}

/* d/dt and d²/dt² of log A(t) = log C(n,t) + (t-1) log(t + nx) + (n-t)
 * log(n - t - nx) + const. */
static double log_term_slope(double t, double n, double nx)
{
    double a = t + nx, w = n - t - nx;
    return digamma_approx(n - t + 1) - digamma_approx(t + 1) + log(a) + (t - 1) / a - log(w) - (n - t) / w;
}

static double log_term_curvature(double t, double n, double nx)
{
    double a = t + nx, w = n - t - nx;
    return -trigamma_approx(t + 1) - trigamma_approx(n - t + 1) + 1 / a + (nx + 1) / (a * a) + 1 / w -
           nx / (w * w);
}

/* Each term by itself, for any j, as a binomial probability: since
 * b1 + b2 = 1, A_j = C(n,j) b1^j b2^(n-j) / b1, evaluated by Loader's
 * (2000) saddle-point form, exp(stirlerr(n) - stirlerr(j) - stirlerr(n-j)
 * - bd0(j, n b1) - bd0(n-j, n b2)) sqrt(n / (2 pi j (n-j))) / b1, whose
 * exponent holds no large cancelling parts: in long double it is within
 * about 1e-17 of the product above, with no walk through the binomials. */

/* stirlerr(k) = log(k!) - (k + 1/2) log k + k - log(2 pi) / 2. */
static long double stirling_error(long k)
{
    static const long double small[16] = {
        0.0L,
        8.1061466795327258219670264e-2L, 4.1340695955409294093822081e-2L, 2.7677925684998339148789293e-2L,
        2.0790672103765093111522772e-2L, 1.6644691189821192163194865e-2L, 1.3876128823070747998745727e-2L,
        1.1896709945891770095055724e-2L, 1.0411265261972096497478567e-2L, 9.2554621827127329177286366e-3L,
        8.3305634333628712564693187e-3L, 7.5736754879518407949720242e-3L, 6.9428401072095298656641527e-3L,
        6.4089941880042070684396311e-3L, 5.9513701127588477356244160e-3L, 5.5547335519628013710386900e-3L};
    if (k < 16)
        return small[k];
    /* the asymptotic series; the next term is below 1.2e-16 from k = 16 */
    long double r = 1.0L / (long double)k, r2 = r * r;
    return r * (1.0L / 12 - r2 * (1.0L / 360 - r2 * (1.0L / 1260 - r2 * (1.0L / 1680 - r2 / 1188))));
}

/* bd0(x, m) = x log(x / m) + m - x, by its series where x is near m. */
static long double deviance(long double x, long double m)
{
    long double d = x - m;
    if (fabsl(d) < 0.1L * (x + m)) {
        long double v = d / (x + m), sum = d * v, e = 2.0L * x * v;
        v *= v;
        for (int i = 1; i < 200; i++) {
            e *= v;
            long double next = sum + e / (long double)(2 * i + 1);
            if (next == sum)
                break;
            sum = next;
        }
        return sum;
    }
    return x * logl(x / m) + m - x;
}

/* A_j for 0 <= j <= J, nx = n·x exactly (nx_floor + alpha). */
static long double smirnov_term_saddle(int n, long nx_floor, long double alpha, long j)
{
    const long double nl = (long double)n;
    const long double m1 = (long double)(j + nx_floor) + alpha;          /* n b1 */
    const long double m2 = (long double)((long)n - j - nx_floor) - alpha; /* n b2 */
    if (j == 0)
        return expl(nl * logl(m2 / nl)) * (nl / m1);
    long double exponent = stirling_error(n) - stirling_error(j) - stirling_error((long)n - j) -
                           deviance((long double)j, m1) - deviance((long double)((long)n - j), m2);
    long double scale = nl / (2.0L * PI_L * (long double)j * (long double)((long)n - j));
    return expl(exponent) * sqrtl(scale) * (nl / m1);
}

enum { QUAD_MAX_POINTS = 2048, QUAD_MIN_N = 1000, QUAD_MIN_STEP = 4 };

/* One direction of the grid: its terms' sum and how far it reached. */
typedef struct {
    long double sum;
    long far;               /* the visited point farthest from the peak */
    long double far_term;   /* its term */
    int hit_end;            /* some walk went past an end of 0..J */
} quad_side;

/* The terms at jc + dir (first + k step), k = 0, 1, ..., until one is below
 * `negligible` and at most half the one before (a log-concave tail beyond
 * it is below twice that per step) or the next point is past an end. 0 if
 * the point budget runs out. */
static int quad_walk(int n, long nx_floor, long double alpha, long jc, int dir, long first, long step,
                     long double negligible, int *budget, quad_side *side)
{
    const long big_j = (long)n - nx_floor - 1;
    long double previous = 0.0L;
    for (long k = 0;; k++) {
        long j = jc + dir * (first + k * step);
        if (j < 0 || j > big_j) {
            side->hit_end = 1;
            return 1;
        }
        if (--*budget < 0)
            return 0;
        long double term = smirnov_term_saddle(n, nx_floor, alpha, j);
        side->sum += term;
        long distance = dir * (j - jc);
        if (distance > side->far) {
            side->far = distance;
            side->far_term = term;
        }
        if (k > 0 && term < negligible && term <= 0.5L * previous)
            return 1;
        previous = term;
    }
}

/* The quadrature on grids j_c + k h, h a power of two halved until two
 * successive sums agree to 2^-45 (with an error that falls at least like a
 * power 1.25 of the difference as h halves, measured, the sum is then within
 * 1e-17). 0 when it does not apply: the bump is narrow, or not negligible
 * at an end of 0..J, or the grid grows past its budget. */
static double smirnov_quadrature(int n, double x, long nx_floor, long double alpha)
{
    const long big_j = (long)n - nx_floor - 1;
    const double nd = (double)n, nx = (double)nx_floor + (double)alpha;
    /* The peak: log A is concave, so its slope falls through zero once. */
    double lo = 0.0, hi = (double)big_j;
    if (!(log_term_slope(lo, nd, nx) > 0.0) || !(log_term_slope(hi, nd, nx) < 0.0))
        return 0.0;
    for (int it = 0; it < 60 && hi - lo > 0.5; it++) {
        double mid = 0.5 * (lo + hi);
        if (log_term_slope(mid, nd, nx) > 0.0)
            lo = mid;
        else
            hi = mid;
    }
    long jc = lround(0.5 * (lo + hi));
    double curvature = log_term_curvature((double)jc, nd, nx);
    if (!(curvature < 0.0))
        return 0.0;
    /* The bump's width at its peak; its tails are steeper. */
    double sigma = 1.0 / sqrt(-curvature);
    long h = 1;
    while ((double)(2 * h) <= sigma / 4.0 && 2 * h <= big_j) /* sigma may be huge: h stays in 0..J */
        h *= 2;
    if (h < 2 * QUAD_MIN_STEP)
        return 0.0; /* a narrow bump: term by term costs as little */

    long double peak = smirnov_term_saddle(n, nx_floor, alpha, jc);
    if (!(peak > 0.0L))
        return 0.0;
    /* Tails below 2^-70 of the peak are dropped (under 2^-69 of the sum,
     * which is at least h times the peak). At an end of 0..J, the terms
     * left out lie between the farthest point and the end, each below its
     * term: that bound must be below 2^-60 of the sum. */
    const long double negligible = ldexpl(peak, -70);
    int budget = QUAD_MAX_POINTS;
    quad_side side[2] = {{0.0L, 0, 0.0L, 0}, {0.0L, 0, 0.0L, 0}};
    for (int s = 0; s < 2; s++)
        if (!quad_walk(n, nx_floor, alpha, jc, 2 * s - 1, h, h, negligible, &budget, &side[s]))
            return 0.0;
    long double previous = (long double)h * (peak + side[0].sum + side[1].sum);
    while (h >= 2 * QUAD_MIN_STEP) {
        /* halve: the midpoints of the grid so far */
        for (int s = 0; s < 2; s++)
            if (!quad_walk(n, nx_floor, alpha, jc, 2 * s - 1, h / 2, h, negligible, &budget, &side[s]))
                return 0.0;
        h /= 2;
        long double t = (long double)h * (peak + side[0].sum + side[1].sum), left_out = 0.0L;
        if (side[0].hit_end)
            left_out += (long double)(jc - side[0].far) * side[0].far_term;
        if (side[1].hit_end)
            left_out += (long double)(big_j - jc - side[1].far) * side[1].far_term;
        if (fabsl(t - previous) <= 0x1p-45L * t && left_out <= 0x1p-60L * t)
            return clamp_probability((double)((long double)x * t));
        previous = t;
    }
    return 0.0;
}

static double smirnov(int n, double x, int quadrature)
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
    if (quadrature && n >= QUAD_MIN_N) {
        double p = smirnov_quadrature(n, x, nx_floor, alpha);
        if (p > 0.0)
            return p;
    }
    return smirnov_sum(n, x, nx_floor, alpha);
}

double pdrift__smirnov(int n, double x)
{
    return smirnov(n, x, 1);
}

double pdrift__smirnov_by_terms(int n, double x)
{
    return smirnov(n, x, 0);
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
