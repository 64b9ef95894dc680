# SPDX-License-Identifier: GPL-2.0
# linux-mm-stress: the guest test mm-stress (2,000 fork+exec+exit of
# busybox commands, mmap/mprotect/munmap/fork churn with content checks, a
# 100 MiB file through the page cache, /proc/meminfo sane) with shadow
# paging, then with nested paging; in shadow mode, the guest's debugfs
# counters show kept address spaces (root hits) and entries dropped by the
# comparison with the guest's tables (sync zaps).
. "$LG_TOP/tests/host/lib.sh"

load_lguest
lg_debugfs
LG_LINUX_TIMEOUT=${LG_LINUX_TIMEOUT:-1200}
lg_mem=512M
for mode in shadow npt; do
	step "mm-stress with --paging $mode"
	# The guest's debugfs counters, sampled while it runs (its directory
	# goes with it): the shadow MMU must have kept address spaces across
	# CR3 writes (root hits) and dropped what changed under them.
	rm -f /tmp/stress-info
	(while :; do
		for f in /sys/kernel/debug/lguest/*/info; do
			[ -r "$f" ] && cat "$f" > /tmp/stress-info.new 2>/dev/null &&
				mv /tmp/stress-info.new /tmp/stress-info
		done
		sleep 2
	done) &
	sampler=$!
	LG_LINUX_APPEND="$LG_LINUX_APPEND lgstress=2000" \
		run_linux "stress-$mode" mm-stress --paging "$mode"
	kill "$sampler"
	wait "$sampler" 2>/dev/null
	expect_linux_pass "stress-$mode" mm-stress
	echo "linux-mm-stress: $mode: $(grep -o "[0-9]* fork+exec+exit in .*" "/tmp/stress-$mode.out")"
	[ "$mode" = shadow ] || continue
	[ -s /tmp/stress-info ] || fail "no debugfs info sampled while the guest ran"
	echo "linux-mm-stress: shadow counters: $(grep '^shadow_' /tmp/stress-info | tr '\n' ' ')"
	for c in shadow_root_hits shadow_sync_zaps; do
		n=$(awk -v c="$c" '$1 == c { print $2 }' /tmp/stress-info)
		[ "${n:-0}" -gt 0 ] || fail "debugfs $c is ${n:-missing}: no address space was kept across a CR3 write"
	done
done
