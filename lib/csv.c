/*
 * csv.c — the record-level CSV reader: reading a file in chunks, cutting it
 * into fields, classifying cells. See csv.h for the dialect; table.c builds the
 * numeric table on top of it.
 */
#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ---- reading the file in chunks ------------------------------------------ */

enum { MIN_BUFFER = 8 };

static void io_error(char *err, size_t errcap, const char *path, const char *what, int errnum)
{
    char text[128];
    if (strerror_r(errnum, text, sizeof text) != 0)
        snprintf(text, sizeof text, "error %d", errnum);
    if (err && errcap)
        snprintf(err, errcap, "%s: %s: %s", path, what, text);
}

/* Put back the byte under the cut, and the true end. */
static void uncut(pdrift__csv *c)
{
    if (c->cut == NULL)
        return;
    *c->cut = c->cut_byte;
    c->end = c->buf + c->len;
    c->eof = c->cut_eof;
    c->cut = NULL;
}

/* Cut the buffer record_limit bytes after the record's start, if it goes on
 * beyond them. */
static void cut_record(pdrift__csv *c)
{
    if (c->record_limit == SIZE_MAX || (size_t)(c->end - c->mark) <= c->record_limit)
        return;
    c->cut = c->buf + (c->mark - c->buf) + c->record_limit;
    c->cut_byte = *c->cut;
    c->cut_eof = c->eof;
    *c->cut = '\0';
    c->end = c->cut;
    c->eof = 0;
}

void pdrift__csv_limit_records(pdrift__csv *c, size_t bytes)
{
    c->record_limit = bytes;
}

static void set_cursor(pdrift__csv *c, const char *p, size_t line)
{
    c->p = c->line_start = c->mark = p;
    c->line = c->mark_line = line;
    c->end = c->buf + c->len;
}

/* Read until the buffer is full or the file ends. */
static int fill(pdrift__csv *c, const char *path, char *err, size_t errcap)
{
    while (!c->eof && c->len + 1 < c->cap) {
        ssize_t got = read(c->fd, c->buf + c->len, c->cap - 1 - c->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            io_error(err, errcap, path, "cannot read", errno);
            return PDRIFT_EIO;
        }
        if (got == 0)
            c->eof = 1;
        c->len += (size_t)got;
    }
    c->buf[c->len] = '\0';
    return PDRIFT_OK;
}

int pdrift__csv_open(pdrift__csv *c, const char *path, size_t buffer_size, char *err,
                     size_t errcap)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->record_limit = SIZE_MAX;
    /* O_NONBLOCK: opening a FIFO that has no writer must not hang. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        io_error(err, errcap, path, "cannot open", errno);
        return PDRIFT_EIO;
    }
    c->fd = fd;
    int rc = PDRIFT_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        io_error(err, errcap, path, "cannot read", errno);
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        if (err && errcap)
            snprintf(err, errcap, "%s: is a directory", path);
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        /* A pipe is read to its end like a file: block from here on. */
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
            io_error(err, errcap, path, "cannot read", errno);
            goto fail;
        }
    }
    c->cap = buffer_size ? buffer_size : PDRIFT__CSV_BUFFER_SIZE;
    if (c->cap < MIN_BUFFER)
        c->cap = MIN_BUFFER;
    /* A file smaller than the buffer needs no more than its size, plus the
     * sentinel, plus one byte for the read that sees the end. */
    if (S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size <= SIZE_MAX)
        c->file_size = (size_t)st.st_size;
    if (S_ISREG(st.st_mode) && st.st_size >= 0 && (uintmax_t)st.st_size + 2 < c->cap)
        c->cap = (size_t)st.st_size + 2 > MIN_BUFFER ? (size_t)st.st_size + 2 : MIN_BUFFER;
    c->buf = malloc(c->cap);
    if (!c->buf) {
        if (err && errcap)
            snprintf(err, errcap, "%s: out of memory", path);
        rc = PDRIFT_ENOMEM;
        goto fail;
    }
    rc = fill(c, path, err, errcap);
    if (rc != PDRIFT_OK)
        goto fail;
    const char *start = c->buf;
    if (c->len >= 3 && (unsigned char)start[0] == 0xEF && (unsigned char)start[1] == 0xBB &&
        (unsigned char)start[2] == 0xBF)
        start += 3;
    set_cursor(c, start, 1);
    return PDRIFT_OK;
