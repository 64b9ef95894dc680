# SPDX-License-Identifier: GPL-2.0
# lib.sh - helpers shared by the test-host cases (tests/host/cases/*.sh).
# Sourced inside the test host; LG_TOP is the repository root.

LG_KLOG_BAD='BUG:|Oops|WARNING:|general protection|Call Trace'
LG_KVER=$(sed -n 's/^KVER := //p' "$LG_TOP/build/config.mk")
LG_KROOT=$LG_TOP/build/cache/linux-image-$LG_KVER
LG_LAUNCHER=$LG_TOP/tools/lguest/lguest
LG_KO=$LG_TOP/drivers/lguest/lguest.ko
LG_DEV_KO=$LG_TOP/drivers/lguest_dev/lguest_dev.ko

# fail MSG: print why the case failed and stop it.
fail() {
	echo "FAIL: $*"
	exit 1
}

# step MSG: narrate the case, so a failure's context is in the log.
step() {
	echo "-- $*"
}

# kmod NAME: load a stock module of the test host's kernel, with its deps.
kmod() {
	modprobe -d "$LG_KROOT" -S "$LG_KVER" "$@"
}

# load_lguest: insert lguest.ko (and lguest_dev.ko with "dev").
load_lguest() {
	insmod "$LG_KO" || fail "insmod lguest.ko failed"
	if [ "${1:-}" = dev ]; then
		insmod "$LG_DEV_KO" || fail "insmod lguest_dev.ko failed"
	fi
}

# rdmsr CPU MSR: print an MSR of a CPU in hex, through the msr driver.
rdmsr() {
	[ -e /dev/cpu/"$1"/msr ] || kmod msr
	dd if=/dev/cpu/"$1"/msr bs=8 count=1 skip=$(($2)) iflag=skip_bytes \
		2>/dev/null | od -An -tx8 | tr -d ' '
}

# efer_svme CPU: succeed if EFER.SVME (bit 12) is set on that CPU.
efer_svme() {
	efer=$(rdmsr "$1" 0xc0000080)
	[ -n "$efer" ] || fail "cannot read EFER of cpu$1"
	[ $((0x$efer & 0x1000)) != 0 ]
}

# lg_cpus: the online CPUs' numbers.  lg_ncpus: how many.
lg_cpus() {
	for d in /sys/devices/system/cpu/cpu[0-9]*; do
		n=${d##*cpu}
		[ "$(cat "$d/online" 2>/dev/null || echo 1)" = 1 ] && echo "$n"
	done
}
lg_ncpus() {
	lg_cpus | wc -l
}

# expect_launcher STATUS LINE ARGS...: the launcher must exit with STATUS
# and print exactly one stderr line beginning with LINE.
expect_launcher() {
	want_rc=$1 want=$2
	shift 2
	"$LG_LAUNCHER" "$@" >/tmp/launcher.out 2>/tmp/launcher.err
	rc=$?
	echo "launcher $* -> $rc: $(cat /tmp/launcher.err)"
	[ $rc = "$want_rc" ] || fail "launcher exit status $rc, want $want_rc"
	[ "$(wc -l < /tmp/launcher.err)" = 1 ] || fail "want one stderr line"
	case "$(cat /tmp/launcher.err)" in
	"$want"*) ;;
	*) fail "stderr does not start with '$want'" ;;
	esac
}
