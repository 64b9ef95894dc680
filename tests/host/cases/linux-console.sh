# SPDX-License-Identifier: GPL-2.0
# linux-console: the virtio console (hvc0), served in the kernel.  The
# guest's shell runs on hvc0; the launcher's stdin is a FIFO we write to.
# Commands typed there run in the guest and their output reaches stdout;
# Ctrl-C (0x03) reaches the guest's foreground program; Ctrl-A Ctrl-A gives
# the guest one Ctrl-A (and an x after it does not quit); Ctrl-A x, split
# over two writes, ends the launcher with status 0 while the guest runs.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev

has_line() { linux_has con "$1"; }
con_fail() {
	kill $job 2>/dev/null
	wait $job
	linux_show con
	fail "$*"
}

rm -f /tmp/con.in
mkfifo /tmp/con.in || fail "mkfifo"
exec 3<>/tmp/con.in
step "a shell on hvc0 runs a command typed on stdin"
lg_stdin=/tmp/con.in LG_LINUX_TIMEOUT=120 lg_run_stamped con "$LG_LAUNCHER" \
	--kernel "$LG_GUEST_KERNEL" --initrd "$LG_LINUX_INITRD" --mem 256M \
	--append "$LG_LINUX_APPEND" &
job=$!
wait_for 60 has_line "busybox guest: shell on hvc0" || con_fail "no shell on hvc0"
printf 'echo @@CON $((6 * 7))\n' >&3
wait_for 20 has_line "@@CON 42" || con_fail "the command's output did not appear"

step "Ctrl-C reaches the guest's foreground program"
printf 'sleep 30; echo @@SLEPT\n' >&3
sleep 2
t0=$(date +%s)
printf '\003' >&3
sleep 0.5
printf 'echo @@AFTER\n' >&3
wait_for 25 has_line "@@AFTER" || con_fail "the shell did not come back"
t1=$(date +%s)
[ $((t1 - t0)) -lt 15 ] || con_fail "sleep 30 was not interrupted (the shell came back after $((t1 - t0)) s)"

step "Ctrl-A Ctrl-A sends one Ctrl-A"
printf 'read -r v; echo "@@BYTES $(printf %%s "$v" | od -An -tx1 | tr -d " ")"\n' >&3
sleep 1
printf '\001\001x\n' >&3
wait_for 20 has_line "@@BYTES" || con_fail "no answer to the Ctrl-A line"
bytes=$(linux_text con "@@BYTES")
[ "$bytes" = "@@BYTES 0178" ] || con_fail "the guest read '${bytes#@@BYTES }', want 0178 (one Ctrl-A, then x)"

step "Ctrl-A x quits, even split over two writes"
printf '\001' >&3
sleep 0.5
t0=$(date +%s)
printf 'x' >&3
wait_for 10 has_line "@@EXIT " || con_fail "the launcher did not quit on Ctrl-A x"
wait $job
exec 3>&-
linux_show con
expect_linux_rc con 0
grep -q "Power down" /tmp/con.out && fail "the guest powered off: Ctrl-A x should have stopped it"
echo "linux-console: command, Ctrl-C, Ctrl-A Ctrl-A and Ctrl-A x all work"
rm -f /tmp/con.in
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-console: ok"
