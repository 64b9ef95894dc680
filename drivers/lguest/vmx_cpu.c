// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_cpu.c - owning Intel VMX on every CPU: the checks that say whether we
 * may and what the CPU offers (the capability MSRs of SDM appendix A, into
 * struct lg_vmx_caps), VMXON per CPU with CPU hotplug, and giving it all
 * back on unload, on CPU offline and on emergency reboot; and the VMCS
 * regions with the record of which CPU each is active on, so that none is
 * left active on a CPU that leaves VMX operation.  Nothing here runs a
 * guest: the VMX backend fills the VMCS and vmx_switch.S enters it.
 * Section numbers are the SDM vol. 3C's of the 2016-2021 editions (vmx.h).
 */
#include "lg.h"
#include "vmx.h"
#include "vmx_ops.h"

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/msr.h>
#include <asm/perf_event.h>
#include <asm/processor.h>
#include <asm/reboot.h>
#include <asm/tlbflush.h>
#include <asm/virtext.h>
#include <asm/vmx.h>

struct lg_vmx_caps lg_vmx_caps;

/* This CPU's VMXON region while we hold VMX operation on it, else NULL. */
static DEFINE_PER_CPU(struct page *, lg_vmxon_page);
/* The VMCSs active on this CPU (struct lg_vmcs.cpu_link). */
static DEFINE_PER_CPU(struct list_head, lg_loaded_vmcss);
/* This CPU's current VMCS as far as we made it so, to skip a VMPTRLD. */
static DEFINE_PER_CPU(struct lg_vmcs *, lg_current_vmcs);
static enum cpuhp_state lg_vmx_cpuhp_state;

/* One required capability: its bit in a control word, and its SDM name. */
struct lg_vmx_need {
	u32 bit;
	const char *name;
};

/*
 * The controls every VMCS starts with.  Pin-based (SDM 24.6.1): external
 * interrupts and NMIs exit, so the host keeps its interrupts while a guest
 * runs, and "virtual NMIs" gives the guest an NMI-blocking state of its
 * own and NMI-window exiting, for injecting NMIs as SVM's V_NMI-less path
 * does.
 */
static const struct lg_vmx_need lg_pin_need[] = {
	{ PIN_BASED_EXT_INTR_MASK, "external-interrupt exiting" },
	{ PIN_BASED_NMI_EXITING, "NMI exiting" },
	{ PIN_BASED_VIRTUAL_NMIS, "virtual NMIs" },
};

/*
 * Primary processor-based (SDM 24.6.2).  The guest gets no I/O port (all
 * exit: the platform emulates every device), no MSR but through the
 * bitmaps (deny by default, as for SVM), no MONITOR/MWAIT (it could park
 * the physical CPU), no RDPMC (host counters), no debug registers but
 * through exits (the backend decides when to hand them over), and HLT
 * exits.  CR8 loads and stores exit too: without a TPR shadow, which we do
 * not use, a guest MOV to CR8 would write the physical APIC's TPR and
 * could mask the host's interrupts (SDM 25.3, "Changes to Instruction
 * Behavior in VMX Non-Root Operation", MOV to CR8).  INVLPG and CR3
 * exits are for shadow paging only: in lg_vmx_caps.proc_shadow, not here.
 * The interrupt- and NMI-window exits are set per entry by the backend:
 * checked may-be-1 below, not set.
 */
static const struct lg_vmx_need lg_proc_need[] = {
	{ CPU_BASED_HLT_EXITING, "HLT exiting" },
	{ CPU_BASED_MWAIT_EXITING, "MWAIT exiting" },
	{ CPU_BASED_MONITOR_EXITING, "MONITOR exiting" },
	{ CPU_BASED_RDPMC_EXITING, "RDPMC exiting" },
	{ CPU_BASED_MOV_DR_EXITING, "MOV-DR exiting" },
	{ CPU_BASED_UNCOND_IO_EXITING, "unconditional I/O exiting" },
	{ CPU_BASED_USE_MSR_BITMAPS, "use MSR bitmaps" },
	{ CPU_BASED_CR8_LOAD_EXITING, "CR8-load exiting" },
	{ CPU_BASED_CR8_STORE_EXITING, "CR8-store exiting" },
	{ CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, "activate secondary controls" },
};
/* Not in the base word, but the backend must be able to set them. */
static const struct lg_vmx_need lg_proc_may[] = {
	{ CPU_BASED_INTR_WINDOW_EXITING, "interrupt-window exiting" },
	{ CPU_BASED_NMI_WINDOW_EXITING, "NMI-window exiting" },
	{ CPU_BASED_INVLPG_EXITING, "INVLPG exiting" },
	{ CPU_BASED_CR3_LOAD_EXITING, "CR3-load exiting" },
	{ CPU_BASED_CR3_STORE_EXITING, "CR3-store exiting" },
};
/* TSC offsetting where offered (the backend checks lg_vmx_caps.proc). */
#define LG_PROC_OPTIONAL	CPU_BASED_USE_TSC_OFFSETTING

