/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fpu.S - the guest's SSE registers are its own: put a distinct value in
 * each of XMM0-XMM15, then check them all, millions of times, while the
 * host switches the launcher's thread out for tasks of its own that use
 * the FPU (guest-fpu runs one beside it on the same CPU).  A value that
 * changes under the guest fails, naming the register.
 */
	.include "guest.inc"

	.set ROUNDS, 10000000

	GUEST fpu
	SAY "filling XMM0-XMM15, checking them "
	PUTDEC $ROUNDS
	PUTS " times\n"
	movabs $0x4c47465055000000, %r8		/* "LGFPU" << 24 */
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	lea \i(%r8), %rax
	movq %rax, %xmm\i
	.endr
	mov $ROUNDS, %rcx
1:
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movq %xmm\i, %rax
	sub %r8, %rax
	cmp $\i, %rax
	jne .Lbad\i
	.endr
	dec %rcx
	jnz 1b
	PASS

	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
.Lbad\i:
	mov %rcx, %r12
	movq %xmm\i, %r13
	SAY "XMM\i changed under the guest to "
	PUTHEX %r13
	PUTS " with "
	PUTDEC %r12
	PUTS " rounds to go\n"
	FAIL "XMM\i"
	.endr
