// SPDX-License-Identifier: GPL-2.0
/*
 * test_bzimage.c - unit tests of the bzImage loader (tools/lguest/boot.c):
 * fake kernels crafted in memory are loaded into a buffer standing in for
 * guest RAM (layout, boot_params, e820, GDT, page tables, registers, all
 * LGUEST_MMIO_MAX virtio-mmio devices in the DSDT) or rejected with the
 * right message; then the real Debian kernels are read.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/bootparam.h>

#include "../../tools/lguest/acpi.h"
#include "../../tools/lguest/boot.h"
#include "unit.h"

#define MiB (1ULL << 20)

/* A fake kernel's knobs; fake_kernel() turns them into a file. */
struct fake {
	uint8_t setup_sects;
	uint16_t version;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t kernel_alignment;
	uint32_t init_size;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint64_t pref_address;
	uint32_t code_size;
	const char *magic;
	uint16_t boot_flag;
	uint64_t truncate_to;	/* 0: the full file */
};

static const struct fake good = {
	.setup_sects = 4,
	.version = 0x020f,
	.loadflags = LOADED_HIGH,
	.xloadflags = XLF_KERNEL_64,
	.relocatable = 1,
	.kernel_alignment = 0x200000,
	.init_size = 4 * MiB,
	.cmdline_size = 2047,
	.initrd_addr_max = 0x7fffffff,
	.pref_address = 0x1000000,
	.code_size = 64 * 1024 + 16,
	.magic = "HdrS",
	.boot_flag = 0xaa55,
};

static uint8_t code_byte(uint64_t i)
{
	return (i * 7 + 3) ^ (i >> 8);
}

static uint64_t fake_setup_size(const struct fake *f)
{
	return ((f->setup_sects ? f->setup_sects : 4) + 1) * 512ULL;
}

/* fake_kernel: a bzImage file (a memfd) as the knobs say. */
static int fake_kernel(const struct fake *f)
{
	uint64_t setup = fake_setup_size(f), len = setup + f->code_size, i;
	uint8_t *img = calloc(1, len);
	struct setup_header sh = { 0 };
	int fd;

	sh.setup_sects = f->setup_sects;
	sh.syssize = f->code_size / 16;
	sh.boot_flag = f->boot_flag;
	sh.jump = 0x6aeb;		/* jmp 0x26c: the header ends there */
	memcpy(&sh.header, f->magic, 4);
	sh.version = f->version;
	sh.loadflags = f->loadflags;
	sh.initrd_addr_max = f->initrd_addr_max;
	sh.kernel_alignment = f->kernel_alignment;
	sh.relocatable_kernel = f->relocatable;
	sh.xloadflags = f->xloadflags;
	sh.cmdline_size = f->cmdline_size;
	sh.pref_address = f->pref_address;
	sh.init_size = f->init_size;
	sh.vid_mode = 0xffff;
	memcpy(img + BOOT_HDR_OFF, &sh, sizeof(sh));
	img[0x1ef] = 0xff;		/* the sentinel, which must not be copied */
	for (i = 0; i < f->code_size; i++)
		img[setup + i] = code_byte(i);
	fd = unit_memfd(img, f->truncate_to ? f->truncate_to : len);
	free(img);
	return fd;
}

static int fake_initrd(uint64_t size)
{
	int fd = memfd_create("test_initrd", MFD_CLOEXEC);
	uint8_t tail[16];

	memset(tail, 0x5a, sizeof(tail));
	if (fd < 0 || ftruncate(fd, size) < 0 ||
	    pwrite(fd, tail, sizeof(tail), size - sizeof(tail)) != sizeof(tail)) {
		perror("initrd memfd");
		exit(2);
	}
	if (pwrite(fd, "INITRD", 6, 0) != 6)
		exit(2);
	return fd;
}

/* expect_reject: bzimage_read() refuses the kernel, saying @want. */
static void expect_reject(const char *what, const struct fake *f, const char *want)
{
	struct kernel_image bz;
	char err[BOOT_ERR_LEN] = "";
	int fd = fake_kernel(f), r;

	r = bzimage_read(&bz, fd, "vmlinuz", err);
	UNIT_CHECK(r < 0 && strstr(err, want),
		   "%s: bzimage_read = %d, err '%s', want '%s'", what, r, err, want);
	UNIT_CHECK(r >= 0 || !strncmp(err, "kernel 'vmlinuz' ", 17),
		   "%s: message '%s' does not name the file", what, err);
	close(fd);
}

