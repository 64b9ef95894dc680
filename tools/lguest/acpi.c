// SPDX-License-Identifier: GPL-2.0
/*
 * acpi.c - the ACPI tables that describe lguest's machine to a stock Linux
 * guest: RSDP -> XSDT -> FADT (hardware-reduced, reset and sleep registers)
 * and MADT (one CPU, one IOAPIC), packed structs filled in here, and the
 * DSDT, compiled from dsdt.asl at build time, with each window's _STA set.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <linux/lguest.h>

#include "acpi.h"
#include "dsdt.hex"		/* dsdt_aml_code[]: iasl -tc */
#include "dsdt.offset.h"	/* where each named value is in it: iasl -so */

/* The structs below are the tables' bytes as they are on x86. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "acpi.c lays out ACPI's little-endian tables as native structs"
#endif

#define ALIGN16(x)	(((x) + 15) & ~(size_t)15)

/* iasl names its offset table after the DSDT's OEM table ID, "LGUEST  ". */
#define DSDT_OFFSETS	DSDT_LGUEST___OffsetTable
#define AML_BYTE_PREFIX	0x0a
#define ACPI_STA_ON	0x0f	/* present, enabled, shown, functioning */

/* The header every table but the RSDP starts with (ACPI 6.4, 5.2.6). */
struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));
static_assert(sizeof(struct acpi_header) == ACPI_HDR_LEN, "ACPI header");

/* Root System Description Pointer, revision 2 (5.2.5.3). */
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;		/* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;		/* of all of it */
	uint8_t reserved[3];
} __attribute__((packed));
static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_LEN, "RSDP");

/* Extended System Description Table (5.2.8): the FADT and the MADT. */
struct acpi_xsdt {
	struct acpi_header h;
	uint64_t entry[2];
} __attribute__((packed));
static_assert(sizeof(struct acpi_xsdt) == 52, "XSDT");

/* Generic Address Structure (5.2.3.2). */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));
static_assert(sizeof(struct acpi_gas) == 12, "GAS");

/* Fixed ACPI Description Table, revision 6 (5.2.9). */
struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	/* INT_MODEL to CENTURY: the fixed hardware a hardware-reduced
	 * machine does without (SCI, SMI, PM1/PM2/GPE blocks, PM timer). */
	uint8_t legacy_pm[65];
	uint16_t iapc_boot_arch;
	uint8_t reserved;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_legacy_pm[8];	/* X_PM1a_EVT_BLK to X_GPE1_BLK */
	struct acpi_gas sleep_control;
	struct acpi_gas sleep_status;
	char hypervisor_vendor[8];
} __attribute__((packed));
static_assert(sizeof(struct acpi_fadt) == ACPI_FADT_LEN, "FADT");
static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "IAPC_BOOT_ARCH");
static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "X_DSDT");
static_assert(offsetof(struct acpi_fadt, sleep_control) == 244, "SLEEP_CONTROL_REG");

/* FADT Flags and IAPC_BOOT_ARCH bits we set. */
#define FADT_RESET_REG_SUP		(1u << 10)
#define FADT_FORCE_APIC_PHYS_DEST	(1u << 19)
#define FADT_HW_REDUCED_ACPI		(1u << 20)
#define IAPC_VGA_NOT_PRESENT		(1u << 2)
#define IAPC_CMOS_RTC_NOT_PRESENT	(1u << 5)

/*
 * Multiple APIC Description Table, revision 5 (5.2.12): one Processor
 * Local APIC entry per vCPU (5.2.12.2), then the I/O APIC (5.2.12.3).
 */
struct acpi_madt_lapic {
	uint8_t type, length, processor_uid, apic_id;
	uint32_t flags;
} __attribute__((packed));

struct acpi_madt_ioapic {
	uint8_t type, length, ioapic_id, reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_addr;
	uint32_t flags;
	struct acpi_madt_lapic lapic[LGUEST_MAX_VCPUS];
	struct acpi_madt_ioapic ioapic;	/* right after lapic[ncpus - 1] */
} __attribute__((packed));
static_assert(sizeof(struct acpi_madt) == 44 + 8 * LGUEST_MAX_VCPUS + 12, "MADT");

/* The MADT's length with @ncpus local APICs. */
static size_t madt_len(unsigned int ncpus)
{
	return 44 + ncpus * sizeof(struct acpi_madt_lapic) +
	       sizeof(struct acpi_madt_ioapic);
}

#define MADT_LOCAL_APIC		0
#define MADT_IO_APIC		1
#define MADT_LAPIC_ENABLED	1

/**
 * acpi_checksum() - the 8-bit sum of a range of bytes.
 * @p: the bytes.
 * @len: how many.
 *
 * Return: the sum modulo 256; a table with a correct checksum sums to 0.
 */
uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

