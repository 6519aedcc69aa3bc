/*
 * check_csv.c — the CSV reader (lib/csv.c, lib/table.c): every format case
 * of pdrift_baseline_load's promise, every malformed case with its exact
 * message, numbers equal to strtod's in the C locale whatever the host's
 * locale, hostile input, and the chunked reading (every result must be the
 * same whatever the size of the read buffer).
 *
 * Readable inputs live in tests/data/csv/; byte-exact and generated ones are
 * written to a temporary directory made by main().
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "golden.h"
#include "internal.h"
#include "under_valgrind.h"

/* Under valgrind (make check-valgrind, a memory check) the random and the
 * big inputs shrink by VALGRIND_FEWER (every path is still taken: the long
 * records still outgrow the read buffer several times); make check reads
 * them all. */
enum { VALGRIND_FEWER = 20 };

static size_t fewer(size_t n)
{
    return under_valgrind() ? n / VALGRIND_FEWER : n;
}

enum { ERRCAP = 512, PATHCAP = 4096 };

static char tmpdir[PATHCAP / 2];

/* ---- helpers ------------------------------------------------------------------ */

static uint64_t rng_state = 20240601;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static size_t rand_below(size_t n)
{
    return (size_t)(next_u64() % n);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void data_path(char *path, const char *name)
{
    snprintf(path, PATHCAP, "%s/csv/%s", golden_dir(), name);
}

/* Write len bytes to tmpdir/name; path receives the file's path. */
static void write_temp(char *path, const char *name, const void *bytes, size_t len)
{
    snprintf(path, PATHCAP, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* A string literal, embedded NULs included. */
#define WRITE_LITERAL(path, name, literal) write_temp(path, name, literal, sizeof(literal) - 1)

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int is_zeroed(const pdrift__table *t)
{
    return t->n_rows == 0 && t->n_columns == 0 && t->names == NULL && t->values == NULL &&
           t->n_skipped == 0 && t->skipped == NULL && t->skipped_reasons == NULL;
}

/* Read a file that must be well-formed; with buffer 0 = the default. */
static void read_ok(const char *path, size_t buffer, pdrift__table *t)
{
    char err[ERRCAP];
    int rc = pdrift__table_read_buffered(path, buffer, t, err, sizeof err);
    ck_assert_msg(rc == PDRIFT_OK, "%s: rc %d: %s", path, rc, err);
    ck_assert_str_eq(err, "");
}

static void read_data_ok(const char *name, pdrift__table *t)
{
    char path[PATHCAP];
    data_path(path, name);
    read_ok(path, 0, t);
}

/* The read must fail with `status` and the message path + `suffix`; *out
 * must be zeroed. */
static void expect_failure(const char *path, int status, const char *suffix)
{
    pdrift__table t;
    memset(&t, 0xAB, sizeof t);
    char err[ERRCAP], expected[ERRCAP + PATHCAP];
    int rc = pdrift__table_read(path, &t, err, sizeof err);
    snprintf(expected, sizeof expected, "%s%s", path, suffix);
    ck_assert_msg(rc == status, "%s: rc %d, expected %d (%s)", path, rc, status, err);
    ck_assert_str_eq(err, expected);
    ck_assert(is_zeroed(&t));
}

static void expect_data_failure(const char *name, int status, const char *suffix)
{
    char path[PATHCAP];
    data_path(path, name);
    expect_failure(path, status, suffix);
}

static void assert_names(const pdrift__table *t, const char *const *names, size_t n)
{
    ck_assert_uint_eq(t->n_columns, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(t->names[i], names[i]);
}

static void assert_row(const pdrift__table *t, size_t row, const double *expected)
{
    for (size_t j = 0; j < t->n_columns; j++) {
        double got = t->values[row * t->n_columns + j];
        ck_assert_msg(same_bits(got, expected[j]) || (isnan(got) && isnan(expected[j])),
                      "row %zu column %zu (%s): %.17g, expected %.17g", row, j, t->names[j], got,
                      expected[j]);
    }
}

static void assert_skipped(const pdrift__table *t, size_t i, const char *name, const char *reason)
{
    ck_assert_uint_gt(t->n_skipped, i);
    ck_assert_str_eq(t->skipped[i], name);
    ck_assert_str_eq(t->skipped_reasons[i], reason);
}

/* Same result in every respect: status, message, table (bit for bit). */
static void assert_same_result(int rc_a, const char *err_a, const pdrift__table *a, int rc_b,
                               const char *err_b, const pdrift__table *b, const char *what)
{
    ck_assert_msg(rc_a == rc_b, "%s: rc %d vs %d (%s | %s)", what, rc_a, rc_b, err_a, err_b);
    ck_assert_msg(strcmp(err_a, err_b) == 0, "%s: message \"%s\" vs \"%s\"", what, err_a, err_b);
    ck_assert_uint_eq(a->n_rows, b->n_rows);
    ck_assert_uint_eq(a->n_columns, b->n_columns);
    ck_assert_uint_eq(a->n_skipped, b->n_skipped);
    for (size_t j = 0; j < a->n_columns; j++)
        ck_assert_str_eq(a->names[j], b->names[j]);
    for (size_t j = 0; j < a->n_skipped; j++) {
        ck_assert_str_eq(a->skipped[j], b->skipped[j]);
        ck_assert_str_eq(a->skipped_reasons[j], b->skipped_reasons[j]);
    }
    size_t n = a->n_rows * a->n_columns;
    if (n > 0)
        ck_assert_msg(memcmp(a->values, b->values, n * sizeof(double)) == 0, "%s: values differ",
                      what);
}

/* Read path with a buffer of each size and with the default one: identical. */
static void assert_buffer_independent(const char *path)
{
    static const size_t sizes[] = {8, 9, 10, 11, 13, 16, 17, 31, 64, 100};
    pdrift__table ref;
    char err_ref[ERRCAP];
    int rc_ref = pdrift__table_read(path, &ref, err_ref, sizeof err_ref);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        pdrift__table t;
        char err[ERRCAP], what[PATHCAP + 32];
        int rc = pdrift__table_read_buffered(path, sizes[k], &t, err, sizeof err);
        snprintf(what, sizeof what, "%s, buffer %zu", path, sizes[k]);
        assert_same_result(rc_ref, err_ref, &ref, rc, err, &t, what);
        pdrift__table_free(&t);
    }
    /* read column by column (a baseline's reading), then made row-major: the same */
    pdrift__table_options opts;
    memset(&opts, 0, sizeof opts);
    opts.by_column = 1;
    opts.buffer_size = 16;
    pdrift__table t;
    char err[ERRCAP], what[PATHCAP + 32];
    int rc = pdrift__table_read_with(path, &opts, &t, err, sizeof err);
    ck_assert(rc != PDRIFT_OK || t.n_rows * t.n_columns == 0 || t.stride >= t.n_rows);
    ck_assert_int_eq(pdrift__table_by_rows(&t), PDRIFT_OK);
    snprintf(what, sizeof what, "%s, by column", path);
    assert_same_result(rc_ref, err_ref, &ref, rc, err, &t, what);
    pdrift__table_free(&t);
    pdrift__table_free(&ref);
}

/* ---- well-formed files ------------------------------------------------------------ */

START_TEST(test_yahoo_ohlcv_date_skipped)
{
    pdrift__table t;
    read_data_ok("yahoo_ohlcv.csv", &t);
    static const char *const names[] = {"Open", "High", "Low", "Close", "Adj Close", "Volume"};
    assert_names(&t, names, 6);
    ck_assert_uint_eq(t.n_rows, 3);
    assert_row(&t, 0, (const double[]){74.06, 75.15, 73.8, 75.0875, 73.45, 135480400});
    assert_row(&t, 2, (const double[]){73.4475, 74.99, 73.1875, 74.95, 73.31, 118387200});
    ck_assert_uint_eq(t.n_skipped, 1);
    assert_skipped(&t, 0, "Date", "not numeric (first value \"2020-01-02\" at line 2)");
    ck_assert_int_eq(pdrift__table_column(&t, "Adj Close"), 4);
    ck_assert_int_eq(pdrift__table_column(&t, "Open"), 0);
    ck_assert_int_eq(pdrift__table_column(&t, "Date"), -1);
    ck_assert_int_eq(pdrift__table_column(&t, "open"), -1);
    ck_assert_int_eq(pdrift__table_column(&t, NULL), -1);
    ck_assert_int_eq(pdrift__table_column(NULL, "Open"), -1);
    pdrift__table_free(&t);
    ck_assert(is_zeroed(&t));
    pdrift__table_free(&t); /* an emptied table is fine */
    pdrift__table_free(NULL);
}
END_TEST

START_TEST(test_dukascopy_gmt_time_skipped)
{
    pdrift__table t;
    read_data_ok("dukascopy_fx.csv", &t);
    static const char *const names[] = {"Open", "High", "Low", "Close", "Volume"};
    assert_names(&t, names, 5);
    ck_assert_uint_eq(t.n_rows, 2);
    assert_row(&t, 1, (const double[]){1.04812, 1.0486, 1.048, 1.04855, 213.3});
    assert_skipped(&t, 0, "Gmt time",
                   "not numeric (first value \"01.01.2003 00:00:00.000\" at line 2)");
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_pandas_index_skipped)
{
    pdrift__table t;
    read_data_ok("pandas_index.csv", &t);
    static const char *const names[] = {"close_norm", "volume_norm", "rsi"};
    assert_names(&t, names, 3);
    ck_assert_uint_eq(t.n_rows, 3);
    assert_row(&t, 0, (const double[]){0.12, 1.5, 55.2});
    assert_row(&t, 1, (const double[]){-0.03, NAN, 48.9});
    assert_row(&t, 2, (const double[]){0.5, NAN, NAN});
    ck_assert_uint_eq(t.n_skipped, 1);
    assert_skipped(&t, 0, "", "unnamed column (a row index?)");
    pdrift__table_free(&t);

    read_data_ok("pandas_unnamed.csv", &t);
    static const char *const x[] = {"x"};
    assert_names(&t, x, 1);
    assert_skipped(&t, 0, "Unnamed: 0", "unnamed column (a row index?)");
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_quoted_fields)
{
    pdrift__table t;
    read_data_ok("quoted.csv", &t);
    static const char *const names[] = {"price", "qty"};
    assert_names(&t, names, 2);
    ck_assert_uint_eq(t.n_rows, 2);
    assert_row(&t, 0, (const double[]){1.5, 10});
    assert_row(&t, 1, (const double[]){2.25, -300});
    ck_assert_uint_eq(t.n_skipped, 2);
    assert_skipped(&t, 0, "symbol", "not numeric (first value \"AAPL\" at line 2)");
    assert_skipped(&t, 1, "note", "not numeric (first value \"hello, world\" at line 2)");
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_quoted_header_names)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "qnames.csv",
                  "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",  plain  ,\" kept \"\n1,2,3,4,5\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    static const char *const names[] = {"a,b", "say \"hi\"", "two\nlines", "plain", " kept "};
    assert_names(&t, names, 5);
    ck_assert_uint_eq(t.n_rows, 1);
    assert_row(&t, 0, (const double[]){1, 2, 3, 4, 5});
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_every_missing_marker)
{
    pdrift__table t;
    read_data_ok("na_markers.csv", &t);
    static const char *const names[] = {"id", "v"};
    assert_names(&t, names, 2);
    ck_assert_uint_eq(t.n_rows, 25);
    for (size_t i = 0; i < 24; i++) {
        ck_assert(t.values[2 * i] == (double)(i + 1));
        ck_assert_msg(isnan(t.values[2 * i + 1]), "row %zu is not missing", i + 1);
    }
    ck_assert(t.values[2 * 24 + 1] == 1.25);
    ck_assert_uint_eq(t.n_skipped, 0);
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_cell_grammar)
{
    static const char *const markers[] = {
        "",     "#N/A", "#N/A N/A", "#NA",  "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
        "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",      "NULL",     "NaN",  "None",
        "n/a",  "nan",  "null",     "NAN",  "+nan",    "  \t ",    " NA\t",
    };
    double v;
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        ck_assert_msg(pdrift__csv_cell(markers[i], strlen(markers[i]), 0, &v) ==
                          PDRIFT__CELL_MISSING,
                      "\"%s\" is not missing", markers[i]);
        ck_assert(isnan(v));
    }
    static const struct {
        const char *text;
        double value;
    } numbers[] = {
        {"1.5", 1.5},       {" 1.5\t", 1.5},   {"+2", 2},           {"-0", -0.0},
        {".5", 0.5},        {"5.", 5},         {"1e3", 1000},       {"1E+03", 1000},
        {"-2.5e-1", -0.25}, {"inf", INFINITY}, {"-inf", -INFINITY}, {"Infinity", INFINITY},
        {"+INF", INFINITY}, {"-infinity", -INFINITY}, {"1e400", INFINITY}, {"-1e400", -INFINITY},
        {"1e-400", 0.0},    {"-1e-400", -0.0}, {"007", 7},          {"0e99999999999", 0.0},
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        const char *s = numbers[i].text;
        ck_assert_msg(pdrift__csv_cell(s, strlen(s), 0, &v) == PDRIFT__CELL_NUMBER,
                      "\"%s\" is not a number", s);
        ck_assert_msg(same_bits(v, numbers[i].value), "\"%s\": %a", s, v);
    }
    static const char *const texts[] = {
        "abc", "0x10", "0x1p3", "1,5", "1_000", "12%", "1e", "1e+", ".", "-", "+", "e5",
        "1.2.3", "--1", "1 2", "inff", "infinit", "nan(1)", "2020-01-02", "1.#INF", "$5",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        ck_assert_msg(pdrift__csv_cell(texts[i], strlen(texts[i]), 0, &v) == PDRIFT__CELL_TEXT,
                      "\"%s\" is not text", texts[i]);
    /* A quoted text holding a doubled quote is never a number. */
    ck_assert_int_eq(pdrift__csv_cell("1\"\"5", 4, 1, &v), PDRIFT__CELL_TEXT);
}
END_TEST

START_TEST(test_spaces_and_infinities)
{
    pdrift__table t;
    read_data_ok("spaces_inf.csv", &t);
    ck_assert_uint_eq(t.n_rows, 4);
    assert_row(&t, 0, (const double[]){1.5, -2, INFINITY, 4.9e-324});
    assert_row(&t, 1, (const double[]){-INFINITY, INFINITY, INFINITY, -0.0});
    /* Overflow is +-inf and underflow 0, as strtod gives them. */
    assert_row(&t, 2, (const double[]){INFINITY, -INFINITY, 0.0, 0.5});
    assert_row(&t, 3, (const double[]){INFINITY, -INFINITY, INFINITY, 5});
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_blank_lines_skipped)
{
    pdrift__table t;
    read_data_ok("blank_lines.csv", &t);
    ck_assert_uint_eq(t.n_rows, 2);
    assert_row(&t, 0, (const double[]){1, 2});
    assert_row(&t, 1, (const double[]){3, 4});
    pdrift__table_free(&t);

    /* Lines of blanks are blank too (pandas' skip_blank_lines), in any line
     * ending, before the header as well; a quoted empty field is a record. */
    char path[PATHCAP];
    WRITE_LITERAL(path, "blanks.csv", "  \r\n\t\na\r\n \t \r\n1\r\n   \n\"\"\n\r2\n  ");
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_rows, 3);
    ck_assert(t.values[0] == 1);
    ck_assert(isnan(t.values[1]));
    ck_assert(t.values[2] == 2);
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_bom_crlf_and_no_final_newline)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "bom_crlf.csv", "\xEF\xBB\xBF" "Date,close\r\n2020-01-02,1.5\r\n"
                                        "\"2020-01-03\r\n\",\"2\"\r\n2020-01-06,-3");
    pdrift__table t;
    read_ok(path, 0, &t);
    static const char *const names[] = {"close"};
    assert_names(&t, names, 1);
    /* the BOM is not part of "Date" */
    assert_skipped(&t, 0, "Date", "not numeric (first value \"2020-01-02\" at line 2)");
    ck_assert_uint_eq(t.n_rows, 3);
    ck_assert(t.values[0] == 1.5);
    ck_assert(t.values[1] == 2);
    ck_assert_msg(t.values[2] == -3, "last line without a newline");
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_quoted_number_with_line_end_is_text)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "qnl.csv", "v\n1\n\"2\r\n\"\n");
    expect_failure(path, PDRIFT_EFORMAT, ":3:1: column \"v\": \"2\\r\\n\" is not a number");
}
END_TEST

