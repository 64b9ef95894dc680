# SPDX-License-Identifier: GPL-2.0
# lib.sh - helpers shared by the test-host cases (tests/host/cases/*.sh).
# Sourced inside the test host; LG_TOP is the repository root.

LG_KLOG_BAD='BUG:|Oops|WARNING:|general protection|Call Trace'

# Every case sources this file, and a process costs ~0.1 s in the TCG test
# host: what it needs at start is read with shell builtins only.
while IFS= read -r _lg_l; do
	case $_lg_l in
	"KVER := "*) LG_KVER=${_lg_l#KVER := } ;;
	"HOST_KERNEL := "*) LG_LINUX_KERNEL=${_lg_l#HOST_KERNEL := } ;;
	"GUEST2_KERNEL := "*) LG_LINUX2_KERNEL=${_lg_l#GUEST2_KERNEL := } ;;
	esac
done < "$LG_TOP/build/config.mk"
LG_KROOT=$LG_TOP/build/cache/linux-image-$LG_KVER
LG_LAUNCHER=$LG_TOP/tools/lguest/lguest
# The debug test host (make check-debug) boots another kernel: its command
# line names the tree of modules built for it (lgmodules=, a copy of this
# repository's module sources) and its installed stock modules (lgmodroot=);
# being slower, it may also raise the guests' default time limits.
# A test host whose kernel has lguest built in (make check-kconfig:
# scripts/intree-kernel.sh y) says lgbuiltin=1: then nothing of ours is
# inserted or removed, and --paging sets the built-in module's parameter.
LG_MODTOP=$LG_TOP LG_MODROOT= LG_BUILTIN= LG_ALT_GUEST_KERNEL=
read -r _lg_cmdline < /proc/cmdline
for a in $_lg_cmdline; do
	case "$a" in
	lgmodules=*) LG_MODTOP=${a#lgmodules=} ;;
	lgmodroot=*) LG_MODROOT=${a#lgmodroot=} ;;
	lgbuiltin=1) LG_BUILTIN=1 ;;
	lgguest_timeout=*) : "${LG_GUEST_TIMEOUT:=${a#lgguest_timeout=}}" ;;
	lglinux_timeout=*) : "${LG_LINUX_TIMEOUT:=${a#lglinux_timeout=}}" ;;
	lgstress=*) LG_STRESS_N=${a#lgstress=} ;;
	lgkutscale=*) : "${LG_KUT_SCALE:=${a#lgkutscale=}}" ;;
	lgguestkernel=*) LG_ALT_GUEST_KERNEL=${a#lgguestkernel=} ;;
	esac
done
LG_KO=$LG_MODTOP/drivers/lguest/lguest.ko
LG_DEV_KO=$LG_MODTOP/drivers/lguest_dev/lguest_dev.ko
LG_WARN_KO=$LG_MODTOP/tests/modules/lg_warn/lg_warn.ko

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
	if [ -n "$LG_MODROOT" ]; then
		modprobe -d "$LG_MODROOT" -S "$(uname -r)" "$@"
	else
		modprobe -d "$LG_KROOT" -S "$LG_KVER" "$@"
	fi
}

# load_lguest: insert lguest.ko (and lguest_dev.ko with "dev"), with the
# paging= default of $LG_PAGING if set (run.sh --paging).
load_lguest() {
	if [ -n "$LG_BUILTIN" ]; then
		[ -d /sys/module/lguest ] || fail "lguest is not built into this kernel"
		echo "${LG_PAGING:-auto}" > /sys/module/lguest/parameters/paging ||
			fail "cannot set lguest.paging=${LG_PAGING:-auto}"
		return 0
	fi
	insmod "$LG_KO" ${LG_PAGING:+paging=$LG_PAGING} || fail "insmod lguest.ko failed"
	if [ "${1:-}" = dev ]; then
		insmod "$LG_DEV_KO" || fail "insmod lguest_dev.ko failed"
	fi
}

