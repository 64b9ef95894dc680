#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkimage.sh - make the ext4 test image with mke2fs -d from a directory of
# known files (deterministic content) plus their SHA256SUMS, which guest
# tests verify.  Usage: mkimage.sh OUTPUT.ext4 [SIZE, default 64M]
set -eu
out=$1 size=${2:-64M}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

d=$tmp/root
mkdir -p "$d/dir/sub"
echo "hello from an lguest disk" > "$d/hello.txt"
: > "$d/empty"
seq 1 200000 > "$d/dir/numbers.txt"
# 4 MiB of reproducible binary: a counter through sha256, chained.
i=0
while [ $i -lt 1024 ]; do
	printf 'lguest-block-%d' $i | sha256sum | cut -c1-64
	i=$((i + 1))
done > "$d/dir/sub/hashes.txt"
head -c 4194304 /dev/zero | tr '\0' 'L' > "$d/dir/sub/fill.bin"
ln -s ../hello.txt "$d/dir/link-to-hello"
(cd "$d" && find . -type f ! -name SHA256SUMS | LC_ALL=C sort |
	xargs sha256sum > SHA256SUMS)
rm -f "$out.tmp"
mke2fs -q -t ext4 -F -L lgtest -E root_owner=0:0 -d "$d" "$out.tmp" "$size" >/dev/null
mv "$out.tmp" "$out"
