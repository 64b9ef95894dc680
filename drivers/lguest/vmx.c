// SPDX-License-Identifier: GPL-2.0
/*
 * vmx.c - the Intel VT-x backend's vCPU half (vmx_cpu.c is its per-CPU
 * half): each vCPU's VMCS, copied from the common VMCB image before every
 * VM entry and back after every exit, the exit translated into the AMD-V
 * exit code and EXITINFO the shared handlers read (vmcb.c, T:335), the
 * virtual interrupt and NMIs delivered as AMD-V's V_IRQ would, VPIDs and
 * EPT, and the host state VM exit does not restore.
 */
#include "lg.h"
#include "vmx.h"
#include "vmx_ops.h"

#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/mtrr.h>
#include <asm/perf_event.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include <asm/vmx.h>

static DEFINE_IDA(lg_vpids);
/* Flush L1D before each entry (L1TF, lg_vmx_run()). */
static bool lg_vmx_l1d_flush __ro_after_init;
/* One MSR bitmap for every guest: deny all but the MSRs the VMCS switches. */
static unsigned long *lg_vmx_msr_bitmap;

/* Let the guest at one MSR without an exit (SDM 24.6.9: four 1 KiB maps). */
static void lg_vmx_msr_allow(u32 msr)
{
	unsigned long *map = lg_vmx_msr_bitmap;
	unsigned int base;

	if (msr < 0x2000)
		base = 0;
	else if (msr - 0xc0000000 < 0x2000)
		base = 1024 * 8;
	else
		return;
	msr &= 0x1fff;
	__clear_bit(base + msr, map);			/* read */
	__clear_bit(base + 2048 * 8 + msr, map);	/* write */
}

/*
 * The MSRs a kernel writes on every context switch, all of which the
 * guest state of the VMCS holds (FS and GS bases, SYSENTER) or which we
 * switch around each entry (lg_vmx_swap_msrs()).  The rest exit to msr.c.
 */
static const u32 lg_vmx_direct_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR,
	MSR_CSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/* The syscall MSRs VM entry and exit leave alone (SDM 27.3, 28.5). */
static const u32 lg_vmx_swapped_msrs[] = {
	MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
};

static u64 *lg_vmx_msr_slot(struct vmcb_save_area *s, unsigned int i)
{
	u64 *slots[] = { &s->kernel_gs_base, &s->star, &s->lstar, &s->cstar,
			 &s->sfmask };

	return slots[i];
}

/* The VMCS fields of one segment, and where the VMCB image keeps it. */
struct lg_vmx_seg {
	u32 sel, limit, ar, base;
	size_t off;
};

#define LG_SEG(name, field) {						\
	GUEST_##name##_SELECTOR, GUEST_##name##_LIMIT,			\
	GUEST_##name##_AR_BYTES, GUEST_##name##_BASE,			\
	offsetof(struct vmcb_save_area, field) }

static const struct lg_vmx_seg lg_vmx_segs[] = {
	LG_SEG(ES, es), LG_SEG(CS, cs), LG_SEG(SS, ss), LG_SEG(DS, ds),
	LG_SEG(FS, fs), LG_SEG(GS, gs), LG_SEG(LDTR, ldtr), LG_SEG(TR, tr),
};

static struct vmcb_seg *lg_vmx_seg(struct vmcb_save_area *s, const struct lg_vmx_seg *seg)
{
	return (struct vmcb_seg *)((u8 *)s + seg->off);
}

/*
 * AMD's 12-bit segment attributes and Intel's access rights hold the same
 * bits, Intel's with a gap of four at bit 8 (APM vol. 2, 15.5.1; SDM vol.
 * 3, 24.4.1).  A segment AMD calls not present is one Intel calls
 * unusable; SS keeps its DPL, the CPL, either way.
 */
static u32 lg_vmx_ar(u16 attrib)
{
	u32 ar = (attrib & 0xff) | ((attrib & 0xf00) << 4);

	return (attrib & SVM_SELECTOR_P_MASK) ? ar : ar | LG_AR_UNUSABLE;
}

static u16 lg_vmx_attrib(u32 ar)
{
	u16 attrib = (ar & 0xff) | ((ar >> 4) & 0xf00);

	return (ar & LG_AR_UNUSABLE) ? attrib & ~SVM_SELECTOR_P_MASK : attrib;
}

/*
 * The fields that never change for a vCPU, written the first time it
 * runs (its VMCS is current then; VMCLEAR and VMPTRLD on another CPU keep
 * them).
 */
