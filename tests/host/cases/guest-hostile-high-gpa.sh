# SPDX-License-Identifier: GPL-2.0
# guest-hostile-high-gpa: a guest maps guest-physical 2^52 - 2 MiB and writes
# there (tests/guests/hostile-high-gpa.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

expect_hostile_killed hostile-high-gpa "writing to guest-physical 0xfffffffe01000"
