# SPDX-License-Identifier: GPL-2.0
# demo.sh - "make demo" inside the test host: load both modules, show what
# they made, boot the busybox guest (the host's own Debian kernel and
# build/initramfs.cpio.gz) with its shell on the console, and after it
# stops hand the console to the test host's shell.  Leaving that shell
# (exit, or Ctrl-D) powers the test host off.
. "$LG_TOP/tests/host/lib.sh"

echo "== lguest demo: test host $(uname -r), CPU flags: $(grep -o -w -E 'svm|npt' /proc/cpuinfo | sort -u | tr '\n' ' ')"
load_lguest
insmod "$LG_DEV_KO" || echo "== lguest_dev.ko did not load; going on without it"
dmesg | grep -E 'lguest(_dev)?:'
ls -l /dev/lguest
"$LG_LAUNCHER" --version
cd "$LG_TOP" || exit 1
echo "== booting the busybox guest: $(basename "$LG_LINUX_KERNEL") with $LG_LINUX_INITRD, 256M"
echo "== in the guest, 'poweroff -f' leaves it; Ctrl-A x quits QEMU at any time"
setsid -w -c "$LG_LAUNCHER" --kernel "$LG_LINUX_KERNEL" --initrd "$LG_LINUX_INITRD" \
	--mem 256M --append "console=ttyS0" </dev/ttyS0 >/dev/ttyS0 2>&1
echo "== the launcher exited with status $? (0 poweroff, 3 reboot, 4 panic)" >/dev/ttyS0
echo "== this is the test host; the launcher is $LG_LAUNCHER; exit the shell to power off" >/dev/ttyS0
setsid -c bash -i </dev/ttyS0 >/dev/ttyS0 2>&1
