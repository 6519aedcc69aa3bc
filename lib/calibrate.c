/*
 * calibrate.c — how far a window of the baseline normally lies from the rest
 * of it: the null distribution of the KS and PSI distances for a window of m
 * consecutive values, taken from the baseline itself.
 *
 * The textbook p-values assume independent values. Market features are not
 * independent: a 20-bar volatility or a MACD moves slowly, and volatility
 * comes in regimes, so two calm quarters of the same market differ by far
 * more than independent samples would. Instead of modelling that dependence,
 * the monitor asks the question directly: has a window this different from
 * the rest occurred during the baseline period? Each of up to `max_windows`
 * evenly spaced windows of m consecutive baseline values is compared with
 * the baseline without it (leave-window-out); the current window's distance
 * is then ranked among them (detect.c). The windows keep the baseline's
 * serial dependence, heavy tails and regime changes, which is the point.
 *
 * Pure function on arrays; the caller owns every buffer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The windows live in rank space. positions[t] is where the baseline's
 * value at time t lies in the sorted baseline, so a window of consecutive
 * times is a set of positions: a bitmap over the n sorted places. Sliding to
 * the next window clears the outgoing places and sets the incoming ones,
 * O(step), and the window's values come out sorted by scanning the bitmap:
 * no sort, no merge, no search through the baseline.
 *
 * KS of the window W (m values) against the rest R = B \ W (n - m values):
 * at a value v, with j window values and c baseline values <= v (window
 * included), F_W - F_R = j/m - (c - j)/(n - m) = (j n - c m) / (m (n - m)).
 * The numerator is an exact integer, so D is the largest |j n - c m| over
 * the points where the supremum can be reached (at each window value and just
 * before it), divided once: correctly rounded. */
typedef struct rank_window {
    uint64_t *bits;   /* bit p: the window holds the value at sorted place p */
    size_t n_words;
    size_t *bin_edge; /* places below cut i's upper edge: n_cuts values */
    size_t n_cuts;
    uint8_t *bin_of;  /* per place, its bin (fewer than 256 bins), or NULL: search bin_edge */
} rank_window;

static void place_add(rank_window *w, uint32_t p, size_t *window_counts, int add)
{
    uint64_t bit = UINT64_C(1) << (p % 64);
    if (add)
        w->bits[p / 64] |= bit;
    else
        w->bits[p / 64] &= ~bit;
    /* bin of place p: the number of cuts whose edge is <= p */
    size_t lo = 0, hi = w->n_cuts;
    if (w->bin_of != NULL)
        lo = w->bin_of[p];
    else
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (w->bin_edge[mid] <= p)
                lo = mid + 1;
            else
                hi = mid;
        }
    if (add)
        window_counts[lo]++;
    else
        window_counts[lo]--;
}

static uint64_t abs_diff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

/* Window bits set in the places [from, to). */
static inline size_t bits_between(const uint64_t *bits, size_t from, size_t to)
{
    size_t k = 0;
    for (size_t p = from; p < to;) {
        size_t w = p / 64, bit = p % 64, span = 64 - bit;
        if (span > to - p)
            span = to - p;
        uint64_t mask = span == 64 ? ~UINT64_C(0) : ((UINT64_C(1) << span) - 1) << bit;
        k += (size_t)__builtin_popcountll(bits[w] & mask);
        p += span;
    }
    return k;
}

/* max |j n - c m| over the window's values, for a baseline without ties:
 * the k-th window value (k = 0, 1, ...) at place p has k window values and p
 * baseline values below it, k + 1 and p + 1 up to it. With x = k n - p m the
 * two are |x| and |x + n - m|, so the result is max(max x + n - m, -min x).
 *
 * A word of the bitmap holds c values from its first place f to its last l,
 * k0 window values before it: its x lie between k0 n - l m + (c - 1) m and
 * k0 n - f m + (c - 1) (n - m) (each next value has k one more and p at
 * least one more). A first pass takes x at every word's first and last value
 * (exact values: the extremes are at least that far out); the second goes
 * through the values only of the words whose bounds reach past them: a few
 * words of the n / 64 instead of the m values. */
typedef struct word_span {
    int64_t count, first, last; /* values in a word of the bitmap, its first and last place */
} word_span;

