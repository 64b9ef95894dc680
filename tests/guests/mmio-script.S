/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmio-script.S - a helper guest for tests/tools/fd_probe, which plays the
 * launcher: it runs a script that fd_probe wrote into guest RAM at
 * SCRIPT_BASE, so a test can drive a virtio-mmio device (set up a queue,
 * post buffers, notify) without a Linux guest.  Each entry is 24 bytes:
 * .long op, pad; .quad addr; .long val, pad.  Ops:
 *   1  store the 32-bit val at MMIO window offset addr (from the MMIO base)
 *   2  spin until the 16-bit word at guest-physical addr equals val
 *   3  power off with status 0
 *   0  halt forever (interrupts off): the vCPU sleeps in LGUEST_RUN
 * It prints "mmio-script: start" first.  Not a test of its own.
 */
	.include "guest.inc"

	.set SCRIPT_BASE, 0x88000

	GUEST mmio-script
	SAY "start\n"
	mov $LGUEST_MMIO_BASE, %rax
	call map_2m
	mov %rax, %r12			/* HIGH_VA: the MMIO windows */
	mov $SCRIPT_BASE, %rsi
next:
	mov (%rsi), %eax
	mov 8(%rsi), %rdi
	mov 16(%rsi), %edx
	add $24, %rsi
	cmp $1, %eax
	jne 1f
	mov %edx, (%r12, %rdi)
	jmp next
1:	cmp $2, %eax
	jne 3f
2:	cmp (%rdi), %dx
	je next
	pause
	jmp 2b
3:	cmp $3, %eax
	jne 4f
	POWEROFF $0
4:	cli
	hlt
	jmp 4b
