/*
 * internal.h — private declarations shared by the library's units.
 *
 * Everything here is hidden (-fvisibility=hidden and the version script);
 * names start with pdrift__. The unit tests link the static library and may
 * call these functions directly.
 */
#ifndef PDRIFT_INTERNAL_H
#define PDRIFT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ploutos_drift.h"

/* ---- memory.c ------------------------------------------------------------ */

/* Advise the kernel to back the large buffer p (n bytes, from malloc) with
 * huge pages: far fewer page faults when it is first filled. A hint only. */
void pdrift__advise_large(void *p, size_t n);
/* n bytes for a large buffer, freed with free(): from 1 MiB up aligned on
 * huge pages and rounded up to whole ones (memory.c), all of it advised for
 * them when `advise` (else the caller advises what it wants, with
 * pdrift__advise_large). NULL without memory. */
void *pdrift__alloc_large(size_t n, int advise);
/* The first len bytes of the open file fd mapped read-only (private), or
 * NULL where mapping fails or is not available; pdrift__unmap undoes it. */
void *pdrift__map_file(int fd, size_t len);
void pdrift__unmap(void *p, size_t len);
/* Advise huge pages for the large, already filled buffer p (n bytes) and
 * ask the kernel to move it onto them now (Linux's MADV_COLLAPSE, 6.1 on;
 * elsewhere the advice alone). A hint only. */
void pdrift__collapse_large(void *p, size_t n);
/* Make the pages of p[0..n) resident and writable in one call rather than a
 * fault each (Linux's MADV_POPULATE_WRITE). A hint only. */
void pdrift__prefault(void *p, size_t n);
/* Give the kernel back the whole pages of base[from..to), bytes of a
 * malloc'd block whose content there will never be read again (it reads
 * as zeros if it is). A hint only. */
void pdrift__release_pages(void *base, size_t from, size_t to);
/* Small pieces of memory carved out of huge pages, for many threads, all
 * freed at once with the arena: pdrift__arena_alloc returns n bytes aligned
 * for a double (NULL without memory). pdrift__arena_new: NULL without memory. */
typedef struct pdrift__arena pdrift__arena;
pdrift__arena *pdrift__arena_new(void);
void *pdrift__arena_alloc(pdrift__arena *a, size_t n);
void pdrift__arena_free(pdrift__arena *a);

/* ---- sort.c: private sorted copies ------------------------------------- */

/* Sort ascending in place. The values must not contain NaN; -0.0 and +0.0
 * may come out in either order (they compare equal everywhere we use them). */
void pdrift__sort(double *values, size_t n);
/* The n NaN-free values x sorted ascending into `sorted`, and the mid-rank
 * of each (0-based; ties share the mean of their positions) into ranks, in
 * x's order; either output may be NULL, and sorted may be x itself. One
 * radix sort serves both. PDRIFT_ENOMEM. */
int pdrift__sort_ranked(const double *x, size_t n, double *sorted, double *ranks);
/* The same, and the position of each value in `sorted`, in x's order
 * (sorted[positions[t]] == x[t]; equal values in time order): a
 * permutation of 0..n-1. n must not exceed UINT32_MAX (PDRIFT_ENOMEM).
 * sorted may be x itself (sorted in place). */
int pdrift__sort_positions(const double *x, size_t n, double *sorted, double *ranks, uint32_t *positions);
/* pdrift__sort_ranked with the caller's scratch of pdrift__sort_work_bytes(n)
 * bytes (aligned for uint64_t), for a caller that sorts many times: no
 * allocation, and memory already touched. */
size_t pdrift__sort_work_bytes(size_t n);
int pdrift__sort_ranked_in(const double *x, size_t n, double *sorted, double *ranks, void *work);
/* pdrift__sort_positions with the caller's scratch, as above; the ranks
 * (when ranks is not NULL) are written into that scratch, *ranks pointing
 * at them (NULL where there is none: a small or a too large n). */
