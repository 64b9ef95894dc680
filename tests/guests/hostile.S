/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile.S - every hostile raw guest, one scenario a block.  The Makefile
 * assembles this file once per hostile-NAME.bin with --defsym
 * hostile_NAME=1 (dashes as underscores), which keeps NAME's block alone.
 * Each block says what its guest does and what must happen to it; the
 * host side checks that as the guest's row in tests/guests/cases.tsv.
 */
	.include "guest.inc"

/*
 * WRITE_2M_PLUS_4K: the act of past-ram, high-gpa and maxphys.  Map the
 * 2 MiB-aligned guest-physical address in %r15 with map_2m, announce
 * "writing to guest-physical <%r15 + 4 KiB>" and write there.  %rax is
 * left pointing at the mapping, for a guest that survives and wants to
 * read back.
 */
.macro WRITE_2M_PLUS_4K
	mov %r15, %rax
	call map_2m
	lea 0x1000(%r15), %rbx
	SAY "writing to guest-physical "
	PUTHEX %rbx
	PUTS "\n"
	movq $0x1234, 0x1000(%rax)
.endm

/*
 * SVM insn: the scenario hostile-<insn> (when selected): executes the SVM
 * instruction insn, which a guest of lguest may not use (RAX names a page
 * of RAM, for the instructions that take one).  No IDT: if the module
 * answers with #UD, that triple-faults.  Must be killed.
 */
.macro SVM insn
	.ifdef hostile_\insn
	GUEST hostile-\insn
	mov $SCRATCH_PAGE, %eax
	SAY "executing \insn\n"
	\insn
	FAIL "survived \insn"
	.endif
.endm

	/* vmrun, vmsave, clgi, stgi: those four instructions, as SVM says. */
	SVM vmrun
	SVM vmsave
	SVM clgi
	SVM stgi

/*
 * triple: loads an IDT with limit 0 and executes UD2: #UD, #DF,
 * triple fault.  Must be killed.
 */
	.ifdef hostile_triple
	GUEST hostile-triple
	SAY "ud2 with an empty IDT\n"
	lidt empty_idtr(%rip)
	ud2
	FAIL "survived ud2 with an empty IDT"

	.section .rodata
empty_idtr:
	.word 0
	.quad 0
	.endif

/*
 * noncanon: jumps to the non-canonical 0x0000800000000000 with
 * an empty IDT: #GP, #DF, triple fault.  Must be killed.
 */
	.ifdef hostile_noncanon
	GUEST hostile-noncanon
	SAY "jumping to 0x0000800000000000\n"
	movabs $0x0000800000000000, %rax
	jmp *%rax
	.endif

/*
 * past-ram: maps the 2 MiB of guest-physical space just past RAM
 * (RDI) into its own page tables and writes there.  Must be killed: there
 * is nothing past RAM.  No IDT: a fault on the way is a triple fault.
 */
	.ifdef hostile_past_ram
	GUEST hostile-past-ram
	mov %rdi, %r15
	WRITE_2M_PLUS_4K
	mov 0x1000(%rax), %rbx
	SAY "FAIL survived a write past RAM (read back "
	PUTHEX %rbx
	PUTS ")\n"
	POWEROFF $1
	.endif

/*
 * high-gpa: maps the 2 MiB page at guest-physical 2^52 - 2 MiB
 * (the top of what a page-table entry can name) and writes there.  Must be
 * killed, by whatever path: reserved-bit #PF and triple fault, or a
 * nested page fault the module cannot serve.
 */
	.ifdef hostile_high_gpa
	GUEST hostile-high-gpa
	movabs $0x000fffffffe00000, %r15
	WRITE_2M_PLUS_4K
	FAIL "survived a write to guest-physical 2^52 - 2 MiB + 4 KiB"
	.endif

/*
 * maxphys: like hostile-high-gpa, at the top 2 MiB that the
 * guest's own MAXPHYADDR (CPUID 0x80000008 EAX[7:0]) allows, so the write
 * passes the guest's page walk and reaches the module's nested paging.
 * Must be killed.
 */
	.ifdef hostile_maxphys
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
	.endif

/*
 * pt-outside: points a page-directory entry at a "page table"
 * just past RAM (RDI) and reads through it, so the page walk itself (the
 * CPU's under nested paging, the module's under shadow paging) must read
 * guest-physical memory that does not exist.  Must be killed.  No IDT: a
 * fault on the way is a triple fault.
 */
	.ifdef hostile_pt_outside
	GUEST hostile-pt-outside
	mov %rdi, %r15
	mov %rdi, %rax
	or $3, %rax			/* present, writable, a table (not 2 MiB) */
	call map_pde
	SAY "reading through a page table at guest-physical "
	PUTHEX %r15
	PUTS "\n"
	movabs $HIGH_VA, %rax
	mov (%rax), %rbx
	FAIL "survived a page walk through a table outside RAM"
	.endif

