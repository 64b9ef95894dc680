# SPDX-License-Identifier: GPL-2.0
# linux-net: virtio-net served by lguest_dev.ko.  The guest runs with
# --net lg0; the host gives lg0 10.0.9.1/24 and the guest's eth0 is
# 10.0.9.2/24.  The guest pings the host 100 times (0% loss), sends
# $NET_MB (8) MiB over TCP (sha256 compared here), then receives as much
# (sha256 compared in the guest's output).  Negative control: a second
# guest on lg1, which the host leaves unconfigured, must fail its ping
# (each guest has its own interface; nothing leaks to lg0's subnet).
. "$LG_TOP/tests/host/lib.sh"

NET_MB=${NET_MB:-16}
load_lguest dev
lg_debugfs

# wait_for SECS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
	_w=$(( $1 * 5 ))
	shift
	until "$@"; do
		_w=$((_w - 1))
		[ "$_w" -gt 0 ] || return 1
		sleep 0.2
	done
}
has_line() { [ -n "$(linux_text "$1" "$2")" ]; }

# net_fail WHY: say what the devices and interrupts looked like, then fail.
net_fail() {
	echo "linux-net: state when it failed:"
	ip -s link show lg0 2>&1 | sed 's/^/  /'
	for d in /sys/kernel/debug/lguest/*/; do
		[ -d "$d" ] || continue
		echo "  $d"
		cat "$d/devices" "$d/interrupts" 2>&1 | sed 's/^/    /'
	done
	linux_show ln
	fail "$*"
}
exited() { has_line "$1" "@@EXIT "; }

run_net() {
	lg_run_stamped "$1" "$LG_LAUNCHER" --kernel "$LG_LINUX_KERNEL" \
		--initrd "$LG_LINUX_INITRD" --mem 384M \
		--append "$LG_LINUX_APPEND lgtest=net $2" --net "$3"
}

step "ping and $NET_MB MiB each way over lg0"
rm -f /tmp/net-rx /tmp/net-tx
head -c $((NET_MB * 1048576)) /dev/urandom > /tmp/net-tx
hsum=$(sha256sum < /tmp/net-tx | cut -d' ' -f1)
# busybox nc half-closes at its stdin's EOF, which would end the transfer.
sleep 200 | busybox nc -l -p 5000 > /tmp/net-rx &
LG_LINUX_TIMEOUT=150 run_net ln "netmb=$NET_MB" lg0 &
gpid=$!
wait_for 30 test -e /sys/class/net/lg0 || fail "lg0 did not appear"
ip addr add 10.0.9.1/24 dev lg0 || fail "ip addr add on lg0"
ip link set lg0 up || fail "ip link set lg0 up"
wait_for 60 has_line ln "@@NETSUM " || { wait $gpid; linux_show ln; fail "the guest sent no checksum"; }
# The guest's nc ends only after ours has written everything and closed.
wait_for 90 has_line ln "@@NET sent " || net_fail "the transfer to the host did not finish"
gsum=$(linux_text ln "@@NETSUM ")
gsum=${gsum#@@NETSUM }
rsum=$(sha256sum < /tmp/net-rx | cut -d' ' -f1)
echo "linux-net: guest sent sha256 $gsum; host got $(wc -c < /tmp/net-rx) bytes, sha256 $rsum"
carrier=$(cat /sys/class/net/lg0/carrier)
wait_for 30 has_line ln "@@NET listening" || { wait $gpid; linux_show ln; fail "the guest did not listen"; }
sleep 0.5
timeout -k 2 90 busybox nc 10.0.9.2 5001 < /tmp/net-tx || net_fail "nc to the guest failed"
ip -s link show lg0 | sed 's/^/  /'
wait $gpid
linux_show ln
expect_linux_pass ln net
[ "$rsum" = "$gsum" ] || fail "what the host received differs from what the guest sent"
got=$(linux_text ln "@@NETGOT ")
echo "linux-net: host sent sha256 $hsum; guest: ${got#@@NETGOT }"
[ "${got#@@NETGOT $hsum }" != "$got" ] || fail "what the guest received differs from what the host sent"
[ "$carrier" = 1 ] || fail "lg0 had no carrier while the guest ran (carrier '$carrier')"
wait_for 5 sh -c "! ip link show lg0 > /dev/null 2>&1" || fail "lg0 outlived its guest"

step "negative control: lg1 left unconfigured"
run_net nn "netping=3 netwait=3" lg1
expect_linux_init nn
linux_text nn "@@GUEST net FAIL" | grep -q "no reply" ||
	fail "the guest on an unconfigured lg1 did not fail its ping"
echo "linux-net: negative control failed as it should: $(linux_text nn "@@GUEST net FAIL")"

rm -f /tmp/net-rx /tmp/net-tx
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-net: ok"
