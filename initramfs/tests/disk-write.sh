#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# disk-write.sh - guest test: mount the first virtio disk read-write, check
# every file against SHA256SUMS, write a 20 MiB file of random bytes, print
# its checksum ("@@SUM <sha256>") for the host to compare in the image, sync.
name=disk-write
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -b /dev/vda ] && break
	sleep 0.5
done
[ -b /dev/vda ] || { echo "@@GUEST $name FAIL no /dev/vda"; exit 1; }
mount -t ext4 /dev/vda /mnt || { echo "@@GUEST $name FAIL mount"; exit 1; }
(cd /mnt && sha256sum -c -s SHA256SUMS) ||
	{ echo "@@GUEST $name FAIL checksum mismatch before writing"; umount /mnt; exit 1; }
dd if=/dev/urandom of=/mnt/big bs=1M count=20 2>/dev/null ||
	{ echo "@@GUEST $name FAIL writing 20 MiB"; umount /mnt; exit 1; }
sync
echo "@@SUM $(sha256sum /mnt/big | cut -d' ' -f1)"
umount /mnt || { echo "@@GUEST $name FAIL umount"; exit 1; }
echo "@@GUEST $name PASS 20 MiB written and synced"
