/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-hc-user.S - hypercalls are the guest kernel's: from CPL 3 they
 * fail with -EPERM in RAX and do nothing.  The guest's user mode asks for
 * a poweroff (status 0x77) and arms the hypercall timer; both must come
 * back -EPERM, the guest must keep running, and no timer may fire.
 */
	.include "guest.inc"

	.set EPERM, 1

	GUEST hostile-hc-user
	call setup_idt
	call ring3_setup
	lea user_code(%rip), %rdi
	call call_ring3
	CHECK "cs at user level", %r14, $USER_CS
	CHECK "poweroff from CPL 3 returns", %r12, $-EPERM
	CHECK "set_timer from CPL 3 returns", %r13, $-EPERM
	CHECK "nop from CPL 3 returns", %r15, $-EPERM
	/* Still here: the poweroff did nothing.  And the timer? */
	mov $0x30, %edi			/* a fired timer would land here */
	lea timer_fired(%rip), %rsi
	call set_gate
	sti
	mov $2000000, %ecx		/* far longer than the 1 us asked for */
1:	pause
	dec %ecx
	jnz 1b
	cli
	CHECK "timer interrupts", fired(%rip), $0
	VERDICT

user_code:
	mov %cs, %r14
	mov $LGUEST_HC_POWEROFF, %eax
	mov $0x77, %ebx
	vmmcall
	mov %rax, %r12
	mov $LGUEST_HC_SET_TIMER, %eax
	mov $1000, %ebx			/* 1 us */
	mov $0x30, %ecx
	vmmcall
	mov %rax, %r13
	mov $LGUEST_HC_NOP, %eax
	vmmcall
	mov %rax, %r15
	RING0

timer_fired:
	incq fired(%rip)
	iretq

	.bss
	.balign 8
fired:	.quad 0
