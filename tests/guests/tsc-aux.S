/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tsc-aux.S - RDTSCP and RDPID read the guest's own TSC_AUX, never the
 * host's (which holds the host CPU number): 0 at first, 0x1234 after the
 * guest writes MSR_TSC_AUX; bits 63:32 of it are reserved (#GP).  Each is
 * tried only if CPUID offers it (0x80000001 EDX.27, 7.0 ECX.22); the MSR
 * exists if either does.  RDPMC raises #GP: no counters are virtualized.
 */
	.include "guest.inc"

	.set MSR_TSC_AUX, 0xc0000103

	GUEST tsc-aux
	call setup_idt

	mov $0x80000001, %eax
	cpuid
	xor %r12d, %r12d
	bt $27, %edx
	adc $0, %r12d			/* RDTSCP */
	mov $7, %eax
	xor %ecx, %ecx
	cpuid
	xor %r13d, %r13d
	bt $22, %ecx
	adc $0, %r13d			/* RDPID */
	SAY "rdtscp "
	PUTDEC %r12
	PUTS " rdpid "
	PUTDEC %r13
	PUTS "\n"

	/* RDPMC: #GP, whatever the counter. */
	xor %ecx, %ecx
	call rdpmc_safe
	CHECK "rdpmc 0 faulted", %rdx, $1
	mov $0x40000000, %ecx		/* a fixed counter on Intel */
	call rdpmc_safe
	CHECK "rdpmc 0x40000000 faulted", %rdx, $1

	mov %r12, %r14
	or %r13, %r14
	jnz 2f
	/* Neither offered: no MSR either. */
	mov $MSR_TSC_AUX, %ecx
	call rdmsr_safe
	CHECK "rdmsr tsc_aux without rdtscp/rdpid faulted", %rdx, $1
	VERDICT

2:	mov $MSR_TSC_AUX, %ecx
	call rdmsr_safe
	CHECK "rdmsr tsc_aux faulted", %rdx, $0
	CHECK "tsc_aux at start", %rax, $0
	xor %r15d, %r15d		/* expected value */
	call read_both
	mov $MSR_TSC_AUX, %ecx
	mov $0x1234, %eax
	call wrmsr_safe
	CHECK "wrmsr tsc_aux 0x1234 faulted", %rdx, $0
	mov $0x1234, %r15d
	call read_both
	/* Many exits (and host interrupts, migrations) later: still ours. */
	mov $20000, %ebx
3:	mov $LGUEST_HC_NOP, %eax
	vmmcall
	dec %ebx
	jnz 3b
	call read_both
	mov $MSR_TSC_AUX, %ecx
	movabs $0x100001234, %rax
	call wrmsr_safe
	CHECK "wrmsr tsc_aux bit 32 faulted", %rdx, $1
	mov $MSR_TSC_AUX, %ecx
	call rdmsr_safe
	CHECK "rdmsr tsc_aux", %rax, $0x1234
	VERDICT

/* read_both: RDTSCP and RDPID (those offered) must give R15. */
read_both:
	test %r12, %r12
	jz 1f
	rdtscp
	mov %ecx, %ecx
	CHECK "rdtscp ecx", %rcx, %r15
1:	test %r13, %r13
	jz 2f
	rdpid %rax
	CHECK "rdpid", %rax, %r15
2:	ret

/* rdpmc_safe: RDPMC of counter ECX; RDX = 1 if it raised #GP, else 0. */
rdpmc_safe:
	movq $0, exc_faulted(%rip)
	lea 1f(%rip), %rax
	mov %rax, exc_fixup(%rip)
	rdpmc
1:	movq $0, exc_fixup(%rip)
	mov exc_faulted(%rip), %rdx
	ret
