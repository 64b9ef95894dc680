// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_cr.c - under shadow paging, the guest's CR0, CR3, CR4, EFER and
 * INVLPG as it sees them, and what each change does to the hardware's
 * state and to the vCPU's shadow MMU (shadow.c).  The exits reach here from
 * cr.c and msr.c; INVLPG from the exit table in run.c.
 */
#include "lg.h"
#include "insn.h"
#include "shadow.h"

#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

/**
 * lg_shadow_hw_cr0() - the CR0 the hardware runs a shadow-paged guest with.
 * @guest_cr0: the guest's CR0.
 *
 * Paging is always on (our tables), and so is WP: a guest running with
 * WP clear has it emulated in the shadow entries (see lg_shadow_fill()).
 * PE is the guest's: with paging off it may be in real mode, which SVM
 * runs as "paged real mode" (PG without PE is refused only with EFER.LME,
 * APM vol. 2, 15.5.1).
 *
 * Return: the value for the VMCB.
 */
static u64 lg_shadow_hw_cr0(u64 guest_cr0)
{
	return guest_cr0 | X86_CR0_PG | X86_CR0_WP;
}

/*T:580 Linux leaves the building the way a PC does: to reboot it turns
 * paging off, drops to real mode and jumps to the reset vector, where the
 * launcher's four-instruction "firmware" writes the ACPI reset register.
 * Under shadow paging the hardware may never run with paging off (it would
 * then reach host memory), so a guest without paging runs on an identity
 * map of its RAM built on demand, in the legacy PAE format: the hardware
 * is in legacy mode (EFER.LME clear, whatever the guest's EFER says) with
 * PG set and PE as the guest has it.  Paging back on is supported into
 * long mode only, the one paging mode the shadow MMU speaks. :*/
static void lg_shadow_paging_off(struct lg_vcpu *vcpu)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	vcpu->guest_efer &= ~EFER_LMA;
	s->efer = vcpu->guest_efer & ~(EFER_LME | EFER_LMA);
	s->cr3 = __pa(vcpu->shadow->np_root);
	lg_shadow_flush(vcpu);
}

static void lg_shadow_paging_on(struct lg_vcpu *vcpu)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	vcpu->guest_efer |= EFER_LMA;
	s->efer = vcpu->guest_efer;
	lg_shadow_flush(vcpu);
	lg_shadow_set_hw_cr3(vcpu);
}

/**
 * lg_shadow_set_efer() - the guest writes EFER (checked by the caller).
 * @vcpu: the guest, with shadow paging.
 * @val: the new value; LMA is ours to set, as the CPU's is.
 */
void lg_shadow_set_efer(struct lg_vcpu *vcpu, u64 val)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	u64 old = vcpu->guest_efer;

	vcpu->guest_efer = (val & ~(u64)EFER_LMA) | (old & EFER_LMA) | EFER_SVME;
	if (vcpu->guest_cr0 & X86_CR0_PG)
		s->efer = vcpu->guest_efer;
	else
		s->efer = vcpu->guest_efer & ~(EFER_LME | EFER_LMA);
	if ((old ^ val) & EFER_NX)
		lg_shadow_flush(vcpu);	/* NX bits change meaning */
}

/**
 * lg_shadow_vmcb_init() - set up a new VMCB for shadow paging: no nested
 *	paging; intercept CR0 and CR3 reads and writes, CR4 writes, INVLPG
 *	and #PF (APM vol. 2, 15.9-15.12); the hardware's CR3 is our root.
 * @vcpu: the guest, with its VMCB and shadow MMU.
 *
 * Until the launcher sets a long-mode state the guest's paging is off: the
 * hardware still runs with paging on, through the identity map of guest
 * RAM (lg_shadow_np_fill()), so it never reaches host memory.
 */
void lg_shadow_vmcb_init(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	c->nested_ctl = 0;
	c->nested_cr3 = 0;
	c->intercepts[INTERCEPT_CR] |= BIT(INTERCEPT_CR0_READ) |
		BIT(INTERCEPT_CR3_READ) | BIT(INTERCEPT_CR0_WRITE) |
		BIT(INTERCEPT_CR3_WRITE) | BIT(INTERCEPT_CR4_WRITE);
	c->intercepts[INTERCEPT_EXCEPTION] |= BIT(X86_TRAP_PF);
	c->intercepts[INTERCEPT_INVLPG / 32] |= BIT(INTERCEPT_INVLPG % 32);
	/* The reset state has paging off: the identity map, legacy PAE. */
	s->cr4 |= X86_CR4_PAE;
	vcpu->guest_cr0 = s->cr0;
	vcpu->guest_cr3 = 0;
	vcpu->guest_efer = s->efer;
	s->cr0 = lg_shadow_hw_cr0(s->cr0);
	s->cr3 = __pa(vcpu->shadow->np_root);
}

