/* SPDX-License-Identifier: GPL-2.0 */
/*
 * switcher.S - the world switch.  The ancestor's switcher rewrote page
 * tables, the GDT and the IDT by hand to hop between rings; on AMD-V the
 * CPU does that work in VMRUN and #VMEXIT, and what is left is to hand the
 * guest its general registers and take them back, and to save the slice of
 * host state that VMRUN leaves alone (APM vol. 2, 15.5.2 and 15.30.4).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* LG_VCPU_RBX ...: offsets into struct lg_vcpu, generated (lg-asm-offsets.c). */
#include "lg-asm-offsets.h"

	.text

/*T:400 Here is the switch itself.  VMRUN saves the host's RIP, RSP, RAX,
 * control registers and selectors in the per-CPU host save area and loads
 * the guest's from the VMCB; #VMEXIT reverses that.  It does not touch the
 * hidden state of FS, GS, TR and LDTR, nor KernelGSBase, STAR/LSTAR/CSTAR/
 * SFMASK and the SYSENTER MSRs, so we VMSAVE the host's copy before and
 * VMLOAD it after, with the guest's copy moved the other way.  RAX is in
 * the VMCB, and #VMEXIT puts back the host's RAX, the VMCB's address,
 * which is how we find our feet afterwards.  The caller has cleared GIF
 * (CLGI), so nothing can interrupt us between the two halves. :*/
/*
 * lg_vmrun - run the guest until its next #VMEXIT (kernel-doc: lg.h).
 * @vcpu:         %rdi, struct lg_vcpu: guest registers in regs[], and out
 *                again (RAX and RSP travel in the VMCB).
 * @vmcb_pa:      %rsi, physical address of the guest's VMCB.
 * @host_save_pa: %rdx, physical address of this CPU's host VMSAVE page.
 *
 * Must be called with GIF clear and interrupts disabled; returns so.  Preserves the
 * callee-saved registers; clobbers the rest, with guest values scrubbed.
 */
SYM_FUNC_START(lg_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* 16(%rsp): vcpu */
	push	%rdx			/*  8(%rsp): host_save_pa */
	push	%rsi			/*  0(%rsp): vmcb_pa */

	mov	%rdx, %rax
	vmsave	%rax			/* host FS/GS/TR/LDTR and syscall MSRs */

	mov	%rsi, %rax
	mov	LG_VCPU_RBX(%rdi), %rbx
	mov	LG_VCPU_RCX(%rdi), %rcx
	mov	LG_VCPU_RDX(%rdi), %rdx
	mov	LG_VCPU_RSI(%rdi), %rsi
	mov	LG_VCPU_RBP(%rdi), %rbp
	mov	LG_VCPU_R8(%rdi),  %r8
	mov	LG_VCPU_R9(%rdi),  %r9
	mov	LG_VCPU_R10(%rdi), %r10
	mov	LG_VCPU_R11(%rdi), %r11
	mov	LG_VCPU_R12(%rdi), %r12
	mov	LG_VCPU_R13(%rdi), %r13
	mov	LG_VCPU_R14(%rdi), %r14
	mov	LG_VCPU_R15(%rdi), %r15
	mov	LG_VCPU_RDI(%rdi), %rdi

	vmload	%rax
	/*
	 * With V_INTR_MASKING the host's IF as VMRUN finds it decides
	 * whether physical interrupts reach us (and exit the guest) while
	 * it runs (APM 15.21.1).  GIF is still clear, so STI lets nothing
	 * in here; it only makes the host's timer able to stop the guest.
	 * The NOP takes STI's one-instruction interrupt shadow: VMRUN gives
	 * the guest the shadow its VMCB says (15.21.5), but QEMU's TCG, our
	 * test host, carries ours into the guest, where it would hold off
	 * the virtual interrupt we post for one guest instruction ("sti; hlt;
	 * cli" would never see it).
	 */
	/*
	 * On CPUs with Transient Scheduler Attacks (TSA) the kernel asks
	 * for a VERW before guest entry (X86_FEATURE_CLEAR_CPU_BUF_VM, as
	 * in KVM's __svm_vcpu_run), so data the host left in the CPU's
	 * buffers cannot be sampled by the guest.  A no-op elsewhere; VERW
	 * only clobbers ZF.
	 */
	VM_CLEAR_CPU_BUFFERS
	sti
	nop
	vmrun	%rax
	cli
	vmsave	%rax			/* RAX is the VMCB again */

	mov	16(%rsp), %rax
	mov	%rbx, LG_VCPU_RBX(%rax)
	mov	%rcx, LG_VCPU_RCX(%rax)
	mov	%rdx, LG_VCPU_RDX(%rax)
	mov	%rsi, LG_VCPU_RSI(%rax)
	mov	%rdi, LG_VCPU_RDI(%rax)
	mov	%rbp, LG_VCPU_RBP(%rax)
	mov	%r8,  LG_VCPU_R8(%rax)
	mov	%r9,  LG_VCPU_R9(%rax)
	mov	%r10, LG_VCPU_R10(%rax)
	mov	%r11, LG_VCPU_R11(%rax)
	mov	%r12, LG_VCPU_R12(%rax)
	mov	%r13, LG_VCPU_R13(%rax)
	mov	%r14, LG_VCPU_R14(%rax)
	mov	%r15, LG_VCPU_R15(%rax)

	/*T:405 The guest ran on the same branch predictors as the host, and
	 * may have filled them with targets of its choosing.  Before the
	 * host's first RET after #VMEXIT we clean up after it, exactly as
	 * KVM's __svm_vcpu_run does and as the host kernel's boot-time
	 * mitigation choice (arch/x86/kernel/cpu/bugs.c) asks, each step an
	 * ALTERNATIVE patched in at module load only where that choice
	 * wants it:
	 *  - the return stack buffer is overwritten with 32 harmless entries
	 *    (X86_FEATURE_RSB_VMEXIT: SpectreRSB, when the host mitigates
	 *    Spectre v2 with retpolines, LFENCE or IBRS);
	 *  - the return predictions in the BTB are untrained
	 *    (entry_untrain_ret or srso_alias_untrain_ret on Zen 1-4, for
	 *    Retbleed and SRSO);
	 *  - or all predictions are flushed with an IBPB on every exit
	 *    (X86_FEATURE_IBPB_ON_VMEXIT: retbleed=ibpb, or
	 *    spec_rstack_overflow=ibpb or ibpb-vmexit; it also serves
	 *    VMSCAPE).
	 * Nothing before this point executes a RET or an indirect branch,
	 * and GIF is still clear, so no interrupt or NMI handler can return
	 * through the guest's predictions first.  The registers the
	 * untraining clobbers (RAX, RCX, RDX) hold only guest values already
	 * saved. :*/
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
	/*
	 * UNTRAIN_RET, but with its IBPB keyed on IBPB_ON_VMEXIT, which
	 * bugs.c sets wherever it sets ENTRY_IBPB: one barrier per exit,
	 * not two (mainline KVM's UNTRAIN_RET_VM does the same).
	 */
	ANNOTATE_UNRET_END
	CALL_UNTRAIN_RET
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT

	/* Leave no guest value in a register the host might use. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	pop	%rax			/* vmcb_pa: done with it */
	pop	%rax			/* host_save_pa */
	vmload	%rax
	pop	%rax			/* vcpu */
	xor	%eax, %eax

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(lg_vmrun)
