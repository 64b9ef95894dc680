# SPDX-License-Identifier: GPL-2.0
# guest-cpuid: a guest recognises lguest: CPUID leaf 1's hypervisor bit,
# leaves 0x40000100 ("LguestLguest") and 0x40000101 (API version), the
# signature and API MSRs (read-only: a write faults).
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "cpuid.bin"
expect_guest_pass lguest cpuid --mem 64M
grep -qx "cpuid: leaf 0x40000100 signature 'LguestLguest'" "$guest_out" ||
	fail "no LguestLguest signature"
grep -q "^cpuid: leaf 0 max 0x[0-9a-f]* vendor ............$" "$guest_out" ||
	fail "no 12-character vendor string from leaf 0"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-cpuid: ok"
