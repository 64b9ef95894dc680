# SPDX-License-Identifier: GPL-2.0
# bench-io: the device figures behind "make bench", lguest (lguest_dev.ko's
# virtio-blk and virtio-net) and the peer (KVM + QEMU microvm, virtio-mmio
# devices) side by side in one test-host boot: the same kernel, initramfs
# and command line (lgtest=bench-io runs initramfs/tests/bench-io.sh, whose
# lgio prints "@@IO" lines).  Figures, "@@BENCH <metric> <lguest|kvm>
# <value> <unit>": 64 MiB sequential direct write and read (MB/s), 4 KiB
# random direct reads at queue depth 1 (IOPS), and 64 MiB of TCP each way
# (MB/s, as the receiver saw it).  A figure that did not come says n/a.
. "$LG_TOP/tests/host/lib.sh"

img=/tmp/bench-io.raw
lgio=$LG_TOP/build/lgio
append="$LG_LINUX_APPEND lgtest=bench-io"
mb=64
[ -x "$lgio" ] || fail "no $lgio: run make"


# guest_waits TAG: the guest listens for the host's data, or will not.
guest_waits() {
	grep -q -a -E '^[0-9.]+ (@@IO listening 5001|@@NETFAIL|@@GUEST bench-io|@@EXIT )' \
		"/tmp/$1.out" 2>/dev/null
}

# fresh_disk: a 128 MiB raw disk, every block written (so neither side
# reads holes).  It lives in the test host's /tmp, a tmpfs, which has no
# O_DIRECT: QEMU keeps its default cache mode (not cache=none), and both
# sides' I/O goes through the test host's page cache.  The guest's own
# page cache is bypassed: lgio opens /dev/vda with O_DIRECT.
fresh_disk() {
	dd if=/dev/zero of="$img" bs=1M count=128 status=none ||
		fail "cannot make $img"
}

# io_run TAG NETIF CMD...: run CMD (a guest booting with $append, eth0
# on host interface NETIF) as lg_run_stamped TAG, with the host's end of
# the TCP figures: lgio receiving on port 5000 (/tmp/TAG-rx.out) from
# the start, and sending to the guest's port 5001 once it listens.  NETIF
# "lg0" is configured here as it appears; any other, by the caller.
io_run() {
	_tag=$1 _if=$2
	shift 2
	rm -f "/tmp/$_tag-rx.out" "/tmp/$_tag-tx.out"
	LGIO_LIMIT=200 "$lgio" recv 5000 $mb > "/tmp/$_tag-rx.out" 2>&1 &
	_rx=$!
	LG_LINUX_TIMEOUT=170 lg_run_stamped "$_tag" "$@" &
	_job=$!
	if [ "$_if" = lg0 ]; then
		if wait_for 60 test -e /sys/class/net/lg0; then
			ip addr add 10.0.9.1/24 dev lg0 && ip link set lg0 up ||
				echo "bench-io: cannot configure lg0"
		else
			echo "bench-io: lg0 did not appear"
		fi
	fi
	if wait_for 170 guest_waits "$_tag" && linux_has "$_tag" "@@IO listening 5001"; then
		LGIO_LIMIT=90 "$lgio" send 10.0.9.2 5001 $mb > "/tmp/$_tag-tx.out" 2>&1
	fi
	wait $_job
	kill $_rx 2>/dev/null
	wait $_rx 2>/dev/null
	linux_show "$_tag"
	sed "s/^/  $_tag host recv: /" "/tmp/$_tag-rx.out"
	[ ! -f "/tmp/$_tag-tx.out" ] || sed "s/^/  $_tag host send: /" "/tmp/$_tag-tx.out"
}

# bench METRIC WHO LINE UNIT: a figure from an "@@IO <what> <value> ..."
# LINE (none: n/a).
bench() {
	_v=$(echo "$3" | awk '$1 == "@@IO" { print $3 }')
	echo "@@BENCH $1 $2 ${_v:-n/a} $4"
}

