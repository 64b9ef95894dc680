#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check-debug.sh - what "make check-debug" runs: the hostile test-host cases
# under a debug kernel (KASAN, KMEMLEAK, lockdep, DEBUG_ATOMIC_SLEEP ...,
# scripts/debug-kernel.sh, cached in build/debug/), with lguest.ko,
# lguest_dev.ko and lg_warn.ko built against that kernel's tree from a copy
# of their sources in build/debug/src (the normal build stays untouched).
# Each case fails on a dirty host log (hostinit.sh) or on a kmemleak report
# involving lguest (lgdebug=1); the findings are summed up at the end and
# kept in build/logs/debug-findings.txt.
# Usage: check-debug.sh [CASE...]   (default: $DEBUG_CASES, else the
#        guest-hostile-* cases, linux-hostile-rings, module-reload and fuzz
#        when tests/host/cases/fuzz.sh exists)
# Environment: DEBUG_PAGING (default "auto shadow": one test-host run per
# paging= default), DEBUG_TIMEOUT (per case, default 300 s).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
out=$top/build/debug
die() { echo "lguest: check-debug: $*" >&2; exit 2; }

# 1. The kernel (a no-op once built, until its version or fragment changes).
sh scripts/debug-kernel.sh || die "no debug kernel"
krel=$(sed -n 's/^DEBUG_KREL := //p' "$out/debug.mk")
kernel=$(sed -n 's/^DEBUG_KERNEL := //p' "$out/debug.mk")
kdir=$(sed -n 's/^DEBUG_KDIR := //p' "$out/debug.mk")
modroot=$(sed -n 's/^DEBUG_MODROOT := //p' "$out/debug.mk")

# 2. The modules, from a copy of their sources (kbuild writes its objects
# next to them); files are copied only when changed, so kbuild's own
# dependency tracking keeps the rebuild incremental.
src=$out/src
sync_dir() {
	find "$1" -type f \( -name '*.[chS]' -o -name Kbuild -o -name Makefile \
			-o -name Kconfig -o -name '*.mk' \) ! -name '*.mod.c' | while read -r f; do
		mkdir -p "$src/$(dirname "$f")"
		cmp -s "$f" "$src/$f" || cp -p "$f" "$src/$f"
	done
}
for d in drivers/lguest drivers/lguest_dev include tests/modules/lg_warn; do
	sync_dir "$d"
done
kmake() { nice -n 19 make -s -C "$kdir" "$@"; }
echo "check-debug: building the modules for $krel in $src"
kmake M="$src/drivers/lguest" CONFIG_LGUEST=m modules || die "lguest.ko failed to build"
if [ "$src/drivers/lguest/Module.symvers" -nt "$src/drivers/lguest_dev/lguest_dev.ko" ]; then
	kmake M="$src/drivers/lguest_dev" clean
fi
kmake M="$src/drivers/lguest_dev" CONFIG_LGUEST_DEV=m \
	KBUILD_EXTRA_SYMBOLS="$src/drivers/lguest/Module.symvers" modules ||
	die "lguest_dev.ko failed to build"
kmake M="$src/tests/modules/lg_warn" modules || die "lg_warn.ko failed to build"

# 3. The test host's initrd: all it needs is built in, so it loads nothing.
initrd=$out/host-initrd.cpio.gz
if [ ! -f "$initrd" ] || [ tests/host/init -nt "$initrd" ] ||
		[ tests/host/mkhostinitrd.sh -nt "$initrd" ]; then
	sh tests/host/mkhostinitrd.sh - "$krel" "$initrd" || die "no initrd"
fi

# 4. The cases, once per paging mode.
if [ $# -gt 0 ]; then
	cases=$*
elif [ -n "${DEBUG_CASES:-}" ]; then
	cases=$DEBUG_CASES
else
	cases="$(awk -F'\t' '$1 ~ /^hostile-/ && !s[$1]++ { print "guest-" $1 }' tests/guests/cases.tsv)
		linux-hostile-rings module-reload"
	[ -f tests/host/cases/fuzz.sh ] && cases="$cases fuzz"
fi
cases=$(echo $cases)
findings=$top/build/logs/debug-findings.txt
mkdir -p "$top/build/logs"
: > "$findings"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
# KASAN reports every bad access, not only the first; lockdep's own limit
# (one report, then it switches itself off) stays.
# The guests' own time limits (lib.sh) doubled: the debug kernel is slower.
append="lgdebug=1 lgmodules=$src lgmodroot=$modroot kasan_multi_shot
	lgguest_timeout=120 lglinux_timeout=180 ${LG_HOST_APPEND:-}"
append=$(echo $append)
for p in ${DEBUG_PAGING:-auto shadow}; do
	suite=debug-$p
	echo "check-debug: $suite: $cases"
	t0=$(date +%s)
	LG_HOST_KERNEL=$kernel LG_HOST_INITRD=$initrd LG_HOST_APPEND=$append \
		sh tests/host/run.sh --suite "$suite" --paging "$p" \
		--timeout "${DEBUG_TIMEOUT:-300}" $cases | tee -a "$results"
	echo "check-debug: $suite took $(($(date +%s) - t0)) s"
	# Each checker's headline, with the case it came in.
	log=$top/build/logs/$suite.log
	tr -d '\r' < "$log" | awk -v s="$suite" '
		/^@@BEGIN / { c = $2 }
		/^@@KMEMLEAK-FINAL / { c = "after all cases, modules unloaded" }
		/BUG: KASAN|WARNING: possible|BUG: sleeping function|BUG: scheduling while atomic|INFO: (possible|trying)|ODEBUG:|list_(add|del) corruption|BUG:|WARNING:|Oops|general protection|^--- kmemleak after|^@@KMEMLEAK-FINAL [1-9]/ {
			print s ": " (c ? c : "boot") ": " $0 }' >> "$findings"
done
echo
echo "check-debug: findings (full reports in build/logs/debug-*.log):"
if [ -s "$findings" ]; then
	awk '!seen[$0]++' "$findings" | sed 's/^/  /'
else
	echo "  none"
fi
passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" != 0 ]
