// SPDX-License-Identifier: GPL-2.0
/*
 * msr.c - the MSRs a guest may touch beyond those VMLOAD switches: each
 * emulated against the vCPU's state (the APIC's and kvmclock's go to
 * lapic.c and kvmclock.c); any other is #GP, as on a CPU without it.
 */
#include "lg.h"

#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>

/* A PAT value is valid if every entry is UC, WC, WT, WP, WB or UC-. */
static bool lg_pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = (pat >> (i * 8)) & 0xff;

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/* MSR_MTRRdefType reset value: MTRRs enabled, default type write-back. */
#define LG_MTRR_DEF_TYPE	0xc06
/* MISC_ENABLE as KVM shows it: no branch trace store, no PEBS. */
#define LG_MISC_ENABLE		(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)
/* HWCR bits a guest may write (TLB flush filter, McStatusWrEn, TscFreqSel). */
#define LG_HWCR_WRITABLE	(BIT_ULL(6) | BIT_ULL(18) | BIT_ULL(24))

static int lg_rdmsr(struct lg_vcpu *vcpu, u32 msr, u64 *val)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	switch (msr) {
	case MSR_MTRRcap:
		*val = 0;	/* no variable or fixed ranges, no WC */
		return 0;
	case MSR_MTRRdefType:
		*val = vcpu->mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = vcpu->misc_enable;
		return 0;
	case MSR_K7_HWCR:
		*val = vcpu->hwcr;
		return 0;
	case MSR_K8_INT_PENDING_MSG:
		/* No C1E: Linux reads this on CPUs with erratum 400. */
		*val = 0;
		return 0;
	case MSR_AMD64_DE_CFG:
		/* LFENCE is dispatch-serializing: RDTSC ordering works. */
		*val = MSR_AMD64_DE_CFG_LFENCE_SERIALIZE;
		return 0;
	case MSR_K7_EVNTSEL0 ... MSR_K7_PERFCTR3:
		*val = 0;	/* see lg_wrmsr() */
		return 0;
	case MSR_EFER:
		*val = lg_guest_efer(vcpu) & ~EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = s->g_pat;
		return 0;
	case MSR_IA32_TSC:
		*val = rdtsc() + vcpu->vmcb->control.tsc_offset;
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*val = vcpu->tsc_adjust;
		return 0;
	case MSR_TSC_AUX:
		if (!lg_has_tsc_aux())
			return -EINVAL;
		*val = vcpu->tsc_aux;
		return 0;
	case LGUEST_MSR_SIGNATURE:
		*val = LGUEST_SIGNATURE;
		return 0;
	case LGUEST_MSR_API:
		*val = LGUEST_API_VERSION;
		return 0;
	}
	return -EINVAL;
}

