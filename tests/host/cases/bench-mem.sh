# SPDX-License-Identifier: GPL-2.0
# bench-mem: what an idle guest costs the host in memory beyond its RAM, for
# 1, 16 and 64 raw guests (tests/tools/raw_density and kvm_density: one
# process holding N guests of 2 MiB, each stopped at its first HLT) and 1
# and 8 busybox Linux guests (--mem 96M, the least Debian's bzImage
# and the initramfs take, idle in the shell on a console
# that never gets input), ours against the peer (plain KVM for raw; KVM +
# QEMU microvm for Linux); and how much of a 1 GiB Linux guest's RAM is
# resident once it has booted to init.  Before and after the N guests are
# up, the caches dropped.  The VMMs run in a memory cgroup of their own,
# which both modules' per-guest allocations (GFP_KERNEL_ACCOUNT) are
# charged to: its anon + shmem + kernel memory (memory.stat; not file, the
# shareable page cache of the images and binaries) less guest RAM is the
# figure, mem-per-guest-{raw,linux}-N in KiB per guest, and its kernel part
# less guest RAM mem-kernel-per-guest-...  Guest RAM: ours, what the module
# allocated as the guests touched it (debugfs ram_populated_bytes, charged
# as kernel memory); the peer's, what is resident of it (mincore, or the
# Rss of QEMU's RAM mapping).  Notes
# beside: the machine's MemFree drop and slab, vmalloc, page-table and
# kernel-stack counters (uncharged allocations show there), the VMM's
# private memory beyond RAM (smaps), lguest's debugfs overhead_bytes; and
# guest-ram-resident-linux-1g.
. "$LG_TOP/tests/host/lib.sh"

tools=$LG_TOP/tests/tools
kernel=$LG_LINUX_KERNEL
initrd=$LG_LINUX_INITRD
for p in raw_density kvm_density; do
	[ -x "$tools/$p" ] || fail "no $tools/$p: run make"
done
lg_debugfs
fifo=/tmp/bench-mem.fifo
pids=

# settle: drop the caches and let freed memory come back.
settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	echo 3 > /proc/sys/vm/drop_caches
}

# snap PREFIX: the meminfo fields (kB) as shell variables PREFIX_Field,
# the cgroup's anon + shmem + kernel as PREFIX_cg, its kernel PREFIX_cgk.
snap() {
	eval "${1}_cgk=$(cg_stat kernel)"
	eval "${1}_cg=$(($(cg_stat anon) + $(cg_stat shmem) + ${1}_cgk))"
	eval "$(awk -v p="$1" '/^(MemFree|MemAvailable|Slab|SUnreclaim|VmallocUsed|PageTables|SecPageTables|KernelStack):/ {
		sub(":", "", $1); printf "%s_%s=%s\n", p, $1, $2 }' /proc/meminfo)"
}

# d FIELD: after minus before, kB ("0" for a field this kernel lacks).
d() {
	eval "echo \$((\${a_$1:-0} - \${b_$1:-0}))"
}

