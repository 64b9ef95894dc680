# SPDX-License-Identifier: GPL-2.0
# bench-run: "lguest run -- true", a throwaway guest that runs one command,
# for "make bench": its wall time from launch to exit (run-true, ms) beside
# the peer doing the same: QEMU microvm on KVM (run_peer's machine, ACPI,
# no PIT or PIC, but with its RTC: lguest's ACPI tables say "no CMOS RTC",
# microvm's with rtc=off do not, and the guest's rtc_cmos then polls the
# absent chip for seconds in the test host; one untimed run shows the
# peer with rtc=off) booting the same kernel (build/vmlinux: QEMU boots an
# ELF vmlinux through its PVH note, which scripts/vmlinux.py leaves empty,
# so the peer gets a copy with that one program header pointed back at the
# note's bytes) and the same initramfs (build/run/initramfs.cpio, whose
# /init is lgrun) followed by the cpio the launcher would add
# (lgrun/argv "true", lgrun/devices empty), with three virtio consoles
# (hvc0 stdout, hvc1 stderr, hvc2 the control channel; one virtio-serial
# device each, as lguest gives three console devices), the exit port
# (isa-debug-exit at 0xf4: QEMU exits (V << 1) | 1), lguest run's RAM and the
# command line lguest run uses (what "lguest run -v" says it gives the
# kernel, without --append).  lguest must exit 0 and
# QEMU 1, or that side's figure is n/a.  LG_BENCH_RUNS (default 5) rounds,
# each the peer, lguest and lguest --paging shadow, after one untimed
# warm-up round; each run's figure (make bench takes the median).  Then, untimed,
# where the time goes, on each side: the guest's uptime when a command
# ("cat /proc/uptime") runs, lguest's setup steps (-v lines) and the
# kernel's log (console=ttyS0), each line stamped by the host as it comes.
. "$LG_TOP/tests/host/lib.sh"

runs=${LG_BENCH_RUNS:-5}
limit=${LG_RUN_TIMEOUT:-180}
initramfs=$LG_TOP/build/run/initramfs.cpio
peer_kernel=/tmp/brun-vmlinux
[ -f "$LG_GUEST_KERNEL" ] || fail "no $LG_GUEST_KERNEL: run make"
[ -f "$initramfs" ] || fail "no $initramfs: run make"

step "the peer's kernel: $LG_GUEST_KERNEL with its PVH note findable"
python3 - "$LG_GUEST_KERNEL" "$peer_kernel" <<'EOF' || fail "cannot make the peer's vmlinux"
# The same bytes; only an empty PT_NOTE header (vmlinux.py keeps PT_LOAD
# contents only) is given the file offset and size of the notes, which
# lie inside the first PT_LOAD's bytes.
import struct, sys
f = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<Q', f, 0x20)
phentsize, phnum = struct.unpack_from('<HH', f, 0x36)
ph = [struct.unpack_from('<IIQQQQQQ', f, phoff + i * phentsize) for i in range(phnum)]
done = 0
for i, (typ, _, _, va, pa, fsz, msz, _) in enumerate(ph):
    if typ != 4 or fsz:
        continue
    for (t2, _, off2, _, pa2, fsz2, _, _) in ph:
        if t2 == 1 and pa2 <= pa and pa + msz <= pa2 + fsz2:
            struct.pack_into('<QQQQQ', f, phoff + i * phentsize + 8,
                             off2 + pa - pa2, va, pa, msz, msz)
            done += 1
            break
if not done:
    sys.exit('no empty PT_NOTE inside a PT_LOAD')
open(sys.argv[2], 'wb').write(f)
print('peer vmlinux: %d note header(s) restored' % done)
EOF
cmp -l "$LG_GUEST_KERNEL" "$peer_kernel" | wc -l | sed 's/^/bytes that differ: /'