/**
 * lg_shadow_sregs_ok() - can a shadow-paged guest start in this state?
 * @vcpu: the guest.
 * @cr0: the CR0 the launcher asks for.
 * @cr4: the CR4 the launcher asks for.
 * @efer: the EFER the launcher asks for.
 *
 * The shadow MMU speaks one paging mode, 4-level long mode; a guest may
 * also start with paging off (a Multiboot image enters in 32-bit protected
 * mode without paging, as a PC's reset state has it) and turn long mode on
 * itself, which lg_shadow_write_cr0() allows.
 *
 * Return: true under NPT, for long mode with paging on, or for paging off
 * without EFER.LME.
 */
bool lg_shadow_sregs_ok(struct lg_vcpu *vcpu, u64 cr0, u64 cr4, u64 efer)
{
	if (!vcpu->shadow)
		return true;
	if (cr4 & (X86_CR4_LA57 | X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP))
		return false;
	if (!(cr0 & X86_CR0_PG))
		return !(efer & EFER_LME);
	return (cr4 & X86_CR4_PAE) && (efer & EFER_LMA);
}

/**
 * lg_shadow_load_cr() - after LGUEST_SET_SREGS wrote the guest's CR0 and
 *	CR3 into the VMCB, keep them as the guest's and give the hardware
 *	ours instead.  No-op under NPT.
 * @vcpu: the guest.
 */
void lg_shadow_load_cr(struct lg_vcpu *vcpu)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	if (!vcpu->shadow)
		return;
	vcpu->guest_cr0 = s->cr0;
	vcpu->guest_cr3 = s->cr3;
	vcpu->guest_efer = s->efer;
	s->cr0 = lg_shadow_hw_cr0(s->cr0);
	lg_shadow_flush(vcpu);
	vcpu->shadow->cr4_nopae = !(s->cr4 & X86_CR4_PAE);
	if (!(vcpu->guest_cr0 & X86_CR0_PG)) {
		/* As at reset: the identity map, in legacy PAE format. */
		s->cr4 |= X86_CR4_PAE;
		lg_shadow_paging_off(vcpu);
		return;
	}
	lg_shadow_new_cr3(vcpu);
}

/**
 * lg_exit_invlpg() - handle an intercepted INVLPG (shadow paging only).
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_invlpg(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	const struct vmcb_save_area *s = &vcpu->vmcb->save;
	struct lg_insn_mem mem;
	u8 code[LG_INSN_MAX_LEN];
	unsigned int avail;
	u64 gva;
	int len;

	if (!vcpu->shadow) {
		kill_guest(vcpu->lg, "INVLPG intercept without shadow paging");
		return LG_EXIT_CONTINUE;
	}
	if (lg_hw->decode_assists &&
	    lg_hw->nrips && c->next_rip) {
		lg_shadow_invlpg(vcpu, c->exit_info_1);
		lg_advance_rip(vcpu, 0, true);
		return LG_EXIT_CONTINUE;
	}
	avail = lg_read_rip_insn(vcpu, code);
	if (!avail)
		return LG_EXIT_CONTINUE;
	len = lg_insn_decode_invlpg(code, avail, &mem);
	if (len < 0) {
		kill_guest(vcpu->lg, "cannot decode INVLPG at rip 0x%llx (%*ph, error %d)",
			   s->rip, avail, code, len);
		return LG_EXIT_CONTINUE;
	}
	/* The effective address of APM vol. 3, 1.4 (64-bit mode). */
	gva = mem.disp;
	if (mem.rip_rel)
		gva += s->rip + len;
	if (mem.base >= 0)
		gva += lg_gpr_read(vcpu, mem.base);
	if (mem.index >= 0)
		gva += lg_gpr_read(vcpu, mem.index) << mem.scale;
	if (mem.addr32)
		gva = (u32)gva;
	if (mem.seg == 4)
		gva += s->fs.base;
	else if (mem.seg == 5)
		gva += s->gs.base;
	lg_shadow_invlpg(vcpu, gva);
	lg_advance_rip(vcpu, len, true);
	return LG_EXIT_CONTINUE;
}

/**
 * lg_shadow_count_cr_exit() - count a control-register exit (debugfs).
 * @vcpu: the guest; nothing is counted under nested paging.
 */
void lg_shadow_count_cr_exit(struct lg_vcpu *vcpu)
{
	if (vcpu->shadow)
		vcpu->shadow->cr_exits++;
}

