#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run-all.sh - what "make check" runs: unit tests, launcher CLI tests and the
# tour check on this machine; the guest initramfs + disk image under plain
# QEMU; then the test-host suites of tests/suites.tsv, two at a time (the
# only place the modules are loaded).  Every test prints "PASS name" or
# "FAIL name: why"; the last line counts them.
# "run-all.sh --suite NAME" runs one row of the table (what the lanes do).
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
results=$top/build/results.txt
# LG_SUITES: another table (make check-kconfig: tests/suites-kconfig.tsv).
table=${LG_SUITES:-$top/tests/suites.tsv}
lanes=${LG_LANES:-2}

# row SUITE: print the table row of SUITE (tab-separated), nothing if none.
row() {
	awk -F'\t' -v s="$1" '!/^#/ && $1 == s' "$table"
}

# expand CASES PAGING: the cases of a row, one a line, with @guest and
# @linux spelled out.  @guest is guest-NAME for every NAME of
# tests/guests/cases.tsv, as "-guest-NAME" (to be skipped) where none of
# its rows is for PAGING (npt or shadow).
expand() {
	for c in $1; do
		case $c in
		@guest) awk -F'\t' -v m="$2" '!/^#/ && NF {
				if (!($1 in ok)) { ok[$1] = 0; names[++n] = $1 }
				if ($7 == "both" || $7 == m) ok[$1] = 1
			}
			END { for (i = 1; i <= n; i++) print (ok[names[i]] ? "" : "-") "guest-" names[i] }' \
			tests/guests/cases.tsv ;;
		@linux) echo linux-badinput linux-boot linux-timekeeping linux-sleep \
			linux-poweroff linux-reboot linux-panic linux-console-input \
			linux-console linux-612 linux-two linux-disk linux-net-backlog ;;
		*) echo "$c" ;;
		esac
	done
}

# One suite, as a lane runs it: its output goes to build/logs/SUITE.out
# and, when it has finished, to stdout in one piece.
if [ "${1:-}" = --suite ]; then
	suite=$2
	out=$top/build/logs/$suite.out
	mkdir -p build/logs
	r=$(row "$suite")
	[ -n "$r" ] || { echo "FAIL $suite: no such suite in $table"; exit 1; }
	opts=$(echo "$r" | cut -f3)
	case " $opts " in
	*" --paging shadow "*) paging=shadow ;;
	*) paging=npt ;;
	esac
	cases=$(expand "$(echo "$r" | cut -f4)" $paging)
	skips=$(echo "$cases" | sed -n "s|^-\(.*\)|SKIP $suite/\1: no row for $paging paging|p")
	cases=$(echo "$cases" | grep -v '^-')
	# LG_FUZZ_SKIP: tests/host/cases/fuzz.sh's tokens of findings to skip,
	# for bisecting a new one; make check skips nothing.
	case $opts in
	*--fuzz*) [ -z "${LG_FUZZ_SKIP:-}" ] || opts="$opts,$LG_FUZZ_SKIP" ;;
	esac
	# A row that boots make guest-kernel's kernel (run.sh --guest-kernel
	# FILE) is skipped where it has not been built: make check builds none.
	gk=$(echo " $opts " | sed -n 's/.* --guest-kernel \([^ ]*\) .*/\1/p')
	if [ -n "$gk" ] && [ ! -f "$gk" ]; then
		echo "$cases" | sed "s|^-*\(.*\)|SKIP $suite/\1: no $gk (make guest-kernel)|" > "$out"
		echo "@@SUITE $suite 0 s" >> "$out"
		flock "$results.lock" cat "$out"
		exit 0
	fi
	t0=$(date +%s)
	# shellcheck disable=SC2086 # options and cases are word lists
	LG_TCG_THREAD=${LG_TCG_THREAD:-single} sh tests/host/run.sh --suite "$suite" $opts $cases > "$out" 2>&1
	[ -z "$skips" ] || echo "$skips" >> "$out"
	echo "@@SUITE $suite $(($(date +%s) - t0)) s" >> "$out"
	flock "$results.lock" cat "$out"
	exit 0
fi

mkdir -p build/logs
: > "$results"
: > "$results.raw"

run() {
	echo "== $*"
	"$@" 2>&1 | tee -a "$results.raw"
}

t0=$(date +%s)
run make -s -C tests/unit run
run sh tests/cli.sh
run sh tests/liblguest.sh
run sh tests/manpage.sh
run sh tests/tour.sh
run sh tests/bench/test-report.sh
# Three builds and checkers, a minute or so each on one CPU, side by side:
# the modules with every Kconfig option off in a scratch tree, DKMS in a
# scratch tree, and the kernel's checkers on our files.
for t in kconfig-opts dkms kernel-style; do
	sh "tests/$t.sh" > "build/logs/$t.out" 2>&1 &
done
wait
for t in kconfig-opts dkms kernel-style; do
	echo "== sh tests/$t.sh"
	tee -a "$results.raw" < "build/logs/$t.out"
done
run sh tests/guest-image.sh

# The test hosts: every row, longest first, at most $lanes at a time.
suites=$(grep -v '^#' "$table" | sort -t"$(printf '\t')" -k2,2nr | cut -f1)
for s in $suites; do
	rm -f "build/logs/$s.out"
done
echo "== test hosts, $lanes at a time: $(echo $suites)"
LG_HOST_SLOTS=$lanes
export LG_HOST_SLOTS
echo "$suites" | xargs -P "$lanes" -n 1 sh tests/run-all.sh --suite | tee -a "$results.raw"
# A suite that never finished (a lane killed) still counts as failed.
for s in $suites; do
	[ -f "build/logs/$s.out" ] || echo "FAIL $s: the suite did not run" | tee -a "$results.raw"
done

grep -E '^(PASS|FAIL) ' "$results.raw" > "$results"
passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo
echo "Slowest cases:"
sed -n 's/^PASS \(.*\) (\([0-9.]*\) s)$/\2 \1/p' "$results" | sort -rn | head -n 10 |
	awk '{ printf "  %7.1f s  %s\n", $1, $2 }'
echo "Suites (wall seconds): $(sed -n 's/^@@SUITE //p' "$results.raw" | tr '\n' ';')"
echo "make check took $(($(date +%s) - t0)) s"
echo
grep '^FAIL ' "$results"
if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then
	failed=1
	echo "FAIL: no test ran"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
