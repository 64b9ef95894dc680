# SPDX-License-Identifier: GPL-2.0
# guest-hostile-mmio: device-memory accesses the MMIO emulation refuses.
# Each guest prints the RIP of its act, then must be killed: the launcher
# exits 1 with one line "lguest: guest killed: <why>", and <why> names
# that RIP, the address and (for what cannot be decoded) the bytes:
#  - hostile-mmio-lock: LOCK OR (f0 83 0b 01) on the IOAPIC at 0xfec00000;
#  - hostile-mmio-rep: REP MOVSL (f3 a5) from the IOAPIC;
#  - hostile-mmio-unbacked: a load from 0xe0000000, where no device is.
# Afterwards the module must still run a guest and unload.
. "$LG_TOP/tests/host/lib.sh"

# expect_mmio_kill NAME ACT WHY...: NAME.bin prints "NAME: ACT... at rip
# R", is killed, and the reason contains "at rip R" and every WHY.
expect_mmio_kill() {
	_name=$1 _act=$2
	shift 2
	step "$_name.bin"
	expect_guest_killed lguest "$_name" --mem 64M
	grep -q "^$_name: $_act" "$guest_out" || fail "$_name did not get to its act"
	_rip=$(sed -n "s/^$_name: .* at rip \(0x[0-9a-f]*\)\$/\1/p" "$guest_out")
	[ -n "$_rip" ] || fail "$_name printed no rip"
	_why=$(cat "$guest_err")
	for _w in "at rip $_rip" "$@"; do
		case "$_why" in
		*"$_w"*) ;;
		*) fail "$_name: the kill reason lacks '$_w'" ;;
		esac
	done
}

load_lguest
expect_mmio_kill hostile-mmio-lock "lock or on guest-physical 0xfec00000" \
	"lguest: guest killed: cannot emulate the instruction" \
	"(f0 83 0b 01 " "on guest-physical address 0xfec00000"
expect_mmio_kill hostile-mmio-rep "rep movsl from guest-physical 0xfec00000" \
	"lguest: guest killed: cannot emulate the instruction" \
	"(f3 a5 " "on guest-physical address 0xfec00000"
expect_mmio_kill hostile-mmio-unbacked "reading guest-physical 0xe0000000" \
	"lguest: guest killed: read of unbacked guest-physical address 0xe0000000 at rip "
step "the module still runs guests"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hostile-mmio: ok"
