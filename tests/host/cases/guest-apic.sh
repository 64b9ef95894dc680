# SPDX-License-Identifier: GPL-2.0
# guest-apic: the x2APIC, the IOAPIC and kvmclock's MSR checks as a kernel
# uses them (tests/guests/apic.S): identity and reset state, what raises
# #GP (counted by the guest, which is not killed), self-IPIs with ISR/IRR/
# TPR/PPR and nesting by priority, the one-shot, periodic and TSC-deadline
# timer (timed with kvmclock's TSC scale), the IOAPIC's registers, and
# IOAPIC pin 4 end to end from the UART's THRE interrupt, edge and level.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "apic.bin"
expect_guest_pass lguest apic --mem 64M
# A few lines the host can vouch for beyond the guest's own verdict: the
# #GPs were taken by the guest, the timers were timed.
for want in "apic: #GP: EOI written with 1 0x1" \
	"apic: #GP: kvmclock system time at the end of RAM 0x1" \
	"apic: one-shot interrupts 0x1" "apic: periodic ticks in [5, 20] 0x1" \
	"apic: level: 0x46 taken twice (EOI with the line high, then low) 0x2"; do
	grep -qxF "$want" "$guest_out" || fail "no line '$want'"
done
rmmod lguest || fail "rmmod lguest failed"
echo "guest-apic: ok"
