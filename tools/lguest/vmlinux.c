// SPDX-License-Identifier: GPL-2.0
/*
 * vmlinux.c - ELF kernel files and telling the kinds apart.  An ELF
 * vmlinux is the kernel a bzImage carries compressed; booting it skips the
 * kernel's decompressor, as Firecracker does: its program headers say
 * where each piece goes, and the boot protocol's 64-bit entry is the ELF
 * entry point.  A Multiboot kernel may be an ELF32 file, read alike.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <asm/bootparam.h>

#include "boot.h"
#include "util.h"

#define fail(err, ...)	errf(err, BOOT_ERR_LEN, __VA_ARGS__)

/* The made-up header: what a bzImage of boot protocol 2.15 would say. */
#define VMLINUX_PROTOCOL	0x020f
#define VMLINUX_ALIGN		0x200000	/* CONFIG_PHYSICAL_ALIGN's default */
#define VMLINUX_CMDLINE_MAX	2047		/* COMMAND_LINE_SIZE - 1 */
#define VMLINUX_INITRD_MAX	0x7fffffff

_Static_assert(sizeof(struct setup_header) <= BOOT_HDR_MAX, "setup_header");
/* A kernel's span, below the RAM limit, always fits the 32-bit init_size. */
_Static_assert(LGUEST_RAM_LIMIT <= (1ULL << 32), "init_size");

/*
 * vmlinux_segs: check the PT_LOAD headers and fill @k->seg from them.  They
 * must come in ascending, non-overlapping physical order (as the ELF spec
 * orders them, by address), so no segment's zero tail lands on another.
 */
static int vmlinux_segs(struct kernel_image *k, const Elf64_Phdr *ph,
			unsigned int n, uint64_t entry, char *err)
{
	uint64_t low = UINT64_MAX, high = 0;
	bool entry_in = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (k->nsegs == KERNEL_SEGS_MAX)
			return fail(err, "kernel '%s': more than %d loadable segments",
				    k->path, KERNEL_SEGS_MAX);
		if (ph[i].p_filesz > ph[i].p_memsz)
			return fail(err, "kernel '%s': segment %u has more bytes in the file than in memory",
				    k->path, i);
		if (ph[i].p_offset > k->file_size ||
		    ph[i].p_filesz > k->file_size - ph[i].p_offset)
			return fail(err, "kernel '%s': segment %u lies outside the file",
				    k->path, i);
		if (ph[i].p_paddr < BOOT_HIGH || ph[i].p_paddr >= LGUEST_RAM_LIMIT ||
		    ph[i].p_memsz > LGUEST_RAM_LIMIT - ph[i].p_paddr)
			return fail(err, "kernel '%s': segment %u at 0x%llx is outside guest RAM above 1 MiB",
				    k->path, i, (unsigned long long)ph[i].p_paddr);
		if (ph[i].p_paddr < high)
			return fail(err, "kernel '%s': segment %u at 0x%llx overlaps or precedes the one before",
				    k->path, i, (unsigned long long)ph[i].p_paddr);
		if (!k->nsegs)
			low = ph[i].p_paddr;
		high = ph[i].p_paddr + ph[i].p_memsz;
		if (entry >= ph[i].p_paddr && entry - ph[i].p_paddr < ph[i].p_filesz)
			entry_in = true;
		k->seg[k->nsegs++] = (struct kernel_seg){
			.file_off = ph[i].p_offset, .at = ph[i].p_paddr,
			.filesz = ph[i].p_filesz, .memsz = ph[i].p_memsz,
		};
	}
	if (!k->nsegs)
		return fail(err, "kernel '%s': no loadable segment", k->path);
	if (!entry_in)
		return fail(err, "kernel '%s': entry point 0x%llx is outside its segments' contents",
			    k->path, (unsigned long long)entry);
	/* Addresses were physical; from here they count from the lowest. */
	for (i = 0; i < k->nsegs; i++)
		k->seg[i].at -= low;
	k->pref_address = low;
	k->code_size = high - low;
	k->entry_off = entry - low;
	return 0;
}

/*
 * elf_entry32: a Multiboot ELF's entry point as a physical address.  A
 * kernel linked to run high names a virtual one; the segment holding it
 * says where that is loaded.
 */
