#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smpbench.sh - guest test for "make bench": work spread over every CPU,
# timed by the guest's clock.  "cpu-bound": one busy process per CPU (an
# awk loop of lgloops=N iterations, default 300000), all at once, until the
# last is done.  "fork-storm": one shell per CPU, each lgforks=M (default
# 100) fork+exec+exit of busybox, all at once; the mean per fork+exec.
. /lib/lgtest.sh
name=smpbench
loops=300000
forks=100
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	lgloops=*) loops=${arg#lgloops=} ;;
	lgforks=*) forks=${arg#lgforks=} ;;
	esac
done
n=$(nproc)

now() {
	cut -d' ' -f1 /proc/uptime
}

t0=$(now)
cpu=0
while [ $cpu -lt "$n" ]; do
	taskset -c $cpu awk -v n="$loops" 'BEGIN { for (i = 0; i < n; i++) s += i * i; exit s < 0 }' &
	cpu=$((cpu + 1))
done
wait || fail "a busy process failed"
t1=$(now)

storm() {
	i=0
	while [ $i -lt "$forks" ]; do
		v=$(exec /bin/busybox echo $i) || exit 1
		[ "$v" = "$i" ] || exit 1
		i=$((i + 1))
	done
}
cpu=0
while [ $cpu -lt "$n" ]; do
	storm &
	cpu=$((cpu + 1))
done
wait || fail "a fork storm failed"
t2=$(now)
pass "$n CPUs: cpu-bound $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, fork-storm $(awk -v a="$t1" -v b="$t2" -v m=$((n * forks)) 'BEGIN { printf "%.3f", (b - a) * 1000 / m }') ms each"
