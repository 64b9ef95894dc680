/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-clgi.S - executes the SVM instruction CLGI, which a guest of
 * lguest may not use (RAX names a page of RAM, for the instructions that
 * take one).  No IDT: if the module answers with #UD, that triple-faults.
 * Must be killed.
 */
	.include "guest.inc"

	GUEST hostile-clgi
	mov $SCRATCH_PAGE, %eax
	SAY "executing clgi\n"
	clgi
	FAIL "survived clgi"
