# SPDX-License-Identifier: GPL-2.0
# linux-poweroff: "poweroff -f" in the guest (ACPI S5) makes the launcher
# exit 0 within 2 s of the guest's marker line.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "poweroff -f"
run_linux po poweroff
expect_linux_init po
at=$(linux_at po "@@GUEST poweroff now")
[ -n "$at" ] || fail "the guest never got to poweroff"
[ -z "$(linux_text po "@@GUEST poweroff FAIL")" ] || fail "$(linux_text po "@@GUEST poweroff FAIL")"
expect_linux_rc po 0
took=$(lg_secs "$at" "$(linux_at po "@@EXIT ")")
echo "linux-poweroff: the launcher exited ${took} s after the marker"
lg_between "$took" 0 2 || fail "the launcher exited ${took} s after the poweroff marker, want <= 2"
expect_linux_clean po