/*
 * mmio-lock: a LOCK-prefixed OR (f0 83 0b 01) on the IOAPIC's
 * IOREGSEL at guest-physical 0xfec00000, mapped with map_2m.  The MMIO
 * decoder takes only plain MOVs: the guest must be killed with a reason
 * that names the bytes at the RIP it printed and the address.
 */
	.ifdef hostile_mmio_lock
	GUEST hostile-mmio-lock
	mov $0xfec00000, %r15d
	mov %r15, %rax
	call map_2m
	mov %rax, %rbx
	lea 1f(%rip), %rcx
	SAY "lock or on guest-physical 0xfec00000 at rip "
	PUTHEX %rcx
	PUTS "\n"
1:	lock orl $1, (%rbx)
	FAIL "survived a LOCK OR on the IOAPIC"
	.endif

/*
 * mmio-rep: REP MOVSL (f3 a5) reading 4 dwords from the IOAPIC
 * at guest-physical 0xfec00000 (mapped with map_2m) into RAM.  String
 * instructions on device memory are not emulated: the guest must be
 * killed with a reason that names the bytes at the RIP it printed and the
 * address.
 */
	.ifdef hostile_mmio_rep
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
	.endif

/*
 * mmio-unbacked: a 32-bit load from guest-physical 0xe0000000:
 * above RAM, below and outside the virtio-mmio windows and the IOAPIC, so
 * no device backs it.  The guest must be killed with "read of unbacked
 * guest-physical address 0xe0000000 at rip <the RIP it printed>".
 */
	.ifdef hostile_mmio_unbacked
	GUEST hostile-mmio-unbacked
	mov $0xe0000000, %eax
	call map_2m
	mov %rax, %rsi
	lea 1f(%rip), %rbx
	SAY "reading guest-physical 0xe0000000 at rip "
	PUTHEX %rbx
	PUTS "\n"
1:	movl (%rsi), %eax
	SAY "FAIL survived a read of unbacked guest-physical 0xe0000000 (read "
	PUTHEX %rax
	PUTS ")\n"
	POWEROFF $1
	.endif

/*
 * spin: spins forever with interrupts off and never exits on
 * its own: the host interrupts the launcher and must get it back at once.
 */
	.ifdef hostile_spin
	GUEST hostile-spin
	SAY "spinning with interrupts off\n"
	cli
1:	jmp 1b
	.endif

/*
 * hc-user: hypercalls are the guest kernel's: from CPL 3 they
 * fail with -EPERM in RAX and do nothing.  The guest's user mode asks for
 * a poweroff (status 0x77) and arms the hypercall timer; both must come
 * back -EPERM, the guest must keep running, and no timer may fire.
 */
	.ifdef hostile_hc_user
	.set EPERM, 1

	GUEST hostile-hc-user
	call setup_idt
	call ring3_setup
	lea user_code(%rip), %rdi
	call call_ring3
	CHECK "cs at user level", %r14, $USER_CS
	CHECK "poweroff from CPL 3 returns", %r12, $-EPERM
	CHECK "set_timer from CPL 3 returns", %r13, $-EPERM
	CHECK "nop from CPL 3 returns", %r15, $-EPERM
	/* Still here: the poweroff did nothing.  And the timer? */
	mov $0x30, %edi			/* a fired timer would land here */
	lea timer_fired(%rip), %rsi
	call set_gate
	sti
	mov $2000000, %ecx		/* far longer than the 1 us asked for */
1:	pause
	dec %ecx
	jnz 1b
	cli
	CHECK "timer interrupts", fired(%rip), $0
	VERDICT

user_code:
	mov %cs, %r14
	mov $LGUEST_HC_POWEROFF, %eax
	mov $0x77, %ebx
	vmmcall
	mov %rax, %r12
	mov $LGUEST_HC_SET_TIMER, %eax
	mov $1000, %ebx			/* 1 us */
	mov $0x30, %ecx
	vmmcall
	mov %rax, %r13
	mov $LGUEST_HC_NOP, %eax
	vmmcall
	mov %rax, %r15
	RING0

timer_fired:
	incq fired(%rip)
	iretq

	.bss
	.balign 8
fired:	.quad 0
	.endif

/*
 * ac-db: #AC and #DB reach the guest's own handlers intact
 * while the host intercepts them (CVE-2015-5307, CVE-2015-8104): a storm
 * of misaligned loads at CPL 3 with CR0.AM and RFLAGS.AC set, each an #AC
 * with error code 0 that the handler counts and steps over; then a
 * single-step loop through "mov %ax, %ss" and pushf/popf with TF set, each
 * #DB with DR6.BS.  The host side (guest-hostile-ac-db) checks that both
 * vectors were intercepted.
 */
	.ifdef hostile_ac_db
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
	.endif

	.ifndef _start
	.error "hostile.S: no scenario chosen (as --defsym hostile_NAME=1)"
	.endif
