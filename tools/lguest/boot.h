/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boot.h - loading a Linux kernel, a bzImage (x86 boot protocol 2.12+) or
 * an ELF vmlinux, for its 64-bit entry point, or a Multiboot (v1) image for
 * its 32-bit one: header checks, the guest memory layout, boot_params or
 * the Multiboot information, and the initial registers.  No /dev/lguest in
 * here, so tests/unit can run it against a plain buffer standing in for
 * guest RAM.
 */
#ifndef LGUEST_TOOLS_BOOT_H
#define LGUEST_TOOLS_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/lguest.h>

struct acpi_mmio_dev;

/* The low guest-physical layout of a --kernel guest (see boot.c). */
#define BOOT_GDT		0x800
#define BOOT_PML4		0x1000
#define BOOT_PARAMS		0x7000
#define BOOT_CMDLINE		0x20000
#define BOOT_CMDLINE_END	0x9fc00
#define BOOT_LOW_RAM_END	0x9fc00
#define BOOT_ACPI		0xe0000
#define BOOT_RESET_VECTOR	0xffff0	/* F000:FFF0, see boot_reset_vector() */
#define BOOT_ACPI_END		BOOT_RESET_VECTOR
#define BOOT_HIGH		0x100000
#define BOOT_MB_INFO		BOOT_PARAMS	/* a Multiboot image's, instead */
#define BOOT_MB_SEARCH		8192	/* its header is in these first bytes */

#define BOOT_CS			0x10	/* __BOOT_CS */
#define BOOT_DS			0x18	/* __BOOT_DS */

/* The setup header lives at 0x1f1 of the file and of boot_params. */
#define BOOT_HDR_OFF		0x1f1
#define BOOT_HDR_MAX		(0x290 - BOOT_HDR_OFF)

/* Room for a message from the functions below; it names the file. */
#define BOOT_ERR_LEN		512

/* The memory map both kinds of guest are given (e820, Multiboot mmap). */
struct boot_mem_range {
	uint64_t addr, size;
	uint32_t type;		/* 1 RAM, 2 reserved */
};

#define BOOT_MEMMAP_LEN		3

/* A piece of the kernel file that goes to guest RAM (ELF: a PT_LOAD). */
struct kernel_seg {
	uint64_t file_off;	/* where it starts in the file */
	uint64_t at;		/* where it goes, from the load address */
	uint64_t filesz;	/* bytes read from the file */
	uint64_t memsz;		/* bytes it spans; past filesz, RAM stays zero */
};

#define KERNEL_SEGS_MAX		8

/*
 * What the launcher learned from a kernel file: a bzImage's setup header,
 * an ELF vmlinux's program headers and a setup header made up for it, or a
 * Multiboot image's pieces (ELF program headers or its header's addresses).
 */
struct kernel_image {
	const char *path;	/* the file's name, for messages */
	uint64_t file_size;
	uint64_t setup_size;	/* (setup_sects + 1) * 512: code starts here */
	uint64_t code_size;	/* bytes from the load address its pieces span */
	uint64_t entry_off;	/* the entry point, from the load address */
	unsigned int nsegs;
	struct kernel_seg seg[KERNEL_SEGS_MAX];
	const char *kind;	/* "bzImage", "vmlinux", "multiboot" (-v) */
	bool multiboot;		/* entered in 32-bit mode with Multiboot info */
	uint16_t version;	/* boot protocol, 0x020f for 2.15 */
	uint8_t loadflags;
	uint8_t relocatable;
	uint16_t xloadflags;
	uint32_t kernel_alignment;
	uint32_t init_size;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint64_t pref_address;
	size_t hdr_len;		/* bytes of header to copy, from 0x1f1 */
	uint8_t hdr[BOOT_HDR_MAX];
};

/* Where everything goes in guest memory, decided before RAM exists. */
struct boot_layout {
	uint64_t mem;		/* guest RAM in bytes */
	uint64_t load;		/* the protected-mode code */
	uint64_t load_end;	/* load + the kernel's init_size */
	uint64_t entry;		/* load + entry_off: startup_64 */
	const char *initrd_path;
	uint64_t initrd;	/* 0 if none; Multiboot module 0 */
	uint64_t initrd_size;	/* the file's bytes and @initrd_extra_len */
	const uint8_t *initrd_extra;	/* loaded after the file (a cpio), or NULL */
	uint64_t initrd_extra_len;
	uint64_t cmdline;
	size_t cmdline_len;	/* without the NUL */
	uint64_t boot_params;	/* 0 for a Multiboot image */
	uint64_t mb_info;	/* the Multiboot information, 0 for Linux */
	uint64_t mb_strings;	/* its module string, boot loader name */
	uint64_t acpi;		/* the RSDP */
	unsigned int cpus;	/* vCPUs the MADT lists (0 means 1) */
};

int64_t kernel_head(struct kernel_image *k, int fd, const char *path,
		    uint8_t *head, uint64_t len, char *err);
int bzimage_read(struct kernel_image *bz, int fd, const char *path, char *err);
int vmlinux_read(struct kernel_image *k, int fd, const char *path, char *err);
int elf_read_segs(struct kernel_image *k, int fd, bool elf32, char *err);
int kernel_read(struct kernel_image *k, int fd, const char *path, char *err);
int multiboot_find(const uint8_t *head, size_t len);
int multiboot_read(struct kernel_image *k, int fd, const char *path, char *err);
int multiboot_plan(struct boot_layout *lay, const struct kernel_image *k,
		   const char *cmdline, const char *initrd_path,
		   uint64_t initrd_size, char *err);
void multiboot_write(uint8_t *ram, const struct kernel_image *k,
		     const struct boot_layout *lay, const char *cmdline);
unsigned int boot_memmap(uint64_t mem, struct boot_mem_range *r);
int boot_plan(struct boot_layout *lay, const struct kernel_image *k, uint64_t mem,
	      const char *cmdline, const char *initrd_path,
	      uint64_t initrd_size, char *err);
int boot_load(uint8_t *ram, const struct kernel_image *k,
	      const struct boot_layout *lay, const char *cmdline,
	      int kernel_fd, int initrd_fd,
	      const struct acpi_mmio_dev *devs, unsigned int ndevs, char *err);
/*
 * How the launcher enters a guest: 64-bit mode, all of RAM identity-mapped
 * (or, @flat32, 32-bit protected mode with paging off: Multiboot), a GDT
 * with code at @cs and data at @cs + 8.
 */
struct boot_entry {
	uint64_t gdt, pml4;		/* guest-physical; no pml4 if flat32 */
	uint16_t cs;			/* code selector; data is cs + 8 */
	bool flat32;
	uint64_t rip, rsp, rsi, rdi, rax, rbx;
};

void boot_identity_map(uint8_t *ram, uint64_t mem, uint64_t pml4);
void boot_kernel_entry(const struct boot_layout *lay, struct boot_entry *e);
void boot_entry_tables(uint8_t *ram, uint64_t mem, const struct boot_entry *e);
void boot_entry_regs(const struct boot_entry *e, struct lguest_sregs *sregs,
		     struct lguest_regs *regs);
void boot_set_regs(const struct boot_layout *lay, struct lguest_sregs *sregs,
		   struct lguest_regs *regs);

#endif
