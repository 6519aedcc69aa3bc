/*
 * concept_eval.c — the evaluation harness of the concept-drift detectors
 * (docs/concept.md, "Evaluation harness"). `make bench-concept` builds and
 * runs it:
 *
 *   concept_eval [--seeds N] [--null-seeds N] [--ar-seeds N] [--threads N]
 *                [--check N] [--presets dD/dW,dD/dW,dD/dW]
 *                [--z-presets zD/zW,zD/zW,zD/zW]
 *
 * Streams (stream.h): a reference of 259 validation errors at 0.45, then live
 * 0/1 errors — no change (1000 live errors, seeds 1..null-seeds); an abrupt
 * rise after live error 150 to 0.50, 0.55, 0.60 or 0.70, or a gradual one
 * (linear over 100 errors from 150) to the same rates (550 live errors: 400
 * after the change), and an abrupt rise to 0.70 from the first live error
 * (300 live errors), seeds 1..seeds; no change with autocorrelated errors (a
 * Markov chain, lag-1 autocorrelation 0.2, for reference and live errors;
 * seeds 1..ar-seeds).
 *
 * Detectors:
 *  - ADDM as the monitor runs it: after every live error, ADDM (SPEC §4) on
 *    the reference and the latest w + k - 1 = 69 live errors (the monitor's
 *    ring), DRIFT latched, under both of the library's decision rules. One
 *    pdrift__addm call per step (occupancy rule, delta_drift = delta_warning
 *    = -1) serves every threshold of both:
 *     - the mean rule (addm_rule = 0, the library's default): the call
 *       reports the rule's z (result.mean_z, filled under either rule) of the
 *       mean of the last w = 60 live errors against the last
 *       n_ref + k - 1 = 259 reference errors, with the AR(5) long-run
 *       variance; the level at thresholds (zD, zW) is DRIFT iff z >= zD,
 *       WARNING iff z >= zW otherwise, the library's comparison on the
 *       library's double. First passages are kept for the three presets
 *       (low, medium, high), read from the library's config or given with
 *       --z-presets to evaluate a proposal.
 *     - the occupancy rule of SPEC §4.4 (addm_rule = 1): the call answers
 *       DRIFT iff worse and tail >= 0.75, WARNING iff worse and
 *       0.50 <= tail < 0.75, and reports delta; the level at thresholds
 *       (dD, dW) is then DRIFT iff "DRIFT-eligible and delta >= dD". First
 *       passages are kept for every delta 0.10, 0.11, ..., 0.90 and for the
 *       six preset values, read from the library's config or given with
 *       --presets.
 *    The first `--check` seeds are also run through the public monitor
 *    (pdrift_baseline_errors, pdrift_observe_errors, pdrift_detect after
 *    every error) at each sensitivity, once with the default configuration
 *    (the mean rule) and once with addm_rule = 1 (occupancy), and the first
 *    DRIFT must fall on the same live error as here (exit status 1
 *    otherwise; skipped for a rule whose presets were given on the command
 *    line). On the same seeds' no-change streams the library's mean_z is
 *    compared at every step with this harness's own mean test (AR-LRV, below):
 *    the largest difference is printed and must stay within 1e-9 (exit
 *    status 1 otherwise).
 *  - Page-Hinkley (pdrift_page_hinkley_*) at two settings and DDM
 *    (pdrift_ddm_*, 30 / 2 sigma / 3 sigma), fed the reference errors first
 *    (alarms there are not counted; they restart the detector as usual),
 *    then the live errors; they restart themselves after each alarm.
 *  - Variants of the mean test, computed by this harness (section 5): z =
 *    (mean_win - mean_ref) / sqrt(V (1/60 + 1/259)) over the last 60 live
 *    errors, with V the long-run variance of an AR(5) fitted by least
 *    squares to the reference errors, sigma^2 / (1 - sum phi)^2 ("AR-LRV":
 *    the library's default rule above), or the binomial variance, or the
 *    larger of the two (alternatives evaluated here only, not in the
 *    library); DRIFT (latched) when z >= z*. z* is calibrated on 20 000
 *    separate no-change streams (seeds from 10^9 on) to the occupancy rule's
 *    measured false-DRIFT share within 1000 errors, or to fixed targets.
 *
 * Every seed is independent and its results are stored by index, so the
 * output does not depend on the number of threads.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ploutos_drift.h>

#include "internal.h"
#include "stream.h"

/* ---- scenarios ---------------------------------------------------------------- */

#define CHANGE_AT 150
#define LEN_NONE 1000
#define LEN_CHANGE 550
#define LEN_JUMP0 300
#define MAX_LEN 1000
#define ACCEPT_WITHIN 200 /* the acceptance criterion: caught within 200 predictions */
#define WIN_RAW 60        /* the alternative rule's window of raw errors */
#define AR_RHO 0.2        /* robustness streams: lag-1 autocorrelation of the errors */
#define N_VAR 3           /* variants of the mean test */
static const char *const VAR_NAME[N_VAR] = {"AR-LRV", "binomial", "max(AR-LRV, binomial)"};

typedef struct scenario {
    const char *name;
    shape sh;
    size_t change; /* C: the last error at the old rate */
    double to;
    size_t len;    /* live errors */
} scenario;

enum { SC_NONE = 0, SC_ABRUPT = 1, SC_GRADUAL = 5, SC_JUMP0 = 9, N_SC = 10 };
static const scenario SCEN[N_SC] = {
    {"no change", SHAPE_NONE, 0, BASE_RATE, LEN_NONE},
    {"abrupt 0.45->0.50", SHAPE_ABRUPT, CHANGE_AT, 0.50, LEN_CHANGE},
    {"abrupt 0.45->0.55", SHAPE_ABRUPT, CHANGE_AT, 0.55, LEN_CHANGE},
    {"abrupt 0.45->0.60", SHAPE_ABRUPT, CHANGE_AT, 0.60, LEN_CHANGE},
    {"abrupt 0.45->0.70", SHAPE_ABRUPT, CHANGE_AT, 0.70, LEN_CHANGE},
    {"gradual 0.45->0.50", SHAPE_GRADUAL, CHANGE_AT, 0.50, LEN_CHANGE},
    {"gradual 0.45->0.55", SHAPE_GRADUAL, CHANGE_AT, 0.55, LEN_CHANGE},
    {"gradual 0.45->0.60", SHAPE_GRADUAL, CHANGE_AT, 0.60, LEN_CHANGE},
    {"gradual 0.45->0.70", SHAPE_GRADUAL, CHANGE_AT, 0.70, LEN_CHANGE},
    {"abrupt 0.45->0.70 at 0", SHAPE_ABRUPT, 0, 0.70, LEN_JUMP0},
};

/* ---- thresholds ------------------------------------------------------------------ */

/* First passages are kept for every threshold of the grid 0.10, 0.11, ...,
 * 0.90 (g / 100.0, the double nearest to the decimal, as a literal in
 * lib/config.c) and for the six preset values in force: read from the
 * library's config (pdrift_config_get_double after choosing a sensitivity)
 * or given with --presets to evaluate a proposal. */
#define G_LO 10
#define G_HI 90
#define N_GRID (G_HI - G_LO + 1)
#define N_G (N_GRID + 6)
static double THR[N_G];
static double grid_delta(int g) { return THR[g]; }

static const char *const PRESET_NAME[3] = {"low", "medium", "high"};
static const int PRESET_D[3] = {N_GRID + 0, N_GRID + 1, N_GRID + 2};
static const int PRESET_W[3] = {N_GRID + 3, N_GRID + 4, N_GRID + 5};

/* The mean rule's preset thresholds (z_DRIFT, z_WARNING) per sensitivity:
 * read from the library's config or given with --z-presets. In the
 * first-passage accessors below, index ZI(q) stands for the mean rule at
 * preset q, indices below N_G for the occupancy rule at THR[g]. */
static double ZD[3], ZW[3];
#define ZI(q) (N_G + (q))

/* ---- streaming detectors --------------------------------------------------------- */

typedef struct stream_det {
    const char *name;
    int kind; /* 0 Page-Hinkley, 1 DDM */
    double a, b;
} stream_det;