static void lg_vmx_setup_vmcs(struct lg_vcpu *vcpu)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);

	lg_vmwrite(PIN_BASED_VM_EXEC_CONTROL, lg_vmx_caps.pin);
	lg_vmwrite(VM_EXIT_CONTROLS, lg_vmx_caps.exit);
	lg_vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
	lg_vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
	lg_vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
	lg_vmwrite(VM_ENTRY_MSR_LOAD_ADDR, __pa(vmx->msr_guest));
	lg_vmwrite(VM_EXIT_MSR_LOAD_ADDR, __pa(vmx->msr_host));
	lg_vmwrite(CR3_TARGET_COUNT, 0);
	lg_vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
	lg_vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	lg_vmwrite(MSR_BITMAP, __pa(lg_vmx_msr_bitmap));
	lg_vmwrite(VIRTUAL_APIC_PAGE_ADDR, __pa(vmx->vapic));
	lg_vmwrite(TPR_THRESHOLD, 0);
	if (vmx->vpid)
		lg_vmwrite(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	/* No shadow VMCS: the link pointer must be all ones (SDM 26.3.1.5). */
	lg_vmwrite(VMCS_LINK_POINTER, -1ull);
	lg_vmwrite(GUEST_ACTIVITY_STATE, 0);
	lg_vmwrite(GUEST_IA32_DEBUGCTL, 0);
	/* The CR4 the guest sees is the VMCB's: every bit is ours (cr.c). */
	lg_vmwrite(CR4_GUEST_HOST_MASK, ~0ul);

	/* Host state that is the same on every CPU (SDM 24.5, 26.2.2-26.2.4). */
	lg_vmwrite(HOST_CR0, read_cr0());
	lg_vmwrite(HOST_CS_SELECTOR, __KERNEL_CS);
	lg_vmwrite(HOST_SS_SELECTOR, __KERNEL_DS);
	lg_vmwrite(HOST_DS_SELECTOR, 0);
	lg_vmwrite(HOST_ES_SELECTOR, 0);
	lg_vmwrite(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	lg_vmwrite(HOST_RIP, (unsigned long)lg_vmx_exit_rip);
	lg_vmwrite(HOST_IA32_PAT, native_read_msr(MSR_IA32_CR_PAT));
	lg_vmwrite(HOST_IA32_EFER, native_read_msr(MSR_EFER));
	vmx->setup = true;
}

/*
 * The host fields that differ between CPUs: the per-CPU TSS, GDT and GS
 * base, and the SYSENTER stack.  Written when the vCPU lands on a CPU.
 */
static void lg_vmx_host_cpu(struct lg_vmx_vcpu *vmx, int cpu)
{
	struct desc_ptr dt;
	u64 msr;

	lg_vmwrite(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	lg_vmwrite(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	store_idt(&dt);
	lg_vmwrite(HOST_IDTR_BASE, dt.address);
	lg_vmwrite(HOST_GS_BASE, native_read_msr(MSR_GS_BASE));
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	lg_vmwrite(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	lg_vmwrite(HOST_IA32_SYSENTER_ESP, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	lg_vmwrite(HOST_IA32_SYSENTER_EIP, msr);
	vmx->host_cpu = cpu;
}

/**
 * struct lg_vmx_host - host state a VM exit does not give back.
 * @ds: the DS selector (VM exit loads 0).
 * @es: the ES selector (VM exit loads 0).
 * @fs: the FS selector (VM exit loads ours, 0 if it has RPL or TI bits).
 * @gs: the GS selector (likewise).
 * @ldt: the LDT selector (VM exit leaves LDTR unusable).
 * @gdt: the GDT (VM exit sets its limit to 0xffff).
 * @idt: the IDT (likewise).
 * @debugctl: IA32_DEBUGCTL (VM exit clears it).
 * @msrs: the syscall MSRs of lg_vmx_swapped_msrs[].
 */
struct lg_vmx_host {
	u16 ds, es, fs, gs, ldt;
	struct desc_ptr gdt, idt;
	u64 debugctl;
	u64 msrs[ARRAY_SIZE(lg_vmx_swapped_msrs)];
};

/*
 * Host state that follows the task (CR3, FS) or may change (CR4), and
 * the state VM exit does not restore, saved for lg_vmx_host_restore().
 * A selector with RPL or TI bits set cannot be a host field (SDM
 * 26.2.3): 0 goes there, and the real one is loaded again after the exit.
 */
static void lg_vmx_host_save(struct lg_vmx_vcpu *vmx, struct lg_vmx_host *h)
{
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();
	unsigned int i;

	if (cr3 != vmx->host_cr3) {
		lg_vmwrite(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (cr4 != vmx->host_cr4) {
		lg_vmwrite(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	store_ldt(h->ldt);
	native_store_gdt(&h->gdt);
	store_idt(&h->idt);
	if ((h->fs & 7 ? 0 : h->fs) != vmx->host_fs_sel) {
		vmx->host_fs_sel = h->fs & 7 ? 0 : h->fs;
		lg_vmwrite(HOST_FS_SELECTOR, vmx->host_fs_sel);
	}
	if ((h->gs & 7 ? 0 : h->gs) != vmx->host_gs_sel) {
		vmx->host_gs_sel = h->gs & 7 ? 0 : h->gs;
		lg_vmwrite(HOST_GS_SELECTOR, vmx->host_gs_sel);
	}
	lg_vmwrite(HOST_FS_BASE, native_read_msr(MSR_FS_BASE));
	h->debugctl = get_debugctlmsr();
	for (i = 0; i < ARRAY_SIZE(lg_vmx_swapped_msrs); i++)
		h->msrs[i] = native_read_msr(lg_vmx_swapped_msrs[i]);
}

static void lg_vmx_host_restore(struct lg_vmx_host *h)
{
	unsigned int i;

	native_load_gdt(&h->gdt);
	load_idt(&h->idt);
	/* VM exit left TR's limit at 0x67: the I/O bitmap is past it. */
	invalidate_tss_limit();
	if (h->ldt)
		asm volatile("lldt %0" : : "rm" (h->ldt));
	if (h->gs & 7)
		load_gs_index(h->gs);
	if (h->fs & 7)
		loadsegment(fs, h->fs);
	if (h->ds)
		loadsegment(ds, h->ds);
	if (h->es)
		loadsegment(es, h->es);
	if (h->debugctl)
		update_debugctlmsr(h->debugctl);
	for (i = 0; i < ARRAY_SIZE(lg_vmx_swapped_msrs); i++)
		native_wrmsrl(lg_vmx_swapped_msrs[i], h->msrs[i]);
}

/* Is the guest at its interrupt window: IF set, no STI/MOV SS shadow? */
static bool lg_vmx_irq_window_open(struct lg_vcpu *vcpu)
{
	return (vcpu->vmcb->save.rflags & X86_EFLAGS_IF) &&
	       !(vcpu->vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK);
}

/*T:512 VT-x without APIC virtualization has no V_IRQ, so this is where
 * the backend plays the part AMD's CPU plays for the interrupt run.c
 * posted (T:510): if nothing else is being injected and the guest's
 * window is open, the vector goes in as an external interrupt through the
 * VM-entry interruption-information field (SDM vol. 3, 24.8.3), exactly
 * as the CPU would have taken it; otherwise interrupt-window exiting asks
 * the CPU to exit the moment the guest opens the window (SDM 25.2), and
 * the run loop posts it again.  V_IRQ is cleared after the exit only if
 * it went in, and an interrupted delivery shows in the IDT-vectoring
 * information, which becomes EXITINTINFO, so run.c's bookkeeping is the
 * same on both CPUs.  The guest's CR8 is the virtual-APIC page's TPR
 * (TPR shadow, SDM 29.1.2), as AMD's V_TPR is in the VMCB. :*/
static u32 lg_vmx_events(struct lg_vcpu *vcpu, u32 *entry_info, u32 *entry_err)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u32 windows = 0, inj = c->event_inj;

	vmx->vapic[0x80] = (c->int_ctl & V_TPR_MASK) << 4;
	vmx->virq_injected = false;
	*entry_err = c->event_inj_err;
	if (inj & SVM_EVTINJ_VALID) {
		/*
		 * The same layout (APM 15.20, SDM 24.8.3).  Real mode has no
		 * error codes: delivering one there fails the entry.
		 */
		if (!(lg_guest_cr0(vcpu) & X86_CR0_PE))
			inj &= ~SVM_EVTINJ_VALID_ERR;
		*entry_info = inj;
	} else if ((c->int_ctl & V_IRQ_MASK) && lg_vmx_irq_window_open(vcpu)) {
		*entry_info = c->int_vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK;
		vmx->virq_injected = true;
	} else {
		*entry_info = 0;
	}
	if ((c->int_ctl & V_IRQ_MASK) && !vmx->virq_injected)
		windows |= CPU_BASED_INTR_WINDOW_EXITING;
	if (READ_ONCE(vcpu->nmi_pending) &&
	    (*entry_info & SVM_EVTINJ_TYPE_MASK) != SVM_EVTINJ_TYPE_NMI)
		windows |= CPU_BASED_NMI_WINDOW_EXITING;
	return windows;
}

/*
 * NMIs on VT-x: "virtual NMIs" makes the CPU keep the guest's NMI blocking
 * itself, set when an injected NMI is delivered and cleared by the IRET
 * that ends its handler (SDM 25.3, 26.6.1.2), so AMD-V's IRET intercept
 * and single step (nmi.c) are not needed.  An NMI goes in when nothing
 * else is injected and MOV SS/STI shadow and NMI blocking allow (SDM
 * 26.3.1.5); otherwise NMI-window exiting (lg_vmx_events()) brings the
 * guest back as soon as they do.
 */
static void lg_vmx_inject_nmi(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;

	if (!READ_ONCE(vcpu->nmi_pending) || vcpu->nmi_masked ||
	    (c->event_inj & SVM_EVTINJ_VALID) ||
	    (c->int_state & SVM_INTERRUPT_SHADOW_MASK))
		return;
	if (!xchg(&vcpu->nmi_pending, false))
		return;
	c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | X86_TRAP_NMI;
}

static void lg_vmx_flush_tlb(struct lg_vcpu *vcpu)
{
	lg_vmx(vcpu)->flush = true;
}

/*
 * One address of the guest's, with INVVPID where the CPU offers it for
 * one address (SDM 30.3, INVVPID type 0; the address must be canonical)
 * and this is the CPU the vCPU last ran on; else the whole VPID at the
 * next entry.  Without a VPID every entry flushes anyway.
 */
static void lg_vmx_flush_gva(struct lg_vcpu *vcpu, u64 gva)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);

	int cpu;

	if (!vmx->vpid)
		return;
	cpu = get_cpu();
	if (lg_vmx_caps.invvpid_addr && gva == (u64)((s64)(gva << 16) >> 16) &&
	    cpu == vcpu->last_cpu)
		lg_invvpid(VMX_VPID_EXTENT_INDIVIDUAL_ADDR, vmx->vpid, gva);
	else
		vmx->flush = true;
	put_cpu();
}

/*
 * The guest's control registers.  CR4 is all ours (mask ~0): the CPU
 * runs with VMXE, which VMX operation requires (CR4_FIXED0), and the
 * guest reads the VMCB's CR4; any change it tries exits to cr.c.  CR0
 * under EPT is the guest's own but for the bits VMX fixes (NE); under
 * shadow paging it is all ours, the guest reading its own view and every
 * change exiting, as AMD-V's CR0 intercepts do.
 */
static void lg_vmx_load_cr(struct lg_vcpu *vcpu, bool nested, bool ept)
{
	const struct vmcb_save_area *s = &vcpu->vmcb->save;
	u64 fixed0 = lg_vmx_caps.cr0_fixed0, cr0 = s->cr0, cr4;

	/* Unrestricted guest lifts PE and PG from the fixed bits (SDM 26.3.1.1). */
	if (ept)
		fixed0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	/* Shadow paging's paging-off time runs on EPT, the guest's CR0 as is. */
	if (ept && !nested)
		cr0 = lg_guest_cr0(vcpu);
	lg_vmwrite(GUEST_CR0, (cr0 | fixed0) & lg_vmx_caps.cr0_fixed1);
	lg_vmwrite(CR0_GUEST_HOST_MASK, nested ? fixed0 : ~0ul);
	lg_vmwrite(CR0_READ_SHADOW, nested ? s->cr0 : lg_guest_cr0(vcpu));
	lg_vmwrite(GUEST_CR3, s->cr3);
	/*
	 * The guest reads its own CR4 (a shadow-paged guest's without the
	 * PAE our identity map needs, so that setting PAE itself exits).
	 */
	cr4 = ept && !nested ? lg_guest_cr4(vcpu) : s->cr4;
	lg_vmwrite(GUEST_CR4, (cr4 | lg_vmx_caps.cr4_fixed0) & lg_vmx_caps.cr4_fixed1);
	lg_vmwrite(CR4_READ_SHADOW, lg_guest_cr4(vcpu));
}

/* Is the guest in PAE paging (not 4-level) with its own page tables? */
static bool lg_vmx_pae(const struct vmcb_save_area *s, bool nested)
{
	return nested && (s->cr0 & X86_CR0_PG) && (s->cr4 & X86_CR4_PAE) &&
	       !(s->efer & EFER_LMA);
}

/*
 * Under EPT the CPU takes a PAE guest's four PDPTEs from the VMCS at VM
 * entry, not from memory (SDM 26.3.2.4), and stores them back at exit.
 * When CR3 changed behind the CPU's back (the launcher's SET_SREGS), they
 * are read again from guest memory, as a MOV to CR3 would; a CR3 outside
 * RAM gives not-present entries.
 */
static void lg_vmx_load_pdptrs(struct lg_vcpu *vcpu)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);
	const struct vmcb_save_area *s = &vcpu->vmcb->save;

	if (vmx->pdptr_cr3 != s->cr3) {
		if (lg_copy_from_guest(vcpu->lg, vmx->pdptr, s->cr3 & ~0x1full,
				       sizeof(vmx->pdptr)))
			memset(vmx->pdptr, 0, sizeof(vmx->pdptr));
		vmx->pdptr_cr3 = s->cr3;
	}
	lg_vmwrite(GUEST_PDPTR0, vmx->pdptr[0]);
	lg_vmwrite(GUEST_PDPTR1, vmx->pdptr[1]);
	lg_vmwrite(GUEST_PDPTR2, vmx->pdptr[2]);
	lg_vmwrite(GUEST_PDPTR3, vmx->pdptr[3]);
}

/* The VMCB image into the VMCS, before every entry. */
static void lg_vmx_state_in(struct lg_vcpu *vcpu, u32 windows)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	bool nested = c->nested_ctl & SVM_NESTED_CTL_NP_ENABLE;
	/*T:586 AMD-V runs a shadow-paged guest's real mode ("paged real
	 * mode", CR0.PE clear with our CR0.PG set); VT-x refuses PG without
	 * PE (SDM 26.3.1.1), and runs real mode only as an unrestricted
	 * guest, which needs EPT.  So a shadow-paged guest on VT-x spends its
	 * time with paging off (reset, real mode, every AP's start-up code,
	 * and the protected-mode steps before paging, whose half-loaded
	 * segments only an unrestricted guest may run with) on the same EPT
	 * tables nested paging uses, identity-mapping its RAM as its paging-
	 * off view does, and goes back to its shadow tables as soon as CR0.PG
	 * is set (the CR0 write exits to the shadow MMU). :*/
	bool ept = nested || !(lg_guest_cr0(vcpu) & X86_CR0_PG);
	u32 proc = (lg_vmx_caps.proc & ~(CPU_BASED_CR8_LOAD_EXITING |
					 CPU_BASED_CR8_STORE_EXITING)) |
		   CPU_BASED_TPR_SHADOW | CPU_BASED_USE_TSC_OFFSETTING | windows;
	u32 proc2 = lg_vmx_caps.proc2, entry = lg_vmx_caps.entry, intr;
	unsigned int i;
	u64 pending;

	for (i = 0; i < ARRAY_SIZE(lg_vmx_segs); i++) {
		const struct lg_vmx_seg *seg = &lg_vmx_segs[i];
		const struct vmcb_seg *v = lg_vmx_seg(s, seg);

		lg_vmwrite(seg->sel, v->selector);
		lg_vmwrite(seg->limit, v->limit);
		lg_vmwrite(seg->ar, lg_vmx_ar(v->attrib));
		lg_vmwrite(seg->base, v->base);
	}
	lg_vmwrite(GUEST_GDTR_BASE, s->gdtr.base);
	lg_vmwrite(GUEST_GDTR_LIMIT, s->gdtr.limit);
	lg_vmwrite(GUEST_IDTR_BASE, s->idtr.base);
	lg_vmwrite(GUEST_IDTR_LIMIT, s->idtr.limit);
	lg_vmwrite(GUEST_RIP, s->rip);
	lg_vmwrite(GUEST_RSP, vcpu->regs[LG_RSP]);
	lg_vmwrite(GUEST_RFLAGS, s->rflags);
	lg_vmwrite(GUEST_DR7, s->dr7);
	lg_vmwrite(GUEST_IA32_PAT, s->g_pat);
	lg_vmwrite(GUEST_IA32_EFER, s->efer & ~EFER_SVME &
		   (ept && !nested ? ~(u64)(EFER_LME | EFER_LMA) : ~0ull));
	lg_vmwrite(GUEST_SYSENTER_CS, s->sysenter_cs);
	lg_vmwrite(GUEST_SYSENTER_ESP, s->sysenter_esp);
	lg_vmwrite(GUEST_SYSENTER_EIP, s->sysenter_eip);
	lg_vmwrite(TSC_OFFSET, c->tsc_offset);
	lg_vmx_load_cr(vcpu, nested, ept);
	if (ept != vmx->ept)
		vmx->flush = true;
	vmx->ept = ept;
	if (lg_vmx_pae(s, nested))
		lg_vmx_load_pdptrs(vcpu);

	if (s->efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	if (ept) {
		lg_vmwrite(EPT_POINTER, vmx->eptp);
	} else {
		proc2 &= ~(SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST |
			   SECONDARY_EXEC_ENABLE_INVPCID);
	}
	if (c->intercepts[INTERCEPT_CR] & BIT(INTERCEPT_CR3_WRITE))
		proc |= CPU_BASED_CR3_LOAD_EXITING;
	if (c->intercepts[INTERCEPT_CR] & BIT(INTERCEPT_CR3_READ))
		proc |= CPU_BASED_CR3_STORE_EXITING;
	if (c->intercepts[INTERCEPT_INVLPG / 32] & BIT(INTERCEPT_INVLPG % 32))
		proc |= CPU_BASED_INVLPG_EXITING;
	if (!vmx->vpid)
		proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	lg_vmwrite(CPU_BASED_VM_EXEC_CONTROL, proc);
	lg_vmwrite(SECONDARY_VM_EXEC_CONTROL, proc2);
	lg_vmwrite(VM_ENTRY_CONTROLS, entry);
	lg_vmwrite(EXCEPTION_BITMAP, c->intercepts[INTERCEPT_EXCEPTION] |
		   BIT(X86_TRAP_MC) | BIT(X86_TRAP_UD));

	/*
	 * The STI/MOV SS shadow is the VMCB's int_state (run.c clears it
	 * when it steps over an instruction); NMI blocking is nmi_masked,
	 * and is off while an NMI is injected (SDM 26.3.1.5).  Pending
	 * debug exceptions only make sense inside a shadow.
	 */
	intr = (c->int_state & SVM_INTERRUPT_SHADOW_MASK) ?
	       vmx->intr_state & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS) : 0;
	if ((c->int_state & SVM_INTERRUPT_SHADOW_MASK) && !intr)
		intr = GUEST_INTR_STATE_MOV_SS;
	if (!(s->rflags & X86_EFLAGS_IF))
		intr &= ~GUEST_INTR_STATE_STI;
	if (vcpu->nmi_masked && (c->event_inj & SVM_EVTINJ_TYPE_MASK) != SVM_EVTINJ_TYPE_NMI)
		intr |= GUEST_INTR_STATE_NMI;
	lg_vmwrite(GUEST_INTERRUPTIBILITY_INFO, intr);
	/*
	 * Inside a shadow the single-step trap is pending (BS) exactly when
	 * RFLAGS.TF is set, and VM entry insists on both ways (SDM 26.3.1.5).
	 */
	pending = intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS) ?
		  vmx->pending_dbg & ~(u64)DR_STEP : 0;
	if ((intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	    (s->rflags & X86_EFLAGS_TF))
		pending |= DR_STEP;
	lg_vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, pending);
}

/* The VMCS's guest state back into the VMCB image, after every exit. */
static void lg_vmx_state_out(struct lg_vcpu *vcpu)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	bool nested = c->nested_ctl & SVM_NESTED_CTL_NP_ENABLE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lg_vmx_segs); i++) {
		const struct lg_vmx_seg *seg = &lg_vmx_segs[i];
		struct vmcb_seg *v = lg_vmx_seg(s, seg);

		v->selector = lg_vmread(seg->sel);
		v->limit = lg_vmread(seg->limit);
		v->attrib = lg_vmx_attrib(lg_vmread(seg->ar));
		v->base = lg_vmread(seg->base);
	}
	s->gdtr.base = lg_vmread(GUEST_GDTR_BASE);
	s->gdtr.limit = lg_vmread(GUEST_GDTR_LIMIT);
	s->idtr.base = lg_vmread(GUEST_IDTR_BASE);
	s->idtr.limit = lg_vmread(GUEST_IDTR_LIMIT);
	s->rip = lg_vmread(GUEST_RIP);
	vcpu->regs[LG_RSP] = lg_vmread(GUEST_RSP);
	s->rsp = vcpu->regs[LG_RSP];
	s->rax = vcpu->regs[LG_RAX];
	s->rflags = lg_vmread(GUEST_RFLAGS);
	s->dr7 = lg_vmread(GUEST_DR7);
	s->g_pat = lg_vmread(GUEST_IA32_PAT);
	if (nested)
		s->efer = lg_vmread(GUEST_IA32_EFER) | EFER_SVME;
	s->sysenter_cs = lg_vmread(GUEST_SYSENTER_CS);
	s->sysenter_esp = lg_vmread(GUEST_SYSENTER_ESP);
	s->sysenter_eip = lg_vmread(GUEST_SYSENTER_EIP);
	/* The CPL is SS.DPL, as in AMD's VMCB (APM 15.5.1). */
	s->cpl = (s->ss.attrib >> 5) & 3;
	if (nested) {
		/* The guest's own but for the bits the mask keeps ours. */
		s->cr0 = (lg_vmread(GUEST_CR0) & ~lg_vmread(CR0_GUEST_HOST_MASK)) |
			 (s->cr0 & lg_vmread(CR0_GUEST_HOST_MASK));
		s->cr3 = lg_vmread(GUEST_CR3);
	}
	if (lg_vmx_pae(s, nested)) {
		vmx->pdptr[0] = lg_vmread(GUEST_PDPTR0);
		vmx->pdptr[1] = lg_vmread(GUEST_PDPTR1);
		vmx->pdptr[2] = lg_vmread(GUEST_PDPTR2);
		vmx->pdptr[3] = lg_vmread(GUEST_PDPTR3);
		vmx->pdptr_cr3 = s->cr3;
	} else {
		vmx->pdptr_cr3 = ~0ull;		/* none held: read them at need */
	}
	vmx->intr_state = lg_vmread(GUEST_INTERRUPTIBILITY_INFO);
	vmx->pending_dbg = lg_vmread(GUEST_PENDING_DBG_EXCEPTIONS);
	c->int_state = (vmx->intr_state & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) ?
		       SVM_INTERRUPT_SHADOW_MASK : 0;
	vcpu->nmi_masked = vmx->intr_state & GUEST_INTR_STATE_NMI;
	c->int_ctl = (c->int_ctl & ~V_TPR_MASK) | (vmx->vapic[0x80] >> 4);
}

