/*
 * sort.c — ascending sort of NaN-free doubles, and the NaN/finite checks
 * every unit runs on its input arrays.
 *
 * Every statistic works on private sorted copies, and sorting is the cost
 * that grows with the data, so this is an LSD radix sort on the IEEE-754 bit
 * patterns (6 passes of 11 bits, passes where every key has the same digit
 * are skipped): O(n), stable, no comparisons. Small inputs use insertion
 * sort; if the scratch buffer cannot be allocated, an in-place heapsort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { RADIX_BITS = 11, RADIX_SIZE = 1 << RADIX_BITS, RADIX_PASSES = 6, SMALL_SORT = 64 };

/* Map a double to an unsigned key with the same order: negative numbers have
 * all bits flipped, non-negative ones the sign bit set. -0.0 sorts just
 * before +0.0, which is harmless since they compare equal. */
static uint64_t key_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : (u | UINT64_C(0x8000000000000000));
}

static double value_of(uint64_t k)
{
    uint64_t u = (k >> 63) ? (k & ~UINT64_C(0x8000000000000000)) : ~k;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static void insertion_sort(double *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = a[i];
        size_t j = i;
        while (j > 0 && v < a[j - 1]) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void sift_down(double *a, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child] < a[child + 1])
            child++;
        if (!(a[root] < a[child]))
            return;
        double t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(double *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        double t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

/* keys and scratch hold n keys each; counts RADIX_PASSES * RADIX_SIZE zeros. */
static void radix_sort(double *a, size_t n, uint64_t *keys, uint64_t *scratch,
                       size_t (*counts)[RADIX_SIZE])
{
    for (size_t i = 0; i < n; i++) {
        uint64_t k = key_of(a[i]);
        keys[i] = k;
        for (int p = 0; p < RADIX_PASSES; p++)
            counts[p][(k >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
    }

    uint64_t *src = keys, *dst = scratch;
    for (int p = 0; p < RADIX_PASSES; p++) {
        size_t *c = counts[p];
        unsigned shift = (unsigned)(p * RADIX_BITS);
        if (c[(src[0] >> shift) & (RADIX_SIZE - 1)] == n)
            continue; /* every key has this digit: the pass would not move anything */
        size_t sum = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[(src[i] >> shift) & (RADIX_SIZE - 1)]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    for (size_t i = 0; i < n; i++)
        a[i] = value_of(src[i]);
}

void pdrift__sort(double *values, size_t n)
{
    if (n <= SMALL_SORT) {
        insertion_sort(values, n);
        return;
    }
    /* One block: the counts (kept off the stack, so callers' threads may
     * have small stacks), then the keys and the scratch keys. */
    size_t (*counts)[RADIX_SIZE] = NULL;
    if (n <= (SIZE_MAX - sizeof(size_t[RADIX_PASSES][RADIX_SIZE])) / (2 * sizeof(uint64_t)))
        counts = malloc(sizeof(size_t[RADIX_PASSES][RADIX_SIZE]) + 2 * n * sizeof(uint64_t));
    if (counts == NULL) {
        heap_sort(values, n);
        return;
    }
    memset(counts, 0, sizeof(size_t[RADIX_PASSES][RADIX_SIZE]));
    uint64_t *keys = (uint64_t *)(counts + RADIX_PASSES);
    radix_sort(values, n, keys, keys + n, counts);
    free(counts);
}

int pdrift__has_nan(const double *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (values[i] != values[i])
            return 1;
    return 0;
}

int pdrift__all_finite(const double *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(values[i] - values[i] == 0.0)) /* NaN and +-inf give NaN */
            return 0;
    return 1;
}

int pdrift__sorted_copy(const double *values, size_t n, double **out)
{
    if (pdrift__has_nan(values, n))
        return PDRIFT_EDATA;
    if (n > SIZE_MAX / sizeof(double))
        return PDRIFT_ENOMEM;
    double *copy = malloc((n ? n : 1) * sizeof *copy);
    if (copy == NULL)
        return PDRIFT_ENOMEM;
    if (n > 0)
        memcpy(copy, values, n * sizeof *copy);
    pdrift__sort(copy, n);
    *out = copy;
    return PDRIFT_OK;
}
