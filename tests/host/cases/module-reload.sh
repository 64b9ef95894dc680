# SPDX-License-Identifier: GPL-2.0
# module-reload: 20 load/unload cycles of both modules work every time and
# leave AMD-V released and /dev/lguest gone.  MemFree is printed for the
# record only: the kernel's module loader itself costs memory that settles
# over many cycles (page tables of the module area), so it is no leak test;
# the per-guest lifetime test measures what lguest allocates.
. "$LG_TOP/tests/host/lib.sh"

free_kb() { sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }

load_lguest dev
rmmod lguest_dev lguest || fail "first unload failed"
sync; echo 3 > /proc/sys/vm/drop_caches
before=$(free_kb)
i=0
while [ $i -lt 20 ]; do
	insmod "$LG_KO" || fail "insmod lguest.ko failed on round $i"
	insmod "$LG_DEV_KO" || fail "insmod lguest_dev.ko failed on round $i"
	[ -c /dev/lguest ] || fail "no /dev/lguest on round $i"
	rmmod lguest_dev || fail "rmmod lguest_dev failed on round $i"
	rmmod lguest || fail "rmmod lguest failed on round $i"
	i=$((i + 1))
done
for cpu in $(lg_cpus); do
	efer_svme "$cpu" && fail "EFER.SVME left set on cpu$cpu"
done
sync; echo 3 > /proc/sys/vm/drop_caches
after=$(free_kb)
echo "MemFree before $before kB, after $after kB"
[ -e /dev/lguest ] && fail "/dev/lguest left behind"
echo "module-reload: ok"
