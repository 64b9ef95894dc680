# SPDX-License-Identifier: GPL-2.0
# bench-all: the figures behind "make bench", measured in one test-host boot.
# Each figure is a line "@@BENCH <metric> <lguest|kvm> <value> <unit>".
# Peer: KVM + QEMU microvm with ACPI, booting the same kernel and initramfs.
. "$LG_TOP/tests/host/lib.sh"

kernel=$LG_KROOT/boot/vmlinuz-$LG_KVER
initrd=$LG_TOP/build/initramfs.cpio.gz

# boot_to_init WHO CMD...: launch-to-init-marker time, in ms of host time,
# read off the guest's console as it streams.
boot_to_init() {
	who=$1
	shift
	start=$(date +%s%N)
	"$@" 2>&1 | tee "/tmp/boot.$who" | while IFS= read -r line; do
		case "$line" in
		"@@GUEST init reached"*)
			echo "@@BENCH boot-to-init $who $((($(date +%s%N) - start) / 1000000)) ms"
			echo "@@BENCH guest-uptime-at-init $who $(echo "$line" | sed 's/.*uptime //') s"
			;;
		esac
	done
	if ! grep -q "^@@GUEST init reached" "/tmp/boot.$who"; then
		echo "$who did not reach init: $(tail -n 3 "/tmp/boot.$who")"
		echo "@@BENCH boot-to-init $who n/a ms"
	fi
}

step "peer: KVM + QEMU microvm"
kmod kvm_amd || fail "cannot load kvm_amd"
boot_to_init kvm qemu-system-x86_64 -enable-kvm -cpu host \
	-M microvm,acpi=on,pit=off,pic=off,rtc=off -m 256 -smp 1 \
	-nodefaults -no-user-config -display none -nic none -serial stdio \
	-no-reboot -kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 quiet panic=-1 lgtest=boot"
rmmod kvm_amd kvm

step "lguest"
load_lguest dev
boot_to_init lguest "$LG_LAUNCHER" --kernel "$kernel" --initrd "$initrd" \
	--mem 256M --append "console=ttyS0 quiet panic=-1 lgtest=boot"
