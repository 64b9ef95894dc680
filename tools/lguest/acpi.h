/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acpi.h - the ACPI tables a --kernel guest finds (RSDP, XSDT, FADT, MADT
 * and a DSDT in AML), and the small AML encoder that writes the DSDT.  Pure
 * functions on a buffer, so tests/unit can check every byte without a guest.
 */
#ifndef LGUEST_TOOLS_ACPI_H
#define LGUEST_TOOLS_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sizes and offsets of the fixed tables (ACPI 6.x). */
#define ACPI_HDR_LEN		36
#define ACPI_RSDP_LEN		36
#define ACPI_FADT_LEN		276
#define ACPI_FADT_REVISION	6

/* A virtio-mmio window for the DSDT: its guest-physical base and IRQ. */
struct acpi_mmio_dev {
	uint64_t base;
	uint32_t irq;
};

/* An AML byte stream being written into a fixed buffer. */
struct aml {
	uint8_t *buf;
	size_t len;
	size_t cap;
	bool overflow;		/* something did not fit: the result is junk */
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);
void aml_byte(struct aml *a, uint8_t b);
void aml_bytes(struct aml *a, const void *p, size_t n);
int aml_pkglen_encode(uint8_t out[4], uint32_t total);
size_t aml_open(struct aml *a);
void aml_close(struct aml *a, size_t mark);
void aml_namestring(struct aml *a, const char *name);
void aml_integer(struct aml *a, uint64_t v);
void aml_string(struct aml *a, const char *s);
void aml_eisaid(struct aml *a, const char *id);
void aml_name(struct aml *a, const char *name);
size_t aml_scope(struct aml *a, const char *name);
size_t aml_device(struct aml *a, const char *name);

uint8_t acpi_checksum(const void *p, size_t len);
size_t acpi_build_dsdt(uint8_t *buf, size_t cap,
		       const struct acpi_mmio_dev *devs, unsigned int ndevs);
size_t acpi_build(uint8_t *buf, size_t cap, uint64_t gpa,
		  const struct acpi_mmio_dev *devs, unsigned int ndevs);

#endif
