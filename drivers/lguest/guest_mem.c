// SPDX-License-Identifier: GPL-2.0
/*
 * guest_mem.c - guest RAM: allocated by the module in 2 MiB chunks (so the
 * nested page tables can use 2 MiB mappings), charged to the caller's
 * memory cgroup, mapped into the launcher with mmap(), and read by the
 * module only through the checked helpers below.  Every guest-physical
 * address that reaches the host goes through lg_gpa_range_ok().
 */
#include "lg.h"
#include "gpa_check.h"

#include <linux/gfp.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <asm/processor-flags.h>

/*T:300 Lguest's first law: never trust the guest.  Any address the guest
 * hands us, or that we find in its page tables, is a guest-physical address
 * that may point anywhere: past the end of RAM, or so near the top of the
 * 64-bit space that adding a length wraps around to zero.  This one helper
 * says whether [gpa, gpa + len) lies inside RAM, written so that no
 * addition can overflow; everything that reads guest memory asks it. :*/
/**
 * lg_gpa_range_ok() - is [@gpa, @gpa + @len) entirely inside guest RAM?
 * @lg: the guest.
 * @gpa: guest-physical start.
 * @len: length in bytes; 0 is in range if @gpa <= RAM size.
 *
 * Return: true if so.  Never overflows, whatever the arguments.
 */
bool lg_gpa_range_ok(const struct lguest *lg, u64 gpa, u64 len)
{
	return lg_range_inside(lg->mem_size, gpa, len);
}

/**
 * lg_gpa_page() - the host page backing one guest-physical address.
 * @lg: the guest.
 * @gpa: a guest-physical address already checked to be inside RAM.
 *
 * Return: the page, or NULL if @gpa is outside RAM.
 */
struct page *lg_gpa_page(const struct lguest *lg, u64 gpa)
{
	const struct lg_chunk *c;
	unsigned long idx;

	if (!lg_gpa_range_ok(lg, gpa, 1))
		return NULL;
	c = &lg->chunks[gpa >> LG_CHUNK_SHIFT];
	idx = (gpa >> PAGE_SHIFT) & (LG_CHUNK_PAGES - 1);
	return c->base ? c->base + idx : c->pages[idx];
}

/**
 * lg_copy_from_guest() - copy bytes out of guest RAM.
 * @lg: the guest.
 * @dst: kernel buffer.
 * @gpa: guest-physical source.
 * @len: bytes to copy.
 *
 * Return: 0, or -EFAULT if any byte is outside guest RAM (nothing copied).
 */
