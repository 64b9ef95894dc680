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

step intree-y sh scripts/intree-kernel.sh y
step patch patch_check
if [ -f "$out/vmlinuz-intree" ] && grep -q '^PASS kconfig/intree-y' "$results"; then
	for s in $(grep -v '^#' tests/suites-kconfig.tsv | cut -f1 | grep '^intree'); do
		LG_SUITES=$top/tests/suites-kconfig.tsv LG_HOST_KERNEL=$out/vmlinuz-intree \
			LG_HOST_APPEND="lgbuiltin=1 ${LG_HOST_APPEND:-}" \
			sh tests/run-all.sh --suite "$s" | tee -a "$results.raw" |
			grep -E '^(PASS|FAIL) ' | tee -a "$results"
	done
else
	echo "FAIL kconfig/intree-host: no =y kernel to boot" | tee -a "$results"
fi
step intree-m sh scripts/intree-kernel.sh m

# The small guest kernel (make guest-kernel) with the Linux cases.
step guest-kernel sh scripts/guest-kernel.sh
for s in $(grep -v '^#' tests/suites-kconfig.tsv | cut -f1 | grep '^guest-kernel'); do
	LG_SUITES=$top/tests/suites-kconfig.tsv sh tests/run-all.sh --suite "$s" |
		tee -a "$results.raw" | grep -E '^(PASS|FAIL|SKIP) ' | tee -a "$results"
done
sh scripts/kconfig-rand.sh "${SEEDS:-20}" > build/logs/kconfig-rand.log 2>&1
rc=$?
grep -E '^(PASS|FAIL) ' build/logs/kconfig-rand.log | tee -a "$results"
if [ $rc != 0 ] && ! grep -q '^FAIL ' build/logs/kconfig-rand.log; then
	tail -n 5 build/logs/kconfig-rand.log
	echo "FAIL kconfig/rand: exit status $rc" | tee -a "$results"
fi

# The Debian packages (make deb, lintian-clean), installed in the stock
# test host: dpkg -i, DKMS, modprobe, a guest from the installed launcher
# (tests/host/cases/deb-install.sh, 70-100 s: too long for make check).
step deb sh scripts/mkdeb.sh
if grep -q '^PASS kconfig/deb' "$results"; then
	sh tests/host/run.sh --suite host-deb --timeout 300 deb-install |
		tee -a "$results.raw" | grep -E '^(PASS|FAIL) ' | tee -a "$results"
fi

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo
grep '^FAIL ' "$results"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
