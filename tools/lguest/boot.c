// SPDX-License-Identifier: GPL-2.0
/*
 * boot.c - the kernel loader: checks a Linux bzImage's setup header against
 * the x86 boot protocol (Documentation/x86/boot.rst), plans where kernel,
 * initrd, command line, boot_params and ACPI tables go in guest RAM, writes
 * them there and gives the registers for the 64-bit entry point (or, for
 * a Multiboot image, multiboot.c's tables and the 32-bit entry).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asm/bootparam.h>

#include "acpi.h"
#include "boot.h"
#include "util.h"

#define MiB		(1ULL << 20)
#define KERNEL_MIN_LOAD	(16 * MiB)	/* where a relocatable kernel goes */
#define KERNEL_ENTRY_64	0x200		/* startup_64, from the load address */

#define E820_TYPE_RAM		1
#define E820_TYPE_RESERVED	2

#define MB_BOOT_MAGIC	0x2badb002	/* EAX at a Multiboot entry */

/* The header fields we use, where the boot protocol puts them. */
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(offsetof(struct boot_params, ext_ramdisk_image) == 0x0c0, "ext_ramdisk_image");
_Static_assert(offsetof(struct boot_params, e820_entries) == 0x1e8, "e820_entries");
_Static_assert(offsetof(struct boot_params, hdr) == BOOT_HDR_OFF, "hdr");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "e820_table");
_Static_assert(offsetof(struct setup_header, header) == 0x202 - BOOT_HDR_OFF, "HdrS");
_Static_assert(offsetof(struct setup_header, init_size) == 0x260 - BOOT_HDR_OFF, "init_size");
_Static_assert(sizeof(struct boot_params) == 4096, "zero page");

/* The reason for a refusal goes to the caller's BOOT_ERR_LEN buffer. */
#define fail(err, ...)	errf(err, BOOT_ERR_LEN, __VA_ARGS__)

static uint64_t mib_up(uint64_t bytes)
{
	return (bytes + MiB - 1) / MiB;
}

/**
 * bzimage_read() - read and check a bzImage's setup header.
 * @bz: filled in on success.
 * @fd: the open kernel file.
 * @path: its name, for messages.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * A kernel we can boot has the boot flag 0xAA55 at 0x1fe, "HdrS" at 0x202,
 * boot protocol 2.12 or later (for xloadflags), LOADED_HIGH (a bzImage, not
 * a zImage), XLF_KERNEL_64 (a 64-bit entry point) and a file long enough
 * for the setup sectors and the protected-mode code its header announces.
 *
 * Return: 0, or -1 with @err set.
 */
