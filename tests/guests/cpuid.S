/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpuid.S - what a guest learns about its hypervisor: CPUID leaf 0's
 * vendor (printed), leaf 1's hypervisor bit, lguest's leaves 0x40000100
 * ("LguestLguest", max leaf) and 0x40000101 (API version), and the MSRs
 * LGUEST_MSR_SIGNATURE / LGUEST_MSR_API (readable; a write must #GP).
 * Under KVM this guest fails, as it should: it is lguest's identity.
 */
	.include "guest.inc"

	GUEST cpuid
	call setup_idt

	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	mov %ebx, text(%rip)
	mov %edx, text+4(%rip)
	mov %ecx, text+8(%rip)
	movb $0, text+12(%rip)
	SAY "leaf 0 max "
	PUTHEX %rax
	PUTS " vendor "
	lea text(%rip), %rsi
	call puts
	PUTS "\n"

	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	shr $31, %ecx
	CHECK "leaf 1 ecx.hypervisor", %rcx, $1

	mov $LGUEST_CPUID_SIGNATURE, %eax
	xor %ecx, %ecx
	cpuid
	mov %ebx, text(%rip)
	mov %ecx, text+4(%rip)
	mov %edx, text+8(%rip)
	movb $0, text+12(%rip)
	SAY "leaf 0x40000100 signature '"
	lea text(%rip), %rsi
	call puts
	PUTS "'\n"
	mov %eax, %eax
	xor %esi, %esi
	cmp $LGUEST_CPUID_FEATURES, %rax
	setae %sil
	CHECK "leaf 0x40000100 eax", %rax, %rax		/* printed */
	CHECK "leaf 0x40000100 eax >= 0x40000101", %rsi, $1
	mov %ebx, %ebx
	CHECK "leaf 0x40000100 ebx", %rbx, $0x6575674c	/* "Lgue" */
	mov %ecx, %ecx
	CHECK "leaf 0x40000100 ecx", %rcx, $0x674c7473	/* "stLg" */
	mov %edx, %edx
	CHECK "leaf 0x40000100 edx", %rdx, $0x74736575	/* "uest" */

	mov $LGUEST_CPUID_FEATURES, %eax
	xor %ecx, %ecx
	cpuid
	mov %eax, %eax
	CHECK "leaf 0x40000101 eax (api)", %rax, $LGUEST_API_VERSION

	mov $LGUEST_MSR_SIGNATURE, %ecx
	call rdmsr_safe
	CHECK "rdmsr signature faulted", %rdx, $0
	movabs $LGUEST_SIGNATURE, %rdx
	CHECK "msr signature", %rax, %rdx
	mov $LGUEST_MSR_API, %ecx
	call rdmsr_safe
	CHECK "rdmsr api faulted", %rdx, $0
	CHECK "msr api", %rax, $LGUEST_API_VERSION
	mov $LGUEST_MSR_SIGNATURE, %ecx
	xor %eax, %eax
	call wrmsr_safe
	CHECK "wrmsr signature faulted", %rdx, $1
	VERDICT

	.bss
text:	.skip 16
