// SPDX-License-Identifier: GPL-2.0
/*
 * lapic.c - the guest's local APIC: its registers as x2APIC MSRs
 * 0x800-0x8ff or, in xAPIC mode, as the MMIO page at 0xfee00000; interrupt
 * priority (IRR, ISR, TPR, PPR), EOI with the broadcast to the IOAPIC for
 * level-triggered vectors, self-IPIs, and the timer in its one-shot,
 * periodic and TSC-deadline modes on an hrtimer.
 */
#include "lg.h"

#include <linux/bitmap.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/tsc.h>

#define LG_X2APIC_MSR_FIRST	0x800
#define LG_X2APIC_MSR_LAST	0x8ff

/* IA32_APIC_BASE's mode bits: both set is x2APIC, EN alone xAPIC. */
#define LG_APIC_MODE		(MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE)

/* Register numbers are the xAPIC MMIO offsets divided by 16 (SDM 11.12.1.2). */
#define LG_REG(off)		((off) >> 4)

/* Version 0x14, six LVT entries (maximum LVT index 5), no directed EOI. */
#define LG_APIC_VERSION		(0x14 | (5 << 16))

/* The APIC timer counts at 1 GHz: one tick per nanosecond (as KVM does). */
#define LG_APIC_BUS_NS		1

/* The LVT timer's mode field (SDM vol. 3, 11.5.1); the modes are apicdef.h's. */
#define LG_LVT_TIMER_MODE	(3 << 17)

/*
 * The shortest period a guest may give a periodic timer: KVM's default
 * min_timer_period_us (200 us).  The hrtimer behind it fires in the host's
 * interrupt context whatever the guest does, and the host's scheduler does
 * not throttle hrtimers, so TMICT 1 at divide-by-1 would otherwise be a
 * billion host interrupts a second.  One-shot and TSC-deadline timers need
 * no floor: each arming is a WRMSR exit of the guest's own, so a guest
 * cannot make them fire faster than it exits.
 */
#define LG_APIC_MIN_PERIOD_NS	(200 * NSEC_PER_USEC)

/* 32 bits of a 256-bit register, as the APIC shows it: word 0 is bits 0-31. */
static u32 lg_apic_reg32(const unsigned long *bits, unsigned int word)
{
	return bits[word / 2] >> (32 * (word % 2));
}

static int lg_highest(const unsigned long *bits)
{
	unsigned long v = find_last_bit(bits, 256);

	return v < 256 ? v : -1;
}

/* The x2APIC logical ID of APIC ID @id: cluster and bit (SDM 11.12.10.2). */
static u32 lg_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | BIT(id & 15);
}

/* Is the APIC in x2APIC mode (its registers MSRs), or xAPIC (MMIO)? */
static bool lg_apic_x2(const struct lg_lapic *a)
{
	return a->apic_base & X2APIC_ENABLE;
}

/* Processor priority: the higher of TPR and the class in service (SDM 11.8.3.1). */
static u32 lg_apic_ppr(struct lg_vcpu *vcpu)
{
	struct lg_lapic *a = &vcpu->lapic;
	int isrv = lg_highest(a->isr);
	u32 isr_class = isrv < 0 ? 0 : isrv & 0xf0;

	return (a->tpr & 0xf0) >= isr_class ? a->tpr & 0xff : isr_class;
}

/**
 * lg_lapic_set_irq() - request a vector at the guest's local APIC.
 * @vcpu: the guest.
 * @vector: 16-255 (lower ones are illegal and dropped, as an APIC does).
 * @level: level-triggered (its EOI is broadcast to the IOAPIC).
 *
 * Safe from any context: the IOAPIC, timers and devices call it.  A vCPU
 * asleep in HLT is woken; one in guest mode on another CPU is kicked out
 * of it (lg_kick_vcpu()), so the interrupt never waits for its next exit.
 */
void lg_lapic_set_irq(struct lg_vcpu *vcpu, u8 vector, bool level)
{
	struct lg_lapic *a = &vcpu->lapic;

	if (vector < 16)
		return;
	if (level)
		set_bit(vector, a->tmr);
	else
		clear_bit(vector, a->tmr);
	set_bit(vector, a->irr);
	wake_up(&vcpu->wq);
	lg_kick_vcpu(vcpu);
}