# peer_initrd NAME ARG...: /tmp/brun-NAME.cpio, the run initramfs and the
# launcher's cpio for the command ARG... (lgrun/ 0700, argv, devices).
peer_initrd() {
	_n=$1
	shift
	rm -rf "/tmp/brun-x-$_n"
	mkdir -p "/tmp/brun-x-$_n/lgrun"
	printf '%s\0' "$@" > "/tmp/brun-x-$_n/lgrun/argv"
	: > "/tmp/brun-x-$_n/lgrun/devices"
	chmod 700 "/tmp/brun-x-$_n/lgrun"
	chmod 600 "/tmp/brun-x-$_n/lgrun/argv" "/tmp/brun-x-$_n/lgrun/devices"
	(cd "/tmp/brun-x-$_n" && printf 'lgrun\nlgrun/argv\nlgrun/devices\n' |
		cpio -o -H newc -R 0:0 --quiet) > "/tmp/brun-x-$_n.cpio" ||
		fail "cpio failed"
	cat "$initramfs" "/tmp/brun-x-$_n.cpio" > "/tmp/brun-$_n.cpio"
}
peer_initrd true true
peer_initrd uptime cat /proc/uptime
ls -l "$peer_kernel" /tmp/brun-true.cpio /tmp/brun-uptime.cpio

# peer RUNNER INITRD OUT0 APPEND [QEMU ARGS...]: run the peer's QEMU
# command through RUNNER (words: "timed kvm 1"): the kernel above with
# INITRD and command line APPEND, hvc0 to OUT0 (a chardev: file:PATH or
# stdio), hvc1 to /tmp/brun-hvc1, hvc2 to nothing (no command here reads
# stdin).  With peer_show=1 it prints the command first.
peer() {
	_run=$1 _i=$2 _o=$3 _a=$4
	shift 4
	case $_o in
	stdio) _c0=stdio,id=c0 ;;
	file:*) _c0=file,id=c0,path=${_o#file:} ;;
	esac
	set -- qemu-system-x86_64 -enable-kvm -cpu host \
		-M microvm,acpi=on,pit=off,pic=off,rtc=on -m "$mem" -smp 1 \
		-nodefaults -no-user-config -display none -nic none -no-reboot \
		-kernel "$peer_kernel" -initrd "$_i" -append "$_a" \
		-device isa-debug-exit,iobase=0xf4,iosize=1 \
		-chardev "$_c0" -chardev file,id=c1,path=/tmp/brun-hvc1 -chardev null,id=c2 \
		-device virtio-serial-device,id=vs0,max_ports=1 -device virtconsole,bus=vs0.0,chardev=c0 \
		-device virtio-serial-device,id=vs1,max_ports=1 -device virtconsole,bus=vs1.0,chardev=c1 \
		-device virtio-serial-device,id=vs2,max_ports=1 -device virtconsole,bus=vs2.0,chardev=c2 \
		"$@"
	[ "${peer_show:-}" != 1 ] || echo "peer command: $*"
	$_run "$@"
}

# timed WHO WANT CMD...: run CMD once (stdin /dev/null, output to
# /tmp/brun-last.out and .err), timed inside bash by EPOCHREALTIME so that
# no process but CMD's own is in the interval; at most $limit s.  Appends
# the milliseconds to /tmp/brun-ms-WHO if it exited WANT, else records the
# failure in /tmp/brun-bad-WHO.  "warm" as WHO: print only.
timed() {
	_w=$1 _want=$2
	shift 2
	timeout -k 2 "$limit" bash -c 't0=$EPOCHREALTIME
		"$@" </dev/null >/tmp/brun-last.out 2>/tmp/brun-last.err
		rc=$?
		t1=$EPOCHREALTIME
		echo "$rc $t0 $t1"' timed "$@" > /tmp/brun-last.time
	_rc=124 _t0= _t1=
	read -r _rc _t0 _t1 < /tmp/brun-last.time
	_ms=n/a
	[ -n "$_t1" ] && _ms=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
	echo "$_w: exit status $_rc (want $_want) after $_ms ms"
	lg_prefix "  out: " < /tmp/brun-last.out | head -n 5
	lg_prefix "  err: " < /tmp/brun-last.err | head -n 5
	[ "$_w" = warm ] && return 0
	if [ "$_rc" = "$_want" ] && [ "$_ms" != n/a ]; then
		echo "$_ms" >> "/tmp/brun-ms-$_w"
	else
		echo "exit status $_rc, want $_want" >> "/tmp/brun-bad-$_w"
	fi
}

