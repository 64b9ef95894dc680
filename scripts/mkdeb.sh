#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkdeb.sh - "make deb": the Debian packages lguest and lguest-dkms in
# build/deb, built by dpkg-buildpackage from a copy of this tree in
# build/deb/src (git's files, uncommitted changes included; never this
# tree's build/ or objects), then checked by lintian (overrides:
# debian/*.lintian-overrides).  Also, for the test host
# (tests/host/cases/deb-install.sh), which cannot compile the modules in
# reasonable time under TCG: the modules DKMS builds from lguest-dkms's
# own /usr/src tree for the test host's kernel (KVER of build/config.mk),
# as a binaries-only DKMS tarball that "dkms ldtarball" loads.  All DKMS
# work is in a scratch tree: nothing of this machine's DKMS state changes.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd -P)
out=$top/build/deb

die() { echo "lguest: deb: $*" >&2; exit 1; }

. "$top/scripts/pkgs.sh"
ensure_pkgs deb debhelper dh-dkms dkms lintian acpica-tools build-essential

ver=$(sh "$top/scripts/dkms-src.sh" --version)
[ -n "$ver" ] || die "no PACKAGE_VERSION in dkms.conf"
src=$out/src/lguest-$ver
rm -rf "$out"
mkdir -p "$src"
cd "$top"
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$top" ]; then
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 -r sh -c 'for f; do [ ! -e "$f" ] || echo "$f"; done' sh |
		tar -cf - -T - | tar -xf - -C "$src"
else
	tar -cf - --exclude=./build --exclude='*.o' --exclude='*.ko' . | tar -xf - -C "$src"
fi

t0=$(date +%s)
(cd "$src" && dpkg-buildpackage -b -us -uc) > "$out/build.log" 2>&1 ||
	die "dpkg-buildpackage failed: $(tail -n 20 "$out/build.log")"
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
echo "deb: built $(cd "$out" && echo *.deb) in $(($(date +%s) - t0)) s"

# lintian: warnings and errors fail; what is overridden is said why in
# debian/*.lintian-overrides.
lintian -I --fail-on error,warning "$out"/lguest_"$ver"_*.changes > "$out/lintian.log" 2>&1 ||
	{ cat "$out/lintian.log"; die "lintian is not clean"; }
cat "$out/lintian.log"
echo "deb: lintian clean"

# The binaries-only DKMS tarball for the test host.
[ -f "$top/build/config.mk" ] || { echo "deb: no build/config.mk: no DKMS tarball"; exit 0; }
kver=$(sed -n 's/^KVER := //p' "$top/build/config.mk")
kdir=/usr/src/linux-headers-$kver
[ -d "$kdir" ] || die "no $kdir"
dk=$out/dkms
mkdir -p "$dk/root" "$dk/tree" "$dk/tmp"
dpkg-deb -x "$out"/lguest-dkms_"$ver"_all.deb "$dk/root"
# See tests/dkms.sh: the signing key, if any, stays in the scratch tree.
mok_signing_key=$dk/mok.key mok_certificate=$dk/mok.pub TMPDIR=$dk/tmp
export mok_signing_key mok_certificate TMPDIR
set -- -m lguest -v "$ver" --sourcetree "$dk/root/usr/src" --dkmstree "$dk/tree"
dkms add "$@" > "$dk/dkms.log" 2>&1 &&
	dkms build "$@" -k "$kver" --kernelsourcedir "$kdir" >> "$dk/dkms.log" 2>&1 &&
	dkms mktarball "$@" -k "$kver" --binaries-only --archive "$out/lguest-$ver-$kver.dkms.tar.gz" \
		>> "$dk/dkms.log" 2>&1 ||
	die "the DKMS binaries for $kver: $(tail -n 10 "$dk/dkms.log")"
rm -rf "$dk"
echo "deb: $out/lguest-$ver-$kver.dkms.tar.gz (binaries for the test host)"
