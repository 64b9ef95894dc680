/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timer.S - LGUEST_HC_SET_TIMER: a vector outside 32-255 is refused; a
 * 50 ms timer with vector 0x40 wakes "sti; hlt" and runs the handler
 * exactly once; wake-only (vector 0) timers end a HLT with interrupts
 * off, and a 50 ms one takes more than 5 times as long as the shortest of
 * three 5 ms ones (TSC); a disarmed timer (RBX = 0) never fires.
 */
	.include "guest.inc"

	.set VECTOR, 0x40
	.set MS, 1000000			/* ns */

/* ARM ns, vector: LGUEST_HC_SET_TIMER; RAX = result. */
.macro ARM ns, vector
	push %rbx
	push %rcx
	mov $\ns, %ebx
	mov $\vector, %ecx
	HYPERCALL LGUEST_HC_SET_TIMER
	pop %rcx
	pop %rbx
.endm

/* ARM_OK ns, vector, "label": ARM, and give up (VERDICT) unless it took. */
.macro ARM_OK ns, vector, label
	ARM \ns, \vector
	CHECK "\label", %rax, $0
	test %rax, %rax
	jnz verdict
.endm

	GUEST timer
	call setup_idt
	GATE VECTOR, tick

	/* 1. Vector 5 is not a vector a timer may use. */
	ARM 1*MS, 5
	mov %rax, %rbx
	shr $63, %rbx
	SAY "arm with vector 5 returned "
	PUTHEX %rax
	PUTS "\n"
	CHECK "vector 5 refused (negative result)", %rbx, $1
	ARM 0, 0

	/* 2. 50 ms, vector 0x40, taken in "sti; hlt". */
	RDTSC64 %r12
	ARM_OK 50*MS, VECTOR, "arm 50ms vector 0x40"
	xor %r13d, %r13d			/* wakeups */
1:	sti
	hlt
	cli
	inc %r13
	cmpq $0, ticks(%rip)
	jne 2f
	cmp $1000, %r13
	jb 1b
2:	RDTSC64 %rax
	sub %r12, %rax
	mov %rax, t_irq50(%rip)
	CHECK "ticks after the 50ms interrupt", ticks(%rip), $1
	SAY "hlt wakeups until it came: "
	PUTDEC %r13
	PUTS "\n"

	/*
	 * 3. Wake-only timers with interrupts off: 5 ms (the shortest of
	 * three, as a busy host only ever makes a sleep longer) and 50 ms.
	 */
	movq $-1, t_5(%rip)
	mov $3, %r13d
7:	RDTSC64 %r12
	ARM_OK 5*MS, 0, "arm 5ms wake-only"
	hlt
	RDTSC64 %rax
	sub %r12, %rax
	cmp t_5(%rip), %rax
	jae 8f
	mov %rax, t_5(%rip)
8:	dec %r13d
	jnz 7b
	RDTSC64 %r12
	ARM_OK 50*MS, 0, "arm 50ms wake-only"
	hlt
	RDTSC64 %rax
	sub %r12, %rax
	mov %rax, t_50(%rip)
	SAY "tsc cycles: 5ms hlt (best of 3) "
	PUTDEC t_5(%rip)
	PUTS ", 50ms hlt "
	PUTDEC t_50(%rip)
	PUTS ", 50ms interrupt "
	PUTDEC t_irq50(%rip)
	PUTS "\n"
	mov t_5(%rip), %rdx
	lea (%rdx,%rdx,4), %rdx			/* 5 * t_5 */
	xor %eax, %eax
	cmp %rdx, t_50(%rip)
	seta %al
	CHECK "50ms hlt longer than 5 x 5ms hlt", %rax, $1
	xor %eax, %eax
	cmp %rdx, t_irq50(%rip)
	seta %al
	CHECK "50ms interrupt longer than 5 x 5ms hlt", %rax, $1
	CHECK "ticks after wake-only timers", ticks(%rip), $1

	/* 4. Disarm: a 10 ms vector timer cancelled, then a 30 ms wake. */
	ARM 10*MS, VECTOR
	CHECK "arm 10ms vector 0x40", %rax, $0
	ARM 0, 0
	CHECK "disarm", %rax, $0
	ARM_OK 30*MS, 0, "arm 30ms wake-only"
	sti
	hlt
	cli
	CHECK "ticks after a disarmed timer", ticks(%rip), $1
	VERDICT

/* The vector 0x40 handler: count.  (No EOI: the timer is no APIC.) */
tick:
	incq ticks(%rip)
	iretq

	.bss
	.balign 8
ticks:		.quad 0
t_5:		.quad 0
t_50:		.quad 0
t_irq50:	.quad 0
