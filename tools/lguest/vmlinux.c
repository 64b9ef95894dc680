// SPDX-License-Identifier: GPL-2.0
/*
 * vmlinux.c - the other kind of kernel file --kernel takes: an ELF vmlinux,
 * the kernel a bzImage carries compressed.  Booting it skips the kernel's
 * decompressor, as Firecracker does; its program headers say where each
 * piece goes, and the boot protocol's 64-bit entry is the ELF entry point.
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

/**
 * vmlinux_read() - read and check an ELF vmlinux's headers.
 * @k: filled in on success, with a setup header of our own (there is none
 *	in the file): boot protocol 2.15, 64-bit entry, not relocatable.
 * @fd: the open kernel file.
 * @path: its name, for messages.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * A kernel we can boot is a little-endian x86-64 ELF executable with at
 * most %KERNEL_SEGS_MAX loadable segments, each inside the file and at
 * physical addresses between 1 MiB and %LGUEST_RAM_LIMIT, in ascending
 * order without overlap, and its entry point (startup_64's physical
 * address) inside the file contents of one of them.
 *
 * Return: 0, or -1 with @err set.
 */
int vmlinux_read(struct kernel_image *k, int fd, const char *path, char *err)
{
	Elf64_Phdr ph[64];
	Elf64_Ehdr eh;
	struct setup_header sh = { 0 };
	struct stat st;

	memset(k, 0, sizeof(*k));
	k->path = path;
	k->kind = "vmlinux";
	if (fstat(fd, &st) < 0)
		return fail(err, "kernel '%s': %s", path, strerror(errno));
	k->file_size = st.st_size;
	if (pread_full(fd, &eh, sizeof(eh), 0) < 0)
		return fail(err, "kernel '%s' is not a vmlinux (a short ELF header)", path);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64 || eh.e_type != ET_EXEC)
		return fail(err, "kernel '%s' is not an x86-64 ELF executable", path);
	if (eh.e_phentsize != sizeof(ph[0]) || !eh.e_phnum ||
	    eh.e_phnum > sizeof(ph) / sizeof(ph[0]))
		return fail(err, "kernel '%s': bad program headers (%u of %u bytes)",
			    path, eh.e_phnum, eh.e_phentsize);
	if (eh.e_phoff > k->file_size ||
	    eh.e_phnum * sizeof(ph[0]) > k->file_size - eh.e_phoff ||
	    pread_full(fd, ph, eh.e_phnum * sizeof(ph[0]), eh.e_phoff) < 0)
		return fail(err, "kernel '%s': program headers outside the file", path);
	if (vmlinux_segs(k, ph, eh.e_phnum, eh.e_entry, err) < 0)
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
 * kernel_read() - read and check a kernel file of either kind.
 * @k: filled in on success.
 * @fd: the open kernel file.
 * @path: its name, for messages.
 * @err: %BOOT_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0, or -1 with @err set.
 */
int kernel_read(struct kernel_image *k, int fd, const char *path, char *err)
{
	unsigned char magic[SELFMAG];

	if (pread_full(fd, magic, SELFMAG, 0) == 0 && !memcmp(magic, ELFMAG, SELFMAG))
		return vmlinux_read(k, fd, path, err);
	return bzimage_read(k, fd, path, err);
}
