# SPDX-License-Identifier: GPL-2.0
# linux-reboot: "reboot -f" in the guest (the ACPI reset register) makes the
# launcher exit 3, its documented status for a guest that rebooted, soon.
. "$LG_TOP/tests/host/lib.sh"

linux_power_off rb reboot 3 5
[ "$(cat /tmp/rb.err)" = "lguest: guest rebooted" ] ||
	fail "launcher stderr is not just 'lguest: guest rebooted': $(head -c 300 /tmp/rb.err)"
