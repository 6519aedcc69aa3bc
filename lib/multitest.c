/*
 * multitest.c — multiple-testing corrections of p-values (SPEC §3.5).
 *
 * With one KS test per feature, a 50-feature model would see a "significant"
 * feature in most calm periods at alpha = 0.05. The default, Benjamini and
 * Hochberg's (1995) step-up procedure, bounds the expected share of false
 * alarms among the drifted features; Bonferroni and Holm (1979) bound the
 * chance of any false alarm. The results equal R's p.adjust and statsmodels'
 * multipletests for the same methods.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

typedef struct {
    double p;
    size_t index;
} ranked_pvalue;

/* Ascending p; ties by position, so the order (and the result) is unique. */
static int by_pvalue(const void *a, const void *b)
{
    const ranked_pvalue *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static double at_most_one(double v)
{
    return v < 1.0 ? v : 1.0;
}

int pdrift__adjust_pvalues(const double *p, size_t m, pdrift_correction method, double *adjusted)
{
    if (method != PDRIFT_CORRECTION_BH && method != PDRIFT_CORRECTION_NONE &&
        method != PDRIFT_CORRECTION_BONFERRONI && method != PDRIFT_CORRECTION_HOLM)
        return PDRIFT_EINVAL;
    if (m == 0)
        return PDRIFT_OK;
    if (m > SIZE_MAX / sizeof(ranked_pvalue))
        return PDRIFT_ENOMEM;
    ranked_pvalue *r = malloc(m * sizeof *r);
    if (r == NULL)
        return PDRIFT_ENOMEM;

    size_t k = 0; /* the tests: entries that are not NaN */
    for (size_t i = 0; i < m; i++)
        if (!isnan(p[i]))
            r[k++] = (ranked_pvalue){p[i], i};
    qsort(r, k, sizeof *r, by_pvalue);
    const double n_tests = (double)k;

    switch (method) {
    case PDRIFT_CORRECTION_NONE:
        break;
    case PDRIFT_CORRECTION_BONFERRONI:
        for (size_t i = 0; i < k; i++)
            r[i].p = at_most_one(n_tests * r[i].p);
        break;
    case PDRIFT_CORRECTION_HOLM: { /* a_(i) = max_{j<=i} min(1, (m - j + 1) p_(j)) */
        double running = 0.0;
        for (size_t i = 0; i < k; i++) {
            double a = at_most_one((n_tests - (double)i) * r[i].p);
            if (a > running)
                running = a;
            r[i].p = running;
        }
        break;
    }
    case PDRIFT_CORRECTION_BH: { /* a_(i) = min_{j>=i} min(1, p_(j) m / j) */
        double running = 1.0;
        for (size_t i = k; i-- > 0;) {
            /* m / j >= 1 first: then rounding cannot take a below p (R's order) */
            double a = at_most_one(r[i].p * (n_tests / (double)(i + 1)));
            if (a < running)
                running = a;
            r[i].p = running;
        }
        break;
    }
    }

    if (adjusted != p)
        for (size_t i = 0; i < m; i++)
            adjusted[i] = NAN;
    else
        for (size_t i = 0; i < m; i++)
            if (!isnan(p[i]))
                adjusted[i] = NAN; /* every test is rewritten below */
    for (size_t i = 0; i < k; i++)
        adjusted[r[i].index] = r[i].p;
    free(r);
    return PDRIFT_OK;
}
