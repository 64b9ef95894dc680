#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh - build the guest's busybox initramfs: static busybox, the
# guest kernel's virtio-mmio, virtio device and ext4 modules (with their
# dependencies, in load order), initramfs/init and the guest test scripts.
# Usage: mkinitramfs.sh KERNEL_ROOT KVER OUTPUT.cpio.gz
set -eu
root=$1 kver=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# crc32c_generic must precede ext4: Debian's ext4 asks the crypto API for
# crc32c and mount fails with ENOENT if no implementation is loaded.
modules="virtio_mmio virtio_pci virtio_blk virtio_net virtio_console virtio-rng
	 crc32c_generic ext4"

for d in bin sbin etc proc sys dev tmp mnt root lib/modules tests; do
	mkdir -p "$tmp/$d"
done
cp /bin/busybox "$tmp/bin/busybox"
for a in $("$tmp/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$tmp/bin/$a"
done
: > "$tmp/lib/modules/order"
for ko in $("$here/../scripts/modlist.sh" "$root" "$kver" $modules); do
	cp "$ko" "$tmp/lib/modules/"
	basename "$ko" >> "$tmp/lib/modules/order"
done
install -m 755 "$here/init" "$tmp/init"
for t in "$here"/tests/*.sh; do
	install -m 755 "$t" "$tmp/tests/"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$tmp/etc/passwd"
(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
