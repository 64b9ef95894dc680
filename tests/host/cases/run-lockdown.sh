# SPDX-License-Identifier: GPL-2.0
# run-lockdown: "lguest run" needs no root: a user in group lguest (as
# udev/60-lguest.rules sets it up) runs a command; one outside it gets one
# clear line.  Once set up, the launcher has no capabilities, no new
# privileges and a seccomp filter, and a forbidden system call kills it.
# liblguest's example program runs a command and a raw function call.
. "$LG_TOP/tests/host/lib.sh"

L=$LG_LAUNCHER
load_lguest dev

step "a running launcher: no capabilities, seccomp filter"
"$L" run -- sleep 30 </dev/null >/dev/null 2>&1 &
job=$!
i=0
while [ $i -lt 100 ]; do
	grep -q '^Seccomp:[[:space:]]*2' /proc/$job/status 2>/dev/null && break
	sleep 0.1
	i=$((i + 1))
done
grep -E '^(Cap(Inh|Prm|Eff|Amb)|NoNewPrivs|Seccomp):' /proc/$job/status | tee /tmp/rl.status
grep -q '^Seccomp:[[:space:]]*2$' /tmp/rl.status || fail "no seccomp filter in the running launcher"
grep -q '^NoNewPrivs:[[:space:]]*1$' /tmp/rl.status || fail "NoNewPrivs not set"
for c in CapInh CapPrm CapEff CapAmb; do
	grep -q "^$c:[[:space:]]*0000000000000000$" /tmp/rl.status || fail "$c is not empty"
done
kill $job
wait $job

step "a forbidden system call after setup kills the launcher (SIGSYS)"
LGUEST_LOCKDOWN_SELFTEST=1 timeout 120 "$L" run -- true </dev/null >/dev/null 2>&1
rc=$?
[ $rc = 159 ] || fail "with the self-test, status $rc, want 159 (128 + SIGSYS)"
timeout 120 "$L" run -- true </dev/null || fail "without the self-test, the run failed"

step "a user in group lguest, as the udev rule sets up"
group=$(sed -n 's/.*GROUP="\([^"]*\)".*/\1/p' "$LG_TOP/udev/60-lguest.rules")
mode=$(sed -n 's/.*MODE="\([^"]*\)".*/\1/p' "$LG_TOP/udev/60-lguest.rules")
[ "$group" = lguest ] && [ -n "$mode" ] || fail "udev/60-lguest.rules names no group lguest and mode"
[ "$(stat -c %a /dev/lguest)" = "${mode#0}" ] ||
	fail "/dev/lguest has mode $(stat -c %a /dev/lguest), the rule says $mode"
gid=4242
chgrp $gid /dev/lguest || fail "chgrp /dev/lguest"
dir=/tmp/lgnobody/data
mkdir -p "$dir/run"
cp "$LG_TOP/build/vmlinux" "$dir/vmlinux"
cp "$LG_TOP/build/run/initramfs.cpio" "$dir/run/initramfs.cpio"
chmod -R a+rX /tmp/lgnobody
ul=$(as_nobody_copy "$L")
got=$(LGUEST_DATADIR=$dir setpriv --reuid=nobody --regid=nogroup --groups=$gid \
	timeout 120 "$ul" run -- sh -c 'echo uid $(id -u) in the guest; exit 5' </dev/null)
rc=$?
echo "as nobody in group $gid: status $rc, '$got'"
[ $rc = 5 ] && [ "$got" = "uid 0 in the guest" ] || fail "nobody in group lguest could not run a command"
LGUEST_DATADIR=$dir setpriv --reuid=nobody --regid=nogroup --clear-groups \
	timeout 60 "$ul" run -- true </dev/null 2>/tmp/rl.err
rc=$?
echo "as nobody outside it: status $rc, '$(cat /tmp/rl.err)'"
[ $rc = 125 ] && grep -q "^lguest: cannot open /dev/lguest: Permission denied" /tmp/rl.err ||
	fail "outside group lguest: status $rc, '$(cat /tmp/rl.err)'"
chgrp 0 /dev/lguest

step "liblguest's example: a command, and a raw function call"
ex=$LG_TOP/tools/lguest/example/lgexample
got=$(timeout 120 "$ex" sh -c 'echo "$GREETING"; exit 3' </dev/null)
rc=$?
[ $rc = 3 ] && [ "$got" = "hello from liblguest" ] || fail "lgexample: status $rc, '$got'"
got=$(timeout 60 "$ex" --raw)
[ "$got" = "raw guest returned 1048618" ] || fail "lgexample --raw said '$got'"
echo "run-lockdown: unprivileged, locked down, and the library works"
