/*
 * under_valgrind.h — whether a test binary runs under valgrind (make
 * check-valgrind), for the few suites that scale their work down there or
 * widen a tolerance that valgrind's emulation cannot meet; each says so in
 * its output. RUNNING_ON_VALGRIND comes from Debian's valgrind package
 * (scripts/install-deps.sh); without the header the answer is always 0.
 */
#ifndef PDRIFT_UNDER_VALGRIND_H
#define PDRIFT_UNDER_VALGRIND_H

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

static inline int under_valgrind(void)
{
    return RUNNING_ON_VALGRIND ? 1 : 0;
}

#endif
