/*
 * page_hinkley.c — the two-sided Page–Hinkley test for a change in the mean
 * of a stream (pdrift_page_hinkley_*).
 *
 * References
 *   E. S. Page (1954), "Continuous inspection schemes", Biometrika 41(1/2),
 *   100–115 — the cumulative-sum scheme.
 *   D. V. Hinkley (1971), "Inference about the change-point from
 *   cumulative sum tests", Biometrika 58(3), 509–523.
 *   J. Gama, R. Sebastião, P. P. Rodrigues (2013), "On evaluating stream
 *   learning algorithms", Machine Learning 90(3), 317–346, §5.1; and
 *   J. Gama, I. Žliobaitė, A. Bifet, M. Pechenizkiy, A. Bouchachia (2014),
 *   "A survey on concept drift adaptation", ACM Computing Surveys 46(4) —
 *   the test as used for concept drift (no forgetting factor here).
 *
 * Definition implemented. Observations x_1, x_2, ... since the last
 * (re)start; x̄_i = (x_1 + ... + x_i) / i is the running mean INCLUDING x_i.
 *
 *   increase:  m+_t = Σ_{i<=t} (x_i − x̄_i − δ),   M+_t = min_{i<=t} m+_i,
 *              PH+_t = m+_t − M+_t
 *   decrease:  m−_t = Σ_{i<=t} (x̄_i − x_i − δ),   M−_t = min_{i<=t} m−_i,
 *              PH−_t = m−_t − M−_t
 *
 * The decrease side is the increase side applied to −x; it equals the
 * textbook form U_t = Σ (x_i − x̄_i + δ), PH−_t = max_{i<=t} U_i − U_t, since
 * m−_t = −U_t. The statistic is PH_t = max(PH+_t, PH−_t) and the decision
 *
 *   DRIFT    if PH_t > λ,
 *   WARNING  if PH_t > λ / 2 (and not DRIFT),
 *   NONE     otherwise.
 *
 * On DRIFT the update returns DRIFT and the detector restarts: the next
 * observation is x_1 of a fresh stream (as Gama et al. restart after a
 * detection). There is no warm-up: the header promises NONE, WARNING or
 * DRIFT only, and with the mean-first choice below the first observations
 * cannot raise an alarm by themselves.
 *
 * Why the mean is updated BEFORE the deviation is taken (x̄_i includes x_i):
 *  - x̄_i in the definition is the mean of the observations up to i, and
 *    that includes x_i; updating afterwards would compare x_i with x̄_{i−1}
 *    and need an arbitrary x̄_0 for the very first observation;
 *  - so the first deviation is exactly x_1 − x̄_1 − δ = −δ: the first value
 *    of a stream, whatever its level, contributes nothing but the drift −δ
 *    (no alarm because a stream does not start at 0);
 *  - it is the choice of the common implementations (MOA, scikit-multiflow,
 *    river), so thresholds tuned there carry over. The price is that a jump
 *    is seen damped by (i − 1) / i, which matters only in the first few
 *    observations after a (re)start.
 *
 * Computation. With m_0 = 0, m_1 = −δ < m_0, so including m_0 in the
 * minimum changes nothing, and
 *   PH_t = m_t − min(M_{t−1}, m_t) = max(0, PH_{t−1} + (m_t − m_{t−1})):
 * the CUSUM recursion. It is what we store: m_t itself drifts like −δ·t
 * and m_t − M_t would lose precision to cancellation on long streams; the
 * recursion keeps two bounded numbers. The running mean is updated as
 * x̄ + (x/i − x̄/i), which cannot overflow for finite inputs (each term is
 * at most DBL_MAX/i in size). A deviation may still overflow to ±inf on
 * inputs near ±DBL_MAX; +inf exceeds λ and restarts the detector, −inf is
 * floored at 0, so no NaN can enter the state.
 *
 * No I/O, no global state; a detector must not be used by two threads at
 * once, distinct detectors are independent.
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

struct pdrift_page_hinkley {
    double delta;    /* δ: magnitude of changes tolerated */
    double lambda;   /* λ: DRIFT threshold; WARNING at λ / 2 */
    size_t n;        /* observations since the last (re)start */
    double mean;     /* x̄_n */
    double ph_up;    /* PH+_n = m+_n − M+_n, >= 0 */
    double ph_down;  /* PH−_n = m−_n − M−_n, >= 0 */
};

static void restart(pdrift_page_hinkley *d)
{
    d->n = 0;
    d->mean = 0.0;
    d->ph_up = 0.0;
    d->ph_down = 0.0;
}

static int valid_threshold(double v)
{
    return isfinite(v) && v > 0.0;
}

int pdrift_page_hinkley_new(pdrift_page_hinkley **out, double delta, double lambda)
{
    if (out == NULL || !valid_threshold(delta) || !valid_threshold(lambda))
        return PDRIFT_EINVAL;
    pdrift_page_hinkley *d = malloc(sizeof *d);
    if (d == NULL)
        return PDRIFT_ENOMEM;
    d->delta = delta;
    d->lambda = lambda;
    restart(d);
    *out = d;
    return PDRIFT_OK;
}

/* x̄_n after x joined the n − 1 values whose mean is `mean`. */
static double running_mean(double mean, double x, size_t n)
{
    if (n == 1)
        return x;
    double count = (double)n;
    return mean + (x / count - mean / count);
}

int pdrift_page_hinkley_update(pdrift_page_hinkley *d, double x, pdrift_level *level)
{
    if (d == NULL || level == NULL)
        return PDRIFT_EINVAL;
    if (!isfinite(x))
        return PDRIFT_EDATA;

    d->n++;
    d->mean = running_mean(d->mean, x, d->n);
    double deviation = x - d->mean;
    d->ph_up = fmax(0.0, d->ph_up + (deviation - d->delta));
    d->ph_down = fmax(0.0, d->ph_down + (-deviation - d->delta));

    double ph = fmax(d->ph_up, d->ph_down);
    if (ph > d->lambda) {
        restart(d);
        *level = PDRIFT_LEVEL_DRIFT;
    } else if (ph > d->lambda / 2.0) {
        *level = PDRIFT_LEVEL_WARNING;
    } else {
        *level = PDRIFT_LEVEL_NONE;
    }
    return PDRIFT_OK;
}

void pdrift_page_hinkley_reset(pdrift_page_hinkley *d)
{
    if (d != NULL)
        restart(d);
}

void pdrift_page_hinkley_free(pdrift_page_hinkley *d)
{
    free(d);
}
