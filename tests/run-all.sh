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
run sh tests/host/run.sh --timeout 150 \
	module-load module-reload cpu-hotplug kvm-exclusive launcher launcher-net negative-control \
	abi-mem log-flood abi-compat32 abi-sregs-lme abi-refused-rip fd-cycle fd-stall fd-creds \
	$guest_cases
run sh tests/host/run.sh --nosvm --timeout 60 no-svm
# Stock Debian kernels (the host's 6.1, trixie's 6.12) with the busybox
# initramfs under lguest; every guest run is bounded (90 s, lib.sh).
linux_cases="linux-badinput linux-boot linux-timekeeping linux-sleep linux-poweroff
	linux-reboot linux-panic linux-console-input linux-console linux-612 linux-two linux-disk
	linux-net-backlog"
run sh tests/host/run.sh --suite host-linux --timeout 240 $linux_cases linux-shadow
# Issue 6: every guest again with shadow paging (lguest.ko paging=shadow,
# the default of guests whose launcher does not say --paging), and the MMU
# stress test in both modes.
run sh tests/host/run.sh --suite host-shadow --paging shadow --timeout 150 $guest_cases
run sh tests/host/run.sh --suite host-linux-shadow --paging shadow --timeout 300 $linux_cases
run sh tests/host/run.sh --suite host-mm-stress --timeout 1500 linux-mm-stress
# Networking under load (50 MiB each way, two guests on a bridge), in both
# paging modes.  The test host runs single-threaded TCG here: under
# multi-threaded TCG, QEMU 7.2 has been seen to triple-fault the test host
# itself, and a guest, during heavy virtio traffic (README, "Known problem").
run env LG_TCG_THREAD=single sh tests/host/run.sh --suite host-net --timeout 400 linux-net
run env LG_TCG_THREAD=single sh tests/host/run.sh --suite host-net-shadow --paging shadow \
	--timeout 600 linux-net

# The malicious virtio drivers, in both paging modes, on single-threaded TCG
# like linux-net: the guest that republishes in-flight heads died twice in
# about eight multi-threaded runs, ~5 s into its boot, of a page-table walk
# through a wild PML4 entry (README, "Known problem"); not explained yet.
run env LG_TCG_THREAD=single sh tests/host/run.sh --suite host-rings --timeout 240 \
	linux-hostile-rings
run env LG_TCG_THREAD=single sh tests/host/run.sh --suite host-rings-shadow --paging shadow \
	--timeout 300 linux-hostile-rings

# Issue 14: the fuzzers, a fixed-seed pass (seed 1, 100 s of fuzzing, under
# 3 minutes with the boot and the leak checks); "make fuzz" runs them long.
# Nothing is skipped: the fd cycles and guest MOV DR it once had to avoid
# are fixed.  LG_FUZZ_SKIP (tests/host/cases/fuzz.sh's tokens) is for
# bisecting a new finding.
fuzz_skip=${LG_FUZZ_SKIP-}
run sh tests/host/run.sh --suite host-fuzz --timeout 240 \
	--fuzz "100,1${fuzz_skip:+,$fuzz_skip}" fuzz

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
