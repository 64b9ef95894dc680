// SPDX-License-Identifier: GPL-2.0
/*
 * acpi.c - the ACPI tables that describe lguest's machine to a stock Linux
 * guest: RSDP -> XSDT -> FADT (hardware-reduced, reset and sleep registers)
 * and MADT (one CPU, one IOAPIC), and a DSDT written in AML by the small
 * encoder below (serial port, pvpanic, virtio-mmio windows, \_S5).
 */
#include <stdio.h>
#include <string.h>

#include <linux/lguest.h>

#include "acpi.h"
#include "util.h"

#define ALIGN16(x)	(((x) + 15) & ~(size_t)15)

/* --- The AML encoder (ACPI spec, chapter 20 "ACPI Machine Language"). --- */

/* Opcodes and prefixes we emit. */
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_STRING_PREFIX	0x0d
#define AML_QWORD_PREFIX	0x0e
#define AML_SCOPE_OP		0x10
#define AML_BUFFER_OP		0x11
#define AML_PACKAGE_OP		0x12
#define AML_EXT_OP_PREFIX	0x5b
#define AML_DEVICE_OP		0x82	/* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR		0x5c	/* '\' */

/**
 * aml_init() - start an empty AML stream in a buffer.
 * @a: the stream.
 * @buf: where the bytes go.
 * @cap: how many bytes @buf holds; writing past it sets @a->overflow.
 */
void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->len = 0;
	a->cap = cap;
	a->overflow = false;
}

/**
 * aml_bytes() - append raw bytes to an AML stream.
 * @a: the stream.
 * @p: the bytes.
 * @n: how many.
 */
void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->overflow || n > a->cap - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

/**
 * aml_byte() - append one byte to an AML stream.
 * @a: the stream.
 * @b: the byte.
 */
void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

/* The largest PkgLength value each encoding size (1-4 bytes) can hold. */
static const uint32_t pkglen_max[4] = { 0x3f, 0xfff, 0xfffff, 0xfffffff };

/**
 * aml_pkglen_encode() - encode a PkgLength value.
 * @out: up to four bytes of output.
 * @total: the value: the length of the package from the first PkgLength
 *	byte to its end, so it counts the PkgLength bytes themselves.
 *
 * Up to 63 fits in one byte (bits 0-5).  Otherwise bits 6-7 of the lead
 * byte say how many bytes follow (1-3), its bits 0-3 are the low nibble of
 * the value, bits 4-5 are zero, and each following byte holds the next
 * eight bits.
 *
 * Return: the number of bytes written (1-4), or 0 if @total is too large.
 */
int aml_pkglen_encode(uint8_t out[4], uint32_t total)
{
	int n, i;

	for (n = 1; n <= 4 && total > pkglen_max[n - 1]; n++)
		;
	if (n > 4)
		return 0;
	if (n == 1) {
		out[0] = total;
		return 1;
	}
	out[0] = (n - 1) << 6 | (total & 0xf);
	for (i = 1; i < n; i++)
		out[i] = total >> (4 + 8 * (i - 1));
	return n;
}

/**
 * aml_open() - begin the contents of a package that has a PkgLength.
 * @a: the stream; the opcode has just been written.
 *
 * Return: a mark to hand to aml_close() once the contents are written.
 */
size_t aml_open(struct aml *a)
{
	return a->len;
}

/**
 * aml_close() - end a package: insert its PkgLength before the contents.
 * @a: the stream.
 * @mark: what aml_open() returned.
 *
 * The encoding is the shortest one whose value, which includes the
 * encoding's own bytes, it can hold: 62 content bytes take one PkgLength
 * byte (value 63), 63 content bytes take two (value 65).
 */
void aml_close(struct aml *a, size_t mark)
{
	size_t body = a->len - mark;
	uint8_t enc[4];
	int n;

	if (a->overflow)
		return;
	for (n = 1; n <= 4 && body + n > pkglen_max[n - 1]; n++)
		;
	if (n > 4 || (size_t)n > a->cap - a->len) {
		a->overflow = true;
		return;
	}
	aml_pkglen_encode(enc, body + n);
	memmove(a->buf + mark + n, a->buf + mark, body);
	memcpy(a->buf + mark, enc, n);
	a->len += n;
}

static bool aml_name_char(char c, bool lead)
{
	return (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!lead && c >= '0' && c <= '9');
}