static inline word_span span_of(uint64_t word, size_t i) /* word != 0 */
{
    word_span s = {__builtin_popcountll(word), (int64_t)i * 64 + __builtin_ctzll(word),
                   (int64_t)i * 64 + 63 - __builtin_clzll(word)};
    return s;
}

static inline uint64_t ks_numerator_distinct(const rank_window *w, uint64_t n, uint64_t m)
{
    const int64_t ni = (int64_t)n, mi = (int64_t)m; /* n < 2^31: every x within +-2^62 */
    int64_t max_x = INT64_MIN, min_x = INT64_MAX, k0 = 0;
    for (size_t i = 0; i < w->n_words; i++) {
        if (w->bits[i] == 0)
            continue;
        const word_span s = span_of(w->bits[i], i);
        const int64_t first = k0 * ni - s.first * mi, last = (k0 + s.count - 1) * ni - s.last * mi;
        max_x = first > max_x ? first : max_x;
        max_x = last > max_x ? last : max_x;
        min_x = first < min_x ? first : min_x;
        min_x = last < min_x ? last : min_x;
        k0 += s.count;
    }
    if (k0 == 0)
        return 0;
    k0 = 0;
    for (size_t i = 0; i < w->n_words; i++) {
        uint64_t word = w->bits[i];
        if (word == 0)
            continue;
        const word_span s = span_of(word, i);
        const int64_t upper = k0 * ni - s.first * mi + (s.count - 1) * (ni - mi),
                      lower = k0 * ni - s.last * mi + (s.count - 1) * mi;
        if (upper > max_x || lower < min_x)
            for (int64_t k = k0; word != 0; word &= word - 1, k++) {
                int64_t x = k * ni - ((int64_t)i * 64 + __builtin_ctzll(word)) * mi;
                max_x = x > max_x ? x : max_x;
                min_x = x < min_x ? x : min_x;
            }
        k0 += s.count;
    }
    uint64_t above = (uint64_t)(max_x + (ni - mi)), below = (uint64_t)(-min_x);
    return above > below ? above : below;
}

/* The same with ties: a value's group of equal baseline values spans the
 * places [lo, hi); below it lie lo baseline values, up to it hi, and the
 * window values among them count together. */
static inline uint64_t ks_numerator_ties(const rank_window *w, const double *sorted, size_t n, uint64_t m)
{
    uint64_t best = 0, j = 0;
    size_t hi = 0; /* end of the last group handled */
    for (size_t i = 0; i < w->n_words; i++)
        for (uint64_t word = w->bits[i]; word != 0; word &= word - 1) {
            size_t p = i * 64 + (size_t)__builtin_ctzll(word);
            if (p < hi)
                continue; /* counted with its group */
            double v = sorted[p];
            size_t lo = p;
            if (lo > hi && sorted[lo - 1] == v) /* the group starts before p, at or after hi */
                lo = pdrift__gallop(sorted, n, hi, v, 0);
            hi = p + 1 < n && sorted[p + 1] == v ? pdrift__gallop(sorted, n, p, v, 1) : p + 1;
            uint64_t j1 = j + (hi - p == 1 ? 1 : bits_between(w->bits, p, hi));
            uint64_t before = abs_diff(j * (uint64_t)n, (uint64_t)lo * m);
            uint64_t at = abs_diff(j1 * (uint64_t)n, (uint64_t)hi * m);
            best = before > best ? before : best;
            best = at > best ? at : best;
            j = j1;
        }
    return best;
}

