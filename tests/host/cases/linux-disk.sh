# SPDX-License-Identifier: GPL-2.0
# linux-disk: virtio-blk and virtio-rng served by lguest_dev.ko.  A copy of
# the ext4 test image (mke2fs -d, with SHA256SUMS) as --disk: the guest
# checks its files, writes 20 MiB, syncs, deletes a 16 MiB file and runs
# fstrim, and powers off; then e2fsck -fn on the image is clean, the new
# file's checksum in the image is the one the guest printed, and the image
# file lost at least 16 MiB of allocated blocks (discard punched holes).
# With ,ro: the guest sees a read-only disk, a raw write fails, and the
# image is unchanged byte for byte.  Three disks at once (rw, ro, raw).  A
# crash: the launcher killed (-9) while the guest writes; e2fsck -fy
# recovers the journal and every file whose fsync returned is intact.
# --rng: /dev/hwrng works.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
img=/tmp/linux-disk.ext4
# cat, not cp: every block written, so the copy starts fully allocated and
# what discard gives back shows in its allocated size.
cat "$LG_TOP/build/test.ext4" > "$img" || fail "cannot copy the test image"

step "read-write disk, with discard"
size=$(stat -c %s "$img")
before=$(( $(stat -c %b "$img") * 512 ))
run_linux dw disk-write --disk "$img"
expect_linux_pass dw disk-write
after=$(( $(stat -c %b "$img") * 512 ))
echo "linux-disk: image of $size bytes had $before allocated, $after after the guest; $(linux_text dw "@@TRIM ")"
[ "$after" -le $((before - 16 * 1048576)) ] ||
	fail "fstrim in the guest freed $((before - after)) bytes of the image, want at least 16 MiB"
sum=$(linux_text dw "@@SUM ")
sum=${sum#@@SUM }
[ -n "$sum" ] || fail "the guest printed no checksum"
e2fsck -fn "$img" > /tmp/linux-disk.fsck 2>&1 ||
	fail "e2fsck -fn after the guest wrote: $(tail -n 3 /tmp/linux-disk.fsck | tr '\n' ' ')"
inimg=$(debugfs -R "cat /big" "$img" 2>/dev/null | sha256sum | cut -d' ' -f1)
echo "linux-disk: guest wrote /big with sha256 $sum; in the image: $inimg"
[ "$inimg" = "$sum" ] || fail "the file in the image does not match what the guest wrote"

step "read-only disk"
cp "$img" "$img.before"
run_linux dr disk-ro --disk "$img,ro"
expect_linux_pass dr disk-ro
cmp -s "$img" "$img.before" || fail "the read-only image changed"

step "three disks: read-write, read-only, raw"
cp "$LG_TOP/build/test.ext4" /tmp/disk-b.ext4 || fail "cannot copy the test image"
head -c 8388608 /dev/zero > /tmp/disk-c.raw
run_linux dm disk-multi --disk "$img" --disk /tmp/disk-b.ext4,ro --disk /tmp/disk-c.raw
expect_linux_pass dm disk-multi
vdc=$(linux_text dm "@@VDC ")
craw=$(sha256sum < /tmp/disk-c.raw | cut -d' ' -f1)
[ "${vdc#@@VDC }" = "$craw" ] || fail "vdc's file has sha256 $craw, the guest wrote ${vdc#@@VDC }"
cmp -s "$LG_TOP/build/test.ext4" /tmp/disk-b.ext4 || fail "the read-only second disk changed"
rm -f /tmp/disk-b.ext4 /tmp/disk-c.raw

step "crash: kill -9 the launcher while the guest writes"
cp "$LG_TOP/build/test.ext4" "$img" || fail "cannot copy the test image"
# fsynced: how many files the guest has fsynced so far.  The stamped run
# starts in the background and makes /tmp/dc.out a moment later: until
# then, none (an empty count once ended the wait at once, killing nothing).
fsynced() {
	_n=$(grep -c "@@FSYNCED " /tmp/dc.out 2>/dev/null)
	echo "${_n:-0}"
}
rm -f /tmp/dc.out
LG_LINUX_TIMEOUT=120 lg_run_stamped dc "$LG_LAUNCHER" --kernel "$LG_GUEST_KERNEL" \
	--initrd "$LG_LINUX_INITRD" --mem 256M --append "$LG_LINUX_APPEND lgtest=disk-crash" \
	--disk "$img" &
job=$!
i=0
until [ "$(fsynced)" -ge 6 ]; do
	i=$((i + 1))
	[ $i -lt 900 ] || { kill $job; wait $job; linux_show dc; fail "the guest did not fsync 6 files in 90 s"; }
	sleep 0.1
done
pkill -9 -x lguest || fail "no launcher to kill"
wait $job
linux_show dc
[ "$(linux_rc dc)" = 137 ] || fail "the launcher ended with status $(linux_rc dc), not by SIGKILL (137)"
e2fsck -fy "$img" > /tmp/linux-disk.fsck 2>&1
rc=$?
echo "linux-disk: e2fsck -fy after the kill: status $rc, $(grep -c . /tmp/linux-disk.fsck) lines"
[ $rc -le 1 ] || fail "e2fsck -fy could not repair the image (status $rc): $(tail -n 3 /tmp/linux-disk.fsck | tr '\n' ' ')"
e2fsck -fn "$img" > /tmp/linux-disk.fsck 2>&1 ||
	fail "the image is not clean after e2fsck -fy: $(tail -n 3 /tmp/linux-disk.fsck | tr '\n' ' ')"
grep "@@FSYNCED " /tmp/dc.out | while read -r _ _ f want; do
	got=$(debugfs -R "cat /crash/$f" "$img" 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] || { echo "linux-disk: /crash/$f has sha256 $got, the guest fsynced $want"; exit 1; }
done || fail "a file fsynced before the kill was lost or damaged"
echo "linux-disk: $(grep -c "@@FSYNCED " /tmp/dc.out) fsynced files intact after kill -9 and journal recovery"

step "rng"
run_linux rn rng --rng
expect_linux_pass rn rng

rm -f "$img" "$img.before"
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-disk: ok"
