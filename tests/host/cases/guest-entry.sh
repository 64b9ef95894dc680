# SPDX-License-Identifier: GPL-2.0
# guest-entry: the --raw entry state is the documented one (registers,
# selectors, control registers, EFER, GDT, empty IDT, identity map of all
# RAM by 2 MiB pages; include/uapi/linux/lguest.h), for 64M, the default
# size and a size that needs a second page directory.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "entry.bin, 64M"
expect_guest_pass lguest entry --mem 64M
grep -qx "entry: ram 67108864" "$guest_out" || fail "RDI is not the RAM size (64M)"
step "entry.bin, default size (256M)"
expect_guest_pass lguest entry
grep -qx "entry: ram 268435456" "$guest_out" || fail "RDI is not the default RAM size (256M)"
step "entry.bin, 1026M: two page directories"
expect_guest_pass lguest entry --mem 1026M
grep -qx "entry: ram 1075838976" "$guest_out" || fail "RDI is not the RAM size (1026M)"
grep -qx "entry: ram 2 MiB pages checked 513" "$guest_out" || fail "not all of RAM was walked"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-entry: ok"
