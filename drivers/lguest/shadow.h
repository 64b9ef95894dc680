/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadow.h - the shadow MMU's state and the calls shadow_cr.c makes into
 * shadow.c; private to those two files (lg.h has what others may use).
 * Each vCPU has a shadow MMU of its own, touched only by its thread.
 */
#ifndef _LGUEST_SHADOW_H
#define _LGUEST_SHADOW_H

#include <linux/bitmap.h>
#include <linux/types.h>
#include <asm/pgtable_types.h>

/*
 * Long-mode page-table entries (APM vol. 2, 5.4 and 5.6) use the kernel's
 * _PAGE_* bits; #PF error codes (APM vol. 2, 8.4.2) its X86_PF_* bits.
 * The address field is architectural, whatever the host's physical mask.
 */
#define PTE_ADDR	GENMASK_ULL(51, 12)
/* A software bit of ours (APM 5.4.1 "AVL"): this shadow entry splinters a guest large page. */
#define SPTE_SPLINTER	BIT_ULL(9)
#define SPTE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

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
 * @roots: the cached address spaces.
 * @cur: the one the guest runs in.
 * @global: a root table holding only global translations (G, with
 *	CR4.PGE), whose subtrees every root shares in its non-private slots.
 * @tables: the pool's tables (kernel addresses, two pages each).
 * @np_root: while the guest's paging is off: the PAE page-directory-pointer
 *	table (below 4 GiB, as legacy CR3 must be) of an identity map of RAM.
 * @cr4_nopae: while paging is off the hardware's CR4.PAE is ours (for
 *	@np_root); this says the guest's own CR4 has PAE clear.
 * @free: a stack of the pool's tables not in any tree.
 * @nr: tables in the pool.
 * @nr_free: tables on @free.
 * @clock: the source of the roots' &lg_shadow_root.stamp values.
 * @faults: #PF intercepts.
 * @fills: shadow entries built.
 * @guest_faults: #PFs reflected to the guest.
 * @mmio: #PFs that hit an address outside guest RAM (MMIO).
 * @flushes: whole-shadow flushes.
 * @invlpgs: INVLPGs.
 * @cr_exits: control-register exits.
 * @cr3_writes: guest CR3 writes (and reloads).
 * @root_hits: CR3 writes that found their root kept.
 * @root_misses: CR3 writes that had to start a new root.
 * @sync_zaps: shadow entries dropped because the guest's entry had
 *	changed since they were built.
 * @global_flushes: flushes of the global translations (CR4.PGE changes).
 *
 * The counters, @faults to @global_flushes, are shown in debugfs.
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

void lg_shadow_new_cr3(struct lg_vcpu *vcpu);
void lg_shadow_set_hw_cr3(struct lg_vcpu *vcpu);
void lg_shadow_flush_global(struct lg_vcpu *vcpu);
void lg_shadow_invlpg(struct lg_vcpu *vcpu, u64 gva);

#endif /* _LGUEST_SHADOW_H */
