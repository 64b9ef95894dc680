# SPDX-License-Identifier: GPL-2.0
# vmx-fuzz: make check-vmx's short run of the guest fuzzer (tests/fuzz,
# guest_fuzz --mode insn) on the VT-x backend, in both paging modes, with
# a fixed seed: privileged instructions, MSRs, ports, CR and DR writes,
# TF and MOV SS tricks, random bytes.  Each guest may be killed, power
# off or time out; the host must stay clean (hostinit.sh checks its log)
# and every launcher must go away.  A VM entry the CPU refuses must be
# killed with the check it failed named (vmx_exit.c, T:545).
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
[ -e /dev/ram0 ] || kmod brd rd_nr=1 rd_size=4096 2>/dev/null
step "guest_fuzz --seed 20261206 --count 40 --mode insn --paging both"
"$LG_TOP/tests/fuzz/guest_fuzz" --seed 20261206 --count 40 --mode insn \
	--paging both --limit 3 > /tmp/vmx-fuzz.out 2>&1
st=$?
tail -n 20 /tmp/vmx-fuzz.out
[ $st = 0 ] || fail "guest_fuzz exited $st"
grep "VM entry refused" /tmp/vmx-fuzz.out | grep -q "no check of ours names it" &&
	fail "a refused VM entry no check of ours could name"
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "vmx-fuzz: ok"
