// SPDX-License-Identifier: GPL-2.0
/*
 * nmi.c - the guest's NMIs: raised by an NMI IPI to itself, injected when
 * the guest is not already handling one, and blocked until the IRET that
 * ends its handler has run (SDM vol. 3, 6.7.1; APM vol. 2, 8.2.10).
 */
#include "lg.h"

#include <asm/traps.h>

/**
 * lg_nmi_raise() - make an NMI pending for the guest.
 * @vcpu: the guest.
 *
 * NMIs do not queue: one pending is all a CPU latches while it handles
 * another.  Safe from any context; wakes or kicks the vCPU.
 */
void lg_nmi_raise(struct lg_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->nmi_pending, true);
	wake_up(&vcpu->wq);
	lg_kick_vcpu(vcpu);
}

static void lg_nmi_unstep(struct lg_vcpu *vcpu);

/*T:517 An NMI is injected through EVENTINJ, and from then on NMIs are
 * blocked until the guest's handler returns with IRET.  SVM without
 * virtual NMIs does not track that for us, so IRET is intercepted while
 * an NMI is in service.  The intercept comes before the IRET runs, so
 * blocking ends only once the guest is past it (its RIP has moved, as KVM
 * decides).  If another NMI waits meanwhile, the guest is single-stepped
 * over the IRET (RFLAGS.TF; #DB is already intercepted) so the exit right
 * after it can deliver the next one, instead of whenever the guest next
 * exits. :*/
/**
 * lg_nmi_inject() - before VMRUN: inject a pending NMI if the guest can
 *	take one, or single-step it towards the IRET that unblocks NMIs.
 * @vcpu: the guest (vCPU thread, interrupts off).
 */
void lg_nmi_inject(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct vmcb_save_area *s = &vcpu->vmcb->save;

	/* An event to deliver first would push our TF: stop stepping. */
	if (vcpu->nmi_step && (c->event_inj & SVM_EVTINJ_VALID))
		lg_nmi_unstep(vcpu);
	if (!READ_ONCE(vcpu->nmi_pending))
		return;
	if (!vcpu->nmi_masked) {
		/* An event being re-delivered, or MOV SS's shadow, goes first. */
		if ((c->event_inj & SVM_EVTINJ_VALID) ||
		    (c->int_state & SVM_INTERRUPT_SHADOW_MASK) ||
		    !xchg(&vcpu->nmi_pending, false))
			return;
		c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | X86_TRAP_NMI;
		vcpu->nmi_masked = true;
		vcpu->nmi_iret = false;
		c->intercepts[INTERCEPT_IRET / 32] |= BIT(INTERCEPT_IRET % 32);
		return;
	}
	if (vcpu->nmi_iret && !vcpu->nmi_step && !(c->event_inj & SVM_EVTINJ_VALID)) {
		vcpu->nmi_step = true;
		vcpu->nmi_step_rflags = s->rflags;
		vcpu->nmi_step_dr6 = s->dr6;
		s->rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
	}
}

/*
 * Stop single-stepping: give back the guest's own TF, RF and DR6 (the #DB
 * wrote BS there).  After the IRET has run, RFLAGS is what it popped: the
 * guest's already.
 */
static void lg_nmi_unstep(struct lg_vcpu *vcpu)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	u64 mask = X86_EFLAGS_TF | X86_EFLAGS_RF;

	vcpu->nmi_step = false;
	s->dr6 = vcpu->nmi_step_dr6;
	if (s->rip == vcpu->nmi_iret_rip)
		s->rflags = (s->rflags & ~mask) | (vcpu->nmi_step_rflags & mask);
}

/**
 * lg_nmi_rflags() - the guest's RFLAGS as the launcher may see them: the
 *	TF and RF of a single-step over an IRET are ours, not the guest's.
 * @vcpu: the guest.
 *
 * Return: RFLAGS.
 */
u64 lg_nmi_rflags(const struct lg_vcpu *vcpu)
{
	u64 mask = X86_EFLAGS_TF | X86_EFLAGS_RF, rflags = vcpu->vmcb->save.rflags;

	if (vcpu->nmi_step && vcpu->vmcb->save.rip == vcpu->nmi_iret_rip)
		rflags = (rflags & ~mask) | (vcpu->nmi_step_rflags & mask);
	return rflags;
}

/**
 * lg_nmi_reset() - forget NMI state the launcher's new registers void.
 * @vcpu: the guest.
 */
void lg_nmi_reset(struct lg_vcpu *vcpu)
{
	/* An IRET already let through can no longer be watched for. */
	if (vcpu->nmi_iret)
		vcpu->nmi_masked = false;
	vcpu->nmi_step = false;
	vcpu->nmi_iret = false;
}

/**
 * lg_nmi_after_exit() - after every exit: has the guest gone past the IRET
 *	that ends its NMI handler?  Then NMIs are unblocked.
 * @vcpu: the guest (vCPU thread).
 */
void lg_nmi_after_exit(struct lg_vcpu *vcpu)
{
	if (vcpu->nmi_iret && vcpu->vmcb->save.rip != vcpu->nmi_iret_rip) {
		vcpu->nmi_iret = false;
		vcpu->nmi_masked = false;
		/*
		 * Past the IRET some other way than by our step (whose #DB
		 * lg_nmi_db() takes): stop stepping.
		 */
		if (vcpu->nmi_step &&
		    vcpu->vmcb->control.exit_code != SVM_EXIT_EXCP_BASE + X86_TRAP_DB)
			lg_nmi_unstep(vcpu);
	}
}

/**
 * lg_exit_iret() - the guest is about to IRET with an NMI in service.
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE: the IRET runs on the next VMRUN, unintercepted.
 */
enum lg_exit_action lg_exit_iret(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;

	c->intercepts[INTERCEPT_IRET / 32] &= ~BIT(INTERCEPT_IRET % 32);
	vcpu->nmi_iret = true;
	vcpu->nmi_iret_rip = vcpu->vmcb->save.rip;
	return LG_EXIT_CONTINUE;
}

/**
 * lg_nmi_db() - on a #DB exit: was it our single-step over the IRET?
 * @vcpu: the guest.
 *
 * Then the guest's own TF, RF and DR6 come back (RFLAGS only if the IRET
 * did not run: it loads new flags), and the #DB is not the guest's: it is
 * dropped, as KVM drops it.
 *
 * Return: true if the #DB was ours.
 */
bool lg_nmi_db(struct lg_vcpu *vcpu)
{
	if (!vcpu->nmi_step)
		return false;
	lg_nmi_unstep(vcpu);
	return true;
}
