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
