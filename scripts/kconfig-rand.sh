#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kconfig-rand.sh - build lguest under random settings of its own Kconfig
# options (and all-yes, all-mod, all-no) in the tree intree-kernel.sh made,
# the rest of Debian's config held fixed through KCONFIG_ALLCONFIG.  Each
# configuration compiles our directories with W=1, links vmlinux when
# something of ours is built in, and runs modpost on what is a module.
# Usage: kconfig-rand.sh [SEEDS]   (default 20 seeds: 1..SEEDS)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/intree
tree=$out/linux-source-6.1
seeds=${1:-20}

die() { echo "lguest: kconfig-rand: $*" >&2; exit 1; }

[ -f "$tree/.config.lguest" ] || die "no in-tree build: run scripts/intree-kernel.sh y first"
sh "$top/scripts/intree.sh" "$tree"
kver=$(. "$top/scripts/ksrc.sh" && ksrc_kver)
cd "$tree"
kmake() {
	nice -n 19 make -j"${INTREE_JOBS:-2}" KERNELRELEASE="$kver" "$@"
}

# Our symbols: every "config X" of our Kconfig files.
syms=$(sed -n 's/^\(menu\)\{0,1\}config \([A-Z0-9_]*\).*/\2/p' \
	drivers/lguest/Kconfig drivers/lguest_dev/Kconfig)
[ -n "$syms" ] || die "no options found in our Kconfig files"
pat=$(echo $syms | sed 's/ /|/g')
pat="^(# )?CONFIG_($pat)[= ]"
# Everything else is fixed at the in-tree build's values.
kmake -s olddefconfig
grep -Ev "$pat" .config > "$out/allconfig.fixed"
cp .config "$out/config.before-rand"
# Whatever happens, leave the tree as intree-kernel.sh configured it.
trap 'cp "$out/config.before-rand" "$tree/.config"' EXIT

summary=$out/kconfig-rand.txt
: > "$summary"
pass=0 failed=0
rm -rf "$out/rand"
mkdir -p "$out/rand"
# First every configuration, then the builds: those with nothing of ours
# built in first, so that they share one vmlinux (a link is minutes).
for cfg in allyes allmod allno $(seq 1 "$seeds"); do
	case $cfg in
	allyes|allmod|allno)
		kmake -s KCONFIG_ALLCONFIG="$out/allconfig.fixed" "${cfg}config" > /dev/null ;;
	*)
		KCONFIG_SEED=$cfg kmake -s KCONFIG_ALLCONFIG="$out/allconfig.fixed" \
			randconfig > /dev/null ;;
	esac
	cp .config "$out/rand/$cfg.config"
done
order=$(for cfg in allyes allmod allno $(seq 1 "$seeds"); do
	if grep -qE '^CONFIG_LGUEST(_DEV)?=y' "$out/rand/$cfg.config"; then
		echo "1 $cfg"
	else
		echo "0 $cfg"
	fi
done | sort -s -k1,1n | cut -d' ' -f2)
for cfg in $order; do
	cp "$out/rand/$cfg.config" .config
	# Only our options may differ from the fixed configuration.
	other=$(grep -Ev "$pat" .config | diff - "$out/allconfig.fixed" | grep -c '^[<>]' || true)
	ours=$(grep -E "^CONFIG_($(echo $syms | sed 's/ /|/g'))=" .config | sed 's/^CONFIG_//' | tr '\n' ' ')
	log=$out/kconfig-rand-$cfg.log
	why=
	[ "$other" = 0 ] || why="$other other options changed"
	if [ -z "$why" ]; then
		kmake W=1 drivers/lguest/ drivers/lguest_dev/ > "$log" 2>&1 || why="compile failed"
	fi
	if [ -z "$why" ] && grep -E 'drivers/lguest(_dev)?/.*(warning|error):' "$log" > /dev/null; then
		why="warnings"
	fi
	# vmlinux always: modpost checks modules against its exports.
	if [ -z "$why" ]; then
		kmake vmlinux >> "$log" 2>&1 || why="vmlinux link failed"
	fi
	kos=
	grep -qx CONFIG_LGUEST=m .config && kos=drivers/lguest/lguest.ko
	grep -qx CONFIG_LGUEST_DEV=m .config && kos="$kos drivers/lguest_dev/lguest_dev.ko"
	if [ -z "$why" ] && [ -n "$kos" ]; then
		kmake W=1 $kos >> "$log" 2>&1 || why="module build (modpost) failed"
	fi
	if [ -z "$why" ]; then
		pass=$((pass + 1))
		echo "PASS kconfig-rand/$cfg: ${ours:-(nothing of ours)}" | tee -a "$summary"
	else
		failed=$((failed + 1))
		echo "FAIL kconfig-rand/$cfg: $why: $ours (log: $log)" | tee -a "$summary"
		grep -E 'error|warning' "$log" | head -n 10 >&2 || true
	fi
done
# Leave the tree as intree-kernel.sh configured it.
cp "$out/config.before-rand" .config
kmake -s olddefconfig
echo "kconfig-rand: $pass passed, $failed failed"
[ "$failed" = 0 ]