START_TEST(test_lone_cr_line_ends)
{
    /* Old Mac / Excel "CSV (Macintosh)": CR alone ends a line. */
    char path[PATHCAP];
    WRITE_LITERAL(path, "cr.csv", "a,b\r1,2\r3,4\r");
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_rows, 2);
    assert_row(&t, 1, (const double[]){3, 4});
    pdrift__table_free(&t);
    WRITE_LITERAL(path, "cr_bad.csv", "a,b\r1,2\r3,x\r");
    expect_failure(path, PDRIFT_EFORMAT, ":3:3: column \"b\": \"x\" is not a number");
    /* Mixed endings count one line each; CRLF is one. */
    WRITE_LITERAL(path, "mixed_bad.csv", "a,b\r\n1,2\r3,4\n5,6\r\n\r7,y\n");
    expect_failure(path, PDRIFT_EFORMAT, ":6:3: column \"b\": \"y\" is not a number");
    /* Inside quotes too. */
    WRITE_LITERAL(path, "cr_quoted_bad.csv", "a,b\r\"x\ry\r\nz\",1\r2,w\r");
    expect_failure(path, PDRIFT_EFORMAT, ":5:3: column \"b\": \"w\" is not a number");
}
END_TEST

START_TEST(test_all_missing_column_is_numeric)
{
    pdrift__table t;
    read_data_ok("all_missing.csv", &t);
    static const char *const names[] = {"a", "b"};
    assert_names(&t, names, 2);
    assert_row(&t, 0, (const double[]){1, NAN});
    assert_row(&t, 1, (const double[]){2, NAN});
    assert_skipped(&t, 0, "c", "not numeric (first value \"x\" at line 2)");
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_kind_decided_by_first_value)
{
    /* Missing cells do not decide; text after a text start is fine; an
     * unnamed column is skipped even when numeric. */
    char path[PATHCAP];
    WRITE_LITERAL(path, "kinds.csv",
                  "a,sym,,b\nNA,x,0,\n,1,1,\n2.5,AAPL,2,7\n3,2,3,8\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    static const char *const names[] = {"a", "b"};
    assert_names(&t, names, 2);
    ck_assert_uint_eq(t.n_rows, 4);
    assert_row(&t, 0, (const double[]){NAN, NAN});
    assert_row(&t, 1, (const double[]){NAN, NAN});
    assert_row(&t, 2, (const double[]){2.5, 7});
    assert_row(&t, 3, (const double[]){3, 8});
    ck_assert_uint_eq(t.n_skipped, 2);
    assert_skipped(&t, 0, "sym", "not numeric (first value \"x\" at line 2)");
    assert_skipped(&t, 1, "", "unnamed column (a row index?)");
    pdrift__table_free(&t);

    pdrift__table h;
    read_data_ok("hex_is_text.csv", &h);
    assert_skipped(&h, 0, "price", "not numeric (first value \"0x10\" at line 2)");
    pdrift__table_free(&h);
}
END_TEST

START_TEST(test_header_only_and_one_row)
{
    pdrift__table t;
    read_data_ok("header_only.csv", &t);
    static const char *const names[] = {"a", "b", "Date"};
    assert_names(&t, names, 3); /* no value: numeric, all (zero) missing */
    ck_assert_uint_eq(t.n_rows, 0);
    ck_assert_ptr_null(t.values);
    pdrift__table_free(&t);

    read_data_ok("one_row.csv", &t);
    ck_assert_uint_eq(t.n_rows, 1);
    assert_row(&t, 0, (const double[]){1, 2});
    pdrift__table_free(&t);

    char path[PATHCAP];
    WRITE_LITERAL(path, "header_no_newline.csv", "x,y");
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_columns, 2);
    ck_assert_uint_eq(t.n_rows, 0);
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_no_numeric_column)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "text_only.csv", ",Date,sym\n0,2020-01-02,A\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_columns, 0);
    ck_assert_uint_eq(t.n_rows, 1);
    ck_assert_ptr_null(t.names);
    ck_assert_ptr_null(t.values);
    ck_assert_uint_eq(t.n_skipped, 3);
    assert_skipped(&t, 0, "", "unnamed column (a row index?)");
    assert_skipped(&t, 1, "Date", "not numeric (first value \"2020-01-02\" at line 2)");
    assert_skipped(&t, 2, "sym", "not numeric (first value \"A\" at line 2)");
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_unnamed_columns_are_not_duplicates)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "two_unnamed.csv", ",,v\n1,2,3\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_columns, 1);
    ck_assert_uint_eq(t.n_skipped, 2);
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_skip_reason_escaped_and_cut)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "long_text.csv",
                  "s,t\n\"a \"\"q\"\" \\ b\tc\",ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    assert_skipped(&t, 0, "s", "not numeric (first value \"a \\\"q\\\" \\\\ b\\tc\" at line 2)");
    assert_skipped(&t, 1, "t",
                   "not numeric (first value \"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn...\" at "
                   "line 2)");
    pdrift__table_free(&t);
}
END_TEST

