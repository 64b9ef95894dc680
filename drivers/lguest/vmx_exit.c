// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_exit.c - what a VT-x exit was, in the terms the shared handlers
 * read: each VMX exit reason becomes AMD-V's exit code with its EXITINFO
 * (vmcb.c, T:335), and a refused VM entry becomes a kill reason that
 * names the check the state failed.
 */
#include "lg.h"
#include "vmx.h"
#include "vmx_ops.h"

#include <asm/debugreg.h>
#include <asm/traps.h>
#include <asm/vmx.h>

/*
 * Exit reasons that end an instruction, and the AMD-V exit each becomes
 * (0, AMD's CR0 read, is never an entry: 0 means none).
 */
static const u16 lg_vmx_insn_exits[] = {
	[EXIT_REASON_CPUID]		= SVM_EXIT_CPUID,
	[EXIT_REASON_HLT]		= SVM_EXIT_HLT,
	[EXIT_REASON_INVD]		= SVM_EXIT_INVD,
	[EXIT_REASON_INVLPG]		= SVM_EXIT_INVLPG,
	[EXIT_REASON_RDPMC]		= SVM_EXIT_RDPMC,
	[EXIT_REASON_VMCALL]		= SVM_EXIT_VMMCALL,
	[EXIT_REASON_VMCLEAR]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMLAUNCH]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMPTRLD]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMPTRST]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMREAD]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMRESUME]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMWRITE]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMOFF]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMON]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_INVEPT]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_INVVPID]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_VMFUNC]		= SVM_EXIT_VMRUN,
	[EXIT_REASON_MSR_READ]		= SVM_EXIT_MSR,
	[EXIT_REASON_MSR_WRITE]		= SVM_EXIT_MSR,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= SVM_EXIT_MWAIT,
	[EXIT_REASON_MONITOR_INSTRUCTION] = SVM_EXIT_MONITOR,
	[EXIT_REASON_WBINVD]		= SVM_EXIT_WBINVD,
	[EXIT_REASON_XSETBV]		= SVM_EXIT_XSETBV,
	[EXIT_REASON_IO_INSTRUCTION]	= SVM_EXIT_IOIO,
	/* Which CR or DR, read or write, comes from the qualification. */
	[EXIT_REASON_CR_ACCESS]		= SVM_EXIT_WRITE_CR0,
	[EXIT_REASON_DR_ACCESS]		= SVM_EXIT_WRITE_DR0,
};

/*
 * An I/O exit's qualification (SDM table 28-5) in AMD's IOIO form (APM
 * 15.10.2): port, direction, string, REP, size, and for strings the
 * address size and segment from the instruction information (28.2.5).
 */
static u64 lg_vmx_ioio(u64 qual)
{
	static const u32 sizes[] = { SVM_IOIO_SIZE_MASK & (1 << 4), 1 << 5, 0, 1 << 6 };
	u64 info = (qual & 0xffff0000) | sizes[qual & 3];
	u32 insn;

	if (qual & BIT(3))
		info |= SVM_IOIO_TYPE_MASK;
	if (qual & BIT(4)) {
		insn = lg_vmread(VMX_INSTRUCTION_INFO);
		info |= SVM_IOIO_STR_MASK | (1 << (7 + ((insn >> 7) & 3))) |
			(((insn >> 15) & 7) << 10);
	}
	if (qual & BIT(5))
		info |= SVM_IOIO_REP_MASK;
	return info;
}

/*
 * An EPT violation's qualification (SDM table 28-7) as the error code of
 * AMD's nested page fault (APM 15.25.6): present if the page was mapped
 * at all, write, instruction fetch, and whether the access was the
 * guest's page-table walk rather than the instruction's own.
 */
static u64 lg_vmx_npf_error(u64 qual)
{
	u64 err = 0;

	if (qual & (VMX_EPT_RWX_MASK << 3))
		err |= X86_PF_PROT;
	if (qual & BIT(1))
		err |= X86_PF_WRITE;
	if (qual & BIT(2))
		err |= X86_PF_INSTR;
	if ((qual & BIT(7)) && !(qual & BIT(8)))
		err |= BIT_ULL(33);		/* guest page-table access */
	else
		err |= BIT_ULL(32);		/* the final translation */
	return err;
}

