# SPDX-License-Identifier: GPL-2.0
# fd-stall (issue 14, finding 6): a virtio console whose input FIFO had
# O_NONBLOCK at hand-over and lost it (fcntl) afterwards: the module's
# reader must not sleep on it, so a launcher killed while its guest waits
# for input exits at once (its release is never stuck behind a worker).
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
lg_debugfs
# A FIFO whose writer (fd 3, ours) outlives the launcher: no end of file.
rm -f /tmp/fd-stall.fifo
mkfifo /tmp/fd-stall.fifo || fail "mkfifo"
exec 3<>/tmp/fd-stall.fifo
"$LG_TOP/tests/tools/fd_probe" console-stall "$LG_GUESTS/mmio-script.bin" /tmp/fd-stall.fifo \
	> /tmp/fd-stall.out 2>&1 &
pid=$!
wait_for 30 grep -q "^mmio-script: start" /tmp/fd-stall.out ||
	{ cat /tmp/fd-stall.out; fail "the guest never started"; }
sleep 2
cat /tmp/fd-stall.out
kill -0 $pid 2>/dev/null || fail "fd_probe stopped before it was killed"
cat /sys/kernel/debug/lguest/$pid/devices
grep -q "console: input open, .* running 1" /sys/kernel/debug/lguest/$pid/devices ||
	fail "the console's receive queue is not running: the reader never ran"
step "kill the launcher while the console's reader waits for input"
kill -9 $pid
wait_for 10 sh -c "! kill -0 $pid 2>/dev/null" ||
	fail "the killed launcher was still there 10 s later: $(cat /proc/$pid/stack 2>/dev/null | head -n 3 | tr '\n' ' ')"
wait $pid
exec 3>&-
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "fd-stall: the killed launcher exited at once"
