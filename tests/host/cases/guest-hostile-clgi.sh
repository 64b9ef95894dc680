# SPDX-License-Identifier: GPL-2.0
# guest-hostile-clgi: a guest executes the SVM instruction CLGI
# (tests/guests/hostile-clgi.S).
# The launcher must exit 1 with one line "lguest: guest killed: <why>",
# the host must stay clean, and the module must still run a guest and
# unload afterwards.
. "$LG_TOP/tests/host/lib.sh"

expect_hostile_killed hostile-clgi "executing clgi"
