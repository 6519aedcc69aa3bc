/*
 * check_sort.c — the private sorted copies every statistic works on
 * (lib/sort.c): the radix sort must agree with a comparison sort on every
 * kind of double the library accepts, at every size it switches strategy.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint64_t state = 12345;

static uint64_t next_u64(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Any non-NaN double: random bit patterns (all exponents, denormals), plus
 * frequent special values and duplicates. */
static double any_double(void)
{
    static const double special[] = {0.0, -0.0, INFINITY, -INFINITY, 1.0, -1.0, 4.9e-324,
                                     -4.9e-324, 1.7976931348623157e308, 2.2250738585072014e-308};
    uint64_t r = next_u64();
    if (r % 4 == 0)
        return special[(r >> 8) % (sizeof special / sizeof special[0])];
    double v;
    uint64_t bits = next_u64();
    memcpy(&v, &bits, sizeof v);
    return isnan(v) ? (double)(r % 1000) : v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

START_TEST(test_sort_matches_comparison_sort)
{
    static const size_t sizes[] = {0, 1, 2, 3, 63, 64, 65, 66, 1000, 2048, 100000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        double *v = malloc((n + 1) * sizeof *v), *ref = malloc((n + 1) * sizeof *ref);
        for (size_t i = 0; i < n; i++)
            v[i] = ref[i] = any_double();
        pdrift__sort(v, n);
        qsort(ref, n, sizeof *ref, cmp_double);
        for (size_t i = 0; i < n; i++) {
            ck_assert_msg(v[i] == ref[i], "n=%zu, position %zu: %a vs %a", n, i, v[i], ref[i]);
            if (i > 0)
                ck_assert(v[i - 1] <= v[i]);
        }
        free(v);
        free(ref);
    }
}
END_TEST

START_TEST(test_sort_narrow_keys)
{
    /* Values sharing their high bits skip radix passes: must still sort. */
    enum { N = 5000 };
    double *v = malloc(N * sizeof *v);
    for (size_t i = 0; i < N; i++)
        v[i] = 1.0 + (double)(next_u64() % 4096) * 0x1p-52;
    pdrift__sort(v, N);
    for (size_t i = 1; i < N; i++)
        ck_assert(v[i - 1] <= v[i]);
    free(v);
}
END_TEST

START_TEST(test_sorted_copy)
{
    double in[5] = {3, -0.0, 1, 0.0, -2}, *out = NULL;
    double before[5];
    memcpy(before, in, sizeof in);
    ck_assert_int_eq(pdrift__sorted_copy(in, 5, &out), PDRIFT_OK);
    ck_assert(memcmp(in, before, sizeof in) == 0);
    ck_assert(out[0] == -2 && out[1] == 0 && out[2] == 0 && out[3] == 1 && out[4] == 3);
    free(out);

    in[2] = NAN;
    out = NULL;
    ck_assert_int_eq(pdrift__sorted_copy(in, 5, &out), PDRIFT_EDATA);
    ck_assert_ptr_null(out);
    ck_assert(pdrift__has_nan(in, 5));
    ck_assert(!pdrift__has_nan(before, 5));
    ck_assert(!pdrift__all_finite(in, 5));
    ck_assert(pdrift__all_finite(before, 5));
    before[0] = -INFINITY;
    ck_assert(!pdrift__all_finite(before, 5));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sort");
    TCase *tc = tcase_create("sort");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sort_matches_comparison_sort);
    tcase_add_test(tc, test_sort_narrow_keys);
    tcase_add_test(tc, test_sorted_copy);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
