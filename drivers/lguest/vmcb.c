// SPDX-License-Identifier: GPL-2.0
/*
 * vmcb.c - the guest's state image: a VMCB (APM vol. 2, 15.5 and appendix
 * B), which both backends use as the common layout of a vCPU's state, its
 * reset values, the intercepts every backend must honour, and the checked
 * translation between the user ABI's register structures and the VMCB.
 */
#include "lg.h"

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

/*T:335 The VMCB is the guest's state image in both backends.  On AMD-V
 * the CPU reads it at VMRUN and writes it at #VMEXIT; on Intel VT-x it is
 * ours alone, and vmx.c copies it into the VMCS before each VM entry and
 * back after each exit, translating the exit into an AMD-V exit code with
 * its EXITINFO.  So the run loop, the exit handlers, the shadow MMU and
 * the platform read one layout (APM vol. 2, appendix B), whatever the CPU,
 * and the hardware's own format stays in the two backend files. :*/
/**
 * lg_vmcb_alloc() - allocate the guest's state image: a reset-like guest
 *	state for SET_SREGS to refine, nested or shadow paging, then what the
 *	backend adds (intercepts, ASID or VPID, its hardware structures).
 * @vcpu: the guest, with nested page tables built or a shadow MMU.
 *
 * Return: 0 or -ENOMEM.
 */
int lg_vmcb_alloc(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c;
	struct vmcb_save_area *s;
	struct page *page;

	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	vcpu->vmcb = page_address(page);
	c = &vcpu->vmcb->control;
	s = &vcpu->vmcb->save;
	vcpu->last_cpu = -1;
	vcpu->virq_vec = -1;

	/*
	 * #AC and #DB are intercepted only to be handed back (run.c): a
	 * guest can make the CPU raise one while delivering the same one,
	 * forever, in microcode that takes no interrupt (CVE-2015-5307,
	 * CVE-2015-8104).  With the intercept every delivery is an exit.
	 * #MC is the host's: a machine check while the guest runs goes to
	 * the host's handler (run.c), never to the guest.  #UD is handed
	 * back too, through lg_inject_exception(), which pushes RF as the
	 * CPU must (the TCG test host's CPU does not); it is rare (Linux's
	 * BUG() and WARN()), and KVM intercepts it as well.
	 */
	c->intercepts[INTERCEPT_EXCEPTION] |= BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) |
					      BIT(X86_TRAP_MC) | BIT(X86_TRAP_UD);
	/* Reads and writes of DR0-DR7 (debugreg.c, lg_exit_dr()). */
	c->intercepts[INTERCEPT_DR] = GENMASK(7, 0) | GENMASK(23, 16);
	/* The guest's TSC starts near 0 when it is created, on every vCPU. */
	c->tsc_offset = vcpu->lg->tsc_offset;

	/* A flat 64-bit-capable reset state; the launcher sets the rest. */
	s->efer = EFER_SVME;
	s->cr0 = X86_CR0_ET | X86_CR0_NE;
	s->dr6 = 0xffff0ff0;	/* DR6 reset value */
	s->dr7 = 0x400;		/* DR7 reset value */
	s->rflags = X86_EFLAGS_FIXED;
	s->g_pat = 0x0007040600070406ULL;
	s->cs.attrib = 0x9b;	/* present, code, read, accessed */
	s->cs.limit = 0xffff;
	s->ds.attrib = s->es.attrib = s->ss.attrib = 0x93;
	s->fs.attrib = s->gs.attrib = 0x93;
	s->ds.limit = s->es.limit = s->ss.limit = 0xffff;
	s->fs.limit = s->gs.limit = 0xffff;
	s->tr.attrib = 0x8b;	/* busy 64-bit TSS */
	s->tr.limit = 0xffff;
	s->ldtr.attrib = 0x82;
	s->ldtr.limit = 0xffff;
	s->gdtr.limit = s->idtr.limit = 0xffff;
	if (vcpu->shadow) {
		lg_shadow_vmcb_init(vcpu);
	} else {
		c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
		c->nested_cr3 = page_to_phys(vcpu->lg->npt_root);
	}
	return lg_hw->vcpu_create(vcpu);
}

/**
 * lg_vmcb_free() - free the state image and what the backend holds.
 * @vcpu: the guest (its VMCB may be unallocated).
 */
void lg_vmcb_free(struct lg_vcpu *vcpu)
{
	if (!vcpu->vmcb)
		return;
	lg_hw->vcpu_free(vcpu);
	free_page((unsigned long)vcpu->vmcb);
	vcpu->vmcb = NULL;
}

/**
 * lg_get_regs() - the guest's general registers, for LGUEST_GET_REGS.
 * @vcpu: the guest.
 * @r: filled in.
 */