/* ---- malformed files ---------------------------------------------------------------- */

START_TEST(test_not_a_number)
{
    /* The example of pdrift_errmsg's documentation. */
    expect_data_failure("not_a_number.csv", PDRIFT_EFORMAT,
                        ":17:24: column \"rsi\": \"abc\" is not a number");
    char path[PATHCAP];
    WRITE_LITERAL(path, "nan_escaped.csv", "v\n1\n\"1\"\"5\"\n");
    expect_failure(path, PDRIFT_EFORMAT, ":3:1: column \"v\": \"1\\\"5\" is not a number");
    WRITE_LITERAL(path, "nan_long.csv",
                  "v\n1\n 0123456789012345678901234567890123456789012345678901234567890123x\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":3:2: column \"v\": \"0123456789012345678901234567890123456789...\" is not a "
                   "number");
    WRITE_LITERAL(path, "nan_latin1.csv", "v\n1\ncaf\xE9\n");
    expect_failure(path, PDRIFT_EFORMAT, ":3:1: column \"v\": \"caf\\xE9\" is not a number");
    WRITE_LITERAL(path, "nan_utf8.csv", "v\n1\ncaf\xC3\xA9\n");
    expect_failure(path, PDRIFT_EFORMAT, ":3:1: column \"v\": \"caf\xC3\xA9\" is not a number");
    WRITE_LITERAL(path, "nan_unnamed.csv", ",v\n1,1\n2,x\n");
    expect_failure(path, PDRIFT_EFORMAT, ":3:3: column \"v\": \"x\" is not a number");
}
END_TEST

START_TEST(test_field_count)
{
    expect_data_failure("too_many_fields.csv", PDRIFT_EFORMAT,
                        ":3:7: row has 5 fields but the header has 3 (a comma inside an unquoted "
                        "value?)");
    expect_data_failure("too_few_fields.csv", PDRIFT_EFORMAT,
                        ":3:4: row has 2 fields but the header has 3");
    char path[PATHCAP];
    WRITE_LITERAL(path, "one_field.csv", "a,b\r\n1,2\r\n3\r\n");
    expect_failure(path, PDRIFT_EFORMAT, ":3:2: row has 1 field but the header has 2");
    WRITE_LITERAL(path, "trailing_comma.csv", "a,b\n1,2,\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":2:5: row has 3 fields but the header has 2 (a comma inside an unquoted "
                   "value?)");
    WRITE_LITERAL(path, "last_line_short.csv", "a,b\n1,2\n3");
    expect_failure(path, PDRIFT_EFORMAT, ":3:2: row has 1 field but the header has 2");
}
END_TEST

START_TEST(test_unterminated_quote)
{
    expect_data_failure("unterminated_quote.csv", PDRIFT_EFORMAT,
                        ":3:3: column \"b\": unterminated quote: the quoted field opened here "
                        "never closes");
    char path[PATHCAP];
    WRITE_LITERAL(path, "unterminated_header.csv", "a,\"b\n1,2\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:3: header: unterminated quote: the quoted field opened here never closes");
}
END_TEST

START_TEST(test_junk_after_quote)
{
    expect_data_failure("junk_after_quote.csv", PDRIFT_EFORMAT,
                        ":2:6: column \"b\": unexpected 'x' after the closing quote (the field "
                        "starts at 2:3)");
    char path[PATHCAP];
    WRITE_LITERAL(path, "junk_header.csv", "\"a\" \"b\",c\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:5: header: unexpected '\"' after the closing quote (the field starts at "
                   "1:1)");
    WRITE_LITERAL(path, "junk_multiline.csv", "a,b\n1,\"x\ny\"\xC3\xA9\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":3:3: column \"b\": unexpected byte 0xC3 after the closing quote (the field "
                   "starts at 2:3)");
}
END_TEST

START_TEST(test_nul_bytes)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "nul_data.csv", "a,b\n1,2\n3,4\0\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":3:4: NUL byte: not a text file (binary data, or UTF-16 text?)");
    WRITE_LITERAL(path, "nul_quoted.csv", "a,b\n1,\"x\n\0\"\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":3:1: NUL byte: not a text file (binary data, or UTF-16 text?)");
    WRITE_LITERAL(path, "nul_header.csv", "a\0,b\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:2: NUL byte: not a text file (binary data, or UTF-16 text?)");
    /* UTF-16 without a byte order mark. */
    WRITE_LITERAL(path, "utf16_nobom.csv", "a\0,\0b\0\n\0");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:2: NUL byte: not a text file (binary data, or UTF-16 text?)");
    WRITE_LITERAL(path, "utf16.csv", "\xFF\xFE" "a\0,\0b\0\n\0");
    expect_failure(path, PDRIFT_EFORMAT,
                   ": UTF-16 text (byte order mark FF FE): save the file as UTF-8");
    WRITE_LITERAL(path, "utf16be.csv", "\xFE\xFF\0a\0,\0b\0\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ": UTF-16 text (byte order mark FE FF): save the file as UTF-8");
}
END_TEST

START_TEST(test_invalid_utf8_header)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "latin1.csv", "prix,qualit\xE9\n1,2\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:12: header: invalid UTF-8 (byte 0xE9): save the file as UTF-8");
    /* Overlong, surrogate, beyond U+10FFFF, truncated sequences. */
    static const char *const bad[] = {"a,\xC0\xAF\n", "a,\xED\xA0\x80\n", "a,\xF4\x90\x80\x80\n",
                                      "a,\xE2\x82\n", "a,\x80\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_temp(path, "bad_utf8.csv", bad[i], strlen(bad[i]));
        char suffix[128];
        snprintf(suffix, sizeof suffix,
                 ":1:3: header: invalid UTF-8 (byte 0x%02X): save the file as UTF-8",
                 (unsigned)(unsigned char)bad[i][2]);
        expect_failure(path, PDRIFT_EFORMAT, suffix);
    }
    /* Valid UTF-8, multi-byte, with a BOM (not counted in columns). */
    WRITE_LITERAL(path, "utf8.csv", "\xEF\xBB\xBF\xE2\x82\xAC,\xF0\x9F\x93\x88,\xC3\xA9\n1,2,3\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_str_eq(t.names[0], "\xE2\x82\xAC");
    ck_assert_str_eq(t.names[1], "\xF0\x9F\x93\x88");
    pdrift__table_free(&t);
    WRITE_LITERAL(path, "bom_dup.csv", "\xEF\xBB\xBF" "a,a\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:3: duplicate column name \"a\" (fields 1 and 2, at 1:1 and 1:3)");
}
END_TEST

/* A column name is shown in reports, logs and terminals: a control
 * character in it that could drive a terminal (an escape sequence from a
 * hostile file, a backspace, a bell, DEL) is refused at its position; tabs
 * and a quoted name's line breaks are text (test_quoted_header_names). */
START_TEST(test_control_characters_in_names)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "name_escape.csv", "a,b\x1b[31mred,c\n1,2,3\n");
    expect_failure(path, PDRIFT_EFORMAT, ":1:4: header: control character (byte 0x1B) in a column name");
    WRITE_LITERAL(path, "name_backspace.csv", "a,\"b\nc\x08\"\n1,2\n");
    expect_failure(path, PDRIFT_EFORMAT, ":2:2: header: control character (byte 0x08) in a column name");
    WRITE_LITERAL(path, "name_bell.csv", "\x07" "a,b\n1,2\n");
    expect_failure(path, PDRIFT_EFORMAT, ":1:1: header: control character (byte 0x07) in a column name");
    WRITE_LITERAL(path, "name_del.csv", "a\x7f,b\n1,2\n");
    expect_failure(path, PDRIFT_EFORMAT, ":1:2: header: control character (byte 0x7F) in a column name");
    /* a tab inside a name, blanks around it, UTF-8 letters: fine */
    WRITE_LITERAL(path, "name_text.csv", "a\tb\t, \xc3\xa9t\xc3\xa9 \n1,2\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    static const char *const names[] = {"a\tb", "\xc3\xa9t\xc3\xa9"};
    assert_names(&t, names, 2);
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_duplicate_names)
{
    expect_data_failure("duplicate_names.csv", PDRIFT_EFORMAT,
                        ":1:7: duplicate column name \"b\" (fields 2 and 4, at 1:3 and 1:7)");
    char path[PATHCAP];
    /* The first repeated name in file order; blanks around names do not count. */
    WRITE_LITERAL(path, "dup3.csv", "x,a,b,a , b,a\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:7: duplicate column name \"a\" (fields 2 and 4, at 1:3 and 1:7)");
}
END_TEST

