/*
 * fuzz_config.c — the parameter setters, then a monitor built from the
 * result and a small detection.
 *
 * Input: a sequence of setter calls, each
 *   byte: the parameter (one of the known ones; from 240 up, an unknown id)
 *   byte: bit 0 the setter (0 int, 1 double), bits 1-2 how the value is made:
 *         0 raw (eight bytes, a long long or a double bit for bit), 1 a small
 *         number, 2 inside the bounds, 3 just at or just beyond a bound
 *   then the bytes of the value.
 *
 * Checked for every call, against pdrift_param_bounds only (not the
 * implementation's table): the wrong setter or an unknown parameter is
 * PDRIFT_EPARAM, a value inside the closed bounds is accepted, anything else
 * (NaN included) is PDRIFT_ERANGE; an accepted value reads back exactly; an
 * explicit value survives every later change of sensitivity; names map back
 * to their parameter. Then a monitor is built from the config and runs one
 * detection on fixed data (features, returns, errors), which must pass
 * fuzz_check_detection.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

enum { MAX_PARAMS = 128, PARAM_IDS = 1000 };

typedef struct known {
    pdrift_param id;
    pdrift_param_type type;
    double lo, hi;
    int explicit_set;  /* set successfully: must read back as `value` */
    long long ivalue;
    double dvalue;
} known;

static known params[MAX_PARAMS];
static size_t n_params;

/* The known parameters, found through the public bounds query. */
static void discover(void)
{
    if (n_params > 0)
        return;
    for (int id = 0; id < PARAM_IDS && n_params < MAX_PARAMS; id++) {
        known k;
        memset(&k, 0, sizeof k);
        if (pdrift_param_bounds((pdrift_param)id, &k.type, &k.lo, &k.hi) != PDRIFT_OK) {
            FUZZ_ASSERT(pdrift_param_name((pdrift_param)id) == NULL);
            continue;
        }
        FUZZ_ASSERT(k.type == PDRIFT_PARAM_TYPE_INT || k.type == PDRIFT_PARAM_TYPE_DOUBLE);
        FUZZ_ASSERT(k.lo <= k.hi);
        const char *name = pdrift_param_name((pdrift_param)id);
        FUZZ_ASSERT(name != NULL && name[0] != '\0');
        pdrift_param back;
        FUZZ_ASSERT(pdrift_param_from_name(name, &back) == PDRIFT_OK && back == (pdrift_param)id);
        k.id = (pdrift_param)id;
        params[n_params++] = k;
    }
    FUZZ_ASSERT(n_params > 10);
}

static long long int_value(fuzz_input *in, unsigned how, const known *k)
{
    switch (how) {
    case 0:
        return (long long)fuzz_u64(in);
    case 1:
        return (long long)(int8_t)fuzz_u8(in);
    case 2: {
        double span = k->hi - k->lo + 1.0;
        uint64_t u = fuzz_u64(in);
        return (long long)k->lo + (long long)(span < 1e18 ? u % (uint64_t)span : u >> 8);
    }
    default: {
        uint8_t b = fuzz_u8(in);
        long long edge = (long long)(b & 1 ? k->hi : k->lo);
        return edge + (b & 2 ? (b & 1 ? 1 : -1) : 0);
    }
    }
}

static double double_value(fuzz_input *in, unsigned how, const known *k)
{
    switch (how) {
    case 0:
        return fuzz_weird_f64(in);
    case 1:
        return (double)(int8_t)fuzz_u8(in) / 16.0;
    case 2:
        return k->lo + (double)(fuzz_u64(in) >> 11) * 0x1p-53 * (k->hi - k->lo);
    default: {
        uint8_t b = fuzz_u8(in);
        double edge = b & 1 ? k->hi : k->lo;
        return b & 2 ? nextafter(edge, b & 1 ? INFINITY : -INFINITY) : edge;
    }
    }
}

static void check_explicit(const pdrift_config *c)
{
    for (size_t i = 0; i < n_params; i++) {
        const known *k = &params[i];
        if (!k->explicit_set)
            continue;
        if (k->type == PDRIFT_PARAM_TYPE_INT) {
            long long v = 0;
            FUZZ_ASSERT(pdrift_config_get_int(c, k->id, &v) == PDRIFT_OK && v == k->ivalue);
        } else {
            double v = NAN;
            FUZZ_ASSERT(pdrift_config_get_double(c, k->id, &v) == PDRIFT_OK && v == k->dvalue);
        }
    }
}

