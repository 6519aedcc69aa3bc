/*
 * concept_monitor.c — the acceptance criterion of the concept-drift issue,
 * run through the public monitor exactly as a user runs it, on fresh seeds
 * (docs/concept.md, "Acceptance criterion"). `make bench-concept` runs it
 * after concept_eval; public API only, linked against the shared library.
 *
 *   concept_monitor [--seeds N] [--threads N] [--sensitivity low|medium|high]
 *                   [--rule mean|occupancy] [--z-drift X] [--z-warning Y]
 *                   [--delta-drift X] [--delta-warning Y]
 *
 * --rule sets PDRIFT_PARAM_ADDM_RULE (without it: the library's default, the
 * mean rule); --z-drift / --z-warning set the mean rule's thresholds,
 * --delta-drift / --delta-warning the occupancy rule's (without them: the
 * sensitivity's presets). The header line names the rule in force and its
 * thresholds, read back from the configuration.
 *
 * Criterion: with a reference of 259 validation errors at 0.45 and a sliding
 * 60-error window, at most 5% of no-change streams may raise DRIFT, and at
 * least 80% of streams whose rate jumps to 0.70 must be caught within 200
 * predictions. A monitor (default configuration unless told otherwise) gets
 * the reference with pdrift_baseline_errors, then one live error at a time
 * with pdrift_observe_errors and pdrift_detect after each; DRIFT is read
 * from PDRIFT_RESULT_CONCEPT_LEVEL (latched). Per seed (seeds from
 * 2 000 000 001 on, disjoint from concept_eval's):
 *   - a no-change stream of 1000 live errors: the first DRIFT, if any, gives
 *     the false share within 250, 500 and 1000 predictions;
 *   - the same stream with the rate jumping to 0.70 after live error 150
 *     (common random numbers: identical to the no-change stream up to 150,
 *     so a stream that fired by then fired early and is not caught; the
 *     others are fed their first 150 errors at once, which leaves the
 *     monitor as it was, and detect after each later error);
 *   - a stream at 0.70 from the first live error (the window fills with
 *     post-change errors only).
 * Caught = first DRIFT within 200 predictions of the jump.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ploutos_drift.h>

#include "stream.h"

#define LEN_NONE 1000
#define CHANGE_AT 150
#define WITHIN 200
#define SEED0 UINT64_C(2000000001)

typedef struct opts {
    int sensitivity;
    int rule;                          /* pdrift_addm_rule, -1: the library's default */
    double z_drift, z_warning;         /* NaN: the preset's */
    double delta_drift, delta_warning; /* NaN: the preset's */
} opts;

typedef struct seed_out {
    int none_first;  /* first DRIFT on the no-change stream, 0 = none */
    int jump150;     /* first DRIFT on the jump-after-150 stream, 0 = none */
    int jump0;       /* first DRIFT on the jump-at-0 stream within WITHIN, 0 = none */
} seed_out;

typedef struct job {
    const opts *o;
    size_t n;
    seed_out *out;
    atomic_size_t next;
    atomic_int failed;
} job;

/* The configuration the options describe (NULL if the library refuses a
 * value). */
