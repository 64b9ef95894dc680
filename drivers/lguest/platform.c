// SPDX-License-Identifier: GPL-2.0
/*
 * platform.c - the machine the guest sees: the CPUID it reads, the MSRs it
 * may touch (the APIC's and kvmclock's are passed on to lapic.c and
 * kvmclock.c), the I/O ports (the UART, the ACPI sleep and reset registers,
 * pvpanic), XSETBV, and the hypercalls of the uapi header.  Each handler is
 * reached from the exit table in run.c.
 */
#include "lg.h"

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <asm/cpufeatures.h>
#include <asm/debugreg.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xstate.h>
#include <asm/fpu/xcr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>

#include "insn.h"
#include "xcr0_check.h"

/* Bits of CPUID leaf 1 ECX/EDX and 0x80000001 ECX/EDX we pass through. */
#define CPUID1_ECX_OK	(BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | \
			 BIT(19) | BIT(20) | BIT(22) | BIT(23) | BIT(25) | \
			 BIT(26) | BIT(28) | BIT(29) | BIT(30))
#define CPUID1_EDX_OK	(GENMASK(6, 0) | BIT(8) | BIT(11) | BIT(12) | \
			 BIT(13) | BIT(15) | BIT(16) | BIT(17) | BIT(19) | \
			 BIT(23) | BIT(24) | BIT(25) | BIT(26) | BIT(28))
#define CPUID7_EBX_OK	(BIT(0) | BIT(3) | BIT(5) | BIT(8) | BIT(9) | \
			 BIT(18) | BIT(19) | BIT(20) | BIT(23) | BIT(24) | BIT(29))
#define CPUIDX1_ECX_OK	(BIT(0) | BIT(1) | BIT(4) | BIT(5) | BIT(6) | \
			 BIT(8) | BIT(11) | BIT(16) | BIT(21))
#define CPUIDX1_EDX_OK	(~0U)	/* RDTSCP too: TSC_AUX is the guest's (run.c) */
/* IA32_TSC_ADJUST (leaf 7 EBX): emulated here whatever the host has. */
#define CPUID7_EBX_TSC_ADJUST	BIT(1)
/* RDPID (leaf 7 ECX): reads TSC_AUX, the guest's while it runs. */
#define CPUID7_ECX_RDPID	BIT(22)

/* What we emulate ourselves, whatever the host has. */
#define CPUID1_ECX_X2APIC	BIT(21)
#define CPUID1_ECX_TSC_DEADLINE	BIT(24)
#define CPUID1_ECX_HYPERVISOR	BIT(31)
#define CPUID1_EDX_APIC		BIT(9)
#define CPUID6_EAX_ARAT		BIT(2)
/* XSAVEOPT, XSAVEC, XGETBV1; not XSAVES, whose MSR_IA32_XSS we lack. */
#define CPUIDD1_EAX_OK		(BIT(0) | BIT(1) | BIT(2))

/*
 * The XSAVE state components a guest may enable: x87, SSE and AVX.  CPUID
 * leaf 7 shows it no AVX-512, MPX, PKU or AMX, so their components are not
 * offered either (a component comes with its feature, SDM vol. 1, 13.2).
 */
#define LG_XCR0_OFFERED		(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
				 XFEATURE_MASK_YMM)

/**
 * lg_xcr0_supported() - the XCR0 bits the guest may set: the ones we offer
 *	that this host's XSETBV takes and the guest's FPU state can hold.
 *	CPUID leaf 0xD reports exactly these to the guest.
 * @lg: the guest.
 *
 * Return: the mask, 0 if the host has no XSAVE.
 */
u64 lg_xcr0_supported(const struct lguest *lg)
{
	if (!boot_cpu_has(X86_FEATURE_XSAVE) || !lg->gfpu.fpstate)
		return 0;
	return lg->gfpu.fpstate->xfeatures & LG_XCR0_OFFERED &
	       ~LG_XFEATURE_MASK_XSS_ONLY;
}

