// SPDX-License-Identifier: GPL-2.0
/*
 * svm_cpu.c - owning AMD-V on every CPU: the checks that say whether we may,
 * EFER.SVME and the host save area (MSR_VM_HSAVE_PA) per CPU, CPU hotplug,
 * and giving it all back on unload, on CPU offline and on emergency reboot.
 * Nothing here runs a guest; it makes the CPUs ready for the switcher.
 */
#include "lg.h"

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>
#include <asm/reboot.h>
#include <asm/svm.h>
#include <asm/virtext.h>

/* The page each CPU's VMRUN saves host state into (APM vol. 2, 15.30.4). */
static DEFINE_PER_CPU(struct page *, lg_hsave_page);
/* Where the switcher VMSAVEs the host state VMRUN does not (APM 15.5.2). */
static DEFINE_PER_CPU(struct page *, lg_host_save_page);
/* Whether we set EFER.SVME on this CPU, and so must clear it again. */
static DEFINE_PER_CPU(bool, lg_svm_owned);
/* The guest that last ran on this CPU (only compared, never followed). */
static DEFINE_PER_CPU(struct lguest *, lg_last_guest);
/* Barriers asked for on a switch between guests, for debugfs and tests. */
static DEFINE_PER_CPU(unsigned long, lg_ibpb_switches);
static enum cpuhp_state lg_cpuhp_state;

/*T:100 Before the hypervisor touches anything it asks whether it may.  AMD-V
 * (called SVM in the manuals) must be in the CPU's feature flags, and the
 * firmware must not have switched it off: VM_CR.SVMDIS set means any attempt
 * to set EFER.SVME faults (APM vol. 2, 15.4 "Enabling SVM").  We say which of
 * these failed in one line, because the person loading us wants the reason,
 * not an errno. :*/
/**
 * lg_svm_check() - can this machine run lguest guests at all?
 *
 * Return: 0 if AMD-V is present and enabled, -ENODEV with a log line if not.
 */
int lg_svm_check(void)
{
	const char *why;
	u64 vm_cr;

	if (!cpu_has_svm(&why)) {
		pr_err("CPU has no AMD-V (SVM) support (%s); cannot run guests\n",
		       why);
		return -ENODEV;
	}
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVM_DIS_MASK) {
		pr_err("AMD-V is disabled by the firmware (VM_CR.SVMDIS); enable SVM in the BIOS setup\n");
		return -ENODEV;
	}
	return 0;
}

/*T:110 Owning SVM on a CPU takes two writes: the physical address of a
 * zeroed page where VMRUN will stash the host's state (MSR_VM_HSAVE_PA), and
 * EFER.SVME.  If SVME is already set someone else owns this CPU's AMD-V:
 * usually kvm_amd with a guest running.  Sharing is not safe (each of us
 * believes it owns VM_HSAVE_PA and the GIF), so we refuse, and KVM in turn
 * refuses while we hold it.  Interrupts are off between reading EFER and
 * writing it so another hypervisor's enable IPI cannot slip in between. :*/
static int lg_svm_cpu_online(unsigned int cpu)
{
	struct page *hsave, *host_save;
	unsigned long flags;
	u64 efer;
	int err = 0;

	hsave = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	host_save = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	if (!hsave || !host_save) {
		err = -ENOMEM;
		goto free_pages;
	}

	local_irq_save(flags);
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		err = -EBUSY;
	} else {
		wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(hsave));
		wrmsrl(MSR_EFER, efer | EFER_SVME);
		this_cpu_write(lg_hsave_page, hsave);
		this_cpu_write(lg_host_save_page, host_save);
		this_cpu_write(lg_svm_owned, true);
	}
	local_irq_restore(flags);
	if (!err)
		return 0;
	pr_err("AMD-V is already in use on CPU %u (another hypervisor, e.g. kvm_amd, is running guests)\n",
	       cpu);
free_pages:
	if (hsave)
		__free_page(hsave);
	if (host_save)
		__free_page(host_save);
	return err;
}

/* Runs on @cpu as it goes offline, and on every CPU when we unload. */
static int lg_svm_cpu_offline(unsigned int cpu)
{
	struct page *hsave;

	if (!this_cpu_read(lg_svm_owned))
		return 0;
	/* Clears VM_HSAVE_PA and EFER.SVME, setting GIF first. */
	cpu_svm_disable();
	this_cpu_write(lg_svm_owned, false);
	hsave = this_cpu_read(lg_hsave_page);
	this_cpu_write(lg_hsave_page, NULL);
	__free_page(hsave);
	__free_page(this_cpu_read(lg_host_save_page));
	this_cpu_write(lg_host_save_page, NULL);
	return 0;
}

/*T:120 A crash kernel or an emergency reboot must not start with SVM left
 * on: the next kernel's own hypervisor would find EFER.SVME set and INIT is
 * blocked while GIF is clear.  The x86 reboot code calls this on every CPU
 * from NMI context, so it only clears the MSRs and touches no memory. :*/
static void lg_svm_emergency_disable(void)
{
	if (this_cpu_read(lg_svm_owned))
		cpu_svm_disable();
}

/**
 * lg_svm_init() - own AMD-V on every online CPU, and on CPUs that come later.
 *
 * Return: 0, or a negative errno after undoing everything if any CPU refused.
 */
int lg_svm_init(void)
{
	int ret;

	cpu_emergency_register_virt_callback(lg_svm_emergency_disable);
	/* Calls lg_svm_cpu_online() on each online CPU; unwinds on failure. */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "lguest/svm:online",
				lg_svm_cpu_online, lg_svm_cpu_offline);
	if (ret < 0)
		goto unregister_emergency;
	lg_cpuhp_state = ret;
	return 0;

unregister_emergency:
	cpu_emergency_unregister_virt_callback(lg_svm_emergency_disable);
	return ret;
}

/**
 * lg_svm_exit() - give AMD-V back on every CPU and stop following hotplug.
 */
void lg_svm_exit(void)
{
	cpuhp_remove_state(lg_cpuhp_state);
	cpu_emergency_unregister_virt_callback(lg_svm_emergency_disable);
}

/**
 * lg_host_save_pa() - physical address of this CPU's host VMSAVE area.
 *
 * Call with preemption (in practice, interrupts) disabled.
 *
 * Return: the address, for the switcher.
 */
u64 lg_host_save_pa(void)
{
	return page_to_phys(this_cpu_read(lg_host_save_page));
}

/**
 * lg_svm_nr_asids() - how many address-space IDs the CPU offers.
 *
 * Return: CPUID Fn8000_000A EBX (APM vol. 2, 15.16), ASID 0 included.
 */
unsigned int lg_svm_nr_asids(void)
{
	return cpuid_ebx(0x8000000a);
}

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

	/*
	 * A CPU with V_SPEC_CTRL loads SPEC_CTRL from the VMCB at VMRUN and
	 * puts the host's back at #VMEXIT (APM vol. 2, "SPEC_CTRL
	 * Virtualization"); left at 0 the guest would run without the
	 * host's SSBD/STIBP/IBRS.  The guest cannot see SPEC_CTRL, so it
	 * runs with the host's current value, as on CPUs without it.
	 */
	if (cpu_feature_enabled(X86_FEATURE_V_SPEC_CTRL))
		vcpu->vmcb->save.spec_ctrl = this_cpu_read(x86_spec_ctrl_current);
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
