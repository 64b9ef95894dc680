# SPDX-License-Identifier: GPL-2.0
# bench-exits: the exit round trip, in TSC cycles, of a hypercall
# (100,000 LGUEST_HC_NOP) and of CPUID(0) (10,000), measured by
# tests/guests/hypercall-bench.bin under KVM (tests/tools/kvm_peer) and
# then under lguest.  (hypercall.bin's 1,000,000 take minutes in the TCG
# test host: a KVM round trip costs on the order of 100 us there.)  Prints "@@BENCH <metric> <kvm|lguest> <value> cycles"
# ("n/a" for a side that could not run) and each run's wall time.  Fails
# only if the KVM side, the reference, gives no figures.
. "$LG_TOP/tests/host/lib.sh"

# bench WHO CMD...: run hypercall-bench.bin with CMD and print WHO's figures.
bench() {
	who=$1
	shift
	t0=$(date +%s%N)
	timeout -k 2 "${LG_BENCH_TIMEOUT:-60}" "$@" >/tmp/bench.$who.out 2>/tmp/bench.$who.err
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "$who: exit status $rc after $ms ms"
	sed 's/^/  out: /' /tmp/bench.$who.out
	sed 's/^/  err: /' /tmp/bench.$who.err
	ok=1
	for m in hypercall cpuid; do
		v=$(sed -n "s/^@@RT $m \([0-9][0-9]*\)$/\1/p" /tmp/bench.$who.out)
		if [ $rc != 0 ] || [ -z "$v" ]; then
			v=n/a ok=0
		fi
		echo "@@BENCH $m-roundtrip $who $v cycles"
	done
	echo "@@BENCH hypercall-bench-wall $who $([ $ok = 1 ] && echo $ms || echo n/a) ms"
	[ $ok = 1 ]
}

step "KVM: kvm_peer"
kmod kvm_amd || fail "cannot load kvm_amd"
kvm_hold
bench kvm "$LG_KVM_PEER" --mem 64M "$LG_GUESTS/hypercall-bench.bin"
kvm_ok=$?
kvm_release
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"

step "lguest"
load_lguest
bench lguest "$LG_LAUNCHER" --raw "$LG_GUESTS/hypercall-bench.bin" --mem 64M
rmmod lguest || fail "rmmod lguest failed"
[ $kvm_ok = 0 ] || fail "no figures from KVM"
echo "bench-exits: ok"
