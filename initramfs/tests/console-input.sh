#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# console-input.sh - guest test: the serial console's receive side.  Says it
# is ready, reads one line from the console (the launcher's stdin) within
# 60 s and prints it back as "@@GUEST got: <line>" for the host to compare.
name=console-input
stty -echo 2>/dev/null
echo "@@GUEST $name ready"
if read -r -t 60 line; then
	echo "@@GUEST got: $line"
	echo "@@GUEST $name PASS read a line of ${#line} characters"
else
	echo "@@GUEST $name FAIL no line on the console within 60 s"
fi
