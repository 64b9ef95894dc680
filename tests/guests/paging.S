/* SPDX-License-Identifier: GPL-2.0 */
/*
 * paging.S - the MMU as the guest sees it, for shadow paging (where the
 * module emulates it) and nested paging (where the CPU does): Accessed and
 * Dirty set in 4 KiB and 2 MiB entries, Dirty again after the guest clears
 * it and flushes, CR0.WP on and off, NX, the #PF error code and CR2 for
 * not-present, write, fetch and reserved-bit faults, INVLPG (two address
 * forms, and anywhere in a 2 MiB page), CR3 reloads and CR4.PGE toggles
 * dropping a global entry, a self-referencing PML4 entry, a second
 * address space whose tables change, at every level, while another runs,
 * and SMSW/LMSW.
 */
	.include "guest.inc"

	.set PT,	0x84000		/* page table for the 4 KiB tests */
	.set DATA,	0x400000	/* 4 KiB data pages DATA + n * 4K */
	.set BIG_A,	0x600000	/* 2 MiB pages for the large-page tests */
	.set BIG_B,	0x800000
	.set VA,	HIGH_VA		/* PT's 4 KiB pages: VA + n * 4K */
	.set VA_BIG,	HIGH_VA + 0x200000
	.set PML4_B,	0x85000		/* a second address space ... */
	.set PDPT_X,	0x86000		/* ... whose PML4 slot 1 is its own */
	.set PD_X,	0x87000
	.set PT_X,	0x88000
	.set PT_Y,	0x89000
	.set VA_B,	0x8000000000	/* PML4 slot 1 */

	.set P,		0x1
	.set RW,	0x2
	.set A,		0x20
	.set D,		0x40
	.set PS,	0x80
	.set G,		0x100

/* TRY insn: run insn; a #PF resumes just after it, counted in pf_count. */
.macro TRY insn:vararg
	movq $0, pf_count(%rip)
	movq $-1, pf_err(%rip)
	movq $0, pf_cr2(%rip)
	push %rax
	lea .Ltry\@(%rip), %rax
	mov %rax, pf_fixup(%rip)
	pop %rax
	\insn
.Ltry\@:
	movq $0, pf_fixup(%rip)
.endm

/* PTE n, value: set PT entry n (64-bit value in a register or $imm32). */
.macro PTE n, val
	mov \val, %rax
	mov %rax, PT + \n * 8
