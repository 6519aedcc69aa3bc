/*
 * monitor.c — the monitor's life: creation, the baseline, the window of
 * observed rows, the error message.
 *
 * Every function that can fail builds its new state aside and swaps it in
 * only on success, so a failed call leaves the previous baseline, window and
 * result exactly as they were.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "monitor.h"

/* ---- small helpers ------------------------------------------------------- */

int pdrift__fail(pdrift_monitor *m, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->errmsg, sizeof m->errmsg, fmt, ap);
    va_end(ap);
    return rc;
}

/* The call succeeded: pdrift_errmsg says so. */
static int succeed(pdrift_monitor *m)
{
    m->errmsg[0] = '\0';
    return PDRIFT_OK;
}

char *pdrift__strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

static void free_strings(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Append a copy of s to a string list; PDRIFT_ENOMEM. */
static int push_string(char ***list, size_t *n, const char *s)
{
    if (*n >= SIZE_MAX / sizeof **list - 1)
        return PDRIFT_ENOMEM;
    char **grown = realloc(*list, (*n + 1) * sizeof **list);
    if (grown == NULL)
        return PDRIFT_ENOMEM;
    *list = grown;
    if ((grown[*n] = pdrift__strdup(s)) == NULL)
        return PDRIFT_ENOMEM;
    (*n)++;
    return PDRIFT_OK;
}

static int contains(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* ---- lifecycle ------------------------------------------------------------- */

void pdrift__baseline_free(pdrift__baseline *b)
{
    for (size_t f = 0; f < b->n_features; f++) {
        pdrift__baseline_feature *bf = &b->features[f];
        free(bf->name);
        /* values live in the baseline's buffer (built or read from a
         * snapshot), freed below */
        if (!pdrift__in_blob(b, bf->positions))
            free(bf->positions);
        if (!pdrift__in_blob(b, bf->sorted))
            free(bf->sorted);
        free(bf->cuts);
        free(bf->counts);
        free(bf->null_ks);
        if (!pdrift__in_blob(b, bf->fences))
            free(bf->fences);
        pdrift__unchecked_free(bf->unchecked);
    }
    free(b->features);
    pdrift__held_file_free(b->held);
    free(b->aux);
    if (b->blob_mapped)
        pdrift__unmap(b->blob, b->blob_len);
    else
        free(b->blob);
    free(b->source);
    free_strings(b->notes, b->n_notes);
    memset(b, 0, sizeof *b);
}

static void window_clear_lists(pdrift__window *w)
{
    free_strings(w->ignored, w->n_ignored);
    free_strings(w->notes, w->n_notes);
    w->ignored = w->notes = NULL;
    w->n_ignored = w->n_notes = 0;
}

static void window_free(pdrift__window *w)
{
    window_clear_lists(w);
    free(w->rows);
    memset(w, 0, sizeof *w);
}

int pdrift_monitor_new(pdrift_monitor **out, const pdrift_config *cfg)
{
    if (out == NULL)
        return PDRIFT_EINVAL;
    pdrift_monitor *m = calloc(1, sizeof *m);
    if (m == NULL)
        return PDRIFT_ENOMEM;
    pdrift__config_resolve(cfg, &m->settings);
    m->performance.sharpe = m->performance.max_drawdown = m->performance.win_rate = NAN;
    *out = m;
    return PDRIFT_OK;
}

void pdrift_monitor_free(pdrift_monitor *m)
{
    if (m == NULL)
        return;
    pdrift__baseline_free(&m->baseline);
    window_free(&m->window);
    window_free(&m->returns);
    free(m->errors.reference);
    window_free(&m->errors.live);
    free(m->performance_returns);
    pdrift__result_clear(&m->result);
    free(m->model);
    free(m);
}

const char *pdrift_errmsg(const pdrift_monitor *m)
{
    return m == NULL ? "no monitor (NULL)" : m->errmsg;
}

int pdrift_monitor_set_model(pdrift_monitor *m, const char *name)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    char *copy = NULL;
    if (name != NULL && (copy = pdrift__strdup(name)) == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory copying the model name");
    char *old = m->model;
    m->model = copy;
    if (m->result.valid) { /* the report names the model: render it again */
        int rc = pdrift__report_render(m);
        if (rc != PDRIFT_OK) {
            m->model = old;
            free(copy);
            return pdrift__fail(m, rc, "out of memory rendering the report");
        }
    }
    free(old);
    return succeed(m);
}

/* ---- the baseline ----------------------------------------------------------- */

/* The autocorrelation time and the PSI bins of a feature whose series and
 * sorted values are in place (also used by a snapshot that lacks them). */
int pdrift__feature_finish(const pdrift__settings *s, pdrift__baseline_feature *bf, int need_tau,
                           int need_bins)
{
    if (need_tau && s->serial_correction) {
        double *series = pdrift__feature_series(bf);
        if (series == NULL)
            return PDRIFT_ENOMEM;
        bf->tau = pdrift__autocorrelation_time(series, bf->n_values);
        free(series);
    } else if (need_tau) {
        bf->tau = 1.0;
    }
    if (!need_bins || bf->n_values == 0)
        return PDRIFT_OK; /* no value: never testable, reported insufficient_data */
    free(bf->cuts);
    free(bf->counts);
    bf->cuts = malloc((size_t)(s->psi.bins - 1) * sizeof *bf->cuts);
    bf->counts = malloc((size_t)s->psi.bins * sizeof *bf->counts);
    if (bf->cuts == NULL || bf->counts == NULL)
        return PDRIFT_ENOMEM;
    bf->n_cuts = pdrift__psi_cuts(bf->sorted, bf->n_values, s->psi.bins, s->psi.binning, bf->cuts);
    pdrift__psi_count_sorted(bf->sorted, bf->n_values, bf->cuts, bf->n_cuts, bf->counts);
    return PDRIFT_OK;
}

/* Sort the values of one feature (in bf->sorted, its non-missing values in
 * time order) in place, with their places into bf->positions, and place its
 * PSI bins. work: the sort's scratch (pdrift__sort_work_bytes), or NULL. */
static int prepare_feature(const pdrift__settings *s, pdrift__baseline_feature *bf, void *work)
{
    /* One sort gives the sorted values, the places and, for the
     * autocorrelation time, the ranks in time order (in its scratch). */
    double *ranks = NULL;
    if (pdrift__sort_positions_in(bf->sorted, bf->n_values, bf->sorted, s->serial_correction ? &ranks : NULL,
                                  bf->positions, work) != PDRIFT_OK)
        return PDRIFT_ENOMEM;
    bf->tau = ranks != NULL ? pdrift__autocorrelation_time_of_ranks(ranks, bf->n_values) : 1.0;
    /* without scratch, from the sorted values and places */
    return pdrift__feature_finish(s, bf, ranks == NULL && s->serial_correction, 1);
}

/* KS distance between the first and the second half of a feature's values
 * in time order, without sorting: the places of the first half's values are
 * marked in a bitmap over the sorted values, which are then walked in order
 * counting each half (the merge of pdrift__ks_statistic, the same counts at
 * each distinct value). */
static double halves_distance(const pdrift__baseline_feature *bf)
{
    size_t n = bf->n_values, h = n / 2;
    uint64_t *first = calloc(n / 64 + 1, sizeof *first);
    if (first == NULL)
        return 0.0;
    for (size_t t = 0; t < h; t++)
        first[bf->positions[t] / 64] |= UINT64_C(1) << (bf->positions[t] % 64);
    /* |i/h - j/(n-h)| is |i (n-h) - j h| / (h (n-h)): the largest exact
     * numerator, divided once (n < 2^32: the products fit) */
    uint64_t i = 0, j = 0, best = 0; /* values <= the current one, of each half */
    for (size_t p = 0; p < n; p++) {
        uint64_t in_first = first[p / 64] >> (p % 64) & 1u;
        i += in_first;
        j += 1 - in_first;
        if (p + 1 < n && bf->sorted[p + 1] == bf->sorted[p])
            continue; /* within a run of equal values */
        uint64_t a = i * (uint64_t)(n - h), b = j * (uint64_t)h, diff = a > b ? a - b : b - a;
        best = diff > best ? diff : best;
    }
    free(first);
    return (double)best / ((double)h * (double)(n - h));
}

/* A feature whose first and second halves of the baseline barely overlap
 * does not come back to where it was: a price or volume level, an index, a
 * counter. Its distribution changes with time whatever the model sees, so
 * the report says so (a note; the tests are not changed). */
typedef struct preparing {
    const pdrift__settings *s;
    pdrift__baseline *b;
    void **work;    /* one per worker: the sort's scratch (NULL: none) */
    int compact;    /* the values are all n_rows of the feature, NaN for missing ones, */
    size_t gap_at, gap; /* rows gap_at and on lying gap further (pdrift__table_row) */
    double *halves; /* not NULL: per feature, halves_distance (0 below 100 values), for the levels note */
} preparing;

static int prepare_one(void *ctx, size_t f, size_t worker)
{
    preparing *p = ctx;
    pdrift__baseline_feature *bf = &p->b->features[f];
    if (p->compact) { /* missing values counted out, the others kept in time order */
        size_t n = 0;
        for (size_t t = 0; t < p->b->n_rows; t++) {
            double v = bf->sorted[t < p->gap_at ? t : t + p->gap];
            bf->sorted[n] = v;
            n += v == v;
        }
        bf->n_values = n;
        bf->n_missing = p->b->n_rows - n;
    }
    int rc = prepare_feature(p->s, bf, p->work[worker]);
    if (rc == PDRIFT_OK && p->halves != NULL) /* while the values and places are in cache */
        p->halves[f] = bf->n_values < 100 ? 0.0 : halves_distance(bf);
    return rc;
}

/* The first NaN of a matrix in reading order, as row and column, or 0 if
 * none: row-major (by_column NULL) or a table's columns. */
static int find_nan(const double *values, size_t n_rows, size_t n_cols, const pdrift__table *by_column,
                    size_t *row, size_t *col)
{
    int found = 0;
    const size_t stride = by_column ? by_column->stride : 0;
    for (size_t c = 0; stride > 0 && c < n_cols; c++)
        for (size_t r = 0; r < n_rows && (!found || r < *row); r++)
            if (isnan(values[c * stride + pdrift__table_row(by_column, r)])) {
                *row = r;
                *col = c;
                found = 1;
            }
    for (size_t r = 0; stride == 0 && r < n_rows && !found; r++)
        for (size_t c = 0; c < n_cols && !found; c++)
            if (isnan(values[r * n_cols + c])) {
                *row = r;
                *col = c;
                found = 1;
            }
    return found;
}

/* The features of a new baseline *b of n_rows rows, named (the names have
 * been validated); their values are set by the caller. */
static int baseline_features(pdrift_monitor *m, pdrift__baseline *b, const char *const *names, size_t n_features,
                             size_t n_rows)
{
    if (n_features > SIZE_MAX / sizeof *b->features ||
        n_rows > SIZE_MAX / (sizeof(double) + sizeof(uint32_t))) /* 12 bytes a value */
        return pdrift__fail(m, PDRIFT_ENOMEM, "baseline too large");
    b->features = calloc(n_features, sizeof *b->features);
    if (b->features == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for %zu baseline features", n_features);
    b->n_features = n_features;
    b->n_rows = n_rows;
    if (n_rows > UINT32_MAX)
        return pdrift__fail(m, PDRIFT_ENOMEM, "baseline too large: %zu rows, at most %lu", n_rows,
                            (unsigned long)UINT32_MAX);
    for (size_t f = 0; f < n_features; f++)
        if ((b->features[f].name = pdrift__strdup(names[f])) == NULL)
            return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for baseline feature \"%s\"", names[f]);
    return PDRIFT_OK;
}

/* Every feature sorted with its ranks and places, on up to
 * PDRIFT_PARAM_THREADS threads; each worker has the sort's scratch (where the
 * ranks go too) in one block, on huge pages, for all its features. `compact`: a
 * feature's sorted array holds its n_rows values in time order, missing ones
 * too, to be squeezed out first. */
static int prepare_features(pdrift_monitor *m, pdrift__baseline *b, int compact, size_t gap_at, size_t gap,
                            double *halves)
{
    const size_t n_features = b->n_features, rows_room = b->n_rows ? b->n_rows : 1;
    const size_t workers = pdrift__parallel_workers(n_features, m->settings.threads);
    void *work[PDRIFT__MAX_WORKERS];
    size_t made = 0, bytes = pdrift__sort_work_bytes(rows_room);
    if (bytes == SIZE_MAX) /* the sort does without */
        for (; made < workers; made++)
            work[made] = NULL;
    while (made < workers && (work[made] = pdrift__alloc_large(bytes, 1)) != NULL)
        made++;
    size_t failed = 0;
    preparing p = {&m->settings, b, work, compact, gap_at, gap, halves};
    int rc = made == 0 ? PDRIFT_ENOMEM : pdrift__parallel_for(n_features, made, prepare_one, &p, &failed);
    for (size_t i = 0; i < made; i++)
        free(work[i]);
    if (made == 0)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for baseline features");
    if (rc != PDRIFT_OK)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory preparing baseline feature \"%s\"",
                            b->features[failed].name);
    return PDRIFT_OK;
}

/* Build a baseline from a row-major matrix into *b (which the caller frees
 * on failure). The names have been validated. */
static int build_baseline(pdrift_monitor *m, pdrift__baseline *b, const char *const *names,
                          size_t n_features, const double *rows, size_t n_rows, int discard_rows, double *halves)
{
    int rc = baseline_features(m, b, names, n_features, n_rows);
    if (rc != PDRIFT_OK)
        return rc;
    /* One buffer holds every feature's sorted values and places (12 bytes a
     * value), owned by the baseline like a snapshot's. */
    const size_t rows_room = n_rows ? n_rows : 1;
    const size_t per_feature = rows_room * (sizeof(double) + sizeof(uint32_t));
    if (n_features > SIZE_MAX / per_feature)
        return pdrift__fail(m, PDRIFT_ENOMEM, "baseline too large");
    b->blob_len = n_features * per_feature;
    if ((b->blob = pdrift__alloc_large(b->blob_len, 0)) == NULL) /* advised below, in parts */
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for a baseline of %zu x %zu values", n_rows,
                            n_features);
    double *sorted_area = (double *)(void *)b->blob;
    uint32_t *positions_area = (uint32_t *)(void *)(sorted_area + n_features * rows_room);
    /* Huge pages: fewer faults now, and far fewer TLB misses when a detect
     * gallops through the sorted values (on a virtual machine a TLB miss
     * walks two page tables). The values area of rows the library read (a
     * derived OHLCV table) is filled a few rows of every feature at a time
     * while the rows are given back, which huge pages would make resident
     * all at once: it gets them after the gathering (pdrift__collapse_large). */
    const size_t sorted_bytes = n_features * rows_room * sizeof *sorted_area;
    pdrift__advise_large(positions_area, n_features * rows_room * sizeof *positions_area);
    if (!discard_rows)
        pdrift__advise_large(sorted_area, sorted_bytes);
    for (size_t f = 0; f < n_features; f++) {
        b->features[f].sorted = sorted_area + f * rows_room;
        b->features[f].positions = positions_area + f * rows_room;
    }
    /* One pass over the rows gathers every column (time order, missing
     * values counted out) where its sorted values will be: each feature is
     * then sorted in place. When the rows are the library's own
     * (`discard_rows`), the pages of the rows already gathered are given
     * back as the pass goes, so the matrix and the baseline are never both
     * whole in memory. */
    enum { CHUNK_ROWS = 4096 };
    double **next = malloc(n_features * sizeof *next);
    if (next == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for baseline features");
    for (size_t f = 0; f < n_features; f++)
        next[f] = b->features[f].sorted;
    for (size_t r0 = 0; r0 < n_rows; r0 += CHUNK_ROWS) {
        size_t r1 = n_rows - r0 < CHUNK_ROWS ? n_rows : r0 + CHUNK_ROWS;
        for (size_t f = 0; f < n_features; f++) /* one call instead of a fault per page */
            pdrift__prefault(next[f], (r1 - r0) * sizeof(double));
        for (size_t r = r0; r < r1; r++) {
            const double *row = rows + r * n_features;
            for (size_t f = 0; f < n_features; f++) {
                double v = row[f];
                *next[f] = v;
                next[f] += v == v; /* stays on a NaN, to be overwritten */
            }
        }
        if (discard_rows)
            pdrift__release_pages((void *)(uintptr_t)rows, r0 * n_features * sizeof *rows,
                                  r1 * n_features * sizeof *rows);
    }
    for (size_t f = 0; f < n_features; f++) {
        pdrift__baseline_feature *bf = &b->features[f];
        bf->n_values = (size_t)(next[f] - bf->sorted);
        bf->n_missing = n_rows - bf->n_values;
    }
    free(next);
    if (discard_rows)
        pdrift__collapse_large(sorted_area, sorted_bytes);
    return prepare_features(m, b, 0, SIZE_MAX, 0, halves);
}

/* Build a baseline from a table read column by column (stride > 0), taking
 * its values: each column is sorted where it was read, with no copy, and
 * only the places are new memory. */
static int build_baseline_by_column(pdrift_monitor *m, pdrift__baseline *b, pdrift__table *t, double *halves)
{
    int rc = baseline_features(m, b, (const char *const *)t->names, t->n_columns, t->n_rows);
    if (rc != PDRIFT_OK)
        return rc;
    b->blob = (unsigned char *)t->values; /* from here on the baseline owns it */
    b->blob_len = t->n_columns * t->stride * sizeof *t->values;
    t->values = NULL;
    const size_t rows_room = t->n_rows ? t->n_rows : 1;
    if (t->n_columns > SIZE_MAX / sizeof(uint32_t) / rows_room)
        return pdrift__fail(m, PDRIFT_ENOMEM, "baseline too large");
    b->aux_len = t->n_columns * rows_room * sizeof(uint32_t);
    if ((b->aux = pdrift__alloc_large(b->aux_len, 1)) == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for a baseline of %zu x %zu values", t->n_rows,
                            t->n_columns);
    for (size_t f = 0; f < t->n_columns; f++) {
        b->features[f].sorted = (double *)(void *)b->blob + f * t->stride;
        b->features[f].positions = (uint32_t *)(void *)b->aux + f * rows_room;
    }
    return prepare_features(m, b, 1, t->gap_at, t->gap, halves);
}

/* Swap a freshly built baseline in: the old one, the window and the result
 * belong to another baseline and go. */
void pdrift__install_baseline(pdrift_monitor *m, pdrift__baseline *b)
{
    pdrift__baseline_free(&m->baseline);
    m->baseline = *b;
    memset(b, 0, sizeof *b);
    window_free(&m->window);
    pdrift__result_clear(&m->result);
}

typedef struct named {
    const char *name;
    size_t index;
} named;

static int by_name_then_index(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* Every name present and distinct. The first fault in order is reported: a
 * missing name at i, or the first i whose name an earlier j has (with the
 * first such j). Sorted, not pairwise: O(n log n) for any number of
 * features. */
static int check_names(pdrift_monitor *m, const char *const *names, size_t n)
{
    size_t missing = n;
    for (size_t i = 0; i < n && missing == n; i++)
        if (names[i] == NULL || names[i][0] == '\0')
            missing = i;
    named *sorted = malloc((missing ? missing : 1) * sizeof *sorted);
    if (sorted == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory checking %zu feature names", n);
    for (size_t i = 0; i < missing; i++)
        sorted[i] = (named){names[i], i};
    qsort(sorted, missing, sizeof *sorted, by_name_then_index);
    size_t first = 0, second = missing; /* the repeat whose second place comes first */
    for (size_t k = 1, run = 0; k < missing; k++) {
        if (strcmp(sorted[k].name, sorted[run].name) != 0) {
            run = k;
            continue;
        }
        if (k == run + 1 && sorted[k].index < second) {
            first = sorted[run].index;
            second = sorted[k].index;
        }
    }
    free(sorted);
    if (second < missing)
        return pdrift__fail(m, PDRIFT_EINVAL, "features %zu and %zu are both named \"%s\"", first, second,
                            names[second]);
    if (missing < n)
        return pdrift__fail(m, PDRIFT_EINVAL, "feature %zu has no name", missing);
    return PDRIFT_OK;
}

int pdrift_baseline_set(pdrift_monitor *m, const char *const *names, size_t n_features,
                        const double *rows, size_t n_rows)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    if (names == NULL || rows == NULL || n_features == 0)
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_baseline_set: %s",
                            n_features == 0 ? "no feature" : "NULL names or rows");
    if (n_rows == 0)
        return pdrift__fail(m, PDRIFT_EDATA, "pdrift_baseline_set: no row");
    if (n_rows > SIZE_MAX / n_features)
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_baseline_set: %zu x %zu values overflow",
                            n_rows, n_features);
    int rc = check_names(m, names, n_features);
    if (rc != PDRIFT_OK)
        return rc;
    size_t r, c;
    if (m->settings.nan_policy == PDRIFT_NAN_REJECT && find_nan(rows, n_rows, n_features, NULL, &r, &c))
        return pdrift__fail(m, PDRIFT_EDATA, "baseline row %zu, feature \"%s\": NaN (nan_policy is reject)",
                            r, names[c]);

    pdrift__baseline b = {0};
    rc = build_baseline(m, &b, names, n_features, rows, n_rows, 0, NULL);
    if (rc != PDRIFT_OK) {
        pdrift__baseline_free(&b);
        return rc;
    }
    pdrift__install_baseline(m, &b);
    return succeed(m);
}