int lg_copy_from_guest(struct lguest *lg, void *dst, u64 gpa, size_t len)
{
	if (!lg_gpa_range_ok(lg, gpa, len))
		return -EFAULT;
	while (len) {
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);

		memcpy(dst, page_address(lg_gpa_page(lg, gpa)) + off, n);
		dst += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

/**
 * lg_copy_to_guest() - copy bytes into guest RAM.
 * @lg: the guest.
 * @gpa: guest-physical destination.
 * @src: kernel buffer.
 * @len: bytes to copy.
 *
 * Return: 0, or -EFAULT if any byte is outside guest RAM (nothing copied).
 */
int lg_copy_to_guest(struct lguest *lg, u64 gpa, const void *src, size_t len)
{
	if (!lg_gpa_range_ok(lg, gpa, len))
		return -EFAULT;
	while (len) {
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);

		memcpy(page_address(lg_gpa_page(lg, gpa)) + off, src, n);
		src += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

/* Read one 8-byte page-table entry of the guest, checked. */
static int lg_read_gpte(struct lguest *lg, u64 gpa, u64 *gpte)
{
	return lg_copy_from_guest(lg, gpte, gpa, sizeof(*gpte));
}

#define LG_PTE_ADDR	GENMASK_ULL(51, 12)

/*
 * lg_gva_to_gpa - translate a guest-virtual address the way the guest's
 * MMU would for a supervisor read: paging off (identity) or 4-level long
 * mode with 2 MiB and 1 GiB pages.  Other modes are refused: the guests we
 * boot never fetch in them while we need to look.
 */
static int lg_gva_to_gpa(struct lg_vcpu *vcpu, u64 gva, u64 *gpa)
{
	const struct vmcb_save_area *s = &vcpu->vmcb->save;
	u64 table, gpte = 0;
	int level;

	if (!(lg_guest_cr0(vcpu) & X86_CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (!(s->efer & EFER_LMA) || (s->cr4 & X86_CR4_LA57))
		return -EOPNOTSUPP;
	/* The guest's own CR3: with shadow paging the VMCB holds ours. */
	table = lg_guest_cr3(vcpu) & LG_PTE_ADDR;
	for (level = 4; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		u64 idx = (gva >> shift) & 511;

		if (lg_read_gpte(vcpu->lg, table + idx * 8, &gpte))
			return -EFAULT;
		if (!(gpte & _PAGE_PRESENT))
			return -EFAULT;
		if ((level == 2 || level == 3) && (gpte & _PAGE_PSE)) {
			u64 mask = (1ULL << shift) - 1;

			*gpa = ((gpte & LG_PTE_ADDR) & ~mask) | (gva & mask);
			return 0;
		}
		table = gpte & LG_PTE_ADDR;
	}
	*gpa = table | (gva & (PAGE_SIZE - 1));
	return 0;
}

/**
 * lg_read_guest_code() - read instruction bytes at a guest RIP.
 * @vcpu: the guest.
 * @rip: guest-virtual address (64-bit code: the CS base is 0).
 * @dst: where the bytes go.
 * @len: how many (at most a page's worth).
 *
 * Walks the guest's page tables through the checked helpers, a page at a
 * time, so an instruction that straddles pages is read correctly.
 *
 * Return: 0, -EFAULT if some byte is unmapped or outside RAM,
 * -EOPNOTSUPP for a paging mode we do not walk.
 */
int lg_read_guest_code(struct lg_vcpu *vcpu, u64 rip, void *dst, size_t len)
{
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(rip));
		u64 gpa;
		int err;

		err = lg_gva_to_gpa(vcpu, rip, &gpa);
		if (err)
			return err;
		err = lg_copy_from_guest(vcpu->lg, dst, gpa, n);
		if (err)
			return err;
		dst += n;
		rip += n;
		len -= n;
	}
	return 0;
}

/**
 * lg_read_guest_insn() - read the bytes of the instruction at @rip.
 * @vcpu: the guest.
 * @rip: guest-virtual address of the instruction.
 * @code: where the bytes go.
 * @max: how many at most (the longest instruction).
 *
 * An instruction may end just before an unmapped page, so if @max bytes
 * cannot be read, read what @rip's page holds and let the decoder say
 * whether that was enough.
 *
 * Return: the number of bytes read, or a negative errno.
 */
int lg_read_guest_insn(struct lg_vcpu *vcpu, u64 rip, u8 *code, unsigned int max)
{
	int err = lg_read_guest_code(vcpu, rip, code, max);

	if (err == -EFAULT && PAGE_SIZE - offset_in_page(rip) < max) {
		max = PAGE_SIZE - offset_in_page(rip);
		err = lg_read_guest_code(vcpu, rip, code, max);
	}
	return err ? err : max;
}

/*
 * Allocate one chunk: contiguous if the page allocator can, else page by
 * page.  Charged to the launcher's memory cgroup; a shortage fails the
 * allocation (__GFP_RETRY_MAYFAIL: reclaim, but never the OOM killer, which
 * would kill some other process for a guest that cannot fit) quietly.
 */
static int lg_chunk_alloc(struct lg_chunk *c)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_RETRY_MAYFAIL |
			  __GFP_NOWARN;
	unsigned int i;

	c->base = alloc_pages((gfp & ~__GFP_RETRY_MAYFAIL) | __GFP_NORETRY, LG_CHUNK_ORDER);
	if (c->base) {
		/* Each 4K page needs its own refcount for mmap(). */
		split_page(c->base, LG_CHUNK_ORDER);
		return 0;
	}
	c->pages = kcalloc(LG_CHUNK_PAGES, sizeof(*c->pages),
			   GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!c->pages)
		return -ENOMEM;
	for (i = 0; i < LG_CHUNK_PAGES; i++) {
		c->pages[i] = alloc_page(gfp);
		if (!c->pages[i])
			return -ENOMEM;
	}
	return 0;
}

static void lg_chunk_free(struct lg_chunk *c)
{
	unsigned int i;

	if (c->base) {
		for (i = 0; i < LG_CHUNK_PAGES; i++)
			__free_page(c->base + i);
	} else if (c->pages) {
		for (i = 0; i < LG_CHUNK_PAGES; i++)
			if (c->pages[i])
				__free_page(c->pages[i]);
		kfree(c->pages);
	}
	c->base = NULL;
	c->pages = NULL;
}

/*
 * Creating a guest is mostly allocating and clearing its RAM (hundreds of
 * MiB), which is embarrassingly parallel: idle CPUs help through the
 * unbound workqueue, each taking the next chunk from a shared counter,
 * while the creating thread does the same.  The helpers charge what they
 * allocate to the creator's memory cgroup, as the creator itself would.
 */
struct lg_fill {
	struct lguest *lg;
	struct mem_cgroup *memcg;	/* the creator's */
	atomic_long_t next;		/* the next chunk to take */
	atomic_t err;			/* the first failure; stops everyone */
};

struct lg_fill_work {
	struct work_struct work;
	struct lg_fill *fill;
};

static void lg_fill_chunks(struct lg_fill *f)
{
	struct lguest *lg = f->lg;
	unsigned long i;

	while (!atomic_read(&f->err) &&
	       (i = atomic_long_fetch_inc(&f->next)) < lg->nr_chunks) {
		if (lg_chunk_alloc(&lg->chunks[i]))
			atomic_cmpxchg(&f->err, 0, -ENOMEM);
		cond_resched();
	}
}

static void lg_fill_work(struct work_struct *work)
{
	struct lg_fill *f = container_of(work, struct lg_fill_work, work)->fill;
	struct mem_cgroup *old = set_active_memcg(f->memcg);

	lg_fill_chunks(f);
	set_active_memcg(old);
}

#define LG_FILL_HELPERS_MAX	8

/*T:305 Guest RAM is allocated in full when the guest is created, so a
 * launcher asking for more than the machine has must get a plain "no", not
 * drive the host into the OOM killer: more than the host's RAM is refused
 * before anything is allocated; every page is charged to the launcher's
 * memory cgroup and allowed to fail rather than call the OOM killer; and a
 * fatal signal (the launcher killed while it waits) stops the loop. :*/
/**
 * lg_mem_alloc() - give the guest @size bytes of zeroed RAM at gpa 0.
 * @lg: the guest, with no RAM yet.
 * @size: a multiple of %LG_CHUNK_SIZE no larger than %LGUEST_MAX_MEM,
 *	already checked by the caller.
 *
 * Return: 0, -ENOMEM (more than the host's RAM, or an allocation failed)
 * or -EINTR (a fatal signal), with everything allocated so far freed.
 */
int lg_mem_alloc(struct lguest *lg, u64 size)
{
	unsigned long i, n = size >> LG_CHUNK_SHIFT;
	struct mem_cgroup *old;
	struct lg_fill_work *w;
	struct lg_fill fill;
	unsigned int helpers;
	int err;

	if (size >> PAGE_SHIFT > totalram_pages())
		return -ENOMEM;
	lg->chunks = kvcalloc(n, sizeof(*lg->chunks),
			      GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!lg->chunks)
		return -ENOMEM;
	lg->nr_chunks = n;
	lg->mem_size = size;

	fill.lg = lg;
	fill.memcg = get_mem_cgroup_from_mm(current->mm);
	atomic_long_set(&fill.next, 0);
	atomic_set(&fill.err, 0);
	/* No more helpers than the CPUs the creator itself may run on. */
	helpers = min3(cpumask_weight(current->cpus_ptr) - 1,
		       (unsigned int)LG_FILL_HELPERS_MAX, (unsigned int)n - 1);
	w = helpers ? kcalloc(helpers, sizeof(*w), GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN) :
		      NULL;
	if (!w)
		helpers = 0;
	for (i = 0; i < helpers; i++) {
		INIT_WORK(&w[i].work, lg_fill_work);
		w[i].fill = &fill;
		queue_work(system_unbound_wq, &w[i].work);
	}
	/* Our share, stopping everyone early on a fatal signal. */
	old = set_active_memcg(fill.memcg);
	while (!atomic_read(&fill.err) &&
	       (i = atomic_long_fetch_inc(&fill.next)) < n) {
		if (fatal_signal_pending(current))
			atomic_cmpxchg(&fill.err, 0, -EINTR);
		else if (lg_chunk_alloc(&lg->chunks[i]))
			atomic_cmpxchg(&fill.err, 0, -ENOMEM);
		cond_resched();
	}
	set_active_memcg(old);
	for (i = 0; i < helpers; i++)
		flush_work(&w[i].work);
	kfree(w);
	mem_cgroup_put(fill.memcg);
	err = atomic_read(&fill.err);
	if (err)
		lg_mem_free(lg);
	return err;
}

/**
 * lg_mem_free() - free the guest's RAM.  Pages still mapped by a launcher
 * keep their own reference and go when it unmaps them.
 * @lg: the guest.
 */
void lg_mem_free(struct lguest *lg)
{
	unsigned long i;

	for (i = 0; lg->chunks && i < lg->nr_chunks; i++) {
		lg_chunk_free(&lg->chunks[i]);
		cond_resched();
	}
	kvfree(lg->chunks);
	lg->chunks = NULL;
	lg->nr_chunks = 0;
	lg->mem_size = 0;
}

static vm_fault_t lg_vm_fault(struct vm_fault *vmf)
{
	struct lguest *lg = vmf->vma->vm_private_data;
	struct page *page;

	if (vmf->pgoff >= lg->mem_size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = lg_gpa_page(lg, (u64)vmf->pgoff << PAGE_SHIFT);
	if (!page)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct lg_vm_ops = {
	.fault = lg_vm_fault,
};

/*T:310 The launcher sees guest RAM through mmap() of its /dev/lguest file:
 * that is how it writes the kernel and initrd in, with no copy through the
 * module.  Only shared mappings are allowed, since a private one would give
 * the launcher copy-on-write pages the guest never sees. :*/
/**
 * lg_mmap() - map guest RAM into the launcher.
 * @lg: the guest (with RAM).
 * @vma: the mapping; its offset and length must lie inside RAM.
 *
 * Return: 0, -EINVAL for a private mapping, -ENXIO outside RAM.
 */
int lg_mmap(struct lguest *lg, struct vm_area_struct *vma)
{
	u64 start = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT) || !lg_gpa_range_ok(lg, start, len))
		return -ENXIO;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_private_data = lg;
	vma->vm_ops = &lg_vm_ops;
	return 0;
}
