/*
 * check_series.c — one series (returns, errors) read from a CSV file
 * (lib/series.c, and the options of the table reader it uses): the column
 * chosen by name or as the only numeric one, files without a header line,
 * and every refusal with its exact message.
 *
 * Inputs are written byte-exact to a temporary directory made by main().
 * Check runs each test in a child process (its default fork mode).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
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
#include "internal.h"

enum { ERRCAP = 1024, PATHCAP = 4096 };

static char tmpdir[PATHCAP / 2];

static const char *const RETURNS[] = {"ret", "return", "returns"};
static const char *const ERRORS[] = {"error", "errors"};
#define N_RETURNS (sizeof RETURNS / sizeof RETURNS[0])
#define N_ERRORS (sizeof ERRORS / sizeof ERRORS[0])

/* ---- helpers ------------------------------------------------------------------ */

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

/* The file must read as exactly expected[0..n_expected). */
static void expect_series(const char *path, const char *const *names, size_t n_names,
                          const double *expected, size_t n_expected)
{
    double *values = (double *)&values; /* not NULL: the call must set it */
    size_t n = 12345;
    char err[ERRCAP];
    strcpy(err, "stale");
    int rc = pdrift__series_read(path, names, n_names, &values, &n, err, sizeof err);
    ck_assert_msg(rc == PDRIFT_OK, "%s: rc %d: %s", path, rc, err);
    ck_assert_str_eq(err, "");
    ck_assert_uint_eq(n, n_expected);
    if (n == 0)
        ck_assert_ptr_null(values);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(same_bits(values[i], expected[i]), "%s: value %zu is %.17g, expected %.17g",
                      path, i, values[i], expected[i]);
    free(values);
}

/* Write `text` to tmpdir/name and expect it to read as expected[]. */
#define EXPECT_SERIES(name, text, names, ...)                                                   \
    do {                                                                                        \
        char path_[PATHCAP];                                                                    \
        WRITE_LITERAL(path_, name, text);                                                       \
        static const double expected_[] = {__VA_ARGS__};                                        \
        expect_series(path_, names, sizeof names / sizeof names[0], expected_,                  \
                      sizeof expected_ / sizeof expected_[0]);                                  \
    } while (0)

/* The read must fail with `status` and the message path + `suffix`; the
 * outputs must be NULL and 0. */
static void expect_failure(const char *path, const char *const *names, size_t n_names,
                           int status, const char *suffix)
{
    double *values = (double *)&values;
    size_t n = 12345;
    char err[ERRCAP], expected[ERRCAP + PATHCAP];
    int rc = pdrift__series_read(path, names, n_names, &values, &n, err, sizeof err);
    snprintf(expected, sizeof expected, "%s%s", path, suffix);
    ck_assert_msg(rc == status, "%s: rc %d, expected %d (%s)", path, rc, status, err);
    ck_assert_str_eq(err, expected);
    ck_assert_ptr_null(values);
    ck_assert_uint_eq(n, 0);
}

#define EXPECT_FAILURE(name, text, names, status, suffix)                                       \
    do {                                                                                        \
        char path_[PATHCAP];                                                                    \
        WRITE_LITERAL(path_, name, text);                                                       \
        expect_failure(path_, names, sizeof names / sizeof names[0], status, suffix);           \
    } while (0)

/* ---- choosing the column ---------------------------------------------------------- */

START_TEST(test_named_column_among_others)
{
    EXPECT_SERIES("date_ret.csv", "Date,ret\n2020-01-02,0.01\n2020-01-03,-0.02\n", RETURNS,
                  0.01, -0.02);
    EXPECT_SERIES("date_returns_volume.csv",
                  "date,Returns,volume\n2020-01-02,0.5,100\n2020-01-03,-0.25,200\n", RETURNS, 0.5,
                  -0.25);
    /* Any ASCII case, quoted names, a symbol column beside it. */
    EXPECT_SERIES("upper.csv", "symbol,\"RETURN\",date\nAAPL,1e-3,2020-01-02\n", RETURNS, 1e-3);
    /* Missing cells in the other columns do not matter. */
    EXPECT_SERIES("holes_elsewhere.csv", "date,ret,volume\n2020-01-02,1,\n,2,NA\n", RETURNS, 1,
                  2);
    /* The name must match exactly otherwise. */
    EXPECT_FAILURE("near_names.csv", "rets,return_,pnl\n1,2,3\n", RETURNS, PDRIFT_EFORMAT,
                   ": no series column: expected a column named ret, return or returns, or a "
                   "single numeric column; found \"rets\", \"return_\", \"pnl\"");
}
END_TEST

