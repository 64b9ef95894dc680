# SPDX-License-Identifier: GPL-2.0
# cpu-hotplug: a CPU going offline gives back AMD-V, coming back online
# takes it again, and unloading while a CPU is offline is clean.
. "$LG_TOP/tests/host/lib.sh"

[ -e /sys/devices/system/cpu/cpu1/online ] || fail "test host has no hotpluggable cpu1"
kmod msr
load_lguest
efer_svme 1 || fail "EFER.SVME not set on cpu1 after load"

step "offline cpu1"
echo 0 > /sys/devices/system/cpu/cpu1/online || fail "cannot offline cpu1"
step "online cpu1"
echo 1 > /sys/devices/system/cpu/cpu1/online || fail "cannot online cpu1"
efer_svme 1 || fail "EFER.SVME not set on cpu1 after it came back"

step "unload with cpu1 offline, then bring it back"
echo 0 > /sys/devices/system/cpu/cpu1/online || fail "cannot offline cpu1"
rmmod lguest || fail "rmmod failed with cpu1 offline"
echo 1 > /sys/devices/system/cpu/cpu1/online || fail "cannot online cpu1"
efer_svme 1 && fail "EFER.SVME set on cpu1 after unload"
efer_svme 0 && fail "EFER.SVME set on cpu0 after unload"

step "load with cpu1 offline, then bring it online"
echo 0 > /sys/devices/system/cpu/cpu1/online || fail "cannot offline cpu1"
load_lguest
echo 1 > /sys/devices/system/cpu/cpu1/online || fail "cannot online cpu1"
efer_svme 1 || fail "cpu1 onlined after load did not get EFER.SVME"
rmmod lguest || fail "rmmod failed"
echo "cpu-hotplug: ok"
