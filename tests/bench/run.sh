#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh - "make bench": boot the test host once and measure lguest and the
# peer (KVM + QEMU microvm, same kernel, initramfs and command line; the
# exit figures against tests/tools/kvm_peer, raw lifecycles against
# tests/tools/kvm_lifecycle) side by side in that one boot, in rounds
# (tests/bench/cases.tsv), so every figure has several runs of each side.
# Prints each figure's median and min-max per side and the ratio of the
# medians (tests/bench/report.py); writes bench/report/bench.json for
# "make bench-report".  Raw lines are kept in build/logs/bench.log.all
# (every boot's build/logs/bench.log: a lost test host is booted again).
# LG_BENCH_ROUNDS: rounds (default 5); LG_BENCH_CASES: only these cases.
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${LG_BENCH_ROUNDS:-5}
case $rounds in
''|*[!0-9]*|0) echo "lguest: bench: LG_BENCH_ROUNDS must be a number above 0, not '$rounds'" >&2
	exit 2 ;;
esac
table=$top/tests/bench/cases.tsv
rows=$(grep -v '^#' "$table" | cut -f1,2)
if [ -n "${LG_BENCH_CASES:-}" ]; then
	for c in $LG_BENCH_CASES; do
		echo "$rows" | cut -f1 | grep -qx "$c" ||
			{ echo "lguest: bench: no case $c in $table" >&2; exit 2; }
	done
	rows=$(echo "$rows" | awk -v want=" $LG_BENCH_CASES " 'index(want, " " $1 " ")')
fi
# The cases, round after round; a case of K rounds runs in the last K, so
# the slow once-only cases come at the end, where a test host lost to one
# of them (Documentation/testing.rst) has already given every other figure.
cases= r=1
while [ $r -le "$rounds" ]; do
	cases="$cases $(echo "$rows" | awk -F'\t' -v r=$r -v n="$rounds" '$2 > n - r { print $1 }' | tr '\n' ' ')"
	r=$((r + 1))
done

log=$top/build/logs/bench.log
out=$top/bench/report
commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
mkdir -p "$out" "$top/build/logs"
t0=$(date +%s)
# A test host lost on the way (multi-threaded TCG's known problem,
# Documentation/testing.rst: the peer's eight Linux guests have panicked
# it in two boots of three) costs the case it ran, not the rest: a new boot
# runs the case it lost and those after it.  A case run that loses three
# test hosts is given up, and the rest go on; at most 8 boots.  Every
# boot's log goes into $log.all, which the figures are read from.
left=$cases boot=1 lost= losses=0 skipped=
: > "$log.all"
: > "$top/build/logs/bench.out"
while :; do
	# shellcheck disable=SC2086 # a word list
	sh "$top/tests/host/run.sh" --suite bench --timeout 900 $left >> "$top/build/logs/bench.out"
	rc=$?
	cat "$log" >> "$log.all"
	# shellcheck disable=SC2086
	left=$(python3 "$top/tests/bench/report.py" left "$log" $left)
	[ -n "$left" ] && [ $boot -lt 8 ] || break
	first=${left%% *}
	if [ "$(echo $left | wc -w)" = "$(echo $lost | wc -w)" ]; then
		losses=$((losses + 1))
	else
		losses=1
	fi
	lost=$left
	echo "@@BENCHNOTE bench: test host $boot lost in $first (its loss $losses of this run of it); a new boot runs the $(echo $left | wc -w) case runs left" |
		tee -a "$log.all"
	if [ $losses -ge 3 ]; then
		echo "@@BENCHNOTE bench: $first given up after $losses lost test hosts" | tee -a "$log.all"
		skipped="$skipped $first"
		left=$(echo "$left" | cut -s -d' ' -f2-)
		lost= losses=0
		[ -n "$left" ] || break
	fi
	boot=$((boot + 1))
done
[ -z "$left$skipped" ] ||
	echo "lguest: bench: test host lost $boot times; not run:$skipped $left" >&2
secs=$(($(date +%s) - t0))
# Each figure with its round: the how-manieth run of its case it came from.
tr -d '\r' < "$log.all" | awk '
	$1 == "@@BEGIN" { round = ++seen[$2] }
	$1 == "@@BENCH" && NF == 5 { print round, $2, $3, $4, $5 }
' > "$top/build/logs/bench.txt"
if ! [ -s "$top/build/logs/bench.txt" ]; then
	echo "lguest: bench: no figures came back; see $log.all" >&2
	tail -n 20 "$log.all" >&2
	exit 1
fi
grep '^FAIL' "$top/build/logs/bench.out"
qver=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([^ ]*\).*/\1/p')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
grep -a '^@@BENCHNOTE ' "$log.all" | tr -d '\r' | sed 's/^@@BENCHNOTE //' | sort -u > "$top/build/logs/bench-notes.txt"
python3 "$top/tests/bench/report.py" summary "$top/build/logs/bench.txt" "$out/bench.json" \
	"commit=$commit" "rounds=$rounds" "cases=$(echo $cases)" "seconds=$secs" \
	"test_host=QEMU $qver TCG, -cpu qemu64,+svm,+npt, on $cpu" \
	"notes=@$top/build/logs/bench-notes.txt" ||
	rc=1
sed 's/^/note: /' "$top/build/logs/bench-notes.txt"
cat <<END
Each cell: median (min-max) xRUNS over $rounds rounds in one test-host boot ($secs s, commit $commit).
ratio = lguest (NPT) median / peer median, shadow = lguest --paging shadow / peer: for times,
cycles and KiB below 1.00 means lguest is better; for rates (MB/s, IOPS, /s) above 1.00.
Peer: KVM + QEMU microvm for boot and devices, tests/tools/kvm_peer for exits,
tests/tools/kvm_lifecycle for raw-lifecycle.  JSON: bench/report/bench.json
(make bench-report draws it); raw figures: build/logs/bench.txt.
END
exit $rc
