/*
 * datagen.h — the deterministic data of the performance benchmark
 * (`make bench`, docs/performance.md). Header-only; shared by gen_data.c,
 * which writes the CSV files, and detect_bench.c, which builds the same
 * values in memory, so that both measure the same data.
 *
 * 50 features of trading-like shapes. Each feature of each data set (the
 * baseline, the current window) draws from its own splitmix64 stream seeded
 * by (data set, feature), row after row, so that the first R rows of a
 * longer baseline are exactly the R rows of a shorter one: the baselines x2,
 * x4 and x8 extend the x1 baseline.
 *
 *   kind       features  values                                        printed like
 *   normal     0-11      N(mu, sd)                                     -0.84283174528211641
 *   student    12-17     Student t, 5 degrees of freedom               1.2104398015237862
 *   volume     18-21     round(exp(N(12, 0.5))): share volumes         162754.0
 *   price      22-25     U(90, 110) rounded to cents                   101.25
 *   ar1        26-31     AR(1), phi 0.9 / 0.95 / 0.98: serially dependent
 *   missing    32-35     N(0, 1) with 2% or 5% empty cells             (empty cell)
 *   signal     36-38     -1, 0 or 1                                    -1.0
 *   rounded    39-44     N(0, 1) rounded to 6 decimals                 0.123457
 *   small      45-49     N(0, 1e-5)                                    1.2345678901234567e-05
 *
 * Numbers are written as Python's repr (which pandas' to_csv uses): the
 * shortest decimal of at most 17 significant digits that reads back as the
 * same double, so the CSV holds exactly the values built in memory.
 *
 * Drift: in the current data set every fifth feature (0, 5, 10, ...) moves:
 * its mean by 0.05 to 0.5 standard deviations and, for every tenth, its
 * spread by 30%; the missing features' rate of empty cells doubles on one of
 * them. The other features keep the baseline's distribution.
 */
#ifndef PDRIFT_BENCH_DATAGEN_H
#define PDRIFT_BENCH_DATAGEN_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define DG_FEATURES 50
#define DG_BASELINE_ROWS 200000
#define DG_CURRENT_ROWS 20000
#define DG_SEED UINT64_C(20261201)

enum dg_set { DG_BASELINE = 0, DG_CURRENT = 1 };

enum dg_kind { DG_NORMAL, DG_STUDENT, DG_VOLUME, DG_PRICE, DG_AR1, DG_MISSING, DG_SIGNAL,
               DG_ROUNDED, DG_SMALL };

typedef struct dg_feature {
    uint64_t state;    /* splitmix64 */
    int has_spare;     /* polar method's second normal */
    double spare;
    double ar;         /* AR(1) state */
    int started;
    /* parameters */
    enum dg_kind kind;
    double mu, sd, phi, missing;
} dg_feature;

typedef struct dg_gen {
    dg_feature f[DG_FEATURES];
    int set;
} dg_gen;

