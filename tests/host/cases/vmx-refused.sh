# SPDX-License-Identifier: GPL-2.0
# vmx-refused: a guest state VT-x refuses at VM entry (exit reason 33,
# which names no check) is killed with the check it failed named
# (vmx_exit.c, T:545), never retried or left running.  The launcher's
# SET_SREGS gives DS a limit past 1 MiB with G clear: AMD-V runs that,
# VT-x refuses it (SDM 26.3.1.2), so this case is make check-vmx's only.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
for p in "" --shadow; do
	step "state_probe $p ds-limit"
	# shellcheck disable=SC2086 # $p is empty or one word
	"$LG_TOP/tests/tools/state_probe" $p ds-limit > /tmp/refused.out 2>&1 ||
		{ cat /tmp/refused.out; fail "state_probe failed"; }
	cat /tmp/refused.out
	grep -q "ds-limit: killed: VM entry refused the guest state .*: ds limit 0xffffffff with G 0" \
		/tmp/refused.out || fail "no kill naming the DS limit check"
done
rmmod lguest || fail "rmmod lguest failed"
echo "vmx-refused: ok"
