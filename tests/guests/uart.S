/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uart.S - the 16550A at 0x3f8 as a polling driver sees it: raises DTR and
 * RTS, reads one line of the launcher's stdin by polling LSR.DR (halting on
 * a 10 ms wake-only timer between looks) and echoes it as "uart: got: ...";
 * then the scratch register, the divisor latch behind DLAB, IER's four
 * bits, IIR with the FIFOs off and on (0xc0), the THRE interrupt's
 * read-to-clear and IER re-arm, LSR THRE/TEMT, and loopback: MSR mirrors
 * MCR, written bytes come back (never to stdout), a 17th overruns.
 * Bytes sent in loopback are >= 0x80, so the host can tell if one leaks.
 */
	.include "guest.inc"

	/* Register offsets, and bits, of the 16550A. */
	.set RBR, 0
	.set THR, 0
	.set DLL, 0
	.set IER, 1
	.set DLM, 1
	.set IIR, 2
	.set FCR, 2
	.set LCR, 3
	.set MCR, 4
	.set LSR, 5
	.set MSR, 6
	.set SCR, 7
	.set LSR_DR, 0x01
	.set LSR_OE, 0x02
	.set LCR_8N1, 0x03
	.set LCR_DLAB, 0x80
	.set MCR_DTR, 0x01
	.set MCR_RTS, 0x02
	.set MCR_OUT2, 0x08
	.set MCR_LOOP, 0x10
	.set IER_RDI, 0x01
	.set IER_THRI, 0x02

	.set LINE_MAX, 63
	.set WAITS, 1000		/* 10 ms each: give up after 10 s */

/* OUTB reg, imm: write a UART register.  Clobbers RAX, RDX. */
.macro OUTB reg, val
	mov $(LGUEST_SERIAL_PORT + \reg), %edx
	mov $\val, %eax
	out %al, %dx
.endm

/* INB reg: read a UART register, zero-extended into RAX.  Clobbers RDX. */
.macro INB reg
	mov $(LGUEST_SERIAL_PORT + \reg), %edx
	xor %eax, %eax
	in %dx, %al
.endm

/* REC reg, mask: record (INB reg) & mask in the next slot of rec. */
.macro REC reg, mask
	INB \reg
	and $\mask, %eax
	mov rec_n(%rip), %rcx
	lea rec(%rip), %rsi
	mov %rax, (%rsi,%rcx,8)
	incq rec_n(%rip)
.endm

/* EXPECT reg, mask, want, "label": CHECK (INB reg) & mask == want. */
.macro EXPECT reg, mask, want, label
	INB \reg
	and $\mask, %eax
	CHECK "\label", %rax, $\want
.endm

	GUEST uart
	call setup_idt
	OUTB LCR, LCR_8N1
	OUTB MCR, (MCR_DTR | MCR_RTS)	/* the host sends only with RTS */

	/* 1. A line from stdin, byte by byte, with the FIFOs still off. */
	SAY "reading a line\n"
	lea line(%rip), %rdi
	xor %ecx, %ecx			/* bytes stored */
	mov $WAITS, %r12d
1:	INB LSR
	test $LSR_DR, %al
	jnz 2f
	dec %r12d
	jz 4f
	push %rcx
	mov $10000000, %ebx		/* 10 ms, wake-only: input ends it early */
	xor %ecx, %ecx
	HYPERCALL LGUEST_HC_SET_TIMER
	pop %rcx
	hlt
	jmp 1b
2:	INB RBR
	cmp $'\n', %al
	je 3f
	mov %al, (%rdi,%rcx)
	inc %ecx
	cmp $LINE_MAX, %ecx
	jb 1b
3:	movb $0, (%rdi,%rcx)
	SAY "got: "
	mov %rdi, %rsi
	call puts
	PUTS "\n"
	test %ecx, %ecx
	jnz 5f
	CHECK "line not empty", $0, $1
	jmp 5f
4:	SAY "no input line within 10 s\n"
	CHECK "input arrived", $0, $1