#define N_SD 3
static const stream_det SD[N_SD] = {
    {"Page-Hinkley d=0.005 l=50", 0, 0.005, 50.0},
    {"Page-Hinkley d=0.025 l=25", 0, 0.025, 25.0},
    {"DDM 30, 2s/3s", 1, 2.0, 3.0},
};

/* ---- per-seed results ------------------------------------------------------------ */

typedef struct sd_out {
    uint16_t alarms_pre;  /* alarms at live errors 1..C (the whole stream if no change) */
    uint16_t first_any;   /* first alarm (live error index), 0 = none */
    uint16_t first_after; /* first alarm after C, 0 = none */
} sd_out;

typedef struct seed_out {
    /* occupancy rule */
    uint16_t fp_d[N_SC][N_G]; /* first live error with DRIFT at delta_drift = grid, 0 = never */
    uint16_t fp_w[N_SC][N_G]; /* first with WARNING or DRIFT at delta_warning = grid */
    uint16_t warn_steps[3];   /* no-change: evaluations whose level is WARNING at each preset */
    uint16_t fp_ar[N_G];      /* no change, autocorrelated errors: first DRIFT */
    /* mean rule, at the three presets */
    uint16_t fp_z[N_SC][3];   /* first live error with z >= z_DRIFT, 0 = never */
    uint16_t fp_zw[N_SC][3];  /* first with WARNING or DRIFT */
    uint16_t zwarn_steps[3];  /* no-change: evaluations whose level is WARNING */
    uint16_t fp_ar_z[3];      /* no change, autocorrelated errors: first DRIFT */
    sd_out sd[N_SD][N_SC];
    sd_out sd_ar[N_SD];
    int check_runs;           /* monitor path vs this harness, first DRIFT, per rule */
    int check_mismatch_z;     /* default configuration (mean rule) vs fp_z */
    int check_mismatch_d;     /* addm_rule = occupancy vs fp_d at the preset delta */
    double zdiff;             /* check seeds, no change: max |library mean_z - mean_test z| */
    size_t zdiff_n;           /* steps compared */
} seed_out;

typedef struct job {
    size_t n_seeds; /* every scenario */
    size_t n_null;  /* no-change streams (>= n_seeds): seeds n_seeds+1.. run only those */
    size_t n_check;
    int check_z, check_d; /* monitor cross-check of the mean / occupancy rule */
    size_t n_ar;    /* autocorrelated no-change streams: seeds 1..n_ar */
    seed_out *out;
    atomic_size_t next;
    atomic_int failed;
} job;

static uint64_t eval_seed(size_t i) { return 1 + (uint64_t)i; }

/* ---- ADDM, one call per step --------------------------------------------------- */

/* First passages over live errors from..to (1-based) of the scenario's
 * stream, for every threshold still open (fp == 0): the occupancy rule's
 * (fp_d, fp_w: N_G each; warn_steps: 3 or NULL) and the mean rule's at the
 * presets (fp_z, fp_zw: 3 each; zwarn_steps: 3 or NULL). zlog (or NULL)
 * gets the library's mean_z after live error t at zlog[t]. */
static int addm_pass(const double *ref, const double *live, size_t from, size_t to,
                     uint16_t *fp_d, uint16_t *fp_w, uint16_t *warn_steps, uint16_t *fp_z,
                     uint16_t *fp_zw, uint16_t *zwarn_steps, double *zlog)
{
    pdrift__addm_params p = pdrift__addm_default_params();
    p.rule = PDRIFT__ADDM_RULE_OCCUPANCY; /* the level below is the occupancy rule's (the
                                             default params have the mean rule) */
    p.delta_drift = -1.0;
    p.delta_warning = -1.0;
    const size_t span = p.w + p.k - 1;
    if (from < p.w)
        from = p.w; /* fewer than w live errors: INSUFFICIENT */
    for (size_t t = from; t <= to; t++) {
        size_t v = t < span ? t : span;
        pdrift__addm_result r;
        if (pdrift__addm(ref, REF_N, live + (t - v), v, &p, &r) != PDRIFT_OK)
            return -1;
        /* The mean rule: result.mean_z is filled under either rule
         * whenever the fit ran; the library's own comparisons. */
        const double z = r.mean_z;
        if (zlog != NULL)
            zlog[t] = z;
        for (int q = 0; q < 3; q++) {
            int zd = z >= ZD[q], zw = zd || z >= ZW[q];
            if (zd && fp_z[q] == 0)
                fp_z[q] = (uint16_t)t;
            if (zw && fp_zw[q] == 0)
                fp_zw[q] = (uint16_t)t;
            if (zwarn_steps != NULL && zw && !zd)
                zwarn_steps[q]++;
        }
        /* The occupancy rule. */
        int elig_d = r.level == PDRIFT_LEVEL_DRIFT;
        int elig_w = elig_d || r.level == PDRIFT_LEVEL_WARNING;
        if (!elig_w)
            continue;
        if (warn_steps != NULL) /* the level at each preset is WARNING */
            for (int q = 0; q < 3; q++)
                if (!(elig_d && r.delta >= THR[PRESET_D[q]]) && r.delta >= THR[PRESET_W[q]])
                    warn_steps[q]++;
        for (int g = 0; g < N_G; g++) {
            double dl = grid_delta(g);
            if (elig_d && fp_d[g] == 0 && r.delta >= dl)
                fp_d[g] = (uint16_t)t;
            if (fp_w[g] == 0 && r.delta >= dl)
                fp_w[g] = (uint16_t)t;
        }
    }
    return 0;
}

/* ---- Page-Hinkley and DDM ------------------------------------------------------ */

static int stream_pass(const stream_det *d, const double *ref, const double *live,
                       const scenario *sc, sd_out *o)
{
    pdrift_page_hinkley *ph = NULL;
    pdrift_ddm *ddm = NULL;
    int rc = d->kind == 0 ? pdrift_page_hinkley_new(&ph, d->a, d->b)
                          : pdrift_ddm_new(&ddm, 30, d->a, d->b);
    if (rc != PDRIFT_OK)
        return -1;
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < REF_N + sc->len && rc == PDRIFT_OK; i++) {
        double x = i < REF_N ? ref[i] : live[i - REF_N];
        pdrift_level lv;
        rc = ph != NULL ? pdrift_page_hinkley_update(ph, x, &lv) : pdrift_ddm_update(ddm, x, &lv);
        if (rc != PDRIFT_OK || i < REF_N || lv != PDRIFT_LEVEL_DRIFT)
            continue;
        size_t t = i - REF_N + 1;
        if (o->first_any == 0)
            o->first_any = (uint16_t)t;
        if (sc->sh == SHAPE_NONE || t <= sc->change)
            o->alarms_pre++;
        else if (o->first_after == 0)
            o->first_after = (uint16_t)t;
    }
    pdrift_page_hinkley_free(ph);
    pdrift_ddm_free(ddm);
    return rc == PDRIFT_OK ? 0 : -1;
}

/* ---- the public monitor path, for the cross-check ------------------------------- */

/* First live error at which the monitor's concept level is DRIFT (0 = never).
 * occupancy: 0 the default configuration (the library's default rule), 1
 * addm_rule set to the occupancy rule. */
static long monitor_first_drift(int sensitivity, int occupancy, const double *ref,
                                const double *live, size_t len)
{
    pdrift_config *cfg;
    pdrift_monitor *m = NULL;
    if (pdrift_config_new(&cfg) != PDRIFT_OK)
        return -1;
    int rc = pdrift_config_set_int(cfg, PDRIFT_PARAM_SENSITIVITY, sensitivity);
    if (rc == PDRIFT_OK && occupancy)
        rc = pdrift_config_set_int(cfg, PDRIFT_PARAM_ADDM_RULE, PDRIFT_ADDM_RULE_OCCUPANCY);
    if (rc == PDRIFT_OK)
        rc = pdrift_monitor_new(&m, cfg);
    pdrift_config_free(cfg);
    if (rc != PDRIFT_OK)
        return -1;
    long fired = 0;
    if (pdrift_baseline_errors(m, ref, REF_N) != PDRIFT_OK)
        fired = -1;
    for (size_t t = 1; t <= len && fired == 0; t++) {
        double level;
        if (pdrift_observe_errors(m, live + t - 1, 1) != PDRIFT_OK || pdrift_detect(m) != PDRIFT_OK ||
            pdrift_result_get(m, PDRIFT_RESULT_CONCEPT_LEVEL, &level) != PDRIFT_OK) {
            fired = -1;
            break;
        }
        if (level == (double)PDRIFT_LEVEL_DRIFT) {
            double at;
            pdrift_result_get(m, PDRIFT_RESULT_CONCEPT_FIRED_AT, &at);
            fired = at == (double)t ? (long)t : -2;
        }
    }
    pdrift_monitor_free(m);
    return fired;
}

