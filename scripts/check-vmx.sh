#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check-vmx.sh - make check-vmx: lguest on an Intel CPU with VMX and EPT,
# in one boot of the Bochs test host (scripts/bochs-host.sh): vmx-cpu (the
# CPU's flags, lguest.ko's load outcome), vmx-kvm-peer (the control: raw
# guests under the stock kvm_intel), every raw-guest case with nested
# paging (guest-NAME:npt), the same with shadow paging (guest-NAME:shadow;
# lguest.ko reloaded with paging=shadow, as run.sh --paging does), then a
# stock Linux guest with console and disk to its busybox shell and
# poweroff (linux-disk-ro).  The raw-guest cases are the names of
# tests/guests/cases.tsv that have a row for that paging, as @guest in
# tests/suites.tsv (tests/run-all.sh).  Prints "PASS vmx/CASE" or
# "FAIL vmx/CASE: why" for each, then "N passed, N failed"; exits non-zero
# on a failure, or if Bochs died or hung (the whole run has a time limit).
#
# Usage: check-vmx.sh [CASE...]; CASES="..." (make check-vmx CASES=...)
# instead names the cases (NAME:npt / NAME:shadow for a paging mode; @guest,
# @guest-npt and @guest-shadow for the raw-guest cases of either or both).
# VMX_TIMEOUT: each case's limit in the host's seconds (default 300: the
# host's clock counts Bochs' instructions, so this is no more than on
# hardware); VMX_LIMIT: the whole run's, in wall seconds.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

# guests MODE: guest-NAME:MODE for each NAME of cases.tsv with a row for MODE.
guests() {
	awk -F'\t' -v m="$1" '!/^#/ && NF && ($7 == "both" || $7 == m) && !seen[$1]++ {
		print "guest-" $1 ":" m }' tests/guests/cases.tsv
}

want=${CASES:-$*}
[ -n "$want" ] || want="vmx-cpu vmx-kvm-peer @guest linux-disk-ro"
cases=
for c in $want; do
	case $c in
	@guest) c="$(guests npt) $(guests shadow)" ;;
	@guest-npt) c=$(guests npt) ;;
	@guest-shadow) c=$(guests shadow) ;;
	esac
	cases="$cases $c"
done
# shellcheck disable=SC2086 # a word list
set -- $cases
[ $# -gt 0 ] || { echo "check-vmx: no cases" >&2; exit 2; }

results=$top/build/logs/vmx.out
mkdir -p build/logs
t0=$(date +%s)
# shellcheck disable=SC2086
sh scripts/bochs-host.sh --suite vmx --timeout "${VMX_TIMEOUT:-300}" \
	${VMX_LIMIT:+--limit "$VMX_LIMIT"} "$@" > "$results" 2> "$results.err"
rc=$?
cat "$results.err" "$results"
pass=$(grep -c '^PASS ' "$results")
fail=$(grep -c '^FAIL ' "$results")
echo "check-vmx: $(($(date +%s) - t0)) s of wall time for $# cases"
echo "$pass passed, $fail failed"
[ $rc = 0 ] && [ "$fail" = 0 ]