fail:
    pdrift__csv_close(c);
    return rc;
}

int pdrift__csv_open_at(pdrift__csv *c, const char *path, int same_as, size_t offset, size_t buffer_size)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->record_limit = SIZE_MAX;
    struct stat mine, theirs;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return PDRIFT_EIO;
    c->fd = fd;
    /* the very file the caller has open, not one renamed over it since */
    if (fstat(fd, &mine) != 0 || fstat(same_as, &theirs) != 0 || !S_ISREG(mine.st_mode) ||
        mine.st_dev != theirs.st_dev || mine.st_ino != theirs.st_ino || (uintmax_t)mine.st_size > SIZE_MAX ||
        offset > (size_t)mine.st_size || lseek(fd, (off_t)offset, SEEK_SET) != (off_t)offset) {
        pdrift__csv_close(c);
        return PDRIFT_EIO;
    }
    c->file_size = (size_t)mine.st_size;
    c->dropped = offset;
    c->cap = buffer_size ? buffer_size : PDRIFT__CSV_BUFFER_SIZE;
    if (c->cap < MIN_BUFFER)
        c->cap = MIN_BUFFER;
    if ((c->buf = malloc(c->cap)) == NULL || fill(c, path, NULL, 0) != PDRIFT_OK) {
        pdrift__csv_close(c);
        return PDRIFT_ENOMEM;
    }
    set_cursor(c, c->buf, 1);
    return PDRIFT_OK;
}

size_t pdrift__csv_line_after(int fd, size_t from)
{
    char chunk[64 * 1024];
    for (int tries = 0; tries < 4; tries++) {
        ssize_t got = pread(fd, chunk, sizeof chunk, (off_t)from);
        if (got <= 0)
            return SIZE_MAX;
        const char *lf = memchr(chunk, '\n', (size_t)got);
        if (lf != NULL)
            return from + (size_t)(lf - chunk) + 1;
        from += (size_t)got;
    }
    return SIZE_MAX;
}