# In a built-in test host, rmmod leaves lguest and lguest_dev alone, and
# insmod of one of ours sets the built-in module's parameters instead (a
# bad value refused as insmod would refuse it); hostinit.sh puts the
# parameters back before each case.
if [ -n "$LG_BUILTIN" ]; then
	rmmod() {
		case "$1" in
		lguest|lguest_dev) return 0 ;;
		esac
		command rmmod "$@"
	}
	insmod() {
		case "$1" in
		"$LG_KO"|"$LG_DEV_KO")
			_m=${1##*/}
			_m=${_m%.ko}
			shift
			for _p in "$@"; do
				echo "${_p#*=}" 2>/dev/null > \
					"/sys/module/$_m/parameters/${_p%%=*}" || return 1
			done
			return 0
			;;
		esac
		command insmod "$@"
	}
fi

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

# lg_csecs: set $lg_csecs to the uptime in hundredths of a second.
# lg_prefix TEXT: copy stdin to stdout with TEXT before every line.  Both
# with builtins only: a process costs ~0.1 s in the TCG test host.
lg_csecs() {
	read -r _lg_up _ < /proc/uptime
	_lg_c=${_lg_up#*.}
	lg_csecs=$((${_lg_up%.*} * 100 + ${_lg_c#0}))
}
lg_prefix() {
	while IFS= read -r _lg_l || [ -n "$_lg_l" ]; do
		printf '%s%s\n' "$1" "$_lg_l"
	done
}

# --- Raw test guests (tests/guests/NAME.bin) under lguest or KVM. ---
LG_GUESTS=$LG_TOP/tests/guests
LG_KVM_PEER=$LG_TOP/tests/tools/kvm_peer

# run_guest WHO NAME ARGS...: run tests/guests/NAME.bin under WHO, "lguest"
# (the launcher, --raw; or NAME.mb with --kernel) or "kvm"
# (tests/tools/kvm_peer), with ARGS, for at
# most $LG_GUEST_TIMEOUT seconds (default 60).  Sets guest_out, guest_err
# (files), guest_rc (124: timed out) and guest_ms (wall time); prints all.
run_guest() {
	_lg_who=$1 _lg_g=$2
	shift 2
	# NAME.mb is a Multiboot image, booted as a kernel; NAME.bin is raw.
	_lg_img=$LG_GUESTS/$_lg_g.bin _lg_how=--raw
	[ -f "$_lg_img" ] || _lg_img=$LG_GUESTS/$_lg_g.mb _lg_how=--kernel
	[ -f "$_lg_img" ] || fail "no $LG_GUESTS/$_lg_g.bin or .mb: run make"
	case $_lg_who in
	lguest) set -- "$LG_LAUNCHER" $_lg_how "$_lg_img" "$@" ;;
	kvm) set -- "$LG_KVM_PEER" "$@" "$LG_GUESTS/$_lg_g.bin" ;;
	*) fail "run_guest: no runner '$_lg_who'" ;;
	esac
	guest_out=/tmp/$_lg_g.$_lg_who.out guest_err=/tmp/$_lg_g.$_lg_who.err
	lg_csecs
	_lg_t0=$lg_csecs
	timeout -k 2 "${LG_GUEST_TIMEOUT:-60}" "$@" >"$guest_out" 2>"$guest_err"
	guest_rc=$?
	lg_csecs
	guest_ms=$(((lg_csecs - _lg_t0) * 10))
	echo "$_lg_who $_lg_g: exit status $guest_rc after $guest_ms ms"
	lg_prefix "  out: " < "$guest_out"
	lg_prefix "  err: " < "$guest_err"
	[ $guest_rc != 124 ] || fail "$_lg_g under $_lg_who timed out after ${LG_GUEST_TIMEOUT:-60}s"
}

# expect_guest_pass WHO NAME ARGS...: the guest prints "NAME: PASS" and no
# FAIL line, and WHO exits 0 with nothing on stderr.  (The guests in
# hypercall-short.bin and hypercall-bench.bin call themselves hypercall.)
expect_guest_pass() {
	run_guest "$@"
	guest_passed "$1" "$2"
}

# guest_passed WHO NAME: what expect_guest_pass checks, on the guest_out,
# guest_err and guest_rc of a guest run some other way.
guest_passed() {
	_lg_name=${2%-short}
	_lg_name=${_lg_name%-bench}
	if grep -q "^$_lg_name: FAIL" "$guest_out"; then
		fail "$(grep "^$_lg_name: FAIL" "$guest_out" | head -n 1)"
	fi
	grep -q "^$_lg_name: PASS" "$guest_out" || fail "$2 printed no '$_lg_name: PASS' line"
	[ $guest_rc = 0 ] || fail "$1 exit status $guest_rc for $2, want 0"
	[ ! -s "$guest_err" ] || fail "$1 wrote to stderr: $(head -n 1 "$guest_err")"
}

# expect_guest_fail WHO NAME ARGS...: a negative control: the guest runs,
# prints "NAME: FAIL ..." and powers off with a non-zero status.
expect_guest_fail() {
	run_guest "$@"
	_lg_name=${2%-short}
	_lg_name=${_lg_name%-bench}
	grep -q "^$_lg_name: FAIL" "$guest_out" || fail "$2 printed no '$_lg_name: FAIL' line"
	grep -q "^$_lg_name: PASS" "$guest_out" && fail "$2 passed, but must fail here"
	[ $guest_rc != 0 ] || fail "$1 exit status 0 for a failing $2"
}

# expect_guest_killed WHO NAME ARGS...: the guest gets as far as its own
# first line, then is killed: no PASS/FAIL line, exit status 1, and one
# stderr line starting "lguest: guest killed: " ("kvm_peer: ..." for kvm).
expect_guest_killed() {
	run_guest "$@"
	_lg_want="lguest: guest killed: "
	[ "$1" = kvm ] && _lg_want="kvm_peer: guest killed: "
	grep -q "^$2: " "$guest_out" || fail "$2 never ran (no '$2: ' line)"
	if grep -q -E "^$2: (PASS|FAIL)" "$guest_out"; then
		fail "$2 survived: $(grep -E "^$2: (PASS|FAIL)" "$guest_out" | head -n 1)"
	fi
	[ $guest_rc = 1 ] || fail "$1 exit status $guest_rc for $2, want 1"
	[ "$(wc -l < "$guest_err")" = 1 ] || fail "want exactly one stderr line"
	case "$(cat "$guest_err")" in
	"$_lg_want"*) ;;
	*) fail "stderr does not start with '$_lg_want'" ;;
	esac
}

