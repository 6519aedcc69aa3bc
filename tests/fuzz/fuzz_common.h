/*
 * fuzz_common.h — what the fuzz harnesses share: the libFuzzer entry point,
 * an invariant check that aborts (so that libFuzzer, or the replay driver,
 * reports it), a reader that turns the fuzz input into bytes, integers and
 * doubles, per-process scratch files, and the checks every detection must
 * pass (results within their ranges, the report valid JSON with the
 * two-call protocol honoured).
 *
 * Each harness (fuzz_<name>.c) defines LLVMFuzzerTestOneInput. Built with
 * clang -fsanitize=fuzzer it is a fuzzer; linked with regression_driver.c
 * (any compiler) it replays files: make check-fuzz.
 */
#ifndef PDRIFT_FUZZ_COMMON_H
#define PDRIFT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <ploutos_drift.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant that could fail: on violation, print where and abort. */
#define FUZZ_ASSERT(cond) \
    ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))
void fuzz_fail(const char *file, int line, const char *what)
#if defined(__GNUC__)
    __attribute__((noreturn))
#endif
    ;

/* ---- reading the input ------------------------------------------------------ */

typedef struct fuzz_input {
    const uint8_t *p;
    size_t n;
} fuzz_input;

/* Each take answers 0 (or 0.0) once the input is exhausted. */
uint8_t fuzz_u8(fuzz_input *in);
uint64_t fuzz_u64(fuzz_input *in);
/* Eight bytes as a double, bit for bit: NaN, infinities, subnormals... */
double fuzz_f64(fuzz_input *in);
/* A double chosen by a selector byte: the raw bits, or one of the values
 * that break arithmetic (0, -0, +-inf, NaN, DBL_MAX, DBL_MIN, the smallest
 * subnormal, 1e308, 1e-308), or a small "ordinary" number. */
double fuzz_weird_f64(fuzz_input *in);

/* ---- scratch files ------------------------------------------------------------ */

/* Write data to this process's scratch input (a memfd, else a file under
 * /tmp) and return a path that open(2) reads it from. Never NULL. */
const char *fuzz_write_input(const void *data, size_t size);
/* A writable path in this process's scratch directory (on tmpfs when there
 * is one: baseline snapshots are fsync'ed), for pdrift_baseline_save; name
 * is a.pdsnap or b.pdsnap (the files removed at exit). */
const char *fuzz_scratch_path(const char *name);

/* ---- invariants of a monitor's results ---------------------------------------- */

/* 1 if x is NaN or lies in [lo, hi]. */
int fuzz_nan_or_within(double x, double lo, double hi);

/* 1 if one of the n values is NaN; 1 if all are finite (the harnesses' own
 * answers, not the library's). */
int fuzz_has_nan(const double *x, size_t n);
int fuzz_all_finite(const double *x, size_t n);

/* After a successful pdrift_detect: every getter answers, every number lies
 * in its range, the ranking and the recommendations are consistent, and the
 * report is one valid JSON object whose length the two-call protocol
 * announced. Aborts on a violation. */
void fuzz_check_detection(const pdrift_monitor *m);

/* The report alone (two-call protocol, NUL, cJSON parse). */
void fuzz_check_report(const pdrift_monitor *m);

#endif
