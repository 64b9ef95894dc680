#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-net.sh - guest side of the bench's network figures (lgio, "@@IO"
# lines).  Two guests on one bridge with the host (10.0.9.1):
# lgnet=a (10.0.9.2) sends lgnetmb=N MiB to the host's port 5000, receives
# 4N MiB on its port 5001, runs lgnetrr=S seconds of 1-byte request/response
# against the host's port 5003, then sends N MiB to guest b's port 5002;
# lgnet=b (10.0.9.3) only receives those on port 5002.
name=bench-net
. /lib/lgtest.sh
host=10.0.9.1
role=a mb=16 rr=5
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	lgnet=*) role=${arg#lgnet=} ;;
	lgnetmb=*) mb=${arg#lgnetmb=} ;;
	lgnetrr=*) rr=${arg#lgnetrr=} ;;
	esac
done
case "$role" in
a) me=10.0.9.2 ;;
b) me=10.0.9.3 ;;
*) fail "lgnet=$role: want a or b" ;;
esac

[ -e /sys/class/net/eth0 ] || fail "no eth0"
ip link set lo up
ip addr add "$me/24" dev eth0 || fail "ip addr add $me"
ip link set eth0 up || fail "ip link set eth0 up"
# The host may still be configuring its end: wait up to 30 s for a reply.
i=0
until ping -c 1 -W 1 "$host" > /dev/null 2>&1; do
	i=$((i + 1))
	[ "$i" -lt 30 ] || fail "no reply from $host in 30 s"
done
echo "@@NET up $role"

# irqs WHEN: the virtio interrupts taken so far (cumulative), to compare
# what each figure cost in interrupts on either hypervisor.
irqs() {
	grep -i virtio /proc/interrupts | awk -v w="$1" '{ printf "@@NOTE irq %s %s %s\n", w, $NF, $2 }'
}
if [ "$role" = b ]; then
	LGIO_LIMIT=400 lgio recv 5002 "$mb" || fail "receiving from guest a"
	irqs after-recv
	pass "role b"
	exit 0
fi
export LGIO_LIMIT=120
irqs before
lgio send "$host" 5000 "$mb" || fail "sending to $host:5000"
irqs after-send
# The host sends once it sees lgio's "@@IO listening 5001".
# Four times as much: host to guest runs fastest, and should last seconds too.
lgio recv 5001 $((mb * 4)) || fail "receiving on port 5001"
irqs after-recv
lgio rr "$host" 5003 "$rr" || fail "request/response with $host:5003"
irqs after-rr
lgio send 10.0.9.3 5002 "$mb" || fail "sending to guest b"
irqs after-send-to-b
pass "role a"
