#!/bin/sh
# make install into a staging DESTDIR: the installed .pc must pass
# pkg-config --validate and give usable flags, a program must build against
# the installed files alone, and make uninstall must remove everything.
# usage: install-test.sh MAKE PKG_CONFIG WORKDIR
set -eu
make=$1 pkgconfig=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
stage=$(cd "$work" && pwd)/stage
prefix=/opt/pdrift-test
$make --no-print-directory install DESTDIR="$stage" PREFIX=$prefix > "$work/install.log"
pcdir=$stage$prefix/lib/pkgconfig
for f in lib/libploutosdrift.so.1 lib/libploutosdrift.so lib/libploutosdrift.a \
         include/ploutos_drift.h lib/pkgconfig/ploutosdrift.pc bin/pdrift \
         share/man/man1/pdrift.1 share/man/man3/libploutosdrift.3 share/man/man3/pdrift_detect.3 \
         share/man/man3/pdrift_baseline_set.3; do
    test -e "$stage$prefix/$f" || { echo "install: missing $prefix/$f"; exit 1; }
done
soname=$(readelf -d "$stage$prefix/lib/libploutosdrift.so.1" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libploutosdrift.so.1 ] || { echo "install: soname is '$soname'"; exit 1; }

# The installed CLI finds the installed library next to it ($ORIGIN/../lib).
"$stage$prefix/bin/pdrift" --version | grep -q "libploutosdrift" ||
    { echo "install: installed pdrift does not run"; exit 1; }

PKG_CONFIG_PATH=$pcdir $pkgconfig --validate ploutosdrift
PKG_CONFIG_PATH=$pcdir $pkgconfig --print-requires-private ploutosdrift | grep -q '^gsl' ||
    { echo "install: gsl missing from Requires.private"; exit 1; }
PKG_CONFIG_PATH=$pcdir $pkgconfig --print-requires-private ploutosdrift | grep -q '^libcjson' ||
    { echo "install: libcjson missing from Requires.private"; exit 1; }
version=$(PKG_CONFIG_PATH=$pcdir $pkgconfig --modversion ploutosdrift)

# Build a consumer with the staged flags (the prefix is rewritten to the stage).
cat > "$work/consumer.c" <<'C'
#include <ploutos_drift.h>
#include <stdio.h>
int main(void)
{
    double a[5] = {1, 2, 3, 4, 5}, b[5] = {3, 4, 5, 6, 7}, d, p;
    if (pdrift_ks_2samp(a, 5, b, 5, PDRIFT_KS_AUTO, &d, &p) != PDRIFT_OK)
        return 1;
    printf("%s D=%.2f\n", pdrift_version_string(), d);
    return 0;
}
C
cflags=$(PKG_CONFIG_PATH=$pcdir $pkgconfig --define-variable=prefix="$stage$prefix" --cflags ploutosdrift)
libs=$(PKG_CONFIG_PATH=$pcdir $pkgconfig --define-variable=prefix="$stage$prefix" --libs ploutosdrift)
# LIBDIR/INCLUDEDIR were absolute: point them at the stage as well.
cflags=$(echo "$cflags" | sed "s|-I$prefix|-I$stage$prefix|g")
libs=$(echo "$libs" | sed "s|-L$prefix|-L$stage$prefix|g")
${CC:-cc} $cflags -o "$work/consumer" "$work/consumer.c" $libs
out=$(LD_LIBRARY_PATH=$stage$prefix/lib "$work/consumer")
[ "$out" = "$version D=0.40" ] || { echo "install: consumer printed '$out'"; exit 1; }

$make --no-print-directory uninstall DESTDIR="$stage" PREFIX=$prefix > "$work/uninstall.log"
left=$(find "$stage" -type f -o -type l)
[ -z "$left" ] || { echo "uninstall left files behind:"; echo "$left"; exit 1; }
echo "install: $version installed, validated, consumed and uninstalled cleanly"
