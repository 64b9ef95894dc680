# SPDX-License-Identifier: GPL-2.0
# guest-hooks.sh - the hooks of tests/guests/cases.tsv: what a raw-guest
# case checks beyond its row.  Hook H of a row is up to three functions,
# H_before (after lguest.ko is loaded), H_run (runs the guest instead of
# run_guest) and H_after (once the run passed the row's checks); sourced by
# guest-rows.sh, where image, flags and guest_out/err/rc are the row's.

# --- apic-hrtimer: the host hrtimer behind the guest's APIC timer, with
# the launcher started on CPU 0.
#  - Floor: a periodic TMICT 1 at divide-by-1 runs at 200 us (debugfs
#    "interrupts": period_ns 200000, and at most 5000 fires a second, with
#    20% of slack, over 500 ms; the guest keeps it 3 s, as a shell's
#    commands are slow under TCG), with KVM's rate-limited message.
#  - Kick: the guest arms a 1 ms periodic timer (its hrtimer stays on CPU
#    0), is moved to CPU 1 and spins there with no exits for 500 ms:
#    without a kick only the host's 4 ms scheduler tick would let the ticks
#    in (<= 125); at least 250 must come.

# hrt_wait_line TEXT: wait (10 s at most) for "apic-hrtimer: TEXT".
hrt_wait_line() {
	_i=0
	until grep -q "^apic-hrtimer: $1" "$guest_out"; do
		_i=$((_i + 1))
		[ $_i -lt 200 ] && kill -0 $hrt_pid 2>/dev/null ||
			{ cat "$guest_out" "$guest_err"; fail "no '$1' line"; }
		sleep 0.05
	done
}

# hrt_state: "PERIOD_NS FIRES" of the guest's APIC timer.
hrt_state() {
	sed -n 's/^lapic timer period_ns \([0-9]*\) fires \([0-9]*\)$/\1 \2/p' \
		/sys/kernel/debug/lguest/$hrt_pid/interrupts
}

apic_hrtimer_before() {
	[ "$(lg_ncpus)" -ge 2 ] || fail "needs two CPUs"
	lg_debugfs
	dmesg -c > /dev/null
}