int bzimage_read(struct kernel_image *bz, int fd, const char *path, char *err)
{
	uint8_t head[1024] = { 0 };
	struct setup_header sh;
	int64_t n;
	uint64_t end;

	n = kernel_head(bz, fd, path, head, sizeof(head), err);
	if (n < 0)
		return -1;
	if (n < 0x206)
		return fail(err, "kernel '%s' is not a bzImage (only %llu bytes)",
			    path, (unsigned long long)n);
	memcpy(&sh, head + BOOT_HDR_OFF, sizeof(sh));
	if (memcmp(head + 0x202, "HdrS", 4))
		return fail(err, "kernel '%s' is not a bzImage (no HdrS header)", path);
	if (sh.boot_flag != 0xaa55)
		return fail(err, "kernel '%s' is not a bzImage (no boot flag 0xAA55 at 0x1fe)",
			    path);
	bz->version = sh.version;
	if (sh.version < 0x020c)
		return fail(err, "kernel '%s' has boot protocol %u.%02u, too old: 2.12 or later needed",
			    path, sh.version >> 8, sh.version & 0xff);
	bz->setup_size = ((sh.setup_sects ? sh.setup_sects : 4) + 1) * 512ULL;
	if (bz->file_size <= bz->setup_size ||
	    bz->file_size - bz->setup_size < sh.syssize * 16ULL)
		return fail(err, "kernel '%s' is truncated: %llu bytes, its header wants %llu",
			    path, (unsigned long long)bz->file_size,
			    (unsigned long long)(bz->setup_size + sh.syssize * 16ULL));
	if (!(sh.loadflags & LOADED_HIGH))
		return fail(err, "kernel '%s' is not a bzImage (a zImage: LOADED_HIGH not set)",
			    path);
	if (!(sh.xloadflags & XLF_KERNEL_64))
		return fail(err, "kernel '%s' is not 64-bit capable (no XLF_KERNEL_64)", path);
	if (sh.relocatable_kernel &&
	    (!sh.kernel_alignment || (sh.kernel_alignment & (sh.kernel_alignment - 1))))
		return fail(err, "kernel '%s' has a bad kernel_alignment 0x%x", path,
			    sh.kernel_alignment);

	bz->kind = "bzImage";
	bz->code_size = bz->file_size - bz->setup_size;
	bz->entry_off = KERNEL_ENTRY_64;
	bz->nsegs = 1;
	bz->seg[0] = (struct kernel_seg){
		.file_off = bz->setup_size, .filesz = bz->code_size,
		.memsz = bz->code_size,
	};
	bz->loadflags = sh.loadflags;
	bz->xloadflags = sh.xloadflags;
	bz->relocatable = sh.relocatable_kernel;
	bz->kernel_alignment = sh.kernel_alignment;
	bz->init_size = sh.init_size;
	bz->cmdline_size = sh.cmdline_size;
	bz->initrd_addr_max = sh.initrd_addr_max;
	bz->pref_address = sh.pref_address;

	/* The header ends at 0x202 + the byte at 0x201 (the jump's offset). */
	end = 0x202 + head[0x201];
	if (end < 0x264)
		end = 0x264;
	if (end > BOOT_HDR_OFF + BOOT_HDR_MAX)
		end = BOOT_HDR_OFF + BOOT_HDR_MAX;
	bz->hdr_len = end - BOOT_HDR_OFF;
	memcpy(bz->hdr, head + BOOT_HDR_OFF, bz->hdr_len);
	return 0;
}

/*T:042 A --kernel guest's memory, as the launcher lays it out:
 *
 *   0x000800  GDT: null, null, __BOOT_CS 0x10, __BOOT_DS 0x18
 *   0x001000  page tables: PML4, PDPT, one PD per GiB; 2 MiB pages map
 *             all of RAM at its own address
 *   0x007000  boot_params, the "zero page"
 *   0x020000  the kernel command line
 *   0x09fc00  reserved up to 1 MiB (where a PC has its EBDA, VGA and BIOS);
 *             the ACPI tables sit at 0xe0000 in it, and at the reset
 *             vector 0xffff0 a four-instruction "firmware" that resets
 *             the machine through the ACPI reset register
 *   16 MiB    the kernel's protected-mode code (or its pref_address if it
 *             cannot be relocated), followed by init_size bytes it may use
 *             to unpack itself
 *   top       the initrd, page-aligned, as high as initrd_addr_max allows
 *
 * boot_params carries the kernel's own setup header back to it with our
 * answers filled in (type_of_loader 0xff, command line and initrd
 * addresses), the ACPI RSDP address, and a three-entry e820 map: RAM below
 * 0x9fc00, reserved to 1 MiB, RAM from 1 MiB to the end. :*/

/*
 * The x86 reset vector, 16 bytes below 1 MiB in real mode (F000:FFF0).
 * A hardware-reduced ACPI machine makes Linux reboot through "EFI", which
 * without EFI falls back to jumping here from real mode, the way a PC's
 * firmware is entered after a reset.  Our firmware is four instructions:
 * write the ACPI reset register, which ends the guest; halt if it did not.
 */
static void boot_reset_vector(uint8_t *ram)
{
	static const uint8_t stub[] = {
		0xba, LGUEST_PM_RESET & 0xff, LGUEST_PM_RESET >> 8,	/* mov $port, %dx */
		0xb0, LGUEST_PM_RESET_VALUE,				/* mov $val, %al */
		0xee,							/* out %al, (%dx) */
		0xf4,							/* 1: hlt */
		0xeb, 0xfd,						/* jmp 1b */
	};

	memcpy(ram + BOOT_RESET_VECTOR, stub, sizeof(stub));
}

