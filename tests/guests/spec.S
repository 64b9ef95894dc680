/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spec.S - the speculation controls lguest keeps to itself (see
 * Documentation/security-speculation.rst.part): CPUID offers neither the
 * Intel (leaf 7 EDX) nor the AMD (0x80000008 EBX) SPEC_CTRL, IBPB, STIBP
 * and SSBD bits, and MSR_IA32_SPEC_CTRL, MSR_IA32_PRED_CMD and
 * MSR_AMD64_VIRT_SPEC_CTRL raise #GP on read and write.  Then 20,000
 * CPUID exits, so that two copies pinned to one host CPU (guest-spec)
 * take turns on it many times.
 */
	.include "guest.inc"

	.set LEAF7_EDX_SPEC,	0xac000000	/* IBRS/IBPB 26, STIBP 27, ARCH_CAP 29, SSBD 31 */
	.set X8_EBX_SPEC,	0x0300d000	/* IBPB 12, IBRS 14, STIBP 15, SSBD 24, VIRT_SSBD 25 */
	.set MSR_SPEC_CTRL,	0x48
	.set MSR_PRED_CMD,	0x49
	.set MSR_VIRT_SPEC_CTRL, 0xc001011f
	.set LOOPS,		20000

/* EXPECT_GP rd|wr, MSR, VALUE, "label": the access must raise #GP. */
.macro EXPECT_GP how, msr, val, label
	mov $\msr, %ecx
	mov $\val, %eax
	call \how\()msr_safe
	CHECK "\label", %rdx, $1
.endm

	GUEST spec
	call setup_idt

	mov $7, %eax
	xor %ecx, %ecx
	cpuid
	and $LEAF7_EDX_SPEC, %edx
	CHECK "leaf 7 edx spec bits", %rdx, $0
	mov $0x80000008, %eax
	xor %ecx, %ecx
	cpuid
	and $X8_EBX_SPEC, %ebx
	CHECK "leaf 0x80000008 ebx spec bits", %rbx, $0

	EXPECT_GP rd, MSR_SPEC_CTRL, 0, "rdmsr spec_ctrl faulted"
	EXPECT_GP wr, MSR_SPEC_CTRL, 0, "wrmsr spec_ctrl faulted"
	EXPECT_GP wr, MSR_PRED_CMD, 1, "wrmsr pred_cmd faulted"
	EXPECT_GP rd, MSR_VIRT_SPEC_CTRL, 0, "rdmsr virt_spec_ctrl faulted"
	EXPECT_GP wr, MSR_VIRT_SPEC_CTRL, 0, "wrmsr virt_spec_ctrl faulted"

	mov $LOOPS, %r12d
1:	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	dec %r12d
	jnz 1b
	CHECK "cpuid loops left", %r12, $0
	VERDICT