/* ---- one seed ----------------------------------------------------------------- */

static void mean_test(const double *ref, const double *live, size_t len, int variance, double *z);

/* check: 0 none, else bit 1 the consistency check, bit 2 the mean rule's
 * monitor cross-check, bit 4 the occupancy rule's. */
static int run_seed(size_t i, int full, int check, int ar, seed_out *o)
{
    uint64_t seed = eval_seed(i);
    double ref[REF_N], live[MAX_LEN], zlib[MAX_LEN + 1], zown[MAX_LEN + 1];
    make_reference(seed, ref);
    memset(o, 0, sizeof *o);
    for (int s = 0; s < (full ? N_SC : 1); s++) {
        const scenario *sc = &SCEN[s];
        make_live(seed, sc->sh, sc->change, sc->to, sc->len, live);
        size_t from = 1;
        if (sc->change > 0 && s != SC_NONE) {
            /* Up to C the stream is the no-change stream (common random numbers). */
            for (int g = 0; g < N_G; g++) {
                if (o->fp_d[SC_NONE][g] != 0 && o->fp_d[SC_NONE][g] <= sc->change)
                    o->fp_d[s][g] = o->fp_d[SC_NONE][g];
                if (o->fp_w[SC_NONE][g] != 0 && o->fp_w[SC_NONE][g] <= sc->change)
                    o->fp_w[s][g] = o->fp_w[SC_NONE][g];
            }
            for (int q = 0; q < 3; q++) {
                if (o->fp_z[SC_NONE][q] != 0 && o->fp_z[SC_NONE][q] <= sc->change)
                    o->fp_z[s][q] = o->fp_z[SC_NONE][q];
                if (o->fp_zw[SC_NONE][q] != 0 && o->fp_zw[SC_NONE][q] <= sc->change)
                    o->fp_zw[s][q] = o->fp_zw[SC_NONE][q];
            }
            from = sc->change + 1;
        }
        const int none = s == SC_NONE, consist = none && (check & 1);
        if (addm_pass(ref, live, from, sc->len, o->fp_d[s], o->fp_w[s], none ? o->warn_steps : NULL,
                      o->fp_z[s], o->fp_zw[s], none ? o->zwarn_steps : NULL,
                      consist ? zlib : NULL) != 0)
            return -1;
        if (consist) {
            /* The library's mean_z against this harness's own AR-LRV mean test. */
            mean_test(ref, live, sc->len, 0, zown);
            for (size_t t = WIN_RAW; t <= sc->len; t++) {
                double dz = fabs(zlib[t] - zown[t]);
                if (!(dz <= o->zdiff)) /* NaN counts as the largest difference */
                    o->zdiff = isnan(dz) ? HUGE_VAL : dz;
                o->zdiff_n++;
            }
        }
        for (int d = 0; d < N_SD; d++)
            if (stream_pass(&SD[d], ref, live, sc, &o->sd[d][s]) != 0)
                return -1;
        for (int p = 0; p < 3 && (check & 6); p++) {
            o->check_runs++;
            if ((check & 2) && monitor_first_drift(p, 0, ref, live, sc->len) != (long)o->fp_z[s][p])
                o->check_mismatch_z++;
            if ((check & 4) &&
                monitor_first_drift(p, 1, ref, live, sc->len) != (long)o->fp_d[s][PRESET_D[p]])
                o->check_mismatch_d++;
        }
    }
    if (ar) {
        uint16_t fw[N_G] = {0}, fzw[3] = {0};
        make_markov(seed, 2, BASE_RATE, AR_RHO, REF_N, ref);
        make_markov(seed, 3, BASE_RATE, AR_RHO, LEN_NONE, live);
        if (addm_pass(ref, live, 1, LEN_NONE, o->fp_ar, fw, NULL, o->fp_ar_z, fzw, NULL, NULL) != 0)
            return -1;
        for (int d = 0; d < N_SD; d++)
            if (stream_pass(&SD[d], ref, live, &SCEN[SC_NONE], &o->sd_ar[d]) != 0)
                return -1;
    }
    return 0;
}

static void *worker(void *arg)
{
    job *j = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n_null)
            break;
        int check = i < j->n_check ? 1 | (j->check_z ? 2 : 0) | (j->check_d ? 4 : 0) : 0;
        if (run_seed(i, i < j->n_seeds, check, i < j->n_ar, &j->out[i]) != 0)
            atomic_store(&j->failed, 1);
    }
    return NULL;
}

/* ---- the mean test (the library's default rule and its variants) ------------- */

/* Solve the n x n system A x = b (Gaussian elimination, partial pivoting);
 * returns 0 if singular. A and b are overwritten. */
static int solve(double *A, double *b, int n)
{
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(A[r * n + c]) > fabs(A[piv * n + c]))
                piv = r;
        if (fabs(A[piv * n + c]) < 1e-12)
            return 0;
        if (piv != c) {
            for (int k = 0; k < n; k++) {
                double tmp = A[c * n + k];
                A[c * n + k] = A[piv * n + k];
                A[piv * n + k] = tmp;
            }
            double tmp = b[c];
            b[c] = b[piv];
            b[piv] = tmp;
        }
        for (int r = c + 1; r < n; r++) {
            double f = A[r * n + c] / A[c * n + c];
            for (int k = c; k < n; k++)
                A[r * n + k] -= f * A[c * n + k];
            b[r] -= f * b[c];
        }
    }
    for (int r = n - 1; r >= 0; r--) {
        double s = b[r];
        for (int k = r + 1; k < n; k++)
            s -= A[r * n + k] * b[k];
        b[r] = s / A[r * n + r];
    }
    return 1;
}

#define AR_P 5

/* Long-run variance of the reference errors from an AR(AR_P) fitted by
 * least squares with an intercept: sigma^2 / (1 - sum phi)^2, the factor
 * 1 - sum phi floored at 0.1. The binomial variance if the fit is singular. */
static double ar_lrv(const double *e, size_t n)
{
    enum { M = AR_P + 1 };
    double A[M * M] = {0}, b[M] = {0}, x[M];
    for (size_t t = AR_P; t < n; t++) {
        x[0] = 1.0;
        for (int i = 1; i <= AR_P; i++)
            x[i] = e[t - (size_t)i];
        for (int r = 0; r < M; r++) {
            b[r] += x[r] * e[t];
            for (int c = 0; c < M; c++)
                A[r * M + c] += x[r] * x[c];
        }
    }
    double mean = 0.0;
    for (size_t t = 0; t < n; t++)
        mean += e[t];
    mean /= (double)n;
    double binom = mean * (1.0 - mean);
    if (!solve(A, b, M))
        return binom;
    double ssr = 0.0, phisum = 0.0;
    for (int i = 1; i <= AR_P; i++)
        phisum += b[i];
    for (size_t t = AR_P; t < n; t++) {
        double f = b[0];
        for (int i = 1; i <= AR_P; i++)
            f += b[i] * e[t - (size_t)i];
        ssr += (e[t] - f) * (e[t] - f);
    }
    double sigma2 = ssr / (double)(n - AR_P - M);
    double denom = 1.0 - phisum;
    if (denom < 0.1)
        denom = 0.1;
    return sigma2 / (denom * denom);
}

/* z of the mean test after each live error t >= WIN_RAW (z[t], t 1-based;
 * z[t] = -inf before). variance: 0 the AR(5) long-run variance, 1 the
 * binomial variance mean_ref (1 - mean_ref) of independent errors, 2 the
 * larger of the two. */