/*
 * Host perf counters that must not count or record in the guest: PEBS
 * would write its records through the guest's page tables.  The CPU
 * switches them itself, in VM entry's and VM exit's MSR-load lists (SDM
 * 24.7.2, 24.8.2), so that no perf NMI between our writes and the entry
 * can put the host's values back under the guest (KVM's
 * atomic_switch_perf_msrs()).
 */
static void lg_vmx_perf_lists(struct lg_vmx_vcpu *vmx)
{
	const struct perf_guest_switch_msr *msrs;
	unsigned int n = 0;
	int i, nr = 0;

	msrs = perf_guest_get_msrs(&nr, NULL);
	for (i = 0; msrs && i < nr; i++) {
		if (msrs[i].host == msrs[i].guest)
			continue;
		if (n == LG_VMX_MSR_MAX) {
			pr_warn_once("more than %d perf MSRs to switch for guests; the rest stay the host's\n",
				     LG_VMX_MSR_MAX);
			break;
		}
		vmx->msr_guest[n] = (struct vmx_msr_entry) {
			.index = msrs[i].msr, .value = msrs[i].guest };
		vmx->msr_host[n] = (struct vmx_msr_entry) {
			.index = msrs[i].msr, .value = msrs[i].host };
		n++;
	}
	lg_vmwrite(VM_ENTRY_MSR_LOAD_COUNT, n);
	lg_vmwrite(VM_EXIT_MSR_LOAD_COUNT, n);
}

