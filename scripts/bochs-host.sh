#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bochs-host.sh - boot the Bochs test host (an Intel CPU with VMX and EPT,
# which QEMU's TCG does not emulate) and run test cases inside it, as
# tests/host/run.sh does with its QEMU test host; make check-vmx
# (scripts/check-vmx.sh) drives it.
#
# Bochs has no 9p share: the cases' files (the modules, the launcher, the
# raw guests, the guest kernel, initramfs and disk image, the case scripts,
# the stock modules they load, and busybox plus the few Debian programs the
# scripts use) go into the initramfs, whose tests/host/init then runs
# tests/host/hostinit.sh from it (lgembed=1).  The initramfs and the host
# kernel boot from a FAT16 disk image with syslinux, cached under
# build/bochs/ by the digest of everything in it.  Results come back over
# COM1 (a file): "PASS SUITE/CASE (S s)" or "FAIL SUITE/CASE: why".
#
# Usage: bochs-host.sh [--timeout SECS] [--suite NAME] [--limit SECS] CASE...
# A CASE may be spelled NAME:npt or NAME:shadow (hostinit.sh): lguest.ko's
# paging= default for that case.  --timeout is each case's limit inside the
# host, in the host's own seconds (Bochs' clock runs by its instruction
# count: clock sync=none); --limit the whole run's, in wall seconds.
# LG_BOCHS_APPEND: more for the host kernel's command line.  LG_BOCHS_CPUS:
# the host's CPUs (default 1; Bochs runs them all on one thread of its own,
# so each is slower).  LG_BOCHS_MEGS: its RAM (default 2048 MiB: room for
# entry's 1 GiB guest beside the host).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
per_test=600
suite=vmx
limit=
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) per_test=$2; shift ;;
	--suite) suite=$2; shift ;;
	--limit) limit=$2; shift ;;
	--) shift; break ;;
	-*) echo "bochs-host.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || { echo "usage: bochs-host.sh [--timeout S] [--suite NAME] [--limit S] CASE..." >&2; exit 2; }

die() { echo "lguest: bochs-host: $*" >&2; exit 2; }

conf=$top/build/config.mk
[ -f "$conf" ] || die "run make first (no $conf)"
kernel=$(sed -n 's/^HOST_KERNEL := //p' "$conf")
kver=$(sed -n 's/^KVER := //p' "$conf")
kroot=$(sed -n 's/^HOST_MODULES := //p' "$conf")
[ -f "$kernel" ] || die "no host kernel $kernel (make deps)"
command -v bochs > /dev/null && command -v syslinux > /dev/null &&
	command -v mcopy > /dev/null && command -v mkfs.fat > /dev/null ||
	die "Bochs or the disk tools are missing: sh scripts/deps-vmx.sh"
for f in drivers/lguest/lguest.ko drivers/lguest_dev/lguest_dev.ko \
		tools/lguest/lguest tests/guests/hello.bin; do
	[ -f "$top/$f" ] || die "no $f: make modules launcher test-progs"
done

out=$top/build/bochs
root=$out/root
mkdir -p "$out"

# --- The root: busybox, then the Debian programs whose behaviour the
# scripts rely on (coreutils' timeout exits 124, bash's EPOCHREALTIME,
# kmod's modprobe -d ...) with the libraries they link, then the cases'
# part of the repository at /repo. ---
rm -rf "$root"
mkdir -p "$root/bin" "$root/usr/bin" "$root/usr/sbin" "$root/lib/modules" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" "$root/newroot" \
	"$root/etc" "$root/mnt"
cp /bin/busybox "$root/bin/busybox"
# Not busybox's sh: built to prefer its own applets to those on PATH, it
# would run busybox's insmod, timeout... where the scripts want Debian's.
for a in $(busybox --list); do
	case $a in busybox|sh|ash) ;; *) ln -s busybox "$root/bin/$a" ;; esac
done

