/*
 * golden.h — reading the golden reference files of tests/data/ (copied from
 * the project's reference set; see tests/data/README.md) and comparing
 * numbers with stated tolerances.
 *
 * Every loader aborts the current Check test with a clear message on a
 * missing or malformed file, so a test never silently compares nothing.
 */
#ifndef PDRIFT_TESTS_GOLDEN_H
#define PDRIFT_TESTS_GOLDEN_H

#include <stddef.h>

#include <cJSON.h>

/* Directory of the reference files: $PDRIFT_TEST_DATA, else "tests/data". */
const char *golden_dir(void);

/* Parse tests/data/<name> (cached per process; do not free). */
const cJSON *golden_load(const char *name);

/* The member `key` of `obj`; aborts the test if absent. */
const cJSON *golden_get(const cJSON *obj, const char *key);

/* A number: JSON number, null -> NaN, strings "inf", "-inf", "nan" and C99
 * hex floats ("0x1.8p-3") accepted. */
double golden_number(const cJSON *item);

/* golden_number(golden_get(obj, key)). */
double golden_double(const cJSON *obj, const char *key);

/* Array of numbers (as golden_number). malloc'd; *n receives its length. */
double *golden_array(const cJSON *array, size_t *n);

/* Array of integers, as size_t. malloc'd. */
size_t *golden_size_array(const cJSON *array, size_t *n);

/* Sample `which` (1 or 2) of a KS case: inline `data1`/`data2`, or the raw
 * little-endian float64 file `data1_file`; its sha256 is verified. */
double *golden_ks_sample(const cJSON *ks_case, int which, size_t *n);

/* SHA-256 of a buffer as 64 lowercase hex digits plus NUL. */
void golden_sha256_hex(const void *data, size_t len, char out[65]);

/* Same IEEE-754 bit pattern (NaN matches any NaN). */
int golden_same_bits(double got, double ref);

/* Relative error |got - ref| / |ref|; 0 if equal (both NaN counts as equal),
 * +inf if exactly one is NaN or ref is 0 and got is not. */
double golden_relerr(double got, double ref);

/* Tolerance test of SPEC §7: NaN matches NaN; if |ref| < 1e-300 then
 * |got - ref| <= 1e-300; otherwise rel <= rel_tol or |got - ref| <= abs_tol. */
int golden_close(double got, double ref, double rel_tol, double abs_tol);

/* Running maximum of the relative error for one quantity, printed at the end
 * of a golden comparison ("max rel err per quantity"). */
typedef struct golden_stat {
    const char *name;
    size_t count;       /* values compared */
    size_t bit_exact;   /* of which bit-identical */
    double max_rel;     /* largest relative error seen (ignoring NaN/denormal refs) */
    double max_abs;     /* largest absolute error seen */
} golden_stat;

void golden_stat_add(golden_stat *s, double got, double ref);
void golden_stat_print(const golden_stat *s);

#endif