/* seal: set the checksum byte at @sum so that @len bytes at @p sum to 0. */
static void seal(const void *p, size_t len, uint8_t *sum)
{
	*sum = 0;
	*sum = -acpi_checksum(p, len);
}

/* The standard header for a table of @len bytes; seal() it when filled. */
static void acpi_header(struct acpi_header *h, const char *sig, uint32_t len,
			uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "LGUEST", 6);
	memcpy(h->oem_table_id, "LGUEST  ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "LGST", 4);
	h->creator_revision = 1;
}

/* An 8-bit I/O port, accessed by bytes. */
static struct acpi_gas gas_io8(uint16_t port)
{
	return (struct acpi_gas){ .space_id = 1, .bit_width = 8,
				  .access_size = 1, .address = port };
}

static void acpi_fadt(struct acpi_fadt *t, uint64_t dsdt_gpa)
{
	acpi_header(&t->h, "FACP", sizeof(*t), ACPI_FADT_REVISION);
	t->iapc_boot_arch = IAPC_VGA_NOT_PRESENT | IAPC_CMOS_RTC_NOT_PRESENT;
	t->flags = FADT_RESET_REG_SUP | FADT_FORCE_APIC_PHYS_DEST |
		   FADT_HW_REDUCED_ACPI;
	t->reset_reg = gas_io8(LGUEST_PM_RESET);
	t->reset_value = LGUEST_PM_RESET_VALUE;
	t->minor_version = 0;				/* ACPI 6.0 */
	t->x_dsdt = dsdt_gpa;
	t->sleep_control = gas_io8(LGUEST_PM_SLEEP_CTL);
	t->sleep_status = gas_io8(LGUEST_PM_SLEEP_STS);
	memcpy(t->hypervisor_vendor, "LGUEST\0\0", 8);
	seal(t, sizeof(*t), &t->h.checksum);
}

/* vCPU i has processor UID i and APIC ID i (the module's numbering). */
static void acpi_madt(struct acpi_madt *t, unsigned int ncpus)
{
	struct acpi_madt_ioapic *io = (void *)&t->lapic[ncpus];
	unsigned int i;

	acpi_header(&t->h, "APIC", madt_len(ncpus), 5);
	t->lapic_addr = LGUEST_LAPIC_BASE;
	t->flags = 0;				/* no PCAT_COMPAT 8259s */
	for (i = 0; i < ncpus; i++) {
		t->lapic[i].type = MADT_LOCAL_APIC;
		t->lapic[i].length = sizeof(t->lapic[i]);
		t->lapic[i].processor_uid = i;
		t->lapic[i].apic_id = i;
		t->lapic[i].flags = MADT_LAPIC_ENABLED;
	}
	io->type = MADT_IO_APIC;
	io->length = sizeof(*io);
	io->address = LGUEST_IOAPIC_BASE;	/* ID 0, GSI base 0 */
	seal(t, madt_len(ncpus), &t->h.checksum);
}

/* window: the slot @d's base and IRQ name, or -1 if they name none. */
static int window(const struct acpi_mmio_dev *d)
{
	uint64_t off = d->base - LGUEST_MMIO_BASE;

	if (d->base < LGUEST_MMIO_BASE || off % LGUEST_MMIO_SIZE ||
	    off / LGUEST_MMIO_SIZE >= LGUEST_MMIO_MAX ||
	    d->irq != LGUEST_MMIO_IRQ_BASE + off / LGUEST_MMIO_SIZE)
		return -1;
	return off / LGUEST_MMIO_SIZE;
}

/*
 * sta_offset: where window @i's _STA byte is in dsdt_aml_code, from iasl's
 * offset table, checked to be a byte constant inside the table; 0 if not.
 */
static size_t sta_offset(unsigned int i)
{
	const AML_OFFSET_TABLE_ENTRY *e;
	char path[24];

	snprintf(path, sizeof(path), "_SB_.VR%02u._STA", i);
	for (e = DSDT_OFFSETS; e->Pathname; e++)
		if (!strcmp(e->Pathname, path))
			break;
	if (!e->Pathname || e->Opcode != AML_BYTE_PREFIX ||
	    e->Offset <= ACPI_HDR_LEN || e->Offset >= sizeof(dsdt_aml_code) ||
	    dsdt_aml_code[e->Offset - 1] != AML_BYTE_PREFIX)
		return 0;
	return e->Offset;
}

/*
 * acpi_dsdt: copy the compiled DSDT to @t and turn on the _STA of each
 * window in @devs.  Return: its length, or 0 if it does not fit in @cap,
 * @devs names something other than a window or one twice, or iasl's
 * output is not what dsdt.asl promises.
 */
