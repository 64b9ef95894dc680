/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-past-ram.S - maps the 2 MiB of guest-physical space just past RAM
 * (RDI) into its own page tables and writes there.  Must be killed: there
 * is nothing past RAM.  No IDT: a fault on the way is a triple fault.
 */
	.include "guest.inc"

	GUEST hostile-past-ram
	mov %rdi, %r15
	WRITE_2M_PLUS_4K
	mov 0x1000(%rax), %rbx
	SAY "FAIL survived a write past RAM (read back "
	PUTHEX %rbx
	PUTS ")\n"
	POWEROFF $1
