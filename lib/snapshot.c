/*
 * snapshot.c — baseline snapshots: pdrift_baseline_save, and the snapshot
 * half of pdrift_baseline_load (docs/snapshot.md).
 *
 * A snapshot is what a baseline costs to prepare, written once: per feature
 * the sorted values and the place of each value in time order among them,
 * the PSI cuts and counts, the autocorrelation time and the serial
 * calibration's null when one was computed, plus the validation returns or
 * metrics and the reference errors. Loading reads the file into one buffer
 * (or maps it), checks its size, version and checksums, and uses the arrays
 * where they lie: no parsing, no sorting, no copy.
 *
 * Layout (format 4; docs/snapshot.md has every field): little-endian, every
 * field on an 8-byte boundary.
 *
 *   header (64 bytes): magic "\x89PDRIFT\n", u32 format version, u32 header
 *     size, u32 library version, u32 flags (SNAP_*), u64 file size, u64
 *     features, u64 rows, u32 PSI bins + u32 binning, u64 byte-order check;
 *     then u64 E (the metadata's end) and u64 D (the values' start)
 *   metadata: the strings (origin, notes); per feature its counts, cuts,
 *     PSI counts, fences, one checksum per SNAP_BLOCK_FENCES fence steps of
 *     sorted values, the places' checksum and the calibration; then the
 *     performance (SNAP_PERFORMANCE) and the reference errors (SNAP_ERRORS)
 *   at E: u64 checksum of bytes 0 .. E - 1; zeros up to D (a multiple of 4096)
 *   from D, per feature: f64 sorted[values], u32 places[values] (zero-padded
 *     to 8 bytes)
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor.h"

#define SNAP_VERSION 4u
#define SNAP_HEADER 64u
#define SNAP_DATA_ALIGN 4096u
/* Fence steps of sorted values under one block checksum: a block is read and
 * checked as a whole the first time one of its values is used. A detection
 * uses the values of a few fence steps a feature: eight a block (3 KB for
 * 200,000 values) keeps what it reads and checks to about what it uses, for
 * 8 bytes of checksum per 3 KB. (Format 3 had 64.) */
enum { SNAP_BLOCK_FENCES = 8 };
#define SNAP_ORDER UINT64_C(0x0102030405060708)
static const unsigned char SNAP_MAGIC[8] = {0x89, 'P', 'D', 'R', 'I', 'F', 'T', '\n'};

enum {
    SNAP_OHLCV = 1u,       /* features derived from raw OHLCV columns */
    SNAP_PERFORMANCE = 2u, /* the baseline's trading performance follows */
    SNAP_ERRORS = 4u       /* the reference errors follow */
};

/* ---- byte order ------------------------------------------------------------ */

static int host_is_little(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static uint64_t swap64(uint64_t v)
{
    v = ((v & UINT64_C(0x00FF00FF00FF00FF)) << 8) | ((v >> 8) & UINT64_C(0x00FF00FF00FF00FF));
    v = ((v & UINT64_C(0x0000FFFF0000FFFF)) << 16) | ((v >> 16) & UINT64_C(0x0000FFFF0000FFFF));
    return (v << 32) | (v >> 32);
}

static uint64_t le64(uint64_t v) { return host_is_little() ? v : swap64(v); }

/* ---- the checksum ----------------------------------------------------------- */

/* 64-bit checksum of n bytes (n a multiple of 8): four lanes of
 * multiply-rotate over little-endian words, merged and avalanched (the
 * structure of xxHash64, written here). It detects truncation, bit flips and
 * torn writes; it is not a cryptographic signature. */
static uint64_t rotl(uint64_t x, unsigned r) { return (x << r) | (x >> (64 - r)); }

#define P1 UINT64_C(0x9E3779B185EBCA87)
#define P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P3 UINT64_C(0x165667B19E3779F9)

static uint64_t lane(uint64_t acc, uint64_t w) { return rotl(acc + w * P2, 31) * P1; }

static uint64_t word_at(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return le64(w);
}

uint64_t pdrift__snapshot_hash(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t a = P1 + P2, b = P2, c = 0, d = (uint64_t)0 - P1;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a = lane(a, word_at(p + i));
        b = lane(b, word_at(p + i + 8));
        c = lane(c, word_at(p + i + 16));
        d = lane(d, word_at(p + i + 24));
    }
    uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18) + (uint64_t)n;
    for (; i + 8 <= n; i += 8)
        h = rotl(h ^ lane(0, word_at(p + i)), 27) * P1 + P3;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

/* ---- writing ------------------------------------------------------------------ */

typedef struct writer {
    unsigned char *buf;
    size_t len, cap;
    int failed;
} writer;

static void put(writer *w, const void *p, size_t n)
{
    if (w->failed || n == 0)
        return; /* p may be NULL for nothing to write */
    if (n > w->cap - w->len) {
        size_t cap = w->cap ? w->cap : 4096;
        while (n > cap - w->len) {
            if (cap > SIZE_MAX / 2) {
                w->failed = 1;
                return;
            }
            cap *= 2;
        }
        unsigned char *grown = realloc(w->buf, cap);
        if (grown == NULL) {
            w->failed = 1;
            return;
        }
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put_u64(writer *w, uint64_t v)
{
    v = le64(v);
    put(w, &v, 8);
}

static void put_f64(writer *w, double x)
{
    uint64_t v;
    memcpy(&v, &x, 8);
    put_u64(w, v);
}

static void put_f64s(writer *w, const double *x, size_t n)
{
    if (host_is_little()) {
        put(w, x, n * 8);
        return;
    }
    for (size_t i = 0; i < n; i++)
        put_f64(w, x[i]);
}

static void put_u32s(writer *w, const uint32_t *x, size_t n)
{
    static const unsigned char zeros[8] = {0};
    if (host_is_little()) {
        put(w, x, n * 4);
    } else {
        for (size_t i = 0; i < n; i++) {
            uint32_t v = x[i];
            unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                                   (unsigned char)(v >> 24)};
            put(w, le, 4);
        }
    }
    put(w, zeros, n % 2 ? 4 : 0);
}

static void put_string(writer *w, const char *s)
{
    static const unsigned char zeros[8] = {0};
    size_t n = s ? strlen(s) : 0;
    put_u64(w, n);
    put(w, s, n);
    put(w, zeros, (8 - n % 8) % 8);
}

/* fsync the directory that holds path, so that the rename is on disk too
 * (after a power cut the file is then the new one, not the old). 0, or an
 * errno; EINVAL (a file system that cannot sync a directory) is fine. */
static int sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL || slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir == NULL)
        return ENOMEM;
    memcpy(dir, slash == NULL ? "." : slash == path ? "/" : path, n);
    dir[n] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return errno;
    int e = fsync(fd) == 0 || errno == EINVAL ? 0 : errno;
    close(fd);
    return e;
}

