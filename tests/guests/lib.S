/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib.S - routines shared by the raw test guests: serial output, number
 * printing, the poweroff path, an exception IDT that turns any fault into a
 * FAIL line, a fault-tolerant RDMSR/WRMSR, and a 2 MiB mapping window for
 * the hostile guests.  Every routine preserves the general registers it
 * does not return a value in.
 */
	.include "guest.inc"

	.text

/* putc: AL to the serial port. */
	.globl putc
putc:
	push %rdx
	mov $LGUEST_SERIAL_PORT, %dx
	out %al, %dx
	pop %rdx
	ret

/* puts: the NUL-terminated string at RSI. */
	.globl puts
puts:
	push %rax
	push %rsi
1:	lodsb
	test %al, %al
	jz 2f
	call putc
	jmp 1b
2:	pop %rsi
	pop %rax
	ret

/* put_name: "<guest name>: ". */
	.globl put_name
put_name:
	push %rsi
	lea guest_name(%rip), %rsi
	call puts
	pop %rsi
	PUTS ": "
	ret

/* put_hex: RAX as 0x<hex>, without leading zeros. */
	.globl put_hex
put_hex:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	mov %rax, %rdx
	mov $'0', %al
	call putc
	mov $'x', %al
	call putc
	mov $60, %ecx
	xor %ebx, %ebx			/* a digit was printed */
1:	mov %rdx, %rax
	shr %cl, %rax
	and $0xf, %eax
	or %eax, %ebx
	jnz 2f
	test %ecx, %ecx			/* leading zero: skip unless last */
	jnz 3f
2:	cmp $10, %al
	jb 4f
	add $('a' - '0' - 10), %al
4:	add $'0', %al
	call putc
3:	sub $4, %ecx
	jns 1b
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	ret

/* put_dec: RAX, unsigned, in decimal. */
	.globl put_dec
put_dec:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	sub $32, %rsp
	lea 31(%rsp), %rsi
	movb $0, (%rsi)
	mov $10, %ecx
1:	xor %edx, %edx
	div %rcx
	add $'0', %dl
	dec %rsi
	mov %dl, (%rsi)
	test %rax, %rax
	jnz 1b
	call puts
	add $32, %rsp
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	ret

/*
 * poweroff: stop with status RBX.  Under lguest the hypercall does not
 * return; under KVM it does (-KVM_ENOSYS), and the HLT with interrupts off
 * ends kvm_peer's run with RBX still holding the status.
 */
	.globl poweroff
poweroff:
	mov $LGUEST_HC_POWEROFF, %eax
	vmmcall
1:	cli
	hlt
	jmp 1b

/*
 * check_eq: RAX actual, RDX expected, RSI label.  Prints the line and
 * counts a mismatch in "failures".
 */
	.globl check_eq
check_eq:
	call put_name
	call puts
	PUTS " "
	call put_hex
	cmp %rdx, %rax
	je 1f
	PUTS " want "
	push %rax
	mov %rdx, %rax
	call put_hex
	pop %rax
	PUTS " MISMATCH"
	incq failures(%rip)
1:	PUTS "\n"
	ret

/* verdict: PASS if no CHECK failed, else FAIL with the count. */
	.globl verdict
verdict:
	cmpq $0, failures(%rip)
	jne 1f
	PASS
1:	SAY "FAIL "
	PUTDEC failures(%rip)
	PUTS " check(s) failed\n"
	POWEROFF $1

/* set_gate: vector RDI -> handler RSI, a present ring-0 interrupt gate. */
	.globl set_gate
set_gate:
	push %rax
	push %rdx
	mov %rdi, %rdx
	shl $4, %rdx
	add $SCRATCH_IDT, %rdx
	mov %rsi, %rax
	mov %ax, (%rdx)
	movw $0x08, 2(%rdx)
	movw $0x8e00, 4(%rdx)
	shr $16, %rax
	mov %ax, 6(%rdx)
	shr $16, %rax
	mov %eax, 8(%rdx)
	movl $0, 12(%rdx)
	pop %rdx
	pop %rax
	ret

/*
 * setup_idt: a 256-entry IDT at SCRATCH_IDT whose vectors 0-31 print
 * "<name>: FAIL exception V error E at rip R" and stop with status 0x80|V
 * (other vectors are not present, so stray interrupts triple-fault).
 */
	.globl setup_idt
