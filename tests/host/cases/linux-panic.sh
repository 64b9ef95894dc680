# SPDX-License-Identifier: GPL-2.0
# linux-panic: a guest kernel panic (echo c > /proc/sysrq-trigger) reaches
# the launcher through the pvpanic device: exit status 4, with the panic
# on the console.  (panic=-1 would reboot the guest: that exits 3, a fail.)
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "echo c > /proc/sysrq-trigger"
run_linux pa panic
expect_linux_init pa
[ -z "$(linux_text pa "@@GUEST panic FAIL")" ] || fail "$(linux_text pa "@@GUEST panic FAIL")"
at=$(linux_at pa "@@GUEST panic now")
[ -n "$at" ] || fail "the guest never got to its panic"
expect_linux_rc pa 4
grep -q 'Kernel panic' /tmp/pa.out || fail "no 'Kernel panic' on the console"
echo "linux-panic: the launcher exited 4 $(lg_secs "$at" "$(linux_at pa "@@EXIT ")") s after the marker"
