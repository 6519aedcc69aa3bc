# ---- valgrind (issue 9 item 2; docs/reliability.md, "In CI") ----------------------
# Every Check suite and the pdrift CLI end to end (tests/valgrind.sh) under
# memcheck: any invalid access, use of an uninitialised value, bad free, or
# leak of kind definite or indirect fails. The suites run in-process
# (CK_FORK=no, see tests/valgrind.sh) on the regular -O2 -g build, two jobs at
# a time (VALGRIND_JOBS). --error-exitcode=99 tells memcheck's verdict apart
# from a test failure (1) and from pdrift's exit codes (0-3).
# tests/valgrind.supp holds the one suppression (fontconfig under cairo's toy
# font API, not ours). Suites that do less under valgrind (fewer random or
# golden points; wider tolerances only for long double, which valgrind runs
# in double precision) say so in their output (tests/under_valgrind.h):
# check_kstwo, check_ks, check_numbers, check_csv. About 4 minutes.
VALGRIND      ?= valgrind
VALGRIND_JOBS ?= 2
VALGRIND_CMD  := $(VALGRIND) --quiet --error-exitcode=99 --leak-check=full \
                 --errors-for-leak-kinds=definite,indirect --num-callers=40 \
                 --suppressions=$(abspath tests/valgrind.supp)

# the longest suites under valgrind start first (after the CLI), so that
# the two jobs end together
VALGRIND_LONG := $(filter %/check_addm %/check_streaming %/check_sort %/check_csv,$(TEST_BINS))

.PHONY: check-valgrind
check-valgrind: deps
	@$(MAKE) --no-print-directory all $(TEST_BINS)
	@VALGRIND='$(VALGRIND_CMD)' sh tests/valgrind.sh run $(VALGRIND_JOBS) $(B)/valgrind $(PDRIFT) \
	    $(VALGRIND_LONG) $(filter-out $(VALGRIND_LONG),$(TEST_BINS))
	@echo "make check-valgrind: all suites and the CLI clean under memcheck"