START_TEST(test_single_numeric_column)
{
    EXPECT_SERIES("pnl.csv", "Date,pnl\n2020-01-02,1.5\n2020-01-03,-2\n", RETURNS, 1.5, -2);
    EXPECT_SERIES("value.csv", "value\n3\n4\n", RETURNS, 3, 4);
    /* Text columns and a row index are not numeric columns. */
    EXPECT_SERIES("index.csv", ",date,symbol,x\n0,2020-01-02,A,7\n1,2020-01-03,B,8\n", ERRORS, 7,
                  8);
    /* With no names at all, only the single column rule. */
    char path[PATHCAP];
    WRITE_LITERAL(path, "no_names.csv", "date,x\n2020-01-02,5\n");
    expect_series(path, NULL, 0, (const double[]){5}, 1);
}
END_TEST

START_TEST(test_errors_column_names)
{
    EXPECT_SERIES("error.csv", "timestamp,prediction,error\n2020-01-02,1,0.1\n", ERRORS, 0.1);
    EXPECT_SERIES("errors.csv", "date,ERRORS,pred\n2020-01-02,-0.5,3\n", ERRORS, -0.5);
    /* A returns name is not an errors name. */
    EXPECT_FAILURE("ret_for_errors.csv", "ret,pred\n1,2\n", ERRORS, PDRIFT_EFORMAT,
                   ": no series column: expected a column named error or errors, or a single "
                   "numeric column; found \"ret\", \"pred\"");
}
END_TEST

START_TEST(test_named_column_wins)
{
    EXPECT_SERIES("several.csv", "date,pnl,ret,fee\n2020-01-02,1,2,3\n", RETURNS, 2);
    EXPECT_SERIES("several_errors.csv", "y,yhat,Error\n1,2,-1\n", ERRORS, -1);
    /* Two expected names: the first of the names given wins, whatever the
     * file order. */
    EXPECT_SERIES("two_names.csv", "returns,ret\n1,2\n", RETURNS, 2);
    EXPECT_SERIES("two_cases.csv", "x,RET,ret\n1,2,3\n", RETURNS, 2);
}
END_TEST

START_TEST(test_no_column_fits)
{
    EXPECT_FAILURE("trades.csv", "date,pnl,fee\n2020-01-02,1.5,0.1\n", RETURNS, PDRIFT_EFORMAT,
                   ": no series column: expected a column named ret, return or returns, or a "
                   "single numeric column; found \"pnl\", \"fee\"");
    static const char *const one[] = {"ret"};
    EXPECT_FAILURE("trades_one.csv", "pnl,fee\n1,2\n", one, PDRIFT_EFORMAT,
                   ": no series column: expected a column named ret, or a single numeric "
                   "column; found \"pnl\", \"fee\"");
    char path[PATHCAP];
    WRITE_LITERAL(path, "trades_none.csv", "pnl,fee\n1,2\n");
    expect_failure(path, NULL, 0, PDRIFT_EFORMAT,
                   ": no series column: expected a single numeric column; found \"pnl\", "
                   "\"fee\"");
    /* Only text columns. */
    EXPECT_FAILURE("text_only.csv", "date,symbol\n2020-01-02,AAPL\n", RETURNS, PDRIFT_EFORMAT,
                   ": no series column: expected a column named ret, return or returns, or a "
                   "single numeric column; found no numeric column");
    /* Names are shown printable; a long list is cut. */
    EXPECT_FAILURE("escaped.csv", "\"a\"\"b\",c\\d\n1,2\n", RETURNS, PDRIFT_EFORMAT,
                   ": no series column: expected a column named ret, return or returns, or a "
                   "single numeric column; found \"a\\\"b\", \"c\\\\d\"");
    EXPECT_FAILURE("wide.csv",
                   "c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14\n"
                   "1,2,3,4,5,6,7,8,9,10,11,12,13,14\n",
                   RETURNS, PDRIFT_EFORMAT,
                   ": no series column: expected a column named ret, return or returns, or a "
                   "single numeric column; found \"c1\", \"c2\", \"c3\", \"c4\", \"c5\", \"c6\", "
                   "\"c7\", \"c8\", \"c9\", \"c10\", \"c11\", \"c12\", ... (14 numeric columns)");
}
END_TEST

