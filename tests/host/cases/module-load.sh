# SPDX-License-Identifier: GPL-2.0
# module-load: lguest.ko loads, takes AMD-V on every CPU, creates
# /dev/lguest (char device, mode 0660: root and a group) that answers the ABI version;
# lguest_dev.ko loads on top and pins it; an open /dev/lguest pins it too;
# unloading gives AMD-V back and removes the device.
. "$LG_TOP/tests/host/lib.sh"

step "AMD-V is free before we load"
for cpu in $(lg_cpus); do
	efer_svme "$cpu" && fail "EFER.SVME already set on cpu$cpu before loading"
done

step "load lguest.ko"
load_lguest
dmesg | grep -q "lguest: AMD-V ready on $(lg_ncpus) CPUs" ||
	fail "no 'AMD-V ready on $(lg_ncpus) CPUs' line in the log"
for cpu in $(lg_cpus); do
	efer_svme "$cpu" || fail "EFER.SVME not set on cpu$cpu after loading"
	[ "$(rdmsr "$cpu" 0xc0010117)" != 0000000000000000 ] ||
		fail "VM_HSAVE_PA not set on cpu$cpu"
done

step "/dev/lguest"
[ -c /dev/lguest ] || fail "/dev/lguest is not a character device"
mode=$(stat -c %a /dev/lguest)
[ "$mode" = 660 ] || fail "/dev/lguest has mode $mode, want 660"
grep -q ' lguest$' /proc/misc || fail "lguest missing from /proc/misc"
"$LG_TOP/tests/tools/abi_probe" || fail "ABI probe failed"

step "lguest_dev.ko loads on top and pins lguest.ko"
insmod "$LG_DEV_KO" || fail "insmod lguest_dev.ko failed"
dmesg | grep -q "lguest: backend virtio-mmio registered" ||
	fail "lguest_dev did not register its backend"
grep -q '^lguest .*lguest_dev' /proc/modules || fail "lguest not used by lguest_dev"
rmmod lguest 2>/dev/null && fail "rmmod lguest succeeded under lguest_dev"
rmmod lguest_dev || fail "rmmod lguest_dev failed"

step "an open /dev/lguest pins the module"
exec 3<>/dev/lguest
rmmod lguest 2>/dev/null && fail "rmmod lguest succeeded with /dev/lguest open"
exec 3>&-

step "unload gives AMD-V back"
rmmod lguest || fail "rmmod lguest failed"
[ -e /dev/lguest ] && fail "/dev/lguest still exists after unload"
for cpu in $(lg_cpus); do
	efer_svme "$cpu" && fail "EFER.SVME still set on cpu$cpu after unload"
	[ "$(rdmsr "$cpu" 0xc0010117)" = 0000000000000000 ] ||
		fail "VM_HSAVE_PA still set on cpu$cpu after unload"
done
echo "module-load: ok"
