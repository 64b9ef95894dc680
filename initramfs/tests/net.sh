#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# net.sh - guest test: eth0 is virtio-net.  Gives it netip= (10.0.9.2)/24,
# waits up to netwait= (20) s for a first reply from nethost= (10.0.9.1),
# then pings it netping= (100) times (0% loss required).  With netmb=N > 0:
# sends N MiB of random data to nethost's TCP port 5000 (its sha256 printed
# as @@NETSUM for the host to compare), receives what the host sends to our
# port 5001 and prints its sha256 as @@NETGOT.  With netcarrier=1: unbinds
# the virtio_net driver for 4 s ("@@NET unbound"), binds it again
# ("@@NET rebound") and must reach nethost again.  netlinger=S: stay up S
# seconds after the pings (two guests pinging each other).
name=net
. /lib/lgtest.sh
ip=10.0.9.2
host=10.0.9.1
pings=100
mb=0
wait=20
carrier=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	netip=*) ip=${arg#netip=} ;;
	nethost=*) host=${arg#nethost=} ;;
	netping=*) pings=${arg#netping=} ;;
	netmb=*) mb=${arg#netmb=} ;;
	netwait=*) wait=${arg#netwait=} ;;
	netcarrier=*) carrier=${arg#netcarrier=} ;;
	netlinger=*) linger=${arg#netlinger=} ;;
	esac
done

# reach: wait up to $wait s for a first reply from $host.
reach() {
	i=0
	until ping -c 1 -W 1 "$host" > /dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt "$wait" ] || fail "no reply from $host in $wait s"
	done
}

dev=$(basename "$(readlink /sys/class/net/eth0/device)")
drv=$(basename "$(readlink /sys/class/net/eth0/device/driver 2>/dev/null)")
[ "$drv" = virtio_net ] || fail "eth0's driver is '$drv'"
ip link set lo up
ip addr add "$ip/24" dev eth0 || fail "ip addr add"
ip link set eth0 up || fail "ip link set eth0 up"
echo "@@NET eth0 $(cat /sys/class/net/eth0/address) mtu $(cat /sys/class/net/eth0/mtu) carrier $(cat /sys/class/net/eth0/carrier)"
reach
out=$(ping -c "$pings" -i 0.05 -W 10 "$host" 2>&1 | tail -n 2 | tr '\n' ' ')
echo "@@NET ping: $out"
case "$out" in
*" $pings packets received, 0% packet loss"*) ;;
*) fail "ping: $out" ;;
esac
# Two guests pinging each other: stay up a while for the other's pings, or
# the one that booted first powers off under the other's feet.
[ "${linger:-0}" = 0 ] || sleep "$linger"

if [ "$mb" != 0 ]; then
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

	# Host -> guest: the host sends as much; our nc would half-close at
	# its stdin's EOF, and ash's wait would wait for the sleep too, so
	# the length of /tmp/rx says when it is done.
	sleep 1000 | nc -l -p 5001 > /tmp/rx &
	echo "@@NET listening on 5001"
	i=0
	until [ "$(wc -c < /tmp/rx)" -ge $((mb * 1048576)) ]; do
		i=$((i + 1))
		[ "$i" -lt 1200 ] || fail "received $(wc -c < /tmp/rx) bytes in 120 s"
		sleep 0.1
	done
	echo "@@NETGOT $(sha256sum < /tmp/rx | cut -d' ' -f1) $(wc -c < /tmp/rx) bytes"
	rm -f /tmp/rx
fi

if [ "$carrier" = 1 ]; then
	echo "$dev" > /sys/bus/virtio/drivers/virtio_net/unbind || fail "cannot unbind virtio_net"
	echo "@@NET unbound"
	sleep 4
	echo "$dev" > /sys/bus/virtio/drivers/virtio_net/bind || fail "cannot bind virtio_net again"
	echo "@@NET rebound"
	ip addr add "$ip/24" dev eth0 || fail "ip addr add after rebinding"
	ip link set eth0 up || fail "ip link set eth0 up after rebinding"
	reach
	# Stay a while: the host looks at the carrier now.
	sleep 3
fi
pass "$pings pings, $mb MiB each way$([ "$carrier" = 1 ] && echo ", driver unbound and bound again")"
