/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acpi.h - the ACPI tables a --kernel guest finds: RSDP, XSDT, FADT, MADT
 * and the DSDT iasl compiles from dsdt.asl.  Pure functions on a buffer, so
 * tests/unit can check every byte without a guest.
 */
#ifndef LGUEST_TOOLS_ACPI_H
#define LGUEST_TOOLS_ACPI_H

#include <stddef.h>
#include <stdint.h>

/* Sizes of the fixed tables (ACPI 6.x). */
#define ACPI_HDR_LEN		36
#define ACPI_RSDP_LEN		36
#define ACPI_FADT_LEN		276
#define ACPI_FADT_REVISION	6

/* A virtio-mmio window that holds a device: its guest-physical base, IRQ. */
struct acpi_mmio_dev {
	uint64_t base;
	uint32_t irq;
};

uint8_t acpi_checksum(const void *p, size_t len);
size_t acpi_build(uint8_t *buf, size_t cap, uint64_t gpa,
		  const struct acpi_mmio_dev *devs, unsigned int ndevs,
		  unsigned int ncpus);

#endif