int pdrift__sort_positions_in(const double *x, size_t n, double *sorted, double **ranks, uint32_t *positions,
                              void *work);

/* ---- parallel.c: one call's items on several threads ------------------------ */

/* work(ctx, item, worker) for every item in [0, n) on up to `threads`
 * threads, the calling one included (worker: 0 .. threads - 1, for scratch
 * of its own). A nonzero return stops the others; the result is the first
 * failing item's (in item order, *failed its index), or 0 with *failed
 * SIZE_MAX. Every item must depend on itself alone. */
typedef int (*pdrift__work_fn)(void *ctx, size_t item, size_t worker);
int pdrift__parallel_for(size_t n, size_t threads, pdrift__work_fn work, void *ctx, size_t *failed);
/* The workers pdrift__parallel_for runs for n items and `threads` (1 to
 * PDRIFT__MAX_WORKERS): what a caller allocates scratch for. */
enum { PDRIFT__MAX_WORKERS = 64 };
size_t pdrift__parallel_workers(size_t n, size_t threads);

/* 1 if any value is NaN. */
int pdrift__has_nan(const double *values, size_t n);

/* Allocate a sorted copy of values[0..n). PDRIFT_EDATA if a value is NaN,
 * PDRIFT_ENOMEM on allocation failure. *out is freed by the caller (free). */
int pdrift__sorted_copy(const double *values, size_t n, double **out);

/* ---- kolmogorov.c: distribution of the one-sample KS statistic --------- */

/* scipy.stats.kstwo.sf(d, n); see SPEC §1.6. */
double pdrift__kstwo_sf(double d, double n);

/* scipy.special.smirnov(n, x) = P(D_n+ >= x); see SPEC §1.6. */
double pdrift__smirnov(int n, double x);
/* The same, summed term by term for every n (pdrift__smirnov sums large
 * n's terms by quadrature): for the tests. */
double pdrift__smirnov_by_terms(int n, double x);

/* ---- ks.c: the two-sample test on sorted samples ------------------------ */

/* D of SPEC §1.2 for two sorted, NaN-free, non-empty samples. */
double pdrift__ks_statistic(const double *x_sorted, size_t nx, const double *y_sorted, size_t ny);
/* The first index i >= from of the sorted a[0..n) with a[i] > v (le) or
 * a[i] >= v (!le): an exponential, then a binary search from `from`, so a
 * walk through ascending v costs O(log gap) per step (ks.c). */
size_t pdrift__gallop(const double *a, size_t n, size_t from, double v, int le);
/* The same value, bit for bit, by galloping through x: O(ny log(nx/ny)),
 * for a small sample y against a large sorted x. */
double pdrift__ks_statistic_small(const double *x_sorted, size_t nx, const double *y_sorted, size_t ny);

/* The same value again, through fences of x (fence[k] = x[k * step], k <
 * n_fences = ceil(nx / step)): O(ny + n_fences) and a few blocks of step
 * values, whatever nx; for nx * ny < 1e15 (ks.c). Before it reads x[lo ..
 * hi - 1] it calls ready(ctx, lo, hi) when ready is not NULL (a mapped
 * snapshot reads and checks those values then) and reads them where it
 * returns: at p[i - lo] for x[i]. NULL stops it: NaN. */
typedef const double *(*pdrift__ks_ready)(void *ctx, size_t lo, size_t hi);
double pdrift__ks_statistic_fenced(const double *x_sorted, size_t nx, const double *fence, size_t step,
                                   size_t n_fences, const double *y_sorted, size_t ny, pdrift__ks_ready ready,
                                   void *ctx);
/* The fence step for nx sorted values: about PDRIFT__KS_FENCES fences. */
enum { PDRIFT__KS_FENCES = 4096 };
size_t pdrift__ks_fence_step(size_t nx);