/**
 * lg_xcr0_valid() - may the guest's XCR0 be @xcr0?  Every path that sets
 *	lg->xcr0 goes through here: run.c loads it into the CPU with GIF
 *	clear, where an XSETBV #GP would bring the host down.
 * @lg: the guest.
 * @xcr0: the value.
 *
 * Return: true if XSETBV on this host takes it and we offer every bit.
 */
bool lg_xcr0_valid(const struct lguest *lg, u64 xcr0)
{
	return lg_xcr0_rules_ok(xcr0, lg_xcr0_supported(lg));
}

/* Bytes of the standard (non-compacted) XSAVE area for components @mask. */
static u32 lg_xsave_size(u64 mask)
{
	u32 size = 512 + 64, a, b, c, d;	/* legacy area and header */
	unsigned int i;

	for (i = 2; i < 64; i++) {
		if (!(mask & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		size = max(size, a + b);	/* size + offset */
	}
	return size;
}

/* The KVM-compatible leaves (Documentation/virt/kvm/x86/cpuid.rst). */
#define LG_CPUID_KVM_SIGNATURE	0x40000000
#define LG_CPUID_KVM_FEATURES	0x40000001
#define LG_KVM_FEATURE_CLOCKSOURCE2	BIT(3)
#define LG_KVM_FEATURE_CLOCK_STABLE	BIT(24)

/*T:600 CPUID is the guest's first question about the machine, and the
 * answer is a policy: we pass through what the hardware does for the guest
 * untouched (arithmetic, SIMD, NX, long mode) and hide what we do not
 * emulate (SVM itself, MONITOR/MWAIT, PCID, machine checks, performance
 * and thermal controls), and add what we emulate ourselves: an x2APIC with
 * a TSC-deadline timer that keeps running in deep idle (ARAT), so a stock
 * kernel needs neither PIT nor HPET.  The hypervisor bit is set; leaf
 * 0x40000000 says "KVMKVMKVM" and offers only kvmclock, which is how a
 * stock kernel learns the TSC frequency; our own leaves at 0x40000100 say
 * "LguestLguest". :*/
static void lg_cpuid(struct lguest *lg, u32 leaf, u32 sub,
		     u32 *a, u32 *b, u32 *c, u32 *d)
{
	u32 max;

	*a = *b = *c = *d = 0;
	switch (leaf) {
	case 0:
		cpuid(0, &max, b, c, d);
		*a = min(max, 0xdU);
		return;
	case 1:
		cpuid(1, a, b, c, d);
		*b &= 0x0000ffff;	/* APIC ID 0, one logical CPU */
		*c &= CPUID1_ECX_OK;
		if (lg->vmcb->save.cr4 & X86_CR4_OSXSAVE)
			*c |= BIT(27);
		*c |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE |
		      CPUID1_ECX_HYPERVISOR;
		*d &= CPUID1_EDX_OK;
		*d |= CPUID1_EDX_APIC;
		return;
	case 6:
		*a = CPUID6_EAX_ARAT;
		return;
	case 7:
		if (sub == 0) {
			cpuid_count(7, 0, a, b, c, d);
			*a = 0;
			*b = (*b & CPUID7_EBX_OK) | CPUID7_EBX_TSC_ADJUST;
			/* The shadow MMU does not emulate SMAP: not offered. */
			if (lg->shadow)
				*b &= ~BIT(20);
			/*
			 * EDX would offer IBRS/IBPB, STIBP, SSBD and
			 * ARCH_CAPABILITIES: the guest gets none of the
			 * speculation controls, so SPEC_CTRL keeps the host's
			 * value while it runs (svm_cpu.c, T:415 and
			 * Documentation/security.rst).
			 */
			*c &= CPUID7_ECX_RDPID;
			*d = 0;
		}
		return;
	case 0xd: {
		/*
		 * Sub-leaf 0 reports exactly what XSETBV takes from the guest
		 * (lg_xcr0_valid()) and the area sizes for those components;
		 * the sub-leaves of components not offered read as zeros.
		 */
		u64 xcr0 = lg_xcr0_supported(lg);

		if (!xcr0)
			return;
		if (sub == 0) {
			*a = lower_32_bits(xcr0);
			*d = upper_32_bits(xcr0);
			*b = lg_xsave_size(lg->xcr0 & xcr0);
			*c = lg_xsave_size(xcr0);
		} else if (sub == 1) {
			cpuid_count(0xd, 1, a, b, c, d);
			*a &= CPUIDD1_EAX_OK;
			*b = *c = *d = 0;
		} else if (sub < 64 && (xcr0 & BIT_ULL(sub))) {
			cpuid_count(0xd, sub, a, b, c, d);
		}
		return;
	}
	case 0x80000000:
		cpuid(0x80000000, &max, b, c, d);
		*a = min(max, 0x80000008U);
		return;
	case 0x80000001:
		cpuid(leaf, a, b, c, d);
		*c &= CPUIDX1_ECX_OK;
		*d &= CPUIDX1_EDX_OK;
		return;
	case 0x80000002 ... 0x80000006:
		cpuid(leaf, a, b, c, d);
		return;
	case 0x80000007:
		cpuid(leaf, a, b, c, d);
		*a = *b = *c = 0;
		/*
		 * No invariant TSC: with it, Linux would prefer the raw TSC
		 * to kvmclock, which is what corrects for host migration.
		 */
		*d = 0;
		return;
	case 0x80000008:
		cpuid(leaf, a, b, c, d);
		/* EBX: AMD's IBPB, IBRS, STIBP, SSBD, VIRT_SSBD: none (leaf 7). */
		*b = *c = *d = 0;
		return;
	case LG_CPUID_KVM_SIGNATURE:
		*a = LG_CPUID_KVM_FEATURES;
		memcpy(b, "KVMK", 4);
		memcpy(c, "VMKV", 4);
		memcpy(d, "M\0\0\0", 4);
		return;
	case LG_CPUID_KVM_FEATURES:
		*a = LG_KVM_FEATURE_CLOCKSOURCE2;
		if (!check_tsc_unstable())
			*a |= LG_KVM_FEATURE_CLOCK_STABLE;
		return;
	case LGUEST_CPUID_SIGNATURE:
		*a = LGUEST_CPUID_FEATURES;
		memcpy(b, "Lgue", 4);
		memcpy(c, "stLg", 4);
		memcpy(d, "uest", 4);
		return;
	case LGUEST_CPUID_FEATURES:
		*a = LGUEST_API_VERSION;
		return;
	}
}

/**
 * lg_exit_cpuid() - handle CPUID: answer from our policy, step over it.
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_cpuid(struct lguest *lg)
{
	static const u8 op[] = { 0x0f, 0xa2 };
	struct vmcb_save_area *s = &lg->vmcb->save;
	u32 a, b, c, d;

	lg_cpuid(lg, s->rax, lg->gprs.rcx, &a, &b, &c, &d);
	if (lg_skip_insn(lg, op, sizeof(op)))
		return LG_EXIT_CONTINUE;
	s->rax = a;
	lg->gprs.rbx = b;
	lg->gprs.rcx = c;
	lg->gprs.rdx = d;
	return LG_EXIT_CONTINUE;
}

/* A PAT value is valid if every entry is UC, WC, WT, WP, WB or UC-. */
static bool lg_pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = (pat >> (i * 8)) & 0xff;

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/* MSR_MTRRdefType reset value: MTRRs enabled, default type write-back. */
#define LG_MTRR_DEF_TYPE	0xc06
/* MISC_ENABLE as KVM shows it: no branch trace store, no PEBS. */
#define LG_MISC_ENABLE		(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)
/* HWCR bits a guest may write (TLB flush filter, McStatusWrEn, TscFreqSel). */
#define LG_HWCR_WRITABLE	(BIT_ULL(6) | BIT_ULL(18) | BIT_ULL(24))

static int lg_rdmsr(struct lguest *lg, u32 msr, u64 *val)
{
	struct vmcb_save_area *s = &lg->vmcb->save;

	switch (msr) {
	case MSR_MTRRcap:
		*val = 0;	/* no variable or fixed ranges, no WC */
		return 0;
	case MSR_MTRRdefType:
		*val = lg->mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = lg->misc_enable;
		return 0;
	case MSR_K7_HWCR:
		*val = lg->hwcr;
		return 0;
	case MSR_K8_INT_PENDING_MSG:
		/* No C1E: Linux reads this on CPUs with erratum 400. */
		*val = 0;
		return 0;
	case MSR_AMD64_DE_CFG:
		/* LFENCE is dispatch-serializing: RDTSC ordering works. */
		*val = MSR_AMD64_DE_CFG_LFENCE_SERIALIZE;
		return 0;
	case MSR_K7_EVNTSEL0 ... MSR_K7_PERFCTR3:
		*val = 0;	/* see lg_wrmsr() */
		return 0;
	case MSR_EFER:
		*val = lg_guest_efer(lg) & ~EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = s->g_pat;
		return 0;
	case MSR_IA32_TSC:
		*val = rdtsc() + lg->vmcb->control.tsc_offset;
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*val = lg->tsc_adjust;
		return 0;
	case MSR_TSC_AUX:
		if (!lg_has_tsc_aux())
			return -EINVAL;
		*val = lg->tsc_aux;
		return 0;
	case LGUEST_MSR_SIGNATURE:
		*val = LGUEST_SIGNATURE;
		return 0;
	case LGUEST_MSR_API:
		*val = LGUEST_API_VERSION;
		return 0;
	}
	return -EINVAL;
}

static int lg_wrmsr(struct lguest *lg, u32 msr, u64 val)
{
	struct vmcb_save_area *s = &lg->vmcb->save;

	switch (msr) {
	case MSR_EFER:
		if (val & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
			return -EINVAL;
		/* LME may not change while paging is on; LMA is the CPU's. */
		if ((lg_guest_cr0(lg) & X86_CR0_PG) &&
		    ((val ^ lg_guest_efer(lg)) & EFER_LME))
			return -EINVAL;
		if (lg->shadow) {
			lg_shadow_set_efer(lg, val);
			return 0;
		}
		s->efer = (val & ~(u64)EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!lg_pat_valid(val))
			return -EINVAL;
		if (val != s->g_pat)
			lg_shadow_flush(lg);	/* shadow memory types follow it */
		s->g_pat = val;
		return 0;
	case MSR_IA32_TSC: {
		/* TSC_ADJUST follows every TSC write (SDM vol. 3, 18.17.3). */
		u64 offset = val - rdtsc();

		lg->tsc_adjust += offset - lg->vmcb->control.tsc_offset;
		lg->vmcb->control.tsc_offset = offset;
		return 0;
	}
	case MSR_IA32_TSC_ADJUST:
		/* And the TSC moves by what TSC_ADJUST is changed by. */
		lg->vmcb->control.tsc_offset += val - lg->tsc_adjust;
		lg->tsc_adjust = val;
		return 0;
	case MSR_TSC_AUX:
		/* Bits 63:32 are reserved (APM vol. 2, 13.2.4). */
		if (!lg_has_tsc_aux() || val >> 32)
			return -EINVAL;
		lg->tsc_aux = val;
		return 0;
	case MSR_MTRRdefType:
		if (val & ~0xcffULL)
			return -EINVAL;
		lg->mtrr_def_type = val;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		/*
		 * An Intel MSR (AMD CPUs have none; Linux reads it on both).
		 * As KVM keeps it: the "unavailable" bits are read-only, the
		 * rest are stored and change nothing (no fast strings to turn
		 * off, no MONITOR to hide, NX stays in CPUID).
		 */
		if ((val ^ LG_MISC_ENABLE) & LG_MISC_ENABLE)
			return -EINVAL;
		lg->misc_enable = val;
		return 0;
	case MSR_K7_HWCR:
		if (val & ~LG_HWCR_WRITABLE)
			return -EINVAL;
		lg->hwcr = val;
		return 0;
	case MSR_AMD64_DE_CFG:
		return 0;	/* nothing to configure */
	case MSR_K7_EVNTSEL0 ... MSR_K7_PERFCTR3:
		/*
		 * The four legacy performance counters exist on every AMD64
		 * CPU, with no CPUID bit to say so (APM vol. 2, 13.2.1): a
		 * guest may write them.  We offer no PMU, so they never count
		 * and read 0, as KVM's do with its PMU off.
		 */
		return 0;
	}
	return -EINVAL;
}

/*T:610 Every MSR not in the pass-through list of vmcb.c exits here.  The
 * ones we know are emulated against the VMCB; the rest raise #GP, exactly
 * what a CPU does for an MSR it does not have, which is how Linux probes
 * for optional ones.  Among the rest are SPEC_CTRL, PRED_CMD and
 * VIRT_SPEC_CTRL, which CPUID does not offer: the guest can neither read
 * the host's speculation controls nor change them. :*/
/**
 * lg_exit_msr() - handle RDMSR/WRMSR.
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_msr(struct lguest *lg)
{
	static const u8 rd[] = { 0x0f, 0x32 }, wr[] = { 0x0f, 0x30 };
	struct vmcb_save_area *s = &lg->vmcb->save;
	bool write = lg->vmcb->control.exit_info_1;
	u32 msr = lg->gprs.rcx;
	u64 val = (s->rax & 0xffffffff) | (lg->gprs.rdx << 32);
	int err;

	if (!lg_lapic_msr(lg, msr, write, &val, &err) &&
	    !lg_kvmclock_msr(lg, msr, write, &val, &err))
		err = write ? lg_wrmsr(lg, msr, val) : lg_rdmsr(lg, msr, &val);
	if (err) {
		if (write)
			pr_info_ratelimited("guest wrmsr 0x%x <- 0x%llx: #GP\n", msr, val);
		else
			pr_info_ratelimited("guest rdmsr 0x%x: #GP\n", msr);
		lg_inject_exception(lg, X86_TRAP_GP, true, 0);
		return LG_EXIT_CONTINUE;
	}
	if (write) {
		lg_skip_insn(lg, wr, sizeof(wr));
		return LG_EXIT_CONTINUE;
	}
	if (lg_skip_insn(lg, rd, sizeof(rd)))
		return LG_EXIT_CONTINUE;
	s->rax = lower_32_bits(val);
	lg->gprs.rdx = upper_32_bits(val);
	return LG_EXIT_CONTINUE;
}

/* pvpanic (QEMU's docs/specs/pvpanic.rst): the events a guest may report. */
#define LG_PVPANIC_PANICKED	BIT(0)
#define LG_PVPANIC_CRASH_LOADED	BIT(1)
/* ACPI sleep control register: SLP_TYP in bits 4:2, SLP_EN is bit 5. */
#define LG_SLP_TYP(val)		(((val) >> 2) & 7)
#define LG_SLP_EN		BIT(5)

/* A one-byte port write: the UART, the ACPI registers, pvpanic. */
static void lg_port_write(struct lguest *lg, u16 port, u8 val)
{
	switch (port) {
	case LGUEST_PM_SLEEP_CTL:
		/* Only S5 is offered (the DSDT has no other _Sx). */
		if ((val & LG_SLP_EN) && LG_SLP_TYP(val) == LGUEST_PM_S5_TYP) {
			lg->poweroff = true;
			lg->poweroff_status = 0;
		}
		return;
	case LGUEST_PM_RESET:
		if (val == LGUEST_PM_RESET_VALUE)
			lg->reboot = true;
		return;
	case LGUEST_PVPANIC_PORT:
		if (val & LG_PVPANIC_PANICKED)
			lg->panicked = true;
		return;
	case LGUEST_TEST_EXIT_PORT:
		lg->poweroff = true;
		lg->test_exit = true;
		lg->poweroff_status = (val << 1) | 1;
		return;
	}
	lg_uart_io(lg, port, false, &val);
}

static u8 lg_port_read(struct lguest *lg, u16 port)
{
	u8 val = 0xff;

	switch (port) {
	case LGUEST_PM_SLEEP_STS:
		return 0;
	case LGUEST_PVPANIC_PORT:
		return LG_PVPANIC_PANICKED | LG_PVPANIC_CRASH_LOADED;
	}
	lg_uart_io(lg, port, true, &val);
	return val;
}

/*T:620 An IN or OUT exits with everything decoded in EXITINFO1 (port,
 * size, direction) and the next RIP in EXITINFO2, even without nrip-save
 * (APM vol. 2, 15.10.2), so port I/O never needs the instruction decoder.
 * The ports are few: the 8250 UART, the hardware-reduced ACPI sleep and
 * reset registers the launcher's FADT points at, and a pvpanic port.  All
 * are byte-wide; a wider access is done byte by byte, as on an 8-bit bus.
 * Other ports read as all ones and swallow writes, like an empty bus. :*/
/**
 * lg_exit_ioio() - handle IN/OUT.
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_ioio(struct lguest *lg)
{
	struct vmcb_control_area *c = &lg->vmcb->control;
	struct vmcb_save_area *s = &lg->vmcb->save;
	u32 info = c->exit_info_1;
	u16 port = info >> 16;
	unsigned int size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	unsigned int i;
	u64 mask, val = 0;

	if (info & SVM_IOIO_STR_MASK) {
		kill_guest(lg, "string I/O (INS/OUTS) on port 0x%x is not supported (rip 0x%llx)",
			   port, s->rip);
		return LG_EXIT_CONTINUE;
	}
	/* SZ8, SZ16 and SZ32 are one-hot bits 4, 5 and 6. */
	size = size == 1 ? 1 : size == 2 ? 2 : 4;
	mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;

	if (info & SVM_IOIO_TYPE_MASK) {
		for (i = 0; i < size; i++)
			val |= (u64)lg_port_read(lg, port + i) << (i * 8);
		/* A 32-bit IN zero-extends into RAX; narrower ones merge. */
		s->rax = size == 4 ? val : (s->rax & ~mask) | val;
	} else {
		for (i = 0; i < size; i++)
			lg_port_write(lg, port + i, s->rax >> (i * 8));
	}
	/* EXITINFO2 holds the next RIP (APM vol. 2, 15.10.2). */
	lg_advance_rip(lg, c->exit_info_2 - s->rip, false);
	return LG_EXIT_CONTINUE;
}

/*T:630 Hypercalls: VMMCALL with the call number in RAX.  They are the
 * guest's way to ask for what no real device offers: stopping cleanly, and
 * a timer that needs no APIC.  Unknown numbers get -ENOSYS back, never a
 * kill, so a guest can probe; a hypercall from the guest's user mode
 * (CPL > 0) gets -EPERM and does nothing, so a guest's users cannot stop
 * it or arm its timer. :*/
/**
 * lg_exit_vmmcall() - handle a hypercall (see the uapi header).
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_vmmcall(struct lguest *lg)
{
	static const u8 op[] = { 0x0f, 0x01, 0xd9 };
	struct vmcb_save_area *s = &lg->vmcb->save;
	u64 nr = s->rax, arg1 = lg->gprs.rbx, arg2 = lg->gprs.rcx;
	s64 ret = 0;

	if (lg_skip_insn(lg, op, sizeof(op)))
		return LG_EXIT_CONTINUE;
	/*
	 * Hypercalls are the guest kernel's: from its user mode they touch
	 * nothing and fail with -EPERM (as KVM's do).  The VMCB's CPL is
	 * SS.DPL (APM vol. 2, 15.5.1), the level the VMMCALL ran at.
	 */
	if (s->cpl) {
		s->rax = -EPERM;
		return LG_EXIT_CONTINUE;
	}
	switch (nr) {
	case LGUEST_HC_NOP:
		break;
	case LGUEST_HC_POWEROFF:
		lg->poweroff = true;
		lg->poweroff_status = arg1;
		break;
	case LGUEST_HC_SET_TIMER:
		if (arg2 && (arg2 < 32 || arg2 > 255)) {
			ret = -EINVAL;
			break;
		}
		hrtimer_cancel(&lg->timer);
		WRITE_ONCE(lg->timer_fired, false);
		lg->timer_vector = arg2;
		if (arg1)
			hrtimer_start(&lg->timer, ns_to_ktime(min_t(u64, arg1, KTIME_MAX)),
				      HRTIMER_MODE_REL);
		break;
	default:
		ret = -ENOSYS;
	}
	s->rax = ret;
	return LG_EXIT_CONTINUE;
}

/*T:640 XSETBV sets XCR0, which says which parts of the FPU state the
 * XSAVE family and the AVX instructions use.  The guest's value is loaded
 * into the real XCR0 around VMRUN, with GIF clear (run.c), where a value
 * the CPU refuses would raise #GP in the host with everything off.  So the
 * value is checked here, against every architectural rule and against
 * what CPUID leaf 0xD tells the guest, before it is ever stored: the
 * guest gets the #GP (or #UD) a real CPU would give it. :*/
/**
 * lg_exit_xsetbv() - handle XSETBV: the guest sets XCR0, checked by
 *	lg_xcr0_valid() (loaded around VMRUN by run.c).
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_xsetbv(struct lguest *lg)
{
	static const u8 op[] = { 0x0f, 0x01, 0xd1 };
	struct vmcb_save_area *s = &lg->vmcb->save;
	u64 val = (s->rax & 0xffffffff) | (lg->gprs.rdx << 32);

	/* SDM vol. 2, XSETBV: #UD without CR4.OSXSAVE; #GP at CPL > 0, for
	 * an XCR other than 0 (ECX), or for a value XCR0 may not hold. */
	if (!(s->cr4 & X86_CR4_OSXSAVE) || !lg_xcr0_supported(lg)) {
		lg_inject_exception(lg, X86_TRAP_UD, false, 0);
		return LG_EXIT_CONTINUE;
	}
	if (s->cpl || (u32)lg->gprs.rcx || !lg_xcr0_valid(lg, val)) {
		lg_inject_exception(lg, X86_TRAP_GP, true, 0);
		return LG_EXIT_CONTINUE;
	}
	if (lg_skip_insn(lg, op, sizeof(op)))
		return LG_EXIT_CONTINUE;
	lg->xcr0 = val;
	return LG_EXIT_CONTINUE;
}

