# SPDX-License-Identifier: GPL-2.0
# abi-sregs-lme: LGUEST_SET_SREGS refuses EFER.LME with neither CR0.PG nor
# CR4.PAE (found by abi_fuzz --seed 1, worker 1, iteration 391): run, that
# state made QEMU's TCG leave the guest with the guest's CR0 and GIF clear,
# and the CPU never took an interrupt again (see lg_sregs_valid()).  The
# fuzzer's exact registers are refused too; LME with PAE still runs.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "state_probe lme-nopae fuzz391 lme-pae"
"$LG_TOP/tests/tools/state_probe" lme-nopae fuzz391 lme-pae || fail "state_probe failed"
rmmod lguest || fail "rmmod lguest failed"
echo "abi-sregs-lme: ok"