static int lg_wrmsr(struct lg_vcpu *vcpu, u32 msr, u64 val)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	switch (msr) {
	case MSR_EFER:
		if (val & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
			return -EINVAL;
		/* LME may not change while paging is on; LMA is the CPU's. */
		if ((lg_guest_cr0(vcpu) & X86_CR0_PG) &&
		    ((val ^ lg_guest_efer(vcpu)) & EFER_LME))
			return -EINVAL;
		if (vcpu->shadow) {
			lg_shadow_set_efer(vcpu, val);
			return 0;
		}
		if (lg_lme_without_pae(s->cr0, s->cr4, val)) {
			kill_guest(vcpu->lg, "EFER.LME set with CR4.PAE and paging off (efer 0x%llx, cr4 0x%llx) at rip 0x%llx: a state the test host's CPU cannot leave (lg_lme_without_pae())",
				   val, s->cr4, s->rip);
			return 0;
		}
		s->efer = (val & ~(u64)EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!lg_pat_valid(val))
			return -EINVAL;
		if (val != s->g_pat)
			lg_shadow_flush(vcpu);	/* shadow memory types follow it */
		s->g_pat = val;
		return 0;
	case MSR_IA32_TSC: {
		/* TSC_ADJUST follows every TSC write (SDM vol. 3, 18.17.3). */
		u64 offset = val - rdtsc();

		vcpu->tsc_adjust += offset - vcpu->vmcb->control.tsc_offset;
		vcpu->vmcb->control.tsc_offset = offset;
		vcpu->kvmclock.cpu = -1;	/* kvmclock's pair moves with it */
		return 0;
	}
	case MSR_IA32_TSC_ADJUST:
		/* And the TSC moves by what TSC_ADJUST is changed by. */
		vcpu->vmcb->control.tsc_offset += val - vcpu->tsc_adjust;
		vcpu->tsc_adjust = val;
		vcpu->kvmclock.cpu = -1;
		return 0;
	case MSR_TSC_AUX:
		/* Bits 63:32 are reserved (APM vol. 2, 13.2.4). */
		if (!lg_has_tsc_aux() || val >> 32)
			return -EINVAL;
		vcpu->tsc_aux = val;
		return 0;
	case MSR_MTRRdefType:
		if (val & ~0xcffULL)
			return -EINVAL;
		vcpu->mtrr_def_type = val;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		/*
		 * An Intel MSR (AMD CPUs have none; Linux reads it on both).
		 * As KVM keeps it: the "unavailable" bits are read-only, the
		 * rest are stored and change nothing (no fast strings to turn
		 * off, no MONITOR to hide, NX stays in CPUID).
		 */
		if ((val ^ LG_MISC_ENABLE) & LG_MISC_ENABLE)
			return -EINVAL;
		vcpu->misc_enable = val;
		return 0;
	case MSR_K7_HWCR:
		if (val & ~LG_HWCR_WRITABLE)
			return -EINVAL;
		vcpu->hwcr = val;
		return 0;
	case MSR_AMD64_DE_CFG:
		return 0;	/* nothing to configure */
	case MSR_K7_EVNTSEL0 ... MSR_K7_PERFCTR3:
		/*
		 * The four legacy performance counters exist on every AMD64
		 * CPU, with no CPUID bit to say so (APM vol. 2, 13.2.1): a
		 * guest may write them.  We offer no PMU, so they never count
		 * and read 0, as KVM's do with its PMU off.
		 */
		return 0;
	}
	return -EINVAL;
}

/*T:610 Every MSR not in the pass-through list of vmcb.c exits here.  The
 * ones we know are emulated against the VMCB; the rest raise #GP, exactly
 * what a CPU does for an MSR it does not have, which is how Linux probes
 * for optional ones.  Among the rest are SPEC_CTRL, PRED_CMD and
 * VIRT_SPEC_CTRL, which CPUID does not offer: the guest can neither read
 * the host's speculation controls nor change them. :*/
/**
 * lg_exit_msr() - handle RDMSR/WRMSR.
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_msr(struct lg_vcpu *vcpu)
{
	static const u8 rd[] = { 0x0f, 0x32 }, wr[] = { 0x0f, 0x30 };
	bool write = vcpu->vmcb->control.exit_info_1;
	u32 msr = vcpu->regs[LG_RCX];
	u64 val = (vcpu->regs[LG_RAX] & 0xffffffff) | (vcpu->regs[LG_RDX] << 32);
	int err;

	if (!lg_lapic_msr(vcpu, msr, write, &val, &err) &&
	    !lg_kvmclock_msr(vcpu, msr, write, &val, &err))
		err = write ? lg_wrmsr(vcpu, msr, val) : lg_rdmsr(vcpu, msr, &val);
	if (err) {
		if (write)
			pr_info_ratelimited("guest wrmsr 0x%x <- 0x%llx: #GP\n", msr, val);
		else
			pr_info_ratelimited("guest rdmsr 0x%x: #GP\n", msr);
		lg_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return LG_EXIT_CONTINUE;
	}
	if (write) {
		lg_skip_insn(vcpu, wr, sizeof(wr));
		return LG_EXIT_CONTINUE;
	}
	if (lg_skip_insn(vcpu, rd, sizeof(rd)))
		return LG_EXIT_CONTINUE;
	vcpu->regs[LG_RAX] = lower_32_bits(val);
	vcpu->regs[LG_RDX] = upper_32_bits(val);
	return LG_EXIT_CONTINUE;
}

/**
 * lg_msr_init() - a new vCPU's MSRs at their reset values.
 * @vcpu: the vCPU.
 */
void lg_msr_init(struct lg_vcpu *vcpu)
{
	vcpu->mtrr_def_type = LG_MTRR_DEF_TYPE;
	vcpu->misc_enable = LG_MISC_ENABLE;
	vcpu->hwcr = 0;
}