setup_idt:
	push %rax
	push %rcx
	push %rdi
	push %rsi
	mov $SCRATCH_IDT, %edi
	mov $512, %ecx
	xor %eax, %eax
	rep stosq
	xor %edi, %edi
1:	lea exc_table(%rip), %rsi
	mov (%rsi,%rdi,8), %rsi
	call set_gate
	inc %edi
	cmp $32, %edi
	jb 1b
	lidt idtr(%rip)
	pop %rsi
	pop %rdi
	pop %rcx
	pop %rax
	ret

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
exc_\v:
	.if \v == 8 || \v == 10 || \v == 11 || \v == 12 || \v == 13 || \v == 14 || \v == 17 || \v == 21 || \v == 29 || \v == 30
	.else
	push $0
	.endif
	push $\v
	jmp exc_common
	.endr

/* The stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
exc_common:
	cmpq $13, (%rsp)
	je 2f
	cmpq $6, (%rsp)
	jne 1f
2:	cmpq $0, exc_fixup(%rip)
	je 1f
	/*
	 * An expected #GP or #UD (rdmsr_safe, wrmsr_safe, ...): resume at
	 * the fixup, the vector in exc_vector.
	 */
	push %rax
	mov exc_fixup(%rip), %rax
	mov %rax, 24(%rsp)
	mov 8(%rsp), %rax
	mov %rax, exc_vector(%rip)
	movq $0, exc_fixup(%rip)
	movq $1, exc_faulted(%rip)
	pop %rax
	add $16, %rsp
	iretq
1:	mov (%rsp), %r12
	mov 8(%rsp), %r13
	mov 16(%rsp), %r14
	call put_name
	PUTS "FAIL exception "
	PUTDEC %r12
	PUTS " error "
	PUTHEX %r13
	PUTS " at rip "
	PUTHEX %r14
	cmp $14, %r12
	jne 2f
	PUTS " cr2 "
	mov %cr2, %rax
	call put_hex
2:	PUTS "\n"
	mov %r12, %rbx
	or $0x80, %rbx
	jmp poweroff

/*
 * rdmsr_safe: MSR ECX -> RAX (EDX:EAX joined); RDX = 0, or 1 if RDMSR
 * raised #GP.  wrmsr_safe: write RAX to MSR ECX; RDX as above.  Both need
 * setup_idt first.
 */
	.globl rdmsr_safe
rdmsr_safe:
	movq $0, exc_faulted(%rip)
	lea 1f(%rip), %rax
	mov %rax, exc_fixup(%rip)
	xor %eax, %eax
	xor %edx, %edx
	rdmsr
1:	movq $0, exc_fixup(%rip)
	shl $32, %rdx
	or %rdx, %rax
	mov exc_faulted(%rip), %rdx
	ret

	.globl wrmsr_safe
wrmsr_safe:
	push %rax
	movq $0, exc_faulted(%rip)
	lea 1f(%rip), %rdx
	mov %rdx, exc_fixup(%rip)
	mov %rax, %rdx
	shr $32, %rdx
	wrmsr
1:	movq $0, exc_fixup(%rip)
	mov exc_faulted(%rip), %rdx
	pop %rax
	ret

/*
 * map_2m: map the 2 MiB-aligned guest-physical address RAX at HIGH_VA
 * (a fresh PD at SCRATCH_PD in PDPT slot 511, found through CR3) and
 * return HIGH_VA in RAX.  For the hostile guests: the launcher maps only
 * RAM, so this is how they reach what lies beyond it.
 * map_pde: the same with RAX the whole page-directory entry (hostile
 * pt-outside's points at a page table).
 */
	.globl map_2m, map_pde
map_2m:
	or $0x83, %rax			/* present, writable, 2 MiB */
map_pde:
	push %rcx
	push %rdx
	push %rdi
	mov %rax, %rdx
	mov $SCRATCH_PD, %edi
	mov $512, %ecx
	xor %eax, %eax
	rep stosq
	mov %rdx, SCRATCH_PD
	mov %cr3, %rcx
	and $~0xfff, %rcx
	mov (%rcx), %rcx		/* PML4[0]: the PDPT */
	movabs $0x000ffffffffff000, %rdx
	and %rdx, %rcx
	movq $(SCRATCH_PD | 3), 511*8(%rcx)
	mov %cr3, %rcx			/* flush the TLB */
	mov %rcx, %cr3
	movabs $HIGH_VA, %rax
	pop %rdi
	pop %rdx
	pop %rcx
	ret

	.section .rodata
