#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mm-stress.sh - guest test: the MMU under load, for shadow paging above
# all: lgstress=N (default 2000) fork+exec+exit of busybox commands whose
# output is checked; mmap/mprotect/munmap/fork churn with every word
# checked (lgio mmchurn); a 100 MiB file written and read back through the
# page cache (lgio filecheck); /proc/meminfo sane before and after.
. /lib/lgtest.sh
name=mm-stress
n=2000
for arg in $(cat /proc/cmdline); do
	case "$arg" in lgstress=*) n=${arg#lgstress=} ;; esac
done

# meminfo_kb FIELD: a /proc/meminfo field in kB.
meminfo_kb() {
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

# meminfo_sane WHEN: totals within RAM, free and available not above it.
meminfo_sane() {
	total=$(meminfo_kb MemTotal) free=$(meminfo_kb MemFree) avail=$(meminfo_kb MemAvailable)
	echo "$name: $1: MemTotal $total kB MemFree $free kB MemAvailable $avail kB"
	[ -n "$total" ] && [ "$total" -gt 65536 ] || fail "$1: MemTotal '$total' kB"
	[ -n "$free" ] && [ "$free" -gt 0 ] && [ "$free" -le "$total" ] ||
		fail "$1: MemFree '$free' kB of $total"
	[ -n "$avail" ] && [ "$avail" -le "$total" ] || fail "$1: MemAvailable '$avail' kB of $total"
}

meminfo_sane "at start"
t0=$(cut -d' ' -f1 /proc/uptime)
i=0
while [ $i -lt "$n" ]; do
	# A subshell (fork) that execs busybox by path: a real exec and exit.
	v=$(exec /bin/busybox expr $i \* 3 + 1) || fail "exec $i: expr failed"
	[ "$v" = $((i * 3 + 1)) ] || fail "exec $i: expr said '$v', want $((i * 3 + 1))"
	i=$((i + 1))
done
t1=$(cut -d' ' -f1 /proc/uptime)
echo "$name: $n fork+exec+exit in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

out=$(lgio mmchurn 300 2>&1) || fail "mmchurn: $out"
echo "$name: $out"

out=$(lgio filecheck /tmp/mm-stress.big 100 2>&1) || fail "filecheck: $out"
echo "$name: $out"
meminfo_sane "with the 100 MiB file"
cached=$(meminfo_kb Shmem)
rm -f /tmp/mm-stress.big
meminfo_sane "after deleting it"
after=$(meminfo_kb Shmem)
echo "$name: Shmem $cached kB with the file, $after kB after"
pass "$n fork+exec+exit, mmchurn 300 rounds, 100 MiB file, meminfo sane"
