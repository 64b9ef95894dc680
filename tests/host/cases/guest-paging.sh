# SPDX-License-Identifier: GPL-2.0
# guest-paging: paging.bin checks the MMU the guest sees (Accessed/Dirty,
# CR0.WP, NX, #PF error codes and CR2, INVLPG, CR3 reload, CR4.PGE, 2 MiB
# pages) with shadow paging, where the module emulates all of it, and with
# nested paging, where the CPU does: both must agree.  The launcher's
# --verbose and the module's paging parameter say which mode is in use.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "paging.bin, --paging shadow"
expect_guest_pass lguest paging --mem 16M --paging shadow
step "paging.bin, --paging npt"
expect_guest_pass lguest paging --mem 16M --paging npt
step "paging.bin, --paging auto (npt on this CPU)"
expect_guest_pass lguest paging --mem 16M --paging auto

step "the choice is visible"
"$LG_LAUNCHER" -v --raw "$LG_GUESTS/hello.bin" --mem 16M --paging shadow \
	>/tmp/hello.out 2>/tmp/hello.err || fail "hello.bin --paging shadow failed: $(cat /tmp/hello.err)"
grep -qx "lguest: paging: shadow" /tmp/hello.err || fail "launcher -v did not say 'paging: shadow': $(cat /tmp/hello.err)"
"$LG_LAUNCHER" -v --raw "$LG_GUESTS/hello.bin" --mem 16M --paging npt \
	>/tmp/hello.out 2>/tmp/hello.err || fail "hello.bin --paging npt failed: $(cat /tmp/hello.err)"
grep -qx "lguest: paging: npt" /tmp/hello.err || fail "launcher -v did not say 'paging: npt'"
echo "paging parameter: $(cat /sys/module/lguest/parameters/paging)"
rmmod lguest || fail "rmmod lguest failed"

step "paging=shadow as the module's default"
insmod "$LG_KO" paging=shadow || fail "insmod lguest.ko paging=shadow failed"
[ "$(cat /sys/module/lguest/parameters/paging)" = shadow ] || fail "paging parameter does not read shadow"
"$LG_LAUNCHER" -v --raw "$LG_GUESTS/hello.bin" --mem 16M \
	>/tmp/hello.out 2>/tmp/hello.err || fail "hello.bin failed: $(cat /tmp/hello.err)"
grep -qx "lguest: paging: shadow" /tmp/hello.err || fail "default paging=shadow not used"
rmmod lguest || fail "rmmod lguest failed"
if insmod "$LG_KO" paging=bogus 2>/dev/null; then
	rmmod lguest
	fail "paging=bogus was accepted"
fi
echo "guest-paging: ok"
