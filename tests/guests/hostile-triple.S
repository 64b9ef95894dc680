/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-triple.S - loads an IDT with limit 0 and executes UD2: #UD, #DF,
 * triple fault.  Must be killed.
 */
	.include "guest.inc"

	GUEST hostile-triple
	SAY "ud2 with an empty IDT\n"
	lidt empty_idtr(%rip)
	ud2
	FAIL "survived ud2 with an empty IDT"

	.section .rodata
empty_idtr:
	.word 0
	.quad 0
