// SPDX-License-Identifier: GPL-2.0
/*
 * test_acpi.c - unit tests of the guest's ACPI tables (tools/lguest/acpi.c):
 * checksums, lengths and pointers from the RSDP down, the FADT and MADT
 * fields, AML PkgLength at its encoding boundaries, the virtio-mmio
 * devices of the DSDT, and, when iasl is installed (acpica-tools), that
 * ACPICA's disassembler reads every table and finds each device.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/lguest.h>

#include "../../tools/lguest/acpi.h"
#include "unit.h"

#define GPA	0xe0000
#define CAP	0x20000

static uint8_t ram[CAP];

static uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

/* table: the table at @gpa, checked: inside the buffer, checksum 0, @sig. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	UNIT_CHECK(gpa >= GPA && gpa + ACPI_HDR_LEN <= GPA + CAP,
		   "%s at 0x%llx, outside the tables", sig, (unsigned long long)gpa);
	if (gpa < GPA || gpa + ACPI_HDR_LEN > GPA + CAP)
		return NULL;
	t = ram + (gpa - GPA);
	len = get32(t + 4);
	UNIT_CHECK(!memcmp(t, sig, 4), "want %s at 0x%llx, found %.4s", sig,
		   (unsigned long long)gpa, (const char *)t);
	UNIT_CHECK(len >= ACPI_HDR_LEN && gpa + len <= GPA + CAP, "%s length %u", sig, len);
	if (len < ACPI_HDR_LEN || gpa + len > GPA + CAP)
		return NULL;
	UNIT_CHECK(acpi_checksum(t, len) == 0, "%s checksum sums to 0x%02x", sig,
		   acpi_checksum(t, len));
	UNIT_CHECK(!memcmp(t + 10, "LGUEST", 6), "%s OEM ID '%.6s'", sig, (const char *)t + 10);
	return t;
}

static void check_gas_io8(const uint8_t *g, uint16_t port, const char *what)
{
	UNIT_CHECK(g[0] == 1 && g[1] == 8 && g[2] == 0 && g[3] == 1 && get64(g + 4) == port,
		   "%s: GAS %02x %02x %02x %02x 0x%llx, want SystemIO 8-bit at 0x%x", what,
		   g[0], g[1], g[2], g[3], (unsigned long long)get64(g + 4), port);
}

static const uint8_t *find(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	return memmem(hay, n, needle, m);
}

static const struct acpi_mmio_dev devs[3] = {
	{ LGUEST_MMIO_BASE, LGUEST_MMIO_IRQ_BASE },
	{ LGUEST_MMIO_BASE + LGUEST_MMIO_SIZE, LGUEST_MMIO_IRQ_BASE + 1 },
	{ LGUEST_MMIO_BASE + 2 * LGUEST_MMIO_SIZE, LGUEST_MMIO_IRQ_BASE + 2 },
};

/* count: how many times @needle occurs in @hay. */
static unsigned int count(const void *hay, size_t n, const void *needle, size_t m)
{
	const uint8_t *p = hay, *end = p + n;
	unsigned int c = 0;

	while (p < end && (p = memmem(p, end - p, needle, m))) {
		c++;
		p += m;
	}
	return c;
}

/* The AML of each device's _CRS: Memory32Fixed, then Interrupt. */
static void check_dsdt_devs(const uint8_t *dsdt, size_t n, unsigned int ndevs)
{
	unsigned int i;

	UNIT_CHECK(count(dsdt, n, "LNRO0005", 9) == ndevs, "%u LNRO0005 in the DSDT, want %u",
		   count(dsdt, n, "LNRO0005", 9), ndevs);
	for (i = 0; i < ndevs; i++) {
		uint8_t crs[12 + 9] = { 0x86, 0x09, 0x00, 0x01 };

		memcpy(crs + 4, &(uint32_t){ devs[i].base }, 4);
		memcpy(crs + 8, &(uint32_t){ LGUEST_MMIO_SIZE }, 4);
		memcpy(crs + 12, "\x89\x06\x00\x01\x01", 5);
		memcpy(crs + 17, &devs[i].irq, 4);
		UNIT_CHECK(count(dsdt, n, crs, sizeof(crs)) == 1,
			   "device %u: no _CRS with Memory32Fixed 0x%llx and Interrupt %u", i,
			   (unsigned long long)devs[i].base, devs[i].irq);
	}
}

/* nstr: how many times the string @word occurs in the first @n bytes of @p. */
static unsigned int nstr(const char *p, size_t n, const char *word)
{
	return count(p, n, word, strlen(word));
}

/*
 * check_dsl_devs: iasl's text has each device VR0i, in order, with its
 * _HID, window and interrupt, and nothing else called LNRO0005.
 */
