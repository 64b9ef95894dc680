# SPDX-License-Identifier: GPL-2.0
# log-flood: 30 guests in a row die of a triple fault
# (tests/guests/hostile-triple.bin), each of which would log a line and its
# exit history (up to 16 lines): the kernel log must grow by at most two
# such reports (17 lines) and a "callbacks suppressed" line per 5 s begun,
# and 5 lines of whatever else the host says.  The launchers' output goes
# to /dev/null, which kernel_write() refuses with a warning of its own at
# every line unless the module takes it as no console.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
dmesg -c > /dev/null
t0=$(date +%s%N)
i=0
while [ $i -lt 30 ]; do
	"$LG_LAUNCHER" --raw "$LG_GUESTS/hostile-triple.bin" --mem 16M >/dev/null 2>/tmp/flood.err
	rc=$?
	[ $rc = 1 ] || fail "run $i: exit status $rc, want 1: $(cat /tmp/flood.err)"
	i=$((i + 1))
done
ms=$((($(date +%s%N) - t0) / 1000000))
dmesg > /tmp/flood.klog
lines=$(wc -l < /tmp/flood.klog)
max=$(((ms / 5000 + 1) * (2 * 17 + 1) + 5))
echo "30 triple faults in $ms ms: $lines lines in the kernel log (at most $max)"
head -n 20 /tmp/flood.klog
[ "$lines" -le $max ] || fail "$lines lines in the kernel log after 30 triple faults, want <= $max"
rmmod lguest || fail "rmmod lguest failed"
echo "log-flood: ok"
