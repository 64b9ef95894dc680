/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lockdown.h - the launcher's last step of setup for its sandbox command:
 * no new privileges, no capabilities, and a seccomp allow-list of the few
 * system calls a running guest still needs.  After it, a launcher taken
 * over through a bug cannot open, execute or connect to anything.
 */
#ifndef LGUEST_TOOLS_LOCKDOWN_H
#define LGUEST_TOOLS_LOCKDOWN_H

/* Room for a message (without "lguest: "). */
#define LOCKDOWN_ERR_LEN	256

int lockdown_apply(char *err);
void lockdown_selftest(void);

#endif
