/*
 * plot.c — the drift-history chart: the PSI of the top features over the runs
 * of the history, the threshold lines and the drift events, as a PNG.
 *
 * The y axis is a square-root scale with labelled ticks. PSI spans two orders
 * of magnitude in practice (0.01 on a calm day, 8+ when a feature's regime
 * changes), while the lines that matter sit at 0.10-0.25. A linear axis
 * squashes those lines into the bottom pixels; clipping it would hide how
 * large a drift was; a log axis cannot show 0 and stretches the noise between
 * 0.001 and 0.01. sqrt keeps 0 at the bottom, every point at its true rank,
 * and puts 0.25 at a sixth of the height of PSI 9.
 *
 * Runs are placed by their timestamp, so a gap in the cron schedule shows as
 * a gap in the chart. The PNG is rendered in memory and written atomically.
 */
#include <cairo.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum { WIDTH = 1200, HEIGHT = 600, TOP_FEATURES = 5, MAX_X_LABELS = 8 };

/* The plot area; the legend column is to its right. */
static const double PLOT_LEFT = 70, PLOT_RIGHT = 1000, PLOT_TOP = 60, PLOT_BOTTOM = 530;
static const double LEGEND_LEFT = 1020;
static const double PI = 3.14159265358979323846;

typedef struct {
    double r, g, b;
} colour;

/* Feature lines avoid the severity hues, so red on the chart means drift. */
static const colour FEATURE_COLOURS[TOP_FEATURES] = {
    {0.12, 0.47, 0.71}, {0.17, 0.63, 0.17}, {0.58, 0.40, 0.74}, {0.09, 0.75, 0.81},
    {0.55, 0.34, 0.29},
};
static const colour SEVERITY_COLOURS[] = {
    {0.95, 0.76, 0.00}, /* low: yellow */
    {1.00, 0.50, 0.05}, /* medium: orange */
    {0.84, 0.15, 0.16}, /* high: red */
};
static const char *const SEVERITY_NAMES[] = {"low", "medium", "high"};

typedef struct {
    double t;              /* seconds since the epoch, UTC */
    size_t index;          /* in the history */
    const cJSON *run;
} run_point;

typedef struct {
    const char *name;      /* owned by the history */
    double psi_max;
    size_t first_seen;     /* keeps the ranking of equal maxima stable */
} feature_rank;

typedef struct {
    run_point *runs;       /* sorted by time */
    size_t n_runs;
    size_t n_untimed;      /* runs left out: no timestamp to place them by */
    feature_rank top[TOP_FEATURES];
    size_t n_top;
    double t_lo, t_hi;     /* x domain */
    double psi_top;        /* y domain is [0, psi_top] */
    double threshold;      /* NAN when no run states one */
} chart;

