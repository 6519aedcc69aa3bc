#!/bin/sh
# The exported symbols must be exactly the functions the header declares,
# exactly the version script's list, and nothing else (nm -D).
# usage: check-exports.sh HEADER MAPFILE SHARED_LIBRARY NM
set -eu
header=$1 map=$2 lib=$3 nm=${4:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Declarations: "PDRIFT_API <type> <name>(" possibly over several lines.
grep -v '^[[:space:]]*#' "$header" | tr '\n' ' ' | grep -o 'PDRIFT_API[^;(]*(' |
    sed 's/($//; s/.*[ *]\([A-Za-z_][A-Za-z0-9_]*\)$/\1/' | sort -u > "$tmp/header"
# Version script: the names between "global:" and "local:".
sed -n '/global:/,/local:/p' "$map" | grep -o '^[[:space:]]*pdrift_[A-Za-z0-9_]*;' |
    tr -d ' \t;' | sort -u > "$tmp/map"
# Defined dynamic symbols of the built library.
"$nm" -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep -v '^PLOUTOSDRIFT_' |
    sort -u > "$tmp/nm"

status=0
if ! diff -u "$tmp/header" "$tmp/map" > "$tmp/d1"; then
    echo "header declarations (-) differ from $map (+):"; cat "$tmp/d1"; status=1
fi
if ! diff -u "$tmp/map" "$tmp/nm" > "$tmp/d2"; then
    echo "$map (-) differs from nm -D $lib (+):"; cat "$tmp/d2"; status=1
fi
if grep -v '^pdrift_' "$tmp/nm" > "$tmp/foreign"; then
    echo "$lib exports symbols without the pdrift_ prefix:"; cat "$tmp/foreign"; status=1
fi
# Every exported symbol carries the version node.
if "$nm" -D --defined-only "$lib" | awk '{print $3}' | grep '^pdrift_' | grep -v '@@PLOUTOSDRIFT_' ; then
    echo "unversioned exports above"; status=1
fi
[ $status -eq 0 ] && echo "exports: $(wc -l < "$tmp/nm") symbols, header = version script = nm -D"
exit $status
