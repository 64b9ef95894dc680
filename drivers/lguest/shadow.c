// SPDX-License-Identifier: GPL-2.0
/*
 * shadow.c - the shadow MMU, for a guest without nested paging: a virtual
 * TLB of host-owned page tables, one per vCPU, filled from the guest's own
 * 4-level tables on #PF and emptied on CR3 writes, INVLPG and changes of the
 * bits that govern translation (APM vol. 2, 5 and 15.9-15.12); shadow_cr.c
 * emulates those control-register writes.
 */
#include "lg.h"
#include "shadow.h"

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/trap_pf.h>
#include <asm/trapnr.h>

/* The memory types of the PAT (APM vol. 2, 7.8.1). */
#define LG_MT_UC	0

static unsigned int shadow_pages = 1024;
module_param(shadow_pages, uint, 0644);
MODULE_PARM_DESC(shadow_pages, "shadow page tables per vCPU of a shadow-paged guest, each with a page of snapshots (16-65536, default 1024)");

/* Every table back on the free stack; every root and the global one empty. */
static void lg_shadow_reset(struct lg_shadow *sh)
{
	unsigned int i;

	clear_page(sh->global);
	for (i = 0; i < LG_SHADOW_ROOTS; i++) {
		clear_page(sh->roots[i].pml4);
		bitmap_zero(sh->roots[i].private, 512);
	}
	if (sh->np_root)
		clear_page(sh->np_root);
	for (i = 0; i < sh->nr; i++)
		sh->free[i] = sh->tables[i];
	sh->nr_free = sh->nr;
}

/* The host PAT index holding each memory type (-1: none), read at load. */
static s8 lg_host_pat_index[8];

/**
 * lg_shadow_init() - read the host's PAT once, at module load: shadow
 *	entries name memory types by its indexes (lg_shadow_memtype()), and
 *	every vCPU's fault path reads the table without a lock.
 */
void lg_shadow_init(void)
{
	unsigned int i;
	u64 pat;

	rdmsrl(MSR_IA32_CR_PAT, pat);
	memset(lg_host_pat_index, -1, sizeof(lg_host_pat_index));
	for (i = 0; i < 8; i++) {
		u8 type = (pat >> (i * 8)) & 7;

		if (lg_host_pat_index[type] < 0)
			lg_host_pat_index[type] = i;
	}
}

static u64 *lg_shadow_table_alloc(void)
{
	return (u64 *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO,
				       LG_SHADOW_ORDER);
}

static void lg_shadow_table_free(u64 *table)
{
	if (table)
		free_pages((unsigned long)table, LG_SHADOW_ORDER);
}

/**
 * lg_shadow_create() - give a guest its shadow MMU (instead of nested
 *	page tables): the whole bounded pool is allocated now, so no exit
 *	ever has to allocate.
 * @vcpu: the guest, being created.
 *
 * Return: 0 or -ENOMEM (lg_shadow_free() cleans up).
 */
int lg_shadow_create(struct lg_vcpu *vcpu)
{
	unsigned int i, nr = clamp(READ_ONCE(shadow_pages), 16U, 65536U);
	struct lg_shadow *sh;

	sh = kzalloc(sizeof(*sh), GFP_KERNEL_ACCOUNT);
	if (!sh)
		return -ENOMEM;
	vcpu->shadow = sh;
	sh->tables = kvcalloc(nr, sizeof(*sh->tables), GFP_KERNEL_ACCOUNT);
	sh->free = kvcalloc(nr, sizeof(*sh->free), GFP_KERNEL_ACCOUNT);
	sh->np_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT | GFP_DMA32);
	sh->global = lg_shadow_table_alloc();
	if (!sh->tables || !sh->free || !sh->np_root || !sh->global)
		return -ENOMEM;
	for (i = 0; i < LG_SHADOW_ROOTS; i++) {
		sh->roots[i].pml4 = lg_shadow_table_alloc();
		if (!sh->roots[i].pml4)
			return -ENOMEM;
	}
	for (i = 0; i < nr; i++) {
		/* Up to 512 MiB per vCPU: let a killed launcher go, let others run. */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		sh->tables[i] = lg_shadow_table_alloc();
		if (!sh->tables[i])
			return -ENOMEM;
		sh->nr++;
	}
	sh->cur = &sh->roots[0];
	lg_shadow_reset(sh);
	return 0;
}

/**
 * lg_shadow_free() - free the shadow MMU (if the guest has one).
 * @vcpu: the guest.
 */
void lg_shadow_free(struct lg_vcpu *vcpu)
{
	struct lg_shadow *sh = vcpu->shadow;
	unsigned int i;

	if (!sh)
		return;
	for (i = 0; sh->tables && i < sh->nr; i++)
		lg_shadow_table_free(sh->tables[i]);
	for (i = 0; i < LG_SHADOW_ROOTS; i++)
		lg_shadow_table_free(sh->roots[i].pml4);
	lg_shadow_table_free(sh->global);
	kvfree(sh->tables);
	kvfree(sh->free);
	free_page((unsigned long)sh->np_root);
	kfree(sh);
	vcpu->shadow = NULL;
}

