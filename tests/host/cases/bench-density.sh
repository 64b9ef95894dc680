# SPDX-License-Identifier: GPL-2.0
# bench-density: guests started per second, ours against the peer, in one
# test-host boot.  Raw guests (2 MiB, a 4 KiB image that HLTs at once:
# created, loaded and run to that first HLT exit, then kept alive) from one
# process, one after another (density-raw-one-process), and from as many
# forked processes at once (density-raw-many-processes): tests/tools/
# raw_density (liblguest) and kvm_density (plain KVM, one VM held open so
# AMD-V stays on).  Busybox Linux guests (--mem 96M, the least Debian's
# bzImage and the initramfs take; lgtest=hold) started together, one
# launcher or QEMU microvm each, timed from the first start until every one
# has printed "@@GUEST init reached" (density-linux-N).
# Figures "@@BENCH <metric> <who> <guests per second> /s".
# LG_DENSITY_LINUX: Linux guests at once (8); LG_DENSITY_ONLY=lguest: our
# half only, no peer; =linux-lguest: our Linux step only (to chase a guest
# lost there; both reach the test host through its command line, run.sh's
# LG_HOST_APPEND).
. "$LG_TOP/tests/host/lib.sh"

tools=$LG_TOP/tests/tools
kernel=$LG_LINUX_KERNEL
initrd=$LG_LINUX_INITRD
nraw=${LG_DENSITY_RAW:-64}
nlin=${LG_DENSITY_LINUX:-8}
only=${LG_DENSITY_ONLY:-}
case $only in
''|lguest|linux-lguest) ;;
*) fail "LG_DENSITY_ONLY: lguest or linux-lguest, not '$only'" ;;
esac
for p in raw_density kvm_density; do
	[ -x "$tools/$p" ] || fail "no $tools/$p: run make"
done

# raw WHO TOOL METRIC ARGS...: one raw_density/kvm_density run of $nraw
# guests, its rate as METRIC; the guests go once they are counted.
raw() {
	_who=$1 _tool=$2 _m=$3
	shift 3
	"$tools/$_tool" --guests "$nraw" "$@" > /tmp/bench-density.out 2>&1 &
	_p=$!
	wait_for 200 grep -q -e '^holding' /tmp/bench-density.out
	kill $_p 2>/dev/null
	wait $_p 2>/dev/null
	sed 's/^/  out: /' /tmp/bench-density.out
	set -- $(sed -n 's/^@@DENSITY //p' /tmp/bench-density.out)
	if [ $# = 3 ]; then
		echo "@@BENCH $_m $_who $3 /s"
		echo "@@BENCHNOTE $_m $_who: $1 raw guests up in $(($2 / 1000)) ms"
	else
		echo "@@BENCH $_m $_who n/a /s"
	fi
	# With --procs the children go when their parent does.
	sleep 1
}

# alive: succeed while any guest process of the last start runs.
alive() {
	for _p in $pids; do
		kill -0 "$_p" 2>/dev/null && return 0
	done
	return 1
}

# linux WHO: $nlin Linux guests started at once; their rate to init.  A
# start that loses a guest is made again, up to twice, and said so: on
# multi-threaded TCG one guest of eight booting together is now and then
# killed by a translation the emulator gets wrong (Documentation/
# testing.rst), and the figure is the rate of a start where all lived.
linux() {
	_try=1
	while ! linux_once "$1"; do
		echo "@@BENCHNOTE density-linux-$nlin $1: start $_try lost a guest: $_lost"
		[ $_try -lt 3 ] || { echo "@@BENCH density-linux-$nlin $1 n/a /s"; return; }
		_try=$((_try + 1))
	done
}

# linux_once WHO: linux's one start; fails, with the first lost guest's
# last line in _lost, unless every guest reached init.
linux_once() {
	rm -f /tmp/bench-density.lin.*
	pids= _i=0
	_t0=$(date +%s%N)
	while [ $_i -lt "$nlin" ]; do
		if [ "$1" = lguest ]; then
			"$LG_LAUNCHER" --kernel "$kernel" --initrd "$initrd" --mem 96M \
				--append "$LG_LINUX_APPEND lgtest=hold" \
				< /dev/null > /tmp/bench-density.lin.$_i 2>&1 &
		else
			qemu-system-x86_64 -enable-kvm -cpu host \
				-M microvm,acpi=on,pit=off,pic=off,rtc=off -m 96 -smp 1 \
				-nodefaults -no-user-config -display none -nic none -serial stdio \
				-no-reboot -kernel "$kernel" -initrd "$initrd" \
				-append "$LG_LINUX_APPEND lgtest=hold" \
				< /dev/null > /tmp/bench-density.lin.$_i 2>&1 &
		fi
		pids="$pids $!"
		_i=$((_i + 1))
	done
	_up=0 _end=$(($(date +%s) + 300))
	while [ "$(date +%s)" -lt $_end ] && alive; do
		_up=$(grep -l '@@GUEST init reached' /tmp/bench-density.lin.* 2>/dev/null | wc -l)
		[ "$_up" -lt "$nlin" ] || break
		sleep 0.1
	done
	_t1=$(date +%s%N)
	echo "$1: $_up of $nlin Linux guests reached init in $(((_t1 - _t0) / 1000000)) ms"
	_lost=
	if [ "$_up" = "$nlin" ]; then
		echo "@@BENCH density-linux-$nlin $1 $(awk -v n="$nlin" -v ns=$((_t1 - _t0)) \
			'BEGIN { printf "%.2f", n / (ns / 1e9) }') /s"
		echo "@@BENCHNOTE density-linux-$nlin $1: $nlin guests of 96 MiB to init in $(((_t1 - _t0) / 1000000)) ms (polled every 0.1 s)"
	else
		_lost="$_up of $nlin reached init"
		for _f in /tmp/bench-density.lin.*; do
			grep -q '@@GUEST init reached' "$_f" && continue
			tail -n 5 "$_f" | sed "s|^|  $_f: |"
			_lost="$_up of $nlin reached init; $(tail -n 1 "$_f" | tr -d '\r')"
			break
		done
	fi
	for _p in $pids; do
		kill "$_p" 2>/dev/null
	done
	for _p in $pids; do
		wait "$_p" 2>/dev/null
	done
	rm -f /tmp/bench-density.lin.*
	[ -z "$_lost" ]
}

echo "@@BENCHNOTE density: test host $(lg_ncpus) CPUs (TCG), $(sed -n 's/^MemTotal: *//p' /proc/meminfo);" \
	"raw: $nraw guests of 2 MiB, one process (in turn) or $nraw forked processes (no exec);" \
	"Linux: $nlin guests started together (16 of the peer's do not fit in the 2 GiB test host)"

step "lguest"
load_lguest dev
if [ "$only" != linux-lguest ]; then
	raw lguest raw_density density-raw-one-process
	raw lguest raw_density density-raw-many-processes --procs
fi
linux lguest
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
if [ -n "$only" ]; then
	echo "bench-density: done ($only only)"
	exit 0
fi

step "peer: KVM (raw), KVM + QEMU microvm (Linux)"
kmod kvm_amd || fail "cannot load kvm_amd"
kvm_hold
raw kvm kvm_density density-raw-one-process
raw kvm kvm_density density-raw-many-processes --procs
linux kvm
kvm_release
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"
rm -f /tmp/bench-density.out
echo "bench-density: done"
