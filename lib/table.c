/*
 * table.c — a CSV file read as a table of numeric columns
 * (pdrift__table_read), on top of the field reader of csv.c.
 *
 * The first non-blank line is the header; a first line that holds only
 * numbers (and dates or times) is data, not a header, and is refused. Every
 * column's kind is decided by its first non-missing cell: a number makes it a
 * numeric column, kept; any other text (a date, a symbol) a text column,
 * skipped and listed with the reason. A column with no value at all is
 * numeric (all NaN). A column without a name, or with pandas' "Unnamed: 0"
 * name, is a row index: skipped.
 * Values are stored as they are read, one row after the other, for every
 * column, and the text columns' slots are squeezed out at the end: one pass
 * over the data, no allocation per cell.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "internal.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

enum column_kind {
    KIND_UNDECIDED = 0, /* no value seen yet: numeric if it stays so */
    KIND_NUMERIC = 1,
    KIND_TEXT = 2,
    KIND_UNNAMED = 3
};

/* Returned by the parsing steps (besides PDRIFT_OK and the negative
 * statuses) when the read buffer ends before the record does. */
enum { NEED_MORE = 1 };

enum {
    FIRST_ROWS = 64,       /* rows reserved at first; the capacity then doubles */
    NAME_IN_MESSAGE = 64,  /* bytes of a column name quoted in a message */
    VALUE_IN_MESSAGE = 40, /* bytes of a cell quoted in a message */
    PRINTABLE_CAP = 4 * NAME_IN_MESSAGE + 8
};

typedef struct column {
    char *name;
    size_t line, col; /* of its header field */
    int kind;         /* enum column_kind */
    char *reason;     /* why it is skipped (text and unnamed columns) */
} column;

typedef struct reader {
    const char *path;
    char *err;
    size_t errcap;
    pdrift__csv csv;
    column *columns;
    size_t n_columns, cap_columns;
    double *values; /* n_rows x n_columns while reading; by_column: column i at values + i * cap_rows */
    size_t n_rows, cap_rows;
    int by_column;                /* pdrift__table_options */
    /* by_column, after a tail reader wrote its rows in place: rows gap_at
     * and on lie gap rows further on in every column */
    size_t gap_at, gap;
    /* per column, made at the first row: 1 while numbers are read there
     * (numeric or undecided), for pdrift__csv_fast_numbers */
    unsigned char *fast;
    size_t n_undecided;           /* columns still undecided, once fast is made */
    int single_column_headerless; /* pdrift__table_options */
    int headerless;               /* the first line was data */
    int want_lines;
    size_t *lines;                /* cap_rows entries when want_lines */
    pdrift__limits limits;        /* pdrift__table_options */
    size_t threads;               /* pdrift__table_options: 2 or more lets a tail reader help */
    size_t tail_min;              /* pdrift__table_options.tail_min_bytes, resolved */
    int tail_taken;               /* the tail reader's rows were taken */
    struct tail *tail;            /* the tail reader, while it runs (or NULL) */
} reader;

static const char unnamed_reason[] = "unnamed column (a row index?)";

/* ---- messages -------------------------------------------------------------- */

static int fail_at(reader *r, int status, size_t line, size_t col, const char *fmt, ...)
    PRINTF_LIKE(5, 6);
