# SPDX-License-Identifier: GPL-2.0
# linux-boot: the test host's own Debian kernel, unmodified, as its bzImage
# (the other cases boot it unpacked: lib.sh), boots with the busybox
# initramfs under lguest to init; the guest test boot-check finds its log
# clean (no BUG, WARNING, Call Trace, panic), kvm-clock as the
# clocksource and the LAPIC in TSC-deadline mode; then it powers off: exit 0.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "boot $(basename "$LG_LINUX_KERNEL") to init, lgtest=boot-check"
lg_kernel=$LG_LINUX_KERNEL run_linux boot boot-check
expect_linux_pass boot boot-check
echo "linux-boot: init after $(lg_secs "$(linux_at boot @@START)" "$(linux_at boot "@@GUEST init reached")") s"
