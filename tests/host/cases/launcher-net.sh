# SPDX-License-Identifier: GPL-2.0
# launcher-net: who may make a guest network interface, where, and under
# which names (issue 14, finding 10), with no guest booted
# (tests/tools/net_probe creates a guest and adds the device).  The
# interface goes into the launcher's network namespace and is seen there
# only, and cannot be moved out; the launcher needs CAP_NET_ADMIN over that
# namespace (nobody gets EPERM, and the launcher says so in one line; nobody
# in a user namespace of its own gets one there); a name in use is EEXIST,
# not taken over; invalid names are EINVAL.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
P=$LG_TOP/tests/tools/net_probe
nobody="setpriv --reuid nobody --regid nogroup --clear-groups"

step "an interface in a new network namespace is seen there only"
unshare -n "$P" add lgtest0 ok '
	ip -o link show lgtest0 && ! nsenter -t 1 -n ip link show lgtest0 2>/dev/null &&
	! ip link set lgtest0 netns 1 2>/dev/null && ip -o link show lgtest0 >/dev/null' ||
	fail "lgtest0 in a new network namespace"
! ip link show lgtest0 2>/dev/null || fail "lgtest0 is in the host's namespace"

step "a name in use is EEXIST"
"$P" add lo EEXIST || fail "lo"
"$P" add lgtest0 ok "'$P' add lgtest0 EEXIST && ip link show lgtest0 >/dev/null" ||
	fail "lgtest0 twice"

step "invalid names are EINVAL"
for n in "a/b" "" "0123456789abcdef" "0123456789abcdefghij" "." ".." "a b" "a:b" "lg%d"; do
	"$P" add "$n" EINVAL || fail "name '$n'"
done

step "without CAP_NET_ADMIN: EPERM"
mode=$(stat -c %a /dev/lguest)
chmod 666 /dev/lguest
NP=$(as_nobody_copy "$P") NL=$(as_nobody_copy "$LG_LAUNCHER")
NK=$(as_nobody_copy "$LG_LINUX_KERNEL")
$nobody "$NP" add lgtest1 EPERM; r1=$?
$nobody timeout -k 2 20 "$NL" --kernel "$NK" --mem 128M --net lgtest1 \
	</dev/null >/tmp/launcher-net.out 2>/tmp/launcher-net.err; rc=$?
if $nobody unshare -r -n true 2>/dev/null; then
	$nobody unshare -r -n "$NP" add lgtest2 ok "ip -o link show lgtest2"; r2=$?
else
	echo "  (no user namespace for nobody here (the test host runs the tests in a chroot, where unshare -r is refused): skipped)"
	r2=0
fi
chmod "$mode" /dev/lguest
[ $r1 = 0 ] || fail "nobody did not get EPERM"
echo "  launcher as nobody: exit status $rc: $(cat /tmp/launcher-net.err)"
[ "$rc" = 1 ] || fail "launcher as nobody: exit status $rc, want 1"
[ "$(wc -l < /tmp/launcher-net.err)" = 1 ] || fail "launcher as nobody: not one line on stderr"
grep -q "^lguest: cannot add .*lgtest1.*Operation not permitted: .*CAP_NET_ADMIN" /tmp/launcher-net.err ||
	fail "launcher as nobody: no clear error line"
[ $r2 = 0 ] || fail "nobody in its own user and network namespace"
! ip link show lgtest1 2>/dev/null || fail "lgtest1 exists"

rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "launcher-net: ok"
