#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# disk-write.sh - guest test: mount the first virtio disk read-write, check
# every file against SHA256SUMS, write a 20 MiB file of random bytes, print
# its checksum ("@@SUM <sha256>") for the host to compare in the image, sync.
# Then discard: a 16 MiB file written, synced and deleted, and fstrim hands
# the free space back ("@@TRIM <fstrim -v output>"; the host sees the image
# file shrink).
name=disk-write
. /lib/lgtest.sh
wait_disk vda
mount -t ext4 /dev/vda /mnt || fail "mount"
(cd /mnt && sha256sum -c -s SHA256SUMS) || { umount /mnt; fail "checksum mismatch before writing"; }
dd if=/dev/urandom of=/mnt/big bs=1M count=20 2>/dev/null || { umount /mnt; fail "writing 20 MiB"; }
sync
echo "@@SUM $(sha256sum /mnt/big | cut -d' ' -f1)"
[ "$(cat /sys/block/vda/queue/discard_max_bytes)" -gt 0 ] || { umount /mnt; fail "the disk offers no discard"; }
dd if=/dev/urandom of=/mnt/trash bs=1M count=16 conv=fsync 2>/dev/null || { umount /mnt; fail "writing /mnt/trash"; }
rm /mnt/trash
sync
trim=$(fstrim -v /mnt 2>&1) || { umount /mnt; fail "fstrim: $trim"; }
echo "@@TRIM $trim"
umount /mnt || fail "umount"
pass "20 MiB written and synced, free space trimmed"
