# SPDX-License-Identifier: GPL-2.0
# abi-compat32: a 32-bit launcher (IA32 emulation, compat_ioctl) speaks the
# same ABI: abi_probe32 (tests/tools/abi_probe.c built -m32) passes its
# probes, LGUEST_ADD_DEVICE included (the structure whose layout once
# differed), and tools/lguest built -m32 runs hello.bin to its PASS.
. "$LG_TOP/tests/host/lib.sh"

probe32=$LG_TOP/tests/tools/abi_probe32
lguest32=$LG_TOP/tools/lguest/lguest32
[ -x "$probe32" ] && [ -x "$lguest32" ] ||
	fail "no 32-bit launcher: run make test-progs (needs gcc -m32: gcc-multilib)"
load_lguest dev
step "abi_probe32"
"$probe32" || fail "abi_probe32 failed"
step "abi_probe32 dev"
"$probe32" dev || fail "abi_probe32 dev failed"
step "lguest32 --raw hello.bin"
LG_LAUNCHER=$lguest32 expect_guest_pass lguest hello --mem 16M
rmmod lguest_dev && rmmod lguest || fail "rmmod failed"
echo "abi-compat32: ok"
