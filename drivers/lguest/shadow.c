// SPDX-License-Identifier: GPL-2.0
/*
 * shadow.c - running a guest without nested paging: the choice of paging
 * mode (the paging= parameter, the per-guest LGUEST_CREATE flags), and the
 * shadow MMU, a virtual TLB of host-owned page tables filled from the
 * guest's own 4-level tables on #PF and emptied on CR3 writes, INVLPG and
 * changes of the bits that govern translation (APM vol. 2, 5 and 15.9-15.12).
 */
#include "lg.h"
#include "insn.h"

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/trap_pf.h>
#include <asm/trapnr.h>

/*
 * Long-mode page-table entries (APM vol. 2, 5.4 and 5.6) use the kernel's
 * _PAGE_* bits; #PF error codes (APM vol. 2, 8.4.2) its X86_PF_* bits.
 * The address field is architectural, whatever the host's physical mask.
 */
#define PTE_ADDR	GENMASK_ULL(51, 12)
/* A software bit of ours (APM 5.4.1 "AVL"): this shadow entry splinters a guest large page. */
#define SPTE_SPLINTER	BIT_ULL(9)
#define SPTE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

/* The memory types of the PAT (APM vol. 2, 7.8.1). */
#define LG_MT_UC	0

/* What the administrator chose: auto, npt or shadow (see lg_paging_mode()). */
static int lg_paging_param = LGUEST_PAGING_AUTO;

static int lg_paging_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "auto"))
		lg_paging_param = LGUEST_PAGING_AUTO;
	else if (sysfs_streq(val, "npt"))
		lg_paging_param = LGUEST_PAGING_NPT;
	else if (sysfs_streq(val, "shadow"))
		lg_paging_param = LGUEST_PAGING_SHADOW;
	else
		return -EINVAL;
	return 0;
}

static int lg_paging_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", lg_paging_name(lg_paging_param));
}

static const struct kernel_param_ops lg_paging_ops = {
	.set = lg_paging_set,
	.get = lg_paging_get,
};
module_param_cb(paging, &lg_paging_ops, NULL, 0644);
MODULE_PARM_DESC(paging, "default paging mode of new guests: auto (nested paging if the CPU has it), npt or shadow");

static unsigned int shadow_pages = 1024;
module_param(shadow_pages, uint, 0644);
MODULE_PARM_DESC(shadow_pages, "shadow page tables per shadow-paged guest, each with a page of snapshots (16-65536, default 1024)");

/**
 * lg_paging_name() - the name of a paging mode, as the parameter spells it.
 * @mode: an %LGUEST_PAGING_ value.
 *
 * Return: "auto", "npt", "shadow", "default", or "unavailable" for an
 * error from lg_paging_mode().
 */
const char *lg_paging_name(int mode)
{
	if (mode < 0)
		return "unavailable";
	switch (mode) {
	case LGUEST_PAGING_NPT: return "npt";
	case LGUEST_PAGING_SHADOW: return "shadow";
	case LGUEST_PAGING_AUTO: return "auto";
	}
	return "default";
}

/*T:550 Nested paging is the fast way to run a guest, but not the only one:
 * the ancestor ran for years on shadow page tables, and a CPU without NPT
 * (or a tester who wants to compare) still deserves a guest.  Each guest
 * picks its mode when it is created: the launcher's --paging, or else the
 * module's paging= parameter, whose "auto" means nested paging whenever
 * the CPU has it.  Asking for NPT on a CPU without it is an error, not a
 * silent downgrade. :*/
/**
 * lg_paging_mode() - the paging mode a new guest gets.
 * @flags: &struct lguest_create.flags (its paging bits).
 *
 * Return: %LGUEST_PAGING_NPT or %LGUEST_PAGING_SHADOW, or -EOPNOTSUPP.
 */
int lg_paging_mode(u32 flags)
{
	int mode = flags & LGUEST_CREATE_PAGING_MASK;

	if (mode == LGUEST_PAGING_DEFAULT)
		mode = READ_ONCE(lg_paging_param);
	if (mode == LGUEST_PAGING_AUTO)
		mode = boot_cpu_has(X86_FEATURE_NPT) ? LGUEST_PAGING_NPT :
						       LGUEST_PAGING_SHADOW;
	if (mode == LGUEST_PAGING_NPT && !boot_cpu_has(X86_FEATURE_NPT))
		return -EOPNOTSUPP;
	return mode;
}

/* Guest address spaces whose shadows are kept (a small cache, like the ancestor's). */
#define LG_SHADOW_ROOTS	8

