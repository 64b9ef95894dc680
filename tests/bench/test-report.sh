#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# test-report.sh - make check's test of tests/bench/report.py: figures made
# up here, so the medians, spreads, ratios and the chart are known, and
# what it must refuse.  Prints "PASS bench-report/<row>" or "FAIL ...".
top=$(cd "$(dirname "$0")/../.." && pwd)
rep=$top/tests/bench/report.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# check NAME TEST...: one row's verdict.
check() {
	_n=$1
	shift
	if "$@"; then
		echo "PASS bench-report/$_n"
	else
		echo "FAIL bench-report/$_n: '$*' is false"
		fails=$((fails + 1))
	fi
}

# Five rounds of a time (lower is better) and a rate (higher is better),
# one side with an n/a, one figure with no peer.
cat > "$tmp/fig" <<END
1 boot ms-x lguest 100 ms
1 boot ms-x kvm 400 ms
2 boot ms-x lguest 120 ms
2 boot ms-x kvm 500 ms
3 boot ms-x lguest 90 ms
3 boot ms-x kvm 300 ms
1 disk kvm 10 MB/s
1 disk lguest 30 MB/s
2 disk kvm 20 MB/s
2 disk lguest n/a MB/s
3 disk lguest 40 MB/s
3 disk lguest-shadow 5 MB/s
1 loop host 7 MB/s
END
sed -i 's/ ms-x / /' "$tmp/fig"
python3 "$rep" summary "$tmp/fig" "$tmp/j" commit=abc "notes=@$tmp/fig" > "$tmp/out" 2> "$tmp/err"
rc=$?
check summary-exit test $rc = 0
check summary-quiet test ! -s "$tmp/err"
# field FIGURE EXPR: a value of the JSON, by a Python expression on f
# (the figure named FIGURE) and d (the whole document).
field() {
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
f = {x['metric']: x for x in d['figures']}.get(sys.argv[2])
print($2)" "$tmp/j" "$1"
}
check median-odd test "$(field boot "f['sides']['lguest']['median']")" = 100.0
check spread test "$(field boot "(f['sides']['kvm']['min'], f['sides']['kvm']['max'])")" = "(300.0, 500.0)"
check ratio-of-medians test "$(field boot "round(f['ratio']['lguest'], 4)")" = 0.25
check median-even test "$(field disk "f['sides']['kvm']['median']")" = 15.0
check na-not-a-run test "$(field disk "f['sides']['lguest']['runs']")" = 2
check rate-ratio test "$(field disk "round(f['ratio']['lguest'], 4)")" = 2.3333
check direction test "$(field boot "f['better']") $(field disk "f['better']")" = "lower higher"
check meta test "$(field boot "d['commit'], len(d['notes'])")" = "abc 13"
check table-cell grep -q '^boot (ms) .* 100 (90-120) x3 .* 400 (300-500) x3 .* 0\.25' "$tmp/out"
check table-host grep -q '^loop (MB/s) .* 7 x1' "$tmp/out"

python3 "$rep" chart "$tmp/j" "$tmp/svg" > "$tmp/out" 2>&1
check chart-exit test $? = 0
check chart-xml python3 -c "import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1])" "$tmp/svg"
# Two figures have a peer: boot (lguest, kvm) and disk (lguest, shadow, kvm).
check chart-bars test "$(grep -c 'class="bar"' "$tmp/svg")" = 5
check chart-whiskers test "$(grep -c 'class="err"' "$tmp/svg")" = 5
check chart-no-peerless test -z "$(grep 'data-metric="loop"' "$tmp/svg")"
# boot: 4x the peer's speed, right of the 1x line.
x1=$(sed -n 's/.*data-side="lguest" data-metric="boot" x="\([0-9.]*\)".*width="\([0-9.]*\)".*/\1 \2/p' "$tmp/svg")
one=$(sed -n 's/.*<line x1="\([0-9.]*\)".*stroke="black".*/\1/p' "$tmp/svg")
check chart-faster-right test "${x1%% *}" = "$one"

printf '1 boot lguest 1 furlongs\n' > "$tmp/bad"
python3 "$rep" summary "$tmp/bad" "$tmp/j2" > /dev/null 2> "$tmp/err"
check refuses-unit test $? != 0 -a -n "$(grep 'unknown unit furlongs' "$tmp/err")"
printf '1 boot lguest -3 ms\n1 boot kvm x ms\n' > "$tmp/bad"
python3 "$rep" summary "$tmp/bad" "$tmp/j2" > /dev/null 2> "$tmp/err"
check refuses-values test $? != 0 -a "$(grep -c 'bad value\|not a number' "$tmp/err")" = 2
: > "$tmp/empty"
python3 "$rep" summary "$tmp/empty" "$tmp/j2" > /dev/null 2>&1
check refuses-empty test $? != 0
# left: a test-host log that lost its host in the second bench-blk (the
# first case run of a name, then one PASS and one FAIL, boot-klog aside).
printf '@@RESULT boot-klog PASS\r\n@@BEGIN bench-all\n@@RESULT bench-all PASS\n@@BEGIN bench-blk\n@@RESULT bench-blk FAIL exit status 1\n@@BEGIN bench-all\n@@RESULT bench-all PASS\n@@BEGIN bench-blk\n@@BENCH disk x\n' > "$tmp/log"
check left-lost test "$(python3 "$rep" left "$tmp/log" bench-all bench-blk bench-all bench-blk bench-mem)" = "bench-blk bench-mem"
check left-none test -z "$(python3 "$rep" left "$tmp/log" bench-all bench-blk bench-all)"
: > "$tmp/empty"
check left-all test "$(python3 "$rep" left "$tmp/empty" bench-all bench-blk)" = "bench-all bench-blk"
[ $fails = 0 ]
