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
# for BUG/Oops/WARNING by hostinit).
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

rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-hostile-rings: ok"