/* Write the parts, one after the other, to path through a temporary file,
 * fsync, rename, fsync the directory. */
static int write_atomic(pdrift_monitor *m, const char *path, const unsigned char *const *parts,
                        const size_t *lens, size_t n_parts)
{
    size_t n = strlen(path) + 64;
    char *tmp = malloc(n);
    if (tmp == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory");
    /* Unique to this process and monitor (a monitor is used by one thread
     * at a time), so threads saving to one path never share a temporary
     * file; a stale one left by a killed process of the same number goes. */
    snprintf(tmp, n, "%s.tmp.%ld.%p", path, (long)getpid(), (void *)m);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int rc = pdrift__fail(m, PDRIFT_EIO, "%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    int ok = 1;
    for (size_t i = 0; ok && i < n_parts; i++)
        for (size_t done = 0; ok && done < lens[i];) {
            ssize_t k = write(fd, parts[i] + done, lens[i] - done);
            if (k < 0 && errno == EINTR)
                continue;
            ok = k > 0;
            if (ok)
                done += (size_t)k;
        }
    int saved = errno;
    ok = ok && fsync(fd) == 0;
    saved = ok ? 0 : (saved ? saved : errno);
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno;
    } else if (ok && (saved = sync_parent(path)) != 0) {
        ok = 0; /* the new file is in place, but not known to be durable */
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    if (!ok)
        return pdrift__fail(m, PDRIFT_EIO, "%s: cannot write: %s", path, strerror(saved ? saved : EIO));
    return PDRIFT_OK;
}

/* The checksum of block k of a feature's sorted values, whose bytes in the
 * file start at raw: SNAP_BLOCK_FENCES fence steps of values, the last block
 * what remains. */
static uint64_t block_sum(const unsigned char *raw, size_t n_values, size_t block, size_t k)
{
    size_t lo = k * block, hi = n_values - lo < block ? n_values : lo + block;
    return pdrift__snapshot_hash(raw + lo * 8, (hi - lo) * 8);
}

int pdrift_baseline_save(const pdrift_monitor *cm, const char *path)
{
    if (cm == NULL)
        return PDRIFT_EINVAL;
    pdrift_monitor *m = (pdrift_monitor *)cm; /* only its error message changes */
    if (path == NULL)
        return pdrift__fail(m, PDRIFT_EINVAL, "pdrift_baseline_save: NULL path");
    const pdrift__baseline *b = &m->baseline;
    if (b->n_features == 0)
        return pdrift__fail(m, PDRIFT_ESTATE, "pdrift_baseline_save: no baseline to save");
    /* A mapped snapshot saved again: what is written is checked first. */
    for (size_t f = 0; f < b->n_features; f++) {
        int rc = pdrift__snapshot_ready_all(m, &b->features[f]);
        if (rc != PDRIFT_OK)
            return rc;
    }
    const pdrift__performance *perf = &m->performance;
    unsigned flags = (b->ohlcv_derived ? SNAP_OHLCV : 0u) |
                     (perf->source != PDRIFT__PERFORMANCE_NONE ? SNAP_PERFORMANCE : 0u) |
                     (m->errors.n_reference > 0 ? SNAP_ERRORS : 0u);
    /* The data part first: the metadata holds its checksums. */
    writer data = {0};
    size_t *data_at = malloc(b->n_features * sizeof *data_at);
    if (data_at == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for the snapshot of %zu features", b->n_features);
    for (size_t f = 0; f < b->n_features; f++) {
        const pdrift__baseline_feature *bf = &b->features[f];
        data_at[f] = data.len;
        put_f64s(&data, bf->sorted, bf->n_values);
        put_u32s(&data, bf->positions, bf->n_values);
    }

    writer w = {0};
    uint32_t head32[4] = {SNAP_VERSION, SNAP_HEADER, pdrift_version_number(), flags};
    put(&w, SNAP_MAGIC, 8);
    for (int i = 0; i < 4; i++) {
        uint32_t v = head32[i];
        unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                               (unsigned char)(v >> 24)};
        put(&w, le, 4);
    }
    put_u64(&w, 0); /* file size, patched below */
    put_u64(&w, b->n_features);
    put_u64(&w, b->n_rows);
    put_u64(&w, (uint64_t)m->settings.psi.bins | ((uint64_t)(uint32_t)m->settings.psi.binning << 32));
    put_u64(&w, SNAP_ORDER);
    put_u64(&w, 0); /* the metadata's end, patched below */
    put_u64(&w, 0); /* the data's offset, patched below */

    put_string(&w, b->source);
    put_u64(&w, b->n_notes);
    for (size_t i = 0; i < b->n_notes; i++)
        put_string(&w, b->notes[i]);
    for (size_t f = 0; !data.failed && f < b->n_features; f++) {
        const pdrift__baseline_feature *bf = &b->features[f];
        const size_t n = bf->n_values, step = n ? pdrift__ks_fence_step(n) : 0;
        const size_t n_fences = n ? (n + step - 1) / step : 0;
        const size_t block = step * SNAP_BLOCK_FENCES, n_blocks = (n_fences + SNAP_BLOCK_FENCES - 1) / SNAP_BLOCK_FENCES;
        const unsigned char *raw = data.buf != NULL ? data.buf + data_at[f] : (const unsigned char *)"";
        put_string(&w, bf->name);
        put_u64(&w, n);
        put_u64(&w, bf->n_missing);
        /* tau is 1 by convention when the serial correction is off: then it
         * was never computed, and a monitor that wants it computes it. */
        put_f64(&w, m->settings.serial_correction ? bf->tau : NAN);
        put_u64(&w, n ? bf->n_cuts : 0);
        put_u64(&w, step);
        if (n > 0) {
            put_f64s(&w, bf->cuts, bf->n_cuts);
            for (size_t i = 0; i <= bf->n_cuts; i++)
                put_u64(&w, bf->counts[i]);
        }
        for (size_t k = 0; k < n_fences; k++)
            put_f64(&w, bf->sorted[k * step]);
        for (size_t k = 0; k < n_blocks; k++)
            put_u64(&w, block_sum(raw, n, block, k));
        put_u64(&w, pdrift__snapshot_hash(raw + n * 8, n * 4 + (n % 2 ? 4 : 0)));
        size_t null_m = bf->null_ks != NULL ? bf->null_m : 0, null_k = null_m ? bf->null_k : 0;
        put_u64(&w, null_m);
        put_u64(&w, null_k);
        put_u64(&w, (uint64_t)(uint32_t)m->settings.psi.empty_bins);
        put_f64(&w, m->settings.psi.epsilon);
        put_f64(&w, null_k ? bf->null_n_eff : 0.0);
        put_f64s(&w, bf->null_ks, null_k);
        put_f64s(&w, null_k ? bf->null_ks + PDRIFT__NULL_WINDOWS : NULL, null_k);
    }
    free(data_at);
    if (flags & SNAP_PERFORMANCE) {
        size_t n = perf->source == PDRIFT__PERFORMANCE_RETURNS && m->performance_returns ? perf->n_returns : 0;
        put_u64(&w, (uint64_t)perf->source);
        put_u64(&w, n);
        put_f64(&w, perf->sharpe);
        put_f64(&w, perf->max_drawdown);
        put_f64(&w, perf->win_rate);
        put_u64(&w, perf->wins);
        put_u64(&w, perf->decided);
        put_f64s(&w, m->performance_returns, n);
    }
    if (flags & SNAP_ERRORS) {
        put_u64(&w, m->errors.n_reference);
        put_f64s(&w, m->errors.reference, m->errors.n_reference);
    }
    const size_t meta_end = w.len;
    put_u64(&w, 0); /* the checksum's place */
    static const unsigned char zeros[SNAP_DATA_ALIGN] = {0};
    put(&w, zeros, (SNAP_DATA_ALIGN - w.len % SNAP_DATA_ALIGN) % SNAP_DATA_ALIGN);
    if (w.failed || data.failed) {
        free(w.buf);
        free(data.buf);
        return pdrift__fail(m, PDRIFT_ENOMEM, "out of memory for the snapshot of %zu features", b->n_features);
    }
    uint64_t v = le64((uint64_t)(w.len + data.len));
    memcpy(w.buf + 24, &v, 8);
    v = le64((uint64_t)meta_end);
    memcpy(w.buf + SNAP_HEADER, &v, 8);
    v = le64((uint64_t)w.len);
    memcpy(w.buf + SNAP_HEADER + 8, &v, 8);
    v = le64(pdrift__snapshot_hash(w.buf, meta_end));
    memcpy(w.buf + meta_end, &v, 8);
    const unsigned char *parts[2] = {w.buf, data.buf};
    const size_t lens[2] = {w.len, data.len};
    int rc = write_atomic(m, path, parts, lens, 2);
    free(w.buf);
    free(data.buf);
    if (rc != PDRIFT_OK)
        return rc;
    m->errmsg[0] = '\0';
    return PDRIFT_OK;
}

/* ---- reading -------------------------------------------------------------------- */

static uint32_t u32_at(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A bounds-checked cursor over the mapped file. Any read past the end (or a
 * count too large to be true) marks it bad; the caller reports once. */
typedef struct reader {
    const unsigned char *p;
    size_t len, pos;
    int bad;
    const char *what; /* the first thing that did not fit */
} reader;

static const unsigned char *take(reader *r, size_t n, const char *what)
{
    if (r->bad || n > r->len - r->pos) {
        if (!r->bad)
            r->what = what;
        r->bad = 1;
        return NULL;
    }
    const unsigned char *at = r->p + r->pos;
    r->pos += n;
    return at;
}

static uint64_t get_u64(reader *r, const char *what)
{
    const unsigned char *at = take(r, 8, what);
    return at ? word_at(at) : 0;
}

static double get_f64(reader *r, const char *what)
{
    uint64_t v = get_u64(r, what);
    double x;
    memcpy(&x, &v, 8);
    return x;
}

/* n doubles into a new array (n may be 0: a 1-element allocation). */
static double *get_f64s(reader *r, uint64_t n, const char *what, int *oom)
{
    if (n > (r->len - r->pos) / 8) {
        take(r, SIZE_MAX, what);
        return NULL;
    }
    const unsigned char *at = take(r, (size_t)n * 8, what);
    if (at == NULL)
        return NULL;
    double *x = malloc(n ? (size_t)n * 8 : 8);
    if (x == NULL) {
        *oom = 1;
        return NULL;
    }
    if (host_is_little())
        memcpy(x, at, (size_t)n * 8);
    else
        for (uint64_t i = 0; i < n; i++) {
            uint64_t v = word_at(at + i * 8);
            memcpy(&x[i], &v, 8);
        }
    return x;
}

/* n doubles read in place: a pointer into the snapshot buffer (which the
 * baseline keeps), or a copy on a big-endian host. */
static double *view_f64s(reader *r, uint64_t n, const char *what, int *oom)
{
    if (!host_is_little())
        return get_f64s(r, n, what, oom);
    if (n > (r->len - r->pos) / 8) {
        take(r, SIZE_MAX, what);
        return NULL;
    }
    const unsigned char *at = take(r, (size_t)n * 8, what);
    /* none: the file's start, so that even a view at the file's end lies in
     * the baseline's buffer (pdrift__in_blob: not freed on its own) */
    if (at != NULL && n == 0)
        return (double *)(uintptr_t)r->p;
    return (double *)(uintptr_t)at; /* 8-aligned: malloc'd buffer, 8-byte fields */
}

/* n u32 (padded to 8 bytes) read in place, or a copy on a big-endian host. */
static uint32_t *view_u32s(reader *r, uint64_t n, const char *what, int *oom)
{
    if (n > (r->len - r->pos) / 4) {
        take(r, SIZE_MAX, what);
        return NULL;
    }
    size_t bytes = (size_t)n * 4 + (n % 2 ? 4 : 0);
    const unsigned char *at = take(r, bytes, what);
    if (at == NULL)
        return NULL;
    if (host_is_little())
        return (uint32_t *)(uintptr_t)(n == 0 ? r->p : at); /* 8-aligned; none: as view_f64s */
    uint32_t *x = malloc(n ? (size_t)n * 4 : 4);
    if (x == NULL) {
        *oom = 1;
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++)
        x[i] = u32_at(at + i * 4);
    return x;
}

static char *get_string(reader *r, const char *what, int *oom)
{
    uint64_t n = get_u64(r, what);
    if (r->bad || n > r->len - r->pos || n > r->len - r->pos - (8 - n % 8) % 8) {
        take(r, SIZE_MAX, what);
        return NULL;
    }
    const unsigned char *at = take(r, (size_t)n + (8 - (size_t)n % 8) % 8, what);
    if (at == NULL)
        return NULL;
    if (memchr(at, '\0', (size_t)n) != NULL) {
        r->bad = 1;
        r->what = what;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (s == NULL) {
        *oom = 1;
        return NULL;
    }
    memcpy(s, at, (size_t)n);
    s[n] = '\0';
    return s;
}

int pdrift__is_snapshot(const char *path)
{
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    size_t n = fread(head, 1, 8, f);
    fclose(f);
    return n == 8 && memcmp(head, SNAP_MAGIC, 8) == 0;
}

/* The serial calibration's null of one feature, kept when it was computed
 * under this monitor's PSI settings (else skipped). 0, or -1. */
static int read_null(reader *r, const pdrift__settings *s, int same_bins, pdrift__baseline_feature *bf, int *oom)
{
    uint64_t null_m = get_u64(r, "a feature's null");
    uint64_t null_k = get_u64(r, "a feature's null");
    uint64_t empty_bins = get_u64(r, "a feature's null");
    double epsilon = get_f64(r, "a feature's null");
    double n_eff = get_f64(r, "a feature's null");
    uint64_t windows = null_m > 0 && bf->n_values >= 2 * null_m ? bf->n_values - null_m + 1 : 0;
    if (windows > PDRIFT__NULL_WINDOWS)
        windows = PDRIFT__NULL_WINDOWS;
    if (r->bad || (null_m == 0 ? null_k != 0 : null_k != windows || windows == 0) ||
        !(n_eff == 0.0 || (n_eff >= 1.0 && n_eff <= (double)null_m))) {
        r->bad = 1;
        r->what = "a feature's null";
        return -1;
    }
    const unsigned char *at = take(r, (size_t)null_k * 16, "a feature's null");
    if (at == NULL)
        return -1;
    if (null_k == 0 || !same_bins || !s->serial_correction || empty_bins != (uint64_t)(uint32_t)s->psi.empty_bins ||
        !(epsilon == s->psi.epsilon))
        return 0; /* computed under other settings: detect computes its own */
    if ((bf->null_ks = malloc(2 * PDRIFT__NULL_WINDOWS * sizeof *bf->null_ks)) == NULL) {
        *oom = 1;
        return -1;
    }
    for (size_t i = 0; i < null_k; i++) {
        uint64_t a = word_at(at + i * 8), b = word_at(at + (null_k + i) * 8);
        double ks, psi;
        memcpy(&ks, &a, 8);
        memcpy(&psi, &b, 8);
        if (!(ks >= 0.0 && ks <= 1.0) || !(psi >= 0.0)) {
            r->bad = 1;
            r->what = "a feature's null";
            return -1;
        }
        bf->null_ks[i] = ks;
        bf->null_ks[PDRIFT__NULL_WINDOWS + i] = psi;
    }
    bf->null_m = (size_t)null_m;
    bf->null_k = (size_t)null_k;
    bf->null_n_eff = n_eff;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if two features share a name (pdrift_baseline_set and a CSV header refuse
 * that), 0 if not, -1 without memory. Sorted, not pairwise: a snapshot may
 * hold max_columns features. */
static int names_repeat(const pdrift__baseline *b)
{
    const char **names = malloc(b->n_features * sizeof *names);
    if (names == NULL)
        return -1;
    for (size_t f = 0; f < b->n_features; f++)
        names[f] = b->features[f].name;
    qsort(names, b->n_features, sizeof *names, by_name);
    int repeat = 0;
    for (size_t f = 1; f < b->n_features && !repeat; f++)
        repeat = strcmp(names[f - 1], names[f]) == 0;
    free(names);
    return repeat;
}

/* ---- checking a feature's values --------------------------------------------- */

/* A mapped snapshot's file, open while the baseline holds it, and the
 * memory its blocks are read into. Reading a block (pread) into a huge page
 * costs a few times less than touching the same bytes through the mapping,
 * whose pages of 4 KB are each a fault (on the bench machine, 178 blocks of
 * 25 KB: 1.6 ms against 10-13 ms); and the values then used are the very
 * bytes checked. */
typedef struct pdrift__held_file {
    int fd;
    pdrift__arena *arena;
} pdrift__held_file;

void pdrift__held_file_free(pdrift__held_file *h)
{
    if (h == NULL)
        return;
    close(h->fd);
    pdrift__arena_free(h->arena);
    free(h);
}

/* What of a feature's values is not checked yet. A snapshot read whole has
 * every feature checked at load; a mapped one reads and checks a block of
 * sorted values when a detection first reads in it, and checks everything
 * where it lies (the places and the PSI counts too) before a calibration, a
 * merge or a save reads them all. */
typedef struct pdrift__unchecked {
    const unsigned char *raw;        /* the sorted values' bytes in the file */
    const unsigned char *raw_places; /* the places' bytes, padded to 8 */
    const unsigned char *sums;       /* n_blocks block checksums, little-endian */
    size_t n_blocks, block;          /* block: sorted values a checksum covers */
    uint64_t places_sum;
    int counts_from_file;            /* the PSI counts are the file's, not recomputed */
    pdrift__held_file *file;         /* the baseline's */
    uint64_t raw_at;                 /* raw's offset in the file */
    const double *copy[];            /* per block: its values, read and checked; NULL: not yet */
} pdrift__unchecked;

void pdrift__unchecked_free(pdrift__unchecked *u) { free(u); }

/* Damage found among a feature's values, as the monitor's message. */
int pdrift__snapshot_fail(pdrift_monitor *m, const char *path, const pdrift__baseline_feature *bf, int rc,
                          const char *what)
{
    if (rc == PDRIFT_ENOMEM)
        return pdrift__fail(m, rc, "%s: out of memory checking the snapshot", path ? path : "snapshot");
    return pdrift__fail(m, rc, "%s: snapshot damaged: feature \"%s\": %s", path ? path : "snapshot", bf->name,
                        what);
}

/* Block k, whose values v[0 ..] are sorted values lo .. hi - 1 (where they
 * lie, or a copy): its checksum, then its values: ascending, each fence in
 * it equal to its value, and its last value at most the next fence. With the
 * fences ascending (checked at load) every checked block is in order with
 * the others, so all blocks checked are the sorted values checked. NULL, or
 * what is wrong. */
static const char *check_block(const pdrift__baseline_feature *bf, size_t k, const double *v)
{
    const pdrift__unchecked *u = bf->unchecked;
    const size_t n = bf->n_values, lo = k * u->block, hi = n - lo < u->block ? n : lo + u->block;
    if (pdrift__snapshot_hash(v, (hi - lo) * 8) != word_at(u->sums + k * 8))
        return "checksum mismatch in its sorted values";
    const size_t step = bf->fence_step; /* lo is a multiple of it */
    int ok = 1;
    for (size_t i = 1; i < hi - lo; i++)
        ok &= v[i - 1] <= v[i]; /* NaN fails */
    for (size_t j = lo / step; j * step < hi; j++)
        ok &= v[j * step - lo] == bf->fences[j];
    if (hi < n)
        ok &= v[hi - 1 - lo] <= bf->fences[hi / step];
    if (!ok)
        return "sorted values out of order or unlike its fences (checksum matched: written by a faulty "
               "program?)";
    return NULL;
}

/* Block k read from the file into the arena and checked there: its values,
 * or NULL with *rc and *what. */
static const double *read_block(pdrift__baseline_feature *bf, size_t k, int *rc, const char **what)
{
    pdrift__unchecked *u = bf->unchecked;
    const size_t n = bf->n_values, lo = k * u->block, hi = n - lo < u->block ? n : lo + u->block;
    const size_t bytes = (hi - lo) * sizeof(double);
    double *copy = pdrift__arena_alloc(u->file->arena, bytes);
    if (copy == NULL) {
        *rc = PDRIFT_ENOMEM;
        *what = "out of memory reading its sorted values";
        return NULL;
    }
    size_t got = 0;
    while (got < bytes) {
        ssize_t r = pread(u->file->fd, (unsigned char *)copy + got, bytes - got,
                          (off_t)(u->raw_at + lo * sizeof(double) + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    *what = got < bytes ? "its sorted values cannot be read again: the file changed while in use"
                        : check_block(bf, k, copy);
    if (*what != NULL) {
        *rc = PDRIFT_ECORRUPT;
        return NULL;
    }
    u->copy[k] = copy;
    return copy;
}

const double *pdrift__snapshot_values(pdrift__baseline_feature *bf, size_t lo, size_t hi, int *rc,
                                      const char **what)
{
    pdrift__unchecked *u = bf->unchecked;
    *rc = PDRIFT_OK;
    if (u == NULL || lo >= hi)
        return bf->sorted + lo;
    const size_t k = lo / u->block;
    if ((hi - 1) / u->block != k || u->file == NULL) { /* across blocks: all of it, where it lies */
        *rc = pdrift__snapshot_check_all(bf, what);
        return *rc == PDRIFT_OK ? bf->sorted + lo : NULL;
    }
    const double *v = u->copy[k] != NULL ? u->copy[k] : read_block(bf, k, rc, what);
    return v != NULL ? v + (lo - k * u->block) : NULL;
}

/* 1 if the n places are a permutation of 0..n-1, 0 if not, -1 for no
 * memory. */
static int valid_places(const uint32_t *positions, size_t n)
{
    uint64_t *seen = calloc(n / 64 + 1, sizeof *seen);
    if (seen == NULL)
        return -1;
    int ok = 1;
    for (size_t t = 0; t < n && ok; t++) {
        uint32_t p = positions[t];
        uint64_t bit = UINT64_C(1) << (p % 64);
        ok = p < n && !(seen[p / 64] & bit);
        if (ok)
            seen[p / 64] |= bit;
    }
    free(seen);
    return ok;
}

int pdrift__snapshot_check_all(pdrift__baseline_feature *bf, const char **what)
{
    pdrift__unchecked *u = bf->unchecked;
    if (u == NULL)
        return PDRIFT_OK;
    for (size_t k = 0; k < u->n_blocks; k++) /* where they lie, even those read */
        if ((*what = check_block(bf, k, bf->sorted + k * u->block)) != NULL)
            return PDRIFT_ECORRUPT;
    const size_t n = bf->n_values;
    *what = "checksum mismatch in its places";
    if (pdrift__snapshot_hash(u->raw_places, n * 4 + (n % 2 ? 4 : 0)) != u->places_sum)
        return PDRIFT_ECORRUPT;
    int placed = valid_places(bf->positions, n);
    *what = "its places are not a permutation (checksum matched: written by a faulty program?)";
    if (placed <= 0)
        return placed < 0 ? PDRIFT_ENOMEM : PDRIFT_ECORRUPT;
    /* The PSI counts: what the sorted values put in each bin (one binary
     * search per cut). */
    *what = "its PSI counts are not its values' (checksum matched: written by a faulty program?)";
    for (size_t i = 0, upto = 0; u->counts_from_file && i <= bf->n_cuts; i++) {
        size_t next = i < bf->n_cuts ? pdrift__gallop(bf->sorted, n, upto, bf->cuts[i], 1) : n;
        if (bf->counts[i] != next - upto)
            return PDRIFT_ECORRUPT;
        upto = next;
    }
    *what = NULL;
    free(u);
    bf->unchecked = NULL;
    return PDRIFT_OK;
}

static int ready_all(pdrift_monitor *m, const char *path, pdrift__baseline_feature *bf)
{
    const char *what = NULL;
    int rc = pdrift__snapshot_check_all(bf, &what);
    return rc == PDRIFT_OK ? rc : pdrift__snapshot_fail(m, path, bf, rc, what);
}

int pdrift__snapshot_ready_all(pdrift_monitor *m, pdrift__baseline_feature *bf)
{
    return ready_all(m, m->baseline.source, bf);
}

/* ---- reading a feature ---------------------------------------------------------- */

/* Cuts that rise strictly, as many as the bins allow, and counts per bin
 * that add up to the values and agree with the fences (each cumulative count
 * within the block its cut falls in). The exact counts are checked with the
 * values (ready_all). */
static int plausible_counts(const pdrift__baseline_feature *bf, unsigned bins)
{
    if (bf->n_cuts >= bins)
        return 0;
    size_t total = 0, k = 0;
    for (size_t i = 0; i <= bf->n_cuts; i++) {
        if (bf->counts[i] > bf->n_values - total)
            return 0;
        total += bf->counts[i];
        if (i == bf->n_cuts)
            break;
        double cut = bf->cuts[i];
        if (isnan(cut) || (i > 0 && !(bf->cuts[i - 1] < cut)))
            return 0;
        while (k < bf->n_fences && bf->fences[k] <= cut)
            k++;
        size_t lo = k ? (k - 1) * bf->fence_step + 1 : 0, hi = k < bf->n_fences ? k * bf->fence_step : bf->n_values;
        if (total < lo || total > hi)
            return 0;
    }
    return total == bf->n_values;
}

/* One feature: its metadata from the cursor r, its values from the data
 * cursor d, into bf; 0, or -1 with r->bad / *oom set. *finish gets what
 * pdrift__feature_finish must recompute (1: tau, 2: the PSI bins). */
static int read_feature(reader *r, reader *d, const pdrift__settings *s, unsigned bins, int binning,
                        pdrift__baseline_feature *bf, uint64_t n_rows, unsigned char *finish, int *oom)
{
    if ((bf->name = get_string(r, "a feature name", oom)) == NULL)
        return -1;
    uint64_t n_values = get_u64(r, "a feature's counts");
    uint64_t n_missing = get_u64(r, "a feature's counts");
    double tau = get_f64(r, "a feature's counts");
    uint64_t n_cuts = get_u64(r, "a feature's counts");
    uint64_t step = get_u64(r, "a feature's counts");
    if (r->bad)
        return -1;
    if (bf->name[0] == '\0' || n_values > n_rows || n_missing != n_rows - n_values ||
        (n_values > 0 && (n_cuts == 0 || n_cuts >= PDRIFT__PSI_MAX_BINS)) || !(isnan(tau) || tau >= 1.0) ||
        (n_values > 0 ? step == 0 || step > n_values || step > SIZE_MAX / SNAP_BLOCK_FENCES : step != 0)) {
        r->bad = 1;
        r->what = "a feature's counts";
        return -1;
    }
    bf->n_values = (size_t)n_values;
    bf->n_missing = (size_t)n_missing;
    const int same_bins = bins == s->psi.bins && binning == s->psi.binning;
    double *cuts = NULL;
    const unsigned char *counts = NULL;
    if (n_values > 0) {
        cuts = get_f64s(r, n_cuts, "a feature's PSI cuts", oom);
        counts = take(r, ((size_t)n_cuts + 1) * 8, "a feature's PSI counts");
        if (cuts == NULL || counts == NULL) {
            free(cuts);
            return -1;
        }
    }
    bf->fence_step = (size_t)step;
    bf->n_fences = n_values ? (size_t)((n_values + step - 1) / step) : 0;
    const size_t n_blocks = (bf->n_fences + SNAP_BLOCK_FENCES - 1) / SNAP_BLOCK_FENCES;
    const unsigned char *sums = NULL;
    if ((bf->fences = view_f64s(r, bf->n_fences, "a feature's fences", oom)) == NULL ||
        n_blocks > (r->len - r->pos) / 8 || (sums = take(r, n_blocks * 8, "a feature's checksums")) == NULL) {
        take(r, SIZE_MAX, "a feature's checksums");
        free(cuts);
        return -1;
    }
    uint64_t places_sum = get_u64(r, "a feature's checksums");
    for (size_t k = 0; k < bf->n_fences; k++)
        if (isnan(bf->fences[k]) || (k > 0 && bf->fences[k - 1] > bf->fences[k])) {
            r->bad = 1;
            r->what = "a feature's fences";
        }
    if (r->bad) {
        free(cuts);
        return -1;
    }
    /* The values, in the data part: checked when first used. */
    const size_t raw_at = d->pos;
    const unsigned char *raw = d->p + raw_at;
    if ((bf->sorted = view_f64s(d, n_values, "a feature's sorted values", oom)) == NULL) {
        free(cuts);
        return -1;
    }
    const unsigned char *raw_places = d->p + d->pos;
    if ((bf->positions = view_u32s(d, n_values, "a feature's places", oom)) == NULL) {
        free(cuts);
        return -1;
    }
    if ((bf->unchecked = calloc(1, sizeof *bf->unchecked + n_blocks * sizeof *bf->unchecked->copy)) == NULL) {
        *oom = 1;
        free(cuts);
        return -1;
    }
    *bf->unchecked = (pdrift__unchecked){raw,        raw_places, sums, n_blocks, (size_t)step * SNAP_BLOCK_FENCES,
                                         places_sum, same_bins && n_values > 0,
                                         NULL /* the held file, set with the baseline's */, raw_at};
    int need_tau = s->serial_correction && isnan(tau);
    bf->tau = s->serial_correction ? (isnan(tau) ? 1.0 : tau) : 1.0;
    if (n_values > 0 && same_bins) {
        bf->cuts = cuts;
        bf->n_cuts = (size_t)n_cuts;
        if ((bf->counts = malloc(((size_t)n_cuts + 1) * sizeof *bf->counts)) == NULL) {
            *oom = 1;
            return -1;
        }
        for (size_t i = 0; i <= n_cuts; i++)
            bf->counts[i] = (size_t)word_at(counts + i * 8);
        if (!plausible_counts(bf, bins)) {
            r->bad = 1;
            r->what = "a feature's PSI counts";
            return -1;
        }
    } else {
        free(cuts);
    }
    if (read_null(r, s, same_bins, bf, oom) != 0)
        return -1;
    /* Other PSI settings than the snapshot's: the bins come from the sorted
     * values (a pass of binary searches, no sort). */
    *finish = (unsigned char)((need_tau ? 1 : 0) | (n_values > 0 && !same_bins ? 2 : 0));
    return 0;
}

/* The bytes of a snapshot file: mapped (PDRIFT_PARAM_SNAPSHOT_MAP, on a
 * little-endian host, where the values are used as they lie) or read whole
 * into one buffer, into *out; PDRIFT_OK or the error set. */
static int file_bytes(pdrift_monitor *m, const char *path, int fd, size_t len, unsigned char **out, int *mapped)
{
    *mapped = 0;
    if (m->settings.snapshot_map && host_is_little() && (*out = pdrift__map_file(fd, len)) != NULL) {
        *mapped = 1;
        return PDRIFT_OK;
    }
    /* One read into one buffer that the baseline keeps: the features'
     * values are used where they lie, with no parsing and no copy. */
    unsigned char *p = pdrift__alloc_large(len, 1);
    if (p == NULL)
        return pdrift__fail(m, PDRIFT_ENOMEM, "%s: out of memory for a %zu-byte snapshot", path, len);
    size_t got = 0;
    while (got < len) {
        ssize_t k = read(fd, p + got, len - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    if (got != len) {
        int e = errno;
        free(p);
        if (got < len && e == 0)
            return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot truncated while reading", path);
        return pdrift__fail(m, PDRIFT_EIO, "%s: cannot read: %s", path, strerror(e ? e : EIO));
    }
    *out = p;
    return PDRIFT_OK;
}

/* The first data_at bytes of a mapped snapshot (its header, metadata and
 * padding) read into a buffer of their own, data_at as the mapped header
 * says; NULL where that is not a plausible offset or the read fails (the
 * mapping is then read instead, and checked the same way). */
static unsigned char *read_metadata(int fd, const unsigned char *file, size_t len)
{
    if (len < SNAP_HEADER + 16)
        return NULL;
    const uint64_t data_at = word_at(file + SNAP_HEADER + 8);
    if (data_at < SNAP_HEADER + 16 || data_at > len || data_at % 8 != 0)
        return NULL;
    unsigned char *meta = pdrift__alloc_large((size_t)data_at, 1);
    size_t got = 0;
    while (meta != NULL && got < data_at) {
        ssize_t k = pread(fd, meta + got, (size_t)data_at - got, (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    /* the copy must describe itself the same way (the file may have changed) */
    if (meta == NULL || got != data_at || word_at(meta + SNAP_HEADER + 8) != data_at) {
        free(meta);
        return NULL;
    }
    return meta;
}

static void release_bytes(unsigned char *p, size_t len, int mapped)
{
    if (mapped)
        pdrift__unmap(p, len);
    else
        free(p);
}

/* The header and the metadata's checksum; PDRIFT_OK, or the error set. */
static int check_header(pdrift_monitor *m, const char *path, const unsigned char *p, size_t len)
{
    uint32_t version = u32_at(p + 8), header = u32_at(p + 12), writer_version = u32_at(p + 16);
    uint64_t size = word_at(p + 24), order = word_at(p + 56);
    if (memcmp(p, SNAP_MAGIC, 8) != 0)
        return pdrift__fail(m, PDRIFT_EFORMAT, "%s: not a baseline snapshot (bad magic)", path);
    if (version >= 1 && version <= 3)
        return pdrift__fail(m, PDRIFT_EVERSION, "%s: snapshot format %u (a pre-release of libploutosdrift) "
                            "is no longer read; rebuild it with `pdrift baseline` from the CSV", path, version);
    if (version > SNAP_VERSION)
        return pdrift__fail(m, PDRIFT_EVERSION, "%s: snapshot format %u, written by libploutosdrift "
                            "%u.%u.%u, is newer than this library (%s) reads (format %u); rebuild it "
                            "with `pdrift baseline` from the CSV, or upgrade", path, version,
                            writer_version / 10000, writer_version / 100 % 100, writer_version % 100,
                            pdrift_version_string(), SNAP_VERSION);
    if (version == 0 || header != SNAP_HEADER || order != SNAP_ORDER)
        return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot header damaged (format %u, header %u bytes)",
                            path, version, header);
    if (size != len)
        return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot %s: %zu bytes, its header says %llu", path,
                            size > len ? "truncated" : "has trailing bytes", len, (unsigned long long)size);
    if (len < SNAP_HEADER + 24)
        return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot truncated (%zu bytes, less than a header)", path, len);
    uint64_t meta_end = word_at(p + SNAP_HEADER), data_at = word_at(p + SNAP_HEADER + 8);
    if (meta_end % 8 != 0 || meta_end < SNAP_HEADER + 16 || meta_end > len - 8 || data_at < meta_end + 8 ||
        data_at > len || data_at % 8 != 0)
        return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot header damaged (its parts' offsets)", path);
    if (word_at(p + meta_end) != pdrift__snapshot_hash(p, (size_t)meta_end))
        return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot checksum mismatch: the file is damaged", path);
    for (size_t i = (size_t)meta_end + 8; i < data_at; i++)
        if (p[i] != 0)
            return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot damaged: the padding before its values is not "
                                "zero", path);
    return PDRIFT_OK;
}

int pdrift__snapshot_load(pdrift_monitor *m, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pdrift__fail(m, PDRIFT_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(fd);
        return pdrift__fail(m, PDRIFT_EIO, "%s: not a regular file%s%s", path, e ? ": " : "",
                            e ? strerror(e) : "");
    }
    size_t len = (size_t)st.st_size;
    if ((off_t)len != st.st_size || len < SNAP_HEADER + 8) {
        close(fd);
        return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot truncated (%lld bytes, less than a header)",
                            path, (long long)st.st_size);
    }
    /* The file is the memory: the baseline keeps the buffer (or mapping). */
    if (len > m->settings.limits.max_memory) {
        close(fd);
        return pdrift__fail(m, PDRIFT_EDATA, "%s: snapshot of %zu bytes, more than %zu bytes, the limit "
                            "max_memory (raise the parameter max_memory to read it)", path, len,
                            m->settings.limits.max_memory);
    }
    int mapped;
    unsigned char *file = NULL;
    int rc = file_bytes(m, path, fd, len, &file, &mapped);
    /* a mapped file stays open: its blocks are read from it when used */
    pdrift__held_file *held = NULL;
    if (rc == PDRIFT_OK && mapped) {
        if ((held = malloc(sizeof *held)) == NULL || (held->arena = pdrift__arena_new()) == NULL) {
            free(held);
            held = NULL;
            release_bytes(file, len, mapped);
            rc = pdrift__fail(m, PDRIFT_ENOMEM, "%s: out of memory for a mapped snapshot", path);
        } else {
            held->fd = fd;
        }
    }
    if (held == NULL)
        close(fd);
    if (rc != PDRIFT_OK)
        return rc;
    /* Mapped, the metadata (read whole at load) is read into memory of its
     * own: a page fault per 4 KB of the mapping costs more than the read. */
    unsigned char *meta = mapped ? read_metadata(held->fd, file, len) : NULL;
    const unsigned char *p = meta != NULL ? meta : file;
    rc = check_header(m, path, p, len);
    if (rc != PDRIFT_OK) {
        free(meta);
        pdrift__held_file_free(held);
        release_bytes(file, len, mapped);
        return rc;
    }
    uint64_t meta_end = word_at(p + SNAP_HEADER), data_at = word_at(p + SNAP_HEADER + 8);
    uint32_t flags = u32_at(p + 20);
    reader r = {p, (size_t)meta_end, SNAP_HEADER + 16, 0, NULL};
    reader d = {file, len, (size_t)data_at, 0, NULL};
    uint64_t n_features = word_at(p + 32), n_rows = word_at(p + 40), psi = word_at(p + 48);
    unsigned bins = (unsigned)(psi & 0xFFFFFFFFu);
    int binning = (int)(psi >> 32);
    /* A count the file's size rules out is damage (below); a possible one
     * beyond the limit is refused before anything is allocated for it. */
    if (n_features <= (len - SNAP_HEADER) / 48 && n_features > m->settings.limits.max_columns) {
        free(meta);
        pdrift__held_file_free(held);
        release_bytes(file, len, mapped);
        return pdrift__fail(m, PDRIFT_EDATA, "%s: snapshot of %llu features, more than %zu, the limit "
                            "max_columns (raise the parameter max_columns to read it)", path,
                            (unsigned long long)n_features, m->settings.limits.max_columns);
    }
    pdrift__baseline b = {0};
    b.blob = file; /* from here on the baseline owns the bytes */
    b.blob_len = len;
    b.blob_mapped = mapped;
    b.held = held;
    b.aux = meta;
    b.aux_len = meta != NULL ? (size_t)data_at : 0;
    pdrift__performance perf;
    memset(&perf, 0, sizeof perf);
    double *perf_returns = NULL, *errors = NULL;
    unsigned char *finish = NULL;
    size_t n_errors = 0;
    int oom = 0;
    if (n_features == 0 || n_features > (len - SNAP_HEADER) / 48 || n_rows == 0) {
        r.bad = 1;
        r.what = "the header's counts";
    } else if ((b.features = calloc((size_t)n_features, sizeof *b.features)) == NULL ||
               (finish = calloc((size_t)n_features, 1)) == NULL) {
        oom = 1;
    }
    b.n_features = b.features ? (size_t)n_features : 0;
    b.n_rows = (size_t)n_rows;
    b.ohlcv_derived = (flags & SNAP_OHLCV) != 0;
    char *origin = r.bad || oom ? NULL : get_string(&r, "the origin", &oom);
    uint64_t n_notes = get_u64(&r, "the notes");
    if (!r.bad && !oom && n_notes > (r.len - r.pos) / 8) {
        r.bad = 1;
        r.what = "the notes";
    }
    if (!r.bad && !oom && n_notes > 0 && (b.notes = calloc((size_t)n_notes, sizeof *b.notes)) == NULL)
        oom = 1;
    for (uint64_t i = 0; !r.bad && !oom && i < n_notes; i++) {
        b.notes[i] = get_string(&r, "the notes", &oom);
        b.n_notes += b.notes[i] != NULL;
    }
    for (size_t f = 0; !r.bad && !d.bad && !oom && f < b.n_features; f++) {
        read_feature(&r, &d, &m->settings, bins, binning, &b.features[f], n_rows, &finish[f], &oom);
        if (b.features[f].unchecked != NULL)
            b.features[f].unchecked->file = held;
    }
    if (d.bad && !r.bad) {
        r.bad = 1;
        r.what = d.what;
    }
    if (!r.bad && !oom && b.n_features > 1) {
        int repeat = names_repeat(&b);
        oom = repeat < 0;
        if (repeat > 0) {
            r.bad = 1;
            r.what = "the feature names (one is repeated)";
        }
    }
    if (!r.bad && !oom && (flags & SNAP_PERFORMANCE)) {
        perf.source = (int)get_u64(&r, "the performance");
        uint64_t n = get_u64(&r, "the performance");
        perf.sharpe = get_f64(&r, "the performance");
        perf.max_drawdown = get_f64(&r, "the performance");
        perf.win_rate = get_f64(&r, "the performance");
        perf.wins = (size_t)get_u64(&r, "the performance");
        perf.decided = (size_t)get_u64(&r, "the performance");
        /* What pdrift_baseline_metrics and pdrift_baseline_returns accept, no more. */
        if (!r.bad && perf.source == PDRIFT__PERFORMANCE_METRICS) {
            perf.wins = perf.decided = 0; /* explicit numbers come without counts */
            if ((isnan(perf.sharpe) && isnan(perf.max_drawdown) && isnan(perf.win_rate)) ||
                isinf(perf.sharpe) || !(isnan(perf.max_drawdown) || (perf.max_drawdown >= -1.0 && perf.max_drawdown <= 0.0)) ||
                !(isnan(perf.win_rate) || (perf.win_rate >= 0.0 && perf.win_rate <= 1.0))) {
                r.bad = 1;
                r.what = "the performance";
            }
        } else if (!r.bad && perf.source != PDRIFT__PERFORMANCE_RETURNS) {
            r.bad = 1;
            r.what = "the performance";
        } else if (!r.bad && perf.source == PDRIFT__PERFORMANCE_RETURNS) {
            perf_returns = get_f64s(&r, n, "the baseline returns", &oom);
            if (perf_returns != NULL && (n == 0 || !pdrift__all_finite(perf_returns, (size_t)n))) {
                r.bad = 1;
                r.what = "the baseline returns";
            } else if (perf_returns != NULL) { /* recomputed with this monitor's settings */
                perf = pdrift__performance_of(&m->settings, perf_returns, (size_t)n);
            }
        }
    }
    if (!r.bad && !oom && (flags & SNAP_ERRORS)) {
        uint64_t n = get_u64(&r, "the reference errors");
        errors = get_f64s(&r, n, "the reference errors", &oom);
        n_errors = (size_t)n;
        if (errors != NULL && n_errors == 0) { /* the flag says they follow: one at least */
            r.bad = 1;
            r.what = "the reference errors";
        }
        for (size_t i = 0; errors != NULL && i < n_errors; i++)
            if (!(errors[i] >= 0.0 && isfinite(errors[i]))) {
                r.bad = 1;
                r.what = "the reference errors";
                break;
            }
    }
    if (!r.bad && !oom && (r.pos != r.len || d.pos != d.len)) {
        r.bad = 1;
        r.what = "the end of the file";
    }
    if (r.bad || oom) {
        pdrift__baseline_free(&b);
        free(origin);
        free(perf_returns);
        free(errors);
        free(finish);
        if (oom)
            return pdrift__fail(m, PDRIFT_ENOMEM, "%s: out of memory loading the snapshot", path);
        return pdrift__fail(m, PDRIFT_ECORRUPT, "%s: snapshot damaged: %s out of bounds (checksum "
                            "matched: written by a faulty program?)", path, r.what ? r.what : "a field");
    }
    if (n_rows > m->settings.limits.max_rows) { /* consistent with the features: checked last */
        pdrift__baseline_free(&b);
        free(origin);
        free(perf_returns);
        free(errors);
        free(finish);
        return pdrift__fail(m, PDRIFT_EDATA, "%s: snapshot of %llu rows, more than %zu, the limit max_rows "
                            "(raise the parameter max_rows to read it)", path, (unsigned long long)n_rows,
                            m->settings.limits.max_rows);
    }
    /* Read whole: every value checked now. Mapped: each block when first
     * used, and now only a feature whose tau or PSI bins are recomputed. */
    for (size_t f = 0; rc == PDRIFT_OK && f < b.n_features; f++) {
        pdrift__baseline_feature *bf = &b.features[f];
        if (!mapped || finish[f])
            rc = ready_all(m, path, bf);
        if (rc == PDRIFT_OK && finish[f] && pdrift__feature_finish(&m->settings, bf, finish[f] & 1, finish[f] & 2) != PDRIFT_OK)
            rc = pdrift__fail(m, PDRIFT_ENOMEM, "%s: out of memory loading the snapshot", path);
    }
    free(finish);
    free(origin); /* the origin CSV: the source reported is the snapshot itself */
    if (rc == PDRIFT_OK && (b.source = pdrift__strdup(path)) == NULL)
        rc = pdrift__fail(m, PDRIFT_ENOMEM, "out of memory");
    if (rc != PDRIFT_OK) {
        pdrift__baseline_free(&b);
        free(perf_returns);
        free(errors);
        return rc;
    }
    pdrift__install_baseline(m, &b);
    if (flags & SNAP_PERFORMANCE) {
        free(m->performance_returns);
        m->performance_returns = perf_returns;
        m->performance = perf;
    }
    if (errors != NULL) {
        int erc = pdrift_baseline_errors(m, errors, n_errors);
        free(errors);
        if (erc != PDRIFT_OK)
            return erc;
    }
    m->errmsg[0] = '\0';
    return PDRIFT_OK;
}
