/* SPDX-License-Identifier: GPL-2.0 */
/*
 * density.h - what raw_density.c (liblguest) and kvm_density.c (plain
 * KVM) share for the density and per-guest memory figures
 * (tests/host/cases/bench-density.sh, bench-mem.sh): bring N raw guests up
 * (created, a 4 KiB image whose first instruction is HLT loaded, run to
 * that HLT exit) and keep them, from one process or from N forked ones,
 * timed the same way; the two sides differ only in density_up().
 *
 * Usage: PROG --guests N [--procs] [--mem MIB]
 * Prints "@@DENSITY <guests> <microseconds until all were up> <guests per
 * second>" and "@@RAMRES <KiB>" (guest RAM resident in this process's own
 * mappings, from mincore(): what a VMM's anonymous RAM costs; 0 where the
 * RAM is the module's), then "holding" and keeps every guest until
 * SIGTERM.  With --procs, N children each bring one guest up (fork, no
 * exec) and keep it until the parent is gone.  Exit status 1 with a
 * "PROG: " line if a guest fails, 2 for bad arguments.
 */
#ifndef LG_TESTS_DENSITY_H
#define LG_TESTS_DENSITY_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DENSITY_IMAGE_SIZE	4096
#define DENSITY_MAX		1024

static uint8_t density_image[DENSITY_IMAGE_SIZE] = { 0xf4 };	/* hlt */
static const char *density_prog;
static uint64_t density_mem = 2ULL << 20;

/* density_up: guest @i up to its HLT and kept; its RAM mapping, if ours. */
static void density_up(long i, void **ram);

static void __attribute__((noreturn)) density_die(long i, const char *what, const char *why)
{
	fprintf(stderr, "%s: guest %ld: %s: %s\n", density_prog, i, what, why);
	exit(1);
}

static double density_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Resident bytes of a mapping of density_mem bytes at @ram. */
static uint64_t density_resident(void *ram)
{
	size_t pages = density_mem / 4096, j;
	uint64_t n = 0;
	unsigned char *v;

	if (!ram)
		return 0;
	v = malloc(pages);
	if (!v || mincore(ram, density_mem, v) < 0) {
		free(v);
		return 0;
	}
	for (j = 0; j < pages; j++)
		n += v[j] & 1;
	free(v);
	return n * 4096;
}

static long density_num(const char *opt, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max) {
		fprintf(stderr, "%s: %s %s: want a number 1-%ld\n", density_prog, opt, s, max);
		exit(2);
	}
	return v;
}

static void density_hold(void)
{
	printf("holding\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int density_main(int argc, char **argv)
{
	long n = 0, i, up = 0;
	int procs = 0, ready[2], hold[2];
	uint64_t res = 0;
	double t0, t1;
	void *ram;
	char c;

	density_prog = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--guests") && i + 1 < argc) {
			n = density_num(argv[i], argv[i + 1], DENSITY_MAX);
			i++;
		} else if (!strcmp(argv[i], "--mem") && i + 1 < argc) {
			density_mem = (uint64_t)density_num(argv[i], argv[i + 1], 1024) << 20;
			i++;
		} else if (!strcmp(argv[i], "--procs")) {
			procs = 1;
		} else {
			n = 0;
			break;
		}
	}
	if (!n || density_mem % (2ULL << 20)) {
		fprintf(stderr, "usage: %s --guests N [--procs] [--mem MIB, a multiple of 2]\n",
			density_prog);
		exit(2);
	}
	if (!procs) {
		t0 = density_now_us();
		for (i = 0; i < n; i++) {
			density_up(i, &ram);
			res += density_resident(ram);
		}
		t1 = density_now_us();
		printf("@@DENSITY %ld %.0f %.1f\n", n, t1 - t0, n / ((t1 - t0) / 1e6));
		printf("@@RAMRES %llu\n", (unsigned long long)res / 1024);
		density_hold();
	}
	/* ready: one byte per child that is up ('F' if it failed); hold:
	 * never written, its EOF (this process gone) ends the children.
	 */
	if (pipe(ready) < 0 || pipe(hold) < 0)
		density_die(-1, "pipe", strerror(errno));
	fflush(stdout);
	t0 = density_now_us();
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			density_die(i, "fork", strerror(errno));
		if (pid == 0) {
			close(ready[0]);
			close(hold[1]);
			density_up(i, &ram);
			c = 'U';
			if (write(ready[1], &c, 1) != 1)
				_exit(1);
			close(ready[1]);
			while (read(hold[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(ready[1]);
	close(hold[0]);
	while (up < n && read(ready[0], &c, 1) == 1 && c == 'U')
		up++;
	t1 = density_now_us();
	if (up < n) {
		fprintf(stderr, "%s: %ld of %ld guests came up\n", density_prog, up, n);
		exit(1);
	}
	printf("@@DENSITY %ld %.0f %.1f\n", n, t1 - t0, n / ((t1 - t0) / 1e6));
	printf("@@RAMRES 0\n");
	density_hold();
	return 0;
}

#endif
