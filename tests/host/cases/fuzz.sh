# SPDX-License-Identifier: GPL-2.0
# fuzz: the in-tree fuzzers (tests/fuzz/) inside the test host, then the
# checks that nothing was left behind.  lgfuzz=DURATION,SEED[,SKIP[,WHICH]]
# on the test host's command line (run.sh --fuzz; "make fuzz DURATION=S
# SEED=N") sets the total time in seconds (default 120), the seed (default
# 1: the fixed-seed pass of make check), the known findings to avoid (a
# '+'-separated list, see the fuzzers' headers; default none) and which
# fuzzers run (abi, guest or all, the default).  The time is
# split: a third for the ABI fuzzer (abi_fuzz, 2 workers), the rest for
# the guest fuzzer (guest_fuzz, instruction streams and virtio drivers,
# both paging modes).  Then: no guest network device is left, slab usage
# is back within a margin after drop_caches, no process holds
# /dev/lguest, both modules unload, and the host log is clean
# (hostinit.sh).  Every line of the fuzzers' output stays in the log;
# FINDING lines and crashed launchers fail the case.
. "$LG_TOP/tests/host/lib.sh"

dur=120 seed=1 skip= which=all
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	lgfuzz=*)
		# Fields may be empty ("60,1,,guest"): split on commas only.
		IFS=, read -r dur seed skip which <<-EOF
		${arg#lgfuzz=}
		EOF
		dur=${dur:-120} seed=${seed:-1} skip=$(echo "$skip" | tr + ,) which=${which:-all}
		;;
	esac
done
FZ=$LG_TOP/tests/fuzz
[ -x "$FZ/abi_fuzz" ] && [ -x "$FZ/guest_fuzz" ] || fail "no fuzzers: run make test-progs"

# slab_kb: Slab from /proc/meminfo after dropping the caches, in kB.
slab_kb() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sed -n 's/^Slab: *\([0-9]*\) kB$/\1/p' /proc/meminfo
}

# lg_netdevs: the network devices the test host did not start with (it
# has no NIC: anything but lo, and the guests' "lgf*" names).
lg_netdevs() {
	ls /sys/class/net | grep -v -x lo
}

load_lguest dev
[ -e /dev/ram0 ] || kmod brd rd_nr=1 rd_size=4096 2>/dev/null
slab0=$(slab_kb)
net0=$(lg_netdevs | tr '\n' ' ')
echo "fuzz: ${dur} s, seed $seed, skipping '${skip:-nothing}'; slab before: $slab0 kB; netdevs before: '${net0}'"

case $which in
abi) abi_s=$dur ;;
guest) abi_s=0 ;;
*) abi_s=$((dur / 3)) ;;
esac
guest_s=$((dur - abi_s))
st=0
: > /tmp/abi_fuzz.out
: > /tmp/guest_fuzz.out
if [ $abi_s -gt 0 ]; then
	# Its few lines go to the log as they come, findings included.
	step "abi_fuzz --seed $seed --duration $abi_s"
	"$FZ/abi_fuzz" --seed "$seed" --duration "$abi_s" --workers 2 --skip "$skip" \
		2>&1 | tee /tmp/abi_fuzz.out
	grep -q '^abi_fuzz: seed .*: done' /tmp/abi_fuzz.out || st=1
	grep -q '^abi_fuzz: a worker ended' /tmp/abi_fuzz.out && st=1
fi
if [ $guest_s -gt 0 ]; then
	# Every line goes to the log as it comes: a guest that takes the
	# test host down is the last one started.
	step "guest_fuzz --seed $seed --duration $guest_s"
	"$FZ/guest_fuzz" --seed "$seed" --duration "$guest_s" --limit 3 --skip "$skip" \
		2>&1 | tee /tmp/guest_fuzz.out
	grep -q '^guest_fuzz: .*crashed$' /tmp/guest_fuzz.out &&
		! grep -q ' 0 crashed$' /tmp/guest_fuzz.out && st=1
	# The guests' fates, counted by kind (values stripped).
	echo "guest fates:"
	sed -n 's/^guest [0-9]*: //p' /tmp/guest_fuzz.out | grep -v '^start ' |
		sed -E 's/0x[0-9a-f]+/X/g; s/[0-9]+/N/g' | cut -c1-110 | sort | uniq -c |
		sort -rn | head -n 40
fi
grep -h '^FINDING' /tmp/abi_fuzz.out /tmp/guest_fuzz.out && st=1
# A probe, told apart from the fuzz results: do guests see the host's x87
# FIP/FDP?  (Seen as a guest RIP in a host module's range; see probe_fip().)
step "guest_fuzz --probe-fip (informational)"
"$FZ/guest_fuzz" --probe-fip

step "what the fuzzers left behind"
sleep 1
left=$(lg_netdevs | tr '\n' ' ')
if [ "$left" != "$net0" ]; then
	echo "LEAK: network devices left: '$left' (before: '$net0')"
	st=1
fi
users=$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c ' -> /dev/lguest$')
[ "$users" = 0 ] || { echo "LEAK: $users open /dev/lguest files still held"; st=1; }
if ! rmmod lguest_dev; then
	echo "LEAK: lguest_dev will not unload: refcnt $(cat /sys/module/lguest_dev/refcnt)"
	st=1
fi
if ! rmmod lguest; then
	echo "LEAK: lguest will not unload: refcnt $(cat /sys/module/lguest/refcnt)"
	st=1
fi
slab1=$(slab_kb)
# A margin for caches the kernel keeps growing by itself (dentries of the
# fuzzers' files, sockets' slabs): 4 MiB or 10 %.
margin=$((slab0 / 10))
[ $margin -ge 4096 ] || margin=4096
echo "slab after: $slab1 kB (before $slab0 kB, margin $margin kB)"
if [ $((slab1 - slab0)) -gt $margin ]; then
	echo "LEAK: slab grew by $((slab1 - slab0)) kB"
	grep -E '^(kmalloc|lguest|skbuff|file|filp|sock|TCP|UNIX)' /proc/slabinfo 2>/dev/null |
		awk '{ printf "  %s %d objects\n", $1, $2 }' | head -n 20
	st=1
fi
[ $st = 0 ] || fail "the fuzzers found problems or left state behind (seed $seed)"
echo "fuzz: ok (seed $seed)"