/* p-value (and final statistic) for a raw D of two samples of sizes nx, ny
 * >= 1, following scipy's method selection (SPEC §1.3–1.5). *method_used
 * receives PDRIFT_KS_EXACT or PDRIFT_KS_ASYMP. PDRIFT_ENOMEM if the exact
 * recursion's window cannot be allocated. */
int pdrift__ks_pvalue(double d, size_t nx, size_t ny, pdrift_ks_method method, double *statistic,
                      double *pvalue, pdrift_ks_method *method_used);

/* ---- psi.c: the Population Stability Index ------------------------------ */

enum pdrift__psi_binning {
    PDRIFT__BINNING_QUANTILE = 0,   /* type-7 quantiles of the baseline (default) */
    PDRIFT__BINNING_EQUAL_WIDTH = 1 /* equal widths on the finite baseline range */
};

enum pdrift__psi_empty {
    PDRIFT__EMPTY_EPSILON = 0,  /* an empty bin's share becomes epsilon (default) */
    PDRIFT__EMPTY_SMOOTHING = 1 /* additive smoothing (count + 0.5) for every bin */
};

#define PDRIFT__PSI_DEFAULT_BINS 10u
#define PDRIFT__PSI_DEFAULT_EPSILON 1e-4
/* More bins than this is not a distribution comparison any more; the bound
 * also keeps the chi-square degrees of freedom where GSL is exact. */
#define PDRIFT__PSI_MAX_BINS 10000u

typedef struct pdrift__psi_options {
    unsigned bins;   /* B >= 2 */
    int binning;     /* enum pdrift__psi_binning */
    int empty_bins;  /* enum pdrift__psi_empty */
    double epsilon;  /* share of an empty bin under PDRIFT__EMPTY_EPSILON */
} pdrift__psi_options;

typedef struct pdrift__psi_result {
    double psi;              /* the index */
    double pvalue;           /* chi-square approximation, upper tail */
    size_t n_bins;           /* K + 1 */
    size_t n_bins_effective; /* bins with baseline + current count > 0 */
} pdrift__psi_result;

/* The default options (quantile bins, B = 10, epsilon = 1e-4). */
pdrift__psi_options pdrift__psi_default_options(void);

/* Cut points of SPEC §2.2 (quantile) or §2.5 (equal width) from a sorted,
 * NaN-free baseline of n >= 1 values. cuts must hold bins - 1 values; returns
 * K, the number of distinct cuts kept (1 <= K <= bins - 1), or 0 if the
 * preconditions are not met. */
size_t pdrift__psi_cuts(const double *baseline_sorted, size_t n, unsigned bins, int binning,
                        double *cuts);

/* Count values into the K + 1 bins (-inf, c1], (c1, c2], ..., (cK, +inf):
 * counts[i] = number of values v with exactly i cuts < v. counts has K + 1
 * entries and is overwritten. values in any order, no NaN. */
void pdrift__psi_count(const double *values, size_t n, const double *cuts, size_t n_cuts,
                       size_t *counts);
/* The same for values sorted ascending: a search per cut, not per value. */
void pdrift__psi_count_sorted(const double *values, size_t n, const double *cuts, size_t n_cuts,
                              size_t *counts);

/* PSI, its chi-square p-value and bin counts from per-bin counts (SPEC §2.3).
 * PDRIFT_EINVAL for NULL pointers, n_bins = 0 or > PDRIFT__PSI_MAX_BINS, a
 * zero total, an unknown mode or epsilon outside [DBL_MIN, 1]. */
int pdrift__psi_from_counts(const size_t *baseline_counts, const size_t *current_counts,
                            size_t n_bins, const pdrift__psi_options *opts,
                            pdrift__psi_result *out);

/* Upper-tail p-value of a PSI value with df = B_eff - 1 degrees of freedom
 * under H0, PSI ~ scale * chi2(df). For independent samples scale = 1/M +
 * 1/N (what pdrift__psi_from_counts uses); for serially dependent ones,
 * tau_b/M + tau_c/N. NaN if df is 0 or too large, or scale <= 0. */
