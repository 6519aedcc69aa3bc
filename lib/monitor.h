/*
 * monitor.h — the monitor's private state, shared by monitor.c (lifecycle,
 * baseline, window), detect.c (the checks and the verdict), result.c (the
 * getters) and report.c (the JSON report).
 */
#ifndef PDRIFT_MONITOR_H
#define PDRIFT_MONITOR_H

#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#include "internal.h"

enum { PDRIFT__ERRMSG_MAX = 1024 };

/* One baseline feature, prepared once when the baseline is set so that a
 * detection costs what the window costs: sorted values, PSI cuts and the
 * baseline's counts per bin. */
typedef struct pdrift__baseline_feature {
    char *name;
    double *sorted;   /* the non-missing values, ascending */
    uint32_t *positions; /* the place in sorted of each of them, in time order */
    size_t n_values;
    size_t n_missing;
    double *cuts;     /* PSI cut points */
    size_t n_cuts;    /* 0 when the feature has no value */
    size_t *counts;   /* baseline values per bin, n_cuts + 1 */
    double tau;       /* autocorrelation time of the baseline series (1: independent) */
    /* The serial calibration's null for windows of null_m values (detect.c):
     * null_k KS distances, then null_k PSI values at null_ks + 200. */
    double *null_ks;
    size_t null_m, null_k;
    double null_n_eff;  /* the KS null's effective size; 0: not computed yet */
    /* Every fence_step-th sorted value (n_fences of them), made at the
     * first detect or read from a snapshot: the KS locates a window among
     * them (ks.c). */
    double *fences;
    size_t fence_step, n_fences;
    /* The values of a mapped snapshot not checked yet (snapshot.c,
     * pdrift__snapshot_ready): NULL once all are, and for a baseline that
     * was not mapped. */
    struct pdrift__unchecked *unchecked;
} pdrift__baseline_feature;

typedef struct pdrift__baseline {
    size_t n_features;       /* 0: no baseline */
    size_t n_rows;
    pdrift__baseline_feature *features;
    char *source;            /* the file it came from, or NULL (memory) */
    int ohlcv_derived;       /* features derived from raw OHLCV columns */
    char **notes;            /* columns skipped and why, for the report */
    size_t n_notes;
    unsigned char *blob;     /* a loaded snapshot: the features' values point into it */
    size_t blob_len;
    int blob_mapped;         /* the blob is the snapshot file mapped (munmap), not malloc'd */
    /* A second buffer the features' arrays may point into: a mapped
     * snapshot's metadata read into memory of its own, or the places of a
     * baseline read from a CSV file column by column. */
    unsigned char *aux;
    size_t aux_len;
    /* A mapped snapshot's file, open while the baseline holds it, and the
     * memory where the blocks of values a detection reads are read and
     * checked (snapshot.c); NULL otherwise. */
    struct pdrift__held_file *held;
} pdrift__baseline;

/* The observed rows, column by column in baseline feature order (a detect
 * reads a feature's column where it lies; an observed file read by column is
 * taken over as it is). With a window size N > 0 it is a ring of N rows
 * holding the latest ones. */
typedef struct pdrift__window {
    double *rows;     /* column by column: column f's ring at rows + f * capacity
                         (a window of one column, returns or errors, is a plain ring) */
    size_t capacity;  /* rows allocated */
    size_t start;     /* ring position of the oldest row */
    size_t n_rows;    /* rows held */
    char **ignored;   /* columns of observed files that the baseline does not have */
    size_t n_ignored;
    char **notes;     /* what the observed files' reading noted */
    size_t n_notes;
} pdrift__window;

enum {
    PDRIFT__CALIBRATION_INDEPENDENT = 0, /* textbook tests (serial_correction off) */
    PDRIFT__CALIBRATION_WINDOWS = 1,     /* ranked among the baseline's own windows */
    PDRIFT__CALIBRATION_AUTOCORRELATION = 2 /* effective sizes n / tau (short baselines) */
};

/* The trading performance the model had when it was validated. */
enum {
    PDRIFT__PERFORMANCE_NONE = 0,
    PDRIFT__PERFORMANCE_RETURNS = 1, /* computed from validation returns */
    PDRIFT__PERFORMANCE_METRICS = 2  /* numbers given by the caller */
};

typedef struct pdrift__performance {
    int source;               /* PDRIFT__PERFORMANCE_* */
    size_t n_returns;         /* 0 for explicit numbers */
    double sharpe, max_drawdown, win_rate; /* NaN: unknown */
    size_t wins, decided;     /* #(r > 0), #(r != 0), for the win-rate test */
} pdrift__performance;

typedef struct pdrift__model_result {
    pdrift_check_status status;
    pdrift_severity severity;
    unsigned flags;                 /* 1 Sharpe, 2 drawdown */
    pdrift__performance baseline;
    double sharpe, max_drawdown, win_rate; /* current */
    size_t n_returns;               /* current */
    double sharpe_degradation;      /* NaN when a Sharpe is unknown */
    int degradation_relative;       /* 1: (S_b - S_c)/S_b, 0: S_b - S_c */
    double drawdown_increase, win_rate_change, win_rate_pvalue;
} pdrift__model_result;

