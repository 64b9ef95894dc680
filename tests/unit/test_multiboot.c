// SPDX-License-Identifier: GPL-2.0
/*
 * test_multiboot.c - unit tests of the Multiboot loader (tools/lguest/
 * multiboot.c): a fake ELF32 image with an initrd and a fake a.out-kludge
 * image are loaded into a buffer standing in for guest RAM: the pieces,
 * the Multiboot information and the 32-bit entry registers are checked;
 * one table row per malformed image must be refused with its message;
 * then kvm-unit-tests' x86/msr.flat, if built, is read, planned, loaded.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/lguest/boot.h"
#include "unit.h"

#define MiB		(1ULL << 20)
#define MB_MAGIC	0x1badb002U
#define MB_FLAGS	3U		/* page-aligned modules, memory info */
#define TEXT		0x200000U	/* where the ELF fake's text goes */
#define DATA		0x300000U
#define AOUT		0x100000U	/* where the a.out fake goes */

/* ELF header, two program headers, the Multiboot header, contents. */
struct elf_fake {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[2];
	uint32_t mb[3];
	uint8_t text[256], data[64];
	uint8_t tail[8192];	/* room to move the header past 8 KiB */
};

/* A flat image loaded whole at 1 MiB; its header holds the addresses. */
struct aout_fake {
	uint8_t head[64];
	uint32_t mb[8];
	uint8_t text[256];
};

static uint32_t mb_sum(uint32_t flags)
{
	return -(MB_MAGIC + flags);
}

static struct elf_fake elf_fake(void)
{
	struct elf_fake f = { 0 };
	unsigned int i;

	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS32;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_386;
	f.eh.e_entry = TEXT + 12 + 0x10;
	f.eh.e_phoff = offsetof(struct elf_fake, ph);
	f.eh.e_phentsize = sizeof(Elf32_Phdr);
	f.eh.e_phnum = 2;
	/* The first segment holds the Multiboot header, as .flat files do. */
	f.ph[0] = (Elf32_Phdr){
		.p_type = PT_LOAD, .p_offset = offsetof(struct elf_fake, mb),
		.p_vaddr = TEXT, .p_paddr = TEXT,
		.p_filesz = 12 + sizeof(f.text), .p_memsz = 12 + sizeof(f.text),
	};
	/* The second has a zero tail of 1 MiB, a bss. */
	f.ph[1] = (Elf32_Phdr){
		.p_type = PT_LOAD, .p_offset = offsetof(struct elf_fake, data),
		.p_vaddr = DATA, .p_paddr = DATA, .p_filesz = sizeof(f.data),
		.p_memsz = sizeof(f.data) + MiB,
	};
	f.mb[0] = MB_MAGIC;
	f.mb[1] = MB_FLAGS;
	f.mb[2] = mb_sum(MB_FLAGS);
	for (i = 0; i < sizeof(f.text); i++)
		f.text[i] = i ^ 0x5a;
	memset(f.data, 0xd5, sizeof(f.data));
	return f;
}

static struct aout_fake aout_fake(void)
{
	struct aout_fake f = { 0 };
	const uint32_t flags = MB_FLAGS | 1U << 16;

	memset(f.head, 0x90, sizeof(f.head));
	f.mb[0] = MB_MAGIC;
	f.mb[1] = flags;
	f.mb[2] = mb_sum(flags);
	f.mb[3] = AOUT + offsetof(struct aout_fake, mb);	/* header_addr */
	f.mb[4] = AOUT;						/* load_addr */
	f.mb[5] = 0;						/* load_end: all */
	f.mb[6] = AOUT + sizeof(f) + 0x3000;			/* bss_end */
	f.mb[7] = AOUT + offsetof(struct aout_fake, text);	/* entry */
	memset(f.text, 0xc3, sizeof(f.text));
	return f;
}

static uint32_t get32(const uint8_t *ram, uint64_t at)
{
	uint32_t v;

	memcpy(&v, ram + at, 4);
	return v;
}

static uint64_t get64(const uint8_t *ram, uint64_t at)
{
	uint64_t v;

	memcpy(&v, ram + at, 8);
	return v;
}

