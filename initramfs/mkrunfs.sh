#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkrunfs.sh - build the initramfs of "lguest run": /init is lgrun
# (initramfs/lgrun.c, static), static busybox for the commands, and the
# guest kernel's modules grouped core/blk/net in /lib/modules/order, which
# lgrun loads as the launcher's /lgrun/devices asks.
# Usage: mkrunfs.sh KERNEL_ROOT KVER OUTPUT.cpio
# The cpio is not compressed: the guest kernel copies it instead of
# spending boot time on a decompressor, and the launcher appends its own
# cpio (/lgrun/argv and the rest) to it.  The blk and net groups' modules
# go beside OUTPUT as blk.cpio and net.cpio, which the launcher appends
# only for a guest with disks or NICs: a guest unpacks nothing it does not
# use (ext4 alone is 2 MiB).
set -eu
root=$1 kver=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# lgrun is there too so the launcher's cpio only adds files to it.
base=$tmp/base
for d in bin proc sys dev tmp root mnt etc lib/modules lgrun; do
	mkdir -p "$base/$d"
done
cp /bin/busybox "$base/bin/busybox"
for a in $("$base/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$base/bin/$a"
done

# add GROUP MODULE...: the modules and their dependencies to the order
# file as GROUP lines, each .ko once, in the first group that needs it: a
# group's lines are its load order (modlist.sh puts dependencies first),
# and lgrun loads earlier groups whenever it loads later ones.  The files
# go in GROUP's archive (core's in the base one).
add() {
	group=$1
	shift
	dir=$tmp/$group/lib/modules
	[ "$group" = core ] && dir=$base/lib/modules
	mkdir -p "$dir"
	# Apart, so that set -e stops us if a module is missing.
	kos=$("$here/../scripts/modlist.sh" "$root" "$kver" "$@")
	for ko in $kos; do
		name=$(basename "$ko")
		name=${name%.xz}
		name=${name%.zst}
		name=${name%.gz}
		grep -q " $name\$" "$base/lib/modules/order" && continue
		# Stored uncompressed: lgrun's finit_module() asks for no
		# decompression, which not every guest kernel has.
		case "$ko" in
		*.ko.xz) xz -dc "$ko" > "$dir/$name" ;;
		*.ko.zst) zstd -q -dc "$ko" > "$dir/$name" ;;
		*.ko.gz) gzip -dc "$ko" > "$dir/$name" ;;
		*) cp "$ko" "$dir/$name" ;;
		esac
		echo "$group $name" >> "$base/lib/modules/order"
	done
}

# Every run needs the consoles, and pvpanic so that a panic ends it; disks
# and nets cost boot time, so they load only when /lgrun/devices asks.
# crc32c_generic must precede ext4: Debian's ext4 asks the crypto API for
# crc32c and mount fails with ENOENT if no implementation is loaded.
: > "$base/lib/modules/order"
add core virtio_mmio virtio_console pvpanic_mmio
add blk virtio_blk crc32c_generic ext4
add net virtio_net

${CC:-cc} -static -Os -s -Wall -o "$base/init" "$here/lgrun.c"
echo "root:x:0:0:root:/root:/bin/sh" > "$base/etc/passwd"

# pack DIR OUT: a newc archive of DIR, owned by root inside the guest
# whoever builds it (the command runs as root).  GNU cpio pads it to 512
# bytes, so the archive after it starts aligned.
pack() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$2.tmp"
	mv "$2.tmp" "$2"
}
pack "$tmp/blk" "$(dirname "$out")/blk.cpio"
pack "$tmp/net" "$(dirname "$out")/net.cpio"
pack "$base" "$out"