# expect_stops_on_sigint WHO [MS]: hostile-spin.bin spins with interrupts
# off; 2 s in, SIGINT to the runner must end it within MS (default 1000) ms.
expect_stops_on_sigint() {
	_lg_limit=${2:-1000}
	case $1 in
	lguest) set -- "$LG_LAUNCHER" --raw "$LG_GUESTS/hostile-spin.bin" --mem 16M ;;
	kvm) set -- "$LG_KVM_PEER" --mem 16M "$LG_GUESTS/hostile-spin.bin" ;;
	esac
	# A non-interactive shell starts "&" jobs with SIGINT ignored: undo.
	env --default-signal=INT "$@" >/tmp/spin.out 2>/tmp/spin.err &
	_lg_pid=$!
	sleep 2
	cat /tmp/spin.out
	grep -q "^hostile-spin: spinning" /tmp/spin.out ||
		{ kill -9 $_lg_pid; fail "the guest did not start spinning"; }
	[ "$(awk '{ print $3 }' /proc/$_lg_pid/stat)" != Z ] ||
		fail "the runner exited by itself: $(cat /tmp/spin.err)"
	_lg_t0=$(date +%s%N)
	kill -INT $_lg_pid
	( sleep 5; kill -9 $_lg_pid 2>/dev/null ) &
	_lg_watch=$!
	wait $_lg_pid
	_lg_rc=$?
	_lg_ms=$((($(date +%s%N) - _lg_t0) / 1000000))
	kill $_lg_watch 2>/dev/null
	echo "SIGINT: exit status $_lg_rc after $_lg_ms ms; stderr: $(cat /tmp/spin.err)"
	[ $_lg_rc != 137 ] || fail "SIGINT did not stop it: killed after 5 s"
	[ $_lg_ms -le $_lg_limit ] || fail "it took $_lg_ms ms to stop after SIGINT"
}

