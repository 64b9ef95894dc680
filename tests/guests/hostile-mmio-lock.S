/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-mmio-lock.S - a LOCK-prefixed OR (f0 83 0b 01) on the IOAPIC's
 * IOREGSEL at guest-physical 0xfec00000, mapped with map_2m.  The MMIO
 * decoder takes only plain MOVs: the guest must be killed with a reason
 * that names the bytes at the RIP it printed and the address.
 */
	.include "guest.inc"

	GUEST hostile-mmio-lock
	mov $0xfec00000, %r15d
	mov %r15, %rax
	call map_2m
	mov %rax, %rbx
	lea 1f(%rip), %rcx
	SAY "lock or on guest-physical 0xfec00000 at rip "
	PUTHEX %rcx
	PUTS "\n"
1:	lock orl $1, (%rbx)
	FAIL "survived a LOCK OR on the IOAPIC"
