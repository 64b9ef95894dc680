# SPDX-License-Identifier: GPL-2.0
# guest-hostile-spin: a guest that spins forever with interrupts off
# (tests/guests/hostile-spin.S) does not hold the launcher hostage: 2 s in,
# SIGINT ends the launcher within 1 s, and the module unloads after.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-spin.bin, then SIGINT"
expect_stops_on_sigint lguest
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-spin: ok"
