#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkhostinitrd.sh - build the test host's initramfs: static busybox, the
# Debian modules that mount this machine's / over 9p, and tests/host/init.
# The test host then chroots into that read-only share to run the tests.
# Usage: mkhostinitrd.sh KERNEL_ROOT KVER OUTPUT.cpio.gz
# A KERNEL_ROOT of "-" is for a kernel with all that built in (the debug
# test host of make check-debug): the initramfs then loads no module.
set -eu
root=$1 kver=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin" "$tmp/lib/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/newroot"
cp /bin/busybox "$tmp/bin/busybox"
for a in sh mount umount insmod mkdir chroot poweroff sleep cat echo; do
	ln -s busybox "$tmp/bin/$a"
done
: > "$tmp/lib/modules/order"
[ "$root" = - ] || kos=$("$here/../../scripts/modlist.sh" "$root" "$kver" \
		9pnet_virtio 9p virtio_pci)
for ko in ${kos:-}; do
	cp "$ko" "$tmp/lib/modules/"
	basename "$ko" >> "$tmp/lib/modules/order"
done
install -m 755 "$here/init" "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
