#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# reboot.sh - guest test: print the marker, then reset through the ACPI
# reset register; the host wants the launcher to exit 3 (guest rebooted).
name=reboot
echo "@@GUEST $name now, uptime $(cut -d' ' -f1 /proc/uptime)"
reboot -f
echo "@@GUEST $name FAIL reboot -f returned"