rm -f /tmp/brun-ms-* /tmp/brun-bad-*
# The peer's command line is lguest run's own, as its -v says.
load_lguest dev
"$LG_LAUNCHER" run -v -- true </dev/null > /tmp/brun-v.txt 2>&1
cmdline=$(sed -n 's/^lguest: command line at 0x[0-9a-f]*: "\(.*\)"$/\1/p' /tmp/brun-v.txt)
# ... and its RAM: lguest run's default.
mem=$(sed -n 's/^lguest: \([0-9]*\) MiB of RAM, .*/\1/p' /tmp/brun-v.txt)
rmmod lguest_dev lguest || fail "rmmod lguest_dev lguest failed"
[ -n "$cmdline" ] && [ -n "$mem" ] || fail "lguest run -v does not say its command line and RAM"
echo "@@BENCHNOTE run-true: both sides: $mem MiB of RAM, kernel command line: $cmdline"
# The files' first reads come over 9p: warm the page cache for both sides.
cat "$LG_LAUNCHER" "$LG_GUEST_KERNEL" "$initramfs" "$(command -v qemu-system-x86_64)" > /dev/null

r=0
while [ $r -le "$runs" ]; do
	if [ $r = 0 ]; then
		what="warm-up round (untimed)" pw=warm lg=warm lgs=warm
	else
		what="round $r of $runs" pw=kvm lg=lguest lgs=lguest-shadow
	fi
	step "$what: peer, KVM + QEMU microvm"
	kmod kvm_amd || fail "cannot load kvm_amd"
	peer_show=$((r == 0))
	peer "timed $pw 1" /tmp/brun-true.cpio file:/tmp/brun-hvc0 "$cmdline"
	rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"
	step "$what: lguest run -- true"
	load_lguest dev
	timed $lg 0 "$LG_LAUNCHER" run -- true
	[ $r = 0 ] || timed $lgs 0 "$LG_LAUNCHER" run --paging shadow -- true
	rmmod lguest_dev lguest || fail "rmmod lguest_dev lguest failed"
	r=$((r + 1))
done

# report WHO: each of WHO's runs, in the order they ran (make bench takes
# the median and the spread), or n/a if any failed.
report() {
	if [ -s "/tmp/brun-bad-$1" ] || ! [ -s "/tmp/brun-ms-$1" ]; then
		echo "@@BENCH run-true $1 n/a ms"
		echo "@@BENCHNOTE run-true $1: n/a: $(sort /tmp/brun-bad-$1 2>/dev/null | uniq -c | tr -s ' \n' ' ')"
		return 1
	fi
	sed "s/^/@@BENCH run-true $1 /; s/\$/ ms/" "/tmp/brun-ms-$1"
}
ok=0
for who in kvm lguest lguest-shadow; do
	report $who || ok=1
done

# Where the time goes (untimed runs: nothing here enters the figures).
# stamped TAG CMD...: CMD's stdout and stderr, each line stamped by the
# host as it arrives, in /tmp/TAG.out (as lg_run_stamped), then shown.
stamped() {
	_t=$1
	shift
	timeout -k 2 "$limit" bash -c 'out=$1
		shift
		cr=$(printf "\r")
		printf "%s @@START\n" "$EPOCHREALTIME" > "$out"
		{
			"$@" </dev/null 2>&1
			printf "\n@@EXIT %s\n" $?
		} | while IFS= read -r l || [ -n "$l" ]; do
			printf "%s %s\n" "$EPOCHREALTIME" "${l//"$cr"/}"
		done >> "$out"' stamped "/tmp/$_t.out" "$@"
	: > "/tmp/$_t.err"
	linux_show "$_t"
}

# uptime_note WHO TAG [TEXT]: from a stamped run of "cat /proc/uptime",
# when (host time from launch) its output came, the guest's uptime then,
# and when the run ended; TEXT goes first.
uptime_note() {
	_u=$(awk 'NR > 1 && $2 ~ /^[0-9]+\.[0-9]+$/ && $3 ~ /^[0-9]+\.[0-9]+$/ { print $2; exit }' "/tmp/$2.out")
	_t0=$(linux_at "$2" @@START)
	_tu=$(awk 'NR > 1 && $2 ~ /^[0-9]+\.[0-9]+$/ && $3 ~ /^[0-9]+\.[0-9]+$/ { print $1; exit }' "/tmp/$2.out")
	_te=$(linux_at "$2" "@@EXIT ")
	if [ -n "$_u" ] && [ -n "$_tu" ] && [ -n "$_te" ]; then
		echo "@@BENCHNOTE run-true $1: one untimed run of 'cat /proc/uptime', from launch: ${3:+$3, }its output +$(lg_secs "$_t0" "$_tu") s (guest uptime then $_u s), exit +$(lg_secs "$_t0" "$_te") s"
	else
		echo "@@BENCHNOTE run-true $1: the 'cat /proc/uptime' run printed no uptime"
	fi
}

