/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-maxphys.S - like hostile-high-gpa, at the top 2 MiB that the
 * guest's own MAXPHYADDR (CPUID 0x80000008 EAX[7:0]) allows, so the write
 * passes the guest's page walk and reaches the module's nested paging.
 * Must be killed.
 */
	.include "guest.inc"

	GUEST hostile-maxphys
	mov $0x80000008, %eax
	xor %ecx, %ecx
	cpuid
	movzbl %al, %ecx
	mov $1, %r15d
	shl %cl, %r15
	sub $0x200000, %r15
	SAY "maxphyaddr "
	PUTDEC %rcx
	PUTS "\n"
	WRITE_2M_PLUS_4K
	FAIL "survived a write at the top of MAXPHYADDR"
