# SPDX-License-Identifier: GPL-2.0
# guest-hostile-clgi: a guest executes the SVM instruction CLGI
# (tests/guests/hostile-clgi.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-clgi.bin"
expect_guest_killed lguest hostile-clgi --mem 64M
grep -q "^hostile-clgi: executing clgi" "$guest_out" || fail "the guest did not get to its hostile act"
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-clgi: ok"