void lg_get_regs(struct lg_vcpu *vcpu, struct lguest_regs *r)
{
	const u64 *g = vcpu->regs;

	*r = (struct lguest_regs) {
		.rax = g[LG_RAX], .rbx = g[LG_RBX], .rcx = g[LG_RCX],
		.rdx = g[LG_RDX], .rsi = g[LG_RSI], .rdi = g[LG_RDI],
		.rsp = g[LG_RSP], .rbp = g[LG_RBP], .r8 = g[LG_R8],
		.r9 = g[LG_R9], .r10 = g[LG_R10], .r11 = g[LG_R11],
		.r12 = g[LG_R12], .r13 = g[LG_R13], .r14 = g[LG_R14],
		.r15 = g[LG_R15],
		.rip = vcpu->vmcb->save.rip, .rflags = lg_nmi_rflags(vcpu),
	};
}

/* RFLAGS bits a guest may hold; bit 1 always reads as one. */
#define LG_RFLAGS_VALID	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | \
			 X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_OF | \
			 X86_EFLAGS_IOPL | X86_EFLAGS_NT | X86_EFLAGS_RF | \
			 X86_EFLAGS_VM | X86_EFLAGS_AC | X86_EFLAGS_VIF | \
			 X86_EFLAGS_VIP | X86_EFLAGS_ID)

/**
 * lg_set_regs() - set the guest's general registers, for LGUEST_SET_REGS.
 * @vcpu: the guest.
 * @r: the values; reserved RFLAGS bits are cleared, bit 1 set.
 */
void lg_set_regs(struct lg_vcpu *vcpu, const struct lguest_regs *r)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	u64 *g = vcpu->regs;

	g[LG_RAX] = r->rax;
	g[LG_RBX] = r->rbx;
	g[LG_RCX] = r->rcx;
	g[LG_RDX] = r->rdx;
	g[LG_RSI] = r->rsi;
	g[LG_RDI] = r->rdi;
	g[LG_RSP] = r->rsp;
	g[LG_RBP] = r->rbp;
	g[LG_R8] = r->r8;
	g[LG_R9] = r->r9;
	g[LG_R10] = r->r10;
	g[LG_R11] = r->r11;
	g[LG_R12] = r->r12;
	g[LG_R13] = r->r13;
	g[LG_R14] = r->r14;
	g[LG_R15] = r->r15;
	s->rip = r->rip;
	s->rflags = (r->rflags & LG_RFLAGS_VALID) | X86_EFLAGS_FIXED;
	lg_nmi_reset(vcpu);
}

static void lg_seg_out(struct lguest_segment *u, const struct vmcb_seg *v)
{
	*u = (struct lguest_segment) {
		.base = v->base, .limit = v->limit,
		.selector = v->selector, .attrib = v->attrib,
	};
}

static void lg_seg_in(struct vmcb_seg *v, const struct lguest_segment *u)
{
	*v = (struct vmcb_seg) {
		.base = u->base, .limit = u->limit,
		.selector = u->selector, .attrib = u->attrib,
	};
}

/**
 * lg_get_sregs() - segment, control and table registers, for LGUEST_GET_SREGS.
 * @vcpu: the guest.
 * @u: filled in; EFER without SVME, which is ours.
 */
void lg_get_sregs(struct lg_vcpu *vcpu, struct lguest_sregs *u)
{
	const struct vmcb_save_area *s = &vcpu->vmcb->save;

	memset(u, 0, sizeof(*u));
	lg_seg_out(&u->cs, &s->cs);
	lg_seg_out(&u->ds, &s->ds);
	lg_seg_out(&u->es, &s->es);
	lg_seg_out(&u->fs, &s->fs);
	lg_seg_out(&u->gs, &s->gs);
	lg_seg_out(&u->ss, &s->ss);
	lg_seg_out(&u->tr, &s->tr);
	lg_seg_out(&u->ldt, &s->ldtr);
	u->gdt.base = s->gdtr.base;
	u->gdt.limit = s->gdtr.limit;
	u->idt.base = s->idtr.base;
	u->idt.limit = s->idtr.limit;
	u->cr0 = lg_guest_cr0(vcpu);
	u->cr2 = s->cr2;
	u->cr3 = lg_guest_cr3(vcpu);
	u->cr4 = s->cr4;
	u->efer = lg_guest_efer(vcpu) & ~EFER_SVME;
}

/**
 * lg_cr4_allowed() - CR4 bits a guest may set: those we can run it with on
 *	this CPU (and, with shadow paging, emulate).
 *
 * Return: the mask.
 */
u64 lg_cr4_allowed(void)
{
	u64 ok = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_XSAVE))
		ok |= X86_CR4_OSXSAVE;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		ok |= X86_CR4_FSGSBASE;
	return ok;
}

