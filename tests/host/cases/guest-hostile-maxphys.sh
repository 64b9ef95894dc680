# SPDX-License-Identifier: GPL-2.0
# guest-hostile-maxphys: a guest maps the top 2 MiB its MAXPHYADDR allows and
# writes there (tests/guests/hostile-maxphys.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-maxphys.bin"
expect_guest_killed lguest hostile-maxphys --mem 64M
grep -q "^hostile-maxphys: writing to guest-physical 0x" "$guest_out" || fail "the guest did not get to its hostile act"
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-maxphys: ok"
