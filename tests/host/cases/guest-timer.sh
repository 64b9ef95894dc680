# SPDX-License-Identifier: GPL-2.0
# guest-timer: LGUEST_HC_SET_TIMER: a bad vector is refused, vector 0x40
# is delivered once to "sti; hlt", wake-only timers end HLT with interrupts
# off and take about as long as asked (50 ms > 5 x 5 ms), a disarmed timer
# never fires.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "timer.bin"
expect_guest_pass lguest timer --mem 64M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-timer: ok"