static uint64_t elf_entry32(const Elf64_Phdr *ph, unsigned int n, uint64_t entry)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && entry >= ph[i].p_paddr &&
		    entry - ph[i].p_paddr < ph[i].p_filesz)
			return entry;
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && entry >= ph[i].p_vaddr &&
		    entry - ph[i].p_vaddr < ph[i].p_filesz)
			return ph[i].p_paddr + (entry - ph[i].p_vaddr);
	return entry;
}

/**
 * elf_read_segs() - check an ELF executable's header and load segments.
 * @k: its path and file_size set; its pieces, code_size, pref_address (the
 *	lowest physical address) and entry_off are filled in.
 * @fd: the open file.
 * @elf32: an i386 ELF32 (a Multiboot kernel), else an x86-64 ELF64.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * The file must be a little-endian executable for its machine with at
 * most %KERNEL_SEGS_MAX loadable segments, each inside the file and at
 * physical addresses between 1 MiB and %LGUEST_RAM_LIMIT, in ascending
 * order without overlap, and its entry point inside the file contents of
 * one of them.  ELF32 headers are widened to ELF64 ones and checked alike.
 *
 * Return: 0, or -1 with @err set.
 */
int elf_read_segs(struct kernel_image *k, int fd, bool elf32, char *err)
{
	union {
		Elf64_Ehdr e64;
		Elf32_Ehdr e32;
	} eh;
	Elf32_Phdr ph32[64];
	Elf64_Phdr ph[64];
	uint64_t phoff, entry, phsize = elf32 ? sizeof(ph32[0]) : sizeof(ph[0]);
	unsigned int i, phnum, phentsize;
	void *buf = elf32 ? (void *)ph32 : (void *)ph;

	if (pread_full(fd, &eh, elf32 ? sizeof(eh.e32) : sizeof(eh.e64), 0) < 0)
		return fail(err, "kernel '%s' is not %s (a short ELF header)", k->path,
			    elf32 ? "an ELF32 file" : "a vmlinux");
	/* Identification, type and machine sit alike in both. */
	if (eh.e64.e_ident[EI_CLASS] != (elf32 ? ELFCLASS32 : ELFCLASS64) ||
	    eh.e64.e_ident[EI_DATA] != ELFDATA2LSB || eh.e64.e_type != ET_EXEC ||
	    eh.e64.e_machine != (elf32 ? EM_386 : EM_X86_64))
		return fail(err, "kernel '%s' is not an %s ELF executable", k->path,
			    elf32 ? "i386" : "x86-64");
	phoff = elf32 ? eh.e32.e_phoff : eh.e64.e_phoff;
	phnum = elf32 ? eh.e32.e_phnum : eh.e64.e_phnum;
	phentsize = elf32 ? eh.e32.e_phentsize : eh.e64.e_phentsize;
	entry = elf32 ? eh.e32.e_entry : eh.e64.e_entry;
	if (phentsize != phsize || !phnum || phnum > sizeof(ph) / sizeof(ph[0]))
		return fail(err, "kernel '%s': bad program headers (%u of %u bytes)",
			    k->path, phnum, phentsize);
	if (phoff > k->file_size || phnum * phsize > k->file_size - phoff ||
	    pread_full(fd, buf, phnum * phsize, phoff) < 0)
		return fail(err, "kernel '%s': program headers outside the file", k->path);
	for (i = 0; elf32 && i < phnum; i++)
		ph[i] = (Elf64_Phdr){
			.p_type = ph32[i].p_type, .p_offset = ph32[i].p_offset,
			.p_vaddr = ph32[i].p_vaddr, .p_paddr = ph32[i].p_paddr,
			.p_filesz = ph32[i].p_filesz, .p_memsz = ph32[i].p_memsz,
		};
	if (elf32)
		entry = elf_entry32(ph, phnum, entry);
	return vmlinux_segs(k, ph, phnum, entry, err);
}