/*
 * The IDT-vectoring information (SDM 28.2.4) as AMD's EXITINTINFO: the
 * same layout, with Intel's software exceptions (INT3, INTO) called
 * exceptions and its privileged ones (INT1) software interrupts, which
 * run.c redoes by running the instruction again, as AMD's CPU would.
 */
static u32 lg_vmx_intinfo(u32 info)
{
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	if (!(info & INTR_INFO_VALID_MASK))
		return 0;
	info &= ~INTR_INFO_RESVD_BITS_MASK;
	if (type == INTR_TYPE_SOFT_EXCEPTION)
		info = (info & ~INTR_INFO_INTR_TYPE_MASK) | SVM_EXITINTINFO_TYPE_EXEPT;
	else if (type == INTR_TYPE_PRIV_SW_EXCEPTION)
		info = (info & ~INTR_INFO_INTR_TYPE_MASK) | SVM_EXITINTINFO_TYPE_SOFT;
	return info;
}

/* One segment's VMCS fields, for lg_vmx_diagnose(). */
static const struct {
	const char *name;
	u32 sel, limit, ar;
} lg_vmx_diag_segs[] = {
	{ "es", GUEST_ES_SELECTOR, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES },
	{ "cs", GUEST_CS_SELECTOR, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES },
	{ "ss", GUEST_SS_SELECTOR, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES },
	{ "ds", GUEST_DS_SELECTOR, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES },
	{ "fs", GUEST_FS_SELECTOR, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES },
	{ "gs", GUEST_GS_SELECTOR, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES },
	{ "ldtr", GUEST_LDTR_SELECTOR, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES },
	{ "tr", GUEST_TR_SELECTOR, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES },
};

/*T:545 The CPU refuses a guest state with exit reason 33 and says no more
 * (SDM 26.7): which of the dozens of checks of SDM 26.3.1 failed is left
 * to us.  After a refusal, and only then, the state the VMCS holds is
 * put to the checks a launcher's SET_SREGS or a guest can get wrong: the
 * fixed bits of CR0 and CR4, paging and long mode against each other,
 * RFLAGS, each segment's access rights against its limit and the mode,
 * CS and SS against each other, TR and LDTR, and the interruptibility
 * state.  The first that fails names the kill reason. :*/
