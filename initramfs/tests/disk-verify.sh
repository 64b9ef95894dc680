#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# disk-verify.sh - guest test: mount the first virtio disk read-only and
# check every file against the SHA256SUMS that images/mkimage.sh wrote.
name=disk-verify
. /lib/lgtest.sh
wait_disk vda
mount -t ext4 -o ro /dev/vda /mnt || { echo "@@GUEST $name FAIL mount"; exit 1; }
if (cd /mnt && sha256sum -c -s SHA256SUMS); then
	echo "@@GUEST $name PASS $(wc -l < /mnt/SHA256SUMS) files verified"
else
	echo "@@GUEST $name FAIL checksum mismatch"
fi
umount /mnt