double pdrift__psi_pvalue(double psi, size_t df, double scale);

/* Critical value Qinv_chi2(alpha; df) * scale; NaN on bad arguments. */
double pdrift__psi_critical_scaled(double alpha, size_t df, double scale);

/* Critical value of PSI at level alpha: Qinv_chi2(alpha; df) * (1/M + 1/N).
 * NaN if df is 0 or >= PDRIFT__PSI_MAX_BINS, alpha is not in (0, 1), or a
 * sample size is 0. */
double pdrift__psi_critical(double alpha, size_t df, size_t n_baseline, size_t n_current);

/* ---- metrics.c: trading metrics -------------------------------------------- */

/* Sharpe ratio with an annual risk-free rate rf, compounded to per period:
 * rf_p = (1 + rf)^(1/P) - 1 (SPEC §5). Inputs already validated. */
double pdrift__sharpe(const double *returns, size_t n, double periods_per_year, double rf);

/* Maximum drawdown (SPEC §5), in [-1, 0]. Inputs already validated. */
double pdrift__max_drawdown(const double *returns, size_t n);

/* Counts for the win rate: wins = #(r > 0), decided = #(r != 0). */
void pdrift__win_counts(const double *returns, size_t n, size_t *wins, size_t *decided);

/* 1 if all n values are finite. */
int pdrift__all_finite(const double *values, size_t n);


/* ---- addm.c: ADDM on error series (SPEC §4) ----------------------------------- */

#define PDRIFT__ADDM_MAX_LAGS 20

typedef struct pdrift__addm_params {
    size_t k;              /* smoothing length (1 = raw errors) */
    size_t n_ref;          /* smoothed reference values used, at most */
    size_t w;              /* smoothed window values */
    size_t p;              /* AR order per regime, 1..PDRIFT__ADDM_MAX_LAGS */
    size_t d;              /* threshold delay, >= 1 */
    double trim;           /* least share of the rows per regime */
    double delta_drift, delta_warning; /* occupancy rise */
    double tail_drift, tail_warning;   /* share of the last ceil(w/4) rows in H: 0.75, 0.50 */
    int tsay_gate;         /* also require Tsay's F test (p < tsay_alpha); occupancy rule */
    double tsay_alpha;
    size_t tsay_ini;       /* first rows of the arranged regression: 40 */
    int rule;              /* PDRIFT__ADDM_RULE_*: how WARNING/DRIFT is decided */
    double z_drift, z_warning; /* mean rule thresholds */
} pdrift__addm_params;

/* The decision rule. The SETAR fit, its regimes, occupancies and severity
 * weight are computed and reported whichever rule decides. */
enum {
    PDRIFT__ADDM_RULE_MEAN = 0,      /* z test of the window's mean error against the
                                        reference's, long-run variance from an AR(p) fit
                                        (docs/concept.md: sooner at the same false-alarm rate) */
    PDRIFT__ADDM_RULE_OCCUPANCY = 1  /* SPEC §4.4: high-regime occupancy rise and tail */
};

/* The defaults of SPEC §4.6, medium preset. */
pdrift__addm_params pdrift__addm_default_params(void);

typedef struct pdrift__addm_result {
    pdrift_level level;
    double severity_weight;        /* w_t on WARNING / DRIFT, else 0 */
    double severity_raw;           /* w_t whatever the level */
    double q3_ref, q3_win;
    double mean_ref, mean_win;
    int worse;                     /* mean(y_win) > mean(y_ref) */
    int fitted;                    /* an admissible threshold exists */
    double threshold, ssr, ssr_second_best;
    double beta_low[PDRIFT__ADDM_MAX_LAGS + 1], beta_high[PDRIFT__ADDM_MAX_LAGS + 1];
    size_t nmin, n_low, n_high, n_candidates;
    int high_regime;               /* 0: the z <= threshold side is H, 1: the other */
    double frac_ref_high, frac_win_high, frac_tail_high, delta;
    size_t tail_l;
    size_t n_ref_used, n_rows;     /* n_r and n of SPEC §4.2 */
    double tsay_f, tsay_pvalue;    /* NaN unless computed */
    size_t tsay_df1, tsay_df2;
    double mean_z;                 /* mean rule: z of the raw window mean (NaN if not run) */
    double long_run_variance;      /* the variance it used */
} pdrift__addm_result;

