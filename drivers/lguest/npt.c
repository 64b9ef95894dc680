// SPDX-License-Identifier: GPL-2.0
/*
 * npt.c - nested paging: the second set of page tables, owned by the host,
 * that turns guest-physical addresses into host-physical ones while the
 * guest runs (AMD's NPT, APM vol. 2, 15.25; Intel's EPT, SDM vol. 3, 29.3).  They map guest RAM and nothing else, so
 * any other guest-physical access exits as a nested page fault and goes to
 * the MMIO dispatch (run.c).  They grow as RAM is first touched, a chunk at
 * a time (guest_mem.c), and never lose an entry while the guest lives.
 */
#include "lg.h"

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>

/*
 * Nested page-table entries use the long-mode format.  All guest accesses
 * are checked as user accesses (APM 15.25.5), so U must be set; memory
 * type comes from the host PAT via PAT/PCD/PWT = 0: write-back.  EPT
 * entries have read, write and execute in the same three bits and the
 * large-page bit in the same place (SDM vol. 3, tables 29-2 to 29-6), so
 * one builder serves both; an EPT leaf adds its memory type, WB, through
 * lg_hw->npte_leaf (bits 5:3, which NPT would read as PWT/PCD/A).
 */
#define NPTE_ADDR	GENMASK_ULL(51, 12)
/*
 * Tables grow while the guest runs, charged like its RAM: when the memory
 * cgroup is full that fails (and the guest is killed), rather than have
 * the OOM killer pick a process.
 */
#define LG_NPT_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
#define NPTE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

static u64 *lg_npt_table(u64 entry)
{
	return phys_to_virt(entry & NPTE_ADDR);
}

/*
 * Return the next-level table under *entry, allocating it if absent.  A new
 * table is all zeroes before the entry points at it (x86 stores are seen
 * in order), so a walk on another CPU finds either nothing or an empty
 * table: a nested page fault either way, and we are the one handling it.
 */
static u64 *lg_npt_next(struct lguest *lg, u64 *entry)
{
	struct page *page;

	if (*entry & _PAGE_PRESENT)
		return lg_npt_table(*entry);
	page = alloc_page(LG_NPT_GFP | __GFP_ZERO);
	if (!page)
		return NULL;
	lg->npt_pages++;
	WRITE_ONCE(*entry, page_to_phys(page) | NPTE_TABLE);
	return page_address(page);
}

/**
 * lg_npt_build() - start the nested page tables: their top page, which
 *	maps nothing until lg_npt_map_chunk() gives it RAM.
 * @lg: the guest.
 *
 * Return: 0 or -ENOMEM.
 */
int lg_npt_build(struct lguest *lg)
{
	lg->npt_root = alloc_page(LG_NPT_GFP | __GFP_ZERO);
	if (!lg->npt_root)
		return -ENOMEM;
	lg->npt_pages = 1;
	return 0;
}

/*T:320 Nested paging is why a guest can run without the shadow page tables
 * the ancestor lived by: the CPU walks the guest's own page tables, then
 * ours, for every TLB miss.  We map RAM with 2 MiB pages wherever a chunk
 * is physically contiguous, which keeps those walks short and the tables
 * tiny (a 256 MiB guest needs four pages of them).  A chunk is mapped when
 * it is first populated, while other vCPUs run: an entry only ever goes
 * from absent to present, which needs no TLB flush: a processor keeps no
 * translation for an access that faulted (SDM vol. 3, 4.10.2), and KVM
 * makes its nested entries present the same way. :*/
/**
 * lg_npt_map_chunk() - map chunk @c of guest RAM, just allocated.
 * @lg: the guest, with @lg->mem_lock held.
 * @c: the chunk's index.
 *
 * Return: 0, or -ENOMEM before anything maps the chunk (tables allocated
 * on the way stay, empty, until lg_npt_free()).
 */
int lg_npt_map_chunk(struct lguest *lg, unsigned long c)
{
	u64 gpa = (u64)c << LG_CHUNK_SHIFT;
	const struct lg_chunk *chunk = &lg->chunks[c];
	u64 *pml4 = page_address(lg->npt_root), *pdpt, *pd, *pt;
	struct page *page;
	unsigned int i;

	lockdep_assert_held(&lg->mem_lock);
	pdpt = lg_npt_next(lg, &pml4[(gpa >> 39) & 511]);
	if (!pdpt)
		return -ENOMEM;
	pd = lg_npt_next(lg, &pdpt[(gpa >> 30) & 511]);
	if (!pd)
		return -ENOMEM;
	if (chunk->base && !lg_hw->npt_4k) {
		WRITE_ONCE(pd[(gpa >> 21) & 511], page_to_phys(chunk->base) |
			   NPTE_TABLE | _PAGE_PSE | lg_hw->npte_leaf);
		return 0;
	}
	/* A table of 512 leaves, filled before it is linked in. */
	page = alloc_page(LG_NPT_GFP);
	if (!page)
		return -ENOMEM;
	pt = page_address(page);
	for (i = 0; i < LG_CHUNK_PAGES; i++)
		pt[i] = page_to_phys(chunk->base ? chunk->base + i : chunk->pages[i]) |
			NPTE_TABLE | lg_hw->npte_leaf;
	lg->npt_pages++;
	WRITE_ONCE(pd[(gpa >> 21) & 511], page_to_phys(page) | NPTE_TABLE);
	return 0;
}

/* Free a table page and, below level 1, the tables it points to. */
static void lg_npt_free_table(u64 *table, int level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < 512; i++) {
		if (!(table[i] & _PAGE_PRESENT) || (table[i] & _PAGE_PSE))
			continue;
		lg_npt_free_table(lg_npt_table(table[i]), level - 1);
	}
	free_page((unsigned long)table);
}

/**
 * lg_npt_free() - free the nested page tables (not the RAM they map).
 * @lg: the guest.
 */
void lg_npt_free(struct lguest *lg)
{
	if (!lg->npt_root)
		return;
	lg_npt_free_table(page_address(lg->npt_root), 4);
	lg->npt_root = NULL;
	lg->npt_pages = 0;
}
