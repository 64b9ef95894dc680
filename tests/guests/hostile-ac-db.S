/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-ac-db.S - #AC and #DB reach the guest's own handlers intact
 * while the host intercepts them (CVE-2015-5307, CVE-2015-8104): a storm
 * of misaligned loads at CPL 3 with CR0.AM and RFLAGS.AC set, each an #AC
 * with error code 0 that the handler counts and steps over; then a
 * single-step loop through "mov %ax, %ss" and pushf/popf with TF set, each
 * #DB with DR6.BS.  The host side (guest-hostile-ac-db) checks that both
 * vectors were intercepted.
 */
	.include "guest.inc"

	.set AC_STORM, 1000
	.set DB_LOOPS, 100
	.set CR0_AM, 1 << 18
	.set RFLAGS_TF, 1 << 8
	.set RFLAGS_AC, 1 << 18
	.set DR6_BS, 1 << 14

	GUEST hostile-ac-db
	call setup_idt
	call ring3_setup
	GATE 17, on_ac
	GATE 1, on_db

	mov %cr0, %rax
	or $CR0_AM, %rax
	mov %rax, %cr0
	lea user_ac(%rip), %rdi
	call call_ring3
	SAY "#AC delivered "
	PUTDEC ac_count(%rip)
	PUTS "\n"
	/*
	 * QEMU's TCG does no alignment checking at all: there, no #AC.
	 * Otherwise every load must have raised one.
	 */
	cmpq $0, ac_count(%rip)
	jne 1f
	SAY "no #AC at all: the CPU does no alignment checking (QEMU TCG)\n"
	jmp 2f
1:	CHECK "#AC count", ac_count(%rip), $AC_STORM
2:
	CHECK "#AC with a non-zero error code", ac_badcode(%rip), $0

	mov $DB_LOOPS, %r12d
1:	pushfq
	orq $RFLAGS_TF, (%rsp)
	popfq
	mov %ss, %ax
	mov %ax, %ss
	pushfq
	popfq
	nop
db_end:
	dec %r12d
	jnz 1b
	SAY "#DB delivered "
	PUTDEC db_count(%rip)
	PUTS "\n"
	xor %eax, %eax
	cmpq $DB_LOOPS * 2, db_count(%rip)
	setae %al
	CHECK "at least 2 #DB per loop", %rax, $1
	CHECK "#DB without DR6.BS", db_nobs(%rip), $0
	VERDICT

/* At CPL 3: RFLAGS.AC on, then AC_STORM misaligned 4-byte loads. */
user_ac:
	pushfq
	orq $RFLAGS_AC, (%rsp)
	popfq
	lea misaligned+1(%rip), %rsi
	mov $AC_STORM, %ecx
1:	movl (%rsi), %eax		/* 8b 06: two bytes, stepped over */
	dec %ecx
	jnz 1b
	RING0

on_ac:
	cmpq $0, (%rsp)
	je 1f
	incq ac_badcode(%rip)
1:	add $8, %rsp
	incq ac_count(%rip)
	addq $2, (%rsp)			/* over the load */
	iretq

on_db:
	incq db_count(%rip)
	push %rax
	mov %dr6, %rax
	bt $14, %rax
	jc 1f
	incq db_nobs(%rip)
1:	mov $0xffff0ff0, %eax
	mov %rax, %dr6
	lea db_end(%rip), %rax
	cmp %rax, 8(%rsp)		/* the step that reached db_end: stop */
	jne 2f
	andq $~RFLAGS_TF, 24(%rsp)
2:	pop %rax
	iretq

	.data
	.balign 8
misaligned:	.quad 0, 0
	.bss
	.balign 8
ac_count:	.quad 0
ac_badcode:	.quad 0
db_count:	.quad 0
db_nobs:	.quad 0
