#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# rng.sh - guest test: /dev/hwrng is virtio-rng and yields 4 KiB of bytes
# that are not all alike.
name=rng
cur=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)
case "$cur" in
virtio_rng*) ;;
*) echo "@@GUEST $name FAIL rng_current is '$cur'"; exit 1 ;;
esac
n=$(dd if=/dev/hwrng bs=4096 count=1 2>/dev/null | od -An -v -tx1 | tr -s ' ' '\n' | grep -c .)
distinct=$(dd if=/dev/hwrng bs=4096 count=1 2>/dev/null | od -An -v -tx1 | tr -s ' ' '\n' | grep . | sort -u | wc -l)
if [ "$n" = 4096 ] && [ "$distinct" -gt 200 ]; then
	echo "@@GUEST $name PASS $n bytes from $cur, $distinct distinct values"
else
	echo "@@GUEST $name FAIL read $n bytes, $distinct distinct values"
fi
