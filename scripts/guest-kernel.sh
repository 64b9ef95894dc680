#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# guest-kernel.sh - "make guest-kernel": a small Linux guest kernel for
# lguest, from Debian's linux-source of the installed headers' version:
# x86_64 tinyconfig + configs/lguest_guest.config (merge_config.sh), no
# modules, built as the uncompressed ELF vmlinux that "lguest --kernel"
# boots without a decompressor.  Cached by the sha256 of its inputs (the
# fragment, the source version and this script): when build/guest-kernel/
# vmlinux.stamp matches, nothing runs.  The tree is build/guest-kernel/
# linux-source-6.1, and kbuild redoes only what changed.
# Usage: guest-kernel.sh [--print-stamp]     prints the vmlinux's path last
# Environment: GUEST_KERNEL_JOBS (default 2) make jobs, run under nice -n 19.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/guest-kernel
frag=$top/configs/lguest_guest.config
log=$out/build.log

die() { echo "lguest: guest-kernel: $*" >&2; exit 1; }

. "$top/scripts/ksrc.sh"
stamp="$(ksrc_version) $(cat "$frag" "$top/scripts/guest-kernel.sh" | sha256sum | cut -d' ' -f1)"
if [ "${1:-}" = --print-stamp ]; then
	echo "$stamp"
	exit 0
fi
if [ -f "$out/vmlinux" ] && [ -f "$out/vmlinux.stamp" ] &&
		[ "$(cat "$out/vmlinux.stamp")" = "$stamp" ]; then
	echo "$out/vmlinux"
	exit 0
fi

ensure_pkgs guest-kernel flex bison bc libelf-dev libssl-dev xz-utils
tree=$(ksrc_unpack "$out")
cd "$tree"
kmake() { nice -n 19 make -j"${GUEST_KERNEL_JOBS:-2}" ARCH=x86_64 "$@"; }

# Configure (a .config rewritten unchanged leaves kbuild nothing to redo;
# "make tinyconfig" merges its fragments into ./.config whatever
# KCONFIG_CONFIG says, so the tree's own .config is the one configured).
echo "guest-kernel: configuring (x86_64 tinyconfig + $frag)" >&2
kmake -s tinyconfig >/dev/null
./scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
kmake -s olddefconfig >/dev/null
# Every line of the fragment must have survived.
miss=$(ksrc_fragment_missing "$frag")
[ -z "$miss" ] || die "config fragment not applied (dependencies?):" $miss

echo "guest-kernel: building vmlinux (log: $log)" >&2
start=$(date +%s)
if ! kmake vmlinux > "$log" 2>&1; then
	tail -n 30 "$log" >&2
	die "kernel build failed (see $log)"
fi
# The symbols are of no use to the loader, which reads the program headers.
objcopy --strip-all vmlinux "$out/vmlinux.tmp"
mv "$out/vmlinux.tmp" "$out/vmlinux"
echo "$stamp" > "$out/vmlinux.stamp"
echo "guest-kernel: $(cat include/config/kernel.release) built in $(($(date +%s) - start)) s" >&2
echo "$out/vmlinux"
