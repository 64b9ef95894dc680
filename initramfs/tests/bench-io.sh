#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-io.sh - guest side of the bench's device figures (lgio, "@@IO"
# lines): 64 MiB sequential direct write and read of /dev/vda in 1 MiB
# blocks, 5 s of 4 KiB random direct reads; then, if there is an eth0 (the
# host is 10.0.9.1), 64 MiB over TCP to the host's port 5000 and 64 MiB
# from it on our port 5001.  A network failure is reported ("@@NETFAIL")
# but does not fail the test: the disk figures stand on their own.
name=bench-io
. /lib/lgtest.sh
host=10.0.9.1
mb=64

wait_disk vda
lgio seqwrite /dev/vda $mb || fail "seqwrite"
lgio seqread /dev/vda $mb || fail "seqread"
lgio randread /dev/vda 5 || fail "randread"

# net_fail WHY: say the network figures are lost, and end as a pass.
net_fail() {
	echo "@@NETFAIL $*"
	pass "disk figures only"
	exit 0
}

if [ ! -e /sys/class/net/eth0 ]; then
	pass "disk figures only: no eth0"
	exit 0
fi
ip link set lo up
ip addr add 10.0.9.2/24 dev eth0 || net_fail "ip addr add"
ip link set eth0 up || net_fail "ip link set eth0 up"
# The host may still be configuring its end: wait up to 30 s for a reply.
i=0
until ping -c 1 -W 1 "$host" > /dev/null 2>&1; do
	i=$((i + 1))
	[ "$i" -lt 30 ] || net_fail "no reply from $host in 30 s"
done
echo "@@NET up"
export LGIO_LIMIT=60
lgio send "$host" 5000 $mb || net_fail "sending to $host:5000"
# The host sends once it sees lgio's "@@IO listening 5001".
lgio recv 5001 $mb || net_fail "receiving on port 5001"
pass "disk and network figures"
