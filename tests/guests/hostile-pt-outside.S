/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-pt-outside.S - points a page-directory entry at a "page table"
 * just past RAM (RDI) and reads through it, so the page walk itself (the
 * CPU's under nested paging, the module's under shadow paging) must read
 * guest-physical memory that does not exist.  Must be killed.  No IDT: a
 * fault on the way is a triple fault.
 */
	.include "guest.inc"

	GUEST hostile-pt-outside
	mov %rdi, %r15
	mov $SCRATCH_PD, %edi
	mov $512, %ecx
	xor %eax, %eax
	rep stosq
	mov %r15, %rax
	or $3, %rax			/* present, writable, a table (not 2 MiB) */
	mov %rax, SCRATCH_PD
	mov %cr3, %rcx
	and $~0xfff, %rcx
	mov (%rcx), %rcx		/* PML4[0]: the PDPT */
	movabs $0x000ffffffffff000, %rdx
	and %rdx, %rcx
	movq $(SCRATCH_PD | 3), 511*8(%rcx)
	mov %cr3, %rcx
	mov %rcx, %cr3
	SAY "reading through a page table at guest-physical "
	PUTHEX %r15
	PUTS "\n"
	movabs $HIGH_VA, %rax
	mov (%rax), %rbx
	FAIL "survived a page walk through a table outside RAM"
