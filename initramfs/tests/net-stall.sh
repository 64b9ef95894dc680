#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# net-stall.sh - guest test: a virtio-net driver that never posts a
# receive buffer.  With the network device (slot 0, 0xd0000000) unbound
# from virtio-mmio, lgio netstall sets up both queues by hand in guest RAM
# the kernel does not use (memmap=1M$0xf000000), the receive queue empty,
# sends 1000 broadcast frames toward the host, says "ready" and stalls for
# 20 s while the host floods the interface; the host case checks what was
# queued, dropped and counted.
name=net-stall
. /lib/lgtest.sh

grep -q 'memmap=1M\$0xf000000' /proc/cmdline || fail "no memmap=1M\$0xf000000 on the command line"
echo LNRO0005:00 > /sys/bus/platform/drivers/virtio-mmio/unbind || fail "unbind"
lgio netstall 0xd0000000 0x0f000000 1000 20 || fail "lgio netstall"
pass "1000 frames sent, 20 s without receive buffers"
