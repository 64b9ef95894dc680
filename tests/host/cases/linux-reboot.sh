# SPDX-License-Identifier: GPL-2.0
# linux-reboot: "reboot -f" in the guest (the ACPI reset register) makes the
# launcher exit 3, its documented status for a guest that rebooted, soon.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "reboot -f"
run_linux rb reboot
expect_linux_init rb
at=$(linux_at rb "@@GUEST reboot now")
[ -n "$at" ] || fail "the guest never got to reboot"
[ -z "$(linux_text rb "@@GUEST reboot FAIL")" ] || fail "$(linux_text rb "@@GUEST reboot FAIL")"
[ "$(grep -c '@@GUEST init reached' /tmp/rb.out)" = 1 ] ||
	fail "the guest booted again instead of the launcher exiting"
expect_linux_rc rb 3
took=$(lg_secs "$at" "$(linux_at rb "@@EXIT ")")
echo "linux-reboot: the launcher exited 3 ${took} s after the marker"
lg_between "$took" 0 5 || fail "the launcher exited ${took} s after the reboot marker, want <= 5"
[ "$(cat /tmp/rb.err)" = "lguest: guest rebooted" ] ||
	fail "launcher stderr is not just 'lguest: guest rebooted': $(head -c 300 /tmp/rb.err)"
