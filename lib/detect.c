/*
 * detect.c — pdrift_detect: the per-feature tests of data drift (SPEC §3),
 * the verdict that combines the drift types (SPEC §6) and the
 * recommendations a person reads.
 *
 * The statistics themselves live in psi.c, ks.c and multitest.c; this file
 * decides what to run on which data and what the numbers mean.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"

/* Bands of SPEC §3.6, the same at every sensitivity. */
#define PSI_HIGH 0.25
#define PSI_MEDIUM 0.15
#define KS_HIGH 0.30
#define KS_MEDIUM 0.20

/* ---- one feature ----------------------------------------------------------- */

static pdrift_severity band(double value, double high, double medium)
{
    if (value >= high)
        return PDRIFT_SEVERITY_HIGH;
    if (value >= medium)
        return PDRIFT_SEVERITY_MEDIUM;
    return PDRIFT_SEVERITY_LOW;
}

static pdrift_severity max_severity(pdrift_severity a, pdrift_severity b)
{
    return a > b ? a : b;
}

/* One-sided two-proportion z-test for a rise of the missing share (§3.4). */
static double missing_rise_pvalue(size_t missing_b, size_t rows_b, size_t missing_c, size_t rows_c)
{
    double rb = (double)missing_b / (double)rows_b, rc = (double)missing_c / (double)rows_c;
    double pooled = (double)(missing_b + missing_c) / ((double)rows_b + (double)rows_c);
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / (double)rows_b + 1.0 / (double)rows_c));
    if (!(se > 0.0))
        return 1.0;
    return 0.5 * erfc(((rc - rb) / se) / sqrt(2.0));
}

/* KS p-value for serially dependent samples: the asymptotic distribution at
 * the effective size 1 / (tau_b/n_b + tau_c/n_c), which is en = n_b n_c /
 * (n_b + n_c) for independent ones. Below one effective value there is no
 * evidence at all. */
static double ks_pvalue_dependent(double d, double scale)
{
    double n_eff = nearbyint(1.0 / scale);
    if (n_eff < 1.0)
        return 1.0;
    double p = pdrift_kstwo_sf(d, n_eff);
    return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}

/* Scratch space of a detection, one per worker for all its features: for a
 * window of 20,000 rows it fits in one huge page (new memory is dear on a
 * virtual machine: memory.c). */
typedef struct scratch {
    double *current;   /* the window's values of one feature */
    double *ranks;     /* their ranks in time order */
    size_t *counts;    /* its PSI bin counts */
    void *sort_work;   /* the sort's scratch for the window's values (pdrift__sort_work_bytes), in current's block */
} scratch;

/* The current values of feature f: non-missing ones into `values` (sorted),
 * the count of missing ones returned through *missing, and, when asked for
 * (ranks: scratch for the window's values), the window's autocorrelation
 * time, from the ranks in time order that the same sort gives. */
static size_t gather_current(const pdrift_monitor *m, size_t f, scratch *sc, double *values, size_t *missing,
                             double *ranks, double *tau)
{
    /* the window is column by column, each column a ring: two runs */
    const pdrift__window *w = &m->window;
    const double *column = w->rows + f * w->capacity;
    const size_t first_run = w->capacity - w->start < w->n_rows ? w->capacity - w->start : w->n_rows;
    size_t n = 0, miss = 0;
    for (size_t run = 0; run < 2; run++) {
        const double *from = run == 0 ? column + w->start : column;
        const size_t len = run == 0 ? first_run : w->n_rows - first_run;
        for (size_t i = 0; i < len; i++) {
            double v = from[i];
            values[n] = v;
            n += v == v;
        }
    }
    miss = w->n_rows - n;
    if (tau != NULL && n >= 2 && pdrift__sort_ranked_in(values, n, values, ranks, sc->sort_work) == PDRIFT_OK) {
        *tau = pdrift__autocorrelation_time_of_ranks(ranks, n);
    } else {
        if (tau != NULL) /* too few values, or no memory for the sort's scratch */
            *tau = n >= 2 ? pdrift__autocorrelation_time(values, n) : 1.0;
        pdrift__sort(values, n);
    }
    *missing = miss;
    return n;
}