/**
 * boot_plan() - decide the guest memory layout, checking that it all fits.
 * @lay: filled in on success.
 * @k: the kernel, from kernel_read().
 * @mem: guest RAM in bytes.
 * @cmdline: the kernel command line.
 * @initrd_path: the initrd's file name, or NULL for none.
 * @initrd_size: its size in bytes.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * Everything a user can get wrong is found here, before the launcher asks
 * for a guest: RAM over %LGUEST_RAM_LIMIT or too small for the kernel, a
 * command line longer than the kernel takes, an initrd that does not fit.
 *
 * Return: 0, or -1 with @err set.
 */
int boot_plan(struct boot_layout *lay, const struct kernel_image *k, uint64_t mem,
	      const char *cmdline, const char *initrd_path,
	      uint64_t initrd_size, char *err)
{
	const struct kernel_seg *seg;
	uint64_t span, top, max_cmdline;

	memset(lay, 0, sizeof(*lay));
	lay->mem = mem;
	if (mem > LGUEST_RAM_LIMIT)
		return fail(err, "--mem: a --kernel guest has at most %llu GiB of RAM (devices sit above it)",
			    LGUEST_RAM_LIMIT >> 30);

	if (k->relocatable) {
		uint64_t a = k->kernel_alignment;

		lay->load = (KERNEL_MIN_LOAD + a - 1) & ~(a - 1);
	} else {
		lay->load = k->pref_address;
		if (lay->load < BOOT_HIGH || lay->load >= LGUEST_RAM_LIMIT)
			return fail(err, "kernel '%s' is not relocatable and wants to load at 0x%llx, outside guest RAM",
				    k->path, (unsigned long long)lay->load);
	}
	span = k->init_size > k->code_size ? k->init_size : k->code_size;
	for (seg = k->seg; seg < k->seg + k->nsegs; seg++)
		if (seg->filesz > seg->memsz || seg->at > span ||
		    seg->memsz > span - seg->at)
			return fail(err, "kernel '%s': a piece at +0x%llx lies outside its %llu bytes",
				    k->path, (unsigned long long)seg->at,
				    (unsigned long long)span);
	lay->load_end = lay->load + span;
	lay->entry = lay->load + k->entry_off;
	if (lay->load_end > mem)
		return fail(err, "kernel '%s' needs %llu MiB of guest RAM (it takes %llu MiB from %llu MiB up), not %llu MiB; use a larger --mem",
			    k->path, (unsigned long long)mib_up(lay->load_end),
			    (unsigned long long)mib_up(span),
			    (unsigned long long)(lay->load / MiB),
			    (unsigned long long)(mem / MiB));
	lay->acpi = BOOT_ACPI;
	if (k->multiboot)
		return multiboot_plan(lay, k, cmdline, initrd_path, initrd_size, err);

	lay->cmdline = BOOT_CMDLINE;
	lay->cmdline_len = strlen(cmdline);
	max_cmdline = BOOT_CMDLINE_END - BOOT_CMDLINE - 1;
	if (k->cmdline_size < max_cmdline)
		max_cmdline = k->cmdline_size;
	if (lay->cmdline_len > max_cmdline)
		return fail(err, "command line is %zu bytes, the kernel takes at most %llu",
			    lay->cmdline_len, (unsigned long long)max_cmdline);

	if (initrd_path) {
		top = (uint64_t)k->initrd_addr_max + 1;
		if (top > mem)
			top = mem;
		if (initrd_size > top || ((top - initrd_size) & ~4095ULL) < lay->load_end)
			return fail(err, "initrd '%s' (%llu MiB) does not fit in %llu MiB of guest RAM with the kernel; use a larger --mem",
				    initrd_path, (unsigned long long)mib_up(initrd_size),
				    (unsigned long long)(mem / MiB));
		lay->initrd_path = initrd_path;
		lay->initrd = (top - initrd_size) & ~4095ULL;
		lay->initrd_size = initrd_size;
	}
	lay->boot_params = BOOT_PARAMS;
	return 0;
}