static void mean_test(const double *ref, const double *live, size_t len, int variance, double *z)
{
    double mref = 0.0;
    for (size_t i = 0; i < REF_N; i++)
        mref += ref[i];
    mref /= (double)REF_N;
    double binom = mref * (1.0 - mref);
    double v = variance == 1 ? binom : ar_lrv(ref, REF_N);
    if (variance == 2 && v < binom)
        v = binom;
    double se = sqrt(v * (1.0 / WIN_RAW + 1.0 / REF_N));
    double sum = 0.0;
    for (size_t t = 1; t <= len; t++) {
        sum += live[t - 1];
        if (t > WIN_RAW)
            sum -= live[t - 1 - WIN_RAW];
        z[t] = t >= WIN_RAW ? (sum / WIN_RAW - mref) / se : -HUGE_VAL;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* ---- summaries ------------------------------------------------------------------- */

/* Outcome of one detector over the streams of one change scenario. */
typedef struct tally {
    size_t n, early, detected, within, missed;
    int *delays; /* n slots */
} tally;

static tally tally_new(size_t n)
{
    tally t;
    memset(&t, 0, sizeof t);
    t.delays = malloc((n ? n : 1) * sizeof *t.delays);
    if (t.delays == NULL) {
        fprintf(stderr, "concept_eval: out of memory\n");
        exit(1);
    }
    return t;
}

/* A latched detector: first = its first alarm (0 none). An alarm at or
 * before C is early (neither detected nor missed). */
static void tally_latched(tally *t, size_t change, size_t first)
{
    t->n++;
    if (first != 0 && first <= change) {
        t->early++;
        return;
    }
    if (first == 0) {
        t->missed++;
        return;
    }
    int d = (int)(first - change);
    t->delays[t->detected++] = d;
    t->within += d <= ACCEPT_WITHIN;
}

/* A self-restarting detector: alarms before C are counted as early, but the
 * first alarm after C is still a detection. */
static void tally_restart(tally *t, size_t change, size_t alarms_pre, size_t first_after)
{
    t->n++;
    t->early += alarms_pre > 0;
    if (first_after == 0) {
        t->missed++;
        return;
    }
    int d = (int)(first_after - change);
    t->delays[t->detected++] = d;
    t->within += d <= ACCEPT_WITHIN;
}

/* Nearest-rank quantile of the detected delays (-1 if none). */
static int tally_q(tally *t, double q)
{
    if (t->detected == 0)
        return -1;
    qsort(t->delays, t->detected, sizeof *t->delays, cmp_int);
    size_t r = (size_t)ceil(q * (double)t->detected);
    return t->delays[(r < 1 ? 1 : r) - 1];
}

static double pct(size_t a, size_t n) { return n ? 100.0 * (double)a / (double)n : NAN; }

static void fmt_q(char *buf, size_t cap, int v)
{
    if (v < 0)
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%d", v);
}

static void print_tally_row(const char *name, tally *t, int restart)
{
    char m[16], p[16];
    fmt_q(m, sizeof m, tally_q(t, 0.5));
    fmt_q(p, sizeof p, tally_q(t, 0.9));
    printf("| %s | %.1f | %s | %s | %.1f | %.1f%s | %.1f |\n", name, pct(t->detected, t->n), m, p,
           pct(t->missed, t->n), pct(t->early, t->n), restart ? "*" : "", pct(t->within, t->n));
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* First DRIFT (warn = 0) or first WARNING-or-DRIFT (warn = 1) of ADDM on
 * scenario s: the occupancy rule at threshold THR[g] (g < N_G), the mean
 * rule at preset q (g = ZI(q)). 0 = never. */
static uint16_t addm_first(const seed_out *o, int s, int g, int warn)
{
    if (g >= N_G)
        return warn ? o->fp_zw[s][g - N_G] : o->fp_z[s][g - N_G];
    return warn ? o->fp_w[s][g] : o->fp_d[s][g];
}

/* Share (%) of the n no-change streams whose latched ADDM alarm at
 * threshold g (see addm_first) came within the first L live errors. */
static double share_fired(const seed_out *o, size_t n, int g, int warn, size_t L)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t f = addm_first(&o[i], SC_NONE, g, warn);
        c += f != 0 && f <= L;
    }
    return pct(c, n);
}

/* Latched alarms per 10 000 armed predictions: predictions up to and
 * including the alarm, or the whole stream. */
static double latched_rate(const seed_out *o, size_t n, int g)
{
    double armed = 0.0, fired = 0.0;
    for (size_t i = 0; i < n; i++) {
        uint16_t f = addm_first(&o[i], SC_NONE, g, 0);
        armed += f ? (double)f : (double)LEN_NONE;
        fired += f != 0;
    }
    return 1e4 * fired / armed;
}

/* Tally of ADDM at DRIFT threshold g (see addm_first) on scenario s. */
static tally addm_tally(const seed_out *o, size_t n, int s, int g)
{
    tally t = tally_new(n);
    for (size_t i = 0; i < n; i++)
        tally_latched(&t, SCEN[s].change, addm_first(&o[i], s, g, 0));
    return t;
}

/* ---- the mean test and its variants over many streams ------------------------- */

/* Per-stream maximum of z over live errors WIN_RAW..LEN_NONE on n_cal
 * no-change streams (seeds 10^9 + i), sorted ascending. */
static double *calibration_maxima(size_t n_cal, int variance)
{
    double *zmax = malloc(n_cal * sizeof *zmax);
    double *z = malloc((MAX_LEN + 1) * sizeof *z);
    if (zmax == NULL || z == NULL) {
        fprintf(stderr, "concept_eval: out of memory\n");
        exit(1);
    }
    double ref[REF_N], live[MAX_LEN];
    for (size_t i = 0; i < n_cal; i++) {
        uint64_t seed = UINT64_C(1000000000) + i;
        make_reference(seed, ref);
        make_live(seed, SHAPE_NONE, 0, BASE_RATE, LEN_NONE, live);
        mean_test(ref, live, LEN_NONE, variance, z);
        double mx = -HUGE_VAL;
        for (size_t t = WIN_RAW; t <= LEN_NONE; t++)
            mx = z[t] > mx ? z[t] : mx;
        zmax[i] = mx;
    }
    free(z);
    qsort(zmax, n_cal, sizeof *zmax, cmp_double);
    return zmax;
}

/* z* with share(max >= z*) = target among the calibration maxima (the
 * round(target n)-th largest maximum). */
static double calibrated_z(const double *zmax, size_t n_cal, double target)
{
    size_t allowed = (size_t)floor(target * (double)n_cal + 0.5);
    return allowed == 0 ? nextafter(zmax[n_cal - 1], HUGE_VAL) : zmax[n_cal - allowed];
}

/* The mean test at z* on the evaluation seeds: tallies for every change
 * scenario (tl[s]) and the false-DRIFT counts at 250/500/1000 on the
 * n_null no-change streams. */
static void mean_rule_eval(size_t n_seeds, size_t n_null, int variance, double zs, tally *tl,
                           size_t *f250, size_t *f500, size_t *f1000)
{
    double ref[REF_N], live[MAX_LEN], z[MAX_LEN + 1];
    *f250 = *f500 = *f1000 = 0;
    for (int s = 0; s < N_SC; s++)
        tl[s] = tally_new(n_seeds);
    for (size_t i = 0; i < n_null; i++) {
        uint64_t seed = eval_seed(i);
        make_reference(seed, ref);
        for (int s = 0; s < (i < n_seeds ? N_SC : 1); s++) {
            const scenario *sc = &SCEN[s];
            make_live(seed, sc->sh, sc->change, sc->to, sc->len, live);
            mean_test(ref, live, sc->len, variance, z);
            size_t first = 0;
            for (size_t t = WIN_RAW; t <= sc->len && first == 0; t++)
                if (z[t] >= zs)
                    first = t;
            if (s == SC_NONE) {
                *f250 += first && first <= 250;
                *f500 += first && first <= 500;
                *f1000 += first != 0;
            } else
                tally_latched(&tl[s], sc->change, first);
        }
    }
}

/* False-DRIFT counts of the mean test at z* on the autocorrelated no-change
 * streams (seeds 1..n_ar). */
static void mean_rule_ar(size_t n_ar, int variance, double zs, size_t *f)
{
    double ref[REF_N], live[LEN_NONE], z[LEN_NONE + 1];
    f[0] = f[1] = f[2] = 0;
    for (size_t i = 0; i < n_ar; i++) {
        uint64_t seed = eval_seed(i);
        make_markov(seed, 2, BASE_RATE, AR_RHO, REF_N, ref);
        make_markov(seed, 3, BASE_RATE, AR_RHO, LEN_NONE, live);
        mean_test(ref, live, LEN_NONE, variance, z);
        size_t first = 0;
        for (size_t t = WIN_RAW; t <= LEN_NONE && first == 0; t++)
            if (z[t] >= zs)
                first = t;
        f[0] += first && first <= 250;
        f[1] += first && first <= 500;
        f[2] += first != 0;
    }
}

/* ---- main ------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: concept_eval [--seeds N] [--null-seeds N] [--ar-seeds N] [--threads N] [--check N]\n"
                    "                    [--presets dD/dW,dD/dW,dD/dW]     occupancy rule (low, medium, high)\n"
                    "                    [--z-presets zD/zW,zD/zW,zD/zW]   mean rule (low, medium, high)\n");
    exit(2);
}

/* The preset thresholds the library applies for each sensitivity: the
 * occupancy rule's (dd, dw) and the mean rule's (zd, zw). */
static int library_presets(double *dd, double *dw, double *zd, double *zw)
{
    for (int p = 0; p < 3; p++) {
        pdrift_config *c;
        if (pdrift_config_new(&c) != PDRIFT_OK)
            return -1;
        int rc = pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, p);
        if (rc == PDRIFT_OK)
            rc = pdrift_config_get_double(c, PDRIFT_PARAM_ADDM_DELTA_DRIFT, &dd[p]);
        if (rc == PDRIFT_OK)
            rc = pdrift_config_get_double(c, PDRIFT_PARAM_ADDM_DELTA_WARNING, &dw[p]);
        if (rc == PDRIFT_OK)
            rc = pdrift_config_get_double(c, PDRIFT_PARAM_ADDM_Z_DRIFT, &zd[p]);
        if (rc == PDRIFT_OK)
            rc = pdrift_config_get_double(c, PDRIFT_PARAM_ADDM_Z_WARNING, &zw[p]);
        pdrift_config_free(c);
        if (rc != PDRIFT_OK)
            return -1;
    }
    return 0;
}

