# SPDX-License-Identifier: GPL-2.0
# kut.sh NAME - the case kut-NAME: entry NAME of kvm-unit-tests' x86
# unittests.cfg (build/kut, scripts/kut-build.sh) booted by the launcher
# the way the suite's x86/run boots it under QEMU, judged the way its
# scripts judge it, and compared with tests/kut/expect.tsv.  NAME self-*:
# an entry of tests/kut/self.cfg instead, on our own tests/guests images.
# kut.sh kvm:NAME (the case kutkvm-NAME): on KVM + QEMU instead, the peer.
# Prints "@@KUT NAME MODE PASS|FAIL|SKIP why" (MODE npt, shadow or kvm)
# for make kut's summary.
. "$LG_TOP/tests/host/lib.sh"
. "$LG_TOP/tests/kut/boot.sh"

name=$1
mode=npt
[ "${LG_PAGING:-}" != shadow ] || mode=shadow
# kvm:NAME (the case kutkvm-NAME): run it on KVM + QEMU in the test host
# instead, as the suite's own x86/run does, for the table's KVM column.
case $name in
kvm:*) name=${name#kvm:} mode=kvm ;;
esac
case $name in
self-*)
	cfg=$LG_TOP/tests/kut/self.cfg dir=$LG_GUESTS ;;
*)
	dir=$LG_TOP/build/kut/kvm-unit-tests/x86
	cfg=$dir/unittests.cfg
	[ -f "$cfg" ] || fail "no $cfg: run make kut-build" ;;
esac

row=$(awk -f "$LG_TOP/tests/kut/cfg.awk" "$cfg" | awk -F'\t' -v n="$name" '$1 == n')
[ -n "$row" ] || fail "no entry [$name] in $cfg"
IFS='	' read -r _ file smp args qparams arch groups accel timeout check <<END
$row
END

# expect: the first row of expect.tsv whose pattern matches the entry's
# name or "group:G" for one of its groups: our expected verdict in this
# mode (PASS, FAIL, SKIP, or NORUN: not booted, reported as SKIP) and why.
expect=PASS why=
match=$(awk -F'\t' -v n="$name" -v g=" $groups " -v m="$mode" '
	/^#/ || NF < 4 { next }
	{
		pat = "^" $1 "$"; gsub(/\*/, ".*", pat)
		hit = n ~ pat
		if (!hit && $1 ~ /^group:/) hit = index(g, " " substr($1, 7) " ")
		if (hit) { print (m == "shadow" ? $3 : $2) "\t" $4; exit }
	}' "$LG_TOP/tests/kut/expect.tsv")
if [ -n "$match" ]; then
	expect=${match%%	*} why=${match#*	}
fi
# An entry with more vCPUs than the test host has CPUs (the launcher's
# limit, and KVM's sense) is not booted: run.sh --smp gives the test host more.
if [ "$smp" -gt "$(nproc)" ] 2>/dev/null; then
	expect=NORUN why="needs $smp vCPUs; the test host has $(nproc) CPUs"
fi

# report VERDICT WHY: print the verdict; fail the case unless it is the
# expected one (an expected "FAIL:GLOB" also wants WHY to match GLOB).
report() {
	echo "@@KUT $name $mode $1 $2"
	_want=${expect%%:*} _glob='*'
	[ "$_want" = "$expect" ] || _glob=${expect#*:}
	[ "$_want" != NORUN ] || _want=SKIP
	[ "$_want" != ANY ] || _want=$1
	case $1:$2 in
	"$_want":$_glob) exit 0 ;;
	esac
	fail "$name ($mode): $1 ($2), expected $expect${why:+ ($why)}"
}
[ "$mode" != kvm ] || expect=ANY why=
[ "$expect" != NORUN ] || report SKIP "$why"
[ "$arch" != i386 ] || report SKIP "a 32-bit test (arch = i386)"

# What x86/run would give QEMU: the image, -smp, -append, -m; the rest of
# qemu_params (-cpu flags, -machine) has no launcher equivalent: the guest
# sees our CPUID, and tests/kut/expect.tsv says where that matters.
mem=128
set -- $qparams
while [ $# -gt 0 ]; do
	case $1 in
	-m)	# QEMU's -m: MiB, or with a G or M suffix
		mem=${2%[mM]}
		case $mem in *[gG]) mem=$((${mem%?} * 1024)) ;; esac
		shift ;;
	esac
	shift
done
[ "$args" != - ] || args=
eval "set -- $args"
args="$*"
# The cfg's limits are for KVM on hardware; ours runs nested in the TCG
# test host, many times slower: LG_KUT_SCALE times the limit (default 3).
secs=${timeout%s}
[ "$secs" != - ] || secs=90
secs=$((secs * ${LG_KUT_SCALE:-3}))

out=/tmp/kut-$name.out err=/tmp/kut-$name.err
step "$mode: $file${args:+ $args}: smp $smp, ${mem}M, ${secs}s"
[ "$qparams" != - ] || qparams=
if [ "$mode" = kvm ]; then
	kmod kvm_amd || fail "cannot load kvm_amd"
	kut_boot kvm "$dir/$file" "$smp" "$mem" "$secs" "$out" "$err" "$qparams" "$args"
else
	load_lguest
	kut_boot "" "$dir/$file" "$smp" "$mem" "$secs" "$out" "$err" "" "$args"
	rmmod lguest || fail "rmmod lguest failed"
fi
rc=$kut_rc
lg_prefix "  out: " < "$out"
lg_prefix "  err: " < "$err"
summary=$(grep -a '^SUMMARY:' "$out" | tail -n 1 | tr -d '\r')
firstfail=$(grep -a '^FAIL' "$out" | head -n 1 | tr -d '\r')
# The suite's own rule (scripts/arch-run.bash, vmm.bash): status 1 is
# exit(0), a pass unless the VMM complained; 77 is exit(38), a skip.
if [ $rc = 124 ] || [ $rc = 137 ]; then
	report FAIL "timed out after ${secs}s${summary:+; $summary}"
elif [ -s "$err" ]; then
	report FAIL "stderr: $(head -n 1 "$err")"
elif [ $rc = 1 ]; then
	report PASS "${summary:-exit 0}"
elif [ $rc = 77 ]; then
	report SKIP "${summary:-$(grep -a SKIP "$out" | tail -n 1)}"
else
	report FAIL "exit status $rc${firstfail:+: $firstfail}${summary:+; $summary}"
fi
