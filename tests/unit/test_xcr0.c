// SPDX-License-Identifier: GPL-2.0
/*
 * test_xcr0.c - unit test of the XCR0 rules the module checks before it
 * ever loads a guest's value (drivers/lguest/xcr0_check.h): every value of
 * the low 19 bits, and the reserved high bits, against a table-driven
 * statement of SDM vol. 1, 13.3, for host masks the test host cannot have
 * (AVX-512, MPX, AMX, CET).
 */
#include <stdbool.h>
#include <stdint.h>

typedef uint64_t u64;

/* The kernel's values (arch/x86/include/asm/fpu/{types,xstate}.h). */
#define XFEATURE_MASK_FP		(1ULL << 0)
#define XFEATURE_MASK_SSE		(1ULL << 1)
#define XFEATURE_MASK_YMM		(1ULL << 2)
#define XFEATURE_MASK_BNDREGS		(1ULL << 3)
#define XFEATURE_MASK_BNDCSR		(1ULL << 4)
#define XFEATURE_MASK_OPMASK		(1ULL << 5)
#define XFEATURE_MASK_ZMM_Hi256		(1ULL << 6)
#define XFEATURE_MASK_Hi16_ZMM		(1ULL << 7)
#define XFEATURE_MASK_PT		(1ULL << 8)
#define XFEATURE_MASK_PKRU		(1ULL << 9)
#define XFEATURE_MASK_PASID		(1ULL << 10)
#define XFEATURE_MASK_LBR		(1ULL << 15)
#define XFEATURE_MASK_XTILE_CFG		(1ULL << 17)
#define XFEATURE_MASK_XTILE_DATA	(1ULL << 18)
#define XFEATURE_MASK_SUPERVISOR_ALL	(XFEATURE_MASK_PASID | XFEATURE_MASK_LBR | \
					 XFEATURE_MASK_PT)

#include "../../drivers/lguest/xcr0_check.h"
#include "unit.h"

/* Groups that go together: either all bits of "all" or none, and "needs". */
static const struct { u64 all, needs; } groups[] = {
	{ XFEATURE_MASK_YMM, XFEATURE_MASK_SSE },
	{ XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 | XFEATURE_MASK_Hi16_ZMM,
	  XFEATURE_MASK_YMM },
	{ XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR, 0 },
	{ XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA, 0 },
};

/* Bits 8, 10-16 live in IA32_XSS: never in XCR0. */
#define XSS_BITS	(XFEATURE_MASK_PT | XFEATURE_MASK_PASID | (0x7fULL << 10))

static bool oracle(u64 v, u64 supported)
{
	unsigned int i;

	if (!(v & 1) || (v & ~supported) || (v & XSS_BITS))
		return false;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		u64 g = v & groups[i].all;

		if (g && (g != groups[i].all || (v & groups[i].needs) != groups[i].needs))
			return false;
	}
	return true;
}

int main(void)
{
	static const u64 hosts[] = {
		0x3,		/* x87, SSE */
		0x7,		/* + AVX */
		0x207,		/* + PKRU */
		0x2ff,		/* + MPX, AVX-512 */
		0x602ff,	/* + AMX */
		0x7ffff,	/* everything, XSS bits included (a bad mask) */
	};
	unsigned int h, bad = 0;
	u64 v;

	for (h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++) {
		for (v = 0; v < (1ULL << 19); v++) {
			bool want = oracle(v, hosts[h]);

			if (lg_xcr0_rules_ok(v, hosts[h]) != want && bad++ < 20)
				UNIT_CHECK(0, "host 0x%llx xcr0 0x%llx: want %d",
					   (unsigned long long)hosts[h],
					   (unsigned long long)v, want);
		}
		UNIT_CHECK(!lg_xcr0_rules_ok(hosts[h] | (1ULL << 63), hosts[h]),
			   "bit 63 accepted");
	}
	UNIT_CHECK(bad == 0, "%u values judged wrongly", bad);
	/* The cases a CPU with AVX-512 #GPs on: an XSETBV in the host. */
	UNIT_CHECK(!lg_xcr0_rules_ok(0x27, 0x2ff), "opmask alone accepted");
	UNIT_CHECK(!lg_xcr0_rules_ok(0xe3, 0x2ff), "AVX-512 without AVX accepted");
	UNIT_CHECK(!lg_xcr0_rules_ok(0xb, 0x2ff), "BNDREGS alone accepted");
	UNIT_CHECK(!lg_xcr0_rules_ok(0x20003, 0x602ff), "XTILECFG alone accepted");
	UNIT_CHECK(lg_xcr0_rules_ok(0x602ff, 0x602ff), "everything refused");
	return unit_summary("xcr0");
}
