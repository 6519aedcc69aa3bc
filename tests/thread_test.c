/*
 * thread_test.c — the threading promise (include/ploutos_drift.h): monitors
 * used from different threads at once are independent, and the stateless
 * functions are safe to call concurrently on shared input. Built and run
 * with -fsanitize=thread by `make check-tsan` (any data race fails it), and
 * run plainly by `make check` as a results check: every thread's numbers
 * must equal those of the same work done alone first.
 *
 *   thread_test [threads] [rounds]
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ploutos_drift.h>

enum { NF = 3, NB = 2000, NC = 400, NR = 300 };
static const char *const NAMES[NF] = {"a", "b", "c"};

/* Shared, read-only after main() fills them. */
static double base_rows[NB * NF], cur_rows[NC * NF], returns[NR], errors_ref[NR], errors_live[NR];
static double x[NB], y[NC];

typedef struct outcome {
    double ks_d, ks_p, psi, psi_p, kstwo, sharpe, addm_w;
    pdrift_level addm_level;
    pdrift_severity severity;
    pdrift_action action;
    double feature_psi[NF], feature_p[NF];
    size_t report_len;
    int failed;
} outcome;

static uint64_t rng = 12345;
static double uniform(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) * 0x1p-53;
}

/* The whole library surface a bot and a training script use. */
static void work(int variant, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->failed |= pdrift_ks_2samp(x, NB, y, NC, PDRIFT_KS_AUTO, &o->ks_d, &o->ks_p) != PDRIFT_OK;
    o->failed |= pdrift_psi(x, NB, y, NC, 10, &o->psi, &o->psi_p) != PDRIFT_OK;
    o->kstwo = pdrift_kstwo_sf(0.05, 300.0 + variant);
    o->failed |= pdrift_sharpe(returns, NR, 252.0, &o->sharpe) != PDRIFT_OK;
    o->failed |= pdrift_addm(errors_ref, NR, errors_live, 80, &o->addm_level, &o->addm_w) != PDRIFT_OK;

    pdrift_config *c;
    pdrift_monitor *m;
    if (pdrift_config_new(&c) != PDRIFT_OK) {
        o->failed = 1;
        return;
    }
    pdrift_config_set_int(c, PDRIFT_PARAM_SENSITIVITY, variant % 3);
    pdrift_config_set_int(c, PDRIFT_PARAM_SERIAL_CORRECTION, 1);
    if (pdrift_monitor_new(&m, c) != PDRIFT_OK) {
        pdrift_config_free(c);
        o->failed = 1;
        return;
    }
    pdrift_config_free(c);
    o->failed |= pdrift_monitor_set_model(m, "thread") != PDRIFT_OK;
    o->failed |= pdrift_baseline_set(m, NAMES, NF, base_rows, NB) != PDRIFT_OK;
    o->failed |= pdrift_baseline_returns(m, returns, NR) != PDRIFT_OK;
    o->failed |= pdrift_baseline_errors(m, errors_ref, NR) != PDRIFT_OK;
    o->failed |= pdrift_observe_batch(m, cur_rows, NC) != PDRIFT_OK;
    o->failed |= pdrift_observe_returns(m, returns, 100) != PDRIFT_OK;
    o->failed |= pdrift_observe_errors(m, errors_live, 120) != PDRIFT_OK;
    for (int rep = 0; rep < 2; rep++) /* the second detect reuses the calibration */
        o->failed |= pdrift_detect(m) != PDRIFT_OK;
    pdrift_result_severity(m, &o->severity);
    pdrift_result_action(m, &o->action);
    for (size_t f = 0; f < NF; f++) {
        pdrift_result_feature(m, f, PDRIFT_FEATURE_PSI, &o->feature_psi[f]);
        pdrift_result_feature(m, f, PDRIFT_FEATURE_KS_PVALUE_ADJUSTED, &o->feature_p[f]);
    }
    o->failed |= pdrift_report_json(m, NULL, 0, &o->report_len) != PDRIFT_ENOBUFS;
    pdrift_monitor_free(m);
}

static int same(const outcome *a, const outcome *b)
{
    /* NaN-safe bitwise comparison of the numbers that matter */
    return memcmp(&a->ks_d, &b->ks_d, sizeof(double) * 7) == 0 && a->addm_level == b->addm_level &&
           a->severity == b->severity && a->action == b->action &&
           memcmp(a->feature_psi, b->feature_psi, sizeof a->feature_psi) == 0 &&
           memcmp(a->feature_p, b->feature_p, sizeof a->feature_p) == 0 && !a->failed && !b->failed;
}

typedef struct job {
    int variant, rounds;
    const outcome *expected;
    int mismatches;
} job;

static void *thread_main(void *arg)
{
    job *j = arg;
    for (int r = 0; r < j->rounds; r++) {
        outcome o;
        work(j->variant, &o);
        /* report_len includes generated_at, which may tick: not compared */
        j->mismatches += !same(&o, j->expected);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4, rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (threads < 1 || threads > 64 || rounds < 1)
        return 2;
    double ar = 0.0;
    for (size_t i = 0; i < NB; i++) {
        ar = 0.8 * ar + uniform();
        base_rows[i * NF + 0] = ar;
        base_rows[i * NF + 1] = uniform();
        base_rows[i * NF + 2] = floor(uniform() * 5);
        x[i] = uniform();
    }
    for (size_t i = 0; i < NC; i++) {
        ar = 0.8 * ar + uniform();
        cur_rows[i * NF + 0] = ar + 0.3;
        cur_rows[i * NF + 1] = uniform();
        cur_rows[i * NF + 2] = floor(uniform() * 6);
        y[i] = uniform() * 1.1;
    }
    for (size_t i = 0; i < NR; i++) {
        returns[i] = 0.01 * (uniform() - 0.48);
        errors_ref[i] = uniform() < 0.45;
        errors_live[i] = uniform() < 0.75;
    }
    /* Each variant done alone first: the expected outcome. */
    outcome expected[3];
    for (int v = 0; v < 3; v++) {
        work(v, &expected[v]);
        if (expected[v].failed) {
            fprintf(stderr, "thread_test: variant %d fails even alone\n", v);
            return 1;
        }
    }
    pthread_t tid[64];
    job jobs[64];
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){t % 3, rounds, &expected[t % 3], 0};
        if (pthread_create(&tid[t], NULL, thread_main, &jobs[t]) != 0) {
            fprintf(stderr, "thread_test: cannot start thread %d\n", t);
            return 1;
        }
    }
    int mismatches = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        mismatches += jobs[t].mismatches;
    }
    printf("thread_test: %d threads x %d rounds, one monitor each and the stateless functions shared: "
           "%d results differ from the same work done alone\n", threads, rounds, mismatches);
    return mismatches == 0 ? 0 : 1;
}
