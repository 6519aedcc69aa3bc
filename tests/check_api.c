/*
 * check_api.c — the public constants and the small functions around them.
 * Every public constant is pinned here: changing a value breaks the ABI, and
 * this test is the place where that becomes visible.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <ploutos_drift.h>

START_TEST(test_status_values_pinned)
{
    ck_assert_int_eq(PDRIFT_OK, 0);
    ck_assert_int_eq(PDRIFT_EINVAL, -1);
    ck_assert_int_eq(PDRIFT_ENOMEM, -2);
    ck_assert_int_eq(PDRIFT_ESTATE, -3);
    ck_assert_int_eq(PDRIFT_ENOBUFS, -4);
    ck_assert_int_eq(PDRIFT_EIO, -5);
    ck_assert_int_eq(PDRIFT_EFORMAT, -6);
    ck_assert_int_eq(PDRIFT_EPARAM, -7);
    ck_assert_int_eq(PDRIFT_ERANGE, -8);
    ck_assert_int_eq(PDRIFT_ENUMERIC, -9);
    ck_assert_int_eq(PDRIFT_EDATA, -10);
    ck_assert_int_eq(PDRIFT_ESCHEMA, -11);
    ck_assert_int_eq(PDRIFT_EVERSION, -12);
    ck_assert_int_eq(PDRIFT_ECORRUPT, -13);
    ck_assert_int_eq(PDRIFT_KS_AUTO, 0);
    ck_assert_int_eq(PDRIFT_KS_EXACT, 1);
    ck_assert_int_eq(PDRIFT_KS_ASYMP, 2);
}
END_TEST

START_TEST(test_strerror)
{
    const char *seen[14];
    for (int s = 0; s >= -13; s--) {
        const char *text = pdrift_strerror((pdrift_status)s);
        ck_assert_ptr_nonnull(text);
        ck_assert_int_gt((int)strlen(text), 3);
        ck_assert_str_ne(text, "unknown status code");
        for (int k = 0; k < -s; k++) /* every code has its own text */
            ck_assert_str_ne(text, seen[k]);
        seen[-s] = text;
    }
    ck_assert_str_eq(pdrift_strerror(PDRIFT_OK), "success");
    ck_assert_str_eq(pdrift_strerror((pdrift_status)-14), "unknown status code");
    ck_assert_str_eq(pdrift_strerror((pdrift_status)1), "unknown status code");
}
END_TEST

START_TEST(test_version)
{
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", PDRIFT_VERSION_MAJOR, PDRIFT_VERSION_MINOR,
             PDRIFT_VERSION_PATCH);
    ck_assert_str_eq(PDRIFT_VERSION_STRING, expect);
    ck_assert_str_eq(pdrift_version_string(), expect);
    ck_assert_uint_eq(pdrift_version_number(), (unsigned)PDRIFT_VERSION_NUMBER);
    ck_assert_int_eq(PDRIFT_VERSION_NUMBER, PDRIFT_VERSION_MAJOR * 10000 +
                                                PDRIFT_VERSION_MINOR * 100 + PDRIFT_VERSION_PATCH);
    ck_assert_int_eq(PDRIFT_VERSION_MAJOR, 1); /* the soname is libploutosdrift.so.1 */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("constants");
    tcase_add_test(tc, test_status_values_pinned);
    tcase_add_test(tc, test_strerror);
    tcase_add_test(tc, test_version);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