apic_hrtimer_run() {
	step "started on CPU 0"
	guest_out=/tmp/apic-hrtimer.out guest_err=/tmp/apic-hrtimer.err
	# shellcheck disable=SC2086 # flags is a word list
	taskset -c 0 "$LG_LAUNCHER" --raw "$LG_GUESTS/$image.bin" $flags \
		>"$guest_out" 2>"$guest_err" &
	hrt_pid=$!

	hrt_wait_line "floor armed"
	_t0=$(date +%s%N)
	_s0=$(hrt_state)
	sleep 0.5
	_t1=$(date +%s%N)
	_s1=$(hrt_state)
	echo "timer (period_ns fires): $_s0, then $_s1 after $(((_t1 - _t0) / 1000)) us"
	# shellcheck disable=SC2086 # two pairs of numbers
	set -- $_s0 $_s1
	[ $# = 4 ] || fail "cannot read the timer's state from debugfs"
	[ "$1" = 200000 ] || fail "TMICT 1 at divide-by-1: period $1 ns, want the 200000 ns floor"
	[ "$3" = 200000 ] || fail "the guest's floor phase ended before the second reading (period $3 ns)"
	_max=$(((_t1 - _t0) / 200000 * 12 / 10 + 2))
	[ $(($4 - $2)) -le $_max ] || fail "$(($4 - $2)) fires in $(((_t1 - _t0) / 1000)) us, want <= $_max"

	hrt_wait_line "armed"
	step "moving it to CPU 1"
	taskset -pc 1 $hrt_pid || fail "cannot move the launcher to CPU 1"
	wait $hrt_pid
	guest_rc=$?
	echo "lguest apic-hrtimer: exit status $guest_rc"
	lg_prefix "  out: " < "$guest_out"
	lg_prefix "  err: " < "$guest_err"
}

apic_hrtimer_after() {
	dmesg | grep -q "requested 1 ns lapic timer period limited to 200000 ns" ||
		fail "no 'lapic timer period limited' line in the log"
}

# --- concurrent, spec: several copies of the row's guest at once.

# at_once N [CMD...]: start N copies of the row's guest at once, each
# launcher under CMD (e.g. taskset -c 0) and a 120 s timeout; then judge
# every one by the row (row_check) as it ends.
at_once() {
	_n=$1 _pids= _i=0
	shift
	while [ $_i -lt "$_n" ]; do
		_i=$((_i + 1))
		# shellcheck disable=SC2086 # flags is a word list
		"$@" timeout -k 2 120 "$LG_LAUNCHER" --raw "$LG_GUESTS/$image.bin" $flags \
			>/tmp/at_once.$_i.out 2>/tmp/at_once.$_i.err &
		_pids="$_pids $!"
	done
	_i=0
	for _p in $_pids; do
		_i=$((_i + 1))
		wait "$_p"
		guest_rc=$? guest_out=/tmp/at_once.$_i.out guest_err=/tmp/at_once.$_i.err
		echo "guest $_i: exit status $guest_rc"
		lg_prefix "  out: " < "$guest_out"
		lg_prefix "  err: " < "$guest_err"
		row_check
	done
}

# concurrent: four memory.bin guests run at once on the test host's two
# CPUs, so guests share CPUs, migrate between them and use different ASIDs;
# each fills and verifies all of its RAM, which a TLB entry left over from
# another guest (or from this guest on another CPU) would break.
four_at_once_run() {
	at_once 4
}

# --- debugreg, hostile-ac-db: what the module intercepted.
EXC_EXITS=/sys/kernel/debug/lguest/exception_exits

# exception_exits_show: print debugfs exception_exits.
# exception_exits_has LINE-START WHY: it has a line "LINE-START <non-zero
# count>", or the case fails with WHY.
exception_exits_show() {
	[ -r $EXC_EXITS ] || fail "no $EXC_EXITS"
	lg_prefix "  " < $EXC_EXITS
}

exception_exits_has() {
	grep -q "^$1 [1-9]" $EXC_EXITS || fail "$2"
}

# debugreg: every MOV DR was intercepted (debugfs exception_exits counts
# mov-dr), so the guest's DR0-DR3 reach the hardware only around VMRUN.
mov_dr_exits_before() {
	lg_debugfs
}

mov_dr_exits_after() {
	exception_exits_show
	exception_exits_has mov-dr "no MOV DR access was intercepted"
}

# hostile-ac-db: #AC and #DB are intercepted by the host (the benign-
# exception hangs CVE-2015-5307 and CVE-2015-8104).  TCG never hangs in the
# microcode loop, so the intercepts themselves are checked: the module's
# debugfs exception_exits must count vectors 1 and 17; and #DB, #AC and
# #MC must be in a running guest's exception intercepts.
ac_db_intercepts_before() {
	lg_debugfs
}

ac_db_intercepts_after() {
	exception_exits_show
	exception_exits_has "vector 1" "no #DB (vector 1) was intercepted"
	# TCG does no alignment checking: the #AC intercept is then untestable.
	if ! grep -q "^hostile-ac-db: no #AC at all" "$guest_out"; then
		exception_exits_has "vector 17" "no #AC (vector 17) was intercepted"
	fi

	# #MC belongs to the host (run.c, waypoint 532): a machine check in
	# guest mode must exit to the host's handler, never reach the guest's
	# IDT.  TCG cannot raise one in guest mode, so the intercept is checked
	# as the VMCB holds it, in a running guest's debugfs info, with #DB and
	# #AC.
	step "exception intercepts of a running guest"
	# Bochs, make check-vmx's test host (lgembed=1), stops for good in a
	# guest's "cli; jmp ." under any VMM (kvm_intel too): no spinning there.
	if grep -qw lgembed=1 /proc/cmdline; then
		echo "  skipped: the Bochs test host hangs in a spinning guest"
		return
	fi
	"$LG_LAUNCHER" --raw "$LG_GUESTS/hostile-spin.bin" --mem 16M >/tmp/spin.out 2>&1 &
	_pid=$!
	wait_for 20 grep -q "^hostile-spin: spinning" /tmp/spin.out ||
		{ kill -9 $_pid; fail "the spinning guest did not start"; }
	_line=$(grep "^exception_intercepts " /sys/kernel/debug/lguest/$_pid/info)
	{ kill -9 $_pid; wait $_pid; } 2>/dev/null
	echo "  $_line"
	# The list is the kernel's %pbl: "1,14,17-18".
	_vectors=$(echo "${_line#exception_intercepts }" | awk -F, '{
		for (i = 1; i <= NF; i++)
			if (split($i, r, "-") == 2) { for (j = r[1]; j <= r[2]; j++) print j }
			else print r[1] }')
	for _v in 1 17 18; do
		echo "$_vectors" | grep -q -x "$_v" || fail "vector $_v is not intercepted: $_line"
	done
}

# --- fpu, tsc-aux: the launcher pinned to CPU 1.

# fpu: the guest's FPU/SSE registers survive the host: pinned to CPU 1
# with a busy awk (whose arithmetic is SSE) pinned beside it, the
# launcher's thread is switched out and back many times mid-guest.
sse_hog_cpu1_before() {
	step "sharing CPU 1 with a task that uses SSE"
	taskset -c 1 awk 'BEGIN { while (1) x = x * 1.000001 + 0.5 }' &
	sse_hog=$!
	lg_pin_launcher 1
}

sse_hog_cpu1_after() {
	kill $sse_hog
	lg_unpin_launcher
}

# tsc-aux: on CPU 1, whose host TSC_AUX is not 0.
pin_cpu1_before() {
	step "on CPU 1"
	lg_pin_launcher 1
}

pin_cpu1_after() {
	lg_unpin_launcher
}

# --- hostile-mmio: the kill reason names the RIP the guest printed.
mmio_rip_after() {
	_rip=$(sed -n "s/^$image: .* at rip \(0x[0-9a-f]*\)\$/\1/p" "$guest_out")
	[ -n "$_rip" ] || fail "$image printed no rip"
	case $(cat "$guest_err") in
	*"at rip $_rip"*) ;;
	*) fail "$image: the kill reason lacks 'at rip $_rip'" ;;
	esac
}

