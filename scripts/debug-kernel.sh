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

kver=$(sed -n 's/^KVER := //p' "$top/build/config.mk" 2>/dev/null) ||
	die "no build/config.mk: run make first"
[ -n "$kver" ] || die "no KVER in build/config.mk: run make first"
# The Debian version of the headers package, e.g. 6.1.192-3: the source
# package must be that version (at least the same upstream version).
ver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver") ||
	die "linux-headers-$kver is not installed"
upstream=${ver%-*}
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
. "$top/scripts/pkgs.sh"
ensure_pkgs debug-kernel flex bison bc libelf-dev libssl-dev xz-utils

# The source: linux-source-6.1 at the headers' version (or, when the archive
# has only another Debian revision of the same upstream release, that one).
tarball=/usr/src/linux-source-6.1.tar.xz
have=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
if [ "${have%-*}" != "$upstream" ] || [ ! -f "$tarball" ]; then
	[ "$(id -u)" = 0 ] || die "need linux-source-6.1=$ver (run as root, or install it)"
	echo "debug-kernel: installing linux-source-6.1 $ver"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "linux-source-6.1=$ver" >/dev/null; then
		apt-get update -qq
		cand=$(apt-cache madison linux-source-6.1 | awk -v u="$upstream" \
			'{ v = $3; sub(/-[^-]*$/, "", v) } v == u { print $3; exit }')
		[ -n "$cand" ] || die "no linux-source-6.1 of upstream version $upstream"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "linux-source-6.1=$cand" >/dev/null
	fi
	have=$(dpkg-query -W -f='${Version}' linux-source-6.1)
fi
if [ ! -f "$out/source.version" ] || [ "$(cat "$out/source.version")" != "$have" ] ||
		[ ! -f "$tree/Makefile" ]; then
	echo "debug-kernel: unpacking linux-source-6.1 $have into $tree"
	rm -rf "$tree" "$out/source.version" "$out/kernel.stamp"
	(cd "$out" && nice -n 19 tar xf "$tarball")
	echo "$have" > "$out/source.version"
fi

# Configure (an unchanged result leaves kbuild nothing to redo) and build.
cd "$tree"
kmake() { nice -n 19 make -j"${DEBUG_JOBS:-2}" "$@"; }
echo "debug-kernel: configuring (defconfig + kvm_guest.config + $frag)"
kmake -s defconfig >/dev/null
kmake -s kvm_guest.config >/dev/null
./scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
kmake -s olddefconfig
# Every =y, =m or "is not set" line of the fragment must have survived.
miss=$(grep -E '^(CONFIG_[A-Z0-9_]+=[ym]|# CONFIG_[A-Z0-9_]+ is not set)' "$frag" | while read -r l; do
	case "$l" in
	"# "*) o=${l#\# }; o=${o%% *}
	       grep -q "^$o=" .config && echo "$o"
	       ;;
	*)     grep -q -x "$l" .config || echo "${l%%=*}"
	       ;;
	esac
done)
[ -z "$miss" ] || die "config fragment not applied (dependencies?): $miss"

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