START_TEST(test_named_column_of_text)
{
    /* The series' own column holds text first: refused, not replaced by pnl. */
    EXPECT_FAILURE("ret_text.csv", "date,ret,pnl\n2020-01-02,abc,1\n2020-01-03,0.1,2\n", RETURNS,
                   PDRIFT_EFORMAT,
                   ": column \"ret\" is not numeric (first value \"abc\" at line 2)");
}
END_TEST

/* ---- files without a header line ---------------------------------------------------- */

START_TEST(test_headerless_single_column)
{
    EXPECT_SERIES("h_lf.csv", "0.01\n-0.02\n0.03\n", RETURNS, 0.01, -0.02, 0.03);
    EXPECT_SERIES("h_no_final_newline.csv", "0.01\n-0.02\n0.03", RETURNS, 0.01, -0.02, 0.03);
    EXPECT_SERIES("h_crlf.csv", "0.01\r\n-0.02\r\n0.03\r\n", RETURNS, 0.01, -0.02, 0.03);
    EXPECT_SERIES("h_bom.csv", "\xEF\xBB\xBF" "0.01\n-0.02\n", RETURNS, 0.01, -0.02);
    EXPECT_SERIES("h_bom_crlf.csv", "\xEF\xBB\xBF" "0.01\r\n-0.02", RETURNS, 0.01, -0.02);
    EXPECT_SERIES("h_cr.csv", "1\r2\r3\r", ERRORS, 1, 2, 3);
    /* Blank lines (skipped), blanks around values, a quoted value. */
    EXPECT_SERIES("h_blank.csv", "\n  \n 1.5 \n\n\"2.5\"\n\t-3\n", RETURNS, 1.5, 2.5, -3);
    EXPECT_SERIES("h_one.csv", "42\n", RETURNS, 42);
    EXPECT_SERIES("h_one_bare.csv", "42", RETURNS, 42);
    EXPECT_SERIES("h_exponent.csv", "1e-3\n+2E2\n.5\n", RETURNS, 1e-3, 2e2, 0.5);
}
END_TEST

START_TEST(test_headerless_several_fields)
{
    EXPECT_FAILURE("h_two.csv", "0.01,0.02\n0.03,0.04\n", RETURNS, PDRIFT_EFORMAT,
                   ":1:1: no header line: the first line holds 2 fields of numbers (\"0.01\", "
                   "...); only a single column of numbers may go without a header: add a header "
                   "line naming the columns");
    EXPECT_FAILURE("h_empty_field.csv", "\n 7,\n", RETURNS, PDRIFT_EFORMAT,
                   ":2:2: no header line: the first line holds 2 fields of numbers (\"7\"); only "
                   "a single column of numbers may go without a header: add a header line "
                   "naming the columns");
    /* A date beside the numbers: the table reader's message. */
    EXPECT_FAILURE("h_date.csv", "2020-01-02,0.01\n2020-01-03,0.02\n", RETURNS, PDRIFT_EFORMAT,
                   ":1:1: no header row: the first line holds numbers (\"0.01\", ...); add a "
                   "header line naming the columns");
    /* One number first, then a line of two fields. */
    EXPECT_FAILURE("h_later.csv", "0.01\n0.02,0.03\n", RETURNS, PDRIFT_EFORMAT,
                   ":2:6: row has 2 fields but the file has no header line and its first line "
                   "a single number: a file without a header line must have a single column");
}
END_TEST

/* ---- values ---------------------------------------------------------------------------- */