/*T:407 The VT-x world switch, around vmx_switch.S.  The VMCS must be
 * current on this CPU (it is VMCLEARed where it last ran first, vmx_cpu.c);
 * the VMCB image goes in, with the host state that follows the task, and
 * the syscall MSRs and CR2, which VM entry does not switch, are swapped by
 * hand.  VM exit restores less than AMD's #VMEXIT does: the GDT and IDT
 * limits, LDTR, DS/ES/FS/GS selectors, IA32_DEBUGCTL and TR's limit come
 * back here, before anything of the host can use them (SDM 28.5). :*/
static void lg_vmx_run(struct lg_vcpu *vcpu)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	int cpu = smp_processor_id();
	struct lg_vmx_host host;
	u32 windows, info, err;
	unsigned int i;
	int fail;

	if (!vmx->setup)
		lg_vmx_setup_vmcs(vcpu);
	if (vmx->host_cpu != cpu || vmx->vmcs.cpu != cpu)
		lg_vmx_host_cpu(vmx, cpu);
	lg_vmx_host_save(vmx, &host);

	windows = lg_vmx_events(vcpu, &info, &err);
	lg_vmwrite(VM_ENTRY_INTR_INFO_FIELD, info);
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		lg_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, err);
	lg_vmx_state_in(vcpu, windows);
	if (vmx->flush) {
		if (vmx->eptp)
			lg_invept(VMX_EPT_EXTENT_CONTEXT, vmx->eptp);
		if (vmx->vpid)
			lg_invvpid(lg_vmx_caps.invvpid_single ? VMX_VPID_EXTENT_SINGLE_CONTEXT :
				   VMX_VPID_EXTENT_ALL_CONTEXT, vmx->vpid, 0);
		vmx->flush = false;
	}
	for (i = 0; i < ARRAY_SIZE(lg_vmx_swapped_msrs); i++)
		native_wrmsrl(lg_vmx_swapped_msrs[i], *lg_vmx_msr_slot(s, i));
	if (native_read_cr2() != s->cr2)
		native_write_cr2(s->cr2);

	lg_vmx_perf_lists(vmx);
	/*
	 * L1TF (CVE-2018-3646): under EPT a guest can read what the host
	 * left in L1D through a not-present guest PTE; it is flushed before
	 * every entry where the CPU has the bug, as KVM's "always" mode does.
	 */
	if (lg_vmx_l1d_flush)
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	fail = lg_vmx_enter(vcpu, vmx->vmcs.launched);

	s->cr2 = native_read_cr2();
	for (i = 0; i < ARRAY_SIZE(lg_vmx_swapped_msrs); i++)
		*lg_vmx_msr_slot(s, i) = native_read_msr(lg_vmx_swapped_msrs[i]);
	lg_vmx_host_restore(&host);
	if (fail) {
		lg_vmx_entry_failed(vcpu, true, 0, 0);
		return;
	}
	info = lg_vmread(VM_EXIT_REASON);
	/*
	 * A machine check during VM entry (SDM 26.8): the guest never ran;
	 * the host's handler takes it (run.c) and the entry is tried again.
	 */
	if ((info & 0xffff) == EXIT_REASON_MCE_DURING_VMENTRY) {
		c->exit_code = SVM_EXIT_EXCP_BASE + X86_TRAP_MC;
		c->exit_int_info = 0;
		return;
	}
	if (info & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		lg_vmx_entry_failed(vcpu, false, info, lg_vmread(EXIT_QUALIFICATION));
		return;
	}
	vmx->vmcs.launched = true;
	lg_vmx_state_out(vcpu);
	lg_vmx_translate(vcpu);
	c->event_inj = 0;
}