static void lg_vmx_diagnose(char *why, size_t len)
{
	u64 cr0 = lg_vmread(GUEST_CR0), cr4 = lg_vmread(GUEST_CR4);
	u64 efer = lg_vmread(GUEST_IA32_EFER), rflags = lg_vmread(GUEST_RFLAGS);
	u32 entry = lg_vmread(VM_ENTRY_CONTROLS), intr = lg_vmread(GUEST_INTERRUPTIBILITY_INFO);
	bool ug = lg_vmread(SECONDARY_VM_EXEC_CONTROL) & SECONDARY_EXEC_UNRESTRICTED_GUEST;
	bool ia32e = entry & VM_ENTRY_IA32E_MODE;
	u64 fixed0 = lg_vmx_caps.cr0_fixed0;
	u32 ar, cs_ar = lg_vmread(GUEST_CS_AR_BYTES), ss_ar = lg_vmread(GUEST_SS_AR_BYTES);
	unsigned int i;

	if (ug)
		fixed0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	if ((cr0 & fixed0) != fixed0 || (cr0 & ~lg_vmx_caps.cr0_fixed1)) {
		snprintf(why, len, "CR0 0x%llx against the VMX fixed bits", cr0);
		return;
	}
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)) {
		snprintf(why, len, "CR0.PG without CR0.PE (cr0 0x%llx)", cr0);
		return;
	}
	if ((cr4 & lg_vmx_caps.cr4_fixed0) != lg_vmx_caps.cr4_fixed0 ||
	    (cr4 & ~lg_vmx_caps.cr4_fixed1)) {
		snprintf(why, len, "CR4 0x%llx against the VMX fixed bits", cr4);
		return;
	}
	if (ia32e != !!(efer & EFER_LMA) ||
	    ((cr0 & X86_CR0_PG) && !!(efer & EFER_LME) != !!(efer & EFER_LMA)) ||
	    (ia32e && !((cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE)))) {
		snprintf(why, len, "long mode inconsistent: efer 0x%llx cr0 0x%llx cr4 0x%llx",
			 efer, cr0, cr4);
		return;
	}
	if (!(rflags & X86_EFLAGS_FIXED) || (rflags >> 22) ||
	    (rflags & (BIT(3) | BIT(5) | BIT(15))) ||
	    ((rflags & X86_EFLAGS_VM) && (ia32e || !(cr0 & X86_CR0_PE)))) {
		snprintf(why, len, "RFLAGS 0x%llx", rflags);
		return;
	}
	if ((intr & GUEST_INTR_STATE_STI) && !(rflags & X86_EFLAGS_IF)) {
		snprintf(why, len, "STI blocking with RFLAGS.IF clear");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(lg_vmx_diag_segs); i++) {
		u32 limit = lg_vmread(lg_vmx_diag_segs[i].limit);

		ar = lg_vmread(lg_vmx_diag_segs[i].ar);
		if (ar & LG_AR_UNUSABLE)
			continue;
		/* Limit and granularity agree (SDM 26.3.1.2). */
		if (((limit & 0xfff) != 0xfff && (ar & BIT(15))) ||
		    ((limit >> 20) && !(ar & BIT(15)))) {
			snprintf(why, len, "%s limit 0x%x with G %u", lg_vmx_diag_segs[i].name,
				 limit, !!(ar & BIT(15)));
			return;
		}
		if (!(ar & BIT(7)) || (ar & 0xfffe0f00)) {
			snprintf(why, len, "%s access rights 0x%x (not present or reserved bits)",
				 lg_vmx_diag_segs[i].name, ar);
			return;
		}
	}
	if (cs_ar & LG_AR_UNUSABLE) {
		snprintf(why, len, "CS unusable");
		return;
	}
	if (ia32e && (cs_ar & BIT(13)) && (cs_ar & BIT(14))) {
		snprintf(why, len, "CS.L with CS.D (cs access rights 0x%x)", cs_ar);
		return;
	}
	if (!(cs_ar & BIT(4)) || !(cs_ar & BIT(3)) || !(cs_ar & 1)) {
		snprintf(why, len, "CS is not an accessed code segment (access rights 0x%x)", cs_ar);
		return;
	}
	if (!(ss_ar & LG_AR_UNUSABLE) && (((ss_ar & 0xf) != 3 && (ss_ar & 0xf) != 7))) {
		snprintf(why, len, "SS is not a writable data segment (access rights 0x%x)", ss_ar);
		return;
	}
	if (!ug && ((ss_ar >> 5) & 3) != (lg_vmread(GUEST_SS_SELECTOR) & 3)) {
		snprintf(why, len, "SS.DPL differs from SS.RPL (access rights 0x%x)", ss_ar);
		return;
	}
	ar = lg_vmread(GUEST_TR_AR_BYTES);
	if ((ar & LG_AR_UNUSABLE) || (ar & BIT(4)) ||
	    ((ar & 0xf) != 11 && (ia32e || (ar & 0xf) != 3))) {
		snprintf(why, len, "TR is not a busy TSS (access rights 0x%x)", ar);
		return;
	}
	ar = lg_vmread(GUEST_LDTR_AR_BYTES);
	if (!(ar & LG_AR_UNUSABLE) && ((ar & 0xf) != 2 || (ar & BIT(4)))) {
		snprintf(why, len, "LDTR is not an LDT (access rights 0x%x)", ar);
		return;
	}
	snprintf(why, len, "no check of ours names it");
}

/**
 * lg_vmx_entry_failed() - a VM entry failed: kill the guest saying why.
 * @vcpu: the guest; its VMCS is current, interrupts are off.
 * @valid_fail: VMLAUNCH/VMRESUME failed as an instruction (VMfail, SDM
 *	30.2): our controls or host state, which VM_INSTRUCTION_ERROR names
 *	(SDM 30.4); else the CPU refused the guest state (exit reason bit
 *	31, SDM 26.7).
 * @reason: the exit reason of a refusal.
 * @qual: its qualification.
 */
