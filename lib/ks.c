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

/* The points of F_x - F_y, in fence intervals. A value v of y with k
 * fences below it (k_lt) has its point "just below v" (le = 0, at the start
 * j0 of v's run in y) in A-interval k: v in (fence[k-1], fence[k]], the
 * indices [#y <= fence[k-1], #y <= fence[k]). With k fences at or below it
 * (k_le), its point "at v" (le = 1, at the end j1 of its run) is in
 * B-interval k: v in [fence[k-1], fence[k]), the indices [#y < fence[k-1],
 * #y < fence[k]). (fence[-1] is -inf and fence[n_fences] +inf.) Every
 * point of an interval has the same count range, fenced_count(k): the
 * bounds of its difference move only with its index in y, so the largest
 * lower bound of an A-interval is at its first index and the smallest upper
 * bound of a B-interval at its end, and a pass over the intervals (a merge
 * of the fences into y) finds the extremes with four products an interval
 * instead of four a point.
 *
 * The walk over the intervals: k from 0 to n_fences, with a (b) the first
 * index of A-interval k (k + 1) and c (d) the same for B-intervals. */
typedef struct {
    size_t k, a, b, c, d;
} interval_walk;

static int next_interval(interval_walk *w, const double *fence, size_t n_fences, const double *y, size_t ny)
{
    if (w->k > n_fences)
        return 0;
    w->a = w->b;
    w->c = w->d;
    if (w->k < n_fences) {
        const double f = fence[w->k];
        size_t lt = w->d, le;
        while (lt < ny && y[lt] < f)
            lt++;
        for (le = lt > w->b ? lt : w->b; le < ny && y[le] <= f;)
            le++;
        w->b = le;
        w->d = lt;
    } else {
        w->b = w->d = ny;
    }
    return 1;
}

/* The exact difference at one point (le: 0 just below y[j0], 1 at it; j:
 * the point's index in y, j0 or the run's end) with count range r, into
 * dmax and dmin; nonzero when `ready` fails. */
static int count_point(const double *x, size_t nx, const double *y, size_t ny, size_t j0, size_t j, int le,
                       count_range r, pdrift__ks_ready ready, void *ctx, double *dmax, double *dmin)
{
    /* within its block: x[lo - 1] is below y[j0], x[hi] is not */
    const double *in = x + r.lo;
    if (r.lo < r.hi && ready != NULL && (in = ready(ctx, r.lo, r.hi)) == NULL)
        return 1;
    size_t count = r.lo + count_in_block(in, 0, r.hi - r.lo, y[j0], le);
    double diff = (double)count / (double)nx - (double)j / (double)ny;
    *dmax = diff > *dmax ? diff : *dmax;
    *dmin = diff < *dmin ? diff : *dmin;
    return 0;
}

double pdrift__ks_statistic_fenced(const double *x, size_t nx, const double *fence, size_t step,
                                   size_t n_fences, const double *y, size_t ny, pdrift__ks_ready ready,
                                   void *ctx)
{
    const int64_t n1 = (int64_t)nx, n2 = (int64_t)ny;
    /* Pass 1: the largest lower bound and the smallest upper bound of the
     * differences, in units of 1 / (nx ny) (where every difference is an
     * integer); 0 is the difference before the first value. */
    int64_t max_lo = 0, min_hi = 0;
    /* the intervals' ends, kept for pass 2 (without memory it merges again) */
    size_t *ends = n_fences < SIZE_MAX / (2 * sizeof *ends) - 1 ? malloc(2 * (n_fences + 1) * sizeof *ends) : NULL;
    interval_walk w = {0, 0, 0, 0, 0};
    for (; next_interval(&w, fence, n_fences, y, ny); w.k++) {
        count_range r = fenced_count(w.k, step, n_fences, nx);
        if (ends != NULL) {
            ends[2 * w.k] = w.b;
            ends[2 * w.k + 1] = w.d;
        }
        if (w.a < w.b) {
            int64_t lo = (int64_t)r.lo * n2 - (int64_t)w.a * n1;
            max_lo = lo > max_lo ? lo : max_lo;
        }
        if (w.c < w.d) {
            int64_t hi = (int64_t)r.hi * n2 - (int64_t)w.d * n1;
            min_hi = hi < min_hi ? hi : min_hi;
        }
    }
    /* Pass 2: exact counts at the points whose bounds reach those extremes
     * (the others lie at least one unit inside them), interval by interval,
     * an interval skipped whole when none of its points can. */
    double dmax = 0.0, dmin = 0.0;
    w = (interval_walk){0, 0, 0, 0, 0};
    for (; ends != NULL ? w.k <= n_fences : next_interval(&w, fence, n_fences, y, ny); w.k++) {
        if (ends != NULL) {
            w.a = w.b;
            w.c = w.d;
            w.b = ends[2 * w.k];
            w.d = ends[2 * w.k + 1];
        }
        const count_range r = fenced_count(w.k, step, n_fences, nx);
        const int64_t top = (int64_t)r.hi * n2, bottom = (int64_t)r.lo * n2;
        /* A points: indices a .. b - 1; B points: run ends c + 1 .. d */
        if (w.a < w.b && (top - (int64_t)w.a * n1 >= max_lo || bottom - (int64_t)(w.b - 1) * n1 <= min_hi))
            for (size_t j0 = w.a, j1; j0 < w.b; j0 = j1) {
                for (j1 = j0 + 1; j1 < w.b && y[j1] == y[j0];)
                    j1++;
                if ((top - (int64_t)j0 * n1 >= max_lo || bottom - (int64_t)j0 * n1 <= min_hi) &&
                    count_point(x, nx, y, ny, j0, j0, 0, r, ready, ctx, &dmax, &dmin) != 0) {
                    free(ends);
                    return NAN;
                }
            }
        if (w.c < w.d && (top - (int64_t)(w.c + 1) * n1 >= max_lo || bottom - (int64_t)w.d * n1 <= min_hi))
            for (size_t j0 = w.c, j1; j0 < w.d; j0 = j1) {
                for (j1 = j0 + 1; j1 < w.d && y[j1] == y[j0];)
                    j1++;
                if ((top - (int64_t)j1 * n1 >= max_lo || bottom - (int64_t)j1 * n1 <= min_hi) &&
                    count_point(x, nx, y, ny, j0, j1, 1, r, ready, ctx, &dmax, &dmin) != 0) {
                    free(ends);
                    return NAN;
                }
            }
    }
    free(ends);
    return two_sided(dmax, dmin);
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