static void check_dsl_devs(const char *text, unsigned int ndevs)
{
	unsigned int i;

	size_t len = strlen(text);

	UNIT_CHECK(nstr(text, len, "\"LNRO0005\"") == ndevs,
		   "iasl lists LNRO0005 %u times, want %u",
		   nstr(text, len, "\"LNRO0005\""), ndevs);
	UNIT_CHECK(nstr(text, len, "Memory32Fixed (ReadWrite,") == ndevs,
		   "iasl lists Memory32Fixed %u times, want %u",
		   nstr(text, len, "Memory32Fixed (ReadWrite,"), ndevs);
	for (i = 0; i < ndevs; i++) {
		char dev[32], base[64], irq[32];
		const char *p, *next;

		snprintf(dev, sizeof(dev), "Device (VR%02u)", i);
		snprintf(base, sizeof(base), "0x%08llX,         // Address Base",
			 (unsigned long long)devs[i].base);
		snprintf(irq, sizeof(irq), "0x%08X,", devs[i].irq);
		p = strstr(text, dev);
		UNIT_CHECK(p, "iasl: no %s", dev);
		if (!p)
			continue;
		next = strstr(p + 1, "Device (");
		if (!next)
			next = p + strlen(p);
		UNIT_CHECK(nstr(p, next - p, "\"LNRO0005\"") == 1 &&
			   nstr(p, next - p, base) == 1 &&
			   nstr(p, next - p, "0x00001000,         // Address Length") == 1 &&
			   nstr(p, next - p, "Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive") == 1 &&
			   nstr(p, next - p, irq) == 1,
			   "iasl: %s is not LNRO0005 at %s with interrupt %u: %.*s", dev, base,
			   devs[i].irq, (int)(next - p), p);
	}
}

/* iasl: disassemble one table; its .dsl must exist and mention @words. */
static void iasl_check(const char *dir, const char *name, const uint8_t *t,
		       const char *const *words, unsigned int ndevs)
{
	char path[256], cmd[600], *text;
	FILE *f;
	long n;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(t, get32(t + 4), 1, f) != 1 || fclose(f)) {
		UNIT_CHECK(0, "cannot write %s", path);
		return;
	}
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat > %s.log 2>&1", dir, name, name);
	rc = system(cmd);
	UNIT_CHECK(rc == 0, "iasl -d %s failed (status %d); see %s/%s.log", name, rc, dir, name);
	snprintf(path, sizeof(path), "%s/%s.dsl", dir, name);
	f = fopen(path, "r");
	UNIT_CHECK(f, "iasl wrote no %s", path);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, n + 1);
	if (fread(text, 1, n, f) != (size_t)n)
		n = 0;
	fclose(f);
	for (; *words; words++)
		UNIT_CHECK(strstr(text, *words), "iasl's %s.dsl does not mention '%s'",
			   name, *words);
	UNIT_CHECK(!strstr(text, "Incorrect checksum") && !strstr(text, "Invalid"),
		   "iasl found something wrong in %s", name);
	if (!strcmp(name, "dsdt"))
		check_dsl_devs(text, ndevs);
	free(text);
}

