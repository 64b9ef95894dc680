// SPDX-License-Identifier: GPL-2.0
/*
 * svm.c - the AMD-V backend's vCPU half (svm_cpu.c is its per-CPU half):
 * the intercepts and permission maps, ASIDs, the virtual interrupt and
 * TLB control of the VMCB, and VMRUN between CLGI and STGI, all reached
 * through lg_svm_ops.
 */
#include "lg.h"

#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

/* Shared by all guests: intercept every port, and every MSR but a few. */
#define LG_IOPM_ORDER	2	/* 12 KiB used (APM 15.10.1) */
#define LG_MSRPM_ORDER	1	/* 8 KiB used (APM 15.11) */
static struct page *lg_iopm, *lg_msrpm;

static DEFINE_IDA(lg_asids);

/* Permit direct guest access to one MSR in the MSR permission map. */
static void lg_msrpm_allow(u8 *msrpm, u32 msr)
{
	static const struct { u32 base; u32 offset; } ranges[] = {
		{ 0x00000000, 0x0000 }, { 0xc0000000, 0x0800 }, { 0xc0010000, 0x1000 },
	};
	unsigned int i, bit;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		if (msr - ranges[i].base >= 0x2000)
			continue;
		bit = (msr - ranges[i].base) * 2;
		msrpm[ranges[i].offset + bit / 8] &= ~(3 << (bit % 8));
		return;
	}
}

/*T:330 Which guest actions cost an exit is decided here, once.  Every I/O
 * port and nearly every MSR is intercepted: the guest only reaches
 * hardware we have decided to show it.  The exceptions are the MSRs that
 * VMLOAD and VMSAVE switch anyway (segment bases and the SYSCALL/SYSENTER
 * targets), which a kernel writes on every context switch; intercepting
 * those would buy nothing but exits. :*/
/*
 * Allocate the I/O and MSR permission maps all guests use.
 *
 * Return: 0 or -ENOMEM.
 */
static int lg_svm_maps_init(void)
{
	static const u32 direct_msrs[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR,
		MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	unsigned int i;

	lg_iopm = alloc_pages(GFP_KERNEL, LG_IOPM_ORDER);
	if (!lg_iopm)
		return -ENOMEM;
	lg_msrpm = alloc_pages(GFP_KERNEL, LG_MSRPM_ORDER);
	if (!lg_msrpm)
		goto free_iopm;
	memset(page_address(lg_iopm), 0xff, PAGE_SIZE << LG_IOPM_ORDER);
	memset(page_address(lg_msrpm), 0xff, PAGE_SIZE << LG_MSRPM_ORDER);
	for (i = 0; i < ARRAY_SIZE(direct_msrs); i++)
		lg_msrpm_allow(page_address(lg_msrpm), direct_msrs[i]);
	return 0;

free_iopm:
	__free_pages(lg_iopm, LG_IOPM_ORDER);
	return -ENOMEM;
}

/*
 * Free the permission maps.
 */
static void lg_svm_maps_exit(void)
{
	__free_pages(lg_msrpm, LG_MSRPM_ORDER);
	__free_pages(lg_iopm, LG_IOPM_ORDER);
	ida_destroy(&lg_asids);
}

static void lg_intercept(struct vmcb_control_area *c, unsigned int bit)
{
	c->intercepts[bit / 32] |= BIT(bit % 32);
}


/*
 * What AMD-V adds to the state image (vmcb.c): the intercepts, the
 * permission maps and the ASID.
 */
static int lg_svm_vcpu_create(struct lg_vcpu *vcpu)
{
	static const unsigned int intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_CPUID,
		INTERCEPT_RSM, INTERCEPT_INVD, INTERCEPT_HLT, INTERCEPT_INVLPGA,
		INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT, INTERCEPT_TASK_SWITCH,
		INTERCEPT_FERR_FREEZE, INTERCEPT_SHUTDOWN, INTERCEPT_VMRUN,
		INTERCEPT_VMMCALL, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
		INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
		INTERCEPT_WBINVD, INTERCEPT_MONITOR, INTERCEPT_MWAIT,
		INTERCEPT_XSETBV, INTERCEPT_RDPRU, INTERCEPT_RDPMC,
		INTERCEPT_CR4_WRITE,	/* only the CR4 bits we offer (cr.c) */
	};
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	unsigned int nr_asids = lg_svm_nr_asids();
	unsigned int i;
	int asid;

	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		lg_intercept(c, intercepts[i]);
	c->iopm_base_pa = page_to_phys(lg_iopm);
	c->msrpm_base_pa = page_to_phys(lg_msrpm);

	asid = nr_asids > LG_SHARED_ASID + 1 ?
		ida_alloc_range(&lg_asids, LG_SHARED_ASID + 1, nr_asids - 1,
				GFP_KERNEL) : -ENOSPC;
	vcpu->asid = asid < 0 ? LG_SHARED_ASID : asid;
	c->asid = vcpu->asid;
	/* The guest's IF masks virtual interrupts only; ours stay ours. */
	c->int_ctl = V_INTR_MASKING_MASK;
	return 0;
}