/* expect_plan_fails: the kernel reads fine, boot_plan() refuses. */
static void expect_plan_fails(const char *what, const struct fake *f, uint64_t mem,
			      const char *cmdline, uint64_t initrd_size,
			      const char *want)
{
	struct kernel_image bz;
	struct boot_layout lay;
	char err[BOOT_ERR_LEN] = "";
	int fd = fake_kernel(f), r;

	r = bzimage_read(&bz, fd, "vmlinuz", err);
	UNIT_CHECK(r == 0, "%s: bzimage_read failed: %s", what, err);
	r = boot_plan(&lay, &bz, mem, cmdline, initrd_size ? "rd.img" : NULL,
		      initrd_size, err);
	UNIT_CHECK(r < 0 && strstr(err, want), "%s: boot_plan = %d, err '%s', want '%s'",
		   what, r, err, want);
	close(fd);
}

/* plan_ok: read and plan; returns the load address, or 0 on failure. */
static uint64_t plan_ok(const char *what, const struct fake *f, uint64_t mem,
			uint64_t initrd_size, struct boot_layout *lay)
{
	struct kernel_image bz;
	char err[BOOT_ERR_LEN] = "";
	int fd = fake_kernel(f), r;

	r = bzimage_read(&bz, fd, "vmlinuz", err);
	if (!r)
		r = boot_plan(lay, &bz, mem, "console=ttyS0",
			      initrd_size ? "rd.img" : NULL, initrd_size, err);
	close(fd);
	UNIT_CHECK(r == 0, "%s: %s", what, err);
	return r ? 0 : lay->load;
}

static uint64_t get64(const uint8_t *ram, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, ram + gpa, sizeof(v));
	return v;
}

