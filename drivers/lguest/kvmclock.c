// SPDX-License-Identifier: GPL-2.0
/*
 * kvmclock.c - the KVM paravirtual clock (pvclock), which stock kernels use
 * when CPUID leaf 0x40000001 offers KVM_FEATURE_CLOCKSOURCE2: the MSRs that
 * place the wall-clock and per-vCPU time structures in guest memory, and
 * the (TSC, nanoseconds) pairs we publish there.
 */
#include "lg.h"

#include <linux/highmem.h>
#include <linux/math64.h>
#include <linux/timekeeping.h>
#include <asm/kvm_para.h>
#include <asm/pvclock-abi.h>
#include <asm/tsc.h>

/* Guest TSC cycles to nanoseconds: ns = ((cycles <<> shift) * mul) >> 32. */
static u32 lg_tsc_mul;
static s8 lg_tsc_shift;

/*
 * Pick shift so that the scaled frequency is in (1 GHz, 2 GHz]: then
 * mul = 2^32 * 1e9 / scaled fits in 32 bits and keeps 31 of them.
 */
static void lg_kvmclock_scale(void)
{
	u64 hz = (u64)tsc_khz * 1000;
	s8 shift = 0;

	if (!hz)
		return;
	while (hz > 2 * NSEC_PER_SEC) {
		hz >>= 1;
		shift--;
	}
	while (hz <= NSEC_PER_SEC) {
		hz <<= 1;
		shift++;
	}
	lg_tsc_mul = div64_u64(NSEC_PER_SEC << 32, hz);
	lg_tsc_shift = shift;
}

/* Copy @len bytes to guest RAM at @gpa, which must not cross a page. */
static void lg_write_guest_page(struct lg_vcpu *vcpu, u64 gpa, const void *src,
				size_t len)
{
	struct page *page = lg_gpa_page(vcpu->lg, gpa);

	memcpy(page_address(page) + offset_in_page(gpa), src, len);
}

/*
 * Is [gpa, gpa + len) inside RAM and inside one page?  Then it is made to
 * exist now, from the MSR write, since the updates that follow come with
 * interrupts off and cannot allocate it.
 */
static bool lg_gpa_one_page(struct lg_vcpu *vcpu, u64 gpa, u64 len)
{
	return lg_gpa_range_ok(vcpu->lg, gpa, len) &&
	       offset_in_page(gpa) + len <= PAGE_SIZE &&
	       !lg_mem_populate(vcpu->lg, gpa, len);
}

/*T:680 kvmclock is how a stock kernel learns the time without a PIT or an
 * HPET: it hands us the address of a small structure and we write into it
 * a moment as a pair (guest TSC, nanoseconds since boot) plus the scale
 * between TSC cycles and nanoseconds; the guest extrapolates from the pair
 * with RDTSC alone, no exit.  When the host's TSC is not stable the pair is
 * only good on the CPU it was taken on, so then we publish a fresh one
 * whenever the vCPU thread moves to another host CPU, with interrupts off
 * right before VMRUN, and withhold the "stable" flag.  The version
 * field is odd while we write, which the guest's reader retries on. :*/
/**
 * lg_kvmclock_update() - publish a fresh time pair for the guest, if it
 *	enabled kvmclock and we moved to another CPU since the last one.
 * @vcpu: the guest.
 * @cpu: the CPU we are about to enter the guest on (interrupts off).
 */