/**
 * aml_namestring() - append a NameString of one NameSeg.
 * @a: the stream.
 * @name: "\\_SB", "COM1", "_HID"...: an optional root prefix and up to four
 *	name characters, padded with '_' as ASL does.  Anything else marks
 *	the stream bad.
 */
void aml_namestring(struct aml *a, const char *name)
{
	char seg[4] = { '_', '_', '_', '_' };
	size_t i, n;

	if (*name == '\\') {
		aml_byte(a, AML_ROOT_CHAR);
		name++;
	}
	n = strlen(name);
	if (n < 1 || n > 4) {
		a->overflow = true;
		return;
	}
	for (i = 0; i < n; i++) {
		if (!aml_name_char(name[i], i == 0)) {
			a->overflow = true;
			return;
		}
		seg[i] = name[i];
	}
	aml_bytes(a, seg, 4);
}

/**
 * aml_integer() - append an integer constant in its shortest encoding.
 * @a: the stream.
 * @v: the value (ZeroOp, OneOp, or a Byte/Word/DWord/QWord prefix).
 */
void aml_integer(struct aml *a, uint64_t v)
{
	uint8_t b[8];
	int n, i;

	if (v == 0) {
		aml_byte(a, AML_ZERO_OP);
		return;
	}
	if (v == 1) {
		aml_byte(a, AML_ONE_OP);
		return;
	}
	if (v <= 0xff) {
		aml_byte(a, AML_BYTE_PREFIX);
		n = 1;
	} else if (v <= 0xffff) {
		aml_byte(a, AML_WORD_PREFIX);
		n = 2;
	} else if (v <= 0xffffffff) {
		aml_byte(a, AML_DWORD_PREFIX);
		n = 4;
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		n = 8;
	}
	for (i = 0; i < n; i++)
		b[i] = v >> (8 * i);
	aml_bytes(a, b, n);
}

/**
 * aml_string() - append a String constant (StringPrefix, ASCII, NUL).
 * @a: the stream.
 * @s: the text.
 */
void aml_string(struct aml *a, const char *s)
{
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

/**
 * aml_eisaid() - append a compressed EISA ID, as ASL's EISAID() does.
 * @a: the stream.
 * @id: seven characters, three letters and four hex digits ("PNP0501").
 *
 * The letters take five bits each (A = 1) and the digits four, packed
 * big-endian into 32 bits; the DWord stored is that value byte-swapped.
 */
void aml_eisaid(struct aml *a, const char *id)
{
	uint8_t b[4];
	uint32_t v = 0;
	int i;

	if (strlen(id) != 7) {
		a->overflow = true;
		return;
	}
	for (i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			a->overflow = true;
			return;
		}
		v = v << 5 | (id[i] - 0x40);
	}
	for (i = 3; i < 7; i++) {
		if (hexval(id[i]) < 0) {
			a->overflow = true;
			return;
		}
		v = v << 4 | hexval(id[i]);
	}
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
	aml_byte(a, AML_DWORD_PREFIX);
	aml_bytes(a, b, 4);
}

/**
 * aml_name() - begin Name(@name, ...): the caller appends the data object.
 * @a: the stream.
 * @name: the name, as for aml_namestring().
 */
void aml_name(struct aml *a, const char *name)
{
	aml_byte(a, AML_NAME_OP);
	aml_namestring(a, name);
}

/**
 * aml_scope() - begin Scope(@name) { ... }.
 * @a: the stream.
 * @name: the scope's name, as for aml_namestring().
 *
 * Return: the mark for aml_close() once the scope's contents are written.
 */
size_t aml_scope(struct aml *a, const char *name)
{
	size_t mark;

	aml_byte(a, AML_SCOPE_OP);
	mark = aml_open(a);
	aml_namestring(a, name);
	return mark;
}

/**
 * aml_device() - begin Device(@name) { ... }.
 * @a: the stream.
 * @name: the device's name, as for aml_namestring().
 *
 * Return: the mark for aml_close() once the device's contents are written.
 */
size_t aml_device(struct aml *a, const char *name)
{
	size_t mark;

	aml_byte(a, AML_EXT_OP_PREFIX);
	aml_byte(a, AML_DEVICE_OP);
	mark = aml_open(a);
	aml_namestring(a, name);
	return mark;
}