/* The good kernel with an initrd and a command line, all the way in. */
static void test_good_load(void)
{
	const uint64_t mem = 64 * MiB, initrd_size = MiB + 123;
	const char *cmdline = "console=ttyS0 root=/dev/vda quiet";
	struct lguest_sregs sregs = { 0 };
	struct lguest_regs regs;
	struct boot_layout lay;
	struct kernel_image bz;
	struct boot_params *bp;
	char err[BOOT_ERR_LEN] = "";
	uint8_t *ram = calloc(1, mem);
	int kfd = fake_kernel(&good), ifd = fake_initrd(initrd_size);
	struct acpi_mmio_dev mmio[LGUEST_MMIO_MAX];
	uint64_t i, n, bad = 0;

	UNIT_CHECK(bzimage_read(&bz, kfd, "vmlinuz", err) == 0, "good kernel: %s", err);
	UNIT_CHECK(bz.setup_size == 5 * 512 && bz.code_size == good.code_size,
		   "setup_size %llu code_size %llu", (unsigned long long)bz.setup_size,
		   (unsigned long long)bz.code_size);
	UNIT_CHECK(boot_plan(&lay, &bz, mem, cmdline, "rd.img", initrd_size, err) == 0,
		   "good plan: %s", err);
	UNIT_CHECK(lay.load == 16 * MiB, "load 0x%llx, want 16 MiB", (unsigned long long)lay.load);
	UNIT_CHECK(lay.entry == 16 * MiB + 0x200, "entry 0x%llx", (unsigned long long)lay.entry);
	UNIT_CHECK(lay.load_end == 20 * MiB, "load_end 0x%llx", (unsigned long long)lay.load_end);
	UNIT_CHECK(lay.initrd == ((mem - initrd_size) & ~4095ULL) && lay.initrd >= lay.load_end &&
		   lay.initrd + initrd_size <= mem && !(lay.initrd & 4095),
		   "initrd at 0x%llx", (unsigned long long)lay.initrd);
	for (i = 0; i < LGUEST_MMIO_MAX; i++) {
		mmio[i].base = LGUEST_MMIO_BASE + i * LGUEST_MMIO_SIZE;
		mmio[i].irq = LGUEST_MMIO_IRQ_BASE + i;
	}
	UNIT_CHECK(boot_load(ram, &bz, &lay, cmdline, kfd, ifd, mmio, LGUEST_MMIO_MAX, err) == 0,
		   "boot_load with %d devices: %s", (int)LGUEST_MMIO_MAX, err);
	/* The most devices there can be all reach the DSDT below 1 MiB. */
	for (i = BOOT_ACPI, n = 0; i + 9 <= BOOT_ACPI_END; i++)
		n += !memcmp(ram + i, "LNRO0005", 9);
	UNIT_CHECK(n == LGUEST_MMIO_MAX, "%llu LNRO0005 devices in the ACPI tables, want %d",
		   (unsigned long long)n, (int)LGUEST_MMIO_MAX);

	for (i = 0; i < good.code_size; i++)
		bad += ram[lay.load + i] != code_byte(i);
	UNIT_CHECK(bad == 0, "%llu kernel bytes wrong at the load address",
		   (unsigned long long)bad);
	UNIT_CHECK(ram[lay.load + good.code_size] == 0 && ram[lay.load - 1] == 0,
		   "kernel bytes outside [load, load + code)");
	UNIT_CHECK(!memcmp(ram + lay.initrd, "INITRD", 6) &&
		   ram[lay.initrd + initrd_size - 1] == 0x5a &&
		   ram[lay.initrd + initrd_size] == 0, "initrd not where planned");
	UNIT_CHECK(!strcmp((char *)ram + BOOT_CMDLINE, cmdline), "command line not at 0x20000");

	bp = (struct boot_params *)(ram + BOOT_PARAMS);
	UNIT_CHECK(!memcmp(&bp->hdr.header, "HdrS", 4) && bp->hdr.version == 0x020f &&
		   bp->hdr.boot_flag == 0xaa55 && bp->hdr.setup_sects == 4 &&
		   bp->hdr.init_size == 4 * MiB && bp->hdr.vid_mode == 0xffff,
		   "setup header not copied into boot_params");
	UNIT_CHECK(bp->sentinel == 0, "sentinel copied: 0x%x", bp->sentinel);
	UNIT_CHECK(bp->hdr.type_of_loader == 0xff, "type_of_loader 0x%x", bp->hdr.type_of_loader);
	UNIT_CHECK(bp->hdr.cmd_line_ptr == BOOT_CMDLINE && bp->ext_cmd_line_ptr == 0,
		   "cmd_line_ptr 0x%x", bp->hdr.cmd_line_ptr);
	UNIT_CHECK(bp->hdr.ramdisk_image == lay.initrd && bp->hdr.ramdisk_size == initrd_size &&
		   bp->ext_ramdisk_image == 0 && bp->ext_ramdisk_size == 0,
		   "ramdisk 0x%x+0x%x", bp->hdr.ramdisk_image, bp->hdr.ramdisk_size);
	UNIT_CHECK(bp->hdr.code32_start == lay.load, "code32_start 0x%x", bp->hdr.code32_start);
	UNIT_CHECK(bp->acpi_rsdp_addr == BOOT_ACPI && !memcmp(ram + BOOT_ACPI, "RSD PTR ", 8),
		   "acpi_rsdp_addr 0x%llx", (unsigned long long)bp->acpi_rsdp_addr);
	UNIT_CHECK(bp->e820_entries == 3, "e820_entries %u", bp->e820_entries);
	UNIT_CHECK(bp->e820_table[0].addr == 0 && bp->e820_table[0].size == 0x9fc00 &&
		   bp->e820_table[0].type == 1, "e820[0] wrong");
	UNIT_CHECK(bp->e820_table[1].addr == 0x9fc00 &&
		   bp->e820_table[1].size == 0x100000 - 0x9fc00 &&
		   bp->e820_table[1].type == 2, "e820[1] wrong");
	UNIT_CHECK(bp->e820_table[2].addr == 0x100000 && bp->e820_table[2].size == mem - 0x100000 &&
		   bp->e820_table[2].type == 1, "e820[2] wrong");

	UNIT_CHECK(get64(ram, BOOT_GDT) == 0 && get64(ram, BOOT_GDT + 8) == 0 &&
		   get64(ram, BOOT_GDT + 0x10) == 0x00af9b000000ffffULL &&
		   get64(ram, BOOT_GDT + 0x18) == 0x00cf93000000ffffULL, "GDT wrong");
	UNIT_CHECK(get64(ram, BOOT_PML4) == (BOOT_PML4 + 0x1000 + 3) &&
		   get64(ram, BOOT_PML4 + 0x1000) == (BOOT_PML4 + 0x2000 + 3) &&
		   get64(ram, BOOT_PML4 + 0x2000) == 0x83 &&
		   get64(ram, BOOT_PML4 + 0x2000 + 31 * 8) == ((31ULL << 21) | 0x83) &&
		   get64(ram, BOOT_PML4 + 0x2000 + 32 * 8) == 0, "page tables wrong");

	boot_set_regs(&lay, &sregs, &regs);
	UNIT_CHECK(sregs.cs.selector == 0x10 && sregs.cs.attrib == 0xa9b &&
		   sregs.ds.selector == 0x18 && sregs.ds.attrib == 0xc93 &&
		   sregs.es.selector == 0x18 && sregs.ss.selector == 0x18 &&
		   sregs.fs.selector == 0 && sregs.gs.selector == 0, "segments wrong");
	UNIT_CHECK(sregs.gdt.base == 0x800 && sregs.gdt.limit == 31, "GDTR wrong");
	UNIT_CHECK(sregs.cr0 == 0x80010033 && sregs.cr3 == BOOT_PML4 && sregs.cr4 == 0x620 &&
		   sregs.efer == 0xd00, "control registers wrong");
	UNIT_CHECK(regs.rip == 16 * MiB + 0x200 && regs.rsi == BOOT_PARAMS && regs.rflags == 2,
		   "rip 0x%llx rsi 0x%llx", (unsigned long long)regs.rip,
		   (unsigned long long)regs.rsi);
	close(kfd);
	close(ifd);
	free(ram);
}