/* The error streams of concept drift. The live errors are a ring of the
 * latest w + k - 1: older ones never enter the smoothed window (SPEC §4.2). */
typedef struct pdrift__errors {
    double *reference;        /* the validated model's errors, time order */
    size_t n_reference;
    pdrift__window live;      /* one value per row */
    size_t n_seen;            /* live errors observed since the reference was set */
    int latched;              /* DRIFT fired: it stays until reset or a new reference */
    size_t fired_at;          /* n_seen when it fired */
    double fired_weight;      /* the severity weight then */
} pdrift__errors;

typedef struct pdrift__concept_result {
    pdrift_check_status status;
    pdrift_severity severity;
    pdrift_level level;           /* latched */
    pdrift_level current_level;   /* this detection's own decision */
    double severity_weight;
    size_t n_reference, n_live, n_seen;
    int latched;
    size_t fired_at;
    pdrift__addm_result addm;     /* valid when status is not NOT_MONITORED and addm_ran */
    int addm_ran;
} pdrift__concept_result;

typedef struct pdrift__feature_result {
    pdrift_feature_status status;
    pdrift_severity severity;
    unsigned gates;              /* 1 PSI, 2 KS, 4 missing rate */
    int calibration;             /* how significance accounts for dependence: enum below */
    size_t null_windows;         /* baseline windows in the null (CALIBRATION_WINDOWS) */
    double ks_null_quantile, psi_null_quantile; /* their (1 - alpha) quantiles */
    double ks_effective_n;       /* size at which the KS p-value is read (NaN: textbook) */
    double psi_variance_factor;  /* PSI's chi-square scale over 1/M + 1/N (NaN: textbook) */
    double tau;                  /* autocorrelation time of the baseline series */
    double tau_current;          /* the one used for the current window (>= tau) */
    double psi, psi_pvalue, psi_critical;   /* p and critical value with tau */
    double psi_pvalue_iid;                  /* as if the values were independent */
    size_t psi_bins, psi_bins_effective;
    double ks_statistic, ks_pvalue, ks_pvalue_adjusted; /* p with tau, then corrected */
    double ks_pvalue_iid;                   /* scipy's ks_2samp p-value */
    int ks_method;               /* pdrift_ks_method used, -1 if not run */
    double missing_baseline, missing_current, missing_pvalue;
    size_t n_baseline, n_current;  /* non-missing values */
    size_t rows_baseline, rows_current;
} pdrift__feature_result;

typedef struct pdrift__result {
    int valid;                      /* a detection has run */
    time_t generated_at;
    size_t n_features;
    pdrift__feature_result *features;
    size_t *order;                  /* all features, most drifted first */
    size_t n_drifted;               /* the first n_drifted of order */
    size_t n_insufficient;
    double psi_max;
    size_t n_baseline_rows, n_current_rows;
    pdrift_severity data_severity;
    pdrift__model_result model;
    pdrift__concept_result concept;
    pdrift_severity severity;
    unsigned drift_types;           /* pdrift_drift_type bits */
    unsigned drift_type;            /* the most severe, 0 if none */
    pdrift_action action;
    char **recommendations;
    size_t n_recommendations;
    char *json;                     /* the rendered report */
    size_t json_len;                /* strlen(json) */
} pdrift__result;

struct pdrift_monitor {
    pdrift__settings settings;
    char *model;
    pdrift__baseline baseline;
    pdrift__window window;
    pdrift__performance performance; /* the baseline's trading performance */
    double *performance_returns;     /* the returns it came from (NULL for explicit numbers) */
    pdrift__window returns;          /* observed returns, one value per row */
    pdrift__errors errors;           /* concept drift's error streams */
    pdrift__result result;
    char errmsg[PDRIFT__ERRMSG_MAX];
};

