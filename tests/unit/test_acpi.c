// SPDX-License-Identifier: GPL-2.0
/*
 * test_acpi.c - unit tests of the guest's ACPI tables (tools/lguest/acpi.c):
 * checksums, lengths and pointers from the RSDP down, the FADT and MADT
 * fields, every virtio-mmio window of the DSDT with its _STA on or off, the
 * windows it refuses, and the round trip: "iasl -d" reads each table the
 * launcher builds, and iasl compiles what it wrote back to the same bytes.
 */
#include <stdbool.h>
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

/* A window as the launcher hands it over: slot @i's base and IRQ. */
static struct acpi_mmio_dev slot(unsigned int i)
{
	return (struct acpi_mmio_dev){ LGUEST_MMIO_BASE + i * LGUEST_MMIO_SIZE,
				       LGUEST_MMIO_IRQ_BASE + i };
}

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

/* nstr: how many times the string @word occurs in the first @n bytes of @p. */
static unsigned int nstr(const char *p, size_t n, const char *word)
{
	return count(p, n, word, strlen(word));
}

/*
 * check_dsdt_windows: every window is in the AML, once, with its _CRS
 * (Memory32Fixed, then Interrupt), and its _STA is 0x0F if @on says so,
 * else 0.
 */
static void check_dsdt_windows(const uint8_t *dsdt, size_t n, const bool *on)
{
	unsigned int i;

	UNIT_CHECK(count(dsdt, n, "LNRO0005", 9) == LGUEST_MMIO_MAX,
		   "%u LNRO0005 in the DSDT, want %u", count(dsdt, n, "LNRO0005", 9),
		   (unsigned int)LGUEST_MMIO_MAX);
	for (i = 0; i < LGUEST_MMIO_MAX; i++) {
		struct acpi_mmio_dev d = slot(i);
		uint8_t crs[12 + 9] = { 0x86, 0x09, 0x00, 0x01 };
		const uint8_t *dev, *sta;
		char name[8];

		memcpy(crs + 4, &(uint32_t){ d.base }, 4);
		memcpy(crs + 8, &(uint32_t){ LGUEST_MMIO_SIZE }, 4);
		memcpy(crs + 12, "\x89\x06\x00\x01\x01", 5);
		memcpy(crs + 17, &d.irq, 4);
		UNIT_CHECK(count(dsdt, n, crs, sizeof(crs)) == 1,
			   "window %u: no _CRS with Memory32Fixed 0x%llx and Interrupt %u", i,
			   (unsigned long long)d.base, d.irq);
		snprintf(name, sizeof(name), "VR%02u", i);
		dev = memmem(dsdt, n, name, 4);
		sta = dev ? memmem(dev, dsdt + n - dev, "\x08_STA\x0a", 6) : NULL;
		UNIT_CHECK(sta && sta + 6 < dsdt + n && sta[6] == (on[i] ? 0x0f : 0),
			   "window %u: _STA %s, want 0x%02x", i, sta ? "wrong" : "missing",
			   on[i] ? 0x0f : 0);
	}
}

/*
 * check_dsl_windows: in iasl's text each device VRnn has its _HID, window,
 * interrupt and _STA, and there is nothing else called LNRO0005.
 */
static void check_dsl_windows(const char *text, const bool *on)
{
	size_t len = strlen(text);
	unsigned int i;

	UNIT_CHECK(nstr(text, len, "\"LNRO0005\"") == LGUEST_MMIO_MAX,
		   "iasl lists LNRO0005 %u times", nstr(text, len, "\"LNRO0005\""));
	for (i = 0; i < LGUEST_MMIO_MAX; i++) {
		struct acpi_mmio_dev d = slot(i);
		char dev[32], base[64], irq[32], sta[32];
		const char *p, *next;

		snprintf(dev, sizeof(dev), "Device (VR%02u)", i);
		snprintf(base, sizeof(base), "0x%08llX,         // Address Base",
			 (unsigned long long)d.base);
		snprintf(irq, sizeof(irq), "0x%08X,", d.irq);
		snprintf(sta, sizeof(sta), "Name (_STA, 0x%02X)", on[i] ? 0x0f : 0);
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
			   nstr(p, next - p, irq) == 1 && nstr(p, next - p, sta) == 1,
			   "iasl: %s is not LNRO0005 at %s, interrupt %u, %s: %.*s", dev, base,
			   d.irq, sta, (int)(next - p), p);
	}
}

/* slurp: the whole of @path as a string (free it), or NULL. */
static char *slurp(const char *path, size_t *len)
{
	char *text = NULL;
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0) {
		rewind(f);
		text = calloc(1, n + 1);
		if (text && fread(text, 1, n, f) != (size_t)n) {
			free(text);
			text = NULL;
		}
		*len = n;
	}
	fclose(f);
	return text;
}

