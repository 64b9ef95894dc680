/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall.S - the exit round trip: HC_ITERS LGUEST_HC_NOP hypercalls and
 * CPUID_ITERS CPUID(0)s, timed with the TSC.  Prints
 *	hypercall: nop returned <rax>
 *	hypercall: count <HC_ITERS> returned-0 <how many returned 0>
 *	@@RT hypercall <TSC cycles per round trip>
 *	cpuid: count <CPUID_ITERS>
 *	@@RT cpuid <TSC cycles per round trip>
 * and passes if a NOP leaves every register but RAX alone.  Under lguest
 * every NOP returns 0; under KVM every one returns -KVM_ENOSYS, so the
 * host, not the guest, judges the returned-0 count.  Built twice: the full
 * counts (hypercall.bin) and --defsym'd short ones (hypercall-short.bin).
 */
	.include "guest.inc"

	.ifndef HC_ITERS
	.set HC_ITERS, 1000000
	.endif
	.ifndef CPUID_ITERS
	.set CPUID_ITERS, 100000
	.endif

	GUEST hypercall
	call setup_idt

	/* One NOP with a known value in every register. */
	lea sentinels(%rip), %rax
	mov 0*8(%rax), %rbx
	mov 1*8(%rax), %rcx
	mov 2*8(%rax), %rdx
	mov 3*8(%rax), %rsi
	mov 4*8(%rax), %rdi
	mov 5*8(%rax), %rbp
	mov 6*8(%rax), %r8
	mov 7*8(%rax), %r9
	mov 8*8(%rax), %r10
	mov 9*8(%rax), %r11
	mov 10*8(%rax), %r12
	mov 11*8(%rax), %r13
	mov 12*8(%rax), %r14
	mov 13*8(%rax), %r15
	HYPERCALL LGUEST_HC_NOP
	mov %rax, nop_result(%rip)
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rbp
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %rbx
	lea sentinels(%rip), %rsi
	xor %ecx, %ecx
	xor %edx, %edx			/* registers changed */
1:	mov (%rsp,%rcx,8), %rax
	cmp (%rsi,%rcx,8), %rax
	je 2f
	inc %edx
	SAY "nop changed register #"
	PUTDEC %rcx
	PUTS " (rbx rcx rdx rsi rdi rbp r8..r15) to "
	PUTHEX %rax
	PUTS "\n"
2:	inc %ecx
	cmp $14, %ecx
	jb 1b
	add $14*8, %rsp
	mov %rdx, clobbered(%rip)
	SAY "nop returned "
	PUTHEX nop_result(%rip)
	PUTS "\n"

	/* The timed NOP loop. */
	RDTSC64 %r12
	mov $HC_ITERS, %r14d
	xor %r13d, %r13d
3:	mov $LGUEST_HC_NOP, %eax
	vmmcall
	test %rax, %rax
	jnz 4f
	inc %r13
4:	dec %r14
	jnz 3b
	RDTSC64 %rax
	sub %r12, %rax
	mov %rax, %r12
	xor %edx, %edx
	mov $HC_ITERS, %ecx
	div %rcx
	mov %rax, %r14
	SAY "count "
	PUTDEC $HC_ITERS
	PUTS " returned-0 "
	PUTDEC %r13
	PUTS " cycles "
	PUTDEC %r12
	PUTS "\n@@RT hypercall "
	PUTDEC %r14
	PUTS "\n"

	/* The timed CPUID loop. */
	RDTSC64 %r12
	mov $CPUID_ITERS, %r14d
5:	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	dec %r14
	jnz 5b
	RDTSC64 %rax
	sub %r12, %rax
	mov %rax, %r12
	xor %edx, %edx
	mov $CPUID_ITERS, %ecx
	div %rcx
	mov %rax, %r14
	PUTS "cpuid: count "
	PUTDEC $CPUID_ITERS
	PUTS " cycles "
	PUTDEC %r12
	PUTS "\n@@RT cpuid "
	PUTDEC %r14
	PUTS "\n"

	CHECK "registers changed by a nop", clobbered(%rip), $0
	VERDICT

	.section .rodata
	.balign 8
sentinels:
	.quad 0x1111111111111111, 0x2222222222222222, 0x3333333333333333
	.quad 0x4444444444444444, 0x5555555555555555, 0x6666666666666666
	.quad 0x7777777777777777, 0x8888888888888888, 0x9999999999999999
	.quad 0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb, 0xcccccccccccccccc
	.quad 0xdddddddddddddddd, 0xeeeeeeeeeeeeeeee

	.bss
	.balign 8
nop_result:	.quad 0
clobbered:	.quad 0