/**
 * lg_shadow_pages() - pages the shadow MMU holds (for overhead_bytes).
 * @vcpu: the guest.
 *
 * Return: the pool's size in pages, or 0 without shadow paging.
 */
unsigned long lg_shadow_pages(const struct lg_vcpu *vcpu)
{
	if (!vcpu->shadow)
		return 0;
	return ((unsigned long)vcpu->shadow->nr + LG_SHADOW_ROOTS + 1) <<
	       LG_SHADOW_ORDER | 1;
}

/**
 * lg_shadow_show() - the shadow MMU's state and counters, for debugfs.
 * @vcpu: the guest.
 * @m: the file.
 */
void lg_shadow_show(struct lg_vcpu *vcpu, struct seq_file *m)
{
	const struct lg_shadow *sh = vcpu->shadow;

	if (!sh)
		return;
	seq_printf(m, "shadow_pages %u\nshadow_used %u\nshadow_faults %lu\nshadow_fills %lu\nshadow_guest_faults %lu\nshadow_mmio %lu\nshadow_flushes %lu\nshadow_cr3_writes %lu\nshadow_root_hits %lu\nshadow_root_misses %lu\nshadow_sync_zaps %lu\nshadow_global_flushes %lu\nshadow_invlpgs %lu\nshadow_cr_exits %lu\nguest_cr0 0x%llx\nguest_cr3 0x%llx\n",
		   sh->nr, sh->nr - READ_ONCE(sh->nr_free), sh->faults, sh->fills,
		   sh->guest_faults, sh->mmio, sh->flushes, sh->cr3_writes,
		   sh->root_hits, sh->root_misses, sh->sync_zaps, sh->global_flushes,
		   sh->invlpgs, sh->cr_exits, vcpu->guest_cr0, vcpu->guest_cr3);
}

/*T:555 A virtual TLB is flushed the way a real one is.  All at once, on
 * changes to CR0.WP, CR4.PAE/PSE, EFER.NXE or the PAT, and when the pool
 * runs dry, which is what bounds a guest's shadow memory: every table goes
 * back on the free stack and every root is cleared.  Global translations
 * (G in the guest's leaf, with CR4.PGE) live in subtrees of their own that
 * every address space's root shares, so the guest kernel's mappings
 * survive context switches, as they do in a real TLB, and go when CR4.PGE
 * changes or INVLPG names them.  Either way the hardware's TLB entries for
 * the guest's ASID go on the next VMRUN. :*/
/**
 * lg_shadow_flush() - drop every shadow translation (no-op under NPT).
 * @vcpu: the guest.
 */
void lg_shadow_flush(struct lg_vcpu *vcpu)
{
	struct lg_shadow *sh = vcpu->shadow;

	if (!sh)
		return;
	lg_shadow_reset(sh);
	sh->flushes++;
	lg_flush_guest_tlb(vcpu);
}

static u64 *lg_shadow_alloc(struct lg_shadow *sh)
{
	u64 *table;

	if (!sh->nr_free)
		return NULL;
	table = sh->free[--sh->nr_free];
	clear_page(table);
	return table;
}

/* Give a shadow table at @level, and every table under it, back to the pool. */
static void lg_shadow_put_table(struct lg_shadow *sh, u64 *table, int level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < 512; i++)
		if (table[i] & _PAGE_PRESENT)
			lg_shadow_put_table(sh, phys_to_virt(table[i] & PTE_ADDR),
					    level - 1);
	sh->free[sh->nr_free++] = table;
}

/* Clear the entry @e of a table at @level, freeing what it pointed to. */
static void lg_shadow_zap(struct lg_shadow *sh, u64 *e, int level)
{
	if (level > 1 && (*e & _PAGE_PRESENT))
		lg_shadow_put_table(sh, phys_to_virt(*e & PTE_ADDR), level - 1);
	*e = 0;
}

/*
 * May a shadow entry built from the guest entry @snap stand for @gpte?
 * Only if nothing but Accessed and Dirty changed, and only by being set:
 * what was built with a bit clear is stricter (Dirty clear: read-only)
 * than what the entry now allows, never looser.
 */
static bool lg_snap_covers(u64 snap, u64 gpte)
{
	return ((snap ^ gpte) & ~(_PAGE_ACCESSED | _PAGE_DIRTY)) == 0 &&
	       !(snap & ~gpte & (_PAGE_ACCESSED | _PAGE_DIRTY));
}

/*
 * Bring a shadow table at @level, built from the guest table at @gtable,
 * up to date with that guest table as it is now: every entry whose guest
 * entry changed (beyond gaining A or D) goes, with its subtree.
 */