/* The information and entry any Multiboot guest of @mem bytes gets. */
static void check_info(const uint8_t *ram, const struct boot_layout *lay,
		       const char *want_cmdline)
{
	struct boot_mem_range map[BOOT_MEMMAP_LEN];
	const uint32_t mbi = 0x7000;
	struct lguest_sregs sregs;
	struct lguest_regs regs;
	uint32_t mmap;
	unsigned int i, n;

	UNIT_CHECK(lay->mb_info == mbi && get32(ram, mbi) == 0x24d,
		   "info at 0x%llx flags 0x%x, want 0x7000 MEM|CMDLINE|MODS|MMAP|LOADER 0x24d",
		   (unsigned long long)lay->mb_info, get32(ram, mbi));
	UNIT_CHECK(get32(ram, mbi + 4) == 639 &&
		   get32(ram, mbi + 8) == (lay->mem - MiB) / 1024,
		   "mem_lower %u mem_upper %u", get32(ram, mbi + 4), get32(ram, mbi + 8));
	UNIT_CHECK(get32(ram, mbi + 16) == 0x20000 &&
		   !strcmp((const char *)ram + 0x20000, want_cmdline),
		   "cmdline at 0x%x: '%s', want '%s'", get32(ram, mbi + 16),
		   (const char *)ram + get32(ram, mbi + 16), want_cmdline);
	/* The same map as the e820 one a Linux guest gets, 24-byte entries. */
	n = boot_memmap(lay->mem, map);
	mmap = get32(ram, mbi + 48);
	UNIT_CHECK(get32(ram, mbi + 44) == n * 24 && n == 3, "mmap_length %u",
		   get32(ram, mbi + 44));
	for (i = 0; i < n; i++)
		UNIT_CHECK(get32(ram, mmap + i * 24) == 20 &&
			   get64(ram, mmap + i * 24 + 4) == map[i].addr &&
			   get64(ram, mmap + i * 24 + 12) == map[i].size &&
			   get32(ram, mmap + i * 24 + 20) == map[i].type,
			   "mmap entry %u differs from the e820 map", i);
	UNIT_CHECK(map[0].addr == 0 && map[0].size == 0x9fc00 && map[0].type == 1 &&
		   map[1].addr == 0x9fc00 && map[1].size == MiB - 0x9fc00 && map[1].type == 2 &&
		   map[2].addr == MiB && map[2].size == lay->mem - MiB && map[2].type == 1,
		   "the memory map is not RAM, reserved from 0x9fc00, RAM from 1 MiB");
	UNIT_CHECK(!strcmp((const char *)ram + get32(ram, mbi + 64), "lguest"),
		   "boot loader name '%s'", (const char *)ram + get32(ram, mbi + 64));
	UNIT_CHECK(!memcmp(ram + lay->acpi, "RSD PTR ", 8), "no RSDP at 0x%llx",
		   (unsigned long long)lay->acpi);

	memset(&sregs, 0xa5, sizeof(sregs));
	memset(&regs, 0xa5, sizeof(regs));
	boot_set_regs(lay, &sregs, &regs);
	UNIT_CHECK(regs.rip == lay->entry && regs.rax == 0x2badb002 && regs.rbx == mbi &&
		   regs.rflags == 0x2 && regs.rcx == 0 && regs.rsi == 0,
		   "regs: rip 0x%llx rax 0x%llx rbx 0x%llx", (unsigned long long)regs.rip,
		   (unsigned long long)regs.rax, (unsigned long long)regs.rbx);
	UNIT_CHECK(sregs.cr0 == 0x11 && sregs.cr3 == 0 && sregs.cr4 == 0 && sregs.efer == 0,
		   "cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx: want PE|ET, paging off",
		   (unsigned long long)sregs.cr0, (unsigned long long)sregs.cr3,
		   (unsigned long long)sregs.cr4, (unsigned long long)sregs.efer);
	UNIT_CHECK(sregs.cs.selector == 0x10 && sregs.cs.attrib == 0xc9b &&
		   sregs.cs.base == 0 && sregs.cs.limit == 0xffffffff,
		   "cs 0x%x attrib 0x%x", sregs.cs.selector, sregs.cs.attrib);
	UNIT_CHECK(sregs.ds.selector == 0x18 && sregs.ds.attrib == 0xc93 &&
		   !memcmp(&sregs.ds, &sregs.es, sizeof(sregs.ds)) &&
		   !memcmp(&sregs.ds, &sregs.ss, sizeof(sregs.ds)) &&
		   !memcmp(&sregs.ds, &sregs.fs, sizeof(sregs.ds)) &&
		   !memcmp(&sregs.ds, &sregs.gs, sizeof(sregs.ds)) &&
		   sregs.ds.base == 0 && sregs.ds.limit == 0xffffffff,
		   "data segments: ds 0x%x attrib 0x%x", sregs.ds.selector, sregs.ds.attrib);
	UNIT_CHECK(sregs.gdt.base == 0x800 && sregs.gdt.limit == 0x1f &&
		   get64(ram, 0x810) == 0x00cf9b000000ffffULL &&
		   get64(ram, 0x818) == 0x00cf93000000ffffULL && get64(ram, 0x1000) == 0,
		   "GDT at 0x%llx: 0x%llx 0x%llx, or page tables written",
		   (unsigned long long)sregs.gdt.base, (unsigned long long)get64(ram, 0x810),
		   (unsigned long long)get64(ram, 0x818));
}

