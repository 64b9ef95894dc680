#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh - build the guest's busybox initramfs: static busybox, the
# guest kernel's virtio-mmio, virtio device, ext4 and pvpanic modules (with
# their dependencies, in load order; compressed ones, as trixie ships them,
# stored uncompressed for busybox insmod), initramfs/init, the guest
# test scripts, /bin/lgio and /bin/lgtlb (initramfs/lgio.c, lgtlb.c, built
# static here).
# Usage: mkinitramfs.sh KERNEL_ROOT KVER OUTPUT.cpio.gz
set -eu
root=$1 kver=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# crc32c_generic must precede ext4: Debian's ext4 asks the crypto API for
# crc32c and mount fails with ENOENT if no implementation is loaded.
# pvpanic_mmio drives the ACPI QEMU0001 device (port 0x505) through which a
# panicking guest tells the launcher.
modules="virtio_mmio virtio_pci virtio_blk virtio_net virtio_console virtio-rng
	 crc32c_generic ext4 pvpanic_mmio"

for d in bin sbin etc proc sys dev tmp mnt root lib/modules tests; do
	mkdir -p "$tmp/$d"
done
cp /bin/busybox "$tmp/bin/busybox"
for a in $("$tmp/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$tmp/bin/$a"
done
: > "$tmp/lib/modules/order"
# Apart, so that set -e stops us if a module is missing.
kos=$("$here/../scripts/modlist.sh" "$root" "$kver" $modules)
for ko in $kos; do
	name=$(basename "$ko")
	case "$name" in
	*.ko.xz) name=${name%.xz}; xz -dc "$ko" > "$tmp/lib/modules/$name" ;;
	*.ko.zst) name=${name%.zst}; zstd -q -dc "$ko" > "$tmp/lib/modules/$name" ;;
	*.ko.gz) name=${name%.gz}; gzip -dc "$ko" > "$tmp/lib/modules/$name" ;;
	*) cp "$ko" "$tmp/lib/modules/" ;;
	esac
	echo "$name" >> "$tmp/lib/modules/order"
done
${CC:-cc} -static -O2 -Wall -o "$tmp/bin/lgio" "$here/lgio.c"
${CC:-cc} -static -O2 -Wall -pthread -o "$tmp/bin/lgtlb" "$here/lgtlb.c"
install -m 755 "$here/init" "$tmp/init"
install -m 644 "$here/lgtest.sh" "$tmp/lib/lgtest.sh"
for t in "$here"/tests/*.sh; do
	install -m 755 "$t" "$tmp/tests/"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$tmp/etc/passwd"
(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