static void lg_svm_vcpu_free(struct lg_vcpu *vcpu)
{
	if (vcpu->asid != LG_SHARED_ASID)
		ida_free(&lg_asids, vcpu->asid);
}

/*
 * Forget the guest's translation of @gva in the hardware TLB (APM vol. 3,
 * INVLPGA).  The exit handler is preemptible, so this CPU need not be the
 * one the guest ran on and will run on again: there, a flush of the whole
 * ASID at the next VMRUN does it instead.  (A guest moving to a CPU other
 * than its last is flushed at VMRUN anyway, see lg_enter_guest().)
 */
static void lg_svm_flush_gva(struct lg_vcpu *vcpu, u64 gva)
{
	if (get_cpu() == vcpu->last_cpu)
		asm volatile("invlpga %0, %1" : : "a"(gva), "c"(vcpu->asid) : "memory");
	else
		lg_flush_guest_tlb(vcpu);
	put_cpu();
}

/* Make the guest's ASID forget what it cached, on the next VMRUN (APM 15.16.1). */
static void lg_svm_flush_tlb(struct lg_vcpu *vcpu)
{
	vcpu->vmcb->control.tlb_ctl = boot_cpu_has(X86_FEATURE_FLUSHBYASID) ?
				    TLB_CONTROL_FLUSH_ASID :
				    TLB_CONTROL_FLUSH_ALL_ASID;
}


/*
 * The world switch: VMRUN with GIF clear (run.c cleared it), RAX and RSP
 * through the VMCB, the rest in switcher.S.
 */
static void lg_svm_run(struct lg_vcpu *vcpu)
{
	struct vmcb *vmcb = vcpu->vmcb;

	/*
	 * A CPU with V_SPEC_CTRL loads SPEC_CTRL from the VMCB at VMRUN and
	 * puts the host's back at #VMEXIT (APM vol. 2, "SPEC_CTRL
	 * Virtualization"); left at 0 the guest would run without the
	 * host's SSBD/STIBP/IBRS.  The guest cannot see SPEC_CTRL, so it
	 * runs with the host's current value, as on CPUs without it.
	 */
	if (cpu_feature_enabled(X86_FEATURE_V_SPEC_CTRL))
		vmcb->save.spec_ctrl = this_cpu_read(x86_spec_ctrl_current);
	vmcb->save.rax = vcpu->regs[LG_RAX];
	vmcb->save.rsp = vcpu->regs[LG_RSP];
	lg_vmrun(vcpu, __pa(vmcb), lg_host_save_pa());
	/* After VMEXIT_INVALID the save area is not the guest's: keep ours. */
	if (vmcb->control.exit_code != (u32)SVM_EXIT_ERR) {
		vcpu->regs[LG_RAX] = vmcb->save.rax;
		vcpu->regs[LG_RSP] = vmcb->save.rsp;
	}
}

/* GIF off: from here no interrupt, NMI or SMI reaches the host until STGI. */
static void lg_svm_events_off(struct lg_vcpu *vcpu)
{
	asm volatile("clgi" ::: "memory");
}

static void lg_svm_events_on(struct lg_vcpu *vcpu)
{
	vcpu->vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	asm volatile("stgi" ::: "memory");
}

static int lg_svm_setup(void)
{
	int err;

	err = lg_svm_maps_init();
	if (err)
		return err;
	err = lg_svm_init();
	if (err)
		lg_svm_maps_exit();
	return err;
}

static void lg_svm_teardown(void)
{
	lg_svm_exit();
	lg_svm_maps_exit();
}


static struct lg_hw_ops lg_svm_ops __ro_after_init = {
	.name		= "AMD-V",
	.setup		= lg_svm_setup,
	.teardown	= lg_svm_teardown,
	.vcpu_create	= lg_svm_vcpu_create,
	.vcpu_free	= lg_svm_vcpu_free,
	.inject_nmi	= lg_nmi_inject,
	.flush_tlb	= lg_svm_flush_tlb,
	.flush_gva	= lg_svm_flush_gva,
	.events_off	= lg_svm_events_off,
	.run		= lg_svm_run,
	.events_on	= lg_svm_events_on,
};

/**
 * lg_svm_probe() - is this an AMD-V machine we can use?
 *
 * Return: the AMD-V backend, or NULL (having said why, if the CPU has
 * SVM but it is unusable, in @err).
 * @err: set to the reason the CPU's SVM cannot be used (0 if it has none).
 */
const struct lg_hw_ops *lg_svm_probe(int *err)
{
	*err = 0;
	if (!boot_cpu_has(X86_FEATURE_SVM))
		return NULL;
	*err = lg_svm_check();
	if (*err)
		return NULL;
	lg_svm_ops.nrips = boot_cpu_has(X86_FEATURE_NRIPS);
	lg_svm_ops.decode_assists = boot_cpu_has(X86_FEATURE_DECODEASSISTS);
	lg_svm_ops.nested_paging = boot_cpu_has(X86_FEATURE_NPT);
	return &lg_svm_ops;
}