static int fail_file(reader *r, int status, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* "path:line:col: " (line > 0) or "path: ", then the text. */
static void vmessage(reader *r, size_t line, size_t col, const char *fmt, va_list ap)
{
    if (!r->err || r->errcap == 0)
        return;
    int n = line ? snprintf(r->err, r->errcap, "%s:%zu:%zu: ", r->path, line, col)
                 : snprintf(r->err, r->errcap, "%s: ", r->path);
    if (n < 0 || (size_t)n >= r->errcap)
        return;
    vsnprintf(r->err + n, r->errcap - (size_t)n, fmt, ap);
}

static int fail_at(reader *r, int status, size_t line, size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(r, line, col, fmt, ap);
    va_end(ap);
    return status;
}

static int fail_file(reader *r, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(r, 0, 0, fmt, ap);
    va_end(ap);
    return status;
}

static int out_of_memory(reader *r)
{
    return fail_file(r, PDRIFT_ENOMEM, "out of memory");
}

/* `column "rsi"`, `column 1 (unnamed)`, `field 9 (beyond the header's 7)` or
 * `header`, for column index i (SIZE_MAX: the header). */
static void describe_column(const reader *r, size_t i, char *dst, size_t cap)
{
    if (i == SIZE_MAX) {
        snprintf(dst, cap, "header");
    } else if (r->headerless) {
        if (i == 0)
            snprintf(dst, cap, "column 1 (no header line)");
        else
            snprintf(dst, cap, "field %zu (no header line: a single column)", i + 1);
    } else if (i >= r->n_columns) {
        snprintf(dst, cap, "field %zu (beyond the header's %zu)", i + 1, r->n_columns);
    } else if (r->columns[i].name[0] == '\0') {
        snprintf(dst, cap, "column %zu (unnamed)", i + 1);
    } else {
        char name[PRINTABLE_CAP];
        const char *raw = r->columns[i].name;
        pdrift__csv_printable(name, sizeof name, raw, strlen(raw), 0, NAME_IN_MESSAGE);
        snprintf(dst, cap, "column \"%s\"", name);
    }
}

static void describe_byte(unsigned char b, char *dst, size_t cap)
{
    if (b > 0x20 && b < 0x7F)
        snprintf(dst, cap, "'%c'", (char)b);
    else
        snprintf(dst, cap, "byte 0x%02X", (unsigned)b);
}

/* A failure of pdrift__csv_next_field in column i (SIZE_MAX: the header). */
static int field_failure(reader *r, int rc, const pdrift__csv_field *f, size_t i)
{
    char where[PRINTABLE_CAP + 32], byte[16];
    describe_column(r, i, where, sizeof where);
    switch (rc) {
    case PDRIFT__CSV_UNTERMINATED:
        return fail_at(r, PDRIFT_EFORMAT, f->bad_line, f->bad_col,
                       "%s: unterminated quote: the quoted field opened here never closes",
                       where);
    case PDRIFT__CSV_JUNK:
        describe_byte(f->bad_byte, byte, sizeof byte);
        return fail_at(r, PDRIFT_EFORMAT, f->bad_line, f->bad_col,
                       "%s: unexpected %s after the closing quote (the field starts at %zu:%zu)",
                       where, byte, f->line, f->col);
    default:
        return fail_at(r, PDRIFT_EFORMAT, f->bad_line, f->bad_col,
                       "NUL byte: not a text file (binary data, or UTF-16 text?)");
    }
}

/* ---- limits -------------------------------------------------------------------- */

/* Line and column of the byte `offset` bytes into the record being parsed
 * (in the buffer), counting line breaks as csv.h does. */
static void record_position(const reader *r, size_t offset, size_t *line, size_t *col)
{
    const char *start = r->csv.mark, *target = r->csv.mark + offset;
    size_t l = r->csv.mark_line;
    for (const char *p = r->csv.mark; p < target; p++) {
        if (*p == '\n' || (*p == '\r' && p[1] != '\n')) {
            l++;
            start = p + 1;
        }
    }
    *line = l;
    *col = (size_t)(target - start) + 1;
}

static int line_too_long(reader *r)
{
    size_t line, col;
    record_position(r, r->limits.max_line_bytes, &line, &col);
    return fail_at(r, PDRIFT_EDATA, line, col,
                   "line longer than %zu bytes, the limit max_line_bytes (raise the parameter "
                   "max_line_bytes to read this file)",
                   r->limits.max_line_bytes);
}

/* After the last field of a record (the cursor past its line end, or at the
 * end of the data): its bytes, line end excluded. */
static size_t record_bytes(const pdrift__csv *c)
{
    const char *q = c->p, *mark = c->mark;
    if (q > mark && q[-1] == '\n')
        q -= q - 1 > mark && q[-2] == '\r' ? 2 : 1;
    else if (q > mark && q[-1] == '\r')
        q--;
    return (size_t)(q - mark);
}

/* ... within max_line_bytes. */
static int check_record_length(reader *r)
{
    return record_bytes(&r->csv) > r->limits.max_line_bytes ? line_too_long(r) : PDRIFT_OK;
}

/* Before a refill: the buffer ends inside the record, so every byte from the
 * record's start belongs to it but perhaps the last, a CR whose LF is yet to
 * come. More than max_line_bytes + 1 of them: the record is too long, and is
 * refused before it is read whole. */
static int check_partial_record(reader *r)
{
    size_t bytes = (size_t)(r->csv.end - r->csv.mark);
    if (r->limits.max_line_bytes < SIZE_MAX && bytes > r->limits.max_line_bytes + 1)
        return line_too_long(r);
    return PDRIFT_OK;
}

/* No room for one more row within the limits (or size_t). */
static int rows_beyond_limits(reader *r, size_t by_memory)
{
    size_t line = r->csv.mark_line;
    if (r->cap_rows >= r->limits.max_rows)
        return fail_at(r, PDRIFT_EDATA, line, 1,
                       "more than %zu data row%s, the limit max_rows (raise the parameter "
                       "max_rows to read this file)",
                       r->limits.max_rows, r->limits.max_rows == 1 ? "" : "s");
    if (r->cap_rows >= by_memory)
        return fail_at(r, PDRIFT_EDATA, line, 1,
                       "%zu row%s of %zu field%s (8 bytes a value) would take more than %zu "
                       "bytes, the limit max_memory (raise the parameter max_memory to read "
                       "this file)",
                       r->n_rows + 1, r->n_rows == 0 ? "" : "s", r->n_columns,
                       r->n_columns == 1 ? "" : "s", r->limits.max_memory);
    return out_of_memory(r);
}

/* ---- header ------------------------------------------------------------------ */

/* The field's text with "" pairs undoubled, NUL-terminated. */
static char *field_text(const pdrift__csv_field *f)
{
    char *s = malloc(f->len + 1);
    if (!s)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < f->len; i++) {
        s[n++] = f->text[i];
        if (f->escaped && f->text[i] == '"' && i + 1 < f->len && f->text[i + 1] == '"')
            i++;
    }
    s[n] = '\0';
    return s;
}

/* pandas names an unnamed column "Unnamed: 0" ("Unnamed: 0_level_0") when it
 * reads one, and writes that name back. */
static int is_pandas_unnamed(const char *name)
{
    static const char prefix[] = "Unnamed: ";
    return strncmp(name, prefix, sizeof prefix - 1) == 0 && name[sizeof prefix - 1] >= '0' &&
           name[sizeof prefix - 1] <= '9';
}

static int add_column(reader *r, const pdrift__csv_field *f)
{
    if (r->n_columns >= r->limits.max_columns)
        return fail_at(r, PDRIFT_EDATA, f->line, f->col,
                       "header has more than %zu column%s, the limit max_columns (raise the "
                       "parameter max_columns to read this file)",
                       r->limits.max_columns, r->limits.max_columns == 1 ? "" : "s");
    if (r->n_columns == r->cap_columns) {
        size_t cap = r->cap_columns ? r->cap_columns : 16;
        if (r->cap_columns) {
            if (cap > SIZE_MAX / 2 / sizeof *r->columns)
                return out_of_memory(r);
            cap *= 2;
        }
        column *grown = realloc(r->columns, cap * sizeof *grown);
        if (!grown)
            return out_of_memory(r);
        r->columns = grown;
        r->cap_columns = cap;
    }
    column *c = &r->columns[r->n_columns];
    memset(c, 0, sizeof *c);
    c->line = f->line;
    c->col = f->col;
    c->name = field_text(f);
    if (!c->name)
        return out_of_memory(r);
    r->n_columns++;
    if (c->name[0] == '\0' || is_pandas_unnamed(c->name)) {
        c->kind = KIND_UNNAMED;
        c->reason = malloc(sizeof unnamed_reason);
        if (!c->reason)
            return out_of_memory(r);
        memcpy(c->reason, unnamed_reason, sizeof unnamed_reason);
    }
    return PDRIFT_OK;
}

static void drop_columns(reader *r)
{
    for (size_t i = 0; i < r->n_columns; i++) {
        free(r->columns[i].name);
        free(r->columns[i].reason);
    }
    r->n_columns = 0;
}

/* "Date;Open;High" is one field: say what went wrong rather than reading a
 * table of one text column. f is the header's only field. */
static int check_separator(reader *r, const pdrift__csv_field *f)
{
    size_t semicolons = 0, tabs = 0;
    for (size_t i = 0; i < f->len; i++) {
        semicolons += f->text[i] == ';';
        tabs += f->text[i] == '\t';
    }
    if (semicolons == 0 && tabs == 0)
        return PDRIFT_OK;
    char shown[PRINTABLE_CAP];
    pdrift__csv_printable(shown, sizeof shown, f->text, f->len, f->escaped, NAME_IN_MESSAGE);
    return fail_at(r, PDRIFT_EFORMAT, f->line, f->col,
                   "the header is a single field \"%s\": the separator must be a comma "
                   "(this file seems to use %s)",
                   shown, semicolons >= tabs ? "';'" : "tabs");
}

typedef struct bad_byte {
    int found;
    int control; /* a control character, not invalid UTF-8 */
    size_t line, col;
    unsigned char byte;
} bad_byte;