START_TEST(test_missing_cell)
{
    EXPECT_FAILURE("missing_empty.csv", "date,ret\n2020-01-02,0.01\n2020-01-03,\n2020-01-04,1\n",
                   RETURNS, PDRIFT_EDATA,
                   ":3: column \"ret\": missing value: a series must have a value in every row");
    /* A marker; blank lines count in the line number. */
    EXPECT_FAILURE("missing_marker.csv", "date,ret\n\n2020-01-02,0.01\n\n2020-01-03,NA\n",
                   RETURNS, PDRIFT_EDATA,
                   ":5: column \"ret\": missing value: a series must have a value in every row");
    /* The first cell, before the column's kind is known. */
    EXPECT_FAILURE("missing_first.csv", "Returns\nnan\n1\n", RETURNS, PDRIFT_EDATA,
                   ":2: column \"Returns\": missing value: a series must have a value in every "
                   "row");
    /* The single numeric column, holding only missing cells. */
    EXPECT_FAILURE("missing_all.csv", "date,x\n2020-01-02,\n", RETURNS, PDRIFT_EDATA,
                   ":2: column \"x\": missing value: a series must have a value in every row");
    /* A row that spans two lines (a quoted line break) is pointed at by its start. */
    EXPECT_FAILURE("missing_multiline.csv", "note,ret\n\"a\nb\",1\n\"c\nd\",\n", RETURNS,
                   PDRIFT_EDATA,
                   ":4: column \"ret\": missing value: a series must have a value in every row");
    EXPECT_FAILURE("missing_headerless.csv", "0.01\r\nNA\r\n0.02\r\n", RETURNS, PDRIFT_EDATA,
                   ":2: missing value: a series must have a value in every row");
    EXPECT_FAILURE("missing_headerless_quoted.csv", "1\n2\n\"\"\n", RETURNS, PDRIFT_EDATA,
                   ":3: missing value: a series must have a value in every row");
}
END_TEST

START_TEST(test_text_cell)
{
    EXPECT_FAILURE("text.csv", "date,ret\n2020-01-02,0.01\n2020-01-03,abc\n", RETURNS,
                   PDRIFT_EFORMAT, ":3:12: column \"ret\": \"abc\" is not a number");
    EXPECT_FAILURE("text_percent.csv", "ret\n1\n2%\n", RETURNS, PDRIFT_EFORMAT,
                   ":3:1: column \"ret\": \"2%\" is not a number");
    EXPECT_FAILURE("text_headerless.csv", "0.01\n0.02\n 1,5\n", RETURNS, PDRIFT_EFORMAT,
                   ":3:4: row has 2 fields but the file has no header line and its first line "
                   "a single number: a file without a header line must have a single column");
    EXPECT_FAILURE("text_headerless2.csv", "0.01\n0.02\n  abc\n", RETURNS, PDRIFT_EFORMAT,
                   ":3:3: column 1 (no header line): \"abc\" is not a number");
}
END_TEST

START_TEST(test_infinite_values)
{
    EXPECT_SERIES("inf.csv", "date,ret\nd1,0.01\nd2,inf\nd3,-Infinity\nd4,1e999\n", RETURNS, 0.01,
                  HUGE_VAL, -HUGE_VAL, HUGE_VAL);
    /* "inf" first: a number, so the file has no header line. */
    EXPECT_SERIES("inf_headerless.csv", "inf\n-1\n", RETURNS, HUGE_VAL, -1);
    /* Signed zeros and subnormals kept as read. */
    EXPECT_SERIES("zeros.csv", "ret\n-0\n0\n4.9406564584124654e-324\n", RETURNS, -0.0, 0.0,
                  4.9406564584124654e-324);
}
END_TEST

START_TEST(test_empty_series)
{
    char path[PATHCAP];
    static const struct {
        const char *name, *text;
    } headers_only[] = {
        {"empty_ret.csv", "date,ret\n"},
        {"empty_bare.csv", "ret"},
        {"empty_blank_lines.csv", "\xEF\xBB\xBFRet\r\n\r\n  \r\n"},
        {"empty_single.csv", "pnl\n"},
    };
    for (size_t i = 0; i < sizeof headers_only / sizeof headers_only[0]; i++) {
        write_temp(path, headers_only[i].name, headers_only[i].text,
                   strlen(headers_only[i].text));
        expect_series(path, RETURNS, N_RETURNS, NULL, 0);
    }
    /* Without rows every column counts as numeric: two unnamed ones do not fit. */
    EXPECT_FAILURE("empty_two.csv", "pnl,fee\n", RETURNS, PDRIFT_EFORMAT,
                   ": no series column: expected a column named ret, return or returns, or a "
                   "single numeric column; found \"pnl\", \"fee\"");
    /* No header either: the table reader's refusal. */
    EXPECT_FAILURE("empty.csv", "", RETURNS, PDRIFT_EFORMAT, ": empty file (no header row)");
    EXPECT_FAILURE("blank.csv", " \n\n", RETURNS, PDRIFT_EFORMAT, ": empty file (no header row)");
}
END_TEST