/*
 * DR6 and DR7 bits a MOV DR may change, and those that always read as 1
 * (SDM vol. 3, 17.2.3-4; APM vol. 2, 13.1.1).  DR6 bit 16 (RTM) and bit
 * 11 (bus-lock #DB) exist only on CPUs with those features; we offer
 * neither, so both read as 1 whatever is written, as KVM's
 * kvm_dr6_fixed() makes them for such a guest.  (kvm-unit-tests' debug
 * test wants DR6 0xffff4ff0 after a single step, not 0xfffe4ff0.)
 */
#define LG_DR6_VOLATILE		0x0000e00fULL
#define LG_DR6_FIXED_1		0xffff0ff0ULL
#define LG_DR7_VOLATILE		0xffff2bffULL
#define LG_DR7_FIXED_1		0x400ULL

/*T:645 The debug registers are the guest's, but DR0-DR3 are not switched
 * by VMRUN, and the host's own breakpoints (perf, ptrace, kgdb) live there.
 * So every MOV to or from a debug register exits and is emulated here,
 * against the guest's copy: DR0-DR3 in struct lguest, DR6 and DR7 in the
 * VMCB, which VMRUN does switch.  The hardware DR0-DR3 get the guest's
 * values only around VMRUN, only while its DR7 enables a breakpoint, and
 * only after the host's DR7 is off (run.c); the host's come back after
 * the exit.  A guest breakpoint can then only fire in the guest. :*/