static int fail(char *err, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(char *err, size_t cap, const char *fmt, ...)
{
    if (err != NULL && cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- cairo, loaded when the first chart is drawn ------------------------------
 *
 * A cron run without --plot does not load cairo and the thirty libraries it
 * brings (X11, fontconfig, freetype, pixman, png): about 4 ms of every start
 * of pdrift on the machine of docs/performance.md. The functions used are
 * looked up once, by name, in libcairo.so.2. */
#ifndef CAIRO_LIBRARY
#define CAIRO_LIBRARY "libcairo.so.2"
#endif
#define CAIRO_FUNCTIONS(X) \
    X(cairo_arc) \
    X(cairo_close_path) \
    X(cairo_create) \
    X(cairo_destroy) \
    X(cairo_fill) \
    X(cairo_image_surface_create) \
    X(cairo_line_to) \
    X(cairo_move_to) \
    X(cairo_paint) \
    X(cairo_rectangle) \
    X(cairo_restore) \
    X(cairo_rotate) \
    X(cairo_save) \
    X(cairo_select_font_face) \
    X(cairo_set_dash) \
    X(cairo_set_font_size) \
    X(cairo_set_line_join) \
    X(cairo_set_line_width) \
    X(cairo_set_source_rgb) \
    X(cairo_set_source_rgba) \
    X(cairo_show_text) \
    X(cairo_status) \
    X(cairo_status_to_string) \
    X(cairo_stroke) \
    X(cairo_surface_destroy) \
    X(cairo_surface_write_to_png_stream) \
    X(cairo_text_extents) \
    X(cairo_translate) \
    X(cairo_debug_reset_static_data)

static struct {
    void *library;
#define X(f) __typeof__(f) *f;
    CAIRO_FUNCTIONS(X)
#undef X
    void (*fc_fini)(void); /* fontconfig's, cairo's dependency: NULL if not found */
} cairo;

static int load_cairo(char *err, size_t cap)
{
    if (cairo.library != NULL)
        return 0;
    void *lib = dlopen(CAIRO_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL)
        return fail(err, cap, "cannot load cairo to draw the chart: %s", dlerror());
    /* through void **: ISO C has no conversion from void * to a function pointer */
#define X(f)                                                                                        \
    if ((*(void **)(void *)&cairo.f = dlsym(lib, #f)) == NULL) {                                   \
        fail(err, cap, "cannot draw the chart: %s has no %s", CAIRO_LIBRARY, #f);                   \
        dlclose(lib);                                                                              \
        return -1;                                                                                 \
    }
    CAIRO_FUNCTIONS(X)
#undef X
    *(void **)(void *)&cairo.fc_fini = dlsym(lib, "FcFini");
    cairo.library = lib;
    return 0;
}

/* ---- reading the history --------------------------------------------------- */

static double number_or_nan(const cJSON *item)
{
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble))
        return NAN;
    return item->valuedouble;
}

static int by_time(const void *a, const void *b)
{
    const run_point *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    /* qsort is not stable: keep runs with the same timestamp in file order. */
    return x->index < y->index ? -1 : x->index > y->index;
}

static int read_runs(chart *c, const cJSON *history, char *err, size_t cap)
{
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(history, "runs");
    int n = cJSON_GetArraySize(runs);
    if (!cJSON_IsArray(runs) || n <= 0)
        return fail(err, cap, "the history has no runs to plot");
    c->runs = calloc((size_t)n, sizeof *c->runs);
    if (c->runs == NULL)
        return fail(err, cap, "out of memory");
    const cJSON *run;
    size_t index = 0;
    cJSON_ArrayForEach(run, runs) {
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(run, "timestamp");
        run_point *p = &c->runs[c->n_runs];
        if (iso_seconds(cJSON_GetStringValue(ts), &p->t) != 0) {
            c->n_untimed++; /* the library writes null when the clock fails */
            index++;
            continue;
        }
        p->index = index++;
        p->run = run;
        c->n_runs++;
    }
    if (c->n_runs == 0)
        return fail(err, cap, "no run of the history has an ISO-8601 UTC timestamp to plot");
    /* The runs' threshold: the most recent one stated. */
    c->threshold = NAN;
    for (size_t i = c->n_runs; i-- > 0 && isnan(c->threshold);)
        c->threshold = number_or_nan(cJSON_GetObjectItemCaseSensitive(c->runs[i].run, "psi_threshold"));
    qsort(c->runs, c->n_runs, sizeof *c->runs, by_time);
    return 0;
}

static double feature_psi(const cJSON *run, const char *name)
{
    const cJSON *feature;
    cJSON_ArrayForEach(feature, cJSON_GetObjectItemCaseSensitive(run, "features")) {
        const char *fname = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(feature, "name"));
        if (fname != NULL && strcmp(fname, name) == 0)
            return number_or_nan(cJSON_GetObjectItemCaseSensitive(feature, "psi"));
    }
    return NAN;
}

static int by_psi_max(const void *a, const void *b)
{
    const feature_rank *x = a, *y = b;
    if (x->psi_max != y->psi_max)
        return x->psi_max > y->psi_max ? -1 : 1;
    return x->first_seen < y->first_seen ? -1 : x->first_seen > y->first_seen;
}

/* The features with a PSI somewhere in the history, ranked by their largest
 * PSI; the first TOP_FEATURES are kept. */
static int rank_features(chart *c, char *err, size_t cap)
{
    feature_rank *all = NULL;
    size_t n = 0, room = 0;
    int rc = -1;
    for (size_t r = 0; r < c->n_runs; r++) {
        const cJSON *feature;
        cJSON_ArrayForEach(feature, cJSON_GetObjectItemCaseSensitive(c->runs[r].run, "features")) {
            const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(feature, "name"));
            double psi = number_or_nan(cJSON_GetObjectItemCaseSensitive(feature, "psi"));
            if (name == NULL || isnan(psi))
                continue;
            size_t i = 0;
            while (i < n && strcmp(all[i].name, name) != 0)
                i++;
            if (i == n) {
                if (n == room) {
                    room = room ? 2 * room : 16;
                    feature_rank *grown = realloc(all, room * sizeof *all);
                    if (grown == NULL) {
                        fail(err, cap, "out of memory");
                        goto out;
                    }
                    all = grown;
                }
                all[n++] = (feature_rank){name, psi, i};
            } else if (psi > all[i].psi_max) {
                all[i].psi_max = psi;
            }
        }
    }
    if (n == 0) {
        fail(err, cap, "no run of the history has a feature with a PSI to plot");
        goto out;
    }
    qsort(all, n, sizeof *all, by_psi_max);
    c->n_top = n < TOP_FEATURES ? n : TOP_FEATURES;
    memcpy(c->top, all, c->n_top * sizeof *all);
    rc = 0;
out:
    free(all);
    return rc;
}

/* ---- scales ---------------------------------------------------------------- */

static void set_domains(chart *c)
{
    c->t_lo = c->runs[0].t;
    c->t_hi = c->runs[c->n_runs - 1].t;
    double pad = c->t_hi > c->t_lo ? 0.03 * (c->t_hi - c->t_lo) : 12 * 3600.0;
    c->t_lo -= pad;
    c->t_hi += pad;

    /* Room above the largest PSI and above the 0.25 line, rounded up to a
     * round value (it is labelled) close enough to waste little height. */
    double need = fmax(c->top[0].psi_max, 0.25);
    if (!isnan(c->threshold))
        need = fmax(need, c->threshold);
    need *= 1.05;
    static const double steps[] = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8};
    size_t n_steps = sizeof steps / sizeof *steps;
    double top = 0.3;
    for (double decade = 0.1; top < need; decade *= 10)
        for (size_t i = 0; i < n_steps && top < need; i++)
            top = steps[i] * decade;
    c->psi_top = top;
}

static double x_of(const chart *c, double t)
{
    return PLOT_LEFT + (t - c->t_lo) / (c->t_hi - c->t_lo) * (PLOT_RIGHT - PLOT_LEFT);
}

static double y_of(const chart *c, double psi)
{
    return PLOT_BOTTOM - sqrt(fmax(psi, 0) / c->psi_top) * (PLOT_BOTTOM - PLOT_TOP);
}

/* ---- drawing ------------------------------------------------------------------ */

static void set_colour(cairo_t *cr, colour k)
{
    cairo.cairo_set_source_rgb(cr, k.r, k.g, k.b);
}

static void set_grey(cairo_t *cr, double level)
{
    cairo.cairo_set_source_rgb(cr, level, level, level);
}

/* Text whose anchor is at x: align 0 left, 0.5 centred, 1 right. */
static void draw_text(cairo_t *cr, double x, double y, double align, const char *text)
{
    cairo_text_extents_t ext;
    cairo.cairo_text_extents(cr, text, &ext);
    cairo.cairo_move_to(cr, x - align * ext.x_advance, y);
    cairo.cairo_show_text(cr, text);
}

/* A label on a white backing, legible over the lines it sits on. */
static void draw_label(cairo_t *cr, double x, double y, double align, const char *text)
{
    cairo_text_extents_t ext;
    cairo.cairo_text_extents(cr, text, &ext);
    double left = x - align * ext.x_advance;
    cairo.cairo_save(cr);
    cairo.cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo.cairo_rectangle(cr, left - 2, y - 10, ext.x_advance + 4, 13);
    cairo.cairo_fill(cr);
    cairo.cairo_restore(cr);
    draw_text(cr, x, y, align, text);
}

static void draw_hline(cairo_t *cr, double y, double x0, double x1)
{
    cairo.cairo_move_to(cr, x0, y);
    cairo.cairo_line_to(cr, x1, y);
    cairo.cairo_stroke(cr);
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_length(const unsigned char *s)
{
    size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : s[0] >= 0xE0 && s[0] < 0xF0 ? 3
             : s[0] >= 0xF0 && s[0] < 0xF5 ? 4 : 0;
    if (n == 0)
        return 0;
    uint32_t cp = n == 1 ? s[0] : (uint32_t)(s[0] & (0x7F >> n));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (uint32_t)(s[i] & 0x3F);
    }
    static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* A copy of text fit for cairo, which refuses invalid UTF-8: bad bytes
 * (a feature name comes from any CSV header) become '?'. */
static void copy_text(char *out, size_t cap, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = 0;
    while (*s != '\0') {
        size_t n = utf8_length(s);
        if (len + (n ? n : 1) >= cap)
            break;
        if (n == 0) {
            out[len++] = '?';
            s++;
            continue;
        }
        memcpy(out + len, s, n);
        len += n;
        s += n;
    }
    out[len] = '\0';
}

static void draw_title(cairo_t *cr, const chart *c)
{
    const char *model = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(c->runs[c->n_runs - 1].run, "model"));
    char name[100], title[160] = "Drift history";
    if (model != NULL) {
        copy_text(name, sizeof name, model);
        snprintf(title, sizeof title, "Drift history \xe2\x80\x94 model %s", name);
    }
    set_grey(cr, 0.1);
    cairo.cairo_set_font_size(cr, 18);
    draw_text(cr, PLOT_LEFT, 32, 0, title);
    char subtitle[96];
    int n = snprintf(subtitle, sizeof subtitle, "%zu run%s", c->n_runs, c->n_runs == 1 ? "" : "s");
    if (c->n_untimed > 0 && n > 0 && (size_t)n < sizeof subtitle)
        snprintf(subtitle + n, sizeof subtitle - (size_t)n, " (%zu without a timestamp not shown)",
                 c->n_untimed);
    set_grey(cr, 0.4);
    cairo.cairo_set_font_size(cr, 12);
    draw_text(cr, PLOT_RIGHT, 32, 1, subtitle);
}

static void draw_y_tick(cairo_t *cr, double y, double psi)
{
    set_grey(cr, 0.91);
    draw_hline(cr, y, PLOT_LEFT, PLOT_RIGHT);
    char label[32];
    snprintf(label, sizeof label, "%g", psi);
    set_grey(cr, 0.25);
    draw_text(cr, PLOT_LEFT - 6, y + 4, 1, label);
}

/* PSI ticks at 0, the top, and 0.1, 0.25, 0.5 and 1-2-3-5 values between,
 * skipping those that would crowd a label on the compressed top. */
static void draw_y_axis(cairo_t *cr, const chart *c)
{
    double ticks[64];
    size_t n = 0;
    ticks[n++] = 0.1;
    ticks[n++] = 0.25;
    ticks[n++] = 0.5;
    static const double steps[] = {1, 2, 3, 5};
    for (double decade = 1; decade < c->psi_top && n + 4 <= 64; decade *= 10)
        for (size_t i = 0; i < 4; i++)
            ticks[n++] = steps[i] * decade;

    cairo.cairo_set_font_size(cr, 11);
    cairo.cairo_set_line_width(cr, 1);
    double y_top = round(y_of(c, c->psi_top)) + 0.5, last_y = round(y_of(c, 0)) + 0.5;
    draw_y_tick(cr, y_top, c->psi_top);
    draw_y_tick(cr, last_y, 0);
    for (size_t i = 0; i < n && ticks[i] < c->psi_top; i++) {
        double y = round(y_of(c, ticks[i])) + 0.5;
        if (last_y - y < 16 || y - y_top < 16)
            continue;
        last_y = y;
        draw_y_tick(cr, y, ticks[i]);
    }
    cairo.cairo_save(cr);
    cairo.cairo_translate(cr, 22, (PLOT_TOP + PLOT_BOTTOM) / 2);
    cairo.cairo_rotate(cr, -PI / 2);
    cairo.cairo_set_font_size(cr, 13);
    draw_text(cr, 0, 0, 0.5, "PSI (square-root scale)");
    cairo.cairo_restore(cr);
}

/* Ticks at round UTC times, at most MAX_X_LABELS of them: dates, or dates
 * and times when the history spans under two days. */
static void draw_x_axis(cairo_t *cr, const chart *c)
{
    static const double steps[] = {60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                                   86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
                                   91 * 86400, 182 * 86400, 364 * 86400};
    double span = c->t_hi - c->t_lo;
    int short_span = span < 2 * 86400;
    size_t i = 0;
    while (i + 1 < sizeof steps / sizeof *steps &&
           (span / steps[i] > MAX_X_LABELS || (!short_span && steps[i] < 86400)))
        i++;
    double step = steps[i];
    while (span / step > MAX_X_LABELS)
        step *= 2;

    cairo.cairo_set_font_size(cr, 11);
    cairo.cairo_set_line_width(cr, 1);
    int drawn = 0;
    for (double t = ceil(c->t_lo / step) * step; t <= c->t_hi; t += step) {
        double x = round(x_of(c, t)) + 0.5;
        set_grey(cr, 0.91);
        cairo.cairo_move_to(cr, x, PLOT_TOP);
        cairo.cairo_line_to(cr, x, PLOT_BOTTOM);
        cairo.cairo_stroke(cr);
        time_t when = (time_t)t;
        struct tm tm;
        char label[32];
        if (gmtime_r(&when, &tm) == NULL ||
            strftime(label, sizeof label, short_span ? "%m-%d %H:%M" : "%Y-%m-%d", &tm) == 0)
            continue;
        set_grey(cr, 0.25);
        draw_text(cr, x, PLOT_BOTTOM + 18, 0.5, label);
        drawn++;
    }
    /* Runs minutes apart (or one run): no round time falls between them, so
     * the first and the last run are labelled to the second. */
    for (int end = 0; drawn == 0 && end < 2; end++) {
        double t = end == 0 ? c->t_lo : c->t_hi;
        if (end == 1 && c->t_hi - c->t_lo < 1.0)
            break;
        time_t when = (time_t)t;
        struct tm tm;
        char label[32];
        if (gmtime_r(&when, &tm) == NULL || strftime(label, sizeof label, "%Y-%m-%d %H:%M:%S", &tm) == 0)
            continue;
        set_grey(cr, 0.25);
        draw_text(cr, round(x_of(c, t)) + 0.5, PLOT_BOTTOM + 18, end == 0 ? 0.0 : 1.0, label);
    }
    set_grey(cr, 0.25);
    cairo.cairo_set_font_size(cr, 13);
    draw_text(cr, (PLOT_LEFT + PLOT_RIGHT) / 2, PLOT_BOTTOM + 44, 0.5, "run time (UTC)");
}

static int severity_index(const cJSON *run)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(run, "severity"));
    if (s != NULL && strcmp(s, "high") == 0)
        return 2;
    if (s != NULL && strcmp(s, "medium") == 0)
        return 1;
    return 0;
}

