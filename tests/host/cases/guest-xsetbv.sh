# SPDX-License-Identifier: GPL-2.0
# guest-xsetbv: XSETBV takes exactly the XCR0 values the architecture
# allows among the components CPUID leaf 0xD reports, and those are backed
# by the features the guest sees (tests/guests/xsetbv.S tries every
# combination, with every unreported bit, and ECX != 0; without XSAVE,
# the #UD).  A value the CPU refused would #GP in the host with GIF clear.
# The test host's CPU has no XSAVE (run.sh: TCG does not intercept XSETBV),
# so there only the #UD is checked; the rules themselves are unit-tested
# (tests/unit/test_xcr0.c) for hosts with AVX-512, MPX, AMX and CET.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "xsetbv.bin"
expect_guest_pass lguest xsetbv --mem 16M
grep -q "^xsetbv: tried [0-9]* accepted [1-9][0-9]* #GP [1-9][0-9]* mismatches 0 not intercepted [0-9]*$" "$guest_out" ||
	grep -q "^xsetbv: no XSAVE offered: only the #UD checked$" "$guest_out" ||
	fail "neither a summary line with successes and #GPs nor the no-XSAVE line"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-xsetbv: ok"