/* "Open, High, Low, Close, Adj Close, Volume": the raw columns a derivation
 * replaced, as the derived table lists them among its skipped columns. */
static void describe_raw_columns(const pdrift__table *t, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n_skipped; i++) {
        if (strncmp(t->skipped_reasons[i], "raw OHLCV column", 16) != 0)
            continue;
        int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", t->skipped[i]);
        if (n < 0 || (size_t)n >= cap - used)
            return;
        used += (size_t)n;
    }
}

/* Read a CSV file as a table and, when the settings and the file say so,
 * turn raw OHLCV columns into derived features. *derived tells which.
 * by_column: the table may come column by column (t->stride), as a
 * baseline's columns are sorted where they lie; a derived one is by row. */
static int read_table(pdrift_monitor *m, const char *path, int derive_ohlcv, int by_column, pdrift__table *t,
                      int *derived, char *note, size_t note_cap)
{
    pdrift__table raw;
    pdrift__table_options opts = {0};
    opts.limits = &m->settings.limits;
    opts.threads = m->settings.threads;
    opts.by_column = by_column;
    int rc = pdrift__table_read_with(path, &opts, &raw, m->errmsg, sizeof m->errmsg);
    if (rc != PDRIFT_OK)
        return rc;
    pdrift__ohlcv cols;
    *derived = 0;
    note[0] = '\0';
    if (!derive_ohlcv || !pdrift__ohlcv_find(&raw, &cols)) {
        *t = raw;
        return PDRIFT_OK;
    }
    if (pdrift__table_by_rows(&raw) != PDRIFT_OK) {
        pdrift__table_free(&raw);
        return pdrift__fail(m, PDRIFT_ENOMEM, "%s: out of memory", path);
    }
    rc = pdrift__ohlcv_derive(&raw, &cols, t, m->errmsg, sizeof m->errmsg);
    pdrift__table_free(&raw);
    if (rc != PDRIFT_OK)
        return rc;
    char used[256];
    describe_raw_columns(t, used, sizeof used);
    *derived = 1;
    snprintf(note, note_cap,
             "%s: raw price columns (%s) compared through derived features; price and volume "
             "levels are not compared (parameter ohlcv_features = 0 compares them); the first %d "
             "bars only prime the rolling features, so a file should start %d bars before the "
             "period to test",
             path, used, PDRIFT__OHLCV_WARMUP, PDRIFT__OHLCV_WARMUP);
    return PDRIFT_OK;
}