/* Fixed data: a baseline, a shifted window, returns and errors. */
static void detect_with(const pdrift_config *c)
{
    static const char *const names[] = {"close_ret", "volume z", "spread"};
    enum { NB = 90, NC = 45, NR = 40, NE = 120 };
    double base[NB * 3], cur[NC * 3], returns[NR], errors[NE];
    for (size_t i = 0; i < NB; i++) {
        base[i * 3] = sin((double)i * 0.9);
        base[i * 3 + 1] = (double)(i % 6);
        base[i * 3 + 2] = i % 10 == 0 ? NAN : cos((double)i) * 0.1;
    }
    for (size_t i = 0; i < NC; i++) {
        cur[i * 3] = sin((double)i * 0.9) + 0.5;
        cur[i * 3 + 1] = (double)(i % 4);
        cur[i * 3 + 2] = cos((double)i) * 0.1;
    }
    for (size_t i = 0; i < NR; i++)
        returns[i] = 0.01 * sin((double)i * 2.1) + (i < NR / 2 ? 0.002 : -0.004);
    for (size_t i = 0; i < NE; i++)
        errors[i] = (double)(i % 3 == 0 || (i > NE / 2 && i % 2 == 0));

    pdrift_monitor *m = NULL;
    FUZZ_ASSERT(pdrift_monitor_new(&m, c) == PDRIFT_OK);
    long long reject = 0;
    FUZZ_ASSERT(pdrift_config_get_int(c, PDRIFT_PARAM_NAN_POLICY, &reject) == PDRIFT_OK);
    int rc = pdrift_baseline_set(m, names, 3, base, NB);
    /* a NaN in the baseline is refused exactly under the reject policy */
    FUZZ_ASSERT(rc == (reject == PDRIFT_NAN_REJECT ? PDRIFT_EDATA : PDRIFT_OK));
    if (rc != PDRIFT_OK) {
        for (size_t i = 0; i < NB; i++)
            base[i * 3 + 2] = cos((double)i) * 0.1;
        FUZZ_ASSERT(pdrift_baseline_set(m, names, 3, base, NB) == PDRIFT_OK);
    }
    FUZZ_ASSERT(pdrift_observe_batch(m, cur, NC) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_baseline_returns(m, returns, NR / 2) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_observe_returns(m, returns + NR / 2, NR - NR / 2) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_baseline_errors(m, errors, NE / 2) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_observe_errors(m, errors + NE / 2, NE - NE / 2) == PDRIFT_OK);
    FUZZ_ASSERT(pdrift_detect(m) == PDRIFT_OK);
    fuzz_check_detection(m);
    pdrift_monitor_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    discover();
    for (size_t i = 0; i < n_params; i++)
        params[i].explicit_set = 0;
    fuzz_input in = {data, size};
    pdrift_config *c = NULL;
    FUZZ_ASSERT(pdrift_config_new(&c) == PDRIFT_OK);
    for (int calls = 0; in.n > 0 && calls < 64; calls++) {
        uint8_t which = fuzz_u8(&in);
        uint8_t how = fuzz_u8(&in);
        int as_double = how & 1;
        unsigned make = (how >> 1) & 3u;
        if (which >= 240) { /* an unknown parameter id, or one of the right family */
            pdrift_param bogus = (pdrift_param)(which == 255 ? -1 : (int)which * 7 + 500);
            if (pdrift_param_bounds(bogus, NULL, NULL, NULL) == PDRIFT_OK)
                continue;
            FUZZ_ASSERT(pdrift_config_set_int(c, bogus, 1) == PDRIFT_EPARAM);
            FUZZ_ASSERT(pdrift_config_set_double(c, bogus, 0.5) == PDRIFT_EPARAM);
            long long li;
            double ld;
            FUZZ_ASSERT(pdrift_config_get_int(c, bogus, &li) == PDRIFT_EPARAM);
            FUZZ_ASSERT(pdrift_config_get_double(c, bogus, &ld) == PDRIFT_EPARAM);
            continue;
        }
        known *k = &params[which % n_params];
        if (!as_double) {
            long long v = int_value(&in, make, k);
            int rc = pdrift_config_set_int(c, k->id, v);
            if (k->type != PDRIFT_PARAM_TYPE_INT) {
                FUZZ_ASSERT(rc == PDRIFT_EPARAM);
                continue;
            }
            int inside = (double)v >= k->lo && (double)v <= k->hi;
            if (rc != (inside ? PDRIFT_OK : PDRIFT_ERANGE))
                fprintf(stderr, "%s = %lld: %d (bounds [%.17g, %.17g])\n", pdrift_param_name(k->id),
                        v, rc, k->lo, k->hi);
            FUZZ_ASSERT(rc == (inside ? PDRIFT_OK : PDRIFT_ERANGE));
            if (rc == PDRIFT_OK) {
                long long back = 0;
                FUZZ_ASSERT(pdrift_config_get_int(c, k->id, &back) == PDRIFT_OK && back == v);
                k->explicit_set = 1;
                k->ivalue = v;
            }
        } else {
            double v = double_value(&in, make, k);
            int rc = pdrift_config_set_double(c, k->id, v);
            if (k->type != PDRIFT_PARAM_TYPE_DOUBLE) {
                FUZZ_ASSERT(rc == PDRIFT_EPARAM);
                continue;
            }
            int inside = v >= k->lo && v <= k->hi; /* false for NaN */
            if (rc != (inside ? PDRIFT_OK : PDRIFT_ERANGE))
                fprintf(stderr, "%s = %.17g: %d (bounds [%.17g, %.17g])\n", pdrift_param_name(k->id),
                        v, rc, k->lo, k->hi);
            FUZZ_ASSERT(rc == (inside ? PDRIFT_OK : PDRIFT_ERANGE));
            if (rc == PDRIFT_OK) {
                double back = NAN;
                FUZZ_ASSERT(pdrift_config_get_double(c, k->id, &back) == PDRIFT_OK && back == v);
                k->explicit_set = 1;
                k->dvalue = v;
            }
        }
        check_explicit(c);
    }
    /* every effective value lies within its bounds */
    for (size_t i = 0; i < n_params; i++) {
        const known *k = &params[i];
        if (k->type == PDRIFT_PARAM_TYPE_INT) {
            long long v = 0;
            FUZZ_ASSERT(pdrift_config_get_int(c, k->id, &v) == PDRIFT_OK);
            FUZZ_ASSERT((double)v >= k->lo && (double)v <= k->hi);
            double d;
            FUZZ_ASSERT(pdrift_config_get_double(c, k->id, &d) == PDRIFT_EPARAM);
        } else {
            double v = NAN;
            FUZZ_ASSERT(pdrift_config_get_double(c, k->id, &v) == PDRIFT_OK);
            FUZZ_ASSERT(v >= k->lo && v <= k->hi);
            long long li;
            FUZZ_ASSERT(pdrift_config_get_int(c, k->id, &li) == PDRIFT_EPARAM);
        }
    }
    detect_with(c);
    pdrift_config_free(c);
    return 0;
}
