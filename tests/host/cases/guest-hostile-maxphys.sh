# SPDX-License-Identifier: GPL-2.0
# guest-hostile-maxphys: a guest maps the top 2 MiB its MAXPHYADDR allows and
# writes there (tests/guests/hostile-maxphys.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

expect_hostile_killed hostile-maxphys "writing to guest-physical 0x"