/* A control character that may not stand in a name: a name goes into
 * reports, logs and terminals, where an escape sequence (ESC), a backspace or
 * a bell from a hostile file must not arrive raw. Tabs and the line breaks
 * of a quoted name (RFC 4180) are text. */
static int is_control(unsigned char b)
{
    return (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F;
}

/* Remember the first byte of the field that is not valid UTF-8, or is a
 * control character that may not stand in a name. */
static void find_bad_utf8(const pdrift__csv_field *f, bad_byte *bad)
{
    const unsigned char *s = (const unsigned char *)f->text;
    for (size_t k = 0; k < f->len && !bad->found;) {
        size_t n = pdrift__csv_utf8_len(s + k, f->len - k);
        if (n == 0 || (n == 1 && is_control(s[k]))) {
            bad->found = 1;
            bad->control = n == 1;
            bad->byte = s[k];
            pdrift__csv_locate(f, f->text + k, &bad->line, &bad->col);
        }
        k += n ? n : 1;
    }
}

static int compare_names(const void *a, const void *b)
{
    const column *x = *(const column *const *)a, *y = *(const column *const *)b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return (x > y) - (x < y); /* file order among equal names */
}

/* Sorting keeps this O(n log n) for a header of a million columns. */
static int check_duplicates(reader *r)
{
    const column **sorted = malloc(r->n_columns * sizeof *sorted);
    if (!sorted)
        return out_of_memory(r);
    size_t n = 0;
    for (size_t i = 0; i < r->n_columns; i++)
        if (r->columns[i].name[0] != '\0')
            sorted[n++] = &r->columns[i];
    qsort(sorted, n, sizeof *sorted, compare_names);
    const column *first = NULL, *second = NULL;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(sorted[i - 1]->name, sorted[i]->name) != 0)
            continue;
        if (i >= 2 && strcmp(sorted[i - 2]->name, sorted[i]->name) == 0)
            continue; /* third of a name: the pair of its first two is enough */
        if (!second || sorted[i] < second) {
            first = sorted[i - 1];
            second = sorted[i];
        }
    }
    free(sorted);
    if (!second)
        return PDRIFT_OK;
    char name[PRINTABLE_CAP];
    pdrift__csv_printable(name, sizeof name, first->name, strlen(first->name), 0,
                          NAME_IN_MESSAGE);
    return fail_at(r, PDRIFT_EFORMAT, second->line, second->col,
                   "duplicate column name \"%s\" (fields %zu and %zu, at %zu:%zu and %zu:%zu)",
                   name, (size_t)(first - r->columns) + 1, (size_t)(second - r->columns) + 1,
                   first->line, first->col, second->line, second->col);
}

/* What the header's fields look like, to tell a file without a header row
 * (MT4 exports: "2019.07.01 00:00,1.13670,...") from one with a header. */
typedef struct header_shape {
    size_t fields;  /* non-empty fields */
    size_t numbers; /* read as a number by the cell parser */
    size_t names;   /* neither a number nor a date or time: a plausible name */
    char first_number[PRINTABLE_CAP];
} header_shape;

/* A date or a time as data files write them ("2019.07.01 00:00",
 * "2020-01-02T09:30:00Z", "01/02/2020"): a digit first, then only digits and
 * the punctuation of dates and times. Not a plausible column name. */
static int looks_like_date_time(const char *text, size_t len)
{
    if (len == 0 || text[0] < '0' || text[0] > '9')
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (!(c >= '0' && c <= '9') && !strchr("-./: TZ+", c))
            return 0;
    }
    return 1;
}

/* Classify one header field; its text must still be in the buffer. Needs the
 * C locale (the cell parser). Missing markers ("NA", "null") count as names. */
static void shape_field(header_shape *h, const pdrift__csv_field *f)
{
    if (f->len == 0)
        return;
    h->fields++;
    double v;
    if (pdrift__csv_cell(f->text, f->len, f->escaped, &v) == PDRIFT__CELL_NUMBER) {
        if (h->numbers++ == 0)
            pdrift__csv_printable(h->first_number, sizeof h->first_number, f->text, f->len,
                                  f->escaped, VALUE_IN_MESSAGE);
    } else if (!looks_like_date_time(f->text, f->len)) {
        h->names++;
    }
}

/* The first line holds data, not names: every non-empty field is a number or
 * a date/time, and at least one is a number. line:col is its first field. */
static int check_header_names(reader *r, const header_shape *h, size_t line, size_t col)
{
    if (h->numbers == 0 || h->names > 0)
        return PDRIFT_OK;
    return fail_at(r, PDRIFT_EFORMAT, line, col,
                   "no header row: the first line holds numbers (\"%s\"%s); add a header line "
                   "naming the columns",
                   h->first_number, h->fields > 1 ? ", ..." : "");
}

/* With single_column_headerless: a first line that is one number is the
 * first row of a single column without header (1); several fields of
 * numbers are refused (PDRIFT_EFORMAT); anything else is a header (0). */
static int check_headerless(reader *r, const header_shape *h, size_t line, size_t col)
{
    if (!r->single_column_headerless || h->numbers == 0 || h->numbers != h->fields)
        return 0;
    if (r->n_columns > 1)
        return fail_at(r, PDRIFT_EFORMAT, line, col,
                       "no header line: the first line holds %zu fields of numbers (\"%s\"%s); "
                       "only a single column of numbers may go without a header: add a header "
                       "line naming the columns",
                       r->n_columns, h->first_number, h->numbers > 1 ? ", ..." : "");
    r->columns[0].name[0] = '\0';
    r->headerless = 1;
    pdrift__csv_rewind_record(&r->csv);
    return 1;
}

/* One attempt at the header; NEED_MORE if the buffer ends before it does.
 * The checks on its raw bytes run here, while the buffer holds them. */
static int parse_header(reader *r)
{
    int rc = pdrift__csv_next_record(&r->csv);
    if (rc == PDRIFT__CSV_MORE)
        return NEED_MORE;
    if (rc == PDRIFT__CSV_END)
        return fail_file(r, PDRIFT_EFORMAT, "empty file (no header row)");
    bad_byte bad = {0, 0, 0, 0, 0};
    header_shape shape;
    memset(&shape, 0, sizeof shape);
    size_t line = 0, col = 0;
    pdrift__csv_field f;
    do {
        rc = pdrift__csv_next_field(&r->csv, &f);
        if (rc == PDRIFT__CSV_MORE)
            return NEED_MORE;
        if (rc != PDRIFT__CSV_OK)
            return field_failure(r, rc, &f, SIZE_MAX);
        if (r->n_columns == 0) {
            line = f.line;
            col = f.col;
        }
        find_bad_utf8(&f, &bad);
        shape_field(&shape, &f);
        rc = add_column(r, &f);
        if (rc != PDRIFT_OK)
            return rc;
    } while (!f.last);
    if ((rc = check_record_length(r)) != PDRIFT_OK)
        return rc;
    if ((rc = check_headerless(r, &shape, line, col)) != 0)
        return rc == 1 ? PDRIFT_OK : rc;
    if (r->n_columns == 1 && (rc = check_separator(r, &f)) != PDRIFT_OK)
        return rc;
    if (bad.found && bad.control)
        return fail_at(r, PDRIFT_EFORMAT, bad.line, bad.col,
                       "header: control character (byte 0x%02X) in a column name",
                       (unsigned)bad.byte);
    if (bad.found)
        return fail_at(r, PDRIFT_EFORMAT, bad.line, bad.col,
                       "header: invalid UTF-8 (byte 0x%02X): save the file as UTF-8",
                       (unsigned)bad.byte);
    if ((rc = check_header_names(r, &shape, line, col)) != PDRIFT_OK)
        return rc;
    if (r->n_columns > SIZE_MAX / sizeof(double))
        return out_of_memory(r);
    return check_duplicates(r);
}