/* Notes on the columns a file's reading skipped. */
static int note_skipped(const pdrift__table *t, const char *path, char ***notes, size_t *n_notes)
{
    char line[512];
    for (size_t i = 0; i < t->n_skipped; i++) {
        /* Raw price columns replaced by derived features have their own note;
         * price rows without a close were dropped by the derivation. */
        if (strncmp(t->skipped_reasons[i], "raw OHLCV column", 16) == 0)
            continue;
        if (strncmp(t->skipped_reasons[i], "rows dropped:", 13) == 0)
            snprintf(line, sizeof line, "%s: %s", path, t->skipped_reasons[i]);
        else
            snprintf(line, sizeof line, "%s: column \"%s\" skipped: %s", path, t->skipped[i],
                     t->skipped_reasons[i]);
        if (push_string(notes, n_notes, line) != PDRIFT_OK)
            return PDRIFT_ENOMEM;
    }
    return PDRIFT_OK;
}

double *pdrift__feature_series(const pdrift__baseline_feature *bf)
{
    double *series = malloc((bf->n_values ? bf->n_values : 1) * sizeof *series);
    if (series != NULL)
        for (size_t t = 0; t < bf->n_values; t++)
            series[t] = bf->sorted[bf->positions[t]];
    return series;
}

static int note_levels(pdrift__baseline *b, const char *path, const double *halves)
{
    char line[512];
    for (size_t f = 0; f < b->n_features; f++) {
        const pdrift__baseline_feature *bf = &b->features[f];
        if (halves[f] < 0.8)
            continue;
        snprintf(line, sizeof line,
                 "%s: column \"%s\" trends through the baseline (its two halves barely overlap): "
                 "a price or volume level? Levels drift whatever the model sees; compare returns, "
                 "or name the column Close to have returns and volatility derived",
                 path, bf->name);
        if (push_string(&b->notes, &b->n_notes, line) != PDRIFT_OK)
            return PDRIFT_ENOMEM;
    }
    return PDRIFT_OK;
}