.endm

	GUEST paging
	call setup_idt
	GATE 14, pf_handler

	/* Markers in the data pages, through the launcher's identity map. */
	movq $0x1000, DATA + 0x4000
	movq $0x5000, DATA + 0x5000
	movq $0x6000, DATA + 0x6000
	movq $0x7000, DATA + 0x7000
	movq $0xa0a0, BIG_A + 0x1000
	movq $0xb0b0, BIG_B + 0x1000

	/* PD at SCRATCH_PD: [0] -> PT (4 KiB pages), [1] -> a 2 MiB page. */
	mov $SCRATCH_PD, %edi
	mov $1024, %ecx
	xor %eax, %eax
	rep stosq			/* the PD and, after it, nothing else */
	mov $PT, %edi
	mov $512, %ecx
	rep stosq
	movq $(PT | P | RW), SCRATCH_PD
	movq $(BIG_A | P | RW | PS), SCRATCH_PD + 8
	PTE 0, $(DATA | P | RW)
	PTE 1, $(DATA + 0x1000 | P)		/* read-only */
	movabs $(0x8000000000000000 | DATA + 0x2000 | P | RW), %rax
	mov %rax, PT + 2 * 8			/* NX */
	PTE 3, $0				/* not present */
	movabs $(0x0008000000000000 | DATA + 0x3000 | P | RW), %rax
	mov %rax, PT + 4 * 8			/* reserved bit 51 */
	PTE 5, $(DATA + 0x4000 | P | RW)
	PTE 6, $(DATA + 0x6000 | P | RW | G)
	movb $0xc3, DATA + 0x2000		/* ret */
	/* PDPT slot 511 of PML4 slot 0 -> our PD; then a fresh start. */
	mov %cr3, %rcx
	and $~0xfff, %rcx
	mov (%rcx), %rcx
	movabs $0x000ffffffffff000, %rdx
	and %rdx, %rcx
	movq $(SCRATCH_PD | P | RW), 511 * 8(%rcx)
	mov %rcx, %r15			/* the PDPT */
	mov %cr3, %rcx
	mov %rcx, %cr3

	/* 1. Accessed on a read, in the PTE and the tables above it. */
	movabs $VA, %rbx
	TRY mov (%rbx), %rax
	CHECK "read faults", pf_count(%rip), $0
	mov PT, %rax
	and $(A | D), %eax
	CHECK "pte A|D after a read", %rax, $A
	mov SCRATCH_PD, %rax
	and $A, %eax
	CHECK "pde A after a read", %rax, $A
	mov 511 * 8(%r15), %rax
	and $A, %eax
	CHECK "pdpte A after a read", %rax, $A

	/* 2. Dirty on the first write; the data lands in the right page. */
	TRY movq $0x1111, (%rbx)
	CHECK "write faults", pf_count(%rip), $0
	mov PT, %rax
	and $(A | D), %eax
	CHECK "pte A|D after a write", %rax, $(A | D)
	CHECK "written data", DATA, $0x1111

	/* 3. Dirty cleared by the guest, INVLPG, written again: Dirty again. */
	andq $~(A | D), PT
	invlpg (%rbx)
	mov (%rbx), %rax
	mov PT, %rax
	and $(A | D), %eax
	CHECK "pte A|D, cleared, flushed, read", %rax, $A
	movq $0x2222, (%rbx)
	mov PT, %rax
	and $(A | D), %eax
	CHECK "pte A|D, then written", %rax, $(A | D)

	/* 4. CR0.WP: a supervisor write to a read-only page. */
	lea 0x1000(%rbx), %rcx
	TRY movq $0x3333, (%rcx)
	CHECK "wp=1 write: faults", pf_count(%rip), $1
	CHECK "wp=1 write: error code", pf_err(%rip), $0x3
	CHECK "wp=1 write: cr2", pf_cr2(%rip), %rcx
	CHECK "wp=1 write: memory untouched", DATA + 0x1000, $0
	mov %cr0, %rax
	and $~0x10000, %rax
	mov %rax, %cr0
	mov %cr0, %rax
	and $0x10000, %eax
	CHECK "cr0.wp reads back 0", %rax, $0
	TRY movq $0x3333, (%rcx)
	CHECK "wp=0 write: faults", pf_count(%rip), $0
	CHECK "wp=0 write: memory", DATA + 0x1000, $0x3333
	mov PT + 8, %rax
	and $(A | D), %eax
	CHECK "wp=0 write: pte A|D", %rax, $(A | D)
	mov %cr0, %rax
	or $0x10000, %rax
	mov %rax, %cr0
	mov %cr0, %rax
	and $0x10000, %eax
	CHECK "cr0.wp reads back 1", %rax, $0x10000
	TRY movq $0x4444, (%rcx)
	CHECK "wp=1 again: faults", pf_count(%rip), $1
	CHECK "wp=1 again: error code", pf_err(%rip), $0x3
	CHECK "wp=1 again: memory", DATA + 0x1000, $0x3333

	/* 5. NX: a fetch faults with I/D set; a read does not. */
	lea 0x2000(%rbx), %rcx
	mov %rsp, %r12
	TRY call *%rcx
	mov %r12, %rsp
	CHECK "nx fetch: faults", pf_count(%rip), $1
	CHECK "nx fetch: error code", pf_err(%rip), $0x11
	CHECK "nx fetch: cr2", pf_cr2(%rip), %rcx
	TRY movzbl (%rcx), %eax
	CHECK "nx read: faults", pf_count(%rip), $0
	CHECK "nx read: data", %rax, $0xc3

	/* 6. Not present: read and write error codes. */
	lea 0x3000(%rbx), %rcx
	TRY mov (%rcx), %rax
	CHECK "not-present read: faults", pf_count(%rip), $1
	CHECK "not-present read: error code", pf_err(%rip), $0
	CHECK "not-present read: cr2", pf_cr2(%rip), %rcx
	TRY movq $1, 8(%rcx)
	CHECK "not-present write: error code", pf_err(%rip), $0x2
	lea 8(%rcx), %rdx
	CHECK "not-present write: cr2", pf_cr2(%rip), %rdx

	/* 7. A reserved bit (51, when MAXPHYADDR is below 52). */
	push %rbx
	mov $0x80000008, %eax
	cpuid
	pop %rbx
	and $0xff, %eax
	cmp $52, %eax
	jae 1f
	lea 0x4000(%rbx), %rcx
	TRY mov (%rcx), %rax
	CHECK "reserved-bit read: faults", pf_count(%rip), $1
	/* RSVD; P as well on KVM and real CPUs, not always under TCG's NPT. */
	mov pf_err(%rip), %rax
	and $~1, %rax
	CHECK "reserved-bit read: error code less P", %rax, $0x8
	CHECK "reserved-bit read: cr2", pf_cr2(%rip), %rcx
