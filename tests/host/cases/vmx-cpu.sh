# SPDX-License-Identifier: GPL-2.0
# vmx-cpu: the Bochs test host (make check-vmx, scripts/bochs-host.sh) is an
# Intel CPU with VMX and EPT, as the VMX backend needs; and loading
# lguest.ko there has a clear outcome: either it loads (/dev/lguest appears
# and it unloads again), or it refuses with its reason in the kernel log.
# Either way the outcome is printed as "vmx-cpu: lguest.ko ...": the raw
# guest cases after it say whether guests then run.
. "$LG_TOP/tests/host/lib.sh"

step "the CPU offers VMX and EPT"
flags= vflags= vendor=
while IFS= read -r l; do
	case $l in
	"vendor_id"*) [ -n "$vendor" ] || vendor=${l#*: } ;;
	"flags"*) [ -n "$flags" ] || flags=" ${l#*: } " ;;
	"vmx flags"*) [ -n "$vflags" ] || vflags=" ${l#*: } " ;;
	esac
done < /proc/cpuinfo
echo "vmx-cpu: vendor $vendor; vmx flags:$vflags"
[ "$vendor" = GenuineIntel ] || fail "vendor is '$vendor', want GenuineIntel"
case $flags in *" vmx "*) ;; *) fail "no vmx in /proc/cpuinfo's flags" ;; esac
# 6.1 lists the VMX features on their own "vmx flags" line (older kernels
# put ept among the flags).
case "$flags$vflags" in *" ept "*) ;; *) fail "no ept in /proc/cpuinfo" ;; esac
for f in vpid unrestricted_guest ept_ad; do
	case "$flags$vflags" in
	*" $f "*) ;;
	*) echo "vmx-cpu: note: no $f" ;;
	esac
done

step "load lguest.ko"
dmesg -c > /dev/null
if insmod "$LG_KO" ${LG_PAGING:+paging=$LG_PAGING} 2> /tmp/vmx-cpu.err; then
	dmesg | grep "lguest: " | sed 's/^/  log: /'
	[ -c /dev/lguest ] || fail "lguest.ko loaded but /dev/lguest is not a character device"
	"$LG_TOP/tests/tools/abi_probe" || fail "ABI probe failed"
	rmmod lguest || fail "rmmod lguest failed"
	echo "vmx-cpu: lguest.ko loaded: $(dmesg | grep "lguest: " | grep -v -e "taints kernel" -e "tainting kernel" | tail -n 1)"
else
	# Its reason, not the kernel's taint notes about an unsigned module.
	why=$(dmesg | grep "lguest: " | grep -v -e "taints kernel" -e "tainting kernel" | head -n 1)
	echo "  insmod: $(cat /tmp/vmx-cpu.err)"
	[ -n "$why" ] || fail "insmod lguest.ko failed with no reason in the kernel log"
	[ ! -d /sys/module/lguest ] || fail "insmod failed, yet lguest is loaded"
	echo "vmx-cpu: lguest.ko refused to load: ${why#*lguest: }"
fi
echo "vmx-cpu: ok"
