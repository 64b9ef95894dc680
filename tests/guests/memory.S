/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memory.S - all RAM from 2 MiB up to the size in RDI: every 8-byte word at
 * address A gets A ^ 0x5a5a5a5a5a5a5a5a, then all of it is read back.
 * Says it starts, then prints "memory: PASS <bytes> bytes".  The image and
 * everything below 2 MiB except the stack are left alone, so a RAM dump
 * taken after the guest stops holds the image at LGUEST_RAW_LOAD and the
 * pattern above.
 */
	.include "guest.inc"

	.set FILL_START, 0x200000

	GUEST memory
	call setup_idt
	PUTS "memory: filling RAM from 2 MiB up\n"
	mov %rdi, %r15
	test $0x1fffff, %r15
	jnz 9f
	cmp $2*FILL_START, %r15
	jb 9f
	movabs $0x5a5a5a5a5a5a5a5a, %r8

	mov $FILL_START, %edi
1:	mov %rdi, %rax
	xor %r8, %rax
	mov %rax, (%rdi)
	add $8, %rdi
	cmp %r15, %rdi
	jb 1b

	mov $FILL_START, %edi
2:	mov %rdi, %rax
	xor %r8, %rax
	cmp %rax, (%rdi)
	jne 8f
	add $8, %rdi
	cmp %r15, %rdi
	jb 2b

	sub $FILL_START, %r15
	SAY "PASS "
	PUTDEC %r15
	PUTS " bytes\n"
	POWEROFF $0

8:	SAY "FAIL word at "
	PUTHEX %rdi
	PUTS " reads "
	PUTHEX (%rdi)
	PUTS " want "
	PUTHEX %rax
	PUTS "\n"
	POWEROFF $1

9:	SAY "FAIL RAM size "
	PUTHEX %r15
	PUTS " is not a multiple of 2 MiB of at least 4 MiB\n"
	POWEROFF $1
