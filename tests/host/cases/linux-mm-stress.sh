# SPDX-License-Identifier: GPL-2.0
# linux-mm-stress: the guest test mm-stress (2,000 fork+exec+exit of
# busybox commands, mmap/mprotect/munmap/fork churn with content checks, a
# 100 MiB file through the page cache, /proc/meminfo sane) with shadow
# paging, then with nested paging.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
LG_LINUX_TIMEOUT=${LG_LINUX_TIMEOUT:-1200}
lg_mem=512M
for mode in shadow npt; do
	step "mm-stress with --paging $mode"
	LG_LINUX_APPEND="$LG_LINUX_APPEND lgstress=2000" \
		run_linux "stress-$mode" mm-stress --paging "$mode"
	expect_linux_pass "stress-$mode" mm-stress
	echo "linux-mm-stress: $mode: $(grep -o "[0-9]* fork+exec+exit in .*" "/tmp/stress-$mode.out")"
done
