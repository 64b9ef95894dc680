# SPDX-License-Identifier: GPL-2.0
# bench-paging: shadow paging against nested paging and KVM, for "make
# bench": boot-to-init (launch to "@@GUEST init reached", stamped by the
# host) and the guest test forkbench (fork+exec+exit of busybox, mean ms by
# the guest's clock), each under KVM + QEMU microvm (NPT), lguest
# --paging npt and lguest --paging shadow.  Lines "@@BENCH <metric> <who>
# <value> <unit>", who = kvm, lguest or lguest-shadow.
. "$LG_TOP/tests/host/lib.sh"

kernel=$LG_LINUX_KERNEL
initrd=$LG_LINUX_INITRD

# report WHO TAG: boot-to-init and the fork figure of one stamped run.
report() {
	linux_show "$2"
	t0=$(linux_at "$2" @@START) ti=$(linux_at "$2" "@@GUEST init reached")
	if [ -n "$ti" ]; then
		echo "@@BENCH boot-to-init $1 $(awk -v a="$t0" -v b="$ti" 'BEGIN { printf "%d", (b - a) * 1000 }') ms"
	else
		echo "@@BENCH boot-to-init $1 n/a ms"
	fi
	each=$(linux_text "$2" "@@GUEST forkbench PASS" | sed -n 's/.*s, \([0-9.]*\) ms each.*/\1/p')
	echo "@@BENCH fork-exec-exit $1 ${each:-n/a} ms"
}

append="console=ttyS0 quiet panic=-1 lgtest=forkbench lgforks=${LG_FORKS:-300}"

step "peer: KVM + QEMU microvm"
kmod kvm_amd || fail "cannot load kvm_amd"
LG_LINUX_TIMEOUT=200 run_peer pkvm 1 "$append"
report kvm pkvm
rmmod kvm_amd kvm

load_lguest
for mode in npt shadow; do
	step "lguest --paging $mode"
	LG_LINUX_TIMEOUT=300 lg_run_stamped "p$mode" "$LG_LAUNCHER" --kernel "$kernel" \
		--initrd "$initrd" --mem 256M --append "$append" --paging $mode
	if [ $mode = npt ]; then who=lguest; else who=lguest-shadow; fi
	report $who "p$mode"
done
