#!/bin/sh
# The public header alone must compile as C99 and as C++, with every warning
# an error, and expose nothing that needs another header first.
# usage: header-test.sh CC CXX OUTDIR
set -eu
cc=$1 cxx=$2 out=$3
src=$out/headertest.c
cat > "$src" <<'C'
#include <ploutos_drift.h>
#include <ploutos_drift.h> /* include guard */
int main(void)
{
    double d, p, x[2] = {0.0, 1.0};
    int rc = pdrift_ks_2samp(x, 2, x, 2, PDRIFT_KS_AUTO, &d, &p);
    return rc == PDRIFT_OK && pdrift_version_number() == PDRIFT_VERSION_NUMBER ? 0 : 1;
}
C
flags="-Wall -Wextra -pedantic -Werror -Iinclude -fsyntax-only"
for std in c99 c11 c17; do
    $cc -std=$std $flags -x c "$src"
    echo "header compiles as C ($std)"
done
for std in c++11 c++17; do
    $cxx -std=$std $flags -Wold-style-cast -x c++ "$src"
    echo "header compiles as C++ ($std)"
done