static int read_header(reader *r)
{
    const unsigned char *d = (const unsigned char *)r->csv.buf;
    if (r->csv.len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF)))
        return fail_file(r, PDRIFT_EFORMAT,
                         "UTF-16 text (byte order mark %02X %02X): save the file as UTF-8",
                         (unsigned)d[0], (unsigned)d[1]);
    for (;;) {
        int rc = parse_header(r);
        if (rc != NEED_MORE)
            return rc;
        drop_columns(r);
        if ((rc = check_partial_record(r)) != PDRIFT_OK)
            return rc;
        rc = pdrift__csv_refill(&r->csv, r->path, r->err, r->errcap);
        if (rc != PDRIFT_OK)
            return rc;
    }
}

/* ---- rows ---------------------------------------------------------------------- */

static void start_tail(reader *r, size_t expected, double *values, size_t cap);

/* Room for cap rows (cap * row size within size_t): a new block, on huge
 * pages when large and advised before it is touched, and the rows read so
 * far copied (realloc would not keep the alignment). tail_rows > 0: a tail
 * reader is started (before the copy: by column its first touch of the new
 * block's pages is then not all this thread's). 0, or -1 without memory
 * (nothing changed). */
static int set_capacity(reader *r, size_t cap, size_t tail_rows)
{
    const size_t row_size = r->n_columns * sizeof(double);
    double *grown = pdrift__alloc_large(cap * row_size, 1);
    size_t *lines = r->want_lines ? malloc(cap * sizeof *lines) : NULL; /* <= cap * row_size */
    if (grown == NULL || (r->want_lines && lines == NULL)) {
        free(grown);
        free(lines);
        return -1;
    }
    if (tail_rows > 0)
        start_tail(r, tail_rows, grown, cap);
    if (r->n_rows > 0 && r->by_column) {
        for (size_t i = 0; i < r->n_columns; i++)
            memcpy(grown + i * cap, r->values + i * r->cap_rows, r->n_rows * sizeof *grown);
    } else if (r->n_rows > 0) {
        memcpy(grown, r->values, r->n_rows * row_size);
    }
    if (r->n_rows > 0) {
        if (r->want_lines)
            memcpy(lines, r->lines, r->n_rows * sizeof *lines);
    }
    free(r->values);
    r->values = grown;
    if (r->want_lines) {
        free(r->lines);
        r->lines = lines;
    }
    r->cap_rows = cap;
    return 0;
}

static int grow_rows(reader *r)
{
    const size_t row_size = r->n_columns * sizeof(double); /* bounded in parse_header */
    /* The capacity never passes the limits, so a file meets them exactly:
     * max_rows rows, or max_memory / row_size, are accepted, one more not. */
    const size_t by_memory = r->limits.max_memory / row_size;
    size_t most = SIZE_MAX / row_size;
    if (most > by_memory)
        most = by_memory;
    if (most > r->limits.max_rows)
        most = r->limits.max_rows;
    size_t cap = r->cap_rows == 0              ? FIRST_ROWS
                 : r->cap_rows <= SIZE_MAX / 2 ? r->cap_rows * 2
                                               : SIZE_MAX;
    /* After the first rows, a regular file's size tells about how many
     * follow: one allocation of that many (a little more) instead of
     * doublings, each of which would copy every row read so far. */
    size_t read_so_far = r->csv.dropped + (size_t)(r->csv.mark - r->csv.buf), tail_rows = 0;
    if (r->cap_rows == FIRST_ROWS && r->n_rows > 0 && r->csv.file_size > read_so_far && read_so_far > 0) {
        double expected = (double)r->csv.file_size / (double)read_so_far * (double)r->n_rows * 1.05 + 64.0;
        if (expected > (double)cap && expected < (double)SIZE_MAX / 2)
            cap = (size_t)expected;
        if (expected < (double)SIZE_MAX / 2)
            tail_rows = (size_t)expected;
    }
    if (cap > most)
        cap = most;
    if (cap <= r->cap_rows)
        return rows_beyond_limits(r, by_memory);
    if (set_capacity(r, cap, tail_rows) != 0)
        return fail_file(r, PDRIFT_ENOMEM, "out of memory after %zu rows of %zu columns",
                         r->n_rows, r->n_columns);
    return PDRIFT_OK;
}

static int text_column(reader *r, column *c, const pdrift__csv_field *f)
{
    char shown[PRINTABLE_CAP];
    pdrift__csv_printable(shown, sizeof shown, f->text, f->len, f->escaped, VALUE_IN_MESSAGE);
    int n = snprintf(NULL, 0, "not numeric (first value \"%s\" at line %zu)", shown, f->line);
    if (n < 0)
        return out_of_memory(r);
    c->reason = malloc((size_t)n + 1);
    if (!c->reason)
        return out_of_memory(r);
    snprintf(c->reason, (size_t)n + 1, "not numeric (first value \"%s\" at line %zu)", shown,
             f->line);
    c->kind = KIND_TEXT; /* from undecided */
    r->fast[c - r->columns] = 0;
    r->n_undecided--;
    return PDRIFT_OK;
}

static int not_a_number(reader *r, size_t i, const pdrift__csv_field *f)
{
    char where[PRINTABLE_CAP + 32], shown[PRINTABLE_CAP];
    describe_column(r, i, where, sizeof where);
    pdrift__csv_printable(shown, sizeof shown, f->text, f->len, f->escaped, VALUE_IN_MESSAGE);
    return fail_at(r, PDRIFT_EFORMAT, f->line, f->col, "%s: \"%s\" is not a number", where, shown);
}

/* The hot path: one cell of column i into *slot. A record parsed again after
 * a refill meets the same complete fields, so deciding a column's kind here
 * is final even if the rest of the record is not in the buffer yet. */