# --- hostile-spin: a guest that spins forever with interrupts off does
# not hold the launcher hostage: 2 s in, SIGINT ends the launcher within
# 1 s.
sigint_stops_run() {
	expect_stops_on_sigint lguest
	guest_out=/tmp/spin.out guest_err=/tmp/spin.err guest_rc=$_lg_rc
}

# --- lifetime: 100 guests (hello.bin, 64M each) come and go, then the
# module is unloaded; guests must not leak.  Three measures, caches dropped:
#  - every launcher runs in a memory cgroup of its own, and everything a
#    guest makes the module allocate is charged there (GFP_KERNEL_ACCOUNT):
#    the cgroup's anon, file, shmem and kernel memory (memory.stat) may
#    grow by at most 128 KiB (a page per guest would be 400 KiB).  Not
#    memory.current: it also holds each CPU's stock of precharged pages
#    (64 a CPU), which comes and goes by hundreds of KiB;
#  - slab and vmalloc of the whole machine (SUnreclaim + VmallocUsed), for
#    what is not charged: within 1 MiB of where they were (they move by
#    ~150 KiB);
#  - free pages, for pages neither measure sees, within 1 MiB: MemFree
#    plus the pages on the per-CPU free lists (/proc/zoneinfo's pageset
#    counts), which MemFree leaves out and which hold from 4 to 50 MiB as
#    frees come and go; with them, the figure moves by about 100 kB.  One
#    guest's first 2 MiB chunk of RAM lost would show.
# Ten warm-up guests run first, and each machine-wide reading waits for
# two that agree.
LIFE_CG=/sys/fs/cgroup
LIFE_STAT='^(anon|file|shmem|kernel) '

# life_charged: the lglife cgroup's anon + file + shmem + kernel, in bytes.
life_charged() {
	awk -v re="$LIFE_STAT" '$0 ~ re { n += $2 } END { print n + 0 }' \
		$LIFE_CG/lglife/memory.stat
}

# life_kernel_kb: the machine's SUnreclaim + VmallocUsed, in kB.
life_kernel_kb() {
	awk '/^(SUnreclaim|VmallocUsed):/ { n += $2 } END { print n + 0 }' /proc/meminfo
}

# life N: run the row's guest N times, each launcher in the lglife cgroup.
life() {
	_i=0
	while [ $_i -lt "$1" ]; do
		# shellcheck disable=SC2086 # flags is a word list
		timeout 30 sh -c 'echo $$ > '$LIFE_CG'/lglife/cgroup.procs && exec "$@"' sh \
			"$LG_LAUNCHER" --raw "$LG_GUESTS/$image.bin" $flags \
			>/tmp/life.out 2>/tmp/life.err ||
			fail "run $_i: exit status $?: $(cat /tmp/life.out /tmp/life.err)"
		grep -q "^hello: PASS" /tmp/life.out || fail "run $_i: no PASS: $(cat /tmp/life.out)"
		_i=$((_i + 1))
	done
}

