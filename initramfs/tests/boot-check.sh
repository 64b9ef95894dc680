#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# boot-check.sh - guest test: the stock kernel came up cleanly on lguest's
# platform: its log has no BUG, WARNING, Call Trace or panic; the clocksource
# is kvm-clock, or the TSC where lguest offers it as invariant (kvm-clock
# still registered); the local APIC timer runs in TSC-deadline mode.
name=boot-check
why=
# Late boot work (TSC refinement, clocksource switches) settles first.
sleep 2

# The command line ("panic=-1") and the pvpanic driver's name are no panic.
bad=$(dmesg | grep -v -i 'command line:' |
	grep -E 'BUG|WARNING|Call Trace|(^|[^v])panic')
if [ -n "$bad" ]; then
	echo "$bad" | head -n 20 | sed "s/^/$name: dmesg: /"
	why="dmesg shows: $(echo "$bad" | head -n 1)"
fi

cs=/sys/devices/system/clocksource/clocksource0
clock=$(cat "$cs/current_clocksource" 2>/dev/null)
echo "$name: clocksource '$clock' (available: $(cat "$cs/available_clocksource" 2>/dev/null))"
dmesg | grep -E 'clocksource: Switched|kvm-clock' | head -n 5 | sed "s/^/$name: dmesg: /"
# With the invariant TSC offered (a host whose TSC is stable) Linux prefers
# the TSC and keeps kvm-clock in reserve; without it, kvm-clock.
if grep -qw constant_tsc /proc/cpuinfo; then
	[ "$clock" = tsc ] && grep -qw kvm-clock "$cs/available_clocksource" ||
		why="${why:+$why; }clocksource is '$clock' with an invariant TSC, not tsc (kvm-clock available)"
else
	[ "$clock" = kvm-clock ] ||
		why="${why:+$why; }clocksource is '$clock', not kvm-clock"
fi

if [ -r /proc/timer_list ]; then
	ced=$(sed -n 's/^Clock Event Device: //p' /proc/timer_list | tr '\n' ' ')
	echo "$name: clock event devices: $ced"
	grep -q '^Clock Event Device: lapic-deadline' /proc/timer_list ||
		why="${why:+$why; }no CPU's clock event device is lapic-deadline"
else
	dmesg | grep 'TSC deadline' | sed "s/^/$name: dmesg: /"
	dmesg | grep -q 'TSC deadline timer' ||
		why="${why:+$why; }no /proc/timer_list, and dmesg names no TSC deadline timer"
fi

if [ -z "$why" ]; then
	echo "@@GUEST $name PASS clocksource $clock, lapic-deadline timer"
else
	echo "@@GUEST $name FAIL $why"
fi
