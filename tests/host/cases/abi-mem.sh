# SPDX-License-Identifier: GPL-2.0
# abi-mem: LGUEST_CREATE's RAM size (tests/tools/abi_probe mem): over the
# device hole (3 GiB), 2^63, 0 and unaligned sizes are refused with the
# documented errors; more than the host's RAM, and with
# LGUEST_CREATE_PREALLOC more than the caller's memory cgroup allows (512
# MiB in a 128 MiB cgroup), fail with ENOMEM; without the flag the 512 MiB
# guest is created (RAM comes when touched) and writing all of it through
# the mapping ends in SIGBUS; all with no OOM kill and no allocation warning
# in the log; a small guest is still created afterwards.
. "$LG_TOP/tests/host/lib.sh"

cg=/sys/fs/cgroup
mounted=
if ! grep -q " $cg cgroup2 " /proc/mounts; then
	mount -t cgroup2 none $cg || fail "cannot mount cgroup2"
	mounted=1
fi
echo +memory > $cg/cgroup.subtree_control || fail "no memory controller"
mkdir -p $cg/lgmem || fail "cannot make a cgroup"
echo 128M > $cg/lgmem/memory.max || fail "cannot set memory.max"
echo 0 > $cg/lgmem/memory.swap.max 2>/dev/null

load_lguest
dmesg -c > /dev/null
step "abi_probe mem 512, in a 128 MiB memory cgroup"
sh -c 'echo $$ > '$cg'/lgmem/cgroup.procs && exec "$0" mem 512' \
	"$LG_TOP/tests/tools/abi_probe" > /tmp/abi-mem.out 2>&1
rc=$?
cat /tmp/abi-mem.out
dmesg > /tmp/abi-mem.klog
grep -E -i "oom|out of memory|allocation failure" /tmp/abi-mem.klog && rc=99
rmdir $cg/lgmem
[ -n "$mounted" ] && umount $cg
[ $rc = 0 ] || fail "abi_probe mem: exit status $rc (99: the OOM killer or an allocation warning)"
rmmod lguest || fail "rmmod lguest failed"
echo "abi-mem: ok"
