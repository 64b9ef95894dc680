# SPDX-License-Identifier: GPL-2.0
# bench-raw: the whole life of a throwaway raw guest, for "make bench"
# (raw-lifecycle, microseconds per iteration): open the device, create a
# guest with 2 MiB of RAM and one vCPU, load a 4 KiB image (HLT at offset
# 0) at 1 MiB, enter it in 64-bit mode (the --raw convention), run to the
# HLT exit, tear it all down; averaged over LG_LIFE_ITERS (default 200)
# iterations after 5 untimed ones.  lguest: tests/tools/raw_lifecycle
# (liblguest: lg_create, lg_set_mem, lg_run_raw, lg_destroy; and with
# lg_set_paging(shadow) for lguest-shadow).  Peer: tests/tools/kvm_lifecycle,
# the same steps on plain KVM, run with one VM held open (lib.sh kvm_hold)
# as kvm_peer is: AMD-V stays on, as lguest's stays on while it is loaded.
# "@@BENCH raw-lifecycle <who> <mean> us", and @@BENCHNOTE lines with the
# median, spread and the split between setting up to HLT and tearing down.
. "$LG_TOP/tests/host/lib.sh"

iters=${LG_LIFE_ITERS:-200}
tools=$LG_TOP/tests/tools
for p in raw_lifecycle kvm_lifecycle; do
	[ -x "$tools/$p" ] || fail "no $tools/$p: run make"
done

# life WHO CMD...: run one lifecycle program and report its figures.
life() {
	_w=$1
	shift
	t0=$(date +%s%N)
	timeout -k 2 "${LG_LIFE_TIMEOUT:-400}" "$@" --iters "$iters" >/tmp/braw.$_w.out 2>/tmp/braw.$_w.err
	rc=$?
	echo "$_w: exit status $rc after $((($(date +%s%N) - t0) / 1000000)) ms"
	sed 's/^/  out: /' /tmp/braw.$_w.out
	sed 's/^/  err: /' /tmp/braw.$_w.err
	set -- $(sed -n 's/^@@LIFE //p' /tmp/braw.$_w.out)
	if [ $rc != 0 ] || [ $# != 6 ]; then
		echo "@@BENCH raw-lifecycle $_w n/a us"
		echo "@@BENCHNOTE raw-lifecycle $_w: n/a: exit status $rc$([ ! -s /tmp/braw.$_w.err ] || echo ": $(head -n 1 /tmp/braw.$_w.err)")"
		return 1
	fi
	echo "@@BENCH raw-lifecycle $_w $1 us"
	echo "@@BENCHNOTE raw-lifecycle $_w: mean of $iters, median $2, spread $3-$4 us; create to HLT $5 us, teardown $6 us"
}

ok=0
step "KVM: kvm_lifecycle"
kmod kvm_amd || fail "cannot load kvm_amd"
kvm_hold
life kvm "$tools/kvm_lifecycle" || ok=1
kvm_release
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"

step "lguest: raw_lifecycle"
load_lguest
life lguest "$tools/raw_lifecycle" || ok=1
life lguest-shadow "$tools/raw_lifecycle" --shadow || ok=1
rmmod lguest || fail "rmmod lguest failed"
[ $ok = 0 ] || fail "a side of raw-lifecycle has no figure"
echo "bench-raw: ok"