/* A pale band across the plot and a solid triangle on the time axis at each
 * run that detected drift; counts[] receives the events per severity. */
static void draw_drift_events(cairo_t *cr, const chart *c, size_t counts[3])
{
    for (size_t r = 0; r < c->n_runs; r++) {
        const cJSON *run = c->runs[r].run;
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(run, "drift_detected")))
            continue;
        int s = severity_index(run);
        counts[s]++;
        colour k = SEVERITY_COLOURS[s];
        double x = x_of(c, c->runs[r].t);
        cairo.cairo_set_source_rgba(cr, k.r, k.g, k.b, 0.18);
        cairo.cairo_rectangle(cr, x - 3, PLOT_TOP, 6, PLOT_BOTTOM - PLOT_TOP);
        cairo.cairo_fill(cr);
        set_colour(cr, k);
        cairo.cairo_move_to(cr, x, PLOT_BOTTOM - 12);
        cairo.cairo_line_to(cr, x - 6, PLOT_BOTTOM);
        cairo.cairo_line_to(cr, x + 6, PLOT_BOTTOM);
        cairo.cairo_close_path(cr);
        cairo.cairo_fill(cr);
    }
}

/* The run's threshold (dashed) and the usual reading of PSI (dotted). */
static void draw_threshold_lines(cairo_t *cr, const chart *c)
{
    static const double dotted[] = {1, 3}, dashed[] = {7, 4};
    cairo.cairo_set_line_width(cr, 1.2);
    set_grey(cr, 0.45);
    cairo.cairo_set_dash(cr, dotted, 2, 0);
    draw_hline(cr, y_of(c, 0.10), PLOT_LEFT, PLOT_RIGHT);
    draw_hline(cr, y_of(c, 0.25), PLOT_LEFT, PLOT_RIGHT);
    if (!isnan(c->threshold)) {
        set_grey(cr, 0.15);
        cairo.cairo_set_dash(cr, dashed, 2, 0);
        draw_hline(cr, y_of(c, c->threshold), PLOT_LEFT, PLOT_RIGHT);
    }
    cairo.cairo_set_dash(cr, NULL, 0, 0);
}

