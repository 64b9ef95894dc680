/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sleep.S - one HLT of 2 s with interrupts off, ended by a wake-only
 * LGUEST_HC_SET_TIMER: the host checks the launcher used little CPU
 * meanwhile.  Says "sleep: halting for 2 s" just before, and afterwards
 * the TSC cycles the HLT took.
 */
	.include "guest.inc"

	GUEST sleep
	call setup_idt
	SAY "halting for 2 s\n"
	RDTSC64 %r12
	mov $2000000000, %ebx
	xor %ecx, %ecx
	HYPERCALL LGUEST_HC_SET_TIMER
	test %rax, %rax
	jz 1f
	SAY "FAIL arming a 2 s timer returned "
	PUTHEX %rax
	PUTS "\n"
	POWEROFF $1
1:	hlt
	RDTSC64 %rax
	sub %r12, %rax
	SAY "slept "
	PUTDEC %rax
	PUTS " tsc cycles\n"
	PASS
