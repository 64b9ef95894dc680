#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# hold.sh - guest test: stay up for 5 s (for tests that need a guest alive
# for a while: several guests at once, reading the module's figures).
name=hold
sleep 5
echo "@@GUEST $name PASS up $(cut -d' ' -f1 /proc/uptime) s"