START_TEST(test_wrong_separator)
{
    expect_data_failure("semicolon.csv", PDRIFT_EFORMAT,
                        ":1:1: the header is a single field \"Date;Open;Close\": the separator "
                        "must be a comma (this file seems to use ';')");
    expect_data_failure("tab_separated.csv", PDRIFT_EFORMAT,
                        ":1:1: the header is a single field \"Date\\tOpen\\tClose\": the separator "
                        "must be a comma (this file seems to use tabs)");
    /* A one-column file whose name holds no separator is fine. */
    char path[PATHCAP];
    WRITE_LITERAL(path, "single.csv", "close\n1\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_columns, 1);
    pdrift__table_free(&t);
    /* Latin-1 and ';' together: the separator is the first thing to fix. */
    WRITE_LITERAL(path, "semicolon_latin1.csv", "Datum;Schlu\xDF\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:1: the header is a single field \"Datum;Schlu\\xDF\": the separator must "
                   "be a comma (this file seems to use ';')");
}
END_TEST

/* A first line of numbers is data, not a header (MT4 exports have none). */
START_TEST(test_headerless_file)
{
    expect_data_failure("mt4_headerless.csv", PDRIFT_EFORMAT,
                        ":1:1: no header row: the first line holds numbers (\"1.13670\", ...); "
                        "add a header line naming the columns");
    char path[PATHCAP];
    /* Numbers only, one column: no "..." */
    WRITE_LITERAL(path, "numbers_one.csv", "1.5\n2.5\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:1: no header row: the first line holds numbers (\"1.5\"); add a header "
                   "line naming the columns");
    /* Blank lines first, blanks, empty fields, quotes, a BOM and CRLF. */
    WRITE_LITERAL(path, "numbers_late.csv", "\xEF\xBB\xBF\n \r\n  \"-2e3\", ,7,\r\n1,2,3,4\r\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":3:3: no header row: the first line holds numbers (\"-2e3\", ...); add a "
                   "header line naming the columns");
    /* Before: "duplicate column name". The numbers are reported first. */
    WRITE_LITERAL(path, "numbers_dup.csv", "2020-01-02,1.1,1.1,1.2\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:1: no header row: the first line holds numbers (\"1.1\", ...); add a "
                   "header line naming the columns");
    WRITE_LITERAL(path, "numbers_iso.csv", "2020-01-02T09:30:00Z,20200102 093000,1/2/2020,3\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:1: no header row: the first line holds numbers (\"3\", ...); add a "
                   "header line naming the columns");
    WRITE_LITERAL(path, "numbers_inf.csv", "inf,-1\n");
    expect_failure(path, PDRIFT_EFORMAT,
                   ":1:1: no header row: the first line holds numbers (\"inf\", ...); add a "
                   "header line naming the columns");

    /* Legitimate headers: one plausible name is enough. */
    static const char *const fine[] = {
        "Date,2020,2021\nx,1,2\n",             /* years with a word */
        "2020,abc\n1,2\n",                     /* a number and a name */
        "2019.07.01 00:00,1.1,close\n1,2,3\n", /* a date, a number, a name */
        "2020-01,2020-02\n1,2\n",              /* dates only: no number */
        "NA,1\n2,3\n",                         /* a missing marker is a plausible name */
        ",,v\n1,2,3\n",                        /* unnamed columns and a name */
        ",\n1,2\n",                            /* no name, and no number either */
        "1st,2nd\n1,2\n",                      /* digits first, but words */
        "0x10,1\n1,2\n",                       /* a hexadecimal float is text */
    };
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
        write_temp(path, "fine_header.csv", fine[i], strlen(fine[i]));
        pdrift__table t;
        read_ok(path, 0, &t);
        ck_assert_uint_eq(t.n_rows, 1);
        pdrift__table_free(&t);
    }
    pdrift__table t;
    WRITE_LITERAL(path, "years.csv", "Date,2020,2021\n2020-01-02,1.5,2.5\n");
    read_ok(path, 0, &t);
    static const char *const names[] = {"2020", "2021"};
    assert_names(&t, names, 2);
    pdrift__table_free(&t);
}
END_TEST

START_TEST(test_empty_files)
{
    expect_data_failure("empty.csv", PDRIFT_EFORMAT, ": empty file (no header row)");
    char path[PATHCAP];
    WRITE_LITERAL(path, "blank_only.csv", "\n \r\n\t\n");
    expect_failure(path, PDRIFT_EFORMAT, ": empty file (no header row)");
    WRITE_LITERAL(path, "bom_only.csv", "\xEF\xBB\xBF");
    expect_failure(path, PDRIFT_EFORMAT, ": empty file (no header row)");
}
END_TEST

START_TEST(test_quoted_newline_counts_as_line)
{
    expect_data_failure("quoted_newline_error.csv", PDRIFT_EFORMAT,
                        ":4:3: column \"w\": \"oops\" is not a number");
}
END_TEST

START_TEST(test_io_errors)
{
    char path[PATHCAP];
    snprintf(path, sizeof path, "%s/does-not-exist.csv", tmpdir);
    expect_failure(path, PDRIFT_EIO, ": cannot open: No such file or directory");
    expect_failure(tmpdir, PDRIFT_EIO, ": is a directory");
    if (geteuid() != 0) { /* root reads anything */
        WRITE_LITERAL(path, "unreadable.csv", "a\n1\n");
        ck_assert_int_eq(chmod(path, 0), 0);
        expect_failure(path, PDRIFT_EIO, ": cannot open: Permission denied");
    }
    /* A FIFO without a writer must not hang: it reads as empty. */
    snprintf(path, sizeof path, "%s/fifo.csv", tmpdir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    expect_failure(path, PDRIFT_EFORMAT, ": empty file (no header row)");
    unlink(path);
    /* An endless device stops at its first NUL. */
    expect_failure("/dev/zero", PDRIFT_EFORMAT,
                   ":1:1: NUL byte: not a text file (binary data, or UTF-16 text?)");
}
END_TEST

START_TEST(test_pipe_input)
{
    /* A pipe is read to its end, in pieces. */
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        static const char text[] = "a,b\n1,2\n3,4\n";
        for (size_t i = 0; i < sizeof text - 1; i++) {
            if (write(fds[1], text + i, 1) != 1)
                _exit(1);
            sleep_ms(1);
        }
        _exit(0);
    }
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    pdrift__table t;
    read_ok(path, 8, &t);
    ck_assert_uint_eq(t.n_rows, 2);
    assert_row(&t, 1, (const double[]){3, 4});
    pdrift__table_free(&t);
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(test_arguments_and_message_buffer)
{
    pdrift__table t;
    char err[ERRCAP];
    ck_assert_int_eq(pdrift__table_read(NULL, &t, err, sizeof err), PDRIFT_EINVAL);
    ck_assert(is_zeroed(&t));
    ck_assert_str_eq(err, "invalid argument: path is NULL");
    ck_assert_int_eq(pdrift__table_read("x.csv", NULL, err, sizeof err), PDRIFT_EINVAL);
    char path[PATHCAP];
    data_path(path, "not_a_number.csv");
    /* No message buffer, or a tiny one: same status, no overflow. */
    ck_assert_int_eq(pdrift__table_read(path, &t, NULL, 0), PDRIFT_EFORMAT);
    ck_assert_int_eq(pdrift__table_read(path, &t, err, 0), PDRIFT_EFORMAT);
    char small[8];
    memset(small, 'x', sizeof small);
    ck_assert_int_eq(pdrift__table_read(path, &t, small, 5), PDRIFT_EFORMAT);
    ck_assert_uint_eq(strlen(small), 4);
    ck_assert_int_eq(small[7], 'x');
    /* Success clears the message. */
    data_path(path, "one_row.csv");
    strcpy(err, "stale");
    read_ok(path, 0, &t);
    pdrift__table_free(&t);
}
END_TEST

/* ---- numbers and locales ---------------------------------------------------------- */

/* A random decimal string of strtod's syntax: a few shapes that reach the
 * fast path, long mantissas, huge and tiny exponents, leading zeros. */
static void random_decimal(char *s, size_t cap)
{
    size_t n = 0;
    const size_t r = rand_below(3);
    if (r == 0)
        s[n++] = '-';
    else if (r == 1 && rand_below(4) == 0)
        s[n++] = '+';
    size_t int_digits = rand_below(4) == 0 ? rand_below(25) : rand_below(8);
    size_t frac_digits = rand_below(3) == 0 ? 0 : rand_below(rand_below(4) == 0 ? 30 : 10);
    if (int_digits == 0 && frac_digits == 0)
        int_digits = 1;
    for (size_t i = 0; i < int_digits; i++)
        s[n++] = (char)('0' + (i == 0 && rand_below(5) == 0 ? 0 : rand_below(10)));
    if (frac_digits > 0 || rand_below(8) == 0) {
        s[n++] = '.';
        for (size_t i = 0; i < frac_digits; i++)
            s[n++] = (char)('0' + rand_below(10));
    }
    if (rand_below(3) == 0) {
        long e = (long)rand_below(rand_below(3) == 0 ? 700 : 50) - (rand_below(2) ? 350 : 25);
        n += (size_t)snprintf(s + n, cap - n, "%c%ld", rand_below(2) ? 'e' : 'E', e);
    }
    s[n] = '\0';
}

static const char *const tricky_numbers[] = {
    "9007199254740993",        "9007199254740992",        "9007199254740991",
    "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9406564584124654e-324",
    "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
    "1.7976931348623158e308",  "1.7976931348623159e308",  "0.1",
    "0.3",                     "1e22",                    "1e23",
    "123456789012345678901234567890", "0.000000000000000000000000000000000001",
    "3.14159265358979323846264338327950288419716939937510",
    "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
    "1.00000000000000011102230246251565404236316680908203126",
    "89255.0e-22",             "4503599627370496.5",      "4503599627370497.5",
    "1e-22",                   "1e-23",                   "8.5e-22",
};

START_TEST(test_cells_equal_strtod)
{
    char s[128];
    double v;
    for (size_t k = 0; k < sizeof tricky_numbers / sizeof tricky_numbers[0]; k++) {
        ck_assert_int_eq(pdrift__csv_cell(tricky_numbers[k], strlen(tricky_numbers[k]), 0, &v),
                         PDRIFT__CELL_NUMBER);
        double ref = strtod(tricky_numbers[k], NULL);
        ck_assert_msg(same_bits(v, ref), "%s: %a vs strtod %a", tricky_numbers[k], v, ref);
    }
    for (size_t k = 0; k < fewer(200000); k++) {
        random_decimal(s, sizeof s);
        ck_assert_msg(pdrift__csv_cell(s, strlen(s), 0, &v) == PDRIFT__CELL_NUMBER, "%s", s);
        double ref = strtod(s, NULL);
        ck_assert_msg(same_bits(v, ref), "%s: %a vs strtod %a", s, v, ref);
    }
}
END_TEST

START_TEST(test_file_values_equal_strtod)
{
    enum { N = 5000 };
    static char strings[N][128];
    size_t cap = (size_t)N * 140 + 64, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "i,value\n");
    for (size_t k = 0; k < N; k++) {
        if (k < sizeof tricky_numbers / sizeof tricky_numbers[0])
            snprintf(strings[k], sizeof strings[k], "%s", tricky_numbers[k]);
        else
            random_decimal(strings[k], sizeof strings[k]);
        /* quoted or padded now and then: still a number */
        const char *fmt = k % 7 == 0 ? "%zu,\"%s\"\n" : k % 5 == 0 ? "%zu,  %s\t\n" : "%zu,%s\n";
        len += (size_t)snprintf(text + len, cap - len, fmt, k, strings[k]);
    }
    char path[PATHCAP];
    write_temp(path, "strtod.csv", text, len);
    free(text);
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_rows, N);
    for (size_t k = 0; k < N; k++) {
        double ref = strtod(strings[k], NULL);
        ck_assert_msg(same_bits(t.values[2 * k + 1], ref), "%s: %a vs strtod %a", strings[k],
                      t.values[2 * k + 1], ref);
    }
    pdrift__table_free(&t);
}
END_TEST