# klog_note WHO TAG: from a stamped run with console=ttyS0, when (host
# time from launch) the serial console came up (the lines before it arrive
# in one burst then), when "Run /init" came and the run ended; and the
# largest gaps between the kernel's own time stamps (its clock, which
# need not keep pace with the host's under emulation).
klog_note() {
	awk '{ h = $1; l = $0; sub(/^[^ ]* /, "", l) }
	     NR == 1 { h0 = h }
	     l ~ /^@@EXIT/ { he = h }
	     match(l, /^\[ *[0-9]+\.[0-9]+\]/) {
		k = substr(l, 2, RLENGTH - 2) + 0
		if (n++)
			printf "gap %.3f %s\n", k - pk, substr(l, RLENGTH + 2) > "/dev/stderr"
		pk = k
		if (l ~ /console \[ttyS0\] enabled/) { hc = h; kc = k }
		if (l ~ /Run \/init/) { hi = h; ki = k }
	     }
	     END { printf "serial console up %+.3f s (kernel time %.3f s), \"Run /init\" %+.3f s (kernel time %.3f s), exit %+.3f s",
			hc - h0, kc, hi - h0, ki, he - h0 }' "/tmp/$2.out" 2>/tmp/$2.gaps > /tmp/$2.when
	echo "@@BENCHNOTE run-true $1: one untimed run with console=ttyS0 (slower than quiet), from launch: $(cat /tmp/$2.when); largest gaps in the kernel's time stamps, before: $(sort -k2 -rn /tmp/$2.gaps | head -n 4 | awk '{ g = $2; $1 = $2 = ""; sub(/^ +/, ""); printf "%s%.2f s \"%s\"", n++ ? "; " : "", g, substr($0, 1, 60) }')"
}

step "where the time goes: the peer"
kmod kvm_amd || fail "cannot load kvm_amd"
peer "stamped brun-puptime" /tmp/brun-uptime.cpio stdio "$cmdline"
uptime_note kvm brun-puptime
# The peer's kernel log, console=ttyS0 (kernel time stamps in brackets).
peer "stamped brun-plog" /tmp/brun-true.cpio file:/tmp/brun-hvc0 "panic=-1 console=ttyS0" -serial stdio
klog_note kvm brun-plog
# run_peer's microvm has no RTC (rtc=off), and its ACPI tables do not say
# so: the guest's rtc_cmos polls the absent chip (port reads, each an exit
# to QEMU) for seconds.  Once so, for comparison (not the figure).
peer "timed warm 1" /tmp/brun-true.cpio file:/tmp/brun-hvc0 "$cmdline" -M microvm,rtc=off
echo "@@BENCHNOTE run-true kvm: one untimed run of the peer with run_peer's rtc=off instead of rtc=on: $_ms ms, exit status $_rc"
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"

step "where the time goes: lguest"
load_lguest dev
stamped brun-luptime "$LG_LAUNCHER" run -v -- cat /proc/uptime
# -v's "paging:" line comes right after LGUEST_CREATE, which allocates
# and zeroes all guest RAM; the line before it, just before /dev/lguest
# is opened.  The kernel and initrd are loaded after it.
_t0=$(linux_at brun-luptime @@START)
_tc=$(awk '$2 == "lguest:" && $3 == "paging:" { print $1; exit }' /tmp/brun-luptime.out)
_tb=$(awk '$2 == "lguest:" && $3 == "paging:" { print p; exit } { p = $1 }' /tmp/brun-luptime.out)
_v=
[ -n "$_tc" ] && [ -n "$_tb" ] &&
	_v="guest created +$(lg_secs "$_t0" "$_tc") s (of which opening /dev/lguest and LGUEST_CREATE, $mem MiB allocated and zeroed: $(lg_secs "$_tb" "$_tc") s)"
uptime_note lguest brun-luptime "$_v"
# The kernel's log, console=ttyS0 (what --log does), stamped as it comes.
# (No /dev/stdout in the test host: /proc/self/fd/1 is the pipe.)
stamped brun-llog "$LG_LAUNCHER" run --log /proc/self/fd/1 -- true
klog_note lguest brun-llog
rmmod lguest_dev lguest || fail "rmmod lguest_dev lguest failed"

[ $ok = 0 ] || fail "a side of run-true has no figure"
echo "bench-run: ok"
