#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dkms.sh - dkms.conf as DKMS takes it, on this machine, against the test
# host's kernel headers (KVER of build/config.mk): the sources that
# scripts/dkms-src.sh lists, "dkms add", "dkms build" and "dkms install",
# all in a scratch directory (--sourcetree, --dkmstree, --installtree, the
# signing key by the variables DKMS reads): nothing of the system's DKMS
# state, /usr/src or /lib/modules changes.  The two modules must come out
# with the vermagic of that kernel's own modules.  They are never loaded
# here (tests/host/cases/deb-install.sh loads the packaged ones in the test
# host).  Prints "PASS dkms/<case>" or "FAIL dkms/<case>: <why>".
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
	if [ -z "$2" ]; then echo "PASS dkms/$1"; else echo "FAIL dkms/$1: $2"; fi
}
die() { check setup "$*"; exit 1; }

# dkms itself comes the way every other build dependency does.
. "$top/scripts/pkgs.sh"
ensure_pkgs dkms dkms
command -v dkms > /dev/null || die "no dkms"

kver=$(sed -n 's/^KVER := //p' "$top/build/config.mk")
kdir=/usr/src/linux-headers-$kver
[ -n "$kver" ] && [ -d "$kdir" ] || die "no kernel headers for '$kver'"
ver=$(sh "$top/scripts/dkms-src.sh" --version)
sh "$top/scripts/dkms-src.sh" "$tmp/src/lguest-$ver" || die "dkms-src.sh failed"

# DKMS signs what it builds when the kernel has sign-file, making itself a
# key in /var/lib/dkms first: these variables (framework.conf's, which the
# environment sets as well) keep that key in the scratch directory.
mok_signing_key=$tmp/mok.key
mok_certificate=$tmp/mok.pub
export mok_signing_key mok_certificate
TMPDIR=$tmp
export TMPDIR

dk() {
	dkms "$@" -m lguest -v "$ver" --sourcetree "$tmp/src" --dkmstree "$tmp/tree" \
		--installtree "$tmp/modules"
}

# dkms install wants the kernel's directory in the install tree.
mkdir -p "$tmp/tree" "$tmp/modules/$kver"
why=
dk add > "$tmp/add.log" 2>&1 || why="dkms add: $(tail -n 3 "$tmp/add.log" | tr '\n' ' ')"
check add "$why"

why=
t0=$(date +%s)
if ! dk build -k "$kver" --kernelsourcedir "$kdir" > "$tmp/build.log" 2>&1; then
	log=$(ls "$tmp"/tree/lguest/"$ver"/build/make.log 2>/dev/null)
	why="dkms build: $(tail -n 5 "$tmp/build.log" ${log:+"$log"} | tr '\n' ' ' | head -c 600)"
fi
check build "$why"

# The vermagic of the kernel's own modules, as the test host's modprobe
# will compare it.
stock=$(find "$top"/build/cache/linux-image-"$kver"/lib/modules/"$kver"/kernel/fs \
	-name '*.ko*' 2>/dev/null | head -n 1)
want=$(modinfo -F vermagic "$stock" 2>/dev/null)
why=
[ -n "$want" ] || why="no vermagic from the kernel's own modules ($stock)"
for m in lguest lguest_dev; do
	ko=$(ls "$tmp"/tree/lguest/"$ver"/"$kver"/*/module/$m.ko* 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		why="${why}no $m.ko built; "
		continue
	fi
	got=$(modinfo -F vermagic "$ko")
	[ "$got" = "$want" ] || why="${why}$m.ko vermagic '$got', want '$want'; "
done
check vermagic "$why"

# Installed where dkms.conf says, in the scratch install tree; no depmod
# (it would write the real /lib/modules/$kver).
why=
if ! dk install -k "$kver" --kernelsourcedir "$kdir" --no-depmod > "$tmp/install.log" 2>&1; then
	why="dkms install: $(tail -n 3 "$tmp/install.log" | tr '\n' ' ')"
fi
for m in lguest lguest_dev; do
	ls "$tmp"/modules/"$kver"/updates/dkms/$m.ko* > /dev/null 2>&1 ||
		why="${why}no updates/dkms/$m.ko; "
done
dk status > "$tmp/status.log" 2>&1
grep -q "^lguest/$ver, $kver, [^:]*: installed" "$tmp/status.log" ||
	why="${why}dkms status: $(tr '\n' ' ' < "$tmp/status.log")"
check install "$why"
modinfo -F signer "$tmp"/modules/"$kver"/updates/dkms/lguest.ko* 2>/dev/null | sed "s/^/dkms: signed by /"
echo "dkms: add/build/install took $(($(date +%s) - t0)) s"
