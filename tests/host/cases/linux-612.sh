# SPDX-License-Identifier: GPL-2.0
# linux-612: the second guest kernel, Debian trixie's 6.12 (GUEST2_KERNEL in
# build/config.mk) with its own initramfs (build/initramfs-guest2.cpio.gz),
# boots the same way: init, a clean boot-check, poweroff with exit 0.
. "$LG_TOP/tests/host/lib.sh"

[ -f "$LG_LINUX2_KERNEL" ] || fail "no second guest kernel '$LG_LINUX2_KERNEL': run make"
[ -f "$LG_LINUX2_INITRD" ] || fail "no $LG_LINUX2_INITRD: run make"
load_lguest
step "boot $(basename "$LG_LINUX2_KERNEL") to init, lgtest=boot-check"
lg_kernel=$LG_LINUX2_KERNEL lg_initrd=$LG_LINUX2_INITRD run_linux k612 boot-check
expect_linux_pass k612 boot-check
grep -q 'init reached' /tmp/k612.out && echo "linux-612: init after $(lg_secs "$(linux_at k612 @@START)" "$(linux_at k612 "@@GUEST init reached")") s"