int pdrift_baseline_load(pdrift_monitor *m, const char *path)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    if (path == NULL)
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_baseline_load: NULL path");
    if (pdrift__is_snapshot(path))
        return pdrift__snapshot_load(m, path);

    pdrift__table t;
    int derived;
    char derive_note[768];
    int rc = read_table(m, path, m->settings.ohlcv_features, 1, &t, &derived, derive_note,
                        sizeof derive_note);
    if (rc != PDRIFT_OK)
        return rc;

    pdrift__baseline b = {0};
    double *halves = malloc((t.n_columns ? t.n_columns : 1) * sizeof *halves); /* the levels note's */
    if (halves == NULL)
        rc = pdrift__fail(m, PDRIFT_ENOMEM, "out of memory loading %s", path);
    else if (t.n_columns == 0)
        rc = pdrift__fail(m, PDRIFT_EDATA, "%s: no numeric column to use as a feature", path);
    else if (t.n_rows == 0)
        rc = pdrift__fail(m, PDRIFT_EDATA, "%s: no data row after the header%s", path,
                          derived ? " (and the OHLCV warm-up)" : "");
    else {
        size_t r, c;
        if (m->settings.nan_policy == PDRIFT_NAN_REJECT &&
            find_nan(t.values, t.n_rows, t.n_columns, t.stride ? &t : NULL, &r, &c))
            rc = pdrift__fail(m, PDRIFT_EDATA, "%s: data row %zu, column \"%s\": missing value "
                              "(nan_policy is reject)", path, r + 1, t.names[c]);
        else if (t.stride > 0)
            rc = build_baseline_by_column(m, &b, &t, halves);
        else
            rc = build_baseline(m, &b, (const char *const *)t.names, t.n_columns, t.values, t.n_rows, 1, halves);
    }
    if (rc == PDRIFT_OK) {
        b.ohlcv_derived = derived;
        if ((b.source = pdrift__strdup(path)) == NULL ||
            (derived && push_string(&b.notes, &b.n_notes, derive_note) != PDRIFT_OK) ||
            note_skipped(&t, path, &b.notes, &b.n_notes) != PDRIFT_OK ||
            note_levels(&b, path, halves) != PDRIFT_OK)
            rc = pdrift__fail(m, PDRIFT_ENOMEM, "out of memory loading %s", path);
    }
    free(halves);
    pdrift__table_free(&t);
    if (rc != PDRIFT_OK) {
        pdrift__baseline_free(&b);
        return rc;
    }
    pdrift__install_baseline(m, &b);
    return succeed(m);
}