/*
 * Secondary processor-based (SDM 24.6.2, table 24-7): EPT, and
 * "unrestricted guest" so the vCPU can run real mode and the AP start-up
 * code without emulation (it requires EPT, SDM 26.2.1.1).  Optional, used
 * where offered: VPIDs (else every VM entry and exit flushes the guest's
 * TLB entries, correct but slow); RDTSCP and RDPID (the guest's TSC_AUX
 * must then be switched, as for SVM; without it both #UD in the guest);
 * WBINVD exiting (without it a guest WBINVD runs natively: slow for the
 * host, not unsafe); INVPCID (without it INVPCID #UDs; with it under EPT
 * it touches only the guest's own tagged mappings).  Never: XSAVES
 * (#UDs: the backend must hide it in CPUID leaf 0xD), APIC virtualization
 * (the platform emulates the local APIC), PML, VMFUNC, ENCLS.
 */
static const struct lg_vmx_need lg_proc2_need[] = {
	{ SECONDARY_EXEC_ENABLE_EPT, "enable EPT" },
	{ SECONDARY_EXEC_UNRESTRICTED_GUEST, "unrestricted guest" },
};
#define LG_PROC2_OPTIONAL	(SECONDARY_EXEC_ENABLE_VPID | \
				 SECONDARY_EXEC_ENABLE_RDTSCP | \
				 SECONDARY_EXEC_WBINVD_EXITING | \
				 SECONDARY_EXEC_ENABLE_INVPCID)

/*
 * VM-exit controls (SDM 24.7.1): back to a 64-bit host; the guest's PAT
 * and EFER saved and the host's loaded (so the guest's EFER.NX/LME/SCE
 * and PAT never leak into the host); DR7 and IA32_DEBUGCTL saved.  Not
 * "acknowledge interrupt on exit": the interrupt that made the guest exit
 * stays pending and the host takes it when it enables interrupts again.
 */
