#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dkms-src.sh - write the DKMS source tree of lguest (what dkms.conf's
# "make modules" needs, nothing else) into DEST, as "dkms add" wants it in
# /usr/src/lguest-VERSION: dkms.conf, the top Makefile and Kconfig, all of
# drivers/lguest and drivers/lguest_dev, and include/.  In a git checkout
# the files are git's (tracked, or new and not ignored), so objects of an
# earlier build never travel; elsewhere (an exported tree, as the package
# build has) the directories are taken whole, less any build products.
# Usage: dkms-src.sh DEST       (DEST is created; it must not exist)
#        dkms-src.sh --version  print dkms.conf's PACKAGE_VERSION
set -eu

top=$(cd "$(dirname "$0")/.." && pwd -P)
paths="dkms.conf Makefile Kconfig drivers/lguest drivers/lguest_dev include"

die() { echo "lguest: dkms-src: $*" >&2; exit 1; }

version() {
	sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$top/dkms.conf"
}

case "${1:-}" in
--version) version; exit 0 ;;
""|-*) die "usage: dkms-src.sh DEST | dkms-src.sh --version" ;;
esac
dest=$1
[ ! -e "$dest" ] || die "$dest exists"
[ -n "$(version)" ] || die "no PACKAGE_VERSION in $top/dkms.conf"

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
cd "$top"
# Only a checkout of its own: the package build's copy sits in build/ of
# another (ignored there).
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$top" ]; then
	# shellcheck disable=SC2086 # a word list of paths
	git ls-files -z --cached --others --exclude-standard -- $paths |
		xargs -0 -r sh -c 'for f; do [ ! -e "$f" ] || echo "$f"; done' sh |
		tar -cf - -T - | tar -xf - -C "$dest"
else
	# shellcheck disable=SC2086
	tar -cf - $paths | tar -xf - -C "$dest"
	find "$dest" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '.*.d' -o -name modules.order \
		-o -name Module.symvers -o -name 'lg-asm-offsets.[sh]' \) -exec rm -f {} +
fi
for p in $paths; do
	[ -e "$dest/$p" ] || die "$p is missing from $dest"
done
