// SPDX-License-Identifier: GPL-2.0
/*
 * test_vmlinux.c - unit tests of the ELF vmlinux loader (tools/lguest/
 * vmlinux.c): a fake two-segment kernel is loaded and entered at its ELF
 * entry; one table row per malformed header must be refused with its
 * message; then the vmlinux "make" unpacks from the test kernel is read.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/bootparam.h>

#include "../../tools/lguest/boot.h"
#include "unit.h"

#define MiB (1ULL << 20)

/* The fake: ELF header, two program headers, then their contents. */
struct fake {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t text[256], data[64];
};

static struct fake good_fake(void)
{
	struct fake f = { 0 };
	unsigned int i;

	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_X86_64;
	f.eh.e_entry = 16 * MiB + 0x40;
	f.eh.e_phoff = offsetof(struct fake, ph);
	f.eh.e_phentsize = sizeof(Elf64_Phdr);
	f.eh.e_phnum = 2;
	f.ph[0] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_offset = offsetof(struct fake, text),
		.p_vaddr = 0xffffffff81000000ULL, .p_paddr = 16 * MiB,
		.p_filesz = sizeof(f.text), .p_memsz = sizeof(f.text),
	};
	/* The second segment has a zero tail of 1 MiB, as the bss is. */
	f.ph[1] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_offset = offsetof(struct fake, data),
		.p_paddr = 18 * MiB, .p_filesz = sizeof(f.data),
		.p_memsz = sizeof(f.data) + MiB,
	};
	for (i = 0; i < sizeof(f.text); i++)
		f.text[i] = i ^ 0x5a;
	memset(f.data, 0xd5, sizeof(f.data));
	return f;
}

/* The fake all the way into a 32 MiB guest, and its boot_params. */
static void test_good_load(void)
{
	const uint64_t mem = 32 * MiB;
	struct fake f = good_fake();
	struct kernel_image k;
	struct boot_layout lay, small;
	struct boot_params *bp;
	char err[BOOT_ERR_LEN] = "";
	uint8_t *ram = calloc(1, mem);
	int fd = unit_memfd(&f, sizeof(f)), r;

	r = kernel_read(&k, fd, "vmlinux", err);
	UNIT_CHECK(r == 0 && !strcmp(k.kind, "vmlinux"), "kernel_read: %d %s", r, err);
	if (!r)
		r = boot_plan(&lay, &k, mem, "console=ttyS0", NULL, 0, err);
	UNIT_CHECK(r == 0, "boot_plan: %s", err);
	if (r)
		goto free_ram;
	UNIT_CHECK(lay.load == 16 * MiB && lay.entry == 16 * MiB + 0x40 &&
		   lay.load_end == 18 * MiB + sizeof(f.data) + MiB,
		   "load 0x%llx entry 0x%llx end 0x%llx", (unsigned long long)lay.load,
		   (unsigned long long)lay.entry, (unsigned long long)lay.load_end);
	/* Junk where the kernel goes: only the file's bytes may be written. */
	memset(ram + 16 * MiB, 0xee, mem - 16 * MiB);
	r = boot_load(ram, &k, &lay, "console=ttyS0", fd, -1, NULL, 0, err);
	UNIT_CHECK(r == 0, "boot_load: %s", err);
	UNIT_CHECK(!memcmp(ram + 16 * MiB, f.text, sizeof(f.text)) &&
		   !memcmp(ram + 18 * MiB, f.data, sizeof(f.data)),
		   "the segments are not at their physical addresses");
	UNIT_CHECK(ram[16 * MiB + sizeof(f.text)] == 0xee && ram[18 * MiB - 1] == 0xee &&
		   ram[18 * MiB + sizeof(f.data)] == 0xee,
		   "bytes beyond the segments' file contents were written");
	bp = (struct boot_params *)(ram + lay.boot_params);
	UNIT_CHECK(bp->hdr.boot_flag == 0xaa55 && !memcmp(&bp->hdr.header, "HdrS", 4) &&
		   bp->hdr.version == 0x020f && bp->hdr.type_of_loader == 0xff &&
		   bp->hdr.cmd_line_ptr == lay.cmdline &&
		   !strcmp((char *)ram + lay.cmdline, "console=ttyS0"),
		   "boot_params: flag 0x%x version 0x%x loader 0x%x cmdline 0x%x",
		   bp->hdr.boot_flag, bp->hdr.version, bp->hdr.type_of_loader,
		   bp->hdr.cmd_line_ptr);
	r = boot_plan(&small, &k, 19 * MiB, "", NULL, 0, err);
	UNIT_CHECK(r < 0 && strstr(err, "needs 20 MiB of guest RAM"),
		   "19 MiB: boot_plan = %d, err '%s'", r, err);
free_ram:
	free(ram);
	close(fd);
}