/* The bitmaps are counted with popcount: also built for processors that have
 * the instruction, chosen at load time (as lag_block in serial.c). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("popcnt", "default")))
#endif
int pdrift__window_null(const double *sorted, const uint32_t *positions, size_t n, size_t m,
                        const double *cuts, size_t n_cuts, const size_t *counts,
                        const pdrift__psi_options *opts, size_t max_windows, double *ks_null,
                        double *psi_null, size_t *n_windows)
{
    *n_windows = 0;
    /* n < 2^31 keeps j n and c m below 2^62 */
    if (m == 0 || n < 2 * m || max_windows == 0 || n > (size_t)INT32_MAX)
        return PDRIFT_EINVAL;
    size_t k_windows = n - m + 1 < max_windows ? n - m + 1 : max_windows;
    size_t n_bins = n_cuts + 1;
    rank_window w = {NULL, (n + 63) / 64, NULL, n_cuts, NULL};
    w.bits = calloc(w.n_words, sizeof *w.bits);
    w.bin_edge = malloc((n_cuts ? n_cuts : 1) * sizeof *w.bin_edge);
    size_t *window_counts = calloc(2 * n_bins, sizeof *window_counts);
    if (w.bits == NULL || w.bin_edge == NULL || window_counts == NULL) {
        free(w.bits);
        free(w.bin_edge);
        free(window_counts);
        return PDRIFT_ENOMEM;
    }
    for (size_t i = 0; i < n_cuts; i++) /* values <= cuts[i]: bins 0..i */
        w.bin_edge[i] = (size_t)pdrift__gallop(sorted, n, i ? w.bin_edge[i - 1] : 0, cuts[i], 1);
    /* a byte a place instead of a search a move (without memory: the search) */
    w.bin_of = n_cuts < 255 ? malloc(n) : NULL;
    for (size_t i = 0, p = 0; w.bin_of != NULL && i <= n_cuts; i++) {
        size_t end = i < n_cuts ? w.bin_edge[i] : n;
        for (; p < end; p++)
            w.bin_of[p] = (uint8_t)i;
    }
    int ties = 0;
    for (size_t i = 1; i < n && !ties; i++)
        ties = sorted[i - 1] == sorted[i];
    size_t *rest_counts = window_counts + n_bins;
    const double denominator = (double)((uint64_t)m * (uint64_t)(n - m)); /* < 2^53: exact */
    int rc = PDRIFT_OK;
    size_t prev = 0;
    for (size_t k = 0; k < k_windows; k++) {
        /* evenly spaced starts, first and last window included */
        size_t start = k_windows == 1 ? 0 : (size_t)((double)k * (double)(n - m) / (double)(k_windows - 1));
        if (k == 0) {
            for (size_t t = start; t < start + m; t++)
                place_add(&w, positions[t], window_counts, 1);
        } else if (start - prev >= m) { /* disjoint: empty the window, fill it again */
            for (size_t t = prev; t < prev + m; t++)
                place_add(&w, positions[t], window_counts, 0);
            for (size_t t = start; t < start + m; t++)
                place_add(&w, positions[t], window_counts, 1);
        } else { /* slide: [prev, start) leave, [prev + m, start + m) enter */
            for (size_t t = prev; t < start; t++)
                place_add(&w, positions[t], window_counts, 0);
            for (size_t t = prev + m; t < start + m; t++)
                place_add(&w, positions[t], window_counts, 1);
        }
        prev = start;
        uint64_t numerator = ties ? ks_numerator_ties(&w, sorted, n, m)
                                  : ks_numerator_distinct(&w, n, m);
        ks_null[k] = (double)numerator / denominator;

        for (size_t i = 0; i < n_bins; i++)
            rest_counts[i] = counts[i] - window_counts[i];
        pdrift__psi_result r;
        rc = pdrift__psi_from_counts(rest_counts, window_counts, n_bins, opts, &r);
        if (rc != PDRIFT_OK)
            break;
        psi_null[k] = r.psi;
    }
    free(w.bits);
    free(w.bin_edge);
    free(w.bin_of);
    free(window_counts);
    if (rc == PDRIFT_OK)
        *n_windows = k_windows;
    return rc;
}

double pdrift__null_pvalue(const double *null, size_t k, double observed)
{
    size_t at_least = 0;
    for (size_t i = 0; i < k; i++)
        if (null[i] >= observed)
            at_least++;
    return (double)(1 + at_least) / (double)(k + 1);
}

double pdrift__null_quantile(const double *null, size_t k, double level)
{
    if (k == 0)
        return NAN;
    double *copy = malloc(k * sizeof *copy);
    if (copy == NULL)
        return NAN;
    memcpy(copy, null, k * sizeof *copy);
    pdrift__sort(copy, k);
    /* type-7 quantile, as the PSI cut points */
    double h = (double)(k - 1) * level;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < k ? lo + 1 : k - 1;
    double q = copy[lo] + (h - (double)lo) * (copy[hi] - copy[lo]);
    free(copy);
    return q;
}
