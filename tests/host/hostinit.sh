#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hostinit.sh - the test host's runner, started by tests/host/init inside the
# read-only 9p view of the build machine.  Runs each case named by lgcases=
# (tests/host/cases/NAME.sh; guest-NAME: the rows NAME of
# tests/guests/cases.tsv; kut-NAME: kvm-unit-tests entry NAME, kut.sh)
# under a timeout, then reads (and clears) the kernel log and fails the
# case if it shows a BUG, Oops, WARNING, general protection fault or Call
# Trace.  lgcasesfile=FILE: the cases are FILE's words instead (a list too
# long for the command line: make check-vmx).  A case spelled NAME:npt or
# NAME:shadow is NAME with that paging= default (as --paging gives a whole
# suite), reported under the whole spelling: one boot runs both modes.
# Results go to the serial console as "@@RESULT <case> PASS|FAIL <why>".

LG_TOP=$(cd "$(dirname "$0")/../.." && pwd)
export LG_TOP
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
. "$LG_TOP/tests/host/lib.sh"

cases= per_test=120 mode=test kmemleak= debug=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	lgdebug=1) kmemleak=/sys/kernel/debug/kmemleak debug=1 ;;
	lgcases=*) cases=$(echo "${arg#lgcases=}" | tr , ' ') ;;
	lgcasesfile=*) cases=$(cat "${arg#lgcasesfile=}") ;;
	lgtimeout=*) per_test=${arg#lgtimeout=} ;;
	lgmode=*) mode=${arg#lgmode=} ;;
	lgpaging=*) LG_PAGING=${arg#lgpaging=}; export LG_PAGING ;;
	esac
done

# A built-in lguest's parameters as the kernel booted with them.
builtin_params=
if [ -n "$LG_BUILTIN" ]; then
	for p in /sys/module/lguest/parameters/*; do
		builtin_params="$builtin_params ${p##*/}=$(cat "$p")"
	done
fi

# klog_check FILE: succeed if FILE has none of the patterns that mean the
# host kernel was hurt ($LG_KLOG_BAD, spelled for "case": no process).
klog_check() {
	while IFS= read -r _l; do
		case $_l in
		*BUG:*|*Oops*|*WARNING:*|*"general protection"*|*"Call Trace"*) return 1 ;;
		esac
	done < "$1"
	return 0
}

# The loop below runs around every case: a process costs ~0.1 s in the
# TCG test host, so it starts none but the case, timeout and dmesg.
# pids: set $pids to the running processes' numbers, " 1 2 ... ".
pids() {
	pids=
	for _d in /proc/[0-9]*; do
		pids="$pids ${_d#/proc/}"
	done
	pids="$pids "
}

# unload_all: leave no project module behind for the next case.
unload_all() {
	for m in lguest_dev lguest lg_warn; do
		[ -d "/sys/module/$m" ] || continue
		[ -n "$LG_BUILTIN" ] && [ "$m" != lg_warn ] && continue
		rmmod "$m" 2>/dev/null || return 1
	done
}

# kmemleak_check CASE: (the debug test host, lgdebug=1) scan for leaks
# now that the case's processes are gone; print every new report, and fail
# if one involves lguest (its modules in the backtrace, or the launcher as
# the allocating task).  Objects under 5 s old are never reported: wait.
# Two scans: kmemleak reports an object only once its contents held still
# over a whole scan.
kmemleak_check() {
	sleep 5
	echo scan > $kmemleak && echo scan > $kmemleak || {
		echo "kmemleak: scan failed"
		return 0
	}
	cat $kmemleak > "/tmp/kmemleak.$1"
	echo clear > $kmemleak
	[ -s "/tmp/kmemleak.$1" ] || return 0
	echo "--- kmemleak after $1 ($(grep -c '^unreferenced object' "/tmp/kmemleak.$1") objects):"
	head -n 200 "/tmp/kmemleak.$1"
	! awk '/^unreferenced object/ { if (b ~ /lguest|lg_warn/) bad = 1; b = "" }
		{ b = b $0 "\n" }
		END { if (b ~ /lguest|lg_warn/) bad = 1; exit !bad }' "/tmp/kmemleak.$1"
}

if [ -n "$kmemleak" ]; then
	[ -e $kmemleak ] || mount -t debugfs debugfs /sys/kernel/debug
	if [ -e $kmemleak ]; then
		# What the boot leaked (or seemed to) is not ours: forget it.
		echo scan > $kmemleak
		echo clear > $kmemleak
	else
		echo "@@HOSTERROR lgdebug=1 but no $kmemleak"
		kmemleak=
	fi