static void lg_shadow_sync_table(struct lg_vcpu *vcpu, u64 *table, int level,
				 u64 gtable, const unsigned long *slots)
{
	struct lg_shadow *sh = vcpu->shadow;
	struct page *page = lg_gpa_page(vcpu->lg, gtable);
	const u64 *gtab = page ? page_address(page) : NULL;
	u64 *snap = lg_snap(table);
	unsigned int i;

	for (i = 0; i < 512; i++) {
		u64 gpte;

		if (!(table[i] & _PAGE_PRESENT) || (slots && !test_bit(i, slots)))
			continue;
		gpte = gtab ? READ_ONCE(gtab[i]) : 0;
		if (!gtab || !lg_snap_covers(snap[i], gpte)) {
			lg_shadow_zap(sh, &table[i], level);
			sh->sync_zaps++;
			continue;
		}
		snap[i] = gpte;
		if (level > 1 && !(table[i] & SPTE_SPLINTER))
			lg_shadow_sync_table(vcpu, phys_to_virt(table[i] & PTE_ADDR),
					     level - 1, gpte & PTE_ADDR, NULL);
	}
}

/**
 * lg_shadow_flush_global() - a change of CR4.PGE flushes the whole TLB,
 *	global entries included (APM vol. 2, 5.5.2); Linux toggles it to flush
 *	kernel mappings.  The shared global tables go; the current root is
 *	compared with the guest's tables (as a CR3 write would), so its own
 *	entries stay only if still true.  The other roots are compared when
 *	the guest switches to them.
 * @vcpu: the vCPU.
 */
void lg_shadow_flush_global(struct lg_vcpu *vcpu)
{
	struct lg_shadow *sh = vcpu->shadow;
	struct lg_shadow_root *r;
	unsigned int slot;

	for (slot = 0; slot < 512; slot++) {
		if (!(sh->global[slot] & _PAGE_PRESENT))
			continue;
		lg_shadow_zap(sh, &sh->global[slot], 4);
		for (r = sh->roots; r < sh->roots + LG_SHADOW_ROOTS; r++)
			if (!test_bit(slot, r->private))
				r->pml4[slot] = 0;
	}
	sh->global_flushes++;
	/* The other roots are compared when the guest switches to them. */
	lg_shadow_sync_table(vcpu, sh->cur->pml4, 4, vcpu->guest_cr3 & PTE_ADDR,
			     sh->cur->private);
	lg_flush_guest_tlb(vcpu);
}

/* The hardware's CR3 for the guest: the current root, or the identity map. */
/**
 * lg_shadow_set_hw_cr3() - the hardware's CR3 for the guest: the current
 *	root, or the identity map while the guest's paging is off.
 * @vcpu: the vCPU.
 */
void lg_shadow_set_hw_cr3(struct lg_vcpu *vcpu)
{
	struct lg_shadow *sh = vcpu->shadow;

	vcpu->vmcb->save.cr3 = vcpu->guest_cr0 & X86_CR0_PG ?
			     __pa(sh->cur->pml4) : __pa(sh->np_root);
}

/*T:557 A context switch need not rebuild the world.  The shadow MMU keeps
 * the last few address spaces the guest ran, each its own root, keyed by
 * the guest's CR3; the ancestor kept a small cache of page directories the
 * same way.  What makes keeping them sound is that each shadow table also
 * holds a snapshot of the guest entries it was built from.  Switching to a
 * kept root (or reloading the current CR3, which is how Linux flushes its
 * TLB) first compares every shadowed guest entry, level by level, with
 * what the guest's tables hold now, and drops whatever changed: so
 * whatever the guest rewrote in an address space while another ran, a
 * page table it freed and reused, or Accessed and Dirty bits it cleared,
 * is never seen stale after the CR3 write that architecturally flushes
 * it.  A comparison in the host is far cheaper than the #PF exits that
 * rebuilding would cost. :*/
/**
 * lg_shadow_new_cr3() - the guest's CR3 changed (or was reloaded): switch
 *	to its root, kept or new, brought up to date with the guest's tables.
 * @vcpu: the vCPU, its guest_cr3 the new value.
 */
void lg_shadow_new_cr3(struct lg_vcpu *vcpu)
{
	struct lg_shadow *sh = vcpu->shadow;
	u64 key = vcpu->guest_cr3 & PTE_ADDR;
	struct lg_shadow_root *r, *victim = NULL;
	unsigned int slot;

	sh->cr3_writes++;
	for (r = sh->roots; r < sh->roots + LG_SHADOW_ROOTS; r++) {
		if (r->key == key && r->stamp) {
			sh->root_hits++;
			lg_shadow_sync_table(vcpu, r->pml4, 4, key, r->private);
			goto found;
		}
		if (!victim || r->stamp < victim->stamp)
			victim = r;
	}
	sh->root_misses++;
	r = victim;
	for_each_set_bit(slot, r->private, 512)
		lg_shadow_zap(sh, &r->pml4[slot], 4);
	bitmap_zero(r->private, 512);
	memcpy(r->pml4, sh->global, PAGE_SIZE);
	r->key = key;
found:
	r->stamp = ++sh->clock;
	sh->cur = r;
	lg_shadow_set_hw_cr3(vcpu);
	lg_flush_guest_tlb(vcpu);
}