/* ---- files that cannot be read ---------------------------------------------------------- */

START_TEST(test_io_errors)
{
    char path[PATHCAP];
    snprintf(path, sizeof path, "%s/does-not-exist.csv", tmpdir);
    expect_failure(path, RETURNS, N_RETURNS, PDRIFT_EIO,
                   ": cannot open: No such file or directory");
    expect_failure(tmpdir, RETURNS, N_RETURNS, PDRIFT_EIO, ": is a directory");
    if (geteuid() != 0) { /* root reads anything */
        WRITE_LITERAL(path, "unreadable.csv", "ret\n1\n");
        ck_assert_int_eq(chmod(path, 0), 0);
        expect_failure(path, RETURNS, N_RETURNS, PDRIFT_EIO, ": cannot open: Permission denied");
    }
    EXPECT_FAILURE("nul.csv", "ret\n1\n\0\n", RETURNS, PDRIFT_EFORMAT,
                   ":3:1: NUL byte: not a text file (binary data, or UTF-16 text?)");
    EXPECT_FAILURE("utf16.csv", "\xFF\xFEr\0e\0t\0", RETURNS, PDRIFT_EFORMAT,
                   ": UTF-16 text (byte order mark FF FE): save the file as UTF-8");
}
END_TEST

START_TEST(test_arguments_and_message_buffer)
{
    double *values = (double *)&values;
    size_t n = 7;
    char err[ERRCAP], path[PATHCAP];
    ck_assert_int_eq(pdrift__series_read(NULL, RETURNS, N_RETURNS, &values, &n, err, sizeof err),
                     PDRIFT_EINVAL);
    ck_assert_str_eq(err, "invalid argument: path is NULL");
    ck_assert_ptr_null(values);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(pdrift__series_read("x.csv", RETURNS, N_RETURNS, NULL, &n, err, sizeof err),
                     PDRIFT_EINVAL);
    ck_assert_str_eq(err, "invalid argument: out is NULL");
    ck_assert_int_eq(
        pdrift__series_read("x.csv", RETURNS, N_RETURNS, &values, NULL, err, sizeof err),
        PDRIFT_EINVAL);
    ck_assert_str_eq(err, "invalid argument: n is NULL");
    ck_assert_int_eq(pdrift__series_read("x.csv", NULL, 2, &values, &n, err, sizeof err),
                     PDRIFT_EINVAL);
    ck_assert_str_eq(err, "invalid argument: names is NULL");
    static const char *const holey[] = {"ret", NULL};
    ck_assert_int_eq(pdrift__series_read("x.csv", holey, 2, &values, &n, err, sizeof err),
                     PDRIFT_EINVAL);
    ck_assert_str_eq(err, "invalid argument: a name is NULL");

    /* No message buffer, or a tiny one: same status, no overflow. */
    WRITE_LITERAL(path, "args.csv", "a,b\n1,2\n");
    ck_assert_int_eq(pdrift__series_read(path, RETURNS, N_RETURNS, &values, &n, NULL, 0),
                     PDRIFT_EFORMAT);
    ck_assert_int_eq(pdrift__series_read(path, RETURNS, N_RETURNS, &values, &n, err, 0),
                     PDRIFT_EFORMAT);
    for (size_t cap = 1; cap < 120; cap++) {
        char small[128];
        memset(small, 'x', sizeof small);
        ck_assert_int_eq(pdrift__series_read(path, RETURNS, N_RETURNS, &values, &n, small, cap),
                         PDRIFT_EFORMAT);
        ck_assert_uint_le(strlen(small), cap - 1);
        ck_assert_int_eq(small[cap], 'x');
    }
    WRITE_LITERAL(path, "args_missing.csv", "ret\n1\nNA\n");
    for (size_t cap = 1; cap < 40; cap++) {
        char small[64];
        memset(small, 'x', sizeof small);
        ck_assert_int_eq(pdrift__series_read(path, RETURNS, N_RETURNS, &values, &n, small, cap),
                         PDRIFT_EDATA);
        ck_assert_int_eq(small[cap], 'x');
    }
    ck_assert_int_eq(pdrift__series_read(path, RETURNS, N_RETURNS, &values, &n, NULL, 0),
                     PDRIFT_EDATA);
}
END_TEST