static int store_cell(reader *r, size_t i, const pdrift__csv_field *f, double *slot)
{
    column *c = &r->columns[i];
    if (c->kind == KIND_NUMERIC) {
        if (pdrift__csv_cell(f->text, f->len, f->escaped, slot) == PDRIFT__CELL_TEXT)
            return not_a_number(r, i, f);
        return PDRIFT_OK;
    }
    if (c->kind != KIND_UNDECIDED)
        return PDRIFT_OK;
    switch (pdrift__csv_cell(f->text, f->len, f->escaped, slot)) {
    case PDRIFT__CELL_NUMBER:
        c->kind = KIND_NUMERIC;
        r->n_undecided--;
        return PDRIFT_OK;
    case PDRIFT__CELL_TEXT:
        return text_column(r, c, f);
    default:
        return PDRIFT_OK;
    }
}

/* The record has a field beyond the header's: count them all for the message. */
static int too_many_fields(reader *r, const pdrift__csv_field *extra)
{
    size_t line = extra->line, col = extra->col, n = r->n_columns + 1;
    pdrift__csv_field f = *extra;
    while (!f.last) {
        int rc = pdrift__csv_next_field(&r->csv, &f);
        if (rc == PDRIFT__CSV_MORE)
            return NEED_MORE;
        if (rc != PDRIFT__CSV_OK)
            return field_failure(r, rc, &f, n);
        n++;
    }
    if (r->headerless)
        return fail_at(r, PDRIFT_EFORMAT, line, col,
                       "row has %zu fields but the file has no header line and its first line "
                       "a single number: a file without a header line must have a single column",
                       n);
    return fail_at(r, PDRIFT_EFORMAT, line, col,
                   "row has %zu fields but the header has %zu (a comma inside an unquoted value?)",
                   n, r->n_columns);
}

static void stop_tail(reader *r);
static size_t tail_base(const reader *r);

/* The fast mask of the columns, made at the first row (the header is final). */
static int make_fast(reader *r)
{
    if ((r->fast = malloc(r->n_columns ? r->n_columns : 1)) == NULL)
        return out_of_memory(r);
    r->n_undecided = 0;
    for (size_t i = 0; i < r->n_columns; i++) {
        r->fast[i] = r->columns[i].kind == KIND_NUMERIC || r->columns[i].kind == KIND_UNDECIDED;
        r->n_undecided += r->columns[i].kind == KIND_UNDECIDED;
    }
    return PDRIFT_OK;
}

/* Cells from .. to - 1 were read as numbers: their columns are numeric. */
static void read_numbers(reader *r, size_t from, size_t to)
{
    for (size_t i = from; r->n_undecided > 0 && i < to; i++)
        if (r->columns[i].kind == KIND_UNDECIDED) {
            r->columns[i].kind = KIND_NUMERIC;
            r->n_undecided--;
        }
}

/* One data record, whose start pdrift__csv_next_record has marked. */
static int parse_row(reader *r)
{
    const size_t width = r->n_columns;
    if (r->fast == NULL && make_fast(r) != PDRIFT_OK)
        return PDRIFT_ENOMEM;
    if (r->n_rows == tail_base(r)) /* the tail reader's rows would be overwritten */
        stop_tail(r);
    if (r->n_rows == r->cap_rows) {
        int rc = grow_rows(r);
        if (rc != PDRIFT_OK)
            return rc;
    }
    /* cell i at row + i * step */
    double *row = r->values + (r->by_column ? r->n_rows : r->n_rows * width);
    const size_t step = r->by_column ? r->cap_rows : 1;
    pdrift__csv_field f;
    size_t i = 0;
    do {
        /* number columns' plain numbers, in one pass (anything else, and
         * every error, goes through the field cutter below) */
        size_t upto = i < width ? pdrift__csv_fast_numbers(&r->csv, i, width, row, step, r->fast) : i;
        if (upto > i) {
            read_numbers(r, i, upto);
            i = upto;
            f.last = i == width;
            continue;
        }
        int rc = pdrift__csv_next_field(&r->csv, &f);
        if (rc == PDRIFT__CSV_MORE)
            return NEED_MORE;
        if (rc != PDRIFT__CSV_OK)
            return field_failure(r, rc, &f, i);
        if (i == width)
            return too_many_fields(r, &f);
        rc = store_cell(r, i, &f, row + i * step);
        if (rc != PDRIFT_OK)
            return rc;
        i++;
    } while (!f.last);
    if (i < width)
        return fail_at(r, PDRIFT_EFORMAT, f.end_line, f.end_col,
                       "row has %zu field%s but the header has %zu", i, i == 1 ? "" : "s",
                       width);
    int rc = check_record_length(r);
    if (rc != PDRIFT_OK)
        return rc;
    if (r->want_lines)
        r->lines[r->n_rows] = r->csv.mark_line;
    r->n_rows++;
    return PDRIFT_OK;
}

/* ---- the tail reader ------------------------------------------------------------- */

/* A large regular file is read by two threads when the caller allows
 * (pdrift__table_options.threads >= 2): once the first rows have fixed the
 * columns' kinds, a tail reader starts at the first line start past the
 * middle of what is left and reads from there to the end into its own rows,
 * while this thread reads up to there. It takes only the plain case: every
 * record has the header's number of fields, within max_line_bytes, and every
 * cell of a numeric (or still undecided) column is a number or missing. At
 * the first thing else it stops and gives up. When this thread reaches its
 * start between two records, the tail's rows are appended, as if read here
 * (the same functions read the same bytes); in every other case (it gave up,
 * the start fell inside a quoted field, the rows would pass a limit) they
 * are dropped and this thread reads on alone, so errors, messages and limits
 * are exactly those of one thread. */
enum { TAIL_MIN_BYTES = 4u << 20 };

typedef struct tail {
    /* in */
    const char *path;
    int fd;                   /* the main reader's, to check the file and find the start */
    size_t start;             /* the tail's first byte: a line start */
    size_t width, expected;   /* columns; rows it may expect */
    size_t max_line_bytes, buffer_size;
    /* out */
    int ok;                   /* 1: every record from start on is in rows */
    size_t first_mark;        /* offset of its first record */
    double *rows;
    size_t n_rows, cap_rows;
    size_t *lines;            /* the line of each row, counted from start's as 1 */
    unsigned char *numeric;   /* per column: a number was read */
    unsigned char *fast;      /* per column: numeric or undecided (pdrift__csv_fast_numbers) */
    int undecided;            /* some column is undecided: numeric is kept */
    int by_column;            /* rows column by column, column i at rows + i * cap_rows */
    /* Not NULL: the rows go straight into the main reader's (by column,
     * into columns stride apart) from row base on, room of them at most;
     * rows is then NULL and cap_rows counts only lines. */
    double *direct;
    size_t stride, base, room;
    atomic_int cancel;        /* set by this thread when its rows are no longer wanted */
    pthread_t thread;
} tail;