void lg_vmx_entry_failed(struct lg_vcpu *vcpu, bool valid_fail, u32 reason, u64 qual)
{
	char why[96];

	vcpu->vmcb->control.exit_code = SVM_EXIT_ERR;
	if (valid_fail) {
		kill_guest(vcpu->lg, "VM entry failed: VM-instruction error %lu at rip 0x%llx",
			   lg_vmread(VM_INSTRUCTION_ERROR), vcpu->entry_rip);
	} else {
		lg_vmx_diagnose(why, sizeof(why));
		kill_guest(vcpu->lg, "VM entry refused the guest state (exit reason %u, qualification %llu) at rip 0x%llx: %s",
			   reason & 0xffff, qual, vcpu->entry_rip, why);
	}
	vcpu->vmcb->save.rip = vcpu->entry_rip;
}

/*T:541 After a VM exit the VMCS is read back into the VMCB image and the
 * exit renamed: an instruction's exit becomes AMD's code for it with the
 * next RIP (the exit's instruction length, SDM 28.2.5), as nrip-save gives
 * it; a CR or DR access carries its register in EXITINFO1 as AMD's decode
 * assists do; an EPT violation is a nested page fault; an exception keeps
 * its error code and, for #PF, its address.  The handlers never learn
 * which CPU they run on. :*/
/**
 * lg_vmx_translate() - the exit just taken, as AMD-V's exit code and
 *	EXITINFO in the VMCB image.
 * @vcpu: the guest; its VMCS is current, interrupts are off.
 */
