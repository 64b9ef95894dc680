#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smp.sh - guest test: the vCPUs the launcher gave (lgcpus=N on the command
# line) are all online and each runs a process pinned to it; threads on
# every CPU survive TLB shootdowns (lgtlb: mremap and mprotect while the
# other CPUs read and write); every CPU but 0 goes offline and comes back
# (INIT and start-up IPIs again), and runs a pinned process after.
. /lib/lgtest.sh
name=smp
want=
for arg in $(cat /proc/cmdline); do
	case "$arg" in lgcpus=*) want=${arg#lgcpus=} ;; esac
done
[ -n "$want" ] || fail "no lgcpus= on the command line"
last=$((want - 1))
span=0-$last
[ "$want" = 1 ] && span=0

# on_cpu CPU: the CPU a process pinned to CPU ran on (/proc/self/stat field 39).
on_cpu() {
	taskset -c "$1" cat /proc/self/stat | awk '{ print $39 }'
}

n=$(nproc)
online=$(cat /sys/devices/system/cpu/online)
echo "$name: nproc $n, online $online, want $want"
[ "$n" = "$want" ] || fail "nproc says $n, want $want"
[ "$online" = "$span" ] || fail "online CPUs '$online', want '$span'"
cpu=0
while [ $cpu -le $last ]; do
	got=$(on_cpu $cpu)
	[ "$got" = "$cpu" ] || fail "a process pinned to CPU $cpu ran on '$got'"
	cpu=$((cpu + 1))
done

out=$(lgtlb 400 2>&1) || fail "lgtlb: $(echo "$out" | grep -m 1 -v '^$')"
echo "$name: $out"

cpu=1
while [ $cpu -le $last ]; do
	f=/sys/devices/system/cpu/cpu$cpu/online
	echo 0 > "$f" || fail "cpu$cpu would not go offline"
	[ "$(cat $f)" = 0 ] || fail "cpu$cpu still online after offlining"
	[ "$(nproc)" = $((want - 1)) ] || fail "nproc $(nproc) with cpu$cpu offline"
	echo 1 > "$f" || fail "cpu$cpu would not come back online"
	[ "$(cat $f)" = 1 ] || fail "cpu$cpu not online after onlining"
	got=$(on_cpu $cpu)
	[ "$got" = "$cpu" ] || fail "after coming back, a process pinned to CPU $cpu ran on '$got'"
	echo "$name: cpu$cpu offline and back online"
	cpu=$((cpu + 1))
done
[ "$(cat /sys/devices/system/cpu/online)" = "$span" ] ||
	fail "online CPUs '$(cat /sys/devices/system/cpu/online)' at the end"
out=$(lgtlb 100 2>&1) || fail "lgtlb after the hotplug: $(echo "$out" | grep -m 1 -v '^$')"
bad='BUG|WARNING|Call Trace|Marking TSC unstable|TSC synchronization|clocksource .* unstable'
dmesg | grep -E "$bad" | head -n 5 | sed "s/^/$name: dmesg: /"
dmesg | grep -qE "$bad" && fail "dmesg: $(dmesg | grep -m 1 -E "$bad")"
pass "$want CPUs online, pinned processes ran on each, TLB shootdowns held, CPUs 1-$last went offline and back"
