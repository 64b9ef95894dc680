/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx.h - the Intel VMX low-level layer: what the CPU offers (struct
 * lg_vmx_caps, filled by lg_vmx_check()), VMX operation on every CPU
 * (lg_vmx_init()/lg_vmx_exit()), VMCS regions and which CPU each is loaded
 * on (struct lg_vmcs), and the world switch (lg_vmx_enter(), vmx_switch.S).
 * The VMCS contents (guest and host state, exit decoding, injection, EPT)
 * are the VMX backend's, not this layer's.  Instruction wrappers are in
 * vmx_ops.h.  References are to the Intel SDM vol. 3C, chapters 23-31 and
 * appendix A, numbered as in the 2016-2021 editions (later editions moved
 * the chapters up by one; the titles quoted stay).
 */
#ifndef _LGUEST_VMX_H
#define _LGUEST_VMX_H

#include <linux/list.h>
#include <linux/types.h>

struct lg_vcpu;

/**
 * struct lg_vmx_ctl - what a VMX control word may hold (SDM appendix A.3-A.5).
 * @must1: controls that must be 1 (the low 32 bits of the capability MSR,
 *	the "allowed 0-settings": a 1 there means 0 is not allowed).
 * @may1: controls that may be 1 (the high 32 bits, "allowed 1-settings").
 *
 * From the IA32_VMX_TRUE_*_CTLS MSR where IA32_VMX_BASIC bit 55 offers it
 * (A.2), so "default1" controls the CPU can clear are clearable.
 */
struct lg_vmx_ctl {
	u32 must1;
	u32 may1;
};

/**
 * struct lg_vmx_caps - the VMX capabilities of this machine, and the
 *	control words the backend starts each VMCS from.
 * @basic: IA32_VMX_BASIC (SDM A.1).
 * @revision_id: VMCS revision identifier, bits 30:0 of @basic; written into
 *	the first 4 bytes of the VMXON region and of every VMCS (SDM 24.2).
 * @vmcs_size: bytes of a VMCS or VMXON region, at most 4096 (bits 44:32).
 * @pin: pin-based VM-execution controls, adjusted (SDM 24.6.1).
 * @proc: primary processor-based VM-execution controls, adjusted (24.6.2).
 * @proc2: secondary processor-based VM-execution controls, adjusted.
 * @exit: VM-exit controls, adjusted (SDM 24.7.1).
 * @entry: VM-entry controls, adjusted (SDM 24.8.1); the backend adds
 *	VM_ENTRY_IA32E_MODE per vCPU.
 * @pin_ctl: what the pin-based word may hold.
 * @proc_ctl: what the primary processor-based word may hold.
 * @proc2_ctl: what the secondary processor-based word may hold.
 * @exit_ctl: what the VM-exit word may hold.
 * @entry_ctl: what the VM-entry word may hold.
 * @proc_shadow: the exits shadow paging adds to @proc (INVLPG exiting,
 *	CR3-load and CR3-store exiting), all checked allowed-1.  Note that
 *	without true controls (@basic bit 55 clear) CR3-load/store exiting
 *	are default1 and so already in @proc: the backend must then handle
 *	CR3 exits under EPT too.
 * @cr0_fixed0: CR0 bits that must be 1 in VMX operation (SDM A.7).
 * @cr0_fixed1: CR0 bits that may be 1 (a 0 bit must be 0).
 * @cr4_fixed0: CR4 bits that must be 1 (SDM A.8).
 * @cr4_fixed1: CR4 bits that may be 1.
 * @ept_vpid: IA32_VMX_EPT_VPID_CAP (SDM A.10).
 * @misc: IA32_VMX_MISC (SDM A.6).
 * @ept_ad: EPT accessed and dirty flags are offered (@ept_vpid bit 21).
 * @ept_2m: EPT may map 2 MiB pages (bit 16).
 * @ept_1g: EPT may map 1 GiB pages (bit 17).
 * @vpid: ENABLE_VPID is in @proc2: the CPU offers VPIDs and an INVVPID
 *	with a single-context or an all-context type (else we leave VPIDs off,
 *	and every VM entry and exit flushes the guest's linear mappings).
 * @invvpid_addr: INVVPID of one address is offered (bit 40).
 * @invvpid_single: INVVPID single-context is offered (bit 41).
 * @invvpid_all: INVVPID all-context is offered (bit 42).
 */
