# SPDX-License-Identifier: GPL-2.0
# bench-smp: a guest with 2 vCPUs, for "make bench": the guest test
# smpbench (one CPU-bound process per CPU, wall time until the last ends;
# one fork+exec storm per CPU, mean ms per fork+exec) under KVM + QEMU
# microvm -smp 2, lguest --cpus 2 with nested and with shadow paging, in
# LG_BENCH_RUNS (default 5) interleaved rounds.  Lines "@@BENCH <metric>
# <who> <value> <unit>", one a run.
. "$LG_TOP/tests/host/lib.sh"

kernel=$LG_LINUX_KERNEL
initrd=$LG_LINUX_INITRD
append="console=ttyS0 quiet panic=-1 lgtest=smpbench"

# record WHO TAG: the two figures of one stamped run, kept for the median.
record() {
	linux_show "$2"
	line=$(linux_text "$2" "@@GUEST smpbench PASS")
	busy=$(echo "$line" | sed -n 's/.*cpu-bound \([0-9.]*\) s.*/\1/p')
	each=$(echo "$line" | sed -n 's/.*fork-storm \([0-9.]*\) ms each.*/\1/p')
	echo "${busy:-n/a}" >> "/tmp/bsmp-busy-$1"
	echo "${each:-n/a}" >> "/tmp/bsmp-fork-$1"
}

# report METRIC WHO FILE UNIT: each run's figure (make bench takes the
# median and the spread).
report() {
	awk -v m="$1" -v w="$2" -v u="$4" '{ print "@@BENCH " m " " w " " $1 " " u }' "$3"
}

rm -f /tmp/bsmp-*
runs=${LG_BENCH_RUNS:-5}
r=0
while [ $r -lt "$runs" ]; do
	r=$((r + 1))
	step "round $r of $runs: peer, KVM + QEMU microvm -smp 2"
	kmod kvm_amd || fail "cannot load kvm_amd"
	LG_LINUX_TIMEOUT=300 run_peer skvm 2 "$append"
	record kvm skvm
	rmmod kvm_amd kvm
	load_lguest
	for mode in npt shadow; do
		step "round $r of $runs: lguest --cpus 2 --paging $mode"
		LG_LINUX_TIMEOUT=300 lg_run_stamped "s$mode" "$LG_LAUNCHER" --kernel "$kernel" \
			--initrd "$initrd" --mem 256M --append "$append" --cpus 2 --paging $mode
		if [ $mode = npt ]; then who=lguest; else who=lguest-shadow; fi
		record $who "s$mode"
	done
	rmmod lguest
done
for who in kvm lguest lguest-shadow; do
	report smp2-cpu-bound $who "/tmp/bsmp-busy-$who" s
	report smp2-fork-storm $who "/tmp/bsmp-fork-$who" ms
done