/**
 * boot_identity_map() - build page tables mapping all RAM at its own address.
 * @ram: guest RAM as the launcher sees it.
 * @mem: its size (at most 64 GiB: one PDPT).
 * @pml4: guest-physical address of the PML4; the PDPT follows it, then one
 *	page directory per GiB, each page 4 KiB.
 *
 * 2 MiB pages, present and writable; the guest may rebuild them as it likes.
 */
void boot_identity_map(uint8_t *ram, uint64_t mem, uint64_t pml4)
{
	uint64_t gib = (mem + (1ULL << 30) - 1) >> 30, i, j;

	put64(ram + pml4, (pml4 + 0x1000) | 0x3);
	for (i = 0; i < gib; i++) {
		uint64_t pd = pml4 + 0x2000 + i * 0x1000;

		put64(ram + pml4 + 0x1000 + i * 8, pd | 0x3);
		for (j = 0; j < 512 && (i << 30) + (j << 21) < mem; j++)
			put64(ram + pd + j * 8, ((i << 30) + (j << 21)) | 0x83);
	}
}

/**
 * boot_memmap() - the guest's memory map, as e820 or Multiboot gives it.
 * @mem: guest RAM in bytes (over 1 MiB).
 * @r: %BOOT_MEMMAP_LEN entries, filled in: RAM below 0x9fc00, reserved
 *	up to 1 MiB, RAM from 1 MiB to @mem.
 *
 * Return: %BOOT_MEMMAP_LEN.
 */
unsigned int boot_memmap(uint64_t mem, struct boot_mem_range *r)
{
	r[0] = (struct boot_mem_range){ 0, BOOT_LOW_RAM_END, E820_TYPE_RAM };
	r[1] = (struct boot_mem_range){ BOOT_LOW_RAM_END, BOOT_HIGH - BOOT_LOW_RAM_END,
					E820_TYPE_RESERVED };
	r[2] = (struct boot_mem_range){ BOOT_HIGH, mem - BOOT_HIGH, E820_TYPE_RAM };
	return BOOT_MEMMAP_LEN;
}

/**
 * boot_load() - load the kernel and initrd and write the boot tables.
 * @ram: guest RAM as the launcher sees it, @lay->mem bytes, zeroed.
 * @k: the kernel, from kernel_read().
 * @lay: the layout, from boot_plan() with the same @k and command line.
 * @cmdline: the kernel command line.
 * @kernel_fd: the kernel file.
 * @initrd_fd: the initrd file, or -1 if @lay has no initrd.
 * @devs: the virtio-mmio windows the DSDT describes, or NULL.
 * @ndevs: how many (at most %LGUEST_MMIO_MAX, which always fit).
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0, or -1 with @err set (a file that changed under us).
 */