# settled CMD: CMD's number (caches dropped first) once two readings 1 s
# apart agree within 256 (at most 6 tries).
settled() {
	memfree_kb > /dev/null
	_a=$($1)
	for _t in 1 2 3 4 5; do
		sleep 1
		memfree_kb > /dev/null
		_b=$($1)
		[ $((_b - _a)) -le 256 ] && [ $((_a - _b)) -le 256 ] && break
		_a=$_b
	done
	echo "$_b"
}

# free_now: free memory in kB, as it is: MemFree and the pages waiting on
# each CPU's free lists, which MemFree does not count.
free_now() {
	awk '$1 == "MemFree:" { kb = $2 }
		END { while ((getline l < "/proc/zoneinfo") > 0)
			if (split(l, f) == 2 && f[1] == "count:") kb += f[2] * 4
		print kb }' /proc/meminfo
}

lifetime_run() {
	rmmod lguest || fail "rmmod lguest failed"
	grep -q " $LIFE_CG cgroup2 " /proc/mounts || mount -t cgroup2 none $LIFE_CG ||
		fail "cannot mount cgroup2"
	echo +memory > $LIFE_CG/cgroup.subtree_control || fail "no memory controller"
	mkdir -p $LIFE_CG/lglife || fail "cannot make a cgroup"

	step "warm-up: 10 guests"
	load_lguest
	life 10
	rmmod lguest || fail "rmmod lguest failed"
	_before=$(settled free_now)
	_k_before=$(settled life_kernel_kb)
	_cg_before=$(life_charged)

	step "100 guests"
	load_lguest
	_t0=$(date +%s%N)
	life 100
	echo "100 runs in $((($(date +%s%N) - _t0) / 1000000)) ms"
	rmmod lguest || fail "rmmod lguest failed"
	_after=$(settled free_now)
	_k_after=$(settled life_kernel_kb)
	_cg_after=$(life_charged)
	echo "cgroup lglife: $_cg_before bytes charged before, $_cg_after after"
	echo "SUnreclaim + VmallocUsed before $_k_before kB, after $_k_after kB"
	echo "free before $_before kB, after $_after kB, lost $((_before - _after)) kB"
	rmdir $LIFE_CG/lglife 2>/dev/null
	[ $((_cg_after - _cg_before)) -le 131072 ] ||
		fail "the launchers' cgroup kept $((_cg_after - _cg_before)) bytes over 100 guests"
	[ $((_k_after - _k_before)) -le 1024 ] ||
		fail "slab and vmalloc grew by $((_k_after - _k_before)) kB over 100 guests"
	[ $((_before - _after)) -le 1024 ] || fail "lost $((_before - _after)) kB over 100 guests"
	# The last run, for the row's own checks.
	guest_out=/tmp/life.out guest_err=/tmp/life.err guest_rc=0
}

# --- memory: the launcher's --dump-ram shows the same RAM from outside:
# the image at 1 MiB and the guest's pattern at 2 MiB, 16 MiB and in the
# last word.
ram_dump_after() {
	check_ram_dump /tmp/ram.lguest 67108864 "$LG_GUESTS/memory.bin"
	rm -f /tmp/ram.lguest
}

# --- lazy-ram: guest RAM is allocated as the guest first touches it, and
# charged to the launcher's memory cgroup, here one of 64 MiB.  hello.bin
# given 1 GiB runs, touching a few chunks (were RAM allocated at creation,
# LGUEST_CREATE would fail); memory.bin, filling all its 96 MiB, is killed
# once the cgroup is full, saying so, and the OOM killer stays out of it;
# with --prealloc, the 1 GiB hello fails at creation, in one line.
MEMCG=/sys/fs/cgroup/lglazy
memcg_before() {
	grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts ||
		mount -t cgroup2 none /sys/fs/cgroup || fail "cannot mount cgroup2"
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control || fail "no memory controller"
	mkdir -p $MEMCG || fail "cannot make a cgroup"
	echo 64M > $MEMCG/memory.max || fail "cannot set memory.max"
	echo 0 > $MEMCG/memory.swap.max 2>/dev/null
	dmesg -c > /dev/null
	# This shell, and so the launchers it starts, in the cgroup.
	echo $$ > $MEMCG/cgroup.procs || fail "cannot join the cgroup"
}

