/*
 * csv.h — the record-level CSV reader behind pdrift__table_read (table.c):
 * a file read in chunks, a cursor that cuts it into fields, and the grammar
 * of a cell (number, missing marker or text). Private to the library.
 *
 * The dialect (the format promised by pdrift_baseline_load):
 *  - fields are separated by ',' and records end at LF, CRLF or a lone CR
 *    (old Mac / Excel "CSV (Macintosh)" files; pandas' C parser does the same);
 *  - RFC 4180 quoting: a field that starts with '"' runs to the next lone
 *    '"', may hold ',', line ends and '""' (one '"'); blanks (space, tab) are
 *    allowed before the opening and after the closing quote, anything else
 *    after the closing quote is an error; a '"' inside an unquoted field is an
 *    ordinary byte;
 *  - blanks around an unquoted field are not part of it;
 *  - a line holding only blanks is not a record (pandas' skip_blank_lines);
 *  - a NUL byte is an error anywhere (binary data or UTF-16 text).
 *
 * Positions are 1-based: a line counts LF, CRLF and lone CR breaks, quoted
 * ones included; a column is a byte offset in its line (a UTF-8 BOM is not
 * counted).
 */
#ifndef PDRIFT_CSV_H
#define PDRIFT_CSV_H

#include <locale.h>
#include <stddef.h>

/* Default size of the read buffer. It grows (doubling) only for a record
 * longer than half of it. */
#define PDRIFT__CSV_BUFFER_SIZE ((size_t)256 * 1024)

/* A file read in chunks, and a cursor over the chunk in memory.
 *
 * The file is read with read(2) into one buffer, not mapped (a file truncated
 * by its writer while mapped would raise SIGBUS in the host program) and not
 * read whole (a 100 MB file would cost 100 MB and, on this kind of machine,
 * more time in page faults than the parsing). A record is parsed only while
 * the buffer holds it: when a field reaches the end of the buffer before the
 * end of the file, the cursor answers PDRIFT__CSV_MORE and the caller calls
 * pdrift__csv_refill, which moves the record's start to the front, reads more
 * and rewinds the cursor to that start; the caller then parses the record
 * again. Everything derived from a field is valid until the next refill. */
typedef struct pdrift__csv {
    int fd;                 /* -1 when closed */
    int eof;                /* the buffer holds the last byte of the file */
    char *buf;              /* buf[len] is a NUL sentinel; a NUL before it is
                               a byte of the file */
    size_t cap, len;        /* cap includes the sentinel */
    const char *p;          /* next byte to read */
    const char *end;        /* the sentinel: buf + len */
    const char *line_start; /* first byte of the physical line holding p */
    size_t line;            /* 1-based line of p */
    const char *mark;       /* start of the record being parsed (a line start) */
    size_t mark_line;
    size_t file_size;       /* bytes of a regular file (0: unknown, a pipe) */
    size_t dropped;         /* bytes of the file before buf */
    /* At most record_limit bytes of a record are visible (SIZE_MAX: all):
     * beyond them the buffer is cut by a sentinel written over the byte at
     * `cut` (kept in cut_byte, and eof in cut_eof), as if the file went on
     * unread. */
    size_t record_limit;
    char *cut;              /* NULL: not cut */
    char cut_byte;
    int cut_eof;
} pdrift__csv;

/* Show at most `bytes` bytes of each record from the next one on, so that
 * what a record holds beyond them never decides how it is read: a record
 * longer than that looks, at any buffer size, like one that the buffer
 * ends inside (table.c refuses it by max_line_bytes). */
void pdrift__csv_limit_records(pdrift__csv *c, size_t bytes);

/* Open `path` and read the first chunk; skip a UTF-8 byte order mark.
 * buffer_size: 0 for PDRIFT__CSV_BUFFER_SIZE (tests pass tiny ones; at least
 * 8 bytes are used). A FIFO with no writer does not block (it reads as
 * empty). PDRIFT_EIO (cannot open or read, a directory) or PDRIFT_ENOMEM with
 * "path: ..." in err. On failure nothing needs closing. */
int pdrift__csv_open(pdrift__csv *c, const char *path, size_t buffer_size, char *err,
                     size_t errcap);

/* For a second reader of a regular file (table.c reads the second part of a
 * large file on another thread): open `path` again, check that it is the
 * file open as same_as (not one renamed over it), and read from byte
 * `offset`, a line start, at line 1 (no BOM there). c->dropped is the
 * offset, so positions in the buffer are the file's. PDRIFT_OK, or non-zero
 * with nothing to close (no message: the caller reads on its own). */
