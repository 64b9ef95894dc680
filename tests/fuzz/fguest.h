/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fguest.h - a raw guest built directly through /dev/lguest for the
 * fuzzers: 64-bit, the first 4 GiB identity-mapped by 2 MiB pages (RAM and
 * the device hole, so generated code reaches every MMIO window), a TSS
 * whose IST1 stack serves every vector, and an exception handler that
 * resumes at the next code slot.  Generated code is a sequence of
 * FG_SLOT-byte slots, each starting with a marker that stores its index,
 * so a faulting (or trapping) slot is skipped and the stream goes on.
 */
#ifndef LGUEST_FGUEST_H
#define LGUEST_FGUEST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/lguest.h>

#define FG_SLOT		32		/* bytes per code slot */
#define FG_MARK_LEN	11		/* movl $idx, FG_SLOTVAR */
#define FG_BODY		(FG_SLOT - FG_MARK_LEN)
#define FG_CODE		LGUEST_RAW_LOAD	/* slot 0 */
#define FG_SLOTVAR	0x9000ULL	/* index of the slot being run */
#define FG_STACK	0x80000ULL	/* the code's stack top */
#define FG_RING_AREA	0x400000ULL	/* virtqueues, FG_RING_STRIDE each */
#define FG_RING_STRIDE	0x10000ULL
#define FG_BUF_AREA	0x800000ULL	/* buffers the descriptors point at */
#define FG_BUF_END	0xc00000ULL

struct fguest {
	int fd;
	int vfd;		/* vCPU 0's file (LGUEST_CREATE_VCPU) */
	int paging;		/* what LGUEST_CREATE answered */
	uint8_t *ram;
	uint64_t mem;
	unsigned int nslots;	/* code slots after FG_CODE */
	int ist;		/* the IDT uses IST1 (the TSS was accepted) */
};

int fg_create(struct fguest *g, uint64_t mem, int paging);
int fg_setup(struct fguest *g, unsigned int nslots);
uint8_t *fg_slot(struct fguest *g, unsigned int idx);
void fg_destroy(struct fguest *g);
const char *fg_run(struct fguest *g, struct lguest_run *run, double limit_s);

#endif /* LGUEST_FGUEST_H */
