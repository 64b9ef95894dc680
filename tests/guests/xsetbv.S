/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsetbv.S - XSETBV takes exactly the XCR0 values the architecture allows
 * (SDM vol. 1, 13.3; SDM vol. 2 and APM vol. 3, XSETBV) among the state
 * components CPUID leaf 0xD reports, and those components are backed by the
 * CPUID features the guest sees.  Without CR4.OSXSAVE XSETBV must #UD.
 * With it, every combination of the reported components, each alone and
 * with every bit not reported added, and XCRs other than 0 are tried; the
 * guest computes its own expectation (#GP or success, and XGETBV reading
 * the value back) and fails on any difference.  Prints a summary line.
 * Under QEMU's TCG XSETBV is never intercepted: values with components
 * the CPU has but CPUID does not report are then taken by the CPU itself,
 * counted as "not intercepted" rather than failed.
 */
	.include "guest.inc"

	.set CR4_OSXSAVE, 1 << 18
	/* Bits 8 and 10-16: components of IA32_XSS, never of XCR0. */
	.set XSS_ONLY, 0x1fd00

	GUEST xsetbv
	call setup_idt
	GATE 6, on_ud
	GATE 13, on_gp

	mov $1, %eax
	cpuid
	mov %ecx, %r12d			/* leaf 1 ECX */
	mov %r12, %r13
	shr $26, %r13
	and $1, %r13d			/* XSAVE */
	SAY "cpuid.1 xsave "
	PUTDEC %r13
	PUTS "\n"

	/* CR4.OSXSAVE is clear at entry: XSETBV is #UD. */
	xor %ecx, %ecx
	mov $3, %eax
	call try_xsetbv
	CHECK "without CR4.OSXSAVE: vector", %r8, $6
	test %r13, %r13
	jnz 1f
	SAY "no XSAVE offered: only the #UD checked\n"
	VERDICT

1:	mov %cr4, %rax
	or $CR4_OSXSAVE, %rax
	mov %rax, %cr4
	mov $0xd, %eax
	xor %ecx, %ecx
	cpuid
	shl $32, %rdx
	mov %eax, %eax
	or %rdx, %rax
	mov %rax, %r15			/* S: the reported components */
	SAY "cpuid 0xd.0 components "
	PUTHEX %r15
	PUTS "\n"
	mov %r15, %rax
	and $3, %eax
	CHECK "x87 and SSE reported", %rax, $3

	/* Each reported component needs the feature it belongs to. */
	mov $7, %eax
	xor %ecx, %ecx
	cpuid
	xor %r14d, %r14d		/* components without their feature */
	bt $28, %r12d			/* AVX */
	jc 2f
	mov %r15, %rax
	and $0x4, %eax
	or %rax, %r14
2:	bt $14, %ebx			/* MPX */
	jc 2f
	mov %r15, %rax
	and $0x18, %eax
	or %rax, %r14
2:	bt $16, %ebx			/* AVX512F */
	jc 2f
	mov %r15, %rax
	and $0xe0, %eax
	or %rax, %r14
2:	bt $3, %ecx			/* PKU */
	jc 2f
	mov %r15, %rax
	and $0x200, %eax
	or %rax, %r14
2:	bt $24, %edx			/* AMX-TILE */
	jc 2f
	mov %r15, %rax
	and $0x60000, %eax
	or %rax, %r14
2:	mov %r15, %rax
	and $XSS_ONLY, %eax
	or %rax, %r14
	movabs $0xfffffffffff80000, %rax	/* nothing defined up there */
	and %r15, %rax
	or %rax, %r14
	CHECK "reported components without their CPUID feature", %r14, $0

	/* Count the components; at most 19 (bits 0-18 only, checked above). */
	xor %ecx, %ecx
	mov %r15, %rax
6:	test %rax, %rax
	jz 7f
	lea -1(%rax), %rdx
	and %rdx, %rax			/* clear the lowest set bit */
	inc %ecx
	jmp 6b
7:	mov $1, %r14d
	shl %cl, %r14			/* 2^n combinations */
	xor %r12d, %r12d		/* combination number */
3:	mov %r12, %rcx
	mov %r15, %rbx
	call deposit			/* RAX = combination */
	mov %rax, %r13
	xor %ecx, %ecx
	call try_and_check
	xor %ebx, %ebx			/* and with each bit not reported */
4:	bt %rbx, %r15
	jc 5f
	mov %r13, %rax
	bts %rbx, %rax
	xor %ecx, %ecx
	call try_and_check
5:	inc %ebx
	cmp $64, %ebx
	jb 4b
	inc %r12
	cmp %r14, %r12
	jb 3b

	/* XCRs other than 0 do not exist for XSETBV. */
	mov $3, %eax
	mov $1, %ecx
	call try_and_check
	mov $3, %eax
	mov $0xffffffff, %ecx
	call try_and_check

	mov $3, %eax			/* leave x87|SSE */
	xor %ecx, %ecx
	call try_xsetbv
	SAY "tried "
	PUTDEC tried(%rip)
	PUTS " accepted "
	PUTDEC accepted(%rip)
	PUTS " #GP "
	PUTDEC gps(%rip)
	PUTS " mismatches "
	PUTDEC mismatches(%rip)
	PUTS " not intercepted "
	PUTDEC not_intercepted(%rip)
	PUTS "\n"
	CHECK "mismatches", mismatches(%rip), $0
	VERDICT

