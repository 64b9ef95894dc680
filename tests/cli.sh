#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cli.sh - the launcher's command line, on this machine (no module needed):
# --help and --version succeed; bad options, missing files, bad sizes and
# bzImage problems (not a bzImage, RAM, initrd, command line) get exactly
# one stderr line starting "lguest: " and exit status 2.
top=$(cd "$(dirname "$0")/.." && pwd)
lg=$top/tools/lguest/lguest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "not a kernel" > "$tmp/file"

# expect NAME STATUS STDERR-PREFIX ARGS...
expect() {
	name=$1 want_rc=$2 want=$3
	shift 3
	"$lg" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	why=
	[ $rc = "$want_rc" ] || why="exit status $rc, want $want_rc"
	if [ -n "$want" ]; then
		[ "$(wc -l < "$tmp/err")" = 1 ] || why="$why; want one stderr line, got $(wc -l < "$tmp/err")"
		case "$(cat "$tmp/err")" in
		"$want"*) ;;
		*) why="$why; stderr '$(cat "$tmp/err")' does not start with '$want'" ;;
		esac
	fi
	if [ -z "$why" ]; then
		echo "PASS cli/$name"
	else
		echo "FAIL cli/$name: $why"
	fi
}

expect help 0 "" --help
grep -q '^Usage: lguest --kernel' "$tmp/out" || echo "FAIL cli/help-text: no usage line"
expect version 0 "" --version
grep -q '^lguest launcher .*, ABI [0-9]' "$tmp/out" || echo "FAIL cli/version-text: $(cat "$tmp/out")"
expect no-args 2 "lguest: give exactly one of --kernel or --raw"
expect both-modes 2 "lguest: give exactly one of --kernel or --raw" --kernel "$tmp/file" --raw "$tmp/file"
expect unknown-option 2 "lguest: unknown option '--frobnicate'" --frobnicate
expect missing-arg 2 "lguest: option --mem needs an argument" --raw "$tmp/file" --mem
expect stray-arg 2 "lguest: unexpected argument 'extra'" --raw "$tmp/file" extra
expect missing-kernel 2 "lguest: cannot open kernel '$tmp/nope': No such file or directory" --kernel "$tmp/nope"
expect missing-initrd 2 "lguest: cannot open initrd '$tmp/nope'" --kernel "$tmp/file" --initrd "$tmp/nope"
expect kernel-is-dir 2 "lguest: kernel '$tmp' is not a regular file" --kernel "$tmp"
expect mem-zero 2 "lguest: --mem 0: guest RAM must be at least 2M" --kernel "$tmp/file" --mem 0
expect mem-junk 2 "lguest: --mem lots: not a size" --kernel "$tmp/file" --mem lots
expect mem-overflow 2 "lguest: --mem 99999999999G: too large" --kernel "$tmp/file" --mem 99999999999G
expect mem-unaligned 2 "lguest: --mem 3000001: not a multiple of 4K" --kernel "$tmp/file" --mem 3000001
expect initrd-with-raw 2 "lguest: --initrd and --append go with --kernel" --raw "$tmp/file" --initrd "$tmp/file"
expect kernel-passwd 2 "lguest: kernel '/etc/passwd' is not a bzImage" --kernel /etc/passwd
expect kernel-tiny 2 "lguest: kernel '$tmp/file' is not a bzImage (only 13 bytes)" --kernel "$tmp/file"
if "$lg" --help | grep -q '3 guest rebooted, 4 guest kernel panicked'; then
	echo "PASS cli/help-exit-statuses"
else
	echo "FAIL cli/help-exit-statuses: --help does not document exit statuses 3 and 4"
fi
if [ ! -e /dev/lguest ]; then
	expect no-device 1 "lguest: /dev/lguest not found: load the module first" --raw "$tmp/file"
fi

# The real kernel the test host boots: its checks all happen before the
# launcher opens /dev/lguest, so they work on a machine without the module.
kernel=$(sed -n 's/^HOST_KERNEL := //p' "$top/build/config.mk" 2>/dev/null)
if [ ! -f "$kernel" ]; then
	echo "FAIL cli/host-kernel: no HOST_KERNEL in build/config.mk (run make)"
	exit 0
fi
truncate -s 100M "$tmp/big.img"
long=$(head -c 3000 /dev/zero | tr '\0' x)
expect kernel-mem-zero 2 "lguest: --mem 0: guest RAM must be at least 2M" --kernel "$kernel" --mem 0
expect kernel-mem-over-3g 2 "lguest: --mem: a --kernel guest has at most 3 GiB of RAM" --kernel "$kernel" --mem 4G
expect kernel-mem-too-small 2 "lguest: kernel '$kernel' needs 80 MiB of guest RAM" --kernel "$kernel" --mem 32M
expect initrd-too-big 2 "lguest: initrd '$tmp/big.img' (100 MiB) does not fit in 128 MiB of guest RAM with the kernel; use a larger --mem" \
	--kernel "$kernel" --initrd "$tmp/big.img" --mem 128M
expect append-too-long 2 "lguest: command line is 3000 bytes, the kernel takes at most 2047" \
	--kernel "$kernel" --append "$long"
if [ ! -e /dev/lguest ]; then
	expect kernel-no-device 1 "lguest: /dev/lguest not found: load the module first" --kernel "$kernel"
	# -v: the layout, then the missing device.
	"$lg" -v --kernel "$kernel" --initrd "$tmp/big.img" --mem 256M --append "console=ttyS0 quiet" \
		> "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ $rc = 1 ] && grep -q "^lguest: kernel '$kernel': .* loaded at 0x1000000, " "$tmp/err" &&
	   grep -q "^lguest: initrd '$tmp/big.img': 0x9c00000-0x10000000 " "$tmp/err" &&
	   grep -q '^lguest: command line at 0x20000: "console=ttyS0 quiet"$' "$tmp/err" &&
	   [ "$(tail -n 1 "$tmp/err")" = "lguest: /dev/lguest not found: load the module first (modprobe lguest)" ]; then
		echo "PASS cli/verbose-layout"
	else
		echo "FAIL cli/verbose-layout: exit status $rc, stderr: $(tr '\n' '|' < "$tmp/err")"
	fi
fi
