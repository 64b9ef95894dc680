#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hostile-inflight.sh - guest test: a virtio-blk driver that publishes the
# same head again while the device still holds it.  With the disk (slot 0,
# 0xd0000000) unbound from virtio-mmio, lgio republish builds a queue of
# 256 by hand in guest RAM the kernel does not use (memmap=1M$0xf000000)
# and publishes head 0, a 4 KiB write, up to 100000 times, 256 per notify.
# The device must refuse a head in flight (NEEDS_RESET) instead of queueing
# a request for every publish.
name=hostile-inflight
. /lib/lgtest.sh

wait_disk vda
grep -q 'memmap=1M\$0xf000000' /proc/cmdline || fail "no memmap=1M\$0xf000000 on the command line"
echo LNRO0005:00 > /sys/bus/platform/drivers/virtio-mmio/unbind || fail "unbind"
out=$(lgio republish 0xd0000000 0x0f000000 100000 2>&1)
echo "$out"
case "$out" in
"@@IO republish reset-after "*)
	pass "the device refused a republished head after ${out##* } publishes (NEEDS_RESET)" ;;
*)
	fail "the device took head 0 again and again: $out" ;;
esac
