/*
 * concept.c — concept drift in the monitor: ADDM on the reference errors and
 * the latest live errors, and a verdict that holds while the problem lasts.
 *
 * A 60-error window sits near ADDM's detection limit, so its decision
 * flickers from one detection to the next (SPEC §4.7: the golden stream
 * falls back from DRIFT to WARNING once the window holds only post-change
 * errors). The monitor therefore latches: after DRIFT, concept drift stays
 * DRIFT, with the number of live errors at which it fired, until the
 * reference errors are replaced (a retrained model) or the window is reset.
 */
#include <math.h>
#include <stdlib.h>

#include "monitor.h"

/* Concept severity (SPEC §4.5): WARNING is low; DRIFT is high when the
 * severity weight reaches one half, medium below. */
static pdrift_severity severity_of(pdrift_level level, double weight)
{
    if (level == PDRIFT_LEVEL_WARNING)
        return PDRIFT_SEVERITY_LOW;
    if (level == PDRIFT_LEVEL_DRIFT)
        return weight >= 0.5 ? PDRIFT_SEVERITY_HIGH : PDRIFT_SEVERITY_MEDIUM;
    return PDRIFT_SEVERITY_NONE;
}

int pdrift__concept_detect(pdrift_monitor *m, pdrift__concept_result *out)
{
    pdrift__errors *e = &m->errors;
    pdrift__concept_result r;
    r.status = PDRIFT_CHECK_NOT_MONITORED;
    r.severity = PDRIFT_SEVERITY_NONE;
    r.level = r.current_level = PDRIFT_LEVEL_NONE;
    r.severity_weight = 0.0;
    r.n_reference = e->n_reference;
    r.n_live = e->live.n_rows;
    r.n_seen = e->n_seen;
    r.latched = 0;
    r.fired_at = 0;
    r.addm_ran = 0;

    if (e->n_reference == 0 && e->live.n_rows == 0) {
        *out = r;
        return PDRIFT_OK;
    }
    if (e->n_reference == 0) { /* live errors but nothing to compare with */
        r.status = PDRIFT_CHECK_INSUFFICIENT;
        r.level = r.current_level = PDRIFT_LEVEL_INSUFFICIENT;
        *out = r;
        return PDRIFT_OK;
    }

    /* The live errors in time order (the ring holds the latest w + k - 1). */
    const pdrift__window *w = &e->live;
    double *live = malloc((w->n_rows ? w->n_rows : 1) * sizeof *live);
    if (live == NULL)
        return PDRIFT_ENOMEM;
    for (size_t i = 0; i < w->n_rows; i++)
        live[i] = w->rows[(w->start + i) % w->capacity];
    int rc = PDRIFT_OK;
    if (w->n_rows == 0) {
        r.addm.level = PDRIFT_LEVEL_INSUFFICIENT;
        r.addm.severity_weight = 0.0;
    } else {
        rc = pdrift__addm(e->reference, e->n_reference, live, w->n_rows, &m->settings.addm, &r.addm);
        r.addm_ran = rc == PDRIFT_OK;
    }
    free(live);
    if (rc != PDRIFT_OK)
        return rc;

    r.current_level = r.addm.level;
    if (!e->latched && r.current_level == PDRIFT_LEVEL_DRIFT) {
        e->latched = 1;
        e->fired_at = e->n_seen;
        e->fired_weight = r.addm.severity_weight;
    }
    if (e->latched) {
        /* The weight is the largest seen on a DRIFT since the alarm: the
         * blend the operator was told never weakens while the problem lasts. */
        if (r.current_level == PDRIFT_LEVEL_DRIFT && r.addm.severity_weight > e->fired_weight)
            e->fired_weight = r.addm.severity_weight;
        r.level = PDRIFT_LEVEL_DRIFT;
        r.latched = 1;
        r.fired_at = e->fired_at;
        r.severity_weight = e->fired_weight;
    } else {
        r.level = r.current_level;
        r.severity_weight = r.addm.severity_weight;
    }
    switch (r.level) {
    case PDRIFT_LEVEL_NONE: r.status = PDRIFT_CHECK_OK; break;
    case PDRIFT_LEVEL_WARNING: r.status = PDRIFT_CHECK_WARNING; break;
    case PDRIFT_LEVEL_DRIFT: r.status = PDRIFT_CHECK_DRIFT; break;
    case PDRIFT_LEVEL_INSUFFICIENT: r.status = PDRIFT_CHECK_INSUFFICIENT; break;
    }
    r.severity = severity_of(r.level, r.severity_weight);
    *out = r;
    return PDRIFT_OK;
}
