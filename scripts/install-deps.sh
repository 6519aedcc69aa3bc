#!/bin/sh
# Install the Debian packages libploutosdrift needs to build and test, if any
# is missing. As root it runs apt-get; otherwise it prints the command to run.
# Set PDRIFT_NO_INSTALL=1 to only check.
set -eu

# build: compiler, pkg-config, GSL, cJSON, cairo (pdrift's chart only); tests:
# Check, a C++ compiler for the header test, binutils (nm, readelf), Debian's
# Python with numpy/scipy for the comparison against scipy itself and pytest
# for the CLI tests; valgrind (and its valgrind/valgrind.h) for make check-valgrind.
packages="gcc g++ make pkg-config binutils libgsl-dev libcjson-dev libcairo2-dev check python3 python3-numpy python3-scipy python3-pytest python3-pandas python3-pip python3-setuptools curl jq util-linux abigail-tools python3-jsonschema man-db valgrind"

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: check what matters through pkg-config and say what is missing.
    for pc in gsl libcjson cairo check; do
        pkg-config --exists "$pc" 2>/dev/null ||
            { echo "install-deps: pkg-config cannot find '$pc'; install GSL, cJSON, cairo and Check development packages" >&2; exit 1; }
    done
    exit 0
fi

missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "${PDRIFT_NO_INSTALL:-0}" = 1 ]; then
    echo "install-deps: missing Debian packages:$missing" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing Debian packages:$missing" >&2
    echo "install-deps: run as root:  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