/*
 * load_fd: read, plan and load kernel @fd, named @name, into @mem bytes of
 * fresh RAM, 0xee from 1 MiB up (where only the file's bytes may be
 * written), with @cmdline and, unless @ifd is -1, the @isize bytes of @ifd
 * as the initrd "env".  Return: the RAM, or NULL after a failure.
 */
static uint8_t *load_fd(int fd, const char *name, uint64_t mem, const char *cmdline,
			int ifd, uint64_t isize, struct kernel_image *k,
			struct boot_layout *lay)
{
	char err[BOOT_ERR_LEN] = "";
	uint8_t *ram = calloc(1, mem);
	int r;

	r = kernel_read(k, fd, name, err);
	UNIT_CHECK(r < 0 || (k->multiboot && !strcmp(k->kind, "multiboot")),
		   "%s: kind %s", name, k->kind);
	if (!r)
		r = boot_plan(lay, k, mem, cmdline, ifd < 0 ? NULL : "env", isize, err);
	if (!r) {
		memset(ram + MiB, 0xee, mem - MiB);
		r = boot_load(ram, k, lay, cmdline, fd, ifd, NULL, 0, err);
	}
	UNIT_CHECK(r == 0, "%s: %s", name, err);
	if (!r)
		return ram;
	free(ram);
	return NULL;
}

/* load_fake: load_fd() with @len bytes at @img as the kernel. */
static uint8_t *load_fake(const void *img, size_t len, const char *name,
			  uint64_t mem, const char *cmdline, int ifd, uint64_t isize,
			  struct kernel_image *k, struct boot_layout *lay)
{
	int fd = unit_memfd(img, len);
	uint8_t *ram = load_fd(fd, name, mem, cmdline, ifd, isize, k, lay);

	close(fd);
	return ram;
}

/* The ELF fake with an initrd, all the way into an 8 MiB guest. */
static void test_elf_load(void)
{
	static const char env[] = "TESTNAME=fake\nKUT=1\n";
	const uint64_t isize = sizeof(env) - 1;
	struct elf_fake f = elf_fake();
	struct kernel_image k;
	struct boot_layout lay;
	int ifd = unit_memfd(env, isize);
	uint8_t *ram;
	uint32_t mods;

	ram = load_fake(&f, sizeof(f), "mb.elf", 8 * MiB, "-x 1", ifd, isize, &k, &lay);
	if (!ram)
		goto close_initrd;
	UNIT_CHECK(lay.load == TEXT && lay.entry == TEXT + 12 + 0x10 &&
		   lay.load_end == DATA + sizeof(f.data) + MiB &&
		   lay.initrd == ((DATA + sizeof(f.data) + MiB + 4095) & ~4095ULL) &&
		   lay.initrd_size == isize && lay.boot_params == 0,
		   "load 0x%llx entry 0x%llx end 0x%llx module 0x%llx",
		   (unsigned long long)lay.load, (unsigned long long)lay.entry,
		   (unsigned long long)lay.load_end, (unsigned long long)lay.initrd);
	UNIT_CHECK(get32(ram, TEXT) == MB_MAGIC &&
		   !memcmp(ram + TEXT + 12, f.text, sizeof(f.text)) &&
		   !memcmp(ram + DATA, f.data, sizeof(f.data)),
		   "the segments are not at their physical addresses");
	UNIT_CHECK(ram[TEXT - 1] == 0xee && ram[TEXT + 12 + sizeof(f.text)] == 0xee &&
		   ram[DATA + sizeof(f.data)] == 0xee,
		   "bytes beyond the segments' file contents were written");
	UNIT_CHECK(!memcmp(ram + lay.initrd, env, isize),
		   "the initrd is not at 0x%llx", (unsigned long long)lay.initrd);
	check_info(ram, &lay, "mb.elf -x 1");
	mods = get32(ram, 0x7000 + 24);
	UNIT_CHECK(get32(ram, 0x7000 + 20) == 1 && get32(ram, mods) == lay.initrd &&
		   get32(ram, mods + 4) == lay.initrd + isize &&
		   !strcmp((const char *)ram + get32(ram, mods + 8), "env"),
		   "mods_count %u, module 0x%x-0x%x '%s'", get32(ram, 0x7000 + 20),
		   get32(ram, mods), get32(ram, mods + 4),
		   (const char *)ram + get32(ram, mods + 8));
	free(ram);
close_initrd:
	close(ifd);
}