void pdrift__csv_close(pdrift__csv *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

int pdrift__csv_refill(pdrift__csv *c, const char *path, char *err, size_t errcap)
{
    uncut(c);
    size_t keep = (size_t)(c->end - c->mark), line = c->mark_line;
    c->dropped += (size_t)(c->mark - c->buf);
    memmove(c->buf, c->mark, keep);
    c->len = keep;
    if (keep > (c->cap - 1) / 2) {
        if (c->cap > SIZE_MAX / 2) {
            if (err && errcap)
                snprintf(err, errcap, "%s:%zu: record too long", path, line);
            return PDRIFT_ENOMEM;
        }
        char *grown = realloc(c->buf, c->cap * 2);
        if (!grown) {
            if (err && errcap)
                snprintf(err, errcap, "%s:%zu: out of memory for a record of %zu bytes", path,
                         line, keep);
            return PDRIFT_ENOMEM;
        }
        c->buf = grown;
        c->cap *= 2;
    }
    int rc = fill(c, path, err, errcap);
    set_cursor(c, c->buf, line);
    return rc;
}

/* ---- cutting fields ----------------------------------------------------- */

/* Bytes that end an unquoted field: ',', CR, LF and NUL (the sentinel, or a
 * NUL byte of the file, reported as an error). */
static const unsigned char ends_field[256] = {
    [','] = 1, ['\r'] = 1, ['\n'] = 1, ['\0'] = 1,
};

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* The buffer ends at p + 1 but the file goes on: a lookahead is not known. */
static int more_after(const pdrift__csv *c, const char *p)
{
    return p + 1 == c->end && !c->eof;
}

/* p at CR or LF: step over the line end (CRLF is one), count the line. The
 * caller has checked more_after for a CR. */
static const char *next_line(pdrift__csv *c, const char *p)
{
    if (*p == '\r' && p[1] == '\n')
        p += 2;
    else
        p += 1;
    c->line++;
    c->line_start = p;
    return p;
}

int pdrift__csv_next_record(pdrift__csv *c)
{
    for (;;) {
        uncut(c);
        const char *p = c->p;
        c->mark = p;
        c->mark_line = c->line;
        cut_record(c);
        while (is_blank(*p))
            p++;
        if (*p == '\n' || *p == '\r') {
            if (*p == '\r' && more_after(c, p))
                return PDRIFT__CSV_MORE;
            c->p = next_line(c, p);
            continue;
        }
        if (p == c->end)
            return c->eof ? PDRIFT__CSV_END : PDRIFT__CSV_MORE;
        return PDRIFT__CSV_OK; /* the record starts at c->p, its leading blanks included */
    }
}

void pdrift__csv_rewind_record(pdrift__csv *c)
{
    c->p = c->line_start = c->mark;
    c->line = c->mark_line;
}

static int field_error(pdrift__csv_field *f, const pdrift__csv *c, const char *at, int status)
{
    f->bad_line = c->line;
    f->bad_col = (size_t)(at - c->line_start) + 1;
    f->bad_byte = (unsigned char)*at;
    return status;
}

/* The quoted field opening at c->p; on success c->p is just past the closing
 * quote. A lookahead at the sentinel of a partial buffer may take a '"' for a
 * closing quote or a CR for a lone one: harmless, as the field then reaches
 * the sentinel and the record is parsed again after a refill. */
static int cut_quoted(pdrift__csv *c, pdrift__csv_field *f)
{
    const char *p = c->p + 1;
    f->text = p;
    f->quoted = 1;
    for (;; p++) {
        char ch = *p;
        if (ch == '"') {
            if (p[1] != '"')
                break;
            f->escaped = 1;
            p++;
        } else if (ch == '\n' || (ch == '\r' && p[1] != '\n')) {
            c->line++;
            c->line_start = p + 1;
        } else if (ch == '\0') {
            if (p != c->end)
                return field_error(f, c, p, PDRIFT__CSV_NUL);
            if (!c->eof)
                return PDRIFT__CSV_MORE;
            f->bad_line = f->line;
            f->bad_col = f->col;
            f->bad_byte = '"';
            return PDRIFT__CSV_UNTERMINATED;
        }
    }
    f->len = (size_t)(p - f->text);
    c->p = p + 1;
    return PDRIFT__CSV_OK;
}

int pdrift__csv_next_field(pdrift__csv *c, pdrift__csv_field *f)
{
    const char *p = c->p;
    while (is_blank(*p))
        p++;
    f->quoted = 0;
    f->escaped = 0;
    f->line = c->line;
    f->line_start = c->line_start;
    f->col = (size_t)(p - c->line_start) + 1;
    if (*p == '"') {
        c->p = p;
        int rc = cut_quoted(c, f);
        if (rc != PDRIFT__CSV_OK)
            return rc;
        p = c->p;
        while (is_blank(*p))
            p++;
        if (!ends_field[(unsigned char)*p])
            return field_error(f, c, p, PDRIFT__CSV_JUNK);
    } else {
        f->text = p;
        while (!ends_field[(unsigned char)*p])
            p++;
        const char *stop = p;
        while (stop > f->text && is_blank(stop[-1]))
            stop--;
        f->len = (size_t)(stop - f->text);
    }
    if (*p == '\0') {
        if (p != c->end)
            return field_error(f, c, p, PDRIFT__CSV_NUL);
        if (!c->eof)
            return PDRIFT__CSV_MORE;
    } else if (*p == '\r' && more_after(c, p)) {
        return PDRIFT__CSV_MORE;
    }
    f->end_line = c->line;
    f->end_col = (size_t)(p - c->line_start) + 1;
    if (*p == ',') {
        f->last = 0;
        c->p = p + 1;
    } else {
        f->last = 1;
        c->p = p == c->end ? p : next_line(c, p);
    }
    return PDRIFT__CSV_OK;
}

void pdrift__csv_locate(const pdrift__csv_field *f, const char *target, size_t *line, size_t *col)
{
    size_t l = f->line;
    const char *start = f->line_start;
    for (const char *p = f->text; p < target; p++) {
        if (*p == '\n' || (*p == '\r' && p[1] != '\n')) {
            l++;
            start = p + 1;
        }
    }
    *line = l;
    *col = (size_t)(target - start) + 1;
}

/* ---- cells --------------------------------------------------------------- */

static const char *const missing_markers[] = {
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
};

static int lower_ascii(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* s[0..len) equals word (lowercase ASCII) without regard to case. */
static int equals_nocase(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower_ascii(s[i]) != word[i])
            return 0;
    return 1;
}

static int is_missing_marker(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof missing_markers / sizeof missing_markers[0]; i++) {
        const char *m = missing_markers[i];
        if (strlen(m) == len && memcmp(s, m, len) == 0)
            return 1;
    }
    if (len > 0 && (*s == '+' || *s == '-')) {
        s++;
        len--;
    }
    return equals_nocase(s, len, "nan");
}