/* One malformed kernel per row: what to break, what the refusal says. */
static void no_magic(struct fake *f)	{ f->eh.e_ident[EI_MAG1] = 'X'; }
static void class32(struct fake *f)	{ f->eh.e_ident[EI_CLASS] = ELFCLASS32; }
static void big_endian(struct fake *f)	{ f->eh.e_ident[EI_DATA] = ELFDATA2MSB; }
static void arm64(struct fake *f)	{ f->eh.e_machine = EM_AARCH64; }
static void shared(struct fake *f)	{ f->eh.e_type = ET_DYN; }
static void phentsize(struct fake *f)	{ f->eh.e_phentsize = 32; }
static void no_phdrs(struct fake *f)	{ f->eh.e_phnum = 0; }
static void many_phdrs(struct fake *f)	{ f->eh.e_phnum = 65; }
static void phoff_far(struct fake *f)	{ f->eh.e_phoff = ~0ULL - 8; }
static void no_load(struct fake *f)	{ f->ph[0].p_type = f->ph[1].p_type = PT_NOTE; }
static void filesz_big(struct fake *f)	{ f->ph[0].p_memsz = 128; }
static void past_file(struct fake *f)	{ f->ph[0].p_filesz = f->ph[0].p_memsz = 4096; }
static void offset_wraps(struct fake *f) { f->ph[0].p_offset = ~0ULL - 16; }
static void low_paddr(struct fake *f)	{ f->ph[0].p_paddr = 0x9f000; }
static void paddr_wraps(struct fake *f)	{ f->ph[1].p_memsz = ~0ULL - 8 * MiB; }
static void high_paddr(struct fake *f)	{ f->ph[1].p_paddr = LGUEST_RAM_LIMIT; }
static void entry_out(struct fake *f)	{ f->eh.e_entry = 20 * MiB; }
static void entry_low(struct fake *f)	{ f->eh.e_entry = 15 * MiB; }
static void entry_bss(struct fake *f)	{ f->eh.e_entry = 18 * MiB + 64 + 16; }
static void overlap(struct fake *f)	{ f->ph[1].p_paddr = 16 * MiB + 128; }
static void descending(struct fake *f)	{ f->ph[0].p_paddr = 20 * MiB; f->eh.e_entry = 20 * MiB; }

static const struct reject {
	const char *what;
	void (*breakit)(struct fake *f);
	const char *want;
} rejects[] = {
	{ "not ELF",	no_magic,	"is not a bzImage" },
	{ "ELF32",	class32,	"has no Multiboot header in its first 8 KiB" },
	{ "big-endian",	big_endian,	"not an x86-64 ELF executable" },
	{ "AArch64",	arm64,		"not an x86-64 ELF executable" },
	{ "ET_DYN",	shared,		"not an x86-64 ELF executable" },
	{ "phentsize",	phentsize,	"bad program headers" },
	{ "no phdrs",	no_phdrs,	"bad program headers" },
	{ "65 phdrs",	many_phdrs,	"bad program headers" },
	{ "phoff",	phoff_far,	"program headers outside the file" },
	{ "no PT_LOAD",	no_load,	"no loadable segment" },
	{ "filesz>memsz", filesz_big,	"segment 0 has more bytes in the file than in memory" },
	{ "past EOF",	past_file,	"segment 0 lies outside the file" },
	{ "offset wraps", offset_wraps,	"segment 0 lies outside the file" },
	{ "below 1 MiB", low_paddr,	"segment 0 at 0x9f000 is outside guest RAM" },
	{ "paddr wraps", paddr_wraps,	"segment 1 at 0x1200000 is outside guest RAM" },
	{ "at the limit", high_paddr,	"is outside guest RAM" },
	{ "entry",	entry_out,	"entry point 0x1400000 is outside its segments" },
	{ "entry low",	entry_low,	"entry point 0xf00000 is outside its segments" },
	{ "entry in bss", entry_bss,	"entry point 0x1200050 is outside its segments" },
	{ "overlap",	overlap,	"segment 1 at 0x1000080 overlaps or precedes" },
	{ "descending",	descending,	"segment 1 at 0x1200000 overlaps or precedes" },
};

static void test_rejects(void)
{
	const struct reject *r;

	for (r = rejects; r < rejects + sizeof(rejects) / sizeof(rejects[0]); r++) {
		struct fake f = good_fake();
		struct kernel_image k;
		char err[BOOT_ERR_LEN] = "";
		int fd, ret;

		r->breakit(&f);
		fd = unit_memfd(&f, sizeof(f));
		ret = kernel_read(&k, fd, "vmlinux", err);
		UNIT_CHECK(ret < 0 && strstr(err, r->want) &&
			   !strncmp(err, "kernel 'vmlinux'", 16),
			   "%s: kernel_read = %d, err '%s', want '%s'", r->what, ret,
			   err, r->want);
		close(fd);
	}
}

/* VMLINUX (build/vmlinux, unpacked by scripts/vmlinux.py) must boot-plan. */
static void test_real_vmlinux(void)
{
	const char *path = getenv("VMLINUX");
	struct kernel_image k;
	struct boot_layout lay;
	char err[BOOT_ERR_LEN] = "";
	int fd, r;

	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		printf("  note: no VMLINUX to read (run make first); skipped\n");
		return;
	}
	r = kernel_read(&k, fd, path, err);
	if (!r)
		r = boot_plan(&lay, &k, 256 * MiB, "console=ttyS0", NULL, 0, err);
	UNIT_CHECK(r == 0 && lay.load == 16 * MiB && lay.entry == 16 * MiB,
		   "%s: %s (load 0x%llx entry 0x%llx)", path, err,
		   (unsigned long long)lay.load, (unsigned long long)lay.entry);
	printf("  %s: %u segments, %llu bytes from 0x%llx\n", path, k.nsegs,
	       (unsigned long long)k.code_size, (unsigned long long)lay.load);
	close(fd);
}

int main(void)
{
	test_good_load();
	test_rejects();
	test_real_vmlinux();
	return unit_summary("vmlinux");
}