/* A 4 KiB identity-map entry for @gva while the guest's paging is off. */
static void lg_shadow_np_fill(struct lg_vcpu *vcpu, u64 gva, struct page *page)
{
	struct lg_shadow *sh = vcpu->shadow;
	u64 *pdpte = &sh->np_root[(gva >> 30) & 3], *pd, *pde, *pt;

	if (!(*pdpte & _PAGE_PRESENT)) {
		pd = lg_shadow_alloc(sh);
		if (!pd)
			goto flush;
		/* RW, U/S and NX are reserved in a PAE PDPTE (APM 5.3.3). */
		*pdpte = __pa(pd) | _PAGE_PRESENT;
	}
	pd = phys_to_virt(*pdpte & PTE_ADDR);
	pde = &pd[(gva >> 21) & 511];
	if (!(*pde & _PAGE_PRESENT)) {
		pt = lg_shadow_alloc(sh);
		if (!pt)
			goto flush;
		*pde = __pa(pt) | SPTE_TABLE;
	}
	pt = phys_to_virt(*pde & PTE_ADDR);
	pt[(gva >> 12) & 511] = page_to_phys(page) | SPTE_TABLE | _PAGE_DIRTY;
	sh->fills++;
	return;
flush:
	/* The pool is dry: start again; the access faults once more. */
	lg_shadow_flush(vcpu);
}

/* Reserved bits of a guest entry at @level (APM vol. 2, 5.3.3 and 5.4). */
static u64 lg_gpte_rsvd(struct lg_vcpu *vcpu, u64 gpte, int level)
{
	u64 rsvd = GENMASK_ULL(51, boot_cpu_data.x86_phys_bits);

	if (!(vcpu->vmcb->save.efer & EFER_NX))
		rsvd |= _PAGE_NX;
	if (level == 4)
		rsvd |= _PAGE_PSE;
	else if (level == 3 && (gpte & _PAGE_PSE))
		rsvd |= boot_cpu_has(X86_FEATURE_GBPAGES) ?
			GENMASK_ULL(29, 13) : _PAGE_PSE;
	else if (level == 2 && (gpte & _PAGE_PSE))
		rsvd |= GENMASK_ULL(20, 13);
	return gpte & rsvd;
}

/**
 * struct lg_gwalk - the guest's own translation of one address.
 * @gpte: the entry at each level (index = level - 1), after A/D updates.
 * @ptep: where each lives, in our mapping of guest RAM.
 * @level: the level of the leaf (1, 2 or 3).
 * @gpa: the guest-physical address the linear address translates to.
 * @user: U/S of all levels combined (user access allowed).
 * @write: R/W of all levels combined (writes allowed).
 * @nx: NX of all levels combined (instruction fetch forbidden).
 * @up_user: @user of the levels above the leaf only.
 * @up_write: @write of the levels above the leaf only.
 * @up_nx: @nx of the levels above the leaf only.
 * @err: the #PF error code, when the guest's tables refuse the access.
 */
struct lg_gwalk {
	u64 gpte[4];
	u64 *ptep[4];
	int level;
	u64 gpa;
	bool user, write, nx;
	bool up_user, up_write, up_nx;
	u32 err;
};

/*T:560 The shadow MMU reads the guest's page tables the way the CPU would,
 * and trusts them no more than anything else the guest wrote.  Each table
 * address is checked to be guest RAM before we look (a table outside RAM
 * kills the guest, saying where); the walk has exactly four levels, so a
 * table that points at itself or at its parent is just an odd mapping,
 * never a loop; reserved bits and missing permissions become the #PF the
 * guest would have had, with the error code the CPU would have pushed.
 * Only a translation that the guest's tables allow, to a page that is
 * guest RAM, ever reaches a shadow entry. :*/
static int lg_shadow_walk(struct lg_vcpu *vcpu, u64 gva, u32 access,
			  struct lg_gwalk *w)
{
	bool wp = vcpu->guest_cr0 & X86_CR0_WP;
	bool nxe = vcpu->vmcb->save.efer & EFER_NX;
	u64 table = vcpu->guest_cr3 & PTE_ADDR;
	u32 pf = access & (X86_PF_WRITE | X86_PF_USER | X86_PF_INSTR);
	int level;