/* Make LC_NUMERIC a comma-decimal locale: an installed one, else one compiled
 * with localedef into the temporary directory. 0 if none can be had. */
static int comma_locale(char *name, size_t cap)
{
    static const char *const candidates[] = {
        "de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR.utf8", "fr_FR",
        "nl_NL.UTF-8", "es_ES.UTF-8", "it_IT.UTF-8", "ru_RU.UTF-8", "pt_BR.UTF-8",
    };
    for (int attempt = 0; attempt < 2; attempt++) {
        for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
            if (setlocale(LC_NUMERIC, candidates[i]) &&
                strcmp(localeconv()->decimal_point, ",") == 0) {
                snprintf(name, cap, "%s", candidates[i]);
                return 1;
            }
        }
        setlocale(LC_NUMERIC, "C");
        if (attempt == 0) {
            /* localedef ships with glibc; the locale sources with Debian's
             * "locales" package. */
            char cmd[PATHCAP + 128];
            snprintf(cmd, sizeof cmd,
                     "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' >/dev/null 2>&1", tmpdir);
            if (system(cmd) != 0)
                return 0;
            setenv("LOCPATH", tmpdir, 1);
        }
    }
    return 0;
}

START_TEST(test_comma_decimal_locale)
{
    char name[64];
    if (!comma_locale(name, sizeof name)) {
        fprintf(stderr, "check_csv: no comma-decimal locale available, locale test skipped\n");
        return;
    }
    ck_assert_msg(strtod("1.5", NULL) == 1.0, "%s does not read '.' as a decimal point", name);
    char path[PATHCAP];
    /* "2,5", the host's way of writing 2.5, is not a number of the format. */
    WRITE_LITERAL(path, "locale_comma.csv", "a,b\n1.5,1\n\"2,5\",2\n");
    expect_failure(path, PDRIFT_EFORMAT, ":3:1: column \"a\": \"2,5\" is not a number");
    WRITE_LITERAL(path, "locale_ok.csv", "a,b\n1.5,0.1234567890123456789\n-2.75,3.25e-7\n");
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert(t.values[0] == 1.5);
    ck_assert(t.values[2] == -2.75);
    /* The slow path (strtod) too. */
    setlocale(LC_NUMERIC, "C");
    double ref1 = strtod("0.1234567890123456789", NULL), ref2 = strtod("3.25e-7", NULL);
    ck_assert(setlocale(LC_NUMERIC, name) != NULL);
    ck_assert(same_bits(t.values[1], ref1));
    ck_assert(same_bits(t.values[3], ref2));
    pdrift__table_free(&t);
    /* The process's locale is untouched. */
    ck_assert_str_eq(localeconv()->decimal_point, ",");

    /* A thread locale set with uselocale is restored as it was. (duplocale,
     * not newlocale: glibc's newlocale leaks under LOCPATH, which LSan sees.) */
    locale_t mine = duplocale(LC_GLOBAL_LOCALE);
    ck_assert(mine != (locale_t)0);
    setlocale(LC_NUMERIC, "C");
    ck_assert(uselocale(mine) != (locale_t)0);
    read_ok(path, 0, &t);
    ck_assert(t.values[0] == 1.5);
    pdrift__table_free(&t);
    ck_assert(uselocale((locale_t)0) == mine);
    ck_assert_str_eq(localeconv()->decimal_point, ",");
    uselocale(LC_GLOBAL_LOCALE);
    freelocale(mine);
}
END_TEST

START_TEST(test_global_locale_restored)
{
    char path[PATHCAP];
    data_path(path, "one_row.csv");
    ck_assert(uselocale((locale_t)0) == LC_GLOBAL_LOCALE);
    pdrift__table t;
    read_ok(path, 0, &t);
    pdrift__table_free(&t);
    ck_assert(uselocale((locale_t)0) == LC_GLOBAL_LOCALE);
    data_path(path, "not_a_number.csv");
    expect_failure(path, PDRIFT_EFORMAT, ":17:24: column \"rsi\": \"abc\" is not a number");
    ck_assert(uselocale((locale_t)0) == LC_GLOBAL_LOCALE);
}
END_TEST

/* ---- chunked reading, size, hostile input ---------------------------------------------- */

static const char *const data_files[] = {
    "yahoo_ohlcv.csv",     "dukascopy_fx.csv",        "pandas_index.csv",
    "pandas_unnamed.csv",  "quoted.csv",              "na_markers.csv",
    "spaces_inf.csv",      "blank_lines.csv",         "all_missing.csv",
    "header_only.csv",     "one_row.csv",             "hex_is_text.csv",
    "not_a_number.csv",    "too_many_fields.csv",     "too_few_fields.csv",
    "unterminated_quote.csv", "junk_after_quote.csv", "duplicate_names.csv",
    "semicolon.csv",       "tab_separated.csv",       "empty.csv",
    "quoted_newline_error.csv", "mt4_headerless.csv", "close_only.csv",
    "price_volume.csv",    "yahoo_null_row.csv",
};

START_TEST(test_buffer_size_does_not_matter)
{
    char path[PATHCAP];
    for (size_t i = 0; i < sizeof data_files / sizeof data_files[0]; i++) {
        data_path(path, data_files[i]);
        assert_buffer_independent(path);
    }
    /* Line ends and quotes at every offset of a chunk boundary. */
    static const char *const texts[] = {
        "\xEF\xBB\xBF" "a,b\r\n1,\"2\"\r\n\r\n\"3\"\"\",4\r\n5,6",
        "a,b\r1,2\r\r3,\"4\r\"\r5,6\r",
        "a,b\n  1  ,  \"2\"  \n\t\n3,\"x\"y\n",
        "x\n1\n\"2\n\n\n\"\n",
        "a,b,c\n1,2,3\n4,5,6,7,8,9,\"10\n",
        "a,\"b\n",
        "a,b\n1,2\n3,4\0",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        write_temp(path, "chunks.csv", texts[i], strlen(texts[i]) + (i == 6));
        assert_buffer_independent(path);
    }
}
END_TEST

/* Random files from a small alphabet of the characters that matter. Whatever
 * the bytes, the reader returns (no crash, no hang), a failure names the file
 * and leaves the table empty, and the buffer size changes nothing. */
START_TEST(test_hostile_random_files)
{
    static const char alphabet[] = {',', ',', '"', '\n', '\r', ' ', '\t', '1', '2', '.', 'e',
                                    '-', 'a', 'N', 'A', ';', '\0', (char)0xC3, (char)0xA9,
                                    (char)0xFF, '#', 'i', 'n', 'f'};
    char path[PATHCAP];
    char bytes[200];
    for (size_t iter = 0; iter < fewer(1500); iter++) {
        size_t len = rand_below(sizeof bytes);
        for (size_t i = 0; i < len; i++)
            bytes[i] = alphabet[rand_below(sizeof alphabet)];
        if (iter % 3 == 0 && len > 4) /* mostly valid headers for deeper paths */
            memcpy(bytes, "a,b\n", 4);
        write_temp(path, "random.csv", bytes, len);
        pdrift__table a, b;
        char err_a[ERRCAP], err_b[ERRCAP];
        int rc_a = pdrift__table_read(path, &a, err_a, sizeof err_a);
        int rc_b = pdrift__table_read_buffered(path, 8, &b, err_b, sizeof err_b);
        assert_same_result(rc_a, err_a, &a, rc_b, err_b, &b, "random file");
        if (rc_a != PDRIFT_OK) {
            ck_assert_int_eq(rc_a, PDRIFT_EFORMAT);
            ck_assert(is_zeroed(&a));
            ck_assert(strncmp(err_a, path, strlen(path)) == 0);
        } else {
            ck_assert_uint_ge(a.n_columns + a.n_skipped, 1);
        }
        pdrift__table_free(&a);
        pdrift__table_free(&b);
    }
}
END_TEST

START_TEST(test_long_records)
{
    /* A 3 MB quoted text, and a 3 MB unterminated quote: the buffer grows
     * (from 256 KB; 1 MB under valgrind). */
    size_t n = under_valgrind() ? 1u << 20 : 3u << 20;
    char *text = malloc(n + 64);
    size_t len = (size_t)sprintf(text, "note,v\n\"");
    memset(text + len, 'x', n);
    len += n;
    len += (size_t)sprintf(text + len, "\",1.5\n\"y\",2\n");
    char path[PATHCAP];
    write_temp(path, "long_field.csv", text, len);
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_rows, 2);
    ck_assert(t.values[0] == 1.5 && t.values[1] == 2);
    ck_assert_uint_eq(strlen(t.skipped_reasons[0]),
                      strlen("not numeric (first value \"\" at line 2)") + 40 + 3);
    pdrift__table_free(&t);
    write_temp(path, "long_unterminated.csv", text, 7 + n / 2);
    expect_failure(path, PDRIFT_EFORMAT,
                   ":2:1: column \"note\": unterminated quote: the quoted field opened here "
                   "never closes");
    /* A 3 MB number (strtod reads it) in a numeric column. */
    len = (size_t)sprintf(text, "v\n1\n0.");
    memset(text + len, '3', n);
    len += n;
    text[len++] = '\n';
    write_temp(path, "long_number.csv", text, len);
    read_ok(path, 0, &t);
    ck_assert(t.values[1] == strtod("0.33333333333333333333333333", NULL));
    pdrift__table_free(&t);
    free(text);
}
END_TEST