void lg_vmx_translate(struct lg_vcpu *vcpu)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	u32 reason = lg_vmread(VM_EXIT_REASON), basic = reason & 0xffff;
	u64 qual = lg_vmread(EXIT_QUALIFICATION);
	u32 intr = 0, code;

	vmx->reason = reason;
	vmx->qual = qual;
	c->exit_info_1 = 0;
	c->exit_info_2 = 0;
	c->next_rip = 0;
	c->exit_int_info = lg_vmx_intinfo(lg_vmread(IDT_VECTORING_INFO_FIELD));
	c->exit_int_info_err = lg_vmread(IDT_VECTORING_ERROR_CODE);
	/* The CPU took the interrupt we injected, unless it was interrupted. */
	if (vmx->virq_injected)
		c->int_ctl &= ~V_IRQ_MASK;

	if (basic < ARRAY_SIZE(lg_vmx_insn_exits) && lg_vmx_insn_exits[basic]) {
		code = lg_vmx_insn_exits[basic];
		c->next_rip = s->rip + lg_vmread(VM_EXIT_INSTRUCTION_LEN);
		switch (basic) {
		case EXIT_REASON_MSR_WRITE:
			c->exit_info_1 = 1;
			break;
		case EXIT_REASON_INVLPG:
			c->exit_info_1 = qual;
			break;
		case EXIT_REASON_IO_INSTRUCTION:
			c->exit_info_1 = lg_vmx_ioio(qual);
			c->exit_info_2 = c->next_rip;
			break;
		case EXIT_REASON_CR_ACCESS:
			/* Table 28-3: CR in 3:0, access type in 5:4, GPR in 11:8. */
			if (((qual >> 4) & 3) == 0)
				code = SVM_EXIT_WRITE_CR0 + (qual & 15);
			else if (((qual >> 4) & 3) == 1)
				code = SVM_EXIT_READ_CR0 + (qual & 15);
			else
				code = SVM_EXIT_WRITE_CR0;	/* CLTS, LMSW: decoded */
			if (((qual >> 4) & 3) < 2)
				c->exit_info_1 = BIT_ULL(63) | ((qual >> 8) & 15);
			break;
		case EXIT_REASON_DR_ACCESS:
			/* Table 28-4: DR in 2:0, bit 4 set for MOV from DR. */
			code = ((qual & BIT(4)) ? SVM_EXIT_READ_DR0 : SVM_EXIT_WRITE_DR0) +
			       (qual & 7);
			c->exit_info_1 = BIT_ULL(63) | ((qual >> 8) & 15);
			break;
		}
		c->exit_code = code;
		return;
	}

	switch (basic) {
	case EXIT_REASON_EXCEPTION_NMI:
		intr = lg_vmread(VM_EXIT_INTR_INFO);
		vmx->intr_info = intr;
		if ((intr & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR) {
			c->exit_code = SVM_EXIT_NMI;
			break;
		}
		c->exit_code = SVM_EXIT_EXCP_BASE + (intr & INTR_INFO_VECTOR_MASK);
		if (intr & INTR_INFO_DELIVER_CODE_MASK)
			c->exit_info_1 = lg_vmread(VM_EXIT_INTR_ERROR_CODE);
		if ((intr & INTR_INFO_VECTOR_MASK) == X86_TRAP_PF)
			c->exit_info_2 = qual;
		/*
		 * An intercepted #DB leaves DR6 alone and reports its status
		 * in the qualification (SDM 28.1, table 28-1); AMD's CPU
		 * writes it to the guest's DR6 first, which the handlers
		 * expect.
		 */
		if ((intr & INTR_INFO_VECTOR_MASK) == X86_TRAP_DB)
			s->dr6 = (s->dr6 & ~(u64)(DR_TRAP_BITS | DR_STEP | LG_DR6_BD)) | DR6_RESERVED |
				 (qual & (DR_TRAP_BITS | DR_STEP | LG_DR6_BD));
		/*
		 * ICEBP (INT1) is a trap: its #DB returns after it, so the
		 * #DB handed back starts past it (its length is saved for
		 * software exceptions, SDM 28.2.5), as KVM does.
		 */
		if ((intr & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_PRIV_SW_EXCEPTION)
			s->rip += lg_vmread(VM_EXIT_INSTRUCTION_LEN);
		break;
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		c->exit_code = SVM_EXIT_INTR;
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		c->exit_code = SVM_EXIT_SHUTDOWN;
		break;
	case EXIT_REASON_INTERRUPT_WINDOW:
	case EXIT_REASON_NMI_WINDOW:
		c->exit_code = SVM_EXIT_VINTR;
		break;
	case EXIT_REASON_TASK_SWITCH:
		c->exit_code = SVM_EXIT_TASK_SWITCH;
		break;
	case EXIT_REASON_EPT_VIOLATION:
		c->exit_code = SVM_EXIT_NPF;
		c->exit_info_1 = lg_vmx_npf_error(qual);
		c->exit_info_2 = lg_vmread(GUEST_PHYSICAL_ADDRESS);
		intr = qual;	/* bit 12: NMI unblocking due to IRET */
		break;
	default:
		c->exit_code = LG_VMX_EXIT_UNKNOWN | basic;
		c->exit_info_1 = qual;
	}
	/*
	 * An IRET that unblocked NMIs and then faulted (into this exit) must
	 * not leave them unblocked: the handler runs again (SDM 28.2.3).
	 */
	if ((intr & INTR_INFO_UNBLOCK_NMI) && !(c->exit_int_info & SVM_EXITINTINFO_VALID))
		vcpu->nmi_masked = true;
}

/**
 * lg_vmx_exit_decode() - the last word on an exit, with interrupts on.
 * @vcpu: the guest.
 *
 * VMMCALL, AMD's hypercall, is #UD on Intel: one the guest ran is taken
 * for the hypercall it is (run.c steps over it after checking its bytes),
 * as KVM does.  Done here, with interrupts on, because it reads guest
 * memory.
 */
void lg_vmx_exit_decode(struct lg_vcpu *vcpu)
{
	static const u8 vmmcall[] = { 0x0f, 0x01, 0xd9 };
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u8 buf[sizeof(vmmcall)];

	if (c->exit_code != SVM_EXIT_EXCP_BASE + X86_TRAP_UD)
		return;
	if (!lg_read_guest_code(vcpu, lg_rip_linear(vcpu), buf, sizeof(buf)) &&
	    !memcmp(buf, vmmcall, sizeof(buf)))
		c->exit_code = SVM_EXIT_VMMCALL;
}

