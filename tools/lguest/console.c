// SPDX-License-Identifier: GPL-2.0
/*
 * console.c - the launcher's terminal: raw mode for a guest's console,
 * put back on every way out, and the files the module's virtio console
 * reads and writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "launcher.h"
#include "util.h"

/* The terminal's settings before we made it raw, to put back at the end. */
static struct termios saved_tty;
static volatile sig_atomic_t tty_is_raw;

static void restore_tty(void)
{
	if (tty_is_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
		tty_is_raw = 0;
	}
}

/*
 * A fatal signal: put the terminal back, then die of the same signal with
 * its default action (it is blocked while we run, so it lands on return).
 */
static void fatal_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*T:045 A --kernel guest's console is the launcher's terminal.  The
 * module reads stdin itself, so the terminal must hand over every key as it
 * is typed: no line editing, no echo (the guest echoes).  With the virtio
 * console the signal keys go to the guest too (Ctrl-C interrupts the
 * guest's program, not the guest), and the module's Ctrl-A x is the way
 * out; with only the serial port, Ctrl-C still ends the launcher.  The
 * settings come back on every way out, a fatal signal included. :*/
/**
 * console_raw() - put the terminal in raw mode for a guest's console.
 * @keep_signals: leave the signal keys to the terminal (serial console).
 */
void console_raw(bool keep_signals)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = fatal_signal };
	struct termios t;
	unsigned int i;

	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp() ||
	    tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return;
	t = saved_tty;
	t.c_lflag &= ~(ICANON | ECHO | ECHONL | IEXTEN);
	t.c_iflag &= ~(ICRNL | INLCR | IGNCR | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;	/* Ctrl-Z goes to the guest */
	if (!keep_signals)
		t.c_lflag &= ~ISIG;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* Leave ignored what our parent ignored (nohup), bar SIGINT. */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN && sigs[i] != SIGINT)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	atexit(restore_tty);
	tty_is_raw = 1;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		tty_is_raw = 0;
}

/**
 * console_fds() - the virtio console's files, given to @d.
 * @d: the devices.
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * The module reads the input from a worker that must not sleep on it, so
 * it wants a non-blocking file of its own: stdin reopened through /proc,
 * which makes a new open file (O_NONBLOCK there does not change the
 * shell's stdin).  No stdin, or one that cannot be reopened (a socket),
 * means no console input.
 *
 * Return: 0 or a negative errno.
 */
int console_fds(struct devopts *d, char *err)
{
	int in = -1, out = STDOUT_FILENO;

	if (fcntl(STDIN_FILENO, F_GETFD) >= 0) {
		in = open("/proc/self/fd/0", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (in < 0)
			fprintf(stderr, "lguest: console input off: cannot reopen stdin: %s\n",
				strerror(errno));
	}
	if (fcntl(STDOUT_FILENO, F_GETFD) < 0)
		out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out < 0)
		return errnof(err, GUEST_ERR_LEN, errno,
			      "no stdout and cannot open /dev/null: %s", strerror(errno));
	devopts_console_fds(d, in, out);
	return 0;
}