static size_t acpi_dsdt(uint8_t *t, size_t cap,
			const struct acpi_mmio_dev *devs, unsigned int ndevs)
{
	bool on[LGUEST_MMIO_MAX] = { false };
	unsigned int i;

	if (cap < sizeof(dsdt_aml_code) || ndevs > LGUEST_MMIO_MAX)
		return 0;
	for (i = 0; i < ndevs; i++) {
		int w = window(&devs[i]);

		if (w < 0 || on[w])
			return 0;
		on[w] = true;
	}
	memcpy(t, dsdt_aml_code, sizeof(dsdt_aml_code));
	for (i = 0; i < LGUEST_MMIO_MAX; i++) {
		size_t off = sta_offset(i);

		if (!off)
			return 0;
		t[off] = on[i] ? ACPI_STA_ON : 0;
	}
	seal(t, sizeof(dsdt_aml_code), t + offsetof(struct acpi_header, checksum));
	return sizeof(dsdt_aml_code);
}

/*T:044 The guest kernel learns about the machine from ACPI, as it would
 * on a modern PC, and from nothing else: no BIOS, no MP table, no probing.
 * The FADT says "hardware-reduced" (no PM timer, no SCI, no legacy PIC) and
 * names the reset and sleep registers the module serves; the MADT lists the
 * vCPUs' local APICs and one IOAPIC.  The DSDT is ASL (tools/lguest/dsdt.asl) that iasl
 * compiles with the launcher: the serial port, the pvpanic port, every
 * virtio-mmio window and \_S5, the value that means "power off".  All the
 * launcher does to it is switch on the _STA of the windows it fills, so
 * the guest ignores the empty ones. :*/

/**
 * acpi_build() - write all of the guest's ACPI tables into a buffer.
 * @buf: where they go: the launcher's view of guest memory at @gpa.
 * @cap: bytes available at @buf.
 * @gpa: the guest-physical address @buf will be seen at (16-byte aligned,
 *	below 4 GiB); the tables point at each other by it.
 * @devs: the virtio-mmio windows that hold a device, or NULL: each must
 *	be slot i's, at %LGUEST_MMIO_BASE + i * %LGUEST_MMIO_SIZE on IRQ
 *	%LGUEST_MMIO_IRQ_BASE + i, with i below %LGUEST_MMIO_MAX.
 * @ndevs: how many.
 * @ncpus: vCPUs, 1 to %LGUEST_MAX_VCPUS: the MADT's local APICs 0 ... ncpus - 1.
 *
 * The RSDP is at @buf itself, so a guest that scans 0xe0000-0xfffff for
 * "RSD PTR " finds it as well as one told acpi_rsdp_addr.  Then follow, each
 * 16-byte aligned: XSDT (FADT, MADT), FADT, MADT, DSDT.
 *
 * Return: the bytes used, or 0 if the tables do not fit in @cap or @devs
 * names something other than a window.
 */
size_t acpi_build(uint8_t *buf, size_t cap, uint64_t gpa,
		  const struct acpi_mmio_dev *devs, unsigned int ndevs,
		  unsigned int ncpus)
{
	const size_t xsdt = ALIGN16(sizeof(struct acpi_rsdp));
	const size_t fadt = ALIGN16(xsdt + sizeof(struct acpi_xsdt));
	const size_t madt = ALIGN16(fadt + sizeof(struct acpi_fadt));
	const size_t dsdt = ALIGN16(madt + madt_len(ncpus ? ncpus : 1));
	struct acpi_rsdp r = { .revision = 2 };	/* 2: ACPI 2.0+, an XSDT */
	struct acpi_xsdt x = { 0 };
	struct acpi_fadt f = { 0 };
	struct acpi_madt m = { 0 };
	size_t dsdt_len;

	if (!ncpus || ncpus > LGUEST_MAX_VCPUS || cap < dsdt || (gpa & 15) ||
	    gpa + cap > 0x100000000ULL)
		return 0;
	memset(buf, 0, dsdt);
	dsdt_len = acpi_dsdt(buf + dsdt, cap - dsdt, devs, ndevs);
	if (!dsdt_len)
		return 0;
	acpi_fadt(&f, gpa + dsdt);
	acpi_madt(&m, ncpus);

	acpi_header(&x.h, "XSDT", sizeof(x), 1);
	x.entry[0] = gpa + fadt;
	x.entry[1] = gpa + madt;
	seal(&x, sizeof(x), &x.h.checksum);

	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, "LGUEST", 6);
	r.length = sizeof(r);
	r.xsdt = gpa + xsdt;
	seal(&r, 20, &r.checksum);
	seal(&r, sizeof(r), &r.ext_checksum);

	memcpy(buf, &r, sizeof(r));
	memcpy(buf + xsdt, &x, sizeof(x));
	memcpy(buf + fadt, &f, sizeof(f));
	memcpy(buf + madt, &m, madt_len(ncpus));
	return dsdt + dsdt_len;
}