static const struct lg_vmx_need lg_exit_need[] = {
	{ VM_EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size" },
	{ VM_EXIT_SAVE_IA32_PAT, "save IA32_PAT" },
	{ VM_EXIT_LOAD_IA32_PAT, "load IA32_PAT" },
	{ VM_EXIT_SAVE_IA32_EFER, "save IA32_EFER" },
	{ VM_EXIT_LOAD_IA32_EFER, "load IA32_EFER" },
	{ VM_EXIT_SAVE_DEBUG_CONTROLS, "save debug controls" },
};

/*
 * VM-entry controls (SDM 24.8.1): the guest's PAT, EFER, DR7 and
 * IA32_DEBUGCTL loaded from the VMCS.  "IA-32e mode guest" is per vCPU.
 */
static const struct lg_vmx_need lg_entry_need[] = {
	{ VM_ENTRY_LOAD_IA32_PAT, "load IA32_PAT" },
	{ VM_ENTRY_LOAD_IA32_EFER, "load IA32_EFER" },
	{ VM_ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls" },
};

/* The capabilities of IA32_VMX_EPT_VPID_CAP we cannot do without (A.10). */
static const struct lg_vmx_need lg_ept_need[] = {
	{ 0, "EPT page-walk length 4" },	/* bits: lg_ept_need_bits[] */
	{ 0, "EPT paging-structure memory type WB" },
	{ 0, "INVEPT" },
	{ 0, "INVEPT single-context" },
	{ 0, "INVEPT all-context" },
};
static const u64 lg_ept_need_bits[ARRAY_SIZE(lg_ept_need)] = {
	VMX_EPT_PAGE_WALK_4_BIT, VMX_EPTP_WB_BIT, VMX_EPT_INVEPT_BIT,
	VMX_EPT_EXTENT_CONTEXT_BIT, VMX_EPT_EXTENT_GLOBAL_BIT,
};

static u32 lg_need_bits(const struct lg_vmx_need *need, size_t n)
{
	u32 bits = 0;

	while (n--)
		bits |= need[n].bit;
	return bits;
}

/**
 * lg_vmx_adjust() - a VMX control word from a capability MSR.
 * @msr: the capability MSR (IA32_VMX_[TRUE_]PINBASED_CTLS, ...).
 * @want: controls we cannot do without.
 * @optional: controls we set where the CPU allows them.
 * @out: the word: every control the CPU requires to be 1, @want, and the
 *	allowed part of @optional.
 *
 * The MSR's low 32 bits are the allowed 0-settings (a 1 bit: the control
 * must be 1), its high 32 bits the allowed 1-settings (a 0 bit: the
 * control must be 0): SDM appendix A.3-A.5.  Unchanged @out on failure.
 *
 * Return: 0; -ENODEV if a control in @want cannot be 1 (or the CPU would
 * require a control it does not allow); -EIO if the MSR cannot be read.
 */
int lg_vmx_adjust(u32 msr, u32 want, u32 optional, u32 *out)
{
	u32 must1, may1, val;

	if (rdmsr_safe(msr, &must1, &may1))
		return -EIO;
	val = must1 | want | (optional & may1);
	if (val & ~may1)
		return -ENODEV;
	*out = val;
	return 0;
}

/*
 * Reads the word's MSR into @ctl, makes @word from @need and @optional,
 * and names the first missing control of @need (and of @may, which must
 * be allowed but stays 0) in one log line.
 */
static int lg_vmx_word(const char *what, u32 msr,
		       const struct lg_vmx_need *need, size_t n_need,
		       const struct lg_vmx_need *may, size_t n_may,
		       u32 optional, struct lg_vmx_ctl *ctl, u32 *word)
{
	size_t i;
	int err;

	if (rdmsr_safe(msr, &ctl->must1, &ctl->may1)) {
		pr_err("cannot read VMX capability MSR %#x; cannot run guests\n", msr);
		return -ENODEV;
	}
	for (i = 0; i < n_need; i++)
		if (!(need[i].bit & ctl->may1))
			goto missing;
	for (i = 0; i < n_may; i++)
		if (!(may[i].bit & ctl->may1)) {
			need = may;
			goto missing;
		}
	err = lg_vmx_adjust(msr, lg_need_bits(need, n_need), optional, word);
	if (err)
		pr_err("VMX %s controls: MSR %#x requires controls it does not allow (%#x of %#x); cannot run guests\n",
		       what, msr, ctl->must1, ctl->may1);
	return err ? -ENODEV : 0;
missing:
	pr_err("CPU lacks the VMX %s control \"%s\"; cannot run guests\n",
	       what, need[i].name);
	return -ENODEV;
}

/*T:140 On Intel the same question has more parts.  CPUID must show VMX,
 * and the firmware must have locked IA32_FEATURE_CONTROL with VMXON
 * allowed outside SMX (SDM 23.7, "Enabling and Entering VMX Operation"):
 * an unlocked or disallowing MSR makes VMXON fault, and only a reset can
 * change a locked one.  Then the capability MSRs (SDM appendix A) say
 * which VM-execution, VM-exit and VM-entry controls the CPU lets us set:
 * each control word we will use is built here once, every control the CPU
 * forces to 1 plus the ones we need, and checked against the ones it
 * allows, so that a VM entry never fails on a control (SDM 26.2.1.1).
 * What we cannot do without (EPT with 4-level walks, unrestricted guest,
 * MSR bitmaps, virtual NMIs, loading EFER and PAT on entry and exit...)
 * is named in one line when missing. :*/
/**
 * lg_vmx_check() - can this machine run lguest guests with Intel VMX?
 *
 * Fills lg_vmx_caps.  Call before lg_vmx_init().
 *
 * Return: 0, or -ENODEV with one log line saying what is missing.
 */
int lg_vmx_check(void)
{
	struct lg_vmx_caps *c = &lg_vmx_caps;
	bool true_ctls;
	u64 feat;
	size_t i;
	int err;

	memset(c, 0, sizeof(*c));
	if (!cpu_has_vmx()) {
		pr_err("CPU has no Intel VT-x (VMX) support; cannot run guests\n");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("Intel VT-x (VMX) is disabled by the firmware (IA32_FEATURE_CONTROL); enable VT-x in the BIOS setup\n");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_IA32_VMX_BASIC, &c->basic)) {
		pr_err("cannot read IA32_VMX_BASIC; cannot run guests\n");
		return -ENODEV;
	}
	/* SDM A.1: bits 30:0 revision, 44:32 region size, 48 32-bit addresses only. */
	c->revision_id = c->basic & 0x7fffffff;
	c->vmcs_size = (c->basic >> VMX_BASIC_VMCS_SIZE_SHIFT) & 0x1fff;
	if (c->vmcs_size > PAGE_SIZE || (c->basic & VMX_BASIC_64)) {
		pr_err("VMX regions of %u bytes%s are not supported; cannot run guests\n",
		       c->vmcs_size, (c->basic & VMX_BASIC_64) ? " below 4 GiB" : "");
		return -ENODEV;
	}
	if (((c->basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT) !=
	    VMX_BASIC_MEM_TYPE_WB) {
		pr_err("CPU wants VMCS memory that is not write-back; cannot run guests\n");
		return -ENODEV;
	}
	true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;

	err = lg_vmx_word("pin-based", true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			  MSR_IA32_VMX_PINBASED_CTLS,
			  lg_pin_need, ARRAY_SIZE(lg_pin_need), NULL, 0, 0,
			  &c->pin_ctl, &c->pin);
	if (err)
		return err;
	err = lg_vmx_word("processor-based", true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			  MSR_IA32_VMX_PROCBASED_CTLS,
			  lg_proc_need, ARRAY_SIZE(lg_proc_need),
			  lg_proc_may, ARRAY_SIZE(lg_proc_may), LG_PROC_OPTIONAL,
			  &c->proc_ctl, &c->proc);
	if (err)
		return err;
	c->proc_shadow = CPU_BASED_INVLPG_EXITING | CPU_BASED_CR3_LOAD_EXITING |
			 CPU_BASED_CR3_STORE_EXITING;
	/* Exists since "activate secondary controls" may be 1 (A.3.3). */
	err = lg_vmx_word("secondary processor-based", MSR_IA32_VMX_PROCBASED_CTLS2,
			  lg_proc2_need, ARRAY_SIZE(lg_proc2_need), NULL, 0,
			  LG_PROC2_OPTIONAL, &c->proc2_ctl, &c->proc2);
	if (err)
		return err;
	err = lg_vmx_word("VM-exit", true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			  MSR_IA32_VMX_EXIT_CTLS,
			  lg_exit_need, ARRAY_SIZE(lg_exit_need), NULL, 0, 0,
			  &c->exit_ctl, &c->exit);
	if (err)
		return err;
	err = lg_vmx_word("VM-entry", true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			  MSR_IA32_VMX_ENTRY_CTLS,
			  lg_entry_need, ARRAY_SIZE(lg_entry_need), NULL, 0, 0,
			  &c->entry_ctl, &c->entry);
	if (err)
		return err;
	/*
	 * "Acknowledge interrupt on exit" is forced on by no CPU we know,
	 * but we rely on it being off (the host takes the interrupt).
	 */
	if (c->exit & VM_EXIT_ACK_INTR_ON_EXIT) {
		pr_err("CPU forces the VM-exit control \"acknowledge interrupt on exit\"; cannot run guests\n");
		return -ENODEV;
	}

	/* Exists since EPT may be 1 (A.10). */
	if (rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &c->ept_vpid)) {
		pr_err("cannot read IA32_VMX_EPT_VPID_CAP; cannot run guests\n");
		return -ENODEV;
	}
	for (i = 0; i < ARRAY_SIZE(lg_ept_need); i++)
		if (!(c->ept_vpid & lg_ept_need_bits[i])) {
			pr_err("CPU lacks the VMX capability \"%s\"; cannot run guests\n",
			       lg_ept_need[i].name);
			return -ENODEV;
		}
	c->ept_ad = c->ept_vpid & VMX_EPT_AD_BIT;
	c->ept_2m = c->ept_vpid & VMX_EPT_2MB_PAGE_BIT;
	c->ept_1g = c->ept_vpid & VMX_EPT_1GB_PAGE_BIT;
	/* INVVPID capabilities are bits 63:32 (the header's are shifted). */
	if (c->ept_vpid & ((u64)VMX_VPID_INVVPID_BIT << 32)) {
		c->invvpid_addr = c->ept_vpid &
			((u64)VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT << 32);
		c->invvpid_single = c->ept_vpid &
			((u64)VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT << 32);
		c->invvpid_all = c->ept_vpid &
			((u64)VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT << 32);
	}
	/* VPIDs only with a way to flush them (as KVM decides). */
	if (!c->invvpid_single && !c->invvpid_all)
		c->proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	c->vpid = c->proc2 & SECONDARY_EXEC_ENABLE_VPID;

	if (rdmsrl_safe(MSR_IA32_VMX_MISC, &c->misc) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED0, &c->cr0_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED1, &c->cr0_fixed1) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED0, &c->cr4_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED1, &c->cr4_fixed1)) {
		pr_err("cannot read the VMX capability MSRs; cannot run guests\n");
		return -ENODEV;
	}
	return 0;
}

