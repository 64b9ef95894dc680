# SPDX-License-Identifier: GPL-2.0
# linux-disk: virtio-blk and virtio-rng served by lguest_dev.ko.  A copy of
# the ext4 test image (mke2fs -d, with SHA256SUMS) as --disk: the guest
# checks its files, writes 20 MiB, syncs and powers off; then e2fsck -fn on
# the image is clean and the new file's checksum in the image is the one
# the guest printed.  With ,ro: the guest sees a read-only disk, a raw write
# fails, and the image is unchanged byte for byte.  --rng: /dev/hwrng works.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
img=/tmp/linux-disk.ext4
cp "$LG_TOP/build/test.ext4" "$img" || fail "cannot copy the test image"

step "read-write disk"
run_linux dw disk-write --disk "$img"
expect_linux_pass dw disk-write
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

step "rng"
run_linux rn rng --rng
expect_linux_pass rn rng

rm -f "$img" "$img.before"
rmmod lguest_dev || fail "rmmod lguest_dev failed"
rmmod lguest || fail "rmmod lguest failed"
echo "linux-disk: ok"