# check_ram_dump FILE BYTES IMAGE: FILE is the RAM of memory.bin's guest,
# BYTES long, after a pass: IMAGE at LGUEST_RAW_LOAD, and the pattern
# A ^ 0x5a5a5a5a5a5a5a5a at 2 MiB, at 16 MiB and in the last word.
check_ram_dump() {
	[ -f "$1" ] || fail "no RAM dump $1"
	_lg_size=$(stat -c %s "$1")
	[ "$_lg_size" = "$2" ] || fail "RAM dump is $_lg_size bytes, want $2"
	cmp -n "$(stat -c %s "$3")" "$3" "$1" 0 $((0x100000)) ||
		fail "RAM dump does not hold $3 at 0x100000"
	for _lg_at in $((0x200000)) $((0x1000000)) $(($2 - 8)); do
		_lg_got=$(od -An -tx8 -j "$_lg_at" -N 8 "$1" | tr -d ' ')
		_lg_want=$(printf '%016x' $((_lg_at ^ 0x5a5a5a5a5a5a5a5a)))
		echo "RAM dump at $(printf '%#x' "$_lg_at"): $_lg_got (want $_lg_want)"
		[ "$_lg_got" = "$_lg_want" ] || fail "RAM dump word at $_lg_at is wrong"
	done
}

# memfree_kb: MemFree after dropping the caches, in kB.
memfree_kb() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sed -n 's/^MemFree: *\([0-9]*\) kB$/\1/p' /proc/meminfo
}

# kvm_hold / kvm_release: keep one empty KVM VM (kvm_peer --hold) open in
# between, so kvm_amd turns AMD-V on once, not on and off around every
# kvm_peer run: a long series of those cycles has been seen to livelock
# the TCG test host silently (about once in 100-200 runs; never with a
# held VM in 380).
kvm_hold() {
	"$LG_KVM_PEER" --hold >/tmp/kvm_hold.out 2>&1 &
	lg_kvm_holder=$!
	_lg_i=0
	until grep -q "holding" /tmp/kvm_hold.out; do
		_lg_i=$((_lg_i + 1))
		[ $_lg_i -lt 100 ] || fail "kvm_peer --hold: $(cat /tmp/kvm_hold.out)"
		sleep 0.1
	done
}
kvm_release() {
	kill "$lg_kvm_holder" 2>/dev/null
	wait "$lg_kvm_holder" 2>/dev/null
}

# expect_hostile_killed NAME ACT: with lguest loaded, tests/guests/NAME.bin
# must print "NAME: ACT..." (it reached its hostile act) and then be killed;
# afterwards the module must still run hello.bin and unload.
expect_hostile_killed() {
	load_lguest
	step "$1.bin"
	expect_guest_killed lguest "$1" --mem 64M
	grep -q "^$1: $2" "$guest_out" || fail "the guest did not get to its hostile act"
	step "the module still runs guests"
	expect_guest_pass lguest hello --mem 16M
	rmmod lguest || fail "rmmod lguest failed"
	echo "guest-$1: ok"
}

# --- Stock Linux guests (--kernel): a Debian kernel with the busybox
# initramfs, whose /init runs initramfs/tests/TEST.sh for lgtest=TEST.
# LG_LINUX_KERNEL and LG_LINUX2_KERNEL are build/config.mk's bzImages (read
# above); LG_GUEST_KERNEL, what most cases boot, is the first one unpacked
# by "make" (scripts/vmlinux.py): it skips seconds of xz in the test host.
# linux-boot, linux-612, the bad-input and bench cases boot the bzImages.
# run.sh --guest-kernel (lgguestkernel=, LG_ALT_GUEST_KERNEL) replaces it,
# e.g. by make guest-kernel's build/guest-kernel/vmlinux. ---
LG_GUEST_KERNEL=${LG_ALT_GUEST_KERNEL:-$LG_TOP/build/vmlinux}
LG_LINUX_INITRD=$LG_TOP/build/initramfs.cpio.gz
LG_LINUX2_INITRD=$LG_TOP/build/initramfs-guest2.cpio.gz
LG_LINUX_APPEND="console=ttyS0 quiet panic=-1"

