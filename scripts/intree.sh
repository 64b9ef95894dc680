#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# intree.sh - put lguest into a kernel source tree the way an upstream
# submission would: drivers/lguest, drivers/lguest_dev, their two headers,
# and one line each in drivers/Kconfig and drivers/Makefile (CONFIG_LGUEST,
# CONFIG_LGUEST_DEV).  Idempotent: run it again after editing our sources.
# Usage: intree.sh KSRC                 copy into the tree KSRC
#        intree.sh --patch KSRC OUT     write the same change as a patch
#                                       (git apply -p1 in KSRC), KSRC untouched
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "lguest: intree: $*" >&2; exit 1; }

# copy_sources DEST: our kernel files into the tree DEST, sources only
# (no objects of an out-of-tree build that may sit beside them).
copy_sources() {
	for d in lguest lguest_dev; do
		mkdir -p "$1/drivers/$d"
		for f in "$top/drivers/$d"/*.[chS] "$top/drivers/$d/Kbuild" \
				"$top/drivers/$d/Kconfig"; do
			case "${f##*/}" in
			*.mod.c|lg-asm-offsets.h) continue ;;
			esac
			cp "$f" "$1/drivers/$d/"
		done
	done
	mkdir -p "$1/include/linux" "$1/include/uapi/linux"
	cp "$top/include/linux/lguest_backend.h" "$1/include/linux/"
	cp "$top/include/uapi/linux/lguest.h" "$1/include/uapi/linux/"
}

# hook DEST: source our Kconfig files at the end of drivers/Kconfig's menu
# and descend into our directories from drivers/Makefile.  lguest/ comes
# before lguest_dev/: built in, link order is initcall order, and the
# devices register with the hypervisor's backend API.
hook() {
	k=$1/drivers/Kconfig m=$1/drivers/Makefile
	[ -f "$k" ] && [ -f "$m" ] || die "$1 is not a kernel source tree"
	if ! grep -q '^source "drivers/lguest/Kconfig"' "$k"; then
		# The last endmenu closes "Device Drivers".
		n=$(grep -n '^endmenu' "$k" | tail -n 1 | cut -d: -f1)
		[ -n "$n" ] || die "no endmenu in $k"
		sed -i "${n}i\\
source \"drivers/lguest/Kconfig\"\\
\\
source \"drivers/lguest_dev/Kconfig\"\\
" "$k"
	fi
	if ! grep -q 'CONFIG_LGUEST)' "$m"; then
		printf '%s\n' 'obj-$(CONFIG_LGUEST)		+= lguest/' \
			'obj-$(CONFIG_LGUEST_DEV)	+= lguest_dev/' >> "$m"
	fi
}

case "${1:-}" in
--patch)
	[ $# = 3 ] || die "usage: intree.sh --patch KSRC OUT"
	ksrc=$2 out=$3
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/a/drivers" "$tmp/b/drivers"
	cp "$ksrc/drivers/Kconfig" "$ksrc/drivers/Makefile" "$tmp/a/drivers/" ||
		die "$ksrc is not a kernel source tree"
	cp "$tmp/a/drivers/Kconfig" "$tmp/a/drivers/Makefile" "$tmp/b/drivers/"
	# A tree we already hooked: patch against its state before us.
	sed -i '/^source "drivers\/lguest\(_dev\)\?\/Kconfig"$/,+1d' "$tmp/a/drivers/Kconfig"
	sed -i '/CONFIG_LGUEST\(_DEV\)\?)/d' "$tmp/a/drivers/Makefile"
	cp "$tmp/a/drivers/Kconfig" "$tmp/a/drivers/Makefile" "$tmp/b/drivers/"
	copy_sources "$tmp/b"
	hook "$tmp/b"
	# diff: 1 is "they differ", what we want; 0 or 2 (trouble) is not.
	rc=0
	(cd "$tmp" && diff -Nrpu a b) > "$out" || rc=$?
	[ "$rc" = 1 ] || die "diff failed (status $rc)"
	[ -s "$out" ] || die "empty patch"
	;;
-*|"")
	die "usage: intree.sh KSRC | intree.sh --patch KSRC OUT"
	;;
*)
	[ $# = 1 ] || die "usage: intree.sh KSRC"
	hook "$1"
	copy_sources "$1"
	;;
esac