/*
 * Make the VMCS current here (VMCLEARed first on the CPU it last ran on,
 * vmx_cpu.c); a VMCS that moved starts over with VMLAUNCH.
 */
static int lg_vmx_vcpu_load(struct lg_vcpu *vcpu)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);
	int r = lg_vmcs_load(&vmx->vmcs);

	if (r < 0) {
		kill_guest(vcpu->lg, "VMPTRLD failed on CPU %d (%d)", smp_processor_id(), r);
		return r;
	}
	return 0;
}

static void lg_vmx_events_off(struct lg_vcpu *vcpu)
{
	/* VT-x has no GIF: interrupts are off, NMIs exit the guest. */
}

/*
 * An NMI that arrived while the guest ran made it exit instead of being
 * delivered (NMI exiting), and left NMIs blocked until the next IRET
 * (SDM 27.1, vmx_switch.S T:404): the host's handler runs now,
 * as if the NMI had just arrived, and its IRET unblocks them.
 */
static void lg_vmx_events_on(struct lg_vcpu *vcpu)
{
	if (vcpu->vmcb->control.exit_code == SVM_EXIT_NMI)
		lg_vmx_host_nmi();
}

static int lg_vmx_vcpu_create(struct lg_vcpu *vcpu)
{
	struct lg_vmx_vcpu *vmx;
	int err, vpid;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	vcpu->hw = vmx;
	vmx->host_cpu = -1;
	vmx->pdptr_cr3 = ~0ull;
	vmx->flush = true;
	err = lg_vmcs_alloc(&vmx->vmcs, NUMA_NO_NODE);
	if (err)
		return err;
	vmx->vapic = (u8 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vmx->msr_guest = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->vapic || !vmx->msr_guest)
		return -ENOMEM;
	vmx->msr_host = vmx->msr_guest + LG_VMX_MSR_MAX;
	if (lg_vmx_caps.vpid) {
		vpid = ida_alloc_range(&lg_vpids, 1, 0xffff, GFP_KERNEL);
		vmx->vpid = vpid < 0 ? 0 : vpid;
	}
	if (vcpu->lg->npt_root)
		vmx->eptp = page_to_phys(vcpu->lg->npt_root) | VMX_EPTP_MT_WB |
			    VMX_EPTP_PWL_4;
	return 0;
}

