# SPDX-License-Identifier: GPL-2.0
# guest-hostile-high-gpa: a guest maps guest-physical 2^52 - 2 MiB and writes
# there (tests/guests/hostile-high-gpa.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-high-gpa.bin"
expect_guest_killed lguest hostile-high-gpa --mem 64M
grep -q "^hostile-high-gpa: writing to guest-physical 0xfffffffe01000" "$guest_out" || fail "the guest did not get to its hostile act"
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-high-gpa: ok"
