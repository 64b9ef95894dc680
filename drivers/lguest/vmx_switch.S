/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_switch.S - the world switch on Intel VMX.  VMLAUNCH and VMRESUME load
 * the guest's state from the current VMCS, and a VM exit loads the host's
 * from its host-state area (SDM 27.5, "Loading Host State"), RSP and RIP
 * included; what neither touches is the general registers other than RSP,
 * which we hand the guest from vcpu->regs[] and take back.  The VMX
 * counterpart of switcher.S, with its speculation measures.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

/* LG_VCPU_RAX ..., LG_VMCS_HOST_RSP: generated (lg-asm-offsets.c). */
#include "lg-asm-offsets.h"

	.text

/*T:402 The VMX world switch.  Unlike VMRUN, a VM exit does not return to
 * the instruction after VMLAUNCH: the CPU jumps to the VMCS's HOST_RIP
 * with the stack pointer in HOST_RSP (SDM 27.5.3), so this function ends
 * at a label of its own, lg_vmx_exit_rip, whose address the backend writes
 * as HOST_RIP, and writes the stack pointer it will want there into
 * HOST_RSP just before entering.  VMLAUNCH is for a VMCS whose launch state
 * is "clear" (a new one, or one just moved between CPUs), VMRESUME for one
 * already "launched"; the wrong one fails (SDM 30.3).  Either can also fail
 * without entering the guest, setting CF (no current VMCS) or ZF (an error
 * number in the VMCS, SDM 30.2 and 30.4): we return 1 then, with the
 * guest's registers untouched, for the backend to report.  RAX is loaded
 * last, since it points at the registers until then; after the exit the
 * guest's RAX goes to the stack for a moment while RAX finds them again. :*/
/*
 * lg_vmx_enter - run the guest until its next VM exit (kernel-doc: vmx.h).
 * @vcpu:     %rdi, struct lg_vcpu: guest registers in regs[] (not RSP,
 *            which is GUEST_RSP in the VMCS), and out again.
 * @launched: %sil, the current VMCS's launch state is "launched".
 *
 * Must be called with interrupts disabled and the vCPU's VMCS current;
 * returns so.  Preserves the callee-saved registers; clobbers the rest,
 * with guest values scrubbed.  Returns 0 after a VM exit, 1 on VM-fail.
 */
