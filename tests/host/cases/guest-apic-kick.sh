# SPDX-License-Identifier: GPL-2.0
# guest-apic-kick: an interrupt for a vCPU in guest mode on another CPU
# kicks it out at once (tests/guests/apic-kick.S).  The launcher starts on
# CPU 0, where the guest arms a 1 ms periodic APIC timer (its hrtimer stays
# there); once the guest says "armed" it is moved to CPU 1, where it spins
# with no exits for 500 ms: without the kick only the host's 4 ms
# scheduler tick would let the ticks in (<= 125); at least 250 must come.
. "$LG_TOP/tests/host/lib.sh"

[ "$(lg_ncpus)" -ge 2 ] || fail "needs two CPUs"
load_lguest
step "apic-kick.bin, started on CPU 0"
guest_out=/tmp/apic-kick.out guest_err=/tmp/apic-kick.err
taskset -c 0 "$LG_LAUNCHER" --raw "$LG_GUESTS/apic-kick.bin" --mem 64M \
	>"$guest_out" 2>"$guest_err" &
pid=$!
i=0
until grep -q "^apic-kick: armed" "$guest_out"; do
	i=$((i + 1))
	[ $i -lt 200 ] && kill -0 $pid 2>/dev/null || { cat "$guest_out" "$guest_err"; fail "no 'armed' line"; }
	sleep 0.05
done
step "moving it to CPU 1"
taskset -pc 1 $pid || fail "cannot move the launcher to CPU 1"
wait $pid
guest_rc=$?
echo "lguest apic-kick: exit status $guest_rc"
sed 's/^/  out: /' "$guest_out"
sed 's/^/  err: /' "$guest_err"
guest_passed lguest apic-kick
rmmod lguest || fail "rmmod lguest failed"
echo "guest-apic-kick: ok"
