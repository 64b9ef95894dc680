# SPDX-License-Identifier: GPL-2.0
# fd-cycle (issue 14, finding 5): every file descriptor kind that could
# hold a reference back to its own guest (the /dev/lguest fd itself, a unix
# socket with it in flight, an io_uring with it registered, an epoll) and
# other unfit kinds are refused wherever a guest takes an fd (console and
# device fds); once the prober exits, no guest is left and both modules
# unload.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
lg_debugfs
step "offer every fd kind"
"$LG_TOP/tests/tools/fd_probe" cycle > /tmp/fd-cycle.out 2>&1
rc=$?
cat /tmp/fd-cycle.out
step "no guest left"
sleep 1
# Each guest is a directory named after its launcher's pid; the module's
# own files (spec, exception_exits) are not guests.
left=$(ls /sys/kernel/debug/lguest 2>/dev/null | grep '^[0-9]*$' | tr '\n' ' ')
echo "debugfs lguest: '$left'"
grep -q '^FAILED' /tmp/fd-cycle.out && fail "$(grep '^FAILED' /tmp/fd-cycle.out | head -n 1)"
[ $rc = 0 ] || fail "fd_probe exit status $rc"
[ -z "$left" ] || fail "guests left after their launcher exited: $left"
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed: a guest is still alive"
echo "fd-cycle: every cycle-capable fd refused, nothing left"
