/*
 * ks.c — the two-sided two-sample Kolmogorov–Smirnov test.
 *
 * Same statistic and p-value as scipy.stats.ks_2samp of scipy 1.10
 * (alternative="two-sided"), SPEC §1:
 *   - D from a merge walk over the distinct pooled values, with the two
 *     divisions scipy performs (so D carries scipy's rounding);
 *   - the exact p-value by lattice-path recursions: a nested product for
 *     equal sizes, and Hodges' (1958) recursion in Viehmann's (2021) form for
 *     unequal sizes, which propagates the probability of having left the
 *     band and so keeps full relative accuracy down to 1e-300;
 *   - the asymptotic p-value from kstwo.sf (kolmogorov.c).
 *
 * The statistic and p-value are separate functions so that the monitor,
 * which keeps its baselines sorted, can reuse them without re-sorting.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

/* scipy's AUTO method is exact up to this size, inclusive. */
#define KS_EXACT_MAX_N 10000

/* D from the largest and smallest F_x - F_y seen (scipy's max of both
 * one-sided statistics, the negative one clipped to [0, 1]). */
static double two_sided(double dmax, double dmin)
{
    double min_s = -dmin;
    if (min_s < 0.0)
        min_s = 0.0;
    if (min_s > 1.0)
        min_s = 1.0;
    return min_s > dmax ? min_s : dmax;
}

double pdrift__ks_statistic(const double *x, size_t n1, const double *y, size_t n2)
{
    size_t i = 0, j = 0;
    double dmax = 0.0, dmin = 0.0;
    while (i < n1 || j < n2) {
        double v = (j == n2 || (i < n1 && x[i] <= y[j])) ? x[i] : y[j];
        while (i < n1 && x[i] <= v)
            i++;
        while (j < n2 && y[j] <= v)
            j++;
        double diff = (double)i / (double)n1 - (double)j / (double)n2;
        if (diff > dmax)
            dmax = diff;
        if (diff < dmin)
            dmin = diff;
    }
    return two_sided(dmax, dmin);
}

/* The count of x below v (le = 0) or at or below it (le = 1), known to lie
 * in [lo, hi]: a binary search that reads x[lo .. hi - 1] and nothing else
 * (the block the caller made ready). */
