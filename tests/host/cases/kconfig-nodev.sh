# SPDX-License-Identifier: GPL-2.0
# kconfig-nodev: lguest_dev.ko built with every device type off (by
# tests/kconfig-opts.sh, which make check runs first, against this tree's
# lguest.ko) loads, and refuses each device with EOPNOTSUPP; the launcher
# says in one line that the type is not built into lguest_dev.
. "$LG_TOP/tests/host/lib.sh"

ko=$LG_TOP/build/kconfig/lguest_dev-alloff.ko
[ -f "$ko" ] || fail "no $ko: run sh tests/kconfig-opts.sh first"
cmp -s "$LG_TOP/build/kconfig/lguest.symvers" "$LG_MODTOP/drivers/lguest/Module.symvers" ||
	fail "$ko was linked against another lguest.ko: run sh tests/kconfig-opts.sh again"
kernel=$LG_KROOT/boot/vmlinuz-$LG_KVER
notbuilt="Operation not supported: that device type is not built into lguest_dev"

load_lguest
insmod "$ko" || fail "insmod $ko failed"
step "each device type refused"
truncate -s 1M /tmp/kconfig-nodev.img
expect_launcher 1 "lguest: cannot add disk '/tmp/kconfig-nodev.img': $notbuilt" \
	--kernel "$kernel" --mem 128M --disk /tmp/kconfig-nodev.img
expect_launcher 1 "lguest: cannot add net 'lgkc0': $notbuilt" --kernel "$kernel" --mem 128M --net lgkc0
expect_launcher 1 "lguest: cannot add rng: $notbuilt" --kernel "$kernel" --mem 128M --rng
expect_launcher 1 "lguest: cannot add console: $notbuilt" --kernel "$kernel" --mem 128M --console virtio
dmesg | grep -q "lguest_dev: device type 2 in slot 0: not built in (CONFIG_LGUEST_DEV_BLK is off)" ||
	fail "no 'not built in (CONFIG_LGUEST_DEV_BLK is off)' line in the log"
rm -f /tmp/kconfig-nodev.img
rmmod lguest_dev && rmmod lguest || fail "rmmod failed"
echo "kconfig-nodev: ok"