/*
 * The CR0 or CR4 bits of @val that VMX operation forbids: missing ones of
 * @fixed0, or set ones outside @fixed1 (SDM 23.8, A.7, A.8).
 */
static u64 lg_vmx_cr_bad(u64 val, u64 fixed0, u64 fixed1)
{
	return (~val & fixed0) | (val & ~fixed1);
}

/* Names the CPU's failure; called with interrupts enabled again. */
static void lg_vmx_cpu_error(unsigned int cpu, int err, u64 bad0, u64 bad4)
{
	switch (err) {
	case -EBUSY:
		pr_err("Intel VT-x is already in use on CPU %u (CR4.VMXE is set: another hypervisor, e.g. kvm_intel, is running guests)\n",
		       cpu);
		break;
	case -EPERM:
		pr_err("Intel VT-x is disabled by the firmware on CPU %u (IA32_FEATURE_CONTROL); enable VT-x in the BIOS setup\n",
		       cpu);
		break;
	case -EINVAL:
		pr_err("CPU %u has another VMX revision than CPU 0; cannot run guests\n",
		       cpu);
		break;
	case -ERANGE:
		pr_err("CPU %u: the host's CR0/CR4 violate VMX's fixed bits (CR0 %#llx, CR4 %#llx); cannot run guests\n",
		       cpu, bad0, bad4);
		break;
	default:
		pr_err("VMXON failed on CPU %u; cannot run guests\n", cpu);
	}
}

