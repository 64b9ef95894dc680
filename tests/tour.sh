#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tour.sh - the tour stays true: Documentation/lguest.rst matches the
# waypoint comments, no number is used twice, and the extractor really does
# refuse a duplicate (checked on a scratch tree); every Documentation/*.rst,
# the tour with its code blocks among them, is valid reStructuredText.
top=$(cd "$(dirname "$0")/.." && pwd)
perl "$top/scripts/tour.pl" --check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '/%sT:001 first :%s/\n' '*' '*' '*' '*' > "$tmp/dup.c"
if perl "$top/scripts/tour.pl" --root "$tmp" > /dev/null 2>&1; then
	echo "FAIL tour/rejects-duplicates: a duplicate waypoint was accepted"
else
	echo "PASS tour/rejects-duplicates"
fi
# The tour and the other documents are valid reStructuredText.
/usr/bin/python3 "$top/tests/rstcheck.py" "$top"/Documentation/*.rst ||
	true	# each file already printed its own PASS or FAIL line