/* ADDM of SPEC §4 on raw reference and window errors. PDRIFT_EINVAL (NULL,
 * empty, bad params), PDRIFT_EDATA (negative or non-finite error),
 * PDRIFT_ENOMEM. Too little data is a level (INSUFFICIENT), not an error. */
int pdrift__addm(const double *reference, size_t nref, const double *window, size_t nwin,
                 const pdrift__addm_params *params, pdrift__addm_result *out);

/* The trailing k-mean smoothing of SPEC §4.2 on e[0..n): y[j] = mean of
 * e[j..j+k-1], j = 0..n-k; returns n - k + 1 (0 if n < k). */
size_t pdrift__addm_smooth(const double *e, size_t n, size_t k, double *y);

/* ---- limits on what one input file may bring in (config.c, table.c, snapshot.c) */

/* Input limits (PDRIFT_PARAM_MAX_*): a file beyond one of them is refused
 * with PDRIFT_EDATA and a message naming the file, the limit and the
 * parameter that raises it. The defaults are the config's (config.c). */
typedef struct pdrift__limits {
    size_t max_line_bytes; /* bytes of a CSV record (a line, or several lines when a quoted
                              field holds line breaks), its line end excluded */
    size_t max_columns;    /* fields of a CSV header; features of a snapshot */
    size_t max_rows;       /* data rows of a CSV file; rows of a snapshot */
    size_t max_memory;     /* bytes: a CSV file's table of values while it is read (rows x
                              header fields x 8), a snapshot file's size */
} pdrift__limits;

/* The defaults (docs in include/ploutos_drift.h, PDRIFT_PARAM_MAX_*). */
#define PDRIFT__DEFAULT_MAX_LINE_BYTES ((size_t)32 * 1024 * 1024)
#define PDRIFT__DEFAULT_MAX_COLUMNS ((size_t)100000)
#define PDRIFT__DEFAULT_MAX_ROWS ((size_t)100000000)
#if SIZE_MAX > 0xFFFFFFFFu
#define PDRIFT__DEFAULT_MAX_MEMORY ((size_t)2 * 1024 * 1024 * 1024)
#else
#define PDRIFT__DEFAULT_MAX_MEMORY ((size_t)1024 * 1024 * 1024)
#endif

/* ---- config.c: parameters ------------------------------------------------- */

/* The effective value of every parameter, presets applied: what a monitor
 * works with. Filled by pdrift__config_resolve. */
typedef struct pdrift__settings {
    pdrift_sensitivity sensitivity;
    size_t window_size;          /* 0 = keep every observed row */
    size_t min_samples;
    pdrift_nan_policy nan_policy;
    pdrift_correction correction;
    double alpha;
    double missing_rise;
    int ohlcv_features;          /* 1 = derive features from raw OHLCV files */
    int serial_correction;       /* 1 = tests count n / tau independent values */
    pdrift__psi_options psi;     /* bins, binning, empty_bins, epsilon */
    double psi_threshold;
    double ks_threshold;
    pdrift_ks_method ks_method;
    double sharpe_degradation;
    double drawdown_increase;
    double periods_per_year;
    double risk_free_rate;       /* annual */
    size_t min_returns;
    size_t returns_window;       /* 0 = keep every observed return */
    pdrift__addm_params addm;
    pdrift__limits limits;       /* of the files read (CSV tables, series, snapshots) */
    int snapshot_map;            /* map a snapshot and check its values when first used */
    size_t threads;              /* threads a detection tests its features on, the caller's included */
} pdrift__settings;

