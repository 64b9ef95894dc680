#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh - "make bench": boot the test host once and measure, side by side in
# that one boot, lguest and the peer (KVM + QEMU microvm, same kernel, same
# initramfs, same command line; for exit round trips, the same raw guest
# under tests/tools/kvm_peer; for the disk and network figures, the same
# virtio-mmio devices, served by QEMU; for run-true, "lguest run -- true"
# against QEMU microvm booting the same vmlinux and run initramfs to the
# same exit port; for raw-lifecycle, a whole raw guest's life through
# liblguest against tests/tools/kvm_lifecycle).  Prints a table of figures and
# ratios, and the peer's settings; raw lines are kept in
# build/logs/bench.log.  A figure either side cannot produce says n/a (the
# peer has no module-memory figure).
top=$(cd "$(dirname "$0")/../.." && pwd)
sh "$top/tests/host/run.sh" --suite bench --timeout 900 bench-exits bench-all bench-io bench-paging bench-smp bench-run bench-raw >/dev/null
log=$top/build/logs/bench.log
grep -a '^@@BENCH ' "$log" | tr -d '\r' > "$top/build/logs/bench.txt"
if ! [ -s "$top/build/logs/bench.txt" ]; then
	echo "lguest: bench: no figures came back; see $log" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
printf '%-28s %14s %14s %14s %8s %8s\n' metric 'lguest (NPT)' 'lguest shadow' 'peer (KVM)' ratio 'shadow'
awk '
$1 == "@@BENCH" { key = $2; who = $3; val[key, who] = $4; unit[key] = $5;
		  if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
END {
	for (i = 0; i < n; i++) {
		k = order[i]; a = val[k, "lguest"]; s = val[k, "lguest-shadow"]; b = val[k, "kvm"];
		r = (a != "" && a != "n/a" && b + 0 > 0) ? sprintf("%.2f", a / b) : "-";
		rs = (s != "" && s != "n/a" && b + 0 > 0) ? sprintf("%.2f", s / b) : "-";
		if (a == "") a = "n/a";
		if (s == "") s = "n/a";
		if (b == "") b = "n/a";
		printf "%-28s %14s %14s %14s %8s %8s\n", k " (" unit[k] ")", a, s, b, r, rs;
	}
}' "$top/build/logs/bench.txt"
grep -a '^@@BENCHNOTE ' "$log" | tr -d '\r' | sed 's/^@@BENCHNOTE /note: /'
echo "ratio = lguest (NPT) / peer, shadow = lguest with --paging shadow / peer (KVM + QEMU microvm for boot and devices, tests/tools/kvm_peer for exits, tests/tools/kvm_lifecycle for raw-lifecycle):"
echo "  for times and cycles (ms, s, cycles), below 1.00 means lguest is faster;"
echo "  for rates (MB/s, IOPS), above 1.00 means lguest is faster."
echo "targets: boot-to-init ratio at or below 1.00; module-memory-per-guest (beyond guest RAM, from debugfs) below 1024 KiB;"
echo "  disk and TCP figures (bench-io: direct I/O on a 128 MiB raw disk in the test host's tmpfs, 64 MiB TCP each way) at or above 1.00;"
echo "  run-true (lguest run -- true, launch to exit, against QEMU microvm booting the same vmlinux and run initramfs) goal <= 0.5x peer;"
echo "  raw-lifecycle (create, load 4 KiB, run to HLT, destroy, through liblguest against plain KVM) goal <= 1.0x KVM."
