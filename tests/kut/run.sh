#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh - "make kut": every x86-64 entry of kvm-unit-tests' unittests.cfg
# (i386-only entries left out) booted on lguest in the QEMU test host, once
# with nested and once with shadow paging (two test hosts side by side),
# then one "PASS|FAIL|SKIP kut/MODE/NAME: why" line per entry and mode and
# the totals.  Exits non-zero if any verdict is not the one
# tests/kut/expect.tsv expects (a FAIL is expected only with a reason).
# KUT_TESTS="a b": only those entries;
# KUT_MODES="kvm": the same on KVM + QEMU in the test host (make kut-kvm);
# KUT_SCALE=N: N times each entry's cfg timeout (default 3; kut.sh).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
cfg=build/kut/kvm-unit-tests/x86/unittests.cfg
sh scripts/kut-build.sh || exit 2
mkdir -p build/logs

tests=${KUT_TESTS:-$(awk -f tests/kut/cfg.awk "$cfg" |
	awk -F'\t' '$6 != "i386" { print $1 }')}
modes=${KUT_MODES:-npt shadow}
# The longest cfg timeout is 240 s, 720 s as kut.sh scales it; our
# case's limit sits above that.
per=${KUT_TIMEOUT:-760}

# One test host per mode, two at a time: npt and shadow are lguest's paging
# modes, kvm the peer (KVM + QEMU in the test host, the table's KVM column).
for mode in $modes; do
	case $mode in
	npt) opts= prefix=kut- ;;
	shadow) opts="--paging shadow" prefix=kut- ;;
	kvm) opts= prefix=kutkvm- ;;
	*) echo "run.sh: unknown mode $mode" >&2; exit 2 ;;
	esac
	cases=$(for t in $tests; do printf '%s%s ' "$prefix" "$t"; done)
	# shellcheck disable=SC2086 # word lists
	LG_HOST_APPEND="${KUT_SCALE:+lgkutscale=$KUT_SCALE}" \
	LG_HOST_SLOTS=2 LG_TCG_THREAD=single sh tests/host/run.sh --suite "kut-$mode" --smp 4 \
		$opts --timeout "$per" $cases > "build/logs/kut-$mode.out" 2>&1 &
done
wait

# Each entry's verdict from the serial logs; a case that never reported
# one (the test host died, or the case failed before judging) is FAIL.
pass=0 failn=0 skip=0 diff=0
for mode in $modes; do
	log=build/logs/kut-$mode.log
	prefix=kut-
	[ "$mode" != kvm ] || prefix=kutkvm-
	for t in $tests; do
		line=$(grep -a "^@@KUT $t $mode " "$log" | tail -n 1 | tr -d '\r')
		verdict=$(echo "$line" | cut -d' ' -f4)
		why=$(echo "$line" | cut -d' ' -f5-)
		if [ -z "$verdict" ]; then
			verdict=FAIL
			why=$(grep -a "^FAIL kut-$mode/$prefix$t:" "build/logs/kut-$mode.out" |
				head -n 1 | cut -d: -f2-)
			why="no verdict:${why:- see build/logs/kut-$mode.log}"
		fi
		case $verdict in
		PASS) pass=$((pass + 1)) ;;
		SKIP) skip=$((skip + 1)) ;;
		*) failn=$((failn + 1)) ;;
		esac
		# The case itself fails when the verdict is not the expected one.
		if grep -q "^FAIL kut-$mode/$prefix$t:" "build/logs/kut-$mode.out"; then
			diff=$((diff + 1))
			why="$why [unexpected: see tests/kut/expect.tsv]"
		fi
		echo "$verdict kut/$mode/$t: $why"
	done
done
grep -a "^FAIL kut-[a-z]*/boot-klog" build/logs/kut-*.out
echo "$pass passed, $failn failed, $skip skipped ($diff not as expected)"
[ $diff = 0 ]