/**
 * struct lg_shadow_root - the shadow of one guest address space.
 * @pml4: the root table the hardware's CR3 points at while this address
 *	space runs; like every shadow table, two pages: 512 entries, then
 *	512 snapshots of the guest entries they were built from.
 * @key: the guest CR3 (its address bits) this root shadows.
 * @stamp: when it was last used (least recently used goes first).
 * @private: the slots with a subtree of this root's own; the others
 *	point into the subtrees of global translations all roots share.
 */
struct lg_shadow_root {
	u64 *pml4;
	u64 key;
	unsigned long stamp;
	DECLARE_BITMAP(private, 512);
};

/**
 * struct lg_shadow - a guest's shadow MMU: a bounded pool of page-table
 *	pages and the roots of the address spaces it shadows.
 * @roots: the cached address spaces.  @cur: the one the guest runs in.
 * @global: a root table holding only global translations (G, with
 *	CR4.PGE), whose subtrees every root shares in its non-private slots.
 * @tables: the pool's tables (kernel addresses, two pages each).
 * @np_root: while the guest's paging is off: the PAE page-directory-pointer
 *	table (below 4 GiB, as legacy CR3 must be) of an identity map of RAM.
 * @cr4_nopae: while paging is off the hardware's CR4.PAE is ours (for
 *	@np_root); this says the guest's own CR4 has PAE clear.
 * @free: a stack of the pool's tables not in any tree.
 * @nr: tables in the pool.  @nr_free: tables on @free.  @clock: for @stamp.
 * @faults: @fills: @guest_faults: @mmio: @flushes: @invlpgs: @cr_exits:
 *	@cr3_writes: @root_hits: @root_misses: @sync_zaps: @global_flushes:
 *	counters for debugfs.
 */
struct lg_shadow {
	struct lg_shadow_root roots[LG_SHADOW_ROOTS];
	struct lg_shadow_root *cur;
	u64 *global;
	u64 **tables;
	u64 *np_root;
	bool cr4_nopae;
	u64 **free;
	unsigned int nr, nr_free;
	unsigned long clock;
	unsigned long faults, fills, guest_faults, mmio, flushes, invlpgs, cr_exits;
	unsigned long cr3_writes, root_hits, root_misses, sync_zaps, global_flushes;
};

/* A shadow table's snapshots of the guest entries: its second page. */
static inline u64 *lg_snap(u64 *table)
{
	return table + 512;
}

#define LG_SHADOW_ORDER	1	/* a table and its snapshots */

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

static void lg_shadow_read_host_pat(void)
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
 * @lg: the guest, being created.
 *
 * Return: 0 or -ENOMEM (lg_shadow_free() cleans up).
 */
