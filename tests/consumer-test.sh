#!/bin/sh
# examples/consumer built against the *installed* library with pkg-config
# alone (issue 10 item 6): make install into a staging DESTDIR, build the
# consumer shared and static with examples/consumer/Makefile, run both, check
# their verdict against the installed pdrift's on the same files, make
# uninstall, and check that no file is left in the stage.
#
# tests/install-test.sh checks the install itself (files, soname, .pc
# validation, Requires.private); this one checks what a user's build sees.
#
# usage: consumer-test.sh MAKE PKG_CONFIG WORKDIR
# environment: CONSUMER_CFLAGS (flags for the consumer's build), CC
set -eu
make=$1 pkgconfig=$2 work=$3
fail() { echo "consumer: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
stage=$work/stage
prefix=/usr/local
$make --no-print-directory install DESTDIR="$stage" PREFIX=$prefix > "$work/install.log"
# make install regenerates $(B)/ploutosdrift.pc for its PREFIX: a concurrent
# install with another PREFIX would show here (mk/consumer.mk runs this test
# after check-install for that reason).
grep -qx "prefix=$prefix" "$stage$prefix/lib/pkgconfig/ploutosdrift.pc" ||
    fail "the installed ploutosdrift.pc is not for $prefix (a concurrent make install?)"

# What a user of a staged install does: point pkg-config at the stage.
PKG_CONFIG_PATH=$stage$prefix/lib/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$stage
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
cflags=$($pkgconfig --cflags ploutosdrift)
case " $cflags " in
    *" -I$stage$prefix/include "*) ;;
    *) fail "pkg-config --cflags does not point at the stage: $cflags" ;;
esac

# Build with the example's own Makefile: only pkg-config's flags.
sources=$(ls -A examples/consumer)
$make --no-print-directory -C examples/consumer O="$work" PKG_CONFIG="$pkgconfig" \
    CFLAGS="${CONSUMER_CFLAGS:--O2 -g -Wall -Wextra -Werror}" all static > "$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; fail "examples/consumer does not build"; }
[ "$(ls -A examples/consumer)" = "$sources" ] ||
    fail "the build wrote into examples/consumer: $(ls -A examples/consumer | tr '\n' ' ')"

# The shared one needs libploutosdrift.so.1 and finds the staged one.
readelf -d "$work/consumer" | grep -q 'NEEDED.*\[libploutosdrift\.so\.1\]' ||
    fail "consumer is not linked with libploutosdrift.so.1"
LD_LIBRARY_PATH=$stage$prefix/lib ldd "$work/consumer" |
    grep -q "libploutosdrift\.so\.1 => $stage$prefix/lib/libploutosdrift\.so\.1" ||
    fail "consumer does not load the staged library"
# The static one needs no libploutosdrift at all.
if readelf -d "$work/consumer-static" | grep -q 'NEEDED.*libploutosdrift'; then
    fail "consumer-static still needs libploutosdrift.so"
fi
if ldd "$work/consumer-static" | grep -q libploutosdrift; then
    fail "consumer-static loads libploutosdrift"
fi

# Generated data: momentum moved by one standard deviation, the rest calm.
LD_LIBRARY_PATH=$stage$prefix/lib "$work/consumer" > "$work/shared.out"
env -u LD_LIBRARY_PATH "$work/consumer-static" > "$work/static.out"
for line in "severity: high" "action: retrain" "features: 3 tested, 1 drifted"; do
    grep -qx "$line" "$work/shared.out" || fail "consumer did not print '$line'"
done
grep -q '^drifted: momentum (PSI ' "$work/shared.out" || fail "consumer did not name momentum"
# Same library, same data: the same verdict, linked either way.
sed '/^report:$/q' "$work/shared.out" > "$work/shared.verdict"
sed '/^report:$/q' "$work/static.out" > "$work/static.verdict"
cmp -s "$work/shared.verdict" "$work/static.verdict" ||
    { diff "$work/shared.verdict" "$work/static.verdict" >&2; fail "shared and static verdicts differ"; }
sed '1,/^report:$/d' "$work/shared.out" |
    jq -e '.model == "consumer-example" and .severity == "high" and .drift_types == ["data"]
           and .data_drift.drifted_features == ["momentum"]' > /dev/null ||
    fail "consumer's report is not the expected JSON"

# Two CSV files: the verdict of the installed pdrift on the same files.
pdrift=$stage$prefix/bin/pdrift
"$pdrift" sample-data "$work/data" > /dev/null
for current in current_calm current_volatile; do
    env -u LD_LIBRARY_PATH "$work/consumer-static" --json "$work/data/baseline.csv" "$work/data/$current.csv" \
        > "$work/$current.consumer.json"
    status=0
    (cd "$work" && "$pdrift" monitor --baseline data/baseline.csv --current "data/$current.csv" --json --log '' \
        --report-dir "reports-$current" > "$current.pdrift.json" 2> /dev/null) || status=$?
    [ "$status" -le 2 ] || fail "pdrift monitor exited $status on $current"
    verdict='[.severity, .action, .drift_types, .data_drift.drifted_features, .data_drift.psi_max]'
    a=$(jq -c "$verdict" "$work/$current.consumer.json")
    b=$(jq -c "$verdict" "$work/$current.pdrift.json")
    [ "$a" = "$b" ] || fail "$current: consumer says $a, pdrift says $b"
done
[ "$(jq -r .severity "$work/current_volatile.consumer.json")" = high ] || fail "volatile market not high"
[ "$(jq -r .severity "$work/current_calm.consumer.json")" = none ] || fail "calm market not none"

# A file that does not exist: exit 1 and the library's message naming it.
status=0
env -u LD_LIBRARY_PATH "$work/consumer-static" "$work/nope.csv" "$work/data/baseline.csv" \
    > /dev/null 2> "$work/error.txt" || status=$?
[ "$status" = 1 ] || fail "a missing baseline file exited $status"
grep -q "nope.csv" "$work/error.txt" || fail "the message does not name the file: $(cat "$work/error.txt")"

# Uninstall: nothing may remain in the stage but (empty) directories,
# whatever the install put there (library, header, .pc, pdrift, INSTALL_MORE).
$make --no-print-directory uninstall DESTDIR="$stage" PREFIX=$prefix > "$work/uninstall.log"
left=$(find "$stage" ! -type d)
[ -z "$left" ] || { echo "uninstall left files behind:" >&2; echo "$left" >&2; exit 1; }
echo "consumer: examples/consumer built shared and static with pkg-config from a staged install," \
     "both runs agree with pdrift, and uninstall left $(find "$stage" -type d | wc -l) empty directories" \
     "and no file"