/* A kernel linked high names a virtual entry; it is entered physically. */
static void test_elf_virtual_entry(void)
{
	struct elf_fake f = elf_fake();
	struct kernel_image k;
	struct boot_layout lay = { 0 };

	f.ph[0].p_vaddr = 0xc0000000 + TEXT;
	f.eh.e_entry = 0xc0000000 + TEXT + 0x40;
	free(load_fake(&f, sizeof(f), "high.elf", 8 * MiB, "", -1, 0, &k, &lay));
	UNIT_CHECK(lay.entry == TEXT + 0x40, "virtual entry: entry 0x%llx",
		   (unsigned long long)lay.entry);
}

/* The a.out-kludge fake, no initrd, no --append, in a 4 MiB guest. */
static void test_aout_load(void)
{
	struct aout_fake f = aout_fake();
	struct kernel_image k;
	struct boot_layout lay;
	uint8_t *ram;

	ram = load_fake(&f, sizeof(f), "mb.bin", 4 * MiB, "", -1, 0, &k, &lay);
	if (!ram)
		return;
	UNIT_CHECK(lay.load == AOUT && lay.entry == AOUT + offsetof(struct aout_fake, text) &&
		   lay.load_end == AOUT + sizeof(f) + 0x3000 && !lay.initrd,
		   "load 0x%llx entry 0x%llx end 0x%llx", (unsigned long long)lay.load,
		   (unsigned long long)lay.entry, (unsigned long long)lay.load_end);
	UNIT_CHECK(!memcmp(ram + AOUT, &f, sizeof(f)) && ram[AOUT + sizeof(f)] == 0xee,
		   "the file is not at 0x%x, alone", AOUT);
	check_info(ram, &lay, "mb.bin");
	UNIT_CHECK(get32(ram, 0x7000 + 20) == 0, "mods_count %u without an initrd",
		   get32(ram, 0x7000 + 20));
	free(ram);
}