/* deposit: RAX = the low bits of RCX spread over the set bits of RBX. */
deposit:
	push %rbx
	push %rcx
	push %rdx
	xor %eax, %eax
1:	test %rbx, %rbx
	jz 3f
	mov %rbx, %rdx
	neg %rdx
	and %rbx, %rdx			/* lowest set bit */
	xor %rdx, %rbx
	test $1, %cl
	jz 2f
	or %rdx, %rax
2:	shr $1, %rcx
	jmp 1b
3:	pop %rdx
	pop %rcx
	pop %rbx
	ret

/*
 * expect: R9 = the vector XSETBV of XCR0 = RAX must raise (0: none) when
 * the reported components are R15: the rules of SDM vol. 1, 13.3.
 */
expect:
	push %rcx
	mov $13, %r9d
	test $1, %al			/* x87 always */
	jz 9f
	mov %r15, %rcx
	not %rcx
	test %rcx, %rax			/* only reported components */
	jnz 9f
	test $XSS_ONLY, %eax		/* never a supervisor one */
	jnz 9f
	test $4, %al			/* AVX needs SSE */
	jz 1f
	test $2, %al
	jz 9f
1:	mov %eax, %ecx			/* AVX-512: all or none, with AVX */
	and $0xe0, %ecx
	jz 2f
	cmp $0xe0, %ecx
	jne 9f
	test $4, %al
	jz 9f
2:	mov %eax, %ecx			/* MPX: both or none */
	and $0x18, %ecx
	jz 3f
	cmp $0x18, %ecx
	jne 9f
3:	mov %eax, %ecx			/* AMX: both or none */
	and $0x60000, %ecx
	jz 4f
	cmp $0x60000, %ecx
	jne 9f
4:	xor %r9d, %r9d
9:	pop %rcx
	ret

/*
 * try_and_check: XSETBV XCR ECX = RAX, against expect (ECX != 0 is #GP);
 * a success must read back with XGETBV.  Counts, and prints mismatches.
 */
try_and_check:
	push %rax
	push %rcx
	push %rdx
	call expect
	test %ecx, %ecx
	jz 1f
	mov $13, %r9d
1:	incq tried(%rip)
	call try_xsetbv
	cmp $13, %r8
	jne 2f
	incq gps(%rip)
2:	test %r8, %r8
	jnz 3f
	incq accepted(%rip)
	push %rax
	push %rcx
	xor %ecx, %ecx
	xgetbv
	shl $32, %rdx
	mov %eax, %eax
	or %rdx, %rax
	mov %rax, %rdx
	pop %rcx
	pop %rax
	cmp %rax, %rdx
	je 3f
	mov $0xff, %r8d			/* read back wrong */
3:	cmp %r9, %r8
	je 4f
	/*
	 * Unreported components the CPU itself has, taken: our XSETBV
	 * intercept never ran (QEMU's TCG does not implement it), and the
	 * value went to the CPU, not through lguest's check.  Counted apart.
	 */
	test %r8, %r8
	jnz 5f
	push %rcx
	mov %r15, %rcx
	not %rcx
	test %rcx, %rax
	pop %rcx
	jz 5f
	incq not_intercepted(%rip)
	jmp 4f
5:	incq mismatches(%rip)
	cmpq $10, mismatches(%rip)
	ja 4f
	SAY "xcr0 "
	PUTHEX %rax
	PUTS " ecx "
	PUTHEX %rcx
	PUTS ": vector "
	PUTDEC %r8
	PUTS " want "
	PUTDEC %r9
	PUTS " MISMATCH\n"
4:	pop %rdx
	pop %rcx
	pop %rax
	ret

/* try_xsetbv: XSETBV XCR ECX = RAX; R8 = 0, or the vector it raised. */
try_xsetbv:
	push %rdx
	movq $0, fault_vec(%rip)
	lea 1f(%rip), %r8
	mov %r8, fixup(%rip)
	mov %rax, %rdx
	shr $32, %rdx
	xsetbv
1:	movq $0, fixup(%rip)
	mov fault_vec(%rip), %r8
	pop %rdx
	ret

on_gp:
	add $8, %rsp			/* the error code */
	movq $13, fault_vec(%rip)
	jmp 1f
on_ud:
	movq $6, fault_vec(%rip)
1:	cmpq $0, fixup(%rip)
	je 2f
	push %rax
	mov fixup(%rip), %rax
	mov %rax, 8(%rsp)
	pop %rax
	iretq
2:	FAIL "unexpected #UD or #GP"

	.bss
	.balign 8
fixup:		.quad 0
fault_vec:	.quad 0
tried:		.quad 0
accepted:	.quad 0
gps:		.quad 0
mismatches:	.quad 0
not_intercepted: .quad 0
