/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apic-hrtimer.S - the host hrtimer behind the APIC timer, with the test
 * host case guest-apic-hrtimer (its hook in tests/host/guest-hooks.sh),
 * which starts the launcher on CPU 0:
 *  - the floor: periodic TMICT 1 at divide-by-1 (a 1 ns period), masked;
 *    the guest says "floor armed" and sleeps 3 s at IF=0 while the case
 *    reads the period and the count of fires from debugfs (200 us, and no
 *    more than 5000 fires a second);
 *  - the kick: periodic at 1 ms; the guest says "armed" and sleeps 500 ms
 *    at IF=0, in which time the case moves the launcher to CPU 1 (the
 *    hrtimer stays on CPU 0).  Then, with a 500 ms LGUEST_HC_SET_TIMER
 *    timer armed on its new CPU as the clock, it spins at IF=1 in a loop
 *    that never exits: each tick fires on CPU 0 and reaches the guest only
 *    if the vCPU is kicked; otherwise it waits for the host's next
 *    scheduler tick on CPU 1 (4 ms at HZ=250), at most 125 in 500 ms.  At
 *    least 250 ticks must come.
 */
	.include "guest.inc"

	.set MS, 1000000			/* ns */
	.set X_EOI, 0x80b
	.set X_SVR, 0x80f
	.set X_LVTT, 0x832
	.set X_TMICT, 0x838
	.set X_TDCR, 0x83e
	.set LVT_PERIODIC, 0x20000
	.set LVT_MASKED, 0x10000

/* SLEEP_IF0 ms: HLT at IF=0 until a wake-only timer ends it. */
.macro SLEEP_IF0 ms
	mov $(\ms * MS), %ebx
	xor %ecx, %ecx
	HYPERCALL LGUEST_HC_SET_TIMER
	hlt
.endm

	GUEST apic-hrtimer
	call setup_idt
	GATE 0x61, tick
	GATE 0x40, clock

	WRM X_SVR, $0x1ff
	WRM X_TDCR, $0xb			/* divide by 1: 1 ns a count */
	WRM X_LVTT, $(LVT_MASKED | LVT_PERIODIC | 0x61)
	WRM X_TMICT, $1
	SAY "floor armed\n"
	SLEEP_IF0 3000
	WRM X_TMICT, $0

	WRM X_LVTT, $(LVT_PERIODIC | 0x61)
	WRM X_TMICT, $(1 * MS)
	SAY "armed\n"
	SLEEP_IF0 500			/* time to be moved */

	movq $0, ticks(%rip)
	mov $(500 * MS), %ebx
	mov $0x40, %ecx
	HYPERCALL LGUEST_HC_SET_TIMER
	CHECK "arm the 500 ms clock", %rax, $0
	sti
1:	cmpq $0, done(%rip)
	je 1b
	cli
	mov ticks(%rip), %r13
	WRM X_TMICT, $0
	SAY "1 ms periodic ticks in 500 ms of spinning: "
	PUTDEC %r13
	PUTS "\n"
	xor %eax, %eax
	cmp $250, %r13
	setae %al
	CHECK "at least 250 ticks (kicked, not left to the host tick)", %rax, $1
	VERDICT

tick:
	push %rax
	push %rcx
	push %rdx
	incq ticks(%rip)
	WRM X_EOI, $0
	pop %rdx
	pop %rcx
	pop %rax
	iretq

clock:
	push %rax
	push %rcx
	push %rdx
	movq $1, done(%rip)
	WRM X_EOI, $0
	pop %rdx
	pop %rcx
	pop %rax
	iretq

	.bss
	.balign 8
ticks:		.quad 0
done:		.quad 0