5:	EXPECT LSR, 0x61, 0x60, "LSR after the line (THRE|TEMT and no DR)"

	/* 2. Scratch register. */
	OUTB SCR, 0x5a
	EXPECT SCR, 0xff, 0x5a, "SCR 0x5a"
	OUTB SCR, 0xa5
	EXPECT SCR, 0xff, 0xa5, "SCR 0xa5"

	/* 3. Divisor latch behind DLAB; IER and LCR unharmed by it. */
	OUTB IER, 0
	OUTB LCR, (LCR_DLAB | LCR_8N1)
	OUTB DLL, 0x34
	OUTB DLM, 0x12
	/* With DLAB set THR is DLL: print nothing until it is clear. */
	REC LCR, 0xff			/* 0 */
	REC DLL, 0xff			/* 1 */
	REC DLM, 0xff			/* 2 */
	OUTB LCR, LCR_8N1
	CHECK "LCR with DLAB", rec+0*8(%rip), $0x83
	CHECK "DLL", rec+1*8(%rip), $0x34
	CHECK "DLM", rec+2*8(%rip), $0x12
	EXPECT IER, 0xff, 0x00, "IER after the divisor writes"
	OUTB LCR, (LCR_DLAB | LCR_8N1)
	OUTB DLL, 0x01			/* 115200 baud */
	OUTB DLM, 0x00
	OUTB LCR, LCR_8N1
	OUTB IER, 0xff
	EXPECT IER, 0xff, 0x0f, "IER keeps four bits"
	OUTB IER, 0

	/* 4. IIR: FIFOs off, then on (0xc0); the THRE interrupt. */
	OUTB FCR, 0
	EXPECT IIR, 0xff, 0x01, "IIR, FIFOs off"
	OUTB FCR, 0x07			/* enable, clear both */
	EXPECT IIR, 0xff, 0xc1, "IIR, FIFOs on"
	/*
	 * Both IIR reads come before CHECK prints anything: printing writes
	 * THR, which (rightly) makes a THRE interrupt pending again.
	 */
	OUTB IER, IER_THRI
	INB IIR
	mov %eax, %r12d
	INB IIR
	mov %eax, %r13d
	CHECK "IIR after IER.THRI", %r12, $0xc2
	CHECK "IIR after reading the THRE interrupt", %r13, $0xc1
	OUTB IER, 0
	OUTB IER, IER_THRI
	EXPECT IIR, 0xff, 0xc2, "IIR after IER.THRI again"
	OUTB IER, 0
	EXPECT LSR, 0x60, 0x60, "LSR THRE|TEMT"

	/*
	 * 5. Loopback: MSR mirrors MCR as Linux's 8250 probe expects.  What
	 * we print would loop back too, so the values are recorded (REC)
	 * and checked once loopback is off again.
	 */
	OUTB MCR, (MCR_LOOP | MCR_OUT2 | MCR_RTS)
	REC MSR, 0xf0			/* 3: CTS|DCD */
	OUTB MCR, (MCR_LOOP | MCR_DTR)
	REC MSR, 0xff			/* 4: DSR, deltas */
	REC MSR, 0xff			/* 5: deltas cleared */
	OUTB THR, 0x81
	REC LSR, 0x61			/* 6: DR|THRE|TEMT */
	OUTB IER, IER_RDI
	REC IIR, 0xff			/* 7: data available */
	REC RBR, 0xff			/* 8: the byte */
	REC IIR, 0xff			/* 9: nothing after the read */
	OUTB FCR, 0xc1			/* trigger level 14 */
	OUTB THR, 0x82
	REC IIR, 0xff			/* 10: timeout, below 14 */
	REC RBR, 0xff			/* 11: the byte */
	OUTB IER, 0

	/* 17 bytes into a 16-byte FIFO: the last is lost, OE is set. */
	mov $0x90, %ecx
6:	mov $(LGUEST_SERIAL_PORT + THR), %edx
	mov %ecx, %eax
	out %al, %dx
	inc %ecx
	cmp $0xa1, %ecx
	jb 6b
	REC LSR, 0x03			/* 12: OE|DR */
	REC LSR, 0x03			/* 13: OE cleared by reading */
	mov $0x90, %r13d		/* next byte expected */
	xor %r14d, %r14d		/* mismatches */
7:	INB LSR
	test $LSR_DR, %al
	jz 8f
	INB RBR
	cmp %r13d, %eax
	setne %al
	movzbl %al, %eax
	add %eax, %r14d
	inc %r13d
	jmp 7b

	/* 6. Out of loopback: the host end's lines, changes flagged. */
8:	OUTB MCR, (MCR_DTR | MCR_RTS)
	CHECK "loopback MSR (CTS|DCD)", rec+3*8(%rip), $0x90
	CHECK "loopback MSR (DSR, deltas)", rec+4*8(%rip), $0x2b
	CHECK "loopback MSR deltas cleared", rec+5*8(%rip), $0x20
	CHECK "loopback LSR (DR|THRE|TEMT)", rec+6*8(%rip), $0x61
	CHECK "loopback IIR (data available)", rec+7*8(%rip), $0xc4
	CHECK "loopback byte", rec+8*8(%rip), $0x81
	CHECK "loopback IIR after the read", rec+9*8(%rip), $0xc1
	CHECK "loopback IIR (timeout, below 14)", rec+10*8(%rip), $0xcc
	CHECK "loopback byte below the trigger", rec+11*8(%rip), $0x82
	CHECK "loopback overrun LSR (OE|DR)", rec+12*8(%rip), $0x03
	CHECK "LSR OE cleared by reading", rec+13*8(%rip), $0x01
	CHECK "loopback FIFO next byte (0x90 + 16)", %r13, $0xa0
	CHECK "loopback FIFO mismatches", %r14, $0
	EXPECT MSR, 0xf0, 0xb0, "MSR (DCD|DSR|CTS)"
	EXPECT MSR, 0xff, 0xb0, "MSR, deltas cleared"
	EXPECT LSR, 0xff, 0x60, "LSR at the end"
	VERDICT

	.bss
	.balign 8
rec:	.skip 16 * 8
rec_n:	.quad 0
line:	.skip LINE_MAX + 1