/* Buffer(){...} holding a resource template and its end tag. */
static void aml_resources(struct aml *a, const uint8_t *res, size_t n)
{
	static const uint8_t end_tag[2] = { 0x79, 0x00 };
	size_t mark;

	aml_byte(a, AML_BUFFER_OP);
	mark = aml_open(a);
	aml_integer(a, n + sizeof(end_tag));
	aml_bytes(a, res, n);
	aml_bytes(a, end_tag, sizeof(end_tag));
	aml_close(a, mark);
}

/* Resource descriptors (ACPI spec 6.4 "Resource Data Types for ACPI"). */

/* IO(Decode16, port, port, 1, len): small item 0x08, 7 bytes. */
static size_t res_io(uint8_t *p, uint16_t port, uint8_t len)
{
	p[0] = 0x47;
	p[1] = 0x01;		/* decodes 16 address bits */
	put16(p + 2, port);	/* minimum base */
	put16(p + 4, port);	/* maximum base */
	p[6] = 1;		/* alignment */
	p[7] = len;
	return 8;
}

/* IRQNoFlags(){irq}: small item 0x04, 2 bytes (edge, active high). */
static size_t res_irq_noflags(uint8_t *p, unsigned int irq)
{
	p[0] = 0x22;
	put16(p + 1, 1u << irq);
	return 3;
}

/* Memory32Fixed(ReadWrite, base, len): large item 0x06, 9 bytes. */
static size_t res_mem32_fixed(uint8_t *p, uint32_t base, uint32_t len)
{
	p[0] = 0x86;
	put16(p + 1, 9);
	p[3] = 0x01;		/* read/write */
	put32(p + 4, base);
	put32(p + 8, len);
	return 12;
}

/*
 * Interrupt(ResourceConsumer, Level, ActiveHigh, Exclusive){irq}: large
 * item 0x09.  Flags: bit 0 consumer, bit 1 edge (0: level), bit 2 active
 * low, bit 3 shared.
 */
static size_t res_interrupt_level_high(uint8_t *p, uint32_t irq)
{
	p[0] = 0x89;
	put16(p + 1, 6);
	p[3] = 0x01;
	p[4] = 1;		/* one interrupt number follows */
	put32(p + 5, irq);
	return 9;
}

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

/* The standard 36-byte header, checksum left for acpi_seal(). */
static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	t[9] = 0;
	memcpy(t + 10, "LGUEST", 6);		/* OEM ID */
	memcpy(t + 16, "LGUEST  ", 8);		/* OEM table ID */
	put32(t + 24, 1);			/* OEM revision */
	memcpy(t + 28, "LGST", 4);		/* creator ID */
	put32(t + 32, 1);			/* creator revision */
}

static void acpi_seal(uint8_t *t, size_t len)
{
	t[9] = 0;
	t[9] = -acpi_checksum(t, len);
}

/**
 * acpi_build_dsdt() - write the DSDT (header and AML) into a buffer.
 * @buf: where it goes.
 * @cap: bytes available at @buf.
 * @devs: the virtio-mmio windows to describe, or NULL.
 * @ndevs: how many (at most %LGUEST_MMIO_MAX).
 *
 * In ASL, what it writes is::
 *
 *   Scope (\_SB) {
 *     Device (COM1) {
 *       Name (_HID, EisaId ("PNP0501"))
 *       Name (_UID, One)
 *       Name (_CRS, ResourceTemplate () {
 *         IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
 *         IRQNoFlags () {4}
 *       })
 *     }
 *     Device (PEVT) {
 *       Name (_HID, "QEMU0001")
 *       Name (_CRS, ResourceTemplate () {
 *         IO (Decode16, 0x0505, 0x0505, 0x01, 0x01)
 *       })
 *     }
 *     Device (VR00) {			// one per @devs entry, _UID i
 *       Name (_HID, "LNRO0005")
 *       Name (_UID, Zero)
 *       Name (_CRS, ResourceTemplate () {
 *         Memory32Fixed (ReadWrite, base, LGUEST_MMIO_SIZE)
 *         Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {irq}
 *       })
 *     }
 *   }
 *   Name (\_S5, Package () { 5, 5, Zero, Zero })
 *
 * Return: the table's length, or 0 if it does not fit or @devs is bad.
 */
