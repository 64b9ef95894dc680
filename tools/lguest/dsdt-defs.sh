#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dsdt-defs.sh UAPI - the numbers dsdt.asl takes from lguest.h, as #defines
# for cpp: each numeric LGUEST_* without its C integer suffix, which iasl
# cannot read, and WINDOWS, a WINDOW(NN, N, BASE, IRQ) per virtio-mmio
# window, worked out here because iasl folds no sums in a resource template.
set -eu
defs=$(sed -n 's/^#define[[:space:]]\{1,\}\(LGUEST_[A-Z0-9_]\{1,\}\)[[:space:]]\{1,\}\(0x[0-9a-fA-F]\{1,\}\|[0-9]\{1,\}\)[uUlL]*[[:space:]]*$/#define \1 \2/p' "$1")
num() {
	v=$(echo "$defs" | awk -v n="$1" '$2 == n { print $3 }')
	[ -n "$v" ] || { echo "dsdt-defs.sh: no number $1 in $2" >&2; exit 1; }
	echo "$v"
}
base=$(num LGUEST_MMIO_BASE "$1")
size=$(num LGUEST_MMIO_SIZE "$1")
max=$(num LGUEST_MMIO_MAX "$1")
irq=$(num LGUEST_MMIO_IRQ_BASE "$1")
[ "$max" -le 100 ] || { echo "dsdt-defs.sh: VR00-VR99 cannot name $max windows" >&2; exit 1; }

echo "$defs"
printf '#define WINDOWS'
i=0
while [ "$i" -lt "$max" ]; do
	printf ' \\\n\tWINDOW(%02u, %u, 0x%x, %u)' "$i" "$i" $((base + i * size)) $((irq + i))
	i=$((i + 1))
done
echo
