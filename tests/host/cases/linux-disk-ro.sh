# SPDX-License-Identifier: GPL-2.0
# linux-disk-ro: the cheapest whole stock-Linux run: the guest kernel boots
# to its busybox /init on the virtio console, mounts the ext4 test image
# given as a read-only virtio disk (lguest_dev.ko), checks every file of
# it, and powers off: the launcher exits 0 with nothing on stderr.  One
# boot, no host tools beyond the launcher: what make check-vmx runs under
# Bochs, where a guest boot takes minutes.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
run_linux ro disk-ro --disk "$LG_TOP/build/test.ext4,ro"
expect_linux_pass ro disk-ro
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-disk-ro: ok"