/*T:142 Entering VMX operation on a CPU: VMXON with the physical address
 * of a zeroed, page-aligned region whose first word is the VMCS revision
 * identifier (SDM 23.7, 30.3 "VMXON").  Before it, CR4.VMXE must be set,
 * and CR0 and CR4 must have every bit IA32_VMX_CR{0,4}_FIXED0 demands and
 * none that FIXED1 forbids (SDM 23.8, "Restrictions on VMX Operation"):
 * the host kernel's usual CR0 (PE, NE, PG) and CR4 do, and we refuse with
 * a message rather than change them.  If CR4.VMXE is already set, someone
 * else is in VMX operation here, usually kvm_intel with a guest running:
 * as for SVM we refuse, and KVM in turn refuses while we hold it.  Intel
 * PT tracing is paused first, as KVM does, since not every CPU may trace in
 * VMX operation (IA32_VMX_MISC bit 14).  Another VMM may have left EPT
 * translations cached, so they are all invalidated (SDM 31.5, "VMM Setup &
 * Tear Down"; KVM does the same).  Interrupts stay off from the CR4 test
 * to VMXON so that another hypervisor's enable IPI cannot slip in between.
 * :*/
static int lg_vmx_cpu_enable(struct page *vmxon, u64 *bad0, u64 *bad4)
{
	const struct lg_vmx_caps *c = &lg_vmx_caps;
	u64 feat, basic, pa = page_to_phys(vmxon);
	unsigned long cr4 = __read_cr4();

	if (cr4 & X86_CR4_VMXE)
		return -EBUSY;
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) || !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return -EPERM;
	if (rdmsrl_safe(MSR_IA32_VMX_BASIC, &basic) ||
	    (basic & 0x7fffffff) != c->revision_id)
		return -EINVAL;
	*bad0 = lg_vmx_cr_bad(read_cr0(), c->cr0_fixed0, c->cr0_fixed1);
	*bad4 = lg_vmx_cr_bad(cr4 | X86_CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1);
	if (*bad0 || *bad4)
		return -ERANGE;

	intel_pt_handle_vmx(1);
	cr4_set_bits(X86_CR4_VMXE);
	asm goto("1: vmxon %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	this_cpu_write(lg_vmxon_page, vmxon);
	this_cpu_write(lg_current_vmcs, NULL);
	lg_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	return 0;

fail:
	cr4_clear_bits(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
	return -EIO;
}

static int lg_vmx_cpu_online(unsigned int cpu)
{
	struct page *vmxon;
	unsigned long flags;
	u64 bad0 = 0, bad4 = 0;
	int err;

	vmxon = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	if (!vmxon)
		return -ENOMEM;
	/* SDM 24.11.5, "VMXON Region": bits 30:0 the revision, bit 31 clear. */
	*(u32 *)page_address(vmxon) = lg_vmx_caps.revision_id;

	local_irq_save(flags);
	err = lg_vmx_cpu_enable(vmxon, &bad0, &bad4);
	local_irq_restore(flags);
	if (!err)
		return 0;
	lg_vmx_cpu_error(cpu, err, bad0, bad4);
	__free_page(vmxon);
	return err;
}

/*
 * VMCLEAR of @v on this CPU, where it is active, and the record of that.
 * Called with interrupts off: by IPI from lg_vmcs_load() or lg_vmcs_free()
 * on another CPU, or on this CPU going offline.
 */
static void lg_vmcs_clear_here(struct lg_vmcs *v)
{
	/*
	 * The VMCS may have been cleared here meanwhile (this CPU went
	 * offline and the IPI that asked came late): nothing to do then.
	 */
	if (v->cpu != raw_smp_processor_id())
		return;
	/* VMCLEAR of the current VMCS leaves no VMCS current (SDM 30.3). */
	if (this_cpu_read(lg_current_vmcs) == v)
		this_cpu_write(lg_current_vmcs, NULL);
	if (lg_vmcs_clear(v->pa))
		pr_err_ratelimited("VMCLEAR of VMCS %#llx failed on CPU %d\n",
				   v->pa, v->cpu);
	list_del(&v->cpu_link);
	v->launched = false;
	/*
	 * The list entry must be gone, and launched false, before cpu reads
	 * -1: another CPU that sees -1 adds @v to its own list at once, and
	 * must not do so while it is still on ours, nor VMRESUME it.  This
	 * can race: CPU offline runs here while the vCPU's thread, already
	 * pushed to another CPU, loads @v there.  Pairs with the smp_rmb()
	 * in lg_vmcs_load().
	 */
	smp_wmb();
	WRITE_ONCE(v->cpu, -1);
}

static void lg_vmcs_clear_ipi(void *v)
{
	lg_vmcs_clear_here(v);
}

/* Runs on @cpu as it goes offline, and on every CPU when we unload. */
static int lg_vmx_cpu_offline(unsigned int cpu)
{
	struct lg_vmcs *v, *next;
	struct page *vmxon;
	unsigned long flags;

	local_irq_save(flags);
	vmxon = this_cpu_read(lg_vmxon_page);
	if (!vmxon) {
		local_irq_restore(flags);
		return 0;
	}
	/*
	 * A VMCS left active here would be lost to VMXOFF (its data may
	 * still be in the CPU, SDM 24.11.1): clear each; its vCPU loads it
	 * on another CPU and launches it anew (launched is now false).
	 */
	list_for_each_entry_safe(v, next, this_cpu_ptr(&lg_loaded_vmcss), cpu_link)
		lg_vmcs_clear_here(v);
	/* VMXOFF, then CR4.VMXE cleared (SDM 31.5). */
	cpu_vmxoff();
	intel_pt_handle_vmx(0);
	this_cpu_write(lg_vmxon_page, NULL);
	local_irq_restore(flags);
	__free_page(vmxon);
	return 0;
}

/*T:144 A crash kernel or an emergency reboot must not start with VMX left
 * on: INIT is blocked in VMX root operation (SDM 23.8), so the next
 * kernel could not start its other CPUs, and a VMCS still active may not
 * have been written back to memory, where a crash dump would look for it.
 * The x86 reboot code calls this on every CPU, from NMI context: it
 * VMCLEARs each VMCS active on the CPU, walking the list forward (which
 * stays consistent for an NMI that interrupts list_add() or list_del() on
 * the same CPU), and does VMXOFF if CR4.VMXE is set. :*/
static void lg_vmx_emergency_disable(void)
{
	struct lg_vmcs *v;

	list_for_each_entry(v, this_cpu_ptr(&lg_loaded_vmcss), cpu_link)
		lg_vmcs_clear(v->pa);
	__cpu_emergency_vmxoff();
}

/*
 * Linux 6.1 has room for one emergency callback, and kvm_intel takes it as
 * it loads, whether or not it runs guests; registering a second one
 * WARNs and does nothing.  kvm_intel's callback does VMXOFF on every CPU
 * whose CR4.VMXE is set, ours included, so while kvm_intel is loaded we
 * leave the slot to it (only the VMCLEAR for a crash dump is lost) and
 * take it when kvm_intel goes, giving it back before kvm_intel loads.
 */
static DEFINE_MUTEX(lg_vmx_cb_lock);
static bool lg_vmx_cb_wanted, lg_vmx_cb_ours, lg_kvm_intel_coming;

static bool lg_kvm_intel_loaded(void)
{
	struct kset *kset = NULL;
	struct kobject *kobj;

	/*
	 * /sys/module/kvm_intel: a loaded module, or a built-in one (which
	 * has parameters).  module_kset is not exported, but every module,
	 * ours included, is in it.
	 */
#if defined(MODULE)
	kset = THIS_MODULE->mkobj.kobj.kset;
#elif defined(CONFIG_SYSFS)
	kset = module_kset;
#endif
	if (!kset)
		return false;
	kobj = kset_find_obj(kset, "kvm_intel");
	if (!kobj)
		return false;
	kobject_put(kobj);
	return true;
}

static void lg_vmx_cb_update(void)
{
	bool want = lg_vmx_cb_wanted && !lg_kvm_intel_coming &&
		    !lg_kvm_intel_loaded();

	lockdep_assert_held(&lg_vmx_cb_lock);
	if (want && !lg_vmx_cb_ours)
		cpu_emergency_register_virt_callback(lg_vmx_emergency_disable);
	else if (!want && lg_vmx_cb_ours)
		cpu_emergency_unregister_virt_callback(lg_vmx_emergency_disable);
	else
		return;
	lg_vmx_cb_ours = want;
}

#ifdef CONFIG_MODULES
static int lg_vmx_module_event(struct notifier_block *nb, unsigned long event,
			       void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	mutex_lock(&lg_vmx_cb_lock);
	if (event == MODULE_STATE_COMING) {
		/* Before its init registers its callback; sysfs is not up yet. */
		lg_kvm_intel_coming = true;
		lg_vmx_cb_update();
	} else if (event == MODULE_STATE_GOING) {
		/* After its exit (or failed init) unregistered it. */
		lg_kvm_intel_coming = false;
		if (lg_vmx_cb_wanted && !lg_vmx_cb_ours) {
			cpu_emergency_register_virt_callback(lg_vmx_emergency_disable);
			lg_vmx_cb_ours = true;
		}
	}
	mutex_unlock(&lg_vmx_cb_lock);
	return NOTIFY_DONE;
}

#endif

static struct notifier_block lg_vmx_module_nb = {
#ifdef CONFIG_MODULES
	.notifier_call = lg_vmx_module_event,
#endif
};

/**
 * lg_vmx_init() - enter VMX operation on every online CPU, and on CPUs
 *	that come later.
 *
 * Call after lg_vmx_check() succeeded, and instead of lg_svm_init().
 *
 * Return: 0, or a negative errno after undoing everything if any CPU refused.
 */
int lg_vmx_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu(lg_loaded_vmcss, cpu));
	ret = register_module_notifier(&lg_vmx_module_nb);
	if (ret)
		return ret;
	mutex_lock(&lg_vmx_cb_lock);
	lg_vmx_cb_wanted = true;
	lg_vmx_cb_update();
	if (!lg_vmx_cb_ours)
		pr_info("kvm_intel is loaded: its emergency-reboot callback turns VMX off for us too\n");
	mutex_unlock(&lg_vmx_cb_lock);
	/* Calls lg_vmx_cpu_online() on each online CPU; unwinds on failure. */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "lguest/vmx:online",
				lg_vmx_cpu_online, lg_vmx_cpu_offline);
	if (ret < 0)
		goto unregister;
	lg_vmx_cpuhp_state = ret;
	return 0;

