// SPDX-License-Identifier: GPL-2.0
/*
 * test_gpa.c - unit tests of the one guest-physical range check every
 * guest address goes through (drivers/lguest/gpa_check.h): edges of RAM,
 * zero lengths, and the values that would wrap a naive start + len.
 */
#include <stdbool.h>
#include <stdint.h>

typedef uint64_t u64;
#include "../../drivers/lguest/gpa_check.h"
#include "unit.h"

#define MiB (1ULL << 20)

static void expect(u64 size, u64 start, u64 len, bool want)
{
	UNIT_CHECK(lg_range_inside(size, start, len) == want,
		   "lg_range_inside(size 0x%llx, start 0x%llx, len 0x%llx) != %d",
		   (unsigned long long)size, (unsigned long long)start,
		   (unsigned long long)len, want);
}

int main(void)
{
	u64 ram = 64 * MiB;

	expect(ram, 0, 1, true);
	expect(ram, 0, ram, true);
	expect(ram, ram - 1, 1, true);
	expect(ram, ram - 8, 8, true);
	expect(ram, ram, 0, true);		/* empty range at the end */
	expect(ram, ram, 1, false);
	expect(ram, ram - 7, 8, false);		/* straddles the end */
	expect(ram, 0, ram + 1, false);
	expect(ram, ram + 1, 0, false);
	expect(ram, UINT64_MAX, 1, false);
	expect(ram, 1, UINT64_MAX, false);	/* 1 + len wraps to 0 */
	expect(ram, UINT64_MAX - 7, 16, false);	/* start + len wraps to 8 */
	expect(ram, 0x1000, UINT64_MAX - 0xfff, false);
	expect(ram, (1ULL << 52) - 1, 1, false);
	expect(0, 0, 0, true);
	expect(0, 0, 1, false);
	expect(UINT64_MAX, UINT64_MAX - 1, 1, true);
	expect(UINT64_MAX, 1, UINT64_MAX, false);
	return unit_summary("gpa_range");
}
