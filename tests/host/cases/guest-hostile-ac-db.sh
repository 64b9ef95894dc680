# SPDX-License-Identifier: GPL-2.0
# guest-hostile-ac-db: #AC and #DB are intercepted by the host (the
# benign-exception hangs CVE-2015-5307 and CVE-2015-8104) and still reach
# the guest intact (tests/guests/hostile-ac-db.S: an #AC storm at CPL 3, a
# TF single-step loop through mov ss and pushf).  TCG never hangs in the
# microcode loop, so the intercepts themselves are checked: the module's
# debugfs exception_exits must count vectors 1 and 17.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
lg_debugfs
step "hostile-ac-db.bin"
expect_guest_pass lguest hostile-ac-db --mem 16M
f=/sys/kernel/debug/lguest/exception_exits
[ -r $f ] || fail "no $f"
sed 's/^/  /' $f
grep -q "^vector 1 [1-9]" $f || fail "no #DB (vector 1) was intercepted"
# TCG does no alignment checking: the #AC intercept is then untestable.
if ! grep -q "^hostile-ac-db: no #AC at all" "$guest_out"; then
	grep -q "^vector 17 [1-9]" $f || fail "no #AC (vector 17) was intercepted"
fi
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-ac-db: ok"