struct lg_vmx_caps {
	u64 basic;
	u32 revision_id;
	u32 vmcs_size;
	u32 pin, proc, proc2, exit, entry;
	struct lg_vmx_ctl pin_ctl, proc_ctl, proc2_ctl, exit_ctl, entry_ctl;
	u32 proc_shadow;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid;
	u64 misc;
	bool ept_ad, ept_2m, ept_1g;
	bool vpid, invvpid_addr, invvpid_single, invvpid_all;
};

extern struct lg_vmx_caps lg_vmx_caps;

/**
 * lg_vmx_ctl_ok() - may a control word hold exactly these bits?
 * @ctl: what the word may hold (one of lg_vmx_caps' *_ctl).
 * @val: the word, e.g. lg_vmx_caps.proc | CPU_BASED_INTR_WINDOW_EXITING.
 *
 * Return: true if every must-1 bit is set and no set bit is disallowed.
 */
static inline bool lg_vmx_ctl_ok(const struct lg_vmx_ctl *ctl, u32 val)
{
	return (val & ctl->must1) == ctl->must1 && !(val & ~ctl->may1);
}

/**
 * struct lg_vmcs - one VMCS region and where it is loaded.
 * @va: the 4 KiB region (its first word the revision identifier).
 * @pa: its physical address, the operand of VMCLEAR and VMPTRLD.
 * @cpu: the CPU on which it is active (SDM 24.1: "active" means VMPTRLDed
 *	and not yet VMCLEARed there), or -1.  A VMCS must be VMCLEARed on
 *	the CPU it is active on before it is loaded on another (SDM 24.11.1).
 * @launched: its launch state is "launched": enter with VMRESUME, not
 *	VMLAUNCH (SDM 24.11.3).  VMCLEAR makes it "clear" and we set this
 *	false then; the backend sets it true after a VM entry that did not
 *	fail (exit reason bit 31 clear: SDM 26.7, "VM-Entry Failures During
 *	or After Loading Guest State", leaves the launch state alone).
 * @cpu_link: in the per-CPU list of VMCSs active on @cpu, so that CPU
 *	offline, module unload and emergency reboot can VMCLEAR them all.
 */
struct lg_vmcs {
	void *va;
	u64 pa;
	int cpu;
	bool launched;
	struct list_head cpu_link;
};

int lg_vmx_check(void);
int lg_vmx_adjust(u32 msr, u32 want, u32 optional, u32 *out);
int lg_vmx_init(void);
void lg_vmx_exit(void);
int lg_vmcs_alloc(struct lg_vmcs *vmcs, int node);
void lg_vmcs_free(struct lg_vmcs *vmcs);
int lg_vmcs_load(struct lg_vmcs *vmcs);
void lg_vmx_insn_error(const char *insn, unsigned long field, bool fault);

/**
 * lg_vmx_enter() - enter the guest with VMLAUNCH or VMRESUME, and come back.
 * @vcpu: guest GPRs in vcpu->regs[] (all but RSP, which is GUEST_RSP in
 *	the VMCS), written back after a VM exit.
 * @launched: the current VMCS's launch state is "launched" (VMRESUME).
 *
 * In vmx_switch.S.  Call with interrupts disabled and the vCPU's VMCS
 * current on this CPU (lg_vmcs_load()), its HOST_RIP set to
 * lg_vmx_exit_rip.  Writes HOST_RSP itself.
 *
 * Return: 0 after a VM exit (including a VM entry that failed while or
 * after loading guest state: exit reason bit 31, SDM 26.7); 1 if
 * VMLAUNCH/VMRESUME (or the VMWRITE of HOST_RSP) failed with VMfailInvalid
 * or VMfailValid (SDM 30.2), vcpu->regs[] untouched: VM_INSTRUCTION_ERROR
 * says why in the latter case (SDM 30.4).
 */
int lg_vmx_enter(struct lg_vcpu *vcpu, bool launched);