START_TEST(test_wide_header)
{
    /* 50,000 columns and a repeated name at the end: duplicate detection
     * stays O(n log n) and names both positions. */
    enum { W = 50000 };
    size_t cap = (size_t)W * 16, len = 0, first_col = 0;
    char *text = malloc(cap);
    for (size_t j = 0; j < W; j++) {
        if (j == 17)
            first_col = len + 2; /* after the comma, 1-based */
        len += (size_t)snprintf(text + len, cap - len, "%sc%zu", j ? "," : "", j);
    }
    size_t second_col = len + 2;
    len += (size_t)snprintf(text + len, cap - len, ",c17\n");
    char path[PATHCAP];
    write_temp(path, "wide.csv", text, len);
    free(text);
    char suffix[160];
    snprintf(suffix, sizeof suffix,
             ":1:%zu: duplicate column name \"c17\" (fields 18 and %d, at 1:%zu and 1:%zu)",
             second_col, W + 1, first_col, second_col);
    expect_failure(path, PDRIFT_EFORMAT, suffix);
}
END_TEST

START_TEST(test_big_file)
{
    /* 40,000 rows x (Date + 30 values): every value read back exactly. */
    enum { COLS = 30 };
    const size_t ROWS = fewer(40000);
    double *ref = malloc((size_t)ROWS * COLS * sizeof *ref);
    char path[PATHCAP];
    snprintf(path, sizeof path, "%s/big.csv", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "Date");
    for (int j = 0; j < COLS; j++)
        fprintf(f, ",f%d", j);
    fprintf(f, "\r\n");
    for (size_t i = 0; i < ROWS; i++) {
        fprintf(f, "2020-01-%02zu", i % 28 + 1);
        for (size_t j = 0; j < COLS; j++) {
            uint64_t r = next_u64();
            double v = ((double)(r >> 11) * 0x1p-53 - 0.5) * 200.0;
            if (r % 97 == 0)
                v = NAN;
            char cell[64] = "";
            if (!isnan(v))
                snprintf(cell, sizeof cell, j % 3 == 0 ? "%.4f" : "%.17g", v);
            ref[i * COLS + j] = isnan(v) ? v : strtod(cell, NULL);
            fprintf(f, ",%s", cell);
        }
        fprintf(f, "\r\n");
    }
    ck_assert_int_eq(fclose(f), 0);
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_rows, ROWS);
    ck_assert_uint_eq(t.n_columns, COLS);
    for (size_t k = 0; k < (size_t)ROWS * COLS; k++)
        ck_assert_msg(same_bits(t.values[k], ref[k]) || (isnan(t.values[k]) && isnan(ref[k])),
                      "value %zu: %.17g vs %.17g", k, t.values[k], ref[k]);
    pdrift__table_free(&t);
    free(ref);
}
END_TEST

/* ---- input limits (PDRIFT_PARAM_MAX_*) ---------------------------------------------------- */

static pdrift__limits default_limits(void)
{
    pdrift__limits l = {PDRIFT__DEFAULT_MAX_LINE_BYTES, PDRIFT__DEFAULT_MAX_COLUMNS,
                        PDRIFT__DEFAULT_MAX_ROWS, PDRIFT__DEFAULT_MAX_MEMORY};
    return l;
}

/* Read under limits with a given buffer; the status, the message in err and,
 * on success, the table's size. */
static int read_limited(const char *path, const pdrift__limits *limits, size_t buffer, char *err,
                        size_t *rows, size_t *cols)
{
    pdrift__table_options opts;
    memset(&opts, 0, sizeof opts);
    opts.buffer_size = buffer;
    opts.limits = limits;
    pdrift__table t;
    int rc = pdrift__table_read_with(path, &opts, &t, err, ERRCAP);
    *rows = t.n_rows;
    *cols = t.n_columns;
    if (rc != PDRIFT_OK)
        ck_assert(is_zeroed(&t));
    pdrift__table_free(&t);
    return rc;
}

/* The file passes under `pass` and fails under `fail` with path + suffix,
 * whatever the read buffer (so both the check of a complete record and the
 * early one before a refill are exercised). */
static void expect_limit(const char *path, const pdrift__limits *pass, const pdrift__limits *fail,
                         const char *suffix, size_t rows, size_t cols)
{
    static const size_t buffers[] = {0, 8, 9, 10, 11, 13, 16, 17, 31, 64};
    char err[ERRCAP], expected[ERRCAP + PATHCAP];
    snprintf(expected, sizeof expected, "%s%s", path, suffix);
    for (size_t k = 0; k < sizeof buffers / sizeof buffers[0]; k++) {
        size_t r, c;
        int rc = read_limited(path, pass, buffers[k], err, &r, &c);
        ck_assert_msg(rc == PDRIFT_OK, "buffer %zu: rc %d: %s", buffers[k], rc, err);
        ck_assert_uint_eq(r, rows);
        ck_assert_uint_eq(c, cols);
        rc = read_limited(path, fail, buffers[k], err, &r, &c);
        ck_assert_msg(rc == PDRIFT_EDATA, "buffer %zu: rc %d (%s)", buffers[k], rc, err);
        ck_assert_str_eq(err, expected);
    }
}

START_TEST(test_limit_line_bytes)
{
    /* The longest record is line 3's 12 bytes; line ends are not counted. */
    static const char *const eols[] = {"\n", "\r\n", "\r"};
    for (size_t e = 0; e < 3; e++) {
        char text[256], path[PATHCAP], name[32];
        const char *eol = eols[e];
        int n = snprintf(text, sizeof text, "a,b%s1.5,2%s123456.789,1%s7,8%s", eol, eol, eol, eol);
        snprintf(name, sizeof name, "limit_line_%zu.csv", e);
        write_temp(path, name, text, (size_t)n);
        pdrift__limits pass = default_limits(), fail = default_limits();
        pass.max_line_bytes = 12;
        fail.max_line_bytes = 11;
        expect_limit(path, &pass, &fail,
                     ":3:12: line longer than 11 bytes, the limit max_line_bytes (raise the "
                     "parameter max_line_bytes to read this file)",
                     3, 2);
    }
    /* A record spanning lines inside quotes counts whole; the position is
     * the first byte beyond the limit (the "1" on line 3). */
    char path[PATHCAP];
    WRITE_LITERAL(path, "limit_quoted.csv", "n,v\n\"x\ny\",1\n\"z\",2\n");
    pdrift__limits pass = default_limits(), fail = default_limits();
    pass.max_line_bytes = 7;
    fail.max_line_bytes = 6;
    expect_limit(path, &pass, &fail,
                 ":3:4: line longer than 6 bytes, the limit max_line_bytes (raise the parameter "
                 "max_line_bytes to read this file)",
                 2, 1);
    /* The header too; and a record far longer than the limit is refused
     * before the buffer grows to hold it. */
    WRITE_LITERAL(path, "limit_header.csv", "alpha,beta\n1,2\n");
    pass.max_line_bytes = 10;
    fail.max_line_bytes = 9;
    expect_limit(path, &pass, &fail,
                 ":1:10: line longer than 9 bytes, the limit max_line_bytes (raise the parameter "
                 "max_line_bytes to read this file)",
                 1, 2);
    size_t big = 1u << 20;
    char *text = malloc(big + 16);
    memcpy(text, "v\n", 2);
    memset(text + 2, '7', big);
    memcpy(text + 2 + big, "\n", 1);
    write_temp(path, "limit_big_line.csv", text, big + 3);
    free(text);
    char err[ERRCAP];
    size_t r, c;
    fail.max_line_bytes = 100;
    ck_assert_int_eq(read_limited(path, &fail, 64, err, &r, &c), PDRIFT_EDATA);
    ck_assert_msg(strstr(err, ":2:101: line longer than 100 bytes") != NULL, "%s", err);
}
END_TEST

/* A record of exactly the limit whose CRLF is cut by the end of the buffer
 * is read (the early check allows for the CR), at every buffer size. */
START_TEST(test_limit_line_bytes_crlf_at_buffer_end)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "limit_crlf.csv", "a,b\r\n10.25,2\r\n3,4\r\n");
    pdrift__limits l = default_limits();
    l.max_line_bytes = 7;
    for (size_t buffer = 8; buffer <= 40; buffer++) {
        char err[ERRCAP];
        size_t r, c;
        ck_assert_msg(read_limited(path, &l, buffer, err, &r, &c) == PDRIFT_OK, "buffer %zu: %s",
                      buffer, err);
        ck_assert_uint_eq(r, 2);
    }
}
END_TEST

/* A record over max_line_bytes that also holds another error: what lies
 * beyond the limit's first max_line_bytes + 2 bytes never decides the
 * report, so every read buffer gives the same one — the length when the
 * other error lies beyond, the other error when it lies within. */
START_TEST(test_limit_line_bytes_with_another_error)
{
    static const size_t buffers[] = {0, 8, 9, 13, 16, 17, 31, 64, 200};
#define LIMIT_CASE(name, text, suffix, status) {name, text, sizeof(text) - 1, suffix, status}
    static const struct {
        const char *name, *text;
        size_t len;
        const char *suffix; /* after the path */
        int status;
    } cases[] = {
        /* line 2 (3 for the blank line) is longer than the limit, 10 bytes */
        LIMIT_CASE("beyond_nul.csv", "a,b\n1.25,2.5555555\0007\n",
         ":2:11: line longer than 10 bytes, the limit max_line_bytes (raise the parameter "
         "max_line_bytes to read this file)", PDRIFT_EDATA),
        LIMIT_CASE("beyond_fields.csv", "a,b\n1.25,2.5555,9,9\n",
         ":2:11: line longer than 10 bytes, the limit max_line_bytes (raise the parameter "
         "max_line_bytes to read this file)", PDRIFT_EDATA),
        LIMIT_CASE("beyond_quote.csv", "a,b\n1.25,2.55555\"77\n",
         ":2:11: line longer than 10 bytes, the limit max_line_bytes (raise the parameter "
         "max_line_bytes to read this file)", PDRIFT_EDATA),
        LIMIT_CASE("blank_line.csv", "a,b\n1,2\n                \n3,4\n",
         ":3:11: line longer than 10 bytes, the limit max_line_bytes (raise the parameter "
         "max_line_bytes to read this file)", PDRIFT_EDATA),
        /* the other error within the limit is itself; too many fields are
         * counted to the record's end, which lies beyond: the length */
        LIMIT_CASE("within_nul.csv", "a,b\n1,\0002,33333333333\n",
         ":2:3: NUL byte: not a text file (binary data, or UTF-16 text?)", PDRIFT_EFORMAT),
        LIMIT_CASE("fields_to_the_end.csv", "a,b\n1,2,3,4444444444444\n",
         ":2:11: line longer than 10 bytes, the limit max_line_bytes (raise the parameter "
         "max_line_bytes to read this file)", PDRIFT_EDATA),
    };
    pdrift__limits l = default_limits();
    l.max_line_bytes = 10;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[PATHCAP], err[ERRCAP], expected[ERRCAP + PATHCAP];
        write_temp(path, cases[k].name, cases[k].text, cases[k].len);
        snprintf(expected, sizeof expected, "%s%s", path, cases[k].suffix);
        for (size_t b = 0; b < sizeof buffers / sizeof buffers[0]; b++) {
            size_t r, c;
            int rc = read_limited(path, &l, buffers[b], err, &r, &c);
            ck_assert_msg(rc == cases[k].status && strcmp(err, expected) == 0,
                          "%s, buffer %zu: rc %d: %s", cases[k].name, buffers[b], rc, err);
        }
    }
