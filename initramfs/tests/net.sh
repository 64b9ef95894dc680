#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# net.sh - guest test: eth0 is virtio-net, its other end the host's lg0
# (10.0.9.1).  Pings the host (netping=N times, 0% loss required), sends
# netmb=N MiB of random data to the host's TCP port 5000 (its sha256 is
# printed as @@NETSUM for the host to compare), then receives what the
# host sends to our port 5001 and prints its sha256 as @@NETGOT.
# netmb=0: ping only.  netwait=N: give up on a first reply after N s.
name=net
host=10.0.9.1
pings=100
mb=0
wait=20
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	netping=*) pings=${arg#netping=} ;;
	netmb=*) mb=${arg#netmb=} ;;
	netwait=*) wait=${arg#netwait=} ;;
	esac
done
fail() {
	echo "@@GUEST $name FAIL $*"
	exit 1
}

drv=$(basename "$(readlink /sys/class/net/eth0/device/driver 2>/dev/null)")
[ "$drv" = virtio_net ] || fail "eth0's driver is '$drv'"
ip link set lo up
ip addr add 10.0.9.2/24 dev eth0 || fail "ip addr add"
ip link set eth0 up || fail "ip link set eth0 up"
echo "@@NET eth0 $(cat /sys/class/net/eth0/address) mtu $(cat /sys/class/net/eth0/mtu) carrier $(cat /sys/class/net/eth0/carrier)"

# The host may still be configuring lg0: wait (netwait=, 20 s) for a reply.
i=0
until ping -c 1 -W 1 "$host" > /dev/null 2>&1; do
	i=$((i + 1))
	[ "$i" -lt "$wait" ] || fail "no reply from $host in $wait s"
done
out=$(ping -c "$pings" -i 0.05 -W 2 "$host" 2>&1 | tail -n 2 | tr '\n' ' ')
echo "@@NET ping: $out"
case "$out" in
*" $pings packets received, 0% packet loss"*) ;;
*) fail "ping: $out" ;;
esac
if [ "$mb" = 0 ]; then
	echo "@@GUEST $name PASS $pings pings, 0% loss"
	exit 0
fi

# Guest -> host.
head -c $((mb * 1048576)) /dev/urandom > /tmp/tx || fail "cannot make /tmp/tx"
echo "@@NETSUM $(sha256sum < /tmp/tx | cut -d' ' -f1)"
i=0
t0=$(cut -d' ' -f1 /proc/uptime)
until nc "$host" 5000 < /tmp/tx; do
	i=$((i + 1))
	[ "$i" -lt 20 ] || fail "cannot connect to $host:5000"
	sleep 1
done
t1=$(cut -d' ' -f1 /proc/uptime)
echo "@@NET sent $mb MiB in $t0..$t1 s"
rm -f /tmp/tx

# Host -> guest: the host sends as much; our nc would half-close at its
# stdin's EOF, and ash's wait would wait for the sleep too, so the length
# of /tmp/rx says when it is done.
sleep 1000 | nc -l -p 5001 > /tmp/rx &
echo "@@NET listening on 5001"
i=0
until [ "$(wc -c < /tmp/rx)" -ge $((mb * 1048576)) ]; do
	i=$((i + 1))
	[ "$i" -lt 600 ] || fail "received $(wc -c < /tmp/rx) bytes in 60 s"
	sleep 0.1
done
echo "@@NETGOT $(sha256sum < /tmp/rx | cut -d' ' -f1) $(wc -c < /tmp/rx) bytes"
echo "@@GUEST $name PASS $pings pings, $mb MiB each way"
