#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# guest-image.sh - proves the guest initramfs and the ext4 test image on
# their own, under plain QEMU (TCG, no lguest): the stock kernel boots the
# busybox initramfs, /init loads the virtio and ext4 modules, and the guest
# test disk-verify checks every file of the image.
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=$(sed -n 's/^HOST_KERNEL := //p' "$top/build/config.mk")
log=$top/build/logs/guest-image.log
mkdir -p "$top/build/logs"
timeout -k 5 120 qemu-system-x86_64 -machine q35,accel=tcg -cpu qemu64 -m 512 \
	-nodefaults -nic none -display none -no-reboot -no-user-config \
	-serial "file:$log" -kernel "$kernel" -initrd "$top/build/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 lgtest=disk-verify" \
	-drive "id=d0,file=$top/build/test.ext4,format=raw,if=none,readonly=on" \
	-device virtio-blk-pci,drive=d0 </dev/null >/dev/null 2>&1
if grep -q '^@@GUEST init reached' "$log" &&
   grep -q '^@@GUEST disk-verify PASS' "$log"; then
	echo "PASS guest-image/disk-verify"
else
	echo "FAIL guest-image/disk-verify: see $log"
	tail -n 20 "$log"
fi