/* Resolve a config (NULL = the defaults) into settings. */
void pdrift__config_resolve(const pdrift_config *c, pdrift__settings *out);

/* ---- table.c / csv.c: CSV files as numeric tables ------------------------- */

/* A CSV file read as numeric columns. Text columns (a date, a symbol) and
 * unnamed columns are not kept: they are listed in `skipped` with a reason. */
typedef struct pdrift__table {
    size_t n_rows;
    size_t n_columns;       /* numeric columns kept, in file order */
    char **names;           /* n_columns UTF-8 names */
    double *values;         /* n_rows x n_columns, row-major; NaN = missing */
    /* 0: row-major; else column by column (pdrift__table_options.by_column):
     * row k of column i at values[i * stride + pdrift__table_row(t, k)], the
     * rows from gap_at on lying gap rows further (where a second thread
     * wrote them) */
    size_t stride, gap_at, gap;
    size_t n_skipped;
    char **skipped;         /* names of the columns not kept ("" if unnamed) */
    char **skipped_reasons; /* why, e.g. "not numeric (first value \"2020-01-02\" at line 2)" */
} pdrift__table;

/* Read a whole CSV file (streamed in chunks: a file truncated by its writer
 * while we read it is an error, never a crash). On failure returns
 * PDRIFT_EINVAL (NULL argument), PDRIFT_EIO, PDRIFT_EFORMAT or PDRIFT_ENOMEM
 * with a message in err that names the file and, for a malformed file, the
 * line and column (1-based, in bytes) and the column's name; *out is then
 * empty and needs no free. Empty arrays are NULL. A header without rows, or
 * without a numeric column, is not an error; a first line of numbers (no
 * header row) is PDRIFT_EFORMAT. */
int pdrift__table_read(const char *path, pdrift__table *out, char *err, size_t errcap);

/* Free what a table owns and zero it. NULL and empty tables are fine. */
void pdrift__table_free(pdrift__table *t);
/* Where row k lies in a column of a table read by column. */
static inline size_t pdrift__table_row(const pdrift__table *t, size_t k)
{
    return k < t->gap_at ? k : k + t->gap;
}
/* A table read by column (stride > 0) made row-major; PDRIFT_OK (nothing
 * to do for a row-major one) or PDRIFT_ENOMEM (the table unchanged). */
int pdrift__table_by_rows(pdrift__table *t);

/* Index of the column named `name`, or -1. */
long pdrift__table_column(const pdrift__table *t, const char *name);

/* ---- series.c: one series (returns, errors) from a CSV file ------------------ */

/* Read one numeric series from a CSV file: the column whose name is one of
 * names[0..n_names) (any ASCII case), or the only numeric column; a file
 * without a header line is accepted when it has a single column of numbers.
 * Text columns (a date) are ignored. Missing cells are PDRIFT_EDATA (a
 * series has no holes: a return or an error is produced by the bot). On
 * failure a message in err names the file, and the columns found when none
 * fits. *out is malloc'd (freed by the caller), *n >= 0 values.
 * PDRIFT_EINVAL, PDRIFT_EIO, PDRIFT_EFORMAT, PDRIFT_EDATA, PDRIFT_ENOMEM. */
int pdrift__series_read(const char *path, const char *const *names, size_t n_names, double **out,
                        size_t *n, char *err, size_t errcap);
/* The same under input limits (NULL: the defaults); PDRIFT_EDATA beyond one. */
int pdrift__series_read_limited(const char *path, const char *const *names, size_t n_names,
                                const pdrift__limits *limits, double **out, size_t *n, char *err,
                                size_t errcap);

/* ---- features.c: stationary features derived from raw OHLCV files -------- */

