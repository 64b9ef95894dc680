# SPDX-License-Identifier: GPL-2.0
# linux-smp: the stock 6.1 and 6.12 kernels boot with --cpus 2 and, where
# the test host has 4 CPUs (run.sh --smp 4), --cpus 4; the guest test smp finds every
# vCPU online, runs a process pinned to each, checks TLB shootdowns with
# threads on every CPU (lgtlb), and takes each CPU but 0 offline and back.
# The guest then powers off from its last CPU (reboot=sN moves the power-off
# there): exit 0.  The log must stay clean, the TSC stable.
. "$LG_TOP/tests/host/lib.sh"

# smp_boot TAG KERNEL INITRD N: boot KERNEL with N vCPUs, lgtest=smp.
smp_boot() {
	if [ "$(nproc)" -lt "$4" ]; then
		echo "linux-smp: $1 skipped: the test host has $(nproc) CPUs, not $4"
		return
	fi
	step "$(basename "$2") with --cpus $4, lgtest=smp, power off from CPU $(($4 - 1))"
	LG_LINUX_APPEND="console=ttyS0 quiet panic=-1 lgcpus=$4 reboot=s$(($4 - 1))" \
		LG_LINUX_TIMEOUT=240 lg_kernel=$2 lg_initrd=$3 run_linux "$1" smp --cpus "$4"
	expect_linux_pass "$1" smp
	echo "linux-smp: $1: init after $(lg_secs "$(linux_at "$1" @@START)" "$(linux_at "$1" "@@GUEST init reached")") s"
}

# Under run.sh --guest-kernel, that kernel alone.
[ -n "$LG_ALT_GUEST_KERNEL" ] || [ -f "$LG_LINUX2_KERNEL" ] ||
	fail "no second guest kernel '$LG_LINUX2_KERNEL': run make"
load_lguest
for n in 2 4; do
	smp_boot smp$n "$LG_GUEST_KERNEL" "$LG_LINUX_INITRD" $n
	[ -n "$LG_ALT_GUEST_KERNEL" ] ||
		smp_boot k612smp$n "$LG_LINUX2_KERNEL" "$LG_LINUX2_INITRD" $n
done
