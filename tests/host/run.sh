#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh - boot the QEMU test host (TCG, AMD-V emulated) and run test cases
# inside it; the modules are only ever loaded there, never on this machine.
# Prints "PASS host/<case>" or "FAIL host/<case>: <why>" per case; a case
# that never reported (the host hung or died) fails with the serial log tail.
#
# Usage: run.sh [--nosvm] [--timeout SECS] [--suite NAME] [--mode demo]
#               [--paging auto|npt|shadow] [--fuzz DURATION,SEED[,SKIP]]
#               [--smp N] [--guest-kernel VMLINUX] CASE...
# --paging loads lguest.ko with that paging= default in every case, so the
# same cases run their guests with nested or with shadow paging.  --fuzz
# passes the fuzz case its time, seed and known findings to skip (lgfuzz=).
# --smp gives the test host N CPUs (default 2), for guests with that many.
# --guest-kernel makes VMLINUX (e.g. build/guest-kernel/vmlinux, make
# guest-kernel) the kernel the Linux cases boot instead of build/vmlinux
# (lgguestkernel=; the cases that boot a second kernel then skip it).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cpu=qemu64,+svm,+npt,+rdtscp
per_test=120
suite=host
mode=test
paging=
fuzz=
smp=2
gkernel=
while [ $# -gt 0 ]; do
	case "$1" in
	--nosvm) cpu=qemu64,-svm; suite=host-nosvm ;;
	--timeout) per_test=$2; shift ;;
	--suite) suite=$2; shift ;;
	--mode) mode=$2; shift ;;
	--paging) paging=$2; shift ;;
	--fuzz) fuzz=$2; shift ;;
	--smp) smp=$2; shift ;;
	--guest-kernel) gkernel=$(realpath -e "$2") ||
		{ echo "run.sh: no guest kernel '$2'" >&2; exit 2; }; shift ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done

conf=$top/build/config.mk
[ -f "$conf" ] || { echo "lguest: run make first (no $conf)" >&2; exit 2; }
# LG_HOST_KERNEL, LG_HOST_INITRD: boot another test-host kernel and initrd
# (make check-debug's debug kernel, scripts/check-debug.sh).
kernel=${LG_HOST_KERNEL:-$(sed -n 's/^HOST_KERNEL := //p' "$conf")}
initrd=${LG_HOST_INITRD:-$top/build/host-initrd.cpio.gz}
[ -f "$initrd" ] || { echo "lguest: run make first (no $initrd)" >&2; exit 2; }

cases=$(echo "$@" | tr ' ' ,)
# LG_TCG_THREAD=single: the test host on one TCG thread for both of its
# CPUs instead of one thread each (Documentation/testing.rst, "Known problem").
# LG_HOST_APPEND: more for the test host's command line (debugging, e.g.
# "loglevel=8" to see every message on the serial log).
# tsc=reliable: QEMU's TCG gives every test-host CPU one global TSC, but
# cannot show it as invariant (no invtsc under TCG), so the test host's
# kernel would take a 2-CPU AMD machine's TSCs to be unsynchronized and
# mark them unstable, and lguest would rightly withhold the invariant TSC
# and kvmclock's stable flag from its guests (cpuid.c).
append="console=ttyS0 loglevel=4 panic=-1 tsc=reliable lgrepo=$top lgcases=$cases lgtimeout=$per_test lgmode=$mode ${paging:+lgpaging=$paging} ${fuzz:+lgfuzz=$fuzz} ${gkernel:+lgguestkernel=$gkernel} ${LG_HOST_APPEND:-}"
set -- qemu-system-x86_64 -machine q35 -accel "tcg,thread=${LG_TCG_THREAD:-multi}" -cpu "$cpu" -smp "$smp" -m 2048 \
	-nodefaults -nic none -display none -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	${LG_QEMU_EXTRA:-}

# At most LG_HOST_SLOTS test hosts at a time on this machine (default 1):
# more TCG hosts than CPUs run each other's timeouts out.  make check runs
# two, each on one TCG thread (tests/run-all.sh).  Later runs wait here for
# a free slot.
if command -v flock > /dev/null 2>&1; then
	slots=${LG_HOST_SLOTS:-1}
	until [ -n "${slot:-}" ]; do
		i=0
		while [ $i -lt "$slots" ]; do
			exec 9> "${TMPDIR:-/tmp}/lguest-testhost.lock.$i"
			if flock -n 9; then
				slot=$i
				break
			fi
			i=$((i + 1))
		done
		[ -n "${slot:-}" ] || sleep 1
	done
fi

if [ "$mode" = demo ]; then
	exec "$@" -serial mon:stdio
fi

mkdir -p "$top/build/logs"
log=$top/build/logs/$suite.log
ncase=$(echo "$cases" | tr , '\n' | grep -c .)
# Boot (~10 s under TCG) plus every case's own limit, plus slack; and a
# host whose serial log shows no progress for longer than one case may run
# (the in-host timeout should have spoken by then) is hung: stop waiting.
limit=$((60 + ncase * (per_test + 10)))
stall=$((per_test + 30))
: > "$log"
"$@" -serial "file:$log" </dev/null >"$log.qemu" 2>&1 &
qpid=$!
start=$(date +%s) last=0 quiet=0 qrc=0
while kill -0 $qpid 2>/dev/null; do
	sleep 2
	# Progress is a new @@ marker line, not just output: a wedged
	# kernel can fill the log with soft-lockup reports.
	size=$(grep -a -c '^@@' "$log" 2>/dev/null)
	if [ "$size" != "$last" ]; then
		last=$size quiet=0
	else
		quiet=$((quiet + 2))
	fi
	if [ $quiet -ge $stall ] || [ $(($(date +%s) - start)) -ge $limit ]; then
		echo "run.sh: test host made no progress for ${quiet}s or over ${limit}s: stopping it" >> "$log.qemu"
		kill $qpid 2>/dev/null
		sleep 2
		kill -9 $qpid 2>/dev/null
		qrc=124
		break
	fi
done
if [ $qrc = 0 ]; then
	wait $qpid
	qrc=$?
fi

# Hand each case's verdict back; cases without one failed.
fails=0
for c in boot-klog $(echo "$cases" | tr , ' '); do
	line=$(grep -a "^@@RESULT $c " "$log" | tail -n 1 | tr -d '\r')
	verdict=$(echo "$line" | cut -d' ' -f3)
	why=$(echo "$line" | cut -d' ' -f4-)
	secs=$(grep -a "^@@TIME $c " "$log" | tail -n 1 | tr -d '\r' | cut -d' ' -f3)
	if [ "$verdict" = PASS ]; then
		echo "PASS $suite/$c${secs:+ (${secs} s)}"
		continue
	fi
	fails=$((fails + 1))
	if [ -z "$line" ]; then
		why="no verdict (test host hung, crashed or timed out; qemu rc $qrc)"
		echo "FAIL $suite/$c: $why"
		echo "--- last lines of the serial log ($log):"
		tail -n 30 "$log" | tr -d '\r' | sed 's/^/    /'
		cat "$log.qemu" | sed 's/^/    qemu: /'
	else
		echo "FAIL $suite/$c: $why"
		echo "--- output of $c:"
		sed -n "/^@@BEGIN $c\r*\$/,/^@@END $c\r*\$/p" "$log" | tr -d '\r' |
			tail -n 40 | sed 's/^/    /'
	fi
done
[ $fails = 0 ]