static inline uint64_t dg_next(dg_feature *f)
{
    uint64_t z = (f->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline double dg_uniform(dg_feature *f) /* [0, 1) */
{
    return (double)(dg_next(f) >> 11) * 0x1p-53;
}

static inline double dg_normal(dg_feature *f)
{
    if (f->has_spare) {
        f->has_spare = 0;
        return f->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * dg_uniform(f) - 1.0;
        v = 2.0 * dg_uniform(f) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double k = sqrt(-2.0 * log(s) / s);
    f->spare = v * k;
    f->has_spare = 1;
    return u * k;
}

static inline enum dg_kind dg_kind_of(size_t j)
{
    if (j < 12) return DG_NORMAL;
    if (j < 18) return DG_STUDENT;
    if (j < 22) return DG_VOLUME;
    if (j < 26) return DG_PRICE;
    if (j < 32) return DG_AR1;
    if (j < 36) return DG_MISSING;
    if (j < 39) return DG_SIGNAL;
    if (j < 45) return DG_ROUNDED;
    return DG_SMALL;
}

static inline const char *dg_kind_name(enum dg_kind k)
{
    static const char *const names[] = {"normal", "student", "volume", "price", "ar1",
                                        "missing", "signal", "rounded", "small"};
    return names[k];
}

/* "f07_normal", ... */
static inline void dg_name(size_t j, char *buf, size_t cap)
{
    snprintf(buf, cap, "f%02u_%s", (unsigned)j, dg_kind_name(dg_kind_of(j)));
}

static inline void dg_init(dg_gen *g, int set)
{
    memset(g, 0, sizeof *g);
    g->set = set;
    for (size_t j = 0; j < DG_FEATURES; j++) {
        dg_feature *f = &g->f[j];
        f->state = (DG_SEED + (uint64_t)set * UINT64_C(0x51ed2701)) * UINT64_C(0xd1342543de82ef95)
                   + (uint64_t)(j + 1) * UINT64_C(0x2545f4914f6cdd1d);
        (void)dg_next(f);
        f->kind = dg_kind_of(j);
        f->mu = 0.0;
        f->sd = 1.0;
        f->phi = 0.0;
        f->missing = 0.0;
        switch (f->kind) {
        case DG_NORMAL: f->mu = 0.1 * (double)j; f->sd = 1.0 + 0.1 * (double)j; break;
        case DG_VOLUME: f->mu = 12.0; f->sd = 0.5; break;
        case DG_AR1: f->phi = (j % 3 == 0) ? 0.9 : (j % 3 == 1) ? 0.95 : 0.98; break;
        case DG_MISSING: f->missing = (j % 2 == 0) ? 0.02 : 0.05; break;
        case DG_SMALL: f->sd = 1e-5; break;
        default: break;
        }
        if (set == DG_CURRENT && j % 5 == 0) {
            double shift = 0.05 + 0.45 * (double)(j / 5) / 9.0; /* 0.05 .. 0.5 sd */
            if (f->kind == DG_PRICE)
                f->mu = shift * 5.77; /* sd of U(90, 110) */
            else if (f->kind == DG_SIGNAL)
                f->mu = shift;        /* moves the thresholds */
            else
                f->mu += shift * f->sd;
            if (j % 10 == 0) f->sd *= 1.3;
            if (f->kind == DG_MISSING) f->missing *= 2.0;
        }
    }
}

/* The next value of feature j (NaN: a missing cell). */
static inline double dg_value(dg_feature *f)
{
    double x;
    switch (f->kind) {
    case DG_NORMAL:
        return f->mu + f->sd * dg_normal(f);
    case DG_STUDENT: {
        double z = dg_normal(f), chi = 0.0;
        for (int k = 0; k < 5; k++) {
            double e = dg_normal(f);
            chi += e * e;
        }
        return f->mu + f->sd * z / sqrt(chi / 5.0);
    }
    case DG_VOLUME:
        return round(exp(f->mu + f->sd * dg_normal(f)));
    case DG_PRICE:
        x = 90.0 + 20.0 * dg_uniform(f) + f->mu;
        return round(x * 100.0) / 100.0;
    case DG_AR1:
        if (!f->started) {
            f->ar = dg_normal(f);
            f->started = 1;
        } else {
            f->ar = f->phi * f->ar + sqrt(1.0 - f->phi * f->phi) * dg_normal(f);
        }
        return f->mu + f->sd * f->ar;
    case DG_MISSING:
        x = dg_normal(f);
        if (dg_uniform(f) < f->missing) return NAN;
        return f->mu + f->sd * x;
    case DG_SIGNAL:
        x = dg_normal(f) + f->mu;
        return x < -0.6 ? -1.0 : x > 0.6 ? 1.0 : 0.0;
    case DG_ROUNDED:
        x = f->mu + f->sd * dg_normal(f);
        return round(x * 1e6) / 1e6;
    case DG_SMALL:
        return f->mu + f->sd * dg_normal(f);
    }
    return NAN;
}

/* The next row of the data set. */
static inline void dg_row(dg_gen *g, double *row)
{
    for (size_t j = 0; j < DG_FEATURES; j++) row[j] = dg_value(&g->f[j]);
}

/* n_rows rows of a data set, row-major, into rows[n_rows * DG_FEATURES]. */
static inline void dg_fill(int set, double *rows, size_t n_rows)
{
    dg_gen g;
    dg_init(&g, set);
    for (size_t i = 0; i < n_rows; i++) dg_row(&g, rows + i * DG_FEATURES);
}

#endif
