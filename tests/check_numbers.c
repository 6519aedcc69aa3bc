/*
 * check_numbers.c — the CSV reader's numbers are strtod's numbers, bit for
 * bit (lib/csv.c: Clinger's fast path where it is provably exact, strtod
 * otherwise).
 *
 * Millions of decimal strings of every shape a file may hold — short and
 * long mantissas, leading and trailing zeros, signs, exponents from -400 to
 * +400, the edges of the fast path (2^53, 10^22), halfway cases between two
 * doubles, subnormals, overflow to infinity — are parsed by
 * pdrift__csv_cell and by the C library's strtod under the C locale, and
 * the two doubles must have the same bits. The expected value is strtod's:
 * glibc's strtod is correctly rounded.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "csv.h"
#include "under_valgrind.h"

/* Under valgrind (make check-valgrind, memory checks, not numbers) the
 * random strings are a hundredth: every path of the parser is still taken,
 * in seconds instead of half an hour; make check reads them all. */
static int strings(int n)
{
    return under_valgrind() ? n / 100 : n;
}

static uint64_t state;
static size_t fast_taken; /* numbers the one-pass path read */

static uint64_t next(void)
{
    /* splitmix64 */
    uint64_t z = (state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static unsigned below(unsigned n) { return (unsigned)(next() % n); }

static int same_bits(double a, double b)
{
    uint64_t x, y;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    return x == y;
}

/* Parse s both ways; they must agree (failing the test with the string
 * otherwise). Checks are plain ifs: in fork mode every ck_assert is also a
 * write to Check's pipe, and this runs millions of times. */
static void check_one(const char *s)
{
    char *end;
    double want = strtod(s, &end);
    if (*end != '\0')
        ck_abort_msg("test generator made a non-number: \"%s\"", s);
    double got;
    int kind = pdrift__csv_cell(s, strlen(s), 0, &got);
    if (kind != PDRIFT__CELL_NUMBER)
        ck_abort_msg("\"%s\": not read as a number", s);
    if (!same_bits(got, want))
        ck_abort_msg("\"%s\": read %.17g (%a), strtod %.17g (%a)", s, got, got, want, want);
    /* The table reader's one-pass path: as a middle field (",") and as the
     * last one ("\n", "\r\n"), it either reads the same bits and steps past
     * the separator, or declines without moving. */
    static const char *const ends[] = {",", "\n", "\r\n"};
    for (int e = 0; e < 3; e++) {
        char line[600];
        int n = snprintf(line, sizeof line, "%s%sX", s, ends[e]);
        pdrift__csv c;
        memset(&c, 0, sizeof c);
        c.buf = line;
        c.len = (size_t)n;
        c.end = line + n;
        c.p = c.line_start = c.mark = line;
        c.line = 1;
        double fast = 0.0;
        for (int last = 0; last <= 1; last++) {
            c.p = line;
            c.line = 1;
            int took = pdrift__csv_fast_number(&c, last, &fast);
            if (!(took == 0 || (last == (e > 0))))
                ck_abort_msg("\"%s\" + end %d: taken as last=%d", s, e, last);
            if (!took) {
                if (!(c.p == line && c.line == 1))
                    ck_abort_msg("\"%s\": declined but moved the cursor", s);
                continue;
            }
            if (!same_bits(fast, want))
                ck_abort_msg("\"%s\": one-pass read %.17g, strtod %.17g", s, fast, want);
            if (!(*c.p == 'X' && c.line == (size_t)(e > 0 ? 2 : 1)))
                ck_abort_msg("\"%s\": cursor after", s);
            fast_taken++;
        }
    }
}

/* A random decimal string: [sign] digits [. digits] [e[sign]exp]. */
static void random_decimal(char *buf, size_t cap, unsigned max_digits, int max_exp)
{
    size_t n = 0;
    unsigned shape = below(8);
    if (below(3) == 0)
        buf[n++] = below(2) ? '-' : '+';
    unsigned int_digits = below(max_digits + 1), frac_digits = below(max_digits + 1);
    if (int_digits + frac_digits == 0)
        int_digits = 1;
    for (unsigned i = 0; i < int_digits && n + 1 < cap; i++)
        buf[n++] = (char)('0' + (shape == 0 && i < 3 ? 0 : below(10))); /* leading zeros sometimes */
    if (frac_digits > 0 || below(4) == 0) {
        buf[n++] = '.';
        for (unsigned i = 0; i < frac_digits && n + 1 < cap; i++)
            buf[n++] = (char)('0' + (shape == 1 && i + 3 >= frac_digits ? 0 : below(10))); /* trailing zeros */
    }
    if (int_digits == 0 && frac_digits == 0)
        buf[n++] = '0';
    if (max_exp > 0 && below(2) == 0)
        n += (size_t)snprintf(buf + n, cap - n, "%c%s%d", below(2) ? 'e' : 'E',
                              below(2) ? "-" : (below(2) ? "+" : ""), (int)below((unsigned)max_exp + 1));
    buf[n] = '\0';
}

START_TEST(test_random_decimals)
{
    state = 20261128;
    char buf[128];
    /* the fast path's territory: up to 19 digits, exponents to +-30 */
    for (int i = 0; i < strings(1200000); i++) {
        random_decimal(buf, sizeof buf, 10, 30);
        check_one(buf);
    }
    /* long mantissas and wide exponents: strtod's territory */
    for (int i = 0; i < strings(500000); i++) {
        random_decimal(buf, sizeof buf, 30, 400);
        check_one(buf);
    }
    ck_assert_msg(fast_taken > (size_t)strings(500000), "the one-pass path read only %zu numbers",
                  fast_taken);
}
END_TEST

START_TEST(test_printed_doubles)
{
    /* What programs write: %.17g, %.15g, %g, repr-like shortest forms of
     * random doubles of every magnitude, subnormals included. */
    state = 7;
    char buf[64];
    static const char *const formats[] = {"%.17g", "%.16g", "%.15g", "%.6g", "%.10e", "%.3f", "%a"};
    for (int i = 0; i < strings(600000); i++) {
        uint64_t bits = next();
        double v;
        memcpy(&v, &bits, 8);
        if (!isfinite(v))
            continue;
        const char *fmt = formats[below(6)]; /* %a is not decimal: not a CSV number */
        snprintf(buf, sizeof buf, fmt, v);
        check_one(buf);
        /* and a value of ordinary magnitude, as features have */
        double x = ldexp((double)(next() >> 11), -53) * pow(10.0, (double)below(12)) - 5e5;
        snprintf(buf, sizeof buf, fmt, x);
        check_one(buf);
    }
    (void)formats[6];
}
END_TEST

START_TEST(test_edges)
{
    static const char *const edges[] = {
        "0", "-0", "+0", "0.0", "-0.0", "00000", "0e0", "0e-999", "0e999", ".5", "5.", "-.5",
        "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
        "18014398509481985", "123456789012345678", "1234567890123456789", "12345678901234567890",
        "99999999999999999999", "1e22", "1e23", "9e22", "1.5e22", "4.0e22", "1e-22", "1e-23",
        "123e-22", "9007199254740993e22", "9007199254740992e-22",
        "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9406564584124654e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "-1e-400",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "-1e999",
        "0.1", "0.2", "0.3", "0.30000000000000004", "3.141592653589793", "2.718281828459045",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "7.2057594037927933e16", "8.98846567431158e307", "1e-5", "1E5", "1e+5", "-1E-5",
        "000000000000000000000000000001", "0.000000000000000000000000000001",
        "123456789.123456789123456789", "4503599627370496.5", "4503599627370497.5",
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        check_one(edges[i]);
    /* every power of ten a double can hold, and each +-1 in the last digit */
    char buf[64];
    for (int e = -330; e <= 310; e++) {
        snprintf(buf, sizeof buf, "1e%d", e);
        check_one(buf);
        snprintf(buf, sizeof buf, "9.999999999999999e%d", e);
        check_one(buf);
        snprintf(buf, sizeof buf, "1.000000000000001e%d", e);
        check_one(buf);
    }
    /* halfway between consecutive doubles near 1, 2^53 and 10^22 */
    double anchors[] = {1.0, 9007199254740992.0, 1e22, 1e-300, 123.456};
    for (size_t a = 0; a < sizeof anchors / sizeof anchors[0]; a++) {
        double lo = anchors[a];
        for (int k = 0; k < 200; k++) {
            double hi = nextafter(lo, INFINITY);
            /* the exact midpoint printed with enough digits to be exact-ish,
             * and one digit short of it on either side */
            snprintf(buf, sizeof buf, "%.40g", lo + (hi - lo) / 2);
            check_one(buf);
            snprintf(buf, sizeof buf, "%.25g", lo);
            check_one(buf);
            lo = hi;
        }
    }
}
END_TEST

static Suite *numbers_suite(void)
{
    Suite *s = suite_create("numbers");
    TCase *t = tcase_create("strtod");
    tcase_set_timeout(t, 600); /* millions of strings; generous for sanitizers */
    tcase_add_test(t, test_edges);
    tcase_add_test(t, test_random_decimals);
    tcase_add_test(t, test_printed_doubles);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    if (under_valgrind())
        printf("check_numbers: under valgrind: %d random strings instead of %d\n",
               strings(1200000) + strings(500000) + 2 * strings(600000), 1200000 + 500000 + 2 * 600000);
    SRunner *sr = srunner_create(numbers_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
