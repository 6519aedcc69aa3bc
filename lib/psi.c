/*
 * psi.c — Population Stability Index of a current sample against a baseline
 * (SPEC.md §2).
 *
 * The baseline fixes the bins (type-7 quantile cuts, or equal widths on its
 * finite range), both samples are counted into them, and PSI is the Jeffreys
 * divergence between the two vectors of bin shares. Its significance comes
 * from Yurdakul's (2018) approximation PSI / (1/M + 1/N) ~ chi2(B_eff - 1).
 *
 * The golden file pins the cuts and PSI bit for bit, so the arithmetic below
 * follows the SPEC's formulas operation by operation; do not "simplify" them.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "internal.h"


pdrift__psi_options pdrift__psi_default_options(void)
{
    pdrift__psi_options opts;
    opts.bins = PDRIFT__PSI_DEFAULT_BINS;
    opts.binning = PDRIFT__BINNING_QUANTILE;
    opts.empty_bins = PDRIFT__EMPTY_EPSILON;
    opts.epsilon = PDRIFT__PSI_DEFAULT_EPSILON;
    return opts;
}

/* ---- cut points ----------------------------------------------------------- */

/* Type-7 quantile of the sorted baseline at probability k/bins, evaluated
 * exactly as SPEC §2.2 writes it (b[lo] + fr*(b[hi]-b[lo]), not numpy's
 * two-sided lerp). The special cases come first because the plain formula
 * turns an infinite end point into NaN (0*inf, inf-inf). When the two end
 * points are -inf and +inf the SPEC's rules conflict; the +inf rule, listed
 * first, wins. */
static double type7_quantile(const double *sorted, size_t n, unsigned k, unsigned bins)
{
    double h = (double)(n - 1) * ((double)k / (double)bins);
    double lo_f = floor(h);
    double fr = h - lo_f;
    size_t lo = (size_t)lo_f;
    if (lo > n - 1) /* only if n - 1 rounds up in double, i.e. n > 2^53 */
        lo = n - 1;
    size_t hi = (lo + 1 < n) ? lo + 1 : n - 1;
    double b_lo = sorted[lo], b_hi = sorted[hi];

    if (fr == 0.0 || b_lo == b_hi)
        return b_lo;
    if (b_hi == INFINITY)
        return INFINITY;
    if (b_lo == -INFINITY)
        return -INFINITY;
    return b_lo + fr * (b_hi - b_lo);
}

/* Append cut c unless it does not rise above the last one kept: tied
 * quantiles (integer data, a constant baseline) would otherwise give empty,
 * zero-width bins. Returns the new number of cuts. */
static size_t keep_distinct(double *cuts, size_t n_cuts, double c)
{
    if (n_cuts == 0 || c > cuts[n_cuts - 1])
        cuts[n_cuts++] = c;
    return n_cuts;
}

static size_t quantile_cuts(const double *sorted, size_t n, unsigned bins, double *cuts)
{
    size_t n_cuts = 0;
    for (unsigned k = 1; k < bins; k++)
        n_cuts = keep_distinct(cuts, n_cuts, type7_quantile(sorted, n, k, bins));
    return n_cuts;
}

/* lo + (hi - lo)*t without overflow: hi - lo exceeds DBL_MAX when the finite
 * range spans most of the double line (e.g. -1e308 .. 1e308). The plain
 * SPEC formula is kept whenever the width is finite, so ordinary data get
 * the documented rounding. */
static double equal_width_cut(double lo, double hi, double t)
{
    double width = hi - lo;
    if (isfinite(width))
        return lo + width * t;
    double half_step = (hi * 0.5 - lo * 0.5) * t; /* exact halving, finite */
    return (lo + half_step) + half_step;
}

/* SPEC §2.5. The range is that of the finite baseline values: ±inf still
 * land in the open outer bins, but must not stretch the widths to infinity.
 *
 * A baseline with no finite value at all (only ±inf) has no range. It gets a
 * single cut at 0.0: -inf and +inf then fall in different bins, so a current
 * sample that moves from one to the other is still seen (finite current
 * values join the side of their sign). Any finite cut would separate the
 * infinities; 0 is the neutral choice, and one cut matches the rule for a
 * degenerate range. */
static size_t equal_width_cuts(const double *sorted, size_t n, unsigned bins, double *cuts)
{
    size_t first = 0, end = n;
    while (first < n && sorted[first] == -INFINITY)
        first++;
    while (end > first && sorted[end - 1] == INFINITY)
        end--;
    if (first == end) {
        cuts[0] = 0.0;
        return 1;
    }
    double lo = sorted[first], hi = sorted[end - 1];
    if (lo == hi) {
        cuts[0] = lo;
        return 1;
    }
    size_t n_cuts = 0;
    for (unsigned k = 1; k < bins; k++)
        n_cuts = keep_distinct(cuts, n_cuts, equal_width_cut(lo, hi, (double)k / (double)bins));
    return n_cuts;
}