1:
	/* 8. INVLPG, with two address forms. */
	lea 0x5000(%rbx), %rcx
	CHECK "page 5 before", (%rcx), $0x1000
	PTE 5, $(DATA + 0x5000 | P | RW)
	invlpg (%rcx)
	CHECK "page 5 after invlpg (reg)", (%rcx), $0x5000
	PTE 5, $(DATA + 0x4000 | P | RW)
	mov $-2, %rdx
	invlpg 0x10(%rcx,%rdx,8)
	CHECK "page 5 after invlpg (sib+disp)", (%rcx), $0x1000

	/* 9. A CR3 reload forgets a non-global entry. */
	PTE 5, $(DATA + 0x5000 | P | RW)
	mov %cr3, %rax
	mov %rax, %cr3
	CHECK "page 5 after cr3 reload", (%rcx), $0x5000

	/* 10. A global entry: toggling CR4.PGE forgets it. */
	mov %cr4, %rax
	or $0x80, %rax
	mov %rax, %cr4
	lea 0x6000(%rbx), %rcx
	CHECK "global page before", (%rcx), $0x6000
	PTE 6, $(DATA + 0x7000 | P | RW | G)
	mov %cr4, %rax
	and $~0x80, %rax
	mov %rax, %cr4
	or $0x80, %rax
	mov %rax, %cr4
	CHECK "global page after cr4.pge toggle", (%rcx), $0x7000

	/* 11. A 2 MiB page: A and D in the PDE; INVLPG anywhere in it. */
	movabs $VA_BIG, %rcx
	CHECK "2m page read", 0x1000(%rcx), $0xa0a0
	mov SCRATCH_PD + 8, %rax
	and $(A | D), %eax
	CHECK "2m pde A|D after a read", %rax, $A
	movq $0xa1a1, 0x1008(%rcx)
	mov SCRATCH_PD + 8, %rax
	and $(A | D), %eax
	CHECK "2m pde A|D after a write", %rax, $(A | D)
	CHECK "2m page written data", BIG_A + 0x1008, $0xa1a1
	movq $(BIG_B | P | RW | PS), SCRATCH_PD + 8
	invlpg 0x1ff000(%rcx)
	CHECK "2m page after invlpg of its last 4k", 0x1000(%rcx), $0xb0b0

	/*
	 * 12. A self-referencing table: PML4[510] -> the PML4, so the address
	 * whose four indices are all 510 is the PML4 itself, read as data.
	 */
	mov %cr3, %rcx
	and $~0xfff, %rcx
	mov %rcx, %rax
	or $(P | RW), %rax
	mov %rax, 510 * 8(%rcx)
	movabs $0xffffff7fbfdfe000, %rdx
	mov (%rcx), %rax		/* PML4[0], through the identity map */
	or $A, %rax
	mov (%rdx), %rsi		/* and through the recursive one */
	or $A, %rsi
	CHECK "recursive map reads pml4[0]", %rsi, %rax
	movq $0, 510 * 8(%rcx)
	invlpg (%rdx)
	mov %cr3, %rax
	mov %rax, %cr3

	/*
	 * 13. Two address spaces: B is a copy of A's PML4 with slot 1 mapped
	 * through tables of its own.  Whatever the guest changes in B's
	 * tables while A runs, at any level, B sees once it runs again.
	 */
	mov %cr3, %r12				/* A */
	mov $PML4_B, %edi
	mov $(5 * 512), %ecx
	xor %eax, %eax
	rep stosq				/* PML4_B .. PT_Y */
	mov %r12, %rsi
	and $~0xfff, %rsi
	mov $PML4_B, %edi
	mov $512, %ecx
	rep movsq
	movq $(PDPT_X | P | RW), PML4_B + 8
	movq $(PD_X | P | RW), PDPT_X
	movq $(PT_X | P | RW), PD_X
	movq $(DATA + 0x4000 | P | RW), PT_X
	movq $(DATA + 0x6000 | P | RW), PT_Y
	movabs $VA_B, %rdx
	mov $PML4_B, %r13

	mov %r13, %cr3
	CHECK "B: slot 1 read", (%rdx), $0x1000
	mov %r12, %cr3
	movq $(DATA + 0x5000 | P | RW), PT_X
	mov %r13, %cr3
	CHECK "B: pte changed while A ran", (%rdx), $0x5000
	mov %r12, %cr3
	movq $(PT_Y | P | RW), PD_X
	mov %r13, %cr3
	CHECK "B: pde changed while A ran", (%rdx), $0x6000
	mov %r12, %cr3
	andq $~A, PT_Y
	mov %r13, %cr3
	CHECK "B: read after A was cleared", (%rdx), $0x6000
	mov PT_Y, %rax
	and $(A | D), %eax
	CHECK "B: pte A set again", %rax, $A
	movq $0x6060, (%rdx)
	mov %r12, %cr3
	andq $~(D | RW), PT_Y
	mov %r13, %cr3
	TRY movq $0x6161, (%rdx)
	CHECK "B: write after RW was cleared: faults", pf_count(%rip), $1
	CHECK "B: write after RW was cleared: error code", pf_err(%rip), $0x3
	CHECK "B: write after RW was cleared: memory", DATA + 0x6000, $0x6060
	mov %r12, %cr3
	movq $(PDPT_X | P | RW | A), PDPT_X	/* PDPT_X maps itself as a PD */
	mov %r13, %cr3
	TRY mov (%rdx), %rax
	CHECK "B: pdpte changed while A ran: faults", pf_count(%rip), $0
	CHECK "B: pdpte changed while A ran: data", %rax, $(PDPT_X | P | RW | A)
	mov %r12, %cr3
	movq $0, PML4_B + 8
	mov %r13, %cr3
	TRY mov (%rdx), %rax
	CHECK "B: slot cleared while A ran: faults", pf_count(%rip), $1
	CHECK "B: slot cleared while A ran: error code", pf_err(%rip), $0
	mov %r12, %cr3

	/* 14. SMSW and LMSW, the 286's CR0 (register forms). */
	mov %cr0, %rbx
	smsw %rax
	CHECK "smsw %rax = cr0", %rax, %rbx
	mov %rbx, %rax
	or $8, %eax			/* TS */
	and $~1, %eax			/* LMSW cannot clear PE */
	lmsw %ax
	mov %cr0, %rcx
	or $8, %rbx
	CHECK "lmsw: cr0 with TS, PE kept", %rcx, %rbx
	mov $-1, %rcx
	clts
	smsw %cx
	movabs $0xffffffffffff0000, %rdx
	and $0xffff, %ebx
	and $~8, %ebx
	or %rdx, %rbx
	CHECK "smsw %cx after clts", %rcx, %rbx
	mov %cr0, %rbx
	and $~0x10000, %ebx		/* WP off: under shadow paging, */
	mov %rbx, %cr0			/* only the guest's CR0 says so */
	smsw %rax
	CHECK "smsw %rax with wp=0", %rax, %rbx
	or $0x10000, %ebx
	mov %rbx, %cr0

	VERDICT

/*
 * #PF: record the error code and CR2; resume at pf_fixup, or, with none
 * set, fail as lib.S's handlers do.
 */
pf_handler:
	cmpq $0, pf_fixup(%rip)
	je 1f
	push %rax
	mov 8(%rsp), %rax
	mov %rax, pf_err(%rip)
	mov %cr2, %rax
	mov %rax, pf_cr2(%rip)
	incq pf_count(%rip)
	mov pf_fixup(%rip), %rax
	mov %rax, 16(%rsp)		/* RIP, above RAX and the error code */
	pop %rax
	add $8, %rsp
	iretq
1:	mov (%rsp), %r13
	mov 8(%rsp), %r14
	SAY "FAIL unexpected #PF error "
	PUTHEX %r13
	PUTS " at rip "
	PUTHEX %r14
	PUTS " cr2 "
	mov %cr2, %rax
	PUTHEX %rax
	PUTS "\n"
	POWEROFF $0x8e

	.bss
	.balign 8
pf_fixup:	.quad 0
pf_count:	.quad 0
pf_err:		.quad 0
pf_cr2:		.quad 0
