# SPDX-License-Identifier: GPL-2.0
# guest-apic-hrtimer: the host hrtimer behind the guest's APIC timer
# (tests/guests/apic-hrtimer.S), with the launcher started on CPU 0.
#  - Floor: a periodic TMICT 1 at divide-by-1 runs at 200 us (debugfs
#    "interrupts": period_ns 200000, and at most 5000 fires a second, with
#    20% of slack, over 500 ms; the guest keeps it 3 s, as a shell's
#    commands are slow under TCG), with KVM's rate-limited message.
#  - Kick: the guest arms a 1 ms periodic timer (its hrtimer stays on CPU
#    0), is moved to CPU 1 and spins there with no exits for 500 ms:
#    without a kick only the host's 4 ms scheduler tick would let the ticks
#    in (<= 125); at least 250 must come.
. "$LG_TOP/tests/host/lib.sh"

# wait_line TEXT: wait (10 s at most) for the guest to print "apic-hrtimer: TEXT".
wait_line() {
	i=0
	until grep -q "^apic-hrtimer: $1" "$guest_out"; do
		i=$((i + 1))
		[ $i -lt 200 ] && kill -0 $pid 2>/dev/null ||
			{ cat "$guest_out" "$guest_err"; fail "no '$1' line"; }
		sleep 0.05
	done
}

# timer_state: "PERIOD_NS FIRES" of the guest's APIC timer.
timer_state() {
	sed -n 's/^lapic timer period_ns \([0-9]*\) fires \([0-9]*\)$/\1 \2/p' \
		/sys/kernel/debug/lguest/$pid/interrupts
}

[ "$(lg_ncpus)" -ge 2 ] || fail "needs two CPUs"
lg_debugfs
load_lguest
dmesg -c > /dev/null
step "apic-hrtimer.bin, started on CPU 0"
guest_out=/tmp/apic-hrtimer.out guest_err=/tmp/apic-hrtimer.err
taskset -c 0 "$LG_LAUNCHER" --raw "$LG_GUESTS/apic-hrtimer.bin" --mem 64M \
	>"$guest_out" 2>"$guest_err" &
pid=$!

wait_line "floor armed"
t0=$(date +%s%N)
s0=$(timer_state)
sleep 0.5
t1=$(date +%s%N)
s1=$(timer_state)
echo "timer (period_ns fires): $s0, then $s1 after $(((t1 - t0) / 1000)) us"
set -- $s0 $s1
[ $# = 4 ] || fail "cannot read the timer's state from debugfs"
[ "$1" = 200000 ] || fail "TMICT 1 at divide-by-1: period $1 ns, want the 200000 ns floor"
[ "$3" = 200000 ] || fail "the guest's floor phase ended before the second reading (period $3 ns)"
max=$(((t1 - t0) / 200000 * 12 / 10 + 2))
[ $(($4 - $2)) -le $max ] || fail "$(($4 - $2)) fires in $(((t1 - t0) / 1000)) us, want <= $max"

wait_line "armed"
step "moving it to CPU 1"
taskset -pc 1 $pid || fail "cannot move the launcher to CPU 1"
wait $pid
guest_rc=$?
echo "lguest apic-hrtimer: exit status $guest_rc"
sed 's/^/  out: /' "$guest_out"
sed 's/^/  err: /' "$guest_err"
guest_passed lguest apic-hrtimer
dmesg | grep -q "requested 1 ns lapic timer period limited to 200000 ns" ||
	fail "no 'lapic timer period limited' line in the log"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-apic-hrtimer: ok"