# priv_kib PID EXCL: the process's private memory (smaps Private_Clean +
# Private_Dirty), in KiB, without its guest RAM: EXCL "lguest" leaves out
# mappings of /dev/lguest, "largest" the largest anonymous mapping (QEMU's
# RAM), "none" nothing.  Sets priv, and ram_kib: what was left out.
priv_kib() {
	set -- $(awk -v excl="$2" '
		/^[0-9a-f]+-[0-9a-f]+ / { n++; name[n] = $6; anon[n] = (NF < 6) }
		/^Size:/ { size[n] = $2 }
		/^Private_(Clean|Dirty):/ { priv[n] += $2 }
		END {
			big = 0
			for (i = 1; i <= n; i++)
				if (anon[i] && size[i] > size[big]) big = i
			for (i = 1; i <= n; i++) {
				if ((excl == "lguest" && name[i] == "/dev/lguest") ||
				    (excl == "largest" && i == big)) ram += priv[i]
				else tot += priv[i]
			}
			printf "%d %d\n", tot, ram
		}' "/proc/$1/smaps" 2>/dev/null)
	priv=${1:-0} ram_kib=${2:-0}
}

# ours_overhead: the sum of every lguest guest's overhead_bytes, in KiB.
ours_overhead() {
	cat /sys/kernel/debug/lguest/*/overhead_bytes 2>/dev/null |
		awk '{ s += $1 } END { printf "%d\n", s / 1024 }'
}

# ours_ram: the guest RAM the module has allocated, in KiB: the sum of
# every lguest guest's ram_populated_bytes (RAM comes when first touched).
ours_ram() {
	cat /sys/kernel/debug/lguest/*/info 2>/dev/null |
		awk '$1 == "ram_populated_bytes" { s += $2 } END { printf "%d\n", s / 1024 }'
}

# The VMMs' memory cgroup.  $cg_run CMD...: CMD in it.  cg_stat FIELD: a
# memory.stat field in KiB.
cg=/sys/fs/cgroup
grep -q " $cg cgroup2 " /proc/mounts || mount -t cgroup2 none $cg || fail "cannot mount cgroup2"
echo +memory > $cg/cgroup.subtree_control || fail "no memory controller"
rmdir $cg/lgmem 2>/dev/null
mkdir $cg/lgmem || fail "cannot make cgroup $cg/lgmem"
# (a script, not a function: "cg_run CMD &" must give CMD's own PID in $!)
cat > /tmp/bench-mem.cg <<END
#!/bin/sh
echo \$\$ > $cg/lgmem/cgroup.procs && exec "\$@"
END
chmod +x /tmp/bench-mem.cg
cg_run=/tmp/bench-mem.cg
cg_stat() {
	awk -v f="$1" '$1 == f { printf "%d\n", $2 / 1024; n = 1 } END { if (!n) print 0 }' \
		$cg/lgmem/memory.stat
}

# report KIND N WHO PROCKIB RAMKIB EXTRA: the figures of one measurement
# between snap b and snap a, and of the cgroup now.
report() {
	_free=$(( $(d MemFree) * -1 ))
	_anon=$(cg_stat anon) _shmem=$(cg_stat shmem) _kernel=$(cg_stat kernel)
	# What the cgroup held before (nothing much: charges left behind).
	_tot=$(((a_cg - b_cg - $5) / $2))
	if [ "$3" = lguest ]; then
		_kern=$(((a_cgk - b_cgk - $5) / $2))
	else
		_kern=$(((a_cgk - b_cgk) / $2))
	fi
	echo "@@BENCH mem-per-guest-$1-$2 $3 $_tot KiB"
	echo "@@BENCH mem-kernel-per-guest-$1-$2 $3 $_kern KiB"
	echo "@@BENCHNOTE mem $1-$2 $3: cgroup before $b_cg KiB, now anon $_anon shmem $_shmem kernel $_kernel" \
		"(slab $(cg_stat slab) vmalloc $(cg_stat vmalloc) pagetables $(cg_stat pagetables)" \
		"sec_pagetables $(cg_stat sec_pagetables) kernel_stack $(cg_stat kernel_stack)" \
		"percpu $(cg_stat percpu)) file $(cg_stat file) KiB for $2 guests;" \
		"machine MemFree -$_free kB for $2 guests," \
		"guest RAM resident $5 kB, VMM private memory beyond RAM $4 kB;" \
		"per guest: SUnreclaim $(($(d SUnreclaim) / $2)) Slab $(($(d Slab) / $2))" \
		"VmallocUsed $(($(d VmallocUsed) / $2)) PageTables $(($(d PageTables) / $2))" \
		"SecPageTables $(($(d SecPageTables) / $2)) KernelStack $(($(d KernelStack) / $2))" \
		"process $(($4 / $2)) kB$6"
}

# raw WHO TOOL N: N raw guests held by one TOOL process.  A guest up and
# gone first, so that what any first guest allocates once (slab caches,
# the tool's own pages in the page cache) is not counted.
raw() {
	"$tools/$2" --guests 1 > /tmp/bench-mem.raw.out 2>&1 &
	_p=$!
	wait_for 60 grep -q '^holding' /tmp/bench-mem.raw.out
	kill $_p
	wait $_p 2>/dev/null
	settle
	snap b
	$cg_run "$tools/$2" --guests "$3" > /tmp/bench-mem.raw.out 2>&1 &
	_p=$!
	if ! wait_for 120 grep -q '^holding' /tmp/bench-mem.raw.out; then
		kill $_p 2>/dev/null
		wait $_p 2>/dev/null
		sed 's/^/  raw: /' /tmp/bench-mem.raw.out
		echo "@@BENCH mem-per-guest-raw-$3 $1 n/a KiB"
		echo "@@BENCH mem-kernel-per-guest-raw-$3 $1 n/a KiB"
		return 1
	fi
	settle
	snap a
	_res=$(sed -n 's/^@@RAMRES //p' /tmp/bench-mem.raw.out)
	_extra=
	if [ "$1" = lguest ]; then
		# What the module allocated of the guests' RAM (as they
		# touched it); the process's mapping of it is the module's pages.
		_res=$(ours_ram)
		_ov=$(ours_overhead)
		_extra="; module overhead_bytes $((_ov / $3)) KiB per guest"
		priv_kib $_p lguest
		_proc=$priv
	else
		# The guests' RAM, anonymous and merged into few mappings:
		# what mincore() found resident.
		priv_kib $_p none
		_proc=$((priv - _res))
	fi
	sed 's/^/  raw: /' /tmp/bench-mem.raw.out
	report raw "$3" "$1" "$_proc" "$_res" "$_extra"
	kill $_p
	wait $_p 2>/dev/null
	return 0
}

# guest_up: count of the Linux guests whose output shows init.
guest_up() {
	grep -l '@@GUEST init reached' /tmp/bench-mem.lin.*.out 2>/dev/null | wc -l
}

# linux WHO N MEM: N Linux guests of MEM MiB, idle in the shell on a
# console whose input (the fifo) never comes; then the figures.  A start
# that loses a guest is made again, up to twice, and said so (as
# bench-density's: multi-threaded TCG's known problem).
linux() {
	_try=1
	while ! linux_once "$@"; do
		echo "@@BENCHNOTE mem linux-$2 $1: start $_try lost a guest: $_lost"
		if [ $_try -ge 3 ]; then
			echo "@@BENCH mem-per-guest-linux-$2 $1 n/a KiB"
			echo "@@BENCH mem-kernel-per-guest-linux-$2 $1 n/a KiB"
			return
		fi
		_try=$((_try + 1))
	done
}

# linux_once WHO N MEM: linux's one start; fails, with the first lost
# guest's last line in _lost, unless every guest reached init.
linux_once() {
	_who=$1 _n=$2 _mem=$3
	rm -f /tmp/bench-mem.lin.*.out
	settle
	snap b
	_i=0 pids=
	while [ $_i -lt "$_n" ]; do
		if [ "$_who" = lguest ]; then
			$cg_run "$LG_LAUNCHER" --kernel "$kernel" --initrd "$initrd" --mem "${_mem}M" \
				--append "$LG_LINUX_APPEND" < "$fifo" > /tmp/bench-mem.lin.$_i.out 2>&1 &
		else
			$cg_run qemu-system-x86_64 -enable-kvm -cpu host \
				-M microvm,acpi=on,pit=off,pic=off,rtc=off -m "$_mem" -smp 1 \
				-nodefaults -no-user-config -display none -nic none -serial stdio \
				-no-reboot -kernel "$kernel" -initrd "$initrd" \
				-append "$LG_LINUX_APPEND" < "$fifo" > /tmp/bench-mem.lin.$_i.out 2>&1 &
		fi
		pids="$pids $!"
		_i=$((_i + 1))
	done
	_up=0 _end=$(($(date +%s) + 300))
	while [ "$(date +%s)" -lt $_end ] && alive; do
		_up=$(guest_up)
		[ "$_up" -lt "$_n" ] || break
		sleep 0.2
	done
	_up=$(guest_up)
	echo "$_who: $_up of $_n Linux guests of $_mem MiB reached init"
	sleep 3
	settle
	snap a
	_proc=0 _res=0
	for _p in $pids; do
		if [ "$_who" = lguest ]; then
			priv_kib "$_p" lguest
		else
			priv_kib "$_p" largest
			_res=$((_res + ram_kib))
		fi
		_proc=$((_proc + priv))
	done
	_extra=
	[ "$_who" = lguest ] && _res=$(ours_ram) &&
		_extra="; module overhead_bytes $(($(ours_overhead) / _n)) KiB per guest"
	_lost=
	if [ "$_up" = "$_n" ]; then
		report linux "$_n" "$_who" "$_proc" "$_res" "$_extra"
	else
		_lost="$_up of $_n reached init"
		for _f in /tmp/bench-mem.lin.*.out; do
			grep -q '@@GUEST init reached' "$_f" && continue
			tail -n 5 "$_f" | sed "s|^|  $_f: |"
			_lost="$_lost; $(tail -n 1 "$_f" | tr -d '\r')"
			break
		done
	fi
	stop_guests
	[ -z "$_lost" ]
}

# alive: succeed while any guest process of the last start runs.
alive() {
	for _p in $pids; do
		kill -0 "$_p" 2>/dev/null && return 0
	done
	return 1
}

# stop_guests: end every guest of the last linux run and wait for them.
stop_guests() {
	for _p in $pids; do
		kill "$_p" 2>/dev/null
	done
	for _p in $pids; do
		wait "$_p" 2>/dev/null
	done
	pids=
}

# resident WHO: one Linux guest of 1 GiB, booted to init and left idle:
# how much of its RAM the host holds (MemFree drop) and the VMM's RSS.
resident() {
	rm -f /tmp/bench-mem.lin.*.out
	settle
	snap b
	linux_start "$1" 1024
	_end=$(($(date +%s) + 120))
	while [ "$(date +%s)" -lt $_end ] && alive &&
		! grep -q '@@GUEST init reached' /tmp/bench-mem.lin.0.out; do
		sleep 0.2
	done
	if ! grep -q '@@GUEST init reached' /tmp/bench-mem.lin.0.out; then
		tail -n 5 /tmp/bench-mem.lin.0.out | sed 's/^/  out: /'
		echo "$1: the 1 GiB guest did not reach init"
		echo "@@BENCH guest-ram-resident-linux-1g $1 n/a KiB"
		stop_guests
		return
	fi
	sleep 3
	settle
	snap a
	_st=$(grep -E '^(VmRSS|RssAnon|RssFile|RssShmem):' "/proc/${pids# }/status" | tr -s ' \t' ' ' | tr '\n' ' ')
	if [ "$1" = lguest ]; then
		priv_kib "${pids# }" lguest
		# What the module allocated as the guest touched it: the host
		# holds it whether or not the launcher's mapping shows it.
		_res=$(ours_ram)
		_how="the module's ram_populated_bytes (debugfs info)"
	else
		priv_kib "${pids# }" largest
		_res=$ram_kib
		_how="Rss of QEMU's RAM mapping"
	fi
	echo "@@BENCH guest-ram-resident-linux-1g $1 $_res KiB"
	echo "@@BENCHNOTE guest-ram-resident-linux-1g $1: $_how; VMM: $_st;" \
		"RAM mapping resident $ram_kib kB; MemFree drop $(( $(d MemFree) * -1 )) kB," \
		"MemAvailable drop $(( $(d MemAvailable) * -1 )) kB"
	stop_guests
}

# linux_start WHO MEM: one Linux guest (as linux() starts them).
linux_start() {
	if [ "$1" = lguest ]; then
		"$LG_LAUNCHER" --kernel "$kernel" --initrd "$initrd" --mem "${2}M" \
			--append "$LG_LINUX_APPEND" < "$fifo" > /tmp/bench-mem.lin.0.out 2>&1 &
	else
		qemu-system-x86_64 -enable-kvm -cpu host \
			-M microvm,acpi=on,pit=off,pic=off,rtc=off -m "$2" -smp 1 \
			-nodefaults -no-user-config -display none -nic none -serial stdio \
			-no-reboot -kernel "$kernel" -initrd "$initrd" \
			-append "$LG_LINUX_APPEND" < "$fifo" > /tmp/bench-mem.lin.0.out 2>&1 &
	fi
	pids=" $!"
}

# The guests' console input: a fifo held open and never written, so each
# guest's shell waits for input forever; closed at the end.
rm -f "$fifo"
mkfifo "$fifo" || fail "cannot make $fifo"
sleep 100000 > "$fifo" &
holder=$!
ncpu=$(lg_ncpus)
echo "@@BENCHNOTE mem: raw guests: 2 MiB each, held by one process (tests/tools/raw_density," \
	"kvm_density); Linux: one launcher or QEMU per guest, --mem/-m ${LG_MEM_LINUX_MB:-96}M," \
	"idle in the busybox shell; test host: $(sed -n 's/^MemTotal: *//p' /proc/meminfo), $ncpu CPUs." \
	"Not 16 or 64 Linux guests: 16 of the peer's (QEMU ~46 MiB + ~94 MiB of its 96 MiB RAM resident, THP) do not fit in the 2 GiB test host"

step "lguest"
load_lguest dev
for n in 1 16 64; do
	raw lguest raw_density $n
done
for n in 1 ${LG_MEM_LINUX_N:-8}; do
	linux lguest $n "${LG_MEM_LINUX_MB:-96}"
done
resident lguest
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"

step "peer: KVM (raw) and KVM + QEMU microvm (Linux)"
kmod kvm_amd || fail "cannot load kvm_amd"
# One VM held open throughout, so AMD-V stays on: without it, each VM
# created and gone turned it on and off, and this step once hung the test
# host (lib.sh kvm_hold).
kvm_hold
for n in 1 16 64; do
	raw kvm kvm_density $n
done
for n in 1 ${LG_MEM_LINUX_N:-8}; do
	linux kvm $n "${LG_MEM_LINUX_MB:-96}"
done
resident kvm
kvm_release
rmmod kvm_amd kvm || fail "rmmod kvm_amd kvm failed"

kill $holder
wait $holder 2>/dev/null
rmdir $cg/lgmem
rm -f "$fifo" /tmp/bench-mem.*
echo "bench-mem: done"
