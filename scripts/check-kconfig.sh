#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check-kconfig.sh - "make check-kconfig": the builds too long for make
# check.  lguest built into Debian's kernel (=y) and booted as the test
# host for the raw-guest and Linux tests; the =m in-tree build; the patch
# of intree.sh applied to a pristine tree; random settings of our options;
# the small guest kernel with the Linux cases; the Debian packages
# installed in the test host.
# Prints "PASS name" / "FAIL name: why", and "N passed, N failed" last.
# Usage: check-kconfig.sh   (SEEDS=n random configurations, default 20)
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
out=$top/build/intree
mkdir -p "$out" build/logs

# --suite NAME: one row of tests/suites-kconfig.tsv, as run-all.sh runs a
# row; intree* boot the =y kernel, host-deb needs make deb's packages.
if [ "${1:-}" = --suite ]; then
	case $2 in
	intree*)
		if [ ! -f "$out/vmlinuz-intree" ] ||
				! grep -q '^PASS kconfig/intree-y' "$out/check-kconfig.txt"; then
			echo "FAIL $2: no =y kernel to boot"
			exit 0
		fi
		LG_HOST_KERNEL=$out/vmlinuz-intree
		LG_HOST_APPEND="lgbuiltin=1 ${LG_HOST_APPEND:-}"
		export LG_HOST_KERNEL LG_HOST_APPEND
		;;
	host-deb)
		grep -q '^PASS kconfig/deb' "$out/check-kconfig.txt" ||
			{ echo "FAIL $2: make deb failed"; exit 0; }
		;;
	esac
	LG_SUITES=$top/tests/suites-kconfig.tsv exec sh tests/run-all.sh --suite "$2"
fi

results=$out/check-kconfig.txt
: > "$results"

# step NAME CMD...: run CMD, its output in build/logs/kconfig-NAME.log.
step() {
	_n=$1
	shift
	_t0=$(date +%s)
	if "$@" > "build/logs/kconfig-$_n.log" 2>&1; then
		echo "PASS kconfig/$_n ($(($(date +%s) - _t0)) s)" | tee -a "$results"
	else
		tail -n 20 "build/logs/kconfig-$_n.log"
		echo "FAIL kconfig/$_n: see build/logs/kconfig-$_n.log" | tee -a "$results"
	fi
}

# patch_check: intree.sh --patch against the tree, applied with git apply
# to a pristine copy of the two files it hooks, must give the tree's files.
patch_check() {
	tree=$out/linux-source-6.1
	sh scripts/intree.sh --patch "$tree" "$out/lguest.patch" || return 1
	tmp=$(mktemp -d)
	tar -C "$tmp" -xf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/drivers/Kconfig linux-source-6.1/drivers/Makefile || return 1
	(cd "$tmp/linux-source-6.1" && git apply --verbose "$out/lguest.patch") || return 1
	for f in drivers/Kconfig drivers/Makefile drivers/lguest drivers/lguest_dev \
			include/linux/lguest_backend.h include/uapi/linux/lguest.h; do
		[ -e "$tmp/linux-source-6.1/$f" ] || { echo "patch did not create $f"; return 1; }
	done
	for f in $(cd "$tmp/linux-source-6.1" && find . -type f); do
		cmp "$tmp/linux-source-6.1/$f" "$tree/$f" || return 1
	done
	rm -rf "$tmp"
}

# The builds first, then the test hosts two at a time (as make check
# runs them), then the random configurations, which need no test host.
step intree-y sh scripts/intree-kernel.sh y
step patch patch_check
step intree-m sh scripts/intree-kernel.sh m
step guest-kernel sh scripts/guest-kernel.sh
# The Debian packages (make deb, lintian-clean), for the host-deb row.
step deb sh scripts/mkdeb.sh

grep -v '^#' tests/suites-kconfig.tsv | sort -t"$(printf '\t')" -k2,2nr | cut -f1 |
	LG_HOST_SLOTS=2 xargs -P 2 -n 1 sh scripts/check-kconfig.sh --suite |
	tee -a "$results.raw" | grep -E '^(PASS|FAIL|SKIP) ' | tee -a "$results"

sh scripts/kconfig-rand.sh "${SEEDS:-20}" > build/logs/kconfig-rand.log 2>&1
rc=$?
grep -E '^(PASS|FAIL) ' build/logs/kconfig-rand.log | tee -a "$results"
if [ $rc != 0 ] && ! grep -q '^FAIL ' build/logs/kconfig-rand.log; then
	tail -n 5 build/logs/kconfig-rand.log
	echo "FAIL kconfig/rand: exit status $rc" | tee -a "$results"
fi

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo
grep '^FAIL ' "$results"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