static int tail_grow(tail *t)
{
    size_t cap = t->cap_rows ? t->cap_rows * 2 : t->expected + 64;
    if (t->direct != NULL && cap > t->room)
        cap = t->room;
    if (cap > SIZE_MAX / sizeof(double) / t->width || cap <= t->cap_rows)
        return -1;
    double *rows = t->direct != NULL ? NULL : pdrift__alloc_large(cap * t->width * sizeof *rows, 1);
    size_t *lines = malloc(cap * sizeof *lines);
    if ((t->direct == NULL && rows == NULL) || lines == NULL) {
        free(rows);
        free(lines);
        return -1;
    }
    if (t->direct != NULL) {
        /* the rows are the main reader's: only the lines grow */
    } else if (t->n_rows > 0 && t->by_column) {
        for (size_t i = 0; i < t->width; i++)
            memcpy(rows + i * cap, t->rows + i * t->cap_rows, t->n_rows * sizeof *rows);
    } else if (t->n_rows > 0) {
        memcpy(rows, t->rows, t->n_rows * t->width * sizeof *rows);
    }
    if (t->n_rows > 0)
        memcpy(lines, t->lines, t->n_rows * sizeof *lines);
    free(t->rows);
    free(t->lines);
    t->rows = rows;
    t->lines = lines;
    t->cap_rows = cap;
    return 0;
}

/* One record at the cursor: 0 read, 1 the buffer ends first, -1 give up. */
static int tail_row(tail *t, pdrift__csv *c)
{
    if (t->n_rows == t->cap_rows && tail_grow(t) != 0)
        return -1;
    /* cell i at row + i * step */
    double *row = t->direct != NULL ? t->direct + (t->by_column ? t->base + t->n_rows : (t->base + t->n_rows) * t->width)
                  : t->rows + (t->by_column ? t->n_rows : t->n_rows * t->width);
    const size_t step = !t->by_column ? 1 : t->direct != NULL ? t->stride : t->cap_rows;
    pdrift__csv_field f;
    size_t i = 0;
    int last = 0;
    do {
        size_t upto = i < t->width ? pdrift__csv_fast_numbers(c, i, t->width, row, step, t->fast) : i;
        if (upto > i) {
            for (; t->undecided && i < upto; i++)
                t->numeric[i] = 1;
            i = upto;
            last = i == t->width;
            continue;
        }
        int numeric = i < t->width && t->fast[i];
        int rc = pdrift__csv_next_field(c, &f);
        if (rc == PDRIFT__CSV_MORE)
            return 1;
        if (rc != PDRIFT__CSV_OK || i == t->width)
            return -1;
        if (numeric) {
            int cell = pdrift__csv_cell(f.text, f.len, f.escaped, row + i * step);
            if (cell == PDRIFT__CELL_TEXT)
                return -1;
            t->numeric[i] |= cell == PDRIFT__CELL_NUMBER;
        }
        last = f.last;
        i++;
    } while (!last);
    if (i < t->width)
        return -1;
    if (record_bytes(c) > t->max_line_bytes) /* as check_record_length */
        return -1;
    t->lines[t->n_rows++] = c->mark_line;
    return 0;
}

static void *tail_read(void *arg)
{
    tail *t = arg;
    pdrift__csv c;
    pdrift__csv_c_locale locale;
    if (pdrift__csv_open_at(&c, t->path, t->fd, t->start, t->buffer_size) != PDRIFT_OK)
        return NULL;
    if (t->max_line_bytes < SIZE_MAX - 2)
        pdrift__csv_limit_records(&c, t->max_line_bytes + 2);
    if (pdrift__csv_c_locale_enter(&locale) != PDRIFT_OK) {
        pdrift__csv_close(&c);
        return NULL;
    }
    for (;;) {
        if (t->n_rows % 1024 == 0 && atomic_load(&t->cancel))
            break;
        int rc = pdrift__csv_next_record(&c);
        if (rc == PDRIFT__CSV_END) {
            t->ok = 1;
            break;
        }
        if (rc == PDRIFT__CSV_OK && t->n_rows == 0)
            t->first_mark = c.dropped + (size_t)(c.mark - c.buf);
        rc = rc == PDRIFT__CSV_OK ? tail_row(t, &c) : 1;
        if (rc == 1 && (size_t)(c.end - c.mark) <= t->max_line_bytes + 1 &&
            pdrift__csv_refill(&c, t->path, NULL, 0) == PDRIFT_OK)
            continue;
        if (rc != 0)
            break;
    }
    pdrift__csv_c_locale_leave(&locale);
    pdrift__csv_close(&c);
    return NULL;
}

static void tail_free(tail *t)
{
    if (t == NULL)
        return;
    free(t->fast);
    free(t->rows);
    free(t->lines);
    free(t->numeric);
    free(t);
}

/* Start a tail reader if the file is worth it; expected: rows the file
 * holds, about; values and cap: the rows this thread reads into (by column,
 * the tail reader's go there too). Without it (or a thread) this thread
 * reads alone. */
static void start_tail(reader *r, size_t expected, double *values, size_t cap)
{
    const size_t read_so_far = r->csv.dropped + (size_t)(r->csv.p - r->csv.buf);
    if (r->threads < 2 || r->tail != NULL || r->csv.file_size < r->tail_min ||
        r->csv.file_size - read_so_far < r->tail_min || r->n_columns == 0 || r->n_rows == 0)
        return;
    size_t start = pdrift__csv_line_after(r->csv.fd, read_so_far + (r->csv.file_size - read_so_far) / 2);
    if (start == SIZE_MAX || start >= r->csv.file_size)
        return;
    tail *t = calloc(1, sizeof *t);
    if (t == NULL)
        return;
    t->path = r->path;
    t->fd = r->csv.fd;
    t->start = start;
    t->width = r->n_columns;
    t->expected = expected / 2;
    t->max_line_bytes = r->limits.max_line_bytes;
    t->buffer_size = r->csv.cap;
    t->by_column = r->by_column;
    {
        /* Its rows go straight into this thread's, from a row a little past
         * where this thread's should end (their bytes at the rate so far);
         * should this thread reach it first, the tail reader is stopped. */
        const double per_row = (double)read_so_far / (double)r->n_rows;
        const double head = (double)r->n_rows + (double)(start - read_so_far) / per_row;
        const double base = head * 1.03 + 256.0;
        if (base < (double)cap && cap - (size_t)base > 64) {
            t->direct = values;
            t->stride = cap;
            t->base = (size_t)base;
            t->room = cap - t->base;
        }
    }
    t->numeric = calloc(r->n_columns, 1);
    t->fast = malloc(r->n_columns);
    if (t->numeric == NULL || t->fast == NULL) {
        tail_free(t);
        return;
    }
    for (size_t i = 0; i < r->n_columns; i++) {
        const int kind = r->columns[i].kind; /* when it started */
        t->fast[i] = kind == KIND_NUMERIC || kind == KIND_UNDECIDED;
        t->undecided |= kind == KIND_UNDECIDED;
    }
    atomic_init(&t->cancel, 0);
    if (pthread_create(&t->thread, NULL, tail_read, t) != 0) {
        tail_free(t);
        return;
    }
    r->tail = t;
}