/* One malformed image per row: what to break, what the refusal says. */
static void mb_set(uint32_t *mb, uint32_t flags) { mb[1] = flags; mb[2] = mb_sum(flags); }
static void bad_sum(struct elf_fake *f)	{ f->mb[2]++; }
static void header_at(struct elf_fake *f, size_t off)
{
	memcpy((uint8_t *)f + off, f->mb, sizeof(f->mb));
	memset(f->mb, 0, sizeof(f->mb));
}
static void past_8k(struct elf_fake *f)	{ header_at(f, 8192); }
static void straddles_8k(struct elf_fake *f) { header_at(f, 8192 - 8); }
static void video(struct elf_fake *f)	{ mb_set(f->mb, MB_FLAGS | 4); }
static void unknown(struct elf_fake *f)	{ mb_set(f->mb, MB_FLAGS | 0x20); }
static void elf64(struct elf_fake *f)	{ f->eh.e_ident[EI_CLASS] = ELFCLASS64; }
static void big_endian(struct elf_fake *f) { f->eh.e_ident[EI_DATA] = ELFDATA2MSB; }
static void x86_64(struct elf_fake *f)	{ f->eh.e_machine = EM_X86_64; }
static void shared(struct elf_fake *f)	{ f->eh.e_type = ET_DYN; }
static void phentsize(struct elf_fake *f) { f->eh.e_phentsize = 56; }
static void no_phdrs(struct elf_fake *f) { f->eh.e_phnum = 0; }
static void phoff_far(struct elf_fake *f) { f->eh.e_phoff = 0xfffffff0; }
static void no_load(struct elf_fake *f)	{ f->ph[0].p_type = f->ph[1].p_type = PT_NOTE; }
static void filesz_big(struct elf_fake *f) { f->ph[1].p_memsz = 8; }
static void past_file(struct elf_fake *f) { f->ph[1].p_filesz = f->ph[1].p_memsz = 1 << 20; }
static void offset_wraps(struct elf_fake *f) { f->ph[0].p_offset = 0xfffffff0; }
static void low(struct elf_fake *f)	{ f->ph[0].p_paddr = 0x9f000; f->eh.e_entry = 0x9f010; }
static void on_tables(struct elf_fake *f) { f->ph[0].p_paddr = 0x7000; f->eh.e_entry = 0x7010; }
static void at_limit(struct elf_fake *f) { f->ph[1].p_paddr = 0xc0000000; }
static void memsz_huge(struct elf_fake *f) { f->ph[1].p_memsz = 0xffffffff; }
static void entry_out(struct elf_fake *f) { f->eh.e_entry = 0x500000; }
static void entry_bss(struct elf_fake *f) { f->eh.e_entry = DATA + sizeof(f->data) + 16; }
static void overlap(struct elf_fake *f)	{ f->ph[1].p_paddr = TEXT + 0x80; }

static void aout_low(struct aout_fake *f) { f->mb[3] = 64; f->mb[4] = f->mb[6] = 0; f->mb[7] = 96; }
static void aout_after(struct aout_fake *f) { f->mb[4] = f->mb[3] + 4; }
static void aout_before(struct aout_fake *f) { f->mb[4] = f->mb[3] - 65; }
static void aout_end_low(struct aout_fake *f) { f->mb[5] = AOUT - 1; }
static void aout_end_far(struct aout_fake *f) { f->mb[5] = AOUT + sizeof(*f) + 1; }
static void aout_bss_low(struct aout_fake *f) { f->mb[6] = AOUT + sizeof(*f) - 1; }
static void aout_bss_huge(struct aout_fake *f) { f->mb[6] = 0xffffffff; }
static void aout_entry(struct aout_fake *f) { f->mb[7] = AOUT + sizeof(*f); }
static void aout_entry_low(struct aout_fake *f) { f->mb[7] = AOUT - 4; }