static void check_tables(unsigned int ndevs)
{
	const uint8_t *r = ram, *x, *fadt, *madt, *dsdt;
	size_t len;
	uint32_t flags;

	memset(ram, 0xcc, sizeof(ram));
	len = acpi_build(ram, CAP, GPA, devs, ndevs);
	UNIT_CHECK(len > 0 && len <= CAP, "acpi_build = %zu", len);
	if (!len)
		return;

	UNIT_CHECK(!memcmp(r, "RSD PTR ", 8), "no RSDP signature at the start");
	UNIT_CHECK(acpi_checksum(r, 20) == 0, "RSDP checksum (20 bytes) 0x%02x",
		   acpi_checksum(r, 20));
	UNIT_CHECK(acpi_checksum(r, 36) == 0, "RSDP extended checksum 0x%02x",
		   acpi_checksum(r, 36));
	UNIT_CHECK(r[15] == 2 && get32(r + 20) == 36 && !memcmp(r + 9, "LGUEST", 6),
		   "RSDP revision %u length %u", r[15], get32(r + 20));

	x = table(get64(r + 24), "XSDT");
	if (!x)
		return;
	UNIT_CHECK(get32(x + 4) == ACPI_HDR_LEN + 16, "XSDT length %u", get32(x + 4));
	fadt = table(get64(x + 36), "FACP");
	madt = table(get64(x + 44), "APIC");
	if (!fadt || !madt)
		return;

	UNIT_CHECK(get32(fadt + 4) == 276 && fadt[8] == 6, "FADT length %u revision %u",
		   get32(fadt + 4), fadt[8]);
	flags = get32(fadt + 112);
	UNIT_CHECK(flags == ((1u << 20) | (1u << 10) | (1u << 19)),
		   "FADT flags 0x%x: want HW_REDUCED_ACPI, RESET_REG_SUP, FORCE_APIC_PHYSICAL", flags);
	UNIT_CHECK(get16(fadt + 109) == ((1 << 2) | (1 << 5)), "IAPC_BOOT_ARCH 0x%x",
		   get16(fadt + 109));
	check_gas_io8(fadt + 116, LGUEST_PM_RESET, "RESET_REG");
	UNIT_CHECK(fadt[128] == LGUEST_PM_RESET_VALUE, "RESET_VALUE 0x%x", fadt[128]);
	check_gas_io8(fadt + 244, LGUEST_PM_SLEEP_CTL, "SLEEP_CONTROL_REG");
	check_gas_io8(fadt + 256, LGUEST_PM_SLEEP_STS, "SLEEP_STATUS_REG");
	UNIT_CHECK(!memcmp(fadt + 268, "LGUEST", 6), "hypervisor vendor '%.8s'",
		   (const char *)fadt + 268);
	UNIT_CHECK(get32(fadt + 40) == 0, "32-bit DSDT set as well as X_DSDT");
	dsdt = table(get64(fadt + 140), "DSDT");

	UNIT_CHECK(get32(madt + 4) == 44 + 8 + 12, "MADT length %u", get32(madt + 4));
	UNIT_CHECK(get32(madt + 36) == LGUEST_LAPIC_BASE && get32(madt + 40) == 0,
		   "MADT LAPIC 0x%x flags 0x%x", get32(madt + 36), get32(madt + 40));
	UNIT_CHECK(madt[44] == 0 && madt[45] == 8 && madt[46] == 0 && madt[47] == 0 &&
		   get32(madt + 48) == 1, "MADT local APIC entry wrong");
	UNIT_CHECK(madt[52] == 1 && madt[53] == 12 && madt[54] == 0 &&
		   get32(madt + 56) == LGUEST_IOAPIC_BASE && get32(madt + 60) == 0,
		   "MADT IOAPIC entry wrong");
	if (!dsdt)
		return;
	UNIT_CHECK((size_t)(dsdt - ram) + get32(dsdt + 4) == len,
		   "DSDT does not end the tables: %zu + %u != %zu",
		   (size_t)(dsdt - ram), get32(dsdt + 4), len);
	{
		static const uint8_t pnp0501[] = { 0x0c, 0x41, 0xd0, 0x05, 0x01 };
		static const uint8_t s5[] = { 0x08, 0x5c, '_', 'S', '5', '_', 0x12 };
		static const uint8_t com1_io[] = { 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,
						   0x22, 0x10, 0x00, 0x79, 0x00 };
		size_t n = get32(dsdt + 4);

		UNIT_CHECK(find(dsdt, n, pnp0501, sizeof(pnp0501)), "no EISAID(PNP0501) in DSDT");
		UNIT_CHECK(find(dsdt, n, com1_io, sizeof(com1_io)), "COM1 _CRS bytes wrong");
		UNIT_CHECK(find(dsdt, n, "QEMU0001", 9), "no QEMU0001 in DSDT");
		UNIT_CHECK(find(dsdt, n, s5, sizeof(s5)), "no Name(\\_S5, Package) in DSDT");
		check_dsdt_devs(dsdt, n, ndevs);
	}

	if (system("command -v iasl > /dev/null 2>&1")) {
		printf("  note: iasl not installed (acpica-tools); disassembly skipped\n");
		return;
	}
	{
		char dir[] = "/tmp/test_acpi.XXXXXX", cmd[64];
		const char *dsdt_words[] = { "PNP0501", "QEMU0001", "_S5", "COM1", "PEVT",
					     "IRQNoFlags", NULL };
		const char *dsdt_dev_words[] = { "PNP0501", "QEMU0001", "_S5", "LNRO0005",
						 "0xD0002000", "Memory32Fixed", "Level", NULL };
		const char *fadt_words[] = { "Hardware Reduced (V5) : 1", "LGUEST", NULL };
		const char *madt_words[] = { "FEC00000", "FEE00000", NULL };

		if (!mkdtemp(dir)) {
			UNIT_CHECK(0, "mkdtemp failed");
			return;
		}
		iasl_check(dir, "dsdt", dsdt, ndevs ? dsdt_dev_words : dsdt_words, ndevs);
		iasl_check(dir, "facp", fadt, fadt_words, 0);
		iasl_check(dir, "apic", madt, madt_words, 0);
		if (!unit_failures) {
			snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
			if (system(cmd))
				printf("  note: could not remove %s\n", dir);
		}
	}
}

