#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# disk-multi.sh - guest test with three disks: vda the ext4 test image
# (read-write), vdb a second copy (read-only), vdc a raw 8 MiB disk.  Each
# has its own size, serial and read-only flag; vdb's files verify; a
# pattern written to vdc in one 8 MiB direct request reads back in one;
# another, written through the page cache, reads back, and its checksum is
# printed ("@@VDC <sha256>") for the host to find in vdc's file.
name=disk-multi
. /lib/lgtest.sh
wait_disk vda vdb vdc
for d in vda vdb vdc; do
	echo "@@DISK $d size $(cat /sys/block/$d/size) ro $(cat /sys/block/$d/ro) serial $(cat /sys/block/$d/serial 2>/dev/null)"
done
[ "$(cat /sys/block/vda/ro)$(cat /sys/block/vdb/ro)$(cat /sys/block/vdc/ro)" = 010 ] ||
	fail "read-only flags vda/vdb/vdc are not 0/1/0"
[ "$(cat /sys/block/vdc/size)" = 16384 ] || fail "vdc has $(cat /sys/block/vdc/size) sectors, not 16384"
s1=$(cat /sys/block/vda/serial) s2=$(cat /sys/block/vdb/serial)
[ -n "$s1" ] && [ "$s1" != "$s2" ] || fail "serials '$s1' and '$s2' are not distinct"
mount -t ext4 -o ro /dev/vdb /mnt || fail "mount vdb"
(cd /mnt && sha256sum -c -s SHA256SUMS) || { umount /mnt; fail "vdb: checksum mismatch"; }
umount /mnt
# One 8 MiB direct write and read: eight 1 MiB requests in flight at once,
# which the device hands to its worker while the guest queues the rest.
dd if=/dev/urandom of=/tmp/pat bs=1M count=8 2>/dev/null
dd if=/tmp/pat of=/dev/vdc bs=8M oflag=direct 2>/dev/null || fail "writing vdc in one 8 MiB request"
want=$(sha256sum < /tmp/pat | cut -d' ' -f1)
got=$(dd if=/dev/vdc bs=8M iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "vdc read back $got in one 8 MiB request, wrote $want"
dd if=/dev/urandom of=/tmp/pat bs=1M count=8 2>/dev/null
dd if=/tmp/pat of=/dev/vdc bs=1M conv=fsync 2>/dev/null || fail "writing vdc"
echo 3 > /proc/sys/vm/drop_caches
want=$(sha256sum < /tmp/pat | cut -d' ' -f1)
got=$(dd if=/dev/vdc bs=1M iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "vdc read back $got, wrote $want"
echo "@@VDC $want"
pass "three disks: sizes, ro flags, serials, vdb verified, vdc written and read back"
