# SPDX-License-Identifier: GPL-2.0
# linux-net-backlog: a network device whose guest does not drain (issue 14,
# finding 15).  initramfs/tests/net-stall.sh drives the guest's virtio-net
# (--net lgtest0, slot 0) by hand: both queues live, the receive queue never
# given a buffer.  Guest -> host while the host's lgtest0 is down: its 1000
# frames are dropped and counted (rx_dropped), none enters the host stack
# (rx_packets stays 0).  Host -> guest: 3 s of 1514-byte broadcast frames
# (tests/tools/net_probe flood) on lgtest0, up: at most 512 wait for the
# guest (debugfs), the rest are dropped and counted (tx_dropped), and the
# host's slab grows by less than 8 MiB.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
lg_debugfs
LG_LINUX_APPEND="$LG_LINUX_APPEND memmap=1M\$0xf000000"
st() { cat /sys/class/net/lgtest0/statistics/"$1"; }
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
queued() {
	sed -n 's/.* \([0-9]*\) packets (\([0-9]*\) bytes) for the guest.*/\1 \2/p' \
		/sys/kernel/debug/lguest/*/devices | head -1
}

step "a guest that never posts receive buffers"
run_linux ns net-stall --net lgtest0 > /tmp/linux-net-backlog.show &
guest=$!
# Ready, or over (then linux_has fails below and the run is shown).
ready_or_over() {
	[ -e /tmp/ns.out ] && { linux_has ns "@@IO netstall ready" || linux_has ns "@@EXIT "; }
}
wait_for 120 ready_or_over
linux_has ns "@@IO netstall ready" ||
	{ wait $guest; cat /tmp/linux-net-backlog.show; fail "the guest never got ready"; }
rx_packets=$(st rx_packets) rx_dropped=$(st rx_dropped)
echo "guest -> host, lgtest0 down: rx_packets $rx_packets, rx_dropped $rx_dropped"
ip link set lgtest0 up || fail "ip link set lgtest0 up"
slab0=$(slab_kb) tx0=$(st tx_dropped)
"$LG_TOP/tests/tools/net_probe" flood lgtest0 3 || fail "flood"
slab1=$(slab_kb) tx1=$(st tx_dropped)
set -- $(queued)
q=${1:-?} qbytes=${2:-?}
echo "host -> guest: tx_dropped $tx0 -> $tx1, $q packets ($qbytes bytes) wait for the guest, slab $slab0 -> $slab1 kB"
wait $guest
cat /tmp/linux-net-backlog.show
expect_linux_pass ns net-stall

[ "$rx_packets" = 0 ] || fail "$rx_packets frames from the guest entered the host stack through a down lgtest0"
[ "$rx_dropped" -ge 1000 ] || fail "rx_dropped $rx_dropped, want >= 1000"
[ "$tx1" -gt "$tx0" ] || fail "no frame toward the guest was dropped (tx_dropped $tx0 -> $tx1)"
[ "$q" != "?" ] && [ "$q" -le 512 ] || fail "$q packets queued for the guest, want <= 512"
[ $((slab1 - slab0)) -le 8192 ] || fail "the host's slab grew by $((slab1 - slab0)) kB"

rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-net-backlog: ok"