/* Clinger's fast path: a mantissa w <= 2^53 and a power of ten 10^k with
 * |k| <= 22 are exact doubles, so one IEEE multiplication or division is the
 * correctly rounded value, the one strtod returns. Needs double arithmetic
 * without excess precision. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define FAST_PATH 1
#else
#define FAST_PATH 0
#endif

static const double exact_pow10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

enum { MAX_MANTISSA_DIGITS = 19, EXPONENT_CAP = 100000 };

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* ---- Eisel-Lemire: w * 10^q to the nearest double with integer arithmetic -------
 *
 * For the mantissas of up to 19 digits that Clinger's path cannot take (17
 * significant digits, as repr and pandas write them, are past 2^53), the
 * algorithm of Lemire, "Number Parsing at a Gigabyte per Second" (Software:
 * Practice and Experience 51, 2021), section 5: multiply w by a 128-bit
 * approximation of 5^q (lib/pow5.h, generated by scripts/gen_pow5.py) and
 * round, falling back to strtod wherever the paper's method does not decide
 * (subnormal or overflowing results, a product that the truncated table
 * leaves ambiguous). tests/check_numbers.c holds it to strtod's bits. */
#include "pow5.h"

static void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 p = (u128)a * b;
    *hi = (uint64_t)(p >> 64);
    *lo = (uint64_t)p;
