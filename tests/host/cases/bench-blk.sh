# SPDX-License-Identifier: GPL-2.0
# bench-blk: the block figures, lguest (lguest_dev.ko's virtio-blk) and the
# peer (KVM + QEMU microvm, virtio-blk-device, aio=io_uring, the default
# cache) in one test-host boot, each on the same fresh 128 MiB raw image
# in the test host's /tmp (a tmpfs: both sides' I/O goes through the
# host's page cache).  lgtest=bench-blk runs initramfs/tests/bench-blk.sh:
# lgio's native-AIO O_DIRECT I/O on /dev/vda, sequential 1 MiB (MB/s) and
# random 4 KiB (IOPS), writes and reads, at queue depth 1 and 32.  While
# the guest runs, the host samples counters at each figure's fences (the
# guest is quiet for a second there): lguest's virtio-blk notifies,
# requests and interrupts (debugfs "devices"), KVM's exits, MMIO exits and
# interrupt injections (debugfs kvm/); per MiB moved, in @@BENCHNOTE lines
# (lguest's device MMIO exits: a notify each, and two per interrupt, the
# guest's status read and acknowledgement, to set against KVM's MMIO exits).
. "$LG_TOP/tests/host/lib.sh"

img=/tmp/bench-blk.raw
append="$LG_LINUX_APPEND lgtest=bench-blk"
# The guest's figures in order: lgio's name, the metric, its unit.
figures="seqwrite-qd1:disk-seq-write-1m-qd1:MB/s seqread-qd1:disk-seq-read-1m-qd1:MB/s
randread-qd1:disk-rand-read-4k-qd1:IOPS randwrite-qd1:disk-rand-write-4k-qd1:IOPS
seqwrite-qd32:disk-seq-write-1m-qd32:MB/s seqread-qd32:disk-seq-read-1m-qd32:MB/s
randread-qd32:disk-rand-read-4k-qd32:IOPS randwrite-qd32:disk-rand-write-4k-qd32:IOPS"

# fresh_disk: a 128 MiB raw disk, every block written (no holes read).
fresh_disk() {
	dd if=/dev/zero of="$img" bs=1M count=128 status=none ||
		fail "cannot make $img"
}

