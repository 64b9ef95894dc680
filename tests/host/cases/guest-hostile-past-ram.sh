# SPDX-License-Identifier: GPL-2.0
# guest-hostile-past-ram: a guest maps the guest-physical page past its RAM
# (64M + 4K) and writes there (tests/guests/hostile-past-ram.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-past-ram.bin"
expect_guest_killed lguest hostile-past-ram --mem 64M
grep -q "^hostile-past-ram: writing to guest-physical 0x4001000" "$guest_out" || fail "the guest did not get to its hostile act"
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-past-ram: ok"
