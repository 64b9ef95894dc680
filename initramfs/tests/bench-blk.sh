#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-blk.sh - guest side of the block figures (tests/host/cases/
# bench-blk.sh): lgio's native-AIO O_DIRECT I/O on /dev/vda at queue depth
# 1 and 32, sequential 1 MiB (64 MiB moved) and random 4 KiB (3 s).  Each
# figure is fenced by "@@BLK start NAME" and its "@@IO" line with a quiet
# second either side, in which the host reads the device's counters.
name=bench-blk
. /lib/lgtest.sh
mb=64
secs=3

wait_disk vda
export LGIO_LIMIT=60
for qd in 1 32; do
	for mode in seqwrite seqread randread randwrite; do
		case $mode in
		seq*) arg=$mb ;;
		*) arg=$secs ;;
		esac
		echo "@@BLK start $mode-qd$qd"
		sleep 1
		lgio $mode /dev/vda $arg $qd || fail "$mode at queue depth $qd"
		sleep 1
	done
done
pass "block figures"
