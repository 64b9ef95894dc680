# SPDX-License-Identifier: GPL-2.0
# guest-hypercall: LGUEST_HC_NOP returns 0 every time (10000 round trips)
# and changes no register but RAX; CPUID exits complete (1000).  Prints the
# round-trip costs in TSC cycles.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hypercall-short.bin"
expect_guest_pass lguest hypercall-short --mem 64M
grep -qx "hypercall: nop returned 0x0" "$guest_out" || fail "the first NOP did not return 0"
grep -qE "^hypercall: count 10000 returned-0 10000 cycles [0-9]+$" "$guest_out" ||
	fail "not every one of 10000 NOPs returned 0"
grep -qE "^cpuid: count 1000 cycles [0-9]+$" "$guest_out" || fail "no CPUID count line"
grep -E "^@@RT (hypercall|cpuid) [0-9]+$" "$guest_out" | sed 's/^@@RT /round trip, TSC cycles: /'
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hypercall: ok"
