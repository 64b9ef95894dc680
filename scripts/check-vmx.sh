#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check-vmx.sh - make check-vmx: lguest on an Intel CPU with VMX and EPT,
# in one boot of the Bochs test host (scripts/bochs-host.sh): vmx-cpu (the
# CPU's flags, lguest.ko's load outcome), vmx-kvm-peer (the control: raw
# guests under the stock kvm_intel), every raw-guest case with nested
# paging (guest-NAME:npt), the same with shadow paging (guest-NAME:shadow;
# lguest.ko reloaded with paging=shadow, as run.sh --paging does), a state
# VT-x refuses at entry (vmx-refused), a short
# guest fuzzer run (vmx-fuzz), then a stock Linux guest with console and
# disk to its busybox shell and poweroff (linux-disk-ro).  The host has two
# CPUs (LG_BOCHS_CPUS), for the SMP guests and a VMCS moving between CPUs;
# the raw-guest cases Bochs cannot run are named in SKIP lines.  The raw-guest cases are the names of
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

# The raw-guest cases the Bochs host cannot run, each with why: @guest
# leaves them out and says so.  Bochs stops for good in a guest's
# "cli; jmp ." under any VMM (kvm_intel too: checked with kvm_peer).
skips="hostile-spin:Bochs stops for good in a guest's cli; jmp . (under kvm_intel too)"

# guests MODE: guest-NAME:MODE for each NAME of cases.tsv with a row for
# MODE, but those of $skips.
guests() {
	echo "$skips" | awk -F'\t' -v m="$1" -v list=tests/guests/cases.tsv '
		{ split($0, s, ":"); skip[s[1]] = 1 }
		END { while ((getline line < list) > 0) {
			if (line ~ /^#/ || line == "") continue
			split(line, f, "\t")
			if ((f[7] == "both" || f[7] == m) && !seen[f[1]]++ && !skip[f[1]])
				print "guest-" f[1] ":" m } }'
}

want=${CASES:-$*}
[ -n "$want" ] || want="vmx-cpu vmx-kvm-peer @guest vmx-refused vmx-fuzz linux-disk-ro"
case " $want " in
*" @guest"*) echo "$skips" | sed 's/^\([^:]*\):\(.*\)/SKIP vmx\/guest-\1: \2/' ;;
esac
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
LG_BOCHS_CPUS=${LG_BOCHS_CPUS:-2} sh scripts/bochs-host.sh --suite vmx --timeout "${VMX_TIMEOUT:-300}" \
	${VMX_LIMIT:+--limit "$VMX_LIMIT"} "$@" > "$results" 2> "$results.err"
rc=$?
cat "$results.err" "$results"
pass=$(grep -c '^PASS ' "$results")
fail=$(grep -c '^FAIL ' "$results")
echo "check-vmx: $(($(date +%s) - t0)) s of wall time for $# cases"
echo "$pass passed, $fail failed"
[ $rc = 0 ] && [ "$fail" = 0 ]