# lg_run_stamped TAG CMD...: run CMD for at most $LG_LINUX_TIMEOUT seconds
# (default 90), stdin from $lg_stdin (default /dev/null).  Its stdout goes
# to /tmp/TAG.out line by line, each line prefixed with the host's wall
# clock when it arrived ("SECONDS.MICROSECONDS LINE", CRs dropped), between
# the lines "@@START CMD" (stamped just before the launch) and "@@EXIT
# <status>" (124: timed out); its stderr goes to /tmp/TAG.err.  bash's
# EPOCHREALTIME stamps without a process per line.  May run in the
# background ("&").
lg_run_stamped() {
	_lg_tag=$1
	shift
	bash -c 'out=$1 err=$2 in=$3 limit=$4
		shift 4
		cr=$(printf "\r")
		printf "%s @@START %s\n" "$EPOCHREALTIME" "$*" > "$out"
		{
			timeout -k 2 "$limit" "$@" < "$in" 2> "$err"
			printf "\n@@EXIT %s\n" $?
		} | while IFS= read -r l || [ -n "$l" ]; do
			printf "%s %s\n" "$EPOCHREALTIME" "${l//"$cr"/}"
		done >> "$out"' lg_run_stamped "/tmp/$_lg_tag.out" "/tmp/$_lg_tag.err" \
		"${lg_stdin:-/dev/null}" "${LG_LINUX_TIMEOUT:-90}" "$@"
}

# as_nobody_copy FILE: a copy of FILE that user nobody may read and run,
# in /tmp/lgnobody (printed).  A checkout may sit under a directory only
# its owner may enter (git clone into mktemp -d's 0700 directory), where
# nobody could not reach the file itself.
as_nobody_copy() {
	mkdir -p /tmp/lgnobody
	chmod 755 /tmp/lgnobody
	cp "$1" "/tmp/lgnobody/${1##*/}" || fail "cannot copy $1 for nobody"
	chmod a+rx "/tmp/lgnobody/${1##*/}"
	echo "/tmp/lgnobody/${1##*/}"
}

# run_peer TAG SMP APPEND: the peer, KVM + QEMU microvm (ACPI, no legacy
# PIT, PIC or RTC) with SMP vCPUs, booting $kernel and $initrd with APPEND
# as lg_run_stamped TAG (the same kernel, initramfs and command line as
# lguest's run beside it); kvm_amd must be loaded.
run_peer() {
	lg_run_stamped "$1" qemu-system-x86_64 -enable-kvm -cpu host \
		-M microvm,acpi=on,pit=off,pic=off,rtc=off -m 256 -smp "$2" \
		-nodefaults -no-user-config -display none -nic none -serial stdio \
		-no-reboot -kernel "$kernel" -initrd "$initrd" -append "$3"
}

# run_linux TAG TEST [ARGS...]: boot $lg_kernel (default $LG_GUEST_KERNEL)
# with $lg_initrd (default build/initramfs.cpio.gz) in ${lg_mem:-256M}
# under the launcher with lgtest=TEST on the command line, and any further
# launcher ARGS, as lg_run_stamped TAG; then show what happened.
run_linux() {
	_lg_rt=$1 _lg_test=$2
	shift 2
	lg_run_stamped "$_lg_rt" "$LG_LAUNCHER" --kernel "${lg_kernel:-$LG_GUEST_KERNEL}" \
		--initrd "${lg_initrd:-$LG_LINUX_INITRD}" --mem "${lg_mem:-256M}" \
		--append "$LG_LINUX_APPEND lgtest=$_lg_test" "$@"
	linux_show "$_lg_rt"
}

