# SPDX-License-Identifier: GPL-2.0
# fd-creds (issue 14, finding 7): disk I/O runs with the launcher's
# credentials, not the kernel worker's.  An unprivileged launcher (nobody)
# gives its guest a setuid disk image it owns; the guest writes sector 0;
# as after a write of its own, the setuid bit is gone (a worker with
# CAP_FSETID would have kept it).
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
chmod 0666 /dev/lguest
img=/tmp/fd-creds.img
rm -f "$img"
head -c 1048576 /dev/zero > "$img"
chown nobody "$img"
chmod 04755 "$img"
echo "before: $(stat -c '%A %U' "$img")"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$(as_nobody_copy "$LG_TOP/tests/tools/fd_probe")" blk-write \
	"$(as_nobody_copy "$LG_GUESTS/mmio-script.bin")" "$img" ||
	fail "fd_probe blk-write failed"
mode=$(stat -c '%a' "$img")
echo "after: $(stat -c '%A %U' "$img")"
[ "$(head -c 512 "$img" | od -An -v -tx1 | tr -d ' \na5')" = "" ] ||
	fail "sector 0 does not hold the guest's pattern"
[ "$mode" = 755 ] || fail "the image is mode $mode after the guest's write: the setuid bit was kept"
chmod 0660 /dev/lguest
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "fd-creds: the guest's write stripped the setuid bit"
