// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - /sys/kernel/debug/lguest/<launcher pid>/: what a running
 * guest costs the host, how it is set up, and the state of its interrupts
 * and devices, for people, tests and the benchmarks.  Read-only, and
 * removed before the guest is freed.
 */
#include "lg.h"

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/lguest_backend.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <asm/fpu/types.h>

static struct dentry *lg_debugfs_root;

/*
 * Intercepted exceptions, by vector, and MOV DR accesses (%LG_COUNT_MOV_DR),
 * of every guest since the module loaded.
 */
static atomic64_t lg_exception_exits[LG_COUNT_MOV_DR + 1];

/**
 * lg_count_exception() - count an intercepted exception, for the module's
 *	"exception_exits" file (tests check the intercepts really happen).
 * @vector: 0-31, or %LG_COUNT_MOV_DR for a debug-register access.
 */
void lg_count_exception(u8 vector)
{
	if (vector < ARRAY_SIZE(lg_exception_exits))
		atomic64_inc(&lg_exception_exits[vector]);
}

static int lg_exception_exits_show(struct seq_file *m, void *unused)
{
	unsigned int i;
	s64 n;

	for (i = 0; i < ARRAY_SIZE(lg_exception_exits); i++) {
		n = atomic64_read(&lg_exception_exits[i]);
		if (!n)
			continue;
		if (i == LG_COUNT_MOV_DR)
			seq_printf(m, "mov-dr %lld\n", (long long)n);
		else
			seq_printf(m, "vector %u %lld\n", i, (long long)n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_exception_exits);

/**
 * lg_overhead_bytes() - host memory this guest uses beyond its RAM.
 * @lg: the guest.
 *
 * Return: bytes of the guest structure, VMCB, nested or shadow page
 * tables, RAM bookkeeping and FPU state (allocations rounded to what they
 * take).
 */
unsigned long lg_overhead_bytes(const struct lguest *lg)
{
	unsigned long bytes = ksize(lg) + lg->npt_pages * PAGE_SIZE;
	unsigned long i, n = lg_nr_vcpus(lg);

	if (lg->chunks) {
		bytes += ksize(lg->chunks);
		for (i = 0; i < lg->nr_chunks; i++) {
			if (lg_chunk_ready(lg, i) && lg->chunks[i].pages)
				bytes += ksize(lg->chunks[i].pages);
		}
	}
	for (i = 0; i < n; i++) {
		const struct lg_vcpu *vcpu = lg->vcpus[i];

		bytes += ksize(vcpu) + PAGE_SIZE +	/* and its VMCB */
			 lg_shadow_pages(vcpu) * PAGE_SIZE;
		if (vcpu->gfpu.fpstate)
			bytes += PAGE_ALIGN(offsetof(struct fpstate, regs) +
					    vcpu->gfpu.fpstate->size);
	}
	return bytes;
}

/* Before each vCPU's part of a file, its number, if there are several. */
static void lg_vcpu_header(struct seq_file *m, const struct lguest *lg,
			   const struct lg_vcpu *vcpu)
{
	if (lg_nr_vcpus(lg) > 1)
		seq_printf(m, "vcpu %u\n", vcpu->id);
}

static int lg_overhead_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%lu\n", lg_overhead_bytes(m->private));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_overhead);

/* The last exits; read while the guest runs, a line may be torn. */
static int lg_exits_show(struct seq_file *m, void *unused)
{
	struct lguest *lg = m->private;
	unsigned int i, n = lg_nr_vcpus(lg);

	for (i = 0; i < n; i++) {
		lg_vcpu_header(m, lg, lg->vcpus[i]);
		lg_exit_hist_show(lg->vcpus[i], m);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_exits);

static int lg_info_show(struct seq_file *m, void *unused)
{
	struct lguest *lg = m->private;
	unsigned int i, n = lg_nr_vcpus(lg);

	seq_printf(m, "mem_bytes %llu\nram_populated_bytes %llu\nvcpus %u\npaging %s\nnpt_pages %lu\n",
		   lg->mem_size, (u64)atomic_long_read(&lg->ram_chunks) << LG_CHUNK_SHIFT,
		   n, lg->shadow_paging ? "shadow" : "npt", lg->npt_pages);
	for (i = 0; i < n; i++) {
		struct lg_vcpu *vcpu = lg->vcpus[i];
		unsigned long excp = vcpu->vmcb->control.intercepts[INTERCEPT_EXCEPTION];

		lg_vcpu_header(m, lg, vcpu);
		seq_printf(m, "asid %u\n", vcpu->asid);
		/* Which exception vectors exit (#DB, #AC, #MC always; #PF in shadow). */
		seq_printf(m, "exception_intercepts %*pbl\n", 32, &excp);
		lg_shadow_show(vcpu, m);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_info);

/*
 * Interrupt state, for when a device seems to have stopped: what the
 * guest's local APIC has requested and in service, and each IOAPIC pin
 * that is raised, unmasked or waiting for its EOI.  A snapshot taken
 * while the guest runs, so its parts may disagree by an instant.
 */
static int lg_interrupts_show(struct seq_file *m, void *unused)
{
	struct lguest *lg = m->private;
	struct lg_ioapic *io = &lg->ioapic;
	unsigned long flags;
	u64 redir[LGUEST_IOAPIC_PINS];
	unsigned int pin, i;
	u32 level;

	for (i = 0; i < lg_nr_vcpus(lg); i++) {
		const struct lg_lapic *a = &lg->vcpus[i]->lapic;

		lg_vcpu_header(m, lg, lg->vcpus[i]);
		/* A vector posted to the guest is in neither IRR nor ISR. */
		seq_printf(m, "lapic irr %*pbl\nlapic isr %*pbl\nlapic tmr %*pbl\nlapic posted %d\n",
			   256, a->irr, 256, a->isr, 256, a->tmr,
			   READ_ONCE(lg->vcpus[i]->virq_vec));
		seq_printf(m, "lapic tpr 0x%x lvt_timer 0x%x\n",
			   READ_ONCE(a->tpr), READ_ONCE(a->lvt_timer));
		seq_printf(m, "lapic timer period_ns %llu fires %llu\n",
			   READ_ONCE(a->period_ns), READ_ONCE(a->timer_fires));
	}
	spin_lock_irqsave(&io->lock, flags);
	memcpy(redir, io->redir, sizeof(redir));
	level = io->level;
	spin_unlock_irqrestore(&io->lock, flags);
	for (pin = 0; pin < LGUEST_IOAPIC_PINS; pin++) {
		if (!(level & BIT(pin)) && (redir[pin] & BIT_ULL(16)))
			continue;
		seq_printf(m, "ioapic pin %u: level %u redir 0x%016llx%s\n", pin,
			   !!(level & BIT(pin)), redir[pin],
			   redir[pin] & BIT_ULL(14) ? " remote-irr" : "");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_interrupts);

/*
 * The devices in the MMIO windows, each described by its backend.  The
 * windows are filled before the guest first runs and emptied only after
 * this directory is gone, so the pointers are stable while we read.
 */
static int lg_devices_show(struct seq_file *m, void *unused)
{
	struct lguest *lg = m->private;
	unsigned int i;

	for (i = 0; i < LGUEST_MMIO_MAX; i++) {
		struct lguest_device *dev = READ_ONCE(lg->devices[i]);

		if (!dev)
			continue;
		seq_printf(m, "slot %u irq %u\n", dev->slot, dev->irq);
		if (dev->ops->show)
			dev->ops->show(dev, m);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_devices);

/* The host-wide speculation mitigations and the IBPB count (svm_cpu.c). */
static int lg_spec_file_show(struct seq_file *m, void *unused)
{
	lg_spec_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lg_spec_file);

/**
 * lg_debugfs_add() - give a new guest its directory, named after the
 *	launcher's PID (with a suffix if that process already has a guest).
 * @lg: the guest, just created.
 */
void lg_debugfs_add(struct lguest *lg)
{
	static atomic_t serial = ATOMIC_INIT(0);
	struct dentry *old;
	char name[32];

	if (IS_ERR_OR_NULL(lg_debugfs_root))
		return;
	snprintf(name, sizeof(name), "%d", task_tgid_nr(current));
	old = debugfs_lookup(name, lg_debugfs_root);
	if (old) {
		dput(old);
		snprintf(name, sizeof(name), "%d.%d", task_tgid_nr(current),
			 atomic_inc_return(&serial));
	}
	lg->debugfs = debugfs_create_dir(name, lg_debugfs_root);
	if (IS_ERR(lg->debugfs)) {
		lg->debugfs = NULL;
		return;
	}
	debugfs_create_file("overhead_bytes", 0400, lg->debugfs, lg, &lg_overhead_fops);
	debugfs_create_file("info", 0400, lg->debugfs, lg, &lg_info_fops);
	debugfs_create_file("interrupts", 0400, lg->debugfs, lg, &lg_interrupts_fops);
	debugfs_create_file("devices", 0400, lg->debugfs, lg, &lg_devices_fops);
	if (IS_ENABLED(CONFIG_LGUEST_EXIT_HISTORY))
		debugfs_create_file("exits", 0400, lg->debugfs, lg, &lg_exits_fops);
}

/**
 * lg_debugfs_remove() - remove the guest's directory; after this returns
 *	no reader can reach the guest.
 * @lg: the guest.
 */
void lg_debugfs_remove(struct lguest *lg)
{
	debugfs_remove(lg->debugfs);
	lg->debugfs = NULL;
}

/**
 * lg_debugfs_init() - create /sys/kernel/debug/lguest (failure is harmless).
 */
void lg_debugfs_init(void)
{
	lg_debugfs_root = debugfs_create_dir("lguest", NULL);
	debugfs_create_file("spec", 0400, lg_debugfs_root, NULL, &lg_spec_file_fops);
	debugfs_create_file("exception_exits", 0400, lg_debugfs_root, NULL,
			    &lg_exception_exits_fops);
}

/**
 * lg_debugfs_exit() - remove it.
 */
void lg_debugfs_exit(void)
{
	debugfs_remove(lg_debugfs_root);
}
