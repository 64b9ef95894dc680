#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# deps.sh - install, idempotently, everything lguest's build and tests need.
# Debian packages come through apt; the test host's kernel is the Debian
# linux-image matching the installed linux-headers-amd64, fetched with
# "apt-get download" and unpacked into build/cache (never installed here).
# A second guest kernel, Debian trixie's 6.12, comes the same way through a
# private apt configuration under build/cache (the system's sources and apt
# state are left alone).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/build/cache
# linux-source-6.1: checkpatch.pl for tests/kernel-style.sh (and the source
# of make check-kconfig, check-debug and guest-kernel); dkms: tests/dkms.sh.
pkgs="build-essential linux-headers-amd64 qemu-system-x86 busybox-static
      e2fsprogs cpio kmod perl coreutils xz-utils acpica-tools gcc-multilib
      python3 python3-docutils
      groff-base man-db mandoc
      linux-source-6.1 dkms"

die() { echo "lguest: deps: $*" >&2; exit 1; }

. "$top/scripts/pkgs.sh"
ensure_pkgs deps $pkgs

# The headers meta-package names the ABI we build against, e.g. 6.1.0-56-amd64.
headers_kver() {
	dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p'
}

# fetch_image: download linux-image-$kver into the cache.
fetch_image() {
	mkdir -p "$cache/deb"
	(cd "$cache/deb" && rm -f linux-image-"$kver"_*.deb &&
	 apt-get download -qq "linux-image-$kver" 2>/dev/null)
}

kver=$(headers_kver)
[ -n "$kver" ] || die "cannot tell the kernel version of linux-headers-amd64"

# Fetch the matching kernel image (vmlinuz + modules) into the cache.  When
# Debian has moved on to a new ABI, the old image is gone from the archive:
# then update the headers too, so both stay a matching pair.
kdir=$cache/linux-image-$kver
if [ ! -f "$kdir/boot/vmlinuz-$kver" ]; then
	if ! fetch_image; then
		[ "$(id -u)" = 0 ] || die "cannot download linux-image-$kver"
		apt-get update -qq
		if ! fetch_image; then
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-headers-amd64 >/dev/null
			kver=$(headers_kver)
			kdir=$cache/linux-image-$kver
			fetch_image || die "cannot download linux-image-$kver"
		fi
	fi
	[ -d "/usr/src/linux-headers-$kver" ] || die "/usr/src/linux-headers-$kver is missing"
	rm -rf "$kdir.tmp"
	dpkg-deb -x "$cache"/deb/linux-image-"$kver"_*.deb "$kdir.tmp"
	depmod -b "$kdir.tmp" "$kver"
	rm -rf "$kdir" && mv "$kdir.tmp" "$kdir"
	rm -f "$cache"/deb/linux-image-"$kver"_*.deb
fi
[ -d "/usr/src/linux-headers-$kver" ] || die "/usr/src/linux-headers-$kver is missing"

# unpack_image DEB KVER DIR: unpack a linux-image .deb into DIR with its
# modules under DIR/lib/modules (trixie ships them in usr/lib/modules) and
# their depmod indexes, the way modprobe -d DIR expects them.
unpack_image() {
	rm -rf "$3.tmp"
	dpkg-deb -x "$1" "$3.tmp"
	if [ ! -d "$3.tmp/lib/modules/$2" ] && [ -d "$3.tmp/usr/lib/modules/$2" ]; then
		mkdir -p "$3.tmp/lib/modules"
		mv "$3.tmp/usr/lib/modules/$2" "$3.tmp/lib/modules/$2"
	fi
	[ -f "$3.tmp/boot/vmlinuz-$2" ] || die "no boot/vmlinuz-$2 in $1"
	depmod -b "$3.tmp" "$2"
	rm -rf "$3" && mv "$3.tmp" "$3"
}

# The second guest kernel: the newest Debian trixie 6.12 image, once; later
# runs reuse the cached one and need no network.
guest2_series=6.12
kver2=$(cd "$cache" && ls -d linux-image-"$guest2_series".*-amd64 2>/dev/null |
	sed 's/^linux-image-//' | sort -V | tail -n 1)
if [ -z "$kver2" ] || [ ! -f "$cache/linux-image-$kver2/boot/vmlinuz-$kver2" ]; then
	apt2=$cache/apt-trixie
	rm -rf "$apt2"
	mkdir -p "$apt2/lists/partial" "$apt2/archives/partial" "$apt2/deb"
	cat > "$apt2/sources.list" <<EOS
deb [signed-by=/usr/share/keyrings/debian-archive-trixie-stable.gpg] http://deb.debian.org/debian trixie main
deb [signed-by=/usr/share/keyrings/debian-archive-trixie-security-automatic.gpg] http://deb.debian.org/debian-security trixie-security main
EOS
	set -- -o Dir::Etc::sourcelist="$apt2/sources.list" \
		-o Dir::Etc::sourceparts=/nonexistent -o Dir::State::Lists="$apt2/lists" \
		-o Dir::Cache="$apt2" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Sandbox::User="$(id -un)"
	echo "deps: fetching the Debian trixie $guest2_series kernel"
	apt-get "$@" update -qq || die "cannot read the Debian trixie package lists"
	kver2=$(apt-cache "$@" depends linux-image-amd64 |
		sed -n 's/^ *Depends: linux-image-\('"$guest2_series"'\.[^ ]*-amd64\)$/\1/p' | head -n 1)
	[ -n "$kver2" ] || die "trixie's linux-image-amd64 names no $guest2_series kernel"
	(cd "$apt2/deb" && apt-get "$@" download -qq "linux-image-$kver2") ||
		die "cannot download linux-image-$kver2 from trixie"
	unpack_image "$apt2"/deb/linux-image-"$kver2"_*.deb "$kver2" "$cache/linux-image-$kver2"
	rm -rf "$apt2"
fi
kdir2=$cache/linux-image-$kver2

# What the Makefile reads back.
cat > "$top/build/config.mk.tmp" <<EOM
KVER := $kver
HOST_KERNEL := $kdir/boot/vmlinuz-$kver
HOST_MODULES := $kdir
GUEST2_KVER := $kver2
GUEST2_KERNEL := $kdir2/boot/vmlinuz-$kver2
GUEST2_MODULES := $kdir2
EOM
mv "$top/build/config.mk.tmp" "$top/build/config.mk"