static void test_placement(void)
{
	struct boot_layout lay;
	struct fake f;

	f = good;
	f.setup_sects = 0;		/* means 4 */
	plan_ok("setup_sects 0", &f, 64 * MiB, 0, &lay);

	f = good;
	f.relocatable = 0;
	f.pref_address = 0x2000000;
	UNIT_CHECK(plan_ok("not relocatable", &f, 64 * MiB, 0, &lay) == 32 * MiB,
		   "non-relocatable kernel not at its pref_address");

	f = good;
	f.kernel_alignment = 32 * MiB;
	UNIT_CHECK(plan_ok("32M alignment", &f, 64 * MiB, 0, &lay) == 32 * MiB,
		   "16 MiB not aligned up to kernel_alignment");

	f = good;
	f.initrd_addr_max = 0x1ffffff;
	plan_ok("initrd_addr_max", &f, 64 * MiB, MiB, &lay);
	UNIT_CHECK(lay.initrd == 31 * MiB, "initrd at 0x%llx, want below initrd_addr_max",
		   (unsigned long long)lay.initrd);

	/* The initrd may end exactly where the kernel's init_size ends. */
	plan_ok("initrd just fits", &good, 64 * MiB, 44 * MiB, &lay);
	UNIT_CHECK(lay.initrd == lay.load_end, "initrd 0x%llx", (unsigned long long)lay.initrd);
	plan_ok("kernel just fits", &good, 20 * MiB, 0, &lay);
	plan_ok("3 GiB", &good, LGUEST_RAM_LIMIT, 0, &lay);
}

/* One malformed header per row: what to break, what the refusal says. */
static void no_hdrs(struct fake *f)	{ f->magic = "HdrX"; }
static void no_flag(struct fake *f)	{ f->boot_flag = 0; }
static void old(struct fake *f)		{ f->version = 0x020b; }
static void only32(struct fake *f)	{ f->xloadflags = 0; }
static void zimage(struct fake *f)	{ f->loadflags = 0; }
static void truncated(struct fake *f)	{ f->truncate_to = 0x300; }
static void tiny(struct fake *f)	{ f->truncate_to = 0x100; }
static void misaligned(struct fake *f)	{ f->kernel_alignment = 0x300000; }

static const struct reject {
	const char *what;
	void (*breakit)(struct fake *f);
	const char *want;
} rejects[] = {
	{ "no HdrS",	no_hdrs,	"is not a bzImage (no HdrS header)" },
	{ "no boot flag", no_flag,	"is not a bzImage (no boot flag 0xAA55" },
	{ "protocol 2.11", old,		"boot protocol 2.11, too old" },
	{ "32-bit only", only32,	"is not 64-bit capable" },
	{ "zImage",	zimage,		"is not a bzImage (a zImage" },
	{ "truncated",	truncated,	"is truncated" },
	{ "tiny",	tiny,		"is not a bzImage (only 256 bytes)" },
	{ "bad alignment", misaligned,	"bad kernel_alignment" },
};

