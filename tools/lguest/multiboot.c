// SPDX-License-Identifier: GPL-2.0
/*
 * multiboot.c - the third kind of file --kernel takes: a Multiboot (v1)
 * image, as QEMU's -kernel boots one (kvm-unit-tests' x86 .flat files are
 * such ELF32 executables).  It finds and checks the Multiboot header,
 * reads where the pieces go (the ELF program headers, or the header's own
 * addresses: the "a.out kludge"), places the --initrd as module 0 after
 * the image and writes the Multiboot information the kernel is entered
 * with.  The spec: GNU's "Multiboot Specification version 0.6.96".
 */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "boot.h"
#include "util.h"

#define fail(err, ...)	errf(err, BOOT_ERR_LEN, __VA_ARGS__)

/* The header: magic, flags, checksum, then the a.out kludge's addresses. */
#define MB_MAGIC		0x1badb002
#define MB_HDR_MIN		12
#define MB_HDR_AOUT		32
#define MB_PAGE_ALIGN		(1U << 0)	/* modules on 4 KiB: always */
#define MB_MEMORY_INFO		(1U << 1)	/* mem_* and mmap_*: always */
#define MB_VIDEO_MODE		(1U << 2)	/* a framebuffer: we have none */
#define MB_AOUT_KLUDGE		(1U << 16)
#define MB_REQUIRED		0xffffU		/* what a loader must honour */

/* The information: its flags, field offsets and what follows it. */
#define MBI_MEM			(1U << 0)
#define MBI_CMDLINE		(1U << 2)
#define MBI_MODS		(1U << 3)
#define MBI_MMAP		(1U << 6)
#define MBI_LOADER_NAME		(1U << 9)
#define MBI_MODS_AT		(BOOT_MB_INFO + 0x100)	/* 16 bytes a module */
#define MBI_MMAP_AT		(BOOT_MB_INFO + 0x200)	/* 24 bytes an entry */
#define MBI_LOADER		"lguest"

#define PAGE_UP(x)		(((x) + 4095) & ~4095ULL)

_Static_assert(MBI_MMAP_AT + BOOT_MEMMAP_LEN * 24 <= BOOT_MB_INFO + 4096,
	       "the Multiboot information fits its page");

/*T:047 A Multiboot image (kvm-unit-tests' x86 tests are ELF32 files
 * with a Multiboot header) is laid out like QEMU's -kernel lays it out:
 *
 *   0x000800  GDT: null, null, flat 32-bit code 0x10, flat data 0x18
 *   0x007000  the Multiboot information (where boot_params would be):
 *             flags MEM|CMDLINE|MODS|MMAP|LOADER_NAME, mem_lower 639 KiB,
 *             mem_upper = RAM above 1 MiB in KiB; the module list at
 *             0x7100, the memory map (the e820 map a Linux guest gets)
 *             at 0x7200
 *   0x020000  the command line: the kernel's file name, then after a
 *             space --append if given (argv[0] first, as QEMU passes
 *             it); then the module's string (the --initrd name) and
 *             the boot loader's name, "lguest"
 *   0x0e0000  the ACPI tables and reset vector, as for Linux
 *   1 MiB+    the image at the physical addresses it names
 *   after it  the --initrd, page-aligned: module 0
 *
 * It is entered as the spec says: 32-bit protected mode, paging off, flat
 * segments, EAX = 0x2BADB002, EBX = 0x7000, interrupts off. :*/

/**
 * multiboot_find() - where a valid Multiboot header starts.
 * @head: the file's first bytes.
 * @len: how many (at most %BOOT_MB_SEARCH count).
 *
 * The header is 32-bit aligned and wholly inside the first 8 KiB; its
 * magic, flags and checksum add up to 0 (mod 2^32).
 *
 * Return: its offset, or -1 if there is none.
 */
int multiboot_find(const uint8_t *head, size_t len)
{
	uint32_t magic, flags, sum;
	size_t off;

	if (len > BOOT_MB_SEARCH)
		len = BOOT_MB_SEARCH;
	for (off = 0; off + MB_HDR_MIN <= len; off += 4) {
		memcpy(&magic, head + off, 4);
		memcpy(&flags, head + off + 4, 4);
		memcpy(&sum, head + off + 8, 4);
		if (magic == MB_MAGIC && (uint32_t)(magic + flags + sum) == 0)
			return off;
	}
	return -1;
}

/*
 * mb_aout: the one piece the header's addresses describe.  @h holds the
 * header's eight words, found at file offset @off; header_addr is where
 * that offset is loaded, so loading starts at off - (header_addr -
 * load_addr) in the file.
 */
