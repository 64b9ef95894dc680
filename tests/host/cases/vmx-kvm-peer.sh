# SPDX-License-Identifier: GPL-2.0
# vmx-kvm-peer: the control of make check-vmx: Bochs' VMX runs the raw test
# guests under the stock kvm_intel (tests/tools/kvm_peer), so a raw-guest
# case that then fails under lguest fails for lguest's sake, not Bochs'.
# Also times a guest under Bochs' VMX.  kvm_intel is unloaded after: it
# would hold VMX (VMXON) against lguest.ko.
. "$LG_TOP/tests/host/lib.sh"

kmod kvm_intel || fail "cannot load kvm_intel"
[ -c /dev/kvm ] || fail "no /dev/kvm"
step "hello.bin under KVM"
expect_guest_pass kvm hello --mem 16M
step "paging.bin under KVM"
expect_guest_pass kvm paging --mem 16M
rmmod kvm_intel || fail "rmmod kvm_intel failed"
rmmod kvm 2>/dev/null
echo "vmx-kvm-peer: ok"