unregister:
	mutex_lock(&lg_vmx_cb_lock);
	lg_vmx_cb_wanted = false;
	lg_vmx_cb_update();
	mutex_unlock(&lg_vmx_cb_lock);
	unregister_module_notifier(&lg_vmx_module_nb);
	return ret;
}

/**
 * lg_vmx_exit() - leave VMX operation on every CPU and stop following
 *	hotplug.  Every VMCS must have been freed (lg_vmcs_free()).
 */
void lg_vmx_exit(void)
{
	cpuhp_remove_state(lg_vmx_cpuhp_state);
	mutex_lock(&lg_vmx_cb_lock);
	lg_vmx_cb_wanted = false;
	lg_vmx_cb_update();
	mutex_unlock(&lg_vmx_cb_lock);
	unregister_module_notifier(&lg_vmx_module_nb);
}

/**
 * lg_vmcs_alloc() - a VMCS region, ready for its first VMPTRLD.
 * @vmcs: filled in; not active anywhere, launch state clear.
 * @node: NUMA node to allocate on (NUMA_NO_NODE: any).
 *
 * Zeroed, with the revision identifier in its first word and bit 31 (the
 * shadow-VMCS indicator) clear, then VMCLEARed once, as SDM 24.11.3
 * ("Initializing a VMCS") asks before a region's first VMPTRLD: that
 * initializes the CPU's own data in it and makes its launch state clear.
 * It is not active anywhere after (VMCLEAR leaves it inactive).  The
 * backend must still write every field it uses: nothing may be assumed
 * of a fresh VMCS's contents.  Charged to the caller's memcg.  Call in
 * process context after lg_vmx_init().
 *
 * Return: 0, -ENOMEM, or -EIO if the VMCLEAR failed (logged).
 */
