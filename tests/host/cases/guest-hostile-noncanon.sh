# SPDX-License-Identifier: GPL-2.0
# guest-hostile-noncanon: a guest jumps to a non-canonical address with an
# empty IDT: a triple fault (tests/guests/hostile-noncanon.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

expect_hostile_killed hostile-noncanon "jumping to 0x0000800000000000"