fi

if [ "$mode" = demo ]; then
	sh "$LG_TOP/tests/host/demo.sh"
	exit 0
fi

dmesg -c > /tmp/klog.boot
if klog_check /tmp/klog.boot; then
	echo "@@RESULT boot-klog PASS"
else
	if [ -n "$debug" ]; then
		klog_reports /tmp/klog.boot
	else
		grep -E "$LG_KLOG_BAD" /tmp/klog.boot | head -20
	fi
	echo "@@RESULT boot-klog FAIL host kernel log dirty after boot"
fi

# The negative controls: cases whose log must show their planted warning.
dirty_ok=" $(grep -l '^# lgtest: expect-dirty-klog' "$LG_TOP"/tests/host/cases/*.sh | tr '\n' ' ') "

suite_paging=${LG_PAGING-}
for c in $cases; do
	name=${c%:*}
	case $c in
	*:npt|*:shadow) LG_PAGING=${c##*:}; export LG_PAGING ;;
	*) name=$c; LG_PAGING=$suite_paging ;;
	esac
	file=$LG_TOP/tests/host/cases/$name.sh row=
	# A raw-guest case is rows of tests/guests/cases.tsv: guest-rows.sh.
	case $name in
	guest-*) file=$LG_TOP/tests/host/guest-rows.sh row=${name#guest-} ;;
	kut-*) file=$LG_TOP/tests/host/kut.sh row=${name#kut-} ;;
	kutkvm-*) file=$LG_TOP/tests/host/kut.sh row=kvm:${name#kutkvm-} ;;
	esac
	echo "@@BEGIN $c"
	# Built in, lguest is not reloaded between cases: put its parameters
	# back as they were at boot, and paging= as the suite's.
	if [ -n "$LG_BUILTIN" ]; then
		for p in $builtin_params; do
			echo "${p#*=}" > "/sys/module/lguest/parameters/${p%%=*}"
		done
		echo "${LG_PAGING:-auto}" > /sys/module/lguest/parameters/paging
	fi
	if [ ! -f "$file" ]; then
		echo "@@RESULT $c FAIL no such case $file"
		continue
	fi
	pids
	before=$pids
	lg_csecs
	t0=$lg_csecs
	timeout -k 3 "$per_test" sh "$file" ${row:+"$row"} 2>&1
	rc=$?
	lg_csecs
	t=$((lg_csecs - t0))
	echo "@@TIME $c $((t / 100)).$((t % 100 / 10))"
	# Whatever the case started and left behind goes with it.
	killed=
	pids
	for p in $pids; do
		case $before in *" $p "*) continue ;; esac
		[ "$p" != $$ ] && kill -9 "$p" 2>/dev/null && killed=1
	done
	[ -z "$killed" ] || sleep 0.2
	dmesg -c > "/tmp/klog.$c"
	why=
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		why="timed out after ${per_test}s"
	elif [ $rc != 0 ]; then
		why="exit status $rc"
	fi
	if case $dirty_ok in *" $file "*) true ;; *) false ;; esac; then
		# A negative control: the harness must notice the planted WARN.
		klog_check "/tmp/klog.$c" &&
			why="${why:+$why; }log check missed the planted warning"
	elif ! klog_check "/tmp/klog.$c"; then
		echo "--- host kernel log:"
		if [ -n "$debug" ]; then
			klog_reports "/tmp/klog.$c"
		else
			grep -E -A3 "$LG_KLOG_BAD" "/tmp/klog.$c" | head -40
		fi
		why="${why:+$why; }host kernel log dirty"
	fi
	if [ -n "$kmemleak" ] && ! kmemleak_check "$c"; then
		why="${why:+$why; }kmemleak: unreferenced objects from lguest"
	fi
	unload_all || why="${why:+$why; }a module stayed loaded and busy"
	echo "@@END $c"
	if [ -z "$why" ]; then
		echo "@@RESULT $c PASS"
	else
		echo "@@RESULT $c FAIL $why"
	fi
done
# With every module unloaded, what they left allocated shows now (module
# addresses are no longer resolved): reported, for make check-debug.
if [ -n "$kmemleak" ]; then
	sleep 5
	echo scan > $kmemleak && echo scan > $kmemleak
	echo "@@KMEMLEAK-FINAL $(grep -c '^unreferenced object' $kmemleak) objects"
	head -n 200 $kmemleak
fi
read -r up _ < /proc/uptime
echo "@@UPTIME $up"
echo "@@DONE"
