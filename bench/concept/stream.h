/*
 * stream.h — the deterministic synthetic error streams of the concept-drift
 * harness (docs/concept.md, "Evaluation harness"). Shared by concept_eval.c
 * and concept_monitor.c; header-only.
 *
 * A stream is a reference of REF_N validation errors at BASE_RATE, then live
 * 0/1 errors whose rate follows one of the scenarios below. Random numbers
 * come from splitmix64 (Steele, Lea & Flood 2014) seeded per (seed, part):
 * part 0 draws the reference, part 1 the live uniforms u_1, u_2, ... The
 * live error t is 1 iff u_t < rate(t), and every scenario of one seed uses
 * the same u_t (common random numbers): before the change point all
 * scenarios of a seed are the same stream, and a larger shift can only turn
 * correct predictions into errors, never the reverse.
 */
#ifndef PDRIFT_BENCH_STREAM_H
#define PDRIFT_BENCH_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define REF_N 259       /* reference (validation) errors: 250 smoothed values at k = 10 */
#define BASE_RATE 0.45  /* error rate of the reference and of the live stream before a change */
#define RAMP_LEN 100    /* a gradual change reaches its new rate RAMP_LEN steps after C */

typedef struct splitmix64 {
    uint64_t state;
} splitmix64;

static inline uint64_t sm64_next(splitmix64 *g)
{
    uint64_t z = (g->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The generator of one (seed, part): the state is itself mixed once, so
 * neighbouring seeds give unrelated streams. */
static inline splitmix64 sm64_for(uint64_t seed, uint64_t part)
{
    splitmix64 g;
    g.state = seed * UINT64_C(0xd1342543de82ef95) + part * UINT64_C(0x2545f4914f6cdd1d);
    g.state = sm64_next(&g);
    return g;
}

/* A uniform double in [0, 1) with 53 random bits. */
static inline double sm64_uniform(splitmix64 *g)
{
    return (double)(sm64_next(g) >> 11) * 0x1p-53;
}

/* Shape of the live error rate. */
typedef enum shape {
    SHAPE_NONE = 0,    /* BASE_RATE throughout */
    SHAPE_ABRUPT = 1,  /* BASE_RATE up to C, `to` from live error C + 1 on */
    SHAPE_GRADUAL = 2  /* linear from BASE_RATE at C to `to` at C + RAMP_LEN, then `to` */
} shape;

/* Error rate of live error t (1-based). */
static inline double rate_at(shape sh, size_t change, double to, size_t t)
{
    if (sh == SHAPE_NONE || t <= change)
        return BASE_RATE;
    if (sh == SHAPE_ABRUPT)
        return to;
    size_t into = t - change;
    if (into >= RAMP_LEN)
        return to;
    return BASE_RATE + (to - BASE_RATE) * ((double)into / (double)RAMP_LEN);
}

/* The REF_N reference errors of a seed. */
static inline void make_reference(uint64_t seed, double *ref)
{
    splitmix64 g = sm64_for(seed, 0);
    for (size_t i = 0; i < REF_N; i++)
        ref[i] = sm64_uniform(&g) < BASE_RATE ? 1.0 : 0.0;
}

/* Live errors 1..n of a seed under a scenario, into live[0..n). */
static inline void make_live(uint64_t seed, shape sh, size_t change, double to, size_t n,
                             double *live)
{
    splitmix64 g = sm64_for(seed, 1);
    for (size_t t = 1; t <= n; t++)
        live[t - 1] = sm64_uniform(&g) < rate_at(sh, change, to, t) ? 1.0 : 0.0;
}

/* n errors of a stationary two-state Markov chain with error rate p and
 * lag-1 autocorrelation rho (0 <= rho < 1): after an error the next is one
 * with probability p + rho (1 - p), after a correct prediction with
 * probability p (1 - rho). Parts 2 (reference) and 3 (live) of a seed. */
static inline void make_markov(uint64_t seed, uint64_t part, double p, double rho, size_t n,
                               double *e)
{
    splitmix64 g = sm64_for(seed, part);
    double prev = sm64_uniform(&g) < p ? 1.0 : 0.0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            double q = prev == 1.0 ? p + rho * (1.0 - p) : p * (1.0 - rho);
            prev = sm64_uniform(&g) < q ? 1.0 : 0.0;
        }
        e[i] = prev;
    }
}

#endif /* PDRIFT_BENCH_STREAM_H */
