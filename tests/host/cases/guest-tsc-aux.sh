# SPDX-License-Identifier: GPL-2.0
# guest-tsc-aux: RDTSCP and RDPID read the guest's TSC_AUX (0, then the
# 0x1234 it wrote), never the host's CPU number, and RDPMC raises #GP
# (tests/guests/tsc-aux.S).  Run on any CPU, then pinned to CPU 1, whose
# host TSC_AUX is not 0.  The test host's CPU has RDTSCP (run.sh); TCG
# has no RDPID, which is checked where the CPU has it.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "tsc-aux.bin"
expect_guest_pass lguest tsc-aux --mem 16M
grep -q "^tsc-aux: rdtscp 1 rdpid [01]$" "$guest_out" ||
	fail "RDTSCP not offered: $(grep '^tsc-aux: rdtscp' "$guest_out")"

step "tsc-aux.bin on CPU 1"
lg_pin_launcher 1
expect_guest_pass lguest tsc-aux --mem 16M
lg_unpin_launcher
rmmod lguest || fail "rmmod lguest failed"
echo "guest-tsc-aux: ok"
