/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-vmrun.S - executes the SVM instruction VMRUN, which a guest of
 * lguest may not use (RAX names a page of RAM, for the instructions that
 * take one).  No IDT: if the module answers with #UD, that triple-faults.
 * Must be killed.
 */
	.include "guest.inc"

	GUEST hostile-vmrun
	mov $SCRATCH_PAGE, %eax
	SAY "executing vmrun\n"
	vmrun
	FAIL "survived vmrun"
