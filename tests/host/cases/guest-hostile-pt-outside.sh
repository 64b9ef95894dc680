# SPDX-License-Identifier: GPL-2.0
# guest-hostile-pt-outside: a guest's page directory points at a page table
# past its RAM and it reads through it (tests/guests/hostile-pt-outside.S),
# with nested paging and with shadow paging.  Each time the launcher must
# exit 1 with one line "lguest: guest killed: <why>", the host must stay
# clean, and the module must still run a guest and unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

for mode in npt shadow; do
	LG_PAGING=$mode expect_hostile_killed hostile-pt-outside \
		"reading through a page table at guest-physical 0x4000000"
done
