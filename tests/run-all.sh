#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run-all.sh - what "make check" runs: unit tests, launcher CLI tests and the
# tour check on this machine; the guest initramfs + disk image under plain
# QEMU; then the test-host suites (the only place the modules are loaded).
# Every test prints "PASS name" or "FAIL name: why"; the last line counts them.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
results=$top/build/results.txt
mkdir -p build
: > "$results"

run() {
	echo "== $*"
	"$@" 2>&1 | tee -a "$results.raw" | tee /dev/stderr |
		grep -E '^(PASS|FAIL) ' >> "$results"
} 2>&1

: > "$results.raw"
run make -s -C tests/unit run
run sh tests/cli.sh
run sh tests/tour.sh
run sh tests/guest-image.sh
# Every guest-*.sh case runs too: the raw test guests of tests/guests.
guest_cases=$(cd tests/host/cases && ls guest-*.sh | sed 's/\.sh$//')
# Stock Debian kernels (the host's 6.1, trixie's 6.12) with the busybox
# initramfs under lguest; every guest run is bounded (90 s, lib.sh).
linux_cases="linux-badinput linux-boot linux-timekeeping linux-sleep linux-poweroff
	linux-reboot linux-panic linux-console-input linux-console linux-612 linux-two linux-disk
	linux-hostile-rings"

# Two lanes of test hosts side by side, one per CPU of this machine (a
# test host keeps about one busy): nested paging in slot 0; in slot 1,
# issue 6's second pass, every guest again with shadow paging (lguest.ko
# paging=shadow, the default of guests whose launcher does not say
# --paging).  Each lane's output is shown when both are done.
lane_npt() {
	run sh tests/host/run.sh --timeout 150 \
		module-load module-reload cpu-hotplug kvm-exclusive launcher negative-control \
		$guest_cases
	run sh tests/host/run.sh --suite host-linux --timeout 240 $linux_cases linux-shadow
	# The MMU stress test, in both modes.
	run sh tests/host/run.sh --suite host-mm-stress --timeout 1500 linux-mm-stress
}
lane_shadow() {
	run sh tests/host/run.sh --nosvm --timeout 60 no-svm
	run sh tests/host/run.sh --suite host-shadow --paging shadow --timeout 150 $guest_cases
	run sh tests/host/run.sh --suite host-linux-shadow --paging shadow --timeout 300 $linux_cases
}
# Networking under load (50 MiB each way, two guests on a bridge), in both
# paging modes.  These test hosts run single-threaded TCG: under
# multi-threaded TCG, QEMU 7.2 has been seen to triple-fault the test host
# itself, and a guest, during heavy virtio traffic (README, "Known problem").
lane_net_npt() {
	run env LG_TCG_THREAD=single sh tests/host/run.sh --suite host-net --timeout 400 linux-net
}
lane_net_shadow() {
	run env LG_TCG_THREAD=single sh tests/host/run.sh --suite host-net-shadow --paging shadow \
		--timeout 600 linux-net
}
# lanes F0 F1: run the functions F0 and F1 in test-host slots 0 and 1 at once.
lanes() {
	# Through a pipe: run's "tee /dev/stderr" would truncate a file.
	(LG_TESTHOST_SLOT=0; export LG_TESTHOST_SLOT; $1) 2>&1 | cat > build/lane0.out &
	_l0=$!
	(LG_TESTHOST_SLOT=1; export LG_TESTHOST_SLOT; $2) 2>&1 | cat > build/lane1.out &
	_l1=$!
	wait $_l0 $_l1
	cat build/lane0.out build/lane1.out
}
lanes lane_npt lane_shadow
lanes lane_net_npt lane_net_shadow

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo
grep '^FAIL ' "$results"
if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then
	failed=1
	echo "FAIL: no test ran"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