/**
 * lg_lapic_next_irq() - the vector the APIC would deliver now.
 * @vcpu: the guest (vCPU thread).
 *
 * Return: the highest requested vector whose priority class is above the
 * processor priority, or -1.
 */
int lg_lapic_next_irq(struct lg_vcpu *vcpu)
{
	int v = lg_highest(vcpu->lapic.irr);

	if (v < 0 || (v & 0xf0) <= (lg_apic_ppr(vcpu) & 0xf0))
		return -1;
	return v;
}

/**
 * lg_lapic_post() - @vector goes to the guest as its virtual interrupt:
 *	it leaves IRR now, as a real APIC's does when the CPU accepts it.
 * @vcpu: the guest (vCPU thread).
 * @vector: the vector lg_lapic_next_irq() gave.
 *
 * Were it left in IRR until the exit that shows it taken, another vCPU's
 * IPI of the same vector arriving in between (the guest's handler has
 * already said "done" and not yet written its EOI) would set a bit that
 * is already set, and the ack would then clear both: an IPI lost, its
 * sender waiting for ever.  Senders set_bit() concurrently: atomic ops.
 */
void lg_lapic_post(struct lg_vcpu *vcpu, u8 vector)
{
	clear_bit(vector, vcpu->lapic.irr);
}

/**
 * lg_lapic_ack() - the posted @vector was taken: it is in service.
 * @vcpu: the guest (vCPU thread).
 * @vector: the vector lg_lapic_post() took out of IRR.
 */
void lg_lapic_ack(struct lg_vcpu *vcpu, u8 vector)
{
	__set_bit(vector, vcpu->lapic.isr);
}

/**
 * lg_lapic_unpost() - the posted @vector was not taken (or its delivery
 *	was cut short): it is pending again.
 * @vcpu: the guest (vCPU thread).
 * @vector: the vector lg_lapic_post() took out of IRR.
 */
void lg_lapic_unpost(struct lg_vcpu *vcpu, u8 vector)
{
	set_bit(vector, vcpu->lapic.irr);
}

static void lg_apic_eoi(struct lg_vcpu *vcpu)
{
	struct lg_lapic *a = &vcpu->lapic;
	int v = lg_highest(a->isr);

	if (v < 0)
		return;
	__clear_bit(v, a->isr);
	if (test_bit(v, a->tmr))
		lg_ioapic_eoi(vcpu->lg, v);
}

/* The timer fires: request its vector unless masked (SDM 11.5.4). */
static void lg_apic_timer_deliver(struct lg_vcpu *vcpu)
{
	u32 lvt = READ_ONCE(vcpu->lapic.lvt_timer);

	if (!(lvt & APIC_LVT_MASKED))
		lg_lapic_set_irq(vcpu, lvt & 0xff, false);
}

/*T:660 The APIC timer is three timers in one.  In TSC-deadline mode (what
 * Linux uses when CPUID offers it) the guest writes an absolute guest TSC
 * value; we turn it into host nanoseconds once, when it is written, and arm
 * an hrtimer.  One-shot and periodic modes count down from TMICT at a 1 GHz
 * "bus".  Either way the expiry lands in the IRR from hrtimer context and
 * wakes the vCPU if it sleeps in HLT, or kicks it out of guest mode if it
 * runs on another CPU than the one the hrtimer fires on: no polling. :*/
static enum hrtimer_restart lg_apic_timer_fn(struct hrtimer *t)
{
	struct lg_vcpu *vcpu = container_of(t, struct lg_vcpu, lapic.timer);
	struct lg_lapic *a = &vcpu->lapic;

	WRITE_ONCE(a->timer_fires, a->timer_fires + 1);
	lg_apic_timer_deliver(vcpu);
	if ((READ_ONCE(a->lvt_timer) & LG_LVT_TIMER_MODE) == APIC_LVT_TIMER_PERIODIC &&
	    a->period_ns) {
		hrtimer_forward_now(t, ns_to_ktime(a->period_ns));
		return HRTIMER_RESTART;
	}
	if ((READ_ONCE(a->lvt_timer) & LG_LVT_TIMER_MODE) == APIC_LVT_TIMER_TSCDEADLINE)
		WRITE_ONCE(a->tsc_deadline, 0);
	return HRTIMER_NORESTART;
}

