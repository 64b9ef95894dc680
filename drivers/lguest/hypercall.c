// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall.c - VMMCALL: the guest kernel's calls to the hypervisor
 * (include/uapi/linux/lguest.h): a no-op, power off, and a one-shot timer.
 */
#include "lg.h"

#include <linux/hrtimer.h>
#include <linux/ktime.h>

/*T:630 Hypercalls: VMMCALL with the call number in RAX.  They are the
 * guest's way to ask for what no real device offers: stopping cleanly, and
 * a timer that needs no APIC.  Unknown numbers get -ENOSYS back, never a
 * kill, so a guest can probe; a hypercall from the guest's user mode
 * (CPL > 0) gets -EPERM and does nothing, so a guest's users cannot stop
 * it or arm its timer. :*/
/**
 * lg_exit_vmmcall() - handle a hypercall (see the uapi header).
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_vmmcall(struct lg_vcpu *vcpu)
{
	static const u8 op[] = { 0x0f, 0x01, 0xd9 };
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	u64 nr = vcpu->regs[LG_RAX], arg1 = vcpu->regs[LG_RBX], arg2 = vcpu->regs[LG_RCX];
	s64 ret = 0;

	if (lg_skip_insn(vcpu, op, sizeof(op)))
		return LG_EXIT_CONTINUE;
	/*
	 * Hypercalls are the guest kernel's: from its user mode they touch
	 * nothing and fail with -EPERM (as KVM's do).  The VMCB's CPL is
	 * SS.DPL (APM vol. 2, 15.5.1), the level the VMMCALL ran at.
	 */
	if (s->cpl) {
		vcpu->regs[LG_RAX] = -EPERM;
		return LG_EXIT_CONTINUE;
	}
	switch (nr) {
	case LGUEST_HC_NOP:
		break;
	case LGUEST_HC_POWEROFF:
		lg_stop(vcpu->lg, LGUEST_EXIT_POWEROFF, arg1);
		break;
	case LGUEST_HC_SET_TIMER:
		if (arg2 && (arg2 < 32 || arg2 > 255)) {
			ret = -EINVAL;
			break;
		}
		hrtimer_cancel(&vcpu->timer);
		WRITE_ONCE(vcpu->timer_fired, false);
		vcpu->timer_vector = arg2;
		if (arg1)
			hrtimer_start(&vcpu->timer, ns_to_ktime(min_t(u64, arg1, KTIME_MAX)),
				      HRTIMER_MODE_REL);
		break;
	default:
		ret = -ENOSYS;
	}
	vcpu->regs[LG_RAX] = ret;
	return LG_EXIT_CONTINUE;
}
