#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kconfig-opts.sh - our Kconfig options, all off, really take their code
# out: the modules built out of tree the way "make modules" builds them,
# in a scratch copy of the sources (the tree's own objects untouched), with
# every option of "make kconfig-options" given as =n on the command line.
# The build must be free of warnings, each option's files must not be
# built, and each option's symbols (its own, or kernel imports only it
# uses) must be absent from the .ko; the same probes must find them in the
# tree's default build, when there is one, so a probe that can never match
# is caught too.  The all-off lguest_dev.ko is linked against the tree's
# own lguest.ko when there is one, and kept as build/kconfig/lguest_dev-alloff.ko
# for the test host's kconfig-nodev case (every device type refused).
# Prints "PASS kconfig/<case>" or "FAIL kconfig/<case>: why".
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
	if [ -z "$2" ]; then echo "PASS kconfig/$1"; else echo "FAIL kconfig/$1: $2"; fi
}

cd "$top" || exit 2
opts=$(make -s kconfig-options) || { check list "make kconfig-options failed"; exit 0; }
# The list is the Kconfig files' bool options, all of them.
want=$(sed -n 's/^\(menu\)\{0,1\}config \(LGUEST_[A-Z0-9_]*\)$/\2/p' \
	drivers/lguest/Kconfig drivers/lguest_dev/Kconfig | grep -vx 'LGUEST\|LGUEST_DEV' | tr '\n' ' ')
[ "$(echo $opts)" = "$(echo $want)" ] && why= ||
	why="make kconfig-options says '$opts', the Kconfig files '$want'"
check list "$why"

# options.mk by itself, as Kbuild includes it out of tree: a kernel without
# a "depends on" symbol turns the option off; a value other than y or n
# is an error.
printf 'include %s\nall:\n\t@echo $(foreach o,$(LGUEST_KCONFIG_OPTIONS),$(o)=$(CONFIG_$(o)))\n' \
	"$top/drivers/lguest/options.mk" > "$tmp/opts.mk"
got=$(make -s -f "$tmp/opts.mk" KBUILD_EXTMOD=x CONFIG_NET=y CONFIG_TRACEPOINTS=y \
	CONFIG_DEBUG_FS=y CONFIG_LGUEST_DEV_RNG=n 2>&1)
why=
case " $got " in
*" LGUEST_DEBUGFS=y "*" LGUEST_DEV_RNG=n "*) ;;
*) why="with DEBUG_FS and LGUEST_DEV_RNG=n: '$got'" ;;
esac
got=$(make -s -f "$tmp/opts.mk" KBUILD_EXTMOD=x CONFIG_NET=y CONFIG_TRACEPOINTS=y 2>&1)
case " $got " in
*" LGUEST_DEBUGFS=n "*) ;;
*) why="$why; without DEBUG_FS: '$got'" ;;
esac
make -s -f "$tmp/opts.mk" KBUILD_EXTMOD=x CONFIG_LGUEST_DEV_NET=m > /dev/null 2>&1 &&
	why="$why; CONFIG_LGUEST_DEV_NET=m accepted"
check options-mk "${why#; }"

# The scratch tree: our sources as git sees them (new files included), the
# top Makefile and what it includes.
{ git ls-files -co --exclude-standard drivers include Makefile scripts/deps.sh; } |
	cpio -pd --quiet "$tmp/src" 2>/dev/null
mkdir -p "$tmp/src/build"
cp build/config.mk "$tmp/src/build/"
touch "$tmp/src/build/config.mk"	# newer than scripts/deps.sh: no deps run
off=
for o in $opts; do off="$off CONFIG_$o=n"; done
symvers=$top/drivers/lguest/Module.symvers
[ -f "$symvers" ] && off="$off LGUEST_SYMVERS=$symvers"
rm -rf build/kconfig
t0=$(date +%s)
# shellcheck disable=SC2086 # a list of assignments
if make -C "$tmp/src" -s modules $off > "$tmp/build.log" 2>&1; then
	why=$(grep -i 'warning\|error' "$tmp/build.log" | grep -v '^Skipping BTF' | head -n 3 | tr '\n' ' ')
	[ -z "$why" ] || why="build warnings: $why"
else
	why="build failed: $(grep -i 'error' "$tmp/build.log" | head -n 3 | tr '\n' ' ')"
fi
check build-all-off "$why"
echo "    (all off: $(($(date +%s) - t0)) s)"
[ -z "$why" ] || exit 0
if [ -f "$symvers" ]; then
	mkdir -p build/kconfig
	cp "$tmp/src/drivers/lguest_dev/lguest_dev.ko" build/kconfig/lguest_dev-alloff.ko
	cp "$symvers" build/kconfig/lguest.symvers
fi

# probe OPTION MODULE FILES SYMBOLS: with OPTION off, none of FILES (.o)
# is built for MODULE and none of SYMBOLS (defined or imported, as nm
# prints them) is in MODULE.ko; in the default build, all are.
probe() {
	o=$1 m=$2 files=$3 syms=$4 why=
	ko=$tmp/src/drivers/$m/$m.ko ref=$top/drivers/$m/$m.ko
	case " $opts " in
	*" $o "*) ;;
	*) check "$o" "not an option (make kconfig-options)"; return ;;
	esac
	for f in $files; do
		[ ! -e "$tmp/src/drivers/$m/$f" ] || why="$why$f built; "
	done
	have=$(nm "$ko" | awk '{ print $NF }')
	for s in $syms; do
		! echo "$have" | grep -qx "$s" || why="$why$s in $m.ko; "
	done
	if [ -f "$ref" ]; then
		have=$(nm "$ref" | awk '{ print $NF }')
		for s in $syms; do
			echo "$have" | grep -qx "$s" || why="${why}probe $s not in the default $m.ko; "
		done
	fi
	check "$o" "$why"
}

probe LGUEST_VMX lguest "vmx.o vmx_exit.o vmx_cpu.o vmx_switch.o" \
	"lg_vmx_probe lg_vmx_enter asm_exc_nmi_noist perf_guest_get_msrs"
probe LGUEST_DEBUGFS lguest debugfs.o \
	"lg_debugfs_init lg_count_exception debugfs_create_dir debugfs_create_file"
probe LGUEST_EXIT_HISTORY lguest exithist.o \
	"lg_exit_hist_show lg_exit_hist_report"
probe LGUEST_TRACEPOINTS lguest trace.o \
	"__tracepoint_lguest_exit __tracepoint_lguest_kill trace_event_raw_init"
probe LGUEST_DEV_CONSOLE lguest_dev console.o "lgdev_console_create lguest_input_start"
probe LGUEST_DEV_BLK lguest_dev blk.o "lgdev_blk_create vfs_iter_read vfs_fallocate"
probe LGUEST_DEV_NET lguest_dev net.o "lgdev_net_create alloc_netdev_mqs netif_rx"
probe LGUEST_DEV_RNG lguest_dev rng.o "lgdev_rng_create"