enum { MAX_NULL_WINDOWS = PDRIFT__NULL_WINDOWS };

/* Autocorrelation time from which a feature is treated as dependent. */
#define DEPENDENT_TAU 1.5

/* The quantile of the baseline windows' KS distances that is matched to the
 * KS distribution to find the effective sample size. The median is the most
 * stable summary but dependent data have heavier tails than kstwo at the
 * median's size, so p-values come out too small; the 90th percentile follows
 * the tail and is still estimated from the ~20 largest of 200 windows.
 * Measured (make bench-serial, and real S&P 500 / FX splits): calm-vs-calm
 * false alarms fall from 11-13% per dependent feature (median) to 8-10%,
 * with every crisis window still flagged. */
#define NULL_MATCH 0.9

static double max2(double a, double b)
{
    return a > b ? a : b;
}

/* The effective size of the KS null: the smallest n for which kstwo(n) has
 * its NULL_MATCH quantile at or below q (kstwo.sf(q, n) <= 1 - NULL_MATCH),
 * searched in [1, n_max]. */
static double ks_effective_size(double q, double n_max)
{
    double lo = 1.0, hi = floor(n_max);
    if (hi < 1.0 || pdrift_kstwo_sf(q, hi) > 1.0 - NULL_MATCH)
        return hi < 1.0 ? 1.0 : hi;
    while (lo < hi) {
        double mid = floor((lo + hi) / 2);
        if (pdrift_kstwo_sf(q, mid) <= 1.0 - NULL_MATCH)
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi;
}

int pdrift__feature_null(const pdrift__settings *s, pdrift__baseline_feature *bf, size_t n_c, const char **what)
{
    if (bf->null_ks != NULL && bf->null_m == n_c)
        return PDRIFT_OK;
    /* a new null reads all the values: a mapped snapshot checks them first */
    int checked = pdrift__snapshot_check_all(bf, what);
    if (checked != PDRIFT_OK)
        return checked;
    if (bf->null_ks == NULL && (bf->null_ks = malloc(2 * MAX_NULL_WINDOWS * sizeof *bf->null_ks)) == NULL)
        return PDRIFT_ENOMEM;
    bf->null_m = 0;
    int rc = pdrift__window_null(bf->sorted, bf->positions, bf->n_values, n_c, bf->cuts, bf->n_cuts,
                                 bf->counts, &s->psi, MAX_NULL_WINDOWS, bf->null_ks,
                                 bf->null_ks + MAX_NULL_WINDOWS, &bf->null_k);
    if (rc == PDRIFT_OK)
        bf->null_m = n_c;
    bf->null_n_eff = 0.0; /* computed at first use (null_effective_size) */
    return rc;
}

/* The KS null's effective size (a search through kstwo: kept with the null). */
static double null_effective_size(pdrift__baseline_feature *bf)
{
    if (!(bf->null_n_eff >= 1.0)) {
        const double nb = (double)bf->n_values, nc = (double)bf->null_m;
        bf->null_n_eff = ks_effective_size(pdrift__null_quantile(bf->null_ks, bf->null_k, NULL_MATCH),
                                           nc * (nb - nc) / nb);
    }
    return bf->null_n_eff;
}

int pdrift__feature_wants_null(const pdrift__settings *s, const pdrift__baseline_feature *bf, size_t n_c)
{
    if (!s->serial_correction || bf->tau < DEPENDENT_TAU || n_c == 0)
        return 0;
    size_t windows = bf->n_values >= 2 * n_c ? bf->n_values - n_c + 1 : 0;
    if (windows > MAX_NULL_WINDOWS)
        windows = MAX_NULL_WINDOWS;
    return (double)(windows + 1) * s->alpha > 1.0;
}

/* Significance calibrated on the baseline's own windows of the current
 * length (calibrate.c). Their distances to the rest of the baseline show how
 * much windows differ when nothing changed. For KS, a quantile of them fixes
 * the effective sample size, and the KS distribution gives the p-value at
 * that size; for PSI, their median fixes the variance factor of the
 * chi-square law, bounded below by the autocorrelation times. Dependence
 * never makes a p-value smaller than the textbook one. */
static int calibrate_by_windows(const pdrift__settings *s, pdrift__baseline_feature *bf,
                                size_t n_c, double d, pdrift__feature_result *fr, const char **what)
{
    /* The null depends only on the baseline, the settings (both fixed for
     * this feature's life) and the window length: a monitor that detects
     * again with a window of the same length (a bot whose window ring is
     * full) reuses it, so such a detect costs what the window costs. */
    int rc = pdrift__feature_null(s, bf, n_c, what);
    if (rc != PDRIFT_OK)
        return rc;
    const size_t k = bf->null_k;
    const double *ks_null = bf->null_ks, *psi_null = bf->null_ks + MAX_NULL_WINDOWS;
    fr->calibration = PDRIFT__CALIBRATION_WINDOWS;
    fr->null_windows = k;
    const double nb = (double)bf->n_values, nc = (double)n_c;

    /* KS: windows are m values against n - m; the observation m against n. */
    double en_null = nc * (nb - nc) / nb, en_obs = nc * nb / (nb + nc);
    double n_null = null_effective_size(bf);
    double ratio = n_null / en_null; /* 1 for independent values */
    double n_obs = nearbyint(en_obs * (ratio < 1.0 ? ratio : 1.0));
    fr->ks_effective_n = n_obs;
    if (n_obs >= 1.0)
        fr->ks_pvalue = max2(fr->ks_pvalue_iid, pdrift_kstwo_sf(d, n_obs));
    else
        fr->ks_pvalue = 1.0;

    /* PSI: the null's median against chi-square's gives the variance factor. */
    if (fr->psi_bins_effective >= 2) {
        size_t df = fr->psi_bins_effective - 1;
        double iid_null = 1.0 / nc + 1.0 / (nb - nc);
        double chi2_median = pdrift__psi_critical_scaled(0.5, df, 1.0);
        double factor = pdrift__null_quantile(psi_null, k, 0.5) / (chi2_median * iid_null);
        if (!(factor > 1.0))
            factor = 1.0;
        /* PSI's tail under dependence is heavier than a scaled chi-square
         * (with few effective values most bins are empty): the median alone
         * understates it, so the larger of this factor and the
         * autocorrelation-time one (tau_b/M + tau_c/N) is used. */
        double tau_scale = fr->tau / nb + fr->tau_current / nc;
        double scale = factor * (1.0 / nb + 1.0 / nc);
        if (tau_scale > scale)
            scale = tau_scale;
        fr->psi_variance_factor = scale / (1.0 / nb + 1.0 / nc);
        fr->psi_pvalue = max2(fr->psi_pvalue_iid, pdrift__psi_pvalue(fr->psi, df, scale));
        fr->psi_critical = pdrift__psi_critical_scaled(s->alpha, df, scale);
    }
    fr->ks_null_quantile = pdrift__null_quantile(ks_null, k, 1.0 - s->alpha);
    fr->psi_null_quantile = pdrift__null_quantile(psi_null, k, 1.0 - s->alpha);
    return PDRIFT_OK;
}

/* Significance with effective sizes n / tau, when the baseline is too short
 * to hold enough windows of the current length. */
static void calibrate_by_autocorrelation(const pdrift__settings *s,
                                         const pdrift__baseline_feature *bf, size_t n_c,
                                         pdrift__feature_result *fr)
{
    fr->calibration = PDRIFT__CALIBRATION_AUTOCORRELATION;
    /* 1/M + 1/N for independent values; tau_b/M + tau_c/N in general. */
    const double scale = fr->tau / (double)bf->n_values + fr->tau_current / (double)n_c;
    if (fr->psi_bins_effective >= 2) {
        size_t df = fr->psi_bins_effective - 1;
        fr->psi_critical = pdrift__psi_critical_scaled(s->alpha, df, scale);
        fr->psi_pvalue = pdrift__psi_pvalue(fr->psi, df, scale);
    }
    fr->ks_pvalue = ks_pvalue_dependent(fr->ks_statistic, scale);
    fr->ks_effective_n = nearbyint(1.0 / scale);
    fr->psi_variance_factor = scale / (1.0 / (double)bf->n_values + 1.0 / (double)n_c);
}

/* ks_statistic_fenced's `ready`: a mapped snapshot's block checked. */
typedef struct {
    pdrift__baseline_feature *bf;
    int rc;
    const char **what;
} block_check;

static const double *block_ready(void *ctx, size_t lo, size_t hi)
{
    block_check *c = ctx;
    return pdrift__snapshot_values(c->bf, lo, hi, &c->rc, c->what);
}

/* D of the window against the baseline, the same to the bit whichever way.
 * A window much smaller than the baseline is located among its fences (a
 * sample that stays in cache, ks.c), so the cost follows the window and
 * hardly the baseline; without memory for them it gallops through the
 * sorted values. Otherwise a merge. PDRIFT_OK, or the damage of a mapped
 * snapshot (*what says what), whose blocks are checked as they are read. */
static int ks_statistic(pdrift__baseline_feature *bf, const double *current, size_t n_c, double *d,
                        const char **what)
{
    const size_t n = bf->n_values;
    const int small = n_c < n / 4 && (double)n * (double)n_c < 1e15;
    if (small && bf->fences == NULL) {
        size_t step = pdrift__ks_fence_step(n), k = (n + step - 1) / step;
        if ((bf->fences = malloc(k * sizeof *bf->fences)) != NULL) {
            for (size_t i = 0; i < k; i++)
                bf->fences[i] = bf->sorted[i * step];
            bf->fence_step = step;
            bf->n_fences = k;
        }
    }
    if (small && bf->fences != NULL) {
        block_check c = {bf, PDRIFT_OK, what};
        *d = pdrift__ks_statistic_fenced(bf->sorted, n, bf->fences, bf->fence_step, bf->n_fences, current, n_c,
                                         bf->unchecked != NULL ? block_ready : NULL, &c);
        return c.rc;
    }
    int rc = pdrift__snapshot_check_all(bf, what);
    if (rc != PDRIFT_OK)
        return rc;
    *d = n_c < n / 4 ? pdrift__ks_statistic_small(bf->sorted, n, current, n_c)
                     : pdrift__ks_statistic(bf->sorted, n, current, n_c);
    return PDRIFT_OK;
}

/* PSI, KS and the missing-rate test of one feature. The KS p-value is
 * adjusted later, across features. It writes nothing of the monitor but
 * feature f's baseline (fences, calibration, checks of a mapped snapshot)
 * and result: features are tested on several threads. On damage of a mapped
 * snapshot, *what says what it is. */
static int test_feature(const pdrift_monitor *m, size_t f, scratch *sc, pdrift__feature_result *fr,
                        const char **what)
{
    const pdrift__settings *s = &m->settings;
    pdrift__baseline_feature *bf = &m->baseline.features[f];
    double *current = sc->current;
    size_t missing_c;
    double tau_window = 1.0;
    size_t n_c = gather_current(m, f, sc, current, &missing_c, sc->ranks, s->serial_correction ? &tau_window : NULL);
    size_t rows_b = m->baseline.n_rows, rows_c = m->window.n_rows;

    fr->n_baseline = bf->n_values;
    fr->n_current = n_c;
    fr->rows_baseline = rows_b;
    fr->rows_current = rows_c;
    /* Under H0 both sides are the same process, so the baseline's long series
     * gives the better estimate; the window's own counts when it is larger. */
    fr->tau = bf->tau;
    fr->tau_current = tau_window > bf->tau ? tau_window : bf->tau;
    fr->calibration = PDRIFT__CALIBRATION_INDEPENDENT;
    fr->null_windows = 0;
    fr->ks_null_quantile = fr->psi_null_quantile = NAN;
    fr->ks_effective_n = NAN;
    fr->psi_variance_factor = NAN;
    fr->psi = fr->psi_pvalue = fr->psi_pvalue_iid = fr->psi_critical = NAN;
    fr->ks_statistic = fr->ks_pvalue = fr->ks_pvalue_adjusted = fr->ks_pvalue_iid = NAN;
    fr->ks_method = -1;
    fr->missing_baseline = rows_b ? (double)bf->n_missing / (double)rows_b : NAN;
    fr->missing_current = rows_c ? (double)missing_c / (double)rows_c : NAN;
    fr->missing_pvalue = NAN;

    if (rows_b >= s->min_samples && rows_c >= s->min_samples)
        fr->missing_pvalue = missing_rise_pvalue(bf->n_missing, rows_b, missing_c, rows_c);

    size_t n_min = s->min_samples > s->psi.bins ? s->min_samples : s->psi.bins;
    if (bf->n_values < n_min || n_c < n_min)
        return PDRIFT_OK; /* the distribution tests cannot run: insufficient_data */

    /* The textbook tests, as if the values were independent. */
    pdrift__psi_count_sorted(current, n_c, bf->cuts, bf->n_cuts, sc->counts); /* current is sorted */
    pdrift__psi_result psi;
    int rc = pdrift__psi_from_counts(bf->counts, sc->counts, bf->n_cuts + 1, &s->psi, &psi);
    if (rc != PDRIFT_OK)
        return rc;
    fr->psi = psi.psi;
    fr->psi_pvalue = fr->psi_pvalue_iid = psi.pvalue;
    fr->psi_bins = psi.n_bins;
    fr->psi_bins_effective = psi.n_bins_effective;
    if (psi.n_bins_effective >= 2)
        fr->psi_critical = pdrift__psi_critical(s->alpha, psi.n_bins_effective - 1, bf->n_values, n_c);
    double d;
    if ((rc = ks_statistic(bf, current, n_c, &d, what)) != PDRIFT_OK)
        return rc;
    pdrift_ks_method used;
    rc = pdrift__ks_pvalue(d, bf->n_values, n_c, s->ks_method, &fr->ks_statistic, &fr->ks_pvalue_iid, &used);
    if (rc != PDRIFT_OK)
        return rc;
    fr->ks_method = (int)used;
    fr->ks_pvalue = fr->ks_pvalue_iid;
    if (!s->serial_correction)
        return PDRIFT_OK;

    /* Serial dependence, when the baseline shows some (an estimate of tau for
     * independent values stays within about 0.3 of 1 from a few hundred
     * values on): calibrate on the baseline's own windows when it holds
     * enough of them for a p-value below alpha, else on tau. Independent
     * features keep the textbook p-values, which no calibration could
     * improve (returns with volatility clustering are among them: their
     * ranks are nearly independent). */
    if (bf->tau < DEPENDENT_TAU)
        return PDRIFT_OK;
    if (pdrift__feature_wants_null(s, bf, n_c))
        return calibrate_by_windows(s, bf, n_c, d, fr, what);
    calibrate_by_autocorrelation(s, bf, n_c, fr);
    return PDRIFT_OK;
}

/* Gates and severity of one feature (SPEC §3.3, §3.6), once the KS p-value
 * has been adjusted. */
static void decide_feature(const pdrift__settings *s, pdrift__feature_result *fr)
{
    fr->gates = 0;
    if (fr->psi > s->psi_threshold && fr->psi_pvalue < s->alpha)
        fr->gates |= 1u;
    if (fr->ks_statistic > s->ks_threshold && fr->ks_pvalue_adjusted < s->alpha)
        fr->gates |= 2u;
    double rise = fr->missing_current - fr->missing_baseline;
    if (rise > s->missing_rise && fr->missing_pvalue < s->alpha)
        fr->gates |= 4u;

    pdrift_severity sev = PDRIFT_SEVERITY_NONE;
    if (fr->gates & 1u)
        sev = band(fr->psi, PSI_HIGH, PSI_MEDIUM); /* the PSI row takes precedence */
    else if (fr->gates & 2u)
        sev = band(fr->ks_statistic, KS_HIGH, KS_MEDIUM);
    if (fr->gates & 4u) /* a missing-share rise is a KS distance between indicators */
        sev = max_severity(sev, band(rise, KS_HIGH, KS_MEDIUM));
    fr->severity = sev;

    if (fr->gates)
        fr->status = PDRIFT_FEATURE_DRIFT;
    else if (isnan(fr->ks_statistic))
        fr->status = PDRIFT_FEATURE_INSUFFICIENT;
    else
        fr->status = PDRIFT_FEATURE_OK;
}

/* ---- ordering ---------------------------------------------------------------- */

/* Descending order of a value, NaN (not computed) last. */
static int desc_nan_last(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a < b) - (a > b);
}

