# SPDX-License-Identifier: GPL-2.0
# no-svm: on a test host whose CPU lacks AMD-V, lguest.ko refuses to load
# with one clear line, creates nothing, and the launcher explains.
. "$LG_TOP/tests/host/lib.sh"

grep -qw svm /proc/cpuinfo && fail "this case needs a host without svm (run.sh --nosvm)"
if insmod "$LG_KO" 2>/tmp/insmod.err; then
	rmmod lguest
	fail "lguest.ko loaded on a CPU without AMD-V"
fi
cat /tmp/insmod.err
grep -q "No such device" /tmp/insmod.err || fail "insmod did not fail with ENODEV"
# The module loader's own taint notes are not ours to count.
dmesg | grep "lguest:" | grep -v -E "taints kernel|module verification failed" |
	tee /tmp/dmesg.out
[ "$(wc -l < /tmp/dmesg.out)" = 1 ] || fail "want exactly one lguest log line"
grep -q "lguest: CPU has no AMD-V (SVM) support" /tmp/dmesg.out ||
	fail "no clear 'no AMD-V' line in the log"
[ -e /dev/lguest ] && fail "/dev/lguest exists"
expect_launcher 1 "lguest: /dev/lguest not found: load the module first" \
	--kernel "$LG_KROOT/boot/vmlinuz-$LG_KVER"
echo "no-svm: ok"