SYM_FUNC_START(lg_vmx_enter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* 0(%rsp): vcpu, HOST_RSP points here */

	/*
	 * The exit lands with RSP = HOST_RSP: this very stack pointer.  A
	 * VMWRITE each time (the caller's frame may differ between calls);
	 * it fails like VMLAUNCH would if there is no current VMCS.
	 */
	mov	$LG_VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jna	.Lvmfail

	mov	%rdi, %rax
	/* CF = launched, kept through the MOVs below (VERW clobbers only ZF). */
	bt	$0, %esi
	mov	LG_VCPU_RCX(%rax), %rcx
	mov	LG_VCPU_RDX(%rax), %rdx
	mov	LG_VCPU_RBX(%rax), %rbx
	mov	LG_VCPU_RBP(%rax), %rbp
	mov	LG_VCPU_RSI(%rax), %rsi
	mov	LG_VCPU_RDI(%rax), %rdi
	mov	LG_VCPU_R8(%rax),  %r8
	mov	LG_VCPU_R9(%rax),  %r9
	mov	LG_VCPU_R10(%rax), %r10
	mov	LG_VCPU_R11(%rax), %r11
	mov	LG_VCPU_R12(%rax), %r12
	mov	LG_VCPU_R13(%rax), %r13
	mov	LG_VCPU_R14(%rax), %r14
	mov	LG_VCPU_R15(%rax), %r15
	mov	LG_VCPU_RAX(%rax), %rax	/* the vcpu pointer is gone now */

	/*
	 * Data the host left in the CPU's buffers must not be sampled by the
	 * guest: a VERW where the host's boot-time choice asks for one before
	 * guest entry, as KVM's __vmx_vcpu_run does (MDS, TAA, MMIO stale
	 * data and RFDS set X86_FEATURE_CLEAR_CPU_BUF; TSA sets
	 * X86_FEATURE_CLEAR_CPU_BUF_VM, the one switcher.S uses).
	 */
	ALTERNATIVE_2 "jmp .Lverw_done", "", X86_FEATURE_CLEAR_CPU_BUF, \
		      "", X86_FEATURE_CLEAR_CPU_BUF_VM
	verw	x86_verw_sel(%rip)
.Lverw_done:
	jnc	.Lvmlaunch

	/*
	 * A successful VMRESUME/VMLAUNCH comes back at lg_vmx_exit_rip, not
	 * below it: objtool is told to carry the unwind state over there.
	 */
	UNWIND_HINT_SAVE
.Lvmresume:
	vmresume
	jmp	.Lvmfail
.Lvmlaunch:
	vmlaunch
	jmp	.Lvmfail
	/* Outside VMX operation both #UD: report a failure, not an oops. */
	_ASM_EXTABLE(.Lvmresume, .Lvmfail)
	_ASM_EXTABLE(.Lvmlaunch, .Lvmfail)

SYM_INNER_LABEL(lg_vmx_exit_rip, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/*
	 * RSP and RIP come from the host-state area; RFLAGS is 0x2, so
	 * interrupts stay off; the other general registers hold the guest's.
	 */
	push	%rax			/* the guest's RAX, for a moment */
	mov	8(%rsp), %rax		/* vcpu */
	pop	LG_VCPU_RAX(%rax)
	mov	%rcx, LG_VCPU_RCX(%rax)
	mov	%rdx, LG_VCPU_RDX(%rax)
	mov	%rbx, LG_VCPU_RBX(%rax)
	mov	%rbp, LG_VCPU_RBP(%rax)
	mov	%rsi, LG_VCPU_RSI(%rax)
	mov	%rdi, LG_VCPU_RDI(%rax)
	mov	%r8,  LG_VCPU_R8(%rax)
	mov	%r9,  LG_VCPU_R9(%rax)
	mov	%r10, LG_VCPU_R10(%rax)
	mov	%r11, LG_VCPU_R11(%rax)
	mov	%r12, LG_VCPU_R12(%rax)
	mov	%r13, LG_VCPU_R13(%rax)
	mov	%r14, LG_VCPU_R14(%rax)
	mov	%r15, LG_VCPU_R15(%rax)
	xor	%ebx, %ebx		/* return 0: a VM exit */

.Lclear_regs:
	pop	%rax			/* vcpu: done with it */
	/*
	 * Leave no guest value in a register, even in those about to be
	 * reloaded from the stack (a slow reload could run ahead with the
	 * guest's value, as KVM's comment warns).  RBX holds the result.
	 */
	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d

	/*T:403 The guest trained the branch predictors as it liked, so before
	 * the host's first RET after the VM exit we clean up as KVM's
	 * __vmx_vcpu_run does and as the host kernel's boot-time choices
	 * (arch/x86/kernel/cpu/bugs.c) ask, each step an ALTERNATIVE patched
	 * at module load:
	 *  - the return stack buffer is overwritten with 32 harmless entries
	 *    (X86_FEATURE_RSB_VMEXIT: retpolines or legacy IBRS), or gets
	 *    one balanced CALL/RET (X86_FEATURE_RSB_VMEXIT_LITE: eIBRS
	 *    parts affected by PBRSB);
	 *  - with legacy IBRS (X86_FEATURE_KERNEL_IBRS) SPEC_CTRL is written
	 *    again: IBRS only protects against predictions made before the
	 *    last write of 1, and the guest ran since;
	 *  - the branch history is cleared where BHI asks for it on VM exit;
	 *  - return untraining and the IBPB on every exit, as in switcher.S
	 *    (AMD-only features in practice, harmless here when off).
	 * Nothing before this executes a RET or an indirect branch, and
	 * interrupts and NMIs are held off (VM exits on them). :*/
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	ALTERNATIVE "jmp .Lspec_ctrl_done", "", X86_FEATURE_KERNEL_IBRS
	mov	$MSR_IA32_SPEC_CTRL, %ecx
	xor	%edx, %edx
	movl	PER_CPU_VAR(x86_spec_ctrl_current), %eax
	wrmsr
.Lspec_ctrl_done:
	CLEAR_BRANCH_HISTORY_VMEXIT
	ANNOTATE_UNRET_END
	CALL_UNTRAIN_RET
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT

	mov	%rbx, %rax
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	mov	$1, %ebx		/* return 1: VMfailInvalid/VMfailValid */
	jmp	.Lclear_regs
SYM_FUNC_END(lg_vmx_enter)

/*T:404 One thing a VM exit takes away for good: an NMI that made the
 * guest exit ("NMI exiting") is not delivered to the host afterwards, and
 * NMIs stay blocked until the next IRET (SDM 27.1, "Architectural State
 * Before a VM Exit": the NMI blocks later ones once the exit completes).
 * Unlike SVM, where it waits for STGI, it is gone unless we hand it on:
 * so the backend calls this after such an exit, which calls the host's
 * NMI entry with the stack frame an NMI would have pushed, as KVM's
 * vmx_do_interrupt_nmi_irqoff() does; its IRET comes back here and ends
 * the NMI blocking. :*/
/*
 * lg_vmx_host_nmi - run the host's NMI handler (kernel-doc: vmx.h).
 * Called with interrupts disabled, right after an NMI VM exit.
 */
SYM_FUNC_START(lg_vmx_host_nmi)
	/*
	 * RBP keeps the caller's RSP, which the NMI frame records; the
	 * CPU aligns RSP to 16 bytes before pushing an interrupt frame.
	 */
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	call	asm_exc_nmi_noist
	/*
	 * The handler's IRET already restored RSP; objtool does not know
	 * that, so RSP is restored from RBP explicitly.
	 */
	mov	%rbp, %rsp
	pop	%rbp
	RET
SYM_FUNC_END(lg_vmx_host_nmi)
