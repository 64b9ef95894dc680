# SPDX-License-Identifier: GPL-2.0
# linux-smp: the stock kernel boots with --cpus 2 and, where the test host
# has 4 CPUs (run.sh --smp 4), --cpus 4; the guest test smp finds every
# vCPU online, runs a process pinned to each, checks TLB shootdowns with
# threads on every CPU (lgtlb), and takes each CPU but 0 offline and back.
# The guest then powers off from its last CPU (reboot=sN moves the power-off
# there): exit 0.  The log must stay clean, the TSC stable.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
for n in 2 4; do
	if [ "$(nproc)" -lt $n ]; then
		echo "linux-smp: --cpus $n skipped: the test host has $(nproc) CPUs"
		continue
	fi
	step "boot with --cpus $n, lgtest=smp, power off from CPU $((n - 1))"
	LG_LINUX_APPEND="console=ttyS0 quiet panic=-1 lgcpus=$n reboot=s$((n - 1))" \
		LG_LINUX_TIMEOUT=240 run_linux smp$n smp --cpus $n
	expect_linux_pass smp$n smp
	echo "linux-smp: --cpus $n: init after $(lg_secs "$(linux_at smp$n @@START)" "$(linux_at smp$n "@@GUEST init reached")") s"
done
