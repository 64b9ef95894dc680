#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hostile-rings.sh - guest test: a malicious virtio-mmio driver.  With the
# rng device (slot 0, 0xd0000000) unbound from virtio-mmio, drive its
# registers with devmem and build split rings by hand in guest RAM that the
# guest kernel does not use (memmap=1M$0xf000000 on the command line, so
# /dev/mem may write it).  Every broken queue must end in NEEDS_RESET
# (0x40), every reset must clear it, a notify before DRIVER_OK must be
# ignored, and a well-formed chain must be served; afterwards the driver is
# rebound and /dev/hwrng must still give bytes.
name=hostile-rings
B=0xd0000000			# slot 0 registers
R=0x0f000000			# our 1 MiB of reserved guest RAM
D=$((R))			# descriptor table (size 8: 128 bytes)
A=$((R + 0x1000))		# driver (available) ring
U=$((R + 0x2000))		# device (used) ring
BUF=$((R + 0x3000))		# data buffers
IT=$((R + 0x4000))		# an indirect table
IT2=$((R + 0x5000))		# another one
NEXT=1 WRITE=2 INDIRECT=4
# Expected at most this many NEEDS_RESET events: the host case reads the log.
n_hostile=0

die() { echo "@@GUEST $name FAIL $*"; exit 1; }
w() { devmem $((B + $1)) 32 $(($2)); }
r() { devmem $((B + $1)) 32; }
want() {
	v=$(r $1)
	[ $((v)) = $(($2)) ] || die "$3: reg $1 = $v, want $2"
	echo "ok $3 (reg $1 = $v)"
}
m16() { devmem $(($1)) 16 $(($2)); }
m32() { devmem $(($1)) 32 $(($2)); }
mget() { devmem $(($1)) ${2:-32}; }
mwant() {
	v=$(mget $1 $2)
	[ $((v)) = $(($3)) ] || die "$4: RAM $(printf %#x $(($1))) = $v, want $3"
	echo "ok $4 (RAM $(printf %#x $(($1))) = $v)"
}
# desc TABLE I ADDR_LO ADDR_HI LEN FLAGS NEXT
desc() {
	_a=$(($1 + 16 * $2))
	m32 $_a $3; m32 $((_a + 4)) $4; m32 $((_a + 8)) $5
	m16 $((_a + 12)) $6; m16 $((_a + 14)) $7
}
# zero the rings and buffers of the previous case
clean() {
	for a in $D $((D + 4)) $((D + 8)) $((D + 12)) $((D + 16)) $((D + 20)) \
		$((D + 24)) $((D + 28)) $A $((A + 4)) $U $((U + 4)) $((U + 8)) \
		$IT $((IT + 4)) $((IT + 8)) $((IT + 12)) \
		$IT2 $((IT2 + 4)) $((IT2 + 8)) $((IT2 + 12)) \
		$BUF $((BUF + 4)) $((BUF + 8)) $((BUF + 12)) $((BUF + 16)) \
		$((BUF + 20)) $((BUF + 24)) $((BUF + 28)); do
		m32 $a 0
	done
}
# dev_up: reset, then ACKNOWLEDGE, DRIVER, features VERSION_1 and
# INDIRECT_DESC (bit 28), FEATURES_OK.
dev_up() {
	w 0x70 0
	w 0x70 1; w 0x70 3
	w 0x24 0; w 0x20 $((1 << 28))
	w 0x24 1; w 0x20 1
	w 0x70 11
	want 0x70 11 "FEATURES_OK"
}
# queue NUM DESC AVAIL USED [DESC_HI AVAIL_HI USED_HI]: set up queue 0, ready it.
queue() {
	w 0x30 0
	w 0x38 $1
	w 0x80 $2; w 0x84 ${5:-0}
	w 0x90 $3; w 0x94 ${6:-0}
	w 0xa0 $4; w 0xa4 ${7:-0}
	w 0x44 1
}
# publish HEAD IDX: avail ring slot 0 = HEAD, avail idx = IDX.
publish() {
	m16 $((A + 4)) $1
	m16 $((A + 2)) $2
}
# broken WHAT: the device must be in NEEDS_RESET; a reset must clear it.
# refused TEXT [AVAIL_IDX]: the descriptors written, the queue of 8 goes
# live with AVAIL_IDX (default 1) published and is notified; the device
# must use nothing and ask for a reset.
refused() {
	queue 8 $D $A $U; w 0x70 15
	publish 0 ${2:-1}; w 0x50 0
	mwant $((U + 2)) 16 0 "$1: nothing used"
	broken "$1"
}
broken() {
	n_hostile=$((n_hostile + 1))
	v=$(r 0x70)
	[ $((v & 0x40)) != 0 ] || die "$1: status $v, NEEDS_RESET not set"
	echo "ok $1 -> NEEDS_RESET (status $v, isr $(r 0x60))"
	w 0x70 0
	want 0x70 0 "$1: reset clears status"
	want 0x60 0 "$1: reset clears InterruptStatus"
	w 0x30 0; want 0x44 0 "$1: reset unreadies queue 0"
}