/* ---- the window -------------------------------------------------------------- */

/* An empty window takes a malloc'd block of n_rows rows, column by column
 * (column f at values + f * stride), as its own when they all fit (limit =
 * window size, 0 = unbounded): 1 if it did. */
static int window_adopt(pdrift__window *w, size_t limit, double *values, size_t stride, size_t n_rows)
{
    if (w->n_rows != 0 || n_rows == 0 || values == NULL || (limit > 0 && stride > limit))
        return 0;
    free(w->rows);
    w->rows = values;
    w->capacity = stride;
    w->start = 0;
    w->n_rows = n_rows;
    return 1;
}

/* Make room for `more` rows (geometric growth, up to the window size). */

static int window_reserve(pdrift__window *w, size_t n_features, size_t limit, size_t more)
{
    size_t wanted = w->n_rows + more;
    if (wanted < more)
        return PDRIFT_ENOMEM;
    if (limit > 0 && wanted > limit)
        wanted = limit;
    if (wanted <= w->capacity)
        return PDRIFT_OK;
    size_t cap = w->capacity ? w->capacity : 64;
    while (cap < wanted)
        cap = cap > SIZE_MAX / 2 ? wanted : cap * 2;
    if (limit > 0 && cap > limit)
        cap = limit;
    if (cap > SIZE_MAX / n_features / sizeof(double))
        return PDRIFT_ENOMEM;
    /* Until the ring is full, rows are stored from position 0 in order, so
     * growing is a copy of each column's rows (into a block advised for huge
     * pages before it is touched). */
    double *rows = pdrift__alloc_large(cap * n_features * sizeof *rows, 1);
    if (rows == NULL)
        return PDRIFT_ENOMEM;
    for (size_t f = 0; w->n_rows > 0 && f < n_features; f++)
        memcpy(rows + f * cap, w->rows + f * w->capacity, w->n_rows * sizeof *rows);
    free(w->rows);
    w->rows = rows;
    w->capacity = cap;
    return PDRIFT_OK;
}

/* Append rows (already validated): value f of row r at src[r * row_step +
 * f * col_step] (by row: n_features and 1; by column: 1 and the stride).
 * limit = window size, 0 = unbounded. */