static pdrift_config *make_config(const opts *o)
{
    pdrift_config *cfg;
    if (pdrift_config_new(&cfg) != PDRIFT_OK)
        return NULL;
    int rc = pdrift_config_set_int(cfg, PDRIFT_PARAM_SENSITIVITY, o->sensitivity);
    if (rc == PDRIFT_OK && o->rule >= 0)
        rc = pdrift_config_set_int(cfg, PDRIFT_PARAM_ADDM_RULE, o->rule);
    if (rc == PDRIFT_OK && !isnan(o->z_drift))
        rc = pdrift_config_set_double(cfg, PDRIFT_PARAM_ADDM_Z_DRIFT, o->z_drift);
    if (rc == PDRIFT_OK && !isnan(o->z_warning))
        rc = pdrift_config_set_double(cfg, PDRIFT_PARAM_ADDM_Z_WARNING, o->z_warning);
    if (rc == PDRIFT_OK && !isnan(o->delta_drift))
        rc = pdrift_config_set_double(cfg, PDRIFT_PARAM_ADDM_DELTA_DRIFT, o->delta_drift);
    if (rc == PDRIFT_OK && !isnan(o->delta_warning))
        rc = pdrift_config_set_double(cfg, PDRIFT_PARAM_ADDM_DELTA_WARNING, o->delta_warning);
    if (rc != PDRIFT_OK) {
        pdrift_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static pdrift_monitor *new_monitor(const opts *o, const double *ref)
{
    pdrift_monitor *m = NULL;
    pdrift_config *cfg = make_config(o);
    if (cfg == NULL)
        return NULL;
    int rc = pdrift_monitor_new(&m, cfg);
    pdrift_config_free(cfg);
    if (rc != PDRIFT_OK)
        return NULL;
    if (pdrift_baseline_errors(m, ref, REF_N) != PDRIFT_OK) {
        pdrift_monitor_free(m);
        return NULL;
    }
    return m;
}

/* Feed live[from-1 .. to-1] one at a time with a detection after each; the
 * first live error index with DRIFT, 0 if none, -1 on failure. */
static int feed(pdrift_monitor *m, const double *live, size_t from, size_t to)
{
    for (size_t t = from; t <= to; t++) {
        double level;
        if (pdrift_observe_errors(m, live + t - 1, 1) != PDRIFT_OK || pdrift_detect(m) != PDRIFT_OK ||
            pdrift_result_get(m, PDRIFT_RESULT_CONCEPT_LEVEL, &level) != PDRIFT_OK)
            return -1;
        if (level == (double)PDRIFT_LEVEL_DRIFT)
            return (int)t;
    }
    return 0;
}

static int run_seed(const opts *o, uint64_t seed, seed_out *r)
{
    double ref[REF_N], live[LEN_NONE];
    make_reference(seed, ref);

    make_live(seed, SHAPE_NONE, 0, BASE_RATE, LEN_NONE, live);
    pdrift_monitor *m = new_monitor(o, ref);
    if (m == NULL)
        return -1;
    r->none_first = feed(m, live, 1, LEN_NONE);
    pdrift_monitor_free(m);

    if (r->none_first > 0 && r->none_first <= CHANGE_AT)
        r->jump150 = r->none_first; /* the same stream up to the jump: fired early */
    else {
        make_live(seed, SHAPE_ABRUPT, CHANGE_AT, 0.70, CHANGE_AT + WITHIN, live);
        m = new_monitor(o, ref);
        if (m == NULL || pdrift_observe_errors(m, live, CHANGE_AT) != PDRIFT_OK)
            return -1;
        r->jump150 = feed(m, live, CHANGE_AT + 1, CHANGE_AT + WITHIN);
        pdrift_monitor_free(m);
    }

    make_live(seed, SHAPE_ABRUPT, 0, 0.70, WITHIN, live);
    m = new_monitor(o, ref);
    if (m == NULL)
        return -1;
    r->jump0 = feed(m, live, 1, WITHIN);
    pdrift_monitor_free(m);
    return r->none_first < 0 || r->jump150 < 0 || r->jump0 < 0 ? -1 : 0;
}

static void *worker(void *arg)
{
    job *j = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n)
            break;
        if (run_seed(j->o, SEED0 + i, &j->out[i]) != 0)
            atomic_store(&j->failed, 1);
    }
    return NULL;
}

/* Wilson score interval (95%) of k successes in n, in percent. */
static void wilson(size_t k, size_t n, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double p = (double)k / (double)n, nn = (double)n;
    double c = (p + z * z / (2 * nn)) / (1 + z * z / nn);
    double h = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
    *lo = 100.0 * fmax(0.0, c - h);
    *hi = 100.0 * fmin(1.0, c + h);
}