/**
 * lg_vmx_host_nmi() - hand the host the NMI that caused a VM exit.
 *
 * In vmx_switch.S.  An NMI that exits the guest ("NMI exiting") is not
 * delivered to the host, and blocks NMIs until the next IRET: call this
 * with interrupts still disabled after an exit with reason
 * EXIT_REASON_EXCEPTION_NMI whose interruption information says NMI.  It
 * runs the host's NMI handler (asm_exc_nmi_noist) on a synthetic NMI
 * frame, whose IRET ends the blocking.
 */
void lg_vmx_host_nmi(void);

/* Where a VM exit lands, in lg_vmx_enter(): the value for HOST_RIP. */
extern const char lg_vmx_exit_rip[];

/* The backend's vCPU (vmx.c, vmx_exit.c). */

/* The most perf MSRs switched around the guest (lg_vmx_perf_lists()). */
#define LG_VMX_MSR_MAX	16

/* VMX segment access rights: bit 16 says "unusable" (SDM 24.4.1). */
#define LG_AR_UNUSABLE		BIT(16)

/* DR6.BD: the #DB was a MOV DR with DR7.GD set (SDM vol. 3, 18.2.3). */
#define LG_DR6_BD		BIT(13)

/* An exit reason that has no AMD-V counterpart: the guest is killed with it. */
#define LG_VMX_EXIT_UNKNOWN	0x10000

/**
 * struct lg_vmx_vcpu - what a vCPU has on VT-x besides its VMCB image.
 * @vmcs: its VMCS and where it is loaded.
 * @vapic: the virtual-APIC page: its TPR is the guest's CR8 (TPR shadow).
 * @vpid: its virtual-processor ID (0: none, VPIDs off for it).
 * @eptp: the EPT pointer of its guest.
 * @ept: this entry runs with EPT (nested paging, or shadow paging with
 *	the guest's paging off, T:586).
 * @flush: INVVPID/INVEPT due before the next entry.
 * @setup: the constant fields of the VMCS are written.
 * @host_cpu: the CPU whose per-CPU host fields the VMCS holds (-1: none).
 * @host_cr3: HOST_CR3 as last written, to skip unchanged VMWRITEs.
 * @host_cr4: HOST_CR4, likewise.
 * @host_fs_sel: HOST_FS_SELECTOR, likewise.
 * @host_gs_sel: HOST_GS_SELECTOR, likewise.
 * @msr_guest: VM entry's MSR-load list (the guest's perf MSRs),
 *	%LG_VMX_MSR_MAX entries, in the first half of a page.
 * @msr_host: VM exit's (the host's values), in the page's second half.
 * @pdptr: the PAE page-directory-pointer entries the CPU holds for a
 *	guest in PAE paging under EPT (SDM 26.3.2.4, 28.3.4), and
 *	@pdptr_cr3: the CR3 they were read for.
 * @intr_state: the guest's interruptibility state after the last exit.
 * @pending_dbg: its pending debug exceptions after the last exit.
 * @virq_injected: the posted virtual interrupt went in with this entry.
 * @reason: the last exit's reason.
 * @qual: its qualification.
 * @intr_info: its interruption information, for an exception or NMI.
 */
struct lg_vmx_vcpu {
	struct lg_vmcs vmcs;
	u8 *vapic;
	u16 vpid;
	u64 eptp;
	bool ept, flush, setup;
	int host_cpu;
	unsigned long host_cr3, host_cr4;
	u16 host_fs_sel, host_gs_sel;
	struct vmx_msr_entry *msr_guest, *msr_host;
	u64 pdptr[4], pdptr_cr3;
	u32 intr_state;
	u64 pending_dbg;
	bool virq_injected;
	u32 reason;
	u64 qual;
	u32 intr_info;
};

static inline struct lg_vmx_vcpu *lg_vmx(struct lg_vcpu *vcpu)
{
	return vcpu->hw;
}

/* vmx_exit.c: what an exit was, in AMD-V's terms */
void lg_vmx_translate(struct lg_vcpu *vcpu);
void lg_vmx_entry_failed(struct lg_vcpu *vcpu, bool valid_fail, u32 reason, u64 qual);
void lg_vmx_exit_decode(struct lg_vcpu *vcpu);

#endif /* _LGUEST_VMX_H */