#else
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    *lo = (mid << 32) | (p00 & 0xFFFFFFFFu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

static int leading_zeros(uint64_t x)
{
    int n = 0;
    for (uint64_t bit = UINT64_C(1) << 63; bit != 0 && !(x & bit); bit >>= 1)
        n++;
    return n;
}

/* floor(q log2(10)) + 63, as floor((217706 q) / 2^16) + 63 for |q| <= 342. */
static long binary_power(long q)
{
    long x = 217706L * q;
    return (x >= 0 ? x / 65536 : -((-x + 65535) / 65536)) + 63;
}

/* 1 and *out = the double nearest w * 10^q (w != 0, w < 10^19) if the
 * algorithm decides it; 0 to fall back. */
static int eisel_lemire(uint64_t w, long q, double *out)
{
    if (q < PDRIFT__POW5_MIN || q > PDRIFT__POW5_MAX)
        return 0;
    const uint64_t *pow5 = pdrift__pow5[q - PDRIFT__POW5_MIN];
    int lz = leading_zeros(w);
    w <<= lz;
    uint64_t hi, lo;
    mul_64x64(w, pow5[0], &hi, &lo);
    if ((hi & 0x1FF) == 0x1FF) { /* the low bits matter: the second half of 5^q */
        uint64_t hi2, lo2;
        mul_64x64(w, pow5[1], &hi2, &lo2);
        lo += hi2;
        if (hi2 > lo)
            hi++;
    }
    if (lo == UINT64_MAX && !(q >= -27 && q <= 55))
        return 0; /* the truncated table might be one unit short: undecided */
    int upper = (int)(hi >> 63);
    int shift = upper + 9;
    uint64_t mantissa = hi >> shift;
    long power2 = binary_power(q) + upper - lz + 1023;
    if (power2 <= 0)
        return 0; /* subnormal or zero: strtod */
    /* exactly halfway between two doubles (only possible for small |q|):
     * round half to even */
    if (lo <= 1 && q >= -4 && q <= 23 && (mantissa & 3) == 1 && (mantissa << shift) == hi)
        mantissa &= ~UINT64_C(1);
    mantissa += mantissa & 1;
    mantissa >>= 1;
    if (mantissa >= (UINT64_C(2) << 52)) {
        mantissa = UINT64_C(1) << 52;
        power2++;
    }
    mantissa &= ~(UINT64_C(1) << 52);
    if (power2 >= 2047)
        return 0; /* overflow: strtod says inf */
    uint64_t bits = mantissa | ((uint64_t)power2 << 52);
    memcpy(out, &bits, sizeof *out);
    return 1;
}

/* 1 and *value if s[0..len) is a number of the grammar of csv.h; 0 if not. */
static int parse_number(const char *s, size_t len, double *value)
{
    const char *p = s, *end = s + len;
    int negative = 0;
    if (p < end && (*p == '+' || *p == '-')) {
        negative = *p == '-';
        p++;
    }
    if (p < end && (*p == 'i' || *p == 'I')) {
        size_t rest = (size_t)(end - p);
        if (!equals_nocase(p, rest, "inf") && !equals_nocase(p, rest, "infinity"))
            return 0;
        *value = negative ? -HUGE_VAL : HUGE_VAL;
        return 1;
    }
    /* At most 19 significant digits are kept; the rest make the value
     * inexact (and such a mantissa is >= 10^18, past the fast path anyway). */
    uint64_t mantissa = 0;
    int significant = 0, inexact = 0;
    long exponent = 0;
    size_t digits = 0;
    for (; p < end && is_digit(*p); p++, digits++) {
        unsigned d = (unsigned)(*p - '0');
        if (significant < MAX_MANTISSA_DIGITS) {
            mantissa = mantissa * 10 + d;
            significant += mantissa != 0;
        } else {
            inexact = 1;
            exponent++;
        }
    }
    if (p < end && *p == '.') {
        for (p++; p < end && is_digit(*p); p++, digits++) {
            unsigned d = (unsigned)(*p - '0');
            if (significant < MAX_MANTISSA_DIGITS) {
                mantissa = mantissa * 10 + d;
                significant += mantissa != 0;
                exponent--;
            } else {
                inexact = 1;
            }
        }
    }
    if (digits == 0)
        return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int exp_negative = 0;
        if (p < end && (*p == '+' || *p == '-')) {
            exp_negative = *p == '-';
            p++;
        }
        if (p == end || !is_digit(*p))
            return 0;
        long e = 0;
        for (; p < end && is_digit(*p); p++)
            if (e < EXPONENT_CAP)
                e = e * 10 + (*p - '0');
        exponent += exp_negative ? -e : e;
    }
    if (p != end)
        return 0;
    if (FAST_PATH && !inexact) {
        if (mantissa == 0) {
            *value = negative ? -0.0 : 0.0;
            return 1;
        }
        if (mantissa <= (UINT64_C(1) << 53) && exponent >= -22 && exponent <= 22) {
            double m = (double)mantissa;
            double v = exponent >= 0 ? m * exact_pow10[exponent] : m / exact_pow10[-exponent];
            *value = negative ? -v : v;
            return 1;
        }
    }
    if (!inexact && mantissa != 0 && eisel_lemire(mantissa, exponent, value)) {
        if (negative)
            *value = -*value;
        return 1;
    }
    /* The text is strtod's decimal syntax from s to end and the byte at end
     * (a blank, a quote, a separator or the sentinel) stops strtod there. */
    char *stop;
    double v = strtod(s, &stop);
    if (stop != end)
        return 0;
    *value = v;
    return 1;
}

