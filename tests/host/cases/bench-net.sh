# SPDX-License-Identifier: GPL-2.0
# bench-net: the network figures behind "make bench", lguest (lguest_dev.ko's
# virtio-net, host interfaces lg0 and lg1) and the peer (KVM + QEMU microvm,
# tap + vhost-net) side by side in one test-host boot.  Each side runs two
# guests (lgtest=bench-net, initramfs/tests/bench-net.sh) whose interfaces
# are ports of one Linux bridge, br-lgn, the host's 10.0.9.1.  Figures,
# "@@BENCH <metric> <who> <value> <unit>": TCP guest to host, host to guest
# and guest a to guest b (MB/s, as the receiver saw it), 1-byte TCP
# request/response between guest a and the host (transactions, /s), and the
# ceiling: the same TCP over the test host's own loopback (who "host").  A
# figure that did not come says n/a.
. "$LG_TOP/tests/host/lib.sh"

lgio=$LG_TOP/build/lgio
mb=${LG_NET_MB:-64}
rrs=${LG_NET_RR:-5}
append="$LG_LINUX_APPEND lgtest=bench-net lgnetmb=$mb lgnetrr=$rrs"
[ -x "$lgio" ] || fail "no $lgio: run make"

# bench METRIC WHO LINE UNIT: a figure from an "@@IO <what> <value> ..."
# LINE (none: n/a).
bench() {
	_v=$(echo "$3" | awk '$1 == "@@IO" { print $3 }')
	echo "@@BENCH $1 $2 ${_v:-n/a} $4"
}

# Leftovers of an earlier run in this boot go first.
ip link del br-lgn 2>/dev/null
for i in tap0 tap1; do ip link del $i 2>/dev/null; done

step "host: TCP over the test host's loopback (the ceiling)"
# The test host leaves lo down; it is put back as it was at the end.
lo_was_up=$(ip -o link show lo | grep -c "[<,]UP[,>]")
ip link set lo up || fail "cannot set lo up"
lmb=$((mb * 16))
LGIO_LIMIT=60 "$lgio" recv 5009 $lmb > /tmp/bn-lo-rx.out 2>&1 &
lrx=$!
LGIO_LIMIT=60 "$lgio" send 127.0.0.1 5009 $lmb > /tmp/bn-lo-tx.out 2>&1
wait $lrx
sed "s/^/  loopback: /" /tmp/bn-lo-rx.out /tmp/bn-lo-tx.out
bench tcp-host-loopback host "$(grep -a '^@@IO recv ' /tmp/bn-lo-rx.out)" MB/s

kmod bridge || fail "cannot load bridge"
ip link add br-lgn type bridge forward_delay 0 || fail "cannot add br-lgn"
ip addr add 10.0.9.1/24 dev br-lgn && ip link set br-lgn up || fail "cannot configure br-lgn"

# enslave IF: make IF (once it exists) a port of br-lgn.
enslave() {
	wait_for 60 test -e "/sys/class/net/$1" || { echo "bench-net: no $1"; return 1; }
	ip link set "$1" master br-lgn && ip link set "$1" up ||
		echo "bench-net: cannot put $1 in br-lgn"
}

# net_run TAG IFA IFB START: run guest b (interface IFB) as TAG-b, then
# once it listens guest a (interface IFA) as TAG-a, with the host's ends:
# lgio receiving on port 5000 (/tmp/TAG-rx.out), answering requests on
# port 5003 (/tmp/TAG-rr.out), and sending to guest a's port 5001 once it
# listens.  "START ROLE TAG" runs one guest as lg_run_stamped TAG.
net_run() {
	_tag=$1 _ifa=$2 _ifb=$3 _start=$4
	rm -f "/tmp/$_tag-rx.out" "/tmp/$_tag-tx.out" "/tmp/$_tag-rr.out"
	LGIO_LIMIT=300 "$lgio" recv 5000 "$mb" > "/tmp/$_tag-rx.out" 2>&1 &
	_rx=$!
	LGIO_LIMIT=300 "$lgio" rrserve 5003 > "/tmp/$_tag-rr.out" 2>&1 &
	_rr=$!
	rm -f "/tmp/$_tag-a.out"
	LG_LINUX_TIMEOUT=300 $_start b "$_tag-b" &
	_jb=$!
	enslave "$_ifb"
	if_stats "$_tag" "$_ifa" "$_ifb" > "/tmp/$_tag-stats.out" &
	_st=$!
	if wait_for 120 guest_listens "$_tag-b" 5002; then
		LG_LINUX_TIMEOUT=240 $_start a "$_tag-a" &
		_ja=$!
		enslave "$_ifa"
		if wait_for 200 guest_listens "$_tag-a" 5001 &&
		   linux_has "$_tag-a" "@@IO listening 5001"; then
			LGIO_LIMIT=120 "$lgio" send 10.0.9.2 5001 $((mb * 4)) \
				> "/tmp/$_tag-tx.out" 2>&1
		fi
		wait $_ja
	else
		echo "bench-net: guest b of $_tag did not listen"
		kill $_st
	fi
	wait $_jb
	kill $_rx $_rr 2>/dev/null
	wait $_rx $_rr $_st 2>/dev/null
	cat "/tmp/$_tag-stats.out"
	linux_show "$_tag-b"
	[ ! -f "/tmp/$_tag-a.out" ] || linux_show "$_tag-a"
	sed "s/^/  $_tag host recv: /" "/tmp/$_tag-rx.out"
	sed "s/^/  $_tag host rrserve: /" "/tmp/$_tag-rr.out"
	[ ! -f "/tmp/$_tag-tx.out" ] || sed "s/^/  $_tag host send: /" "/tmp/$_tag-tx.out"
}