static void lg_vmx_vcpu_free(struct lg_vcpu *vcpu)
{
	struct lg_vmx_vcpu *vmx = lg_vmx(vcpu);

	if (!vmx)
		return;
	if (vmx->vmcs.va)
		lg_vmcs_free(&vmx->vmcs);
	if (vmx->vpid)
		ida_free(&lg_vpids, vmx->vpid);
	free_page((unsigned long)vmx->vapic);
	free_page((unsigned long)vmx->msr_guest);
	kfree(vmx);
	vcpu->hw = NULL;
}

static int lg_vmx_setup(void)
{
	unsigned int i;
	int err;

	lg_vmx_msr_bitmap = (unsigned long *)__get_free_page(GFP_KERNEL);
	if (!lg_vmx_msr_bitmap)
		return -ENOMEM;
	memset(lg_vmx_msr_bitmap, 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(lg_vmx_direct_msrs); i++)
		lg_vmx_msr_allow(lg_vmx_direct_msrs[i]);
	err = lg_vmx_init();
	if (err)
		goto free_bitmap;
	return 0;

free_bitmap:
	free_page((unsigned long)lg_vmx_msr_bitmap);
	return err;
}

static void lg_vmx_teardown(void)
{
	lg_vmx_exit();
	free_page((unsigned long)lg_vmx_msr_bitmap);
	ida_destroy(&lg_vpids);
}

