#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# deps.sh - install, idempotently, everything lguest's build and tests need.
# Debian packages come through apt; the test host's kernel is the Debian
# linux-image matching the installed linux-headers-amd64, fetched with
# "apt-get download" and unpacked into build/cache (never installed here).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/build/cache
pkgs="build-essential linux-headers-amd64 qemu-system-x86 busybox-static
      e2fsprogs cpio kmod perl coreutils"

die() { echo "lguest: deps: $*" >&2; exit 1; }

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root, or install them)"
	echo "deps: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

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

# What the Makefile reads back.
cat > "$top/build/config.mk.tmp" <<EOM
KVER := $kver
HOST_KERNEL := $kdir/boot/vmlinuz-$kver
HOST_MODULES := $kdir
EOM
mv "$top/build/config.mk.tmp" "$top/build/config.mk"
