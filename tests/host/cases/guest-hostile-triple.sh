# SPDX-License-Identifier: GPL-2.0
# guest-hostile-triple: a guest executes UD2 with an IDT of limit 0: a
# triple fault (tests/guests/hostile-triple.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

expect_hostile_killed hostile-triple "ud2 with an empty IDT"
