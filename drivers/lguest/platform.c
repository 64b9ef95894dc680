// SPDX-License-Identifier: GPL-2.0
/*
 * platform.c - the machine the guest sees, as far as it goes so far: the
 * CPUID it reads, the MSRs it may touch, the I/O ports (a transmit-only
 * serial port at 0x3f8), XSETBV, and the hypercalls of the uapi header.
 * Each handler is reached from the exit table in run.c.
 */
#include "lg.h"

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <asm/cpufeatures.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

/* Bits of CPUID leaf 1 ECX/EDX and 0x80000001 ECX/EDX we pass through. */
#define CPUID1_ECX_OK	(BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | \
			 BIT(19) | BIT(20) | BIT(22) | BIT(23) | BIT(25) | \
			 BIT(26) | BIT(28) | BIT(29) | BIT(30))
#define CPUID1_EDX_OK	(GENMASK(8, 0) | BIT(11) | BIT(12) | BIT(13) | \
			 BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(19) | \
			 BIT(23) | BIT(24) | BIT(25) | BIT(26) | BIT(28))
#define CPUID7_EBX_OK	(BIT(0) | BIT(3) | BIT(5) | BIT(8) | BIT(9) | \
			 BIT(18) | BIT(19) | BIT(20) | BIT(23) | BIT(24) | BIT(29))
#define CPUIDX1_ECX_OK	(BIT(0) | BIT(1) | BIT(4) | BIT(5) | BIT(6) | \
			 BIT(8) | BIT(11) | BIT(16) | BIT(21))
#define CPUIDX1_EDX_OK	(~BIT(27))	/* no RDTSCP: TSC_AUX is the host's */

/*T:600 CPUID is the guest's first question about the machine, and the
 * answer is a policy: we pass through what the hardware does for the guest
 * untouched (arithmetic, SIMD, NX, long mode) and hide what we do not
 * emulate (SVM itself, MONITOR/MWAIT, PCID, performance and thermal
 * controls).  The hypervisor bit is set and our own leaves at 0x40000100
 * say "LguestLguest", so a guest can tell where it is. :*/
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
		*c |= BIT(31);		/* hypervisor present */
		*d &= CPUID1_EDX_OK;
		return;
	case 7:
		if (sub == 0) {
			cpuid_count(7, 0, a, b, c, d);
			*a = 0;
			*b &= CPUID7_EBX_OK;
			*c = *d = 0;
		}
		return;
	case 0xd:
		if (boot_cpu_has(X86_FEATURE_XSAVE) && sub < 64)
			cpuid_count(0xd, sub, a, b, c, d);
		return;
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
		*d &= BIT(8);		/* invariant TSC */
		return;
	case 0x80000008:
		cpuid(leaf, a, b, c, d);
		*b = *c = *d = 0;
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

static int lg_rdmsr(struct lguest *lg, u32 msr, u64 *val)
{
	struct vmcb_save_area *s = &lg->vmcb->save;

	switch (msr) {
	case MSR_EFER:
		*val = s->efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = s->g_pat;
		return 0;
	case MSR_IA32_TSC:
		*val = rdtsc() + lg->vmcb->control.tsc_offset;
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
		if ((s->cr0 & X86_CR0_PG) && ((val ^ s->efer) & EFER_LME))
			return -EINVAL;
		s->efer = (val & ~(u64)EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!lg_pat_valid(val))
			return -EINVAL;
		s->g_pat = val;
		return 0;
	case MSR_IA32_TSC:
		lg->vmcb->control.tsc_offset = val - rdtsc();
		return 0;
	}
	return -EINVAL;
}

/*T:610 Every MSR not in the pass-through list of vmcb.c exits here.  The
 * ones we know are emulated against the VMCB; the rest raise #GP, exactly
 * what a CPU does for an MSR it does not have, which is how Linux probes
 * for optional ones. :*/
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
	u64 val;

	if (write) {
		val = (s->rax & 0xffffffff) | (lg->gprs.rdx << 32);
		if (lg_wrmsr(lg, msr, val)) {
			pr_debug("guest wrmsr 0x%x <- 0x%llx: #GP\n", msr, val);
			lg_inject_exception(lg, X86_TRAP_GP, true, 0);
			return LG_EXIT_CONTINUE;
		}
		lg_skip_insn(lg, wr, sizeof(wr));
		return LG_EXIT_CONTINUE;
	}
	if (lg_rdmsr(lg, msr, &val)) {
		pr_debug("guest rdmsr 0x%x: #GP\n", msr);
		lg_inject_exception(lg, X86_TRAP_GP, true, 0);
		return LG_EXIT_CONTINUE;
	}
	if (lg_skip_insn(lg, rd, sizeof(rd)))
		return LG_EXIT_CONTINUE;
	s->rax = lower_32_bits(val);
	lg->gprs.rdx = upper_32_bits(val);
	return LG_EXIT_CONTINUE;
}