# if_stats TAG IF...: every second until TAG-a has exited, keep each IF's
# last packet counters in /tmp/TAG-IF.stats (an lguest interface goes with
# its guest), and print them at the end: the drops tell a host that sent
# faster than the guest took.
if_stats() {
	_t=$1
	shift
	for _i in "$@"; do rm -f "/tmp/$_t-$_i.stats"; done
	until grep -q -a "@@EXIT " "/tmp/$_t-a.out" 2>/dev/null; do
		for _i in "$@"; do
			_d=/sys/class/net/$_i/statistics
			[ -d "$_d" ] || continue
			_s="$_i:"
			# read, a shell builtin: no process per counter to slow the figures.
			for _c in rx_packets rx_bytes rx_dropped tx_packets tx_bytes tx_dropped; do
				read -r _n 2>/dev/null < "$_d/$_c" || break
				_s="$_s $_c $_n"
			done
			# An interface that went meanwhile keeps its last full line.
			case "$_s" in
			*tx_dropped\ [0-9]*) echo "$_s" > "/tmp/$_t-$_i.stats" ;;
			esac
		done
		sleep 1
	done
	for _i in "$@"; do
		[ ! -f "/tmp/$_t-$_i.stats" ] || sed "s/^/  $_t host /" "/tmp/$_t-$_i.stats"
	done
}

# guest_listens TAG PORT: TAG's guest listens on PORT, or never will.
guest_listens() {
	grep -q -a -E "^[0-9.]+ (@@IO listening $2|@@GUEST bench-net|@@EXIT )" \
		"/tmp/$1.out" 2>/dev/null
}

# report WHO TAG: the figures of one net_run.
report() {
	bench tcp-guest-to-host "$1" "$(grep -a '^@@IO recv ' "/tmp/$2-rx.out")" MB/s
	bench tcp-host-to-guest "$1" "$(linux_text "$2-a" "@@IO recv ")" MB/s
	bench tcp-guest-to-guest "$1" "$(linux_text "$2-b" "@@IO recv ")" MB/s
	bench tcp-rr "$1" "$(linux_text "$2-a" "@@IO rr ")" /s
	for _g in a b; do
		linux_has "$2-$_g" "@@GUEST bench-net PASS" ||
			echo "bench-net: $1 guest $_g did not pass (exit status $(linux_rc "$2-$_g"))"
	done
}

# lguest first (lguest and KVM never share AMD-V).
step "lguest: virtio-net of lguest_dev.ko, lg0 and lg1 in br-lgn"
load_lguest dev
# lg_guest ROLE TAG: one lguest guest, a on lg0, b on lg1.
lg_guest() {
	_if=lg0
	[ "$1" = b ] && _if=lg1
	lg_run_stamped "$2" "$LG_LAUNCHER" --kernel "$LG_LINUX_KERNEL" \
		--initrd "$LG_LINUX_INITRD" --mem 256M --net "$_if" \
		--append "$append lgnet=$1"
}
net_run bnlg lg0 lg1 lg_guest
report lguest bnlg
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"

step "peer: KVM + QEMU microvm, virtio-net-device on tap0 and tap1 in br-lgn"
kmod kvm_amd || fail "cannot load kvm_amd"
kmod tun || fail "cannot load tun"
vhost=off
kmod vhost_net 2>/dev/null
[ -c /dev/vhost-net ] && vhost=on
for i in tap0 tap1; do
	ip tuntap add $i mode tap vnet_hdr || fail "cannot add $i"
	ip link set $i master br-lgn && ip link set $i up || fail "cannot put $i in br-lgn"
done
printf 'quit\n' | timeout -k 2 30 qemu-system-x86_64 -machine none -nodefaults \
	-display none -monitor stdio \
	-netdev "tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=$vhost" \
	> /tmp/bench-net.probe 2>&1 || {
	echo "bench-net: QEMU refused vhost=$vhost: $(grep -v -e '^QEMU' -e '^(qemu)' \
		/tmp/bench-net.probe | head -n 1)"
	vhost=off
}
qver=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([^ ]*\).*/\1/p')
settings="peer settings: QEMU $qver microvm, virtio-mmio v2, net tap vhost=$vhost, two guests"
echo "bench-net: $settings"
echo "@@BENCHNOTE $settings"
# kvm_guest ROLE TAG: one peer guest, a on tap0, b on tap1.
kvm_guest() {
	_n=0
	[ "$1" = b ] && _n=1
	lg_run_stamped "$2" qemu-system-x86_64 -enable-kvm -cpu host \
		-M microvm,acpi=on,pit=off,pic=off,rtc=off -m 256 -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-global virtio-mmio.force-legacy=false \
		-kernel "$LG_LINUX_KERNEL" -initrd "$LG_LINUX_INITRD" -append "$append lgnet=$1" \
		-netdev "tap,id=n0,ifname=tap$_n,script=no,downscript=no,vhost=$vhost" \
		-device "virtio-net-device,netdev=n0,mac=52:54:00:12:34:5$_n"
}
# A second try if guest a did not finish: the peer's guest has been seen
# to reset under this load in the TCG test host.
for tag in bnkvm bnkvm2; do
	net_run "$tag" tap0 tap1 kvm_guest
	linux_has "$tag-a" "@@GUEST bench-net PASS" && break
	echo "bench-net: the peer's guest a did not finish (exit status $(linux_rc "$tag-a"))"
done
report kvm "$tag"
ip link del br-lgn
ip link del tap0
ip link del tap1
rmmod vhost_net vhost vhost_iotlb tap tun 2>/dev/null
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"
rmmod bridge stp llc 2>/dev/null
[ "$lo_was_up" != 0 ] || ip link set lo down
echo "bench-net: done"
