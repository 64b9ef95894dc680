#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# modlist.sh - print, in load order and without repeats, the .ko files that
# the named modules need from an unpacked Debian kernel image.
# Usage: modlist.sh KERNEL_ROOT KVER MODULE...
set -eu
root=$1 kver=$2
shift 2
# Each module's list apart: in a pipeline a failure would be awk's to
# report, and a missing module would leave a silently smaller initramfs.
all=
for m in "$@"; do
	deps=$(modprobe -d "$root" -S "$kver" --show-depends "$m") ||
		{ echo "modlist: no module $m in $root" >&2; exit 1; }
	all="$all
$deps"
done
printf '%s\n' "$all" | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
