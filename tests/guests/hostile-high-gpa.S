/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-high-gpa.S - maps the 2 MiB page at guest-physical 2^52 - 2 MiB
 * (the top of what a page-table entry can name) and writes there.  Must be
 * killed, by whatever path: reserved-bit #PF and triple fault, or a
 * nested page fault the module cannot serve.
 */
	.include "guest.inc"

	GUEST hostile-high-gpa
	movabs $0x000fffffffe00000, %r15
	WRITE_2M_PLUS_4K
	FAIL "survived a write to guest-physical 2^52 - 2 MiB + 4 KiB"
