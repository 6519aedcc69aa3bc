#!/bin/sh
# Run each Check suite given on the command line; report every failure, then
# fail if any suite failed. Suites read their data from tests/data (or
# $PDRIFT_TEST_DATA); CK_FORK stays on (Check's default) so a crash in one
# test is reported as that test's failure.
failed=""
for suite in "$@"; do
    echo "== $suite"
    if ! "$suite"; then
        failed="$failed $suite"
    fi
done
if [ -n "$failed" ]; then
    echo "FAILED:$failed" >&2
    exit 1
fi
echo "all $# unit suites passed"
