# SPDX-License-Identifier: GPL-2.0
# stress-boot: a reproducer for hangs, not part of make check.  Boots the
# busybox guest (lgtest=boot-check, what linux-boot runs) N times in turn
# (default 20; "lgstress=N" on the test host's command line, through
# LG_HOST_APPEND), in the run's paging mode, and gives each 40 s to power
# off.  A guest still running then is a hang: its interrupt
# state, exit counts and devices (debugfs) are printed before it is
# killed.  Passes only if no boot hung or failed.  For example:
#   LG_HOST_APPEND=lgstress=50 sh tests/host/run.sh --suite stress \
#	--paging shadow --timeout 1800 stress-boot
#   LG_TCG_THREAD=single sh tests/host/run.sh ... (the same on one TCG thread)
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
lg_debugfs
n=${LG_STRESS_N:-20} i=0 hung=0 bad=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	LG_LINUX_TIMEOUT=120 lg_run_stamped sb "$LG_LAUNCHER" --kernel "$LG_GUEST_KERNEL" \
		--initrd "$LG_LINUX_INITRD" --mem 256M \
		--append "$LG_LINUX_APPEND lgtest=boot-check" &
	job=$!
	if ! wait_for 40 linux_has sb "@@EXIT "; then
		hung=$((hung + 1))
		echo "stress-boot: boot $i still running after 40 s:"
		linux_show sb | tail -n 8
		for d in /sys/kernel/debug/lguest/*/; do
			[ -d "$d" ] || continue
			for f in info interrupts exits devices; do
				echo "  $d$f:"
				sed 's/^/    /' "$d$f"
			done
		done
		pkill -9 -x lguest
	fi
	wait $job
	if ! (expect_linux_pass sb boot-check) > /tmp/sb.why 2>&1; then
		bad=$((bad + 1))
		echo "stress-boot: boot $i: $(cat /tmp/sb.why)"
	fi
done
echo "stress-boot: $n boots, $hung hung, $bad failed"
[ $hung = 0 ] && [ $bad = 0 ] || fail "$hung of $n boots hung, $bad failed"