int lg_vmcs_alloc(struct lg_vmcs *vmcs, int node)
{
	struct page *page;
	int err = 0;

	page = alloc_pages_node(node, GFP_KERNEL_ACCOUNT | __GFP_ZERO, 0);
	if (!page)
		return -ENOMEM;
	vmcs->va = page_address(page);
	vmcs->pa = page_to_phys(page);
	*(u32 *)vmcs->va = lg_vmx_caps.revision_id;
	vmcs->cpu = -1;
	vmcs->launched = false;
	INIT_LIST_HEAD(&vmcs->cpu_link);

	/* Any CPU will do, as long as it is in VMX operation meanwhile. */
	preempt_disable();
	if (!this_cpu_read(lg_vmxon_page) || lg_vmcs_clear(vmcs->pa))
		err = -EIO;
	preempt_enable();
	if (err) {
		pr_err_ratelimited("VMCLEAR of a new VMCS failed\n");
		__free_page(page);
		vmcs->va = NULL;
		vmcs->pa = 0;
	}
	return err;
}

/*
 * VMCLEAR @v where it is active, waiting for it.  With interrupts enabled
 * (an IPI to wait for); smp_call_function_single() runs it here directly
 * when that CPU is this one, and does nothing if that CPU is already
 * offline, which cleared it on its way out.
 */
static void lg_vmcs_clear_remote(struct lg_vmcs *v)
{
	int cpu = READ_ONCE(v->cpu);

	if (cpu != -1)
		smp_call_function_single(cpu, lg_vmcs_clear_ipi, v, 1);
}

/**
 * lg_vmcs_free() - VMCLEAR a VMCS wherever it is active, and free it.
 * @vmcs: from lg_vmcs_alloc(), or zeroed (then nothing is done).  Its
 *	vCPU must not be running.
 *
 * Call in process context with interrupts enabled.
 */
void lg_vmcs_free(struct lg_vmcs *vmcs)
{
	if (!vmcs->va)
		return;
	lg_vmcs_clear_remote(vmcs);
	free_page((unsigned long)vmcs->va);
	vmcs->va = NULL;
	vmcs->pa = 0;
}

