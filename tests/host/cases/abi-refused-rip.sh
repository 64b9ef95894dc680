# SPDX-License-Identifier: GPL-2.0
# abi-refused-rip: a guest whose state VMRUN refuses (VMEXIT_INVALID) is
# killed with the RIP it was given, never with what the save area holds
# afterwards: under QEMU's TCG that was the host's RIP, a module address
# the kill reason handed to the launcher.  Guest 120 of guest_fuzz seed
# 20261206 gets there (found by make fuzz); the case replays it in both
# paging modes and fails on a VMEXIT_INVALID kill naming a kernel address.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
[ -e /dev/ram0 ] || kmod brd rd_nr=1 rd_size=4096 2>/dev/null
step "guest_fuzz --seed 20261206 --only 120"
"$LG_TOP/tests/fuzz/guest_fuzz" --seed 20261206 --only 120 --count 121 --limit 3 \
	> /tmp/refused-rip.out 2>&1
cat /tmp/refused-rip.out
grep -q 'VMEXIT_INVALID' /tmp/refused-rip.out ||
	fail "guest 120 was not refused by VMRUN: the replay no longer reaches the case"
grep 'VMEXIT_INVALID' /tmp/refused-rip.out | grep -q 'rip 0xffffffff' &&
	fail "a refused VMRUN reported a kernel address as the guest's RIP"
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "abi-refused-rip: ok"