int boot_load(uint8_t *ram, const struct kernel_image *k,
	      const struct boot_layout *lay, const char *cmdline,
	      int kernel_fd, int initrd_fd,
	      const struct acpi_mmio_dev *devs, unsigned int ndevs, char *err)
{
	struct boot_params *bp = (struct boot_params *)(ram + lay->boot_params);
	struct boot_mem_range map[BOOT_MEMMAP_LEN];
	const struct kernel_seg *seg;
	struct boot_entry entry;
	unsigned int i, n;
	size_t acpi_len;

	/* boot_plan() checked that each piece ends below lay->load_end. */
	for (seg = k->seg; seg < k->seg + k->nsegs; seg++)
		if (pread_full(kernel_fd, ram + lay->load + seg->at, seg->filesz,
			       seg->file_off) < 0)
			return fail(err, "cannot read kernel '%s': %s", k->path,
				    errno ? strerror(errno) : "file shrank while loading");
	if (lay->initrd_size > lay->initrd_extra_len &&
	    pread_full(initrd_fd, ram + lay->initrd,
		       lay->initrd_size - lay->initrd_extra_len, 0) < 0)
		return fail(err, "cannot read initrd '%s': %s", lay->initrd_path,
			    errno ? strerror(errno) : "file shrank while loading");
	/* Linux unpacks cpio archives laid end to end, one after another. */
	if (lay->initrd_extra_len)
		memcpy(ram + lay->initrd + lay->initrd_size - lay->initrd_extra_len,
		       lay->initrd_extra, lay->initrd_extra_len);
	if (k->multiboot)
		multiboot_write(ram, k, lay, cmdline);
	else
		memcpy(ram + lay->cmdline, cmdline, lay->cmdline_len + 1);

	boot_kernel_entry(lay, &entry);
	boot_entry_tables(ram, lay->mem, &entry);

	/* The ACPI tables go in the reserved area below 1 MiB. */
	acpi_len = acpi_build(ram + lay->acpi, BOOT_ACPI_END - lay->acpi,
			      lay->acpi, devs, ndevs, lay->cpus ? lay->cpus : 1);
	if (!acpi_len)
		return fail(err, "ACPI tables do not fit below 1 MiB");

	boot_reset_vector(ram);
	if (k->multiboot)
		return 0;

	memset(bp, 0, sizeof(*bp));
	memcpy((uint8_t *)bp + BOOT_HDR_OFF, k->hdr, k->hdr_len);
	bp->hdr.type_of_loader = 0xff;		/* undefined boot loader */
	bp->hdr.code32_start = lay->load;
	bp->hdr.cmd_line_ptr = lay->cmdline;
	bp->ext_cmd_line_ptr = lay->cmdline >> 32;
	bp->hdr.ramdisk_image = lay->initrd;
	bp->ext_ramdisk_image = lay->initrd >> 32;
	bp->hdr.ramdisk_size = lay->initrd_size;
	bp->ext_ramdisk_size = lay->initrd_size >> 32;
	bp->acpi_rsdp_addr = lay->acpi;
	n = boot_memmap(lay->mem, map);
	for (i = 0; i < n; i++)
		bp->e820_table[i] = (struct boot_e820_entry){
			.addr = map[i].addr, .size = map[i].size, .type = map[i].type,
		};
	bp->e820_entries = n;
	return 0;
}

/*T:043 The kernel is entered at its 64-bit entry point (a bzImage's is
 * 0x200 past where it was loaded; a vmlinux names its own, startup_64,
 * which skips the decompressor), as Documentation/x86/boot.rst describes:
 * long mode with paging on and identity mapping, __BOOT_CS and __BOOT_DS
 * from our GDT, interrupts off, and RSI pointing at boot_params.  The
 * kernel builds its own stack, GDT and page tables from there. :*/

/**
 * boot_kernel_entry() - where and how a planned kernel is entered.
 * @lay: the layout the kernel was loaded with.
 * @e: filled in: our GDT with __BOOT_CS and __BOOT_DS, the identity map at
 *	%BOOT_PML4, the 64-bit entry point and RSI = boot_params; for a
 *	Multiboot image, flat 32-bit segments with the same selectors, paging
 *	off, EAX = 0x2BADB002, EBX = the Multiboot information and ESP just
 *	below it (the spec leaves ESP to the kernel).
 */
void boot_kernel_entry(const struct boot_layout *lay, struct boot_entry *e)
{
	if (lay->mb_info) {
		*e = (struct boot_entry){
			.gdt = BOOT_GDT, .cs = BOOT_CS, .flat32 = true,
			.rip = lay->entry, .rsp = lay->mb_info,
			.rax = MB_BOOT_MAGIC, .rbx = lay->mb_info,
		};
		return;
	}
	*e = (struct boot_entry){
		.gdt = BOOT_GDT, .cs = BOOT_CS, .pml4 = BOOT_PML4,
		.rip = lay->entry, .rsi = lay->boot_params,
	};
}