void lg_kvmclock_update(struct lg_vcpu *vcpu, int cpu)
{
	struct lg_kvmclock *kc = &vcpu->kvmclock;
	struct pvclock_vcpu_time_info pvti = { 0 };
	u64 gpa = kc->system_time & ~1ULL;
	u32 version;
	bool stable;

	if (!(kc->system_time & 1) || kc->cpu == cpu)
		return;
	/*
	 * With a stable, synchronized host TSC one pair is good forever and
	 * on every CPU; republishing would only let the guest see its clock
	 * step by the drift between TSC and ktime.  Otherwise the pair is
	 * this CPU's, and the guest does not get the stable flag.
	 */
	stable = !check_tsc_unstable();
	if (kc->cpu >= 0 && stable)
		return;
	kc->cpu = cpu;
	/* Only the enable path checked the range; RAM never shrinks. */
	memcpy(&version, page_address(lg_gpa_page(vcpu->lg, gpa)) + offset_in_page(gpa),
	       sizeof(version));
	version = (version + 1) | 1;
	lg_write_guest_page(vcpu, gpa, &version, sizeof(version));
	smp_wmb();	/* the odd version before the new data, as the guest reads it */

	/*
	 * Stable: every vCPU gets the machine's one pair, taken when it was
	 * created, so no two vCPUs' clocks can disagree (the guest trusts
	 * that with the stable flag, as KVM's master clock promises).
	 */
	if (stable) {
		pvti.tsc_timestamp = vcpu->lg->clock_host_tsc + vcpu->vmcb->control.tsc_offset;
		pvti.system_time = 0;
	} else {
		pvti.tsc_timestamp = rdtsc() + vcpu->vmcb->control.tsc_offset;
		pvti.system_time = ktime_get_ns() - vcpu->lg->clock_epoch_ns;
	}
	pvti.tsc_to_system_mul = lg_tsc_mul;
	pvti.tsc_shift = lg_tsc_shift;
	pvti.flags = stable ? PVCLOCK_TSC_STABLE_BIT : 0;
	pvti.version = version;
	lg_write_guest_page(vcpu, gpa, &pvti, sizeof(pvti));
	smp_wmb();	/* the new data before the even version */
	version++;
	lg_write_guest_page(vcpu, gpa, &version, sizeof(version));
}

/* The wall-clock time at which the guest's kvmclock read zero. */
static void lg_kvmclock_wall(struct lg_vcpu *vcpu, u64 gpa)
{
	struct pvclock_wall_clock wc;
	u64 boot_ns = ktime_get_real_ns() -
		      (ktime_get_ns() - vcpu->lg->clock_epoch_ns);
	u32 rem;

	wc.version = 1;		/* odd: being written */
	lg_write_guest_page(vcpu, gpa, &wc.version, sizeof(wc.version));
	smp_wmb();	/* the odd version before the new time */
	wc.sec = div_u64_rem(boot_ns, NSEC_PER_SEC, &rem);
	wc.nsec = rem;
	wc.version = 2;
	lg_write_guest_page(vcpu, gpa, &wc, sizeof(wc));
}

/**
 * lg_kvmclock_msr() - emulate the kvmclock MSRs, if @msr is one.
 * @vcpu: the guest (vCPU thread).
 * @msr: the MSR number.
 * @write: WRMSR (with *@val) or RDMSR (filling *@val).
 * @val: the value.
 * @err: set to -EINVAL when the access must raise #GP: a structure
 *	outside RAM or straddling a page.
 *
 * Return: true if @msr is a kvmclock MSR.
 */
bool lg_kvmclock_msr(struct lg_vcpu *vcpu, u32 msr, bool write, u64 *val, int *err)
{
	struct lg_kvmclock *kc = &vcpu->kvmclock;

	*err = 0;
	switch (msr) {
	case MSR_KVM_WALL_CLOCK_NEW:
		if (!write) {
			*val = kc->wall_clock;
		} else if (!lg_gpa_one_page(vcpu, *val, sizeof(struct pvclock_wall_clock))) {
			*err = -EINVAL;
		} else {
			kc->wall_clock = *val;
			lg_kvmclock_wall(vcpu, *val);
		}
		return true;
	case MSR_KVM_SYSTEM_TIME_NEW:
		if (!write) {
			*val = kc->system_time;
			return true;
		}
		if ((*val & 1) &&
		    !lg_gpa_one_page(vcpu, *val & ~1ULL,
				     sizeof(struct pvclock_vcpu_time_info))) {
			*err = -EINVAL;
			return true;
		}
		kc->system_time = *val;
		kc->cpu = -1;	/* publish on the next entry */
		return true;
	}
	return false;
}

/**
 * lg_kvmclock_epoch() - start the guest's clock, and its TSC, at zero for
 *	every vCPU: one (host TSC, host time) pair, taken together.
 * @lg: the guest, being created.
 */
void lg_kvmclock_epoch(struct lguest *lg)
{
	unsigned long flags;

	if (!lg_tsc_mul)
		lg_kvmclock_scale();
	local_irq_save(flags);
	lg->clock_host_tsc = rdtsc();
	lg->clock_epoch_ns = ktime_get_ns();
	local_irq_restore(flags);
	/* Every vCPU's TSC starts here, so they agree (vmcb.c). */
	lg->tsc_offset = -lg->clock_host_tsc;
}

/**
 * lg_kvmclock_init() - a new vCPU has no kvmclock page yet.
 * @vcpu: the vCPU.
 */
void lg_kvmclock_init(struct lg_vcpu *vcpu)
{
	vcpu->kvmclock.cpu = -1;
}
