#!/bin/sh
# ABI guard (docs/abi-policy.md): compare the built library with the committed
# baseline tests/abi/libploutosdrift.abi using libabigail (Debian's
# abigail-tools).
#
#   abi-check.sh check LIB BASELINE   fail on an incompatible or changed ABI;
#                                     additions only pass
#   abi-check.sh dump LIB BASELINE    rewrite the baseline (an intended change)
set -eu
mode=$1 lib=$2 baseline=$3
for tool in abidw abidiff readelf; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "abi-check: $tool not found (Debian: apt-get install abigail-tools binutils)" >&2; exit 2; }
done
# Without DWARF abidw sees no types and abidiff silently reports nothing.
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
    echo "abi-check: $lib has no debug information (build with -g): refusing to compare" >&2
    exit 1
fi
flags="--headers-dir include --drop-private-types --no-corpus-path --no-comp-dir-path --no-show-locs --type-id-style hash"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2086
abidw $flags --out-file "$tmp" "$lib"
if ! grep -q "name='pdrift_detect'" "$tmp"; then
    echo "abi-check: the ABI dump of $lib lists no pdrift_detect: refusing an empty comparison" >&2
    exit 1
fi
if [ "$mode" = dump ]; then
    mkdir -p "$(dirname "$baseline")"
    cp "$tmp" "$baseline"
    echo "abi-check: wrote $baseline"
    exit 0
fi
set +e
abidiff "$baseline" "$tmp" > "$tmp.report" 2>&1
rc=$?
set -e
if [ $rc -eq 0 ]; then
    rm -f "$tmp.report"
    echo "abi-check: ABI identical to $baseline"
    exit 0
fi
# abidiff's exit status is a bit field: 1 error, 2 usage, 4 change, 8 incompatible change.
if [ $((rc & 3)) -ne 0 ] || [ $((rc & 8)) -ne 0 ]; then
    cat "$tmp.report" >&2
    rm -f "$tmp.report"
    echo "abi-check: incompatible ABI change (abidiff status $rc)" >&2
    exit 1
fi
# Bit 4 alone: a change that may be an addition. Without the added symbols
# the ABI must be identical.
if abidiff --no-added-syms "$baseline" "$tmp" > /dev/null 2>&1; then
    cat "$tmp.report"
    rm -f "$tmp.report"
    echo "abi-check: additions only: compatible (add them to a new version node and to the baseline at release)"
    exit 0
fi
cat "$tmp.report" >&2
rm -f "$tmp.report"
echo "abi-check: the ABI changed (abidiff status $rc): an existing function, type or enum value differs" >&2
exit 1
