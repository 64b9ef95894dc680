#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# sleep.sh - guest test: three rounds of "@@S0 <round> <uptime>", sleep 1,
# "@@S1 <round> <uptime>", and three of the same around "sleep 0" (@@Z0,
# @@Z1): the cost of starting a process, which is large in a TCG test host.
# The host times each round by its own clock; here, by the guest's uptime,
# the median "sleep 1" less the median "sleep 0" must be 1 s (+-5%).
name=sleep

# rounds MARK SECS: three "sleep SECS" rounds, their markers on stderr (the
# console); print the median span.
rounds() {
	spans=
	for i in 1 2 3; do
		read -r a _ < /proc/uptime
		echo "@@${1}0 $i $a" >&2
		sleep "$2"
		read -r b _ < /proc/uptime
		echo "@@${1}1 $i $b" >&2
		spans="$spans $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }')"
	done
	echo $spans | tr ' ' '\n' | sort -n | sed -n 2p
}

zero=$(rounds Z 0 | tail -n 1)
one=$(rounds S 1 | tail -n 1)
net=$(awk -v o="$one" -v z="$zero" 'BEGIN { printf "%.2f", o - z }')
msg="sleep 1 took $one s of guest uptime, sleep 0 $zero s: the timer $net s"
if awk -v n="$net" 'BEGIN { exit !(n >= 0.95 && n <= 1.05) }'; then
	echo "@@GUEST $name PASS $msg"
else
	echo "@@GUEST $name FAIL $msg"
fi
