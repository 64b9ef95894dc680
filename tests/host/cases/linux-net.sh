# SPDX-License-Identifier: GPL-2.0
# linux-net: virtio-net served by lguest_dev.ko.  A guest runs with
# --net lg0; the host gives lg0 10.0.9.1/24 and the guest's eth0 is
# 10.0.9.2/24.  lg0 has no carrier until the guest's driver runs the
# device.  The guest pings the host 100 times (0% loss), sends $NET_MB (50)
# MiB over TCP (sha256 compared here), receives as much (sha256 compared in
# the guest's output), and unbinds its driver for a while: lg0's carrier
# must follow.  Then two guests, on lg0 and lg1: with nothing joining the
# interfaces they cannot reach each other (no leaks between guests); on a
# host bridge they can.
. "$LG_TOP/tests/host/lib.sh"

NET_MB=${NET_MB:-50}
load_lguest dev
lg_debugfs

carrier_is() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]; }

# net_fail WHY: say what the devices and interrupts looked like, then fail.
net_fail() {
	echo "linux-net: state when it failed:"
	ip -s link show lg0 2>&1 | sed 's/^/  /'
	for d in /sys/kernel/debug/lguest/*/; do
		[ -d "$d" ] || continue
		echo "  $d"
		cat "$d/devices" "$d/interrupts" "$d/exits" 2>&1 | sed 's/^/    /'
	done
	linux_show ln
	dmesg | grep "lguest" | tail -n 5 | sed 's/^/  dmesg: /'
	fail "$*"
}

# run_net TAG IFNAME ARGS: a guest with --net IFNAME and lgtest=net ARGS.
run_net() {
	lg_run_stamped "$1" "$LG_LAUNCHER" --kernel "$LG_GUEST_KERNEL" \
		--initrd "$LG_LINUX_INITRD" --mem 384M \
		--append "$LG_LINUX_APPEND lgtest=net $3" --net "$2"
}

step "ping, $NET_MB MiB each way over lg0, carrier"
rm -f /tmp/net-rx /tmp/net-tx
head -c $((NET_MB * 1048576)) /dev/urandom > /tmp/net-tx
hsum=$(sha256sum < /tmp/net-tx | cut -d' ' -f1)
# busybox nc half-closes at its stdin's EOF, which would end the transfer.
sleep 300 | busybox nc -l -p 5000 > /tmp/net-rx &
LG_LINUX_TIMEOUT=240 run_net ln lg0 "netmb=$NET_MB netcarrier=1" &
gpid=$!
wait_for 30 test -e /sys/class/net/lg0 || fail "lg0 did not appear"
ip addr add 10.0.9.1/24 dev lg0 || fail "ip addr add on lg0"
ip link set lg0 up || fail "ip link set lg0 up"
# The guest's kernel is still starting: no driver has run the device yet.
early=$(cat /sys/class/net/lg0/carrier)
wait_for 60 linux_has ln "@@NETSUM " || net_fail "the guest sent no checksum"
carrier=$(cat /sys/class/net/lg0/carrier)
# The guest's nc ends only after ours has written everything and closed.
wait_for 120 linux_has ln "@@NET sent " || net_fail "the transfer to the host did not finish"
gsum=$(linux_text ln "@@NETSUM ")
gsum=${gsum#@@NETSUM }
rsum=$(sha256sum < /tmp/net-rx | cut -d' ' -f1)
echo "linux-net: guest sent sha256 $gsum; host got $(wc -c < /tmp/net-rx) bytes, sha256 $rsum"
wait_for 30 linux_has ln "@@NET listening" || net_fail "the guest did not listen"
sleep 0.5
timeout -k 2 120 busybox nc 10.0.9.2 5001 < /tmp/net-tx || net_fail "nc to the guest failed"
wait_for 60 linux_has ln "@@NET unbound" || net_fail "the guest did not unbind its driver"
sleep 1
unbound=$(cat /sys/class/net/lg0/carrier)
wait_for 30 linux_has ln "@@NET rebound" || net_fail "the guest did not bind its driver again"
wait_for 10 carrier_is lg0 1
rebound=$(cat /sys/class/net/lg0/carrier)
ip -s link show lg0 | sed 's/^/  /'
wait $gpid
linux_show ln
expect_linux_pass ln net
[ "$rsum" = "$gsum" ] || fail "what the host received differs from what the guest sent"
got=$(linux_text ln "@@NETGOT ")
echo "linux-net: host sent sha256 $hsum; guest: ${got#@@NETGOT }"
[ "${got#@@NETGOT $hsum }" != "$got" ] || fail "what the guest received differs from what the host sent"
echo "linux-net: lg0 carrier: $early before the driver, $carrier running, $unbound unbound, $rebound bound again"
[ "$early$carrier$unbound$rebound" = 0101 ] ||
	fail "lg0's carrier did not follow the guest's driver (want 0 1 0 1)"
wait_for 5 sh -c "! ip link show lg0 > /dev/null 2>&1" || fail "lg0 outlived its guest"
rm -f /tmp/net-rx /tmp/net-tx

# two_guests TAG BRIDGE WAIT: guests TAG-a on lg0 (10.0.9.2) and TAG-b on
# lg1 (10.0.9.3), each pinging the other; with BRIDGE=1 lg0 and lg1 join
# br0 as they appear.
two_guests() {
	run_net "$1a" lg0 "netip=10.0.9.2 nethost=10.0.9.3 netping=20 netwait=$3 netlinger=8" &
	_pa=$!
	run_net "$1b" lg1 "netip=10.0.9.3 nethost=10.0.9.2 netping=20 netwait=$3 netlinger=8" &
	_pb=$!
	for _i in lg0 lg1; do
		wait_for 30 test -e "/sys/class/net/$_i" || fail "$_i did not appear"
		[ "$2" = 0 ] || ip link set "$_i" master br0 || fail "ip link set $_i master br0"
		ip link set "$_i" up || fail "ip link set $_i up"
	done
	wait $_pa
	wait $_pb
	linux_show "$1a"
	linux_show "$1b"
}

step "two guests, nothing joining lg0 and lg1: they cannot reach each other"
two_guests nn 0 5
for g in nna nnb; do
	expect_linux_init $g
	linux_text $g "@@GUEST net FAIL" | grep -q "no reply" ||
		fail "$g reached the other guest with nothing joining their interfaces"
done

step "two guests on a host bridge reach each other"
[ -d /sys/module/bridge ] || kmod bridge || fail "cannot load the bridge module"
ip link add br0 type bridge || fail "ip link add br0"
ip link set br0 up || fail "ip link set br0 up"
two_guests br 1 30
ip link del br0
rmmod bridge stp llc 2>/dev/null
expect_linux_pass bra net
expect_linux_pass brb net

rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-net: ok"
