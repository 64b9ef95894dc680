/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-noncanon.S - jumps to the non-canonical 0x0000800000000000 with
 * an empty IDT: #GP, #DF, triple fault.  Must be killed.
 */
	.include "guest.inc"

	GUEST hostile-noncanon
	SAY "jumping to 0x0000800000000000\n"
	movabs $0x0000800000000000, %rax
	jmp *%rax