size_t acpi_build_dsdt(uint8_t *buf, size_t cap,
		       const struct acpi_mmio_dev *devs, unsigned int ndevs)
{
	uint8_t res[32];
	struct aml a;
	size_t sb, dev, pkg, n;
	unsigned int i;

	if (cap < ACPI_HDR_LEN || ndevs > LGUEST_MMIO_MAX)
		return 0;
	aml_init(&a, buf + ACPI_HDR_LEN, cap - ACPI_HDR_LEN);

	sb = aml_scope(&a, "\\_SB");

	dev = aml_device(&a, "COM1");
	aml_name(&a, "_HID");
	aml_eisaid(&a, "PNP0501");
	aml_name(&a, "_UID");
	aml_integer(&a, 1);
	aml_name(&a, "_CRS");
	n = res_io(res, LGUEST_SERIAL_PORT, 8);
	n += res_irq_noflags(res + n, LGUEST_SERIAL_IRQ);
	aml_resources(&a, res, n);
	aml_close(&a, dev);

	dev = aml_device(&a, "PEVT");
	aml_name(&a, "_HID");
	aml_string(&a, "QEMU0001");
	aml_name(&a, "_CRS");
	n = res_io(res, LGUEST_PVPANIC_PORT, 1);
	aml_resources(&a, res, n);
	aml_close(&a, dev);

	for (i = 0; i < ndevs; i++) {
		char name[5];

		if (devs[i].base > 0xffffffffULL - LGUEST_MMIO_SIZE + 1)
			return 0;
		/* "VRnn" (ndevs <= LGUEST_MMIO_MAX: two digits always do). */
		memcpy(name, "VR", 2);
		name[2] = '0' + i / 10 % 10;
		name[3] = '0' + i % 10;
		name[4] = '\0';
		dev = aml_device(&a, name);
		aml_name(&a, "_HID");
		aml_string(&a, "LNRO0005");
		aml_name(&a, "_UID");
		aml_integer(&a, i);
		aml_name(&a, "_CRS");
		n = res_mem32_fixed(res, devs[i].base, LGUEST_MMIO_SIZE);
		n += res_interrupt_level_high(res + n, devs[i].irq);
		aml_resources(&a, res, n);
		aml_close(&a, dev);
	}
	aml_close(&a, sb);

	aml_name(&a, "\\_S5");
	aml_byte(&a, AML_PACKAGE_OP);
	pkg = aml_open(&a);
	aml_byte(&a, 4);			/* NumElements */
	aml_integer(&a, LGUEST_PM_S5_TYP);	/* SLP_TYPa */
	aml_integer(&a, LGUEST_PM_S5_TYP);	/* SLP_TYPb */
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_close(&a, pkg);

	if (a.overflow)
		return 0;
	n = ACPI_HDR_LEN + a.len;
	acpi_header(buf, "DSDT", n, 2);		/* rev 2: 64-bit integers */
	acpi_seal(buf, n);
	return n;
}

/* A Generic Address Structure for an 8-bit I/O port, accessed by bytes. */
static void gas_io8(uint8_t *p, uint16_t port)
{
	p[0] = 1;		/* address space: system I/O */
	p[1] = 8;		/* register bit width */
	p[2] = 0;		/* register bit offset */
	p[3] = 1;		/* access size: byte */
	put64(p + 4, port);
}

/* FADT Flags and IAPC_BOOT_ARCH bits we set. */
#define FADT_RESET_REG_SUP		(1u << 10)
#define FADT_FORCE_APIC_PHYS_DEST	(1u << 19)
#define FADT_HW_REDUCED_ACPI		(1u << 20)
#define IAPC_VGA_NOT_PRESENT		(1u << 2)
#define IAPC_CMOS_RTC_NOT_PRESENT	(1u << 5)

static void acpi_fadt(uint8_t *t, uint64_t dsdt_gpa)
{
	memset(t, 0, ACPI_FADT_LEN);
	acpi_header(t, "FACP", ACPI_FADT_LEN, ACPI_FADT_REVISION);
	put16(t + 109, IAPC_VGA_NOT_PRESENT | IAPC_CMOS_RTC_NOT_PRESENT);
	put32(t + 112, FADT_RESET_REG_SUP | FADT_FORCE_APIC_PHYS_DEST |
		       FADT_HW_REDUCED_ACPI);
	gas_io8(t + 116, LGUEST_PM_RESET);		/* RESET_REG */
	t[128] = LGUEST_PM_RESET_VALUE;			/* RESET_VALUE */
	t[131] = 0;					/* minor version: 6.0 */
	put64(t + 140, dsdt_gpa);			/* X_DSDT */
	gas_io8(t + 244, LGUEST_PM_SLEEP_CTL);		/* SLEEP_CONTROL_REG */
	gas_io8(t + 256, LGUEST_PM_SLEEP_STS);		/* SLEEP_STATUS_REG */
	memcpy(t + 268, "LGUEST\0\0", 8);		/* hypervisor vendor */
	acpi_seal(t, ACPI_FADT_LEN);
}