/* Columns of a raw price file: indices into a table, -1 when absent. close
 * is, in order of preference, "Adj Close", "Close", "Price", "Last", "Mid";
 * high and low are both -1 in a close-only file. */
typedef struct pdrift__ohlcv {
    long open, high, low, close, volume;
    int adjusted; /* close is an adjusted close */
} pdrift__ohlcv;

/* 1 if the table holds a price close column (names matched without regard to
 * case, spaces, '_', '-', '.'; see docs/features.md), filling *out; high and
 * low are set only when both exist. 0 otherwise. */
int pdrift__ohlcv_find(const pdrift__table *t, pdrift__ohlcv *out);

/* Replace the raw price and volume columns by the derived features of
 * docs/features.md (returns, volatility, range when high and low exist,
 * close_norm, volume_norm, rsi, macd), computed row by row in file order;
 * the other numeric columns follow unchanged, and a derived feature is not
 * added when the table already has a column of that name. Rows without a
 * valid close are dropped first, reported as one skipped entry (named after
 * the close column) whose reason starts with "rows dropped:"; the raw
 * columns are skipped entries whose reason starts with "raw OHLCV column".
 * The first PDRIFT__OHLCV_WARMUP valid rows, where the rolling features are
 * not defined yet, are dropped. PDRIFT_EDATA (message in err) if no row is
 * left; PDRIFT_ENOMEM. `out` must be freed with pdrift__table_free. */
int pdrift__ohlcv_derive(const pdrift__table *raw, const pdrift__ohlcv *cols, pdrift__table *out,
                         char *err, size_t errcap);

#define PDRIFT__OHLCV_WARMUP 25 /* the first row of EMA26; see docs/features.md */

/* ---- serial.c: serial dependence ------------------------------------------- */

/* Integrated autocorrelation time (>= 1) of the series x[0..n) in time order,
 * NaN values skipped, estimated on ranks with Sokal's automatic window. 1 for
 * fewer than 20 values. A sample of n values counts as n / tau independent. */
double pdrift__autocorrelation_time(const double *x, size_t n);
/* The same from the mid-ranks of the n non-missing values (consumed: they
 * are centred in place). */
double pdrift__autocorrelation_time_of_ranks(double *ranks, size_t n);

/* ---- calibrate.c: the baseline's own windows as the null -------------------- */

/* Distances between windows of m consecutive baseline values and the rest of
 * the baseline: KS D into ks_null and PSI (with the baseline's cuts and bin
 * counts) into psi_null, for min(max_windows, n - m + 1) evenly spaced
 * windows, written to *n_windows. sorted = the baseline's non-missing values
 * sorted (n values), positions = where each of them, in time order, lies in
 * sorted (a permutation, see pdrift__sort_positions). Needs n >= 2m and
 * n < 2^31 (PDRIFT_EINVAL otherwise); PDRIFT_ENOMEM. */
int pdrift__window_null(const double *sorted, const uint32_t *positions, size_t n, size_t m,
                        const double *cuts, size_t n_cuts, const size_t *counts,
                        const pdrift__psi_options *opts, size_t max_windows, double *ks_null,
                        double *psi_null, size_t *n_windows);

/* (1 + #{null >= observed}) / (k + 1): the rank p-value of an observation
 * among k null values. */
double pdrift__null_pvalue(const double *null, size_t k, double observed);

/* Type-7 quantile of k null values at `level` (NaN if k = 0 or no memory). */
double pdrift__null_quantile(const double *null, size_t k, double level);

/* ---- multitest.c: multiple-testing corrections ---------------------------- */

/* Adjust m p-values (SPEC §3.5); adjusted may alias p. NaN entries are not
 * tests: they are skipped and stay NaN. PDRIFT_EINVAL for an unknown method,
 * PDRIFT_ENOMEM. */
int pdrift__adjust_pvalues(const double *p, size_t m, pdrift_correction method, double *adjusted);



#endif /* PDRIFT_INTERNAL_H */
