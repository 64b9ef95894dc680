// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - the life of one virtual CPU: made with everything it will need
 * (VMCB, FPU state, local APIC, a shadow MMU of its own under shadow
 * paging), put back to its reset state by an INIT IPI, and started by a
 * start-up IPI, as a PC's application processors are (SDM vol. 3, 9.4).
 */
#include "lg.h"

#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/processor-flags.h>

/* DR7 after RESET or INIT (SDM vol. 3, table 10-1). */
#define DR7_RESET	0x400

/* CR0 after RESET or INIT: CD, NW and ET (SDM vol. 3, table 10-1). */
#define LG_CR0_RESET	(X86_CR0_CD | X86_CR0_NW | X86_CR0_ET)

/* VMCB segment attributes: present data (0x93), code (0x9b), TSS, LDT. */
#define LG_ATTR_DATA	0x93
#define LG_ATTR_CODE	0x9b
#define LG_ATTR_TSS	0x8b
#define LG_ATTR_LDT	0x82

/*
 * The state of SDM vol. 3, table 10-1 "following INIT": real mode, caches
 * off, everything zero but the segment limits, DR6/DR7 and RDX (the
 * processor signature).  Code starts at @cs_sel:@ip with CS.base @cs_base.
 */
static void lg_vcpu_real_mode(struct lg_vcpu *vcpu, u16 cs_sel, u64 cs_base,
			      u64 ip)
{
	struct lguest_segment data = { .limit = 0xffff, .attrib = LG_ATTR_DATA };
	struct lguest_sregs sregs = {
		.cs = { .base = cs_base, .limit = 0xffff, .selector = cs_sel,
			.attrib = LG_ATTR_CODE },
		.ds = data, .es = data, .fs = data, .gs = data, .ss = data,
		.tr = { .limit = 0xffff, .attrib = LG_ATTR_TSS },
		.ldt = { .limit = 0xffff, .attrib = LG_ATTR_LDT },
		.gdt = { .limit = 0xffff },
		.idt = { .limit = 0xffff },
		.cr0 = LG_CR0_RESET,
	};
	struct lguest_regs regs = {
		.rdx = cpuid_eax(1),
		.rip = ip,
		.rflags = X86_EFLAGS_FIXED,
	};

	/* Cannot fail: the state is valid in either paging mode. */
	WARN_ON_ONCE(lg_set_sregs(vcpu, &sregs));
	lg_set_regs(vcpu, &regs);
}

/**
 * lg_vcpu_init_signal() - INIT: the vCPU goes back to its reset state and
 *	waits for a start-up IPI (SDM vol. 3, 9.4.1 and 11.6.1).
 * @vcpu: the vCPU (its own thread, from lg_check_requests()).
 *
 * What INIT keeps, we keep: the TSC, the MSRs, the FPU registers and the
 * APIC's mode and base.  Pending events, the NMI state, the hypercall
 * timer and kvmclock (the guest registers it again) go.  vCPU 0 is the
 * bootstrap processor: after INIT it runs from the reset vector, seen in
 * RAM at 0xffff0 as the PC aliases it, where the launcher's firmware asks
 * for a reset.
 */
void lg_vcpu_init_signal(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;

	hrtimer_cancel(&vcpu->timer);
	WRITE_ONCE(vcpu->timer_fired, false);
	vcpu->timer_vector = 0;
	lg_lapic_init_signal(vcpu);
	WRITE_ONCE(vcpu->nmi_pending, false);
	vcpu->nmi_masked = false;
	c->intercepts[INTERCEPT_IRET / 32] &= ~BIT(INTERCEPT_IRET % 32);
	c->event_inj = 0;
	c->int_ctl &= ~(V_IRQ_MASK | V_INTR_PRIO_MASK);
	c->int_state = 0;
	vcpu->virq_vec = -1;
	vcpu->halted = false;
	vcpu->kvmclock.system_time = 0;
	vcpu->xcr0 = XFEATURE_MASK_FP;
	memset(vcpu->dr, 0, sizeof(vcpu->dr));
	vcpu->vmcb->save.dr6 = DR6_RESERVED;	/* the reset values */
	vcpu->vmcb->save.dr7 = DR7_RESET;
	vcpu->vmcb->save.cr2 = 0;
	lg_vcpu_real_mode(vcpu, 0xf000, 0xf0000, 0xfff0);
	vcpu->state = vcpu->id ? LG_VCPU_WAIT_SIPI : LG_VCPU_RUNNABLE;
}

/**
 * lg_vcpu_sipi() - a start-up IPI: a vCPU waiting for one starts in real
 *	mode at @vector * 4 KiB; any other ignores it (SDM vol. 3, 9.4.4.1).
 * @vcpu: the vCPU (its own thread, from lg_check_requests()).
 * @vector: the SIPI's vector.
 */
void lg_vcpu_sipi(struct lg_vcpu *vcpu, u8 vector)
{
	if (vcpu->state != LG_VCPU_WAIT_SIPI)
		return;
	lg_vcpu_real_mode(vcpu, vector << 8, (u64)vector << 12, 0);
	vcpu->state = LG_VCPU_RUNNABLE;
}

/**
 * lg_vcpu_create() - make vCPU @id of a created guest, with everything it
 *	will ever need allocated now (charged to the launcher).
 * @lg: the guest, with its lock held.
 * @id: its number and APIC ID.
 *
 * Return: the vCPU, or an ERR_PTR (-ENOMEM).
 */
struct lg_vcpu *lg_vcpu_create(struct lguest *lg, unsigned int id)
{
	struct lg_vcpu *vcpu;
	int err = -ENOMEM;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return ERR_PTR(-ENOMEM);
	vcpu->lg = lg;
	vcpu->id = id;
	mutex_init(&vcpu->lock);
	lg_timer_init(vcpu);
	lg_platform_vcpu_init(vcpu);
	if (lg->shadow_paging) {
		err = lg_shadow_create(vcpu);
		if (err)
			goto free_vcpu;
	}
	err = lg_vmcb_alloc(vcpu);
	if (err)
		goto free_vcpu;
	err = -ENOMEM;
	if (!fpu_alloc_guest_fpstate(&vcpu->gfpu))
		goto free_vcpu;
	vcpu->xcr0 = XFEATURE_MASK_FP;
	vcpu->state = id ? LG_VCPU_WAIT_SIPI : LG_VCPU_RUNNABLE;
	return vcpu;

free_vcpu:
	lg_vcpu_free(vcpu);
	return ERR_PTR(err);
}

/**
 * lg_vcpu_free() - free a vCPU (made or half-made by lg_vcpu_create()).
 * @vcpu: the vCPU; no thread runs it any more.
 */
void lg_vcpu_free(struct lg_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->timer);
	lg_platform_vcpu_free(vcpu);
	if (vcpu->gfpu.fpstate)
		fpu_free_guest_fpstate(&vcpu->gfpu);
	lg_vmcb_free(vcpu);
	lg_shadow_free(vcpu);
	kfree(vcpu);
}