	if (!nxe)
		pf &= ~X86_PF_INSTR;
	w->user = w->write = true;
	w->nx = false;
	for (level = 4; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		u64 gpte_gpa = table + ((gva >> shift) & 511) * 8;
		struct page *page;
		u64 gpte;

		/* A table in RAM never touched holds zeroes: populated, it does. */
		if (lg_mem_populate(vcpu->lg, gpte_gpa, sizeof(gpte)) == -EFAULT) {
			kill_guest(vcpu->lg, "shadow paging: level-%d page table at guest-physical 0x%llx is outside RAM (translating 0x%llx, cr3 0x%llx, rip 0x%llx)",
				   level, table, gva, vcpu->guest_cr3, vcpu->vmcb->save.rip);
			return -EFAULT;
		}
		page = lg_gpa_page(vcpu->lg, gpte_gpa);
		if (!page)
			return -ENOMEM;	/* killed for memory, or a fatal signal */
		w->ptep[level - 1] = page_address(page) + offset_in_page(gpte_gpa);
		gpte = READ_ONCE(*w->ptep[level - 1]);
		w->gpte[level - 1] = gpte;
		if (!(gpte & _PAGE_PRESENT)) {
			w->err = pf;
			return 1;
		}
		if (lg_gpte_rsvd(vcpu, gpte, level)) {
			w->err = pf | X86_PF_PROT | X86_PF_RSVD;
			return 1;
		}
		w->up_user = w->user;
		w->up_write = w->write;
		w->up_nx = w->nx;
		w->user &= !!(gpte & _PAGE_USER);
		w->write &= !!(gpte & _PAGE_RW);
		w->nx |= nxe && (gpte & _PAGE_NX);
		if (level == 1 || (level <= 3 && (gpte & _PAGE_PSE))) {
			u64 mask = BIT_ULL(shift) - 1;

			w->level = level;
			w->gpa = ((gpte & PTE_ADDR) & ~mask) | (gva & mask);
			break;
		}
		table = gpte & PTE_ADDR;
	}
	/* The permission checks of APM vol. 2, 5.6 (no SMEP/SMAP: not offered). */
	if (((access & X86_PF_USER) && !w->user) ||
	    ((access & X86_PF_WRITE) && !w->write && ((access & X86_PF_USER) || wp)) ||
	    ((access & X86_PF_INSTR) && w->nx)) {
		w->err = pf | X86_PF_PROT;
		return 1;
	}
	return 0;
}

/*T:556 With several vCPUs each has a shadow MMU of its own, as each CPU
 * has its own TLB, and only its thread ever touches it: no lock.  A guest
 * PTE write on one vCPU reaches another vCPU's shadows when that vCPU
 * flushes (INVLPG, a CR3 write, a CR4.PGE toggle), which is what Linux's
 * TLB-shootdown IPIs make every CPU do before the change is relied on, as
 * on real hardware; initramfs/lgtlb.c checks it with threads on every
 * CPU.  The one place vCPUs meet is the guest's page tables themselves:
 * Accessed and Dirty are set with CMPXCHG, as the CPU sets them, so an
 * entry another vCPU has just cleared is never written back. :*/
/*
 * Set Accessed in every level, and Dirty in the leaf for a write (APM
 * 5.4.2), atomically as the CPU does: another vCPU may be rewriting the
 * same entry (Linux clears a PTE with XCHG and reads back its A/D bits).
 * If an entry changed since the walk read it, nothing more is written and
 * the access is retried, to walk the tables as they are now.  Return:
 * false to retry.
 */
static bool lg_shadow_set_ad(struct lg_gwalk *w, bool write)
{
	int level;

	for (level = 4; level >= w->level; level--) {
		u64 set = _PAGE_ACCESSED | (write && level == w->level ? _PAGE_DIRTY : 0);
		u64 old = w->gpte[level - 1];

		if ((old & set) == set)
			continue;
		if (cmpxchg64(w->ptep[level - 1], old, old | set) != old)
			return false;
		w->gpte[level - 1] = old | set;
	}
	return true;
}

/*
 * The memory type the guest's PAT gives its leaf entry, re-expressed as
 * an index into the host's PAT (which the hardware uses without nested
 * paging, APM 15.25.8): PAT/PCD/PWT bits for the shadow entry.  A type
 * the host's PAT lacks becomes UC, which is never wrong for correctness.
 */
static u64 lg_shadow_memtype(struct lg_vcpu *vcpu, u64 gpte, int level)
{
	unsigned int gidx, type;
	int hidx;

	gidx = (gpte & _PAGE_PWT ? 1 : 0) | (gpte & _PAGE_PCD ? 2 : 0) |
	       (gpte & (level == 1 ? _PAGE_PAT : _PAGE_PAT_LARGE) ? 4 : 0);
	type = (vcpu->vmcb->save.g_pat >> (gidx * 8)) & 7;
	hidx = lg_host_pat_index[type];
	if (hidx < 0)
		hidx = lg_host_pat_index[LG_MT_UC];
	if (hidx < 0)
		hidx = 3;	/* PCD|PWT: UC in the power-on PAT */
	return (hidx & 1 ? _PAGE_PWT : 0) | (hidx & 2 ? _PAGE_PCD : 0) |
	       (hidx & 4 ? _PAGE_PAT : 0);
}

