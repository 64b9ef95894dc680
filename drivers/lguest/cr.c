// SPDX-License-Identifier: GPL-2.0
/*
 * cr.c - the guest's writes (and, under shadow paging, reads) of CR0, CR3
 * and CR4 that exit: the MOV decoded, the value checked against the
 * architecture's rules and what CPUID offers, then handed to the shadow MMU
 * (shadow.c) or, under nested paging, written to the VMCB.
 */
#include "lg.h"
#include "insn.h"

#include <asm/trapnr.h>

/**
 * lg_cr_gp() - refuse a guest's control-register write with #GP.
 * @vcpu: the guest.
 * @what: what was written, for the (rate-limited) log line.
 * @val: the value refused.
 */
void lg_cr_gp(struct lg_vcpu *vcpu, const char *what, u64 val)
{
	pr_info_ratelimited("guest %s 0x%llx: #GP\n", what, val);
	lg_inject_exception(vcpu, X86_TRAP_GP, true, 0);
}

/*
 * MOV to CR4 under nested paging (APM vol. 2, 3.1.3).  The CPU itself
 * raises #GP for bits it lacks, but not for bits it has and we do not offer
 * (CPUID does not list them, so the guest may not set them: SMEP, SMAP,
 * PKE, PCIDE, LA57, ...); hence the intercept.  PAE may not be cleared in
 * long mode.  A change of PGE, PAE or PSE flushes the TLB (APM vol. 2,
 * 5.5.3): ours is tagged by ASID, so the guest's entries go on next VMRUN.
 */
static void lg_npt_write_cr4(struct lg_vcpu *vcpu, u64 val)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	if ((val & ~lg_cr4_allowed()) ||
	    ((s->efer & EFER_LMA) && !(val & X86_CR4_PAE))) {
		lg_cr_gp(vcpu, "cr4 write", val);
		return;
	}
	if (lg_lme_without_pae(s->cr0, val, s->efer)) {
		kill_guest(vcpu->lg, "CR4.PAE cleared with EFER.LME set and paging off (cr4 0x%llx, efer 0x%llx) at rip 0x%llx: a state the test host's CPU cannot leave (lg_lme_without_pae())",
			   val, s->efer, s->rip);
		return;
	}
	if ((val ^ s->cr4) & (X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE))
		lg_flush_guest_tlb(vcpu);
	s->cr4 = val;
}

/*
 * A CR0 write under nested paging, which only VT-x intercepts, and only
 * when it changes a bit VMX operation fixes (CR0.NE, vmx.c): the CPU's
 * checks of MOV to CR0 (SDM vol. 3, 2.5 and 9.8.5), then the new value,
 * EFER.LMA following paging as the CPU's would.
 */
static void lg_npt_write_cr0(struct lg_vcpu *vcpu, u64 val)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	bool pg = val & X86_CR0_PG;

	if ((val >> 32) || (pg && !(val & X86_CR0_PE)) ||
	    (!pg && lg_code64(s)) ||	/* paging off in 64-bit mode */
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
	    (pg && (s->efer & EFER_LME) && !(s->cr4 & X86_CR4_PAE))) {
		lg_cr_gp(vcpu, "cr0 write", val);
		return;
	}
	if (pg && (s->efer & EFER_LME))
		s->efer |= EFER_LMA;
	else if (!pg)
		s->efer &= ~(u64)EFER_LMA;
	if ((val ^ s->cr0) & (X86_CR0_PG | X86_CR0_WP))
		lg_flush_guest_tlb(vcpu);
	s->cr0 = val;
}

/**
 * lg_read_rip_insn() - read the instruction at the guest's RIP.
 * @vcpu: the guest.
 * @code: %LG_INSN_MAX_LEN bytes to fill.
 *
 * Reads 15 bytes, or as many as RIP's page holds if the next page is not
 * mapped (the decoder then says whether that was enough).
 *
 * Return: the count, or 0 after killing the guest.
 */
unsigned int lg_read_rip_insn(struct lg_vcpu *vcpu, u8 *code)
{
	int n = lg_read_guest_insn(vcpu, lg_rip_linear(vcpu), code, LG_INSN_MAX_LEN);

	if (n < 0) {
		kill_guest(vcpu->lg, "cannot read the instruction at rip 0x%llx (error %d)",
			   vcpu->vmcb->save.rip, n);
		return 0;
	}
	return n;
}

/*
 * LMSW and SMSW, the 286's way to CR0's low bits, also exit as CR0 writes
 * and reads (APM vol. 2, 15.9).  LMSW loads PE, MP, EM and TS but cannot
 * clear PE; SMSW stores CR0 (its low 16 bits with a 16-bit operand).  Only
 * the register forms: Linux uses neither, and the memory forms would need
 * a write through the guest's translation for nothing.
 */