static int window_append_from(pdrift__window *w, size_t n_features, size_t limit, const double *src,
                              size_t row_step, size_t col_step, size_t n_rows)
{
    /* Reserve first: once the room is there, nothing below can fail. */
    int rc = window_reserve(w, n_features, limit, n_rows);
    if (rc != PDRIFT_OK)
        return rc;
    if (limit > 0 && n_rows >= limit) { /* only the batch's last `limit` rows survive */
        src += (n_rows - limit) * row_step;
        n_rows = limit;
        w->n_rows = 0;
        w->start = 0;
    }
    for (size_t r = 0; r < n_rows; r++) {
        size_t slot;
        if (limit == 0 || w->n_rows < limit) {
            slot = (w->start + w->n_rows) % w->capacity;
            w->n_rows++;
        } else { /* full ring: the oldest row makes way */
            slot = w->start;
            w->start = (w->start + 1) % w->capacity;
        }
        const double *row = src + r * row_step;
        for (size_t f = 0; f < n_features; f++)
            w->rows[f * w->capacity + slot] = row[f * col_step];
    }
    return PDRIFT_OK;
}

/* Append rows given row by row (already validated). */
static int window_append(pdrift__window *w, size_t n_features, size_t limit, const double *rows,
                         size_t n_rows)
{
    return window_append_from(w, n_features, limit, rows, n_features, 1, n_rows);
}

static int require_baseline(pdrift_monitor *m, const char *fn)
{
    if (m->baseline.n_features == 0)
        return pdrift__fail(m, PDRIFT_ESTATE, "%s: no baseline yet (pdrift_baseline_load or "
                            "pdrift_baseline_set comes first)", fn);
    return PDRIFT_OK;
}

int pdrift_observe_batch(pdrift_monitor *m, const double *rows, size_t n_rows)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    int rc = require_baseline(m, "pdrift_observe_batch");
    if (rc != PDRIFT_OK)
        return rc;
    if (n_rows == 0)
        return succeed(m);
    if (rows == NULL)
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_observe_batch: NULL rows");
    const size_t nf = m->baseline.n_features;
    if (n_rows > SIZE_MAX / nf)
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_observe_batch: too many rows");
    size_t r, c;
    if (m->settings.nan_policy == PDRIFT_NAN_REJECT && find_nan(rows, n_rows, nf, NULL, &r, &c))
        return pdrift__fail(m, PDRIFT_EDATA, "pdrift_observe_batch: row %zu, feature \"%s\": NaN "
                            "(nan_policy is reject)", r, m->baseline.features[c].name);
    if (window_append(&m->window, nf, m->settings.window_size, rows, n_rows) != PDRIFT_OK)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for %zu observed rows", n_rows);
    return succeed(m);
}

/* The file's columns in the baseline's order, column by column: column f
 * at *out + f * *stride, its rows in order. The table's own block when its
 * columns are the baseline's (read by column, its gap closed), else a copy.
 * PDRIFT_OK, or the error set. */
static int match_columns(pdrift_monitor *m, pdrift__table *t, const char *path, double **out, size_t *stride)
{
    const pdrift__baseline *b = &m->baseline;
    long *index = malloc(b->n_features * sizeof *index);
    if (index == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory matching the columns of %s", path);
    for (size_t f = 0; f < b->n_features; f++) {
        index[f] = pdrift__table_column(t, b->features[f].name);
        if (index[f] < 0) {
            int skipped_text = 0;
            for (size_t i = 0; i < t->n_skipped; i++)
                skipped_text |= strcmp(t->skipped[i], b->features[f].name) == 0;
            free(index);
            return pdrift__fail(m, PDRIFT_ESCHEMA, "%s: baseline column \"%s\" %s", path,
                                b->features[f].name,
                                skipped_text ? "is not numeric in this file" : "is missing");
        }
    }
    if (t->n_rows > SIZE_MAX / b->n_features / sizeof(double)) {
        free(index);
        return pdrift__fail(m, PDRIFT_ENOMEM, "%s: too many rows", path);
    }
    /* The file's columns are the baseline's, in its order, read by column:
     * the table's block is the columns already, and is taken over rather
     * than copied (the rows a second reading thread wrote moved up). */
    int same_order = t->n_columns == b->n_features && t->values != NULL && t->stride > 0;
    for (size_t f = 0; f < b->n_features && same_order; f++)
        same_order = index[f] == (long)f;
    if (same_order) {
        free(index);
        for (size_t f = 0; t->gap > 0 && f < t->n_columns; f++)
            memmove(t->values + f * t->stride + t->gap_at, t->values + f * t->stride + t->gap_at + t->gap,
                    (t->n_rows - t->gap_at) * sizeof *t->values);
        *out = t->values;
        *stride = t->stride;
        t->values = NULL;
        return PDRIFT_OK;
    }
    const size_t rows = t->n_rows ? t->n_rows : 1;
    double *columns = pdrift__alloc_large(rows * b->n_features * sizeof *columns, 1);
    if (columns == NULL) {
        free(index);
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for the rows of %s", path);
    }
    for (size_t f = 0; f < b->n_features; f++) {
        const size_t c = (size_t)index[f];
        for (size_t r = 0; r < t->n_rows; r++)
            columns[f * rows + r] = t->stride > 0 ? t->values[c * t->stride + pdrift__table_row(t, r)]
                                                  : t->values[r * t->n_columns + c];
    }
    free(index);
    *out = columns;
    *stride = rows;
    return PDRIFT_OK;
}

/* Remember the columns of an observed file that the baseline lacks, and what
 * its reading noted; both go to the report. */
static int note_observed_file(pdrift_monitor *m, const pdrift__table *t, const char *path,
                              const char *derive_note)
{
    pdrift__window *w = &m->window;
    for (size_t c = 0; c < t->n_columns; c++) {
        int known = 0;
        for (size_t f = 0; f < m->baseline.n_features && !known; f++)
            known = strcmp(t->names[c], m->baseline.features[f].name) == 0;
        if (!known && !contains(w->ignored, w->n_ignored, t->names[c]) &&
            push_string(&w->ignored, &w->n_ignored, t->names[c]) != PDRIFT_OK)
            return PDRIFT_ENOMEM;
    }
    if (derive_note[0] != '\0' && !contains(w->notes, w->n_notes, derive_note) &&
        push_string(&w->notes, &w->n_notes, derive_note) != PDRIFT_OK)
        return PDRIFT_ENOMEM;
    char **skipped = NULL;
    size_t n_skipped = 0;
    int rc = note_skipped(t, path, &skipped, &n_skipped);
    for (size_t i = 0; rc == PDRIFT_OK && i < n_skipped; i++)
        if (!contains(w->notes, w->n_notes, skipped[i]))
            rc = push_string(&w->notes, &w->n_notes, skipped[i]);
    free_strings(skipped, n_skipped);
    return rc;
}

int pdrift_observe_load(pdrift_monitor *m, const char *path)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    if (path == NULL)
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_observe_load: NULL path");
    int rc = require_baseline(m, "pdrift_observe_load");
    if (rc != PDRIFT_OK)
        return rc;

    pdrift__table t;
    int derived;
    char derive_note[768];
    rc = read_table(m, path, m->baseline.ohlcv_derived, 1, &t, &derived, derive_note, sizeof derive_note);
    if (rc != PDRIFT_OK)
        return rc;
    double *columns = NULL;
    size_t stride = 0, r, c;
    rc = match_columns(m, &t, path, &columns, &stride);
    pdrift__table view; /* the matched columns, for find_nan */
    memset(&view, 0, sizeof view);
    view.stride = stride;
    view.gap_at = t.n_rows;
    if (rc == PDRIFT_OK && m->settings.nan_policy == PDRIFT_NAN_REJECT &&
        find_nan(columns, t.n_rows, m->baseline.n_features, &view, &r, &c))
        rc = pdrift__fail(m, PDRIFT_EDATA, "%s: data row %zu, column \"%s\": missing value "
                          "(nan_policy is reject)", path, r + 1, m->baseline.features[c].name);
    /* window_append fails only before it changes anything; a note list that
     * grew before a failure names real columns of the file and may stay. */
    if (rc == PDRIFT_OK && note_observed_file(m, &t, path, derive_note) != PDRIFT_OK)
        rc = pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for the rows of %s", path);
    if (rc == PDRIFT_OK && window_adopt(&m->window, m->settings.window_size, columns, stride, t.n_rows))
        columns = NULL; /* the window's now */
    else if (rc == PDRIFT_OK && window_append_from(&m->window, m->baseline.n_features, m->settings.window_size,
                                                   columns, 1, stride, t.n_rows) != PDRIFT_OK)
        rc = pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for the rows of %s", path);
    free(columns);
    pdrift__table_free(&t);
    return rc == PDRIFT_OK ? succeed(m) : rc;
}