int pdrift__csv_open_at(pdrift__csv *c, const char *path, int same_as, size_t offset, size_t buffer_size);

/* The offset just after the first LF at or after `from` in the file open
 * as fd (read with pread: fd's offset does not move), or SIZE_MAX when none
 * comes in the next 256 KB. */
size_t pdrift__csv_line_after(int fd, size_t from);

/* Close the file and free the buffer. Fine on a closed or zeroed reader. */
void pdrift__csv_close(pdrift__csv *c);

/* After PDRIFT__CSV_MORE: keep the current record, read more, rewind the
 * cursor to the record's start. PDRIFT_EIO or PDRIFT_ENOMEM ("path: ..." in
 * err, path as given). Each call at least doubles the unread bytes after the
 * record's start, so parsing stays linear in the file's size. */
int pdrift__csv_refill(pdrift__csv *c, const char *path, char *err, size_t errcap);

enum pdrift__csv_status {
    PDRIFT__CSV_OK = 0,           /* a record starts / a field was cut */
    PDRIFT__CSV_END = 1,          /* no record left */
    PDRIFT__CSV_MORE = 2,         /* the buffer ends first: refill, parse the record again */
    PDRIFT__CSV_UNTERMINATED = 3, /* a quote never closes; bad_* = the opening quote */
    PDRIFT__CSV_JUNK = 4,         /* bad_byte after a closing quote, at bad_* */
    PDRIFT__CSV_NUL = 5           /* a NUL byte at bad_* */
};

/* Skip blank lines and mark the start of the next record: PDRIFT__CSV_OK
 * (c->p is the record's first byte), PDRIFT__CSV_END or PDRIFT__CSV_MORE. */
int pdrift__csv_next_record(pdrift__csv *c);

/* Go back to the start of the record marked by pdrift__csv_next_record (a
 * line start), to parse it again as something else: table.c reads the first
 * line of a file without a header line as data. No refill may have happened
 * since the mark (a refill keeps the record at the front of the buffer and
 * marks it again, so calling this after one is also fine). */
void pdrift__csv_rewind_record(pdrift__csv *c);

typedef struct pdrift__csv_field {
    const char *text;    /* unquoted: the field without surrounding blanks;
                            quoted: what lies between the quotes, "" pairs not
                            yet undoubled (see `escaped`) */
    size_t len;
    int quoted;
    int escaped;         /* text holds at least one "" pair */
    int last;            /* the record ends after this field */
    size_t line, col;    /* start: first non-blank byte, or the opening quote */
    const char *line_start; /* of `line`, to locate bytes inside the field */
    size_t end_line, end_col; /* the byte that ended it: ',', a line end, or the
                                 end of the data (one past the last byte) */
    /* when pdrift__csv_next_field fails: where, and the byte found there */
    size_t bad_line, bad_col;
    unsigned char bad_byte;
} pdrift__csv_field;

/* Cut the next field of the current record; after the last one (f->last) the
 * cursor stands at the start of the next line. Returns PDRIFT__CSV_OK,
 * PDRIFT__CSV_MORE or an error of enum pdrift__csv_status. Linear in the
 * field's length; never reads past the sentinel. */
int pdrift__csv_next_field(pdrift__csv *c, pdrift__csv_field *f);

/* Line and column of `target`, a byte of field f (or the byte just after it). */
void pdrift__csv_locate(const pdrift__csv_field *f, const char *target, size_t *line, size_t *col);

/* What a cell holds. */
enum pdrift__csv_cell {
    PDRIFT__CELL_MISSING = 0, /* empty, blanks only, or a missing marker */
    PDRIFT__CELL_NUMBER = 1,  /* a decimal number, inf or infinity */
    PDRIFT__CELL_TEXT = 2     /* anything else */
};

/* Classify a field's text and, for a number, store its value in *value (NaN
 * for a missing cell). The number grammar is strtod's decimal subset:
 * [+-] digits [. digits] [(e|E) [+-] digits] (digits on at least one side of
 * the point), or [+-] inf / infinity in any case; blanks around it are
 * allowed. Hexadecimal floats, "1,5", "1_000" or "12%" are text. The value is
 * exactly strtod's in the C locale (the thread must be inside
 * pdrift__csv_c_locale_enter): an overflow gives +-inf and an underflow a
 * subnormal or +-0, as strtod does.
 *
 * Missing markers (pandas' defaults): "#N/A", "#N/A N/A", "#NA", "-1.#IND",
 * "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
 * "NULL", "NaN", "None", "n/a", "nan", "null", and also any other spelling of
 * [+-]nan, which strtod would read as NaN anyway. */