# linux_show TAG: print a stamped run, its lines timed from the launch.
linux_show() {
	awk 'NR == 1 { t0 = $1 }
	     { t = $1; sub(/^[^ ]* /, ""); printf "  %s %+8.3f | %s\n", tag, t - t0, $0 }' \
		tag="$1" "/tmp/$1.out"
	sed "s/^/  $1 stderr: /" "/tmp/$1.err"
}

# linux_at TAG PREFIX: the stamp of the first line of TAG's run that starts
# with PREFIX (nothing if none, or if a run started with "&" has yet to
# make its file).  linux_text TAG PREFIX: that line itself.
linux_at() {
	[ -e "/tmp/$1.out" ] || return 0
	while IFS= read -r _lg_l || [ -n "$_lg_l" ]; do
		case ${_lg_l#* } in
		"$2"*) echo "${_lg_l%% *}"; return ;;
		esac
	done < "/tmp/$1.out"
}
linux_text() {
	[ -e "/tmp/$1.out" ] || return 0
	while IFS= read -r _lg_l || [ -n "$_lg_l" ]; do
		case ${_lg_l#* } in
		"$2"*) printf "%s\n" "${_lg_l#* }"; return ;;
		esac
	done < "/tmp/$1.out"
}

# linux_has TAG PREFIX: succeed if a line of TAG's run starts with PREFIX.
linux_has() {
	[ -n "$(linux_text "$1" "$2")" ]
}

# wait_for SECS CMD...: run CMD every 0.1 s until it succeeds; fail (return
# 1) if it has not within SECS seconds of the host's clock (however slow
# CMD itself is).
wait_for() {
	_lg_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_lg_end" ] || return 1
		sleep 0.1
	done
}

# linux_rc TAG: the launcher's exit status in TAG's run (124: timed out).
linux_rc() {
	_lg_x=$(linux_text "$1" "@@EXIT ")
	echo "${_lg_x#@@EXIT }"
}

# lg_secs FROM TO: TO - FROM, two stamps, in seconds with 3 decimals.
lg_secs() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

# lg_between X LOW HIGH: succeed if LOW <= X <= HIGH (decimal numbers).
lg_between() {
	awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'
}

# expect_linux_rc TAG STATUS: the launcher exited with STATUS (0 powered
# off, 1 killed or could not run, 2 bad input, 3 rebooted, 4 panicked).
expect_linux_rc() {
	_lg_rc=$(linux_rc "$1")
	[ "$_lg_rc" != 124 ] || fail "$1: the launcher was still running after ${LG_LINUX_TIMEOUT:-90}s"
	[ "$_lg_rc" = "$2" ] ||
		fail "$1: launcher exit status '$_lg_rc', want $2 ($(head -n 1 "/tmp/$1.err"))"
}

# linux_power_off TAG TEST STATUS SECS: boot with lgtest=TEST (poweroff or
# reboot), whose guest prints "@@GUEST TEST now" just before it acts; the
# guest must boot once, and the launcher exit STATUS within SECS of that
# line.
linux_power_off() {
	load_lguest
	step "$2 -f"
	run_linux "$1" "$2"
	expect_linux_init "$1"
	_lg_at=$(linux_at "$1" "@@GUEST $2 now")
	[ -n "$_lg_at" ] || fail "the guest never got to $2"
	[ -z "$(linux_text "$1" "@@GUEST $2 FAIL")" ] || fail "$(linux_text "$1" "@@GUEST $2 FAIL")"
	[ "$(grep -c '@@GUEST init reached' "/tmp/$1.out")" = 1 ] ||
		fail "the guest booted again instead of the launcher exiting"
	expect_linux_rc "$1" "$3"
	_lg_took=$(lg_secs "$_lg_at" "$(linux_at "$1" "@@EXIT ")")
	echo "linux-$2: the launcher exited $3 ${_lg_took} s after the marker"
	lg_between "$_lg_took" 0 "$4" ||
		fail "the launcher exited ${_lg_took} s after the $2 marker, want <= $4"
}

