/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apic.S - the x2APIC, the IOAPIC and kvmclock's MSR checks, as Linux and
 * other kernels use them:
 *  - APIC_BASE 0xfee00d00 (BSP|EN|EXTD), ID 0, version 0x50014, LDR 1,
 *    SVR 0xff and every LVT masked at reset (a write forced masked while
 *    software-disabled), then SVR 0x1ff;
 *  - #GP, counted by our own handler that steps over the 2-byte
 *    RDMSR/WRMSR, for: a non-zero EOI, writes to ID and the read-only
 *    version, reads of write-only EOI and SELF_IPI, reserved registers
 *    (read and write), a reserved upper half (TPR), a reserved LVT timer
 *    mode, APIC_BASE moves the SDM forbids (x2APIC to xAPIC, disabled to
 *    x2APIC, EXTD without EN, a new base), any x2APIC MSR while
 *    APIC_BASE has it disabled or in xAPIC mode, kvmclock MSRs pointing past RAM
 *    or across a page (the guest is not killed); then kvmclock in RAM:
 *    system time published (even version, mul >= 2^31), wall clock v2;
 *  - self-IPIs (SELF_IPI and ICR with the self shorthand): delivered once
 *    at IF=1, in ISR (MSR 0x812, word 2) inside the handler, gone after EOI;
 *    TPR 0x60 holds 0x50 in IRR (PPR 0x60) until TPR drops; 0x70 nests in
 *    0x50's handler, 0x40 waits for its EOI;
 *  - the timer (1 GHz bus, timed with kvmclock's TSC scale): TMCCT of an
 *    8.6 s period (beyond 2^32 ns) counts down from TMICT; one-shot
 *    20 ms fires once, not before 19.8 ms, TMCCT counts down and reads 0
 *    after; periodic 5 ms gives 5-20 ticks in 50 ms, none once masked;
 *    TSC-deadline 10 ms fires once, not early, and MSR 0x6e0 then reads 0;
 *    a past deadline fires at once; 0 disarms; TMICT is ignored there;
 *  - the xAPIC's page at 0xfee00000 (map_2m): all ones unless in xAPIC
 *    mode; there, 32-bit registers read whole or in part, other widths
 *    read 0 and are dropped as stores;
 *  - the IOAPIC at 0xfec00000 (mapped with map_2m): version 0x170011,
 *    pin 4's reset entry masked, vector/mask/trigger writable, delivery
 *    status and remote IRR not; then pin 4 end to end with the UART's
 *    THRE interrupt: edge delivers once, level sets remote IRR and TMR,
 *    is delivered again after an EOI with the line still high, and not
 *    after the EOI once the line is low.
 */
	.include "guest.inc"

	.set MS, 1000000			/* ns */

	/* x2APIC MSRs. */
	.set APIC_BASE, 0x1b
	.set X_ID, 0x802
	.set X_VER, 0x803
	.set X_804, 0x804			/* reserved */
	.set X_TPR, 0x808
	.set X_PPR, 0x80a
	.set X_EOI, 0x80b
	.set X_LDR, 0x80d
	.set X_SVR, 0x80f
	.set X_ISR, 0x810			/* + word */
	.set X_TMR, 0x818
	.set X_IRR, 0x820
	.set X_ICR, 0x830
	.set X_LVTT, 0x832
	.set X_TMICT, 0x838
	.set X_TMCCT, 0x839
	.set X_TDCR, 0x83e
	.set X_SELF_IPI, 0x83f
	.set TSC_DEADLINE, 0x6e0
	.set KVM_WALL_CLOCK, 0x4b564d00
	.set KVM_SYSTEM_TIME, 0x4b564d01

	.set LVT_MASKED, 0x10000
	.set LVT_PERIODIC, 0x20000
	.set LVT_TSCDEADLINE, 0x40000

	/* The IOAPIC: registers through IOREGSEL/IOWIN, at %r15. */
	.set IOAPIC_GPA, 0xfec00000
	.set LAPIC_GPA, 0xfee00000	/* the xAPIC's page */
	.set RTE4, 0x18				/* pin 4, low dword; +1 high */

	/* The UART, whose interrupt is IOAPIC pin 4. */
	.set UART_IER, LGUEST_SERIAL_PORT + 1
	.set UART_IIR, LGUEST_SERIAL_PORT + 2
	.set UART_MCR, LGUEST_SERIAL_PORT + 4

/* WANT_GP "label", n: exactly n #GPs since the last WANT_GP/GP_RESET. */
.macro GP_RESET
	movq $0, gp_count(%rip)
.endm
.macro WANT_GP label, n
	CHECK "\label", gp_count(%rip), $\n
	GP_RESET
.endm

/* RDM_BIT msr, bit: RAX = bit of the MSR (0 or 1).  Clobbers RCX, RDX. */
.macro RDM_BIT msr, bit
	RDM \msr
	shr $\bit, %rax
	and $1, %eax
.endm

/* IOW reg, val: write an IOAPIC register.  IOR reg: read it into RAX. */
.macro IOW reg, val
	movl $\reg, (%r15)
	movl $\val, 0x10(%r15)
.endm
.macro IOR reg
	movl $\reg, (%r15)
	movl 0x10(%r15), %eax
.endm

/* OUTB port, val: one byte out.  Clobbers RAX, RDX. */
.macro OUTB port, val
	mov $\port, %edx
	mov $\val, %eax
	out %al, %dx
.endm

/* WINDOW: open an interrupt window (a few instructions at IF=1). */
.macro WINDOW
	sti
	nop
	nop
	nop
	cli
.endm

/* WAIT_FOR counter, n, ms: wait_for (counter >= n, at most ms). */
.macro WAIT_FOR counter, n, ms
	push %rdi
	push %rsi
	push %rdx
	lea \counter(%rip), %rsi
	mov $\n, %edx
	mov $(\ms * MS), %edi
	call wait_for
	pop %rdx
	pop %rsi
	pop %rdi
.endm

/* SLEEP ms: sleep_ns. */
.macro SLEEP ms
	push %rdi
	mov $(\ms * MS), %edi
	call sleep_ns
	pop %rdi
.endm

	GUEST apic
	mov %rdi, ram_size(%rip)
	call setup_idt
	GATE 13, gp_handler
	GATE 0x40, irq40
	GATE 0x45, irq45
	GATE 0x46, irq46
	GATE 0x50, irq50
	GATE 0x60, irq60
	GATE 0x61, irq61
	GATE 0x62, irq62
	GATE 0x70, irq70

	/* 1. Identity and reset state. */
	RDM APIC_BASE
	CHECK "APIC_BASE (BSP|EN|EXTD)", %rax, $0xfee00d00
	RDM X_ID
	CHECK "x2APIC ID", %rax, $0
	RDM X_VER
	CHECK "version", %rax, $0x50014
	RDM X_LDR
	CHECK "LDR", %rax, $1
	RDM X_SVR
	CHECK "SVR at reset", %rax, $0xff
	RDM X_LVTT
	CHECK "LVT timer at reset", %rax, $LVT_MASKED
	RDM X_TPR
	CHECK "TPR at reset", %rax, $0
	WRM X_LVTT, $0x60
	RDM X_LVTT
	CHECK "LVT timer written while disabled stays masked", %rax, $(LVT_MASKED | 0x60)

	/* 2. What raises #GP.  Our handler counts and steps over. */
	GP_RESET
	WRM X_EOI, $1
	WANT_GP "#GP: EOI written with 1", 1
	WRM X_ID, $0
	WANT_GP "#GP: ID written (read-only)", 1
	WRM X_VER, $0x50014
	WANT_GP "#GP: version written (read-only)", 1
	RDM X_EOI
	WANT_GP "#GP: EOI read (write-only)", 1
	RDM X_SELF_IPI
	WANT_GP "#GP: SELF_IPI read (write-only)", 1
	RDM X_804
	WANT_GP "#GP: reserved 0x804 read", 1
	WRM X_804, $0
	WANT_GP "#GP: reserved 0x804 written", 1
	RDM 0x8ff
	WANT_GP "#GP: reserved 0x8ff read", 1
	movabs $0x100000000, %rbx
	WRM X_TPR, %rbx
	WANT_GP "#GP: TPR with upper half set", 1
	WRM X_LVTT, $(LVT_MASKED | 0x60060)
	WANT_GP "#GP: LVT timer mode 3 (reserved)", 1
	WRM APIC_BASE, $0xfee00900
	WANT_GP "#GP: APIC_BASE from x2APIC to xAPIC mode", 1
	RDM APIC_BASE
	CHECK "APIC_BASE after the refused write", %rax, $0xfee00d00
	WRM APIC_BASE, $0xfee00500
	WANT_GP "#GP: APIC_BASE EXTD without EN", 1
	WRM APIC_BASE, $0xfee01d00
	WANT_GP "#GP: APIC_BASE moved (relocation is not offered)", 1
	/* A good write of the same value is no #GP. */
	WRM APIC_BASE, $0xfee00d00
	WRM X_EOI, $0
	WANT_GP "#GP: APIC_BASE rewritten as it is, EOI 0 (none)", 0
	/* Globally disabled, the x2APIC's MSRs are gone; enabled, back. */
	WRM APIC_BASE, $0xfee00100
	RDM APIC_BASE
	CHECK "APIC_BASE disabled", %rax, $0xfee00100
	RDM X_ID
	WANT_GP "#GP: ID read with the APIC disabled", 1
	/* Disabled to x2APIC is invalid: through xAPIC mode (SDM 11.12.5). */
	WRM APIC_BASE, $0xfee00d00
	WANT_GP "#GP: APIC_BASE from disabled to x2APIC mode", 1
	WRM APIC_BASE, $0xfee00900
	RDM X_ID
	WANT_GP "#GP: x2APIC ID read in xAPIC mode", 1
	WRM APIC_BASE, $0xfee00d00
	RDM X_ID
	WANT_GP "#GP: ID read re-enabled (none)", 0
	RDM APIC_BASE
	CHECK "APIC_BASE re-enabled", %rax, $0xfee00d00

	/* kvmclock pointed past RAM, at its end, across a page: #GP, no kill. */
	mov ram_size(%rip), %rbx
	or $1, %rbx
	WRM KVM_SYSTEM_TIME, %rbx
	WANT_GP "#GP: kvmclock system time at the end of RAM", 1
	mov ram_size(%rip), %rbx
	sub $16, %rbx
	or $1, %rbx
	WRM KVM_SYSTEM_TIME, %rbx
	WANT_GP "#GP: kvmclock system time straddling the end of RAM", 1
	mov $0xe0000001, %ebx
	WRM KVM_SYSTEM_TIME, %rbx
	WANT_GP "#GP: kvmclock system time at 0xe0000000", 1
	lea pvti_page+0xff0(%rip), %rbx
	or $1, %rbx
	WRM KVM_SYSTEM_TIME, %rbx
	WANT_GP "#GP: kvmclock system time across a page", 1
	mov ram_size(%rip), %rbx
	WRM KVM_WALL_CLOCK, %rbx
	WANT_GP "#GP: kvmclock wall clock at the end of RAM", 1
	RDM KVM_SYSTEM_TIME
	CHECK "kvmclock system time after the refusals", %rax, $0
	CHECK "#GP error code", gp_err(%rip), $0

	/* 3. kvmclock for real: its scale times everything below. */
	lea pvti_page(%rip), %rbx
	or $1, %rbx
	WRM KVM_SYSTEM_TIME, %rbx
	WANT_GP "#GP: kvmclock system time in RAM (none)", 0
	RDM KVM_SYSTEM_TIME
	CHECK "kvmclock system time reads back", %rax, %rbx
	mov pvti_page(%rip), %eax
	and $1, %eax
	CHECK "kvmclock version even", %rax, $0
	xor %eax, %eax
	cmpl $0, pvti_page(%rip)
	setne %al
	CHECK "kvmclock published", %rax, $1
	mov pvti_page+24(%rip), %eax
	shr $31, %eax
	CHECK "kvmclock tsc_to_system_mul >= 2^31", %rax, $1
	mov $MS, %eax
	call ns2tsc
	mov %rax, tsc_per_ms(%rip)
	SAY "TSC cycles per ms (kvmclock): "
	PUTDEC %rax
	PUTS "\n"
	xor %eax, %eax
	cmpq $1000, tsc_per_ms(%rip)
	seta %al
	CHECK "TSC faster than 1 MHz", %rax, $1
	/* The wall clock: version 2, and seconds since 1970 past 2020. */
	lea pvti_page+64(%rip), %rbx
	WRM KVM_WALL_CLOCK, %rbx
	WANT_GP "#GP: kvmclock wall clock in RAM (none)", 0
	mov pvti_page+64(%rip), %eax
	CHECK "kvmclock wall clock version", %rax, $2
	xor %eax, %eax
	cmpl $1577836800, pvti_page+68(%rip)
	seta %al
	CHECK "kvmclock wall clock after 2020", %rax, $1

	/* 4. Enable. */
	WRM X_SVR, $0x1ff
	RDM X_SVR
	CHECK "SVR enabled", %rax, $0x1ff

	/* 5. Self-IPI 0x50: pending at IF=0, taken once at IF=1. */
	WRM X_SELF_IPI, $0x50
	RDM_BIT X_IRR + 2, 16
	CHECK "IRR has 0x50 at IF=0", %rax, $1
	CHECK "0x50 not taken at IF=0", cnt50(%rip), $0
	WINDOW
	CHECK "0x50 taken once", cnt50(%rip), $1
	CHECK "ISR word 2 (0x812) in 0x50's handler", isr50_in(%rip), $0x10000
	CHECK "PPR in 0x50's handler", ppr50_in(%rip), $0x50
	CHECK "ISR word 2 after EOI", isr50_out(%rip), $0
	RDM X_IRR + 2
	CHECK "IRR word 2 after", %rax, $0
	/* The same through the ICR, destination shorthand "self". */
	WRM X_ICR, $0x40050
	RDM X_ICR
	CHECK "ICR reads back (self, fixed, 0x50)", %rax, $0x40050
	WINDOW
	CHECK "ICR self-IPI 0x50 taken", cnt50(%rip), $2

	/* 6. TPR 0x60 blocks 0x50 (class 5 <= 6); lowering it lets it in. */
	WRM X_TPR, $0x60
	WRM X_SELF_IPI, $0x50
	WINDOW
	CHECK "0x50 held back by TPR 0x60", cnt50(%rip), $2
	RDM_BIT X_IRR + 2, 16
	CHECK "IRR has 0x50 under TPR 0x60", %rax, $1
	RDM X_PPR
	CHECK "PPR with TPR 0x60", %rax, $0x60
	RDM X_TPR
	CHECK "TPR reads back", %rax, $0x60
	WRM X_TPR, $0
	RDM X_PPR
	CHECK "PPR with TPR 0", %rax, $0
	WINDOW
	CHECK "0x50 taken after TPR 0", cnt50(%rip), $3
	RDM_BIT X_IRR + 2, 16
	CHECK "IRR clear after", %rax, $0

	/* 7. Nesting: 0x70 interrupts 0x50's handler; 0x40 waits for EOI. */
	movq $1, mode50(%rip)
	WRM X_SELF_IPI, $0x50
	WINDOW
	CHECK "0x50 taken (nesting 0x70)", cnt50(%rip), $4
	CHECK "0x70 taken inside 0x50's handler", nested_in50(%rip), $1
	CHECK "ISR word 2 in 0x70's handler (0x50 still in service)", isr2_in70(%rip), $0x10000
	CHECK "ISR word 3 in 0x70's handler", isr3_in70(%rip), $0x10000
	CHECK "0x70 taken once", cnt70(%rip), $1
	movq $2, mode50(%rip)
	WRM X_SELF_IPI, $0x50
	WINDOW
	CHECK "0x50 taken (then 0x40)", cnt50(%rip), $5
	CHECK "0x40 not taken inside 0x50's handler", nested_in50(%rip), $0
	CHECK "0x40 taken after 0x50's EOI", cnt40(%rip), $1
	movq $0, mode50(%rip)
	RDM X_ISR + 2
	CHECK "ISR word 2 at the end", %rax, $0
	RDM X_ISR + 3
	CHECK "ISR word 3 at the end", %rax, $0

	/*
	 * 8. A period longer than 2^32 ns (TMICT 2^31, divide by 4: 8.6 s)
	 * counts down from TMICT too.  Masked: it never fires.
	 */
	WRM X_LVTT, $(LVT_MASKED | 0x60)
	WRM X_TDCR, $1
	WRM X_TMICT, $0x80000000
	RDM X_TMCCT
	mov %rax, %r13
	WRM X_TMICT, $0
	SAY "TMCCT of an 8.6 s period right after arming: "
	PUTHEX %r13
	PUTS "\n"
	xor %eax, %eax
	cmp $0x7f000000, %r13
	jbe 1f
	mov $0x80000000, %edx
	cmp %rdx, %r13
	ja 1f
	inc %eax
1:	CHECK "TMCCT of an 8.6 s period in (0x7f000000, 0x80000000]", %rax, $1

	/* One-shot: 20,000,000 counts of 1 ns (divide by 1). */
	WRM X_LVTT, $0x60
	RDM X_LVTT
	CHECK "LVT timer one-shot 0x60", %rax, $0x60
	RDTSC64 %rbx
	WRM TSC_DEADLINE, %rbx
	RDM TSC_DEADLINE
	CHECK "TSC_DEADLINE write ignored in one-shot mode", %rax, $0
	WRM X_TDCR, $0xb
	RDM X_TDCR
	CHECK "TDCR divide by 1", %rax, $0xb
	RDTSC64 %r12
	WRM X_TMICT, $20000000
	RDM X_TMCCT
	mov %rax, %r13
	RDM X_TMCCT
	mov %rax, %r14
	RDM X_TMICT
	CHECK "TMICT reads back", %rax, $20000000
	SAY "TMCCT after arming: "
	PUTDEC %r13
	PUTS ", then "
	PUTDEC %r14
	PUTS "\n"
	xor %eax, %eax
	test %r13, %r13
	jz 1f
	cmp $20000000, %r13
	ja 1f
	cmp %r13, %r14
	jae 1f
	inc %eax
1:	CHECK "TMCCT in (0, 20000000] and counting down", %rax, $1
	WAIT_FOR cnt60, 1, 1000
	CHECK "one-shot interrupts", cnt60(%rip), $1
	mov t60(%rip), %rax
	sub %r12, %rax
	call tsc2ns
	mov %rax, %r13
	SAY "one-shot 20 ms came after ns: "
	PUTDEC %r13
	PUTS "\n"
	CHECK_IN "one-shot 20 ms after >= 19.8 ms", %r13, $19800000, $(1000 * MS)
	RDM X_TMCCT
	CHECK "TMCCT after expiry", %rax, $0
	SLEEP 30
	CHECK "one-shot interrupts 30 ms later", cnt60(%rip), $1

	/* 9. Periodic 5 ms: 5-20 ticks in 50 ms; masked: none. */
	WRM X_LVTT, $(LVT_PERIODIC | 0x61)
	WRM X_TMICT, $5000000
	SLEEP 50
	mov cnt61(%rip), %r13
	SAY "periodic 5 ms ticks in 50 ms: "
	PUTDEC %r13
	PUTS "\n"
	CHECK_IN "periodic ticks in [5, 20]", %r13, $5, $20
	WRM X_LVTT, $(LVT_MASKED | LVT_PERIODIC | 0x61)
	WINDOW					/* one may have been pending */
	RDM X_TMCCT
	mov %rax, %rbx
	xor %eax, %eax
	test %rbx, %rbx
	setnz %al
	CHECK "TMCCT still counts while masked", %rax, $1
	mov cnt61(%rip), %r13
	SLEEP 20
	mov cnt61(%rip), %rax
	sub %r13, %rax
	CHECK "ticks in 20 ms masked", %rax, $0
	WRM X_TMICT, $0
	RDM X_TMCCT
	CHECK "TMCCT after TMICT 0", %rax, $0

	/* 10. TSC-deadline: 10 ms ahead, in the past, disarmed. */
	WRM X_LVTT, $(LVT_TSCDEADLINE | 0x62)
	RDM X_LVTT
	CHECK "LVT timer TSC-deadline 0x62", %rax, $0x40062
	WRM X_TMICT, $1000
	RDM X_TMICT
	CHECK "TMICT ignored in TSC-deadline mode", %rax, $0
	mov tsc_per_ms(%rip), %rbx
	imul $10, %rbx
	RDTSC64 %r12
	add %r12, %rbx
	WRM TSC_DEADLINE, %rbx
	RDM TSC_DEADLINE
	CHECK "TSC_DEADLINE reads the armed deadline", %rax, %rbx
	WAIT_FOR cnt62, 1, 1000
	CHECK "deadline interrupts", cnt62(%rip), $1
	mov t62(%rip), %rax
	sub %r12, %rax
	call tsc2ns
	mov %rax, %r13
	SAY "deadline 10 ms came after ns: "
	PUTDEC %r13
	PUTS "\n"
	CHECK_IN "deadline 10 ms after >= 9.9 ms", %r13, $9900000, $(1000 * MS)
	RDM TSC_DEADLINE
	CHECK "TSC_DEADLINE after it fired", %rax, $0
	SLEEP 20
	CHECK "deadline interrupts 20 ms later", cnt62(%rip), $1
	/* In the past: pending at once. */
	RDTSC64 %rbx
	sub $1000, %rbx
	WRM TSC_DEADLINE, %rbx
	RDM_BIT X_IRR + 3, 2
	CHECK "past deadline: 0x62 in IRR at once", %rax, $1
	RDM TSC_DEADLINE
	CHECK "TSC_DEADLINE after a past deadline", %rax, $0
	WINDOW
	CHECK "past deadline taken", cnt62(%rip), $2
	/* Armed 10 ms ahead, then 0: never fires. */
	mov tsc_per_ms(%rip), %rbx
	imul $10, %rbx
	RDTSC64 %rax
	add %rax, %rbx
	WRM TSC_DEADLINE, %rbx
	WRM TSC_DEADLINE, $0
	RDM TSC_DEADLINE
	CHECK "TSC_DEADLINE disarmed", %rax, $0
	SLEEP 20
	CHECK "disarmed deadline interrupts", cnt62(%rip), $2
	WRM X_LVTT, $LVT_MASKED

	/* 11. The IOAPIC's registers. */
	mov $IOAPIC_GPA, %eax
	call map_2m
	mov %rax, %r15
	IOR 1
	CHECK "IOAPIC version register", %rax, $0x170011
	movl (%r15), %eax
	CHECK "IOREGSEL reads back", %rax, $1
	IOR 0
	CHECK "IOAPIC ID", %rax, $0
	IOR RTE4
	CHECK "RTE 4 low at reset (masked)", %rax, $0x10000
	IOR RTE4 + 1
	CHECK "RTE 4 high at reset", %rax, $0
	IOR 0x40
	CHECK "absent register 0x40", %rax, $0
	/* Vector 0x45, unmasked, edge; delivery status and remote IRR set. */
	IOW RTE4, 0x5045
	IOR RTE4
	CHECK "RTE 4 low: 0x5045 written (bits 12, 14 read-only)", %rax, $0x45
	IOW RTE4, 0x1a945
	IOR RTE4
	CHECK "RTE 4 low: masked, level, polarity, logical, lowest", %rax, $0x1a945
	IOW RTE4 + 1, 0xffffffff
	IOR RTE4 + 1
	CHECK "RTE 4 high: only the destination", %rax, $0xff000000
	IOW RTE4 + 1, 0
	IOW RTE4, 0x10045
	IOR RTE4
	CHECK "RTE 4 low masked again", %rax, $0x10045

	/* 12. Pin 4 end to end: the UART's THRE interrupt, edge then level. */
	OUTB UART_MCR, 0x08			/* OUT2: the line to the IOAPIC */
	IOW RTE4, 0x45				/* edge, unmasked */
	OUTB UART_IER, 0x02			/* THRE: the line rises */
	RDM_BIT X_IRR + 2, 5
	CHECK "edge: 0x45 in IRR", %rax, $1
	RDM_BIT X_TMR + 2, 5
	CHECK "edge: 0x45 not in TMR", %rax, $0
	WINDOW
	OUTB UART_IER, 0			/* before printing anything */
	CHECK "edge: 0x45 taken once", cnt45(%rip), $1
	CHECK "edge: IIR in the handler (THRE)", iir45(%rip), $0x02
	IOW RTE4, 0x10045
	/* Level, vector 0x46: the first EOI comes with the line still high. */
	IOW RTE4, 0x8046
	OUTB UART_IER, 0x02
	IOR RTE4
	CHECK "level: RTE 4 has remote IRR", %rax, $0xc046
	RDM_BIT X_TMR + 2, 6
	CHECK "level: 0x46 in TMR", %rax, $1
	mov $100000, %ecx
	sti
1:	cmpq $2, cnt46(%rip)
	jae 2f
	dec %ecx
	jnz 1b
2:	cli
	OUTB UART_IER, 0
	CHECK "level: 0x46 taken twice (EOI with the line high, then low)", cnt46(%rip), $2
	CHECK "level: remote IRR in the first handler", rirr46(%rip), $1
	IOR RTE4
	CHECK "level: RTE 4 after (no remote IRR)", %rax, $0x8046
	SLEEP 5
	CHECK "level: 0x46 no more", cnt46(%rip), $2
	IOW RTE4, 0x10000
	OUTB UART_MCR, 0
	RDM X_ISR + 2
	CHECK "ISR word 2 at the end", %rax, $0

	/* 13. The xAPIC's page (lg_lapic_mmio()), where map_2m maps it. */
	mov $LAPIC_GPA, %eax
	call map_2m
	mov %rax, %r15
	movl 0x30(%r15), %eax
	CHECK "xAPIC page in x2APIC mode reads all ones", %rax, $0xffffffff
	movl $0x40, 0x80(%r15)
	RDM X_TPR
	CHECK "xAPIC page store in x2APIC mode dropped", %rax, $0
	WRM APIC_BASE, $0xfee00100
	WRM APIC_BASE, $0xfee00900
	movl 0x30(%r15), %eax
	CHECK "xAPIC version", %rax, $0x50014
	xor %eax, %eax
	movb 0x32(%r15), %al
	CHECK "xAPIC version, byte 2", %rax, $5
	movq 0x30(%r15), %rax
	CHECK "xAPIC 8-byte load reads 0", %rax, $0
	movl $0x40, 0x80(%r15)
	movl 0x80(%r15), %eax
	CHECK "xAPIC TPR written", %rax, $0x40
	movb $0x50, 0x80(%r15)
	movl 0x84(%r15), %eax
	CHECK "xAPIC load inside no register reads 0", %rax, $0
	movl 0x80(%r15), %eax
	CHECK "xAPIC 1-byte store dropped", %rax, $0x40
	movl $0x01000000, 0xd0(%r15)
	movl 0xd0(%r15), %eax
	CHECK "xAPIC LDR written", %rax, $0x01000000
	movl 0xe0(%r15), %eax
	CHECK "xAPIC DFR (flat model)", %rax, $0xffffffff
	WRM APIC_BASE, $0xfee00d00
	RDM X_LDR
	CHECK "x2APIC again: LDR 1", %rax, $1
	movl 0x30(%r15), %eax
	CHECK "xAPIC page gone again", %rax, $0xffffffff
	VERDICT

/*
 * gp_handler: #GP.  Only RDMSR (0f 32) and WRMSR (0f 30) may raise it:
 * count it, keep the error code, step over the 2 bytes.
 * Stack: RBX, RAX, error code, RIP, CS, RFLAGS, RSP, SS.
 */
gp_handler:
	push %rax
	push %rbx
	mov 24(%rsp), %rax
	movzwl (%rax), %ebx
	cmp $0x300f, %ebx
	je 1f
	cmp $0x320f, %ebx
	je 1f
	SAY "FAIL #GP at rip "
	PUTHEX %rax
	PUTS ", not an RDMSR/WRMSR\n"
	POWEROFF $0x8d
1:	addq $2, 24(%rsp)
	incq gp_count(%rip)
	mov 16(%rsp), %rax
	or %rax, gp_err(%rip)
	pop %rbx
	pop %rax
	add $8, %rsp
	iretq

/* Interrupt handlers: save what RDM/WRM clobber. */
.macro IRQ_SAVE
	push %rax
	push %rcx
	push %rdx
.endm
.macro IRQ_EOI_RET
	WRM X_EOI, $0
	pop %rdx
	pop %rcx
	pop %rax
	iretq
.endm

irq40:
	IRQ_SAVE
	incq cnt40(%rip)
	IRQ_EOI_RET

irq70:
	IRQ_SAVE
	incq cnt70(%rip)
	RDM X_ISR + 2
	mov %rax, isr2_in70(%rip)
	RDM X_ISR + 3
	mov %rax, isr3_in70(%rip)
	IRQ_EOI_RET

/* 0x50: mode50 1 sends 0x70 from inside, 2 sends 0x40. */
irq50:
	IRQ_SAVE
	incq cnt50(%rip)
	RDM X_ISR + 2
	mov %rax, isr50_in(%rip)
	RDM X_PPR
	mov %rax, ppr50_in(%rip)
	cmpq $1, mode50(%rip)
	jne 1f
	mov cnt70(%rip), %rax
	push %rax
	WRM X_SELF_IPI, $0x70
	WINDOW
	pop %rax
	neg %rax
	add cnt70(%rip), %rax
	mov %rax, nested_in50(%rip)
1:	cmpq $2, mode50(%rip)
	jne 2f
	mov cnt40(%rip), %rax
	push %rax
	WRM X_SELF_IPI, $0x40
	WINDOW
	pop %rax
	neg %rax
	add cnt40(%rip), %rax
	mov %rax, nested_in50(%rip)
2:	WRM X_EOI, $0
	RDM X_ISR + 2
	mov %rax, isr50_out(%rip)
	pop %rdx
	pop %rcx
	pop %rax
	iretq

irq60:
	IRQ_SAVE
	incq cnt60(%rip)
	RDTSC64 t60(%rip)
	IRQ_EOI_RET

irq61:
	IRQ_SAVE
	incq cnt61(%rip)
	IRQ_EOI_RET

irq62:
	IRQ_SAVE
	incq cnt62(%rip)
	RDTSC64 t62(%rip)
	IRQ_EOI_RET

/* 0x45, edge from the UART: read IIR (clears THRE), EOI. */
irq45:
	IRQ_SAVE
	incq cnt45(%rip)
	mov $UART_IIR, %edx
	xor %eax, %eax
	in %dx, %al
	mov %rax, iir45(%rip)
	IRQ_EOI_RET

/*
 * 0x46, level from the UART: the first time, note remote IRR and EOI with
 * the line still high (it must come again); then clear THRE first.
 */
irq46:
	IRQ_SAVE
	incq cnt46(%rip)
	cmpq $1, cnt46(%rip)
	jne 1f
	movl $RTE4, (%r15)
	movl 0x10(%r15), %eax
	shr $14, %eax
	and $1, %eax
	mov %rax, rirr46(%rip)
	jmp 2f
1:	mov $UART_IIR, %edx
	in %dx, %al
2:	IRQ_EOI_RET

/* tsc2ns: RAX TSC cycles -> RAX ns, by the kvmclock scale. */
tsc2ns:
	push %rcx
	push %rdx
	movsbl pvti_page+28(%rip), %ecx
	test %ecx, %ecx
	js 1f
	shl %cl, %rax
	jmp 2f
1:	neg %ecx
	shr %cl, %rax
2:	mov pvti_page+24(%rip), %edx
	mul %rdx
	shrd $32, %rdx, %rax
	pop %rdx
	pop %rcx
	ret

/* ns2tsc: RAX ns -> RAX TSC cycles, the inverse. */
ns2tsc:
	push %rcx
	push %rdx
	mov %rax, %rdx
	shr $32, %rdx
	shl $32, %rax
	mov pvti_page+24(%rip), %ecx
	div %rcx
	movsbl pvti_page+28(%rip), %ecx
	test %ecx, %ecx
	js 1f
	shr %cl, %rax
	jmp 2f
1:	neg %ecx
	shl %cl, %rax
2:	pop %rdx
	pop %rcx
	ret

/* since_ns: RAX = ns since TSC value RDI. */
since_ns:
	push %rdx
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	sub %rdi, %rax
	call tsc2ns
	pop %rdx
	ret

/*
 * wait_for: halt (sti; hlt) until the quad at RSI is >= RDX or RDI ns have
 * passed, with a wake-only timer for the rest of the time; ends at IF=0
 * with the timer disarmed.  sleep_ns: the same for RDI ns, no counter.
 */
sleep_ns:
	push %rsi
	push %rdx
	lea zero(%rip), %rsi
	mov $1, %edx
	call wait_for
	pop %rdx
	pop %rsi
	ret

wait_for:
	push %rax
	push %rbx
	push %rcx
	push %r8
	push %r9
	push %r10
	mov %rdi, %r8
	mov %rdx, %r9
	RDTSC64 %r10
1:	cmp %r9, (%rsi)
	jae 2f
	mov %r10, %rdi
	call since_ns
	cmp %r8, %rax
	jae 2f
	mov %r8, %rbx
	sub %rax, %rbx
	xor %ecx, %ecx
	HYPERCALL LGUEST_HC_SET_TIMER
	sti
	hlt
	cli
	jmp 1b
2:	xor %ebx, %ebx
	xor %ecx, %ecx
	HYPERCALL LGUEST_HC_SET_TIMER
	mov %r8, %rdi
	pop %r10
	pop %r9
	pop %r8
	pop %rcx
	pop %rbx
	pop %rax
	ret

	.bss
	.balign 4096
pvti_page:	.skip 4096		/* kvmclock's structure at its start */
	.balign 8
ram_size:	.quad 0
zero:		.quad 0
gp_count:	.quad 0
gp_err:		.quad 0
tsc_per_ms:	.quad 0
mode50:		.quad 0
nested_in50:	.quad 0
isr50_in:	.quad 0
isr50_out:	.quad 0
ppr50_in:	.quad 0
isr2_in70:	.quad 0
isr3_in70:	.quad 0
cnt40:		.quad 0
cnt45:		.quad 0
cnt46:		.quad 0
cnt50:		.quad 0
cnt60:		.quad 0
cnt61:		.quad 0
cnt62:		.quad 0
cnt70:		.quad 0
t60:		.quad 0
t62:		.quad 0
iir45:		.quad 0
rirr46:		.quad 0