/**
 * lg_lme_without_pae() - is this long mode enabled but inactive, without
 *	PAE (EFER.LME set, CR0.PG and CR4.PAE clear)?
 * @cr0: the guest's CR0.
 * @cr4: the guest's CR4.
 * @efer: the guest's EFER.
 *
 * The state is legal on silicon, where #VMEXIT loads the host's CR0, CR4
 * and EFER as one (APM vol. 2, 15.6).  QEMU's TCG, the test host, loads
 * the host's CR0 first, while the guest's EFER.LME and CR4 are still in
 * place: its CR0 write then looks like an activation of long mode without
 * PAE and is dropped, and the host runs on with the guest's CR0 (paging
 * off) and GIF clear: that CPU never takes an interrupt again.  No OS
 * needs the state (PAE goes on before LME, SDM vol. 3, 10.8.5), so every
 * way in is refused: SET_SREGS, and under nested paging, where CR0 writes
 * do not exit, the CR4 and EFER writes that would complete it (cr.c,
 * msr.c; the shadow MMU runs the hardware with PAE on and LME off while
 * the guest's paging is off, so it never holds the state).
 *
 * Return: true for that state.
 */
bool lg_lme_without_pae(u64 cr0, u64 cr4, u64 efer)
{
	return (efer & EFER_LME) && !(cr0 & X86_CR0_PG) && !(cr4 & X86_CR4_PAE);
}

/*T:340 VMRUN refuses state that breaks the consistency rules of APM vol. 2,
 * 15.5.1 by exiting with VMEXIT_INVALID, and a launcher bug must not look
 * like a guest crash.  So the rules are checked here, when the launcher
 * sets the state, and a violation is -EINVAL naming nothing but the ioctl.
 * The guest can still break them itself later (an EFER write, say); those
 * paths check again. :*/
static bool lg_sregs_valid(const struct lguest_sregs *u)
{
	bool lme = u->efer & EFER_LME, pg = u->cr0 & X86_CR0_PG;
	const struct lguest_segment *segs[] = {
		&u->cs, &u->ds, &u->es, &u->fs, &u->gs, &u->ss, &u->tr, &u->ldt,
	};
	unsigned int i;

	if (u->cr0 >> 32 || ((u->cr0 & X86_CR0_NW) && !(u->cr0 & X86_CR0_CD)))
		return false;
	if (pg && !(u->cr0 & X86_CR0_PE))
		return false;
	if (u->cr3 >> boot_cpu_data.x86_phys_bits)
		return false;
	if (u->cr4 & ~lg_cr4_allowed())
		return false;
	if (u->efer & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
		return false;
	if (!!(u->efer & EFER_LMA) != (lme && pg))
		return false;
	if (lme && pg && !(u->cr4 & X86_CR4_PAE))
		return false;
	if (lg_lme_without_pae(u->cr0, u->cr4, u->efer))
		return false;
	/* CS.L with CS.D is reserved in long mode (APM 15.5.1). */
	if (lme && pg && (u->cs.attrib & SVM_SELECTOR_L_MASK) &&
	    (u->cs.attrib & SVM_SELECTOR_DB_MASK))
		return false;
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (segs[i]->attrib & 0xf000 || segs[i]->reserved)
			return false;
	for (i = 0; i < ARRAY_SIZE(u->reserved); i++)
		if (u->reserved[i])
			return false;
	return !(u->gdt.reserved[0] | u->gdt.reserved[1] | u->gdt.reserved[2] |
		 u->idt.reserved[0] | u->idt.reserved[1] | u->idt.reserved[2]);
}

/**
 * lg_set_sregs() - set segment, control and table registers, checked.
 * @vcpu: the guest.
 * @u: the values.
 *
 * Return: 0, or -EINVAL if VMRUN would refuse them (nothing changed).
 */
int lg_set_sregs(struct lg_vcpu *vcpu, const struct lguest_sregs *u)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	if (!lg_sregs_valid(u) || !lg_shadow_sregs_ok(vcpu, u->cr0, u->cr4, u->efer))
		return -EINVAL;
	lg_seg_in(&s->cs, &u->cs);
	lg_seg_in(&s->ds, &u->ds);
	lg_seg_in(&s->es, &u->es);
	lg_seg_in(&s->fs, &u->fs);
	lg_seg_in(&s->gs, &u->gs);
	lg_seg_in(&s->ss, &u->ss);
	lg_seg_in(&s->tr, &u->tr);
	lg_seg_in(&s->ldtr, &u->ldt);
	s->gdtr.base = u->gdt.base;
	s->gdtr.limit = u->gdt.limit;
	s->idtr.base = u->idt.base;
	s->idtr.limit = u->idt.limit;
	s->cr0 = u->cr0;
	s->cr2 = u->cr2;
	s->cr3 = u->cr3;
	s->cr4 = u->cr4;
	s->efer = u->efer | EFER_SVME;
	s->cpl = (u->ss.attrib >> 5) & 3;
	lg_shadow_load_cr(vcpu);
	return 0;
}