/* The library's defaults: ADDM's decision rule (0 mean, 1 occupancy) and
 * the sensitivity. */
static int DEF_RULE = PDRIFT_ADDM_RULE_MEAN, DEF_SENS = PDRIFT_SENSITIVITY_MEDIUM;

static int library_defaults(void)
{
    pdrift_config *c;
    long long rule, sens;
    if (pdrift_config_new(&c) != PDRIFT_OK)
        return -1;
    int rc = pdrift_config_get_int(c, PDRIFT_PARAM_ADDM_RULE, &rule);
    if (rc == PDRIFT_OK)
        rc = pdrift_config_get_int(c, PDRIFT_PARAM_SENSITIVITY, &sens);
    pdrift_config_free(c);
    if (rc != PDRIFT_OK || (rule != 0 && rule != 1) || sens < 0 || sens > 2)
        return -1;
    DEF_RULE = (int)rule;
    DEF_SENS = (int)sens;
    return 0;
}

/* ADDM under rule (0 mean, 1 occupancy) at preset p: the DRIFT and the
 * WARNING index for addm_first, and a row label, with the thresholds if
 * thr. The library's default (rule and sensitivity) is marked. */
static int rule_drift(int rule, int p) { return rule == 0 ? ZI(p) : PRESET_D[p]; }
static int rule_warn(int rule, int p) { return rule == 0 ? ZI(p) : PRESET_W[p]; }

static void rule_label(char *buf, size_t cap, int rule, int p, int thr)
{
    const int def = rule == DEF_RULE && p == DEF_SENS;
    const char *name = rule == 0 ? "mean rule" : "occupancy";
    if (!thr)
        snprintf(buf, cap, "ADDM %s %s%s", name, PRESET_NAME[p], def ? " (default)" : "");
    else if (rule == 0)
        snprintf(buf, cap, "ADDM %s %s (%sz %.2f / %.2f)", name, PRESET_NAME[p],
                 def ? "default; " : "", ZD[p], ZW[p]);
    else
        snprintf(buf, cap, "ADDM %s %s (%s%.2f / %.2f)", name, PRESET_NAME[p],
                 def ? "default; " : "", THR[PRESET_D[p]], THR[PRESET_W[p]]);
}

