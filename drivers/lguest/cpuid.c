// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid.c - what the guest's CPUID says: the features passed through from
 * the host, those hidden, those we emulate (x2APIC, TSC deadline, the KVM
 * clock leaves, our own leaves); and XCR0, whose offer is CPUID leaf 0xD,
 * set by XSETBV.  Reached from the exit table in run.c.
 */
#include "lg.h"

#include <linux/kernel.h>
#include <asm/cpufeatures.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xstate.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>

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
#define LG_CPUIDX7_EDX_INVTSC	BIT(8)
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
 * @vcpu: the guest.
 *
 * Return: the mask, 0 if the host has no XSAVE.
 */
u64 lg_xcr0_supported(const struct lg_vcpu *vcpu)
{
	if (!boot_cpu_has(X86_FEATURE_XSAVE) || !vcpu->gfpu.fpstate)
		return 0;
	return vcpu->gfpu.fpstate->xfeatures & LG_XCR0_OFFERED &
	       ~LG_XFEATURE_MASK_XSS_ONLY;
}

/**
 * lg_xcr0_valid() - may the guest's XCR0 be @xcr0?  Every path that sets
 *	vcpu->xcr0 goes through here: run.c loads it into the CPU with GIF
 *	clear, where an XSETBV #GP would bring the host down.
 * @vcpu: the guest.
 * @xcr0: the value.
 *
 * Return: true if XSETBV on this host takes it and we offer every bit.
 */
bool lg_xcr0_valid(const struct lg_vcpu *vcpu, u64 xcr0)
{
	return lg_xcr0_rules_ok(xcr0, lg_xcr0_supported(vcpu));
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

/* A hypervisor leaf's 12-byte signature, in EBX, ECX, EDX order. */
static void lg_cpuid_signature(const char sig[12], u32 *b, u32 *c, u32 *d)
{
	memcpy(b, sig, 4);
	memcpy(c, sig + 4, 4);
	memcpy(d, sig + 8, 4);
}

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
static void lg_cpuid(struct lg_vcpu *vcpu, u32 leaf, u32 sub,
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
		/* The initial APIC ID is the vCPU's number (bits 31:24). */
		*b = (*b & 0x0000ffff) | (vcpu->id << 24);
		*c &= CPUID1_ECX_OK;
		if (vcpu->vmcb->save.cr4 & X86_CR4_OSXSAVE)
			*c |= BIT(27);
		*c |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE |
		      CPUID1_ECX_HYPERVISOR;
		*d &= CPUID1_EDX_OK;
		/* A disabled APIC (IA32_APIC_BASE.EN clear) is not there (SDM 11.4.3). */
		if (vcpu->lapic.apic_base & MSR_IA32_APICBASE_ENABLE)
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
			if (vcpu->shadow)
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
		u64 xcr0 = lg_xcr0_supported(vcpu);

		if (!xcr0)
			return;
		if (sub == 0) {
			*a = lower_32_bits(xcr0);
			*d = upper_32_bits(xcr0);
			*b = lg_xsave_size(vcpu->xcr0 & xcr0);
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
		 * Invariant TSC (EDX bit 8, APM vol. 3, E.4.7) exactly when
		 * the host trusts its own TSC: then every vCPU's TSC is the
		 * host's plus one offset, constant in rate and the same on
		 * every vCPU wherever its thread runs.  Without the bit an
		 * AMD guest with several CPUs takes its TSCs to be
		 * unsynchronized and marks them unstable.  On a host whose
		 * TSC is unstable the guest is told so, and kvmclock (whose
		 * pair we republish per host CPU, kvmclock.c) keeps time.
		 */
		*d = check_tsc_unstable() ? 0 : LG_CPUIDX7_EDX_INVTSC;
		return;
	case 0x80000008:
		cpuid(leaf, a, b, c, d);
		/* EBX: AMD's IBPB, IBRS, STIBP, SSBD, VIRT_SSBD: none (leaf 7). */
		*b = *c = *d = 0;
		return;
	case LG_CPUID_KVM_SIGNATURE:
		*a = LG_CPUID_KVM_FEATURES;
		lg_cpuid_signature("KVMKVMKVM\0\0\0", b, c, d);
		return;
	case LG_CPUID_KVM_FEATURES:
		*a = LG_KVM_FEATURE_CLOCKSOURCE2;
		if (!check_tsc_unstable())
			*a |= LG_KVM_FEATURE_CLOCK_STABLE;
		return;
	case LGUEST_CPUID_SIGNATURE:
		*a = LGUEST_CPUID_FEATURES;
		lg_cpuid_signature("LguestLguest", b, c, d);
		return;
	case LGUEST_CPUID_FEATURES:
		*a = LGUEST_API_VERSION;
		return;
	}
}

/**
 * lg_exit_cpuid() - handle CPUID: answer from our policy, step over it.
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_cpuid(struct lg_vcpu *vcpu)
{
	static const u8 op[] = { 0x0f, 0xa2 };
	u32 a, b, c, d;

	lg_cpuid(vcpu, vcpu->regs[LG_RAX], vcpu->regs[LG_RCX], &a, &b, &c, &d);
	if (lg_skip_insn(vcpu, op, sizeof(op)))
		return LG_EXIT_CONTINUE;
	vcpu->regs[LG_RAX] = a;
	vcpu->regs[LG_RBX] = b;
	vcpu->regs[LG_RCX] = c;
	vcpu->regs[LG_RDX] = d;
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
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_xsetbv(struct lg_vcpu *vcpu)
{
	static const u8 op[] = { 0x0f, 0x01, 0xd1 };
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	u64 val = (vcpu->regs[LG_RAX] & 0xffffffff) | (vcpu->regs[LG_RDX] << 32);

	/*
	 * SDM vol. 2, XSETBV: #UD without CR4.OSXSAVE; #GP at CPL > 0, for
	 * an XCR other than 0 (ECX), or for a value XCR0 may not hold.
	 */
	if (!(s->cr4 & X86_CR4_OSXSAVE) || !lg_xcr0_supported(vcpu)) {
		lg_inject_exception(vcpu, X86_TRAP_UD, false, 0);
		return LG_EXIT_CONTINUE;
	}
	if (s->cpl || (u32)vcpu->regs[LG_RCX] || !lg_xcr0_valid(vcpu, val)) {
		lg_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return LG_EXIT_CONTINUE;
	}
	if (lg_skip_insn(vcpu, op, sizeof(op)))
		return LG_EXIT_CONTINUE;
	vcpu->xcr0 = val;
	return LG_EXIT_CONTINUE;
}