/* Each row breaks one of the fakes (the other function is NULL). */
static const struct reject {
	const char *what;
	void (*elf)(struct elf_fake *f);
	void (*aout)(struct aout_fake *f);
	const char *want;
} rejects[] = {
	{ "bad checksum", bad_sum, NULL, "has no Multiboot header in its first 8 KiB" },
	{ "header at 8 KiB", past_8k, NULL, "has no Multiboot header in its first 8 KiB" },
	{ "header across 8 KiB", straddles_8k, NULL, "has no Multiboot header in its first 8 KiB" },
	{ "video mode", video, NULL, "asks for features 0x4 we lack (a video mode)" },
	{ "unknown flag", unknown, NULL, "asks for features 0x20 we lack" },
	{ "ELF64", elf64, NULL, "not an ELF32 file needs the header's addresses" },
	{ "big-endian", big_endian, NULL, "is not an i386 ELF executable" },
	{ "x86-64", x86_64, NULL, "is not an i386 ELF executable" },
	{ "ET_DYN", shared, NULL, "is not an i386 ELF executable" },
	{ "phentsize", phentsize, NULL, "bad program headers" },
	{ "no phdrs", no_phdrs, NULL, "bad program headers" },
	{ "phoff", phoff_far, NULL, "program headers outside the file" },
	{ "no PT_LOAD", no_load, NULL, "no loadable segment" },
	{ "filesz>memsz", filesz_big, NULL, "segment 1 has more bytes in the file than in memory" },
	{ "past EOF", past_file, NULL, "segment 1 lies outside the file" },
	{ "offset wraps", offset_wraps, NULL, "segment 0 lies outside the file" },
	{ "below 1 MiB", low, NULL, "segment 0 at 0x9f000 is outside guest RAM above 1 MiB" },
	{ "on the tables", on_tables, NULL, "segment 0 at 0x7000 is outside guest RAM above" },
	{ "at the limit", at_limit, NULL, "segment 1 at 0xc0000000 is outside guest RAM" },
	{ "memsz huge", memsz_huge, NULL, "segment 1 at 0x300000 is outside guest RAM" },
	{ "entry", entry_out, NULL, "entry point 0x500000 is outside its segments" },
	{ "entry in bss", entry_bss, NULL, "entry point 0x300050 is outside its segments" },
	{ "overlap", overlap, NULL, "segment 1 at 0x200080 overlaps or precedes" },
	{ "below 1 MiB", NULL, aout_low, "load area at 0x0 is outside guest RAM above 1 MiB" },
	{ "load after header", NULL, aout_after, "load_addr 0x100044 is after header_addr" },
	{ "load before file", NULL, aout_before, "load_addr 0xfffff is after header_addr or before" },
	{ "load_end low", NULL, aout_end_low, "load_end_addr 0xfffff is below load_addr" },
	{ "load_end past EOF", NULL, aout_end_far, "load area lies outside the file" },
	{ "bss_end low", NULL, aout_bss_low, "bss_end_addr 0x10015f is below the loaded end" },
	{ "bss_end huge", NULL, aout_bss_huge, "load area at 0x100000 is outside guest RAM" },
	{ "entry past", NULL, aout_entry, "entry point 0x100160 is outside its segments' contents" },
	{ "entry before", NULL, aout_entry_low, "entry point 0xffffc is outside" },
};

/* expect_reject: kernel_read() refuses @len bytes of @img, saying @want. */
static void expect_reject(const char *what, const void *img, size_t len,
			  const char *want)
{
	struct kernel_image k;
	char err[BOOT_ERR_LEN] = "";
	int fd = unit_memfd(img, len), r;

	r = kernel_read(&k, fd, "mb", err);
	UNIT_CHECK(r < 0 && strstr(err, want) && !strncmp(err, "kernel 'mb'", 11),
		   "%s: kernel_read = %d, err '%s', want '%s'", what, r, err, want);
	close(fd);
}

static void test_rejects(void)
{
	const struct reject *r;
	struct aout_fake af = aout_fake();

	for (r = rejects; r < rejects + sizeof(rejects) / sizeof(*r); r++) {
		struct elf_fake e = elf_fake();
		struct aout_fake a = aout_fake();

		if (r->elf) {
			r->elf(&e);
			expect_reject(r->what, &e, sizeof(e), r->want);
		} else {
			r->aout(&a);
			expect_reject(r->what, &a, sizeof(a), r->want);
		}
	}
	/* A file ending inside the header's addresses. */
	expect_reject("truncated header", &af, offsetof(struct aout_fake, mb) + 16,
		      "its Multiboot header at 0x40 runs past the first 8 KiB or the file");
	expect_reject("text", "hello, world\n", 13,
		      "is not a bzImage, an ELF vmlinux or a Multiboot image");
}