/*
 * round_trip: write table @t to @dir/@name.dat, disassemble it with
 * "iasl -d" (which must find nothing wrong, and write @words), compile the
 * .dsl back and compare.  The DSDT must come back byte for byte (with -oi,
 * as tools/lguest/Makefile compiles dsdt.asl); the data tables all but
 * their checksum and creator ID and revision, which iasl sets to its own.
 */
static void round_trip(const char *dir, const char *name, const uint8_t *t,
		       const char *const *words, const bool *on)
{
	bool dsdt = !memcmp(t, "DSDT", 4);
	uint32_t len = get32(t + 4);
	char path[256], cmd[600], *text, *back;
	size_t n, i;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(t, len, 1, f) != 1 || fclose(f)) {
		UNIT_CHECK(0, "cannot write %s", path);
		return;
	}
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat > %s.log 2>&1", dir, name, name);
	rc = system(cmd);
	UNIT_CHECK(rc == 0, "iasl -d %s failed (status %d); see %s/%s.log", name, rc, dir, name);
	snprintf(path, sizeof(path), "%s/%s.dsl", dir, name);
	text = slurp(path, &n);
	UNIT_CHECK(text, "iasl wrote no %s", path);
	if (!text)
		return;
	for (; *words; words++)
		UNIT_CHECK(strstr(text, *words), "iasl's %s.dsl does not mention '%s'",
			   name, *words);
	UNIT_CHECK(!strstr(text, "Incorrect checksum") && !strstr(text, "Invalid"),
		   "iasl found something wrong in %s", name);
	if (dsdt)
		check_dsl_windows(text, on);
	free(text);

	snprintf(cmd, sizeof(cmd), "cd %s && iasl %s -p %s-back %s.dsl >> %s.log 2>&1",
		 dir, dsdt ? "-oi" : "", name, name, name);
	rc = system(cmd);
	UNIT_CHECK(rc == 0, "iasl cannot compile its own %s.dsl (status %d); see %s/%s.log",
		   name, rc, dir, name);
	snprintf(path, sizeof(path), "%s/%s-back.aml", dir, name);
	back = slurp(path, &n);
	UNIT_CHECK(back && n == len, "%s compiles back to %zu bytes, not %u", name,
		   back ? n : 0, len);
	for (i = 0; back && n == len && i < len; i++) {
		bool iasl_own = !dsdt && (i == 9 || (i >= 28 && i < 36));

		UNIT_CHECK(iasl_own || (uint8_t)back[i] == t[i],
			   "%s byte %zu is 0x%02x, back from iasl 0x%02x", name, i, t[i],
			   (uint8_t)back[i]);
	}
	free(back);
}

/*
 * check_tables: build the tables for a device in each window @on says and
 * @ncpus vCPUs.
 */