/**
 * boot_entry_tables() - write what a 64-bit entry needs in guest RAM.
 * @ram: guest RAM as the launcher sees it.
 * @mem: its size.
 * @e: the entry: a GDT at @e->gdt with null descriptors below selector
 *	@e->cs, a 64-bit code segment (@e->flat32: a flat 32-bit one) at
 *	@e->cs and a flat data segment at @e->cs + 8; unless @e->flat32,
 *	page tables at @e->pml4 mapping all of RAM at its own address
 *	(boot_identity_map()).
 *
 * Raw images and kernels are entered the same way; only the addresses
 * and the registers' values differ (uapi lguest.h, Documentation/x86/boot.rst).
 */
void boot_entry_tables(uint8_t *ram, uint64_t mem, const struct boot_entry *e)
{
	memset(ram + e->gdt, 0, e->cs);
	put64(ram + e->gdt + e->cs, e->flat32 ? 0x00cf9b000000ffffULL	/* 32-bit code */
					       : 0x00af9b000000ffffULL);	/* 64-bit code */
	put64(ram + e->gdt + e->cs + 8, 0x00cf93000000ffffULL);	/* 4 GiB data */
	if (!e->flat32)
		boot_identity_map(ram, mem, e->pml4);
}

/**
 * boot_entry_regs() - the registers of a 64-bit (or flat 32-bit) entry.
 * @e: the entry, its tables written by boot_entry_tables().
 * @sregs: the special registers (as %LGUEST_GET_SREGS gave them), changed:
 *	long mode with paging on, CS and DS/ES/SS from the GDT, no IDT; for
 *	@e->flat32, protected mode with paging off (CR0 = PE|ET, CR3, CR4
 *	and EFER 0) and FS/GS flat data too, as Multiboot wants.
 * @regs: the general registers, overwritten: RIP, RSP, RSI, RDI, RAX and
 *	RBX from @e, the rest zero, interrupts off.
 */
void boot_entry_regs(const struct boot_entry *e, struct lguest_sregs *sregs,
		     struct lguest_regs *regs)
{
	const struct lguest_segment code = {
		.selector = e->cs, .limit = 0xffffffff, .attrib = 0xa9b,
	}, data = {
		.selector = e->cs + 8, .limit = 0xffffffff, .attrib = 0xc93,
	};

	sregs->cs = code;
	sregs->ds = sregs->es = sregs->ss = data;
	sregs->fs = sregs->gs = (struct lguest_segment){ 0 };
	sregs->gdt = (struct lguest_dtable){ .base = e->gdt, .limit = e->cs + 15 };
	sregs->idt = (struct lguest_dtable){ 0 };
	sregs->cr0 = 0x80010033;	/* PG WP NE ET MP PE */
	sregs->cr3 = e->pml4;
	sregs->cr4 = 0x620;		/* OSXMMEXCPT OSFXSR PAE */
	sregs->efer = 0xd00;		/* NXE LMA LME */
	if (e->flat32) {
		sregs->cs.attrib = 0xc9b;	/* G D/B P S, code read accessed */
		sregs->fs = sregs->gs = data;
		sregs->cr0 = 0x11;		/* ET PE */
		sregs->cr3 = sregs->cr4 = sregs->efer = 0;
	}

	memset(regs, 0, sizeof(*regs));
	regs->rip = e->rip;
	regs->rsp = e->rsp;
	regs->rsi = e->rsi;
	regs->rdi = e->rdi;
	regs->rax = e->rax;
	regs->rbx = e->rbx;
	regs->rflags = 0x2;
}

/**
 * boot_set_regs() - the registers for the kernel's 64-bit entry.
 * @lay: the layout the kernel was loaded with.
 * @sregs: the special registers (as %LGUEST_GET_SREGS gave them), changed.
 * @regs: the general registers, overwritten.
 */
void boot_set_regs(const struct boot_layout *lay, struct lguest_sregs *sregs,
		   struct lguest_regs *regs)
{
	struct boot_entry e;

	boot_kernel_entry(lay, &e);
	boot_entry_regs(&e, sregs, regs);
}
