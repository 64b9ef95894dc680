# SPDX-License-Identifier: GPL-2.0
# guest-hostile-hc-user: hypercalls from the guest's user mode (CPL 3)
# fail with -EPERM and do nothing (tests/guests/hostile-hc-user.S): a
# poweroff with status 0x77 must not stop the guest, the timer must not be
# armed, and the guest passes with status 0.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hostile-hc-user.bin"
expect_guest_pass lguest hostile-hc-user --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-hc-user: ok"
