// SPDX-License-Identifier: GPL-2.0
/*
 * guest_mem.c - guest RAM: 2 MiB chunks allocated when first touched (so
 * the nested page tables can use 2 MiB mappings, and RAM the guest never
 * uses costs the host nothing), charged to the creator's memory cgroup,
 * mapped into the launcher with mmap(), and read by the module only through
 * the checked helpers below.  Every guest-physical address that reaches the
 * host goes through lg_gpa_range_ok().
 */
#include "lg.h"
#include "gpa_check.h"

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
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
 * @gpa: a guest-physical address.
 *
 * Never allocates, so any context may ask; lg_mem_populate() first where
 * the page must exist.
 *
 * Return: the page, or NULL if @gpa is outside RAM or its chunk has not
 * been touched yet.
 */
struct page *lg_gpa_page(const struct lguest *lg, u64 gpa)
{
	const struct lg_chunk *c;
	unsigned long idx;

	if (!lg_gpa_range_ok(lg, gpa, 1))
		return NULL;
	if (!lg_chunk_ready(lg, gpa >> LG_CHUNK_SHIFT))
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
 * RAM never touched reads as the zeroes it will hold, without allocating
 * it, so this never sleeps.
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
		struct page *page = lg_gpa_page(lg, gpa);

		if (page)
			memcpy(dst, page_address(page) + off, n);
		else
			memset(dst, 0, n);
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
 * Populates what the range touches first, which may sleep, unless it is
 * populated already (a virtqueue's rings, from lgdev_vq_check() on).
 *
 * Return: 0, -EFAULT if any byte is outside guest RAM, -ENOMEM (the guest
 * is killed); nothing is copied then.
 */
int lg_copy_to_guest(struct lguest *lg, u64 gpa, const void *src, size_t len)
{
	int err = lg_mem_populate(lg, gpa, len);

	if (err)
		return err;
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
 * boot never fetch in them while we need to look.  With @e, the entries
 * read on the way go there, top level first (for a report).
 */
static int lg_gva_to_gpa(struct lg_vcpu *vcpu, u64 gva, u64 *gpa, u64 e[4])
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
		if (e)
			e[4 - level] = gpte;
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
 * lg_guest_walk_entries() - the guest's page-table entries for @gva, for a
 *	report: the 4-level long-mode walk, top level first, 0 past where it
 *	stopped (a missing entry, RAM's end, a large page, paging off).
 * @vcpu: the guest.
 * @gva: guest-virtual address.
 * @e: filled with the four entries.
 */
void lg_guest_walk_entries(struct lg_vcpu *vcpu, u64 gva, u64 e[4])
{
	u64 gpa;

	memset(e, 0, 4 * sizeof(*e));
	lg_gva_to_gpa(vcpu, gva, &gpa, e);
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

		err = lg_gva_to_gpa(vcpu, rip, &gpa, NULL);
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
	c->mapped = false;
}

/*
 * Allocate and zero chunk @i unless it is there, and map it in the nested
 * page tables unless it is: 0, -ENOMEM, or -EINTR (a fatal signal while
 * waiting for another populating it).
 */
static int lg_chunk_populate(struct lguest *lg, unsigned long i)
{
	struct lg_chunk *c = &lg->chunks[i];
	struct mem_cgroup *old;
	int err = 0;

	might_sleep();
	if (mutex_lock_killable(&lg->mem_lock))
		return -EINTR;
	old = set_active_memcg(lg->memcg);
	if (!test_bit(i, lg->ram_ready)) {
		err = lg_chunk_alloc(c);
		if (err) {
			lg_chunk_free(c);
			goto unlock;
		}
		atomic_long_inc(&lg->ram_chunks);
		/* Its pages, zeroed, before the bit that says they exist. */
		smp_mb__before_atomic();
		set_bit(i, lg->ram_ready);
	}
	/*
	 * The guest gets the chunk only once the host sees it: else another
	 * vCPU could put a page table there that an instruction decode,
	 * reading through us, would find all zeroes.  A mapping that fails
	 * leaves the chunk populated (charged, bounded) and the guest dies.
	 */
	if (lg->npt_root && !c->mapped) {
		err = lg_npt_map_chunk(lg, i);
		if (!err)
			WRITE_ONCE(c->mapped, true);
	}
unlock:
	set_active_memcg(old);
	mutex_unlock(&lg->mem_lock);
	return err;
}

/* A chunk could not be had: -ENOMEM kills the guest, saying which. */
static int lg_populate_failed(struct lguest *lg, unsigned long c, int err)
{
	if (err == -ENOMEM)
		kill_guest(lg, "no host memory for guest RAM at guest-physical 0x%llx (%ld of %lu chunks of 2 MiB had been allocated; the launcher's memory cgroup or the host is full)",
			   (u64)c << LG_CHUNK_SHIFT, atomic_long_read(&lg->ram_chunks),
			   lg->nr_chunks);
	return err;
}

/*T:305 Guest RAM is allocated when the guest first touches it, 2 MiB at
 * a time: at a nested page fault inside RAM (run.c), when a device is
 * handed a buffer there (the virtqueue checks), when the launcher writes
 * the kernel in through mmap().  So a guest given a gigabyte that uses
 * sixty megabytes costs the host sixty.  It still never gets more than the
 * machine has: a launcher asking for more than the host's RAM is refused
 * at creation; every chunk is charged to the creator's memory cgroup,
 * whoever touched it first, and is allowed to fail rather than call the
 * OOM killer (which would kill some other process for a guest that cannot
 * fit); and a guest whose RAM cannot be had is killed, saying so. :*/
/**
 * lg_mem_populate() - make sure [@gpa, @gpa + @len) of guest RAM exists.
 * @lg: the guest.
 * @gpa: guest-physical start.
 * @len: bytes.
 *
 * Allocates (zeroed) and maps every chunk of the range not yet populated.
 * May sleep, unless the whole range is populated already, which costs a
 * look at a bit per chunk.
 *
 * Return: 0, -EFAULT if the range is not all RAM, -ENOMEM (the guest has
 * been killed), -EINTR (a fatal signal, or the guest stopped while a range
 * of several chunks was being populated).
 */
int lg_mem_populate(struct lguest *lg, u64 gpa, u64 len)
{
	unsigned long c, last;
	int err;

	if (!lg_gpa_range_ok(lg, gpa, len))
		return -EFAULT;
	if (!len)
		return 0;
	last = (gpa + len - 1) >> LG_CHUNK_SHIFT;
	for (c = find_next_zero_bit(lg->ram_ready, last + 1, gpa >> LG_CHUNK_SHIFT);
	     c <= last; c = find_next_zero_bit(lg->ram_ready, last + 1, c + 1)) {
		err = lg_chunk_populate(lg, c);
		if (err)
			return lg_populate_failed(lg, c, err);
		/* Up to 3 GiB at a time: let others run, and stop for a stop. */
		cond_resched();
		if (c < last && lg_stopped(lg))
			return -EINTR;
	}
	return 0;
}

/**
 * lg_mem_map() - a nested page fault at @gpa inside RAM: populate its
 *	chunk and map it for the guest.
 * @lg: the guest (with nested page tables).
 * @gpa: guest-physical address, inside RAM.
 *
 * Return: 0, -EFAULT outside RAM, -ENOMEM (the guest has been killed),
 * -EINTR (a fatal signal).
 */
int lg_mem_map(struct lguest *lg, u64 gpa)
{
	unsigned long c = gpa >> LG_CHUNK_SHIFT;

	if (!lg_gpa_range_ok(lg, gpa, 1))
		return -EFAULT;
	if (READ_ONCE(lg->chunks[c].mapped))
		return 0;
	return lg_populate_failed(lg, c, lg_chunk_populate(lg, c));
}

/**
 * lg_mem_prealloc() - populate all of the guest's RAM now
 *	(%LGUEST_CREATE_PREALLOC).
 * @lg: the guest, just created.
 *
 * Return: 0, -ENOMEM or -EINTR (a fatal signal); the caller frees the RAM
 * on failure.
 */
int lg_mem_prealloc(struct lguest *lg)
{
	unsigned long c;
	int err;

	for (c = 0; c < lg->nr_chunks; c++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		err = lg_chunk_populate(lg, c);
		if (err)
			return err;
		cond_resched();
	}
	return 0;
}

/**
 * lg_mem_alloc() - give the guest @size bytes of RAM at gpa 0, allocated
 *	as it is touched (lg_mem_populate()).
 * @lg: the guest, with no RAM yet.
 * @size: a multiple of %LG_CHUNK_SIZE no larger than %LGUEST_MAX_MEM,
 *	already checked by the caller.
 *
 * Return: 0, or -ENOMEM (more than the host's RAM, or no room for the
 * chunk table).
 */
int lg_mem_alloc(struct lguest *lg, u64 size)
{
	unsigned long n = size >> LG_CHUNK_SHIFT;

	if (size >> PAGE_SHIFT > totalram_pages())
		return -ENOMEM;
	lg->chunks = kvcalloc(n, sizeof(*lg->chunks),
			      GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	lg->ram_ready = bitmap_zalloc(n, GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
				      __GFP_NOWARN);
	if (!lg->chunks || !lg->ram_ready) {
		kvfree(lg->chunks);
		lg->chunks = NULL;
		bitmap_free(lg->ram_ready);
		lg->ram_ready = NULL;
		return -ENOMEM;
	}
	lg->memcg = get_mem_cgroup_from_mm(current->mm);
	lg->nr_chunks = n;
	lg->mem_size = size;
	return 0;
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
	bitmap_free(lg->ram_ready);
	lg->ram_ready = NULL;
	lg->nr_chunks = 0;
	lg->mem_size = 0;
	atomic_long_set(&lg->ram_chunks, 0);
	mem_cgroup_put(lg->memcg);
	lg->memcg = NULL;
}

static vm_fault_t lg_vm_fault(struct vm_fault *vmf)
{
	struct lguest *lg = vmf->vma->vm_private_data;
	u64 gpa = (u64)vmf->pgoff << PAGE_SHIFT;
	struct page *page;

	if (vmf->pgoff >= lg->mem_size >> PAGE_SHIFT ||
	    lg_mem_populate(lg, gpa, PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	page = lg_gpa_page(lg, gpa);
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
