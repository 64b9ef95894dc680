/* SPDX-License-Identifier: GPL-2.0 */
/*
 * multiboot.S - a Multiboot (v1) guest for "lguest --kernel", as the
 * kvm-unit-tests images are: entered in 32-bit protected mode with paging
 * off, it checks what the loader promised, turns on long mode itself and
 * reports through the test-exit port: status 1 is its pass, 3 its fail.
 * With "fail" on its command line it fails on purpose (the bad image).
 */
	.include "lguest_abi.inc"
	.set MB_MAGIC, 0x1badb002
	.set MB_FLAGS, 3			/* page-aligned modules, memory info */
	.set MB_BOOTED, 0x2badb002		/* EAX at entry (Multiboot 3.2) */
	.set COM1, LGUEST_SERIAL_PORT
	.set TEST_EXIT, LGUEST_TEST_EXIT_PORT

	.section .text.start, "ax"
	.code32
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.globl _start
_start:
	mov $stack_top, %esp
	mov %ebx, %ebp				/* the information structure */
	mov $bad_magic, %esi
	cmp $MB_BOOTED, %eax
	jne fail
	mov $paging_on, %esi
	mov %cr0, %eax
	test $0x80000000, %eax
	jnz fail
	mov $no_memory, %esi
	testb $1, (%ebp)			/* flags: mem_lower/mem_upper */
	jz fail
	mov $say_mem, %esi
	call puts
	mov 8(%ebp), %eax			/* mem_upper, KiB */
	call putdec
	mov $newline, %esi
	call puts
	/* "fail" on the command line (flags bit 2): the deliberate failure. */
	testb $4, (%ebp)
	jz 1f
	mov 16(%ebp), %edi
	mov $asked, %esi
2:	cmpl $0x6c696166, (%edi)		/* "fail" */
	je fail
	inc %edi
	cmpb $0, 3(%edi)
	jne 2b
1:
	/* Long mode, the way kvm-unit-tests' cstart64.S gets there: CR4
	 * cleared first (paging is off, so PAE may be), then PAE, LME, PG. */
	xor %eax, %eax
	mov %eax, %cr4
	mov $pdpt + 3, %eax
	mov %eax, pml4
	mov $pd + 3, %eax
	mov %eax, pdpt
	mov $0x83, %eax				/* 2 MiB, present, writable */
	mov %eax, pd				/* the first 2 MiB: 0... */
	mov $0x200083, %eax
	mov %eax, pd + 8			/* ...and this image's */
	mov %cr4, %eax
	or $0x20, %eax				/* PAE */
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx			/* EFER.LME */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000000, %eax
	mov %eax, %cr0
	lgdt gdt_ptr
	ljmp $8, $long_mode

/* fail: say "multiboot: FAIL " and the string at ESI; exit status 3. */
fail:
	push %esi
	mov $say_fail, %esi
	call puts
	pop %esi
	call puts
	mov $newline, %esi
	call puts
	mov $1, %al
	out %al, $TEST_EXIT
	hlt

/*
 * puts: the NUL-terminated string at ESI to the serial port.  Its bytes
 * mean the same in 64-bit mode (lodsb reads at RSI there), where
 * long_mode calls it too.
 */
puts:
	mov $COM1, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	ret

/* putdec: EAX in decimal to the serial port. */
putdec:
	mov $10, %ecx
	mov $decbuf_end, %edi
	movb $0, (%edi)
1:	xor %edx, %edx
	div %ecx
	add $'0', %dl
	dec %edi
	mov %dl, (%edi)
	test %eax, %eax
	jnz 1b
	mov %edi, %esi
	jmp puts

	.code64
long_mode:
	mov $stack_top, %esp			/* zero-extends: all of RSP */
	mov $say_long, %esi
	call puts
	xor %eax, %eax
	out %al, $TEST_EXIT			/* status (0 << 1) | 1 */
	hlt

	.section .rodata
	.align 8
gdt:	.quad 0
	.quad 0x00af9b000000ffff		/* 64-bit code, selector 8 */
gdt_ptr:
	.word gdt_ptr - gdt - 1
	.long gdt
say_mem:	.asciz "multiboot: mem_upper "
say_long:	.asciz "multiboot: long mode\n"
say_fail:	.asciz "multiboot: FAIL "
bad_magic:	.asciz "EAX is not 0x2badb002"
paging_on:	.asciz "entered with paging on"
no_memory:	.asciz "no memory sizes in the information"
asked:		.asciz "asked to"
newline:	.asciz "\n"

	.section .bss
	.align 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096
	.skip 1024
stack_top:
decbuf:	.skip 11
decbuf_end:
	.skip 1