/**
 * lg_exit_dr() - handle MOV to or from DR0-DR7.
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_dr(struct lguest *lg)
{
	struct vmcb_control_area *c = &lg->vmcb->control;
	struct vmcb_save_area *s = &lg->vmcb->save;
	bool write = c->exit_code >= SVM_EXIT_WRITE_DR0;
	unsigned int dr = c->exit_code - (write ? SVM_EXIT_WRITE_DR0 : SVM_EXIT_READ_DR0);
	bool l64 = lg_code64(s);
	unsigned int reg, gpr;
	bool to_dr;
	u8 code[16];
	int avail, len;
	u64 val;

	lg_count_exception(LG_COUNT_MOV_DR);
	avail = lg_read_guest_insn(lg, lg_rip_linear(lg), code, sizeof(code));
	len = avail < 0 ? avail : lg_insn_decode_movdr(code, avail, &reg, &gpr, &to_dr);
	if (len < 0 || (reg & 7) != dr || to_dr != write) {
		kill_guest(lg, "cannot emulate the debug-register access (exit 0x%x) at rip 0x%llx",
			   c->exit_code, s->rip);
		return LG_EXIT_CONTINUE;
	}
	/* SDM vol. 2, MOV DR: #UD for DR8-15 and for DR4/5 with CR4.DE. */
	if (reg > 7 || ((dr == 4 || dr == 5) && (s->cr4 & X86_CR4_DE))) {
		lg_inject_exception(lg, X86_TRAP_UD, false, 0);
		return LG_EXIT_CONTINUE;
	}
	if (s->cpl) {
		lg_inject_exception(lg, X86_TRAP_GP, true, 0);
		return LG_EXIT_CONTINUE;
	}
	if (dr == 4 || dr == 5)
		dr += 2;		/* aliases of DR6 and DR7 */
	if (write) {
		val = lg_gpr_read(lg, gpr);
		if (!l64)
			val = (u32)val;
		/* 1s in bits 63:32 of DR6 or DR7 are #GP. */
		if (dr >= 6 && val >> 32) {
			lg_inject_exception(lg, X86_TRAP_GP, true, 0);
			return LG_EXIT_CONTINUE;
		}
		if (dr < 4)
			lg->dr[dr] = val;
		else if (dr == 6)
			s->dr6 = (val & LG_DR6_VOLATILE) | LG_DR6_FIXED_1;
		else
			s->dr7 = (val & LG_DR7_VOLATILE) | LG_DR7_FIXED_1;
	} else {
		val = dr < 4 ? lg->dr[dr] : dr == 6 ? s->dr6 : s->dr7;
		lg_gpr_write(lg, gpr, l64 ? val : (u32)val);
	}
	lg_skip_insn(lg, code, len);
	return LG_EXIT_CONTINUE;
}

/**
 * lg_platform_init() - put the guest's devices and MSRs in their reset
 *	state: APIC, IOAPIC, kvmclock (its time starts now) and the UART.
 * @lg: the guest, being created.
 */
void lg_platform_init(struct lguest *lg)
{
	lg->mtrr_def_type = LG_MTRR_DEF_TYPE;
	lg->misc_enable = LG_MISC_ENABLE;
	lg->hwcr = 0;
	lg_lapic_init(lg);
	lg_ioapic_init(lg);
	lg_kvmclock_init(lg);
	lg_uart_init(lg);
}

/**
 * lg_platform_free() - stop the devices' timers and drop their files.
 * @lg: the guest, being destroyed.
 */
void lg_platform_free(struct lguest *lg)
{
	lg_lapic_free(lg);
	lg_uart_free(lg);
}