/**
 * lg_console_flush() - write buffered serial output to the console file.
 * @lg: the guest.
 */
void lg_console_flush(struct lguest *lg)
{
	struct file *f = lg->console;
	loff_t *ppos;

	if (!lg->con_len)
		return;
	if (f) {
		ppos = (f->f_mode & FMODE_STREAM) ? NULL : &f->f_pos;
		kernel_write(f, lg->con_buf, lg->con_len, ppos);
	}
	lg->con_len = 0;
}

static void lg_console_put(struct lguest *lg, u8 ch)
{
	lg->con_buf[lg->con_len++] = ch;
	if (ch == '\n' || lg->con_len == sizeof(lg->con_buf))
		lg_console_flush(lg);
}

#define LG_UART_LSR		5	/* line status register offset */
#define LG_UART_LSR_IDLE	0x60	/* transmitter empty and idle */

/*T:620 An IN or OUT exits with everything decoded in EXITINFO1 (port,
 * size, direction) and the next RIP in EXITINFO2, even without nrip-save
 * (APM vol. 2, 15.10.2), so port I/O never needs the instruction decoder.
 * The serial port is the only device so far: bytes written to 0x3f8 go to
 * the console file the launcher handed over, and its line status always
 * says "ready".  Other ports read as all ones, like an empty bus. :*/
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
	u64 mask, val = ~0ULL;

	if (info & SVM_IOIO_STR_MASK) {
		kill_guest(lg, "string I/O (INS/OUTS) on port 0x%x is not supported (rip 0x%llx)",
			   port, s->rip);
		return LG_EXIT_CONTINUE;
	}
	/* SZ8, SZ16 and SZ32 are one-hot bits 4, 5 and 6. */
	size = size == 1 ? 1 : size == 2 ? 2 : 4;
	mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;

	if (info & SVM_IOIO_TYPE_MASK) {
		if (port == LGUEST_SERIAL_PORT + LG_UART_LSR)
			val = LG_UART_LSR_IDLE;
		/* A 32-bit IN zero-extends into RAX; narrower ones merge. */
		s->rax = size == 4 ? (val & mask) : (s->rax & ~mask) | (val & mask);
	} else if (port == LGUEST_SERIAL_PORT) {
		lg_console_put(lg, s->rax & 0xff);
	}
	s->rip = c->exit_info_2;
	return LG_EXIT_CONTINUE;
}

/*T:630 Hypercalls: VMMCALL with the call number in RAX.  They are the
 * guest's way to ask for what no real device offers: stopping cleanly, and
 * a timer that needs no APIC.  Unknown numbers get -ENOSYS back, never a
 * kill, so a guest can probe. :*/
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

/**
 * lg_exit_xsetbv() - handle XSETBV: the guest sets XCR0, checked against
 *	what its FPU state can hold (loaded around VMRUN by run.c).
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_xsetbv(struct lguest *lg)
{
	static const u8 op[] = { 0x0f, 0x01, 0xd1 };
	struct vmcb_save_area *s = &lg->vmcb->save;
	u64 val = (s->rax & 0xffffffff) | (lg->gprs.rdx << 32);
	u64 allowed = lg->gfpu.fpstate->xfeatures;

	if (s->cpl || lg->gprs.rcx & 0xffffffff || !(val & XFEATURE_MASK_FP) ||
	    (val & ~allowed) ||
	    ((val & XFEATURE_MASK_YMM) && !(val & XFEATURE_MASK_SSE))) {
		lg_inject_exception(lg, X86_TRAP_GP, true, 0);
		return LG_EXIT_CONTINUE;
	}
	if (lg_skip_insn(lg, op, sizeof(op)))
		return LG_EXIT_CONTINUE;
	lg->xcr0 = val;
	return LG_EXIT_CONTINUE;
}
