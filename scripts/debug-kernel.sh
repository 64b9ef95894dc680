#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh - build, once, the debug test host's kernel for
# "make check-debug": Debian's linux-source of the same version as the
# installed headers (the test host's stock kernel), configured as x86_64
# defconfig + kvm_guest.config + tests/host/debug.config (KASAN, KMEMLEAK,
# PROVE_LOCKING, DEBUG_ATOMIC_SLEEP ..., everything the test host needs
# built in).  The tree and its outputs are cached in build/debug/ and rebuilt
# only when the source version or the config fragment changes.
# Writes build/debug/debug.mk naming the kernel (DEBUG_KERNEL), its release
# (DEBUG_KREL), the tree to build modules against (DEBUG_KDIR) and its
# installed modules (DEBUG_MODROOT, for modprobe -d).
# Usage: debug-kernel.sh [--print-stamp]
# Environment: DEBUG_JOBS (default 2) make jobs, run under nice -n 19.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/debug
tree=$out/linux-source-6.1
frag=$top/tests/host/debug.config
log=$out/kernel-build.log

die() { echo "lguest: debug-kernel: $*" >&2; exit 1; }

. "$top/scripts/ksrc.sh"
ver=$(ksrc_version)
# Rebuilt when the headers' version or the fragment changes (and then
# incrementally, by kbuild, in the same tree unless the version changed).
stamp="$ver $(sha256sum "$frag" | cut -d' ' -f1)"
if [ "${1:-}" = --print-stamp ]; then
	echo "$stamp"
	exit 0
fi

mkdir -p "$out"
if [ -f "$out/kernel.stamp" ] && [ "$(cat "$out/kernel.stamp")" = "$stamp" ] &&
		[ -f "$out/debug.mk" ]; then
	exit 0
fi

# What a kernel build needs beyond deps.sh's build-essential.
ensure_pkgs debug-kernel flex bison bc libelf-dev libssl-dev xz-utils
# The source: linux-source-6.1 at the headers' version (scripts/ksrc.sh).
[ "$(ksrc_unpack "$out")" = "$tree" ] || die "unexpected source tree"

# Configure (an unchanged result leaves kbuild nothing to redo) and build.
cd "$tree"
kmake() { nice -n 19 make -j"${DEBUG_JOBS:-2}" "$@"; }
echo "debug-kernel: configuring (defconfig + kvm_guest.config + $frag)"
kmake -s defconfig >/dev/null
kmake -s kvm_guest.config >/dev/null
./scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
kmake -s olddefconfig
# Every line of the fragment must have survived.
miss=$(ksrc_fragment_missing "$frag")
[ -z "$miss" ] || die "config fragment not applied (dependencies?):" $miss

echo "debug-kernel: building (log: $log; 30-60+ minutes the first time on 2 CPUs)"
start=$(date +%s)
if ! kmake bzImage modules > "$log" 2>&1; then
	tail -n 30 "$log" >&2
	die "kernel build failed (see $log)"
fi
krel=$(cat include/config/kernel.release)
rm -rf "$out/modroot"
kmake -s INSTALL_MOD_PATH="$out/modroot" modules_install >> "$log" 2>&1
cp arch/x86/boot/bzImage "$out/vmlinuz-$krel"
echo "debug-kernel: built $krel in $(($(date +%s) - start)) s"

cat > "$out/debug.mk" <<EOF
DEBUG_KREL := $krel
DEBUG_KERNEL := $out/vmlinuz-$krel
DEBUG_KDIR := $tree
DEBUG_MODROOT := $out/modroot
EOF
echo "$stamp" > "$out/kernel.stamp"