static enum lg_exit_action lg_cr_msw(struct lg_vcpu *vcpu, const u8 *insn,
					 unsigned int avail, bool write)
{
	unsigned int gpr;
	bool lmsw, size16;
	int len;
	u32 event_before = vcpu->vmcb->control.event_inj;

	len = lg_insn_decode_msw(insn, avail, &gpr, &lmsw, &size16);
	if (len < 0 || lmsw != write) {
		kill_guest(vcpu->lg, "cannot emulate the CR0 access at rip 0x%llx (%*ph): only MOV CR, CLTS and register LMSW/SMSW",
			   vcpu->vmcb->save.rip, avail, insn);
		return LG_EXIT_CONTINUE;
	}
	if (lmsw) {
		u64 src = lg_gpr_read(vcpu, gpr) & 0xf;

		lg_shadow_write_cr0(vcpu, (vcpu->guest_cr0 & ~0xfULL) | src |
				    (vcpu->guest_cr0 & X86_CR0_PE));
	} else if (size16) {
		lg_gpr_write(vcpu, gpr, (lg_gpr_read(vcpu, gpr) & ~0xffffULL) |
			     (vcpu->guest_cr0 & 0xffff));
	} else {
		lg_gpr_write(vcpu, gpr, vcpu->guest_cr0);
	}
	if (vcpu->vmcb->control.event_inj == event_before && !lg_stopped(vcpu->lg))
		lg_advance_rip(vcpu, len, true);
	return LG_EXIT_CONTINUE;
}

/*T:575 Under shadow paging control registers belong to the guest in name
 * only.  The hardware runs with our CR3 (the shadow root) and with paging
 * and write-protect always on, so the guest's own CR0 and CR3 live in
 * struct lguest and every read and write of them exits here.  Under nested
 * paging only CR4 writes exit, so that CR4 holds only what we offer.  TCG's SVM has no decode
 * assists, so the MOV is decoded from its bytes: the exit code says which
 * register, the ModRM byte which general register.  A write that changes
 * translation flushes the virtual TLB; CR4 gets only the bits we can run
 * (no PCID, LA57, SMEP or SMAP: we do not emulate them, so CPUID does not
 * offer them either). :*/
/**
 * lg_exit_cr() - handle intercepted reads and writes of CR0, CR3 and CR4.
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_cr(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u32 code = c->exit_code, event_before = c->event_inj;
	bool write = code >= SVM_EXIT_WRITE_CR0;
	unsigned int want = code & 15, cr, gpr, avail;
	u8 insn[LG_INSN_MAX_LEN];
	bool clts, to_cr;
	int len;
	u64 val;

	/*
	 * Nested paging intercepts only CR4 writes (lg_npt_write_cr4()), and
	 * on VT-x CR0 writes that change CR0.NE (lg_npt_write_cr0()).
	 */
	if (!vcpu->shadow && code != SVM_EXIT_WRITE_CR4 && code != SVM_EXIT_WRITE_CR0) {
		kill_guest(vcpu->lg, "control-register intercept 0x%x without shadow paging", code);
		return LG_EXIT_CONTINUE;
	}
	lg_shadow_count_cr_exit(vcpu);
	if (lg_hw->decode_assists && (c->exit_info_1 & BIT_ULL(63)) &&
	    lg_hw->nrips && c->next_rip) {
		cr = want;
		gpr = c->exit_info_1 & 15;
		len = 0;
		clts = false;
	} else {
		avail = lg_read_rip_insn(vcpu, insn);
		if (!avail)
			return LG_EXIT_CONTINUE;
		len = lg_insn_decode_movcr(insn, avail, &cr, &gpr, &to_cr, &clts);
		if (len == -EOPNOTSUPP && want == 0)
			return lg_cr_msw(vcpu, insn, avail, write);
		if (len < 0 || cr != want || to_cr != write) {
			kill_guest(vcpu->lg, "cannot emulate the control-register access (exit 0x%x) at rip 0x%llx (%*ph)",
				   code, vcpu->vmcb->save.rip, avail, insn);
			return LG_EXIT_CONTINUE;
		}
	}

	if (clts) {
		lg_shadow_write_cr0(vcpu, vcpu->guest_cr0 & ~X86_CR0_TS);
	} else if (!write) {
		val = want == 0 ? vcpu->guest_cr0 : vcpu->guest_cr3;
		lg_gpr_write(vcpu, gpr, val);
	} else {
		val = lg_gpr_read(vcpu, gpr);
		/* Outside 64-bit mode MOV to CR takes 32 bits (APM vol. 3). */
		if (!lg_code64(&vcpu->vmcb->save))
			val = (u32)val;
		if (!vcpu->shadow && want == 0)
			lg_npt_write_cr0(vcpu, val);
		else if (!vcpu->shadow)
			lg_npt_write_cr4(vcpu, val);
		else if (want == 0)
			lg_shadow_write_cr0(vcpu, val);
		else if (want == 3)
			lg_shadow_write_cr3(vcpu, val);
		else
			lg_shadow_write_cr4(vcpu, val);
	}
	/* A faulting write does not complete: the guest sees the #GP at RIP. */
	if (c->event_inj == event_before && !lg_stopped(vcpu->lg))
		lg_advance_rip(vcpu, len, true);
	return LG_EXIT_CONTINUE;
}
