# SPDX-License-Identifier: GPL-2.0
# linux-poweroff: "poweroff -f" in the guest (ACPI S5) makes the launcher
# exit 0 within 2 s of the guest's marker line.
. "$LG_TOP/tests/host/lib.sh"

linux_power_off po poweroff 0 2
expect_linux_clean po