memcg_after() {
	if [ "$image" = hello ]; then
		step "hello.bin --mem 1G --prealloc in the 64 MiB cgroup fails at creation"
		"$LG_LAUNCHER" --raw "$LG_GUESTS/hello.bin" --mem 1G --prealloc \
			>/tmp/hello.out 2>/tmp/hello.err
		_rc=$?
		lg_prefix "  err: " < /tmp/hello.err
		[ $_rc = 1 ] || fail "--prealloc: exit status $_rc, want 1"
		[ "$(wc -l < /tmp/hello.err)" = 1 ] &&
			grep -q "^lguest: cannot create a guest with 1024 MiB of RAM: Cannot allocate memory" /tmp/hello.err ||
			fail "--prealloc: want one 'cannot create a guest ... Cannot allocate memory' line"
		grep -q "Hello" /tmp/hello.out && fail "--prealloc: the guest ran"
	fi
	echo $$ > /sys/fs/cgroup/cgroup.procs || fail "cannot leave the cgroup"
	echo "memory.events: $(tr '\n' ' ' < $MEMCG/memory.events)"
	rmdir $MEMCG || fail "cannot remove the cgroup"
	! dmesg | grep -E -i "oom|out of memory|allocation failure" ||
		fail "the OOM killer or an allocation warning in the log"
}

# --- paging: the launcher's --verbose and the module's paging parameter
# say which mode is in use; paging=shadow works as the module's default,
# and a bad value is refused.
paging_choice_after() {
	step "the choice is visible"
	for _m in shadow npt; do
		"$LG_LAUNCHER" -v --raw "$LG_GUESTS/hello.bin" --mem 16M --paging $_m \
			>/tmp/hello.out 2>/tmp/hello.err ||
			fail "hello.bin --paging $_m failed: $(cat /tmp/hello.err)"
		grep -qx "lguest: paging: $_m" /tmp/hello.err ||
			fail "launcher -v did not say 'paging: $_m': $(cat /tmp/hello.err)"
	done
	echo "paging parameter: $(cat /sys/module/lguest/parameters/paging)"
	rmmod lguest || fail "rmmod lguest failed"

	step "paging=shadow as the module's default"
	insmod "$LG_KO" paging=shadow || fail "insmod lguest.ko paging=shadow failed"
	[ "$(cat /sys/module/lguest/parameters/paging)" = shadow ] || fail "paging parameter does not read shadow"
	"$LG_LAUNCHER" -v --raw "$LG_GUESTS/hello.bin" --mem 16M \
		>/tmp/hello.out 2>/tmp/hello.err || fail "hello.bin failed: $(cat /tmp/hello.err)"
	grep -qx "lguest: paging: shadow" /tmp/hello.err || fail "default paging=shadow not used"
	rmmod lguest || fail "rmmod lguest failed"
	if insmod "$LG_KO" paging=bogus 2>/dev/null; then
		rmmod lguest
		fail "paging=bogus was accepted"
	fi
}

# --- sleep: a guest halted for 2 s (wake-only timer, interrupts off)
# costs the host almost no CPU: the launcher's user + system time for
# sleep.bin exceeds that of hello.bin (the cost of starting and ending a
# guest, a few hundred ms under TCG) by less than 0.5 s; and the sleep
# really lasts about 2 s.