# add_prog PROG [NAME...]: PROG at its Debian path (also under each NAME
# beside it, as links), with the shared libraries it needs.
add_prog() {
	p=$(command -v "$1") || die "no $1 on this machine"
	p=$(readlink -f "$p")
	case $p in /bin/*|/sbin/*) p=/usr$p ;; esac
	mkdir -p "$root${p%/*}"
	cp "$p" "$root$p"
	shift
	for n in "$@"; do
		ln -sf "${p##*/}" "$root${p%/*}/$n"
	done
	for l in $(ldd "$p" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		[ -e "$root$l" ] && continue
		mkdir -p "$root${l%/*}"
		cp -L "$l" "$root$l"
	done
}
add_prog dash sh
ln -s ../usr/bin/dash "$root/bin/sh"
for p in bash timeout env date stat od dd cmp sha256sum head tail wc tr cut \
		sort uniq cat cp mv rm ln mkdir chmod seq sleep grep sed mawk \
		dmesg taskset mountpoint setsid flock getconf debugfs e2fsck; do
	add_prog "$p"
done
ln -sf mawk "$root/usr/bin/awk"
add_prog kmod modprobe insmod rmmod lsmod
for n in modprobe insmod rmmod lsmod; do
	ln -sf ../bin/kmod "$root/usr/sbin/$n"
done
: > "$root/lib/modules/order"
install -m 755 "$top/tests/host/init" "$root/init"

# The repository's part: what tests/host/lib.sh and the cases open.
repo=$root/repo
put() {
	for f in "$@"; do
		mkdir -p "$repo/$(dirname "$f")"
		cp -a "$top/$f" "$repo/$f"
	done
}
# shellcheck disable=SC2046 # file names without spaces
(cd "$top" && put tests/host drivers/lguest/lguest.ko drivers/lguest_dev/lguest_dev.ko \
	tests/modules/lg_warn/lg_warn.ko tools/lguest/lguest tests/guests/cases.tsv \
	$(ls tests/guests/*.bin tests/guests/*.mb 2>/dev/null) \
	$(find tests/tools tests/fuzz -maxdepth 1 -type f -perm -u+x))
# Their debugging information is most of their size and of the boot's
# time to load and unpack them; the symbols (backtraces) stay.
for f in $(find "$repo" -name '*.ko') "$repo/tools/lguest/lguest" \
		$(find "$repo/tests/tools" "$repo/tests/fuzz" -type f -perm -u+x); do
	strip --strip-debug "$f" 2>/dev/null || true
done
mkdir -p "$repo/build"
sed "s|$top/|/repo/|g" "$conf" > "$repo/build/config.mk"
case " $* " in
*" linux-"*)
	# A Linux guest: the unpacked guest kernel, its initramfs, the disk.
	for f in build/vmlinux build/initramfs.cpio.gz build/test.ext4; do
		[ -f "$top/$f" ] || die "no $f: make vmlinux initramfs image"
		ln "$top/$f" "$repo/$f" 2>/dev/null || cp "$top/$f" "$repo/$f"
	done
	;;
esac
# The stock modules a case may load (kmod NAME: modprobe -d under build/cache).
mroot=${kroot#"$top/"}
mdir=$repo/$mroot/lib/modules/$kver
mkdir -p "$mdir"
for ko in $("$top/scripts/modlist.sh" "$kroot" "$kver" msr kvm_intel); do
	mkdir -p "$(dirname "$repo/${ko#"$top/"}")"
	cp "$ko" "$repo/${ko#"$top/"}"
done
# Indexes of just these (the stock ones, of every module, are 8 MB).
cp "$kroot/lib/modules/$kver"/modules.builtin* "$kroot/lib/modules/$kver/modules.order" "$mdir/"
depmod -b "$repo/$mroot" "$kver" || die "depmod failed"
printf '%s\n' "$@" > "$repo/.lgcases"

# --- The boot disk, rebuilt only when what goes into it changed. ---
# panic=0: a panicked host stays down (a reboot would run every case again)
# and the watch below stops Bochs when the panic shows on the serial log.
append="console=ttyS0,115200 quiet nokaslr loglevel=4 panic=0 lgembed=1 lgrepo=/repo lgcasesfile=/repo/.lgcases lgtimeout=$per_test ${LG_BOCHS_APPEND:-}"
key=$( {
	echo "$append"
	sha256sum "$kernel" "$0" | cut -d' ' -f1
	cd "$root" && find . | LC_ALL=C sort | while IFS= read -r f; do
		if [ -h "$f" ]; then
			echo "$f -> $(readlink "$f")"
		elif [ -f "$f" ]; then
			echo "$f $(stat -c %a "$f")"
		fi
	done
	find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum
} | sha256sum | cut -c1-16)
disk=$out/disk.img
if [ "$(cat "$disk.key" 2>/dev/null)" != "$key" ] || [ ! -f "$disk" ]; then
	rm -f "$disk.key"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 > "$out/initrd.gz" || die "cannot make the initramfs"
	# Room for the kernel and the initramfs, whole 8 MiB steps (a
	# multiple of Bochs' 16 heads x 63 sectors geometry).
	need=$(( ($(stat -c %s "$kernel") + $(stat -c %s "$out/initrd.gz")) / 1048576 + 8 ))
	cyl=$(( (need * 1048576 + 516095) / 516096 ))
	rm -f "$disk.tmp"
	truncate -s $((cyl * 516096)) "$disk.tmp"
	mkfs.fat -F 16 -n LGBOCHS "$disk.tmp" > /dev/null || die "mkfs.fat failed"
	syslinux --install "$disk.tmp" || die "syslinux --install failed"
	cat > "$out/syslinux.cfg" <<EOF
DEFAULT lguest
PROMPT 0
TIMEOUT 0
LABEL lguest
	KERNEL vmlinuz
	INITRD initrd.gz
	APPEND $append
EOF
	mcopy -i "$disk.tmp" "$kernel" ::vmlinuz &&
		mcopy -i "$disk.tmp" "$out/initrd.gz" ::initrd.gz &&
		mcopy -i "$disk.tmp" "$out/syslinux.cfg" ::syslinux.cfg ||
		die "mcopy failed"
	mv "$disk.tmp" "$disk"
	echo "$key" > "$disk.key"
	echo "bochs-host: made $disk ($cyl cylinders; initramfs $(stat -c %s "$out/initrd.gz") bytes)" >&2
else
	echo "bochs-host: $disk is current" >&2
fi

# --- Bochs: one at a time on this machine. ---
cyl=$(( $(stat -c %s "$disk") / 516096 ))
cat > "$out/bochsrc" <<EOF
megs: ${LG_BOCHS_MEGS:-2048}
cpu: model=corei7_haswell_4770, count=${LG_BOCHS_CPUS:-1}, ips=150000000, reset_on_triple_fault=0
clock: sync=none, time0=local
romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
vgaromimage: file=/usr/share/vgabios/vgabios.bin
display_library: rfb, options="timeout=0, hideIPS"
ata0-master: type=disk, mode=flat, path="$disk", cylinders=$cyl, heads=16, spt=63
boot: disk
com1: enabled=1, mode=file, dev=$out/serial.log
speaker: enabled=0
log: $out/bochs.out
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
printf 'c\nquit\n' > "$out/bochs.rc"

exec 9> "${TMPDIR:-/tmp}/lguest-bochs.lock"
if ! flock -n 9; then
	echo "bochs-host: waiting for another Bochs test host to finish" >&2
	flock 9
fi

mkdir -p "$top/build/logs"
log=$top/build/logs/$suite.log
ncase=$#
# Wall seconds: the boot (~100 s) plus a generous share per case; a host
# that prints no new @@ line for the longest a case may take (at the
# slowest ratio of Bochs' clock to the wall's seen here) is hung.
[ -n "$limit" ] || limit=$((600 + ncase * 180))
stall=${LG_BOCHS_STALL:-$((per_test * 4 + 120))}
: > "$out/serial.log"
rm -f "$out/bochs.out"
# -unlock: a Bochs killed here leaves its lock on the image behind, and
# the next would not open it (the flock above keeps two off one image).
bochs -q -unlock -f "$out/bochsrc" -rc "$out/bochs.rc" </dev/null > "$out/bochs.stdout" 2>&1 &
bpid=$!
start=$(date +%s) last=0 quiet=0 brc=0 done_at=
# build/bochs/walltimes: "CASE SECS" as each verdict arrives (to 2 s), for
# the wall time of each case beside the host's own.
: > "$out/walltimes"
nres=0 prev=$start
while kill -0 $bpid 2>/dev/null; do
	sleep 2
	# Complete lines only: Bochs writes the serial log a byte at a time.
	cp "$out/serial.log" "$out/serial.snap"
	[ -z "$(tail -c 1 "$out/serial.snap")" ] || sed -i '$d' "$out/serial.snap"
	size=$(grep -a -c '^@@' "$out/serial.snap")
	if [ "$size" != "$last" ]; then
		now=$(date +%s)
		grep -a '^@@RESULT ' "$out/serial.snap" | tr -d '\r' > "$out/results"
		n=$(grep -c . "$out/results")
		tail -n +$((nres + 1)) "$out/results" | while read -r _ c _; do
			echo "$c $((now - prev))"
		done >> "$out/walltimes"
		[ "$n" = "$nres" ] || prev=$now
		nres=$n
		last=$size quiet=0
	else
		quiet=$((quiet + 2))
	fi
	if [ -z "$done_at" ] && grep -a -q '^@@DONE' "$out/serial.log"; then
		done_at=$(date +%s)
	fi
	if grep -a -q 'Kernel panic - not syncing' "$out/serial.log"; then
		sleep 5
		echo "bochs-host: the host kernel panicked: stopping Bochs" >> "$out/bochs.stdout"
		kill $bpid 2>/dev/null
		sleep 2
		kill -9 $bpid 2>/dev/null
		brc=125
		break
	fi
	# After @@DONE the host powers off: give it a minute to.
	if [ -n "$done_at" ] && [ $(($(date +%s) - done_at)) -ge 60 ]; then
		kill $bpid 2>/dev/null
		break
	fi
	if [ -z "$done_at" ] && { [ $quiet -ge $stall ] || [ $(($(date +%s) - start)) -ge $limit ]; }; then
		echo "bochs-host: no progress for ${quiet}s or over ${limit}s: stopping Bochs" >> "$out/bochs.stdout"
		kill $bpid 2>/dev/null
		sleep 2
		kill -9 $bpid 2>/dev/null
		brc=124
		break
	fi
done
wait $bpid 2>/dev/null
wall=$(($(date +%s) - start))
cp "$out/serial.log" "$log"
up=$(sed -n 's/^@@UPTIME \([0-9.]*\).*/\1/p' "$log" | tail -n 1)
echo "bochs-host: Bochs ran ${wall} s of wall time${up:+; host uptime at the end: $up s}" >&2
case $brc in
124) lost="Bochs stopped: no progress for ${stall} s, or over ${limit} s" ;;
125) lost="the host kernel panicked" ;;
*) lost="the host hung, crashed or Bochs exited" ;;
esac

