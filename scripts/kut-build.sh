#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kut-build.sh - unpack and build kvm-unit-tests (x86_64) from the snapshot
# in ../shared/third_party into build/kut/kvm-unit-tests, once: an external
# test suite, run from the build tree only, never copied into our sources.
# The tarball: $LG_KUT_TARBALL, else the newest kvm-unit-tests-*.tar.gz in
# ../shared/third_party next to this tree or in /work/shared/third_party.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dest=$top/build/kut
die() {
	echo "lguest: kvm-unit-tests: $*" >&2
	exit 1
}

tarball=${LG_KUT_TARBALL:-}
if [ -z "$tarball" ]; then
	for d in "$top/../shared/third_party" /work/shared/third_party; do
		for f in "$d"/kvm-unit-tests-*.tar.gz; do
			[ -f "$f" ] && tarball=$f
		done
		[ -z "$tarball" ] || break
	done
fi
[ -n "$tarball" ] ||
	die "no kvm-unit-tests-*.tar.gz in ../shared/third_party (set LG_KUT_TARBALL)"
[ -f "$tarball" ] || die "no such file: $tarball"

# The stamp names the tarball: a new snapshot rebuilds from scratch.
stamp=$dest/.built
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$tarball" ] &&
	[ -f "$dest/kvm-unit-tests/x86/dummy.flat" ]; then
	exit 0
fi
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$tarball" -C "$dest" 2> "$dest/unpack.log" || die "cannot unpack $tarball (not a gzip'd tar?)"
[ -f "$dest/kvm-unit-tests/configure" ] || die "$tarball has no kvm-unit-tests/configure"
cd "$dest/kvm-unit-tests"
./configure --arch=x86_64 > "$dest/build.log" 2>&1 || die "configure failed: see $dest/build.log"
make -j"$(nproc)" >> "$dest/build.log" 2>&1 || die "make failed: see $dest/build.log"
echo "$tarball" > "$stamp"
echo "kvm-unit-tests: built $(ls x86/*.flat | wc -l) images from $(basename "$tarball")"
