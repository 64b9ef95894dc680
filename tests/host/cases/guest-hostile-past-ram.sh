# SPDX-License-Identifier: GPL-2.0
# guest-hostile-past-ram: a guest maps the guest-physical page past its RAM
# (64M + 4K) and writes there (tests/guests/hostile-past-ram.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

expect_hostile_killed hostile-past-ram "writing to guest-physical 0x4001000"
