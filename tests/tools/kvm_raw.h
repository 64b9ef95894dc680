/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_raw.h - a raw guest on plain KVM, set up as lguest's --raw convention
 * (include/uapi/linux/lguest.h) lays it out: the supported CPUID with the
 * hypervisor bit, the page tables and GDT, and the 64-bit entry state.
 * Shared by kvm_lifecycle.c and kvm_density.c; the includer defines die().
 */
#ifndef LG_TESTS_KVM_RAW_H
#define LG_TESTS_KVM_RAW_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lguest.h>

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)
#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

static struct kvm_cpuid2 *cpuid;

/* die: the includer's: report iteration @i (none if negative) and exit. */
static void __attribute__((noreturn)) die(long i, const char *what);

/* get_cpuid: the supported list, with the hypervisor bit (kvm_peer.c). */
static void get_cpuid(void)
{
	unsigned int j;
	int kvm, nent = 64;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die(-1, "open /dev/kvm");
	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			die(-1, "calloc");
		cpuid->nent = nent;
		if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		if (errno != E2BIG)
			die(-1, "KVM_GET_SUPPORTED_CPUID");
		free(cpuid);
		nent *= 2;
	}
	for (j = 0; j < cpuid->nent; j++)
		if (cpuid->entries[j].function == 1)
			cpuid->entries[j].ecx |= 1U << 31;
	close(kvm);
}

/* build_tables: the --raw layout for RAM under 1 GiB (kvm_peer.c's). */
static void build_tables(uint8_t *ram, uint64_t mem)
{
	uint64_t *pml4 = (uint64_t *)(ram + LGUEST_RAW_PML4);
	uint64_t *pdpt = (uint64_t *)(ram + LGUEST_RAW_PML4 + 0x1000);
	uint64_t *pd = (uint64_t *)(ram + LGUEST_RAW_PML4 + 0x2000);
	uint64_t *gdt = (uint64_t *)(ram + LGUEST_RAW_GDT);
	uint64_t j;

	pml4[0] = (LGUEST_RAW_PML4 + 0x1000) | PTE_P | PTE_W;
	pdpt[0] = (LGUEST_RAW_PML4 + 0x2000) | PTE_P | PTE_W;
	for (j = 0; j < mem >> 21; j++)
		pd[j] = (j << 21) | PTE_P | PTE_W | PTE_PS;
	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;	/* 0x08: 64-bit code */
	gdt[2] = 0x00cf93000000ffffULL;	/* 0x10: data */
}

static void set_state(long i, int vcpu, uint64_t mem)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08, .type = 11,
		.present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 3,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
	struct kvm_segment null = { .selector = 0, .unusable = 1 };
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die(i, "KVM_GET_SREGS");
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.ss = data;
	sregs.fs = sregs.gs = null;
	sregs.gdt.base = LGUEST_RAW_GDT;
	sregs.gdt.limit = 3 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs.cr3 = LGUEST_RAW_PML4;
	sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sregs.efer = EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die(i, "KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = LGUEST_RAW_LOAD;
	regs.rsp = LGUEST_RAW_LOAD;
	regs.rdi = mem;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die(i, "KVM_SET_REGS");
}

#endif