int lg_shadow_create(struct lguest *lg)
{
	unsigned int i, nr = clamp(READ_ONCE(shadow_pages), 16U, 65536U);
	struct lg_shadow *sh;

	lg_shadow_read_host_pat();
	sh = kzalloc(sizeof(*sh), GFP_KERNEL_ACCOUNT);
	if (!sh)
		return -ENOMEM;
	lg->shadow = sh;
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
 * @lg: the guest.
 */
void lg_shadow_free(struct lguest *lg)
{
	struct lg_shadow *sh = lg->shadow;
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
	lg->shadow = NULL;
}

/**
 * lg_shadow_pages() - pages the shadow MMU holds (for overhead_bytes).
 * @lg: the guest.
 *
 * Return: the pool's size in pages, or 0 without shadow paging.
 */
unsigned long lg_shadow_pages(const struct lguest *lg)
{
	if (!lg->shadow)
		return 0;
	return ((unsigned long)lg->shadow->nr + LG_SHADOW_ROOTS + 1) <<
	       LG_SHADOW_ORDER | 1;
}

/**
 * lg_shadow_show() - the shadow MMU's state and counters, for debugfs.
 * @lg: the guest.
 * @m: the file.
 */
void lg_shadow_show(struct lguest *lg, struct seq_file *m)
{
	const struct lg_shadow *sh = lg->shadow;

	if (!sh)
		return;
	seq_printf(m, "shadow_pages %u\nshadow_used %u\nshadow_faults %lu\nshadow_fills %lu\nshadow_guest_faults %lu\nshadow_mmio %lu\nshadow_flushes %lu\nshadow_cr3_writes %lu\nshadow_root_hits %lu\nshadow_root_misses %lu\nshadow_sync_zaps %lu\nshadow_global_flushes %lu\nshadow_invlpgs %lu\nshadow_cr_exits %lu\nguest_cr0 0x%llx\nguest_cr3 0x%llx\n",
		   sh->nr, sh->nr - READ_ONCE(sh->nr_free), sh->faults, sh->fills,
		   sh->guest_faults, sh->mmio, sh->flushes, sh->cr3_writes,
		   sh->root_hits, sh->root_misses, sh->sync_zaps, sh->global_flushes,
		   sh->invlpgs, sh->cr_exits, lg->guest_cr0, lg->guest_cr3);
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
 * @lg: the guest.
 */
void lg_shadow_flush(struct lguest *lg)
{
	struct lg_shadow *sh = lg->shadow;

	if (!sh)
		return;
	lg_shadow_reset(sh);
	sh->flushes++;
	lg_flush_guest_tlb(lg);
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
 * Forget the guest's translation of @gva in the hardware TLB (APM vol. 3,
 * INVLPGA).  The exit handler is preemptible, so this CPU need not be the
 * one the guest ran on and will run on again: there, a flush of the whole
 * ASID at the next VMRUN does it instead.  (A guest moving to a CPU other
 * than its last is flushed at VMRUN anyway, see lg_enter_guest().)
 */
static void lg_shadow_invlpga(struct lguest *lg, u64 gva)
{
	if (get_cpu() == lg->last_cpu)
		asm volatile("invlpga %0, %1" : : "a"(gva), "c"(lg->asid) : "memory");
	else
		lg_flush_guest_tlb(lg);
	put_cpu();
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
static void lg_shadow_sync_table(struct lguest *lg, u64 *table, int level,
				 u64 gtable, const unsigned long *slots)
{
	struct lg_shadow *sh = lg->shadow;
	struct page *page = lg_gpa_page(lg, gtable);
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
			lg_shadow_sync_table(lg, phys_to_virt(table[i] & PTE_ADDR),
					     level - 1, gpte & PTE_ADDR, NULL);
	}
}

/*
 * A change of CR4.PGE flushes the whole TLB, global entries included (APM
 * vol. 2, 5.5.2); Linux toggles it to flush kernel mappings.  The shared
 * global tables go; the current root is compared with the guest's tables
 * (as a CR3 write would), so its own entries stay only if still true.  The
 * other roots are compared when the guest switches to them.
 */
static void lg_shadow_flush_global(struct lguest *lg)
{
	struct lg_shadow *sh = lg->shadow;
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
	lg_shadow_sync_table(lg, sh->cur->pml4, 4, lg->guest_cr3 & PTE_ADDR,
			     sh->cur->private);
	lg_flush_guest_tlb(lg);
}

/* The hardware's CR3 for the guest: the current root, or the identity map. */
static void lg_shadow_set_hw_cr3(struct lguest *lg)
{
	struct lg_shadow *sh = lg->shadow;

	lg->vmcb->save.cr3 = lg->guest_cr0 & X86_CR0_PG ?
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
static void lg_shadow_new_cr3(struct lguest *lg)
{
	struct lg_shadow *sh = lg->shadow;
	u64 key = lg->guest_cr3 & PTE_ADDR;
	struct lg_shadow_root *r, *victim = NULL;
	unsigned int slot;

	sh->cr3_writes++;
	for (r = sh->roots; r < sh->roots + LG_SHADOW_ROOTS; r++) {
		if (r->key == key && r->stamp) {
			sh->root_hits++;
			lg_shadow_sync_table(lg, r->pml4, 4, key, r->private);
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
	lg_shadow_set_hw_cr3(lg);
	lg_flush_guest_tlb(lg);
}

/**
 * lg_shadow_hw_cr0() - the CR0 the hardware runs a shadow-paged guest with.
 * @guest_cr0: the guest's CR0.
 *
 * Paging is always on (our tables), and so is WP: a guest running with
 * WP clear has it emulated in the shadow entries (see lg_shadow_fill()).
 * PE is the guest's: with paging off it may be in real mode, which SVM
 * runs as "paged real mode" (PG without PE is refused only with EFER.LME,
 * APM vol. 2, 15.5.1).
 *
 * Return: the value for the VMCB.
 */
static u64 lg_shadow_hw_cr0(u64 guest_cr0)
{
	return guest_cr0 | X86_CR0_PG | X86_CR0_WP;
}

/*T:580 Linux leaves the building the way a PC does: to reboot it turns
 * paging off, drops to real mode and jumps to the reset vector, where the
 * launcher's four-instruction "firmware" writes the ACPI reset register.
 * Under shadow paging the hardware may never run with paging off (it would
 * then reach host memory), so a guest without paging runs on an identity
 * map of its RAM built on demand, in the legacy PAE format: the hardware
 * is in legacy mode (EFER.LME clear, whatever the guest's EFER says) with
 * PG set and PE as the guest has it.  Paging back on is supported into
 * long mode only, the one paging mode the shadow MMU speaks. :*/
static void lg_shadow_paging_off(struct lguest *lg)
{
	struct vmcb_save_area *s = &lg->vmcb->save;

	lg->guest_efer &= ~EFER_LMA;
	s->efer = lg->guest_efer & ~(EFER_LME | EFER_LMA);
	s->cr3 = __pa(lg->shadow->np_root);
	lg_shadow_flush(lg);
}

static void lg_shadow_paging_on(struct lguest *lg)
{
	struct vmcb_save_area *s = &lg->vmcb->save;

	lg->guest_efer |= EFER_LMA;
	s->efer = lg->guest_efer;
	lg_shadow_flush(lg);
	lg_shadow_set_hw_cr3(lg);
}

/**
 * lg_shadow_set_efer() - the guest writes EFER (checked by the caller).
 * @lg: the guest, with shadow paging.
 * @val: the new value; LMA is ours to set, as the CPU's is.
 */
void lg_shadow_set_efer(struct lguest *lg, u64 val)
{
	struct vmcb_save_area *s = &lg->vmcb->save;
	u64 old = lg->guest_efer;

	lg->guest_efer = (val & ~(u64)EFER_LMA) | (old & EFER_LMA) | EFER_SVME;
	if (lg->guest_cr0 & X86_CR0_PG)
		s->efer = lg->guest_efer;
	else
		s->efer = lg->guest_efer & ~(EFER_LME | EFER_LMA);
	if ((old ^ val) & EFER_NX)
		lg_shadow_flush(lg);	/* NX bits change meaning */
}

/* A 4 KiB identity-map entry for @gva while the guest's paging is off. */
static void lg_shadow_np_fill(struct lguest *lg, u64 gva, struct page *page)
{
	struct lg_shadow *sh = lg->shadow;
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
	lg_shadow_flush(lg);
}

/**
 * lg_shadow_vmcb_init() - set up a new VMCB for shadow paging: no nested
 *	paging; intercept CR0 and CR3 reads and writes, CR4 writes, INVLPG
 *	and #PF (APM vol. 2, 15.9-15.12); the hardware's CR3 is our root.
 * @lg: the guest, with its VMCB and shadow MMU.
 *
 * Until the launcher sets a long-mode state the guest's paging is off: the
 * hardware still runs with paging on, through the identity map of guest
 * RAM (lg_shadow_np_fill()), so it never reaches host memory.
 */
void lg_shadow_vmcb_init(struct lguest *lg)
{
	struct vmcb_control_area *c = &lg->vmcb->control;
	struct vmcb_save_area *s = &lg->vmcb->save;

	c->nested_ctl = 0;
	c->nested_cr3 = 0;
	c->intercepts[INTERCEPT_CR] |= BIT(INTERCEPT_CR0_READ) |
		BIT(INTERCEPT_CR3_READ) | BIT(INTERCEPT_CR0_WRITE) |
		BIT(INTERCEPT_CR3_WRITE) | BIT(INTERCEPT_CR4_WRITE);
	c->intercepts[INTERCEPT_EXCEPTION] |= BIT(X86_TRAP_PF);
	c->intercepts[INTERCEPT_INVLPG / 32] |= BIT(INTERCEPT_INVLPG % 32);
	/* The reset state has paging off: the identity map, legacy PAE. */
	s->cr4 |= X86_CR4_PAE;
	lg->guest_cr0 = s->cr0;
	lg->guest_cr3 = 0;
	lg->guest_efer = s->efer;
	s->cr0 = lg_shadow_hw_cr0(s->cr0);
	s->cr3 = __pa(lg->shadow->np_root);
}

/**
 * lg_shadow_sregs_ok() - can a shadow-paged guest start in this state?
 * @lg: the guest.
 * @cr0: @cr4: @efer: what the launcher asks for.
 *
 * The shadow MMU speaks one paging mode, 4-level long mode; a guest may
 * also start with paging off (a Multiboot image enters in 32-bit protected
 * mode without paging, as a PC's reset state has it) and turn long mode on
 * itself, which lg_shadow_write_cr0() allows.
 *
 * Return: true under NPT, for long mode with paging on, or for paging off
 * without EFER.LME.
 */
bool lg_shadow_sregs_ok(struct lguest *lg, u64 cr0, u64 cr4, u64 efer)
{
	if (!lg->shadow)
		return true;
	if (cr4 & (X86_CR4_LA57 | X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP))
		return false;
	if (!(cr0 & X86_CR0_PG))
		return !(efer & EFER_LME);
	return (cr4 & X86_CR4_PAE) && (efer & EFER_LMA);
}

/**
 * lg_shadow_load_cr() - after LGUEST_SET_SREGS wrote the guest's CR0 and
 *	CR3 into the VMCB, keep them as the guest's and give the hardware
 *	ours instead.  No-op under NPT.
 * @lg: the guest.
 */
void lg_shadow_load_cr(struct lguest *lg)
{
	struct vmcb_save_area *s = &lg->vmcb->save;

	if (!lg->shadow)
		return;
	lg->guest_cr0 = s->cr0;
	lg->guest_cr3 = s->cr3;
	lg->guest_efer = s->efer;
	s->cr0 = lg_shadow_hw_cr0(s->cr0);
	lg_shadow_flush(lg);
	lg->shadow->cr4_nopae = !(s->cr4 & X86_CR4_PAE);
	if (!(lg->guest_cr0 & X86_CR0_PG)) {
		/* As at reset: the identity map, in legacy PAE format. */
		s->cr4 |= X86_CR4_PAE;
		lg_shadow_paging_off(lg);
		return;
	}
	lg_shadow_new_cr3(lg);
}

/* Reserved bits of a guest entry at @level (APM vol. 2, 5.3.3 and 5.4). */
static u64 lg_gpte_rsvd(struct lguest *lg, u64 gpte, int level)
{
	u64 rsvd = GENMASK_ULL(51, boot_cpu_data.x86_phys_bits);

	if (!(lg->vmcb->save.efer & EFER_NX))
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
 * @user: @write: @nx: the permissions of all levels combined.
 * @up_user: @up_write: @up_nx: those of the levels above the leaf.
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
static int lg_shadow_walk(struct lguest *lg, u64 gva, u32 access,
			  struct lg_gwalk *w)
{
	bool wp = lg->guest_cr0 & X86_CR0_WP;
	bool nxe = lg->vmcb->save.efer & EFER_NX;
	u64 table = lg->guest_cr3 & PTE_ADDR;
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

		page = lg_gpa_page(lg, gpte_gpa);
		if (!page) {
			kill_guest(lg, "shadow paging: level-%d page table at guest-physical 0x%llx is outside RAM (translating 0x%llx, cr3 0x%llx, rip 0x%llx)",
				   level, table, gva, lg->guest_cr3, lg->vmcb->save.rip);
			return -EFAULT;
		}
		w->ptep[level - 1] = page_address(page) + offset_in_page(gpte_gpa);
		gpte = READ_ONCE(*w->ptep[level - 1]);
		w->gpte[level - 1] = gpte;
		if (!(gpte & _PAGE_PRESENT)) {
			w->err = pf;
			return 1;
		}
		if (lg_gpte_rsvd(lg, gpte, level)) {
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

/* Set Accessed in every level, and Dirty in the leaf for a write (APM 5.4.2). */
static void lg_shadow_set_ad(struct lg_gwalk *w, bool write)
{
	int level;

	for (level = 4; level >= w->level; level--) {
		u64 set = _PAGE_ACCESSED | (write && level == w->level ? _PAGE_DIRTY : 0);

		if ((w->gpte[level - 1] & set) != set) {
			w->gpte[level - 1] |= set;
			WRITE_ONCE(*w->ptep[level - 1], w->gpte[level - 1]);
		}
	}
}

/*
 * The memory type the guest's PAT gives its leaf entry, re-expressed as
 * an index into the host's PAT (which the hardware uses without nested
 * paging, APM 15.25.8): PAT/PCD/PWT bits for the shadow entry.  A type
 * the host's PAT lacks becomes UC, which is never wrong for correctness.
 */
static u64 lg_shadow_memtype(struct lguest *lg, u64 gpte, int level)
{
	unsigned int gidx, type;
	int hidx;

	gidx = (gpte & _PAGE_PWT ? 1 : 0) | (gpte & _PAGE_PCD ? 2 : 0) |
	       (gpte & (level == 1 ? _PAGE_PAT : _PAGE_PAT_LARGE) ? 4 : 0);
	type = (lg->vmcb->save.g_pat >> (gidx * 8)) & 7;
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
static int lg_shadow_install(struct lguest *lg, u64 gva, u64 spte,
			     const struct lg_gwalk *w, bool global,
			     u64 *old, u64 **spt)
{
	struct lg_shadow *sh = lg->shadow;
	struct lg_shadow_root *r = sh->cur;
	unsigned int slot = (gva >> 39) & 511, i;
	bool shared = global && !test_bit(slot, r->private);
	u64 *table = shared ? sh->global : r->pml4;
	int level;

	if (!shared && !__test_and_set_bit(slot, r->private)) {
		/* The slot leaves the shared subtree, for this root only. */
		r->pml4[slot] = 0;
		lg_flush_guest_tlb(lg);
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
			lg_flush_guest_tlb(lg);
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
static void lg_shadow_prefetch(struct lguest *lg, u64 gva,
			       const struct lg_gwalk *w, bool global, u64 *spt)
{
	bool nxe = lg->vmcb->save.efer & EFER_NX;
	bool pge = lg->vmcb->save.cr4 & X86_CR4_PGE;
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
			    lg_gpte_rsvd(lg, gpte, 1))
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
		    !test_bit((gva >> 39) & 511, lg->shadow->cur->private))
			continue;
		page = lg_gpa_page(lg, gpa);
		if (!page)
			continue;	/* device memory: every access must exit */
		spte = page_to_phys(page) | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY |
		       lg_shadow_memtype(lg, gpte, w->level);
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
static int lg_shadow_fill(struct lguest *lg, u64 gva, u32 access,
			  struct lg_gwalk *w)
{
	struct lg_shadow *sh = lg->shadow;
	bool write = access & X86_PF_WRITE, user = access & X86_PF_USER, global;
	struct page *page;
	u64 spte, old, *spt;
	int err;

	page = lg_gpa_page(lg, w->gpa);
	if (WARN_ON_ONCE(!page))
		return -EFAULT;
	lg_shadow_set_ad(w, write);
	spte = page_to_phys(page) | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY |
	       lg_shadow_memtype(lg, w->gpte[w->level - 1], w->level);
	if (w->user)
		spte |= _PAGE_USER;
	if (w->nx)
		spte |= _PAGE_NX;
	if (w->write && (w->gpte[w->level - 1] & _PAGE_DIRTY))
		spte |= _PAGE_RW;
	if (write && !w->write && !user && !(lg->guest_cr0 & X86_CR0_WP))
		spte = (spte | _PAGE_RW) & ~_PAGE_USER;

	global = (w->gpte[w->level - 1] & _PAGE_GLOBAL) &&
		 (lg->vmcb->save.cr4 & X86_CR4_PGE);
	err = lg_shadow_install(lg, gva, spte, w, global, &old, &spt);
	if (err == -ENOSPC) {
		lg_shadow_flush(lg);
		err = lg_shadow_install(lg, gva, spte, w, global, &old, &spt);
	}
	if (WARN_ON_ONCE(err))
		return err;
	sh->fills++;
	/* Replacing a live entry: the TLB may hold the old one (APM 15.16.2). */
	if (old & _PAGE_PRESENT)
		lg_shadow_invlpga(lg, gva);
	lg_shadow_prefetch(lg, gva, w, global, spt);
	return 0;
}

/* Deliver #PF to the guest, or #DF/shutdown if it met one while delivering. */
static void lg_shadow_inject_pf(struct lguest *lg, u64 gva, u32 err)
{
	struct vmcb_control_area *c = &lg->vmcb->control;
	u32 prior = c->event_inj;

	lg->shadow->guest_faults++;
	if ((prior & SVM_EVTINJ_VALID) &&
	    (prior & SVM_EVTINJ_TYPE_MASK) == SVM_EVTINJ_TYPE_EXEPT) {
		u8 vec = prior & SVM_EVTINJ_VEC_MASK;

		if (vec == X86_TRAP_DF) {
			kill_guest(lg, "triple fault: #PF at 0x%llx (error 0x%x) while delivering #DF, rip 0x%llx",
				   gva, err, lg->vmcb->save.rip);
			return;
		}
		/* #PF during #PF or a contributory fault: #DF (APM 8.2.9). */
		if (vec == X86_TRAP_PF || vec == X86_TRAP_DE ||
		    (vec >= X86_TRAP_TS && vec <= X86_TRAP_GP)) {
			lg_inject_exception(lg, X86_TRAP_DF, true, 0);
			return;
		}
	}
	lg->vmcb->save.cr2 = gva;
	lg_inject_exception(lg, X86_TRAP_PF, true, err);
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
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_pf(struct lguest *lg)
{
	struct vmcb_control_area *c = &lg->vmcb->control;
	u64 gva = c->exit_info_2;
	u32 access = c->exit_info_1;
	struct lg_gwalk w;
	int ret;

	if (!lg->shadow) {
		kill_guest(lg, "#PF intercept without shadow paging (address 0x%llx, error 0x%x)",
			   gva, access);
		return LG_EXIT_CONTINUE;
	}
	lg->shadow->faults++;
	if (access & X86_PF_RSVD) {
		kill_guest(lg, "shadow paging: reserved-bit fault on our own entry for 0x%llx (error 0x%x, rip 0x%llx)",
			   gva, access, lg->vmcb->save.rip);
		return LG_EXIT_CONTINUE;
	}
	if (!(lg->guest_cr0 & X86_CR0_PG)) {
		struct page *page = lg_gpa_page(lg, gva);

		/* Paging off: linear is physical, below 4 GiB in legacy mode. */
		if (gva >> 32) {
			kill_guest(lg, "shadow paging: fault at 0x%llx above 4 GiB with paging off (rip 0x%llx)",
				   gva, lg->vmcb->save.rip);
			return LG_EXIT_CONTINUE;
		}
		if (!page)
			return lg_mmio_exit(lg, gva);
		lg_shadow_np_fill(lg, gva, page);
		return LG_EXIT_CONTINUE;
	}
	ret = lg_shadow_walk(lg, gva, access, &w);
	if (ret < 0)
		return LG_EXIT_CONTINUE;
	if (ret > 0) {
		lg_shadow_inject_pf(lg, gva, w.err);
		return LG_EXIT_CONTINUE;
	}
	if (!lg_gpa_range_ok(lg, w.gpa, 1)) {
		lg->shadow->mmio++;
		return lg_mmio_exit(lg, w.gpa);
	}
	lg_shadow_fill(lg, gva, access, &w);
	return LG_EXIT_CONTINUE;
}

/*
 * Drop the translation of @gva from the tree under the root table @table:
 * its leaf, or the whole splintered large page it lies in.
 */
static void lg_shadow_drop_gva(struct lguest *lg, u64 *table, u64 gva)
{
	int level;

	for (level = 4; level > 1; level--) {
		u64 *e = &table[(gva >> (12 + 9 * (level - 1))) & 511];

		if (!(*e & _PAGE_PRESENT))
			return;
		if (*e & SPTE_SPLINTER) {
			lg_shadow_zap(lg->shadow, e, level);
			lg_flush_guest_tlb(lg);
			return;
		}
		table = phys_to_virt(*e & PTE_ADDR);
	}
	if (table[(gva >> 12) & 511] & _PAGE_PRESENT) {
		table[(gva >> 12) & 511] = 0;
		lg_shadow_invlpga(lg, gva);
	}
}

/*
 * INVLPG for @gva, global or not (APM vol. 3, INVLPG): from the current
 * root, and from the shared global tables when this root's slot is its own.
 * Other roots may keep theirs: a CR3 write, and its comparison with the
 * guest's tables, comes before the guest can use them again.
 */
static void lg_shadow_invlpg(struct lguest *lg, u64 gva)
{
	struct lg_shadow *sh = lg->shadow;

	sh->invlpgs++;
	lg_shadow_drop_gva(lg, sh->cur->pml4, gva);
	if (test_bit((gva >> 39) & 511, sh->cur->private))
		lg_shadow_drop_gva(lg, sh->global, gva);
}

/**
 * lg_exit_invlpg() - handle an intercepted INVLPG (shadow paging only).
 * @lg: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_invlpg(struct lguest *lg)
{
	struct vmcb_control_area *c = &lg->vmcb->control;
	const struct vmcb_save_area *s = &lg->vmcb->save;
	struct lg_insn_mem mem;
	u8 code[LG_INSN_MAX_LEN];
	unsigned int avail;
	u64 gva;
	int len;

	if (!lg->shadow) {
		kill_guest(lg, "INVLPG intercept without shadow paging");
		return LG_EXIT_CONTINUE;
	}
	if (boot_cpu_has(X86_FEATURE_DECODEASSISTS) &&
	    boot_cpu_has(X86_FEATURE_NRIPS) && c->next_rip) {
		lg_shadow_invlpg(lg, c->exit_info_1);
		lg_advance_rip(lg, 0, true);
		return LG_EXIT_CONTINUE;
	}
	avail = lg_read_rip_insn(lg, code);
	if (!avail)
		return LG_EXIT_CONTINUE;
	len = lg_insn_decode_invlpg(code, avail, &mem);
	if (len < 0) {
		kill_guest(lg, "cannot decode INVLPG at rip 0x%llx (%*ph, error %d)",
			   s->rip, avail, code, len);
		return LG_EXIT_CONTINUE;
	}
	/* The effective address of APM vol. 3, 1.4 (64-bit mode). */
	gva = mem.disp;
	if (mem.rip_rel)
		gva += s->rip + len;
	if (mem.base >= 0)
		gva += lg_gpr_read(lg, mem.base);
	if (mem.index >= 0)
		gva += lg_gpr_read(lg, mem.index) << mem.scale;
	if (mem.addr32)
		gva = (u32)gva;
	if (mem.seg == 4)
		gva += s->fs.base;
	else if (mem.seg == 5)
		gva += s->gs.base;
	lg_shadow_invlpg(lg, gva);
	lg_advance_rip(lg, len, true);
	return LG_EXIT_CONTINUE;
}

/**
 * lg_shadow_count_cr_exit() - count a control-register exit (debugfs).
 * @lg: the guest; nothing is counted under nested paging.
 */
void lg_shadow_count_cr_exit(struct lguest *lg)
{
	if (lg->shadow)
		lg->shadow->cr_exits++;
}

/**
 * lg_shadow_write_cr0() - MOV to CR0 under shadow paging (APM vol. 2,
 *	3.1.1): the guest's view and the hardware's.
 * @lg: the guest.
 * @val: the value written; a bad one is #GP.
 */
void lg_shadow_write_cr0(struct lguest *lg, u64 val)
{
	u64 changed;

	val |= X86_CR0_ET;
	if (val >> 32 || ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
	    ((val & X86_CR0_PG) && !(val & X86_CR0_PE))) {
		lg_cr_gp(lg, "cr0 write", val);
		return;
	}
	changed = val ^ lg->guest_cr0;
	/* Activating long mode with CS.L set is #GP (APM vol. 2, 14.6.1). */
	if ((changed & X86_CR0_PG) && (val & X86_CR0_PG) &&
	    (lg->guest_efer & EFER_LME) &&
	    (lg->vmcb->save.cs.attrib & SVM_SELECTOR_L_MASK)) {
		lg_cr_gp(lg, "cr0 write (long mode with CS.L set)", val);
		return;
	}
	if ((changed & X86_CR0_PG) && (val & X86_CR0_PG) &&
	    (!(lg->guest_efer & EFER_LME) || lg->shadow->cr4_nopae)) {
		kill_guest(lg, "shadow paging: the guest turned on legacy (non-long-mode) paging (cr0 0x%llx, efer 0x%llx) at rip 0x%llx; only 4-level long mode is supported",
			   val, lg->guest_efer, lg->vmcb->save.rip);
		return;
	}
	/* Leaving long mode is only allowed from compatibility mode (APM 14.7). */
	if ((changed & X86_CR0_PG) && !(val & X86_CR0_PG) &&
	    (lg->vmcb->save.cs.attrib & SVM_SELECTOR_L_MASK)) {
		lg_cr_gp(lg, "cr0 write (paging off in 64-bit mode)", val);
		return;
	}
	lg->guest_cr0 = val;
	lg->vmcb->save.cr0 = lg_shadow_hw_cr0(val);
	if (changed & X86_CR0_PG) {
		if (val & X86_CR0_PG)
			lg_shadow_paging_on(lg);
		else
			lg_shadow_paging_off(lg);
	} else if (changed & X86_CR0_WP) {
		lg_shadow_flush(lg);
	}
}

/**
 * lg_shadow_write_cr4() - MOV to CR4 under shadow paging (APM vol. 2,
 *	3.1.3), checked against what we offer.
 * @lg: the guest.
 * @val: the value written; a bad one is #GP.
 */
void lg_shadow_write_cr4(struct lguest *lg, u64 val)
{
	struct vmcb_save_area *s = &lg->vmcb->save;
	bool paging = lg->guest_cr0 & X86_CR0_PG;
	u64 changed;

	/* PAE may go off only while paging is (long mode needs it). */
	if ((val & ~lg_cr4_allowed()) || (paging && !(val & X86_CR4_PAE))) {
		lg_cr_gp(lg, "cr4 write", val);
		return;
	}
	lg->shadow->cr4_nopae = !(val & X86_CR4_PAE);
	if (!paging)
		val |= X86_CR4_PAE;	/* ours, for the identity map */
	changed = val ^ s->cr4;
	s->cr4 = val;
	if (changed & (X86_CR4_PAE | X86_CR4_PSE))
		lg_shadow_flush(lg);
	else if (changed & X86_CR4_PGE)
		lg_shadow_flush_global(lg);
}

/**
 * lg_shadow_write_cr3() - MOV to CR3 under shadow paging (APM vol. 2,
 *	5.3.2): a new address space, so a flush.
 * @lg: the guest.
 * @val: the value written; reserved address bits are #GP.
 */
void lg_shadow_write_cr3(struct lguest *lg, u64 val)
{
	if (val & GENMASK_ULL(63, boot_cpu_data.x86_phys_bits)) {
		lg_cr_gp(lg, "cr3 write", val);
		return;
	}
	lg->guest_cr3 = val;
	lg_shadow_new_cr3(lg);
}
