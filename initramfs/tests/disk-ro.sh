#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# disk-ro.sh - guest test: the first virtio disk is read-only: the kernel
# says so, its files check out, and a raw write to it fails.
name=disk-ro
. /lib/lgtest.sh
wait_disk vda
[ "$(cat /sys/block/vda/ro)" = 1 ] || { echo "@@GUEST $name FAIL /sys/block/vda/ro is not 1"; exit 1; }
mount -t ext4 -o ro /dev/vda /mnt || { echo "@@GUEST $name FAIL mount"; exit 1; }
(cd /mnt && sha256sum -c -s SHA256SUMS) || { echo "@@GUEST $name FAIL checksum mismatch"; exit 1; }
umount /mnt
if dd if=/dev/zero of=/dev/vda bs=4096 count=1 conv=fsync 2>/dev/null; then
	echo "@@GUEST $name FAIL a raw write to the read-only disk succeeded"
	exit 1
fi
echo "@@GUEST $name PASS read-only: files verified, raw write refused"
