# SPDX-License-Identifier: GPL-2.0
# guest-hostile-vmrun: a guest executes the SVM instruction VMRUN
# (tests/guests/hostile-vmrun.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

expect_hostile_killed hostile-vmrun "executing vmrun"