idtr:
	.word 256 * 16 - 1
	.quad SCRATCH_IDT
exc_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exc_\v
	.endr

	.bss
	.balign 8
	.globl failures
failures:	.quad 0
	/*
	 * A #GP or #UD resumes at exc_fixup (if set, then cleared) with
	 * exc_faulted = 1 and exc_vector = the vector.
	 */
	.globl exc_fixup, exc_faulted, exc_vector
exc_fixup:	.quad 0
exc_faulted:	.quad 0
exc_vector:	.quad 0

/*
 * ring3_setup: what running code at CPL 3 needs: a GDT with user code
 * (selector USER_CS) and data (USER_DS) segments and a 64-bit TSS whose
 * RSP0 is a ring-0 stack of our own; the U bit on the identity map's first
 * 16 MiB (PML4[0], PDPT[0], PD entries 0-7); and gate 0x80, callable from
 * CPL 3, as the way back (see call_ring3).  Needs setup_idt first.
 */
	.text
	.globl ring3_setup
ring3_setup:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	lea r3_tss(%rip), %rax		/* TSS descriptor, base below 4 GiB */
	mov %rax, %rdx
	and $0xffffff, %edx
	shl $16, %rdx			/* base 23:0 */
	or $0x67, %rdx			/* limit */
	movabs $0x0000890000000000, %rcx	/* present, available 64-bit TSS */
	or %rcx, %rdx
	mov %rax, %rcx
	shr $24, %rcx
	and $0xff, %ecx
	shl $56, %rcx			/* base 31:24 */
	or %rcx, %rdx
	mov %rdx, r3_gdt+0x30(%rip)
	movq $0, r3_gdt+0x38(%rip)
	lea r3_stack_top(%rip), %rax
	mov %rax, r3_tss+4(%rip)	/* RSP0 */
	movw $104, r3_tss+102(%rip)	/* no I/O bitmap */
	lgdt r3_gdtr(%rip)
	mov $0x30, %ax
	ltr %ax
	mov %cr3, %rax			/* U bit on the way to the first 16 MiB */
	and $~0xfff, %rax
	orq $4, (%rax)
	mov (%rax), %rax
	and $~0xfff, %rax
	movabs $0x000fffffffffffff, %rcx
	and %rcx, %rax
	orq $4, (%rax)
	mov (%rax), %rax
	and $~0xfff, %rax
	and %rcx, %rax
	xor %ecx, %ecx
1:	orq $4, (%rax,%rcx,8)
	inc %ecx
	cmp $8, %ecx
	jb 1b
	mov %cr3, %rax
	mov %rax, %cr3
	mov $0x80, %edi
	lea ring3_back(%rip), %rsi
	call set_gate
	mov $0x80, %rdx			/* the gate's DPL to 3 */
	shl $4, %rdx
	movw $0xee00, SCRATCH_IDT+4(%rdx)
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	ret

/*
 * call_ring3: run the code at RDI at CPL 3 (RFLAGS 0x2, its own stack);
 * it comes back with RING0 ("int $0x80").  General registers pass both
 * ways untouched, except RSP: the caller's RSP is restored.
 */
	.globl call_ring3
call_ring3:
	mov %rsp, r3_saved_rsp(%rip)
	pushq $USER_DS			/* SS */
	push %rax
	lea r3_user_stack_top(%rip), %rax
	xchg %rax, (%rsp)		/* RSP */
	pushq $0x2			/* RFLAGS */
	pushq $USER_CS			/* CS */
	push %rdi			/* RIP */
	iretq

ring3_back:
	mov r3_saved_rsp(%rip), %rsp
	ret

	.data
	.balign 16
r3_gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08 kernel code */
	.quad 0x00cf93000000ffff	/* 0x10 kernel data */
	.quad 0
	.quad 0x00cff3000000ffff	/* 0x20 user data, DPL 3 */
	.quad 0x00affb000000ffff	/* 0x28 user code, DPL 3, 64-bit */
	.quad 0, 0			/* 0x30 TSS, filled in */
r3_gdt_end:
r3_gdtr:
	.word r3_gdt_end - r3_gdt - 1
	.quad r3_gdt

	.bss
	.balign 16
r3_tss:		.skip 104
	.balign 16
		.skip 4096
r3_stack_top:
		.skip 4096
r3_user_stack_top:
r3_saved_rsp:	.quad 0