/* ---- size and streaming ------------------------------------------------------------------- */

/* Larger than the read buffer: the reader refills mid-record. */
START_TEST(test_big_files)
{
    enum { ROWS = 60000 };
    char path[PATHCAP];
    size_t cap = (size_t)ROWS * 32, len = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < ROWS; i++)
        len += (size_t)snprintf(text + len, cap - len, "%zu.25\r\n", i);
    write_temp(path, "big_headerless.csv", text, len);
    double *values = NULL;
    size_t n = 0;
    char err[ERRCAP];
    int rc = pdrift__series_read(path, RETURNS, N_RETURNS, &values, &n, err, sizeof err);
    ck_assert_msg(rc == PDRIFT_OK, "%s", err);
    ck_assert_uint_eq(n, ROWS);
    for (size_t i = 0; i < ROWS; i++)
        ck_assert(values[i] == (double)i + 0.25);
    free(values);

    len = (size_t)snprintf(text, cap, "date,ret,volume\n");
    for (size_t i = 0; i < ROWS; i++)
        len += (size_t)snprintf(text + len, cap - len, "2020-01-%02zu,-%zu,%s\n", i % 28 + 1, i,
                                i + 1 == ROWS ? "" : "1");
    write_temp(path, "big_header.csv", text, len);
    rc = pdrift__series_read(path, RETURNS, N_RETURNS, &values, &n, err, sizeof err);
    ck_assert_msg(rc == PDRIFT_OK, "%s", err);
    ck_assert_uint_eq(n, ROWS);
    for (size_t i = 0; i < ROWS; i++)
        ck_assert(same_bits(values[i], -(double)i));
    free(values);

    /* A hole near the end is found on its line. */
    len = (size_t)snprintf(text, cap, "ret\n");
    for (size_t i = 0; i < ROWS; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s\n", i == ROWS - 2 ? "NA" : "1");
    write_temp(path, "big_hole.csv", text, len);
    char expected[ERRCAP + PATHCAP];
    snprintf(expected, sizeof expected,
             "%s:%d: column \"ret\": missing value: a series must have a value in every row",
             path, ROWS);
    values = (double *)&values;
    ck_assert_int_eq(pdrift__series_read(path, RETURNS, N_RETURNS, &values, &n, err, sizeof err),
                     PDRIFT_EDATA);
    ck_assert_str_eq(err, expected);
    ck_assert_ptr_null(values);
    free(text);
}
END_TEST

/* A pipe is read once: a file without a header line through a pipe too. */
START_TEST(test_pipe_input)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        static const char text[] = "0.5\n-1\n2\n";
        for (size_t i = 0; i < sizeof text - 1; i++) {
            if (write(fds[1], text + i, 1) != 1)
                _exit(1);
            struct timespec ts = {0, 1000000L};
            nanosleep(&ts, NULL);
        }
        _exit(0);
    }
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    expect_series(path, RETURNS, N_RETURNS, (const double[]){0.5, -1, 2}, 3);
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* ---- the table reader's options ------------------------------------------------------------- */

/* pdrift__table_read_with: headerless single column and row lines, the same
 * with every read buffer size (chunk boundaries everywhere). */