int pdrift__csv_cell(const char *text, size_t len, int escaped, double *value);

/* The common case in one pass: at the cursor, a plain decimal number (no
 * blank, quote, inf or missing marker; at most 19 significant digits) whose
 * value Clinger's or the Eisel-Lemire method decides, ended by ',' (when
 * !last) or by a line end (when last). Then *value is pdrift__csv_cell's
 * value, the cursor passes the separator and it returns 1; otherwise it
 * returns 0 and nothing moved, and the caller cuts the field with
 * pdrift__csv_next_field. */
int pdrift__csv_fast_number(pdrift__csv *c, int last, double *value);
/* The same for the cells from i on of a record of width cells, while
 * numeric[i] is set, cell i into row[i * step]: the index of the first cell
 * not read (width when the record is done). One call a record keeps the
 * cursor in a register. */
size_t pdrift__csv_fast_numbers(pdrift__csv *c, size_t i, size_t width, double *row, size_t step,
                                const unsigned char *numeric);

/* Switch the calling thread to the C locale for LC_NUMERIC until
 * pdrift__csv_c_locale_leave, which restores the thread's previous locale
 * (a per-thread uselocale, or the global one). PDRIFT_ENOMEM if the locale
 * object cannot be created. */
typedef struct pdrift__csv_c_locale {
    locale_t c;
    locale_t saved;
} pdrift__csv_c_locale;

int pdrift__csv_c_locale_enter(pdrift__csv_c_locale *l);
void pdrift__csv_c_locale_leave(pdrift__csv_c_locale *l);

/* Write a printable, UTF-8 copy of at most max_src bytes of text into
 * dst[0..cap), for messages: "" pairs are undoubled if escaped; '"' and '\'
 * are backslash-escaped, control bytes become \n, \r, \t or \xHH, bytes that
 * are not valid UTF-8 become \xHH; "..." marks a cut. Always NUL-terminated
 * (cap >= 1). */
void pdrift__csv_printable(char *dst, size_t cap, const char *text, size_t len, int escaped,
                           size_t max_src);

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 if the bytes there
 * are not valid UTF-8 (overlong forms, surrogates and code points above
 * U+10FFFF are invalid). avail >= 1 bytes may be read. */
size_t pdrift__csv_utf8_len(const unsigned char *s, size_t avail);

/* pdrift__table_read (internal.h) with a read buffer of buffer_size bytes
 * (0: the default), so that tests can put chunk boundaries everywhere.
 * Defined in table.c. */
struct pdrift__table;
int pdrift__table_read_buffered(const char *path, size_t buffer_size, struct pdrift__table *out,
                                char *err, size_t errcap);

/* Options of pdrift__table_read_with; all zero is pdrift__table_read. */
typedef struct pdrift__table_options {
    size_t buffer_size;  /* read buffer in bytes, 0: the default */
    /* 1: a file whose first line is a single number has no header line: it is
     * one numeric column, named "", whose first row is that line (series
     * files: series.c). A first line of several fields that are all numbers
     * is then refused with a message saying that only a single column may go
     * without a header line. Every other first line is read as usual. */
    int single_column_headerless;
    /* Not NULL: *row_lines receives the line where each row starts, n_rows
     * entries (malloc'd, freed by the caller; NULL when there is no row or
     * on failure), so that a caller can point at a row's line. */
    size_t **row_lines;
    /* Not NULL: *headerless is set to 1 when the file was read without a
     * header line (single_column_headerless), 0 otherwise. */
    int *headerless;
    /* The input limits (internal.h); NULL: the defaults. Beyond one the read
     * fails with PDRIFT_EDATA, the message naming the limit's parameter. */
    const struct pdrift__limits *limits;
    /* 2 or more: a large regular file is read by two threads (table.c, "the
     * tail reader"), with the same results and errors; 0 or 1: one. */
    size_t threads;
    /* Files (and what is left of them after the first rows) from this many
     * bytes are large; 0: 4 MiB. Tests pass small ones. */
    size_t tail_min_bytes;
    /* Not NULL: set to 1 when the second thread's rows were taken (tests). */
    int *tail_taken;
    /* 1: the values column by column (pdrift__table.stride): a baseline's
     * columns are sorted where they are read, with no copy of the table. */
    int by_column;
} pdrift__table_options;

/* pdrift__table_read with options (NULL: the defaults). */
int pdrift__table_read_with(const char *path, const pdrift__table_options *opts,
                            struct pdrift__table *out, char *err, size_t errcap);

#endif /* PDRIFT_CSV_H */
