#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# disk-crash.sh - guest test for a crash: mount the first virtio disk, then
# write 1 MiB files f1, f2, ... each with conv=fsync, printing
# "@@FSYNCED fN <sha256>" only after its fsync returned, while a second
# writer keeps unsynced data in flight.  It never ends by itself: the host
# kills the launcher (kill -9) and then checks the image.
name=disk-crash
. /lib/lgtest.sh
wait_disk vda
mount -t ext4 /dev/vda /mnt || fail "mount"
mkdir -p /mnt/crash || fail "mkdir"
(while :; do dd if=/dev/urandom of=/mnt/crash/noise bs=64k count=64 2>/dev/null; done) &
i=1
while :; do
	dd if=/dev/urandom of=/tmp/f bs=64k count=16 2>/dev/null
	dd if=/tmp/f of=/mnt/crash/f$i bs=64k conv=fsync 2>/dev/null || fail "writing f$i"
	echo "@@FSYNCED f$i $(sha256sum < /tmp/f | cut -d' ' -f1)"
	i=$((i + 1))
done