static u32 lg_apic_divide(u32 tdcr)
{
	u32 v = ((tdcr & 3) | ((tdcr & 8) >> 1));

	return v == 7 ? 1 : 2U << v;
}

static void lg_apic_timer_stop(struct lg_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->lapic.timer);
}

/* Arm for TMICT (one-shot/periodic); TMICT 0 stops the timer. */
static void lg_apic_timer_count(struct lg_vcpu *vcpu)
{
	struct lg_lapic *a = &vcpu->lapic;
	u64 ns;

	lg_apic_timer_stop(vcpu);
	a->period_ns = 0;
	if (!a->tmict)
		return;
	ns = (u64)a->tmict * lg_apic_divide(a->tdcr) * LG_APIC_BUS_NS;
	/* As KVM's limit_periodic_timer_frequency(), with the same message. */
	if ((a->lvt_timer & LG_LVT_TIMER_MODE) == APIC_LVT_TIMER_PERIODIC &&
	    ns < LG_APIC_MIN_PERIOD_NS) {
		pr_info_ratelimited("guest %d: requested %llu ns lapic timer period limited to %llu ns\n",
				    task_tgid_nr(current), ns, (u64)LG_APIC_MIN_PERIOD_NS);
		ns = LG_APIC_MIN_PERIOD_NS;
	}
	a->period_ns = ns;
	a->timer_start = ktime_get_ns();
	hrtimer_start(&a->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

/* Arm for a TSC deadline given in guest TSC cycles; 0 disarms. */
static void lg_apic_timer_deadline(struct lg_vcpu *vcpu, u64 deadline)
{
	struct lg_lapic *a = &vcpu->lapic;
	u64 now = rdtsc() + vcpu->vmcb->control.tsc_offset;
	u64 ns;

	lg_apic_timer_stop(vcpu);
	a->tsc_deadline = deadline;
	if (!deadline)
		return;
	if (deadline <= now || !tsc_khz) {
		a->tsc_deadline = 0;
		lg_apic_timer_deliver(vcpu);
		return;
	}
	ns = mul_u64_u32_div(deadline - now, 1000000, tsc_khz);
	hrtimer_start(&a->timer, ns_to_ktime(min_t(u64, ns, KTIME_MAX)),
		      HRTIMER_MODE_REL);
}

static u32 lg_apic_tmcct(struct lg_vcpu *vcpu)
{
	struct lg_lapic *a = &vcpu->lapic;
	u64 elapsed, per_tick;

	if (!a->tmict || !a->period_ns ||
	    (a->lvt_timer & LG_LVT_TIMER_MODE) == APIC_LVT_TIMER_TSCDEADLINE)
		return 0;
	if (!hrtimer_active(&a->timer))
		return 0;
	per_tick = (u64)lg_apic_divide(a->tdcr) * LG_APIC_BUS_NS;
	/* 64-bit divisor: a period can pass 2^32 ns (do_div would truncate it). */
	div64_u64_rem(ktime_get_ns() - a->timer_start, a->period_ns, &elapsed);
	/* A period stretched to the floor still counts down from TMICT. */
	return min_t(u64, div64_u64(a->period_ns - elapsed, per_tick), a->tmict);
}

/* Writable bits of each LVT entry (vector, delivery mode, mask, ...). */
static u32 lg_lvt_mask(unsigned int reg)
{
	switch (reg) {
	case LG_REG(APIC_LVTT):
		return 0xff | APIC_LVT_MASKED | LG_LVT_TIMER_MODE;
	case LG_REG(APIC_LVT0): case LG_REG(APIC_LVT1):
		return 0x7ff | APIC_INPUT_POLARITY | APIC_LVT_LEVEL_TRIGGER |
		       APIC_LVT_MASKED;
	case LG_REG(APIC_LVTERR):
		return 0xff | APIC_LVT_MASKED;
	default:	/* thermal, performance counters */
		return 0x7ff | APIC_LVT_MASKED;
	}
}

static u32 *lg_lvt(struct lg_lapic *a, unsigned int reg)
{
	switch (reg) {
	case LG_REG(APIC_LVTT):		return &a->lvt_timer;
	case LG_REG(APIC_LVTTHMR):	return &a->lvt_thermal;
	case LG_REG(APIC_LVTPC):	return &a->lvt_pmc;
	case LG_REG(APIC_LVT0):		return &a->lvt_lint0;
	case LG_REG(APIC_LVT1):		return &a->lvt_lint1;
	case LG_REG(APIC_LVTERR):	return &a->lvt_error;
	}
	/* No CMCI LVT: the version register counts six LVT entries. */
	return NULL;
}

static int lg_apic_read(struct lg_vcpu *vcpu, unsigned int reg, u64 *val)
{
	struct lg_lapic *a = &vcpu->lapic;
	u32 *lvt = lg_lvt(a, reg);

	if (lvt) {
		*val = *lvt;
		return 0;
	}
	if (reg >= LG_REG(APIC_ISR) && reg < LG_REG(APIC_ISR) + 8) {
		*val = lg_apic_reg32(a->isr, reg - LG_REG(APIC_ISR));
		return 0;
	}
	if (reg >= LG_REG(APIC_TMR) && reg < LG_REG(APIC_TMR) + 8) {
		*val = lg_apic_reg32(a->tmr, reg - LG_REG(APIC_TMR));
		return 0;
	}
	if (reg >= LG_REG(APIC_IRR) && reg < LG_REG(APIC_IRR) + 8) {
		*val = lg_apic_reg32(a->irr, reg - LG_REG(APIC_IRR));
		return 0;
	}
	switch (reg) {
	case LG_REG(APIC_ID):
		/* x2APIC: the whole register; xAPIC: bits 31:24 (SDM 11.4.6). */
		*val = lg_apic_x2(a) ? vcpu->id : vcpu->id << 24;
		return 0;
	case LG_REG(APIC_LVR):
		*val = LG_APIC_VERSION;
		return 0;
	case LG_REG(APIC_TASKPRI):
		*val = a->tpr;
		return 0;
	case LG_REG(APIC_PROCPRI):
		*val = lg_apic_ppr(vcpu);
		return 0;
	case LG_REG(APIC_LDR):
		*val = lg_apic_x2(a) ? lg_x2apic_ldr(vcpu->id) : a->ldr;
		return 0;
	case LG_REG(APIC_DFR):
		if (lg_apic_x2(a))
			return -EINVAL;	/* no DFR in x2APIC mode */
		*val = a->dfr;
		return 0;
	case LG_REG(APIC_SPIV):
		*val = a->svr;
		return 0;
	case LG_REG(APIC_ESR):
		*val = a->esr;
		return 0;
	case LG_REG(APIC_ICR):
		*val = lg_apic_x2(a) ? a->icr : (u32)a->icr;
		return 0;
	case LG_REG(APIC_ICR2):
		if (lg_apic_x2(a))
			return -EINVAL;	/* ICR is one 64-bit MSR in x2APIC mode */
		*val = a->icr >> 32;
		return 0;
	case LG_REG(APIC_TMICT):
		*val = a->tmict;
		return 0;
	case LG_REG(APIC_TMCCT):
		*val = lg_apic_tmcct(vcpu);
		return 0;
	case LG_REG(APIC_TDCR):
		*val = a->tdcr;
		return 0;
	}
	return -EINVAL;
}

/*
 * Does @dest name the vCPU @t?  In x2APIC mode @dest is 32 bits: physical,
 * the APIC ID or the broadcast 0xffffffff; logical, a cluster (bits 31:16,
 * the ID's bits 19:4) and a bit mask of the cluster's 16 members (SDM
 * 11.12.9, 11.12.10).  In xAPIC mode it is 8 bits: physical, the ID or the
 * broadcast 0xff; logical, in the flat model any bit the LDR has, in the
 * cluster model (DFR 0x0fffffff) the LDR's cluster and a common bit, or
 * broadcast (SDM 11.6.2).
 */
static bool lg_apic_match(const struct lg_vcpu *t, u32 dest, bool logical)
{
	const struct lg_lapic *a = &t->lapic;
	u8 ldr = READ_ONCE(a->ldr) >> 24;

	/* Another vCPU's registers, which its thread may be changing. */
	if (READ_ONCE(a->apic_base) & X2APIC_ENABLE) {
		if (dest == 0xffffffff)
			return true;
		if (logical)
			return (dest >> 16) == (t->id >> 4) &&
			       (dest & BIT(t->id & 15));
		return dest == t->id;
	}
	dest &= 0xff;
	if (dest == 0xff)
		return true;
	if (!logical)
		return dest == t->id;
	if ((READ_ONCE(a->dfr) >> 28) == 0xf)
		return dest & ldr;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

/* One interrupt message arriving at @t's local APIC (SDM 11.6.1). */
static void lg_apic_accept(struct lg_vcpu *t, u32 mode, u8 vector, bool level)
{
	switch (mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		/* A software-disabled APIC accepts none (SDM 11.4.7.2). */
		if (READ_ONCE(t->lapic.svr) & APIC_SPIV_APIC_ENABLED)
			lg_lapic_set_irq(t, vector, level);
		return;
	case APIC_DM_NMI:
		lg_nmi_raise(t);
		return;
	case APIC_DM_INIT:
		lg_request(t, LG_REQ_INIT);
		return;
	case APIC_DM_STARTUP:
		WRITE_ONCE(t->sipi_vector, vector);
		smp_mb__before_atomic();	/* the vector before the bit */
		lg_request(t, LG_REQ_SIPI);
		return;
	}
	/* SMI, ExtINT and the reserved modes go nowhere: we have neither. */
}

/*T:655 An interrupt message, from another vCPU's ICR or from the IOAPIC,
 * goes to every vCPU its destination names.  Fixed interrupts land in each
 * one's IRR (which kicks a vCPU in guest mode out of it, T:515); a
 * lowest-priority one goes to one vCPU only, the lowest-numbered that
 * matches, which is a choice the SDM allows (11.6.2.4) and one that keeps
 * a device's interrupts on one CPU.  NMI, INIT and start-up IPIs become
 * requests for the target's own thread (T:420): INIT resets it to wait for
 * a start-up IPI, the SIPI starts it in real mode at vector * 4 KiB, which
 * is how a stock kernel brings its other CPUs up.  Nothing a guest writes
 * here can loop or allocate: a message visits each vCPU once. :*/
/**
 * lg_apic_deliver() - deliver an interrupt message to the vCPUs it names.
 * @lg: the guest.
 * @src: the sending vCPU (for the shorthands), or NULL from the IOAPIC.
 * @shorthand: %APIC_DEST_SELF, %APIC_DEST_ALLINC, %APIC_DEST_ALLBUT or 0.
 * @dest: the destination field (32 bits from an x2APIC ICR, else 8 bits;
 *	the IOAPIC's 0xff broadcast reaches x2APICs too).
 * @logical: logical destination mode.
 * @mode: the delivery mode (%APIC_DM_FIXED ... %APIC_DM_STARTUP).
 * @vector: the vector.
 * @level: level-triggered (its EOI goes back to the IOAPIC).
 *
 * Safe from any context (the IOAPIC calls it under its spinlock).
 */
void lg_apic_deliver(struct lguest *lg, struct lg_vcpu *src, u32 shorthand,
		     u32 dest, bool logical, u32 mode, u8 vector, bool level)
{
	unsigned int i, n = lg_nr_vcpus(lg);

	if (!src && dest == 0xff)
		dest = 0xffffffff;
	for (i = 0; i < n; i++) {
		struct lg_vcpu *t = lg->vcpus[i];
		bool hit;

		switch (shorthand) {
		case APIC_DEST_SELF:
			hit = t == src;
			break;
		case APIC_DEST_ALLINC:
			hit = true;
			break;
		case APIC_DEST_ALLBUT:
			hit = t != src;
			break;
		default:
			hit = lg_apic_match(t, dest, logical);
		}
		if (!hit)
			continue;
		lg_apic_accept(t, mode, vector, level);
		if (mode == APIC_DM_LOWEST)
			return;
	}
}

/* A write of the ICR sends an IPI (SDM 11.6.1). */
static void lg_apic_icr(struct lg_vcpu *vcpu, u64 icr)
{
	struct lg_lapic *a = &vcpu->lapic;
	u32 mode = icr & APIC_DM_FIXED_MASK;
	u32 dest = lg_apic_x2(a) ? icr >> 32 : icr >> 56;

	a->icr = icr & ~(u64)APIC_ICR_BUSY;
	/* The de-assert half of INIT (level-triggered, level 0) does nothing. */
	if (mode == APIC_DM_INIT && (icr & APIC_INT_LEVELTRIG) &&
	    !(icr & APIC_INT_ASSERT))
		return;
	lg_apic_deliver(vcpu->lg, vcpu, icr & APIC_DEST_ALLBUT, dest,
			icr & APIC_DEST_LOGICAL, mode, icr & 0xff, false);
}

static int lg_apic_write(struct lg_vcpu *vcpu, unsigned int reg, u64 val)
{
	struct lg_lapic *a = &vcpu->lapic;
	u32 *lvt = lg_lvt(a, reg);
	u32 mode;

	/* Only the ICR is 64 bits wide; the rest have reserved upper halves. */
	if (reg != LG_REG(APIC_ICR) && val >> 32)
		return -EINVAL;
	if (lvt) {
		val &= lg_lvt_mask(reg);
		if (!(a->svr & APIC_SPIV_APIC_ENABLED))
			val |= APIC_LVT_MASKED;
		if (reg != LG_REG(APIC_LVTT)) {
			*lvt = val;
			return 0;
		}
		mode = val & LG_LVT_TIMER_MODE;
		if (mode == LG_LVT_TIMER_MODE)
			return -EINVAL;	/* reserved mode */
		if (mode != (a->lvt_timer & LG_LVT_TIMER_MODE)) {
			/* Changing mode disarms (SDM 11.5.4.1). */
			lg_apic_timer_stop(vcpu);
			a->tmict = 0;
			a->tsc_deadline = 0;
		}
		WRITE_ONCE(a->lvt_timer, val);
		return 0;
	}
	switch (reg) {
	case LG_REG(APIC_TASKPRI):
		a->tpr = val & 0xff;
		return 0;
	case LG_REG(APIC_EOI):
		/* x2APIC: non-zero is #GP (SDM 11.12.1.2); xAPIC ignores it. */
		if (val && lg_apic_x2(a))
			return -EINVAL;
		lg_apic_eoi(vcpu);
		return 0;
	case LG_REG(APIC_LDR):
		if (lg_apic_x2(a))
			return -EINVAL;	/* read-only in x2APIC mode */
		a->ldr = val & APIC_LDR_MASK;
		return 0;
	case LG_REG(APIC_DFR):
		if (lg_apic_x2(a))
			return -EINVAL;
		a->dfr = val | 0x0fffffff;	/* only the model bits are writable */
		return 0;
	case LG_REG(APIC_ICR2):
		if (lg_apic_x2(a))
			return -EINVAL;
		a->icr = (u32)a->icr | (val & 0xff000000ULL) << 32;
		return 0;
	case LG_REG(APIC_SPIV):
		WRITE_ONCE(a->svr, val & (APIC_SPIV_APIC_ENABLED | 0xff));
		if (!(a->svr & APIC_SPIV_APIC_ENABLED)) {
			a->lvt_timer |= APIC_LVT_MASKED;
			a->lvt_thermal |= APIC_LVT_MASKED;
			a->lvt_pmc |= APIC_LVT_MASKED;
			a->lvt_lint0 |= APIC_LVT_MASKED;
			a->lvt_lint1 |= APIC_LVT_MASKED;
			a->lvt_error |= APIC_LVT_MASKED;
		}
		return 0;
	case LG_REG(APIC_ESR):
		if (val)
			return -EINVAL;
		a->esr = 0;
		return 0;
	case LG_REG(APIC_ICR):
		/* xAPIC: a write of the low half sends, to ICR2's destination. */
		if (!lg_apic_x2(a))
			val = (a->icr & GENMASK_ULL(63, 32)) | (u32)val;
		lg_apic_icr(vcpu, val);
		return 0;
	case LG_REG(APIC_TMICT):
		if ((a->lvt_timer & LG_LVT_TIMER_MODE) == APIC_LVT_TIMER_TSCDEADLINE)
			return 0;	/* ignored in TSC-deadline mode */
		a->tmict = val;
		lg_apic_timer_count(vcpu);
		return 0;
	case LG_REG(APIC_TDCR):
		a->tdcr = val & 0xb;
		return 0;
	case LG_REG(APIC_SELF_IPI):
		if (!lg_apic_x2(a))
			return -EINVAL;	/* x2APIC only */
		if (a->svr & APIC_SPIV_APIC_ENABLED)
			lg_lapic_set_irq(vcpu, val & 0xff, false);
		return 0;
	}
	return -EINVAL;		/* read-only or reserved */
}

/* The address bits, and the BSP flag on vCPU 0 (SDM 11.4.4). */
static u64 lg_apic_base_fixed(const struct lg_vcpu *vcpu)
{
	return LGUEST_LAPIC_BASE | (vcpu->id ? 0 : MSR_IA32_APICBASE_BSP);
}

/* The state after reset (or a disable through APIC_BASE), with @base. */
static void lg_apic_reset(struct lg_vcpu *vcpu, u64 base)
{
	struct lg_lapic *a = &vcpu->lapic;

	lg_apic_timer_stop(vcpu);
	bitmap_zero(a->irr, 256);
	bitmap_zero(a->isr, 256);
	bitmap_zero(a->tmr, 256);
	a->apic_base = base;
	a->tpr = a->esr = a->tdcr = a->tmict = 0;
	a->icr = a->period_ns = a->tsc_deadline = 0;
	WRITE_ONCE(a->svr, 0xff);
	a->ldr = 0;
	a->dfr = 0xffffffff;
	a->lvt_timer = a->lvt_thermal = a->lvt_pmc = APIC_LVT_MASKED;
	a->lvt_lint0 = a->lvt_lint1 = a->lvt_error = APIC_LVT_MASKED;
}

/*
 * A write of IA32_APIC_BASE (SDM vol. 3, 11.4.4 and 11.12.5): the base
 * stays at 0xfee00000 (we do not relocate the page; KVM does not fully
 * either) and the BSP flag set.  Of the four EN/EXTD states, EXTD without
 * EN is invalid, and so are the moves x2APIC -> xAPIC and disabled ->
 * x2APIC; each is #GP.  Disabling resets the APIC.
 */
static int lg_apic_set_base(struct lg_vcpu *vcpu, u64 val)
{
	struct lg_lapic *a = &vcpu->lapic;
	u64 mode = val & LG_APIC_MODE, old = a->apic_base & LG_APIC_MODE;

	if ((val & ~LG_APIC_MODE) != lg_apic_base_fixed(vcpu))
		return -EINVAL;
	if (mode == X2APIC_ENABLE ||
	    (old == LG_APIC_MODE && mode == MSR_IA32_APICBASE_ENABLE) ||
	    (!old && mode == LG_APIC_MODE))
		return -EINVAL;
	if (!mode)
		lg_apic_reset(vcpu, val);
	else
		a->apic_base = val;
	return 0;
}

/**
 * lg_lapic_mmio() - a load or store to the xAPIC's page at 0xfee00000.
 * @vcpu: the guest (vCPU thread).
 * @gpa: the address, inside [%LGUEST_LAPIC_BASE, + 4 KiB).
 * @write: a store of *@val, or a load into *@val.
 * @size: 1, 2, 4 or 8 bytes.
 * @val: the value.
 *
 * Each register is 32 bits at a 16-byte-aligned offset (SDM 11.4.1).  A
 * load inside those 32 bits gets its part of the register; a 32-bit
 * aligned store writes it.  Other stores, and registers that do not exist
 * or are read-only, are dropped, and other loads read 0, as KVM does (the
 * SDM leaves them undefined).  With the APIC disabled or in x2APIC mode the
 * page is not there: loads read all ones, stores are dropped.
 *
 * Return: 0 (the access never kills the guest).
 */
int lg_lapic_mmio(struct lg_vcpu *vcpu, u64 gpa, bool write, unsigned int size, u64 *val)
{
	struct lg_lapic *a = &vcpu->lapic;
	unsigned int off = gpa & 0xfff, reg = LG_REG(off), shift = (off & 3) * 8;
	u64 r = 0;

	if ((a->apic_base & LG_APIC_MODE) != MSR_IA32_APICBASE_ENABLE) {
		if (!write)
			*val = ~0ULL;
		return 0;
	}
	if (write) {
		if (size == 4 && !(off & 0xf))
			lg_apic_write(vcpu, reg, (u32)*val);
		return 0;
	}
	if ((off & 0xf) + size > 4 || lg_apic_read(vcpu, reg, &r))
		r = 0;
	*val = (u32)r >> shift;
	return 0;
}

/*T:650 The guest's local APIC starts, as a firmware that enabled x2APIC
 * would leave it, in x2APIC mode, so Linux never needs the xAPIC's MMIO
 * page and every APIC access is one MSR exit that names its register.
 * Registers that do not exist, read-only ones written, and a non-zero EOI
 * raise #GP, as the SDM says an x2APIC does.  A guest that disables it and
 * enables it again finds an xAPIC, its page reached through MMIO exits
 * (lg_lapic_mmio()), as kvm-unit-tests' start-up code does. :*/
/**
 * lg_lapic_msr() - emulate an APIC-related MSR, if @msr is one.
 * @vcpu: the guest (vCPU thread).
 * @msr: the MSR number.
 * @write: WRMSR (with *@val) or RDMSR (filling *@val).
 * @val: the value.
 * @err: set to -EINVAL when the access must raise #GP.
 *
 * Return: true if @msr belongs to the APIC (then *@err is meaningful).
 */
bool lg_lapic_msr(struct lg_vcpu *vcpu, u32 msr, bool write, u64 *val, int *err)
{
	struct lg_lapic *a = &vcpu->lapic;

	*err = 0;
	switch (msr) {
	case MSR_IA32_APICBASE:
		if (!write)
			*val = a->apic_base;
		else
			*err = lg_apic_set_base(vcpu, *val);
		return true;
	case MSR_IA32_TSC_DEADLINE:
		if (!write)
			*val = READ_ONCE(a->tsc_deadline);
		else if ((a->lvt_timer & LG_LVT_TIMER_MODE) == APIC_LVT_TIMER_TSCDEADLINE)
			lg_apic_timer_deadline(vcpu, *val);
		return true;
	case LG_X2APIC_MSR_FIRST ... LG_X2APIC_MSR_LAST:
		if (!(a->apic_base & X2APIC_ENABLE))
			*err = -EINVAL;
		else if (write)
			*err = lg_apic_write(vcpu, msr - LG_X2APIC_MSR_FIRST, *val);
		else
			*err = lg_apic_read(vcpu, msr - LG_X2APIC_MSR_FIRST, val);
		return true;
	}
	return false;
}

/**
 * lg_lapic_init() - reset the local APIC: x2APIC mode, software-disabled
 *	(SVR 0xff), every LVT masked, as after INIT with firmware's x2APIC on.
 * @vcpu: the guest.
 */
void lg_lapic_init(struct lg_vcpu *vcpu)
{
	struct lg_lapic *a = &vcpu->lapic;

	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	a->timer.function = lg_apic_timer_fn;
	lg_apic_reset(vcpu, lg_apic_base_fixed(vcpu) | MSR_IA32_APICBASE_ENABLE |
		      X2APIC_ENABLE);
}

/**
 * lg_lapic_init_signal() - INIT: the APIC's registers go back to their
 *	reset values, but it keeps its mode and base (SDM 11.4.7.3, and
 *	11.12.5.1: INIT leaves x2APIC mode on).
 * @vcpu: the vCPU (its own thread).
 */
void lg_lapic_init_signal(struct lg_vcpu *vcpu)
{
	lg_apic_reset(vcpu, vcpu->lapic.apic_base);
}

/**
 * lg_lapic_free() - stop the APIC timer for good.
 * @vcpu: the guest.
 */
void lg_lapic_free(struct lg_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->lapic.timer);
}
