/*
 * xorshift.h — a small deterministic generator for the suites' random cases
 * (Marsaglia's xorshift64, 2003): the same cases on every run and machine,
 * so a failure names a case that can be replayed.
 */
#ifndef PDRIFT_TESTS_XORSHIFT_H
#define PDRIFT_TESTS_XORSHIFT_H

#include <stdint.h>

/* Uniform on [0, 1), 53 random bits; *state must not be 0. */
static inline double xorshift_uniform(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (double)(*state >> 11) * 0x1p-53;
}

#endif