static void usage(void)
{
    fprintf(stderr, "usage: concept_monitor [--seeds N] [--threads N] [--sensitivity low|medium|high]\n"
                    "                       [--rule mean|occupancy] [--z-drift X] [--z-warning Y]\n"
                    "                       [--delta-drift X] [--delta-warning Y]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    opts o = {PDRIFT_SENSITIVITY_MEDIUM, -1, NAN, NAN, NAN, NAN};
    size_t n = 1000;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_threads = ncpu > 0 ? (size_t)ncpu : 1;
    for (int a = 1; a < argc; a += 2) {
        if (a + 1 >= argc)
            usage();
        const char *k = argv[a], *v = argv[a + 1];
        if (strcmp(k, "--seeds") == 0)
            n = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(k, "--threads") == 0)
            n_threads = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(k, "--sensitivity") == 0)
            o.sensitivity = strcmp(v, "low") == 0 ? 0 : strcmp(v, "high") == 0 ? 2
                          : strcmp(v, "medium") == 0 ? 1 : -1;
        else if (strcmp(k, "--rule") == 0) {
            if (strcmp(v, "mean") == 0)
                o.rule = PDRIFT_ADDM_RULE_MEAN;
            else if (strcmp(v, "occupancy") == 0)
                o.rule = PDRIFT_ADDM_RULE_OCCUPANCY;
            else
                usage();
        } else if (strcmp(k, "--z-drift") == 0)
            o.z_drift = strtod(v, NULL);
        else if (strcmp(k, "--z-warning") == 0)
            o.z_warning = strtod(v, NULL);
        else if (strcmp(k, "--delta-drift") == 0)
            o.delta_drift = strtod(v, NULL);
        else if (strcmp(k, "--delta-warning") == 0)
            o.delta_warning = strtod(v, NULL);
        else
            usage();
    }
    if (n == 0 || n_threads == 0 || n_threads > 64 || o.sensitivity < 0)
        usage();

    /* The rule and thresholds the monitor will apply, read back from the
     * configuration. */
    long long rule = -1, def_rule = -1;
    double td = NAN, tw = NAN;
    {
        pdrift_config *cfg;
        if (pdrift_config_new(&cfg) != PDRIFT_OK ||
            pdrift_config_get_int(cfg, PDRIFT_PARAM_ADDM_RULE, &def_rule) != PDRIFT_OK)
            return 1;
        pdrift_config_free(cfg);
        cfg = make_config(&o);
        if (cfg == NULL)
            usage(); /* a value the library refuses */
        int rc = pdrift_config_get_int(cfg, PDRIFT_PARAM_ADDM_RULE, &rule);
        int occ = rule == PDRIFT_ADDM_RULE_OCCUPANCY;
        if (rc == PDRIFT_OK)
            rc = pdrift_config_get_double(cfg, occ ? PDRIFT_PARAM_ADDM_DELTA_DRIFT
                                                   : PDRIFT_PARAM_ADDM_Z_DRIFT, &td);
        if (rc == PDRIFT_OK)
            rc = pdrift_config_get_double(cfg, occ ? PDRIFT_PARAM_ADDM_DELTA_WARNING
                                                   : PDRIFT_PARAM_ADDM_Z_WARNING, &tw);
        pdrift_config_free(cfg);
        if (rc != PDRIFT_OK || (rule != PDRIFT_ADDM_RULE_MEAN && rule != PDRIFT_ADDM_RULE_OCCUPANCY))
            return 1;
    }
    const int occ = rule == PDRIFT_ADDM_RULE_OCCUPANCY;
    /* The rule's own thresholds given explicitly, or the other rule's (no effect). */
    const int own_set = occ ? !isnan(o.delta_drift) || !isnan(o.delta_warning)
                            : !isnan(o.z_drift) || !isnan(o.z_warning);
    const int other_set = occ ? !isnan(o.z_drift) || !isnan(o.z_warning)
                              : !isnan(o.delta_drift) || !isnan(o.delta_warning);

    job j;
    j.o = &o;
    j.n = n;
    j.out = calloc(n, sizeof *j.out);
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
        fprintf(stderr, "concept_monitor: a library call failed\n");
        return 1;
    }

    size_t f[3] = {0, 0, 0}, c150 = 0, e150 = 0, c0 = 0;
    const size_t L[3] = {250, 500, 1000};
    for (size_t i = 0; i < n; i++) {
        const seed_out *r = &j.out[i];
        for (int k = 0; k < 3; k++)
            f[k] += r->none_first > 0 && (size_t)r->none_first <= L[k];
        e150 += r->jump150 > 0 && r->jump150 <= CHANGE_AT;
        c150 += r->jump150 > CHANGE_AT && r->jump150 <= CHANGE_AT + WITHIN;
        c0 += r->jump0 > 0;
    }
    static const char *const sens[3] = {"low", "medium", "high"};
    printf("## Acceptance criterion through the public monitor (bench/concept/concept_monitor.c)\n\n");
    char rule_text[256];
    if (occ)
        snprintf(rule_text, sizeof rule_text,
                 "ADDM occupancy rule of SPEC §4.4 (addm_rule=1%s): DRIFT when the high-error "
                 "regime's occupancy rises by at least delta_DRIFT %.2f (and the tail condition "
                 "holds), WARNING at delta_WARNING %.2f",
                 rule == def_rule ? ", the library's default" : "", td, tw);
    else
        snprintf(rule_text, sizeof rule_text,
                 "ADDM mean rule (addm_rule=0%s): DRIFT when the window's mean-error z >= z_DRIFT "
                 "%.2f, WARNING at z_WARNING %.2f",
                 rule == def_rule ? ", the library's default" : "", td, tw);
    printf("%zu fresh seeds (from %llu), sensitivity %s, %s%s%s; reference 259 errors at 0.45, "
           "window 60, pdrift_detect after every live error, DRIFT latched. 95%% Wilson intervals "
           "in brackets.\n\n", n, (unsigned long long)SEED0, sens[o.sensitivity], rule_text,
           own_set ? " (set explicitly)" : " (library presets)",
           other_set ? (occ ? "; the z thresholds given apply to the mean rule only"
                            : "; the delta thresholds given apply to the occupancy rule only")
                     : "");
    printf("| measure (ADDM %s, %s %.2f / %.2f) | result | criterion | met |\n|---|---|---|---|\n",
           occ ? "occupancy rule" : "mean rule", occ ? "delta" : "z", td, tw);
    for (int k = 0; k < 3; k++) {
        double lo, hi;
        wilson(f[k], n, &lo, &hi);
        printf("| no-change streams with a DRIFT within %zu predictions | %.1f%% [%.1f, %.1f] | "
               "<= 5%% | %s |\n", L[k], 100.0 * (double)f[k] / (double)n, lo, hi,
               100.0 * (double)f[k] / (double)n <= 5.0 ? "yes" : "no");
    }
    double lo, hi;
    wilson(c150, n, &lo, &hi);
    printf("| jump 0.45 -> 0.70 after 150 live errors: caught within %d | %.1f%% [%.1f, %.1f] "
           "(%.1f%% fired before the jump) | >= 80%% | %s |\n", WITHIN,
           100.0 * (double)c150 / (double)n, lo, hi, 100.0 * (double)e150 / (double)n,
           100.0 * (double)c150 / (double)n >= 80.0 ? "yes" : "no");
    wilson(c0, n, &lo, &hi);
    printf("| jump 0.45 -> 0.70 from the first live error: caught within %d | %.1f%% [%.1f, %.1f] "
           "| >= 80%% | %s |\n\n", WITHIN, 100.0 * (double)c0 / (double)n, lo, hi,
           100.0 * (double)c0 / (double)n >= 80.0 ? "yes" : "no");
    free(j.out);
    return 0;
}