static int mb_aout(struct kernel_image *k, const uint32_t *h, uint64_t off,
		   char *err)
{
	uint64_t header_addr = h[3], load = h[4], load_end = h[5];
	uint64_t bss_end = h[6], entry = h[7], file_off, filesz, memsz;

	if (load > header_addr || header_addr - load > off)
		return fail(err, "kernel '%s': its Multiboot header's load_addr 0x%llx is after header_addr or before the file",
			    k->path, (unsigned long long)load);
	file_off = off - (header_addr - load);
	if (load_end && load_end < load)
		return fail(err, "kernel '%s': its Multiboot header's load_end_addr 0x%llx is below load_addr",
			    k->path, (unsigned long long)load_end);
	filesz = load_end ? load_end - load : k->file_size - file_off;
	if (filesz > k->file_size - file_off)
		return fail(err, "kernel '%s': its Multiboot load area lies outside the file",
			    k->path);
	if (bss_end && bss_end < load + filesz)
		return fail(err, "kernel '%s': its Multiboot header's bss_end_addr 0x%llx is below the loaded end",
			    k->path, (unsigned long long)bss_end);
	memsz = bss_end ? bss_end - load : filesz;
	if (load < BOOT_HIGH || load + memsz > LGUEST_RAM_LIMIT)
		return fail(err, "kernel '%s': its Multiboot load area at 0x%llx is outside guest RAM above 1 MiB",
			    k->path, (unsigned long long)load);
	if (entry < load || entry - load >= filesz)
		return fail(err, "kernel '%s': entry point 0x%llx is outside its segments' contents",
			    k->path, (unsigned long long)entry);
	k->nsegs = 1;
	k->seg[0] = (struct kernel_seg){
		.file_off = file_off, .filesz = filesz, .memsz = memsz,
	};
	k->pref_address = load;
	k->code_size = memsz;
	k->entry_off = entry - load;
	return 0;
}

/**
 * multiboot_read() - read and check a Multiboot image's headers.
 * @k: filled in on success: its pieces at their physical addresses (not
 *	relocatable), kind "multiboot".
 * @fd: the open kernel file.
 * @path: its name, for messages.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * The image has a Multiboot header in its first 8 KiB that asks for
 * nothing but page-aligned modules and memory information (no video mode,
 * no unknown required feature).  With the a.out kludge (flag bit 16) the
 * header's addresses say what to load where; otherwise the file must be
 * an i386 ELF32 executable (QEMU refuses ELF64 there too) whose program
 * headers pass elf_read_segs().  Everything lands at 1 MiB or above,
 * below %LGUEST_RAM_LIMIT, with the entry point in the loaded contents.
 *
 * Return: 0, or -1 with @err set.
 */
int multiboot_read(struct kernel_image *k, int fd, const char *path, char *err)
{
	uint8_t head[BOOT_MB_SEARCH] = { 0 };
	uint32_t h[MB_HDR_AOUT / 4];
	size_t room;
	int64_t n;
	int off;

	n = kernel_head(k, fd, path, head, sizeof(head), err);
	if (n < 0)
		return -1;
	k->kind = "multiboot";
	k->multiboot = true;
	off = multiboot_find(head, n);
	if (off < 0)
		return fail(err, "kernel '%s' has no Multiboot header in its first 8 KiB",
			    path);
	/* head is zero past the file; the a.out check wants the 32 bytes in. */
	room = sizeof(head) - off;
	memset(h, 0, sizeof(h));
	memcpy(h, head + off, room < sizeof(h) ? room : sizeof(h));
	if (h[1] & MB_REQUIRED & ~(MB_PAGE_ALIGN | MB_MEMORY_INFO))
		return fail(err, "kernel '%s': its Multiboot header asks for features 0x%x we lack%s",
			    path, h[1] & MB_REQUIRED & ~(MB_PAGE_ALIGN | MB_MEMORY_INFO),
			    h[1] & MB_VIDEO_MODE ? " (a video mode)" : "");
	if (h[1] & MB_AOUT_KLUDGE) {
		if (off + MB_HDR_AOUT > n)
			return fail(err, "kernel '%s': its Multiboot header at 0x%x runs past the first 8 KiB or the file",
				    path, off);
		if (mb_aout(k, h, off, err) < 0)
			return -1;
	} else if (n < SELFMAG || memcmp(head, ELFMAG, SELFMAG) ||
		   head[EI_CLASS] != ELFCLASS32) {
		return fail(err, "kernel '%s': a Multiboot image that is not an ELF32 file needs the header's addresses (flag bit 16)",
			    path);
	} else if (elf_read_segs(k, fd, true, err) < 0) {
		return -1;
	}
	k->init_size = k->code_size;
	return 0;
}