/**
 * lg_guest_cr4() - the guest's CR4 as it sees it, in either paging mode.
 * @vcpu: the guest.
 *
 * Return: the VMCB's CR4, less the PAE a shadow-paged guest with paging
 * off runs with for our identity map but did not set itself.
 */
u64 lg_guest_cr4(const struct lg_vcpu *vcpu)
{
	u64 cr4 = vcpu->vmcb->save.cr4;

	if (vcpu->shadow && vcpu->shadow->cr4_nopae)
		cr4 &= ~(u64)X86_CR4_PAE;
	return cr4;
}

/**
 * lg_shadow_write_cr0() - MOV to CR0 under shadow paging (APM vol. 2,
 *	3.1.1): the guest's view and the hardware's.
 * @vcpu: the guest.
 * @val: the value written; a bad one is #GP.
 */
void lg_shadow_write_cr0(struct lg_vcpu *vcpu, u64 val)
{
	u64 changed;

	val |= X86_CR0_ET;
	if (val >> 32 || ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
	    ((val & X86_CR0_PG) && !(val & X86_CR0_PE))) {
		lg_cr_gp(vcpu, "cr0 write", val);
		return;
	}
	changed = val ^ vcpu->guest_cr0;
	/* Activating long mode with CS.L set is #GP (APM vol. 2, 14.6.1). */
	if ((changed & X86_CR0_PG) && (val & X86_CR0_PG) &&
	    (vcpu->guest_efer & EFER_LME) &&
	    (vcpu->vmcb->save.cs.attrib & SVM_SELECTOR_L_MASK)) {
		lg_cr_gp(vcpu, "cr0 write (long mode with CS.L set)", val);
		return;
	}
	if ((changed & X86_CR0_PG) && (val & X86_CR0_PG) &&
	    (!(vcpu->guest_efer & EFER_LME) || vcpu->shadow->cr4_nopae)) {
		kill_guest(vcpu->lg, "shadow paging: the guest turned on legacy (non-long-mode) paging (cr0 0x%llx, efer 0x%llx) at rip 0x%llx; only 4-level long mode is supported",
			   val, vcpu->guest_efer, vcpu->vmcb->save.rip);
		return;
	}
	/* Leaving long mode is only allowed from compatibility mode (APM 14.7). */
	if ((changed & X86_CR0_PG) && !(val & X86_CR0_PG) &&
	    (vcpu->vmcb->save.cs.attrib & SVM_SELECTOR_L_MASK)) {
		lg_cr_gp(vcpu, "cr0 write (paging off in 64-bit mode)", val);
		return;
	}
	vcpu->guest_cr0 = val;
	vcpu->vmcb->save.cr0 = lg_shadow_hw_cr0(val);
	if (changed & X86_CR0_PG) {
		if (val & X86_CR0_PG)
			lg_shadow_paging_on(vcpu);
		else
			lg_shadow_paging_off(vcpu);
	} else if (changed & X86_CR0_WP) {
		lg_shadow_flush(vcpu);
	}
}

/**
 * lg_shadow_write_cr4() - MOV to CR4 under shadow paging (APM vol. 2,
 *	3.1.3), checked against what we offer.
 * @vcpu: the guest.
 * @val: the value written; a bad one is #GP.
 */
void lg_shadow_write_cr4(struct lg_vcpu *vcpu, u64 val)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	bool paging = vcpu->guest_cr0 & X86_CR0_PG;
	u64 changed;

	/* PAE may go off only while paging is (long mode needs it). */
	if ((val & ~lg_cr4_allowed()) || (paging && !(val & X86_CR4_PAE))) {
		lg_cr_gp(vcpu, "cr4 write", val);
		return;
	}
	vcpu->shadow->cr4_nopae = !(val & X86_CR4_PAE);
	if (!paging)
		val |= X86_CR4_PAE;	/* ours, for the identity map */
	changed = val ^ s->cr4;
	s->cr4 = val;
	if (changed & (X86_CR4_PAE | X86_CR4_PSE))
		lg_shadow_flush(vcpu);
	else if (changed & X86_CR4_PGE)
		lg_shadow_flush_global(vcpu);
}

/**
 * lg_shadow_write_cr3() - MOV to CR3 under shadow paging (APM vol. 2,
 *	5.3.2): a new address space, so a flush.
 * @vcpu: the guest.
 * @val: the value written; reserved address bits are #GP.
 */
void lg_shadow_write_cr3(struct lg_vcpu *vcpu, u64 val)
{
	if (val & GENMASK_ULL(63, boot_cpu_data.x86_phys_bits)) {
		lg_cr_gp(vcpu, "cr3 write", val);
		return;
	}
	vcpu->guest_cr3 = val;
	lg_shadow_new_cr3(vcpu);
}