# expect_linux_init TAG: the guest's /init printed its marker.
expect_linux_init() {
	[ -n "$(linux_at "$1" "@@GUEST init reached")" ] ||
		fail "$1: the guest never reached init (launcher exit status $(linux_rc "$1")$(
			[ "$(linux_rc "$1")" != 124 ] || echo ": timed out after ${LG_LINUX_TIMEOUT:-90}s")$(
			[ ! -s "/tmp/$1.err" ] || echo ": $(head -n 1 "/tmp/$1.err")"))"
}

# expect_linux_test TAG NAME: the guest test NAME printed "@@GUEST NAME PASS"
# and no FAIL line.
expect_linux_test() {
	_lg_f=$(linux_text "$1" "@@GUEST $2 FAIL")
	[ -z "$_lg_f" ] || fail "$1: guest: ${_lg_f#@@GUEST }"
	[ -n "$(linux_at "$1" "@@GUEST $2 PASS")" ] ||
		fail "$1: the guest test $2 printed no PASS line"
}

# expect_linux_clean TAG: the launcher wrote nothing to stderr.
expect_linux_clean() {
	[ ! -s "/tmp/$1.err" ] || fail "$1: launcher stderr: $(head -n 1 "/tmp/$1.err")"
}

# expect_linux_pass TAG TEST: a whole run of a guest test: init reached, the
# test passed, the guest powered off (exit status 0), stderr empty.
expect_linux_pass() {
	expect_linux_init "$1"
	expect_linux_test "$1" "$2"
	expect_linux_rc "$1" 0
	expect_linux_clean "$1"
}

# expect_lguest_error WHAT ARGS...: the launcher refuses ARGS (WHAT says
# what is wrong with them) within 20 s: exit status 2, nothing on stdout,
# and exactly one line on stderr, starting "lguest: ".  Sets lguest_error.
expect_lguest_error() {
	_lg_what=$1
	shift
	timeout -k 2 20 "$LG_LAUNCHER" "$@" </dev/null >/tmp/lgerr.out 2>/tmp/lgerr.err
	_lg_rc=$?
	lguest_error=$(head -n 1 /tmp/lgerr.err)
	echo "$_lg_what: exit status $_lg_rc: $(head -c 300 /tmp/lgerr.err)"
	[ $_lg_rc != 124 ] || fail "$_lg_what: the launcher was still running after 20 s"
	[ $_lg_rc = 2 ] || fail "$_lg_what: exit status $_lg_rc, want 2"
	[ "$(wc -l < /tmp/lgerr.err)" = 1 ] ||
		fail "$_lg_what: $(wc -l < /tmp/lgerr.err) lines on stderr, want 1"
	case "$lguest_error" in
	"lguest: "*) ;;
	*) fail "$_lg_what: stderr does not start with 'lguest: '" ;;
	esac
	[ ! -s /tmp/lgerr.out ] || fail "$_lg_what: output on stdout: $(head -c 200 /tmp/lgerr.out)"
}

# lg_pin_launcher CPU: from now on run the launcher pinned to CPU with
# taskset (run_guest quotes the launcher as one word, so through a
# wrapper); lg_unpin_launcher: back to the plain launcher.
lg_pin_launcher() {
	LG_LAUNCHER_REAL=$LG_LAUNCHER
	cat > /tmp/lg-pinned <<END
#!/bin/sh
exec taskset -c $1 "$LG_LAUNCHER_REAL" "\$@"
END
	chmod +x /tmp/lg-pinned
	LG_LAUNCHER=/tmp/lg-pinned
}

lg_unpin_launcher() {
	LG_LAUNCHER=$LG_LAUNCHER_REAL
	rm -f /tmp/lg-pinned
}

# lg_debugfs: mount debugfs (for the module's per-guest files) if it is not.
lg_debugfs() {
	[ -d /sys/kernel/debug/lguest ] || mountpoint -q /sys/kernel/debug ||
		mount -t debugfs debugfs /sys/kernel/debug
}
