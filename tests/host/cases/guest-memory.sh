# SPDX-License-Identifier: GPL-2.0
# guest-memory: a guest writes and reads back all its RAM above 2 MiB
# (64M: 62 MiB), and the launcher's --dump-ram shows the same RAM from
# outside: the image at 1 MiB and the guest's pattern at 2 MiB, 16 MiB and
# in the last word.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "memory.bin, 64M, --dump-ram"
expect_guest_pass lguest memory --mem 64M --dump-ram /tmp/ram.lguest
grep -qx "memory: PASS 65011712 bytes" "$guest_out" || fail "not all 62 MiB were checked"
check_ram_dump /tmp/ram.lguest 67108864 "$LG_GUESTS/memory.bin"
rm -f /tmp/ram.lguest
rmmod lguest || fail "rmmod lguest failed"
echo "guest-memory: ok"
