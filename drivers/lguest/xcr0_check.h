/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xcr0_check.h - the architectural rules for a value of XCR0, kept alone
 * with no kernel dependencies beyond the XFEATURE_MASK_* constants so that
 * the user-space unit test (tests/unit/test_xcr0.c) checks exactly the code
 * the module runs.  lg_xcr0_valid() in platform.c is its only caller.
 */
#ifndef _LGUEST_XCR0_CHECK_H
#define _LGUEST_XCR0_CHECK_H

/*
 * Components managed through IA32_XSS only (SDM vol. 1, table 13-1): the
 * kernel's supervisor set (PT, PASID, arch LBR) and CET_U, CET_S, HDC,
 * UINTR, LBR and HWP (bits 11-16), for which 6.1 has no constants.
 */
#define LG_XFEATURE_MASK_XSS_ONLY	(XFEATURE_MASK_SUPERVISOR_ALL | \
					 ((1ULL << 17) - (1ULL << 11)))

/*
 * lg_xcr0_rules_ok - may XCR0 hold @xcr0 on a CPU whose XSETBV accepts the
 * components in @supported?  The rules of Intel SDM vol. 1, 13.3 ("Enabling
 * the XSAVE feature set and XSAVE-enabled features") and the XSETBV entry
 * of vol. 2, which AMD APM vol. 3 (XSETBV) shares; XSETBV raises #GP when
 * any of them is broken, so a value that passes here is one the CPU takes:
 *  - only supported components, and never a supervisor-only one (those
 *    live in IA32_XSS, not XCR0);
 *  - bit 0 (x87) always set;
 *  - AVX (YMM) only with SSE;
 *  - the three AVX-512 components all or none, and only with AVX;
 *  - MPX's BNDREGS and BNDCSR both or none;
 *  - AMX's XTILECFG and XTILEDATA both or none.
 */
static inline bool lg_xcr0_rules_ok(u64 xcr0, u64 supported)
{
	const u64 avx512 = XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 |
			   XFEATURE_MASK_Hi16_ZMM;
	const u64 mpx = XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR;
	const u64 amx = XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA;

	if ((xcr0 & ~supported) || (xcr0 & LG_XFEATURE_MASK_XSS_ONLY))
		return false;
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if ((xcr0 & avx512) && ((xcr0 & avx512) != avx512 ||
				!(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	if ((xcr0 & mpx) && (xcr0 & mpx) != mpx)
		return false;
	if ((xcr0 & amx) && (xcr0 & amx) != amx)
		return false;
	return true;
}

#endif /* _LGUEST_XCR0_CHECK_H */