/*
 * Put a 4 KiB leaf for @gva, translated by the guest walk @w, into the
 * current root, or into the shared global tables for a @global one (unless
 * this root holds the slot privately), making the tables on the way.  Each
 * level's snapshot records the guest entry it was built from; a subtree
 * built from a guest entry that has since changed is dropped and rebuilt.
 * Entries that stand for part of a guest large page are marked, so an
 * INVLPG anywhere in that page drops all of it.  Returns 0 with the old
 * leaf in @old and its table in @spt, or -ENOSPC when the pool is empty.
 */
static int lg_shadow_install(struct lg_vcpu *vcpu, u64 gva, u64 spte,
			     const struct lg_gwalk *w, bool global,
			     u64 *old, u64 **spt)
{
	struct lg_shadow *sh = vcpu->shadow;
	struct lg_shadow_root *r = sh->cur;
	unsigned int slot = (gva >> 39) & 511, i;
	bool shared = global && !test_bit(slot, r->private);
	u64 *table = shared ? sh->global : r->pml4;
	int level;

	if (!shared && !__test_and_set_bit(slot, r->private)) {
		/* The slot leaves the shared subtree, for this root only. */
		r->pml4[slot] = 0;
		lg_flush_guest_tlb(vcpu);
	}
	for (level = 4; level > 1; level--) {
		u64 gpte = level >= w->level ? w->gpte[level - 1] : 0;
		u64 *e, *snap;

		i = (gva >> (12 + 9 * (level - 1))) & 511;
		e = &table[i];
		snap = &lg_snap(table)[i];
		if ((*e & _PAGE_PRESENT) && level >= w->level &&
		    !(shared && level == 4) && !lg_snap_covers(*snap, gpte)) {
			lg_shadow_zap(sh, e, level);
			lg_flush_guest_tlb(vcpu);
		}
		if (!(*e & _PAGE_PRESENT)) {
			u64 *next = lg_shadow_alloc(sh);

			if (!next)
				return -ENOSPC;
			*e = __pa(next) | SPTE_TABLE;
			if (shared && level == 4) {
				struct lg_shadow_root *o;

				for (o = sh->roots; o < sh->roots + LG_SHADOW_ROOTS; o++)
					if (!test_bit(slot, o->private))
						o->pml4[slot] = *e;
			}
		}
		*snap = gpte;
		if (level == w->level)
			*e |= SPTE_SPLINTER;
		if (shared && level == 4)
			r->pml4[slot] = *e;	/* as every sharer has it */
		table = phys_to_virt(*e & PTE_ADDR);
	}
	i = (gva >> 12) & 511;
	*old = table[i];
	table[i] = spte;
	lg_snap(table)[i] = w->level == 1 ? w->gpte[0] : 0;
	*spt = table;
	return 0;
}

/* Pages filled around each fault: the aligned group of this many. */
#define LG_PREFETCH	16

/*
 * Fill the unshadowed neighbours of @gva in its aligned group of
 * LG_PREFETCH pages, from the same guest page table (or the same guest
 * large page), where the guest's entry is present, already Accessed and
 * maps RAM: translations a real TLB could have cached speculatively, so
 * there is no Accessed bit to set; writable only if already Dirty.  One
 * fault then serves a run of pages (a binary's text, a stack, a copy).
 */
static void lg_shadow_prefetch(struct lg_vcpu *vcpu, u64 gva,
			       const struct lg_gwalk *w, bool global, u64 *spt)
{
	bool nxe = vcpu->vmcb->save.efer & EFER_NX;
	bool pge = vcpu->vmcb->save.cr4 & X86_CR4_PGE;
	unsigned int cur = (gva >> 12) & 511, i;
	unsigned int first = cur & ~(LG_PREFETCH - 1);

	for (i = first; i < first + LG_PREFETCH; i++) {
		bool user, write, nx;
		struct page *page;
		u64 gpte, gpa, spte;

		if (i == cur || (spt[i] & _PAGE_PRESENT))
			continue;
		if (w->level == 1) {
			gpte = READ_ONCE(w->ptep[0][(int)i - (int)cur]);
			if ((gpte & (_PAGE_PRESENT | _PAGE_ACCESSED)) != (_PAGE_PRESENT | _PAGE_ACCESSED) ||
			    lg_gpte_rsvd(vcpu, gpte, 1))
				continue;
			user = w->up_user && (gpte & _PAGE_USER);
			write = w->up_write && (gpte & _PAGE_RW);
			nx = w->up_nx || (nxe && (gpte & _PAGE_NX));
			gpa = gpte & PTE_ADDR;
		} else {
			/* Large pages are 2 MiB-aligned: the group is inside it. */
			gpte = w->gpte[w->level - 1];
			user = w->user;
			write = w->write;
			nx = w->nx;
			gpa = (w->gpa & PAGE_MASK) + ((s64)((int)i - (int)cur) << 12);
		}
		/* A shared (global) table holds global translations only. */
		if (global && !((gpte & _PAGE_GLOBAL) && pge) &&
		    !test_bit((gva >> 39) & 511, vcpu->shadow->cur->private))
			continue;
		page = lg_gpa_page(vcpu->lg, gpa);
		if (!page)
			continue;	/* device memory, or RAM yet to be populated */
		spte = page_to_phys(page) | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY |
		       lg_shadow_memtype(vcpu, gpte, w->level);
		if (user)
			spte |= _PAGE_USER;
		if (nx)
			spte |= _PAGE_NX;
		if (write && (gpte & _PAGE_DIRTY))
			spte |= _PAGE_RW;
		spt[i] = spte;
		lg_snap(spt)[i] = w->level == 1 ? gpte : 0;
	}
}