static int status_rank(pdrift_feature_status s)
{
    return s == PDRIFT_FEATURE_DRIFT ? 0 : s == PDRIFT_FEATURE_OK ? 1 : 2;
}

/* Most drifted first: drifted features by severity, PSI, D, then the others
 * (tested before insufficient), each in the same order; baseline order last. */
static int feature_order(const pdrift__feature_result *a, size_t ia, const pdrift__feature_result *b,
                         size_t ib)
{
    int c = status_rank(a->status) - status_rank(b->status);
    if (c == 0)
        c = (int)b->severity - (int)a->severity;
    if (c == 0)
        c = desc_nan_last(a->psi, b->psi);
    if (c == 0)
        c = desc_nan_last(a->ks_statistic, b->ks_statistic);
    if (c == 0)
        c = (ia > ib) - (ia < ib);
    return c;
}

/* Insertion sort of indices: stable, allocation-free, and feature counts are
 * small (the comparison reads the results, which qsort could not reach
 * without global state). */
static void order_features(const pdrift__feature_result *fr, size_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && feature_order(&fr[v], v, &fr[order[j - 1]], order[j - 1]) < 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

/* ---- pdrift_detect ---------------------------------------------------------------- */

void pdrift__result_clear(pdrift__result *r)
{
    free(r->features);
    free(r->order);
    for (size_t i = 0; i < r->n_recommendations; i++)
        free(r->recommendations[i]);
    free(r->recommendations);
    free(r->json);
    memset(r, 0, sizeof *r);
}

/* The features are tested on up to PDRIFT_PARAM_THREADS threads
 * (pdrift__parallel_for), one feature at a time, each reading its column of
 * the window. Every feature's numbers depend on that feature alone, so they
 * have the same bits whatever the number of threads. */
typedef struct testing {
    const pdrift_monitor *m;
    pdrift__result *r;
    double *pvalues;
    scratch *sc;           /* one per worker */
    const char **what;     /* per feature: a mapped snapshot's damage */
} testing;

static int scratch_new(scratch *sc, size_t rows, unsigned bins)
{
    /* One block, in huge pages when large (pdrift__alloc_large): the values
     * and the ranks of one feature, then the sort's scratch. Each is new
     * memory, where a small page costs about as much to touch for the first
     * time as a huge one on the bench machine. */
    const size_t room = rows ? rows : 1;
    size_t work = pdrift__sort_work_bytes(room);
    const size_t bytes = 2 * room * sizeof *sc->current;
    if (work == SIZE_MAX) /* too many rows for the radix sort: it sorts without scratch */
        work = 0;
    int fits = room <= SIZE_MAX / (2 * sizeof *sc->current) && work <= SIZE_MAX - bytes;
    sc->current = fits ? pdrift__alloc_large(bytes + work, 1) : NULL;
    sc->counts = malloc((size_t)bins * sizeof *sc->counts);
    if (sc->current == NULL || sc->counts == NULL) {
        free(sc->current);
        free(sc->counts);
        return PDRIFT_ENOMEM;
    }
    sc->ranks = sc->current + room;
    sc->sort_work = work ? (void *)(sc->ranks + room) : NULL; /* aligned as doubles are */
    return PDRIFT_OK;
}

static int test_one(void *ctx, size_t f, size_t worker)
{
    testing *t = ctx;
    int rc = test_feature(t->m, f, &t->sc[worker], &t->r->features[f], &t->what[f]);
    t->pvalues[f] = t->r->features[f].ks_pvalue;
    return rc;
}

/* Test every feature, adjust the KS p-values across them, decide. */
static int detect_data(pdrift_monitor *m, pdrift__result *r)
{
    const size_t nf = m->baseline.n_features, rows = m->window.n_rows;
    const size_t workers = pdrift__parallel_workers(nf, m->settings.threads);
    scratch sc[PDRIFT__MAX_WORKERS];
    double *pvalues = malloc((nf ? nf : 1) * sizeof *pvalues);
    const char **what = calloc(nf ? nf : 1, sizeof *what);
    size_t made = 0, failed = SIZE_MAX;
    int rc = pvalues != NULL && what != NULL ? PDRIFT_OK : PDRIFT_ENOMEM;
    while (rc == PDRIFT_OK && made < workers && scratch_new(&sc[made], rows, m->settings.psi.bins) == PDRIFT_OK)
        made++;
    if (rc == PDRIFT_OK && made == 0)
        rc = PDRIFT_ENOMEM;
    if (rc == PDRIFT_OK) {
        testing t = {m, r, pvalues, sc, what};
        rc = pdrift__parallel_for(nf, made, test_one, &t, &failed);
        if (rc != PDRIFT_OK && what[failed] != NULL)
            pdrift__snapshot_fail(m, m->baseline.source, &m->baseline.features[failed], rc, what[failed]);
    }
    for (size_t i = 0; i < made; i++) {
        free(sc[i].current); /* and the sort's scratch after it */
        free(sc[i].counts);
    }
    free(what);
    if (rc == PDRIFT_OK)
        rc = pdrift__adjust_pvalues(pvalues, nf, m->settings.correction, pvalues);
    if (rc != PDRIFT_OK)
        goto out;

    r->psi_max = NAN;
    r->data_severity = PDRIFT_SEVERITY_NONE;
    for (size_t f = 0; f < nf; f++) {
        pdrift__feature_result *fr = &r->features[f];
        fr->ks_pvalue_adjusted = pvalues[f];
        decide_feature(&m->settings, fr);
        if (fr->status == PDRIFT_FEATURE_DRIFT) {
            r->n_drifted++;
            r->data_severity = max_severity(r->data_severity, fr->severity);
        } else if (fr->status == PDRIFT_FEATURE_INSUFFICIENT) {
            r->n_insufficient++;
        }
        if (!isnan(fr->psi) && (isnan(r->psi_max) || fr->psi > r->psi_max))
            r->psi_max = fr->psi;
    }
    order_features(r->features, r->order, nf);
    rc = PDRIFT_OK;
out:
    free(pvalues);
    return rc;
}

/* The current returns in time order (the returns window is a ring). */
static double *current_returns(const pdrift_monitor *m)
{
    const pdrift__window *w = &m->returns;
    double *r = malloc((w->n_rows ? w->n_rows : 1) * sizeof *r);
    if (r != NULL)
        for (size_t i = 0; i < w->n_rows; i++)
            r[i] = w->rows[(w->start + i) % w->capacity];
    return r;
}

int pdrift_detect(pdrift_monitor *m)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    const size_t nf = m->baseline.n_features;
    if (nf == 0 && m->performance.source == PDRIFT__PERFORMANCE_NONE && m->returns.n_rows == 0 &&
        m->errors.n_reference == 0 && m->errors.live.n_rows == 0)
        return pdrift__fail(m, PDRIFT_ESTATE, "pdrift_detect: nothing to compare with: give a "
                            "baseline (pdrift_baseline_load, pdrift_baseline_set, "
                            "pdrift_baseline_returns, pdrift_baseline_metrics or "
                            "pdrift_baseline_errors) first");

    pdrift__result r = {0};
    int rc = PDRIFT_OK;
    if (nf > 0) {
        r.features = calloc(nf, sizeof *r.features);
        r.order = malloc(nf * sizeof *r.order);
        rc = (r.features && r.order) ? PDRIFT_OK : PDRIFT_ENOMEM;
    }
    r.n_features = nf;
    r.n_baseline_rows = m->baseline.n_rows;
    r.n_current_rows = m->window.n_rows;
    r.psi_max = NAN;
    r.generated_at = time(NULL);
    if (rc == PDRIFT_OK && nf > 0)
        rc = detect_data(m, &r);
    double *returns = NULL;
    if (rc == PDRIFT_OK && (returns = current_returns(m)) == NULL)
        rc = PDRIFT_ENOMEM;
    if (rc == PDRIFT_OK)
        pdrift__model_detect(&m->settings, &m->performance, returns, m->returns.n_rows, &r.model);
    free(returns);
    /* The latch is updated only when the whole detection succeeds. */
    pdrift__errors latch = m->errors;
    if (rc == PDRIFT_OK)
        rc = pdrift__concept_detect(m, &r.concept);
    if (rc == PDRIFT_OK)
        rc = pdrift__verdict(m, &r);
    if (rc != PDRIFT_OK) {
        m->errors.latched = latch.latched;
        m->errors.fired_at = latch.fired_at;
        m->errors.fired_weight = latch.fired_weight;
        pdrift__result_clear(&r);
        if (rc == PDRIFT_ECORRUPT) /* a mapped snapshot's damage, already described */
            return rc;
        return pdrift__fail(m, rc, "pdrift_detect: out of memory");
    }
    r.valid = 1;

    /* Swap the new result in, render its report; on failure keep the old one. */
    pdrift__result old = m->result;
    m->result = r;
    rc = pdrift__report_render(m);
    if (rc != PDRIFT_OK) {
        pdrift__result_clear(&m->result);
        m->result = old;
        m->errors.latched = latch.latched;
        m->errors.fired_at = latch.fired_at;
        m->errors.fired_weight = latch.fired_weight;
        return pdrift__fail(m, rc, "pdrift_detect: out of memory rendering the report");
    }
    pdrift__result_clear(&old);
    m->errmsg[0] = '\0';
    return PDRIFT_OK;
}

int pdrift_baseline_calibrate(pdrift_monitor *m, size_t window_rows)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    if (window_rows == 0)
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_baseline_calibrate: a window of 0 rows");
    pdrift__baseline *b = &m->baseline;
    if (b->n_features == 0)
        return pdrift__fail(m, PDRIFT_ESTATE, "pdrift_baseline_calibrate: no feature baseline");
    for (size_t f = 0; f < b->n_features; f++) {
        pdrift__baseline_feature *bf = &b->features[f];
        if (!pdrift__feature_wants_null(&m->settings, bf, window_rows))
            continue;
        const char *what = NULL;
        int rc = pdrift__feature_null(&m->settings, bf, window_rows, &what);
        if (rc != PDRIFT_OK && what != NULL)
            return pdrift__snapshot_fail(m, b->source, bf, rc, what);
        if (rc == PDRIFT_OK)
            (void)null_effective_size(bf);
        if (rc != PDRIFT_OK)
            return pdrift__fail(m, rc, "pdrift_baseline_calibrate: %s calibrating feature \"%s\"",
                                rc == PDRIFT_ENOMEM ? "out of memory" : "cannot calibrate", bf->name);
    }
    m->errmsg[0] = '\0';
    return PDRIFT_OK;
}
