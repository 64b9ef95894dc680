/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - checks the --raw entry state against the convention in
 * include/uapi/linux/lguest.h: RIP, RSP, RDI, the other GPRs, RFLAGS,
 * selectors, CR0/CR3/CR4/EFER, GDTR and the GDT's code and data
 * descriptors, the empty IDT, and the identity map of all RAM by 2 MiB
 * pages.  Prints "entry: ram <bytes>" so the host can match --mem.
 */
	.include "guest.inc"

	GUEST entry
	/* Save the entry state before anything disturbs it. */
	mov %rax, regs+0*8(%rip)
	mov %rbx, regs+1*8(%rip)
	mov %rcx, regs+2*8(%rip)
	mov %rdx, regs+3*8(%rip)
	mov %rsi, regs+4*8(%rip)
	mov %rdi, regs+5*8(%rip)
	mov %rbp, regs+6*8(%rip)
	mov %rsp, regs+7*8(%rip)
	mov %r8,  regs+8*8(%rip)
	mov %r9,  regs+9*8(%rip)
	mov %r10, regs+10*8(%rip)
	mov %r11, regs+11*8(%rip)
	mov %r12, regs+12*8(%rip)
	mov %r13, regs+13*8(%rip)
	mov %r14, regs+14*8(%rip)
	mov %r15, regs+15*8(%rip)
	pushfq
	popq rflags(%rip)
	sidt idtr_in(%rip)
	sgdt gdtr_in(%rip)

	lea _start(%rip), %rax
	CHECK "rip", %rax, $LGUEST_RAW_LOAD
	CHECK "rsp", regs+7*8(%rip), $LGUEST_RAW_LOAD
	CHECK "rflags", rflags(%rip), $0x2
	/* All other GPRs are 0. */
	xor %ecx, %ecx
	xor %eax, %eax
1:	cmp $5, %ecx
	je 2f
	cmp $7, %ecx
	je 2f
	lea regs(%rip), %rdx
	or (%rdx,%rcx,8), %rax
2:	inc %ecx
	cmp $16, %ecx
	jb 1b
	CHECK "other gprs or'ed", %rax, $0

	mov regs+5*8(%rip), %r15	/* RAM size */
	SAY "ram "
	PUTDEC %r15
	PUTS "\n"
	mov %r15, %rax
	and $0x1fffff, %eax
	CHECK "ram mod 2M", %rax, $0
	xor %eax, %eax
	cmp $0x200000, %r15
	setae %al
	CHECK "ram at least 2M", %rax, $1

	xor %eax, %eax
	mov %cs, %ax
	CHECK "cs", %rax, $0x08
	mov %ds, %ax
	CHECK "ds", %rax, $0x10
	mov %es, %ax
	CHECK "es", %rax, $0x10
	mov %ss, %ax
	CHECK "ss", %rax, $0x10
	mov %fs, %ax
	CHECK "fs", %rax, $0
	mov %gs, %ax
	CHECK "gs", %rax, $0

	mov %cr0, %rax
	CHECK "cr0", %rax, $0x80010033	/* PE MP ET NE WP PG */
	mov %cr3, %rax
	CHECK "cr3", %rax, $LGUEST_RAW_PML4
	mov %cr4, %rax
	CHECK "cr4", %rax, $0x620	/* PAE OSFXSR OSXMMEXCPT */

	movzwq idtr_in(%rip), %rax
	CHECK "idt limit", %rax, $0
	mov gdtr_in+2(%rip), %rax
	CHECK "gdt base", %rax, $LGUEST_RAW_GDT
	movzwq gdtr_in(%rip), %rdx
	xor %eax, %eax
	cmp $0x17, %rdx
	setae %al
	CHECK "gdt limit covers 0x10", %rax, $1
	/* 0x08: P, DPL 0, S, code, L, not D. */
	movabs $0x0060f80000000000, %rdx
	mov LGUEST_RAW_GDT + 0x08, %rax
	and %rdx, %rax
	movabs $0x0020980000000000, %rdx
	CHECK "gdt[0x08] P|DPL|S|code|L|D bits", %rax, %rdx
	/* 0x10: P, DPL 0, S, data, writable. */
	movabs $0x0000fa0000000000, %rdx
	mov LGUEST_RAW_GDT + 0x10, %rax
	and %rdx, %rax
	movabs $0x0000920000000000, %rdx
	CHECK "gdt[0x10] P|DPL|S|data|W bits", %rax, %rdx

	/* From here on a fault prints a FAIL line instead of killing. */
	call setup_idt
	mov $MSR_EFER, %ecx
	call rdmsr_safe
	CHECK "efer rdmsr faulted", %rdx, $0
	mov %rax, %rbx
	and $~0x1000, %rax		/* SVME: reported below, not judged */
	CHECK "efer (without SVME)", %rax, $0xd00	/* LME LMA NXE */
	shr $12, %rbx
	and $1, %ebx
	SAY "efer.svme visible to the guest: "
	PUTDEC %rbx
	PUTS "\n"

	/* Page tables: PML4[0] -> PDPT, PDPT[g] -> PD g, PD entries. */
	movabs $0x000ffffffffff000, %r14
	mov LGUEST_RAW_PML4, %rax
	mov %rax, %rbx
	and %r14, %rax
	and $3, %ebx
	CHECK "pml4[0] address", %rax, $LGUEST_RAW_PML4+0x1000
	CHECK "pml4[0] present|writable", %rbx, $3
	mov LGUEST_RAW_PML4, %r13
	and %r14, %r13			/* PDPT */
	xor %ecx, %ecx			/* 2 MiB page number */
	xor %r12d, %r12d		/* bad entries */
3:	mov %rcx, %rax
	shl $21, %rax
	cmp %r15, %rax
	jae 5f
	mov %rcx, %rdx
	shr $9, %rdx			/* GiB number */
	mov (%r13,%rdx,8), %rsi
	mov %rsi, %rdi
	and $3, %edi
	cmp $3, %edi
	jne 4f
	and %r14, %rsi			/* the PD */
	mov %rcx, %rdi
	and $511, %edi
	mov (%rsi,%rdi,8), %rsi		/* the PDE */
	movabs $0x000fffffffe00083, %rdi
	and %rdi, %rsi
	or $0x83, %rax
	cmp %rax, %rsi
	je 6f
4:	inc %r12
	cmp $1, %r12
	jne 6f
	SAY "first bad mapping of 2 MiB page "
	PUTDEC %rcx
	PUTS "\n"
6:	inc %rcx
	jmp 3b
5:	CHECK "bad ram mappings", %r12, $0
	SAY "ram 2 MiB pages checked "
	PUTDEC %rcx
	PUTS "\n"
	VERDICT

	.bss
	.balign 8
regs:	.skip 16 * 8
rflags:	.quad 0
idtr_in: .skip 16
gdtr_in: .skip 16