/*T:565 Filling a shadow entry is where the guest's accessed and dirty bits
 * are made true.  We set Accessed in every level of the guest's walk as we
 * copy the translation; Dirty is set only by a write, so a writable page
 * the guest has not yet dirtied gets a read-only shadow entry, and its
 * first write faults back to us to set Dirty and upgrade the entry.  The
 * guest's CR0.WP is honoured too: the hardware always runs with WP set,
 * and a supervisor write the guest's tables forbid but WP=0 allows gets a
 * writable entry that user mode cannot reach (U/S clear), so that user
 * code still sees the page read-only. :*/
static int lg_shadow_fill(struct lg_vcpu *vcpu, u64 gva, u32 access,
			  struct lg_gwalk *w)
{
	struct lg_shadow *sh = vcpu->shadow;
	bool write = access & X86_PF_WRITE, user = access & X86_PF_USER, global;
	struct page *page;
	u64 spte, old, *spt;
	int err;

	if (lg_mem_populate(vcpu->lg, w->gpa, 1))
		return -ENOMEM;	/* killed for memory, or a fatal signal */
	page = lg_gpa_page(vcpu->lg, w->gpa);
	/* The guest's entry changed under us: let the access fault again. */
	if (!lg_shadow_set_ad(w, write))
		return 0;
	spte = page_to_phys(page) | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY |
	       lg_shadow_memtype(vcpu, w->gpte[w->level - 1], w->level);
	if (w->user)
		spte |= _PAGE_USER;
	if (w->nx)
		spte |= _PAGE_NX;
	if (w->write && (w->gpte[w->level - 1] & _PAGE_DIRTY))
		spte |= _PAGE_RW;
	if (write && !w->write && !user && !(vcpu->guest_cr0 & X86_CR0_WP))
		spte = (spte | _PAGE_RW) & ~_PAGE_USER;

	global = (w->gpte[w->level - 1] & _PAGE_GLOBAL) &&
		 (vcpu->vmcb->save.cr4 & X86_CR4_PGE);
	err = lg_shadow_install(vcpu, gva, spte, w, global, &old, &spt);
	if (err == -ENOSPC) {
		lg_shadow_flush(vcpu);
		err = lg_shadow_install(vcpu, gva, spte, w, global, &old, &spt);
	}
	if (WARN_ON_ONCE(err))
		return err;
	sh->fills++;
	/* Replacing a live entry: the TLB may hold the old one (APM 15.16.2). */
	if (old & _PAGE_PRESENT)
		lg_hw->flush_gva(vcpu, gva);
	lg_shadow_prefetch(vcpu, gva, w, global, spt);
	return 0;
}

/* Deliver #PF to the guest, or #DF/shutdown if it met one while delivering. */
static void lg_shadow_inject_pf(struct lg_vcpu *vcpu, u64 gva, u32 err)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u32 prior = c->event_inj;

	vcpu->shadow->guest_faults++;
	if ((prior & SVM_EVTINJ_VALID) &&
	    (prior & SVM_EVTINJ_TYPE_MASK) == SVM_EVTINJ_TYPE_EXEPT) {
		u8 vec = prior & SVM_EVTINJ_VEC_MASK;

		if (vec == X86_TRAP_DF) {
			kill_guest(vcpu->lg, "triple fault: #PF at 0x%llx (error 0x%x) while delivering #DF, rip 0x%llx",
				   gva, err, vcpu->vmcb->save.rip);
			return;
		}
		/* #PF during #PF or a contributory fault: #DF (APM 8.2.9). */
		if (vec == X86_TRAP_PF || vec == X86_TRAP_DE ||
		    (vec >= X86_TRAP_TS && vec <= X86_TRAP_GP)) {
			lg_inject_exception(vcpu, X86_TRAP_DF, true, 0);
			return;
		}
	}
	vcpu->vmcb->save.cr2 = gva;
	lg_inject_exception(vcpu, X86_TRAP_PF, true, err);
}

