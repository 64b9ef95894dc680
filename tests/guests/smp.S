/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smp.S - two vCPUs (lguest --cpus 2): the BSP starts the AP the way a PC
 * does, with INIT and a start-up IPI to a real-mode trampoline it copied to
 * 0x8000, which climbs to long mode on the launcher's page tables; then:
 *  - fixed IPIs BSP -> AP, each answered AP -> BSP (ping-pong, 200 rounds),
 *    an all-but-self broadcast, and NMI IPIs, each counted once where it
 *    landed (the APIC ID read in the handler);
 *  - a hostile storm: 20000 ICR writes of pseudo-random values (any
 *    destination, shorthand, reserved bits and delivery mode but INIT and
 *    SIPI; vectors kept to the two we handle), then 300 INIT + SIPI pairs
 *    at the AP, each restarting it through the trampoline;
 *  - after all that, the AP still answers a ping.
 * The host must stay clean and the guest must pass, not just survive.
 */
	.include "guest.inc"

	.set X_ID, 0x802
	.set X_EOI, 0x80b
	.set X_SVR, 0x80f
	.set X_ICR, 0x830
	.set TRAMP, 0x8000
	.set AP_STACKS, 0x70000		/* AP n's stack tops at this - n * 4 KiB */
	.set PING, 0x40			/* BSP -> AP */
	.set PONG, 0x41			/* AP -> BSP */
	.set ICR_INIT, 0x4500		/* INIT, level assert */
	.set ICR_INIT_DEASSERT, 0x8500	/* INIT, level trigger, deassert */
	.set ICR_SIPI, 0x4600 + (TRAMP >> 12)
	.set ICR_NMI, 0x400
	.set ICR_ALLBUT, 0xc0000
	.set WAIT_LOOPS, 200000000	/* a few seconds even on TCG */

	GUEST smp
	call setup_idt
	GATE 2, nmi_handler
	GATE PING, ipi_handler
	GATE PONG, ipi_handler
	WRM X_SVR, $0x1ff
	/* The trampoline, position-dependent, copied to where SIPI points. */
	lea tramp(%rip), %rsi
	mov $TRAMP, %edi
	mov $(tramp_end - tramp), %ecx
	rep movsb
	sti

	call start_ap
	CHECK "APs up", aps_up(%rip), $1

	/* Ping-pong: each ping must be answered before the next. */
	xor %ebx, %ebx
1:	WRM X_ICR, $((1 << 32) | PING)
	lea 1(%rbx), %r12
	lea ipi_count(%rip), %r13
	call wait_count_bsp		/* BSP's pongs == rbx + 1 */
	inc %rbx
	cmp $200, %rbx
	jb 1b
	CHECK "pings the AP took", ipi_count+8(%rip), $200
	CHECK "pongs the BSP took", ipi_count(%rip), $200

	/* All but self: one more ping at the AP, one more pong back. */
	WRM X_ICR, $(ICR_ALLBUT | PING)
	mov $201, %r12
	call wait_count_bsp
	CHECK "broadcast pings the AP took", ipi_count+8(%rip), $201

	/* NMIs at the AP: ten, one at a time. */
	xor %ebx, %ebx
2:	WRM X_ICR, $((1 << 32) | ICR_NMI)
	lea 1(%rbx), %r12
	lea nmi_count+8(%rip), %r13
	call wait_count
	inc %rbx
	cmp $10, %rbx
	jb 2b
	CHECK "NMIs the AP took", nmi_count+8(%rip), $10
	CHECK "NMIs the BSP took", nmi_count(%rip), $0

	/* The storm: every kind of ICR but INIT and SIPI, wherever it goes. */
	cli
	mov $0x9e3779b97f4a7c15, %r14	/* xorshift64 state */
	mov $20000, %r15
3:	mov %r14, %rax
	shl $13, %rax
	xor %rax, %r14
	mov %r14, %rax
	shr $7, %rax
	xor %rax, %r14
	mov %r14, %rax
	shl $17, %rax
	xor %rax, %r14
	mov %r14, %rax
	and $~0xff, %rax
	mov %r14, %rdx
	and $1, %edx
	or $PING, %edx			/* vector PING or PONG */
	or %rdx, %rax
	mov %rax, %rdx
	and $0x700, %edx
	cmp $0x500, %edx		/* INIT or SIPI: reserved mode 3 instead */
	je 4f
	cmp $0x600, %edx
	jne 5f
4:	and $~0x700, %rax
	or $0x300, %rax