static size_t count_in_block(const double *x, size_t lo, size_t hi, double v, int le)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (le ? x[mid] <= v : x[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t pdrift__gallop(const double *a, size_t n, size_t from, double v, int le)
{
    size_t lo = from, step = 1, hi = from;
    while (hi < n && (le ? a[hi] <= v : a[hi] < v)) {
        lo = hi + 1;
        hi = step < n - hi ? hi + step : n;
        step *= 2;
    }
    return count_in_block(a, lo, hi, v, le);
}

double pdrift__ks_statistic_small(const double *x, size_t n1, const double *y, size_t n2)
{
    /* Between two consecutive values of y, F_y is constant and F_x rises,
     * so the extremes of F_x - F_y lie at a value of y or just before one:
     * 2 n2 points, each reached by galloping through x. Each is a point the
     * merge above also visits, with the same counts and expression, and
     * every point it skips lies at least 1/n1 inside an extreme: the result
     * has the same bits, in O(n2 log(n1/n2)) instead of O(n1 + n2). */
    double dmax = 0.0, dmin = 0.0;
    size_t pos = 0;
    for (size_t j0 = 0; j0 < n2;) {
        double v = y[j0];
        size_t j1 = j0;
        while (j1 < n2 && y[j1] == v)
            j1++;
        size_t below = pdrift__gallop(x, n1, pos, v, 0);
        double diff = (double)below / (double)n1 - (double)j0 / (double)n2;
        dmax = diff > dmax ? diff : dmax;
        dmin = diff < dmin ? diff : dmin;
        pos = pdrift__gallop(x, n1, below, v, 1);
        diff = (double)pos / (double)n1 - (double)j1 / (double)n2;
        dmax = diff > dmax ? diff : dmax;
        dmin = diff < dmin ? diff : dmin;
        j0 = j1;
    }
    return two_sided(dmax, dmin);
}

/* The KS statistic through fences: fence[k] = x[k * step] for k < n_fences =
 * ceil(nx / step), a sample of the sorted x small enough to stay in cache.
 *
 * A merge of the sorted y with the fences bounds, for every point that
 * pdrift__ks_statistic_small visits, the count of x below or at it to a
 * block of `step` places, so F_x - F_y to within step / nx. In units of
 * 1 / (nx ny), where every such difference is an integer, the first pass
 * keeps the largest lower bound and the smallest upper bound; the second
 * counts exactly (a binary search in one block) only the points whose
 * bounds reach them, and evaluates them with the same expression. Every
 * point left out lies at least one unit inside the extreme, more than the
 * expression's rounding (6.7e-16 < 1 / (nx ny) for nx ny < 1e15): D has the
 * same bits. The cost is O(ny + n_fences) plus a few blocks, whatever nx. */
typedef struct {
    size_t lo, hi; /* the count lies in [lo, hi] */
} count_range;

/* Bounds on #{x < v} (le = 0) or #{x <= v} (le = 1) from k, the number of
 * fences below (at or below) v. */
static count_range fenced_count(size_t k, size_t step, size_t n_fences, size_t nx)
{
    count_range r;
    r.lo = k == 0 ? 0 : (k - 1) * step + 1;
    r.hi = k < n_fences ? k * step : nx;
    return r;
}

/* The run of y equal to y[j0] ends before the returned index; the fences
 * below it (*k_lt) and at or below it (*k_le) are advanced to it. */
static size_t next_run(const double *y, size_t ny, size_t j0, const double *fence, size_t n_fences,
                       size_t *k_lt, size_t *k_le)
{
    double v = y[j0];
    size_t j1 = j0 + 1;
    while (j1 < ny && y[j1] == v)
        j1++;
    while (*k_lt < n_fences && fence[*k_lt] < v)
        ++*k_lt;
    if (*k_le < *k_lt)
        *k_le = *k_lt;
    while (*k_le < n_fences && fence[*k_le] <= v)
        ++*k_le;
    return j1;
}

/* One pass over the runs of y. Without `bounds` (pass 1) it widens
 * bounds->max_lo / min_hi: the largest lower and smallest upper bound of
 * F_x - F_y, in units of 1 / (nx ny). With them (pass 2) it counts exactly
 * at the points whose bounds reach those extremes and returns their D. */
typedef struct {
    int64_t max_lo, min_hi;
} extremes;

static double fenced_pass(const double *x, size_t nx, const double *fence, size_t step, size_t n_fences,
                          const double *y, size_t ny, extremes *e, const extremes *bounds,
                          pdrift__ks_ready ready, void *ctx)
{
    const int64_t n1 = (int64_t)nx, n2 = (int64_t)ny;
    double dmax = 0.0, dmin = 0.0;
    size_t k_lt = 0, k_le = 0;
    for (size_t j0 = 0, j1; j0 < ny; j0 = j1) {
        j1 = next_run(y, ny, j0, fence, n_fences, &k_lt, &k_le);
        count_range r[2] = {fenced_count(k_lt, step, n_fences, nx), fenced_count(k_le, step, n_fences, nx)};
        size_t j[2] = {j0, j1}; /* just below y[j0], and at it */
        for (int le = 0; le < 2; le++) {
            int64_t lo = (int64_t)r[le].lo * n2 - (int64_t)j[le] * n1;
            int64_t hi = (int64_t)r[le].hi * n2 - (int64_t)j[le] * n1;
            if (bounds == NULL) {
                e->max_lo = lo > e->max_lo ? lo : e->max_lo;
                e->min_hi = hi < e->min_hi ? hi : e->min_hi;
                continue;
            }
            if (hi < bounds->max_lo && lo > bounds->min_hi)
                continue;
            /* within its block: x[lo - 1] is below y[j0], x[hi] is not */
            const double *in = x + r[le].lo;
            if (r[le].lo < r[le].hi && ready != NULL && (in = ready(ctx, r[le].lo, r[le].hi)) == NULL)
                return NAN;
            size_t count = r[le].lo + count_in_block(in, 0, r[le].hi - r[le].lo, y[j0], le);
            double diff = (double)count / (double)nx - (double)j[le] / (double)ny;
            dmax = diff > dmax ? diff : dmax;
            dmin = diff < dmin ? diff : dmin;
        }
    }
    return two_sided(dmax, dmin);
}

double pdrift__ks_statistic_fenced(const double *x, size_t nx, const double *fence, size_t step,
                                   size_t n_fences, const double *y, size_t ny, pdrift__ks_ready ready,
                                   void *ctx)
{
    extremes e = {0, 0};
    (void)fenced_pass(x, nx, fence, step, n_fences, y, ny, &e, NULL, NULL, NULL);
    return fenced_pass(x, nx, fence, step, n_fences, y, ny, NULL, &e, ready, ctx);
}

size_t pdrift__ks_fence_step(size_t nx)
{
    size_t step = (nx + PDRIFT__KS_FENCES - 1) / PDRIFT__KS_FENCES;
    return step < 8 ? 8 : step;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* floor(a / b) and ceil(a / b) for b > 0, any sign of a. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a > 0) ? q + 1 : q;
}

/* P(D_{n,n} >= h/n) = 2 sum_{k>=1} (-1)^(k+1) C(2n, n-kh) / C(2n, n), as a
 * nested product (Horner-like) so that no cancellation occurs. */
static double prob_outside_square(int64_t n, int64_t h)
{
    double p = 0.0;
    for (int64_t k = n / h; k >= 0; k--) {
        double a = 1.0;
        for (int64_t j = 0; j < h; j++)
            a = (double)(n - k * h - j) * a / (double)(n + k * h + j + 1);
        p = a * (1.0 - p);
    }
    return 2 * p;
}

/* Probability that a random monotone lattice path from (0,0) to (m,n) leaves
 * the band |ng·i - mg·j| < h, with m >= n: column by column, keeping only the
 * window of points inside the band; a point outside has probability 1 of
 * having left. Returns NaN if the window cannot be allocated. */
static double prob_outside_band(int64_t m, int64_t n, int64_t g, int64_t h)
{
    if (m < n) {
        int64_t t = m;
        m = n;
        n = t;
    }
    const int64_t mg = m / g, ng = n / g;
    int64_t lo = 0, hi = ceil_div(h, mg);
    if (hi > n + 1)
        hi = n + 1;
    /* The window never holds more than 2h/mg + 2 points, nor n + 1. */
    int64_t cap = 2 * (h / mg) + 3;
    if (cap > n + 1)
        cap = n + 1;
    double *q = malloc((size_t)cap * sizeof *q); /* q[j - lo] for j in [lo, hi) */
    if (q == NULL)
        return NAN;
    for (int64_t j = lo; j < hi; j++)
        q[j - lo] = 0.0;

    double result = 1.0;
    for (int64_t i = 1; i <= m; i++) {
        int64_t nlo = floor_div(ng * i - h, mg) + 1;
        if (nlo < 0)
            nlo = 0;
        if (nlo > n)
            nlo = n;
        int64_t nhi = ceil_div(ng * i + h, mg);
        if (nhi > n + 1)
            nhi = n + 1;
        if (nhi <= nlo)
            goto out; /* the band is closed: every path leaves it */
        /* nlo >= lo, so q[j - nlo] can be written while q[j - lo] (j >= j) is
         * still to be read: the window slides up, in place. */
        double below = (nlo == 0) ? 0.0 : 1.0;
        for (int64_t j = nlo; j < nhi; j++) {
            double left = (j >= lo && j < hi) ? q[j - lo] : 1.0;
            below = (left * (double)i + below * (double)j) / (double)(i + j);
            q[j - nlo] = below;
        }
        lo = nlo;
        hi = nhi;
    }
    result = q[n - lo];
out:
    free(q);
    return result;
}

/* Exact p-value (SPEC §1.4). Returns PDRIFT_OK with the rounded statistic;
 * 1 when the asymptotic method must be used instead (statistic updated);
 * PDRIFT_ENOMEM. */
static int exact_pvalue(double d, int64_t n1, int64_t n2, int64_t g, double *statistic,
                        double *pvalue)
{
    const int64_t lcm = (n1 / g) * n2;
    const double hd = nearbyint(d * (double)lcm);
    const int64_t h = (int64_t)hd;
    *statistic = (double)h / (double)lcm;
    if (h == 0) {
        *pvalue = 1.0;
        return 0;
    }
    double p = (n1 == n2) ? prob_outside_square(n1, h) : prob_outside_band(n1, n2, g, h);
    if (isnan(p))
        return PDRIFT_ENOMEM;
    if (!(p >= 0.0 && p <= 1.0))
        return 1;
    *pvalue = p;
    return PDRIFT_OK;
}

int pdrift__ks_pvalue(double d, size_t nx, size_t ny, pdrift_ks_method method, double *statistic,
                      double *pvalue, pdrift_ks_method *method_used)
{
    const int64_t n1 = (int64_t)nx, n2 = (int64_t)ny;
    const int64_t g = gcd64(n1, n2);
    const int64_t n1g = n1 / g, n2g = n2 / g;

    if (method == PDRIFT_KS_AUTO)
        method = (n1 > n2 ? n1 : n2) <= KS_EXACT_MAX_N ? PDRIFT_KS_EXACT : PDRIFT_KS_ASYMP;
    /* scipy's size guard: lcm(n1, n2) must fit in an int32. */
    if (method == PDRIFT_KS_EXACT && (double)n1g >= 2147483647.0 / (double)n2g)
        method = PDRIFT_KS_ASYMP;

    *statistic = d;
    if (method == PDRIFT_KS_EXACT) {
        int rc = exact_pvalue(d, n1, n2, g, statistic, pvalue);
        if (rc <= 0) {
            *method_used = PDRIFT_KS_EXACT;
            return rc;
        }
    }

    /* Asymptotic: the one-sample distribution at the effective size. */
    double m = (double)(nx > ny ? nx : ny), n = (double)(nx > ny ? ny : nx);
    double en = m * n / (m + n);
    double p = pdrift__kstwo_sf(*statistic, nearbyint(en)); /* half to even */
    if (p < 0.0)
        p = 0.0;
    if (p > 1.0)
        p = 1.0;
    *pvalue = p;
    *method_used = PDRIFT_KS_ASYMP;
    return PDRIFT_OK;
}

int pdrift_ks_2samp(const double *x, size_t nx, const double *y, size_t ny,
                    pdrift_ks_method method, double *statistic, double *pvalue)
{
    if (x == NULL || y == NULL || statistic == NULL || pvalue == NULL || nx == 0 || ny == 0)
        return PDRIFT_EINVAL;
    if (method != PDRIFT_KS_AUTO && method != PDRIFT_KS_EXACT && method != PDRIFT_KS_ASYMP)
        return PDRIFT_EINVAL;
    if (nx > INT64_MAX / 2 || ny > INT64_MAX / 2)
        return PDRIFT_EINVAL;

    double *xs = NULL, *ys = NULL;
    int rc = pdrift__sorted_copy(x, nx, &xs);
    if (rc == PDRIFT_OK)
        rc = pdrift__sorted_copy(y, ny, &ys);
    if (rc == PDRIFT_OK) {
        double d = pdrift__ks_statistic(xs, nx, ys, ny);
        pdrift_ks_method used;
        double stat, p;
        rc = pdrift__ks_pvalue(d, nx, ny, method, &stat, &p, &used);
        if (rc == PDRIFT_OK) {
            *statistic = stat;
            *pvalue = p;
        }
    }
    free(xs);
    free(ys);
    return rc;
}

double pdrift_kstwo_sf(double d, double n)
{
    return pdrift__kstwo_sf(d, n);
}