/* Encodings of a PkgLength value, by hand from the spec's rules. */
static void expect_pkglen(uint32_t v, int n, const uint8_t *want)
{
	uint8_t out[4] = { 0 };
	int got = aml_pkglen_encode(out, v);

	UNIT_CHECK(got == n && (!n || !memcmp(out, want, n)),
		   "PkgLength %u: %d bytes %02x %02x %02x %02x, want %d", v, got,
		   out[0], out[1], out[2], out[3], n);
}

/* decode: a PkgLength at @p; sets *@n to its size in bytes. */
static uint32_t decode(const uint8_t *p, int *n)
{
	uint32_t v;
	int i;

	*n = 1 + (p[0] >> 6);
	if (*n == 1)
		return p[0] & 0x3f;
	v = p[0] & 0xf;
	for (i = 1; i < *n; i++)
		v |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return v;
}

/* A Scope with @body bytes of contents: PkgLength counts itself too. */
static void expect_package(size_t body, int want_n)
{
	static uint8_t buf[1 << 21];
	struct aml a;
	size_t mark, i;
	uint32_t v;
	int n, bad = 0;

	aml_init(&a, buf, sizeof(buf));
	aml_byte(&a, 0x10);
	mark = aml_open(&a);
	for (i = 0; i < body; i++)
		aml_byte(&a, i * 13);
	aml_close(&a, mark);
	v = decode(buf + 1, &n);
	for (i = 0; i < body; i++)
		bad += buf[1 + n + i] != (uint8_t)(i * 13);
	UNIT_CHECK(!a.overflow && n == want_n && v == body + n && a.len == 1 + n + body && !bad,
		   "package of %zu bytes: PkgLength %u in %d bytes (want %zu in %d), %d bytes moved wrong",
		   body, v, n, body + want_n, want_n, bad);
}

static void test_aml(void)
{
	uint8_t buf[64];
	struct aml a;

	expect_pkglen(0, 1, (const uint8_t[]){ 0x00 });
	expect_pkglen(63, 1, (const uint8_t[]){ 0x3f });
	expect_pkglen(64, 2, (const uint8_t[]){ 0x40, 0x04 });
	expect_pkglen(4095, 2, (const uint8_t[]){ 0x4f, 0xff });
	expect_pkglen(4096, 3, (const uint8_t[]){ 0x80, 0x00, 0x01 });
	expect_pkglen(0xfffff, 3, (const uint8_t[]){ 0x8f, 0xff, 0xff });
	expect_pkglen(0x100000, 4, (const uint8_t[]){ 0xc0, 0x00, 0x00, 0x01 });
	expect_pkglen(0xfffffff, 4, (const uint8_t[]){ 0xcf, 0xff, 0xff, 0xff });
	expect_pkglen(0x10000000, 0, NULL);

	/* Contents of 62 bytes make 63 with one PkgLength byte; 63 need two. */
	expect_package(0, 1);
	expect_package(62, 1);
	expect_package(63, 2);
	expect_package(64, 2);
	expect_package(4093, 2);
	expect_package(4094, 3);
	expect_package(4095, 3);
	expect_package(4096, 3);
	expect_package(0xffffc, 3);
	expect_package(0xffffd, 4);

	aml_init(&a, buf, sizeof(buf));
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 5);
	aml_integer(&a, 0x1234);
	aml_integer(&a, 0xd0000000);
	aml_integer(&a, 0x100000000ULL);
	aml_eisaid(&a, "PNP0501");
	aml_namestring(&a, "\\_SB");
	UNIT_CHECK(!a.overflow && a.len == 1 + 1 + 2 + 3 + 5 + 9 + 5 + 5 &&
		   !memcmp(buf, "\x00\x01\x0a\x05\x0b\x34\x12\x0c\x00\x00\x00\xd0"
			   "\x0e\x00\x00\x00\x00\x01\x00\x00\x00"
			   "\x0c\x41\xd0\x05\x01\x5c_SB_", a.len),
		   "integer/EISAID/NameString encodings wrong (len %zu)", a.len);
	aml_init(&a, buf, sizeof(buf));
	aml_namestring(&a, "com1");
	UNIT_CHECK(a.overflow, "lower-case NameSeg accepted");
	aml_init(&a, buf, 4);
	aml_string(&a, "QEMU0001");
	UNIT_CHECK(a.overflow, "overflow not noticed");
	UNIT_CHECK(acpi_build(ram, 200, GPA, NULL, 0) == 0, "tables built into 200 bytes");
}

int main(void)
{
	test_aml();
	check_tables(0);
	check_tables(3);
	return unit_summary("acpi");
}
