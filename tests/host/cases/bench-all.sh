# SPDX-License-Identifier: GPL-2.0
# bench-all: the figures behind "make bench", measured in one test-host boot.
# Each figure is a line "@@BENCH <metric> <lguest|kvm> <value> <unit>".
# Peer: KVM + QEMU microvm with ACPI, booting the same kernel and initramfs
# with the same command line; both timed the same way: from launch to the
# guest's "@@GUEST init reached" line, stamped by the host as it arrives.
# With make guest-kernel's build/guest-kernel/vmlinux present, that small
# kernel's boot too, both ways (the peer boots it by its PVH note): the
# figures boot-to-init-guest-kernel and guest-uptime-at-init-guest-kernel,
# and on lguest, for comparison, Debian's kernel unpacked (-debian-vmlinux).
. "$LG_TOP/tests/host/lib.sh"

kernel=$LG_LINUX_KERNEL
initrd=$LG_LINUX_INITRD
append="console=ttyS0 quiet panic=-1 lgtest=boot"
gkernel=$LG_TOP/build/guest-kernel/vmlinux
[ -f "$gkernel" ] || gkernel=

# report_boot WHO TAG [SUFFIX]: the figures of one stamped boot
# (lg_run_stamped TAG), their names ending in SUFFIX.
report_boot() {
	linux_show "$2"
	t0=$(linux_at "$2" @@START) ti=$(linux_at "$2" "@@GUEST init reached")
	if [ -n "$ti" ]; then
		ms=$(awk -v a="$t0" -v b="$ti" 'BEGIN { printf "%d", (b - a) * 1000 }')
		echo "@@BENCH boot-to-init${3:-} $1 $ms ms"
		up=$(linux_text "$2" "@@GUEST init reached")
		echo "@@BENCH guest-uptime-at-init${3:-} $1 ${up##*uptime } s"
	else
		echo "$1 did not reach init (exit status $(linux_rc "$2"))"
		echo "@@BENCH boot-to-init${3:-} $1 n/a ms"
	fi
}

step "peer: KVM + QEMU microvm"
kmod kvm_amd || fail "cannot load kvm_amd"
LG_LINUX_TIMEOUT=90 run_peer bkvm 1 "$append"
report_boot kvm bkvm
if [ -n "$gkernel" ]; then
	step "peer: the guest kernel ($gkernel)"
	stock=$kernel kernel=$gkernel
	LG_LINUX_TIMEOUT=90 run_peer bkvmgk 1 "$append"
	kernel=$stock
	report_boot kvm bkvmgk -guest-kernel
fi
rmmod kvm_amd kvm

step "lguest"
load_lguest
# The guest needs no device of lguest_dev.ko yet: measure without it if it
# will not load (a tree in mid-change), rather than not at all.
insmod "$LG_DEV_KO" || echo "lguest_dev.ko did not load: measuring without it"
LG_LINUX_TIMEOUT=90 lg_run_stamped blg "$LG_LAUNCHER" --kernel "$kernel" \
	--initrd "$initrd" --mem 256M --append "$append"
report_boot lguest blg
if [ -n "$gkernel" ]; then
	step "lguest: the guest kernel"
	LG_LINUX_TIMEOUT=90 lg_run_stamped blggk "$LG_LAUNCHER" --kernel "$gkernel" \
		--initrd "$initrd" --mem 256M --append "$append"
	report_boot lguest blggk -guest-kernel
	# Beside it, Debian's kernel unpacked (build/vmlinux): no decompressor
	# either, so what is left is the configuration's own cost.
	step "lguest: Debian's kernel as an ELF vmlinux"
	LG_LINUX_TIMEOUT=90 lg_run_stamped blgvm "$LG_LAUNCHER" --kernel "$LG_TOP/build/vmlinux" \
		--initrd "$initrd" --mem 256M --append "$append"
	report_boot lguest blgvm -debian-vmlinux
fi

# The module's memory for one guest beyond its RAM, from debugfs, read
# while a guest (256 MiB, lgtest=hold: up 5 s after init) runs.
step "lguest: module memory per guest"
lg_debugfs 2>/dev/null
LG_LINUX_TIMEOUT=90 lg_run_stamped bmem "$LG_LAUNCHER" --kernel "$kernel" \
	--initrd "$initrd" --mem 256M --append "console=ttyS0 quiet panic=-1 lgtest=hold" &
job=$!
bytes= i=0
while [ $i -lt 1500 ] && kill -0 $job 2>/dev/null; do
	if [ -n "$(linux_at bmem "@@GUEST init reached")" ]; then
		for pid in $(pgrep -x lguest); do
			f=${LG_DEBUGFS:-/sys/kernel/debug}/lguest/$pid/overhead_bytes
			[ -r "$f" ] && read -r bytes < "$f"
		done
		break
	fi
	i=$((i + 1))
	sleep 0.1
done
wait $job
linux_show bmem
ls "${LG_DEBUGFS:-/sys/kernel/debug}/lguest" 2>&1 | head -n 5 | sed 's/^/  debugfs lguest: /'
case "$bytes" in
''|*[!0-9]*)
	echo "no /sys/kernel/debug/lguest/<launcher pid>/overhead_bytes while the guest ran (read '$bytes')"
	echo "@@BENCH module-memory-per-guest lguest n/a KiB" ;;
*)	echo "@@BENCH module-memory-per-guest lguest $((bytes / 1024)) KiB" ;;
esac