/* The row where a tail reader writing into this reader's columns starts,
 * or SIZE_MAX. */
static size_t tail_base(const reader *r)
{
    return r->tail != NULL && r->tail->direct != NULL ? r->tail->base : SIZE_MAX;
}

/* Stop the tail reader (this thread ended first: an error, the end of the
 * file before its start, or its first row reached) and drop it. */
static void stop_tail(reader *r)
{
    if (r->tail == NULL)
        return;
    atomic_store(&r->tail->cancel, 1);
    pthread_join(r->tail->thread, NULL);
    tail_free(r->tail);
    r->tail = NULL;
}

/* This thread's next record starts at `mark` (an offset), the previous one
 * ended at `before`: if the tail reader starts there and read to the end,
 * its rows become the table's last ones. 1 taken, 0 not (read on). */
static int take_tail(reader *r, size_t before, size_t mark)
{
    tail *t = r->tail;
    if (mark < t->start)
        return 0;
    pthread_join(t->thread, NULL);
    r->tail = NULL;
    const size_t row_size = r->n_columns * sizeof(double);
    const size_t by_memory = r->limits.max_memory / row_size;
    int taken = 0;
    if (t->ok && before <= t->start && t->n_rows > 0 && t->first_mark == mark &&
        t->n_rows <= r->limits.max_rows - r->n_rows && t->n_rows <= by_memory - r->n_rows &&
        t->n_rows <= SIZE_MAX / row_size - r->n_rows) {
        size_t total = r->n_rows + t->n_rows;
        if (t->direct != NULL && r->by_column) { /* already in place, gap rows on */
            r->gap_at = r->n_rows;
            r->gap = t->base - r->n_rows;
        } else if (t->direct != NULL) { /* in place past a gap: moved up to this thread's */
            memmove(r->values + r->n_rows * r->n_columns, r->values + t->base * r->n_columns, t->n_rows * row_size);
        }
        if (t->direct != NULL || total <= r->cap_rows || set_capacity(r, total, 0) == 0) {
            /* copied a few MB at a time, the tail's pages given back behind */
            const size_t step = ((size_t)2 << 20) / row_size + 1;
            for (size_t i = 0; t->direct == NULL && r->by_column && i < r->n_columns; i++) {
                const size_t from = i * t->cap_rows * sizeof *t->rows;
                memcpy(r->values + i * r->cap_rows + r->n_rows, t->rows + i * t->cap_rows, t->n_rows * sizeof *t->rows);
                pdrift__release_pages(t->rows, from, from + t->n_rows * sizeof *t->rows);
            }
            for (size_t k = 0; t->direct == NULL && !r->by_column && k < t->n_rows; k += step) {
                size_t n = t->n_rows - k < step ? t->n_rows - k : step;
                memcpy(r->values + (r->n_rows + k) * r->n_columns, t->rows + k * r->n_columns, n * row_size);
                pdrift__release_pages(t->rows, k * row_size, (k + n) * row_size);
            }
            if (r->want_lines)
                for (size_t k = 0; k < t->n_rows; k++) /* same first record: same line */
                    r->lines[r->n_rows + k] = t->lines[k] - t->lines[0] + r->csv.mark_line;
            for (size_t i = 0; i < r->n_columns; i++)
                if (r->columns[i].kind == KIND_UNDECIDED && t->numeric[i])
                    read_numbers(r, i, i + 1);
            r->n_rows = total;
            taken = r->tail_taken = 1;
        }
    }
    tail_free(t);
    return taken;
}

static int read_rows(reader *r)
{
    for (;;) {
        size_t before = r->csv.dropped + (size_t)(r->csv.p - r->csv.buf);
        int rc = pdrift__csv_next_record(&r->csv);
        if (rc == PDRIFT__CSV_END) {
            stop_tail(r);
            return PDRIFT_OK;
        }
        if (rc == PDRIFT__CSV_OK && r->tail != NULL &&
            take_tail(r, before, r->csv.dropped + (size_t)(r->csv.mark - r->csv.buf)))
            return PDRIFT_OK; /* the tail reader read the rest */
        rc = rc == PDRIFT__CSV_OK ? parse_row(r) : NEED_MORE;
        if (rc == NEED_MORE && (rc = check_partial_record(r)) == PDRIFT_OK)
            rc = pdrift__csv_refill(&r->csv, r->path, r->err, r->errcap);
        if (rc != PDRIFT_OK)
            return rc;
    }
}

/* ---- the table ------------------------------------------------------------------- */

static int kept(const column *c)
{
    return c->kind == KIND_NUMERIC || c->kind == KIND_UNDECIDED;
}

/* Squeeze the skipped columns out of the values, in place: the j-th kept
 * value of row k moves from k*width + index[j] to k*n_kept + j (by column:
 * the j-th kept column moves from index[j] to j), never after its source,
 * and sources are read in increasing order. */
static void compact_values(reader *r, const size_t *index, size_t n_kept)
{
    const size_t width = r->n_columns;
    for (size_t j = 0; r->by_column && r->values != NULL && j < n_kept; j++) /* none without rows */
        if (index[j] != j)
            memmove(r->values + j * r->cap_rows, r->values + index[j] * r->cap_rows,
                    (r->n_rows + r->gap) * sizeof *r->values);
    for (size_t k = 0; !r->by_column && k < r->n_rows; k++) {
        const double *src = r->values + k * width;
        double *dst = r->values + k * n_kept;
        for (size_t j = 0; j < n_kept; j++)
            dst[j] = src[index[j]];
    }
}