/**
 * vmlinux_read() - read and check an ELF vmlinux's headers.
 * @k: filled in on success, with a setup header of our own (there is none
 *	in the file): boot protocol 2.15, 64-bit entry, not relocatable.
 * @fd: the open kernel file.
 * @path: its name, for messages.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * A kernel we can boot is an x86-64 ELF executable whose program headers
 * pass elf_read_segs(); its entry point is startup_64's physical address.
 *
 * Return: 0, or -1 with @err set.
 */
int vmlinux_read(struct kernel_image *k, int fd, const char *path, char *err)
{
	struct setup_header sh = { 0 };

	if (kernel_head(k, fd, path, NULL, 0, err) < 0)
		return -1;
	k->kind = "vmlinux";
	if (elf_read_segs(k, fd, false, err) < 0)
		return -1;

	sh.root_flags = 1;		/* read-only root, as a bzImage says */
	sh.boot_flag = 0xaa55;
	memcpy(&sh.header, "HdrS", 4);
	sh.version = k->version = VMLINUX_PROTOCOL;
	sh.loadflags = k->loadflags = LOADED_HIGH;
	sh.xloadflags = k->xloadflags = XLF_KERNEL_64;
	sh.kernel_alignment = k->kernel_alignment = VMLINUX_ALIGN;
	sh.cmdline_size = k->cmdline_size = VMLINUX_CMDLINE_MAX;
	sh.initrd_addr_max = k->initrd_addr_max = VMLINUX_INITRD_MAX;
	sh.init_size = k->init_size = k->code_size;
	sh.pref_address = k->pref_address;
	k->hdr_len = sizeof(sh);
	memcpy(k->hdr, &sh, sizeof(sh));
	return 0;
}

/**
 * kernel_head() - start reading a kernel file: its size and first bytes.
 * @k: cleared, then its path and file_size set.
 * @fd: the open kernel file.
 * @path: its name, for messages.
 * @head: @len bytes for the file's first ones (a shorter file leaves the
 *	rest as it was).
 * @len: how many to read at most.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * Return: how many bytes of @head the file filled, or -1 with @err set.
 */
int64_t kernel_head(struct kernel_image *k, int fd, const char *path,
		    uint8_t *head, uint64_t len, char *err)
{
	struct stat st;

	memset(k, 0, sizeof(*k));
	k->path = path;
	if (fstat(fd, &st) < 0)
		return fail(err, "kernel '%s': %s", path, strerror(errno));
	k->file_size = st.st_size;
	if (k->file_size < len)
		len = k->file_size;
	if (pread_full(fd, head, len, 0) < 0)
		return fail(err, "cannot read kernel '%s': %s", path,
			    errno ? strerror(errno) : "unexpected end of file");
	return len;
}

/**
 * kernel_read() - read and check a kernel file of any kind we boot.
 * @k: filled in on success.
 * @fd: the open kernel file.
 * @path: its name, for messages.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * The kind comes from the headers, in the order QEMU's -kernel looks: the
 * "HdrS" of a bzImage, then a Multiboot header in the first 8 KiB (or an
 * ELF32 file, which can only be Multiboot), then the ELF magic of a
 * vmlinux.  Anything else gets one message.
 *
 * Return: 0, or -1 with @err set.
 */
int kernel_read(struct kernel_image *k, int fd, const char *path, char *err)
{
	uint8_t head[BOOT_MB_SEARCH] = { 0 };
	int64_t n;

	n = kernel_head(k, fd, path, head, sizeof(head), err);
	if (n < 0)
		return -1;
	if (n >= 0x206 && !memcmp(head + 0x202, "HdrS", 4))
		return bzimage_read(k, fd, path, err);
	/* An ELF32 can only be Multiboot: say so if its header is missing. */
	if (multiboot_find(head, n) >= 0 ||
	    (n > EI_CLASS && !memcmp(head, ELFMAG, SELFMAG) && head[EI_CLASS] == ELFCLASS32))
		return multiboot_read(k, fd, path, err);
	if (n >= SELFMAG && !memcmp(head, ELFMAG, SELFMAG))
		return vmlinux_read(k, fd, path, err);
	return fail(err, "kernel '%s' is not a bzImage, an ELF vmlinux or a Multiboot image (no HdrS, ELF or Multiboot header)",
		    path);
}
