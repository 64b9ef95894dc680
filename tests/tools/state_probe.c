// SPDX-License-Identifier: GPL-2.0
/*
 * state_probe.c - test helper run inside the test host: sets a guest state
 * through LGUEST_SET_REGS/LGUEST_SET_SREGS the way a launcher may, runs the
 * guest for a moment and checks that LGUEST_RUN comes back (killed, or
 * interrupted by the repeating alarm), in a child watched by the parent: a
 * child still in the kernel after the limit means a CPU is stuck.
 * Usage: state_probe [--shadow] NAME... (see the states below).  A guest
 * killed says so, with the kill reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/lguest.h>

#define MEM	(16ULL << 20)
#define EFER_LME	(1ULL << 8)	/* long mode enable (APM vol. 2, 3.1.7) */
#define CR4_PAE		(1ULL << 5)

static int paging = LGUEST_PAGING_NPT;
/* "ds-limit": DS with a limit past 1 MiB and G clear (VT-x refuses it). */
static int bad_ds;

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * Create a guest (real mode, RIP 0, zeroed RAM), set EFER and CR4 (and with
 * @exact the registers abi_fuzz --seed 1 --worker 1 --iter 391 set last),
 * and run it through the alarm's interruptions.  Return 0 if SET_SREGS
 * answered as @refuse says and RUN came back; the parent catches a RUN that
 * never does.
 */
static int run_state(const char *name, uint64_t efer, uint64_t cr4, int exact, int refuse)
{
	struct lguest_create c = { .mem_size = MEM, .flags = paging };
	struct lguest_regs r;
	struct lguest_sregs s;
	struct lguest_run run;
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = {
		.it_interval = { .tv_usec = 20000 }, .it_value = { .tv_usec = 20000 },
	};
	int lg = open("/dev/lguest", O_RDWR), fd = -1, i, ret = -1;

	if (lg < 0 || ioctl(lg, LGUEST_CREATE, &c) < 0 ||
	    (fd = ioctl(lg, LGUEST_CREATE_VCPU, 0)) < 0 ||
	    ioctl(fd, LGUEST_GET_REGS, &r) || ioctl(fd, LGUEST_GET_SREGS, &s)) {
		printf("%s: setup failed: %s\n", name, strerror(errno));
		return 1;
	}
	if (exact) {
		static const uint64_t w[18] = {
			0x7fffffff, 0x4000001, 0xbb4e7d1c5381d7d8, 0x2ec, 0, 0, 0x3ffffff,
			0xaf2edc7da60c7a61, 0xa3171606959abb3c, 0x2, 0x2000001,
			0x913e706665ded20d, 0x466, 0x800000000000, 0x1001, 0x3fd, 0,
			0x274be2f11b86da,
		};

		memcpy(&r, w, sizeof(r));
		if (ioctl(fd, LGUEST_SET_REGS, &r))
			return 1;
	}
	s.efer = efer;
	s.cr4 = cr4;
	if (bad_ds) {
		s.ds.limit = 0xffffffff;
		s.ds.attrib = 0x93;	/* present writable data, G clear */
	}
	if (ioctl(fd, LGUEST_SET_SREGS, &s)) {
		int err = errno;

		printf("%s: SET_SREGS refused (%s)\n", name, strerror(err));
		return refuse && err == EINVAL ? 0 : 1;
	}
	printf("%s: SET_SREGS accepted\n", name);
	if (refuse)
		return 1;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	for (i = 0; i < 10 && ret; i++)
		ret = ioctl(fd, LGUEST_RUN, &run);
	printf("%s: RUN came back (%s)\n", name, ret ? strerror(errno) : "stopped");
	if (!ret && run.reason == LGUEST_EXIT_KILLED)
		printf("%s: killed: %s\n", name, run.kill_reason);
	return 0;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		const char *n = argv[i];
		time_t t0;
		pid_t pid;
		int st;

		if (!strcmp(n, "--shadow")) {
			paging = LGUEST_PAGING_SHADOW;
			continue;
		}
		fflush(stdout);
		pid = fork();
		if (!pid) {
			if (!strcmp(n, "lme-nopae"))	/* LME, PG=0, PAE=0: refused */
				_exit(run_state(n, EFER_LME, 0, 0, 1));
			if (!strcmp(n, "fuzz391"))	/* the fuzzer's state: refused */
				_exit(run_state(n, EFER_LME, 0, 1, 1));
			if (!strcmp(n, "lme-pae"))	/* LME, PG=0, PAE=1: runs */
				_exit(run_state(n, EFER_LME, CR4_PAE, 0, 0));
			if (!strcmp(n, "ds-limit")) {	/* accepted; VT-x refuses it */
				bad_ds = 1;
				_exit(run_state(n, 0, 0, 0, 0));
			}
			_exit(2);
		}
		t0 = time(NULL);
		while (waitpid(pid, &st, WNOHANG) != pid) {
			if (time(NULL) - t0 > 10) {
				printf("%s: FAILED: LGUEST_RUN still in the kernel after 10 s\n", n);
				return 1;
			}
			usleep(10000);
		}
		st = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		printf("%s: %s\n", n, st ? "FAILED" : "ok");
		failed |= st != 0;
	}
	return failed;
}