static int build_table(reader *r, pdrift__table *out)
{
    size_t n_kept = 0, n_skipped = 0;
    for (size_t i = 0; i < r->n_columns; i++)
        n_kept += kept(&r->columns[i]) ? 1u : 0u;
    n_skipped = r->n_columns - n_kept;

    size_t *index = calloc(n_kept + 1, sizeof *index);
    char **names = calloc(n_kept + 1, sizeof *names);
    char **skipped = calloc(n_skipped + 1, sizeof *skipped);
    char **reasons = calloc(n_skipped + 1, sizeof *reasons);
    if (!index || !names || !skipped || !reasons) {
        free(index);
        free(names);
        free(skipped);
        free(reasons);
        return out_of_memory(r);
    }
    size_t j = 0, s = 0;
    for (size_t i = 0; i < r->n_columns; i++) {
        column *c = &r->columns[i];
        if (kept(c)) {
            index[j] = i;
            names[j++] = c->name;
        } else {
            skipped[s] = c->name;
            reasons[s++] = c->reason;
            c->reason = NULL;
        }
        c->name = NULL;
    }
    if (n_kept < r->n_columns)
        compact_values(r, index, n_kept);
    free(index);

    double *values = NULL;
    size_t n_values = r->n_rows * n_kept; /* <= the capacity, so no overflow */
    if (n_values > 0 && r->by_column) {
        values = r->values; /* the columns keep their stride, and the gap */
        out->stride = r->cap_rows;
        out->gap_at = r->gap ? r->gap_at : r->n_rows;
        out->gap = r->gap;
    } else if (n_values > 0) {
        values = realloc(r->values, n_values * sizeof *values);
        if (!values) /* shrinking failed: keep the larger block */
            values = r->values;
    } else {
        free(r->values);
    }
    r->values = NULL;

    if (n_kept == 0) {
        free(names);
        names = NULL;
    }
    if (n_skipped == 0) {
        free(skipped);
        free(reasons);
        skipped = reasons = NULL;
    }
    out->n_rows = r->n_rows;
    out->n_columns = n_kept;
    out->names = names;
    out->values = values;
    out->n_skipped = n_skipped;
    out->skipped = skipped;
    out->skipped_reasons = reasons;
    return PDRIFT_OK;
}

static void reader_free(reader *r)
{
    stop_tail(r);
    drop_columns(r);
    free(r->columns);
    free(r->fast);
    free(r->values);
    free(r->lines);
    pdrift__csv_close(&r->csv);
}

int pdrift__table_read(const char *path, pdrift__table *out, char *err, size_t errcap)
{
    return pdrift__table_read_buffered(path, 0, out, err, errcap);
}

int pdrift__table_read_buffered(const char *path, size_t buffer_size, pdrift__table *out,
                                char *err, size_t errcap)
{
    pdrift__table_options opts;
    memset(&opts, 0, sizeof opts);
    opts.buffer_size = buffer_size;
    return pdrift__table_read_with(path, &opts, out, err, errcap);
}

int pdrift__table_read_with(const char *path, const pdrift__table_options *opts,
                            pdrift__table *out, char *err, size_t errcap)
{
    pdrift__table_options none;
    memset(&none, 0, sizeof none);
    if (!opts)
        opts = &none;
    if (opts->row_lines)
        *opts->row_lines = NULL;
    if (opts->headerless)
        *opts->headerless = 0;
    if (err && errcap)
        err[0] = '\0';
    if (out)
        memset(out, 0, sizeof *out);
    if (!path || !out) {
        if (err && errcap)
            snprintf(err, errcap, "invalid argument: %s is NULL", path ? "out" : "path");
        return PDRIFT_EINVAL;
    }
    reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.err = err;
    r.errcap = errcap;
    r.single_column_headerless = opts->single_column_headerless != 0;
    r.want_lines = opts->row_lines != NULL;
    r.by_column = opts->by_column != 0;
    r.threads = opts->threads;
    r.tail_min = opts->tail_min_bytes ? opts->tail_min_bytes : TAIL_MIN_BYTES;
    if (opts->limits) {
        r.limits = *opts->limits;
    } else {
        r.limits.max_line_bytes = PDRIFT__DEFAULT_MAX_LINE_BYTES;
        r.limits.max_columns = PDRIFT__DEFAULT_MAX_COLUMNS;
        r.limits.max_rows = PDRIFT__DEFAULT_MAX_ROWS;
        r.limits.max_memory = PDRIFT__DEFAULT_MAX_MEMORY;
    }
    int rc = pdrift__csv_open(&r.csv, path, opts->buffer_size, err, errcap);
    if (rc != PDRIFT_OK)
        return rc;
    /* A record is read from its first max_line_bytes + 2 bytes at most (the
     * limit, a line end, one more): whatever lies beyond never decides what
     * is reported, so every read buffer reports the same. */
    if (r.limits.max_line_bytes < SIZE_MAX - 2)
        pdrift__csv_limit_records(&r.csv, r.limits.max_line_bytes + 2);
    pdrift__csv_c_locale locale;
    rc = pdrift__csv_c_locale_enter(&locale);
    if (rc != PDRIFT_OK) {
        fail_file(&r, rc, "out of memory (cannot create the C locale)");
        goto out;
    }
    rc = read_header(&r);
    if (rc == PDRIFT_OK)
        rc = read_rows(&r);
    pdrift__csv_c_locale_leave(&locale);
    if (rc == PDRIFT_OK)
        rc = build_table(&r, out);
    if (rc == PDRIFT_OK) {
        if (opts->headerless)
            *opts->headerless = r.headerless;
        if (opts->tail_taken)
            *opts->tail_taken = r.tail_taken;
        if (opts->row_lines && r.n_rows > 0) {
            *opts->row_lines = r.lines;
            r.lines = NULL;
        }
    }
out:
    reader_free(&r);
    return rc;
}

void pdrift__table_free(pdrift__table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_columns && t->names; i++)
        free(t->names[i]);
    for (size_t i = 0; i < t->n_skipped; i++) {
        if (t->skipped)
            free(t->skipped[i]);
        if (t->skipped_reasons)
            free(t->skipped_reasons[i]);
    }
    free(t->names);
    free(t->values);
    free(t->skipped);
    free(t->skipped_reasons);
    memset(t, 0, sizeof *t);
}

int pdrift__table_by_rows(pdrift__table *t)
{
    if (t->stride == 0 || t->values == NULL)
        return PDRIFT_OK;
    const size_t n = t->n_rows * t->n_columns; /* <= the stride's, so no overflow */
    double *rows = malloc((n ? n : 1) * sizeof *rows);
    if (rows == NULL)
        return PDRIFT_ENOMEM;
    for (size_t k = 0; k < t->n_rows; k++)
        for (size_t j = 0; j < t->n_columns; j++)
            rows[k * t->n_columns + j] = t->values[j * t->stride + pdrift__table_row(t, k)];
    free(t->values);
    t->values = rows;
    t->stride = t->gap_at = t->gap = 0;
    return PDRIFT_OK;
}

long pdrift__table_column(const pdrift__table *t, const char *name)
{
    if (!t || !name || !t->names)
        return -1;
    for (size_t i = 0; i < t->n_columns && i <= (size_t)LONG_MAX; i++)
        if (t->names[i] && strcmp(t->names[i], name) == 0)
            return (long)i;
    return -1;
}
