# SPDX-License-Identifier: GPL-2.0
# deb-install: the packages of "make deb" installed the way a user installs
# them, on a writable copy of the build machine's root (overlayfs over the
# read-only 9p root, a tmpfs on top, so nothing reaches the build machine):
# dpkg -i lguest and lguest-dkms, whose postinst runs DKMS.  DKMS takes the
# modules from the binaries-only tarball that make deb built from
# lguest-dkms's own sources (placed where dh_dkms's postinst looks for
# one, /usr/share/lguest-dkms): compiling them here, under TCG, would take
# many minutes.  Then modprobe loads the installed modules from
# updates/dkms and the installed /usr/bin/lguest runs a command in a guest;
# dpkg --purge takes it all away again.
. "$LG_TOP/tests/host/lib.sh"

debs=$LG_TOP/build/deb
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$LG_TOP/dkms.conf")
for f in "lguest_${ver}_amd64.deb" "lguest-dkms_${ver}_all.deb" "lguest-$ver-$LG_KVER.dkms.tar.gz"; do
	[ -f "$debs/$f" ] || fail "no build/deb/$f: run make deb"
done

step "a writable root: overlayfs on the 9p root"
kmod overlay || fail "modprobe overlay"
o=/tmp/ovl r=/tmp/ovl/root
mkdir -p $o/upper $o/work $r
mount -t overlay overlay -o lowerdir=/,upperdir=$o/upper,workdir=$o/work $r ||
	fail "cannot mount overlayfs over /"
# What udev makes on a real system and the test host has not: dkms's bash
# needs /dev/fd for <(...).
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for d in proc sys dev run; do
	mount -o bind /$d $r/$d || fail "bind /$d"
done
mount -t tmpfs -o mode=1777 tmpfs $r/tmp
mkdir -p "$r$LG_TOP"
mount -o bind "$LG_TOP" "$r$LG_TOP" || fail "bind $LG_TOP"
# Only ours, and none loaded yet: modprobe must find the installed ones.
[ -d /sys/module/lguest ] && fail "lguest.ko is loaded before the install"

# in_root CMD...: run CMD in the writable root.
in_root() {
	chroot $r /usr/bin/env PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

step "dpkg -i lguest-dkms (binaries from make deb) and lguest"
# dh_dkms's postinst loads this tarball instead of compiling.
mkdir -p $r/usr/share/lguest-dkms
cp "$debs/lguest-$ver-$LG_KVER.dkms.tar.gz" $r/usr/share/lguest-dkms/lguest-$ver.dkms.tar.gz
# man-db's trigger would rebuild its whole index: minutes under TCG.
rm -f $r/var/lib/man-db/auto-update
lg_csecs
t0=$lg_csecs
in_root dpkg -i "$debs/lguest-dkms_${ver}_all.deb" "$debs/lguest_${ver}_amd64.deb" \
	> /tmp/dpkg.out 2>&1
rc=$?
lg_csecs
cat /tmp/dpkg.out
echo "dpkg -i: status $rc after $(((lg_csecs - t0) / 100)) s"
[ $rc = 0 ] || fail "dpkg -i failed"
in_root dpkg-query -W -f='${Package} ${Version} ${Status}\n' lguest lguest-dkms | tee /tmp/dpkg.q
[ "$(grep -c ' install ok installed$' /tmp/dpkg.q)" = 2 ] || fail "the packages are not installed"
# What "dkms status" reads (itself ~10 s of bash under TCG): built here ...
ls $r/var/lib/dkms/lguest/$ver/$LG_KVER/x86_64/module/lguest.ko > /dev/null ||
	fail "DKMS has no lguest/$ver for $LG_KVER"
# ... and installed there.
for m in lguest lguest_dev; do
	[ -f "$r/lib/modules/$LG_KVER/updates/dkms/$m.ko" ] ||
		fail "no /lib/modules/$LG_KVER/updates/dkms/$m.ko"
done
grep -q '^lguest:x:[0-9]*:' $r/etc/group || fail "postinst made no group lguest"
[ -f $r/usr/lib/udev/rules.d/60-lguest.rules ] || fail "no udev rule"
step "lguest's postinst again: idempotent"
in_root /var/lib/dpkg/info/lguest.postinst configure 1.0 > /tmp/reconf.out 2>&1 ||
	{ cat /tmp/reconf.out; fail "lguest.postinst configure, again"; }
[ "$(grep -c '^lguest:' $r/etc/group)" = 1 ] || fail "two groups lguest"

step "modprobe the installed modules"
in_root modprobe lguest ${LG_PAGING:+paging=$LG_PAGING} || fail "modprobe lguest"
in_root modprobe lguest_dev || fail "modprobe lguest_dev"
f=$(in_root modinfo -n lguest)
echo "lguest.ko: $f"
[ "$f" = "/lib/modules/$LG_KVER/updates/dkms/lguest.ko" ] || fail "modprobe took $f"
[ -e /dev/lguest ] || fail "no /dev/lguest"

step "the installed launcher: its own data directory, then a guest"
in_root lguest run -- true > /tmp/run0.out 2> /tmp/run0.err
rc=$?
echo "lguest run (no kernel): status $rc: $(cat /tmp/run0.err)"
[ $rc = 125 ] && grep -q "/usr/lib/lguest/vmlinux" /tmp/run0.err ||
	fail "want status 125 naming /usr/lib/lguest/vmlinux"
timeout -k 2 120 chroot $r /usr/bin/env LGUEST_DATADIR="$LG_TOP/build" \
	/usr/bin/lguest run -- sh -c 'echo hello from $(uname -r); exit 3' \
	< /dev/null > /tmp/run.out 2> /tmp/run.err
rc=$?
echo "lguest run: status $rc, stdout '$(cat /tmp/run.out)', stderr '$(cat /tmp/run.err)'"
[ $rc = 3 ] || fail "status $rc, want 3"
[ "$(cat /tmp/run.out)" = "hello from $LG_KVER" ] || fail "wrong output"

rmmod lguest_dev || fail "rmmod lguest_dev"
rmmod lguest || fail "rmmod lguest"

step "dpkg --purge: DKMS takes the modules away"
in_root dpkg --purge lguest lguest-dkms > /tmp/purge.out 2>&1
rc=$?
cat /tmp/purge.out
[ $rc = 0 ] || fail "dpkg --purge failed"
for m in lguest lguest_dev; do
	[ ! -e "$r/lib/modules/$LG_KVER/updates/dkms/$m.ko" ] || fail "$m.ko left behind"
done
[ ! -e $r/var/lib/dkms/lguest ] || fail "DKMS still has lguest"
[ ! -e $r/usr/bin/lguest ] || fail "/usr/bin/lguest left behind"
umount "$r$LG_TOP" $r/tmp $r/run $r/dev $r/sys $r/proc
umount $r || fail "umount the overlay"
echo "deb-install: installed, loaded, ran"