/*T:146 A VMCS is tied to the CPU that last loaded it: its data may sit in
 * that CPU until a VMCLEAR there writes it back (SDM 24.11.1, "Software
 * Use of Virtual-Machine Control Structures"), and loading it on a second
 * CPU before that would corrupt it.  So each VMCS records the CPU it is
 * active on, and each CPU keeps a list of the VMCSs active on it.  When a
 * vCPU finds itself on another CPU, its VMCS is VMCLEARed on the old one by
 * an IPI that we wait for, which also takes it off that CPU's list; its
 * launch state is then "clear", so the next entry is a VMLAUNCH (SDM
 * 24.11.3).  Then it is put on this CPU's list and VMPTRLDed here.  The
 * list is only ever changed on its own CPU with interrupts off, so the
 * IPI, CPU offline and the emergency NMI see it whole; the one cross-CPU
 * hand-over is the cpu field, written last by the old CPU (after an
 * smp_wmb()) and read first by the new one (before an smp_rmb()), so the
 * VMCS is never on two lists at once. :*/
/**
 * lg_vmcs_load() - make a VMCS current on this CPU.
 * @vmcs: the vCPU's VMCS.
 *
 * Call with preemption disabled and interrupts enabled: a VMCS active on
 * another CPU is VMCLEARed there by an IPI we wait for.  Keep preemption
 * disabled until the VM entry: only then is the VMCS sure to stay
 * current here (CPU offline clears it, but cannot run meanwhile).  Read
 * @vmcs->launched after this call: it is false after a move.
 *
 * Return: 1 if the VMCS was not active on this CPU before (the backend
 * must rewrite the per-CPU host-state fields: HOST_TR_BASE,
 * HOST_GDTR_BASE, HOST_GS_BASE, HOST_IA32_SYSENTER_ESP, and flush the
 * guest's VPID/EPT translations, which may be stale here); 0 if it was;
 * -EIO if this CPU is not in VMX operation or VMPTRLD failed (logged);
 * -EINVAL if called with interrupts off for a VMCS active elsewhere.
 */
int lg_vmcs_load(struct lg_vmcs *vmcs)
{
	int cpu = smp_processor_id();
	unsigned long flags;
	int moved = 0;

	if (READ_ONCE(vmcs->cpu) != cpu) {
		if (WARN_ON_ONCE(irqs_disabled()))
			return -EINVAL;
		lg_vmcs_clear_remote(vmcs);
		local_irq_save(flags);
		if (!this_cpu_read(lg_vmxon_page)) {
			local_irq_restore(flags);
			pr_err_ratelimited("CPU %d is not in VMX operation\n", cpu);
			return -EIO;
		}
		/*
		 * cpu == -1 read before the list_add(): the old CPU's
		 * list_del() is then done.  Pairs with the smp_wmb() in
		 * lg_vmcs_clear_here().
		 */
		smp_rmb();
		list_add(&vmcs->cpu_link, this_cpu_ptr(&lg_loaded_vmcss));
		WRITE_ONCE(vmcs->cpu, cpu);
		local_irq_restore(flags);
		moved = 1;
	}
	if (this_cpu_read(lg_current_vmcs) != vmcs) {
		if (lg_vmptrld(vmcs->pa)) {
			pr_err_ratelimited("VMPTRLD of VMCS %#llx failed on CPU %d\n",
					   vmcs->pa, cpu);
			return -EIO;
		}
		this_cpu_write(lg_current_vmcs, vmcs);
	}
	return moved;
}

/**
 * lg_vmx_insn_error() - log a failed VMX instruction (rate-limited).
 * @insn: its name, "vmread" ...
 * @field: the VMCS field encoding it accessed (for INVEPT/INVVPID: the type).
 * @fault: it faulted (#UD or #GP: not in VMX operation, or at the wrong
 *	privilege) rather than failing with CF or ZF set.
 *
 * For VMfailValid the VM-instruction error of the current VMCS says why
 * (SDM 30.4: 12 is "VMREAD/VMWRITE from/to unsupported VMCS component", 13
 * "VMWRITE to read-only VMCS component"); for VMfailInvalid there is no
 * current VMCS to ask.
 */
void lg_vmx_insn_error(const char *insn, unsigned long field, bool fault)
{
	unsigned long err;

	if (fault) {
		pr_err_ratelimited("%s %#lx faulted on CPU %d (not in VMX operation?)\n",
				   insn, field, raw_smp_processor_id());
		return;
	}
	/* Not lg_vmread(), which would call us again on failure. */
	asm_goto_output("1: vmread %[f], %[err]\n\t"
			"jna %l[invalid]\n\t"
			_ASM_EXTABLE(1b, %l[invalid])
			: [err] "=r" (err)
			: [f] "r" ((unsigned long)VM_INSTRUCTION_ERROR)
			: "cc" : invalid);
	pr_err_ratelimited("%s %#lx failed: VM-instruction error %lu\n",
			   insn, field, err);
	return;
invalid:
	pr_err_ratelimited("%s %#lx failed: no current VMCS (VMfailInvalid)\n",
			   insn, field);
}
