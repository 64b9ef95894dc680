# SPDX-License-Identifier: GPL-2.0
# guest-hostile-vmrun: a guest executes the SVM instruction VMRUN
# (tests/guests/hostile-vmrun.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-vmrun.bin"
expect_guest_killed lguest hostile-vmrun --mem 64M
grep -q "^hostile-vmrun: executing vmrun" "$guest_out" || fail "the guest did not get to its hostile act"
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-vmrun: ok"
