# SPDX-License-Identifier: GPL-2.0
# guest-hostile-noncanon: a guest jumps to a non-canonical address with an
# empty IDT: a triple fault (tests/guests/hostile-noncanon.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-noncanon.bin"
expect_guest_killed lguest hostile-noncanon --mem 64M
grep -q "^hostile-noncanon: jumping to 0x0000800000000000" "$guest_out" || fail "the guest did not get to its hostile act"
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-noncanon: ok"