5:	mov $X_ICR, %ecx
	call wrmsr_safe
	dec %r15
	jnz 3b
	sti
	SAY "storm of 20000 ICR writes done\n"

	/* INIT + SIPI, 300 times: the AP restarts through the trampoline. */
	mov $300, %r15
6:	call start_ap
	dec %r15
	jnz 6b
	CHECK "AP start-ups counted", aps_up(%rip), $301

	/* Still there: a ping is answered. */
	mov ipi_count(%rip), %r12
	inc %r12
	WRM X_ICR, $((1 << 32) | PING)
	call wait_count_bsp
	SAY "the AP still answers\n"
	VERDICT

/* start_ap: INIT, SIPI to APIC 1; wait until aps_up has gone up by one. */
start_ap:
	mov aps_up(%rip), %r12
	inc %r12
	WRM X_ICR, $((1 << 32) | ICR_INIT)
	WRM X_ICR, $((1 << 32) | ICR_INIT_DEASSERT)
	WRM X_ICR, $((1 << 32) | ICR_SIPI)
	lea aps_up(%rip), %r13
	jmp wait_count

/* wait_count_bsp: wait_count on the BSP's IPI count (ipi_count[0]). */
wait_count_bsp:
	lea ipi_count(%rip), %r13

/* wait_count: wait until the quadword at R13 reaches R12, or FAIL. */
wait_count:
	mov $WAIT_LOOPS, %ecx
1:	cmp %r12, (%r13)
	jae 2f
	pause
	dec %ecx
	jnz 1b
	SAY "waited for "
	PUTHEX %r12
	PUTS " at "
	PUTHEX %r13
	PUTS ", have "
	PUTHEX (%r13)
	PUTS "\n"
	FAIL "an IPI or start-up never arrived"
2:	ret

/* PING on the AP answers with a PONG to the BSP; both are counted per CPU. */
ipi_handler:
	push %rax
	push %rcx
	push %rdx
	mov $X_ID, %ecx
	rdmsr
	lock incq ipi_count(,%rax,8)
	test %eax, %eax
	jz 1f
	mov $X_ICR, %ecx		/* the AP: PONG to APIC 0 */
	mov $PONG, %eax
	xor %edx, %edx
	wrmsr
1:	mov $X_EOI, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %rdx
	pop %rcx
	pop %rax
	iretq

nmi_handler:
	push %rax
	push %rcx
	push %rdx
	mov $X_ID, %ecx
	rdmsr
	lock incq nmi_count(,%rax,8)
	pop %rdx
	pop %rcx
	pop %rax
	iretq

/* The AP in long mode: its own stack, the shared IDT, then idle in HLT. */
ap_main:
	mov $X_ID, %ecx
	rdmsr
	shl $12, %eax
	mov $AP_STACKS, %esp
	sub %eax, %esp
	lidt idtr_copy(%rip)
	WRM X_SVR, $0x1ff
	lock incq aps_up(%rip)
	sti
1:	hlt
	jmp 1b

	.section .rodata
	.balign 8
idtr_copy:
	.word 4095
	.quad SCRATCH_IDT

/*
 * The trampoline, run at TRAMP after a SIPI: real mode (CS = TRAMP >> 4,
 * IP = 0), then protected mode on its own GDT, then long mode on the
 * launcher's page tables, and on to ap_main.  Addresses inside it are
 * TRAMP + offset: it is copied there, not linked there.
 */
	.balign 16
tramp:
	.code16
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl (tramp_gdtr - tramp)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x18, $(TRAMP + tramp32 - tramp)
	.code32
tramp32:
	mov $0x20, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $0x620, %eax			/* PAE, OSFXSR, OSXMMEXCPT */
	mov %eax, %cr4
	mov $LGUEST_RAW_PML4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $0x900, %eax			/* LME, NXE */
	wrmsr
	mov %cr0, %eax
	or $0x80010000, %eax		/* PG, WP */
	and $~0x60000000, %eax		/* caches on (INIT left CD, NW) */
	mov %eax, %cr0
	ljmp $0x08, $(TRAMP + tramp64 - tramp)
	.code64
tramp64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	movabs $ap_main, %rax
	jmp *%rax
	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: data */
	.quad 0x00cf9b000000ffff	/* 0x18: 32-bit code */
	.quad 0x00cf93000000ffff	/* 0x20: data */
tramp_gdtr:
	.word tramp_gdtr - tramp_gdt - 1
	.long TRAMP + tramp_gdt - tramp
tramp_end:

	.data
	.balign 8
aps_up:		.quad 0
ipi_count:	.quad 0, 0	/* by APIC ID */
nmi_count:	.quad 0, 0