/* Up to eight ASCII digits at once (SWAR, as in Lemire's fast_float): how
 * many of the eight bytes at p are digits before the first that is not
 * (0..8), and in *out the value of those digits. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EIGHT_DIGITS 1
static unsigned digit_prefix(const char *p, uint32_t *out)
{
    uint64_t v;
    memcpy(&v, p, 8);
    /* a byte is a digit when its high nibble is 3 and adding 6 keeps it 3;
     * a carry out of a non-digit byte can only spoil the bytes after it */
    uint64_t odd = ((v & UINT64_C(0xF0F0F0F0F0F0F0F0)) |
                    (((v + UINT64_C(0x0606060606060606)) & UINT64_C(0xF0F0F0F0F0F0F0F0)) >> 4)) ^
                   UINT64_C(0x3333333333333333);
    unsigned k = odd == 0 ? 8 : (unsigned)__builtin_ctzll(odd) / 8;
    if (k == 0)
        return 0;
    /* the k digits at the top of the word, below them zeros: leading '0's */
    v = (v - UINT64_C(0x3030303030303030)) << (8 * (8 - k));
    v = v * 10 + (v >> 8); /* pairs: d0*10 + d1 in every other byte */
    v = ((v & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x000F424000000064) +
         ((v >> 16) & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x0000271000000001)) >> 32;
    *out = (uint32_t)v;
    return k;
}
#else
#define EIGHT_DIGITS 0
static unsigned digit_prefix(const char *p, uint32_t *out)
{
    (void)p;
    (void)out;
    return 0;
}
#endif