#undef LIMIT_CASE
}
END_TEST

START_TEST(test_limit_columns)
{
    char path[PATHCAP];
    WRITE_LITERAL(path, "limit_columns.csv", "d,a,b\n2024-01-02,1,2\n2024-01-03,3,4\n");
    pdrift__limits pass = default_limits(), fail = default_limits();
    pass.max_columns = 3; /* the text column counts: it is a field of the header */
    fail.max_columns = 2;
    expect_limit(path, &pass, &fail,
                 ":1:5: header has more than 2 columns, the limit max_columns (raise the "
                 "parameter max_columns to read this file)",
                 2, 2);
    fail.max_columns = 1;
    char err[ERRCAP];
    size_t r, c;
    ck_assert_int_eq(read_limited(path, &fail, 0, err, &r, &c), PDRIFT_EDATA);
    ck_assert_msg(strstr(err, ":1:3: header has more than 1 column, the limit") != NULL, "%s", err);
}
END_TEST

START_TEST(test_limit_rows)
{
    /* 100 rows, blank lines between some: the message names the line of
     * the first row beyond the limit. */
    char text[4096], path[PATHCAP];
    size_t len = (size_t)sprintf(text, "a,b\n");
    for (int i = 0; i < 100; i++)
        len += (size_t)sprintf(text + len, "%d,%d\n%s", i, i % 7, i == 10 ? "\n\n" : "");
    write_temp(path, "limit_rows.csv", text, len);
    pdrift__limits pass = default_limits(), fail = default_limits();
    pass.max_rows = 100;
    fail.max_rows = 99;
    expect_limit(path, &pass, &fail,
                 ":103:1: more than 99 data rows, the limit max_rows (raise the parameter "
                 "max_rows to read this file)",
                 100, 2);
    fail.max_rows = 1;
    char err[ERRCAP];
    size_t r, c;
    ck_assert_int_eq(read_limited(path, &fail, 0, err, &r, &c), PDRIFT_EDATA);
    ck_assert_msg(strstr(err, ":3:1: more than 1 data row, the limit") != NULL, "%s", err);
}
END_TEST

START_TEST(test_limit_memory)
{
    /* 100 rows of 3 fields (a text column included: it is stored while the
     * file is read) are 2400 bytes of values. */
    char text[8192], path[PATHCAP];
    size_t len = (size_t)sprintf(text, "sym,a,b\n");
    for (int i = 0; i < 100; i++)
        len += (size_t)sprintf(text + len, "X,%d,%d.5\n", i, i % 7);
    write_temp(path, "limit_memory.csv", text, len);
    pdrift__limits pass = default_limits(), fail = default_limits();
    pass.max_memory = 2400;
    fail.max_memory = 2399;
    expect_limit(path, &pass, &fail,
                 ":101:1: 100 rows of 3 fields (8 bytes a value) would take more than 2399 bytes, "
                 "the limit max_memory (raise the parameter max_memory to read this file)",
                 100, 2);
    /* less than one row */
    fail.max_memory = 23;
    char err[ERRCAP];
    size_t r, c;
    ck_assert_int_eq(read_limited(path, &fail, 0, err, &r, &c), PDRIFT_EDATA);
    ck_assert_msg(strstr(err, ":2:1: 1 row of 3 fields (8 bytes a value) would take more than 23 "
                              "bytes") != NULL, "%s", err);
    /* a header without rows needs no memory for values */
    WRITE_LITERAL(path, "limit_memory_header.csv", "a,b\n");
    fail.max_memory = 1;
    ck_assert_int_eq(read_limited(path, &fail, 0, err, &r, &c), PDRIFT_OK);
}
END_TEST

/* Without limits (pdrift__table_read) the defaults apply: a file just past
 * max_columns' default is refused, one at it is read. */
