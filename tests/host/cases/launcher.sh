# SPDX-License-Identifier: GPL-2.0
# launcher: the launcher's user-facing errors inside the test host, before
# and after the module is loaded: one "lguest: " line and the documented
# exit status for each, bzImage checks included.
. "$LG_TOP/tests/host/lib.sh"

kernel=$LG_KROOT/boot/vmlinuz-$LG_KVER
abi=$(sed -n 's/^#define LGUEST_API_VERSION[[:space:]]*//p' "$LG_TOP/include/uapi/linux/lguest.h")

step "no module: /dev/lguest missing"
[ -e /dev/lguest ] && fail "/dev/lguest exists before loading"
expect_launcher 1 "lguest: /dev/lguest not found: load the module first" --kernel "$kernel"
"$LG_LAUNCHER" --version | grep -q "module: not loaded" || fail "--version without module"

load_lguest
step "missing kernel file, module loaded"
expect_launcher 2 "lguest: cannot open kernel '/nonexistent/vmlinuz': No such file or directory" \
	--kernel /nonexistent/vmlinuz
expect_launcher 2 "lguest: --mem 0: guest RAM must be at least 2M" --kernel "$kernel" --mem 0
step "version, module loaded"
"$LG_LAUNCHER" --version | tee /tmp/ver.out
grep -q "^module: ABI $abi$" /tmp/ver.out || fail "--version does not report the module's ABI $abi"
step "bzImage checks, module loaded: still bad files and sizes, exit status 2"
expect_launcher 2 "lguest: kernel '/etc/passwd' is not a bzImage" --kernel /etc/passwd
expect_launcher 2 "lguest: --mem: a guest has at most 3 GiB of RAM" --kernel "$kernel" --mem 4G
truncate -s 100M /tmp/big.img
expect_launcher 2 "lguest: initrd '/tmp/big.img' (100 MiB) does not fit in 128 MiB of guest RAM" \
	--kernel "$kernel" --initrd /tmp/big.img --mem 128M
rm -f /tmp/big.img
step "a raw image too large for RAM"
head -c 3000000 /dev/zero > /tmp/big.bin
expect_launcher 2 "lguest: raw image '/tmp/big.bin' (3000000 bytes) does not fit in 2 MiB" \
	--raw /tmp/big.bin --mem 2M
rmmod lguest || fail "rmmod failed"
echo "launcher: ok"
