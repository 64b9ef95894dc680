#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# panic.sh - guest test: print the marker, then crash the kernel through
# sysrq; the panic notifier of pvpanic_mmio (ACPI QEMU0001, port 0x505) tells
# the launcher, which must exit 4 with "Kernel panic" on the console.
name=panic
# The driver's directory, there whether it is a module or built in (a
# built-in driver without parameters has no /sys/module entry).
if [ ! -d /sys/bus/platform/drivers/pvpanic-mmio ]; then
	echo "@@GUEST $name FAIL pvpanic_mmio is neither loaded nor built in"
	exit 1
fi
# Bound devices show up as links named like "QEMU0001:00".
n=$(ls /sys/bus/platform/drivers/pvpanic-mmio 2>/dev/null | grep -c :)
if [ "$n" = 0 ]; then
	echo "@@GUEST $name FAIL pvpanic_mmio found no device (ACPI QEMU0001)"
	exit 1
fi
echo "@@GUEST $name now, $n pvpanic device(s)"
echo c > /proc/sysrq-trigger
echo "@@GUEST $name FAIL the sysrq crash returned"