# launcher_cpu NAME: run NAME.bin with the row's flags in a shell of its
# own whose only child is the launcher; set cpu_ms (the launcher's user +
# system time, as the kernel totals it for the reaped child), wall_ms and
# guest_out, guest_err, guest_rc.
launcher_cpu() {
	_t0=$(date +%s%N)
	# shellcheck disable=SC2086 # flags is a word list
	_stat=$(sh -c '"$@" >/tmp/cpu.out 2>/tmp/cpu.err
		echo $? >/tmp/cpu.rc
		read -r l </proc/$$/stat
		echo "$l"' sh timeout 30 "$LG_LAUNCHER" --raw "$LG_GUESTS/$1.bin" $flags)
	wall_ms=$((($(date +%s%N) - _t0) / 1000000))
	guest_out=/tmp/cpu.out guest_err=/tmp/cpu.err guest_rc=$(cat /tmp/cpu.rc)
	cpu_ms=$(echo "$_stat" | awk -v hz="$(getconf CLK_TCK)" '{ print int(($16 + $17) * 1000 / hz) }')
	echo "$1: exit status $guest_rc, wall $wall_ms ms, launcher CPU $cpu_ms ms"
	lg_prefix "  out: " < "$guest_out"
	lg_prefix "  err: " < "$guest_err"
	[ -n "$cpu_ms" ] || fail "cannot read the launcher's CPU time"
}

sleep_cpu_run() {
	step "hello.bin: what starting and ending a guest costs"
	launcher_cpu hello
	guest_passed lguest hello
	_base=$cpu_ms
	step "sleep.bin: 2 s of HLT"
	launcher_cpu sleep
	row_check
	echo "sleeping 2 s cost $((cpu_ms - _base)) ms of CPU more than hello"
	[ $wall_ms -ge 1900 ] || fail "the 2 s sleep took only $wall_ms ms"
	[ $wall_ms -le 15000 ] || fail "the 2 s sleep took $wall_ms ms"
	[ $((cpu_ms - _base)) -lt 500 ] ||
		fail "the launcher used $((cpu_ms - _base)) ms of CPU more than for hello.bin"
}

# --- spec: speculation hygiene (Documentation/security.rst).  Prints what
# the host kernel mitigates and what lguest does at guest entry and exit
# (/sys/kernel/debug/lguest/spec); after spec.bin's own CPUID and MSR
# checks, two spec.bin guests pinned to CPU 0 take turns on it, and every
# switch from one to the other must have asked for an IBPB
# (ibpb_guest_switches grows).
SPEC=/sys/kernel/debug/lguest/spec

# spec_val KEY: the value of KEY in $SPEC.
spec_val() {
	sed -n "s/^$1 //p" "$SPEC"
}

spec_ibpb_before() {
	lg_debugfs
	[ -r "$SPEC" ] || fail "no $SPEC"
	step "host: /sys/devices/system/cpu/vulnerabilities"
	for _f in /sys/devices/system/cpu/vulnerabilities/*; do
		echo "  ${_f##*/}: $(cat "$_f")"
	done
	step "lguest: $SPEC"
	lg_prefix "  " < "$SPEC"
	for _k in verw_before_vmrun rsb_fill_on_vmexit untrain_ret_on_vmexit \
		ibpb_on_vmexit ibpb_guest_switch ibpb_exit_to_user spec_ctrl \
		ibpb_guest_switches; do
		[ -n "$(spec_val $_k)" ] || fail "$SPEC has no '$_k' line"
	done
	step "spec.bin alone: CPUID and MSR policy"
}

spec_ibpb_after() {
	step "two spec.bin guests taking turns on CPU 0"
	_before=$(spec_val ibpb_guest_switches)
	at_once 2 taskset -c 0
	_after=$(spec_val ibpb_guest_switches)
	echo "ibpb_guest_switches: $_before -> $_after"
	# Each guest's first entry counts once; taking turns must add many more.
	[ $((_after - _before)) -ge 10 ] ||
		fail "only $((_after - _before)) guest switches asked for an IBPB, want >= 10"
}

# --- uart: a line on the launcher's stdin, from a pipe and then from a
# regular file, reaches the guest's receiver and comes back as "uart: got:
# ping 42"; no byte sent in loopback (all >= 0x80) reaches stdout.

# uart_ascii: stdout is plain ASCII.
uart_ascii() {
	[ "$(LC_ALL=C tr -d '\n -~' < "$guest_out" | wc -c)" = 0 ] ||
		fail "stdout holds bytes the guest sent in loopback"
}

uart_pipe_before() {
	step "'ping 42' through a pipe on stdin"
	rm -f /tmp/uart.fifo
	mkfifo /tmp/uart.fifo || fail "mkfifo"
	printf 'ping 42\n' > /tmp/uart.fifo &
	guest_stdin=/tmp/uart.fifo
}

uart_pipe_after() {
	wait
	rm -f /tmp/uart.fifo
	uart_ascii
}

uart_file_before() {
	step "'ping 42' from a regular file on stdin"
	printf 'ping 42\n' > /tmp/uart.in
	guest_stdin=/tmp/uart.in
}

uart_file_after() {
	rm -f /tmp/uart.in
	uart_ascii
}

# --- xsetbv: a summary line with successes and #GPs, or (the test host's
# CPU has no XSAVE, and TCG does not intercept XSETBV) the no-XSAVE line.
xsetbv_summary_after() {
	grep -q "^xsetbv: tried [0-9]* accepted [1-9][0-9]* #GP [1-9][0-9]* mismatches 0 not intercepted [0-9]*$" "$guest_out" ||
		grep -q "^xsetbv: no XSAVE offered: only the #UD checked$" "$guest_out" ||
		fail "neither a summary line with successes and #GPs nor the no-XSAVE line"
}
