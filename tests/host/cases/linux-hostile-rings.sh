# SPDX-License-Identifier: GPL-2.0
# linux-hostile-rings: a Linux guest plays a malicious virtio driver against
# lguest_dev's rng (--rng, slot 0): initramfs/tests/hostile-rings.sh unbinds
# virtio-mmio, builds split rings by hand in 1 MiB of RAM hidden from its
# kernel (memmap=1M$0xf000000) and feeds the device bad queue sizes, rings
# outside RAM, a looping chain, nested and ragged indirect tables, a buffer
# wrapping 2^64, a runaway avail idx and a notify before DRIVER_OK.  The
# guest must pass (each ends in NEEDS_RESET, cleared by a reset; the device
# still serves /dev/hwrng after rebinding), power off cleanly, and the host
# log must name each offence with its values (the host log is also checked
# for BUG/Oops/WARNING by hostinit).  Then, against virtio-blk (--disk, slot
# 0), initramfs/tests/hostile-inflight.sh publishes one head (a 4 KiB write)
# up to 100000 times, 256 per notify: the device must refuse the head while
# it is in flight (NEEDS_RESET), the host log must say so, and the host's
# slab, sampled while the guest runs, must not grow by more than 8 MiB (a
# device queueing a request per publish grows it without bound); debugfs
# never shows more requests in flight than the queue's 256.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
LG_LINUX_APPEND="$LG_LINUX_APPEND memmap=1M\$0xf000000"

step "hostile rings against virtio-rng"
run_linux hr hostile-rings --rng
expect_linux_pass hr hostile-rings
echo "linux-hostile-rings: $(linux_text hr "@@GUEST hostile-rings PASS")"

step "the host log names every offence"
dmesg | grep lguest_dev > /tmp/linux-hostile-rings.klog
sed 's/^/  host: /' /tmp/linux-hostile-rings.klog
for want in \
	"virtio-rng in slot 0 needs a reset: queue 0: size 6 is not a power of two up to 256" \
	"queue 0: size 512 is not a power of two up to 256" \
	"queue 0: size 8, desc 0x10000000, driver 0xf001000, device 0xf002000 misaligned or outside RAM" \
	"queue 0: size 8, desc 0xf000000, driver 0xffffff0, device 0xf002000 misaligned or outside RAM" \
	"queue 0: size 8, desc 0xf000000, driver 0xf001000, device 0xfffffffffffff000 misaligned or outside RAM" \
	"queue 0: chain at head 0 loops (more than 8 descriptors)" \
	"queue 0: bad indirect descriptor 0 (addr 0xf005000 len 16 flags 0x4, nested)" \
	"queue 0: bad indirect descriptor 0 (addr 0xf004000 len 24 flags 0x4)" \
	"queue 0: buffer 0xfffffffffffff000 + 8192 (descriptor 0) outside RAM" \
	"queue 0: available idx 60000 is more than 8 past 0"; do
	grep -q -F "$want" /tmp/linux-hostile-rings.klog || fail "no host log line with '$want'"
done

step "a head republished while in flight (virtio-blk)"
img=/tmp/linux-hostile-inflight.img
dd if=/dev/zero of="$img" bs=1M count=1 2>/dev/null
lg_debugfs
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
slab0=$(slab_kb)
(
	peak=$slab0 inflight=0
	while [ ! -e /tmp/linux-hostile-inflight.stop ]; do
		s=$(slab_kb)
		[ "$s" -gt "$peak" ] && peak=$s
		i=$(cat /sys/kernel/debug/lguest/*/devices 2>/dev/null |
			sed -n 's/.* in_flight [0-9]* max \([0-9]*\).*/\1/p' | sort -n | tail -1)
		[ -n "$i" ] && [ "$i" -gt "$inflight" ] && inflight=$i
		echo "$peak $inflight" > /tmp/linux-hostile-inflight.peak
		sleep 0.2
	done
) &
sampler=$!
rm -f /tmp/linux-hostile-inflight.stop
run_linux hi hostile-inflight --disk "$img"
touch /tmp/linux-hostile-inflight.stop
wait $sampler
read -r peak inflight < /tmp/linux-hostile-inflight.peak
grow=$((peak - slab0))
echo "linux-hostile-rings: slab $slab0 kB before, peak $peak kB (+$grow kB) while the guest republished; debugfs in flight at most $inflight"
expect_linux_pass hi hostile-inflight
echo "linux-hostile-rings: $(linux_text hi "@@GUEST hostile-inflight PASS")"
dmesg | grep -F "virtio-blk in slot 0 needs a reset: queue 0: head 0 published again while in flight" |
	head -1 | sed 's/^/  host: /' | grep . || fail "no host log line for the republished head"
[ "$grow" -le 8192 ] || fail "the host's slab grew by $grow kB while the guest republished one head"
[ "$inflight" -le 256 ] || fail "debugfs saw $inflight requests in flight on a queue of 256"
rm -f "$img"

rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-hostile-rings: ok"
