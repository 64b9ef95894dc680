/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-mmio-rep.S - REP MOVSL (f3 a5) reading 4 dwords from the IOAPIC
 * at guest-physical 0xfec00000 (mapped with map_2m) into RAM.  String
 * instructions on device memory are not emulated: the guest must be
 * killed with a reason that names the bytes at the RIP it printed and the
 * address.
 */
	.include "guest.inc"

	GUEST hostile-mmio-rep
	mov $0xfec00000, %eax
	call map_2m
	mov %rax, %rsi
	mov $SCRATCH_PAGE, %edi
	mov $4, %ecx
	lea 1f(%rip), %rbx
	SAY "rep movsl from guest-physical 0xfec00000 at rip "
	PUTHEX %rbx
	PUTS "\n"
	cld
1:	rep movsl
	FAIL "survived a REP MOVSL from the IOAPIC"