size_t pdrift__psi_cuts(const double *baseline_sorted, size_t n, unsigned bins, int binning,
                        double *cuts)
{
    if (baseline_sorted == NULL || cuts == NULL || n == 0 || bins < 2)
        return 0; /* precondition violated: no cut can be placed */
    if (binning == PDRIFT__BINNING_EQUAL_WIDTH)
        return equal_width_cuts(baseline_sorted, n, bins, cuts);
    return quantile_cuts(baseline_sorted, n, bins, cuts);
}

/* ---- counting --------------------------------------------------------------- */

/* Number of cuts strictly below v (lower_bound): bins are right-closed, so a
 * value equal to cut k belongs to bin k, and values beyond either end of the
 * baseline fall in the open outer bins instead of being dropped. */
static size_t bin_of(double v, const double *cuts, size_t n_cuts)
{
    size_t lo = 0, hi = n_cuts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cuts[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void pdrift__psi_count(const double *values, size_t n, const double *cuts, size_t n_cuts,
                       size_t *counts)
{
    memset(counts, 0, (n_cuts + 1) * sizeof *counts);
    for (size_t i = 0; i < n; i++)
        counts[bin_of(values[i], cuts, n_cuts)]++;
}

void pdrift__psi_count_sorted(const double *values, size_t n, const double *cuts, size_t n_cuts,
                              size_t *counts)
{
    /* bin k holds the values v with cuts[k - 1] < v <= cuts[k] */
    size_t upto = 0;
    for (size_t k = 0; k < n_cuts; k++) {
        size_t next = pdrift__gallop(values, n, upto, cuts[k], 1);
        counts[k] = next - upto;
        upto = next;
    }
    counts[n_cuts] = n - upto;
}

/* ---- chi-square tail and quantile ------------------------------------------- */

/* Upper tail Q(x; df) for df in [1, PDRIFT__PSI_MAX_BINS). GSL must never be
 * asked a question it answers through its error handler: its incomplete
 * gamma function fails to converge only from df of about 2e6 (measured with
 * GSL 2.7), far above the bins limit, and it returns NaN for x = +inf. */
static double chisq_upper_tail(double x, size_t df)
{
    if (!(x > 0.0))
        return 1.0;
    if (isinf(x))
        return 0.0;
    return gsl_cdf_chisq_Q(x, (double)df);
}

/* Yurdakul's variance scale 1/M + 1/N of PSI under H0. */
static double psi_scale(size_t n_baseline, size_t n_current)
{
    return 1.0 / (double)n_baseline + 1.0 / (double)n_current;
}

double pdrift__psi_pvalue(double psi, size_t df, double scale)
{
    if (df == 0 || df >= PDRIFT__PSI_MAX_BINS || !(scale > 0.0))
        return NAN;
    return chisq_upper_tail(psi / scale, df);
}

double pdrift__psi_critical_scaled(double alpha, size_t df, double scale)
{
    if (df == 0 || df >= PDRIFT__PSI_MAX_BINS || !(alpha > 0.0 && alpha < 1.0) || !(scale > 0.0))
        return NAN;
    return gsl_cdf_chisq_Qinv(alpha, (double)df) * scale;
}

double pdrift__psi_critical(double alpha, size_t df, size_t n_baseline, size_t n_current)
{
    if (n_baseline == 0 || n_current == 0)
        return NAN;
    return pdrift__psi_critical_scaled(alpha, df, psi_scale(n_baseline, n_current));
}

/* ---- PSI from counts ---------------------------------------------------------- */

static int psi_options_valid(const pdrift__psi_options *opts)
{
    if (opts->empty_bins == PDRIFT__EMPTY_SMOOTHING)
        return 1;
    /* Below DBL_MIN, 1/epsilon overflows and a share ratio can become inf;
     * above 1 it is no longer a share. NaN fails both tests. */
    return opts->empty_bins == PDRIFT__EMPTY_EPSILON && opts->epsilon >= DBL_MIN &&
           opts->epsilon <= 1.0;
}

/* Sum of counts; 0 also on overflow, which no real sample can reach and
 * which the caller rejects like an empty sample. */
static size_t count_total(const size_t *counts, size_t n_bins)
{
    size_t total = 0;
    for (size_t i = 0; i < n_bins; i++) {
        if (counts[i] > SIZE_MAX - total)
            return 0;
        total += counts[i];
    }
    return total;
}

/* Share of one bin. Epsilon mode: count/total as a double division, an empty
 * bin replaced by epsilon without renormalising (SPEC §2.3). Smoothing:
 * (count + 0.5)/(total + 0.5*(K+1)) for every bin, which sums to one. */
static double bin_share(size_t count, size_t total, size_t n_bins,
                        const pdrift__psi_options *opts)
{
    if (opts->empty_bins == PDRIFT__EMPTY_SMOOTHING)
        return ((double)count + 0.5) / ((double)total + 0.5 * (double)n_bins);
    if (count == 0)
        return opts->epsilon;
    return (double)count / (double)total;
}

int pdrift__psi_from_counts(const size_t *baseline_counts, const size_t *current_counts,
                            size_t n_bins, const pdrift__psi_options *opts,
                            pdrift__psi_result *out)
{
    if (baseline_counts == NULL || current_counts == NULL || opts == NULL || out == NULL ||
        n_bins == 0 || n_bins > PDRIFT__PSI_MAX_BINS || !psi_options_valid(opts))
        return PDRIFT_EINVAL;
    size_t n_baseline = count_total(baseline_counts, n_bins);
    size_t n_current = count_total(current_counts, n_bins);
    if (n_baseline == 0 || n_current == 0)
        return PDRIFT_EINVAL;

    double psi = 0.0;
    size_t n_effective = 0;
    for (size_t i = 0; i < n_bins; i++) {
        double p = bin_share(baseline_counts[i], n_baseline, n_bins, opts);
        double q = bin_share(current_counts[i], n_current, n_bins, opts);
        psi += (q - p) * log(q / p);
        if (baseline_counts[i] > 0 || current_counts[i] > 0)
            n_effective++;
    }

    pdrift__psi_result r;
    r.n_bins = n_bins;
    r.n_bins_effective = n_effective;
    if (n_effective <= 1) {
        /* Everything sits in one bin: the samples cannot differ, and a
         * chi-square with 0 df does not exist. Smoothing would otherwise
         * leave a small positive residue from the empty bins. */
        r.psi = 0.0;
        r.pvalue = 1.0;
    } else {
        r.psi = psi;
        r.pvalue = chisq_upper_tail(psi / psi_scale(n_baseline, n_current), n_effective - 1);
    }
    *out = r;
    return PDRIFT_OK;
}

/* ---- the stateless function ------------------------------------------------- */

/* malloc(count * size) that refuses a product that does not fit in size_t. */
static void *alloc_array(size_t count, size_t size)
{
    if (count == 0)
        count = 1;
    if (count > SIZE_MAX / size)
        return NULL;
    return malloc(count * size);
}

/* Bin both samples with the baseline's cuts and compute PSI. The baseline
 * is NaN-free and holds at least one value; bins >= 2. */
static int psi_of_samples(const double *baseline, size_t nb, const double *current, size_t nc,
                          const pdrift__psi_options *opts, pdrift__psi_result *out)
{
    double *sorted = NULL;
    size_t max_bins = opts->bins, n_cuts;
    double *cuts = alloc_array(max_bins - 1, sizeof *cuts);
    size_t *baseline_counts = alloc_array(max_bins, sizeof *baseline_counts);
    size_t *current_counts = alloc_array(max_bins, sizeof *current_counts);
    int rc = PDRIFT_ENOMEM;
    if (cuts == NULL || baseline_counts == NULL || current_counts == NULL)
        goto out;
    rc = pdrift__sorted_copy(baseline, nb, &sorted);
    if (rc != PDRIFT_OK)
        goto out;

    n_cuts = pdrift__psi_cuts(sorted, nb, opts->bins, opts->binning, cuts);
    pdrift__psi_count_sorted(sorted, nb, cuts, n_cuts, baseline_counts);
    pdrift__psi_count(current, nc, cuts, n_cuts, current_counts);
    rc = pdrift__psi_from_counts(baseline_counts, current_counts, n_cuts + 1, opts, out);
out:
    free(sorted);
    free(cuts);
    free(baseline_counts);
    free(current_counts);
    return rc;
}

int pdrift_psi(const double *baseline, size_t nb, const double *current, size_t nc,
               unsigned bins, double *psi, double *pvalue)
{
    if (baseline == NULL || current == NULL || psi == NULL)
        return PDRIFT_EINVAL;
    if (nb == 0 || nc == 0 || bins < 2 || bins > PDRIFT__PSI_MAX_BINS)
        return PDRIFT_EINVAL;
    if (pdrift__has_nan(baseline, nb) || pdrift__has_nan(current, nc))
        return PDRIFT_EDATA;
    if (nb < bins || nc < bins)
        return PDRIFT_EDATA; /* too few values to fill the bins (SPEC §2.4) */

    pdrift__psi_options opts = pdrift__psi_default_options();
    opts.bins = bins;
    pdrift__psi_result result;
    int rc = psi_of_samples(baseline, nb, current, nc, &opts, &result);
    if (rc != PDRIFT_OK)
        return rc;
    *psi = result.psi;
    if (pvalue != NULL)
        *pvalue = result.pvalue;
    return PDRIFT_OK;
}