int main(int argc, char **argv)
{
    size_t n_seeds = 1000, n_null = 2000, n_ar = 500, n_check = 10;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_threads = ncpu > 0 ? (size_t)ncpu : 1;
    double dd[3], dw[3];
    if (library_presets(dd, dw, ZD, ZW) != 0 || library_defaults() != 0) {
        fprintf(stderr, "concept_eval: cannot read the presets from the library\n");
        return 1;
    }
    int overridden = 0, overridden_z = 0;
    for (int a = 1; a < argc; a++) {
        if (a + 1 >= argc)
            usage();
        const char *v = argv[++a];
        if (strcmp(argv[a - 1], "--seeds") == 0)
            n_seeds = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(argv[a - 1], "--null-seeds") == 0)
            n_null = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(argv[a - 1], "--ar-seeds") == 0)
            n_ar = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(argv[a - 1], "--threads") == 0)
            n_threads = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(argv[a - 1], "--check") == 0)
            n_check = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(argv[a - 1], "--presets") == 0) {
            if (sscanf(v, "%lf/%lf,%lf/%lf,%lf/%lf", &dd[0], &dw[0], &dd[1], &dw[1], &dd[2],
                       &dw[2]) != 6)
                usage();
            overridden = 1;
        } else if (strcmp(argv[a - 1], "--z-presets") == 0) {
            if (sscanf(v, "%lf/%lf,%lf/%lf,%lf/%lf", &ZD[0], &ZW[0], &ZD[1], &ZW[1], &ZD[2],
                       &ZW[2]) != 6)
                usage();
            overridden_z = 1;
        } else
            usage();
    }
    if (n_seeds == 0 || n_threads == 0 || n_threads > 64)
        usage();
    if (n_null < n_seeds)
        n_null = n_seeds;
    if (n_ar > n_null)
        n_ar = n_null;
    if (n_check > n_seeds)
        n_check = n_seeds;
    /* The monitor applies the library's presets: no cross-check of a rule
     * whose presets were given on the command line. */
    const int check_z = !overridden_z, check_d = !overridden;
    for (int g = 0; g < N_GRID; g++)
        THR[g] = (double)(G_LO + g) / 100.0;
    for (int p = 0; p < 3; p++) {
        THR[PRESET_D[p]] = dd[p];
        THR[PRESET_W[p]] = dw[p];
    }

    double t0 = now_s();
    job j;
    j.n_seeds = n_seeds;
    j.n_null = n_null;
    j.n_check = n_check;
    j.check_z = check_z;
    j.check_d = check_d;
    j.n_ar = n_ar;
    j.out = calloc(n_null, sizeof *j.out);
    atomic_init(&j.next, 0);
    atomic_init(&j.failed, 0);
    if (j.out == NULL)
        return 1;
    pthread_t th[64];
    for (size_t k = 0; k < n_threads; k++)
        if (pthread_create(&th[k], NULL, worker, &j) != 0)
            return 1;
    for (size_t k = 0; k < n_threads; k++)
        pthread_join(th[k], NULL);
    if (atomic_load(&j.failed)) {
        fprintf(stderr, "concept_eval: a library call failed\n");
        return 1;
    }
    const seed_out *o = j.out;
    char name[128];

    printf("# Concept-drift evaluation (bench/concept/concept_eval.c)\n\n");
    printf("Streams: reference of %d errors at %.2f, then live 0/1 errors. No change: %d live "
           "errors, %zu seeds (1..%zu). Change: the rate moves after live error %d, abruptly or "
           "linearly over %d errors, to 0.50/0.55/0.60/0.70; %d live errors (%d after the change); "
           "%zu seeds (1..%zu) each. Jump at 0: rate 0.70 from the first live error, %d live "
           "errors. ADDM: k = 10, w = 60, SETAR(2; 5, 5), d = 2, evaluated after every live error "
           "from the 60th, DRIFT latched (the monitor's behaviour), under each of its two decision "
           "rules. The mean rule (addm_rule=0, the library's %s): DRIFT when z >= z_DRIFT, WARNING "
           "when z >= z_WARNING, z = (mean of the last 60 live errors - mean of the last 259 "
           "reference errors) / sqrt(V (1/60 + 1/259)), V the AR(5) long-run variance of the "
           "reference errors; presets %s: low %.2f/%.2f, medium %.2f/%.2f, high %.2f/%.2f "
           "(z_DRIFT/z_WARNING). The occupancy rule of SPEC §4.4 (addm_rule=1%s): rise delta of "
           "the high-error regime's occupancy and the tail conditions; presets %s: low %.2f/%.2f, "
           "medium %.2f/%.2f, high %.2f/%.2f (delta_DRIFT/delta_WARNING). The library's default "
           "sensitivity is %s.\n\n",
           REF_N, BASE_RATE, LEN_NONE, n_null, n_null, CHANGE_AT, RAMP_LEN, LEN_CHANGE,
           LEN_CHANGE - CHANGE_AT, n_seeds, n_seeds, LEN_JUMP0,
           DEF_RULE == 0 ? "default" : "alternative",
           overridden_z ? "(given with --z-presets: a proposal, not the library's)" : "(the library's)",
           ZD[0], ZW[0], ZD[1], ZW[1], ZD[2], ZW[2], DEF_RULE == 1 ? ", the library's default" : "",
           overridden ? "(given with --presets: a proposal, not the library's)" : "(the library's)",
           dd[0], dw[0], dd[1], dw[1], dd[2], dw[2], PRESET_NAME[DEF_SENS]);
    const int order[2] = {DEF_RULE, 1 - DEF_RULE}; /* the library's default rule first */

    /* ---- 1. no-change streams ---- */
    printf("## 1. False alarms on no-change streams (rate 0.45 throughout, %zu streams)\n\n", n_null);
    printf("| detector | false DRIFT within 250 | within 500 | within 1000 | alarms per 10 000 "
           "predictions | WARNING or DRIFT within 1000 | evaluations at WARNING "
           "|\n|---|---|---|---|---|---|---|\n");
    for (int ri = 0; ri < 2; ri++)
        for (int p = 0; p < 3; p++) {
            const int rule = order[ri], gd = rule_drift(rule, p);
            double ws = 0.0;
            for (size_t i = 0; i < n_null; i++)
                ws += rule == 0 ? o[i].zwarn_steps[p] : o[i].warn_steps[p];
            rule_label(name, sizeof name, rule, p, 1);
            printf("| %s | %.1f%% | %.1f%% | %.1f%% | %.2f | %.1f%% | %.2f%% |\n", name,
                   share_fired(o, n_null, gd, 0, 250), share_fired(o, n_null, gd, 0, 500),
                   share_fired(o, n_null, gd, 0, 1000), latched_rate(o, n_null, gd),
                   share_fired(o, n_null, rule_warn(rule, p), 1, 1000),
                   100.0 * ws / ((double)n_null * (double)(LEN_NONE - 59)));
        }
    for (int d = 0; d < N_SD; d++) {
        size_t c250 = 0, c500 = 0, c1000 = 0, alarms = 0;
        for (size_t i = 0; i < n_null; i++) {
            const sd_out *x = &o[i].sd[d][SC_NONE];
            c250 += x->first_any && x->first_any <= 250;
            c500 += x->first_any && x->first_any <= 500;
            c1000 += x->first_any != 0;
            alarms += x->alarms_pre;
        }
        printf("| %s | %.1f%% | %.1f%% | %.1f%% | %.2f | | |\n", SD[d].name, pct(c250, n_null),
               pct(c500, n_null), pct(c1000, n_null),
               1e4 * (double)alarms / ((double)n_null * LEN_NONE));
    }
    printf("\nA share is the fraction of streams with at least one DRIFT within the first N live "
           "errors; ADDM can fire from the 60th. Alarms per 10 000: ADDM latches, so its rate is "
           "false DRIFTs per 10 000 armed predictions (up to and including the alarm); "
           "Page-Hinkley and DDM restart after an alarm and every alarm counts. Evaluations at "
           "WARNING: the share of ADDM's 941 evaluations per stream (live errors 60..1000) whose "
           "own level, before the latch, is WARNING (mean rule: z_WARNING <= z < z_DRIFT). The "
           "mean rule's rows are the library's default rule (addm_rule=0), the occupancy rows SPEC "
           "§4.4's rule (addm_rule=1); both from the same pdrift__addm calls.\n\n");

    /* ---- 2. change streams ---- */
    printf("## 2. Detection (%zu streams per scenario)\n\n", n_seeds);
    printf("| scenario / detector | detected %% | median delay | p90 delay | missed %% | "
           "alarm before change %% | caught within %d %% |\n|---|---|---|---|---|---|---|\n",
           ACCEPT_WITHIN);
    for (int s = 1; s < N_SC; s++) {
        const scenario *sc = &SCEN[s];
        printf("| **%s**, change after %zu, %zu live errors | | | | | | |\n", sc->name, sc->change,
               sc->len);
        for (int ri = 0; ri < 2; ri++)
            for (int p = 0; p < 3; p++) {
                tally t = addm_tally(o, n_seeds, s, rule_drift(order[ri], p));
                rule_label(name, sizeof name, order[ri], p, 0);
                print_tally_row(name, &t, 0);
                free(t.delays);
            }
        for (int d = 0; d < N_SD; d++) {
            tally t = tally_new(n_seeds);
            for (size_t i = 0; i < n_seeds; i++)
                tally_restart(&t, sc->change, o[i].sd[d][s].alarms_pre, o[i].sd[d][s].first_after);
            print_tally_row(SD[d].name, &t, 1);
            free(t.delays);
        }
    }
    printf("\nDetected: an alarm after the change within the stream; delays in live errors after "
           "the change (for gradual changes: after the ramp starts), median and p90 over the "
           "detected streams (nearest rank). ADDM's DRIFT is latched: a stream that fired before "
           "the change is neither detected nor missed. \\* Page-Hinkley and DDM restart after an "
           "alarm, so an alarm before the change does not stop them from detecting it.\n\n");

    /* ---- 3. acceptance criterion ---- */
    printf("## 3. Acceptance criterion\n\n");
    printf("Reference 259 errors at 0.45, 60-error window; pass = false DRIFT on at most 5%% of "
           "no-change streams and at least 80%% of 0.45->0.70 jumps caught within %d predictions "
           "(both jump positions). The false share depends on how long a stream is watched.\n\n",
           ACCEPT_WITHIN);
    printf("| ADDM rule and preset (DRIFT / WARNING threshold) | false DRIFT within 250 | within 500 | "
           "within 1000 | jump after 150: caught within %d | jump at 0: caught within %d | pass at "
           "250 / 500 / 1000 |\n|---|---|---|---|---|---|---|\n", ACCEPT_WITHIN, ACCEPT_WITHIN);
    for (int ri = 0; ri < 2; ri++)
        for (int p = 0; p < 3; p++) {
            const int gd = rule_drift(order[ri], p);
            double f[3] = {share_fired(o, n_null, gd, 0, 250), share_fired(o, n_null, gd, 0, 500),
                           share_fired(o, n_null, gd, 0, 1000)};
            tally a = addm_tally(o, n_seeds, SC_ABRUPT + 3, gd);
            tally b = addm_tally(o, n_seeds, SC_JUMP0, gd);
            double d150 = pct(a.within, n_seeds), d0 = pct(b.within, n_seeds);
            int ok = d150 >= 80.0 && d0 >= 80.0;
            rule_label(name, sizeof name, order[ri], p, 1);
            printf("| %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %s / %s / %s |\n", name, f[0],
                   f[1], f[2], d150, d0, ok && f[0] <= 5.0 ? "yes" : "no",
                   ok && f[1] <= 5.0 ? "yes" : "no", ok && f[2] <= 5.0 ? "yes" : "no");
            free(a.delays);
            free(b.delays);
        }
    printf("\n");

    /* ---- 4. calibration curve ---- */
    printf("## 4. ADDM occupancy rule: threshold calibration\n\n");
    printf("The occupancy rule (addm_rule=1). Each row uses the value as delta_DRIFT (other "
           "parameters as above); the last column "
           "uses it as delta_WARNING. False shares on the %zu no-change streams, detection on the "
           "%zu change streams per scenario.\n\n", n_null, n_seeds);
    printf("| delta | false DRIFT within 250 | 500 | 1000 | per 10 000 | 0.70 after 150: within %d "
           "| 0.70 at 0: within %d | median delay 0.60 / 0.70 / gradual 0.70 | detected 0.55 / 0.60 "
           "| WARNING or DRIFT within 1000 |\n|---|---|---|---|---|---|---|---|---|---|\n",
           ACCEPT_WITHIN, ACCEPT_WITHIN);
    for (int g = 0; g < N_GRID; g++) {
        int v = G_LO + g;
        if (v < 25 || v > 65)
            continue;
        tally a = addm_tally(o, n_seeds, SC_ABRUPT + 3, g), b = addm_tally(o, n_seeds, SC_JUMP0, g);
        tally m60 = addm_tally(o, n_seeds, SC_ABRUPT + 2, g), g70 = addm_tally(o, n_seeds, SC_GRADUAL + 3, g);
        tally m55 = addm_tally(o, n_seeds, SC_ABRUPT + 1, g);
        printf("| %.2f | %.1f%% | %.1f%% | %.1f%% | %.2f | %.1f%% | %.1f%% | %d / %d / %d | %.1f%% / "
               "%.1f%% | %.1f%% |\n", THR[g], share_fired(o, n_null, g, 0, 250),
               share_fired(o, n_null, g, 0, 500), share_fired(o, n_null, g, 0, 1000),
               latched_rate(o, n_null, g), pct(a.within, n_seeds), pct(b.within, n_seeds),
               tally_q(&m60, 0.5), tally_q(&a, 0.5), tally_q(&g70, 0.5), pct(m55.detected, n_seeds),
               pct(m60.detected, n_seeds), share_fired(o, n_null, g, 1, 1000));
        free(a.delays);
        free(b.delays);
        free(m60.delays);
        free(g70.delays);
        free(m55.delays);
    }
    printf("\n");

    /* ---- 5. the mean test and its variants ---- */
    const size_t n_cal = 20000;
    printf("## 5. The mean test and its variants, at the false-alarm rates of ADDM's occupancy "
           "rule\n\n");
    printf("DRIFT (latched) when z = (mean of the last 60 live errors - mean of the 259 reference "
           "errors) / sqrt(V (1/60 + 1/259)) >= z*, from the 60th live error; computed by this "
           "harness. V: the long-run variance sigma^2/(1 - sum phi)^2 of an AR(5) fitted by least "
           "squares to the reference errors (\"AR-LRV\", 1 - sum phi floored at 0.1: the library's "
           "default rule, addm_rule=0, whose presets are evaluated in sections 1-3), the binomial "
           "variance p(1 - p) of the reference rate (\"binomial\"), or the larger of the two (these "
           "two are alternatives evaluated here only, not in the library). z* is calibrated on %zu "
           "separate no-change streams (seeds from 10^9) so that the share of 1000-error streams "
           "with a false DRIFT equals the occupancy rule's measured share at its presets (section "
           "1), or a fixed target (1%%, 4%%, 5%%, 10%%; the occupancy rule then at the smallest grid "
           "threshold whose measured share is within the target); the false shares below are then "
           "measured on the evaluation streams.\n\n", n_cal);
    printf("| rule | z* or delta | false DRIFT 250 / 500 / 1000 | 0.70 after 150 within %d | 0.70 "
           "at 0 within %d | median / p90 delay: abrupt 0.55 | abrupt 0.60 | abrupt 0.70 | gradual "
           "0.60 | gradual 0.70 | detected abrupt 0.50 / 0.55 / gradual 0.55 |\n"
           "|---|---|---|---|---|---|---|---|---|---|---|\n", ACCEPT_WITHIN, ACCEPT_WITHIN);
    const int show[5] = {SC_ABRUPT + 1, SC_ABRUPT + 2, SC_ABRUPT + 3, SC_GRADUAL + 2, SC_GRADUAL + 3};
    double *zmax[N_VAR];
    for (int v = 0; v < N_VAR; v++)
        zmax[v] = calibration_maxima(n_cal, v);
    /* Rows: the presets in force (matched to their own measured share), then
     * fixed targets, ADDM at the smallest grid threshold within the target. */
    enum { N_ROWS = 7 };
    static const double TARGETS[N_ROWS - 3] = {0.01, 0.04, 0.05, 0.10};
    int row_g[N_ROWS];
    double row_target[N_ROWS];
    char row_name[N_ROWS][48];
    for (int row = 0; row < N_ROWS; row++) {
        if (row < 3) {
            row_g[row] = PRESET_D[row];
            row_target[row] = share_fired(o, n_null, PRESET_D[row], 0, 1000) / 100.0;
            snprintf(row_name[row], sizeof row_name[row], "%s", PRESET_NAME[row]);
            continue;
        }
        row_target[row] = TARGETS[row - 3];
        row_g[row] = -1;
        for (int g = 0; g < N_GRID && row_g[row] < 0; g++)
            if (share_fired(o, n_null, g, 0, 1000) <= 100.0 * row_target[row] + 1e-9)
                row_g[row] = g;
        snprintf(row_name[row], sizeof row_name[row], "target %.0f%%", 100.0 * row_target[row]);
    }
    for (int row = 0; row < N_ROWS; row++) {
        int g = row_g[row];
        if (g < 0)
            continue;
        double target = row_target[row];
        for (int rule = 0; rule <= N_VAR; rule++) {
            tally tl[N_SC];
            size_t f250, f500, f1000;
            char head[96], thr[32];
            if (rule < N_VAR) {
                double zs = calibrated_z(zmax[rule], n_cal, target);
                mean_rule_eval(n_seeds, n_null, rule, zs, tl, &f250, &f500, &f1000);
                snprintf(head, sizeof head, "mean test, %s", VAR_NAME[rule]);
                snprintf(thr, sizeof thr, "%.3f", zs);
            } else {
                for (int s = 0; s < N_SC; s++)
                    tl[s] = addm_tally(o, n_seeds, s, g);
                f250 = (size_t)llround(share_fired(o, n_null, g, 0, 250) * (double)n_null / 100.0);
                f500 = (size_t)llround(share_fired(o, n_null, g, 0, 500) * (double)n_null / 100.0);
                f1000 = (size_t)llround(share_fired(o, n_null, g, 0, 1000) * (double)n_null / 100.0);
                snprintf(head, sizeof head, "**ADDM occupancy%s%s**", row < 3 ? " " : "",
                         row < 3 ? PRESET_NAME[row] : "");
                snprintf(thr, sizeof thr, "%.2f", THR[g]);
            }
            if (rule == 0)
                printf("| *%s%s (%.1f%% within 1000)* | | | | | | | | | | |\n",
                       row < 3 ? "matched to ADDM occupancy " : "", row_name[row], 100.0 * target);
            char cell[5][48];
            for (int k = 0; k < 5; k++) {
                char a[16], b[16];
                fmt_q(a, sizeof a, tally_q(&tl[show[k]], 0.5));
                fmt_q(b, sizeof b, tally_q(&tl[show[k]], 0.9));
                snprintf(cell[k], sizeof cell[k], "%s / %s", a, b);
            }
            printf("| %s | %s | %.1f / %.1f / %.1f%% | %.1f%% | %.1f%% | %s | %s | %s | %s | %s | "
                   "%.1f / %.1f / %.1f%% |\n", head, thr, pct(f250, n_null), pct(f500, n_null),
                   pct(f1000, n_null), pct(tl[SC_ABRUPT + 3].within, n_seeds),
                   pct(tl[SC_JUMP0].within, n_seeds), cell[0], cell[1], cell[2], cell[3], cell[4],
                   pct(tl[SC_ABRUPT].detected, n_seeds), pct(tl[SC_ABRUPT + 1].detected, n_seeds),
                   pct(tl[SC_GRADUAL + 1].detected, n_seeds));
            for (int s = 0; s < N_SC; s++)
                free(tl[s].delays);
        }
    }
    printf("\nCalibration of the mean test (the %zu separate no-change streams): z* whose share of "
           "1000-error streams with a DRIFT (or, used as a WARNING threshold, with a WARNING or "
           "DRIFT) is the target.\n\n", n_cal);
    enum { N_ZT = 10 };
    static const double ZT[N_ZT] = {0.01, 0.02, 0.03, 0.04, 0.05, 0.10, 0.15, 0.25, 0.35, 0.50};
    printf("| share within 1000 |");
    for (int k = 0; k < N_ZT; k++)
        printf(" %.0f%% |", 100.0 * ZT[k]);
    printf("\n|---|");
    for (int k = 0; k < N_ZT; k++)
        printf("---|");
    printf("\n");
    for (int v = 0; v < N_VAR; v++) {
        printf("| z*, %s |", VAR_NAME[v]);
        for (int k = 0; k < N_ZT; k++)
            printf(" %.3f |", calibrated_z(zmax[v], n_cal, ZT[k]));
        printf("\n");
    }
    printf("\n");

    /* ---- 6. robustness: autocorrelated errors, no change ---- */
    if (n_ar > 0) {
        printf("## 6. Robustness: no change, autocorrelated errors (%zu streams)\n\n", n_ar);
        printf("Reference and live errors from a two-state Markov chain with rate 0.45 and lag-1 "
               "autocorrelation %.2f (long-run variance %.2f times the binomial), 1000 live errors, "
               "no change. Thresholds as calibrated above on independent errors. Share of streams "
               "with a false DRIFT within 250 / 500 / 1000 live errors.\n\n", AR_RHO,
               (1.0 + AR_RHO) / (1.0 - AR_RHO));
        printf("| level matched on independent errors | ADDM occupancy | mean test, AR-LRV | mean "
               "test, binomial | mean test, max(AR-LRV, binomial) |\n|---|---|---|---|---|\n");
        for (int row = 0; row < N_ROWS; row++) {
            int g = row_g[row];
            if (g < 0)
                continue;
            double target = row_target[row];
            size_t fa[3] = {0, 0, 0}, fm[N_VAR][3];
            for (size_t i = 0; i < n_ar; i++) {
                uint16_t f = o[i].fp_ar[g];
                fa[0] += f && f <= 250;
                fa[1] += f && f <= 500;
                fa[2] += f != 0;
            }
            for (int v = 0; v < N_VAR; v++)
                mean_rule_ar(n_ar, v, calibrated_z(zmax[v], n_cal, target), fm[v]);
            printf("| %s (%.1f%% at 1000; occupancy delta %.2f) | %.1f / %.1f / %.1f%% | %.1f / %.1f / "
                   "%.1f%% | %.1f / %.1f / %.1f%% | %.1f / %.1f / %.1f%% |\n",
                   row_name[row], 100.0 * target, THR[g],
                   pct(fa[0], n_ar), pct(fa[1], n_ar), pct(fa[2], n_ar), pct(fm[0][0], n_ar),
                   pct(fm[0][1], n_ar), pct(fm[0][2], n_ar), pct(fm[1][0], n_ar), pct(fm[1][1], n_ar),
                   pct(fm[1][2], n_ar), pct(fm[2][0], n_ar), pct(fm[2][1], n_ar), pct(fm[2][2], n_ar));
        }
        printf("\n| streaming detector | false alarm within 250 / 500 / 1000 | alarms per 10 000 "
               "|\n|---|---|---|\n");
        for (int d = 0; d < N_SD; d++) {
            size_t c[3] = {0, 0, 0}, alarms = 0;
            for (size_t i = 0; i < n_ar; i++) {
                const sd_out *x = &o[i].sd_ar[d];
                c[0] += x->first_any && x->first_any <= 250;
                c[1] += x->first_any && x->first_any <= 500;
                c[2] += x->first_any != 0;
                alarms += x->alarms_pre;
            }
            printf("| %s | %.1f / %.1f / %.1f%% | %.2f |\n", SD[d].name, pct(c[0], n_ar),
                   pct(c[1], n_ar), pct(c[2], n_ar), 1e4 * (double)alarms / ((double)n_ar * LEN_NONE));
        }
        printf("\nADDM at the presets of section 1 on the same autocorrelated streams (mean rule: "
               "the library's own mean_z; occupancy: its own delta and tail):\n\n");
        printf("| ADDM rule and preset (DRIFT / WARNING threshold) | false DRIFT within 250 / 500 / "
               "1000 |\n|---|---|\n");
        for (int ri = 0; ri < 2; ri++)
            for (int p = 0; p < 3; p++) {
                size_t c[3] = {0, 0, 0};
                for (size_t i = 0; i < n_ar; i++) {
                    uint16_t f = order[ri] == 0 ? o[i].fp_ar_z[p] : o[i].fp_ar[PRESET_D[p]];
                    c[0] += f && f <= 250;
                    c[1] += f && f <= 500;
                    c[2] += f != 0;
                }
                rule_label(name, sizeof name, order[ri], p, 1);
                printf("| %s | %.1f / %.1f / %.1f%% |\n", name, pct(c[0], n_ar), pct(c[1], n_ar),
                       pct(c[2], n_ar));
            }
        printf("\n");
    }
    for (int v = 0; v < N_VAR; v++)
        free(zmax[v]);

    /* ---- consistency of the mean rule, and the monitor cross-check ---- */
    size_t runs = 0, bad_z = 0, bad_d = 0, zn = 0;
    double zdiff = 0.0;
    for (size_t i = 0; i < n_seeds; i++) {
        runs += (size_t)o[i].check_runs;
        bad_z += (size_t)o[i].check_mismatch_z;
        bad_d += (size_t)o[i].check_mismatch_d;
        zn += o[i].zdiff_n;
        if (!(o[i].zdiff <= zdiff))
            zdiff = o[i].zdiff;
    }
    const int zdiff_bad = zn > 0 && !(zdiff <= 1e-9);
    if (zn > 0)
        printf("Mean-rule consistency: the library's mean_z (pdrift__addm) and this harness's own "
               "mean test (AR-LRV, section 5) on the no-change streams of seeds 1..%zu, after every "
               "live error from the 60th (%zu evaluations): largest |difference| %.3g (limit "
               "1e-9).\n\n", n_check, zn, zdiff);
    if (runs > 0 && check_z)
        printf("Monitor-path cross-check: %zu of %zu runs (seeds 1..%zu, every scenario, each "
               "sensitivity; public monitor in its default configuration, i.e. the mean rule, "
               "pdrift_detect after every live error) fired their first DRIFT at the same live error "
               "as this harness's mean rule at the preset z_DRIFT.\n\n", runs - bad_z, runs, n_check);
    if (runs > 0 && check_d)
        printf("Monitor-path cross-check: %zu of %zu runs (seeds 1..%zu, every scenario, each "
               "sensitivity; public monitor with addm_rule=1, the occupancy rule, pdrift_detect "
               "after every live error) fired their first DRIFT at the same live error as this "
               "harness's occupancy rule at the preset delta_DRIFT.\n\n", runs - bad_d, runs, n_check);
    if (n_check > 0 && (!check_z || !check_d))
        printf("No monitor-path cross-check of the %s: %s given on the command line.\n\n",
               !check_z && !check_d ? "two rules" : !check_z ? "mean rule" : "occupancy rule",
               !check_z && !check_d ? "their presets were" : "its presets were");
    printf("Run time %.0f s on %zu threads.\n", now_s() - t0, n_threads);
    free(j.out);
    int status = 0;
    if (bad_z + bad_d != 0) {
        fprintf(stderr, "concept_eval: the monitor path disagrees with the harness in %zu runs "
                        "(mean rule %zu, occupancy rule %zu)\n", bad_z + bad_d, bad_z, bad_d);
        status = 1;
    }
    if (zdiff_bad) {
        fprintf(stderr, "concept_eval: the library's mean_z differs from the harness's mean test "
                        "by %.3g\n", zdiff);
        status = 1;
    }
    return status;
}