for i in $(seq 1 20); do [ -c /dev/hwrng ] && break; sleep 0.5; done
grep -q 'memmap=1M\$0xf000000' /proc/cmdline || die "no memmap=1M\$0xf000000 on the command line"
echo LNRO0005:00 > /sys/bus/platform/drivers/virtio-mmio/unbind || die "unbind"
want 0 0x74726976 magic
want 8 4 "device id (rng)"

# Our RAM must be writable through /dev/mem.
m32 $R 0x5a5aa5a5
mwant $R 32 0x5a5aa5a5 "/dev/mem writes reserved RAM"
clean
mwant $R 32 0 "cleared"

# 0. A well-formed chain is served: our rings are right.
dev_up
desc $D 0 $BUF 0 64 $WRITE 0
queue 8 $D $A $U
want 0x44 1 "sane queue ready"
w 0x70 15
publish 0 1
w 0x50 0
mwant $((U + 2)) 16 1 "sane: used idx"
mwant $((U + 4)) 32 0 "sane: used id"
mwant $((U + 8)) 32 64 "sane: used len"
want 0x70 15 "sane: status"
want 0x60 1 "sane: used-buffer interrupt"
w 0x64 1
want 0x60 0 "InterruptACK"
nz=0
for i in 0 4 8 12 16 20 24 28; do [ $(($(mget $((BUF + i))))) != 0 ] && nz=$((nz + 1)); done
[ $nz -gt 0 ] || die "sane: the buffer got no random bytes"
echo "ok sane: $nz of 8 words of the buffer now random"

# 1. Queue size not a power of two (6), and too big (512).
for n in 6 512; do
	clean; dev_up
	queue $n $D $A $U
	want 0x44 0 "size $n: queue not ready"
	broken "size $n"
done

# 2. Rings outside RAM: descriptor table at the end of RAM (256 MiB); a
# driver ring straddling it; a device ring at 2^64 - 4 KiB.
clean; dev_up; queue 8 0x10000000 $A $U
want 0x44 0 "desc at 256 MiB: not ready"; broken "desc at 256 MiB"
clean; dev_up; queue 8 $D 0x0ffffff0 $U
want 0x44 0 "avail across the end: not ready"; broken "avail across the end of RAM"
clean; dev_up; queue 8 $D $A 0xfffff000 0 0 0xffffffff
want 0x44 0 "used at 2^64-4K: not ready"; broken "used at 2^64-4K"

# 3. A looping chain: 0 -> 1 -> 0.
clean; dev_up
desc $D 0 $BUF 0 16 $((NEXT | WRITE)) 1
desc $D 1 $((BUF + 16)) 0 16 $((NEXT | WRITE)) 0
queue 8 $D $A $U; w 0x70 15
publish 0 1; w 0x50 0
mwant $((U + 2)) 16 0 "loop: nothing used"
want 0x60 2 "loop: configuration-change interrupt"
broken "looping chain"

# 4. An indirect table whose entry is itself indirect.
clean; dev_up
desc $D 0 $IT 0 16 $INDIRECT 0
desc $IT 0 $IT2 0 16 $INDIRECT 0
desc $IT2 0 $BUF 0 16 $WRITE 0
refused "nested indirect"

# 5. An indirect table 24 bytes long.
clean; dev_up
desc $D 0 $IT 0 24 $INDIRECT 0
desc $IT 0 $BUF 0 16 $WRITE 0
refused "indirect len 24"

# 6. A buffer whose addr + len wraps 2^64.
clean; dev_up
desc $D 0 0xfffff000 0xffffffff 0x2000 $WRITE 0
refused "buffer wrapping 2^64"

# 7. avail idx 60000 with a queue of 8.
clean; dev_up
desc $D 0 $BUF 0 16 $WRITE 0
refused "avail idx 60000" 60000

# 8. A notify before DRIVER_OK is ignored; DRIVER_OK then serves the chain.
clean; dev_up
desc $D 0 $BUF 0 32 $WRITE 0
queue 8 $D $A $U
publish 0 1; w 0x50 0
want 0x70 11 "early notify: status unchanged"
want 0x60 0 "early notify: no interrupt"
mwant $((U + 2)) 16 0 "early notify: nothing used"
mwant $BUF 32 0 "early notify: buffer untouched"
w 0x70 15
want 0x70 15 "DRIVER_OK after early notify"
mwant $((U + 2)) 16 1 "DRIVER_OK serves the waiting chain"
mwant $((U + 8)) 32 32 "DRIVER_OK: used len"
w 0x70 0
want 0x70 0 "final reset"

# The driver takes the device back and it still works.
clean
echo LNRO0005:00 > /sys/bus/platform/drivers/virtio-mmio/bind || die "bind"
n=0
for i in $(seq 1 20); do
	n=$(dd if=/dev/hwrng bs=64 count=1 2>/dev/null | wc -c)
	[ "$n" = 64 ] && break
	sleep 0.5
done
[ "$n" = 64 ] || die "hwrng after the abuse: $n bytes ($(cat /sys/class/misc/hw_random/rng_current 2>/dev/null))"
echo "@@GUEST $name PASS $n_hostile hostile setups put the device in NEEDS_RESET, reset cleared each, early notify ignored, hwrng gives $n bytes after rebinding"
