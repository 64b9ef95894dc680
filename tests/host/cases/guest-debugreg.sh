# SPDX-License-Identifier: GPL-2.0
# guest-debugreg: the debug registers are the guest's (tests/guests/
# debugreg.S: read-back, reserved bits #GP, DR4 #UD with CR4.DE, a data
# and an execution breakpoint each raising one #DB with the right DR6
# bit), and every MOV DR was intercepted (debugfs exception_exits counts
# mov-dr), so the guest's DR0-DR3 reach the hardware only around VMRUN.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
lg_debugfs
step "debugreg.bin"
expect_guest_pass lguest debugreg --mem 16M
f=/sys/kernel/debug/lguest/exception_exits
[ -r $f ] || fail "no $f"
sed 's/^/  /' $f
grep -q "^mov-dr [1-9]" $f || fail "no MOV DR access was intercepted"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-debugreg: ok"
