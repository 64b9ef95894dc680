# SPDX-License-Identifier: GPL-2.0
# lgtest: expect-dirty-klog
# negative-control: loads a test module that fires WARN().  The harness
# passes this case only if its kernel-log check catches the warning, which
# proves that check can fail.
. "$LG_TOP/tests/host/lib.sh"

insmod "$LG_WARN_KO" || fail "insmod lg_warn.ko failed"
rmmod lg_warn || fail "rmmod lg_warn failed"