# lg_counters / kvm_counters: one line of "name value" pairs.
lg_counters() {
	cat /sys/kernel/debug/lguest/*/devices 2>/dev/null |
		awk '$1 == "blk" { sub(/^ *blk /, ""); print; exit }'
}
kvm_counters() {
	_d=/sys/kernel/debug/kvm
	[ -r $_d/exits ] || return 0
	echo "exits $(cat $_d/exits) mmio_exits $(cat $_d/mmio_exits)" \
		"irq_injections $(cat $_d/irq_injections)"
}

# sample TAG CMD: until /tmp/TAG.done appears, each time the count of the
# guest's fence lines ("@@BLK start", "@@IO ") changes, append "COUNT
# <CMD's counters>" to /tmp/TAG.ctr: COUNT 2i+1 is before figure i, 2i+2
# after it.
sample() {
	_n=-1
	while [ ! -e "/tmp/$1.done" ]; do
		_c=$(grep -a -c -E '^[0-9.]+ (@@BLK start|@@IO )' "/tmp/$1.out" 2>/dev/null)
		if [ -n "$_c" ] && [ "$_c" != "$_n" ]; then
			echo "$_c $($2)" >> "/tmp/$1.ctr"
			_n=$_c
		fi
		sleep 0.1
	done
}

# blk_run TAG COUNTERS CMD...: run CMD (a guest booting with $append) as
# lg_run_stamped TAG, sampling COUNTERS meanwhile.
blk_run() {
	_tag=$1 _src=$2
	shift 2
	rm -f "/tmp/$_tag.ctr" "/tmp/$_tag.done" "/tmp/$_tag.out"
	sample "$_tag" "$_src" &
	_smp=$!
	LG_LINUX_TIMEOUT=400 lg_run_stamped "$_tag" "$@"
	touch "/tmp/$_tag.done"
	wait $_smp
	linux_show "$_tag"
	sed "s/^/  $_tag counters: /" "/tmp/$_tag.ctr"
}

# report WHO TAG: the figures of one blk_run, and the counters per MiB.
report() {
	[ -n "$(linux_at "$2" "@@GUEST init reached")" ] ||
		echo "$1 did not reach init (exit status $(linux_rc "$2"))"
	_i=0
	for _f in $figures; do
		_mode=${_f%%:*} _rest=${_f#*:}
		_metric=${_rest%%:*} _unit=${_rest#*:}
		_line=$(linux_text "$2" "@@IO $_mode ")
		_v=$(echo "$_line" | awk '$1 == "@@IO" { print $3 }')
		echo "@@BENCH $_metric $1 ${_v:-n/a} $_unit"
		# MiB moved: "N MiB" (sequential) or N 4 KiB operations (random).
		_mib=$(echo "$_line" | awk '$1 == "@@IO" {
			if ($6 == "MiB") print $5
			else printf "%.3f", $5 * 4096 / 1048576 }')
		if [ -n "$_v" ]; then
			awk -v b=$((2 * _i + 1)) -v a=$((2 * _i + 2)) -v mib="$_mib" \
			    -v who="$1" -v m="$_metric" '
				$1 == b { for (k = 2; k < NF; k += 2) before[$k] = $(k + 1) }
				$1 == a { for (k = 2; k < NF; k += 2) after[$k] = $(k + 1) }
				END {
					s = ""
					for (k in after)
						if (k in before && mib > 0)
							s = s sprintf(" %s %d (%.2f/MiB)", k,
								after[k] - before[k],
								(after[k] - before[k]) / mib)
					# lguest: MMIO exits of the device, its notifies
					# and the status read and ack of each interrupt.
					if (("notifies" in after) && ("interrupts" in before) && mib > 0) {
						e = after["notifies"] - before["notifies"]
						e += 2 * (after["interrupts"] - before["interrupts"])
						s = s sprintf("; device MMIO exits %.2f/MiB", e / mib)
					}
					if (s != "")
						printf "@@BENCHNOTE %s %s: %s MiB,%s\n", who, m, mib, s
					else
						printf "@@BENCHNOTE %s %s: no clean counters\n", who, m
				}' "/tmp/$2.ctr"
		fi
		_i=$((_i + 1))
	done
}

lg_debugfs
step "lguest: virtio-blk of lguest_dev.ko"
load_lguest dev
fresh_disk
blk_run blbk lg_counters "$LG_LAUNCHER" --kernel "$LG_LINUX_KERNEL" \
	--initrd "$LG_LINUX_INITRD" --mem 256M --append "$append" --disk "$img"
report lguest blbk
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"

step "peer: KVM + QEMU microvm, virtio-blk-device"
kmod kvm_amd || fail "cannot load kvm_amd"
fresh_disk
# io_uring if this QEMU and kernel accept it, else its thread pool.
for aio in io_uring threads; do
	printf 'quit\n' | timeout -k 2 30 qemu-system-x86_64 -machine none -nodefaults \
		-display none -monitor stdio \
		-drive "id=d0,file=$img,format=raw,if=none,aio=$aio" \
		> /tmp/bench-blk.probe 2>&1 && break
	echo "bench-blk: QEMU refused aio=$aio:" \
		"$(grep -v -e '^QEMU' -e '^(qemu)' /tmp/bench-blk.probe | head -n 1)"
done
qver=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([^ ]*\).*/\1/p')
settings="peer settings: QEMU $qver microvm, virtio-mmio v2, virtio-blk-device"
settings="$settings aio=$aio with the default cache (writeback, host page cache)"
echo "@@BENCHNOTE $settings"
# A second try if the guest did not finish (the peer has been seen to
# reset its guest under TCG now and then).
for tag in bkbk bkbk2; do
	blk_run "$tag" kvm_counters qemu-system-x86_64 -enable-kvm -cpu host \
		-M microvm,acpi=on,pit=off,pic=off,rtc=off -m 256 -smp 1 \
		-nodefaults -no-user-config -display none -serial stdio -no-reboot \
		-global virtio-mmio.force-legacy=false \
		-kernel "$LG_LINUX_KERNEL" -initrd "$LG_LINUX_INITRD" -append "$append" \
		-drive "id=d0,file=$img,format=raw,if=none,aio=$aio" \
		-device virtio-blk-device,drive=d0
	linux_has "$tag" "@@GUEST bench-blk PASS" && break
	echo "bench-blk: the peer's guest did not finish (exit status $(linux_rc "$tag"))"
done
report kvm "$tag"
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"
rm -f "$img" /tmp/bench-blk.probe /tmp/blbk.ctr /tmp/bkbk.ctr /tmp/bkbk2.ctr \
	/tmp/blbk.done /tmp/bkbk.done /tmp/bkbk2.done
linux_has blbk "@@GUEST bench-blk PASS" || fail "lguest's guest did not finish"
echo "bench-blk: done"
