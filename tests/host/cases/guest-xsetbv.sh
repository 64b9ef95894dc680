# SPDX-License-Identifier: GPL-2.0
# guest-xsetbv: XSETBV takes exactly the XCR0 values the architecture
# allows among the components CPUID leaf 0xD reports, and those are backed
# by the features the guest sees (tests/guests/xsetbv.S tries every
# combination, with every unreported bit, and ECX != 0).  A value the CPU
# refused would #GP in the host with GIF clear.  The test host's CPU has
# XSAVE, AVX and PKU (run.sh), so x87/SSE/AVX are real components and PKRU
# is one the host has but we do not offer.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "xsetbv.bin"
expect_guest_pass lguest xsetbv --mem 16M
grep -q "^xsetbv: tried [0-9]* accepted [1-9][0-9]* #GP [1-9][0-9]* mismatches 0$" "$guest_out" ||
	fail "no summary line with both successes and #GPs"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-xsetbv: ok"