START_TEST(test_table_options_every_buffer)
{
    static const struct {
        const char *text;
        int headerless;
        size_t n_rows, n_columns;
        size_t lines[4];
    } cases[] = {
        {"\xEF\xBB\xBF\r\n  \r\n 0.5\r\n\r\n-1\r\n2", 1, 3, 1, {3, 5, 6}},
        {"1\r2\r\r3\r", 1, 3, 1, {1, 2, 4}},
        {"note,ret\n\"a\nb\",1\n\n\"c\r\nd\",2\n", 0, 2, 1, {2, 5}},
        {"a,b\n1,2\n3,4\n", 0, 2, 2, {2, 3}},
        {"\"7\"\n  8  \n", 1, 2, 1, {1, 2}},
    };
    char path[PATHCAP], err[ERRCAP];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char name[32];
        snprintf(name, sizeof name, "opts%zu.csv", c);
        write_temp(path, name, cases[c].text, strlen(cases[c].text));
        for (size_t buffer = 8; buffer <= 64; buffer++) {
            pdrift__table t;
            size_t *lines = (size_t *)&lines;
            int headerless = -1;
            pdrift__table_options opts;
            memset(&opts, 0, sizeof opts);
            opts.buffer_size = buffer;
            opts.single_column_headerless = 1;
            opts.row_lines = &lines;
            opts.headerless = &headerless;
            int rc = pdrift__table_read_with(path, &opts, &t, err, sizeof err);
            ck_assert_msg(rc == PDRIFT_OK, "case %zu, buffer %zu: %s", c, buffer, err);
            ck_assert_int_eq(headerless, cases[c].headerless);
            ck_assert_uint_eq(t.n_rows, cases[c].n_rows);
            ck_assert_uint_eq(t.n_columns, cases[c].n_columns);
            if (cases[c].headerless)
                ck_assert_str_eq(t.names[0], "");
            for (size_t k = 0; k < t.n_rows; k++)
                ck_assert_msg(lines[k] == cases[c].lines[k], "case %zu, buffer %zu, row %zu: "
                              "line %zu, expected %zu", c, buffer, k, lines[k],
                              cases[c].lines[k]);
            free(lines);
            pdrift__table_free(&t);
        }
    }
    /* Without the option a single number first is still refused, and the
     * outputs are cleared on failure. */
    WRITE_LITERAL(path, "opts_plain.csv", "1.5\n2.5\n");
    pdrift__table t;
    size_t *lines = (size_t *)&lines;
    int headerless = -1;
    pdrift__table_options opts;
    memset(&opts, 0, sizeof opts);
    opts.row_lines = &lines;
    opts.headerless = &headerless;
    ck_assert_int_eq(pdrift__table_read_with(path, &opts, &t, err, sizeof err), PDRIFT_EFORMAT);
    ck_assert_ptr_null(lines);
    ck_assert_int_eq(headerless, 0);
    ck_assert_int_eq(pdrift__table_read_with(path, NULL, &t, err, sizeof err), PDRIFT_EFORMAT);
    /* No row: no lines. */
    WRITE_LITERAL(path, "opts_header_only.csv", "a,b\n");
    lines = (size_t *)&lines;
    ck_assert_int_eq(pdrift__table_read_with(path, &opts, &t, err, sizeof err), PDRIFT_OK);
    ck_assert_ptr_null(lines);
    ck_assert_uint_eq(t.n_rows, 0);
    pdrift__table_free(&t);
}
END_TEST

/* ---- suite ----------------------------------------------------------------------------- */

static Suite *series_suite(void)
{
    Suite *s = suite_create("series");

    TCase *choice = tcase_create("column choice");
    tcase_add_test(choice, test_named_column_among_others);
    tcase_add_test(choice, test_single_numeric_column);
    tcase_add_test(choice, test_errors_column_names);
    tcase_add_test(choice, test_named_column_wins);
    tcase_add_test(choice, test_no_column_fits);
    tcase_add_test(choice, test_named_column_of_text);
    suite_add_tcase(s, choice);

    TCase *headerless = tcase_create("no header line");
    tcase_add_test(headerless, test_headerless_single_column);
    tcase_add_test(headerless, test_headerless_several_fields);
    suite_add_tcase(s, headerless);

    TCase *values = tcase_create("values");
    tcase_add_test(values, test_missing_cell);
    tcase_add_test(values, test_text_cell);
    tcase_add_test(values, test_infinite_values);
    tcase_add_test(values, test_empty_series);
    suite_add_tcase(s, values);

    TCase *io = tcase_create("input");
    tcase_set_timeout(io, 120); /* generous for sanitizers and valgrind */
    tcase_add_test(io, test_io_errors);
    tcase_add_test(io, test_arguments_and_message_buffer);
    tcase_add_test(io, test_big_files);
    tcase_add_test(io, test_pipe_input);
    tcase_add_test(io, test_table_options_every_buffer);
    suite_add_tcase(s, io);
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
            if (unlink(path) != 0)
                fprintf(stderr, "check_series: cannot remove %s\n", path);
        }
        closedir(d);
    }
    rmdir(tmpdir);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/pdrift-series-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("check_series: mkdtemp");
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(series_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tmpdir();
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