/* Forget the live errors and the latched concept-drift state. */
static void clear_live_errors(pdrift__errors *e)
{
    e->live.n_rows = 0;
    e->live.start = 0;
    e->n_seen = 0;
    e->latched = 0;
    e->fired_at = 0;
    e->fired_weight = 0.0;
}

int pdrift_window_reset(pdrift_monitor *m)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    m->window.n_rows = 0;
    m->window.start = 0;
    window_clear_lists(&m->window);
    m->returns.n_rows = 0;
    m->returns.start = 0;
    clear_live_errors(&m->errors);
    return succeed(m);
}

/* ---- trading performance ------------------------------------------------------ */

static int check_returns(pdrift_monitor *m, const double *r, size_t n, const char *fn)
{
    if (r == NULL || n == 0)
        return pdrift__fail(m, PDRIFT_EINVAL, "%s: %s", fn, r == NULL ? "NULL returns" : "no return");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(r[i]))
            return pdrift__fail(m, PDRIFT_EDATA, "%s: return %zu is %s (returns come from the bot: "
                                "a non-finite one is a bug upstream)", fn, i,
                                isnan(r[i]) ? "NaN" : "infinite");
    return PDRIFT_OK;
}

/* The baseline's Sharpe ratio, drawdown and win rate, with the monitor's
 * periods per year and risk-free rate. */
pdrift__performance pdrift__performance_of(const pdrift__settings *s, const double *r, size_t n)
{
    pdrift__performance p;
    p.source = PDRIFT__PERFORMANCE_RETURNS;
    p.n_returns = n;
    p.sharpe = pdrift__sharpe(r, n, s->periods_per_year, s->risk_free_rate);
    p.max_drawdown = pdrift__max_drawdown(r, n);
    pdrift__win_counts(r, n, &p.wins, &p.decided);
    p.win_rate = p.decided > 0 ? (double)p.wins / (double)p.decided : NAN;
    return p;
}

int pdrift_baseline_returns(pdrift_monitor *m, const double *returns, size_t n)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    int rc = check_returns(m, returns, n, "pdrift_baseline_returns");
    if (rc != PDRIFT_OK)
        return rc;
    /* Kept for pdrift_baseline_save: a snapshot recomputes the metrics with
     * the loading monitor's periods per year and risk-free rate. */
    double *copy = n <= SIZE_MAX / sizeof *copy ? malloc(n * sizeof *copy) : NULL;
    if (copy == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for %zu baseline returns", n);
    memcpy(copy, returns, n * sizeof *copy);
    free(m->performance_returns);
    m->performance_returns = copy;
    m->performance = pdrift__performance_of(&m->settings, returns, n);
    return succeed(m);
}

int pdrift_baseline_metrics(pdrift_monitor *m, double sharpe, double max_drawdown, double win_rate)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    if (isnan(sharpe) && isnan(max_drawdown) && isnan(win_rate))
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_baseline_metrics: every number is unknown (NaN)");
    if (isinf(sharpe) || !(isnan(max_drawdown) || (max_drawdown >= -1.0 && max_drawdown <= 1.0)) ||
        !(isnan(win_rate) || (win_rate >= 0.0 && win_rate <= 1.0)))
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_baseline_metrics: out of range (Sharpe %g, "
                            "max drawdown %g: a fraction in [-1, 0], win rate %g: a fraction in [0, 1])",
                            sharpe, max_drawdown, win_rate);
    pdrift__performance p;
    memset(&p, 0, sizeof p);
    p.source = PDRIFT__PERFORMANCE_METRICS;
    p.sharpe = sharpe;
    p.max_drawdown = max_drawdown > 0.0 ? -max_drawdown : max_drawdown; /* 0.12 means -12% */
    p.win_rate = win_rate;
    m->performance = p;
    free(m->performance_returns);
    m->performance_returns = NULL;
    return succeed(m);
}