/* Record a detailed message for pdrift_errmsg and return rc. */
int pdrift__fail(pdrift_monitor *m, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Whether p points into the snapshot buffer of b (then b owns it through
 * the buffer, not by itself). */
static inline int pdrift__in_blob(const pdrift__baseline *b, const void *p)
{
    const unsigned char *q = p;
    return (b->blob != NULL && q >= b->blob && q < b->blob + b->blob_len) ||
           (b->aux != NULL && q >= b->aux && q < b->aux + b->aux_len);
}

/* Baseline windows ranked against in the serial calibration (detect.c). */
enum { PDRIFT__NULL_WINDOWS = 200 };

/* Whether a detect with n_c current values of feature bf calibrates on the
 * baseline's windows (serial correction on, a dependent feature, enough
 * windows for a p-value below alpha). */
int pdrift__feature_wants_null(const pdrift__settings *s, const pdrift__baseline_feature *bf, size_t n_c);
/* Make bf's window null for n_c values (kept until another length is
 * asked for). PDRIFT_ENOMEM, PDRIFT_EINVAL, or PDRIFT_ECORRUPT with *what
 * for damage of a mapped snapshot (a new null reads all the values). */
int pdrift__feature_null(const pdrift__settings *s, pdrift__baseline_feature *bf, size_t n_c, const char **what);

/* A feature's non-missing values in time order, rebuilt from its sorted
 * values and places into a new array (free), or NULL for no memory. */
double *pdrift__feature_series(const pdrift__baseline_feature *bf);

/* The baseline's lifecycle (monitor.c), shared with snapshot.c. */
void pdrift__baseline_free(pdrift__baseline *b);

/* A mapped snapshot's values are checked when first used (snapshot.c,
 * PDRIFT_PARAM_SNAPSHOT_MAP).
 * - pdrift__snapshot_values: a feature's sorted values lo .. hi - 1, at
 *   p[i - lo] for value i: where they lie for values never mapped or all
 *   checked, else their block read from the file and checked (once: it is
 *   kept). NULL on damage (PDRIFT_ECORRUPT in *rc) or without memory
 *   (PDRIFT_ENOMEM).
 * - pdrift__snapshot_check_all: all of the feature where it lies (sorted
 *   values, places, PSI counts); PDRIFT_OK at once for a feature checked or
 *   never mapped, PDRIFT_ECORRUPT or PDRIFT_ENOMEM.
 * On failure *what says what is wrong. They write nothing of the monitor
 * but bf and the baseline's held file (whose memory is shared under a
 * lock): a detection checks its features from several threads.
 * pdrift__snapshot_fail makes *what the monitor's message;
 * pdrift__snapshot_ready_all checks all and sets the message itself. */
const double *pdrift__snapshot_values(pdrift__baseline_feature *bf, size_t lo, size_t hi, int *rc,
                                      const char **what);
int pdrift__snapshot_check_all(pdrift__baseline_feature *bf, const char **what);
int pdrift__snapshot_fail(pdrift_monitor *m, const char *path, const pdrift__baseline_feature *bf, int rc,
                          const char *what);
int pdrift__snapshot_ready_all(pdrift_monitor *m, pdrift__baseline_feature *bf);
void pdrift__unchecked_free(struct pdrift__unchecked *u);
void pdrift__held_file_free(struct pdrift__held_file *h);
/* Swap a freshly built baseline in (b is emptied); the window and the last
 * result belong to the old baseline and go. */
void pdrift__install_baseline(pdrift_monitor *m, pdrift__baseline *b);
/* Autocorrelation time (need_tau) and PSI bins (need_bins) of a feature
 * whose series and sorted values are set. PDRIFT_ENOMEM. */
int pdrift__feature_finish(const pdrift__settings *s, pdrift__baseline_feature *bf, int need_tau,
                           int need_bins);
/* Sharpe, drawdown and win rate of validation returns, with s's periods
 * per year and risk-free rate. */
pdrift__performance pdrift__performance_of(const pdrift__settings *s, const double *r, size_t n);

/* Baseline snapshots (snapshot.c, docs/snapshot.md). */
int pdrift__is_snapshot(const char *path);          /* starts with the snapshot magic */
int pdrift__snapshot_load(pdrift_monitor *m, const char *path);
uint64_t pdrift__snapshot_hash(const void *data, size_t n); /* n a multiple of 8 */

/* Model drift (model.c): the current returns (time order) against the
 * baseline performance. */
void pdrift__model_detect(const pdrift__settings *s, const pdrift__performance *baseline,
                          const double *returns, size_t n, pdrift__model_result *out);

/* Concept drift (concept.c): ADDM on the monitor's error streams, with the
 * latch (updates m->errors). PDRIFT_ENOMEM. */
int pdrift__concept_detect(pdrift_monitor *m, pdrift__concept_result *out);

/* SPEC §6 as a pure function: the overall severity (the maximum), the drift
 * types present, the most severe type (ties: model > concept > data) and
 * the action, with "performance first" when model_holding (model drift
 * monitored with enough returns and ok). */
typedef struct pdrift__verdict_out {
    pdrift_severity severity;
    unsigned drift_types, drift_type;
    pdrift_action action;
} pdrift__verdict_out;

void pdrift__combine(pdrift_severity data, pdrift_severity concept, pdrift_severity model,
                     int model_holding, pdrift__verdict_out *out);

/* Severity, drift types, action and recommendations of a result whose data
 * and model parts are filled (verdict.c, SPEC §6). PDRIFT_ENOMEM. */
int pdrift__verdict(const pdrift_monitor *m, pdrift__result *r);

/* Free a result's memory and mark it invalid. */
void pdrift__result_clear(pdrift__result *r);

/* Render the report of the result in m->result into m->result.json. */
int pdrift__report_render(pdrift_monitor *m);

/* Names used in the report and the CLI. */
const char *pdrift__severity_name(pdrift_severity s);
const char *pdrift__action_name(pdrift_action a);
const char *pdrift__sensitivity_name(pdrift_sensitivity s);
const char *pdrift__drift_type_name(unsigned type);

/* strdup that returns NULL on allocation failure (and for NULL). */
char *pdrift__strdup(const char *s);

#endif
