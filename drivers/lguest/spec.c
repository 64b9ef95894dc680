// SPDX-License-Identifier: GPL-2.0
/*
 * spec.c - speculation hygiene shared by both backends: the barrier due
 * when a CPU switches from one guest to another, and the debugfs summary
 * of which mitigations guest entry and exit use.
 */
#include "lg.h"

#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <asm/cpufeature.h>
#include <asm/nospec-branch.h>

/* The guest that last ran on this CPU (only compared, never followed). */
static DEFINE_PER_CPU(struct lguest *, lg_last_guest);
/* Barriers asked for on a switch between guests, for debugfs and tests. */
static DEFINE_PER_CPU(unsigned long, lg_ibpb_switches);

/*T:415 One guest must not steer another's speculation.  The indirect
 * branch predictors are shared by everything that runs on a CPU, and
 * #VMEXIT does not clear them, so when this CPU last ran a different guest
 * we flush them with an Indirect Branch Prediction Barrier before the next
 * VMRUN, as KVM's svm_vcpu_load() does when a CPU's current VMCB changes.
 * The kernel's indirect_branch_prediction_barrier() writes PRED_CMD only
 * where the CPU has IBPB and the host's Spectre v2 mitigation uses it
 * (X86_FEATURE_USE_IBPB), and we skip it where every #VMEXIT already
 * issues one (X86_FEATURE_IBPB_ON_VMEXIT, in switcher.S).  Between
 * entries of the same guest nothing is done: that is the common case, and
 * costs one per-CPU compare. :*/
/**
 * lg_spec_enter() - speculation barriers due before @vcpu enters on this CPU.
 * @vcpu: the vCPU about to run.  vCPUs of one guest are one trust domain:
 *	the barrier is for a switch between guests.
 *
 * Call with interrupts disabled, right before the switch.
 */
void lg_spec_enter(struct lg_vcpu *vcpu)
{
	struct lguest *lg = vcpu->lg;

	if (likely(this_cpu_read(lg_last_guest) == lg))
		return;
	this_cpu_write(lg_last_guest, lg);
	this_cpu_inc(lg_ibpb_switches);
	if (!cpu_feature_enabled(X86_FEATURE_IBPB_ON_VMEXIT))
		indirect_branch_prediction_barrier();
}

/**
 * lg_spec_forget() - forget a guest that is being freed.
 * @lg: the guest; it will never run again.
 *
 * A new guest may be allocated at the same address: without this it would
 * be taken for the old one on a CPU the old one ran on last, and enter
 * there without the barrier (KVM's svm_clear_current_vmcb()).
 */
void lg_spec_forget(struct lguest *lg)
{
	int cpu;

	for_each_possible_cpu(cpu)
		cmpxchg(per_cpu_ptr(&lg_last_guest, cpu), lg, NULL);
}

static const char *lg_yes(bool on)
{
	return on ? "yes" : "no";
}

/**
 * lg_spec_show() - which speculation mitigations guest entry and exit use.
 * @m: the debugfs file (/sys/kernel/debug/lguest/spec).
 *
 * Each line is "name yes|no", as the host kernel's boot-time choice made
 * them, then the number of guest switches that asked for an IBPB.
 */
void lg_spec_show(struct seq_file *m)
{
	unsigned long switches = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		switches += per_cpu(lg_ibpb_switches, cpu);
	seq_printf(m, "verw_before_vmrun %s\n",
		   lg_yes(cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF_VM)));
	seq_printf(m, "rsb_fill_on_vmexit %s\n",
		   lg_yes(cpu_feature_enabled(X86_FEATURE_RSB_VMEXIT)));
	seq_printf(m, "untrain_ret_on_vmexit %s\n",
		   lg_yes(cpu_feature_enabled(X86_FEATURE_UNRET) ||
			  cpu_feature_enabled(X86_FEATURE_SRSO_ALIAS)));
	seq_printf(m, "ibpb_on_vmexit %s\n",
		   lg_yes(cpu_feature_enabled(X86_FEATURE_IBPB_ON_VMEXIT)));
	seq_printf(m, "ibpb_guest_switch %s\n",
		   lg_yes(cpu_feature_enabled(X86_FEATURE_USE_IBPB) &&
			  !cpu_feature_enabled(X86_FEATURE_IBPB_ON_VMEXIT)));
	seq_printf(m, "ibpb_exit_to_user %s\n",
		   lg_yes(cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER)));
	/* The guest can neither read nor write SPEC_CTRL (msr.c). */
	seq_puts(m, "spec_ctrl host\n");
	seq_printf(m, "ibpb_guest_switches %lu\n", switches);
}