/*T:570 With shadow paging every #PF in the guest exits to us first
 * (APM 15.12: EXITINFO1 is the error code, EXITINFO2 the address).  Three
 * things can be behind one.  The guest's own tables refuse the access:
 * the #PF is the guest's, and we deliver it with CR2 and the error code
 * its tables call for.  They allow it, to RAM: our virtual TLB missed, or
 * held an entry narrower than the guest's (read-only until Dirty); we fill
 * it and the instruction runs again.  They allow it, to an address outside
 * RAM: the guest is touching device memory, and since there are no nested
 * page faults in this mode, this is where MMIO is found and handed to the
 * same decoder the nested-page-fault path uses. :*/
/**
 * lg_exit_pf() - handle an intercepted #PF (shadow paging only).
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_pf(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u64 gva = c->exit_info_2;
	u32 access = c->exit_info_1;
	struct lg_gwalk w;
	int ret;

	if (!vcpu->shadow) {
		kill_guest(vcpu->lg, "#PF intercept without shadow paging (address 0x%llx, error 0x%x)",
			   gva, access);
		return LG_EXIT_CONTINUE;
	}
	vcpu->shadow->faults++;
	if (access & X86_PF_RSVD) {
		kill_guest(vcpu->lg, "shadow paging: reserved-bit fault on our own entry for 0x%llx (error 0x%x, rip 0x%llx)",
			   gva, access, vcpu->vmcb->save.rip);
		return LG_EXIT_CONTINUE;
	}
	if (!(vcpu->guest_cr0 & X86_CR0_PG)) {
		struct page *page;

		/* Paging off: linear is physical, below 4 GiB in legacy mode. */
		if (gva >> 32) {
			kill_guest(vcpu->lg, "shadow paging: fault at 0x%llx above 4 GiB with paging off (rip 0x%llx)",
				   gva, vcpu->vmcb->save.rip);
			return LG_EXIT_CONTINUE;
		}
		if (!lg_gpa_range_ok(vcpu->lg, gva, 1))
			return lg_mmio_exit(vcpu, gva);
		if (lg_mem_populate(vcpu->lg, gva, 1))
			return LG_EXIT_CONTINUE;	/* killed, or a fatal signal */
		page = lg_gpa_page(vcpu->lg, gva);
		lg_shadow_np_fill(vcpu, gva, page);
		return LG_EXIT_CONTINUE;
	}
	ret = lg_shadow_walk(vcpu, gva, access, &w);
	if (ret < 0)
		return LG_EXIT_CONTINUE;
	if (ret > 0) {
		lg_shadow_inject_pf(vcpu, gva, w.err);
		return LG_EXIT_CONTINUE;
	}
	if (!lg_gpa_range_ok(vcpu->lg, w.gpa, 1)) {
		vcpu->shadow->mmio++;
		return lg_mmio_exit(vcpu, w.gpa);
	}
	lg_shadow_fill(vcpu, gva, access, &w);
	return LG_EXIT_CONTINUE;
}

/*
 * Drop the translation of @gva from the tree under the root table @table:
 * its leaf, or the whole splintered large page it lies in.
 */
static void lg_shadow_drop_gva(struct lg_vcpu *vcpu, u64 *table, u64 gva)
{
	int level;

	for (level = 4; level > 1; level--) {
		u64 *e = &table[(gva >> (12 + 9 * (level - 1))) & 511];

		if (!(*e & _PAGE_PRESENT))
			return;
		if (*e & SPTE_SPLINTER) {
			lg_shadow_zap(vcpu->shadow, e, level);
			lg_flush_guest_tlb(vcpu);
			return;
		}
		table = phys_to_virt(*e & PTE_ADDR);
	}
	if (table[(gva >> 12) & 511] & _PAGE_PRESENT) {
		table[(gva >> 12) & 511] = 0;
		lg_hw->flush_gva(vcpu, gva);
	}
}

/**
 * lg_shadow_invlpg() - INVLPG for @gva, global or not (APM vol. 3,
 *	INVLPG): from the current root, and from the shared global tables
 *	when this root's slot is its own.  Other roots may keep theirs: a CR3
 *	write, and its comparison with the guest's tables, comes before the
 *	guest can use them again.
 * @vcpu: the vCPU.
 * @gva: the address.
 */
void lg_shadow_invlpg(struct lg_vcpu *vcpu, u64 gva)
{
	struct lg_shadow *sh = vcpu->shadow;

	sh->invlpgs++;
	lg_shadow_drop_gva(vcpu, sh->cur->pml4, gva);
	if (test_bit((gva >> 39) & 511, sh->cur->private))
		lg_shadow_drop_gva(vcpu, sh->global, gva);
}
