# SPDX-License-Identifier: GPL-2.0
# bench-kut: kvm-unit-tests' vmexit benchmarks (x86/vmexit.flat, built in
# build/kut) as TSC cycles per exit, under KVM + QEMU as the suite's x86/run
# boots them and under lguest with nested and with shadow paging, in one
# test-host boot.  The entries of $LG_KUT_BENCH (unittests.cfg names) with
# the same smp share one boot (vmexit.flat runs every test named on its
# command line); each test loops until 2^30 TSC cycles have passed, so a
# boot takes seconds, not the exits' count.  Prints "@@BENCH vmexit-<test>
# <kvm|lguest|lguest-shadow> <cycles> cycles", n/a with a @@BENCHNOTE why.
# Fails if KVM gives no figure, or if a test KVM runs fails under lguest
# (no PM timer for inl_from_pmtimer is n/a, not a failure: see the note).
# mov_from_cr8 and mov_to_cr8 exit on neither side (the CPU's V_TPR): they
# time the TCG test host's emulation.  ipi (smp 2) is the send, the halted
# target's wake-up and its EOI: it swings 10x between runs with the test
# host's and this machine's scheduling, so compare it within one run only.
. "$LG_TOP/tests/host/lib.sh"
. "$LG_TOP/tests/kut/boot.sh"

dir=$LG_TOP/build/kut/kvm-unit-tests/x86
cfg=$dir/unittests.cfg
{ [ -f "$cfg" ] && [ -f "$dir/vmexit.flat" ]; } || fail "no $dir/vmexit.flat: run make kut-build"
entries=${LG_KUT_BENCH:-vmexit_cpuid vmexit_vmcall vmexit_mov_from_cr8 vmexit_mov_to_cr8 vmexit_inl_pmtimer vmexit_tscdeadline vmexit_tscdeadline_immed vmexit_ipi}
secs=${LG_KUT_BENCH_TIMEOUT:-240}
tmp=/tmp/bench-kut
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

# Each entry as "smp<TAB>test<TAB>qemu_params<TAB>entry" from the cfg, into
# $tmp/rows; the boots are the distinct smp values, each with its entries'
# tests as arguments and the union of their qemu_params (for KVM only).
awk -f "$LG_TOP/tests/kut/cfg.awk" "$cfg" > "$tmp/cfg"
for e in $entries; do
	row=$(awk -F'\t' -v n="$e" '$1 == n' "$tmp/cfg")
	[ -n "$row" ] || fail "no entry [$e] in $cfg"
	IFS='	' read -r _ file smp args qparams _ <<END
$row
END
	[ "$file" = vmexit.flat ] || fail "[$e] runs $file, not vmexit.flat"
	eval "set -- $args"
	[ $# = 1 ] || fail "[$e]: test_args '$args' is not one test name"
	[ "$qparams" != - ] || qparams=
	printf '%s\t%s\t%s\t%s\n' "$smp" "$1" "$qparams" "${e#vmexit_}" >> "$tmp/rows"
done
smps=$(cut -f1 "$tmp/rows" | sort -un)

# side WHO MODE: boot vmexit.flat once per smp value under MODE (kvm, npt
# or shadow) and print WHO's figure for each entry; $tmp/WHO.ok lists the
# entries that gave one.
side() {
	_who=$1 _mode=$2
	: > "$tmp/$_who.ok"
	for s in $smps; do
		tests=$(awk -F'\t' -v s="$s" '$1 == s { printf "%s ", $2 }' "$tmp/rows")
		tests=${tests% }
		qp=$(awk -F'\t' -v s="$s" '$1 == s && $3 != "" && !seen[$3]++ { printf "%s ", $3 }' "$tmp/rows")
		out=$tmp/$_who.$s.out err=$tmp/$_who.$s.err
		if [ "$s" -gt "$(nproc)" ]; then
			kut_rc=none
			echo "needs $s vCPUs; the test host has $(nproc) CPUs (run.sh --smp)" > "$err"
			: > "$out"
		else
			step "$_who: vmexit.flat $tests: smp $s${qp:+, $qp}"
			t0=$(date +%s%N)
			kut_boot "$_mode" "$dir/vmexit.flat" "$s" 128 "$secs" "$out" "$err" "$qp" "$tests"
			echo "$_who: exit status $kut_rc after $((($(date +%s%N) - t0) / 1000000)) ms"
			lg_prefix "  out: " < "$out"
			lg_prefix "  err: " < "$err"
		fi
		# The suite's rule: status 1 is the test's exit(0).
		case $kut_rc in
		1) why= ;;
		124|137) why="timed out after ${secs}s" ;;
		none) why=$(cat "$err") ;;
		*) why="exit status $kut_rc"
			[ ! -s "$err" ] || why="$why: $(head -n 1 "$err")" ;;
		esac
		awk -F'\t' -v s="$s" '$1 == s { print $2 "\t" $4 }' "$tmp/rows" |
		while IFS='	' read -r t e; do
			v=$(tr -d '\r' < "$out" | sed -n "s/^$t \([0-9][0-9]*\)$/\1/p" | tail -n 1)
			if [ "$t" = inl_from_pmtimer ] && grep -aq "^PM timer port is 0" "$out"; then
				# A figure, but of nothing: with no PM timer in the
				# FADT (ours is hardware-reduced) the test reads port
				# 0 and walks the ACPI tables and prints every time.
				v=n/a
				echo "$e" >> "$tmp/$_who.ok"
				echo "@@BENCHNOTE vmexit-$e $_who: no PM timer (the FADT's PM_TMR_BLK is 0: hardware-reduced ACPI), so the test's loop measures no PM timer read"
			elif [ -n "$v" ]; then
				echo "$e" >> "$tmp/$_who.ok"
			else
				v=n/a w=$why
				! grep -aq "^$t (skipped)" "$out" || w="${w:+$w; }the test skipped itself"
				echo "@@BENCHNOTE vmexit-$e $_who: no figure (${w:-no \"$t N\" line})"
			fi
			echo "@@BENCH vmexit-$e $_who $v cycles"
		done
	done
}

step "KVM + QEMU"
kmod kvm_amd || fail "cannot load kvm_amd"
kvm_hold
side kvm kvm
kvm_release
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"

load_lguest
side lguest npt
side lguest-shadow shadow
rmmod lguest || fail "rmmod lguest failed"

[ -s "$tmp/kvm.ok" ] || fail "no figures from KVM"
missing=
while read -r e; do
	for w in lguest lguest-shadow; do
		grep -qx "$e" "$tmp/$w.ok" || missing="$missing $e($w)"
	done
done < "$tmp/kvm.ok"
[ -z "$missing" ] || fail "KVM gives a figure, lguest none:$missing"
echo "bench-kut: ok"