/* What only the plan can tell: RAM, the module, the command line. */
static void test_plan_rejects(void)
{
	struct elf_fake f = elf_fake();
	struct kernel_image k;
	struct boot_layout lay;
	char err[BOOT_ERR_LEN] = "";
	char *longline = malloc(600 * 1024);
	int fd = unit_memfd(&f, sizeof(f)), r;

	r = kernel_read(&k, fd, "mb.elf", err);
	UNIT_CHECK(r == 0, "kernel_read: %s", err);
	r = boot_plan(&lay, &k, 4 * MiB, "", NULL, 0, err);
	UNIT_CHECK(r < 0 && strstr(err, "kernel 'mb.elf' needs 5 MiB of guest RAM"),
		   "4 MiB: %d '%s'", r, err);
	r = boot_plan(&lay, &k, 5 * MiB, "", "env", MiB, err);
	UNIT_CHECK(r < 0 && strstr(err, "initrd 'env' (1048576 bytes) does not fit in 5 MiB") &&
		   strstr(err, "after kernel 'mb.elf' (it ends at 0x400040)"),
		   "module: %d '%s'", r, err);
	r = boot_plan(&lay, &k, 6 * MiB, "", "env", MiB - 4096 * 2, err);
	UNIT_CHECK(r == 0 && lay.initrd + lay.initrd_size <= 6 * MiB, "module that fits: %s", err);
	/* The module may end exactly at the end of RAM (0x401000 + size). */
	r = boot_plan(&lay, &k, 6 * MiB, "", "env", 6 * MiB - 0x401000, err);
	UNIT_CHECK(r == 0 && lay.initrd + lay.initrd_size == 6 * MiB, "module to the end: %s", err);
	r = boot_plan(&lay, &k, 6 * MiB, "", "env", 6 * MiB - 0x401000 + 1, err);
	UNIT_CHECK(r < 0 && strstr(err, "does not fit"), "module 1 byte over: %d '%s'", r, err);
	r = boot_plan(&lay, &k, 6 * MiB, "", "env", 6 * MiB + 1, err);
	UNIT_CHECK(r < 0 && strstr(err, "does not fit"), "module larger than RAM: %d '%s'", r, err);
	/*
	 * The strings' room, 0x20000-0x9fc00 (523264 bytes): "mb.elf " and
	 * the text, its NUL, "lguest" and its NUL, "env" and its NUL.  523245
	 * bytes of text fill it exactly; one more does not fit.
	 */
	memset(longline, 'x', 600 * 1024 - 1);
	longline[523245] = '\0';
	r = boot_plan(&lay, &k, 8 * MiB, longline, "env", 4096, err);
	UNIT_CHECK(r == 0, "a command line that just fits: %d '%s'", r, err);
	longline[523245] = 'x';
	longline[523246] = '\0';
	r = boot_plan(&lay, &k, 8 * MiB, longline, "env", 4096, err);
	UNIT_CHECK(r < 0 && strstr(err, "kernel 'mb.elf' is 523253 bytes"),
		   "a command line 1 byte over: %d '%s'", r, err);
	memset(longline, 'x', 600 * 1024 - 1);
	longline[600 * 1024 - 1] = '\0';
	r = boot_plan(&lay, &k, 8 * MiB, longline, NULL, 0, err);
	UNIT_CHECK(r < 0 && strstr(err, "command line of kernel 'mb.elf' is 614406 bytes with its name"),
		   "long command line: %d '%s'", r, err);
	free(longline);
	close(fd);
}

/* kvm-unit-tests' x86/msr.flat (KUT_FLAT names another) reads and loads. */
static void test_real_flat(void)
{
	const char *path = getenv("KUT_FLAT") ?: "/tmp/kut/kvm-unit-tests/x86/msr.flat";
	struct kernel_image k;
	struct boot_layout lay;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ifd;
	uint8_t *ram;

	if (fd < 0) {
		printf("  note: no %s (build kvm-unit-tests there); skipped\n", path);
		return;
	}
	ifd = unit_memfd("TESTNAME=msr\n", 13);
	ram = load_fd(fd, path, 32 * MiB, "", ifd, 13, &k, &lay);
	if (ram && !getenv("KUT_FLAT"))
		UNIT_CHECK(lay.load == 0x4000b0 && lay.entry == 0x4000bc && k.nsegs == 2,
			   "msr.flat: load 0x%llx entry 0x%llx, %u segments",
			   (unsigned long long)lay.load, (unsigned long long)lay.entry, k.nsegs);
	if (ram) {
		UNIT_CHECK(get32(ram, lay.load) == MB_MAGIC && !memcmp(ram + lay.initrd, "TESTNAME", 8),
			   "%s: 0x%x at 0x%llx, no module at 0x%llx", path, get32(ram, lay.load),
			   (unsigned long long)lay.load, (unsigned long long)lay.initrd);
		printf("  %s: %u segments, 0x%llx-0x%llx, entry 0x%llx\n", path, k.nsegs,
		       (unsigned long long)lay.load, (unsigned long long)lay.load_end,
		       (unsigned long long)lay.entry);
	}
	free(ram);
	close(ifd);
	close(fd);
}

int main(void)
{
	test_elf_load();
	test_elf_virtual_entry();
	test_aout_load();
	test_rejects();
	test_plan_rejects();
	test_real_flat();
	return unit_summary("multiboot");
}