/* Drawn over the data. The threshold is labelled on the left, the readings
 * on the right (0.25 above its line, 0.10 below it), so no two labels
 * collide however the scale compresses them. */
static void draw_threshold_labels(cairo_t *cr, const chart *c)
{
    cairo.cairo_set_font_size(cr, 11);
    set_grey(cr, 0.35);
    draw_label(cr, PLOT_RIGHT - 4, fmin(y_of(c, 0.10) + 13, PLOT_BOTTOM - 3), 1, "0.10 moderate");
    draw_label(cr, PLOT_RIGHT - 4, y_of(c, 0.25) - 4, 1, "0.25 critical");
    if (!isnan(c->threshold)) {
        char label[48];
        snprintf(label, sizeof label, "threshold %.2f", c->threshold);
        set_grey(cr, 0.15);
        draw_label(cr, PLOT_LEFT + 4, y_of(c, c->threshold) - 4, 0, label);
    }
}

static void draw_feature(cairo_t *cr, const chart *c, size_t f)
{
    const char *name = c->top[f].name;
    int dots = c->n_runs <= 120;
    set_colour(cr, FEATURE_COLOURS[f]);
    cairo.cairo_set_line_width(cr, 2);
    cairo.cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    double prev = NAN;
    for (size_t r = 0; r < c->n_runs; r++) {
        double psi = feature_psi(c->runs[r].run, name);
        if (isnan(psi)) {
            prev = psi;
            continue;
        }
        double x = x_of(c, c->runs[r].t), y = y_of(c, psi);
        if (isnan(prev))
            cairo.cairo_move_to(cr, x, y);
        else
            cairo.cairo_line_to(cr, x, y);
        prev = psi;
    }
    cairo.cairo_stroke(cr);
    /* Dots mark the measurements; an untested neighbour on both sides would
     * otherwise leave a value with no line at all. */
    for (size_t r = 0; r < c->n_runs; r++) {
        double psi = feature_psi(c->runs[r].run, name);
        int isolated = (r == 0 || isnan(feature_psi(c->runs[r - 1].run, name))) &&
                       (r + 1 == c->n_runs || isnan(feature_psi(c->runs[r + 1].run, name)));
        if (isnan(psi) || !(dots || isolated))
            continue;
        cairo.cairo_arc(cr, x_of(c, c->runs[r].t), y_of(c, psi), 3.5, 0, 2 * PI);
        cairo.cairo_fill(cr);
    }
}