static struct lg_hw_ops lg_vmx_ops __ro_after_init = {
	.name		= "VT-x",
	.nrips		= true,
	.decode_assists	= true,
	.nested_paging	= true,
	.shadow_needs_npt = true,
	.npte_leaf	= MTRR_TYPE_WRBACK << VMX_EPT_MT_EPTE_SHIFT,
	.setup		= lg_vmx_setup,
	.teardown	= lg_vmx_teardown,
	.vcpu_create	= lg_vmx_vcpu_create,
	.vcpu_free	= lg_vmx_vcpu_free,
	.inject_nmi	= lg_vmx_inject_nmi,
	.flush_tlb	= lg_vmx_flush_tlb,
	.flush_gva	= lg_vmx_flush_gva,
	.vcpu_load	= lg_vmx_vcpu_load,
	.events_off	= lg_vmx_events_off,
	.run		= lg_vmx_run,
	.events_on	= lg_vmx_events_on,
	.exit_decode	= lg_vmx_exit_decode,
};

/**
 * lg_vmx_probe() - is this an Intel VT-x machine we can use?
 * @err: set to why its VMX cannot be used (0 if the CPU has none).
 *
 * Return: the VT-x backend, or NULL.
 */
const struct lg_hw_ops *lg_vmx_probe(int *err)
{
	*err = 0;
	if (!boot_cpu_has(X86_FEATURE_VMX))
		return NULL;
	*err = lg_vmx_check();
	if (*err)
		return NULL;
	/* TPR shadow and TSC offsetting are ours to have. */
	if (!lg_vmx_ctl_ok(&lg_vmx_caps.proc_ctl,
			   (lg_vmx_caps.proc & ~(CPU_BASED_CR8_LOAD_EXITING |
						 CPU_BASED_CR8_STORE_EXITING)) |
			   CPU_BASED_TPR_SHADOW | CPU_BASED_USE_TSC_OFFSETTING |
			   CPU_BASED_INTR_WINDOW_EXITING | CPU_BASED_NMI_WINDOW_EXITING |
			   lg_vmx_caps.proc_shadow)) {
		pr_err("CPU lacks the VMX controls TPR shadow or TSC offsetting; cannot run guests\n");
		*err = -ENODEV;
		return NULL;
	}
	/*
	 * Without the TRUE capability MSRs CR3-load and CR3-store exiting
	 * are default1 (SDM A.3.2): every guest CR3 access would exit, which
	 * nested paging does not handle.
	 */
	if (lg_vmx_caps.proc & (CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING)) {
		pr_err("CPU cannot turn CR3 exits off (no TRUE VMX controls); cannot run guests\n");
		*err = -ENODEV;
		return NULL;
	}
	lg_vmx_ops.npt_4k = boot_cpu_has_bug(X86_BUG_ITLB_MULTIHIT) || !lg_vmx_caps.ept_2m;
	lg_vmx_l1d_flush = boot_cpu_has_bug(X86_BUG_L1TF) &&
			   boot_cpu_has(X86_FEATURE_FLUSH_L1D);
	if (boot_cpu_has_bug(X86_BUG_L1TF) && !lg_vmx_l1d_flush)
		pr_warn("CPU has L1TF but no L1D flush command (microcode): guests may read the host's L1D\n");
	return &lg_vmx_ops;
}