int pdrift_observe_returns(pdrift_monitor *m, const double *returns, size_t n)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    int rc = check_returns(m, returns, n, "pdrift_observe_returns");
    if (rc != PDRIFT_OK)
        return rc;
    if (window_append(&m->returns, 1, m->settings.returns_window, returns, n) != PDRIFT_OK)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for %zu returns", n);
    return succeed(m);
}

int pdrift_feature_count(const pdrift_monitor *m, size_t *out)
{
    if (m == NULL || out == NULL)
        return PDRIFT_EINVAL;
    if (m->baseline.n_features == 0)
        return PDRIFT_ESTATE;
    *out = m->baseline.n_features;
    return PDRIFT_OK;
}

const char *pdrift_feature_name(const pdrift_monitor *m, size_t index)
{
    if (m == NULL || index >= m->baseline.n_features)
        return NULL;
    return m->baseline.features[index].name;
}

/* ---- error streams (concept drift) ---------------------------------------------- */

static int check_errors(pdrift_monitor *m, const double *e, size_t n, const char *fn)
{
    if (e == NULL || n == 0)
        return pdrift__fail(m, PDRIFT_EINVAL, "%s: %s", fn, e == NULL ? "NULL errors" : "no error");
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(e[i]) && e[i] >= 0.0))
            return pdrift__fail(m, PDRIFT_EDATA, "%s: error %zu is %g (errors are 0/1 flags or "
                                "non-negative losses: anything else is a bug upstream)", fn, i, e[i]);
    return PDRIFT_OK;
}

int pdrift_baseline_errors(pdrift_monitor *m, const double *errors, size_t n)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    int rc = check_errors(m, errors, n, "pdrift_baseline_errors");
    if (rc != PDRIFT_OK)
        return rc;
    if (n > SIZE_MAX / sizeof(double))
        return pdrift__fail(m, PDRIFT_ENOMEM, "pdrift_baseline_errors: too many errors");
    double *copy = malloc(n * sizeof *copy);
    if (copy == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for %zu reference errors", n);
    memcpy(copy, errors, n * sizeof *copy);
    free(m->errors.reference);
    m->errors.reference = copy;
    m->errors.n_reference = n;
    /* A new reference is a new model: its live errors start from zero, and
     * ADDM stays INSUFFICIENT for w errors (the cool-down of SPEC §4.2). */
    clear_live_errors(&m->errors);
    return succeed(m);
}

int pdrift_observe_errors(pdrift_monitor *m, const double *errors, size_t n)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    int rc = check_errors(m, errors, n, "pdrift_observe_errors");
    if (rc != PDRIFT_OK)
        return rc;
    const pdrift__addm_params *a = &m->settings.addm;
    size_t keep = a->w + a->k - 1;
    if (window_append(&m->errors.live, 1, keep, errors, n) != PDRIFT_OK)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for %zu errors", n);
    m->errors.n_seen = n > SIZE_MAX - m->errors.n_seen ? SIZE_MAX : m->errors.n_seen + n;
    return succeed(m);
}

/* ---- series files (returns, errors) ------------------------------------------------ */

/* What a series file holds: the column names that identify it, and how the
 * values are checked before they reach the setter. */
typedef struct series_kind {
    const char *const *names;
    size_t n_names;
    const char *what;   /* "return", "error" */
    int non_negative;   /* errors are 0/1 flags or losses */
    int (*set)(pdrift_monitor *m, const double *values, size_t n);
} series_kind;

static const char *const returns_names[] = {"ret", "return", "returns"};
static const char *const errors_names[] = {"error", "errors"};

static int load_series(pdrift_monitor *m, const char *path, const char *fn, const series_kind *kind)
{
    if (m == NULL)
        return PDRIFT_EINVAL;
    if (path == NULL)
        return pdrift__fail(m, PDRIFT_EINVAL, "%s: NULL path", fn);
    double *v = NULL;
    size_t n = 0;
    int rc = pdrift__series_read_limited(path, kind->names, kind->n_names, &m->settings.limits, &v,
                                         &n, m->errmsg, sizeof m->errmsg);
    if (rc == PDRIFT_OK && n == 0)
        rc = pdrift__fail(m, PDRIFT_EDATA, "%s: no %s in the file", path, kind->what);
    for (size_t i = 0; rc == PDRIFT_OK && i < n; i++)
        if (!isfinite(v[i]) || (kind->non_negative && v[i] < 0.0))
            rc = pdrift__fail(m, PDRIFT_EDATA, "%s: %s %zu is %g (%s)", path, kind->what, i + 1,
                              v[i], kind->non_negative ? "errors are 0/1 flags or non-negative losses"
                                                       : "returns must be finite");
    if (rc == PDRIFT_OK)
        rc = kind->set(m, v, n);
    free(v);
    return rc;
}

static const series_kind baseline_returns_kind = {returns_names, 3, "return", 0, pdrift_baseline_returns};
static const series_kind observed_returns_kind = {returns_names, 3, "return", 0, pdrift_observe_returns};
static const series_kind baseline_errors_kind = {errors_names, 2, "error", 1, pdrift_baseline_errors};
static const series_kind observed_errors_kind = {errors_names, 2, "error", 1, pdrift_observe_errors};

int pdrift_baseline_returns_load(pdrift_monitor *m, const char *path)
{
    return load_series(m, path, "pdrift_baseline_returns_load", &baseline_returns_kind);
}

int pdrift_observe_returns_load(pdrift_monitor *m, const char *path)
{
    return load_series(m, path, "pdrift_observe_returns_load", &observed_returns_kind);
}

int pdrift_baseline_errors_load(pdrift_monitor *m, const char *path)
{
    return load_series(m, path, "pdrift_baseline_errors_load", &baseline_errors_kind);
}

int pdrift_observe_errors_load(pdrift_monitor *m, const char *path)
{
    return load_series(m, path, "pdrift_observe_errors_load", &observed_errors_kind);
}