/* Text cut to fit width, with an ellipsis; text is valid UTF-8. */
static void draw_fitted_text(cairo_t *cr, double x, double y, double width, const char *text)
{
    char buf[128];
    size_t keep = strlen(text);
    snprintf(buf, sizeof buf, "%s", text);
    cairo_text_extents_t ext;
    cairo.cairo_text_extents(cr, buf, &ext);
    while (keep > 1 && ext.x_advance > width) {
        keep--;
        while (keep > 1 && ((unsigned char)text[keep] & 0xC0) == 0x80)
            keep--; /* never cut a UTF-8 sequence */
        snprintf(buf, sizeof buf, "%.*s\xe2\x80\xa6", (int)keep, text);
        cairo.cairo_text_extents(cr, buf, &ext);
    }
    draw_text(cr, x, y, 0, buf);
}

static void draw_legend(cairo_t *cr, const chart *c, const size_t counts[3])
{
    double y = PLOT_TOP + 6;
    set_grey(cr, 0.1);
    cairo.cairo_set_font_size(cr, 12);
    draw_text(cr, LEGEND_LEFT, y, 0, "Top features (max PSI)");
    cairo.cairo_set_font_size(cr, 11);
    for (size_t f = 0; f < c->n_top; f++) {
        y += 20;
        set_colour(cr, FEATURE_COLOURS[f]);
        cairo.cairo_rectangle(cr, LEGEND_LEFT, y - 6, 20, 4);
        cairo.cairo_fill(cr);
        char name[80], label[112];
        copy_text(name, sizeof name, c->top[f].name);
        snprintf(label, sizeof label, "%s  %.3g", name, c->top[f].psi_max);
        set_grey(cr, 0.15);
        draw_fitted_text(cr, LEGEND_LEFT + 26, y, WIDTH - LEGEND_LEFT - 34, label);
    }
    y += 36;
    set_grey(cr, 0.1);
    cairo.cairo_set_font_size(cr, 12);
    draw_text(cr, LEGEND_LEFT, y, 0, "Drift events");
    cairo.cairo_set_font_size(cr, 11);
    int any = 0;
    for (int s = 2; s >= 0; s--) {
        if (counts[s] == 0)
            continue;
        any = 1;
        y += 20;
        set_colour(cr, SEVERITY_COLOURS[s]);
        cairo.cairo_rectangle(cr, LEGEND_LEFT + 4, y - 10, 12, 12);
        cairo.cairo_fill(cr);
        char label[48];
        snprintf(label, sizeof label, "%s (%zu)", SEVERITY_NAMES[s], counts[s]);
        set_grey(cr, 0.15);
        draw_text(cr, LEGEND_LEFT + 26, y, 0, label);
    }
    if (!any) {
        y += 20;
        set_grey(cr, 0.4);
        draw_text(cr, LEGEND_LEFT + 4, y, 0, "none");
    }
}

