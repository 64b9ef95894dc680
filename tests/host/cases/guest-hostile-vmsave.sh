# SPDX-License-Identifier: GPL-2.0
# guest-hostile-vmsave: a guest executes the SVM instruction VMSAVE
# (tests/guests/hostile-vmsave.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-vmsave.bin"
expect_guest_killed lguest hostile-vmsave --mem 64M
grep -q "^hostile-vmsave: executing vmsave" "$guest_out" || fail "the guest did not get to its hostile act"
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-vmsave: ok"
