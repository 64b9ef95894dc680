/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-spin.S - spins forever with interrupts off and never exits on
 * its own: the host interrupts the launcher and must get it back at once.
 */
	.include "guest.inc"

	GUEST hostile-spin
	SAY "spinning with interrupts off\n"
	cli
1:	jmp 1b
