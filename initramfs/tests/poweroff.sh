#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# poweroff.sh - guest test: print the marker, then power off through ACPI
# (S5); the host wants the launcher to exit 0 within 2 s of the marker.
name=poweroff
echo "@@GUEST $name now, uptime $(cut -d' ' -f1 /proc/uptime)"
poweroff -f
echo "@@GUEST $name FAIL poweroff -f returned"
