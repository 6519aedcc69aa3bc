/*
 * ddm.c — DDM, the drift detection method, on a stream of 0/1 prediction
 * errors (pdrift_ddm_*).
 *
 * Reference
 *   J. Gama, P. Medas, G. Castillo, P. Rodrigues (2004), "Learning with
 *   drift detection", Advances in Artificial Intelligence – SBIA 2004,
 *   LNCS 3171, 286–295, §3.
 *
 * Definition implemented. After i predictions since the last (re)start, of
 * which e_i were errors,
 *
 *   p_i = e_i / i,          s_i = sqrt(p_i (1 − p_i) / i)
 *
 * (the binomial error rate and its standard deviation). The detector keeps
 * (p_min, s_min), the pair at which p_i + s_i was smallest: it is replaced
 * when p_i + s_i < p_min + s_min (strictly, as in the paper). Then
 *
 *   i < warmup                                    INSUFFICIENT
 *   p_i + s_i >= p_min + drift_sigmas   · s_min   DRIFT
 *   p_i + s_i >= p_min + warning_sigmas · s_min   WARNING
 *   otherwise                                     NONE
 *
 * with the paper's >= and, as the usual arguments, its 2 and 3 sigmas (its
 * 95% and 99% confidence levels). Updates 1 .. warmup − 1 answer
 * INSUFFICIENT; update number `warmup` is the first to decide, on `warmup`
 * predictions (the paper decides only after 30 examples, when the normal
 * approximation of the binomial is reasonable). The minimum is tracked only
 * from that update on: p_i and s_i of the first few predictions are too
 * noisy to serve as the reference, and letting them set it would make a
 * later, well-estimated rate look like a rise (MOA, scikit-multiflow and
 * river track it after the warm-up too).
 *
 * On DRIFT the update returns DRIFT and the detector restarts: the paper
 * relearns the model from the examples since the warning and starts the
 * detection afresh, so the next prediction is prediction 1 of a new stream
 * (and INSUFFICIENT again until the warm-up is over).
 *
 * The degenerate start. While the model has made no error (or nothing but
 * errors), p_i is 0 (or 1) and s_i = 0. Taken literally the paper would
 * record p_min + s_min = 0 + 0, and the first error after a run of correct
 * predictions would give p_i + s_i > 0 = p_min + 3 · s_min: a DRIFT from a
 * single error, however long the error-free run. scikit-multiflow has
 * exactly this behaviour (its >= even fires on the error-free stream itself,
 * 0 >= 0), and river, which starts p_min + s_min at +inf and uses >, still
 * fires on the first error. Here a pair (p_i, s_i) becomes the reference
 * only if s_i > 0, i.e. once the stream has seen both an error and a
 * correct prediction; until then there is no reference (p_min + s_min is
 * +inf) and the decision after the warm-up is NONE — nothing has changed as
 * far as the detector can measure. The first error after a perfect run then
 * sets the reference (p = 1/i, s = sqrt((i − 1) / i³)) instead of raising an
 * alarm, and a real rise of the error rate is judged against it as usual.
 * Since s_min > 0 is then guaranteed, a new minimum (p_i + s_i = p_min +
 * s_min) is never an alarm when warning_sigmas > 1, as with the usual 2;
 * a caller choosing warning_sigmas <= 1 gets the rule as written.
 *
 * Counting errors as an integer keeps p_i exact at every step (no drift of a
 * running average over millions of updates). No I/O, no global state; a
 * detector must not be used by two threads at once.
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

struct pdrift_ddm {
    size_t warmup;          /* first update that decides */
    double warning_sigmas;  /* WARNING at p_min + warning_sigmas · s_min */
    double drift_sigmas;    /* DRIFT at p_min + drift_sigmas · s_min */
    size_t n;               /* predictions since the last (re)start */
    size_t errors;          /* errors among them */
    int has_reference;      /* (p_min, s_min) recorded, with s_min > 0 */
    double p_min, s_min;
};

static void restart(pdrift_ddm *d)
{
    d->n = 0;
    d->errors = 0;
    d->has_reference = 0;
    d->p_min = HUGE_VAL; /* no reference yet: p_min + s_min = +inf */
    d->s_min = HUGE_VAL;
}

int pdrift_ddm_new(pdrift_ddm **out, size_t warmup, double warning_sigmas, double drift_sigmas)
{
    if (out == NULL || warmup < 1)
        return PDRIFT_EINVAL;
    if (!isfinite(warning_sigmas) || !(warning_sigmas > 0.0))
        return PDRIFT_EINVAL;
    if (!isfinite(drift_sigmas) || !(drift_sigmas > warning_sigmas))
        return PDRIFT_EINVAL;
    pdrift_ddm *d = malloc(sizeof *d);
    if (d == NULL)
        return PDRIFT_ENOMEM;
    d->warmup = warmup;
    d->warning_sigmas = warning_sigmas;
    d->drift_sigmas = drift_sigmas;
    restart(d);
    *out = d;
    return PDRIFT_OK;
}

/* The decision once the warm-up is over, for the current p_i and s_i. */
static pdrift_level decide(pdrift_ddm *d, double p, double s)
{
    if (s > 0.0 && (!d->has_reference || p + s < d->p_min + d->s_min)) {
        d->p_min = p;
        d->s_min = s;
        d->has_reference = 1;
    }
    if (!d->has_reference)
        return PDRIFT_LEVEL_NONE;
    if (p + s >= d->p_min + d->drift_sigmas * d->s_min)
        return PDRIFT_LEVEL_DRIFT;
    if (p + s >= d->p_min + d->warning_sigmas * d->s_min)
        return PDRIFT_LEVEL_WARNING;
    return PDRIFT_LEVEL_NONE;
}

int pdrift_ddm_update(pdrift_ddm *d, double error, pdrift_level *level)
{
    if (d == NULL || level == NULL)
        return PDRIFT_EINVAL;
    if (error != 0.0 && error != 1.0) /* also rejects NaN */
        return PDRIFT_EINVAL;

    d->n++;
    if (error == 1.0)
        d->errors++;
    double count = (double)d->n;
    double p = (double)d->errors / count;
    double s = sqrt(p * (1.0 - p) / count);

    pdrift_level decision = d->n < d->warmup ? PDRIFT_LEVEL_INSUFFICIENT : decide(d, p, s);
    if (decision == PDRIFT_LEVEL_DRIFT)
        restart(d);
    *level = decision;
    return PDRIFT_OK;
}

void pdrift_ddm_reset(pdrift_ddm *d)
{
    if (d != NULL)
        restart(d);
}

void pdrift_ddm_free(pdrift_ddm *d)
{
    free(d);
}