#define MADT_LEN	(44 + 8 + 12)

static void acpi_madt(uint8_t *t)
{
	uint8_t *e = t + 44;

	memset(t, 0, MADT_LEN);
	acpi_header(t, "APIC", MADT_LEN, 5);
	put32(t + 36, LGUEST_LAPIC_BASE);	/* local APIC address */
	put32(t + 40, 0);			/* flags: no PCAT_COMPAT 8259s */
	e[0] = 0;				/* Processor Local APIC */
	e[1] = 8;
	e[2] = 0;				/* ACPI processor UID */
	e[3] = 0;				/* APIC ID */
	put32(e + 4, 1);			/* enabled */
	e += 8;
	e[0] = 1;				/* I/O APIC */
	e[1] = 12;
	e[2] = 0;				/* I/O APIC ID */
	e[3] = 0;
	put32(e + 4, LGUEST_IOAPIC_BASE);
	put32(e + 8, 0);			/* global system interrupt base */
	acpi_seal(t, MADT_LEN);
}

/*T:044 The guest kernel learns about the machine from ACPI, as it would
 * on a modern PC, and from nothing else: no BIOS, no MP table, no probing.
 * The FADT says "hardware-reduced" (no PM timer, no SCI, no legacy PIC) and
 * names the reset and sleep registers the module serves; the MADT gives one
 * CPU and one IOAPIC; the DSDT, in AML the launcher writes itself, names
 * the serial port, the pvpanic port, the virtio-mmio windows and \_S5, the
 * value that means "power off". :*/

/**
 * acpi_build() - write all of the guest's ACPI tables into a buffer.
 * @buf: where they go: the launcher's view of guest memory at @gpa.
 * @cap: bytes available at @buf.
 * @gpa: the guest-physical address @buf will be seen at (16-byte aligned,
 *	below 4 GiB); the tables point at each other by it.
 * @devs: the virtio-mmio windows for the DSDT, or NULL.
 * @ndevs: how many.
 *
 * The RSDP is at @buf itself, so a guest that scans 0xe0000-0xfffff for
 * "RSD PTR " finds it as well as one told acpi_rsdp_addr.  Then follow, each
 * 16-byte aligned: XSDT (FADT, MADT), FADT, MADT, DSDT.
 *
 * Return: the bytes used, or 0 if the tables do not fit in @cap.
 */
size_t acpi_build(uint8_t *buf, size_t cap, uint64_t gpa,
		  const struct acpi_mmio_dev *devs, unsigned int ndevs)
{
	const size_t xsdt = ALIGN16(ACPI_RSDP_LEN), xsdt_len = ACPI_HDR_LEN + 2 * 8;
	const size_t fadt = ALIGN16(xsdt + xsdt_len);
	const size_t madt = ALIGN16(fadt + ACPI_FADT_LEN);
	const size_t dsdt = ALIGN16(madt + MADT_LEN);
	size_t dsdt_len;
	uint8_t *r = buf, *x = buf + xsdt;

	if (cap < dsdt || (gpa & 15) || gpa + cap > 0x100000000ULL)
		return 0;
	memset(buf, 0, dsdt);
	dsdt_len = acpi_build_dsdt(buf + dsdt, cap - dsdt, devs, ndevs);
	if (!dsdt_len)
		return 0;
	acpi_fadt(buf + fadt, gpa + dsdt);
	acpi_madt(buf + madt);

	acpi_header(x, "XSDT", xsdt_len, 1);
	put64(x + ACPI_HDR_LEN, gpa + fadt);
	put64(x + ACPI_HDR_LEN + 8, gpa + madt);
	acpi_seal(x, xsdt_len);

	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "LGUEST", 6);		/* OEM ID */
	r[15] = 2;				/* revision: ACPI 2.0+, has XSDT */
	put32(r + 16, 0);			/* no RSDT */
	put32(r + 20, ACPI_RSDP_LEN);
	put64(r + 24, gpa + xsdt);
	r[8] = -acpi_checksum(r, 20);
	r[32] = -acpi_checksum(r, ACPI_RSDP_LEN);
	return dsdt + dsdt_len;
}