/* mb_cmdline_len: "PATH APPEND", or "PATH" when APPEND is empty. */
static size_t mb_cmdline_len(const char *path, const char *cmdline)
{
	return strlen(path) + (*cmdline ? 1 + strlen(cmdline) : 0);
}

/**
 * multiboot_plan() - the Multiboot part of boot_plan().
 * @lay: the layout, its image part (load, load_end, entry, acpi) done.
 * @k: the image, from multiboot_read().
 * @cmdline: the --append text.
 * @initrd_path: the initrd, module 0, or NULL for none.
 * @initrd_size: its size in bytes.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * The command line, with the image's name first, and the module's string
 * must fit below 0x9fc00; the module goes at the first page after the
 * image and must end inside RAM.
 *
 * Return: 0, or -1 with @err set.
 */
int multiboot_plan(struct boot_layout *lay, const struct kernel_image *k,
		   const char *cmdline, const char *initrd_path,
		   uint64_t initrd_size, char *err)
{
	uint64_t room = BOOT_CMDLINE_END - BOOT_CMDLINE, need;

	lay->cmdline = BOOT_CMDLINE;
	lay->cmdline_len = mb_cmdline_len(k->path, cmdline);
	need = lay->cmdline_len + 1 + sizeof(MBI_LOADER) +
	       (initrd_path ? strlen(initrd_path) + 1 : 0);
	if (need > room)
		return fail(err, "command line of kernel '%s' is %zu bytes with its name, at most %llu fit",
			    k->path, lay->cmdline_len,
			    (unsigned long long)(room - (need - lay->cmdline_len)));
	lay->mb_strings = lay->cmdline + lay->cmdline_len + 1;
	if (initrd_path) {
		uint64_t at = PAGE_UP(lay->load_end);

		if (initrd_size > lay->mem || at > lay->mem - initrd_size)
			return fail(err, "initrd '%s' (%llu bytes) does not fit in %llu MiB of guest RAM after kernel '%s' (it ends at 0x%llx); use a larger --mem",
				    initrd_path, (unsigned long long)initrd_size,
				    (unsigned long long)(lay->mem >> 20), k->path,
				    (unsigned long long)lay->load_end);
		lay->initrd_path = initrd_path;
		lay->initrd = at;
		lay->initrd_size = initrd_size;
	}
	lay->mb_info = BOOT_MB_INFO;
	return 0;
}

/**
 * multiboot_write() - write the Multiboot information and its strings.
 * @ram: guest RAM as the launcher sees it.
 * @k: the image.
 * @lay: its layout, from boot_plan() with the same @k and @cmdline.
 * @cmdline: the --append text.
 *
 * Flags MEM, CMDLINE, MODS (the initrd as module 0, or none), MMAP (the
 * map boot_memmap() gives, 24-byte entries with their size field) and
 * LOADER_NAME; boot_device, symbols, drives, APM and video are left out.
 */
void multiboot_write(uint8_t *ram, const struct kernel_image *k,
		     const struct boot_layout *lay, const char *cmdline)
{
	struct boot_mem_range map[BOOT_MEMMAP_LEN];
	uint8_t *mbi = ram + lay->mb_info, *e;
	char *line = (char *)ram + lay->cmdline;
	uint64_t str = lay->mb_strings;
	unsigned int i, n;

	memset(mbi, 0, 4096);
	put32(mbi + 0, MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME);
	put32(mbi + 4, BOOT_LOW_RAM_END >> 10);
	put32(mbi + 8, (lay->mem - BOOT_HIGH) >> 10);

	strcpy(line, k->path);
	if (*cmdline) {
		strcat(line, " ");
		strcat(line, cmdline);
	}
	put32(mbi + 16, lay->cmdline);

	put32(mbi + 24, MBI_MODS_AT);
	if (lay->initrd_path) {
		put32(mbi + 20, 1);
		put32(ram + MBI_MODS_AT, lay->initrd);
		put32(ram + MBI_MODS_AT + 4, lay->initrd + lay->initrd_size);
		put32(ram + MBI_MODS_AT + 8, str);
		strcpy((char *)ram + str, lay->initrd_path);
		str += strlen(lay->initrd_path) + 1;
	}

	n = boot_memmap(lay->mem, map);
	for (i = 0, e = ram + MBI_MMAP_AT; i < n; i++, e += 24) {
		put32(e, 20);		/* the entry's size, without this field */
		put64(e + 4, map[i].addr);
		put64(e + 12, map[i].size);
		put32(e + 20, map[i].type);
	}
	put32(mbi + 44, n * 24);
	put32(mbi + 48, MBI_MMAP_AT);

	strcpy((char *)ram + str, MBI_LOADER);
	put32(mbi + 64, str);
}
