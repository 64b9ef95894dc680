#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timekeeping.sh - guest test: "@@T0 <uptime>", sleep 10 s, "@@T1 <uptime>".
# The host stamps both lines by its own clock and compares the two spans
# (within 1%); here, the guest only checks that its clock saw the sleep.
name=timekeeping
read -r t0 _ < /proc/uptime
echo "@@T0 $t0"
sleep 10
read -r t1 _ < /proc/uptime
echo "@@T1 $t1"
d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
if awk -v d="$d" 'BEGIN { exit !(d >= 10 && d < 10.5) }'; then
	echo "@@GUEST $name PASS sleep 10 took $d s of guest uptime"
else
	echo "@@GUEST $name FAIL sleep 10 took $d s of guest uptime"
fi