static void draw_chart(cairo_t *cr, const chart *c)
{
    cairo.cairo_set_source_rgb(cr, 1, 1, 1);
    cairo.cairo_paint(cr);
    cairo.cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    draw_title(cr, c);
    draw_y_axis(cr, c);
    draw_x_axis(cr, c);
    size_t counts[3] = {0, 0, 0};
    draw_drift_events(cr, c, counts);
    draw_threshold_lines(cr, c);
    /* The first-ranked feature last, on top. */
    for (size_t f = c->n_top; f-- > 0;)
        draw_feature(cr, c, f);
    draw_threshold_labels(cr, c);
    set_grey(cr, 0.3);
    cairo.cairo_set_line_width(cr, 1);
    cairo.cairo_rectangle(cr, PLOT_LEFT + 0.5, PLOT_TOP + 0.5, PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP);
    cairo.cairo_stroke(cr);
    draw_legend(cr, c, counts);
}

/* ---- the PNG ------------------------------------------------------------------- */

typedef struct {
    unsigned char *data;
    size_t len, cap;
} png_buffer;

static cairo_status_t append_png(void *closure, const unsigned char *data, unsigned int length)
{
    png_buffer *png = closure;
    if (length > png->cap - png->len) {
        size_t cap = png->cap ? png->cap : 64 * 1024;
        while (length > cap - png->len) {
            if (cap > SIZE_MAX / 2)
                return CAIRO_STATUS_NO_MEMORY;
            cap *= 2;
        }
        unsigned char *grown = realloc(png->data, cap);
        if (grown == NULL)
            return CAIRO_STATUS_NO_MEMORY;
        png->data = grown;
        png->cap = cap;
    }
    memcpy(png->data + png->len, data, length);
    png->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static int render_png(const chart *c, png_buffer *png, char *err, size_t cap)
{
    cairo_surface_t *surface = cairo.cairo_image_surface_create(CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
    cairo_t *cr = cairo.cairo_create(surface);
    draw_chart(cr, c);
    cairo_status_t status = cairo.cairo_status(cr);
    cairo.cairo_destroy(cr);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo.cairo_surface_write_to_png_stream(surface, append_png, png);
    cairo.cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
        return fail(err, cap, "cannot draw the chart: %s", cairo.cairo_status_to_string(status));
    return 0;
}

int plot_history(const char *path, const cJSON *history, char *err, size_t cap)
{
    chart c = {0};
    png_buffer png = {0};
    int rc = -1;
    if (!cJSON_IsObject(history)) {
        fail(err, cap, "the history is not a JSON object");
        goto out;
    }
    if (read_runs(&c, history, err, cap) != 0 || rank_features(&c, err, cap) != 0)
        goto out;
    set_domains(&c);
    if (load_cairo(err, cap) != 0 || render_png(&c, &png, err, cap) != 0)
        goto out;
    if (write_file_atomic(path, (const char *)png.data, png.len) != 0) {
        fail(err, cap, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    free(png.data);
    free(c.runs);
    return rc;
}

void plot_release(void)
{
    if (cairo.library == NULL)
        return;
    cairo.cairo_debug_reset_static_data();
    if (cairo.fc_fini != NULL)
        cairo.fc_fini();
}
