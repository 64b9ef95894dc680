/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpa_check.h - the overflow-safe range check behind lg_gpa_range_ok(),
 * kept alone with no kernel dependencies so that the user-space unit test
 * (tests/unit/test_gpa.c) compiles exactly the code the module runs.
 */
#ifndef _LGUEST_GPA_CHECK_H
#define _LGUEST_GPA_CHECK_H

/*
 * lg_range_inside - is [start, start + len) inside [0, size)?  Written so
 * that nothing can overflow, whatever the three values: never start + len.
 */
static inline bool lg_range_inside(u64 size, u64 start, u64 len)
{
	return len <= size && start <= size - len;
}

#endif /* _LGUEST_GPA_CHECK_H */
