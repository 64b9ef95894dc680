/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-stgi.S - executes the SVM instruction STGI, which a guest of
 * lguest may not use (RAX names a page of RAM, for the instructions that
 * take one).  No IDT: if the module answers with #UD, that triple-faults.
 * Must be killed.
 */
	.include "guest.inc"

	GUEST hostile-stgi
	mov $SCRATCH_PAGE, %eax
	SAY "executing stgi\n"
	stgi
	FAIL "survived stgi"