static const uint32_t pow10_u32[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/* The digits of a number read so far: their value (at most 19 significant
 * digits), how many are significant (from the first non-zero one) and how
 * many there are. */
typedef struct digit_run {
    uint64_t mantissa;
    int significant;
    size_t digits;
} digit_run;

/* Read the digits at p (the buffer ends at end) into run: past the leading
 * zeros up to eight at a time while they fit. The byte after them, or NULL
 * when the number has more significant digits than a mantissa holds. */
static inline const char *read_digits(const char *p, const char *end, digit_run *run)
{
    /* the run in registers: it is written back once */
    uint64_t mantissa = run->mantissa;
    int significant = run->significant;
    size_t digits = run->digits;
    for (;;) {
        uint32_t value;
        unsigned k;
        if (EIGHT_DIGITS && mantissa != 0 && end - p >= 8 && (k = digit_prefix(p, &value)) > 0 &&
            significant + (int)k <= MAX_MANTISSA_DIGITS) {
            mantissa = mantissa * pow10_u32[k] + value;
            significant += (int)k;
            digits += k;
            p += k;
            if (k == 8)
                continue;
            break; /* the byte at p is not a digit */
        }
        if (!is_digit(*p))
            break;
        if (significant == MAX_MANTISSA_DIGITS)
            return NULL;
        mantissa = mantissa * 10 + (unsigned)(*p - '0');
        significant += mantissa != 0;
        p++;
        digits++;
    }
    run->mantissa = mantissa;
    run->significant = significant;
    run->digits = digits;
    return p;
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int fast_number(pdrift__csv *c, int last, double *value)
{
    const char *p = c->p;
    int negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    digit_run run = {0, 0, 0};
    if ((p = read_digits(p, c->end, &run)) == NULL)
        return 0;
    size_t integer_digits = run.digits;
    if (*p == '.' && (p = read_digits(p + 1, c->end, &run)) == NULL)
        return 0;
    const size_t digits = run.digits;
    const uint64_t mantissa = run.mantissa;
    long exponent = -(long)(digits - integer_digits); /* the fraction's digits */
    if (digits == 0)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        int exp_negative = *p == '-';
        if (*p == '-' || *p == '+')
            p++;
        if (!is_digit(*p))
            return 0;
        long e = 0;
        for (; is_digit(*p); p++)
            if (e < EXPONENT_CAP)
                e = e * 10 + (*p - '0');
        exponent += exp_negative ? -e : e;
    }
    /* the separator: ',' between fields, a whole line end after the last */
    if (last ? !(*p == '\n' || (*p == '\r' && p + 1 < c->end && p[1] == '\n')) : *p != ',')
        return 0;
    double v;
    if (mantissa == 0)
        v = 0.0;
    else if (FAST_PATH && mantissa <= (UINT64_C(1) << 53) && exponent >= -22 && exponent <= 22)
        v = exponent >= 0 ? (double)mantissa * exact_pow10[exponent] : (double)mantissa / exact_pow10[-exponent];
    else if (!eisel_lemire(mantissa, exponent, &v))
        return 0;
    *value = negative ? -v : v;
    c->p = last ? next_line(c, p) : p + 1;
    return 1;
}

int pdrift__csv_fast_number(pdrift__csv *c, int last, double *value)
{
    return fast_number(c, last, value);
}

size_t pdrift__csv_fast_numbers(pdrift__csv *c, size_t i, size_t width, double *row, size_t step,
                                const unsigned char *numeric)
{
    for (; i < width && numeric[i]; i++)
        if (!fast_number(c, i + 1 == width, row + i * step))
            break;
    return i;
}

int pdrift__csv_cell(const char *text, size_t len, int escaped, double *value)
{
    while (len > 0 && is_blank(*text)) {
        text++;
        len--;
    }
    while (len > 0 && is_blank(text[len - 1]))
        len--;
    *value = NAN;
    if (len == 0)
        return PDRIFT__CELL_MISSING;
    if (escaped) /* it holds a '"': neither a number nor a marker */
        return PDRIFT__CELL_TEXT;
    if (parse_number(text, len, value))
        return PDRIFT__CELL_NUMBER;
    *value = NAN;
    return is_missing_marker(text, len) ? PDRIFT__CELL_MISSING : PDRIFT__CELL_TEXT;
}

/* ---- locale --------------------------------------------------------------- */

int pdrift__csv_c_locale_enter(pdrift__csv_c_locale *l)
{
    l->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (l->c == (locale_t)0)
        return PDRIFT_ENOMEM;
    l->saved = uselocale(l->c);
    if (l->saved == (locale_t)0) {
        freelocale(l->c);
        l->c = (locale_t)0;
        return PDRIFT_ENOMEM;
    }
    return PDRIFT_OK;
}

void pdrift__csv_c_locale_leave(pdrift__csv_c_locale *l)
{
    if (l->c == (locale_t)0)
        return;
    uselocale(l->saved);
    freelocale(l->c);
    l->c = (locale_t)0;
}

/* ---- text for messages ---------------------------------------------------- */

size_t pdrift__csv_utf8_len(const unsigned char *s, size_t avail)
{
    unsigned char b = s[0];
    if (b < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0)
            lo = 0x90; /* overlong */
        else if (b == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* Append src[0..n) to dst if it fits in cap - 1 - reserve; 0 if not. */
static int put(char *dst, size_t cap, size_t *used, size_t reserve, const char *src, size_t n)
{
    if (*used + n + reserve + 1 > cap)
        return 0;
    memcpy(dst + *used, src, n);
    *used += n;
    return 1;
}

void pdrift__csv_printable(char *dst, size_t cap, const char *text, size_t len, int escaped,
                           size_t max_src)
{
    static const char ellipsis[] = "...";
    const size_t reserve = sizeof ellipsis - 1;
    if (cap == 0)
        return;
    size_t used = 0, i = 0;
    int cut = 0;
    while (i < len) {
        if (i >= max_src) {
            cut = 1;
            break;
        }
        const unsigned char *s = (const unsigned char *)text + i;
        char piece[8];
        size_t n = 0, step = 1;
        if (*s == '"') {
            if (escaped && i + 1 < len && s[1] == '"')
                step = 2;
            n = (size_t)snprintf(piece, sizeof piece, "\\\"");
        } else if (*s == '\\') {
            n = (size_t)snprintf(piece, sizeof piece, "\\\\");
        } else if (*s == '\n') {
            n = (size_t)snprintf(piece, sizeof piece, "\\n");
        } else if (*s == '\r') {
            n = (size_t)snprintf(piece, sizeof piece, "\\r");
        } else if (*s == '\t') {
            n = (size_t)snprintf(piece, sizeof piece, "\\t");
        } else if (*s < 0x20 || *s == 0x7F) {
            n = (size_t)snprintf(piece, sizeof piece, "\\x%02X", (unsigned)*s);
        } else if (*s < 0x80) {
            piece[0] = (char)*s;
            n = 1;
        } else {
            step = pdrift__csv_utf8_len(s, len - i);
            if (step == 0) {
                step = 1;
                n = (size_t)snprintf(piece, sizeof piece, "\\x%02X", (unsigned)*s);
            } else {
                memcpy(piece, s, step);
                n = step;
            }
        }
        if (!put(dst, cap, &used, reserve, piece, n)) {
            cut = 1;
            break;
        }
        i += step;
    }
    if (cut)
        put(dst, cap, &used, 0, ellipsis, reserve);
    dst[used] = '\0';
}
