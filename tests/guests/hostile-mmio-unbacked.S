/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-mmio-unbacked.S - a 32-bit load from guest-physical 0xe0000000:
 * above RAM, below and outside the virtio-mmio windows and the IOAPIC, so
 * no device backs it.  The guest must be killed with "read of unbacked
 * guest-physical address 0xe0000000 at rip <the RIP it printed>".
 */
	.include "guest.inc"

	GUEST hostile-mmio-unbacked
	mov $0xe0000000, %eax
	call map_2m
	mov %rax, %rsi
	lea 1f(%rip), %rbx
	SAY "reading guest-physical 0xe0000000 at rip "
	PUTHEX %rbx
	PUTS "\n"
1:	movl (%rsi), %eax
	SAY "FAIL survived a read of unbacked guest-physical 0xe0000000 (read "
	PUTHEX %rax
	PUTS ")\n"
	POWEROFF $1