# report WHO TAG: the figures of one io_run.
report() {
	[ -n "$(linux_at "$2" "@@GUEST init reached")" ] ||
		echo "$1 did not reach init (exit status $(linux_rc "$2"))"
	bench disk-seq-write-64M "$1" "$(linux_text "$2" "@@IO seqwrite ")" MB/s
	bench disk-seq-read-64M "$1" "$(linux_text "$2" "@@IO seqread ")" MB/s
	bench disk-rand-read-4k-qd1 "$1" "$(linux_text "$2" "@@IO randread ")" IOPS
	bench tcp-guest-to-host "$1" "$(grep -a '^@@IO recv ' "/tmp/$2-rx.out")" MB/s
	bench tcp-host-to-guest "$1" "$(linux_text "$2" "@@IO recv ")" MB/s
}

# lguest first: its figures are out before the peer, which has been seen
# to reset its guest or wedge the TCG test host's CPU in KVM (soft
# lockup) now and then under this load.  lguest and KVM never share
# AMD-V, so lguest's modules go before KVM's come.
step "lguest: virtio-blk and virtio-net of lguest_dev.ko"
load_lguest dev
fresh_disk
io_run blio lg0 "$LG_LAUNCHER" --kernel "$LG_LINUX_KERNEL" --initrd "$LG_LINUX_INITRD" \
	--mem 256M --append "$append" --disk "$img" --net lg0
report lguest blio
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"

step "peer: KVM + QEMU microvm, virtio-blk-device and virtio-net-device"
kmod kvm_amd || fail "cannot load kvm_amd"
kmod tun || fail "cannot load tun"
ip tuntap add tap0 mode tap || fail "cannot add tap0"
ip addr add 10.0.9.1/24 dev tap0 && ip link set tap0 up || fail "cannot configure tap0"
fresh_disk
# The fastest settings this QEMU and kernel accept: io_uring (else a
# thread pool) for the disk, vhost-net (else QEMU's own tap loop).  A
# QEMU with no machine opens the backends and quits: that tells.
vhost=off
kmod vhost_net 2>/dev/null
[ -c /dev/vhost-net ] && vhost=on
probe() {
	printf 'quit\n' | timeout -k 2 30 qemu-system-x86_64 -machine none -nodefaults \
		-display none -monitor stdio \
		-drive "id=d0,file=$img,format=raw,if=none,aio=$1" \
		-netdev "tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=$2" \
		> /tmp/bench-io.probe 2>&1
}
for try in io_uring:$vhost threads:$vhost io_uring:off threads:off; do
	aio=${try%:*} vhost=${try#*:}
	probe "$aio" "$vhost" && break
	echo "bench-io: QEMU refused aio=$aio vhost=$vhost:" \
		"$(grep -v -e '^QEMU' -e '^(qemu)' /tmp/bench-io.probe | head -n 1)"
done
qver=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([^ ]*\).*/\1/p')
settings="peer settings: QEMU $qver microvm, virtio-mmio v2 (force-legacy=false),"
settings="$settings disk aio=$aio with the default cache (writeback, host page cache),"
settings="$settings net tap vhost=$vhost"
echo "bench-io: $settings"
echo "@@BENCHNOTE $settings"
# A second try if the guest did not finish (see "lguest first" above).
for tag in bkio bkio2; do
	io_run "$tag" "" qemu-system-x86_64 -enable-kvm -cpu host \
		-M microvm,acpi=on,pit=off,pic=off,rtc=off -m 256 -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-global virtio-mmio.force-legacy=false \
		-kernel "$LG_LINUX_KERNEL" -initrd "$LG_LINUX_INITRD" -append "$append" \
		-drive "id=d0,file=$img,format=raw,if=none,aio=$aio" \
		-device virtio-blk-device,drive=d0 \
		-netdev "tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=$vhost" \
		-device virtio-net-device,netdev=n0
	linux_has "$tag" "@@GUEST bench-io PASS" && break
	echo "bench-io: the peer's guest did not finish (exit status $(linux_rc "$tag"))"
done
report kvm "$tag"
ip link del tap0
rmmod vhost_net vhost vhost_iotlb tap tun 2>/dev/null
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"
rm -f "$img"
echo "bench-io: done"
