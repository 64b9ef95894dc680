# SPDX-License-Identifier: GPL-2.0
# guest-hostile-ac-db: #AC and #DB are intercepted by the host (the
# benign-exception hangs CVE-2015-5307 and CVE-2015-8104) and still reach
# the guest intact (tests/guests/hostile-ac-db.S: an #AC storm at CPL 3, a
# TF single-step loop through mov ss and pushf).  TCG never hangs in the
# microcode loop, so the intercepts themselves are checked: the module's
# debugfs exception_exits must count vectors 1 and 17; and #DB, #AC and
# #MC must be in a running guest's exception intercepts.
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

# #MC belongs to the host (run.c, waypoint 532): a machine check in guest
# mode must exit to the host's handler, never reach the guest's IDT.  TCG
# cannot raise one in guest mode, so the intercept is checked as the VMCB
# holds it, in a running guest's debugfs info, with #DB and #AC.
step "exception intercepts of a running guest"
"$LG_LAUNCHER" --raw "$LG_GUESTS/hostile-spin.bin" --mem 16M >/tmp/spin.out 2>&1 &
pid=$!
wait_for 20 grep -q "^hostile-spin: spinning" /tmp/spin.out ||
	{ kill -9 $pid; fail "the spinning guest did not start"; }
line=$(grep "^exception_intercepts " /sys/kernel/debug/lguest/$pid/info)
{ kill -9 $pid; wait $pid; } 2>/dev/null
echo "  $line"
# The list is the kernel's %pbl: "1,14,17-18".
vectors=$(echo "${line#exception_intercepts }" | awk -F, '{
	for (i = 1; i <= NF; i++)
		if (split($i, r, "-") == 2) { for (j = r[1]; j <= r[2]; j++) print j }
		else print r[1] }')
for v in 1 17 18; do
	echo "$vectors" | grep -q -x "$v" || fail "vector $v is not intercepted: $line"
done
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-ac-db: ok"