static void test_rejects(void)
{
	const struct reject *r;
	struct fake f;
	char longline[40];

	for (r = rejects; r < rejects + sizeof(rejects) / sizeof(rejects[0]); r++) {
		f = good;
		r->breakit(&f);
		expect_reject(r->what, &f, r->want);
	}

	f = good;
	f.cmdline_size = 16;
	memset(longline, 'x', sizeof(longline));
	longline[17] = '\0';
	expect_plan_fails("cmdline too long", &f, 64 * MiB, longline, 0,
			  "command line is 17 bytes, the kernel takes at most 16");
	longline[16] = '\0';
	{
		struct kernel_image bz;
		struct boot_layout lay;
		char err[BOOT_ERR_LEN] = "";
		int fd = fake_kernel(&f);

		UNIT_CHECK(bzimage_read(&bz, fd, "vmlinuz", err) == 0 &&
			   boot_plan(&lay, &bz, 64 * MiB, longline, NULL, 0, err) == 0,
			   "a 16-byte command line should fit in cmdline_size 16: %s", err);
		close(fd);
	}
	expect_plan_fails("initrd too big", &good, 64 * MiB, "", 44 * MiB + 1,
			  "initrd 'rd.img' (45 MiB) does not fit in 64 MiB of guest RAM with the kernel; use a larger --mem");
	expect_plan_fails("initrd larger than RAM", &good, 64 * MiB, "", 65 * MiB,
			  "does not fit in 64 MiB");
	expect_plan_fails("RAM too small", &good, 18 * MiB, "", 0,
			  "kernel 'vmlinuz' needs 20 MiB of guest RAM");
	expect_plan_fails("RAM over 3 GiB", &good, LGUEST_RAM_LIMIT + 2 * MiB, "", 0,
			  "at most 3 GiB");
	f = good;
	f.relocatable = 0;
	f.pref_address = 0x1000;
	expect_plan_fails("fixed below 1 MiB", &f, 64 * MiB, "", 0, "not relocatable");
}

/* The real Debian kernels (HOST_KERNEL, GUEST2_KERNEL) must be accepted. */
static void test_real_kernel(const char *var)
{
	const char *path = getenv(var);
	const uint64_t mem = 128 * MiB;
	struct boot_layout lay;
	struct kernel_image bz;
	char err[BOOT_ERR_LEN] = "";
	uint8_t *ram, want[64];
	int fd, r;

	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		printf("  note: no %s to read (run make first); skipped\n", var);
		return;
	}
	r = bzimage_read(&bz, fd, path, err);
	if (!r)
		r = boot_plan(&lay, &bz, mem, "console=ttyS0", NULL, 0, err);
	UNIT_CHECK(r == 0, "%s: %s", var, err);
	if (r) {
		close(fd);
		return;
	}
	printf("  %s: protocol %u.%02u, setup %llu, code %llu bytes at 0x%llx, init_size 0x%x, cmdline_size %u, initrd_addr_max 0x%x\n",
	       var, bz.version >> 8, bz.version & 0xff, (unsigned long long)bz.setup_size,
	       (unsigned long long)bz.code_size, (unsigned long long)lay.load,
	       bz.init_size, bz.cmdline_size, bz.initrd_addr_max);
	UNIT_CHECK(lay.load == 16 * MiB && bz.init_size >= bz.code_size,
		   "%s at 0x%llx", var, (unsigned long long)lay.load);
	ram = calloc(1, mem);
	UNIT_CHECK(boot_load(ram, &bz, &lay, "console=ttyS0", fd, -1, NULL, 0, err) == 0,
		   "%s load: %s", var, err);
	UNIT_CHECK(pread(fd, want, sizeof(want), bz.setup_size + 0x200) == sizeof(want) &&
		   !memcmp(ram + lay.entry, want, sizeof(want)),
		   "%s: startup_64 is not at the entry point", var);
	free(ram);
	close(fd);
}

int main(void)
{
	test_good_load();
	test_placement();
	test_rejects();
	test_real_kernel("HOST_KERNEL");
	if (getenv("GUEST2_KERNEL"))
		test_real_kernel("GUEST2_KERNEL");
	return unit_summary("bzimage");
}
