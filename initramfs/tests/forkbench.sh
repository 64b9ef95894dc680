#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# forkbench.sh - guest test for "make bench": lgforks=N (default 300)
# fork+exec+exit of busybox (a subshell that execs /bin/busybox true),
# timed by the guest's clock; prints the mean in ms.
. /lib/lgtest.sh
name=forkbench
n=300
for arg in $(cat /proc/cmdline); do
	case "$arg" in lgforks=*) n=${arg#lgforks=} ;; esac
done
t0=$(cut -d' ' -f1 /proc/uptime)
i=0
while [ $i -lt "$n" ]; do
	v=$(exec /bin/busybox echo $i) || fail "exec $i failed"
	[ "$v" = "$i" ] || fail "exec $i said '$v'"
	i=$((i + 1))
done
t1=$(cut -d' ' -f1 /proc/uptime)
pass "$n fork+exec+exit in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, $(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }') ms each"