# Each case's verdict, as run.sh hands them back.
fails=0
for c in boot-klog "$@"; do
	line=$(grep -a "^@@RESULT $c " "$log" | tail -n 1 | tr -d '\r')
	verdict=$(echo "$line" | cut -d' ' -f3)
	why=$(echo "$line" | cut -d' ' -f4-)
	secs=$(grep -a "^@@TIME $c " "$log" | tail -n 1 | tr -d '\r' | cut -d' ' -f3)
	wsecs=$(awk -v c="$c" '$1 == c { s = $2 } END { print s }' "$out/walltimes")
	took=${secs:+ (${secs} s in the host, ${wsecs:-?} s of wall time)}
	[ -n "$secs" ] || took=${wsecs:+ (${wsecs} s of wall time)}
	if [ "$verdict" = PASS ]; then
		echo "PASS $suite/$c$took"
		continue
	fi
	fails=$((fails + 1))
	if [ -z "$line" ]; then
		echo "FAIL $suite/$c: no verdict ($lost)"
		[ -z "${tailed:-}" ] || continue
		tailed=1
		echo "--- last lines of the serial log ($log):"
		tail -n 30 "$log" | tr -d '\r' | sed 's/^/    /'
		tail -n 5 "$out/bochs.stdout" | sed 's/^/    bochs: /'
	else
		echo "FAIL $suite/$c: $why$took"
		echo "--- output of $c:"
		sed -n "/^@@BEGIN $c\r*\$/,/^@@END $c\r*\$/p" "$log" | tr -d '\r' |
			tail -n 40 | sed 's/^/    /'
	fi
done
[ $fails = 0 ]
