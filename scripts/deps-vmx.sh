#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# deps-vmx.sh - install, idempotently, what make check-vmx needs beyond
# make check's own (scripts/deps.sh): Debian's Bochs (it emulates VMX with
# EPT, which QEMU's TCG does not), its BIOS images and the tools that make
# its FAT16 boot disk (scripts/bochs-host.sh).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "lguest: deps-vmx: $*" >&2; exit 1; }

. "$top/scripts/pkgs.sh"
ensure_pkgs deps-vmx bochs bochsbios vgabios bochs-term syslinux \
	syslinux-common extlinux mtools dosfstools
