#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cli.sh - the launcher's command line, on this machine (no module needed):
# --help and --version succeed; bad options, missing files and bad sizes get
# exactly one stderr line starting "lguest: " and exit status 2.
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
if [ ! -e /dev/lguest ]; then
	expect no-device 1 "lguest: /dev/lguest not found: load the module first" --kernel "$tmp/file"
fi