static void check_tables(const bool *on, bool iasl, unsigned int ncpus)
{
	const uint8_t *r = ram, *x, *fadt, *madt, *dsdt, *io;
	struct acpi_mmio_dev devs[LGUEST_MMIO_MAX];
	unsigned int i, ndevs = 0;
	uint32_t flags;
	size_t len;

	for (i = 0; i < LGUEST_MMIO_MAX; i++)
		if (on[i])
			devs[ndevs++] = slot(i);
	memset(ram, 0xcc, sizeof(ram));
	len = acpi_build(ram, CAP, GPA, devs, ndevs, ncpus);
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

	UNIT_CHECK(get32(madt + 4) == 44 + 8 * ncpus + 12, "MADT length %u for %u vCPUs",
		   get32(madt + 4), ncpus);
	UNIT_CHECK(get32(madt + 36) == LGUEST_LAPIC_BASE && get32(madt + 40) == 0,
		   "MADT LAPIC 0x%x flags 0x%x", get32(madt + 36), get32(madt + 40));
	/* vCPU i: processor UID i, APIC ID i, enabled. */
	for (i = 0; i < ncpus; i++) {
		const uint8_t *l = madt + 44 + 8 * i;

		UNIT_CHECK(l[0] == 0 && l[1] == 8 && l[2] == i && l[3] == i &&
			   get32(l + 4) == 1, "MADT local APIC entry %u wrong", i);
	}
	io = madt + 44 + 8 * ncpus;
	UNIT_CHECK(io[0] == 1 && io[1] == 12 && io[2] == 0 &&
		   get32(io + 4) == LGUEST_IOAPIC_BASE && get32(io + 8) == 0,
		   "MADT IOAPIC entry wrong");
	if (!dsdt)
		return;
	UNIT_CHECK((size_t)(dsdt - ram) + get32(dsdt + 4) == len,
		   "DSDT does not end the tables: %zu + %u != %zu",
		   (size_t)(dsdt - ram), get32(dsdt + 4), len);
	{
		static const uint8_t pnp0501[] = { 0x0c, 0x41, 0xd0, 0x05, 0x01 };
		static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12 };
		static const uint8_t com1_io[] = { 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,
						   0x22, 0x10, 0x00, 0x79, 0x00 };
		size_t n = get32(dsdt + 4);

		UNIT_CHECK(memmem(dsdt, n, pnp0501, sizeof(pnp0501)), "no EISAID(PNP0501) in DSDT");
		UNIT_CHECK(memmem(dsdt, n, com1_io, sizeof(com1_io)), "COM1 _CRS bytes wrong");
		UNIT_CHECK(memmem(dsdt, n, "QEMU0001", 9), "no QEMU0001 in DSDT");
		UNIT_CHECK(memmem(dsdt, n, s5, sizeof(s5)), "no Name(_S5, Package) in DSDT");
		check_dsdt_windows(dsdt, n, on);
	}
	if (!iasl)
		return;
	{
		char dir[] = "/tmp/test_acpi.XXXXXX", cmd[64];
		const char *dsdt_words[] = { "PNP0501", "QEMU0001", "_S5", "COM1", "PEVT",
					     "IRQNoFlags", "0xD0002000", NULL };
		const char *fadt_words[] = { "Hardware Reduced (V5) : 1", "LGUEST", NULL };
		const char *madt_words[] = { "FEC00000", "FEE00000", NULL };
		const char *xsdt_words[] = { "ACPI Table Address   0 : 00000000000E0070", NULL };

		if (!mkdtemp(dir)) {
			UNIT_CHECK(0, "mkdtemp failed");
			return;
		}
		round_trip(dir, "dsdt", dsdt, dsdt_words, on);
		round_trip(dir, "facp", fadt, fadt_words, on);
		round_trip(dir, "apic", madt, madt_words, on);
		round_trip(dir, "xsdt", x, xsdt_words, on);
		if (!unit_failures) {
			snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
			if (system(cmd))
				printf("  note: could not remove %s\n", dir);
		} else {
			printf("  note: the tables and iasl's output are in %s\n", dir);
		}
	}
}

/* Windows acpi_build() must refuse: none of these is one. */
static void check_refused(void)
{
	struct acpi_mmio_dev bad[][2] = {
		{ slot(0), slot(LGUEST_MMIO_MAX) },			/* past the last */
		{ slot(3), slot(3) },					/* twice */
		{ slot(1), { slot(2).base, slot(2).irq + 1 } },		/* wrong IRQ */
		{ slot(1), { slot(2).base + 8, slot(2).irq } },		/* not a base */
		{ slot(1), { LGUEST_MMIO_BASE - LGUEST_MMIO_SIZE, LGUEST_MMIO_IRQ_BASE } },
	};
	struct acpi_mmio_dev many[LGUEST_MMIO_MAX + 1];
	unsigned int i;

	for (i = 0; i <= LGUEST_MMIO_MAX; i++)
		many[i] = slot(i % LGUEST_MMIO_MAX);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		UNIT_CHECK(acpi_build(ram, CAP, GPA, bad[i], 2, 1) == 0,
			   "case %u: window 0x%llx irq %u accepted", i,
			   (unsigned long long)bad[i][1].base, bad[i][1].irq);
	UNIT_CHECK(acpi_build(ram, CAP, GPA, many, LGUEST_MMIO_MAX + 1, 1) == 0,
		   "%u windows accepted", (unsigned int)LGUEST_MMIO_MAX + 1);
	UNIT_CHECK(acpi_build(ram, 200, GPA, NULL, 0, 1) == 0, "tables built into 200 bytes");
	UNIT_CHECK(acpi_build(ram, CAP, GPA + 8, NULL, 0, 1) == 0, "tables at an unaligned gpa");
	UNIT_CHECK(acpi_build(ram, CAP, GPA, NULL, 0, 0) == 0, "tables for 0 vCPUs");
	UNIT_CHECK(acpi_build(ram, CAP, GPA, NULL, 0, LGUEST_MAX_VCPUS + 1) == 0,
		   "tables for %u vCPUs", LGUEST_MAX_VCPUS + 1);
}

int main(void)
{
	bool none[LGUEST_MMIO_MAX] = { false };
	bool disk_net_console[LGUEST_MMIO_MAX] = { true, true, true };
	bool sparse[LGUEST_MMIO_MAX] = { [1] = true, [LGUEST_MMIO_MAX - 1] = true };
	bool all[LGUEST_MMIO_MAX];

	memset(all, true, sizeof(all));
	check_tables(none, false, 1);
	check_tables(sparse, false, 1);
	check_tables(all, false, LGUEST_MAX_VCPUS);
	check_tables(disk_net_console, true, 1);
	check_tables(disk_net_console, true, 4);
	check_refused();
	return unit_summary("acpi");
}
