#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# intree-kernel.sh - lguest built into a kernel, for "make check-kconfig":
# Debian's linux-source of the installed headers' version with Debian's own
# amd64 config, lguest put in by scripts/intree.sh, built with
# CONFIG_LGUEST and CONFIG_LGUEST_DEV =y (a bzImage that needs no module of
# ours) and =m (the two .ko files, built by the tree's own Kbuild), W=1 for
# our directories.  Cached in build/intree/; kbuild redoes only what changed.
# Usage: intree-kernel.sh y|m      prints the result's path last
# Environment: INTREE_JOBS (default 2) make jobs, run under nice -n 19.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/intree

die() { echo "lguest: intree-kernel: $*" >&2; exit 1; }

mode=${1:-}
case "$mode" in y|m) ;; *) die "usage: intree-kernel.sh y|m" ;; esac

. "$top/scripts/ksrc.sh"
ensure_pkgs intree-kernel flex bison bc libelf-dev libssl-dev xz-utils linux-config-6.1
tree=$(ksrc_unpack "$out")
kver=$(ksrc_kver)
dconf=/usr/src/linux-config-6.1/config.amd64_none_amd64.xz
[ -f "$dconf" ] || die "no $dconf (package linux-config-6.1)"

sh "$top/scripts/intree.sh" "$tree"
cd "$tree"
# The stock kernel's release, so that the stock modules (9p for the test
# host's root, msr, tun ...) load into this kernel: same source, same
# config, hence the same symbol versions.
kmake() {
	nice -n 19 make -j"${INTREE_JOBS:-2}" KERNELRELEASE="$kver" "$@"
}

# Debian's config, but without debug info and BTF: they would triple the
# build time and change nothing of what this checks.
xz -dc "$dconf" > .config.lguest
./scripts/config --file .config.lguest \
	--disable DEBUG_INFO --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	--disable DEBUG_INFO_BTF --disable DEBUG_INFO_BTF_MODULES \
	--enable DEBUG_INFO_NONE \
	--set-val LGUEST "$mode" --set-val LGUEST_DEV "$mode"
# Keep kbuild's own .config (and so its timestamps) when nothing changed:
# the same input as last time, and .config still what it made of it (not
# one of kconfig-rand.sh's, say).
if ! cmp -s .config.lguest .config.in 2>/dev/null ||
		! cmp -s .config .config.out 2>/dev/null; then
	cp .config.lguest .config.in
	cp .config.lguest .config
	kmake -s olddefconfig
	cp .config .config.out
fi
grep -qx "CONFIG_LGUEST=$mode" .config && grep -qx "CONFIG_LGUEST_DEV=$mode" .config ||
	die "CONFIG_LGUEST=$mode did not survive olddefconfig"

log=$out/build-$mode.log
echo "intree-kernel: building CONFIG_LGUEST=$mode (log: $log)"
start=$(date +%s)
if [ "$mode" = y ]; then
	kmake bzImage > "$log" 2>&1 || { tail -n 30 "$log" >&2; die "bzImage failed (see $log)"; }
	cp arch/x86/boot/bzImage "$out/vmlinuz-intree"
	res=$out/vmlinuz-intree
else
	# vmlinux first: modpost checks the modules against its exports,
	# which must no longer hold ours from a =y build.  Then both .ko in
	# one make: given with another goal, kbuild would modpost them one
	# at a time, and lguest_dev.ko would not see lguest.ko's exports.
	kmake bzImage > "$log" 2>&1 &&
		kmake drivers/lguest/lguest.ko drivers/lguest_dev/lguest_dev.ko >> "$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "modules failed (see $log)"; }
	res="$tree/drivers/lguest/lguest.ko $tree/drivers/lguest_dev/lguest_dev.ko"
fi
# Our directories again with W=1: every warning is an error of ours.
kmake W=1 drivers/lguest/ drivers/lguest_dev/ > "$log.w1" 2>&1 ||
	{ tail -n 30 "$log.w1" >&2; die "W=1 build failed (see $log.w1)"; }
if grep -E 'drivers/lguest(_dev)?/.*(warning|error):|include/(uapi/)?linux/lguest' \
		"$log" "$log.w1"; then
	die "warnings in our files (above)"
fi
echo "intree-kernel: CONFIG_LGUEST=$mode built in $(($(date +%s) - start)) s"
echo "$res"
