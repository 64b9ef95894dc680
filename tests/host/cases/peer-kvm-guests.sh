# SPDX-License-Identifier: GPL-2.0
# peer-kvm-guests: the raw test guests (tests/guests) checked under plain KVM
# with tests/tools/kvm_peer, which lays them out as "lguest --raw" does:
# what must pass passes (hello, paging, entry, hypercall-short, memory and its RAM
# dump), what is lguest's own fails as it must (cpuid, timer, sleep: the
# negative controls), every hostile guest dies, and SIGINT stops a spinning
# one.  Validates the guests and their host-side checks without lguest.
. "$LG_TOP/tests/host/lib.sh"

t_start=$(date +%s)
kmod kvm_amd || fail "cannot load kvm_amd"
[ -c /dev/kvm ] || fail "no /dev/kvm"
kvm_hold

step "hello.bin"
expect_guest_pass kvm hello --mem 64M
printf 'Hello from an lguest guest\nhello: PASS\n' | cmp - "$guest_out" ||
	fail "stdout is not exactly the guest's two lines"

step "paging.bin: the MMU checks hold under KVM too"
expect_guest_pass kvm paging --mem 16M

step "entry.bin, 64M and 1026M"
expect_guest_pass kvm entry --mem 64M
grep -qx "entry: ram 67108864" "$guest_out" || fail "RDI is not the RAM size"
expect_guest_pass kvm entry --mem 1026M
grep -qx "entry: ram 2 MiB pages checked 513" "$guest_out" || fail "not all of RAM was walked"

step "hypercall-short.bin: KVM answers -KVM_ENOSYS (-1000)"
expect_guest_pass kvm hypercall-short --mem 64M
grep -qx "hypercall: nop returned 0xfffffffffffffc18" "$guest_out" ||
	fail "the NOP did not return -1000 under KVM"
grep -qE "^hypercall: count 10000 returned-0 0 cycles [0-9]+$" "$guest_out" ||
	fail "no count line"
grep -qE "^@@RT hypercall [0-9]+$" "$guest_out" || fail "no @@RT hypercall line"
grep -qE "^@@RT cpuid [0-9]+$" "$guest_out" || fail "no @@RT cpuid line"

step "memory.bin, 64M, --dump-ram"
LG_GUEST_TIMEOUT=90 expect_guest_pass kvm memory --mem 64M --dump-ram /tmp/ram.kvm
grep -qx "memory: PASS 65011712 bytes" "$guest_out" || fail "not all 62 MiB were checked"
check_ram_dump /tmp/ram.kvm 67108864 "$LG_GUESTS/memory.bin"
rm -f /tmp/ram.kvm

step "negative controls: lguest's own guests fail under KVM"
expect_guest_fail kvm cpuid --mem 64M
grep -q "leaf 0x40000100 ebx 0x[0-9a-f]* want 0x6575674c MISMATCH" "$guest_out" ||
	fail "cpuid did not fail on the signature"
expect_guest_fail kvm timer --mem 64M
expect_guest_fail kvm sleep --mem 64M

step "hostile guests die"
for g in hostile-past-ram hostile-high-gpa hostile-maxphys hostile-noncanon \
		hostile-triple hostile-vmrun hostile-vmsave hostile-clgi hostile-stgi; do
	expect_guest_killed kvm $g --mem 64M
done

step "hostile-spin.bin, then SIGINT"
# Tearing a KVM guest down takes most of a second under TCG: allow 3 s.
expect_stops_on_sigint kvm 3000

kvm_release
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"
echo "peer-kvm-guests: ok ($(($(date +%s) - t_start)) s)"