START_TEST(test_limit_defaults_apply)
{
    size_t w = PDRIFT__DEFAULT_MAX_COLUMNS + 1, cap = w * 8 + 16, len = 0;
    char *text = malloc(cap);
    for (size_t j = 0; j < w; j++)
        len += (size_t)snprintf(text + len, cap - len, "%s%zx", j ? "," : "", j);
    text[len++] = '\n';
    size_t last_comma = len - 1;
    while (text[last_comma] != ',')
        last_comma--;
    size_t last_field = last_comma + 2; /* 1-based column of the field after it */
    char path[PATHCAP], suffix[256];
    write_temp(path, "limit_default_columns.csv", text, len);
    snprintf(suffix, sizeof suffix,
             ":1:%zu: header has more than %zu columns, the limit max_columns (raise the "
             "parameter max_columns to read this file)",
             last_field, (size_t)PDRIFT__DEFAULT_MAX_COLUMNS);
    expect_failure(path, PDRIFT_EDATA, suffix);
    /* drop the last field: exactly the default */
    while (text[len - 1] != ',')
        len--;
    text[len - 1] = '\n';
    write_temp(path, "limit_default_columns_ok.csv", text, len);
    free(text);
    pdrift__table t;
    read_ok(path, 0, &t);
    ck_assert_uint_eq(t.n_columns + t.n_skipped, PDRIFT__DEFAULT_MAX_COLUMNS);
    pdrift__table_free(&t);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------ */

/* ---- two threads (the tail reader, table.c) ------------------------------------------ */

/* A file of n rows: "x,y,sym,late,z" with numbers, a text column, a column
 * empty until row `at` (and, in variant 8, a number there), and at row `at`
 * the variant's oddity. Lines end with `eol`. */
static size_t tail_file(char *buf, size_t cap, size_t n, size_t at, int variant, const char *eol)
{
    size_t len = 0;
#define PUT(...) (len += (size_t)snprintf(buf + len, cap - len, __VA_ARGS__))
    PUT("x,y,sym,late,z%s", eol);
    for (size_t i = 0; i < n; i++) {
        double a = (double)(next_u64() % 100000) / 1000.0, b = -(double)(next_u64() % 997) * 1e-5;
        const char *late = i < at ? "" : "3.5";
        if (i == at && variant == 1)
            PUT("%g,%g,\"multi%sline, quoted\",%s,%zu%s", a, b, eol, late, i, eol);
        else if (i == at && variant == 2)
            PUT("%g,oops,S%zu,%s,%zu%s", a, i, late, i, eol);
        else if (i == at && variant == 3)
            PUT("%g,%g,S%zu,%s,%zu,extra%s", a, b, i, late, i, eol);
        else if (i == at && variant == 4)
            PUT("%g,%g,S%zu%s", a, b, i, eol);
        else if (i == at && variant == 5)
            PUT("%g,%g,S%0300zu,%s,%zu%s", a, b, i, late, i, eol);
        else if (i == at && variant == 6)
            PUT("%s%s  %s%g,%g,S%zu,%s,%zu%s", eol, eol, eol, a, b, i, late, i, eol);
        else if (i == at && variant == 7)
            PUT("%g,%g,S%zu,%s,word%s", a, b, i, late, eol);
        else if (i == at && variant == 9)
            PUT("%g,%g,S%zu,%s,%zu\"%s", a, b, i, late, i, eol); /* a quote inside an unquoted field */
        else if (i == at && variant == 10)
            PUT("%g,%g,\"S%zu,%s,%zu%s", a, b, i, late, i, eol); /* never closed */
        else if (i == at && variant == 11) {
            /* a quoted field whose lines look like rows, the last one too: a
             * second thread starting inside it reads them all as rows */
            PUT("%g,%g,\"S%s", a, b, eol);
            for (int k = 0; k < 400; k++)
                PUT("%d,%d,T,,%d%s", k, k + 1, k + 2, eol);
            PUT("1,2,T\",%s,%zu%s", late, i, eol);
        }
        else
            PUT("%g,%.17g,S%zu,%s,%s%zu%s", a, b, i, i >= at && variant == 8 ? "text" : late,
                i % 50 == 7 ? "" : "", i, eol);
    }
#undef PUT
    ck_assert_uint_lt(len, cap);
    return len;
}

static int read_threads(const char *path, size_t threads, int by_column, const pdrift__limits *limits,
                        pdrift__table *t, size_t **lines, char *err, int *taken)
{
    pdrift__table_options opts;
    memset(&opts, 0, sizeof opts);
    opts.threads = threads;
    opts.by_column = by_column;
    opts.tail_min_bytes = 1024;
    opts.limits = limits;
    opts.row_lines = lines;
    opts.tail_taken = taken;
    *taken = 0;
    return pdrift__table_read_with(path, &opts, t, err, ERRCAP);
}

/* Read by two threads, a file gives what one thread gives: the table bit
 * for bit, the rows' lines, and every error with its message, whatever lies
 * near the point where the second thread starts: a quoted field across it,
 * blank lines, a text cell, a field too many or too few, a line too long, a
 * row beyond max_rows, a column decided in the second half, CRLF and lone-CR
 * line ends. */
START_TEST(test_tail_reader_same_as_one_thread)
{
    enum { ROWS = 3000, CAP = 400000 };
    char *buf = malloc(CAP), path[PATHCAP];
    static const char *const eols[] = {"\n", "\r\n", "\r"};
    size_t compared = 0, two_threads_helped = 0;
    /* every 9th row near the middle; under valgrind every 45th (3 instead of 14) */
    const size_t step = under_valgrind() ? 45 : 9, per_variant = (120 + step - 1) / step;
    for (size_t e = 0; e < 3; e++)
        for (int variant = 0; variant <= 11; variant++)
            for (size_t at = ROWS / 2 - 60; at < ROWS / 2 + 60; at += step) {
                rng_state = 1000 + at;
                size_t len = tail_file(buf, CAP, ROWS, at, variant, eols[e]);
                write_temp(path, "tail.csv", buf, len);
                pdrift__limits limits = default_limits();
                if (variant == 5)
                    limits.max_line_bytes = 200;
                if (variant == 0 && at % 2)
                    limits.max_rows = ROWS - 1;
                pdrift__table one, two, col;
                size_t *lines_one = NULL, *lines_two = NULL, *lines_col = NULL;
                char err_one[ERRCAP], err_two[ERRCAP], err_col[ERRCAP], what[96];
                int taken_one, taken_two, taken_col;
                int rc_one = read_threads(path, 1, 0, &limits, &one, &lines_one, err_one, &taken_one);
                int rc_two = read_threads(path, 2, 0, &limits, &two, &lines_two, err_two, &taken_two);
                /* and column by column, as a baseline is read */
                int rc_col = read_threads(path, 2, 1, &limits, &col, &lines_col, err_col, &taken_col);
                ck_assert(!taken_one);
                ck_assert_int_eq(taken_col, taken_two);
                ck_assert_int_eq(pdrift__table_by_rows(&col), PDRIFT_OK);
                snprintf(what, sizeof what, "variant %d at row %zu, eol %zu", variant, at, e);
                assert_same_result(rc_one, err_one, &one, rc_two, err_two, &two, what);
                assert_same_result(rc_one, err_one, &one, rc_col, err_col, &col, what);
                if (rc_one == PDRIFT_OK && one.n_rows > 0) {
                    ck_assert_msg(memcmp(lines_one, lines_two, one.n_rows * sizeof *lines_one) == 0,
                                  "%s: row lines differ", what);
                    ck_assert_msg(memcmp(lines_one, lines_col, one.n_rows * sizeof *lines_one) == 0,
                                  "%s: row lines differ by column", what);
                }
                two_threads_helped += taken_two;
                /* a plain file, within its limits, with LF or CRLF ends: the second thread's rows */
                if (variant == 0 && e < 2 && limits.max_rows == PDRIFT__DEFAULT_MAX_ROWS)
                    ck_assert_msg(taken_two, "%s: read by one thread", what);
                free(lines_one);
                free(lines_two);
                free(lines_col);
                pdrift__table_free(&one);
                pdrift__table_free(&two);
                pdrift__table_free(&col);
                compared++;
            }
    ck_assert_uint_eq(compared, 3 * 12 * per_variant);
    ck_assert_uint_gt(two_threads_helped, 3 * per_variant);
    free(buf);
}
END_TEST

/* A second thread writes its rows straight into the first's (by column,
 * into the columns) from a row estimated from the first rows' length. A
 * file whose first rows are long and the others short has more rows before
 * the second thread's start than estimated: this thread reaches that row
 * first, stops the second, and reads on alone (and the rows grow past the
 * estimate): the same table as one thread's. A file whose first half has
 * long rows and its second short ones has more rows after the start than
 * the second thread has room for: it gives up (its lines' array grown on
 * the way) and this thread reads on alone. With rows of even length the
 * second thread's rows are taken, in place (by row, moved up past the gap). */
START_TEST(test_tail_rows_in_place_by_column)
{
    enum { CAP = 1500000 };
    char *buf = malloc(CAP), path[PATHCAP];
    for (int uneven = 0; uneven <= 2; uneven++) {
        /* 2: 60,000 rows, the first half's 20% longer (a file this large
         * gives the second thread room for more lines than it expects) */
        const size_t ROWS = uneven == 2 ? 60000 : 6000, long_rows = uneven == 1 ? 64 : uneven == 2 ? ROWS / 2 : 0;
        size_t len = (size_t)snprintf(buf, CAP, "a,b,c\n");
        for (size_t i = 0; i < ROWS; i++)
            len += (size_t)snprintf(buf + len, CAP - len,
                                    uneven == 2 ? (i >= long_rows ? "%06zu,%zu,%s\n" : "%06zu.25,%zu,%s\n")
                                    : i >= long_rows ? "%zu,%zu,%s\n"
                                                     : "%zu.000000000000000000000000000001,%zu,%s\n",
                                    i, i % 7, i % 11 == 3 ? "" : "2.5");
        ck_assert_uint_lt(len, CAP);
        write_temp(path, "uneven.csv", buf, len);
        pdrift__limits limits = default_limits();
        pdrift__table one, col, two;
        size_t *lines_one = NULL, *lines_col = NULL, *lines_two = NULL;
        char err_one[ERRCAP], err_col[ERRCAP], err_two[ERRCAP];
        int taken_one, taken_col, taken_two;
        int rc_one = read_threads(path, 1, 0, &limits, &one, &lines_one, err_one, &taken_one);
        int rc_col = read_threads(path, 2, 1, &limits, &col, &lines_col, err_col, &taken_col);
        int rc_two = read_threads(path, 2, 0, &limits, &two, &lines_two, err_two, &taken_two);
        ck_assert_msg(uneven == 2 || taken_two == !uneven, "uneven %d: taken by row %d", uneven, taken_two);
        assert_same_result(rc_one, err_one, &one, rc_two, err_two, &two, uneven ? "uneven rows, by row" : "even rows, by row");
        ck_assert(memcmp(lines_one, lines_two, ROWS * sizeof *lines_one) == 0);
        free(lines_two);
        pdrift__table_free(&two);
        ck_assert_int_eq(rc_one, PDRIFT_OK);
        ck_assert_uint_eq(one.n_rows, ROWS);
        ck_assert_msg(uneven == 2 || taken_col == !uneven, "uneven %d: taken %d", uneven, taken_col);
        ck_assert(uneven || col.gap > 0); /* in place, past this thread's rows */
        ck_assert_int_eq(pdrift__table_by_rows(&col), PDRIFT_OK);
        assert_same_result(rc_one, err_one, &one, rc_col, err_col, &col, uneven ? "uneven rows" : "even rows");
        ck_assert(memcmp(lines_one, lines_col, ROWS * sizeof *lines_one) == 0);
        free(lines_one);
        free(lines_col);
        pdrift__table_free(&one);
        pdrift__table_free(&col);
    }
    free(buf);
}
END_TEST

static Suite *csv_suite(void)
{
    Suite *s = suite_create("csv");

    TCase *format = tcase_create("format");
    tcase_add_test(format, test_yahoo_ohlcv_date_skipped);
    tcase_add_test(format, test_dukascopy_gmt_time_skipped);
    tcase_add_test(format, test_pandas_index_skipped);
    tcase_add_test(format, test_quoted_fields);
    tcase_add_test(format, test_quoted_header_names);
    tcase_add_test(format, test_every_missing_marker);
    tcase_add_test(format, test_cell_grammar);
    tcase_add_test(format, test_spaces_and_infinities);
    tcase_add_test(format, test_blank_lines_skipped);
    tcase_add_test(format, test_bom_crlf_and_no_final_newline);
    tcase_add_test(format, test_quoted_number_with_line_end_is_text);
    tcase_add_test(format, test_lone_cr_line_ends);
    tcase_add_test(format, test_all_missing_column_is_numeric);
    tcase_add_test(format, test_kind_decided_by_first_value);
    tcase_add_test(format, test_header_only_and_one_row);
    tcase_add_test(format, test_no_numeric_column);
    tcase_add_test(format, test_unnamed_columns_are_not_duplicates);
    tcase_add_test(format, test_skip_reason_escaped_and_cut);
    suite_add_tcase(s, format);

    TCase *malformed = tcase_create("malformed");
    tcase_add_test(malformed, test_not_a_number);
    tcase_add_test(malformed, test_field_count);
    tcase_add_test(malformed, test_unterminated_quote);
    tcase_add_test(malformed, test_junk_after_quote);
    tcase_add_test(malformed, test_nul_bytes);
    tcase_add_test(malformed, test_invalid_utf8_header);
    tcase_add_test(malformed, test_duplicate_names);
    tcase_add_test(malformed, test_control_characters_in_names);
    tcase_add_test(malformed, test_wrong_separator);
    tcase_add_test(malformed, test_headerless_file);
    tcase_add_test(malformed, test_empty_files);
    tcase_add_test(malformed, test_quoted_newline_counts_as_line);
    tcase_add_test(malformed, test_io_errors);
    tcase_add_test(malformed, test_pipe_input);
    tcase_add_test(malformed, test_arguments_and_message_buffer);
    suite_add_tcase(s, malformed);

    TCase *numbers = tcase_create("numbers");
    tcase_set_timeout(numbers, 60); /* localedef may compile a locale */
    tcase_add_test(numbers, test_cells_equal_strtod);
    tcase_add_test(numbers, test_file_values_equal_strtod);
    tcase_add_test(numbers, test_comma_decimal_locale);
    tcase_add_test(numbers, test_global_locale_restored);
    suite_add_tcase(s, numbers);

    TCase *robust = tcase_create("robustness");
    tcase_set_timeout(robust, 120); /* generous for sanitizers and valgrind */
    tcase_add_test(robust, test_buffer_size_does_not_matter);
    tcase_add_test(robust, test_hostile_random_files);
    tcase_add_test(robust, test_long_records);
    tcase_add_test(robust, test_wide_header);
    tcase_add_test(robust, test_big_file);
    suite_add_tcase(s, robust);

    TCase *limits = tcase_create("limits");
    tcase_set_timeout(limits, 60);
    tcase_add_test(limits, test_limit_line_bytes);
    tcase_add_test(limits, test_limit_line_bytes_crlf_at_buffer_end);
    tcase_add_test(limits, test_limit_line_bytes_with_another_error);
    tcase_add_test(limits, test_limit_columns);
    tcase_add_test(limits, test_limit_rows);
    tcase_add_test(limits, test_limit_memory);
    tcase_add_test(limits, test_limit_defaults_apply);
    tcase_add_test(limits, test_tail_reader_same_as_one_thread);
    tcase_add_test(limits, test_tail_rows_in_place_by_column);
    suite_add_tcase(s, limits);
    return s;
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        char path[PATHCAP + 256];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            if (unlink(path) != 0) { /* the compiled locale is a directory */
                char cmd[sizeof path + 16];
                snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
                if (system(cmd) != 0)
                    fprintf(stderr, "check_csv: cannot remove %s\n", path);
            }
        }
        closedir(d);
    }
    rmdir(tmpdir);
}

int main(void)
{
    if (under_valgrind())
        printf("check_csv: under valgrind: 1 random case in %d, a big file of %zu rows, 1 MB records\n",
               VALGRIND_FEWER, fewer(40000));
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/pdrift-csv-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("check_csv: mkdtemp");
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(csv_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tmpdir();
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
