/* SPDX-License-Identifier: GPL-2.0 */
/* hello.S - the smallest guest: one line on the serial port, power off. */
	.include "guest.inc"

	GUEST hello
	PUTS "Hello from an lguest guest\n"
	PASS
